//! The form of a question: what kind of answer it expects ("how much", "how
//! many", "what share", "when", "by how much", "how much faster than",
//! yes/no), which figure kinds that allows, and what a change is measured
//! against ("yoy", "qoq").

use std::collections::HashSet;

use super::words::{CHANGE_VERBS, COMPARATIVES, QUANTITIES};
use crate::answer::measures::Measure;
use crate::figures::FigureKind;

/// What a change is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// "yoy", "year on year", "from a year earlier".
    Year,
    /// "qoq", "sequential", "quarter on quarter".
    Quarter,
}

pub(super) fn basis_of(lower: &str) -> Option<Basis> {
    const YEAR: [&str; 6] = ["yoy", "y/y", "year on year", "year-on-year", "year over year", "year-over-year"];
    const QUARTER: [&str; 6] = ["qoq", "q/q", "quarter on quarter", "quarter-on-quarter", "sequential", "quarter over quarter"];
    if YEAR.iter().any(|w| lower.contains(w)) {
        Some(Basis::Year)
    } else if QUARTER.iter().any(|w| lower.contains(w)) {
        Some(Basis::Quarter)
    } else {
        None
    }
}

/// The form of answer a question expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// "how much", "what was": money or another quantity.
    Amount,
    /// "how many".
    Count,
    /// "what share", "what percentage", "what portion".
    Share,
    /// "when", "what year", "by when".
    Time,
    /// "by how much", "how fast ... grow", "how much bigger will it get".
    Change,
    /// "how much faster than", "how many times more ... than", "how close
    /// does X get to Y": a ratio or a percentage between two things.
    Compare,
    /// "is X above 50%?", "did Y pass ...?": answered by the figure itself.
    YesNo,
    /// A search without question form ("SK hynix HBM share 2023").
    Keywords,
}

