//! The digest service: wakes at each slot, records one outbox row per
//! target before sending, posts through the registered [`DigestPoster`]s,
//! and retries failures with backoff.
//!
//! Exactly once, in the store's terms (see [`crate::store`] for the states):
//! - a slot is recorded as `pending` under the key (digest, target, slot)
//!   before anything is sent; recording it again is a no-op;
//! - each attempt moves the row to `sending` first and to `sent` only after
//!   the platform acknowledged the post; a row already `sent` is never sent
//!   again, and every attempt carries the row's post key, which the platform
//!   uses to drop a repeat, so a row left `sending` by a stop is sent again
//!   on the next start without posting twice (see [`crate::store`]);
//! - on shutdown, a post under way gets [`SEND_GRACE`] to finish; after that
//!   it is left `sending`, to be sent again under its key on the next start;
//! - slots that passed while the service was down are found from the
//!   per-digest cursor: all of them together produce one post (the latest
//!   slot, covering everything since the target's watermark), or none with
//!   `missed = "skip"`;
//! - a failed attempt is retried after the platform's `retry_after`, or with
//!   exponential backoff; after the last attempt, or at once for a permanent
//!   error, the row is marked `failed` and logged, and it is tried again when
//!   the service next starts, or when `chipbot digest --resend ID` queues it
//!   again (the running service notices within a minute). Nothing is dropped
//!   silently; `chipbot digest --status` lists every row not yet delivered.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{Clock, DigestPoster, PostError, PosterRegistry};
use crate::config::{DigestSettings, MissedSlots};
use crate::core::{Command, Core, DigestWindow, Origin, Request};
use crate::error::Result;
use crate::reply::Reply;
use crate::store::{OutboxEntry, OutboxKey, OutboxState, Store};

/// Longest sleep between checks, so a changed system clock is noticed.
const MAX_NAP: Duration = Duration::from_secs(60);
/// A slot is "missed" (not just reached a little late) after this long.
const LATE_AFTER: chrono::Duration = chrono::Duration::minutes(5);
/// How often a post whose platform has no connected adapter yet is looked at
/// again. Waiting for the adapter does not count as an attempt.
const WAIT_FOR_POSTER: Duration = Duration::from_secs(5);
/// Slots counted when reporting how many were missed.
const MISSED_COUNT_CAP: usize = 10_000;
/// How long a post under way may still take once shutdown is asked for.
pub const SEND_GRACE: Duration = Duration::from_secs(10);

/// How failed posts are retried within one run of the service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Wait after the first failure; doubled after each further one.
    pub first_backoff: Duration,
    /// Longest backoff.
    pub max_backoff: Duration,
    /// Attempts per run before a post is marked failed.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { first_backoff: Duration::from_secs(5), max_backoff: Duration::from_secs(15 * 60), max_attempts: 6 }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
        self.first_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// Runs the digests configured in the core's settings until `shutdown`.
pub async fn run_scheduler(core: Core, store: Store, posters: PosterRegistry, shutdown: CancellationToken) -> Result<()> {
    DigestService::new(core, store, posters).run(shutdown).await
}

/// The scheduler; see the module docs.
pub struct DigestService {
    core: Core,
    store: Store,
    posters: PosterRegistry,
    digests: Vec<DigestSettings>,
    clock: Clock,
    retry: RetryPolicy,
}

/// What one run remembers about failed posts.
#[derive(Default)]
struct RunState {
    not_before: HashMap<OutboxKey, Instant>,
    given_up: HashSet<OutboxKey>,
}

impl DigestService {
    /// A service for the digests in `core`'s settings, on the system clock.
    pub fn new(core: Core, store: Store, posters: PosterRegistry) -> Self {
        let digests = core.settings().digests.clone();
        DigestService { core, store, posters, digests, clock: Clock::System, retry: RetryPolicy::default() }
    }

