//! End-to-end tests of the Matrix bot against a real Synapse homeserver on
//! loopback (installed from PyPI on first use; see `it/support/synapse.rs`).
//! A second matrix-sdk client plays the person in the room and checks what
//! they would see. The cases share one homeserver and run in order, each
//! with its own bot process state; the runner prints Synapse's log when a
//! case fails. Run one case with `cargo test --features matrix --test matrix -- NAME`.

#![recursion_limit = "256"]

#[path = "it/support/matrix_user.rs"]
mod matrix_user;
#[path = "it/support/synapse.rs"]
mod synapse;
#[path = "it/support/mod.rs"]
mod common;
#[path = "matrix/outages.rs"]
mod outages;
#[path = "matrix/curation.rs"]
mod curation;

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use chipbot::config::{Secret, Settings};
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::MessageType;
use matrix_sdk::ruma::{OwnedUserId, UserId};
use matrix_user::{Seen, User};
use synapse::Synapse;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const PASSWORD: &str = "correct horse battery staple";
const BOT: &str = "chipbot";
const REPLY_WAIT: Duration = Duration::from_secs(60);
const JOIN_WAIT: Duration = Duration::from_secs(30);

type Case = for<'a> fn(&'a mut Harness) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// What every case gets: the homeserver and the bot's user ID.
struct Harness {
    synapse: Synapse,
    bot_id: OwnedUserId,
}

fn main() -> ExitCode {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).try_init();
    }
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let cases: Vec<(&str, Case)> = vec![
        ("ask_in_plain_room", |h| Box::pin(ask_in_plain_room(h))),
        ("ask_in_encrypted_room", |h| Box::pin(ask_in_encrypted_room(h))),
        ("question_in_thread_is_answered_in_thread", |h| Box::pin(question_in_thread_is_answered_in_thread(h))),
        ("restart_answers_each_question_once_and_skips_old", |h| Box::pin(restart_answers_each_question_once(h))),
        ("figures_reply_has_a_table_and_a_chart_image", |h| Box::pin(figures_reply_has_a_chart(h))),
        ("undecryptable_message_gets_a_visible_notice", |h| Box::pin(undecryptable_message_gets_a_notice(h))),
        ("invite_from_stranger_is_declined", |h| Box::pin(invite_from_stranger_is_declined(h))),
        ("rate_limited_user_gets_a_notice", |h| Box::pin(rate_limited_user_gets_a_notice(h))),
        ("empty_ask_gets_usage_and_notices_are_ignored", |h| Box::pin(empty_ask_gets_usage(h))),
        ("hostile_report_text_is_escaped_and_pings_nobody", |h| Box::pin(hostile_text_is_escaped(h))),
        ("non_admin_reindex_is_refused", |h| Box::pin(non_admin_reindex_is_refused(h))),
        ("a_pasted_link_is_approved_by_an_admin_and_cited_in_an_encrypted_room", |h| {
            Box::pin(curation::a_pasted_link_is_approved_by_an_admin_and_cited_in_an_encrypted_room(h))
        }),
        ("scheduled_and_on_demand_digests_are_posted", |h| Box::pin(digests_are_posted(h))),
        ("digest_stopped_at_any_step_posts_exactly_once", |h| Box::pin(digest_stopped_at_any_step_posts_once(h))),
        ("serve_binary_answers_and_stops_on_sigterm", |h| Box::pin(serve_binary_stops_on_sigterm(h))),
        ("wrong_password_ends_serve_with_the_reason", |h| Box::pin(outages::wrong_password_ends_serve_with_the_reason(h))),
        ("sigterm_while_the_homeserver_is_down_exits_0", |h| Box::pin(outages::sigterm_while_the_homeserver_is_down_exits_0(h))),
        ("rate_limited_replies_arrive_late_once_and_sigterm_still_exits_0", |h| {
            Box::pin(outages::rate_limited_replies_arrive_late_once_and_sigterm_still_exits_0(h))
        }),
        ("bot_answers_after_synapse_restart", |h| Box::pin(bot_answers_after_synapse_restart(h))),
    ];
    let selected: Vec<_> = cases.into_iter().filter(|(name, _)| filter.as_deref().is_none_or(|f| name.contains(f))).collect();
    println!("\nrunning {} Matrix end-to-end tests against Synapse", selected.len());
    if selected.is_empty() {
        return ExitCode::SUCCESS;
    }
    let mut harness = match start_harness() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("FAILED: cannot start the test homeserver: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = Vec::new();
    for (name, case) in selected {
        let started = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(240), case(&mut harness)).await.expect("case timed out");
            });
            runtime.shutdown_timeout(Duration::from_secs(5));
        }));
        let secs = started.elapsed().as_secs_f64();
        match outcome {
            Ok(()) => println!("test {name} ... ok ({secs:.1} s)"),
            Err(_) => {
                println!("test {name} ... FAILED ({secs:.1} s)");
                failed.push(name);
            }
        }
    }
    if failed.is_empty() {
        println!("\ntest result: ok. Matrix end-to-end tests passed");
        ExitCode::SUCCESS
    } else {
        eprintln!("\nSynapse log (tail):\n{}", harness.synapse.log_tail(80));
        eprintln!("test result: FAILED. failures: {failed:?}");
        ExitCode::FAILURE
    }
}

