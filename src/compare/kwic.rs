//! The concordance: every occurrence of a query, key word in context, with its citation.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use super::map_matches;
use crate::corpus::Statement;
use crate::error::Result;
use crate::index::CorpusIndex;
use crate::query::Filters;
use crate::search::MatchedPassage;

/// The order of concordance lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum KwicSort {
    /// Statements by date, then passage, then position.
    Date,
    /// By the words just before the match, nearest first (as AntConc sorts 1L, 2L, …).
    Left,
    /// By the words just after the match.
    Right,
    /// By statement id, then passage.
    Doc,
}

#[derive(Debug, Clone)]
pub struct KwicRequest {
    pub query: String,
    pub exact: bool,
    pub filters: Filters,
    /// Characters of context on each side.
    pub width: usize,
    pub sort: KwicSort,
    pub show_absent: bool,
}

/// One occurrence: left context | match | right context.
#[derive(Debug, Clone, Serialize)]
pub struct KwicLine {
    pub citation: String,
    pub doc: String,
    pub n: u64,
    pub date: Option<String>,
    pub section: String,
    pub left: String,
    #[serde(rename = "match")]
    pub keyword: String,
    pub right: String,
    /// Byte range of the match in the passage text.
    pub start: usize,
    pub end: usize,
}

/// A surface form of the match and how often a statement used it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormCount {
    pub form: String,
    pub count: usize,
}

