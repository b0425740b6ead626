//! The part of a long passage worth showing: windows of whole words around its matches.

/// Passages longer than this are cut to windows around their matches unless `--full`.
pub const LONG_PASSAGE: usize = 600;
/// Bytes of text kept on each side of a match in a window.
pub const WINDOW_CONTEXT: usize = 160;
/// At most this many windows per passage.
pub const MAX_WINDOWS: usize = 4;

/// The byte ranges of `text` to show.
pub fn windows(text: &str, spans: &[(usize, usize)], full: bool) -> Vec<(usize, usize)> {
    if full || text.len() <= LONG_PASSAGE {
        return vec![(0, text.len())];
    }
    if spans.is_empty() {
        return vec![(0, snap_end(text, LONG_PASSAGE / 2))];
    }
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &(from, to) in spans {
        let start = snap_start(text, from.saturating_sub(WINDOW_CONTEXT));
        let end = snap_end(text, to + WINDOW_CONTEXT);
        match windows.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => windows.push((start, end)),
        }
    }
    windows.truncate(MAX_WINDOWS);
    windows
}

/// The windows as one line of plain text, joined and marked with "…" where text was cut.
pub fn snippet(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::new();
    for (index, (start, end)) in windows(text, spans, false).into_iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if start > 0 {
            out.push_str("… ");
        }
        out.push_str(&text[start..end]);
        if end < text.len() {
            out.push_str(" …");
        }
    }
    out
}

/// Moves `at` back to the start of the word it falls in.
pub fn snap_start(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at]
        .rfind(char::is_whitespace)
        .map_or(0, |space| space + 1)
}

/// Moves `at` forward to the end of the word it falls in.
pub fn snap_end(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    text[at..]
        .find(char::is_whitespace)
        .map_or(text.len(), |space| at + space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_word_windows_around_matches() {
        let text = format!("{} needle {}", "alpha ".repeat(100), "omega ".repeat(100));
        let at = text.find("needle").unwrap();
        let got = windows(&text, &[(at, at + 6)], false);
        assert_eq!(got.len(), 1);
        let (start, end) = got[0];
        assert!(start > 0 && end < text.len());
        assert!(
            text[start..end].starts_with("alpha") && text[start..end].trim_end().ends_with("omega")
        );
        assert!(text[start..end].contains("needle"));
    }

    #[test]
    fn short_or_full_text_is_whole() {
        assert_eq!(windows("short text", &[(0, 5)], false), vec![(0, 10)]);
        let long = "word ".repeat(200);
        assert_eq!(windows(&long, &[(0, 4)], true), vec![(0, long.len())]);
    }

    #[test]
    fn snippet_marks_cuts() {
        let text = format!("{} needle {}", "alpha ".repeat(100), "omega ".repeat(100));
        let at = text.find("needle").unwrap();
        let got = snippet(&text, &[(at, at + 6)]);
        assert!(
            got.starts_with("… alpha") && got.ends_with("omega …"),
            "{got}"
        );
        assert_eq!(snippet("short", &[]), "short");
    }
}
