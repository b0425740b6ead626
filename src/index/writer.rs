//! Ingest: bringing the index in line with the corpus in one atomic commit.

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tantivy::indexer::UserOperation;
use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};

use super::schema::{
    INGEST_FINGERPRINT, RECORD_PASSAGE, RECORD_STATEMENT, SCHEMA_VERSION, doc_hash,
};
use rayon::prelude::*;

use super::{
    CommitInfo, Fields, FileEntry, Locations, Manifest, OpenOutcome, Opened, SidecarStamp, create,
    open,
};
use crate::corpus::{
    Corpus, CorpusFile, Finding, Loaded, ParsedStatement, Sidecars, discover, load, row_fingerprint,
};
use crate::error::{Error, Result};

/// Memory for tantivy's indexing buffers, shared by its threads, when none is given: segments
/// of about half a million passages each. tantivy merges once eight segments of a size exist,
/// and the last such merge of a bulk ingest runs on one thread after the others are done:
/// with a quarter of this, a million passages made ten segments and spent the last fifth of the
/// ingest merging eight of them. It is a ceiling, not an allocation: a small corpus takes little,
/// and an ingest's peak stays well under a gigabyte whatever the size of the corpus.
pub const DEFAULT_INGEST_MEMORY: usize = 512 * 1024 * 1024;
/// Bounds on that memory, within tantivy's: it needs at least 15 MB per indexing thread (given
/// less, it uses fewer threads, down to one) and accepts at most 4 GiB less 1 MB per thread.
pub const MIN_INGEST_MEMORY: usize = 15 * 1024 * 1024;
pub const MAX_INGEST_MEMORY: usize = 4095 * 1024 * 1024;

/// Live documents above which a segment is not merged again. Merging costs time and memory in
/// proportion to the segments merged, and the last merge of a bulk ingest runs on one thread
/// after the indexing threads are done: four million passages, written as eight segments, were
/// merged into one at the end, with 824 MiB of the program's own memory. Segments
/// of a bulk ingest are larger than this and stay as written; the small ones that updates write
/// are merged until they are as large, and a large segment that deletions have thinned out
/// below it is merged too.
const LARGEST_SEGMENT_MERGED: usize = 100_000;

/// tantivy's log merge policy (eight segments of a size are merged into one), up to
/// `LARGEST_SEGMENT_MERGED`.
fn merge_policy() -> Box<dyn tantivy::indexer::MergePolicy> {
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(LARGEST_SEGMENT_MERGED);
    Box::new(policy)
}

/// What an ingest did.
#[derive(Debug, Default)]
pub struct IngestReport {
    pub statements: usize,
    pub passages: u64,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub skipped: Vec<Skipped>,
    pub elapsed: Duration,
    /// Why the index was rebuilt from scratch, when it was.
    pub rebuilt: Option<String>,
    /// Nothing had changed, so nothing was written.
    pub up_to_date: bool,
    /// There was no index before.
    pub created: bool,
    /// Files indexed with a caveat, such as a guessed encoding.
    pub warnings: Vec<String>,
    /// Another process was writing the index, so nothing was done here and the last commit
    /// is what will be read.
    pub busy: bool,
}

/// A file that could not be indexed, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    pub message: String,
}

/// How to ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Build the index from scratch.
    pub rebuild: bool,
    /// Show a progress bar on a terminal.
    pub progress: bool,
    /// `--column FIELD=COLUMN` pairs for the metadata files; `None` keeps the last ingest's.
    pub columns: Option<Vec<(String, String)>>,
    /// Bytes of indexing memory for tantivy's writer, between `MIN_INGEST_MEMORY` and
    /// `MAX_INGEST_MEMORY`.
    pub memory: usize,
}

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions {
            rebuild: false,
            progress: false,
            columns: None,
            memory: DEFAULT_INGEST_MEMORY,
        }
    }
}

