//! Exact match spans: which bytes of a passage the query matched, computed on the passage text
//! with the field's own analyser, so a phrase lights up whole and a lone word of it does not.

use tantivy::tokenizer::TextAnalyzer;

use crate::index::schema::{exact_analyzer, stemmed_analyzer};
use crate::index::stem::Stems;
use crate::query::UserQuery;

/// One positive literal of the query: a word or a phrase, after analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    terms: Vec<String>,
    /// Each term's place in the phrase: its index, unless the analyser dropped a word before it
    /// (one of 40 characters or more), which leaves a gap in the index's positions too.
    offsets: Vec<usize>,
    slop: u32,
    /// The last term matches as a prefix (`encrypt*`), on unstemmed words.
    prefix: bool,
    /// Matched against unstemmed tokens.
    unstemmed: bool,
}

/// Finds the spans a query matches in passage texts.
#[derive(Clone)]
pub struct Highlighter {
    /// The passage's words as the index saw them before stemming.
    unstemmed: TextAnalyzer,
    /// Stems one word, as the stemmed field's analyser does last; a passage's words recur in
    /// the next, so each is remembered.
    stems: Stems,
    patterns: Vec<Pattern>,
    /// The first letters of the stemmed patterns' terms: stemming keeps a word's first letter,
    /// so a word starting otherwise need not be stemmed to know it matches none of them.
    stem_initials: Vec<char>,
}

/// Runs of consecutive terms of one text field (`text_exact` when `unstemmed`, else `text`),
/// whose occurrences are a query's matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRuns {
    pub unstemmed: bool,
    pub runs: Vec<Vec<String>>,
}

/// A token of the passage: its analysed text, position and byte range.
struct Token {
    text: String,
    position: usize,
    from: usize,
    to: usize,
}

impl Highlighter {
    /// Takes the phrases and words of the query that search the passage text; excluded words
    /// and other fields are left out.
    pub fn new(query: &UserQuery) -> Highlighter {
        let mut stemmed = stemmed_analyzer();
        let mut unstemmed = exact_analyzer();
        let patterns: Vec<Pattern> = query
            .text_literals()
            .into_iter()
            .filter_map(|literal| {
                let unstemmed_match = query.exact() || literal.prefix;
                let analyzer = if unstemmed_match {
                    &mut unstemmed
                } else {
                    &mut stemmed
                };
                let words = crate::query::analyze_positions(analyzer, &literal.phrase);
                let first = words.first().map_or(0, |(position, _)| *position);
                let (offsets, terms): (Vec<usize>, Vec<String>) = words
                    .into_iter()
                    .map(|(position, term)| (position - first, term))
                    .unzip();
                (!terms.is_empty()).then_some(Pattern {
                    terms,
                    offsets,
                    slop: literal.slop,
                    prefix: literal.prefix,
                    unstemmed: unstemmed_match,
                })
            })
            .collect();
        let mut stem_initials: Vec<char> = patterns
            .iter()
            .filter(|pattern| !pattern.unstemmed)
            .flat_map(|pattern| pattern.terms.iter().filter_map(|term| term.chars().next()))
            .collect();
        stem_initials.sort_unstable();
        stem_initials.dedup();
        Highlighter {
            unstemmed,
            stems: Stems::for_highlighting(),
            patterns,
            stem_initials,
        }
    }

    /// The query's matches as runs of index terms, when counting the runs in the index's
    /// positions gives the number of spans `spans` finds: every literal a word or a phrase
    /// of consecutive words without slop or prefix, all analysed alike, and no term in two places, so that no two
    /// matches can share a word and merge into one span. `None` otherwise.
    pub fn term_runs(&self) -> Option<TermRuns> {
        let unstemmed = self
            .patterns
            .first()
            .is_some_and(|pattern| pattern.unstemmed);
        let mut seen = std::collections::HashSet::new();
        for pattern in &self.patterns {
            let consecutive = pattern.offsets.iter().enumerate().all(|(k, &at)| at == k);
            if pattern.slop > 0 || pattern.prefix || pattern.unstemmed != unstemmed || !consecutive
            {
                return None;
            }
            if !pattern.terms.iter().all(|term| seen.insert(term.as_str())) {
                return None;
            }
        }
        Some(TermRuns {
            unstemmed,
            runs: self
                .patterns
                .iter()
                .map(|pattern| pattern.terms.clone())
                .collect(),
        })
    }

