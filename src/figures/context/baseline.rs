//! Baselines: whether a figure is the base a change or comparison is
//! measured from ("up from 19%", "from US$39.3 billion a year earlier",
//! "compared with 20.5% in the previous quarter"), and the time phrase right
//! after a figure that says which period it is of.
//!
//! A figure is a baseline when, hedges aside,
//! 1. "from" comes right before it, in a clause that speaks of a change or
//!    with a "to" before the next figure ("rise from 2% in 2023 to 5%"), but
//!    not after "range" or "vary";
//! 2. "compared with", "versus" or "against" comes right before it, and its
//!    own time phrase points earlier, or an earlier figure is a change;
//! 3. its own time phrase starts with an earlier period ("16.4% a year earlier");
//! 4. it continues a list of baselines of its kind ("from A in Q3 and B in Q4 2023");
//! 5. "from a range of" comes right before it and a "to" follows ("raised
//!    capex from a range of US$7.5-8 billion to US$8 billion").
//!
//! Years and process nodes are never baselines.

use std::sync::LazyLock;

use regex::Regex;

use super::super::number::{skip_hedges, word_before};
use super::super::{Candidate, FigureKind};
use super::change_words::is_change_word;
use super::Context;

/// Words besides change words that make "from" a baseline ("moved from").
const MOVES: [&str; 12] = ["moved", "move", "moves", "shift", "shifted", "shifts", "take", "took", "went", "go", "revised", "changed"];

impl Context<'_> {
    /// Whether `c` is a baseline. `previous` is the figure before it with its
    /// baseline flag and time-phrase end; `change_before` whether a figure
    /// before it states a change.
    pub(super) fn is_baseline(&self, c: &Candidate, previous: Option<(&Candidate, bool, usize)>, change_before: bool) -> bool {
        // A process node names a technology, not an amount measured over time.
        if matches!(c.kind, FigureKind::Year | FigureKind::Node) {
            return false;
        }
        let text = self.text;
        let own = self.time_phrase(c.end);
        let own_text = &text[c.end..own];
        let (before, _) = skip_hedges(text, c.start);
        let mut head_start = before.saturating_sub(20);
        while !text.is_char_boundary(head_start) {
            head_start += 1;
        }
        let head = text[head_start..before].to_ascii_lowercase();
        let clause_start = self.lead_text_start(c.start);
        if head.ends_with("from") && word_before(text, before) == "from" {
            let from_at = before - 4;
            let ranged = matches!(word_before(text, from_at).as_str(), "range" | "ranges" | "ranged" | "ranging" | "vary" | "varies" | "varying");
            let changing = text[clause_start.min(from_at)..from_at]
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| is_change_word(&w.to_lowercase()) || MOVES.contains(&w.to_lowercase().as_str()));
            return !ranged && (changing || self.to_follows(own));
        }
        // "raised its capex from a range of US$7.5-8 billion to US$8 billion".
        if head.ends_with("from a range of") || head.ends_with("from the range of") {
            return self.to_follows(own);
        }
        let compared = ["compared with", "compared to", "versus", "vs", "vs.", "against"]
            .iter()
            .any(|cue| head.ends_with(cue) && !head[..head.len() - cue.len()].ends_with(char::is_alphanumeric));
        if compared {
            return EARLIER.is_match(own_text) || self.own_year_is_earlier(c, own) || change_before;
        }
        if EARLIER_DIRECT.is_match(own_text) {
            return true;
        }
        previous.is_some_and(|(p, baseline, p_end)| {
            baseline && p.kind == c.kind && p_end <= before && LIST_JOIN.is_match(&text[p_end..before])
        })
    }

    /// Whether a "to" comes after `pos` before the next figure in the sentence
    /// ("from 2% in 2023 to 5%").
    fn to_follows(&self, pos: usize) -> bool {
        let next = self.figures.iter().map(|&(s, _)| s).filter(|&s| s >= pos).min();
        next.is_some_and(|next| TO.is_match(&self.text[pos..next]))
    }

    /// Whether a year in `c`'s own time phrase (ending at `own`) is earlier
    /// than every other year of the sentence.
    fn own_year_is_earlier(&self, c: &Candidate, own: usize) -> bool {
        let (inside, outside): (Vec<_>, Vec<_>) = self.years.iter().partition(|y| y.start >= c.end && y.end <= own);
        inside.iter().any(|y| outside.iter().any(|o| o.year > y.year))
    }

    /// The end of the time phrase right after `pos` ("in the fourth quarter of
    /// 2023", "a year earlier"), or `pos` when there is none.
    pub(super) fn time_phrase(&self, pos: usize) -> usize {
        TIME_PHRASE.find(&self.text[pos..]).map_or(pos, |m| pos + m.end())
    }
}

static TO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i-u:\bto\b)").expect("static to pattern"));

/// Words of a time phrase after a figure.
const TIME_WORDS: &str = concat!(
    r"the|a|an|of|first|second|third|fourth|previous|prior|preceding|same|last|fiscal|calendar",
    r"|full|financial|end|close|start|beginning|middle|year|years|quarter|quarters|half|period",
    r"|month|months|earlier|ago|before|today|then|(?:19|20)[0-9]{2}|FY\s?[0-9]{2,4}|Q[1-4]|[1-4]Q[0-9]{2}",
    r"|H[12]|[12]H[0-9]{2}|january|february|march|april|may|june|july|august|september",
    r"|october|november|december",
);

/// A time phrase right after a figure: "in the third quarter", "a year earlier",
/// "at the end of 2024", "in earlier years", "before the restrictions".
static TIME_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:\s+(?:in|at|for|during|of|as\s+of|by)\b)?(?:\s+(?:{TIME_WORDS})\b)+|^\s+(?:before|prior\s+to)\s+the\s+[a-z-]+\b|^\s+previously\b"
    ))
    .expect("static time phrase pattern")
});

/// An earlier period anywhere in a time phrase.
static EARLIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:earlier|ago|before|previous|prior|preceding|last|previously|then)\b")
        .expect("static earlier pattern")
});

/// An earlier period right after a figure: "16.4% a year earlier".
static EARLIER_DIRECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^\s+(?:in\s+)?(?:a\s+(?:year|quarter)\s+(?:earlier|ago|before)|the\s+year\s+before",
        r"|(?:the\s+)?(?:previous|prior|preceding|last)\s+(?:fiscal\s+)?(?:year|quarter|period)",
        r"|the\s+same\s+(?:quarter|period|month)\s+(?:a\s+year\s+(?:earlier|ago|before)|last\s+year)",
        r"|earlier\s+years|previously)\b",
    ))
    .expect("static earlier-direct pattern")
});

/// What may join two baselines of a list: a comma, "and", "or", hedges.
static LIST_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*,?\s*(?:and|or)?\s*$").expect("static list join pattern")
});
