//! `chipbot serve` on Matrix stops on SIGTERM with status 0 within 25 s in
//! the states that need no homeserver: the homeserver unreachable (the bot
//! keeps retrying until told to stop) and the index being brought up to date
//! at start-up. The states that need Synapse (login refused, homeserver
//! stopped mid-run, a reply held by a rate limit) are in `tests/matrix/outages.rs`.

#![cfg(feature = "matrix")]

use std::process::Command;
use std::time::Duration;

use crate::support;
use crate::support::serve_process::ServeProcess;

/// A loopback address nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn serve_matrix(reports: &std::path::Path, data: &std::path::Path) -> ServeProcess {
    let (reports, data, homeserver) = (reports.display().to_string(), data.display().to_string(), closed_port());
    ServeProcess::start(&[
        ("CHIPBOT_INDEX__REPORTS_DIR", &reports),
        ("CHIPBOT_INDEX__DATA_DIR", &data),
        ("CHIPBOT_MATRIX__HOMESERVER_URL", &homeserver),
        ("CHIPBOT_MATRIX__USER_ID", "@chipbot:localhost"),
        ("CHIPBOT_MATRIX__PASSWORD", "a password never logged"),
    ])
}

#[test]
fn an_unreachable_homeserver_is_retried_until_sigterm_then_exit_0() {
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let mut bot = serve_matrix(reports.path(), data.path());
    bot.wait_for_log("cannot connect to Matrix; retrying", Duration::from_secs(60));
    bot.wait_for_log("failures=2", Duration::from_secs(30));
    let stopped = bot.terminate();
    bot.assert_stopped(stopped);
    assert!(!bot.log().contains("a password never logged"), "secrets never logged");
}

#[test]
fn a_stop_while_the_index_is_built_at_start_up_exits_0() {
    // Enough reports that opening takes many seconds in a debug build.
    let reports = tempfile::tempdir().expect("tempdir");
    for i in 0..2_000 {
        let sentence = format!("In {} foundry {i} shipped {} million wafers and earned US$ {}.{} billion. ", 2000 + i % 25, i % 97, i % 13, i % 7);
        std::fs::write(reports.path().join(format!("r{i}.txt")), format!("Report {i}\n\n{}", sentence.repeat(20))).expect("write");
    }
    let data = tempfile::tempdir().expect("tempdir");
    let mut bot = serve_matrix(reports.path(), data.path());
    bot.wait_for_log("opening the index", Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(300));
    let stopped = bot.terminate();
    bot.assert_stopped(stopped);
    let log = bot.log();
    assert!(log.contains("stopped while opening the index"), "stopped mid-build, not after it:\n{log}");
    // The next start finds a usable index and finishes the job.
    let out = Command::new(env!("CARGO_BIN_EXE_chipbot"))
        .current_dir(support::root())
        .args(["--json", "sources"])
        .env("CHIPBOT_INDEX__REPORTS_DIR", reports.path())
        .env("CHIPBOT_INDEX__DATA_DIR", data.path())
        .output()
        .expect("sources");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["reports"], 2_000, "{json}");
}
