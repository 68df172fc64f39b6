//! Chinese in the analyzers. [`MixedTokenizer`] splits text exactly as
//! tantivy's `SimpleTokenizer` does (runs of letters and digits), except
//! that a run of Han characters is turned into simplified characters and
//! cut into words with jieba: 華為 and 华为 give the same term, and
//! 寒武纪营业收入 gives 寒武纪 / 营业 / 收入 rather than one token. Offsets always
//! point into the original text, so highlighting marks what was written.
//!
//! Text without Han characters (any byte of a Han character is 0xE3 or
//! higher in UTF-8) takes `SimpleTokenizer`'s own path, and jieba's
//! dictionary is loaded only when the first Han text arrives, so English
//! corpora pay nothing for it.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::segment::is_han;
use tantivy::tokenizer::{SimpleTokenStream, SimpleTokenizer, Token, TokenStream, Tokenizer};

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads jieba's dictionary (85 ms) on a thread of its own, once; whoever
/// needs it first waits only for what is left.
pub fn prepare() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new().name("chipbot-jieba".into()).spawn(|| {
            LazyLock::force(&JIEBA);
        });
        if let Err(e) = spawned {
            tracing::debug!(error = %e, "jieba loads when first needed");
        }
    });
}

/// How a run of Han characters is cut into terms. The index uses
/// [`HanSegmenter::Jieba`]; `Bigrams` is kept for the comparison that chose it
/// (`cjk_compare` tests, docs/chinese.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HanSegmenter {
    /// Dictionary words (jieba, HMM for unknown words): 寒武纪 / 营业 / 收入.
    #[default]
    Jieba,
    /// Overlapping pairs of characters, as Lucene's CJK analyzer does:
    /// 寒武 / 武纪 / 纪营 / ...; a lone character stays one term.
    #[cfg_attr(not(test), allow(dead_code))]
    Bigrams,
}

/// Letters and digits as `SimpleTokenizer` reads them, with Han runs
/// segmented (see the module docs).
#[derive(Clone, Default)]
pub struct MixedTokenizer {
    simple: SimpleTokenizer,
    token: Token,
    segmenter: HanSegmenter,
}

impl MixedTokenizer {
    /// A tokenizer that cuts Han runs with `segmenter`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn with(segmenter: HanSegmenter) -> Self {
        MixedTokenizer { segmenter, ..Self::default() }
    }
}

/// The tokens of one text: `SimpleTokenizer`'s stream, or the tokens of a
/// text with Han characters, worked out in advance.
pub enum MixedTokenStream<'a> {
    Simple(SimpleTokenStream<'a>),
    Segmented { tokens: Vec<Token>, next: usize, token: &'a mut Token },
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = MixedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedTokenStream<'a> {
        if !text.bytes().any(|b| b >= 0xE3) {
            return MixedTokenStream::Simple(self.simple.token_stream(text));
        }
        self.token.reset();
        MixedTokenStream::Segmented { tokens: segment(text, self.segmenter), next: 0, token: &mut self.token }
    }
}

impl TokenStream for MixedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self {
            MixedTokenStream::Simple(stream) => stream.advance(),
            MixedTokenStream::Segmented { tokens, next, token } => match tokens.get(*next) {
                Some(t) => {
                    **token = t.clone();
                    *next += 1;
                    true
                }
                None => false,
            },
        }
    }

    fn token(&self) -> &Token {
        match self {
            MixedTokenStream::Simple(stream) => stream.token(),
            MixedTokenStream::Segmented { token, .. } => token,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self {
            MixedTokenStream::Simple(stream) => stream.token_mut(),
            MixedTokenStream::Segmented { token, .. } => token,
        }
    }
}

/// All tokens of a text that contains Han characters, numbered from 0.
fn segment(text: &str, segmenter: HanSegmenter) -> Vec<Token> {
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize, term: String| {
        out.push(Token { offset_from: from, offset_to: to, position: out.len(), text: term, position_length: 1 });
    };
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let han = is_han(c);
        let mut end = start + c.len_utf8();
        while let Some(&(at, next)) = chars.peek() {
            if !next.is_alphanumeric() || is_han(next) != han {
                break;
            }
            end = at + next.len_utf8();
            chars.next();
        }
        if !han {
            push(start, end, text[start..end].to_string());
            continue;
        }
        let run = &text[start..end];
        // Character for character, so positions in the simplified run are
        // positions in the original.
        let simplified = fast2s::convert(run);
        let offsets: Vec<usize> = run.char_indices().map(|(i, _)| start + i).chain(std::iter::once(end)).collect();
        match segmenter {
            HanSegmenter::Jieba => {
                for word in JIEBA.cut(&simplified, true) {
                    let (Some(&from), Some(&to)) = (offsets.get(word.start), offsets.get(word.end)) else { continue };
                    push(from, to, word.word.to_string());
                }
            }
            HanSegmenter::Bigrams => {
                let chars: Vec<char> = simplified.chars().collect();
                let width = chars.len().min(2);
                for i in 0..=chars.len() - width {
                    let (Some(&from), Some(&to)) = (offsets.get(i), offsets.get(i + width)) else { continue };
                    push(from, to, chars[i..i + width].iter().collect());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, String)> {
        let mut tokenizer = MixedTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), text[t.offset_from..t.offset_to].to_string()));
        }
        out
    }

    #[test]
    fn latin_text_is_tokenized_as_by_the_simple_tokenizer() {
        let text = "SK hynix's HBM3E share: 62% (2025), Ünïcode café";
        let mut simple = SimpleTokenizer::default();
        let mut stream = simple.token_stream(text);
        let mut expected = Vec::new();
        while stream.advance() {
            let t = stream.token();
            expected.push((t.text.clone(), text[t.offset_from..t.offset_to].to_string()));
        }
        assert_eq!(tokens(text), expected);
    }

    #[test]
    fn han_runs_are_segmented_and_point_back_into_the_text() {
        let got = tokens("寒武纪2025年上半年营业收入28.81亿元，HBM3E内存");
        let words: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert!(words.contains(&"寒武纪") && words.contains(&"营业") && words.contains(&"收入"), "{words:?}");
        assert!(words.contains(&"2025") && words.contains(&"HBM3E") && words.contains(&"内存"), "{words:?}");
        for (term, original) in &got {
            assert_eq!(term, original, "simplified text is its own original");
        }
    }

    #[test]
    fn bigrams_overlap_and_keep_a_lone_character() {
        let mut tokenizer = MixedTokenizer::with(HanSegmenter::Bigrams);
        let mut stream = tokenizer.token_stream("華為芯片 的");
        let mut got = Vec::new();
        while stream.advance() {
            got.push(stream.token().text.clone());
        }
        assert_eq!(got, ["华为", "为芯", "芯片", "的"]);
    }

    #[test]
    fn traditional_characters_give_simplified_terms() {
        let got = tokens("華為的晶片");
        assert_eq!(got[0], ("华为".to_string(), "華為".to_string()), "{got:?}");
        let simplified: Vec<String> = tokens("华为的芯片").into_iter().map(|(t, _)| t).collect();
        assert_eq!(simplified[0], "华为");
    }
}