fn start_harness() -> Result<Harness, String> {
    let synapse = Synapse::start()?;
    for user in [BOT, "alice", "alice2", "mallory"] {
        synapse.register(user, PASSWORD)?;
    }
    synapse.register_admin("admin", PASSWORD)?;
    let bot_id = UserId::parse(format!("@{BOT}:{}", synapse.server_name())).map_err(|e| e.to_string())?;
    Ok(Harness { synapse, bot_id })
}

/// A bot process: the engine over a fixture, and the adapter task.
struct RunningBot {
    stop: CancellationToken,
    task: JoinHandle<chipbot::Result<()>>,
}

impl RunningBot {
    /// Starts the bot through the same entry point as `chipbot serve`.
    async fn start(settings: Settings) -> RunningBot {
        let stop = CancellationToken::new();
        let task = tokio::spawn(chipbot::serve::serve_until(settings, stop.clone()));
        RunningBot { stop, task }
    }

    /// Stops the bot the way SIGTERM would, and checks it stopped cleanly.
    async fn stop(self) {
        self.stop.cancel();
        let result = tokio::time::timeout(Duration::from_secs(30), self.task).await.expect("bot stops in time");
        result.expect("bot task joins").expect("bot stops without error");
    }
}

/// The bot's settings: fixture reports, a private data dir, test secrets.
fn bot_settings(h: &Harness, reports: &Path, data: &Path) -> Settings {
    let mut s = common::settings(reports, data);
    s.matrix.homeserver_url = Some(h.synapse.url());
    s.matrix.user_id = Some(h.bot_id.to_string());
    s.matrix.allowed_inviters = vec!["@alice*:localhost".into()];
    s.secrets.matrix_password = Some(Secret::new(PASSWORD));
    s.secrets.matrix_store_passphrase = Some(Secret::new("test store passphrase"));
    s
}

/// A running bot plus the fixture and data folders it uses.
struct Scene {
    bot: RunningBot,
    reports: tempfile::TempDir,
    data: tempfile::TempDir,
}

async fn scene(h: &Harness, fixture: &str, tweak: impl FnOnce(&mut Settings)) -> Scene {
    let reports = common::copy_fixture(fixture);
    let data = tempfile::tempdir().expect("tempdir");
    let mut settings = bot_settings(h, reports.path(), data.path());
    tweak(&mut settings);
    let bot = RunningBot::start(settings).await;
    Scene { bot, reports, data }
}

/// `user` makes a room with the bot in it.
async fn room_with_bot(h: &Harness, user: &User, encrypted: bool) -> matrix_sdk::ruma::OwnedRoomId {
    let room = user.create_room(encrypted, &[&h.bot_id]).await;
    user.wait_membership(&room, &h.bot_id, MembershipState::Join, JOIN_WAIT).await;
    room
}

async fn login(h: &Harness, name: &str) -> User {
    User::login(&h.synapse.url(), name, PASSWORD).await
}

fn html(seen: &Seen) -> String {
    seen.json["formatted_body"].as_str().unwrap_or_default().to_string()
}

fn body(seen: &Seen) -> String {
    seen.json["body"].as_str().unwrap_or_default().to_string()
}

