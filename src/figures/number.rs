//! Numbers: the shared number and scale patterns, exact conversion of decimal
//! text into base units, range validation, and the scanning loop and small
//! text helpers every matcher uses.

use regex::{Captures, Regex, RegexSet};

use super::Candidate;

/// A number with optional thousands separators and decimals: "45,000", "35.1", "7".
pub(super) const NUM: &str = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?";

/// A scale after a number: a word ("billion"), an abbreviation ("bn", "mn")
/// or a one-letter suffix written tight against the number ("$1.2T", "$5m").
pub(super) const SCALE: &str =
    r"(?:\s*(?:thousand|million|billion|trillion|mln|bln|mn|bn|tn)\b|(?:k|m|b|t)\b)";

/// The separator of a range: "45-50%", "45–50%", "45% to 50%", "between 8 and 10".
pub(super) const RANGE_SEP: &str = r"\s*(?P<sep>-|–|—|\bto\b|\band\b)\s*";

/// Words that, just before "X to Y", make it a change ("rose from 5% to 9%")
/// rather than a range.
#[rustfmt::skip]
const CHANGE_WORDS: &[&str] = &[
    "from", "rose", "grew", "fell", "increased", "decreased", "jumped", "climbed", "dropped",
    "declined", "surged", "soared", "slipped", "slid", "up", "down", "raised", "cut", "lowered",
    "lifted", "expanded", "boosted", "by", "rising", "growing", "falling",
];

/// Words that introduce a period: "in 2026", "by 2028", "for fiscal 2025",
/// "Dec. 2024".
#[rustfmt::skip]
pub(super) const PERIOD_WORDS: &[&str] = &[
    "in", "by", "for", "during", "of", "through", "until", "till", "since", "from", "to", "before",
    "after", "around", "throughout", "mid", "end", "early", "late", "jan", "january", "feb",
    "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july", "aug",
    "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
];

/// A pattern with its word boundaries made ASCII (`\b` -> `(?-u:\b)`): a
/// Unicode word boundary keeps the fast regex engines off any sentence with
/// a non-ASCII character ("’", "–", "€"), and the figures' words are ASCII.
pub(super) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Compile a static pattern with ASCII word boundaries.
pub(super) fn regex(pattern: &str) -> Regex {
    Regex::new(&ascii_boundaries(pattern)).expect("static figure pattern")
}

/// Compile a static set of patterns with ASCII word boundaries.
pub(super) fn regex_set<'p>(patterns: impl IntoIterator<Item = &'p str>) -> RegexSet {
    RegexSet::new(patterns.into_iter().map(ascii_boundaries)).expect("static figure pattern set")
}

/// Power of ten for a scale word or suffix ("bn" -> 9); 0 when unknown.
pub(super) fn scale_exponent(word: &str) -> u32 {
    match word.trim().to_ascii_lowercase().as_str() {
        "thousand" | "k" => 3,
        "million" | "mn" | "mln" | "m" => 6,
        "billion" | "bn" | "bln" | "b" => 9,
        "trillion" | "tn" | "t" => 12,
        _ => 0,
    }
}

/// The value of `num` (digits, commas, one optional decimal point) times
/// 10^`exp`, computed by shifting the decimal point in the text so that
/// "35.1" billion is exactly 35_100_000_000.0.
pub(super) fn scaled_value(num: &str, exp: u32) -> Option<f64> {
    let digits: String = num.chars().filter(|c| *c != ',').collect();
    let (int, frac) = digits.split_once('.').unwrap_or((digits.as_str(), ""));
    let exp = exp as usize;
    let shifted = if frac.len() <= exp {
        format!("{int}{frac}{}", "0".repeat(exp - frac.len()))
    } else {
        format!("{int}{}.{}", &frac[..exp], &frac[exp..])
    };
    shifted.parse().ok()
}

