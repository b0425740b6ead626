//! HTML → passages: a saved web page read into the same passages, sections and metadata hints
//! as a Markdown statement, with html5ever (through scraper's tree) as the only HTML parser.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, ParseOpts, QualName, ns, parse_document};
use scraper::node::Element;
use scraper::{ElementRef, Html, HtmlTreeSink, Node};

use super::markdown::is_reference_entry;
use super::text::clean_inline;
use super::{Passage, PassageKind};

/// A statement read from an HTML page: the metadata the page declares, its passages, and an
/// outline of its main content for the same inference that Markdown bodies get.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlStatement {
    /// `<title>` text (or og:title / dc.title meta), cleaned, with the 1-based line it is on.
    pub title: Option<(String, usize)>,
    /// Raw date text from `<meta>` tags, or from the first `<time>` in the main content; the
    /// caller parses it.
    pub date: Option<(String, usize)>,
    /// `<meta name="author">` (and Dublin Core creator) values.
    pub authors: Vec<(String, usize)>,
    /// The main content as Markdown-like lines: headings as `#` lines, every other block as one
    /// line of its text, a blank line between blocks.
    pub outline: String,
    /// For each line of `outline` (0-based index), the 1-based source line it came from.
    pub outline_lines: Vec<usize>,
    pub passages: Vec<Passage>,
    /// Heading texts in order (they set sections, they are not passages).
    pub headings: Vec<String>,
}

/// Reads a page. `title_hint` is the title the caller will use: a heading repeating it is left
/// out of section paths. Without one, the page's `<title>` and first `<h1>` play that part.
pub fn read_html(source: &str, title_hint: Option<&str>) -> HtmlStatement {
    let (html, lines) = parse(source);
    let document = html.tree.root();
    let page = read_page_metadata(document, &lines);
    let title_keys = match (title_hint, &page.title) {
        (Some(hint), _) => vec![clean_inline(hint).to_lowercase()],
        (None, Some((title, _))) => vec![title.to_lowercase()],
        (None, None) => Vec::new(),
    };
    let mut reader = Reader {
        title_keys,
        first_h1_is_title: title_hint.is_none(),
        ..Reader::default()
    };
    reader.read(content_root(document), &lines);
    reader.into_statement(page)
}

/// The 1-based source line of each element's start tag and of each text node's first visible
/// character.
type NodeLines = HashMap<NodeId, usize>;

fn line_of(lines: &NodeLines, node: NodeRef<'_, Node>) -> usize {
    lines.get(&node.id()).copied().unwrap_or(1)
}

/// Pages are fed to the parser in pieces: one tendril holds at most 4 GiB.
const CHUNK: usize = 1 << 20;

fn parse(source: &str) -> (Html, NodeLines) {
    let sink = LineSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        line: Cell::new(1),
        lines: RefCell::default(),
        tag_starts: TagStarts::scan(source),
    };
    let mut parser = parse_document(sink, ParseOpts::default());
    let mut rest = source;
    while !rest.is_empty() {
        let mut end = rest.len().min(CHUNK);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (chunk, tail) = rest.split_at(end);
        parser.process(StrTendril::from_slice(chunk));
        rest = tail;
    }
    parser.finish()
}

/// scraper's tree sink, plus line numbers: html5ever tells the sink the tokenizer's line before
/// each token, and scraper's own sink drops it.
struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<usize>,
    lines: RefCell<NodeLines>,
    tag_starts: TagStarts,
}

impl LineSink {
    /// The line of the first visible character of a text about to be appended. The tokenizer
    /// reports the line where a run of text ends, so the newlines after that character are
    /// counted back.
    fn text_line(&self, child: &NodeOrText<NodeId>) -> Option<usize> {
        let NodeOrText::AppendText(text) = child else {
            return None;
        };
        let first = text.find(|c: char| !c.is_whitespace())?;
        let newlines_after = text[first..].matches('\n').count();
        Some(self.line.get().saturating_sub(newlines_after).max(1))
    }

    /// Keeps the line of a text node's first visible character: later appends merge into it.
    fn note_text_line(&self, text_node: Option<NodeId>, line: Option<usize>) {
        if let (Some(id), Some(line)) = (text_node, line) {
            self.lines.borrow_mut().entry(id).or_insert(line);
        }
    }
}

impl TreeSink for LineSink {
    type Output = (Html, NodeLines);
    type Handle = NodeId;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Self::Output {
        (self.inner.finish(), self.lines.into_inner())
    }

    fn parse_error(&self, _message: Cow<'static, str>) {}

    fn set_current_line(&self, line: u64) {
        self.line.set(usize::try_from(line).unwrap_or(usize::MAX));
    }

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let line = self.tag_starts.start_line(&name.local, self.line.get());
        let id = self.inner.create_element(name, attrs, flags);
        self.lines.borrow_mut().insert(id, line);
        id
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let line = self.text_line(&child);
        self.inner.append(parent, child);
        let html = self.inner.0.borrow();
        let text_node = html.tree.get(*parent).and_then(|p| p.last_child());
        self.note_text_line(text_node.map(|node| node.id()), line);
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        // Decided here rather than by scraper, whose version would bypass the line keeping.
        // The borrow must end here: the append below borrows the tree mutably.
        let has_parent =
            (self.inner.0.borrow().tree.get(*element)).is_some_and(|node| node.parent().is_some());
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, name: StrTendril, public: StrTendril, system: StrTendril) {
        self.inner.append_doctype_to_document(name, public, system);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let line = self.text_line(&new_node);
        self.inner.append_before_sibling(sibling, new_node);
        let html = self.inner.0.borrow();
        let text_node = html.tree.get(*sibling).and_then(|s| s.prev_sibling());
        self.note_text_line(text_node.map(|node| node.id()), line);
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }
}

/// How far back a start tag written over several lines is looked for.
const MAX_TAG_LINES: usize = 20;