/// The question's form, from its opening words and its wording.
pub(super) fn ask_of(words: &[&str], raw: &str) -> Ask {
    if raw.chars().any(crate::segment::is_han) {
        if let Some(ask) = chinese_ask(raw) {
            return ask;
        }
    }
    let has = |w: &str| words.contains(&w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    let which = |w: &str| matches!(w, "what" | "which");
    let against = has("than") || has("vs") || has("versus") || has("compared") || pair("relative", "to");
    let comparative = words.windows(2).any(|p| matches!(p[0], "much" | "times") && COMPARATIVES.contains(&p[1]))
        || words.windows(3).any(|w| w == ["how", "many", "times"])
        || (has("how") && has("close") && has("to"));
    // "When ..." or "..., by when?" asks for a date; "X rises when Y" states
    // a condition.
    let asked = raw.trim_end().ends_with('?');
    let when = words.first() == Some(&"when") || pair("by", "when") || pair("since", "when") || (has("when") && asked);
    if when || words.windows(2).any(|p| which(p[0]) && matches!(p[1], "year" | "years" | "date" | "quarter")) || has("timeline")
    {
        Ask::Time
    } else if has("how") && comparative && (against || has("close") || !words.windows(2).any(|p| p[0] == "much" && COMPARATIVES.contains(&p[1]))) {
        Ask::Compare
    } else if (words.windows(2).any(|p| p[0] == "much" && COMPARATIVES.contains(&p[1])) && has("how"))
        || (pair("how", "much")
            && words.iter().enumerate().any(|(i, w)| CHANGE_VERBS.contains(w) && words.get(i + 1) != Some(&"to")))
    {
        // "how much bigger will the HBM market get": a change over time.
        Ask::Change
    } else if pair("by", "how") || pair("how", "fast") || pair("how", "quickly") || words.windows(3).any(|w| w == ["how", "many", "times"]) {
        Ask::Change
    } else if pair("how", "many") {
        Ask::Count
    } else if words.windows(2).any(|p| which(p[0]) && matches!(p[1], "share" | "percentage" | "percent" | "portion" | "proportion" | "fraction" | "slice" | "cut"))
        || words.windows(3).any(|w| w == ["how", "much", "of"])
        || pair("what", "%")
        || raw.contains("what %")
    {
        Ask::Share
    } else if pair("how", "much")
        || pair("how", "big")
        || pair("how", "large")
        || words.first().is_some_and(|w| matches!(*w, "what" | "whats" | "which" | "who" | "how"))
    {
        Ask::Amount
    } else if words.first().is_some_and(|w| matches!(*w, "is" | "was" | "did" | "does" | "will" | "are" | "has" | "can" | "could"))
    {
        Ask::YesNo
    } else if raw.trim_end().ends_with('?') {
        Ask::Amount
    } else {
        Ask::Keywords
    }
}

/// Narrows the kinds the measures allow to those the form of the question
/// asks for; a question with no measure takes the kinds of its form.
pub(super) fn narrow_by_ask(kinds: &mut HashSet<FigureKind>, ask: Ask, found: &[&Measure]) {
    use FigureKind::*;
    let by_form: &[FigureKind] = match ask {
        Ask::Time => &[Year],
        Ask::Share => &[Percent],
        Ask::Change => &[Percent, Multiple],
        Ask::Compare => &[Percent, Multiple],
        // "how many times" is a comparison ([`Ask::Compare`]).
        Ask::Count => &[Count],
        Ask::Amount | Ask::YesNo | Ask::Keywords => &[],
    };
    if ask == Ask::Time {
        *kinds = [Year].into();
        return;
    }
    if ask == Ask::Compare {
        // A ratio or a percentage answers best, but two stated values
        // ("192 GB against 80 GB") still say it.
        kinds.extend([Percent, Multiple]);
        return;
    }
    if found.is_empty() && matches!(ask, Ask::Amount | Ask::YesNo) {
        *kinds = QUANTITIES.into_iter().collect();
        return;
    }
    if ask == Ask::Amount && !found.iter().any(|m| m.kinds.iter().all(|k| matches!(k, Percent | Multiple))) {
        // "How much did SMIC earn": an amount, not a rate of change.
        let amounts: HashSet<FigureKind> = kinds.iter().copied().filter(|k| !matches!(k, Percent | Multiple)).collect();
        if !amounts.is_empty() {
            *kinds = amounts;
        }
        return;
    }
    if by_form.is_empty() {
        return;
    }
    if found.is_empty() {
        *kinds = by_form.iter().copied().collect();
        return;
    }
    let narrowed: HashSet<FigureKind> = kinds.iter().copied().filter(|k| by_form.contains(k)).collect();
    if !narrowed.is_empty() {
        *kinds = narrowed;
    }
}

/// "How long did it take", "how many months after": the answer is a duration.
pub(super) fn asks_duration(words: &[&str]) -> bool {
    let periods = ["years", "months", "weeks", "days"];
    words.windows(2).any(|p| (p[0] == "how" && p[1] == "long") || (p[0] == "many" && periods.contains(&p[1])))
}

/// The form of a question written in Chinese, by its question words.
fn chinese_ask(raw: &str) -> Option<Ask> {
    let has = |words: &[&str]| words.iter().any(|w| raw.contains(w));
    let asks = has(&["多少", "多大", "几", "哪", "什么", "什麼", "如何", "怎样", "怎樣", "？", "?"]);
    if has(&["什么时候", "什麼時候", "何时", "何時", "哪一年", "哪年", "哪个季度"]) {
        Some(Ask::Time)
    } else if has(&["涨了多少", "漲了多少", "增长了多少", "增長了多少", "增长多少", "增幅", "涨幅", "漲幅", "同比涨", "同比增长多少"]) {
        Some(Ask::Change)
    } else if has(&["份额", "份額", "占比", "佔比", "占有率", "佔有率", "比例", "百分之几"]) && asks {
        Some(Ask::Share)
    } else if has(&["多少家", "多少台", "多少颗", "多少顆", "多少张", "多少張", "多少片", "几台", "幾台", "几家", "幾家", "多少个", "多少個"]) {
        Some(Ask::Count)
    } else if asks {
        Some(Ask::Amount)
    } else {
        None
    }
}
