//! The `chipbot serve` process with a Discord token, against the stand-in:
//! SIGTERM ends it with status 0 within 25 s whatever the adapter is doing
//! (API unreachable, gateway refused or dropping, a reply in flight), and a
//! token Discord rejects (401 over REST, gateway close 4004) ends it at once
//! with a clear message and a non-zero status.

#![cfg(feature = "discord")]

use std::process::ExitStatus;
use std::time::{Duration, Instant};

use crate::support;
use crate::support::discord_standin::{StandIn, CHANNEL, GUILD, TOKEN};
use crate::support::serve_process::ServeProcess;

const WAIT: Duration = Duration::from_secs(30);
const USER: u64 = 500_000_000_000_002;

/// A running `chipbot serve` with the stand-in's token and `api_base`, over
/// its own fixture and data folders.
struct Served {
    process: ServeProcess,
    _reports: tempfile::TempDir,
    _data: tempfile::TempDir,
}

impl Served {
    fn start(api_base: &str) -> Served {
        Served::start_in(api_base, support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"))
    }

    /// [`Served::start`] over the given reports and data folders.
    fn start_in(api_base: &str, reports: tempfile::TempDir, data: tempfile::TempDir) -> Served {
        let (r, d) = (reports.path().display().to_string(), data.path().display().to_string());
        let process = ServeProcess::start(&[
            ("CHIPBOT_INDEX__REPORTS_DIR", &r),
            ("CHIPBOT_INDEX__DATA_DIR", &d),
            ("CHIPBOT_DISCORD__TOKEN", TOKEN),
            ("CHIPBOT_DISCORD__API_BASE", api_base),
        ]);
        Served { process, _reports: reports, _data: data }
    }

    fn log(&self) -> String {
        self.process.log()
    }

    fn wait_log(&self, text: &str) {
        tokio::task::block_in_place(|| self.process.wait_for_log(text, WAIT));
    }

    /// SIGTERM, then the checks of a clean stop in time.
    fn terminate_cleanly(&mut self) {
        let stopped = tokio::task::block_in_place(|| self.process.terminate());
        eprintln!("stopped with {} in {} ms", stopped.0, stopped.1.as_millis());
        self.process.assert_stopped(stopped);
    }

    /// Waits for the process to end by itself.
    fn exit(&mut self) -> ExitStatus {
        tokio::task::block_in_place(|| self.process.wait_exit(WAIT)).0
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
    bot.wait_log("cannot reach the API; retrying");
    bot.terminate_cleanly();
    assert!(bot.log().contains("stopped before the API could be reached"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_sigterm_while_the_gateway_refuses_connections() {
    let discord = StandIn::start().await;
    discord.refuse_gateway();
    let mut bot = Served::start(&discord.api_base());
    discord.wait_until(WAIT, "a refused connection", |d| d.refused_connections() >= 1).await;
    bot.terminate_cleanly();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_sigterm_while_reconnecting_to_a_dropped_gateway() {
    let discord = StandIn::start().await;
    let mut bot = Served::start(&discord.api_base());
    discord.wait_ready().await;
    discord.refuse_gateway();
    discord.drop_connection(4000);
    discord.wait_until(WAIT, "a refused reconnection", |d| d.refused_connections() >= 1).await;
    bot.terminate_cleanly();
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
    bot.terminate_cleanly();
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
    bot.terminate_cleanly();
    assert!(bot.log().contains("gave up waiting for replies"), "{}", bot.log());
}

/// Runs `serve` against `discord` until it ends by itself; checks it failed
/// with `reason` in its log and kept the token out of it.
fn assert_rejected_token(discord: &StandIn, reason: &str) {
    let mut bot = Served::start(&discord.api_base());
    let started = Instant::now();
    let status = bot.exit();
    eprintln!("ended with {status} {} ms after start", started.elapsed().as_millis());
    let log = bot.log();
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(log.contains(reason), "{log}");
    assert!(!log.contains(TOKEN), "the token stays out of the log: {log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_rejected_over_rest_ends_serve_with_an_error() {
    let discord = StandIn::start().await;
    discord.reject_token();
    assert_rejected_token(&discord, "Discord rejected the bot token (401 Unauthorized");
    assert_eq!(discord.identifies(), 0, "no gateway session with a rejected token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_rejected_by_the_gateway_ends_serve_with_an_error() {
    let discord = StandIn::start().await;
    discord.fail_gateway_auth();
    assert_rejected_token(&discord, "Discord rejected the bot token (gateway close 4004");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_ends_serve_at_once_without_waiting_for_replies() {
    let discord = StandIn::start().await;
    let mut bot = Served::start(&discord.api_base());
    discord.wait_ready().await;
    discord.hold_messages(None);
    let since = discord.requests().len();
    discord.message(Some(GUILD), CHANNEL, USER, &[], "!ask HBM market share");
    discord.wait_for(WAIT, "the reply post", |log| log.iter().skip(since).any(|r| r.is_message())).await;
    bot.process.signal_term();
    bot.wait_log("shutdown signal received");
    let (status, took) = tokio::task::block_in_place(|| bot.process.terminate());
    assert_eq!(status.code(), Some(1), "{}", bot.log());
    assert!(took < Duration::from_secs(5), "the second signal does not wait for the hung reply: {took:?}");
    assert!(bot.log().contains("second shutdown signal"), "{}", bot.log());
}

/// A decision taken while no bot ran (here from the CLI) reaches the
/// proposer's channel once `serve` connects, and only once: a second start
/// finds it recorded as told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposer_is_told_a_decision_taken_while_the_bot_was_down() {
    use chipbot::config::Platform;
    use chipbot::core::{AddSource, Command, Core, Refresh, Request, Sender};
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    {
        let core = Core::open(support::settings(reports.path(), data.path()), Refresh::OnOpen).expect("core");
        let member = Sender::new(Platform::Discord, USER.to_string()).in_place(CHANNEL.to_string());
        let report = "+++\nid = \"zephyr-note\"\ntitle = \"Zephyr Packaging note\"\npublisher = \"Zephyr Research\"\n\
                      url = \"https://example.com/zephyr\"\npublished = 2026-01-05\n+++\n\n\
                      Zephyr Packaging doubled its hybrid bonding lines in 2026, the note says.\n";
        let add = Command::Add { source: AddSource::File { name: "zephyr.md".into(), bytes: report.as_bytes().to_vec().into() }, note: None };
        let reply = core.handle(Request::chat(&member, add)).await.expect("proposed");
        let chipbot::reply::Reply::Curation(curated) = reply else { panic!("{reply:?}") };
        let chipbot::reply::Curated::Proposed { view, .. } = *curated else { panic!("{curated:?}") };
        core.handle(Request::cli(Command::Approve { id: view.item.id })).await.expect("approved from the CLI");
    }
    let discord = StandIn::start().await;
    let mut bot = Served::start_in(&discord.api_base(), reports, data);
    discord.wait_ready().await;
    let told = |log: &[support::discord_standin::Recorded]| {
        log.iter().filter(|r| r.is_message() && r.path.contains(&CHANNEL.to_string()) && r.text().contains("was approved by cli")).count()
    };
    discord.wait_for(WAIT, "the proposer's note", |log| told(log) == 1).await;
    bot.wait_log("told the proposer");
    bot.terminate_cleanly();
    let (reports, data) = (bot._reports, bot._data);
    let mut again = Served::start_in(&discord.api_base(), reports, data);
    again.wait_log("digest poster registered");
    // The pass after connecting has run once the log says so; give it time to post anything.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(told(&discord.requests()), 1, "told once: {}", again.log());
    again.terminate_cleanly();
}
