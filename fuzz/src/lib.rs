//! The invariants the fuzz targets check: what any statement's passages must satisfy, whatever
//! the input, and the stricter ones that hold when the input has little or no markup.

use std::collections::BTreeMap;
use std::path::PathBuf;

use verbatim::corpus::{CorpusFile, ParsedStatement, decode_source, parse_statement, word_count};

/// A statement file named `rel_path` (its extension decides Markdown or HTML).
pub fn corpus_file(rel_path: &str, size: usize) -> CorpusFile {
    let id = rel_path
        .rsplit_once('.')
        .map_or(rel_path, |(stem, _)| stem)
        .to_string();
    CorpusFile {
        id,
        abs_path: PathBuf::from("/fuzz").join(rel_path),
        rel_path: rel_path.to_string(),
        size: size as u64,
        mtime_ns: 0,
        duplicate_of: None,
    }
}

pub fn parse(rel_path: &str, source: &str) -> verbatim::error::Result<ParsedStatement> {
    parse_statement(&corpus_file(rel_path, source.len()), source, None)
}

/// Bytes → Markdown statement: every invariant, on the input and on its markup-free variants.
pub fn check_markdown(data: &[u8]) {
    let (source, _) = decode_source(data);
    if let Ok(parsed) = parse("fuzz.md", &source) {
        check_structure(&parsed, &source);
        let supply = source_supply(&source);
        let positions = positions(&supply);
        for text in texts(&parsed) {
            assert_subsequence(text, &positions);
        }
        assert_within(&texts(&parsed), &supply);
    }

    // Markup that never hides a letter: every letter and digit lands in a passage or heading,
    // once. The first line keeps the text from ever being read as front matter.
    let lite: String = source.chars().filter(|&c| is_lite(c)).collect();
    let lite = format!("Body\n\n{lite}");
    let parsed = parse("fuzz.md", &lite).expect("a body without front matter always parses");
    check_structure(&parsed, &lite);
    assert_eq!(
        char_counts(texts(&parsed)),
        char_counts([lite.as_str()]),
        "letters lost or repeated in {lite:?}: {:#?}",
        parsed.passages
    );

    // No markup at all: the very same words.
    let plain: String = source.chars().filter(|&c| is_plain(c)).collect();
    let parsed = parse("fuzz.md", &plain).expect("a body without front matter always parses");
    check_structure(&parsed, &plain);
    assert_eq!(
        word_counts(texts(&parsed)),
        word_counts([plain.as_str()]),
        "words lost or repeated in {plain:?}: {:#?}",
        parsed.passages
    );
}

/// Bytes → HTML statement: every invariant, on the input and on its markup-light variants.
pub fn check_html(data: &[u8]) {
    let (source, _) = decode_source(data);
    check_html_source(&source);
    // Only elements and text: tags without attributes, no entities, no comments.
    let tags_only: String = source
        .chars()
        .filter(|&c| is_plain(c) || matches!(c, '<' | '>' | '/'))
        .collect();
    check_html_source(&tags_only);
    let plain: String = source.chars().filter(|&c| is_plain(c)).collect();
    if let Ok(parsed) = parse("fuzz.html", &plain) {
        check_structure(&parsed, &plain);
        assert_eq!(
            word_counts(texts(&parsed)),
            word_counts([plain.as_str()]),
            "words lost or repeated in {plain:?}: {:#?}",
            parsed.passages
        );
    }
}

fn check_html_source(source: &str) {
    let Ok(parsed) = parse("fuzz.html", source) else {
        return;
    };
    check_structure(&parsed, source);
    // Passages hold only the text of the page's text nodes, each letter at most once.
    let document = scraper::Html::parse_document(source);
    let nodes: Vec<&str> = document
        .tree
        .values()
        .filter_map(|node| node.as_text().map(|text| &**text))
        .collect();
    let supply: Vec<char> = nodes.iter().flat_map(|text| folded(text)).collect();
    assert_within(&texts(&parsed), &supply);
    // A page of plain blocks and inline elements keeps every letter of every text node.
    if is_simple_page(&document) {
        assert_eq!(
            char_counts(texts(&parsed)),
            char_counts(nodes.iter().copied()),
            "letters lost or repeated in {source:?}: {:#?}",
            parsed.passages
        );
    }
}

/// Elements without attributes, none of which verbatim treats as page furniture, notes or a
/// content container: all their text is statement text.
fn is_simple_page(document: &scraper::Html) -> bool {
    const SIMPLE: [&str; 35] = [
        "html",
        "head",
        "body",
        "p",
        "div",
        "span",
        "b",
        "i",
        "em",
        "strong",
        "u",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "pre",
        "section",
        "dl",
        "dt",
        "dd",
        "table",
        "tbody",
        "thead",
        "tr",
        "td",
        "th",
        "sup",
        "code",
    ];
    document.tree.values().all(|node| {
        node.as_element().is_none_or(|element| {
            SIMPLE.contains(&element.name()) && element.attrs().next().is_none()
        })
    })
}

