//! "Did you mean" suggestions: index terms within a small edit distance of
//! the query's terms, shown as a word that the reports really use.
//!
//! The searched field holds stems ("compani"), so the close stems are found
//! in its term dictionary and each is then shown as it is written in the
//! first passage that holds it. This runs only for a question that found
//! nothing, and spares the index a second, unstemmed copy of every passage.

use std::collections::HashMap;

use tantivy::query::{DfaWrapper, FuzzyTermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, DocSet, Searcher, Term, TERMINATED};

use super::analyze::Analyzer;
use super::schema::Fields;

/// Close stems looked up for their written forms, at most.
const CANDIDATES: usize = 30;
/// Passages read for the written forms of one stem, at most.
const FORM_PASSAGES: usize = 3;

/// A query word: as written (lowercased, folded) and as its index stem.
struct Wanted {
    word: String,
    stem: String,
}

/// Up to `max` close words for the query `words`, best first: fewest edits
/// from the word asked, then most passages.
pub(super) fn suggest(searcher: &Searcher, fields: &Fields, analyzer: &Analyzer, words: &[String], max: usize) -> Vec<String> {
    // Stop words ("and", "the") have no stem: nothing is suggested near them.
    let wanted: Vec<Wanted> = words
        .iter()
        .flat_map(|w| analyzer.keywords(w))
        .filter(|w| w.chars().count() >= 3)
        .filter_map(|word| analyzer.terms(&word).into_iter().next().map(|stem| Wanted { word, stem }))
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut stems: Vec<(String, Close)> = close_stems(searcher, fields, &wanted).into_iter().collect();
    stems.sort_by(|a, b| (a.1.distance, -a.1.passages, &a.0).cmp(&(b.1.distance, -b.1.passages, &b.0)));
    stems.truncate(CANDIDATES);
    // The same limit as for stems, now between the word asked and the form shown.
    let mut shown: Vec<(usize, i64, String)> = Vec::new();
    for (stem, close) in stems {
        let asked = &wanted[close.wanted].word;
        let best = written_forms(searcher, fields, analyzer, &stem)
            .into_iter()
            .map(|form| (edit_distance(asked, &form), form))
            .min();
        if let Some((distance, form)) = best.filter(|(d, form)| *d <= edit_limit(asked) && form != asked) {
            shown.push((distance, -close.passages, form));
        }
    }
    shown.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, _, form) in shown {
        if !out.contains(&form) {
            out.push(form);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

/// Edits allowed from a word of this length.
fn edit_limit(word: &str) -> usize {
    if word.chars().count() <= 4 { 1 } else { 2 }
}

/// An index stem close to a query word.
#[derive(Debug, Clone, Copy)]
struct Close {
    distance: usize,
    /// Passages that hold the stem, over all segments.
    passages: i64,
    /// Which query word it is close to.
    wanted: usize,
}

/// Index stems close to a wanted stem, with their smallest distance. Each
/// wanted stem walks the term dictionary with a Levenshtein automaton, so
/// only the branches that can stay within its limit are read (a full scan
/// of the dictionary took most of a no-hit answer); the exact distance of
/// each term found is then computed as before.
fn close_stems(searcher: &Searcher, fields: &Fields, wanted: &[Wanted]) -> HashMap<String, Close> {
    let mut found: HashMap<String, Close> = HashMap::new();
    let stems: Vec<Vec<char>> = wanted.iter().map(|w| w.stem.chars().collect()).collect();
    let automata: Vec<Option<DfaWrapper>> = wanted
        .iter()
        .map(|w| {
            let limit = edit_limit(&w.stem) as u8;
            FuzzyTermQuery::new(Term::from_field_text(fields.content, &w.stem), limit, false).automaton().ok()
        })
        .collect();
    let mut rows = (Vec::new(), Vec::new());
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(fields.content) else { continue };
        // Wanted stems in order within a segment, as the ties between two
        // wanted stems at the same distance go to the first.
        for (index, (want, automaton)) in wanted.iter().zip(&automata).enumerate() {
            let Some(automaton) = automaton else { continue };
            let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else { continue };
            let limit = edit_limit(&want.stem);
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
                // Lengths in characters: a Han character is three bytes.
                if term == want.stem || term.chars().count().abs_diff(stems[index].len()) > limit {
                    continue;
                }
                let Some(distance) = distance_within(&stems[index], term, limit, &mut rows) else { continue };
                let doc_freq = i64::from(stream.value().doc_freq);
                let entry = found.entry(term.to_string()).or_insert(Close { distance, passages: 0, wanted: index });
                if distance < entry.distance {
                    (entry.distance, entry.wanted) = (distance, index);
                }
                entry.passages += doc_freq;
            }
        }
    }
    found
}

/// The Levenshtein distance between `a` and `b` (by characters) if it is at
/// most `limit`: the table is given up as soon as a whole row exceeds the
/// limit. The automaton only says that a term is within the limit; this
/// gives the exact distance that orders the suggestions. `rows` keeps the
/// table's two rows from call to call.
fn distance_within(a: &[char], b: &str, limit: usize, rows: &mut (Vec<usize>, Vec<usize>)) -> Option<usize> {
    let (previous, current) = rows;
    previous.clear();
    previous.extend(0..=a.len());
    for (i, cb) in b.chars().enumerate() {
        current.clear();
        current.push(i + 1);
        for (j, ca) in a.iter().enumerate() {
            let cost = (previous[j] + usize::from(*ca != cb)).min(previous[j + 1] + 1).min(current[j] + 1);
            current.push(cost);
        }
        if current.iter().all(|&c| c > limit) {
            return None;
        }
        std::mem::swap(previous, current);
    }
    Some(previous[a.len()]).filter(|&d| d <= limit)
}

