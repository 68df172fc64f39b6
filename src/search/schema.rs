//! The index schema and its analyzers. One tantivy document is one passage
//! of a report; it carries a copy of the report's metadata so that a hit is
//! a complete citation. Words are searched in `content` (title + passage)
//! and, with a small extra weight, in `title`.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STORED,
    STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, StopWordFilter,
    TextAnalyzer, TextAnalyzerBuilder, Tokenizer,
};
use tantivy::Index;

/// Stemmed English analyzer for titles and passages.
pub const ENGLISH: &str = "chip_en";
/// Lowercased, ASCII-folded words: the filter fields.
pub const KEYWORD: &str = "chip_kw";
/// Pairs of neighbouring stemmed words (see `pairs`).
pub const PAIRS: &str = "chip_pairs";

/// English function words and question words that carry no topic. Kept
/// short on purpose: "us", "it" or "can" may matter in this domain ("US
/// export controls"), so only words that never do are listed.
const STOP_WORDS: [&str; 67] = [
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for",
    "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my",
    "no", "not", "of",
    "on", "or", "s", "so", "such", "t", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "was", "we", "were", "what", "when", "where",
    "which", "who", "whom", "why", "will", "with", "would", "you", "your", "about", "tell",
    "should",
];

/// Bumped whenever the schema, analyzers, stored layout or the figures stored
/// with each passage (extraction rules) change; an index with another version
/// is rebuilt. 7: figure subjects skip examples ("such as Huawei"). 8: power
/// and multiple figures, counts of "them", and figures that say whether they
/// are changes or baselines and what they are of. 9: the later extraction
/// fixes of the same round (group subjects, comparison years, change verbs).
/// 10: a date ("9 April 2025") is one Year figure whose text keeps its day and month.
/// 14: figures carry the quarter or half of their year and whether it is fiscal.
/// 15: Han text is segmented into words (jieba) in simplified characters.
/// 16: a report that names no language is given one (`zh` or `en`) from its text.
/// 17: counts spelled out before a scale ("one million TPUs"); Chinese baselines after 亏损 ("上年同期为亏损6.09亿元").
pub const FORMAT_VERSION: u32 = 17;

/// Handles to every field.
#[derive(Clone, Debug)]
pub struct Fields {
    pub report_id: Field,
    pub source: Field,
    pub passage: Field,
    pub title: Field,
    /// The passage text as shown (stored, not searched).
    pub body: Field,
    /// What words are searched in: the title followed by the passage, one
    /// field like Anserini's "flat" BEIR setup.
    pub content: Field,
    /// Neighbouring word pairs of `content`, document ids only: the phrase prefilter.
    pub pairs: Field,
    pub publisher: Field,
    pub companies: Field,
    pub topics: Field,
    pub region: Field,
    pub language: Field,
    pub published: Field,
    pub url: Field,
    pub authors: Field,
    pub figures: Field,
}

/// Builds the schema and returns it with its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let english = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ENGLISH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let opts = TextOptions::default().set_indexing_options(indexing);
        if stored { opts.set_stored() } else { opts }
    };
    let filter = || {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(KEYWORD)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        TextOptions::default().set_indexing_options(indexing).set_stored()
    };
    let fields = Fields {
        report_id: b.add_text_field("report_id", STRING | STORED),
        source: b.add_text_field("source", STRING | STORED),
        passage: b.add_u64_field("passage", STORED),
        title: b.add_text_field("title", english(true)),
        body: b.add_text_field("body", STORED),
        content: b.add_text_field("content", english(false)),
        pairs: b.add_text_field(
            "pairs",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default().set_tokenizer(PAIRS).set_index_option(IndexRecordOption::Basic),
            ),
        ),
        publisher: b.add_text_field("publisher", filter()),
        companies: b.add_text_field("companies", filter()),
        topics: b.add_text_field("topics", filter()),
        region: b.add_text_field("region", filter()),
        language: b.add_text_field("language", filter()),
        published: b.add_u64_field(
            "published",
            NumericOptions::default().set_indexed().set_stored().set_fast(),
        ),
        url: b.add_text_field("url", STORED),
        authors: b.add_text_field("authors", STORED),
        figures: b.add_text_field("figures", STORED),
    };
    (b.build(), fields)
}

/// The stemmed English analyzer: words, lowercase, ASCII folding, English
/// stop words, Snowball English stemmer.
pub fn english_analyzer() -> TextAnalyzer {
    english_builder().build()
}

/// The English analyzer's terms turned into pairs of neighbours.
pub fn pairs_analyzer() -> TextAnalyzer {
    english_builder().filter(super::pairs::PairFilter).build()
}

fn english_builder() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(super::cjk::MixedTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| w.to_string())))
        .filter(super::stem::CachedEnglishStemmer)
}

/// Lowercased, ASCII-folded words without stemming.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(super::cjk::MixedTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analyzers on `index`.
pub fn register(index: &Index) {
    index.tokenizers().register(ENGLISH, english_analyzer());
    index.tokenizers().register(KEYWORD, keyword_analyzer());
    index.tokenizers().register(PAIRS, pairs_analyzer());
}

/// Encodes a date as the sortable integer `YYYYMMDD`.
pub fn date_key(date: chrono::NaiveDate) -> u64 {
    use chrono::Datelike;
    (date.year().max(0) as u64) * 10_000 + u64::from(date.month()) * 100 + u64::from(date.day())
}

/// Decodes a `YYYYMMDD` integer.
pub fn date_from_key(key: u64) -> Option<chrono::NaiveDate> {
    let year = i32::try_from(key / 10_000).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, ((key / 100) % 100) as u32, (key % 100) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys_round_trip_and_sort() {
        let a = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("date");
        let b = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
        assert!(date_key(a) < date_key(b));
        assert_eq!(date_from_key(date_key(a)), Some(a));
    }

    #[test]
    fn english_analyzer_stems_folds_and_drops_stop_words() {
        let mut analyzer = english_analyzer();
        let mut stream = analyzer.token_stream("The Exporting of Chips to Zürich");
        let mut words = Vec::new();
        while let Some(token) = stream.next() {
            words.push(token.text.clone());
        }
        assert_eq!(words, vec!["export", "chip", "zurich"]);
    }
}