/// Raised by an interrupt (Ctrl-C) while an ingest runs: the ingest stops before its commit, so
/// the index stays as the last complete ingest left it.
static INTERRUPT: AtomicBool = AtomicBool::new(false);
/// How many ingests are running in this process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Asks a running ingest to stop without writing; says whether one was running (if not, the
/// caller should simply exit).
pub fn interrupt_ingest() -> bool {
    INTERRUPT.store(true, Ordering::SeqCst);
    RUNNING.load(Ordering::SeqCst) > 0
}

/// Counts an ingest as running while it lives.
struct Running;

impl Running {
    fn start() -> Running {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Files parsed at once: enough to keep every core busy, few enough that memory stays bounded
/// whatever the size of the corpus, as tantivy indexes one batch while the next is parsed.
const BATCH_FILES: usize = 256;

/// Brings the index at `locations.index` in line with the corpus. Unchanged files are not
/// read again; changed, added and removed ones are applied in one commit, so an interrupted
/// ingest leaves the previous index whole.
pub fn ingest(locations: &Locations, options: &IngestOptions) -> Result<IngestReport> {
    let started = Instant::now();
    let _running = Running::start();
    let corpus = discover(&locations.corpus)?;
    let corpus_key = locations.corpus_key();
    let mut created = false;
    let mut replacement: Option<Replacement> = None;
    let mut outcome = open(&locations.index)?;
    let mut previous = Manifest::default();
    if let OpenOutcome::Ready(opened) = &outcome
        && !options.rebuild
    {
        match Manifest::load(&locations.index, opened.commit.as_ref()) {
            Ok(manifest) => previous = manifest,
            Err(reason) => outcome = OpenOutcome::Outdated(reason),
        }
    }
    let (opened, rebuilt) = match outcome {
        OpenOutcome::Ready(opened) if !options.rebuild => (*opened, None),
        OpenOutcome::Missing => {
            created = true;
            (create(&locations.index)?, None)
        }
        outcome => {
            let reason = match outcome {
                OpenOutcome::Outdated(reason) => reason,
                _ => "--rebuild was given".to_string(),
            };
            let fresh = Replacement::begin(&locations.index)?;
            let opened = create(&fresh.folder)?;
            replacement = Some(fresh);
            (opened, Some(reason))
        }
    };
    let Opened {
        index,
        fields,
        commit,
    } = opened;
    let last_commit = commit.unwrap_or_default();
    let same_corpus = last_commit.corpus == corpus_key;
    let columns = match &options.columns {
        Some(columns) => columns.clone(),
        None if options.rebuild => Vec::new(),
        None => last_commit.columns.clone(),
    };
    let stamp = corpus.stamp();
    if same_corpus && last_commit.matches(&corpus_key, &stamp, &columns) {
        return Ok(IngestReport {
            statements: previous.statements(),
            passages: previous.passages(),
            elapsed: started.elapsed(),
            rebuilt,
            up_to_date: true,
            skipped: walk_problems(&corpus)
                .chain(previous.skipped(&locations.corpus))
                .collect(),
            ..IngestReport::default()
        });
    }
    let previous_files = if same_corpus {
        previous.files
    } else {
        BTreeMap::new()
    };

    let mut writer: IndexWriter<Queued> =
        index.writer(options.memory).map_err(|err| match err {
            TantivyError::LockFailure(..) => Error::IndexBusy(locations.index.clone()),
            other => Error::Tantivy(other),
        })?;
    writer.set_merge_policy(merge_policy());
    // A killed ingest can leave files it wrote but never committed; tantivy would refuse to
    // write a file of the same name again, and only collects such leftovers after a commit.
    writer.garbage_collect_files().wait()?;
    if !same_corpus {
        writer.delete_all_documents()?;
    }
    let queue = Queue::default();

    let mut report = IngestReport {
        rebuilt,
        created,
        ..IngestReport::default()
    };
    report.skipped.extend(walk_problems(&corpus));
    let sidecars = Sidecars::read(&corpus, &columns);
    let mut manifest = Manifest::default();
    for sidecar in &corpus.sidecars {
        let failure = sidecars
            .failures
            .iter()
            .find(|(path, _)| *path == sidecar.rel_path)
            .map(|(_, finding)| finding.to_string());
        if let Some(message) = &failure {
            report.skipped.push(Skipped {
                path: sidecar.abs_path.clone(),
                message: message.clone(),
            });
        }
        manifest.sidecars.insert(
            sidecar.rel_path.clone(),
            SidecarStamp {
                size: sidecar.size,
                mtime_ns: sidecar.mtime_ns,
                error: failure,
            },
        );
    }
    report
        .warnings
        .extend(sidecars.warnings.iter().map(ToString::to_string));

    // Documents of removed files, and of files whose id another file now holds, go first: a
    // delete in tantivy removes what was added before it, and the id may be added again below.
    let mut early_deletes: Vec<String> = Vec::new();
    let present: HashSet<&str> = corpus.files.iter().map(|f| f.rel_path.as_str()).collect();
    for (path, entry) in &previous_files {
        let gone = !present.contains(path.as_str());
        if gone && entry.error.is_none() {
            early_deletes.push(entry.id.clone());
            report.removed += 1;
        }
    }
    let mut to_read: Vec<ToRead> = Vec::new();
    for file in &corpus.files {
        // Only a file that was indexed has documents to replace; a skipped one left none.
        let indexed = previous_files
            .get(&file.rel_path)
            .filter(|entry| entry.error.is_none());
        if let Some(first) = &file.duplicate_of {
            let finding = Finding::from_error(
                &file.abs_path,
                &Error::DuplicateId {
                    id: file.id.clone(),
                    first: locations.corpus.join(first),
                    second: file.abs_path.clone(),
                },
            );
            early_deletes.extend(indexed.map(|entry| entry.id.clone()));
            let entry = skip(file, finding.to_string(), &mut report);
            manifest.files.insert(file.rel_path.clone(), entry);
            continue;
        }
        let row = sidecars
            .entry_for(file)
            .map(|entry| row_fingerprint(entry.row));
        if let Some(entry) = indexed
            && entry.size == file.size
            && entry.mtime_ns == file.mtime_ns
            && entry.id == file.id
            && entry.sidecar_row == row
        {
            manifest.files.insert(file.rel_path.clone(), entry.clone());
            continue;
        }
        to_read.push((file, indexed, row));
    }
    for id in &early_deletes {
        writer.delete_term(Term::from_field_text(fields.doc, id));
    }

    let bar = progress_bar(options.progress, to_read.len());
    let mut add_batch = |batch: &[ToRead], outcomes: Vec<Outcome>| -> Result<()> {
        for ((file, indexed, row), outcome) in batch.iter().zip(outcomes) {
            bar.inc(1);
            let entry = match outcome {
                Outcome::Unreadable(message) => skip(file, message, &mut report),
                Outcome::Unchanged(entry) => FileEntry {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    ..entry
                },
                Outcome::Read { hash, loaded } => {
                    report
                        .warnings
                        .extend(loaded.warnings.iter().map(ToString::to_string));
                    if let Some(entry) = indexed {
                        writer.delete_term(Term::from_field_text(fields.doc, &entry.id));
                    }
                    match loaded.parsed {
                        Ok(parsed) => {
                            add_statement(&writer, &queue, &fields, &parsed)?;
                            if indexed.is_some() {
                                report.changed += 1;
                            } else {
                                report.added += 1;
                            }
                            FileEntry {
                                id: file.id.clone(),
                                size: file.size,
                                mtime_ns: file.mtime_ns,
                                hash,
                                passages: parsed.passages.len() as u64,
                                error: None,
                                sidecar_row: row.clone(),
                            }
                        }
                        Err(err) => {
                            let message = Finding::from_error(&file.abs_path, &err).to_string();
                            FileEntry {
                                hash,
                                ..skip(file, message, &mut report)
                            }
                        }
                    }
                }
            };
            manifest.files.insert(file.rel_path.clone(), entry);
        }
        Ok(())
    };
    // Files are read and parsed a batch ahead, on every core, while this thread hands the
    // last batch to tantivy; at most three batches are in memory at once.
    std::thread::scope(|scope| -> Result<()> {
        let (parsed_batches, received) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(1);
        let (to_read, sidecars) = (&to_read, &sidecars);
        scope.spawn(move || {
            for batch in to_read.chunks(BATCH_FILES) {
                if INTERRUPT.load(Ordering::SeqCst) {
                    break;
                }
                let outcomes: Vec<Outcome> = batch
                    .par_iter()
                    .map(|(file, indexed, _)| read_file(file, *indexed, sidecars))
                    .collect();
                // The receiver is gone when ingest stopped early.
                if parsed_batches.send(outcomes).is_err() {
                    break;
                }
            }
        });
        for batch in to_read.chunks(BATCH_FILES) {
            let outcomes = received.recv().ok();
            if INTERRUPT.load(Ordering::SeqCst) {
                // Dropping the writer without a commit discards everything written so far.
                return Err(Error::Interrupted);
            }
            let Some(outcomes) = outcomes else {
                return Err(Error::Index {
                    path: locations.index.clone(),
                    message: "reading the corpus stopped before its end".to_string(),
                });
            };
            add_batch(batch, outcomes)?;
        }
        Ok(())
    })?;
    bar.finish_and_clear();

    let folder = replacement
        .as_ref()
        .map_or(locations.index.as_path(), |fresh| fresh.folder.as_path());
    let info = CommitInfo {
        schema_version: SCHEMA_VERSION,
        ingest_fingerprint: INGEST_FINGERPRINT.to_string(),
        corpus: corpus_key,
        columns,
        stamp,
        manifest: manifest.store(folder)?,
    };
    let payload = serde_json::to_string(&info).map_err(|err| Error::Index {
        path: locations.index.clone(),
        message: format!("cannot record the commit: {err}"),
    })?;
    if INTERRUPT.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    let damaged = |err| super::damaged(&locations.index, err);
    let mut commit = writer.prepare_commit().map_err(damaged)?;
    commit.set_payload(&payload);
    commit.commit().map_err(damaged)?;
    writer.wait_merging_threads().map_err(damaged)?;
    Manifest::remove_others(folder, &info.manifest);
    if let Some(replacement) = replacement {
        replacement.finish(&locations.index)?;
    }

    report.statements = manifest.statements();
    report.passages = manifest.passages();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// A file to read: its previous entry, if it was indexed, and its metadata-file row's
/// fingerprint.
type ToRead<'a> = (&'a CorpusFile, Option<&'a FileEntry>, Option<String>);

/// What reading one changed-looking file found.
enum Outcome {
    Unreadable(String),
    /// Touched but not changed: only the recorded size and time move on.
    Unchanged(FileEntry),
    Read {
        hash: String,
        loaded: Box<Loaded>,
    },
}

fn read_file(file: &CorpusFile, indexed: Option<&FileEntry>, sidecars: &Sidecars) -> Outcome {
    let bytes = match std::fs::read(&file.abs_path) {
        Ok(bytes) => bytes,
        Err(source) => {
            let err = Error::Read {
                path: file.abs_path.clone(),
                source,
            };
            return Outcome::Unreadable(Finding::from_error(&file.abs_path, &err).to_string());
        }
    };
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let row = sidecars
        .entry_for(file)
        .map(|entry| row_fingerprint(entry.row));
    if let Some(entry) = indexed
        && entry.hash == hash
        && entry.id == file.id
        && entry.sidecar_row == row
    {
        return Outcome::Unchanged(entry.clone());
    }
    Outcome::Read {
        hash,
        loaded: Box::new(load(file, &bytes, sidecars)),
    }
}

/// What the walk of the corpus could not enter, as skipped entries.
fn walk_problems(corpus: &Corpus) -> impl Iterator<Item = Skipped> + '_ {
    corpus.unreadable.iter().map(|finding| Skipped {
        path: finding.path.clone(),
        message: finding.to_string(),
    })
}

/// Reports a file that cannot be indexed; its manifest entry keeps the reason, so that a later
/// run that finds nothing changed can say it again.
fn skip(file: &CorpusFile, message: String, report: &mut IngestReport) -> FileEntry {
    report.skipped.push(Skipped {
        path: file.abs_path.clone(),
        message: message.clone(),
    });
    FileEntry {
        id: file.id.clone(),
        size: file.size,
        mtime_ns: file.mtime_ns,
        hash: String::new(),
        passages: 0,
        error: Some(message),
        sidecar_row: None,
    }
}

fn progress_bar(wanted: bool, len: usize) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} ingesting {pos}/{len} files {wide_bar} {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Documents handed to tantivy and not yet indexed. tantivy's queue holds up to 10,000
/// batches, and a batch is a whole statement here (see `add_statement`), so without a bound of
/// its own an ingest would queue the whole corpus in memory.
#[derive(Clone, Default)]
struct Queue {
    waiting: Arc<AtomicUsize>,
}

/// Documents queued at most, about as many as tantivy queues when each is a batch of its own.
const QUEUED_DOCUMENTS: usize = 10_000;

/// How long a full queue may go without a document leaving it before ingest stops waiting.
const STALLED: Duration = Duration::from_secs(30);

impl Queue {
    fn enter(&self, doc: TantivyDocument) -> Queued {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        Queued {
            doc,
            queue: self.clone(),
        }
    }

    /// Blocks while the queue is full; tantivy's threads empty it. Should none leave it for
    /// `STALLED` (tantivy's threads stopped on an error), it returns, so that the next batch
    /// meets that error rather than waiting for ever.
    fn wait_for_room(&self) {
        let mut last = self.waiting.load(Ordering::SeqCst);
        let mut since = Instant::now();
        while last >= QUEUED_DOCUMENTS && since.elapsed() < STALLED {
            std::thread::sleep(Duration::from_millis(1));
            let now = self.waiting.load(Ordering::SeqCst);
            if now < last {
                since = Instant::now();
            }
            last = now;
        }
    }
}

/// A document on its way into the index; it leaves the queue when tantivy has indexed and
/// dropped it.
struct Queued {
    doc: TantivyDocument,
    queue: Queue,
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.queue.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

impl tantivy::Document for Queued {
    type Value<'a> = <TantivyDocument as tantivy::Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as tantivy::Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

/// Adds one statement record and one record per passage.
fn add_statement(
    writer: &IndexWriter<Queued>,
    queue: &Queue,
    fields: &Fields,
    parsed: &ParsedStatement,
) -> Result<()> {
    let statement = &parsed.statement;
    let year = statement.year().map(|year| year.max(0) as u64);
    let date_key = statement.date.map_or(u64::MAX, |date| date.sort_key());
    let hash = doc_hash(&statement.id);
    let common = |record: &str| {
        let mut doc = TantivyDocument::new();
        doc.add_text(fields.record, record);
        doc.add_text(fields.doc, &statement.id);
        if let Some(year) = year {
            doc.add_u64(fields.year, year);
        }
        doc.add_u64(fields.date_key, date_key);
        doc.add_u64(fields.doc_hash, hash);
        if let Some(kind) = &statement.kind {
            doc.add_text(fields.doc_type, kind);
        }
        doc
    };

    let mut record = common(RECORD_STATEMENT);
    // Searched once per statement: a `title:` query finds statements, then their passages.
    record.add_text(fields.title, &statement.title);
    record.add_text(fields.title_exact, &statement.title);
    for signatory in &statement.signatories {
        for part in [&signatory.name, &signatory.role, &signatory.country]
            .into_iter()
            .flatten()
        {
            record.add_text(fields.signatory, part);
        }
        if let Some(code) = signatory.country_code() {
            record.add_text(fields.country, code);
        }
    }
    let meta = serde_json::to_string(statement).map_err(|err| Error::Index {
        path: PathBuf::from(&statement.path),
        message: format!("cannot store the statement's metadata: {err}"),
    })?;
    record.add_text(fields.meta, &meta);
    record.add_u64(fields.passages, parsed.passages.len() as u64);

    // One batch: tantivy keeps it together and in order in one segment, which is what lets a
    // filter by statement find the passages right after the statement's record.
    queue.wait_for_room();
    let mut batch = Vec::with_capacity(parsed.passages.len() + 1);
    batch.push(UserOperation::Add(queue.enter(record)));
    for passage in &parsed.passages {
        let mut doc = common(RECORD_PASSAGE);
        doc.add_u64(fields.n, passage.n);
        doc.add_text(fields.text, &passage.text);
        doc.add_text(fields.text_exact, &passage.text);
        doc.add_text(fields.section, &passage.section);
        if !passage.section.is_empty() {
            doc.add_text(fields.section_exact, &passage.section);
        }
        doc.add_text(fields.kind, passage.kind.as_str());
        doc.add_u64(fields.line, passage.line);
        for link in &passage.links {
            doc.add_text(fields.links, link);
        }
        batch.push(UserOperation::Add(queue.enter(doc)));
    }
    writer.run(batch)?;
    Ok(())
}

/// A rebuild is written beside the old index and swapped in when committed, so the old index
/// stays whole and searchable until the new one is complete; the old index's writer lock is
/// held meanwhile, so no other ingest writes to it.
struct Replacement {
    folder: PathBuf,
    _old_writer: Option<IndexWriter<TantivyDocument>>,
}

impl Replacement {
    fn begin(index: &std::path::Path) -> Result<Replacement> {
        let old_writer = match tantivy::Index::open_in_dir(index) {
            Ok(old) => match old.writer(MIN_WRITER_HEAP_BYTES) {
                Ok(writer) => Some(writer),
                Err(TantivyError::LockFailure(..)) => {
                    return Err(Error::IndexBusy(index.to_path_buf()));
                }
                Err(_) => None,
            },
            Err(_) => None,
        };
        let folder = sibling(index, "rebuild");
        if folder.exists() {
            std::fs::remove_dir_all(&folder)?;
        }
        Ok(Replacement {
            folder,
            _old_writer: old_writer,
        })
    }

    /// Moves the new index into place, keeping the files of the old folder that are not the
    /// index's own (such as a `.gitignore`).
    fn finish(mut self, index: &std::path::Path) -> Result<()> {
        for entry in std::fs::read_dir(index)?.flatten() {
            let path = entry.path();
            if path.is_file() && !super::is_index_file(&path) {
                std::fs::copy(&path, self.folder.join(entry.file_name()))?;
            }
        }
        let aside = sibling(index, "old");
        if aside.exists() {
            std::fs::remove_dir_all(&aside)?;
        }
        drop(self._old_writer.take());
        std::fs::rename(index, &aside)?;
        std::fs::rename(&self.folder, index)?;
        std::fs::remove_dir_all(&aside)?;
        Ok(())
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        // An interrupted or failed rebuild leaves nothing behind; after `finish` the folder has
        // become the index and is no longer there.
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// The smallest heap tantivy accepts for a writer that only holds the lock.
const MIN_WRITER_HEAP_BYTES: usize = 15_000_000;

/// A hidden folder beside the index, unique to this process.
fn sibling(index: &std::path::Path, purpose: &str) -> PathBuf {
    let name = index
        .file_name()
        .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    let parent = index
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    parent.join(format!(".{name}.{purpose}-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::index::{CorpusIndex, Freshness};

    /// The basic fixture corpus, indexed into a new folder inside `dir`.
    fn basic_locations(dir: &tempfile::TempDir) -> Locations {
        Locations {
            corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
            index: dir.path().join("index"),
        }
    }

    #[test]
    fn segments_are_merged_eight_at_a_time_up_to_a_size() {
        let index = tantivy::Index::create_in_ram(super::super::Fields::schema());
        let segments = |live: &[(u32, u32)]| -> Vec<tantivy::SegmentMeta> {
            live.iter()
                .map(|&(docs, deleted)| {
                    index
                        .new_segment_meta(tantivy::index::SegmentId::generate_random(), docs)
                        .with_delete_meta(deleted, 0)
                })
                .collect()
        };
        let merged = |segments: &[tantivy::SegmentMeta]| -> Vec<usize> {
            merge_policy()
                .compute_merge_candidates(segments)
                .iter()
                .map(|candidate| candidate.0.len())
                .collect()
        };
        let large = LARGEST_SEGMENT_MERGED as u32 + 1;
        // A bulk ingest's segments stay as written, however many there are.
        assert_eq!(merged(&segments(&[(large, 0); 12])), Vec::<usize>::new());
        // Updates' small segments are merged once eight of a size exist.
        assert_eq!(merged(&segments(&[(20_000, 0); 7])), Vec::<usize>::new());
        assert_eq!(merged(&segments(&[(20_000, 0); 8])), vec![8]);
        // A large segment thinned out by deletions joins the merge of its size.
        let mut thinned = vec![(600_000, 530_000)];
        thinned.extend([(70_000, 0); 7]);
        assert_eq!(merged(&segments(&thinned)), vec![8]);
    }

    #[test]
    fn the_ingest_memory_is_what_tantivys_writer_gets() {
        let dir = tempfile::tempdir().unwrap();
        let locations = basic_locations(&dir);
        // Below tantivy's minimum per thread: only tantivy itself refuses it.
        let starved = IngestOptions {
            memory: 1_000_000,
            ..IngestOptions::default()
        };
        match ingest(&locations, &starved) {
            Err(Error::Tantivy(TantivyError::InvalidArgument(message))) => {
                assert!(message.contains("15000000"), "{message}")
            }
            other => panic!("expected tantivy to refuse 1 MB, got {other:?}"),
        }
        let report = ingest(&locations, &IngestOptions::default()).unwrap();
        assert_eq!((report.statements, report.passages), (5, 56));
    }

    #[test]
    fn an_automatic_update_uses_the_ingest_memory_it_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let locations = basic_locations(&dir);
        let starved = Freshness::Checked {
            ingest_memory: 1_000_000,
        };
        assert!(matches!(
            CorpusIndex::with_current(&locations, starved, |_| Ok(())),
            Err(Error::Tantivy(TantivyError::InvalidArgument(_)))
        ));
        let (_, done, report) =
            CorpusIndex::with_current(&locations, Freshness::default(), |_| Ok(())).unwrap();
        done.unwrap();
        assert_eq!(report.map(|report| report.passages), Some(56));
    }

    #[test]
    fn a_full_queue_holds_the_ingest_until_tantivy_drops_a_document() {
        let queue = Queue::default();
        let mut queued: Vec<Queued> = (0..QUEUED_DOCUMENTS)
            .map(|_| queue.enter(TantivyDocument::new()))
            .collect();
        let (done, waited) = std::sync::mpsc::channel();
        let waiting = queue.clone();
        let ingest = std::thread::spawn(move || {
            waiting.wait_for_room();
            done.send(()).unwrap();
        });
        assert!(waited.recv_timeout(Duration::from_millis(50)).is_err());
        queued.pop();
        waited.recv_timeout(Duration::from_secs(10)).unwrap();
        ingest.join().unwrap();
        drop(queued);
        assert_eq!(queue.waiting.load(Ordering::SeqCst), 0);
    }
}
