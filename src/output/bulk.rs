//! Exporting passages to other search engines: `_bulk` NDJSON for Elasticsearch and OpenSearch,
//! plain NDJSON documents for Quickwit, and index definitions for both that mirror verbatim's
//! own schema (see `index::schema`), so the same query finds the same passages there.
//!
//! Which writer for which engine:
//!
//! - Elasticsearch / OpenSearch: [`bulk_lines`], then
//!   `curl -H 'Content-Type: application/x-ndjson' -XPOST localhost:9200/_bulk --data-binary @passages.ndjson`
//!   after creating the index with [`opensearch_mapping`]. Each passage's citation is its `_id`,
//!   so loading a newer export again overwrites passages instead of duplicating them.
//! - Quickwit: [`document_line`], then
//!   `quickwit index ingest --index verbatim --input-path passages.ndjson` after creating the
//!   index with [`quickwit_config`]. Quickwit's Elasticsearch-compatible endpoint
//!   (`POST /api/v1/_elastic/_bulk`) also takes the [`bulk_lines`] file, but Quickwit has no
//!   document ids: loading twice duplicates, so clear the index before reloading.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use crate::corpus::Signatory;
use crate::search::PassageRecord;

/// Writes passages as `_bulk` NDJSON: an action line then a document line per passage,
/// accepted by the Elasticsearch/OpenSearch `_bulk` API and by Quickwit's ingest.
///
/// The action line is `{"index":{"_index":"<index_name>","_id":"<citation>"}}`; the citation is
/// a stable id, so re-loading overwrites a passage rather than adding a second copy. The
/// document line is the flat object described in [`document_line`]. For Elasticsearch or
/// OpenSearch:
///
/// ```sh
/// curl -H 'Content-Type: application/x-ndjson' -XPOST localhost:9200/_bulk --data-binary @passages.ndjson
/// ```
///
/// Quickwit's own `quickwit index ingest` wants documents without action lines: use
/// [`document_line`] for it (its `/api/v1/_elastic/_bulk` endpoint accepts this format too,
/// but ignores `_id`).
///
/// Every line, the last included, ends with `\n`, which the `_bulk` API requires: a file is
/// these lines one passage after another. An empty file is no request, and the `_bulk` API
/// rejects an empty body: callers should not send one.
pub fn bulk_lines(out: &mut Vec<u8>, index_name: &str, record: &PassageRecord) -> io::Result<()> {
    let action = Action {
        index: ActionMeta {
            index: index_name,
            id: &record.citation,
        },
    };
    write_line(out, &action)?;
    write_line(out, &BulkDocument::new(record))
}

/// A passage as one plain NDJSON document line, without a `_bulk` action line: the input
/// Quickwit's ingest takes.
///
/// ```sh
/// quickwit index ingest --index verbatim --input-path passages.ndjson
/// ```
///
/// For Elasticsearch or OpenSearch use [`bulk_lines`], whose action lines those engines need.
///
/// A document has `citation`, `doc`, `n`, `title`, `date`, `year`, `type`, `issuer`,
/// `signatories` (display strings, "Name (Role, Country)" or the country or organisation),
/// `signatory_names` and `signatory_countries` (for keyword filters), `section`, `kind`,
/// `text`, `source`, `path`, `line` and `links`. Fields without a value are left out rather
/// than written as `null`; `date` is present only for a full `YYYY-MM-DD` date (a statement
/// dated by its year alone has `year` only). The line ends with `\n`.
pub fn document_line(out: &mut Vec<u8>, record: &PassageRecord) -> io::Result<()> {
    write_line(out, &BulkDocument::new(record))
}

