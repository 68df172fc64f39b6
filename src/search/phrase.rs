//! Exact top-k for a question that is one quoted phrase (plus filters),
//! reading word positions only where the phrase could still rank.
//!
//! tantivy's phrase query checks positions on every passage that has all
//! the phrase's words, and scores each match. For common words that is a
//! large share of the index, and position lists are the costliest thing to
//! read. A phrase cannot occur in a passage more often than its rarest word
//! does, and BM25 grows with that count, so the phrase's score in a passage
//! is at most its BM25 at the passage's length with the smallest term
//! frequency of its words. Here the words' posting lists are intersected
//! (document ids and frequencies only), and positions are read only for
//! passages whose bound beats the k-th best score so far. Scores are
//! tantivy's own, so the top `k` are the same as its query gives.
//!
//! Before any of that, the phrase's neighbouring-word pairs (see
//! [`super::pairs`]) narrow the passages to those where each pair of
//! neighbours does stand side by side: a phrase of common words that
//! rarely occur together is then settled from document ids alone.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, SeekDangerResult, Term, TERMINATED};

use super::topk::{slack, TopK};
use super::{field_norms, index_err};
use crate::error::Result;

/// One phrase of two or more words in one field, with required filters.
pub(super) struct PhraseSearch {
    pub terms: Vec<Term>,
    /// Pair terms of neighbouring words; every match has all of them.
    pub pairs: Vec<Term>,
    /// The phrase as tantivy's query, which checks and scores a match.
    pub query: Box<dyn Query>,
    pub filters: Vec<Box<dyn Query>>,
}

/// The best `k` passages for `search`, best first (equal scores: lower
/// address first, as tantivy's `TopDocs`).
pub(super) fn top_k(searcher: &Searcher, search: &PhraseSearch, k: usize) -> Result<Vec<(Score, DocAddress)>> {
    let bm25 = Bm25Weight::for_terms(searcher, &search.terms).map_err(index_err)?;
    let phrase = search.query.weight(EnableScoring::enabled_from_searcher(searcher)).map_err(index_err)?;
    let unscored = EnableScoring::disabled_from_searcher(searcher);
    let filters: Vec<Box<dyn Weight>> =
        search.filters.iter().map(|f| f.weight(unscored).map_err(index_err)).collect::<Result<_>>()?;
    let mut top = TopK::new(k.max(1));
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        if let Some(mut segment) = Segment::open(search, &bm25, phrase.as_ref(), &filters, reader)? {
            segment.run(ordinal as SegmentOrdinal, &mut top);
        }
    }
    Ok(top.into_sorted())
}

/// The phrase in one segment where all its words occur.
struct Segment<'a> {
    reader: &'a SegmentReader,
    /// Document ids of the neighbouring-word pairs: the most selective lists.
    pairs: Vec<SegmentPostings>,
    words: Vec<SegmentPostings>,
    norms: FieldNormReader,
    bm25: &'a Bm25Weight,
    phrase: Box<dyn Scorer>,
    /// No document before this one matches the phrase (from `seek_danger`).
    none_before: DocId,
    filters: Vec<Box<dyn Scorer>>,
}

impl<'a> Segment<'a> {
    fn open(
        search: &PhraseSearch,
        bm25: &'a Bm25Weight,
        phrase: &dyn Weight,
        filters: &[Box<dyn Weight>],
        reader: &'a SegmentReader,
    ) -> Result<Option<Segment<'a>>> {
        let Some(pairs) = postings(reader, &search.pairs, IndexRecordOption::Basic).map_err(index_err)? else {
            return Ok(None);
        };
        let Some(words) = postings(reader, &search.terms, IndexRecordOption::WithFreqs).map_err(index_err)? else {
            return Ok(None);
        };
        let norms = field_norms(reader, search.terms[0].field())?;
        let phrase = phrase.scorer(reader, 1.0).map_err(index_err)?;
        // A new scorer already stands on its first match: nothing before it matches.
        let none_before = phrase.doc();
        let filters = filters.iter().map(|w| w.scorer(reader, 1.0).map_err(index_err)).collect::<Result<_>>()?;
        Ok(Some(Segment { reader, pairs, words, norms, bm25, phrase, none_before, filters }))
    }

    fn run(&mut self, ordinal: SegmentOrdinal, top: &mut TopK) {
        let mut target = 0;
        while let Some(doc) = self.next_match(target) {
            target = doc + 1;
            if self.reader.alive_bitset().is_some_and(|bits| bits.is_deleted(doc)) {
                continue;
            }
            let min_tf = self.words.iter().map(|w| w.term_freq()).min().unwrap_or(0);
            let bound = slack(self.bm25.score(self.norms.fieldnorm_id(doc), min_tf));
            if bound < top.threshold() || doc < self.none_before {
                continue;
            }
            match self.phrase.seek_danger(doc) {
                SeekDangerResult::Found => {
                    let score = self.phrase.score();
                    top.offer(score, DocAddress::new(ordinal, doc));
                }
                SeekDangerResult::SeekLowerBound(next) => self.none_before = next.max(self.phrase.doc()),
            }
        }
    }

    /// The first document at or after `target` that has every word and
    /// passes every filter.
    fn next_match(&mut self, mut target: DocId) -> Option<DocId> {
        loop {
            let mut agreed = true;
            let lists = self.pairs.iter_mut().chain(self.words.iter_mut()).map(|w| w as &mut dyn DocSet);
            for docs in lists.chain(self.filters.iter_mut().map(|f| f.as_mut() as &mut dyn DocSet)) {
                if docs.doc() < target {
                    docs.seek(target);
                }
                let doc = docs.doc();
                if doc == TERMINATED {
                    return None;
                }
                if doc > target {
                    target = doc;
                    agreed = false;
                }
            }
            if agreed {
                return Some(target);
            }
        }
    }
}

