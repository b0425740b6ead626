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
pub fn discover(root: &Path) -> Result<Corpus> {
    let Listing {
        mut files,
        mut sidecars,
        mut unreadable,
    } = walk(root)?;
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    sidecars.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    // The ids are borrowed rather than copied: a corpus can hold hundreds of thousands.
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

/// The stamp of the corpus under `root`: equal to `discover(root)?.stamp()`, found by the same
/// walk without listing the files.
///
/// Every command runs this to tell whether the index is current, so it costs one `stat` per
/// file and little more: no record per file, no sorting, one digest per file summed.
pub fn stamp(root: &Path) -> Result<String> {
    Ok(walk::<StampSum>(root)?.to_hex())
}

impl Corpus {
    /// A digest of the path, size and modification time of every statement and metadata file:
    /// a file added, removed, renamed, resized or touched changes it. Files are summed, not
    /// listed in order, so that the walk can fold them in as it finds them.
    pub fn stamp(&self) -> String {
        let mut sum = StampSum::default();
        for (kind, files) in [
            (FileKind::Statement, &self.files),
            (FileKind::Sidecar, &self.sidecars),
        ] {
            for file in files {
                sum.add(kind, &[&file.rel_path], file.size, file.mtime_ns);
            }
        }
        sum.to_hex()
    }
}

/// Walks the folder `root` into `C`; each file is looked up relative to its open folder rather
/// than by its full path, and large folders are looked up on every core.
fn walk<C: Collect>(root: &Path) -> Result<C> {
    if !root.is_dir() {
        return Err(Error::CorpusMissing {
            path: root.to_path_buf(),
        });
    }
    let mut ancestors = Vec::new();
    if let Ok(metadata) = std::fs::metadata(root) {
        ancestors.push((folder_key(root, &metadata), root.to_path_buf()));
    }
    walk_folder(root, "", &ancestors)
}

/// Whether a file found by the walk is a statement or a metadata file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Statement,
    Sidecar,
}

/// A statement or metadata file the walk found, borrowed from the walk.
struct Found<'a> {
    entry: &'a std::fs::DirEntry,
    /// The folder's path relative to the corpus (`""` at the top).
    folder: &'a str,
    name: &'a str,
    kind: FileKind,
    size: u64,
    mtime_ns: u128,
}

/// What the walk gathers: gatherings of separate folders, made on separate cores, are absorbed
/// into one another in any order.
trait Collect: Default + Send {
    fn file(&mut self, found: Found<'_>);
    fn unreadable(&mut self, finding: Finding);
    fn absorb(&mut self, other: Self);
}

/// The files of a corpus, as `discover` returns them before sorting.
#[derive(Default)]
struct Listing {
    files: Vec<CorpusFile>,
    sidecars: Vec<CorpusFile>,
    unreadable: Vec<Finding>,
}

impl Collect for Listing {
    fn file(&mut self, found: Found<'_>) {
        let rel_path = join_relative(found.folder, found.name);
        let id = match rel_path.rsplit_once('.') {
            Some((without_extension, _)) => without_extension.to_string(),
            None => rel_path.clone(),
        };
        let file = CorpusFile {
            id,
            abs_path: found.entry.path(),
            rel_path,
            size: found.size,
            mtime_ns: found.mtime_ns,
            duplicate_of: None,
        };
        match found.kind {
            FileKind::Statement => self.files.push(file),
            FileKind::Sidecar => self.sidecars.push(file),
        }
    }

    fn unreadable(&mut self, finding: Finding) {
        self.unreadable.push(finding);
    }

