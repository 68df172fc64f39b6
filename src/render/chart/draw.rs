//! Drawing a [`Plan`] with plotters: the title, the axes, the marks (points
//! or bars, ranges from their low to their high end, forecasts hollow and
//! reached by dashed lines), the legend beside the plot ([`legend`]), and
//! the value labels where [`labels::place`] puts them. Plotters draws the
//! value axis in chart units; everything else is drawn in pixels, mapped
//! through the chart.

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::labels::{self, LabelRequest, Rect};
use super::legend;
use super::pen::{
    colour, draw_box, draw_point, draw_text, fitted, text_style, text_width, Area, CAP_HALF_WIDTH, INK, LABEL_SIZE,
    POINT_RADIUS, RANGE_HALF_WIDTH,
};
use super::plan::{Arrangement, Mark, Plan};
use super::wording::number;
use super::chart_err;
use crate::error::Result;

const TITLE_HEIGHT: u32 = 46;
const TITLE_SIZE: f64 = 20.0;
const SMALLEST_TITLE_SIZE: f64 = 14.0;
const TICK_SIZE: f64 = 13.0;
const MAX_BAR_HALF_WIDTH: i32 = 50;
/// Spacing of the points that keep labels off the lines between marks.
const LINE_SAMPLE_STEP: i32 = 5;
/// A label further than this from its mark gets a leader line.
const LEADER_DISTANCE: i32 = 10;

const LEADER_GREY: RGBColor = RGBColor(170, 170, 170);

/// Draws `plan` on `root`. Without `text` (no font could be loaded) nothing
/// that needs a font is drawn: no title, tick labels, legend or value labels.
pub(super) fn draw(root: &Area<'_>, plan: &Plan, text: bool) -> Result<()> {
    root.fill(&WHITE).map_err(chart_err)?;
    let (width, _) = root.dim_in_pixel();
    let keys = if text { legend::keys(plan) } else { Vec::new() };
    let legend_width = if keys.is_empty() { 0 } else { legend::WIDTH };
    let (title_area, body) = root.split_vertically(if text { TITLE_HEIGHT } else { 12 });
    let (plot_area, legend_area) = body.split_horizontally(width - legend_width);
    if text {
        draw_title(&title_area, &plan.title)?;
    }
    let mut builder = ChartBuilder::on(&plot_area);
    builder.margin(14).x_label_area_size(if text { 50 } else { 8 }).y_label_area_size(if text { 72 } else { 8 });
    let mut chart = builder.build_cartesian_2d(plan.x_range.clone(), plan.y_range.clone()).map_err(chart_err)?;
    let y_format = |v: &f64| number(*v);
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh().x_labels(0).light_line_style(WHITE).bold_line_style(RGBColor(225, 225, 225));
    if text {
        mesh.y_labels(8)
            .y_label_formatter(&y_format)
            .y_desc(plan.unit_label.as_str())
            .label_style(text_style(TICK_SIZE))
            .axis_desc_style(text_style(14.0));
    } else {
        mesh.y_labels(0);
    }
    mesh.draw().map_err(chart_err)?;

    let to_pixels = |x: f64, y: f64| chart.backend_coord(&(x, y));
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    let bounds = Rect {
        left: x_pixels.start,
        top: y_pixels.start,
        width: x_pixels.end - x_pixels.start,
        height: y_pixels.end - y_pixels.start,
    };
    if text {
        draw_x_ticks(root, plan, &to_pixels)?;
    }
    let mut line_points = Vec::new();
    for &(from, to) in &plan.links {
        let (a, b) = (&plan.marks[from], &plan.marks[to]);
        let (start, end) = (to_pixels(a.x, a.joint()), to_pixels(b.x, b.joint()));
        let style = colour(a.series).stroke_width(2);
        if b.forecast {
            root.draw(&DashedPathElement::new(vec![start, end], 7, 5, style)).map_err(chart_err)?;
        } else {
            root.draw(&PathElement::new(vec![start, end], style)).map_err(chart_err)?;
        }
        line_points.extend(points_along(start, end));
    }
    let shapes = plan
        .marks
        .iter()
        .map(|mark| draw_mark(root, mark, plan.arrangement, &to_pixels))
        .collect::<Result<Vec<Shape>>>()?;
    if text {
        let mut obstacles: Vec<Rect> = shapes.iter().map(|s| s.covers).collect();
        obstacles.extend(line_points);
        draw_labels(root, &plan.marks, &shapes, &obstacles, bounds)?;
        legend::draw(&legend_area, plan, &keys)?;
    }
    Ok(())
}

