//! A quoted phrase inside a larger question (with other words, or with a
//! second phrase), checked only where its neighbouring-word pairs occur.
//!
//! [`PrefilteredPhrase`] wraps tantivy's phrase query. Its scorer first
//! leapfrogs the pairs' document lists ([`super::pairs`]) and asks the
//! phrase scorer only about documents that have them all, with
//! `seek_danger`, which answers for that document alone instead of reading
//! positions up to the phrase's next match. It reports the phrase scorer's
//! own cost and scores, so a boolean query orders and sums its clauses
//! exactly as before: adding the pairs as separate zero-score clauses
//! instead changed how the sums were grouped, and with that the last bit of
//! some scores.

use tantivy::postings::SegmentPostings;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term, TERMINATED};

use super::phrase::postings;

/// `phrase` (tantivy's phrase query), which can only match where every one
/// of `pairs` (pair-bucket terms) occurs.
#[derive(Debug)]
pub(super) struct PrefilteredPhrase {
    pub phrase: Box<dyn Query>,
    pub pairs: Vec<Term>,
}

impl Clone for PrefilteredPhrase {
    fn clone(&self) -> Self {
        PrefilteredPhrase { phrase: self.phrase.box_clone(), pairs: self.pairs.clone() }
    }
}

impl Query for PrefilteredPhrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(PrefilteredWeight { phrase: self.phrase.weight(scoring)?, pairs: self.pairs.clone() }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.phrase.query_terms(visitor);
    }
}

struct PrefilteredWeight {
    phrase: Box<dyn Weight>,
    pairs: Vec<Term>,
}

impl Weight for PrefilteredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        // A pair absent from the segment: the phrase is too.
        let Some(pairs) = postings(reader, &self.pairs, IndexRecordOption::Basic)? else {
            return Ok(Box::new(EmptyScorer));
        };
        let phrase = self.phrase.scorer(reader, boost)?;
        let at = phrase.doc();
        let mut scorer = PrefilteredScorer { phrase, inner: Inner::At(at), pairs, doc: 0 };
        scorer.doc = scorer.find(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.phrase.explain(reader, doc)
    }
}

/// Where the phrase scorer stands.
#[derive(Clone, Copy, Debug)]
enum Inner {
    /// On a match (or `TERMINATED`).
    At(DocId),
    /// After `seek_danger` missed: no match before this document, and only
    /// `seek_danger` may be called next.
    Below(DocId),
}

struct PrefilteredScorer {
    phrase: Box<dyn Scorer>,
    inner: Inner,
    pairs: Vec<SegmentPostings>,
    doc: DocId,
}

impl PrefilteredScorer {
    /// The first document at or after `target` where every pair occurs.
    fn next_with_pairs(&mut self, mut target: DocId) -> DocId {
        'again: loop {
            for pair in &mut self.pairs {
                if pair.doc() < target {
                    pair.seek(target);
                }
                if pair.doc() > target {
                    target = pair.doc();
                    if target == TERMINATED {
                        return TERMINATED;
                    }
                    continue 'again;
                }
            }
            return target;
        }
    }

    /// Whether the phrase matches `candidate`, or the next document worth trying.
    fn check(&mut self, candidate: DocId) -> Result<(), DocId> {
        let (known, bound) = match self.inner {
            Inner::At(doc) => (true, doc),
            Inner::Below(doc) => (false, doc),
        };
        if candidate < bound {
            return Err(bound);
        }
        if known && candidate == bound {
            return Ok(());
        }
        match self.phrase.seek_danger(candidate) {
            SeekDangerResult::Found => {
                self.inner = Inner::At(candidate);
                Ok(())
            }
            SeekDangerResult::SeekLowerBound(next) => {
                self.inner = Inner::Below(next);
                Err(next)
            }
        }
    }

    /// The first match at or after `target`.
    fn find(&mut self, mut target: DocId) -> DocId {
        loop {
            let candidate = self.next_with_pairs(target);
            if candidate == TERMINATED {
                return TERMINATED;
            }
            match self.check(candidate) {
                Ok(()) => return candidate,
                Err(TERMINATED) => return TERMINATED,
                Err(next) => target = next,
            }
        }
    }
}

impl DocSet for PrefilteredScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.find(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.find(target);
        }
        self.doc
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        let candidate = self.next_with_pairs(target);
        if candidate != target {
            return SeekDangerResult::SeekLowerBound(candidate);
        }
        match self.check(candidate) {
            Ok(()) => {
                self.doc = candidate;
                SeekDangerResult::Found
            }
            Err(next) => SeekDangerResult::SeekLowerBound(next),
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.phrase.size_hint()
    }

    /// The phrase's own cost, so that a boolean query orders its clauses as
    /// it would without the pairs.
    fn cost(&self) -> u64 {
        self.phrase.cost()
    }
}

impl Scorer for PrefilteredScorer {
    fn score(&mut self) -> Score {
        self.phrase.score()
    }
}