    /// Uses `clock` instead of the system clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Uses `retry` instead of the default retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Runs until `shutdown` is cancelled. A post under way is finished first.
    pub async fn run(self, shutdown: CancellationToken) -> Result<()> {
        let now = self.clock.now();
        for entry in self.store.call(move |s| s.recover_interrupted(now)).await? {
            tracing::warn!(
                digest = %entry.key.digest, target = %entry.key.target, slot = %entry.key.slot, id = entry.id,
                "digest post was interrupted mid-send; sending it again under the same key, which the platform de-duplicates"
            );
        }
        tracing::info!(digests = self.digests.len(), "digest service started");
        let mut state = RunState::default();
        while !shutdown.is_cancelled() {
            let now = self.clock.now();
            for digest in &self.digests {
                let (store, spec) = (self.store.clone(), digest.clone());
                if let Err(e) = store.call(move |s| enqueue_due(s, &spec, now)).await {
                    tracing::error!(digest = %digest.name, error = %e, "could not record due digests");
                }
            }
            self.deliver(&mut state, &shutdown).await;
            let nap = self.nap(&state, self.clock.now());
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(nap) => {}
            }
        }
        tracing::info!("digest service stopped");
        Ok(())
    }

    /// Time until the next slot or retry, at most [`MAX_NAP`].
    fn nap(&self, state: &RunState, now: DateTime<Utc>) -> Duration {
        let mut nap = MAX_NAP;
        for digest in &self.digests {
            if let Some(next) = digest.schedule.next_after(now) {
                nap = nap.min((next - now).to_std().unwrap_or(Duration::ZERO));
            }
        }
        let mono = Instant::now();
        for (key, at) in &state.not_before {
            if !state.given_up.contains(key) {
                nap = nap.min(at.saturating_duration_since(mono));
            }
        }
        nap
    }

    /// Attempts every undelivered post whose retry time has come.
    async fn deliver(&self, state: &mut RunState, shutdown: &CancellationToken) {
        for digest in &self.digests {
            let name = digest.name.clone();
            let rows = match self.store.call(move |s| s.undelivered(&name)).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(digest = %digest.name, error = %e, "could not read the outbox");
                    continue;
                }
            };
            for row in rows {
                if shutdown.is_cancelled() {
                    return;
                }
                if row.state == OutboxState::Pending && state.given_up.remove(&row.key) {
                    // Queued again from outside (`chipbot digest --resend`).
                    state.not_before.remove(&row.key);
                }
                let waiting = state.not_before.get(&row.key).is_some_and(|at| *at > Instant::now());
                if waiting || state.given_up.contains(&row.key) {
                    continue;
                }
                if let Err(e) = self.attempt(digest, &row, state, shutdown).await {
                    tracing::error!(digest = %digest.name, target = %row.key.target, error = %e, "digest attempt failed in the store");
                }
            }
        }
    }

    /// One attempt at one outbox row.
    async fn attempt(&self, digest: &DigestSettings, row: &OutboxEntry, state: &mut RunState, shutdown: &CancellationToken) -> Result<()> {
        let key = row.key.clone();
        let platform = digest.targets.iter().find(|t| t.key() == key.target).map(|t| t.platform);
        if let Some(platform) = platform.filter(|p| self.posters.get(*p).is_none()) {
            tracing::debug!(digest = %key.digest, target = %key.target, %platform, "waiting for the adapter to connect");
            state.not_before.insert(key, Instant::now() + WAIT_FOR_POSTER);
            return Ok(());
        }
        let now = self.clock.now();
        let begin_key = key.clone();
        if !self.store.call(move |s| s.begin_attempt(&begin_key, now)).await? {
            return Ok(());
        }
        let attempt = row.attempts + 1;
        let send = self.send(digest, row);
        tokio::pin!(send);
        let outcome = tokio::select! {
            outcome = &mut send => outcome,
            () = shutdown.cancelled() => match tokio::time::timeout(SEND_GRACE, &mut send).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    tracing::warn!(
                        digest = %key.digest, target = %key.target, slot = %key.slot,
                        "stopping in the middle of a digest post; it is sent again under the same key on the next start"
                    );
                    return Ok(());
                }
            },
        };
        let now = self.clock.now();
        match outcome {
            Ok(posted) => {
                let sent_key = key.clone();
                self.store.call(move |s| s.mark_sent(&sent_key, now)).await?;
                state.not_before.remove(&key);
                tracing::info!(digest = %key.digest, target = %key.target, slot = %key.slot, attempt, posted, "digest delivered");
            }
            Err(error) => {
                let give_up = error.permanent || attempt >= self.retry.max_attempts;
                let (fail_key, message) = (key.clone(), error.message.clone());
                self.store.call(move |s| s.mark_attempt_failed(&fail_key, &message, !give_up, now)).await?;
                if give_up {
                    state.given_up.insert(key.clone());
                    tracing::error!(
                        digest = %key.digest, target = %key.target, slot = %key.slot, attempt, error = %error,
                        "digest post failed; kept as failed and retried when the service next starts"
                    );
                } else {
                    let wait = error.retry_after.unwrap_or_else(|| self.retry.backoff(attempt));
                    state.not_before.insert(key.clone(), Instant::now() + wait);
                    tracing::warn!(
                        digest = %key.digest, target = %key.target, attempt, wait_ms = wait.as_millis() as u64, error = %error,
                        "digest post failed; will retry"
                    );
                }
            }
        }
        Ok(())
    }

    /// Builds the digest for a row and posts it. `Ok(false)`: it was empty
    /// and the digest skips empty posts.
    async fn send(&self, digest: &DigestSettings, row: &OutboxEntry) -> std::result::Result<bool, PostError> {
        let target = digest
            .targets
            .iter()
            .find(|t| t.key() == row.key.target)
            .ok_or_else(|| PostError::permanent(format!("{} is no longer a target of this digest", row.key.target)))?;
        let poster: Arc<dyn DigestPoster> = self
            .posters
            .get(target.platform)
            .ok_or_else(|| PostError::transient(format!("no {} connection to post with yet", target.platform)))?;
        let (store, name, target_key) = (self.store.clone(), digest.name.clone(), row.key.target.clone());
        let watermark = store
            .call(move |s| s.watermark(&name, &target_key))
            .await
            .map_err(|e| PostError::transient(e.to_string()))?;
        // Start where the last successful post of this target ended.
        let since = watermark.unwrap_or(row.since).min(row.until);
        let window = DigestWindow::Between { since, until: row.until };
        let command = Command::Digest { name: Some(digest.name.clone()), window, dry_run: true };
        let built = self.core.handle(Request { origin: Origin::Scheduler, command }).await;
        let reply = built.map_err(|e| PostError::transient(format!("could not build the digest: {e}")))?;
        if matches!(&reply, Reply::Digest(content) if content.is_empty() && !digest.post_empty) {
            return Ok(false);
        }
        poster.post(&target.id, &reply, &row.key.post_key()).await.map(|()| true)
    }
}

