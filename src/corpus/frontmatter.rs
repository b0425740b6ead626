//! Splitting a statement's YAML front matter from its body and reading it into typed fields.

use std::path::Path;

use serde_yaml_ng::Value;

use super::text::clean_inline;
use super::{Signatory, StatementDate};
use crate::country;
use crate::error::{Error, Result};

/// A source file cut into its front matter and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: Option<&'a str>,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the body's first line.
    pub body_line: usize,
}

/// Cuts off the front matter: a first line `---`, then YAML up to a line `---` or `...`.
/// Without a closing line the whole file is body, so no text is lost to a typo.
pub fn split_front_matter(source: &str) -> Split<'_> {
    let no_front_matter = Split {
        yaml: None,
        yaml_line: 0,
        body: source,
        body_line: 1,
    };
    let Some(first_end) = source.find('\n') else {
        return no_front_matter;
    };
    if source[..first_end].trim_end() != "---" {
        return no_front_matter;
    }
    let yaml_start = first_end + 1;
    let mut offset = yaml_start;
    for (line, raw) in (2..).zip(source[yaml_start..].split_inclusive('\n')) {
        let trimmed = raw.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Split {
                yaml: Some(&source[yaml_start..offset]),
                yaml_line: 2,
                body: &source[offset + raw.len()..],
                body_line: line + 1,
            };
        }
        offset += raw.len();
    }
    no_front_matter
}

/// The fields verbatim reads from front matter, after aliases are resolved.
#[derive(Debug, Default, Clone)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<StatementDate>,
    pub issuer: Option<String>,
    pub kind: Option<String>,
    pub signatories: Vec<Signatory>,
    pub source: Option<String>,
    pub topics: Vec<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The file line of each field read, by its canonical name (`date` for `published`).
    pub lines: std::collections::BTreeMap<&'static str, usize>,
    /// Doubts that do not stop the file from being read, each with its file line: a field name
    /// that looks misspelt, a country that is not one.
    pub warnings: Vec<(usize, String)>,
}

/// Every field name front matter gives a meaning to, aliases included.
const KNOWN_FIELDS: [&str; 12] = [
    "title",
    "date",
    "published",
    "issued",
    "year",
    "source",
    "source_url",
    "url",
    "issuer",
    "type",
    "signatories",
    "topics",
];

/// The known field an unknown one is probably a misspelling of: one edit away for short names,
/// two for longer ones, so that `titel` and `signatorys` are caught but `name` is not `date`.
fn misspelt_field(key: &str) -> Option<&'static str> {
    let key = key.to_lowercase();
    let length = key.chars().count();
    let allowed = if length <= 5 { 1 } else { 2 };
    KNOWN_FIELDS
        .iter()
        // Each edit changes the length by one at most: names too long or too short for the
        // allowed edits are not measured (scrapers' front matter brings several per file).
        .filter(|known| known.len().abs_diff(length) <= allowed)
        .map(|known| (strsim::damerau_levenshtein(&key, known), *known))
        .filter(|(distance, _)| *distance > 0 && *distance <= allowed)
        .min()
        .map(|(_, known)| known)
}

