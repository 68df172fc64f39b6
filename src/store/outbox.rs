//! The digest outbox, the per-target watermarks and the scheduler cursors.
//!
//! A scheduled post is recorded as `pending` under its idempotency key
//! (digest, target, slot) before anything is sent. Each attempt first moves it
//! to `sending`; the platform's acknowledgement moves it to `sent` and, in the
//! same transaction, advances the target's watermark. A failed attempt goes
//! back to `pending` (to be retried) or to `failed` (given up for this run,
//! retried on the next, or at once with `chipbot digest --resend ID`).
//!
//! Every attempt at a row sends the same [`OutboxKey::post_key`], which the
//! platforms use to drop a repeated send: Discord as the message `nonce` with
//! `enforce_nonce`, Matrix as the transaction ID of the event. So a row found
//! in `sending` when the service starts (it stopped mid-send, and whether the
//! platform got the post is unknown) goes back to `pending` and is sent again
//! under its key; the platform posts it at most once. Discord keeps nonces
//! for a few minutes and Synapse keeps transaction IDs for about half an hour,
//! so a restart after a longer outage can repeat a post that had arrived;
//! losing one is the worse failure.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{parse_time, time_text, Store};
use crate::error::Result;

/// What identifies one scheduled post: a digest's slot for one target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutboxKey {
    pub digest: String,
    /// `discord:<channel id>` or `matrix:<room id>`.
    pub target: String,
    /// The schedule slot, in UTC.
    pub slot: DateTime<Utc>,
}

impl OutboxKey {
    /// The idempotency key every attempt at this post sends: 24 hex digits
    /// of a SHA-256 of the key, the same after any restart, and within
    /// Discord's 25-character limit for a nonce.
    pub fn post_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for part in [self.digest.as_str(), "\0", self.target.as_str(), "\0", &time_text(self.slot)] {
            hash.update(part.as_bytes());
        }
        hash.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
    }
}

/// Where a post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    /// Recorded, not yet acknowledged; will be (re)tried.
    Pending,
    /// An attempt is under way.
    Sending,
    /// The platform acknowledged it.
    Sent,
    /// Given up for now (permanent error, retries exhausted, or interrupted
    /// mid-send); retried when the service next starts, unless interrupted.
    Failed,
}

impl OutboxState {
    /// The state as stored and shown: `pending`, `sending`, `sent`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> OutboxState {
        match text {
            "pending" => OutboxState::Pending,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            _ => OutboxState::Failed,
        }
    }
}

/// One outbox row.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// The row's number, shown by `chipbot digest --status` and taken by
    /// `--resend`.
    pub id: i64,
    pub key: OutboxKey,
    pub platform: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The digest covers reports indexed in `(since, until]`.
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The reason recorded for a row interrupted mid-send (it is sent again
/// under the same key).
pub const INTERRUPTED: &str = "interrupted while sending (the bot stopped); sent again under the same key";

const COLUMNS: &str =
    "digest, target, slot, platform, state, attempts, last_error, since, until, created_at, updated_at, sent_at, rowid";

fn entry_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> { parse_time(&row.get::<_, String>(i)?) };
    Ok(OutboxEntry {
        key: OutboxKey { digest: row.get(0)?, target: row.get(1)?, slot: time(2)? },
        platform: row.get(3)?,
        state: OutboxState::parse(&row.get::<_, String>(4)?),
        attempts: row.get(5)?,
        last_error: row.get(6)?,
        since: time(7)?,
        until: time(8)?,
        created_at: time(9)?,
        updated_at: time(10)?,
        sent_at: row.get::<_, Option<String>>(11)?.map(|t| parse_time(&t)).transpose()?,
        id: row.get(12)?,
    })
}

