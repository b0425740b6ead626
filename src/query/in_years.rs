//! A year filter that looks at the year of each record another query matches.
//!
//! tantivy's `RangeQuery` on a fast field finds its matches by scanning the column: on a million
//! passages, `--year 2016..2020 --signatory NAME` spent a quarter of the search scanning
//! passages' years to filter a few hundred statement records. Here the year is read only for
//! the records the other filters (or the statement records themselves) match.

use std::fmt;
use std::ops::RangeInclusive;

use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches the records `records` matches whose year, in the fast field `field`, lies in
/// `years`; a record without a year matches no range. Scores are `records`'s.
pub struct InYears {
    records: Box<dyn Query>,
    field: Field,
    years: RangeInclusive<u64>,
}

impl InYears {
    pub fn new(records: Box<dyn Query>, field: Field, years: RangeInclusive<u64>) -> InYears {
        InYears {
            records,
            field,
            years,
        }
    }
}

impl Clone for InYears {
    fn clone(&self) -> Self {
        InYears {
            records: self.records.box_clone(),
            field: self.field,
            years: self.years.clone(),
        }
    }
}

impl fmt::Debug for InYears {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "InYears({:?}, {:?})", self.records, self.years)
    }
}

impl Query for InYears {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(InYearsWeight {
            records: self.records.weight(enable_scoring)?,
            field: self.field,
            years: self.years.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.records.query_terms(visitor);
    }
}

struct InYearsWeight {
    records: Box<dyn Weight>,
    field: Field,
    years: RangeInclusive<u64>,
}

impl Weight for InYearsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let records = self.records.scorer(reader, boost)?;
        let name = reader.schema().get_field_name(self.field);
        let column = reader.fast_fields().u64(name)?;
        Ok(Box::new(InYearsScorer::new(
            records,
            column,
            self.years.clone(),
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match or its year is not in {:?}",
                self.years
            )));
        }
        Ok(Explanation::new("InYears", scorer.score()))
    }
}

struct InYearsScorer {
    records: Box<dyn Scorer>,
    column: Column<u64>,
    years: RangeInclusive<u64>,
}

impl InYearsScorer {
    fn new(records: Box<dyn Scorer>, column: Column<u64>, years: RangeInclusive<u64>) -> Self {
        let mut scorer = InYearsScorer {
            records,
            column,
            years,
        };
        let first = scorer.records.doc();
        scorer.first_in_years(first);
        scorer
    }

    /// Moves on from `doc`, a record of `records`, to the first whose year is in range.
    fn first_in_years(&mut self, mut doc: DocId) -> DocId {
        while doc != TERMINATED
            && !self
                .column
                .first(doc)
                .is_some_and(|year| self.years.contains(&year))
        {
            doc = self.records.advance();
        }
        doc
    }
}

impl DocSet for InYearsScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.records.advance();
        self.first_in_years(doc)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.records.seek(target);
        self.first_in_years(doc)
    }

    fn doc(&self) -> DocId {
        self.records.doc()
    }

    fn size_hint(&self) -> u32 {
        self.records.size_hint()
    }

    /// The records' cost, so that an intersection orders its clauses as it would without the
    /// filter (a phrase costs more than its size says).
    fn cost(&self) -> u64 {
        self.records.cost()
    }
}

impl Scorer for InYearsScorer {
    fn score(&mut self) -> Score {
        self.records.score()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tantivy::collector::DocSetCollector;
    use tantivy::query::{AllQuery, BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{FAST, INDEXED, IndexRecordOption, STRING, Schema};
    use tantivy::{DocAddress, Index, TantivyDocument};

    use super::*;

    /// Matching doc ids of `query` over records with these years (`None`: no year) and kinds.
    fn matches(query: impl Fn(Field, Field) -> Box<dyn Query>) -> Vec<u32> {
        let mut builder = Schema::builder();
        let year = builder.add_u64_field("year", INDEXED | FAST);
        let kind = builder.add_text_field("kind", STRING);
        let index = Index::create_in_ram(builder.build());
        // One thread, one segment: the doc ids are the order of `records`.
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let records = [
            (Some(2001), "statement"),
            (None, "statement"),
            (Some(2005), "passage"),
            (Some(2010), "statement"),
            (Some(2005), "statement"),
            (Some(2011), "statement"),
        ];
        for (value, record) in records {
            let mut doc = TantivyDocument::new();
            if let Some(value) = value {
                doc.add_u64(year, value);
            }
            doc.add_text(kind, record);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let found: HashSet<DocAddress> = searcher
            .search(query(year, kind).as_ref(), &DocSetCollector)
            .unwrap();
        let mut ids: Vec<u32> = found.into_iter().map(|address| address.doc_id).collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn keeps_the_records_whose_year_is_in_range() {
        let in_years = |years: RangeInclusive<u64>| {
            matches(move |year, _| Box::new(InYears::new(Box::new(AllQuery), year, years.clone())))
        };
        assert_eq!(in_years(2005..=2010), [2, 3, 4]);
        assert_eq!(in_years(0..=2001), [0]);
        assert_eq!(in_years(2011..=u64::MAX), [5]);
        // A record without a year is in no range, not even the widest.
        assert_eq!(in_years(0..=u64::MAX), [0, 2, 3, 4, 5]);
        assert_eq!(in_years(2002..=2004), Vec::<u32>::new());
    }

    #[test]
    fn filters_only_what_the_other_query_matches_when_intersected() {
        // As a clause of an intersection the filter is advanced and sought past records of the
        // wrong kind; either way it must land on the same records.
        let statements_in = |years: RangeInclusive<u64>, filter_first: bool| {
            matches(move |year, kind| {
                let statements: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(kind, "statement"),
                    IndexRecordOption::Basic,
                ));
                let filter: Box<dyn Query> =
                    Box::new(InYears::new(Box::new(AllQuery), year, years.clone()));
                let mut clauses = vec![(Occur::Must, statements), (Occur::Must, filter)];
                if filter_first {
                    clauses.reverse();
                }
                Box::new(BooleanQuery::new(clauses))
            })
        };
        for filter_first in [false, true] {
            assert_eq!(statements_in(2005..=2011, filter_first), [3, 4, 5]);
            assert_eq!(statements_in(2005..=2005, filter_first), [4]);
        }
        let wrapped = matches(|year, kind| {
            let statements = Box::new(TermQuery::new(
                Term::from_field_text(kind, "statement"),
                IndexRecordOption::Basic,
            ));
            Box::new(InYears::new(statements, year, 2001..=2005))
        });
        assert_eq!(wrapped, [0, 4]);
    }
}
