//! `chipbot eval` end to end on a five-document BEIR folder whose scores can
//! be worked out by hand.

use crate::support;

use chipbot::config::Settings;
use chipbot::eval::{evaluate, EvalArgs};

#[test]
fn scores_a_tiny_beir_set_as_computed_by_hand() {
    let args = EvalArgs { beir: support::root().join("tests/fixtures/beir-mini"), split: "test".into(), fail_under: None };
    let scores = evaluate(&args, &Settings::default()).expect("eval runs");
    // q1 finds d1 first and q2 finds d3 and d4 in the first two places (all
    // perfect); q3's judged document d5 never mentions its words (all zero).
    assert_eq!(scores.queries, 3, "the unjudged query is left out");
    assert!((scores.ndcg_at_10 - 2.0 / 3.0).abs() < 1e-9, "{scores:?}");
    assert!((scores.recall_at_100 - 2.0 / 3.0).abs() < 1e-9, "{scores:?}");
    assert!((scores.mrr_at_10 - 2.0 / 3.0).abs() < 1e-9, "{scores:?}");
}

#[test]
fn fail_under_turns_a_low_score_into_an_error() {
    let args = EvalArgs { beir: support::root().join("tests/fixtures/beir-mini"), split: "test".into(), fail_under: Some(0.9) };
    let err = chipbot::eval::run(&args, &Settings::default()).expect_err("below the floor");
    assert!(err.to_string().contains("below the floor of 0.9000"), "{err}");
}

#[test]
fn missing_folder_is_a_clear_error() {
    let args = EvalArgs { beir: "/no/such/beir".into(), split: "test".into(), fail_under: None };
    let err = evaluate(&args, &Settings::default()).expect_err("missing");
    assert!(err.to_string().contains("/no/such/beir"), "{err}");
}
