//! Bad and unusual queries: each gets a clear message, never a failure of
//! the whole request.

use crate::support;

use chipbot::error::Error;

#[test]
fn empty_query_gets_usage() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let err = engine.ask("   ", None).expect_err("empty");
    assert!(matches!(err, Error::EmptyQuery));
    assert!(err.user_message().contains("ask"));
}

#[test]
fn oversized_query_is_refused_clearly() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let err = engine.ask(&"hbm ".repeat(200), None).expect_err("too long");
    assert!(err.user_message().contains("limit is 500"), "{}", err.user_message());
}

#[test]
fn malformed_parts_are_reported_and_the_rest_answered() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask(r#"HBM "market share colour:red after:2025-02-30"#, None).expect("answer");
    assert!(!answer.citations.is_empty());
    assert!(answer.notices.iter().any(|n| n.contains("Unbalanced quote")), "{:?}", answer.notices);
    let answer = engine.ask("HBM colour:red after:2025-02-30", None).expect("answer");
    assert!(answer.notices.iter().any(|n| n.contains("Unknown filter `colour:`")), "{:?}", answer.notices);
    assert!(answer.notices.iter().any(|n| n.contains("after:2025-02-30")), "{:?}", answer.notices);
}

#[test]
fn no_hits_suggests_close_words() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("Huawie Acsend", None).expect("answer");
    assert!(answer.citations.is_empty());
    assert!(answer.notices.iter().any(|n| n.contains("No report matches")));
    assert!(answer.suggestions.contains(&"huawei".to_string()), "{:?}", answer.suggestions);
    assert!(answer.suggestions.contains(&"ascend".to_string()), "{:?}", answer.suggestions);
}

#[test]
fn suggestions_are_words_as_written_not_stems() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    // The index holds the stems "suppli" and "memori"; a user must see words.
    let answer = engine.ask("suply memmory", None).expect("answer");
    assert!(answer.citations.is_empty());
    assert!(answer.suggestions.contains(&"supply".to_string()), "{:?}", answer.suggestions);
    assert!(answer.suggestions.contains(&"memory".to_string()), "{:?}", answer.suggestions);
    assert!(!answer.suggestions.iter().any(|s| s == "suppli" || s == "memori"), "{:?}", answer.suggestions);
}

#[test]
fn no_suggestions_near_stop_words() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    // Nothing matches (the filter excludes the only report with the phrase);
    // "and" is a stop word, so "end" (in the index, one edit away) is no suggestion.
    let answer = engine.ask("\"ahead of Samsung\" and company:cxmt", None).expect("answer");
    assert!(answer.citations.is_empty());
    assert!(!answer.suggestions.contains(&"end".to_string()), "{:?}", answer.suggestions);
}

#[test]
fn only_stop_words_is_treated_as_no_match() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("what is the", None).expect("answer");
    assert!(answer.notices.iter().any(|n| n.contains("No report matches")), "{:?}", answer.notices);
}

#[test]
fn phrase_must_match_exactly() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("\"wafers per month\"", None).expect("answer");
    assert_eq!(answer.citations[0].report.report_id, "fixture-foundry-capacity");
    let answer = engine.ask("\"month per wafers\"", None).expect("answer");
    assert!(answer.citations.is_empty());
}

#[test]
fn phrase_with_a_stop_word_matches_the_text() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    // "of" is a stop word: it is not indexed but still takes its place.
    let answer = engine.ask("\"ahead of Samsung\"", None).expect("answer");
    assert_eq!(answer.citations.len(), 1, "{:?}", answer.notices);
    assert_eq!(answer.citations[0].report.report_id, "fixture-hbm-supply-2024");
    // The stop word's place must be filled: the two words side by side are another phrase.
    let answer = engine.ask("\"ahead Samsung\"", None).expect("answer");
    assert!(answer.citations.is_empty());
}

#[test]
fn markup_and_mentions_in_queries_are_harmless() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("<script>alert(1)</script> @everyone HBM", None).expect("answer");
    assert!(!answer.citations.is_empty());
}
