//! Changes and baselines: whether a figure states a change ("up 73%", "a 27%
//! increase", "doubled") or a level ("rose to 30%"), and whether it is the
//! base a change is measured from ("up from 19%", "from US$39.3 billion a
//! year earlier", "compared with 20.5% in the previous quarter").
//!
//! A figure is a baseline when, hedges aside,
//! 1. "from" comes right before it, in a clause that speaks of a change or
//!    with a "to" before the next figure ("rise from 2% in 2023 to 5%"), but
//!    not after "range" or "vary";
//! 2. "compared with", "versus" or "against" comes right before it, and its
//!    own time phrase points earlier, or an earlier figure is a change;
//! 3. its own time phrase starts with an earlier period ("16.4% a year earlier");
//! 4. it continues a list of baselines of its kind ("from A in Q3 and B in Q4 2023").
//!
//! A figure that is no baseline states a change when the words right before
//! it, hedges aside, are a change verb ("rose", "up", "cut ... by"), a change
//! noun with its links ("an increase of", "growth in demand would approach"),
//! or when the words right after it are a change noun ("a 27% increase"), a
//! comparative ("16% higher"; not for multiples, which compare things) or a
//! comparison period ("78% from a year earlier", "17% quarter on quarter").

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::super::number::{skip_hedges, word_after, word_before, HEDGES};
use super::super::{Candidate, FigureKind};
use super::Context;

/// Change verbs that say a quantity moved, in the forms that come right
/// before a figure ("rose 27%", "up 73%", "fell to").
const VERBS: &str = concat!(
    "up|down|rose|risen|rise|rises|rising|grew|grown|grow|grows|growing|fell|fallen|fall|falls|falling",
    "|increased|increases|increasing|increase|decreased|decreases|decreasing|decrease",
    "|declined|declines|declining|decline|dropped|drops|dropping|drop|jumped|jumps|jumping|jump",
    "|surged|surges|surging|surge|soared|soars|soaring|soar|climbed|climbs|climbing|climb",
    "|slipped|slips|slip|slid|slides|sliding|plunged|plunges|plunge|tumbled|tumbles|sank|sinks",
    "|shrank|shrinks|shrinking|shrunk|contracted|contracts|expanded|expands|expanding|expand",
    "|widened|narrowed|accelerated|rallied|dipped|dips|spiked|rebounded|recovered|slumped",
);

/// Verbs that take the figure as their object: a change for a percentage or
/// a multiple ("cut 10%", "gained 161%") or with "by" ("raised prices by
/// 5%"), but an amount otherwise ("raised 8 billion yuan", "lost US$2bn").
const TRANSITIVE: &str = concat!(
    "raised|raises|raising|raise|cut|cuts|cutting|lowered|lowers|lifted|lifts|lifting|lift",
    "|improved|improves|improving|improve|reduced|reduces|reducing|reduce|boosted|boosts|boost",
    "|gained|gains|gaining|gain|lost|loses|losing|lose|shed|trimmed|added|adds|adding",
);

/// Change nouns ("an increase of", "growth in HBM demand would approach").
const NOUNS: &str = concat!(
    r"growth|increases?|rises?|declines?|drops?|falls?|gains?|jumps?|decreases?|reductions?",
    r"|improvements?|expansion|contraction|surges?|CAGR|compound\s+annual(?:\s+growth)?\s+rate",
    r"|(?:annual\s+)?growth\s+rate|annual\s+rate",
);

/// Words that may link a change noun to its figure ("growth would approach").
const LINKS: &str = concat!(
    r"was|is|were|are|will|would|could|should|may|might|can|be|been|has|have|had",
    r"|reach(?:ed|es|ing)?|approach(?:ed|es|ing)?|hit|hits|exceed(?:ed|s|ing)?|top(?:ped|s)?",
    r"|stood|stand|came|come|in|at|of|averag(?:ed|es|ing)|remain(?:ed|s)?|likely|expected",
    r"|projected|forecast|estimated|seen|(?:slow|accelerat|eas)(?:ed|es)\s+to",
);

/// Comparatives after a figure that make it a relative change ("16% higher").
const COMPARATIVES: &str = concat!(
    "higher|lower|more|less|fewer|greater|larger|bigger|smaller|faster|slower|cheaper|better",
    "|worse|thinner|thicker|denser|stronger|weaker|above|below|up|down",
);

