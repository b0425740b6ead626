//! Rendering records: every command produces records, and these writers turn them into text,
//! JSON or JSON Lines. Nothing here touches the index.

pub mod bulk;
pub mod citation;
mod compare;
mod csv;
mod hits;
mod json;
mod markdown;
mod svg;
mod text;

pub use hits::{HIT_FIELDS, search_stream};

pub use compare::{DiffReport, concordance, diff, reuse, similar, timeline};
pub use svg::timeline_svg;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use termcolor::{BufferedStandardStream, ColorChoice, NoColor, WriteColor};

pub use self::csv::neutralise;

use self::csv::Sheet;
use crate::corpus::Statement;
use crate::index::IngestReport;
use crate::search::PassageRecord;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text, highlighted on a terminal.
    Text,
    /// One JSON document.
    Json,
    /// One JSON record per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// Markdown.
    Md,
    /// CSL-JSON, for Zotero, Mendeley and pandoc.
    #[value(name = "csl-json")]
    CslJson,
    /// BibTeX.
    Bibtex,
    /// RIS.
    Ris,
}

impl Format {
    /// The reference-manager format this is, if it is one.
    pub fn citation(self) -> Option<citation::CitationFormat> {
        match self {
            Format::CslJson => Some(citation::CitationFormat::CslJson),
            Format::Bibtex => Some(citation::CitationFormat::Bibtex),
            Format::Ris => Some(citation::CitationFormat::Ris),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Md => "md",
            Format::CslJson => "csl-json",
            Format::Bibtex => "bibtex",
            Format::Ris => "ris",
        }
    }
}

/// A format a command cannot write.
pub fn unsupported(format: Format, command: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("`{command}` cannot write --format {}", format.name()),
    )
}

/// Where output goes: standard output, or a file written under a temporary name and renamed
/// into place when complete, so an interrupted export never leaves half a file.
pub enum Destination {
    Stdout(BufferedStandardStream),
    File {
        writer: NoColor<BufWriter<tempfile::NamedTempFile>>,
        path: PathBuf,
    },
}

impl Destination {
    pub fn open(path: Option<&Path>, color: ColorChoice) -> io::Result<Destination> {
        let Some(path) = path else {
            return Ok(Destination::Stdout(BufferedStandardStream::stdout(color)));
        };
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let file = tempfile::NamedTempFile::new_in(folder).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot write in {}: {err}", folder.display()),
            )
        })?;
        Ok(Destination::File {
            writer: NoColor::new(BufWriter::new(file)),
            path: path.to_path_buf(),
        })
    }

    pub fn writer(&mut self) -> &mut dyn WriteColor {
        match self {
            Destination::Stdout(out) => out,
            Destination::File { writer, .. } => writer,
        }
    }

    /// Flushes, and moves a file into place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Destination::Stdout(mut out) => out.flush(),
            Destination::File { writer, path } => {
                let file = writer
                    .into_inner()
                    .into_inner()
                    .map_err(|err| err.into_error())?;
                file.persist(&path).map_err(|err| {
                    io::Error::new(
                        err.error.kind(),
                        format!("cannot write {}: {}", path.display(), err.error),
                    )
                })?;
                Ok(())
            }
        }
    }
}

/// Choices that only the text format uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextStyle {
    /// Print whole passages rather than a window around their matches.
    pub full: bool,
}

/// How records are written.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// Columns (CSV, TSV) or keys (JSON Lines) to write, in this order; `None` for all.
    pub fields: Option<Vec<String>>,
    /// Leave formula-like CSV cells as they are.
    pub csv_raw: bool,
    /// Print whole passages rather than a window around their matches (text).
    pub full: bool,
}

impl Options {
    pub fn new(format: Format) -> Options {
        Options {
            format,
            fields: None,
            csv_raw: false,
            full: false,
        }
    }

    /// The table style of a CSV or TSV format.
    fn sheet(&self) -> Sheet<'_> {
        Sheet {
            delimiter: if self.format == Format::Tsv {
                b'\t'
            } else {
                b','
            },
            raw: self.csv_raw,
            fields: self.fields.as_deref(),
        }
    }
}

