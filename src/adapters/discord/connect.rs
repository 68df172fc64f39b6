//! Reaching Discord before the client starts: `GET /gateway/bot` checks that
//! the API answers and that it accepts the token. A token Discord rejects
//! (401) is an error at once; an API that cannot be reached (wrong
//! `discord.api_base`, DNS failure, an outage) is retried with a growing wait
//! until it answers or shutdown is asked for. Without this check serenity
//! falls back to the real gateway URL when `GET /gateway` fails and retries
//! that shard for ever.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio_util::sync::CancellationToken;

use super::chat_error;
use super::describe::{chain, status};
use crate::error::Result;

/// How long one check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);
/// The first wait between checks; it doubles up to [`MAX_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(2);
const MAX_WAIT: Duration = Duration::from_secs(60);

/// What the start-up check found.
pub(super) enum Reached {
    /// The API answered and accepted the token.
    Ready,
    /// Shutdown was asked for before the API answered.
    Stopped,
}

/// Waits until Discord's API answers with the token accepted, or `shutdown`
/// is cancelled. A rejected token (401) is an error.
pub(super) async fn reach(http: &serenity::Http, api_base: &str, shutdown: &CancellationToken) -> Result<Reached> {
    let mut wait = FIRST_WAIT;
    loop {
        let attempt = tokio::time::timeout(CHECK_TIMEOUT, http.get_bot_gateway());
        let outcome = tokio::select! {
            () = shutdown.cancelled() => return Ok(Reached::Stopped),
            outcome = attempt => outcome,
        };
        let problem = match outcome {
            Ok(Ok(gateway)) => {
                let limit = &gateway.session_start_limit;
                tracing::info!(api_base, sessions_left = limit.remaining, "discord API reached; token accepted");
                return Ok(Reached::Ready);
            }
            Ok(Err(e)) if status(&e) == Some(401) => {
                return Err(chat_error(format!(
                    "Discord rejected the bot token (401 Unauthorized from {api_base}); check CHIPBOT_DISCORD__TOKEN"
                )));
            }
            Ok(Err(e)) => chain(&e),
            Err(_) => format!("no answer within {} s", CHECK_TIMEOUT.as_secs()),
        };
        tracing::warn!(api_base, error = %problem, retry_in_s = wait.as_secs(), "discord: cannot reach the API; retrying");
        tokio::select! {
            () = shutdown.cancelled() => return Ok(Reached::Stopped),
            () = tokio::time::sleep(wait) => {}
        }
        wait = (wait * 2).min(MAX_WAIT);
    }
}

