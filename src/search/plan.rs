//! Turns a parsed [`ParsedQuery`] into a tantivy query: each free word is a
//! disjunction-max over the title and the title-plus-passage content,
//! neighbouring words earn a proximity bonus, phrases must match the
//! content, and filters restrict without adding to the score.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::analyze::Analyzer;
use super::maxscore::{PairBoost, WordSearch, WordTerms};
use super::pairs::phrase_pairs;
use super::phrase::PhraseSearch;
use super::prefilter::PrefilteredPhrase;
use super::schema::{date_key, Fields};
use crate::query::ParsedQuery;

/// Extra weight of a title match on top of the title words already in
/// `content`. Chosen on BEIR SciFact (docs/performance.md, "Ranking quality").
pub(super) const TITLE_BOOST: f32 = 0.5;
/// Weight of a matched pair of neighbouring query words.
const PAIR_BOOST: f32 = 0.3;
/// Positions a matched pair may be apart (stop words leave gaps).
const PAIR_SLOP: u32 = 2;
/// Dismax tie-breaker: how much the weaker field still counts.
const TIE_BREAKER: f32 = 0.3;

/// A query ready to run, and whether it ranks by text relevance.
pub(super) struct Planned {
    pub query: Box<dyn Query>,
    pub has_text: bool,
    /// When `query` has proximity boosts: the same query as its required
    /// part plus the boosts, so that top-k search can score the boosts only
    /// for documents that could still reach the top (see `rescore`).
    pub split: Option<Split>,
    /// The same query in the shape MaxScore runs (words, pairs and filters,
    /// no phrases), for top-k search without scoring every match.
    pub words: Option<WordSearch>,
    /// The same query when it is one phrase of two or more words (plus
    /// filters), for top-k search that reads positions only where needed.
    pub phrase: Option<PhraseSearch>,
}

/// `query` = `base` (required) + the optional, additive `boosts`.
pub(super) struct Split {
    pub base: Box<dyn Query>,
    pub boosts: Vec<super::rescore::Clause>,
    /// The term pairs of `boosts`, in order, with the boost of each.
    pub pairs: Vec<Vec<Term>>,
    pub pair_boost: f32,
}

/// Builds the tantivy query for `parsed`.
pub(super) fn plan(parsed: &ParsedQuery, fields: &Fields, analyzer: &Analyzer) -> Planned {
    plan_with(parsed, fields, analyzer, PairPrefilter::On)
}

/// Whether quoted phrases are checked only where their neighbouring-word
/// pairs occur.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum PairPrefilter {
    /// Each phrase is a [`PrefilteredPhrase`]: the same results, with
    /// positions read only where all its pairs occur.
    On,
    /// Phrases alone, as tantivy would run them (tests compare both).
    #[cfg_attr(not(test), allow(dead_code))]
    Off,
}

