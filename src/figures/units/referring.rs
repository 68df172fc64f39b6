//! Counts whose noun is a pronoun: "about 1.65 million of them", "384 of
//! which". The noun is taken from the nearest count before it in the same
//! sentence, else from the last count of the sentence before ("4 million
//! cards were shipped. Chinese vendors delivered 1.65 million of them."),
//! else it is "units".

use std::sync::LazyLock;

use regex::Regex;

use super::super::number::{regex, scale_exponent, scaled_value, starts_cleanly, year_like, NUM, SCALE};
use super::super::{Candidate, FigureKind};

static REFERRING: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(r"(?i)(?P<n>{NUM})(?P<s>{SCALE})?\s+of\s+(?P<p>them|which|these|those)\b"))
});

/// The unit a count's pronoun stands for when nothing names it.
const DEFAULT_UNIT: &str = "units";

/// Counts in `text` whose noun is a pronoun. `found` are the sentence's other
/// candidates; `antecedent` is the noun of the previous sentence's last count.
pub(in super::super) fn find(text: &str, found: &[Candidate], antecedent: Option<&'static str>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for caps in REFERRING.captures_iter(text) {
        let (Some(whole), Some(n), Some(pronoun)) = (caps.get(0), caps.name("n"), caps.name("p")) else {
            continue;
        };
        let scale = caps.name("s").map_or(0, |s| scale_exponent(s.as_str()));
        if !starts_cleanly(text, n.start()) || scale == 0 && year_like(n.as_str()) {
            continue;
        }
        // "$2bn of which": the number is already another figure's.
        if found.iter().any(|c| c.start < whole.end() && n.start() < c.end) {
            continue;
        }
        // "of these chips" names its noun: a family row matches it, or it is no count.
        let demonstrative = matches!(pronoun.as_str().to_ascii_lowercase().as_str(), "these" | "those");
        if demonstrative && text[whole.end()..].trim_start().starts_with(char::is_alphabetic) {
            continue;
        }
        let Some(value) = scaled_value(n.as_str(), scale) else { continue };
        let unit = noun_before(found, n.start()).or(antecedent).unwrap_or(DEFAULT_UNIT);
        out.push(Candidate::single(n.start(), whole.end(), FigureKind::Count, unit, value));
    }
    out
}

/// The unit of the last count ending before `pos`; stack heights ("12-high")
/// count layers of one thing, not things.
fn noun_before(found: &[Candidate], pos: usize) -> Option<&'static str> {
    found
        .iter()
        .filter(|c| c.kind == FigureKind::Count && c.end <= pos)
        .max_by_key(|c| c.end)
        .map(|c| c.unit)
        .filter(|unit| *unit != "layers")
}

/// The noun a later sentence's "of them" may refer to: that of the last count.
pub(in super::super) fn last_noun(found: &[Candidate]) -> Option<&'static str> {
    noun_before(found, usize::MAX)
}