/// Every term's postings in one segment, or `None` when one term is absent
/// there (then nothing in the segment can match).
pub(super) fn postings(
    reader: &SegmentReader,
    terms: &[Term],
    record: IndexRecordOption,
) -> tantivy::Result<Option<Vec<SegmentPostings>>> {
    let mut lists = Vec::with_capacity(terms.len());
    for term in terms {
        let inverted = reader.inverted_index(term.field())?;
        match inverted.read_postings(term, record)? {
            Some(postings) => lists.push(postings),
            None => return Ok(None),
        }
    }
    Ok(Some(lists))
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;

    use super::super::testindex::{index, Rng, COMPANIES, WORDS};
    use super::super::plan::PairPrefilter;
    use super::super::{analyze::Analyzer, plan};
    use super::*;

    #[test]
    fn gives_exactly_the_top_k_of_tantivys_own_phrase_query() {
        let (index, fields) = index();
        let reader = index.reader().expect("reader");
        let searcher = reader.searcher();
        let analyzer = Analyzer::default();
        let mut rng = Rng(5);
        let mut matched = 0;
        for round in 0..200 {
            let count = 2 + (rng.next() % 2) as usize;
            let words: Vec<&str> = (0..count).map(|_| WORDS[rng.skewed(8)]).collect();
            // Every fourth phrase has a stop word inside, which stands for any one word.
            let joint = if round % 4 == 3 { " of " } else { " " };
            let mut text = format!("\"{}\"", words.join(joint));
            match round % 3 {
                1 => text.push_str(&format!(" company:{}", COMPANIES[(rng.next() % 4) as usize])),
                2 => text.push_str(" after:2021-01-01 before:2023-12-31"),
                _ => {}
            }
            let parsed = crate::query::parse(&text, 500).expect("parses");
            let planned = plan::plan(&parsed, &fields, &analyzer);
            let phrase = planned.phrase.as_ref().expect("a one-phrase question");
            // tantivy's own query, without the pairs.
            let plain = plan::plan_with(&parsed, &fields, &analyzer, PairPrefilter::Off).query;
            for k in [1, 10, 40] {
                let expected = searcher.search(&plain, &TopDocs::with_limit(k).order_by_score()).expect("search");
                let got = top_k(&searcher, phrase, k).expect("phrase top-k");
                let bits = |hits: &[(Score, DocAddress)]| hits.iter().map(|(s, a)| (s.to_bits(), *a)).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&expected), "query {text}, k = {k}");
                matched += usize::from(!got.is_empty());
            }
        }
        // Most generated phrases occur somewhere, so the comparison is not
        // between two empty lists.
        assert!(matched > 300, "only {matched} of 600 searches found anything");
    }

    #[test]
    fn required_pairs_leave_every_score_as_it_was() {
        // Phrases with other words, or two phrases, run as one boolean query;
        // the pairs join it as unscored requirements.
        let (index, fields) = index();
        let reader = index.reader().expect("reader");
        let searcher = reader.searcher();
        let analyzer = Analyzer::default();
        let mut rng = Rng(9);
        let mut matched = 0;
        for round in 0..150 {
            let mut words = |n: usize| (0..n).map(|_| WORDS[rng.skewed(8)]).collect::<Vec<_>>().join(" ");
            let text = match round % 3 {
                0 => format!("\"{}\" {}", words(2), words(2)),
                1 => format!("{} \"{}\" \"{}\"", words(1), words(2), words(2)),
                _ => format!("\"{}\" {} company:{}", words(3), words(1), COMPANIES[round % 4]),
            };
            let parsed = crate::query::parse(&text, 500).expect("parses");
            let with_pairs = plan::plan(&parsed, &fields, &analyzer).query;
            let plain = plan::plan_with(&parsed, &fields, &analyzer, PairPrefilter::Off).query;
            for k in [1, 10, 40] {
                let top = |q: &dyn Query| searcher.search(q, &TopDocs::with_limit(k).order_by_score()).expect("search");
                let bits = |hits: Vec<(Score, DocAddress)>| hits.into_iter().map(|(s, a)| (s.to_bits(), a)).collect::<Vec<_>>();
                let expected = bits(top(plain.as_ref()));
                assert_eq!(bits(top(with_pairs.as_ref())), expected, "query {text}, k = {k}");
                matched += usize::from(!expected.is_empty());
            }
        }
        assert!(matched > 100, "only {matched} of 450 searches found anything");
    }
}
