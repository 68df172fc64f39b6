//! The measure lexicon (`config/measures.toml`): what a figure can measure
//! (revenue, utilisation, share, power, ...), the figure kinds that can state
//! it, and the words people and reports use for it.
//!
//! Words are kept in index form (the search analyzer's stems), so "shipped"
//! in a question and "shipments" in a report meet at the same measure. The
//! lexicon reads questions ([`Measures::in_question`]), widens searches
//! ([`Measures::expansions`]) and names what a figure in a report measures
//! ([`Measures::of_figure`]).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

pub use crate::error::MeasuresError;
use crate::figures::FigureKind;
use crate::search::{AnalyzedToken, Analyzer};

/// Words of one measure searched in addition to a question's own words.
pub const EXPANSIONS_PER_MEASURE: usize = 4;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    measure: Vec<RawMeasure>,
    #[serde(default)]
    abbreviation: Vec<RawAbbreviation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbbreviation {
    short: String,
    long: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    name: String,
    kinds: Vec<FigureKind>,
    words: Vec<String>,
    #[serde(default)]
    cues: Vec<String>,
}

/// One measure with its words in index form.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub name: String,
    pub kinds: Vec<FigureKind>,
    /// Searchable words and phrases, each a sequence of index terms.
    words: Vec<Vec<String>>,
    /// The same words as written in the lexicon, for searching.
    written: Vec<String>,
    /// Question-only words and phrases, lowercased but not stemmed: stems
    /// are too loose for them ("busy" and "business" share one).
    cues: Vec<Vec<String>>,
}

impl Measure {
    /// Whether a figure of `kind` can state this measure.
    pub fn fits(&self, kind: FigureKind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// The whole lexicon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    measures: Vec<Measure>,
    /// (measure, word) pairs by the word's first index term.
    words_by_first: HashMap<String, Vec<(usize, usize)>>,
    /// (measure, cue) pairs by the cue's first word (uninflected).
    cues_by_first: HashMap<String, Vec<(usize, usize)>>,
    /// Short forms users type and the words reports write ("DC", "data center").
    abbreviations: Vec<(String, String)>,
}

/// The lexicon's words in one sentence, by byte range.
#[derive(Debug, Clone, Default)]
pub struct Located<'m> {
    pub words: Vec<(std::ops::Range<usize>, &'m Measure)>,
}

impl<'m> Located<'m> {
    /// What a figure spanning `span` of kind `kind` measures: the nearest
    /// measure word that fits its kind (words after the figure, as in "85.6%
    /// utilisation", count a little further than words before it).
    pub fn nearest(&self, span: std::ops::Range<usize>, kind: FigureKind) -> Option<&'m Measure> {
        self.words
            .iter()
            .filter(|(_, m)| m.fits(kind))
            .map(|(at, m)| {
                let distance = if at.end <= span.start {
                    span.start - at.end
                } else if at.start >= span.end {
                    (at.start - span.end) + 8
                } else {
                    0
                };
                (distance, *m)
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, m)| m)
    }

    /// Measures whose words lie within `bytes` and fit `kind`.
    pub fn within(&self, bytes: std::ops::Range<usize>, kind: FigureKind) -> Vec<&'m Measure> {
        let mut out: Vec<&'m Measure> = Vec::new();
        for (at, m) in &self.words {
            if at.start >= bytes.start && at.end <= bytes.end && m.fits(kind) && !out.iter().any(|o| o.name == m.name) {
                out.push(m);
            }
        }
        out
    }

    /// Whether any word names one of `names`.
    pub fn names_any(&self, names: &[&str]) -> bool {
        self.words.iter().any(|(_, m)| names.contains(&m.name.as_str()))
    }
}

/// Where a word of the lexicon was found in a sequence of terms.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Found {
    measure: usize,
    start: usize,
    len: usize,
}

impl Measure {
    /// Its words as the lexicon writes them, in order.
    pub fn words_written(&self) -> &[String] {
        &self.written
    }
}

impl Measures {
    /// Reads and checks the lexicon at `path`.
    pub fn load(path: &Path, analyzer: &Analyzer) -> Result<Measures, MeasuresError> {
        let text = std::fs::read_to_string(path).map_err(|source| MeasuresError::Io { path: path.to_path_buf(), source })?;
        Measures::from_toml(&text, path, analyzer)
    }

