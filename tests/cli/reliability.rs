//! Bad input never costs the rest of the corpus: each broken file gets a clear message (path,
//! line where there is one, what is wrong) and every other statement is still indexed.

use std::fs;

use crate::support::{Run, Verbatim, basic_copy};

/// Adds `bytes` as `name` to a copy of the basic fixture and checks its ingest.
fn ingest_with(
    name: &str,
    bytes: &[u8],
    code: i32,
    message: &str,
) -> (Run, Verbatim, tempfile::TempDir) {
    let corpus = basic_copy();
    fs::write(corpus.path().join(name), bytes).unwrap();
    ingest_checked(corpus, name, code, message)
}

/// Ingests `corpus` and checks the exit code, the message about `name`, and that the basic
/// statements are all still searchable.
fn ingest_checked(
    corpus: tempfile::TempDir,
    name: &str,
    code: i32,
    message: &str,
) -> (Run, Verbatim, tempfile::TempDir) {
    let verbatim = Verbatim::new(corpus.path());
    let run = verbatim.run(&["ingest"]).expect_code(code);
    let path = corpus.path().join(name).display().to_string();
    assert!(
        run.stderr
            .lines()
            .any(|line| line.starts_with(&path) && line.contains(message)),
        "{name}: no line with {message:?}:\n{}",
        run.stderr
    );
    let (_, hits) = verbatim.search("quillfeather", &[]);
    assert_eq!(
        hits.len(),
        1,
        "{name}: the other statements are not all indexed"
    );
    (run, verbatim, corpus)
}

#[test]
fn broken_front_matter_is_reported_with_its_line() {
    for (name, source, message) in [
        (
            "yaml.md",
            "---\ntitle: [unclosed\n---\n\nText.\n",
            ": error: front matter is not valid YAML",
        ),
        (
            "open.md",
            "---\ntitle: Never closed\n\nText.\n",
            ":1: error: front matter opened here is never closed",
        ),
        (
            "soon.md",
            "---\ntitle: T\ndate: soon\n---\n\nText.\n",
            ":3: error: field `date`: `soon` is not a date",
        ),
        (
            "42.md",
            "---\ntitle: T\nsignatories: 42\n---\n\nText.\n",
            ":3: error: field `signatories`: expected a list, found a number",
        ),
        (
            "feb30.md",
            "---\ntitle: T\ndate: 2020-02-30\n---\n\nText.\n",
            ":3: error: field `date`: `2020-02-30` is not a date",
        ),
    ] {
        ingest_with(name, source.as_bytes(), 1, message);
    }
}

