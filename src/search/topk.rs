//! Which candidates a search keeps ([`Reach`]), and the running top `k` of
//! a search that visits documents in address order,
//! and the slack that keeps upper bounds safe from rounding.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::{DocAddress, Score};

/// Which of a search's candidates its caller can use, so that the others
/// are not read from the store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// Every candidate.
    All,
    /// Candidates whose score, multiplied by at most `boost`, could still
    /// reach the `keep`-th best score (every score only grows by the
    /// caller's re-ranking, by at most `boost`).
    Best { keep: usize, boost: f32 },
}

impl Reach {
    /// How many of `scores` (best first) to keep.
    pub(super) fn keeps(self, scores: &[f32]) -> usize {
        match self {
            Reach::All => scores.len(),
            Reach::Best { keep, boost } => match scores.get(keep.max(1) - 1) {
                Some(&bar) => scores.iter().take_while(|&&s| s * boost >= bar).count(),
                None => scores.len(),
            },
        }
    }
}

/// Relative slack added to every upper bound, so that rounding in sums
/// taken in another order can never prune a document that qualifies.
const BOUND_SLACK: Score = 1e-4;

/// `bound`, made safe against rounding.
pub(super) fn slack(bound: Score) -> Score {
    bound * (1.0 + BOUND_SLACK) + BOUND_SLACK
}

/// The `k` best (score, address) pairs seen, visited in address order.
pub(super) struct TopK {
    k: usize,
    heap: BinaryHeap<Worst>,
}

/// Heap entry whose maximum is the entry to evict first: lowest score,
/// and among equal scores the highest address.
struct Worst(Score, DocAddress);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Worst {}

impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then_with(|| self.1.cmp(&other.1))
    }
}

impl TopK {
    pub(super) fn new(k: usize) -> TopK {
        TopK { k, heap: BinaryHeap::with_capacity(k + 1) }
    }

    /// The score a new document must exceed, once `k` are held.
    pub(super) fn threshold(&self) -> Score {
        if self.heap.len() < self.k {
            Score::NEG_INFINITY
        } else {
            self.heap.peek().map_or(Score::NEG_INFINITY, |w| w.0)
        }
    }

    /// Offers a document visited after every one offered before; true
    /// when the threshold may have risen.
    pub(super) fn offer(&mut self, score: Score, address: DocAddress) -> bool {
        if self.heap.len() < self.k {
            self.heap.push(Worst(score, address));
            return self.heap.len() == self.k;
        }
        if score > self.threshold() {
            self.heap.pop();
            self.heap.push(Worst(score, address));
            return true;
        }
        false
    }

    pub(super) fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        let mut hits: Vec<(Score, DocAddress)> = self.heap.into_iter().map(|w| (w.0, w.1)).collect();
        sort_best_first(&mut hits);
        hits
    }
}

/// Best score first; equal scores by ascending address.
pub(super) fn sort_best_first(hits: &mut [(Score, DocAddress)]) {
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
}
