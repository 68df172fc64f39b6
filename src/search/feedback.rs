//! Pseudo-relevance feedback (RM3-style): the best passages of a first search
//! suggest related words, which are added with small weights to a second
//! search. The first search's query stays required, so feedback only
//! reorders passages that match the question; it never brings in passages
//! that share none of its words.

use std::collections::{HashMap, HashSet};

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query};
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Searcher};

use super::analyze::Analyzer;
use super::plan::word_query;
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

/// Builds the second-round query: `original` required, plus the expansion
/// words drawn from the `first` hits (best first) as optional clauses.
pub(super) fn expand(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &Analyzer,
    original: Box<dyn Query>,
    first: &[(f32, DocAddress)],
    own_terms: &HashSet<String>,
    feedback: Feedback,
) -> Result<Box<dyn Query>> {
    let words = expansion_words(searcher, fields, analyzer, &first[..first.len().min(feedback.passages)], own_terms, feedback.terms)?;
    let Some(strongest) = words.first().map(|(_, w)| *w) else { return Ok(original) };
    let extra: Vec<(Occur, Box<dyn Query>)> = words
        .into_iter()
        .map(|(term, w)| {
            let boosted: Box<dyn Query> = Box::new(BoostQuery::new(word_query(fields, &term), feedback.weight * w / strongest));
            (Occur::Should, boosted)
        })
        .collect();
    Ok(Box::new(BooleanQuery::new(vec![(Occur::Must, original), (Occur::Should, Box::new(BooleanQuery::new(extra)))])))
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
        let doc: TantivyDocument = searcher.doc(*address).map_err(|e| Error::Index(e.to_string()))?;
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
