//! Drawing primitives shared by the chart and its legend: the drawing area,
//! mark sizes, the palette, text that fits, boxes and points.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{chart_err, FONT_FAMILY};
use crate::error::Result;

pub(super) type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

pub(super) const LABEL_SIZE: f64 = 13.0;
pub(super) const POINT_RADIUS: i32 = 5;
pub(super) const RANGE_HALF_WIDTH: i32 = 4;
pub(super) const CAP_HALF_WIDTH: i32 = 8;
/// Tableau 10: distinct, and readable on white.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
pub(super) const INK: RGBColor = RGBColor(35, 35, 35);

pub(super) fn colour(series: usize) -> RGBColor {
    PALETTE[series % PALETTE.len()]
}

pub(super) fn text_style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT_FAMILY, size).into_font()).color(&INK)
}

pub(super) fn text_width(area: &Area<'_>, text: &str, size: f64) -> Result<i32> {
    let (width, _) = area.estimate_text_size(text, &text_style(size)).map_err(chart_err)?;
    Ok(width as i32)
}

/// `text`, shortened with "…" until it fits `room` pixels.
pub(super) fn fitted(area: &Area<'_>, text: &str, size: f64, room: i32) -> Result<String> {
    if text_width(area, text, size)? <= room {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shorter = format!("{}…", chars.iter().collect::<String>().trim_end());
        if text_width(area, &shorter, size)? <= room {
            return Ok(shorter);
        }
    }
    Ok(String::new())
}

/// Draws `text` with its visible top-left corner at `(left, top)`. The font
/// backend draws capitals about a quarter of the size above the given
/// position, so the position is moved down by that much.
pub(super) fn draw_text(area: &Area<'_>, text: &str, size: f64, (left, top): (i32, i32)) -> Result<()> {
    let drop = (size * 0.3).round() as i32;
    area.draw(&Text::new(text.to_string(), (left, top + drop), text_style(size))).map_err(chart_err)
}

/// A filled box, or for a forecast a hollow one: a faint tint inside a
/// coloured outline.
pub(super) fn draw_box(
    root: &Area<'_>,
    top_left: (i32, i32),
    bottom_right: (i32, i32),
    colour: RGBColor,
    hollow: bool,
) -> Result<()> {
    let corners = [top_left, bottom_right];
    if hollow {
        root.draw(&Rectangle::new(corners, colour.mix(0.12).filled())).map_err(chart_err)?;
        root.draw(&Rectangle::new(corners, colour.stroke_width(2))).map_err(chart_err)
    } else {
        root.draw(&Rectangle::new(corners, colour.filled())).map_err(chart_err)
    }
}

/// A filled dot, or for a forecast a hollow ring (a dot with a white
/// middle: plotters' stroked circles come out ragged).
pub(super) fn draw_point(area: &Area<'_>, at: (i32, i32), colour: RGBColor, hollow: bool) -> Result<()> {
    area.draw(&Circle::new(at, POINT_RADIUS, colour.filled())).map_err(chart_err)?;
    if hollow {
        area.draw(&Circle::new(at, POINT_RADIUS - 2, WHITE.filled())).map_err(chart_err)?;
    }
    Ok(())
}

