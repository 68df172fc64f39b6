//! The synthetic corpus: Markdown reports with TOML front matter, 1–5 KB
//! each, whose words follow a Zipf distribution over a vocabulary of
//! chip-industry words mixed with made-up words, and whose sentences carry
//! figures ("capacity of 45,000 wafers per month", "US$3.2 billion", "35%").
//!
//! Report `i` depends only on the seed and `i`, so a corpus can be written
//! one file at a time without holding it in memory.

use std::fmt::Write as _;
use std::path::Path;

use super::rng::{Rng, Zipf};
use crate::error::{Error, Result};

/// Words of the domain; they take every eighth rank at the head of the
/// vocabulary, so they are common but not the only common words.
const DOMAIN_WORDS: [&str; 64] = [
    "chip", "wafer", "foundry", "capacity", "accelerator", "memory", "packaging", "lithography",
    "export", "controls", "market", "share", "revenue", "shipments", "demand", "supply", "node",
    "process", "yield", "fab", "inference", "training", "datacenter", "server", "bandwidth",
    "substrate", "interposer", "advanced", "domestic", "forecast", "quarter", "growth", "inventory",
    "pricing", "customers", "hyperscalers", "cluster", "module", "stack", "tooling", "equipment",
    "etching", "deposition", "photoresist", "reticle", "design", "license", "sanctions", "tariff",
    "subsidy", "investment", "expansion", "output", "utilization", "logic", "dram", "nand",
    "silicon", "gallium", "roadmap", "benchmark", "software", "ecosystem", "compiler",
];

/// Companies named in front matter and sentences; all are in the gazetteer.
pub const COMPANIES: [&str; 12] = [
    "Huawei", "NVIDIA", "TSMC", "SMIC", "Samsung", "SK hynix", "Intel", "AMD", "Micron",
    "Cambricon", "CXMT", "ASML",
];

const PUBLISHERS: [&str; 8] = [
    "TrendForce", "Counterpoint", "Bernstein", "SemiAnalysis", "IDC", "Gartner", "TechInsights",
    "Yole Group",
];

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ren", "tor", "va", "zen", "qui", "dar", "bel", "sun", "tri", "nok", "pa",
    "lex", "mor", "vi", "ston", "gra", "fen", "cul", "dro", "ix", "ur",
];

/// Size of the whole vocabulary (domain words plus generated words).
const VOCABULARY: usize = 20_000;
/// Zipf exponent; close to 1, as in natural text.
const ZIPF_EXPONENT: f64 = 1.05;
/// Bounds of a whole report file, front matter included.
const MIN_BYTES: usize = 1_000;
const MAX_BYTES: usize = 5_000;

/// The generator: a vocabulary and its Zipf sampler, fixed by the seed.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    words: Vec<String>,
    zipf: Zipf,
}

/// What writing a corpus produced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Written {
    pub docs: usize,
    pub bytes: u64,
}

impl Generator {
    /// The generator for `seed`.
    pub fn new(seed: u64) -> Generator {
        let mut rng = Rng::derive(seed, u64::MAX);
        let mut words = Vec::with_capacity(VOCABULARY);
        let mut seen = std::collections::HashSet::new();
        let mut domain = DOMAIN_WORDS.iter();
        while words.len() < VOCABULARY {
            let next = if words.len() % 8 == 0 { domain.next().map(|w| w.to_string()) } else { None };
            let word = next.unwrap_or_else(|| made_up_word(&mut rng));
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        Generator { seed, words, zipf: Zipf::new(VOCABULARY, ZIPF_EXPONENT) }
    }

    /// The Markdown text of report `index`.
    pub fn report(&self, index: usize) -> String {
        let mut rng = Rng::derive(self.seed, index as u64);
        let target = rng.between(MIN_BYTES, MAX_BYTES);
        let companies = pick_companies(&mut rng);
        let mut out = String::with_capacity(target + 200);
        self.front_matter(&mut out, index, &companies, &mut rng);
        let mut first = true;
        while out.len() < target {
            if !first {
                out.push_str("\n\n");
            }
            first = false;
            self.paragraph(&mut out, &companies, &mut rng);
        }
        out.truncate(cut_at(&out, MAX_BYTES - 1));
        out.push('\n');
        out
    }

    /// Writes reports `0..docs` as `synth-NNNNNNN.md` files into `dir`.
    pub fn write_corpus(&self, dir: &Path, docs: usize) -> Result<Written> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut bytes = 0u64;
        for index in 0..docs {
            let text = self.report(index);
            let path = dir.join(format!("synth-{index:07}.md"));
            std::fs::write(&path, &text).map_err(|e| Error::io(&path, e))?;
            bytes += text.len() as u64;
        }
        Ok(Written { docs, bytes })
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[self.zipf.sample(rng)]
    }

    fn words(&self, rng: &mut Rng, count: usize) -> String {
        (0..count).map(|_| self.word(rng)).collect::<Vec<_>>().join(" ")
    }

