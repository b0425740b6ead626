//! Writers for the comparison records: concordance, timeline, reuse, diff and similar.

use std::io;

use termcolor::{Color, ColorSpec, WriteColor};

use super::text::{bold_spec, citation_spec, dim_spec, match_spec, styled};
use super::{Format, Options, csv, json, plural, unsupported};
use crate::compare::ReuseReport;
use crate::compare::diff::{AlignedRow, DiffOp, PassageDiff, StatementDiff};
use crate::compare::kwic::Concordance;
use crate::compare::similar::SimilarResults;
use crate::compare::timeline::Timeline;

pub fn concordance(
    out: &mut dyn WriteColor,
    report: &Concordance,
    options: &Options,
) -> io::Result<()> {
    match options.format {
        Format::Text => concordance_text(out, report),
        Format::Json => json::document(out, report),
        Format::Jsonl => json::lines_with(out, &report.lines, options.fields.as_deref()),
        Format::Csv | Format::Tsv => {
            let header = [
                "citation", "doc", "n", "date", "section", "left", "match", "right", "start", "end",
            ];
            let rows = report.lines.iter().map(|line| {
                vec![
                    line.citation.clone(),
                    line.doc.clone(),
                    line.n.to_string(),
                    line.date.clone().unwrap_or_default(),
                    line.section.clone(),
                    line.left.clone(),
                    line.keyword.clone(),
                    line.right.clone(),
                    line.start.to_string(),
                    line.end.to_string(),
                ]
            });
            csv::table(out, options.sheet(), &header, rows)
        }
        Format::Md => super::markdown::concordance(out, report),
        Format::CslJson | Format::Bibtex | Format::Ris => {
            Err(unsupported(options.format, "compare"))
        }
    }
}

fn concordance_text(out: &mut dyn WriteColor, report: &Concordance) -> io::Result<()> {
    let rows = report
        .statements
        .iter()
        .chain(report.absent.iter().flatten());
    let doc_width = rows
        .clone()
        .map(|row| row.doc.chars().count())
        .max()
        .unwrap_or(0);
    for row in &report.statements {
        let forms: Vec<String> = row
            .forms
            .iter()
            .map(|f| format!("\"{}\" ×{}", f.form, f.count))
            .collect();
        write!(out, "{:<10}  ", row.date.as_deref().unwrap_or("undated"))?;
        styled(out, &citation_spec(), &format!("{:<doc_width$}", row.doc))?;
        write!(out, "  {:>3}  {}", row.occurrences, forms.join(", "))?;
        styled(
            out,
            &dim_spec(),
            &format!("  {} · {}", row.title, row.signatories),
        )?;
        writeln!(out)?;
    }
    for row in report.absent.iter().flatten() {
        write!(out, "{:<10}  ", row.date.as_deref().unwrap_or("undated"))?;
        styled(out, &citation_spec(), &format!("{:<doc_width$}", row.doc))?;
        write!(out, "    0  absent")?;
        styled(
            out,
            &dim_spec(),
            &format!("  {} · {}", row.title, row.signatories),
        )?;
        writeln!(out)?;
    }
    if !report.lines.is_empty() {
        writeln!(out)?;
    }
    let citation_width = report
        .lines
        .iter()
        .map(|l| l.citation.chars().count())
        .max()
        .unwrap_or(0);
    let left_width = report
        .lines
        .iter()
        .map(|l| l.left.chars().count())
        .max()
        .unwrap_or(0);
    for line in &report.lines {
        styled(
            out,
            &citation_spec(),
            &format!("{:<citation_width$}", line.citation),
        )?;
        write!(out, "  {:>left_width$} ", line.left)?;
        styled(out, &match_spec(), &line.keyword)?;
        writeln!(out, " {}", line.right)?;
    }
    Ok(())
}

/// Eighths of a block, for bars finer than one character.
const BLOCKS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
/// Characters of the longest bar.
const BAR_WIDTH: usize = 40;

