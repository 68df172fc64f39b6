//! Exact top-k for word questions without scoring every passage the words
//! match.
//!
//! An answer's words are OR-ed: each word is a disjunction-max over `title`
//! and `content`, neighbouring words add a proximity boost, and filters
//! restrict without scoring. tantivy skips non-competitive documents
//! (block-max WAND) only for a flat union of terms, so this query would be
//! scored on every passage that contains any of its words: most of the index
//! for common words. Here it runs as MaxScore (Turtle and Flood, 1995). Every
//! term's posting list has an upper bound on what it can add to a score;
//! once `k` documents are held, the lists whose bounds together cannot reach
//! the k-th best score are no longer walked, only probed for the documents
//! that the other lists bring. A candidate is dropped as soon as its known
//! scores plus the bounds of what is still unknown fall short.
//!
//! Scores are the same floating-point operations, in the same order, as
//! tantivy's own query over the same terms, so the top `k` are identical:
//! a test below compares both on a generated index with several segments
//! and deletions.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, SeekDangerResult, Searcher, SegmentOrdinal, SegmentReader, Term, TERMINATED};

use super::topk::{slack, TopK};
use super::{field_norms, index_err};
use crate::error::Result;

/// A question of words (each a disjunction-max over title and content),
/// optional proximity boosts and filters.
pub(super) struct WordSearch {
    /// Each distinct word, in the order of the query's clauses.
    pub words: Vec<WordTerms>,
    pub title_boost: Score,
    pub tie_breaker: Score,
    /// Proximity boosts, in clause order.
    pub pairs: Vec<PairBoost>,
    /// Required, non-scoring restrictions (companies, dates, ...).
    pub filters: Vec<Box<dyn Query>>,
}

/// One word's terms in the title and in the content field.
pub(super) struct WordTerms {
    pub title: Term,
    pub content: Term,
    /// The word's weight: 1 for the question's own words, less for words
    /// added from the measure lexicon.
    pub weight: Score,
}

/// A boost for two words found near each other in `content`.
pub(super) struct PairBoost {
    /// Indexes into [`WordSearch::words`].
    pub words: (usize, usize),
    pub terms: Vec<Term>,
    pub boost: Score,
    /// The boost as a query, scored where both words occur.
    pub query: Box<dyn Query>,
}

/// The best `k` documents for `search`, best first (equal scores: lower
/// address first, as tantivy's `TopDocs`).
pub(super) fn top_k(searcher: &Searcher, search: &WordSearch, k: usize) -> Result<Vec<(Score, DocAddress)>> {
    let plan = SearchWeights::new(searcher, search)?;
    let mut top = TopK::new(k.max(1));
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let mut segment = SegmentSearch::open(&plan, search, reader, ordinal as SegmentOrdinal)?;
        segment.run(&mut top);
    }
    Ok(top.into_sorted())
}

/// What is computed once per search, for every segment.
struct SearchWeights {
    /// Per word: title and content weights, with their bounds.
    terms: Vec<[(Bm25Weight, Score); 2]>,
    pairs: Vec<(Box<dyn Weight>, Bm25Weight, Score)>,
    filters: Vec<Box<dyn Weight>>,
}

impl SearchWeights {
    fn new(searcher: &Searcher, search: &WordSearch) -> Result<SearchWeights> {
        let bm25 = |terms: &[Term], boost: Score| -> Result<(Bm25Weight, Score)> {
            let weight = Bm25Weight::for_terms(searcher, terms).map_err(index_err)?.boost_by(boost);
            let bound = slack(weight.max_score());
            Ok((weight, bound))
        };
        let terms = search
            .words
            .iter()
            .map(|w| {
                let title = bm25(std::slice::from_ref(&w.title), search.title_boost * w.weight)?;
                Ok([title, bm25(std::slice::from_ref(&w.content), w.weight)?])
            })
            .collect::<Result<_>>()?;
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let pairs = search
            .pairs
            .iter()
            .map(|p| {
                let (weight, bound) = bm25(&p.terms, p.boost)?;
                Ok((p.query.weight(scoring).map_err(index_err)?, weight, bound))
            })
            .collect::<Result<_>>()?;
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let filters = search.filters.iter().map(|f| f.weight(unscored).map_err(index_err)).collect::<Result<_>>()?;
        Ok(SearchWeights { terms, pairs, filters })
    }
}

/// One term's postings in one segment.
struct TermList {
    postings: SegmentPostings,
    norms: FieldNormReader,
    weight: Bm25Weight,
    bound: Score,
}

