//! Metadata from everywhere a researcher keeps it: `check` on a broken corpus, metadata files
//! beside plain texts, HTML pages, and incremental updates that leave citations alone.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Verbatim, basic_copy, copy_dir, repo_path, str_field};

fn broken_fixture() -> PathBuf {
    repo_path("tests/fixtures/broken")
}

/// What `check` must print for `tests/fixtures/broken`, one finding per line, sorted by path.
fn broken_findings(root: &Path) -> Vec<String> {
    let at = |name: &str| root.join(name).display().to_string();
    vec![
        format!(
            "{}:4: error: front matter is not valid YAML: found unexpected end of stream at line 4 column 1, while scanning a quoted scalar at line 2 column 8",
            at("bad-yaml.md")
        ),
        format!(
            "{}: warning: empty document: no text to index",
            at("empty.md")
        ),
        format!(
            "{}: warning: no signatories: none in front matter or a metadata file, and no signature block in the text",
            at("misspelt.md")
        ),
        format!(
            "{}:2: warning: unknown field `titel`; did you mean `title`? (kept as an extra field)",
            at("misspelt.md")
        ),
        format!(
            "{}:4: warning: unknown field `signatorys`; did you mean `signatories`? (kept as an extra field)",
            at("misspelt.md")
        ),
        format!(
            "{}:3: warning: column `date`: `someday` is not a date (expected YYYY-MM-DD or YYYY)",
            at("plain/metadata.csv")
        ),
        format!(
            "{}:4: warning: a row for `missing.txt`, which is not a statement file in this folder",
            at("plain/metadata.csv")
        ),
        format!(
            "{}: warning: no date: none in front matter or a metadata file, and no date line in the text",
            at("plain/note-b.txt")
        ),
        format!(
            "{}: warning: no row in {} and no front matter: its metadata can only be guessed from the text",
            at("plain/note-c.txt"),
            at("plain/metadata.csv")
        ),
        format!(
            "{}: warning: no title: none in front matter or a metadata file, and no heading to take it from",
            at("plain/note-c.txt")
        ),
        format!(
            "{}: warning: no date: none in front matter or a metadata file, and no date line in the text",
            at("plain/note-c.txt")
        ),
        format!(
            "{}: warning: no signatories: none in front matter or a metadata file, and no signature block in the text",
            at("plain/note-c.txt")
        ),
        format!(
            "{}:9: warning: passage 2 has 5001 words (over 5000): probably paragraphs run together by a missing blank line",
            at("runaway.md")
        ),
        format!(
            "{}: error: the document id `same` is already taken by {}; rename one of the two files",
            at("same.txt"),
            at("same.md")
        ),
        format!(
            "{}:4: warning: field `signatories`: `Narnia` is not a country verbatim knows (ISO 3166 names and codes; an organisation can be given as `name:`)",
            at("unknown-country.md")
        ),
        format!(
            "{}:1: error: front matter opened here is never closed: add a line `---` after the last field",
            at("unterminated.md")
        ),
        format!(
            "{}: warning: not valid UTF-8; read as Windows-1252",
            at("windows-1252.md")
        ),
        format!(
            "{}:3: error: field `date`: `soon` is not a date (expected YYYY-MM-DD or YYYY)",
            at("wrong-type.md")
        ),
    ]
}

#[test]
fn check_reports_each_fault_with_its_line_and_touches_no_index() {
    let verbatim = Verbatim::new(broken_fixture());
    let run = verbatim.run(&["check"]).expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines, broken_findings(&broken_fixture()));
    assert_eq!(run.stderr, "checked 14 files: 4 errors, 14 warnings\n");
    assert_eq!(
        fs::read_dir(verbatim.index()).unwrap().count(),
        0,
        "check wrote into the index folder"
    );
}

#[test]
fn check_writes_records_in_every_format() {
    let verbatim = Verbatim::new(broken_fixture());
    let run = verbatim.run(&["check", "--format", "jsonl"]).expect_code(1);
    let records = run.records();
    assert_eq!(records.len(), 18);
    let wrong_type = records
        .iter()
        .find(|r| str_field(r, "path").ends_with("wrong-type.md"))
        .unwrap();
    assert_eq!(wrong_type["line"], 3);
    assert_eq!(wrong_type["level"], "error");
    let csv = verbatim.run(&["check", "--format", "csv"]).expect_code(1);
    assert_eq!(csv.stdout.lines().next(), Some("path,line,level,message"));
    assert_eq!(csv.stdout.lines().count(), 19);
}

#[test]
fn clean_corpora_check_clean() {
    for corpus in [
        repo_path("corpus"),
        repo_path("tests/fixtures/basic"),
        repo_path("tests/fixtures/html"),
    ] {
        let run = Verbatim::new(&corpus).run(&["check"]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, ""),
            "{}",
            corpus.display()
        );
        assert!(run.stderr.ends_with(": no findings\n"), "{}", run.stderr);
    }
}

