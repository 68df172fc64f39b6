//! Answers over the small fixture corpus: citations, figures, disagreement,
//! recency, and a snapshot of the rendered text.

use crate::support;

use chipbot::render::text::{answer_text, figures_text, Highlight};

#[test]
fn answer_cites_the_matching_reports_with_consistent_numbers() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("What share of the HBM market did SK hynix hold?", None).expect("answer");
    assert!(!answer.citations.is_empty());
    let top3: Vec<&str> = answer.citations.iter().take(3).map(|c| c.report.report_id.as_str()).collect();
    assert!(top3.iter().any(|id| id.starts_with("fixture-hbm-supply")), "{top3:?}");
    support::assert_figures_shown(&answer);
}

#[test]
fn disagreeing_sources_are_both_shown() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("SK hynix HBM market share 2023", None).expect("answer");
    support::assert_figures_shown(&answer);
    let texts: Vec<&str> = answer.figures.iter().map(|f| f.figure.text.as_str()).collect();
    assert!(texts.contains(&"50%") && texts.contains(&"55%"), "{texts:?}");
    let d = answer
        .disagreements
        .iter()
        .find(|d| d.subject == "SK hynix")
        .unwrap_or_else(|| panic!("no disagreement in {:?}", answer.disagreements));
    let values: Vec<f64> = d.figures.iter().map(|&i| answer.figures[i].figure.value).collect();
    assert!(values.contains(&50.0) && values.contains(&55.0), "{values:?}");
    let cited: std::collections::HashSet<usize> = d.figures.iter().map(|&i| answer.figures[i].citation).collect();
    assert_eq!(cited.len(), 2, "each value keeps its own citation");
}

#[test]
fn figures_carry_unit_period_and_forecast() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("TSMC CoWoS capacity wafers per month", None).expect("answer");
    support::assert_figures_shown(&answer);
    let target = answer
        .figures
        .iter()
        .find(|f| f.figure.text.contains("75,000"))
        .unwrap_or_else(|| panic!("75,000 missing: {:?}", answer.figures));
    assert_eq!(target.figure.unit, "wafers/month");
    assert_eq!(target.figure.year, Some(2025));
    assert!(target.figure.forecast);
    assert_eq!(answer.citations[target.citation - 1].report.report_id, "fixture-foundry-capacity");
}

#[test]
fn filters_restrict_and_dates_apply() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("HBM publisher:\"sample analytics\"", None).expect("answer");
    assert!(answer.citations.iter().all(|c| c.report.publisher == "Sample Analytics"));
    let answer = engine.ask("HBM before:2024-12-31", None).expect("answer");
    assert!(answer.citations.iter().all(|c| c.report.report_id == "fixture-hbm-supply-2024"), "{:?}", answer.citations);
    let answer = engine.ask("company:huawei", None).expect("answer");
    assert_eq!(answer.citations[0].report.report_id, "export-rules");
}

#[test]
fn latest_prefers_the_newer_report() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("latest HBM market share", None).expect("answer");
    assert_eq!(answer.citations[0].report.report_id, "fixture-hbm-supply-2025");
}

#[test]
fn rendered_answer_snapshot() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let _ = engine.ask("warm up", None);
    let answer = engine.ask("SK hynix HBM market share 2023", Some(3)).expect("answer");
    insta::assert_snapshot!(answer_text(&answer, Highlight::Stars));
}

#[test]
fn json_answer_snapshot() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let _ = engine.ask("warm up", None);
    let answer = engine.ask("TSMC CoWoS capacity", Some(2)).expect("answer");
    let json = chipbot::render::json::answer_json(&answer);
    insta::assert_snapshot!(serde_json::to_string_pretty(&json).expect("json"));
}

#[test]
fn figures_table_snapshot() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let _ = engine.ask("warm up", None);
    let reply = chipbot::render::chart::figures_reply(engine.figures("HBM").expect("reply"), false, None);
    let chipbot::reply::Reply::Figures { answer, chart_png } = reply else { panic!("not a figures reply") };
    assert!(chart_png.is_none());
    support::assert_citations_consistent(&answer);
    insta::assert_snapshot!(figures_text(&answer));
}

#[test]
fn an_answer_led_by_a_source_over_a_year_older_than_the_newest_says_so() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let stale = engine.ask("HBM supply tight", None).expect("answers");
    assert_eq!(stale.citations[0].report.published.map(|d| d.to_string()).as_deref(), Some("2024-03-10"));
    let notice = stale.notices.iter().find(|n| n.starts_with("Source [1] is from 2024-03-10")).expect("a staleness notice");
    assert!(notice.contains("(2025-06-01)"), "{notice}");
    let fresh = engine.ask("HBM market share", None).expect("answers");
    assert!(!fresh.notices.iter().any(|n| n.contains("out of date")), "newest first: {:?}", fresh.notices);
}