impl FrontMatter {
    /// Reads the YAML text of a front matter block starting at `first_line` of `path`.
    pub fn parse(yaml: &str, first_line: usize, path: &Path) -> Result<FrontMatter> {
        let at = |line: usize, message: String| Error::FrontMatter {
            path: path.to_path_buf(),
            line,
            message,
        };
        let field_line = |key: &str| first_line + key_line(yaml, key).unwrap_or(0);
        if yaml.trim().is_empty() {
            return Ok(FrontMatter::default());
        }
        let value: Value = serde_yaml_ng::from_str(yaml).map_err(|err| {
            let line = err
                .location()
                .map_or(first_line, |loc| first_line + loc.line() - 1);
            let message = file_lines(&err.to_string(), first_line - 1);
            at(line, format!("front matter is not valid YAML: {message}"))
        })?;
        let mapping = match value {
            Value::Mapping(mapping) => mapping,
            Value::Null => return Ok(FrontMatter::default()),
            _ => {
                return Err(at(
                    first_line,
                    "front matter must be a YAML mapping of `field: value` lines".to_string(),
                ));
            }
        };
        let mut front = FrontMatter::default();
        let mut year: Option<(String, StatementDate)> = None;
        for (key, value) in mapping {
            let Some(key) = key.as_str().map(str::to_string) else {
                continue;
            };
            let line = field_line(&key);
            let wrong = |expected: &str| {
                at(
                    line,
                    format!(
                        "field `{key}`: expected {expected}, found {}",
                        describe(&value)
                    ),
                )
            };
            let canonical = match key.as_str() {
                "date" | "published" | "issued" | "year" => Some("date"),
                "source" | "source_url" | "url" => Some("source"),
                "title" => Some("title"),
                "issuer" => Some("issuer"),
                "type" => Some("type"),
                "signatories" => Some("signatories"),
                "topics" => Some("topics"),
                _ => None,
            };
            if let Some(name) = canonical {
                front.lines.entry(name).or_insert(line);
            }
            match key.as_str() {
                "title" => {
                    // A blank title is none: the title comes from the next source that gives one.
                    let title = clean_inline(&scalar(&value).ok_or_else(|| wrong("text"))?);
                    front.title = Some(title).filter(|title| !title.is_empty());
                }
                "date" | "published" | "issued" => {
                    let text = scalar(&value).ok_or_else(|| wrong("a date such as 2020-10-11"))?;
                    let date = StatementDate::parse(&text).ok_or_else(|| {
                        at(line, format!("field `{key}`: `{text}` is not a date (expected YYYY-MM-DD or YYYY)"))
                    })?;
                    front.date = Some(date);
                }
                "year" => {
                    let text = scalar(&value).ok_or_else(|| wrong("a year such as 2020"))?;
                    match StatementDate::parse(&text) {
                        Some(date @ StatementDate::Year(_)) => year = Some((key.clone(), date)),
                        _ => return Err(at(line, format!("field `year`: `{text}` is not a year"))),
                    }
                }
                "issuer" => {
                    front.issuer = Some(clean_inline(&scalar(&value).ok_or_else(|| wrong("text"))?))
                }
                "type" => {
                    front.kind = Some(clean_inline(&scalar(&value).ok_or_else(|| wrong("text"))?))
                }
                "source" | "source_url" | "url" => {
                    front.source = Some(
                        scalar(&value)
                            .ok_or_else(|| wrong("a URL"))?
                            .trim()
                            .to_string(),
                    )
                }
                "topics" => {
                    front.topics = strings(&value).ok_or_else(|| wrong("a list of text"))?
                }
                "signatories" => {
                    front.signatories = signatories(&value)
                        .map_err(|message| at(line, format!("field `signatories`: {message}")))?;
                    for country in front
                        .signatories
                        .iter()
                        .filter_map(|s| s.country.as_deref())
                    {
                        if country::alpha2(country).is_none()
                            && !country::looks_like_organisation(country)
                        {
                            front.warnings.push((
                                line,
                                format!(
                                    "field `signatories`: `{country}` is not a country verbatim knows (ISO 3166 names and codes; an organisation can be given as `name:`)"
                                ),
                            ));
                        }
                    }
                }
                _ => {
                    if let Some(known) = misspelt_field(&key) {
                        front.warnings.push((
                            line,
                            format!("unknown field `{key}`; did you mean `{known}`? (kept as an extra field)"),
                        ));
                    }
                    let json = serde_json::to_value(&value)
                        .unwrap_or_else(|_| serde_json::Value::String(format!("{value:?}")));
                    front.extra.insert(key, json);
                }
            }
        }
        if front.date.is_none() {
            front.date = year.map(|(_, date)| date);
        }
        Ok(front)
    }
}

/// The 1-based offset, within the YAML text, of the line that defines a top-level `key`.
fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines().position(|line| {
        let unquoted = line.trim_start_matches(['"', '\'']);
        line.starts_with(|c: char| !c.is_whitespace())
            && unquoted.starts_with(key)
            && unquoted[key.len()..]
                .trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(':')
    })
}

/// A scalar as text: strings, numbers and booleans; not lists or mappings.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Tagged(tagged) => scalar(&tagged.value),
        _ => None,
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Sequence(items) => items
            .iter()
            .map(|item| scalar(item).map(|s| clean_inline(&s)))
            .collect(),
        Value::Null => Some(Vec::new()),
        other => scalar(other).map(|text| vec![clean_inline(&text)]),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Reads the signatory list: each item a mapping with `name`, `role`, `country`, or a bare
/// string naming a country (kept as its country) or an organisation (kept as its name).
fn signatories(value: &Value) -> std::result::Result<Vec<Signatory>, String> {
    let items = match value {
        Value::Sequence(items) => items,
        Value::Null => return Ok(Vec::new()),
        other => return Err(format!("expected a list, found {}", describe(other))),
    };
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let signatory = match item {
            Value::Mapping(fields) => {
                let mut signatory = Signatory::default();
                for (key, value) in fields {
                    let key = key.as_str().unwrap_or_default();
                    let text = scalar(value)
                        .map(|text| clean_inline(&text))
                        .filter(|t| !t.is_empty());
                    match key {
                        "name" => signatory.name = text,
                        "role" | "title" => signatory.role = text,
                        "country" | "organisation" | "organization" => signatory.country = text,
                        other => {
                            return Err(format!(
                                "item {}: unknown key `{other}` (expected name, role or country)",
                                index + 1
                            ));
                        }
                    }
                }
                signatory
            }
            other => {
                let text = scalar(other)
                    .map(|text| clean_inline(&text))
                    .ok_or_else(|| format!("item {}: expected text or a mapping", index + 1))?;
                signatory_from_text(&text)
            }
        };
        if signatory != Signatory::default() {
            out.push(signatory);
        }
    }
    Ok(out)
}