    /// Parses lexicon text; `path` is named in errors.
    pub fn from_toml(text: &str, path: &Path, analyzer: &Analyzer) -> Result<Measures, MeasuresError> {
        let invalid = |message: String| MeasuresError::Invalid { path: path.to_path_buf(), message };
        let raw: RawLexicon = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut names = HashSet::new();
        let mut measures = Vec::with_capacity(raw.measure.len());
        for m in raw.measure {
            if !names.insert(m.name.clone()) {
                return Err(invalid(format!("measure `{}` is listed twice", m.name)));
            }
            if m.words.is_empty() || m.kinds.is_empty() {
                return Err(invalid(format!("measure `{}` needs at least one word and one kind", m.name)));
            }
            let analyse = |list: &[String]| -> Result<Vec<Vec<String>>, MeasuresError> {
                list.iter()
                    .map(|w| {
                        let terms = analyzer.terms(w);
                        if terms.is_empty() {
                            Err(invalid(format!("`{w}` in measure `{}` is only stop words", m.name)))
                        } else {
                            Ok(terms)
                        }
                    })
                    .collect()
            };
            let words = analyse(&m.words)?;
            let cues: Vec<Vec<String>> = m.cues.iter().map(|c| analyzer.keywords(c)).filter(|k| !k.is_empty()).collect();
            measures.push(Measure { name: m.name, kinds: m.kinds, words, written: m.words, cues });
        }
        let mut words_by_first: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut cues_by_first: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (i, m) in measures.iter().enumerate() {
            for (j, word) in m.words.iter().enumerate() {
                words_by_first.entry(word[0].clone()).or_default().push((i, j));
            }
            for (j, cue) in m.cues.iter().enumerate() {
                cues_by_first.entry(cue[0].clone()).or_default().push((i, j));
            }
        }
        let mut abbreviations = Vec::with_capacity(raw.abbreviation.len());
        for a in raw.abbreviation {
            if a.short.trim().is_empty() || analyzer.terms(&a.long).is_empty() {
                return Err(invalid(format!("abbreviation `{}` needs a short form and a long form with words", a.short)));
            }
            abbreviations.push((a.short.trim().to_string(), a.long));
        }
        Ok(Measures { measures, words_by_first, cues_by_first, abbreviations })
    }

    /// The long forms of the abbreviations `text` uses, each written as a
    /// whole word with the lexicon's capitals ("DC" but not "dc").
    pub fn spelled_out(&self, text: &str) -> Vec<&str> {
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        self.abbreviations.iter().filter(|(short, _)| words.contains(&short.as_str())).map(|(_, long)| long.as_str()).collect()
    }

