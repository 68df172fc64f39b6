//! The Matrix adapter: the only module that imports `matrix_sdk`. It logs
//! the bot in (keeping one device across restarts), joins rooms it is
//! invited to by allowed users, turns messages into requests to the core ([`crate::core::Core`]) and
//! renders the replies as Matrix HTML with a plain-text body.
//!
//! Start-up order matters for restart safety. After a fresh login, one sync
//! runs before the message handlers are attached, so history is never
//! answered. After a restored session the handlers are attached first and
//! the sync resumes from the stored token; each message is then judged by
//! its age and the answered-events ledger, so a message sent while the bot
//! was down is answered exactly once, and an old one not at all.

mod digest;
mod handlers;
mod ledger;
pub mod render;
mod session;

use std::sync::Arc;
use std::time::Duration;

use matrix_sdk::config::SyncSettings;
use matrix_sdk::Client;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{MatrixSettings, Platform};
use crate::core::Core;
use crate::digest::PosterRegistry;
use crate::error::Result;
use handlers::Bot;
use session::{chat_error, StorePaths};

/// Long-poll timeout of each sync request.
const SYNC_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a sync under way may still finish once shutdown is asked for.
const SYNC_FINISH_GRACE: Duration = Duration::from_secs(3);
/// Longest wait between sync attempts while the homeserver is unreachable.
const MAX_SYNC_BACKOFF: Duration = Duration::from_secs(30);
/// How long shutdown waits for replies that are being sent (the process
/// must be gone within 25 s of SIGTERM).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(15);

/// Runs the Matrix bot until `shutdown` is cancelled.
pub async fn run(core: Core, matrix: MatrixSettings, posters: PosterRegistry, shutdown: CancellationToken) -> Result<()> {
    let secrets = core.settings().secrets.clone();
    let paths = StorePaths::new(&matrix, &core.settings().index.data_dir);
    // A homeserver that is down or overloaded is waited for; a refused
    // login (wrong password, revoked token) stops the bot with its reason.
    let mut backoff = Backoff::default();
    let connected = loop {
        tokio::select! {
            connected = session::connect(&matrix, &secrets, &paths) => match connected {
                Ok(connected) => break connected,
                Err(failure) if failure.retry => {
                    tracing::warn!(error = %failure.error, failures = backoff.failures + 1, "cannot connect to Matrix; retrying");
                }
                Err(failure) => return Err(failure.error),
            },
            () = shutdown.cancelled() => return Ok(()),
        }
        if backoff.wait(&shutdown).await.is_err() {
            return Ok(());
        }
    };
    let client = connected.client;
    let own = client.user_id().ok_or_else(|| chat_error("logged in without a user ID"))?.to_owned();
    let tasks = TaskTracker::new();
    let bot = Arc::new(Bot::new(core, &matrix, &paths, own.clone(), tasks.clone()));
    client.add_event_handler_context(bot.clone());
    client.add_event_handler(handlers::on_invite);
    if !connected.restored {
        // A new device: skip the backlog so history is not answered.
        initial_sync(&client, &shutdown).await;
    }
    client.add_event_handler(handlers::on_message);
    client.add_event_handler(handlers::on_undecryptable);
    tracing::info!(user = %own, restored = connected.restored, "Matrix bot is listening");
    let poster = digest::MatrixPoster { client: client.clone(), max_reply_chars: matrix.max_reply_chars };
    posters.register(Arc::new(poster));
    sync_until_cancelled(&client, &shutdown).await;
    posters.unregister(Platform::Matrix);
    tasks.close();
    if tokio::time::timeout(DRAIN_TIMEOUT, tasks.wait()).await.is_err() {
        tracing::warn!(pending = tasks.len(), "shutdown: some Matrix replies were still being sent");
    }
    tracing::info!("Matrix bot stopped");
    Ok(())
}

/// The first sync of a new device, retried until it succeeds or shutdown.
async fn initial_sync(client: &Client, shutdown: &CancellationToken) {
    let mut backoff = Backoff::default();
    loop {
        let attempt = client.sync_once(SyncSettings::default());
        tokio::select! {
            result = attempt => match result {
                Ok(_) => return,
                Err(e) => tracing::warn!(error = %e, "initial Matrix sync failed; retrying"),
            },
            () = shutdown.cancelled() => return,
        }
        if backoff.wait(shutdown).await.is_err() {
            return;
        }
    }
}

/// Syncs in a loop, backing off while the homeserver is unreachable (for
/// example during a restart), until `shutdown` is cancelled.
async fn sync_until_cancelled(client: &Client, shutdown: &CancellationToken) {
    let settings = SyncSettings::default().timeout(SYNC_TIMEOUT);
    let mut backoff = Backoff::default();
    loop {
        let attempt = client.sync_once(settings.clone());
        tokio::pin!(attempt);
        tokio::select! {
            result = &mut attempt => match result {
                Ok(_) => {
                    if backoff.failures > 0 {
                        tracing::info!(failures = backoff.failures, "Matrix sync recovered");
                    }
                    backoff = Backoff::default();
                    continue;
                }
                Err(e) => tracing::warn!(error = %e, failures = backoff.failures + 1, "Matrix sync failed; retrying"),
            },
            () = shutdown.cancelled() => {
                // A sync whose answer is being processed must not be dropped
                // half way: the SDK stores the batch token before it hands
                // the events to the handlers, so those messages would never
                // come again. A long poll still waiting is dropped after the
                // grace, which loses nothing.
                let _ = tokio::time::timeout(SYNC_FINISH_GRACE, attempt).await;
                return;
            }
        }
        if backoff.wait(shutdown).await.is_err() {
            return;
        }
    }
}

/// Exponential backoff from 0.5 s up to [`MAX_SYNC_BACKOFF`].
#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
}

impl Backoff {
    fn delay(&self) -> Duration {
        let factor = 1u32 << self.failures.min(8);
        (Duration::from_millis(500) * factor).min(MAX_SYNC_BACKOFF)
    }

    /// Sleeps for the next delay; `Err` when shutdown came first.
    async fn wait(&mut self, shutdown: &CancellationToken) -> std::result::Result<(), ()> {
        let delay = self.delay();
        self.failures += 1;
        tokio::select! {
            () = tokio::time::sleep(delay) => Ok(()),
            () = shutdown.cancelled() => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut b = Backoff::default();
        let mut seen = Vec::new();
        for _ in 0..10 {
            seen.push(b.delay());
            b.failures += 1;
        }
        assert_eq!(seen[0], Duration::from_millis(500));
        assert_eq!(seen[1], Duration::from_secs(1));
        assert_eq!(seen[9], MAX_SYNC_BACKOFF);
    }
}
