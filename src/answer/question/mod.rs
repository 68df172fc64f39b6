//! Reading a question as a question: what it asks for (a quantity, a share,
//! a date, a change, yes or no), the measure (through the lexicon), the
//! subjects (through the gazetteer), the period and whether it asks about a
//! forecast or an actual. The result decides which figure answers it and
//! which extra words widen the search.

mod form;
mod period;
mod translate;
mod words;

pub use form::{Ask, Basis};
pub use translate::Translation;
use form::{ask_of, asks_duration, basis_of, narrow_by_ask};
use period::{part_of_year, period_rewrites, years_in};

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::measures::{Measure, Measures};
use words::{FRAME_WORDS, MONTHS, UNITS};
use crate::figures::{FigureKind, Gazetteer};
use crate::query::ParsedQuery;
use crate::search::Analyzer;

/// Words a statement may have and still be read as a search for a figure
/// ("SK hynix HBM market share 2023").
pub const LONG_STATEMENT_WORDS: usize = 6;

/// What a question asks, as far as figures are concerned.
#[derive(Debug, Clone)]
pub struct Question<'m> {
    /// The question as typed.
    pub raw: String,
    /// The question in lower case without spaces or punctuation ([`squash`]).
    squashed: String,
    /// A statement of more than [`LONG_STATEMENT_WORDS`] words, not worded as
    /// a question (a claim to check, a pasted sentence): it asks for no
    /// figure and its measure words are not expanded. Such a text already
    /// carries its own words; widening it lowered ranking quality on SciFact.
    pub long_statement: bool,
    pub ask: Ask,
    /// Measures named by the question's words.
    pub measures: Vec<&'m Measure>,
    /// Figure kinds that can answer (empty: the question asks for no figure).
    pub kinds: HashSet<FigureKind>,
    /// Canonical gazetteer entities named in the question.
    pub subjects: HashSet<String>,
    /// Years the question names ("2024", "FY25", "by 2028").
    pub years: Vec<i32>,
    /// `Some(true)` for a question about the future, `Some(false)` about the past.
    pub forecast: Option<bool>,
    /// All question terms in index form (highlighting, evidence).
    pub terms: HashSet<String>,
    /// Terms that carry the topic: not frame words, measure words, subjects or years.
    pub topic_terms: HashSet<String>,
    /// The same words as typed ("Tesla Model 3"), for saying what was asked.
    pub topic_words: Vec<String>,
    /// Index terms of the words that only frame a question ("how", "much").
    frame_terms: &'static HashSet<String>,
    /// Units the question names ("tflops", "tb/s", "kw"), lowercase.
    pub units: Vec<String>,
    /// The part of a year the question names: quarters 1-4, halves 5 (H1) and 6 (H2).
    pub part: Option<u8>,
    /// The question asks for the newest figure ("latest", "current").
    pub latest: bool,
    /// Terms of the subjects the question names.
    pub subject_terms: HashSet<String>,
    /// Measure words to search in addition, with a lower weight.
    pub expansions: Vec<String>,
    /// The question's own words rewritten as reports write them ("FY25" as
    /// "fiscal 2025"), searched with full weight.
    pub rewrites: Vec<String>,
    /// The question's subjects and measures in the other script, searched
    /// with a weight of their own ([`Translation::weight`]).
    pub translations: Vec<Translation>,
    /// The question compares years ("yoy") or quarters ("qoq").
    pub basis: Option<Basis>,
    /// "By when", "by what year": asks for a deadline ("by 2028").
    pub by_when: bool,
    /// Model names the question asks about, as index terms: the model
    /// ("9030", "h100") and the word before it ("kirin"), for telling a
    /// passage about another model of the same line ([`Question::other_model`]).
    pub models: Vec<(Option<String>, String)>,
}



/// Index terms of [`FRAME_WORDS`] and of month names, analysed once (the
/// analyzer is the index's, the same in every process).
static FRAME_TERMS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let analyzer = Analyzer::default();
    FRAME_WORDS.iter().flat_map(|w| analyzer.terms(w)).collect()
});
static MONTH_TERMS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let analyzer = Analyzer::default();
    MONTHS.iter().chain(["dec"].iter()).flat_map(|w| analyzer.terms(w)).collect()
});

static BY_WHEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bby\s+(?:when|what|which)\b").expect("static by-when pattern"));

static BY_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bby\s+(?:fy)?(?:19|20)\d\d\b").expect("static by-year pattern"));

