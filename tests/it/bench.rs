//! `chipbot bench` end to end through the library: a small generated corpus,
//! every engine timed, and the JSON contract of issue 6 checked.

#![cfg(feature = "bench")]

use chipbot::bench::{run, BenchArgs};
use chipbot::config::Settings;

fn settings() -> Settings {
    let mut s = Settings::default();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    s.figures.gazetteer = root.join("config/gazetteer.toml");
    s.index.publishers = root.join("config/publishers.toml");
    s
}

#[test]
fn bench_300_docs_reports_every_required_key() {
    let mut args = BenchArgs::generated(300);
    args.queries = 40;
    args.rounds = 1;
    let output = run(&args, &settings()).expect("bench runs");
    let json = &output.json;
    assert_eq!(json["docs"], 300);
    assert!(json["passages"].as_u64().expect("passages") > 300);
    for key in ["p50_us", "p99_us"] {
        for engine in ["answer", "tantivy", "fts5"] {
            let v = json[key][engine].as_f64().unwrap_or_else(|| panic!("{key}.{engine} missing"));
            assert!(v > 0.0 && v.is_finite(), "{key}.{engine} = {v}");
        }
    }
    for key in ["ratio_answer_vs_tantivy_p50", "ratio_fts5_vs_answer_p50", "ratio_fts5_vs_answer_p99"] {
        let v = json[key].as_f64().unwrap_or_else(|| panic!("{key} missing"));
        assert!(v > 0.0 && v.is_finite(), "{key} = {v}");
    }
    for engine in ["answer", "fts5"] {
        let v = json["build_docs_per_s"][engine].as_f64().expect("build_docs_per_s");
        assert!(v > 0.0 && v.is_finite());
    }
    assert!(json["rss_anon_mb"].as_f64().expect("rss_anon_mb").is_finite());
    for mode in ["or", "and", "phrase", "filter"] {
        assert_eq!(json["by_mode"][mode]["answer"]["count"], 10, "{mode}");
    }
    // The second query mix: words across the rarity range, with its own ratios and targets.
    let spread = &json["spread_mix"];
    assert_eq!(spread["queries"], 40);
    for key in ["ratio_answer_vs_tantivy_p50", "ratio_fts5_vs_answer_p50", "ratio_fts5_vs_answer_p99"] {
        let v = spread[key].as_f64().unwrap_or_else(|| panic!("spread_mix.{key} missing"));
        assert!(v > 0.0 && v.is_finite(), "spread_mix.{key} = {v}");
    }
    let targets: Vec<&str> = json["targets"].as_array().expect("targets").iter().filter_map(|t| t["name"].as_str()).collect();
    assert!(targets.contains(&"spread mix: fts5 / answer, p99"), "{targets:?}");
    assert!(targets.contains(&"cold start to the first answer, ms"), "{targets:?}");
    // One more generated report, taken in by both indexes.
    for engine in ["answer", "fts5"] {
        let v = json["add_one_report_ms"][engine].as_f64().unwrap_or_else(|| panic!("add_one_report_ms.{engine} missing"));
        assert!(v > 0.0 && v.is_finite(), "add_one_report_ms.{engine} = {v}");
    }
    assert!(output.text.contains("adding one report to the built indexes"));
    assert!(output.text.contains("fts5/answer p50") && output.text.contains("spread mix ("));
}

#[test]
fn bench_runs_on_a_reports_folder() {
    let mut args = BenchArgs::generated(1);
    args.docs = None;
    args.reports = Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("index/reports"));
    args.queries = 8;
    args.rounds = 1;
    let output = run(&args, &settings()).expect("bench runs");
    let files = chipbot::report::scan_dir(args.reports.as_deref().expect("reports")).expect("scan").len();
    assert_eq!(output.json["docs"], files as u64);
    // The user's folder is never written to: no report is added to it.
    assert!(output.json.get("add_one_report_ms").is_none());
    assert_eq!(chipbot::report::scan_dir(args.reports.as_deref().expect("reports")).expect("scan").len(), files);
}

#[test]
fn bench_refuses_missing_corpus_and_huge_without_flag() {
    let mut args = BenchArgs::generated(1);
    args.docs = None;
    assert!(run(&args, &settings()).is_err());
    let huge = BenchArgs::generated(1_000_000);
    assert!(run(&huge, &settings()).is_err());
}
