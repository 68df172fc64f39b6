//! Segmenting report text, shared by indexing and answer composition:
//! sentence boundaries and the passage windows a report is indexed as.

use std::ops::Range;

mod sentence;

/// Byte ranges of the sentences in `text`, trimmed of surrounding whitespace.
/// Decimals ("35.1"), "e.g." and "U.S." inside a sentence do not end it.
pub fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    sentence::split(text)
}

/// Splits a body into passages of `window` paragraphs. Short paragraphs (a
/// heading, a one-liner) are merged into the next, and very long ones are cut
/// at sentence boundaries, so that every passage is a readable unit.
pub fn passages(body: &str, window: usize) -> Vec<String> {
    const MIN_WORDS: usize = 25;
    const MAX_WORDS: usize = 220;
    let mut paragraphs: Vec<String> = Vec::new();
    let mut carry = String::new();
    for para in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if !carry.is_empty() {
            carry.push(' ');
        }
        carry.push_str(para);
        if carry.split_whitespace().count() >= MIN_WORDS {
            paragraphs.extend(cut_long(&std::mem::take(&mut carry), MAX_WORDS));
        }
    }
    if !carry.is_empty() {
        match paragraphs.last_mut() {
            Some(last) if carry.split_whitespace().count() < MIN_WORDS / 2 => {
                last.push(' ');
                last.push_str(&carry);
            }
            _ => paragraphs.extend(cut_long(&carry, MAX_WORDS)),
        }
    }
    paragraphs.chunks(window.max(1)).map(|c| c.join("\n\n")).collect()
}

fn cut_long(paragraph: &str, max_words: usize) -> Vec<String> {
    if paragraph.split_whitespace().count() <= max_words {
        return vec![paragraph.to_string()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for span in sentence_spans(paragraph) {
        let sentence = &paragraph[span];
        if !current.is_empty()
            && current.split_whitespace().count() + sentence.split_whitespace().count() > max_words
        {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(sentence);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether `c` is a Han character (CJK unified ideographs and their
/// extensions, compatibility ideographs): Chinese text is read with its own
/// rules by the analyzers and the figure extractor.
pub fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        sentence_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_sentences_but_not_abbreviations_or_decimals() {
        let text = "The U.S. rule took effect. Revenue was $35.1 billion, e.g. from Hopper. Really? Yes!";
        assert_eq!(
            sentences(text),
            vec![
                "The U.S. rule took effect.",
                "Revenue was $35.1 billion, e.g. from Hopper.",
                "Really?",
                "Yes!"
            ]
        );
    }

    #[test]
    fn blank_lines_end_sentences() {
        assert_eq!(sentences("Heading\n\nBody text."), vec!["Heading", "Body text."]);
    }

    #[test]
    fn passages_merge_short_paragraphs() {
        let long = "word ".repeat(30);
        let body = format!("Short heading\n\n{long}\n\n{long}");
        let parts = passages(&body, 1);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].starts_with("Short heading word"));
    }

    #[test]
    fn passages_cut_very_long_paragraphs_at_sentences() {
        let sentence = format!("Start {}end. ", "word ".repeat(48));
        let body = sentence.repeat(10);
        let parts = passages(&body, 1);
        assert!(parts.len() >= 3, "{}", parts.len());
        assert!(parts.iter().all(|p| p.trim_end().ends_with("end.")));
    }

    #[test]
    fn window_groups_paragraphs() {
        let long = "word ".repeat(30);
        let body = [long.as_str(); 4].join("\n\n");
        assert_eq!(passages(&body, 2).len(), 2);
    }
}

