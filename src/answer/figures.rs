//! A figure's metric word when no measure lexicon is at hand (digests): the
//! nearest of a fixed list of metric words that fits the figure's kind, or
//! "growth" for a figure stated as a change.

use crate::figures::{Figure, FigureKind};

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

/// The metric word nearest to the figure in its sentence, if any fits its kind.
pub fn metric_of(figure: &Figure) -> Option<String> {
    if figure.change {
        return Some("growth".to_string());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(text: &str, value: f64, sentence: &str, subject: &str, year: i32) -> Figure {
        Figure { year: Some(year), forecast: true, subject: Some(subject.into()), ..Figure::percent(text, value, sentence) }
    }

    #[test]
    fn changes_are_growth() {
        let mut f = fig("94%", 94.0, "Revenue was US$35.1 billion, up 94% from a year earlier.", "NVIDIA", 2025);
        assert_ne!(metric_of(&f).as_deref(), Some("growth"), "a level unless extraction says it is a change");
        f.change = true;
        assert_eq!(metric_of(&f).as_deref(), Some("growth"));
    }

    #[test]
    fn metric_is_the_nearest_fitting_word() {
        let f = fig("50%", 50.0, "Huawei revenue rose while its market share reached 50% in 2026.", "Huawei", 2026);
        assert_eq!(metric_of(&f).as_deref(), Some("share"));
    }
}
