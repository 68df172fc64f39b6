//! Years, periods, forecasts and subjects.

use super::*;
use FigureKind::{Count, Money, Percent, Year};

#[test]
fn standalone_year_is_a_year_figure() {
    let f = only("Huawei aims to double output in 2026.", Year);
    assert_value(&f, 2026.0, "year", "2026");
    assert_eq!(f.year, Some(2026));
}

#[test]
fn a_date_is_a_year_figure_that_keeps_its_day_and_month() {
    let f = only("The US government told NVIDIA on 9 April 2025 that the H20 needs a licence.", Year);
    assert_value(&f, 2025.0, "year", "9 April 2025");
    assert_value(&only("The rules took effect in October 2023.", Year), 2023.0, "year", "October 2023");
    assert_value(&only("It was filed on April 9, 2025.", Year), 2025.0, "year", "April 9, 2025");
    // A month name that is a word ("may") is no date.
    let found = spans("Prices may 2026 rise.");
    assert_eq!(found, vec![(Year, "2026".to_string())]);
}

#[test]
fn a_date_dates_the_figures_of_its_sentence() {
    let found = figures("On 17 October 2023, BIS added 13 entities, up from 7 in 2022.");
    let entities = found.iter().find(|f| f.text.starts_with("13")).expect("13 entities");
    assert_eq!(entities.year, Some(2023));
}

#[test]
fn year_versus_count() {
    let found = figures("In 2024 it shipped 2,024 units.");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_value(&found[0], 2024.0, "year", "2024");
    assert_value(&found[1], 2024.0, "units", "2,024 units");
    assert_eq!((found[1].kind, found[1].year), (Count, Some(2024)));
}

#[test]
fn thousands_are_not_years() {
    let found = spans("The line adds 2,000 wafers.");
    assert_eq!(found, vec![(Count, "2,000 wafers".to_string())]);
}

#[test]
fn years_inside_figures_are_not_years() {
    let found = spans("They shipped 2030 units.");
    assert_eq!(found, vec![(Count, "2030 units".to_string())]);
}

#[test]
fn period_from_nearby_year() {
    assert_eq!(only("Revenue rose 27% in 2024.", Percent).year, Some(2024));
    assert_eq!(
        only("By 2028, capacity will reach 100,000 wpm.", Count).year,
        Some(2028)
    );
    assert_eq!(only("Revenue rose 27%.", Percent).year, None);
}

#[test]
fn fiscal_years() {
    let f = only(
        "Nvidia's revenue for fiscal 2025 was $130.5 billion.",
        Money,
    );
    assert_eq!(f.year, Some(2025));
    assert_eq!(only("FY2025 sales hit $10bn", Money).year, Some(2025));
    assert_eq!(only("FY25 sales hit $10bn", Money).year, Some(2025));
    assert_eq!(
        only("in the 2024 fiscal year it earned $3bn", Money).year,
        Some(2024)
    );
    let y = only("guidance for FY25", Year);
    assert_eq!((y.text.as_str(), y.year), ("FY25", Some(2025)));
}

#[test]
fn quarters() {
    let f = only("Q3 2024 revenue was $35.1 billion.", Money);
    assert_eq!(f.year, Some(2024));
    assert_eq!(
        only("Q3 2024 revenue was $35.1 billion.", Year).text,
        "Q3 2024"
    );
}

#[test]
fn each_figure_takes_its_own_year() {
    let found = figures("Revenue was $10bn in 2023, and is expected to reach $20bn by 2026.");
    let money: Vec<&Figure> = found.iter().filter(|f| f.kind == Money).collect();
    assert_eq!((money[0].year, money[0].forecast), (Some(2023), false));
    assert_eq!((money[1].year, money[1].forecast), (Some(2026), true));
    let found = figures("SMIC earned $8bn in 2024, up from $6.3bn in 2023.");
    let years: Vec<Option<i32>> = found
        .iter()
        .filter(|f| f.kind == Money)
        .map(|f| f.year)
        .collect();
    assert_eq!(years, vec![Some(2024), Some(2023)]);
}