/// What every answer must look like to a person: a notice replying to the
/// question, HTML with citation links and a figures table, a readable body,
/// and an empty `m.mentions` so it pings nobody.
fn assert_cited_answer(seen: &Seen) {
    assert!(matches!(seen.event.content.msgtype, MessageType::Notice(_)), "answers are notices");
    assert_eq!(seen.json["format"], "org.matrix.custom.html");
    let html = html(seen);
    assert!(html.contains("<a href=\"https://example.com/"), "citation links: {html}");
    assert!(html.contains("<table>") && html.contains("<strong>"), "figures table and highlights: {html}");
    let body = body(seen);
    assert!(body.contains("[1]") && body.contains("Figures") && !body.contains('<'), "plain body: {body}");
    assert_eq!(seen.json["m.mentions"], serde_json::json!({}), "explicitly mentions nobody");
}

async fn ask_in_plain_room(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let question = alice.send(&room, "!ask HBM market share of SK hynix").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &question, REPLY_WAIT).await;
    assert_cited_answer(&reply);
    assert!(body(&reply).contains("SK hynix"));
    assert!(html(&reply).contains("Sources disagree"), "50% vs 55% is shown, not averaged: {}", html(&reply));
    scene.bot.stop().await;
}

async fn ask_in_encrypted_room(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, true).await;
    let encrypted = alice.client.get_room(&room).expect("room").latest_encryption_state().await.expect("state");
    assert!(encrypted.is_encrypted(), "the room must really be encrypted");
    let question = alice.send(&room, "!ask CoWoS capacity wafers per month").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &question, REPLY_WAIT).await;
    assert_cited_answer(&reply);
    assert!(body(&reply).contains("75,000"), "{}", body(&reply));
    scene.bot.stop().await;
}

async fn question_in_thread_is_answered_in_thread(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let root = alice.send(&room, "Thread about packaging").await;
    let question = alice.send_in_thread(&room, &root, "!ask CoWoS capacity").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &question, REPLY_WAIT).await;
    let relation = &reply.json["m.relates_to"];
    assert_eq!(relation["rel_type"], "m.thread", "{relation}");
    assert_eq!(relation["event_id"], root.as_str(), "same thread root");
    scene.bot.stop().await;
}

async fn restart_answers_each_question_once(h: &mut Harness) {
    let age = 10;
    let Scene { bot, reports, data } = scene(h, "mini", |s| s.matrix.max_message_age_secs = age).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, true).await;
    let first = alice.send(&room, "!ask CoWoS capacity").await;
    alice.wait_reply(&room, &h.bot_id, &first, REPLY_WAIT).await;
    bot.stop().await;

    let too_old = alice.send(&room, "!ask HBM market share").await;
    tokio::time::sleep(Duration::from_secs(age + 1)).await;
    let while_down = alice.send(&room, "!ask export rules").await;
    let mut settings = bot_settings(h, reports.path(), data.path());
    settings.matrix.max_message_age_secs = age;
    let bot = RunningBot::start(settings).await;
    alice.wait_reply(&room, &h.bot_id, &while_down, REPLY_WAIT).await;
    let after = alice.send(&room, "!sources").await;
    alice.wait_reply(&room, &h.bot_id, &after, REPLY_WAIT).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(alice.replies_to(&room, &h.bot_id, &first).len(), 1, "answered before the restart, once");
    assert_eq!(alice.replies_to(&room, &h.bot_id, &while_down).len(), 1, "missed message answered once");
    assert_eq!(alice.replies_to(&room, &h.bot_id, &too_old).len(), 0, "too old to answer");
    bot.stop().await;
}

async fn invite_from_stranger_is_declined(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let mallory = login(h, "mallory").await;
    let room = mallory.create_room(false, &[&h.bot_id]).await;
    mallory.wait_membership(&room, &h.bot_id, MembershipState::Leave, JOIN_WAIT).await;
    scene.bot.stop().await;
}

async fn rate_limited_user_gets_a_notice(h: &mut Harness) {
    let scene = scene(h, "mini", |s| {
        s.chat.rate_limit_count = 2;
        s.chat.rate_limit_window_secs = 600;
    })
    .await;
    let alice = login(h, "alice2").await;
    let room = room_with_bot(h, &alice, false).await;
    for _ in 0..2 {
        let q = alice.send(&room, "!ask HBM").await;
        let reply = alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await;
        assert!(!body(&reply).contains("too fast"));
    }
    let q = alice.send(&room, "!ask HBM again").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await;
    assert!(matches!(reply.event.content.msgtype, MessageType::Notice(_)));
    assert!(body(&reply).contains("too fast") && body(&reply).contains("try again in"), "{}", body(&reply));
    scene.bot.stop().await;
}

