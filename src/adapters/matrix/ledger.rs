//! The answered-events ledger: event IDs the bot has already replied to,
//! kept in a small file next to the Matrix store. After a restart the sync
//! resumes from the stored token and may deliver events again; the ledger
//! makes sure each is answered once. Entries older than the retention window
//! are dropped, since such events are too old to be answered anyway.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Most entries kept, whatever their age.
const MAX_ENTRIES: usize = 5_000;

#[derive(Debug, Default, Serialize, Deserialize)]
struct LedgerFile {
    /// Event ID -> the event's `origin_server_ts` in milliseconds.
    answered: HashMap<String, u64>,
}

/// Answered event IDs, persisted to `path` after every change.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    retain_ms: u64,
    entries: Mutex<LedgerFile>,
}

impl Ledger {
    /// Opens the ledger at `path`; a missing file is an empty ledger, and an
    /// unreadable one is set aside (with a warning) rather than stopping the bot.
    pub fn open(path: &Path, retain_ms: u64) -> Ledger {
        let entries = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                let aside = path.with_extension("corrupt");
                tracing::warn!(path = %path.display(), error = %e, "answered-events ledger unreadable; starting a new one");
                let _ = std::fs::rename(path, &aside);
                LedgerFile::default()
            }),
            Err(_) => LedgerFile::default(),
        };
        Ledger { path: path.to_path_buf(), retain_ms, entries: Mutex::new(entries) }
    }

    /// Whether `event_id` was answered.
    pub fn contains(&self, event_id: &str) -> bool {
        self.lock().answered.contains_key(event_id)
    }

    /// Records `event_id` (sent at `origin_ms`) as answered and saves the file.
    pub fn insert(&self, event_id: &str, origin_ms: u64, now_ms: u64) -> Result<()> {
        let mut entries = self.lock();
        entries.answered.insert(event_id.to_string(), origin_ms);
        let cutoff = now_ms.saturating_sub(self.retain_ms);
        entries.answered.retain(|_, &mut ts| ts >= cutoff);
        if entries.answered.len() > MAX_ENTRIES {
            let mut times: Vec<u64> = entries.answered.values().copied().collect();
            times.sort_unstable();
            let keep_from = times[times.len() - MAX_ENTRIES];
            entries.answered.retain(|_, &mut ts| ts >= keep_from);
        }
        let bytes = serde_json::to_vec(&*entries).map_err(|e| Error::Chat { platform: "matrix", message: e.to_string() })?;
        write_atomically(&self.path, &bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LedgerFile> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Writes `bytes` to a temporary file and renames it over `path`, so a crash
/// leaves either the old or the new file, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_reopening_and_forgets_old_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("answered.json");
        let ledger = Ledger::open(&path, 1_000);
        ledger.insert("$a", 10_000, 10_000).expect("insert");
        ledger.insert("$b", 10_500, 10_500).expect("insert");
        let reopened = Ledger::open(&path, 1_000);
        assert!(reopened.contains("$a") && reopened.contains("$b"));
        reopened.insert("$c", 11_200, 11_200).expect("insert");
        assert!(!reopened.contains("$a"), "older than the retention window");
        assert!(reopened.contains("$b") && reopened.contains("$c"));
    }

    #[test]
    fn a_corrupt_file_is_set_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("answered.json");
        std::fs::write(&path, b"{not json").expect("write");
        let ledger = Ledger::open(&path, 1_000);
        assert!(!ledger.contains("$a"));
        assert!(dir.path().join("answered.corrupt").exists());
    }
}
