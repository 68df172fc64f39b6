//! The feed service: at each `[[feeds]]` entry's scheduled times, runs the
//! `feeds` command for it through the core's door (as the scheduler, an
//! admin origin) and posts the resulting curation list to the feed's
//! channels and rooms through the connected adapters' posters.
//!
//! Entries are proposed exactly once across restarts (the store remembers
//! them); the list itself is posted after each run and is not re-sent after
//! a stop, so a stop mid-post can lose one list but never an entry.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Clock, PosterRegistry};
use crate::config::FeedSettings;
use crate::core::{Command, Core, Origin, Request};
use crate::error::Result;
use crate::reply::{Curated, Reply};

/// Longest sleep between checks, so a changed system clock is noticed.
const MAX_NAP: Duration = Duration::from_secs(60);

/// Runs every configured feed on its schedule until `shutdown`.
pub async fn run_feeds(core: Core, posters: PosterRegistry, clock: Clock, shutdown: CancellationToken) -> Result<()> {
    let feeds = core.settings().feeds.clone();
    let mut tasks = tokio::task::JoinSet::new();
    for feed in feeds {
        tasks.spawn(run_feed(core.clone(), feed, posters.clone(), clock, shutdown.clone()));
    }
    while tasks.join_next().await.is_some() {}
    Ok(())
}

async fn run_feed(core: Core, feed: FeedSettings, posters: PosterRegistry, clock: Clock, shutdown: CancellationToken) {
    let mut after = clock.now();
    loop {
        let Some(slot) = feed.schedule.next_after(after) else { return };
        loop {
            let now = clock.now();
            if now >= slot {
                break;
            }
            let wait = (slot - now).to_std().unwrap_or_default().min(MAX_NAP);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = shutdown.cancelled() => return,
            }
        }
        after = slot;
        let request = Request { origin: Origin::Scheduler, command: Command::Feeds { name: Some(feed.name.clone()) } };
        let reply = tokio::select! {
            reply = core.reply(request) => reply,
            () = shutdown.cancelled() => return,
        };
        tracing::info!(feed = %feed.name, "feed read");
        if !worth_posting(&reply) {
            continue;
        }
        let key = format!("feed:{}", feed.name);
        for target in &feed.targets {
            let Some(poster) = posters.get(target.platform) else {
                tracing::warn!(feed = %feed.name, target = %target.key(), "no connected adapter to post the feed list to");
                continue;
            };
            let post_key = crate::store::OutboxKey { digest: key.clone(), target: target.key(), slot }.post_key();
            if let Err(e) = poster.post(&target.id, &reply, &post_key).await {
                tracing::warn!(feed = %feed.name, target = %target.key(), error = %e.message, "could not post the feed list");
            }
        }
    }
}

/// A list is posted when something was queued or failed; a run that found
/// nothing new stays quiet.
fn worth_posting(reply: &Reply) -> bool {
    match reply {
        Reply::Curation(curated) => match &**curated {
            Curated::FeedRun(outcomes) => outcomes.iter().any(|o| !o.queued.is_empty() || !o.failed.is_empty()),
            _ => false,
        },
        Reply::Error { .. } => true,
        _ => false,
    }
}
