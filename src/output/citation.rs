//! Citation exports: statements, or passages as quotations, written as entries a reference
//! manager imports (CSL-JSON, BibTeX, RIS), so a statement found with verbatim can be cited
//! without retyping its metadata.
//!
//! Every format is built from one intermediate `Entry`, so the three agree on ids, authors and
//! dates, and the same input always produces byte-identical output.

use std::collections::HashSet;
use std::io;

use serde::Serialize;

use crate::corpus::{Signatory, Statement, StatementDate};
use crate::search::PassageRecord;

/// A reference-manager format.
///
/// Three formats because no single one is read everywhere: CSL-JSON is what citeproc (pandoc,
/// Zotero, Quarto) reads natively, BibTeX is what LaTeX users have, and RIS is what EndNote,
/// Mendeley and most library tools import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitationFormat {
    CslJson,
    Bibtex,
    Ris,
}

impl CitationFormat {
    /// The name a user types and error messages show.
    pub fn name(self) -> &'static str {
        match self {
            CitationFormat::CslJson => "csl-json",
            CitationFormat::Bibtex => "bibtex",
            CitationFormat::Ris => "ris",
        }
    }

    /// The file extension reference managers and pandoc recognise the format by.
    pub fn extension(self) -> &'static str {
        match self {
            CitationFormat::CslJson => "json",
            CitationFormat::Bibtex => "bib",
            CitationFormat::Ris => "ris",
        }
    }
}

/// Writes one entry per statement.
///
/// Statements repeated in `statements` are written once, since a bibliography with two entries
/// under one id is rejected or silently merged by reference managers.
pub fn statements(
    out: &mut dyn io::Write,
    statements: &[Statement],
    format: CitationFormat,
    accessed: jiff::civil::Date,
) -> io::Result<()> {
    let entries = unique(statements.iter().map(Entry::statement));
    write_entries(out, &entries, format, accessed)
}

/// Writes one entry per passage (a quotation), with the passage as a locator ("paragraph N").
///
/// Each passage is its own entry, titled with its paragraph number, so that several quotations
/// from one statement stay distinguishable in a bibliography instead of collapsing into
/// identical-looking references.
pub fn passages(
    out: &mut dyn io::Write,
    passages: &[PassageRecord],
    format: CitationFormat,
    accessed: jiff::civil::Date,
) -> io::Result<()> {
    let entries = unique(passages.iter().map(Entry::passage));
    write_entries(out, &entries, format, accessed)
}

fn write_entries(
    out: &mut dyn io::Write,
    entries: &[Entry],
    format: CitationFormat,
    accessed: jiff::civil::Date,
) -> io::Result<()> {
    match format {
        CitationFormat::CslJson => {
            let items: Vec<CslItem<'_>> = entries
                .iter()
                .map(|entry| CslItem::new(entry, accessed))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)
        }
        CitationFormat::Bibtex => {
            let keys = bibtex_keys(entries);
            for (index, (entry, key)) in entries.iter().zip(&keys).enumerate() {
                if index > 0 {
                    out.write_all(b"\n")?;
                }
                out.write_all(bibtex_entry(entry, key, accessed).as_bytes())?;
            }
            Ok(())
        }
        CitationFormat::Ris => {
            for entry in entries {
                out.write_all(ris_record(entry, accessed).as_bytes())?;
            }
            Ok(())
        }
    }
}

/// What every format needs to know about one citable item.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// The statement id, or `DOC-pN` for a passage: the key a document cites it by.
    id: String,
    /// verbatim's free-text type ("joint statement", "executive order", ...).
    genre: Option<String>,
    title: Option<String>,
    /// The statement a passage belongs to.
    container: Option<String>,
    authors: Vec<Name>,
    date: Option<StatementDate>,
    issuer: Option<String>,
    url: Option<String>,
    quotation: Option<Quotation>,
}

#[derive(Debug, Clone, PartialEq)]
struct Quotation {
    n: u64,
    /// `DOC#n`, which `verbatim show` resolves back to the passage.
    citation: String,
    text: String,
}

impl Entry {
    fn statement(statement: &Statement) -> Entry {
        let issuer = non_empty(statement.issuer.as_deref());
        Entry {
            id: statement.id.clone(),
            genre: non_empty(statement.kind.as_deref()),
            title: non_empty(Some(&statement.title)),
            container: None,
            authors: authors(&statement.signatories, issuer.as_deref()),
            date: statement.date,
            issuer,
            url: non_empty(statement.source.as_deref()),
            quotation: None,
        }
    }

