//! `chipbot digest` and `chipbot audit` from the command line.

use crate::support;

use std::process::{Command, Output};

fn run(reports: &std::path::Path, data: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chipbot"));
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("CHIPBOT_")) {
        cmd.env_remove(key);
    }
    cmd.current_dir(support::root())
        .args(args)
        .env("CHIPBOT_INDEX__REPORTS_DIR", reports)
        .env("CHIPBOT_INDEX__DATA_DIR", data)
        .env_remove("RUST_LOG")
        .output()
        .expect("binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn digest_lists_new_reports_and_a_real_run_moves_the_cli_watermark() {
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let (r, d) = (reports.path(), data.path());
    let since = ["digest", "--since", "2000-01-01", "--dry-run"];
    let all = stdout(&run(r, d, &since));
    assert!(all.contains("Fictional update: HBM market shares shift"), "{all}");
    assert!(all.contains("Sources"), "{all}");
    // No watermark yet: the first real run covers the last schedule period, which
    // includes the reports just indexed; the next run starts where it ended.
    let first = stdout(&run(r, d, &["digest"]));
    assert!(first.contains("Fictional update"), "{first}");
    let second = stdout(&run(r, d, &["digest"]));
    assert!(second.contains("Nothing new."), "{second}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(r, d, &["--json", "digest", "--dry-run"]))).expect("json");
    assert_eq!(json["digest"], "digest");
    assert_eq!(json["items"].as_array().map(Vec::len), Some(0));
    let unknown = run(r, d, &["digest", "--name", "nope"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nope"));
}

#[test]
fn index_requests_are_listed_by_audit() {
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let (r, d) = (reports.path(), data.path());
    assert!(stdout(&run(r, d, &["audit"])).contains("No reindex"));
    stdout(&run(r, d, &["index", "--full"]));
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(r, d, &["--json", "audit"]))).expect("json");
    let rows = json.as_array().expect("array");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["platform"].as_str(), rows[0]["outcome"].as_str(), rows[0]["full"].as_bool()), (Some("cli"), Some("ok"), Some(true)));
    let text = stdout(&run(r, d, &["audit"]));
    assert!(text.contains(" cli ") && text.contains("full") && text.contains("added 4"), "{text}");
}
