//! The corpus model: statements, their signatories and dates, passages and citations.

mod discover;
mod finding;
mod frontmatter;
mod html;
mod infer;
mod load;
mod markdown;
pub mod sidecar;
mod text;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use discover::{Corpus, CorpusFile, discover, folder_of, stamp};
pub use finding::{Finding, Level};
pub use frontmatter::{FrontMatter, signatory_from_text, split_front_matter};
pub use infer::{Inferred, infer};
pub use load::{Loaded, Sidecars, load, row_fingerprint};
pub use markdown::passages;
pub use sidecar::{Sidecar, SidecarRow};
pub use text::{clean_inline, word_count};

use crate::country;
use crate::error::{Error, Result};

/// A statement's date: a day, or only the year when that is all that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatementDate {
    Day(jiff::civil::Date),
    Year(i16),
}

impl StatementDate {
    pub fn year(&self) -> i16 {
        match self {
            StatementDate::Day(date) => date.year(),
            StatementDate::Year(year) => *year,
        }
    }

    /// A number that sorts like the date, year-only dates first within their year.
    pub fn sort_key(&self) -> u64 {
        match self {
            StatementDate::Day(date) => {
                date.year() as u64 * 10_000 + date.month() as u64 * 100 + date.day() as u64
            }
            StatementDate::Year(year) => *year as u64 * 10_000,
        }
    }

    /// Parses `YYYY-MM-DD`, `YYYY`, or an RFC 3339 timestamp (whose date part is kept).
    pub fn parse(text: &str) -> Option<StatementDate> {
        let text = text.trim();
        if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().ok().map(StatementDate::Year);
        }
        let day = text.get(..10)?;
        let rest = &text[10..];
        if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
            return None;
        }
        day.parse::<jiff::civil::Date>()
            .ok()
            .map(StatementDate::Day)
    }
}

impl fmt::Display for StatementDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatementDate::Day(date) => write!(f, "{date}"),
            StatementDate::Year(year) => write!(f, "{year}"),
        }
    }
}

impl Serialize for StatementDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StatementDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        StatementDate::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid date `{text}`")))
    }
}

/// One signatory of a statement: a person with a role, a country, or an organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Signatory {
    /// A short label: the person's name with the country, else the country or organisation.
    pub fn short(&self) -> String {
        match (&self.name, &self.country) {
            (Some(name), Some(country)) => format!("{name} ({country})"),
            (Some(name), None) => name.clone(),
            (None, Some(country)) => country.clone(),
            (None, None) => self.role.clone().unwrap_or_default(),
        }
    }

    /// The ISO 3166 alpha-2 code of the signatory's country, when it names one.
    pub fn country_code(&self) -> Option<&'static str> {
        self.country
            .as_deref()
            .and_then(country::alpha2)
            .or_else(|| self.name.as_deref().and_then(country::alpha2))
    }
}

/// A statement's metadata, as read from its front matter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Statement {
    pub id: String,
    /// Path relative to the corpus folder, with `/` separators.
    pub path: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<StatementDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub signatories: Vec<Signatory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    /// Front-matter fields verbatim does not know, kept as they were written.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub passages: u64,
    /// Words in all its passages, as the search tokenizer splits them.
    #[serde(default)]
    pub words: u64,
}

impl Statement {
    pub fn year(&self) -> Option<i16> {
        self.date.map(|date| date.year())
    }

    /// The first few signatories, then how many more there are.
    pub fn signatories_short(&self, shown: usize) -> String {
        let mut labels: Vec<String> = self
            .signatories
            .iter()
            .take(shown)
            .map(Signatory::short)
            .collect();
        if self.signatories.len() > shown {
            labels.push(format!("+{} more", self.signatories.len() - shown));
        }
        labels.join(", ")
    }
}

/// What a passage is in its statement's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassageKind {
    Paragraph,
    ListItem,
    Quote,
    TableRow,
    Note,
}

impl PassageKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            PassageKind::Paragraph => "paragraph",
            PassageKind::ListItem => "list-item",
            PassageKind::Quote => "quote",
            PassageKind::TableRow => "table-row",
            PassageKind::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<PassageKind> {
        Some(match text {
            "paragraph" => PassageKind::Paragraph,
            "list-item" => PassageKind::ListItem,
            "quote" => PassageKind::Quote,
            "table-row" => PassageKind::TableRow,
            "note" => PassageKind::Note,
            _ => return None,
        })
    }
}

