//! One pass over the matching passages that counts them, per statement too, and keeps the best
//! `limit` in order: the query's posting lists are read once, and the fast fields that break
//! ties are read only for a hit that could enter the ranking.
//!
//! A hit's statement is told by position, not read: ingest writes each statement's record and
//! then its passages as one batch, which tantivy keeps together and in order in one segment, so
//! a passage belongs to the nearest statement record before it.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED, Term};

use super::SortOrder;
use crate::index::schema::{FAST_DATE_KEY, FAST_DOC_HASH, FAST_N, RECORD_STATEMENT};

/// What the pass found.
#[derive(Debug, Default)]
pub struct Ranked {
    pub total_hits: u64,
    /// Matching passages per statement, by the address of the statement's record.
    pub per_statement: HashMap<DocAddress, u64>,
    /// The best hits, best first, with their scores.
    pub top: Vec<(f32, DocAddress)>,
}

/// Ties are broken by date, a hash of the statement id and passage number, never by tantivy's
/// internal addresses, which change when segments merge.
pub struct Ranking {
    /// `None` keeps every hit.
    pub limit: Option<usize>,
    pub sort: SortOrder,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    score: f32,
    date: u64,
    hash: u64,
    n: u64,
    address: DocAddress,
    sort: SortOrder,
}

impl Entry {
    /// `Greater` when `self` ranks before `other`.
    fn rank(&self, other: &Entry) -> Ordering {
        let keys = |e: &Entry| (Reverse(e.date), Reverse(e.hash), Reverse(e.n));
        match self.sort {
            SortOrder::Relevance => self
                .score
                .total_cmp(&other.score)
                .then_with(|| keys(self).cmp(&keys(other))),
            SortOrder::Date => keys(self)
                .cmp(&keys(other))
                .then_with(|| self.score.total_cmp(&other.score)),
        }
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.rank(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Entry) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Entry) -> Ordering {
        self.rank(other)
    }
}

pub struct SegmentRanking {
    segment: SegmentOrdinal,
    limit: usize,
    sort: SortOrder,
    date: Option<Column<u64>>,
    hash: Option<Column<u64>>,
    n: Option<Column<u64>>,
    /// The segment's statement records, in document order.
    records: Vec<DocId>,
    /// How many of `records` come at or before the latest hit.
    records_passed: usize,
    total_hits: u64,
    per_statement: HashMap<DocId, u64>,
    /// The statement record of the latest hits, and how many there were.
    run: Option<(DocId, u64)>,
    /// The worst kept hit on top.
    kept: BinaryHeap<Reverse<Entry>>,
}

fn value(column: &Option<Column<u64>>, doc: DocId) -> u64 {
    column.as_ref().and_then(|c| c.first(doc)).unwrap_or(0)
}

/// One segment's share: its counts and its best hits with their keys.
pub struct SegmentRanked {
    segment: SegmentOrdinal,
    total_hits: u64,
    per_statement: HashMap<DocId, u64>,
    kept: Vec<Entry>,
}

