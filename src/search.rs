//! Running a search: the query and filters in, hit records with exact match offsets out.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::corpus::{PassageKind, Signatory, Statement};
use crate::error::Result;
use crate::highlight::Highlighter;
use crate::index::schema::{FAST_DATE_KEY, FAST_DOC_HASH, FAST_N};
use crate::index::{CorpusIndex, StoredPassage};
use crate::query::{Filters, UserQuery};

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first (BM25), ties by date, statement and passage.
    Relevance,
    /// Chronological, then statement, then passage order.
    Date,
}

/// What to search for.
#[derive(Debug, Clone, Serialize)]
pub struct SearchRequest {
    pub query: String,
    pub exact: bool,
    pub filters: Filters,
    /// `None` for every hit.
    pub limit: Option<usize>,
    pub sort: SortOrder,
    /// Neighbouring passages shown before and after each hit.
    pub context: u64,
    /// Hit counts per value of these, after the hits.
    pub facets: Vec<Facet>,
}

/// What hits can be counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    /// The signing country, or the person or organisation when no country is given.
    Signatory,
    Year,
    Type,
}

/// Hits per value of one facet, most first (years in order).
#[derive(Debug, Clone, Serialize)]
pub struct FacetCounts {
    pub facet: Facet,
    pub counts: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetCount {
    pub value: String,
    /// Matching passages.
    pub hits: u64,
}

/// A passage with its statement's metadata: the record every command prints.
#[derive(Debug, Clone, Serialize)]
pub struct PassageRecord {
    pub citation: String,
    pub doc: String,
    pub n: u64,
    pub title: String,
    pub date: Option<String>,
    pub year: Option<i16>,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub issuer: Option<String>,
    pub signatories: Vec<Signatory>,
    pub section: String,
    pub kind: PassageKind,
    pub text: String,
    pub source: Option<String>,
    pub path: String,
    pub line: u64,
    pub links: Vec<String>,
}

impl PassageRecord {
    pub fn new(passage: StoredPassage, statement: &Statement) -> PassageRecord {
        PassageRecord {
            citation: format!("{}#{}", passage.doc, passage.n),
            doc: passage.doc,
            n: passage.n,
            title: statement.title.clone(),
            date: statement.date.map(|date| date.to_string()),
            year: statement.year(),
            doc_type: statement.kind.clone(),
            issuer: statement.issuer.clone(),
            signatories: statement.signatories.clone(),
            section: passage.section,
            kind: passage.kind,
            text: passage.text,
            source: statement.source.clone(),
            path: statement.path.clone(),
            line: passage.line,
            links: passage.links,
        }
    }
}

/// A neighbouring passage shown for context.
#[derive(Debug, Clone, Serialize)]
pub struct ContextPassage {
    pub citation: String,
    pub n: u64,
    pub kind: PassageKind,
    pub section: String,
    pub text: String,
}

/// One matching passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub passage: PassageRecord,
    /// Byte ranges of the matches in `text`, sorted and not overlapping.
    pub matches: Vec<[usize; 2]>,
    pub match_count: usize,
    /// The passage cut to windows around its matches, as the text output shows it.
    pub snippet: String,
    pub score: f32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<ContextPassage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<ContextPassage>,
}

/// The version of the hit record's shape, carried in JSON output.
pub const RECORD_SCHEMA: u32 = 1;

/// What a search found, before its hits: enough to write a report's header.
#[derive(Debug, Clone, Serialize)]
pub struct SearchSummary {
    pub schema: u32,
    pub query: String,
    pub exact: bool,
    pub filters: Filters,
    pub sort: SortOrder,
    pub total_hits: u64,
    pub total_statements: u64,
    /// How many hits follow: the limit, or every hit.
    pub shown: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facets: Vec<FacetCounts>,
}

/// A search under way: the summary is known, hit records are built one at a time as they are
/// read, so an export of every hit runs in memory bounded by the ranking, not the texts.
pub struct SearchRun<'a> {
    index: &'a CorpusIndex,
    context: u64,
    pub summary: SearchSummary,
    ranked: std::vec::IntoIter<(f32, DocAddress)>,
    highlighter: Highlighter,
    statements: HashMap<String, Arc<Statement>>,
}

