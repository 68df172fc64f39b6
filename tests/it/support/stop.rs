//! A digest poster that stops the world at one step of a send, for the
//! exactly-once tests: it wraps a platform's real poster, and the test
//! aborts the digest service once the step is reached, as a killed process
//! would stop.

use std::sync::Arc;

use chipbot::core::Platform;
use chipbot::digest::{DigestPoster, PostFuture};
use chipbot::reply::Reply;
use tokio::sync::Notify;

/// Where the stop comes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StopAt {
    /// The row is claimed (`sending`); nothing has gone out.
    BeforeRequest,
    /// The platform got the post; its answer never arrives (the test makes
    /// the platform hold it and watches for the post itself).
    InFlight,
    /// The platform answered; the service has not recorded it.
    AfterAnswer,
}

/// Wraps `inner` and never finishes a post: it stops at `at` and notifies
/// `reached` (except in flight, which the test sees on the platform).
pub struct StoppingPoster {
    pub inner: Arc<dyn DigestPoster>,
    pub at: StopAt,
    pub reached: Arc<Notify>,
}

impl DigestPoster for StoppingPoster {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply, post_key: &'a str) -> PostFuture<'a> {
        Box::pin(async move {
            match self.at {
                StopAt::BeforeRequest => self.reached.notify_one(),
                StopAt::InFlight => self.inner.post(target, reply, post_key).await?,
                StopAt::AfterAnswer => {
                    self.inner.post(target, reply, post_key).await?;
                    self.reached.notify_one();
                }
            }
            std::future::pending().await
        })
    }
}
