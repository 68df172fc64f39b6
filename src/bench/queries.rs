//! The query lists every engine runs, drawn from the corpus text: 1–3
//! word queries (each in OR and in AND mode), two- or three-word phrases,
//! and filtered queries (`company:` plus a date range). Each query renders
//! itself in chipbot's language, tantivy's query-parser syntax and FTS5's
//! MATCH syntax.
//!
//! There are two mixes. The *sampled* mix draws words token by token from
//! the text, so most of them are very common words: the worst case for
//! FTS5 and the best for pruning. The *spread* mix draws each word from a
//! rarity band (the quarters of the sampled vocabulary ordered by how many
//! sampled paragraphs hold the word), so rare words are as frequent as
//! common ones, and its phrases are made of the rarer half; that is closer
//! to what users type.
//!
//! chipbot has no AND operator: its free words are OR-ranked (every word
//! scores, none is required). AND-mode queries are therefore sent to
//! chipbot as its plain words, which is at least as much work as a
//! conjunction; tantivy and FTS5 run them as true conjunctions.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::corpus::COMPANIES;
use super::rng::Rng;
use crate::error::{Error, Result};
use crate::report::Report;
use crate::search::Analyzer;

/// How a query combines its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Or,
    And,
    Phrase,
    Filter,
}

impl Mode {
    /// All modes, in report order.
    pub const ALL: [Mode; 4] = [Mode::Or, Mode::And, Mode::Phrase, Mode::Filter];

    /// Lowercase name used in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Or => "or",
            Mode::And => "and",
            Mode::Phrase => "phrase",
            Mode::Filter => "filter",
        }
    }
}

/// How a query list draws its words (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    Sampled,
    Spread,
}

/// Rarity bands of the spread mix; the rarer half is bands 2 and 3.
const BANDS: usize = 4;

/// One benchmark query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub mode: Mode,
    /// Free words (OR, AND and filter modes) or the phrase's words.
    pub words: Vec<String>,
    /// Company filter (filter mode), lowercase.
    pub company: Option<String>,
    /// Inclusive date range (filter mode).
    pub dates: Option<(NaiveDate, NaiveDate)>,
}

impl Query {
    /// chipbot's query language.
    pub fn chipbot(&self) -> String {
        match self.mode {
            Mode::Or | Mode::And => self.words.join(" "),
            Mode::Phrase => format!("\"{}\"", self.words.join(" ")),
            Mode::Filter => {
                let mut out = self.words.join(" ");
                if let Some(company) = &self.company {
                    out.push_str(&format!(" company:\"{company}\""));
                }
                if let Some((after, before)) = self.dates {
                    out.push_str(&format!(" after:{after} before:{before}"));
                }
                out
            }
        }
    }

    /// tantivy's query-parser syntax, with title and body as default fields.
    pub fn tantivy(&self) -> String {
        match self.mode {
            Mode::Or => self.words.join(" "),
            Mode::And => self.words.iter().map(|w| format!("+{w}")).collect::<Vec<_>>().join(" "),
            Mode::Phrase => format!("content:\"{}\"", self.words.join(" ")),
            Mode::Filter => {
                let mut out = format!("+({})", self.words.join(" "));
                if let Some(company) = &self.company {
                    out.push_str(&format!(" +companies:\"{company}\""));
                }
                if let Some((after, before)) = self.dates {
                    out.push_str(&format!(" +published:[{} TO {}]", date_number(after), date_number(before)));
                }
                out
            }
        }
    }

    /// FTS5 MATCH expression; the date range is applied in SQL.
    pub fn fts5(&self) -> String {
        let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
        match self.mode {
            Mode::Or => format!("{{title body}} : ({})", quoted.join(" OR ")),
            Mode::And => format!("{{title body}} : ({})", quoted.join(" AND ")),
            Mode::Phrase => format!("{{title body}} : \"{}\"", self.words.join(" ")),
            Mode::Filter => {
                let mut out = format!("{{title body}} : ({})", quoted.join(" OR "));
                if let Some(company) = &self.company {
                    out.push_str(&format!(" AND companies : \"{company}\""));
                }
                out
            }
        }
    }
}

/// `YYYYMMDD`, the index's date encoding.
fn date_number(date: NaiveDate) -> u32 {
    (date.year().max(0) as u32) * 10_000 + date.month() * 100 + date.day()
}

