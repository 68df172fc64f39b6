//! The subject of a figure, chosen among the sentence's gazetteer mentions.
//!
//! Companies and products rank before technologies, which rank before
//! regions. Mentions inside the figure ("384 Ascend 910C chips") count as
//! before it. In order:
//! 1. in the figure's clause, the best mention by (rank, after the figure,
//!    distance) if it is a company or product;
//! 2. else the first company or product of the sentence before the figure
//!    (the likely grammatical subject);
//! 3. else that best mention of the clause (a technology or region);
//! 4. else the best mention before the figure, then after it, by (rank, distance).
//!
//! Mentions given as examples or comparisons ("suppliers such as Huawei and
//! Cambricon", "like NVIDIA", and in an aside "imported chips, mainly from
//! NVIDIA and AMD,", "the group, led by Huawei,") are never the subject.
//! When the figure's clause is led by one (its best mention is an example),
//! the figure is about the group: the subject is a name before the figure
//! in that clause, or none.

use super::super::gazetteer::Mention;
use super::phrase::{self, Back};
use super::Context;

/// Rank of companies and products.
const COMPANY: u8 = 0;

impl Context<'_> {
    /// The canonical name of the subject of the figure spanning `start..end`.
    pub(in super::super) fn subject(&self, start: usize, end: usize) -> Option<String> {
        let clause = self.clause_of(start);
        let is_before = |m: &Mention<'_>| m.end <= end;
        let distance = |m: &Mention<'_>| {
            if is_before(m) {
                start.saturating_sub(m.end)
            } else {
                m.start.saturating_sub(end)
            }
        };
        let near = |m: &&Mention<'_>| (m.rank, distance(m));
        let clause_order = |m: &&Mention<'_>| (m.rank, !is_before(m), distance(m));
        let cues = || self.mentions.iter().zip(self.examples.iter().copied());
        let tagged = || cues().map(|(m, cue)| (m, cue.is_some()));
        let in_clause = || tagged().filter(|(m, _)| self.clause_of(m.start) == clause);
        // The figure is about a group its clause gives examples of ("suppliers
        // such as Huawei ... 40%"): only a name that qualifies the group, before
        // the figure in the same clause ("Chinese suppliers"), can say which;
        // else the group as the sentence words it ("domestic vendors").
        let leading = cues().filter(|(m, _)| self.clause_of(m.start) == clause).min_by_key(|(m, _)| clause_order(m));
        if let Some((_, Some(cue))) = leading {
            let qualifiers = in_clause().filter(|(m, example)| !example && is_before(m));
            let qualifier = qualifiers.map(|(m, _)| m).min_by_key(clause_order).map(|m| m.name.to_string());
            return qualifier.or_else(|| self.group(cue));
        }
        let mentions: Vec<&Mention<'_>> = tagged().filter(|(_, example)| !example).map(|(m, _)| m).collect();
        let best_here = mentions.iter().copied().filter(|m| self.clause_of(m.start) == clause).min_by_key(clause_order);
        let chosen = best_here
            .filter(|m| m.rank == COMPANY)
            .or_else(|| mentions.iter().copied().find(|m| is_before(m) && m.rank == COMPANY))
            .or(best_here)
            .or_else(|| mentions.iter().copied().filter(|m| is_before(m)).min_by_key(near))
            .or_else(|| mentions.iter().copied().filter(|m| !is_before(m)).min_by_key(near));
        chosen.map(|m| m.name.to_string())
    }

    /// The group whose examples are introduced by the cue at `cue`: the noun
    /// phrase before it ("domestic vendors such as", "imported AI chips,
    /// mainly from").
    /// A name inside that phrase qualifies the group ("Chinese vendors, led
    /// by Huawei," is a China figure).
    fn group(&self, cue: usize) -> Option<String> {
        let head = self.text[..cue].trim_end().trim_end_matches([',', '(', '—', '–']);
        let (start, end) = phrase::backward_span(self.text, head.len(), Back::Group)?;
        let inside = self.mentions.iter().zip(&self.examples).filter(|(m, cue)| cue.is_none() && m.start >= start && m.end <= end);
        match inside.map(|(m, _)| m).min_by_key(|m| m.rank) {
            Some(name) => Some(name.name.to_string()),
            None => Some(self.text[start..end].to_string()),
        }
    }
}

