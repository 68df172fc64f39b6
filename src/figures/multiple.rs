//! Multiples and fractions: "five times", "2.87 times", "4.7x", "4.7×",
//! "fivefold", "10-fold", "twice", "doubled", "triple", "halved", "half of",
//! "a third of", "two-thirds", "a quarter of".
//!
//! Conventions: kind [`FigureKind::Multiple`], unit "x", value the ratio
//! ("five times" 5, "doubled" 2, "half" 0.5, "a third" 1/3, "two-thirds"
//! 2/3); "five to ten times" and "3-5x" are ranges. The figure's text is the
//! multiplier as written, without the hedges around it: in "about five times
//! the power" it is "five times", in "close to half of all cards" it is "half".
//! Verb forms ("doubled", "tripling", "will double") state a change and say so
//! on the candidate.
//!
//! Frequencies and periods are not multiples: "three times a year", "35 times
//! per second", "several times", "the first half of 2025", "half-year",
//! "the third quarter", "a quarter-on-quarter rise", "double-digit growth".
//! A bare "N times" needs a comparison after it ("the", "as", "faster", ...),
//! a multiplying verb before it ("grew", "oversubscribed") or a decimal.

pub(in crate::figures) mod words;

pub(super) use words::{word_value, NUMBER_WORDS};

use std::sync::LazyLock;

use regex::{Captures, Regex, RegexSet};

use super::number::{regex, regex_set, scaled_value, skip_hedges, starts_cleanly, word_after, word_before, year_like, NUM};
use super::{Candidate, FigureKind};
use words::{
    COMPARISONS, COMPOUNDS, DETERMINERS, FREQUENCIES, HALF_NOT_RATIOS, HALF_PERIODS,
    MULTIPLYING_VERBS, PART_OF, VERB_MARKERS,
};

/// The unit of every multiple.
const UNIT: &str = "x";

/// The patterns, in the order of [`PATTERNS`]; `{Q}` is a quantity in digits
/// or words, optionally "and a half".
const TEMPLATES: [&str; 7] = [
    // "five times", "2.87 times", "five to ten times", "one and a half times"
    r"(?i)\b(?P<q>{Q})(?:\s*(?:-|–|\bto\b)\s*(?P<q2>{Q}))?[\s-]+times\b",
    // "4.7x", "16x", "3-5x", "4.7×", "4.7 ×"
    r"(?P<q>{N})(?:\s*(?:-|–)\s*(?P<q2>{N}))?(?:(?P<x>[xX])|\s?×)",
    // "fivefold", "five-fold", "10-fold"
    r"(?i)\b(?P<q>{N}|{W})[\s-]?fold\b",
    // "twice", "thrice"
    r"(?i)\b(?P<w>twice|thrice)\b",
    // "doubled", "triples", "quadrupling", "double", "halved"
    r"(?i)\b(?P<v>doubl|tripl|quadrupl|halv)(?P<e>ed|es|ing|e)\b",
    // "half", "one-half"
    r"(?i)\b(?:one[\s-])?half\b",
    // "a third", "one-third", "two-thirds", "a quarter", "three quarters"
    r"(?i)\b(?P<k>a|one|two|three|four|five|six|seven|eight|nine)[\s-](?P<f>third|quarter|fifth|tenth)(?P<pl>s)?\b",
];

fn compile(template: &str) -> String {
    let quantity = format!(r"(?:{NUM}|{NUMBER_WORDS})(?:\s+and\s+a\s+half)?");
    template
        .replace("{Q}", &quantity)
        .replace("{N}", NUM)
        .replace("{W}", NUMBER_WORDS)
}

static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    TEMPLATES
        .iter()
        .map(|t| regex(&compile(t)))
        .collect()
});

/// All patterns at once, so that a sentence is scanned only with those that match.
static ANY: LazyLock<RegexSet> =
    LazyLock::new(|| {
        let patterns: Vec<String> = TEMPLATES.iter().map(|t| compile(t)).collect();
        regex_set(patterns.iter().map(String::as_str))
    });

/// Whether `text` may hold a multiple; cheap enough to ask of every sentence.
pub(super) fn may_occur(text: &str) -> bool {
    ANY.is_match(text)
}

