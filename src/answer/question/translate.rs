//! The question's subjects, measures and part of the year in the other
//! script: the Chinese names of the companies an English question names
//! (寒武纪 for Cambricon), the Chinese words of its measures (毛利率 for
//! "gross margin") and of its quarter or half (上半年 for H1), or the
//! English ones for a Chinese question. They are searched beside the
//! question's own words, so a question finds reports in either language.
//!
//! A translation never counts for more than the words it translates: the
//! bundled Chinese reports are few, so 营业收入 is a rare word where
//! "revenue" is a common one, and at full weight the Chinese passages would
//! crowd the English ones out of an English question's answer. Each
//! translation is weighted by the rarity (IDF) of its source words over its
//! own, at most 1.

use std::collections::HashSet;

use crate::answer::measures::Measure;
use crate::figures::Gazetteer;
use crate::search::Analyzer;
use crate::segment::is_han;

/// Chinese names per subject: the simplified and traditional forms of the
/// name and its commonest short form.
const HAN_NAMES: usize = 3;
/// Words per measure: its first ones in the lexicon, the closest translations.
const PER_MEASURE: usize = 2;
/// The least weight a translation gets (a source word far rarer than it).
const MIN_WEIGHT: f32 = 0.1;

/// One word or name in the other script, with the question's words it translates.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    /// As written in the other script ("中芯国际", "营业收入", "revenue").
    pub text: String,
    /// Index terms of the question's own words that it translates.
    pub source: Vec<String>,
}

impl Translation {
    /// The search weight: the IDF of the rarest source term over that of the
    /// rarest translated term, between [`MIN_WEIGHT`] and 1; 1 when the
    /// question's own words for it are not known.
    pub fn weight(&self, analyzer: &Analyzer, idf: impl Fn(&str) -> f32) -> f32 {
        let rarest = |terms: &mut dyn Iterator<Item = &str>| terms.map(&idf).fold(0.0_f32, f32::max);
        let source = rarest(&mut self.source.iter().map(String::as_str));
        let own_terms = analyzer.terms(&self.text);
        let own = rarest(&mut own_terms.iter().map(String::as_str));
        if source <= 0.0 || own <= 0.0 {
            return 1.0;
        }
        (source / own).clamp(MIN_WEIGHT, 1.0)
    }

    /// Every index term a weight reads: the source terms and the translation's own.
    pub fn terms(&self, analyzer: &Analyzer) -> Vec<String> {
        let mut out = self.source.clone();
        out.extend(analyzer.terms(&self.text));
        out
    }
}

/// The part of a year in both scripts, by [`super::period::part_of_year`]'s
/// number: English forms (the first is the one searched), Chinese forms.
const PARTS: [(u8, &[&str], &[&str]); 7] = [
    (1, &["first quarter", "q1", "1q"], &["第一季度", "一季度"]),
    (2, &["second quarter", "q2", "2q"], &["第二季度", "二季度"]),
    (3, &["third quarter", "q3", "3q"], &["第三季度", "三季度"]),
    (4, &["fourth quarter", "q4", "4q"], &["第四季度", "四季度"]),
    (5, &["first half", "h1", "1h"], &["上半年"]),
    (6, &["second half", "h2", "2h"], &["下半年"]),
    (7, &["full year", "annual"], &["全年"]),
];

/// The translations of the question `raw` (index terms `sequence`): its
/// `subjects`' names, its `measures`' words and the part of the year it
/// names (`part`) in the other script.
pub(super) fn translations(
    raw: &str,
    sequence: &[String],
    subjects: &HashSet<String>,
    measures: &[&Measure],
    part: Option<u8>,
    gazetteer: &Gazetteer,
    analyzer: &Analyzer,
) -> Vec<Translation> {
    let han_question = raw.chars().any(is_han);
    let in_question: HashSet<&str> = sequence.iter().map(String::as_str).collect();
    // The index terms of `words` that the question itself has.
    let source_of = |words: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        let mut out: Vec<String> = words.flat_map(|w| analyzer.terms(w)).filter(|t| in_question.contains(t.as_str())).collect();
        out.sort();
        out.dedup();
        out
    };
    let mut out = Vec::new();
    let mut sorted: Vec<&String> = subjects.iter().collect();
    sorted.sort();
    for subject in sorted {
        let names = gazetteer.names(subject);
        let source = source_of(&mut names.iter().copied().filter(|n| n.chars().any(is_han) == han_question));
        let other: Vec<String> = if han_question {
            vec![subject.clone()]
        } else {
            names.iter().filter(|n| n.chars().any(is_han)).take(HAN_NAMES).map(|n| n.to_string()).collect()
        };
        out.extend(other.into_iter().map(|text| Translation { text, source: source.clone() }));
    }
    for m in measures {
        let written = m.words_written();
        let source = source_of(&mut written.iter().map(String::as_str).filter(|w| w.chars().any(is_han) == han_question));
        let other = written.iter().filter(|w| w.chars().any(is_han) != han_question).take(PER_MEASURE);
        out.extend(other.map(|text| Translation { text: text.clone(), source: source.clone() }));
    }
    if let Some((_, english, chinese)) = PARTS.iter().find(|(n, _, _)| Some(*n) == part) {
        let (own, other) = if han_question { (chinese, english) } else { (english, chinese) };
        let source = source_of(&mut own.iter().copied());
        out.push(Translation { text: other[0].to_string(), source });
    }
    // A word that splits into a lone Han character and others (月产能 as 月
    // and 产能) is searched without the lone character, which is in every date.
    for t in &mut out {
        let terms = analyzer.terms(&t.text);
        let lone = |term: &String| term.chars().count() == 1 && term.chars().all(is_han);
        if terms.iter().any(lone) && !terms.iter().all(lone) {
            t.text = terms.iter().filter(|term| !lone(term)).cloned().collect::<Vec<_>>().join(" ");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translation(source: &[&str], text: &str) -> Translation {
        Translation { text: text.into(), source: source.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn a_translation_counts_no_more_than_its_source() {
        let analyzer = Analyzer::default();
        let idf = |t: &str| if t.chars().any(is_han) { 4.5 } else { 1.5 };
        let weight = translation(&analyzer.terms("revenue").iter().map(String::as_str).collect::<Vec<_>>(), "营业收入").weight(&analyzer, idf);
        assert!((weight - 1.5 / 4.5).abs() < 1e-6, "{weight}");
        // A Chinese question's English word is rarer than nothing: full weight at most.
        assert_eq!(translation(&["营业收入"], "revenue").weight(&analyzer, idf), 1.0);
        // Unknown source words leave the weight at 1.
        assert_eq!(translation(&[], "营业收入").weight(&analyzer, idf), 1.0);
    }
}