/// Words that introduce examples of a group; a list may follow.
const LIST_CUES: [&str; 5] = ["such as", "including", "e.g.", "for example", "for instance"];
/// Words that introduce examples of a group in an aside, after a comma or
/// an opening parenthesis ("imported chips, mainly from NVIDIA and AMD,";
/// "the domestic group (led by Huawei)"); a list may follow.
const ASIDE_CUES: [&str; 14] = [
    "mainly from", "mostly from", "largely from", "primarily from", "chiefly from",
    "predominantly from", "mainly by", "mostly by", "led by", "notably", "especially",
    "particularly", "in particular", "among them",
];
/// Words that introduce the other party of a comparison; one name follows.
const COMPARISON_CUES: [&str; 2] = ["like", "unlike"];

/// For each mention (in sentence order), whether it is an example or a
/// comparison — right after a cue, or after another example of a list with
/// only commas, "and" or "or" in between ("such as Huawei, Cambricon and
/// Biren") — given as where the cue starts.
pub(super) fn examples(text: &str, mentions: &[Mention<'_>]) -> Vec<Option<usize>> {
    let mut flags = Vec::with_capacity(mentions.len());
    let mut open_list: Option<(usize, usize)> = None;
    for m in mentions {
        let head = text[..m.start].trim_end();
        // ASCII lowercasing keeps byte positions: a cue's start is valid in `text`.
        let before = head.to_ascii_lowercase();
        // Where a cue ending the text before the mention starts, if one does.
        let cue_at = |cues: &[&str]| {
            cues.iter().find_map(|cue| {
                let rest = before.strip_suffix(cue)?;
                (!rest.ends_with(char::is_alphanumeric)).then_some(rest.len())
            })
        };
        let aside = ASIDE_CUES.iter().find_map(|cue| {
            let rest = before.strip_suffix(cue)?;
            rest.trim_end().ends_with([',', '(', '—', '–']).then_some(rest.len())
        });
        let continues_list = open_list.filter(|&(_, end)| {
            end <= m.start && text[end..m.start].split(|c: char| c == ',' || c.is_whitespace()).all(|w| matches!(w, "" | "and" | "or"))
        });
        let listed = cue_at(&LIST_CUES).or(aside).or(continues_list.map(|(cue, _)| cue));
        open_list = listed.map(|cue| (cue, m.end));
        flags.push(listed.or_else(|| cue_at(&COMPARISON_CUES)));
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::super::Context;
    use super::*;

    fn mention(start: usize, end: usize, name: &'static str, rank: u8) -> Mention<'static> {
        Mention {
            start,
            end,
            name,
            rank,
        }
    }

    #[test]
    fn company_in_clause_beats_technology() {
        let text = "HBM accounts for 30% of SK hynix revenue.";
        let mentions = vec![mention(0, 3, "HBM", 1), mention(24, 32, "SK hynix", 0)];
        let ctx = Context::new(text, &[], vec![(17, 20)], mentions);
        assert_eq!(ctx.subject(17, 20).as_deref(), Some("SK hynix"));
    }

    #[test]
    fn sentence_subject_when_clause_has_only_a_technology() {
        let text = "Huawei leads, and HBM use rose 30%.";
        let mentions = vec![mention(0, 6, "Huawei", 0), mention(18, 21, "HBM", 1)];
        let ctx = Context::new(text, &[], vec![(31, 34)], mentions);
        assert_eq!(ctx.subject(31, 34).as_deref(), Some("Huawei"));
    }

    #[test]
    fn no_mentions_no_subject() {
        let ctx = Context::new("Revenue rose 30%.", &[], vec![(13, 16)], Vec::new());
        assert_eq!(ctx.subject(13, 16), None);
    }
}