/// The lines on which `<name` occurs, by tag name. html5ever reports the line on which a start
/// tag ends; for a tag spread over several lines (`<meta\n  name=…>`) the start is the last
/// `<name` at or before that line.
struct TagStarts(HashMap<String, Vec<usize>>);

impl TagStarts {
    fn scan(source: &str) -> TagStarts {
        let bytes = source.as_bytes();
        let mut starts: HashMap<String, Vec<usize>> = HashMap::new();
        let mut line = 1;
        for (at, &byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => line += 1,
                // As html5ever counts: CRLF is one break, a lone CR is one too.
                b'\r' if bytes.get(at + 1) != Some(&b'\n') => line += 1,
                b'<' => {
                    let name: String = bytes[at + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
                        .map(|b| b.to_ascii_lowercase() as char)
                        .collect();
                    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                        let lines = starts.entry(name).or_default();
                        if lines.last() != Some(&line) {
                            lines.push(line);
                        }
                    }
                }
                _ => {}
            }
        }
        TagStarts(starts)
    }

    fn start_line(&self, name: &str, end_line: usize) -> usize {
        let Some(lines) = self.0.get(&name.to_ascii_lowercase()) else {
            return end_line;
        };
        let at_or_before = lines.partition_point(|&line| line <= end_line);
        match at_or_before.checked_sub(1).and_then(|i| lines.get(i)) {
            Some(&line) if end_line - line <= MAX_TAG_LINES => line,
            // An element the parser implied (`<tbody>`) has no tag of its own.
            _ => end_line,
        }
    }
}

enum Visit<'a> {
    Open(NodeRef<'a, Node>),
    Close(NodeRef<'a, Node>),
}

/// Visits a subtree in document order with an explicit stack, so that a page nested thousands
/// of levels deep cannot overflow the call stack. `visit` answers an `Open` with whether to go
/// into the node; only nodes gone into are closed.
fn walk<'a>(root: NodeRef<'a, Node>, mut visit: impl FnMut(Visit<'a>) -> bool) {
    let mut stack = vec![(root, false)];
    while let Some((node, opened)) = stack.pop() {
        if opened {
            visit(Visit::Close(node));
        } else if visit(Visit::Open(node)) {
            stack.push((node, true));
            stack.extend(node.children().rev().map(|child| (child, false)));
        }
    }
}

/// Subtrees that are page furniture or invisible, never statement text. A `<title>` misplaced
/// in the body is still metadata.
fn is_dropped(element: &Element) -> bool {
    const FURNITURE: [&str; 13] = [
        "nav", "header", "footer", "aside", "script", "style", "noscript", "template", "form",
        "button", "svg", "iframe", "title",
    ];
    let name = element.name();
    let furniture = FURNITURE.contains(&name)
        && !(name == "aside" && (is_footnote(element) || is_notes_container(element)));
    furniture
        || element.attr("hidden").is_some()
        || attr_is(element, "aria-hidden", "true")
        || is_backlink(element)
}

fn attr_is(element: &Element, name: &str, value: &str) -> bool {
    element
        .attr(name)
        .is_some_and(|found| found.trim().eq_ignore_ascii_case(value))
}

fn has_class_containing(element: &Element, part: &str) -> bool {
    element
        .classes()
        .any(|class| class.to_ascii_lowercase().contains(part))
}

/// One footnote or endnote, marked by its ARIA role, its class, or a pandoc-style `fn` id.
fn is_footnote(element: &Element) -> bool {
    let name = element.name();
    let id = element.id().unwrap_or_default().to_ascii_lowercase();
    attr_is(element, "role", "doc-footnote")
        || attr_is(element, "role", "doc-endnote")
        || (matches!(name, "li" | "div" | "p" | "aside")
            && element.classes().any(|class| {
                let class = class.to_ascii_lowercase();
                class.contains("footnote") && !class.contains("footnotes")
            }))
        || (name == "li"
            && ((id.starts_with("fn") && !id.starts_with("fnref"))
                || id.starts_with("footnote")
                || id.starts_with("endnote")
                || id.starts_with("user-content-fn")))
}

/// A block holding the notes (`<section class="footnotes">`): what it holds are notes.
fn is_notes_container(element: &Element) -> bool {
    attr_is(element, "role", "doc-endnotes")
        || has_class_containing(element, "footnotes")
        || has_class_containing(element, "endnotes")
}

/// The "↩" link from a note back to its reference.
fn is_backlink(element: &Element) -> bool {
    element.name() == "a"
        && (attr_is(element, "role", "doc-backlink")
            || has_class_containing(element, "footnote-back")
            || has_class_containing(element, "backref"))
}

/// A footnote reference in the text, such as `<sup><a href="#fn1">1</a></sup>`.
fn is_note_reference(element: &Element) -> bool {
    let href = element
        .attr("href")
        .unwrap_or_default()
        .to_ascii_lowercase();
    element.name() == "a"
        && (attr_is(element, "role", "doc-noteref")
            || has_class_containing(element, "footnote-ref")
            || ["#fn", "#footnote", "#endnote", "#user-content-fn"]
                .iter()
                .any(|prefix| href.starts_with(prefix) && !href.starts_with("#fnref")))
}

/// Elements that flow inside a line of text; every other element starts a block.
fn is_inline(name: &str) -> bool {
    const INLINE: [&str; 41] = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del",
        "dfn", "em", "font", "i", "img", "input", "ins", "kbd", "label", "mark", "nobr", "picture",
        "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
        "time", "tt", "u", "var", "wbr",
    ];
    INLINE.contains(&name)
}

/// Blocks that are a passage of their own, or part of the passage they are inside.
fn is_paragraph_like(name: &str) -> bool {
    matches!(
        name,
        "p" | "pre" | "dd" | "dt" | "figcaption" | "caption" | "summary" | "address" | "legend"
    )
}

