//! Changes, baselines and what a figure is "of".

use super::*;
use FigureKind::{Money, Multiple, Percent};

/// (text, change, baseline) of every non-year figure.
fn flags(text: &str) -> Vec<(String, bool, bool)> {
    figures(text).into_iter().filter(|f| f.kind != FigureKind::Year).map(|f| (f.text, f.change, f.baseline)).collect()
}

fn find<'a>(found: &'a [Figure], text: &str) -> &'a Figure {
    found.iter().find(|f| f.text == text).unwrap_or_else(|| panic!("no {text} in {found:#?}"))
}

#[test]
fn changes_versus_levels() {
    for (text, change) in [
        ("Revenue was up 73%.", true),
        ("HBM revenue grew 66.9% in 2025.", true),
        ("It posted a 27% increase.", true),
        ("Margins were 16% higher.", true),
        ("Profit fell 45.4% to US$492.7 million.", true),
        ("Gartner expected the HBM market to grow by 66.9%.", true),
        ("Prices were raised by 5–10%.", true),
        ("It was an increase of 112% year on year.", true),
        ("Annual growth in HBM demand would approach 200%.", true),
        ("Revenue would grow at a compound annual rate of more than 40%.", true),
        ("It was 78% from a year earlier.", true),
        ("Sales gained 17% quarter on quarter.", true),
        ("The shares rose +94% after hours.", true),
        ("NVIDIA's share fell to about 55% in 2025.", false),
        ("HBM's share rose to 30%.", false),
        ("HBM made up only about 1.2% of DRAM shipments.", false),
        ("Huawei held 50% of the market.", false),
        ("Yields were only 40–60%.", false),
        ("The growth market is worth US$5 billion.", false),
        ("A consortium led by 3 firms won.", false),
    ] {
        // The first figure of each sentence.
        let found = flags(text);
        assert_eq!(found.first().map(|f| f.1), Some(change), "{text}: {found:?}");
    }
}

#[test]
fn the_idc_share_that_fell_to_55_percent_is_a_level() {
    let found = figures("NVIDIA remained the largest single supplier, but its share fell to about 55% in 2025, compared with roughly 95% in earlier years.");
    let level = find(&found, "55%");
    assert!(!level.change && !level.baseline, "{level:#?}");
    assert_eq!(level.year, Some(2025));
    let earlier = find(&found, "95%");
    assert!(earlier.baseline && !earlier.change, "{earlier:#?}");
    assert_eq!(earlier.year, None, "an unspecified earlier period is no year");
}

#[test]
fn baselines_a_year_earlier_take_the_year_before() {
    // The NVIDIA Q4 FY2026 results sentence.
    let found = figures("NVIDIA's revenue was US$68.1 billion in the fourth quarter of fiscal 2026, the quarter ended 25 January 2026, up 73% from US$39.3 billion a year earlier and up 20% from US$57.0 billion in the third quarter.");
    let main = find(&found, "US$68.1 billion");
    assert_eq!((main.year, main.change, main.baseline), (Some(2026), false, false));
    let up = find(&found, "73%");
    assert_eq!((up.year, up.change, up.baseline), (Some(2026), true, false));
    let year_ago = find(&found, "US$39.3 billion");
    assert_eq!((year_ago.year, year_ago.change, year_ago.baseline, year_ago.forecast), (Some(2025), false, true, false));
    let quarter_ago = find(&found, "US$57.0 billion");
    assert_eq!((quarter_ago.year, quarter_ago.baseline), (Some(2026), true));
    assert!(find(&found, "20%").change);
}

#[test]
fn baselines_in_lists_and_comparisons() {
    let found = figures("SMIC's gross margin improved to 22.6% in the fourth quarter of 2024, compared with 20.5% in the previous quarter and 16.4% a year earlier.");
    assert_eq!(
        flags("SMIC's gross margin improved to 22.6% in the fourth quarter of 2024, compared with 20.5% in the previous quarter and 16.4% a year earlier."),
        vec![("22.6%".into(), false, false), ("20.5%".into(), false, true), ("16.4%".into(), false, true)]
    );
    let years: Vec<Option<i32>> = found.iter().filter(|f| f.kind == Percent).map(|f| f.year).collect();
    assert_eq!(years, vec![Some(2024), Some(2024), Some(2023)]);
    let found = figures("SMIC's revenue reached US$2,207.3 million in the fourth quarter of 2024, up from US$2,171.2 million in the third quarter and US$1,678.3 million in the fourth quarter of 2023.");
    let money: Vec<(bool, Option<i32>)> = found.iter().filter(|f| f.kind == Money).map(|f| (f.baseline, f.year)).collect();
    assert_eq!(money, vec![(false, Some(2024)), (true, Some(2024)), (true, Some(2023))]);
    // A comparison with another company's figure is no baseline.
    let found = figures("AMD's market capitalisation was around US$245 billion, compared with about US$2.9 trillion for NVIDIA.");
    assert!(found.iter().all(|f| !f.baseline), "{found:#?}");
}

