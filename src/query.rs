//! The query language: free text, `"exact phrases"` and filters such as
//! `company:huawei`, `topic:hbm`, `publisher:bernstein`, `region:china`,
//! `language:en`, `year:2025`, `after:2025-01-01` and `before:2026-06-30`.
//!
//! Parsing is lenient: a malformed part never fails the request. It is
//! dropped or read as plain text, and a notice tells the user what happened.

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

/// Filters that restrict which reports may answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub companies: Vec<String>,
    pub topics: Vec<String>,
    pub publishers: Vec<String>,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    /// Inclusive lower bound on the publication date.
    pub after: Option<NaiveDate>,
    /// Inclusive upper bound on the publication date.
    pub before: Option<NaiveDate>,
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedQuery {
    /// The query as the user wrote it (trimmed).
    pub raw: String,
    /// Free-text words, in order.
    pub terms: Vec<String>,
    /// Exact phrases that must appear.
    pub phrases: Vec<String>,
    pub filters: Filters,
    /// The user asked for the newest material ("latest", "recent", ...).
    pub prefers_recent: bool,
    /// Words searched in addition to `terms`, each with its weight relative
    /// to a word of the query (below 1, so the query's own words win). Set
    /// by the answer layer from the measure lexicon; never by parsing.
    pub expansions: Vec<(String, f32)>,
    /// What was ignored or reinterpreted, in words a user understands.
    pub notices: Vec<String>,
}

impl ParsedQuery {
    /// Free terms and phrase words together: everything that should be highlighted.
    pub fn text_terms(&self) -> Vec<String> {
        let mut all = self.terms.clone();
        all.extend(self.phrases.iter().flat_map(|p| p.split_whitespace().map(String::from)));
        all
    }

    /// Whether the query carries anything to search for or filter by.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty() && self.filters.is_empty()
    }
}

/// A query made only of free words, with no syntax interpreted: quotes,
/// colons and the rest are plain text. Used to run benchmark queries as written.
pub fn plain_words(text: &str) -> ParsedQuery {
    let mut query = ParsedQuery { raw: text.trim().to_string(), ..ParsedQuery::default() };
    push_words(&mut query, text);
    query.prefers_recent = false;
    query
}

const KNOWN_FIELDS: &str = "company, topic, publisher, region, language, year, after, before";
const RECENT_WORDS: [&str; 5] = ["latest", "newest", "recent", "recently", "current"];

/// Parses `input`, refusing only empty and over-long queries.
pub fn parse(input: &str, max_chars: usize) -> Result<ParsedQuery> {
    let raw = input.trim();
    if raw.is_empty() {
        return Err(Error::EmptyQuery);
    }
    let len = raw.chars().count();
    if len > max_chars {
        return Err(Error::QueryTooLong { len, max: max_chars });
    }
    let mut query = ParsedQuery { raw: raw.to_string(), ..ParsedQuery::default() };
    for token in tokenize(raw, &mut query.notices) {
        match token {
            Token::Phrase(p) => push_phrase(&mut query, &p),
            Token::Word(w) => match split_field(&w) {
                Some((field, value)) => apply_filter(&mut query, &field, &value),
                None => push_words(&mut query, &w),
            },
        }
    }
    check_date_range(&mut query);
    if query.is_empty() {
        return Err(Error::EmptyQuery);
    }
    Ok(query)
}

enum Token {
    Word(String),
    Phrase(String),
}

/// Splits on whitespace, keeping quoted runs (also `field:"two words"`) together.
fn tokenize(raw: &str, notices: &mut Vec<String>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut chars = raw.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '"' | '“' | '”' => {
                let mut quoted = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if matches!(c, '"' | '“' | '”') {
                        closed = true;
                        break;
                    }
                    quoted.push(c);
                }
                if !closed {
                    notices.push(format!("Unbalanced quote: searched for {} as plain words.", quoted.trim()));
                    flush(&mut current, &mut tokens);
                    tokens.extend(quoted.split_whitespace().map(|w| Token::Word(w.to_string())));
                } else if current.ends_with(':') {
                    current.push_str(&quoted);
                    flush(&mut current, &mut tokens);
                } else {
                    flush(&mut current, &mut tokens);
                    tokens.push(Token::Phrase(quoted));
                }
            }
            c if c.is_whitespace() => flush(&mut current, &mut tokens),
            c => current.push(c),
        }
    }
    flush(&mut current, &mut tokens);
    tokens
}

