//! Forecast or actual, by tense cues near the figure.
//!
//! Cues are words: future ones ("will", "expected", "projected", "forecast",
//! "plans to", "targets", "outlook", "guidance", "could", "should", "on
//! track", "set to", "poised", "heading for", ...) and past ones ("was",
//! "reported", "reached", "held", "rose", "made", "exceeded", ...),
//! including the weak "estimated" and comparisons ("up from", "compared
//! with", "versus", "a year earlier") that speak only for their own clause.
//! A future cue after "than" or "had" ("better than expected", "had
//! expected") is no cue, nor a past form after "to" or a modal ("to hit").
//! The verdict is the first of:
//! 1. cues before the figure in its clause: any future cue makes a forecast,
//!    else a past cue makes it actual (the weak "estimated" yields to a
//!    deadline year in the clause);
//! 2. the first cue after the figure in its clause;
//! 3. a deadline year ("by 2028") or estimate year ("2026E") in the clause: forecast;
//! 4. the nearest earlier clause with a cue, read as in 1;
//! 5. the first cue of the nearest later clause with one;
//!
//! and otherwise the figure is actual.

use std::sync::LazyLock;

use regex::Regex;

use super::super::number::{regex, word_after, word_before};
use super::Context;

/// Future cues: regex fragments matched case-insensitively as whole words.
#[rustfmt::skip]
const FUTURE_WORDS: &[&str] = &[
    "will", "would", "shall", "could", "should", "might", "(?-i:may)", "projected", "projects?",
    "projections?", "projecting", "expected", "expects?", "expecting", "forecasts?", "forecasted",
    "forecasting", r"estimated\s+to", r"estimates?\s+to", "predicts?", "predicted", "predictions?",
    "anticipated?", "anticipates", r"set\s+to", r"plans?\s+to", "planned", "planning",
    r"aims?\s+to", "aiming", "targets?", "targeted", "targeting", "outlook", "guidance", "guided",
    "poised", r"on\s+(?:track|course|pace)", "likely", "slated", "scheduled",
    r"head(?:ed|ing)\s+(?:for|to|towards?)", r"tipped\s+to", r"bound\s+to", r"stands?\s+to",
    r"in\s+the\s+(?:years|months|quarters)\s+ahead",
    r"due\s+to\s+(?:begin|start|launch|reach|open|ship|arrive)",
    r"(?:is|are|was|were|am|'s|'re|’s|’re)\s+going\s+to", r"intends?\s+to",
    r"next\s+year", r"coming\s+years?", "upcoming",
];

/// Past cues, including comparisons that speak only for their own clause.
#[rustfmt::skip]
const PAST_WORDS: &[&str] = &[
    "was", "were", "had", "did", "reported", "reached", "held", "rose", "risen", "fell", "fallen",
    "grew", "grown", "increased", "decreased", "declined", "dropped", "jumped", "surged", "soared",
    "climbed", "slipped", "shipped", "sold", "recorded", "posted", "generated", "earned",
    "totall?ed", "accounted", "achieved", "ended", "delivered", "spent", "made", "saw", "hit",
    "stood", "took", "gained", "lost", "added", "produced", "captured", "represented", "amounted",
    "contributed", "peaked", "doubled", "tripled", "estimated", "launched", "announced",
    "exceeded", "surpassed", "topped", "beat", "outpaced", "registered", "logged", r"came\s+in",
    "touched", "closed", "opened", "raised", "attracted", "secured", "lowered", "lifted",
    "trimmed", "slashed", "boosted", "reduced", "widened", "narrowed", "plunged", "tumbled",
    "slumped", "rallied", "rebounded", "expanded", "shrank",
    r"last\s+year", "ago", "previously", r"up\s+from", r"down\s+from", r"compared\s+(?:with|to)",
    "versus", r"a\s+year\s+(?:earlier|before)",
];

fn word_regex(words: &[&str]) -> Regex {
    regex(&format!(r"(?i)\b(?:{})\b", words.join("|")))
}

static FUTURE_CUE: LazyLock<Regex> = LazyLock::new(|| word_regex(FUTURE_WORDS));
static PAST_CUE: LazyLock<Regex> = LazyLock::new(|| word_regex(PAST_WORDS));

/// Words after which a verb is an infinitive, whatever its spelling.
#[rustfmt::skip]
const INFINITIVE_MARKERS: &[&str] = &[
    "to", "will", "would", "could", "may", "might", "should", "can", "shall", "must",
];

/// Words after which a past participle is an adjective ("that lost volume").
#[rustfmt::skip]
const ADJECTIVE_MARKERS: &[&str] = &[
    "the", "a", "an", "that", "this", "these", "those", "its", "their", "his", "her", "our",
];

/// A tense cue: where it starts, whether it points to the future, whether
/// it is the weak "estimated", and whether it speaks only for its own clause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Cue {
    start: usize,
    future: bool,
    weak: bool,
    local: bool,
}

