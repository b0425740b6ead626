//! Running a search: the query and filters in, hit records with exact match offsets out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use tantivy::DocAddress;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};

use crate::corpus::{PassageKind, Signatory, Statement};
use crate::error::{Error, Result};
use crate::highlight::Highlighter;
use crate::index::{CorpusIndex, StoredPassage};
use crate::query::{Filters, UserQuery};
use rayon::prelude::*;

mod occurrences;
mod ranking;

use ranking::Ranking;

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

/// A score written with the digits that identify it as an `f32` (4.815707, not the
/// 4.815707206726074 of its widening to `f64`), as CSV writes it, whether serialised directly
/// or through a `serde_json::Value` (`--fields`).
fn shortest_f32<S: serde::Serializer>(
    score: &f32,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let shortest = score.to_string().parse().unwrap_or(f64::from(*score));
    serializer.serialize_f64(shortest)
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
    #[serde(serialize_with = "shortest_f32")]
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

/// A search under way: the summary is known, hit records are built a window at a time as they
/// are read, on every core, so an export of every hit runs in memory bounded by the ranking and
/// one window, not the texts.
pub struct SearchRun<'a> {
    pub summary: SearchSummary,
    ranked: std::vec::IntoIter<(f32, DocAddress)>,
    builder: HitBuilder<'a>,
    /// Hits of the current window not yet taken.
    built: std::vec::IntoIter<Result<Hit>>,
}

/// Builds hit records: reads each passage, its statement (once), and finds its matches.
#[derive(Clone)]
struct HitBuilder<'a> {
    index: &'a CorpusIndex,
    context: u64,
    highlighter: Highlighter,
    statements: Statements,
}

/// The statements read so far, by id, shared by the copies of a builder that work on every
/// core: hits in rank order come from statements all over the corpus, and each statement's
/// record is read once for the run.
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<HashMap<String, Arc<Statement>>>>);

impl Statements {
    /// The statement of the passage at `address`; a placeholder named by the passage's
    /// statement id should its record be missing, so that the passage is shown all the same.
    fn of(
        &self,
        index: &CorpusIndex,
        address: DocAddress,
        passage: &StoredPassage,
    ) -> Result<Arc<Statement>> {
        let known = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&passage.doc)
            .cloned();
        if let Some(statement) = known {
            return Ok(statement);
        }
        // Read without holding the lock; two cores may now and then both read one statement.
        let statement = Arc::new(
            index
                .statement_of(address, passage)?
                .unwrap_or_else(|| missing_statement(&passage.doc)),
        );
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(passage.doc.clone(), statement.clone());
        Ok(statement)
    }
}

/// A search whose hits are counted and ranked, their records not yet read.
pub struct RankedSearch {
    context: u64,
    pub summary: SearchSummary,
    ranked: Vec<(f32, DocAddress)>,
    highlighter: Highlighter,
}

impl RankedSearch {
    /// The ranked hits' addresses, in rank order, for work that needs their passages but not
    /// where the query matches in them.
    pub fn into_addresses(self) -> Vec<DocAddress> {
        self.ranked
            .into_iter()
            .map(|(_, address)| address)
            .collect()
    }

    /// The hit records, built one at a time from `index`, the index that ranked them.
    pub fn run(self, index: &CorpusIndex) -> SearchRun<'_> {
        SearchRun {
            summary: self.summary,
            ranked: self.ranked.into_iter(),
            builder: HitBuilder {
                index,
                context: self.context,
                highlighter: self.highlighter,
                statements: Statements::default(),
            },
            built: Vec::new().into_iter(),
        }
    }
}

/// Runs the query and ranks the hits; records come from iterating the run.
pub fn start<'a>(index: &'a CorpusIndex, request: &SearchRequest) -> Result<SearchRun<'a>> {
    Ok(rank(index, request)?.run(index))
}

/// Runs the query: counts and ranks the hits.
pub fn rank(index: &CorpusIndex, request: &SearchRequest) -> Result<RankedSearch> {
    let user_query = UserQuery::parse(&request.query, request.exact)?;
    // Filters select; they must not add to the BM25 score.
    let (matching, passage_only) = user_query.to_query_scoped(index)?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, matching)];
    if !passage_only {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(index.passages_query(), 0.0)),
        ));
    }
    if let Some(filter) = request.filters.passage_query(index)? {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    let query = BooleanQuery::new(clauses);

    let ranked = index.searcher.search(
        &query,
        &Ranking {
            limit: request.limit,
            sort: request.sort,
        },
    )?;
    Ok(RankedSearch {
        context: request.context,
        summary: SearchSummary {
            schema: RECORD_SCHEMA,
            query: request.query.clone(),
            exact: request.exact,
            filters: request.filters.clone(),
            sort: request.sort,
            total_hits: ranked.total_hits,
            total_statements: ranked.per_statement.len() as u64,
            shown: ranked.top.len() as u64,
            facets: facet_counts(index, &request.facets, &ranked.per_statement)?,
        },
        ranked: ranked.top,
        highlighter: Highlighter::new(&user_query),
    })
}