    fn absorb(&mut self, other: Listing) {
        append(&mut self.files, other.files);
        append(&mut self.sidecars, other.sidecars);
        append(&mut self.unreadable, other.unreadable);
    }
}

/// `into.extend(more)`, without copying `more` when `into` is empty: gatherings are absorbed
/// into empty ones at every level of a parallel walk.
fn append<T>(into: &mut Vec<T>, mut more: Vec<T>) {
    if into.is_empty() {
        std::mem::swap(into, &mut more);
    } else {
        into.append(&mut more);
    }
}

/// The sum, lane by lane, of a digest per file: the same whatever the order files are added in.
#[derive(Default)]
struct StampSum([u64; 4]);

impl StampSum {
    /// Adds the file whose relative path is the concatenation of `rel_path`'s pieces.
    fn add(&mut self, kind: FileKind, rel_path: &[&str], size: u64, mtime_ns: u128) {
        let label: &[u8] = match kind {
            FileKind::Statement => b"file",
            FileKind::Sidecar => b"meta",
        };
        let length: usize = rel_path.iter().map(|piece| piece.len()).sum();
        // One call on the bytes rather than a `Hasher` per file: a hasher is 1.9 kB to set up,
        // a tenth of the walk's own time on a folder of 5,000 files.
        let mut bytes = Vec::with_capacity(label.len() + 8 + length + 8 + 16);
        bytes.extend_from_slice(label);
        bytes.extend_from_slice(&(length as u64).to_le_bytes());
        for piece in rel_path {
            bytes.extend_from_slice(piece.as_bytes());
        }
        bytes.extend_from_slice(&size.to_le_bytes());
        bytes.extend_from_slice(&mtime_ns.to_le_bytes());
        let digest = blake3::hash(&bytes);
        for (lane, bytes) in self.0.iter_mut().zip(digest.as_bytes().chunks_exact(8)) {
            let mut word = [0; 8];
            word.copy_from_slice(bytes);
            *lane = lane.wrapping_add(u64::from_le_bytes(word));
        }
    }

    fn to_hex(&self) -> String {
        self.0.iter().map(|lane| format!("{lane:016x}")).collect()
    }
}

impl Collect for StampSum {
    fn file(&mut self, found: Found<'_>) {
        if found.folder.is_empty() {
            self.add(found.kind, &[found.name], found.size, found.mtime_ns);
        } else {
            let pieces = [found.folder, "/", found.name];
            self.add(found.kind, &pieces, found.size, found.mtime_ns);
        }
    }

    fn unreadable(&mut self, _finding: Finding) {}