/// Low and high of a range. A scale on the second number only applies to
/// both ("$8-10 billion"); a scale on the first number only is rejected
/// ("$5 billion to 2030" is not a range). High must not be below low.
pub(super) fn range_values(
    first: (&str, Option<&str>),
    second: (&str, Option<&str>),
    extra_exp: u32,
) -> Option<(f64, f64)> {
    let (n1, s1) = first;
    let (n2, s2) = second;
    if s1.is_some() && s2.is_none() {
        return None;
    }
    let e1 = s1.or(s2).map_or(0, scale_exponent) + extra_exp;
    let e2 = s2.map_or(0, scale_exponent) + extra_exp;
    let (low, high) = (scaled_value(n1, e1)?, scaled_value(n2, e2)?);
    (high >= low).then_some((low, high))
}

/// Whether the separator of a range starting at `start` really makes a range:
/// "and" needs "between" before it, "to" must not follow a change word.
pub(super) fn separator_ok(text: &str, start: usize, sep: &str) -> bool {
    let before = word_before(text, start);
    match sep.trim().to_ascii_lowercase().as_str() {
        "and" => before == "between",
        "to" => !CHANGE_WORDS.contains(&before.as_str()),
        _ => true,
    }
}

/// Whether a number (or the currency symbol before it) may start at `start`:
/// not glued to a word ("H100", "910C"), a decimal or thousands group, or a
/// sign that is itself glued to something ("N+2", the "50" of "45-50").
pub(super) fn starts_cleanly(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || matches!(c, '.' | ',' | '_') => false,
        Some('+' | '-' | '−' | '–' | '—') => {
            !before.next().is_some_and(char::is_alphanumeric)
        }
        Some(_) => true,
    }
}

/// A bare four-digit number that reads as a year (1990–2039).
pub(super) fn year_like(num: &str) -> bool {
    num.len() == 4
        && num.bytes().all(|b| b.is_ascii_digit())
        && num.parse::<i32>().is_ok_and(|y| (1990..=2039).contains(&y))
}

/// The lowercased word just before `pos`, skipping spaces, hyphens and an
/// abbreviation dot ("by 2028" -> "by", "mid-2025" -> "mid", "Dec. 2024" -> "dec").
pub(super) fn word_before(text: &str, pos: usize) -> String {
    let head = text[..pos].trim_end_matches(|c: char| c.is_whitespace() || c == '-' || c == '.');
    let mut word: Vec<char> = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect();
    word.reverse();
    word.into_iter().collect::<String>().to_lowercase()
}

/// Words that soften or bound a figure and may stand between it and the word
/// that explains it ("up 73%" and "up about 73%", "close to four times").
#[rustfmt::skip]
pub(super) const HEDGES: &[&str] = &[
    "about", "around", "roughly", "nearly", "almost", "approximately", "some", "over", "under",
    "below", "above", "just", "only", "more than", "less than", "fewer than", "close to",
    "up to", "at least", "at most", "as much as", "as many as", "as little as", "as high as",
    "as low as", "well over", "well below", "fully", "barely", "an estimated", "estimated",
    "even", "still", "a record", "a further", "another", "an additional", "a", "an",
];

/// The position before the hedges that end `text[..pos]` ("rose about " ->
/// just after "rose"), and whether there were any.
pub(super) fn skip_hedges(text: &str, pos: usize) -> (usize, bool) {
    let mut end = text[..pos].trim_end().len();
    let mut skipped = false;
    'outer: loop {
        let head = &text[..end];
        for hedge in HEDGES {
            let Some(start) = head.len().checked_sub(hedge.len()) else { continue };
            let Some(tail) = head.get(start..) else { continue };
            let clean_start = !head[..start].ends_with(|c: char| c.is_alphanumeric() || c == '\'' || c == '-');
            if tail.eq_ignore_ascii_case(hedge) && clean_start {
                end = head[..start].trim_end().len();
                skipped = true;
                continue 'outer;
            }
        }
        return (end, skipped);
    }
}

