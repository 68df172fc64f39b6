//! Money: symbols, codes, currency words, scales and ranges.

use super::*;
use FigureKind::Money;

#[test]
fn dollars_with_scale_word() {
    let f = only("Nvidia reported revenue of $35.1 billion.", Money);
    assert_value(&f, 35_100_000_000.0, "USD", "$35.1 billion");
}

#[test]
fn us_dollar_prefix_with_bn() {
    let f = only("SMIC spent US$10.4bn on equipment.", Money);
    assert_value(&f, 10_400_000_000.0, "USD", "US$10.4bn");
}

#[test]
fn usd_code_before_amount() {
    assert_value(
        &only("capex of USD 2.5 billion", Money),
        2_500_000_000.0,
        "USD",
        "USD 2.5 billion",
    );
}

#[test]
fn trillion_suffix_letter() {
    assert_value(
        &only("a $1.2T market", Money),
        1_200_000_000_000.0,
        "USD",
        "$1.2T",
    );
}

#[test]
fn trillion_yuan() {
    let f = only("China's chip fund totals 1.2 trillion yuan.", Money);
    assert_value(&f, 1_200_000_000_000.0, "CNY", "1.2 trillion yuan");
}

#[test]
fn renminbi_codes() {
    assert_value(
        &only("RMB 10 billion in subsidies", Money),
        1e10,
        "CNY",
        "RMB 10 billion",
    );
    assert_value(&only("a CNY 5bn round", Money), 5e9, "CNY", "CNY 5bn");
}

#[test]
fn euros() {
    assert_value(
        &only("€1.5 billion of aid", Money),
        1.5e9,
        "EUR",
        "€1.5 billion",
    );
    assert_value(
        &only("EUR 3 million grant", Money),
        3e6,
        "EUR",
        "EUR 3 million",
    );
}

#[test]
fn yen_sign_is_yuan_unless_yen_is_said() {
    assert_value(
        &only("a ¥500 billion fund", Money),
        5e11,
        "CNY",
        "¥500 billion",
    );
    assert_eq!(only("a ¥500 billion (yen) budget", Money).unit, "JPY");
    assert_value(
        &only("Japan pledged 500 billion yen.", Money),
        5e11,
        "JPY",
        "500 billion yen",
    );
}

#[test]
fn korean_won() {
    assert_value(
        &only("KRW 10 trillion plan", Money),
        1e13,
        "KRW",
        "KRW 10 trillion",
    );
    assert_value(
        &only("Samsung will invest 10 trillion won.", Money),
        1e13,
        "KRW",
        "10 trillion won",
    );
}

#[test]
fn taiwan_dollars() {
    assert_value(
        &only("TSMC earned NT$100 billion.", Money),
        1e11,
        "TWD",
        "NT$100 billion",
    );
    assert_value(
        &only("a TWD 2 billion bond", Money),
        2e9,
        "TWD",
        "TWD 2 billion",
    );
}

#[test]
fn millions_and_trailing_nouns() {
    assert_value(
        &only("a $500 million order", Money),
        5e8,
        "USD",
        "$500 million",
    );
    assert_value(
        &only("Nvidia took a $5.5 billion charge.", Money),
        5.5e9,
        "USD",
        "$5.5 billion",
    );
    assert_value(&only("paid $5 more", Money), 5.0, "USD", "$5");
    assert_value(&only("a $5m deal", Money), 5e6, "USD", "$5m");
}

#[test]
fn money_range_shares_the_scale() {
    let f = only("The fab will cost $8-10 billion.", Money);
    assert_value(&f, 8e9, "USD", "$8-10 billion");
    assert_eq!((f.low, f.high), (Some(8e9), Some(1e10)));
}

#[test]
fn money_range_with_words() {
    let f = only("between $8 billion and $10 billion", Money);
    assert_eq!(
        (f.text.as_str(), f.low, f.high),
        ("$8 billion and $10 billion", Some(8e9), Some(1e10))
    );
    let f = only("a $500 million to $1 billion deal", Money);
    assert_eq!((f.low, f.high), (Some(5e8), Some(1e9)));
}

#[test]
fn thousands_separators_in_money() {
    assert_value(
        &only("priced at $25,000 each", Money),
        25_000.0,
        "USD",
        "$25,000",
    );
}

#[test]
fn won_without_scale_needs_a_real_amount() {
    assert_value(
        &only("The stock closed at 83,500 won.", Money),
        83_500.0,
        "KRW",
        "83,500 won",
    );
    // "3 firms" is a count of companies; "won" after it is no currency.
    assert!(figures("The 3 firms won praise.").iter().all(|f| f.kind != Money));
}

#[test]
fn yen_anywhere_in_the_sentence() {
    let found = figures("Japan approved ¥3.9 trillion in subsidies, or roughly 3.9 trillion yen.");
    assert!(found.iter().all(|f| f.unit == "JPY"), "{found:#?}");
}

#[test]
fn currency_words_are_not_subjects() {
    assert_eq!(
        only("Revenue was 10 billion U.S. dollars.", Money).subject,
        None
    );
}

#[test]
fn an_amount_per_share_says_so() {
    let found = figures("NVIDIA reported GAAP earnings of US$4.93 per diluted share, and non-GAAP earnings of US$5.16 a share.");
    let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, vec!["US$4.93 per diluted share", "US$5.16 a share"]);
    assert_eq!(found[0].value, 4.93);
}
