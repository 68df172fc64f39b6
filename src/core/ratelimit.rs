//! A per-user sliding-window rate limit. Uses tokio's clock so tests can
//! drive it with `tokio::time::pause()`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Users tracked before idle entries are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// Allows `count` events per `window` for each key.
#[derive(Debug)]
pub struct RateLimiter {
    count: usize,
    window: Duration,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter; `count == 0` allows everything.
    pub fn new(count: u32, window: Duration) -> Self {
        RateLimiter { count: count as usize, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Records an event for `key`, or says how long until one is allowed.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        if self.count == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() > PRUNE_ABOVE {
            let window = self.window;
            seen.retain(|_, times| times.back().is_some_and(|&t| now.duration_since(t) < window));
        }
        let times = seen.entry(key.to_string()).or_default();
        while times.front().is_some_and(|&t| now.duration_since(t) >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.count {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn limits_each_user_separately_and_recovers() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.check("a").is_ok());
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(limiter.check("a").is_ok());
        let wait = limiter.check("a").expect_err("third in a minute");
        assert_eq!(wait, Duration::from_secs(50));
        assert!(limiter.check("b").is_ok(), "other users are not affected");
        tokio::time::advance(Duration::from_secs(50)).await;
        assert!(limiter.check("a").is_ok(), "the oldest event left the window");
        assert!(limiter.check("a").is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0, Duration::from_secs(1));
        for _ in 0..100 {
            assert!(limiter.check("a").is_ok());
        }
    }
}
