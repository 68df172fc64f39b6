//! How well a figure of a cited passage answers a [`Question`]: does it state
//! the measure asked for, about the subject asked about, for the period asked
//! for, in a kind of number the question can take? The same fit orders the
//! figures an answer lists and chooses its headline.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::measures::{Located, Measure, Measures};
use super::question::{Ask, Question};
use crate::figures::{Figure, FigureKind, Gazetteer};
use chrono::Datelike;

use crate::search::{Analyzer, PassageHit};

mod around;
mod period;
mod subject;
use period::{context_parts, part_fits, reporting_date, FULL_YEAR};

use around::{
    basis_bonus, byte_span, compared_to, date_precision, distance_to, introduced_by_by, is_specification, narrow_window, part_bonus,
    parts_named, share_of, window_of, WINDOW_TERMS, YEAR_IN_TEXT, YEAR_WINDOW_TERMS,
};

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
    /// Question topic words found near the figure in its sentence.
    pub topic_words: usize,
    /// A question topic word is anywhere in the figure's sentence.
    pub topic_in_sentence: bool,
    /// The overall score: higher fits better.
    pub score: f32,
}

impl Fit<'_> {
    /// Whether the figure has anything to do with the question: its kind
    /// fits, it is about the subject asked about (if any), and it matches the
    /// measure, the topic words or the period.
    pub fn relevant(&self) -> bool {
        self.kind_ok && self.subject_ok && (self.measure_ok || self.topic_words > 0 || self.period_ok)
    }

    /// Whether the figure states what was asked: right kind, measure,
    /// subject and period.
    /// A question with topic words but no subject ("Tesla Model 3 price")
    /// is not answered by a figure near none of them.
    pub fn answers(&self, question: &Question<'_>) -> bool {
        // A date answers an event named by the question's own words ("when did
        // the performance-density rule kick in") even where the measure word is not repeated.
        let measure_ok = if question.measures.is_empty() { self.topic_words > 0 } else { self.measure_ok || (question.ask == Ask::Time && self.topic_words > 0) };
        // A figure stating the measure asked for may have the topic further
        // along its sentence ("sales reached US$791.7 billion ... according
        // to the SIA").
        let about_it = !question.subjects.is_empty()
            || question.topic_terms.is_empty()
            || self.topic_words > 0
            || (self.measure_ok && self.topic_in_sentence);
        self.kind_ok && measure_ok && self.subject_ok && self.period_ok && about_it
    }
}

/// How a figure's subject relates to the subjects a question names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubjectMatch {
    /// The figure's subject is one of them (or the question names none).
    Named,
    /// One of them is named with the figure.
    Nearby,
    /// One of them is what the figure's passage is about, though its
    /// sentence does not name it.
    InPassage,
    /// The figure is about something else.
    Other,
}


/// Gazetteer entities named in a text, with their byte ranges.
type Mentions = Vec<(std::ops::Range<usize>, String)>;

/// What a figure's unit says: the measure it names, and whether the
/// question names it too ("how many chips" and "9,216 chips").
#[derive(Debug, Clone, Copy)]
struct UnitReading<'m> {
    measure: Option<&'m Measure>,
    asked: bool,
}

/// What is worked out once per sentence, for all its figures.
struct Sentence<'m> {
    tokens: Vec<(std::ops::Range<usize>, String)>,
    located: Located<'m>,
    /// The sentence names a measure the question asks for.
    names_measure: bool,
    /// Gazetteer entities named in it, with their byte ranges (looked up
    /// only when the question names a subject).
    mentions: Vec<(std::ops::Range<usize>, String)>,
    /// The parts of a year it names ([`parts_named`]).
    parts: u8,
    /// It names another model of a line the question asks about.
    other_model: bool,
}

