//! Reading statement files with their folders' metadata files: the one path from bytes on disk
//! to a parsed statement, shared by `ingest`, `check` and `inspect`.

use std::collections::HashMap;
use std::path::Path;

use super::sidecar::Sidecar;
use super::{
    Corpus, CorpusFile, Finding, ParsedStatement, SidecarEntry, SidecarRow, decode_source,
    folder_of, parse_statement, signatory_from_text, split_front_matter,
};
use crate::error::{Error, Result};

/// The metadata files of a corpus, read, by the folder they describe.
#[derive(Debug, Default)]
pub struct Sidecars {
    by_folder: HashMap<String, (Sidecar, std::path::PathBuf)>,
    /// Metadata files that could not be read at all, by relative path: their folders' files are
    /// indexed without them.
    pub failures: Vec<(String, Finding)>,
    /// Rows with a bad value, rows for files that do not exist, second metadata files.
    pub warnings: Vec<Finding>,
}

impl Sidecars {
    /// Reads every metadata file of `corpus`, mapping foreign column names with `columns`.
    pub fn read(corpus: &Corpus, columns: &[(String, String)]) -> Sidecars {
        let mut sidecars = Sidecars::default();
        for file in &corpus.sidecars {
            let folder = folder_of(&file.rel_path).to_string();
            if let Some((_, first)) = sidecars.by_folder.get(&folder) {
                sidecars.warnings.push(Finding::warning(
                    &file.abs_path,
                    None,
                    format!(
                        "a second metadata file in this folder; only {} is read",
                        first.display()
                    ),
                ));
                continue;
            }
            match Sidecar::read(&file.abs_path, columns, &signatory_from_text) {
                Ok(sidecar) => {
                    sidecars.warnings.extend(
                        sidecar
                            .problems
                            .iter()
                            .map(|problem| sidecar_finding(problem, false)),
                    );
                    let names: Vec<&str> = corpus
                        .files
                        .iter()
                        .filter(|statement| folder_of(&statement.rel_path) == folder)
                        .map(|statement| file_name(&statement.rel_path))
                        .collect();
                    for row in sidecar.unmatched(&names) {
                        sidecars.warnings.push(Finding::warning(
                            &file.abs_path,
                            Some(row.line),
                            format!(
                                "a row for `{}`, which is not a statement file in this folder",
                                row.key
                            ),
                        ));
                    }
                    sidecars
                        .by_folder
                        .insert(folder, (sidecar, file.abs_path.clone()));
                }
                Err(err) => sidecars
                    .failures
                    .push((file.rel_path.clone(), sidecar_finding(&err, true))),
            }
        }
        sidecars
    }

    /// The row describing `file`, if its folder has a metadata file with one.
    pub fn entry_for(&self, file: &CorpusFile) -> Option<SidecarEntry<'_>> {
        let (sidecar, path) = self.by_folder.get(folder_of(&file.rel_path))?;
        let row = sidecar.row_for(file_name(&file.rel_path))?;
        Some(SidecarEntry { path, row })
    }

    /// The metadata file of `file`'s folder, when there is a readable one.
    fn covering(&self, file: &CorpusFile) -> Option<&Path> {
        self.by_folder
            .get(folder_of(&file.rel_path))
            .map(|(_, path)| path.as_path())
    }
}

fn file_name(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or(rel_path, |(_, name)| name)
}

/// A metadata-file problem as a finding with its own path and line.
fn sidecar_finding(err: &super::sidecar::SidecarError, fatal: bool) -> Finding {
    use super::sidecar::SidecarError;
    let (path, line, message) = match err {
        SidecarError::Read { path, source } => (path, None, format!("cannot read file: {source}")),
        SidecarError::At {
            path,
            line,
            message,
        } => (path, Some(*line), message.clone()),
    };
    if fatal {
        Finding::error(
            path,
            line,
            format!("{message}; the metadata file is not used"),
        )
    } else {
        Finding::warning(path, line, message.clone())
    }
}

/// A fingerprint of the metadata a row gives, so that a file is indexed again when its row
/// changes even though the file itself did not.
pub fn row_fingerprint(row: &SidecarRow) -> String {
    let mut row = row.clone();
    // Where the row sits does not change what it says.
    row.line = 0;
    blake3::hash(format!("{row:?}").as_bytes())
        .to_hex()
        .to_string()
}

/// Whether a file is binary rather than text: more than a tenth of its first 8 KiB are control
/// bytes other than tabs, line and page breaks (a stray NUL in a text is dropped instead).
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 10 > sample.len()
}

/// A statement file read and parsed, with the doubts met on the way.
pub struct Loaded {
    pub parsed: Result<ParsedStatement>,
    pub warnings: Vec<Finding>,
}

/// Decodes and parses one statement file's bytes with its metadata row.
pub fn load(file: &CorpusFile, bytes: &[u8], sidecars: &Sidecars) -> Loaded {
    let mut warnings = Vec::new();
    if looks_binary(bytes) {
        let err = Error::NotText {
            path: file.abs_path.clone(),
        };
        return Loaded {
            parsed: Err(err),
            warnings,
        };
    }
    let nuls = bytes.iter().filter(|&&byte| byte == 0).count();
    let without_nuls;
    let bytes = if nuls > 0 {
        warnings.push(Finding::warning(
            &file.abs_path,
            None,
            format!("{nuls} NUL byte(s) in the text were dropped"),
        ));
        without_nuls = bytes
            .iter()
            .copied()
            .filter(|&byte| byte != 0)
            .collect::<Vec<_>>();
        &without_nuls[..]
    } else {
        bytes
    };
    let (source, windows_1252) = decode_source(bytes);
    if windows_1252 {
        warnings.push(Finding::warning(
            &file.abs_path,
            None,
            "not valid UTF-8; read as Windows-1252",
        ));
    }
    let entry = sidecars.entry_for(file);
    if entry.is_none()
        && let Some(sidecar) = sidecars.covering(file)
        && split_front_matter(&source).yaml.is_none()
    {
        warnings.push(Finding::warning(
            &file.abs_path,
            None,
            format!(
                "no row in {} and no front matter: its metadata can only be guessed from the text",
                sidecar.display()
            ),
        ));
    }
    let parsed = parse_statement(file, &source, entry);
    if let Ok(parsed) = &parsed {
        warnings.extend(parsed.warnings.iter().cloned());
    }
    Loaded { parsed, warnings }
}