pub fn timeline(out: &mut dyn WriteColor, report: &Timeline, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Text => timeline_text(out, report),
        Format::Json => json::document(out, report),
        Format::Jsonl => json::lines_with(out, &report.buckets, options.fields.as_deref()),
        Format::Csv | Format::Tsv => {
            let header = [
                "bucket",
                "passages",
                "statements",
                "occurrences",
                "words",
                "rate_per_10000_words",
                "first_year",
                "last_year",
            ];
            let rows = report
                .buckets
                .iter()
                .chain(std::iter::once(&report.total))
                .map(|b| {
                    vec![
                        b.key.clone(),
                        b.passages.to_string(),
                        b.statements.to_string(),
                        b.occurrences.to_string(),
                        b.words.to_string(),
                        format!("{:.2}", b.rate),
                        b.first_year.map(|y| y.to_string()).unwrap_or_default(),
                        b.last_year.map(|y| y.to_string()).unwrap_or_default(),
                    ]
                });
            csv::table(out, options.sheet(), &header, rows)
        }
        Format::Md => super::markdown::timeline(out, report),
        Format::CslJson | Format::Bibtex | Format::Ris => {
            Err(unsupported(options.format, "timeline"))
        }
    }
}

fn bar(value: f64, max: f64) -> String {
    if max <= 0.0 || value <= 0.0 {
        return String::new();
    }
    let eighths = ((value / max) * (BAR_WIDTH * 8) as f64).round().max(1.0) as usize;
    let mut bar = BLOCKS[7].to_string().repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(BLOCKS[eighths % 8 - 1]);
    }
    bar
}

fn timeline_text(out: &mut dyn WriteColor, report: &Timeline) -> io::Result<()> {
    let key_width = report
        .buckets
        .iter()
        .map(|b| b.key.chars().count())
        .max()
        .unwrap_or(4)
        .max(5);
    let max_rate = report.buckets.iter().map(|b| b.rate).fold(0.0, f64::max);
    styled(
        out,
        &bold_spec(),
        &format!(
            "{:<key_width$}  {:<BAR_WIDTH$}  {:>9}  {:>5}  {:>8}  {:>10}  {:>9}",
            "", "per 10,000 words", "rate", "occ.", "passages", "statements", "words"
        ),
    )?;
    writeln!(out)?;
    for bucket in &report.buckets {
        write!(out, "{:<key_width$}  ", bucket.key)?;
        styled(
            out,
            &match_spec(),
            &format!("{:<BAR_WIDTH$}", bar(bucket.rate, max_rate)),
        )?;
        write!(
            out,
            "  {:>9.2}  {:>5}  {:>8}  {:>10}  {:>9}",
            bucket.rate, bucket.occurrences, bucket.passages, bucket.statements, bucket.words
        )?;
        if let (Some(first), Some(last), false) = (
            bucket.first_year,
            bucket.last_year,
            report.by == crate::compare::timeline::Bucketing::Year,
        ) {
            styled(out, &dim_spec(), &format!("  {first}–{last}"))?;
        }
        writeln!(out)?;
    }
    let total = &report.total;
    let span = match (total.first_year, total.last_year) {
        (Some(first), Some(last)) => format!("; first {first}, last {last}"),
        _ => String::new(),
    };
    styled(
        out,
        &dim_spec(),
        &format!(
            "{} in {} of {}, {:.2} per 10,000 words{span}",
            plural(total.occurrences, "occurrence", "occurrences"),
            plural(total.passages, "passage", "passages"),
            plural(total.statements, "statement", "statements"),
            total.rate
        ),
    )?;
    writeln!(out)
}

pub fn reuse(out: &mut dyn WriteColor, report: &ReuseReport, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Text => reuse_text(out, report),
        Format::Json => json::document(out, report),
        Format::Jsonl => json::lines_with(out, &report.findings, options.fields.as_deref()),
        Format::Csv | Format::Tsv => {
            let header = [
                "finding",
                "words",
                "text",
                "role",
                "citation",
                "date",
                "title",
                "start",
                "end",
                "words_here",
            ];
            let rows = report
                .findings
                .iter()
                .enumerate()
                .flat_map(|(index, finding)| {
                    finding.places.iter().map(move |place| {
                        vec![
                            (index + 1).to_string(),
                            finding.words.to_string(),
                            finding.text.clone(),
                            place.role.to_string(),
                            place.citation.clone(),
                            place.date.clone().unwrap_or_default(),
                            place.title.clone(),
                            place.start.to_string(),
                            place.end.to_string(),
                            place.words.to_string(),
                        ]
                    })
                });
            csv::table(out, options.sheet(), &header, rows)
        }
        Format::Md => super::markdown::reuse(out, report),
        Format::CslJson | Format::Bibtex | Format::Ris => Err(unsupported(options.format, "reuse")),
    }
}

