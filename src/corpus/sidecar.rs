//! Reading a folder's metadata sidecar (`metadata.csv`, `.json` or `.jsonl`): one row of title,
//! date, signatories and other fields for each statement file beside it.
//!
//! Problems split two ways. A file that cannot be read as a table (unreadable, malformed CSV or
//! JSON, JSON that is not objects, no `file`/`id` column, a `--column` naming a column the file
//! lacks) fails [`Sidecar::read`], because then no row of it can be trusted. A bad value in one
//! row (a date that is not a date, a second row for one statement, a row without a key) goes to
//! [`Sidecar::problems`] and only that value, or that row, is left out: one typo in a spreadsheet
//! of hundreds of statements should not keep the other rows from being indexed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::text::clean_inline;
use super::{Signatory, StatementDate};

/// The file names a corpus folder's sidecar may have.
pub const SIDECAR_NAMES: [&str; 3] = ["metadata.csv", "metadata.json", "metadata.jsonl"];

/// The fields a sidecar column can supply: the names `--column` accepts left of `=`.
const FIELDS: &str = "file, id, title, date, year, issuer, type, signatories, source";

/// What can go wrong reading a sidecar, named with the sidecar's path and line.
#[derive(Debug, thiserror::Error)]
pub enum SidecarError {
    #[error("{path}: cannot read file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    At {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// The metadata one sidecar row gives one statement file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SidecarRow {
    /// As written in the `file` or `id` column: a file name (`a.txt`) or a stem (`a`).
    pub key: String,
    /// 1-based line in the sidecar file where the row starts.
    pub line: usize,
    pub title: Option<String>,
    pub date: Option<StatementDate>,
    pub issuer: Option<String>,
    pub kind: Option<String>,
    pub signatories: Vec<Signatory>,
    pub source: Option<String>,
    /// Columns verbatim does not know, as JSON values (CSV cells as strings).
    pub extra: Map<String, Value>,
    /// Canonical field name -> the column it came from, for `inspect` ("signatories" <- "president_full").
    pub columns: BTreeMap<&'static str, String>,
}

/// A sidecar file read into rows.
#[derive(Debug)]
pub struct Sidecar {
    pub path: PathBuf,
    pub rows: Vec<SidecarRow>,
    /// Bad values in single rows; each left its value, or its row, out of `rows`.
    pub problems: Vec<SidecarError>,
}

/// A line and a message, before the sidecar's path is added.
type Located = (usize, String);

impl Sidecar {
    /// Reads the sidecar at `path`, its format chosen by its extension (`.json`, `.jsonl`, else
    /// CSV). `mapping` holds `(field, column)` pairs from `--column`; `parse_signatory` turns one
    /// signatory's text into a signatory, as front matter does with a bare string.
    pub fn read(
        path: &Path,
        mapping: &[(String, String)],
        parse_signatory: &dyn Fn(&str) -> Signatory,
    ) -> Result<Sidecar, SidecarError> {
        let at = |(line, message): Located| SidecarError::At {
            path: path.to_path_buf(),
            line,
            message,
        };
        let bytes = std::fs::read(path).map_err(|source| SidecarError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|err| {
            let line = 1 + bytes[..err.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            at((
                line,
                "the file is not UTF-8 text; save it as UTF-8".to_string(),
            ))
        })?;
        // Spreadsheet programs often start an export with a byte-order mark, which would
        // otherwise become part of the first column's name.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mapping = Mapping::new(mapping).map_err(|message| at((1, message)))?;
        let table = match path.extension().and_then(|ext| ext.to_str()) {
            Some("json") => json_table(text, false),
            Some("jsonl") => json_table(text, true),
            _ => csv_table(text),
        }
        .map_err(at)?;
        table.check(&mapping).map_err(|message| at((1, message)))?;

        let mut problems = Vec::new();
        let mut rows: Vec<SidecarRow> = Vec::new();
        // Within one folder a statement's id ends in its file stem, and discovery skips a second
        // file with a taken id, so two keys with one stem (`a`, `a.txt`) can only mean one
        // statement, or a missing file.
        let mut stems: HashMap<String, usize> = HashMap::new();
        for (line, cells) in table.records {
            let Some(row) = read_row(line, cells, &mapping, parse_signatory, &mut problems) else {
                continue;
            };
            if let Some(first) = stems.get(file_stem(&row.key)) {
                let message = format!(
                    "a second row for `{}` (the first is on line {first}); this row is skipped, remove one of them",
                    row.key
                );
                problems.push((line, message));
                continue;
            }
            stems.insert(file_stem(&row.key).to_string(), line);
            rows.push(row);
        }
        Ok(Sidecar {
            path: path.to_path_buf(),
            rows,
            problems: problems.into_iter().map(at).collect(),
        })
    }

    /// The row for a statement file `file_name` (e.g. "a.txt"): matches `file` = file name, or
    /// `id`/`file` = stem.
    pub fn row_for(&self, file_name: &str) -> Option<&SidecarRow> {
        self.rows.iter().find(|row| describes(&row.key, file_name))
    }

    /// Rows whose key matches none of the given file names (reported as "row for a missing file").
    pub fn unmatched<'a>(&'a self, file_names: &[&str]) -> Vec<&'a SidecarRow> {
        let missing = |row: &&SidecarRow| !file_names.iter().any(|name| describes(&row.key, name));
        self.rows.iter().filter(missing).collect()
    }
}

