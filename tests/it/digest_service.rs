//! The digest service under paused tokio time: slots across daylight-saving
//! changes, restarts around a slot, missed slots, retries honouring
//! retry-after, permanent failures, posts interrupted mid-send (sent again
//! under the same key), a stop during a hung send, and a resend queued from
//! outside. Posts go
//! to a recording poster; the outbox lives in a real SQLite file.

use crate::support;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chipbot::core::Platform;
use chipbot::config::{DigestSettings, DigestTarget, MissedSlots};
use chipbot::digest::{Clock, DigestPoster, DigestService, PostError, PostFuture, PosterRegistry, RetryPolicy, Schedule};
use chipbot::core::{Core, Refresh};
use chipbot::reply::Reply;
use chipbot::store::{OutboxKey, OutboxState, Store};
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

/// Records every post with the service clock's time; answers from a script
/// first, then with success.
struct RecordingPoster {
    clock: Clock,
    posts: Mutex<Vec<(String, DateTime<Utc>, bool)>>,
    keys: Mutex<Vec<String>>,
    script: Mutex<VecDeque<Result<(), PostError>>>,
}

impl RecordingPoster {
    fn new(clock: Clock, script: Vec<Result<(), PostError>>) -> Arc<Self> {
        Arc::new(RecordingPoster {
            clock,
            posts: Mutex::new(Vec::new()),
            keys: Mutex::new(Vec::new()),
            script: Mutex::new(script.into()),
        })
    }

    /// Times of the acknowledged posts, as RFC 3339.
    fn delivered(&self) -> Vec<String> {
        self.posts.lock().unwrap().iter().filter(|p| p.2).map(|p| p.1.to_rfc3339()).collect()
    }

    fn attempts(&self) -> Vec<DateTime<Utc>> {
        self.posts.lock().unwrap().iter().map(|p| p.1).collect()
    }
}

impl DigestPoster for RecordingPoster {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply, post_key: &'a str) -> PostFuture<'a> {
        Box::pin(async move {
            assert!(matches!(reply, Reply::Digest(_)), "digests only");
            self.keys.lock().unwrap().push(post_key.to_string());
            let outcome = self.script.lock().unwrap().pop_front().unwrap_or(Ok(()));
            self.posts.lock().unwrap().push((target.to_string(), self.clock.now(), outcome.is_ok()));
            outcome
        })
    }
}

struct Rig {
    core: Core,
    store: Store,
    _reports: tempfile::TempDir,
    _data: tempfile::TempDir,
}

fn rig(schedule: &str, missed: MissedSlots) -> Rig {
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let mut settings = support::settings(reports.path(), data.path());
    settings.digests = vec![DigestSettings {
        name: "daily".into(),
        schedule: Schedule::parse(schedule, "Europe/Berlin").expect("schedule"),
        targets: vec![DigestTarget { platform: Platform::Discord, id: "42".into() }],
        query: None,
        max_items: 5,
        post_empty: true,
        missed,
    }];
    let core = Core::open(settings, Refresh::OnOpen).expect("core");
    let store = core.open_store().expect("store");
    Rig { core, store, _reports: reports, _data: data }
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

/// Runs the service for `run_for` of tokio time, then stops it.
async fn run_for(rig: &Rig, clock: Clock, poster: &Arc<RecordingPoster>, retry: RetryPolicy, run_for: Duration) {
    let posters = PosterRegistry::default();
    posters.register(poster.clone());
    let service = DigestService::new(rig.core.clone(), rig.store.clone(), posters).with_clock(clock).with_retry(retry);
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(service.run(shutdown.clone()));
    tokio::time::sleep(run_for).await;
    shutdown.cancel();
    handle.await.expect("joined").expect("service ran");
}

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test(start_paused = true)]
async fn spring_forward_posts_every_day_once() {
    let rig = rig("30 2 * * *", MissedSlots::CatchUpOnce);
    let clock = Clock::starting_at(utc("2026-03-27T12:00:00Z"));
    let poster = RecordingPoster::new(clock, Vec::new());
    run_for(&rig, clock, &poster, RetryPolicy::default(), 90 * HOUR).await;
    // 02:30 CET, then 03:00 CEST (02:30 does not exist on the 29th), then 02:30 CEST.
    assert_eq!(
        poster.delivered(),
        ["2026-03-28T01:30:00+00:00", "2026-03-29T01:00:00+00:00", "2026-03-30T00:30:00+00:00", "2026-03-31T00:30:00+00:00"]
    );
}