#[test]
fn forecast_cues() {
    for text in [
        "The market is projected to reach $400 billion.",
        "Analysts expect 40% growth.",
        "TrendForce forecasts 30% growth.",
        "HBM sales are estimated to hit $30bn.",
        "Huawei will ship 1 million units.",
        "Revenue could reach $50bn.",
        "Output is set to rise 20%.",
        "SMIC plans to add 30,000 wpm.",
        "The company targets a 60% share.",
        "Its outlook calls for 15% growth.",
        "Q4 guidance is $37.5 billion.",
        "Capacity of 100,000 wpm by 2028.",
    ] {
        let found = figures(text);
        assert!(
            !found.is_empty() && found.iter().all(|f| f.forecast),
            "{text}: {found:#?}"
        );
    }
}

#[test]
fn actual_cues() {
    for text in [
        "Nvidia reported revenue of $35.1 billion.",
        "Its share was 50%.",
        "Output reached 45,000 wpm in 2024.",
        "Huawei held 23% of the market.",
        "Revenue rose 27%.",
        "Yields of 45-50% are typical.",
    ] {
        let found = figures(text);
        assert!(
            !found.is_empty() && found.iter().all(|f| !f.forecast),
            "{text}: {found:#?}"
        );
    }
}

#[test]
fn clause_without_cue_inherits_earlier_clause() {
    let found = figures("Huawei is expected to ship 200,000 chips and 1 million units.");
    assert!(found.iter().all(|f| f.forecast), "{found:#?}");
    let found = figures("Sales rose 20% and margins hit 40%, while analysts expect 30% next year.");
    let flags: Vec<bool> = found.iter().map(|f| f.forecast).collect();
    assert_eq!(flags, vec![false, false, true]);
}

#[test]
fn subject_via_alias() {
    let f = only("The Ascend 910C achieves 60% of H100 performance.", Percent);
    assert_eq!(f.subject.as_deref(), Some("Huawei"));
}

#[test]
fn subject_prefers_company_over_technology_and_region() {
    let f = only("SK hynix's HBM share reached 50%.", Percent);
    assert_eq!(f.subject.as_deref(), Some("SK hynix"));
    let f = only("Huawei's share of China's AI chip market was 23%.", Percent);
    assert_eq!(f.subject.as_deref(), Some("Huawei"));
    let f = only(
        "Chinese demand for high-bandwidth memory rose 40%.",
        Percent,
    );
    assert_eq!(f.subject.as_deref(), Some("HBM"));
}

#[test]
fn subject_prefers_nearest_before_the_figure() {
    let f = only("Nvidia's H20 faces Huawei, whose share is 30%.", Percent);
    assert_eq!(f.subject.as_deref(), Some("Huawei"));
    let f = only("Samsung lags, while SK hynix holds 50%.", Percent);
    assert_eq!(f.subject.as_deref(), Some("SK hynix"));
}

#[test]
fn subject_after_figure_when_none_before() {
    let f = only("About 30% of output goes to Cambricon.", Percent);
    assert_eq!(f.subject.as_deref(), Some("Cambricon"));
}

#[test]
fn subjects_per_clause() {
    let found = figures("Samsung holds 40%, while SK hynix has 50% of HBM.");
    let subjects: Vec<Option<&str>> = found.iter().map(|f| f.subject.as_deref()).collect();
    assert_eq!(subjects, vec![Some("Samsung"), Some("SK hynix")]);
}

#[test]
fn us_dollar_prefix_is_not_a_subject() {
    assert_eq!(only("The deal is worth US$10.4bn.", Money).subject, None);
}

#[test]
fn period_prefers_the_year_after_on_ties() {
    let found = figures("HBM's share would rise from 2% in 2023 to 5% in 2024.");
    let years: Vec<Option<i32>> = found
        .iter()
        .filter(|f| f.kind == Percent)
        .map(|f| f.year)
        .collect();
    assert_eq!(years, vec![Some(2023), Some(2024)]);
}

