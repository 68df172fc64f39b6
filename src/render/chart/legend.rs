//! The legend beside a chart: the subjects of a chart over time, each in
//! its colour, then what filled, hollow and range marks mean, where the
//! chart has them.

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::chart_err;
use super::pen::{
    colour, draw_box, draw_point, draw_text, fitted, Area, CAP_HALF_WIDTH, LABEL_SIZE, RANGE_HALF_WIDTH,
};
use super::plan::Plan;
use crate::error::Result;

/// Width of the legend, in pixels.
pub(super) const WIDTH: u32 = 220;
const ROW: i32 = 24;
const KEY_GREY: RGBColor = RGBColor(90, 90, 90);

/// One line of the legend.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Key {
    Series(usize, String),
    Actual,
    Forecast,
    Range,
}

/// The legend: the subjects of a chart over time, then what filled, hollow
/// and range marks mean, where the chart has them.
pub(super) fn keys(plan: &Plan) -> Vec<Key> {
    let mut keys = Vec::new();
    if plan.over_time() && plan.series.len() > 1 {
        keys.extend(plan.series.iter().enumerate().map(|(i, name)| Key::Series(i, name.clone())));
    }
    if plan.has_forecasts() {
        if plan.has_actuals() {
            keys.push(Key::Actual);
        }
        keys.push(Key::Forecast);
    }
    if plan.has_ranges() {
        keys.push(Key::Range);
    }
    keys
}

/// Draws the legend `keys` in `area`, one per row.
pub(super) fn draw(area: &Area<'_>, plan: &Plan, keys: &[Key]) -> Result<()> {
    let (width, _) = area.dim_in_pixel();
    let room = width as i32 - 60;
    let over_time = plan.over_time();
    for (row, key) in keys.iter().enumerate() {
        // A gap between the subjects and the keys to mark styles.
        let gap =
            if !matches!(key, Key::Series(..)) && keys.iter().any(|k| matches!(k, Key::Series(..))) { 10 } else { 0 };
        let y = 30 + row as i32 * ROW + gap;
        let (x0, x1) = (10, 40);
        let middle = (x0 + x1) / 2;
        let name = match key {
            Key::Series(i, name) => {
                let line = vec![(x0, y), (x1, y)];
                area.draw(&PathElement::new(line, colour(*i).stroke_width(2))).map_err(chart_err)?;
                draw_point(area, (middle, y), colour(*i), false)?;
                name.as_str()
            }
            Key::Actual if over_time => {
                draw_point(area, (middle, y), KEY_GREY, false)?;
                "actual"
            }
            Key::Forecast if over_time => {
                let line = vec![(x0, y), (x1, y)];
                area.draw(&DashedPathElement::new(line, 5, 3, KEY_GREY.stroke_width(2))).map_err(chart_err)?;
                draw_point(area, (middle, y), KEY_GREY, true)?;
                "forecast (hollow, dashed)"
            }
            Key::Range if over_time => {
                draw_box(
                    area,
                    (middle - RANGE_HALF_WIDTH, y - 9),
                    (middle + RANGE_HALF_WIDTH, y + 9),
                    KEY_GREY,
                    false,
                )?;
                for cap_y in [y - 9, y + 9] {
                    let cap = vec![(middle - CAP_HALF_WIDTH, cap_y), (middle + CAP_HALF_WIDTH, cap_y)];
                    area.draw(&PathElement::new(cap, KEY_GREY.stroke_width(2))).map_err(chart_err)?;
                }
                "range, low to high"
            }
            Key::Actual => {
                draw_box(area, (middle - 8, y - 8), (middle + 8, y + 8), KEY_GREY, false)?;
                "actual"
            }
            Key::Forecast => {
                draw_box(area, (middle - 8, y - 8), (middle + 8, y + 8), KEY_GREY, true)?;
                "forecast (hollow)"
            }
            Key::Range => {
                draw_box(area, (middle - 8, y - 10), (middle + 8, y + 4), KEY_GREY, false)?;
                let floor = vec![(x0, y + 10), (x1, y + 10)];
                area.draw(&PathElement::new(floor, KEY_GREY.stroke_width(1))).map_err(chart_err)?;
                "range, low to high"
            }
        };
        let shown = fitted(area, name, LABEL_SIZE, room)?;
        draw_text(area, &shown, LABEL_SIZE, (x1 + 10, y - LABEL_SIZE as i32 / 2))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::group::choose;
    use super::super::plan::plan;
    use super::*;
    use crate::figures::Figure;
    use crate::reply::CitedFigure;

    fn share(subject: &str, year: i32, range: Option<(f64, f64)>, forecast: bool) -> CitedFigure {
        CitedFigure {
            figure: Figure {
                low: range.map(|(low, _)| low),
                high: range.map(|(_, high)| high),
                year: Some(year),
                forecast,
                subject: Some(subject.into()),
                of: Some("HBM market".into()),
                ..Figure::percent("", range.map_or(40.0, |(low, _)| low), "")
            },
            citation: 1,
            metric: Some("share".into()),
        }
    }

    fn keys_of(figures: &[CitedFigure]) -> Vec<Key> {
        keys(&plan(&choose(figures).expect("a group").drawn))
    }

    #[test]
    fn forecasts_and_ranges_get_a_key_only_when_drawn() {
        let actual = [share("SK hynix", 2023, None, false), share("Samsung", 2024, None, false)];
        assert_eq!(keys_of(&actual), [Key::Series(0, "SK hynix".into()), Key::Series(1, "Samsung".into())]);
        let mixed = [share("Micron", 2024, None, false), share("Micron", 2025, Some((20.0, 25.0)), true)];
        assert_eq!(keys_of(&mixed), [Key::Actual, Key::Forecast, Key::Range], "one subject: the title names it");
        let bars = [share("Micron", 2025, Some((20.0, 25.0)), true), share("Samsung", 2025, None, true)];
        assert_eq!(keys_of(&bars), [Key::Forecast, Key::Range], "bars name their subjects on the axis");
    }
}
