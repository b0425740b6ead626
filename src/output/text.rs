//! The text writer: citations, metadata and passages, matches highlighted on a terminal.

use std::io;

use termcolor::{Color, ColorSpec, WriteColor};

use super::{TextStyle, plural};
use crate::corpus::Statement;
use crate::search::{ContextPassage, Hit, PassageRecord, SearchResults};

/// Passages longer than this are cut to windows around their matches unless `--full`.
const LONG_PASSAGE: usize = 600;
/// Bytes of text kept on each side of a match in a window.
const WINDOW_CONTEXT: usize = 160;
/// At most this many windows per passage.
const MAX_WINDOWS: usize = 4;
/// Signatories listed by name before "+N more".
const SIGNATORIES_SHOWN: usize = 3;

pub(super) fn citation_spec() -> ColorSpec {
    let mut spec = ColorSpec::new();
    spec.set_fg(Some(Color::Magenta)).set_bold(true);
    spec
}

pub(super) fn match_spec() -> ColorSpec {
    let mut spec = ColorSpec::new();
    spec.set_fg(Some(Color::Red)).set_bold(true);
    spec
}

pub(super) fn dim_spec() -> ColorSpec {
    let mut spec = ColorSpec::new();
    spec.set_dimmed(true);
    spec
}

pub(super) fn bold_spec() -> ColorSpec {
    let mut spec = ColorSpec::new();
    spec.set_bold(true);
    spec
}

pub(super) fn styled(out: &mut dyn WriteColor, spec: &ColorSpec, text: &str) -> io::Result<()> {
    out.set_color(spec)?;
    write!(out, "{text}")?;
    out.reset()
}

pub fn search_results(
    out: &mut dyn WriteColor,
    results: &SearchResults,
    style: TextStyle,
) -> io::Result<()> {
    for hit in &results.hits {
        search_hit(out, hit, style)?;
    }
    Ok(())
}

fn search_hit(out: &mut dyn WriteColor, hit: &Hit, style: TextStyle) -> io::Result<()> {
    let record = &hit.passage;
    header(out, record)?;
    for neighbour in &hit.before {
        context_line(out, neighbour)?;
    }
    let spans: Vec<(usize, usize)> = hit.matches.iter().map(|m| (m[0], m[1])).collect();
    if !hit.before.is_empty() || !hit.after.is_empty() {
        styled(out, &citation_spec(), &format!("  #{:<4}", record.n))?;
    } else {
        write!(out, "  ")?;
    }
    excerpt(out, &record.text, &spans, style.full)?;
    writeln!(out)?;
    for neighbour in &hit.after {
        context_line(out, neighbour)?;
    }
    writeln!(out)
}

/// Citation and title, then date, signatories and section.
fn header(out: &mut dyn WriteColor, record: &PassageRecord) -> io::Result<()> {
    styled(out, &citation_spec(), &record.citation)?;
    write!(out, "  ")?;
    styled(out, &bold_spec(), &record.title)?;
    writeln!(out)?;
    let mut facts = Vec::new();
    facts.push(record.date.clone().unwrap_or_else(|| "undated".to_string()));
    let signatories = short_signatories(record);
    if !signatories.is_empty() {
        facts.push(signatories);
    }
    if !record.section.is_empty() {
        facts.push(format!("§ {}", record.section));
    }
    styled(out, &dim_spec(), &format!("  {}", facts.join(" · ")))?;
    writeln!(out)
}

fn short_signatories(record: &PassageRecord) -> String {
    let mut labels: Vec<String> = record
        .signatories
        .iter()
        .take(SIGNATORIES_SHOWN)
        .map(|s| s.short())
        .collect();
    if record.signatories.len() > SIGNATORIES_SHOWN {
        labels.push(format!(
            "+{} more",
            record.signatories.len() - SIGNATORIES_SHOWN
        ));
    }
    labels.join(", ")
}

fn context_line(out: &mut dyn WriteColor, passage: &ContextPassage) -> io::Result<()> {
    styled(out, &dim_spec(), &format!("  #{:<4}", passage.n))?;
    let text = if passage.text.len() > LONG_PASSAGE {
        format!(
            "{} …",
            &passage.text[..snap_end(&passage.text, LONG_PASSAGE / 2)]
        )
    } else {
        passage.text.clone()
    };
    styled(out, &dim_spec(), &text)?;
    writeln!(out)
}

/// Writes `text` with `spans` highlighted; a long text is cut to windows around the spans.
fn excerpt(
    out: &mut dyn WriteColor,
    text: &str,
    spans: &[(usize, usize)],
    full: bool,
) -> io::Result<()> {
    for (index, (start, end)) in windows(text, spans, full).into_iter().enumerate() {
        if index > 0 {
            write!(out, " ")?;
        }
        if start > 0 {
            write!(out, "… ")?;
        }
        let mut at = start;
        for &(from, to) in spans {
            let (from, to) = (from.max(start), to.min(end));
            if from >= to {
                continue;
            }
            write!(out, "{}", &text[at..from])?;
            styled(out, &match_spec(), &text[from..to])?;
            at = to;
        }
        write!(out, "{}", &text[at..end])?;
        if end < text.len() {
            write!(out, " …")?;
        }
    }
    Ok(())
}