/// Runs the query and ranks the hits; records come from iterating the run.
pub fn start<'a>(index: &'a CorpusIndex, request: &SearchRequest) -> Result<SearchRun<'a>> {
    let user_query = UserQuery::parse(&request.query, request.exact)?;
    // Filters select; they must not add to the BM25 score.
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, user_query.to_query(index)?),
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(index.passages_query(), 0.0)),
        ),
    ];
    if let Some(filter) = request.filters.passage_query(index)? {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    let query = BooleanQuery::new(clauses);

    let (total_hits, statements) = index.searcher.search(&query, &HitStats)?;
    let limit = match request.limit {
        Some(limit) => limit.min(total_hits as usize),
        None => total_hits as usize,
    };
    let ranked = if limit == 0 {
        Vec::new()
    } else {
        rank(index, &query, limit, request.sort)?
    };
    Ok(SearchRun {
        index,
        context: request.context,
        summary: SearchSummary {
            schema: RECORD_SCHEMA,
            query: request.query.clone(),
            exact: request.exact,
            filters: request.filters.clone(),
            sort: request.sort,
            total_hits,
            total_statements: statements.len() as u64,
            shown: ranked.len() as u64,
            facets: facet_counts(index, &request.facets, &statements)?,
        },
        ranked: ranked.into_iter(),
        highlighter: Highlighter::new(&user_query),
        statements: HashMap::new(),
    })
}

impl SearchRun<'_> {
    fn hit(&mut self, score: f32, address: DocAddress) -> Result<Hit> {
        let index = self.index;
        let passage = index.passage(address)?;
        let statement = match self.statements.get(&passage.doc) {
            Some(statement) => statement.clone(),
            None => {
                let statement = Arc::new(
                    index
                        .statement(&passage.doc)?
                        .unwrap_or_else(|| missing_statement(&passage.doc)),
                );
                self.statements
                    .insert(passage.doc.clone(), statement.clone());
                statement
            }
        };
        let (before, after) = if self.context > 0 {
            context(index, &passage, self.context, statement.passages)?
        } else {
            (Vec::new(), Vec::new())
        };
        let spans = self.highlighter.spans(&passage.text);
        let snippet = crate::snippet::snippet(&passage.text, &spans);
        let matches: Vec<[usize; 2]> = spans.into_iter().map(|(from, to)| [from, to]).collect();
        Ok(Hit {
            match_count: matches.len(),
            matches,
            snippet,
            score,
            before,
            after,
            passage: PassageRecord::new(passage, &statement),
        })
    }
}

impl Iterator for SearchRun<'_> {
    type Item = Result<Hit>;

    fn next(&mut self) -> Option<Result<Hit>> {
        let (score, address) = self.ranked.next()?;
        Some(self.hit(score, address))
    }
}

/// Runs a search and builds all its hit records.
pub fn search(index: &CorpusIndex, request: &SearchRequest) -> Result<Vec<Hit>> {
    start(index, request)?.collect()
}

/// A statement record that should exist but does not: print the passage all the same.
fn missing_statement(id: &str) -> Statement {
    Statement {
        id: id.to_string(),
        path: String::new(),
        title: id.to_string(),
        date: None,
        issuer: None,
        kind: None,
        signatories: Vec::new(),
        source: None,
        topics: Vec::new(),
        extra: Default::default(),
        passages: 0,
        words: 0,
    }
}

/// The top `limit` hits in order, with their scores. Ties are broken by fast fields (date,
/// a hash of the statement id, passage number), never by tantivy's internal addresses, which
/// change when segments merge.
fn rank(
    index: &CorpusIndex,
    query: &dyn Query,
    limit: usize,
    sort: SortOrder,
) -> Result<Vec<(f32, DocAddress)>> {
    let keys = |reader: &SegmentReader| {
        let column = |name: &str| reader.fast_fields().u64(name).ok();
        (column(FAST_DATE_KEY), column(FAST_DOC_HASH), column(FAST_N))
    };
    let value = |column: &Option<Column<u64>>, doc: DocId| {
        column.as_ref().and_then(|c| c.first(doc)).unwrap_or(0)
    };
    let collected: Vec<(f32, DocAddress)> = match sort {
        SortOrder::Relevance => {
            let collector =
                TopDocs::with_limit(limit).tweak_score(move |reader: &SegmentReader| {
                    let (date, hash, n) = keys(reader);
                    move |doc: DocId, score: Score| {
                        (
                            score,
                            Reverse(value(&date, doc)),
                            Reverse(value(&hash, doc)),
                            Reverse(value(&n, doc)),
                        )
                    }
                });
            index
                .searcher
                .search(query, &collector)?
                .into_iter()
                .map(|(key, address)| (key.0, address))
                .collect()
        }
        SortOrder::Date => {
            let collector =
                TopDocs::with_limit(limit).tweak_score(move |reader: &SegmentReader| {
                    let (date, hash, n) = keys(reader);
                    move |doc: DocId, score: Score| {
                        (
                            Reverse((value(&date, doc), value(&hash, doc), value(&n, doc))),
                            score,
                        )
                    }
                });
            index
                .searcher
                .search(query, &collector)?
                .into_iter()
                .map(|(key, address)| (key.1, address))
                .collect()
        }
    };
    Ok(collected)
}

