//! Answer composition: rank candidate passages (relevance, then a bonus for
//! newer reports), keep at most a few per report and no near-duplicates,
//! number the citations, build highlighted snippets, list the figures of the
//! cited passages that fit the question (best first) and that their snippets
//! show, and open with a headline that states the answering figure.

mod digest;
mod disagree;
mod engine;
mod evidence;
mod figures;
mod fit;
mod headline;
mod measures;
mod question;
mod rank;
mod snippet;
mod stale;

use std::collections::HashSet;
use std::ops::Range;

use crate::config::AnswerSettings;
use crate::figures::{Figure, FigureKind, Gazetteer};
use crate::query::ParsedQuery;
use crate::reply::{Answer, Citation, CitedFigure, ReportRef};
use crate::search::{Analyzer, PassageHit, Reach, TermStats};

pub use disagree::disagreements;
pub use engine::{Engine, Refresh};
#[cfg(feature = "bench")]
pub(crate) use engine::IndexTables;
pub use figures::metric_of;
pub use fit::{Fit, Judge};
pub use measures::{Measure, Measures, MeasuresError};
pub use question::{Ask, Question};
use rank::{freshness, further_passages_later, newest_first_among_relevant, rerank, OrderedScore};

/// Candidate passages searched per citation an answer shows, before re-ranking.
pub const CANDIDATES_PER_CITATION: usize = 8;
/// Passages whose word sets overlap at least this much count as duplicates.
const DUPLICATE_OVERLAP: f32 = 0.7;
/// Most figures listed in one answer.
const MAX_FIGURES: usize = 16;
/// Relevance bonus for a passage that states a figure of the kind and
/// measure the question asks for ("how busy" and a utilisation rate).
const ANSWER_TYPE_BONUS: f32 = 0.3;

/// Everything composition needs besides the hits.
pub struct Composer<'a> {
    pub settings: &'a AnswerSettings,
    pub analyzer: &'a Analyzer,
    pub gazetteer: &'a Gazetteer,
    pub measures: &'a Measures,
}

/// Which figures of the cited passages to list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FigureScope {
    /// Only figures that match the question, best-fitting first, with a headline.
    Matching,
    /// Every figure except bare years (the `figures` command).
    All,
}

