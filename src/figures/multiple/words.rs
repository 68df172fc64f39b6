//! Number words ("five", "twenty-four") and the small word lists that tell a
//! multiplier from a frequency, a period or a compound: comparatives
//! ("faster", "as"), what follows a "times" that counts occasions ("three
//! times a year"), and what makes "half" a period ("the first half").

/// Regex alternatives for a number written in words, longest first so that
/// "seventeen" is not read as "seven".
pub(in crate::figures) const NUMBER_WORDS: &str = concat!(
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine)\b)?",
    r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen",
    r"|one|two|three|four|five|six|seven|eight|nine|ten|a\s+hundred|hundred|a\s+thousand|thousand",
);

/// The value of a number written in words (already matched by [`NUMBER_WORDS`]).
pub(in crate::figures) fn word_value(words: &str) -> Option<f64> {
    let lower = words.to_ascii_lowercase();
    let mut parts = lower.split(|c: char| c.is_whitespace() || c == '-').filter(|p| !p.is_empty() && *p != "a");
    let first = unit_value(parts.next()?)?;
    let rest = parts.next().map_or(Some(0.0), unit_value)?;
    Some(first + rest)
}

fn unit_value(word: &str) -> Option<f64> {
    const ONES: [&str; 19] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    if let Some(i) = ONES.iter().position(|w| *w == word) {
        return Some((i + 1) as f64);
    }
    if let Some(i) = TENS.iter().position(|w| *w == word) {
        return Some(((i + 2) * 10) as f64);
    }
    match word {
        "hundred" => Some(100.0),
        "thousand" => Some(1000.0),
        _ => None,
    }
}

/// Words before "double" or "triple" that make it a verb ("to double", "will triple").
#[rustfmt::skip]
pub(super) const VERB_MARKERS: &[&str] = &[
    "to", "will", "would", "could", "can", "may", "might", "should", "shall", "must", "cannot",
    "did", "does", "do", "again", "ll",
];

/// Words after a multiplier that make it a comparison ("five times the power",
/// "twice as fast", "24 times faster").
#[rustfmt::skip]
pub(super) const COMPARISONS: &[&str] = &[
    "the", "as", "that", "those", "its", "their", "his", "her", "our", "what", "more", "less",
    "fewer", "higher", "lower", "greater", "larger", "bigger", "smaller", "faster", "slower",
    "quicker", "better", "worse", "cheaper", "costlier", "pricier", "denser", "stronger", "weaker",
    "longer", "shorter", "wider", "narrower", "taller", "thinner", "thicker", "heavier",
    "lighter", "hotter", "cooler", "compared", "versus", "vs", "from", "above", "below",
];

/// Words after "N times" that make it a count of occasions ("three times a
/// year", "35 times per second", "twice in 2024").
#[rustfmt::skip]
pub(super) const FREQUENCIES: &[&str] = &[
    "a", "an", "per", "each", "every", "daily", "weekly", "monthly", "yearly", "annually", "in",
    "within", "already", "so", "since", "before", "during", "while", "when", "last", "this",
    "until", "between", "running", "straight", "today", "now", "after", "on", "at", "to", "for",
];

/// Verbs before "N times" that make it a multiple even with no comparison
/// after it ("oversubscribed about 2,750 times", "grew five times").
#[rustfmt::skip]
pub(super) const MULTIPLYING_VERBS: &[&str] = &[
    "oversubscribed", "subscribed", "covered", "multiplied", "grew", "grown", "rose", "risen",
    "increased", "expanded", "jumped", "surged", "soared", "climbed", "up", "by", "scaled",
    "boosted", "lifted", "raised",
];

/// Words after "double"/"triple" that make a compound, not a multiple
/// ("double patterning", "triple digits").
#[rustfmt::skip]
pub(super) const COMPOUNDS: &[&str] = &[
    "digit", "digits", "patterning", "data", "precision", "down", "check", "click", "standard",
    "whammy", "edged", "bottom", "dip", "agent", "counting", "taxation", "role", "roles",
];

/// Words before "half" that make it a period or a part of a number ("the
/// first half", "second half", "one and a half").
#[rustfmt::skip]
pub(super) const HALF_PERIODS: &[&str] = &[
    "first", "second", "latter", "former", "back", "front", "other", "next", "last", "past",
    "this", "that", "the", "each", "every", "a", "and", "1st", "2nd", "coming", "previous",
    "prior", "same", "current",
];

/// Words after "half" that make it a period or a number ("half year",
/// "half a million").
#[rustfmt::skip]
pub(super) const HALF_NOT_RATIOS: &[&str] = &[
    "year", "years", "yearly", "time", "day", "days", "hour", "hours", "decade", "century",
    "point", "points", "percentage", "dozen", "a", "an", "and",
];

/// Words after "half" or a fraction that say what it is a part of.
#[rustfmt::skip]
pub(super) const PART_OF: &[&str] = &[
    "of", "the", "its", "their", "his", "her", "our", "all", "that", "what", "those", "these", "as",
];

/// Determiners after "double the" that make it a comparison rather than a verb.
#[rustfmt::skip]
pub(super) const DETERMINERS: &[&str] = &[
    "the", "its", "their", "his", "her", "our", "that", "those", "what", "this", "these",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_words() {
        assert_eq!(word_value("five"), Some(5.0));
        assert_eq!(word_value("seventeen"), Some(17.0));
        assert_eq!(word_value("twenty-four"), Some(24.0));
        assert_eq!(word_value("a hundred"), Some(100.0));
        assert_eq!(word_value("lots"), None);
    }
}