    fn front_matter(&self, out: &mut String, index: usize, companies: &[&str], rng: &mut Rng) {
        let year = 2019 + rng.below(8);
        let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
        let title_words = rng.between(3, 7);
        let title = capitalise(&format!("{} {}", companies[0], self.words(rng, title_words)));
        let quoted: Vec<String> = companies.iter().map(|c| format!("\"{c}\"")).collect();
        let _ = writeln!(out, "+++");
        let _ = writeln!(out, "id = \"synth-{index:07}\"");
        let _ = writeln!(out, "title = \"{title}\"");
        let _ = writeln!(out, "publisher = \"{}\"", rng.pick(&PUBLISHERS));
        let _ = writeln!(out, "url = \"https://reports.example.com/synth/{index:07}\"");
        let _ = writeln!(out, "published = {year}-{month:02}-{day:02}");
        let _ = writeln!(out, "companies = [{}]", quoted.join(", "));
        let _ = writeln!(out, "+++");
        out.push('\n');
    }

    fn paragraph(&self, out: &mut String, companies: &[&str], rng: &mut Rng) {
        let sentences = rng.between(3, 6);
        for i in 0..sentences {
            if i > 0 {
                out.push(' ');
            }
            if rng.chance(0.35) {
                self.figure_sentence(out, rng.pick::<&str>(companies), rng);
            } else {
                let count = rng.between(8, 18);
                let text = self.words(rng, count);
                out.push_str(&capitalise(&text));
                out.push('.');
            }
        }
    }

    fn figure_sentence(&self, out: &mut String, company: &str, rng: &mut Rng) {
        let year = 2019 + rng.below(10);
        let lead_words = rng.between(1, 4);
        let lead = self.words(rng, lead_words);
        let _ = match rng.below(5) {
            0 => write!(out, "{company} expects {lead} capacity of {},000 wafers per month by {year}.", rng.between(5, 150)),
            1 => write!(out, "{company} {lead} revenue reached US${}.{} billion in {year}.", rng.between(1, 60), rng.below(10)),
            2 => write!(out, "{company} holds a {}% share of the {lead} market in {year}.", rng.between(2, 80)),
            3 => write!(out, "{company} plans {}nm {lead} production in {year}.", rng.pick(&[3, 5, 7, 14, 28])),
            _ => write!(out, "Shipments of {lead} grew {}% in Q{} {year}, according to {company}.", rng.between(1, 90), 1 + rng.below(4)),
        };
    }
}

fn pick_companies(rng: &mut Rng) -> Vec<&'static str> {
    let count = rng.between(1, 3);
    let mut chosen: Vec<&'static str> = Vec::with_capacity(count);
    while chosen.len() < count {
        let company = *rng.pick(&COMPANIES);
        if !chosen.contains(&company) {
            chosen.push(company);
        }
    }
    chosen
}

fn made_up_word(rng: &mut Rng) -> String {
    (0..rng.between(2, 4)).map(|_| *rng.pick(&SYLLABLES)).collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The largest char boundary at or below `max`, preferring the end of a sentence.
fn cut_at(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].rfind(". ").map_or(end, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_the_same_bytes() {
        let a = Generator::new(11);
        let b = Generator::new(11);
        for i in [0, 1, 57, 9_999] {
            assert_eq!(a.report(i), b.report(i));
        }
        assert_ne!(a.report(3), Generator::new(12).report(3));
        assert_ne!(a.report(3), a.report(4));
    }

    #[test]
    fn reports_are_1_to_5_kb_with_figures_and_front_matter() {
        let generator = Generator::new(5);
        for i in 0..200 {
            let text = generator.report(i);
            assert!((MIN_BYTES..=MAX_BYTES).contains(&text.len()), "report {i}: {} bytes", text.len());
            assert!(text.starts_with("+++\nid = \"synth-"));
            assert!(text.contains("companies = [\""));
        }
        let joined: String = (0..50).map(|i| generator.report(i)).collect();
        assert!(joined.contains("wafers per month"));
        assert!(joined.contains("US$"));
        assert!(joined.contains("% share"));
    }

    #[test]
    fn generated_reports_load_with_chipbot_loader() {
        let dir = tempfile::tempdir().expect("tempdir");
        let written = Generator::new(3).write_corpus(dir.path(), 20).expect("written");
        assert_eq!(written.docs, 20);
        let outcome = crate::report::load_dir(dir.path()).expect("loads");
        assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
        assert_eq!(outcome.reports.len(), 20);
        let years: Vec<i32> = outcome
            .reports
            .iter()
            .filter_map(|r| r.meta.published)
            .map(|d| chrono::Datelike::year(&d))
            .collect();
        assert!(years.iter().all(|y| (2019..=2026).contains(y)));
    }

    #[test]
    fn vocabulary_is_unique_and_starts_with_domain_words() {
        let generator = Generator::new(9);
        assert_eq!(generator.words[0], "chip");
        assert_eq!(generator.words[8], "wafer");
        let unique: std::collections::HashSet<&String> = generator.words.iter().collect();
        assert_eq!(unique.len(), VOCABULARY);
    }
}
