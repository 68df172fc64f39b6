//! What a chart shows, before any drawing: one series per subject over the
//! years when the figures span two or more years, otherwise one bar per
//! subject; where each mark sits; which marks are ranges and which are
//! forecasts; the axes, the title and the label of every mark (worded by
//! [`wording`]).

use std::collections::BTreeMap;
use std::ops::Range;

pub(super) use super::group::{Arrangement, NO_SUBJECT};
use super::group::Group;
use super::wording;
use crate::figures::FigureKind;
use crate::reply::CitedFigure;

/// Widest spread of the marks that share one year, in years.
const YEAR_SPREAD: f64 = 0.5;
/// Marks of one year closer than this share of the value axis are spread apart.
const CLASH_SHARE: f64 = 0.03;
/// Width of all bars of one subject together, in slots.
const SLOT_FILL: f64 = 0.7;


/// One plotted figure, in chart units.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Mark {
    /// Index into [`Plan::series`].
    pub series: usize,
    /// Position on the x axis: the year (spread a little when several marks
    /// share it), or the subject's slot.
    pub x: f64,
    /// Half the width of the bar, in x units (bars only; 0 for points).
    pub half_width: f64,
    /// The value, scaled to the axis unit; the low end for a range.
    pub value: f64,
    /// Low and high end of a range, scaled to the axis unit.
    pub range: Option<(f64, f64)>,
    pub forecast: bool,
    pub citation: usize,
    /// The text beside the mark: value and citation, "53 [2]", "20–25 [1]".
    pub label: String,
}

impl Mark {
    /// The highest value the mark reaches.
    pub fn top(&self) -> f64 {
        self.range.map_or(self.value, |(low, high)| low.max(high))
    }

    /// The lowest value the mark reaches (bars also reach zero).
    pub fn bottom(&self, arrangement: Arrangement) -> f64 {
        let low = self.range.map_or(self.value, |(low, high)| low.min(high));
        match (arrangement, self.range) {
            (Arrangement::BySubject, None) => low.min(0.0),
            _ => low,
        }
    }

    /// Where a line through the mark meets it: the value, or the middle of a
    /// range (the range itself is drawn whole).
    pub fn joint(&self) -> f64 {
        self.range.map_or(self.value, |(low, high)| (low + high) / 2.0)
    }
}

/// Everything the drawing needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    pub arrangement: Arrangement,
    pub title: String,
    /// The value axis: "%", "USD bn", "wafers/month".
    pub unit_label: String,
    /// Series (subject) names, in the order of first appearance.
    pub series: Vec<String>,
    pub marks: Vec<Mark>,
    /// Pairs of marks (indexes into `marks`) joined by a line; dashed when
    /// the second is a forecast.
    pub links: Vec<(usize, usize)>,
    pub x_range: Range<f64>,
    /// Positions and texts of the x-axis labels: years or subjects.
    pub x_ticks: Vec<(f64, String)>,
    pub y_range: Range<f64>,
    /// Things to tell the user, such as figures left off the chart.
    pub notes: Vec<String>,
}

impl Plan {
    pub fn has_forecasts(&self) -> bool {
        self.marks.iter().any(|m| m.forecast)
    }

    pub fn has_actuals(&self) -> bool {
        self.marks.iter().any(|m| !m.forecast)
    }

    pub fn has_ranges(&self) -> bool {
        self.marks.iter().any(|m| m.range.is_some())
    }

    /// Whether the marks' x positions are years.
    pub fn over_time(&self) -> bool {
        self.arrangement == Arrangement::OverTime
    }
}

/// How values are scaled for the axis: money in billions, power in megawatts.
#[derive(Debug, Clone, PartialEq)]
struct Scale {
    divisor: f64,
    label: String,
}

