//! Scheduled digests on Discord: the [`DigestPoster`] the digest service uses
//! to post into configured channels. A post counts as delivered only once
//! Discord has answered every message of it with a message object.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::{render, send};
use crate::config::Platform;
use crate::digest::{DigestPoster, PostError, PostFuture};
use crate::reply::Reply;

/// Posts digests into Discord channels over the bot's REST client.
pub struct DiscordPoster {
    pub http: Arc<serenity::Http>,
    pub prefix: String,
}

impl DigestPoster for DiscordPoster {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply) -> PostFuture<'a> {
        Box::pin(async move {
            let channel = target
                .parse::<u64>()
                .ok()
                .filter(|id| *id != 0)
                .map(serenity::ChannelId::new)
                .ok_or_else(|| PostError::permanent(format!("`{target}` is not a Discord channel ID")))?;
            for message in single_message(reply, &self.prefix) {
                channel
                    .send_message(&self.http, send::channel_message(&message, None))
                    .await
                    .map_err(|e| classify(&e))?;
            }
            Ok(())
        })
    }
}

/// The messages of a scheduled post. A digest is shrunk until it fits one
/// message: a retry after a partial failure would otherwise post the parts
/// that did arrive a second time.
fn single_message(reply: &Reply, prefix: &str) -> Vec<render::Outgoing> {
    let Reply::Digest(digest) = reply else { return render::render(reply, prefix) };
    let messages = digest.render_shrunk(|d| render::render(&Reply::Digest(d.clone()), prefix), |m| m.len() <= 1);
    if messages.len() > 1 {
        tracing::warn!(parts = messages.len(), "a digest still needs several Discord messages");
    }
    messages
}

/// Turns a send failure into a retry decision: missing access or an unknown
/// channel will not fix itself; rate limits and server trouble may.
fn classify(error: &serenity::Error) -> PostError {
    let message = error.to_string();
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
            match response.status_code.as_u16() {
                429 => PostError::rate_limited(Duration::from_secs(5), message),
                400 | 401 | 403 | 404 => PostError::permanent(message),
                _ => PostError::transient(message),
            }
        }
        _ => PostError::transient(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduled_digests_are_shrunk_to_one_message() {
        let digest = render::tests::huge_digest();
        let items = digest.items.len();
        assert!(render::render(&Reply::Digest(digest.clone()), "!").len() > 1, "needs several messages unshrunk");
        let messages = single_message(&Reply::Digest(digest), "!");
        assert_eq!(messages.len(), 1);
        let text: String = messages[0].embeds.iter().filter_map(|e| e.description.clone()).collect();
        let more = regex::Regex::new(r"and (\d+) more new report").expect("regex");
        let left_out: usize = more.captures(&text).expect("says how many were left out")[1].parse().expect("number");
        assert!(left_out > 3 && left_out < 3 + items, "{left_out}");
    }
}