/// Numbering, non-empty trimmed texts, lines inside the file, and the statement's counts.
pub fn check_structure(parsed: &ParsedStatement, source: &str) {
    let last_line = 1 + source.matches('\n').count() + source.matches('\r').count();
    for (index, passage) in parsed.passages.iter().enumerate() {
        assert_eq!(passage.n, index as u64 + 1, "passages numbered 1..=n");
        assert!(
            passage.text.chars().any(char::is_alphanumeric),
            "passage {} has no word: {:?}",
            passage.n,
            passage.text
        );
        assert_eq!(passage.text.trim(), passage.text, "untrimmed passage");
        assert!(
            (1..=last_line as u64).contains(&passage.line),
            "passage {} on line {} of {last_line}",
            passage.n,
            passage.line
        );
    }
    let statement = &parsed.statement;
    assert_eq!(statement.passages, parsed.passages.len() as u64);
    assert_eq!(
        statement.words,
        parsed
            .passages
            .iter()
            .map(|p| word_count(&p.text) as u64)
            .sum::<u64>()
    );
    assert!(!statement.title.is_empty(), "empty title");
}

/// Passage and heading texts.
fn texts(parsed: &ParsedStatement) -> Vec<&str> {
    parsed
        .passages
        .iter()
        .map(|p| p.text.as_str())
        .chain(parsed.headings.iter().map(String::as_str))
        .collect()
}

/// Characters that cannot start markup that hides a letter: no `.` or `)` (list numbers),
/// `[` (task markers, link labels), `` ` `` or `~` (code fences' info strings), `|` (surplus
/// table cells), `<`, `&`, `\`.
fn is_lite(c: char) -> bool {
    is_plain(c) || matches!(c, '*' | '_' | '#' | '>' | '-' | '+' | '=')
}

/// Characters that are never Markdown or HTML syntax.
fn is_plain(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '\n' | ',' | ';' | ':' | '?' | '\'' | '"')
}

/// Letters and digits, lower-cased (a task marker `[X]` is written `[x]`).
fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

/// The letters and digits a passage may draw from `source`, in order: each character
/// reference contributes both its own letters (code keeps `&amp;` as written) and what it
/// decodes to, with every prefix of a name tried, as HTML reads `&eacutex` as `éx`.
pub fn source_supply(source: &str) -> Vec<char> {
    let mut supply = Vec::with_capacity(source.len());
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        if c == '&' {
            let after = &rest[1..];
            let consumed = if let Some(number) = after.strip_prefix('#') {
                let hex = number.starts_with(['x', 'X']);
                let digits = if hex { &number[1..] } else { number };
                let len = digits
                    .find(|c: char| {
                        !(if hex {
                            c.is_ascii_hexdigit()
                        } else {
                            c.is_ascii_digit()
                        })
                    })
                    .unwrap_or(digits.len());
                let raw = &rest[..2 + usize::from(hex) + len];
                supply.extend(folded(raw));
                if len > 0 {
                    supply.extend(folded(&numeric_reference(&digits[..len], hex).to_string()));
                }
                raw.len()
            } else {
                let len = after
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(after.len());
                for end in 1..=len {
                    supply.extend(folded(&after[end - 1..end]));
                    let reference = format!("&{};", &after[..end]);
                    let decoded = html_escape::decode_html_entities(&reference);
                    if decoded != reference {
                        supply.extend(folded(&decoded));
                    }
                }
                1 + len
            };
            rest = &rest[consumed..];
        } else {
            supply.extend(folded(&rest[..c.len_utf8()]));
            rest = &rest[c.len_utf8()..];
        }
    }
    supply
}

/// What a numeric character reference stands for, as HTML decodes it (C1 controls are
/// Windows-1252).
fn numeric_reference(digits: &str, hex: bool) -> char {
    let value = u32::from_str_radix(digits.get(..8).unwrap_or(digits), if hex { 16 } else { 10 })
        .unwrap_or(u32::MAX);
    if (0x80..=0x9f).contains(&value) {
        let byte = [value as u8];
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        return text.chars().next().unwrap_or('\u{FFFD}');
    }
    char::from_u32(value)
        .filter(|&c| c != '\0')
        .unwrap_or('\u{FFFD}')
}

/// The letters of `text` appear in `supply` in the same order. Each letter's positions are
/// looked up, so that a source of many passages is not scanned once per passage.
fn assert_subsequence(text: &str, positions: &BTreeMap<char, Vec<usize>>) {
    let mut next = 0;
    for c in folded(text) {
        let at = positions.get(&c).and_then(|places| {
            let i = places.partition_point(|&place| place < next);
            places.get(i).copied()
        });
        let Some(at) = at else {
            panic!("{text:?}: `{c}` is not in the source, or not in this order");
        };
        next = at + 1;
    }
}

/// Where each letter occurs in `supply`.
fn positions(supply: &[char]) -> BTreeMap<char, Vec<usize>> {
    let mut positions: BTreeMap<char, Vec<usize>> = BTreeMap::new();
    for (at, &c) in supply.iter().enumerate() {
        positions.entry(c).or_default().push(at);
    }
    positions
}

/// No letter appears in `texts` more often than in `supply`.
fn assert_within(texts: &[&str], supply: &[char]) {
    let mut available: BTreeMap<char, usize> = BTreeMap::new();
    for &c in supply {
        *available.entry(c).or_default() += 1;
    }
    for (c, used) in char_counts(texts.iter().copied()) {
        let have = available.get(&c).copied().unwrap_or(0);
        assert!(
            used <= have,
            "`{c}` appears {used} times in passages and headings, {have} in the source: {texts:#?}"
        );
    }
}

fn char_counts<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for text in texts {
        for c in folded(text) {
            *counts.entry(c).or_default() += 1;
        }
    }
    counts
}

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
