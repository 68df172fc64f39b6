//! The load run on Matrix: `chipbot serve` against a real Synapse, the users
//! sending over the client-server API in one room, an observer (a
//! matrix-sdk client) collecting the bot's replies. Latency runs from the
//! send to the homeserver's timestamp on the reply (same machine clock).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use matrix_sdk::reqwest::Client as Http;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::{OwnedEventId, UserId};
use serde_json::{json, Value};

use crate::common::serve_process::ServeProcess;
use crate::matrix_user::User;
use crate::plan::{classify, Load, Outcome, Report, Reply};
use crate::synapse::Synapse;
use crate::common;

const PASSWORD: &str = "load test password";

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// A user that only sends, over plain HTTP.
struct Sender {
    token: String,
}

async fn log_in(http: &Http, url: &str, name: &str) -> Sender {
    let body = json!({"type": "m.login.password", "identifier": {"type": "m.id.user", "user": name}, "password": PASSWORD});
    let response = http.post(format!("{url}/_matrix/client/v3/login")).header("content-type", "application/json").body(body.to_string()).send().await.expect("login");
    let value: Value = serde_json::from_slice(&response.bytes().await.expect("body")).expect("json");
    Sender { token: value["access_token"].as_str().expect("access token").to_string() }
}

async fn call(http: &Http, method: &str, url: String, token: &str, body: Value) -> Value {
    let request = match method {
        "PUT" => http.put(url),
        _ => http.post(url),
    };
    let response = request.bearer_auth(token).header("content-type", "application/json").body(body.to_string()).send().await.expect("request");
    let status = response.status();
    let value: Value = serde_json::from_slice(&response.bytes().await.expect("body")).unwrap_or(Value::Null);
    assert!(status.is_success(), "{method} failed with {status}: {value}");
    value
}

pub async fn run(load: &Load) -> Report {
    let synapse = tokio::task::block_in_place(Synapse::start).expect("Synapse starts");
    let names: Vec<String> = (0..load.users).map(|u| format!("load-user-{u}")).chain(["load-admin".to_string()]).collect();
    tokio::task::block_in_place(|| -> Result<(), String> {
        synapse.register("chipbot", PASSWORD)?;
        synapse.register("alice", PASSWORD)?;
        synapse.register_many(&names, PASSWORD)
    })
    .expect("users registered");
    let url = synapse.url();
    let data = tempfile::tempdir().expect("tempdir");
    let (reports, data_dir) = (common::root().join("index/reports").display().to_string(), data.path().display().to_string());
    let bot = ServeProcess::start(&[
        ("CHIPBOT_INDEX__REPORTS_DIR", &reports),
        ("CHIPBOT_INDEX__DATA_DIR", &data_dir),
        ("CHIPBOT_MATRIX__HOMESERVER_URL", &url),
        ("CHIPBOT_MATRIX__USER_ID", "@chipbot:localhost"),
        ("CHIPBOT_MATRIX__PASSWORD", PASSWORD),
        ("CHIPBOT_MATRIX__STORE_PASSPHRASE", "load"),
        ("CHIPBOT_MATRIX__ALLOWED_INVITERS", "@alice:localhost"),
        ("CHIPBOT_ADMINS__MATRIX_USERS", "@load-admin:localhost"),
    ]);
    let bot_id = UserId::parse("@chipbot:localhost").expect("id");
    let alice = User::login(&url, "alice", PASSWORD).await;
    let room = alice.create_room(false, &[&bot_id]).await;
    alice.wait_membership(&room, &bot_id, MembershipState::Join, Duration::from_secs(60)).await;
    let http = Http::new();
    let mut senders = Vec::new();
    for name in &names {
        let user = UserId::parse(format!("@{name}:localhost")).expect("id");
        alice.invite(&room, &user).await;
        let sender = log_in(&http, &url, name).await;
        call(&http, "POST", format!("{url}/_matrix/client/v3/join/{room}"), &sender.token, json!({})).await;
        senders.push(sender);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut report = Report { rss_before_kib: bot.rss_kib(), ..Report::default() };

    let sent: Arc<Mutex<Vec<(OwnedEventId, usize, u64)>>> = Arc::default();
    let senders = Arc::new(senders);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    let send = |user: usize, text: String, txn: usize| {
        let (http, url, room, senders, sent) = (http.clone(), url.clone(), room.clone(), senders.clone(), sent.clone());
        async move {
            let at = now_ms();
            let target = format!("{url}/_matrix/client/v3/rooms/{room}/send/m.room.message/load-{txn}");
            let answer = call(&http, "PUT", target, &senders[user].token, json!({"msgtype": "m.text", "body": text})).await;
            let event: OwnedEventId = answer["event_id"].as_str().expect("event id").try_into().expect("event id");
            sent.lock().unwrap().push((event, user, at));
        }
    };
    let mut reindex_sent = false;
    for (txn, ask) in load.asks().into_iter().enumerate() {
        if !reindex_sent && ask.at >= load.reindex_at() {
            tokio::time::sleep(load.reindex_at().saturating_sub(started.elapsed())).await;
            tasks.spawn(send(load.users, "!reindex full".into(), usize::MAX));
            reindex_sent = true;
        }
        tokio::time::sleep(ask.at.saturating_sub(started.elapsed())).await;
        tasks.spawn(send(ask.user, ask.text, txn));
    }
    while tasks.join_next().await.is_some() {}
    let questions = sent.lock().unwrap().clone();
    let deadline = Instant::now() + Duration::from_secs(180);
    while Instant::now() < deadline && questions.iter().any(|(event, _, _)| alice.replies_to(&room, &bot_id, event).is_empty()) {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    report.seconds = started.elapsed().as_secs_f64();
    report.rss_after_kib = bot.rss_kib();

    let mut by_event: HashMap<String, Vec<(u64, Reply)>> = HashMap::new();
    let mut counted = std::collections::HashSet::new();
    for seen in alice.messages_from(&room, &bot_id) {
        // The observer's sync may hand it the same event twice, and a
        // figures answer is followed by its chart image, a second event.
        if !counted.insert(seen.event.event_id.clone()) || seen.json["msgtype"] == "m.image" {
            continue;
        }
        if let Some(to) = crate::matrix_user::in_reply_to(&seen.json) {
            let at: u64 = seen.event.origin_server_ts.0.into();
            by_event.entry(to).or_default().push((at, classify(seen.json["body"].as_str().unwrap_or(""))));
        }
    }
    for (event, user, at) in questions {
        let got = by_event.remove(event.as_str()).unwrap_or_default();
        if user == load.users {
            report.reindexed = got.len() == 1 && got[0].1 == Reply::Answer;
            continue;
        }
        let latency = got.first().map(|(when, _)| Duration::from_millis(when.saturating_sub(at)));
        report.outcomes.push(Outcome { user, replies: got.into_iter().map(|(_, r)| r).collect(), latency });
    }
    drop(bot);
    drop(synapse);
    report
}
