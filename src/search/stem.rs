//! English stemming with a per-thread memo.
//!
//! Report text follows a Zipf law: a few thousand words make up nearly every
//! token, yet the Snowball stemmer ran on each occurrence and was a quarter
//! of the instructions of an index build (docs/performance.md, "Profile"). This filter
//! gives exactly tantivy's `Stemmer` output (it calls it on a miss) and
//! remembers each word's stem in a bounded per-thread table, shared by the
//! indexing threads' analyzers and by query-time analysis.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Words remembered per thread before the table starts afresh.
const CAPACITY: usize = 100_000;

/// Drop-in for `Stemmer::new(Language::English)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream { tail: self.inner.token_stream(text) }
    }
}

pub struct CachedStemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// FNV-1a: a fast hash for short keys (words, sentences) in tables that
/// outside input cannot fill on purpose.
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

struct Memo {
    stems: HashMap<String, String, BuildHasherDefault<Fnv>>,
    stemmer: TextAnalyzer,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo {
        stems: HashMap::default(),
        stemmer: TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build(),
    });
}

/// Replaces `word` with its English stem.
fn stem_in_place(word: &mut String) {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(stem) = memo.stems.get(word.as_str()) {
            if stem != word {
                word.clear();
                word.push_str(stem);
            }
            return;
        }
        let stem = {
            let mut stream = memo.stemmer.token_stream(word);
            match stream.next() {
                Some(token) => token.text.clone(),
                None => word.clone(),
            }
        };
        if memo.stems.len() >= CAPACITY {
            memo.stems.clear();
        }
        memo.stems.insert(std::mem::take(word), stem.clone());
        *word = stem;
    });
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::SimpleTokenizer;

    use super::*;

    fn all(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn gives_exactly_the_snowball_stems_twice_over() {
        let text = "Shipments were running, foundries running capacities; fabs' ramping ramped \
                    generalizations generalization caresses ponies ties 2025 US$3.2 running";
        let plain = TextAnalyzer::builder(SimpleTokenizer::default()).filter(Stemmer::new(Language::English)).build();
        let cached = TextAnalyzer::builder(SimpleTokenizer::default()).filter(CachedEnglishStemmer).build();
        let expected = all(plain, text);
        // The second pass is served from the memo.
        assert_eq!(all(cached.clone(), text), expected);
        assert_eq!(all(cached, text), expected);
        assert!(expected.iter().any(|(t, ..)| t == "run"));
    }
}
