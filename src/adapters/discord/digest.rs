//! Scheduled digests on Discord: the [`DigestPoster`] the digest service uses
//! to post into configured channels. A post counts as delivered only once
//! Discord has answered every message of it with a message object.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::{render, send};
use crate::chat::Platform;
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
            for message in render::render(reply, &self.prefix) {
                channel
                    .send_message(&self.http, send::channel_message(&message, None))
                    .await
                    .map_err(|e| classify(&e))?;
            }
            Ok(())
        })
    }
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
