//! Snippets: the sentences of a passage that best match the question, cut to
//! a readable length, with the matched words highlighted. Sentences that state
//! a figure the answer lists are taken in first, so that the reader can see
//! every listed number in the snippet it cites.

use std::collections::HashSet;
use std::ops::Range;

use crate::reply::Snippet;
use crate::search::{AnalyzedToken, Analyzer};
use crate::segment::sentence_spans;

/// Separates two pieces of a passage that are not next to each other.
const GAP: &str = " … ";

/// A snippet and the byte ranges of the passage that it shows, in order.
pub struct Built {
    pub snippet: Snippet,
    pub shown: Vec<Range<usize>>,
}

/// Builds the snippet of `passage` for the query terms `wanted` (index form):
/// the best-matching sentence, then each sentence that holds an `anchors`
/// range (byte ranges of the passage, such as the figures the answer lists)
/// while it fits, the better-matching first, then neighbouring sentences that
/// match. With a `lead` range (the figure that heads the answer), its sentence
/// is taken first instead of the best-matching one. Pieces that are not next
/// to each other are joined with [`GAP`].
pub fn build(
    passage: &str,
    wanted: &HashSet<String>,
    analyzer: &Analyzer,
    max_chars: usize,
    anchors: &[Range<usize>],
    lead: Option<Range<usize>>,
) -> Built {
    let tokens = analyzer.tokens(passage);
    let spans = sentence_spans(passage);
    if spans.is_empty() {
        return Built { snippet: Snippet { text: String::new(), highlights: Vec::new() }, shown: Vec::new() };
    }
    let matches: Vec<usize> = spans
        .iter()
        .map(|span| {
            let inside = tokens.iter().filter(|t| t.range.start >= span.start && t.range.end <= span.end);
            inside.filter(|t| wanted.contains(&t.term)).map(|t| t.term.as_str()).collect::<HashSet<_>>().len()
        })
        .collect();
    let lead_sentence = lead.and_then(|l| spans.iter().position(|s| s.start <= l.start && l.end <= s.end));
    let best = lead_sentence.unwrap_or_else(|| (0..spans.len()).max_by_key(|&i| (matches[i], std::cmp::Reverse(i))).unwrap_or(0));
    if spans[best].len() > max_chars {
        let clipped = clip(passage, spans[best].clone(), max_chars);
        return render(passage, &tokens, wanted, vec![clipped], true);
    }
    let anchored = |span: &Range<usize>| anchors.iter().any(|a| a.start < span.end && span.start < a.end);
    let mut chosen = Selection::new(&spans, best);
    // Figure sentences that match more query words first, then the nearer.
    let mut anchor_order: Vec<usize> = (0..spans.len()).filter(|&i| anchored(&spans[i])).collect();
    anchor_order.sort_by_key(|&i| (std::cmp::Reverse(matches[i]), i.abs_diff(best)));
    for i in anchor_order {
        chosen.add_if_fits(i, max_chars);
    }
    chosen.grow(&matches, max_chars);
    let shown = chosen.runs();
    render(passage, &tokens, wanted, shown, false)
}

/// The sentences chosen so far, by index into the sentence spans.
struct Selection<'a> {
    spans: &'a [Range<usize>],
    chosen: Vec<bool>,
}

impl<'a> Selection<'a> {
    fn new(spans: &'a [Range<usize>], first: usize) -> Self {
        let mut chosen = vec![false; spans.len()];
        chosen[first] = true;
        Selection { spans, chosen }
    }

    /// Length of the snippet if sentence `extra` were added.
    fn len_with(&self, extra: usize) -> usize {
        let runs = self.runs_with(Some(extra));
        runs.iter().map(Range::len).sum::<usize>() + GAP.len() * (runs.len() - 1)
    }

    fn add_if_fits(&mut self, i: usize, max_chars: usize) {
        if !self.chosen[i] && self.len_with(i) <= max_chars {
            self.chosen[i] = true;
        }
    }

    /// Adds neighbours of chosen sentences while they fit, the one matching
    /// more query words first (on a tie, the one that comes later).
    fn grow(&mut self, matches: &[usize], max_chars: usize) {
        loop {
            let neighbours = (0..self.spans.len()).filter(|&i| {
                !self.chosen[i] && (i > 0 && self.chosen[i - 1] || i + 1 < self.spans.len() && self.chosen[i + 1])
            });
            let pick = neighbours.filter(|&i| self.len_with(i) <= max_chars).max_by_key(|&i| (matches[i], i));
            match pick {
                Some(i) => self.chosen[i] = true,
                None => return,
            }
        }
    }

    fn runs(&self) -> Vec<Range<usize>> {
        self.runs_with(None)
    }

    /// Byte ranges of the runs of neighbouring chosen sentences.
    fn runs_with(&self, extra: Option<usize>) -> Vec<Range<usize>> {
        let mut runs: Vec<Range<usize>> = Vec::new();
        let mut previous: Option<usize> = None;
        for (i, span) in self.spans.iter().enumerate() {
            if !(self.chosen[i] || extra == Some(i)) {
                continue;
            }
            match runs.last_mut() {
                Some(run) if previous == Some(i - 1) => run.end = span.end,
                _ => runs.push(span.clone()),
            }
            previous = Some(i);
        }
        runs
    }
}