/// Every multiple or fraction in `text`.
pub(super) fn find(text: &str) -> Vec<Candidate> {
    let mut found = Vec::new();
    for i in ANY.matches(text).iter() {
        let Some(re) = PATTERNS.get(i) else { continue };
        for caps in re.captures_iter(text) {
            let candidate = match i {
                0 => times(text, &caps),
                1 => symbol(text, &caps),
                2 => fold(&caps),
                3 => twice(text, &caps),
                4 => verb(text, &caps),
                5 => half(text, &caps),
                _ => fraction(text, &caps),
            };
            found.extend(candidate);
        }
    }
    found
}

/// A quantity in digits ("2.87"), words ("five") or either plus "and a half".
fn quantity(text: &str) -> Option<f64> {
    let lower = text.to_ascii_lowercase();
    let (number, half) = match lower.strip_suffix("and a half") {
        Some(head) => (head.trim_end(), 0.5),
        None => (lower.as_str(), 0.0),
    };
    let value = if number.starts_with(|c: char| c.is_ascii_digit()) {
        scaled_value(number, 0)?
    } else {
        word_value(number)?
    };
    Some(value + half)
}

/// A candidate for `caps` spanning the whole match, ranged when `q2` is set.
fn ranged(caps: &Captures<'_>, low: f64) -> Option<Candidate> {
    let whole = caps.get(0)?;
    let Some(q2) = caps.name("q2") else {
        return Some(single(whole.start(), whole.end(), low));
    };
    let high = quantity(q2.as_str())?;
    (high > low).then(|| Candidate::range((whole.start(), whole.end()), FigureKind::Multiple, UNIT, low, high))
}

fn single(start: usize, end: usize, value: f64) -> Candidate {
    Candidate::single(start, end, FigureKind::Multiple, UNIT, value)
}

/// "five times the power", "2.3 times less efficient", "grew five times".
fn times(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let (whole, q) = (caps.get(0)?, caps.name("q")?);
    if !starts_cleanly(text, q.start()) || year_like(q.as_str()) {
        return None;
    }
    let decimal = q.as_str().contains('.');
    if !times_ok(text, whole.start(), whole.end(), decimal) {
        return None;
    }
    ranged(caps, quantity(q.as_str())?)
}

/// Whether "N times" spanning `start..end` is a multiple: not followed by a
/// frequency word, and followed by a comparison, preceded by a multiplying
/// verb, or a decimal.
fn times_ok(text: &str, start: usize, end: usize, decimal: bool) -> bool {
    let next = word_after(text, end);
    let followed_by = |after: &str| text[end..].trim_start().get(next.len()..).is_some_and(|rest| word_after(rest, 0) == after);
    let over_a_period = next == "over" && ["the", "a", "past", "last"].iter().any(|w| followed_by(w));
    if FREQUENCIES.contains(&next.as_str()) || over_a_period {
        return false;
    }
    let (before, _) = skip_hedges(text, start);
    decimal
        || next == "over"
        || COMPARISONS.contains(&next.as_str())
        || MULTIPLYING_VERBS.contains(&word_before(text, before).as_str())
}

/// "4.7x", "4.7×", "3-5x": not a dimension ("8 x 8") or a hex number ("0x1F").
fn symbol(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let (whole, q) = (caps.get(0)?, caps.name("q")?);
    if !starts_cleanly(text, q.start()) || year_like(q.as_str()) {
        return None;
    }
    let after = &text[whole.end()..];
    if after.starts_with(|c: char| c.is_alphanumeric() || c == '_') || after.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    ranged(caps, quantity(q.as_str())?)
}

/// "fivefold", "10-fold".
fn fold(caps: &Captures<'_>) -> Option<Candidate> {
    let whole = caps.get(0)?;
    let value = quantity(caps.name("q")?.as_str())?;
    Some(single(whole.start(), whole.end(), value))
}

/// "twice the capacity", "twice as fast"; not "twice a year".
fn twice(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let w = caps.name("w")?;
    if !times_ok(text, w.start(), w.end(), false) {
        return None;
    }
    let value = if w.as_str().eq_ignore_ascii_case("twice") { 2.0 } else { 3.0 };
    Some(single(w.start(), w.end(), value))
}

