//! `chipbot bench` (feature `bench`): answer latency, index build
//! throughput and memory, against raw tantivy and SQLite FTS5, in one
//! process and one run.
//!
//! The run: write (or take) a reports folder; build the FTS5 index with
//! chipbot's loader, drawing the query list from the reports as they pass;
//! build chipbot's index the way `chipbot ask` does; reopen it and time the
//! first answer (cold start); let the answer engine alone answer every
//! query and read the memory it serves with; then open the raw tantivy
//! baseline on the same index and time all three engines, interleaved, on
//! both query mixes (sampled and spread, see `queries`), and their
//! throughput with two threads.

mod corpus;
mod fts5;
mod latency;
mod measure;
mod probe;
mod queries;
mod results;
mod rng;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};


use crate::config::Settings;
use crate::answer::{Engine, Refresh};
use crate::error::{Error, Result};
use crate::reply::ToolOutput;
use crate::search::SearchIndex;
use latency::{Engines, Kind};
use measure::{disk_bytes, Rss};
use queries::{Mix, Query, Sampler};
use results::{BuildFigures, Results};

/// Default seed of the generator and the query sampler.
pub const DEFAULT_SEED: u64 = 20_261_129;
/// Generated corpora above this size need `--huge`.
const LARGE_CORPUS: usize = 200_000;
/// The query lists, one query per line, in the work folder.
const SAMPLED_QUERY_FILE: &str = "queries-sampled.txt";
const SPREAD_QUERY_FILE: &str = "queries-spread.txt";
/// Paragraphs kept for drawing queries.
const SAMPLE_PARAGRAPHS: usize = 2_048;

/// Arguments of `chipbot bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Generate a synthetic corpus of this many reports.
    #[arg(long, conflicts_with = "reports")]
    pub docs: Option<usize>,
    /// Benchmark an existing reports folder instead.
    #[arg(long)]
    pub reports: Option<PathBuf>,
    /// Number of queries, cycling through OR, AND, phrase and filter modes.
    #[arg(long, default_value_t = 200)]
    pub queries: usize,
    /// Timed passes over the query list.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Seed of the corpus generator and the query sampler.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Allow generated corpora over 200,000 reports (1M needs about 3 GB of disk and a long build).
    #[arg(long)]
    pub huge: bool,
    /// Keep the corpus and the indexes in this new or empty folder instead of a temporary one.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Internal: serve the queries of a finished run's folder in a fresh process and report memory.
    #[arg(long, hide = true)]
    pub probe: Option<PathBuf>,
}

impl BenchArgs {
    /// Arguments for a generated corpus of `docs` reports, other values at their defaults.
    pub fn generated(docs: usize) -> BenchArgs {
        BenchArgs { docs: Some(docs), reports: None, queries: 200, rounds: 3, seed: DEFAULT_SEED, huge: false, work_dir: None, probe: None }
    }
}

