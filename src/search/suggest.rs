//! "Did you mean" suggestions: index words within a small edit distance of
//! the query's words, taken from the unstemmed vocabulary field so that a
//! suggestion is a real word from the reports.

use tantivy::schema::Field;
use tantivy::Searcher;

use super::analyze::Analyzer;

/// Up to `max` close words for the query `words`, best first.
pub(super) fn suggest(searcher: &Searcher, field: Field, analyzer: &Analyzer, words: &[String], max: usize) -> Vec<String> {
    let wanted: Vec<String> = words
        .iter()
        .flat_map(|w| analyzer.keywords(w))
        .filter(|w| w.chars().count() >= 3)
        // Stop words ("and", "the") are never searched: no point suggesting near them.
        .filter(|w| !analyzer.terms(w).is_empty())
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    // (distance, -doc_freq, word)
    let mut found: Vec<(usize, i64, String)> = Vec::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let Ok(mut stream) = inverted.terms().stream() else { continue };
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
            let doc_freq = i64::from(stream.value().doc_freq);
            for want in &wanted {
                let limit = if want.chars().count() <= 4 { 1 } else { 2 };
                if term == want.as_str() || term.len().abs_diff(want.len()) > limit {
                    continue;
                }
                let distance = edit_distance(want, term);
                if distance <= limit {
                    found.push((distance, -doc_freq, term.to_string()));
                }
            }
        }
    }
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, _, word) in found {
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

/// Levenshtein distance between two words (by characters).
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("huawei", "huawei"), 0);
        assert_eq!(edit_distance("hauwei", "huawei"), 2);
        assert_eq!(edit_distance("nvdia", "nvidia"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
