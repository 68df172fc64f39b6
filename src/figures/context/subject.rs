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

use super::super::gazetteer::Mention;
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
        let mentions = &self.mentions;
        let in_clause = mentions
            .iter()
            .filter(|m| self.clause_of(m.start) == clause);
        let best_here = in_clause.min_by_key(|m| (m.rank, !is_before(m), distance(m)));
        let chosen = best_here
            .filter(|m| m.rank == COMPANY)
            .or_else(|| mentions.iter().find(|m| is_before(m) && m.rank == COMPANY))
            .or(best_here)
            .or_else(|| mentions.iter().filter(|m| is_before(m)).min_by_key(near))
            .or_else(|| mentions.iter().filter(|m| !is_before(m)).min_by_key(near));
        chosen.map(|m| m.name.to_string())
    }
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
