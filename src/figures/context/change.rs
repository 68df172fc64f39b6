//! Changes: whether a figure states a change ("up 73%", "a 27% increase",
//! "doubled") rather than a level ("rose to 30%") or a baseline (see
//! `baseline`).
//!
//! A figure that is no baseline states a change when the words right before
//! it, hedges aside, are a change verb ("rose", "up", "grew by"), a verb that
//! takes it as object when it is a percentage or multiple ("cut 10%") or with
//! "by" ("raised prices by 5%"), a change noun with its links ("an increase
//! of", "growth in demand would approach"), or for a multiple a change verb
//! and its object ("raise output about fivefold"); or when the words right after it
//! are a change noun ("a 27% increase"), a comparative ("16% higher"; not for
//! multiples, which compare things) or a comparison period ("78% from a year
//! earlier", "17% quarter on quarter"). The words before are read one by one
//! rather than with a regex anchored at the figure, which is slow.

use std::sync::LazyLock;

use regex::Regex;

use super::super::number::{skip_hedges, word_after};
use super::super::{Candidate, FigureKind};
use super::change_words::{MOVE_VERBS, NOUN_WORDS, TRANSITIVE_VERBS};
use super::phrase::words_before;
use super::Context;

/// Change nouns ("an increase of", "growth in HBM demand would approach").
const NOUNS: &str = concat!(
    r"growth|increases?|rises?|declines?|drops?|falls?|gains?|jumps?|decreases?|reductions?",
    r"|improvements?|expansion|contraction|surges?|CAGR|compound\s+annual(?:\s+growth)?\s+rate",
    r"|(?:annual\s+)?growth\s+rate|annual\s+rate",
);

/// Words that may link a change noun to its figure ("growth would approach
/// 200%", "growth slowed to 20%").
#[rustfmt::skip]
const LINKS: &[&str] = &[
    "was", "is", "were", "are", "will", "would", "could", "should", "may", "might", "can", "be",
    "been", "has", "have", "had", "reach", "reached", "reaches", "reaching", "approach",
    "approached", "approaches", "approaching", "hit", "hits", "exceed", "exceeded", "exceeds",
    "exceeding", "top", "topped", "tops", "stood", "stand", "came", "come", "in", "at", "of",
    "averaged", "averages", "averaging", "remain", "remained", "remains", "likely", "expected",
    "projected", "forecast", "estimated", "seen", "slowed", "slows", "accelerated",
    "accelerates", "eased", "eases",
];

/// Comparatives after a figure that make it a relative change ("16% higher").
const COMPARATIVES: &str = concat!(
    "higher|lower|more|less|fewer|greater|larger|bigger|smaller|faster|slower|cheaper|better",
    "|worse|thinner|thicker|denser|stronger|weaker|above|below|up|down",
);

/// Comparison periods after a figure ("78% from a year earlier").
const PERIODS: &str = concat!(
    r"year[\s-]+(?:on|over)[\s-]+year|y/y|yoy|y-o-y|on[\s-]year|sequentially",
    r"|quarter[\s-]+(?:on|over)[\s-]+quarter|q/q|qoq",
    r"|(?:from|over)\s+(?:a\s+year|the\s+(?:previous|prior|preceding|same|last|year)|last\s+year)",
    r"|over\s+(?:fiscal\s+)?(?:19|20)[0-9]{2}\b",
);

/// The words after a figure, anchored at its end.
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        concat!(
            r"(?i)^(?:\s*-\s*|\s+)(?:(?:[a-z][\w-]*\s+)?(?P<n>{nouns})\b(?:\s+(?:in|for|of)\s+)?",
            r"|(?P<c>{comparatives})\b|(?P<p>{periods})\b)",
        ),
        nouns = NOUNS,
        comparatives = COMPARATIVES,
        periods = PERIODS,
    );
    Regex::new(&pattern).expect("static change-after pattern")
});

/// Verbs before "up" that make it no change ("made up 30%").
#[rustfmt::skip]
const NOT_UP: &[&str] = &[
    "make", "makes", "made", "making", "take", "takes", "took", "taken", "taking", "set", "sets",
    "setting", "sum", "sums", "summed",
];

/// Words after a comparative that are no noun it qualifies ("higher than").
#[rustfmt::skip]
const NOT_NOUNS: &[&str] = &[
    "than", "from", "to", "in", "on", "at", "for", "by", "the", "a", "an", "as", "and", "or",
    "but", "while", "year", "quarter", "sequentially", "compared", "versus", "vs", "over",
    "after", "before", "since", "with", "its", "their",
];

/// Participles before "by" that make it an agent, not an amount ("led by").
#[rustfmt::skip]
const AGENTS: &[&str] = &[
    "led", "held", "made", "owned", "run", "built", "given", "taken", "shown", "driven", "done",
    "sold", "paid", "won", "seen", "known", "brought", "bought", "caught", "written", "set",
];

/// How a change was recognised: where its subject phrase is sought back
/// from, a phrase the change is said to be "in" or to qualify ("a 27%
/// increase in revenue", "20% less power"), and where the words that made it
/// a change end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ChangeCue {
    pub(super) back_from: usize,
    pub(super) phrase_at: Option<usize>,
    pub(super) tail_end: usize,
    /// Found after the figure, so the subject is that of a level.
    pub(super) after: bool,
}