/// A paragraph kept for drawing queries, with its report's filters.
#[derive(Debug, Clone)]
struct Sample {
    words: Vec<String>,
    companies: Vec<String>,
    year: Option<i32>,
}

/// The eligible words of the sample in [`BANDS`] rarity bands: distinct
/// words ordered from the most to the fewest sampled paragraphs holding
/// them, cut into quarters (0 common .. `BANDS` - 1 rare).
struct Bands {
    /// The words of each band, in that order.
    words: Vec<Vec<String>>,
    band_of: HashMap<String, usize>,
}

/// Keeps a uniform random sample of paragraphs (reservoir sampling) while
/// reports stream past, then draws the query list from them.
pub struct Sampler {
    rng: Rng,
    analyzer: Analyzer,
    reservoir: Vec<Sample>,
    seen: usize,
    capacity: usize,
    /// The spread mix's rarity bands, worked out when the first spread query is drawn.
    bands: Option<Bands>,
}

impl Sampler {
    /// A sampler keeping up to `capacity` paragraphs.
    pub fn new(seed: u64, capacity: usize) -> Sampler {
        Sampler { rng: Rng::derive(seed, 0x5155_4552), analyzer: Analyzer::default(), reservoir: Vec::new(), seen: 0, capacity: capacity.max(1), bands: None }
    }

    /// Considers one random paragraph of `report`.
    pub fn offer(&mut self, report: &Report) {
        let paragraphs: Vec<&str> = report.body.split("\n\n").filter(|p| !p.trim().is_empty()).collect();
        if paragraphs.is_empty() {
            return;
        }
        self.seen += 1;
        let slot = if self.reservoir.len() < self.capacity { Some(self.reservoir.len()) } else {
            Some(self.rng.below(self.seen)).filter(|&i| i < self.capacity)
        };
        let Some(slot) = slot else { return };
        let paragraph = *self.rng.pick(&paragraphs);
        let sample = Sample {
            words: paragraph.split_whitespace().map(str::to_string).collect(),
            companies: report.meta.companies.iter().map(|c| clean_company(c)).filter(|c| !c.is_empty()).collect(),
            year: report.meta.published.map(|d| d.year()),
        };
        if slot == self.reservoir.len() {
            self.reservoir.push(sample);
        } else {
            self.reservoir[slot] = sample;
        }
    }

    /// `count` queries of `mix`, cycling through the modes; OR and AND share words.
    pub fn mix(&mut self, mix: Mix, count: usize) -> Result<Vec<Query>> {
        if self.reservoir.is_empty() {
            return Err(Error::Index("the corpus has no text to draw benchmark queries from".into()));
        }
        let mut out = Vec::with_capacity(count + 3);
        while out.len() < count {
            let words = match mix {
                Mix::Sampled => self.free_words()?,
                Mix::Spread => {
                    let want = self.rng.between(1, 3);
                    self.spread_words(want)
                }
            };
            out.push(Query { mode: Mode::Or, words: words.clone(), company: None, dates: None });
            out.push(Query { mode: Mode::And, words, company: None, dates: None });
            let phrase = match mix {
                Mix::Sampled => self.phrase()?,
                Mix::Spread => self.rare_phrase()?,
            };
            out.push(Query { mode: Mode::Phrase, words: phrase, company: None, dates: None });
            let mut filtered = self.filtered()?;
            if mix == Mix::Spread {
                filtered.words = self.spread_words(filtered.words.len().max(1));
            }
            out.push(filtered);
        }
        out.truncate(count);
        Ok(out)
    }

    /// Works out the rarity bands of the sample once (see [`Bands`]).
    fn ensure_bands(&mut self) {
        if self.bands.is_some() {
            return;
        }
        let mut holding: HashMap<String, usize> = HashMap::new();
        for sample in &self.reservoir {
            let distinct: HashSet<String> =
                sample.words.iter().filter_map(|t| self.eligible(t.trim_matches(|c: char| !c.is_ascii_alphanumeric()))).collect();
            for word in distinct {
                *holding.entry(word).or_default() += 1;
            }
        }
        let mut ranked: Vec<(String, usize)> = holding.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let len = ranked.len().max(1);
        let mut bands = Bands { words: vec![Vec::new(); BANDS], band_of: HashMap::new() };
        for (rank, (word, _)) in ranked.into_iter().enumerate() {
            let band = rank * BANDS / len;
            bands.band_of.insert(word.clone(), band);
            bands.words[band].push(word);
        }
        self.bands = Some(bands);
    }

