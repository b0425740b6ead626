//! Counting a query's matches in its passages from the index's positions, without reading the
//! passages: a timeline of a frequent phrase needs the count in tens of thousands of passages,
//! and reading each one from the compressed store is most of the work otherwise.

use std::collections::HashMap;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Term};

use crate::error::Result;
use crate::highlight::TermRuns;
use crate::index::CorpusIndex;
use crate::index::schema::FAST_DOC;

/// How many times `runs` occur in each passage of `ranked`, with the passage's statement id,
/// in the order of `ranked`. `None` when a segment lacks the statement ids' column, which an
/// index of this version always has.
pub(super) fn count_runs(
    index: &CorpusIndex,
    runs: &TermRuns,
    ranked: &[(f32, DocAddress)],
) -> Result<Option<Vec<(String, usize)>>> {
    let field = if runs.unstemmed {
        index.fields.text_exact
    } else {
        index.fields.text
    };
    let mut by_segment: HashMap<u32, Vec<(DocId, usize)>> = HashMap::new();
    for (at, &(_, address)) in ranked.iter().enumerate() {
        by_segment
            .entry(address.segment_ord)
            .or_default()
            .push((address.doc_id, at));
    }
    let mut counted: Vec<(String, usize)> = vec![(String::new(), 0); ranked.len()];
    for (segment_ord, mut docs) in by_segment {
        let reader = index.searcher.segment_reader(segment_ord);
        let Some(ids) = reader.fast_fields().str(FAST_DOC)? else {
            return Ok(None);
        };
        let inverted = reader.inverted_index(field)?;
        let mut postings: Vec<Vec<SegmentPostings>> = Vec::with_capacity(runs.runs.len());
        for run in &runs.runs {
            let mut run_postings = Vec::with_capacity(run.len());
            for term in run {
                let term = Term::from_field_text(field, term);
                match inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)? {
                    Some(term_postings) => run_postings.push(term_postings),
                    // A term the segment lacks: the run cannot occur in it.
                    None => {
                        run_postings.clear();
                        break;
                    }
                }
            }
            if !run_postings.is_empty() {
                postings.push(run_postings);
            }
        }
        // Postings only move forward: visit the segment's passages in document order.
        docs.sort_unstable();
        let mut id_of_ord: HashMap<u64, String> = HashMap::new();
        let mut positions: Vec<Vec<u32>> = Vec::new();
        for (doc, at) in docs {
            let occurrences = postings
                .iter_mut()
                .map(|run| occurrences_in(run, doc, &mut positions))
                .sum();
            let id = match ids.term_ords(doc).next() {
                Some(ord) => match id_of_ord.get(&ord) {
                    Some(id) => id.clone(),
                    None => {
                        let mut id = String::new();
                        ids.ord_to_str(ord, &mut id)?;
                        id_of_ord.insert(ord, id.clone());
                        id
                    }
                },
                None => return Ok(None),
            };
            counted[at] = (id, occurrences);
        }
    }
    Ok(Some(counted))
}

/// Occurrences in `doc` of the run whose terms' postings are `run`: positions where the first
/// term is followed by each next one at the next position.
fn occurrences_in(run: &mut [SegmentPostings], doc: DocId, positions: &mut Vec<Vec<u32>>) -> usize {
    positions.resize_with(run.len(), Vec::new);
    for (term_postings, term_positions) in run.iter_mut().zip(positions.iter_mut()) {
        if term_postings.doc() < doc {
            term_postings.seek(doc);
        }
        if term_postings.doc() != doc {
            return 0;
        }
        term_postings.positions(term_positions);
    }
    let (first, rest) = positions.split_at(1);
    first[0]
        .iter()
        .filter(|&&start| {
            rest.iter()
                .zip(1u32..)
                .all(|(later, k)| later.binary_search(&(start + k)).is_ok())
        })
        .count()
}