#[test]
fn from_and_to_make_a_baseline_and_a_level() {
    let found = figures("HBM's share of total DRAM output would rise from 2% in 2023 to 5% in 2024 and pass 10% in 2025.");
    let got: Vec<(&str, bool, bool, Option<i32>)> =
        found.iter().filter(|f| f.kind == Percent).map(|f| (f.text.as_str(), f.baseline, f.forecast, f.year)).collect();
    assert_eq!(got, vec![("2%", true, false, Some(2023)), ("5%", false, true, Some(2024)), ("10%", false, true, Some(2025))]);
    let found = figures("Net income rose 94% to US$42.96 billion from US$22.09 billion.");
    assert_eq!(
        found.iter().map(|f| (f.change, f.baseline)).collect::<Vec<_>>(),
        vec![(true, false), (false, false), (false, true)]
    );
    // A process node moved from is no baseline amount.
    assert!(figures("GPUs will move from 4nm processes to N2.").iter().all(|f| !f.baseline));
    // "from" without a change is no baseline; a price range is no baseline.
    assert!(figures("Orders came from 30 customers.").iter().all(|f| !f.baseline));
    assert!(figures("Prices range from $5 to $10.").iter().all(|f| !f.baseline));
}

#[test]
fn changes_take_their_own_period_not_the_comparison_year() {
    let f = only("For the full year 2024, AMD's data center segment revenue reached a record US$12.6 billion, an increase of 94% over 2023.", Percent);
    assert_eq!((f.year, f.change), (Some(2024), true));
    let found = figures("For the full fiscal year 2026, NVIDIA's revenue was US$215.9 billion, up 65% from US$130.4 billion in fiscal 2025, with a GAAP gross margin of 71.1% for the year.");
    assert_eq!(find(&found, "65%").year, Some(2026));
    assert_eq!(find(&found, "71.1%").year, Some(2026));
    let base = find(&found, "US$130.4 billion");
    assert_eq!((base.year, base.baseline), (Some(2025), true));
    let found = figures("For the full year, SMIC's unaudited revenue was US$8,029.9 million in 2024, up 27% from US$6,321.6 million in 2023, and its gross margin for 2024 was 18%.");
    assert_eq!(find(&found, "27%").year, Some(2024));
    assert_eq!(find(&found, "US$6,321.6 million").year, Some(2023));
}

#[test]
fn baselines_without_a_period_have_none() {
    let found = figures("Revenue in 2025 rose to US$10 billion, up from US$8 billion.");
    let base = find(&found, "US$8 billion");
    assert_eq!((base.baseline, base.year), (true, None));
    assert_eq!(find(&found, "US$10 billion").year, Some(2025));
}

#[test]
fn multiples_that_change() {
    assert!(only("NVIDIA's revenue more than doubled to US$130.5 billion.", Multiple).change);
    assert!(only("Output rose fivefold.", Multiple).change);
    assert!(only("It saw a tenfold increase.", Multiple).change);
    assert!(!only("It draws nearly four times the power.", Multiple).change);
    assert!(!only("It is about 2.3 times less power-efficient.", Multiple).change);
}

#[test]
fn what_a_share_is_of() {
    for (text, kind, of) in [
        ("SK hynix held 50% of the HBM market in 2022.", Percent, Some("HBM market")),
        ("HBM's share of DRAM bit output will reach 10% in 2025.", Percent, Some("DRAM bit output")),
        ("Huawei will hold about 50% of China's AI chip market in 2026.", Percent, Some("China's AI chip market")),
        ("They gave domestic vendors a 41% share of the market.", Percent, Some("market")),
        ("SK hynix was forecast to reach a 53% HBM market share in 2023.", Percent, Some("HBM market")),
        ("Micron expects its HBM market share to reach about 20% to 25% by 2025.", Percent, Some("HBM market")),
        ("Huawei shipped close to half of all locally made cards.", Multiple, Some("locally made cards")),
        ("Roughly 80% of them went to cloud providers.", Percent, None),
        ("Its gross margin was 18%.", Percent, None),
        ("The 15% payment applies to China sales.", Percent, None),
    ] {
        assert_eq!(only(text, kind).of.as_deref(), of, "{text}");
    }
}