#[test]
fn baseline_years_are_not_periods() {
    let found = figures("SMIC reported revenue of US$8.03 billion for 2024, up 27% from 2023.");
    assert_eq!(
        found
            .iter()
            .find(|f| f.kind == Percent)
            .and_then(|f| f.year),
        Some(2024)
    );
}

#[test]
fn month_abbreviations_introduce_years() {
    let f = only(
        "The firm, founded in 1999, had 12,000 employees in Dec. 2024.",
        Count,
    );
    assert_eq!(f.year, Some(2024));
}

#[test]
fn forecast_cue_before_the_figure_wins() {
    let f = only(
        "He predicted that most HBM produced in the second half would be 12-Hi.",
        Count,
    );
    assert!(f.forecast);
    let f = only(
        "Shares had risen about 20% on expectations that memory would face shortages.",
        Percent,
    );
    assert!(!f.forecast);
    let f = only("Intel's revenue was better than expected at $13bn.", Money);
    assert!(!f.forecast);
}

#[test]
fn estimated_yields_to_a_deadline() {
    assert!(only("The market is estimated at US$500bn by 2028.", Money).forecast);
    assert!(
        !only(
            "TrendForce estimated DRAM sales at US$80 billion in 2022.",
            Money
        )
        .forecast
    );
}

#[test]
fn comparison_clauses_are_actual() {
    let found = figures("The rate could reach 30% by 2027, up from around 20% in 2024.");
    let flags: Vec<bool> = found
        .iter()
        .filter(|f| f.kind == Percent)
        .map(|f| f.forecast)
        .collect();
    assert_eq!(flags, vec![true, false]);
}

#[test]
fn subject_falls_back_to_the_sentence_subject() {
    let text = "CloudMatrix 384 has 49.2 TB of HBM versus 13.8 TB in the NVIDIA rack, and an aggregate HBM bandwidth of 1,229 TB/s.";
    let f = only(text, FigureKind::Bandwidth);
    assert_eq!(f.subject.as_deref(), Some("Huawei"));
}

#[test]
fn on_course_is_a_forecast() {
    assert!(
        only(
            "Huawei is on course to control about 50% of the market.",
            Percent
        )
        .forecast
    );
}

#[test]
fn examples_and_comparisons_are_not_subjects() {
    let f = only("Domestic Chinese suppliers such as Huawei are projected to lift their share to about 40% in 2025.", Percent);
    assert_eq!(f.subject.as_deref(), Some("China"));
    // A group with no name to qualify it is the group as the sentence words it.
    let f = only("Vendors such as Huawei, Cambricon and Biren took 30% of shipments.", Percent);
    assert_eq!(f.subject.as_deref(), Some("Vendors"));
    let f = only("Such as Huawei, they took 30%.", Percent);
    assert_eq!(f.subject, None);
    let f = only("Google's TPUs, such as Ironwood, reach 4,614 TFLOPS.", FigureKind::Compute);
    assert_eq!(f.subject.as_deref(), Some("Google"));
    let f = only("Unlike NVIDIA, AMD grew its data center revenue 69%.", Percent);
    assert_eq!(f.subject.as_deref(), Some("AMD"));
    // A group's figure does not fall back on a name in another clause.
    let found = figures("NVIDIA's B30 adds about US$2.8 billion, and domestic vendors such as Huawei, Cambricon and Hygon, which keep about US$1.5 billion won during the H20 ban.");
    let subjects: Vec<Option<&str>> = found.iter().filter(|f| f.kind == Money).map(|f| f.subject.as_deref()).collect();
    assert_eq!(subjects, vec![Some("NVIDIA"), Some("domestic vendors")]);
    // A name that only looks like a cue's tail is still a subject.
    let f = only("Huawei shipped 800,000 Ascend chips, and Cambricon held 20% of the market.", Percent);
    assert_eq!(f.subject.as_deref(), Some("Cambricon"));
}
