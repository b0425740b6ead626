//! Turning scraped text into clean plain text: invisible characters, spacing, stray escapes.

/// Cleans a run of text for display and search: invisible characters are dropped, every kind of
/// space becomes a plain space, runs of spaces collapse, a backslash left before punctuation by
/// a double-escaping scraper is dropped, and the ends are trimmed.
pub fn clean_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut rest = text;
    while !rest.is_empty() {
        // Most of a text is plain ASCII between single spaces: such a run is copied whole, and
        // only what may need changing is looked at a character at a time.
        let plain = rest
            .bytes()
            .position(|b| {
                b.is_ascii_whitespace() || b == VERTICAL_TAB || b == b'\\' || !b.is_ascii()
            })
            .unwrap_or(rest.len());
        if plain > 0 {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push_str(&rest[..plain]);
            rest = &rest[plain..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        rest = chars.as_str();
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c == '\\' && rest.starts_with(|next: char| next.is_ascii_punctuation()) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The one ASCII character `char::is_whitespace` counts and `u8::is_ascii_whitespace` does not.
const VERTICAL_TAB: u8 = 0x0B;

/// Drops runs of two or more asterisks left in text when emphasis markers did not pair up
/// (`**Resilience **`); a lone `*` may be meant and stays.
pub fn drop_stray_emphasis(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("**") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("**") {
        out.push_str(&rest[..at]);
        rest = rest[at..].trim_start_matches('*');
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Drops the Markdown a scraper left broken, which the parser can only pass on as text:
/// emphasis asterisks that did not pair up (`*Federal Register *and`, `Purpose*.*`), runs of
/// `#` such as the `\###` that ends a press release, and the `](` of a link whose opening
/// bracket sits in another block (the URL stays, in parentheses, so no word is lost).
pub fn drop_markup_residue(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['*', '#', ']']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    // Found once: looking ahead for a `)` at every `](` made long texts quadratic.
    let last_paren = chars.iter().rposition(|&c| c == ')');
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let before = i.checked_sub(1).map(|j| chars[j]);
        match c {
            '*' if is_stray_asterisk(before, chars.get(i + 1).copied()) => {}
            '#' | '\\' if hash_run_len(&chars[i..]) > 0 => {
                let run = hash_run_len(&chars[i..]);
                if chars
                    .get(i + run)
                    .is_some_and(|next| next.is_alphanumeric())
                {
                    out.extend(&chars[i..i + run]);
                }
                i += run;
                continue;
            }
            ']' if chars.get(i + 1) == Some(&'(')
                && is_url_start(&chars[i + 2..])
                && last_paren.is_some_and(|at| at >= i + 2) =>
            {
                out.push_str(" (");
                i += 2;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// An asterisk touching a word on one side only, or wedged between punctuation, is half of an
/// emphasis pair; one between spaces (`a * b`), inside a word (`5*3`) or quoted (`“*”`) is meant.
fn is_stray_asterisk(before: Option<char>, after: Option<char>) -> bool {
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let quote = |c: Option<char>| c.is_some_and(|c| "\"'“”‘’«»".contains(c));
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    match (space(before), space(after)) {
        (true, true) => false,
        (true, false) | (false, true) => true,
        (false, false) => {
            let meant = (word(before) && word(after)) || (quote(before) && quote(after));
            !meant
        }
    }
}

/// The length of a run of two or more `#`, each perhaps escaped with a backslash; 0 otherwise.
fn hash_run_len(chars: &[char]) -> usize {
    let mut len = 0;
    let mut hashes = 0;
    loop {
        match chars.get(len..) {
            Some(['\\', '#', ..]) => len += 2,
            Some(['#', ..]) => len += 1,
            _ => break,
        }
        hashes += 1;
    }
    if hashes >= 2 { len } else { 0 }
}

fn is_url_start(chars: &[char]) -> bool {
    let start: String = chars.iter().take(8).collect();
    ["http://", "https://", "www.", "mailto:", "/"]
        .iter()
        .any(|prefix| start.starts_with(prefix))
}

/// Characters with no width that scraped pages carry inside words and titles.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Counts words the way the search tokenizer splits them: runs of letters and digits.
pub fn word_count(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        let alphanumeric = c.is_alphanumeric();
        if alphanumeric && !in_word {
            count += 1;
        }
        in_word = alphanumeric;
    }
    count
}

/// The readable text of a raw HTML block: tags dropped, comments, scripts and styles removed
/// with their content, block-level tags turned into spaces. Entities and Markdown inside are
/// left for the caller, which reads the result as Markdown.
pub fn html_block_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        if let Some(after) = tag.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let name = tag_name(tag);
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
            let closing = format!("</{name}");
            // Searched up to the first match only: lower-casing all the rest at every script
            // made a block of many scripts quadratic.
            let end = tag.match_indices("</").map(|(at, _)| at).find(|&at| {
                tag.get(at..at + closing.len())
                    .is_some_and(|found| found.eq_ignore_ascii_case(&closing))
            });
            rest = match end {
                Some(end) => tag[end..].find('>').map_or("", |gt| &tag[end + gt + 1..]),
                None => "",
            };
            continue;
        }
        if name.is_empty() {
            // A `<` that opens no tag is text, like "a < b".
            out.push('<');
            rest = &tag[1..];
            continue;
        }
        match tag.find('>') {
            Some(end) => {
                if is_block_tag(name) {
                    out.push(' ');
                }
                rest = &tag[end + 1..];
            }
            None => {
                out.push_str(tag);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The element name of a tag starting at `<`, or "" when it is not a tag.
fn tag_name(tag: &str) -> &str {
    let inner = tag[1..].strip_prefix('/').unwrap_or(&tag[1..]);
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(inner.len());
    let name = &inner[..end];
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        ""
    }
}

fn is_block_tag(name: &str) -> bool {
    const BLOCK: [&str; 16] = [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "section",
    ];
    BLOCK.iter().any(|block| name.eq_ignore_ascii_case(block))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_inline_drops_invisibles_and_collapses_spaces() {
        assert_eq!(
            clean_inline(" End\u{2060}-to-End\u{00A0}Encryption \n and  Safety "),
            "End-to-End Encryption and Safety"
        );
        // Whitespace to Rust though not to `u8::is_ascii_whitespace`, and beyond ASCII.
        assert_eq!(clean_inline("a\u{0B}b\u{85}c\u{2003}\u{FEFF} d"), "a b c d");
    }

    /// The cleaning as it reads in its description, a character at a time.
    fn clean_inline_by_chars(text: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if is_invisible(c) {
                continue;
            }
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if c == '\\' && chars.peek().is_some_and(|next| next.is_ascii_punctuation()) {
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn clean_inline_and_word_count_agree_with_a_character_at_a_time_reading(
            text in "[a-z0-9 \\t\\n\\x0B\\x0C\\r\\\\.,*#()\\]\u{85}\u{A0}\u{AD}\u{200B}\u{2003}\u{2060}\u{FEFF}é’—]{0,40}"
        ) {
            proptest::prop_assert_eq!(clean_inline(&text), clean_inline_by_chars(&text));
            let words = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty());
            proptest::prop_assert_eq!(word_count(&text), words.count());
        }
    }

    #[test]
    fn clean_inline_drops_stray_escapes() {
        assert_eq!(
            clean_inline(r"attachment\_data \### x"),
            "attachment_data ### x"
        );
        assert_eq!(clean_inline(r"C:\Users"), r"C:\Users");
    }

    #[test]
    fn html_block_text_keeps_words_and_drops_comments_scripts() {
        let html = "<span style=\"x\">Section 1. Policy.</span> The\nUnited States<!-- c --><script>var a;</script> <b>will</b>";
        assert_eq!(
            clean_inline(&html_block_text(html)),
            "Section 1. Policy. The United States will"
        );
        assert_eq!(clean_inline(&html_block_text("a < b <p>c")), "a < b c");
    }

    #[test]
    fn markup_residue_is_dropped_and_every_word_kept() {
        for (scraped, clean) in [
            (
                "published in the *Federal Register *and sent",
                "published in the Federal Register and sent",
            ),
            (
                "Sec. 5. General Provisions*.* (a) Nothing",
                "Sec. 5. General Provisions. (a) Nothing",
            ),
            ("*“When President Trump", "“When President Trump"),
            (
                "care, visit*](http://www.example.gov)\\###",
                "care, visit (http://www.example.gov)",
            ),
            ("The end. ###", "The end. "),
            (
                "Mike Spier](https://example.com/a)",
                "Mike Spier (https://example.com/a)",
            ),
        ] {
            assert_eq!(drop_markup_residue(scraped), clean, "{scraped}");
        }
        for meant in [
            "5*3 and a * b",
            "marked with “*” here",
            "tags #1 and #hashtag and ##x",
            "a[1](b) and x](y",
        ] {
            assert_eq!(drop_markup_residue(meant), meant);
        }
    }

    #[test]
    fn long_runs_of_broken_links_and_scripts_are_cleaned_whole() {
        // A megabyte of either took seconds in release builds, four times as long at twice the
        // size, before the cleaners became linear; at these sizes a quadratic cleaner would
        // hold up the test run for minutes.
        let links = "See the report](https://example.org/a and ".repeat(25_000);
        assert_eq!(drop_markup_residue(&links), links);
        let scripts = format!("{}kept", "<SCRIPT>var a;</script>".repeat(45_000));
        assert_eq!(html_block_text(&scripts), "kept");
    }

    #[test]
    fn word_count_counts_alphanumeric_runs() {
        assert_eq!(word_count("end-to-end, children's 2020!"), 6);
        assert_eq!(word_count("café’s résumé—naïve"), 4);
    }
}
