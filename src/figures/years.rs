//! Year mentions: plain years 1990–2039 ("in 2026"), dates that end in a
//! year ("9 April 2025", "October 2023": the figure's text is the whole
//! date, its value the year), fiscal years
//! ("fiscal 2025", "FY2025", "FY25", "the 2024 fiscal year"), quarters and
//! halves ("Q3 2024", "3Q24", "1H25", "H1 2025") and analyst-estimate years
//! ("2026E", "2026F"). A year glued to money or written as a thousands group
//! ("$2024", "2,024") is not a year.
//!
//! Each mention also carries the part of the year it names, written in it
//! ("Q3 2024", "1H25") or just before it ("the third quarter of fiscal
//! 2026", "the first half of 2025"), and whether it is a fiscal year.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::number::{regex, regex_set, word_before, PERIOD_WORDS};
use super::period::{Period, YearPart};
use super::{keep_longest, Candidate, FigureKind};

/// A year mentioned in a sentence, with the cues around it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct YearMention {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) year: i32,
    /// Introduced by a period word ("in", "by", "for", "during", ...).
    pub(super) introduced: bool,
    /// A deadline: "by 2028", "by the end of 2026".
    pub(super) deadline: bool,
    /// Analyst-estimate notation: "2026E", "2026F".
    pub(super) estimate: bool,
    /// A comparison baseline: "from 2023", "since 2020", "versus 2022".
    pub(super) baseline: bool,
    /// A year that is only compared with ("than in 2023", "versus 2022",
    /// "compared with 2022"): no figure's period.
    pub(super) comparison: bool,
    /// The quarter or half named with the year, if any.
    pub(super) part: Option<YearPart>,
    /// A fiscal year ("fiscal 2026", "FY25", "the third fiscal quarter of 2025").
    pub(super) fiscal: bool,
}

impl YearMention {
    /// The mention as a Year figure candidate.
    pub(super) fn candidate(&self) -> Candidate {
        let value = f64::from(self.year);
        Candidate::single(self.start, self.end, FigureKind::Year, "year", value)
    }

    /// The period the mention names.
    pub(super) fn period(&self) -> Period {
        Period { year: self.year, part: self.part, fiscal: self.fiscal }
    }
}

/// A part written inside the mention: "Q3", "3Q", "H1", "1H".
static PART_INSIDE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^(?:Q(?P<q>[1-4])|(?P<q2>[1-4])Q|H(?P<h>[12])|(?P<h2>[12])H)")
});

/// A part written just before the year: "the third quarter of", "Q3 of",
/// "the first half of", "second-quarter", "the fourth fiscal quarter of".
static PART_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)(?:\b(?P<w>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(?P<f>fiscal[\s-]+)?(?P<k>quarter|half)",
        r"|\bQ(?P<q>[1-4])|\bH(?P<h>[12]))",
        r"(?:\s+of)?(?:\s+(?:the|its|calendar))*\s*$",
    ))
});

/// The part of the year named in or just before a mention at `start..end`,
/// and whether the words before make it a fiscal period.
fn part_of(text: &str, start: usize, end: usize) -> (Option<YearPart>, bool) {
    let number = |caps: &regex::Captures<'_>, names: [&str; 2]| {
        names.iter().find_map(|n| caps.name(n)).and_then(|m| m.as_str().parse::<u8>().ok())
    };
    if let Some(caps) = PART_INSIDE.captures(&text[start..end]) {
        let part = number(&caps, ["q", "q2"]).and_then(YearPart::quarter).or_else(|| number(&caps, ["h", "h2"]).and_then(YearPart::half));
        return (part, false);
    }
    let mut from = start.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let head = &text[from..start];
    let Some(caps) = PART_BEFORE.captures(head) else { return (None, false) };
    if let Some(q) = number(&caps, ["q", "q"]) {
        return (YearPart::quarter(q), false);
    }
    if let Some(h) = number(&caps, ["h", "h"]) {
        return (YearPart::half(h), false);
    }
    let ordinal = match caps.name("w").map(|w| w.as_str().to_ascii_lowercase()).as_deref() {
        Some("first" | "1st") => 1,
        Some("second" | "2nd") => 2,
        Some("third" | "3rd") => 3,
        _ => 4,
    };
    let half = caps.name("k").is_some_and(|k| k.as_str().eq_ignore_ascii_case("half"));
    let part = if half { YearPart::half(ordinal) } else { YearPart::quarter(ordinal) };
    (part, caps.name("f").is_some())
}

