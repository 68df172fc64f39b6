//! Multiples and fractions: "five times", "4.7x", "fivefold", "doubled",
//! "half of", "two-thirds", and the periods and frequencies that are not.

use super::*;
use FigureKind::Multiple;

/// (text, value) of every multiple in `text`.
fn multiples(text: &str) -> Vec<(String, f64)> {
    figures(text).into_iter().filter(|f| f.kind == Multiple).map(|f| (f.text, f.value)).collect()
}

fn one(text: &str) -> (String, f64) {
    let found = multiples(text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found.into_iter().next().expect("checked length")
}

#[test]
fn times_in_words_and_digits() {
    assert_eq!(one("Huawei uses more than five times as many accelerators."), ("five times".into(), 5.0));
    assert_eq!(one("It draws close to four times the 145 kW of a GB200 NVL72."), ("four times".into(), 4.0));
    assert_eq!(one("It delivers 2.87 times the inference performance of the H20."), ("2.87 times".into(), 2.87));
    assert_eq!(one("It is about 2.3 times less power-efficient."), ("2.3 times".into(), 2.3));
    assert_eq!(one("An Ironwood pod is 24 times faster than El Capitan."), ("24 times".into(), 24.0));
    assert_eq!(one("The retail tranche was oversubscribed about 2,750 times."), ("2,750 times".into(), 2750.0));
    assert_eq!(one("The placing was covered 25.95 times."), ("25.95 times".into(), 25.95));
    assert_eq!(one("It is one and a half times the size."), ("one and a half times".into(), 1.5));
    let f = only("Supply will be five to ten times larger in 2028.", Multiple);
    assert_value(&f, 5.0, "x", "five to ten times");
    assert_eq!((f.low, f.high), (Some(5.0), Some(10.0)));
}

#[test]
fn symbols_and_folds() {
    assert_eq!(one("Trillium has 4.7x the peak compute of TPU v5e."), ("4.7x".into(), 4.7));
    assert_eq!(one("Trillium has 4.7× the peak compute."), ("4.7×".into(), 4.7));
    assert_eq!(one("AMD claims up to a 16x lead."), ("16x".into(), 16.0));
    assert_eq!(one("Output rose fivefold."), ("fivefold".into(), 5.0));
    assert_eq!(one("Output rose five-fold."), ("five-fold".into(), 5.0));
    assert_eq!(one("a 10-fold increase"), ("10-fold".into(), 10.0));
    let f = only("Capacity could grow 3-5x by 2030.", Multiple);
    assert_eq!((f.low, f.high, f.text.as_str()), (Some(3.0), Some(5.0), "3-5x"));
}

#[test]
fn doubling_verbs_are_changes() {
    for (text, span, value) in [
        ("NVIDIA's revenue more than doubled to US$130.5 billion.", "doubled", 2.0),
        ("Demand would double again in 2025.", "double", 2.0),
        ("SMIC plans to double its 7nm capacity.", "double", 2.0),
        ("AI accelerator revenue tripled in 2024.", "tripled", 3.0),
        ("Shipments quadrupled.", "quadrupled", 4.0),
        ("HBM4 doubles bandwidth.", "doubles", 2.0),
        ("It is roughly doubling dense AI throughput.", "doubling", 2.0),
        ("The subsidy was halved.", "halved", 0.5),
    ] {
        let f = only(text, Multiple);
        assert_value(&f, value, "x", span);
        assert!(f.change, "{text}: {f:#?}");
    }
    let f = only("It was roughly double the 202% first-day rise.", Multiple);
    assert!(!f.change, "a comparison is no change: {f:#?}");
}

#[test]
fn twice() {
    assert_eq!(one("It has twice the HBM capacity."), ("twice".into(), 2.0));
    assert_eq!(one("It is around twice as fast."), ("twice".into(), 2.0));
    assert!(multiples("The board meets twice a year.").is_empty());
    assert!(multiples("The launch was delayed twice.").is_empty());
}

#[test]
fn halves_and_fractions() {
    assert_eq!(one("Huawei shipped close to half of all locally made cards."), ("half".into(), 0.5));
    assert_eq!(one("Moore Threads is worth about half of Cambricon."), ("half".into(), 0.5));
    assert_eq!(one("Bernstein expects Huawei to hold half of China's market."), ("half".into(), 0.5));
    assert_eq!(one("It holds more than half the market."), ("half".into(), 0.5));
    assert_eq!(one("China was as much as a quarter of its revenue."), ("a quarter".into(), 0.25));
    assert_eq!(one("One quarter of output goes to Huawei."), ("One quarter".into(), 0.25));
    assert_eq!(one("It sells a third of its wafers."), ("a third".into(), 1.0 / 3.0));
    assert_eq!(one("It sells one-third of its wafers."), ("one-third".into(), 1.0 / 3.0));
    assert_eq!(one("Leading nodes made nearly three-quarters of sales."), ("three-quarters".into(), 0.75));
    assert_eq!(one("It keeps two-thirds of the market."), ("two-thirds".into(), 2.0 / 3.0));
}

#[test]
fn periods_and_frequencies_are_not_multiples() {
    for text in [
        "Rubin is due in the second half of 2026.",
        "Most HBM made in the first half of 2025 was 8-high.",
        "Cambricon's half-year report came out in August.",
        "Revenue for the half year rose.",
        "H1 2025 revenue was strong.",
        "Revenue in the third quarter rose.",
        "Fourth-quarter revenue was a record.",
        "It posted a quarter-on-quarter rise.",
        "One quarter of 2025 was weak.",
        "It adds a third-generation SparseCore.",
        "A third form factor is a PCIe card.",
        "The board meets three times a year.",
        "It can read the model 35 times per second.",
        "The plan was revised several times.",
        "The company tried two times before it passed.",
        "At the same time, prices rose.",
        "It grew at double-digit rates.",
        "The node needs double patterning.",
        "It targets half a million wafers.",
        "It rose one and a half percent.",
        "The stock fell 3% at times.",
        "Output of 5 x 5 mm dies rose.",
    ] {
        assert!(multiples(text).is_empty(), "{text}: {:?}", multiples(text));
    }
}

#[test]
fn sentences_without_digits_still_give_multiples() {
    let found = figures("Huawei shipped about half of all locally made cards.");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(figures("The company will expand capacity.").is_empty());
}
