//! Running the query list through the three engines: interleaved timed
//! rounds (so that machine noise hits every engine alike) and a throughput
//! pass with two threads per engine.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use super::fts5;
use super::measure::Percentiles;
use super::queries::{Mode, Query};
use crate::answer::Engine;
use crate::error::{Error, Result};
use crate::render::text::{answer_text, Highlight};
use crate::search::SearchIndex;

/// The engines compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A: chipbot's whole answer path, up to the rendered text reply.
    Answer,
    /// B: tantivy's query parser, top 10 and stored-document fetch.
    Tantivy,
    /// C: SQLite FTS5 with bm25() and snippet().
    Fts5,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Answer, Kind::Tantivy, Kind::Fts5];

    /// Key used in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Answer => "answer",
            Kind::Tantivy => "tantivy",
            Kind::Fts5 => "fts5",
        }
    }
}

/// What the engines run against. The FTS5 connection is per thread, so
/// only its path is shared.
pub struct Engines<'a> {
    pub engine: &'a Engine,
    pub raw: &'a SearchIndex,
    pub fts5_db: &'a Path,
}

/// Timings of every engine, overall and per query mode.
#[derive(Debug, Default)]
pub struct Timings {
    pub all: BTreeMap<Kind, Vec<Duration>>,
    pub by_mode: BTreeMap<(Mode, Kind), Vec<Duration>>,
    /// Queries for which an engine returned nothing.
    pub empty: BTreeMap<Kind, usize>,
    /// Each query's slowest round per engine, by query index.
    pub worst: BTreeMap<Kind, Vec<Duration>>,
}

impl Timings {
    /// Percentiles of one engine over all queries.
    pub fn overall(&self, kind: Kind) -> Percentiles {
        self.all.get(&kind).map_or_else(Percentiles::default, |s| Percentiles::of(s))
    }

    /// Percentiles of one engine over one query mode.
    pub fn mode(&self, mode: Mode, kind: Kind) -> Percentiles {
        self.by_mode.get(&(mode, kind)).map_or_else(Percentiles::default, |s| Percentiles::of(s))
    }

    /// The `n` slowest queries of one engine (index, slowest round), slowest first.
    pub fn slowest(&self, kind: Kind, n: usize) -> Vec<(usize, Duration)> {
        let mut ranked: Vec<(usize, Duration)> =
            self.worst.get(&kind).map(|w| w.iter().copied().enumerate().collect()).unwrap_or_default();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(n);
        ranked
    }
}

/// A's whole path for one query, as `chipbot ask` runs it: parse, search,
/// passages, snippets, figures, and the rendered text reply. Returns the
/// number of citations.
pub fn answer_once(engine: &Engine, query: &Query) -> Result<usize> {
    let answer = engine.ask(&query.chipbot(), None)?;
    let text = answer_text(&answer, Highlight::Stars);
    black_box(text.len());
    Ok(answer.citations.len())
}

/// Runs `query` on one engine; returns how many results it gave.
fn call(kind: Kind, query: &Query, engines: &Engines<'_>, fts: &fts5::Searcher) -> Result<usize> {
    match kind {
        Kind::Answer => answer_once(engines.engine, query),
        Kind::Tantivy => Ok(black_box(engines.raw.raw_top_docs(&query.tantivy(), 10)?).len()),
        Kind::Fts5 => Ok(black_box(fts.search(query)?).0),
    }
}

/// Runs every query once on `kind`, untimed (page cache, caches, branch predictors).
pub fn warm_up(kind: Kind, queries: &[Query], engines: &Engines<'_>) -> Result<()> {
    let fts = fts5::Searcher::open(engines.fts5_db)?;
    for query in queries {
        call(kind, query, engines, &fts)?;
    }
    Ok(())
}

/// `rounds` passes over the queries; within a query the engine order
/// rotates, so no engine always runs first.
pub fn timed_rounds(queries: &[Query], engines: &Engines<'_>, rounds: usize) -> Result<Timings> {
    let fts = fts5::Searcher::open(engines.fts5_db)?;
    let mut timings = Timings::default();
    for round in 0..rounds.max(1) {
        for (i, query) in queries.iter().enumerate() {
            for step in 0..Kind::ALL.len() {
                let kind = Kind::ALL[(i + round + step) % Kind::ALL.len()];
                let started = Instant::now();
                let found = call(kind, query, engines, &fts)?;
                let elapsed = started.elapsed();
                timings.all.entry(kind).or_default().push(elapsed);
                timings.by_mode.entry((query.mode, kind)).or_default().push(elapsed);
                let worst = timings.worst.entry(kind).or_insert_with(|| vec![Duration::ZERO; queries.len()]);
                worst[i] = worst[i].max(elapsed);
                if found == 0 && round == 0 {
                    *timings.empty.entry(kind).or_default() += 1;
                }
            }
        }
    }
    Ok(timings)
}

/// Queries per second of `kind` with `threads` threads, each running the
/// whole list from a different starting point.
pub fn throughput(kind: Kind, queries: &[Query], engines: &Engines<'_>, threads: usize) -> Result<f64> {
    let threads = threads.max(1);
    let started = Instant::now();
    let outcomes: Vec<Result<usize>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || -> Result<usize> {
                    let fts = fts5::Searcher::open(engines.fts5_db)?;
                    let offset = t * queries.len() / threads;
                    for i in 0..queries.len() {
                        call(kind, &queries[(i + offset) % queries.len()], engines, &fts)?;
                    }
                    Ok(queries.len())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::Task("benchmark thread panicked".into()))))
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut done = 0;
    for outcome in outcomes {
        done += outcome?;
    }
    Ok(if elapsed > 0.0 { done as f64 / elapsed } else { 0.0 })
}
