//! Pseudo-relevance feedback (RM3-style): the best passages of a first search
//! suggest related words, which are added with small weights to the query,
//! and the first search's candidates are scored again with it. Only those
//! candidates are re-scored (a seek per candidate, not a second full
//! search), so feedback reorders what the question found and costs little
//! on a large index.

use std::collections::{HashMap, HashSet};

use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Searcher};

use super::analyze::Analyzer;
use super::plan::word_clause;
use super::rescore::{added_scores, sort_best_first, Clause};
use super::schema::Fields;
use crate::error::{Error, Result};

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
}

/// Re-scores the `first` hits (best first) with the original query plus
/// expansion words drawn from the best of them, and returns them best first.
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
    first: Vec<(f32, DocAddress)>,
    own_terms: &HashSet<String>,
    feedback: Feedback,
) -> Result<Vec<(f32, DocAddress)>> {
    let clauses = expansion_clauses(searcher, fields, analyzer, &first, own_terms, feedback)?;
    let extra = added_scores(searcher, &clauses, &first)?;
    let mut rescored: Vec<(f32, DocAddress)> =
        first.into_iter().zip(extra).map(|((score, address), add)| (score + add, address)).collect();
    sort_best_first(&mut rescored);
    Ok(rescored)
}

fn index_err(e: impl std::fmt::Display) -> Error {
    Error::Index(e.to_string())
}

/// The expansion words drawn from the `first` hits (best first), each as a
/// word query (`plan::word_query`) boosted by its relevance-model weight.
fn expansion_clauses(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &Analyzer,
    first: &[(f32, DocAddress)],
    own_terms: &HashSet<String>,
    feedback: Feedback,
) -> Result<Vec<Clause>> {
    let words = expansion_words(searcher, fields, analyzer, &first[..first.len().min(feedback.passages)], own_terms, feedback.terms)?;
    let Some(strongest) = words.first().map(|(_, w)| *w) else { return Ok(Vec::new()) };
    Ok(words
        .into_iter()
        .map(|(term, w)| word_clause(fields, &term, feedback.weight * w / strongest))
        .collect())
}

/// Relevance-model weights: each word's share of a passage's words, summed
/// over the feedback passages weighted by exp(score - best score).
fn expansion_words(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &Analyzer,
    feedback: &[(f32, DocAddress)],
    own_terms: &HashSet<String>,
    limit: usize,
) -> Result<Vec<(String, f32)>> {
    let best = feedback.first().map_or(0.0, |f| f.0);
    let mut weights: HashMap<String, f32> = HashMap::new();
    for (score, address) in feedback {
        let doc: TantivyDocument = searcher.doc(*address).map_err(index_err)?;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let terms = analyzer.terms(&format!("{}\n{}", text(fields.title), text(fields.body)));
        let share = (score - best).exp() / terms.len().max(1) as f32;
        for term in terms {
            if useful(&term, own_terms) {
                *weights.entry(term).or_default() += share;
            }
        }
    }
    let mut ranked: Vec<(String, f32)> = weights.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(limit);
    Ok(ranked)
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