    /// Byte ranges of every match in `text`, sorted, overlapping ones merged.
    pub fn spans(&mut self, text: &str) -> Vec<(usize, usize)> {
        if self.patterns.is_empty() {
            return Vec::new();
        }
        // One pass of the unstemmed analyser; a word is stemmed only when it may match a
        // stemmed term, and only tokens some pattern term matches are kept.
        let mut stemmed = Vec::new();
        let mut unstemmed = Vec::new();
        let mut stem = String::new();
        let mut stream = self.unstemmed.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            let matches = |tokens_unstemmed: bool, word: &str| {
                self.patterns.iter().any(|pattern| {
                    pattern.unstemmed == tokens_unstemmed
                        && (0..pattern.terms.len()).any(|k| term_matches(pattern, k, word))
                })
            };
            let at = |text: String| Token {
                text,
                position: token.position,
                from: token.offset_from,
                to: token.offset_to,
            };
            if matches(true, &token.text) {
                unstemmed.push(at(token.text.clone()));
            }
            if token
                .text
                .chars()
                .next()
                .is_some_and(|first| self.stem_initials.binary_search(&first).is_ok())
            {
                stem.clear();
                stem.push_str(&token.text);
                self.stems.stem_in_place(&mut stem);
                if matches(false, &stem) {
                    stemmed.push(at(stem.clone()));
                }
            }
        }
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for pattern in &self.patterns {
            let tokens = if pattern.unstemmed {
                &unstemmed
            } else {
                &stemmed
            };
            spans.extend(pattern_spans(pattern, tokens));
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
}

/// Every occurrence of a pattern. A phrase matches as tantivy's phrase query does: with each
/// term's position shifted back by its place in the phrase, the distances between consecutive
/// terms add up to at most the slop (so with slop, terms may also come in another order).
fn pattern_spans(pattern: &Pattern, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut candidates: Vec<Vec<&Token>> = Vec::with_capacity(pattern.terms.len());
    for k in 0..pattern.terms.len() {
        let matching: Vec<&Token> = tokens
            .iter()
            .filter(|t| term_matches(pattern, k, &t.text))
            .collect();
        if matching.is_empty() {
            return Vec::new();
        }
        candidates.push(matching);
    }
    let mut spans = Vec::new();
    for first in &candidates[0] {
        let mut chosen = vec![*first];
        if extend(
            pattern,
            &candidates,
            &mut chosen,
            first.position as i64,
            pattern.slop as i64,
        ) {
            let from = chosen.iter().map(|t| t.from).min().unwrap_or(first.from);
            let to = chosen.iter().map(|t| t.to).max().unwrap_or(first.to);
            spans.push((from, to));
        }
    }
    spans
}

/// Chooses a token for the next term within the remaining slop; true when all terms are placed.
fn extend<'t>(
    pattern: &Pattern,
    candidates: &[Vec<&'t Token>],
    chosen: &mut Vec<&'t Token>,
    previous: i64,
    budget: i64,
) -> bool {
    let k = chosen.len();
    if k == pattern.terms.len() {
        return true;
    }
    for token in &candidates[k] {
        let shifted = token.position as i64 - pattern.offsets[k] as i64;
        let cost = (shifted - previous).abs();
        if cost > budget || chosen.iter().any(|c| c.position == token.position) {
            continue;
        }
        chosen.push(token);
        if extend(pattern, candidates, chosen, shifted, budget - cost) {
            return true;
        }
        chosen.pop();
    }
    false
}

fn term_matches(pattern: &Pattern, k: usize, token: &str) -> bool {
    let term = &pattern.terms[k];
    if pattern.prefix && k + 1 == pattern.terms.len() {
        token.starts_with(term.as_str())
    } else {
        token == term
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(query: &str, exact: bool, text: &str) -> String {
        let query = UserQuery::parse(query, exact).unwrap();
        let spans = Highlighter::new(&query).spans(text);
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
    fn a_phrase_with_a_word_too_long_to_index_is_marked_where_it_matches() {
        // The long word is dropped from the query as from the index, leaving its place: the
        // phrase matches "lawful" and "access" two positions apart, whatever stands between.
        let long = "x".repeat(45);
        let query = format!("\"lawful {long} access\"");
        assert_eq!(
            marked(&query, false, &format!("No lawful {long} access here.")),
            format!("No [lawful {long} access] here.")
        );
        assert_eq!(
            marked(&query, false, "Lawful and access, lawful access."),
            "[Lawful and access], lawful access."
        );
        let parsed = UserQuery::parse(&query, false).unwrap();
        assert_eq!(Highlighter::new(&parsed).term_runs(), None);
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

    /// Every word of a real statement stemmed, as the stemmed field's analyser does: which
    /// tokens match each word of the statement, found the slow way.
    #[test]
    fn stemming_only_words_with_a_matching_initial_misses_no_match() {
        let text =
            include_str!("../corpus/2020-10-11-international-statement-e2ee-public-safety.md");
        let mut stemmed = stemmed_analyzer();
        let mut unstemmed = exact_analyzer();
        let words: Vec<String> = {
            let mut stream = unstemmed.token_stream(text);
            let mut words = Vec::new();
            while stream.advance() {
                words.push(stream.token().text.clone());
            }
            words.sort();
            words.dedup();
            words
        };
        assert!(words.len() > 300, "{} distinct words", words.len());
        let mut all_stems = Vec::new();
        {
            let mut stream = stemmed.token_stream(text);
            while stream.advance() {
                let token = stream.token();
                all_stems.push((token.text.clone(), token.offset_from, token.offset_to));
            }
        }
        for word in &words {
            let query = UserQuery::parse(word, false).unwrap();
            let found = Highlighter::new(&query).spans(text);
            let stem = crate::query::analyze(&mut stemmed, word);
            let expected: Vec<(usize, usize)> = all_stems
                .iter()
                .filter(|(text, _, _)| stem.first() == Some(text))
                .map(|&(_, from, to)| (from, to))
                .collect();
            assert_eq!(found, expected, "the word `{word}`");
        }
    }

    fn runs(query: &str, exact: bool) -> Option<TermRuns> {
        Highlighter::new(&UserQuery::parse(query, exact).unwrap()).term_runs()
    }

    #[test]
    fn words_and_plain_phrases_of_distinct_terms_count_as_term_runs() {
        assert_eq!(
            runs("\"lawful access\" OR encryption -backdoor", false),
            Some(TermRuns {
                unstemmed: false,
                runs: vec![
                    vec!["law".to_string(), "access".to_string()],
                    vec!["encrypt".to_string()],
                ],
            })
        );
        assert_eq!(
            runs("\"Lawful Access\"", true),
            Some(TermRuns {
                unstemmed: true,
                runs: vec![vec!["lawful".to_string(), "access".to_string()]],
            })
        );
    }

    #[test]
    fn matches_that_could_overlap_or_need_more_than_positions_are_not_term_runs() {
        // A word in two literals, or twice in one phrase: two matches could share it.
        assert_eq!(runs("\"lawful access\" access", false), None);
        assert_eq!(runs("\"very very\"", false), None);
        // Two words with one stem are one term twice.
        assert_eq!(runs("vaccine vaccines", false), None);
        assert_eq!(runs("\"lawful access\"~2", false), None);
        assert_eq!(runs("encrypt*", false), None);
    }
}