#[test]
fn empty_and_front_matter_only_files_are_indexed_without_passages() {
    let corpus = basic_copy();
    fs::write(corpus.path().join("empty.md"), "").unwrap();
    fs::write(
        corpus.path().join("only-front.md"),
        "---\ntitle: Only Front Matter\ndate: 2020-01-01\n---\n",
    )
    .unwrap();
    let verbatim = Verbatim::new(corpus.path());
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert!(
        run.stderr.starts_with("indexed 7 statements, 56 passages"),
        "{}",
        run.stderr
    );
    let check = verbatim.run(&["check"]).expect_code(1);
    assert!(
        check.stdout.contains("empty.md: warning: empty document"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("only-front.md: warning: empty document"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_binary_file_named_md_is_skipped_and_a_stray_nul_dropped() {
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    ingest_with("image.md", &binary, 1, ": error: not a text file");
    let (_, verbatim, _corpus) = ingest_with(
        "nul.md",
        b"---\ntitle: With A Nul\n---\n\nA zephyrine\0 sentence.\n",
        0,
        ": warning: 1 NUL byte(s) in the text were dropped",
    );
    let (_, hits) = verbatim.search("zephyrine", &[]);
    assert_eq!(hits[0]["text"], "A zephyrine sentence.");
}

#[test]
fn a_bom_and_crlf_line_endings_read_normally() {
    let source = "\u{feff}---\r\ntitle: Windows Notes\r\ndate: 2020-05-06\r\n---\r\n\r\n# Part\r\n\r\nFirst marrowlight line\r\nwraps here.\r\n\r\n- an item\r\n";
    let corpus = basic_copy();
    fs::write(corpus.path().join("crlf.md"), source).unwrap();
    let verbatim = Verbatim::new(corpus.path());
    verbatim.run(&["ingest"]).expect_code(0);
    let passages = verbatim.passages("crlf");
    assert_eq!(passages.len(), 2);
    assert_eq!(passages[0]["title"], "Windows Notes");
    assert_eq!(passages[0]["date"], "2020-05-06");
    assert_eq!(passages[0]["section"], "Part");
    assert_eq!(passages[0]["text"], "First marrowlight line wraps here.");
    assert_eq!(passages[0]["line"], 8);
    assert_eq!(passages[1]["text"], "an item");
}

#[test]
fn huge_files_deep_nesting_and_long_lists_are_read_whole() {
    let corpus = basic_copy();
    // 50 MB in 5,000-word paragraphs.
    let paragraph = "Lorem ipsum dolor sit amet. ".repeat(1_000);
    let big = format!(
        "---\ntitle: Big\n---\n\n{}",
        format!("{paragraph}\n\n").repeat(1_900)
    );
    assert!(big.len() > 50_000_000);
    fs::write(corpus.path().join("big.md"), &big).unwrap();
    // One paragraph of 1 MB.
    fs::write(corpus.path().join("one-mb.md"), "word ".repeat(210_000)).unwrap();
    // 10,000 nested block quotes and 10,000 nested list levels.
    fs::write(
        corpus.path().join("quotes.md"),
        format!("{} deepquote\n", ">".repeat(10_000)),
    )
    .unwrap();
    fs::write(
        corpus.path().join("nested.md"),
        format!("{}deeplist\n", "- ".repeat(10_000)),
    )
    .unwrap();
    fs::write(
        corpus.path().join("items.md"),
        "- listitem\n".repeat(100_000),
    )
    .unwrap();
    let verbatim = Verbatim::new(corpus.path());
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert!(
        run.stderr.starts_with("indexed 10 statements"),
        "{}",
        run.stderr
    );
    assert_eq!(verbatim.passages("big").len(), 1_900);
    assert_eq!(verbatim.search("deepquote", &[]).1.len(), 1);
    assert!(!verbatim.search("deeplist", &[]).1.is_empty());
    let (run, _) = verbatim.search("listitem", &["--limit", "1"]);
    assert!(
        run.last_stderr_line().starts_with("100000 hits"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_symlink_loop_is_reported_and_the_rest_indexed() {
    let corpus = basic_copy();
    std::os::unix::fs::symlink(corpus.path(), corpus.path().join("nested").join("loop")).unwrap();
    let verbatim = Verbatim::new(corpus.path());
    let run = verbatim.run(&["ingest"]).expect_code(1);
    assert!(
        run.stderr.contains(&format!(
            "{}: error: a symbolic-link loop back to",
            corpus.path().join("nested").join("loop").display()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("indexed 5 statements"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unreadable_file_is_reported_and_the_rest_indexed() {
    use std::os::unix::fs::PermissionsExt;
    let corpus = basic_copy();
    let locked = corpus.path().join("locked.md");
    fs::write(&locked, "Secret text.\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        eprintln!("running with permission to read anything (root); skipping");
        return;
    }
    ingest_checked(
        corpus,
        "locked.md",
        1,
        ": error: cannot read file: Permission denied",
    );
}

#[test]
fn an_index_folder_that_cannot_be_made_is_an_error() {
    let parent = tempfile::tempdir().unwrap();
    let file = parent.path().join("a-file");
    fs::write(&file, "not a folder").unwrap();
    let index = file.join("index");
    let run = crate::support::bare_command()
        .args([
            "--corpus",
            &crate::support::basic_fixture().display().to_string(),
        ])
        .args(["--index", &index.display().to_string(), "ingest"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(stderr.starts_with("verbatim: error: "), "{stderr}");
    assert!(
        stderr.contains("cannot create the index folder"),
        "{stderr}"
    );
}

#[test]
fn a_damaged_index_says_to_rebuild_and_rebuild_recovers() {
    let verbatim = Verbatim::basic().ingested();
    for entry in fs::read_dir(verbatim.index()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "store") {
            fs::remove_file(path).unwrap();
        }
    }
    let run = verbatim.run(&["search", "lawful"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!(
            "verbatim: error: the index at {} is damaged (",
            verbatim.index().display()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .trim_end()
            .ends_with("run `verbatim ingest --rebuild` to rebuild it from the corpus"),
        "{}",
        run.stderr
    );
    verbatim.run(&["ingest", "--rebuild"]).expect_code(0);
    let (_, hits) = verbatim.search("\"lawful access\"", &[]);
    assert_eq!(hits.len(), 7);
}

#[test]
fn queries_that_cannot_run_are_errors_and_a_long_query_is_not() {
    let verbatim = Verbatim::basic().ingested();
    let long: String = (0..10_000).map(|i| format!("w{i} ")).collect();
    let run = verbatim.run(&["search", &long]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = verbatim.run(&["search", "lawful", "--year", "2020..2018"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("invalid value '2020..2018' for '--year <SPEC>': 2020 is after 2018"),
        "{}",
        run.stderr
    );
}