/// "doubled", "tripling", "halved" (changes); "will double" (a change) and
/// "roughly double the 202% rise" (a comparison); not "double-digit".
fn verb(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let (whole, stem, ending) = (caps.get(0)?, caps.name("v")?, caps.name("e")?);
    let value = match stem.as_str().to_ascii_lowercase().as_str() {
        "doubl" => 2.0,
        "tripl" => 3.0,
        "quadrupl" => 4.0,
        _ => 0.5,
    };
    let next = word_after(text, whole.end());
    if text[whole.end()..].starts_with('-') || COMPOUNDS.contains(&next.as_str()) {
        return None;
    }
    let candidate = single(whole.start(), whole.end(), value);
    if !ending.as_str().eq_ignore_ascii_case("e") {
        return Some(candidate.into_change());
    }
    if value < 1.0 {
        // "halve" only as a verb after "to" or a modal.
        return VERB_MARKERS.contains(&word_before(text, whole.start()).as_str()).then(|| candidate.into_change());
    }
    let (before, hedged) = skip_hedges(text, whole.start());
    if VERB_MARKERS.contains(&word_before(text, before).as_str()) {
        return Some(candidate.into_change());
    }
    (hedged || DETERMINERS.contains(&next.as_str())).then_some(candidate)
}

/// "half of", "about half", "more than half the market"; not "the first half",
/// "half-year", "half a million" or "one and a half".
fn half(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let whole = caps.get(0)?;
    let previous = word_before(text, whole.start());
    let next = word_after(text, whole.end());
    if text[whole.end()..].starts_with('-') || HALF_PERIODS.contains(&previous.as_str()) || HALF_NOT_RATIOS.contains(&next.as_str()) {
        return None;
    }
    let (_, hedged) = skip_hedges(text, whole.start());
    let ok = hedged || matches!(previous.as_str(), "by" | "in") || PART_OF.contains(&next.as_str());
    ok.then(|| single(whole.start(), whole.end(), 0.5))
}

/// "a third of", "two-thirds of", "nearly three-quarters of sales"; not
/// "a third-generation chip", "the third quarter" or "one quarter of 2025".
fn fraction(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let (whole, k, f) = (caps.get(0)?, caps.name("k")?, caps.name("f")?);
    let count = match k.as_str().to_ascii_lowercase().as_str() {
        "a" | "one" => 1.0,
        other => words::word_value(other)?,
    };
    // "a thirds", "two third" do not agree.
    if (count > 1.0) != caps.name("pl").is_some() {
        return None;
    }
    let denominator = match f.as_str().to_ascii_lowercase().as_str() {
        "third" => 3.0,
        "quarter" => 4.0,
        "fifth" => 5.0,
        _ => 10.0,
    };
    let after = &text[whole.end()..];
    if after.starts_with('-') {
        return None;
    }
    let of = word_after(text, whole.end()) == "of";
    let hyphenated = text[k.end()..f.start()].contains('-');
    let (_, hedged) = skip_hedges(text, whole.start());
    if !(of && !of_a_period(after) || hyphenated && hedged) {
        return None;
    }
    Some(single(whole.start(), whole.end(), count / denominator))
}

/// Whether `after` (the text after a fraction) is "of 2025", "of the year" or
/// "of fiscal 2024": a period, as in "one quarter of 2025".
fn of_a_period(after: &str) -> bool {
    static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"(?i)^\s*of\s+(?:the\s+)?(?:(?:fiscal|calendar|financial)\s+)?(?:year\b|FY|(?:19|20)[0-9]{2}\b)")
    });
    PERIOD.is_match(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multiples(text: &str) -> Vec<(String, f64, bool)> {
        let found = super::super::keep_longest(find(text), |c| (c.start, c.end));
        found.iter().map(|c| (text[c.start..c.end].to_string(), c.value, c.change)).collect()
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(PATTERNS.len(), TEMPLATES.len());
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity("2.87"), Some(2.87));
        assert_eq!(quantity("five"), Some(5.0));
        assert_eq!(quantity("one and a half"), Some(1.5));
        assert_eq!(quantity("1,000"), Some(1000.0));
    }

    #[test]
    fn spans_leave_hedges_out() {
        assert_eq!(multiples("about five times the power"), vec![("five times".into(), 5.0, false)]);
        assert_eq!(multiples("close to half of all cards"), vec![("half".into(), 0.5, false)]);
    }

    #[test]
    fn verbs_are_changes() {
        assert_eq!(multiples("revenue doubled"), vec![("doubled".into(), 2.0, true)]);
        assert_eq!(multiples("SMIC plans to double 7nm capacity"), vec![("double".into(), 2.0, true)]);
        assert_eq!(multiples("roughly double the 202% rise"), vec![("double".into(), 2.0, false)]);
        assert!(multiples("double-digit growth and double patterning").is_empty());
    }
}
