//! What a figure's sentence says about it: the period it refers to, whether it
//! is a forecast (`forecast`), and its subject (`subject`).
//!
//! The sentence is cut into clauses at ";" and at conjunctions ("and", "but",
//! "while", ", up from", "compared with", ...) that lie outside figures.
//!
//! Period: the year mention with the lowest score, where the score is the
//! distance in bytes, plus 60 if the year is in another clause, plus 40 if
//! another figure lies between the two, plus 10 if a comma does, plus 1 if
//! the year comes first (ties go to "5% in 2024"), minus 8 if a period word
//! ("in", "by", "for", ...) introduces the year, and plus 100 if it is a
//! comparison baseline ("up 27% from 2023", "since 2020").

mod forecast;
mod subject;

use std::sync::LazyLock;

use regex::Regex;

use super::gazetteer::Mention;
use super::years::YearMention;
use forecast::Cue;

static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i);",
        r"|,\s+(?:and|but|while|whereas|although|though|compared|versus|up|down)\b",
        r"|\s+(?:and|but|while|whereas)\s+",
        r"|\s+compared\s+(?:with|to)\s+",
    ))
    .expect("static separator pattern")
});

/// A sentence with its clauses, year mentions, figure spans, entity mentions
/// and tense cues.
pub(super) struct Context<'a> {
    text: &'a str,
    separators: Vec<(usize, usize)>,
    years: &'a [YearMention],
    figures: Vec<(usize, usize)>,
    mentions: Vec<Mention<'a>>,
    /// For each mention, whether it is given as an example or comparison.
    examples: Vec<bool>,
    cues: Vec<Cue>,
}

impl<'a> Context<'a> {
    /// `figures` are the spans of the sentence's non-year figures, `mentions`
    /// its gazetteer mentions.
    pub(super) fn new(
        text: &'a str,
        years: &'a [YearMention],
        figures: Vec<(usize, usize)>,
        mentions: Vec<Mention<'a>>,
    ) -> Self {
        let separators = SEPARATOR
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .filter(|&(s, e)| !figures.iter().any(|&(fs, fe)| s < fe && fs < e))
            .collect();
        let cues = forecast::find_cues(text);
        let examples = subject::examples(text, &mentions);
        Context {
            text,
            separators,
            years,
            figures,
            mentions,
            examples,
            cues,
        }
    }

    /// Index of the clause containing byte `pos`.
    fn clause_of(&self, pos: usize) -> usize {
        self.separators
            .iter()
            .filter(|&&(_, end)| end <= pos)
            .count()
    }

    /// Byte range of clause `index`, without its leading separator.
    fn clause_range(&self, index: usize) -> (usize, usize) {
        let start = self.previous_separator(index).map_or(0, |s| s.1);
        let end = self.separators.get(index).map_or(self.text.len(), |s| s.0);
        (start, end)
    }

    /// Byte range of clause `index` including its leading separator, so that
    /// ", up from 20%" keeps its "up from".
    fn clause_with_lead(&self, index: usize) -> (usize, usize) {
        let (start, end) = self.clause_range(index);
        (self.previous_separator(index).map_or(start, |s| s.0), end)
    }

    fn previous_separator(&self, index: usize) -> Option<(usize, usize)> {
        index
            .checked_sub(1)
            .and_then(|i| self.separators.get(i))
            .copied()
    }

    fn clause_count(&self) -> usize {
        self.separators.len() + 1
    }

    /// The year a figure spanning `start..end` refers to, if any year is mentioned.
    pub(super) fn period(&self, start: usize, end: usize) -> Option<i32> {
        self.years
            .iter()
            .min_by_key(|y| self.year_score(y, start, end))
            .map(|y| y.year)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_skip_separators_inside_figures() {
        let text = "Yields are between 45% and 50%, while costs fell.";
        let ctx = Context::new(text, &[], vec![(19, 30)], Vec::new());
        assert_eq!(ctx.clause_count(), 2);
        assert_eq!(ctx.clause_of(20), 0);
        let (start, end) = ctx.clause_range(1);
        assert_eq!(&text[start..end], " costs fell.");
        let (lead, _) = ctx.clause_with_lead(1);
        assert_eq!(&text[lead..end], ", while costs fell.");
    }

    #[test]
    fn no_year_no_period() {
        let ctx = Context::new("Revenue rose 27%.", &[], vec![(13, 16)], Vec::new());
        assert_eq!(ctx.period(13, 16), None);
    }
}
