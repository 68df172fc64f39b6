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
use super::super::period::Period;
use super::super::{Candidate, FigureKind};
use super::change::ChangeCue;
use super::phrase::{self, Back};
use super::Context;

/// Where a baseline's period comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum BasePeriod {
    /// A year in its own time phrase.
    Own(Period),
    /// The year before the main period ("a year earlier").
    YearBefore,
    /// An earlier quarter: the stated ordinal ("the third quarter"), or the
    /// one just before ("the previous quarter").
    QuarterBefore(Option<u8>),
    /// The sentence does not say.
    Unknown,
}

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

/// The end of what lies between a level and a change that qualifies it: a
/// comma and an article (see `Context::qualifies`).
static QUALIFIER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*,\s*(?:an?\s+)?$").expect("static qualifier pattern"));

/// A unit after an amount: "per diluted share", "per wafer".
static PER_UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s+per\s+[\w-]+(?:\s+share)?\b").expect("static per-unit pattern"));

/// An aside on the period: ", the quarter ended 25 January 2026".
static PERIOD_ASIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*,\s*the\s+(?:fiscal\s+)?(?:quarter|year|period|half|month)\s+(?:ended|ending|to)\s+[\w\s.]+")
        .expect("static period aside pattern")
});

/// A level reached by a change: "to" and hedges between them.
static REACHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?:to|at)\s*$").expect("static reached pattern")
});

/// What joins two figures of a list: comparison and time words, then a comma,
/// "and" or "but" ("from the third quarter and", "year on year and").
static COORDINATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:\s+(?:from|over|than|in|compared\s+(?:with|to)|versus|on|the|a|an|same|previous|prior",
        r"|preceding|last|first|second|third|fourth|fiscal|year|years|quarter|quarters|half|period",
        r"|earlier|ago|before|sequentially|(?:19|20)[0-9]{2}))*\s*(?:,\s*)?(?:and|but|or)?\s*(?:up|down)?\s*$",
    ))
    .expect("static coordination pattern")
});

/// Comparison words right after a change ("higher", "above", "more").
static TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?:higher|lower|more|less|above|below|up|down|year[\s-]+(?:on|over)[\s-]+year|quarter[\s-]+(?:on|over)[\s-]+quarter)\b")
        .expect("static change tail pattern")
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
        let previous = earlier.last().copied();
        if change {
            return self.change_of(c, cue, earlier);
        }
        if c.kind != FigureKind::Percent {
            return None;
        }
        // "2.6% of DRAM sales in 2022 and 8.4% in 2023": a list shares its "of".
        let listed = previous.filter(|(p, r)| p.kind == c.kind && r.of.is_some() && self.coordinated(p.end, c.start));
        self.share_before(c).or_else(|| listed.and_then(|(_, r)| r.of.clone()))
    }

    /// What the change `c` is of: the phrase its cue points to, else the
    /// subject before its change word, else — when it only qualifies what
    /// comes before ("Revenue was US$68.1 billion, up 73%", "up 12% ... and
    /// 78% from a year earlier") — the level's subject or the previous change's.
    fn change_of(&self, c: &Candidate, cue: Option<ChangeCue>, earlier: &[(&Candidate, &Relation)]) -> Option<String> {
        let text = self.text;
        let own = match cue {
            Some(ChangeCue { phrase_at: Some(at), .. }) => phrase::forward(text, at),
            _ => None,
        };
        let own = own.or_else(|| match cue {
            // "SMIC plans to double its 7nm capacity": the object after the verb.
            None => phrase::forward(text, c.end).filter(|_| c.kind == FigureKind::Multiple),
            Some(_) => None,
        });
        let own = own.or_else(|| match cue {
            Some(q) if q.after => phrase::backward(text, q.back_from, Back::Level),
            Some(q) => phrase::backward(text, q.back_from, Back::Subject),
            None => phrase::backward(text, skip_hedges(text, c.start).0, Back::Subject),
        });
        if own.is_some() {
            return own;
        }
        let (previous, relation) = earlier.last().copied()?;
        let starts = cue.map_or(c.start, |q| q.back_from.min(c.start));
        if relation.change {
            return relation.of.clone().filter(|_| self.coordinated(previous.end, starts));
        }
        if relation.baseline || !self.qualifies(previous.end, starts) {
            return None;
        }
        phrase::backward(text, skip_hedges(text, previous.start).0, Back::Level).or_else(|| {
            // "revenue more than doubled to US$130.5 billion, an increase of
            // 114%": the level was reached by a change, whose subject it shares.
            let (change, how) = earlier.len().checked_sub(2).and_then(|i| earlier.get(i)).copied()?;
            let reached = REACHED.is_match(&text[change.end..skip_hedges(text, previous.start).0]);
            how.of.clone().filter(|_| how.change && reached)
        })
    }

    /// Whether the text from `from` (a level's end) to `to` (a change's
    /// start) only qualifies the level: a unit ("per diluted share"), a time
    /// phrase, an aside on the period ("the quarter ended 25 January 2026"),
    /// then a comma and an article ("US$35.6 billion in the fourth quarter,
    /// 16% higher", "a record US$12.6 billion, an increase of 94%").
    fn qualifies(&self, from: usize, to: usize) -> bool {
        let text = self.text;
        let mut at = from + PER_UNIT.find(&text[from..to]).map_or(0, |m| m.end());
        at = self.time_phrase(at).min(to);
        at += PERIOD_ASIDE.find(&text[at..to]).map_or(0, |m| m.end());
        QUALIFIER.is_match(&text[at..to])
    }

    /// Whether the text from `from` to `to` only joins two figures of a list
    /// ("... from the third quarter and", "year on year and").
    fn coordinated(&self, from: usize, to: usize) -> bool {
        let after_tail = self.change_tail(from);
        after_tail <= to && COORDINATION.is_match(&self.text[after_tail..to])
    }

    /// The end of the comparison words after a figure ending at `end`
    /// ("higher than", "from a year earlier"), or `end`.
    fn change_tail(&self, end: usize) -> usize {
        TAIL.find(&self.text[end..]).map_or(end, |m| end + m.end())
    }

    /// The "share of X" or "X market share" before `c` in its clause or the
    /// one before.
    fn share_before(&self, c: &Candidate) -> Option<String> {
        let clause = self.clause_of(c.start);
        let (from, _) = self.clause_range(clause.saturating_sub(1));
        let caps = SHARE_BEFORE.captures_iter(&self.text[from..c.start]).last()?;
        let whole = caps.get(0)?;
        match caps.name("m") {
            Some(m) => market(&phrase::backward(self.text, from + m.start(), Back::Subject)?),
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
