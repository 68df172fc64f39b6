//! The audit log: one row per reindex request and per curation step
//! (`add`, `approve`, `reject`, `edit`), including refused and failed ones,
//! listed by `chipbot audit`.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{parse_time, time_text, Store};
use crate::error::Result;

/// How a reindex request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    /// The reindex ran and committed (or found nothing to change).
    Ok,
    /// The sender is not an admin.
    Refused,
    /// Another reindex was running.
    Busy,
    /// The reindex failed or was refused by the engine (e.g. it would empty the index).
    Error,
}

impl AuditOutcome {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Ok => "ok",
            AuditOutcome::Refused => "refused",
            AuditOutcome::Busy => "busy",
            AuditOutcome::Error => "error",
        }
    }

    fn parse(text: &str) -> AuditOutcome {
        match text {
            "ok" => AuditOutcome::Ok,
            "refused" => AuditOutcome::Refused,
            "busy" => AuditOutcome::Busy,
            _ => AuditOutcome::Error,
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Row number (0 before it is written).
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `reindex`, `add`, `approve`, `reject` or `edit`.
    pub action: String,
    /// `matrix`, `discord`, `cli` or `watch`.
    pub platform: String,
    pub user_id: String,
    pub full: bool,
    pub outcome: AuditOutcome,
    /// Counts and failures, or the refusal or error message.
    pub summary: String,
}

impl Store {
    /// Appends `record` (its `id` is ignored) and returns the new row number.
    pub fn record_audit(&self, record: &AuditRecord) -> Result<i64> {
        self.with(|c| {
            c.execute(
                "INSERT INTO reindex_audit (at, platform, user_id, full, outcome, summary, action) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    time_text(record.at),
                    record.platform,
                    record.user_id,
                    record.full,
                    record.outcome.as_str(),
                    record.summary,
                    record.action
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// The newest `limit` audit rows, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditRecord>> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT id, at, platform, user_id, full, outcome, summary, action FROM reindex_audit ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map(params![limit as i64], |r| {
                Ok(AuditRecord {
                    id: r.get(0)?,
                    at: parse_time(&r.get::<_, String>(1)?)?,
                    action: r.get(7)?,
                    platform: r.get(2)?,
                    user_id: r.get(3)?,
                    full: r.get(4)?,
                    outcome: AuditOutcome::parse(&r.get::<_, String>(5)?),
                    summary: r.get(6)?,
                })
            })?;
            rows.collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_listed_newest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let base = AuditRecord {
            id: 0,
            at: Utc::now(),
            action: "reindex".into(),
            platform: "matrix".into(),
            user_id: "@eve:example.org".into(),
            full: false,
            outcome: AuditOutcome::Refused,
            summary: "not an admin".into(),
        };
        store.record_audit(&base).expect("first");
        store.record_audit(&AuditRecord { outcome: AuditOutcome::Ok, full: true, ..base.clone() }).expect("second");
        let log = store.audit_log(10).expect("log");
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].outcome, log[0].full), (AuditOutcome::Ok, true));
        assert_eq!(log[1].outcome, AuditOutcome::Refused);
        assert_eq!(log[1].user_id, "@eve:example.org");
    }
}