/// The snippet text of the `shown` ranges, with the query words highlighted;
/// a `clipped` sentence ends with an ellipsis.
fn render(passage: &str, tokens: &[AnalyzedToken], wanted: &HashSet<String>, shown: Vec<Range<usize>>, clipped: bool) -> Built {
    let mut text = String::new();
    let mut highlights: Vec<Range<usize>> = Vec::new();
    for (n, range) in shown.iter().enumerate() {
        if n > 0 {
            text.push_str(GAP);
        }
        let shift = text.len();
        text.push_str(&passage[range.clone()]);
        let marked = tokens
            .iter()
            .filter(|t| wanted.contains(&t.term) && t.range.start >= range.start && t.range.end <= range.end)
            .map(|t| t.range.start - range.start + shift..t.range.end - range.start + shift);
        for mark in marked {
            match highlights.last_mut() {
                // Words with nothing between them (Chinese has no spaces) are
                // one highlight: "**寒武纪****2025**" would not render as bold.
                Some(last) if mark.start <= last.end => last.end = last.end.max(mark.end),
                _ => highlights.push(mark),
            }
        }
    }
    if clipped {
        text.push_str(" …");
    }
    Built { snippet: Snippet { text, highlights }, shown }
}

/// Cuts a sentence longer than `max_chars` to its start, on a word boundary.
fn clip(text: &str, sentence: Range<usize>, max_chars: usize) -> Range<usize> {
    let start = sentence.start;
    let mut end = (start + max_chars).min(sentence.end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < sentence.end {
        if let Some(space) = text[start..end].rfind(' ') {
            end = start + space;
        }
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(words: &[&str]) -> HashSet<String> {
        let analyzer = Analyzer::default();
        words.iter().flat_map(|w| analyzer.terms(w)).collect()
    }

    #[test]
    fn touching_words_are_one_highlight() {
        let analyzer = Analyzer::default();
        let passage = "寒武纪2025年上半年的净利润为10.38亿元。";
        let wanted: HashSet<String> = analyzer.terms("寒武纪 2025 净利润").into_iter().collect();
        let s = build(passage, &wanted, &analyzer, 200, &[], None).snippet;
        let marked: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, ["寒武纪2025", "净利润"]);
    }

    #[test]
    fn picks_the_matching_sentence_and_highlights_words() {
        let passage = "SMIC runs several fabs. Huawei is projected to hold about 50% of the market in 2026. Other vendors trail.";
        let s = build(passage, &wanted(&["Huawei", "market"]), &Analyzer::default(), 90, &[], None).snippet;
        assert!(s.text.starts_with("Huawei is projected"), "{}", s.text);
        let marked: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, vec!["Huawei", "market"]);
    }

    #[test]
    fn neighbours_are_added_while_they_fit() {
        let passage = "Alpha one. Beta HBM two. Gamma three.";
        let s = build(passage, &wanted(&["hbm"]), &Analyzer::default(), 300, &[], None).snippet;
        assert_eq!(s.text, passage);
    }

    #[test]
    fn long_sentences_are_clipped_on_word_boundaries() {
        let passage = format!("HBM {} end.", "supply ".repeat(100));
        let s = build(&passage, &wanted(&["hbm"]), &Analyzer::default(), 100, &[], None).snippet;
        assert!(s.text.len() <= 100 + " …".len(), "{}", s.text.len());
        assert!(s.text.ends_with(" …"));
        assert_eq!(&s.text[s.highlights[0].clone()], "HBM");
    }

    #[test]
    fn sentences_of_listed_figures_are_shown_when_they_fit() {
        let passage = "HBM supply is tight. HBM prices rose again this year. Makers added lines. SK hynix held 50% of output.";
        let at = passage.find("50%").expect("figure");
        let anchor = std::iter::once(at..at + 3).collect::<Vec<_>>();
        let words = wanted(&["hbm"]);
        // Without an anchor the snippet grows towards the neighbour that matches.
        let plain = build(passage, &words, &Analyzer::default(), 60, &[], None);
        assert_eq!(plain.snippet.text, "HBM supply is tight. HBM prices rose again this year.");
        // With one, the figure's sentence comes in as its own piece.
        let anchored = build(passage, &words, &Analyzer::default(), 60, &anchor, None);
        assert_eq!(anchored.snippet.text, "HBM supply is tight. … SK hynix held 50% of output.");
        assert_eq!(anchored.shown.len(), 2);
        assert!(anchored.shown[1].contains(&at));
        let marked: Vec<&str> = anchored.snippet.highlights.iter().map(|r| &anchored.snippet.text[r.clone()]).collect();
        assert_eq!(marked, vec!["HBM"]);
        // Pieces that become neighbours are joined without a gap.
        let roomy = build(passage, &words, &Analyzer::default(), 200, &anchor, None);
        assert_eq!(roomy.snippet.text, passage);
        // A figure that does not fit is left out, and the caller drops it.
        let tight = build(passage, &words, &Analyzer::default(), 40, &anchor, None);
        assert_eq!(tight.snippet.text, "HBM supply is tight.");
        assert!(!tight.shown.iter().any(|r| r.contains(&at)));
    }
}
