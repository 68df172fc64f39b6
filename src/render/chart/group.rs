//! Which figures a chart may put side by side. Figures are comparable when
//! they state the same measure ("share", "revenue"), of the same base (what a
//! share or change is of), in the same unit, and are all levels or all
//! changes. Baselines, bare years and figures whose measure is unknown are
//! never charted. Of several such groups the largest is drawn; the others
//! are named in a note so that the user can ask for them.

use std::collections::BTreeSet;

use crate::figures::FigureKind;
use crate::reply::CitedFigure;

/// Series name for figures that name no subject.
pub(super) const NO_SUBJECT: &str = "(no company named)";

/// How the figures are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arrangement {
    /// Years on the x axis, one line per subject.
    OverTime,
    /// One slot per subject on the x axis, one bar per figure in it.
    BySubject,
}

/// Most other groups a note names before it just counts the rest.
const NAMED_IN_NOTE: usize = 4;

/// What the figures of one chart have in common.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Comparison {
    /// The measure, lowercase: "share", "revenue", "growth".
    pub measure: String,
    /// What a share or change is of, as compared: lowercase, single-spaced,
    /// without a leading "the". None only matches None.
    pub base: Option<String>,
    pub unit: String,
    pub kind: FigureKind,
    /// The figures state changes (growth, decline), not levels.
    pub change: bool,
}

impl Comparison {
    /// The comparison a figure belongs to, or None when it is never charted.
    fn of(cited: &CitedFigure) -> Option<Comparison> {
        let figure = &cited.figure;
        if figure.kind == FigureKind::Year || figure.baseline || !figure.value.is_finite() {
            return None;
        }
        let measure = cited.metric.as_deref().map(str::trim).filter(|m| !m.is_empty())?.to_lowercase();
        Some(Comparison {
            measure,
            base: figure.of.as_deref().and_then(comparable_base),
            unit: figure.unit.clone(),
            kind: figure.kind,
            change: figure.change,
        })
    }
}

/// A base as compared: "the HBM market" and "HBM  Market" are both "hbm
/// market". A leading "total" says nothing more ("30% of total DRAM market
/// value" is a share of the DRAM market value), so it goes too.
fn comparable_base(of: &str) -> Option<String> {
    let lower = of.to_lowercase();
    let mut words: &[&str] = &lower.split_whitespace().collect::<Vec<_>>();
    for filler in ["the", "total"] {
        if let Some((first, rest)) = words.split_first() {
            if *first == filler {
                words = rest;
            }
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// A base as the report words it, without a leading "the".
fn written_base(of: &str) -> String {
    let trimmed = of.trim();
    let mut words = trimmed.splitn(2, char::is_whitespace);
    match (words.next(), words.next()) {
        (Some(first), Some(rest)) if first.eq_ignore_ascii_case("the") => rest.trim().to_string(),
        _ => trimmed.to_string(),
    }
}

/// Comparable figures, in the order the answer lists them.
#[derive(Debug, Clone)]
pub(super) struct Group<'a> {
    pub comparison: Comparison,
    /// The base as the first figure's sentence words it.
    pub written_base: Option<String>,
    pub members: Vec<&'a CitedFigure>,
    /// Position in the answer of the first member (lower is more relevant).
    first: usize,
}

impl Group<'_> {
    /// The distinct subjects of the members; None for figures without one.
    pub fn subjects(&self) -> BTreeSet<Option<&str>> {
        self.members.iter().map(|cf| cf.figure.subject.as_deref()).collect()
    }

    /// What the group measures, in lowercase words: "share of HBM market",
    /// "growth of HBM revenue", "change in NVIDIA's revenue", "capacity".
    pub fn what(&self) -> String {
        let measure = self.comparison.measure.as_str();
        let growth_word = matches!(measure, "growth" | "change" | "decline" | "increase");
        match (&self.written_base, self.comparison.change) {
            (Some(base), false) => format!("{measure} of {base}"),
            (None, false) => measure.to_string(),
            (Some(base), true) if growth_word => format!("{measure} of {base}"),
            (Some(base), true) => format!("change in {base}"),
            (None, true) if growth_word => measure.to_string(),
            (None, true) => format!("change in {measure}"),
        }
    }
}

/// The group to draw and the other groups that could have been drawn.
#[derive(Debug)]
pub(super) struct Choice<'a> {
    pub drawn: Group<'a>,
    /// Other groups of two or more figures, largest first.
    pub others: Vec<Group<'a>>,
}