impl<'m> Question<'m> {
    /// Reads `query` (parsed) with the lexicon and the gazetteer.
    pub fn read(query: &ParsedQuery, measures: &'m Measures, gazetteer: &Gazetteer, analyzer: &Analyzer) -> Question<'m> {
        let raw = &query.raw;
        let lower = raw.to_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let text = query.text_terms().join(" ");
        let sequence = analyzer.terms(&text);
        let found = measures.in_question(&text, analyzer);
        let ask = ask_of(&words, raw);
        let units = units_in(&lower);
        let mut kinds: HashSet<FigureKind> = found.iter().flat_map(|m| m.kinds.iter().copied()).collect();
        narrow_by_ask(&mut kinds, ask, &found);
        if asks_duration(&words) {
            // "how long", "how many years behind": a length of time.
            kinds = [FigureKind::Duration].into();
        }
        let unit_kinds: HashSet<FigureKind> = UNITS.iter().filter(|(u, _)| units.iter().any(|w| w == u)).map(|(_, k)| *k).collect();
        if !unit_kinds.is_empty() && ask != Ask::Time {
            kinds = unit_kinds;
        }
        let subjects: HashSet<String> = gazetteer.mentions(raw).into_iter().collect();
        let years = years_in(raw);
        let covered = measures.covered_terms(&text, analyzer);
        let subject_terms: HashSet<String> = subjects.iter().flat_map(|s| analyzer.terms(s)).collect();
        let frame_terms: &'static HashSet<String> = &FRAME_TERMS;
        let months: &HashSet<String> = &MONTH_TERMS;
        let topic_terms = sequence
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                !covered.contains(*t) && !frame_terms.contains(*t) && !months.contains(*t) && !subject_terms.contains(*t) && !is_year_term(t)
            })
            .map(|(_, t)| t.clone())
            .collect::<HashSet<String>>();
        // "DC sales": reports write "data center".
        // Not for a long statement: in a pasted sentence "DC" may be anything.
        let long_statement = ask == Ask::Keywords && query.terms.len() > LONG_STATEMENT_WORDS;
        let spelled: Vec<String> =
            if long_statement { Vec::new() } else { measures.spelled_out(raw).into_iter().map(str::to_string).collect() };
        let mut topic_terms = topic_terms;
        topic_terms.extend(spelled.iter().flat_map(|long| analyzer.terms(long)));
        let mut rewrites = period_rewrites(raw);
        rewrites.extend(spelled);
        let translations = translate::translations(raw, &sequence, &subjects, &found, part_of_year(&lower), gazetteer, analyzer);
        let models = models_in(&sequence, frame_terms);
        let terms: HashSet<String> = sequence.iter().cloned().collect();
        let topic_words: Vec<String> = written(raw, analyzer, |t| topic_terms.contains(t));
        let expansions = measures.expansions(&found, &terms);
        Question {
            long_statement,
            raw: raw.clone(),
            squashed: squash(raw),
            ask,
            measures: found,
            kinds,
            subjects,
            years,
            forecast: tense_of(&words, raw),
            terms,
            topic_terms,
            topic_words,
            frame_terms,
            units,
            part: part_of_year(&lower),
            latest: query.prefers_recent,
            subject_terms,
            expansions,
            rewrites,
            translations,
            basis: basis_of(&lower),
            by_when: ask == Ask::Time && BY_WHEN.is_match(&lower),
            models,
        }
    }

    /// The index terms whose rarity the translations' weights read.
    pub fn translation_terms(&self, analyzer: &Analyzer) -> Vec<String> {
        self.translations.iter().flat_map(|t| t.terms(analyzer)).collect()
    }

    /// The question's words whose index form satisfies `keep`, as typed, in order.
    pub fn written(&self, analyzer: &Analyzer, keep: impl Fn(&str) -> bool) -> Vec<String> {
        written(&self.raw, analyzer, keep)
    }

    /// Whether the question itself states `figure_text` ("12-layer").
    pub fn quoted(&self, figure_text: &str) -> bool {
        let text = squash(figure_text);
        !text.is_empty() && self.squashed.contains(&text)
    }

    /// Whether a Year figure is a date the question itself names: the same
    /// year, and the same month when the figure has one ("Oct 2022" and
    /// "October 2022").
    pub fn names_date(&self, figure: &crate::figures::Figure) -> bool {
        if figure.kind != FigureKind::Year || !self.years.contains(&(figure.value as i32)) {
            return false;
        }
        let month = |text: &str| {
            let lower = text.to_lowercase();
            MONTHS.iter().take(12).position(|m| lower.split(|c: char| !c.is_alphabetic()).any(|w| w.len() >= 3 && m.starts_with(w)))
        };
        match month(&figure.text) {
            Some(m) => month(&self.raw) == Some(m),
            None => true,
        }
    }

    /// Whether a sentence (its index terms, in order) names another model of
    /// a line the question asks about and not the one asked: "Kirin 9000s"
    /// for "Kirin 9030", "H200" for "H100", "Atlas 900" for "Atlas 960".
    pub fn other_model(&self, sentence: &[&str]) -> bool {
        self.models.iter().any(|(line, model)| {
            if sentence.contains(&model.as_str()) {
                return false;
            }
            let after_line = line.as_ref().is_some_and(|line| {
                sentence.windows(2).any(|w| w[0] == line && w[1] != model && w[1].chars().any(|c| c.is_ascii_digit()))
            });
            let prefix: String = model.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let same_prefix = !prefix.is_empty()
                && sentence.iter().any(|t| {
                    t.starts_with(prefix.as_str()) && t[prefix.len()..].starts_with(|c: char| c.is_ascii_digit()) && *t != model
                });
            after_line || same_prefix
        })
    }

    /// Whether the question asks for a figure at all.
    pub fn wants_figure(&self) -> bool {
        !self.kinds.is_empty() && !self.long_statement
    }

    /// Whether the question is worded as a question ("how ...", "...?").
    pub fn is_question(&self) -> bool {
        self.ask != Ask::Keywords
    }

    /// Whether `term` (index form) frames the question rather than carrying it.
    pub fn is_frame_word(&self, term: &str) -> bool {
        self.frame_terms.contains(term)
    }
}

