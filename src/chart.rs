//! PNG charts of comparable figures, drawn with plotters: values over time
//! when the figures span several years, otherwise one bar per subject. Every
//! point is labelled with its citation number.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::figures::FigureKind;
use crate::reply::{Answer, CitedFigure};

const WIDTH: u32 = 900;
const HEIGHT: u32 = 520;
const FONT_FAMILY: &str = "sans-serif";
/// Fonts tried when `chart.font` is not set.
const FONT_CANDIDATES: [&str; 5] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// One plotted value.
struct Point {
    label: String,
    year: Option<i32>,
    value: f64,
    citation: usize,
}

/// The figures of `answer` that compare best: the largest group sharing kind,
/// unit and metric. Needs at least two.
fn comparable(answer: &Answer) -> Option<(String, Vec<&CitedFigure>)> {
    let mut groups: BTreeMap<(String, String), Vec<&CitedFigure>> = BTreeMap::new();
    for cf in answer.figures.iter().filter(|cf| cf.figure.kind != FigureKind::Year) {
        let metric = cf.metric.clone().unwrap_or_default();
        groups.entry((cf.figure.unit.clone(), metric)).or_default().push(cf);
    }
    groups
        .into_iter()
        .filter(|(_, members)| members.len() >= 2)
        .max_by_key(|(_, members)| members.len())
        .map(|((unit, metric), members)| (axis_title(&unit, &metric, members[0].figure.kind), members))
}

fn axis_title(unit: &str, metric: &str, kind: FigureKind) -> String {
    let unit = if kind == FigureKind::Money { format!("{unit} bn") } else { unit.to_string() };
    if metric.is_empty() { unit } else { format!("{metric} ({unit})") }
}

fn scaled(cf: &CitedFigure) -> f64 {
    let v = cf.figure.high.filter(|_| cf.figure.low.is_some()).map_or(cf.figure.value, |h| (cf.figure.value + h) / 2.0);
    if cf.figure.kind == FigureKind::Money { v / 1e9 } else { v }
}

/// A rendered chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub png: Vec<u8>,
    /// False when no font could be loaded and the chart was drawn without text.
    pub labelled: bool,
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// Renders the chart of `answer`'s comparable figures as a PNG. Without a
/// usable font the chart is still drawn, without any text.
pub fn render_png(answer: &Answer, font: Option<&Path>) -> Result<Chart> {
    let (title, members) = comparable(answer)
        .ok_or_else(|| Error::Chart("a chart needs at least two comparable figures".into()))?;
    let labelled = match ensure_font(font) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "drawing the chart without text");
            false
        }
    };
    let points: Vec<Point> = members
        .iter()
        .map(|cf| Point {
            label: cf.figure.subject.clone().unwrap_or_else(|| cf.figure.text.clone()),
            year: cf.figure.year,
            value: scaled(cf),
            citation: cf.citation,
        })
        .collect();
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let years: std::collections::BTreeSet<i32> = points.iter().filter_map(|p| p.year).collect();
        let caption = labelled.then_some(title.as_str());
        if years.len() >= 2 && points.iter().all(|p| p.year.is_some()) {
            draw_over_time(&root, caption, &points)?;
        } else {
            draw_bars(&root, caption, &points)?;
        }
        root.present().map_err(chart_err)?;
    }
    let image = image::RgbImage::from_raw(WIDTH, HEIGHT, rgb)
        .ok_or_else(|| Error::Chart("image buffer has the wrong size".into()))?;
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageOutputFormat::Png)
        .map_err(chart_err)?;
    Ok(Chart { png, labelled })
}

fn value_range(points: &[Point]) -> std::ops::Range<f64> {
    let max = points.iter().map(|p| p.value).fold(0.0f64, f64::max);
    let min = points.iter().map(|p| p.value).fold(0.0f64, f64::min);
    min..(max * 1.15).max(min + 1.0)
}

/// A chart builder with the caption (when text can be drawn) and margins set.
fn builder<'a, 'b>(root: &'a Area<'b>, caption: Option<&str>) -> ChartBuilder<'a, 'b, BitMapBackend<'b>> {
    let mut builder = ChartBuilder::on(root);
    builder.margin(20).x_label_area_size(40).y_label_area_size(70);
    if let Some(title) = caption {
        builder.caption(title, (FONT_FAMILY, 22));
    }
    builder
}

