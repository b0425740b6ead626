//! Security: verbatim opens no network connection and runs nothing a corpus file contains,
//! records name files relative to the corpus, and `-o` writes the named file and nothing else.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use crate::support::{Verbatim, basic_copy};

/// A statement whose text and metadata look like things a careless tool might run or fetch.
const HOSTILE: &str = "---
title: \"$(touch pwned-title) `touch pwned-backtick`\"
date: 2021-03-04
source: http://127.0.0.1:9/never-fetched
signatories: [\"!!python/object/apply:os.system ['touch pwned-yaml']\"]
---

An ordinary paragraph about the quillfeather, with a link to [a page](http://127.0.0.1:9/x).

<script>fetch('http://127.0.0.1:9/'); require('child_process').exec('touch pwned-script')</script>

<img src=\"http://127.0.0.1:9/pixel.png\" onerror=\"touch pwned-img\">

```sh
touch pwned-code
```
";

fn hostile_corpus() -> tempfile::TempDir {
    let corpus = basic_copy();
    fs::write(corpus.path().join("hostile.md"), HOSTILE).unwrap();
    fs::write(
        corpus.path().join("hostile-page.html"),
        HOSTILE
            .replace("---\ntitle", "<!-- title")
            .replace("\n---\n", " -->\n"),
    )
    .unwrap();
    corpus
}

/// Every `execve`, `socket` and `connect` of a run and of any process it starts, as strace
/// reports them, with the run's exit code.
fn traced(verbatim: &Verbatim, args: &[&str], log: &Path) -> (i32, String) {
    let binary = assert_cmd::cargo::cargo_bin("verbatim");
    let status = Process::new("strace")
        .args(["-f", "-qq", "-e", "trace=execve,socket,connect", "-o"])
        .arg(log)
        .arg(&binary)
        .arg("--corpus")
        .arg(verbatim.corpus())
        .arg("--index")
        .arg(verbatim.index())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("strace runs");
    (
        status.status.code().unwrap_or(-1),
        fs::read_to_string(log).unwrap(),
    )
}

/// strace watches what the binary asks of the kernel; `.ci/run` installs it.
#[test]
fn ingest_and_search_open_no_connection_and_run_nothing_from_the_corpus() {
    if Process::new("strace").arg("-V").output().is_err() {
        eprintln!("strace is not installed; skipping");
        return;
    }
    let corpus = hostile_corpus();
    let verbatim = Verbatim::new(corpus.path());
    let traces = tempfile::tempdir().unwrap();
    let mut calls = String::new();
    for (n, args) in [
        vec!["ingest"],
        vec!["search", "quillfeather", "--format", "json"],
        vec!["show", "hostile", "--format", "json"],
        vec!["export", "--format", "ndjson"],
        vec!["check"],
    ]
    .into_iter()
    .enumerate()
    {
        let (code, log) = traced(&verbatim, &args, &traces.path().join(format!("{n}.log")));
        assert!(
            code == 0 || (args[0] == "check" && code == 1),
            "{args:?} exited {code}"
        );
        calls.push_str(&log);
    }
    let execs: Vec<&str> = calls.lines().filter(|l| l.contains("execve(")).collect();
    assert_eq!(
        execs.len(),
        5,
        "one execve per run, of verbatim itself: {execs:#?}"
    );
    assert!(
        execs.iter().all(|l| l.contains("/verbatim\"")),
        "{execs:#?}"
    );
    let network: Vec<&str> = calls
        .lines()
        .filter(|l| l.contains("connect(") || l.contains("AF_INET"))
        .collect();
    assert!(network.is_empty(), "network calls: {network:#?}");
    let mut created: Vec<String> = fs::read_dir(corpus.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("pwned"))
        .collect();
    created.extend(
        fs::read_dir(".")
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("pwned")),
    );
    assert!(
        created.is_empty(),
        "files made by corpus content: {created:?}"
    );
    // The hostile text is indexed as text.
    let run = verbatim.run(&["show", "hostile#1"]).expect_code(0);
    assert!(
        run.stdout
            .contains("An ordinary paragraph about the quillfeather")
    );
}

#[test]
fn records_name_files_relative_to_the_corpus_whatever_path_was_given() {
    let corpus = basic_copy();
    let absolute = fs::canonicalize(corpus.path()).unwrap();
    let verbatim = Verbatim::new(&absolute);
    let absolute = absolute.to_string_lossy().into_owned();
    for args in [
        vec!["search", "quillfeather", "--format", "json"],
        vec!["search", "quillfeather", "--format", "csv"],
        vec!["docs", "--format", "jsonl"],
        vec!["export", "--format", "ndjson"],
        vec!["show", "2017-tokyo-declaration", "--format", "json"],
    ] {
        let run = verbatim.run(&args);
        assert!(run.code == 0, "{args:?}: {}", run.stderr);
        assert!(!run.stdout.is_empty(), "{args:?} printed nothing");
        assert!(
            !run.stdout.contains(&absolute),
            "{args:?} printed the corpus's absolute path:\n{}",
            run.stdout
        );
    }
    let docs = verbatim.run(&["docs", "--format", "jsonl"]).records();
    let paths: Vec<&str> = docs.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"2017-tokyo-declaration.md"), "{paths:?}");
}

/// The names in a folder, sorted.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn output_file_is_written_whole_and_alone_and_a_failed_run_leaves_it_as_it_was() {
    let verbatim = Verbatim::basic().ingested();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("hits.csv");
    let file_arg = file.to_str().unwrap();
    fs::write(
        &file,
        "an older export that is longer than the new one will be\n".repeat(500),
    )
    .unwrap();

    let printed = verbatim
        .run(&["search", "quillfeather", "--format", "csv"])
        .expect_code(0)
        .stdout;
    let run = verbatim
        .run(&["search", "quillfeather", "--format", "csv", "-o", file_arg])
        .expect_code(0);
    assert_eq!(run.stdout, "", "nothing on stdout when -o is given");
    assert_eq!(fs::read_to_string(&file).unwrap(), printed);
    assert_eq!(names(out.path()), ["hits.csv"]);

    // A run that fails leaves the file as the last good run wrote it, and no temporary file.
    verbatim
        .run(&["search", "\"unbalanced", "--format", "csv", "-o", file_arg])
        .expect_code(2);
    verbatim
        .run(&[
            "search",
            "quillfeather",
            "--fields",
            "nosuchfield",
            "-o",
            file_arg,
        ])
        .expect_code(2);
    assert_eq!(fs::read_to_string(&file).unwrap(), printed);
    assert_eq!(names(out.path()), ["hits.csv"]);

    // Into a folder that does not exist: an error naming it, and nothing made.
    let missing = out.path().join("no-such-folder").join("hits.csv");
    let run = verbatim
        .run(&["search", "quillfeather", "-o", missing.to_str().unwrap()])
        .expect_code(2);
    assert!(run.stderr.contains("no-such-folder"), "{}", run.stderr);
    assert_eq!(names(out.path()), ["hits.csv"]);
}