/// Comparison periods after a figure ("78% from a year earlier").
const PERIODS: &str = concat!(
    r"year[\s-]+(?:on|over)[\s-]+year|y/y|yoy|y-o-y|on[\s-]year|sequentially",
    r"|quarter[\s-]+(?:on|over)[\s-]+quarter|q/q|qoq",
    r"|(?:from|over)\s+(?:a\s+year|the\s+(?:previous|prior|preceding|same|last|year)|last\s+year)",
    r"|over\s+(?:fiscal\s+)?(?:19|20)[0-9]{2}\b",
);

fn hedge_alternatives() -> String {
    HEDGES.iter().map(|h| h.replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
}

/// The words before a figure, anchored at its start.
static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        concat!(
            r"(?i)(?:\b(?P<v>{verbs})(?:\s+(?:by|at))?",
            r"|\b(?P<t>{transitive})",
            r"|\b(?P<by>by)",
            r"|\b(?P<n>{nouns})(?:\s+(?:in|of|for)\s+(?P<pp>[\w'’.&-]+(?:\s+[\w'’.&-]+){{0,3}}?))?(?:\s+(?:{links}))*",
            r")(?:\s+(?:{hedges}))*\s*$",
        ),
        verbs = VERBS,
        transitive = TRANSITIVE,
        nouns = NOUNS,
        links = LINKS,
        hedges = hedge_alternatives(),
    );
    Regex::new(&pattern).expect("static change-before pattern")
});

/// The words after a figure, anchored at its end.
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        concat!(
            r"(?i)^(?:\s*-\s*|\s+)(?:(?:[a-z][\w-]*\s+)?(?P<n>{nouns})\b(?:\s+(?:in|for|of)\s+)?",
            r"|(?P<c>{comparatives})\b|(?P<p>{periods})\b)",
        ),
        nouns = NOUNS,
        comparatives = COMPARATIVES,
        periods = PERIODS,
    );
    Regex::new(&pattern).expect("static change-after pattern")
});

/// Verbs before "up" that make it no change ("made up 30%").
#[rustfmt::skip]
const NOT_UP: &[&str] = &[
    "make", "makes", "made", "making", "take", "takes", "took", "taken", "taking", "set", "sets",
    "setting", "sum", "sums", "summed",
];

/// Words after a comparative that are no noun it qualifies ("higher than").
#[rustfmt::skip]
const NOT_NOUNS: &[&str] = &[
    "than", "from", "to", "in", "on", "at", "for", "by", "the", "a", "an", "as", "and", "or",
    "but", "while", "year", "quarter", "sequentially", "compared", "versus", "vs", "over",
    "after", "before", "since", "with", "its", "their",
];

/// Participles before "by" that make it an agent, not an amount ("led by").
#[rustfmt::skip]
const AGENTS: &[&str] = &[
    "led", "held", "made", "owned", "run", "built", "given", "taken", "shown", "driven", "done",
    "sold", "paid", "won", "seen", "known", "brought", "bought", "caught", "written", "set",
];

/// How a change was recognised: where its subject phrase is sought back
/// from, a phrase the change is said to be "in" or to qualify ("a 27%
/// increase in revenue", "20% less power"), and where the words that made it
/// a change end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ChangeCue {
    pub(super) back_from: usize,
    pub(super) phrase_at: Option<usize>,
    pub(super) tail_end: usize,
    /// Found after the figure, so the subject is that of a level.
    pub(super) after: bool,
}

/// Change words: verbs and nouns a phrase does not run across.
static CHANGE_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    const NOUN_WORDS: &str = concat!(
        "growth|increase|increases|rise|rises|decline|declines|drop|drops|fall|falls|gain|gains",
        "|jump|jumps|decrease|decreases|reduction|improvement|expansion|contraction|surge|cagr",
        "|double|doubled|doubles|doubling|triple|tripled|triples|tripling|quadrupled|halved",
    );
    [VERBS, TRANSITIVE, NOUN_WORDS].iter().flat_map(|list| list.split('|')).collect()
});

