//! Comparing wording across statements: a concordance (`compare`), a phrase over time
//! (`timeline`), shared passages (`reuse`), word-level differences (`diff`) and the nearest
//! passages of other statements (`similar`). Each returns records; `output` renders them.

pub mod diff;
pub mod kwic;
pub mod reuse;
pub mod similar;
pub mod timeline;

use crate::error::Result;
use crate::index::CorpusIndex;
use crate::query::Filters;
use crate::search::{MatchedPassage, SearchRequest, SortOrder, map_matched_passages};

/// Every matching passage of a query with its matches, in date order, each turned into a `T` by
/// `visit` on every core.
fn map_matches<T: Send>(
    index: &CorpusIndex,
    query: &str,
    exact: bool,
    filters: &Filters,
    visit: impl Fn(MatchedPassage) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    map_matched_passages(index, &every_hit(query, exact, filters), visit)
}

/// A request for every hit of a query, in date order, without context passages or facets.
fn every_hit(query: &str, exact: bool, filters: &Filters) -> SearchRequest {
    SearchRequest {
        query: query.to_string(),
        exact,
        filters: filters.clone(),
        limit: None,
        sort: SortOrder::Date,
        context: 0,
        facets: Vec::new(),
    }
}

use std::collections::HashMap;

use serde::Serialize;

use crate::corpus::Statement;
use reuse::{ReusePassage, find_reuse};

/// One place of a reuse finding.
#[derive(Debug, Clone, Serialize)]
pub struct ReusePlaceRecord {
    pub citation: String,
    pub doc: String,
    pub n: u64,
    pub date: Option<String>,
    pub title: String,
    /// Byte range of the shared words in the passage text.
    pub start: usize,
    pub end: usize,
    /// Words shared at this place.
    pub words: usize,
    /// `earliest` for the likely source, `reuse` for the places after it.
    pub role: &'static str,
}

/// A word sequence shared by two or more statements.
#[derive(Debug, Clone, Serialize)]
pub struct ReuseRecord {
    pub text: String,
    pub words: usize,
    pub statements: usize,
    pub places: Vec<ReusePlaceRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReuseReport {
    pub schema: u32,
    pub filters: Filters,
    pub min_words: usize,
    /// Findings are limited to those involving one of these statements (all when empty).
    pub involving: Vec<String>,
    pub findings: Vec<ReuseRecord>,
}

/// Shared word sequences of at least `min_words` words among the statements the filters pass.
pub fn reuse_report(
    index: &CorpusIndex,
    filters: &Filters,
    min_words: usize,
    involving: &[String],
) -> Result<ReuseReport> {
    let statements: Vec<Statement> = index.statements(filters.statement_query(index))?;
    let position: HashMap<&str, usize> = statements
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut passages = Vec::new();
    for stored in index.all_passages(filters.passage_query(index)?)? {
        let Some(&statement) = position.get(stored.doc.as_str()) else {
            continue;
        };
        passages.push(ReusePassage {
            statement,
            date_key: statements[statement]
                .date
                .map_or(u64::MAX, |d| d.sort_key()),
            citation: format!("{}#{}", stored.doc, stored.n),
            n: stored.n,
            text: stored.text,
        });
    }
    let findings = find_reuse(&passages, min_words)
        .into_iter()
        .filter(|finding| {
            involving.is_empty()
                || finding.places.iter().any(|place| {
                    involving.contains(&statements[passages[place.passage].statement].id)
                })
        })
        .map(|finding| {
            let mut seen = std::collections::HashSet::new();
            let places: Vec<ReusePlaceRecord> = finding
                .places
                .iter()
                .enumerate()
                .map(|(index, place)| {
                    let passage = &passages[place.passage];
                    let statement = &statements[passage.statement];
                    seen.insert(passage.statement);
                    ReusePlaceRecord {
                        citation: passage.citation.clone(),
                        doc: statement.id.clone(),
                        n: passage.n,
                        date: statement.date.map(|d| d.to_string()),
                        title: statement.title.clone(),
                        start: place.start,
                        end: place.end,
                        words: place.words,
                        role: if index == 0 { "earliest" } else { "reuse" },
                    }
                })
                .collect();
            ReuseRecord {
                text: finding.text,
                words: finding.words,
                statements: seen.len(),
                places,
            }
        })
        .collect();
    Ok(ReuseReport {
        schema: crate::search::RECORD_SCHEMA,
        filters: filters.clone(),
        min_words,
        involving: involving.to_vec(),
        findings,
    })
}
