//! What a figure's sentence says about it: the period it refers to
//! (`period`), whether it is a forecast (`forecast`), its subject
//! (`subject`), whether it states a change or is a baseline (`change`), and
//! what it is a share or change of (`baseline`, `relation`, `phrase`).
//!
//! The sentence is cut into clauses at ";" and at conjunctions ("and", "but",
//! "while", ", up from", "compared with", ...) that lie outside figures.

mod baseline;
mod change;
mod change_words;
mod forecast;
mod period;
mod phrase;
mod relation;
mod subject;
mod words;

pub(super) use relation::{Relation, Relations};

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
    /// For each mention given as an example or comparison, where its cue starts.
    examples: Vec<Option<usize>>,
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