/// The YAML parser counts lines from the start of the front matter; the reader needs the
/// file's own line numbers, so every "line N" of its message moves down by `offset`.
fn file_lines(message: &str, offset: usize) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        let (before, after) = rest.split_at(at + "line ".len());
        out.push_str(before);
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<usize>() {
            Ok(line) => out.push_str(&(line + offset).to_string()),
            Err(_) => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// A signatory given as bare text: a country when it names one, "Name, Role" when it reads as
/// one, else a person or organisation of that name.
pub fn signatory_from_text(text: &str) -> Signatory {
    let text = clean_inline(text);
    let is_country = |text: &str| country::alpha2(text).is_some();
    if text.is_empty() {
        Signatory::default()
    } else if let Some(person) = text
        .contains(',')
        .then(|| super::infer::signatory_text(&text, &is_country))
        .flatten()
    {
        person
    } else if is_country(&text) {
        Signatory {
            country: Some(text),
            ..Signatory::default()
        }
    } else {
        Signatory {
            name: Some(text),
            ..Signatory::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<FrontMatter> {
        FrontMatter::parse(yaml, 2, Path::new("x.md"))
    }

    #[test]
    fn split_finds_front_matter_and_body_line() {
        let split = split_front_matter("---\ntitle: A\n---\n\nBody\n");
        assert_eq!(split.yaml, Some("title: A\n"));
        assert_eq!(split.body, "\nBody\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn split_without_closing_line_keeps_everything_as_body() {
        let split = split_front_matter("---\ntitle: A\nBody\n");
        assert_eq!(split.yaml, None);
        assert_eq!(split.body_line, 1);
    }

    #[test]
    fn aliases_and_quoted_dates_are_accepted() {
        let front = parse("title: \"A\u{2060}B\u{00A0} C\"\npublished: \"2019-05-02\"\nsource_url: https://x.org\n").unwrap();
        assert_eq!(front.title.as_deref(), Some("AB C"));
        assert_eq!(front.date.unwrap().to_string(), "2019-05-02");
        assert_eq!(front.source.as_deref(), Some("https://x.org"));
    }

    #[test]
    fn year_alone_is_a_date() {
        let front = parse("year: 2017\n").unwrap();
        assert_eq!(front.date, Some(StatementDate::Year(2017)));
    }

    #[test]
    fn unknown_fields_are_kept() {
        let front = parse("campaign: Safe Net\n").unwrap();
        assert_eq!(front.extra["campaign"], "Safe Net");
    }

    #[test]
    fn signatories_mix_mappings_and_bare_strings() {
        let front = parse("signatories:\n  - {name: A B, role: Minister, country: Japan}\n  - India\n  - European Union\n").unwrap();
        assert_eq!(front.signatories.len(), 3);
        assert_eq!(front.signatories[1].country.as_deref(), Some("India"));
        assert_eq!(front.signatories[2].name.as_deref(), Some("European Union"));
    }

    #[test]
    fn misspelt_fields_are_noticed_and_kept() {
        let front = parse("titel: A\nsignatorys: [Japan]\nname: x\ntags: y\n").unwrap();
        assert_eq!(
            front.warnings,
            [
                (
                    2,
                    "unknown field `titel`; did you mean `title`? (kept as an extra field)".to_string()
                ),
                (
                    3,
                    "unknown field `signatorys`; did you mean `signatories`? (kept as an extra field)"
                        .to_string()
                ),
            ]
        );
        assert_eq!(front.extra.len(), 4);
    }

    #[test]
    fn a_misspelling_may_lengthen_or_shorten_a_name_by_the_allowed_edits() {
        assert_eq!(misspelt_field("sorce"), Some("source"));
        assert_eq!(misspelt_field("Titl"), Some("title"));
        assert_eq!(misspelt_field("signatoriesxx"), Some("signatories"));
        assert_eq!(misspelt_field("signatoriesxxx"), None);
        assert_eq!(misspelt_field("modified_time"), None);
        assert_eq!(misspelt_field("date"), None);
    }

    #[test]
    fn an_unknown_country_is_noticed() {
        let front = parse("signatories:\n  - {name: A, country: Narnia}\n  - {country: Council of the EU}\n  - {country: UK}\n").unwrap();
        assert_eq!(front.warnings.len(), 1, "{:?}", front.warnings);
        assert_eq!(front.warnings[0].0, 2);
        assert!(front.warnings[0].1.contains("`Narnia` is not a country"));
    }

    #[test]
    fn bad_date_names_line_and_field() {
        let err = parse("title: A\ndate: soon\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "x.md:3: field `date`: `soon` is not a date (expected YYYY-MM-DD or YYYY)"
        );
    }

    #[test]
    fn wrong_type_names_line_and_field() {
        let err = parse("title: A\nsignatories: 42\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "x.md:3: field `signatories`: expected a list, found a number"
        );
    }

    #[test]
    fn invalid_yaml_names_line() {
        let err = parse("title: A\ndate: [2020\n").unwrap_err().to_string();
        assert!(err.starts_with("x.md:"), "{err}");
        assert!(err.contains("front matter is not valid YAML"), "{err}");
        assert_eq!(
            file_lines(
                "end of stream at line 3 column 1, while scanning at line 1 column 8",
                1
            ),
            "end of stream at line 4 column 1, while scanning at line 2 column 8"
        );
    }
}
