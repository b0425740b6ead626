//! `verbatim ingest` and the automatic ingest of read commands: summaries, no-op runs, and
//! incremental updates on a copy of the fixture.

use std::fs;
use std::time::{Duration, SystemTime};

use crate::support::{
    TOKYO, Verbatim, bare_command, basic_copy, basic_fixture, citations, matched, sorted_citations,
    str_field,
};

/// "indexed 5 statements, 56 passages in 0.08s (5 added)": everything but the time.
fn assert_summary(line: &str, counts: &str, changes: &str) {
    let prefix = format!("indexed {counts} in ");
    let suffix = format!("s ({changes})");
    assert!(
        line.starts_with(&prefix) && line.ends_with(&suffix),
        "{line:?} is not `{prefix}N.NN{suffix}`"
    );
    let seconds = &line[prefix.len()..line.len() - suffix.len()];
    assert!(
        seconds.parse::<f64>().is_ok() && seconds.contains('.'),
        "{seconds:?} is not a time in seconds"
    );
}

#[test]
fn ingest_reports_statements_passages_and_additions() {
    let verbatim = Verbatim::basic();
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_summary(
        run.stderr.trim_end(),
        "5 statements, 56 passages",
        "5 added",
    );
}

#[test]
fn second_ingest_with_nothing_changed_does_nothing() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert_eq!(
        run.stderr,
        "index is up to date: 5 statements, 56 passages; nothing to do\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn rebuild_reindexes_everything_and_says_why() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["ingest", "--rebuild"]).expect_code(0);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert_eq!(
        lines[0],
        "verbatim: rebuilt the index because --rebuild was given"
    );
    assert_summary(lines[1], "5 statements, 56 passages", "5 added");
}