/// Runs the benchmark.
pub fn run(args: &BenchArgs, settings: &Settings) -> Result<ToolOutput> {
    if let Some(work) = &args.probe {
        let json = probe::serve(work, settings)?;
        return Ok(ToolOutput { text: format!("{json}\n"), json });
    }
    check(args)?;
    let work = WorkDir::create(args.work_dir.as_deref())?;
    let (reports_dir, source) = corpus_folder(args, &work.path)?;
    let mut results = Results { source, queries: args.queries, rounds: args.rounds.max(1), ..Results::default() };

    let db = work.path.join("fts5.db");
    let mut sampler = Sampler::new(args.seed, SAMPLE_PARAGRAPHS);
    tracing::info!("building the FTS5 index");
    let built = fts5::build(&db, &reports_dir, &mut sampler)?;
    let queries = sampler.mix(Mix::Sampled, args.queries)?;
    let spread = sampler.mix(Mix::Spread, args.queries)?;
    drop(sampler);
    let texts = |list: &[Query]| list.iter().map(|q| format!("{}: {}", q.mode.name(), q.chipbot())).collect();
    results.query_texts = texts(&queries);
    results.spread_texts = texts(&spread);
    // Both lists as `chipbot ask` takes them, kept with `--work-dir`, so
    // that two builds' answers can be compared query by query.
    for (name, list) in [(SAMPLED_QUERY_FILE, &queries), (SPREAD_QUERY_FILE, &spread)] {
        let path = work.path.join(name);
        let lines: String = list.iter().map(|q| format!("{}\n", q.chipbot())).collect();
        std::fs::write(&path, lines).map_err(|e| Error::io(&path, e))?;
    }
    results.corpus_bytes = built.bytes;
    results.builds.insert(Kind::Fts5, BuildFigures { docs: built.docs, bytes: built.bytes, elapsed: built.elapsed });
    results.index_bytes.insert(Kind::Fts5, disk_bytes(&db));

    let mut engine_settings = settings.clone();
    engine_settings.index.reports_dir = reports_dir;
    engine_settings.index.data_dir = work.path.join("data");
    tracing::info!("building chipbot's index");
    let (answer_build, docs, passages) = build_answer(&engine_settings, built.bytes)?;
    results.builds.insert(Kind::Answer, answer_build);
    results.index_bytes.insert(Kind::Answer, disk_bytes(&engine_settings.index.data_dir.join("index")));
    results.docs = docs;
    results.passages = passages;

    let child = if probe::available() { Some(probe::run_children(&work.path, &engine_settings, &queries)?) } else { None };
    let (engine, cold_start) = cold_start(&engine_settings, &queries[0])?;
    serve(&engine, &engine_settings, [&queries, &spread], &db, &mut results)?;
    results.cold_start = child.map_or(cold_start, |c| c.cold_start);
    results.serving = child.map_or(results.serving_in_process, |c| c.rss);
    results.fresh_process = child.is_some();
    if let (Some(docs), None) = (args.docs, &args.reports) {
        results.incremental = Some(add_one_report(args.seed, docs, &engine, &engine_settings.index.reports_dir, &db)?);
    }
    Ok(results.output())
}

fn check(args: &BenchArgs) -> Result<()> {
    let bad = |message: &str| Err(Error::Config(format!("bench: {message}")));
    match (args.docs, &args.reports) {
        (None, None) => return bad("give --docs N (generated reports) or --reports DIR"),
        (Some(0), _) => return bad("--docs must be at least 1"),
        (Some(n), _) if n > LARGE_CORPUS && !args.huge => {
            return bad(&format!("{n} generated reports is above {LARGE_CORPUS}; add --huge to run it"))
        }
        _ => {}
    }
    if args.queries == 0 {
        return bad("--queries must be at least 1");
    }
    Ok(())
}

/// The reports folder to measure, and how to describe it.
fn corpus_folder(args: &BenchArgs, work: &Path) -> Result<(PathBuf, String)> {
    if let Some(dir) = &args.reports {
        return Ok((dir.clone(), format!("folder {}", dir.display())));
    }
    let docs = args.docs.unwrap_or(1);
    let dir = work.join("reports");
    let started = Instant::now();
    let written = corpus::Generator::new(args.seed).write_corpus(&dir, docs)?;
    tracing::info!(docs, mb = measure::mb(written.bytes), elapsed_ms = started.elapsed().as_millis() as u64, "corpus written");
    Ok((dir, format!("generated, seed {}", args.seed)))
}

/// Builds chipbot's index exactly as the first `chipbot ask` would; returns
/// the build figures, the reports indexed and the passage count.
fn build_answer(settings: &Settings, bytes: u64) -> Result<(BuildFigures, usize, u64)> {
    let started = Instant::now();
    let engine = Engine::open(settings.clone())?;
    let elapsed = started.elapsed();
    let summary = engine.sources()?;
    let (docs, passages) = (summary.reports, summary.passages);
    Ok((BuildFigures { docs, bytes, elapsed }, docs, passages))
}