impl Scale {
    fn for_group(group: &Group<'_>) -> Scale {
        let unit = group.comparison.unit.as_str();
        let largest = group
            .members
            .iter()
            .flat_map(|cf| [Some(cf.figure.value), cf.figure.low, cf.figure.high])
            .flatten()
            .map(f64::abs)
            .fold(0.0, f64::max);
        let steps: &[(f64, &str)] = match group.comparison.kind {
            FigureKind::Money => &[(1e12, "tn"), (1e9, "bn"), (1e6, "m")],
            FigureKind::Power => &[(1e9, "GW"), (1e6, "MW"), (1e3, "kW")],
            _ => &[],
        };
        let power = group.comparison.kind == FigureKind::Power;
        let step = steps.iter().find(|(divisor, _)| largest >= *divisor);
        match step {
            Some((divisor, name)) if power => Scale { divisor: *divisor, label: name.to_string() },
            Some((divisor, name)) => Scale { divisor: *divisor, label: format!("{unit} {name}") },
            None if unit == "x" => Scale { divisor: 1.0, label: "times".into() },
            None => Scale { divisor: 1.0, label: unit.to_string() },
        }
    }
}

/// Lays out the figures of `group`.
pub(super) fn plan(group: &Group<'_>) -> Plan {
    let scale = Scale::for_group(group);
    let years: std::collections::BTreeSet<i32> = group.members.iter().filter_map(|cf| cf.figure.year).collect();
    let arrangement = if years.len() >= 2 { Arrangement::OverTime } else { Arrangement::BySubject };
    let mut notes = Vec::new();
    let members: Vec<&CitedFigure> = match arrangement {
        Arrangement::OverTime => {
            let (dated, undated): (Vec<&CitedFigure>, Vec<&CitedFigure>) =
                group.members.iter().copied().partition(|cf| cf.figure.year.is_some());
            if !undated.is_empty() {
                let cited: Vec<String> = undated.iter().map(|cf| format!("[{}]", cf.citation)).collect();
                let figures = if undated.len() == 1 { "figure" } else { "figures" };
                notes.push(format!(
                    "{} {figures} with no year ({}) left off the chart over time.",
                    undated.len(),
                    cited.join(", ")
                ));
            }
            dated
        }
        Arrangement::BySubject => group.members.clone(),
    };
    let series = series_names(&members, arrangement);
    let series_of = |cf: &CitedFigure| {
        let name = cf.figure.subject.as_deref().unwrap_or(NO_SUBJECT);
        series.iter().position(|s| s == name).unwrap_or(0)
    };
    let mut marks: Vec<Mark> = members
        .iter()
        .map(|cf| {
            let figure = &cf.figure;
            let range = match (figure.low, figure.high) {
                (Some(low), Some(high)) if low != high => Some((low / scale.divisor, high / scale.divisor)),
                _ => None,
            };
            let value = figure.value / scale.divisor;
            let shown = match range {
                Some((low, high)) => format!("{}–{}", wording::number(low), wording::number(high)),
                None => wording::number(value),
            };
            Mark {
                series: series_of(cf),
                x: match arrangement {
                    Arrangement::OverTime => f64::from(figure.year.unwrap_or_default()),
                    Arrangement::BySubject => series_of(cf) as f64,
                },
                half_width: 0.0,
                value,
                range,
                forecast: figure.forecast,
                citation: cf.citation,
                label: format!("{shown} [{}]", cf.citation),
            }
        })
        .collect();
    spread(&mut marks, arrangement);
    let links = match arrangement {
        Arrangement::OverTime => links(&marks),
        Arrangement::BySubject => Vec::new(),
    };
    let (x_range, x_ticks) = match arrangement {
        Arrangement::OverTime => {
            let first = years.first().copied().unwrap_or_default();
            let last = years.last().copied().unwrap_or(first);
            let ticks = (first..=last).map(|y| (f64::from(y), y.to_string())).collect();
            (f64::from(first) - 0.5..f64::from(last) + 0.5, ticks)
        }
        Arrangement::BySubject => {
            let ticks = series.iter().enumerate().map(|(i, name)| (i as f64, name.clone())).collect();
            (-0.5..series.len() as f64 - 0.5, ticks)
        }
    };
    let y_range = value_range(&marks, arrangement);
    let title =
        wording::title(group, arrangement, &series, &scale.label, years.first().copied().filter(|_| years.len() == 1));
    Plan { arrangement, title, unit_label: scale.label, series, marks, links, x_range, x_ticks, y_range, notes }
}

