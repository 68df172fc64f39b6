//! PNG charts that compare like with like. Of an answer's figures, only
//! those with the same measure, the same base (what a share or change is
//! of), the same unit and the same level-or-change status are drawn together
//! ([`group`]); the largest such group is charted and the others are named in
//! a note. A group that spans two or more years is drawn over time, one line
//! per subject; otherwise one bar per subject ([`plan`]). Ranges are drawn
//! from low to high, forecasts hollow, and every mark is labelled with its
//! value and citation number, the labels kept apart ([`labels`]) and drawn
//! with plotters ([`draw`]).

mod draw;
mod group;
mod labels;
mod legend;
mod pen;
mod plan;
mod wording;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::reply::{Answer, Reply};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 560;
const FONT_FAMILY: &str = "sans-serif";
/// Fonts tried when `chart.font` is not set.
const FONT_CANDIDATES: [&str; 5] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// A rendered chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub png: Vec<u8>,
    /// False when no font could be loaded and the chart was drawn without text.
    pub labelled: bool,
    /// Things the user should know: comparable figures that were not drawn
    /// ("Also found: ..."), figures left off the chart.
    pub notes: Vec<String>,
}

/// The reply to the `figures` command: the table, and when `chart` is asked
/// for and the figures compare, its PNG. What keeps a chart from being drawn,
/// or drawn with labels, is added to the answer's notes.
pub fn figures_reply(mut answer: Answer, chart: bool, font: Option<&Path>) -> Reply {
    let chart_png = if chart && !answer.figures.is_empty() {
        match render_png(&answer, font) {
            Ok(chart) => {
                answer.notices.extend(chart.notes);
                if !chart.labelled {
                    answer.notices.push("No usable font was found, so the chart has no labels; set chart.font to a .ttf file.".into());
                }
                Some(chart.png)
            }
            Err(e) => {
                answer.notices.push(e.user_message());
                None
            }
        }
    } else {
        None
    };
    Reply::Figures { answer, chart_png }
}

/// Renders the chart of `answer`'s most numerous comparable figures as a
/// PNG. Without a usable font the chart is still drawn, without any text.
pub fn render_png(answer: &Answer, font: Option<&Path>) -> Result<Chart> {
    let choice = group::choose(&answer.figures).ok_or_else(|| {
        Error::Chart(
            "it needs at least two comparable figures (the same measure of the same thing, in the same unit)".into(),
        )
    })?;
    tracing::debug!(
        drawn = %choice.drawn.what(),
        figures = choice.drawn.members.len(),
        others = ?choice.others.iter().map(|g| (g.what(), g.members.len())).collect::<Vec<_>>(),
        "chart groups"
    );
    let plan = plan::plan(&choice.drawn);
    let labelled = match ensure_font(font) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "drawing the chart without text");
            false
        }
    };
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw::draw(&root, &plan, labelled)?;
        root.present().map_err(chart_err)?;
    }
    let image = image::RgbImage::from_raw(WIDTH, HEIGHT, rgb)
        .ok_or_else(|| Error::Chart("image buffer has the wrong size".into()))?;
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageOutputFormat::Png).map_err(chart_err)?;
    let mut notes = plan.notes;
    notes.extend(choice.also_found());
    Ok(Chart { png, labelled, notes })
}

/// Registers a TrueType font with plotters, once per configured path.
fn ensure_font(configured: Option<&Path>) -> Result<()> {
    static LOADED: Mutex<BTreeMap<Option<PathBuf>, std::result::Result<(), String>>> = Mutex::new(BTreeMap::new());
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
    use crate::figures::{Figure, FigureKind};
    use crate::reply::CitedFigure;

    fn cited(text: &str, value: f64, subject: &str, citation: usize) -> CitedFigure {
        CitedFigure {
            figure: Figure {
                year: Some(2025),
                subject: Some(subject.into()),
                ..Figure::percent(text, value, &format!("{subject} held {text} of the market."))
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

    #[test]
    fn a_mixed_answer_charts_one_group_and_notes_the_others() {
        let mut figures = vec![cited("53%", 53.0, "SK hynix", 1), cited("38%", 38.0, "Samsung", 1)];
        figures.push(cited("9%", 9.0, "Micron", 1));
        for (value, citation) in [(66.9, 2), (12.0, 3)] {
            let mut growth = cited("66.9%", value, "HBM", citation);
            growth.metric = Some("growth".into());
            growth.figure.change = true;
            growth.figure.of = Some("HBM revenue".into());
            figures.push(growth);
        }
        let answer = Answer { figures, ..Answer::default() };
        let chart = render_png(&answer, None).expect("chart");
        assert!(chart.png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(chart.notes, ["Also found: growth of HBM revenue (2 figures); ask for it to chart it."]);
    }

    /// A share of the `of` market.
    fn share_of(
        subject: Option<&str>,
        year: Option<i32>,
        value: f64,
        range: Option<(f64, f64)>,
        forecast: bool,
        citation: usize,
        of: &str,
    ) -> CitedFigure {
        CitedFigure {
            figure: Figure {
                value,
                unit: "%".into(),
                low: range.map(|r| r.0),
                high: range.map(|r| r.1),
                year,
                part: None,
                fiscal: false,
                forecast,
                subject: subject.map(str::to_string),
                of: Some(of.into()),
                change: false,
                baseline: false,
                kind: FigureKind::Percent,
                text: String::new(),
                sentence: String::new(),
            },
            citation,
            metric: Some("share".into()),
        }
    }

    #[test]
    fn crowded_charts_are_drawn() {
        // Long subject names and title, ranges and forecasts, several values in one year.
        let of = "global demand for CoWoS and CoWoS-like advanced packaging capacity in the AI accelerator market";
        let names = [
            "Taiwan Semiconductor Manufacturing Company",
            "Samsung Electronics",
            "SK hynix",
            "Micron Technology",
            "Semiconductor Manufacturing International",
            "Huawei",
            "Cambricon Technologies",
            "Moore Threads",
        ];
        let figures: Vec<CitedFigure> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                share_of(
                    Some(n),
                    Some(2025),
                    10.0 + i as f64 * 3.0,
                    if i % 3 == 0 { Some((8.0 + i as f64, 12.0 + i as f64 * 2.0)) } else { None },
                    i % 2 == 0,
                    i + 1,
                    of,
                )
            })
            .collect();
        let bars = render_png(&Answer { figures, ..Answer::default() }, None).expect("bars");
        assert!(bars.png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let mut figures = Vec::new();
        for (s, name) in ["SK hynix", "Samsung", "Micron", "A very long company name indeed Ltd"].iter().enumerate() {
            for year in 2022..2027 {
                let v = 50.0 - s as f64 * 12.0 + (year - 2022) as f64 * (s as f64 - 1.5);
                figures.push(share_of(
                    Some(name),
                    Some(year),
                    v,
                    if year == 2026 { Some((v - 3.0, v + 3.0)) } else { None },
                    year >= 2025,
                    s + 1,
                    "HBM market",
                ));
                if year == 2024 && s == 1 {
                    figures.push(share_of(Some(name), Some(year), v + 1.0, None, false, 9, "HBM market"));
                }
            }
        }
        let lines = render_png(&Answer { figures, ..Answer::default() }, None).expect("lines");
        assert!(lines.png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(lines.notes.is_empty(), "{:?}", lines.notes);
    }
}
