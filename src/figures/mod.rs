//! Figure extraction: finds the quantities quoted in report text — percentages,
//! money, counts, process nodes, memory sizes, bandwidth, compute, power,
//! multiples and fractions, and years — and attaches to each one the period
//! it refers to, whether it is a forecast, the entity it is about, whether it
//! states a change or is a baseline, and what a share or change is of.
//!
//! The pipeline, per sentence (see [`extract`]):
//! 1. [`crate::segment::sentence_spans`] splits the passage without breaking "U.S.", "e.g." or "35.1";
//!    a run of over 2,000 bytes with no sentence end is read in pieces cut at whitespace.
//! 2. `money`, `units`, `nodes` and `multiple` propose candidate spans;
//!    numbers inside a gazetteer product name ("CloudMatrix 384") are
//!    dropped, and overlapping candidates are resolved longest-first, so
//!    "45–50%" is one range figure. A count of "them" takes the noun of the
//!    count before it, in its sentence or the one before (`units::referring`).
//!    A sentence without a digit can only hold multiples ("doubled", "half of").
//! 3. `years` finds year mentions ("in 2026", "FY25", "Q3 2024"); those not
//!    inside another figure become [`FigureKind::Year`] figures and all of them
//!    serve as periods.
//! 4. `context` splits the sentence into clauses, works out which figures
//!    state changes and which are baselines and what a share or change is of
//!    (`context::change`, `context::baseline`, `context::relation`), and
//!    chooses each figure's period (`context::period`), forecast flag
//!    (`context::forecast`, a documented cue heuristic) and subject
//!    (`context::subject`, from [`Gazetteer`] mentions loaded from
//!    `config/gazetteer.toml`).
//!
//! Apart from the shared sentence splitter in [`crate::segment`], the module is
//! self-contained.

mod context;
mod gazetteer;
mod money;
mod multiple;
mod nodes;
mod number;
mod period;
mod ranks;
mod units;
mod years;
mod zh;

#[cfg(test)]
mod tests;

use std::cmp::Reverse;

pub use gazetteer::{EntityKind, Gazetteer, GazetteerError};
pub use period::{Period, YearPart};

/// What kind of quantity a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    Percent,
    Money,
    Count,
    Node,
    Memory,
    Bandwidth,
    Compute,
    Year,
    /// Electrical power. The value is always in watts and the unit "W", however
    /// it is written: "559 kW" is 559,000 W, "1.2 gigawatts" 1.2e9 W.
    Power,
    /// A multiplier or fraction, unit "x", value the ratio: "five times" and
    /// "5x" are 5, "doubled" 2, "half" 0.5, "a third" 1/3. The text is the
    /// multiplier without hedges ("five times" in "about five times the power").
    Multiple,
    /// A place in a ranking, unit "rank", value the place: "second-largest"
    /// is 2 (see `ranks.rs`).
    Rank,
    /// A length of time, unit "years", "months", "weeks" or "days", value
    /// the count: "19 months", "three to four years".
    Duration,
}

/// One quantity found in text, normalised to base units.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    /// Value in base units: "$35.1 billion" -> 35_100_000_000.0; "50%" -> 50.0;
    /// "7nm" -> 7.0; for a range the midpoint is NOT used: value = low.
    pub value: f64,
    /// ISO 4217 code for money ("USD", "CNY", "EUR", "JPY", "KRW", "TWD", ...),
    /// "%" for percent, "W" for power, "x" for multiples, else the normalised
    /// unit: "nm", "GB", "TB/s", "TFLOPS", "wafers/month", "units", "GPUs",
    /// "chips", "cards", "layers", "year", ...
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// The period the figure refers to, where known; for kind Year, the year itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The quarter or half of `year` the figure refers to, where the
    /// sentence names one ("the third quarter of fiscal 2026" -> Q3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<YearPart>,
    /// `year` is a fiscal year ("fiscal 2026", "FY25").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fiscal: bool,
    pub forecast: bool,
    /// Canonical subject name from the gazetteer, e.g. "Huawei". For a
    /// figure about a group the sentence only gives examples of, the group as
    /// the sentence words it ("domestic vendors" in "domestic vendors such as
    /// Huawei, Cambricon and Hygon ... US$1.5 billion").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// For a share, a fraction or a change: what it is a share or change of,
    /// a short noun phrase as the sentence words it ("50% of the HBM market"
    /// -> "HBM market"; "HBM revenue will grow 66.9%" -> "HBM revenue").
    /// None when the sentence does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// The figure states a change — growth or decline — rather than a level:
    /// "up 73%", "grew 66.9%", "a 27% increase", "16% higher", "fell 45.4%",
    /// "doubled". A level reached ("fell to about 55%", "rose to 30%") and a
    /// previous level ("up from 19%") are not changes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub change: bool,
    /// The figure is the base a change or comparison is measured from: the
    /// US$39.3 billion in "US$68.1 billion, up 73% from US$39.3 billion a year
    /// earlier", the 20.5% in "compared with 20.5% in the previous quarter".
    /// A baseline is an actual (never a forecast), and its `year` is its own
    /// earlier period — the year before the main figure's for "a year
    /// earlier" — or None when the sentence does not say; never the main
    /// figure's year by default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
    pub kind: FigureKind,
    /// The exact span of the figure in the text (e.g. "US$10.4bn", "45-50%").
    pub text: String,
    /// The whole sentence containing it (trimmed).
    pub sentence: String,
}