/// One searchable unit of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 1-based, in document order.
    pub n: u64,
    pub kind: PassageKind,
    /// The heading path above the passage, joined with " > ".
    pub section: String,
    pub text: String,
    /// 1-based line of the passage's first character in its source file.
    pub line: u64,
    /// Link targets found in the passage, kept as metadata.
    pub links: Vec<String>,
}

/// A reference to a statement (`DOC`) or to one of its passages (`DOC#n`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub doc: String,
    pub n: Option<u64>,
}

impl Citation {
    pub fn parse(text: &str) -> Result<Citation> {
        let text = text.trim();
        let (doc, n) = match text.rsplit_once('#') {
            Some((doc, n)) => {
                let n: u64 = n
                    .parse()
                    .map_err(|_| Error::CitationSyntax(text.to_string()))?;
                if n == 0 {
                    return Err(Error::CitationSyntax(text.to_string()));
                }
                (doc, Some(n))
            }
            None => (text, None),
        };
        if doc.is_empty() {
            return Err(Error::CitationSyntax(text.to_string()));
        }
        Ok(Citation {
            doc: doc.to_string(),
            n,
        })
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.n {
            Some(n) => write!(f, "{}#{}", self.doc, n),
            None => write!(f, "{}", self.doc),
        }
    }
}

/// Where a field's value came from, so that `inspect` can say why a statement reads as it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum Provenance {
    FrontMatter {
        line: usize,
    },
    Inferred {
        line: usize,
    },
    /// An HTML page's head: `<title>` or a `<meta>` tag, at its line.
    HtmlHead {
        line: usize,
    },
    /// A row of the folder's metadata file (`metadata.csv`), at its line there.
    Sidecar {
        line: usize,
    },
    /// Nothing said it: the file stem stands in for a title.
    Default,
}

/// A statement read from disk: its metadata and its passages.
#[derive(Debug, Clone)]
pub struct ParsedStatement {
    pub statement: Statement,
    pub passages: Vec<Passage>,
    /// Heading texts, which set sections rather than forming passages.
    pub headings: Vec<String>,
    /// Where the title, date and signatories came from; one entry per signatory.
    pub provenance: StatementProvenance,
    /// Doubts about the file that did not stop it from being indexed.
    pub warnings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementProvenance {
    pub title: Provenance,
    pub date: Option<Provenance>,
    pub signatories: Vec<Provenance>,
    /// The metadata file a row came from, and the column each of its fields was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sidecar: Option<SidecarSource>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SidecarSource {
    pub path: String,
    pub columns: std::collections::BTreeMap<&'static str, String>,
}

/// A statement file's row in its folder's metadata file.
#[derive(Debug, Clone, Copy)]
pub struct SidecarEntry<'a> {
    /// The metadata file, as it should be named in messages.
    pub path: &'a std::path::Path,
    pub row: &'a SidecarRow,
}

