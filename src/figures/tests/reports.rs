//! Misreads found by running `chipbot extract` over the bundled reports, each
//! kept as a regression test in general terms (sentences paraphrased).

use super::*;
use FigureKind::{Money, Percent, Power};

fn find<'a>(found: &'a [Figure], text: &str) -> &'a Figure {
    found.iter().find(|f| f.text == text).unwrap_or_else(|| panic!("no {text} in {found:#?}"))
}

#[test]
fn names_in_an_aside_are_examples_not_subjects() {
    // The TrendForce report: the share is of imported chips as a group, not AMD's.
    let found = figures("It forecasts that the share of imported AI chips, mainly from NVIDIA and AMD, will fall from 63% in 2024 to around 42% in 2025.");
    for text in ["63%", "42%"] {
        let f = find(&found, text);
        assert_eq!((f.subject.as_deref(), f.of.as_deref()), (Some("imported AI chips"), Some("imported AI chips")), "{f:#?}");
    }
    assert!(find(&found, "63%").baseline);
    let f = only("The domestic group, led by Huawei, shipped 1.65 million cards.", FigureKind::Count);
    assert_eq!(f.subject.as_deref(), Some("domestic group"));
    // Without the aside, "led by" names a subject as before.
    let f = only("Huawei led the domestic group with about 812,000 units shipped in 2025.", FigureKind::Count);
    assert_eq!(f.subject.as_deref(), Some("Huawei"));
}

#[test]
fn cloudmatrix_power_draw_is_power() {
    let found = figures("The CloudMatrix 384 is estimated to need about 559 kW of power, close to four times the 145 kW drawn by a GB200 NVL72.");
    let power: Vec<(f64, &str)> = found.iter().filter(|f| f.kind == Power).map(|f| (f.value, f.text.as_str())).collect();
    assert_eq!(power, vec![(559_000.0, "559 kW"), (145_000.0, "145 kW")]);
    assert_eq!(find(&found, "four times").value, 4.0);
}

#[test]
fn exceeded_is_a_past_cue() {
    let f = only("Micron said its HBM3E revenue exceeded US$100 million in its fiscal third quarter of 2024 and that annual HBM revenue could reach several billion dollars.", Money);
    assert!(!f.forecast, "{f:#?}");
}

#[test]
fn on_track_for_is_a_forecast() {
    assert!(only("Huawei is on track for about 50% of China's AI chip market in 2026.", Percent).forecast);
    assert!(only("HBM is heading for a 30% share.", Percent).forecast);
}

#[test]
fn since_a_full_date_is_a_comparison_year() {
    let f = only("Samsung's stock rose 4.47% on 22 September 2025 and closed at 83,500 won in Seoul, its highest level since 31 July 2024.", Money);
    assert_eq!(f.year, Some(2025));
}

#[test]
fn money_raised_is_an_amount_not_a_change() {
    assert!(!only("Moore Threads raised 8 billion yuan in its initial public offering.", Money).change);
    assert!(!only("The company raised about HK$5.583 billion.", Money).change);
    // A percentage raised is a change; so is an amount raised "by".
    assert!(only("The firm cut 10% of its staff.", Percent).change);
    assert!(only("It raised its forecast by US$1 billion.", Money).change);
}

#[test]
fn comparatives_are_changes_of_the_noun_they_qualify() {
    let found = figures("Micron's 12-Hi HBM3E consumes 20% less power and offers 50% more capacity than the 8-Hi HBM3E standard.");
    assert_eq!((find(&found, "20%").change, find(&found, "20%").of.as_deref()), (true, Some("power")));
    assert_eq!(find(&found, "50%").of.as_deref(), Some("capacity"));
    // Above a price, a change says nothing of what moved unless a copula says it.
    let f = only("Its shares closed the first day 425% above the offer price.", Percent);
    assert_eq!((f.change, f.of), (true, None));
}

#[test]
fn changes_after_a_level_share_its_subject() {
    let found = figures("NVIDIA's revenue was US$22.1 billion in the fourth quarter of fiscal 2024, 22% higher than the previous quarter and 265% higher than a year earlier.");
    for text in ["22%", "265%"] {
        assert_eq!(find(&found, text).of.as_deref(), Some("NVIDIA's revenue"), "{text}");
    }
    let found = figures("GAAP earnings per diluted share were US$0.89 for the quarter, 14% above the prior quarter and 82% above the same quarter a year earlier.");
    assert_eq!(find(&found, "82%").of.as_deref(), Some("GAAP earnings per diluted share"));
    let found = figures("For the full fiscal year 2025, NVIDIA's revenue more than doubled to US$130.5 billion, an increase of 114% over fiscal 2024.");
    assert_eq!(find(&found, "114%").of.as_deref(), Some("NVIDIA's revenue"));
    assert_eq!(find(&found, "114%").year, Some(2025));
    // An amount that is no level of the change's subject lends it nothing.
    let found = figures("AMD guided to revenue of about US$7.1 billion, plus or minus US$300 million, implying roughly 30% growth from a year earlier.");
    assert_eq!(find(&found, "30%").of, None);
}

#[test]
fn a_subject_clause_with_a_participle_gives_no_phrase() {
    let f = only("It estimated that shipments of servers carrying high-end GPGPUs grew about 9% in 2022.", Percent);
    assert_eq!((f.change, f.of), (true, None));
    let f = only("Bernstein expects total capital spending by Chinese cloud providers and telecom operators to grow at a 13% compound annual rate.", Percent);
    assert_eq!((f.change, f.of.as_deref()), (true, Some("capital spending")));
}

#[test]
fn tense_cues_that_are_no_tense() {
    // "lost" as an adjective does not make "could be recovered" actual.
    let f = only("NVIDIA would have only four months to restart production and shipments, the analysts assumed that roughly US$10.5 billion of that lost volume could be recovered within the year.", Money);
    assert!(f.forecast, "{f:#?}");
    // "was expected" is a future, not a past.
    let f = only("An enhanced version, N2P, was expected in the second half of 2026.", FigureKind::Node);
    assert_eq!((f.forecast, f.year), (true, Some(2026)));
    // "tools going to Chinese fabs" is no "going to" future.
    let f = only("BIS required licences for tools going to Chinese fabs producing logic chips at the 16nm node.", FigureKind::Node);
    assert!(!f.forecast, "{f:#?}");
}

#[test]
fn a_multiple_after_a_verb_and_its_object_is_a_change() {
    let f = only("China plans to raise output of leading-edge chips about fivefold within two years.", FigureKind::Multiple);
    assert_eq!((f.change, f.of.as_deref()), (true, Some("output of leading-edge chips")));
    let f = only("Huawei uses more than five times as many accelerators.", FigureKind::Multiple);
    assert!(!f.change);
    let f = only("NVIDIA's revenue from China had fallen to about half of its level before export controls.", FigureKind::Multiple);
    assert!(!f.change, "a level reached: {f:#?}");
}