/// `s` in lower case, letters and digits only: "12-Layer" is "12layer".
fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The words of `raw` whose index form satisfies `keep`, as typed, in order.
fn written(raw: &str, analyzer: &Analyzer, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in analyzer.tokens(raw) {
        let word = raw[token.range.clone()].to_string();
        if keep(&token.term) && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// Units and scales that make a number with letters a quantity, not a model.
const QUANTITY_SUFFIXES: [&str; 16] = ["k", "m", "b", "bn", "mn", "nm", "gb", "tb", "w", "kw", "mw", "gw", "x", "s", "th", "pct"];

/// Model names in a question's index terms: a term with digits and letters
/// ("h100", "910c"), or digits after a product word ("kirin 9030").
fn models_in(sequence: &[String], frame_terms: &HashSet<String>) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for (i, term) in sequence.iter().enumerate() {
        if !term.chars().any(|c| c.is_ascii_digit()) || is_year_term(term) {
            continue;
        }
        let letters: String = term.chars().filter(|c| c.is_ascii_alphabetic()).collect();
        let before = i.checked_sub(1).map(|j| sequence[j].clone()).filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()) && !frame_terms.contains(w));
        let lettered = !letters.is_empty() && !QUANTITY_SUFFIXES.contains(&letters.as_str()) && term.starts_with(|c: char| c.is_ascii_alphabetic() || c.is_ascii_digit());
        if lettered || (letters.is_empty() && before.is_some()) {
            out.push((before, term.clone()));
        }
    }
    out
}

/// "2024" or "fy25": a period, not a topic word ("384" in "CloudMatrix 384" is one).
fn is_year_term(term: &str) -> bool {
    let digits = term.trim_start_matches("fy");
    digits.chars().all(|c| c.is_ascii_digit()) && (digits.len() == 2 && term.starts_with("fy") || digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20")))
}

/// Units named in the (lowercased) question.
fn units_in(lower: &str) -> Vec<String> {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '?' | '(' | ')' | '!' | ';'))
        .map(|w| w.trim_end_matches(['.', ':']))
        .collect();
    let mut out: Vec<String> = Vec::new();
    for w in words {
        // "TB/s", "4,614tflops" and "50%" alike: the unit after any digits.
        let unit = w.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',' || c == '$');
        if UNITS.iter().any(|(u, _)| *u == unit) && !out.iter().any(|o| o == unit) {
            out.push(unit.to_string());
        }
    }
    out
}