/// Judges figures against one question.
pub struct Judge<'a, 'm> {
    pub question: &'a Question<'m>,
    pub measures: &'m Measures,
    pub analyzer: &'a Analyzer,
    pub gazetteer: &'a Gazetteer,
    sentences: RefCell<HashMap<String, Rc<Sentence<'m>>, std::hash::BuildHasherDefault<crate::search::Fnv>>>,
    /// Companies and products named in each passage, looked up only for
    /// sentences that name none ([`Judge::topic_before`]).
    /// Gazetteer mentions of each sentence ([`Judge::mentions_in`]).
    mentions: RefCell<HashMap<String, Rc<Mentions>, std::hash::BuildHasherDefault<crate::search::Fnv>>>,
    /// Keyed by report id and passage number.
    passages: RefCell<HashMap<(String, usize), Rc<Mentions>>>,
    /// How much each topic term counts when near a figure: rarer words
    /// (a model number such as "9030") more than common ones ("chip").
    topic_weights: HashMap<String, f32>,
    /// The measure each figure unit names, if any ("layers": stack height).
    units: RefCell<HashMap<(String, FigureKind), UnitReading<'m>>>,
    /// Fits worked out, as for citation 1, keyed by report id, passage and
    /// the figure's place among the passage's figures: a candidate judged
    /// while passages are chosen is not judged again when its figures are listed.
    fits: RefCell<HashMap<(String, usize, usize), Fit<'m>>>,
}

impl<'a, 'm> Judge<'a, 'm> {
    pub fn new(question: &'a Question<'m>, measures: &'m Measures, analyzer: &'a Analyzer, gazetteer: &'a Gazetteer) -> Self {
        Judge { question, measures, analyzer, gazetteer, sentences: RefCell::new(HashMap::default()), mentions: RefCell::new(HashMap::default()), passages: RefCell::new(HashMap::new()), units: RefCell::new(HashMap::new()), topic_weights: HashMap::new(), fits: RefCell::new(HashMap::new()) }
    }

    /// Weighs the question's topic terms by how rare they are in the index
    /// (relative to the question's average; without stats all count 1).
    pub fn with_topic_weights(mut self, stats: &crate::search::TermStats) -> Self {
        let terms = &self.question.topic_terms;
        if stats.passages == 0 || terms.is_empty() {
            return self;
        }
        let mean = terms.iter().map(|t| stats.idf(t)).sum::<f32>() / terms.len() as f32;
        if mean > 0.0 {
            self.topic_weights = terms.iter().map(|t| (t.clone(), (stats.idf(t) / mean).clamp(0.3, 2.0))).collect();
        }
        self
    }

