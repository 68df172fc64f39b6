//! Number-plus-unit figures: percentages, process nodes in nanometres, memory
//! sizes, bandwidth, compute throughput, power, stack heights and counts of
//! things (wafers per month, units, GPUs, chips, ...). Each unit family is one
//! row of the table in `families`; every row gets a single-value and a range
//! pattern. Counts whose noun is a pronoun ("1.65 million of them") are in
//! `referring`.

use std::sync::LazyLock;

use regex::{Captures, Regex, RegexSet};

use super::number::{
    regex, regex_set, range_values, scale_exponent, scaled_value, scan, separator_ok, starts_cleanly, word_before,
    year_like, NUM, PERIOD_WORDS, RANGE_SEP, SCALE,
};
use super::{Candidate, FigureKind::Percent};
use super::multiple::words::word_value;
use families::{Family, FAMILIES};

mod families;
pub(super) mod referring;

/// A product-name word: capitalised ("Nvidia", "H20") or digits then letters ("12-inch").
const NAME_WORD: &str = r"(?-i:[A-Z][A-Za-z0-9+\-]*)|[0-9]+[A-Za-z\-][A-Za-z0-9\-]*";
/// Plain adjectives and noun modifiers allowed between a count and its unit
/// ("4 million AI accelerator cards").
const QUALIFIER: &str = concat!(
    "advanced|more|additional|new|domestic|high-end|leading-edge|mature-node",
    "|accelerator|graphics|server|memory|logic|computing|training|inference",
);

/// Up to three product-name or qualifier words between a count and its unit,
/// after at least one space: "200,000 Nvidia H20 GPUs", "45,000 12-inch
/// wafers per month", "24 Zen 4 CPU cores" (a bare number only after a name).
fn models_pattern() -> String {
    let first = format!("(?:{NAME_WORD}|{QUALIFIER})");
    let next = format!("(?:{NAME_WORD}|[0-9]+|{QUALIFIER})");
    format!(r"\s+(?P<m>{first}\s+(?:{next}\s+){{0,2}})")
}

/// Unit words that must not pass for product names ("36 GB stacks" is memory).
#[rustfmt::skip]
const NOT_MODELS: &[&str] = &[
    "GB", "TB", "MB", "PB", "Gb", "Tb", "GiB", "TiB", "nm", "K", "M", "B", "T", "W", "kW", "MW",
    "GW",
];

/// A compiled family: single-value pattern and, except for tight units, a range pattern.
struct Compiled {
    family: &'static Family,
    single: Regex,
    range: Option<Regex>,
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    FAMILIES
        .iter()
        .map(|family| Compiled {
            family,
            single: regex(&single_pattern(family)),
            range: (!family.tight).then(|| regex(&range_pattern(family))),
        })
        .collect()
});

/// All single-value patterns at once: a sentence is only scanned with the
/// families this set says can match (a range implies its single tail matches).
static ANY: LazyLock<RegexSet> = LazyLock::new(|| {
    let patterns: Vec<String> = FAMILIES.iter().map(single_pattern).collect();
    regex_set(patterns.iter().map(String::as_str))
});

static ACT_AFTER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\s+Act\b"));

fn joiner(f: &Family) -> &'static str {
    if f.tight {
        "-?"
    } else {
        r"(?:\s*|-)"
    }
}

/// What joins the number to the unit: the joiner, or for counts also
/// product names and a demonstrative ("384 of these accelerators").
fn link(f: &Family) -> String {
    if f.count {
        format!(r"(?:\s+of\s+(?:these|those)\s+|{}|{})", models_pattern(), joiner(f))
    } else {
        joiner(f).to_string()
    }
}

/// A count spelled out before a scale word: "one million", "half a million",
/// "two billion" (a bare spelled number, "three GPUs", is too often prose).
const SPELLED_COUNT: &str = r"\b(?P<w>one|two|three|four|five|six|seven|eight|nine|ten|a|half\s+a)\s+(?P<ws>thousand|million|billion)\b";