fn reuse_text(out: &mut dyn WriteColor, report: &ReuseReport) -> io::Result<()> {
    for (index, finding) in report.findings.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        styled(
            out,
            &bold_spec(),
            &format!(
                "{} words in {}",
                finding.words,
                plural(finding.statements as u64, "statement", "statements")
            ),
        )?;
        writeln!(out)?;
        write!(out, "  “")?;
        styled(out, &match_spec(), &finding.text)?;
        writeln!(out, "”")?;
        for place in &finding.places {
            write!(
                out,
                "  {:<8}  {:<10}  ",
                place.role,
                place.date.as_deref().unwrap_or("undated")
            )?;
            styled(out, &citation_spec(), &place.citation)?;
            let partial = if place.words < finding.words {
                format!(" ({} words)", place.words)
            } else {
                String::new()
            };
            styled(out, &dim_spec(), &format!("  {}{partial}", place.title))?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// What `diff` compared.
pub enum DiffReport {
    Passages(PassageDiff),
    Statements(StatementDiff),
}

fn deleted_spec() -> ColorSpec {
    let mut spec = ColorSpec::new();
    spec.set_fg(Some(Color::Red));
    spec
}

fn inserted_spec() -> ColorSpec {
    let mut spec = ColorSpec::new();
    spec.set_fg(Some(Color::Green)).set_bold(true);
    spec
}

/// A word diff on one line: colours on a terminal, `[-deleted-]{+inserted+}` (as `git diff
/// --word-diff`) when not.
fn ops_text(out: &mut dyn WriteColor, ops: &[DiffOp]) -> io::Result<()> {
    let color = out.supports_color();
    for op in ops {
        match op {
            DiffOp::Equal(text) => write!(out, "{text}")?,
            DiffOp::Delete(text) if color => styled(out, &deleted_spec(), text)?,
            DiffOp::Insert(text) if color => styled(out, &inserted_spec(), text)?,
            DiffOp::Delete(text) => write!(out, "[-{text}-]")?,
            DiffOp::Insert(text) => write!(out, "{{+{text}+}}")?,
        }
    }
    Ok(())
}

/// `~~deleted~~` and `**inserted**`, with the markers outside surrounding spaces so that
/// CommonMark still reads them as emphasis.
fn ops_markdown(ops: &[DiffOp]) -> String {
    let mut text = String::new();
    for op in ops {
        let (marker, run) = match op {
            DiffOp::Equal(run) => {
                text.push_str(&super::markdown::escape(run));
                continue;
            }
            DiffOp::Delete(run) => ("~~", run),
            DiffOp::Insert(run) => ("**", run),
        };
        let trimmed = run.trim();
        if trimmed.is_empty() {
            text.push_str(run);
            continue;
        }
        let leading = &run[..run.len() - run.trim_start().len()];
        let trailing = &run[run.trim_end().len()..];
        text.push_str(&format!(
            "{leading}{marker}{}{marker}{trailing}",
            super::markdown::escape(trimmed)
        ));
    }
    text
}

pub fn diff(out: &mut dyn WriteColor, report: &DiffReport, options: &Options) -> io::Result<()> {
    match (report, options.format) {
        (DiffReport::Passages(diff), Format::Json) => json::document(out, diff),
        (DiffReport::Statements(diff), Format::Json) => json::document(out, diff),
        (DiffReport::Passages(diff), Format::Jsonl) => {
            json::lines_with(out, &diff.ops, options.fields.as_deref())
        }
        (DiffReport::Statements(diff), Format::Jsonl) => {
            json::lines_with(out, &diff.rows, options.fields.as_deref())
        }
        (DiffReport::Passages(diff), Format::Text) => {
            styled(out, &citation_spec(), &diff.a.citation)?;
            write!(out, " → ")?;
            styled(out, &citation_spec(), &diff.b.citation)?;
            styled(
                out,
                &dim_spec(),
                &format!("  similarity {:.2}", diff.similarity),
            )?;
            writeln!(out)?;
            ops_text(out, &diff.ops)?;
            writeln!(out)
        }
        (DiffReport::Passages(diff), Format::Md) => {
            writeln!(
                out,
                "{} → {} (similarity {:.2})\n",
                diff.a.citation, diff.b.citation, diff.similarity
            )?;
            writeln!(out, "{}", ops_markdown(&diff.ops))
        }
        (DiffReport::Passages(diff), Format::Csv | Format::Tsv) => {
            let rows = diff.ops.iter().map(|op| {
                let (name, text) = op_parts(op);
                vec![name.to_string(), text.to_string()]
            });
            csv::table(out, options.sheet(), &["op", "text"], rows)
        }
        (DiffReport::Statements(diff), Format::Text) => statement_diff_text(out, diff),
        (DiffReport::Statements(diff), Format::Md) => statement_diff_markdown(out, diff),
        (DiffReport::Statements(diff), Format::Csv | Format::Tsv) => {
            let rows = diff.rows.iter().map(|row| {
                let (status, a, b, similarity, text) = row_parts(row);
                vec![status.to_string(), a, b, similarity, text]
            });
            csv::table(
                out,
                options.sheet(),
                &["status", "a", "b", "similarity", "text"],
                rows,
            )
        }
        (_, Format::CslJson | Format::Bibtex | Format::Ris) => {
            Err(unsupported(options.format, "diff"))
        }
    }
}

fn op_parts(op: &DiffOp) -> (&'static str, &str) {
    match op {
        DiffOp::Equal(text) => ("equal", text),
        DiffOp::Delete(text) => ("delete", text),
        DiffOp::Insert(text) => ("insert", text),
    }
}

/// Status, citations, similarity and text of an aligned row; a changed row's text is its word
/// diff in `git diff --word-diff` notation.
fn row_parts(row: &AlignedRow) -> (&'static str, String, String, String, String) {
    match row {
        AlignedRow::Unchanged { a, b, text } => (
            "unchanged",
            a.clone(),
            b.clone(),
            "1".to_string(),
            text.clone(),
        ),
        AlignedRow::Changed {
            a,
            b,
            similarity,
            ops,
        } => {
            let text = ops
                .iter()
                .map(|op| match op {
                    DiffOp::Equal(t) => t.clone(),
                    DiffOp::Delete(t) => format!("[-{t}-]"),
                    DiffOp::Insert(t) => format!("{{+{t}+}}"),
                })
                .collect();
            (
                "changed",
                a.clone(),
                b.clone(),
                format!("{similarity:.3}"),
                text,
            )
        }
        AlignedRow::OnlyA { a, text } => (
            "only-a",
            a.clone(),
            String::new(),
            String::new(),
            text.clone(),
        ),
        AlignedRow::OnlyB { b, text } => (
            "only-b",
            String::new(),
            b.clone(),
            String::new(),
            text.clone(),
        ),
    }
}

fn diff_summary_line(diff: &StatementDiff) -> String {
    let s = &diff.summary;
    format!(
        "{} unchanged, {} changed, {} only in {}, {} only in {}",
        s.unchanged, s.changed, s.only_a, diff.a.id, s.only_b, diff.b.id
    )
}

fn statement_diff_text(out: &mut dyn WriteColor, diff: &StatementDiff) -> io::Result<()> {
    for (label, statement) in [("A", &diff.a), ("B", &diff.b)] {
        write!(out, "{label}  ")?;
        styled(out, &citation_spec(), &statement.id)?;
        styled(
            out,
            &dim_spec(),
            &format!(
                "  {} · {}",
                statement
                    .date
                    .map_or_else(|| "undated".to_string(), |d| d.to_string()),
                statement.title
            ),
        )?;
        writeln!(out)?;
    }
    for row in &diff.rows {
        writeln!(out)?;
        match row {
            AlignedRow::Unchanged { a, b, text } => {
                styled(out, &dim_spec(), &format!("= {a} = {b}"))?;
                writeln!(out)?;
                styled(out, &dim_spec(), text)?;
            }
            AlignedRow::Changed {
                a,
                b,
                similarity,
                ops,
            } => {
                styled(out, &bold_spec(), &format!("~ {a} → {b}"))?;
                styled(out, &dim_spec(), &format!("  similarity {similarity:.2}"))?;
                writeln!(out)?;
                ops_text(out, ops)?;
            }
            AlignedRow::OnlyA { a, text } => {
                styled(out, &deleted_spec(), &format!("- {a} only in A"))?;
                writeln!(out)?;
                write!(out, "{text}")?;
            }
            AlignedRow::OnlyB { b, text } => {
                styled(out, &inserted_spec(), &format!("+ {b} only in B"))?;
                writeln!(out)?;
                write!(out, "{text}")?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    styled(out, &bold_spec(), &diff_summary_line(diff))?;
    writeln!(out)
}

fn statement_diff_markdown(out: &mut dyn WriteColor, diff: &StatementDiff) -> io::Result<()> {
    writeln!(out, "# {} → {}\n", diff.a.id, diff.b.id)?;
    writeln!(out, "{}\n", diff_summary_line(diff))?;
    for row in &diff.rows {
        match row {
            AlignedRow::Unchanged { a, b, text } => writeln!(
                out,
                "**Unchanged** {a} = {b}\n\n{}\n",
                super::markdown::escape(text)
            )?,
            AlignedRow::Changed {
                a,
                b,
                similarity,
                ops,
            } => writeln!(
                out,
                "**Changed** {a} → {b} (similarity {similarity:.2})\n\n{}\n",
                ops_markdown(ops)
            )?,
            AlignedRow::OnlyA { a, text } => writeln!(
                out,
                "**Only in A** {a}\n\n{}\n",
                super::markdown::escape(text)
            )?,
            AlignedRow::OnlyB { b, text } => writeln!(
                out,
                "**Only in B** {b}\n\n{}\n",
                super::markdown::escape(text)
            )?,
        }
    }
    Ok(())
}

pub fn similar(
    out: &mut dyn WriteColor,
    report: &SimilarResults,
    options: &Options,
) -> io::Result<()> {
    match options.format {
        Format::Text => {
            write!(out, "like ")?;
            styled(out, &citation_spec(), &report.source.citation)?;
            styled(out, &dim_spec(), &format!("  {}", report.source.title))?;
            writeln!(out)?;
            writeln!(out, "  {}", report.source.text)?;
            for hit in &report.hits {
                writeln!(out)?;
                styled(out, &bold_spec(), &format!("{:.2}  ", hit.similarity))?;
                styled(out, &citation_spec(), &hit.passage.citation)?;
                styled(
                    out,
                    &dim_spec(),
                    &format!(
                        "  {} · {}",
                        hit.passage.date.as_deref().unwrap_or("undated"),
                        hit.passage.title
                    ),
                )?;
                writeln!(out)?;
                write!(out, "  ")?;
                match &hit.ops {
                    Some(ops) => ops_text(out, ops)?,
                    None => write!(out, "{}", hit.passage.text)?,
                }
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Json => json::document(out, report),
        Format::Jsonl => json::lines_with(out, &report.hits, options.fields.as_deref()),
        Format::Csv | Format::Tsv => {
            let mut header: Vec<&str> = super::PASSAGE_COLUMNS.to_vec();
            header.push("similarity");
            let rows = report.hits.iter().map(|hit| {
                let mut cells = super::passage_cells(&hit.passage);
                cells.push(format!("{:.3}", hit.similarity));
                cells
            });
            csv::table(out, options.sheet(), &header, rows)
        }
        Format::Md | Format::CslJson | Format::Bibtex | Format::Ris => {
            Err(unsupported(options.format, "similar"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_diff_keeps_markers_tight() {
        let ops = vec![
            DiffOp::Equal("we support ".into()),
            DiffOp::Delete("strong".into()),
            DiffOp::Insert(" robust".into()),
            DiffOp::Equal(" encryption".into()),
        ];
        assert_eq!(
            ops_markdown(&ops),
            "we support ~~strong~~ **robust** encryption"
        );
    }

    #[test]
    fn bars_scale_in_eighths() {
        assert_eq!(bar(10.0, 10.0).chars().count(), BAR_WIDTH);
        assert_eq!(bar(0.0, 10.0), "");
        assert_eq!(bar(10.0 / 320.0, 10.0), "▏");
    }
}
