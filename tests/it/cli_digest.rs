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
    assert!(stdout(&run(r, d, &["audit"])).contains("Nothing has been audited yet"));
    stdout(&run(r, d, &["index", "--full"]));
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(r, d, &["--json", "audit"]))).expect("json");
    let rows = json.as_array().expect("array");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["platform"].as_str(), rows[0]["outcome"].as_str(), rows[0]["full"].as_bool()), (Some("cli"), Some("ok"), Some(true)));
    let text = stdout(&run(r, d, &["audit"]));
    assert!(text.contains(" cli ") && text.contains("full") && text.contains("added 4"), "{text}");
}

#[test]
fn digest_status_lists_undelivered_posts_and_resend_queues_a_failed_one() {
    use chipbot::store::{OutboxKey, Store};
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let (r, d) = (reports.path(), data.path());
    assert!(stdout(&run(r, d, &["digest", "--status"])).contains("Every scheduled digest post has been delivered"));
    // What the digest service leaves after giving up on a post.
    let store = Store::open(d).expect("store");
    let slot = chrono::DateTime::parse_from_rfc3339("2026-04-06T07:00:00Z").expect("time").with_timezone(&chrono::Utc);
    let key = OutboxKey { digest: "daily".into(), target: "discord:42".into(), slot };
    store.record_pending(&key, "discord", slot, slot, slot).expect("pending");
    store.begin_attempt(&key, slot).expect("claim");
    store.mark_attempt_failed(&key, "Missing Access", false, slot).expect("failed");
    let id = store.outbox_entry(&key).expect("read").expect("row").id.to_string();

    let status = stdout(&run(r, d, &["digest", "--status"]));
    let line = status.lines().find(|l| l.trim_start().starts_with(&id)).unwrap_or_else(|| panic!("{status}"));
    assert!(line.contains("failed") && line.contains("2026-04-06 07:00") && line.contains("discord:42"), "{status}");
    assert!(status.contains("last error: Missing Access") && status.contains("--resend ID"), "{status}");

    let queued = stdout(&run(r, d, &["digest", "--resend", &id]));
    assert!(queued.contains(&format!("#{id}")) && queued.contains(&key.post_key()), "{queued}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(r, d, &["--json", "digest", "--status"]))).expect("json");
    assert_eq!(json[0]["state"], "pending");
    assert_eq!(json[0]["attempts"], 0);
    assert_eq!(json[0]["post_key"], key.post_key());

    let missing = run(r, d, &["digest", "--resend", "999"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no digest post #999"), "{}", String::from_utf8_lossy(&missing.stderr));
    store.begin_attempt(&key, slot).expect("claim");
    store.mark_sent(&key, slot).expect("sent");
    let sent = run(r, d, &["digest", "--resend", &id]);
    assert!(!sent.status.success());
    assert!(String::from_utf8_lossy(&sent.stderr).contains("was delivered"), "{}", String::from_utf8_lossy(&sent.stderr));
    let clash = run(r, d, &["digest", "--status", "--since", "2026-01-01"]);
    assert!(!clash.status.success(), "--status takes no digest options");
}