fn single_pattern(f: &Family) -> String {
    let number = if f.count {
        format!("(?:(?P<n>{NUM})(?P<s>{SCALE})?|{SPELLED_COUNT})")
    } else {
        format!("(?P<n>{NUM})")
    };
    format!(r"(?i){number}{}(?P<u>{})", link(f), f.pattern)
}

/// The value of a spelled-out count: "half a" million is 500,000.
fn spelled_value(word: &str, scale: &str) -> Option<f64> {
    let lower = word.to_ascii_lowercase();
    let n = match lower.split_whitespace().next()? {
        "a" => 1.0,
        "half" => 0.5,
        other => word_value(other)?,
    };
    Some(n * 10f64.powi(i32::try_from(scale_exponent(scale)).ok()?))
}

fn range_pattern(f: &Family) -> String {
    let (s1, s2) = if f.count {
        (format!("(?P<s1>{SCALE})?"), format!("(?P<s2>{SCALE})?"))
    } else {
        (String::new(), String::new())
    };
    format!(
        r"(?i)(?P<n1>{NUM}){s1}(?:\s*(?:{unit}))?{RANGE_SEP}(?P<n2>{NUM}){s2}{link}(?P<u>{unit})",
        unit = f.pattern,
        link = link(f),
    )
}

/// Every number-plus-unit candidate in `text`.
pub(super) fn find(text: &str) -> Vec<Candidate> {
    let mut found = Vec::new();
    for c in ANY.matches(text).iter().filter_map(|i| COMPILED.get(i)) {
        found.extend(scan(&c.single, text, |caps| single(c.family, text, caps)));
        if let Some(range_re) = &c.range {
            found.extend(scan(range_re, text, |caps| range(c.family, text, caps)));
        }
    }
    found
}

fn single(f: &Family, text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let end = caps.get(0)?.end();
    if let (Some(w), Some(ws)) = (caps.name("w"), caps.name("ws")) {
        if !plausible(f, text, caps) {
            return None;
        }
        let value = spelled_value(w.as_str(), ws.as_str())? * 10f64.powi(i32::try_from(f.exp).ok()?);
        return Some(Candidate::single(w.start(), end, f.kind, f.unit, value));
    }
    let n = caps.name("n")?;
    if !starts_cleanly(text, n.start()) || !plausible(f, text, caps) {
        return None;
    }
    let scale = caps.name("s").map_or(0, |s| scale_exponent(s.as_str()));
    if scale == 0 && year_like(n.as_str()) && !count_not_year(caps, text, n.start()) {
        return None;
    }
    let value = scaled_value(n.as_str(), scale + f.exp)?;
    let (start, value) = if f.kind == Percent {
        with_sign(text, n.start(), value)
    } else {
        (n.start(), value)
    };
    Some(Candidate::single(start, end, f.kind, f.unit, value))
}

fn range(f: &Family, text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let (n1, n2, sep) = (caps.name("n1")?, caps.name("n2")?, caps.name("sep")?);
    let end = caps.get(0)?.end();
    if !starts_cleanly(text, n1.start()) || !separator_ok(text, n1.start(), sep.as_str()) {
        return None;
    }
    if !plausible(f, text, caps) {
        return None;
    }
    let (low, high) = range_values(
        (n1.as_str(), caps.name("s1").map(|m| m.as_str())),
        (n2.as_str(), caps.name("s2").map(|m| m.as_str())),
        f.exp,
    )?;
    Some(Candidate::range(
        (n1.start(), end),
        f.kind,
        f.unit,
        low,
        high,
    ))
}

