//! Process nodes written as foundry names rather than "7nm": TSMC-style
//! "N3", "N2", "N3E", "N4P" (the number is the node in nm) and SMIC's
//! "N+1"/"N+2" (7nm-class) and "N+3" (5nm-class). Both patterns are
//! case-sensitive and whole-word, so "N2O" or a stray "N" never match.
//! Plain "7nm" / "5-nanometre" are handled by `units`; this module adds the
//! longer forms that name one node class: "16nm-class", "7nm-class" and
//! "16nm/14nm" (one figure, valued at the first node written).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::number::{regex, scan};
use super::{Candidate, FigureKind};

/// TSMC-style node names: N + a known node number + optional variant letter.
static FOUNDRY_NODE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\bN(?P<n>2|3|4|5|6|7|10|12|16|20|22|28)[EPXABC]?\b")
});

/// SMIC's generation names.
static SMIC_NODE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\bN\+(?P<n>[1-3])\b"));

/// "16nm-class", "16nm/14nm", "16/14nm": one node class in several words.
static NODE_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b(?P<n>[0-9]{1,2})(?:\s?nm)?\s?/\s?[0-9]{1,2}\s?nm\b(?:-class\b)?|\b(?P<c>[0-9]{1,2})\s?nm-class\b")
});

/// Every foundry-named node in `text`.
pub(super) fn find(text: &str) -> Vec<Candidate> {
    let mut found = scan(&FOUNDRY_NODE, text, |caps| {
        let nm = caps.name("n")?.as_str().parse::<f64>().ok()?;
        node(caps, nm)
    });
    found.extend(scan(&SMIC_NODE, text, |caps| {
        let nm = match caps.name("n")?.as_str() {
            "3" => 5.0,
            _ => 7.0,
        };
        node(caps, nm)
    }));
    found.extend(scan(&NODE_CLASS, text, |caps| {
        let nm = caps.name("n").or(caps.name("c"))?.as_str().parse::<f64>().ok()?;
        node(caps, nm)
    }));
    found
}

fn node(caps: &Captures<'_>, nm: f64) -> Option<Candidate> {
    let whole = caps.get(0)?;
    Some(Candidate::single(
        whole.start(),
        whole.end(),
        FigureKind::Node,
        "nm",
        nm,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(text: &str) -> Vec<(String, f64)> {
        find(text)
            .iter()
            .map(|c| (text[c.start..c.end].to_string(), c.value))
            .collect()
    }

    #[test]
    fn foundry_names() {
        assert_eq!(
            nodes("TSMC's N3E and N2"),
            vec![("N3E".into(), 3.0), ("N2".into(), 2.0)]
        );
        assert_eq!(
            nodes("SMIC's N+2 and N+3"),
            vec![("N+2".into(), 7.0), ("N+3".into(), 5.0)]
        );
    }

    #[test]
    fn node_classes_are_one_figure() {
        assert_eq!(
            nodes("the 16nm/14nm logic limit, CXMT's 16nm-class DRAM and 16/14nm"),
            vec![("16nm/14nm".into(), 16.0), ("16nm-class".into(), 16.0), ("16/14nm".into(), 16.0)]
        );
    }

    #[test]
    fn lookalikes_are_ignored() {
        assert!(nodes("N2O emissions").is_empty());
        assert!(nodes("N8 and N99 and n3 and N+7 and GN3").is_empty());
        assert!(nodes("N is a letter").is_empty());
    }
}