/// Reads one corpus file into a statement and its passages. Each field comes from the first
/// source that gives it: front matter, then the folder's metadata file, then the text itself.
pub fn parse_statement(
    file: &CorpusFile,
    source: &str,
    sidecar: Option<SidecarEntry<'_>>,
) -> Result<ParsedStatement> {
    let row = sidecar.map(|entry| entry.row);
    let is_html = file.rel_path.rsplit_once('.').is_some_and(|(_, ext)| {
        ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm")
    });
    // HTML has no front matter; its head (<title>, <meta>) ranks where front matter would not.
    let mut page = is_html.then(|| html::read_html(source, row.and_then(|r| r.title.as_deref())));
    let split = if is_html {
        frontmatter::Split {
            yaml: None,
            yaml_line: 0,
            body: "",
            body_line: 1,
        }
    } else {
        split_front_matter(source)
    };
    if !is_html
        && split.yaml.is_none()
        && source
            .lines()
            .next()
            .is_some_and(|line| line.trim_end() == "---")
    {
        return Err(Error::FrontMatter {
            path: file.abs_path.clone(),
            line: 1,
            message:
                "front matter opened here is never closed: add a line `---` after the last field"
                    .to_string(),
        });
    }
    let front = match split.yaml {
        Some(yaml) => FrontMatter::parse(yaml, split.yaml_line, &file.abs_path)?,
        None => FrontMatter::default(),
    };
    let head_title = page.as_ref().and_then(|page| {
        let (title, line) = page.title.clone()?;
        // "Statement title | Site name": the page's own first heading is the statement's title.
        let heading = page
            .headings
            .first()
            .filter(|heading| heading.len() < title.len() && title.starts_with(heading.as_str()));
        Some((heading.cloned().unwrap_or(title), line))
    });
    let head_date = page.as_ref().and_then(|page| {
        let (text, line) = page.date.as_ref()?;
        Some((StatementDate::parse(text)?, *line))
    });
    let from_row = |row: &SidecarRow| Provenance::Sidecar { line: row.line };
    let needs_inference = front.title.is_none()
        && row.and_then(|r| r.title.as_ref()).is_none()
        && head_title.is_none()
        || front.date.is_none() && row.and_then(|r| r.date).is_none() && head_date.is_none()
        || front.signatories.is_empty() && row.is_none_or(|r| r.signatories.is_empty());
    let inference_text = page
        .as_ref()
        .map_or(split.body, |page| page.outline.as_str());
    let inferred = if needs_inference {
        infer(inference_text, &|text| country::alpha2(text).is_some())
    } else {
        Inferred::default()
    };
    let file_line = |text_line: usize| match &page {
        Some(page) => page.outline_lines.get(text_line - 1).copied().unwrap_or(1),
        None => split.body_line + text_line - 1,
    };
    let front_line = |name: &str| Provenance::FrontMatter {
        line: front.lines.get(name).copied().unwrap_or(1),
    };
    let inferred_at = |line: usize| Provenance::Inferred {
        line: file_line(line),
    };

    let (title, title_from) = if let Some(title) = &front.title {
        (title.clone(), front_line("title"))
    } else if let Some((row, title)) = row.and_then(|r| Some((r, r.title.as_ref()?))) {
        (title.clone(), from_row(row))
    } else if let Some((title, line)) = &head_title {
        (title.clone(), Provenance::HtmlHead { line: *line })
    } else if let Some((title, line)) = &inferred.title {
        (title.clone(), inferred_at(*line))
    } else {
        (file.id.clone(), Provenance::Default)
    };
    let (date, date_from) = if let Some(date) = front.date {
        (Some(date), Some(front_line("date")))
    } else if let Some((row, date)) = row.and_then(|r| Some((r, r.date?))) {
        (Some(date), Some(from_row(row)))
    } else if let Some((date, line)) = head_date {
        (Some(date), Some(Provenance::HtmlHead { line }))
    } else if let Some((date, line)) = &inferred.date {
        (Some(*date), Some(inferred_at(*line)))
    } else {
        (None, None)
    };
    let (signatories, signatories_from): (Vec<Signatory>, Vec<Provenance>) =
        if !front.signatories.is_empty() {
            let from = front_line("signatories");
            (
                front.signatories.clone(),
                vec![from; front.signatories.len()],
            )
        } else if let Some(row) = row.filter(|r| !r.signatories.is_empty()) {
            (
                row.signatories.clone(),
                vec![from_row(row); row.signatories.len()],
            )
        } else {
            inferred
                .signatories
                .iter()
                .map(|(signatory, line)| (signatory.clone(), inferred_at(*line)))
                .unzip()
        };
    let signatories = signatories.into_iter().map(canonical_country).collect();
    let mut front_issuer_fallback = None;
    let mut extra = row.map(|r| r.extra.clone()).unwrap_or_default();
    // Front matter wins here too, key by key.
    extra.extend(front.extra);
    let parsed = match page.take() {
        Some(page) => {
            // The authors a page names in its head are who issued it, when nothing else says.
            let authors = page.authors.iter().map(|(name, _)| name.as_str());
            let authors = authors.collect::<Vec<_>>().join("; ");
            if !authors.is_empty()
                && front.issuer.is_none()
                && row.is_none_or(|r| r.issuer.is_none())
            {
                front_issuer_fallback = Some(authors);
            }
            markdown::Passages {
                passages: page.passages,
                headings: page.headings,
            }
        }
        None => passages(split.body, split.body_line, &title),
    };
    let statement = Statement {
        id: file.id.clone(),
        path: file.rel_path.clone(),
        title,
        date,
        issuer: front
            .issuer
            .or_else(|| row.and_then(|r| r.issuer.clone()))
            .or(front_issuer_fallback),
        kind: front.kind.or_else(|| row.and_then(|r| r.kind.clone())),
        signatories,
        source: front.source.or_else(|| row.and_then(|r| r.source.clone())),
        topics: front.topics,
        extra,
        passages: parsed.passages.len() as u64,
        words: parsed
            .passages
            .iter()
            .map(|p| word_count(&p.text) as u64)
            .sum(),
    };
    let warnings = front
        .warnings
        .into_iter()
        .map(|(line, message)| Finding::warning(&file.abs_path, Some(line), message))
        .collect();
    Ok(ParsedStatement {
        statement,
        passages: parsed.passages,
        headings: parsed.headings,
        provenance: StatementProvenance {
            title: title_from,
            date: date_from,
            signatories: signatories_from,
            sidecar: sidecar.map(|entry| SidecarSource {
                path: entry.path.display().to_string(),
                columns: entry.row.columns.clone(),
            }),
        },
        warnings,
    })
}