/// Count sanity checks: "the 2022 CHIPS Act" is not a count; unit words
/// are not product names ("36 GB stacks"); a singular noun needs a hyphen
/// ("a 72-GPU rack") or the number one, so "Atlas 900 system" and "the 2025
/// accelerator market" are no counts.
fn plausible(f: &Family, text: &str, caps: &Captures<'_>) -> bool {
    if !f.count {
        return true;
    }
    let (Some(whole), Some(unit)) = (caps.get(0), caps.name("u")) else {
        return false;
    };
    let models = caps.name("m").map_or("", |m| m.as_str());
    let unit_as_model = models
        .split_whitespace()
        .any(|w| NOT_MODELS.contains(&w) || w.ends_with("/s"));
    let number = caps
        .name("n")
        .or(caps.name("n2"))
        .map_or("", |m| m.as_str());
    let hyphenated = text[..unit.start()].ends_with('-');
    let singular = f.unit.ends_with('s') && !unit.as_str().to_ascii_lowercase().ends_with('s');
    let lone_singular = singular && !hyphenated && number != "1";
    !(ACT_AFTER.is_match(&text[whole.end()..]) || unit_as_model || lone_singular)
}

/// For a number that reads as a year, whether it is really a count: not when
/// product names sit between it and the unit ("in 2025 Nvidia GPUs") or a
/// period word precedes it ("by 2030 units will ...").
fn count_not_year(caps: &Captures<'_>, text: &str, start: usize) -> bool {
    caps.name("m").is_none() && !PERIOD_WORDS.contains(&word_before(text, start).as_str())
}

/// Extend a percentage over a leading sign: "-5%" is -5, "+94%" is 94.
fn with_sign(text: &str, start: usize, value: f64) -> (usize, f64) {
    let head = &text[..start];
    let mut back = head.chars().rev();
    match back.next() {
        Some(sign @ ('-' | '−' | '+')) if !back.next().is_some_and(char::is_alphanumeric) => {
            let signed = if sign == '+' { value } else { -value };
            (start - sign.len_utf8(), signed)
        }
        _ => (start, value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> Vec<(String, &'static str, f64)> {
        let found = super::super::keep_longest(find(text), |c| (c.start, c.end));
        found
            .iter()
            .map(|c| (text[c.start..c.end].to_string(), c.unit, c.value))
            .collect()
    }

    #[test]
    fn every_family_compiles() {
        assert_eq!(COMPILED.len(), FAMILIES.len());
    }

    #[test]
    fn glued_and_spaced_units() {
        assert_eq!(units("36GB"), vec![("36GB".into(), "GB", 36.0)]);
        assert_eq!(
            units("5-nanometre"),
            vec![("5-nanometre".into(), "nm", 5.0)]
        );
        assert_eq!(
            units("100 kwpm"),
            vec![("100 kwpm".into(), "wafers/month", 100_000.0)]
        );
    }

    #[test]
    fn signs_on_percentages() {
        assert_eq!(units("fell -5% on"), vec![("-5%".into(), "%", -5.0)]);
        assert_eq!(units("+94%"), vec![("+94%".into(), "%", 94.0)]);
    }

    #[test]
    fn year_like_counts() {
        assert!(units("the 2022 CHIPS Act").is_empty());
        assert!(units("in 2025 Nvidia GPUs were").is_empty());
        assert_eq!(units("shipped 2024 units").len(), 1);
    }

    #[test]
    fn spelled_out_counts() {
        assert_eq!(
            units("as many as one million Tensor Processing Units (TPUs)"),
            vec![("one million Tensor Processing Units".into(), "units", 1_000_000.0)]
        );
        assert_eq!(units("half a million wafers"), vec![("half a million wafers".into(), "wafers", 500_000.0)]);
        assert_eq!(units("a million GPUs"), vec![("a million GPUs".into(), "GPUs", 1_000_000.0)]);
        // Without a scale word a spelled number is prose, not a figure.
        assert!(units("three GPUs were shown").is_empty());
    }

    #[test]
    fn tight_heights_need_no_space() {
        assert!(units("a 12 high wall").is_empty());
        assert_eq!(units("8-Hi stacks"), vec![("8-Hi".into(), "layers", 8.0)]);
    }
}
