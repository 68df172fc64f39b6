//! Digests on Matrix: the HTML rendering of [`Digest`] replies, and the
//! [`DigestPoster`] the scheduler uses to post into configured rooms. A post
//! counts as delivered only once the homeserver has returned an event ID.

use std::time::{Duration, SystemTime};

use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::{OwnedTransactionId, RoomId};
use matrix_sdk::{Client, RoomState};

use super::render::{render, MatrixMessage};
use crate::config::Platform;
use crate::digest::{DigestPoster, PostError, PostFuture};
use crate::reply::Reply;

/// Posts digests into Matrix rooms the bot has joined.
#[derive(Debug, Clone)]
pub struct MatrixPoster {
    pub client: Client,
    pub max_reply_chars: usize,
}

impl DigestPoster for MatrixPoster {
    fn platform(&self) -> Platform {
        Platform::Matrix
    }

    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply, post_key: &'a str) -> PostFuture<'a> {
        Box::pin(async move {
            let room_id = RoomId::parse(target)
                .map_err(|e| PostError::permanent(format!("`{target}` is not a Matrix room ID: {e}")))?;
            let room = self
                .client
                .get_room(&room_id)
                .filter(|room| room.state() == RoomState::Joined)
                .ok_or_else(|| PostError::permanent(format!("the bot has not joined {target}; invite it first")))?;
            let MatrixMessage { body, html } = render(reply, self.max_reply_chars);
            let content = RoomMessageEventContent::notice_html(body, html).add_mentions(Mentions::new());
            // Synapse answers a repeated transaction ID with the event it
            // already created, so a send repeated after a stop posts once.
            let txn_id: OwnedTransactionId = post_key.into();
            room.send(content).with_transaction_id(txn_id).await.map(|_| ()).map_err(|e| classify(&e))
        })
    }
}

/// Turns a send failure into a retry decision.
fn classify(error: &matrix_sdk::Error) -> PostError {
    let message = error.to_string();
    match error.client_api_error_kind() {
        Some(ErrorKind::LimitExceeded(data)) => {
            let wait = match data.retry_after {
                Some(RetryAfter::Delay(delay)) => delay,
                Some(RetryAfter::DateTime(at)) => at.duration_since(SystemTime::now()).unwrap_or_default(),
                None => Duration::from_secs(5),
            };
            PostError::rate_limited(wait, message)
        }
        Some(ErrorKind::Forbidden | ErrorKind::NotFound | ErrorKind::TooLarge) => PostError::permanent(message),
        _ => PostError::transient(message),
    }
}

