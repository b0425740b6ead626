//! Running the `verbatim` binary on a corpus with a fresh index and a clean environment, and
//! reading what it prints.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// A path inside the repository.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The five fictional statements described in `tests/fixtures/MANIFEST.md`.
pub fn basic_fixture() -> PathBuf {
    repo_path("tests/fixtures/basic")
}

/// Two statements that share the id `same-id`.
pub fn duplicate_ids_fixture() -> PathBuf {
    repo_path("tests/fixtures/duplicate-ids")
}

/// The shipped corpus: one real 2020 statement.
pub fn shipped_corpus() -> PathBuf {
    repo_path("corpus")
}

/// The id of the one statement in the shipped corpus.
pub const SHIPPED_ID: &str = "2020-10-11-international-statement-e2ee-public-safety";

/// The `verbatim` binary with nothing inherited that could change its behaviour.
pub fn bare_command() -> Command {
    let mut command = Command::cargo_bin("verbatim").expect("the verbatim binary is built");
    command
        .env_remove("VERBATIM_INDEX")
        .env_remove("VERBATIM_CORPUS")
        .env_remove("VERBATIM_INGEST_MEMORY")
        .env("NO_COLOR", "1");
    command
}

/// What one run printed, and how it ended.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(output: std::process::Output) -> Run {
        Run {
            code: output.status.code().expect("verbatim exited normally"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// The last line on stderr: the hit summary for `search`.
    pub fn last_stderr_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or("")
    }

    /// Panics with everything printed unless the run ended with `code`.
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}, got {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// The stdout of a `--format jsonl` run, one value per line.
    pub fn records(&self) -> Vec<Value> {
        jsonl(&self.stdout)
    }

    /// The stdout of a `--format json` run.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}):\n{}", self.stdout))
    }
}

/// `verbatim --corpus CORPUS --index <fresh temporary folder>`.
pub struct Verbatim {
    corpus: PathBuf,
    index: TempDir,
}

impl Verbatim {
    pub fn new(corpus: impl Into<PathBuf>) -> Verbatim {
        Verbatim {
            corpus: corpus.into(),
            index: TempDir::new().expect("a temporary index folder"),
        }
    }

    /// On `tests/fixtures/basic`.
    pub fn basic() -> Verbatim {
        Verbatim::new(basic_fixture())
    }

    /// On the shipped corpus.
    pub fn shipped() -> Verbatim {
        Verbatim::new(shipped_corpus())
    }

    pub fn corpus(&self) -> &Path {
        &self.corpus
    }

    pub fn index(&self) -> &Path {
        self.index.path()
    }

    /// The command with the corpus and index given, ready for a subcommand.
    pub fn command(&self) -> Command {
        let mut command = bare_command();
        command
            .arg("--corpus")
            .arg(&self.corpus)
            .arg("--index")
            .arg(self.index.path());
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from_output(self.command().args(args).output().expect("verbatim runs"))
    }

    /// `run` with one environment variable set.
    pub fn run_with_env(&self, (variable, value): (&str, &str), args: &[&str]) -> Run {
        let mut command = self.command();
        command.env(variable, value).args(args);
        Run::from_output(command.output().expect("verbatim runs"))
    }

    /// Builds the index first, so later commands print no ingest notice.
    pub fn ingested(self) -> Verbatim {
        self.run(&["ingest"]).expect_code(0);
        self
    }

    /// `search QUERY EXTRA… --format jsonl`, which must exit 0 (hits) or 1 (none).
    pub fn search(&self, query: &str, extra: &[&str]) -> (Run, Vec<Value>) {
        let mut args = vec!["search", query];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "jsonl"]);
        let run = self.run(&args);
        assert!(
            run.code == 0 || run.code == 1,
            "search {query:?} {extra:?} failed with {}:\n{}",
            run.code,
            run.stderr
        );
        let hits = run.records();
        (run, hits)
    }

    /// The ids `docs FILTERS…` lists, in order.
    pub fn doc_ids(&self, filters: &[&str]) -> Vec<String> {
        let mut args = vec!["docs"];
        args.extend_from_slice(filters);
        args.extend_from_slice(&["--format", "jsonl"]);
        let run = self.run(&args);
        assert!(
            run.code == 0 || run.code == 1,
            "docs {filters:?} failed with {}:\n{}",
            run.code,
            run.stderr
        );
        run.records()
            .iter()
            .map(|statement| str_field(statement, "id").to_string())
            .collect()
    }

    /// Every passage of a statement, from `show DOC --format jsonl`.
    pub fn passages(&self, doc: &str) -> Vec<Value> {
        self.run(&["show", doc, "--format", "jsonl"])
            .expect_code(0)
            .records()
    }
}

/// JSON Lines into values.
pub fn jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("not a JSON line ({err}): {line}"))
        })
        .collect()
}

/// A string field of a record.
pub fn str_field<'a>(record: &'a Value, field: &str) -> &'a str {
    record[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` is not a string in {record}"))
}

/// The `citation` of every record, in order.
pub fn citations(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|record| str_field(record, "citation").to_string())
        .collect()
}

/// The same, sorted, for comparisons where the ranking is not the point.
pub fn sorted_citations(records: &[Value]) -> Vec<String> {
    let mut cites = citations(records);
    cites.sort();
    cites
}

/// The substrings of a hit's `text` that its `matches` ranges cover.
pub fn matched(hit: &Value) -> Vec<String> {
    let text = str_field(hit, "text");
    let ranges = hit["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("no `matches` in {hit}"));
    assert_eq!(
        hit["match_count"].as_u64(),
        Some(ranges.len() as u64),
        "match_count disagrees with matches in {hit}"
    );
    ranges
        .iter()
        .map(|range| {
            let start = range[0].as_u64().expect("a start offset") as usize;
            let end = range[1].as_u64().expect("an end offset") as usize;
            assert!(
                start < end && end <= text.len(),
                "bad range {range} in {hit}"
            );
            text.get(start..end)
                .unwrap_or_else(|| panic!("range {range} splits a character in {text:?}"))
                .to_string()
        })
        .collect()
}

/// The hit with this citation.
pub fn hit<'a>(hits: &'a [Value], citation: &str) -> &'a Value {
    hits.iter()
        .find(|hit| hit["citation"] == citation)
        .unwrap_or_else(|| panic!("no hit {citation} among {:?}", citations(hits)))
}

/// Owned strings, for comparing with lists of `&str`.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

/// `DOC#n` for each n.
pub fn cites_of(doc: &str, ns: &[u64]) -> Vec<String> {
    ns.iter().map(|n| format!("{doc}#{n}")).collect()
}

/// A copy of a folder (hidden entries included), to change without touching the fixtures.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    for entry in std::fs::read_dir(from).expect("read the folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// A writable copy of the basic fixture in a temporary folder.
pub fn basic_copy() -> TempDir {
    let dir = TempDir::new().expect("a temporary corpus folder");
    copy_dir(&basic_fixture(), dir.path());
    dir
}

pub const TOKYO: &str = "2017-tokyo-declaration";
pub const OTTAWA: &str = "2018-ottawa-communique";
pub const SAFE_NET: &str = "nested/2019-safe-net-joint-statement";
pub const LETTER: &str = "2021-open-letter";
pub const TRUSTED: &str = "2022-trusted-access-declaration";
