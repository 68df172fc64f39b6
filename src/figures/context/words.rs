//! Word lists for noun phrases (`phrase`): what starts, links, ends or is
//! skipped around a phrase. Lowercase; matched against whole words.

/// Words a forward phrase starts after ("of the HBM market").
#[rustfmt::skip]
pub(super) const LEADING: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "all", "each", "every", "this",
    "that", "these", "those", "record",
];

/// Pronouns: a phrase that is one says nothing.
#[rustfmt::skip]
pub(super) const PRONOUNS: &[&str] = &[
    "it", "them", "they", "this", "that", "these", "those", "which", "what", "who", "he", "she",
    "we", "us", "one", "ones", "itself", "themselves", "i", "you",
];

/// Words that end a phrase: prepositions, conjunctions, determiners,
/// auxiliaries and adverbs.
#[rustfmt::skip]
pub(super) const STOPS: &[&str] = &[
    "in", "on", "at", "by", "for", "from", "to", "with", "within", "during", "since", "until",
    "over", "under", "than", "as", "versus", "vs", "between", "among", "into", "through",
    "across", "after", "before", "against", "despite", "via", "amid", "about", "around", "or",
    "but", "while", "whereas", "although", "though", "yet", "which", "that", "who", "whose",
    "where", "when", "because", "if", "will", "would", "could", "should", "may", "might", "can",
    "must", "shall", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
    "do", "does", "did", "according", "compared", "including", "such", "like", "up", "down",
    "due", "so", "not", "also", "however", "the", "a", "an", "its", "their", "his", "her",
    "our", "this", "these", "those", "all", "each", "every", "of", "and", "there", "here",
    "more", "less", "only", "just", "still", "even", "again", "then", "now", "today", "far",
    "much", "very", "some", "both", "either", "neither", "nearly", "almost", "roughly",
    "approximately", "already", "further",
];

/// Verbs that end a phrase (past forms and participles are told by their
/// ending; these are the others).
#[rustfmt::skip]
pub(super) const VERBS: &[&str] = &[
    "said", "says", "say", "expects", "expect", "estimates", "projects", "forecast", "forecasts",
    "believes", "thinks", "notes", "reports", "put", "puts", "saw", "sees", "means", "shows",
    "makes", "gives", "gave", "lets", "allows", "helps", "requires", "require", "needs",
    "brings", "takes", "took", "leaves", "left", "remains", "stays", "seems", "looks", "appears",
    "becomes", "became", "goes", "went", "comes", "came", "runs", "ran", "holds", "held",
    "carries", "offers", "delivers", "reaches", "uses", "includes", "beat", "beats", "missed",
    "misses", "exceeds", "tops", "topped", "surpassed", "outpaced", "trailed", "lagged",
    "consumes", "provides", "supports", "sells", "sold", "buys", "bought", "ships", "produces",
    "generates", "accounts", "represents", "covers", "links", "connects", "combines", "plans",
    "aims", "targets", "wants", "hit", "hits", "got", "gets", "won", "wins", "set", "sets",
    "closed", "opened", "touched", "called", "described", "claims", "claimed", "guided",
];

/// Words skipped before a change verb to reach its subject ("HBM revenue is
/// expected to grow").
#[rustfmt::skip]
pub(super) const AUXILIARIES: &[&str] = &[
    "will", "would", "could", "should", "may", "might", "can", "must", "shall", "is", "are",
    "was", "were", "be", "been", "being", "has", "have", "had", "to", "expected", "projected",
    "forecast", "set", "likely", "estimated", "anticipated", "also", "further", "still", "only",
    "again", "reportedly", "seen", "poised", "slated", "then", "already", "than", "more", "less",
    "nearly", "almost", "roughly", "about", "around", "over", "up", "down", "by", "at", "of",
    "some", "approximately", "just", "close", "well", "even", "so", "much", "itself",
];

/// Copulas and links between a level and its subject ("revenue was",
/// "revenue of", "revenue reached").
#[rustfmt::skip]
pub(super) const COPULAS: &[&str] = &[
    "was", "were", "is", "are", "be", "been", "of", "reached", "totaled", "totalled",
    "amounted", "stood", "remained", "represented", "came", "hit",
];

/// Adjectives and nouns at a phrase's start that say nothing of what it is
/// ("annual growth", "record revenue").
#[rustfmt::skip]
pub(super) const MODIFIERS: &[&str] = &[
    "annual", "annualized", "annualised", "yearly", "quarterly", "sequential", "overall",
    "strong", "rapid", "further", "average", "compound", "organic", "steady", "robust",
    "significant", "slight", "modest", "sharp", "record", "total",
];

/// Words ending in "-ed" that are adjectives in a phrase ("diluted earnings").
#[rustfmt::skip]
pub(super) const ADJECTIVES_ED: &[&str] = &[
    "diluted", "adjusted", "combined", "consolidated", "unaudited", "audited", "advanced",
    "integrated", "dedicated", "related", "stacked", "packaged", "installed", "listed",
    "speed", "based", "need", "red",
];

/// Words ending in "-ing" that are nouns or adjectives in a phrase ("gaming
/// revenue", "packaging capacity").
#[rustfmt::skip]
pub(super) const NOUNS_ING: &[&str] = &[
    "packaging", "manufacturing", "computing", "processing", "networking", "gaming",
    "operating", "training", "spending", "funding", "pricing", "marketing", "engineering",
    "licensing", "testing", "advertising", "building", "mining", "banking", "offering",
    "listing", "financing", "trading", "learning", "housing", "leading", "remaining",
    "outstanding", "existing", "king", "thing", "ring", "string", "spring", "wing", "ceiling",
    "sing", "swing", "sterling", "beijing", "nanjing", "morning", "evening",
];

/// Words of a time phrase, skipped between a subject and its verb
/// ("revenue for the full fiscal year 2025 was").
#[rustfmt::skip]
pub(super) const TIME_WORDS: &[&str] = &[
    "the", "of", "full", "fiscal", "calendar", "financial", "whole", "entire", "same", "first",
    "second", "third", "fourth", "year", "quarter", "half", "period", "month", "fy", "q1", "q2",
    "q3", "q4", "h1", "h2", "1h", "2h", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
];
