//! The check for reports changed in place, run after opening with
//! [`Refresh::Overlapped`]: the engine answers from the index as it is
//! while a thread of its own reads every report file's size and time and,
//! if any changed, indexes the change. Reports added or removed never get
//! this far (opening lists the folder and indexes them first), so what the
//! first answers can miss is an edit to a file already indexed; an answer
//! given once such an edit is found, and before it is indexed, says so.

use std::time::Instant;

use super::{update_notices, Engine};
#[cfg(doc)]
use super::Refresh;

impl Engine {
    /// Starts the check on a thread of its own.
    pub(super) fn verify_in_background(&self) {
        let engine = self.clone();
        let spawned = std::thread::Builder::new().name("chipbot-verify".into()).spawn(move || engine.verify());
        match spawned {
            Ok(handle) => {
                if let Ok(mut slot) = self.inner.verifier.lock() {
                    *slot = Some(handle);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "no thread for the reports check; checking now");
                self.verify();
            }
        }
    }

    /// Reads every report file's size and time; if any report changed,
    /// indexes the change and leaves word of it for the next answer.
    fn verify(&self) {
        let started = Instant::now();
        let inner = &self.inner;
        let notices = match crate::report::scan_dir(&inner.settings.index.reports_dir) {
            Err(e) => vec![format!("Could not check the reports folder for changed reports ({e}); answering from the existing index.")],
            Ok(files) => {
                let changes = inner.index.changes_in(&files);
                if changes == 0 {
                    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "no report changed in place");
                    return;
                }
                self.set_changing(changes);
                match inner.index.update_scanned(&self.source(), false, files, started) {
                    Ok(summary) => update_notices(&summary, false),
                    Err(e) => vec![format!("Could not refresh the index ({e}); answering from the existing index.")],
                }
            }
        };
        for notice in &notices {
            tracing::info!(%notice, "reports check");
        }
        if let Ok(mut startup) = inner.startup.lock() {
            startup.changing = 0;
            startup.notices.extend(notices);
        }
    }

    fn set_changing(&self, changes: usize) {
        if let Ok(mut startup) = self.inner.startup.lock() {
            startup.changing = changes;
        }
    }

    /// What an answer says while changed reports are being indexed.
    pub(super) fn pending_notice(&self) -> Option<String> {
        let changing = self.inner.startup.lock().map(|s| s.changing).unwrap_or(0);
        (changing > 0).then(|| {
            format!(
                "{changing} report file(s) changed since the index was built and are being indexed now; this answer does not include the change yet."
            )
        })
    }

    /// Waits for the check begun by opening with [`Refresh::Overlapped`]
    /// (if any) and returns what it found that no answer has said yet: a
    /// one-shot command prints this after its answer.
    pub fn settle(&self) -> Vec<String> {
        let handle = self.inner.verifier.lock().ok().and_then(|mut slot| slot.take());
        if let Some(handle) = handle {
            if handle.join().is_err() {
                return vec!["The check for changed reports failed unexpectedly; run `chipbot index`.".into()];
            }
        }
        self.take_startup_notices()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Engine, Refresh};
    use crate::config::Settings;

    #[test]
    fn an_answer_given_while_changed_reports_are_indexed_says_so() {
        let reports = tempfile::tempdir().expect("tempdir");
        let data = tempfile::tempdir().expect("tempdir");
        let report = "+++\nid = \"r\"\ntitle = \"HBM note\"\npublisher = \"Example\"\nurl = \"https://example.com/r\"\npublished = 2025-02-03\n+++\n\nSK hynix held 50% of the HBM market in 2024.\n";
        std::fs::write(reports.path().join("r.md"), report).expect("write");
        let mut settings = Settings::default();
        settings.index.reports_dir = reports.path().to_path_buf();
        settings.index.data_dir = data.path().to_path_buf();
        let engine = Engine::open_with(settings, Refresh::Overlapped).expect("open");
        let first = engine.ask("HBM market share", None).expect("answer");
        assert!(first.notices.iter().all(|n| !n.contains("being indexed")), "{:?}", first.notices);
        engine.set_changing(2);
        let during = engine.ask("HBM market share", None).expect("answer");
        assert!(during.notices.iter().any(|n| n.starts_with("2 report file(s) changed") && n.contains("does not include")), "{:?}", during.notices);
        engine.set_changing(0);
        let after = engine.ask("HBM market share", None).expect("answer");
        assert!(after.notices.iter().all(|n| !n.contains("being indexed")), "{:?}", after.notices);
    }
}