/// The title, centred, in the largest size that fits (shortened if none does).
fn draw_title(area: &Area<'_>, title: &str) -> Result<()> {
    let (width, height) = area.dim_in_pixel();
    let room = width as i32 - 40;
    let mut size = TITLE_SIZE;
    while size > SMALLEST_TITLE_SIZE && text_width(area, title, size)? > room {
        size -= 1.0;
    }
    let shown = fitted(area, title, size, room)?;
    let shown_width = text_width(area, &shown, size)?;
    let top = (height as i32 - size as i32) / 2;
    draw_text(area, &shown, size, ((width as i32 - shown_width) / 2, top))
}

/// Pixel width of `text` in the chart font.
/// Years or subject names under the x axis, with tick marks. Over many
/// years only every second (third, ...) year is named, so that the years do
/// not run into each other; a subject name too wide for its slot is broken
/// onto two lines, then shortened.
fn draw_x_ticks(root: &Area<'_>, plan: &Plan, to_pixels: &dyn Fn(f64, f64) -> (i32, i32)) -> Result<()> {
    let slot = (to_pixels(1.0, 0.0).0 - to_pixels(0.0, 0.0).0).abs() - 8;
    let every = if plan.over_time() {
        let mut widest = 0;
        for (_, name) in &plan.x_ticks {
            widest = widest.max(text_width(root, name, TICK_SIZE)?);
        }
        ((widest + 4 + slot) / slot.max(1)).max(1) as usize
    } else {
        1
    };
    for (i, (x, name)) in plan.x_ticks.iter().enumerate() {
        let (px, py) = to_pixels(*x, plan.y_range.start);
        root.draw(&PathElement::new(vec![(px, py), (px, py + 5)], INK.stroke_width(1))).map_err(chart_err)?;
        if i % every != 0 {
            continue;
        }
        let room = (slot + 8) * every as i32 - 8;
        for (row, line) in tick_lines(root, name, room)?.iter().enumerate() {
            let width = text_width(root, line, TICK_SIZE)?;
            let top = py + 9 + row as i32 * (TICK_SIZE as i32 + 3);
            draw_text(root, line, TICK_SIZE, (px - width / 2, top))?;
        }
    }
    Ok(())
}

/// A tick name as one line, or two when it is too wide for `room` pixels.
fn tick_lines(area: &Area<'_>, name: &str, room: i32) -> Result<Vec<String>> {
    if text_width(area, name, TICK_SIZE)? <= room {
        return Ok(vec![name.to_string()]);
    }
    let middle = name.len() / 2;
    let split = name.match_indices(' ').map(|(i, _)| i).min_by_key(|i| i.abs_diff(middle));
    let lines: Vec<&str> = match split {
        Some(at) => vec![&name[..at], &name[at + 1..]],
        None => vec![name],
    };
    lines.into_iter().map(|line| fitted(area, line, TICK_SIZE, room)).collect()
}

/// Small boxes along a line, for keeping labels off it.
fn points_along(start: (i32, i32), end: (i32, i32)) -> Vec<Rect> {
    let (dx, dy) = (f64::from(end.0 - start.0), f64::from(end.1 - start.1));
    let steps = (dx.hypot(dy) / f64::from(LINE_SAMPLE_STEP)).ceil().max(1.0) as i32;
    (0..=steps)
        .map(|i| {
            let t = f64::from(i) / f64::from(steps);
            let (x, y) = (start.0 + (dx * t).round() as i32, start.1 + (dy * t).round() as i32);
            Rect { left: x - 1, top: y - 1, width: 3, height: 3 }
        })
        .collect()
}

/// Where a drawn mark is, for placing its label.
struct Shape {
    /// The pixels the mark covers.
    covers: Rect,
    /// The middle of the mark's top.
    top: (i32, i32),
    half_width: i32,
}