/// Periods written with a qualifier (fiscal years, quarters, halves,
/// dates); each pattern has a `y` group.
const QUALIFIED_PATTERNS: [&str; 9] = [
    r"(?i)\b(?:fiscal(?:\s+year)?|FY|CY)\s?'?(?P<y>[0-9]{4}|[0-9]{2})\b",
    r"(?i)\b(?:Q[1-4]|[1-4]Q)\s?(?:FY\s?)?(?P<y>[0-9]{4})\b",
    r"(?i)\b(?:Q[1-4]|[1-4]Q)(?:'|\s?FY)?(?P<y>[0-9]{2})\b",
    r"\b[12]H\s?(?:FY\s?)?(?P<y>[0-9]{4})\b",
    r"\b[12]H(?:'|\s?FY)?(?P<y>[0-9]{2})\b",
    r"\bH[12]\s+(?P<y>[0-9]{4})\b",
    r"\bH[12]'(?P<y>[0-9]{2})\b",
    r"(?i)\b(?P<y>[0-9]{4})\s+fiscal\s+year\b",
    // Dates: "9 April 2025", "October 2023", "April 9, 2025", "Sept. 2024".
    concat!(
        r"\b(?:[0-3]?[0-9]\s+)?",
        r"(?:January|February|March|April|May|June|July|August|September|October|November|December",
        r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)",
        r"(?:\s+[0-3]?[0-9],)?\s+(?P<y>(?:19|20)[0-9]{2})\b",
    ),
];

static QUALIFIED: LazyLock<Vec<Regex>> = LazyLock::new(|| QUALIFIED_PATTERNS.iter().map(|p| regex(p)).collect());

/// All qualified forms at once: a sentence is searched for its captures only
/// with the forms this set finds in it (most sentences have none).
static ANY_QUALIFIED: LazyLock<RegexSet> = LazyLock::new(|| regex_set(QUALIFIED_PATTERNS));

static PLAIN: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b(?P<y>(?:19|20)[0-9]{2})(?P<e>[EF])?\b")
});

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\bby\s+(?:the\s+)?",
        r"(?:(?:end|middle|close|start)\s+of\s+|mid-?|late\s+|early\s+)?",
        r"(?:fiscal\s+(?:year\s+)?)?$",
    ))
    .expect("static deadline pattern")
});

/// Every year mention in `text`, longest form first ("fiscal 2025" over "2025").
pub(super) fn find(text: &str) -> Vec<YearMention> {
    let mut found = Vec::new();
    for index in ANY_QUALIFIED.matches(text).iter() {
        for caps in QUALIFIED[index].captures_iter(text) {
            let (Some(whole), Some(y)) = (caps.get(0), caps.name("y")) else {
                continue;
            };
            if let Some(year) = to_year(y.as_str()) {
                found.push(mention(text, whole.start(), whole.end(), year, false));
            }
        }
    }
    for caps in PLAIN.captures_iter(text) {
        let (Some(whole), Some(y)) = (caps.get(0), caps.name("y")) else {
            continue;
        };
        let year = to_year(y.as_str());
        if let Some(year) = year.filter(|_| standalone(text, whole.start(), whole.end())) {
            let estimate = caps.name("e").is_some();
            found.push(mention(text, whole.start(), whole.end(), year, estimate));
        }
    }
    keep_longest(found, |m| (m.start, m.end))
}

/// Words that make the following year a comparison baseline.
const BASELINE_WORDS: &[&str] = &["from", "since", "versus", "vs", "over", "than"];
/// Of those, the words that only compare or start a span: the year is no
/// figure's period ("3 times more than in 2023", "has doubled since 2022"),
/// where "from 2024" may still start one.
const COMPARISON_WORDS: &[&str] = &["versus", "vs", "than", "since"];

fn mention(text: &str, start: usize, end: usize, year: i32, estimate: bool) -> YearMention {
    let before = word_before(text, start);
    let introduced = PERIOD_WORDS.contains(&before.as_str());
    let (baseline, comparison) = compared(text, start);
    let deadline = DEADLINE.is_match(&text[..start]);
    let (part, fiscal_part) = part_of(text, start, end);
    let written = &text[start..end];
    let fiscal = fiscal_part || written.to_ascii_lowercase().contains("fiscal") || written.to_ascii_uppercase().contains("FY");
    YearMention {
        start,
        end,
        year,
        introduced,
        deadline,
        estimate,
        baseline,
        comparison,
        part,
        fiscal,
    }
}

/// How the year starting at `start` is a comparison base: (after a
/// baseline word, over a date — "since 31 July 2024" — and a period word —
/// "than in 2023"; after a comparison word only: "than", "versus",
/// "compared with").
fn compared(text: &str, start: usize) -> (bool, bool) {
    let (word, at) = word_before_date(text, start);
    let (word, at) = if matches!(word.as_str(), "in" | "during") { word_at(text, at) } else { (word, at) };
    let with = matches!(word.as_str(), "with" | "to") && word_at(text, at).0 == "compared";
    let comparison = with || COMPARISON_WORDS.contains(&word.as_str());
    (comparison || BASELINE_WORDS.contains(&word.as_str()), comparison)
}

/// The lowercased word ending just before `pos` (as [`word_before`] reads
/// it) and where it starts.
fn word_at(text: &str, pos: usize) -> (String, usize) {
    let head = text[..pos].trim_end_matches(|c: char| c.is_whitespace() || c == '-' || c == '.');
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic())
        .last()
        .map_or(head.len(), |(i, _)| i);
    (head[start..].to_lowercase(), start)
}