/// Subject names in order of first appearance; by subject, largest first.
fn series_names(members: &[&CitedFigure], arrangement: Arrangement) -> Vec<String> {
    let mut peaks: Vec<(String, f64)> = Vec::new();
    for cf in members {
        let name = cf.figure.subject.as_deref().unwrap_or(NO_SUBJECT);
        let top = cf.figure.high.unwrap_or(cf.figure.value).max(cf.figure.value);
        match peaks.iter_mut().find(|(n, _)| n == name) {
            Some((_, peak)) => *peak = peak.max(top),
            None => peaks.push((name.to_string(), top)),
        }
    }
    if arrangement == Arrangement::BySubject {
        // Stable: equal peaks keep their order.
        peaks.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    peaks.into_iter().map(|(name, _)| name).collect()
}

/// Spreads the marks that share a position so that none hides another: a
/// subject's bars side by side; over time, the marks of one year that would
/// cover each other (close values, overlapping ranges) over a little of the
/// year, while the others stay on the year.
fn spread(marks: &mut [Mark], arrangement: Arrangement) {
    let mut at: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, mark) in marks.iter().enumerate() {
        at.entry(mark.x.round() as i64).or_default().push(i);
    }
    let top = marks.iter().map(Mark::top).fold(0.0, f64::max);
    let bottom = marks.iter().map(|m| m.bottom(arrangement)).fold(0.0, f64::min);
    let near = (top - bottom) * CLASH_SHARE;
    for indexes in at.into_values() {
        let clusters = match arrangement {
            Arrangement::OverTime => clashing(marks, indexes, near, arrangement),
            Arrangement::BySubject => vec![indexes],
        };
        for mut cluster in clusters {
            cluster.sort_by(|&a, &b| {
                let (a, b) = (&marks[a], &marks[b]);
                (a.series, a.citation).cmp(&(b.series, b.citation)).then(a.value.total_cmp(&b.value))
            });
            let count = cluster.len() as f64;
            for (n, &i) in cluster.iter().enumerate() {
                let n = n as f64;
                let mark = &mut marks[i];
                match arrangement {
                    Arrangement::OverTime => {
                        let step = if count > 1.0 { (YEAR_SPREAD / (count - 1.0)).min(0.15) } else { 0.0 };
                        mark.x += (n - (count - 1.0) / 2.0) * step;
                    }
                    Arrangement::BySubject => {
                        let width = SLOT_FILL / count;
                        mark.x += -SLOT_FILL / 2.0 + width * (n + 0.5);
                        mark.half_width = width * 0.45;
                    }
                }
            }
        }
    }
}

/// The marks of `indexes` in groups that would cover one another: marks
/// whose extents, widened by `near` each way, overlap (directly or through
/// others).
fn clashing(marks: &[Mark], mut indexes: Vec<usize>, near: f64, arrangement: Arrangement) -> Vec<Vec<usize>> {
    indexes.sort_by(|&a, &b| marks[a].bottom(arrangement).total_cmp(&marks[b].bottom(arrangement)));
    let mut clusters: Vec<(f64, Vec<usize>)> = Vec::new();
    for i in indexes {
        let (low, high) = (marks[i].bottom(arrangement) - near, marks[i].top() + near);
        match clusters.last_mut() {
            Some((reach, members)) if low <= *reach => {
                *reach = reach.max(high);
                members.push(i);
            }
            _ => clusters.push((high, vec![i])),
        }
    }
    clusters.into_iter().map(|(_, members)| members).collect()
}

/// Lines over time: within a series, from each year to its next, when each
/// of the two years has one mark of the series (several values in one year
/// are shown side by side, unjoined).
fn links(marks: &[Mark]) -> Vec<(usize, usize)> {
    let mut by_series: BTreeMap<usize, BTreeMap<i64, Vec<usize>>> = BTreeMap::new();
    for (i, mark) in marks.iter().enumerate() {
        by_series.entry(mark.series).or_default().entry(mark.x.round() as i64).or_default().push(i);
    }
    let mut links = Vec::new();
    for years in by_series.values() {
        let years: Vec<&Vec<usize>> = years.values().collect();
        for pair in years.windows(2) {
            if let ([from], [to]) = (pair[0].as_slice(), pair[1].as_slice()) {
                links.push((*from, *to));
            }
        }
    }
    links
}