impl Figure {
    /// The period the figure refers to, where known.
    pub fn period(&self) -> Option<Period> {
        self.year.map(|year| Period { year, part: self.part, fiscal: self.fiscal })
    }
}

#[cfg(test)]
impl Figure {
    /// A percentage for tests: `text` worth `value`, stated in `sentence`,
    /// with no subject, period or relation. Tests set other fields with
    /// struct update syntax (`Figure { year: Some(2025), ..Figure::percent(..) }`).
    pub(crate) fn percent(text: &str, value: f64, sentence: &str) -> Figure {
        Figure {
            value,
            unit: "%".into(),
            low: None,
            high: None,
            year: None,
            part: None,
            fiscal: false,
            forecast: false,
            subject: None,
            of: None,
            change: false,
            baseline: false,
            kind: FigureKind::Percent,
            text: text.into(),
            sentence: sentence.into(),
        }
    }
}

/// A figure proposed by a matcher: a byte span of the sentence plus its value.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    start: usize,
    end: usize,
    kind: FigureKind,
    unit: &'static str,
    value: f64,
    low: Option<f64>,
    high: Option<f64>,
    /// The span itself states a change ("doubled", "will triple").
    change: bool,
}

impl Candidate {
    fn single(start: usize, end: usize, kind: FigureKind, unit: &'static str, value: f64) -> Self {
        Candidate {
            start,
            end,
            kind,
            unit,
            value,
            low: None,
            high: None,
            change: false,
        }
    }

    /// The same candidate, marked as stating a change.
    fn into_change(self) -> Self {
        Candidate { change: true, ..self }
    }

    fn range(
        span: (usize, usize),
        kind: FigureKind,
        unit: &'static str,
        low: f64,
        high: f64,
    ) -> Self {
        let (start, end) = span;
        Candidate {
            start,
            end,
            kind,
            unit,
            value: low,
            low: Some(low),
            high: Some(high),
            change: false,
        }
    }
}

/// Extract every figure in `text` (a passage, possibly several sentences), in
/// order of appearance.
pub fn extract(text: &str, gazetteer: &Gazetteer) -> Vec<Figure> {
    let mut figures = Vec::new();
    // The noun of the last count, for "1.65 million of them" in the next sentence.
    let mut antecedent = None;
    // The period of the last Chinese sentence that named one, for "同一季度" in the next.
    let mut period = None;
    for sentence in crate::segment::sentence_spans(text) {
        for range in bounded(text, sentence) {
            let piece = &text[range];
            if piece.chars().any(crate::segment::is_han) {
                let found = zh::extract_sentence(piece, gazetteer, period);
                period = found.iter().rev().filter(|f| !f.baseline).find_map(Figure::period).or(period);
                figures.extend(found);
                antecedent = None;
                continue;
            }
            let (found, noun) = extract_sentence(piece, gazetteer, antecedent);
            figures.extend(found);
            antecedent = noun;
        }
    }
    figures
}

/// The longest sentence, in bytes, read as one. The work on a sentence grows
/// with the square of its figures (each is related to the others) and every
/// figure keeps a copy of its sentence, so a longer run of text with no
/// sentence end (a flattened table, hostile input) is read in pieces of at
/// most this size. The longest sentence of the bundled reports is about 600 bytes.
const MAX_SENTENCE_BYTES: usize = 2_000;

/// `sentence` (a trimmed byte range of `text`) cut at whitespace into trimmed
/// pieces of at most [`MAX_SENTENCE_BYTES`] (a piece with no whitespace is cut
/// at a character boundary).
fn bounded(text: &str, sentence: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut pieces = Vec::new();
    let (mut start, end) = (sentence.start, sentence.end);
    while end - start > MAX_SENTENCE_BYTES {
        let mut limit = start + MAX_SENTENCE_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let cut = match window.rfind(char::is_whitespace) {
            Some(at) if at > 0 => start + window[..at].trim_end().len(),
            _ => limit,
        };
        pieces.push(start..cut);
        let rest = &text[cut..end];
        start = end - rest.trim_start().len();
    }
    if start < end {
        pieces.push(start..end);
    }
    pieces
}

