//! Short noun phrases taken from the sentence, for what a share or change is
//! "of": forward after "of" ("50% of the HBM market" -> "HBM market") and
//! backward before a change verb ("HBM revenue will grow" -> "HBM revenue").
//! Determiners, hedges and auxiliaries are left out; a phrase stops at
//! punctuation, prepositions, conjunctions, verbs and numbers, and keeps at
//! most six words. A pronoun ("80% of them") gives no phrase.

/// Words a forward phrase starts after.
#[rustfmt::skip]
const LEADING: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "all", "each", "every", "this",
    "that", "these", "those", "record", "roughly", "about", "nearly",
];

/// Pronouns: a phrase that is one says nothing.
#[rustfmt::skip]
const PRONOUNS: &[&str] = &[
    "it", "them", "they", "this", "that", "these", "those", "which", "what", "who", "he", "she",
    "we", "us", "one", "ones", "itself", "themselves",
];

/// Words that end a phrase.
#[rustfmt::skip]
const STOPS: &[&str] = &[
    "in", "on", "at", "by", "for", "from", "to", "with", "within", "during", "since", "until",
    "over", "under", "than", "as", "versus", "vs", "between", "among", "into", "through",
    "across", "after", "before", "against", "despite", "via", "amid", "about", "around", "or",
    "but", "while", "whereas", "which", "that", "who", "whose", "where", "when", "because", "if",
    "will", "would", "could", "should", "may", "might", "can", "must", "shall", "is", "are",
    "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "going",
    "according", "compared", "including", "such", "like", "up", "down", "due", "so", "not",
    "also", "however", "said", "says", "say", "expects", "expected", "expect", "estimated",
    "projected", "forecast", "forecasts", "reported", "reports", "put", "puts", "saw", "sees",
    "the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "all",
    "each", "every", "of", "and", "it", "they", "he", "she", "we", "them", "there", "here",
    "more", "less", "than", "only", "just", "still", "even", "again", "then", "now", "today",
];

/// Words skipped right before a change verb ("will", "is expected to").
#[rustfmt::skip]
const AUXILIARIES: &[&str] = &[
    "will", "would", "could", "should", "may", "might", "can", "must", "shall", "is", "are",
    "was", "were", "be", "been", "being", "has", "have", "had", "to", "expected", "projected",
    "forecast", "set", "likely", "estimated", "anticipated", "also", "further", "still", "only",
    "again", "reportedly", "seen", "poised", "slated", "then", "already", "than", "more",
    "nearly", "almost", "roughly", "about", "around", "over", "up", "down", "by", "at", "of",
    "reached", "hit", "totaled", "totalled", "stood", "came", "in", "record", "a", "an",
    "some", "approximately", "just", "close", "well", "even", "estimated", "so", "much",
];

/// Adjectives left off the front of a change's phrase ("annual growth").
#[rustfmt::skip]
const MODIFIERS: &[&str] = &[
    "annual", "annualized", "annualised", "yearly", "quarterly", "sequential", "overall",
    "strong", "rapid", "further", "average", "compound", "organic", "steady", "robust",
    "significant", "slight", "modest", "sharp", "record", "total",
];

const MAX_WORDS: usize = 6;

/// A word of `text` with its byte range.
fn words_after(text: &str, pos: usize) -> impl Iterator<Item = (usize, &str)> {
    let rest = &text[pos..];
    let mut offset = 0;
    std::iter::from_fn(move || {
        let trimmed = rest[offset..].trim_start();
        let start = rest.len() - trimmed.len();
        let len = word_len(trimmed);
        if len == 0 {
            return None;
        }
        offset = start + len;
        Some((pos + start, &trimmed[..len]))
    })
}

/// Length of the word at the start of `text`: letters, digits, apostrophes,
/// hyphens, "&" and inner dots ("U.S."); 0 at punctuation.
fn word_len(text: &str) -> usize {
    let mut len = 0;
    for (i, c) in text.char_indices() {
        let inner = matches!(c, '\'' | '’' | '-' | '&' | '.' | '/')
            && text[i + c.len_utf8()..].starts_with(|n: char| n.is_alphanumeric());
        if c.is_alphanumeric() || inner && len > 0 {
            len = i + c.len_utf8();
        } else {
            break;
        }
    }
    len
}

fn lower(word: &str) -> String {
    word.to_lowercase().replace('’', "'")
}

/// The noun phrase starting at `pos` (just after "of"): "the HBM market in
/// 2022" -> "HBM market". One inner "of" is kept ("performance of NVIDIA's H100").
pub(super) fn forward(text: &str, pos: usize) -> Option<String> {
    let mut words = words_after(text, pos).peekable();
    while words.peek().is_some_and(|(_, w)| LEADING.contains(&lower(w).as_str())) {
        words.next();
    }
    let mut kept: Vec<(usize, &str)> = Vec::new();
    let mut inner_of = false;
    for (at, word) in words {
        let w = lower(word);
        if kept.is_empty() && PRONOUNS.contains(&w.as_str()) {
            return None;
        }
        if w == "of" && !inner_of && !kept.is_empty() {
            inner_of = true;
            kept.push((at, word));
            continue;
        }
        let after_of = kept.last().is_some_and(|(_, k)| *k == "of") && LEADING.contains(&w.as_str());
        if after_of {
            continue;
        }
        if STOPS.contains(&w.as_str()) || word.starts_with(|c: char| c.is_ascii_digit()) || kept.len() == MAX_WORDS {
            break;
        }
        kept.push((at, word));
    }
    while kept.last().is_some_and(|(_, w)| *w == "of" || possessive(w)) {
        kept.pop();
    }
    join(text, &kept)
}