/// An OpenSearch/Elasticsearch index mapping (with settings and analysers) mirroring verbatim's schema.
///
/// The body of `PUT /<index>`: `curl -H 'Content-Type: application/json' -XPUT
/// localhost:9200/verbatim --data-binary @mapping.json`. The analysers reproduce verbatim's:
///
/// - `verbatim_stemmed` (for `text`, `title`, `section`): words split at every character that
///   is not a letter or digit (tantivy's `SimpleTokenizer`; the `standard` tokenizer would
///   instead keep "U.S" or "child's" whole and so break phrases differently), words of 40
///   characters or more dropped, lower-cased, folded to ASCII and stemmed with Snowball English
///   (`porter2`, the algorithm of tantivy's English stemmer; `english` is the older Porter).
/// - `verbatim_exact`: the same without stemming, in the subfields `text.exact`, `title.exact`
///   and `section.exact` (verbatim's `--exact` and prefixes) and for `issuer` and
///   `signatories`, which match case- and accent-insensitively.
/// - the normalizer `verbatim_keyword`: a whole value lower-cased and folded, for `type` and
///   `signatory_countries` (verbatim's keyword analyser).
///
/// Text fields index positions by default, so phrase queries work on `text` and `text.exact`.
/// `"dynamic": "strict"` makes a document with a field this mapping lacks fail loudly instead of
/// being guessed at.
pub fn opensearch_mapping() -> Value {
    // A heading or title: stemmed, with its words as written (`.exact`) and its whole value.
    let heading = json!({
        "type": "text",
        "analyzer": "verbatim_stemmed",
        "fields": {
            "exact": { "type": "text", "analyzer": "verbatim_exact" },
            "keyword": { "type": "keyword", "ignore_above": 1024 }
        }
    });
    json!({
        "settings": {
            "analysis": {
                "tokenizer": {
                    "verbatim_words": {
                        "type": "pattern",
                        "pattern": r"[^\p{IsAlphabetic}\p{N}]+"
                    }
                },
                "filter": {
                    "verbatim_remove_long": { "type": "length", "max": 39 },
                    "verbatim_english": { "type": "stemmer", "language": "porter2" }
                },
                "analyzer": {
                    "verbatim_stemmed": {
                        "type": "custom",
                        "tokenizer": "verbatim_words",
                        "filter": [
                            "verbatim_remove_long",
                            "lowercase",
                            "asciifolding",
                            "verbatim_english"
                        ]
                    },
                    "verbatim_exact": {
                        "type": "custom",
                        "tokenizer": "verbatim_words",
                        "filter": ["verbatim_remove_long", "lowercase", "asciifolding"]
                    }
                },
                "normalizer": {
                    "verbatim_keyword": {
                        "type": "custom",
                        "filter": ["lowercase", "asciifolding"]
                    }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "citation": { "type": "keyword" },
                "doc": { "type": "keyword" },
                "n": { "type": "integer" },
                "title": heading.clone(),
                "date": { "type": "date", "format": "yyyy-MM-dd" },
                "year": { "type": "short" },
                "type": { "type": "keyword", "normalizer": "verbatim_keyword" },
                "issuer": {
                    "type": "text",
                    "analyzer": "verbatim_exact",
                    "fields": { "keyword": { "type": "keyword", "ignore_above": 1024 } }
                },
                "signatories": { "type": "text", "analyzer": "verbatim_exact" },
                "signatory_names": { "type": "keyword" },
                "signatory_countries": { "type": "keyword", "normalizer": "verbatim_keyword" },
                "section": heading,
                "kind": { "type": "keyword" },
                "text": {
                    "type": "text",
                    "analyzer": "verbatim_stemmed",
                    "fields": { "exact": { "type": "text", "analyzer": "verbatim_exact" } }
                },
                "source": { "type": "keyword" },
                "path": { "type": "keyword" },
                "line": { "type": "integer" },
                "links": { "type": "keyword", "index": false }
            }
        }
    })
}

/// A Quickwit index config (YAML as a String, version 0.8 format) mirroring verbatim's schema.
///
/// Create the index with `quickwit index create --index-config verbatim.yaml`, then load a
/// [`document_line`] file with `quickwit index ingest`. Differences from verbatim that
/// Quickwit 0.8 imposes, noted in the YAML too:
///
/// - `text`, `title` and `section` use the built-in `en_stem` (Snowball English stems, lower
///   case) which, unlike verbatim, does not fold accents; Quickwit's custom tokenizers have no
///   stemmer, and it has no subfields, so there is no unstemmed `text.exact`.
/// - no `timestamp_field`: a statement dated by its year alone has no `date`, and Quickwit
///   requires the timestamp field in every document.
pub fn quickwit_config(index_id: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar, whatever the id holds.
    let index_id = serde_json::to_string(index_id).unwrap_or_else(|_| "\"verbatim\"".into());
    format!(
        r#"# Quickwit index config for passages exported by verbatim (one document per passage).
# Create:  quickwit index create --index-config verbatim.yaml
# Load:    quickwit index ingest --index {id_plain} --input-path passages.ndjson
version: 0.8

index_id: {index_id}

doc_mapping:
  # A document with a field not declared here is rejected, like OpenSearch's dynamic: strict.
  mode: strict
  tokenizers:
    # verbatim's exact analyser: split at anything not a letter or digit, drop very long words,
    # lower-case, fold to ASCII.
    - name: verbatim_exact
      type: simple
      filters: [remove_long, lower_caser, ascii_folding]
    # verbatim's keyword analyser: the whole value as one term, lower-cased and folded.
    - name: verbatim_keyword
      type: regex
      pattern: "(?s).+"
      filters: [lower_caser, ascii_folding]
  field_mappings:
    - name: citation
      type: text
      tokenizer: raw
    - name: doc
      type: text
      tokenizer: raw
    - name: n
      type: u64
      fast: true
    # Stemmed text: Quickwit's custom tokenizers cannot stem, so en_stem, which does not fold
    # accents. Quickwit has no subfields, so there is no unstemmed text.exact.
    - name: title
      type: text
      tokenizer: en_stem
      record: position
      fieldnorms: true
    # Present only for a full YYYY-MM-DD date; year-only statements have `year` alone.
    - name: date
      type: datetime
      input_formats: ["%Y-%m-%d"]
      output_format: "%Y-%m-%d"
      fast: true
      fast_precision: seconds
    - name: year
      type: i64
      fast: true
    - name: type
      type: text
      tokenizer: verbatim_keyword
    - name: issuer
      type: text
      tokenizer: verbatim_exact
      record: position
    - name: signatories
      type: array<text>
      tokenizer: verbatim_exact
      record: position
    - name: signatory_names
      type: array<text>
      tokenizer: raw
    - name: signatory_countries
      type: array<text>
      tokenizer: verbatim_keyword
    - name: section
      type: text
      tokenizer: en_stem
      record: position
      fieldnorms: true
    - name: kind
      type: text
      tokenizer: raw
    - name: text
      type: text
      tokenizer: en_stem
      record: position
      fieldnorms: true
    - name: source
      type: text
      tokenizer: raw
    - name: path
      type: text
      tokenizer: raw
    - name: line
      type: u64
    - name: links
      type: array<text>
      indexed: false
  # No timestamp_field: a statement dated by its year alone has no date, and Quickwit requires
  # the timestamp field in every document.

indexing_settings:
  commit_timeout_secs: 10

search_settings:
  default_search_fields: [text]
"#,
        id_plain = index_id.trim_matches('"'),
    )
}

/// Writes one compact JSON value and its newline.
fn write_line<T: Serialize>(out: &mut Vec<u8>, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Action<'a> {
    index: ActionMeta<'a>,
}

#[derive(Serialize)]
struct ActionMeta<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
}

