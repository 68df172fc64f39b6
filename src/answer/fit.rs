//! How well a figure of a cited passage answers a [`Question`]: does it state
//! the measure asked for, about the subject asked about, for the period asked
//! for, in a kind of number the question can take? The same fit orders the
//! figures an answer lists and chooses its headline.

use std::collections::HashSet;

use super::measures::{Measure, Measures};
use super::question::{Ask, Question};
use crate::figures::{Figure, FigureKind, Gazetteer};
use crate::search::Analyzer;

/// One figure judged against the question.
#[derive(Debug, Clone)]
pub struct Fit<'m> {
    /// What the figure measures, from the lexicon.
    pub measure: Option<&'m Measure>,
    /// Its kind is one the question can take (or the question names none).
    pub kind_ok: bool,
    /// It states a measure the question asks for.
    pub measure_ok: bool,
    /// It is about the subject asked for (or the question names none).
    pub subject_ok: bool,
    /// It is for a period asked for (or the question names none).
    pub period_ok: bool,
    /// Question topic words found in the figure's sentence.
    pub topic_words: usize,
    /// The overall score: higher fits better.
    pub score: f32,
}

impl Fit<'_> {
    /// Whether the figure has anything to do with the question: its kind
    /// fits and it matches the measure, the subject or the topic words.
    pub fn relevant(&self) -> bool {
        self.kind_ok && (self.measure_ok || self.topic_words > 0 || (self.subject_ok && self.period_ok))
    }

    /// Whether the figure states what was asked: right kind, measure,
    /// subject and period.
    pub fn answers(&self, question: &Question<'_>) -> bool {
        let measure_ok = if question.measures.is_empty() { self.topic_words > 0 } else { self.measure_ok };
        self.kind_ok && measure_ok && self.subject_ok && self.period_ok
    }
}

/// Index terms either side of a figure that count as its neighbourhood.
const WINDOW_TERMS: usize = 10;

/// The token range around `figure` in its sentence's `tokens`.
fn window_of(figure: &Figure, tokens: &[(std::ops::Range<usize>, String)]) -> std::ops::Range<usize> {
    let at = figure.sentence.find(figure.text.as_str()).unwrap_or(0);
    let end = at + figure.text.len();
    let first = tokens.iter().position(|(r, _)| r.end > at).unwrap_or(tokens.len());
    let last = tokens.iter().rposition(|(r, _)| r.start < end).map_or(first, |i| i + 1).max(first);
    first.saturating_sub(WINDOW_TERMS)..(last + WINDOW_TERMS).min(tokens.len())
}

/// "50% of China's AI chip market": a percentage of something is a share of it.
fn share_of(figure: &Figure) -> bool {
    let Some(at) = figure.sentence.find(figure.text.as_str()) else { return false };
    let after = figure.sentence[at + figure.text.len()..].trim_start().to_lowercase();
    after.starts_with("of ") && !after.starts_with("of growth")
}

/// Judges figures against one question.
pub struct Judge<'a, 'm> {
    pub question: &'a Question<'m>,
    pub measures: &'m Measures,
    pub analyzer: &'a Analyzer,
    pub gazetteer: &'a Gazetteer,
}

impl<'m> Judge<'_, 'm> {
    /// The fit of `figure`, found in the passage cited as number `citation`.
    pub fn fit(&self, figure: &Figure, citation: usize) -> Fit<'m> {
        let q = self.question;
        let tokens: Vec<(std::ops::Range<usize>, String)> =
            self.analyzer.tokens(&figure.sentence).into_iter().map(|t| (t.range, t.term)).collect();
        let measure = self.measures.of_figure(figure, &tokens);
        let sequence: Vec<String> = tokens.iter().map(|(_, t)| t.clone()).collect();
        let names_measure = self.names_asked_measure(&sequence);
        let window = window_of(figure, &tokens);
        let near: HashSet<&str> = sequence[window.clone()].iter().map(String::as_str).collect();
        let mut near_measures: Vec<&str> =
            self.measures.in_window(&sequence, window, figure.kind).into_iter().map(|m| m.name.as_str()).collect();
        if figure.kind == FigureKind::Percent && share_of(figure) {
            near_measures.push("share");
        }
        let kind_ok = if figure.kind == FigureKind::Year {
            q.ask == Ask::Time
        } else {
            q.kinds.is_empty() || q.kinds.contains(&figure.kind)
        };
        let named = |m: &Measure| q.measures.iter().any(|w| w.name == m.name);
        let measure_ok = near_measures.iter().any(|n| q.measures.iter().any(|m| m.name == *n))
            || match measure {
            Some(m) => named(m),
            // A year or a bare count has no measure word of its own: the
            // sentence must name what was asked.
            None => q.measures.iter().any(|m| m.fits(figure.kind) || figure.kind == FigureKind::Year) && names_measure,
        } || (figure.kind == FigureKind::Year && names_measure);
        let mentioned = || self.gazetteer.mentions(&figure.sentence).iter().any(|m| q.subjects.contains(m));
        let subject_ok = q.subjects.is_empty()
            || match &figure.subject {
                Some(s) => q.subjects.contains(s) || (mentioned() && !self.names_a_company_other_than(s)),
                None => mentioned(),
            };
        let period_ok = q.years.is_empty()
            || match figure.year {
                Some(y) if figure.kind != FigureKind::Year => q.years.contains(&y),
                _ => q.years.iter().any(|y| figure.sentence.contains(&y.to_string())),
            };
        let topic_words = q.topic_terms.iter().filter(|t| near.contains(t.as_str())).count();
        let mut score = 0.0;
        if !kind_ok {
            score -= 4.0;
        }
        if measure_ok {
            score += 3.0;
        } else if names_measure {
            score += 1.0;
        }
        if !q.subjects.is_empty() {
            score += if subject_ok { 2.0 } else { -2.0 };
        }
        if !q.years.is_empty() {
            score += if period_ok { 2.0 } else { -1.5 };
        }
        if let Some(future) = q.forecast {
            if figure.forecast == future {
                score += 0.5;
            }
        }
        let asks_change = q.ask == Ask::Change || q.measures.iter().any(|m| m.name == "growth");
        let is_change = measure.is_some_and(|m| m.name == "growth") || super::metric_of(figure).as_deref() == Some("growth");
        if q.units.iter().any(|u| figure.text.to_lowercase().contains(u.as_str())) {
            score += 1.5;
        }
        if asks_change != is_change && figure.kind == FigureKind::Percent {
            score -= 1.0;
        }
        score += 0.6 * topic_words.min(4) as f32;
        score -= 0.15 * (citation.saturating_sub(1)) as f32;
        Fit { measure, kind_ok, measure_ok, subject_ok, period_ok, topic_words, score }
    }

    /// Whether a sentence (its index terms, in order) uses a word of a
    /// measure the question asks for.
    fn names_asked_measure(&self, terms: &[String]) -> bool {
        let named = self.measures.in_text(terms);
        named.iter().any(|m| self.question.measures.iter().any(|q| q.name == m.name))
    }

    /// Whether the question names a company or product and `subject` is not
    /// one of them.
    fn names_a_company_other_than(&self, subject: &str) -> bool {
        use crate::figures::EntityKind;
        let q = self.question;
        !q.subjects.contains(subject)
            && matches!(self.gazetteer.kind(subject), Some(EntityKind::Company | EntityKind::Product))
            && q.subjects.iter().any(|s| matches!(self.gazetteer.kind(s), Some(EntityKind::Company | EntityKind::Product)))
    }
}
