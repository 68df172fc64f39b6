//! Short noun phrases taken from the sentence, for what a share or change is
//! "of": forward after "of" ("50% of the HBM market" -> "HBM market") and
//! backward before a change verb ("HBM revenue will grow" -> "HBM revenue")
//! or before a level ("Revenue was US$68.1 billion" -> "Revenue").
//!
//! Determiners, hedges and auxiliaries are left out; a phrase stops at
//! punctuation, prepositions, conjunctions, verbs and numbers, and keeps at
//! most six words. A pronoun ("80% of them") gives no phrase, nor does a
//! phrase that a participle shows to be the tail of a longer one ("servers
//! carrying high-end GPUs"). Backward, one prepositional phrase is kept with
//! its head when short ("revenue from AI accelerators"), else the head alone,
//! unless the head is vague ("a target of revenue" gives "revenue").

use super::super::number::HEDGES;
use super::change_words::is_change_word;
use super::words::{ADJECTIVES_ED, COPULAS, LEADING, MODIFIERS, NOUNS_ING, PRONOUNS, STOPS, VERBS};

const MAX_WORDS: usize = 6;

/// Heads too vague to name what a phrase is of ("a target of revenue").
const VAGUE: [&str; 14] = [
    "target", "targets", "goal", "goals", "figure", "figures", "level", "levels", "range",
    "estimate", "estimates", "forecast", "record", "pace",
];

/// Prepositions: a participle after one is an adjective ("of imported chips").
const PREPOSITIONS: [&str; 6] = ["of", "for", "in", "from", "with", "on"];

/// Determiners: a participle after one is an adjective ("the imported chips").
const DETERMINERS: [&str; 11] = ["the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those"];

/// How a backward phrase is sought.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Back {
    /// The subject of a change verb: auxiliaries and change words next to
    /// the position are skipped ("HBM revenue will grow").
    Subject,
    /// The subject of a level: a copula must link it to the figure
    /// ("Revenue was", "record revenue of"), or there is no phrase.
    Level,
    /// A group named right before its examples ("domestic vendors such as"):
    /// the phrase alone, without a prepositional head ("the share of
    /// imported AI chips, mainly from" -> "imported AI chips").
    Group,
}

/// A word of the sentence and where it starts.
type Word<'t> = (usize, &'t str);

/// Length of the word at the start of `text`: letters, digits, apostrophes,
/// hyphens, "&", "/" and inner dots ("U.S."); 0 at punctuation.
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

/// The words from `pos` on, up to the first punctuation mark.
fn words_after(text: &str, pos: usize) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut at = pos;
    while out.len() < 16 {
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        let start = at + rest.len() - trimmed.len();
        let len = word_len(trimmed);
        if len == 0 {
            break;
        }
        out.push((start, &trimmed[..len]));
        at = start + len;
    }
    out
}

/// The words before `pos`, nearest first, up to the first punctuation mark.
pub(super) fn words_before(text: &str, pos: usize) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut end = pos;
    while out.len() < 16 {
        let trimmed = text[..end].trim_end();
        if !trimmed.ends_with(|c: char| c.is_alphanumeric()) {
            break;
        }
        let start = trimmed
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '&' | '.' | '/'))
            .last()
            .map_or(trimmed.len(), |(i, _)| i);
        out.push((start, &trimmed[start..]));
        end = start;
    }
    out
}

fn lower(word: &str) -> String {
    word.to_lowercase().replace('’', "'")
}

fn digit(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
}

/// A verb form that ends a phrase: a known verb, or a past form or participle
/// that is not a known adjective or noun ("advanced", "packaging").
fn verb(w: &str) -> bool {
    VERBS.contains(&w)
        || w.ends_with("ed") && !ADJECTIVES_ED.contains(&w)
        || w.ends_with("ing") && !NOUNS_ING.contains(&w)
}

fn is_hedge(w: &str) -> bool {
    HEDGES.iter().any(|h| !h.contains(' ') && *h == w) || matches!(w, "than" | "close" | "least" | "most" | "much" | "many" | "well")
}

/// The noun phrase starting at `pos` (just after "of"): "the HBM market in
/// 2022" -> "HBM market". One inner "of" is kept ("performance of NVIDIA's
/// H100"), and a "for" after "market" ("market for HBM3").
pub(super) fn forward(text: &str, pos: usize) -> Option<String> {
    let words = words_after(text, pos);
    let mut kept: Vec<Word<'_>> = Vec::new();
    let mut joined = false;
    for &(at, word) in &words {
        let w = lower(word);
        if kept.is_empty() && (LEADING.contains(&w.as_str()) || is_hedge(&w)) {
            continue;
        }
        if kept.is_empty() && PRONOUNS.contains(&w.as_str()) {
            return None;
        }
        let last = kept.last().map(|(_, k)| lower(k));
        if last.as_deref() == Some("of") && LEADING.contains(&w.as_str()) {
            continue;
        }
        let joins = !joined && !kept.is_empty() && (w == "of" || w == "for" && last.as_deref() == Some("market"));
        if joins {
            joined = true;
            kept.push((at, word));
            continue;
        }
        // A participle first is an adjective ("imported chips"); later, a verb.
        let verb_after_noun = verb(&w) && !kept.is_empty();
        if STOPS.contains(&w.as_str()) || verb_after_noun || is_change_word(&w) || digit(word) || kept.len() == MAX_WORDS {
            break;
        }
        kept.push((at, word));
    }
    while kept.last().is_some_and(|(_, w)| matches!(lower(w).as_str(), "of" | "for") || possessive(w)) {
        kept.pop();
    }
    join(text, &kept)
}