/// A signatory's country under its one canonical name, so that "UK" and "United Kingdom" are
/// one signatory; organisations and unknown names stay as written.
fn canonical_country(mut signatory: Signatory) -> Signatory {
    if let Some(name) = signatory
        .country
        .as_deref()
        .and_then(country::canonical_name)
    {
        signatory.country = Some(name.to_string());
    }
    signatory
}

/// Decodes a file's bytes: UTF-8 (a byte-order mark dropped), or else Windows-1252, the
/// encoding of most older documents that are not UTF-8, so that no text is lost. The second
/// value says when the fallback was used, for a warning.
pub fn decode_source(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), false),
        Err(_) => (
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            true,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_day_year_and_timestamp() {
        assert_eq!(
            StatementDate::parse("2020-10-11").unwrap().to_string(),
            "2020-10-11"
        );
        assert_eq!(
            StatementDate::parse("2017"),
            Some(StatementDate::Year(2017))
        );
        assert_eq!(
            StatementDate::parse("2021-05-07T12:00:00-04:00")
                .unwrap()
                .to_string(),
            "2021-05-07"
        );
        assert_eq!(StatementDate::parse("2020-02-30"), None);
        assert_eq!(StatementDate::parse("soon"), None);
    }

    #[test]
    fn sources_decode_as_utf8_or_windows_1252() {
        assert_eq!(
            decode_source("\u{feff}café".as_bytes()),
            ("café".to_string(), false)
        );
        assert_eq!(
            decode_source(b"caf\xe9 \x93quoted\x94"),
            ("café “quoted”".to_string(), true)
        );
    }

    #[test]
    fn a_blank_front_matter_title_is_no_title() {
        // Found by fuzzing: `title: ""` gave a statement an empty title, which `check` did not
        // report.
        let file = CorpusFile {
            id: "blank".to_string(),
            abs_path: "blank.md".into(),
            rel_path: "blank.md".to_string(),
            size: 0,
            mtime_ns: 0,
            duplicate_of: None,
        };
        let source = "---\ntitle: \" \u{200B} \"\n---\n\n# The Heading\n\nText.\n";
        let parsed = parse_statement(&file, source, None).unwrap();
        assert_eq!(parsed.statement.title, "The Heading");
        let parsed = parse_statement(&file, "---\ntitle: ''\n---\n\nText.\n", None).unwrap();
        assert_eq!(parsed.statement.title, "blank");
        assert_eq!(parsed.provenance.title, Provenance::Default);
    }

    #[test]
    fn citations_parse() {
        let c = Citation::parse("e2ee#12").unwrap();
        assert_eq!((c.doc.as_str(), c.n), ("e2ee", Some(12)));
        assert_eq!(Citation::parse("e2ee").unwrap().n, None);
        assert!(Citation::parse("e2ee#0").is_err());
        assert!(Citation::parse("e2ee#x").is_err());
        assert!(Citation::parse("#3").is_err());
    }
}