#[test]
fn read_commands_ingest_a_missing_index_with_a_one_line_notice() {
    let verbatim = Verbatim::basic();
    let run = verbatim.run(&["search", "quillfeather"]).expect_code(0);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    let notice = lines[0];
    let prefix = format!(
        "verbatim: built the index in {}; ",
        verbatim.index().display()
    );
    assert!(notice.starts_with(&prefix), "{notice}");
    let from = format!(" from {}", verbatim.corpus().display());
    assert!(notice.ends_with(&from), "{notice}");
    assert_summary(
        &notice[prefix.len()..notice.len() - from.len()],
        "5 statements, 56 passages",
        "5 added",
    );
    assert_eq!(lines[1], "1 hit in 1 statement");

    // Once built, no notice.
    for args in [&["search", "quillfeather"][..], &["docs"], &["show", TOKYO]] {
        let run = verbatim.run(args).expect_code(0);
        assert!(
            !run.stderr.contains("verbatim: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn docs_and_show_also_ingest_a_missing_index() {
    for args in [&["docs"][..], &["show", "2017-tokyo-declaration#1"]] {
        let verbatim = Verbatim::basic();
        let run = verbatim.run(args).expect_code(0);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        let notice = format!(
            "verbatim: built the index in {}; indexed 5 statements, 56 passages in ",
            verbatim.index().display()
        );
        assert!(run.stderr.starts_with(&notice), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn changing_one_file_reindexes_only_that_file() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    let file = corpus.path().join("2017-tokyo-declaration.md");
    let source = fs::read_to_string(&file).unwrap();
    let changed = source.replace("quillfeather register", "quillfeather registry zorblat");
    assert_ne!(source, changed);
    fs::write(&file, changed).unwrap();

    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert_summary(
        run.stderr.trim_end(),
        "5 statements, 56 passages",
        "1 changed",
    );

    let (_, hits) = verbatim.search("zorblat", &[]);
    assert_eq!(citations(&hits), ["2017-tokyo-declaration#10"]);
    assert_eq!(
        hits[0]["text"],
        "Governments will maintain a quillfeather registry zorblat of trusted suppliers."
    );
    // The old text is gone, not duplicated.
    let (run, hits) = verbatim.search("register", &["--exact"]);
    assert!(hits.is_empty(), "{:?}", citations(&hits));
    assert_eq!(run.code, 1);
    let (_, hits) = verbatim.search("quillfeather", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        verbatim.run(&["ingest"]).expect_code(0).stderr,
        "index is up to date: 5 statements, 56 passages; nothing to do\n"
    );
}

#[test]
fn search_after_a_change_reingests_with_a_notice() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    let file = corpus.path().join("2021-open-letter.txt");
    let source = fs::read_to_string(&file).unwrap();
    fs::write(&file, source.replace("brambleton", "glimmerwick")).unwrap();

    let (run, hits) = verbatim.search("glimmerwick", &[]);
    assert_eq!(citations(&hits), ["2021-open-letter#8"]);
    assert_eq!(matched(&hits[0]), ["glimmerwick"]);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(
        lines[0].starts_with("verbatim: the corpus changed since the last ingest; updated the index; indexed 5 statements, 56 passages in ")
            && lines[0].contains("(1 changed)"),
        "{}",
        lines[0]
    );
    let (run, _) = verbatim.search("brambleton", &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "0 hits in 0 statements\n");
}

#[test]
fn no_refresh_reads_the_index_as_last_ingested_until_the_next_ingest() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    let file = corpus.path().join("2021-open-letter.txt");
    let source = fs::read_to_string(&file).unwrap();
    fs::write(&file, source.replace("brambleton", "glimmerwick")).unwrap();

    // The edit is not seen, and nothing is written or announced.
    let (run, hits) = verbatim.search("brambleton", &["--no-refresh"]);
    assert_eq!(citations(&hits), ["2021-open-letter#8"]);
    assert_eq!(run.stderr, "1 hit in 1 statement\n");
    let (run, _) = verbatim.search("glimmerwick", &["--no-refresh"]);
    assert_eq!(run.code, 1);
    for command in [
        vec!["show", "2021-open-letter#8", "--no-refresh"],
        vec!["docs", "--no-refresh"],
        vec!["export", "--no-refresh"],
        vec!["timeline", "brambleton", "--no-refresh"],
    ] {
        let run = verbatim.run(&command).expect_code(0);
        assert!(
            !run.stderr.contains("the corpus changed"),
            "{command:?}: {}",
            run.stderr
        );
    }
    let shown = verbatim
        .run(&["show", "2021-open-letter#8", "--no-refresh"])
        .expect_code(0);
    assert!(shown.stdout.contains("brambleton"), "{}", shown.stdout);

    // Without the flag the change is ingested, and --no-refresh then sees it too.
    let (_, hits) = verbatim.search("glimmerwick", &[]);
    assert_eq!(citations(&hits), ["2021-open-letter#8"]);
    let (_, hits) = verbatim.search("glimmerwick", &["--no-refresh"]);
    assert_eq!(citations(&hits), ["2021-open-letter#8"]);
}

#[test]
fn no_refresh_without_an_index_says_how_to_make_one() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&["search", "brambleton", "--no-refresh"])
        .expect_code(2);
    assert_eq!(
        run.stderr,
        format!(
            "verbatim: error: there is no index at {} to read as it stands; run `verbatim ingest` first, or leave out --no-refresh\n",
            verbatim.index().display()
        )
    );
    assert!(!verbatim.index().join("meta.json").exists());
    // Commands that read the corpus rather than the index do not take it.
    let run = verbatim.run(&["ingest", "--no-refresh"]).expect_code(2);
    assert!(
        run.stderr.contains("unexpected argument '--no-refresh'"),
        "{}",
        run.stderr
    );
}

#[test]
fn ingest_memory_is_given_by_flag_or_environment_and_checked_against_tantivys_bounds() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&["ingest", "--ingest-memory", "16M"])
        .expect_code(0);
    assert_summary(
        run.stderr.trim_end(),
        "5 statements, 56 passages",
        "5 added",
    );
    let (_, hits) = verbatim.search("brambleton", &[]);
    assert_eq!(citations(&hits), ["2021-open-letter#8"]);

    let run = verbatim
        .run(&["ingest", "--rebuild", "--ingest-memory", "10M"])
        .expect_code(2);
    assert_eq!(
        run.stderr,
        "verbatim: error: invalid value '10M' for '--ingest-memory <SIZE>': `10M` is outside \
         what tantivy's writer accepts: 15M to 4095M; set by --ingest-memory or \
         VERBATIM_INGEST_MEMORY\n\nFor more information, try '--help'.\n"
    );
    // The automatic update before a search reads the variable too, and a bad value stops the
    // search before anything is read or written.
    let fresh = Verbatim::basic();
    let run = fresh
        .run_with_env(
            ("VERBATIM_INGEST_MEMORY", "lots"),
            &["search", "brambleton"],
        )
        .expect_code(2);
    assert!(
        run.stderr
            .contains("`lots` is not a size such as 512M or 1G")
            && run
                .stderr
                .contains("set by --ingest-memory or VERBATIM_INGEST_MEMORY"),
        "{}",
        run.stderr
    );
    assert!(!fresh.index().join("meta.json").exists());
    fresh
        .run_with_env(
            ("VERBATIM_INGEST_MEMORY", "1.5G"),
            &["search", "brambleton"],
        )
        .expect_code(0);
    assert!(fresh.index().join("meta.json").exists());

    // --no-refresh never ingests: the flag beside it is refused, the variable left alone.
    let run = fresh
        .run(&[
            "search",
            "brambleton",
            "--no-refresh",
            "--ingest-memory",
            "1G",
        ])
        .expect_code(2);
    assert!(
        run.stderr.starts_with(
            "verbatim: error: --ingest-memory has no effect with --no-refresh, which never ingests"
        ),
        "{}",
        run.stderr
    );
    fresh
        .run_with_env(
            ("VERBATIM_INGEST_MEMORY", "1G"),
            &["search", "brambleton", "--no-refresh"],
        )
        .expect_code(0);
}

