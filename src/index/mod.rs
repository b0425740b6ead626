//! The tantivy index: where it lives, what it records about the corpus, and keeping it current.

pub mod reader;
pub mod schema;
mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;

pub use reader::{CorpusIndex, StoredPassage};
pub use schema::Fields;
pub use writer::{IngestOptions, IngestReport, Skipped, ingest, interrupt_ingest};

use crate::corpus::Corpus;
use crate::error::{Error, Result};
use schema::{INGEST_FINGERPRINT, SCHEMA_VERSION};

/// What the last commit indexed, stored in that very commit's payload so that the two can never
/// disagree.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    #[serde(default)]
    pub ingest_fingerprint: String,
    /// The corpus folder, as an absolute path.
    pub corpus: String,
    /// By path relative to the corpus.
    pub files: BTreeMap<String, FileEntry>,
    /// The metadata files (`metadata.csv`) read, by path relative to the corpus.
    #[serde(default)]
    pub sidecars: BTreeMap<String, SidecarStamp>,
    /// The `--column FIELD=COLUMN` mapping the metadata files were read with; later updates,
    /// including the automatic ones before a search, read them the same way.
    #[serde(default)]
    pub columns: Vec<(String, String)>,
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
    /// Whether the files on disk are exactly those recorded, judged by size and mtime alone so
    /// that a check costs one `stat` per file.
    pub fn matches(&self, corpus_key: &str, corpus: &Corpus, columns: &[(String, String)]) -> bool {
        self.schema_version == SCHEMA_VERSION
            && self.ingest_fingerprint == INGEST_FINGERPRINT
            && self.corpus == corpus_key
            && self.columns == columns
            && self.files.len() == corpus.files.len()
            && corpus.files.iter().all(|file| {
                self.files.get(&file.rel_path).is_some_and(|entry| {
                    entry.size == file.size
                        && entry.mtime_ns == file.mtime_ns
                        && entry.id == file.id
                })
            })
            && self.sidecars.len() == corpus.sidecars.len()
            && corpus.sidecars.iter().all(|file| {
                self.sidecars
                    .get(&file.rel_path)
                    .is_some_and(|stamp| stamp.size == file.size && stamp.mtime_ns == file.mtime_ns)
            })
    }

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
    /// The corpus folder as recorded in the manifest: absolute when it can be resolved.
    pub fn corpus_key(&self) -> String {
        std::fs::canonicalize(&self.corpus)
            .unwrap_or_else(|_| self.corpus.clone())
            .to_string_lossy()
            .into_owned()
    }
}

/// An opened index with its field handles and the manifest of its last commit.
pub struct Opened {
    pub index: Index,
    pub fields: Fields,
    pub manifest: Option<Manifest>,
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
    let manifest = match metas.payload.as_deref() {
        Some(payload) => match serde_json::from_str::<Manifest>(payload) {
            Ok(manifest) => Some(manifest),
            Err(_) => {
                return Ok(OpenOutcome::Outdated(
                    "its manifest is unreadable".to_string(),
                ));
            }
        },
        None => None,
    };
    if let Some(manifest) = &manifest
        && manifest.schema_version != SCHEMA_VERSION
    {
        return Ok(OpenOutcome::Outdated(format!(
            "it was written with schema version {}, this verbatim uses {SCHEMA_VERSION}",
            manifest.schema_version
        )));
    }
    if let Some(manifest) = &manifest
        && manifest.ingest_fingerprint != INGEST_FINGERPRINT
    {
        return Ok(OpenOutcome::Outdated(
            "it was written by a version of verbatim that reads statements differently".to_string(),
        ));
    }
    Ok(OpenOutcome::Ready(Box::new(Opened {
        index,
        fields,
        manifest,
    })))
}

/// Creates an empty index in `dir`, which holds no index.
fn create(dir: &Path) -> Result<Opened> {
    std::fs::create_dir_all(dir).map_err(|err| Error::Index {
        path: dir.to_path_buf(),
        message: format!("cannot create the index folder: {err}"),
    })?;
    let index = Index::create_in_dir(dir, Fields::schema()).map_err(|err| Error::Index {
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
        manifest: None,
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
        || name.starts_with(".tantivy")
        || path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| INDEX_EXTENSIONS.contains(&ext))
}
