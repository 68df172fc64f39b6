//! Snippets: the sentences of a passage that best match the question, cut to
//! a readable length, with the matched words highlighted.

use std::collections::HashSet;
use std::ops::Range;

use crate::reply::Snippet;
use crate::search::Analyzer;
use crate::text::sentence_spans;

/// Builds the snippet of `passage` for the query terms `wanted` (index form).
pub fn build(passage: &str, wanted: &HashSet<String>, analyzer: &Analyzer, max_chars: usize) -> Snippet {
    let tokens = analyzer.tokens(passage);
    let spans = sentence_spans(passage);
    if spans.is_empty() {
        return Snippet { text: String::new(), highlights: Vec::new() };
    }
    let matches_in = |span: &Range<usize>| -> usize {
        tokens
            .iter()
            .filter(|t| t.range.start >= span.start && t.range.end <= span.end && wanted.contains(&t.term))
            .map(|t| t.term.as_str())
            .collect::<HashSet<_>>()
            .len()
    };
    let best = (0..spans.len())
        .max_by_key(|&i| (matches_in(&spans[i]), std::cmp::Reverse(i)))
        .unwrap_or(0);
    let window = grow(&spans, best, max_chars, &matches_in);
    let start = spans[window.start].start;
    let end = spans[window.end - 1].end;
    let (range, clipped_front, clipped_back) = clip(passage, start..end, spans[best].clone(), max_chars);
    let mut text = String::new();
    let offset_shift = if clipped_front { "… ".len() } else { 0 };
    if clipped_front {
        text.push_str("… ");
    }
    text.push_str(&passage[range.clone()]);
    if clipped_back {
        text.push_str(" …");
    }
    let highlights = tokens
        .iter()
        .filter(|t| wanted.contains(&t.term) && t.range.start >= range.start && t.range.end <= range.end)
        .map(|t| t.range.start - range.start + offset_shift..t.range.end - range.start + offset_shift)
        .collect();
    Snippet { text, highlights }
}

/// Extends the best sentence with neighbours while they fit, preferring a
/// neighbour that also matches.
fn grow(spans: &[Range<usize>], best: usize, max_chars: usize, matches_in: &dyn Fn(&Range<usize>) -> usize) -> Range<usize> {
    let mut window = best..best + 1;
    loop {
        let len = spans[window.end - 1].end - spans[window.start].start;
        let before = window.start.checked_sub(1);
        let after = (window.end < spans.len()).then_some(window.end);
        let candidates = [after, before];
        let pick = candidates
            .into_iter()
            .flatten()
            .filter(|&i| len + 1 + spans[i].len() <= max_chars)
            .max_by_key(|&i| (matches_in(&spans[i]), i == window.end));
        match pick {
            Some(i) if i == window.end => window.end += 1,
            Some(_) => window.start -= 1,
            None => return window,
        }
    }
}

/// Cuts `range` to `max_chars` around `focus`, on word boundaries.
fn clip(text: &str, range: Range<usize>, focus: Range<usize>, max_chars: usize) -> (Range<usize>, bool, bool) {
    if range.len() <= max_chars {
        return (range, false, false);
    }
    let start = focus.start;
    let mut end = (start + max_chars).min(focus.end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < focus.end {
        if let Some(space) = text[start..end].rfind(' ') {
            end = start + space;
        }
    }
    (start..end, start > range.start, end < range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(words: &[&str]) -> HashSet<String> {
        let analyzer = Analyzer::default();
        words.iter().flat_map(|w| analyzer.terms(w)).collect()
    }

    #[test]
    fn picks_the_matching_sentence_and_highlights_words() {
        let passage = "SMIC runs several fabs. Huawei is projected to hold about 50% of the market in 2026. Other vendors trail.";
        let s = build(passage, &wanted(&["Huawei", "market"]), &Analyzer::default(), 90);
        assert!(s.text.starts_with("Huawei is projected"), "{}", s.text);
        let marked: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, vec!["Huawei", "market"]);
    }

    #[test]
    fn neighbours_are_added_while_they_fit() {
        let passage = "Alpha one. Beta HBM two. Gamma three.";
        let s = build(passage, &wanted(&["hbm"]), &Analyzer::default(), 300);
        assert_eq!(s.text, passage);
    }

    #[test]
    fn long_sentences_are_clipped_on_word_boundaries() {
        let passage = format!("HBM {} end.", "supply ".repeat(100));
        let s = build(&passage, &wanted(&["hbm"]), &Analyzer::default(), 100);
        assert!(s.text.len() <= 100 + " …".len(), "{}", s.text.len());
        assert!(s.text.ends_with(" …"));
        assert_eq!(&s.text[s.highlights[0].clone()], "HBM");
    }
}
