//! The headline: one line that opens an answer with the figure that answers
//! the question, quoted verbatim from a cited passage, with its citation.
//! When sources give different values, both are shown side by side; when no
//! cited figure states what was asked, the line says so and names the
//! nearest figures instead of promoting one of them. Nothing is computed,
//! averaged or invented: the line is built from figure texts and labels.

use chrono::NaiveDate;

use super::fit::Fit;
use super::question::{Ask, Question};
use crate::figures::{Figure, FigureKind};
use crate::segment::is_han;
use crate::reply::{Citation, CitedFigure, Headline, HeadlineStatus};

/// How far below the best fit a disagreeing figure may score; for a
/// "latest" question, how far below the best fit the newest figure may score.
const DISAGREEMENT_MARGIN: f32 = 1.0;
/// Longest quotation of a sentence in a year headline, in characters.
const QUOTE_CHARS: usize = 180;
/// Nearest figures named when the question is not answered.
const NEAREST: usize = 2;

/// The figure that answers `question` best among those `eligible`: the best
/// fit, or for a "latest" question the newest of the nearly best (see
/// [`newest`]). `published` gives a citation number's publication date.
pub fn best(
    question: &Question<'_>,
    figures: &[CitedFigure],
    fits: &[Fit<'_>],
    published: impl Fn(usize) -> Option<NaiveDate>,
    eligible: impl Fn(usize) -> bool,
) -> Option<usize> {
    let answering = |i: &usize| fits[*i].answers(question) && eligible(*i);
    let best = (0..figures.len()).filter(answering).max_by(|&a, &b| fits[a].score.total_cmp(&fits[b].score).then(b.cmp(&a)))?;
    if !question.latest {
        return Some(best);
    }
    Some(newest(best, figures, fits, published, answering))
}

/// The headline for `question` from the answer's listed `figures` and their
/// `fits` (same order); `None` when the question does not ask for a figure.
pub fn choose(question: &Question<'_>, figures: &[CitedFigure], fits: &[Fit<'_>], citations: &[Citation]) -> Option<Headline> {
    if !question.wants_figure() {
        return None;
    }
    let answering = |i: &usize| fits[*i].answers(question);
    let Some(best) = best(question, figures, fits, |n| citations[n - 1].report.published, |_| true) else {
        return Some(not_found(question, figures, fits));
    };
    let report = |i: usize| &citations[figures[i].citation - 1].report.report_id;
    let (best, also) = match in_question_script(question, best, figures, fits) {
        Some(agreeing) => (agreeing, Some(best)),
        None => (best, None),
    };
    let mut shown = vec![best];
    for i in (0..figures.len()).filter(answering) {
        if also == Some(i) {
            continue;
        }
        let differs_from_all = shown.iter().all(|&j| !same_value(&figures[i].figure, &figures[j].figure) && report(i) != report(j));
        // A report that also states the headline's value agrees with it,
        // whatever else it states (a segment's revenue beside the total).
        let report_agrees = (0..figures.len()).any(|k| report(k) == report(i) && answering(&k) && same_value(&figures[k].figure, &figures[best].figure));
        if differs_from_all
            && !report_agrees
            && fits[i].score >= fits[best].score - DISAGREEMENT_MARGIN
            && comparable(&figures[i], &fits[i], &figures[best], &fits[best])
        {
            shown.push(i);
        }
    }
    let label = label(&figures[best], &fits[best], question);
    let values: Vec<String> = shown.iter().map(|&i| format!("{} [{}]", figures[i].figure.text, figures[i].citation)).collect();
    let mut citations_used: Vec<usize> = shown.iter().map(|&i| figures[i].citation).collect();
    citations_used.dedup();
    let (text, status) = if shown.len() > 1 {
        (format!("{label}: {} (the sources differ)", values.join(" vs ")), HeadlineStatus::Disagreement)
    } else if figures[best].figure.kind == FigureKind::Year {
        (format!("{}: \u{201c}{}\u{201d}", values[0], quote(&figures[best].figure)), HeadlineStatus::Answered)
    } else if let Some(other) = also {
        let original = format!("{} [{}]", figures[other].figure.text, figures[other].citation);
        shown.push(other);
        citations_used.push(figures[other].citation);
        (format!("{label}: {} (also {original})", values[0]), HeadlineStatus::Answered)
    } else {
        (format!("{label}: {}", values[0]), HeadlineStatus::Answered)
    };
    Some(Headline { text, figures: shown, citations: citations_used, status })
}