impl TermList {
    /// The score and term frequency at the current document.
    fn found(&self) -> Known {
        let doc = self.postings.doc();
        let tf = self.postings.term_freq();
        Known::Found(self.weight.score(self.norms.fieldnorm_id(doc), tf), tf)
    }

    /// Moves to the first document at or after `target`; true if it is `target`.
    fn reach(&mut self, target: DocId) -> bool {
        if self.postings.doc() < target {
            self.postings.seek(target);
        }
        self.postings.doc() == target
    }
}

/// What is known about one list at the candidate document.
#[derive(Clone, Copy, PartialEq)]
enum Known {
    Unknown,
    Missing,
    /// The list's score and term frequency there.
    Found(Score, u32),
}

/// A proximity boost in one segment.
struct PairState {
    /// Content slots of the two words.
    slots: (usize, usize),
    bound: Score,
    /// The phrase's BM25 weight, for a bound at one document.
    weight: Bm25Weight,
    /// `None` when one of the words is absent from the segment.
    scorer: Option<Box<dyn Scorer>>,
    /// No document before this one matches (from `seek_danger`).
    none_before: DocId,
}

/// The search of one segment.
struct SegmentSearch<'a> {
    ordinal: SegmentOrdinal,
    reader: &'a SegmentReader,
    /// Two slots per word (title, content); `None` where the term is absent.
    lists: Vec<Option<TermList>>,
    /// Present slots ordered by bound, smallest first.
    by_bound: Vec<usize>,
    /// How many of `by_bound` are non-essential: only probed, never walked.
    probed: usize,
    pairs: Vec<PairState>,
    /// Per slot, the boosts (indexes into `pairs`) on its word.
    pairs_of: Vec<Vec<usize>>,
    filters: Vec<Box<dyn Scorer>>,
    tie_breaker: Score,
    known: Vec<Known>,
    /// Scratch: each pair's bound at the candidate.
    pair_bounds: Vec<Score>,
}