/// One statement's row in the summary above the lines.
#[derive(Debug, Clone, Serialize)]
pub struct KwicStatement {
    pub doc: String,
    pub date: Option<String>,
    pub title: String,
    pub signatories: String,
    pub occurrences: usize,
    pub forms: Vec<FormCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Concordance {
    pub schema: u32,
    pub query: String,
    pub exact: bool,
    pub filters: Filters,
    pub sort: KwicSort,
    pub width: usize,
    pub occurrences: usize,
    pub statements: Vec<KwicStatement>,
    /// Statements in the filter range without a match, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent: Option<Vec<KwicStatement>>,
    pub lines: Vec<KwicLine>,
}

/// Signatories listed in a statement row before "+N more".
const SIGNATORIES_SHOWN: usize = 3;

/// What one matching passage adds to a concordance, built on the core that read it.
struct PassageLines {
    doc: String,
    date: Option<String>,
    statement: Arc<Statement>,
    lines: Vec<KwicLine>,
    /// The surface form of each match, as `surface_form` counts it.
    forms: Vec<String>,
}

pub fn concordance(index: &CorpusIndex, request: &KwicRequest) -> Result<Concordance> {
    let matched = map_matches(
        index,
        &request.query,
        request.exact,
        &request.filters,
        |matched| Ok(passage_lines(matched, request.width)),
    )?;
    let mut lines = Vec::with_capacity(matched.iter().map(|passage| passage.lines.len()).sum());
    let mut rows: Vec<KwicStatement> = Vec::new();
    let mut forms_by_doc: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for passage in matched {
        if rows.last().is_none_or(|row| row.doc != passage.doc) {
            rows.push(KwicStatement {
                doc: passage.doc.clone(),
                date: passage.date.clone(),
                title: passage.statement.title.clone(),
                signatories: short_signatories(&passage.statement.signatories),
                occurrences: 0,
                forms: Vec::new(),
            });
        }
        let forms = forms_by_doc.entry(passage.doc).or_default();
        for form in passage.forms {
            *forms.entry(form).or_default() += 1;
        }
        lines.extend(passage.lines);
    }
    for row in &mut rows {
        let mut forms: Vec<FormCount> = forms_by_doc
            .remove(&row.doc)
            .unwrap_or_default()
            .into_iter()
            .map(|(form, count)| FormCount { form, count })
            .collect();
        forms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.form.cmp(&b.form)));
        row.occurrences = forms.iter().map(|f| f.count).sum();
        row.forms = forms;
    }
    sort_lines(&mut lines, request.sort);
    let absent = if request.show_absent {
        let present: HashSet<&str> = rows.iter().map(|row| row.doc.as_str()).collect();
        let statements = index.statements(request.filters.statement_query(index))?;
        Some(
            statements
                .into_iter()
                .filter(|s| !present.contains(s.id.as_str()))
                .map(|s| KwicStatement {
                    date: s.date.map(|d| d.to_string()),
                    signatories: short_signatories(&s.signatories),
                    doc: s.id,
                    title: s.title,
                    occurrences: 0,
                    forms: Vec::new(),
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(Concordance {
        schema: crate::search::RECORD_SCHEMA,
        query: request.query.clone(),
        exact: request.exact,
        filters: request.filters.clone(),
        sort: request.sort,
        width: request.width,
        occurrences: lines.len(),
        statements: rows,
        absent,
        lines,
    })
}

/// The concordance lines of one matching passage, one per match, with their surface forms.
fn passage_lines(matched: MatchedPassage, width: usize) -> PassageLines {
    let MatchedPassage {
        passage,
        statement,
        matches,
    } = matched;
    let date = statement.date.map(|date| date.to_string());
    let citation = format!("{}#{}", passage.doc, passage.n);
    let mut forms = Vec::with_capacity(matches.len());
    let lines = matches
        .into_iter()
        .map(|[start, end]| {
            let keyword = passage.text[start..end].to_string();
            forms.push(surface_form(&keyword));
            KwicLine {
                citation: citation.clone(),
                doc: passage.doc.clone(),
                n: passage.n,
                date: date.clone(),
                section: passage.section.clone(),
                left: left_context(&passage.text[..start], width),
                keyword,
                right: right_context(&passage.text[end..], width),
                start,
                end,
            }
        })
        .collect();
    PassageLines {
        doc: passage.doc,
        date,
        statement,
        lines,
        forms,
    }
}

fn short_signatories(signatories: &[crate::corpus::Signatory]) -> String {
    let mut labels: Vec<String> = signatories
        .iter()
        .take(SIGNATORIES_SHOWN)
        .map(|s| s.short())
        .collect();
    if signatories.len() > SIGNATORIES_SHOWN {
        labels.push(format!("+{} more", signatories.len() - SIGNATORIES_SHOWN));
    }
    labels.join(", ")
}

/// A match as a form to count: lower-cased, spaces collapsed.
fn surface_form(keyword: &str) -> String {
    keyword
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The last `width` characters before a match, starting at a word boundary.
fn left_context(before: &str, width: usize) -> String {
    let before = before.trim_end();
    let count = before.chars().count();
    if count <= width {
        return before.to_string();
    }
    let cut: String = before.chars().skip(count - width).collect();
    let starts_mid_word = before
        .chars()
        .nth(count - width - 1)
        .is_some_and(|c| !c.is_whitespace());
    let cut = if starts_mid_word {
        cut.split_once(char::is_whitespace)
            .map_or("", |(_, rest)| rest)
            .to_string()
    } else {
        cut
    };
    cut.trim_start().to_string()
}

/// The first `width` characters after a match, ending at a word boundary.
fn right_context(after: &str, width: usize) -> String {
    let after = after.trim_start();
    if after.chars().count() <= width {
        return after.to_string();
    }
    let cut: String = after.chars().take(width).collect();
    let ends_mid_word = after.chars().nth(width).is_some_and(|c| !c.is_whitespace());
    let cut = if ends_mid_word {
        cut.rsplit_once(char::is_whitespace)
            .map_or("", |(kept, _)| kept)
            .to_string()
    } else {
        cut
    };
    cut.trim_end().to_string()
}

fn words_lower(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn sort_lines(lines: &mut [KwicLine], sort: KwicSort) {
    // Lines arrive in date order; a stable sort keeps it as the tie-breaker.
    match sort {
        KwicSort::Date => {}
        KwicSort::Doc => lines.sort_by(|a, b| {
            a.doc
                .cmp(&b.doc)
                .then(a.n.cmp(&b.n))
                .then(a.start.cmp(&b.start))
        }),
        KwicSort::Left => lines.sort_by_cached_key(|line| {
            let mut words = words_lower(&line.left);
            words.reverse();
            words
        }),
        KwicSort::Right => lines.sort_by_cached_key(|line| words_lower(&line.right)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_cut_at_word_boundaries() {
        assert_eq!(left_context("the parties agree that ", 12), "agree that");
        assert_eq!(left_context("short ", 40), "short");
        assert_eq!(right_context(" must be balanced with care", 12), "must be");
        assert_eq!(right_context(" must be", 40), "must be");
        assert_eq!(left_context("", 10), "");
    }

    #[test]
    fn surface_forms_fold_case_and_spaces() {
        assert_eq!(surface_form("Lawful  access"), "lawful access");
    }
}
