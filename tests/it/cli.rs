//! The command-line contract: JSON shapes, configuration layering through
//! flags and environment variables, exit codes and messages.

use crate::support;

use std::process::{Command, Output};

use serde_json::Value;

struct Run {
    reports: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Run {
    fn new() -> Run {
        Run { reports: support::copy_fixture("mini"), data: tempfile::tempdir().expect("tempdir") }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chipbot"));
        // Only the variables set below may configure the run under test.
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("CHIPBOT_")) {
            cmd.env_remove(key);
        }
        cmd.current_dir(support::root())
            .args(args)
            .env("CHIPBOT_INDEX__REPORTS_DIR", self.reports.path())
            .env("CHIPBOT_INDEX__DATA_DIR", self.data.path())
            .env_remove("RUST_LOG");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("binary runs")
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("valid JSON")
    }
}

#[test]
fn ask_json_has_the_documented_shape() {
    let run = Run::new();
    let v = run.json(&["ask", "--json", "SK hynix HBM market share 2023"]);
    assert_eq!(v["query"], "SK hynix HBM market share 2023");
    let citations = v["citations"].as_array().expect("citations");
    assert!(!citations.is_empty());
    for (i, c) in citations.iter().enumerate() {
        assert_eq!(c["n"], i + 1);
        for key in ["report_id", "title", "publisher", "url", "snippet"] {
            assert!(c[key].is_string(), "citation lacks {key}: {c}");
        }
        let date = c["published"].as_str().expect("published");
        assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok());
    }
    let figures = v["figures"].as_array().expect("figures");
    assert!(!figures.is_empty());
    for f in figures {
        assert!(f["value"].is_number() && f["unit"].is_string() && f["text"].is_string(), "{f}");
        assert!(f["forecast"].is_boolean());
        let n = f["citation"].as_u64().expect("citation") as usize;
        assert!(n >= 1 && n <= citations.len(), "dangling citation {n}");
    }
    assert!(v["notices"].is_array());
}

#[test]
fn extract_json_lists_figures_in_base_units() {
    let run = Run::new();
    let file = run.reports.path().join("foundry-capacity.md");
    let v = run.json(&["extract", "--json", file.to_str().expect("utf8 path")]);
    let figures = v["figures"].as_array().expect("figures");
    let money = figures.iter().find(|f| f["unit"] == "USD").expect("a USD figure");
    assert_eq!(money["value"].as_f64(), Some(7.5e9));
    assert_eq!(money["text"], "US$7.5 billion");
    assert!(money["sentence"].as_str().expect("sentence").contains("advanced packaging"));
    let wafers = figures.iter().find(|f| f["unit"] == "wafers/month").expect("wafers");
    assert_eq!(wafers["value"].as_f64(), Some(75_000.0));
}

#[test]
fn index_json_reports_counts() {
    let run = Run::new();
    let v = run.json(&["index", "--json"]);
    assert_eq!(v["added"].as_array().map(Vec::len), Some(4), "the first run reports the initial build: {v}");
    let v = run.json(&["index", "--json"]);
    assert_eq!(v["added"].as_array().map(Vec::len), Some(0), "nothing changed since: {v}");
    assert_eq!(v["unchanged"], 4);
    std::fs::write(run.reports.path().join("broken.md"), "no front matter").expect("write");
    let v = run.json(&["index", "--json"]);
    let failed = v["failed"].as_array().expect("failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["file"], "broken.md");
    assert!(failed[0]["reason"].as_str().expect("reason").contains("front matter"));
    let v = run.json(&["index", "--full", "--json"]);
    assert_eq!(v["updated"].as_array().map(Vec::len), Some(4));
}

#[test]
fn environment_and_config_file_override_defaults() {
    let run = Run::new();
    let out = run.command(&["ask", "--json", "HBM"]).env("CHIPBOT_ANSWER__TOP", "1").output().expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["citations"].as_array().map(Vec::len), Some(1));
    let extra = run.data.path().join("extra.toml");
    std::fs::write(&extra, "[answer]\ntop = 2\n").expect("write");
    let v = run.json(&["--config", extra.to_str().expect("utf8"), "ask", "--json", "HBM"]);
    assert_eq!(v["citations"].as_array().map(Vec::len), Some(2));
}

