//! Nothing lost, nothing duplicated: every word of every statement body lands in exactly one
//! passage (or heading), on the shipped corpus, the fixtures and an optional extra corpus named
//! by `VERBATIM_EXTRA_CORPUS`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use verbatim::corpus::{decode_source, discover, parse_statement};

/// Lower-cased words, counted.
type Words = BTreeMap<String, usize>;

fn count_words(text: &str, words: &mut Words) {
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *words.entry(word.to_lowercase()).or_default() += 1;
    }
}

/// The body of a source file, without its front matter.
fn body(source: &str) -> &str {
    let Some(rest) = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
    else {
        return source;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if matches!(line.trim_end(), "---" | "...") {
            return &rest[offset..];
        }
    }
    source
}

/// The words a reader sees in a Markdown body, found without a Markdown parser: comments,
/// scripts, tags, link targets and list numbers removed, autolinks and entities kept as text.
fn expected_words(body: &str) -> Words {
    let mut text = String::with_capacity(body.len());
    let mut rest = body;
    // Comments, scripts and styles, with their content.
    loop {
        let next = [
            ("<!--", "-->"),
            ("<script", "</script>"),
            ("<style", "</style>"),
        ]
        .iter()
        .filter_map(|(open, close)| rest.find(open).map(|at| (at, *close)))
        .min_by_key(|(at, _)| *at);
        match next {
            Some((at, close)) => {
                text.push_str(&rest[..at]);
                text.push(' ');
                rest = rest[at..]
                    .find(close)
                    .map_or("", |end| &rest[at + end + close.len()..]);
            }
            None => {
                text.push_str(rest);
                break;
            }
        }
    }
    // Tags, but not autolinks such as <https://example.org>.
    let mut stripped = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '<' {
            let after = &text[at + 1..];
            let is_tag = after.starts_with(|n: char| n.is_ascii_alphabetic() || n == '/')
                && !after.starts_with("http")
                && !after.starts_with("mailto:");
            if is_tag && let Some(end) = after.find('>') {
                // Inline tags join what they wrap ("21<sup>st</sup>" reads "21st").
                let name: String = after
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                if !INLINE_TAGS.contains(&name.to_ascii_lowercase().as_str()) {
                    stripped.push(' ');
                } else if stripped
                    .rsplit('\n')
                    .next()
                    .is_some_and(|l| l.trim().is_empty())
                {
                    // A line that starts with a tag is no list item, even when the tag wraps a
                    // number ("<span>1</span>."); a mark that is not a word keeps it so.
                    stripped.push('\u{1}');
                }
                while chars.peek().is_some_and(|(i, _)| *i <= at + 1 + end) {
                    chars.next();
                }
                continue;
            }
        }
        stripped.push(c);
    }
    let decoded = html_escape::decode_html_entities(&stripped).into_owned();
    let mut words = Words::new();
    // A numbered line starts a list item after a blank line or another item, or when it is
    // "1."; elsewhere it continues a paragraph ("Executive Order\n12333.").
    let mut item_may_start = true;
    for line in decoded.lines() {
        let line = join_emphasis(&drop_link_targets(line));
        let unnumbered = drop_list_number(&line);
        let is_item = unnumbered != line && (item_may_start || starts_with_one(&line));
        count_words(if is_item { &unnumbered } else { &line }, &mut words);
        item_may_start =
            line.trim().is_empty() || is_item || line.trim_start().starts_with(['-', '*', '+']);
    }
    words
}

const INLINE_TAGS: [&str; 12] = [
    "a", "b", "i", "u", "em", "strong", "span", "sup", "sub", "small", "abbr", "mark",
];

/// `and**U.S.` → `andU.S.`: emphasis markers wedged between two words join them, as a
/// Markdown renderer does; elsewhere they separate words like any punctuation.
fn join_emphasis(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '*' {
            let end = (i..chars.len())
                .find(|&j| chars[j] != '*')
                .unwrap_or(chars.len());
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(end).copied();
            if !(before.is_some_and(char::is_alphanumeric)
                && after.is_some_and(char::is_alphanumeric))
            {
                out.extend(&chars[i..end]);
            }
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// `[text](url)` → `[text]`: the target is metadata, not text.
fn drop_link_targets(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at + 1]);
        let target = &rest[at + 2..];
        let mut depth = 1;
        let mut end = target.len();
        for (i, c) in target.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &target[end.min(target.len())..];
    }
    out.push_str(rest);
    out
}

fn starts_with_one(line: &str) -> bool {
    let content = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    content.starts_with("1.") || content.starts_with("1)")
}

/// "1. First" → "First": an ordered list's number is markup.
fn drop_list_number(line: &str) -> String {
    let content = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let digits = content.len()
        - content
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let after = &content[digits..];
    if digits > 0
        && digits <= 9
        && (after.starts_with(". ") || after.starts_with(") ") || after == "." || after == ")")
    {
        after[1..].to_string()
    } else {
        line.to_string()
    }
}

