//! The `chipbot serve` process with a Discord token, against the stand-in:
//! SIGTERM ends it with status 0 within 25 s whatever the adapter is doing
//! (API unreachable, gateway refused or dropping, a reply in flight), and a
//! token Discord rejects (401 over REST, gateway close 4004) ends it at once
//! with a clear message and a non-zero status.

#![cfg(feature = "discord")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support;
use crate::support::discord_standin::{StandIn, CHANNEL, GUILD, TOKEN};

/// How long a stopping process may take (a service manager's usual limit).
const STOP_LIMIT: Duration = Duration::from_secs(25);
const WAIT: Duration = Duration::from_secs(30);
const USER: u64 = 500_000_000_000_002;

/// A running `chipbot serve`; killed when dropped.
struct Served {
    child: Child,
    stderr: Arc<Mutex<String>>,
    _reports: tempfile::TempDir,
    _data: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Starts `chipbot serve` with the stand-in's token and `api_base`.
    fn start(api_base: &str) -> Served {
        let reports = support::copy_fixture("mini");
        let data = tempfile::tempdir().expect("tempdir");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chipbot"));
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("CHIPBOT_")) {
            cmd.env_remove(key);
        }
        cmd.current_dir(support::root())
            .arg("serve")
            .env("CHIPBOT_INDEX__REPORTS_DIR", reports.path())
            .env("CHIPBOT_INDEX__DATA_DIR", data.path())
            .env("CHIPBOT_DISCORD__TOKEN", TOKEN)
            .env("CHIPBOT_DISCORD__API_BASE", api_base)
            .env("RUST_LOG", "chipbot=info,warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("chipbot runs");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Served { child, stderr, _reports: reports, _data: data }
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until the log contains `text`.
    async fn wait_log(&self, text: &str) {
        let start = Instant::now();
        while !self.log().contains(text) {
            assert!(start.elapsed() < WAIT, "no {text:?} in the log:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGTERM and returns the exit status and how long the process took to end.
    async fn terminate(&mut self) -> (ExitStatus, Duration) {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill runs");
        assert!(sent.success(), "kill -TERM failed");
        let start = Instant::now();
        let status = self.exit().await;
        (status, start.elapsed())
    }

    /// Waits for the process to end by itself.
    async fn exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(start.elapsed() < WAIT, "still running after {} s; log:\n{}", WAIT.as_secs(), self.log());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Asserts a clean stop in time, with the log in the message.
    fn assert_stopped(&self, (status, took): (ExitStatus, Duration)) {
        let log = self.log();
        eprintln!("stopped with {status} in {} ms", took.as_millis());
        assert_eq!(status.code(), Some(0), "exit status; log:\n{log}");
        assert!(took < STOP_LIMIT, "took {} ms to stop; log:\n{log}", took.as_millis());
        assert!(log.contains("shutdown signal received"), "{log}");
    }
}

/// A loopback address nothing listens on.
fn unused_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_sigterm_while_the_api_cannot_be_reached() {
    let mut bot = Served::start(&unused_address());
    bot.wait_log("cannot reach the API; retrying").await;
    let stopped = bot.terminate().await;
    bot.assert_stopped(stopped);
    assert!(bot.log().contains("stopped before the API could be reached"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_sigterm_while_the_gateway_refuses_connections() {
    let discord = StandIn::start().await;
    discord.refuse_gateway();
    let mut bot = Served::start(&discord.api_base());
    discord.wait_until(WAIT, "a refused connection", |d| d.refused_connections() >= 1).await;
    let stopped = bot.terminate().await;
    bot.assert_stopped(stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_sigterm_while_reconnecting_to_a_dropped_gateway() {
    let discord = StandIn::start().await;
    let mut bot = Served::start(&discord.api_base());
    discord.wait_ready().await;
    discord.refuse_gateway();
    discord.drop_connection(4000);
    discord.wait_until(WAIT, "a refused reconnection", |d| d.refused_connections() >= 1).await;
    let stopped = bot.terminate().await;
    bot.assert_stopped(stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_finishes_a_reply_in_flight_before_it_stops() {
    let discord = StandIn::start().await;
    let mut bot = Served::start(&discord.api_base());
    discord.wait_ready().await;
    discord.hold_messages(Some(Duration::from_secs(2)));
    let since = discord.requests().len();
    discord.message(Some(GUILD), CHANNEL, USER, &[], "!ask HBM market share");
    discord.wait_for(WAIT, "typing", |log| log.iter().skip(since).any(|r| r.path.ends_with("/typing"))).await;
    let stopped = bot.terminate().await;
    bot.assert_stopped(stopped);
    let replies: Vec<_> = discord.messages_since(since);
    assert_eq!(replies.len(), 1, "the reply in flight was sent once: {replies:?}");
    assert_eq!(replies[0].status, 200);
    assert!(replies[0].text().contains("[1] "), "{}", replies[0].text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_gives_up_on_a_reply_that_hangs_and_still_stops() {
    let discord = StandIn::start().await;
    let mut bot = Served::start(&discord.api_base());
    discord.wait_ready().await;
    discord.hold_messages(None);
    let since = discord.requests().len();
    discord.message(Some(GUILD), CHANNEL, USER, &[], "!ask HBM market share");
    discord.wait_for(WAIT, "the reply post", |log| log.iter().skip(since).any(|r| r.is_message())).await;
    let stopped = bot.terminate().await;
    bot.assert_stopped(stopped);
    assert!(bot.log().contains("gave up waiting for replies"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_rejected_over_rest_ends_serve_with_an_error() {
    let discord = StandIn::start().await;
    discord.reject_token();
    let mut bot = Served::start(&discord.api_base());
    let started = Instant::now();
    let status = bot.exit().await;
    eprintln!("ended with {status} {} ms after start", started.elapsed().as_millis());
    let log = bot.log();
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(log.contains("Discord rejected the bot token (401 Unauthorized"), "{log}");
    assert!(!log.contains(TOKEN), "the token stays out of the log: {log}");
    assert_eq!(discord.identifies(), 0, "no gateway session with a rejected token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_rejected_by_the_gateway_ends_serve_with_an_error() {
    let discord = StandIn::start().await;
    discord.fail_gateway_auth();
    let mut bot = Served::start(&discord.api_base());
    let started = Instant::now();
    let status = bot.exit().await;
    eprintln!("ended with {status} {} ms after start", started.elapsed().as_millis());
    let log = bot.log();
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(log.contains("Discord rejected the bot token (gateway close 4004"), "{log}");
    assert!(!log.contains(TOKEN), "the token stays out of the log: {log}");
}
