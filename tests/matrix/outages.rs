//! Cases of the Matrix runner about outages and stopping: a refused login
//! ends `serve` with an error, SIGTERM while the homeserver is down, and a
//! homeserver that rate-limits the bot (429 with `retry_after_ms`): replies
//! arrive late, never twice, never dropped, and SIGTERM with replies held by
//! the limit still exits 0 within 25 s. Each runs the real `chipbot serve`.

use std::time::Duration;

use matrix_sdk::ruma::OwnedEventId;

use super::common::serve_process::{ServeProcess, STOP_WITHIN};
use super::{assert_cited_answer, common, login, room_with_bot, Harness, PASSWORD, REPLY_WAIT};

/// `chipbot serve` as the bot user, with `password`.
fn serve(h: &Harness, reports: &std::path::Path, data: &std::path::Path, password: &str) -> ServeProcess {
    let (reports, data, url) = (reports.display().to_string(), data.display().to_string(), h.synapse.url());
    ServeProcess::start(&[
        ("CHIPBOT_INDEX__REPORTS_DIR", &reports),
        ("CHIPBOT_INDEX__DATA_DIR", &data),
        ("CHIPBOT_MATRIX__HOMESERVER_URL", &url),
        ("CHIPBOT_MATRIX__USER_ID", h.bot_id.as_str()),
        ("CHIPBOT_MATRIX__ALLOWED_INVITERS", "@alice:localhost"),
        ("CHIPBOT_MATRIX__PASSWORD", password),
        ("CHIPBOT_MATRIX__STORE_PASSPHRASE", "outage test passphrase"),
        ("CHIPBOT_CHAT__RATE_LIMIT_COUNT", "0"),
    ])
}

pub async fn wrong_password_ends_serve_with_the_reason(h: &mut Harness) {
    let reports = common::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let mut bot = serve(h, reports.path(), data.path(), "not the password");
    let (status, took) = tokio::task::block_in_place(|| bot.wait_exit(STOP_WITHIN));
    let log = bot.log();
    assert!(!status.success(), "a refused login is a failure: {status:?}\n{log}");
    assert!(took < STOP_WITHIN, "no endless retry: {took:?}");
    let reason = log.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert!(reason.contains("login as @chipbot:localhost failed") && reason.contains("Invalid"), "{log}");
    assert!(!log.contains("cannot connect to Matrix; retrying"), "{log}");
    assert!(!log.contains("not the password"), "secrets never logged");
}

pub async fn sigterm_while_the_homeserver_is_down_exits_0(h: &mut Harness) {
    let reports = common::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let mut bot = serve(h, reports.path(), data.path(), PASSWORD);
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;
    let q = alice.send(&room, "!ask CoWoS capacity").await;
    assert_cited_answer(&alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await);
    let (status, took) = tokio::task::block_in_place(|| {
        h.synapse.stop();
        bot.wait_for_log("Matrix sync failed; retrying", Duration::from_secs(90));
        bot.terminate()
    });
    tokio::task::block_in_place(|| h.synapse.resume()).expect("Synapse restarts");
    bot.assert_stopped((status, took));
    assert!(bot.log().contains("Matrix bot stopped"), "{}", bot.log());
}

pub async fn rate_limited_replies_arrive_late_once_and_sigterm_still_exits_0(h: &mut Harness) {
    // Two replies may go at once; after that one every 2 s. Alice is exempt.
    tokio::task::block_in_place(|| h.synapse.restart_with_message_limit(Some((0.5, 2)))).expect("limited Synapse");
    let admin = login(h, "admin").await;
    let token = admin.client.access_token().expect("admin token");
    let exempt = format!("{}/_synapse/admin/v1/users/@alice:localhost/override_ratelimit", h.synapse.url());
    let response = matrix_sdk::reqwest::Client::new()
        .post(exempt)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(serde_json::json!({"messages_per_second": 0, "burst_count": 0}).to_string())
        .send()
        .await
        .expect("admin API");
    assert!(response.status().is_success(), "{}", response.status());

    let reports = common::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let mut bot = serve(h, reports.path(), data.path(), PASSWORD);
    let alice = login(h, "alice").await;
    let room = room_with_bot(h, &alice, false).await;

    // Six questions at once: the last replies wait for the limit.
    let started = tokio::time::Instant::now();
    let mut questions: Vec<OwnedEventId> = Vec::new();
    for i in 0..6 {
        questions.push(alice.send(&room, &format!("!ask HBM market share {i}")).await);
    }
    for q in &questions {
        alice.wait_reply(&room, &h.bot_id, q, Duration::from_secs(90)).await;
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(4), "the homeserver held some replies back: {took:?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    for q in &questions {
        assert_eq!(alice.replies_to(&room, &h.bot_id, q).len(), 1, "each question answered exactly once");
    }
    let log = bot.log();
    assert!(!log.contains("could not send the reply"), "no reply dropped:\n{log}");

    // Now stop while replies are held by the limit.
    let mut held: Vec<OwnedEventId> = Vec::new();
    for i in 0..6 {
        held.push(alice.send(&room, &format!("!ask CoWoS capacity {i}")).await);
    }
    alice.wait_reply(&room, &h.bot_id, &held[0], Duration::from_secs(60)).await;
    let stopped = tokio::task::block_in_place(|| bot.terminate());
    bot.assert_stopped(stopped);
    let log = bot.log();
    assert!(!log.contains("some Matrix replies were still being sent"), "replies held by the limit finish within the drain:\n{log}");
    // Questions the bot had not received yet are answered after a restart,
    // and none twice.
    let mut again = serve(h, reports.path(), data.path(), PASSWORD);
    for q in &held {
        alice.wait_reply(&room, &h.bot_id, q, Duration::from_secs(90)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let answered: Vec<usize> = held.iter().map(|q| alice.replies_to(&room, &h.bot_id, q).len()).collect();
    assert_eq!(answered, [1; 6], "each held question answered exactly once across the restart");
    let (status, _) = tokio::task::block_in_place(|| again.terminate());
    assert!(status.success());
    tokio::task::block_in_place(|| h.synapse.restart_with_message_limit(None)).expect("Synapse back to test limits");
}
