//! The text writer: citations, metadata and passages, matches highlighted on a terminal.

use std::io;

use termcolor::{Color, ColorSpec, WriteColor};

use super::{TextStyle, plural};
use crate::corpus::Statement;
use crate::search::{ContextPassage, Hit, PassageRecord};
use crate::snippet::{LONG_PASSAGE, snap_end, windows};

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

pub(super) fn search_hit(out: &mut dyn WriteColor, hit: &Hit, style: TextStyle) -> io::Result<()> {
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
