//! Serving figures from a fresh process. Memory read inside the benchmark
//! still holds what building the indexes left in the allocator, and a cold
//! start must include starting the process. So when the benchmark runs as
//! the `chipbot` binary, it starts itself again as `chipbot --json bench
//! --probe DIR` on the built index: the child answers the first query (the
//! parent times process start to that answer), then every other query, and
//! reports its resident memory as JSON.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::latency::answer_once;
use super::measure::Rss;
use super::queries::{Mode, Query};
use crate::config::Settings;
use crate::answer::{Engine, Refresh};
use crate::error::{Error, Result};

/// The line the child prints once its first answer is rendered.
const FIRST_ANSWER: &str = "first-answer";
const QUERY_FILE: &str = "queries.txt";

/// What the child measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// Process start to the first rendered answer.
    pub cold_start: Duration,
    /// After answering every query.
    pub rss: Rss,
}

/// Whether this process is the `chipbot` binary (not, say, a test harness).
pub fn available() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy() == "chipbot"))
        .unwrap_or(false)
}

/// Fresh processes started, one after the other; the cold start reported
/// is their median (a single start varies by tens of milliseconds).
const CHILDREN: usize = 3;

/// Runs [`CHILDREN`] children ([`run_child`]): the median cold start, and
/// the memory of the last.
pub fn run_children(work: &Path, settings: &Settings, queries: &[Query]) -> Result<Probe> {
    let mut probes = Vec::with_capacity(CHILDREN);
    for _ in 0..CHILDREN {
        probes.push(run_child(work, settings, queries)?);
    }
    let rss = probes[CHILDREN - 1].rss;
    let mut starts: Vec<Duration> = probes.iter().map(|p| p.cold_start).collect();
    starts.sort();
    Ok(Probe { cold_start: starts[CHILDREN / 2], rss })
}

/// Starts the child on `work` (holding `data/` and `reports/`) and waits
/// for its figures. The child gets this run's settings through `CHIPBOT_*`
/// variables, so it opens the index as it is instead of rebuilding it.
pub fn run_child(work: &Path, settings: &Settings, queries: &[Query]) -> Result<Probe> {
    let list: String = queries.iter().map(|q| format!("{}\n", q.chipbot())).collect();
    let path = work.join(QUERY_FILE);
    std::fs::write(&path, list).map_err(|e| Error::io(&path, e))?;
    let exe = std::env::current_exe().map_err(|e| Error::io("current executable", e))?;
    let (index, answer) = (&settings.index, &settings.answer);
    let started = Instant::now();
    let mut child = Command::new(&exe)
        .args(["--json", "bench", "--probe"])
        .arg(work)
        .env("CHIPBOT_INDEX__REPORTS_DIR", &index.reports_dir)
        .env("CHIPBOT_INDEX__DATA_DIR", &index.data_dir)
        .env("CHIPBOT_INDEX__PASSAGE_PARAGRAPHS", index.passage_paragraphs.to_string())
        .env("CHIPBOT_FIGURES__GAZETTEER", &settings.figures.gazetteer)
        .env("CHIPBOT_ANSWER__TOP", answer.top.to_string())
        .env("CHIPBOT_ANSWER__MAX_PER_REPORT", answer.max_per_report.to_string())
        .env("CHIPBOT_ANSWER__MAX_QUERY_CHARS", answer.max_query_chars.to_string())
        .env("CHIPBOT_ANSWER__RECENCY_WEIGHT", answer.recency_weight.to_string())
        .env("CHIPBOT_ANSWER__SNIPPET_CHARS", answer.snippet_chars.to_string())
        .env("CHIPBOT_ANSWER__FEEDBACK_PASSAGES", answer.feedback_passages.to_string())
        .env("CHIPBOT_ANSWER__FEEDBACK_TERMS", answer.feedback_terms.to_string())
        .env("CHIPBOT_ANSWER__FEEDBACK_WEIGHT", answer.feedback_weight.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(&exe, e))?;
    let stdout = child.stdout.take().ok_or_else(|| Error::Task("probe has no stdout".into()))?;
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| Error::io(&exe, e))?;
    let cold_start = started.elapsed();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).map_err(|e| Error::io(&exe, e))?;
    let status = child.wait().map_err(|e| Error::io(&exe, e))?;
    if line.trim() != FIRST_ANSWER || !status.success() {
        return Err(Error::Task(format!("bench probe failed ({status}): {}{}", line.trim(), rest.trim())));
    }
    let json: serde_json::Value =
        serde_json::from_str(&rest).map_err(|e| Error::Task(format!("bench probe output: {e}")))?;
    let mb = |key: &str| json[key].as_f64().unwrap_or(0.0);
    let rss = Rss { total_mb: mb("rss_mb"), anon_mb: mb("rss_anon_mb"), file_mb: mb("rss_file_mb"), peak_mb: mb("rss_peak_mb") };
    Ok(Probe { cold_start, rss })
}

/// The child's side: open the engine, answer the first query, signal it,
/// answer the rest, report memory.
pub fn serve(work: &Path, settings: &Settings) -> Result<serde_json::Value> {
    let path = work.join(QUERY_FILE);
    let list = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let queries: Vec<Query> = list
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Query { mode: Mode::Or, words: vec![l.to_string()], company: None, dates: None })
        .collect();
    // Opened as `chipbot ask` opens it.
    let engine = Engine::open_with(settings.clone(), Refresh::Overlapped)?;
    let mut stdout = std::io::stdout();
    for (i, query) in queries.iter().enumerate() {
        answer_once(&engine, query)?;
        if i == 0 {
            let _ = writeln!(stdout, "{FIRST_ANSWER}");
            let _ = stdout.flush();
        }
    }
    engine.settle();
    let rss = Rss::now();
    Ok(serde_json::json!({
        "rss_mb": rss.total_mb, "rss_anon_mb": rss.anon_mb, "rss_file_mb": rss.file_mb, "rss_peak_mb": rss.peak_mb,
        "answered": queries.len(),
    }))
}
