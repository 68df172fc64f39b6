//! The analyzer the index uses, exposed to the core without tantivy types, so
//! that snippets highlight exactly the words the index matched.

use std::ops::Range;

use tantivy::tokenizer::TextAnalyzer;

use super::schema;

/// One analyzed word: where it sits in the original text and its index form.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzedToken {
    pub range: Range<usize>,
    pub term: String,
}

/// Stemming analyzer shared by indexing, querying and highlighting.
#[derive(Clone)]
pub struct Analyzer {
    english: TextAnalyzer,
    keyword: TextAnalyzer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            english: schema::english_analyzer(),
            keyword: schema::keyword_analyzer(),
        }
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(chip_en)")
    }
}

impl Analyzer {
    /// Index terms of `text` (stemmed, stop words removed), in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        self.tokens(text).into_iter().map(|t| t.term).collect()
    }

    /// Index terms of `text` with their byte ranges in `text`.
    pub fn tokens(&self, text: &str) -> Vec<AnalyzedToken> {
        collect(&mut self.english.clone(), text)
    }

    /// Index terms of `text` with their positions counted from the first
    /// term: stop words leave gaps, as they do in the index, so a phrase
    /// with a stop word matches text with any word in that place.
    pub fn positioned_terms(&self, text: &str) -> Vec<(usize, String)> {
        let mut english = self.english.clone();
        let mut stream = english.token_stream(text);
        let mut out: Vec<(usize, String)> = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.position, token.text.clone()));
        }
        let first = out.first().map_or(0, |(p, _)| *p);
        out.into_iter().map(|(p, t)| (p - first, t)).collect()
    }

    /// Calls `f` with each index term of `text`, in order, without
    /// allocating a string per term.
    pub fn for_each_term(&self, text: &str, mut f: impl FnMut(&str)) {
        let mut english = self.english.clone();
        let mut stream = english.token_stream(text);
        while let Some(token) = stream.next() {
            f(&token.text);
        }
    }

    /// True if any index term of `text` satisfies `pred` (stops at the first).
    pub fn any_term(&self, text: &str, mut pred: impl FnMut(&str) -> bool) -> bool {
        let mut english = self.english.clone();
        let mut stream = english.token_stream(text);
        while let Some(token) = stream.next() {
            if pred(&token.text) {
                return true;
            }
        }
        false
    }

    /// Lowercased, folded words without stemming (filters, vocabulary).
    pub fn keywords(&self, text: &str) -> Vec<String> {
        self.keyword_tokens(text).into_iter().map(|t| t.term).collect()
    }

    /// [`Analyzer::keywords`] with their byte ranges in `text`.
    pub fn keyword_tokens(&self, text: &str) -> Vec<AnalyzedToken> {
        collect(&mut self.keyword.clone(), text)
    }
}

fn collect(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalyzedToken> {
    let mut stream = analyzer.token_stream(text);
    // About one term per six bytes of English prose.
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    while let Some(token) = stream.next() {
        out.push(AnalyzedToken {
            range: token.offset_from..token.offset_to,
            term: token.text.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_point_back_into_the_text() {
        let text = "Huawei's Ascend chips shipped";
        let tokens = Analyzer::default().tokens(text);
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.range.clone()]).collect();
        assert_eq!(words, vec!["Huawei", "Ascend", "chips", "shipped"]);
        assert_eq!(tokens[2].term, "chip");
    }

    #[test]
    fn positions_keep_the_gaps_that_stop_words_leave() {
        let analyzer = Analyzer::default();
        let terms = analyzer.positioned_terms("the Bureau of Industry and Security");
        let expected: Vec<(usize, String)> =
            vec![(0, "bureau".into()), (2, "industri".into()), (4, "secur".into())];
        assert_eq!(terms, expected);
    }
}
