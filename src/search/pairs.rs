//! Word pairs: every two index terms that stand at consecutive positions
//! ("export control"), indexed in their own field, document ids only.
//!
//! A pair is not indexed as its own text but as one of [`BUCKETS`] hash
//! buckets. Distinct pairs are far more numerous than words (most occur
//! once), and a term dictionary of all of them made the index build three
//! times slower; a bucket holds a few rare pairs besides the one asked for,
//! which only costs some extra passages to check.
//!
//! A quoted phrase can only occur in a passage that has each pair of its
//! neighbouring words next to each other, so the pairs' posting lists are a
//! cheap, exact prefilter before word positions are read
//! ([`super::phrase`]). Without it a phrase of common words ("chip
//! supply") read the positions of every passage that has both words, which
//! was the slowest kind of question. The pairs come from the same analyzer
//! stream as the searched text, so a stop word or an over-long word (which
//! leave a gap in positions) breaks a pair in the index exactly as in the
//! query.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Appended to the English analyzer: turns its terms into pair terms.
#[derive(Clone, Copy, Debug, Default)]
pub struct PairFilter;

impl TokenFilter for PairFilter {
    type Tokenizer<T: Tokenizer> = PairTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PairTokenizer<T> {
        PairTokenizer { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct PairTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PairTokenizer<T> {
    type TokenStream<'a> = PairStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let previous = Previous { text: String::new(), position: None, offset_from: 0 };
        PairStream { tail: self.inner.token_stream(text), token: Token::default(), previous }
    }
}

/// The previous term of the stream: its text, position (none before the
/// first term) and start offset.
struct Previous {
    text: String,
    position: Option<usize>,
    offset_from: usize,
}

pub struct PairStream<T> {
    tail: T,
    token: Token,
    previous: Previous,
}

impl<T: TokenStream> TokenStream for PairStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let current = self.tail.token();
            let previous = &mut self.previous;
            let adjacent = previous.position.is_some_and(|p| p + 1 == current.position);
            if adjacent {
                self.token.text.clear();
                push_bucket(&mut self.token.text, &previous.text, &current.text);
                self.token.position = current.position - 1;
                self.token.offset_from = previous.offset_from;
                self.token.offset_to = current.offset_to;
            }
            previous.text.clear();
            previous.text.push_str(&current.text);
            previous.position = Some(current.position);
            previous.offset_from = current.offset_from;
            if adjacent {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Hash buckets of pairs (2^16). Changing it changes the index format.
pub const BUCKETS: u64 = 1 << 16;

/// The bucket of the pair (`first`, `second`): FNV-1a over both terms with a
/// separator that cannot occur in a term, folded to [`BUCKETS`]. Fixed, so
/// that an index and a later query agree.
fn bucket(first: &str, second: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in first.bytes().chain(std::iter::once(b' ')).chain(second.bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (hash ^ (hash >> 29) ^ (hash >> 47)) % BUCKETS
}

/// Writes the bucket term of a pair: its number in hexadecimal.
fn push_bucket(out: &mut String, first: &str, second: &str) {
    use std::fmt::Write;
    let _ = write!(out, "{:x}", bucket(first, second));
}

/// The pair terms of a phrase's analysed terms (each at its position):
/// only terms at consecutive positions form a pair. Duplicates are dropped.
pub fn phrase_pairs(terms: &[(usize, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in terms.windows(2).filter(|w| w[0].0 + 1 == w[1].0) {
        let mut term = String::new();
        push_bucket(&mut term, &w[0].1, &w[1].1);
        if !out.contains(&term) {
            out.push(term);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::analyze::Analyzer;
    use super::super::schema::pairs_analyzer;
    use super::*;

    fn index_pairs(text: &str) -> Vec<String> {
        let mut analyzer = pairs_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    fn buckets(pairs: &[(&str, &str)]) -> Vec<String> {
        pairs.iter().map(|(a, b)| format!("{:x}", bucket(a, b))).collect()
    }

    #[test]
    fn neighbouring_terms_pair_up_and_gaps_break_pairs() {
        let expected = buckets(&[("huawei", "ship"), ("ship", "ascend"), ("ascend", "chip")]);
        assert_eq!(index_pairs("Huawei ships Ascend chips"), expected);
        // "of" is a stop word: its gap breaks the pair, as it does in a phrase query.
        assert_eq!(index_pairs("Bureau of Industry rules"), buckets(&[("industri", "rule")]));
        let long = "x".repeat(60);
        assert_eq!(index_pairs(&format!("HBM {long} supply chain")), buckets(&[("suppli", "chain")]));
        assert!(index_pairs("chips").is_empty());
        assert_eq!(index_pairs("urix urix"), buckets(&[("urix", "urix")]));
    }

    #[test]
    fn buckets_are_fixed_and_spread() {
        // A changed hash would disagree with existing indexes (then
        // FORMAT_VERSION must change): the value is pinned.
        assert_eq!(bucket("export", "control"), 19_760);
        assert_ne!(bucket("ab", "c"), bucket("a", "bc"));
        let words = ["chip", "wafer", "memori", "export", "huawei", "capac", "yield", "foundri", "node", "market"];
        let mut seen = std::collections::HashSet::new();
        for a in words {
            for b in words {
                assert!(bucket(a, b) < BUCKETS);
                seen.insert(bucket(a, b));
            }
        }
        assert!(seen.len() >= 99, "100 pairs fell into {} buckets", seen.len());
    }

    #[test]
    fn a_phrase_asks_for_the_same_pairs_the_index_holds() {
        let analyzer = Analyzer::default();
        for text in ["Huawei ships Ascend chips", "Bureau of Industry rules", "the chip, the fab and the HBM stack"] {
            let query = phrase_pairs(&analyzer.positioned_terms(text));
            let indexed = index_pairs(text);
            assert_eq!(query, indexed, "{text}");
        }
        assert_eq!(phrase_pairs(&[(0, "bureau".into()), (2, "industri".into())]), Vec::<String>::new());
    }
}
