//! Reading the index: statements, passages, and opening an index that is current.

use std::ops::Bound;

use rayon::prelude::*;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::schema::{RECORD_PASSAGE, RECORD_STATEMENT};
use super::statement_passages::StatementPassages;
use super::{Fields, Freshness, IngestOptions, IngestReport, Locations, OpenOutcome, ingest, open};
use crate::corpus::{PassageKind, Statement, stamp};
use crate::error::{Error, Result};

/// A passage as stored in the index: enough to print it without reopening its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassage {
    pub doc: String,
    pub n: u64,
    pub kind: PassageKind,
    pub section: String,
    pub text: String,
    pub line: u64,
    pub links: Vec<String>,
}

/// An open, current index and a searcher over its last commit.
pub struct CorpusIndex {
    pub index: Index,
    pub fields: Fields,
    pub searcher: Searcher,
    _reader: IndexReader,
}

impl CorpusIndex {
    /// Opens the index, ingesting first when it is missing, of another schema version, or older
    /// than the corpus. Returns the ingest's report when one ran.
    pub fn open_current(locations: &Locations) -> Result<(CorpusIndex, Option<IngestReport>)> {
        let (index, done, report) =
            CorpusIndex::with_current(locations, Freshness::default(), |_| Ok(()))?;
        done?;
        Ok((index, report))
    }

    /// Opens the index and does `work` on it while a second thread checks that the corpus has
    /// not changed since the last ingest, so that the check (a `stat` per file) and the work
    /// overlap. When the corpus has changed, or the index is missing or of another version,
    /// it ingests and does `work` again on the updated index; the work must therefore write
    /// nothing. Returns the index, the work's result and the ingest's report when one ran;
    /// the outer error is the index's, the inner one the work's.
    ///
    /// With `Freshness::AsIngested` the corpus is not looked at: the index is read as it
    /// stands, and a missing or outdated index is an error rather than a reason to ingest.
    #[allow(clippy::type_complexity)]
    pub fn with_current<T>(
        locations: &Locations,
        freshness: Freshness,
        work: impl Fn(&CorpusIndex) -> Result<T>,
    ) -> Result<(CorpusIndex, Result<T>, Option<IngestReport>)> {
        let ingest_options = match freshness {
            Freshness::Checked { ingest_memory } => IngestOptions {
                memory: ingest_memory,
                ..IngestOptions::default()
            },
            Freshness::AsIngested => return CorpusIndex::as_ingested(locations, work),
        };
        if let OpenOutcome::Ready(opened) = open(&locations.index)? {
            // An index without its corpus is still searchable as it stands.
            if !locations.corpus.is_dir() {
                let index = CorpusIndex::from_opened(*opened, locations)?;
                let done = work(&index);
                return Ok((index, done, None));
            }
            let commit = opened.commit.clone();
            let corpus = locations.clone();
            let check = std::thread::spawn(move || -> Result<bool> {
                let stamp = stamp(&corpus.corpus)?;
                Ok(commit.is_some_and(|commit| {
                    commit.matches(&corpus.corpus_key(), &stamp, &commit.columns)
                }))
            });
            let index = CorpusIndex::from_opened(*opened, locations)?;
            let done = work(&index);
            let current = match check.join() {
                Ok(current) => current?,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            if current {
                return Ok((index, done, None));
            }
            drop(index);
            let report = match ingest(locations, &ingest_options) {
                Ok(report) => report,
                // Another process is updating the index: read its last commit.
                Err(Error::IndexBusy(_)) => IngestReport {
                    busy: true,
                    ..IngestReport::default()
                },
                Err(err) => return Err(err),
            };
            let index = CorpusIndex::from_opened(reopen(locations)?, locations)?;
            let done = work(&index);
            return Ok((index, done, Some(report)));
        }
        let report = ingest(locations, &ingest_options)?;
        let index = CorpusIndex::from_opened(reopen(locations)?, locations)?;
        let done = work(&index);
        Ok((index, done, Some(report)))
    }

    /// `with_current` for `Freshness::AsIngested`: the index as it stands, or an error.
    #[allow(clippy::type_complexity)]
    fn as_ingested<T>(
        locations: &Locations,
        work: impl Fn(&CorpusIndex) -> Result<T>,
    ) -> Result<(CorpusIndex, Result<T>, Option<IngestReport>)> {
        let opened = match open(&locations.index)? {
            OpenOutcome::Ready(opened) => opened,
            OpenOutcome::Missing => {
                return Err(Error::NoIndexAsIngested(locations.index.clone()));
            }
            OpenOutcome::Outdated(reason) => {
                return Err(Error::OutdatedAsIngested {
                    path: locations.index.clone(),
                    reason,
                });
            }
        };
        let index = CorpusIndex::from_opened(*opened, locations)?;
        let done = work(&index);
        Ok((index, done, None))
    }

    fn from_opened(opened: super::Opened, locations: &Locations) -> Result<CorpusIndex> {
        let reader = opened
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|err| super::damaged(&locations.index, err))?;
        let searcher = reader.searcher();
        Ok(CorpusIndex {
            index: opened.index,
            fields: opened.fields,
            searcher,
            _reader: reader,
        })
    }

    pub fn term(&self, field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    }

    /// A query matching every passage record.
    pub fn passages_query(&self) -> Box<dyn Query> {
        self.term(self.fields.record, RECORD_PASSAGE)
    }

    /// A query matching every statement record.
    pub fn statements_query(&self) -> Box<dyn Query> {
        self.term(self.fields.record, RECORD_STATEMENT)
    }

