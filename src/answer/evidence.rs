//! Whether the cited passages cover the question at all. A search always
//! finds *something*: "best pizza in Rome" finds an HBM passage for "best".
//! Each part of the question (a topic word, weighted by how rare it is in
//! the index; a subject; a measure) counts as covered when a passage states
//! it. When the best of the cited passages names none of the question's
//! subjects and covers less than a quarter of the question's weight (half,
//! when most of the question's words occur nowhere in the index, or when it
//! names no subject or measure and one of its words occurs nowhere), the
//! answer says that the reports do not cover the question.

use std::collections::HashSet;

use super::measures::Measures;
use super::question::Question;
use crate::figures::Gazetteer;
use crate::search::{Analyzer, PassageHit, TermStats};

/// Share of the question's weight the best passage must cover when most of
/// the question's topic words occur somewhere in the index...
const COVERED: f32 = 0.25;
/// ...and when at least half of them occur nowhere in it (a question from
/// another field: "best pizza in Rome").
const COVERED_WHEN_FOREIGN: f32 = 0.5;
/// Passages checked, best first.
const CHECKED: usize = 3;
/// Weight of a measure the question names (about a rare word's).
const MEASURE_WEIGHT: f32 = 4.0;

/// `Ok(())` when the passages cover the question; otherwise the question
/// words that the best passage does match, as the user wrote them.
pub fn coverage(
    question: &Question<'_>,
    chosen: &[PassageHit],
    analyzer: &Analyzer,
    measures: &Measures,
    gazetteer: &Gazetteer,
    stats: &TermStats,
) -> Result<(), Vec<String>> {
    if chosen.is_empty() || stats.passages == 0 {
        return Ok(());
    }
    let passages = &chosen[..chosen.len().min(CHECKED)];
    let names_subject = !question.subjects.is_empty() && passages.iter().any(|hit| {
        let text = format!("{} {}", hit.report.title, hit.text);
        gazetteer.mentions(&text).iter().any(|m| question.subjects.contains(m))
    });
    if names_subject {
        return Ok(());
    }
    let total: f32 = question.topic_terms.iter().map(|t| stats.idf(t)).sum::<f32>()
        + MEASURE_WEIGHT * question.measures.len() as f32
        + question.subjects.iter().map(|_| MEASURE_WEIGHT).sum::<f32>();
    if total == 0.0 {
        return Ok(());
    }
    let mut best: (f32, HashSet<String>) = (-1.0, HashSet::new());
    for hit in passages {
        let text = format!("{} {}", hit.report.title, hit.text);
        let sequence = analyzer.terms(&text);
        let terms: HashSet<&str> = sequence.iter().map(String::as_str).collect();
        let topic: HashSet<String> = question.topic_terms.iter().filter(|t| terms.contains(t.as_str())).cloned().collect();
        let named = measures.in_text(&sequence);
        let measures_found = question.measures.iter().filter(|m| named.iter().any(|n| n.name == m.name)).count();
        let weight = topic.iter().map(|t| stats.idf(t)).sum::<f32>() + MEASURE_WEIGHT * measures_found as f32;
        if weight > best.0 {
            best = (weight, topic);
        }
    }
    let unknown = question.topic_terms.iter().filter(|t| stats.containing.get(*t).copied().unwrap_or(0) == 0).count();
    // A question that names no subject or measure is only its topic words;
    // when one of them occurs nowhere in the reports ("world cup"), a
    // passage must cover as much as for a question from another field.
    let bare = question.subjects.is_empty() && question.measures.is_empty();
    let foreign = 2 * unknown >= question.topic_terms.len().max(1) || (bare && unknown > 0);
    if best.0 / total >= if foreign { COVERED_WHEN_FOREIGN } else { COVERED } {
        return Ok(());
    }
    Err(question.written(analyzer, |t| best.1.contains(t)))
}