/// The noun phrase ending just before `pos`, skipping auxiliaries and change
/// words next to `pos` first: "the HBM market to grow" -> "HBM market".
pub(super) fn backward(text: &str, pos: usize) -> Option<String> {
    let head = &text[..pos];
    let mut all: Vec<(usize, &str)> = Vec::new();
    let mut end = head.len();
    while all.len() < 16 {
        let trimmed = head[..end].trim_end();
        // Punctuation ends the phrase.
        if !trimmed.ends_with(|c: char| c.is_alphanumeric()) {
            break;
        }
        let start = trimmed
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '&' | '.' | '/'))
            .last()
            .map_or(trimmed.len(), |(i, _)| i);
        all.push((start, &trimmed[start..]));
        end = start;
    }
    let mut words = all.into_iter().peekable();
    while words.peek().is_some_and(|(_, w)| AUXILIARIES.contains(&lower(w).as_str()) || is_change_word(w)) {
        words.next();
    }
    let mut kept: Vec<(usize, &str)> = Vec::new();
    for (at, word) in words {
        let w = lower(word);
        let joins = w == "and" && !kept.is_empty();
        let verbish = (w.ends_with("ed") || w.ends_with("ing")) && !kept.is_empty();
        if !joins && (STOPS.contains(&w.as_str()) || PRONOUNS.contains(&w.as_str()) || verbish)
            || word.starts_with(|c: char| c.is_ascii_digit())
            || kept.len() == MAX_WORDS
        {
            break;
        }
        kept.push((at, word));
    }
    while kept.last().is_some_and(|(_, w)| *w == "and" || MODIFIERS.contains(&lower(w).as_str())) {
        kept.pop();
    }
    kept.reverse();
    while kept.first().is_some_and(|(_, w)| *w == "and") {
        kept.remove(0);
    }
    join(text, &kept)
}

/// The text from the first to the last kept word, as written.
fn join(text: &str, kept: &[(usize, &str)]) -> Option<String> {
    let first = kept.iter().map(|(at, _)| *at).min()?;
    let last = kept.iter().map(|(at, w)| at + w.len()).max()?;
    Some(text[first..last].to_string())
}

fn possessive(word: &str) -> bool {
    word.ends_with("'s") || word.ends_with("’s") || word.ends_with("s'")
}

/// A change verb or noun a backward phrase skips ("HBM revenue will grow").
fn is_change_word(word: &str) -> bool {
    let w = lower(word);
    [
        "grow", "grew", "grown", "growing", "grows", "rise", "rose", "risen", "rising", "rises",
        "fall", "fell", "fallen", "falling", "falls", "increase", "increased", "decline",
        "declined", "drop", "dropped", "jump", "jumped", "climb", "climbed", "surge", "surged",
        "double", "doubled", "triple", "tripled", "gain", "gained", "expand", "expanded",
        "growth", "slip", "slipped", "soar", "soared", "plunge", "plunged", "shrink", "shrank",
    ]
    .contains(&w.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fwd(text: &str) -> Option<String> {
        forward(text, 0)
    }

    fn back(text: &str) -> Option<String> {
        backward(text, text.len())
    }

    #[test]
    fn forward_phrases() {
        assert_eq!(fwd(" the HBM market in 2022").as_deref(), Some("HBM market"));
        assert_eq!(fwd(" China's AI chip market in 2026.").as_deref(), Some("China's AI chip market"));
        assert_eq!(fwd(" all locally made cards.").as_deref(), Some("locally made cards"));
        assert_eq!(fwd(" the performance of NVIDIA's H100, a level").as_deref(), Some("performance of NVIDIA's H100"));
        assert_eq!(fwd(" them going to clouds"), None);
        assert_eq!(fwd(" Cambricon's 571.4 billion yuan"), None);
        assert_eq!(fwd(" total DRAM market value from 2024").as_deref(), Some("total DRAM market value"));
    }

    #[test]
    fn backward_phrases() {
        assert_eq!(back("HBM revenue will grow ").as_deref(), Some("HBM revenue"));
        assert_eq!(back("Gartner expected the HBM market to grow ").as_deref(), Some("HBM market"));
        assert_eq!(back("AI server shipments were projected to rise ").as_deref(), Some("AI server shipments"));
        assert_eq!(back("Research and development spending rose ").as_deref(), Some("Research and development spending"));
        assert_eq!(back("Revenue was US$68.1 billion, up "), None);
        assert_eq!(back("TrendForce projected that HBM bit output would grow by ").as_deref(), Some("HBM bit output"));
        assert_eq!(back("suppliers had preliminarily raised prices ").as_deref(), Some("prices"));
        assert_eq!(back("NVIDIA reported record revenue of ").as_deref(), Some("revenue"));
    }
}