/// Writes one more generated report (number `docs`) into the generated
/// folder and times bringing each index up to date with it: chipbot's as
/// `chipbot index` does (scan the folder, load the new file, commit, reload),
/// FTS5's by inserting the row.
fn add_one_report(seed: u64, docs: usize, engine: &Engine, reports_dir: &Path, db: &Path) -> Result<BTreeMap<Kind, Duration>> {
    let rel = format!("synth-{docs:07}.md");
    let path = reports_dir.join(&rel);
    std::fs::write(&path, corpus::Generator::new(seed).report(docs)).map_err(|e| Error::io(&path, e))?;
    let started = Instant::now();
    let summary = engine.update_index(false)?;
    let answer = started.elapsed();
    if summary.added != [rel.as_str()] {
        return Err(Error::Task(format!("bench: adding {rel} gave {summary:?}")));
    }
    let fts5 = fts5::add(db, reports_dir, &rel)?;
    Ok(BTreeMap::from([(Kind::Answer, answer), (Kind::Fts5, fts5)]))
}

/// Opens the existing index as a fresh `chipbot ask` would, and answers
/// the first query: the cold start when no child process can be started
/// (see [`probe`]); it leaves out process start-up itself.
fn cold_start(settings: &Settings, first: &Query) -> Result<(Engine, Duration)> {
    let started = Instant::now();
    let engine = Engine::open_with(settings.clone(), Refresh::Overlapped)?;
    latency::answer_once(&engine, first)?;
    let elapsed = started.elapsed();
    engine.settle();
    Ok((engine, elapsed))
}

/// The serving phase: A alone (memory), then all three engines timed on
/// each query mix (sampled, spread); throughput on the sampled mix.
fn serve(engine: &Engine, settings: &Settings, [queries, spread]: [&[Query]; 2], db: &Path, results: &mut Results) -> Result<()> {
    for query in queries {
        latency::answer_once(engine, query)?;
    }
    results.serving_in_process = Rss::now();
    let raw = open_raw(settings)?;
    let engines = Engines { engine, raw: &raw, fts5_db: db };
    for kind in [Kind::Tantivy, Kind::Fts5] {
        latency::warm_up(kind, queries, &engines)?;
    }
    tracing::info!("timing {} queries x {} rounds", queries.len(), results.rounds);
    results.timings = latency::timed_rounds(queries, &engines, results.rounds)?;
    for query in spread {
        latency::answer_once(engine, query)?;
    }
    for kind in [Kind::Tantivy, Kind::Fts5] {
        latency::warm_up(kind, spread, &engines)?;
    }
    tracing::info!("timing the spread mix: {} queries x {} rounds", spread.len(), results.rounds);
    results.spread = latency::timed_rounds(spread, &engines, results.rounds)?;
    for kind in Kind::ALL {
        let qps = latency::throughput(kind, queries, &engines, results::THREADS)?;
        results.qps.insert(kind, qps);
    }
    results.end = Rss::now();
    Ok(())
}

/// A second handle on the answer engine's index, for the raw tantivy
/// baseline. It must open the index as it is, never rebuild it.
fn open_raw(settings: &Settings) -> Result<SearchIndex> {
    let hash = crate::answer::IndexTables::load(settings)?.hash;
    let (index, rebuilt) = SearchIndex::open(&settings.index.data_dir, &hash, settings.index.passage_paragraphs)?;
    match rebuilt {
        None => Ok(index),
        Some(reason) => Err(Error::Index(format!("bench: the index was rebuilt when opened a second time ({reason})"))),
    }
}

/// The folder holding the corpus and indexes; a temporary one is removed
/// when the run ends.
struct WorkDir {
    path: PathBuf,
    temporary: bool,
}

impl WorkDir {
    fn create(chosen: Option<&Path>) -> Result<WorkDir> {
        let (path, temporary) = match chosen {
            Some(dir) => (dir.to_path_buf(), false),
            None => {
                let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
                (std::env::temp_dir().join(format!("chipbot-bench-{}-{nanos}", std::process::id())), true)
            }
        };
        let occupied = std::fs::read_dir(&path).map(|mut d| d.next().is_some()).unwrap_or(false);
        if occupied {
            return Err(Error::Config(format!("bench: {} is not empty", path.display())));
        }
        std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        Ok(WorkDir { path, temporary })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
