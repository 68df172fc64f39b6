//! What stands around a figure in its sentence: the window of index terms
//! that counts as its neighbourhood, how far a word is from it, the parts of
//! a year and the basis of a change the sentence names, how exactly a date
//! is given, and the small phrases that say what a percentage or a year is
//! ("of China's market", "by 2028").

use crate::figures::{Figure, FigureKind};

use super::super::question::Basis;

/// The byte range of the sentence that `window` (token indexes) covers.
pub(super) fn byte_span(figure: &Figure, tokens: &[(std::ops::Range<usize>, String)], window: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let start = tokens.get(window.start).map_or(0, |(r, _)| r.start);
    let end = window.end.checked_sub(1).and_then(|i| tokens.get(i)).map_or(figure.sentence.len(), |(r, _)| r.end);
    start..end.max(start)
}

/// A year anywhere in a text.
pub(super) static YEAR_IN_TEXT: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?-u:\b)(?:19|20)\d\d(?-u:\b)").expect("static year pattern"));

/// Index terms either side of a figure that count as its neighbourhood.
pub(super) const WINDOW_TERMS: usize = 10;

/// The token range around `figure` in its sentence's `tokens`.
pub(super) fn window_of(figure: &Figure, tokens: &[(std::ops::Range<usize>, String)]) -> std::ops::Range<usize> {
    let at = figure.sentence.find(figure.text.as_str()).unwrap_or(0);
    let end = at + figure.text.len();
    let first = tokens.iter().position(|(r, _)| r.end > at).unwrap_or(tokens.len());
    let last = tokens.iter().rposition(|(r, _)| r.start < end).map_or(first, |i| i + 1).max(first);
    first.saturating_sub(WINDOW_TERMS)..(last + WINDOW_TERMS).min(tokens.len())
}

/// Tokens between `figure` and the nearest occurrence of `term` in its window.
/// For a year, a word after it counts as this much farther away than one
/// before it: what a year dates mostly comes first ("the Ascend 970 for
/// 2028"), an event after a date ("on 9 April 2025, NVIDIA disclosed") less so.
const YEAR_AFTER_DISTANCE: usize = 5;

pub(super) fn distance_to(figure: &Figure, tokens: &[(std::ops::Range<usize>, String)], window: &std::ops::Range<usize>, term: &str) -> Option<usize> {
    let at = figure.sentence.find(figure.text.as_str()).unwrap_or(0);
    let end = at + figure.text.len();
    let first = tokens.iter().position(|(r, _)| r.end > at).unwrap_or(tokens.len());
    let last = tokens.iter().rposition(|(r, _)| r.start < end).unwrap_or(first).max(first);
    let penalty = if figure.kind == FigureKind::Year { YEAR_AFTER_DISTANCE } else { 0 };
    (window.start..window.end)
        .filter(|&i| tokens[i].1 == term)
        .map(|i| if i < first { first - i } else if i > last { i - last + penalty } else { 0 })
        .min()
}

/// +0.5 when a change is stated against the basis asked for ("yoy" and "from
/// a year earlier"), -0.5 when against the other one.
pub(super) fn basis_bonus(basis: Basis, lower: &str) -> f32 {
    let yearly = ["year on year", "year-on-year", "year earlier", "year ago", "year-over-year", "previous year", "a year before"].iter().any(|w| lower.contains(w));
    let quarterly = ["quarter on quarter", "quarter-on-quarter", "previous quarter", "sequential", "prior quarter", "from the third quarter", "from the second quarter"].iter().any(|w| lower.contains(w));
    match (basis, yearly, quarterly) {
        (Basis::Year, true, _) | (Basis::Quarter, _, true) => 0.5,
        (Basis::Year, false, true) | (Basis::Quarter, true, false) => -0.5,
        _ => 0.0,
    }
}

/// How much more exactly a date answers "when" than a bare year: 1 for a
/// day ("9 April 2025"), 0.5 for a month ("April 2025"), 0 for a year.
pub(super) fn date_precision(text: &str) -> f32 {
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let day = words.iter().any(|w| w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit()));
    let month = words.iter().any(|w| w.chars().all(char::is_alphabetic));
    match (day, month) {
        (true, true) => 1.0,
        (_, true) => 0.5,
        _ => 0.0,
    }
}

/// Kinds that describe how a product is made or what it can do.
pub(super) fn is_specification(kind: FigureKind) -> bool {
    matches!(kind, FigureKind::Node | FigureKind::Memory | FigureKind::Bandwidth | FigureKind::Compute | FigureKind::Power)
}

/// What a change is compared with: the words after the figure, up to the
/// next number ("27% from the third quarter and up 409% from the same
/// quarter a year before": "from the third quarter and up " for 27%).
pub(super) fn compared_to(figure: &Figure) -> String {
    let Some(at) = figure.sentence.find(figure.text.as_str()) else { return String::new() };
    let after = &figure.sentence[at + figure.text.len()..];
    let end = after.find(|c: char| c.is_ascii_digit()).unwrap_or(after.len());
    after[..end].to_lowercase()
}

