//! `check`: linting a corpus without touching the index, the way a compiler reports a crate.

use std::path::Path;

use rayon::prelude::*;

use crate::corpus::{
    CorpusFile, Finding, Level, ParsedStatement, Provenance, Sidecars, discover, load, word_count,
};
use crate::error::{Error, Result};

/// A passage longer than this is almost always several run together: a missing blank line, or
/// markup the parser did not understand.
pub const MAX_PASSAGE_WORDS: usize = 5_000;

/// What `check` found in a corpus.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Statement and metadata files looked at.
    pub files: usize,
    /// Sorted by path, then line.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

/// Reads every file of the corpus at `root` as `ingest` would and reports what is wrong or
/// doubtful in each.
pub fn check(root: &Path, columns: &[(String, String)]) -> Result<CheckReport> {
    let corpus = discover(root)?;
    let sidecars = Sidecars::read(&corpus, columns);
    let mut findings: Vec<Finding> = corpus
        .unreadable
        .iter()
        .cloned()
        .chain(sidecars.failures.iter().map(|(_, finding)| finding.clone()))
        .chain(sidecars.warnings.iter().cloned())
        .collect();
    let per_file: Vec<Vec<Finding>> = corpus
        .files
        .par_iter()
        .map(|file| check_file(root, file, &sidecars))
        .collect();
    findings.extend(per_file.into_iter().flatten());
    findings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(CheckReport {
        files: corpus.files.len() + corpus.sidecars.len(),
        findings,
    })
}

fn check_file(root: &Path, file: &CorpusFile, sidecars: &Sidecars) -> Vec<Finding> {
    let path = &file.abs_path;
    if let Some(first) = &file.duplicate_of {
        let err = Error::DuplicateId {
            id: file.id.clone(),
            first: root.join(first),
            second: path.clone(),
        };
        return vec![Finding::from_error(path, &err)];
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(source) => {
            let err = Error::Read {
                path: path.clone(),
                source,
            };
            return vec![Finding::from_error(path, &err)];
        }
    };
    let loaded = load(file, &bytes, sidecars);
    let mut findings = loaded.warnings;
    match loaded.parsed {
        Ok(parsed) => findings.extend(lint(path, &parsed)),
        Err(err) => findings.push(Finding::from_error(path, &err)),
    }
    findings
}

/// Doubts about a statement that parsed: metadata nothing gave, no text, runaway passages.
fn lint(path: &Path, parsed: &ParsedStatement) -> Vec<Finding> {
    let mut findings = Vec::new();
    let statement = &parsed.statement;
    if parsed.provenance.title == Provenance::Default {
        findings.push(Finding::warning(
            path,
            None,
            "no title: none in front matter or a metadata file, and no heading to take it from",
        ));
    }
    if statement.date.is_none() {
        findings.push(Finding::warning(
            path,
            None,
            "no date: none in front matter or a metadata file, and no date line in the text",
        ));
    }
    if statement.signatories.is_empty() {
        findings.push(Finding::warning(
            path,
            None,
            "no signatories: none in front matter or a metadata file, and no signature block in the text",
        ));
    }
    if parsed.passages.is_empty() {
        findings.push(Finding::warning(
            path,
            None,
            "empty document: no text to index",
        ));
    }
    for passage in &parsed.passages {
        let words = word_count(&passage.text);
        if words > MAX_PASSAGE_WORDS {
            findings.push(Finding::warning(
                path,
                Some(passage.line as usize),
                format!(
                    "passage {} has {words} words (over {MAX_PASSAGE_WORDS}): probably paragraphs run together by a missing blank line",
                    passage.n
                ),
            ));
        }
    }
    findings
}
