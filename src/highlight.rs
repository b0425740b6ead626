//! Exact match spans: which bytes of a passage the query matched, computed on the passage text
//! with the field's own analyser, so a phrase lights up whole and a lone word of it does not.

use tantivy::query_grammar::{Occur, UserInputAst, UserInputLeaf};
use tantivy::tokenizer::TextAnalyzer;

use crate::index::schema::{exact_analyzer, stemmed_analyzer};

/// One positive literal of the query: a word or a phrase, after analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    terms: Vec<String>,
    slop: u32,
    /// The last term matches as a prefix (`encrypt*`).
    prefix: bool,
}

/// Finds the spans a query matches in passage texts.
pub struct Highlighter {
    analyzer: TextAnalyzer,
    patterns: Vec<Pattern>,
}

/// A token of the passage: its analysed text, position and byte range.
struct Token {
    text: String,
    position: usize,
    from: usize,
    to: usize,
}

impl Highlighter {
    /// Reads the phrases and words of `query` that search the passage text; excluded words and
    /// other fields are left out.
    pub fn new(query: &str, exact: bool) -> Highlighter {
        let mut analyzer = if exact {
            exact_analyzer()
        } else {
            stemmed_analyzer()
        };
        let mut patterns = Vec::new();
        if let Ok(ast) = tantivy::query_grammar::parse_query(query) {
            collect(&ast, false, &mut analyzer, &mut patterns);
        }
        patterns.dedup();
        Highlighter { analyzer, patterns }
    }

    /// Byte ranges of every match in `text`, sorted, overlapping ones merged.
    pub fn spans(&mut self, text: &str) -> Vec<(usize, usize)> {
        if self.patterns.is_empty() {
            return Vec::new();
        }
        let tokens = self.tokens(text);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for pattern in &self.patterns {
            for (start, token) in tokens.iter().enumerate() {
                if !term_matches(pattern, 0, &token.text) {
                    continue;
                }
                if let Some(end) = match_phrase(pattern, &tokens, start) {
                    spans.push((token.from, tokens[end].to));
                }
            }
        }
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (from, to) in spans {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        merged
    }

    fn tokens(&mut self, text: &str) -> Vec<Token> {
        let mut stream = self.analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            let token = stream.token();
            tokens.push(Token {
                text: token.text.clone(),
                position: token.position,
                from: token.offset_from,
                to: token.offset_to,
            });
        }
        tokens
    }
}

/// Matches the rest of `pattern` after its first term at `tokens[start]`, in order, spending at
/// most `slop` skipped positions in all; returns the index of the last token.
fn match_phrase(pattern: &Pattern, tokens: &[Token], start: usize) -> Option<usize> {
    let mut last = start;
    let mut spent = 0usize;
    for k in 1..pattern.terms.len() {
        let expected = tokens[last].position + 1;
        let next = tokens[last + 1..]
            .iter()
            .position(|token| term_matches(pattern, k, &token.text))
            .map(|offset| last + 1 + offset)?;
        spent += tokens[next].position.saturating_sub(expected);
        if spent > pattern.slop as usize {
            return None;
        }
        last = next;
    }
    Some(last)
}

fn term_matches(pattern: &Pattern, k: usize, token: &str) -> bool {
    let term = &pattern.terms[k];
    if pattern.prefix && k + 1 == pattern.terms.len() {
        token.starts_with(term.as_str())
    } else {
        token == term
    }
}

fn collect(
    ast: &UserInputAst,
    excluded: bool,
    analyzer: &mut TextAnalyzer,
    out: &mut Vec<Pattern>,
) {
    match ast {
        UserInputAst::Clause(clauses) => {
            for (occur, clause) in clauses {
                let excluded = excluded || *occur == Some(Occur::MustNot);
                collect(clause, excluded, analyzer, out);
            }
        }
        UserInputAst::Boost(inner, _) => collect(inner, excluded, analyzer, out),
        UserInputAst::Leaf(leaf) if !excluded => match leaf.as_ref() {
            UserInputLeaf::Literal(literal) if searches_text(literal.field_name.as_deref()) => {
                let terms = crate::query::analyze(analyzer, &literal.phrase);
                if !terms.is_empty() {
                    out.push(Pattern {
                        terms,
                        slop: literal.slop,
                        prefix: literal.prefix,
                    });
                }
            }
            UserInputLeaf::Set { field, elements } if searches_text(field.as_deref()) => {
                for element in elements {
                    let terms = crate::query::analyze(analyzer, element);
                    if !terms.is_empty() {
                        out.push(Pattern {
                            terms,
                            slop: 0,
                            prefix: false,
                        });
                    }
                }
            }
            _ => {}
        },
        UserInputAst::Leaf(_) => {}
    }
}

fn searches_text(field: Option<&str>) -> bool {
    matches!(field, None | Some("text") | Some("text_exact"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(query: &str, exact: bool, text: &str) -> String {
        let spans = Highlighter::new(query, exact).spans(text);
        let mut out = String::new();
        let mut at = 0;
        for (from, to) in spans {
            out.push_str(&text[at..from]);
            out.push('[');
            out.push_str(&text[from..to]);
            out.push(']');
            at = to;
        }
        out.push_str(&text[at..]);
        out
    }

    #[test]
    fn a_phrase_lights_up_whole_and_not_its_lone_words() {
        assert_eq!(
            marked(
                "\"national security\"",
                false,
                "National security and cyber security matter."
            ),
            "[National security] and cyber security matter."
        );
    }

    #[test]
    fn every_occurrence_is_marked_with_stemming() {
        assert_eq!(
            marked(
                "\"lawful access\"",
                false,
                "Lawful access, lawfully accessed, lawful access."
            ),
            "[Lawful access], [lawfully accessed], [lawful access]."
        );
        assert_eq!(
            marked(
                "\"lawful access\"",
                true,
                "Lawful access, lawfully accessed."
            ),
            "[Lawful access], lawfully accessed."
        );
    }

    #[test]
    fn excluded_words_and_other_fields_are_not_marked() {
        assert_eq!(
            marked(
                "encryption -privacy title:safety",
                false,
                "Encryption, privacy and safety."
            ),
            "[Encryption], privacy and safety."
        );
    }

    #[test]
    fn slop_and_prefix() {
        assert_eq!(
            marked(
                "\"lawful content\"~2",
                false,
                "lawful access to content here"
            ),
            "[lawful access to content] here"
        );
        assert_eq!(
            marked("\"lawful content\"~1", false, "lawful access to content"),
            "lawful access to content"
        );
        assert_eq!(
            marked("encrypt*", false, "Encrypted and encryption."),
            "[Encrypted] and [encryption]."
        );
    }

    #[test]
    fn phrase_with_hyphenated_words() {
        assert_eq!(
            marked(
                "\"end-to-end encryption\"",
                false,
                "with end-to-end encryption across"
            ),
            "with [end-to-end encryption] across"
        );
    }
}
