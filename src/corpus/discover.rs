//! Finding the statement files of a corpus folder.

use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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
/// hidden files and folders and following symbolic links. A file whose id an earlier file
/// already has is marked with `duplicate_of`.
///
/// Every command runs this to tell whether the index is current, so it costs one `stat` per
/// file and nothing more: each file is looked up relative to its open folder rather than by its
/// full path, and relative paths are built as the walk descends.
pub fn discover(root: &Path) -> Result<Corpus> {
    if !root.is_dir() {
        return Err(Error::CorpusMissing {
            path: root.to_path_buf(),
        });
    }
    let mut ancestors = Vec::new();
    if let Ok(metadata) = std::fs::metadata(root) {
        ancestors.push((folder_key(root, &metadata), root.to_path_buf()));
    }
    let walk = Walk::folder(root, "", &ancestors)?;
    let Walk {
        mut files,
        mut sidecars,
        mut unreadable,
    } = walk;
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    sidecars.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    // Every command walks the corpus, so this pass borrows the ids rather than copying them.
    let mut first_with_id: FxHashMap<&str, usize> = FxHashMap::default();
    first_with_id.reserve(files.len());
    let mut duplicates = Vec::new();
    for (at, file) in files.iter().enumerate() {
        match first_with_id.entry(file.id.as_str()) {
            Entry::Occupied(first) => duplicates.push((at, *first.get())),
            Entry::Vacant(slot) => {
                slot.insert(at);
            }
        }
    }
    drop(first_with_id);
    for (at, first) in duplicates {
        files[at].duplicate_of = Some(files[first].rel_path.clone());
    }
    Ok(Corpus {
        files,
        sidecars,
        unreadable,
    })
}

/// What makes a folder the same folder whatever the path it is reached by.
#[cfg(unix)]
type FolderKey = (u64, u64);
#[cfg(not(unix))]
type FolderKey = PathBuf;

#[cfg(unix)]
fn folder_key(_path: &Path, metadata: &std::fs::Metadata) -> FolderKey {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn folder_key(path: &Path, _metadata: &std::fs::Metadata) -> FolderKey {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Folders with at least this many entries have them looked up in parallel.
const PARALLEL_STATS_FROM: usize = 64;

/// What one folder entry is.
enum Classified {
    Statement(CorpusFile),
    Sidecar(CorpusFile),
    Folder {
        path: PathBuf,
        rel_path: String,
        key: FolderKey,
    },
    Unreadable(PathBuf, std::io::Error),
    Failed(Error),
    /// Neither a statement nor a folder.
    Other,
}

/// Looks `entry` of the folder `rel` up: one stat for a statement file, a metadata file or a
/// folder, none for anything else.
fn classify(entry: &std::fs::DirEntry, name: &str, rel: &str) -> Classified {
    let rel_path = if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    };
    let path = entry.path();
    let Ok(mut file_type) = entry.file_type() else {
        return Classified::Other;
    };
    // Relative to the open folder: no lookup of the whole path.
    let mut metadata = None;
    if file_type.is_symlink() {
        match std::fs::metadata(&path) {
            Ok(target) => {
                file_type = target.file_type();
                metadata = Some(target);
            }
            Err(err) => return Classified::Unreadable(path, err),
        }
    }
    if file_type.is_dir() {
        let target = match metadata {
            Some(target) => target,
            None => match entry.metadata() {
                Ok(found) => found,
                Err(err) => return Classified::Unreadable(path, err),
            },
        };
        return Classified::Folder {
            key: folder_key(&path, &target),
            path,
            rel_path,
        };
    }
    let is_sidecar = SIDECAR_NAMES.contains(&name);
    if !file_type.is_file() || !(is_sidecar || has_statement_extension(&path)) {
        return Classified::Other;
    }
    let metadata = match metadata {
        Some(metadata) => metadata,
        None => match entry.metadata() {
            Ok(metadata) => metadata,
            Err(err) => {
                return Classified::Failed(Error::Walk {
                    path,
                    message: err.to_string(),
                });
            }
        },
    };
    let mtime_ns = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map(|age| age.as_nanos())
        .unwrap_or(0);
    let id = match rel_path.rsplit_once('.') {
        Some((without_extension, _)) => without_extension.to_string(),
        None => rel_path.clone(),
    };
    let found = CorpusFile {
        id,
        abs_path: path,
        rel_path,
        size: metadata.len(),
        mtime_ns,
        duplicate_of: None,
    };
    if is_sidecar {
        Classified::Sidecar(found)
    } else {
        Classified::Statement(found)
    }
}

#[derive(Default)]
struct Walk {
    files: Vec<CorpusFile>,
    sidecars: Vec<CorpusFile>,
    unreadable: Vec<Finding>,
}

impl Walk {
    /// Reads the folder `dir` (`rel` relative to the root); `ancestors` are the folders above
    /// it and itself, by identity, so that a link back to one of them is reported, not
    /// followed. Subfolders are walked on every core.
    fn folder(dir: &Path, rel: &str, ancestors: &[(FolderKey, PathBuf)]) -> Result<Walk> {
        let mut walk = Walk::default();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                walk.cannot_read(dir, &err);
                return Ok(walk);
            }
        };
        let mut listed = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if !name.starts_with('.') {
                        listed.push((entry, name));
                    }
                }
                Err(err) => walk.cannot_read(dir, &err),
            }
        }
        // The stats are the cost of the walk: a large folder's are made on every core.
        let classified: Vec<Classified> = if listed.len() >= PARALLEL_STATS_FROM {
            listed
                .par_iter()
                .map(|(entry, name)| classify(entry, name, rel))
                .collect()
        } else {
            listed
                .iter()
                .map(|(entry, name)| classify(entry, name, rel))
                .collect()
        };
        drop(listed);
        let mut subfolders = Vec::new();
        for item in classified {
            match item {
                Classified::Statement(file) => walk.files.push(file),
                Classified::Sidecar(file) => walk.sidecars.push(file),
                Classified::Folder {
                    path,
                    rel_path,
                    key,
                } => match ancestors.iter().find(|(seen, _)| *seen == key) {
                    Some((_, ancestor)) => {
                        let message = format!(
                            "a symbolic-link loop back to {}; not followed",
                            ancestor.display()
                        );
                        walk.unreadable.push(Finding::error(&path, None, message));
                    }
                    None => subfolders.push((path, rel_path, key)),
                },
                Classified::Unreadable(path, err) => walk.cannot_read(&path, &err),
                Classified::Failed(err) => return Err(err),
                Classified::Other => {}
            }
        }
        let below: Vec<Walk> = subfolders
            .into_par_iter()
            .map(|(path, rel_path, key)| {
                let mut chain = ancestors.to_vec();
                chain.push((key, path.clone()));
                Walk::folder(&path, &rel_path, &chain)
            })
            .collect::<Result<_>>()?;
        for found in below {
            walk.files.extend(found.files);
            walk.sidecars.extend(found.sidecars);
            walk.unreadable.extend(found.unreadable);
        }
        Ok(walk)
    }

    fn cannot_read(&mut self, path: &Path, err: &std::io::Error) {
        let message = format!("cannot read: {err}; skipped");
        self.unreadable.push(Finding::error(path, None, message));
    }
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
