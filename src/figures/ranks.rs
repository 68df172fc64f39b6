//! Ranks and durations, two kinds of figure that are written in words as
//! often as in digits.
//!
//! A rank is an ordinal with a superlative: "second-largest", "the third
//! biggest", "second most powerful", "No. 1 supplier" is not one (no
//! superlative) but "ranked second" is. Kind [`FigureKind::Rank`], unit
//! "rank", value the place (1 for "first", "largest" alone is no figure:
//! without an ordinal it ranks nothing that a question can compare).
//!
//! A duration is a length of time: "19 months", "three to four years",
//! "18-month delay", "six weeks". Kind [`FigureKind::Duration`], unit the
//! period as written, in the plural ("months", "years", "weeks", "days"),
//! value the count of it; ranges as ranges. A year ("2025") is never a
//! count of anything, and "the past 12 months" is a duration like any other.

use std::sync::LazyLock;

use regex::Regex;

use super::multiple::{word_value, NUMBER_WORDS};
use super::number::{regex, scaled_value, scan, starts_cleanly, word_after, year_like, NUM};
use super::{Candidate, FigureKind};

/// Ordinals up to tenth, in words, digits ("2nd") or as "No. 2".
const ORDINAL: &str = r"(?P<o>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|[4-9]th|10th)";

/// Words ending in "-est" that are no superlative.
const NOT_SUPERLATIVE: [&str; 16] = [
    "interest", "test", "request", "contest", "harvest", "manifest", "forest", "honest", "modest", "invest", "suggest",
    "protest", "digest", "arrest", "quest", "rest",
];

static RANK: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b{ORDINAL}(?:[\s-]+(?P<most>most|least)\s+(?P<adj>[a-z]+)|[\s-]+(?P<sup>[a-z]+est|best|worst))\b|\branked\s+(?:as\s+)?(?:the\s+)?{ORDINAL2}\b"
    ))
});

const ORDINAL2: &str = r"(?P<o2>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|[4-9]th|10th)";

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    let q = format!(r"(?:{NUM}|{NUMBER_WORDS}|a\s+few|several)");
    regex(&format!(
        r"(?i)\b(?P<q>{q})(?:\s*(?:-|–|\bto\b|\bor\b)\s*(?P<q2>{q}))?[\s-]+(?P<u>years?|months?|weeks?|days?)\b"
    ))
});

/// Whether a sentence without digits may still hold a rank or a duration
/// written in words: a cheap test before the patterns run.
pub(super) fn may_occur(sentence: &str) -> bool {
    const HINTS: [&str; 14] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "year", "month", "week", "day",
    ];
    let lower = sentence.to_ascii_lowercase();
    HINTS.iter().any(|h| lower.contains(h))
}

/// The place an ordinal names.
fn place(ordinal: &str) -> Option<f64> {
    let lower = ordinal.to_ascii_lowercase();
    let words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
    if let Some(i) = words.iter().position(|w| *w == lower) {
        return Some(i as f64 + 1.0);
    }
    lower.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse::<f64>().ok()
}

/// Ranks in `text`.
pub(super) fn find_ranks(text: &str) -> Vec<Candidate> {
    scan(&RANK, text, |caps| {
        let whole = caps.get(0)?;
        let ordinal = caps.name("o").or(caps.name("o2"))?;
        if let Some(sup) = caps.name("sup") {
            if NOT_SUPERLATIVE.contains(&sup.as_str().to_ascii_lowercase().as_str()) {
                return None;
            }
        }
        if caps.name("adj").is_some_and(|a| a.as_str().eq_ignore_ascii_case("of")) {
            return None;
        }
        let value = place(ordinal.as_str())?;
        Some(Candidate::single(whole.start(), whole.end(), FigureKind::Rank, "rank", value))
    })
}

/// The count a duration's quantity states.
fn quantity(q: &str) -> Option<f64> {
    let lower = q.to_ascii_lowercase();
    if lower.starts_with(|c: char| c.is_ascii_digit()) {
        return if year_like(q) { None } else { scaled_value(q, 0) };
    }
    match lower.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["a", "few"] => Some(3.0),
        ["several"] => Some(3.0),
        _ => word_value(&lower),
    }
}

/// Durations in `text`.
pub(super) fn find_durations(text: &str) -> Vec<Candidate> {
    scan(&DURATION, text, |caps| {
        let whole = caps.get(0)?;
        let q = caps.name("q")?;
        if !starts_cleanly(text, q.start()) {
            return None;
        }
        let vague = |s: &str| matches!(s.to_ascii_lowercase().as_str(), "several") || s.to_ascii_lowercase().starts_with("a ");
        if vague(q.as_str()) {
            return None;
        }
        // "a 10-year high", "a three-year-old rule": a window or an age.
        let rest = &text[whole.end()..];
        let after = word_after(rest.strip_prefix('-').unwrap_or(rest), 0);
        if ["high", "highs", "low", "lows", "peak", "record", "old"].contains(&after.as_str()) {
            return None;
        }
        let low = quantity(q.as_str())?;
        let unit = match caps.name("u")?.as_str().to_ascii_lowercase().trim_end_matches('s') {
            "year" => "years",
            "month" => "months",
            "week" => "weeks",
            _ => "days",
        };
        let mut c = Candidate::single(whole.start(), whole.end(), FigureKind::Duration, unit, low);
        if let Some(high) = caps.name("q2").and_then(|q2| quantity(q2.as_str())) {
            if high <= low {
                return None;
            }
            c.low = Some(low);
            c.high = Some(high);
        }
        Some(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(found: Vec<Candidate>, text: &str) -> Vec<(String, f64)> {
        found.iter().map(|c| (text[c.start..c.end].to_string(), c.value)).collect()
    }

    #[test]
    fn ranks_need_an_ordinal_and_a_superlative() {
        let t = "China is the second-largest market, the H200 is the second most powerful part, and SMIC ranked third.";
        assert_eq!(
            texts(find_ranks(t), t),
            vec![("second-largest".into(), 2.0), ("second most powerful".into(), 2.0), ("ranked third".into(), 3.0)]
        );
        for none in ["the first half of 2025", "its second quarter", "the first test", "the largest buyer", "second most of all"] {
            assert!(find_ranks(none).is_empty(), "{none}");
        }
    }

    #[test]
    fn durations_are_counts_of_a_period() {
        let t = "It took 19 months, three to four years behind, an 18-month delay, six weeks.";
        let found = find_durations(t);
        assert_eq!(
            texts(found.clone(), t),
            vec![("19 months".into(), 19.0), ("three to four years".into(), 3.0), ("18-month".into(), 18.0), ("six weeks".into(), 6.0)]
        );
        assert_eq!((found[1].low, found[1].high, found[1].unit), (Some(3.0), Some(4.0), "years"));
        for none in ["in 2025 years", "several months", "a few years", "a 10-year high", "a three-year-old rule"] {
            assert!(find_durations(none).is_empty(), "{none}");
        }
    }
}
