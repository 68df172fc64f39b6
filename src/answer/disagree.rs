//! Where sources disagree: figures with the same subject, metric, unit and
//! period whose values differ between reports. The grouping is deliberately
//! conservative: growth rates, figures whose period is ambiguous (a quarter
//! and a full year in one sentence), and groups where one report alone gives
//! several values (a sign that they measure different things) are never
//! reported as disagreements. Values are listed side by side, never averaged.

use std::collections::{BTreeMap, HashMap};

use crate::figures::{Figure, FigureKind, Period};
use crate::reply::{CitedFigure, Disagreement};

/// Finds disagreements among `figures`; `report_of` maps a citation number
/// to its report id.
pub fn disagreements(figures: &[CitedFigure], report_of: impl Fn(usize) -> String) -> Vec<Disagreement> {
    type Key = (String, String, Option<Period>, &'static str, String);
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, cited) in figures.iter().enumerate() {
        let f = &cited.figure;
        let (Some(subject), Some(metric)) = (&f.subject, &cited.metric) else { continue };
        if f.kind == FigureKind::Year || metric == "growth" {
            continue;
        }
        let Some(detail) = period_detail(&f.sentence) else { continue };
        groups.entry((subject.clone(), metric.clone(), f.period(), detail, f.unit.clone())).or_default().push(i);
    }
    let mut out = Vec::new();
    for ((subject, metric, period, _, _), members) in groups {
        let mut by_report: HashMap<String, Vec<usize>> = HashMap::new();
        for &i in &members {
            let values = by_report.entry(report_of(figures[i].citation)).or_default();
            if !values.iter().any(|&j| same_value(&figures[j].figure, &figures[i].figure)) {
                values.push(i);
            }
        }
        if by_report.len() < 2 || by_report.values().any(|v| v.len() > 1) {
            continue;
        }
        let mut distinct: Vec<usize> = Vec::new();
        for &i in &members {
            if !distinct.iter().any(|&j| same_value(&figures[j].figure, &figures[i].figure)) {
                distinct.push(i);
            }
        }
        if distinct.len() >= 2 {
            out.push(Disagreement { subject, metric, period, figures: distinct });
        }
    }
    out
}

fn same_value(a: &Figure, b: &Figure) -> bool {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
    let opt = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => close(x, y),
        (None, None) => true,
        _ => false,
    };
    close(a.value, b.value) && opt(a.low, b.low) && opt(a.high, b.high)
}

/// Sub-year period named in a sentence: a quarter, a half or a full year.
/// `Some("")` when none is named, `None` when several different ones are.
fn period_detail(sentence: &str) -> Option<&'static str> {
    const CUES: [(&str, &[&str]); 7] = [
        ("Q1", &["first quarter", "q1 "]),
        ("Q2", &["second quarter", "q2 "]),
        ("Q3", &["third quarter", "q3 "]),
        ("Q4", &["fourth quarter", "q4 "]),
        ("H1", &["first half", "h1 "]),
        ("H2", &["second half", "h2 "]),
        ("FY", &["full year", "full fiscal year", "annual", "whole year"]),
    ];
    let lower = format!("{} ", sentence.to_lowercase());
    let found: Vec<&'static str> = CUES
        .iter()
        .filter(|(_, words)| words.iter().any(|w| lower.contains(w)))
        .map(|(label, _)| *label)
        .collect();
    match found.as_slice() {
        [] => Some(""),
        [one] => Some(one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::metric_of;

    fn fig(text: &str, value: f64, sentence: &str) -> Figure {
        Figure { year: Some(2026), forecast: true, subject: Some("Huawei".into()), ..Figure::percent(text, value, sentence) }
    }

    fn cited(f: Figure, citation: usize) -> CitedFigure {
        CitedFigure { metric: metric_of(&f), figure: f, citation }
    }

    fn report(n: usize) -> String {
        format!("r{n}")
    }

    #[test]
    fn different_values_from_different_reports_disagree() {
        let figures = vec![
            cited(fig("50%", 50.0, "Huawei share will be 50% in 2026."), 1),
            cited(fig("60%", 60.0, "Huawei share could hit 60% in 2026."), 2),
            cited(fig("50%", 50.0, "Huawei share of 50% in 2026."), 3),
        ];
        let found = disagreements(&figures, report);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].figures, vec![0, 1]);
        assert_eq!(found[0].metric, "share");
    }

    #[test]
    fn agreeing_sources_are_not_a_disagreement() {
        let a = fig("50%", 50.0, "Huawei share will be 50% in 2026.");
        let mut b = a.clone();
        b.forecast = false;
        assert!(disagreements(&[cited(a, 1), cited(b, 2)], report).is_empty());
    }

    #[test]
    fn growth_rates_and_other_quarters_are_not_compared() {
        let figures = vec![
            cited(fig("94%", 94.0, "Huawei revenue was up 94% in 2026."), 1),
            cited(fig("17%", 17.0, "Huawei revenue rose 17% in 2026."), 2),
        ];
        assert!(disagreements(&figures, report).is_empty());
        let figures = vec![
            cited(fig("40%", 40.0, "Huawei share was 40% in the third quarter of 2026."), 1),
            cited(fig("45%", 45.0, "Huawei share was 45% in the fourth quarter of 2026."), 2),
        ];
        assert!(disagreements(&figures, report).is_empty());
    }

    #[test]
    fn a_report_with_several_values_makes_the_group_ambiguous() {
        let figures = vec![
            cited(fig("50%", 50.0, "Huawei share is 50% in 2026."), 1),
            cited(fig("30%", 30.0, "Huawei share is 30% in 2026 in training chips."), 1),
            cited(fig("60%", 60.0, "Huawei share is 60% in 2026."), 2),
        ];
        assert!(disagreements(&figures, report).is_empty());
    }

    #[test]
    fn period_details_are_read_from_the_sentence() {
        assert_eq!(period_detail("Revenue in the third quarter was high."), Some("Q3"));
        assert_eq!(period_detail("Revenue was high."), Some(""));
        assert_eq!(period_detail("Q3 revenue beat the full year plan."), None);
    }
}