impl<'a> SegmentSearch<'a> {
    fn open(
        weights: &SearchWeights,
        search: &WordSearch,
        reader: &'a SegmentReader,
        ordinal: SegmentOrdinal,
    ) -> Result<SegmentSearch<'a>> {
        let mut lists = Vec::with_capacity(search.words.len() * 2);
        for (word, [title, content]) in search.words.iter().zip(&weights.terms) {
            lists.push(open_list(reader, &word.title, title)?);
            lists.push(open_list(reader, &word.content, content)?);
        }
        let mut by_bound: Vec<usize> = (0..lists.len()).filter(|&i| lists[i].is_some()).collect();
        by_bound.sort_by(|&a, &b| bound_of(&lists, a).total_cmp(&bound_of(&lists, b)));
        let mut pairs = Vec::with_capacity(search.pairs.len());
        for (pair, (weight, bm25, bound)) in search.pairs.iter().zip(&weights.pairs) {
            let slots = (pair.words.0 * 2 + 1, pair.words.1 * 2 + 1);
            let present = lists[slots.0].is_some() && lists[slots.1].is_some();
            let scorer = if present { Some(weight.scorer(reader, 1.0).map_err(index_err)?) } else { None };
            // A new scorer already stands on its first match: nothing before it matches.
            let none_before = scorer.as_ref().map_or(TERMINATED, |s| s.doc());
            pairs.push(PairState { slots, bound: *bound, weight: bm25.clone(), scorer, none_before });
        }
        let mut pairs_of = vec![Vec::new(); lists.len()];
        for (p, pair) in pairs.iter().enumerate() {
            pairs_of[pair.slots.0].push(p);
            pairs_of[pair.slots.1].push(p);
        }
        let filters =
            weights.filters.iter().map(|w| w.scorer(reader, 1.0).map_err(index_err)).collect::<Result<_>>()?;
        let known = vec![Known::Unknown; lists.len()];
        Ok(SegmentSearch { ordinal, reader, lists, by_bound, probed: 0, pairs, pairs_of, filters, tie_breaker: search.tie_breaker, known, pair_bounds: Vec::new() })
    }

    /// Walks the essential lists, offering every document that can still
    /// enter the top to `top`.
    fn run(&mut self, top: &mut TopK) {
        self.update_probed(top.threshold());
        loop {
            let Some(doc) = self.next_candidate() else { return };
            let alive = self.reader.alive_bitset().is_none_or(|bits| bits.is_alive(doc));
            if alive {
                if let Some(score) = self.evaluate(doc, top.threshold()) {
                    if top.offer(score, DocAddress::new(self.ordinal, doc)) {
                        self.update_probed(top.threshold());
                    }
                }
            }
            for &slot in &self.by_bound[self.probed..] {
                if let Some(list) = self.lists[slot].as_mut() {
                    if list.postings.doc() == doc {
                        list.postings.advance();
                    }
                }
            }
        }
    }

    /// The smallest document of the essential lists that every filter
    /// accepts, or `None` when the segment is done.
    fn next_candidate(&mut self) -> Option<DocId> {
        loop {
            let doc = self.by_bound[self.probed..]
                .iter()
                .filter_map(|&slot| self.lists[slot].as_ref().map(|l| l.postings.doc()))
                .min()
                .unwrap_or(TERMINATED);
            if doc == TERMINATED {
                return None;
            }
            let mut target = doc;
            for filter in &mut self.filters {
                if filter.doc() < target {
                    filter.seek(target);
                }
                target = target.max(filter.doc());
            }
            if target == doc {
                return Some(doc);
            }
            if target == TERMINATED {
                return None;
            }
            for &slot in &self.by_bound[self.probed..] {
                if let Some(list) = self.lists[slot].as_mut() {
                    list.reach(target);
                }
            }
        }
    }

    /// Raises the number of non-essential lists for a new threshold: the
    /// longest run of smallest bounds that, with the proximity boosts among
    /// their own words, cannot reach it.
    fn update_probed(&mut self, threshold: Score) {
        let mut inside = vec![false; self.lists.len()];
        let mut sum = 0.0;
        let mut probed = 0;
        for (n, &slot) in self.by_bound.iter().enumerate() {
            inside[slot] = true;
            sum += bound_of(&self.lists, slot);
            // A boost counts once both of its words are inside.
            for pair in self.pairs_of[slot].iter().map(|&p| &self.pairs[p]) {
                if pair.scorer.is_some() && inside[pair.slots.0] && inside[pair.slots.1] {
                    sum += pair.bound;
                }
            }
            if sum < threshold {
                probed = n + 1;
            } else {
                break;
            }
        }
        self.probed = self.probed.max(probed);
    }

    /// The full score of `doc`, or `None` when it cannot reach `threshold`.
    /// The bound (known scores, plus the bounds of unknown lists and of the
    /// boosts still possible) is kept up to date list by list.
    fn evaluate(&mut self, doc: DocId, threshold: Score) -> Option<Score> {
        self.known.fill(Known::Unknown);
        let mut bound: Score = 0.0;
        for &slot in &self.by_bound[self.probed..] {
            if let Some(list) = self.lists[slot].as_ref() {
                let known = if list.postings.doc() == doc { list.found() } else { Known::Missing };
                if let Known::Found(score, _) = known {
                    bound += score;
                }
                self.known[slot] = known;
            }
        }
        bound += self.by_bound[..self.probed].iter().map(|&slot| bound_of(&self.lists, slot)).sum::<Score>();
        bound += self.pairs_bound();
        for i in (0..self.probed).rev() {
            if bound < threshold {
                return None;
            }
            let slot = self.by_bound[i];
            let Some(list) = self.lists[slot].as_mut() else { continue };
            let known = if list.reach(doc) { list.found() } else { Known::Missing };
            bound -= list.bound;
            match known {
                Known::Found(score, _) => bound += score,
                _ => bound -= self.boosts_lost_with(slot),
            }
            self.known[slot] = known;
        }
        let base = self.words_score();
        self.with_pairs(doc, base, threshold)
    }

    /// The bounds of the boosts on `slot` that are still possible, which
    /// `slot` turning out missing rules out.
    fn boosts_lost_with(&self, slot: usize) -> Score {
        self.pairs_of[slot]
            .iter()
            .map(|&p| &self.pairs[p])
            .filter(|pair| pair.scorer.is_some())
            .filter(|pair| {
                let other = if pair.slots.0 == slot { pair.slots.1 } else { pair.slots.0 };
                self.known[other] != Known::Missing
            })
            .map(|pair| pair.bound)
            .sum()
    }

    /// `base` plus the proximity boosts that match `doc`, summed in clause
    /// order; `None` as soon as the boosts still possible cannot lift it
    /// to `threshold`. A boost's phrase is checked at `doc` alone
    /// (`seek_danger`), never by scanning ahead to its next match.
    fn with_pairs(&mut self, doc: DocId, base: Score, threshold: Score) -> Option<Score> {
        let mut bounds = std::mem::take(&mut self.pair_bounds);
        bounds.clear();
        bounds.extend(self.pairs.iter().map(|pair| self.pair_bound_at(pair, doc)));
        let mut possible: Score = bounds.iter().sum();
        let mut extra: Score = 0.0;
        let mut reachable = true;
        for (pair, &bound) in self.pairs.iter_mut().zip(&bounds) {
            if base + extra + possible < threshold {
                reachable = false;
                break;
            }
            // A positive bound means both words are here and the phrase may be.
            let Some(scorer) = pair.scorer.as_mut().filter(|_| bound > 0.0) else { continue };
            possible -= bound;
            match scorer.seek_danger(doc) {
                SeekDangerResult::Found => extra += scorer.score(),
                SeekDangerResult::SeekLowerBound(next) => pair.none_before = next.max(scorer.doc()),
            }
        }
        self.pair_bounds = bounds;
        reachable.then_some(base + extra)
    }

    /// What `pair` can add at `doc`, whose lists are all known: 0 unless
    /// both words are there; else its BM25 at this passage's length with
    /// the smaller term frequency (a pair matches at most that often).
    fn pair_bound_at(&self, pair: &PairState, doc: DocId) -> Score {
        let (Known::Found(_, tf_a), Known::Found(_, tf_b)) = (self.known[pair.slots.0], self.known[pair.slots.1]) else {
            return 0.0;
        };
        if pair.scorer.is_none() || doc < pair.none_before {
            return 0.0;
        }
        let Some(content) = self.lists[pair.slots.0].as_ref() else { return 0.0 };
        slack(pair.weight.score(content.norms.fieldnorm_id(doc), tf_a.min(tf_b)))
    }

    fn pairs_bound(&self) -> Score {
        let possible = |slot: usize| self.known[slot] != Known::Missing;
        self.pairs.iter().filter(|p| p.scorer.is_some() && possible(p.slots.0) && possible(p.slots.1)).map(|p| p.bound).sum()
    }

    /// The words' score once every list is known: per word the
    /// disjunction-max of title and content, summed in clause order, as
    /// tantivy's `DisjunctionMaxCombiner` and union `SumCombiner` do.
    fn words_score(&self) -> Score {
        let mut total = 0.0;
        for parts in self.known.chunks(2) {
            let mut max: Score = 0.0;
            let mut sum: Score = 0.0;
            let mut any = false;
            for part in parts {
                if let Known::Found(score, _) = part {
                    max = Score::max(*score, max);
                    sum += score;
                    any = true;
                }
            }
            if any {
                total += max + (sum - max) * self.tie_breaker;
            }
        }
        total
    }

}