impl HitBuilder<'_> {
    fn hit(&mut self, score: f32, address: DocAddress) -> Result<Hit> {
        let index = self.index;
        let passage = index.passage(address)?;
        let statement = self.statements.of(index, address, &passage)?;
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

/// Hits a run builds at a time: several tasks for every core, and a few megabytes of records.
const HITS_PER_WINDOW: usize = 8 * HITS_PER_TASK;

impl SearchRun<'_> {
    /// The next window of hits in rank order, each turned into a `T` by `render` on the core
    /// that built it; `None` when every hit has been built. A window of one task's hits (a
    /// search's first page) is built on this thread, which starts no others.
    fn next_window<T: Send>(&mut self, render: impl Fn(Result<Hit>) -> T + Sync) -> Option<Vec<T>> {
        let size = self.ranked.len().min(HITS_PER_WINDOW);
        if size == 0 {
            return None;
        }
        let window: Vec<(f32, DocAddress)> = self.ranked.by_ref().take(size).collect();
        Some(map_window(
            &window,
            &mut self.builder,
            |builder, &(score, address)| render(builder.hit(score, address)),
        ))
    }

    /// Every hit not yet taken, turned into a `T` by `render` on the core that built it (a
    /// printer's line, say) and handed to `write` in rank order, a window at a time. Stops at
    /// the first error, as iterating would.
    pub fn render_each<T: Send, E: From<Error> + Send>(
        &mut self,
        render: impl Fn(Hit) -> Result<T, E> + Sync,
        mut write: impl FnMut(T) -> Result<(), E>,
    ) -> Result<(), E> {
        for hit in self.built.by_ref() {
            write(render(hit?)?)?;
        }
        while let Some(window) = self.next_window(|hit| hit.map_err(E::from).and_then(&render)) {
            for rendered in window {
                write(rendered?)?;
            }
        }
        Ok(())
    }
}

impl Iterator for SearchRun<'_> {
    type Item = Result<Hit>;

    fn next(&mut self) -> Option<Result<Hit>> {
        if let Some(hit) = self.built.next() {
            return Some(hit);
        }
        self.built = self.next_window(|hit| hit)?.into_iter();
        self.built.next()
    }
}

/// Hit records built by one task of a parallel `search`: enough to spread the work, few enough
/// that each task reads most of its statements once.
const HITS_PER_TASK: usize = 256;

/// Runs a search and builds all its hit records, in order, on every core.
pub fn search(index: &CorpusIndex, request: &SearchRequest) -> Result<Vec<Hit>> {
    let SearchRun {
        ranked, builder, ..
    } = start(index, request)?;
    let ranked: Vec<(f32, DocAddress)> = ranked.collect();
    for_each_ranked(&ranked, &builder, |builder, score, address| {
        builder.hit(score, address)
    })
}

/// A matching passage with its statement and where the query matches in it.
pub struct MatchedPassage {
    pub passage: StoredPassage,
    pub statement: Arc<Statement>,
    /// Byte ranges of the matches in the passage's text, as in `Hit::matches`.
    pub matches: Vec<[usize; 2]>,
}

/// Every hit's passage, statement and matches, in rank order, each turned into a `T` by `visit`
/// on every core: what a concordance needs, without the hit records' snippets and per-hit copies
/// of their statement's metadata (a statement may have dozens of signatories). Visiting on the
/// core that read the passage keeps the work parallel and lets each text go as soon as it has
/// been used.
pub fn map_matched_passages<T: Send>(
    index: &CorpusIndex,
    request: &SearchRequest,
    visit: impl Fn(MatchedPassage) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let RankedSearch {
        ranked,
        highlighter,
        ..
    } = rank(index, request)?;
    let builder = HitBuilder {
        index,
        context: 0,
        highlighter,
        statements: Statements::default(),
    };
    for_each_ranked(&ranked, &builder, |builder, _, address| {
        let passage = index.passage(address)?;
        let statement = builder.statements.of(index, address, &passage)?;
        let matches = builder
            .highlighter
            .spans(&passage.text)
            .into_iter()
            .map(|(from, to)| [from, to])
            .collect();
        visit(MatchedPassage {
            passage,
            statement,
            matches,
        })
    })
}