    /// Measures named in `text` (a question) by words or cues, in the order
    /// they are first named ("how much memory is in a stack": memory, then
    /// stack height); a longer phrase wins over the words inside it.
    pub fn in_question(&self, text: &str, analyzer: &Analyzer) -> Vec<&Measure> {
        let words = analyzer.tokens(text);
        let terms: Vec<String> = words.iter().map(|t| t.term.clone()).collect();
        let keywords = analyzer.keyword_tokens(text);
        let keyword_terms: Vec<String> = keywords.iter().map(|t| t.term.clone()).collect();
        let span = |tokens: &[crate::search::AnalyzedToken], f: &Found| (tokens[f.start].range.start, tokens[f.start + f.len - 1].range.end);
        let mut at: Vec<((usize, usize), Found)> = self.find(&terms).into_iter().map(|f| (span(&words, &f), f)).collect();
        at.extend(self.find_cues(&keyword_terms).into_iter().map(|f| (span(&keywords, &f), f)));
        // A cue inside a longer phrase of another measure yields to it ("perf"
        // in "perf per watt").
        let all = at.clone();
        at.retain(|((s, e), f)| !all.iter().any(|((gs, ge), g)| g.measure != f.measure && gs <= s && e <= ge && ge - gs > e - s));
        at.sort_by_key(|(bytes, f)| (*bytes, f.measure));
        // In a compound ("advanced-node wafer starts") the last word is the head.
        if let [(first, a), (second, b), ..] = at.as_slice() {
            let joined = text.get(first.1..second.0).is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '-'));
            if a.measure != b.measure && joined {
                at.swap(0, 1);
            }
        }
        self.distinct(at.into_iter().map(|(_, f)| f).collect())
    }

    /// Measures named in report text by their words (cues do not count).
    pub fn in_text(&self, terms: &[String]) -> Vec<&Measure> {
        self.distinct(self.find(terms))
    }

    fn distinct(&self, found: Vec<Found>) -> Vec<&Measure> {
        let mut out: Vec<&Measure> = Vec::new();
        for f in found {
            let m = &self.measures[f.measure];
            if !out.iter().any(|o| o.name == m.name) {
                out.push(m);
            }
        }
        out
    }

    /// The index terms of `text` that belong to measure words or cues.
    pub fn covered_terms(&self, text: &str, analyzer: &Analyzer) -> HashSet<String> {
        let terms = analyzer.terms(text);
        let mut out: HashSet<String> = self.find(&terms).iter().flat_map(|f| terms[f.start..f.start + f.len].iter().cloned()).collect();
        let keywords = analyzer.keywords(text);
        for f in self.find_cues(&keywords) {
            out.extend(keywords[f.start..f.start + f.len].iter().flat_map(|k| analyzer.terms(k)));
        }
        out
    }

    /// Cue phrases found in `keywords` (lowercased words, in order). A word
    /// may add an inflection to the cue's last word ("pops" for "pop").
    fn find_cues(&self, keywords: &[String]) -> Vec<Found> {
        const ENDINGS: [&str; 5] = ["s", "es", "d", "ed", "ing"];
        let same = |word: &str, cue: &str, last: bool| {
            let inflected = |stem: &str| stem == cue || cue.strip_suffix('e') == Some(stem);
            word == cue || (last && ENDINGS.iter().any(|e| word.strip_suffix(e).is_some_and(inflected)))
        };
        let mut found = Vec::new();
        for (start, word) in keywords.iter().enumerate() {
            // The word as written, or without an inflection (with or without
            // a final "e": "making" may be "make").
            let mut firsts: Vec<String> = vec![word.clone()];
            for e in ENDINGS {
                if let Some(stem) = word.strip_suffix(e).filter(|s| !s.is_empty()) {
                    firsts.push(stem.to_string());
                    firsts.push(format!("{stem}e"));
                }
            }
            for first in &firsts {
                for &(i, j) in self.cues_by_first.get(first).into_iter().flatten() {
                    let cue = &self.measures[i].cues[j];
                    let fits = cue.len() <= keywords.len() - start
                        && cue.iter().enumerate().all(|(k, c)| same(&keywords[start + k], c, k + 1 == cue.len()));
                    let known = found.iter().any(|f: &Found| f.measure == i && f.start == start && f.len == cue.len());
                    if fits && !known {
                        found.push(Found { measure: i, start, len: cue.len() });
                    }
                }
            }
        }
        found
    }

    /// The searchable words of `measures` whose terms are not all among
    /// `own` terms, as written in the lexicon.
    /// At most [`EXPANSIONS_PER_MEASURE`] words each, in the lexicon's order
    /// (its first words are the ones reports use most): every extra word is
    /// another posting list to walk, and the tail of a list adds little.
    pub fn expansions(&self, measures: &[&Measure], own: &HashSet<String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in measures {
            // Words in Latin letters and words in Han characters each get
            // their own quota, so an English question also searches the
            // Chinese words of its measure and the other way round.
            for han in [false, true] {
                let mut taken = 0;
                for (terms, written) in m.words.iter().zip(&m.written) {
                    if taken == EXPANSIONS_PER_MEASURE {
                        break;
                    }
                    let is_han = written.chars().any(crate::segment::is_han);
                    if is_han != han || terms.iter().all(|t| own.contains(t)) || out.contains(written) {
                        continue;
                    }
                    out.push(written.clone());
                    taken += 1;
                }
            }
        }
        out
    }

    /// Where the lexicon's words stand in one sentence of a report (cues
    /// are for questions only): `tokens` are its index terms with byte
    /// ranges. Computed once per sentence and shared by its figures.
    pub fn locate(&self, tokens: &[AnalyzedToken]) -> Located<'_> {
        let terms: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
        let bytes = |f: &Found| tokens[f.start].range.start..tokens[f.start + f.len - 1].range.end;
        Located { words: self.find(&terms).iter().map(|f| (bytes(f), &self.measures[f.measure])).collect() }
    }

    /// Every lexicon word or phrase found in `terms` (index form), longest
    /// first where they overlap (cues are matched by [`Measures::find_cues`]).
    fn find<T: AsRef<str>>(&self, terms: &[T]) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        for (start, term) in terms.iter().enumerate() {
            for &(i, j) in self.words_by_first.get(term.as_ref()).into_iter().flatten() {
                let phrase = &self.measures[i].words[j];
                let rest = &terms[start..];
                if rest.len() >= phrase.len() && phrase.iter().zip(rest).all(|(p, t)| p == t.as_ref()) {
                    found.push(Found { measure: i, start, len: phrase.len() });
                }
            }
        }
        // A phrase inside a longer found phrase of another measure yields.
        let longest = found.clone();
        found.retain(|f| {
            !longest.iter().any(|g| {
                g.len > f.len && g.start <= f.start && f.start + f.len <= g.start + g.len && g.measure != f.measure
            })
        });
        found.sort_by_key(|f| (f.start, f.measure));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Figure;

    const LEXICON: &str = r#"
