//! The period a figure is for, against the period a question asks about:
//! quarters, halves and full years, and dates that only say when a source
//! reported.

use std::sync::LazyLock;

use regex::Regex;

use super::around::{part_bonus, parts_named, YEAR_IN_TEXT};
use crate::figures::{Figure, YearPart};
use crate::search::PassageHit;

/// The question's part number for "full year" (1-4 are quarters, 5-6 halves).
pub(super) const FULL_YEAR: u8 = 7;

/// The quarter or half a question's part number names.
fn year_part(part: u8) -> Option<YearPart> {
    if part <= 4 { YearPart::quarter(part) } else { YearPart::half(part - 4) }
}

/// The parts of a year that date `figure`: those its sentence names
/// (`sentence_parts`); for a sentence that names no period at all, those its
/// passage names, or where the passage names no year either, its report's
/// title ("AI backlog of US$73 billion" in a report on the fourth quarter).
pub(super) fn context_parts(figure: &Figure, hit: &PassageHit, sentence_parts: u8) -> u8 {
    if sentence_parts != 0 || YEAR_IN_TEXT.is_match(&figure.sentence) {
        return sentence_parts;
    }
    if YEAR_IN_TEXT.is_match(&hit.text) {
        parts_named(&hit.text.to_lowercase())
    } else {
        parts_named(&hit.report.title.to_lowercase())
    }
}

/// Whether `figure`, in a sentence naming `parts`, is for the part of the
/// year asked: a quarter or half must be named in the sentence and, where
/// the figure has its own part, be that one; a full year is any figure
/// that is not a quarter's or half's, unless its sentence names only those.
pub(super) fn part_fits(part: u8, figure: &Figure, parts: u8) -> bool {
    if part == FULL_YEAR {
        return figure.part.is_none() && part_bonus(part, parts) >= 0.0;
    }
    part_bonus(part, parts) > 0.0 && figure.part.is_none_or(|p| Some(p) == year_part(part))
}

/// A date that only says when a source reported: "reported by Evertiq on
/// 12 March 2026", "according to a release published on 2 May".
pub(super) fn reporting_date(figure: &Figure) -> bool {
    static REPORTED_ON: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:reported|published|republished|released|carried|distributed|wrote|said)\b[^.;]{0,80}\b(?:on|in)\s*$")
            .expect("static reporting-date pattern")
    });
    figure.sentence.find(figure.text.as_str()).is_some_and(|at| REPORTED_ON.is_match(&figure.sentence[..at]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quarterly(text: &str, sentence: &str, part: Option<YearPart>) -> Figure {
        Figure { year: Some(2025), part, ..Figure::percent(text, 1.0, sentence) }
    }

    #[test]
    fn a_full_year_is_never_a_quarters_figure() {
        let sentence = "Revenue was 5% higher in the fourth quarter of 2025 and 7% higher for the full year 2025.";
        let parts = parts_named(&sentence.to_lowercase());
        assert!(!part_fits(FULL_YEAR, &quarterly("5%", sentence, Some(YearPart::Q4)), parts));
        assert!(part_fits(FULL_YEAR, &quarterly("7%", sentence, None), parts));
        assert!(part_fits(4, &quarterly("5%", sentence, Some(YearPart::Q4)), parts));
        assert!(!part_fits(3, &quarterly("5%", sentence, Some(YearPart::Q4)), parts));
    }

    #[test]
    fn reporting_dates_are_told_from_event_dates() {
        let reported = Figure::percent("17 June 2026", 2026.0, "Mass production starts in 2028, TrendForce research reported by CNA on 17 June 2026 says.");
        assert!(reporting_date(&reported));
        let event = Figure::percent("9 April 2025", 2025.0, "The licence requirement took effect on 9 April 2025.");
        assert!(!reporting_date(&event));
    }
}
