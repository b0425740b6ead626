//! Properties on generated inputs: statements built from generated blocks keep every word exactly
//! once, citations print as text that parses back to them, and no query string panics.
//! The fuzz targets in `fuzz/` check the same on arbitrary bytes, for longer.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use verbatim::corpus::{Citation, CorpusFile, ParsedStatement, parse_statement};
use verbatim::index::{CorpusIndex, Locations};
use verbatim::query::UserQuery;
use verbatim::search::{Facet, SearchRequest, SortOrder, match_counts, search};

/// One block of a generated statement, holding its words.
#[derive(Debug, Clone)]
enum Block {
    Paragraph(Vec<String>),
    Heading(u8, Vec<String>),
    /// Items, each with its depth (0 or 1) and words.
    Bullets(Vec<(bool, Vec<String>)>),
    Numbered(Vec<Vec<String>>),
    Quote(Vec<String>),
}

impl Block {
    fn words(&self) -> Vec<&str> {
        let all: Vec<&Vec<String>> = match self {
            Block::Paragraph(words) | Block::Heading(_, words) | Block::Quote(words) => {
                vec![words]
            }
            Block::Bullets(items) => items.iter().map(|(_, words)| words).collect(),
            Block::Numbered(items) => items.iter().collect(),
        };
        all.into_iter().flatten().map(String::as_str).collect()
    }

    fn markdown(&self) -> String {
        match self {
            Block::Paragraph(words) => format!("{}\n", wrapped(words, "")),
            Block::Heading(level, words) => {
                format!("{} {}\n", "#".repeat(*level as usize), words.join(" "))
            }
            Block::Bullets(items) => items
                .iter()
                .map(|(nested, words)| {
                    let indent = if *nested { "  " } else { "" };
                    format!("{indent}- {}\n", wrapped(words, &format!("{indent}  ")))
                })
                .collect(),
            Block::Numbered(items) => items
                .iter()
                .enumerate()
                .map(|(i, words)| format!("{}. {}\n", i + 1, wrapped(words, "   ")))
                .collect(),
            Block::Quote(words) => format!("> {}\n", wrapped(words, "> ")),
        }
    }

    fn html(&self) -> String {
        match self {
            Block::Paragraph(words) => format!("<p>{}</p>\n", words.join("\n")),
            Block::Heading(level, words) => format!("<h{level}>{}</h{level}>\n", words.join(" ")),
            Block::Bullets(items) => {
                let items: String = items
                    .iter()
                    .map(|(_, words)| format!("<li>{}</li>", words.join(" ")))
                    .collect();
                format!("<ul>{items}</ul>\n")
            }
            Block::Numbered(items) => {
                let items: String = items
                    .iter()
                    .map(|words| format!("<li><p>{}</p></li>", words.join(" ")))
                    .collect();
                format!("<ol>{items}</ol>\n")
            }
            Block::Quote(words) => format!("<blockquote>{}</blockquote>\n", words.join(" ")),
        }
    }
}

/// Words joined by spaces, a line break after every fourth, continuation lines indented.
fn wrapped(words: &[String], indent: &str) -> String {
    words
        .chunks(4)
        .map(|line| line.join(" "))
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// A word as statements write it: letters and digits, sometimes emphasised or followed by
/// punctuation, never a list number.
fn word() -> impl Strategy<Value = String> {
    let bare = prop_oneof![
        "[a-z]{1,8}",
        "[A-Z][a-z]{0,7}",
        "[a-z]{1,4}[0-9]{1,3}",
        Just("café".to_string()),
        Just("Zürich".to_string()),
        Just("2020".to_string()),
    ];
    (bare, 0..8u8).prop_map(|(word, dress)| match dress {
        0 => format!("*{word}*"),
        1 => format!("**{word}**"),
        2 => format!("{word},"),
        // "2020." starting a line is a list number, which is markup.
        3 if word.starts_with(char::is_alphabetic) => format!("{word}."),
        _ => word,
    })
}

fn words() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(word(), 1..10)
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        3 => words().prop_map(Block::Paragraph),
        1 => (1..4u8, words()).prop_map(|(level, words)| Block::Heading(level, words)),
        1 => prop::collection::vec((any::<bool>(), words()), 1..4).prop_map(|mut items| {
            items[0].0 = false;
            Block::Bullets(items)
        }),
        1 => prop::collection::vec(words(), 1..4).prop_map(Block::Numbered),
        1 => words().prop_map(Block::Quote),
    ]
}

