//! Markdown → passages: one walk over pulldown-cmark's events, the only place Markdown is parsed.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::text::{clean_inline, drop_markup_residue, drop_stray_emphasis, html_block_text};
use super::{Passage, PassageKind};

/// The Markdown dialect of statements: CommonMark with GitHub's tables, footnotes,
/// strikethrough and task lists.
fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Stands in for an escaped `*` until the residue of broken emphasis has been dropped: a
/// private-use character, which no statement text contains.
const ESCAPED_ASTERISK: char = '\u{E02A}';

/// Puts back the asterisks that were escaped in the source, once the markup around them is gone.
fn restore_escaped_asterisks(text: String) -> String {
    if text.contains(ESCAPED_ASTERISK) {
        text.replace(ESCAPED_ASTERISK, "*")
    } else {
        text
    }
}

/// The passages of a statement body, and the headings that set their sections.
#[derive(Debug, Default)]
pub struct Passages {
    pub passages: Vec<Passage>,
    pub headings: Vec<String>,
}

/// A passage being collected while its block is open.
struct Builder {
    kind: PassageKind,
    text: String,
    start: usize,
    links: Vec<String>,
    section: String,
    /// Paragraphs outside lists and quotes may be halves of one paragraph cut by a page break.
    mergeable: bool,
    /// How many headings came before it: a page-break merge never crosses a heading.
    heading_seq: usize,
    /// Whether later paragraphs of the same block join this passage (list items, notes).
    collects_paragraphs: bool,
}

/// A finished passage before numbering.
struct Draft {
    kind: PassageKind,
    text: String,
    start: usize,
    links: Vec<String>,
    section: String,
    mergeable: bool,
    heading_seq: usize,
}

struct Walker<'a> {
    title_key: String,
    open: Vec<Builder>,
    /// For each open paragraph or code block: whether it opened a builder of its own.
    owns_builder: Vec<bool>,
    drafts: Vec<Draft>,
    headings: Vec<String>,
    heading_path: Vec<(usize, String)>,
    heading_text: Option<String>,
    heading_seq: usize,
    quote_depth: usize,
    html_block: Option<(usize, String)>,
    table_cells: usize,
    body: &'a str,
}

/// Splits a statement body into passages. `body_line` is the file line the body starts on;
/// `title` is left out of section paths when a heading repeats it.
pub fn passages(body: &str, body_line: usize, title: &str) -> Passages {
    let mut walker = Walker {
        title_key: clean_inline(title).to_lowercase(),
        open: Vec::new(),
        owns_builder: Vec::new(),
        drafts: Vec::new(),
        headings: Vec::new(),
        heading_path: Vec::new(),
        heading_text: None,
        heading_seq: 0,
        quote_depth: 0,
        html_block: None,
        table_cells: 0,
        body,
    };
    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        walker.event(event, range.start);
    }
    while let Some(builder) = walker.open.pop() {
        walker.finish(builder);
    }
    let drafts = merge_page_breaks(walker.drafts);
    let lines = LineIndex::new(body);
    let passages = drafts
        .into_iter()
        .enumerate()
        .map(|(index, draft)| Passage {
            n: index as u64 + 1,
            kind: draft.kind,
            section: draft.section,
            text: draft.text,
            line: (body_line + lines.line_of(draft.start)) as u64,
            links: draft.links,
        })
        .collect();
    Passages {
        passages,
        headings: walker.headings,
    }
}