fn flush(current: &mut String, tokens: &mut Vec<Token>) {
    if !current.is_empty() {
        tokens.push(Token::Word(std::mem::take(current)));
    }
}

fn split_field(word: &str) -> Option<(String, String)> {
    let (field, value) = word.split_once(':')?;
    let is_field = !field.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
    is_field.then(|| (field.to_ascii_lowercase(), value.to_string()))
}

fn push_words(query: &mut ParsedQuery, text: &str) {
    for word in text.split_whitespace() {
        let cleaned = word.trim_matches(|c: char| !c.is_alphanumeric() && !"%$€¥+".contains(c));
        if cleaned.is_empty() {
            continue;
        }
        if RECENT_WORDS.contains(&cleaned.to_lowercase().as_str()) {
            query.prefers_recent = true;
        }
        query.terms.push(cleaned.to_string());
    }
}

fn push_phrase(query: &mut ParsedQuery, phrase: &str) {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    match words.len() {
        0 => query.notices.push("Ignored an empty quoted phrase.".into()),
        1 => push_words(query, words[0]),
        _ => query.phrases.push(words.join(" ")),
    }
}

fn apply_filter(query: &mut ParsedQuery, field: &str, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        query.notices.push(format!("Ignored `{field}:` because it has no value."));
        return;
    }
    let f = &mut query.filters;
    match field {
        "company" | "companies" => f.companies.push(value.to_string()),
        "topic" | "topics" => f.topics.push(value.to_lowercase()),
        "publisher" => f.publishers.push(value.to_string()),
        "region" => f.regions.push(value.to_string()),
        "language" | "lang" => f.languages.push(value.to_lowercase()),
        "after" | "since" => match parse_date(value, false) {
            Some(d) => f.after = Some(d),
            None => bad_date(query, field, value),
        },
        "before" | "until" => match parse_date(value, true) {
            Some(d) => f.before = Some(d),
            None => bad_date(query, field, value),
        },
        "year" => match (parse_date(value, false), parse_date(value, true)) {
            (Some(a), Some(b)) if value.len() == 4 => {
                f.after = Some(a);
                f.before = Some(b);
            }
            _ => bad_date(query, field, value),
        },
        _ => {
            query.notices.push(format!(
                "Unknown filter `{field}:` (known: {KNOWN_FIELDS}); searched for `{value}` as text."
            ));
            push_words(query, &value.replace([',', ';'], " "));
        }
    }
}

fn bad_date(query: &mut ParsedQuery, field: &str, value: &str) {
    query.notices.push(format!(
        "Ignored `{field}:{value}`: not a date (use YYYY-MM-DD, YYYY-MM or YYYY)."
    ));
}

/// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; partial dates extend to the end
/// of their period when `end` is set.
fn parse_date(value: &str, end: bool) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = value.split('-').collect();
    let year: i32 = parts.first().filter(|y| y.len() == 4)?.parse().ok()?;
    match parts.as_slice() {
        [_] => NaiveDate::from_ymd_opt(year, if end { 12 } else { 1 }, if end { 31 } else { 1 }),
        [_, m] => {
            let month: u32 = m.parse().ok()?;
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            if !end {
                return Some(first);
            }
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)
            }?;
            next.pred_opt().filter(|d| d.year() == year)
        }
        _ => None,
    }
}