impl Composer<'_> {
    /// Builds the answer to `query`, read as `question`, from candidate
    /// `hits` (best first); `stats` tell how rare the question's words are.
    pub fn compose(
        &self,
        query: &ParsedQuery,
        question: &Question<'_>,
        hits: Vec<PassageHit>,
        top: usize,
        scope: FigureScope,
        stats: &TermStats,
    ) -> Answer {
        let wanted = self.wanted(query, question);
        let judge = Judge::new(question, self.measures, self.analyzer, self.gazetteer).with_topic_weights(stats);
        let mut chosen = self.choose_passages_with(&judge, query, hits, top);
        let (mut candidates, fits) = self.pick_figures(&chosen, &judge, scope);
        // The figure that will most likely head the answer leads its snippet,
        // and its passage is cited first.
        let lead = (scope == FigureScope::Matching)
            .then(|| {
                let published = |n: usize| chosen[n - 1].report.published;
                let located = |i: usize| locate(&chosen[candidates[i].citation - 1].text, &candidates[i].figure).is_some();
                headline::best(question, &candidates, &fits, published, located)
            })
            .flatten();
        if let Some(l) = lead {
            let n = candidates[l].citation;
            cite_first(&mut chosen, &mut candidates, n);
        }
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
                let lead_here = lead.filter(|&l| candidates[l].citation == i + 1).and_then(|l| located[l].clone());
                let built = snippet::build(&hit.text, &wanted, self.analyzer, self.settings.snippet_chars, &anchors, lead_here);
                shown.push(built.shown);
                Citation {
                    n: i + 1,
                    report: ReportRef::from(&hit.report),
                    snippet: built.snippet,
                    passage: hit.text.clone(),
                }
            })
            .collect();
        let (figures, fits): (Vec<CitedFigure>, Vec<Fit<'_>>) = (candidates.into_iter().zip(fits).zip(located))
            .filter(|((f, _), at)| match scope {
                // An answer shows snippets, so it lists only the figures that
                // its snippets show.
                FigureScope::Matching => {
                    at.as_ref().is_some_and(|at| shown[f.citation - 1].iter().any(|piece: &Range<usize>| contains(piece, at)))
                }
                FigureScope::All => true,
            })
            .map(|(pair, _)| pair)
            .take(MAX_FIGURES)
            .unzip();
        let disagreements = disagreements(&figures, |n| citations[n - 1].report.report_id.clone());
        let mut notices = query.notices.clone();
        if scope == FigureScope::Matching {
            notices.extend(stale::notice(&citations));
        }
        let headline = match scope {
            FigureScope::Matching => match evidence::coverage(question, &chosen, self.analyzer, self.measures, self.gazetteer, stats) {
                Err(matched) if !chosen.is_empty() => {
                    notices.push("The reports do not seem to cover this question: the passages below are only the closest ones.".into());
                    Some(headline::uncovered(&matched))
                }
                _ => headline::choose(question, &figures, &fits, &citations),
            },
            FigureScope::All => None,
        };
        Answer {
            query: query.raw.clone(),
            headline,
            citations,
            figures,
            disagreements,
            suggestions: Vec::new(),
            notices,
        }
    }

    /// Which candidates of a search for `query` can end up cited among
    /// `top`: re-ranking multiplies a score by at most the answer bonus and
    /// the freshness bonus, and judges and selects from the best
    /// [`JUDGED_PER_CITATION`] × `top`; a candidate that cannot reach them
    /// need not be read. "Latest" questions re-order by date and keep all.
    pub fn reach(&self, query: &ParsedQuery, top: usize) -> Reach {
        if query.prefers_recent {
            return Reach::All;
        }
        Reach::Best { keep: top * JUDGED_PER_CITATION, boost: (1.0 + ANSWER_TYPE_BONUS) * (1.0 + self.settings.recency_weight.max(0.0)) }
    }

    /// The passages an answer cites, best first: candidate `hits` re-ranked
    /// (a bonus for passages that state a figure answering the question, then
    /// for newer reports, newest first for "latest" questions), at most
    /// `max_per_report` per report, no near-duplicates. `chipbot eval`
    /// scores this same ranking.
    pub fn choose_passages(&self, query: &ParsedQuery, question: &Question<'_>, hits: Vec<PassageHit>, top: usize) -> Vec<PassageHit> {
        let judge = Judge::new(question, self.measures, self.analyzer, self.gazetteer);
        self.choose_passages_with(&judge, query, hits, top)
    }

    /// [`Composer::choose_passages`] with the judge the answer goes on to use.
    fn choose_passages_with(&self, judge: &Judge<'_, '_>, query: &ParsedQuery, hits: Vec<PassageHit>, top: usize) -> Vec<PassageHit> {
        let question = judge.question;
        let mut hits = hits;
        if question.wants_figure() {
            self.add_answer_bonus(judge, &mut hits, top);
        }
        let mut ranked = rerank(hits, self.settings.recency_weight);
        if query.prefers_recent {
            ranked = newest_first_among_relevant(ranked);
        }
        self.select(ranked, top, &self.wanted(query, question))
    }

    /// Multiplies the score of each candidate that states a figure answering
    /// the question by 1 + [`ANSWER_TYPE_BONUS`]. Candidates are judged best
    /// first (by the most they could score after the bonus and [`rerank`]'s
    /// freshness); judging stops once none of the rest could reach the
    /// [`JUDGED_PER_CITATION`] × `top` best final scores, since selection
    /// never reaches that far down. The order of what selection can take is
    /// the same as judging every candidate; it is just not paid for.
    fn add_answer_bonus(&self, judge: &Judge<'_, '_>, hits: &mut [PassageHit], top: usize) {
        let fresh = freshness(hits, self.settings.recency_weight);
        let most: Vec<f32> = hits.iter().zip(&fresh).map(|(h, f)| h.score * f * (1.0 + ANSWER_TYPE_BONUS)).collect();
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by(|&a, &b| most[b].total_cmp(&most[a]));
        let keep = (top * JUDGED_PER_CITATION).max(1);
        let mut best: std::collections::BinaryHeap<std::cmp::Reverse<OrderedScore>> = std::collections::BinaryHeap::new();
        for i in order {
            if best.len() >= keep && best.peek().is_some_and(|low| most[i] < low.0 .0) {
                break;
            }
            let hit = &hits[i];
            let answers = hit.figures.iter().any(|f| judge.answers(f, hit));
            if answers {
                hits[i].score *= 1.0 + ANSWER_TYPE_BONUS;
            }
            best.push(std::cmp::Reverse(OrderedScore(hits[i].score * fresh[i])));
            if best.len() > keep {
                best.pop();
            }
        }
    }

    /// Index terms of the question and of its expansions (highlighted, and
    /// required of a second passage from one report).
    fn wanted(&self, query: &ParsedQuery, question: &Question<'_>) -> HashSet<String> {
        let mut wanted: HashSet<String> = question.terms.clone();
        wanted.extend(query.expansions.iter().flat_map(|(t, _)| self.analyzer.terms(t)));
        wanted
    }

    /// At most `max_per_report` passages per report, no near-duplicates. A
    /// further passage of an already cited report must itself contain a
    /// query word (a title match alone is not new evidence).
    fn select(&self, ranked: Vec<PassageHit>, top: usize, wanted: &HashSet<String>) -> Vec<PassageHit> {
        let ranked = further_passages_later(ranked);
        let wanted: TermHashes = wanted.iter().map(|t| term_hash(t)).collect();
        let mut chosen: Vec<PassageHit> = Vec::new();
        let mut chosen_terms: Vec<TermHashes> = Vec::new();
        for hit in ranked {
            if chosen.len() == top {
                break;
            }
            let from_report = chosen.iter().filter(|c| c.report.id == hit.report.id).count();
            if from_report >= self.settings.max_per_report {
                continue;
            }
            // Hashes of the passage's index terms: compared, never shown.
            let mut terms = TermHashes::default();
            self.analyzer.for_each_term(&hit.text, |t| {
                terms.insert(term_hash(t));
            });
            if from_report > 0 && !wanted.is_empty() && terms.is_disjoint(&wanted) {
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

    /// The figures of the chosen passages to consider, with their fits:
    /// for an answer, those relevant to the question, best fit first; for
    /// the `figures` command, every figure but bare years, in passage order.
    fn pick_figures<'m>(&self, chosen: &[PassageHit], judge: &Judge<'_, 'm>, scope: FigureScope) -> (Vec<CitedFigure>, Vec<Fit<'m>>) {
        let mut out: Vec<(CitedFigure, Fit<'m>)> = Vec::new();
        for (i, hit) in chosen.iter().enumerate() {
            for figure in hit.figures.iter() {
                let repeated = out.iter().any(|(f, _)| f.citation == i + 1 && f.figure.text == figure.text && f.figure.sentence == figure.sentence);
                // A figure of a kind the question cannot take is never relevant.
                if repeated || (scope == FigureScope::Matching && !judge.kind_fits(figure)) {
                    continue;
                }
                let fit = judge.fit(figure, i + 1, hit);
                tracing::debug!(figure = %figure.text, citation = i + 1, score = fit.score, answers = fit.answers(judge.question), measure = ?fit.measure.map(|m| &m.name), "figure fit");
                let wanted = match scope {
                    FigureScope::Matching => fit.relevant() && (figure.kind != FigureKind::Year || fit.kind_ok),
                    FigureScope::All => figure.kind != FigureKind::Year,
                };
                if wanted {
                    let metric = fit.measure.map(|m| m.name.clone()).or_else(|| metric_of(figure));
                    out.push((CitedFigure { metric, figure: figure.clone(), citation: i + 1 }, fit));
                }
            }
        }
        if scope == FigureScope::Matching {
            // Stable: equal fits keep passage order.
            out.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
        }
        out.into_iter().unzip()
    }
}

/// Readies `parsed` for the search an answer runs, as read in `question`:
/// the measure words it names are added with `expansion_weight` (0: none;
/// long statements are not expanded, see [`Question::long_statement`]),
/// its rewrites ("FY25" as "fiscal 2025") with full weight, its translations
/// with their own weight (read with `stats`, which must hold
/// [`Question::translation_terms`]), and words that only frame a question
/// ("how", "much") are dropped unless nothing else is left. Answers and
/// `chipbot eval` both search this way.
pub fn prepare_search(parsed: &mut ParsedQuery, question: &Question<'_>, expansion_weight: f32, analyzer: &Analyzer, stats: &TermStats) {
    if expansion_weight > 0.0 && !question.long_statement {
        parsed.expansions = question.expansions.iter().map(|w| (w.clone(), expansion_weight)).collect();
    }
    parsed.expansions.extend(question.rewrites.iter().map(|w| (w.clone(), 1.0)));
    parsed.expansions.extend(question.translations.iter().map(|t| (t.text.clone(), t.weight(analyzer, |term| stats.idf(term)))));
    if question.is_question() {
        let content: Vec<String> =
            parsed.terms.iter().filter(|t| !analyzer.terms(t).iter().all(|term| question.is_frame_word(term))).cloned().collect();
        if !content.is_empty() {
            parsed.terms = content;
        }
    }
}

/// Candidates judged for [`ANSWER_TYPE_BONUS`] per citation shown: room for
/// selection to skip near-duplicates and passages over the per-report cap.
const JUDGED_PER_CITATION: usize = 2;

/// Moves the passage cited as `n` to the front, renumbering the figures' citations.
fn cite_first(chosen: &mut [PassageHit], figures: &mut [CitedFigure], n: usize) {
    if n <= 1 || n > chosen.len() {
        return;
    }
    chosen[..n].rotate_right(1);
    for f in figures {
        f.citation = match f.citation {
            c if c == n => 1,
            c if c < n => c + 1,
            c => c,
        };
    }
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

/// A set of [`term_hash`]es; the hashes are hashed no further.
type TermHashes = HashSet<u64, std::hash::BuildHasherDefault<Prehashed>>;

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, &b| h.rotate_left(8) ^ u64::from(b));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A 64-bit FNV-1a hash of an index term (for comparing term sets).
fn term_hash(term: &str) -> u64 {
    term.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn overlap(a: &TermHashes, b: &TermHashes) -> f32 {
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
            figures: Vec::new().into(),
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

    /// The report ids `Composer::select` keeps of `ranked` for a question word.
    fn selected_ids(ranked: Vec<PassageHit>, word: &str) -> Vec<String> {
        let settings = AnswerSettings::default();
        let analyzer = Analyzer::default();
        let gazetteer = Gazetteer::empty();
        let measures = Measures::default();
        let composer = Composer { settings: &settings, analyzer: &analyzer, gazetteer: &gazetteer, measures: &measures };
        let wanted: HashSet<String> = [word.to_string()].into();
        composer.select(ranked, 5, &wanted).into_iter().map(|h| h.report.id).collect()
    }

    #[test]
    fn selection_caps_per_report_and_drops_duplicates() {
        // a's second passage (8.0) counts as 6.4, after b's duplicate (dropped)
        // and before c (5.0); its third is over the cap.
        let ranked = vec![
            hit("a", "2025-01-01", 9.0, "HBM supply is tight this year"),
            hit("a", "2025-01-01", 8.0, "SK hynix leads HBM"),
            hit("a", "2025-01-01", 7.0, "Micron expands capacity"),
            hit("b", "2025-01-01", 6.0, "HBM supply is tight this year"),
            hit("c", "2025-01-01", 5.0, "Samsung qualifies HBM3E"),
        ];
        let ids = selected_ids(ranked, "hbm");
        assert_eq!(ids, vec!["a", "a", "c"]);
    }

    #[test]
    fn the_headline_passage_is_cited_first() {
        let mut chosen = vec![hit("a", "2025-01-01", 3.0, "x"), hit("b", "2025-01-01", 2.0, "y"), hit("c", "2025-01-01", 1.0, "z")];
        let figure = |citation| CitedFigure { figure: crate::figures::extract("It was 5%.", &Gazetteer::empty())[0].clone(), citation, metric: None };
        let mut figures = vec![figure(1), figure(2), figure(3)];
        cite_first(&mut chosen, &mut figures, 3);
        let ids: Vec<&str> = chosen.iter().map(|h| h.report.id.as_str()).collect();
        assert_eq!(ids, vec!["c", "a", "b"]);
        assert_eq!(figures.iter().map(|f| f.citation).collect::<Vec<_>>(), vec![2, 3, 1]);
    }

    #[test]
    fn a_clearly_better_second_passage_stays_ahead() {
        let ranked = vec![hit("a", "2025-01-01", 9.0, "x"), hit("a", "2025-01-01", 8.0, "y"), hit("b", "2025-01-01", 3.0, "z")];
        let ids: Vec<String> = further_passages_later(ranked).into_iter().map(|h| h.report.id).collect();
        assert_eq!(ids, vec!["a", "a", "b"]);
        let close = vec![hit("a", "2025-01-01", 9.0, "x"), hit("a", "2025-01-01", 8.0, "y"), hit("b", "2025-01-01", 7.0, "z")];
        let ids: Vec<String> = further_passages_later(close).into_iter().map(|h| h.report.id).collect();
        assert_eq!(ids, vec!["a", "b", "a"], "8.0 counts as 6.4, below a new source's 7.0");
    }

    #[test]
    fn second_passage_needs_its_own_query_word() {
        let ranked = vec![
            hit("a", "2025-01-01", 9.0, "HBM supply is tight"),
            hit("a", "2025-01-01", 8.0, "Only the title matched this passage"),
            hit("b", "2025-01-01", 7.0, "Title-only match is fine for a first passage"),
        ];
        let ids = selected_ids(ranked, "hbm");
        assert_eq!(ids, vec!["a", "b"]);
    }
}
