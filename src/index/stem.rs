//! English stemming with a small memory of recent words.
//!
//! Stemming was a sixth of an ingest's work with each occurrence of a word stemmed again, yet a
//! few thousand frequent words make up most of any text. The filter gives exactly tantivy's
//! `Stemmer` output (the same `frostem` algorithm), so an index written with it is searched with
//! either.

use std::borrow::Cow;
use std::hash::Hasher;

use frostem::Algorithm;
use rustc_hash::FxHasher;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// A token filter that reduces lower-cased words to their English stems.
#[derive(Clone, Copy, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: Stems::default(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stems: Stems,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
        }
    }
}

/// Slots of the memory: enough for the words that make up most of any English text, small
/// enough to stay in a core's cache (a large map of every word costs as much in cache misses as
/// stemming does).
const SLOTS: usize = 8192;

/// The longest word (and stem) remembered, in bytes; longer words are rare and stemmed anew.
const SLOT_BYTES: usize = 16;

#[derive(Clone, Copy)]
struct Slot {
    word_len: u8,
    stem_len: u8,
    word: [u8; SLOT_BYTES],
    stem: [u8; SLOT_BYTES],
}

const EMPTY: Slot = Slot {
    word_len: 0,
    stem_len: 0,
    word: [0; SLOT_BYTES],
    stem: [0; SLOT_BYTES],
};

/// Words an analyser stems anew before it makes its slots (280 kB to write): a query's few words
/// are not worth them; a text that goes on long enough to repeat its words is.
const WORDS_BEFORE_SLOTS: u32 = 1024;

/// Slots of a highlighter's memory (17 kB, made at its first word): it stems only the words
/// that start as a stemmed term of the query does, a few thousand in a task of hits, and a
/// search of a few hits should not pay for 280 kB.
const HIGHLIGHTER_SLOTS: usize = 512;

/// A direct-mapped memory of recent words and their stems: each word has one slot, decided by
/// its hash, and a newer word of the same slot takes it over.
pub struct Stems {
    stemmer: frostem::Stemmer,
    /// How many slots to make; a power of two.
    slot_count: usize,
    /// How many words to stem anew before making them.
    words_before_slots: u32,
    slots: Box<[Slot]>,
    /// Words stemmed while there were no slots.
    unremembered: u32,
}

impl Default for Stems {
    /// An analyser's memory.
    fn default() -> Self {
        Stems::new(SLOTS, WORDS_BEFORE_SLOTS)
    }
}

/// A copy starts with an empty memory rather than copying a full one: tantivy takes a copy of an
/// analyser per segment and field, a search a copy of its highlighter per task.
impl Clone for Stems {
    fn clone(&self) -> Self {
        Stems::new(self.slot_count, self.words_before_slots)
    }
}

impl Stems {
    fn new(slot_count: usize, words_before_slots: u32) -> Stems {
        Stems {
            stemmer: frostem::Stemmer::new(Algorithm::English),
            slot_count,
            words_before_slots,
            slots: Box::default(),
            unremembered: 0,
        }
    }

    /// A highlighter's memory: small, and made at the first word.
    pub fn for_highlighting() -> Stems {
        Stems::new(HIGHLIGHTER_SLOTS, 0)
    }

    /// Replaces `word`, lower-cased and folded as the stemmed analyser leaves it, by its stem.
    pub fn stem_in_place(&mut self, word: &mut String) {
        let bytes = word.as_bytes();
        if bytes.is_empty() || bytes.len() > SLOT_BYTES {
            self.stem_anew(word);
            return;
        }
        if self.slots.is_empty() {
            if self.unremembered < self.words_before_slots {
                self.unremembered += 1;
                self.stem_anew(word);
                return;
            }
            self.slots = vec![EMPTY; self.slot_count].into_boxed_slice();
        }
        let slot = &mut self.slots[slot_of(bytes, self.slot_count)];
        if usize::from(slot.word_len) == bytes.len() && slot.word[..bytes.len()] == *bytes {
            let stem = &slot.stem[..usize::from(slot.stem_len)];
            if stem != bytes {
                // Stems are cut from valid words at character boundaries, so they are UTF-8.
                if let Ok(stem) = std::str::from_utf8(stem) {
                    word.clear();
                    word.push_str(stem);
                }
            }
            return;
        }
        let stem = self.stemmer.stem(word);
        if stem.len() <= SLOT_BYTES {
            let mut remembered = EMPTY;
            remembered.word_len = bytes.len() as u8;
            remembered.word[..bytes.len()].copy_from_slice(bytes);
            remembered.stem_len = stem.len() as u8;
            remembered.stem[..stem.len()].copy_from_slice(stem.as_bytes());
            *slot = remembered;
        }
        if let Some(stem) = changed(stem, word) {
            *word = stem;
        }
    }

    fn stem_anew(&mut self, word: &mut String) {
        if let Some(stem) = changed(self.stemmer.stem(word), word) {
            *word = stem;
        }
    }
}

/// The stem, when it differs from the word.
fn changed(stem: Cow<'_, str>, word: &str) -> Option<String> {
    match stem {
        Cow::Owned(stem) => Some(stem),
        Cow::Borrowed(stem) if stem != word => Some(stem.to_owned()),
        Cow::Borrowed(_) => None,
    }
}

fn slot_of(bytes: &[u8], slot_count: usize) -> usize {
    let mut hasher = FxHasher::default();
    hasher.write(bytes);
    (hasher.finish() as usize) & (slot_count - 1)
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut Stems,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.stems.stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut found = Vec::new();
        while let Some(token) = stream.next() {
            found.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        found
    }

    #[test]
    fn stems_as_tantivys_stemmer_does_on_first_and_repeated_words() {
        let text = "Encryption encrypted ENCRYPTING; the agencies' lawful-access \
                    requests, requested again: encryption, agencies, running ran runs run.";
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedEnglishStemmer)
            .build();
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let expected = tokens(&mut plain, text);
        assert_eq!(expected[0].0, "encrypt");
        // Through one analyser until its slots are made, then twice from memory.
        let passes = WORDS_BEFORE_SLOTS as usize / expected.len() + 3;
        for _ in 0..passes {
            assert_eq!(tokens(&mut cached, text), expected);
        }
    }

    #[test]
    fn words_sharing_a_slot_and_words_too_long_to_remember_stem_right() {
        let reference = frostem::Stemmer::new(Algorithm::English);
        for mut stems in [Stems::default(), Stems::for_highlighting()] {
            let slot_count = stems.slot_count;
            let mut stem = |text: &str| {
                let mut word = text.to_string();
                stems.stem_in_place(&mut word);
                word
            };
            // The words before the slots are made, then more words than slots: every slot is
            // taken over at least once.
            for n in 0..WORDS_BEFORE_SLOTS as usize + slot_count * 2 {
                let word = format!("agenc{n}ies");
                assert_eq!(stem(&word), reference.stem(&word));
            }
            for _ in 0..2 {
                assert_eq!(stem("requested"), "request");
                assert_eq!(stem("internationalizations"), "internation");
                assert_eq!(stem("é"), "é");
            }
            assert_eq!(stems.slots.len(), slot_count);
        }
    }

    #[test]
    fn a_few_words_are_stemmed_without_making_the_slots() {
        let mut stems = Stems::default();
        for word in ["requested", "agencies", "requested"] {
            let mut word = word.to_string();
            stems.stem_in_place(&mut word);
        }
        assert!(stems.slots.is_empty());
    }
}
