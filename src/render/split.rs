//! Splitting long chat text into pieces that fit a platform's size limit.
//!
//! Pieces are cut at the coarsest boundary that works: between paragraphs,
//! then between lines, then between sentences, then between words. A cut never
//! falls inside a markdown link (`[title](url)`), inline code, a fenced code
//! block or a citation marker (`[3]`), so every citation keeps its URL. Only a
//! single protected span longer than the limit is cut inside; a fenced code
//! block cut that way is closed and reopened so both pieces still render.
//! Lengths are counted in characters (Unicode scalar values), as Discord and
//! Matrix clients count them.

use std::ops::Range;

/// Splits `text` into pieces of at most `max_chars` characters each.
/// Whitespace at the cuts is dropped; nothing else is lost. Text that already
/// fits comes back as one piece; empty text gives no pieces.
pub fn split_text(text: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(16);
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    if chars(text) <= max_chars {
        return vec![text.to_string()];
    }
    let protected = protected_spans(text);
    let mut out = Vec::new();
    split_range(text, 0..text.len(), Level::Paragraph, max_chars, &protected, &mut out);
    out
}

/// The number of characters in `s`.
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Cuts `s` to at most `max_chars` characters, ending with `…` when cut.
pub fn truncate_chars(s: &str, max_chars: usize) -> String {
    if chars(s) <= max_chars {
        return s.to_string();
    }
    let keep: String = s.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", keep.trim_end())
}

/// Boundaries to cut at, coarsest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Paragraph,
    Line,
    Sentence,
    Word,
    /// Inside a protected span that alone exceeds the limit.
    Hard,
}

impl Level {
    fn finer(self) -> Level {
        match self {
            Level::Paragraph => Level::Line,
            Level::Line => Level::Sentence,
            Level::Sentence => Level::Word,
            Level::Word | Level::Hard => Level::Hard,
        }
    }
}

/// Splits `text[range]`, appending trimmed pieces to `out`.
fn split_range(
    text: &str,
    range: Range<usize>,
    level: Level,
    max: usize,
    protected: &[Range<usize>],
    out: &mut Vec<String>,
) {
    if level == Level::Hard {
        hard_split(&text[range], max, out);
        return;
    }
    let cuts: Vec<usize> = cut_points(text, range.clone(), level)
        .into_iter()
        .filter(|&at| !protected.iter().any(|p| p.start < at && at < p.end))
        .collect();
    let mut segments = Vec::with_capacity(cuts.len() + 1);
    let mut start = range.start;
    for at in cuts.into_iter().chain(std::iter::once(range.end)) {
        if at > start {
            segments.push(start..at);
            start = at;
        }
    }
    let mut current: Option<Range<usize>> = None;
    for segment in segments {
        let joined = current.as_ref().map_or(segment.clone(), |c| c.start..segment.end);
        if chars(text[joined.clone()].trim()) <= max {
            current = Some(joined);
            continue;
        }
        if let Some(done) = current.take() {
            push_trimmed(&text[done], out);
        }
        if chars(text[segment.clone()].trim()) <= max {
            current = Some(segment);
        } else {
            split_range(text, segment, level.finer(), max, protected, out);
        }
    }
    if let Some(done) = current {
        push_trimmed(&text[done], out);
    }
}

fn push_trimmed(piece: &str, out: &mut Vec<String>) {
    let piece = piece.trim();
    if !piece.is_empty() {
        out.push(piece.to_string());
    }
}

/// Byte offsets in `range` where a piece may start, for `level`.
fn cut_points(text: &str, range: Range<usize>, level: Level) -> Vec<usize> {
    let slice = &text[range.clone()];
    let base = range.start;
    let mut points = Vec::new();
    match level {
        Level::Paragraph => {
            for (i, _) in slice.match_indices("\n\n") {
                points.push(base + i + 2);
            }
        }
        Level::Line => {
            for (i, _) in slice.match_indices('\n') {
                points.push(base + i + 1);
            }
        }
        Level::Sentence => {
            let bytes = slice.as_bytes();
            for (i, c) in slice.char_indices() {
                let ends = matches!(c, '.' | '!' | '?' | '…' | ';');
                let next = i + c.len_utf8();
                if ends && bytes.get(next).is_some_and(|b| *b == b' ') {
                    points.push(base + next + 1);
                }
            }
        }
        Level::Word => {
            for (i, c) in slice.char_indices() {
                if c == ' ' {
                    points.push(base + i + 1);
                }
            }
        }
        Level::Hard => {}
    }
    points
}

/// Cuts an unsplittable span at character boundaries, keeping fenced code
/// blocks well-formed in every piece.
fn hard_split(span: &str, max: usize, out: &mut Vec<String>) {
    let fence = span.trim_start().starts_with("```");
    let budget = if fence { max.saturating_sub(8).max(8) } else { max };
    let all: Vec<char> = span.trim().chars().collect();
    let mut start = 0;
    let count = all.len();
    while start < count {
        let end = (start + budget).min(count);
        let mut piece: String = all[start..end].iter().collect();
        if fence {
            if start > 0 {
                piece = format!("```\n{piece}");
            }
            if end < count {
                piece.push_str("\n```");
            }
        }
        push_trimmed(&piece, out);
        start = end;
    }
}