async fn empty_ask_gets_usage(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    // Another bot's notice is never answered, even when it looks like a command.
    let notice = alice.send_notice(&room, "!ask HBM market share").await;
    let q = alice.send(&room, "!ask").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await;
    assert!(body(&reply).contains("Please ask a question"), "{}", body(&reply));
    assert!(alice.replies_to(&room, &h.bot_id, &notice).is_empty(), "notices are not answered");
    let unknown = alice.send(&room, "!frobnicate").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &unknown, REPLY_WAIT).await;
    assert!(body(&reply).contains("!help"), "{}", body(&reply));
    scene.bot.stop().await;
}

async fn hostile_text_is_escaped(h: &mut Harness) {
    let scene = scene(h, "hostile", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let q = alice.send(&room, "!ask wafer prices memo <script>").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await;
    let (html, body) = (html(&reply), body(&reply));
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(!html.contains("<script") && !html.contains("<b>Markup"), "no injected markup: {html}");
    assert!(!body.contains("@room") && !html.contains("@room"), "@room defused");
    assert!(body.contains("@\u{2060}room"), "the text is kept, just defused: {body}");
    assert_eq!(reply.json["m.mentions"], serde_json::json!({}));
    scene.bot.stop().await;
}

async fn non_admin_reindex_is_refused(h: &mut Harness) {
    let scene = scene(h, "mini", |s| s.admins.matrix_users = vec!["@admin*:localhost".into()]).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let q = alice.send(&room, "!reindex full").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await;
    assert!(body(&reply).contains("only chipbot admins"), "{}", body(&reply));
    scene.bot.stop().await;
}

async fn bot_answers_after_synapse_restart(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let before = alice.send(&room, "!ask HBM").await;
    alice.wait_reply(&room, &h.bot_id, &before, REPLY_WAIT).await;
    tokio::task::block_in_place(|| {
        h.synapse.stop();
        std::thread::sleep(Duration::from_secs(2));
        h.synapse.resume().expect("Synapse restarts");
    });
    let after = alice.send(&room, "!ask CoWoS capacity").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &after, Duration::from_secs(120)).await;
    assert_cited_answer(&reply);
    scene.bot.stop().await;
}