/// The lowercased word starting at `pos` after spaces ("" at a punctuation mark).
pub(super) fn word_after(text: &str, pos: usize) -> String {
    text[pos..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase()
}

/// Byte index just after the character at `i` (or `i + 1` at the end).
pub(super) fn next_char(text: &str, i: usize) -> usize {
    i + text[i..].chars().next().map_or(1, char::len_utf8)
}

/// Run `re` over `text`, asking `accept` about each match. A rejected match
/// does not hide matches that start inside it: the search resumes one
/// character after its start. An accepted match resumes after its end.
pub(super) fn scan<F>(re: &Regex, text: &str, mut accept: F) -> Vec<Candidate>
where
    F: FnMut(&Captures<'_>) -> Option<Candidate>,
{
    let mut found = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let Some(caps) = re.captures_at(text, pos) else {
            break;
        };
        let Some(whole) = caps.get(0) else { break };
        pos = match accept(&caps) {
            Some(candidate) => {
                found.push(candidate);
                whole.end().max(next_char(text, whole.start()))
            }
            None => next_char(text, whole.start()),
        };
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_is_exact() {
        assert_eq!(scaled_value("35.1", 9), Some(35_100_000_000.0));
        assert_eq!(scaled_value("10.4", 9), Some(10_400_000_000.0));
        assert_eq!(scaled_value("1.2", 12), Some(1_200_000_000_000.0));
        assert_eq!(scaled_value("45,000", 0), Some(45_000.0));
        assert_eq!(scaled_value("1.2345", 3), Some(1234.5));
        assert_eq!(scaled_value("7", 0), Some(7.0));
    }

    #[test]
    fn scale_words() {
        assert_eq!(scale_exponent("bn"), 9);
        assert_eq!(scale_exponent(" Billion"), 9);
        assert_eq!(scale_exponent("T"), 12);
        assert_eq!(scale_exponent("k"), 3);
        assert_eq!(scale_exponent("mn"), 6);
        assert_eq!(scale_exponent("dozen"), 0);
    }

    #[test]
    fn ranges_inherit_the_later_scale() {
        assert_eq!(
            range_values(("8", None), ("10", Some("billion")), 0),
            Some((8e9, 10e9))
        );
        assert_eq!(
            range_values(("5", Some("billion")), ("2030", None), 0),
            None
        );
        assert_eq!(range_values(("50", None), ("45", None), 0), None);
    }

    #[test]
    fn clean_starts() {
        assert!(starts_cleanly("up 50%", 3));
        assert!(!starts_cleanly("H100", 1));
        assert!(!starts_cleanly("N+2", 2));
        assert!(!starts_cleanly("45-50", 3));
        assert!(starts_cleanly("fell -5%", 6));
        assert!(!starts_cleanly("35.1", 3));
    }

    #[test]
    fn words_before() {
        assert_eq!(word_before("reach it by 2028", 12), "by");
        assert_eq!(word_before("mid-2025", 4), "mid");
        assert_eq!(word_before("in Dec. 2024", 8), "dec");
        assert_eq!(word_before("2025", 0), "");
        assert!(separator_ok("between 8 and 10", 8, "and"));
        assert!(!separator_ok("rose from 5% to 9%", 10, " to "));
    }

    #[test]
    fn boundaries_are_ascii() {
        assert_eq!(ascii_boundaries(r"\bN\+\b"), r"(?-u:\b)N\+(?-u:\b)");
        assert!(regex(r"\bnm\b").is_match("7 nm – and"));
    }

    #[test]
    fn hedges_are_skipped() {
        let text = "revenue rose more than about 40%";
        let (end, skipped) = skip_hedges(text, 29);
        assert_eq!((&text[..end], skipped), ("revenue rose", true));
        assert_eq!(skip_hedges("it won 3", 7), (6, false));
        // "about" must be a whole word: "layabout" is not a hedge.
        assert_eq!(skip_hedges("a layabout 3", 11), (10, false));
        assert_eq!(word_after("x  of the", 1), "of");
        assert_eq!(word_after("x, of", 1), "");
    }

    #[test]
    fn years_look_like_years() {
        assert!(year_like("2024"));
        assert!(!year_like("2,024"));
        assert!(!year_like("2048"));
        assert!(!year_like("384"));
    }
}
