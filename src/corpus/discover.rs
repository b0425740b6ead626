//! Finding the statement files of a corpus folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::error::{Error, Result};

/// File extensions read as Markdown statements.
const EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// A statement file found in the corpus, with what is needed to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// The document id: the file stem.
    pub id: String,
    pub abs_path: PathBuf,
    /// Path relative to the corpus folder, with `/` separators.
    pub rel_path: String,
    pub size: u64,
    pub mtime_ns: u128,
}

/// Lists the statement files under `root`, sorted by relative path, skipping hidden files and
/// folders. Two files with one id are an error naming both.
pub fn discover(root: &Path) -> Result<Vec<CorpusFile>> {
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
    for entry in walker {
        let entry = entry.map_err(|err| Error::Walk {
            path: err
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| root.to_path_buf()),
            message: err.to_string(),
        })?;
        if !entry.file_type().is_file() || !has_statement_extension(entry.path()) {
            continue;
        }
        let Some(id) = entry.path().file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
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
        files.push(CorpusFile {
            id: id.to_string(),
            abs_path: entry.path().to_path_buf(),
            rel_path,
            size: metadata.len(),
            mtime_ns,
        });
    }
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let mut seen: HashMap<&str, &CorpusFile> = HashMap::new();
    for file in &files {
        if let Some(first) = seen.insert(&file.id, file) {
            return Err(Error::DuplicateId {
                id: file.id.clone(),
                first: first.abs_path.clone(),
                second: file.abs_path.clone(),
            });
        }
    }
    Ok(files)
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