/// One passage as a flat document. Field order is the order written.
#[derive(Serialize)]
struct BulkDocument<'a> {
    citation: &'a str,
    doc: &'a str,
    n: u64,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i16>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    doc_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<&'a str>,
    signatories: Vec<String>,
    signatory_names: Vec<&'a str>,
    signatory_countries: Vec<&'a str>,
    section: &'a str,
    kind: &'static str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    path: &'a str,
    line: u64,
    links: &'a [String],
}

impl<'a> BulkDocument<'a> {
    fn new(record: &'a PassageRecord) -> BulkDocument<'a> {
        BulkDocument {
            citation: &record.citation,
            doc: &record.doc,
            n: record.n,
            title: &record.title,
            // A date field declared as a full day (`yyyy-MM-dd` in OpenSearch/Elasticsearch,
            // `%Y-%m-%d` in Quickwit) rejects "2017", and with it the whole document; and
            // writing 2017-01-01 instead would claim a day the source never gave. So a
            // year-only date goes to `year` alone, which every record carries anyway.
            date: record.date.as_deref().filter(|date| is_full_date(date)),
            year: record.year,
            doc_type: record.doc_type.as_deref(),
            issuer: record.issuer.as_deref(),
            signatories: record.signatories.iter().map(signatory_label).collect(),
            signatory_names: distinct(record.signatories.iter().filter_map(|s| s.name.as_deref())),
            signatory_countries: distinct(
                record
                    .signatories
                    .iter()
                    .filter_map(|s| s.country.as_deref()),
            ),
            section: &record.section,
            kind: record.kind.as_str(),
            text: &record.text,
            source: record.source.as_deref(),
            path: &record.path,
            line: record.line,
            links: &record.links,
        }
    }
}

/// `YYYY-MM-DD`, as the date mappings require.
fn is_full_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// "Name (Role, Country)", "Name (Country)", "Name", or the country or organisation alone:
/// the form of a signatory in CSV output.
fn signatory_label(signatory: &Signatory) -> String {
    let details: Vec<&str> = [signatory.role.as_deref(), signatory.country.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    match &signatory.name {
        Some(name) if details.is_empty() => name.clone(),
        Some(name) => format!("{name} ({})", details.join(", ")),
        None => details.join(", "),
    }
}

/// The values in first-seen order, each once.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::corpus::{PassageKind, Signatory};

    const DOC: &str = "2020-10-11-international-statement-e2ee-public-safety";

    fn signatory(name: Option<&str>, role: Option<&str>, country: Option<&str>) -> Signatory {
        Signatory {
            name: name.map(String::from),
            role: role.map(String::from),
            country: country.map(String::from),
        }
    }

    /// A record with every optional field set.
    fn record(n: u64) -> PassageRecord {
        PassageRecord {
            citation: format!("{DOC}#{n}"),
            doc: DOC.to_string(),
            n,
            title: "International Statement: End-To-End Encryption and Public Safety".to_string(),
            date: Some("2020-10-11".to_string()),
            year: Some(2020),
            doc_type: Some("joint statement".to_string()),
            issuer: Some("U.S. Department of Justice".to_string()),
            signatories: vec![
                signatory(
                    Some("Priti Patel"),
                    Some("Home Secretary"),
                    Some("United Kingdom"),
                ),
                signatory(
                    Some("William P. Barr"),
                    Some("Attorney General"),
                    Some("United States"),
                ),
                signatory(Some("Chris Wray"), None, Some("United States")),
                signatory(None, None, Some("Japan")),
            ],
            section: "International Statement".to_string(),
            kind: PassageKind::ListItem,
            text: "Enable law enforcement access to content \"lawfully\".".to_string(),
            source: Some("https://www.justice.gov/opa/pr/international-statement".to_string()),
            path: format!("{DOC}.md"),
            line: 36,
            links: vec!["https://undocs.org/A/HRC/RES/34/7".to_string()],
        }
    }

    /// A record with nothing optional: year-only date, no type, issuer, source or signatories.
    fn sparse_record() -> PassageRecord {
        PassageRecord {
            citation: "open-letter#1".to_string(),
            doc: "open-letter".to_string(),
            n: 1,
            title: "Open letter".to_string(),
            date: Some("2017".to_string()),
            year: Some(2017),
            doc_type: None,
            issuer: None,
            signatories: Vec::new(),
            section: String::new(),
            kind: PassageKind::Paragraph,
            text: "We write to you.".to_string(),
            source: None,
            path: "open-letter.md".to_string(),
            line: 5,
            links: Vec::new(),
        }
    }

    /// A file of passages, as `export --format bulk` writes it.
    fn bulk(records: Vec<PassageRecord>) -> String {
        let mut out = Vec::new();
        for record in &records {
            bulk_lines(&mut out, "verbatim", record).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    /// A file of passages, as `export --format ndjson` writes it.
    fn documents(records: Vec<PassageRecord>) -> String {
        let mut out = Vec::new();
        for record in &records {
            document_line(&mut out, record).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    fn keys(document: &Value) -> BTreeSet<String> {
        document.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn first_two_lines_of_a_bulk_file() {
        let output = bulk(vec![record(12)]);
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            format!(r#"{{"index":{{"_index":"verbatim","_id":"{DOC}#12"}}}}"#)
        );
        assert_eq!(
            lines[1],
            format!(
                concat!(
                    r#"{{"citation":"{doc}#12","doc":"{doc}","n":12,"#,
                    r#""title":"International Statement: End-To-End Encryption and Public Safety","#,
                    r#""date":"2020-10-11","year":2020,"type":"joint statement","#,
                    r#""issuer":"U.S. Department of Justice","#,
                    r#""signatories":["Priti Patel (Home Secretary, United Kingdom)","#,
                    r#""William P. Barr (Attorney General, United States)","#,
                    r#""Chris Wray (United States)","Japan"],"#,
                    r#""signatory_names":["Priti Patel","William P. Barr","Chris Wray"],"#,
                    r#""signatory_countries":["United Kingdom","United States","Japan"],"#,
                    r#""section":"International Statement","kind":"list-item","#,
                    r#""text":"Enable law enforcement access to content \"lawfully\".","#,
                    r#""source":"https://www.justice.gov/opa/pr/international-statement","#,
                    r#""path":"{doc}.md","line":36,"#,
                    r#""links":["https://undocs.org/A/HRC/RES/34/7"]}}"#
                ),
                doc = DOC
            )
        );
    }

    #[test]
    fn lines_alternate_action_and_document() {
        let records = vec![record(1), sparse_record(), record(3)];
        let citations: Vec<String> = records.iter().map(|r| r.citation.clone()).collect();
        let output = bulk(records);
        let lines: Vec<Value> = output
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 6);
        for (pair, citation) in lines.chunks(2).zip(&citations) {
            let action = &pair[0];
            assert_eq!(keys(action), BTreeSet::from(["index".to_string()]));
            assert_eq!(action["index"]["_index"], "verbatim");
            assert_eq!(action["index"]["_id"], citation.as_str());
            let document = &pair[1];
            assert_eq!(document["citation"], citation.as_str());
            assert!(document.get("index").is_none());
        }
    }

    #[test]
    fn documents_match_the_bulk_document_lines() {
        let records = vec![record(1), sparse_record()];
        let bulk_output = bulk(records.clone());
        let output = documents(records);
        assert_eq!(output.lines().count(), 2);
        let from_bulk: Vec<&str> = bulk_output.lines().skip(1).step_by(2).collect();
        assert_eq!(output.lines().collect::<Vec<_>>(), from_bulk);
    }

    #[test]
    fn a_year_only_date_goes_to_year_alone() {
        let output = documents(vec![sparse_record()]);
        let document: Value = serde_json::from_str(output.trim_end()).unwrap();
        assert!(document.get("date").is_none(), "{document}");
        assert_eq!(document["year"], 2017);

        let output = documents(vec![record(1)]);
        let document: Value = serde_json::from_str(output.trim_end()).unwrap();
        assert_eq!(document["date"], "2020-10-11");
        assert_eq!(document["year"], 2020);

        for (date, full) in [
            ("2020-10-11", true),
            ("2017", false),
            ("2020-1-11", false),
            ("2020-10-11T00:00", false),
            ("2020/10/11", false),
        ] {
            assert_eq!(is_full_date(date), full, "{date}");
        }
    }

    #[test]
    fn missing_values_are_left_out_not_null() {
        let mut undated = sparse_record();
        undated.date = None;
        undated.year = None;
        let output = documents(vec![sparse_record(), undated]);
        for line in output.lines() {
            assert!(!line.contains("null"), "{line}");
            let document: Value = serde_json::from_str(line).unwrap();
            for absent in ["date", "type", "issuer", "source"] {
                assert!(document.get(absent).is_none(), "{absent} in {line}");
            }
            assert_eq!(document["signatories"], serde_json::json!([]));
        }
        let undated: Value = serde_json::from_str(output.lines().nth(1).unwrap()).unwrap();
        assert!(undated.get("year").is_none(), "{undated}");
    }

    #[test]
    fn output_ends_with_a_newline() {
        let output = bulk(vec![record(1), record(2)]);
        assert!(output.ends_with("}\n"));
        assert_eq!(output.matches('\n').count(), 4);
        let output = documents(vec![record(1)]);
        assert!(output.ends_with("}\n"));
        assert_eq!(output.matches('\n').count(), 1);
    }

    #[test]
    fn mapping_covers_every_emitted_field() {
        let mapping = opensearch_mapping();
        assert_eq!(mapping["mappings"]["dynamic"], "strict");
        let properties = &mapping["mappings"]["properties"];
        let output = documents(vec![record(1), sparse_record()]);
        let mut emitted = BTreeSet::new();
        for line in output.lines() {
            emitted.extend(keys(&serde_json::from_str(line).unwrap()));
        }
        // Every field a full record emits is mapped, and nothing mapped is never emitted.
        assert_eq!(emitted, keys(properties));

        // Every analyser and normalizer a field names is defined.
        let analysis = &mapping["settings"]["analysis"];
        let mut fields: Vec<&Value> = properties.as_object().unwrap().values().collect();
        let subfields: Vec<&Value> = fields
            .iter()
            .filter_map(|field| field.get("fields"))
            .flat_map(|sub| sub.as_object().unwrap().values())
            .collect();
        fields.extend(subfields);
        for field in fields {
            if let Some(analyzer) = field.get("analyzer").and_then(Value::as_str) {
                assert!(analysis["analyzer"].get(analyzer).is_some(), "{analyzer}");
            }
            if let Some(normalizer) = field.get("normalizer").and_then(Value::as_str) {
                assert!(
                    analysis["normalizer"].get(normalizer).is_some(),
                    "{normalizer}"
                );
            }
        }
        let text = &properties["text"];
        assert_eq!(text["analyzer"], "verbatim_stemmed");
        assert_eq!(text["fields"]["exact"]["analyzer"], "verbatim_exact");
        for heading in ["title", "section"] {
            let field = &properties[heading];
            assert_eq!(field["analyzer"], "verbatim_stemmed", "{heading}");
            assert_eq!(field["fields"]["exact"]["analyzer"], "verbatim_exact");
            assert_eq!(field["fields"]["keyword"]["type"], "keyword");
        }
        assert_eq!(properties["date"]["format"], "yyyy-MM-dd");
    }

    #[test]
    fn quickwit_config_parses_and_declares_every_field() {
        let yaml = quickwit_config("verbatim");
        let config: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(config["version"].as_f64(), Some(0.8));
        assert_eq!(config["index_id"], "verbatim");
        assert_eq!(config["doc_mapping"]["mode"], "strict");
        assert!(config["doc_mapping"].get("timestamp_field").is_none());
        assert_eq!(
            config["search_settings"]["default_search_fields"],
            serde_json::json!(["text"])
        );

        let mappings = config["doc_mapping"]["field_mappings"].as_array().unwrap();
        let declared: BTreeSet<String> = mappings
            .iter()
            .map(|field| field["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(declared.len(), mappings.len(), "a field is declared twice");
        let output = documents(vec![record(1), sparse_record()]);
        let mut emitted = BTreeSet::new();
        for line in output.lines() {
            emitted.extend(keys(&serde_json::from_str(line).unwrap()));
        }
        assert_eq!(emitted, declared);

        // Custom tokenizers named by fields are defined; built-in ones are Quickwit's.
        let custom: BTreeSet<&str> = config["doc_mapping"]["tokenizers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tokenizer| tokenizer["name"].as_str().unwrap())
            .collect();
        for field in mappings {
            if let Some(tokenizer) = field.get("tokenizer").and_then(Value::as_str) {
                assert!(
                    ["raw", "default", "en_stem"].contains(&tokenizer)
                        || custom.contains(tokenizer),
                    "{tokenizer}"
                );
            }
        }
        let field = |name: &str| {
            mappings
                .iter()
                .find(|field| field["name"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(field("text")["tokenizer"], "en_stem");
        assert_eq!(field("text")["record"], "position");
        assert_eq!(field("date")["type"], "datetime");
        assert_eq!(
            field("date")["input_formats"],
            serde_json::json!(["%Y-%m-%d"])
        );
        assert_eq!(field("signatories")["type"], "array<text>");
    }

    #[test]
    fn quickwit_index_id_is_quoted() {
        let config: Value =
            serde_yaml_ng::from_str(&quickwit_config("policy: \"statements\"")).unwrap();
        assert_eq!(config["index_id"], "policy: \"statements\"");
    }
}