/// The passages around a hit, within its statement.
fn context(
    index: &CorpusIndex,
    passage: &StoredPassage,
    radius: u64,
    passages_in_statement: u64,
) -> Result<(Vec<ContextPassage>, Vec<ContextPassage>)> {
    let first = passage.n.saturating_sub(radius).max(1);
    let last = passage
        .n
        .saturating_add(radius)
        .min(passages_in_statement.max(passage.n));
    let mut before = Vec::new();
    let mut after = Vec::new();
    for neighbour in index.passages(&passage.doc, first, last)? {
        let record = ContextPassage {
            citation: format!("{}#{}", neighbour.doc, neighbour.n),
            n: neighbour.n,
            kind: neighbour.kind,
            section: neighbour.section,
            text: neighbour.text,
        };
        if neighbour.n < passage.n {
            before.push(record);
        } else if neighbour.n > passage.n {
            after.push(record);
        }
    }
    Ok((before, after))
}

/// Hits per facet value, from the per-statement counts the collector gathered: each
/// statement's metadata is read once, never each hit.
fn facet_counts(
    index: &CorpusIndex,
    facets: &[Facet],
    per_statement: &HashMap<u64, u64>,
) -> Result<Vec<FacetCounts>> {
    if facets.is_empty() {
        return Ok(Vec::new());
    }
    let statements = index.statements(None)?;
    let mut result = Vec::with_capacity(facets.len());
    for &facet in facets {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for statement in &statements {
            let Some(&hits) = per_statement.get(&crate::index::schema::doc_hash(&statement.id))
            else {
                continue;
            };
            let values: Vec<String> = match facet {
                Facet::Year => vec![
                    statement
                        .year()
                        .map_or_else(|| "undated".to_string(), |y| y.to_string()),
                ],
                Facet::Type => vec![
                    statement
                        .kind
                        .clone()
                        .unwrap_or_else(|| "untyped".to_string()),
                ],
                Facet::Signatory => {
                    let mut labels: Vec<String> = statement
                        .signatories
                        .iter()
                        .map(|s| {
                            s.country
                                .clone()
                                .or_else(|| s.name.clone())
                                .unwrap_or_else(|| s.short())
                        })
                        .collect();
                    labels.sort();
                    labels.dedup();
                    labels
                }
            };
            for value in values {
                *counts.entry(value).or_default() += hits;
            }
        }
        let mut counts: Vec<FacetCount> = counts
            .into_iter()
            .map(|(value, hits)| FacetCount { value, hits })
            .collect();
        match facet {
            Facet::Year => counts.sort_by(|a, b| a.value.cmp(&b.value)),
            _ => counts.sort_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.value.cmp(&b.value))),
        }
        result.push(FacetCounts { facet, counts });
    }
    Ok(result)
}

/// Counts every matching passage and, per statement, its matching passages, in one pass.
struct HitStats;

struct SegmentHitStats {
    doc_hash: Option<Column<u64>>,
    count: u64,
    statements: HashMap<u64, u64>,
}

impl Collector for HitStats {
    type Fruit = (u64, HashMap<u64, u64>);
    type Child = SegmentHitStats;

    fn for_segment(
        &self,
        _ordinal: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentHitStats> {
        Ok(SegmentHitStats {
            doc_hash: Some(reader.fast_fields().u64(FAST_DOC_HASH)?),
            count: 0,
            statements: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(u64, HashMap<u64, u64>)>,
    ) -> tantivy::Result<(u64, HashMap<u64, u64>)> {
        let mut total = 0;
        let mut statements: HashMap<u64, u64> = HashMap::new();
        for (count, per_statement) in fruits {
            total += count;
            for (hash, hits) in per_statement {
                *statements.entry(hash).or_default() += hits;
            }
        }
        Ok((total, statements))
    }
}

impl SegmentCollector for SegmentHitStats {
    type Fruit = (u64, HashMap<u64, u64>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.count += 1;
        if let Some(hash) = self.doc_hash.as_ref().and_then(|column| column.first(doc)) {
            *self.statements.entry(hash).or_default() += 1;
        }
    }

    fn harvest(self) -> (u64, HashMap<u64, u64>) {
        (self.count, self.statements)
    }
}