impl Store {
    /// Records a post as pending unless its key exists. Returns whether it was new.
    pub fn record_pending(
        &self,
        key: &OutboxKey,
        platform: &str,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let now = time_text(now);
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO digest_outbox (digest, target, slot, platform, state, attempts, since, until, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?6, ?7, ?7)",
                params![key.digest, key.target, time_text(key.slot), platform, time_text(since), time_text(until), now],
            )
        })
        .map(|n| n == 1)
    }

    /// The row for `key`, if any.
    pub fn outbox_entry(&self, key: &OutboxKey) -> Result<Option<OutboxEntry>> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM digest_outbox WHERE digest = ?1 AND target = ?2 AND slot = ?3"),
                params![key.digest, key.target, time_text(key.slot)],
                entry_from_row,
            )
            .optional()
        })
    }

    /// Every row of `digest`, oldest slot first.
    pub fn outbox(&self, digest: &str) -> Result<Vec<OutboxEntry>> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM digest_outbox WHERE digest = ?1 ORDER BY slot, target"
            ))?;
            let rows = stmt.query_map(params![digest], entry_from_row)?;
            rows.collect()
        })
    }

    /// Starts an attempt: `pending` or `failed` becomes `sending`, attempts + 1.
    /// Returns false when the row is in another state (already sent, or
    /// another attempt is under way), in which case nothing may be sent.
    pub fn begin_attempt(&self, key: &OutboxKey, now: DateTime<Utc>) -> Result<bool> {
        self.with(|c| {
            c.execute(
                "UPDATE digest_outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?4
                 WHERE digest = ?1 AND target = ?2 AND slot = ?3 AND state IN ('pending', 'failed')",
                params![key.digest, key.target, time_text(key.slot), time_text(now)],
            )
        })
        .map(|n| n == 1)
    }

    /// Marks a post acknowledged and advances the target's watermark to the
    /// post's `until`, in one transaction.
    pub fn mark_sent(&self, key: &OutboxKey, now: DateTime<Utc>) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            let slot = time_text(key.slot);
            let now = time_text(now);
            tx.execute(
                "UPDATE digest_outbox SET state = 'sent', last_error = NULL, sent_at = ?4, updated_at = ?4
                 WHERE digest = ?1 AND target = ?2 AND slot = ?3",
                params![key.digest, key.target, slot, now],
            )?;
            tx.execute(
                "INSERT INTO digest_watermark (digest, target, until, updated_at)
                 SELECT digest, target, until, ?4 FROM digest_outbox WHERE digest = ?1 AND target = ?2 AND slot = ?3
                 ON CONFLICT (digest, target) DO UPDATE SET until = max(until, excluded.until), updated_at = excluded.updated_at",
                params![key.digest, key.target, slot, now],
            )?;
            tx.commit()
        })
    }

    /// Records a failed attempt: back to `pending` when it will be retried,
    /// `failed` when given up for this run.
    pub fn mark_attempt_failed(&self, key: &OutboxKey, error: &str, retry: bool, now: DateTime<Utc>) -> Result<()> {
        let state = if retry { OutboxState::Pending } else { OutboxState::Failed };
        self.with(|c| {
            c.execute(
                "UPDATE digest_outbox SET state = ?4, last_error = ?5, updated_at = ?6
                 WHERE digest = ?1 AND target = ?2 AND slot = ?3",
                params![key.digest, key.target, time_text(key.slot), state.as_str(), error, time_text(now)],
            )
        })
        .map(|_| ())
    }

    /// Puts rows left in `sending` by a stopped service back to `pending`,
    /// so they are sent again under the same key (see the module docs), and
    /// returns them, for the log.
    pub fn recover_interrupted(&self, now: DateTime<Utc>) -> Result<Vec<OutboxEntry>> {
        self.with(|c| {
            let tx = c.transaction()?;
            let found: Vec<OutboxEntry> = {
                let mut stmt = tx.prepare(&format!("SELECT {COLUMNS} FROM digest_outbox WHERE state = 'sending'"))?;
                let rows = stmt.query_map([], entry_from_row)?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            tx.execute(
                "UPDATE digest_outbox SET state = 'pending', last_error = ?1, updated_at = ?2 WHERE state = 'sending'",
                params![INTERRUPTED, time_text(now)],
            )?;
            tx.commit()?;
            Ok(found)
        })
    }

    /// Rows of `digest` still to deliver, pending or failed, oldest slot first.
    pub fn undelivered(&self, digest: &str) -> Result<Vec<OutboxEntry>> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM digest_outbox WHERE digest = ?1 AND state IN ('pending', 'failed')
                 ORDER BY slot, target"
            ))?;
            let rows = stmt.query_map(params![digest], entry_from_row)?;
            rows.collect()
        })
    }

    /// Every row not yet delivered, of any digest (`chipbot digest --status`):
    /// pending, being sent, or failed. Oldest slot first.
    pub fn open_posts(&self) -> Result<Vec<OutboxEntry>> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM digest_outbox WHERE state <> 'sent' ORDER BY slot, digest, target"
            ))?;
            let rows = stmt.query_map([], entry_from_row)?;
            rows.collect()
        })
    }

    /// Queues the row `id` to be sent again (`chipbot digest --resend ID`):
    /// a failed or pending row becomes `pending` with its attempts counted
    /// from zero. The row as it is now, or `None` when there is no such row;
    /// a row already sent or being sent is returned unchanged.
    pub fn requeue(&self, id: i64, now: DateTime<Utc>) -> Result<Option<OutboxEntry>> {
        self.with(|c| {
            c.execute(
                "UPDATE digest_outbox SET state = 'pending', attempts = 0, updated_at = ?2
                 WHERE rowid = ?1 AND state IN ('pending', 'failed')",
                params![id, time_text(now)],
            )?;
            c.query_row(&format!("SELECT {COLUMNS} FROM digest_outbox WHERE rowid = ?1"), params![id], entry_from_row)
                .optional()
        })
    }

    /// The end of the last successfully posted digest for (digest, target).
    pub fn watermark(&self, digest: &str, target: &str) -> Result<Option<DateTime<Utc>>> {
        let text: Option<String> = self.with(|c| {
            c.query_row(
                "SELECT until FROM digest_watermark WHERE digest = ?1 AND target = ?2",
                params![digest, target],
                |r| r.get(0),
            )
            .optional()
        })?;
        text.map(|t| self.with(|_| parse_time(&t))).transpose()
    }

    /// Sets the watermark of (digest, target) unless it is already later.
    pub fn advance_watermark(&self, digest: &str, target: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO digest_watermark (digest, target, until, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (digest, target) DO UPDATE SET until = max(until, excluded.until), updated_at = excluded.updated_at",
                params![digest, target, time_text(until), time_text(now)],
            )
        })
        .map(|_| ())
    }

    /// Up to when the scheduler has considered the slots of `digest`.
    pub fn cursor(&self, digest: &str) -> Result<Option<DateTime<Utc>>> {
        let text: Option<String> = self.with(|c| {
            c.query_row("SELECT checked_until FROM digest_cursor WHERE digest = ?1", params![digest], |r| r.get(0))
                .optional()
        })?;
        text.map(|t| self.with(|_| parse_time(&t))).transpose()
    }

    /// Moves the scheduler cursor of `digest` forward to `at`.
    pub fn advance_cursor(&self, digest: &str, at: DateTime<Utc>) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO digest_cursor (digest, checked_until) VALUES (?1, ?2)
                 ON CONFLICT (digest) DO UPDATE SET checked_until = max(checked_until, excluded.checked_until)",
                params![digest, time_text(at)],
            )
        })
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
    }

    fn key() -> OutboxKey {
        OutboxKey { digest: "weekly".into(), target: "discord:42".into(), slot: at("2026-03-30T07:00:00Z") }
    }

    #[test]
    fn pending_is_recorded_once_and_sent_advances_the_watermark() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let (since, until, now) = (at("2026-03-23T07:00:00Z"), at("2026-03-30T07:00:00Z"), at("2026-03-30T07:00:01Z"));
        assert!(store.record_pending(&key(), "discord", since, until, now).expect("insert"));
        assert!(!store.record_pending(&key(), "discord", since, until, now).expect("again"));
        assert!(store.begin_attempt(&key(), now).expect("begin"));
        assert!(!store.begin_attempt(&key(), now).expect("a second attempt must not start"));
        store.mark_sent(&key(), now).expect("sent");
        let entry = store.outbox_entry(&key()).expect("read").expect("row");
        assert_eq!((entry.state, entry.attempts), (OutboxState::Sent, 1));
        assert_eq!(store.watermark("weekly", "discord:42").expect("wm"), Some(until));
        assert!(!store.begin_attempt(&key(), now).expect("sent rows are never re-sent"));
        assert!(store.undelivered("weekly").expect("undelivered").is_empty());
    }

    #[test]
    fn interrupted_sends_go_back_to_pending_under_the_same_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let now = at("2026-03-30T07:00:00Z");
        store.record_pending(&key(), "discord", now, now, now).expect("insert");
        store.begin_attempt(&key(), now).expect("begin");
        let recovered = store.recover_interrupted(now).expect("recover");
        assert_eq!(recovered.len(), 1);
        let entry = store.outbox_entry(&key()).expect("read").expect("row");
        assert_eq!((entry.state, entry.attempts), (OutboxState::Pending, 1));
        assert_eq!(entry.last_error.as_deref(), Some(INTERRUPTED));
        assert_eq!(store.undelivered("weekly").expect("undelivered"), [entry]);
    }

    #[test]
    fn post_keys_are_stable_distinct_and_fit_a_discord_nonce() {
        let a = key().post_key();
        assert_eq!(a, key().post_key());
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        let other_slot = OutboxKey { slot: at("2026-03-31T07:00:00Z"), ..key() };
        let other_target = OutboxKey { target: "discord:43".into(), ..key() };
        assert_ne!(a, other_slot.post_key());
        assert_ne!(a, other_target.post_key());
    }

    #[test]
    fn status_lists_open_rows_and_resend_requeues_a_failed_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let now = at("2026-03-30T07:00:00Z");
        let sent = OutboxKey { slot: at("2026-03-29T07:00:00Z"), ..key() };
        for k in [&sent, &key()] {
            store.record_pending(k, "discord", now, now, now).expect("insert");
            store.begin_attempt(k, now).expect("begin");
        }
        store.mark_sent(&sent, now).expect("sent");
        store.mark_attempt_failed(&key(), "Missing Access", false, now).expect("fail");
        let open = store.open_posts().expect("status");
        assert_eq!(open.len(), 1, "sent rows are not listed");
        assert_eq!((open[0].state, open[0].key.clone()), (OutboxState::Failed, key()));
        let requeued = store.requeue(open[0].id, now).expect("resend").expect("row");
        assert_eq!((requeued.state, requeued.attempts), (OutboxState::Pending, 0));
        let sent_id = store.outbox_entry(&sent).expect("read").expect("row").id;
        let unchanged = store.requeue(sent_id, now).expect("resend").expect("row");
        assert_eq!(unchanged.state, OutboxState::Sent, "a sent row is never queued again");
        assert_eq!(store.requeue(9_999, now).expect("resend"), None);
    }

    #[test]
    fn failed_attempts_stay_undelivered() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let now = at("2026-03-30T07:00:00Z");
        store.record_pending(&key(), "discord", now, now, now).expect("insert");
        store.begin_attempt(&key(), now).expect("begin");
        store.mark_attempt_failed(&key(), "HTTP 500", false, now).expect("fail");
        let left = store.undelivered("weekly").expect("undelivered");
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].last_error.as_deref(), Some("HTTP 500"));
        assert_eq!(store.watermark("weekly", "discord:42").expect("wm"), None);
    }
}