#[test]
fn ingest_indexes_the_good_files_of_a_broken_corpus_and_exits_1() {
    let verbatim = Verbatim::new(broken_fixture());
    let run = verbatim.run(&["ingest"]).expect_code(1);
    let at = |name: &str| broken_fixture().join(name).display().to_string();
    for skipped in [
        "bad-yaml.md:4",
        "same.txt",
        "unterminated.md:1",
        "wrong-type.md:3",
    ] {
        let (file, _) = skipped.split_once(':').unwrap_or((skipped, ""));
        assert!(
            run.stderr
                .lines()
                .any(|line| line.starts_with(&at(file)) && line.contains(": error: ")),
            "{skipped} not reported:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .contains("verbatim: skipped 4 files; the rest is indexed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `title`?"),
        "{}",
        run.stderr
    );
    assert_eq!(verbatim.doc_ids(&[]).len(), 9);
    let (_, hits) = verbatim.search("résumé", &[]);
    assert_eq!(hits.len(), 1, "the Windows-1252 file is indexed");
}

#[test]
fn strict_ingest_writes_nothing_when_check_finds_anything() {
    let verbatim = Verbatim::new(broken_fixture());
    let run = verbatim.run(&["ingest", "--strict"]).expect_code(2);
    assert!(
        run.stderr.ends_with(
            "verbatim: error: --strict: checked 14 files: 4 errors, 14 warnings; nothing was written\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_dir(verbatim.index()).unwrap().count(), 0);
    let clean = Verbatim::new(repo_path("tests/fixtures/basic"));
    clean.run(&["ingest", "--strict"]).expect_code(0);
}

const COLUMNS: [&str; 8] = [
    "--column",
    "title=heading",
    "--column",
    "signatories=president_full",
    "--column",
    "type=kind",
    "--column",
    "source=link",
];

#[test]
fn plain_texts_take_their_metadata_from_metadata_csv_with_column_mappings() {
    let verbatim = Verbatim::new(repo_path("tests/fixtures/plain-texts"));
    let mut args = vec!["ingest"];
    args.extend(COLUMNS);
    verbatim.run(&args).expect_code(0);
    let docs = verbatim.run(&["docs", "--format", "jsonl"]).expect_code(0);
    let records = docs.records();
    let summary: Vec<(String, String, String, String)> = records
        .iter()
        .map(|r| {
            (
                str_field(r, "title").to_string(),
                str_field(r, "date").to_string(),
                str_field(r, "type").to_string(),
                str_field(r, "source").to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "The Lantern Accord on Secure Messaging".to_string(),
                "2019-03-14".to_string(),
                "accord".to_string(),
                "https://example.org/lantern".to_string()
            ),
            (
                "Harbour Note on Data Retention".to_string(),
                "2020-07-01".to_string(),
                "note".to_string(),
                "https://example.org/harbour".to_string()
            ),
            (
                "Quarry Letter, With A Comma".to_string(),
                "2021".to_string(),
                "open letter".to_string(),
                "https://example.org/quarry".to_string()
            ),
        ]
    );
    assert_eq!(
        records[0]["signatories"],
        serde_json::json!([
            {"name": "Ada Quill", "role": "Minister of Lanterns, Narnia"},
            {"country": "Japan"},
            {"name": "European Union"}
        ])
    );
    // "UK" in the spreadsheet is the canonical United Kingdom.
    assert_eq!(
        records[2]["signatories"],
        serde_json::json!([{"country": "United Kingdom"}])
    );
    assert_eq!(
        records[2]["extra"]["collection"],
        "Plain texts, second batch"
    );
    let (_, hits) = verbatim.search("\"lawful access\"", &["-s", "Japan", "-y", "2019"]);
    assert_eq!(hits.len(), 1);
    assert_eq!(str_field(&hits[0], "citation"), "2019-lantern-accord#2");
}

#[test]
fn the_column_mapping_is_kept_for_later_updates_and_a_changed_row_reindexes_its_file() {
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&repo_path("tests/fixtures/plain-texts"), corpus.path());
    let verbatim = Verbatim::new(corpus.path());
    let mut args = vec!["ingest"];
    args.extend(COLUMNS);
    verbatim.run(&args).expect_code(0);

    let sidecar = corpus.path().join("metadata.csv");
    let text = fs::read_to_string(&sidecar).unwrap();
    fs::write(
        &sidecar,
        text.replace("Harbour Note on Data Retention", "Harbour Note Revised"),
    )
    .unwrap();
    // A search updates the index on its own, reading the spreadsheet as the last ingest did.
    let (run, _) = verbatim.search("retention", &[]);
    assert!(run.stderr.contains("1 changed"), "{}", run.stderr);
    let titles: Vec<String> = verbatim
        .run(&["docs", "--format", "jsonl"])
        .records()
        .iter()
        .map(|r| str_field(r, "title").to_string())
        .collect();
    assert_eq!(
        titles,
        [
            "The Lantern Accord on Secure Messaging",
            "Harbour Note Revised",
            "Quarry Letter, With A Comma"
        ]
    );
}

#[test]
fn inspect_says_a_field_came_from_the_metadata_file() {
    let file = repo_path("tests/fixtures/plain-texts/2020-harbour-note.txt");
    let run = crate::support::bare_command()
        .args(["inspect", &file.display().to_string()])
        .args(COLUMNS)
        .output()
        .unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    let sidecar = repo_path("tests/fixtures/plain-texts/metadata.csv");
    assert!(
        stdout.contains(&format!(
            "title        Harbour Note on Data Retention   ({}, line 3)",
            sidecar.display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("  - | - | Canada   ("), "{stdout}");
}

#[test]
fn html_pages_ingest_with_their_head_sections_and_passages() {
    let verbatim = Verbatim::new(repo_path("tests/fixtures/html"));
    let docs = verbatim.run(&["docs", "--format", "jsonl"]).expect_code(0);
    let records = docs.records();
    assert_eq!(str_field(&records[0], "id"), "2020-encryption-page");
    assert_eq!(
        str_field(&records[0], "title"),
        "Joint Statement on Encryption & Public Safety"
    );
    assert_eq!(str_field(&records[0], "date"), "2020-10-11");
    assert_eq!(
        str_field(&records[0], "issuer"),
        "Ministry of Digital Affairs"
    );
    assert_eq!(
        str_field(&records[1], "title"),
        "Harbour Declaration on Cyber Resilience"
    );
    assert_eq!(
        records[1]["signatories"],
        serde_json::json!([{"country": "Norway"}, {"country": "Denmark"}])
    );

    let passages = verbatim.passages("2020-encryption-page");
    let rows: Vec<(String, String, String)> = passages
        .iter()
        .map(|p| {
            (
                str_field(p, "kind").to_string(),
                str_field(p, "section").to_string(),
                str_field(p, "text").to_string(),
            )
        })
        .collect();
    let row = |kind: &str, section: &str, text: &str| {
        (kind.to_string(), section.to_string(), text.to_string())
    };
    assert!(rows.contains(&row(
        "list-item",
        "Our commitments",
        "embed public safety in system design;"
    )));
    assert!(rows.contains(&row("list-item", "Our commitments", "assess risks early")));
    assert!(rows.contains(&row(
        "table-row",
        "Our commitments > Signatories",
        "United Kingdom | Home Secretary"
    )));
    assert!(rows.contains(&row("quote", "Quotes", "Encryption is an anchor of trust.")));
    assert!(rows.contains(&row("note", "Quotes", "UN Human Rights Council, 2017.")));
    assert!(
        !rows
            .iter()
            .any(|(_, _, text)| text.contains("Crown copyright")
                || text.contains("tracking")
                || text.contains("Skip to main")),
        "page furniture leaked: {rows:?}"
    );
    let (_, hits) = verbatim.search("\"lawful access\"", &[]);
    assert_eq!(str_field(&hits[0], "citation"), "2020-encryption-page#8");
    assert_eq!(hits[0]["line"], 34);
}

#[test]
fn one_ingest_applies_a_change_an_addition_and_a_removal_and_keeps_other_citations() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    let unchanged_before = verbatim.passages("2018-ottawa-communique");

    let tokyo = corpus.path().join("2017-tokyo-declaration.md");
    let text = fs::read_to_string(&tokyo).unwrap();
    fs::write(
        &tokyo,
        text.replace("quillfeather register", "glimmerwick register"),
    )
    .unwrap();
    fs::write(
        corpus.path().join("2024-added-note.md"),
        "---\ntitle: Added Note\ndate: 2024-01-02\nsignatories: [Chile]\n---\n\nA brambleworth passage.\n",
    )
    .unwrap();
    fs::remove_file(corpus.path().join("2021-open-letter.txt")).unwrap();

    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert!(
        run.stderr.contains("(1 added, 1 changed, 1 removed)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("indexed 5 statements, "),
        "{}",
        run.stderr
    );
    assert_eq!(
        verbatim.doc_ids(&[]),
        [
            "2017-tokyo-declaration",
            "2018-ottawa-communique",
            "nested/2019-safe-net-joint-statement",
            "2022-trusted-access-declaration",
            "2024-added-note"
        ]
    );
    assert_eq!(verbatim.search("glimmerwick", &[]).1.len(), 1);
    assert_eq!(verbatim.search("brambleworth", &[]).1.len(), 1);
    assert_eq!(
        verbatim
            .search("quillfeather register", &["--exact"])
            .1
            .len(),
        0
    );
    assert_eq!(
        verbatim.passages("2018-ottawa-communique"),
        unchanged_before
    );
    let gone = verbatim.run(&["show", "2021-open-letter#1"]);
    assert_eq!(gone.code, 2);
}
