//! The tantivy index: where it lives, what it records about the corpus, and keeping it current.

pub mod reader;
pub mod schema;
mod statement_passages;
pub mod stem;
mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;

pub use reader::{CorpusIndex, StoredPassage};
pub use schema::Fields;
pub use writer::{
    DEFAULT_INGEST_MEMORY, IngestOptions, IngestReport, MAX_INGEST_MEMORY, MIN_INGEST_MEMORY,
    Skipped, ingest, interrupt_ingest,
};

use crate::error::{Error, Result};
use schema::{INGEST_FINGERPRINT, SCHEMA_VERSION};

/// What the last commit records about itself, in that very commit's payload so that the two can
/// never disagree. It stays small whatever the size of the corpus, since every command reads it
/// (tantivy parses a commit's metadata more than once while opening an index); the per-file
/// details are in the manifest file it names.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CommitInfo {
    pub schema_version: u32,
    #[serde(default)]
    pub ingest_fingerprint: String,
    /// The corpus folder, as an absolute path.
    #[serde(default)]
    pub corpus: String,
    /// The `--column FIELD=COLUMN` mapping the metadata files were read with; later updates,
    /// including the automatic ones before a search, read them the same way.
    #[serde(default)]
    pub columns: Vec<(String, String)>,
    /// A digest of the path, size and modification time of every file the corpus held.
    #[serde(default)]
    pub stamp: String,
    /// The manifest file, in the index folder.
    #[serde(default)]
    pub manifest: String,
}

impl CommitInfo {
    /// Whether the files on disk are exactly those indexed, judged by path, size and mtime alone
    /// so that a check costs one `stat` per file and no reading of the manifest.
    pub fn matches(&self, corpus_key: &str, stamp: &str, columns: &[(String, String)]) -> bool {
        self.schema_version == SCHEMA_VERSION
            && self.ingest_fingerprint == INGEST_FINGERPRINT
            && self.corpus == corpus_key
            && self.columns == columns
            && self.stamp == stamp
    }
}

/// What the last commit indexed, file by file: what an ingest needs to tell which files changed,
/// and what was skipped and why.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// By path relative to the corpus.
    pub files: BTreeMap<String, FileEntry>,
    /// The metadata files (`metadata.csv`) read, by path relative to the corpus.
    #[serde(default)]
    pub sidecars: BTreeMap<String, SidecarStamp>,
}

/// The manifest files of an index folder are named by a digest of their content.
const MANIFEST_PREFIX: &str = "verbatim-manifest-";

impl Manifest {
    /// Reads the manifest a commit names; `Err` says why it cannot be used.
    pub fn load(dir: &Path, commit: Option<&CommitInfo>) -> std::result::Result<Manifest, String> {
        let Some(commit) = commit else {
            return Ok(Manifest::default());
        };
        if commit.manifest.is_empty() {
            return Err("its last commit names no manifest".to_string());
        }
        let path = dir.join(&commit.manifest);
        let bytes = std::fs::read(&path)
            .map_err(|err| format!("its manifest {} cannot be read ({err})", path.display()))?;
        serde_json::from_slice(&bytes)
            .map_err(|err| format!("its manifest {} is unreadable ({err})", path.display()))
    }

    /// Writes the manifest into the index folder `dir`, durably, under a name taken from its
    /// content, and returns that name; the commit that names it makes it current, and until then
    /// the last commit's manifest stays as it was.
    pub fn store(&self, dir: &Path) -> Result<String> {
        let failed = |message: String| Error::Index {
            path: dir.to_path_buf(),
            message,
        };
        let json = serde_json::to_vec(self)
            .map_err(|err| failed(format!("cannot record the manifest: {err}")))?;
        let digest = blake3::hash(&json).to_hex();
        let name = format!("{MANIFEST_PREFIX}{}.json", &digest[..16]);
        let path = dir.join(&name);
        if !path.is_file() {
            let mut file = tempfile::Builder::new()
                .prefix(MANIFEST_PREFIX)
                .suffix(".tmp")
                .tempfile_in(dir)
                .map_err(|err| failed(format!("cannot write the manifest: {err}")))?;
            std::io::Write::write_all(&mut file, &json)
                .and_then(|()| file.as_file().sync_all())
                .map_err(|err| failed(format!("cannot write the manifest: {err}")))?;
            file.persist(&path)
                .map_err(|err| failed(format!("cannot write the manifest: {}", err.error)))?;
        }
        Ok(name)
    }

    /// Removes the manifests of earlier commits, once a later commit names `current`.
    pub fn remove_others(dir: &Path, current: &str) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(MANIFEST_PREFIX) && name != current {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// What is needed to tell whether a metadata file changed, and why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SidecarStamp {
    pub size: u64,
    pub mtime_ns: u128,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub id: String,
    pub size: u64,
    pub mtime_ns: u128,
    /// BLAKE3 of the file's bytes.
    pub hash: String,
    pub passages: u64,
    /// Why the file was skipped, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// BLAKE3 of the metadata-file row the file was indexed with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecar_row: Option<String>,
}

impl Manifest {
    pub fn statements(&self) -> usize {
        self.files
            .values()
            .filter(|entry| entry.error.is_none())
            .count()
    }

    /// The files the last ingest skipped, and the metadata files it could not read, with why.
    pub fn skipped(&self, corpus: &Path) -> Vec<Skipped> {
        let files = self.files.iter().map(|(path, entry)| (path, &entry.error));
        let sidecars = self
            .sidecars
            .iter()
            .map(|(path, stamp)| (path, &stamp.error));
        files
            .chain(sidecars)
            .filter_map(|(path, error)| {
                error.as_ref().map(|message| Skipped {
                    path: corpus.join(path),
                    message: message.clone(),
                })
            })
            .collect()
    }