#[tokio::test(start_paused = true)]
async fn fall_back_posts_the_repeated_hour_once() {
    let rig = rig("30 2 * * *", MissedSlots::CatchUpOnce);
    let clock = Clock::starting_at(utc("2026-10-24T12:00:00Z"));
    let poster = RecordingPoster::new(clock, Vec::new());
    run_for(&rig, clock, &poster, RetryPolicy::default(), 48 * HOUR).await;
    assert_eq!(poster.delivered(), ["2026-10-25T00:30:00+00:00", "2026-10-26T01:30:00+00:00"]);
}

#[tokio::test(start_paused = true)]
async fn restarts_around_a_slot_post_exactly_once() {
    let rig = rig("0 9 * * *", MissedSlots::CatchUpOnce);
    // 08:50 Berlin (CEST); the slot is 07:00 UTC.
    let clock = Clock::starting_at(utc("2026-04-06T06:50:00Z"));
    let poster = RecordingPoster::new(clock, Vec::new());
    let policy = RetryPolicy::default();
    run_for(&rig, clock, &poster, policy, Duration::from_secs(5 * 60)).await; // stop at 06:55
    tokio::time::sleep(Duration::from_secs(20 * 60)).await; // down over the slot
    run_for(&rig, clock, &poster, policy, Duration::from_secs(30 * 60)).await; // catches up once
    run_for(&rig, clock, &poster, policy, Duration::from_secs(30 * 60)).await; // nothing more
    assert_eq!(poster.delivered(), ["2026-04-06T07:15:00+00:00"]);
    // Running across the next slot and restarting right after it: still one post for it.
    run_for(&rig, clock, &poster, policy, 23 * HOUR).await; // until 08:15 UTC on the 7th
    run_for(&rig, clock, &poster, policy, HOUR).await;
    assert_eq!(poster.delivered(), ["2026-04-06T07:15:00+00:00", "2026-04-07T07:00:00+00:00"]);
    let rows = rig.store.outbox("daily").expect("outbox");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.state == OutboxState::Sent && r.attempts == 1));
    assert_eq!(rig.store.watermark("daily", "discord:42").expect("wm"), Some(utc("2026-04-07T07:00:00Z")));
}

