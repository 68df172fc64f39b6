//! Scoring optional, additive clauses only where they can matter.
//!
//! An answer's query is a required part (the words, phrases and filters)
//! plus optional boosts (neighbouring-word pairs, feedback words) that only
//! add to a score. Run as one boolean query, tantivy scores every boost on
//! every document the required part matches: for common words that is most
//! of the index, and each pair boost reads positions. Here the required part
//! runs alone, and the boosts are scored afterwards, by seeking, for the few
//! documents that could still reach the top. The results are the same
//! scores, summed in the same order, as the single boolean query gives.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Weight};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::index_err;
use super::topk::{sort_best_first, TopK};
use crate::error::Result;

/// Top `k` of `base` plus the optional `boosts`, best first (ties: lower
/// address first, as tantivy's `TopDocs`). `reach` bounds what all boosts
/// together can add to one document's score.
pub(super) fn top_k(
    searcher: &Searcher,
    base: &dyn Query,
    boosts: &[Clause],
    reach: Score,
    k: usize,
) -> Result<Vec<(Score, DocAddress)>> {
    let (_, candidates) = searcher.search(base, &WithinReach { k, reach }).map_err(index_err)?;
    let extra = added_scores(searcher, boosts, &candidates)?;
    let mut scored: Vec<(Score, DocAddress)> =
        candidates.into_iter().zip(extra).map(|((score, address), add)| (score + add, address)).collect();
    sort_best_first(&mut scored);
    scored.truncate(k);
    Ok(scored)
}

/// An upper bound on what the proximity boosts of `pairs` (each a phrase
/// query boosted by `boost`) add together to one score: BM25 never exceeds
/// its weight, idf × (k1 + 1). A margin covers rounding.
pub(super) fn pairs_reach(searcher: &Searcher, pairs: &[Vec<Term>], boost: Score) -> Result<Score> {
    let mut reach = 0.0;
    for terms in pairs {
        reach += Bm25Weight::for_terms(searcher, terms).map_err(index_err)?.boost_by(boost).max_score();
    }
    Ok(reach * 1.001 + 1e-3)
}

/// An optional clause scored after the first pass.
pub(super) enum Clause {
    /// A query, scored as it is.
    Plain(Box<dyn Query>),
    /// A disjunction-max over `parts` (best part plus `tie_breaker` times
    /// the others), scored part by part as tantivy's `DisjunctionMaxQuery`
    /// combines them. Each part carries the whole boost of its path.
    MaxOf { parts: Vec<Box<dyn Query>>, tie_breaker: Score },
}

/// A clause's part weights, and its tie-breaker when it is a disjunction-max.
type ClauseWeights = (Vec<Box<dyn Weight>>, Option<Score>);

/// What each of `clauses` adds, where it matches, to each of `hits`: the
/// clause scores summed in clause order, as tantivy's union sums them.
pub(super) fn added_scores(searcher: &Searcher, clauses: &[Clause], hits: &[(Score, DocAddress)]) -> Result<Vec<Score>> {
    let mut extra = vec![0.0; hits.len()];
    if clauses.is_empty() {
        return Ok(extra);
    }
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let weight = |q: &dyn Query| q.weight(scoring).map_err(index_err);
    let weights: Vec<ClauseWeights> = clauses
        .iter()
        .map(|clause| match clause {
            Clause::Plain(q) => Ok((vec![weight(q.as_ref())?], None)),
            Clause::MaxOf { parts, tie_breaker } => {
                Ok((parts.iter().map(|p| weight(p.as_ref())).collect::<Result<_>>()?, Some(*tie_breaker)))
            }
        })
        .collect::<Result<_>>()?;
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_unstable_by_key(|&i| hits[i].1);
    for in_segment in order.chunk_by(|&a, &b| hits[a].1.segment_ord == hits[b].1.segment_ord) {
        let reader = searcher.segment_reader(hits[in_segment[0]].1.segment_ord);
        let docs: Vec<DocId> = in_segment.iter().map(|&i| hits[i].1.doc_id).collect();
        for (parts, tie_breaker) in &weights {
            let mut found: Vec<Option<(Score, Score)>> = vec![None; docs.len()];
            for part in parts {
                let mut scorer = part.scorer(reader, 1.0).map_err(index_err)?;
                for (slot, &doc) in found.iter_mut().zip(&docs) {
                    let mut current = scorer.doc();
                    if current < doc {
                        current = scorer.seek(doc);
                    }
                    if current == doc {
                        let score = scorer.score();
                        let (max, sum) = slot.unwrap_or((0.0, 0.0));
                        *slot = Some((Score::max(score, max), sum + score));
                    }
                }
            }
            for (&i, slot) in in_segment.iter().zip(found) {
                if let Some((max, sum)) = slot {
                    extra[i] += match tie_breaker {
                        Some(tie) => max + (sum - max) * tie,
                        None => sum,
                    };
                }
            }
        }
    }
    Ok(extra)
}