#[test]
fn what_a_change_is_of() {
    for (text, kind, of) in [
        ("HBM revenue will grow 66.9% in 2025.", Percent, Some("HBM revenue")),
        ("Gartner expected the HBM market to grow by 66.9% in 2025.", Percent, Some("HBM market")),
        ("It reported a 27% increase in revenue.", Percent, Some("revenue")),
        ("Annual growth in HBM demand would approach 200% in 2024.", Percent, Some("HBM demand")),
        ("Suppliers had raised prices by 5–10% for 2025.", Percent, Some("prices")),
        ("Research and development spending rose 2.01% from a year earlier.", Percent, Some("Research and development spending")),
        ("Demand would double again in 2025.", Multiple, Some("Demand")),
    ] {
        assert_eq!(only(text, kind).of.as_deref(), of, "{text}");
    }
    let found = figures("NVIDIA's data center revenue was a record US$18.4 billion in the fourth quarter of fiscal 2024, up 27% from the third quarter and up 409% from the same quarter a year before.");
    assert_eq!(find(&found, "27%").of.as_deref(), Some("NVIDIA's data center revenue"));
    assert_eq!(find(&found, "409%").of.as_deref(), Some("NVIDIA's data center revenue"));
    assert_eq!(find(&found, "US$18.4 billion").of, None, "a level is no share or change");
}

#[test]
fn old_json_without_the_new_fields_still_reads() {
    let json = r#"{"value":50.0,"unit":"%","year":2023,"forecast":false,"kind":"percent","text":"50%","sentence":"50%"}"#;
    let f: Figure = serde_json::from_str(json).expect("old figure JSON");
    assert_eq!((f.of, f.change, f.baseline), (None, false, false));
    let f = only("Revenue rose 27%.", Percent);
    let json = serde_json::to_value(&f).expect("serialise");
    assert_eq!(json["change"], true);
    assert!(json.get("baseline").is_none() && json.get("of").is_some());
    let kinds: Vec<FigureKind> = serde_json::from_str(r#"["power","multiple"]"#).expect("kinds");
    assert_eq!(kinds, vec![FigureKind::Power, FigureKind::Multiple]);
}

#[test]
fn probes_in_the_style_of_analyst_notes() {
    // A comparison year after "than in" is no period of the comparison.
    let f = only("It shipped 3 times more chips than in 2023.", Multiple);
    assert_eq!(f.year, None);
    // A past change verb keeps a clause actual though a later clause speaks of guidance.
    let f = only("Intel cut its workforce by 15% and lowered capex guidance to US$20 billion.", Percent);
    assert!(!f.forecast && f.change, "{f:#?}");
    assert_eq!(f.of.as_deref(), Some("workforce"));
    // A share "of" stops at the verb.
    let found = figures("China's share of ASML sales fell to 27% in the fourth quarter from 47% in the third quarter.");
    assert_eq!(find(&found, "27%").of.as_deref(), Some("ASML sales"));
    assert!(find(&found, "47%").baseline && !find(&found, "27%").change);
    // "since 2022" starts a span; it is not the period of the level reached.
    let f = only("Its market share has doubled since 2022 to 20%.", Percent);
    assert_eq!(f.year, None);
    // "The project" is no projection.
    assert!(!only("The project costs US$20 billion.", Money).forecast);
    // A name inside the group's own words qualifies it.
    let f = only("Chinese vendors, led by Huawei and Cambricon, supplied 1.2 million accelerators.", FigureKind::Count);
    assert_eq!(f.subject.as_deref(), Some("China"));
}

#[test]
fn a_range_raised_to_a_new_level_is_the_baseline() {
    let found = figures("Micron raised its fiscal 2024 capital expenditure from a range of US$7.5-8 billion to US$8 billion.");
    assert!(find(&found, "US$7.5-8 billion").baseline);
    assert!(!find(&found, "US$8 billion").baseline);
}
