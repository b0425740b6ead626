//! Finding the statement files of a corpus folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::Finding;
use super::sidecar::SIDECAR_NAMES;
use crate::error::{Error, Result};

/// File extensions read as statements: Markdown (plain text is Markdown without markup) and
/// HTML pages.
const EXTENSIONS: [&str; 5] = ["md", "markdown", "txt", "html", "htm"];

/// A statement file found in the corpus, with what is needed to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// The document id: the path relative to the corpus folder without its extension, so that
    /// files of one name in different folders stay apart and an id never changes when another
    /// file is added.
    pub id: String,
    pub abs_path: PathBuf,
    /// Path relative to the corpus folder, with `/` separators.
    pub rel_path: String,
    pub size: u64,
    pub mtime_ns: u128,
    /// The relative path of an earlier file with the same id (`a.md` beside `a.txt`); such a
    /// file is reported and skipped, never indexed in place of the first.
    pub duplicate_of: Option<String>,
}

/// What a corpus folder holds: statement files and the metadata files beside them.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub files: Vec<CorpusFile>,
    /// `metadata.csv`, `.json` or `.jsonl` files, each describing the statements in its folder.
    pub sidecars: Vec<CorpusFile>,
    /// Entries the walk could not enter or read (a symbolic-link loop, a folder without
    /// permission): reported, while the rest of the corpus is read.
    pub unreadable: Vec<Finding>,
}

/// The folder part of a relative path: `""` for a file at the top of the corpus.
pub fn folder_of(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// Lists the statement files and metadata files under `root`, sorted by relative path, skipping
/// hidden files and folders. A file whose id an earlier file already has is marked with
/// `duplicate_of`.
pub fn discover(root: &Path) -> Result<Corpus> {
    if !root.is_dir() {
        return Err(Error::CorpusMissing {
            path: root.to_path_buf(),
        });
    }
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    let mut files = Vec::new();
    let mut sidecars = Vec::new();
    let mut unreadable = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(root);
                let message = match (err.loop_ancestor(), err.io_error()) {
                    (Some(ancestor), _) => format!(
                        "a symbolic-link loop back to {}; not followed",
                        ancestor.display()
                    ),
                    (None, Some(io)) => format!("cannot read: {io}; skipped"),
                    (None, None) => format!("{err}; skipped"),
                };
                unreadable.push(Finding::error(path, None, message));
                continue;
            }
        };
        let is_sidecar = SIDECAR_NAMES
            .iter()
            .any(|name| entry.file_name() == std::ffi::OsStr::new(name));
        if !entry.file_type().is_file() || !(is_sidecar || has_statement_extension(entry.path())) {
            continue;
        }
        let metadata = entry.metadata().map_err(|err| Error::Walk {
            path: entry.path().to_path_buf(),
            message: err.to_string(),
        })?;
        let mtime_ns = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map(|age| age.as_nanos())
            .unwrap_or(0);
        let rel_path = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let id = match rel_path.rsplit_once('.') {
            Some((without_extension, _)) => without_extension.to_string(),
            None => rel_path.clone(),
        };
        let found = CorpusFile {
            id,
            abs_path: entry.path().to_path_buf(),
            rel_path,
            size: metadata.len(),
            mtime_ns,
            duplicate_of: None,
        };
        if is_sidecar {
            sidecars.push(found);
        } else {
            files.push(found);
        }
    }
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let mut first_with_id: HashMap<String, String> = HashMap::new();
    for file in &mut files {
        match first_with_id.get(&file.id) {
            Some(first) => file.duplicate_of = Some(first.clone()),
            None => {
                first_with_id.insert(file.id.clone(), file.rel_path.clone());
            }
        }
    }
    Ok(Corpus {
        files,
        sidecars,
        unreadable,
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn has_statement_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            EXTENSIONS
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known))
        })
}