/// The byte ranges of `text` to show.
fn windows(text: &str, spans: &[(usize, usize)], full: bool) -> Vec<(usize, usize)> {
    if full || text.len() <= LONG_PASSAGE {
        return vec![(0, text.len())];
    }
    if spans.is_empty() {
        return vec![(0, snap_end(text, LONG_PASSAGE / 2))];
    }
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &(from, to) in spans {
        let start = snap_start(text, from.saturating_sub(WINDOW_CONTEXT));
        let end = snap_end(text, to + WINDOW_CONTEXT);
        match windows.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => windows.push((start, end)),
        }
    }
    windows.truncate(MAX_WINDOWS);
    windows
}

/// Moves `at` back to the start of the word it falls in.
fn snap_start(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at]
        .rfind(char::is_whitespace)
        .map_or(0, |space| space + 1)
}

/// Moves `at` forward to the end of the word it falls in.
fn snap_end(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    text[at..]
        .find(char::is_whitespace)
        .map_or(text.len(), |space| at + space)
}

pub fn passages(
    out: &mut dyn WriteColor,
    statement: &Statement,
    records: &[PassageRecord],
) -> io::Result<()> {
    styled(out, &citation_spec(), &statement.id)?;
    write!(out, "  ")?;
    styled(out, &bold_spec(), &statement.title)?;
    writeln!(out)?;
    let mut facts = vec![
        statement
            .date
            .map_or_else(|| "undated".to_string(), |d| d.to_string()),
    ];
    if let Some(kind) = &statement.kind {
        facts.push(kind.clone());
    }
    if let Some(issuer) = &statement.issuer {
        facts.push(issuer.clone());
    }
    facts.push(plural(statement.passages, "passage", "passages"));
    styled(out, &dim_spec(), &format!("  {}", facts.join(" · ")))?;
    writeln!(out)?;
    if !statement.signatories.is_empty() {
        let names: Vec<String> = statement.signatories.iter().map(|s| s.short()).collect();
        styled(out, &dim_spec(), &format!("  signed: {}", names.join("; ")))?;
        writeln!(out)?;
    }
    if let Some(source) = &statement.source {
        styled(out, &dim_spec(), &format!("  source: {source}"))?;
        writeln!(out)?;
    }
    let mut section = None;
    for record in records {
        writeln!(out)?;
        if section != Some(&record.section) && !record.section.is_empty() {
            styled(out, &bold_spec(), &format!("§ {}", record.section))?;
            writeln!(out)?;
        }
        section = Some(&record.section);
        styled(out, &citation_spec(), &record.citation)?;
        styled(
            out,
            &dim_spec(),
            &format!("  {} · line {}", record.kind.as_str(), record.line),
        )?;
        writeln!(out)?;
        writeln!(out, "{}", record.text)?;
    }
    Ok(())
}

pub fn statements(out: &mut dyn WriteColor, statements: &[Statement]) -> io::Result<()> {
    let id_width = statements
        .iter()
        .map(|s| s.id.chars().count())
        .max()
        .unwrap_or(0);
    let type_width = statements
        .iter()
        .map(|s| s.kind.as_deref().unwrap_or("-").chars().count())
        .max()
        .unwrap_or(0);
    for statement in statements {
        styled(
            out,
            &citation_spec(),
            &format!("{:<id_width$}", statement.id),
        )?;
        let date = statement
            .date
            .map_or_else(|| "undated".to_string(), |d| d.to_string());
        let kind = statement.kind.as_deref().unwrap_or("-");
        write!(
            out,
            "  {date:<10}  {kind:<type_width$}  {}",
            statement.title
        )?;
        styled(
            out,
            &dim_spec(),
            &format!(
                "  ({})",
                plural(
                    statement.signatories.len() as u64,
                    "signatory",
                    "signatories"
                )
            ),
        )?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_word_windows_around_matches() {
        let text = format!("{} needle {}", "alpha ".repeat(100), "omega ".repeat(100));
        let at = text.find("needle").unwrap();
        let got = windows(&text, &[(at, at + 6)], false);
        assert_eq!(got.len(), 1);
        let (start, end) = got[0];
        assert!(start > 0 && end < text.len());
        assert!(
            text[start..end].starts_with("alpha") && text[start..end].trim_end().ends_with("omega")
        );
        assert!(text[start..end].contains("needle"));
    }

    #[test]
    fn short_or_full_text_is_whole() {
        assert_eq!(windows("short text", &[(0, 5)], false), vec![(0, 10)]);
        let long = "word ".repeat(200);
        assert_eq!(windows(&long, &[(0, 4)], true), vec![(0, long.len())]);
    }
}