/// Sorts the figures into comparable groups and chooses the one to draw:
/// the most figures, then the most subjects, then the most relevant. None
/// when no two figures are comparable.
pub(super) fn choose(figures: &[CitedFigure]) -> Option<Choice<'_>> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    for (position, cited) in figures.iter().enumerate() {
        let Some(comparison) = Comparison::of(cited) else { continue };
        match groups.iter_mut().find(|g| g.comparison == comparison) {
            Some(group) => group.members.push(cited),
            None => groups.push(Group {
                comparison,
                written_base: cited.figure.of.as_deref().map(written_base),
                members: vec![cited],
                first: position,
            }),
        }
    }
    groups.retain(|g| g.members.len() >= 2);
    // Largest first; a stable sort keeps answer order among equals.
    groups.sort_by(|a, b| {
        (b.members.len(), b.subjects().len()).cmp(&(a.members.len(), a.subjects().len())).then(a.first.cmp(&b.first))
    });
    let mut groups = groups.into_iter();
    let drawn = groups.next()?;
    Some(Choice { drawn, others: groups.collect() })
}

impl Choice<'_> {
    /// The note naming the groups that were not drawn, if any: "Also found:
    /// growth of HBM revenue (3 figures), share of DRAM output (2 figures);
    /// ask for one of them to chart it."
    pub fn also_found(&self) -> Option<String> {
        if self.others.is_empty() {
            return None;
        }
        let all: Vec<&Group<'_>> = std::iter::once(&self.drawn).chain(&self.others).collect();
        let mut names: Vec<String> = self
            .others
            .iter()
            .take(NAMED_IN_NOTE)
            .map(|group| {
                let what = group.what();
                // Two groups worded alike differ in unit or in level versus change.
                let alike = all.iter().filter(|g| g.what() == what).count() > 1;
                let unit = if alike { format!("{}, ", unit_word(&group.comparison)) } else { String::new() };
                format!("{what} ({unit}{} figures)", group.members.len())
            })
            .collect();
        let unnamed = self.others.len().saturating_sub(NAMED_IN_NOTE);
        if unnamed > 0 {
            names.push(format!("{unnamed} more"));
        }
        let ask = if self.others.len() == 1 { "ask for it to chart it" } else { "ask for one of them to chart it" };
        Some(format!("Also found: {}; {ask}.", names.join(", ")))
    }
}

