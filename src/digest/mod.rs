//! Scheduled digests: the service that posts them exactly once per target
//! and slot ([`service`]). When a digest is due is its [`Schedule`] (a
//! validated setting); what it says is composed by the answer engine, asked
//! through the core's one door like any other request.
//!
//! Chat adapters take part through one platform-neutral trait,
//! [`DigestPoster`]: an adapter that can post into a room or channel
//! registers a poster in the [`PosterRegistry`] that `serve` hands it. The
//! service never sees a platform type.

pub mod feeds;
pub mod service;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use crate::config::Schedule;
pub use feeds::run_feeds;
pub use service::{run_scheduler, DigestService, RetryPolicy};

use crate::config::Platform;
use crate::reply::Reply;

/// Why a post failed, as the adapter saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostError {
    /// The platform asked to wait this long before trying again (HTTP 429
    /// `Retry-After`, Matrix `retry_after_ms`). The service waits at least this.
    pub retry_after: Option<Duration>,
    /// Retrying cannot help (unknown channel, no permission); the post is
    /// marked failed at once and retried only when the service restarts.
    pub permanent: bool,
    /// What went wrong, for the log and the outbox (no secrets).
    pub message: String,
}

impl PostError {
    /// A failure worth retrying after a backoff (network error, HTTP 5xx).
    pub fn transient(message: impl Into<String>) -> Self {
        PostError { retry_after: None, permanent: false, message: message.into() }
    }

    /// The platform rate-limited the post and said how long to wait.
    pub fn rate_limited(retry_after: Duration, message: impl Into<String>) -> Self {
        PostError { retry_after: Some(retry_after), permanent: false, message: message.into() }
    }

    /// A failure retrying will not fix.
    pub fn permanent(message: impl Into<String>) -> Self {
        PostError { retry_after: None, permanent: true, message: message.into() }
    }
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {} ms)", wait.as_millis())?;
        }
        Ok(())
    }
}

/// The future a [`DigestPoster`] returns.
pub type PostFuture<'a> = Pin<Box<dyn Future<Output = Result<(), PostError>> + Send + 'a>>;

/// Posts a rendered digest into a room or channel of one platform.
///
/// `target` is the platform's own ID as configured (a Discord channel ID in
/// decimal, a Matrix room ID). The poster renders `reply` with the
/// platform's renderer, sends it as one message, and resolves `Ok(())` only
/// once the platform has acknowledged it (HTTP 200 with a message ID, Matrix
/// event ID). Anything else is an `Err`: the service records it and retries.
///
/// `post_key` is the same for every attempt at one post, across restarts
/// ([`crate::store::OutboxKey::post_key`]). The poster hands it to the
/// platform's own de-duplication (Discord's `nonce` with `enforce_nonce`, a
/// Matrix transaction ID), so that sending again after an interrupted
/// attempt cannot post twice.
pub trait DigestPoster: Send + Sync {
    /// The platform this poster sends to.
    fn platform(&self) -> Platform;
    /// Sends `reply` to `target` under `post_key`.
    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply, post_key: &'a str) -> PostFuture<'a>;
}

/// The posters of the connected adapters, one per platform. Adapters register
/// theirs once connected (and may replace it after reconnecting); the digest
/// service looks one up for every post. Cheap to clone.
#[derive(Clone, Default)]
pub struct PosterRegistry {
    posters: Arc<RwLock<HashMap<Platform, Arc<dyn DigestPoster>>>>,
    /// Signalled when a poster registers (an adapter connected).
    connected: Arc<tokio::sync::Notify>,
}

impl fmt::Debug for PosterRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let platforms: Vec<Platform> = self.posters.read().map(|p| p.keys().copied().collect()).unwrap_or_default();
        f.debug_struct("PosterRegistry").field("platforms", &platforms).finish()
    }
}

impl PosterRegistry {
    /// Registers `poster` for its platform, replacing an earlier one.
    pub fn register(&self, poster: Arc<dyn DigestPoster>) {
        let platform = poster.platform();
        if let Ok(mut posters) = self.posters.write() {
            posters.insert(platform, poster);
            tracing::info!(%platform, "digest poster registered");
        }
        self.connected.notify_one();
    }

    /// Waits until a poster registers; one that registered since the last
    /// call counts (for one waiting task).
    pub async fn connected(&self) {
        self.connected.notified().await;
    }

    /// The platforms whose adapters are connected.
    pub fn platforms(&self) -> Vec<Platform> {
        self.posters.read().map(|p| p.keys().copied().collect()).unwrap_or_default()
    }

    /// Removes the poster of `platform` (the adapter disconnected).
    pub fn unregister(&self, platform: Platform) {
        if let Ok(mut posters) = self.posters.write() {
            posters.remove(&platform);
        }
    }

    /// The poster of `platform`, if its adapter is connected.
    pub fn get(&self, platform: Platform) -> Option<Arc<dyn DigestPoster>> {
        self.posters.read().ok().and_then(|p| p.get(&platform).cloned())
    }
}

/// The service's wall clock. `System` reads the system time; `Anchored`
/// starts at a given UTC time and advances with tokio's clock, so tests can
/// drive the scheduler through days with `tokio::time::pause()`.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Anchored { utc: DateTime<Utc>, at: tokio::time::Instant },
}

impl Clock {
    /// A clock that reads `utc` now and advances with tokio time.
    pub fn starting_at(utc: DateTime<Utc>) -> Clock {
        Clock::Anchored { utc, at: tokio::time::Instant::now() }
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Anchored { utc, at } => {
                let elapsed = tokio::time::Instant::now().saturating_duration_since(*at);
                *utc + chrono::Duration::from_std(elapsed).unwrap_or(chrono::Duration::zero())
            }
        }
    }
}