#[test]
fn adding_and_removing_a_file_updates_the_index() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    let added = corpus.path().join("nested").join("2023-extra-note.md");
    fs::write(
        &added,
        "---\ntitle: \"Extra Note\"\ndate: 2023-01-05\ntype: note\nsignatories:\n  - \"Norway\"\n---\n\nA single paragraph about plovertine.\n\nAnother one.\n",
    )
    .unwrap();
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert_summary(
        run.stderr.trim_end(),
        "6 statements, 58 passages",
        "1 added",
    );
    let (_, hits) = verbatim.search("plovertine", &[]);
    assert_eq!(citations(&hits), ["nested/2023-extra-note#1"]);
    assert_eq!(hits[0]["path"], "nested/2023-extra-note.md");
    assert_eq!(
        verbatim.doc_ids(&["-y", "2023"]),
        ["nested/2023-extra-note"]
    );

    fs::remove_file(&added).unwrap();
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert_summary(
        run.stderr.trim_end(),
        "5 statements, 56 passages",
        "1 removed",
    );
    let (run, _) = verbatim.search("plovertine", &[]);
    assert_eq!(run.code, 1);
    assert_eq!(verbatim.doc_ids(&[]).len(), 5);
}

#[test]
fn renaming_a_file_adds_one_id_and_removes_the_other() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    fs::rename(
        corpus.path().join("2021-open-letter.txt"),
        corpus.path().join("2021-letter.md"),
    )
    .unwrap();
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert_summary(
        run.stderr.trim_end(),
        "5 statements, 56 passages",
        "1 added, 1 removed",
    );
    let (_, hits) = verbatim.search("brambleton", &[]);
    assert_eq!(citations(&hits), ["2021-letter#8"]);
}