fn check_date_range(query: &mut ParsedQuery) {
    if let (Some(after), Some(before)) = (query.filters.after, query.filters.before) {
        if after > before {
            query.notices.push(format!(
                "Ignored the date range: after:{after} is later than before:{before}."
            ));
            query.filters.after = None;
            query.filters.before = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> ParsedQuery {
        parse(text, 500).expect("query parses")
    }

    #[test]
    fn free_text_phrases_and_filters() {
        let p = q(r#"Huawei share "AI chip market" company:huawei topic:HBM after:2025-01-01 before:2026-06-30"#);
        assert_eq!(p.terms, vec!["Huawei", "share"]);
        assert_eq!(p.phrases, vec!["AI chip market"]);
        assert_eq!(p.filters.companies, vec!["huawei"]);
        assert_eq!(p.filters.topics, vec!["hbm"]);
        assert_eq!(p.filters.after.map(|d| d.to_string()), Some("2025-01-01".into()));
        assert_eq!(p.filters.before.map(|d| d.to_string()), Some("2026-06-30".into()));
        assert!(p.notices.is_empty());
    }

    #[test]
    fn quoted_filter_values_keep_spaces() {
        let p = q(r#"capacity company:"SK hynix""#);
        assert_eq!(p.filters.companies, vec!["SK hynix"]);
        assert_eq!(p.terms, vec!["capacity"]);
    }

    #[test]
    fn unbalanced_quote_becomes_words_with_a_notice() {
        let p = q(r#"HBM "supply shortage"#);
        assert_eq!(p.terms, vec!["HBM", "supply", "shortage"]);
        assert!(p.phrases.is_empty());
        assert!(p.notices[0].contains("Unbalanced quote"));
    }

    #[test]
    fn unknown_field_is_searched_as_text() {
        let p = q("colour:red wafers");
        assert_eq!(p.terms, vec!["red", "wafers"]);
        assert!(p.notices[0].contains("Unknown filter `colour:`"), "{:?}", p.notices);
    }

    #[test]
    fn bad_dates_are_ignored_with_notice() {
        let p = q("smic after:2025-13-45 before:soon");
        assert_eq!(p.filters.after, None);
        assert_eq!(p.filters.before, None);
        assert_eq!(p.notices.len(), 2);
        assert!(p.notices[0].contains("after:2025-13-45"));
    }

    #[test]
    fn partial_dates_and_year() {
        let p = q("hbm after:2024-02 before:2024-02");
        assert_eq!(p.filters.after.map(|d| d.to_string()), Some("2024-02-01".into()));
        assert_eq!(p.filters.before.map(|d| d.to_string()), Some("2024-02-29".into()));
        let p = q("hbm year:2023");
        assert_eq!(p.filters.before.map(|d| d.to_string()), Some("2023-12-31".into()));
    }

    #[test]
    fn inverted_range_is_dropped() {
        let p = q("hbm after:2026-01-01 before:2025-01-01");
        assert!(p.filters.after.is_none() && p.filters.before.is_none());
        assert!(p.notices[0].contains("later than"));
    }

    #[test]
    fn empty_and_long_queries_are_refused() {
        assert!(matches!(parse("   ", 500), Err(Error::EmptyQuery)));
        assert!(matches!(parse("\"\"", 500), Err(Error::EmptyQuery)));
        let long = "a".repeat(501);
        assert!(matches!(parse(&long, 500), Err(Error::QueryTooLong { len: 501, max: 500 })));
    }

    #[test]
    fn filter_only_query_is_allowed() {
        let p = q("company:cambricon");
        assert!(p.terms.is_empty());
        assert_eq!(p.filters.companies, vec!["cambricon"]);
    }

    #[test]
    fn empty_filter_value_is_noticed() {
        let p = q("hbm company:");
        assert!(p.filters.companies.is_empty());
        assert!(p.notices[0].contains("no value"));
    }

    #[test]
    fn recent_words_set_preference_and_punctuation_is_trimmed() {
        let p = q("What is the latest CoWoS capacity?");
        assert!(p.prefers_recent);
        assert_eq!(p.terms.last().map(String::as_str), Some("capacity"));
    }

    #[test]
    fn urls_and_times_are_not_fields() {
        let p = q("call at 10:30");
        assert_eq!(p.terms, vec!["call", "at", "10:30"]);
    }
}