fn heading_level(name: &str) -> Option<usize> {
    let level = name.strip_prefix('h')?.parse().ok()?;
    (name.len() == 2 && (1..=6).contains(&level)).then_some(level)
}

/// What the page's `<head>` (or a `<meta>` anywhere) declares.
#[derive(Default)]
struct PageMetadata {
    title: Option<(String, usize)>,
    date: Option<(String, usize)>,
    authors: Vec<(String, usize)>,
}

/// Meta names that carry a title, most trusted first; `<title>` itself comes before them all.
const TITLE_META: &str = "og:title dc.title dcterms.title";

/// Meta names and properties that carry a publication date, most trusted first.
const DATE_META: &str = "article:published_time og:published_time datepublished dc.date.issued
    dcterms.issued dc.date dcterms.date dcterms.created date pubdate publishdate publish-date
    publication_date citation_publication_date";

const AUTHOR_META: &str = "author dc.creator dcterms.creator";

fn read_page_metadata(document: NodeRef<'_, Node>, lines: &NodeLines) -> PageMetadata {
    let mut title_tag = None;
    let mut titles: Vec<(usize, (String, usize))> = Vec::new();
    let mut dates: Vec<(usize, (String, usize))> = Vec::new();
    let mut authors: Vec<(String, usize)> = Vec::new();
    walk(document, |visit| {
        let Visit::Open(node) = visit else {
            return false;
        };
        let Some(element) = node.value().as_element() else {
            return node.value().is_document();
        };
        // An SVG icon's <title> is not the page's.
        if element.name() == "title" && element.name.ns == ns!(html) && title_tag.is_none() {
            let text = ElementRef::wrap(node).map_or(String::new(), |e| e.text().collect());
            let line = node
                .children()
                .find_map(|child| lines.get(&child.id()).copied())
                .unwrap_or_else(|| line_of(lines, node));
            title_tag = Some((clean_inline(&text), line)).filter(|(text, _)| !text.is_empty());
        }
        let content = clean_inline(element.attr("content").unwrap_or_default());
        if element.name() != "meta" || content.is_empty() {
            return true;
        }
        // A tag may name itself several ways (`name="twitter:title" property="og:title"`).
        let keys: Vec<String> = ["name", "property", "itemprop"]
            .iter()
            .filter_map(|attr| element.attr(attr))
            .map(|key| key.trim().to_ascii_lowercase())
            .collect();
        let rank = |names: &str| {
            keys.iter()
                .find_map(|key| names.split_whitespace().position(|name| name == key))
        };
        let found = (content, line_of(lines, node));
        if let Some(rank) = rank(TITLE_META) {
            titles.push((rank, found));
        } else if let Some(rank) = rank(DATE_META) {
            dates.push((rank, found));
        } else if rank(AUTHOR_META).is_some() && !authors.iter().any(|(a, _)| *a == found.0) {
            authors.push(found);
        }
        true
    });
    // A stable sort keeps the first tag of the best-ranked name.
    titles.sort_by_key(|(rank, _)| *rank);
    dates.sort_by_key(|(rank, _)| *rank);
    PageMetadata {
        title: title_tag.or(titles.into_iter().next().map(|(_, found)| found)),
        date: dates.into_iter().next().map(|(_, found)| found),
        authors,
    }
}