/// Prints passages of one statement (`show`).
pub fn passages(
    out: &mut dyn WriteColor,
    statement: &Statement,
    records: &[PassageRecord],
    options: &Options,
) -> io::Result<()> {
    match options.format {
        Format::Text => text::passages(out, statement, records),
        Format::Json => json::document(
            out,
            &serde_json::json!({ "statement": statement, "passages": records }),
        ),
        Format::Jsonl => json::lines_with(out, records, options.fields.as_deref()),
        Format::Csv | Format::Tsv => self::csv::table(
            out,
            options.sheet(),
            &PASSAGE_COLUMNS,
            records.iter().map(passage_cells),
        ),
        Format::Md | Format::CslJson | Format::Bibtex | Format::Ris => {
            Err(unsupported(options.format, "show"))
        }
    }
}

/// Prints the list of statements (`docs`).
pub fn statements(
    out: &mut dyn WriteColor,
    statements: &[Statement],
    options: &Options,
) -> io::Result<()> {
    match options.format {
        Format::Text => text::statements(out, statements),
        Format::Json => json::document(
            out,
            &serde_json::json!({ "schema": crate::search::RECORD_SCHEMA, "statements": statements }),
        ),
        Format::Jsonl => json::lines_with(out, statements, options.fields.as_deref()),
        Format::Csv | Format::Tsv => statements_csv(out, statements, options.sheet()),
        Format::Md => markdown::statements(out, statements),
        Format::CslJson | Format::Bibtex | Format::Ris => match options.format.citation() {
            Some(format) => {
                citation::statements(out, statements, format, jiff::Zoned::now().date())
            }
            None => Err(unsupported(options.format, "docs")),
        },
    }
}

/// One line about what an ingest did.
pub fn ingest_summary(report: &IngestReport) -> String {
    let statements = plural(report.statements as u64, "statement", "statements");
    let passages = plural(report.passages, "passage", "passages");
    let seconds = report.elapsed.as_secs_f64();
    let mut line = if report.up_to_date {
        format!("index is up to date: {statements}, {passages}; nothing to do")
    } else {
        let mut changes = Vec::new();
        for (count, what) in [
            (report.added, "added"),
            (report.changed, "changed"),
            (report.removed, "removed"),
        ] {
            if count > 0 {
                changes.push(format!("{count} {what}"));
            }
        }
        if changes.is_empty() {
            changes.push("no content changed".to_string());
        }
        format!(
            "indexed {statements}, {passages} in {seconds:.2}s ({})",
            changes.join(", ")
        )
    };
    if !report.skipped.is_empty() {
        let skipped = plural(report.skipped.len() as u64, "file", "files");
        line.push_str(&format!("; {skipped} skipped"));
    }
    line
}

/// "1 statement", "3 statements".
pub fn plural(count: u64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("{count} {one}")
    } else {
        format!("{count} {many}")
    }
}