/// Records the due slot of `digest` for every target (see the module docs).
fn enqueue_due(store: &Store, digest: &DigestSettings, now: DateTime<Utc>) -> Result<()> {
    let Some(cursor) = store.cursor(&digest.name)? else {
        // First start: slots count from now on.
        return store.advance_cursor(&digest.name, now);
    };
    let schedule = &digest.schedule;
    let Some(last) = schedule.last_at_or_before(now).filter(|last| *last > cursor) else {
        return Ok(());
    };
    let missed = count_slots(digest, cursor, last);
    let late = now - last > LATE_AFTER;
    if late && digest.missed == MissedSlots::Skip {
        tracing::info!(digest = %digest.name, missed, "skipping slots missed while the bot was down");
        return store.advance_cursor(&digest.name, now);
    }
    if late || missed > 1 {
        tracing::info!(digest = %digest.name, missed, slot = %last, "catching up once for missed slots");
    }
    let fallback_since = schedule.period_start_before(last).unwrap_or(last - chrono::Duration::days(7));
    for target in &digest.targets {
        let key = OutboxKey { digest: digest.name.clone(), target: target.key(), slot: last };
        let since = store.watermark(&digest.name, &key.target)?.unwrap_or(fallback_since);
        if store.record_pending(&key, &target.platform.to_string(), since, last, now)? {
            tracing::info!(digest = %digest.name, target = %key.target, slot = %last, "digest due; recorded as pending");
        }
    }
    store.advance_cursor(&digest.name, now)
}

/// Slots in `(after, last]`, up to a cap.
fn count_slots(digest: &DigestSettings, after: DateTime<Utc>, last: DateTime<Utc>) -> usize {
    let mut count = 0;
    let mut at = after;
    while let Some(next) = digest.schedule.next_after(at).filter(|n| *n <= last) {
        count += 1;
        at = next;
        if count == MISSED_COUNT_CAP {
            break;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy { first_backoff: Duration::from_secs(5), max_backoff: Duration::from_secs(30), max_attempts: 5 };
        let waits: Vec<u64> = (1..=5).map(|a| policy.backoff(a).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 30, 30]);
    }
}