pub(super) fn plan_with(parsed: &ParsedQuery, fields: &Fields, analyzer: &Analyzer, prefilter: PairPrefilter) -> Planned {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let sequence: Vec<String> = parsed.terms.iter().flat_map(|t| analyzer.terms(t)).collect();
    let distinct: Vec<&String> = sequence.iter().filter(|term| seen.insert((*term).clone())).collect();
    // Expansion words (from the measure lexicon) join the words with their
    // lower weight; they earn no proximity boosts.
    let expanded: Vec<(String, f32)> = if distinct.is_empty() {
        Vec::new()
    } else {
        parsed
            .expansions
            .iter()
            .flat_map(|(text, weight)| analyzer.terms(text).into_iter().map(move |t| (t, *weight)))
            .filter(|(term, _)| seen.insert(term.clone()))
            .collect()
    };
    let weighted: Vec<(&String, f32)> =
        distinct.iter().map(|t| (*t, 1.0)).chain(expanded.iter().map(|(t, w)| (t, *w))).collect();
    let words: Vec<Box<dyn Query>> = weighted
        .iter()
        .map(|&(term, weight)| {
            let query = word_query(fields, term);
            if weight == 1.0 { query } else { Box::new(BoostQuery::new(query, weight)) as Box<dyn Query> }
        })
        .collect();
    let has_words = !words.is_empty();
    if has_words {
        let any_word = BooleanQuery::new(words.into_iter().map(|q| (Occur::Should, q)).collect());
        must.push((Occur::Must, Box::new(any_word)));
    }
    let mut has_phrase = false;
    // Each phrase analysed once: its terms at their positions.
    let phrases: Vec<Vec<(usize, String)>> = parsed.phrases.iter().map(|p| analyzer.positioned_terms(p)).collect();
    for positioned in &phrases {
        if let Some(q) = text_phrase_query(fields.content, positioned) {
            let pairs = pair_terms(fields.pairs, positioned);
            let q = match prefilter {
                PairPrefilter::On if !pairs.is_empty() => Box::new(PrefilteredPhrase { phrase: q, pairs }),
                _ => q,
            };
            must.push((Occur::Must, q));
            has_phrase = true;
        }
    }
    let filters = filter_queries(parsed, fields, analyzer);
    let phrase_search = match phrases.as_slice() {
        [positioned] if !has_words => {
            let terms: Vec<Term> = positioned.iter().map(|(_, t)| Term::from_field_text(fields.content, t)).collect();
            let pairs = pair_terms(fields.pairs, positioned);
            let query = text_phrase_query(fields.content, positioned).filter(|_| terms.len() >= 2);
            query.map(|query| PhraseSearch { query, terms, pairs, filters: filters.iter().map(|f| f.box_clone()).collect() })
        }
        _ => None,
    };
    let mut word_search = (has_words && !has_phrase).then(|| WordSearch {
        words: weighted
            .iter()
            .map(|&(t, weight)| WordTerms {
                title: Term::from_field_text(fields.title, t),
                content: Term::from_field_text(fields.content, t),
                weight,
            })
            .collect(),
        title_boost: TITLE_BOOST,
        tie_breaker: TIE_BREAKER,
        pairs: Vec::new(),
        filters: filters.iter().map(|f| f.box_clone()).collect(),
    });
    for filter in filters {
        must.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    if must.is_empty() {
        // Words were given but all of them are stop words: nothing can match.
        let nothing_searchable = !parsed.terms.is_empty() || !parsed.phrases.is_empty();
        let query: Box<dyn Query> =
            if nothing_searchable { Box::new(BooleanQuery::new(Vec::new())) } else { Box::new(AllQuery) };
        return Planned { query, has_text: nothing_searchable, split: None, words: None, phrase: None };
    }
    let has_text = has_words || has_phrase;
    if !has_text {
        must.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0))));
    }
    let pairs = proximity_pairs(fields.content, &sequence);
    if pairs.is_empty() {
        return Planned { query: Box::new(BooleanQuery::new(must)), has_text, split: None, words: word_search, phrase: phrase_search };
    }
    if let Some(search) = word_search.as_mut() {
        let index_of = |term: &str| distinct.iter().position(|d| d.as_str() == term);
        for pair in sequence.windows(2).filter(|pair| pair[0] != pair[1]) {
            if let (Some(a), Some(b)) = (index_of(&pair[0]), index_of(&pair[1])) {
                let terms: Vec<Term> = pair.iter().map(|t| Term::from_field_text(fields.content, t)).collect();
                let query = proximity_boost(terms.clone());
                search.pairs.push(PairBoost { words: (a, b), terms, boost: PAIR_BOOST, query });
            }
        }
    }
    let base: Box<dyn Query> = Box::new(BooleanQuery::new(must.iter().map(|(o, q)| (*o, q.box_clone())).collect()));
    let boosts: Vec<Box<dyn Query>> = pairs.iter().map(|terms| proximity_boost(terms.clone())).collect();
    must.extend(boosts.iter().map(|q| (Occur::Should, q.box_clone())));
    let boosts = boosts.into_iter().map(super::rescore::Clause::Plain).collect();
    let split = Split { base, boosts, pairs, pair_boost: PAIR_BOOST };
    Planned { query: Box::new(BooleanQuery::new(must)), has_text, split: Some(split), words: word_search, phrase: phrase_search }
}

