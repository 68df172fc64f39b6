//! The period (year, and the quarter or half the year mention names) a
//! figure refers to.
//!
//! Score of each year mention: the distance in bytes, plus 60 if the year is
//! in another clause, plus 40 if another figure lies between the two, plus 10
//! if a comma does, plus 1 if the year comes first (ties go to "5% in 2024"),
//! minus 8 if a period word ("in", "by", "for", ...) introduces the year, and
//! plus 100 if it is a comparison baseline ("up 27% from 2023", "since 2020").
//! The lowest score wins, with two exclusions: a year in a baseline figure's
//! own time phrase ("from US$6.3 billion in 2023") is that baseline's period
//! and no other figure's, a year that is only compared with ("than in 2023",
//! "versus 2022") is no figure's period, and a change never takes its
//! comparison year ("an increase of 94% over 2023" is about the year after).
//!
//! A baseline's period is its own: the year in its time phrase ("from 19% in
//! 2023"), the main period minus one for "a year earlier", "a year ago", "last
//! year" or "the same quarter a year before", the main period for an earlier
//! quarter of the same year ("the previous quarter" after the fourth quarter;
//! the year before after a first quarter), and otherwise none: a baseline
//! never takes the main figure's year by default.

use std::sync::LazyLock;

use regex::Regex;

use super::super::period::{Period, YearPart};
use super::super::years::YearMention;
use super::super::Candidate;
use super::relation::{BasePeriod, Relation, Relations};
use super::Context;

static YEAR_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:a\s+year\s+(?:earlier|ago|before)|(?:the\s+)?(?:previous|prior|preceding|last)\s+(?:fiscal\s+)?year",
        r"|the\s+year\s+before)\b",
    ))
    .expect("static year-before pattern")
});

static QUARTER_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?:previous|prior|preceding|last)\s+quarter|a\s+quarter\s+(?:earlier|ago|before))\b")
        .expect("static quarter-before pattern")
});

/// A quarter by its ordinal: "the third quarter", "Q3", "3Q24".
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?P<w>first|second|third|fourth)[\s-]+(?:fiscal\s+)?quarter|Q(?P<q>[1-4])|(?P<p>[1-4])Q(?:[0-9]{2})?)\b")
        .expect("static quarter pattern")
});

fn quarter_number(caps: &regex::Captures<'_>) -> Option<u8> {
    if let Some(w) = caps.name("w") {
        return match w.as_str().to_ascii_lowercase().as_str() {
            "first" => Some(1),
            "second" => Some(2),
            "third" => Some(3),
            _ => Some(4),
        };
    }
    caps.name("q").or(caps.name("p")).and_then(|m| m.as_str().parse().ok())
}

impl Context<'_> {
    /// The year a figure spanning `start..end` refers to, if any year is
    /// mentioned, by score alone.
    #[cfg(test)]
    pub(super) fn period(&self, start: usize, end: usize) -> Option<i32> {
        self.best_period(start, end, |_| true).map(|p| p.year)
    }

    /// The period of the year mention spanning exactly `start..end`.
    pub(in super::super) fn period_at(&self, start: usize, end: usize) -> Option<Period> {
        self.years.iter().find(|y| y.start == start && y.end == end).map(YearMention::period)
    }

    fn best_period(&self, start: usize, end: usize, keep: impl Fn(&YearMention) -> bool) -> Option<Period> {
        self.years
            .iter()
            .filter(|y| keep(y))
            .min_by_key(|y| self.year_score(y, start, end))
            .map(YearMention::period)
    }

    /// The period of candidate `c` with relation `rel` (see the module docs).
    /// A baseline "a year earlier" keeps the main period's part (the same
    /// quarter a year before); one "the previous quarter" takes the quarter
    /// before the main one where the main period names it.
    pub(in super::super) fn period_of(&self, c: &Candidate, rel: &Relation, all: &Relations) -> Option<Period> {
        let main = |change: bool| {
            let excluded = |y: &YearMention| all.in_baseline_phrase(y.start, y.end) || y.comparison || change && y.baseline;
            self.best_period(c.start, c.end, |y| !excluded(y))
        };
        if !rel.baseline {
            return main(rel.change);
        }
        match rel.base {
            BasePeriod::Own(period) => Some(period),
            BasePeriod::YearBefore => main(true).map(|p| Period { year: p.year - 1, ..p }),
            BasePeriod::QuarterBefore(quarter) => {
                let now = main(true)?;
                let current = self.main_quarter(all).or_else(|| now.part.and_then(YearPart::quarter_number));
                let earlier_year = match (quarter, current) {
                    (Some(q), Some(now)) => q >= now,
                    (None, Some(now)) => now == 1,
                    _ => false,
                };
                let before = quarter.or_else(|| current.map(|q| if q == 1 { 4 } else { q - 1 }));
                Some(Period {
                    year: if earlier_year { now.year - 1 } else { now.year },
                    part: before.and_then(YearPart::quarter),
                    fiscal: now.fiscal,
                })
            }
            BasePeriod::Unknown => None,
        }
    }

    /// Where the period of baseline `c` comes from, by its own time phrase.
    pub(super) fn base_period(&self, c: &Candidate) -> BasePeriod {
        let own = self.time_phrase(c.end);
        if let Some(y) = self.years.iter().find(|y| y.start >= c.end && y.end <= own) {
            return BasePeriod::Own(y.period());
        }
        let phrase = &self.text[c.end..own];
        if YEAR_BEFORE.is_match(phrase) {
            BasePeriod::YearBefore
        } else if QUARTER_BEFORE.is_match(phrase) {
            BasePeriod::QuarterBefore(None)
        } else if let Some(caps) = QUARTER.captures(phrase) {
            BasePeriod::QuarterBefore(quarter_number(&caps))
        } else {
            BasePeriod::Unknown
        }
    }

    /// The quarter of the sentence's main period: the first quarter named
    /// outside baseline phrases.
    fn main_quarter(&self, all: &Relations) -> Option<u8> {
        QUARTER
            .captures_iter(self.text)
            .filter(|caps| caps.get(0).is_some_and(|m| !all.in_baseline_phrase(m.start(), m.end())))
            .find_map(|caps| quarter_number(&caps))
    }

    fn year_score(&self, y: &YearMention, start: usize, end: usize) -> i64 {
        let before = y.end <= start;
        let between = if before {
            (y.end, start)
        } else {
            (end, y.start.max(end))
        };
        let mut score = (between.1 - between.0) as i64;
        if self.clause_of(y.start) != self.clause_of(start) {
            score += 60;
        }
        if self
            .figures
            .iter()
            .any(|&(s, e)| s >= between.0 && e <= between.1)
        {
            score += 40;
        }
        if self.text[between.0..between.1].contains(',') {
            score += 10;
        }
        if before {
            score += 1;
        }
        if y.introduced {
            score -= 8;
        }
        if y.baseline {
            score += 100;
        }
        score
    }
}
