//! `word*` and `"a phrase wo"*`, matching every word the prefix begins.
//!
//! tantivy's `PhrasePrefixQuery` tries only the first 50 words of the dictionary that begin
//! with the prefix (a limit meant for search-as-you-type), so on a large corpus
//! `"national sec"*` found 30 passages where `"national security"` alone is in 25,661, with
//! no sign that the other words had been left out. A phrase prefix is therefore a phrase whose
//! last word is the pattern `prefix.*`, with no limit on the words it takes in: tantivy's
//! `RegexPhraseQuery`, which also joins the postings of many words faster (on a million
//! passages `"of s"*`, 68,589 hits, takes 0.7 s against 6.4 s for `PhrasePrefixQuery` with
//! every word allowed); its score is brought back to BM25 over the phrase's whole words, as
//! `PhrasePrefixQuery` scores it.

use tantivy::Term;
use tantivy::query::{
    Bm25StatisticsProvider, BoostQuery, EnableScoring, PhrasePrefixQuery, Query, RegexPhraseQuery,
    Weight,
};
use tantivy::schema::Field;

#[derive(Debug, Clone)]
pub(crate) struct CompletePrefix {
    /// Words of the phrase before the prefix, with their positions; empty for `word*`.
    phrase: Vec<(usize, Term)>,
    prefix: (usize, Term),
}

impl CompletePrefix {
    /// `terms`: the phrase's words with their positions, the prefix last; at least one.
    pub(crate) fn new(mut terms: Vec<(usize, Term)>) -> Option<CompletePrefix> {
        let prefix = terms.pop()?;
        Some(CompletePrefix {
            phrase: terms,
            prefix,
        })
    }
}

impl Query for CompletePrefix {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if self.phrase.is_empty() {
            // A lone prefix is a range of the term dictionary, every passage scored alike; the
            // limit is on the words read from it, and there is none.
            let mut query = PhrasePrefixQuery::new_with_offset(vec![self.prefix.clone()]);
            query.set_max_expansions(u32::MAX);
            return query.weight(enable_scoring);
        }
        let mut patterns: Vec<(usize, String)> = self
            .phrase
            .iter()
            .map(|(position, word)| (*position, literal_pattern(word)))
            .collect();
        patterns.push((
            self.prefix.0,
            format!("{}.*", literal_pattern(&self.prefix.1)),
        ));
        let field = self.prefix.1.field();
        let scale = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => whole_words_share(statistics_provider, field, &patterns)?,
            EnableScoring::Disabled { .. } => 1.0,
        };
        let mut query = RegexPhraseQuery::new_with_offset(field, patterns);
        query.set_max_expansions(u32::MAX);
        BoostQuery::new(Box::new(query), scale).weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.phrase {
            visitor(term, true);
        }
    }
}

/// The share of the whole words in the idf `RegexPhraseQuery` scores a phrase with.
///
/// tantivy sums the idf of every pattern read as a word, and no passage has the word `sec.*`:
/// the prefix would count as the rarest word there is and outweigh every other clause of the
/// query. Scaled by this share, the phrase is scored by its whole words, as tantivy's
/// `PhrasePrefixQuery` scores it (the same sum, the same BM25).
fn whole_words_share(
    statistics: &dyn Bm25StatisticsProvider,
    field: Field,
    patterns: &[(usize, String)],
) -> tantivy::Result<f32> {
    let documents = statistics.total_num_docs()?;
    let mut idfs = Vec::with_capacity(patterns.len());
    for (_, pattern) in patterns {
        let frequency = statistics.doc_freq(&Term::from_field_text(field, pattern))?;
        idfs.push(idf(frequency, documents));
    }
    let all: f32 = idfs.iter().sum();
    let words: f32 = idfs[..idfs.len() - 1].iter().sum();
    Ok(if all > 0.0 { words / all } else { 1.0 })
}

/// BM25's inverse document frequency, as tantivy computes it (`query::bm25`, not public).
fn idf(frequency: u64, documents: u64) -> f32 {
    let rest = documents.saturating_sub(frequency) as f32 + 0.5;
    (1.0 + rest / (frequency as f32 + 0.5)).ln()
}

/// A pattern that matches the word `term` holds and nothing else.
fn literal_pattern(term: &Term) -> String {
    regex_syntax::escape(term.value().as_str().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};

    #[test]
    fn a_word_is_its_own_pattern_with_regex_syntax_escaped() {
        let field = Schema::builder().add_text_field("text", TEXT);
        let pattern = |word: &str| literal_pattern(&Term::from_field_text(field, word));
        assert_eq!(pattern("security"), "security");
        assert_eq!(pattern("a.b*c"), r"a\.b\*c");
        assert_eq!(pattern("café"), "café");
    }
}