/// Parses a mapping argument "signatories=president_full" into `(field, column)`; a front-matter
/// alias on the left (`published=…`) stands for its field.
pub fn parse_column_mapping(arg: &str) -> Result<(String, String), String> {
    let Some((field, column)) = arg.split_once('=') else {
        return Err(format!(
            "invalid --column `{arg}`: expected FIELD=COLUMN, e.g. signatories=president_full"
        ));
    };
    if column.trim().is_empty() {
        return Err(format!(
            "invalid --column `{arg}`: no column name after `=`"
        ));
    }
    let field = field_named(&fold(field)).ok_or_else(|| unknown_field(arg, field))?;
    Ok((field.to_string(), column.trim().to_string()))
}

fn unknown_field(arg: &str, field: &str) -> String {
    let field = field.trim();
    format!(
        "invalid --column `{arg}`: `{field}` is not a field verbatim reads (expected one of {FIELDS})"
    )
}

/// The canonical field a column name stands for, with the aliases front matter accepts.
fn field_named(folded: &str) -> Option<&'static str> {
    Some(match folded {
        "date" | "published" | "issued" => "date",
        "source" | "source_url" | "url" => "source",
        "file" => "file",
        "id" => "id",
        "title" => "title",
        "year" => "year",
        "issuer" => "issuer",
        "type" => "type",
        "signatories" => "signatories",
        _ => return None,
    })
}

/// Column names match however a spreadsheet capitalised or padded them.
fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A file name's stem, the last part of the id discovery gives the file.
fn file_stem(name: &str) -> &str {
    Path::new(name)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(name)
}

fn describes(key: &str, file_name: &str) -> bool {
    key == file_name || key == file_stem(file_name)
}