impl Collector for Ranking {
    type Fruit = Ranked;
    type Child = SegmentRanking;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentRanking> {
        let column = |name: &str| reader.fast_fields().u64(name).ok();
        let limit = self.limit.unwrap_or(usize::MAX);
        Ok(SegmentRanking {
            segment,
            limit,
            sort: self.sort,
            date: column(FAST_DATE_KEY),
            hash: column(FAST_DOC_HASH),
            n: column(FAST_N),
            records: statement_records(reader)?,
            records_passed: 0,
            total_hits: 0,
            per_statement: HashMap::new(),
            run: None,
            kept: BinaryHeap::with_capacity(limit.min(1024)),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<SegmentRanked>) -> tantivy::Result<Ranked> {
        let mut merged = Ranked::default();
        let mut kept: Vec<Entry> = Vec::new();
        for fruit in fruits {
            merged.total_hits += fruit.total_hits;
            let segment = fruit.segment;
            merged.per_statement.extend(
                fruit
                    .per_statement
                    .into_iter()
                    .map(|(record, hits)| (DocAddress::new(segment, record), hits)),
            );
            kept.extend(fruit.kept);
        }
        kept.sort_unstable_by(|a, b| b.rank(a));
        kept.truncate(self.limit.unwrap_or(usize::MAX));
        merged.top = kept
            .into_iter()
            .map(|entry| (entry.score, entry.address))
            .collect();
        Ok(merged)
    }
}

/// The documents of a segment that are statement records, deleted ones too (a deleted record's
/// passages are deleted with it, so they never match).
fn statement_records(reader: &SegmentReader) -> tantivy::Result<Vec<DocId>> {
    let field = reader.schema().get_field("record")?;
    let term = Term::from_field_text(field, RECORD_STATEMENT);
    let Some(mut postings) = reader
        .inverted_index(field)?
        .read_postings(&term, IndexRecordOption::Basic)?
    else {
        return Ok(Vec::new());
    };
    let mut records = Vec::with_capacity(postings.doc_freq() as usize);
    let mut doc = postings.doc();
    while doc != TERMINATED {
        records.push(doc);
        doc = postings.advance();
    }
    Ok(records)
}

impl SegmentRanking {
    /// The statement record a hit belongs to: the last record at or before it. Hits come in
    /// document order, so this moves forward through the records.
    fn record_of(&mut self, doc: DocId) -> DocId {
        let passed = self.records_passed;
        let still_current = passed > 0
            && self.records[passed - 1] <= doc
            && self.records.get(passed).is_none_or(|&next| doc < next);
        if !still_current {
            self.records_passed = self.records.partition_point(|&record| record <= doc);
        }
        match self.records_passed {
            // Only an index not written as one batch per statement has passages before any
            // record; each such hit counts as a statement of its own.
            0 => doc,
            passed => self.records[passed - 1],
        }
    }

    /// The hit's ranking entry, or `None` when it certainly ranks after the worst kept hit.
    /// That is judged by what is cheapest to know, the score and then the date, so that the
    /// other tie-breakers are read only for a hit that could enter the ranking. Under queries
    /// that score every hit alike (`cyber*`) the date decides most hits.
    fn candidate(&self, doc: DocId, score: Score) -> Option<Entry> {
        let worst = match self.kept.peek() {
            Some(Reverse(worst)) if self.kept.len() >= self.limit => Some(worst),
            _ => None,
        };
        let date_decides = match (worst, self.sort) {
            (None, _) => false,
            (Some(_), SortOrder::Date) => true,
            (Some(worst), SortOrder::Relevance) => match score.total_cmp(&worst.score) {
                Ordering::Less => return None,
                Ordering::Equal => true,
                Ordering::Greater => false,
            },
        };
        let date = value(&self.date, doc);
        if date_decides && worst.is_some_and(|worst| date > worst.date) {
            return None;
        }
        Some(Entry {
            score,
            date,
            hash: value(&self.hash, doc),
            n: value(&self.n, doc),
            address: DocAddress::new(self.segment, doc),
            sort: self.sort,
        })
    }
}

impl SegmentCollector for SegmentRanking {
    type Fruit = SegmentRanked;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total_hits += 1;
        let record = self.record_of(doc);
        // Hits come in runs per statement: the map is touched once per run.
        match &mut self.run {
            Some((current, hits)) if *current == record => *hits += 1,
            run => {
                if let Some((previous, hits)) = run.replace((record, 1)) {
                    *self.per_statement.entry(previous).or_default() += hits;
                }
            }
        }
        if self.limit == 0 {
            return;
        }
        let Some(entry) = self.candidate(doc, score) else {
            return;
        };
        if self.kept.len() < self.limit {
            self.kept.push(Reverse(entry));
        } else if self
            .kept
            .peek()
            .is_some_and(|Reverse(worst)| entry > *worst)
        {
            self.kept.pop();
            self.kept.push(Reverse(entry));
        }
    }

    fn harvest(mut self) -> SegmentRanked {
        if let Some((record, hits)) = self.run.take() {
            *self.per_statement.entry(record).or_default() += hits;
        }
        SegmentRanked {
            segment: self.segment,
            total_hits: self.total_hits,
            per_statement: self.per_statement,
            kept: self.kept.into_iter().map(|Reverse(entry)| entry).collect(),
        }
    }
}