[[measure]]
name = "utilisation"
kinds = ["percent"]
words = ["utilisation", "utilization rate"]
cues = ["busy"]

[[measure]]
name = "power"
kinds = ["count"]
words = ["power consumption"]

[[measure]]
name = "demand"
kinds = ["count"]
words = ["consumption", "demand"]

[[measure]]
name = "share"
kinds = ["percent"]
words = ["share"]
"#;

    fn lexicon() -> (Measures, Analyzer) {
        let analyzer = Analyzer::default();
        let m = Measures::from_toml(LEXICON, Path::new("test.toml"), &analyzer).expect("test lexicon parses");
        (m, analyzer)
    }

    fn names(found: Vec<&Measure>) -> Vec<&str> {
        found.into_iter().map(|m| m.name.as_str()).collect()
    }

    #[test]
    fn questions_find_words_and_cues_in_any_inflection() {
        let (m, a) = lexicon();
        assert_eq!(names(m.in_question("How busy were SMIC's fabs?", &a)), vec!["utilisation"]);
        assert_eq!(names(m.in_question("demands and shares", &a)), vec!["demand", "share"]);
        assert_eq!(names(m.in_question("shares, and how busy", &a)), vec!["share", "utilisation"], "in the order named");
        assert_eq!(names(m.in_question("how busy, and shares", &a)), vec!["utilisation", "share"]);
        assert_eq!(names(m.in_question("demand share", &a)), vec!["share", "demand"], "the head of a compound comes first");
        assert!(m.in_question("H20 business", &a).is_empty(), "a cue is a word, not a stem");
        assert_eq!(names(m.in_question("were the fabs busier", &a)), Vec::<&str>::new());
        assert_eq!(names(m.in_question("busying", &a)), vec!["utilisation"]);
    }

    #[test]
    fn a_longer_phrase_wins() {
        let (m, a) = lexicon();
        assert_eq!(names(m.in_question("rack power consumption", &a)), vec!["power"]);
        assert_eq!(names(m.in_question("chip consumption in China", &a)), vec!["demand"]);
    }

    #[test]
    fn expansions_leave_out_cues_and_the_questions_own_words() {
        let (m, a) = lexicon();
        let terms = a.terms("busy utilisation");
        let own: HashSet<String> = terms.iter().cloned().collect();
        let found = m.in_question("busy utilisation", &a);
        let expanded = m.expansions(&found, &own);
        assert_eq!(expanded, vec!["utilization rate".to_string()]);
    }

    #[test]
    fn a_figure_takes_the_nearest_fitting_measure() {
        let (m, a) = lexicon();
        let sentence = "SMIC's share of revenue grew while its utilisation rate was 85.6% in 2024.";
        let figure = Figure {
            value: 85.6,
            unit: "%".into(),
            low: None,
            high: None,
            year: Some(2024),
            part: None,
            fiscal: false,
            forecast: false,
            subject: None,
            kind: FigureKind::Percent,
            text: "85.6%".into(),
            sentence: sentence.into(),
            of: None,
            change: false,
            baseline: false,
        };
        let located = m.locate(&a.tokens(sentence));
        let at = sentence.find("85.6%").expect("figure");
        assert_eq!(located.nearest(at..at + 5, figure.kind).map(|m| m.name.as_str()), Some("utilisation"));
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let a = Analyzer::default();
        let twice = "[[measure]]\nname='x'\nkinds=['percent']\nwords=['a1']\n[[measure]]\nname='x'\nkinds=['percent']\nwords=['b1']\n";
        let e = Measures::from_toml(twice, Path::new("m.toml"), &a).unwrap_err().to_string();
        assert!(e.contains("m.toml") && e.contains("twice"), "{e}");
        let kind = "[[measure]]\nname='x'\nkinds=['furlongs']\nwords=['a1']\n";
        assert!(Measures::from_toml(kind, Path::new("m.toml"), &a).is_err());
        let typo = "[[measure]]\nname='x'\nkinds=['percent']\nword=['a1']\n";
        assert!(Measures::from_toml(typo, Path::new("m.toml"), &a).is_err());
    }
}