/// Checks every statement of a folder; returns the number of statements checked.
fn assert_no_word_lost(corpus: &Path) -> usize {
    let files = discover(corpus)
        .unwrap_or_else(|err| panic!("{}: {err}", corpus.display()))
        .files;
    assert!(
        !files.is_empty(),
        "{} holds no statements",
        corpus.display()
    );
    for file in &files {
        let (source, _) = decode_source(&std::fs::read(&file.abs_path).unwrap());
        let parsed = parse_statement(file, &source, None).unwrap_or_else(|err| panic!("{err}"));
        assert!(
            !parsed.statement.title.is_empty(),
            "{}: empty title",
            file.rel_path
        );
        let mut got = Words::new();
        for passage in &parsed.passages {
            count_words(&passage.text, &mut got);
        }
        for heading in &parsed.headings {
            count_words(heading, &mut got);
        }
        let want = expected_words(body(&source));
        if got != want {
            let mut differences = Vec::new();
            for word in want.keys().chain(got.keys()) {
                let (w, g) = (
                    want.get(word).copied().unwrap_or(0),
                    got.get(word).copied().unwrap_or(0),
                );
                if w != g
                    && !differences
                        .iter()
                        .any(|d: &String| d.starts_with(&format!("{word}:")))
                {
                    differences.push(format!("{word}: body {w}, passages {g}"));
                }
            }
            panic!(
                "{}: words differ between body and passages:\n{}",
                file.abs_path.display(),
                differences.join("\n")
            );
        }
    }
    files.len()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn every_word_of_the_shipped_corpus_lands_in_one_passage() {
    assert_eq!(assert_no_word_lost(&repo("corpus")), 1);
}

#[test]
fn every_word_of_the_fixtures_lands_in_one_passage() {
    assert_eq!(assert_no_word_lost(&repo("tests/fixtures/basic")), 5);
}

#[test]
fn the_checker_notices_a_lost_word() {
    let want =
        expected_words("One two.\n\n<!-- hidden -->\n\n1. three [four](https://x.org/five)\n");
    let mut got = Words::new();
    count_words("One two. three four", &mut got);
    assert_eq!(want, got);
    count_words("extra", &mut got);
    assert_ne!(want, got);
}

/// Opt-in: a folder of real statements, e.g. `VERBATIM_EXTRA_CORPUS=../shared/corpus`.
/// Every document must ingest with its metadata, keep every body word, and be found by a
/// phrase taken from its own text.
#[test]
fn extra_corpus_ingests_whole_and_is_searchable() {
    let Some(extra) = std::env::var_os("VERBATIM_EXTRA_CORPUS") else {
        eprintln!("VERBATIM_EXTRA_CORPUS is not set; skipping");
        return;
    };
    let corpus = PathBuf::from(extra);
    let checked = assert_no_word_lost(&corpus);
    let index = tempfile::tempdir().unwrap();
    let verbatim = |args: &[&str]| {
        let mut command = assert_cmd::Command::cargo_bin("verbatim").unwrap();
        command
            .env_remove("VERBATIM_INDEX")
            .env_remove("VERBATIM_CORPUS")
            .arg("--corpus")
            .arg(&corpus)
            .arg("--index")
            .arg(index.path())
            .args(args);
        command.output().unwrap()
    };
    let ingest = verbatim(&["ingest"]);
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );

    let docs = verbatim(&["docs", "--format", "jsonl"]);
    let statements: Vec<serde_json::Value> = String::from_utf8_lossy(&docs.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(statements.len(), checked);
    for statement in &statements {
        let id = statement["id"].as_str().unwrap();
        assert!(
            statement["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{id}: no title"
        );
        assert!(statement["date"].as_str().is_some(), "{id}: no date");
        assert!(
            statement["passages"].as_u64().unwrap() > 0,
            "{id}: no passages"
        );

        // A phrase from the middle of its longest passage must find the statement.
        let shown = verbatim(&["show", id, "--format", "jsonl"]);
        let passages: Vec<serde_json::Value> = String::from_utf8_lossy(&shown.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let longest = passages
            .iter()
            .max_by_key(|p| p["text"].as_str().unwrap().len())
            .unwrap();
        let words: Vec<&str> = longest["text"]
            .as_str()
            .unwrap()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let middle = words.len() / 2;
        let phrase = format!(
            "\"{}\"",
            words[middle.saturating_sub(2)..(middle + 2).min(words.len())].join(" ")
        );
        let found = verbatim(&["search", &phrase, "--all", "--format", "jsonl"]);
        let hit_docs: Vec<String> = String::from_utf8_lossy(&found.stdout)
            .lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line).unwrap()["doc"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert!(
            hit_docs.iter().any(|doc| doc == id),
            "{id}: {phrase} did not find it"
        );
    }

    // Every reuse finding can be checked with `show`: each place holds the shared words.
    let reuse = verbatim(&["reuse", "--min-words", "8", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&reuse.stdout).unwrap();
    let folded = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    for finding in report["findings"].as_array().unwrap() {
        let shared = folded(finding["text"].as_str().unwrap());
        assert_eq!(shared.len() as u64, finding["words"].as_u64().unwrap());
        let places = finding["places"].as_array().unwrap();
        let statements: std::collections::HashSet<&str> =
            places.iter().map(|p| p["doc"].as_str().unwrap()).collect();
        assert!(
            statements.len() >= 2,
            "reuse inside one statement: {finding}"
        );
        for place in places {
            let citation = place["citation"].as_str().unwrap();
            let shown = verbatim(&["show", citation, "--format", "jsonl"]);
            let passage: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
            let text = passage["text"].as_str().unwrap();
            let here = folded(
                &text[place["start"].as_u64().unwrap() as usize
                    ..place["end"].as_u64().unwrap() as usize],
            );
            assert_eq!(
                here.len() as u64,
                place["words"].as_u64().unwrap(),
                "{citation}"
            );
            assert!(
                shared
                    .windows(here.len())
                    .any(|window| window == here.as_slice()),
                "{citation}: {here:?} is not part of {shared:?}"
            );
        }
    }
}