/// Byte ranges that must not be cut: fenced code blocks, inline code,
/// markdown links (including `<url>` forms) and citation markers.
fn protected_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut at = 0;
    let bytes = text.as_bytes();
    while at < text.len() {
        let rest = &text[at..];
        let span = if let Some(inside) = rest.strip_prefix("```") {
            inside.find("```").map(|end| at..at + 3 + end + 3)
        } else if bytes[at] == b'`' {
            rest[1..].find('`').map(|end| at..at + 1 + end + 1)
        } else if bytes[at] == b'[' && (at == 0 || bytes[at - 1] != b'\\') {
            bracket_span(rest).map(|len| at..at + len)
        } else {
            None
        };
        match span {
            Some(span) => {
                at = span.end;
                spans.push(span);
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    spans
}

/// Length of a `[n]` citation marker or `[text](url)` link starting `rest`.
fn bracket_span(rest: &str) -> Option<usize> {
    let close = find_unescaped(rest, 1, ']')?;
    if let Some(after) = rest[close + 1..].strip_prefix('(') {
        let end = find_unescaped(after, 0, ')')?;
        return Some(close + 2 + end + 1);
    }
    let inner = &rest[1..close];
    (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == ',' || c == ' ')).then_some(close + 1)
}

/// Byte index of the first unescaped `wanted` in `s` at or after `from`,
/// giving up at a line end (links and markers do not span lines).
fn find_unescaped(s: &str, from: usize, wanted: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < from) {
        match c {
            '\n' => return None,
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            c if c == wanted && !escaped => return Some(i),
            _ => {}
        }
        escaped = false;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_fits(pieces: &[String], max: usize) {
        for p in pieces {
            assert!(chars(p) <= max, "piece of {} > {max}: {p:?}", chars(p));
        }
    }

    #[test]
    fn short_text_is_one_piece_and_empty_is_none() {
        assert_eq!(split_text("  hello  ", 100), vec!["hello"]);
        assert!(split_text(" \n ", 100).is_empty());
    }

    #[test]
    fn paragraphs_are_preferred() {
        let text = format!("{}\n\n{}\n\n{}", "a".repeat(30), "b".repeat(30), "c".repeat(30));
        let pieces = split_text(&text, 70);
        assert_eq!(pieces, vec![format!("{}\n\n{}", "a".repeat(30), "b".repeat(30)), "c".repeat(30)]);
    }

    #[test]
    fn long_paragraphs_fall_back_to_sentences() {
        let text = "First sentence is here. Second one follows it. Third closes the paragraph.";
        let pieces = split_text(text, 50);
        assert_eq!(pieces, vec!["First sentence is here. Second one follows it.", "Third closes the paragraph."]);
    }

    #[test]
    fn links_and_citation_markers_are_never_cut() {
        let link = "[A long report title](https://example.com/a/very/long/path?with=query)";
        let text = format!("See {link} and also [12] for more words here. {link} again [3].");
        for max in [72, 80, 100, 140] {
            let pieces = split_text(&text, max);
            assert!(pieces.len() > 1, "max {max}");
            assert_fits(&pieces, max);
            let whole = |s: &str| pieces.iter().filter(|p| p.contains(s)).count();
            assert_eq!(whole(link), 2, "max {max}: {pieces:?}");
            assert_eq!(whole("[12]") + whole("[3]"), 2, "max {max}: {pieces:?}");
        }
        // Shorter than the link itself: it has to be cut, but nothing is lost.
        let pieces = split_text(&text, 20);
        assert_fits(&pieces, 20);
        assert_eq!(pieces.concat().replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn code_blocks_with_blank_lines_stay_whole() {
        let block = "```\nrow 1\n\nrow 2\n```";
        let text = format!("{}\n\n{block}\n\n{}", "x".repeat(20), "y".repeat(20));
        let pieces = split_text(&text, 30);
        assert!(pieces.iter().any(|p| p == block), "{pieces:?}");
        assert_fits(&pieces, 30);
    }

    #[test]
    fn oversized_code_block_is_closed_and_reopened() {
        let block = format!("```\n{}\n```", "z".repeat(100));
        let pieces = split_text(&block, 40);
        assert!(pieces.len() > 1);
        assert_fits(&pieces, 40);
        for p in &pieces {
            assert!(p.starts_with("```") && p.ends_with("```"), "{p:?}");
        }
    }

    #[test]
    fn multibyte_text_is_counted_in_characters() {
        let text = format!("{} {}", "é".repeat(50), "ü".repeat(50));
        let pieces = split_text(&text, 60);
        assert_eq!(pieces.len(), 2);
        assert_fits(&pieces, 60);
        let hard = split_text(&"ß".repeat(100), 30);
        assert_fits(&hard, 30);
        assert_eq!(hard.concat(), "ß".repeat(100));
    }

    #[test]
    fn escaped_brackets_are_not_links() {
        let spans = protected_spans(r"a \[1\] b [2] c");
        assert_eq!(spans.len(), 1);
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 4), "abc");
    }
}