/// The `--column` pairs: field, column as given, column folded.
struct Mapping(Vec<(&'static str, String, String)>);

impl Mapping {
    fn new(pairs: &[(String, String)]) -> Result<Mapping, String> {
        let resolve = |(field, column): &(String, String)| {
            let arg = format!("{field}={column}");
            let field = field_named(&fold(field)).ok_or_else(|| unknown_field(&arg, field))?;
            Ok((field, column.trim().to_string(), fold(column)))
        };
        pairs
            .iter()
            .map(resolve)
            .collect::<Result<_, String>>()
            .map(Mapping)
    }

    /// The field a column supplies: its `--column` mapping, else its own name or alias, unless
    /// `--column` gave that field to another column (then this one is kept as an extra field).
    fn field_of(&self, column: &str) -> Option<&'static str> {
        let folded = fold(column);
        if let Some((field, ..)) = self.0.iter().find(|(_, _, c)| *c == folded) {
            return Some(field);
        }
        field_named(&folded).filter(|field| !self.0.iter().any(|(f, ..)| f == field))
    }
}

/// A sidecar's rows before their values are read: each a line and its `(column, value)` cells.
struct Table {
    /// Column names: a CSV header, or every key any JSON object has.
    header: Vec<String>,
    records: Vec<(usize, Vec<(String, Value)>)>,
}

impl Table {
    /// Checks that the columns rows need are there, so that a misspelled `--column` or a missing
    /// key column is one clear error rather than a problem on every row.
    fn check(&self, mapping: &Mapping) -> Result<(), String> {
        if self.header.is_empty() && self.records.is_empty() {
            return Ok(());
        }
        let found: Vec<String> = self.header.iter().map(|name| format!("`{name}`")).collect();
        let found = found.join(", ");
        for (field, column, folded) in &mapping.0 {
            if !self.header.iter().any(|name| fold(name) == *folded) {
                return Err(format!(
                    "there is no column `{column}` (from --column {field}={column}); the columns are {found}"
                ));
            }
        }
        if !self
            .header
            .iter()
            .any(|name| matches!(mapping.field_of(name), Some("file" | "id")))
        {
            return Err(format!(
                "no `file` or `id` column to say which statement file each row describes; the columns are {found} (add one, or name one with --column file=COLUMN)"
            ));
        }
        Ok(())
    }
}

fn csv_table(text: &str) -> Result<Table, Located> {
    let bytes = text.as_bytes();
    // csv's own line count lags behind with CRLF endings and blank lines (rust-csv#395), so
    // lines are counted here from a record's byte offset, past the line breaks it may point at.
    let start_of = |position: &csv::Position| {
        let at = usize::try_from(position.byte()).map_or(bytes.len(), |at| at.min(bytes.len()));
        at + bytes[at..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count()
    };
    let malformed = |err: csv::Error| {
        let start = err.position().map_or(0, start_of);
        let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
        let message = match err.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "this row has {len} fields but the header has {expected_len}; check its quotes and commas"
            ),
            _ => format!("not valid CSV: {err}"),
        };
        (line, message)
    };
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(malformed)?
        .iter()
        .map(|name| name.trim().to_string())
        .collect();
    let (mut records, mut counted, mut line) = (Vec::new(), 0, 1);
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        // Offsets only grow, so counting on from the last record keeps this linear.
        let start = record.position().map_or(counted, start_of).max(counted);
        line += bytes[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = start;
        let cells = record.iter().map(|cell| Value::String(cell.to_string()));
        records.push((line, header.iter().cloned().zip(cells).collect()));
    }
    Ok(Table { header, records })
}

/// A JSON array of objects, or with `lines` one object per line (JSONL).
fn json_table(text: &str, lines: bool) -> Result<Table, Located> {
    let syntax = |first_line: usize| {
        move |err: serde_json::Error| {
            // serde's message ends with the position, which `path:line` already gives.
            let full = err.to_string();
            let message = full.split(" at line ").next().unwrap_or_default();
            let column = err.column();
            let message = format!("not valid JSON (column {column}): {message}");
            (first_line + err.line().max(1), message)
        }
    };
    let mut items: Vec<(usize, Value)> = Vec::new();
    if lines {
        for (line, raw) in (1..)
            .zip(text.lines())
            .filter(|(_, raw)| !raw.trim().is_empty())
        {
            items.push((line, serde_json::from_str(raw).map_err(syntax(line - 1))?));
        }
    } else {
        match serde_json::from_str(text).map_err(syntax(0))? {
            Value::Array(values) => {
                items = element_lines(text)
                    .into_iter()
                    .chain(std::iter::repeat(1))
                    .zip(values)
                    .collect()
            }
            other => {
                let found = describe(&other);
                let message = format!(
                    "expected a JSON array of objects, one per statement file, found {found}"
                );
                return Err((1, message));
            }
        }
    }
    let (mut header, mut records) = (Vec::new(), Vec::new());
    for (index, (line, item)) in (1..).zip(items) {
        let Value::Object(object) = item else {
            let what = match lines {
                true => "this line".to_string(),
                false => format!("item {index} of the array"),
            };
            return Err((
                line,
                format!("{what} is {}, not an object of fields", describe(&item)),
            ));
        };
        let new_keys: Vec<String> = object
            .keys()
            .filter(|key| !header.contains(*key))
            .cloned()
            .collect();
        header.extend(new_keys);
        records.push((line, object.into_iter().collect()));
    }
    Ok(Table { header, records })
}