#[test]
fn id_lists_take_one_bare_id_or_several_from_the_environment() {
    let run = Run::new();
    for ids in ["600000000000001", "600000000000001,600000000000002"] {
        let out = run
            .command(&["sources"])
            .env("CHIPBOT_ADMINS__DISCORD_ROLES", ids)
            .env("CHIPBOT_ADMINS__DISCORD_USERS", ids)
            .env("CHIPBOT_DISCORD__ALLOWED_GUILDS", ids)
            .env("CHIPBOT_DISCORD__ALLOWED_CHANNELS", ids)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{ids}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = run.command(&["sources"]).env("CHIPBOT_ADMINS__DISCORD_ROLES", "@not-a-number").output().expect("runs");
    assert!(!out.status.success(), "a bad ID is still refused");
}

#[test]
fn index_check_lists_problems_by_file_and_line_and_passes_with_the_team_table() {
    let run = Run::new();
    let out = run.run(&["index", "--check"]);
    assert!(!out.status.success(), "the fixture's publishers are not in the bundled table");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("hbm-supply-2025.md:4: publisher `Sample Analytics` is not a canonical name"), "{text}");
    let table = run.data.path().join("publishers.toml");
    std::fs::write(&table, "[[publisher]]\nname = \"Sample Analytics\"\n[[publisher]]\nname = \"Example Research\"\n[[publisher]]\nname = \"Policy Desk\"\n").expect("write");
    let out = run.command(&["--json", "index", "--check"]).env("CHIPBOT_INDEX__PUBLISHERS", &table).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!((json["files"].as_u64(), json["problems"].as_array().map(Vec::len)), (Some(4), Some(0)), "{json}");

    // A source text the team kept: the fixture report copies a run of it.
    let sources = run.data.path().join("sources");
    std::fs::create_dir(&sources).expect("mkdir");
    let page = "<html><body><p>Analysts wrote that SK hynix held 55% of the HBM market in 2023, a higher figure than other trackers gave.</p></body></html>";
    std::fs::write(sources.join("fixture-hbm-supply-2025.html"), page).expect("write");
    let out = run.command(&["index", "--check", "--sources"]).arg(&sources).env("CHIPBOT_INDEX__PUBLISHERS", &table).output().expect("runs");
    assert!(!out.status.success(), "a copied run fails the check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("hbm-supply-2025.md:11: copies 12 words in a row from the source text fixture-hbm-supply-2025.html"), "{text}");
}

#[test]
fn commands_that_do_not_search_leave_an_outdated_index_alone() {
    let run = Run::new();
    assert!(run.run(&["index"]).status.success());
    let meta = run.data.path().join("index/chipbot-meta.bin");
    support::set_index_format(run.data.path(), 1);
    let old = std::fs::read(&meta).expect("meta");
    let files = || std::fs::read_dir(run.data.path().join("index")).expect("dir").count();
    let before = files();
    for args in [&["index", "--check"][..], &["audit"], &["queue"], &["digest", "--status"]] {
        let _ = run.run(args);
        assert_eq!(std::fs::read(&meta).expect("meta"), old, "{args:?} rewrote the index meta");
        assert_eq!(files(), before, "{args:?} changed the index files");
    }
    assert!(run.run(&["ask", "HBM market share"]).status.success(), "a search rebuilds it");
    assert_ne!(std::fs::read(&meta).expect("meta"), old);
}

#[test]
fn unknown_config_keys_fail_with_a_message() {
    let run = Run::new();
    let out = run.command(&["ask", "HBM"]).env("CHIPBOT_ANSWER__TOPP", "3").output().expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("topp"), "{stderr}");
}

#[test]
fn empty_question_exits_nonzero_with_usage() {
    let run = Run::new();
    let out = run.run(&["ask", ""]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Please ask a question"));
}

#[test]
fn figures_chart_writes_a_png() {
    let run = Run::new();
    let png = run.data.path().join("chart.png");
    let out = run.run(&["figures", "HBM market share", "--chart", png.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&png).expect("chart written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("55%") && table.contains("50%"), "{table}");
}

#[test]
fn sources_lists_counts() {
    let run = Run::new();
    let v = run.json(&["sources", "--json"]);
    assert_eq!(v["reports"], 4);
    assert_eq!(v["newest"][0]["report_id"], "fixture-hbm-supply-2025");
}

/// The README's first command, as a newcomer runs it: the bundled reports,
/// the default configuration, a question in plain words.
#[test]
fn the_readme_question_is_answered_from_the_bundled_reports() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chipbot"));
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("CHIPBOT_")) {
        cmd.env_remove(key);
    }
    let out = cmd
        .current_dir(support::root())
        .args(["ask", "What share of China's AI chip market will Huawei hold?"])
        .env("CHIPBOT_INDEX__DATA_DIR", data.path())
        .env_remove("RUST_LOG")
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().find(|l| !l.starts_with("note:") && !l.trim().is_empty()).unwrap_or_default();
    assert!(first.contains('%') && first.contains("[1]"), "the reply opens with a cited share: {text}");
    assert!(text.contains("[1]") && text.contains("http"), "numbered citations with links: {text}");
}

#[test]
fn ask_after_a_report_changed_in_place_says_the_index_was_updated() {
    let run = Run::new();
    assert!(run.run(&["index"]).status.success());
    let path = run.reports.path().join("foundry-capacity.md");
    let edited = std::fs::read_to_string(&path).expect("read") + "\nA new closing paragraph about substrate shortages.\n";
    std::fs::write(&path, edited).expect("write");
    // The first answer may come before the check finds the edit; the update
    // is then reported after it, on stderr, and never silently.
    let out = run.run(&["ask", "substrate shortages"]);
    assert!(out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("0 added, 1 updated, 0 removed"), "{said}");
    let v = run.json(&["ask", "--json", "substrate shortages"]);
    assert_eq!(v["citations"][0]["report_id"], "fixture-foundry-capacity", "{v}");
    assert_eq!(v["notices"], serde_json::json!([]), "{v}");
}