/// How many times the query matches in each matching passage, with the passage's statement id,
/// in rank order: what a count over statements needs, without the hit records' snippets and
/// statement metadata. Counted in the index's positions when that gives the highlighted count,
/// else by reading and highlighting each passage on every core.
pub fn match_counts(index: &CorpusIndex, request: &SearchRequest) -> Result<Vec<(String, usize)>> {
    let RankedSearch {
        ranked,
        highlighter,
        ..
    } = rank(index, request)?;
    if let Some(runs) = highlighter.term_runs()
        && let Some(counted) = occurrences::count_runs(index, &runs, &ranked)?
    {
        return Ok(counted);
    }
    for_each_ranked(&ranked, &highlighter, |highlighter, _, address| {
        let passage = index.passage(address)?;
        let matches = highlighter.spans(&passage.text).len();
        Ok((passage.doc, matches))
    })
}

/// `visit` applied to every ranked hit, in order, on every core: each task of `HITS_PER_TASK`
/// hits works with its own copy of `state` (a builder or highlighter and its caches). A
/// task's worth of hits is visited on this thread.
fn for_each_ranked<S, T>(
    ranked: &[(f32, DocAddress)],
    state: &S,
    visit: impl Fn(&mut S, f32, DocAddress) -> Result<T> + Sync,
) -> Result<Vec<T>>
where
    S: Clone + Sync,
    T: Send,
{
    let chunks = map_window_chunks(ranked, &mut state.clone(), |state, chunk| {
        chunk
            .iter()
            .map(|&(score, address)| visit(state, score, address))
            .collect::<Result<Vec<T>>>()
    });
    let chunks = chunks.into_iter().collect::<Result<Vec<Vec<T>>>>()?;
    Ok(chunks.into_iter().flatten().collect())
}

/// `visit` applied to every item of a window, in order: on this thread when the window is one
/// task's worth (a search's first page starts no threads), else on every core, each task with
/// its own copy of `state`.
fn map_window<I, S, T>(
    window: &[I],
    state: &mut S,
    visit: impl Fn(&mut S, &I) -> T + Sync,
) -> Vec<T>
where
    I: Sync,
    S: Clone + Sync,
    T: Send,
{
    let chunks = map_window_chunks(window, state, |state, chunk| {
        chunk
            .iter()
            .map(|item| visit(state, item))
            .collect::<Vec<T>>()
    });
    chunks.into_iter().flatten().collect()
}

/// `visit` applied to `window` a task's worth of items at a time, results in order: on this
/// thread when the window is one task's worth, else on every core, each task with its own copy
/// of `state`.
fn map_window_chunks<I, S, T>(
    window: &[I],
    state: &mut S,
    visit: impl Fn(&mut S, &[I]) -> T + Sync,
) -> Vec<T>
where
    I: Sync,
    S: Clone + Sync,
    T: Send,
{
    if window.len() <= HITS_PER_TASK {
        return vec![visit(state, window)];
    }
    let state = &*state;
    window
        .par_chunks(HITS_PER_TASK)
        .map(|chunk| visit(&mut state.clone(), chunk))
        .collect()
}

/// The passages at `addresses` as records with their statements' metadata, each rendered by
/// `render` into its task's buffer on the core that read it (an export's lines, say), the
/// buffers handed to `write` in the order of `addresses`, a window at a time: an export of
/// every passage runs on every core in memory bounded by one window. Stops at the first error,
/// after writing what the passages before it rendered. Returns the number of passages written.
pub fn render_passages<E: From<Error> + Send>(
    index: &CorpusIndex,
    addresses: &[DocAddress],
    render: impl Fn(&PassageRecord, &mut Vec<u8>) -> Result<(), E> + Sync,
    mut write: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<u64, E> {
    let mut statements = Statements::default();
    let mut written = 0;
    for window in addresses.chunks(HITS_PER_WINDOW) {
        let rendered = map_window_chunks(window, &mut statements, |statements, chunk| {
            let mut buffer = Vec::new();
            let mut rendered = 0;
            for &address in chunk {
                let record = (|| {
                    let passage = index.passage(address)?;
                    let statement = statements.of(index, address, &passage)?;
                    Ok::<_, Error>(PassageRecord::new(passage, &statement))
                })();
                if let Err(err) = record
                    .map_err(E::from)
                    .and_then(|record| render(&record, &mut buffer))
                {
                    return (buffer, rendered, Some(err));
                }
                rendered += 1;
            }
            (buffer, rendered, None)
        });
        for (buffer, rendered, failure) in rendered {
            write(&buffer)?;
            written += rendered;
            if let Some(err) = failure {
                return Err(err);
            }
        }
    }
    Ok(written)
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
    per_statement: &HashMap<DocAddress, u64>,
) -> Result<Vec<FacetCounts>> {
    if facets.is_empty() {
        return Ok(Vec::new());
    }
    let statements = per_statement
        .iter()
        .map(|(&record, &hits)| Ok((index.statement_at(record)?, hits)))
        .collect::<Result<Vec<_>>>()?;
    let mut result = Vec::with_capacity(facets.len());
    for &facet in facets {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for (statement, hits) in &statements {
            let hits = *hits;
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
