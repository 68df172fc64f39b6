//! Choosing the figures an answer shows, naming what each one measures, and
//! finding where sources disagree. Disagreements are listed value by value,
//! each with its citation; nothing is averaged.

use std::collections::HashSet;

use crate::figures::{Figure, FigureKind, Gazetteer};
use crate::search::Analyzer;

/// Words that name what a figure measures, with the figure kinds they fit.
const METRICS: [(&str, &[FigureKind]); 20] = [
    ("share", &[FigureKind::Percent]),
    ("revenue", &[FigureKind::Money]),
    ("sales", &[FigureKind::Money]),
    ("profit", &[FigureKind::Money]),
    ("income", &[FigureKind::Money]),
    ("capex", &[FigureKind::Money]),
    ("investment", &[FigureKind::Money]),
    ("charge", &[FigureKind::Money]),
    ("cost", &[FigureKind::Money]),
    ("price", &[FigureKind::Money]),
    ("market", &[FigureKind::Money, FigureKind::Percent]),
    ("capacity", &[FigureKind::Count, FigureKind::Memory]),
    ("output", &[FigureKind::Count, FigureKind::Money]),
    ("shipments", &[FigureKind::Count, FigureKind::Percent]),
    ("growth", &[FigureKind::Percent]),
    ("yield", &[FigureKind::Percent]),
    ("node", &[FigureKind::Node]),
    ("bandwidth", &[FigureKind::Bandwidth]),
    ("memory", &[FigureKind::Memory]),
    ("performance", &[FigureKind::Compute]),
];

/// What a question asks about, as far as figures are concerned.
#[derive(Debug, Default)]
pub struct Interest {
    /// Canonical entities named in the question.
    pub subjects: HashSet<String>,
    /// Figure kinds the question's metric words point at (empty: any).
    pub kinds: HashSet<FigureKind>,
    /// Question terms in index form.
    pub terms: HashSet<String>,
    /// The question asks about time ("when", "year").
    pub wants_years: bool,
}

impl Interest {
    /// Derives the interest of `question`.
    pub fn of(question: &str, terms: HashSet<String>, gazetteer: &Gazetteer) -> Interest {
        let lower = question.to_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
        let mut kinds = HashSet::new();
        for (word, fits) in METRICS {
            if words.iter().any(|w| w.trim_end_matches('s') == word.trim_end_matches('s')) {
                kinds.extend(fits.iter().copied());
            }
        }
        let extra: [(&[&str], FigureKind); 5] = [
            (&["nm", "nanometer", "nanometre", "process"], FigureKind::Node),
            (&["wafers", "wafer", "units", "gpus"], FigureKind::Count),
            (&["flops", "tflops", "pflops", "compute"], FigureKind::Compute),
            (&["gb", "tb", "hbm"], FigureKind::Memory),
            (&["percent", "percentage"], FigureKind::Percent),
        ];
        for (cues, kind) in extra {
            if words.iter().any(|w| cues.contains(w)) {
                kinds.insert(kind);
            }
        }
        Interest {
            subjects: gazetteer.mentions(question).into_iter().collect(),
            kinds,
            terms,
            wants_years: asks_about_time(&words),
        }
    }

    /// Whether `figure` from a cited passage answers this question. When the
    /// question names a company, figures about other companies are left out;
    /// when it names only regions or technologies ("China", "HBM"), a figure
    /// counts if its sentence names one of them.
    pub fn matches(&self, figure: &Figure, analyzer: &Analyzer, gazetteer: &Gazetteer) -> bool {
        if figure.kind == FigureKind::Year && !self.wants_years {
            return false;
        }
        if !self.kinds.is_empty() && !self.kinds.contains(&figure.kind) && figure.kind != FigureKind::Year {
            return false;
        }
        let subject_ok = match &figure.subject {
            Some(s) if !self.subjects.is_empty() => {
                self.subjects.contains(s)
                    || (!self.names_a_company(gazetteer)
                        && gazetteer.mentions(&figure.sentence).iter().any(|m| self.subjects.contains(m)))
            }
            _ => true,
        };
        subject_ok && analyzer.any_term(&figure.sentence, |t| self.terms.contains(t))
    }
}

/// Whether a question asks for a time ("when", "what year", "by which year",
/// "timeline"). "Year" on its own does not: "full-year revenue" and "year on
/// year" ask for amounts, and bare years would crowd out the figures.
fn asks_about_time(words: &[&str]) -> bool {
    let asks_which = |w: &str| matches!(w, "what" | "which");
    words.iter().any(|w| matches!(*w, "when" | "timeline" | "timeframe"))
        || words.windows(2).any(|pair| asks_which(pair[0]) && matches!(pair[1], "year" | "years"))
}