/// The unit as a note words it: "in %", "in USD", "as a change in %".
fn unit_word(comparison: &Comparison) -> String {
    let unit = if comparison.unit == "x" { "times".to_string() } else { comparison.unit.clone() };
    if comparison.change {
        format!("change, {unit}")
    } else {
        unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Figure;

    /// A percentage of `subject`, measuring `metric` of `of`.
    fn percent(value: f64, subject: &str, metric: &str, of: Option<&str>, citation: usize) -> CitedFigure {
        CitedFigure {
            figure: Figure {
                year: Some(2023),
                subject: Some(subject.into()),
                of: of.map(str::to_string),
                ..Figure::percent(&format!("{value}%"), value, "")
            },
            citation,
            metric: Some(metric.into()),
        }
    }

    fn growth(value: f64, of: &str, citation: usize) -> CitedFigure {
        let mut cited = percent(value, "HBM", "growth", Some(of), citation);
        cited.figure.change = true;
        cited
    }

    /// The figures of `figures "HBM market share"`: vendor shares of the HBM
    /// market, HBM's share of DRAM, HBM growth and a baseline.
    fn hbm_answer() -> Vec<CitedFigure> {
        let mut baseline = percent(2.0, "HBM", "share", Some("total DRAM bit output"), 3);
        baseline.figure.baseline = true;
        vec![
            percent(53.0, "SK hynix", "share", Some("the HBM market"), 1),
            percent(20.0, "HBM", "share", Some("DRAM bit output"), 3),
            growth(66.9, "HBM revenue", 2),
            percent(38.0, "Samsung", "share", Some("HBM market"), 1),
            baseline,
            percent(9.0, "Micron", "share", Some("The HBM Market"), 1),
            growth(12.0, "HBM revenue", 4),
            percent(30.0, "HBM", "share", Some("DRAM bit output"), 3),
            growth(5.0, "HBM revenue", 5),
        ]
    }

    #[test]
    fn mixed_hbm_figures_chart_only_the_vendor_shares() {
        let figures = hbm_answer();
        let choice = choose(&figures).expect("a group");
        let subjects: Vec<&str> = choice.drawn.members.iter().filter_map(|cf| cf.figure.subject.as_deref()).collect();
        assert_eq!(subjects, ["SK hynix", "Samsung", "Micron"], "growth and HBM's share of DRAM are left out");
        assert_eq!(choice.drawn.what(), "share of HBM market");
        assert_eq!(
            choice.also_found().as_deref(),
            Some(
                "Also found: growth of HBM revenue (3 figures), share of DRAM bit output (2 figures); \
                 ask for one of them to chart it."
            )
        );
    }

    #[test]
    fn a_tie_goes_to_the_group_with_more_subjects() {
        let figures = vec![
            percent(50.0, "HBM", "share", Some("DRAM"), 1),
            percent(40.0, "SK hynix", "share", None, 2),
            percent(60.0, "HBM", "share", Some("DRAM"), 3),
            percent(30.0, "Samsung", "share", None, 4),
        ];
        let choice = choose(&figures).expect("a group");
        assert_eq!(choice.drawn.comparison.base, None);
        assert_eq!(choice.drawn.subjects().len(), 2);
    }

    #[test]
    fn a_missing_base_only_groups_with_a_missing_base() {
        let figures =
            vec![percent(50.0, "SK hynix", "share", Some("HBM market"), 1), percent(40.0, "Samsung", "share", None, 2)];
        assert!(choose(&figures).is_none(), "one share of the HBM market and one of nothing said");
    }

    #[test]
    fn changes_never_join_levels_and_units_never_mix() {
        let mut change = percent(50.0, "NVIDIA", "revenue", None, 1);
        change.figure.change = true;
        let mut dollars = percent(30.8e9, "NVIDIA", "revenue", None, 2);
        dollars.figure.unit = "USD".into();
        dollars.figure.kind = FigureKind::Money;
        let level = percent(80.0, "NVIDIA", "revenue", None, 3);
        assert!(choose(&[change, dollars, level]).is_none());
    }

    #[test]
    fn years_baselines_and_unknown_measures_are_never_charted() {
        let mut year = percent(2025.0, "NVIDIA", "share", None, 1);
        year.figure.kind = FigureKind::Year;
        let mut unknown = percent(40.0, "AMD", "share", None, 2);
        unknown.metric = None;
        let mut baseline = percent(30.0, "Intel", "share", None, 3);
        baseline.figure.baseline = true;
        let kept = percent(20.0, "Arm", "share", None, 4);
        assert!(choose(&[year, unknown, baseline, kept]).is_none());
    }

    #[test]
    fn groups_worded_alike_are_told_apart_by_unit() {
        let mut figures = vec![
            percent(50.0, "A", "revenue", None, 1),
            percent(40.0, "B", "revenue", None, 2),
            percent(30.0, "C", "revenue", None, 3),
        ];
        for value in [1e9, 2e9] {
            let mut money = percent(value, "A", "revenue", None, 4);
            money.figure.unit = "USD".into();
            money.figure.kind = FigureKind::Money;
            figures.push(money);
        }
        let choice = choose(&figures).expect("a group");
        assert_eq!(choice.drawn.comparison.unit, "%");
        assert_eq!(
            choice.also_found().as_deref(),
            Some("Also found: revenue (USD, 2 figures); ask for it to chart it.")
        );
    }

    #[test]
    fn bases_compare_without_case_or_a_leading_the() {
        assert_eq!(comparable_base(" The  HBM Market"), Some("hbm market".into()));
        assert_eq!(comparable_base("theory"), Some("theory".into()));
        assert_eq!(comparable_base("the"), None);
        assert_eq!(comparable_base("the total DRAM market value"), comparable_base("DRAM market value"));
        assert_eq!(comparable_base("totality"), Some("totality".into()));
        assert_eq!(written_base("the HBM market"), "HBM market");
        assert_eq!(written_base("theory of chips"), "theory of chips");
    }

    #[test]
    fn changes_are_worded_as_changes() {
        let figures = vec![growth(10.0, "HBM revenue", 1), growth(20.0, "HBM revenue", 2)];
        assert_eq!(choose(&figures).expect("a group").drawn.what(), "growth of HBM revenue");
        let mut a = percent(94.0, "NVIDIA", "revenue", Some("NVIDIA's revenue"), 1);
        a.figure.change = true;
        let mut b = a.clone();
        b.citation = 2;
        assert_eq!(choose(&[a, b]).expect("a group").drawn.what(), "change in NVIDIA's revenue");
    }
}
