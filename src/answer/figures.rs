//! A figure's metric word when no measure lexicon is at hand (digests): the
//! nearest of a fixed list of metric words that fits the figure's kind, or
//! "growth" for a percentage stated as a change.

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
}