/// "by 2028": the year is a deadline.
pub(super) fn introduced_by_by(figure: &Figure) -> bool {
    let Some(at) = figure.sentence.find(figure.text.as_str()) else { return false };
    let before = figure.sentence[..at].trim_end().to_lowercase();
    before.ends_with(" by") || before.ends_with(" by the end of") || before.ends_with(" by end")
}

/// Index terms either side of a year that count as what it dates.
pub(super) const YEAR_WINDOW_TERMS: usize = 4;

/// `window` narrowed to `terms` either side of the figure.
pub(super) fn narrow_window(
    window: &std::ops::Range<usize>,
    terms: usize,
    tokens: &[(std::ops::Range<usize>, String)],
    figure: &Figure,
) -> std::ops::Range<usize> {
    let at = figure.sentence.find(figure.text.as_str()).unwrap_or(0);
    let end = at + figure.text.len();
    let first = tokens.iter().position(|(r, _)| r.end > at).unwrap_or(tokens.len());
    let last = tokens.iter().rposition(|(r, _)| r.start < end).map_or(first, |i| i + 1).max(first);
    // What a year dates mostly comes just before it ("the Ascend 970 for
    // 2028"); an event after a date ("on 9 April 2025, NVIDIA disclosed")
    // counts too, its words less the farther they are.
    let start = first.saturating_sub(terms).max(window.start);
    start..(last + YEAR_AFTER_TERMS).min(window.end).max(start)
}

/// Index terms after a year that count as what it dates.
const YEAR_AFTER_TERMS: usize = 6;

/// The parts of a year a sentence names: bit `p` for quarter `p` (1-4) and
/// halves 5 (H1) and 6 (H2); bit 7 for the full year.
pub(super) fn parts_named(lower: &str) -> u8 {
    const NAMES: [(u8, &[&str]); 7] = [
        (1, &["first quarter", "first-quarter", "q1", "第一季", "一季度"]),
        (2, &["second quarter", "second-quarter", "q2", "第二季", "二季度"]),
        (3, &["third quarter", "third-quarter", "q3", "第三季", "三季度"]),
        (4, &["fourth quarter", "fourth-quarter", "q4", "第四季", "四季度"]),
        (5, &["first half", "first-half", "h1", "上半年"]),
        (6, &["second half", "second-half", "h2", "下半年"]),
        (7, &["full year", "full-year", "full fiscal year", "全年"]),
    ];
    // "q1" and "h2" are whole words ("H20" is a chip, not a half).
    let bytes = lower.as_bytes();
    let word_at = |at: usize, len: usize| {
        let before = at.checked_sub(1).is_none_or(|i| !bytes[i].is_ascii_alphanumeric());
        let after = bytes.get(at + len).is_none_or(|b| !b.is_ascii_alphanumeric());
        before && after
    };
    let short = |w: &str| lower.match_indices(w).any(|(at, _)| word_at(at, w.len()));
    let named = |w: &str| if w.contains(' ') || w.contains('-') || !w.is_ascii() { lower.contains(w) } else { short(w) };
    NAMES.iter().filter(|(_, words)| words.iter().any(|w| named(w))).fold(0, |bits, (p, _)| bits | 1 << p)
}

/// Whether a sentence naming `parts` is about the quarter or half asked
/// for: +1 when it names it, -1 when it names only another part or the
/// full year, 0 when it names none.
pub(super) fn part_bonus(part: u8, parts: u8) -> f32 {
    if parts & (1 << part) != 0 {
        1.0
    } else if parts != 0 {
        -1.0
    } else {
        0.0
    }
}

/// "50% of China's AI chip market": a percentage of something is a share of it.
pub(super) fn share_of(figure: &Figure) -> bool {
    let Some(at) = figure.sentence.find(figure.text.as_str()) else { return false };
    let after = figure.sentence[at + figure.text.len()..].trim_start().to_lowercase();
    after.starts_with("of ") && !after.starts_with("of growth")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_year_are_whole_words() {
        assert_eq!(parts_named("revenue in the fourth quarter and h1"), 1 << 4 | 1 << 5);
        assert_eq!(parts_named("sales of the h20 resumed"), 0, "H20 is a chip, not a half");
        assert_eq!(parts_named("q3, full-year"), 1 << 3 | 1 << 7);
        assert_eq!(parts_named("中微公司2025年第三季度毛利率为37.9%"), 1 << 3);
        assert_eq!(parts_named("寒武纪2025年上半年营收"), 1 << 5);
    }

    #[test]
    fn a_day_answers_when_more_exactly_than_a_month_or_a_year() {
        assert_eq!(date_precision("9 April 2025"), 1.0);
        assert_eq!(date_precision("April 2025"), 0.5);
        assert_eq!(date_precision("2025"), 0.0);
    }

    #[test]
    fn a_change_is_compared_with_what_follows_it() {
        let sentence = "Revenue was US$18.4 billion, up 27% from the third quarter and up 409% from the same quarter a year before.";
        let figures = crate::figures::extract(sentence, &crate::figures::Gazetteer::empty());
        let of = |text: &str| compared_to(figures.iter().find(|f| f.text == text).expect("figure"));
        assert_eq!(basis_bonus(Basis::Year, &of("27%")), -0.5);
        assert_eq!(basis_bonus(Basis::Year, &of("409%")), 0.5);
    }
}