/// The 1-based line where each element of a top-level JSON array starts. serde_json's values
/// carry no positions, so this scans the text for the commas between elements.
fn element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut line, mut depth) = (1, 0usize);
    let (mut in_string, mut escaped, mut expect_element) = (false, false, false);
    for c in text.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if expect_element && !c.is_whitespace() {
            lines.push(line);
            expect_element = false;
        }
        match c {
            '\n' => line += 1,
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                expect_element = depth == 1 && c == '[';
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' => expect_element = depth == 1,
            _ => {}
        }
    }
    lines
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A scalar as text: strings, numbers and booleans; not lists or objects.
fn text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        other => Err(format!("expected text, found {}", describe(other))),
    }
}

/// Empty cells say nothing, so they neither set a field nor hide a later column's value.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Reads one row's cells into its fields, pushing bad values onto `problems`; `None` when the
/// row names no file.
fn read_row(
    line: usize,
    cells: Vec<(String, Value)>,
    mapping: &Mapping,
    parse_signatory: &dyn Fn(&str) -> Signatory,
    problems: &mut Vec<Located>,
) -> Option<SidecarRow> {
    // Spreadsheets export rows of empty cells below the data; they say nothing, so no problem.
    if cells.iter().all(|(_, value)| is_blank(value)) {
        return None;
    }
    let mut row = SidecarRow {
        line,
        ..SidecarRow::default()
    };
    let (mut file, mut id, mut year) = (None, None, None);
    // File names and URLs keep their inner spacing; display text is cleaned as front matter's is.
    let trimmed = |text: String| Some(text.trim().to_string());
    let cleaned = |text: String| Some(clean_inline(&text));
    for (column, value) in cells {
        if is_blank(&value) {
            continue;
        }
        let Some(field) = mapping.field_of(&column) else {
            row.extra.entry(column).or_insert(value);
            continue;
        };
        // Of two columns for one field (`date` and `published`), the first good value wins.
        if row.columns.contains_key(field) {
            continue;
        }
        let outcome = match field {
            "signatories" => {
                signatories(&value, parse_signatory).map(|list| row.signatories = list)
            }
            "date" => date(&value, false).map(|date| row.date = Some(date)),
            "year" => date(&value, true).map(|date| year = Some(date)),
            "file" => text(&value).map(|text| file = trimmed(text)),
            "id" => text(&value).map(|text| id = trimmed(text)),
            "source" => text(&value).map(|text| row.source = trimmed(text)),
            "title" => text(&value).map(|text| row.title = cleaned(text)),
            "issuer" => text(&value).map(|text| row.issuer = cleaned(text)),
            _ => text(&value).map(|text| row.kind = cleaned(text)),
        };
        match outcome {
            Ok(()) if field == "signatories" && row.signatories.is_empty() => {}
            Ok(()) => {
                row.columns.insert(field, column);
            }
            Err(message) => problems.push((line, format!("column `{column}`: {message}"))),
        }
    }
    // As in front matter, a full date wins over a year.
    let year_column = row.columns.remove("year");
    if row.date.is_none() && year.is_some() {
        row.date = year;
        row.columns
            .extend(year_column.map(|column| ("date", column)));
    }
    let Some(key) = file.or(id) else {
        let message =
            "the row has no `file` or `id` value, so it describes no statement; it is skipped";
        problems.push((line, message.to_string()));
        return None;
    };
    row.key = key;
    Some(row)
}

/// A `;`-separated text, or (in JSON) a list of texts, one signatory each.
fn signatories(
    value: &Value,
    parse_signatory: &dyn Fn(&str) -> Signatory,
) -> Result<Vec<Signatory>, String> {
    let items: Vec<String> = match value {
        Value::Array(items) => (1..)
            .zip(items)
            .map(|(n, item)| text(item).map_err(|message| format!("item {n}: {message}")))
            .collect::<Result<_, String>>()?,
        other => text(other)?.split(';').map(str::to_string).collect(),
    };
    Ok(items
        .iter()
        .map(|item| clean_inline(item))
        .filter(|item| !item.is_empty())
        .map(|item| parse_signatory(&item))
        .filter(|signatory| *signatory != Signatory::default())
        .collect())
}