    fn passage(record: &PassageRecord) -> Entry {
        let issuer = non_empty(record.issuer.as_deref());
        let statement_title = non_empty(Some(&record.title));
        // The record carries the date as text; a text that no longer parses still has its year.
        let date = record
            .date
            .as_deref()
            .and_then(StatementDate::parse)
            .or(record.year.map(StatementDate::Year));
        let citation = if record.citation.trim().is_empty() {
            format!("{}#{}", record.doc, record.n)
        } else {
            record.citation.clone()
        };
        Entry {
            id: format!("{}-p{}", record.doc, record.n),
            genre: non_empty(record.doc_type.as_deref()),
            title: Some(match &statement_title {
                Some(title) => format!("{title}, paragraph {}", record.n),
                None => format!("Paragraph {}", record.n),
            }),
            container: statement_title,
            authors: authors(&record.signatories, issuer.as_deref()),
            date,
            issuer,
            url: non_empty(record.source.as_deref()),
            quotation: Some(Quotation {
                n: record.n,
                citation,
                text: record.text.clone(),
            }),
        }
    }

    /// An access date only says when an online source was seen, so without a URL it is noise
    /// that some styles would still print.
    fn accessed(&self, accessed: jiff::civil::Date) -> Option<jiff::civil::Date> {
        self.url.as_ref().map(|_| accessed)
    }
}

/// Keeps the first entry of each id.
fn unique(entries: impl Iterator<Item = Entry>) -> Vec<Entry> {
    let mut seen = HashSet::new();
    entries
        .filter(|entry| seen.insert(entry.id.clone()))
        .collect()
}

fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// An author: a person whose name can be sorted by family name, or a name written as is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Name {
    Person(Person),
    Literal(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Person {
    given: Option<String>,
    /// Lower-case words before the family name ("von der"), kept with it when sorting as
    /// Dutch and German names are.
    particle: Option<String>,
    family: String,
    suffix: Option<String>,
}

impl Person {
    /// "von der Leyen": the family name as it is written after the given names.
    fn full_family(&self) -> String {
        match &self.particle {
            Some(particle) => format!("{particle} {}", self.family),
            None => self.family.clone(),
        }
    }
}

/// The signatories as authors; the issuer stands in when nobody signed, because a reference
/// without any author sorts and renders badly in most styles.
fn authors(signatories: &[Signatory], issuer: Option<&str>) -> Vec<Name> {
    let mut names: Vec<Name> = signatories.iter().filter_map(author).collect();
    if names.is_empty() {
        names.extend(issuer.map(|issuer| Name::Literal(issuer.to_string())));
    }
    names
}

/// A signatory with a name and a role or country is a person. A name alone is how the corpus
/// keeps a bare-string organisation ("European Commission"), which must not be split into
/// given and family names; a country alone is a state signing as itself.
fn author(signatory: &Signatory) -> Option<Name> {
    fn text(field: Option<&str>) -> Option<&str> {
        field.map(str::trim).filter(|text| !text.is_empty())
    }
    match (
        text(signatory.name.as_deref()),
        text(signatory.role.as_deref()),
        text(signatory.country.as_deref()),
    ) {
        (Some(name), None, None) => Some(Name::Literal(name.to_string())),
        (Some(name), _, _) => Some(person(name)),
        (None, _, Some(country)) => Some(Name::Literal(country.to_string())),
        (None, Some(role), None) => Some(Name::Literal(role.to_string())),
        (None, None, None) => None,
    }
}

/// Splits a personal name: the last word is the family name, lower-case words just before it
/// are its particle, a trailing "Jr."/"Sr."/"II"… is the suffix, and the rest are given names.
/// A name already written "Family, Given" is read that way.
fn person(name: &str) -> Name {
    let mut segments: Vec<&str> = name
        .split(',')
        .map(str::trim)
        .filter(|segment| !segment.is_empty())
        .collect();
    let mut suffix = None;
    if segments.len() > 1 && segments.last().is_some_and(|last| is_suffix(last)) {
        suffix = segments.pop();
    }
    let (given, particle, family) = match segments.as_slice() {
        [whole] => {
            let mut words: Vec<&str> = whole.split_whitespace().collect();
            if suffix.is_none() && words.len() > 1 && words.last().is_some_and(|w| is_suffix(w)) {
                suffix = words.pop();
            }
            let Some(family) = words.pop() else {
                return Name::Literal(name.to_string());
            };
            let start = words
                .iter()
                .rposition(|word| !starts_lowercase(word))
                .map_or(0, |last_given| last_given + 1);
            (
                words[..start].join(" "),
                words[start..].join(" "),
                family.to_string(),
            )
        }
        [family, given] => {
            let words: Vec<&str> = family.split_whitespace().collect();
            let start = words
                .iter()
                .position(|word| !starts_lowercase(word))
                .unwrap_or(words.len().saturating_sub(1));
            (
                given.to_string(),
                words[..start].join(" "),
                words[start..].join(" "),
            )
        }
        _ => return Name::Literal(name.to_string()),
    };
    let some = |text: String| (!text.is_empty()).then_some(text);
    Name::Person(Person {
        given: some(given),
        particle: some(particle),
        family,
        suffix: suffix.map(str::to_string),
    })
}

fn is_suffix(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    ["jr", "sr", "ii", "iii", "iv"]
        .iter()
        .any(|suffix| word.eq_ignore_ascii_case(suffix))
}

fn starts_lowercase(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

fn normalised_kind(kind: &str) -> String {
    kind.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Only an executive order has the force of law; statements, declarations, communiqués,
/// memoranda and letters are all documents to CSL, and an unknown type is safest as one too.
fn csl_type(genre: Option<&str>) -> &'static str {
    match genre.map(normalised_kind).as_deref() {
        Some("executive order") => "legislation",
        _ => "document",
    }
}

/// GOVDOC for an executive order (Zotero imports it as a report, keeping the issuer as the
/// institution); GEN, the generic type, for everything else.
fn ris_type(genre: Option<&str>) -> &'static str {
    match genre.map(normalised_kind).as_deref() {
        Some("executive order") => "GOVDOC",
        _ => "GEN",
    }
}

/// Collapses line breaks and runs of whitespace, because BibTeX and RIS values are read line
/// by line by many tools, and drops other control characters no reference manager expects.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.replace(char::is_control, ""))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// CSL-JSON

/// A CSL-JSON item. A struct rather than a `serde_json::Map` fixes the key order, so output
/// does not depend on whether `serde_json`'s `preserve_order` feature is on.
#[derive(Serialize)]
struct CslItem<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(rename = "container-title", skip_serializing_if = "Option::is_none")]
    container_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<CslDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accessed: Option<CslDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    genre: Option<&'a str>,
    #[serde(rename = "URL", skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    /// CSL has no variable for a quotation; `abstract` is where Zotero and citeproc keep the
    /// text of an item, so the passage goes there.
    #[serde(rename = "abstract", skip_serializing_if = "Option::is_none")]
    abstract_text: Option<&'a str>,
}

#[derive(Serialize)]
struct CslName<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given: Option<&'a str>,
    #[serde(
        rename = "non-dropping-particle",
        skip_serializing_if = "Option::is_none"
    )]
    particle: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suffix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    literal: Option<&'a str>,
}

#[derive(Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: [Vec<i32>; 1],
}

impl CslDate {
    fn statement(date: StatementDate) -> CslDate {
        let parts = match date {
            StatementDate::Day(day) => vec![
                i32::from(day.year()),
                i32::from(day.month()),
                i32::from(day.day()),
            ],
            StatementDate::Year(year) => vec![i32::from(year)],
        };
        CslDate {
            date_parts: [parts],
        }
    }
}