/// The value axis: from zero (or below, for negative values) to a little
/// above the highest mark, leaving room for labels.
fn value_range(marks: &[Mark], arrangement: Arrangement) -> Range<f64> {
    let top = marks.iter().map(Mark::top).fold(0.0, f64::max);
    let bottom = marks.iter().map(|m| m.bottom(arrangement)).fold(0.0, f64::min);
    let span = if top - bottom > 0.0 { top - bottom } else { 1.0 };
    let below = if bottom < 0.0 { span * 0.12 } else { 0.0 };
    bottom - below..top + span * 0.2
}

#[cfg(test)]
mod tests {
    use super::super::group::choose;
    use super::*;
    use crate::figures::Figure;

    fn capacity(
        subject: &str,
        year: Option<i32>,
        value: f64,
        range: Option<(f64, f64)>,
        forecast: bool,
        citation: usize,
    ) -> CitedFigure {
        CitedFigure {
            figure: Figure {
                value: range.map_or(value, |(low, _)| low),
                unit: "wafers/month".into(),
                low: range.map(|(low, _)| low),
                high: range.map(|(_, high)| high),
                year,
                part: None,
                fiscal: false,
                forecast,
                subject: Some(subject.into()),
                of: None,
                change: false,
                baseline: false,
                kind: FigureKind::Count,
                text: String::new(),
                sentence: String::new(),
            },
            citation,
            metric: Some("capacity".into()),
        }
    }

    fn plan_of(figures: &[CitedFigure]) -> Plan {
        plan(&choose(figures).expect("a group").drawn)
    }

    #[test]
    fn ranges_are_kept_whole_and_forecasts_marked() {
        let figures = vec![
            capacity("TSMC", Some(2025), 0.0, Some((75_000.0, 80_000.0)), false, 2),
            capacity("TSMC", Some(2026), 0.0, Some((120_000.0, 130_000.0)), true, 2),
            capacity("TSMC", Some(2024), 35_000.0, None, false, 1),
        ];
        let plan = plan_of(&figures);
        assert_eq!(plan.arrangement, Arrangement::OverTime);
        assert_eq!(plan.title, "TSMC: capacity (wafers/month), by year");
        let in_2026 = plan.marks.iter().find(|m| m.x == 2026.0).expect("2026");
        assert_eq!(in_2026.range, Some((120_000.0, 130_000.0)));
        assert!(in_2026.forecast);
        assert_eq!(in_2026.label, "120,000–130,000 [2]");
        assert_eq!(in_2026.top(), 130_000.0, "the axis must reach the high end, not the midpoint");
        assert!(plan.y_range.end > 130_000.0);
        assert!(plan.has_forecasts() && plan.has_actuals() && plan.has_ranges());
        let in_2024 = plan.marks.iter().position(|m| m.x == 2024.0).expect("2024");
        let in_2025 = plan.marks.iter().position(|m| m.x == 2025.0).expect("2025");
        let in_2026 = plan.marks.iter().position(|m| m.x == 2026.0).expect("2026");
        assert_eq!(plan.links, vec![(in_2024, in_2025), (in_2025, in_2026)]);
    }

    #[test]
    fn one_year_or_none_gives_one_bar_slot_per_subject_largest_first() {
        let figures = vec![
            capacity("Micron", Some(2024), 20_000.0, None, true, 4),
            capacity("Samsung", Some(2024), 130_000.0, None, true, 4),
            capacity("SK hynix", None, 0.0, Some((120_000.0, 125_000.0)), true, 4),
            capacity("Micron", Some(2024), 25_000.0, None, false, 5),
        ];
        let plan = plan_of(&figures);
        assert_eq!(plan.arrangement, Arrangement::BySubject);
        assert_eq!(plan.series, ["Samsung", "SK hynix", "Micron"]);
        assert_eq!(plan.title, "Capacity (wafers/month), by company, 2024");
        let micron: Vec<&Mark> = plan.marks.iter().filter(|m| m.series == 2).collect();
        assert_eq!(micron.len(), 2, "two sources for Micron: two bars in its slot");
        assert!(micron.iter().all(|m| (m.x - 2.0).abs() < 0.4 && m.half_width > 0.0));
        assert!(
            (micron[0].x - micron[1].x).abs() >= micron[0].half_width * 2.0,
            "side by side, not on top of each other"
        );
        assert!(plan.links.is_empty());
        assert_eq!(plan.y_range.start, 0.0, "bars start at zero");
    }

