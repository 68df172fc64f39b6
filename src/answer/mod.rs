//! Answer composition: rank candidate passages (relevance, then a bonus for
//! newer reports), keep at most a few per report and no near-duplicates,
//! number the citations, build highlighted snippets, and list the figures of
//! the cited passages that match the question and that their snippets show.

mod disagree;
mod figures;
mod snippet;

use std::collections::HashSet;
use std::ops::Range;

use crate::config::AnswerSettings;
use crate::figures::{Figure, FigureKind, Gazetteer};
use crate::query::ParsedQuery;
use crate::reply::{Answer, Citation, CitedFigure};
use crate::search::{Analyzer, PassageHit};

pub use disagree::disagreements;
pub use figures::{metric_of, Interest};

/// Passages whose word sets overlap at least this much count as duplicates.
const DUPLICATE_OVERLAP: f32 = 0.7;
/// Most figures listed in one answer.
const MAX_FIGURES: usize = 16;
/// Relevance bonus for a passage that states the kind of number the
/// question asks for ("how much" and a money figure).
const ANSWER_TYPE_BONUS: f32 = 0.3;
/// For "latest" questions, passages within this fraction of the best score
/// count as relevant and are ordered newest first.
const RELEVANT_FRACTION: f32 = 0.5;

/// Everything composition needs besides the hits.
pub struct Composer<'a> {
    pub settings: &'a AnswerSettings,
    pub analyzer: &'a Analyzer,
    pub gazetteer: &'a Gazetteer,
}

/// Which figures of the cited passages to list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FigureScope {
    /// Only figures that match the question.
    Matching,
    /// Every figure except bare years (the `figures` command).
    All,
}

impl Composer<'_> {
    /// Builds the answer to `query` from candidate `hits` (best first).
    pub fn compose(&self, query: &ParsedQuery, hits: Vec<PassageHit>, top: usize, scope: FigureScope) -> Answer {
        let wanted: HashSet<String> =
            query.text_terms().iter().flat_map(|t| self.analyzer.terms(t)).collect();
        let interest = Interest::of(&query.raw, wanted.clone(), self.gazetteer);
        let mut hits = hits;
        for hit in &mut hits {
            if interest.answered_by(&hit.figures) {
                hit.score *= 1.0 + ANSWER_TYPE_BONUS;
            }
        }
        let mut ranked = rerank(hits, self.settings.recency_weight);
        if query.prefers_recent {
            ranked = newest_first_among_relevant(ranked);
        }
        let chosen = self.select(ranked, top, &wanted);
        let candidates = self.pick_figures(&chosen, &interest, scope);
        let located: Vec<Option<Range<usize>>> =
            candidates.iter().map(|f| locate(&chosen[f.citation - 1].text, &f.figure)).collect();
        let mut shown = Vec::with_capacity(chosen.len());
        let citations: Vec<Citation> = chosen
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                let anchors: Vec<Range<usize>> = (candidates.iter().zip(&located))
                    .filter(|(f, _)| f.citation == i + 1)
                    .filter_map(|(_, at)| at.clone())
                    .collect();
                let built = snippet::build(&hit.text, &wanted, self.analyzer, self.settings.snippet_chars, &anchors);
                shown.push(built.shown);
                Citation {
                    n: i + 1,
                    report_id: hit.report.id.clone(),
                    title: hit.report.title.clone(),
                    publisher: hit.report.publisher.clone(),
                    published: hit.report.published,
                    url: hit.report.url.clone(),
                    snippet: built.snippet,
                    passage: hit.text.clone(),
                }
            })
            .collect();
        let figures: Vec<CitedFigure> = (candidates.into_iter().zip(located))
            .filter(|(f, at)| match scope {
                // An answer shows snippets, so it lists only the figures that
                // its snippets show.
                FigureScope::Matching => {
                    at.as_ref().is_some_and(|at| shown[f.citation - 1].iter().any(|piece: &Range<usize>| contains(piece, at)))
                }
                FigureScope::All => true,
            })
            .map(|(f, _)| f)
            .take(MAX_FIGURES)
            .collect();
        let disagreements = disagreements(&figures, |n| citations[n - 1].report_id.clone());
        Answer {
            query: query.raw.clone(),
            citations,
            figures,
            disagreements,
            suggestions: Vec::new(),
            notices: query.notices.clone(),
        }
    }

    /// At most `max_per_report` passages per report, no near-duplicates. A
    /// further passage of an already cited report must itself contain a
    /// query word (a title match alone is not new evidence).
    fn select(&self, ranked: Vec<PassageHit>, top: usize, wanted: &HashSet<String>) -> Vec<PassageHit> {
        let mut chosen: Vec<PassageHit> = Vec::new();
        let mut chosen_terms: Vec<HashSet<String>> = Vec::new();
        for hit in ranked {
            if chosen.len() == top {
                break;
            }
            let from_report = chosen.iter().filter(|c| c.report.id == hit.report.id).count();
            if from_report >= self.settings.max_per_report {
                continue;
            }
            let terms: HashSet<String> = self.analyzer.terms(&hit.text).into_iter().collect();
            if from_report > 0 && !wanted.is_empty() && terms.is_disjoint(wanted) {
                continue;
            }
            if chosen_terms.iter().any(|seen| overlap(seen, &terms) >= DUPLICATE_OVERLAP) {
                continue;
            }
            chosen_terms.push(terms);
            chosen.push(hit);
        }
        chosen
    }

    fn pick_figures(&self, chosen: &[PassageHit], interest: &Interest, scope: FigureScope) -> Vec<CitedFigure> {
        let mut out: Vec<CitedFigure> = Vec::new();
        for (i, hit) in chosen.iter().enumerate() {
            for figure in &hit.figures {
                let wanted = match scope {
                    FigureScope::Matching => interest.matches(figure, self.analyzer, self.gazetteer),
                    FigureScope::All => figure.kind != FigureKind::Year,
                };
                let repeated = out.iter().any(|f| f.citation == i + 1 && f.figure.text == figure.text && f.figure.sentence == figure.sentence);
                if wanted && !repeated {
                    out.push(CitedFigure { metric: metric_of(figure), figure: figure.clone(), citation: i + 1 });
                }
            }
        }
        out
    }
}

