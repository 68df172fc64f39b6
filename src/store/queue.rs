//! The curation queue: reports proposed with `add` (from chat, the CLI or a
//! feed) that wait for an admin's decision, and the feed entries already
//! proposed. An item moves `pending` → `approving` (its file is being
//! written and indexed) → `approved`, or `pending` → `rejected`; an item left
//! in `approving` by a crash is finished or put back on the next start.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::{parse_time, time_text, Store};
use crate::error::Result;

/// Where an item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueState {
    Pending,
    /// Approved; its file is being written and indexed.
    Approving,
    Approved,
    Rejected,
}

impl QueueState {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueState::Pending => "pending",
            QueueState::Approving => "approving",
            QueueState::Approved => "approved",
            QueueState::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> QueueState {
        match text {
            "approving" => QueueState::Approving,
            "approved" => QueueState::Approved,
            "rejected" => QueueState::Rejected,
            _ => QueueState::Pending,
        }
    }
}

/// How an approved item is written: a Markdown report, or the original PDF
/// with a metadata sidecar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    Markdown,
    Pdf,
}

impl QueueKind {
    fn as_str(self) -> &'static str {
        match self {
            QueueKind::Markdown => "markdown",
            QueueKind::Pdf => "pdf",
        }
    }
}

/// A proposal to add to the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub platform: String,
    pub user_id: String,
    /// The channel or room it was proposed in, to tell the proposer the outcome.
    pub place: Option<String>,
    /// The URL or file name it came from, as given.
    pub source: String,
    pub canonical_url: Option<String>,
    pub note: Option<String>,
    pub kind: QueueKind,
    /// The report's metadata as TOML front matter (without the `+++` lines).
    pub front_matter: String,
    /// The main text.
    pub body: String,
    /// The original file, for a PDF.
    pub original: Option<Vec<u8>>,
    /// Hash of the normalised text, to refuse the same text twice.
    pub text_hash: String,
}

/// Who moved a queue item, when, and what goes with the move: a rejection's
/// reason, an approval's report file.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    /// (platform, user).
    pub by: (&'a str, &'a str),
    pub reason: Option<&'a str>,
    pub file: Option<&'a str>,
    pub at: DateTime<Utc>,
}

impl<'a> Decision<'a> {
    /// A move by `platform` `user` at `at`, with no reason or file.
    pub fn by(platform: &'a str, user: &'a str, at: DateTime<Utc>) -> Decision<'a> {
        Decision { by: (platform, user), reason: None, file: None, at }
    }
}

/// One queue row.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub id: i64,
    pub state: QueueState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What was proposed, by whom and where.
    pub proposal: NewItem,
    /// Who decided, when, and why (for a rejection).
    pub decided_by: Option<(String, String)>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    /// The report file written on approval, relative to the reports folder.
    pub file: Option<String>,
}

const COLUMNS: &str = "id, state, created_at, updated_at, platform, user_id, source, canonical_url, note, kind, \
                       front_matter, body, original, text_hash, decided_platform, decided_user, decided_at, reason, file, place";

fn item(r: &Row<'_>) -> rusqlite::Result<QueueItem> {
    let decided_platform: Option<String> = r.get(14)?;
    let decided_user: Option<String> = r.get(15)?;
    let decided_at: Option<String> = r.get(16)?;
    Ok(QueueItem {
        id: r.get(0)?,
        state: QueueState::parse(&r.get::<_, String>(1)?),
        created_at: parse_time(&r.get::<_, String>(2)?)?,
        updated_at: parse_time(&r.get::<_, String>(3)?)?,
        proposal: NewItem {
            platform: r.get(4)?,
            user_id: r.get(5)?,
            place: r.get(19)?,
            source: r.get(6)?,
            canonical_url: r.get(7)?,
            note: r.get(8)?,
            kind: if r.get::<_, String>(9)? == "pdf" { QueueKind::Pdf } else { QueueKind::Markdown },
            front_matter: r.get(10)?,
            body: r.get(11)?,
            original: r.get(12)?,
            text_hash: r.get(13)?,
        },
        decided_by: decided_platform.zip(decided_user),
        decided_at: decided_at.map(|t| parse_time(&t)).transpose()?,
        reason: r.get(17)?,
        file: r.get(18)?,
    })
}