    /// The statement with this id.
    pub fn statement(&self, id: &str) -> Result<Option<Statement>> {
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.statements_query()),
            (Occur::Must, self.term(self.fields.doc, id)),
        ]);
        let found = self.searcher.search(&query, &DocSetCollector)?;
        match found.into_iter().next() {
            Some(address) => self.statement_at(address).map(Some),
            None => Ok(None),
        }
    }

    /// Every statement whose record matches `filter` (all when `None`), by date then id.
    pub fn statements(&self, filter: Option<Box<dyn Query>>) -> Result<Vec<Statement>> {
        let mut clauses = vec![(Occur::Must, self.statements_query())];
        if let Some(filter) = filter {
            clauses.push((Occur::Must, filter));
        }
        let found = self
            .searcher
            .search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        // Each record is a doc-store block to decompress: read them on every core, in document
        // order, so that records sharing a block find it in the store's cache.
        let mut found: Vec<DocAddress> = found.into_iter().collect();
        found.sort_unstable();
        let mut statements = found
            .par_iter()
            .map(|&address| self.statement_at(address))
            .collect::<Result<Vec<_>>>()?;
        statements.sort_by(|a, b| {
            let key = |s: &Statement| s.date.map_or(u64::MAX, |d| d.sort_key());
            key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
        });
        Ok(statements)
    }

    /// The passages of the statements whose records `filter` matches, each scoring 1.
    pub fn passages_of(&self, filter: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(StatementPassages::new(Box::new(BooleanQuery::new(vec![
            (Occur::Must, self.statements_query()),
            (Occur::Must, filter),
        ]))))
    }

    /// The statement the passage at `address` belongs to. Ingest writes a statement's record
    /// and then its passages as one batch, which tantivy keeps together and in order, so the
    /// record of passage `n` is `n` documents before it: one read instead of a search by id,
    /// which is kept for an index where that record turns out to be another statement's.
    pub fn statement_of(
        &self,
        address: DocAddress,
        passage: &StoredPassage,
    ) -> Result<Option<Statement>> {
        let record = u32::try_from(passage.n)
            .ok()
            .and_then(|n| address.doc_id.checked_sub(n))
            .map(|doc| DocAddress::new(address.segment_ord, doc));
        if let Some(record) = record
            && let Ok(statement) = self.statement_at(record)
            && statement.id == passage.doc
        {
            return Ok(Some(statement));
        }
        self.statement(&passage.doc)
    }

    /// The statement whose record is at `address`.
    pub fn statement_at(&self, address: DocAddress) -> Result<Statement> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let meta = doc
            .get_first(self.fields.meta)
            .and_then(|v| v.as_str())
            .unwrap_or("{}");
        serde_json::from_str(meta).map_err(|err| Error::Index {
            path: "index".into(),
            message: format!(
                "a statement record is unreadable ({err}); run `verbatim ingest --rebuild`"
            ),
        })
    }

    /// The passages of `doc` numbered `first..=last`, in order.
    pub fn passages(&self, doc: &str, first: u64, last: u64) -> Result<Vec<StoredPassage>> {
        let range = RangeQuery::new(
            Bound::Included(Term::from_field_u64(self.fields.n, first)),
            Bound::Included(Term::from_field_u64(self.fields.n, last)),
        );
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.passages_query()),
            (Occur::Must, self.term(self.fields.doc, doc)),
            (Occur::Must, Box::new(range)),
        ]);
        let found = self.searcher.search(&query, &DocSetCollector)?;
        let mut passages = found
            .into_iter()
            .map(|address| self.passage(address))
            .collect::<Result<Vec<_>>>()?;
        passages.sort_by_key(|passage| passage.n);
        Ok(passages)
    }

    /// The addresses of every passage matching `filter` (all when `None`), in store order:
    /// reading them in this order walks each segment's store forward, block by block.
    pub fn passage_addresses(&self, filter: Option<Box<dyn Query>>) -> Result<Vec<DocAddress>> {
        let mut clauses = vec![(Occur::Must, self.passages_query())];
        if let Some(filter) = filter {
            clauses.push((Occur::Must, filter));
        }
        let found = self
            .searcher
            .search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        let mut addresses: Vec<DocAddress> = found.into_iter().collect();
        addresses.sort();
        Ok(addresses)
    }

    /// Every passage matching `filter` (all when `None`), by statement id and number.
    pub fn all_passages(&self, filter: Option<Box<dyn Query>>) -> Result<Vec<StoredPassage>> {
        let mut passages = self
            .passage_addresses(filter)?
            .into_iter()
            .map(|address| self.passage(address))
            .collect::<Result<Vec<_>>>()?;
        passages.sort_by(|a, b| a.doc.cmp(&b.doc).then(a.n.cmp(&b.n)));
        Ok(passages)
    }

    /// Reads a stored passage record.
    pub fn passage(&self, address: DocAddress) -> Result<StoredPassage> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let fields = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let number = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        Ok(StoredPassage {
            doc: text(fields.doc),
            n: number(fields.n),
            kind: PassageKind::parse(&text(fields.kind)).unwrap_or(PassageKind::Paragraph),
            section: text(fields.section),
            text: text(fields.text),
            line: number(fields.line),
            links: doc
                .get_all(fields.links)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        })
    }
}

/// Opens the index an ingest has just written.
fn reopen(locations: &Locations) -> Result<super::Opened> {
    match open(&locations.index)? {
        OpenOutcome::Ready(opened) => Ok(*opened),
        _ => Err(Error::Index {
            path: locations.index.clone(),
            message: "the index could not be opened after ingest".to_string(),
        }),
    }
}
