//! The embedded state store: one SQLite file, `<index.data_dir>/chipbot.db`,
//! holding the digest outbox, the per-target digest watermarks, the
//! reindex and curation audit log, and the curation queue.
//!
//! The schema carries its version in `PRAGMA user_version` and is brought up
//! to date by the ordered [`MIGRATIONS`] on open. A file that is not a SQLite
//! database, fails its integrity check, or was written by a newer chipbot is
//! refused with an error naming the file; nothing is overwritten or dropped.
//!
//! Every call is blocking. Async code goes through [`Store::call`], which runs
//! the work on tokio's blocking pool.

mod audit;
mod outbox;
mod queue;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use audit::{AuditOutcome, AuditRecord};
pub use outbox::{OutboxEntry, OutboxKey, OutboxState};
pub use queue::{Decision, NewItem, QueueItem, QueueKind, QueueState};

use crate::error::{Error, Result};

/// File name of the store inside the data directory.
pub const FILE_NAME: &str = "chipbot.db";

/// How long a statement waits for another connection's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Schema migrations; entry `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // v1: digest outbox, watermarks, scheduler cursors, reindex audit log.
    "CREATE TABLE digest_outbox (
        digest TEXT NOT NULL,
        target TEXT NOT NULL,
        slot TEXT NOT NULL,
        platform TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        since TEXT NOT NULL,
        until TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT,
        PRIMARY KEY (digest, target, slot)
    );
    CREATE INDEX digest_outbox_state ON digest_outbox (state);
    CREATE TABLE digest_watermark (
        digest TEXT NOT NULL,
        target TEXT NOT NULL,
        until TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (digest, target)
    );
    CREATE TABLE digest_cursor (
        digest TEXT PRIMARY KEY,
        checked_until TEXT NOT NULL
    );
    CREATE TABLE reindex_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        full INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        summary TEXT NOT NULL
    );",
    // v2: the curation queue (`add`, `approve`, ...), feed entries already
    // proposed, and an action column so the audit log covers curation too.
    "CREATE TABLE curation_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'approving', 'approved', 'rejected')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        place TEXT,
        source TEXT NOT NULL,
        canonical_url TEXT,
        note TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('markdown', 'pdf')),
        front_matter TEXT NOT NULL,
        body TEXT NOT NULL,
        original BLOB,
        text_hash TEXT NOT NULL,
        decided_platform TEXT,
        decided_user TEXT,
        decided_at TEXT,
        reason TEXT,
        file TEXT
    );
    CREATE INDEX curation_queue_state ON curation_queue (state);
    CREATE TABLE feed_seen (
        feed TEXT NOT NULL,
        entry TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed, entry)
    );
    ALTER TABLE reindex_audit ADD COLUMN action TEXT NOT NULL DEFAULT 'reindex';",
    // v3: when a chat proposer was told the decision on their proposal (NULL
    // while they still have to be). Decisions taken before count as told.
    "ALTER TABLE curation_queue ADD COLUMN told_at TEXT;
    UPDATE curation_queue SET told_at = updated_at WHERE state IN ('approved', 'rejected');",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A handle on the store; cheap to clone and shared between tasks.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) `data_dir/chipbot.db`. Blocking.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
        Self::open_file(&data_dir.join(FILE_NAME))
    }

    /// Opens (or creates) the store at `path`, checks it and migrates it. Blocking.
    pub fn open_file(path: &Path) -> Result<Store> {
        let fail = |e: rusqlite::Error| store_error(path, &e);
        let mut conn = Connection::open(path).map_err(fail)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        let check: String = conn.pragma_query_value(None, "quick_check", |r| r.get(0)).map_err(fail)?;
        if check != "ok" {
            return Err(Error::Store {
                path: path.to_path_buf(),
                message: format!("the database failed its integrity check ({check}); move it aside to start afresh"),
            });
        }
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)).map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(path = %path.display(), mode, "SQLite refused WAL mode");
        }
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(fail)?;
        migrate(&mut conn, path)?;
        Ok(Store { conn: Arc::new(Mutex::new(conn)), path: Arc::new(path.to_path_buf()) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs blocking store work on tokio's blocking pool.
    pub async fn call<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
    {
        let store = self.clone();
        crate::task::blocking(move || work(&store)).await
    }

    /// Runs `work` on the connection, naming the file in any error.
    fn with<T>(&self, work: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().map_err(|_| Error::Store {
            path: self.path.to_path_buf(),
            message: "connection lock poisoned".into(),
        })?;
        work(&mut conn).map_err(|e| store_error(&self.path, &e))
    }
}

/// Applies the migrations the file lacks, each in its own transaction.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let fail = |e: rusqlite::Error| store_error(path, &e);
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(fail)?;
    if version > SCHEMA_VERSION {
        return Err(Error::Store {
            path: path.to_path_buf(),
            message: format!(
                "written by a newer chipbot (schema version {version}; this build knows up to {SCHEMA_VERSION}); \
                 upgrade chipbot or move the file aside"
            ),
        });
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction().map_err(fail)?;
        tx.execute_batch(sql).map_err(fail)?;
        tx.pragma_update(None, "user_version", from as i64 + 1).map_err(fail)?;
        tx.commit().map_err(fail)?;
        tracing::info!(path = %path.display(), version = from + 1, "state store migrated");
    }
    Ok(())
}

fn store_error(path: &Path, e: &rusqlite::Error) -> Error {
    let message = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            "not a chipbot state database (or it is damaged); move it aside to start afresh".to_string()
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            format!("the database is damaged ({e}); move it aside to start afresh")
        }
        _ => e.to_string(),
    };
    Error::Store { path: path.to_path_buf(), message }
}

/// Timestamps are stored as fixed-width UTC text, so that text order is time order.
pub(crate) fn time_text(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses a stored timestamp.
pub(crate) fn parse_time(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_migrates_and_reopens() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let version: i64 = store.with(|c| c.pragma_query_value(None, "user_version", |r| r.get(0))).expect("v");
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = store.with(|c| c.pragma_query_value(None, "journal_mode", |r| r.get(0))).expect("mode");
        assert_eq!(mode, "wal");
        drop(store);
        Store::open(dir.path()).expect("reopen");
    }

    #[test]
    fn garbage_file_is_refused_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        let junk = vec![b'x'; 8192];
        std::fs::write(&path, &junk).expect("write");
        let err = Store::open(dir.path()).expect_err("junk must be refused");
        let text = err.to_string();
        assert!(text.contains("chipbot.db") && text.contains("not a chipbot state database"), "{text}");
        assert_eq!(std::fs::read(&path).expect("read"), junk, "the file must be left alone");
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        let conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).expect("bump");
        drop(conn);
        let err = Store::open(dir.path()).expect_err("too new");
        let text = err.to_string();
        assert!(text.contains("chipbot.db") && text.contains("newer chipbot"), "{text}");
    }

    #[test]
    fn times_round_trip_in_order() {
        let a = DateTime::parse_from_rfc3339("2026-03-29T00:30:00Z").expect("t").with_timezone(&Utc);
        let b = a + chrono::Duration::milliseconds(1500);
        assert!(time_text(a) < time_text(b));
        assert_eq!(parse_time(&time_text(b)).expect("parse"), b);
    }
}
