//! Opt-in: the 14,396 White House briefing-room pages (`../shared/data/wh-briefings.tar.xz`,
//! unpacked), named by `VERBATIM_BRIEFINGS`. `.ci/run` unpacks and names them when the archive
//! is there. Every page must ingest with the title and date of its scraper's front matter, leave
//! no markup in its passages, and `check` must find no error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::support::{Verbatim, str_field};

fn markdown_files(root: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            markdown_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "md") {
            found.push(path);
        }
    }
}

/// A title as a reader compares it: every kind of space one space, invisible characters and
/// the backslashes of escaped punctuation gone.
fn normalise(title: &str) -> String {
    let mut out = String::new();
    let mut chars = title.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(
            c,
            '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        ) {
            continue;
        }
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(if c.is_whitespace() { ' ' } else { c });
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Title and date from a page's own front matter.
fn front_matter(path: &Path) -> (String, String) {
    let source = std::fs::read_to_string(path).unwrap();
    let yaml = source
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(yaml, _)| yaml)
        .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(yaml).unwrap();
    let field = |name: &str| match &value[name] {
        serde_yaml_ng::Value::String(text) => text.clone(),
        other => panic!("{}: {name} is {other:?}", path.display()),
    };
    (field("title"), field("date"))
}

/// Markup that must never reach a passage.
const RESIDUE: [&str; 7] = ["<span", "</span", "<!--", "-->", "\\#", "##", "](http"];

#[test]
fn every_briefing_page_ingests_with_its_title_and_date_and_clean_text() {
    let Some(root) = std::env::var_os("VERBATIM_BRIEFINGS") else {
        eprintln!("VERBATIM_BRIEFINGS is not set; skipping");
        return;
    };
    let root = PathBuf::from(root);
    let mut files = Vec::new();
    markdown_files(&root, &mut files);
    assert!(
        files.len() > 14_000,
        "{} pages in {}",
        files.len(),
        root.display()
    );

    let verbatim = Verbatim::new(&root);
    let run = verbatim.run(&["ingest"]).expect_code(0);
    assert!(
        run.stderr
            .starts_with(&format!("indexed {} statements, ", files.len())),
        "{}",
        run.stderr
    );

    let docs = verbatim.run(&["docs", "--format", "jsonl"]).expect_code(0);
    let by_path: HashMap<String, serde_json::Value> = docs
        .records()
        .into_iter()
        .map(|record| (str_field(&record, "path").to_string(), record))
        .collect();
    assert_eq!(by_path.len(), files.len());
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let record = by_path
            .get(&rel)
            .unwrap_or_else(|| panic!("{rel} is not indexed"));
        let (title, date) = front_matter(file);
        assert_eq!(str_field(record, "title"), normalise(&title), "{rel}");
        assert_eq!(str_field(record, "date"), date, "{rel}");
    }

    let export = tempfile::tempdir().unwrap();
    let out = export.path().join("all.ndjson");
    verbatim
        .run(&[
            "export",
            "--format",
            "ndjson",
            "-o",
            &out.display().to_string(),
        ])
        .expect_code(0);
    let mut passages = 0;
    for line in std::fs::read_to_string(&out).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = str_field(&record, "text");
        passages += 1;
        for residue in RESIDUE {
            assert!(
                !text.contains(residue),
                "{}: `{residue}` in {text:?}",
                str_field(&record, "citation")
            );
        }
    }
    assert!(passages > 400_000, "{passages} passages");

    let check = verbatim.run(&["check"]);
    assert!(
        !check.stdout.contains(": error: "),
        "{}",
        check
            .stdout
            .lines()
            .filter(|line| line.contains(": error: "))
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
