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

    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply, post_key: &'a str) -> PostFuture<'a> {
        Box::pin(async move {
            let channel = target
                .parse::<u64>()
                .ok()
                .filter(|id| *id != 0)
                .map(serenity::ChannelId::new)
                .ok_or_else(|| PostError::permanent(format!("`{target}` is not a Discord channel ID")))?;
            for (part, message) in single_message(reply, &self.prefix).iter().enumerate() {
                // Discord drops a message whose nonce it saw from the bot in
                // the last few minutes, answering with the first one.
                let nonce = serenity::Nonce::String(part_nonce(post_key, part));
                let create = send::channel_message(message, None).nonce(nonce).enforce_nonce(true);
                channel.send_message(&self.http, create).await.map_err(|e| classify(&e))?;
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

/// The nonce of part `part` of a post: its key and the part's number, in at
/// most 25 characters (Discord's limit).
fn part_nonce(post_key: &str, part: usize) -> String {
    let digit = char::from_digit((part % 36) as u32, 36).unwrap_or('0');
    post_key.chars().take(24).chain(std::iter::once(digit)).collect()
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
    fn part_nonces_fit_discord_and_tell_parts_apart() {
        let key = "0123456789abcdef01234567";
        assert_eq!(part_nonce(key, 0), "0123456789abcdef012345670");
        assert_eq!(part_nonce(key, 11), "0123456789abcdef01234567b");
        assert!(part_nonce(&"f".repeat(40), 3).chars().count() <= 25);
    }

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