    pub fn passages(&self) -> u64 {
        self.files.values().map(|entry| entry.passages).sum()
    }
}

/// Where the corpus and the index are.
#[derive(Debug, Clone)]
pub struct Locations {
    pub corpus: PathBuf,
    pub index: PathBuf,
}

impl Locations {
    /// The corpus folder as recorded in a commit: absolute when it can be resolved.
    pub fn corpus_key(&self) -> String {
        std::fs::canonicalize(&self.corpus)
            .unwrap_or_else(|_| self.corpus.clone())
            .to_string_lossy()
            .into_owned()
    }
}

/// Whether a command makes sure the index is current before reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Look at every corpus file (a `stat` each) and ingest what changed, with this many bytes
    /// of indexing memory: always right.
    Checked { ingest_memory: usize },
    /// Read the index as last ingested, without looking at the corpus: for large corpora and
    /// scripts that ingest once and query many times.
    AsIngested,
}

impl Default for Freshness {
    fn default() -> Freshness {
        Freshness::Checked {
            ingest_memory: DEFAULT_INGEST_MEMORY,
        }
    }
}

/// An opened index with its field handles and what its last commit records.
pub struct Opened {
    pub index: Index,
    pub fields: Fields,
    pub commit: Option<CommitInfo>,
}

/// Why an existing index cannot be used as it is.
pub enum OpenOutcome {
    Ready(Box<Opened>),
    Missing,
    Outdated(String),
}

/// The error for an index whose files are missing or damaged (a truncated or deleted segment
/// file), telling the user how to recover; other errors pass through.
pub(crate) fn damaged(dir: &Path, err: tantivy::TantivyError) -> Error {
    use tantivy::TantivyError as T;
    match err {
        T::OpenReadError(_) | T::OpenDirectoryError(_) | T::DataCorruption(_) | T::IoError(_) => {
            Error::Damaged {
                path: dir.to_path_buf(),
                detail: err.to_string(),
            }
        }
        other => Error::Tantivy(other),
    }
}

/// Opens the index in `dir` when there is one of this schema version.
pub fn open(dir: &Path) -> Result<OpenOutcome> {
    if !dir.join("meta.json").is_file() {
        return Ok(OpenOutcome::Missing);
    }
    let index = match Index::open_in_dir(dir) {
        Ok(index) => index,
        Err(err) => {
            return Err(Error::Index {
                path: dir.to_path_buf(),
                message: format!(
                    "cannot open the index ({err}); run `verbatim ingest --rebuild` to rebuild it"
                ),
            });
        }
    };
    schema::register_analyzers(&index);
    let Some(fields) = Fields::from_schema(&index.schema()) else {
        return Ok(OpenOutcome::Outdated(
            "its schema is of another version".to_string(),
        ));
    };
    let metas = index.load_metas()?;
    let commit = match metas.payload.as_deref() {
        Some(payload) => match serde_json::from_str::<CommitInfo>(payload) {
            Ok(commit) => Some(commit),
            Err(_) => {
                return Ok(OpenOutcome::Outdated(
                    "its manifest is unreadable".to_string(),
                ));
            }
        },
        None => None,
    };
    if let Some(commit) = &commit
        && commit.schema_version != SCHEMA_VERSION
    {
        return Ok(OpenOutcome::Outdated(format!(
            "it was written with schema version {}, this verbatim uses {SCHEMA_VERSION}",
            commit.schema_version
        )));
    }
    if let Some(commit) = &commit
        && commit.ingest_fingerprint != INGEST_FINGERPRINT
    {
        return Ok(OpenOutcome::Outdated(
            "it was written by a version of verbatim that reads statements differently".to_string(),
        ));
    }
    Ok(OpenOutcome::Ready(Box::new(Opened {
        index,
        fields,
        commit,
    })))
}

/// zstd's level for the stored passages: level 3 (zstd's default) compresses nearly as well as
/// the higher levels at several times their speed.
const ZSTD_LEVEL: i32 = 3;

/// Creates an empty index in `dir`, which holds no index.
fn create(dir: &Path) -> Result<Opened> {
    std::fs::create_dir_all(dir).map_err(|err| Error::Index {
        path: dir.to_path_buf(),
        message: format!("cannot create the index folder: {err}"),
    })?;
    let settings = tantivy::IndexSettings {
        // Passage text is most of the index: zstd stores it in about two thirds of LZ4's
        // space, and a hit's block still decompresses in microseconds.
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(ZSTD_LEVEL),
        }),
        ..tantivy::IndexSettings::default()
    };
    let index = Index::builder()
        .schema(Fields::schema())
        .settings(settings)
        .create_in_dir(dir)
        .map_err(|err| Error::Index {
            path: dir.to_path_buf(),
            message: format!("cannot create the index: {err}"),
        })?;
    schema::register_analyzers(&index);
    let fields = Fields::from_schema(&index.schema()).ok_or_else(|| Error::Index {
        path: dir.to_path_buf(),
        message: "the new index lacks a field of its own schema".to_string(),
    })?;
    Ok(Opened {
        index,
        fields,
        commit: None,
    })
}

/// Whether a file is one tantivy wrote into an index folder.
fn is_index_file(path: &Path) -> bool {
    const INDEX_EXTENSIONS: [&str; 8] = [
        "idx",
        "pos",
        "term",
        "store",
        "fast",
        "fieldnorm",
        "del",
        "lock",
    ];
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(MANIFEST_PREFIX)
        || name.starts_with(".tantivy")
        || path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| INDEX_EXTENSIONS.contains(&ext))
}