/// Multiplies relevance by a bonus that halves for every year a report is
/// older than the newest candidate, then sorts best first.
fn rerank(mut hits: Vec<PassageHit>, weight: f32) -> Vec<PassageHit> {
    let newest = hits.iter().filter_map(|h| h.report.published).max();
    if let Some(newest) = newest {
        for hit in &mut hits {
            let age_days = hit.report.published.map_or(3650, |d| (newest - d).num_days().max(0));
            let freshness = 0.5f32.powf(age_days as f32 / 365.0);
            hit.score *= 1.0 + weight * freshness;
        }
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits
}

/// Orders the clearly relevant passages (within [`RELEVANT_FRACTION`] of the
/// best score) by publication date, newest first, ahead of the rest.
fn newest_first_among_relevant(ranked: Vec<PassageHit>) -> Vec<PassageHit> {
    let best = ranked.first().map_or(0.0, |h| h.score);
    let (mut relevant, rest): (Vec<_>, Vec<_>) =
        ranked.into_iter().partition(|h| h.score >= best * RELEVANT_FRACTION);
    relevant.sort_by(|a, b| b.report.published.cmp(&a.report.published).then(b.score.total_cmp(&a.score)));
    relevant.extend(rest);
    relevant
}

/// Where `figure` stands in `passage`: its text inside its sentence.
fn locate(passage: &str, figure: &Figure) -> Option<Range<usize>> {
    let sentence = passage.find(figure.sentence.as_str())?;
    let offset = figure.sentence.find(figure.text.as_str())?;
    let start = sentence + offset;
    Some(start..start + figure.text.len())
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn overlap(a: &HashSet<String>, b: &HashSet<String>) -> f32 {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f32 / smaller as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportMeta;

    fn hit(id: &str, date: &str, score: f32, text: &str) -> PassageHit {
        PassageHit {
            score,
            report: ReportMeta {
                id: id.into(),
                title: format!("Title {id}"),
                publisher: "P".into(),
                published: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
                ..ReportMeta::default()
            },
            passage: 0,
            text: text.into(),
            figures: Vec::new(),
        }
    }

    #[test]
    fn newer_report_wins_when_relevance_is_close() {
        let hits = vec![hit("old", "2022-01-01", 10.0, "a"), hit("new", "2025-01-01", 9.5, "b")];
        let ranked = rerank(hits, 0.15);
        assert_eq!(ranked[0].report.id, "new");
    }

    #[test]
    fn latest_orders_relevant_passages_by_date() {
        let hits = vec![
            hit("mid", "2024-01-01", 10.0, "a"),
            hit("new", "2025-01-01", 6.0, "b"),
            hit("irrelevant-newest", "2026-01-01", 1.0, "c"),
        ];
        let ids: Vec<String> = newest_first_among_relevant(hits).into_iter().map(|h| h.report.id).collect();
        assert_eq!(ids, vec!["new", "mid", "irrelevant-newest"]);
    }

    #[test]
    fn much_more_relevant_old_report_still_wins() {
        let hits = vec![hit("old", "2022-01-01", 10.0, "a"), hit("new", "2025-01-01", 5.0, "b")];
        assert_eq!(rerank(hits, 0.15)[0].report.id, "old");
    }

    #[test]
    fn selection_caps_per_report_and_drops_duplicates() {
        let settings = AnswerSettings::default();
        let analyzer = Analyzer::default();
        let gazetteer = Gazetteer::empty();
        let composer = Composer { settings: &settings, analyzer: &analyzer, gazetteer: &gazetteer };
        let ranked = vec![
            hit("a", "2025-01-01", 9.0, "HBM supply is tight this year"),
            hit("a", "2025-01-01", 8.0, "SK hynix leads HBM"),
            hit("a", "2025-01-01", 7.0, "Micron expands capacity"),
            hit("b", "2025-01-01", 6.0, "HBM supply is tight this year"),
            hit("c", "2025-01-01", 5.0, "Samsung qualifies HBM3E"),
        ];
        let wanted: HashSet<String> = ["hbm".to_string()].into();
        let ids: Vec<String> = composer.select(ranked, 5, &wanted).into_iter().map(|h| h.report.id).collect();
        assert_eq!(ids, vec!["a", "a", "c"]);
    }

    #[test]
    fn second_passage_needs_its_own_query_word() {
        let settings = AnswerSettings::default();
        let analyzer = Analyzer::default();
        let gazetteer = Gazetteer::empty();
        let composer = Composer { settings: &settings, analyzer: &analyzer, gazetteer: &gazetteer };
        let ranked = vec![
            hit("a", "2025-01-01", 9.0, "HBM supply is tight"),
            hit("a", "2025-01-01", 8.0, "Only the title matched this passage"),
            hit("b", "2025-01-01", 7.0, "Title-only match is fine for a first passage"),
        ];
        let wanted: HashSet<String> = ["hbm".to_string()].into();
        let ids: Vec<String> = composer.select(ranked, 5, &wanted).into_iter().map(|h| h.report.id).collect();
        assert_eq!(ids, vec!["a", "b"]);
    }
}
