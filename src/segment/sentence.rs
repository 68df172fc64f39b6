//! Sentence splitting for report prose. A sentence ends at ".", "!" or "?"
//! (plus any closing quotes or brackets) followed by whitespace and a word
//! that can start a sentence, at "。！？；", or at a blank line. It does not end
//! at a decimal point ("35.1"), after "e.g."/"approx."/"vs." and the like,
//! nor after "U.S."/"Inc."/"Corp." unless the next word plainly starts a new
//! sentence ("... in the U.S. The company ...").

use std::ops::Range;

/// Abbreviations after which a sentence never ends (lowercase, no final dot).
#[rustfmt::skip]
const NEVER_ENDS: &[&str] = &[
    "e.g", "i.e", "vs", "cf", "al", "mr", "mrs", "ms", "dr", "prof", "approx", "est", "no", "nos",
    "fig", "figs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "st", "ca",
];

/// Company-name abbreviations: a sentence ends after them only before a starter word.
const COMPANY_ENDINGS: &[&str] = &["inc", "corp", "co", "ltd", "plc", "llc", "bhd", "ag", "nv"];

/// Words that plainly open a sentence.
#[rustfmt::skip]
const STARTERS: &[&str] = &[
    "The", "This", "That", "These", "Those", "It", "Its", "In", "On", "At", "By", "For", "But",
    "However", "Meanwhile", "They", "We", "He", "She", "A", "An", "As", "According", "Analysts",
    "Separately", "Still", "Yet", "Also", "Shares", "Revenue", "Sales",
];

/// Byte ranges of the sentences of `text`, trimmed, empty ones dropped.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if i < start {
            continue;
        }
        if let Some(end) = boundary_at(text, i, c) {
            push_trimmed(&mut sentences, text, start, end);
            start = end;
        }
    }
    push_trimmed(&mut sentences, text, start, text.len());
    sentences
}

/// If the character `c` at `i` ends a sentence, the byte where it ends.
fn boundary_at(text: &str, i: usize, c: char) -> Option<usize> {
    match c {
        '\n' => blank_line_follows(&text[i + 1..]).then_some(i + 1),
        '。' | '！' | '？' | '；' => Some(skip_closers(text, i + c.len_utf8())),
        '.' | '!' | '?' => {
            let end = skip_closers(text, i + 1);
            let rest = &text[end..];
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                return None;
            }
            let opens = rest.trim_start().chars().next().is_none_or(opens_sentence);
            let ends = opens && (c != '.' || !abbreviation_before(&text[..i], rest));
            ends.then_some(end)
        }
        _ => None,
    }
}

fn blank_line_follows(rest: &str) -> bool {
    rest.trim_start_matches([' ', '\t', '\r']).starts_with('\n')
}

/// Skip closing quotes and brackets after a terminator.
fn skip_closers(text: &str, mut end: usize) -> usize {
    while let Some(c) = text[end..].chars().next() {
        if !matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»') {
            break;
        }
        end += c.len_utf8();
    }
    end
}

fn opens_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            '"' | '\'' | '“' | '‘' | '(' | '[' | '$' | '€' | '£' | '¥'
        )
        || (!c.is_ascii() && !c.is_lowercase())
}

/// Whether the word before a "." (in `head`) is an abbreviation that keeps
/// the sentence going, given the text after the dot.
fn abbreviation_before(head: &str, rest: &str) -> bool {
    let token = head.rsplit(char::is_whitespace).next().unwrap_or("");
    let token = token.trim_start_matches(['(', '"', '\'', '“', '‘', '[']);
    let lower = token.to_lowercase();
    if NEVER_ENDS.contains(&lower.as_str()) {
        return true;
    }
    let soft = COMPANY_ENDINGS.contains(&lower.as_str()) || is_initialism(token);
    soft && !starter_follows(rest)
}

/// "U.S", "U.K", "J" (the text before the final dot of "U.S." or "J.").
fn is_initialism(token: &str) -> bool {
    !token.is_empty()
        && token.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none()
        })
}

fn starter_follows(rest: &str) -> bool {
    let word: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    STARTERS.contains(&word.as_str())
}

fn push_trimmed(out: &mut Vec<Range<usize>>, text: &str, start: usize, end: usize) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        out.push(start + lead..start + lead + trimmed.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_plain_sentences() {
        assert_eq!(
            sentences("One. Two! Three? "),
            vec!["One.", "Two!", "Three?"]
        );
        assert_eq!(
            sentences("He said \"yes.\" Then left."),
            vec!["He said \"yes.\"", "Then left."]
        );
    }

    #[test]
    fn keeps_decimals_and_abbreviations() {
        let text = "Revenue hit $35.1 billion in the U.S. market, e.g. from Nvidia Inc. sales.";
        assert_eq!(sentences(text), vec![text]);
        assert_eq!(
            sentences("approx. 50% of units"),
            vec!["approx. 50% of units"]
        );
    }

    #[test]
    fn ends_after_abbreviation_before_a_starter() {
        let text = "It sells in the U.S. The company grew.";
        assert_eq!(
            sentences(text),
            vec!["It sells in the U.S.", "The company grew."]
        );
    }

    #[test]
    fn blank_lines_and_lowercase_continuations() {
        assert_eq!(sentences("Title\n\nBody text"), vec!["Title", "Body text"]);
        assert_eq!(
            sentences("costs rose 5 p.c. overall"),
            vec!["costs rose 5 p.c. overall"]
        );
        assert_eq!(sentences("中国。美国"), vec!["中国。", "美国"]);
    }
}