/// "Name (Role, Country); Country" — signatories in one cell.
pub fn signatories_cell(signatories: &[crate::corpus::Signatory]) -> String {
    signatories
        .iter()
        .map(|s| {
            let details: Vec<&str> = [s.role.as_deref(), s.country.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            match (&s.name, details.is_empty()) {
                (Some(name), false) => format!("{name} ({})", details.join(", ")),
                (Some(name), true) => name.clone(),
                (None, _) => details.join(", "),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) const PASSAGE_COLUMNS: [&str; 16] = [
    "citation",
    "doc",
    "n",
    "title",
    "date",
    "year",
    "type",
    "issuer",
    "signatories",
    "section",
    "kind",
    "text",
    "source",
    "path",
    "line",
    "links",
];

/// One field of a passage record as a cell, by its JSON name.
pub(crate) fn passage_cell(record: &PassageRecord, field: &str) -> String {
    let optional = |value: &Option<String>| value.clone().unwrap_or_default();
    match field {
        "citation" => record.citation.clone(),
        "doc" => record.doc.clone(),
        "n" => record.n.to_string(),
        "title" => record.title.clone(),
        "date" => optional(&record.date),
        "year" => record.year.map(|y| y.to_string()).unwrap_or_default(),
        "type" => optional(&record.doc_type),
        "issuer" => optional(&record.issuer),
        "signatories" => signatories_cell(&record.signatories),
        "section" => record.section.clone(),
        "kind" => record.kind.as_str().to_string(),
        "text" => record.text.clone(),
        "source" => optional(&record.source),
        "path" => record.path.clone(),
        "line" => record.line.to_string(),
        "links" => record.links.join(" "),
        _ => String::new(),
    }
}

pub(crate) fn passage_cells(record: &PassageRecord) -> Vec<String> {
    PASSAGE_COLUMNS
        .iter()
        .map(|field| passage_cell(record, field))
        .collect()
}

fn statements_csv(
    out: &mut dyn WriteColor,
    statements: &[Statement],
    sheet: Sheet,
) -> io::Result<()> {
    let header = [
        "id",
        "date",
        "type",
        "title",
        "issuer",
        "signatories",
        "source",
        "topics",
        "passages",
        "words",
        "path",
    ];
    let rows = statements.iter().map(|s| {
        vec![
            s.id.clone(),
            s.date.map(|d| d.to_string()).unwrap_or_default(),
            s.kind.clone().unwrap_or_default(),
            s.title.clone(),
            s.issuer.clone().unwrap_or_default(),
            signatories_cell(&s.signatories),
            s.source.clone().unwrap_or_default(),
            s.topics.join("; "),
            s.passages.to_string(),
            s.words.to_string(),
            s.path.clone(),
        ]
    });
    self::csv::table(out, sheet, &header, rows)
}

/// What `inspect` prints: each field with where it came from.
pub fn inspection(
    out: &mut dyn WriteColor,
    parsed: &crate::corpus::ParsedStatement,
    format: Format,
) -> io::Result<()> {
    use crate::corpus::Provenance;
    let statement = &parsed.statement;
    let from = |provenance: &Provenance| match provenance {
        Provenance::FrontMatter { line } => format!("front matter, line {line}"),
        Provenance::Inferred { line } => format!("inferred from line {line}"),
        Provenance::HtmlHead { line } => format!("HTML head, line {line}"),
        Provenance::Sidecar { line } => match &parsed.provenance.sidecar {
            Some(sidecar) => format!("{}, line {line}", sidecar.path),
            None => format!("metadata file, line {line}"),
        },
        Provenance::Default => "file name".to_string(),
    };
    match format {
        Format::Text => {
            writeln!(out, "id           {}", statement.id)?;
            writeln!(
                out,
                "title        {}   ({})",
                statement.title,
                from(&parsed.provenance.title)
            )?;
            match (&statement.date, &parsed.provenance.date) {
                (Some(date), Some(provenance)) => {
                    writeln!(out, "date         {date}   ({})", from(provenance))?
                }
                _ => writeln!(out, "date         none")?,
            }
            for (label, value) in [
                ("issuer", &statement.issuer),
                ("type", &statement.kind),
                ("source", &statement.source),
            ] {
                writeln!(out, "{label:<12} {}", value.as_deref().unwrap_or("none"))?;
            }
            writeln!(out, "signatories  {}", statement.signatories.len())?;
            for (signatory, provenance) in statement
                .signatories
                .iter()
                .zip(&parsed.provenance.signatories)
            {
                let parts: Vec<&str> = [
                    signatory.name.as_deref(),
                    signatory.role.as_deref(),
                    signatory.country.as_deref(),
                ]
                .into_iter()
                .map(|part| part.unwrap_or("-"))
                .collect();
                writeln!(out, "  {}   ({})", parts.join(" | "), from(provenance))?;
            }
            writeln!(
                out,
                "passages     {} ({} words)",
                statement.passages, statement.words
            )
        }
        Format::Json => json::document(
            out,
            &serde_json::json!({
                "schema": crate::search::RECORD_SCHEMA,
                "statement": statement,
                "provenance": parsed.provenance,
            }),
        ),
        other => Err(unsupported(other, "inspect")),
    }
}

/// Prints what `check` found, one record per finding.
pub fn findings(
    out: &mut dyn WriteColor,
    findings: &[crate::corpus::Finding],
    options: &Options,
) -> io::Result<()> {
    const HEADER: [&str; 4] = ["path", "line", "level", "message"];
    let cells = |f: &crate::corpus::Finding| {
        vec![
            f.path.display().to_string(),
            f.line.map(|line| line.to_string()).unwrap_or_default(),
            f.level.as_str().to_string(),
            f.message.clone(),
        ]
    };
    match options.format {
        Format::Text => {
            for finding in findings {
                writeln!(out, "{finding}")?;
            }
            Ok(())
        }
        Format::Json => json::document(
            out,
            &serde_json::json!({ "schema": crate::search::RECORD_SCHEMA, "findings": findings }),
        ),
        Format::Jsonl => json::lines_with(out, findings, options.fields.as_deref()),
        Format::Csv | Format::Tsv => {
            self::csv::table(out, options.sheet(), &HEADER, findings.iter().map(cells))
        }
        Format::Md => {
            writeln!(out, "| file | line | level | message |")?;
            writeln!(out, "|---|---:|---|---|")?;
            for finding in findings {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    markdown::escape(&finding.path.display().to_string()),
                    finding
                        .line
                        .map(|line| line.to_string())
                        .unwrap_or_default(),
                    finding.level.as_str(),
                    markdown::escape(&finding.message)
                )?;
            }
            Ok(())
        }
        Format::CslJson | Format::Bibtex | Format::Ris => Err(unsupported(options.format, "check")),
    }
}

/// Prints the signatories (`signatories`).
pub fn signatories(
    out: &mut dyn WriteColor,
    records: &[crate::signatories::SignatoryRecord],
    options: &Options,
) -> io::Result<()> {
    let year = |y: Option<i16>| y.map(|y| y.to_string()).unwrap_or_default();
    let cells = |r: &crate::signatories::SignatoryRecord| {
        vec![
            r.name.clone().unwrap_or_default(),
            r.roles.join("; "),
            r.country.clone().unwrap_or_default(),
            r.statements.to_string(),
            year(r.first_year),
            year(r.last_year),
            r.docs.join(" "),
        ]
    };
    const HEADER: [&str; 7] = [
        "name",
        "roles",
        "country",
        "statements",
        "first_year",
        "last_year",
        "docs",
    ];
    match options.format {
        Format::Text => {
            let width = records
                .iter()
                .map(|r| crate::signatories::label(r).chars().count())
                .max()
                .unwrap_or(0);
            for record in records {
                let span = match (record.first_year, record.last_year) {
                    (Some(first), Some(last)) if first == last => format!("{first}"),
                    (Some(first), Some(last)) => format!("{first}–{last}"),
                    _ => "undated".to_string(),
                };
                let label = crate::signatories::label(record);
                let mut details = Vec::new();
                if record.name.is_some()
                    && let Some(country) = &record.country
                {
                    details.push(country.clone());
                }
                if !record.roles.is_empty() {
                    details.push(record.roles.join("; "));
                }
                if details.is_empty() {
                    write!(out, "{label:<width$}  {:>3}  {span}", record.statements)?;
                } else {
                    write!(out, "{label:<width$}  {:>3}  {span:<9}", record.statements)?;
                }
                if !details.is_empty() {
                    text::styled(
                        out,
                        &text::dim_spec(),
                        &format!("  {}", details.join(" · ")),
                    )?;
                }
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Json => json::document(
            out,
            &serde_json::json!({ "schema": crate::search::RECORD_SCHEMA, "signatories": records }),
        ),
        Format::Jsonl => json::lines_with(out, records, options.fields.as_deref()),
        Format::Csv | Format::Tsv => {
            self::csv::table(out, options.sheet(), &HEADER, records.iter().map(cells))
        }
        Format::Md => {
            writeln!(
                out,
                "| signatory | country | roles | statements | first | last |"
            )?;
            writeln!(out, "|---|---|---|---:|---|---|")?;
            for record in records {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    markdown::escape(&crate::signatories::label(record)),
                    markdown::escape(record.country.as_deref().unwrap_or("")),
                    markdown::escape(&record.roles.join("; ")),
                    record.statements,
                    year(record.first_year),
                    year(record.last_year)
                )?;
            }
            Ok(())
        }
        Format::CslJson | Format::Bibtex | Format::Ris => {
            Err(unsupported(options.format, "signatories"))
        }
    }
}