impl Context<'_> {
    /// The text a cue may lie in before the figure starting at `start`: its
    /// clause with the leading separator (", up"), at most 160 bytes.
    pub(super) fn lead_text_start(&self, start: usize) -> usize {
        let (lead, _) = self.clause_with_lead(self.clause_of(start));
        let mut from = start.saturating_sub(160).max(lead);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        from
    }

    /// How `c` states a change, if it does (see the module docs).
    pub(super) fn change_cue(&self, c: &Candidate) -> Option<ChangeCue> {
        if matches!(c.kind, FigureKind::Year | FigureKind::Node) {
            return None;
        }
        let text = self.text;
        if let Some(cue) = self.cue_before(c) {
            return Some(cue);
        }
        if c.kind == FigureKind::Percent && text[..c.start].ends_with('+') {
            return Some(ChangeCue { back_from: c.start, phrase_at: None, tail_end: c.end, after: false });
        }
        let caps = AFTER.captures(&text[c.end..])?;
        let whole = caps.get(0)?;
        let tail_end = c.end + whole.end();
        let back_from = skip_hedges(text, c.start).0;
        if let Some(comparative) = caps.name("c") {
            // "5% up from 4%" is a level and its baseline; multiples compare things.
            let word = comparative.as_str().to_ascii_lowercase();
            let from_follows = matches!(word.as_str(), "up" | "down") && word_after(text, tail_end) == "from";
            if c.kind == FigureKind::Multiple || from_follows {
                return None;
            }
            // "20% less power": the change is of the noun after it; in "16%
            // higher than a year earlier" nothing follows.
            let next = word_after(text, tail_end);
            let noun_follows = !next.is_empty() && !NOT_NOUNS.contains(&next.as_str());
            return Some(ChangeCue { back_from, phrase_at: noun_follows.then_some(tail_end), tail_end, after: true });
        }
        let phrase_at = (caps.name("n").is_some() && whole.as_str().ends_with(char::is_whitespace)).then_some(tail_end);
        Some(ChangeCue { back_from, phrase_at, tail_end, after: true })
    }

    /// A change cue in the words right before `c`, in its clause (see the module docs).
    fn cue_before(&self, c: &Candidate) -> Option<ChangeCue> {
        let from = self.lead_text_start(c.start);
        let (end, _) = skip_hedges(self.text, c.start);
        let words: Vec<(usize, String)> = words_before(self.text, end)
            .into_iter()
            .take_while(|&(at, _)| at >= from)
            .map(|(at, w)| (at, w.to_lowercase()))
            .collect();
        let word = |i: usize| words.get(i).map(|(_, w)| w.as_str());
        let cue = |i: usize, phrase_at: Option<usize>| {
            let back_from = words.get(i)?.0;
            Some(ChangeCue { back_from, phrase_at, tail_end: c.end, after: false })
        };
        let first = word(0)?;
        if MOVE_VERBS.contains(first) {
            let made_up = first == "up" && word(1).is_some_and(|p| NOT_UP.contains(&p));
            return if made_up { None } else { cue(0, None) };
        }
        if matches!(first, "by" | "at") && word(1).is_some_and(|p| MOVE_VERBS.contains(p)) {
            return cue(1, None);
        }
        if first == "by" {
            return if word(1).is_some_and(|p| AGENTS.contains(&p)) { None } else { cue(0, None) };
        }
        if TRANSITIVE_VERBS.contains(first) {
            return if matches!(c.kind, FigureKind::Percent | FigureKind::Multiple) { cue(0, None) } else { None };
        }
        // "raise output of leading-edge chips about fivefold": a multiple
        // after a change verb and its object is a change of that object.
        if c.kind == FigureKind::Multiple {
            let verb = (1..7).find(|&k| word(k).is_some_and(|w| MOVE_VERBS.contains(w) || TRANSITIVE_VERBS.contains(w)));
            // "fallen to about half of its level" is a level reached.
            let reached = |k: usize| (0..k).any(|j| matches!(word(j), Some("to" | "from")));
            if let Some(k) = verb.filter(|&k| !reached(k)) {
                let object = words.get(k).map(|(at, w)| at + w.len());
                return cue(k, object);
            }
        }
        // A change noun and its links: "an increase of", "growth would approach".
        let mut i = 0;
        while i < 4 && word(i).is_some_and(|w| LINKS.contains(&w) || w == "to" && word(i + 1).is_some_and(|n| LINKS.contains(&n))) {
            i += 1;
        }
        if let Some(noun) = noun_at(&words, i) {
            return cue(noun, None);
        }
        // "growth in HBM demand would approach 200%": the noun before a short
        // phrase, linked to the figure by a verb.
        if i == 0 {
            return None;
        }
        (i + 1..i + 5)
            .find_map(|j| {
                let preposition = matches!(word(j), Some("in" | "of" | "for"));
                preposition.then(|| noun_at(&words, j + 1)).flatten().map(|noun| (noun, j))
            })
            .and_then(|(noun, j)| cue(noun, words.get(j.checked_sub(1)?).map(|(at, _)| *at)))
    }
}

/// The index in `words` (nearest first) where a change noun ending at
/// `words[i]` starts: "increase", "growth rate", "compound annual rate".
fn noun_at(words: &[(usize, String)], i: usize) -> Option<usize> {
    let w = words.get(i)?.1.as_str();
    let modifier = |k: usize| words.get(k).is_some_and(|(_, m)| matches!(m.as_str(), "annual" | "compound" | "growth"));
    let mut start = i;
    while modifier(start + 1) {
        start += 1;
    }
    match w {
        "rate" => (start > i).then_some(start),
        _ if NOUN_WORDS.contains(&w) => Some(start),
        _ => None,
    }
}
