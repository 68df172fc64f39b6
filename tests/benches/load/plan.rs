//! What the load run sends, and how its outcome is judged: each user asks
//! every [`ASK_EVERY`], starting at a staggered offset, rotating through real
//! questions; an admin asks for a full reindex half way.

use std::time::Duration;

/// How often each user asks.
pub const ASK_EVERY: Duration = Duration::from_secs(5);
/// Questions an analyst would ask of the bundled reports.
const QUESTIONS: [&str; 8] = [
    "!ask SK hynix HBM market share",
    "!ask CoWoS capacity wafers per month",
    "!ask NVIDIA data center revenue",
    "!ask export controls on AI chips to China",
    "!ask SMIC 7nm capacity",
    "!ask HBM supply 2025",
    "!figures TSMC revenue",
    "!ask Huawei Ascend shipments",
];
/// The bot's per-user allowance (`chat.rate_limit_count` per 60 s).
pub const ALLOWED_PER_MINUTE: usize = 6;

/// The size of a run.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub users: usize,
    pub seconds: u64,
}

/// One question to send: when (from the start), by whom, what.
#[derive(Debug, Clone)]
pub struct Ask {
    pub at: Duration,
    pub user: usize,
    pub text: String,
}

impl Load {
    /// Every question of the run, in time order.
    pub fn asks(&self) -> Vec<Ask> {
        let mut asks = Vec::new();
        let end = Duration::from_secs(self.seconds);
        for user in 0..self.users {
            let offset = ASK_EVERY.mul_f64(user as f64 / self.users.max(1) as f64);
            let mut at = offset;
            let mut k = user;
            while at < end {
                asks.push(Ask { at, user, text: QUESTIONS[k % QUESTIONS.len()].to_string() });
                at += ASK_EVERY;
                k += 1;
            }
        }
        asks.sort_by_key(|a| a.at);
        asks
    }

    /// When the admin asks for a full reindex.
    pub fn reindex_at(&self) -> Duration {
        Duration::from_secs(self.seconds) / 2
    }
}

/// The reply a question got.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Answer,
    RateLimited,
    /// Anything else: an error reply.
    Other(String),
}

/// Sorts a reply by its text.
pub fn classify(text: &str) -> Reply {
    if text.contains("sending commands too fast") {
        Reply::RateLimited
    } else if text.contains("Sorry") || text.contains("went wrong") || text.contains("could not") {
        Reply::Other(text.chars().take(120).collect())
    } else {
        Reply::Answer
    }
}

/// What one question got: its replies and the first one's latency.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub user: usize,
    pub replies: Vec<Reply>,
    pub latency: Option<Duration>,
}

/// The run's result.
#[derive(Debug, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub reindexed: bool,
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    pub seconds: f64,
    pub problems: Vec<String>,
}

impl Report {
    /// Checks the outcomes: one reply each, no error, the rate limit applied
    /// per user. Prints the figures; `true` when every check passed.
    pub fn print(mut self, platform: &str) -> bool {
        let asked = self.outcomes.len();
        let lost = self.outcomes.iter().filter(|o| o.replies.is_empty()).count();
        let doubled = self.outcomes.iter().filter(|o| o.replies.len() > 1).count();
        let errors: Vec<&Reply> = self.outcomes.iter().flat_map(|o| &o.replies).filter(|r| matches!(r, Reply::Other(_))).collect();
        let answers = self.outcomes.iter().filter(|o| o.replies.first() == Some(&Reply::Answer)).count();
        let limited = self.outcomes.iter().filter(|o| o.replies.first() == Some(&Reply::RateLimited)).count();
        if lost > 0 {
            self.problems.push(format!("{lost} of {asked} questions got no reply"));
        }
        if doubled > 0 {
            self.problems.push(format!("{doubled} questions got more than one reply"));
        }
        if let Some(first) = errors.first() {
            self.problems.push(format!("{} error replies, e.g. {first:?}", errors.len()));
        }
        if !self.reindexed {
            self.problems.push("the full reindex did not report success".into());
        }
        let users = self.outcomes.iter().map(|o| o.user).max().map_or(0, |m| m + 1);
        for user in 0..users {
            let mine: Vec<&Outcome> = self.outcomes.iter().filter(|o| o.user == user).collect();
            let answered = mine.iter().filter(|o| o.replies.first() == Some(&Reply::Answer)).count();
            let expected = mine.len().min(ALLOWED_PER_MINUTE);
            if answered != expected {
                self.problems.push(format!("user {user}: {answered} answers for {} questions, expected {expected}", mine.len()));
                break;
            }
        }
        let mut latencies: Vec<Duration> = self.outcomes.iter().filter_map(|o| o.latency).collect();
        latencies.sort();
        let at = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!("\n== load on {platform}: {users} users, {asked} questions in {:.0} s ==", self.seconds);
        println!("replies: {answers} answers, {limited} rate-limit notices, {lost} lost, {doubled} doubled, {} errors", errors.len());
        println!("reply latency: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms", ms(at(0.5)), ms(at(0.99)), ms(at(1.0)));
        let mib = |k: Option<u64>| k.map_or("?".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
        println!("bot RSS: {} before, {} after", mib(self.rss_before_kib), mib(self.rss_after_kib));
        for problem in &self.problems {
            println!("FAILED: {problem}");
        }
        self.problems.is_empty()
    }
}