async fn serve_binary_stops_on_sigterm(h: &mut Harness) {
    let reports = common::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let root = common::root();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chipbot"))
        .current_dir(&root)
        .args(["-v", "serve"])
        .env("CHIPBOT_INDEX__REPORTS_DIR", reports.path())
        .env("CHIPBOT_INDEX__DATA_DIR", data.path())
        .env("CHIPBOT_MATRIX__HOMESERVER_URL", h.synapse.url())
        .env("CHIPBOT_MATRIX__USER_ID", h.bot_id.as_str())
        .env("CHIPBOT_MATRIX__ALLOWED_INVITERS", "@alice:localhost,@alice2:localhost")
        .env("CHIPBOT_MATRIX__PASSWORD", PASSWORD)
        .env("CHIPBOT_MATRIX__STORE_PASSPHRASE", "binary test passphrase")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("chipbot serve starts");
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let q = alice.send(&room, "!ask CoWoS capacity").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await;
    assert_cited_answer(&reply);
    let status = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let exit = tokio::task::block_in_place(|| {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(exit) = child.try_wait().expect("wait") {
                return exit;
            }
            assert!(std::time::Instant::now() < deadline, "chipbot serve did not stop within 30 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let mut log = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        use std::io::Read;
        let _ = stderr.read_to_string(&mut log);
    }
    assert!(exit.success(), "clean exit after SIGTERM: {exit:?}\n{log}");
    assert!(log.contains("shutdown signal received") && log.contains("Matrix bot stopped"), "{log}");
    assert!(!log.contains(PASSWORD) && !log.contains("binary test passphrase"), "secrets never logged");
}

async fn digests_are_posted(h: &mut Harness) {
    use chipbot::core::Platform;
    use chipbot::config::{DigestSettings, DigestTarget, MissedSlots};
    let alice = login(h, "alice").await;
    // The room exists before the bot starts: it finds the invite on its first sync.
    let room = alice.create_room(false, &[&h.bot_id]).await;
    let digest = DigestSettings {
        name: "e2e-minutely".into(),
        schedule: chipbot::digest::Schedule::parse("* * * * *", "Europe/Berlin").expect("schedule"),
        targets: vec![DigestTarget { platform: Platform::Matrix, id: room.to_string() }],
        query: None,
        max_items: 5,
        post_empty: true,
        missed: MissedSlots::CatchUpOnce,
    };
    let scene = scene(h, "mini", |s| s.digests = vec![digest]).await;
    alice.wait_membership(&room, &h.bot_id, MembershipState::Join, JOIN_WAIT).await;

    let on_demand = alice.send(&room, "!digest").await;
    let reply = alice.wait_reply(&room, &h.bot_id, &on_demand, REPLY_WAIT).await;
    assert!(body(&reply).contains("Digest"), "{}", body(&reply));

    // The scheduled post: not a reply, names the digest, arrives within a minute or so.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let scheduled = loop {
        let posts: Vec<Seen> = alice
            .messages_from(&room, &h.bot_id)
            .into_iter()
            .filter(|s| matrix_user::in_reply_to(&s.json).is_none() && body(s).contains("e2e-minutely"))
            .collect();
        if let Some(first) = posts.first() {
            break first.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "no scheduled digest within 90 s");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert!(matches!(scheduled.event.content.msgtype, MessageType::Notice(_)));
    assert!(html(&scheduled).contains("<strong>Digest"), "{}", html(&scheduled));
    assert_eq!(scheduled.json["m.mentions"], serde_json::json!({}));
    scene.bot.stop().await;
}

/// A stop after the outbox row is claimed, or after Synapse answered the
/// send, then a restart of the adapter (from its stored session) and of the
/// digest service: the room sees the digest once. The resend reuses the
/// transaction ID, which Synapse answers with the event it already has.
async fn digest_stopped_at_any_step_posts_once(h: &mut Harness) {
    use chipbot::config::{DigestSettings, DigestTarget, MissedSlots};
    use chipbot::core::{Core, Platform, Refresh};
    use chipbot::digest::{Clock, DigestService, PosterRegistry};
    use chipbot::store::{OutboxKey, OutboxState};
    use common::stop::{StopAt, StoppingPoster};
    use std::sync::Arc;

    let utc = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("time").with_timezone(&chrono::Utc);
    let alice = login(h, "alice").await;
    for at in [StopAt::BeforeRequest, StopAt::AfterAnswer] {
        let room = alice.create_room(false, &[&h.bot_id]).await;
        let name = format!("e2e-once-{}", if at == StopAt::BeforeRequest { "before" } else { "after" });
        let reports = common::copy_fixture("mini");
        let data = tempfile::tempdir().expect("tempdir");
        let mut settings = bot_settings(h, reports.path(), data.path());
        settings.digests = vec![DigestSettings {
            name: name.clone(),
            schedule: chipbot::digest::Schedule::parse("0 7 * * *", "UTC").expect("schedule"),
            targets: vec![DigestTarget { platform: Platform::Matrix, id: room.to_string() }],
            query: None,
            max_items: 5,
            post_empty: true,
            missed: MissedSlots::CatchUpOnce,
        }];
        let own = settings.matrix.clone();
        let core = Core::start(settings, Refresh::OnOpen).await.expect("core");
        let store = core.open_store().expect("store");
        let key = OutboxKey { digest: name.clone(), target: format!("matrix:{room}"), slot: utc("2026-04-06T07:00:00Z") };

        // The adapter as started by `serve`, and its poster once connected.
        let start_adapter = |core: Core| {
            let posters = PosterRegistry::default();
            let stop = CancellationToken::new();
            let task = tokio::spawn(chipbot::adapters::matrix::run(core, own.clone(), posters.clone(), stop.clone()));
            (posters, stop, task)
        };
        let poster_of = |posters: PosterRegistry| async move {
            let deadline = tokio::time::Instant::now() + JOIN_WAIT;
            loop {
                if let Some(poster) = posters.get(Platform::Matrix) {
                    return poster;
                }
                assert!(tokio::time::Instant::now() < deadline, "the Matrix poster is registered once connected");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        let (posters, adapter_stop, adapter) = start_adapter(core.clone());
        alice.wait_membership(&room, &h.bot_id, MembershipState::Join, JOIN_WAIT).await;
        let real = poster_of(posters).await;

        let reached = Arc::new(tokio::sync::Notify::new());
        let stopping = PosterRegistry::default();
        stopping.register(Arc::new(StoppingPoster { inner: real, at, reached: reached.clone() }));
        let clock = Clock::starting_at(utc("2026-04-06T06:59:58Z"));
        let service = DigestService::new(core.clone(), store.clone(), stopping).with_clock(clock);
        let first = tokio::spawn(service.run(CancellationToken::new()));
        tokio::time::timeout(REPLY_WAIT, reached.notified()).await.unwrap_or_else(|_| panic!("{at:?} never reached"));
        first.abort();
        let _ = first.await;
        assert_eq!(store.outbox_entry(&key).expect("read").map(|r| r.state), Some(OutboxState::Sending), "{at:?}");
        adapter_stop.cancel();
        adapter.await.expect("adapter joins").expect("adapter stops cleanly");

        // The restart: the adapter from its stored session, the service recovering the row.
        let (posters, adapter_stop, adapter) = start_adapter(core.clone());
        let restarted = PosterRegistry::default();
        restarted.register(poster_of(posters).await);
        let clock = Clock::starting_at(utc("2026-04-06T07:01:00Z"));
        let stop = CancellationToken::new();
        let second = tokio::spawn(DigestService::new(core.clone(), store.clone(), restarted).with_clock(clock).run(stop.clone()));
        let deadline = tokio::time::Instant::now() + REPLY_WAIT;
        while store.outbox_entry(&key).expect("read").map(|r| r.state) != Some(OutboxState::Sent) {
            assert!(tokio::time::Instant::now() < deadline, "{at:?}: never sent after the restart");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        stop.cancel();
        second.await.expect("joined").expect("service ran");
        // Give a duplicate, if any, time to reach alice.
        let marker = alice.send(&room, "after the digest").await;
        let deadline = tokio::time::Instant::now() + REPLY_WAIT;
        while !alice.messages_from(&room, alice.client.user_id().expect("alice")).iter().any(|s| s.event.event_id == marker) {
            assert!(tokio::time::Instant::now() < deadline, "alice's own marker never came back");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let posts = alice.messages_from(&room, &h.bot_id).into_iter().filter(|s| body(s).contains(&name)).count();
        assert_eq!(posts, 1, "{at:?}: exactly one digest post in the room");
        adapter_stop.cancel();
        adapter.await.expect("adapter joins").expect("adapter stops cleanly");
    }
}

async fn figures_reply_has_a_chart(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let q = alice.send(&room, "!figures HBM market share").await;
    let table = alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await;
    assert!(html(&table).contains("<table>") && html(&table).contains("55%"), "{}", html(&table));
    let deadline = tokio::time::Instant::now() + REPLY_WAIT;
    let image = loop {
        let images: Vec<Seen> = alice
            .replies_to(&room, &h.bot_id, &q)
            .into_iter()
            .filter(|s| matches!(s.event.content.msgtype, MessageType::Image(_)))
            .collect();
        if let Some(image) = images.into_iter().next() {
            break image;
        }
        assert!(tokio::time::Instant::now() < deadline, "no chart image after the figures table");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(image.json["info"]["mimetype"], "image/png", "{}", image.json);
    assert!(image.json["url"].as_str().is_some_and(|u| u.starts_with("mxc://")), "uploaded to the media repo");
    scene.bot.stop().await;
}

async fn undecryptable_message_gets_a_notice(h: &mut Harness) {
    let scene = scene(h, "mini", |_| {}).await;
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    // A megolm event from a session the bot never received keys for.
    let bogus = serde_json::json!({
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": "AwgAEnAYs6u0bogusciphertextthatnobodycandecrypt",
        "device_id": "NOSUCHDEVICE",
        "sender_key": "c2VuZGVyIGtleSBvZiBhIGRldmljZSB0aGF0IGRvZXMgbm90IGV4aXN0",
        "session_id": "c2Vzc2lvbiB0aGF0IHdhcyBuZXZlciBzaGFyZWQ"
    });
    let event = alice.send_raw(&room, "m.room.encrypted", bogus).await;
    let notice = alice.wait_reply(&room, &h.bot_id, &event, REPLY_WAIT).await;
    assert!(matches!(notice.event.content.msgtype, MessageType::Notice(_)));
    assert!(body(&notice).contains("couldn't decrypt"), "{}", body(&notice));
    scene.bot.stop().await;
}