/// Whether `word` (lowercase) is a change verb or noun.
pub(super) fn is_change_word(word: &str) -> bool {
    CHANGE_WORDS.contains(word)
}

impl Context<'_> {
    /// The text a cue may lie in before the figure starting at `start`: its
    /// clause with the leading separator (", up"), at most 160 bytes.
    pub(super) fn lead_text_start(&self, start: usize) -> usize {
        let (lead, _) = self.clause_with_lead(self.clause_of(start));
        let mut from = start.saturating_sub(160).max(lead);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        from
    }

    /// How `c` states a change, if it does (see the module docs).
    pub(super) fn change_cue(&self, c: &Candidate) -> Option<ChangeCue> {
        if matches!(c.kind, FigureKind::Year | FigureKind::Node) {
            return None;
        }
        let from = self.lead_text_start(c.start);
        let text = self.text;
        let cue = |back_from: usize, phrase_at: Option<usize>| ChangeCue { back_from, phrase_at, tail_end: c.end, after: false };
        if let Some(caps) = BEFORE.captures(&text[from..c.start]) {
            let at = |name: &str| caps.name(name).map(|m| (from + m.start(), from + m.end()));
            if let Some((v_start, _)) = at("v") {
                let word = &text[v_start..];
                let up = word.get(..2).is_some_and(|w| w.eq_ignore_ascii_case("up"));
                if !(up && NOT_UP.contains(&word_before(text, v_start).as_str())) {
                    return Some(cue(v_start, None));
                }
            }
            if let Some((t_start, _)) = at("t") {
                if matches!(c.kind, FigureKind::Percent | FigureKind::Multiple) {
                    return Some(cue(t_start, None));
                }
            }
            if let Some((by_start, _)) = at("by") {
                if !AGENTS.contains(&word_before(text, by_start).as_str()) {
                    return Some(cue(by_start, None));
                }
            }
            if let Some((n_start, _)) = at("n") {
                return Some(cue(n_start, at("pp").map(|p| p.0)));
            }
        }
        if c.kind == FigureKind::Percent && text[..c.start].ends_with('+') {
            return Some(cue(c.start, None));
        }
        let caps = AFTER.captures(&text[c.end..])?;
        let whole = caps.get(0)?;
        let tail_end = c.end + whole.end();
        let back_from = skip_hedges(text, c.start).0;
        if let Some(comparative) = caps.name("c") {
            // "5% up from 4%" is a level and its baseline; multiples compare things.
            let word = comparative.as_str().to_ascii_lowercase();
            let from_follows = matches!(word.as_str(), "up" | "down") && word_after(text, tail_end) == "from";
            if c.kind == FigureKind::Multiple || from_follows {
                return None;
            }
            // "20% less power": the change is of the noun after it; in "16%
            // higher than a year earlier" nothing follows.
            let next = word_after(text, tail_end);
            let noun_follows = !next.is_empty() && !NOT_NOUNS.contains(&next.as_str());
            return Some(ChangeCue { back_from, phrase_at: noun_follows.then_some(tail_end), tail_end, after: true });
        }
        let phrase_at = (caps.name("n").is_some() && whole.as_str().ends_with(char::is_whitespace)).then_some(tail_end);
        Some(ChangeCue { back_from, phrase_at, tail_end, after: true })
    }

    /// Whether `c` is a baseline. `previous` is the figure before it with its
    /// baseline flag and time-phrase end; `change_before` whether a figure
    /// before it states a change.
    pub(super) fn is_baseline(&self, c: &Candidate, previous: Option<(&Candidate, bool, usize)>, change_before: bool) -> bool {
        if c.kind == FigureKind::Year {
            return false;
        }
        let text = self.text;
        let own = self.time_phrase(c.end);
        let own_text = &text[c.end..own];
        let (before, _) = skip_hedges(text, c.start);
        let head = text[..before].to_ascii_lowercase();
        let clause_start = self.lead_text_start(c.start);
        if head.ends_with("from") && word_before(text, before) == "from" {
            let from_at = before - 4;
            let ranged = matches!(word_before(text, from_at).as_str(), "range" | "ranges" | "ranged" | "ranging" | "vary" | "varies" | "varying");
            let changing = CHANGE_WORD.is_match(&text[clause_start.min(from_at)..from_at]);
            return !ranged && (changing || self.to_follows(own));
        }
        let compared = ["compared with", "compared to", "versus", "vs", "vs.", "against"]
            .iter()
            .any(|cue| head.ends_with(cue) && !head[..head.len() - cue.len()].ends_with(char::is_alphanumeric));
        if compared {
            return EARLIER.is_match(own_text) || self.own_year_is_earlier(c, own) || change_before;
        }
        if EARLIER_DIRECT.is_match(own_text) {
            return true;
        }
        previous.is_some_and(|(p, baseline, p_end)| {
            baseline && p.kind == c.kind && p_end <= before && LIST_JOIN.is_match(&text[p_end..before])
        })
    }

    /// Whether a "to" comes after `pos` before the next figure in the sentence
    /// ("from 2% in 2023 to 5%").
    fn to_follows(&self, pos: usize) -> bool {
        let next = self.figures.iter().map(|&(s, _)| s).filter(|&s| s >= pos).min();
        next.is_some_and(|next| TO.is_match(&self.text[pos..next]))
    }

    /// Whether a year in `c`'s own time phrase (ending at `own`) is earlier
    /// than every other year of the sentence.
    fn own_year_is_earlier(&self, c: &Candidate, own: usize) -> bool {
        let (inside, outside): (Vec<_>, Vec<_>) = self.years.iter().partition(|y| y.start >= c.end && y.end <= own);
        inside.iter().any(|y| outside.iter().any(|o| o.year > y.year))
    }

    /// The end of the time phrase right after `pos` ("in the fourth quarter of
    /// 2023", "a year earlier"), or `pos` when there is none.
    pub(super) fn time_phrase(&self, pos: usize) -> usize {
        TIME_PHRASE.find(&self.text[pos..]).map_or(pos, |m| pos + m.end())
    }
}

