//! Re-ranking candidate passages before selection: a bonus for newer
//! reports, later passages of one report ranked as if a little weaker, and
//! "latest" questions ordered newest first among the clearly relevant.

use crate::search::PassageHit;

/// For "latest" questions, passages within this fraction of the best score
/// count as relevant and are ordered newest first.
const RELEVANT_FRACTION: f32 = 0.5;

/// A score that sorts (scores are never NaN here; NaN sorts as equal).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct OrderedScore(pub(super) f32);

impl Eq for OrderedScore {}

impl PartialOrd for OrderedScore {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedScore {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Each hit's recency multiplier: 1 + `weight` × a bonus that halves for
/// every year its report is older than the newest candidate.
pub(super) fn freshness(hits: &[PassageHit], weight: f32) -> Vec<f32> {
    let newest = hits.iter().filter_map(|h| h.report.published).max();
    hits.iter()
        .map(|hit| match newest {
            Some(newest) => {
                let age_days = hit.report.published.map_or(3650, |d| (newest - d).num_days().max(0));
                1.0 + weight * 0.5f32.powf(age_days as f32 / 365.0)
            }
            None => 1.0,
        })
        .collect()
}

/// Multiplies relevance by [`freshness`], then sorts best first.
pub(super) fn rerank(mut hits: Vec<PassageHit>, weight: f32) -> Vec<PassageHit> {
    let fresh = freshness(&hits, weight);
    for (hit, fresh) in hits.iter_mut().zip(fresh) {
        hit.score *= fresh;
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits
}

/// A further passage of a report ranks as if its score were this much lower
/// for each better passage of the same report: a new source outranks a second
/// passage of one already cited unless the second is clearly better.
const FURTHER_PASSAGE_FACTOR: f32 = 0.8;

/// Re-orders `ranked` (best first) so that each report's second, third, ...
/// passages count [`FURTHER_PASSAGE_FACTOR`] less per better passage.
pub(super) fn further_passages_later(ranked: Vec<PassageHit>) -> Vec<PassageHit> {
    let mut seen: std::collections::HashMap<String, i32> = std::collections::HashMap::new();
    let mut keyed: Vec<(f32, PassageHit)> = ranked
        .into_iter()
        .map(|hit| {
            let earlier = seen.entry(hit.report.id.clone()).or_insert(0);
            let key = hit.score * FURTHER_PASSAGE_FACTOR.powi(*earlier);
            *earlier += 1;
            (key, hit)
        })
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
    keyed.into_iter().map(|(_, hit)| hit).collect()
}

/// Orders the clearly relevant passages (within [`RELEVANT_FRACTION`] of the
/// best score) by publication date, newest first, ahead of the rest.
pub(super) fn newest_first_among_relevant(ranked: Vec<PassageHit>) -> Vec<PassageHit> {
    let best = ranked.first().map_or(0.0, |h| h.score);
    let (mut relevant, rest): (Vec<_>, Vec<_>) =
        ranked.into_iter().partition(|h| h.score >= best * RELEVANT_FRACTION);
    relevant.sort_by(|a, b| b.report.published.cmp(&a.report.published).then(b.score.total_cmp(&a.score)));
    relevant.extend(rest);
    relevant
}
