//! The Matrix rendering of replies, where the text is the product:
//! snapshots of the HTML and plain bodies, the size cap, and escaping of
//! hostile report text.

#![cfg(feature = "matrix")]

use crate::support;

use chipbot::adapters::matrix::render::render;
use chipbot::reply::Reply;

#[test]
fn answer_html_and_body_snapshot() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let _ = engine.ask("warm up", None);
    let answer = engine.ask("SK hynix HBM market share 2023", Some(3)).expect("answer");
    let message = render(&Reply::Answer(answer), 16_000);
    insta::assert_snapshot!("matrix_answer_html", message.html.replace("</p>", "</p>\n"));
    insta::assert_snapshot!("matrix_answer_body", message.body);
}

#[test]
fn figures_reply_leads_with_the_table() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let reply = chipbot::render::chart::figures_reply(engine.figures("HBM market share").expect("figures"), false, None);
    let message = render(&reply, 16_000);
    let table = message.html.find("<table>").expect("table");
    let sources = message.html.find("Sources").expect("sources");
    assert!(table < sources, "{}", message.html);
}

#[test]
fn long_answers_are_cut_between_citations_with_a_note() {
    let (engine, _r, _d) = support::fixture_engine("mini");
    let answer = engine.ask("HBM market share capacity", Some(5)).expect("answer");
    assert!(answer.citations.len() >= 3, "needs several citations");
    let full = render(&Reply::Answer(answer.clone()), 100_000);
    let cap = full.html.chars().count() * 2 / 3;
    let cut = render(&Reply::Answer(answer.clone()), cap);
    assert!(cut.html.chars().count() <= cap && cut.body.chars().count() <= cap);
    assert!(cut.body.contains("left out to fit"), "{}", cut.body);
    assert!(cut.html.contains("[1]"), "the first citation stays");
    let last = answer.citations.len();
    assert!(!cut.html.contains(&format!(">[{last}]<")), "the last citation went");
    let figure_refs = regex::Regex::new(r"<td>\[(\d+)\]</td>").expect("regex");
    for cap_ in figure_refs.captures_iter(&cut.html) {
        let n: usize = cap_[1].parse().expect("number");
        assert!(cut.html.contains(&format!(">[{n}]</a>")), "figure cites a kept source [{n}]");
    }
}

#[test]
fn hostile_report_text_is_inert() {
    let (engine, _r, _d) = support::fixture_engine("hostile");
    let answer = engine.ask("wafer prices memo", None).expect("answer");
    let message = render(&Reply::Answer(answer), 16_000);
    assert!(!message.html.contains("<script") && !message.html.contains("<b>"), "{}", message.html);
    assert!(message.html.contains("&lt;script&gt;"));
    assert!(!message.html.contains("@room") && !message.body.contains("@room"));
}
