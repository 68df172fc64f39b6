//! Watch mode (`index.watch = true`): polls the reports directory's file
//! list (paths, sizes, modification times) and, once changes have settled
//! for `index.watch_debounce_secs`, runs an incremental reindex. Polling
//! needs no extra dependency and works on every file system, including
//! network mounts where change notifications are unreliable.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::core::{Command, Core, Origin, Request};
use crate::error::{Error, Result};
use crate::reply::Reply;

/// Longest time between two looks at the directory.
const MAX_POLL: Duration = Duration::from_secs(2);

/// What a scan saw: (path, size, modification time) per report file, or why
/// the directory could not be read.
type Fingerprint = std::result::Result<Vec<(String, u64, Option<std::time::SystemTime>)>, String>;

/// Watches with the debounce from the core's settings until `shutdown`.
pub async fn run(core: Core, shutdown: CancellationToken) -> Result<()> {
    let debounce = Duration::from_secs(core.settings().index.watch_debounce_secs.max(1));
    let poll = (debounce / 2).clamp(Duration::from_millis(100), MAX_POLL);
    watch(core, poll, debounce, shutdown).await
}

/// Polls every `poll`; reindexes once no change was seen for `debounce`.
pub async fn watch(core: Core, poll: Duration, debounce: Duration, shutdown: CancellationToken) -> Result<()> {
    let mut seen = fingerprint(&core).await?;
    let mut changed_at: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = tokio::time::sleep(poll) => {}
        }
        let now = fingerprint(&core).await?;
        if now != seen {
            seen = now;
            changed_at = Some(Instant::now());
            continue;
        }
        if changed_at.is_some_and(|at| at.elapsed() >= debounce) {
            changed_at = None;
            let request = Request { origin: Origin::Watch, command: Command::Index { full: false } };
            match core.handle(request).await {
                Ok(Reply::Indexed(s)) => tracing::info!(
                    added = s.added.len(), updated = s.updated.len(), removed = s.removed.len(), failed = s.failed.len(),
                    elapsed_ms = s.elapsed_ms as u64, "watch: reindexed after changes settled"
                ),
                Err(Error::ReindexRunning) => {
                    tracing::info!("watch: a reindex is running; trying again after it");
                    changed_at = Some(Instant::now());
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "watch: reindex refused or failed; the current index stays"),
            }
        }
    }
}

async fn fingerprint(core: &Core) -> Result<Fingerprint> {
    let dir = core.settings().index.reports_dir.clone();
    crate::task::blocking(move || {
        Ok(crate::report::scan_dir(&dir)
            .map(|files| files.into_iter().map(|f| (f.rel, f.size, f.modified)).collect())
            .map_err(|e| e.to_string()))
    })
    .await
}