/// Draws one mark: a point or range over time, a bar (or a floating bar for
/// a range) by subject. Forecasts are hollow.
fn draw_mark(
    root: &Area<'_>,
    mark: &Mark,
    arrangement: Arrangement,
    to_pixels: &dyn Fn(f64, f64) -> (i32, i32),
) -> Result<Shape> {
    let colour = colour(mark.series);
    match arrangement {
        Arrangement::OverTime => {
            let (x, y) = to_pixels(mark.x, mark.value);
            match mark.range {
                Some((low, high)) => {
                    let (_, y_high) = to_pixels(mark.x, low.max(high));
                    let (_, y_low) = to_pixels(mark.x, low.min(high));
                    draw_box(
                        root,
                        (x - RANGE_HALF_WIDTH, y_high),
                        (x + RANGE_HALF_WIDTH, y_low),
                        colour,
                        mark.forecast,
                    )?;
                    for y in [y_high, y_low] {
                        let cap = vec![(x - CAP_HALF_WIDTH, y), (x + CAP_HALF_WIDTH, y)];
                        root.draw(&PathElement::new(cap, colour.stroke_width(2))).map_err(chart_err)?;
                    }
                    let covers = Rect {
                        left: x - CAP_HALF_WIDTH,
                        top: y_high - 1,
                        width: 2 * CAP_HALF_WIDTH + 1,
                        height: y_low - y_high + 3,
                    };
                    Ok(Shape { covers, top: (x, y_high - 1), half_width: CAP_HALF_WIDTH })
                }
                None => {
                    draw_point(root, (x, y), colour, mark.forecast)?;
                    let reach = POINT_RADIUS + 1;
                    let covers = Rect { left: x - reach, top: y - reach, width: 2 * reach + 1, height: 2 * reach + 1 };
                    Ok(Shape { covers, top: (x, y - reach), half_width: reach })
                }
            }
        }
        Arrangement::BySubject => {
            let (from, to) = match mark.range {
                Some((low, high)) => (low.min(high), low.max(high)),
                None => (mark.value.min(0.0), mark.value.max(0.0)),
            };
            // Few subjects would make slabs of bars: narrow the bars of a
            // slot, and their offsets from its middle, alike.
            let slot = mark.x.round();
            let pixels_per_unit = f64::from((to_pixels(1.0, 0.0).0 - to_pixels(0.0, 0.0).0).abs().max(1));
            let narrowing = (f64::from(MAX_BAR_HALF_WIDTH) / (mark.half_width * pixels_per_unit)).min(1.0);
            let (x, half_width) = (slot + (mark.x - slot) * narrowing, mark.half_width * narrowing);
            let (left, top) = to_pixels(x - half_width, to);
            let (right, bottom) = to_pixels(x + half_width, from);
            draw_box(root, (left, top), (right, bottom), colour, mark.forecast)?;
            let covers = Rect { left, top, width: right - left + 1, height: bottom - top + 1 };
            Ok(Shape { covers, top: ((left + right) / 2, top), half_width: (right - left) / 2 })
        }
    }
}

/// Value labels, each placed clear of the others and of the marks, with a
/// leader line when it had to move away from its mark.
fn draw_labels(root: &Area<'_>, marks: &[Mark], shapes: &[Shape], obstacles: &[Rect], bounds: Rect) -> Result<()> {
    let mut requests = Vec::with_capacity(marks.len());
    for (mark, shape) in marks.iter().zip(shapes) {
        requests.push(LabelRequest {
            anchor: shape.top,
            half_width: shape.half_width,
            width: text_width(root, &mark.label, LABEL_SIZE)? + 4,
            height: LABEL_SIZE as i32 + 3,
        });
    }
    let boxes = labels::place(&requests, obstacles, bounds);
    for ((mark, request), rect) in marks.iter().zip(&requests).zip(&boxes) {
        if rect.distance_to(request.anchor) > LEADER_DISTANCE {
            let line = vec![request.anchor, rect.nearest_point(request.anchor)];
            root.draw(&PathElement::new(line, LEADER_GREY.stroke_width(1))).map_err(chart_err)?;
        }
        draw_text(root, &mark.label, LABEL_SIZE, (rect.left + 2, rect.top + 1))?;
    }
    Ok(())
}
