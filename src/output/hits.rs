//! Search hits, written as they are read: text, JSON, JSON Lines, CSV/TSV, and a Markdown report.

use std::io;

use termcolor::WriteColor;

use super::csv::Table;
use super::{Format, Options, markdown, passage_cell, text};
use crate::error::{Error, Result};
use crate::search::{Hit, SearchRun};

/// Every field of a hit record, in the order CSV columns take by default.
pub const HIT_FIELDS: [&str; 20] = [
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
    "snippet",
    "match_count",
    "matches",
    "score",
    "source",
    "path",
    "line",
    "links",
];

/// One hit field as a cell.
fn cell(hit: &Hit, field: &str) -> String {
    match field {
        "snippet" => hit.snippet.clone(),
        "match_count" => hit.match_count.to_string(),
        "matches" => hit
            .matches
            .iter()
            .map(|m| format!("{}-{}", m[0], m[1]))
            .collect::<Vec<_>>()
            .join(";"),
        "score" => hit.score.to_string(),
        passage_field => passage_cell(&hit.passage, passage_field),
    }
}

/// A hit as one line of JSON Lines, with only the chosen keys when `--fields` names some.
fn jsonl_line(hit: &Hit, fields: Option<&[String]>) -> io::Result<Vec<u8>> {
    let mut line = match fields {
        None => serde_json::to_vec(&super::json::Versioned {
            schema: crate::search::RECORD_SCHEMA,
            record: hit,
        }),
        Some(fields) => serde_json::to_value(hit)
            .and_then(|value| serde_json::to_vec(&super::json::pick(value, fields))),
    }?;
    line.push(b'\n');
    Ok(line)
}

/// Writes the hits of a search as they are built; only the Markdown report, which groups hits
/// by statement, holds them all.
pub fn search_stream(
    out: &mut dyn WriteColor,
    run: &mut SearchRun<'_>,
    options: &Options,
) -> Result<()> {
    match options.format {
        Format::Text => {
            let style = super::TextStyle { full: options.full };
            for hit in &mut *run {
                text::search_hit(out, &hit?, style)?;
            }
            for facet in &run.summary.facets {
                let counts: Vec<String> = facet
                    .counts
                    .iter()
                    .map(|c| format!("{} {}", c.value, c.hits))
                    .collect();
                let name = match facet.facet {
                    crate::search::Facet::Signatory => "signatory",
                    crate::search::Facet::Year => "year",
                    crate::search::Facet::Type => "type",
                };
                text::styled(out, &text::bold_spec(), &format!("{name}:"))?;
                writeln!(out, " {}", counts.join(" · "))?;
            }
        }
        Format::Jsonl => {
            let fields = options.fields.as_deref();
            run.render_each(
                |hit| jsonl_line(&hit, fields).map_err(Error::from),
                |line| Ok(out.write_all(&line)?),
            )?;
        }
        Format::Csv | Format::Tsv => {
            let mut table = Table::new(out, options.sheet(), &HIT_FIELDS)?;
            run.render_each(
                |hit| Ok::<_, Error>(HIT_FIELDS.map(|field| cell(&hit, field))),
                |cells| Ok(table.row(cells)?),
            )?;
            table.finish()?;
        }
        Format::Json => {
            // The summary first, then the hits as they come: one document, streamed.
            let summary = serde_json::to_value(&run.summary).map_err(io::Error::from)?;
            write!(out, "{{")?;
            if let serde_json::Value::Object(map) = summary {
                for (key, value) in map {
                    write!(out, "{}:{},", serde_json::Value::String(key), value)?;
                }
            }
            write!(out, "\"hits\":[")?;
            let mut first = true;
            for hit in run {
                let hit = hit?;
                if !first {
                    write!(out, ",")?;
                }
                first = false;
                writeln!(out)?;
                serde_json::to_writer(&mut *out, &hit).map_err(io::Error::from)?;
            }
            writeln!(out, "]}}")?;
        }
        Format::Md => {
            let summary = run.summary.clone();
            let hits = run.collect::<Result<Vec<_>>>()?;
            markdown::search_report(out, &summary, &hits)?;
        }
        Format::CslJson | Format::Bibtex | Format::Ris => {
            // One entry per hit, the passage as its locator, so a quotation cites precisely.
            let passages: Vec<_> = run
                .map(|hit| hit.map(|hit| hit.passage))
                .collect::<Result<_>>()?;
            if let Some(format) = options.format.citation() {
                super::citation::passages(out, &passages, format, jiff::Zoned::now().date())?;
            }
        }
    }
    Ok(())
}