impl Walker<'_> {
    fn event(&mut self, event: Event<'_>, offset: usize) {
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag),
            // An asterisk the author escaped is meant, so the residue cleaner must leave it be;
            // the parser starts a text event at each escaped character, after its backslash.
            Event::Text(text)
                if text.starts_with('*')
                    && offset > 0
                    && self.body.as_bytes().get(offset - 1) == Some(&b'\\') =>
            {
                self.push_text(&format!("{ESCAPED_ASTERISK}{}", &text[1..]))
            }
            Event::Text(text) | Event::Code(text) => self.push_text(&text),
            Event::Html(html) => match &mut self.html_block {
                Some((_, buffer)) => buffer.push_str(&html),
                None => self.push_text(&plain_text(&html_block_text(&html))),
            },
            Event::InlineHtml(html) => {
                if is_line_break_tag(&html) {
                    self.push_text(" ");
                }
            }
            Event::SoftBreak | Event::HardBreak => self.push_text(" "),
            Event::FootnoteReference(label) => self.push_text(&format!("[{label}]")),
            Event::TaskListMarker(done) => self.push_text(if done { "[x] " } else { "[ ] " }),
            Event::Rule | Event::InlineMath(_) | Event::DisplayMath(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, offset: usize) {
        match tag {
            Tag::Heading { .. } => self.heading_text = Some(String::new()),
            Tag::Paragraph | Tag::CodeBlock(_) => {
                let collector = self.open.last_mut().filter(|b| b.collects_paragraphs);
                match collector {
                    Some(builder) => {
                        builder.text.push(' ');
                        self.owns_builder.push(false);
                    }
                    None => {
                        let kind = if self.quote_depth > 0 {
                            PassageKind::Quote
                        } else {
                            PassageKind::Paragraph
                        };
                        let mergeable = self.open.is_empty() && self.quote_depth == 0;
                        self.open_builder(kind, offset, mergeable, false);
                        self.owns_builder.push(true);
                    }
                }
            }
            Tag::Item => self.open_builder(PassageKind::ListItem, offset, false, true),
            Tag::FootnoteDefinition(label) => {
                self.open_builder(PassageKind::Note, offset, false, true);
                self.push_text(&format!("[{label}] "));
            }
            Tag::TableHead | Tag::TableRow => {
                self.table_cells = 0;
                self.open_builder(PassageKind::TableRow, offset, false, false);
            }
            Tag::TableCell => {
                if self.table_cells > 0 {
                    self.push_text(" | ");
                }
                self.table_cells += 1;
            }
            Tag::BlockQuote(_) => self.quote_depth += 1,
            Tag::HtmlBlock => self.html_block = Some((offset, String::new())),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => self.push_link(dest_url),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                let text = restore_escaped_asterisks(clean_inline(&drop_markup_residue(
                    &self.heading_text.take().unwrap_or_default(),
                )));
                let level = level as usize;
                self.heading_path
                    .retain(|(open_level, _)| *open_level < level);
                self.heading_path.push((level, text.clone()));
                self.headings.push(text);
                self.heading_seq += 1;
            }
            TagEnd::Paragraph | TagEnd::CodeBlock => {
                let owned = self.owns_builder.pop().unwrap_or(false);
                if owned {
                    self.close_builder();
                }
            }
            TagEnd::Item | TagEnd::FootnoteDefinition | TagEnd::TableHead | TagEnd::TableRow => {
                self.close_builder()
            }
            TagEnd::BlockQuote(_) => self.quote_depth = self.quote_depth.saturating_sub(1),
            TagEnd::HtmlBlock => {
                if let Some((start, html)) = self.html_block.take() {
                    let text = plain_text(&html_block_text(&html));
                    match self.open.last_mut() {
                        Some(builder) => {
                            builder.text.push(' ');
                            builder.text.push_str(&text);
                        }
                        None => {
                            let kind = if self.quote_depth > 0 {
                                PassageKind::Quote
                            } else {
                                PassageKind::Paragraph
                            };
                            let mergeable = self.quote_depth == 0;
                            self.open_builder(kind, start, mergeable, false);
                            self.push_text(&text);
                            self.close_builder();
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn open_builder(&mut self, kind: PassageKind, start: usize, mergeable: bool, collects: bool) {
        self.open.push(Builder {
            kind,
            text: String::new(),
            start,
            links: Vec::new(),
            section: self.section(),
            mergeable,
            heading_seq: self.heading_seq,
            collects_paragraphs: collects,
        });
    }

    fn close_builder(&mut self) {
        if let Some(builder) = self.open.pop() {
            self.finish(builder);
        }
    }

    fn finish(&mut self, builder: Builder) {
        // Emphasis markers that did not pair up arrive as text, in pieces; drop them whole.
        let text = restore_escaped_asterisks(clean_inline(&drop_markup_residue(
            &drop_stray_emphasis(&builder.text),
        )));
        if !text.chars().any(char::is_alphanumeric) {
            return;
        }
        let kind = if builder.kind == PassageKind::Paragraph && is_reference_entry(&text) {
            PassageKind::Note
        } else {
            builder.kind
        };
        self.drafts.push(Draft {
            kind,
            mergeable: builder.mergeable && kind == PassageKind::Paragraph,
            text,
            start: builder.start,
            links: builder.links,
            section: builder.section,
            heading_seq: builder.heading_seq,
        });
    }

    fn push_text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading_text {
            heading.push_str(text);
        } else if let Some(builder) = self.open.last_mut() {
            builder.text.push_str(text);
        } else if text.chars().any(char::is_alphanumeric) {
            // Text outside any block the walker knows: keep it as a passage of its own
            // rather than lose it.
            let offset = self.body.len();
            self.open_builder(PassageKind::Paragraph, offset, false, false);
            self.push_text(text);
            self.close_builder();
        }
    }

    fn push_link(&mut self, url: CowStr<'_>) {
        if let Some(builder) = self.open.last_mut()
            && !url.is_empty()
            && !url.starts_with('#')
        {
            builder.links.push(url.to_string());
        }
    }

    /// The heading path above the current position, without a heading that repeats the title.
    fn section(&self) -> String {
        self.heading_path
            .iter()
            .map(|(_, text)| text.as_str())
            .filter(|text| text.to_lowercase() != self.title_key)
            .collect::<Vec<_>>()
            .join(" > ")
    }
}

/// A reference-list entry: "[1] <https://…>" or "[12] Author, Title".
pub(super) fn is_reference_entry(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find(']') else {
        return false;
    };
    let label = rest[..close].trim_start_matches('^');
    !label.is_empty()
        && label.len() <= 6
        && label.chars().all(|c| c.is_ascii_alphanumeric())
        && label.chars().any(|c| c.is_ascii_digit())
        && rest[close + 1..].starts_with(' ')
}

fn is_line_break_tag(html: &str) -> bool {
    let lower = html.trim_start_matches('<').to_ascii_lowercase();
    lower.starts_with("br") && !lower[2..].starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// Joins a paragraph cut by a page break: it ends mid-sentence (letter, digit, comma or
/// hyphen) and the next paragraph begins with a lower-case letter. A colon or semicolon ends a
/// paragraph on purpose.
fn merge_page_breaks(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut drafts = drafts;
    drafts.sort_by_key(|draft| draft.start);
    let mut merged: Vec<Draft> = Vec::with_capacity(drafts.len());
    for draft in drafts {
        if let Some(previous) = merged.last_mut()
            && previous.mergeable
            && draft.mergeable
            && previous.heading_seq == draft.heading_seq
            && ends_mid_sentence(&previous.text)
            && draft.text.starts_with(char::is_lowercase)
        {
            previous.text.push(' ');
            previous.text.push_str(&draft.text);
            previous.links.extend(draft.links);
            continue;
        }
        merged.push(draft);
    }
    merged
}

fn ends_mid_sentence(text: &str) -> bool {
    text.chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == ',' || c == '-')
}

/// The plain text of a Markdown fragment, as found inside raw HTML blocks.
fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(markdown, parser_options()) {
        match event {
            Event::Text(text) => out.push_str(&drop_stray_emphasis(&text)),
            Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            Event::FootnoteReference(label) => {
                out.push('[');
                out.push_str(&label);
                out.push(']');
            }
            _ => {}
        }
    }
    out
}

/// Maps byte offsets to 0-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<(PassageKind, String, String)> {
        passages(body, 1, "The Title")
            .passages
            .into_iter()
            .map(|p| (p.kind, p.section, p.text))
            .collect()
    }

    use PassageKind::*;

    #[test]
    fn paragraphs_join_wrapped_lines_and_drop_emphasis() {
        assert_eq!(
            texts("We support **strong**\nencryption and _lawful_\naccess.\n"),
            vec![(
                Paragraph,
                String::new(),
                "We support strong encryption and lawful access.".into()
            )]
        );
    }

    #[test]
    fn nested_list_items_are_their_own_passages() {
        let got = texts("- outer one\n  - inner a\n  - inner b\n- outer two\n");
        let want: Vec<_> = ["outer one", "inner a", "inner b", "outer two"]
            .iter()
            .map(|t| (ListItem, String::new(), t.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn headings_set_sections_and_title_heading_is_left_out() {
        let got =
            texts("# The Title\n\nIntro.\n\n## **RESPONSE**\n\nAnswer.\n\n### Detail\n\nMore.\n");
        assert_eq!(
            got,
            vec![
                (Paragraph, "".into(), "Intro.".into()),
                (Paragraph, "RESPONSE".into(), "Answer.".into()),
                (Paragraph, "RESPONSE > Detail".into(), "More.".into()),
            ]
        );
    }

    #[test]
    fn page_break_is_repaired_but_not_after_a_colon() {
        let got =
            texts("If encryption is\n\nimplemented without care.\n\nAs follows:\n\nthe end.\n");
        assert_eq!(
            got,
            vec![
                (
                    Paragraph,
                    "".into(),
                    "If encryption is implemented without care.".into()
                ),
                (Paragraph, "".into(), "As follows:".into()),
                (Paragraph, "".into(), "the end.".into()),
            ]
        );
    }

    #[test]
    fn inline_html_and_escapes_resolve() {
        let got = texts("Council<sup>[1]</sup> said <u>so</u> attachment\\_data\\\\_x.\n");
        assert_eq!(got[0].2, "Council[1] said so attachment_data_x.");
    }

    #[test]
    fn html_block_lines_reach_the_passage() {
        let got = texts(
            "<span style=\"u\">Section 1. Policy.</span> The\nUnited States *will*\nact.\n\n<!-- -->\n\nNext.\n",
        );
        assert_eq!(
            got,
            vec![
                (
                    Paragraph,
                    "".into(),
                    "Section 1. Policy. The United States will act.".into()
                ),
                (Paragraph, "".into(), "Next.".into()),
            ]
        );
    }

    #[test]
    fn tables_quotes_and_footnotes() {
        let body = "| A | B |\n|---|---|\n| 1 | 2 |\n\n> First quoted.\n>\n> Second quoted.\n\nText[^n].\n\n[^n]: The note.\n\n[2] <https://example.org>\n";
        assert_eq!(
            texts(body),
            vec![
                (TableRow, "".into(), "A | B".into()),
                (TableRow, "".into(), "1 | 2".into()),
                (Quote, "".into(), "First quoted.".into()),
                (Quote, "".into(), "Second quoted.".into()),
                (Paragraph, "".into(), "Text[n].".into()),
                (Note, "".into(), "[n] The note.".into()),
                (Note, "".into(), "[2] https://example.org".into()),
            ]
        );
    }

    #[test]
    fn passages_carry_their_first_line() {
        let got = passages("\nOne.\n\n- two\n- three\n", 10, "T").passages;
        let lines: Vec<u64> = got.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![11, 13, 14]);
    }

    #[test]
    fn unmatched_strong_markers_are_dropped() {
        assert_eq!(texts("**Resilience **\n")[0].2, "Resilience");
        assert_eq!(texts("a * b and ****c****\n")[0].2, "a * b and c");
    }

    #[test]
    fn links_are_kept_as_metadata() {
        let got = passages("See [the report](https://example.org/r).\n", 1, "T").passages;
        assert_eq!(got[0].text, "See the report.");
        assert_eq!(got[0].links, vec!["https://example.org/r".to_string()]);
    }
}
