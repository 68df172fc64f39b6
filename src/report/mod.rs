//! Curated reports: the metadata every citation needs, the body text, and
//! loaders for Markdown (TOML front matter), plain text, HTML and PDF files.
//!
//! A report's identity is its `id`; its source file and content hash let the
//! index notice when it changed.

mod check;
mod html;
mod loader;
mod markdown;
mod pdf;
mod plain;
mod publishers;
mod scan;
mod sidecar;
mod toml_depth;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use loader::{load_dir, load_file, parse_bytes, LoadOutcome};
pub use scan::{is_report_file, list_report_paths, scan_dir, SourceFile};
pub use check::{check_dir, CheckOutcome, Problem, SHARED_RUN_WORDS};
pub use publishers::Publishers;

/// The language of a report that does not say: `zh` when Han characters
/// make up a fifth or more of its letters, else `en`.
pub fn detect_language(text: &str) -> &'static str {
    detect_language_of([text])
}

/// [`detect_language`] over several pieces of one report (title and body)
/// without joining them.
pub(crate) fn detect_language_of<'a>(pieces: impl IntoIterator<Item = &'a str>) -> &'static str {
    let (mut han, mut letters) = (0usize, 0usize);
    for c in pieces.into_iter().flat_map(str::chars).filter(|c| c.is_alphabetic()) {
        letters += 1;
        if crate::segment::is_han(c) {
            han += 1;
        }
    }
    if letters > 0 && han * 5 >= letters { "zh" } else { "en" }
}

/// Decodes HTML character references (`&amp;`, `&#8217;`).
pub fn decode_html_entities(text: &str) -> String {
    html::decode_entities(text)
}

#[cfg(test)]
mod language_tests {
    #[test]
    fn chinese_is_told_from_english() {
        assert_eq!(super::detect_language("寒武纪2025年上半年实现营业收入28.81亿元，同比增长4347.82%。"), "zh");
        assert_eq!(super::detect_language("SK hynix held 62% of HBM shipments; 华为 is named once."), "en");
        assert_eq!(super::detect_language(""), "en");
    }
}

/// A one-page PDF showing `lines`, for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn tiny_pdf_for_tests(lines: &[&str]) -> Vec<u8> {
    pdf::tiny_pdf(lines)
}

/// Metadata shown in citations and used by filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReportMeta {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub authors: Vec<String>,
    pub companies: Vec<String>,
    pub topics: Vec<String>,
    pub region: Option<String>,
    pub language: Option<String>,
}

/// One loaded report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub meta: ReportMeta,
    /// Body text with paragraphs separated by blank lines.
    pub body: String,
    /// Path relative to the reports directory, with `/` separators.
    pub source: String,
    /// Hex SHA-256 of the file (and its sidecar, if any).
    pub hash: String,
}

/// Turns a file stem into a report id: lowercase ASCII letters, digits and dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Whether `id` is a valid report id.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Normalises extracted text: unifies line endings, trims lines, and collapses
/// runs of blank lines so paragraphs are separated by exactly one blank line.
/// One pass over `text`, writing only the result (every report body goes
/// through here when an index is built).
pub fn normalize_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = true;
    let mut rest = text;
    loop {
        // A line ends at "\r\n", "\r" or "\n".
        let (line, next) = match rest.find(['\r', '\n']) {
            Some(i) => {
                let ending = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], Some(&rest[i + ending..]))
            }
            None => (rest, None),
        };
        let mut words = line.split_whitespace();
        match words.next() {
            None => {
                if !blank_run {
                    out.push_str("\n\n");
                }
                blank_run = true;
            }
            Some(first) => {
                if !blank_run {
                    out.push(' ');
                }
                out.push_str(first);
                for word in words {
                    out.push(' ');
                    out.push_str(word);
                }
                blank_run = false;
            }
        }
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The path a report error should name: where the report lives.
pub(crate) fn display_path(dir: &std::path::Path, rel: &str) -> PathBuf {
    dir.join(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The single pass gives what the earlier version (whole-text
    /// replacements, then each line split and joined) gave, on random text
    /// with every kind of line ending and Unicode whitespace.
    #[test]
    fn normalize_body_matches_the_line_by_line_version() {
        fn by_lines(text: &str) -> String {
            let mut out = String::with_capacity(text.len());
            let mut blank_run = true;
            for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
                let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if line.is_empty() {
                    if !blank_run {
                        out.push_str("\n\n");
                    }
                    blank_run = true;
                } else {
                    if !blank_run {
                        out.push(' ');
                    }
                    out.push_str(&line);
                    blank_run = false;
                }
            }
            out.trim_end().to_string()
        }
        let pieces = ["a", "Wort", "é", "华为", " ", "  ", "\t", "\r", "\n", "\r\n", "\u{a0}", "\u{85}", "\u{3000}", "\u{2028}", "\x0b", "\x0c"];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut draw = state;
            for _ in 0..(draw % 24) {
                draw = draw.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(draw >> 33) as usize % pieces.len()]);
            }
            assert_eq!(normalize_body(&text), by_lines(&text), "{text:?}");
        }
    }

    #[test]
    fn slug_keeps_ascii_words() {
        assert_eq!(slug("SMIC Q3 2024 — Results!"), "smic-q3-2024-results");
        assert_eq!(slug("__x__"), "x");
    }

    #[test]
    fn ids_are_checked() {
        assert!(is_valid_id("2025-12-bernstein"));
        assert!(!is_valid_id("Bad Id"));
        assert!(!is_valid_id(""));
    }

    #[test]
    fn normalize_joins_wrapped_lines_and_keeps_paragraphs() {
        let text = "First line\r\nwrapped  here.\n\n\n\nSecond   para.\n";
        assert_eq!(normalize_body(text), "First line wrapped here.\n\nSecond para.");
    }
}
