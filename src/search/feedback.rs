//! Pseudo-relevance feedback (RM3-style): the best passages of a first search
//! suggest related words, which are added with small weights to the query,
//! and the first search's candidates are scored again with it. Only those
//! candidates are re-scored (a seek per candidate, not a second full
//! search), so feedback reorders what the question found and costs little
//! on a large index.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use tantivy::{DocAddress, Searcher};

use super::analyze::Analyzer;
use super::plan::word_clause;
use super::rescore::{added_scores, Clause};
use super::schema::Fields;
use super::stem::Fnv;
use crate::error::Result;

/// How feedback expands a query; `passages == 0` turns it off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feedback {
    /// Best first-round passages read for expansion words.
    pub passages: usize,
    /// Expansion words added.
    pub terms: usize,
    /// Weight of the strongest expansion word relative to a query word.
    pub weight: f32,
}

impl Feedback {
    /// No feedback.
    pub const OFF: Feedback = Feedback { passages: 0, terms: 0, weight: 0.0 };

    /// The feedback the answer settings ask for.
    pub fn from_settings(settings: &crate::config::AnswerSettings) -> Feedback {
        Feedback { passages: settings.feedback_passages, terms: settings.feedback_terms, weight: settings.feedback_weight }
    }
}

/// Re-scores the `first` hits (best first; `texts` holds each one's title
/// and passage) with the original query plus expansion words drawn from the
/// best of them. Returns the new scores with each hit's index in `first`,
/// best first.
///
/// The result is what the query `original AND (expansion words, optional)`
/// would score, computed without running it: a hit's first-round score is
/// its `original` score, and each expansion word adds its own score where
/// it matches (see `rescore::added_scores`), seeking straight to the
/// candidates, so the cost does not grow with the words' posting lists.
pub(super) fn rerank(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &Analyzer,
    first: &[(f32, DocAddress)],
    texts: &[(&str, &str)],
    own_terms: &HashSet<String>,
    feedback: Feedback,
) -> Result<Vec<(f32, usize)>> {
    let scores: Vec<f32> = first.iter().map(|(score, _)| *score).collect();
    let clauses = expansion_clauses(fields, analyzer, &scores, texts, own_terms, feedback);
    let extra = added_scores(searcher, &clauses, first)?;
    let mut rescored: Vec<(f32, DocAddress, usize)> =
        first.iter().zip(extra).enumerate().map(|(i, (&(score, address), add))| (score + add, address, i)).collect();
    rescored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(rescored.into_iter().map(|(score, _, i)| (score, i)).collect())
}

/// The expansion words drawn from the best hits, each as a word query
/// (`plan::word_query`) boosted by its relevance-model weight.
fn expansion_clauses(
    fields: &Fields,
    analyzer: &Analyzer,
    scores: &[f32],
    texts: &[(&str, &str)],
    own_terms: &HashSet<String>,
    feedback: Feedback,
) -> Vec<Clause> {
    let n = scores.len().min(texts.len()).min(feedback.passages);
    let words = expansion_words(analyzer, &scores[..n], &texts[..n], own_terms, feedback.terms);
    let Some(strongest) = words.first().map(|(_, w)| *w) else { return Vec::new() };
    words.into_iter().map(|(term, w)| word_clause(fields, &term, feedback.weight * w / strongest)).collect()
}

/// Relevance-model weights: each word's share of a passage's words, summed
/// over the feedback passages weighted by exp(score - best score).
fn expansion_words(
    analyzer: &Analyzer,
    scores: &[f32],
    texts: &[(&str, &str)],
    own_terms: &HashSet<String>,
    limit: usize,
) -> Vec<(String, f32)> {
    let best = scores.first().copied().unwrap_or(0.0);
    let mut weights: HashMap<String, f32, BuildHasherDefault<Fnv>> = HashMap::default();
    let mut counts: HashMap<String, usize, BuildHasherDefault<Fnv>> = HashMap::default();
    for (score, (title, body)) in scores.iter().zip(texts) {
        counts.clear();
        let mut total = 0usize;
        analyzer.for_each_term(&format!("{title}\n{body}"), |term| {
            total += 1;
            if useful(term, own_terms) {
                match counts.get_mut(term) {
                    Some(n) => *n += 1,
                    None => {
                        counts.insert(term.to_string(), 1);
                    }
                }
            }
        });
        let share = (score - best).exp() / total.max(1) as f32;
        for (term, n) in counts.drain() {
            // The same sum, share added once per occurrence, as before.
            let weight = weights.entry(term).or_default();
            for _ in 0..n {
                *weight += share;
            }
        }
    }
    let mut ranked: Vec<(String, f32)> = weights.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(limit);
    ranked
}

/// Query words, bare numbers and very short tokens make poor expansions.
fn useful(term: &str, own_terms: &HashSet<String>) -> bool {
    term.chars().count() >= 3 && !term.chars().all(|c| c.is_ascii_digit()) && !own_terms.contains(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_short_tokens_and_query_words_are_not_expansions() {
        let own: HashSet<String> = ["hbm".to_string()].into();
        assert!(!useful("2025", &own));
        assert!(!useful("nm", &own));
        assert!(!useful("hbm", &own));
        assert!(useful("hynix", &own));
    }
}
