//! Faults mid-run: a killed or interrupted ingest, two ingests at once, a search during an
//! ingest. The last committed index always survives, and the next ingest completes it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Run, bare_command, copy_dir};

const WORDS: [&str; 16] = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "lawful",
    "access",
    "encryption",
    "signal",
    "harbour",
    "lantern",
    "quarry",
    "marrow",
    "ember",
    "willow",
    "thistle",
    "glade",
];

/// `files` statements of 40 paragraphs each, the same every time; `edition` changes every
/// paragraph's last word, so that a second edition re-indexes everything.
fn write_corpus(dir: &Path, files: usize, edition: &str) {
    for file in 0..files {
        let mut text = format!("---\ntitle: Statement {file}\ndate: 2020-01-01\n---\n\n");
        for paragraph in 0..40 {
            let words: Vec<&str> = (0..50)
                .map(|i| WORDS[(file * 7 + paragraph * 3 + i) % WORDS.len()])
                .collect();
            text.push_str(&format!("{} {edition}.\n\n", words.join(" ")));
        }
        std::fs::write(dir.join(format!("doc-{file:04}.md")), text).unwrap();
    }
}

/// Every passage the index at `index` holds, read without updating it (no corpus given).
fn content(index: &Path) -> Vec<String> {
    let output = bare_command()
        .args(["--corpus", "/nonexistent-corpus-folder"])
        .args(["--index", &index.display().to_string()])
        .args(["export", "--format", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

fn spawn_ingest(corpus: &Path, index: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("verbatim"))
        .args(["--corpus", &corpus.display().to_string()])
        .args(["--index", &index.display().to_string(), "ingest"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A corpus indexed in its first edition and then rewritten as its second, with the content of
/// both states.
struct Scenario {
    corpus: tempfile::TempDir,
    first: tempfile::TempDir,
    first_content: Vec<String>,
    second_content: Vec<String>,
    second_ingest: Duration,
}

fn scenario(files: usize) -> Scenario {
    let corpus = tempfile::tempdir().unwrap();
    write_corpus(corpus.path(), files, "first");
    let first = tempfile::tempdir().unwrap();
    run_ingest(corpus.path(), first.path());
    let first_content = content(first.path());
    write_corpus(corpus.path(), files, "second");
    let second = tempfile::tempdir().unwrap();
    copy_dir(first.path(), second.path());
    let started = Instant::now();
    run_ingest(corpus.path(), second.path());
    let second_ingest = started.elapsed();
    let second_content = content(second.path());
    assert_ne!(first_content, second_content);
    Scenario {
        corpus,
        first,
        first_content,
        second_content,
        second_ingest,
    }
}

fn run_ingest(corpus: &Path, index: &Path) -> Run {
    let output = bare_command()
        .args(["--corpus", &corpus.display().to_string()])
        .args(["--index", &index.display().to_string(), "ingest"])
        .output()
        .unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn an_ingest_killed_at_any_point_leaves_the_last_commit_and_the_next_ingest_completes() {
    let scenario = scenario(1_500);
    let trials = 20;
    let mut killed_before_commit = 0;
    for trial in 0..trials {
        let index = tempfile::tempdir().unwrap();
        copy_dir(scenario.first.path(), index.path());
        let mut child = spawn_ingest(scenario.corpus.path(), index.path());
        // Spread the kills over the whole ingest, and a little past it.
        let delay = scenario
            .second_ingest
            .mul_f64(1.1 * trial as f64 / trials as f64);
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let after_kill = content(index.path());
        assert!(
            after_kill == scenario.first_content || after_kill == scenario.second_content,
            "trial {trial} ({delay:?}): the index holds neither committed state"
        );
        if after_kill == scenario.first_content {
            killed_before_commit += 1;
        }
        run_ingest(scenario.corpus.path(), index.path());
        assert_eq!(
            content(index.path()),
            scenario.second_content,
            "trial {trial} ({delay:?}): the ingest after the kill differs from an uninterrupted one"
        );
    }
    eprintln!("{killed_before_commit} of {trials} kills landed before the commit");
}

/// SIGINT's number on Linux.
const SIGINT: u32 = 2;

#[test]
fn ctrl_c_stops_an_ingest_cleanly_and_writes_nothing() {
    let scenario = scenario(1_500);
    let index = tempfile::tempdir().unwrap();
    copy_dir(scenario.first.path(), index.path());
    let child = spawn_ingest(scenario.corpus.path(), index.path());
    // Interrupt once the ingest catches SIGINT (its handler is installed first thing), a third
    // into its work: a fixed delay alone can land before start-up on a loaded machine.
    let catches_sigint = || {
        std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .ok()
            .and_then(|status| {
                let mask = status
                    .lines()
                    .find_map(|line| line.strip_prefix("SigCgt:"))?;
                u64::from_str_radix(mask.trim(), 16).ok()
            })
            .is_some_and(|mask| mask & (1 << (SIGINT - 1)) != 0)
    };
    let waiting_since = std::time::Instant::now();
    while !catches_sigint() && waiting_since.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(
        catches_sigint(),
        "the ingest never installed its Ctrl-C handler"
    );
    std::thread::sleep(scenario.second_ingest / 3);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(
            "interrupted: nothing was written; the index is as the last complete ingest left it"
        ),
        "{stderr}"
    );
    assert_eq!(content(index.path()), scenario.first_content);
}

#[test]
fn a_second_ingest_is_refused_and_a_search_reads_the_last_commit_meanwhile() {
    let scenario = scenario(2_000);
    let index = tempfile::tempdir().unwrap();
    copy_dir(scenario.first.path(), index.path());
    let child = spawn_ingest(scenario.corpus.path(), index.path());
    std::thread::sleep(scenario.second_ingest / 4);

    let second = bare_command()
        .args(["--corpus", &scenario.corpus.path().display().to_string()])
        .args(["--index", &index.path().display().to_string(), "ingest"])
        .output()
        .unwrap();
    let search = bare_command()
        .args(["--corpus", &scenario.corpus.path().display().to_string()])
        .args(["--index", &index.path().display().to_string()])
        .args(["search", "first", "--limit", "1", "--format", "jsonl"])
        .output()
        .unwrap();
    let first = child.wait_with_output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "the first ingest must complete"
    );

    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is being written by another process; try again when it has finished"),
        "{stderr}"
    );
    let stderr = String::from_utf8_lossy(&search.stderr);
    assert_eq!(search.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "the index is being updated by another process; reading its last complete state"
        ),
        "{stderr}"
    );
    assert_eq!(content(index.path()), scenario.second_content);
}