impl<'a> CslItem<'a> {
    fn new(entry: &'a Entry, accessed: jiff::civil::Date) -> CslItem<'a> {
        let quotation = entry.quotation.as_ref();
        CslItem {
            id: &entry.id,
            kind: csl_type(entry.genre.as_deref()),
            title: entry.title.as_deref(),
            container_title: entry.container.as_deref(),
            author: entry.authors.iter().map(CslName::new).collect(),
            issued: entry.date.map(CslDate::statement),
            accessed: entry
                .accessed(accessed)
                .map(|date| CslDate::statement(StatementDate::Day(date))),
            publisher: entry.issuer.as_deref(),
            genre: entry.genre.as_deref(),
            url: entry.url.as_deref(),
            locator: quotation.map(|quotation| quotation.n.to_string()),
            label: quotation.map(|_| "paragraph"),
            note: quotation.map(|quotation| quotation.citation.as_str()),
            abstract_text: quotation.map(|quotation| quotation.text.as_str()),
        }
    }
}

impl<'a> CslName<'a> {
    fn new(name: &'a Name) -> CslName<'a> {
        match name {
            Name::Person(person) => CslName {
                family: Some(&person.family),
                given: person.given.as_deref(),
                particle: person.particle.as_deref(),
                suffix: person.suffix.as_deref(),
                literal: None,
            },
            Name::Literal(literal) => CslName {
                family: None,
                given: None,
                particle: None,
                suffix: None,
                literal: Some(literal),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// BibTeX

/// Citation keys: the id with anything outside what BibTeX, biber and pandoc all accept in a
/// key replaced by `_`. Ids that collide once made safe get `-2`, `-3`… in input order, skipping
/// any key another entry already has, so every key is unique.
fn bibtex_keys(entries: &[Entry]) -> Vec<String> {
    let safe: Vec<String> = entries.iter().map(|entry| bibtex_key(&entry.id)).collect();
    let natural: HashSet<&str> = safe.iter().map(String::as_str).collect();
    let mut used: HashSet<String> = HashSet::new();
    let mut keys = Vec::with_capacity(safe.len());
    for key in &safe {
        let mut candidate = key.clone();
        let mut number = 2;
        while used.contains(&candidate) || (candidate != *key && natural.contains(&*candidate)) {
            candidate = format!("{key}-{number}");
            number += 1;
        }
        used.insert(candidate.clone());
        keys.push(candidate);
    }
    keys
}

fn bibtex_key(id: &str) -> String {
    let key: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() {
        "entry".to_string()
    } else {
        key
    }
}

/// `@misc`, because it is the one entry type that classic BibTeX styles, biblatex and pandoc
/// all accept with these fields; the verbatim type goes in `howpublished` instead.
fn bibtex_entry(entry: &Entry, key: &str, accessed: jiff::civil::Date) -> String {
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(title) = &entry.title {
        // The inner braces keep a style from lower-casing "End-To-End" or "UK".
        fields.push(("title", format!("{{{}}}", bibtex_escape(title))));
    }
    if !entry.authors.is_empty() {
        let authors: Vec<String> = entry.authors.iter().map(bibtex_name).collect();
        fields.push(("author", authors.join(" and ")));
    }
    if let Some(date) = entry.date {
        fields.push(("year", date.year().to_string()));
        if let StatementDate::Day(day) = date {
            fields.push(("month", day.month().to_string()));
        }
        // Classic BibTeX reads year and month, biblatex prefers date: both, for both.
        fields.push(("date", date.to_string()));
    }
    if let Some(issuer) = &entry.issuer {
        // biblatex's `@misc` has no publisher field but prints organization, and pandoc reads
        // organization as the publisher; giving both makes pandoc print the issuer twice.
        fields.push(("organization", bibtex_escape(issuer)));
    }
    if let Some(genre) = &entry.genre {
        fields.push(("howpublished", bibtex_escape(genre)));
    }
    if let Some(url) = &entry.url {
        fields.push(("url", bibtex_url(url)));
    }
    if let Some(date) = entry.accessed(accessed) {
        fields.push(("urldate", date.to_string()));
    }
    if let Some(quotation) = &entry.quotation {
        fields.push((
            "note",
            bibtex_escape(&format!(
                "paragraph {} ({})",
                quotation.n, quotation.citation
            )),
        ));
        fields.push(("abstract", bibtex_escape(&quotation.text)));
    }
    let body: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("  {name} = {{{value}}}"))
        .collect();
    format!("@misc{{{key},\n{}\n}}\n", body.join(",\n"))
}

/// "Family, Given" leaves nothing for BibTeX to guess; the particle stays in front of the
/// family name where BibTeX finds it as the "von" part, and the suffix takes the middle slot
/// of "von Last, Jr, First". A literal is braced so BibTeX does not split it into names.
fn bibtex_name(name: &Name) -> String {
    match name {
        Name::Literal(literal) => format!("{{{}}}", bibtex_escape(literal)),
        Name::Person(person) => {
            let mut parts = vec![bibtex_name_part(&person.full_family())];
            if let Some(suffix) = &person.suffix {
                parts.push(bibtex_name_part(suffix));
            }
            if let Some(given) = &person.given {
                parts.push(bibtex_name_part(given));
            } else if person.suffix.is_some() {
                parts.push(String::new());
            }
            parts.join(", ")
        }
    }
}

/// A name part holding a comma or the word "and" would be split by BibTeX; braces keep it whole.
fn bibtex_name_part(part: &str) -> String {
    let escaped = bibtex_escape(part);
    let splits = part.contains(',')
        || part
            .split_whitespace()
            .any(|word| word.eq_ignore_ascii_case("and"));
    if splits {
        format!("{{{escaped}}}")
    } else {
        escaped
    }
}

/// Escapes the characters TeX treats specially. Non-ASCII text is kept as UTF-8, which biber
/// and pandoc read directly.
///
/// BibTeX counts braces even after a backslash, so `\{` and `\}` are only safe in matched
/// pairs; those are what pandoc understands too. A lone brace becomes `\textbraceleft{}` or
/// `\textbraceright{}`, which keeps the field balanced for BibTeX and biber (pandoc drops it).
fn bibtex_escape(text: &str) -> String {
    let chars: Vec<char> = one_line(text).chars().collect();
    let mut paired = vec![false; chars.len()];
    let mut open = Vec::new();
    for (index, c) in chars.iter().enumerate() {
        match c {
            '{' => open.push(index),
            '}' => {
                if let Some(start) = open.pop() {
                    paired[start] = true;
                    paired[index] = true;
                }
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len());
    for (c, paired) in chars.into_iter().zip(paired) {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' if !paired => out.push_str("\\textbraceleft{}"),
            '}' if !paired => out.push_str("\\textbraceright{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// biblatex and pandoc read `url` verbatim, so TeX escapes would end up in the link; only the
/// characters that would break the field itself (braces, backslash, whitespace) are
/// percent-encoded, which a URL may always do.
fn bibtex_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() || c.is_control() => {
                let mut buffer = [0; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// RIS

/// Lines end in CRLF because the RIS specification says so and Zotero's own RIS export writes
/// it; EndNote is strict about it, and every importer that accepts LF accepts CRLF too.
const RIS_EOL: &str = "\r\n";

fn ris_record(entry: &Entry, accessed: jiff::civil::Date) -> String {
    let mut lines: Vec<(&str, String)> = vec![("TY", ris_type(entry.genre.as_deref()).into())];
    lines.push(("ID", entry.id.clone()));
    if let Some(title) = &entry.title {
        lines.push(("TI", title.clone()));
    }
    if let Some(container) = &entry.container {
        lines.push(("T2", container.clone()));
    }
    for name in &entry.authors {
        lines.push(("AU", ris_name(name)));
    }
    if let Some(date) = entry.date {
        lines.push(("PY", format!("{:04}", date.year())));
        if let StatementDate::Day(day) = date {
            lines.push(("DA", ris_date(day)));
        }
    }
    if let Some(issuer) = &entry.issuer {
        lines.push(("PB", issuer.clone()));
    }
    if let Some(genre) = &entry.genre {
        lines.push(("M3", genre.clone()));
    }
    if let Some(url) = &entry.url {
        lines.push(("UR", url.clone()));
    }
    if let Some(date) = entry.accessed(accessed) {
        lines.push(("Y2", ris_date(date)));
    }
    if let Some(quotation) = &entry.quotation {
        lines.push(("SP", quotation.n.to_string()));
        lines.push(("N1", quotation.citation.clone()));
        lines.push(("AB", quotation.text.clone()));
    }
    let mut record = String::new();
    for (tag, value) in lines {
        let value = one_line(&value);
        if !value.is_empty() {
            record.push_str(&format!("{tag}  - {value}{RIS_EOL}"));
        }
    }
    record.push_str(&format!("ER  - {RIS_EOL}{RIS_EOL}"));
    record
}

fn ris_date(date: jiff::civil::Date) -> String {
    format!("{:04}/{:02}/{:02}", date.year(), date.month(), date.day())
}

/// "Family, Given, Suffix" as the RIS specification has it. Importers split an author on its
/// commas and take one without a comma as an organisation, so commas inside a literal name
/// become semicolons rather than splitting "Department of Justice, Office of …" in two.
fn ris_name(name: &Name) -> String {
    match name {
        Name::Literal(literal) => literal.replace(',', ";"),
        Name::Person(person) => {
            let mut parts = vec![person.full_family()];
            if person.given.is_some() || person.suffix.is_some() {
                parts.push(person.given.clone().unwrap_or_default());
            }
            parts.extend(person.suffix.clone());
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::PassageKind;

    fn accessed() -> jiff::civil::Date {
        jiff::civil::date(2025, 3, 4)
    }

    fn statement() -> Statement {
        Statement {
            id: "2021-joint-statement".to_string(),
            path: "2021-joint-statement.md".to_string(),
            title: "Joint Statement on AI".to_string(),
            date: Some(StatementDate::Year(2021)),
            issuer: Some("The White House".to_string()),
            kind: Some("joint statement".to_string()),
            signatories: vec![
                Signatory {
                    name: Some("Joseph R. Biden Jr.".to_string()),
                    role: Some("President".to_string()),
                    country: Some("United States".to_string()),
                },
                Signatory {
                    name: None,
                    role: None,
                    country: Some("United Kingdom".to_string()),
                },
            ],
            source: Some("https://example.gov/statement?id=1&lang=en".to_string()),
            topics: vec!["ai".to_string()],
            extra: serde_json::Map::new(),
            passages: 4,
            words: 100,
        }
    }

    fn passage() -> PassageRecord {
        let statement = statement();
        let stored = crate::index::StoredPassage {
            doc: statement.id.clone(),
            n: 3,
            kind: PassageKind::Paragraph,
            section: "Commitments".to_string(),
            text: "We commit to safe & secure AI.".to_string(),
            line: 12,
            links: Vec::new(),
        };
        PassageRecord::new(stored, &statement)
    }

    fn render_statements(statements: &[Statement], format: CitationFormat) -> String {
        let mut out = Vec::new();
        super::statements(&mut out, statements, format, accessed()).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn render_passages(passages: &[PassageRecord], format: CitationFormat) -> String {
        let mut out = Vec::new();
        super::passages(&mut out, passages, format, accessed()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn statement_as_csl_json() {
        let expected = r#"[
  {
    "id": "2021-joint-statement",
    "type": "document",
    "title": "Joint Statement on AI",
    "author": [
      {
        "family": "Biden",
        "given": "Joseph R.",
        "suffix": "Jr."
      },
      {
        "literal": "United Kingdom"
      }
    ],
    "issued": {
      "date-parts": [
        [
          2021
        ]
      ]
    },
    "accessed": {
      "date-parts": [
        [
          2025,
          3,
          4
        ]
      ]
    },
    "publisher": "The White House",
    "genre": "joint statement",
    "URL": "https://example.gov/statement?id=1&lang=en"
  }
]
"#;
        assert_eq!(
            render_statements(&[statement()], CitationFormat::CslJson),
            expected
        );
    }

    #[test]
    fn passage_as_csl_json() {
        let expected = r#"[
  {
    "id": "2021-joint-statement-p3",
    "type": "document",
    "title": "Joint Statement on AI, paragraph 3",
    "container-title": "Joint Statement on AI",
    "author": [
      {
        "family": "Biden",
        "given": "Joseph R.",
        "suffix": "Jr."
      },
      {
        "literal": "United Kingdom"
      }
    ],
    "issued": {
      "date-parts": [
        [
          2021
        ]
      ]
    },
    "accessed": {
      "date-parts": [
        [
          2025,
          3,
          4
        ]
      ]
    },
    "publisher": "The White House",
    "genre": "joint statement",
    "URL": "https://example.gov/statement?id=1&lang=en",
    "locator": "3",
    "label": "paragraph",
    "note": "2021-joint-statement#3",
    "abstract": "We commit to safe & secure AI."
  }
]
"#;
        assert_eq!(
            render_passages(&[passage()], CitationFormat::CslJson),
            expected
        );
    }

    #[test]
    fn csl_json_parses_back_field_by_field() {
        let mut day = statement();
        day.date = Some(StatementDate::Day(jiff::civil::date(2020, 10, 11)));
        day.kind = Some("Executive Order".to_string());
        let text = render_statements(&[day], CitationFormat::CslJson);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items.len(), 1);
        let item = &items[0];
        assert_eq!(item["id"], "2021-joint-statement");
        assert_eq!(item["type"], "legislation");
        assert_eq!(item["title"], "Joint Statement on AI");
        assert_eq!(
            item["issued"],
            serde_json::json!({ "date-parts": [[2020, 10, 11]] })
        );
        assert_eq!(item["URL"], "https://example.gov/statement?id=1&lang=en");
        assert_eq!(
            item["author"],
            serde_json::json!([
                { "family": "Biden", "given": "Joseph R.", "suffix": "Jr." },
                { "literal": "United Kingdom" },
            ])
        );
        assert_eq!(item["genre"], "Executive Order");
        assert_eq!(item["publisher"], "The White House");
    }

    #[test]
    fn statement_as_bibtex() {
        let expected = "@misc{2021-joint-statement,
  title = {{Joint Statement on AI}},
  author = {Biden, Jr., Joseph R. and {United Kingdom}},
  year = {2021},
  date = {2021},
  organization = {The White House},
  howpublished = {joint statement},
  url = {https://example.gov/statement?id=1&lang=en},
  urldate = {2025-03-04}
}
";
        assert_eq!(
            render_statements(&[statement()], CitationFormat::Bibtex),
            expected
        );
    }

    #[test]
    fn passage_as_bibtex() {
        let expected = "@misc{2021-joint-statement-p3,
  title = {{Joint Statement on AI, paragraph 3}},
  author = {Biden, Jr., Joseph R. and {United Kingdom}},
  year = {2021},
  date = {2021},
  organization = {The White House},
  howpublished = {joint statement},
  url = {https://example.gov/statement?id=1&lang=en},
  urldate = {2025-03-04},
  note = {paragraph 3 (2021-joint-statement\\#3)},
  abstract = {We commit to safe \\& secure AI.}
}
";
        assert_eq!(
            render_passages(&[passage()], CitationFormat::Bibtex),
            expected
        );
    }

    #[test]
    fn statement_as_ris() {
        let expected = "TY  - GEN\r
ID  - 2021-joint-statement\r
TI  - Joint Statement on AI\r
AU  - Biden, Joseph R., Jr.\r
AU  - United Kingdom\r
PY  - 2021\r
PB  - The White House\r
M3  - joint statement\r
UR  - https://example.gov/statement?id=1&lang=en\r
Y2  - 2025/03/04\r
ER  - \r
\r
";
        assert_eq!(
            render_statements(&[statement()], CitationFormat::Ris),
            expected
        );
    }

    #[test]
    fn passage_as_ris() {
        let expected = "TY  - GEN\r
ID  - 2021-joint-statement-p3\r
TI  - Joint Statement on AI, paragraph 3\r
T2  - Joint Statement on AI\r
AU  - Biden, Joseph R., Jr.\r
AU  - United Kingdom\r
PY  - 2021\r
PB  - The White House\r
M3  - joint statement\r
UR  - https://example.gov/statement?id=1&lang=en\r
Y2  - 2025/03/04\r
SP  - 3\r
N1  - 2021-joint-statement#3\r
AB  - We commit to safe & secure AI.\r
ER  - \r
\r
";
        assert_eq!(render_passages(&[passage()], CitationFormat::Ris), expected);
    }

    #[test]
    fn bibtex_escapes_special_characters_and_keeps_braces_balanced() {
        assert_eq!(
            bibtex_escape("R&D: 100% of {cyber_security"),
            "R\\&D: 100\\% of \\textbraceleft{}cyber\\_security"
        );
        assert_eq!(
            bibtex_escape("{matched} {nested {pair}} }{"),
            "\\{matched\\} \\{nested \\{pair\\}\\} \\textbraceright{}\\textbraceleft{}"
        );
        assert_eq!(
            bibtex_escape("a\\b}$#~^ é"),
            "a\\textbackslash{}b\\textbraceright{}\\$\\#\\textasciitilde{}\\textasciicircum{} é"
        );

        let mut odd = statement();
        odd.title = "R&D: 100% of {cyber_security".to_string();
        odd.date = Some(StatementDate::Day(jiff::civil::date(2020, 10, 11)));
        odd.source = Some("https://example.gov/a b{c}".to_string());
        let text = render_statements(&[odd], CitationFormat::Bibtex);
        assert!(
            text.contains("  title = {{R\\&D: 100\\% of \\textbraceleft{}cyber\\_security}},\n")
        );
        assert!(text.contains("  month = {10},\n  date = {2020-10-11},\n"));
        assert!(text.contains("  url = {https://example.gov/a%20b%7Bc%7D},\n"));
        let mut depth = 0i32;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0, "closing brace without opening in {text}");
        }
        assert_eq!(depth, 0, "unbalanced braces in {text}");
    }

    #[test]
    fn names_split_into_family_given_particle_and_suffix() {
        let person =
            |given: Option<&str>, particle: Option<&str>, family: &str, suffix: Option<&str>| {
                Name::Person(Person {
                    given: given.map(str::to_string),
                    particle: particle.map(str::to_string),
                    family: family.to_string(),
                    suffix: suffix.map(str::to_string),
                })
            };
        assert_eq!(
            super::person("Joseph R. Biden Jr."),
            person(Some("Joseph R."), None, "Biden", Some("Jr."))
        );
        assert_eq!(
            super::person("Joseph R. Biden, Jr."),
            person(Some("Joseph R."), None, "Biden", Some("Jr."))
        );
        assert_eq!(
            super::person("Ursula von der Leyen"),
            person(Some("Ursula"), Some("von der"), "Leyen", None)
        );
        assert_eq!(
            super::person("Barr, William P."),
            person(Some("William P."), None, "Barr", None)
        );
        assert_eq!(super::person("Lula"), person(None, None, "Lula", None));
        assert_eq!(
            bibtex_name(&super::person("Ursula von der Leyen")),
            "von der Leyen, Ursula"
        );
        assert_eq!(
            ris_name(&super::person("Ursula von der Leyen")),
            "von der Leyen, Ursula"
        );
    }

    #[test]
    fn authors_fall_back_to_the_issuer_and_keep_organisations_whole() {
        let organisation = Signatory {
            name: Some("European Commission".to_string()),
            ..Signatory::default()
        };
        assert_eq!(
            authors(&[organisation], Some("Council")),
            vec![Name::Literal("European Commission".to_string())]
        );
        assert_eq!(
            authors(
                &[],
                Some("U.S. Department of Justice, Office of the Attorney General")
            ),
            vec![Name::Literal(
                "U.S. Department of Justice, Office of the Attorney General".to_string()
            )]
        );
        assert_eq!(
            ris_name(&Name::Literal("Department of Justice, Office".to_string())),
            "Department of Justice; Office"
        );
        assert_eq!(
            bibtex_name(&Name::Literal("Department of Justice, Office".to_string())),
            "{Department of Justice, Office}"
        );
    }

    #[test]
    fn ris_values_stay_on_one_line_and_unknown_url_drops_access_date() {
        let mut record = passage();
        record.text = "first line\nsecond\r\nthird\tend".to_string();
        record.source = None;
        record.doc_type = Some("executive order".to_string());
        let text = render_passages(&[record], CitationFormat::Ris);
        assert!(text.starts_with("TY  - GOVDOC\r\n"));
        assert!(text.contains("AB  - first line second third end\r\n"));
        assert!(!text.contains("Y2  - "));
        for line in text.split("\r\n") {
            assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        }
    }

    #[test]
    fn ids_and_keys_are_unique_and_output_is_deterministic() {
        let mut dotted = statement();
        dotted.id = "a.b".to_string();
        let mut spaced = statement();
        spaced.id = "a b".to_string();
        let mut taken = statement();
        taken.id = "a_b-2".to_string();
        let input = [dotted.clone(), spaced, taken, dotted];
        let keys = bibtex_keys(&unique(input.iter().map(Entry::statement)));
        assert_eq!(keys, ["a_b", "a_b-3", "a_b-2"]);

        let json = render_statements(&input, CitationFormat::CslJson);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value.as_array().unwrap().len(), 3);
        for format in [
            CitationFormat::CslJson,
            CitationFormat::Bibtex,
            CitationFormat::Ris,
        ] {
            assert_eq!(
                render_statements(&input, format),
                render_statements(&input, format)
            );
            assert_eq!(
                render_passages(&[passage(), passage()], format),
                render_passages(&[passage()], format)
            );
        }
    }

    #[test]
    fn empty_input_is_an_empty_bibliography() {
        assert_eq!(render_statements(&[], CitationFormat::CslJson), "[]\n");
        assert_eq!(render_statements(&[], CitationFormat::Bibtex), "");
        assert_eq!(render_passages(&[], CitationFormat::Ris), "");
    }
}