    #[test]
    fn undated_figures_are_left_off_a_chart_over_time_with_a_note() {
        let figures = vec![
            capacity("Samsung", Some(2023), 45_000.0, None, false, 4),
            capacity("Samsung", Some(2024), 130_000.0, None, true, 4),
            capacity("China", None, 20_000.0, None, false, 5),
            capacity("Micron", Some(2023), 3_000.0, None, false, 4),
            capacity("Micron", Some(2024), 20_000.0, None, true, 4),
        ];
        let plan = plan_of(&figures);
        assert_eq!(plan.arrangement, Arrangement::OverTime);
        assert_eq!(plan.series, ["Samsung", "Micron"]);
        assert_eq!(plan.marks.len(), 4);
        assert_eq!(plan.notes, ["1 figure with no year ([5]) left off the chart over time."]);
        assert_eq!(plan.title, "Capacity (wafers/month), by company and year");
        // Two marks in 2023, far apart in value: both stay on the year.
        let xs: Vec<f64> = plan.marks.iter().filter(|m| m.x.round() == 2023.0).map(|m| m.x).collect();
        assert_eq!(xs, [2023.0, 2023.0]);
    }

    #[test]
    fn marks_of_one_year_that_would_cover_each_other_are_spread() {
        let figures = vec![
            capacity("TSMC", Some(2024), 50_000.0, None, false, 1),
            capacity("TSMC", Some(2025), 0.0, Some((75_000.0, 80_000.0)), false, 2),
            capacity("ASE", Some(2025), 78_000.0, None, true, 3),
            capacity("Amkor", Some(2025), 10_000.0, None, false, 4),
        ];
        let plan = plan_of(&figures);
        let x_of = |citation: usize| plan.marks.iter().find(|m| m.citation == citation).map(|m| m.x).expect("mark");
        assert_eq!(x_of(1), 2024.0);
        assert_eq!(x_of(4), 2025.0, "far from the others: stays on its year");
        assert!(x_of(2) < 2025.0 && x_of(3) > 2025.0, "a point inside a range moves beside it");
        assert!((x_of(3) - x_of(2)).abs() <= YEAR_SPREAD);
    }

    #[test]
    fn several_values_in_one_year_are_not_joined() {
        let figures = vec![
            capacity("TSMC", Some(2024), 35_000.0, None, false, 1),
            capacity("TSMC", Some(2025), 65_000.0, None, true, 1),
            capacity("TSMC", Some(2025), 75_000.0, None, false, 2),
        ];
        assert!(plan_of(&figures).links.is_empty());
    }

    #[test]
    fn money_is_scaled_and_titled_with_its_unit() {
        let mut figures = Vec::new();
        for (year, value) in [(2024, 47.5e9), (2025, 115.2e9)] {
            let mut cited = capacity("NVIDIA", Some(year), value, None, false, 1);
            cited.figure.unit = "USD".into();
            cited.figure.kind = FigureKind::Money;
            cited.metric = Some("revenue".into());
            figures.push(cited);
        }
        let plan = plan_of(&figures);
        assert_eq!(plan.unit_label, "USD bn");
        assert_eq!(plan.title, "NVIDIA: revenue (USD bn), by year");
        assert_eq!(plan.marks[1].label, "115.2 [1]");
        assert_eq!(plan.marks[0].label, "47.5 [1]");
    }

    #[test]
    fn a_subject_named_in_the_base_is_not_repeated_in_the_title() {
        let mut figures = Vec::new();
        for (year, value) in [(2025, 112.0), (2026, 66.0)] {
            let mut cited = capacity("NVIDIA", Some(year), value, None, false, 1);
            cited.figure.unit = "%".into();
            cited.figure.kind = FigureKind::Percent;
            cited.figure.change = true;
            cited.figure.of = Some("NVIDIA's data center revenue".into());
            cited.metric = Some("revenue".into());
            figures.push(cited);
        }
        assert_eq!(plan_of(&figures).title, "Change in NVIDIA's data center revenue (%), by year");
    }
}