fn blocks() -> impl Strategy<Value = Vec<Block>> {
    prop::collection::vec(block(), 1..8)
}

fn statement(rel_path: &str, source: &str) -> ParsedStatement {
    let file = CorpusFile {
        id: "generated".to_string(),
        abs_path: PathBuf::from(rel_path),
        rel_path: rel_path.to_string(),
        size: source.len() as u64,
        mtime_ns: 0,
        duplicate_of: None,
    };
    parse_statement(&file, source, None).expect("a generated statement parses")
}

/// Words as the search tokenizer splits them, counted.
fn word_counts<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for text in texts {
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            *counts.entry(word).or_default() += 1;
        }
    }
    counts
}

/// Passages numbered 1..=n, none empty, and every generated word in exactly one passage or
/// heading.
fn assert_every_word_once(parsed: &ParsedStatement, blocks: &[Block]) -> Result<(), TestCaseError> {
    for (index, passage) in parsed.passages.iter().enumerate() {
        prop_assert_eq!(passage.n, index as u64 + 1);
        prop_assert!(passage.text.chars().any(char::is_alphanumeric));
    }
    let got = word_counts(
        parsed
            .passages
            .iter()
            .map(|p| p.text.as_str())
            .chain(parsed.headings.iter().map(String::as_str)),
    );
    let want = word_counts(blocks.iter().flat_map(Block::words));
    prop_assert_eq!(got, want);
    Ok(())
}

proptest! {
    #[test]
    fn markdown_passages_keep_every_word_once(blocks in blocks()) {
        let body: String = blocks.iter().map(|b| b.markdown()).collect::<Vec<_>>().join("\n");
        let source = format!("---\ntitle: Generated\n---\n\n{body}");
        assert_every_word_once(&statement("generated.md", &source), &blocks)?;
    }

    #[test]
    fn html_passages_keep_every_word_once(blocks in blocks()) {
        let body: String = blocks.iter().map(Block::html).collect();
        let source = format!("<!DOCTYPE html><html><body><main>\n{body}</main></body></html>");
        assert_every_word_once(&statement("generated.html", &source), &blocks)?;
    }

    #[test]
    fn citations_print_as_text_that_parses_back(text in "\\PC*") {
        if let Ok(citation) = Citation::parse(&text) {
            prop_assert_eq!(Citation::parse(&citation.to_string()).ok(), Some(citation));
        }
    }

    #[test]
    fn written_citations_parse_to_their_parts(
        id in "[a-z0-9][a-z0-9/_.-]{0,30}",
        hashed in prop::option::of("[a-z0-9#]{0,5}"),
        n in prop::option::of(1..100_000u64),
    ) {
        // A `#` inside an id is read as part of it when a passage number follows.
        let doc = match (hashed, n) {
            (Some(tail), Some(_)) => format!("{id}#{tail}"),
            _ => id,
        };
        let written = match n {
            Some(n) => format!("{doc}#{n}"),
            None => doc.clone(),
        };
        prop_assert_eq!(Citation::parse(&written).ok(), Some(Citation { doc, n }));
    }

    #[test]
    fn no_query_string_panics(query in "\\PC{0,40}", exact in any::<bool>()) {
        run_query(&query, exact);
    }

    #[test]
    fn no_query_built_from_the_grammar_panics(
        parts in prop::collection::vec(query_part(), 0..12),
        exact in any::<bool>(),
    ) {
        run_query(&parts.concat(), exact);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A timeline counts matches from the index's positions when it can; the count must be the
    /// one the highlighted hits show.
    #[test]
    fn match_counts_are_the_hits_highlighted_matches(
        literals in prop::collection::vec(literal(), 1..4),
        or in any::<bool>(),
        exact in any::<bool>(),
    ) {
        let query = literals.join(if or { " OR " } else { " " });
        let index = shipped_index();
        let request = SearchRequest {
            query: query.clone(),
            exact,
            filters: Default::default(),
            limit: None,
            sort: SortOrder::Date,
            context: 0,
            facets: Vec::new(),
        };
        let counted = match_counts(index, &request).unwrap();
        let highlighted: Vec<(String, usize)> = search(index, &request)
            .unwrap()
            .into_iter()
            .map(|hit| (hit.passage.doc, hit.match_count))
            .collect();
        prop_assert_eq!(counted, highlighted, "query {}", query);
    }
}

/// A word or a quoted phrase of the shipped corpus's vocabulary: phrases it holds, words of
/// theirs in other orders, and repeated words.
fn literal() -> impl Strategy<Value = String> {
    let words = vec![
        "lawful",
        "access",
        "encryption",
        "encrypted",
        "public",
        "safety",
        "end",
        "to",
        "the",
        "of",
        "and",
        "law",
        "enforcement",
        "children",
        "child",
        "security",
        "national",
        "technology",
        "companies",
        "rule",
        "online",
        "data",
        "cyber",
        "governments",
    ];
    prop_oneof![
        prop::sample::select(vec![
            "\"lawful access\"",
            "\"public safety\"",
            "\"end-to-end encryption\"",
            "\"law enforcement\"",
            "\"the rule of law\"",
            "\"child sexual abuse\"",
            "\"of the\"",
            "\"the the\"",
        ])
        .prop_map(str::to_string),
        prop::sample::select(words.clone()).prop_map(str::to_string),
        prop::collection::vec(prop::sample::select(words), 2..4)
            .prop_map(|phrase| format!("\"{}\"", phrase.join(" "))),
    ]
}

/// An index of the shipped corpus, built once for all the cases that need real statements.
fn shipped_index() -> &'static CorpusIndex {
    static INDEX: OnceLock<(tempfile::TempDir, CorpusIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let locations = Locations {
                corpus: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus"),
                index: dir.path().join("index"),
            };
            let (index, _) = CorpusIndex::open_current(&locations).unwrap();
            (dir, index)
        })
        .1
}

