//! The passages of other statements most like a given one: candidates by BM25 over the
//! passage's own words, ranked by word similarity.

use serde::Serialize;
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::diff::{DiffOp, word_diff, word_similarity};
use crate::error::Result;
use crate::index::CorpusIndex;
use crate::index::schema::stemmed_analyzer;
use crate::query::{Filters, analyze};
use crate::search::PassageRecord;

#[derive(Debug, Clone)]
pub struct SimilarRequest {
    pub doc: String,
    pub n: u64,
    pub filters: Filters,
    pub limit: usize,
    pub diff: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SimilarHit {
    #[serde(flatten)]
    pub passage: PassageRecord,
    /// Dice similarity of the words, 0 to 1.
    pub similarity: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ops: Option<Vec<DiffOp>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SimilarResults {
    pub schema: u32,
    pub source: PassageRecord,
    pub hits: Vec<SimilarHit>,
}

/// The rarest words of the source passage make the candidate query; more add little.
const QUERY_TERMS: usize = 48;
/// Candidates fetched by BM25 for each hit wanted, before ranking by similarity.
const CANDIDATES_PER_HIT: usize = 10;

pub fn similar(
    index: &CorpusIndex,
    source: PassageRecord,
    request: &SimilarRequest,
) -> Result<SimilarResults> {
    let fields = &index.fields;
    let mut terms: Vec<String> = analyze(&mut stemmed_analyzer(), &source.text);
    terms.sort();
    terms.dedup();
    let mut weighted: Vec<(u64, Term)> = Vec::with_capacity(terms.len());
    for text in terms {
        let term = Term::from_field_text(fields.text, &text);
        let frequency = index.searcher.doc_freq(&term)?;
        if frequency > 0 {
            weighted.push((frequency, term));
        }
    }
    weighted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    weighted.truncate(QUERY_TERMS);
    let words: Vec<(Occur, Box<dyn Query>)> = weighted
        .into_iter()
        .map(|(_, term)| {
            (
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
            )
        })
        .collect();
    if words.is_empty() {
        return Ok(SimilarResults {
            schema: crate::search::RECORD_SCHEMA,
            source,
            hits: Vec::new(),
        });
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, Box::new(BooleanQuery::new(words))),
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(index.passages_query(), 0.0)),
        ),
        (Occur::MustNot, index.term(fields.doc, &source.doc)),
    ];
    if let Some(filter) = request.filters.passage_query(index)? {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    let wanted = request.limit.max(1) * CANDIDATES_PER_HIT;
    let candidates = index.searcher.search(
        &BooleanQuery::new(clauses),
        &TopDocs::with_limit(wanted).order_by_score(),
    )?;
    let mut hits = Vec::with_capacity(candidates.len());
    let mut statements = std::collections::HashMap::new();
    for (_, address) in candidates {
        let passage = index.passage(address)?;
        if !statements.contains_key(&passage.doc) {
            let statement = index.statement_of(address, &passage)?;
            statements.insert(passage.doc.clone(), statement);
        }
        let Some(Some(statement)) = statements.get(&passage.doc) else {
            continue;
        };
        let record = PassageRecord::new(passage, statement);
        let similarity = word_similarity(&source.text, &record.text);
        let ops = request.diff.then(|| word_diff(&source.text, &record.text));
        hits.push(SimilarHit {
            passage: record,
            similarity,
            ops,
        });
    }
    hits.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then_with(|| a.passage.date.cmp(&b.passage.date))
            .then_with(|| a.passage.doc.cmp(&b.passage.doc))
            .then_with(|| a.passage.n.cmp(&b.passage.n))
    });
    hits.truncate(request.limit);
    Ok(SimilarResults {
        schema: crate::search::RECORD_SCHEMA,
        source,
        hits,
    })
}
