//! Money amounts: a currency symbol or code before the number ("US$", "NT$",
//! "RMB", "€", "¥") and/or a currency word after it ("yuan", "yen", "won"),
//! optional scale words ("billion", "bn", "T"), and ranges ("$8-10 billion",
//! "between $8bn and $10bn"). Values are converted to base units and the
//! currency to its ISO 4217 code.

use std::sync::LazyLock;

use regex::{Captures, Match, Regex};

use super::number::{
    regex, range_values, scale_exponent, scaled_value, scan, separator_ok, starts_cleanly, year_like, NUM,
    RANGE_SEP, SCALE,
};
use super::{Candidate, FigureKind};

/// Currency symbols and codes written before the amount. Codes are matched
/// case-sensitively so ordinary words are not mistaken for them.
const PREFIX: &str = r"(?-i:US\$|NT\$|HK\$|USD|RMB|CNY|EUR|JPY|KRW|TWD|GBP|HKD)|\$|€|¥|￥|₩|£";

/// Currency words and codes written after the amount, longest first.
const SUFFIX: &str = concat!(
    r"(?:(?:US|U\.S\.|American)\s+dollars?",
    r"|(?:NT|New\s+Taiwan|Taiwan(?:ese)?)\s+dollars?",
    r"|Hong\s+Kong\s+dollars?",
    r"|dollars?",
    r"|(?:Chinese\s+)?yuan|renminbi",
    r"|(?:Japanese\s+)?yen",
    r"|(?:South\s+)?(?:Korean\s+)?won",
    r"|euros?",
    r"|(?-i:USD|RMB|CNY|EUR|JPY|KRW|TWD|GBP|HKD))\b",
);

/// Compile a money pattern; `{P}`, `{N}`, `{S}`, `{C}`, `{R}` stand for the
/// prefix, number, scale, suffix and range-separator fragments.
fn compile(template: &str) -> Regex {
    let pattern = template
        .replace("{P}", PREFIX)
        .replace("{N}", NUM)
        .replace("{S}", SCALE)
        .replace("{C}", SUFFIX)
        .replace("{R}", RANGE_SEP);
    regex(&format!("(?i){pattern}"))
}

/// "$35.1 billion", "US$10.4bn", "¥500 billion yen".
static PREFIXED: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?P<p>{P})\s?(?P<n>{N})(?P<s>{S})?(?:\s*(?P<c>{C}))?"));

/// "1.2 trillion yuan", "500 billion yen".
static SUFFIXED: LazyLock<Regex> = LazyLock::new(|| compile(r"(?P<n>{N})(?P<s>{S})?\s*(?P<c>{C})"));

/// "$8-10 billion", "between $8bn and $10bn".
static PREFIXED_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?P<p>{P})\s?(?P<n1>{N})(?P<s1>{S})?{R}",
        r"(?:(?P<p2>{P})\s?)?(?P<n2>{N})(?P<s2>{S})?(?:\s*(?P<c>{C}))?",
    ))
});

/// "5 to 7 trillion won".
static SUFFIXED_RANGE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?P<n1>{N})(?P<s1>{S})?{R}(?P<n2>{N})(?P<s2>{S})?\s*(?P<c>{C})"));

/// "¥" means yuan unless the sentence speaks of yen.
static YEN: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(?:yen|JPY)\b"));

/// Every money candidate (single amounts and ranges) in `text`.
pub(super) fn find(text: &str) -> Vec<Candidate> {
    let mut found = Vec::new();
    for re in [&PREFIXED, &SUFFIXED] {
        found.extend(scan(re, text, |caps| single(text, caps)));
    }
    for re in [&PREFIXED_RANGE, &SUFFIXED_RANGE] {
        found.extend(scan(re, text, |caps| range(text, caps)));
    }
    found
}

/// "$35.1 billion", "1.2 trillion yuan", "US$10.4bn".
fn single(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let n = caps.name("n")?;
    let (prefix, suffix, scale) = (caps.name("p"), caps.name("c"), caps.name("s"));
    let start = prefix.map_or(n.start(), |p| p.start());
    if !starts_cleanly(text, start) || prefix.is_none() && suffix.is_none() {
        return None;
    }
    // "in 2024 dollars" is a price basis, not an amount.
    if prefix.is_none() && scale.is_none() && year_like(n.as_str()) {
        return None;
    }
    let end = caps.get(0)?.end();
    let end = end + per_share(&text[end..]);
    let value = scaled_value(n.as_str(), scale.map_or(0, |s| scale_exponent(s.as_str())))?;
    let currency = currency(text, prefix, suffix, (value, scale.is_some()))?;
    Some(Candidate::single(
        start,
        end,
        FigureKind::Money,
        currency,
        value,
    ))
}

/// "per diluted share" after an amount: it is an amount per share (earnings
/// or a dividend), and says so in its text. Returns the bytes to take.
fn per_share(after: &str) -> usize {
    static PER_SHARE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"^\s+(?:a|per)\s+(?:diluted\s+|basic\s+)?(?:share|ADS)\b"));
    PER_SHARE.find(after).map_or(0, |m| m.end())
}