#[tokio::test(start_paused = true)]
async fn several_missed_slots_are_caught_up_once_or_skipped() {
    for (policy, expected_first_day) in [(MissedSlots::CatchUpOnce, 1), (MissedSlots::Skip, 0)] {
        let rig = rig("0 9 * * *", policy);
        let clock = Clock::starting_at(utc("2026-04-06T06:00:00Z"));
        let poster = RecordingPoster::new(clock, Vec::new());
        run_for(&rig, clock, &poster, RetryPolicy::default(), Duration::from_secs(60)).await;
        tokio::time::sleep(72 * HOUR).await; // three slots missed; back at 06:01 UTC, before the day's slot
        run_for(&rig, clock, &poster, RetryPolicy::default(), Duration::from_secs(30 * 60)).await;
        assert_eq!(poster.delivered().len(), expected_first_day, "{policy:?}");
        run_for(&rig, clock, &poster, RetryPolicy::default(), 24 * HOUR).await; // the next slot posts normally
        assert_eq!(poster.delivered().len(), expected_first_day + 1, "{policy:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_rate_limited_first_send_is_retried_after_retry_after() {
    let rig = rig("0 9 * * *", MissedSlots::CatchUpOnce);
    let clock = Clock::starting_at(utc("2026-04-06T06:59:00Z"));
    let limited = PostError::rate_limited(Duration::from_secs(30), "HTTP 429");
    let poster = RecordingPoster::new(clock, vec![Err(limited)]);
    // A long default backoff shows that the platform's retry-after was used.
    let policy = RetryPolicy { first_backoff: Duration::from_secs(600), ..RetryPolicy::default() };
    run_for(&rig, clock, &poster, policy, Duration::from_secs(5 * 60)).await;
    let attempts = poster.attempts();
    assert_eq!(attempts, [utc("2026-04-06T07:00:00Z"), utc("2026-04-06T07:00:30Z")]);
    assert_eq!(poster.delivered(), ["2026-04-06T07:00:30+00:00"]);
    let key = OutboxKey { digest: "daily".into(), target: "discord:42".into(), slot: utc("2026-04-06T07:00:00Z") };
    let row = rig.store.outbox_entry(&key).expect("read").expect("row");
    assert_eq!((row.state, row.attempts), (OutboxState::Sent, 2));
}

#[tokio::test(start_paused = true)]
async fn failures_are_kept_and_retried_on_the_next_run() {
    let rig = rig("0 9 * * *", MissedSlots::CatchUpOnce);
    let clock = Clock::starting_at(utc("2026-04-06T06:59:00Z"));
    let script = vec![Err(PostError::transient("HTTP 502")), Err(PostError::permanent("Missing Access"))];
    let poster = RecordingPoster::new(clock, script);
    let policy = RetryPolicy { first_backoff: Duration::from_secs(10), max_backoff: Duration::from_secs(60), max_attempts: 5 };
    run_for(&rig, clock, &poster, policy, HOUR).await;
    assert_eq!(poster.attempts().len(), 2, "a permanent error stops retries in this run");
    let key = OutboxKey { digest: "daily".into(), target: "discord:42".into(), slot: utc("2026-04-06T07:00:00Z") };
    let row = rig.store.outbox_entry(&key).expect("read").expect("row");
    assert_eq!((row.state, row.last_error.as_deref()), (OutboxState::Failed, Some("Missing Access")));
    assert_eq!(rig.store.watermark("daily", "discord:42").expect("wm"), None, "no watermark without a post");
    run_for(&rig, clock, &poster, policy, Duration::from_secs(60)).await;
    assert_eq!(poster.delivered().len(), 1, "retried when the service starts again");
    assert_eq!(rig.store.outbox_entry(&key).expect("read").expect("row").state, OutboxState::Sent);
}

#[tokio::test(start_paused = true)]
async fn a_post_interrupted_mid_send_is_sent_again_under_the_same_key() {
    let rig = rig("0 9 * * *", MissedSlots::CatchUpOnce);
    let start = utc("2026-04-06T07:00:10Z");
    let key = OutboxKey { digest: "daily".into(), target: "discord:42".into(), slot: utc("2026-04-06T07:00:00Z") };
    // What a crash between "sending" and the acknowledgement leaves behind.
    rig.store.advance_cursor("daily", key.slot).expect("cursor");
    rig.store.record_pending(&key, "discord", key.slot, key.slot, key.slot).expect("pending");
    assert!(rig.store.begin_attempt(&key, key.slot).expect("begin"));
    let clock = Clock::starting_at(start);
    let poster = RecordingPoster::new(clock, Vec::new());
    run_for(&rig, clock, &poster, RetryPolicy::default(), HOUR).await;
    assert_eq!(poster.delivered().len(), 1, "sent again once, on the next start");
    assert_eq!(*poster.keys.lock().unwrap(), [key.post_key()], "under the key of the interrupted attempt");
    let row = rig.store.outbox_entry(&key).expect("read").expect("row");
    assert_eq!((row.state, row.attempts), (OutboxState::Sent, 2));
}

/// Never answers: a platform that stopped responding mid-send.
struct HangingPoster {
    keys: Mutex<Vec<String>>,
}

impl DigestPoster for HangingPoster {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn post<'a>(&'a self, _target: &'a str, _reply: &'a Reply, post_key: &'a str) -> PostFuture<'a> {
        self.keys.lock().unwrap().push(post_key.to_string());
        Box::pin(std::future::pending())
    }
}

#[tokio::test(start_paused = true)]
async fn a_stop_during_a_hung_send_ends_in_the_grace_period_and_the_post_goes_out_on_restart() {
    let rig = rig("0 9 * * *", MissedSlots::CatchUpOnce);
    let clock = Clock::starting_at(utc("2026-04-06T06:59:00Z"));
    let hanging = Arc::new(HangingPoster { keys: Mutex::new(Vec::new()) });
    let posters = PosterRegistry::default();
    posters.register(hanging.clone());
    let service = DigestService::new(rig.core.clone(), rig.store.clone(), posters).with_clock(clock);
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(service.run(shutdown.clone()));
    tokio::time::sleep(Duration::from_secs(5 * 60)).await; // the 07:00 post hangs
    assert_eq!(hanging.keys.lock().unwrap().len(), 1);
    let asked = tokio::time::Instant::now();
    shutdown.cancel();
    handle.await.expect("joined").expect("service ran");
    let took = asked.elapsed();
    assert!(took <= chipbot::digest::service::SEND_GRACE + Duration::from_secs(1), "stopped after {took:?}");
    let key = OutboxKey { digest: "daily".into(), target: "discord:42".into(), slot: utc("2026-04-06T07:00:00Z") };
    assert_eq!(rig.store.outbox_entry(&key).expect("read").expect("row").state, OutboxState::Sending);
    let poster = RecordingPoster::new(clock, Vec::new());
    run_for(&rig, clock, &poster, RetryPolicy::default(), Duration::from_secs(60)).await;
    assert_eq!(*poster.keys.lock().unwrap(), [key.post_key()]);
    assert_eq!(hanging.keys.lock().unwrap()[0], key.post_key(), "the same key both times");
    assert_eq!(rig.store.outbox_entry(&key).expect("read").expect("row").state, OutboxState::Sent);
}

#[tokio::test(start_paused = true)]
async fn a_failed_post_queued_again_from_outside_is_sent_by_the_running_service() {
    let rig = rig("0 9 * * *", MissedSlots::CatchUpOnce);
    let clock = Clock::starting_at(utc("2026-04-06T06:59:00Z"));
    let poster = RecordingPoster::new(clock, vec![Err(PostError::permanent("Missing Access"))]);
    let posters = PosterRegistry::default();
    posters.register(poster.clone());
    let service = DigestService::new(rig.core.clone(), rig.store.clone(), posters).with_clock(clock);
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(service.run(shutdown.clone()));
    tokio::time::sleep(Duration::from_secs(10 * 60)).await;
    let key = OutboxKey { digest: "daily".into(), target: "discord:42".into(), slot: utc("2026-04-06T07:00:00Z") };
    let row = rig.store.outbox_entry(&key).expect("read").expect("row");
    assert_eq!(row.state, OutboxState::Failed);
    // What `chipbot digest --resend ID` does, from another process.
    let requeued = rig.store.requeue(row.id, clock.now()).expect("requeue").expect("row");
    assert_eq!(requeued.state, OutboxState::Pending);
    tokio::time::sleep(Duration::from_secs(2 * 60)).await;
    shutdown.cancel();
    handle.await.expect("joined").expect("service ran");
    assert_eq!(poster.delivered().len(), 1);
    assert_eq!(rig.store.outbox_entry(&key).expect("read").expect("row").state, OutboxState::Sent);
}

#[tokio::test(start_paused = true)]
async fn waiting_for_the_adapter_to_connect_costs_no_attempt() {
    let rig = rig("0 9 * * *", MissedSlots::CatchUpOnce);
    let clock = Clock::starting_at(utc("2026-04-06T06:59:00Z"));
    let poster = RecordingPoster::new(clock, Vec::new());
    let posters = PosterRegistry::default();
    let policy = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
    let service = DigestService::new(rig.core.clone(), rig.store.clone(), posters.clone()).with_clock(clock).with_retry(policy);
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(service.run(shutdown.clone()));
    tokio::time::sleep(Duration::from_secs(10 * 60)).await; // the slot passes with no adapter
    assert!(poster.attempts().is_empty());
    posters.register(poster.clone());
    tokio::time::sleep(Duration::from_secs(60)).await;
    shutdown.cancel();
    handle.await.expect("joined").expect("service ran");
    assert_eq!(poster.delivered().len(), 1);
    let key = OutboxKey { digest: "daily".into(), target: "discord:42".into(), slot: utc("2026-04-06T07:00:00Z") };
    let row = rig.store.outbox_entry(&key).expect("read").expect("row");
    assert_eq!((row.state, row.attempts), (OutboxState::Sent, 1));
}