/// All figures of one (trimmed) sentence, and the noun of its last count.
/// `antecedent` is the noun of the previous sentence's last count.
fn extract_sentence(
    sentence: &str,
    gazetteer: &Gazetteer,
    antecedent: Option<&'static str>,
) -> (Vec<Figure>, Option<&'static str>) {
    // Every figure but a multiple, rank or duration written in words
    // ("doubled", "second-largest", "three years") contains a digit.
    if !sentence.bytes().any(|b| b.is_ascii_digit()) && !multiple::may_occur(sentence) && !ranks::may_occur(sentence) {
        return (Vec::new(), None);
    }
    let mut mentions = gazetteer.locate(sentence);
    let found = candidates(sentence, &mentions, antecedent);
    let noun = units::referring::last_noun(&found);
    // Currency words ("U.S. dollars", "US$") are not subjects.
    let money: Vec<&Candidate> = found
        .iter()
        .filter(|c| c.kind == FigureKind::Money)
        .collect();
    mentions.retain(|m| !money.iter().any(|c| m.start < c.end && c.start < m.end));
    let spans: Vec<(usize, usize)> = found.iter().map(|c| (c.start, c.end)).collect();
    let overlaps = |s: usize, e: usize| {
        spans.iter().any(|&(fs, fe)| s < fe && fs < e)
            || mentions.iter().any(|m| s < m.end && m.start < e)
    };
    let years: Vec<years::YearMention> = years::find(sentence)
        .into_iter()
        .filter(|y| !overlaps(y.start, y.end))
        .collect();
    let ctx = context::Context::new(sentence, &years, spans, mentions);
    let relations = ctx.relate(&found);
    let mut all = found;
    all.extend(years.iter().map(years::YearMention::candidate));
    all.sort_by_key(|c| c.start);
    let figures = all.iter().map(|c| build(c, &ctx, &relations, sentence)).collect();
    (figures, noun)
}

/// The non-year figures of a sentence, overlaps resolved. A number inside a
/// product name ("CloudMatrix 384 system", "Gaudi 3 chips") is no figure.
/// `antecedent` is the noun a count's "of them" may refer to.
fn candidates(
    sentence: &str,
    mentions: &[gazetteer::Mention<'_>],
    antecedent: Option<&'static str>,
) -> Vec<Candidate> {
    let mut proposed = money::find(sentence);
    proposed.extend(units::find(sentence));
    proposed.extend(nodes::find(sentence));
    proposed.extend(multiple::find(sentence));
    proposed.extend(ranks::find_ranks(sentence));
    proposed.extend(ranks::find_durations(sentence));
    proposed.retain(|c| {
        !mentions
            .iter()
            .any(|m| m.start < c.start && c.start < m.end)
    });
    let kept = keep_longest(proposed, |c| (c.start, c.end));
    let mut all = coordinated(sentence, &kept);
    all.extend(units::referring::find(sentence, &kept, antecedent));
    all.extend(kept);
    keep_longest(all, |c| (c.start, c.end))
}

/// Bare numbers coordinated with a count share its unit: in "8,192 and
/// 15,488 Ascend chips" both numbers count chips.
fn coordinated(sentence: &str, found: &[Candidate]) -> Vec<Candidate> {
    static BEFORE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!(r"(?P<n>{})\s*(?:,\s*(?:and|or)?|and|or)\s*$", number::NUM))
            .expect("static coordination pattern")
    });
    let mut extra = Vec::new();
    for c in found.iter().filter(|c| c.kind == FigureKind::Count && c.low.is_none()) {
        let mut end = c.start;
        while let Some(n) = BEFORE.captures(&sentence[..end]).and_then(|caps| caps.name("n")) {
            if !number::starts_cleanly(sentence, n.start()) || number::year_like(n.as_str()) {
                break;
            }
            let Some(value) = number::scaled_value(n.as_str(), 0) else { break };
            extra.push(Candidate::single(n.start(), n.end(), c.kind, c.unit, value));
            end = n.start();
        }
    }
    extra
}

/// Turn a candidate into a figure, filling in its context.
fn build(c: &Candidate, ctx: &context::Context<'_>, relations: &context::Relations, sentence: &str) -> Figure {
    let none = context::Relation::none();
    let relation = relations.get(c.start, c.end).unwrap_or(&none);
    let period = match c.kind {
        FigureKind::Year => ctx.period_at(c.start, c.end),
        _ => ctx.period_of(c, relation, relations),
    };
    Figure {
        value: c.value,
        unit: c.unit.to_string(),
        low: c.low,
        high: c.high,
        year: period.map(|p| p.year),
        part: period.and_then(|p| p.part),
        fiscal: period.is_some_and(|p| p.fiscal),
        // A baseline is what was, not what will be.
        forecast: !relation.baseline && ctx.forecast(c.start, c.end),
        subject: ctx.subject(c.start, c.end),
        of: relation.of.clone(),
        change: relation.change,
        baseline: relation.baseline,
        kind: c.kind,
        text: sentence[c.start..c.end].to_string(),
        sentence: sentence.to_string(),
    }
}

/// Resolve overlapping spans: the longest wins (ties go to the earlier one).
/// The survivors are returned in text order.
fn keep_longest<T>(mut items: Vec<T>, span: impl Fn(&T) -> (usize, usize)) -> Vec<T> {
    items.sort_by_key(|item| {
        let (start, end) = span(item);
        (Reverse(end - start), start)
    });
    let mut kept: Vec<T> = Vec::new();
    for item in items {
        let (start, end) = span(&item);
        let clashes = kept.iter().any(|k| {
            let (ks, ke) = span(k);
            start < ke && ks < end
        });
        if !clashes {
            kept.push(item);
        }
    }
    kept.sort_by_key(|item| span(item).0);
    kept
}