/// All cues of a sentence in text order; a future cue hides a past cue it
/// overlaps ("estimated to" over "estimated").
pub(super) fn find_cues(text: &str) -> Vec<Cue> {
    let future: Vec<(usize, usize)> = FUTURE_CUE
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .filter(|&(start, _)| !matches!(word_before(text, start).as_str(), "than" | "had"))
        .filter(|&(start, end)| !noun_project(text, start, end))
        .collect();
    let mut cues: Vec<Cue> = future.iter().map(|&(start, _)| future_cue(start)).collect();
    for m in PAST_CUE.find_iter(text) {
        let before = word_before(text, m.start());
        // "to hit", "could hit": an infinitive, not a past tense.
        let infinitive = INFINITIVE_MARKERS.contains(&before.as_str());
        // "was expected", "were set to": the future cue that follows decides.
        let passive_future = future.iter().any(|&(s, _)| s >= m.end() && text[m.end()..s].trim().is_empty());
        // "of that lost volume", "the reported revenue": an adjective.
        let adjective = ADJECTIVE_MARKERS.contains(&before.as_str()) && word_after(text, m.end()).starts_with(char::is_lowercase);
        let overlaps = future.iter().any(|&(s, e)| m.start() < e && s < m.end());
        if !(infinitive || passive_future || adjective || overlaps) {
            cues.push(past_cue(m.start(), m.as_str()));
        }
    }
    cues.sort_by_key(|c| c.start);
    cues
}

/// "the project", "its projects": the noun, not the verb ("TSMC projects").
fn noun_project(text: &str, start: usize, end: usize) -> bool {
    let word = text[start..end].to_ascii_lowercase();
    matches!(word.as_str(), "project" | "projects") && ADJECTIVE_MARKERS.contains(&word_before(text, start).as_str())
}

fn future_cue(start: usize) -> Cue {
    Cue {
        start,
        future: true,
        weak: false,
        local: false,
    }
}

fn past_cue(start: usize, word: &str) -> Cue {
    let lower = word.to_ascii_lowercase();
    let weak = lower == "estimated";
    let local = ["up", "down", "compared", "versus", "a "]
        .iter()
        .any(|p| lower.starts_with(p));
    Cue {
        start,
        future: false,
        weak,
        local,
    }
}

/// Reading of cues before a figure: any future cue wins, else any past cue.
fn reading<'c>(cues: impl Iterator<Item = &'c Cue>) -> Option<Cue> {
    let mut found: Option<Cue> = None;
    for cue in cues {
        if cue.future {
            return Some(*cue);
        }
        found = Some(*cue);
    }
    found
}

impl Context<'_> {
    /// Whether the figure spanning `start..end` is a forecast (see module docs).
    pub(in super::super) fn forecast(&self, start: usize, end: usize) -> bool {
        let own = self.clause_of(start);
        let (lead, clause_end) = self.clause_with_lead(own);
        let deadline = self.deadline_in(own);
        let before = reading(self.cues_in(lead, start));
        if let Some(cue) = before.or_else(|| self.cues_in(end, clause_end).next().copied()) {
            return cue.future || (cue.weak && deadline);
        }
        if deadline {
            return true;
        }
        let shared = |i: usize| {
            let (s, e) = self.clause_with_lead(i);
            self.cues_in(s, e).filter(|c| !c.local)
        };
        let earlier = (0..own).rev().find_map(|i| reading(shared(i)));
        let later = || (own + 1..self.clause_count()).find_map(|i| shared(i).next().copied());
        earlier.or_else(later).is_some_and(|c| c.future)
    }

    fn cues_in(&self, from: usize, to: usize) -> impl DoubleEndedIterator<Item = &Cue> + '_ {
        self.cues
            .iter()
            .filter(move |c| c.start >= from && c.start < to)
    }

    /// Whether clause `index` holds "by YEAR" or an estimate year ("2026E").
    fn deadline_in(&self, index: usize) -> bool {
        let (start, end) = self.clause_range(index);
        self.years
            .iter()
            .filter(|y| y.start >= start && y.end <= end)
            .any(|y| y.deadline || y.estimate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(bool, bool)> {
        find_cues(text).iter().map(|c| (c.future, c.weak)).collect()
    }

    #[test]
    fn future_cue_hides_overlapping_past_cue() {
        assert_eq!(kinds("sales are estimated to grow"), vec![(true, false)]);
        assert_eq!(kinds("TrendForce estimated sales"), vec![(false, true)]);
    }

    #[test]
    fn comparisons_and_infinitives() {
        assert!(kinds("better than expected").is_empty());
        assert!(kinds("had expected").iter().all(|&(future, _)| !future));
        assert_eq!(kinds("could hit"), vec![(true, false)]);
        let cues = find_cues("up from 20%");
        assert!(cues.len() == 1 && cues[0].local && !cues[0].future);
    }

    #[test]
    fn passive_futures_and_adjectives() {
        assert_eq!(kinds("N2P was expected in 2026"), vec![(true, false)]);
        assert_eq!(kinds("of that lost volume could"), vec![(true, false)]);
        assert_eq!(kinds("Huawei lost share"), vec![(false, false)]);
        assert!(kinds("tools going to Chinese fabs").is_empty());
        assert_eq!(kinds("it is going to rise"), vec![(true, false)]);
        assert!(kinds("The project costs").is_empty());
        assert_eq!(kinds("TSMC projects growth"), vec![(true, false)]);
    }

    #[test]
    fn may_only_in_lower_case() {
        assert_eq!(kinds("output may rise"), vec![(true, false)]);
        assert!(kinds("in May 2025").is_empty());
    }
}
