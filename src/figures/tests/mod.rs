//! Extraction tests for [`super::extract`], run against the shipped
//! `config/gazetteer.toml`. This file holds the helpers and the cross-cutting
//! cases (sentences, dedup, false positives, serde); the kinds have their own files.

mod context;
mod money;
mod multiple;
mod percent;
mod quantities;
mod relations;
mod reports;
mod zh_table;

use std::sync::LazyLock;

use super::{bounded, extract, Figure, FigureKind, Gazetteer, MAX_SENTENCE_BYTES};

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    Gazetteer::from_toml_str(include_str!("../../../config/gazetteer.toml"))
        .expect("shipped gazetteer parses")
});

fn figures(text: &str) -> Vec<Figure> {
    extract(text, &GAZETTEER)
}

/// The single figure of `kind` in `text`.
fn only(text: &str, kind: FigureKind) -> Figure {
    let found: Vec<Figure> = figures(text)
        .into_iter()
        .filter(|f| f.kind == kind)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {kind:?} in {text:?}, got {found:#?}"
    );
    found.into_iter().next().expect("checked length")
}

/// (kind, text) of every figure.
fn spans(text: &str) -> Vec<(FigureKind, String)> {
    figures(text)
        .into_iter()
        .map(|f| (f.kind, f.text))
        .collect()
}

fn assert_value(f: &Figure, value: f64, unit: &str, text: &str) {
    assert_eq!(
        (f.value, f.unit.as_str(), f.text.as_str()),
        (value, unit, text),
        "{f:#?}"
    );
}

#[test]
fn plain_words_give_no_figures() {
    for text in [
        "The company will expand capacity.",
        "N is a letter, and N2O is a gas.",
        "Nvidia's H100, H200 and H20 compete with the MI300X and Ascend 910C.",
        "Top executives met in Beijing; COVID-19 delayed talks.",
        "It reached a 10-year high.",
        "The GB200 NVL72 rack is large.",
    ] {
        assert!(figures(text).is_empty(), "{text}: {:#?}", figures(text));
    }
}

#[test]
fn figures_carry_their_own_sentence() {
    let text = "SMIC's revenue rose 27% in 2024. Huawei shipped 200,000 chips. Margins were 20%.";
    let found = figures(text);
    let sentences: Vec<&str> = found.iter().map(|f| f.sentence.as_str()).collect();
    assert_eq!(
        sentences,
        vec![
            "SMIC's revenue rose 27% in 2024.",
            "SMIC's revenue rose 27% in 2024.",
            "Huawei shipped 200,000 chips.",
            "Margins were 20%."
        ]
    );
}

#[test]
fn abbreviations_and_decimals_do_not_split_sentences() {
    let text = "The U.S. restricted H20 sales, e.g. to Chinese firms, costing Nvidia Inc. a $5.5 billion charge.";
    let f = only(text, FigureKind::Money);
    assert_eq!(f.sentence, text);
    assert_eq!(f.subject.as_deref(), Some("NVIDIA"));
}

#[test]
fn ranges_are_one_figure() {
    let found = figures("Yields of 45–50% are typical.");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].low, found[0].high), (Some(45.0), Some(50.0)));
}

#[test]
fn results_are_in_text_order() {
    let kinds: Vec<FigureKind> = figures("By 2026, 7nm output at SMIC reaches 45,000 wpm, up 50%.")
        .into_iter()
        .map(|f| f.kind)
        .collect();
    use FigureKind::*;
    assert_eq!(kinds, vec![Year, Node, Count, Percent]);
}

#[test]
fn serde_round_trip_skips_empty_options() {
    let f = only("Revenue was $10bn.", FigureKind::Money);
    let json = serde_json::to_value(&f).expect("serialise");
    assert_eq!(json["kind"], "money");
    assert_eq!(json["unit"], "USD");
    assert!(
        json.get("low").is_none() && json.get("year").is_none() && json.get("subject").is_none()
    );
    let back: Figure = serde_json::from_value(json).expect("deserialise");
    assert_eq!(back, f);
    let kind: FigureKind = serde_json::from_str("\"bandwidth\"").expect("kind");
    assert_eq!(kind, FigureKind::Bandwidth);
}

#[test]
fn empty_gazetteer_means_no_subject() {
    let found = extract("Huawei holds 50% of the market.", &Gazetteer::empty());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subject, None);
}

#[test]
fn a_run_with_no_sentence_end_is_read_in_bounded_pieces() {
    // Found by fuzzing: 5,000 figures in one 16 KB "sentence" took time and
    // memory growing with the square of the length (each figure copied it).
    let text = format!("Revenue was {}", "$1 ".repeat(20_000));
    let found = figures(&text);
    assert!(found.iter().all(|f| f.sentence.len() <= MAX_SENTENCE_BYTES));
    assert_eq!(found.iter().filter(|f| f.kind == FigureKind::Money).count(), 20_000);
}

#[test]
fn pieces_are_trimmed_cut_at_whitespace_or_a_character_boundary() {
    let text = format!("{} {}", "ab ".repeat(1_000).trim_end(), "中".repeat(1_000));
    let pieces = bounded(&text, 0..text.len());
    assert!(pieces.iter().all(|r| r.len() <= MAX_SENTENCE_BYTES && text[r.clone()].trim() == &text[r.clone()]));
    let words: Vec<&str> = pieces.iter().flat_map(|r| text[r.clone()].split_whitespace()).collect();
    assert_eq!(words.concat(), text.split_whitespace().collect::<String>());
    assert_eq!(bounded("short one", 0..9), vec![0..9]);
}

#[test]
fn empty_text() {
    assert!(figures("").is_empty());
    assert!(figures("   \n\n ").is_empty());
}
