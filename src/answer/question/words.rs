//! The word lists that read a question: words that only frame it, month
//! names, and the units a question may name with their figure kinds.

use crate::figures::FigureKind;

/// Words that frame a question without saying what it is about. They are not
/// searched when the text reads as a question, and never count as evidence.
pub(super) const FRAME_WORDS: [&str; 41] = [
    "what", "whats", "which", "who", "whom", "when", "where", "how", "much", "many", "does", "did", "do",
    "were", "has", "have", "had", "would", "could", "should", "can", "about", "tell", "me", "give", "get",
    "got", "gets", "getting", "us", "we", "our", "you", "per", "according", "over", "say", "says", "said",
    "now", "up",
];

/// Month names and their short forms: part of a date, not of the topic.
pub(super) const MONTHS: [&str; 23] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
];

/// Units a question may name, lowercase, with the figure kind each belongs to.
pub(super) const UNITS: [(&str, FigureKind); 22] = [
    ("tflops", FigureKind::Compute),
    ("pflops", FigureKind::Compute),
    ("petaflops", FigureKind::Compute),
    ("exaflops", FigureKind::Compute),
    ("tops", FigureKind::Compute),
    ("tb/s", FigureKind::Bandwidth),
    ("gb/s", FigureKind::Bandwidth),
    ("gbps", FigureKind::Bandwidth),
    ("gt/s", FigureKind::Bandwidth),
    ("gb", FigureKind::Memory),
    ("tb", FigureKind::Memory),
    ("gigabytes", FigureKind::Memory),
    ("kw", FigureKind::Power),
    ("mw", FigureKind::Power),
    ("gw", FigureKind::Power),
    ("watts", FigureKind::Power),
    ("w", FigureKind::Power),
    ("nm", FigureKind::Node),
    ("nanometre", FigureKind::Node),
    ("nanometer", FigureKind::Node),
    ("%", FigureKind::Percent),
    ("percent", FigureKind::Percent),
];

/// Every kind of number but a bare year: what "how much" or "is it more
/// than" can be answered with when no measure narrows it.
pub(super) const QUANTITIES: [FigureKind; 9] = [
    FigureKind::Percent,
    FigureKind::Money,
    FigureKind::Count,
    FigureKind::Node,
    FigureKind::Memory,
    FigureKind::Bandwidth,
    FigureKind::Compute,
    FigureKind::Power,
    FigureKind::Multiple,
];

/// Comparative words after "how much" ("how much faster"): with "than" or
/// "vs" they ask for a ratio between two things, without it for a change.
pub(super) const COMPARATIVES: [&str; 26] = [
    "faster", "quicker", "slower", "bigger", "larger", "smaller", "better", "worse", "lower", "higher", "cheaper",
    "pricier", "more", "less", "fewer", "greater", "denser", "hotter", "longer", "shorter", "closer", "stronger",
    "weaker", "costlier", "efficient", "wider",
];

/// Verbs of change: "how much did the stock pop" asks for the change, not
/// an amount ("how much did it rise to" still asks for the amount).
pub(super) const CHANGE_VERBS: [&str; 30] = [
    "pop", "popped", "jump", "jumped", "rise", "rose", "climb", "climbed", "gain", "gained", "grow", "grew", "fall", "fell",
    "drop", "dropped", "surge", "surged", "soar", "soared", "slump", "slumped", "sink", "sank", "plunge", "plunged",
    "shrink", "shrank", "rally", "rallied",
];