    fn absorb(&mut self, other: StampSum) {
        for (lane, add) in self.0.iter_mut().zip(other.0) {
            *lane = lane.wrapping_add(add);
        }
    }
}

fn join_relative(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
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

/// How many entries of a large folder are read before they are handed to a core to look up.
const STAT_BATCH: usize = 128;

/// What one folder entry is.
enum Classified {
    File {
        kind: FileKind,
        size: u64,
        mtime_ns: u128,
    },
    Folder {
        path: PathBuf,
        key: FolderKey,
    },
    Unreadable(PathBuf, std::io::Error),
    /// Neither a statement nor a folder.
    Other,
}

/// Looks `entry` up: one stat for a statement file, a metadata file or a folder, none for
/// anything else. A statement that cannot be looked up is an error.
fn classify(entry: &std::fs::DirEntry, name: &str) -> Result<Classified> {
    let Ok(mut file_type) = entry.file_type() else {
        return Ok(Classified::Other);
    };
    // Relative to the open folder: no lookup of the whole path.
    let mut metadata = None;
    if file_type.is_symlink() {
        match std::fs::metadata(entry.path()) {
            Ok(target) => {
                file_type = target.file_type();
                metadata = Some(target);
            }
            Err(err) => return Ok(Classified::Unreadable(entry.path(), err)),
        }
    }
    if file_type.is_dir() {
        let path = entry.path();
        let target = match metadata {
            Some(target) => target,
            None => match entry.metadata() {
                Ok(found) => found,
                Err(err) => return Ok(Classified::Unreadable(path, err)),
            },
        };
        return Ok(Classified::Folder {
            key: folder_key(&path, &target),
            path,
        });
    }
    let kind = if SIDECAR_NAMES.contains(&name) {
        FileKind::Sidecar
    } else if has_statement_extension(name) {
        FileKind::Statement
    } else {
        return Ok(Classified::Other);
    };
    if !file_type.is_file() {
        return Ok(Classified::Other);
    }
    let metadata = match metadata {
        Some(metadata) => metadata,
        None => entry.metadata().map_err(|err| Error::Walk {
            path: entry.path(),
            message: err.to_string(),
        })?,
    };
    let mtime_ns = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map(|age| age.as_nanos())
        .unwrap_or(0);
    Ok(Classified::File {
        kind,
        size: metadata.len(),
        mtime_ns,
    })
}

/// What the entries of one folder gave: the files gathered, and the subfolders to walk next.
type Gathered<C> = (C, Vec<(PathBuf, String, FolderKey)>);

/// Reads the folder `dir` (`rel` relative to the root); `ancestors` are the folders above it and
/// itself, by identity, so that a link back to one of them is reported, not followed.
/// Subfolders are walked on every core.
fn walk_folder<C: Collect>(dir: &Path, rel: &str, ancestors: &[(FolderKey, PathBuf)]) -> Result<C> {
    let mut gathered = C::default();
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            gathered.unreadable(cannot_read(dir, &err));
            return Ok(gathered);
        }
    };
    let take = |(mut gathered, mut folders): Gathered<C>,
                (entry, name): &(std::fs::DirEntry, String)|
     -> Result<Gathered<C>> {
        match classify(entry, name)? {
            Classified::File {
                kind,
                size,
                mtime_ns,
            } => gathered.file(Found {
                entry,
                folder: rel,
                name,
                kind,
                size,
                mtime_ns,
            }),
            Classified::Folder { path, key } => {
                match ancestors.iter().find(|(seen, _)| *seen == key) {
                    Some((_, ancestor)) => {
                        let message = format!(
                            "a symbolic-link loop back to {}; not followed",
                            ancestor.display()
                        );
                        gathered.unreadable(Finding::error(&path, None, message));
                    }
                    None => folders.push((path, join_relative(rel, name), key)),
                }
            }
            Classified::Unreadable(path, err) => gathered.unreadable(cannot_read(&path, &err)),
            Classified::Other => {}
        }
        Ok((gathered, folders))
    };
    let first = read_entries(&mut entries, dir, &mut gathered, PARALLEL_STATS_FROM);
    let (here, subfolders) = if first.len() < PARALLEL_STATS_FROM {
        first.iter().try_fold(Gathered::<C>::default(), take)?
    } else {
        // The stats are the cost of the walk, and reading a large folder is a sixth of it: each
        // batch of entries is looked up on a free core while the next is still being read.
        let looked_up = std::sync::Mutex::new(Ok(Gathered::<C>::default()));
        let take = &take;
        let looked_up_ref = &looked_up;
        rayon::scope(|scope| {
            let mut batch = first;
            while !batch.is_empty() {
                scope.spawn(move |_| {
                    let result = batch.iter().try_fold(Gathered::<C>::default(), take);
                    let Ok(mut so_far) = looked_up_ref.lock() else {
                        return;
                    };
                    match (&mut *so_far, result) {
                        (Ok((gathered, folders)), Ok((more, others))) => {
                            gathered.absorb(more);
                            folders.extend(others);
                        }
                        (Ok(_), Err(err)) => *so_far = Err(err),
                        (Err(_), _) => {}
                    }
                });
                batch = read_entries(&mut entries, dir, &mut gathered, STAT_BATCH);
            }
        });
        looked_up
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)?
    };
    gathered.absorb(here);
    let walk_below = |(path, rel_path, key): (PathBuf, String, FolderKey)| {
        let mut chain = ancestors.to_vec();
        chain.push((key, path.clone()));
        walk_folder::<C>(&path, &rel_path, &chain)
    };
    let absorb = |mut gathered: C, more: C| {
        gathered.absorb(more);
        Ok(gathered)
    };
    // A corpus of one folder, the usual small one, starts no threads for its walk.
    let below = if subfolders.len() > 1 {
        subfolders
            .into_par_iter()
            .map(walk_below)
            .try_reduce(C::default, absorb)?
    } else {
        subfolders
            .into_iter()
            .map(walk_below)
            .try_fold(C::default(), |gathered, more| absorb(gathered, more?))?
    };
    gathered.absorb(below);
    Ok(gathered)
}

/// Reads up to `limit` more visible entries of the folder `dir`, with their names; entries that
/// cannot be read are reported into `gathered`. Fewer than `limit` means the folder is read.
fn read_entries<C: Collect>(
    entries: &mut std::fs::ReadDir,
    dir: &Path,
    gathered: &mut C,
    limit: usize,
) -> Vec<(std::fs::DirEntry, String)> {
    let mut batch = Vec::with_capacity(limit);
    for entry in entries.by_ref() {
        match entry {
            Ok(entry) => {
                let name = entry
                    .file_name()
                    .into_string()
                    .unwrap_or_else(|raw| raw.to_string_lossy().into_owned());
                if !name.starts_with('.') {
                    batch.push((entry, name));
                    if batch.len() == limit {
                        break;
                    }
                }
            }
            Err(err) => gathered.unreadable(cannot_read(dir, &err)),
        }
    }
    batch
}

fn cannot_read(path: &Path, err: &std::io::Error) -> Finding {
    Finding::error(path, None, format!("cannot read: {err}; skipped"))
}

/// Whether the file name `name`, which does not start with a dot, ends in a statement extension.
fn has_statement_extension(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        EXTENSIONS
            .iter()
            .any(|known| ext.eq_ignore_ascii_case(known))
    })
}