/// Neighbouring query words that also appear near each other in a passage
/// ("third quarter", "fiscal 2025") earn extra score.
fn proximity_pairs(field: Field, sequence: &[String]) -> Vec<Vec<Term>> {
    sequence
        .windows(2)
        .filter(|pair| pair[0] != pair[1])
        .map(|pair| pair.iter().map(|t| Term::from_field_text(field, t)).collect())
        .collect()
}

fn proximity_boost(terms: Vec<Term>) -> Box<dyn Query> {
    let mut phrase = PhraseQuery::new(terms);
    phrase.set_slop(PAIR_SLOP);
    Box::new(BoostQuery::new(Box::new(phrase), PAIR_BOOST))
}

/// The parts of [`word_query`] with an outer `boost` carried into each, for
/// scoring the disjunction-max part by part (`rescore::Clause::MaxOf`).
pub(super) fn word_clause(fields: &Fields, term: &str, boost: f32) -> super::rescore::Clause {
    let in_title = TermQuery::new(Term::from_field_text(fields.title, term), IndexRecordOption::WithFreqs);
    let in_content = TermQuery::new(Term::from_field_text(fields.content, term), IndexRecordOption::WithFreqs);
    let title: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(BoostQuery::new(Box::new(in_title), TITLE_BOOST)), boost));
    let content: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(in_content), boost));
    super::rescore::Clause::MaxOf { parts: vec![title, content], tie_breaker: TIE_BREAKER }
}

pub(super) fn word_query(fields: &Fields, term: &str) -> Box<dyn Query> {
    let in_title = TermQuery::new(
        Term::from_field_text(fields.title, term),
        IndexRecordOption::WithFreqs,
    );
    let in_content = TermQuery::new(
        Term::from_field_text(fields.content, term),
        IndexRecordOption::WithFreqs,
    );
    Box::new(DisjunctionMaxQuery::with_tie_breaker(
        vec![Box::new(BoostQuery::new(Box::new(in_title), TITLE_BOOST)), Box::new(in_content)],
        TIE_BREAKER,
    ))
}

/// The pair-bucket terms (see `pairs`) of a phrase's analysed terms.
fn pair_terms(field: Field, positioned: &[(usize, String)]) -> Vec<Term> {
    phrase_pairs(positioned).iter().map(|p| Term::from_field_text(field, p)).collect()
}

/// A quoted phrase of analysed text: each term at its position, so that a
/// stop word in the phrase ("Bureau of Industry") stands for any one word,
/// as the index counts positions.
fn text_phrase_query(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn Query>> {
    let terms: Vec<(usize, Term)> = terms.iter().map(|(p, t)| (*p, Term::from_field_text(field, t))).collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(terms[0].1.clone(), IndexRecordOption::WithFreqs))),
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
    }
}

fn phrase_query(field: Field, terms: &[String]) -> Option<Box<dyn Query>> {
    let terms: Vec<Term> = terms.iter().map(|t| Term::from_field_text(field, t)).collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(terms[0].clone(), IndexRecordOption::WithFreqs))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    }
}

fn filter_queries(parsed: &ParsedQuery, fields: &Fields, analyzer: &Analyzer) -> Vec<Box<dyn Query>> {
    let f = &parsed.filters;
    let mut out = Vec::new();
    for (field, values) in [
        (fields.companies, &f.companies),
        (fields.topics, &f.topics),
        (fields.publisher, &f.publishers),
        (fields.region, &f.regions),
        (fields.language, &f.languages),
    ] {
        for value in values {
            let words = analyzer.keywords(value);
            // A value with no words (only punctuation) matches nothing.
            out.push(phrase_query(field, &words).unwrap_or_else(|| Box::new(BooleanQuery::new(vec![]))));
        }
    }
    if f.after.is_some() || f.before.is_some() {
        let bound = |d: Option<chrono::NaiveDate>| match d {
            Some(d) => Bound::Included(Term::from_field_u64(fields.published, date_key(d))),
            None => Bound::Unbounded,
        };
        out.push(Box::new(RangeQuery::new(bound(f.after), bound(f.before))));
    }
    out
}