    /// `want` distinct words, each from a rarity band drawn at random.
    fn spread_words(&mut self, want: usize) -> Vec<String> {
        self.ensure_bands();
        let Some(bands) = &self.bands else { return Vec::new() };
        let mut out: Vec<String> = Vec::new();
        for _ in 0..want * 8 {
            let band = &bands.words[self.rng.below(BANDS)];
            if band.is_empty() {
                continue;
            }
            let word = self.rng.pick(band).clone();
            if !out.contains(&word) {
                out.push(word);
            }
            if out.len() == want {
                break;
            }
        }
        out
    }

    /// Two adjacent searchable words of a sampled paragraph, both in the
    /// rarer half of the bands (falling back to one rare word and its neighbour).
    fn rare_phrase(&mut self) -> Result<Vec<String>> {
        self.ensure_bands();
        for attempt in 0..200 {
            let index = self.rng.below(self.reservoir.len());
            // Tokens with punctuation are not eligible, so none sits inside a phrase.
            let eligible: Vec<Option<String>> = self.reservoir[index].words.iter().map(|t| self.eligible(t)).collect();
            let rare = |w: &Option<String>| {
                w.as_ref().is_some_and(|w| self.bands.as_ref().and_then(|b| b.band_of.get(w)).is_some_and(|&band| band >= BANDS / 2))
            };
            let starts: Vec<usize> = (0..eligible.len().saturating_sub(1))
                .filter(|&i| eligible[i].is_some() && eligible[i + 1].is_some())
                .filter(|&i| if attempt < 150 { rare(&eligible[i]) && rare(&eligible[i + 1]) } else { rare(&eligible[i]) || rare(&eligible[i + 1]) })
                .collect();
            if starts.is_empty() {
                continue;
            }
            let start = *self.rng.pick(&starts);
            return Ok(eligible[start..start + 2].iter().flatten().cloned().collect());
        }
        self.phrase()
    }

    fn eligible(&self, token: &str) -> Option<String> {
        let word = token.to_ascii_lowercase();
        let plain = word.len() >= 3 && word.bytes().all(|b| b.is_ascii_lowercase());
        (plain && !self.analyzer.terms(&word).is_empty()).then_some(word)
    }

    /// 1–3 distinct searchable words from one sampled paragraph.
    fn free_words(&mut self) -> Result<Vec<String>> {
        let want = self.rng.between(1, 3);
        for _ in 0..50 {
            let index = self.rng.below(self.reservoir.len());
            let words = self.words_from(index, want);
            if !words.is_empty() {
                return Ok(words);
            }
        }
        Err(Error::Index("could not find searchable words for benchmark queries".into()))
    }

    /// Up to `want` distinct searchable words of sampled paragraph `index`.
    fn words_from(&mut self, index: usize, want: usize) -> Vec<String> {
        let tokens = self.reservoir[index].words.clone();
        let mut words: Vec<String> = Vec::new();
        for _ in 0..want * 8 {
            let token = tokens[self.rng.below(tokens.len())].trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if let Some(word) = self.eligible(token).filter(|w| !words.contains(w)) {
                words.push(word);
            }
            if words.len() == want {
                break;
            }
        }
        words
    }

    /// Two or three adjacent searchable words, with no punctuation between them.
    fn phrase(&mut self) -> Result<Vec<String>> {
        let wanted = self.rng.between(2, 3);
        for attempt in 0..50 {
            let len = if attempt < 25 { wanted } else { 2 };
            let sample = &self.reservoir[self.rng.below(self.reservoir.len())];
            let eligible: Vec<Option<String>> = sample.words.iter().map(|t| self.eligible(t)).collect();
            let starts: Vec<usize> = (0..eligible.len().saturating_sub(len - 1))
                .filter(|&i| eligible[i..i + len].iter().all(Option::is_some))
                .collect();
            if starts.is_empty() {
                continue;
            }
            let start = *self.rng.pick(&starts);
            return Ok(eligible[start..start + len].iter().flatten().cloned().collect());
        }
        Err(Error::Index("could not find a phrase for benchmark queries".into()))
    }