/// The main content: the first `<main>` (or `role="main"`) unless it has no text (a shell that
/// scripts fill), else the `<article>` with the most text, the first of equals (listing pages
/// and sidebars hold short teaser articles, sometimes before the statement), else `<body>`.
fn content_root(document: NodeRef<'_, Node>) -> NodeRef<'_, Node> {
    let mut main: Option<(NodeRef<'_, Node>, usize)> = None;
    let mut articles: Vec<(NodeRef<'_, Node>, usize)> = Vec::new();
    let mut body = None;
    // Whether the walk is inside that `<main>`, and inside the last outermost `<article>`.
    let mut in_main = false;
    let mut in_article = false;
    walk(document, |visit| match visit {
        Visit::Open(node) => match node.value() {
            Node::Document => true,
            Node::Text(text) => {
                let visible = text.chars().filter(|c| !c.is_whitespace()).count();
                if let (true, Some((_, count))) = (in_main, main.as_mut()) {
                    *count += visible;
                }
                if let (true, Some((_, count))) = (in_article, articles.last_mut()) {
                    *count += visible;
                }
                false
            }
            Node::Element(element) if !is_dropped(element) => {
                let name = element.name();
                if main.is_none() && (name == "main" || attr_is(element, "role", "main")) {
                    main = Some((node, 0));
                    in_main = true;
                } else if name == "article" && !in_article {
                    articles.push((node, 0));
                    in_article = true;
                } else if name == "body" && body.is_none() {
                    body = Some(node);
                }
                true
            }
            _ => false,
        },
        Visit::Close(node) => {
            if main.is_some_and(|(open, _)| open.id() == node.id()) {
                in_main = false;
            }
            if articles
                .last()
                .is_some_and(|(open, _)| open.id() == node.id())
            {
                in_article = false;
            }
            false
        }
    });
    let best_article = articles
        .iter()
        .rev()
        .filter(|(_, count)| *count > 0)
        .max_by_key(|(_, count)| *count)
        .map(|(node, _)| *node);
    main.filter(|(_, count)| *count > 0)
        .map(|(node, _)| node)
        .or(best_article)
        .or(body)
        .unwrap_or(document)
}

/// A passage, or a heading, being collected while its element is open.
struct Builder {
    kind: PassageKind,
    /// Set for a heading, which sets sections instead of being a passage.
    level: Option<usize>,
    text: String,
    /// The line of the block's start tag, or of its first visible text when it has no tag.
    line: Option<usize>,
    fallback_line: usize,
    links: Vec<String>,
    section: String,
    order: usize,
    /// Text outside any block element, which ends where the next block begins.
    loose: bool,
    has_text: bool,
    /// A table cell began after cells with text: the next text is set off with " | ".
    cell_pending: bool,
}

/// What an open element changed, undone when it closes.
#[derive(Default)]
struct Frame {
    block: bool,
    builder: bool,
    quote: bool,
    notes: bool,
    note_reference: bool,
}

#[derive(Default)]
struct Reader {
    title_keys: Vec<String>,
    first_h1_is_title: bool,
    open: Vec<Builder>,
    frames: Vec<Frame>,
    done: Vec<Builder>,
    next_order: usize,
    heading_path: Vec<(usize, String)>,
    headings: Vec<String>,
    quote_depth: usize,
    notes_depth: usize,
    time: Option<(String, usize)>,
}

impl Reader {
    fn read(&mut self, root: NodeRef<'_, Node>, lines: &NodeLines) {
        walk(root, |visit| match visit {
            Visit::Open(node) => match node.value() {
                Node::Text(text) => {
                    self.push_text(text, Some(line_of(lines, node)));
                    false
                }
                // The root is read even when hidden: it is all the page has.
                Node::Element(element) if node.id() == root.id() || !is_dropped(element) => {
                    self.open_element(node, element, line_of(lines, node));
                    true
                }
                Node::Document => true,
                _ => false,
            },
            Visit::Close(_) => {
                self.close_element();
                false
            }
        });
        while let Some(builder) = self.open.pop() {
            self.finish(builder);
        }
        // Blocks finish when they close, so an outer list item would follow its inner ones.
        self.done.sort_by_key(|builder| builder.order);
    }

    fn in_heading(&self) -> bool {
        self.open
            .last()
            .is_some_and(|builder| builder.level.is_some())
    }

    fn open_element(&mut self, node: NodeRef<'_, Node>, element: &Element, line: usize) {
        let name = element.name();
        // MathML flows inside a sentence, whatever its element names.
        let mut frame = Frame {
            block: element.name.ns == ns!(html) && !is_inline(name),
            ..Frame::default()
        };
        if name == "time" && self.time.is_none() {
            let text = match element.attr("datetime") {
                Some(datetime) => datetime.to_string(),
                None => ElementRef::wrap(node).map_or(String::new(), |e| e.text().collect()),
            };
            self.time = Some((clean_inline(&text), line)).filter(|(text, _)| !text.is_empty());
        }
        if frame.block {
            self.block_boundary();
        }
        // Whatever a heading holds is heading text.
        let in_heading = self.in_heading();
        let opens = if in_heading {
            None
        } else if let Some(level) = heading_level(name) {
            Some((PassageKind::Paragraph, Some(level)))
        } else if is_footnote(element) || (name == "li" && self.notes_depth > 0) {
            Some((PassageKind::Note, None))
        } else if name == "li" {
            Some((PassageKind::ListItem, None))
        } else if name == "tr" {
            Some((PassageKind::TableRow, None))
        } else if is_paragraph_like(name) && self.open.is_empty() {
            // Inside a list item, note or row a paragraph is part of that passage, as in Markdown.
            Some((self.flow_kind(), None))
        } else {
            None
        };
        if let Some((kind, level)) = opens {
            let builder = self.builder(kind, Some(line), line);
            self.open.push(Builder { level, ..builder });
            frame.builder = true;
        } else if !in_heading {
            match name {
                "td" | "th" => {
                    if let Some(row) = self.open.last_mut() {
                        row.cell_pending = row.has_text;
                    }
                }
                "blockquote" => {
                    self.quote_depth += 1;
                    frame.quote = true;
                }
                _ if !frame.block && self.open.is_empty() => {
                    let builder = self.builder(self.flow_kind(), None, line);
                    self.open.push(Builder {
                        loose: true,
                        ..builder
                    });
                }
                _ => {}
            }
        }
        if is_notes_container(element) {
            self.notes_depth += 1;
            frame.notes = true;
        }
        if name == "br" {
            self.push_text(" ", None);
        } else if name == "a" && !self.in_heading() {
            if let Some(href) = element.attr("href").map(str::trim)
                && !href.is_empty()
                && !href.starts_with('#')
                && let Some(builder) = self.open.last_mut()
            {
                builder.links.push(href.to_string());
            }
            // Written "[1]" as a Markdown footnote reference is, unless the page brackets it.
            if is_note_reference(element) && !starts_bracketed(node) {
                self.push_text("[", None);
                frame.note_reference = true;
            }
        }
        self.frames.push(frame);
    }

    fn close_element(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if frame.note_reference {
            self.push_text("]", None);
        }
        if frame.builder
            && let Some(builder) = self.open.pop()
        {
            self.finish(builder);
        }
        if frame.quote {
            self.quote_depth = self.quote_depth.saturating_sub(1);
        }
        if frame.notes {
            self.notes_depth = self.notes_depth.saturating_sub(1);
        }
        if frame.block {
            self.block_boundary();
        }
    }

    /// A block element starts or ends: loose text ends there, and the words on either side of
    /// it stay apart.
    fn block_boundary(&mut self) {
        if self.open.last().is_some_and(|builder| builder.loose)
            && let Some(builder) = self.open.pop()
        {
            self.finish(builder);
        }
        if let Some(builder) = self.open.last_mut() {
            builder.text.push(' ');
        }
    }

    fn flow_kind(&self) -> PassageKind {
        if self.notes_depth > 0 {
            PassageKind::Note
        } else if self.quote_depth > 0 {
            PassageKind::Quote
        } else {
            PassageKind::Paragraph
        }
    }

    fn builder(&mut self, kind: PassageKind, line: Option<usize>, fallback_line: usize) -> Builder {
        self.next_order += 1;
        Builder {
            kind,
            level: None,
            text: String::new(),
            line,
            fallback_line,
            links: Vec::new(),
            section: self.section(),
            order: self.next_order,
            loose: false,
            has_text: false,
            cell_pending: false,
        }
    }

    /// `line` is where the text starts, for loose text that has no start tag.
    fn push_text(&mut self, text: &str, line: Option<usize>) {
        let visible = !clean_inline(text).is_empty();
        if self.open.is_empty() {
            if !visible {
                return;
            }
            let builder = self.builder(self.flow_kind(), line, line.unwrap_or(1));
            self.open.push(Builder {
                loose: true,
                ..builder
            });
        }
        let Some(builder) = self.open.last_mut() else {
            return;
        };
        if visible {
            if builder.cell_pending {
                builder.text.push_str(" | ");
                builder.cell_pending = false;
            }
            builder.has_text = true;
            builder.line = builder.line.or(line);
        }
        builder.text.push_str(text);
    }

    fn finish(&mut self, mut builder: Builder) {
        builder.text = clean_inline(&builder.text);
        if let Some(level) = builder.level {
            // Spacer headings (`<h2>&nbsp;</h2>`) would put an empty step in section paths.
            if builder.text.is_empty() {
                return;
            }
            if level == 1 && self.first_h1_is_title {
                self.title_keys.push(builder.text.to_lowercase());
                self.first_h1_is_title = false;
            }
            self.heading_path
                .retain(|(open_level, _)| *open_level < level);
            self.heading_path.push((level, builder.text.clone()));
            self.headings.push(builder.text.clone());
        } else if !builder.text.chars().any(char::is_alphanumeric) {
            return;
        } else if builder.kind == PassageKind::Paragraph && is_reference_entry(&builder.text) {
            builder.kind = PassageKind::Note;
        }
        self.done.push(builder);
    }

    /// The heading path above the current position, without a heading that repeats the title.
    fn section(&self) -> String {
        self.heading_path
            .iter()
            .map(|(_, text)| text.as_str())
            .filter(|text| !self.title_keys.contains(&text.to_lowercase()))
            .collect::<Vec<_>>()
            .join(" > ")
    }

    fn into_statement(self, page: PageMetadata) -> HtmlStatement {
        let mut outline = String::new();
        let mut outline_lines = Vec::new();
        let mut passages = Vec::new();
        for block in self.done {
            // A blank line between blocks takes the line of the block above it.
            if let Some(&previous) = outline_lines.last() {
                outline.push('\n');
                outline_lines.push(previous);
            }
            let line = block.line.unwrap_or(block.fallback_line);
            if let Some(level) = block.level {
                outline.push_str(&"#".repeat(level));
                outline.push(' ');
            }
            outline.push_str(&block.text);
            outline.push('\n');
            outline_lines.push(line);
            if block.level.is_none() {
                passages.push(Passage {
                    n: passages.len() as u64 + 1,
                    kind: block.kind,
                    section: block.section,
                    text: block.text,
                    line: line as u64,
                    links: block.links,
                });
            }
        }
        HtmlStatement {
            title: page.title,
            date: page.date.or(self.time),
            authors: page.authors,
            outline,
            outline_lines,
            passages,
            headings: self.headings,
        }
    }
}

fn starts_bracketed(node: NodeRef<'_, Node>) -> bool {
    ElementRef::wrap(node)
        .and_then(|e| e.text().find(|t| !t.trim().is_empty()).map(str::trim_start))
        .is_some_and(|text| text.starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::*;
    use PassageKind::*;

    /// Line numbers in assertions are this text's lines: it starts on line 1.
    const PRESS_RELEASE: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Joint Statement on Encryption &amp; Public Safety | Ministry of Digital Affairs</title>
  <meta property="og:title" content="Joint Statement on Encryption">
  <meta name="author" content="Ministry of Digital Affairs">
  <meta
    property="article:published_time"
    content="2020-10-11T09:00:00+01:00">
</head>
<body>
  <a class="skip-link" href="#main">Skip to main content</a>
  <header>
    <p class="site-title">Ministry of Digital Affairs</p>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
  </header>
  <main id="main">
    <h1>Joint Statement on Encryption &amp; Public Safety</h1>
    <p><strong>FOR IMMEDIATE RELEASE</strong></p>
    <p class="date">Sunday, October&nbsp;11, 2020</p>
    <p>We, the undersigned, support <a href="https://example.org/crypto">strong
      encryption</a>, which protects personal data.<sup><a href="#fn1" id="fnref1"
      role="doc-noteref">1</a></sup></p>
    <h2>Our commitments</h2>
    <p>We call on technology companies to:</p>
    <ul>
      <li>embed public safety in system design;
        <ul>
          <li>assess risks early</li>
          <li>act on them</li>
        </ul>
      </li>
      <li><p>enable lawful access.</p></li>
    </ul>
    <h3>Signatories</h3>
    <table>
      <caption>Ministers who signed</caption>
      <thead><tr><th>Country</th><th>Minister</th></tr></thead>
      <tbody>
        <tr><td>United Kingdom</td><td>Home Secretary</td></tr>
        <tr><td>Australia</td><td></td><td>Minister for Home Affairs</td></tr>
      </tbody>
    </table>
    <h2>Quotes</h2>
    <blockquote>
      <p>Encryption is an anchor of trust.</p>
      <p>It must not be weakened.</p>
    </blockquote>
    <section class="footnotes" role="doc-endnotes">
      <hr>
      <ol>
        <li id="fn1"><p>UN Human Rights Council, 2017.
          <a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li>
      </ol>
    </section>
    <footer class="article-footer"><p>Share this page</p></footer>
  </main>
  <footer><p>© Crown copyright</p><script>var tracking = 1;</script></footer>
</body>
</html>
"##;

    fn rows(statement: &HtmlStatement) -> Vec<(u64, PassageKind, &str, &str, u64)> {
        statement
            .passages
            .iter()
            .map(|p| (p.n, p.kind, p.section.as_str(), p.text.as_str(), p.line))
            .collect()
    }

    fn texts(source: &str) -> Vec<(PassageKind, String, String)> {
        read_html(source, None)
            .passages
            .into_iter()
            .map(|p| (p.kind, p.section, p.text))
            .collect()
    }

    fn words(text: &str) -> impl Iterator<Item = String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_string)
    }

    #[test]
    fn press_release_page_gives_its_passages_in_order() {
        let statement = read_html(PRESS_RELEASE, None);
        let commitments = "Our commitments";
        let signatories = "Our commitments > Signatories";
        assert_eq!(
            rows(&statement),
            vec![
                (1, Paragraph, "", "FOR IMMEDIATE RELEASE", 20),
                (2, Paragraph, "", "Sunday, October 11, 2020", 21),
                (
                    3,
                    Paragraph,
                    "",
                    "We, the undersigned, support strong encryption, which protects personal data.[1]",
                    22
                ),
                (
                    4,
                    Paragraph,
                    commitments,
                    "We call on technology companies to:",
                    26
                ),
                (
                    5,
                    ListItem,
                    commitments,
                    "embed public safety in system design;",
                    28
                ),
                (6, ListItem, commitments, "assess risks early", 30),
                (7, ListItem, commitments, "act on them", 31),
                (8, ListItem, commitments, "enable lawful access.", 34),
                (9, Paragraph, signatories, "Ministers who signed", 38),
                (10, TableRow, signatories, "Country | Minister", 39),
                (
                    11,
                    TableRow,
                    signatories,
                    "United Kingdom | Home Secretary",
                    41
                ),
                (
                    12,
                    TableRow,
                    signatories,
                    "Australia | Minister for Home Affairs",
                    42
                ),
                (13, Quote, "Quotes", "Encryption is an anchor of trust.", 47),
                (14, Quote, "Quotes", "It must not be weakened.", 48),
                (15, Note, "Quotes", "UN Human Rights Council, 2017.", 53),
            ]
        );
        assert_eq!(
            statement.passages[2].links,
            vec!["https://example.org/crypto".to_string()]
        );
        assert!(
            statement
                .passages
                .iter()
                .all(|p| p.n == 3 || p.links.is_empty())
        );
        assert_eq!(
            statement.headings,
            vec![
                "Joint Statement on Encryption & Public Safety",
                commitments,
                "Signatories",
                "Quotes"
            ]
        );
    }

    #[test]
    fn press_release_metadata_comes_from_title_and_meta_tags() {
        let statement = read_html(PRESS_RELEASE, None);
        assert_eq!(
            statement.title,
            Some((
                "Joint Statement on Encryption & Public Safety | Ministry of Digital Affairs"
                    .into(),
                5
            ))
        );
        // The meta tag is written over lines 8 to 10.
        assert_eq!(
            statement.date,
            Some(("2020-10-11T09:00:00+01:00".into(), 8))
        );
        assert_eq!(
            statement.authors,
            vec![("Ministry of Digital Affairs".to_string(), 7)]
        );
    }

    #[test]
    fn outline_has_heading_marks_blank_lines_and_source_lines() {
        let statement = read_html(PRESS_RELEASE, None);
        let head: Vec<&str> = statement.outline.lines().take(9).collect();
        assert_eq!(
            head,
            vec![
                "# Joint Statement on Encryption & Public Safety",
                "",
                "FOR IMMEDIATE RELEASE",
                "",
                "Sunday, October 11, 2020",
                "",
                "We, the undersigned, support strong encryption, which protects personal data.[1]",
                "",
                "## Our commitments",
            ]
        );
        assert_eq!(
            &statement.outline_lines[..9],
            &[19, 19, 20, 20, 21, 21, 22, 22, 25]
        );
        assert_eq!(
            statement.outline.lines().count(),
            statement.outline_lines.len()
        );
        assert_eq!(
            statement.outline.lines().last(),
            Some("UN Human Rights Council, 2017.")
        );
    }

    #[test]
    fn title_falls_back_to_meta_and_date_to_a_time_element() {
        let page = "<html><head>\n<meta name=\"twitter:title\" property=\"og:title\" content=\" Open  Title \">\n\
            <meta name=\"DC.title\" content=\"DC Title\">\n<meta name=\"author\" content=\"A. Smith\">\n\
            <meta name=\"dc.creator\" content=\"B. Jones\"><meta name=\"author\" content=\" \"><meta name=\"author\" content=\"A. Smith\">\n\
            </head><body><svg><title>Icon</title></svg><main>\n<p>Issued <time datetime=\"2021-05-07\">7 May</time>.</p>\n\
            </main></body></html>";
        let statement = read_html(page, None);
        assert_eq!(statement.title, Some(("Open Title".into(), 2)));
        assert_eq!(statement.date, Some(("2021-05-07".into(), 7)));
        assert_eq!(
            statement.authors,
            vec![("A. Smith".to_string(), 4), ("B. Jones".to_string(), 5)]
        );
        assert_eq!(
            texts(page),
            vec![(Paragraph, "".into(), "Issued 7 May.".into())]
        );
    }

    #[test]
    fn title_text_and_best_date_meta_are_chosen() {
        let page = "<title>\n  Press&nbsp;Release\n</title>\n<meta name=\"date\" content=\"2019\">\n\
            <meta name=\"dcterms.issued\" content=\"2019-03-04\"><p><time>3 March</time></p>";
        let statement = read_html(page, None);
        assert_eq!(statement.title, Some(("Press Release".into(), 2)));
        assert_eq!(statement.date, Some(("2019-03-04".into(), 5)));
        assert_eq!(read_html("<p>x</p>", None).title, None);
    }

    #[test]
    fn page_without_main_or_article_keeps_text_outside_blocks() {
        let page = "<body>\n<nav><a href=\"/\">Home</a></nav>\n<div id=\"content\">\n\
            <h2>Statement</h2>\n  Text directly in a div<br>on two lines,\n\
            <a href=\"https://example.org/a\">linked</a>.\n<div><p>A paragraph.</p></div>\n\
            Tail text.<div hidden>Hidden text.</div><span aria-hidden=\"true\">Icon</span>\n\
            <dl><dt>Term</dt><dd>Definition <p>more</p></dd></dl>\n</div></body>";
        let statement = read_html(page, None);
        assert_eq!(
            rows(&statement),
            vec![
                (
                    1,
                    Paragraph,
                    "Statement",
                    "Text directly in a div on two lines, linked.",
                    5
                ),
                (2, Paragraph, "Statement", "A paragraph.", 7),
                (3, Paragraph, "Statement", "Tail text.", 8),
                (4, Paragraph, "Statement", "Term", 9),
                (5, Paragraph, "Statement", "Definition more", 9),
            ]
        );
        assert_eq!(
            statement.passages[0].links,
            vec!["https://example.org/a".to_string()]
        );
    }

    #[test]
    fn the_article_with_most_text_is_the_content() {
        let page = "<body><p>Site banner.</p>\
            <article><p>Short teaser.</p></article>\
            <article><p>The full statement, with many more words in it.</p>\
            <article><p>A nested comment.</p></article></article>\
            <aside><article><p>A much longer sidebar article that is not the content at all, no.</p></article></aside>\
            </body>";
        assert_eq!(
            texts(page),
            vec![
                (
                    Paragraph,
                    "".into(),
                    "The full statement, with many more words in it.".into()
                ),
                (Paragraph, "".into(), "A nested comment.".into()),
            ]
        );
        // An empty <main> (filled in by scripts) is no content: the page falls back to <body>.
        assert_eq!(
            texts("<main></main><p>Body text.</p>"),
            vec![(Paragraph, "".into(), "Body text.".into())]
        );
    }

    #[test]
    fn headings_repeating_the_title_are_left_out_of_sections() {
        let page = "<title>Site | Page</title><h1>The Title</h1><p>Intro.</p>\
            <h2><em>Response</em></h2><p>Answer.</p><h3>Detail</h3><p>More.</p>\
            <h2>&nbsp;</h2><p>Still response.</p><h1>Annex</h1><p>Last.</p>";
        let want = |first: &str| {
            vec![
                (Paragraph, first.to_string(), "Intro.".to_string()),
                (Paragraph, "Response".into(), "Answer.".into()),
                (Paragraph, "Response > Detail".into(), "More.".into()),
                // A spacer heading with no text changes nothing.
                (
                    Paragraph,
                    "Response > Detail".into(),
                    "Still response.".into(),
                ),
                (Paragraph, "Annex".into(), "Last.".into()),
            ]
        };
        assert_eq!(texts(page), want(""));
        let hinted: Vec<_> = read_html(page, Some("  the   TITLE "))
            .passages
            .into_iter()
            .map(|p| (p.kind, p.section, p.text))
            .collect();
        assert_eq!(hinted, want(""));
        let other: Vec<_> = read_html(page, Some("Another"))
            .passages
            .into_iter()
            .map(|p| (p.kind, p.section, p.text))
            .collect();
        assert_eq!(other[0].1, "The Title");
        assert_eq!(other[1].1, "The Title > Response");
        assert_eq!(
            read_html(page, None).headings,
            vec!["The Title", "Response", "Detail", "Annex"]
        );
        // Without a hint, a heading repeating the page's <title> is left out too.
        assert_eq!(
            texts("<title>Annual Report</title><h2>ANNUAL  report</h2><p>Body.</p>"),
            vec![(Paragraph, "".into(), "Body.".into())]
        );
    }

    #[test]
    fn nested_list_items_are_their_own_passages() {
        let page = "<ul><li>outer <b>one</b><ul><li>inner a</li><li>inner b</li></ul>tail</li>\
            <li>outer two</li></ul>";
        let got: Vec<_> = texts(page)
            .into_iter()
            .map(|(kind, _, text)| (kind, text))
            .collect();
        assert_eq!(
            got,
            vec![
                (ListItem, "outer one tail".into()),
                (ListItem, "inner a".into()),
                (ListItem, "inner b".into()),
                (ListItem, "outer two".into()),
            ]
        );
    }

    #[test]
    fn inline_markup_joins_and_blocks_separate() {
        let page = "<p>un<b>broken</b> wo<span>rd</span></p><div>a<div>b</div></div>\
            <table><tr><td>A</td><td><p>B</p><p>C</p></td></tr></table><pre>  code\n   block</pre>\
            <blockquote>Quoted directly.<ul><li>listed</li></ul></blockquote><p>- *</p>\
            <p>[2] <a href=\"#top\">https://example.org</a></p>\
            <div>where <math><mi>x</mi><mo>=</mo><mn>2</mn></math> holds</div>";
        assert_eq!(
            texts(page),
            vec![
                (Paragraph, "".into(), "unbroken word".into()),
                (Paragraph, "".into(), "a".into()),
                (Paragraph, "".into(), "b".into()),
                (TableRow, "".into(), "A | B C".into()),
                (Paragraph, "".into(), "code block".into()),
                (Quote, "".into(), "Quoted directly.".into()),
                (ListItem, "".into(), "listed".into()),
                (Note, "".into(), "[2] https://example.org".into()),
                (Paragraph, "".into(), "where x=2 holds".into()),
            ]
        );
    }

    #[test]
    fn footnotes_in_their_usual_forms_are_notes() {
        let page = "<main><p>Text<sup><a href=\"#fn:1\" class=\"footnote-ref\">[1]</a></sup>.</p>\
            <p class=\"footnote\">1. A class footnote.</p>\
            <aside role=\"doc-footnote\">An aside note.</aside>\
            <div class=\"footnotes\"><p>A paragraph note.</p>Loose note text.\
            <ol><li>A listed note.</li></ol></div>\
            <ol><li id=\"fn2\">An id note.</li><li>A list item.</li></ol></main>";
        // A reference within the page is no link target.
        assert!(read_html(page, None).passages[0].links.is_empty());
        assert_eq!(
            texts(page),
            vec![
                (Paragraph, "".into(), "Text[1].".into()),
                (Note, "".into(), "1. A class footnote.".into()),
                (Note, "".into(), "An aside note.".into()),
                (Note, "".into(), "A paragraph note.".into()),
                (Note, "".into(), "Loose note text.".into()),
                (Note, "".into(), "A listed note.".into()),
                (Note, "".into(), "An id note.".into()),
                (ListItem, "".into(), "A list item.".into()),
            ]
        );
    }

    #[test]
    fn lines_follow_multi_line_tags_and_crlf() {
        let page =
            "<p\r\n  class=\"x\">one</p>\r\n<div>\r\n\r\n   loose\r\n text</div>\r<p>three</p>";
        let lines: Vec<u64> = read_html(page, None)
            .passages
            .iter()
            .map(|p| p.line)
            .collect();
        assert_eq!(lines, vec![1, 5, 7]);
    }

    #[test]
    fn deep_nesting_neither_overflows_nor_loses_text() {
        let depth = 10_000;
        let divs = format!(
            "{}deep text{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        assert_eq!(
            texts(&divs),
            vec![(Paragraph, "".into(), "deep text".into())]
        );
        // html5ever's scope checks are quadratic in depth: other shapes are kept shallower so
        // that the test stays quick in debug builds.
        let depth = 2_000;
        let lists = format!("<main>{}</main>", "<ul><li>item ".repeat(depth));
        assert_eq!(read_html(&lists, None).passages.len(), depth);
        let quotes = format!("{}quoted", "<blockquote><span><section>".repeat(depth));
        assert_eq!(texts(&quotes), vec![(Quote, "".into(), "quoted".into())]);
        let tables = "<table><tr><td>".repeat(depth);
        assert!(read_html(&tables, None).passages.is_empty());
    }

    #[test]
    fn empty_and_garbage_input_gives_nothing_or_what_text_there_is() {
        for source in [
            "",
            "   \n",
            "<html><body></body></html>",
            "<!-- never closed",
            "<script>x",
        ] {
            let statement = read_html(source, None);
            assert_eq!(statement, HtmlStatement::default(), "{source:?}");
        }
        let junk: String = (0u32..4000)
            .map(|i| char::from_u32((i * 7919) % 0x2FFF).unwrap_or('\u{FFFD}'))
            .collect();
        let _ = read_html(&junk, None);
        for source in [
            "</p></p><li><tr><td>x</td></tr>",
            "<table><p>fostered</p><tr><td>cell</td></tr></table>",
            "<template><p>inert</p></template><p>shown</p>",
            "<a href=x><div><a href=y>nested <b><i>mis</b>nested</i></a></div></a>",
            "<frameset><frame></frameset>text",
            "<math><mi>x</mi></math><select><option>o</option></select>",
            "\u{0}\u{1}<<<>>>&#0;&#xD800;&bogus;<\u{FEFF}",
        ] {
            let _ = read_html(source, Some(""));
        }
        assert_eq!(
            texts("<template><p>inert</p></template><p>shown</p>"),
            vec![(Paragraph, "".into(), "shown".into())]
        );
    }

    /// Every word of the content, as a sorted list, from its text nodes alone.
    fn content_words(source: &str) -> Vec<String> {
        let (html, _) = parse(source);
        let root = content_root(html.tree.root());
        let mut text = String::new();
        walk(root, |visit| match visit {
            Visit::Open(node) => match node.value() {
                Node::Text(part) => {
                    text.push(' ');
                    text.push_str(part);
                    false
                }
                Node::Element(element) => node.id() == root.id() || !is_dropped(element),
                _ => false,
            },
            Visit::Close(_) => false,
        });
        let mut all: Vec<String> = words(&text).collect();
        all.sort();
        all
    }

    #[test]
    fn every_content_word_lands_in_one_passage_or_heading() {
        let fixtures = [
            PRESS_RELEASE,
            "<body><div>Loose <em>text</em><br>here<p>and a paragraph</p>then more\n\
                <table><caption>Cap</caption><tr><th>H1</th><td></td><td>v 2</td></tr></table>\
                <ul><li>one<ol><li>two<p>two b</p></li></ol>one b</li></ul></div>\
                <footer>not content</footer></body>",
            "<article><h2>Sec</h2><blockquote>q1<p>q2</p><div>q3</div></blockquote>\
                <figure><img alt=\"pic\"><figcaption>Fig 1</figcaption></figure>\
                <details><summary>More</summary><p>Hidden by default</p></details>\
                <section class=\"footnotes\"><ol><li id=\"fn1\">Note one\
                <a href=\"#fnref1\" class=\"footnote-back\">back</a></li></ol></section></article>",
            "<main><h1>T</h1><dl><dt>k</dt><dd>v<p>w</p></dd></dl><pre>a\n b</pre>\
                <p>Ref<sup><a href=\"#fn1\">1</a></sup> x</p><h3>Deep</h3>tail <span>words</span></main>",
        ];
        for source in fixtures {
            let statement = read_html(source, None);
            let mut got: Vec<String> = statement
                .passages
                .iter()
                .flat_map(|p| words(&p.text).collect::<Vec<_>>())
                .chain(
                    statement
                        .headings
                        .iter()
                        .flat_map(|h| words(h).collect::<Vec<_>>()),
                )
                .collect();
            got.sort();
            assert_eq!(got, content_words(source), "{source}");
        }
    }
}