/// The word before a date that ends at the year starting at `start`: "since"
/// in "since 31 July 2024", "since July 31, 2024" and "from March 2023".
fn word_before_date(text: &str, start: usize) -> (String, usize) {
    let mut head = text[..start].trim_end().trim_end_matches(',');
    for _ in 0..3 {
        let trimmed = head.trim_end();
        let word_start = trimmed
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphanumeric() && c != '.')
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = trimmed[word_start..].trim_end_matches('.').to_ascii_lowercase();
        let is_day = !word.is_empty() && word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit());
        if !(is_day || MONTHS.contains(&word.as_str())) {
            break;
        }
        head = trimmed[..word_start].trim_end().trim_end_matches(',');
    }
    word_at(head, head.len())
}

/// Month names and their abbreviations, for dates before a year.
#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december",
];

/// "2025" -> 2025, "25" -> 2025, "99" -> 1999; only 1990–2039 are years.
fn to_year(digits: &str) -> Option<i32> {
    let n: i32 = digits.parse().ok()?;
    let year = match digits.len() {
        2 if n >= 90 => 1900 + n,
        2 => 2000 + n,
        _ => n,
    };
    (1990..=2039).contains(&year).then_some(year)
}

/// A plain year must not be glued to a currency symbol, a decimal or a
/// thousands group ("$2024", "2024.5", "1,2024", "2024,000").
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    if before.is_some_and(|c| matches!(c, '.' | ',' | '_' | '$' | '€' | '¥' | '£' | '₩')) {
        return false;
    }
    let mut after = text[end..].chars();
    let glued =
        matches!(after.next(), Some('.' | ',')) && after.next().is_some_and(|c| c.is_ascii_digit());
    !glued
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(text: &str) -> Vec<(String, i32)> {
        find(text)
            .iter()
            .map(|m| (text[m.start..m.end].to_string(), m.year))
            .collect()
    }

    #[test]
    fn qualified_forms() {
        assert_eq!(years("in fiscal 2025"), vec![("fiscal 2025".into(), 2025)]);
        assert_eq!(years("FY25 guidance"), vec![("FY25".into(), 2025)]);
        assert_eq!(years("FY2025"), vec![("FY2025".into(), 2025)]);
        assert_eq!(
            years("Q3 2024 and 3Q24"),
            vec![("Q3 2024".into(), 2024), ("3Q24".into(), 2024)]
        );
        assert_eq!(
            years("the 2024 fiscal year"),
            vec![("2024 fiscal year".into(), 2024)]
        );
        assert_eq!(
            years("H1 2025, 2H25"),
            vec![("H1 2025".into(), 2025), ("2H25".into(), 2025)]
        );
    }

    fn periods(text: &str) -> Vec<String> {
        find(text).iter().map(|m| m.period().to_string()).collect()
    }

    #[test]
    fn parts_and_fiscal_years() {
        assert_eq!(periods("Q3 2024 and 3Q24, 1H25, H1 2025"), ["Q3 2024", "Q3 2024", "H1 2025", "H1 2025"]);
        assert_eq!(periods("in the third quarter of fiscal 2026"), ["Q3 FY2026"]);
        assert_eq!(periods("for the first half of 2025 and the second-quarter 2024"), ["H1 2025", "Q2 2024"]);
        assert_eq!(periods("the fourth fiscal quarter of 2025"), ["Q4 FY2025"]);
        assert_eq!(periods("Q4 FY2025 and FY25 and the 2024 fiscal year"), ["Q4 FY2025", "FY2025", "FY2024"]);
        assert_eq!(periods("Q1 of fiscal 2027"), ["Q1 FY2027"]);
        assert_eq!(periods("in 2024, a quarter of it in 2025"), ["2024", "2025"]);
    }

    #[test]
    fn product_names_are_not_halves() {
        assert!(years("H100 and H200 and H20").is_empty());
    }

    #[test]
    fn plain_years_and_lookalikes() {
        assert_eq!(
            years("2023–2025"),
            vec![("2023".into(), 2023), ("2025".into(), 2025)]
        );
        assert!(years("2,024 units, $2024, 2024.5, the 2020s, 1024, 2048").is_empty());
        let found = find("revenue of 2026E");
        assert!(found[0].estimate);
    }

    #[test]
    fn baseline_words_before_dates() {
        let found = find("its highest level since 31 July 2024, and from March 2023, in May 2025");
        let flags: Vec<bool> = found.iter().map(|m| m.baseline).collect();
        assert_eq!(flags, vec![true, true, false]);
        assert!(find("since July 31, 2024")[0].baseline);
        let flags: Vec<(bool, bool)> = find("more than in 2023, compared with 2022, in 2025, from 2024").iter().map(|m| (m.baseline, m.comparison)).collect();
        assert_eq!(flags, vec![(true, true), (true, true), (false, false), (true, false)]);
    }

    #[test]
    fn cues() {
        let found = find("by the end of 2026 and in 2024 and 2023");
        assert!(found[0].deadline && found[0].introduced);
        assert!(!found[1].deadline && found[1].introduced);
        assert!(!found[2].introduced);
    }
}