/// The metric word nearest to the figure in its sentence, if any fits its kind.
pub fn metric_of(figure: &Figure) -> Option<String> {
    let sentence = figure.sentence.to_lowercase();
    let at = sentence.find(&figure.text.to_lowercase()).unwrap_or(0);
    if is_change(figure, &sentence, at) {
        return Some("growth".to_string());
    }
    METRICS
        .iter()
        .filter(|(_, kinds)| kinds.contains(&figure.kind))
        .filter_map(|(word, _)| {
            let stem = word.trim_end_matches('s');
            sentence.match_indices(stem).map(|(pos, _)| pos.abs_diff(at)).min().map(|d| (d, *word))
        })
        .min()
        .map(|(_, word)| match (word, figure.kind) {
            // "50% of the HBM market" is a market share.
            ("market", FigureKind::Percent) => "share".to_string(),
            _ => word.to_string(),
        })
}

/// Words right around a percentage that make it a change rather than a level
/// ("up 94%", "16% higher", "grew 25%").
const CHANGE_CUES: [&str; 16] = [
    "up", "down", "higher", "lower", "increase", "increased", "growth", "grew", "rose", "jump",
    "jumped", "fell", "decline", "year on year", "year-on-year", "sequential",
];

fn is_change(figure: &Figure, sentence: &str, at: usize) -> bool {
    if figure.kind != FigureKind::Percent {
        return false;
    }
    let from = sentence[..at].char_indices().rev().nth(24).map_or(0, |(i, _)| i);
    let end = (at + figure.text.len()).min(sentence.len());
    let to = sentence[end..].char_indices().nth(30).map_or(sentence.len(), |(i, _)| end + i);
    let window = &sentence[from..to];
    let words: Vec<&str> = window.split(|c: char| !c.is_alphanumeric() && c != '-').collect();
    CHANGE_CUES.iter().any(|cue| if cue.contains(' ') { window.contains(cue) } else { words.contains(cue) })
}

impl Interest {
    /// Whether the question names a company or product (not only a region or
    /// technology such as "China" or "HBM").
    fn names_a_company(&self, gazetteer: &Gazetteer) -> bool {
        use crate::figures::EntityKind;
        self.subjects
            .iter()
            .any(|s| matches!(gazetteer.kind(s), Some(EntityKind::Company | EntityKind::Product) | None))
    }

    /// Whether `figures` include one of the kinds the question asks for.
    pub fn answered_by(&self, figures: &[Figure]) -> bool {
        !self.kinds.is_empty()
            && figures.iter().any(|f| f.kind != FigureKind::Year && self.kinds.contains(&f.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(text: &str, value: f64, sentence: &str, subject: &str, year: i32) -> Figure {
        Figure {
            value,
            unit: "%".into(),
            low: None,
            high: None,
            year: Some(year),
            forecast: true,
            subject: Some(subject.into()),
            of: None,
            change: false,
            baseline: false,
            kind: FigureKind::Percent,
            text: text.into(),
            sentence: sentence.into(),
        }
    }

    #[test]
    fn percent_changes_are_growth() {
        let f = fig("94%", 94.0, "Revenue was US$35.1 billion, up 94% from a year earlier.", "NVIDIA", 2025);
        assert_eq!(metric_of(&f).as_deref(), Some("growth"));
    }

    #[test]
    fn metric_is_the_nearest_fitting_word() {
        let f = fig("50%", 50.0, "Huawei revenue rose while its market share reached 50% in 2026.", "Huawei", 2026);
        assert_eq!(metric_of(&f).as_deref(), Some("share"));
    }

    #[test]
    fn years_are_wanted_only_when_a_time_is_asked_for() {
        let wants = |q: &str| Interest::of(q, HashSet::new(), &Gazetteer::empty()).wants_years;
        assert!(wants("When will China's AI chip output exceed demand?"));
        assert!(wants("In what year does HBM4 ship?"));
        assert!(wants("By which year will SMIC reach 5nm?"));
        assert!(wants("Huawei Ascend timeline"));
        assert!(!wants("SMIC full-year revenue in 2024"));
        assert!(!wants("NVIDIA revenue growth year on year"));
        assert!(!wants("HBM prices this year"));
    }

    #[test]
    fn interest_filters_by_kind_and_subject() {
        let analyzer = Analyzer::default();
        let terms: HashSet<String> = analyzer.terms("Huawei market share").into_iter().collect();
        let interest = Interest { subjects: ["Huawei".to_string()].into(), kinds: [FigureKind::Percent].into(), terms, wants_years: false };
        let good = fig("50%", 50.0, "Huawei market share will be 50%.", "Huawei", 2026);
        let other_subject = fig("20%", 20.0, "Cambricon market share is 20%.", "Cambricon", 2026);
        let gazetteer = Gazetteer::empty();
        assert!(interest.matches(&good, &analyzer, &gazetteer));
        assert!(!interest.matches(&other_subject, &analyzer, &gazetteer));
    }
}
