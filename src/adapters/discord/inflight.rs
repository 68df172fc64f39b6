//! Counts replies being worked on, so shutdown can wait for them before the
//! shards close: no reply that was already being sent is lost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

/// Shared counter of in-flight handlers.
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    count: AtomicUsize,
    idle: Notify,
}

/// Held by a handler while it works; dropping it marks the work done.
#[derive(Debug)]
pub struct Guard {
    inner: Arc<Inner>,
}

impl InFlight {
    /// Marks one handler as started.
    pub fn start(&self) -> Guard {
        self.inner.count.fetch_add(1, Ordering::SeqCst);
        Guard { inner: self.inner.clone() }
    }

    /// Handlers still running.
    pub fn count(&self) -> usize {
        self.inner.count.load(Ordering::SeqCst)
    }

    /// Waits until no handler runs, or `limit` passes; returns whether idle.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.inner.idle.notified();
                if self.count() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.inner.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.inner.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_for_guards_and_gives_up_at_the_limit() {
        let inflight = InFlight::default();
        assert!(inflight.wait_idle(Duration::from_secs(1)).await);
        let guard = inflight.start();
        let waiter = tokio::spawn({
            let inflight = inflight.clone();
            async move { inflight.wait_idle(Duration::from_secs(10)).await }
        });
        tokio::time::sleep(Duration::from_secs(2)).await;
        drop(guard);
        assert!(waiter.await.expect("join"));
        let _stuck = inflight.start();
        assert!(!inflight.wait_idle(Duration::from_secs(5)).await);
    }
}
