//! Choosing the figures an answer shows, naming what each one measures, and
//! finding where sources disagree. Disagreements are listed value by value,
//! each with its citation; nothing is averaged.

use std::collections::{BTreeMap, HashSet};

use crate::figures::{Figure, FigureKind, Gazetteer};
use crate::reply::{CitedFigure, Disagreement};
use crate::search::Analyzer;

/// Words that name what a figure measures, with the figure kinds they fit.
const METRICS: [(&str, &[FigureKind]); 20] = [
    ("share", &[FigureKind::Percent]),
    ("revenue", &[FigureKind::Money, FigureKind::Percent]),
    ("sales", &[FigureKind::Money, FigureKind::Percent]),
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
            wants_years: words.iter().any(|w| matches!(*w, "when" | "year" | "years" | "timeline")),
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
        subject_ok && analyzer.terms(&figure.sentence).iter().any(|t| self.terms.contains(t))
    }
}

/// The metric word nearest to the figure in its sentence, if any fits its kind.
pub fn metric_of(figure: &Figure) -> Option<String> {
    let sentence = figure.sentence.to_lowercase();
    let at = sentence.find(&figure.text.to_lowercase()).unwrap_or(0);
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

/// Groups figures that measure the same thing and lists those whose values differ.
pub fn disagreements(figures: &[CitedFigure], report_of: impl Fn(usize) -> String) -> Vec<Disagreement> {
    type Key = (String, String, Option<i32>, String);
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, cited) in figures.iter().enumerate() {
        let f = &cited.figure;
        if let (Some(subject), Some(metric)) = (&f.subject, &cited.metric) {
            if f.kind != FigureKind::Year {
                groups.entry((subject.clone(), metric.clone(), f.year, f.unit.clone())).or_default().push(i);
            }
        }
    }
    let mut out = Vec::new();
    for ((subject, metric, year, _), members) in groups {
        let reports: HashSet<String> = members.iter().map(|&i| report_of(figures[i].citation)).collect();
        let mut values: Vec<(String, usize)> = Vec::new();
        for &i in &members {
            let f = &figures[i].figure;
            let key = format!("{:?}/{:?}/{:?}/{}", f.value, f.low, f.high, f.forecast);
            if !values.iter().any(|(k, _)| *k == key) {
                values.push((key, i));
            }
        }
        if reports.len() >= 2 && values.len() >= 2 {
            out.push(Disagreement { subject, metric, year, figures: values.into_iter().map(|(_, i)| i).collect() });
        }
    }
    out
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
            kind: FigureKind::Percent,
            text: text.into(),
            sentence: sentence.into(),
        }
    }

    #[test]
    fn metric_is_the_nearest_fitting_word() {
        let f = fig("50%", 50.0, "Huawei revenue rose while its market share reached 50% in 2026.", "Huawei", 2026);
        assert_eq!(metric_of(&f).as_deref(), Some("share"));
    }

    #[test]
    fn different_values_from_different_reports_disagree() {
        let a = fig("50%", 50.0, "Huawei share will be 50% in 2026.", "Huawei", 2026);
        let b = fig("60%", 60.0, "Huawei share could hit 60% in 2026.", "Huawei", 2026);
        let same = fig("50%", 50.0, "Huawei share of 50% in 2026.", "Huawei", 2026);
        let cited = |f: Figure, c| CitedFigure { metric: metric_of(&f), figure: f, citation: c };
        let figures = vec![cited(a, 1), cited(b, 2), cited(same, 3)];
        let found = disagreements(&figures, |c| format!("r{c}"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].figures, vec![0, 1]);
        assert_eq!(found[0].metric, "share");
    }

    #[test]
    fn agreeing_sources_are_not_a_disagreement() {
        let a = fig("50%", 50.0, "Huawei share will be 50% in 2026.", "Huawei", 2026);
        let cited = |f: Figure, c| CitedFigure { metric: metric_of(&f), figure: f, citation: c };
        let figures = vec![cited(a.clone(), 1), cited(a, 2)];
        assert!(disagreements(&figures, |c| format!("r{c}")).is_empty());
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