/// When `best` is written in another script than the question (a Chinese
/// filing's "10.38亿元" for an English question), the figure that states the
/// same value in the question's script ("1.038 billion yuan") in another
/// passage, if one answers too: the same value, unit, measure and period
/// make it the same fact, however much less its sentence names. The headline
/// then shows it first and the original beside it. The same value in two
/// languages is one figure, never a disagreement.
fn in_question_script(question: &Question<'_>, best: usize, figures: &[CitedFigure], fits: &[Fit<'_>]) -> Option<usize> {
    let han = |text: &str| text.chars().any(is_han);
    let wanted = han(&question.raw);
    if han(&figures[best].figure.text) == wanted {
        return None;
    }
    (0..figures.len())
        .filter(|&i| {
            fits[i].answers(question)
                && han(&figures[i].figure.text) == wanted
                && figures[i].citation != figures[best].citation
                && same_value(&figures[i].figure, &figures[best].figure)
                && agrees(&figures[i], &fits[i], &figures[best], &fits[best])
        })
        .max_by(|&a, &b| fits[a].score.total_cmp(&fits[b].score).then(b.cmp(&a)))
}

/// For a "latest" question: among the answering figures that fit nearly as
/// well as `best`, the actual one from the newest report, the latest period
/// breaking ties (a forecast is not the latest figure unless nothing else is).
fn newest(
    best: usize,
    figures: &[CitedFigure],
    fits: &[Fit<'_>],
    published: impl Fn(usize) -> Option<NaiveDate>,
    answering: impl Fn(&usize) -> bool,
) -> usize {
    let floor = fits[best].score - DISAGREEMENT_MARGIN;
    let key = |i: usize| {
        let f = &figures[i].figure;
        (!f.forecast, published(figures[i].citation), f.period().map(|p| p.time_key()))
    };
    (0..figures.len())
        .filter(|i| answering(i) && fits[*i].score >= floor)
        .max_by(|&a, &b| key(a).cmp(&key(b)).then(fits[a].score.total_cmp(&fits[b].score)).then(b.cmp(&a)))
        .unwrap_or(best)
}

/// The line for a question that the reports do not cover at all.
pub fn uncovered(matched: &[String]) -> Headline {
    let text = if matched.is_empty() {
        "The reports do not cover this question; the closest passages follow.".to_string()
    } else {
        format!(
            "The reports do not cover this question; the closest passages below match only {}.",
            matched.iter().map(|w| format!("\u{201c}{w}\u{201d}")).collect::<Vec<_>>().join(", ")
        )
    };
    Headline { text, figures: Vec::new(), citations: Vec::new(), status: HeadlineStatus::NotFound }
}

/// "The reports do not give SMIC utilisation in 2025; the nearest figures
/// are 85.6% (SMIC utilisation, 2024) [1]."
fn not_found(question: &Question<'_>, figures: &[CitedFigure], fits: &[Fit<'_>]) -> Headline {
    let mut near: Vec<usize> = (0..figures.len()).filter(|&i| fits[i].kind_ok && fits[i].relevant()).collect();
    near.sort_by(|&a, &b| fits[b].score.total_cmp(&fits[a].score).then(a.cmp(&b)));
    near.truncate(NEAREST);
    let asked = asked_label(question);
    let text = if near.is_empty() {
        format!("The reports do not give {asked}.")
    } else {
        let listed: Vec<String> = near
            .iter()
            .map(|&i| format!("{} ({}) [{}]", figures[i].figure.text, label(&figures[i], &fits[i], question), figures[i].citation))
            .collect();
        format!("The reports do not give {asked}; the nearest figures are {}.", listed.join(", "))
    };
    let citations = near.iter().map(|&i| figures[i].citation).collect();
    Headline { text, figures: near, citations, status: HeadlineStatus::NotFound }
}

/// What the question asks for, in words: "SMIC utilisation in 2025".
fn asked_label(question: &Question<'_>) -> String {
    let mut subjects: Vec<&str> = question.subjects.iter().map(String::as_str).collect();
    subjects.sort_unstable();
    let measure = match (question.ask, question.measures.first()) {
        (Ask::Time, Some(m)) => format!("a date for {}", m.name),
        (Ask::Time, None) => "a date".to_string(),
        (_, Some(m)) => m.name.clone(),
        (_, None) => "that figure".to_string(),
    };
    let mut out = if subjects.is_empty() {
        // No known company: the question's own topic words say what it is about.
        if question.topic_words.is_empty() { measure } else { format!("{} {measure}", question.topic_words.join(" ")) }
    } else {
        format!("{} {measure}", subjects.join(" and "))
    };
    if !question.years.is_empty() {
        let years: Vec<String> = question.years.iter().map(i32::to_string).collect();
        out.push_str(&format!(" for {}", years.join(" or ")));
    }
    out
}