/// The noun phrase ending just before `pos`, sought as `mode` says.
pub(super) fn backward(text: &str, pos: usize, mode: Back) -> Option<String> {
    backward_span(text, pos, mode).map(|(start, end)| text[start..end].to_string())
}

/// Where the phrase [`backward`] finds starts and ends.
pub(super) fn backward_span(text: &str, pos: usize, mode: Back) -> Option<(usize, usize)> {
    let words = words_before(text, pos);
    let mut i = 0;
    let lowered = |i: usize| words.get(i).map(|(_, w)| lower(w));
    match mode {
        Back::Group => {}
        Back::Subject => {
            while lowered(i).is_some_and(|w| super::words::AUXILIARIES.contains(&w.as_str()) || is_change_word(&w) || is_hedge(&w)) {
                i += 1;
            }
        }
        Back::Level => {
            let mut linked = false;
            while let Some(w) = lowered(i) {
                if COPULAS.contains(&w.as_str()) {
                    linked = true;
                } else if !(is_hedge(&w) || matches!(w.as_str(), "record" | "still" | "also" | "already" | "to" | "in" | "at")) {
                    break;
                }
                i += 1;
            }
            if !linked {
                return None;
            }
        }
    }
    i = skip_time_phrase(&words, i);
    let (kept, next) = collect(&words, i)?;
    if mode == Back::Group {
        return span(&kept);
    }
    // A prepositional phrase: its head comes before it ("revenue from AI accelerators").
    let preposition = lowered(next).filter(|w| matches!(w.as_str(), "of" | "by" | "for" | "in" | "from"));
    let head = preposition.and_then(|_| collect(&words, next + 1)).map(|(head, _)| head);
    // "a target of revenue": a vague head says less than the phrase after it.
    let vague = |head: &[Word<'_>]| head.first().is_some_and(|(_, w)| VAGUE.contains(&lower(w).as_str()));
    if let Some(head) = head.filter(|h| !vague(h)) {
        if head.len() + 1 + kept.len() <= MAX_WORDS + 2 {
            let mut all = kept;
            all.extend(words.get(next).copied());
            all.extend(head);
            return span(&all);
        }
        return span(&head);
    }
    span(&kept)
}

/// Skips a time phrase before a verb ("revenue for the full fiscal year 2025
/// was"): time words and numbers, then "for", "in" or "during".
fn skip_time_phrase(words: &[Word<'_>], from: usize) -> usize {
    let mut i = from;
    while words.get(i).is_some_and(|(_, w)| digit(w) || super::words::TIME_WORDS.contains(&lower(w).as_str())) {
        i += 1;
    }
    let introduced = words.get(i).is_some_and(|(_, w)| matches!(lower(w).as_str(), "for" | "in" | "during"));
    if i > from && introduced {
        i + 1
    } else {
        from
    }
}

/// The words of a phrase ending at `words[from]` (nearest first), and the
/// index where it stopped; None when it is empty or spoiled by a participle.
fn collect<'t>(words: &[Word<'t>], from: usize) -> Option<(Vec<Word<'t>>, usize)> {
    let mut kept: Vec<Word<'t>> = Vec::new();
    let mut i = from;
    while let Some(&(at, word)) = words.get(i) {
        let w = lower(word);
        if kept.is_empty() && PRONOUNS.contains(&w.as_str()) {
            return None;
        }
        if matches!(w.as_str(), "and" | "per") && !kept.is_empty() {
            kept.push((at, word));
            i += 1;
            continue;
        }
        // "servers carrying high-end GPUs": the phrase is a participle's object.
        let participle = w.ends_with("ing") && !NOUNS_ING.contains(&w.as_str());
        let before = words.get(i + 1).map(|(_, b)| lower(b));
        if participle && !kept.is_empty() && before.as_deref().is_some_and(|b| !STOPS.contains(&b) && !verb(b)) {
            return None;
        }
        // "the imported chips", "of imported chips": a participle after a
        // determiner or preposition is an adjective.
        let adjective = w.ends_with("ed") && before.as_deref().is_none_or(|b| DETERMINERS.contains(&b) || PREPOSITIONS.contains(&b));
        let stops = STOPS.contains(&w.as_str()) || PRONOUNS.contains(&w.as_str()) || verb(&w) && !adjective;
        if stops || is_change_word(&w) || digit(word) || kept.len() == MAX_WORDS {
            break;
        }
        kept.push((at, word));
        i += 1;
    }
    // Trim joins and modifiers at the phrase's start ("annual growth", "and").
    while kept.last().is_some_and(|(_, w)| matches!(lower(w).as_str(), "and" | "per") || MODIFIERS.contains(&lower(w).as_str())) {
        kept.pop();
    }
    (!kept.is_empty()).then_some((kept, i))
}

