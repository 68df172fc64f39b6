//! Discord's 429s on the posts that carry replies: a global and a per-route
//! limit on `POST /channels/{id}/messages` (prefix commands) and on the
//! interaction follow-up (slash commands). The reply arrives after the
//! `retry_after` the stand-in asked for, once, and is the answer itself.

#![cfg(feature = "discord")]

use std::time::Duration;

use crate::discord::{question, Bot};
use crate::support::discord_standin::{RateLimit, Recorded};

const RETRY_AFTER: Duration = Duration::from_millis(700);

/// The posts of one reply: every attempt, then the accepted ones.
fn attempts(replies: &[Recorded]) -> (Vec<u16>, Vec<&Recorded>) {
    let statuses = replies.iter().map(|r| r.status).collect();
    (statuses, replies.iter().filter(|r| r.status == 200).collect())
}

async fn reply_survives(global: bool) {
    let bot = Bot::start("mini", |_| {}).await;
    bot.discord.rate_limit_next_message(RateLimit { global, retry_after: RETRY_AFTER });
    let replies = bot.say("!ask HBM market share", 2).await;
    let (statuses, accepted) = attempts(&replies);
    assert_eq!(statuses, [429, 200], "refused once, then sent once");
    assert!(accepted[0].path.ends_with("/messages"));
    assert!(accepted[0].text().contains("[1] "), "the answer itself: {}", accepted[0].text());
    assert!(accepted[0].body["message_reference"]["message_id"].is_string(), "still a reply to the question");

    bot.discord.rate_limit_next_message(RateLimit { global, retry_after: RETRY_AFTER });
    let replies = bot.slash("ask", &[], question("HBM market share"), 2).await;
    let (statuses, accepted) = attempts(&replies);
    assert_eq!(statuses, [429, 200], "the follow-up refused once, then sent once");
    assert!(accepted[0].path.starts_with("/webhooks/"));
    assert!(accepted[0].text().contains("[1] "), "the answer itself: {}", accepted[0].text());
    // Nothing else follows: no second copy, no apology.
    tokio::time::sleep(RETRY_AFTER * 2).await;
    let later = bot.discord.messages_since(0).into_iter().filter(|r| r.status == 200).count();
    assert_eq!(later, 2, "one answer per question");
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_429_delays_replies_without_dropping_or_repeating_them() {
    reply_survives(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_429_delays_replies_without_dropping_or_repeating_them() {
    reply_survives(false).await;
}
