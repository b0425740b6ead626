//! Markdown reports a researcher can paste into a memo; they render with any CommonMark
//! renderer.

use std::io;

use super::plural;
use crate::corpus::Statement;
use crate::search::{Hit, SearchSummary};

/// Backslash-escapes the characters CommonMark could read as markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The passage with its matches in bold.
fn emphasised(hit: &Hit) -> String {
    let text = &hit.passage.text;
    let mut out = String::with_capacity(text.len() + 8 * hit.matches.len());
    let mut at = 0;
    for &[from, to] in &hit.matches {
        out.push_str(&escape(&text[at..from]));
        out.push_str("**");
        out.push_str(&escape(&text[from..to]));
        out.push_str("**");
        at = to;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// The query, filters, date of export and totals; then per statement a heading with its
/// metadata and each passage as a block quote with its citation.
pub fn search_report(
    out: &mut dyn io::Write,
    summary: &SearchSummary,
    hits: &[Hit],
) -> io::Result<()> {
    writeln!(out, "# Search: `{}`\n", summary.query.replace('`', "'"))?;
    let filters = &summary.filters;
    let mut conditions = Vec::new();
    if !filters.signatories.is_empty() {
        conditions.push(format!("signatory {}", filters.signatories.join(" or ")));
    }
    if let Some(years) = &filters.years {
        let year = |y: Option<u16>| y.map(|y| y.to_string()).unwrap_or_default();
        conditions.push(format!("years {}..{}", year(years.from), year(years.to)));
    }
    if !filters.types.is_empty() {
        conditions.push(format!("type {}", filters.types.join(" or ")));
    }
    if !filters.docs.is_empty() {
        conditions.push(format!("statement {}", filters.docs.join(" or ")));
    }
    if summary.exact {
        conditions.push("exact words".to_string());
    }
    if !conditions.is_empty() {
        writeln!(out, "- Filters: {}", escape(&conditions.join("; ")))?;
    }
    writeln!(out, "- Exported: {}", jiff::Zoned::now().date())?;
    writeln!(
        out,
        "- Found: {} in {}{}\n",
        plural(summary.total_hits, "passage", "passages"),
        plural(summary.total_statements, "statement", "statements"),
        if summary.shown < summary.total_hits {
            format!(" ({} shown)", summary.shown)
        } else {
            String::new()
        }
    )?;
    // Statements in the order of their first hit, each with its hits in order.
    let mut order: Vec<&str> = Vec::new();
    for hit in hits {
        if !order.contains(&hit.passage.doc.as_str()) {
            order.push(&hit.passage.doc);
        }
    }
    for doc in order {
        let group: Vec<&Hit> = hits.iter().filter(|hit| hit.passage.doc == doc).collect();
        let first = &group[0].passage;
        writeln!(out, "## {}\n", escape(&first.title))?;
        let mut facts = vec![first.date.clone().unwrap_or_else(|| "undated".to_string())];
        if let Some(kind) = &first.doc_type {
            facts.push(escape(kind));
        }
        if !first.signatories.is_empty() {
            let names: Vec<String> = first
                .signatories
                .iter()
                .map(|s| escape(&s.short()))
                .collect();
            facts.push(names.join(", "));
        }
        if let Some(source) = &first.source {
            facts.push(format!("<{}>", source.replace('>', "%3E")));
        }
        writeln!(out, "{}\n", facts.join(" · "))?;
        for hit in group {
            writeln!(out, "> {}\n", emphasised(hit))?;
            let section = if hit.passage.section.is_empty() {
                String::new()
            } else {
                format!(", {}", escape(&hit.passage.section))
            };
            writeln!(out, "— `{}`{section}\n", hit.passage.citation)?;
        }
    }
    Ok(())
}

/// A concordance as a Markdown table, one row per occurrence.
pub fn concordance(
    out: &mut dyn io::Write,
    report: &crate::compare::kwic::Concordance,
) -> io::Result<()> {
    writeln!(out, "# Concordance: `{}`\n", report.query.replace('`', "'"))?;
    writeln!(out, "| statement | date | occurrences | forms |")?;
    writeln!(out, "|---|---|---:|---|")?;
    for row in report
        .statements
        .iter()
        .chain(report.absent.iter().flatten())
    {
        let forms: Vec<String> = row
            .forms
            .iter()
            .map(|f| format!("{} ×{}", escape(&f.form), f.count))
            .collect();
        writeln!(
            out,
            "| {} (`{}`) | {} | {} | {} |",
            escape(&row.title),
            row.doc,
            row.date.as_deref().unwrap_or("undated"),
            row.occurrences,
            if forms.is_empty() {
                "absent".to_string()
            } else {
                forms.join(", ")
            }
        )?;
    }
    writeln!(out, "\n| citation | left | match | right |")?;
    writeln!(out, "|---|---:|:---:|---|")?;
    for line in &report.lines {
        writeln!(
            out,
            "| `{}` | {} | **{}** | {} |",
            line.citation,
            escape(&line.left),
            escape(&line.keyword),
            escape(&line.right)
        )?;
    }
    Ok(())
}

/// A timeline as a Markdown table.
pub fn timeline(
    out: &mut dyn io::Write,
    report: &crate::compare::timeline::Timeline,
) -> io::Result<()> {
    writeln!(out, "# Timeline: `{}`\n", report.query.replace('`', "'"))?;
    writeln!(
        out,
        "| bucket | per 10,000 words | occurrences | passages | statements | words | first | last |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---|---|")?;
    for bucket in report.buckets.iter().chain(std::iter::once(&report.total)) {
        let year = |y: Option<i16>| y.map(|y| y.to_string()).unwrap_or_default();
        writeln!(
            out,
            "| {} | {:.2} | {} | {} | {} | {} | {} | {} |",
            escape(&bucket.key),
            bucket.rate,
            bucket.occurrences,
            bucket.passages,
            bucket.statements,
            bucket.words,
            year(bucket.first_year),
            year(bucket.last_year)
        )?;
    }
    Ok(())
}

/// Reuse findings: each shared text as a block quote, then where it appears.
pub fn reuse(out: &mut dyn io::Write, report: &crate::compare::ReuseReport) -> io::Result<()> {
    writeln!(
        out,
        "# Shared passages of {} words or more\n",
        report.min_words
    )?;
    for (index, finding) in report.findings.iter().enumerate() {
        writeln!(
            out,
            "## {}. {} words in {}\n",
            index + 1,
            finding.words,
            plural(finding.statements as u64, "statement", "statements")
        )?;
        writeln!(out, "> {}\n", escape(&finding.text))?;
        for place in &finding.places {
            writeln!(
                out,
                "- {} `{}`, {}: {}{}",
                place.role,
                place.citation,
                place.date.as_deref().unwrap_or("undated"),
                escape(&place.title),
                if place.words < finding.words {
                    format!(" ({} words)", place.words)
                } else {
                    String::new()
                }
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The statements as a table.
pub fn statements(out: &mut dyn io::Write, statements: &[Statement]) -> io::Result<()> {
    writeln!(out, "| id | date | type | title | signatories |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for statement in statements {
        let signatories: Vec<String> = statement.signatories.iter().map(|s| s.short()).collect();
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            statement.id,
            statement
                .date
                .map_or_else(|| "undated".to_string(), |d| d.to_string()),
            escape(statement.kind.as_deref().unwrap_or("")),
            escape(&statement.title),
            escape(&signatories.join("; "))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape("a*b_[c]|#"), "a\\*b\\_\\[c\\]\\|\\#");
    }
}
