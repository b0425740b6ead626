//! Exit status 2 and a clear message: bad queries, bad options, unknown citations, duplicate
//! ids and a missing corpus folder.

use std::path::Path;

use crate::support::{SHIPPED_ID, Verbatim, bare_command, duplicate_ids_fixture, str_field};

/// A failed run: exit 2, nothing on stdout, one `verbatim: error: ` line on stderr.
fn assert_error(run: &crate::support::Run, wanted: &str) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("verbatim: error: "),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains(wanted),
        "{:?} lacks {wanted:?}",
        run.stderr
    );
}

#[test]
fn unbalanced_quote_is_rejected_with_a_clear_message() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["search", "\"lawful access"]);
    assert_error(&run, "unbalanced quote");
    assert_eq!(
        run.stderr,
        "verbatim: error: invalid query: unbalanced quote: a phrase opened with \" is never closed in `\"lawful access`\n"
    );
}

#[test]
fn shipped_unbalanced_quote_is_rejected_with_a_clear_message() {
    let verbatim = Verbatim::shipped().ingested();
    for format in ["text", "json", "jsonl"] {
        let run = verbatim.run(&["search", "\"lawful access", "--format", format]);
        assert_error(&run, "unbalanced quote");
    }
}

#[test]
fn unbalanced_parenthesis_is_rejected() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["search", "encryption (child"]);
    assert_error(&run, "unbalanced parenthesis: `(` is never closed");
    let run = verbatim.run(&["search", "a)"]);
    assert_error(&run, "unbalanced parenthesis: `)` without `(`");
}

#[test]
fn unknown_field_is_rejected_and_the_known_fields_listed() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["search", "foo:bar"]);
    assert_error(&run, "unknown field `foo:`");
    assert!(run.stderr.contains("title"), "{}", run.stderr);
    assert!(run.stderr.contains("section"), "{}", run.stderr);
}