impl Store {
    /// Adds a pending item and returns it.
    pub fn enqueue(&self, new: &NewItem, at: DateTime<Utc>) -> Result<QueueItem> {
        let id = self.with(|c| {
            c.execute(
                "INSERT INTO curation_queue (state, created_at, updated_at, platform, user_id, source, canonical_url, note, kind, \
                 front_matter, body, original, text_hash, place) VALUES ('pending', ?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    time_text(at),
                    new.platform,
                    new.user_id,
                    new.source,
                    new.canonical_url,
                    new.note,
                    new.kind.as_str(),
                    new.front_matter,
                    new.body,
                    new.original,
                    new.text_hash,
                    new.place
                ],
            )?;
            Ok(c.last_insert_rowid())
        })?;
        self.queue_item(id).map(|item| item.expect("the row just written"))
    }

    /// The item `id`, if there is one.
    pub fn queue_item(&self, id: i64) -> Result<Option<QueueItem>> {
        self.with(|c| c.query_row(&format!("SELECT {COLUMNS} FROM curation_queue WHERE id = ?1"), params![id], item).optional())
    }

    /// Items in `state`, oldest first.
    pub fn queue_in(&self, state: QueueState) -> Result<Vec<QueueItem>> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM curation_queue WHERE state = ?1 ORDER BY id"))?;
            let rows = stmt.query_map(params![state.as_str()], item)?;
            rows.collect()
        })
    }

    /// A pending or approved item with this canonical URL or text hash: the
    /// same source proposed again.
    pub fn queued_duplicate(&self, canonical_url: Option<&str>, text_hash: &str) -> Result<Option<QueueItem>> {
        self.with(|c| {
            c.query_row(
                &format!(
                    "SELECT {COLUMNS} FROM curation_queue WHERE state IN ('pending', 'approving', 'approved') \
                     AND ((?1 IS NOT NULL AND canonical_url = ?1) OR text_hash = ?2) ORDER BY id LIMIT 1"
                ),
                params![canonical_url, text_hash],
                item,
            )
            .optional()
        })
    }

    /// Replaces a pending item's metadata.
    pub fn update_front_matter(&self, id: i64, front_matter: &str, at: DateTime<Utc>) -> Result<bool> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE curation_queue SET front_matter = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'pending'",
                params![id, front_matter, time_text(at)],
            )?;
            Ok(n == 1)
        })
    }

    /// Moves item `id` from `from` to `to`, recording `decision`; false when
    /// it was not in `from` (someone else decided first).
    pub fn move_item(&self, id: i64, from: QueueState, to: QueueState, decision: &Decision<'_>) -> Result<bool> {
        let Decision { by: decided, reason, file, at } = *decision;
        self.with(|c| {
            let n = c.execute(
                "UPDATE curation_queue SET state = ?3, decided_platform = ?4, decided_user = ?5, decided_at = ?6, updated_at = ?6, \
                 reason = COALESCE(?7, reason), file = COALESCE(?8, file) WHERE id = ?1 AND state = ?2",
                params![id, from.as_str(), to.as_str(), decided.0, decided.1, time_text(at), reason, file],
            )?;
            Ok(n == 1)
        })
    }

    /// Decided items whose proposer, on `platform`, still has to be told,
    /// oldest first.
    pub fn untold(&self, platform: &str) -> Result<Vec<QueueItem>> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM curation_queue WHERE state IN ('approved', 'rejected') AND told_at IS NULL \
                 AND platform = ?1 AND place IS NOT NULL ORDER BY id"
            ))?;
            let rows = stmt.query_map(params![platform], item)?;
            rows.collect()
        })
    }

    /// Records that the proposer of decided item `id` was told (or has no one
    /// to tell); false when it was already recorded.
    pub fn mark_told(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE curation_queue SET told_at = ?2 WHERE id = ?1 AND state IN ('approved', 'rejected') AND told_at IS NULL",
                params![id, time_text(at)],
            )?;
            Ok(n == 1)
        })
    }

    /// Whether `entry` of `feed` was already handled.
    pub fn feed_entry_seen(&self, feed: &str, entry: &str) -> Result<bool> {
        self.with(|c| {
            c.query_row("SELECT 1 FROM feed_seen WHERE feed = ?1 AND entry = ?2", params![feed, entry], |_| Ok(()))
                .optional()
                .map(|row| row.is_some())
        })
    }

    /// Records that `entry` of `feed` was proposed; false when it already was.
    pub fn mark_feed_entry(&self, feed: &str, entry: &str, at: DateTime<Utc>) -> Result<bool> {
        self.with(|c| {
            let n = c.execute(
                "INSERT OR IGNORE INTO feed_seen (feed, entry, seen_at) VALUES (?1, ?2, ?3)",
                params![feed, entry, time_text(at)],
            )?;
            Ok(n == 1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_item(url: &str, hash: &str) -> NewItem {
        NewItem {
            platform: "discord".into(),
            user_id: "42".into(),
            place: Some("1".into()),
            source: url.into(),
            canonical_url: Some(url.into()),
            note: None,
            kind: QueueKind::Markdown,
            front_matter: "id = \"x\"\ntitle = \"T\"\n".into(),
            body: "Body.".into(),
            original: None,
            text_hash: hash.into(),
        }
    }

    #[test]
    fn items_move_once_from_pending_and_duplicates_are_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let now = Utc::now();
        let a = store.enqueue(&new_item("https://example.com/a", "h1"), now).expect("enqueue");
        let b = store.enqueue(&new_item("https://example.com/b", "h2"), now).expect("enqueue");
        assert_eq!(store.queue_in(QueueState::Pending).expect("list").iter().map(|i| i.id).collect::<Vec<_>>(), vec![a.id, b.id]);
        assert!(store.queued_duplicate(Some("https://example.com/a"), "zz").expect("dup").is_some());
        assert!(store.queued_duplicate(None, "h2").expect("dup").is_some());
        assert!(store.queued_duplicate(Some("https://example.com/c"), "h3").expect("dup").is_none());
        let who = ("matrix", "@admin:example.org");
        let decided = Decision::by(who.0, who.1, now);
        assert!(store.move_item(a.id, QueueState::Pending, QueueState::Approving, &Decision { file: Some("a.md"), ..decided }).expect("move"));
        assert!(!store.move_item(a.id, QueueState::Pending, QueueState::Rejected, &Decision { reason: Some("late"), ..decided }).expect("move"), "decided once");
        assert!(store.update_front_matter(b.id, "id = \"y\"\n", now).expect("edit"));
        assert!(!store.update_front_matter(a.id, "id = \"z\"\n", now).expect("edit"), "only pending items change");
        let a = store.queue_item(a.id).expect("get").expect("row");
        assert_eq!((a.state, a.file.as_deref(), a.decided_by.clone()), (QueueState::Approving, Some("a.md"), Some((who.0.into(), who.1.into()))));
        assert!(store.mark_feed_entry("f", "guid-1", now).expect("mark"));
        assert!(!store.mark_feed_entry("f", "guid-1", now).expect("mark"), "once per entry");
    }

    #[test]
    fn a_decided_chat_proposal_waits_to_be_told_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let now = Utc::now();
        let a = store.enqueue(&new_item("https://example.com/a", "h1"), now).expect("enqueue");
        let b = store.enqueue(&new_item("https://example.com/b", "h2"), now).expect("enqueue");
        let from_cli = store.enqueue(&NewItem { platform: "cli".into(), place: None, ..new_item("https://example.com/c", "h3") }, now).expect("enqueue");
        assert!(store.untold("discord").expect("untold").is_empty(), "nothing decided yet");
        let decided = Decision::by("cli", "admin", now);
        for id in [a.id, b.id, from_cli.id] {
            assert!(store.move_item(id, QueueState::Pending, QueueState::Rejected, &decided).expect("move"));
        }
        let ids = |items: Vec<QueueItem>| items.into_iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(ids(store.untold("discord").expect("untold")), vec![a.id, b.id], "a proposal with no place has no one to tell");
        assert!(store.untold("matrix").expect("untold").is_empty());
        assert!(store.mark_told(a.id, now).expect("told"));
        assert!(!store.mark_told(a.id, now).expect("told"), "told once");
        assert_eq!(ids(store.untold("discord").expect("untold")), vec![b.id]);
    }

    #[test]
    fn decisions_taken_before_the_told_column_count_as_told() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            // A version 2 store with one decided and one pending chat proposal.
            let conn = rusqlite::Connection::open(dir.path().join(super::super::FILE_NAME)).expect("open");
            for sql in &super::super::MIGRATIONS[..2] {
                conn.execute_batch(sql).expect("migrate");
            }
            conn.pragma_update(None, "user_version", 2).expect("version");
            for (state, hash) in [("rejected", "h1"), ("pending", "h2")] {
                conn.execute(
                    "INSERT INTO curation_queue (state, created_at, updated_at, platform, user_id, place, source, kind, front_matter, body, text_hash) \
                     VALUES (?1, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'discord', '42', '1', 'x', 'markdown', '', '', ?2)",
                    params![state, hash],
                )
                .expect("insert");
            }
        }
        let store = Store::open(dir.path()).expect("migrated");
        assert!(store.untold("discord").expect("untold").is_empty(), "no proposer is told of an old decision");
        let pending = store.queue_in(QueueState::Pending).expect("pending");
        assert!(store.move_item(pending[0].id, QueueState::Pending, QueueState::Approved, &Decision::by("cli", "admin", Utc::now())).expect("move"));
        assert_eq!(store.untold("discord").expect("untold").len(), 1, "a new decision is");
    }
}