/// Where the words start and end.
fn span(words: &[Word<'_>]) -> Option<(usize, usize)> {
    let first = words.iter().map(|(at, _)| *at).min()?;
    let last = words.iter().map(|(at, w)| at + w.len()).max()?;
    Some((first, last))
}

/// The text from the first to the last word, as written.
fn join(text: &str, words: &[Word<'_>]) -> Option<String> {
    let first = words.iter().map(|(at, _)| *at).min()?;
    let last = words.iter().map(|(at, w)| at + w.len()).max()?;
    Some(text[first..last].to_string())
}

fn possessive(word: &str) -> bool {
    word.ends_with("'s") || word.ends_with("’s") || word.ends_with("s'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fwd(text: &str) -> Option<String> {
        forward(text, 0)
    }

    fn back(text: &str) -> Option<String> {
        backward(text, text.len(), Back::Subject)
    }

    fn level(text: &str) -> Option<String> {
        backward(text, text.len(), Back::Level)
    }

    #[test]
    fn forward_phrases() {
        assert_eq!(fwd(" the HBM market in 2022").as_deref(), Some("HBM market"));
        assert_eq!(fwd(" China's AI chip market in 2026.").as_deref(), Some("China's AI chip market"));
        assert_eq!(fwd(" all locally made cards.").as_deref(), Some("locally made cards"));
        assert_eq!(fwd(" the performance of NVIDIA's H100, a level").as_deref(), Some("performance of NVIDIA's H100"));
        assert_eq!(fwd(" the market for HBM3, the fourth").as_deref(), Some("market for HBM3"));
        assert_eq!(fwd(" them going to clouds"), None);
        assert_eq!(fwd(" Cambricon's 571.4 billion yuan"), None);
        assert_eq!(fwd(" total DRAM market value from 2024").as_deref(), Some("total DRAM market value"));
        assert_eq!(fwd(" shipments expected to rise").as_deref(), Some("shipments"));
        assert_eq!(fwd(" imported AI chips, mainly").as_deref(), Some("imported AI chips"));
        assert_eq!(fwd(" ASML sales fell to 27%").as_deref(), Some("ASML sales"));
    }

    #[test]
    fn subjects_of_changes() {
        assert_eq!(back("HBM revenue will grow ").as_deref(), Some("HBM revenue"));
        assert_eq!(back("Gartner expected the HBM market to grow ").as_deref(), Some("HBM market"));
        assert_eq!(back("AI server shipments were projected to rise ").as_deref(), Some("AI server shipments"));
        assert_eq!(back("Research and development spending rose ").as_deref(), Some("Research and development spending"));
        assert_eq!(back("Revenue was US$68.1 billion, up "), None);
        assert_eq!(back("TrendForce projected that HBM bit output would grow by ").as_deref(), Some("HBM bit output"));
        assert_eq!(back("while gaming revenue fell ").as_deref(), Some("gaming revenue"));
        assert_eq!(back("although net income fell ").as_deref(), Some("net income"));
        assert_eq!(back("revenue from AI accelerators would grow ").as_deref(), Some("revenue from AI accelerators"));
        assert_eq!(back("shipments of servers carrying high-end GPGPUs grew "), None);
        assert_eq!(
            back("expects total capital spending by Chinese cloud providers and telecom operators to grow ").as_deref(),
            Some("capital spending")
        );
        assert_eq!(back("The result beat Wall Street's revenue expectations by ").as_deref(), Some("Wall Street's revenue expectations"));
        assert_eq!(back("which raises capacity by ").as_deref(), Some("capacity"));
        assert_eq!(back("the imported AI chips will fall ").as_deref(), Some("imported AI chips"));
        assert_eq!(backward("the share of imported AI chips", 30, Back::Group).as_deref(), Some("imported AI chips"));
        assert_eq!(back("suppliers had raised prices by ").as_deref(), Some("prices"));
        assert_eq!(back("TSMC set a target of revenue ").as_deref(), Some("revenue"));
    }

    #[test]
    fn subjects_of_levels() {
        assert_eq!(level("NVIDIA reported record revenue of ").as_deref(), Some("revenue"));
        assert_eq!(level("NVIDIA's revenue was ").as_deref(), Some("NVIDIA's revenue"));
        assert_eq!(level("GAAP earnings per diluted share were ").as_deref(), Some("GAAP earnings per diluted share"));
        assert_eq!(
            level("NVIDIA's data center revenue for the full fiscal year 2025 was ").as_deref(),
            Some("NVIDIA's data center revenue")
        );
        assert_eq!(level("closed the first day at "), None);
        assert_eq!(level("each DRAM die was made about "), None);
    }
}
