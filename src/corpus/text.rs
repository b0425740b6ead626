//! Turning scraped text into clean plain text: invisible characters, spacing, stray escapes.

/// Cleans a run of text for display and search: invisible characters are dropped, every kind of
/// space becomes a plain space, runs of spaces collapse, a backslash left before punctuation by
/// a double-escaping scraper is dropped, and the ends are trimmed.
pub fn clean_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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

/// Characters with no width that scraped pages carry inside words and titles.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Counts words the way the search tokenizer splits them: runs of letters and digits.
pub fn word_count(text: &str) -> usize {
    words(text).count()
}

/// The words of a text: maximal runs of alphanumeric characters.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
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
            let closing = format!("</{}", name.to_ascii_lowercase());
            let lower = tag.to_ascii_lowercase();
            rest = match lower.find(&closing) {
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
    fn word_count_counts_alphanumeric_runs() {
        assert_eq!(word_count("end-to-end, children's 2020!"), 6);
    }
}
