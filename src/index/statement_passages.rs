//! The passages of the statements a query matches, found by position rather than by id.
//!
//! Signatories and titles live on statement records only, so a filter by them matches
//! statements, and a search wants those statements' passages. Ingest writes each statement's
//! record and its passages as one batch, which tantivy keeps together and in order in one segment
//! (and merging keeps them so): the passages of the record at `d` are `d + 1 ..= d + count`.
//! Marking those ranges costs a few microseconds per statement, where looking the statements'
//! ids up again in the index costs milliseconds once they number in the hundreds.

use std::fmt;

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use super::schema::{FAST_DOC, FAST_PASSAGES};

/// Matches the passages of the statement records `statements` matches, each scoring the boost.
pub struct StatementPassages {
    statements: Box<dyn Query>,
}

impl StatementPassages {
    /// `statements` must match statement records only.
    pub fn new(statements: Box<dyn Query>) -> StatementPassages {
        StatementPassages { statements }
    }
}

impl Clone for StatementPassages {
    fn clone(&self) -> Self {
        StatementPassages {
            statements: self.statements.box_clone(),
        }
    }
}

impl fmt::Debug for StatementPassages {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "StatementPassages({:?})", self.statements)
    }
}

impl Query for StatementPassages {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let disabled = match enable_scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(enable_scoring.schema()),
        };
        let statements = self.statements.weight(disabled)?;
        Ok(Box::new(StatementPassagesWeight { statements }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.statements.query_terms(visitor);
    }
}

struct StatementPassagesWeight {
    statements: Box<dyn Weight>,
}

impl Weight for StatementPassagesWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let max_doc = reader.max_doc();
        let mut passages = BitSet::with_max_value(max_doc.max(1));
        let fast = reader.fast_fields();
        let counts = fast.column_opt::<u64>(FAST_PASSAGES)?;
        let ids = fast.str(FAST_DOC)?;
        let id_of = |doc: DocId| ids.as_ref().and_then(|ids| ids.term_ords(doc).next());
        let mut statements = self.statements.scorer(reader, 1.0)?;
        let mut record = statements.doc();
        while record != TERMINATED {
            let count = counts.as_ref().and_then(|counts| counts.first(record));
            // The last passage must be the statement's own: anything else means an index written
            // without keeping statements together, which this reading would get wrong.
            let last = count.and_then(|count| record.checked_add(count as DocId));
            match last {
                Some(last) if last == record => {}
                Some(last) if last < max_doc && id_of(last) == id_of(record) => {
                    for passage in record + 1..=last {
                        passages.insert(passage);
                    }
                }
                _ => {
                    return Err(TantivyError::InternalError(format!(
                        "the passages of the statement record {record} do not follow it; \
                         run `verbatim ingest --rebuild`"
                    )));
                }
            }
            record = statements.advance();
        }
        Ok(Box::new(ConstScorer::new(
            BitSetDocSet::from(passages),
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not a passage of a matching statement"
            )));
        }
        Ok(Explanation::new("StatementPassages", 1.0))
    }
}