/// What a figure states: "SMIC utilisation in 2024", "Huawei share (2026, forecast)".
pub fn label(cited: &CitedFigure, fit: &Fit<'_>, question: &Question<'_>) -> String {
    let f = &cited.figure;
    let sole_subject = (question.subjects.len() == 1).then(|| question.subjects.iter().next()).flatten();
    let subject = f.subject.as_ref().or(sole_subject);
    let measure = if f.change {
        Some("growth")
    } else if f.kind == FigureKind::Percent && f.of.is_some() {
        Some("share")
    } else {
        fit.measure.map(|m| m.name.as_str()).or(cited.metric.as_deref()).or(question.measures.first().map(|m| m.name.as_str()))
    };
    let mut out = match (subject, measure) {
        (Some(s), Some(m)) => format!("{s} {m}"),
        (Some(s), None) => s.clone(),
        (None, Some(m)) => capitalise(m),
        (None, None) => "Figure".to_string(),
    };
    if let Some(of) = f.of.as_ref().filter(|of| !restates(of, &out)) {
        out.push_str(&format!(" of {of}"));
    }
    if let Some(period) = f.period().filter(|_| f.kind != FigureKind::Year) {
        out.push_str(&format!(" in {period}"));
    }
    if f.forecast {
        out.push_str(" (forecast)");
    }
    out
}

/// Two figures that give the same thing: same measure, unit, subject and
/// period. Figures whose subject is unknown are never compared: "the
/// market" in one report and "the AI accelerator market" in another are not
/// one thing whose value the sources dispute.
fn comparable(a: &CitedFigure, fa: &Fit<'_>, b: &CitedFigure, fb: &Fit<'_>) -> bool {
    a.figure.subject.is_some() && a.figure.subject == b.figure.subject && same_measure(a, fa, b, fb)
}

/// Same kind, unit, measure and period.
fn same_measure(a: &CitedFigure, fa: &Fit<'_>, b: &CitedFigure, fb: &Fit<'_>) -> bool {
    let name = |f: &Fit<'_>| f.measure.map(|m| m.name.clone());
    a.figure.kind == b.figure.kind
        && a.figure.unit == b.figure.unit
        && name(fa) == name(fb)
        && a.figure.period() == b.figure.period()
}

/// Whether `a` can be the same fact as `b`: comparable, or so except that
/// `a`'s sentence names no subject ("its net profit was 1.038 billion yuan").
fn agrees(a: &CitedFigure, fa: &Fit<'_>, b: &CitedFigure, fb: &Fit<'_>) -> bool {
    (a.figure.subject.is_none() || a.figure.subject == b.figure.subject) && same_measure(a, fa, b, fb)
}

fn same_value(a: &Figure, b: &Figure) -> bool {
    (a.value - b.value).abs() <= 1e-9 * a.value.abs().max(b.value.abs()).max(1.0) && a.high == b.high
}

/// The figure's sentence, cut around the figure to at most [`QUOTE_CHARS`].
fn quote(f: &Figure) -> String {
    let sentence = f.sentence.trim();
    if sentence.chars().count() <= QUOTE_CHARS {
        return sentence.to_string();
    }
    let at = sentence.find(f.text.as_str()).unwrap_or(0);
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let centre = chars.iter().position(|(i, _)| *i >= at).unwrap_or(0);
    let start = centre.saturating_sub(QUOTE_CHARS / 2);
    let end = (start + QUOTE_CHARS).min(chars.len());
    let start = end.saturating_sub(QUOTE_CHARS);
    let byte = |i: usize| chars.get(i).map_or(sentence.len(), |(b, _)| *b);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&sentence[byte(start)..byte(end)]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Whether `of` ("NVIDIA's revenue") only repeats words of the label ("NVIDIA revenue").
fn restates(of: &str, label: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1 && *w != "s").map(str::to_string).collect()
    };
    let label = words(label);
    words(of).iter().all(|w| label.iter().any(|l| l == w || l.trim_end_matches('s') == w.trim_end_matches('s')))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
