//! Ingest: bringing the index in line with the corpus in one atomic commit.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};

use super::schema::{
    INGEST_FINGERPRINT, RECORD_PASSAGE, RECORD_STATEMENT, SCHEMA_VERSION, doc_hash,
};
use super::{Fields, FileEntry, Locations, Manifest, OpenOutcome, Opened, create, open};
use crate::corpus::{CorpusFile, ParsedStatement, decode_source, discover, parse_statement};
use crate::error::{Error, Result};

/// Memory for tantivy's indexing buffers, shared by its threads.
const WRITER_HEAP_BYTES: usize = 128 * 1024 * 1024;

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
}

/// A file that could not be indexed, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    pub message: String,
}

/// Brings the index at `locations.index` in line with the corpus. Unchanged files are not
/// read again; changed, added and removed ones are applied in one commit, so an interrupted
/// ingest leaves the previous index whole.
pub fn ingest(locations: &Locations, rebuild: bool, progress: bool) -> Result<IngestReport> {
    let started = Instant::now();
    let files = discover(&locations.corpus)?;
    let corpus_key = locations.corpus_key();
    let mut created = false;
    let mut replacement: Option<Replacement> = None;
    let (opened, rebuilt) = match open(&locations.index)? {
        OpenOutcome::Ready(opened) if !rebuild => (*opened, None),
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
        manifest,
    } = opened;
    let previous = manifest.unwrap_or_default();
    let same_corpus = previous.corpus == corpus_key;
    if same_corpus && previous.matches(&corpus_key, &files) {
        return Ok(IngestReport {
            statements: previous.statements(),
            passages: previous.passages(),
            elapsed: started.elapsed(),
            rebuilt,
            up_to_date: true,
            skipped: previous.skipped(&locations.corpus),
            ..IngestReport::default()
        });
    }
    let previous_files = if same_corpus {
        previous.files
    } else {
        BTreeMap::new()
    };

    let mut writer: IndexWriter<TantivyDocument> =
        index.writer(WRITER_HEAP_BYTES).map_err(|err| match err {
            TantivyError::LockFailure(..) => Error::IndexBusy(locations.index.clone()),
            other => Error::Tantivy(other),
        })?;
    if !same_corpus {
        writer.delete_all_documents()?;
    }

    let bar = progress_bar(progress, files.len());
    let mut report = IngestReport {
        rebuilt,
        created,
        ..IngestReport::default()
    };
    let mut manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        ingest_fingerprint: INGEST_FINGERPRINT.to_string(),
        corpus: corpus_key,
        files: BTreeMap::new(),
    };
    let mut to_delete: Vec<String> = Vec::new();
    let mut to_add: Vec<ParsedStatement> = Vec::new();
    for file in &files {
        bar.inc(1);
        // Only a file that was indexed has documents to replace; a skipped one left none.
        let known = previous_files.get(&file.rel_path);
        let indexed = known.filter(|entry| entry.error.is_none());
        if let Some(first) = &file.duplicate_of {
            let message = Error::DuplicateId {
                id: file.id.clone(),
                first: locations.corpus.join(first),
                second: file.abs_path.clone(),
            }
            .to_string();
            to_delete.extend(indexed.map(|entry| entry.id.clone()));
            let entry = skip(file, message, &mut report);
            manifest.files.insert(file.rel_path.clone(), entry);
            continue;
        }
        if let Some(entry) = indexed
            && entry.size == file.size
            && entry.mtime_ns == file.mtime_ns
            && entry.id == file.id
        {
            manifest.files.insert(file.rel_path.clone(), entry.clone());
            continue;
        }
        let bytes = match std::fs::read(&file.abs_path) {
            Ok(bytes) => bytes,
            Err(source) => {
                // An unreadable file is skipped like a broken one: the rest still gets indexed.
                let message = Error::Read {
                    path: file.abs_path.clone(),
                    source,
                }
                .to_string();
                to_delete.extend(indexed.map(|entry| entry.id.clone()));
                let entry = skip(file, message, &mut report);
                manifest.files.insert(file.rel_path.clone(), entry);
                continue;
            }
        };
        let hash = blake3::hash(&bytes).to_hex().to_string();
        if let Some(entry) = indexed
            && entry.hash == hash
            && entry.id == file.id
        {
            // Touched but not changed: only the recorded size and time move on.
            manifest.files.insert(
                file.rel_path.clone(),
                FileEntry {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    ..entry.clone()
                },
            );
            continue;
        }
        if let Some(entry) = indexed {
            to_delete.push(entry.id.clone());
        }
        let mut entry = FileEntry {
            id: file.id.clone(),
            size: file.size,
            mtime_ns: file.mtime_ns,
            hash,
            passages: 0,
            error: None,
        };
        let (source, windows_1252) = decode_source(&bytes);
        if windows_1252 {
            report.warnings.push(format!(
                "{}: not valid UTF-8; read as Windows-1252",
                file.abs_path.display()
            ));
        }
        match parse_statement(file, &source) {
            Ok(parsed) => {
                entry.passages = parsed.passages.len() as u64;
                to_add.push(parsed);
                if known.is_some() {
                    report.changed += 1;
                } else {
                    report.added += 1;
                }
            }
            Err(err) => {
                entry.error = Some(err.to_string());
                report.skipped.push(Skipped {
                    path: file.abs_path.clone(),
                    message: err.to_string(),
                });
            }
        }
        manifest.files.insert(file.rel_path.clone(), entry);
    }
    bar.finish_and_clear();
    for (path, entry) in &previous_files {
        if !manifest.files.contains_key(path) && entry.error.is_none() {
            to_delete.push(entry.id.clone());
            report.removed += 1;
        }
    }

    // Deletes apply to documents added before them, so all deletes go first.
    for id in &to_delete {
        writer.delete_term(Term::from_field_text(fields.doc, id));
    }
    for parsed in &to_add {
        add_statement(&writer, &fields, parsed)?;
    }
    let payload = serde_json::to_string(&manifest).map_err(|err| Error::Index {
        path: locations.index.clone(),
        message: format!("cannot record the manifest: {err}"),
    })?;
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&payload);
    commit.commit()?;
    writer.wait_merging_threads()?;
    if let Some(replacement) = replacement {
        replacement.finish(&locations.index)?;
    }

    report.statements = manifest.statements();
    report.passages = manifest.passages();
    report.elapsed = started.elapsed();
    Ok(report)
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

/// Adds one statement record and one record per passage.
fn add_statement(
    writer: &IndexWriter<TantivyDocument>,
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
        doc.add_text(fields.title, &statement.title);
        if let Some(kind) = &statement.kind {
            doc.add_text(fields.doc_type, kind);
        }
        doc
    };

    let mut record = common(RECORD_STATEMENT);
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
    writer.add_document(record)?;

    for passage in &parsed.passages {
        let mut doc = common(RECORD_PASSAGE);
        doc.add_u64(fields.n, passage.n);
        doc.add_text(fields.text, &passage.text);
        doc.add_text(fields.text_exact, &passage.text);
        doc.add_text(fields.section, &passage.section);
        doc.add_text(fields.kind, passage.kind.as_str());
        doc.add_u64(fields.line, passage.line);
        for link in &passage.links {
            doc.add_text(fields.links, link);
        }
        writer.add_document(doc)?;
    }
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
    fn finish(self, index: &std::path::Path) -> Result<()> {
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
        drop(self._old_writer);
        std::fs::rename(index, &aside)?;
        std::fs::rename(&self.folder, index)?;
        std::fs::remove_dir_all(&aside)?;
        Ok(())
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