#[cfg(test)]
mod tests {
    use std::fs::{self, File};
    use std::time::{Duration, SystemTime};

    use super::*;

    /// A corpus with a large folder (looked up on every core), nested and sibling folders, a
    /// metadata file, a hidden file, a file of another kind and, on Unix, a linked file and a
    /// link loop.
    fn sample_corpus() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = root.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("a.md", "A statement.\n");
        write("b.txt", "Another.\n");
        write(".hidden.md", "Not read.\n");
        write("scan.pdf", "Not a statement.\n");
        write("metadata.csv", "file,title\na.md,A\n");
        // More than one batch of entries, so that some are looked up while others are read.
        for n in 0..PARALLEL_STATS_FROM + STAT_BATCH + 6 {
            write(&format!("many/{n:03}.md"), &"word ".repeat(n + 1));
        }
        write("many/deeper/c.html", "<p>Deep.</p>\n");
        // Two folders at the top are walked on separate cores, one below `many` on this one.
        write("other/d.markdown", "Beside.\n");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.path().join("a.md"), root.path().join("link.md"))
                .unwrap();
            std::os::unix::fs::symlink("..", root.path().join("many/deeper/up")).unwrap();
        }
        root
    }

    #[test]
    fn the_walk_s_stamp_is_the_listing_s_stamp() {
        let root = sample_corpus();
        let corpus = discover(root.path()).unwrap();
        let linked = if cfg!(unix) { 1 } else { 0 };
        assert_eq!(
            corpus.files.len(),
            2 + (PARALLEL_STATS_FROM + STAT_BATCH + 6) + 1 + 1 + linked
        );
        assert_eq!(corpus.sidecars.len(), 1);
        assert_eq!(corpus.unreadable.len(), linked, "{:?}", corpus.unreadable);
        assert_eq!(stamp(root.path()).unwrap(), corpus.stamp());
        assert_eq!(corpus.stamp().len(), 64);
    }

    #[test]
    fn the_stamp_changes_when_a_file_is_touched_resized_added_renamed_or_removed() {
        let root = sample_corpus();
        let first = stamp(root.path()).unwrap();
        assert_eq!(
            stamp(root.path()).unwrap(),
            first,
            "the same corpus, the same stamp"
        );
        let file = root.path().join("many/007.md");
        let modified = fs::metadata(&file).unwrap().modified().unwrap();
        let touch = |to: SystemTime| {
            File::options()
                .write(true)
                .open(&file)
                .unwrap()
                .set_modified(to)
                .unwrap()
        };

        touch(modified + Duration::from_secs(1));
        let touched = stamp(root.path()).unwrap();
        assert_ne!(touched, first);
        touch(modified);
        assert_eq!(stamp(root.path()).unwrap(), first, "touched back");

        fs::write(&file, "other words").unwrap();
        touch(modified);
        let resized = stamp(root.path()).unwrap();
        assert_ne!(resized, first);

        fs::write(root.path().join("many/new.md"), "New.\n").unwrap();
        let added = stamp(root.path()).unwrap();
        assert_ne!(added, resized);

        fs::rename(
            root.path().join("many/new.md"),
            root.path().join("many/renamed.md"),
        )
        .unwrap();
        let renamed = stamp(root.path()).unwrap();
        assert_ne!(renamed, added);

        fs::remove_file(root.path().join("many/renamed.md")).unwrap();
        assert_eq!(stamp(root.path()).unwrap(), resized, "removed again");

        fs::write(root.path().join("metadata.csv"), "file,title\n").unwrap();
        assert_ne!(
            stamp(root.path()).unwrap(),
            resized,
            "a metadata file counts"
        );
        assert_eq!(
            stamp(root.path()).unwrap(),
            discover(root.path()).unwrap().stamp()
        );
    }

    #[test]
    fn a_statement_and_a_metadata_file_of_one_path_stamp_differently() {
        let mut as_statement = StampSum::default();
        as_statement.add(FileKind::Statement, &["metadata.csv"], 10, 1);
        let mut as_sidecar = StampSum::default();
        as_sidecar.add(FileKind::Sidecar, &["metadata.csv"], 10, 1);
        assert_ne!(as_statement.to_hex(), as_sidecar.to_hex());
        let mut in_pieces = StampSum::default();
        in_pieces.add(FileKind::Statement, &["many", "/", "a.md"], 10, 1);
        let mut whole = StampSum::default();
        whole.add(FileKind::Statement, &["many/a.md"], 10, 1);
        assert_eq!(in_pieces.to_hex(), whole.to_hex());
    }
}
