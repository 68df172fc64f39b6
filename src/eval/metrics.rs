//! Ranking metrics as trec_eval computes them: nDCG with linear gains and a
//! log2(rank + 1) discount, recall over the judged relevant documents, and
//! the reciprocal rank of the first relevant document.

use std::collections::HashMap;

/// nDCG@k of `ranking` (document ids, best first) against graded judgments.
pub fn ndcg_at(ranking: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let gain = |id: &String| f64::from(judged.get(id).copied().unwrap_or(0));
    let dcg: f64 = ranking.iter().take(k).enumerate().map(|(i, id)| gain(id) / discount(i)).sum();
    let mut ideal: Vec<f64> = judged.values().map(|&g| f64::from(g)).filter(|g| *g > 0.0).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal.iter().take(k).enumerate().map(|(i, g)| g / discount(i)).sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Share of the relevant documents found in the first `k`.
pub fn recall_at(ranking: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let relevant = judged.values().filter(|&&g| g > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranking.iter().take(k).filter(|id| judged.get(*id).is_some_and(|&g| g > 0)).count();
    found as f64 / relevant as f64
}

/// 1 / rank of the first relevant document within the first `k`, else 0.
pub fn mrr_at(ranking: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    ranking
        .iter()
        .take(k)
        .position(|id| judged.get(id).is_some_and(|&g| g > 0))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

fn discount(zero_based_rank: usize) -> f64 {
    ((zero_based_rank + 2) as f64).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn judged(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|(id, g)| (id.to_string(), *g)).collect()
    }

    #[test]
    fn ndcg_by_hand() {
        // Relevant: a (grade 2) and b (grade 1). Ranking: x, a, b.
        // DCG = 0/log2(2) + 2/log2(3) + 1/log2(4) = 1.26186 + 0.5 = 1.76186
        // IDCG = 2/log2(2) + 1/log2(3) = 2 + 0.63093 = 2.63093
        let score = ndcg_at(&ids(&["x", "a", "b"]), &judged(&[("a", 2), ("b", 1)]), 10);
        assert!((score - 1.761_859_6 / 2.630_929_8).abs() < 1e-6, "{score}");
    }

    #[test]
    fn perfect_and_empty_rankings() {
        let j = judged(&[("a", 1), ("b", 1)]);
        assert!((ndcg_at(&ids(&["a", "b"]), &j, 10) - 1.0).abs() < 1e-12);
        assert_eq!(ndcg_at(&[], &j, 10), 0.0);
        assert_eq!(ndcg_at(&ids(&["a"]), &judged(&[("a", 0)]), 10), 0.0);
    }

    #[test]
    fn cutoff_applies() {
        let j = judged(&[("a", 1)]);
        assert_eq!(ndcg_at(&ids(&["x", "y", "a"]), &j, 2), 0.0);
        assert_eq!(recall_at(&ids(&["x", "y", "a"]), &j, 2), 0.0);
        assert_eq!(recall_at(&ids(&["x", "y", "a"]), &j, 3), 1.0);
    }

    #[test]
    fn recall_and_mrr_by_hand() {
        let j = judged(&[("a", 1), ("b", 1), ("c", 0)]);
        let ranking = ids(&["c", "x", "b"]);
        assert_eq!(recall_at(&ranking, &j, 100), 0.5);
        assert!((mrr_at(&ranking, &j, 10) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(mrr_at(&ids(&["x"]), &j, 10), 0.0);
    }
}