/// A `date` (any form [`StatementDate::parse`] takes) or a `year` (only `YYYY`), worded as front
/// matter words its errors.
fn date(value: &Value, year_only: bool) -> Result<StatementDate, String> {
    let text = text(value)?;
    match StatementDate::parse(&text) {
        Some(date @ StatementDate::Year(_)) if year_only => Ok(date),
        Some(date) if !year_only => Ok(date),
        _ if year_only => Err(format!("`{}` is not a year", text.trim())),
        _ => Err(format!(
            "`{}` is not a date (expected YYYY-MM-DD or YYYY)",
            text.trim()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for front matter's rule: a known country, a "Name, Role" person, else a name.
    fn signatory(text: &str) -> Signatory {
        if ["India", "Japan"].contains(&text) {
            return Signatory {
                country: Some(text.to_string()),
                ..Signatory::default()
            };
        }
        let (name, role) = match text.split_once(", ") {
            Some((name, role)) => (name, Some(role.to_string())),
            None => (text, None),
        };
        Signatory {
            name: Some(name.to_string()),
            role,
            ..Signatory::default()
        }
    }

    fn read_as(name: &str, content: &str, mapping: &[(&str, &str)]) -> Result<Sidecar, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let mapping: Vec<(String, String)> = mapping
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        // Paths in messages are made relative so that assertions can be exact.
        Sidecar::read(&path, &mapping, &signatory)
            .map(|mut sidecar| {
                sidecar.path = PathBuf::from(name);
                sidecar
            })
            .map_err(|err| {
                err.to_string()
                    .replace(&format!("{}/", dir.path().display()), "")
            })
    }

    fn read(name: &str, content: &str) -> Sidecar {
        read_as(name, content, &[]).unwrap()
    }

    fn problems(sidecar: &Sidecar) -> Vec<String> {
        let dir = sidecar.path.display().to_string();
        sidecar
            .problems
            .iter()
            .map(|problem| {
                let text = problem.to_string();
                let at = text.find(&dir).unwrap();
                text[at..].to_string()
            })
            .collect()
    }

    fn keys_and_lines(sidecar: &Sidecar) -> Vec<(&str, usize)> {
        sidecar
            .rows
            .iter()
            .map(|row| (row.key.as_str(), row.line))
            .collect()
    }

    fn person(name: &str, role: Option<&str>) -> Signatory {
        Signatory {
            name: Some(name.to_string()),
            role: role.map(str::to_string),
            ..Signatory::default()
        }
    }

    fn country(name: &str) -> Signatory {
        Signatory {
            country: Some(name.to_string()),
            ..Signatory::default()
        }
    }

    #[test]
    fn csv_with_byte_order_mark_and_crlf_reads_its_first_column() {
        let sidecar = read("metadata.csv", "\u{feff}file,title\r\na.txt,A\r\nb,B\r\n");
        assert_eq!(keys_and_lines(&sidecar), [("a.txt", 2), ("b", 3)]);
        assert_eq!(sidecar.rows[0].title.as_deref(), Some("A"));
        assert!(sidecar.problems.is_empty());
    }

    #[test]
    fn quoted_commas_and_newlines_keep_later_line_numbers() {
        let csv = "file,title,issuer\n\
                   a.txt,\"Hello, world\",X\n\
                   b.txt,\"Two\nlines\",Y\n\
                   c.txt,\"Three\n\nlines\",Z\n\
                   d.txt,D,W\n";
        let sidecar = read("metadata.csv", csv);
        assert_eq!(
            keys_and_lines(&sidecar),
            [("a.txt", 2), ("b.txt", 3), ("c.txt", 5), ("d.txt", 8)]
        );
        let titles: Vec<_> = sidecar.rows.iter().map(|r| r.title.as_deref()).collect();
        assert_eq!(
            titles,
            [
                Some("Hello, world"),
                Some("Two lines"),
                Some("Three lines"),
                Some("D")
            ]
        );
        assert_eq!(sidecar.rows[3].issuer.as_deref(), Some("W"));
    }

    #[test]
    fn crlf_endings_and_blank_lines_keep_line_numbers() {
        let csv = "file,title\r\n\r\na,\"One\r\ntwo\"\r\nb,B,\r\n\r\n\r\nc,C\r\n";
        let err = read_as("metadata.csv", csv, &[]).unwrap_err();
        assert_eq!(
            err,
            "metadata.csv:5: this row has 3 fields but the header has 2; check its quotes and commas"
        );
        let sidecar = read("metadata.csv", &csv.replace("B,", "B"));
        assert_eq!(keys_and_lines(&sidecar), [("a", 3), ("b", 5), ("c", 8)]);
        assert_eq!(sidecar.rows[0].title.as_deref(), Some("One two"));
    }

    #[test]
    fn signatories_are_separated_by_semicolons() {
        let csv = "file,signatories\na,\"India; Jane Doe, Minister;; Japan ;\"\n";
        let sidecar = read("metadata.csv", csv);
        assert_eq!(
            sidecar.rows[0].signatories,
            [
                country("India"),
                person("Jane Doe", Some("Minister")),
                country("Japan")
            ]
        );
    }

    #[test]
    fn unknown_columns_are_kept_and_empty_cells_skipped() {
        let csv = "file,Title,campaign,notes,type\na,A,Safe Net,,\nb, ,,x,joint statement\n,,,,\n";
        let sidecar = read("metadata.csv", csv);
        assert_eq!(keys_and_lines(&sidecar), [("a", 2), ("b", 3)]);
        assert!(sidecar.problems.is_empty());
        let a = &sidecar.rows[0];
        assert_eq!(
            a.extra,
            serde_json::json!({"campaign": "Safe Net"})
                .as_object()
                .unwrap()
                .clone()
        );
        assert_eq!(
            a.columns,
            BTreeMap::from([("file", "file".to_string()), ("title", "Title".to_string())])
        );
        let b = &sidecar.rows[1];
        assert_eq!(b.title, None);
        assert_eq!(b.kind.as_deref(), Some("joint statement"));
        assert_eq!(
            b.extra,
            serde_json::json!({"notes": "x"})
                .as_object()
                .unwrap()
                .clone()
        );
    }

    #[test]
    fn aliases_name_date_and_source() {
        let csv = "File,Published,SOURCE_URL\na,2019-05-02,https://x.org\n";
        let row = &read("metadata.csv", csv).rows[0];
        assert_eq!(
            row.date.map(|d| d.to_string()).as_deref(),
            Some("2019-05-02")
        );
        assert_eq!(row.source.as_deref(), Some("https://x.org"));
        assert_eq!(
            row.columns,
            BTreeMap::from([
                ("date", "Published".to_string()),
                ("file", "File".to_string()),
                ("source", "SOURCE_URL".to_string())
            ])
        );
    }

    #[test]
    fn column_mapping_renames_foreign_columns() {
        let csv = "Document,heading,President_Full,title\na.txt,H,\"Jane Doe, President\",T\n";
        let mapping = [
            ("file", "document"),
            ("signatories", "president_full"),
            ("title", "Heading"),
        ];
        let sidecar = read_as("metadata.csv", csv, &mapping).unwrap();
        let row = &sidecar.rows[0];
        assert_eq!(row.key, "a.txt");
        assert_eq!(row.title.as_deref(), Some("H"));
        assert_eq!(row.signatories, [person("Jane Doe", Some("President"))]);
        // The file's own `title` column gave way to the mapped one and is kept as it was.
        assert_eq!(
            row.extra,
            serde_json::json!({"title": "T"})
                .as_object()
                .unwrap()
                .clone()
        );
        assert_eq!(
            row.columns,
            BTreeMap::from([
                ("file", "Document".to_string()),
                ("signatories", "President_Full".to_string()),
                ("title", "heading".to_string())
            ])
        );
    }

    #[test]
    fn mapped_column_missing_from_the_header_is_an_error() {
        let err = read_as(
            "metadata.csv",
            "file,title\na,A\n",
            &[("signatories", "president_full")],
        )
        .unwrap_err();
        assert_eq!(
            err,
            "metadata.csv:1: there is no column `president_full` (from --column signatories=president_full); the columns are `file`, `title`"
        );
    }

    #[test]
    fn column_mapping_arguments_are_checked() {
        let cases = [
            (
                "signatories=president_full",
                Ok(("signatories", "president_full")),
            ),
            (" Title = Heading ", Ok(("title", "Heading"))),
            ("published=when", Ok(("date", "when"))),
            (
                "signatory=x",
                Err(
                    "invalid --column `signatory=x`: `signatory` is not a field verbatim reads (expected one of file, id, title, date, year, issuer, type, signatories, source)",
                ),
            ),
            (
                "title",
                Err(
                    "invalid --column `title`: expected FIELD=COLUMN, e.g. signatories=president_full",
                ),
            ),
            (
                "title= ",
                Err("invalid --column `title= `: no column name after `=`"),
            ),
        ];
        for (arg, expected) in cases {
            let expected = expected
                .map(|(f, c)| (f.to_string(), c.to_string()))
                .map_err(str::to_string);
            assert_eq!(parse_column_mapping(arg), expected, "{arg}");
        }
    }

    #[test]
    fn rows_are_found_by_stem_or_file_name() {
        let sidecar = read("metadata.csv", "id,title\na,A\nb.txt,B\n");
        assert_eq!(sidecar.row_for("a.txt").map(|r| r.line), Some(2));
        assert_eq!(sidecar.row_for("a.md").map(|r| r.line), Some(2));
        assert_eq!(sidecar.row_for("b.txt").map(|r| r.line), Some(3));
        assert_eq!(sidecar.row_for("b.md").map(|r| r.line), None);
        assert_eq!(sidecar.row_for("c.txt").map(|r| r.line), None);
    }

    #[test]
    fn rows_for_missing_files_are_unmatched() {
        let sidecar = read("metadata.csv", "file\na\nb.txt\nc.md\n");
        let unmatched: Vec<&str> = sidecar
            .unmatched(&["a.txt", "b.txt", "c.txt"])
            .iter()
            .map(|row| row.key.as_str())
            .collect();
        assert_eq!(unmatched, ["c.md"]);
    }

    #[test]
    fn second_row_for_a_file_is_a_problem() {
        let sidecar = read(
            "metadata.csv",
            "file,title\na,A\na.txt,A2\nb.md,B\nb,B2\nc,C\nc,C2\n",
        );
        assert_eq!(keys_and_lines(&sidecar), [("a", 2), ("b.md", 4), ("c", 6)]);
        assert_eq!(
            problems(&sidecar),
            [
                "metadata.csv:3: a second row for `a.txt` (the first is on line 2); this row is skipped, remove one of them",
                "metadata.csv:5: a second row for `b` (the first is on line 4); this row is skipped, remove one of them",
                "metadata.csv:7: a second row for `c` (the first is on line 6); this row is skipped, remove one of them",
            ]
        );
    }

    #[test]
    fn bad_date_is_a_problem_of_its_row_only() {
        let csv = "file,date,year,title\na,soon,,A\nb,2020-13-01,2019,B\nc,,20x,C\n,2020,,D\n";
        let sidecar = read("metadata.csv", csv);
        assert_eq!(
            problems(&sidecar),
            [
                "metadata.csv:2: column `date`: `soon` is not a date (expected YYYY-MM-DD or YYYY)",
                "metadata.csv:3: column `date`: `2020-13-01` is not a date (expected YYYY-MM-DD or YYYY)",
                "metadata.csv:4: column `year`: `20x` is not a year",
                "metadata.csv:5: the row has no `file` or `id` value, so it describes no statement; it is skipped",
            ]
        );
        let dates: Vec<_> = sidecar
            .rows
            .iter()
            .map(|r| (r.key.as_str(), r.date))
            .collect();
        assert_eq!(
            dates,
            [
                ("a", None),
                ("b", Some(StatementDate::Year(2019))),
                ("c", None)
            ]
        );
        assert_eq!(
            sidecar.rows[1].columns.get("date").map(String::as_str),
            Some("year")
        );
        assert_eq!(sidecar.rows[0].title.as_deref(), Some("A"));
    }

    #[test]
    fn no_key_column_lists_the_columns() {
        let err = read_as("metadata.csv", "name,title\na,A\n", &[]).unwrap_err();
        assert_eq!(
            err,
            "metadata.csv:1: no `file` or `id` column to say which statement file each row describes; the columns are `name`, `title` (add one, or name one with --column file=COLUMN)"
        );
    }

    #[test]
    fn malformed_csv_names_the_row() {
        let err = read_as("metadata.csv", "file,title\na,A\nb,B,extra\n", &[]).unwrap_err();
        assert_eq!(
            err,
            "metadata.csv:3: this row has 3 fields but the header has 2; check its quotes and commas"
        );
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let err = read_as("metadata.csv", "", &[]).map(|_| ());
        assert!(err.is_ok(), "an empty sidecar has no rows: {err:?}");
        let missing =
            Sidecar::read(Path::new("no/such/metadata.csv"), &[], &signatory).unwrap_err();
        assert!(
            missing
                .to_string()
                .starts_with("no/such/metadata.csv: cannot read file: "),
            "{missing}"
        );
    }

    #[test]
    fn json_array_of_objects() {
        let json = r#"[
  {"file": "a.txt", "title": "A", "signatories": ["India", "Jane Doe, Minister"],
   "date": "2020-10-11", "pages": 12},
  {
    "id": "b", "year": 2017, "signatories": "Japan; Jane Doe", "notes": null, "tags": ["x"]
  },
  {"file": "c", "title": ["not", "text"]}
]"#;
        let sidecar = read("metadata.json", json);
        assert_eq!(keys_and_lines(&sidecar), [("a.txt", 2), ("b", 4), ("c", 7)]);
        let a = &sidecar.rows[0];
        assert_eq!(
            a.signatories,
            [country("India"), person("Jane Doe", Some("Minister"))]
        );
        assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2020-10-11"));
        assert_eq!(
            a.extra,
            serde_json::json!({"pages": 12})
                .as_object()
                .unwrap()
                .clone()
        );
        let b = &sidecar.rows[1];
        assert_eq!(b.date, Some(StatementDate::Year(2017)));
        assert_eq!(b.signatories, [country("Japan"), person("Jane Doe", None)]);
        assert_eq!(
            b.extra,
            serde_json::json!({"tags": ["x"]})
                .as_object()
                .unwrap()
                .clone()
        );
        assert_eq!(
            problems(&sidecar),
            ["metadata.json:7: column `title`: expected text, found a list"]
        );
    }

    #[test]
    fn json_that_is_not_an_array_of_objects_is_an_error() {
        let not_array = read_as("metadata.json", "{\"file\": \"a\"}", &[]).unwrap_err();
        assert_eq!(
            not_array,
            "metadata.json:1: expected a JSON array of objects, one per statement file, found an object"
        );
        let not_object =
            read_as("metadata.json", "[\n {\"file\": \"a\"},\n \"b\"\n]", &[]).unwrap_err();
        assert_eq!(
            not_object,
            "metadata.json:3: item 2 of the array is text, not an object of fields"
        );
        let broken = read_as("metadata.json", "[\n {\"file\": \"a\"\n]", &[]).unwrap_err();
        assert_eq!(
            broken,
            "metadata.json:3: not valid JSON (column 1): expected `,` or `}`"
        );
    }

    #[test]
    fn json_lines_one_object_per_line() {
        let jsonl = "{\"file\": \"a\", \"published\": \"2021-01-02\"}\n\n{\"id\": \"b\", \"date\": \"soon\"}\n";
        let sidecar = read("metadata.jsonl", jsonl);
        assert_eq!(keys_and_lines(&sidecar), [("a", 1), ("b", 3)]);
        assert_eq!(
            problems(&sidecar),
            ["metadata.jsonl:3: column `date`: `soon` is not a date (expected YYYY-MM-DD or YYYY)"]
        );
        let err = read_as("metadata.jsonl", "{\"file\": \"a\"}\n[1]\n", &[]).unwrap_err();
        assert_eq!(
            err,
            "metadata.jsonl:2: this line is a list, not an object of fields"
        );
        let err = read_as("metadata.jsonl", "{\"file\": \"a\"}\n{\"file\": \n", &[]).unwrap_err();
        assert_eq!(
            err,
            "metadata.jsonl:2: not valid JSON (column 9): EOF while parsing a value"
        );
    }
}
