//! The benchmark's output: a text table for people and the same figures as
//! JSON for scripts, with each target from issue 6 marked met or not met.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::latency::{Kind, Timings};
use super::measure::{mb, Rss};
use super::queries::Mode;
use crate::reply::ToolOutput;

/// Threads used for the throughput figure.
pub const THREADS: usize = 2;
/// Slowest queries listed per engine.
const SLOWEST: usize = 5;

/// Building one index.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BuildFigures {
    pub docs: usize,
    pub bytes: u64,
    pub elapsed: Duration,
}

impl BuildFigures {
    pub fn docs_per_s(&self) -> f64 {
        per_second(self.docs as f64, self.elapsed)
    }

    pub fn mb_per_s(&self) -> f64 {
        per_second(mb(self.bytes), self.elapsed)
    }
}

/// Everything one run measured.
#[derive(Debug, Default)]
pub struct Results {
    /// "generated (seed N)" or the reports folder.
    pub source: String,
    pub docs: usize,
    pub passages: u64,
    pub corpus_bytes: u64,
    pub queries: usize,
    /// Each timed query as chipbot's query language, by index.
    pub query_texts: Vec<String>,
    pub rounds: usize,
    /// The sampled mix (see [`super::queries::Mix`]).
    pub timings: Timings,
    /// The spread mix: words across the rarity range, phrases of rare words.
    pub spread: Timings,
    /// Each spread query as chipbot's query language, by index.
    pub spread_texts: Vec<String>,
    /// Builds of A's index (shared by B) and of C's.
    pub builds: BTreeMap<Kind, BuildFigures>,
    pub index_bytes: BTreeMap<Kind, u64>,
    /// The serving figure: a fresh process that opened the index and
    /// answered every query once (this process's figure when none ran).
    pub serving: Rss,
    /// This process after A alone answered every query once; it still holds
    /// what building the indexes left in the allocator.
    pub serving_in_process: Rss,
    /// Whether `serving` and `cold_start` come from a fresh child process.
    pub fresh_process: bool,
    /// At the end, with all three engines open.
    pub end: Rss,
    pub qps: BTreeMap<Kind, f64>,
    /// Process start (or, in-process, opening the existing index) to the
    /// first rendered answer.
    pub cold_start: Duration,
    /// Bringing each index up to date with one more report (generated
    /// corpora only).
    pub incremental: Option<BTreeMap<Kind, Duration>>,
}

/// One target of the issue, checked.
struct Target {
    name: &'static str,
    value: f64,
    goal: &'static str,
    met: bool,
}

/// Answer time over raw tantivy's, at p50 or p99, of one query mix.
fn ratio_a_b(timings: &Timings, p99: bool) -> f64 {
    let (a, b) = (timings.overall(Kind::Answer), timings.overall(Kind::Tantivy));
    if p99 { ratio(a.p99, b.p99) } else { ratio(a.p50, b.p50) }
}

/// FTS5 time over the answer's, at p50 or p99, of one query mix.
fn ratio_c_a(timings: &Timings, p99: bool) -> f64 {
    let (a, c) = (timings.overall(Kind::Answer), timings.overall(Kind::Fts5));
    if p99 { ratio(c.p99, a.p99) } else { ratio(c.p50, a.p50) }
}

impl Results {
    fn ratio_a_b(&self, p99: bool) -> f64 {
        ratio_a_b(&self.timings, p99)
    }

    fn ratio_c_a(&self, p99: bool) -> f64 {
        ratio_c_a(&self.timings, p99)
    }

    fn build(&self, kind: Kind) -> BuildFigures {
        self.builds.get(&kind).copied().unwrap_or_default()
    }

    fn targets(&self) -> Vec<Target> {
        let build_ratio = ratio(self.build(Kind::Answer).docs_per_s(), self.build(Kind::Fts5).docs_per_s());
        let t = |name, value: f64, goal, met| Target { name, value, goal, met };
        let spread = &self.spread;
        let cold_ms = self.cold_start.as_secs_f64() * 1e3;
        vec![
            t("answer / tantivy, p50", self.ratio_a_b(false), "<= 1.5", self.ratio_a_b(false) <= 1.5),
            t("fts5 / answer, p50", self.ratio_c_a(false), ">= 2", self.ratio_c_a(false) >= 2.0),
            t("fts5 / answer, p99", self.ratio_c_a(true), ">= 10", self.ratio_c_a(true) >= 10.0),
            t("spread mix: answer / tantivy, p50", ratio_a_b(spread, false), "<= 1.5", ratio_a_b(spread, false) <= 1.5),
            t("spread mix: fts5 / answer, p50", ratio_c_a(spread, false), ">= 2", ratio_c_a(spread, false) >= 2.0),
            t("spread mix: fts5 / answer, p99", ratio_c_a(spread, true), ">= 10", ratio_c_a(spread, true) >= 10.0),
            t("build docs/s, answer / fts5", build_ratio, ">= 1.5", build_ratio >= 1.5),
            t("anonymous RSS serving, MB", self.serving.anon_mb, "< 200", self.serving.anon_mb < 200.0),
            t("cold start to the first answer, ms", cold_ms, "<= 200", cold_ms <= 200.0),
        ]
    }