/// How `stem` is written (lowercased, accents folded) in the first few live
/// passages that hold it.
fn written_forms(searcher: &Searcher, fields: &Fields, analyzer: &Analyzer, stem: &str) -> Vec<String> {
    let term = Term::from_field_text(fields.content, stem);
    let mut forms: Vec<String> = Vec::new();
    let mut read = 0;
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let Ok(inverted) = segment.inverted_index(fields.content) else { continue };
        let Ok(Some(mut postings)) = inverted.read_postings(&term, IndexRecordOption::Basic) else { continue };
        let mut doc = postings.doc();
        while doc != TERMINATED && read < FORM_PASSAGES {
            if !segment.alive_bitset().is_some_and(|bits| bits.is_deleted(doc)) {
                read += 1;
                let Ok(stored) = searcher.doc::<TantivyDocument>(DocAddress::new(ordinal as u32, doc)) else { break };
                let text = |field| stored.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                let passage = format!("{}\n{}", text(fields.title), text(fields.body));
                for token in analyzer.tokens(&passage).into_iter().filter(|t| t.term == stem) {
                    for form in analyzer.keywords(&passage[token.range]) {
                        if !forms.contains(&form) {
                            forms.push(form);
                        }
                    }
                }
            }
            doc = postings.advance();
        }
    }
    forms
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

    #[test]
    fn the_bounded_distance_agrees_with_the_full_one_within_its_limit() {
        let words = ["huawei", "hauwei", "nvidia", "nvdia", "tsmc", "smic", "samsung", "semicon", "", "a", "華為", "华为技术", "wafer", "waffle"];
        let mut rows = (Vec::new(), Vec::new());
        for a in words {
            let chars: Vec<char> = a.chars().collect();
            for b in words {
                for limit in 0..4 {
                    let full = edit_distance(a, b);
                    let expected = (full <= limit).then_some(full);
                    assert_eq!(distance_within(&chars, b, limit, &mut rows), expected, "{a} / {b} within {limit}");
                }
            }
        }
    }

    /// Every term of the content field, scanned in full, against the
    /// automaton's walk: the same stems, distances, wanted words and counts.
    #[test]
    fn the_automaton_finds_what_a_full_scan_finds() {
        use tantivy::{Index, TantivyDocument};
        let (schema, fields) = super::super::schema::build();
        let index = Index::create_in_ram(schema);
        super::super::schema::register(&index);
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let vocabulary = [
            "wafer", "wafers", "waffle", "water", "waiver", "huawei", "hauwei", "huawai", "tsmc", "smic", "tsm",
            "semic", "nvidia", "nvdia", "nividia", "capacity", "capacitor", "export", "expert", "exporter",
            "华为", "华为技术", "晶圆", "晶片", "集成电路", "zürich", "zurich", "ab", "abc", "abd",
        ];
        for (segment, words) in [&vocabulary[..15], &vocabulary[10..], &vocabulary[..]].into_iter().enumerate() {
            for (n, chunk) in words.chunks(3).enumerate() {
                let mut doc = TantivyDocument::default();
                doc.add_text(fields.report_id, format!("s{segment}-{n}"));
                doc.add_text(fields.content, chunk.join(" "));
                writer.add_document(doc).expect("add");
            }
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        let wanted: Vec<Wanted> = ["wafer", "huawei", "tsmc", "nvidia", "华为", "集成电", "export", "zurich", "abc", "capaciti"]
            .iter()
            .map(|w| Wanted { word: w.to_string(), stem: w.to_string() })
            .collect();
        let mut expected: HashMap<String, Close> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(fields.content).expect("inverted");
            let mut stream = inverted.terms().stream().expect("stream");
            while stream.advance() {
                let term = std::str::from_utf8(stream.key()).expect("utf-8");
                for (index, want) in wanted.iter().enumerate() {
                    let (limit, distance) = (edit_limit(&want.stem), edit_distance(&want.stem, term));
                    if term == want.stem || distance > limit {
                        continue;
                    }
                    let entry = expected.entry(term.to_string()).or_insert(Close { distance, passages: 0, wanted: index });
                    if distance < entry.distance {
                        (entry.distance, entry.wanted) = (distance, index);
                    }
                    entry.passages += i64::from(stream.value().doc_freq);
                }
            }
        }
        let key = |m: &HashMap<String, Close>| {
            let mut rows: Vec<_> = m.iter().map(|(t, c)| (t.clone(), c.distance, c.passages, c.wanted)).collect();
            rows.sort();
            rows
        };
        let found = close_stems(&searcher, &fields, &wanted);
        assert!(found.len() >= 10, "a vocabulary with many close words: {:?}", key(&found));
        assert_eq!(key(&found), key(&expected));
        // A Han word one character longer than the one asked is one edit away.
        assert_eq!(found.get("集成电路").map(|c| c.distance), Some(1), "{:?}", key(&found));
    }
}