#[test]
fn empty_query_is_rejected_and_exclusion_only_query_inverts() {
    let verbatim = Verbatim::basic().ingested();
    assert_error(&verbatim.run(&["search", ""]), "the query is empty");
    assert_error(&verbatim.run(&["search", "   "]), "the query is empty");
    assert_error(&verbatim.run(&["search", "AND"]), "cannot parse `AND`");

    // Like grep -v: every passage without the word. The fixture has 56 passages, 7 of them
    // with "lawful" or a word of the same stem (2018 #1, #2; 2019 #2, #6; 2021 #3, #6, #11).
    let (with, _) = verbatim.search("lawful", &["--all"]);
    assert_eq!(with.last_stderr_line(), "7 hits in 3 statements");
    let without = verbatim.run(&["search", "--all", "--format", "jsonl", "--", "-lawful"]);
    let hits = without.records();
    assert_eq!(without.code, 0);
    assert_eq!(without.last_stderr_line(), "49 hits in 5 statements");
    assert!(hits.iter().all(|hit| {
        !hit["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("lawful")
    }));
    assert!(
        hits.iter()
            .all(|hit| hit["matches"].as_array().unwrap().is_empty())
    );
}

#[test]
fn bad_year_spec_exits_2_and_names_the_spec() {
    let verbatim = Verbatim::basic().ingested();
    for (spec, reason) in [
        (
            "2019..2018",
            "invalid value '2019..2018' for '--year <SPEC>': 2019 is after 2018",
        ),
        (
            "abc",
            "invalid value 'abc' for '--year <SPEC>': `abc` is not a four-digit year",
        ),
        ("20xx..", "`20xx` is not a four-digit year"),
        (
            "..",
            "invalid value '..' for '--year <SPEC>': give at least one year",
        ),
        ("2020-2021", "invalid value '2020-2021' for '--year <SPEC>'"),
    ] {
        for command in ["search", "docs"] {
            let mut args = vec![command];
            if command == "search" {
                args.push("encryption");
            }
            args.extend(["--year", spec]);
            let run = verbatim.run(&args);
            assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
            assert_eq!(run.stdout, "", "{args:?}");
            assert!(run.stderr.contains(reason), "{args:?}: {}", run.stderr);
            assert!(
                run.stderr
                    .contains("expected 2020, 2018..2020, 2019.. or ..2019"),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn limit_zero_is_rejected() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["search", "\"lawful access\"", "-n", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("'0'"), "{}", run.stderr);
    assert!(run.stderr.contains("--limit"), "{}", run.stderr);
}

#[test]
fn limit_and_all_together_are_rejected() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["search", "\"lawful access\"", "--all", "-n", "2"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn option_errors_start_with_verbatim_error() {
    let verbatim = Verbatim::basic().ingested();
    for args in [
        &["search", "encryption", "-n", "0"][..],
        &["search", "encryption", "--year", "2019..2018"],
        &["docs", "--year", "abc"],
    ] {
        let run = verbatim.run(args);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.starts_with("verbatim: error: "),
            "{args:?}: {:?}",
            run.stderr
        );
    }
}

#[test]
fn unknown_passage_number_names_the_passage_count() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["show", "2018-ottawa-communique#99"]);
    assert_error(&run, "unknown citation `2018-ottawa-communique#99`");
    assert_eq!(
        run.stderr,
        "verbatim: error: unknown citation `2018-ottawa-communique#99`: `2018-ottawa-communique` has 11 passages\n"
    );
    let run = verbatim.run(&["show", "2018-ottawa-communique#12", "--format", "jsonl"]);
    assert_error(&run, "has 11 passages");
}

#[test]
fn unknown_statement_is_an_error() {
    let verbatim = Verbatim::basic().ingested();
    for citation in ["nope#1", "nope", "2021-Open-Letter#1"] {
        let run = verbatim.run(&["show", citation]);
        let doc = citation.split('#').next().unwrap();
        assert_error(&run, &format!("unknown statement `{doc}`"));
    }
}

#[test]
fn malformed_citation_is_an_error() {
    let verbatim = Verbatim::basic().ingested();
    for citation in ["2018-ottawa-communique#0", "2018-ottawa-communique#x"] {
        let run = verbatim.run(&["show", citation]);
        assert_error(&run, &format!("invalid citation `{citation}`"));
    }
}

#[test]
fn shipped_unknown_citation_is_an_error() {
    let verbatim = Verbatim::shipped().ingested();
    let run = verbatim.run(&["show", &format!("{SHIPPED_ID}#34")]);
    assert_error(&run, "has 33 passages");
    let run = verbatim
        .run(&["show", &format!("{SHIPPED_ID}#12"), "--format", "jsonl"])
        .expect_code(0);
    let text = run.records()[0].clone();
    assert!(str_field(&text, "text").contains("lawful access"));
}

/// The message for the duplicate-ids fixture: the skipped file first, then the one that keeps
/// the id.
fn duplicate_message() -> String {
    let root = duplicate_ids_fixture();
    format!(
        "{}: error: the document id `a/same-id` is already taken by {}; \
         rename one of the two files",
        root.join("a/same-id.txt").display(),
        root.join("a/same-id.md").display()
    )
}

#[test]
fn a_second_file_with_an_id_is_skipped_and_the_rest_indexed() {
    let verbatim = Verbatim::new(duplicate_ids_fixture());
    let run = verbatim.run(&["ingest"]).expect_code(1);
    assert_eq!(
        run.stderr.lines().next(),
        Some(duplicate_message().as_str()),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 statements"),
        "the two .md files are indexed: {}",
        run.stderr
    );
    let docs = verbatim.run(&["docs", "--format", "jsonl"]).expect_code(0);
    let ids: Vec<String> = docs
        .records()
        .iter()
        .map(|record| str_field(record, "id").to_string())
        .collect();
    assert_eq!(ids, ["a/same-id", "b/same-id"]);
    // A no-op run still says what was skipped, and still exits 1.
    let again = verbatim.run(&["ingest"]).expect_code(1);
    assert!(
        again.stderr.contains(&duplicate_message()),
        "{}",
        again.stderr
    );
}

#[test]
fn files_of_one_name_in_two_folders_are_two_statements() {
    let verbatim = Verbatim::new(duplicate_ids_fixture());
    let run = verbatim
        .run(&["search", "\"share the file stem\"", "--format", "jsonl"])
        .expect_code(0);
    let citations: Vec<String> = run
        .records()
        .iter()
        .map(|record| str_field(record, "citation").to_string())
        .collect();
    assert_eq!(citations, ["a/same-id#1", "b/same-id#1"]);
    assert!(run.stderr.contains(&duplicate_message()), "{}", run.stderr);
    let show = verbatim.run(&["show", "b/same-id#1"]).expect_code(0);
    assert!(
        show.stdout.contains("The second of two statements"),
        "{}",
        show.stdout
    );
}

#[test]
fn missing_corpus_folder_is_an_error() {
    let parent = tempfile::tempdir().unwrap();
    let missing = parent.path().join("no-such-corpus");
    let verbatim = Verbatim::new(&missing);
    let wanted = format!(
        "corpus folder {} does not exist (set --corpus or VERBATIM_CORPUS)",
        missing.display()
    );
    for args in [&["ingest"][..], &["search", "encryption"], &["docs"]] {
        let run = verbatim.run(args);
        assert_error(&run, &wanted);
    }
    assert!(!missing.exists());
}

#[test]
fn default_corpus_folder_is_corpus_in_the_current_folder() {
    let cwd = tempfile::tempdir().unwrap();
    let output = bare_command()
        .current_dir(cwd.path())
        .args(["docs"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("verbatim: error: ")
            && stderr.contains(&format!(
                "corpus folder {} does not exist",
                Path::new("corpus").display()
            )),
        "{stderr}"
    );
}
