//! What `check` and `ingest` say about a corpus file: one line per finding, as compilers do.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The file cannot be indexed.
    Error,
    /// The file is indexed, but something in it is probably not what its author meant.
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One thing wrong with one file, at a line when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub level: Level,
    pub message: String,
}

impl Finding {
    pub fn warning(path: &Path, line: Option<usize>, message: impl Into<String>) -> Finding {
        Finding {
            path: path.to_path_buf(),
            line,
            level: Level::Warning,
            message: message.into(),
        }
    }

    pub fn error(path: &Path, line: Option<usize>, message: impl Into<String>) -> Finding {
        Finding {
            path: path.to_path_buf(),
            line,
            level: Level::Error,
            message: message.into(),
        }
    }

    /// The finding for an error that stopped `path` from being read, with the error's own line
    /// and without repeating the path its message would otherwise start with.
    pub fn from_error(path: &Path, err: &Error) -> Finding {
        match err {
            Error::FrontMatter { line, message, .. } => Finding::error(path, Some(*line), message),
            Error::Read { source, .. } => {
                Finding::error(path, None, format!("cannot read file: {source}"))
            }
            Error::DuplicateId { id, first, .. } => Finding::error(
                path,
                None,
                format!(
                    "the document id `{id}` is already taken by {}; rename one of the two files",
                    first.display()
                ),
            ),
            Error::NotText { .. } => Finding::error(
                path,
                None,
                "not a text file (it is mostly control bytes, as binary files are)",
            ),
            other => Finding::error(path, None, other.to_string()),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.level.as_str(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_read_like_compiler_messages() {
        let path = Path::new("corpus/a.md");
        assert_eq!(
            Finding::warning(path, Some(3), "no date").to_string(),
            "corpus/a.md:3: warning: no date"
        );
        let err = Error::FrontMatter {
            path: path.to_path_buf(),
            line: 2,
            message: "front matter is not valid YAML".to_string(),
        };
        assert_eq!(
            Finding::from_error(path, &err).to_string(),
            "corpus/a.md:2: error: front matter is not valid YAML"
        );
    }
}
