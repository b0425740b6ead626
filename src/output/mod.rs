//! Rendering records: every command produces records, and these writers turn them into text,
//! JSON or JSON Lines. Nothing here touches the index.

mod json;
mod text;

use std::io;

use termcolor::WriteColor;

use crate::corpus::Statement;
use crate::index::IngestReport;
use crate::search::{PassageRecord, SearchResults};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text, highlighted on a terminal.
    Text,
    /// One JSON document.
    Json,
    /// One JSON record per line.
    Jsonl,
}

/// Choices that only the text format uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextStyle {
    /// Print whole passages rather than a window around their matches.
    pub full: bool,
}

/// Prints search results.
pub fn search_results(
    out: &mut dyn WriteColor,
    results: &SearchResults,
    format: Format,
    style: TextStyle,
) -> io::Result<()> {
    match format {
        Format::Text => text::search_results(out, results, style),
        Format::Json => json::document(out, results),
        Format::Jsonl => json::lines(out, &results.hits),
    }
}

/// Prints passages of one statement (`show`).
pub fn passages(
    out: &mut dyn WriteColor,
    statement: &Statement,
    records: &[PassageRecord],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Text => text::passages(out, statement, records),
        Format::Json => json::document(
            out,
            &serde_json::json!({ "statement": statement, "passages": records }),
        ),
        Format::Jsonl => json::lines(out, records),
    }
}

/// Prints the list of statements (`docs`).
pub fn statements(
    out: &mut dyn WriteColor,
    statements: &[Statement],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Text => text::statements(out, statements),
        Format::Json => json::document(out, &statements),
        Format::Jsonl => json::lines(out, statements),
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
