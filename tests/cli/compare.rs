//! The comparison commands on `tests/fixtures/compare` (described in
//! `tests/fixtures/compare-MANIFEST.md`): concordance, timeline, reuse, diff and similar.

use serde_json::Value;

use crate::support::{Verbatim, repo_path};

const LONDON: &str = "2015-london-joint-statement";
const SYDNEY: &str = "2017-sydney-declaration";
const PARIS: &str = "2018-paris-communique";
const TOKYO: &str = "2020-tokyo-joint-statement";
const BERLIN: &str = "2022-berlin-declaration";
const ROME: &str = "2023-rome-communique";

fn compare_corpus() -> Verbatim {
    Verbatim::new(repo_path("tests/fixtures/compare")).ingested()
}

fn field(records: &[Value], name: &str) -> Vec<String> {
    records
        .iter()
        .map(|r| r[name].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn compare_lists_every_occurrence_in_date_order_with_its_context() {
    let verbatim = compare_corpus();
    let run = verbatim
        .run(&["compare", "\"lawful access\"", "--format", "jsonl"])
        .expect_code(0);
    let lines = run.records();
    assert_eq!(
        field(&lines, "citation"),
        [
            format!("{LONDON}#3"),
            format!("{SYDNEY}#2"),
            format!("{PARIS}#3"),
            format!("{PARIS}#3"),
            format!("{PARIS}#5"),
            format!("{TOKYO}#1"),
            format!("{TOKYO}#3"),
            format!("{ROME}#4"),
        ]
    );
    assert_eq!(
        field(&lines, "match"),
        [
            "lawful access",
            "lawfully access",
            "lawful access",
            "lawful access",
            "lawful access",
            "Lawful access",
            "lawful access",
            "lawful access"
        ]
    );
    // 40 characters each side, cut at word boundaries.
    assert_eq!(lines[0]["left"], "believe that a clear legal framework for");
    assert_eq!(lines[0]["right"], "to communications data will strengthen");
    assert_eq!(
        lines[5]["left"], "",
        "the occurrence that opens its passage"
    );
    assert_eq!(lines[5]["right"], "must remain possible even as messaging");
    assert_eq!(run.last_stderr_line(), "8 occurrences in 5 statements");
}

#[test]
fn compare_summarises_statements_with_their_surface_forms_and_absences() {
    let verbatim = compare_corpus();
    let report = verbatim
        .run(&[
            "compare",
            "\"lawful access\"",
            "--show-absent",
            "--format",
            "json",
        ])
        .expect_code(0)
        .json();
    let rows = report["statements"].as_array().unwrap();
    let summary: Vec<(String, u64, String)> = rows
        .iter()
        .map(|row| {
            let forms: Vec<String> = row["forms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| format!("{} ×{}", f["form"].as_str().unwrap(), f["count"]))
                .collect();
            (
                row["doc"].as_str().unwrap().to_string(),
                row["occurrences"].as_u64().unwrap(),
                forms.join(", "),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (LONDON.to_string(), 1, "lawful access ×1".to_string()),
            (SYDNEY.to_string(), 1, "lawfully access ×1".to_string()),
            (PARIS.to_string(), 3, "lawful access ×3".to_string()),
            (TOKYO.to_string(), 2, "lawful access ×2".to_string()),
            (ROME.to_string(), 1, "lawful access ×1".to_string()),
        ]
    );
    let absent: Vec<&str> = report["absent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["doc"].as_str().unwrap())
        .collect();
    assert_eq!(absent, [BERLIN]);
}

#[test]
fn compare_exact_keeps_only_the_exact_form() {
    let verbatim = compare_corpus();
    let report = verbatim
        .run(&[
            "compare",
            "\"lawful access\"",
            "--exact",
            "--show-absent",
            "--format",
            "json",
        ])
        .expect_code(0)
        .json();
    assert_eq!(report["occurrences"], 7);
    let absent: Vec<&str> = report["absent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["doc"].as_str().unwrap())
        .collect();
    assert_eq!(absent, [SYDNEY, BERLIN]);
}

#[test]
fn compare_sorts_by_the_words_left_and_right_of_the_match() {
    let verbatim = compare_corpus();
    let left = verbatim
        .run(&[
            "compare",
            "\"lawful access\"",
            "--sort",
            "left",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    // Nearest word first: "" < "able to" (to) < "call for" (for) < "for" < "how" < "support" < "that" ×2.
    let nearest: Vec<String> = left
        .records()
        .iter()
        .map(|line| {
            line["left"]
                .as_str()
                .unwrap()
                .split_whitespace()
                .last()
                .unwrap_or("")
                .to_lowercase()
        })
        .collect();
    assert_eq!(
        nearest,
        ["", "for", "for", "how", "support", "that", "that", "to"]
    );
    let right = verbatim
        .run(&[
            "compare",
            "\"lawful access\"",
            "--sort",
            "right",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    let next: Vec<String> = right
        .records()
        .iter()
        .map(|line| {
            line["right"]
                .as_str()
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_lowercase()
        })
        .collect();
    assert_eq!(
        next,
        ["and", "could", "is", "must", "that", "the", "to", "to"]
    );
}

#[test]
fn compare_text_aligns_the_match_column() {
    let verbatim = compare_corpus();
    let run = verbatim
        .run(&["compare", "\"lawful access\"", "--doc", TOKYO])
        .expect_code(0);
    let expected = format!(
        "2020-11-05  {TOKYO}    2  \"lawful access\" ×2  Joint Statement on Encryption and Child Protection · \
         Imogen Halsworth (United Kingdom), Ayaka Shimazaki (Japan), Australia\n\n\
         {TOKYO}#1                                      Lawful access must remain possible even as messaging\n\
         {TOKYO}#3  to publish how its products support lawful access to the content of messages when a court\n"
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn timeline_by_year_counts_every_year_and_rates_per_ten_thousand_words() {
    let verbatim = compare_corpus();
    let run = verbatim
        .run(&["timeline", "\"lawful access\"", "--format", "csv"])
        .expect_code(0);
    assert_eq!(
        run.stdout,
        "bucket,passages,statements,occurrences,words,rate_per_10000_words,first_year,last_year\n\
         2015,1,1,1,149,67.11,2015,2015\n\
         2016,0,0,0,0,0.00,,\n\
         2017,1,1,1,123,81.30,2017,2017\n\
         2018,2,1,3,187,160.43,2018,2018\n\
         2019,0,0,0,0,0.00,,\n\
         2020,2,1,2,138,144.93,2020,2020\n\
         2021,0,0,0,0,0.00,,\n\
         2022,0,0,0,112,0.00,,\n\
         2023,1,1,1,143,69.93,2023,2023\n\
         total,7,5,8,852,93.90,2015,2023\n"
    );
}

#[test]
fn timeline_by_signatory_follows_countries_with_first_and_last_year() {
    let verbatim = compare_corpus();
    let report = verbatim
        .run(&[
            "timeline",
            "\"lawful access\"",
            "--exact",
            "--by",
            "signatory",
            "--format",
            "json",
        ])
        .expect_code(0)
        .json();
    let rows: Vec<(String, u64, u64, Value, Value)> = report["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["key"].as_str().unwrap().to_string(),
                b["occurrences"].as_u64().unwrap(),
                b["passages"].as_u64().unwrap(),
                b["first_year"].clone(),
                b["last_year"].clone(),
            )
        })
        .collect();
    let row = |key: &str| rows.iter().find(|r| r.0 == key).unwrap().clone();
    assert_eq!(
        row("United Kingdom"),
        ("United Kingdom".into(), 7, 6, 2015.into(), 2023.into())
    );
    assert_eq!(
        row("France"),
        ("France".into(), 4, 3, 2015.into(), 2018.into())
    );
    assert_eq!(
        row("Japan"),
        ("Japan".into(), 2, 2, 2020.into(), 2020.into())
    );
    assert_eq!(
        row("New Zealand"),
        ("New Zealand".into(), 0, 0, Value::Null, Value::Null)
    );
    assert_eq!(row("Germany").1, 0);
    assert_eq!(rows[0].0, "United Kingdom", "most occurrences first");
}

#[test]
fn timeline_by_type_and_svg_chart() {
    let verbatim = compare_corpus();
    let svg = tempfile::tempdir().unwrap();
    let chart = svg.path().join("t.svg");
    let run = verbatim
        .run(&[
            "timeline",
            "\"lawful access\"",
            "--by",
            "type",
            "--svg",
            chart.to_str().unwrap(),
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    let buckets: Vec<(String, u64)> = run
        .records()
        .iter()
        .map(|b| {
            (
                b["key"].as_str().unwrap().to_string(),
                b["occurrences"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        buckets,
        [
            ("communique".to_string(), 4),
            ("joint statement".to_string(), 3),
            ("declaration".to_string(), 1)
        ]
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("&quot;lawful access&quot; per 10,000 words, by type"));
    assert_eq!(svg.matches("<rect x=").count(), 3, "one bar per bucket");
    assert!(svg.trim_end().ends_with("</svg>"));
}

#[test]
fn timeline_text_draws_bars() {
    let verbatim = compare_corpus();
    let run = verbatim
        .run(&["timeline", "\"lawful access\"", "--year", "2018..2020"])
        .expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    assert!(
        lines[1].starts_with("2018   ████████████████████████████████████████     160.43      3"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("2019                                                  0.00      0"),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[4],
        "5 occurrences in 4 passages of 2 statements, 153.85 per 10,000 words; first 2018, last 2020"
    );
}

#[test]
fn reuse_finds_the_quoted_sentences_and_not_repeats_inside_one_statement() {
    let verbatim = compare_corpus();
    let report = verbatim
        .run(&["reuse", "--format", "json"])
        .expect_code(0)
        .json();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{report:#}");
    let first = &findings[0];
    assert_eq!(
        first["text"],
        "Governments and technology companies share a responsibility to ensure the internet remains a place where \
         people can communicate freely, while criminals find no safe haven beyond the reach of justice"
    );
    assert_eq!(first["words"], 30);
    let places: Vec<(String, String, u64, u64)> = first["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["citation"].as_str().unwrap().to_string(),
                p["role"].as_str().unwrap().to_string(),
                p["start"].as_u64().unwrap(),
                p["end"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (format!("{LONDON}#2"), "earliest".to_string(), 0, 198),
            (format!("{TOKYO}#2"), "reuse".to_string(), 48, 245),
        ]
    );
    let second = &findings[1];
    assert_eq!(
        second["text"],
        "respond promptly to a properly authorised warrant issued by an independent authority"
    );
    assert_eq!(second["words"], 12);
    let citations: Vec<&str> = second["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["citation"].as_str().unwrap())
        .collect();
    assert_eq!(citations, [format!("{PARIS}#4"), format!("{ROME}#3")]);
    assert_eq!(second["places"][0]["start"], 36);
    assert_eq!(second["places"][1]["start"], 20);
}

#[test]
fn reuse_doc_limits_findings_and_min_words_raises_the_bar() {
    let verbatim = compare_corpus();
    let rome = verbatim
        .run(&["reuse", "--doc", ROME, "--format", "jsonl"])
        .expect_code(0)
        .records();
    assert_eq!(rome.len(), 1);
    assert_eq!(rome[0]["words"], 12);
    let long = verbatim
        .run(&["reuse", "--min-words", "13", "--format", "jsonl"])
        .expect_code(0)
        .records();
    assert_eq!(long.len(), 1);
    assert_eq!(long[0]["words"], 30);
    let none = verbatim.run(&["reuse", "--doc", BERLIN]);
    assert_eq!(none.code, 1, "{}", none.stderr);
    assert_eq!(none.stdout, "");
    let unknown = verbatim.run(&["reuse", "--doc", "no-such-statement"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown statement `no-such-statement`"),
        "{}",
        unknown.stderr
    );
}

/// Rebuilds both sides from a diff's operations.
fn sides(ops: &[Value]) -> (String, String, Vec<String>, Vec<String>) {
    let (mut a, mut b, mut deleted, mut inserted) =
        (String::new(), String::new(), Vec::new(), Vec::new());
    for op in ops {
        let text = op["text"].as_str().unwrap();
        match op["op"].as_str().unwrap() {
            "equal" => {
                a.push_str(text);
                b.push_str(text);
            }
            "delete" => {
                a.push_str(text);
                deleted.extend(text.split_whitespace().map(str::to_string));
            }
            "insert" => {
                b.push_str(text);
                inserted.extend(text.split_whitespace().map(str::to_string));
            }
            other => panic!("unknown op {other}"),
        }
    }
    (a, b, deleted, inserted)
}

#[test]
fn diff_of_two_passages_gives_the_word_operations() {
    let verbatim = compare_corpus();
    let run = verbatim.run(&[
        "diff",
        &format!("{PARIS}#2"),
        &format!("{ROME}#2"),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "the passages differ");
    let report = run.json();
    let ops = report["ops"].as_array().unwrap();
    let (a, b, deleted, inserted) = sides(ops);
    assert_eq!(a, report["a"]["text"].as_str().unwrap());
    assert_eq!(b, report["b"]["text"].as_str().unwrap());
    assert_eq!(
        deleted,
        [
            "agreed",
            "vital",
            "citizens",
            "commercial",
            "noted",
            "many",
            "far"
        ]
    );
    assert_eq!(
        inserted,
        [
            "accepted",
            "still",
            "essential",
            "consumers",
            "trade",
            "observed",
            "highly"
        ]
    );
    assert_eq!(report["similarity"], 0.833);
}

#[test]
fn diff_text_and_markdown_mark_deletions_and_insertions() {
    let verbatim = compare_corpus();
    let text = verbatim.run(&["diff", &format!("{PARIS}#2"), &format!("{ROME}#2")]);
    assert!(text.stdout.starts_with(&format!("{PARIS}#2 → {ROME}#2  similarity 0.83\nMinisters [-agreed-]{{+accepted+}} that encryption {{+still +}}remains")), "{}", text.stdout);
    let markdown = verbatim.run(&[
        "diff",
        &format!("{PARIS}#2"),
        &format!("{ROME}#2"),
        "--format",
        "md",
    ]);
    assert!(
        markdown.stdout.contains("Ministers ~~agreed~~**accepted** that encryption **still** remains ~~vital~~**essential**"),
        "{}",
        markdown.stdout
    );
    let same = verbatim.run(&["diff", &format!("{PARIS}#2"), &format!("{PARIS}#2")]);
    assert_eq!(same.code, 0);
}

#[test]
fn diff_of_two_statements_aligns_their_passages() {
    let verbatim = compare_corpus();
    let report = verbatim
        .run(&["diff", PARIS, ROME, "--format", "json"])
        .json();
    let changed: Vec<(String, String)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["status"] == "changed")
        .map(|row| {
            (
                row["a"].as_str().unwrap().to_string(),
                row["b"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        changed.contains(&(format!("{PARIS}#2"), format!("{ROME}#2"))),
        "{changed:?}"
    );
    let summary = &report["summary"];
    let total_a = summary["unchanged"].as_u64().unwrap()
        + summary["changed"].as_u64().unwrap()
        + summary["only_a"].as_u64().unwrap();
    let total_b = summary["unchanged"].as_u64().unwrap()
        + summary["changed"].as_u64().unwrap()
        + summary["only_b"].as_u64().unwrap();
    assert_eq!(
        (total_a, total_b),
        (9, 8),
        "every passage of each side appears once"
    );
    let mixed = verbatim.run(&["diff", PARIS, &format!("{ROME}#2")]);
    assert_eq!(mixed.code, 2);
    assert!(
        mixed
            .stderr
            .contains("two passages (DOC#N DOC#N) or two statements"),
        "{}",
        mixed.stderr
    );
}

#[test]
fn similar_finds_the_reworded_paragraph_first() {
    let verbatim = compare_corpus();
    let run = verbatim
        .run(&[
            "similar",
            &format!("{ROME}#2"),
            "-n",
            "3",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    let hits = run.records();
    assert_eq!(hits.len(), 3);
    assert_eq!(hits[0]["citation"], format!("{PARIS}#2"));
    assert_eq!(hits[0]["similarity"], 0.833);
    assert!(
        hits.iter().all(|hit| hit["doc"] != ROME),
        "never the passage's own statement"
    );
    let scores: Vec<f64> = hits
        .iter()
        .map(|h| h["similarity"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let with_diff = verbatim
        .run(&[
            "similar",
            &format!("{ROME}#2"),
            "-n",
            "1",
            "--diff",
            "--format",
            "json",
        ])
        .json();
    assert!(
        with_diff["hits"][0]["ops"]
            .as_array()
            .is_some_and(|ops| ops.len() > 1)
    );
    let filtered = verbatim
        .run(&[
            "similar",
            &format!("{ROME}#2"),
            "--year",
            "..2017",
            "--format",
            "jsonl",
        ])
        .records();
    assert!(
        filtered
            .iter()
            .all(|hit| hit["year"].as_i64().unwrap() <= 2017)
    );
}

#[test]
fn comparison_exports_write_csv_files_atomically() {
    let verbatim = compare_corpus();
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("kwic.csv");
    let run = verbatim
        .run(&[
            "compare",
            "\"lawful access\"",
            "--format",
            "csv",
            "-o",
            file.to_str().unwrap(),
        ])
        .expect_code(0);
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(&file).unwrap();
    let mut reader = csv::Reader::from_reader(written.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        headers,
        [
            "citation", "doc", "n", "date", "section", "left", "match", "right", "start", "end"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(&rows[5][6], "Lawful access");
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        [std::ffi::OsString::from("kwic.csv")],
        "no temporary file left behind"
    );
}