    /// The text table and the JSON document.
    pub fn output(&self) -> ToolOutput {
        ToolOutput { text: self.text(), json: self.json() }
    }

    fn json(&self) -> Value {
        let per_engine = |f: &dyn Fn(Kind) -> Option<f64>| -> Value {
            let map: Map<String, Value> =
                Kind::ALL.iter().filter_map(|&k| f(k).map(|v| (k.name().to_string(), json!(round2(v))))).collect();
            Value::Object(map)
        };
        let built = |k: Kind| self.builds.contains_key(&k);
        let mut by_mode = Map::new();
        for mode in Mode::ALL {
            let engines: Map<String, Value> = Kind::ALL
                .iter()
                .map(|&k| {
                    let p = self.timings.mode(mode, k);
                    (k.name().to_string(), json!({"p50_us": round2(p.p50), "p90_us": round2(p.p90), "p99_us": round2(p.p99), "count": p.count}))
                })
                .collect();
            by_mode.insert(mode.name().to_string(), Value::Object(engines));
        }
        let targets: Vec<Value> = self
            .targets()
            .iter()
            .map(|t| json!({"name": t.name, "value": round2(t.value), "target": t.goal, "met": t.met}))
            .collect();
        let mut out = Map::new();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_string(), value);
        };
        put("source", json!(self.source));
        put("docs", json!(self.docs));
        put("passages", json!(self.passages));
        put("corpus_mb", json!(round2(mb(self.corpus_bytes))));
        put("queries", json!(self.queries));
        put("rounds", json!(self.rounds));
        put("machine", json!(machine()));
        put("p50_us", per_engine(&|k| Some(self.timings.overall(k).p50)));
        put("p90_us", per_engine(&|k| Some(self.timings.overall(k).p90)));
        put("p99_us", per_engine(&|k| Some(self.timings.overall(k).p99)));
        put("by_mode", Value::Object(by_mode));
        put("empty_results", per_engine(&|k| Some(self.timings.empty.get(&k).copied().unwrap_or(0) as f64)));
        put("ratio_answer_vs_tantivy_p50", json!(round2(self.ratio_a_b(false))));
        put("ratio_answer_vs_tantivy_p99", json!(round2(self.ratio_a_b(true))));
        put("ratio_fts5_vs_answer_p50", json!(round2(self.ratio_c_a(false))));
        put("ratio_fts5_vs_answer_p99", json!(round2(self.ratio_c_a(true))));
        put("spread_mix", self.spread_json());
        put("build_docs_per_s", per_engine(&|k| built(k).then(|| self.build(k).docs_per_s())));
        put("build_mb_per_s", per_engine(&|k| built(k).then(|| self.build(k).mb_per_s())));
        put("build_s", per_engine(&|k| built(k).then(|| self.build(k).elapsed.as_secs_f64())));
        put("index_mb", per_engine(&|k| self.index_bytes.get(&k).map(|&b| mb(b))));
        put("rss_anon_mb", json!(round2(self.serving.anon_mb)));
        put("rss_file_mb", json!(round2(self.serving.file_mb)));
        put("serving_measured_in", json!(if self.fresh_process { "fresh process" } else { "bench process" }));
        put("rss_in_process_anon_mb", json!(round2(self.serving_in_process.anon_mb)));
        put("rss_in_process_file_mb", json!(round2(self.serving_in_process.file_mb)));
        put("rss_end_anon_mb", json!(round2(self.end.anon_mb)));
        put("rss_end_file_mb", json!(round2(self.end.file_mb)));
        put("rss_peak_mb", json!(round2(self.end.peak_mb)));
        put("qps_threads", json!(THREADS));
        put("qps", per_engine(&|k| self.qps.get(&k).copied()));
        put("cold_start_ms", json!(round2(self.cold_start.as_secs_f64() * 1e3)));
        if let Some(added) = &self.incremental {
            put("add_one_report_ms", per_engine(&|k| added.get(&k).map(|d| d.as_secs_f64() * 1e3)));
        }
        put("slowest", self.slowest_json());
        put("targets", Value::Array(targets));
        Value::Object(out)
    }

    /// The spread mix's latencies and ratios (its queries are in `queries`).
    fn spread_json(&self) -> Value {
        let t = &self.spread;
        let per_engine = |f: &dyn Fn(Kind) -> f64| -> Value {
            Value::Object(Kind::ALL.iter().map(|&k| (k.name().to_string(), json!(round2(f(k))))).collect())
        };
        json!({
            "queries": self.spread_texts.len(),
            "p50_us": per_engine(&|k| t.overall(k).p50),
            "p99_us": per_engine(&|k| t.overall(k).p99),
            "empty_results": per_engine(&|k| t.empty.get(&k).copied().unwrap_or(0) as f64),
            "ratio_answer_vs_tantivy_p50": round2(ratio_a_b(t, false)),
            "ratio_answer_vs_tantivy_p99": round2(ratio_a_b(t, true)),
            "ratio_fts5_vs_answer_p50": round2(ratio_c_a(t, false)),
            "ratio_fts5_vs_answer_p99": round2(ratio_c_a(t, true)),
        })
    }

    /// The slowest queries of each engine: where a tail comes from.
    fn slowest(&self, kind: Kind) -> Vec<(&str, Duration)> {
        let text = |i: usize| self.query_texts.get(i).map_or("?", String::as_str);
        self.timings.slowest(kind, SLOWEST).into_iter().map(|(i, d)| (text(i), d)).collect()
    }

    fn slowest_json(&self) -> Value {
        let map: Map<String, Value> = Kind::ALL
            .iter()
            .map(|&k| {
                let list: Vec<Value> = self
                    .slowest(k)
                    .into_iter()
                    .map(|(query, d)| json!({"query": query, "us": round2(d.as_secs_f64() * 1e6)}))
                    .collect();
                (k.name().to_string(), Value::Array(list))
            })
            .collect();
        Value::Object(map)
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "chipbot bench: {} reports ({}), {} passages, {:.1} MB; {} queries x {} rounds\nmachine: {}\n",
            self.docs, self.source, self.passages, mb(self.corpus_bytes), self.queries, self.rounds, machine()
        );
        self.latency_text(&mut out);
        self.spread_text(&mut out);
        self.build_text(&mut out);
        let (s, i, e) = (&self.serving, &self.serving_in_process, &self.end);
        let place = if self.fresh_process { "fresh process" } else { "this process" };
        let _ = writeln!(out, "memory (RSS): serving, {place}, all queries answered: {:.0} MB anon + {:.0} MB file-backed", s.anon_mb, s.file_mb);
        let _ = writeln!(out, "  bench process, answer engine only, after the builds: {:.0} MB anon + {:.0} MB file-backed", i.anon_mb, i.file_mb);
        let _ = writeln!(out, "  bench process, end (all engines open): {:.0} MB anon + {:.0} MB file-backed; peak {:.0} MB", e.anon_mb, e.file_mb, e.peak_mb);
        let qps: Vec<String> = Kind::ALL.iter().map(|k| format!("{} {:.0}", k.name(), self.qps.get(k).copied().unwrap_or(0.0))).collect();
        let _ = writeln!(out, "throughput, {THREADS} threads (queries/s): {}", qps.join(", "));
        let what = if self.fresh_process { "process start, median of 3 fresh processes," } else { "opening the existing index" };
        let _ = writeln!(out, "cold start ({what} to the first answer): {:.1} ms", self.cold_start.as_secs_f64() * 1e3);
        if let Some(added) = &self.incremental {
            let each: Vec<String> = added.iter().map(|(k, d)| format!("{} {:.1} ms", k.name(), d.as_secs_f64() * 1e3)).collect();
            let _ = writeln!(out, "adding one report to the built indexes: {}", each.join(", "));
        }
        out.push('\n');
        let _ = writeln!(out, "targets (issues 6 and 18, set for 100k reports on a 2-core machine):");
        for t in self.targets() {
            let _ = writeln!(out, "  {:<36} {:>9.2}  target {:<6} {}", t.name, t.value, t.goal, if t.met { "met" } else { "NOT met" });
        }
        out
    }

    fn latency_text(&self, out: &mut String) {
        let _ = writeln!(out, "latency (µs)          p50        p90        p99   no results");
        for kind in Kind::ALL {
            let p = self.timings.overall(kind);
            let empty = self.timings.empty.get(&kind).copied().unwrap_or(0);
            let _ = writeln!(out, "  {:<12} {:>10.0} {:>10.0} {:>10.0}   {empty}", label(kind), p.p50, p.p90, p.p99);
        }
        let _ = writeln!(out, "\np50 / p99 by mode (µs)  {:>19} {:>19} {:>19}", "answer", "tantivy", "fts5");
        for mode in Mode::ALL {
            let cells: Vec<String> = Kind::ALL
                .iter()
                .map(|&k| {
                    let p = self.timings.mode(mode, k);
                    format!("{:>19}", format!("{:.0} / {:.0}", p.p50, p.p99))
                })
                .collect();
            let _ = writeln!(out, "  {:<21} {}", mode.name(), cells.join(" "));
        }
        for kind in Kind::ALL {
            let cells: Vec<String> =
                self.slowest(kind).into_iter().map(|(q, d)| format!("{q} ({:.1} ms)", d.as_secs_f64() * 1e3)).collect();
            let _ = writeln!(out, "  slowest, {}: {}", label(kind), cells.join("; "));
        }
        let _ = writeln!(
            out,
            "\nratios: answer/tantivy p50 {:.2}, p99 {:.2}; fts5/answer p50 {:.2}, p99 {:.2}\n",
            self.ratio_a_b(false), self.ratio_a_b(true), self.ratio_c_a(false), self.ratio_c_a(true)
        );
    }

    fn spread_text(&self, out: &mut String) {
        let t = &self.spread;
        let _ = writeln!(out, "spread mix ({} queries: words across the rarity range, phrases of rare words)", self.spread_texts.len());
        let _ = writeln!(out, "latency (µs)          p50        p90        p99   no results");
        for kind in Kind::ALL {
            let p = t.overall(kind);
            let empty = t.empty.get(&kind).copied().unwrap_or(0);
            let _ = writeln!(out, "  {:<12} {:>10.0} {:>10.0} {:>10.0}   {empty}", label(kind), p.p50, p.p90, p.p99);
        }
        let _ = writeln!(
            out,
            "ratios: answer/tantivy p50 {:.2}, p99 {:.2}; fts5/answer p50 {:.2}, p99 {:.2}\n",
            ratio_a_b(t, false), ratio_a_b(t, true), ratio_c_a(t, false), ratio_c_a(t, true)
        );
    }

    fn build_text(&self, out: &mut String) {
        let _ = writeln!(out, "index build            docs/s       MB/s    seconds   index MB");
        for kind in [Kind::Answer, Kind::Fts5] {
            let b = self.build(kind);
            let size = self.index_bytes.get(&kind).map_or(0.0, |&bytes| mb(bytes));
            let _ = writeln!(out, "  {:<16} {:>10.0} {:>10.2} {:>10.2} {:>10.1}", label(kind), b.docs_per_s(), b.mb_per_s(), b.elapsed.as_secs_f64(), size);
        }
        out.push('\n');
    }
}

fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Answer => "answer (A)",
        Kind::Tantivy => "tantivy (B)",
        Kind::Fts5 => "fts5 (C)",
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 { numerator / denominator } else { 0.0 }
}

fn per_second(amount: f64, elapsed: Duration) -> f64 {
    ratio(amount, elapsed.as_secs_f64())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// CPU model and count, from `/proc/cpuinfo` where it exists.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| info.lines().find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|(_, m)| m.trim().to_string())))
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs, {model}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_targets_from_timings() {
        let mut results = Results::default();
        let us = |v: u64| vec![Duration::from_micros(v); 10];
        results.timings.all.insert(Kind::Answer, us(100));
        results.timings.all.insert(Kind::Tantivy, us(80));
        results.timings.all.insert(Kind::Fts5, us(1_000));
        results.spread.all.insert(Kind::Answer, us(200));
        results.spread.all.insert(Kind::Tantivy, us(100));
        results.spread.all.insert(Kind::Fts5, us(1_000));
        results.cold_start = Duration::from_millis(250);
        let json = results.json();
        assert_eq!(json["spread_mix"]["ratio_answer_vs_tantivy_p50"], json!(2.0));
        assert_eq!(json["spread_mix"]["ratio_fts5_vs_answer_p50"], json!(5.0));
        assert_eq!(json["ratio_answer_vs_tantivy_p50"], json!(1.25));
        assert_eq!(json["ratio_fts5_vs_answer_p50"], json!(10.0));
        assert_eq!(json["p50_us"]["fts5"], json!(1000.0));
        let met: Vec<bool> = results.targets().iter().map(|t| t.met).collect();
        assert_eq!(met, vec![true, true, true, false, true, false, false, true, false]);
        assert!(results.text().contains("NOT met"));
    }

    #[test]
    fn slowest_queries_are_named_slowest_first() {
        let mut results = Results {
            query_texts: vec!["or: a".into(), "phrase: \"b c\"".into(), "and: d".into()],
            ..Results::default()
        };
        let us = |v: &[u64]| v.iter().map(|&u| Duration::from_micros(u)).collect::<Vec<_>>();
        results.timings.worst.insert(Kind::Answer, us(&[100, 900, 300]));
        let json = results.json();
        let slowest = &json["slowest"]["answer"];
        assert_eq!(slowest[0], json!({"query": "phrase: \"b c\"", "us": 900.0}));
        assert_eq!(slowest[2]["query"], json!("or: a"));
        assert_eq!(json["slowest"]["fts5"], json!([]));
        assert!(results.text().contains("phrase: \"b c\" (0.9 ms); and: d (0.3 ms)"));
    }
}
