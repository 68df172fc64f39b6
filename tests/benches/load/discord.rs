//! The load run on Discord: `chipbot serve` against the stand-in, users
//! dispatched as MESSAGE_CREATE events in one guild channel. A reply belongs
//! to the question its `message_reference` names; latency runs from the
//! dispatch to the stand-in receiving the reply.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::discord_standin::{StandIn, CHANNEL, GUILD, TOKEN};
use crate::common::serve_process::ServeProcess;
use crate::plan::{classify, Load, Outcome, Report, Reply};

const ADMIN_ROLE: u64 = 600_000_000_000_001;
const ADMIN: u64 = 600_000_000_000_100;

fn user_id(user: usize) -> u64 {
    500_000_000_001_000 + user as u64
}

pub async fn run(load: &Load) -> Report {
    let discord = Arc::new(StandIn::start().await);
    let data = tempfile::tempdir().expect("tempdir");
    let (reports, data_dir) = (common::root().join("index/reports").display().to_string(), data.path().display().to_string());
    let (api, role) = (discord.api_base(), ADMIN_ROLE.to_string());
    let bot = ServeProcess::start(&[
        ("CHIPBOT_INDEX__REPORTS_DIR", &reports),
        ("CHIPBOT_INDEX__DATA_DIR", &data_dir),
        ("CHIPBOT_DISCORD__TOKEN", TOKEN),
        ("CHIPBOT_DISCORD__API_BASE", &api),
        ("CHIPBOT_ADMINS__DISCORD_ROLES", &role),
    ]);
    discord.wait_ready().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut report = Report { rss_before_kib: bot.rss_kib(), ..Report::default() };

    let sent: Arc<Mutex<HashMap<String, (usize, Instant)>>> = Arc::default();
    let started = Instant::now();
    let mut reindex_id = None;
    for ask in load.asks() {
        if reindex_id.is_none() && ask.at >= load.reindex_at() {
            tokio::time::sleep(load.reindex_at().saturating_sub(started.elapsed())).await;
            reindex_id = Some(discord.message(Some(GUILD), CHANNEL, ADMIN, &[ADMIN_ROLE], "!reindex full").to_string());
        }
        tokio::time::sleep(ask.at.saturating_sub(started.elapsed())).await;
        let id = discord.message(Some(GUILD), CHANNEL, user_id(ask.user), &[], &ask.text);
        sent.lock().unwrap().insert(id.to_string(), (ask.user, Instant::now()));
    }
    let asked = sent.lock().unwrap().len() + 1;
    let replied = |log: &[common::discord_standin::Recorded]| {
        log.iter().filter(|r| r.is_message() && r.message()["message_reference"]["message_id"].is_string()).count()
    };
    let _ = discord.wait_for(Duration::from_secs(120), "every reply", |log| replied(log) >= asked).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    report.seconds = started.elapsed().as_secs_f64();
    report.rss_after_kib = bot.rss_kib();

    let mut replies: HashMap<String, Vec<(Instant, Reply)>> = HashMap::new();
    for r in discord.requests().iter().filter(|r| r.is_message() && r.status == 200) {
        if let Some(to) = r.message()["message_reference"]["message_id"].as_str() {
            replies.entry(to.to_string()).or_default().push((r.at, classify(&r.text())));
        }
    }
    if let Some(id) = &reindex_id {
        report.reindexed = replies.get(id).is_some_and(|r| r.len() == 1 && r[0].1 == Reply::Answer);
    }
    for (id, (user, at)) in sent.lock().unwrap().iter() {
        let got = replies.remove(id).unwrap_or_default();
        let latency = got.first().map(|(when, _)| when.saturating_duration_since(*at));
        report.outcomes.push(Outcome { user: *user, replies: got.into_iter().map(|(_, r)| r).collect(), latency });
    }
    let failures = discord.failures();
    if !failures.is_empty() {
        report.problems.push(format!("the stand-in refused {} requests, e.g. {}", failures.len(), failures[0]));
    }
    report
}