fn open_list(reader: &SegmentReader, term: &Term, (weight, bound): &(Bm25Weight, Score)) -> Result<Option<TermList>> {
    let inverted = reader.inverted_index(term.field()).map_err(index_err)?;
    let Some(postings) = inverted.read_postings(term, IndexRecordOption::WithFreqs).map_err(index_err)? else {
        return Ok(None);
    };
    let norms = field_norms(reader, term.field())?;
    Ok(Some(TermList { postings, norms, weight: weight.clone(), bound: *bound }))
}

fn bound_of(lists: &[Option<TermList>], slot: usize) -> Score {
    lists[slot].as_ref().map_or(0.0, |l| l.bound)
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;

    use super::super::testindex::{index, Rng, COMPANIES, WORDS};
    use super::super::{analyze::Analyzer, plan};
    use super::*;

    #[test]
    fn gives_exactly_the_top_k_of_tantivys_own_query() {
        let (index, fields) = index();
        let reader = index.reader().expect("reader");
        let searcher = reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let analyzer = Analyzer::default();
        let mut rng = Rng(11);
        let mut checked = 0;
        for round in 0..300 {
            let count = 1 + (rng.next() % 4) as usize;
            let mut text: Vec<String> = (0..count).map(|_| WORDS[rng.skewed(WORDS.len())].to_string()).collect();
            match round % 4 {
                1 => text.push(format!("company:{}", COMPANIES[(rng.next() % 4) as usize])),
                2 => text.push("after:2022-01-01 before:2024-12-31".into()),
                _ => {}
            }
            let parsed = crate::query::parse(&text.join(" "), 500).expect("parses");
            let planned = plan::plan(&parsed, &fields, &analyzer);
            let words = planned.words.as_ref().expect("a words-only question");
            for k in [1, 10, 40] {
                let expected = searcher.search(&planned.query, &TopDocs::with_limit(k).order_by_score()).expect("search");
                let got = top_k(&searcher, words, k).expect("maxscore");
                let bits = |hits: &[(Score, DocAddress)]| hits.iter().map(|(s, a)| (s.to_bits(), *a)).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&expected), "query {:?}, k = {k}", text.join(" "));
                checked += 1;
            }
        }
        assert_eq!(checked, 900);
    }
}