/// Values over the years, one line per subject. `caption` is `None` when no
/// font is available; then no text at all is drawn.
fn draw_over_time(root: &Area<'_>, caption: Option<&str>, points: &[Point]) -> Result<()> {
    let text = caption.is_some();
    let first = points.iter().filter_map(|p| p.year).min().unwrap_or(2020);
    let last = points.iter().filter_map(|p| p.year).max().unwrap_or(first + 1);
    let mut chart = builder(root, caption)
        .build_cartesian_2d(first as f64 - 0.5..last as f64 + 0.5, value_range(points))
        .map_err(chart_err)?;
    let mut mesh = chart.configure_mesh();
    if text {
        mesh.x_labels((last - first + 1) as usize)
            .x_label_formatter(&|x| format!("{:.0}", x))
            .label_style((FONT_FAMILY, 14));
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw().map_err(chart_err)?;
    let mut by_label: BTreeMap<&str, Vec<&Point>> = BTreeMap::new();
    for p in points {
        by_label.entry(p.label.as_str()).or_default().push(p);
    }
    for (i, (label, mut series)) in by_label.into_iter().enumerate() {
        series.sort_by_key(|p| p.year);
        let color = Palette99::pick(i).to_rgba();
        let coords: Vec<(f64, f64)> = series.iter().map(|p| (p.year.unwrap_or(first) as f64, p.value)).collect();
        let drawn = chart.draw_series(LineSeries::new(coords, color.stroke_width(2))).map_err(chart_err)?;
        if text {
            drawn
                .label(label.to_string())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        }
        let dots = series.iter().map(|p| Circle::new((p.year.unwrap_or(first) as f64, p.value), 5, color.filled()));
        chart.draw_series(dots).map_err(chart_err)?;
        if text {
            let notes = series.iter().map(|p| {
                let at = (p.year.unwrap_or(first) as f64, p.value);
                EmptyElement::at(at)
                    + Text::new(format!("{} [{}]", trim_value(p.value), p.citation), (8, -16), (FONT_FAMILY, 13))
            });
            chart.draw_series(notes).map_err(chart_err)?;
        }
    }
    if text {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font((FONT_FAMILY, 13))
            .draw()
            .map_err(chart_err)?;
    }
    Ok(())
}

/// One bar per figure, labelled with its subject and citation.
fn draw_bars(root: &Area<'_>, caption: Option<&str>, points: &[Point]) -> Result<()> {
    let n = points.len();
    let labels: Vec<String> = points.iter().map(|p| format!("{} [{}]", p.label, p.citation)).collect();
    let mut chart = builder(root, caption)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, value_range(points))
        .map_err(chart_err)?;
    let label_at = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 0.01 && i >= 0.0 { labels.get(i as usize).cloned().unwrap_or_default() } else { String::new() }
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh();
    if caption.is_some() {
        mesh.x_labels(n.max(2)).x_label_formatter(&label_at).label_style((FONT_FAMILY, 13));
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw().map_err(chart_err)?;
    chart
        .draw_series(points.iter().enumerate().map(|(i, p)| {
            Rectangle::new([(i as f64 - 0.35, 0.0), (i as f64 + 0.35, p.value)], Palette99::pick(i).filled())
        }))
        .map_err(chart_err)?;
    if caption.is_some() {
        chart
            .draw_series(points.iter().enumerate().map(|(i, p)| {
                EmptyElement::at((i as f64, p.value)) + Text::new(trim_value(p.value), (-12, -20), (FONT_FAMILY, 15))
            }))
            .map_err(chart_err)?;
    }
    Ok(())
}

fn trim_value(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Registers a TrueType font with plotters, once per configured path.
fn ensure_font(configured: Option<&Path>) -> Result<()> {
    static LOADED: Mutex<BTreeMap<Option<PathBuf>, std::result::Result<(), String>>> =
        Mutex::new(BTreeMap::new());
    let mut loaded = LOADED.lock().map_err(|_| Error::Chart("font registry lock poisoned".into()))?;
    let outcome = loaded.entry(configured.map(Path::to_path_buf)).or_insert_with(|| {
        let candidates: Vec<PathBuf> = match configured {
            Some(path) => vec![path.to_path_buf()],
            None => FONT_CANDIDATES.iter().map(PathBuf::from).collect(),
        };
        for path in candidates {
            if let Ok(bytes) = std::fs::read(&path) {
                // plotters keeps fonts for the life of the process.
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, bytes).is_ok() {
                    return Ok(());
                }
            }
        }
        Err("no usable TrueType font found; set chart.font to a .ttf file".to_string())
    });
    outcome.clone().map_err(Error::Chart)
}

fn chart_err(e: impl std::fmt::Display) -> Error {
    Error::Chart(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Figure;

    fn cited(text: &str, value: f64, subject: &str, citation: usize) -> CitedFigure {
        CitedFigure {
            figure: Figure {
                value,
                unit: "%".into(),
                low: None,
                high: None,
                year: Some(2025),
                forecast: false,
                subject: Some(subject.into()),
                of: None,
                change: false,
                baseline: false,
                kind: FigureKind::Percent,
                text: text.into(),
                sentence: format!("{subject} held {text} of the market."),
            },
            citation,
            metric: Some("share".into()),
        }
    }

    #[test]
    fn one_figure_is_not_a_chart() {
        let answer = Answer { figures: vec![cited("50%", 50.0, "SK hynix", 1)], ..Answer::default() };
        assert!(matches!(render_png(&answer, None), Err(Error::Chart(_))));
    }

    #[test]
    fn without_a_font_the_chart_is_drawn_unlabelled() {
        let answer = Answer {
            figures: vec![cited("50%", 50.0, "SK hynix", 1), cited("40%", 40.0, "Samsung", 2)],
            ..Answer::default()
        };
        let chart = render_png(&answer, Some(Path::new("/no/such/font.ttf"))).expect("chart");
        assert!(!chart.labelled);
        assert!(chart.png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}