    fn sentence(&self, text: &str) -> Rc<Sentence<'m>> {
        if let Some(known) = self.sentences.borrow().get(text) {
            return known.clone();
        }
        let tokens = self.analyzer.tokens(text);
        let other_model = {
            let terms: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
            self.question.other_model(&terms)
        };
        let located = self.measures.locate(&tokens);
        let asked: Vec<&str> = self.question.measures.iter().map(|m| m.name.as_str()).collect();
        let sentence = Rc::new(Sentence {
            names_measure: located.names_any(&asked),
            tokens: tokens.into_iter().map(|t| (t.range, t.term)).collect(),
            located,
            mentions: self.mentions_in(text).as_ref().clone(),
            // Only a question with a year or a part of one looks at parts.
            parts: if self.question.part.is_some() || !self.question.years.is_empty() { parts_named(&text.to_lowercase()) } else { 0 },
            other_model,
        });
        self.sentences.borrow_mut().insert(text.to_string(), sentence.clone());
        sentence
    }

    /// The measure a figure's unit names ("12-high" counts "layers", a
    /// stack height word), which says what it is before any word near it.
    fn unit_reading(&self, figure: &Figure) -> UnitReading<'m> {
        let key = (figure.unit.clone(), figure.kind);
        if let Some(known) = self.units.borrow().get(&key) {
            return *known;
        }
        let terms = self.analyzer.terms(&figure.unit.replace('/', " per "));
        let measure = self.measures.in_text(&terms).into_iter().find(|m| m.fits(figure.kind));
        // "how many chips": the question counts what the unit names.
        let asked = figure.kind == FigureKind::Count && self.question.ask == Ask::Count && !terms.is_empty() && terms.iter().all(|t| self.question.terms.contains(t));
        let reading = UnitReading { measure, asked };
        self.units.borrow_mut().insert(key, reading);
        reading
    }

    /// Whether `figure` (in the passage `hit`) is for a year the question
    /// asks about (or the question names none).
    fn period_ok(&self, figure: &Figure, hit: &PassageHit) -> bool {
        let q = self.question;
        let passage = hit.text.as_str();
        // "When did the follow-up to the Oct 2022 rules come?": the years a
        // date question names set the scene, they are not the answer.
        q.years.is_empty()
            || (q.ask == Ask::Time && figure.kind == FigureKind::Year)
            || match figure.year {
                Some(y) if figure.kind != FigureKind::Year => q.years.contains(&y),
                // A figure its sentence does not date is dated by its passage
                // ("The first rule added 140 entities" after "On 2 December
                // 2024, ..."), or, undated there too, by its report's title
                // ("... share in Q4 2025") or else its date.
                _ if !YEAR_IN_TEXT.is_match(&figure.sentence) => {
                    let title = hit.report.title.as_str();
                    if YEAR_IN_TEXT.is_match(passage) {
                        q.years.iter().any(|y| passage.contains(&y.to_string()))
                    } else if YEAR_IN_TEXT.is_match(title) {
                        q.years.iter().any(|y| title.contains(&y.to_string()))
                    } else {
                        hit.report.published.is_some_and(|d| q.years.contains(&d.year()))
                    }
                }
                _ => q.years.iter().any(|y| figure.sentence.contains(&y.to_string())),
            }
    }

    /// Whether `figure`, in the passage `hit`, answers the question: the
    /// same as [`Fit::answers`] of [`Judge::fit`], with the cheap tests first
    /// (kind, year, quarter), so that re-ranking many candidate passages
    /// analyses only the sentences that could answer.
    pub fn answers(&self, figure: &Figure, hit: &PassageHit) -> bool {
        let q = self.question;
        let kind_ok = if figure.kind == FigureKind::Year { q.ask == Ask::Time } else { q.kinds.contains(&figure.kind) };
        kind_ok
            && self.period_ok(figure, hit)
            && q.part.is_none_or(|part| part_fits(part, figure, context_parts(figure, hit, parts_named(&figure.sentence.to_lowercase()))))
            && self.subject_possible(figure, hit)
            && self.fit(figure, 1, hit).answers(q)
    }

    /// The fit of `figure`, found in the passage `hit`, cited as number `citation`.
    pub fn fit(&self, figure: &Figure, citation: usize, hit: &PassageHit) -> Fit<'m> {
        let place = hit.figures.iter().position(|f| std::ptr::eq(f, figure));
        let key = place.map(|i| (hit.report.id.clone(), hit.passage, i));
        let known = key.as_ref().and_then(|k| self.fits.borrow().get(k).cloned());
        let mut fit = match known {
            Some(fit) => fit,
            None => {
                let fit = self.first_fit(figure, hit);
                if let Some(key) = key {
                    self.fits.borrow_mut().insert(key, fit.clone());
                }
                fit
            }
        };
        // The same last step as in one pass: later citations rank lower.
        fit.score -= 0.15 * (citation.saturating_sub(1)) as f32;
        fit
    }

    /// Whether the figure's kind is one the question can take (any kind when
    /// it names none; a year only when it asks when): [`Fit::kind_ok`].
    pub fn kind_fits(&self, figure: &Figure) -> bool {
        let q = self.question;
        if figure.kind == FigureKind::Year {
            q.ask == Ask::Time
        } else {
            q.kinds.is_empty() || q.kinds.contains(&figure.kind)
        }
    }

    /// The fit of `figure` in `hit` as citation 1.
    fn first_fit(&self, figure: &Figure, hit: &PassageHit) -> Fit<'m> {
        let q = self.question;
        let info = self.sentence(&figure.sentence);
        let tokens = &info.tokens;
        let at = figure.sentence.find(figure.text.as_str()).unwrap_or(0);
        let unit = self.unit_reading(figure);
        let measure = unit.measure.or_else(|| info.located.nearest(at..at + figure.text.len(), figure.kind));
        let names_measure = info.names_measure;
        let window = window_of(figure, tokens);
        let window_bytes = byte_span(figure, tokens, &window);
        let mut near_measures: Vec<&str> =
            info.located.within(window_bytes, figure.kind).into_iter().map(|m| m.name.as_str()).collect();
        let is_share = figure.kind == FigureKind::Percent && !figure.change && (figure.of.is_some() || share_of(figure));
        if is_share {
            near_measures.push("share");
        }
        if figure.change {
            near_measures.push("growth");
        }
        match figure.kind {
            FigureKind::Rank => near_measures.push("rank"),
            FigureKind::Duration => near_measures.push("duration"),
            _ => {}
        }
        let kind_ok = self.kind_fits(figure);
        let named = |m: &Measure| q.measures.iter().any(|w| w.name == m.name);
        let stated_near = near_measures.iter().any(|n| q.measures.iter().any(|m| m.name == *n)) || measure.is_some_and(named);
        // The measure named first is the one asked for ("how much memory is
        // in a 12-layer stack"); the others set the scene.
        let primary = q.measures.first().map(|m| m.name.as_str());
        // A figure whose own nearest measure word is another one does not
        // state the primary measure just because its word is near
        // ("revenue was US$7.7 billion ... net income fell to US$482 million").
        let own = match (figure.kind, figure.change, is_share) {
            // A rank or a duration says what it is by its form.
            (FigureKind::Rank, _, _) => Some("rank"),
            (FigureKind::Duration, _, _) => Some("duration"),
            (_, true, _) => Some("growth"),
            (_, false, true) => Some("share"),
            _ => measure.map(|m| m.name.as_str()),
        };
        let states_primary = match own {
            // A percentage with "share" near it is a share whatever else is near.
            Some(name) => {
                Some(name) == primary
                    || measure.is_some_and(|m| Some(m.name.as_str()) == primary)
                    || (primary == Some("share") && figure.kind == FigureKind::Percent && !figure.change && near_measures.contains(&"share"))
            }
            None => near_measures.contains(&primary.unwrap_or_default()),
        };
        // Further away in its sentence, a measure word still says what the
        // figure is about ("capital spending ... to grow 25% ... to reach
        // US$172 billion"), if the figure's kind can state it.
        let stated_in_sentence = names_measure && q.measures.iter().any(|m| m.fits(figure.kind) || figure.kind == FigureKind::Year);
        // A growth rate is no answer to "what share" unless growth is asked
        // for too: "sales to grow 74% a year" is not a portion of sales.
        let asks_change = q.ask == Ask::Change || q.measures.iter().any(|m| m.name == "growth");
        let change_for_share = primary == Some("share") && own == Some("growth") && !asks_change;
        let measure_ok = (stated_near || stated_in_sentence) && !change_for_share;
        let topic_near = tokens[window.clone()].iter().any(|(_, t)| q.topic_terms.contains(t));
        let mut subject = self.subject_match(figure, byte_span(figure, tokens, &window), &info.mentions, topic_near);
        if subject == SubjectMatch::Other && !figure.subject.as_deref().is_some_and(|s| self.is_company(s)) && !info.mentions.iter().any(|(_, m)| self.is_company(m)) {
            // A sentence that names no company is about the one its passage is about.
            if self.topic_before(hit, &figure.sentence).is_some_and(|t| q.subjects.contains(&t)) {
                subject = SubjectMatch::InPassage;
            }
        }
        if subject == SubjectMatch::Other && !q.subjects.iter().any(|s| self.is_company(s)) {
            // A region or a technology ("China", "HBM") sets the scene of a
            // whole passage: "the share of imported AI chips ... 42%".
            if self.passage_mentions(hit).iter().any(|(_, m)| q.subjects.contains(m)) {
                subject = SubjectMatch::InPassage;
            }
        }
        let subject_ok = subject != SubjectMatch::Other;
        let period_ok = self.period_ok(figure, hit);
        // A year belongs to the words right next to it ("the MI400 in 2026").
        let local = if figure.kind == FigureKind::Year {
            narrow_window(&window, YEAR_WINDOW_TERMS, tokens, figure)
        } else {
            window.clone()
        };
        let close = &tokens[local.clone()];
        let is_close = |term: &str| close.iter().any(|(_, t)| t == term);
        // A quarter or half asked for must be named with the figure.
        let period_ok = period_ok && q.part.is_none_or(|part| part_fits(part, figure, context_parts(figure, hit, info.parts)));
        let topic_words = q.topic_terms.iter().filter(|t| is_close(t)).count();
        // Nearer topic words count more: in "data center revenue of US$51.2
        // billion and gaming revenue of US$4.3 billion", "gaming" dates the second.
        let nearness: f32 = q
            .topic_terms
            .iter()
            .filter_map(|t| distance_to(figure, tokens, &local, t).map(|d| (t, d)))
            .map(|(t, d)| self.topic_weights.get(t).copied().unwrap_or(1.0) * (1.0 - d as f32 / (WINDOW_TERMS + 1) as f32).max(0.0))
            .sum();
        let subject_words = q.subject_terms.iter().filter(|t| is_close(t)).count();
        let mut score = 0.0;
        if !kind_ok {
            score -= 4.0;
        }
        if states_primary {
            score += 3.0;
        } else if stated_near {
            score += 2.0;
        } else if stated_in_sentence {
            score += 1.5;
        } else if names_measure {
            score += 1.0;
        }
        if !q.subjects.is_empty() {
            score += match subject {
                SubjectMatch::Named => 2.0,
                SubjectMatch::Nearby => 1.0,
                SubjectMatch::InPassage => 0.5,
                SubjectMatch::Other => -2.0,
            };
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
        let is_change = figure.change;
        if unit.asked || q.units.iter().any(|u| figure.text.to_lowercase().contains(u.as_str())) {
            score += 1.5;
        }
        if asks_change != is_change && q.ask != Ask::Compare && matches!(figure.kind, FigureKind::Percent | FigureKind::Multiple) {
            score -= 1.0;
        }
        if q.ask == Ask::Compare && matches!(figure.kind, FigureKind::Percent | FigureKind::Multiple) {
            // "how much faster than the H100": a ratio says it outright.
            score += 1.5;
        }
        if info.other_model {
            // "Kirin 9000s" when "Kirin 9030" was asked about.
            score -= 1.0;
        }
        if figure.baseline {
            // "up 73% from US$39.3 billion": the base is rarely what is asked.
            score -= 0.75;
        }
        // Anywhere in the sentence, the question's rarer words still say it
        // is about the thing asked ("Kirin 9030 ... using its N+3 process").
        let in_sentence: f32 = q
            .topic_terms
            .iter()
            .filter(|t| tokens.iter().any(|(_, s)| s == *t))
            .map(|t| self.topic_weights.get(t).copied().unwrap_or(1.0))
            .sum();
        score += 0.6 * nearness.min(4.0) + 0.4 * subject_words.min(3) as f32 + 0.3 * in_sentence.min(4.0);
        if let Some(basis) = q.basis {
            score += basis_bonus(basis, &compared_to(figure));
        }
        if !q.years.is_empty() && q.part.is_none_or(|part| part == FULL_YEAR) {
            // "in FY25" asks for the whole year: a quarter's figure is a
            // weaker answer, and one in a sentence about a quarter a little weaker.
            if figure.part.is_some() && figure.kind != FigureKind::Year {
                score -= 1.0;
            } else if info.parts & 0b0111_1110 != 0 && info.parts & (1 << 7) == 0 {
                score -= 0.5;
            }
        }
        if q.ask != Ask::YesNo && (q.quoted(&figure.text) || q.names_date(figure)) {
            // "how much memory is in a 12-layer stack": the 12-layer is given, not asked.
            score -= 5.0;
        }
        // Questions that name two measures ("make more than it uses") are
        // answered where both are named.
        let asked_here = q.measures.iter().filter(|m| near_measures.contains(&m.name.as_str())).count();
        score += 0.8 * asked_here.saturating_sub(1) as f32;
        if q.ask == Ask::Time && figure.kind == FigureKind::Year {
            // "When did ..." is answered most exactly by a day, then a month;
            // but the day a source reported something is not when it happens.
            score += if reporting_date(figure) { -2.0 } else { date_precision(&figure.text) };
        }
        if q.by_when && figure.kind == FigureKind::Year && introduced_by_by(figure) {
            score += 0.5;
        }
        if let Some(part) = q.part {
            score += part_bonus(part, info.parts);
        }
        Fit { measure, kind_ok, measure_ok, subject_ok, period_ok, topic_words, topic_in_sentence: in_sentence > 0.0, score }
    }

}