/// Future ("will", "expected", "by 2028", "forecast") or past ("was",
/// "did", "last year") wording.
fn tense_of(words: &[&str], raw: &str) -> Option<bool> {
    let future = [
        "will", "forecast", "expected", "expect", "projected", "outlook", "going", "next", "guidance", "guide", "plan", "target",
        "supposed", "set", "due", "planned", "aiming", "aim", "aims", "gonna", "targeting", "targets", "eventually", "could", "might",
        "later", "future",
    ];
    let past = ["was", "were", "did", "last", "reported", "had", "ago"];
    if BY_YEAR.is_match(raw) || words.iter().any(|w| future.contains(w)) {
        Some(true)
    } else if words.iter().any(|w| past.contains(w)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(q: &str, check: impl FnOnce(&Question<'_>)) {
        let analyzer = Analyzer::default();
        let measures = Measures::load(std::path::Path::new("config/measures.toml"), &analyzer).expect("bundled lexicon");
        let gazetteer = Gazetteer::load(std::path::Path::new("config/gazetteer.toml")).expect("bundled gazetteer");
        let parsed = crate::query::parse(q, 500).expect("question parses");
        check(&Question::read(&parsed, &measures, &gazetteer, &analyzer));
    }

    #[test]
    fn everyday_words_find_the_measure() {
        read("How busy were SMIC's fabs over 2024?", |q| {
            assert_eq!(q.measures[0].name, "utilisation");
            assert!(q.kinds.contains(&FigureKind::Percent));
            assert!(q.subjects.contains("SMIC"));
            assert_eq!(q.years, vec![2024]);
            assert_eq!(q.forecast, Some(false));
            assert!(q.expansions.iter().any(|e| e == "utilisation"), "{:?}", q.expansions);
        });
    }

    #[test]
    fn the_form_of_the_question_narrows_the_kinds() {
        read("When will China make more AI chips than it uses?", |q| {
            assert_eq!(q.ask, Ask::Time);
            assert_eq!(q.kinds, [FigureKind::Year].into());
            assert_eq!(q.forecast, Some(true));
        });
        read("What portion of China revenue do Nvidia and AMD pay the US government?", |q| {
            assert_eq!(q.ask, Ask::Share);
            assert_eq!(q.kinds, [FigureKind::Percent].into());
        });
        read("how many accelerators did Chinese vendors ship in 2025", |q| {
            assert_eq!(q.ask, Ask::Count);
            assert!(q.kinds.contains(&FigureKind::Count));
            assert!(!q.kinds.contains(&FigureKind::Money));
        });
    }

    #[test]
    fn comparisons_ask_for_a_ratio_and_growth_for_a_change() {
        read("How much faster is Trillium than the v5e at peak?", |q| {
            assert_eq!(q.ask, Ask::Compare);
            assert!(q.kinds.contains(&FigureKind::Multiple) && q.kinds.contains(&FigureKind::Percent));
        });
        read("how many times more power does CM384 need than a GB200 NVL72?", |q| assert_eq!(q.ask, Ask::Compare));
        read("How close does the Ascend 910C get to an H100 in performance?", |q| assert_eq!(q.ask, Ask::Compare));
        read("how much bigger will the HBM market get in 2025?", |q| assert_eq!(q.ask, Ask::Change));
        read("how much better perf per watt is HBM4 vs HBM3E?", |q| {
            assert_eq!(q.measures[0].name, "efficiency", "the phrase wins over the cue \"perf\" inside it");
        });
    }

    #[test]
    fn ranks_and_durations_are_asked_for() {
        read("Per Jensen, where does China rank among AI markets?", |q| {
            assert_eq!(q.measures[0].name, "rank");
            assert!(q.kinds.contains(&FigureKind::Rank));
        });
        read("how many years behind the big three is CXMT in HBM?", |q| assert_eq!(q.kinds, [FigureKind::Duration].into()));
        read("how long did Samsung's HBM3E take to pass the tests?", |q| assert_eq!(q.kinds, [FigureKind::Duration].into()));
    }

    #[test]
    fn another_model_of_the_line_asked_about_is_told_apart() {
        read("which SMIC process is the Kirin 9030 in the Mate 80 made on?", |q| {
            assert!(q.other_model(&["kirin", "9000s", "was", "made"]));
            assert!(!q.other_model(&["kirin", "9030", "n", "3"]));
            assert!(!q.other_model(&["smic", "n", "3", "process"]));
        });
        read("How close does the Ascend 910C get to an H100?", |q| {
            assert!(q.other_model(&["the", "h200", "is"]));
            assert!(!q.other_model(&["h100", "and", "h200"]));
        });
        read("Did Intel get to $500M of Gaudi sales in 2024?", |q| assert!(q.models.is_empty(), "{:?}", q.models));
    }

    #[test]
    fn a_when_clause_in_a_statement_asks_for_no_date() {
        read("Insulin resistance rises when people sleep less than six hours", |q| assert_ne!(q.ask, Ask::Time));
        read("when will China make more AI chips than it uses", |q| assert_eq!(q.ask, Ask::Time));
        read("China's output passes demand when?", |q| assert_eq!(q.ask, Ask::Time));
    }

    #[test]
    fn keyword_searches_without_a_measure_ask_for_no_figure() {
        read("Huawei Ascend roadmap", |q| {
            assert_eq!(q.ask, Ask::Keywords);
            assert!(!q.wants_figure());
        });
    }
}
