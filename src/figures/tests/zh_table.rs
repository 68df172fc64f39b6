//! The Chinese table: sentences as Chinese reports write them, each with the
//! figures an analyst would list (`zh_figures.toml`). Recall and precision
//! of the extraction are computed, printed, and must both reach 0.9. A
//! figure counts as found when an extracted figure has its kind, value and
//! unit and their texts overlap; period, subject and change are scored and
//! printed too.

use serde::Deserialize;

use super::figures;
use crate::figures::{Figure, FigureKind};

#[derive(Deserialize)]
struct Table {
    sentence: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    text: String,
    #[serde(default)]
    figure: Vec<Expected>,
}

#[derive(Deserialize)]
struct Expected {
    text: String,
    kind: FigureKind,
    value: f64,
    unit: String,
    year: Option<i32>,
    part: Option<String>,
    subject: Option<String>,
    #[serde(default)]
    change: bool,
}

fn same(expected: &Expected, got: &Figure) -> bool {
    let close = (expected.value - got.value).abs() <= 1e-6 * expected.value.abs().max(1.0);
    let overlap = got.text.contains(&expected.text) || expected.text.contains(&got.text);
    expected.kind == got.kind && close && expected.unit == got.unit && overlap
}

#[test]
fn chinese_figures_are_found_with_recall_and_precision_of_at_least_0_9() {
    let table: Table = toml::from_str(include_str!("zh_figures.toml")).expect("table parses");
    assert!(table.sentence.len() >= 40, "{} sentences", table.sentence.len());
    let (mut expected_total, mut found, mut extracted_total, mut correct) = (0usize, 0usize, 0usize, 0usize);
    let (mut period_right, mut subject_right, mut change_right) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for row in &table.sentence {
        let got = figures(&row.text);
        extracted_total += got.len();
        correct += got.iter().filter(|g| row.figure.iter().any(|e| same(e, g))).count();
        for e in &row.figure {
            expected_total += 1;
            match got.iter().find(|g| same(e, g)) {
                Some(g) => {
                    found += 1;
                    period_right += usize::from(g.year == e.year && g.part.map(|p| p.to_string()) == e.part);
                    subject_right += usize::from(g.subject == e.subject);
                    change_right += usize::from(g.change == e.change);
                }
                None => misses.push(format!("{} in {}", e.text, row.text)),
            }
        }
        for g in got.iter().filter(|g| !row.figure.iter().any(|e| same(e, g))) {
            misses.push(format!("extra {} ({:?} {} {}) in {}", g.text, g.kind, g.value, g.unit, row.text));
        }
    }
    let recall = found as f64 / expected_total as f64;
    let precision = correct as f64 / extracted_total.max(1) as f64;
    println!(
        "Chinese figures: recall {recall:.3} ({found}/{expected_total}), precision {precision:.3} ({correct}/{extracted_total}); \
         of those found: period {period_right}, subject {subject_right}, change {change_right}"
    );
    for miss in &misses {
        println!("  {miss}");
    }
    assert!(recall >= 0.9 && precision >= 0.9, "recall {recall:.3}, precision {precision:.3}");
}