/// Pieces of the query grammar, for strings that get past the first checks more often.
fn query_part() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zé]{1,6}",
        "[0-9]{1,5}",
        prop::sample::select(vec![
            " ",
            "\"",
            "(",
            ")",
            "-",
            "+",
            "*",
            ":",
            "~",
            "^",
            "[",
            "]",
            "{",
            "}",
            " TO ",
            " OR ",
            " AND ",
            " IN ",
            "\\",
            "/",
            "title:",
            "section:",
            "type:",
            "kind:",
            "doc:",
            "signatory:",
            "year:",
            "text:",
            "author:",
            "'",
        ])
        .prop_map(str::to_string),
    ]
}

/// Parses and runs `query` on a small index: an error is a fine answer, a panic is not.
fn run_query(query: &str, exact: bool) {
    let Ok(parsed) = UserQuery::parse(query, exact) else {
        return;
    };
    let index = index();
    let _ = parsed.to_query(index);
    let request = SearchRequest {
        query: query.to_string(),
        exact,
        filters: Default::default(),
        limit: Some(5),
        sort: SortOrder::Relevance,
        context: 1,
        facets: vec![Facet::Signatory, Facet::Year, Facet::Type],
    };
    if let Ok(hits) = search(index, &request) {
        for hit in hits {
            for [from, to] in hit.matches {
                assert!(from < to && to <= hit.passage.text.len());
            }
        }
    }
}

/// An index of two small statements, built once for all the query cases.
fn index() -> &'static CorpusIndex {
    static INDEX: OnceLock<(tempfile::TempDir, CorpusIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = dir.path().join("corpus");
            std::fs::create_dir(&corpus).unwrap();
            std::fs::write(
                corpus.join("2020-statement.md"),
                "---\ntitle: Joint Statement on Encryption\ndate: 2020-10-11\n\
                 type: joint statement\nsignatories:\n  - name: Priti Patel\n    country: UK\n\
                 ---\n\n## Commitments\n\nWe support strong encryption and lawful access.\n\n\
                 - embed public safety in café design\n",
            )
            .unwrap();
            std::fs::write(
                corpus.join("2017-declaration.md"),
                "---\ntitle: Tokyo Declaration\ndate: 2017\nsignatories: [Japan]\n---\n\n\
                 Children's safety online, end-to-end encrypted.\n",
            )
            .unwrap();
            let locations = Locations {
                corpus,
                index: dir.path().join("index"),
            };
            let (index, _) = CorpusIndex::open_current(&locations).unwrap();
            (dir, index)
        })
        .1
}
