//! How a sentence's figures relate to what they measure: whether each states
//! a change or is a baseline (`change`), where a baseline's period comes from
//! (`period`), and what a share or change is "of" (`phrase`).
//!
//! "Of" is, in order: for a percentage or a fraction, the phrase after it
//! ("50% of the HBM market", "a 41% share of the market", "a 53% HBM market
//! share"); for a change, the phrase it is "in" ("a 27% increase in revenue",
//! "growth in HBM demand would approach 200%"), else the phrase before its
//! change word ("HBM revenue will grow 66.9%"), else that of the level it
//! qualifies ("Revenue was US$68.1 billion, up 73%"); for any other
//! percentage, the "share of" or "market share" before it in its clause or
//! the one before ("HBM's share of DRAM bit output will reach 10%").

use std::sync::LazyLock;

use regex::Regex;

use super::super::number::skip_hedges;
use super::super::{Candidate, FigureKind};
use super::change::ChangeCue;
use super::period::BasePeriod;
use super::{phrase, Context};

/// What the sentence says about one figure beyond its value.
#[derive(Debug, Clone, PartialEq)]
pub(in super::super) struct Relation {
    start: usize,
    end: usize,
    pub(in super::super) change: bool,
    pub(in super::super) baseline: bool,
    pub(in super::super) of: Option<String>,
    pub(super) base: BasePeriod,
}

impl Relation {
    /// The relation of a figure the sentence says nothing more about (a year).
    pub(in super::super) fn none() -> Self {
        Relation { start: 0, end: 0, change: false, baseline: false, of: None, base: BasePeriod::Unknown }
    }
}

/// The relations of a sentence's figures, and the time phrases of its baselines.
#[derive(Debug, Clone, Default)]
pub(in super::super) struct Relations {
    list: Vec<Relation>,
    baseline_phrases: Vec<(usize, usize)>,
}

impl Relations {
    /// The relation of the figure spanning `start..end`, if it has one.
    pub(in super::super) fn get(&self, start: usize, end: usize) -> Option<&Relation> {
        self.list.iter().find(|r| r.start == start && r.end == end)
    }

    /// Whether `start..end` lies in a baseline's own time phrase.
    pub(super) fn in_baseline_phrase(&self, start: usize, end: usize) -> bool {
        self.baseline_phrases.iter().any(|&(s, e)| start >= s && end <= e)
    }
}

/// "of", "share of", "stake in" right after a figure.
static PART_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?:of|(?:(?:market\s+)?share|stake)\s+(?:of|in))\s").expect("static part-of pattern")
});

/// "a 53% HBM market share": up to three words, then "market share".
static MARKET_SHARE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?P<np>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,2}?)\s+market\s+share\b").expect("static market share pattern")
});

/// "share of" or "market share" before a figure.
static SHARE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bshare\s+of\s|\b(?P<m>market)\s+share\b").expect("static share-before pattern")
});

impl Context<'_> {
    /// The relations of `found`, the sentence's figures other than years.
    pub(in super::super) fn relate(&self, found: &[Candidate]) -> Relations {
        let mut figures: Vec<&Candidate> = found.iter().filter(|c| c.kind != FigureKind::Year).collect();
        figures.sort_by_key(|c| c.start);
        let mut list: Vec<Relation> = Vec::with_capacity(figures.len());
        for (i, c) in figures.iter().copied().enumerate() {
            let previous = i
                .checked_sub(1)
                .and_then(|j| Some((*figures.get(j)?, list.get(j)?.baseline, self.time_phrase(figures.get(j)?.end))));
            let change_before = list.iter().any(|r| r.change);
            let baseline = self.is_baseline(c, previous, change_before);
            let cue = if baseline { None } else { self.change_cue(c) };
            let change = !baseline && (c.change || cue.is_some());
            let base = if baseline { self.base_period(c) } else { BasePeriod::Unknown };
            let earlier: Vec<(&Candidate, &Relation)> = figures.iter().copied().zip(list.iter()).collect();
            let of = self.of_phrase(c, change, cue, &earlier);
            list.push(Relation { start: c.start, end: c.end, change, baseline, of, base });
        }
        let baseline_phrases = figures
            .iter()
            .zip(&list)
            .filter(|(_, r)| r.baseline)
            .map(|(c, _)| (c.end, self.time_phrase(c.end)))
            .collect();
        Relations { list, baseline_phrases }
    }

    /// What `c` is a share or change of (see the module docs). `earlier` are
    /// the figures before it with their relations.
    fn of_phrase(&self, c: &Candidate, change: bool, cue: Option<ChangeCue>, earlier: &[(&Candidate, &Relation)]) -> Option<String> {
        let text = self.text;
        if matches!(c.kind, FigureKind::Percent | FigureKind::Multiple) {
            if let Some(m) = PART_OF.find(&text[c.end..]) {
                return phrase::forward(text, c.end + m.end());
            }
            if let Some(np) = MARKET_SHARE_AFTER.captures(&text[c.end..]).and_then(|caps| caps.name("np")) {
                return market(np.as_str());
            }
        }
        if change {
            let own = match cue.and_then(|q| q.phrase_at) {
                Some(at) => phrase::forward(text, at),
                None => phrase::backward(text, cue.map_or_else(|| skip_hedges(text, c.start).0, |q| q.back_from)),
            };
            // "Revenue was US$68.1 billion, up 73%": the change is of the level before it.
            let level = || {
                let (level, _) = earlier.iter().rev().find(|(_, r)| !r.change && !r.baseline)?;
                phrase::backward(text, skip_hedges(text, level.start).0)
            };
            return own.or_else(level);
        }
        if c.kind == FigureKind::Percent {
            return self.share_before(c);
        }
        None
    }

    /// The "share of X" or "X market share" before `c` in its clause or the
    /// one before.
    fn share_before(&self, c: &Candidate) -> Option<String> {
        let clause = self.clause_of(c.start);
        let (from, _) = self.clause_range(clause.saturating_sub(1));
        let caps = SHARE_BEFORE.captures_iter(&self.text[from..c.start]).last()?;
        let whole = caps.get(0)?;
        match caps.name("m") {
            Some(m) => market(&phrase::backward(self.text, from + m.start())?),
            None => phrase::forward(self.text, from + whole.end()),
        }
    }
}

/// "HBM" -> "HBM market"; possessive words ("Micron's") are the subject's, not the market's.
fn market(np: &str) -> Option<String> {
    let words: Vec<&str> = np
        .split_whitespace()
        .filter(|w| !(w.ends_with("'s") || w.ends_with("’s") || matches!(w.to_lowercase().as_str(), "its" | "their" | "the" | "a" | "an" | "his" | "her" | "our")))
        .collect();
    (!words.is_empty()).then(|| format!("{} market", words.join(" ")))
}
