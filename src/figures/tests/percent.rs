//! Percentages: plain, spelled out, ranges, growth and changes.

use super::*;
use FigureKind::Percent;

#[test]
fn plain_percent() {
    let f = only(
        "Huawei holds 50% of China's AI accelerator market.",
        Percent,
    );
    assert_value(&f, 50.0, "%", "50%");
    assert_eq!((f.low, f.high), (None, None));
}

#[test]
fn spelled_out_percent() {
    assert_value(
        &only("a 50 percent share", Percent),
        50.0,
        "%",
        "50 percent",
    );
    assert_value(
        &only("a 12.5 per cent share", Percent),
        12.5,
        "%",
        "12.5 per cent",
    );
}

#[test]
fn hyphen_range() {
    let f = only("SMIC's 7nm yields are 45-50%.", Percent);
    assert_value(&f, 45.0, "%", "45-50%");
    assert_eq!((f.low, f.high), (Some(45.0), Some(50.0)));
}

#[test]
fn en_dash_range() {
    let f = only("yields of 45–50%", Percent);
    assert_eq!((f.value, f.text.as_str()), (45.0, "45–50%"));
}

#[test]
fn worded_ranges() {
    let f = only("a share of 45% to 50%", Percent);
    assert_eq!(
        (f.text.as_str(), f.low, f.high),
        ("45% to 50%", Some(45.0), Some(50.0))
    );
    let f = only("between 30 and 40 percent of output", Percent);
    assert_eq!(
        (f.text.as_str(), f.low, f.high),
        ("30 and 40 percent", Some(30.0), Some(40.0))
    );
}

#[test]
fn change_from_to_is_two_figures() {
    let found: Vec<String> = figures("Its share rose from 45% to 50%.")
        .into_iter()
        .map(|f| f.text)
        .collect();
    assert_eq!(found, vec!["45%", "50%"]);
}

#[test]
fn growth_is_still_percent() {
    let f = only("Data-centre revenue was up 94% year on year.", Percent);
    assert_value(&f, 94.0, "%", "94%");
}

#[test]
fn negative_and_points() {
    assert_value(
        &only("margins moved -5% this quarter", Percent),
        -5.0,
        "%",
        "-5%",
    );
    assert_value(
        &only("share fell 3 percentage points", Percent),
        3.0,
        "pp",
        "3 percentage points",
    );
}