/// Collects every document whose score is within `reach` of the `k`-th
/// best: the only ones that boosts adding at most `reach` can lift into
/// the top `k`.
struct WithinReach {
    k: usize,
    reach: Score,
}

impl Collector for WithinReach {
    type Fruit = (Vec<Score>, Vec<(Score, DocAddress)>);
    type Child = SegmentWithinReach;

    fn for_segment(&self, segment: SegmentOrdinal, _reader: &SegmentReader) -> tantivy::Result<SegmentWithinReach> {
        Ok(SegmentWithinReach::new(segment, self.k, self.reach))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut best: Vec<Score> = fruits.iter().flat_map(|(b, _)| b.iter().copied()).collect();
        best.sort_by(|a, b| b.total_cmp(a));
        let floor = best.get(self.k.saturating_sub(1)).map_or(Score::NEG_INFINITY, |kth| kth - self.reach);
        let kept = fruits.into_iter().flat_map(|(_, kept)| kept).filter(|(score, _)| *score >= floor).collect();
        Ok((Vec::new(), kept))
    }
}

/// Per segment: the `k` best scores seen (a min-heap) and the documents
/// within `reach` of the running `k`-th best, which only rises.
struct SegmentWithinReach {
    segment: SegmentOrdinal,
    reach: Score,
    best: TopK,
    floor: Score,
    kept: Vec<(Score, DocId)>,
    prune_at: usize,
}

impl SegmentWithinReach {
    fn new(segment: SegmentOrdinal, k: usize, reach: Score) -> SegmentWithinReach {
        SegmentWithinReach {
            segment,
            reach,
            best: TopK::new(k.max(1)),
            floor: Score::NEG_INFINITY,
            kept: Vec::new(),
            prune_at: 1024,
        }
    }
}

impl SegmentCollector for SegmentWithinReach {
    type Fruit = (Vec<Score>, Vec<(Score, DocAddress)>);

    fn collect(&mut self, doc: DocId, score: Score) {
        if score < self.floor {
            return;
        }
        if self.best.offer(score, DocAddress::new(self.segment, doc)) {
            self.floor = self.best.threshold() - self.reach;
        }
        self.kept.push((score, doc));
        if self.kept.len() >= self.prune_at {
            let floor = self.floor;
            self.kept.retain(|(s, _)| *s >= floor);
            self.prune_at = self.prune_at.max(self.kept.len() * 2);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        let best = self.best.into_sorted().into_iter().map(|(score, _)| score).collect();
        let floor = self.floor;
        let kept = self
            .kept
            .into_iter()
            .filter(|(s, _)| *s >= floor)
            .map(|(score, doc)| (score, DocAddress::new(segment, doc)))
            .collect();
        (best, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(scores: &[(DocId, Score)], k: usize, reach: Score) -> Vec<DocId> {
        let mut seg = SegmentWithinReach::new(0, k, reach);
        seg.prune_at = 2;
        for &(doc, score) in scores {
            seg.collect(doc, score);
        }
        let collector = WithinReach { k, reach };
        let (_, kept) = collector.merge_fruits(vec![seg.harvest()]).expect("merge");
        let mut docs: Vec<DocId> = kept.into_iter().map(|(_, a)| a.doc_id).collect();
        docs.sort_unstable();
        docs
    }

    #[test]
    fn keeps_exactly_the_documents_within_reach_of_the_kth_best() {
        let scores = [(0, 1.0), (1, 5.0), (2, 4.5), (3, 2.9), (4, 3.1), (5, 6.0), (6, 0.5)];
        // Second best is 5.0; with reach 2.0 everything scoring 3.0 or more can still make the top 2.
        assert_eq!(run(&scores, 2, 2.0), vec![1, 2, 4, 5]);
        // Fewer matches than k: all are kept.
        assert_eq!(run(&scores, 10, 0.0), vec![0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(run(&scores, 1, 0.0), vec![5]);
    }
}
