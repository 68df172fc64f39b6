//! Digest posts exactly once on Discord: a stop injected at each step of a
//! scheduled send (after the row is claimed, with the request in flight, and
//! after Discord answered but before the answer was recorded), then a
//! restart, leaves exactly one message in the channel. The real Discord
//! poster and the real digest service run against the stand-in, which
//! honours `enforce_nonce` as Discord documents it; a stop is the service
//! task aborted, as a killed process would be.

#![cfg(feature = "discord")]

use std::sync::Arc;
use std::time::Duration;

use chipbot::config::{DigestSettings, DigestTarget, MissedSlots, Secret};
use chipbot::core::{Core, Platform, Refresh};
use chipbot::digest::{Clock, DigestService, PosterRegistry, Schedule};
use chipbot::store::{OutboxKey, OutboxState, Store};
use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::support;
use crate::support::discord_standin::{StandIn, CHANNEL, TOKEN};
use crate::support::stop::{StopAt, StoppingPoster};

const WAIT: Duration = Duration::from_secs(20);

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

async fn row_state(store: &Store, key: &OutboxKey) -> Option<OutboxState> {
    store.outbox_entry(key).expect("read").map(|row| row.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_at_any_step_of_a_send_gives_exactly_one_post() {
    for at in [StopAt::BeforeRequest, StopAt::InFlight, StopAt::AfterAnswer] {
        let discord = StandIn::start().await;
        let reports = support::copy_fixture("mini");
        let data = tempfile::tempdir().expect("tempdir");
        let mut settings = support::settings(reports.path(), data.path());
        settings.discord.api_base = discord.api_base();
        settings.secrets.discord_token = Some(Secret::new(TOKEN));
        settings.digests = vec![DigestSettings {
            name: "daily".into(),
            schedule: Schedule::parse("0 7 * * *", "UTC").expect("schedule"),
            targets: vec![DigestTarget { platform: Platform::Discord, id: CHANNEL.to_string() }],
            query: None,
            max_items: 5,
            post_empty: true,
            missed: MissedSlots::CatchUpOnce,
        }];
        let discord_settings = settings.discord.clone();
        let core = Core::start(settings, Refresh::OnOpen).await.expect("core");
        let store = core.open_store().expect("store");
        let posters = PosterRegistry::default();
        let shutdown = CancellationToken::new();
        let bot = tokio::spawn(chipbot::adapters::discord::run(core.clone(), discord_settings, posters.clone(), shutdown.clone()));
        discord.wait_ready().await;
        let start = std::time::Instant::now();
        let real = loop {
            if let Some(poster) = posters.get(Platform::Discord) {
                break poster;
            }
            assert!(start.elapsed() < WAIT, "the poster is registered once the bot is set up");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };

        // First run: the 07:00 slot comes two seconds in, and the send stops at `at`.
        let reached = Arc::new(Notify::new());
        let stopping = PosterRegistry::default();
        stopping.register(Arc::new(StoppingPoster { inner: real.clone(), at, reached: reached.clone() }));
        if at == StopAt::InFlight {
            discord.hold_next_answer();
        }
        let clock = Clock::starting_at(utc("2026-04-06T06:59:58Z"));
        let first = tokio::spawn(DigestService::new(core.clone(), store.clone(), stopping).with_clock(clock).run(CancellationToken::new()));
        if at == StopAt::InFlight {
            let start = std::time::Instant::now();
            while discord.channel_messages(CHANNEL).is_empty() {
                assert!(start.elapsed() < WAIT, "{at:?}: the digest never reached Discord");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        } else {
            tokio::time::timeout(WAIT, reached.notified()).await.unwrap_or_else(|_| panic!("{at:?}: never reached"));
        }
        first.abort();
        let _ = first.await;
        let key = OutboxKey { digest: "daily".into(), target: format!("discord:{CHANNEL}"), slot: utc("2026-04-06T07:00:00Z") };
        assert_eq!(row_state(&store, &key).await, Some(OutboxState::Sending), "{at:?}: the stop left the row claimed: {:?}", store.outbox("daily"));
        let before = if at == StopAt::BeforeRequest { 0 } else { 1 };
        assert_eq!(discord.channel_messages(CHANNEL).len(), before, "{at:?}");

        // Restart: the row is sent again under the same key.
        let restarted = PosterRegistry::default();
        restarted.register(real.clone());
        let clock = Clock::starting_at(utc("2026-04-06T07:01:00Z"));
        let stop = CancellationToken::new();
        let second = tokio::spawn(DigestService::new(core.clone(), store.clone(), restarted).with_clock(clock).run(stop.clone()));
        let start = std::time::Instant::now();
        while row_state(&store, &key).await != Some(OutboxState::Sent) {
            assert!(start.elapsed() < WAIT, "{at:?}: never sent after the restart");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.cancel();
        second.await.expect("joined").expect("service ran");

        let messages = discord.channel_messages(CHANNEL);
        assert_eq!(messages.len(), 1, "{at:?}: exactly one post");
        assert_eq!(messages[0]["enforce_nonce"], true);
        let nonce = messages[0]["nonce"].as_str().unwrap_or_default().to_string();
        assert!(nonce.starts_with(&key.post_key()), "{at:?}: the nonce {nonce} carries the post key");
        let posts = discord.requests().iter().filter(|r| r.method == "POST" && r.path == format!("/channels/{CHANNEL}/messages")).count();
        assert_eq!(posts, before + 1, "{at:?}: sent again after the restart, de-duplicated by Discord");
        assert_eq!(discord.failures(), Vec::<String>::new());
        shutdown.cancel();
        let _ = tokio::time::timeout(WAIT, bot).await;
    }
}