    /// Words plus the company and a two-year window around a sampled report.
    fn filtered(&mut self) -> Result<Query> {
        let index = self.rng.below(self.reservoir.len());
        let sample = self.reservoir[index].clone();
        let company = if sample.companies.is_empty() {
            clean_company(self.rng.pick::<&str>(&COMPANIES))
        } else {
            self.rng.pick(&sample.companies).clone()
        };
        let year = sample.year.unwrap_or(2019 + self.rng.below(8) as i32);
        let dates = NaiveDate::from_ymd_opt(year - 1, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31));
        let count = self.rng.between(1, 2);
        let mut words = self.words_from(index, count);
        if words.is_empty() {
            words = self.free_words()?;
            words.truncate(count);
        }
        Ok(Query { mode: Mode::Filter, words, company: Some(company), dates })
    }
}

/// A company name reduced to lowercase letters, digits and single spaces,
/// so that it is safe inside every engine's quotes.
fn clean_company(name: &str) -> String {
    let kept: String = name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' }).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportMeta;

    fn report(body: &str) -> Report {
        let meta = ReportMeta {
            id: "r".into(),
            companies: vec!["SK hynix".into()],
            published: NaiveDate::from_ymd_opt(2024, 5, 1),
            ..ReportMeta::default()
        };
        Report { meta, body: body.into(), source: "r.md".into(), hash: String::new() }
    }

    #[test]
    fn queries_cycle_modes_and_render_for_each_engine() {
        let mut sampler = Sampler::new(1, 8);
        sampler.offer(&report("Foundry capacity grew quickly. Advanced packaging demand stays strong."));
        let queries = sampler.mix(Mix::Sampled, 8).expect("queries");
        let modes: Vec<Mode> = queries.iter().map(|q| q.mode).collect();
        assert_eq!(&modes[..4], &Mode::ALL);
        assert_eq!(queries[0].words, queries[1].words);
        let filter = &queries[3];
        assert_eq!(filter.company.as_deref(), Some("sk hynix"));
        assert!(filter.chipbot().contains("company:\"sk hynix\" after:2023-01-01 before:2024-12-31"));
        assert!(filter.tantivy().contains("+published:[20230101 TO 20241231]"));
        assert!(filter.fts5().ends_with("AND companies : \"sk hynix\""));
        assert!(queries[2].chipbot().starts_with('"'));
        let phrase = queries[2].words.join(" ");
        assert!("foundry capacity grew quickly. advanced packaging demand stays strong.".contains(&phrase), "{phrase}");
    }

    #[test]
    fn stop_words_and_numbers_are_never_query_words() {
        let mut sampler = Sampler::new(2, 4);
        sampler.offer(&report("The fab tool wafers, at 35% of 45,000."));
        for q in sampler.mix(Mix::Sampled, 40).expect("queries") {
            for w in &q.words {
                assert!(["wafers", "fab", "tool"].contains(&w.as_str()), "{w}");
            }
        }
    }

    #[test]
    fn the_spread_mix_draws_rare_words_as_often_as_common_ones() {
        let mut sampler = Sampler::new(3, 64);
        // "wafer" is in every paragraph; each other word is in one.
        let rare = ["lithography", "interposer", "hafnium", "photoresist", "reticle", "bonding", "chiplet", "substrate"];
        for (i, word) in rare.iter().enumerate() {
            sampler.offer(&report(&format!("wafer demand {word} sample{} text", ["one", "two", "three", "four", "five", "six", "seven", "eight"][i])));
        }
        let sampled: Vec<String> = sampler.mix(Mix::Sampled, 80).expect("sampled").into_iter().flat_map(|q| q.words).collect();
        let spread: Vec<Query> = sampler.mix(Mix::Spread, 80).expect("spread");
        let spread_words: Vec<&String> = spread.iter().flat_map(|q| &q.words).collect();
        let share = |words: &[&String]| words.iter().filter(|w| rare.contains(&w.as_str())).count() as f64 / words.len() as f64;
        let sampled_refs: Vec<&String> = sampled.iter().collect();
        assert!(share(&spread_words) > 0.3, "rare words in the spread mix: {:.2}", share(&spread_words));
        assert!(spread_words.iter().any(|w| w.as_str() == "wafer" || w.as_str() == "demand"), "common words too");
        assert!(share(&sampled_refs) > 0.0);
        for phrase in spread.iter().filter(|q| q.mode == Mode::Phrase) {
            assert!(phrase.words.iter().any(|w| rare.contains(&w.as_str()) || w.starts_with("sample")), "{:?}", phrase.words);
        }
    }

    #[test]
    fn empty_corpus_is_an_error() {
        assert!(Sampler::new(1, 4).mix(Mix::Sampled, 4).is_err());
    }
}