/// A change word anywhere in a clause, for "from" baselines ("rose from").
static CHANGE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:{VERBS}|{NOUNS}|moved|move|moves|shift(?:ed|s)?|take|took|went|go|revised|changed)\b"))
        .expect("static change word pattern")
});

static TO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bto\b").expect("static to pattern"));

/// Words of a time phrase after a figure.
const TIME_WORDS: &str = concat!(
    r"the|a|an|of|first|second|third|fourth|previous|prior|preceding|same|last|fiscal|calendar",
    r"|full|financial|end|close|start|beginning|middle|year|years|quarter|quarters|half|period",
    r"|month|months|earlier|ago|before|today|then|(?:19|20)[0-9]{2}|FY\s?[0-9]{2,4}|Q[1-4]|[1-4]Q[0-9]{2}",
    r"|H[12]|[12]H[0-9]{2}|january|february|march|april|may|june|july|august|september",
    r"|october|november|december",
);

/// A time phrase right after a figure: "in the third quarter", "a year earlier",
/// "at the end of 2024", "in earlier years", "before the restrictions".
static TIME_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:\s+(?:in|at|for|during|of|as\s+of|by)\b)?(?:\s+(?:{TIME_WORDS})\b)+|^\s+(?:before|prior\s+to)\s+the\s+[a-z-]+\b|^\s+previously\b"
    ))
    .expect("static time phrase pattern")
});

/// An earlier period anywhere in a time phrase.
static EARLIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:earlier|ago|before|previous|prior|preceding|last|previously|then)\b")
        .expect("static earlier pattern")
});

/// An earlier period right after a figure: "16.4% a year earlier".
static EARLIER_DIRECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^\s+(?:in\s+)?(?:a\s+(?:year|quarter)\s+(?:earlier|ago|before)|the\s+year\s+before",
        r"|(?:the\s+)?(?:previous|prior|preceding|last)\s+(?:fiscal\s+)?(?:year|quarter|period)",
        r"|the\s+same\s+(?:quarter|period|month)\s+(?:a\s+year\s+(?:earlier|ago|before)|last\s+year)",
        r"|earlier\s+years|previously)\b",
    ))
    .expect("static earlier-direct pattern")
});

/// What may join two baselines of a list: a comma, "and", "or", hedges.
static LIST_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*,?\s*(?:and|or)?\s*$").expect("static list join pattern")
});
