//! `chipbot eval --beir DIR`: ranking quality on a BEIR-format data set.
//!
//! The corpus is indexed with the same analyzers, passage windows and query
//! plan that chipbot uses for reports (title plus text). nDCG@10 and MRR@10
//! score the path an answer takes: each test query is read as a question
//! (measure-lexicon expansion, rewrites), searched for as many candidate
//! passages as an answer with ten citations fetches, and re-ranked and
//! capped per document exactly as an answer's citations are; the documents
//! of those citations, in order, are the ranking. Recall@100 needs a deeper
//! list than an answer ever shows, so it is scored on the same search run
//! for 400 passages, each document scoring as its best passage. Scores are
//! computed as trec_eval computes them.

mod beir;
mod metrics;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;

use crate::answer::{prepare_search, Composer, Measures, Question, CANDIDATES_PER_CITATION};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::figures::Gazetteer;
use crate::query;
use crate::reply::ToolOutput;
use crate::search::SearchIndex;

pub use metrics::{mrr_at, ndcg_at, recall_at};

/// Documents ranked per query for Recall@100.
const DEPTH: usize = 100;
/// Passages fetched per query for Recall@100, before they are folded into documents.
const PASSAGE_DEPTH: usize = 400;
/// Citations of the answer whose documents are scored with nDCG@10.
const ANSWER_CITATIONS: usize = 10;

/// Arguments of `chipbot eval`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// A BEIR data set folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv.
    #[arg(long, value_name = "DIR")]
    pub beir: PathBuf,
    /// Which qrels split to score.
    #[arg(long, default_value = "test")]
    pub split: String,
    /// Exit with an error when nDCG@10 is below this value (a CI floor).
    #[arg(long, value_name = "NDCG")]
    pub fail_under: Option<f64>,
}

/// The scores of one evaluation run.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalScores {
    pub ndcg_at_10: f64,
    pub recall_at_100: f64,
    pub mrr_at_10: f64,
    pub queries: usize,
    pub documents: usize,
    pub index_ms: u128,
    pub search_ms: u128,
}

/// Runs the evaluation and renders it.
pub fn run(args: &EvalArgs, settings: &Settings) -> Result<ToolOutput> {
    let scores = evaluate(args, settings)?;
    let text = format!(
        "BEIR {} ({} split): {} documents, {} queries\n\
         nDCG@10    {:.4}\nRecall@100 {:.4}\nMRR@10     {:.4}\n\
         indexing {} ms, searching {} ms\n",
        args.beir.display(),
        args.split,
        scores.documents,
        scores.queries,
        scores.ndcg_at_10,
        scores.recall_at_100,
        scores.mrr_at_10,
        scores.index_ms,
        scores.search_ms,
    );
    let json = json!({
        "ndcg@10": scores.ndcg_at_10,
        "recall@100": scores.recall_at_100,
        "mrr@10": scores.mrr_at_10,
        "queries": scores.queries,
    });
    if let Some(floor) = args.fail_under {
        if scores.ndcg_at_10 < floor {
            return Err(Error::BelowFloor { metric: "nDCG@10", value: scores.ndcg_at_10, floor });
        }
    }
    Ok(ToolOutput { text, json })
}

/// Indexes the corpus in a temporary directory and scores every judged query.
pub fn evaluate(args: &EvalArgs, settings: &Settings) -> Result<EvalScores> {
    let window = settings.index.passage_paragraphs;
    let data = beir::load(&args.beir, &args.split)?;
    let scratch = Scratch::new()?;
    let (index, _) = SearchIndex::open(&scratch.0, "beir-eval", window)?;
    let index = index.with_feedback(crate::search::Feedback::from_settings(&settings.answer));
    let started = Instant::now();
    index.replace_all(&data.reports, &Gazetteer::empty(), window)?;
    let index_ms = started.elapsed().as_millis();
    let measures = Measures::load(&settings.figures.measures, index.analyzer())?;
    let gazetteer = Gazetteer::empty();
    let composer = Composer { settings: &settings.answer, analyzer: index.analyzer(), gazetteer: &gazetteer, measures: &measures };
    let started = Instant::now();
    let (mut ndcg, mut recall, mut mrr) = (0.0, 0.0, 0.0);
    for (query_id, text) in &data.queries {
        let judged = &data.qrels[query_id];
        let Some((answered, deep)) = rank(&index, &composer, text, query_id, &data.original_ids)? else { continue };
        ndcg += ndcg_at(&answered, judged, 10);
        recall += recall_at(&deep, judged, DEPTH);
        mrr += mrr_at(&answered, judged, 10);
    }
    let n = data.queries.len().max(1) as f64;
    let scores = EvalScores {
        ndcg_at_10: ndcg / n,
        recall_at_100: recall / n,
        mrr_at_10: mrr / n,
        queries: data.queries.len(),
        documents: data.reports.len(),
        index_ms,
        search_ms: started.elapsed().as_millis(),
    };
    Ok(scores)
}

/// Document ids for `text`, best first, twice: the documents of an answer's
/// ten citations, and the documents of a 400-passage search (each scoring as
/// its best passage). The query's own id is skipped (BEIR's
/// `ignore_identical_ids`). `None` for a query with no searchable word.
fn rank(
    index: &SearchIndex,
    composer: &Composer<'_>,
    text: &str,
    query_id: &str,
    original_ids: &HashMap<String, String>,
) -> Result<Option<(Vec<String>, Vec<String>)>> {
    let mut parsed = query::plain_words(text);
    if parsed.terms.is_empty() {
        return Ok(None);
    }
    let question = Question::read(&parsed, composer.measures, composer.gazetteer, index.analyzer());
    let translated = index.term_stats(&question.translation_terms(index.analyzer()))?;
    prepare_search(&mut parsed, &question, composer.settings.expansion_weight, index.analyzer(), &translated);
    let documents = |hits: Vec<crate::search::PassageHit>, depth: usize| {
        let mut ranking: Vec<String> = Vec::new();
        for hit in hits {
            let Some(id) = original_ids.get(&hit.report.id) else { continue };
            if id != query_id && !ranking.contains(id) {
                ranking.push(id.clone());
                if ranking.len() == depth {
                    break;
                }
            }
        }
        ranking
    };
    let deep = index.search(&parsed, PASSAGE_DEPTH)?;
    // Its own search: feedback re-scores the candidates it is given, so the
    // best 40 of a 400-passage search are not an answer's 40.
    let candidates = index.search_reachable(&parsed, ANSWER_CITATIONS * CANDIDATES_PER_CITATION, composer.reach(&parsed, ANSWER_CITATIONS))?;
    let cited = composer.choose_passages(&parsed, &question, candidates, ANSWER_CITATIONS);
    Ok(Some((documents(cited, ANSWER_CITATIONS), documents(deep, DEPTH))))
}

/// A temporary index directory, removed when dropped (on errors too).
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("chipbot-eval-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