#[test]
fn touching_a_file_without_changing_it_reindexes_nothing() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    let file = fs::File::options()
        .write(true)
        .open(corpus.path().join("2018-ottawa-communique.markdown"))
        .unwrap();
    file.set_modified(SystemTime::now() + Duration::from_secs(60))
        .unwrap();
    drop(file);
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert_summary(
        run.stderr.trim_end(),
        "5 statements, 56 passages",
        "no content changed",
    );
    assert_eq!(
        verbatim.run(&["ingest"]).expect_code(0).stderr,
        "index is up to date: 5 statements, 56 passages; nothing to do\n"
    );
}

#[test]
fn a_new_hidden_file_is_still_ignored() {
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    fs::write(
        corpus.path().join(".scratch.md"),
        "---\ntitle: Scratch\n---\n\nplovertine\n",
    )
    .unwrap();
    let (run, hits) = verbatim.search("plovertine", &[]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
}

#[test]
fn another_corpus_in_the_same_index_folder_replaces_the_first() {
    let verbatim = Verbatim::basic().ingested();
    let other = bare_command()
        .arg("--corpus")
        .arg(crate::support::shipped_corpus())
        .arg("--index")
        .arg(verbatim.index())
        .args(["docs", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(0));
    let ids: Vec<String> = crate::support::jsonl(&String::from_utf8(other.stdout).unwrap())
        .iter()
        .map(|s| str_field(s, "id").to_string())
        .collect();
    assert_eq!(ids, [crate::support::SHIPPED_ID]);
}

#[test]
fn environment_variables_name_the_corpus_and_the_index() {
    let index = tempfile::tempdir().unwrap();
    let output = bare_command()
        .env("VERBATIM_CORPUS", basic_fixture())
        .env("VERBATIM_INDEX", index.path())
        .args(["docs", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let statements = crate::support::jsonl(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(statements.len(), 5);
    assert!(
        index.path().read_dir().unwrap().next().is_some(),
        "the index was written to VERBATIM_INDEX"
    );
}

#[test]
fn a_file_with_bad_front_matter_is_reported_and_the_rest_indexed() {
    let corpus = basic_copy();
    fs::write(
        corpus.path().join("bad.md"),
        "---\ntitle: \"Bad\"\ndate: soon\n---\n\nSome text here.\n",
    )
    .unwrap();
    let verbatim = Verbatim::new(corpus.path());
    let run = verbatim.run(&["ingest"]).expect_code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    let bad = corpus.path().join("bad.md");
    assert_eq!(
        lines[0],
        format!(
            "{}:3: error: field `date`: `soon` is not a date (expected YYYY-MM-DD or YYYY)",
            bad.display()
        )
    );
    assert_eq!(lines[1], "verbatim: skipped 1 file; the rest is indexed");
    assert!(
        lines[2].starts_with("indexed 5 statements, 56 passages in ")
            && lines[2].ends_with("; 1 file skipped"),
        "{}",
        lines[2]
    );
    let (_, hits) = verbatim.search("quillfeather", &[]);
    assert_eq!(hits.len(), 1);
}

#[test]
fn a_skipped_file_is_not_counted_as_added() {
    let corpus = basic_copy();
    fs::write(
        corpus.path().join("bad.md"),
        "---\ntitle: \"Bad\"\ndate: soon\n---\n\nSome text here.\n",
    )
    .unwrap();
    let verbatim = Verbatim::new(corpus.path());
    let run = verbatim.run(&["ingest"]).expect_code(1);
    let summary = run.last_stderr_line();
    assert!(summary.contains("(5 added); 1 file skipped"), "{summary}");
}

#[test]
fn a_skipped_file_is_reported_again_by_the_next_ingest() {
    let corpus = basic_copy();
    fs::write(
        corpus.path().join("bad.md"),
        "---\ntitle: \"Bad\"\ndate: soon\n---\n\nSome text here.\n",
    )
    .unwrap();
    let verbatim = Verbatim::new(corpus.path());
    verbatim.run(&["ingest"]).expect_code(1);
    let run = verbatim.run(&["ingest"]);
    assert!(
        run.stderr.contains("bad.md:3") && run.stderr.contains("`soon` is not a date"),
        "the broken file is no longer mentioned: {}",
        run.stderr
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn an_index_of_another_schema_version_is_rebuilt_beside_the_old_one_with_a_notice() {
    let verbatim = Verbatim::basic().ingested();
    // Alter the version recorded in the last commit's payload.
    let meta_path = verbatim.index().join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&meta_path).unwrap()).unwrap();
    let mut payload: serde_json::Value =
        serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    let version = payload["schema_version"].as_u64().unwrap();
    payload["schema_version"] = 0.into();
    meta["payload"] = serde_json::Value::String(payload.to_string());
    fs::write(&meta_path, serde_json::to_string(&meta).unwrap()).unwrap();
    fs::write(verbatim.index().join("notes.txt"), "kept").unwrap();

    // Reading it as it stands is refused, and leaves it alone.
    let run = verbatim
        .run(&["search", "quillfeather", "--no-refresh"])
        .expect_code(2);
    assert_eq!(
        run.stderr,
        format!(
            "verbatim: error: the index at {} cannot be read as it stands: it was written with schema version 0, this verbatim uses {version}; run `verbatim ingest`, or leave out --no-refresh\n",
            verbatim.index().display()
        )
    );

    let run = verbatim.run(&["search", "quillfeather"]).expect_code(0);
    assert!(
        run.stderr.starts_with(&format!(
            "verbatim: rebuilt the index because it was written with schema version 0, this verbatim uses {version}; indexed 5 statements, 56 passages in "
        )),
        "{}",
        run.stderr
    );
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");
    assert_eq!(
        fs::read_to_string(verbatim.index().join("notes.txt")).unwrap(),
        "kept"
    );
    let parent = verbatim.index().parent().unwrap();
    let leftovers: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".rebuild-") || name.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    verbatim.run(&["ingest"]).expect_code(0);
}

#[test]
fn a_statement_without_front_matter_gets_its_metadata_from_the_text() {
    // The seed as received: the shipped statement's body without its front matter.
    let source = fs::read_to_string(crate::support::repo_path(
        "corpus/2020-10-11-international-statement-e2ee-public-safety.md",
    ))
    .unwrap();
    let body = source.splitn(3, "---\n").nth(2).unwrap();
    let corpus = tempfile::tempdir().unwrap();
    let file = corpus.path().join("000_fd0353da663b1a7e.txt");
    fs::write(&file, body).unwrap();

    let verbatim = Verbatim::new(corpus.path());
    let docs = verbatim
        .run(&["docs", "--format", "jsonl"])
        .expect_code(0)
        .records();
    assert_eq!(
        docs[0]["title"],
        "International Statement: End-To-End Encryption and Public Safety"
    );
    assert_eq!(docs[0]["date"], "2020-10-11");
    let signatories: Vec<String> = docs[0]["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            ["name", "role", "country"]
                .iter()
                .map(|k| s[*k].as_str().unwrap_or("-"))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    assert_eq!(
        signatories,
        [
            "Priti Patel | Secretary of State for the Home Department | United Kingdom",
            "William P. Barr | Attorney General | United States",
            "Peter Dutton | Minister for Home Affairs | Australia",
            "Andrew Little | Minister of Justice, Minister Responsible for the GCSB, Minister Responsible for the NZSIS | -",
            "Bill Blair | Minister of Public Safety and Emergency Preparedness | -",
            "- | - | India",
            "- | - | Japan",
        ]
    );
    // The filters work on inferred signatories as on declared ones.
    verbatim
        .run(&["search", "\"lawful access\"", "-s", "Barr", "-s", "uk"])
        .expect_code(0);

    let inspect = verbatim
        .run(&["inspect", file.to_str().unwrap()])
        .expect_code(0);
    assert!(inspect.stdout.contains("title        International Statement: End-To-End Encryption and Public Safety   (inferred from line 6)\n"), "{}", inspect.stdout);
    assert!(
        inspect
            .stdout
            .contains("date         2020-10-11   (inferred from line 4)\n"),
        "{}",
        inspect.stdout
    );
    assert!(inspect.stdout.contains("  Priti Patel | Secretary of State for the Home Department | United Kingdom   (inferred from line 41)\n"), "{}", inspect.stdout);
}

#[test]
fn a_file_that_is_not_utf8_is_read_as_windows_1252_with_a_warning() {
    let corpus = tempfile::tempdir().unwrap();
    let mut bytes = b"---\ntitle: Old memo\ndate: 1999-05-01\n---\n\nThe caf\xe9 agreed on \x93lawful access\x94 rules.\n".to_vec();
    bytes.extend_from_slice(b"\n");
    fs::write(corpus.path().join("old-memo.md"), &bytes).unwrap();
    let verbatim = Verbatim::new(corpus.path());
    let run = verbatim.run(&["ingest"]).expect_code(0);
    let warning = format!(
        "{}: warning: not valid UTF-8; read as Windows-1252",
        corpus.path().join("old-memo.md").display()
    );
    assert!(
        run.stderr.lines().any(|line| line == warning),
        "{}",
        run.stderr
    );
    let (_, hits) = verbatim.search("café", &[]);
    assert_eq!(hits[0]["text"], "The café agreed on “lawful access” rules.");
}

#[test]
fn statement_filters_find_exactly_their_statements_passages_after_updates() {
    // Updates write new segments and delete old records; a signatory or title filter must
    // still yield the passages of the matching statements, and only those.
    let corpus = basic_copy();
    let verbatim = Verbatim::new(corpus.path()).ingested();
    let letter = corpus.path().join("2021-open-letter.txt");
    let source = fs::read_to_string(&letter).unwrap();
    let body_starts = source.find("\n---\n").unwrap() + 5;
    let mut edited = source.clone();
    edited.insert_str(body_starts, "\nA first paragraph the update adds.\n\n");
    fs::write(&letter, edited).unwrap();
    verbatim.run(&["ingest"]).expect_code(0);
    fs::write(
        corpus.path().join("nested").join("2024-late-note.md"),
        "---\ntitle: \"Late Note\"\ndate: 2024-02-01\nsignatories:\n  - \"Japan\"\n---\n\nThe note's first paragraph.\n\nThe note's second paragraph.\n",
    )
    .unwrap();
    fs::remove_file(corpus.path().join("2017-tokyo-declaration.md")).unwrap();
    verbatim.run(&["ingest"]).expect_code(0);

    let (_, every) = verbatim.search("the", &["--all"]);
    for (filter, value) in [("-s", "Japan"), ("-s", "Canada"), ("--type", "open letter")] {
        let docs = verbatim.doc_ids(&[filter, value]);
        assert!(!docs.is_empty(), "{filter} {value}");
        let mut expected: Vec<String> = every
            .iter()
            .filter(|hit| docs.iter().any(|doc| doc == str_field(hit, "doc")))
            .map(|hit| str_field(hit, "citation").to_string())
            .collect();
        expected.sort();
        let (_, hits) = verbatim.search("the", &["--all", filter, value]);
        let mut found = citations(&hits);
        found.sort();
        assert_eq!(found, expected, "{filter} {value}");
    }
    let (_, hits) = verbatim.search("paragraph", &["-s", "Japan"]);
    assert_eq!(
        sorted_citations(&hits),
        [
            "2021-open-letter#1",
            "nested/2024-late-note#1",
            "nested/2024-late-note#2"
        ]
    );
    let (_, hits) = verbatim.search("title:\"late note\" second", &[]);
    assert_eq!(citations(&hits), ["nested/2024-late-note#2"]);
    let (_, hits) = verbatim.search("update adds", &["-s", "Kenji Morooka"]);
    assert_eq!(citations(&hits), ["2021-open-letter#1"]);
}
