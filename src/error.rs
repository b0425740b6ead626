//! The library's error type: every failure a user can cause, named with its file, line or field.

use std::path::PathBuf;

/// Everything that can go wrong inside the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{path}:{line}: {message}")]
    FrontMatter {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("{path}: not a text file (it is mostly control bytes, as binary files are)")]
    NotText { path: PathBuf },

    #[error("corpus folder {path} does not exist (set --corpus or VERBATIM_CORPUS)")]
    CorpusMissing { path: PathBuf },

    #[error("{path}: cannot walk corpus folder: {message}")]
    Walk { path: PathBuf, message: String },

    #[error(
        "{second}: the document id `{id}` is already taken by {first}; rename one of the two files"
    )]
    DuplicateId {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },

    #[error("interrupted: nothing was written; the index is as the last complete ingest left it")]
    Interrupted,

    #[error("invalid query: {0}")]
    Query(String),

    #[error("invalid --year `{spec}`: {reason} (expected 2020, 2018..2020, 2019.. or ..2019)")]
    YearSpec { spec: String, reason: String },

    #[error("invalid citation `{0}`: expected DOC or DOC#N, e.g. statement-id#3")]
    CitationSyntax(String),

    #[error("unknown statement `{0}` (run `verbatim docs` to list the statements)")]
    UnknownDocument(String),

    #[error("unknown citation `{doc}#{n}`: `{doc}` has {count} passages")]
    UnknownPassage { doc: String, n: u64, count: u64 },

    #[error("the index at {0} is being written by another process; try again when it has finished")]
    IndexBusy(PathBuf),

    #[error(
        "there is no index at {0} to read as it stands; run `verbatim ingest` first, or leave out --no-refresh"
    )]
    NoIndexAsIngested(PathBuf),

    #[error(
        "the index at {path} cannot be read as it stands: {reason}; run `verbatim ingest`, or leave out --no-refresh"
    )]
    OutdatedAsIngested { path: PathBuf, reason: String },

    #[error(
        "the index at {path} is damaged ({detail}); run `verbatim ingest --rebuild` to rebuild it from the corpus"
    )]
    Damaged { path: PathBuf, detail: String },

    #[error("index at {path}: {message}")]
    Index { path: PathBuf, message: String },

    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),

    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