/// "$8-10 billion", "between $8bn and $10bn", "5 to 7 trillion won".
fn range(text: &str, caps: &Captures<'_>) -> Option<Candidate> {
    let (n1, n2, sep) = (caps.name("n1")?, caps.name("n2")?, caps.name("sep")?);
    let (s1, s2) = (caps.name("s1"), caps.name("s2"));
    let prefix = caps.name("p");
    let suffix = caps.name("c");
    let start = prefix.map_or(n1.start(), |p| p.start());
    if !starts_cleanly(text, start) || !separator_ok(text, start, sep.as_str()) {
        return None;
    }
    if prefix.is_none() && suffix.is_none() {
        return None;
    }
    let end = caps.get(0)?.end();
    let symbol = prefix.or(caps.name("p2"));
    let (low, high) = range_values(
        (n1.as_str(), s1.map(|m| m.as_str())),
        (n2.as_str(), s2.map(|m| m.as_str())),
        0,
    )?;
    let currency = currency(text, symbol, suffix, (low, s2.is_some()))?;
    Some(Candidate::range(
        (start, end),
        FigureKind::Money,
        currency,
        low,
        high,
    ))
}

/// ISO code of an amount: a currency word after the number decides, else the
/// symbol before it ("¥" is yuan unless the sentence `text` speaks of yen).
/// A bare "won" needs a scale word ("10 trillion won") or an amount of at
/// least 100 ("83,500 won") so that "the 3 firms won" is not money.
fn currency(
    text: &str,
    prefix: Option<Match<'_>>,
    suffix: Option<Match<'_>>,
    (amount, scaled): (f64, bool),
) -> Option<&'static str> {
    if let Some(word) = suffix {
        let bare_won = word.as_str().eq_ignore_ascii_case("won");
        if bare_won && !scaled && prefix.is_none() && amount < 100.0 {
            return None;
        }
        return suffix_currency(word.as_str());
    }
    let symbol = prefix?.as_str();
    if matches!(symbol, "¥" | "￥") && YEN.is_match(text) {
        return Some("JPY");
    }
    prefix_currency(symbol)
}

/// ISO code for a symbol or code written before the amount.
fn prefix_currency(symbol: &str) -> Option<&'static str> {
    Some(match symbol {
        "$" | "US$" | "USD" => "USD",
        "NT$" | "TWD" => "TWD",
        "HK$" | "HKD" => "HKD",
        "RMB" | "CNY" | "¥" | "￥" => "CNY",
        "€" | "EUR" => "EUR",
        "JPY" => "JPY",
        "₩" | "KRW" => "KRW",
        "£" | "GBP" => "GBP",
        _ => return None,
    })
}

/// ISO code for a currency word or code written after the amount.
fn suffix_currency(word: &str) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    let code = if lower.contains("taiwan") || lower.starts_with("nt") || lower == "twd" {
        "TWD"
    } else if lower.contains("hong kong") || lower == "hkd" {
        "HKD"
    } else if lower.contains("dollar") || lower == "usd" {
        "USD"
    } else if lower.contains("yuan") || matches!(lower.as_str(), "renminbi" | "rmb" | "cny") {
        "CNY"
    } else if lower.contains("yen") || lower == "jpy" {
        "JPY"
    } else if lower.ends_with("won") || lower == "krw" {
        "KRW"
    } else if lower.starts_with("euro") || lower == "eur" {
        "EUR"
    } else if lower == "gbp" {
        "GBP"
    } else {
        return None;
    };
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Vec<(String, &'static str, f64)> {
        let mut found = super::super::keep_longest(find(text), |c| (c.start, c.end));
        found.sort_by_key(|c| c.start);
        found
            .iter()
            .map(|c| (text[c.start..c.end].to_string(), c.unit, c.value))
            .collect()
    }

    #[test]
    fn symbols_and_codes() {
        assert_eq!(
            money("US$10.4bn"),
            vec![("US$10.4bn".into(), "USD", 10.4e9)]
        );
        assert_eq!(
            money("NT$100 billion"),
            vec![("NT$100 billion".into(), "TWD", 1e11)]
        );
        assert_eq!(
            money("RMB 10 billion"),
            vec![("RMB 10 billion".into(), "CNY", 1e10)]
        );
        assert_eq!(
            money("€1.5 billion"),
            vec![("€1.5 billion".into(), "EUR", 1.5e9)]
        );
    }

    #[test]
    fn yen_versus_yuan() {
        assert_eq!(money("¥500 billion")[0].1, "CNY");
        assert_eq!(money("¥500 billion yen")[0].1, "JPY");
        assert_eq!(money("JPY ¥500 billion")[0].1, "JPY");
        assert_eq!(money("500 billion yen")[0].1, "JPY");
    }

    #[test]
    fn not_money() {
        assert!(money("the chipmaker won 3 contracts").is_empty());
        assert!(money("in 2024 dollars").is_empty());
        assert!(money("10 billion transistors").is_empty());
        assert!(money("Samsung won the order").is_empty());
    }

    #[test]
    fn change_is_not_a_range() {
        let found = money("rose from $8bn to $10bn");
        assert_eq!(found.len(), 2);
    }
}
