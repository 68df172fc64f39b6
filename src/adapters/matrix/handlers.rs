//! Event handlers: invites (join if the inviter is allowed, otherwise
//! decline), room messages (commands and mentions, answered as replies in
//! the same thread), and messages the bot could not decrypt (answered with a
//! visible notice instead of silence).

use std::sync::Arc;
use std::time::{Duration, Instant};

use matrix_sdk::attachment::AttachmentConfig;
use matrix_sdk::event_handler::Ctx;
use matrix_sdk::room::reply::{EnforceThread, Reply as ReplyTo};
use matrix_sdk::ruma::events::room::encrypted::OriginalSyncRoomEncryptedEvent;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    AddMentions, FileMessageEventContent, ForwardThread, MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::{MilliSecondsSinceUnixEpoch, OwnedEventId, OwnedUserId, UserId};
use matrix_sdk::{Room, RoomState};
use tokio_util::task::TaskTracker;

use super::ledger::Ledger;
use super::render::{render, MatrixMessage};
use super::session::StorePaths;
use crate::core::glob::any_match;
use crate::core::{AddSource, Command, Core, Platform, RateLimiter, Sender};
use crate::config::MatrixSettings;
use crate::reply::Reply;

/// Attempts to join a room after an allowed invite.
const JOIN_ATTEMPTS: u32 = 5;
/// One "cannot decrypt" notice per sender and room in this window.
const UNDECRYPTABLE_NOTICE_WINDOW: Duration = Duration::from_secs(300);
/// The answered-events ledger keeps entries at least this long.
const MIN_LEDGER_RETENTION_MS: u64 = 24 * 3600 * 1000;

/// Shared state of the event handlers.
#[derive(Debug)]
pub struct Bot {
    core: Core,
    own: OwnedUserId,
    allowed_inviters: Vec<String>,
    max_age_ms: u64,
    max_reply_chars: usize,
    ledger: Ledger,
    undecryptable_notices: RateLimiter,
    tasks: TaskTracker,
}

impl Bot {
    pub fn new(
        core: Core,
        settings: &MatrixSettings,
        paths: &StorePaths,
        own: OwnedUserId,
        tasks: TaskTracker,
    ) -> Bot {
        let allowed_inviters = if settings.allowed_inviters.is_empty() {
            vec![format!("@*:{}", own.server_name())]
        } else {
            settings.allowed_inviters.clone()
        };
        let max_age_ms = settings.max_message_age_secs.saturating_mul(1000);
        Bot {
            core,
            allowed_inviters,
            max_age_ms,
            max_reply_chars: settings.max_reply_chars,
            ledger: Ledger::open(&paths.ledger, max_age_ms.saturating_mul(2).max(MIN_LEDGER_RETENTION_MS)),
            undecryptable_notices: RateLimiter::new(1, UNDECRYPTABLE_NOTICE_WINDOW),
            tasks,
            own,
        }
    }

    /// Whether an event is recent enough to answer and not answered yet.
    fn should_consider(&self, sender: &UserId, event_id: &str, sent: MilliSecondsSinceUnixEpoch) -> bool {
        if sender == self.own {
            return false;
        }
        let age_ms = now_ms().saturating_sub(sent.0.into());
        if age_ms > self.max_age_ms {
            tracing::debug!(event_id, age_ms, "ignoring a message older than matrix.max_message_age_secs");
            return false;
        }
        !self.ledger.contains(event_id)
    }
}

fn now_ms() -> u64 {
    MilliSecondsSinceUnixEpoch::now().0.into()
}

/// Joins rooms on allowed invites (with retries) and declines the rest.
pub async fn on_invite(event: StrippedRoomMemberEvent, room: Room, Ctx(bot): Ctx<Arc<Bot>>) {
    if event.state_key != bot.own || event.content.membership != MembershipState::Invite {
        return;
    }
    if room.state() != RoomState::Invited {
        return;
    }
    let inviter = event.sender.to_string();
    let room_id = room.room_id().to_owned();
    if !any_match(&bot.allowed_inviters, &inviter) {
        tracing::warn!(%room_id, %inviter, "declining an invite from a user who is not allowed");
        if let Err(e) = room.leave().await {
            tracing::warn!(%room_id, error = %e, "could not decline the invite");
        }
        return;
    }
    bot.tasks.spawn(async move {
        let mut delay = Duration::from_secs(1);
        for attempt in 1..=JOIN_ATTEMPTS {
            match room.join().await {
                Ok(()) => {
                    tracing::info!(%room_id, %inviter, "joined room");
                    return;
                }
                Err(e) if attempt < JOIN_ATTEMPTS => {
                    tracing::warn!(%room_id, attempt, error = %e, "join failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                Err(e) => tracing::error!(%room_id, error = %e, "could not join after {JOIN_ATTEMPTS} attempts"),
            }
        }
    });
}

/// Answers commands and mentions.
pub async fn on_message(event: OriginalSyncRoomMessageEvent, room: Room, Ctx(bot): Ctx<Arc<Bot>>) {
    if room.state() != RoomState::Joined {
        return;
    }
    if let MessageType::File(file) = &event.content.msgtype {
        on_file(&event, file, room, bot).await;
        return;
    }
    // Notices are other bots' output; edits would answer the same question twice.
    let MessageType::Text(text) = &event.content.msgtype else { return };
    if matches!(event.content.relates_to, Some(Relation::Replacement(_))) {
        return;
    }
    if !bot.should_consider(&event.sender, event.event_id.as_str(), event.origin_server_ts) {
        return;
    }
    let body = strip_reply_fallback(&text.body);
    let mentioned = event.content.mentions.as_ref().is_some_and(|m| m.user_ids.contains(&bot.own));
    let addressed = addressed_text(&body, bot.core.prefix(), &bot.own, mentioned);
    let Some(addressed) = addressed else { return };
    let sender = Sender::new(Platform::Matrix, event.sender.as_str()).in_place(room.room_id().as_str());
    let task_bot = bot.clone();
    let received = Instant::now();
    // How long the message took from the homeserver accepting it to this
    // handler (sync delivery and processing; same-host clocks in tests).
    let origin_ms: u64 = event.origin_server_ts.0.into();
    let delivery_ms = now_ms().saturating_sub(origin_ms);
    bot.tasks.spawn(async move {
        let bot = task_bot;
        let answer = async {
            match addressed {
                Addressed::Command(text) => bot.core.reply_to_text(&sender, &text).await,
                Addressed::Mention(text) => Some(bot.core.reply_to_mention(&sender, &text).await),
            }
        };
        let (reply, typing) = answer_with_typing(&room, answer).await;
        if let Some(reply) = reply {
            send_reply(&bot, &room, &event, &reply, (received, delivery_ms)).await;
        }
        if typing {
            let _ = room.typing_notice(false).await;
        }
    });
}

/// A file sent with the caption `!add [note]`: the file (decrypted in an
/// encrypted room) is proposed as a report. Its size is checked before it is
/// downloaded; its name is only a label.
async fn on_file(event: &OriginalSyncRoomMessageEvent, file: &FileMessageEventContent, room: Room, bot: Arc<Bot>) {
    let Some(caption) = file.caption() else { return };
    let prefix = format!("{}add", bot.core.prefix());
    let Some(rest) = caption.trim().strip_prefix(&prefix).filter(|r| r.is_empty() || r.starts_with(char::is_whitespace)) else { return };
    if !bot.should_consider(&event.sender, event.event_id.as_str(), event.origin_server_ts) {
        return;
    }
    let note = Some(rest.trim().to_string()).filter(|n| !n.is_empty());
    let sender = Sender::new(Platform::Matrix, event.sender.as_str()).in_place(room.room_id().as_str());
    let most = bot.core.settings().curation.max_bytes;
    let size = file.info.as_ref().and_then(|i| i.size).map(u64::from);
    let name = file.filename().to_string();
    let event = event.clone();
    let file = file.clone();
    let task_bot = bot.clone();
    bot.tasks.spawn(async move {
        let bot = task_bot;
        let command = if size.is_some_and(|s| s > most) {
            Command::Usage { word: "add", problem: format!("`{name}` is larger than the {} MB limit", most.div_ceil(1024 * 1024)) }
        } else {
            match room.client().media().get_file(&file, false).await {
                Ok(Some(bytes)) if bytes.len() as u64 <= most => {
                    Command::Add { source: AddSource::File { name: name.clone(), bytes: Arc::new(bytes) }, note }
                }
                Ok(Some(_)) => Command::Usage { word: "add", problem: format!("`{name}` is larger than the {} MB limit", most.div_ceil(1024 * 1024)) },
                Ok(None) | Err(_) => Command::Usage { word: "add", problem: format!("`{name}` could not be downloaded from the homeserver") },
            }
        };
        let reply = bot.core.reply(crate::core::Request::chat(&sender, command)).await;
        send_reply(&bot, &room, &event, &reply, (Instant::now(), 0)).await;
    });
}

/// How long an answer may take before the bot shows that it is typing. Most
/// answers take milliseconds; a typing notice for them would only add a
/// request to the homeserver in front of the reply.
const TYPING_AFTER: Duration = Duration::from_millis(300);

/// Runs `answer`, showing a typing notice in `room` only if it takes longer
/// than [`TYPING_AFTER`]. Returns the answer and whether the notice was sent.
async fn answer_with_typing<T>(room: &Room, answer: impl std::future::Future<Output = T>) -> (T, bool) {
    tokio::pin!(answer);
    tokio::select! {
        done = &mut answer => (done, false),
        () = tokio::time::sleep(TYPING_AFTER) => {
            // The notice goes out while the answer keeps being worked on.
            let (_, done) = tokio::join!(room.typing_notice(true), answer);
            (done, true)
        }
    }
}

/// Says so, visibly, when a message could not be decrypted.
pub async fn on_undecryptable(event: OriginalSyncRoomEncryptedEvent, room: Room, Ctx(bot): Ctx<Arc<Bot>>) {
    if room.state() != RoomState::Joined
        || !bot.should_consider(&event.sender, event.event_id.as_str(), event.origin_server_ts)
    {
        return;
    }
    let key = format!("{}|{}", room.room_id(), event.sender);
    if bot.undecryptable_notices.check(&key).is_err() {
        return;
    }
    tracing::warn!(room_id = %room.room_id(), sender = %event.sender, event_id = %event.event_id, "could not decrypt a message");
    let text = "I couldn't decrypt that message, so I can't answer it. My device may not have received the \
                room key yet: please send it again, or check that your client shares keys with unverified devices.";
    let content = RoomMessageEventContent::notice_plain(text)
        .add_mentions(Mentions::new())
        .make_reply_to(reply_metadata(&event.event_id, &event.sender), ForwardThread::Yes, AddMentions::No);
    let event_id = event.event_id.clone();
    let sent_ms: u64 = event.origin_server_ts.0.into();
    let tasks = bot.tasks.clone();
    tasks.spawn(async move {
        match room.send(content).await {
            Ok(_) => record_answered(&bot, &event_id, sent_ms),
            Err(e) => tracing::warn!(error = %e, "could not send the decryption notice"),
        }
    });
}

fn reply_metadata<'a>(
    event_id: &'a OwnedEventId,
    sender: &'a OwnedUserId,
) -> matrix_sdk::ruma::events::room::message::ReplyMetadata<'a> {
    matrix_sdk::ruma::events::room::message::ReplyMetadata::new(event_id, sender, None)
}

/// Sends `reply` as a notice replying to `event` (in its thread, if any),
/// then the chart as an image when there is one.
///
/// Logs `reply sent` with the bot's own share of the latency (`prepare_us`:
/// from the message reaching the handler to the reply being ready, answer and
/// rendering included), the homeserver's (`send_us`: the send request) and
/// `delivery_ms`, from the homeserver's timestamp on the question to the
/// handler (meaningful when the clocks agree).
async fn send_reply(
    bot: &Bot,
    room: &Room,
    event: &OriginalSyncRoomMessageEvent,
    reply: &Reply,
    (received, delivery_ms): (Instant, u64),
) {
    let MatrixMessage { body, html } = render(reply, bot.max_reply_chars);
    let content = RoomMessageEventContent::notice_html(body, html)
        .add_mentions(Mentions::new())
        .make_reply_to(event, ForwardThread::Yes, AddMentions::No);
    let prepare_us = received.elapsed().as_micros() as u64;
    let sending = Instant::now();
    if let Err(e) = room.send(content).await {
        tracing::error!(room_id = %room.room_id(), event_id = %event.event_id, error = %e, "could not send the reply");
        return;
    }
    let send_us = sending.elapsed().as_micros() as u64;
    tracing::info!(room_id = %room.room_id(), event_id = %event.event_id, delivery_ms, prepare_us, send_us, "reply sent");
    record_answered(bot, &event.event_id, event.origin_server_ts.0.into());
    if let Reply::Figures { chart_png: Some(png), .. } = reply {
        let config = AttachmentConfig::new().mentions(Some(Mentions::new())).reply(Some(ReplyTo {
            event_id: event.event_id.clone(),
            enforce_thread: EnforceThread::MaybeThreaded,
            add_mentions: AddMentions::No,
        }));
        if let Err(e) = room.send_attachment("figures-chart.png", &mime::IMAGE_PNG, png.clone(), config).await {
            tracing::warn!(room_id = %room.room_id(), error = %e, "could not upload the chart");
        }
    }
}

fn record_answered(bot: &Bot, event_id: &OwnedEventId, sent_ms: u64) {
    if let Err(e) = bot.ledger.insert(event_id.as_str(), sent_ms, now_ms()) {
        tracing::warn!(error = %e, "could not save the answered-events ledger");
    }
}

/// How a message addresses the bot.
#[derive(Debug, Clone, PartialEq)]
enum Addressed {
    /// Starts with the command prefix.
    Command(String),
    /// Mentions the bot; the text after the mention.
    Mention(String),
}

/// Whether `body` is for the bot: a prefix command, or a mention (by
/// `m.mentions`, or by starting with the bot's ID or name and a colon).
fn addressed_text(body: &str, prefix: &str, own: &UserId, mentioned: bool) -> Option<Addressed> {
    let trimmed = body.trim_start();
    if trimmed.starts_with(prefix) {
        return Some(Addressed::Command(trimmed.to_string()));
    }
    let lower = trimmed.to_lowercase();
    for name in [own.as_str().to_lowercase(), own.localpart().to_lowercase()] {
        if let Some(rest) = lower.strip_prefix(&name) {
            if rest.starts_with([':', ',']) || (mentioned && rest.starts_with(char::is_whitespace)) {
                let cut = trimmed.len() - rest.len() + 1;
                return Some(Addressed::Mention(trimmed[cut..].trim().to_string()));
            }
        }
    }
    if !mentioned {
        return None;
    }
    // A pill shows the display name, which may differ from the localpart:
    // "Chip Bot: question".
    let question = match trimmed.split_once(':') {
        Some((name, rest)) if name.chars().count() <= 64 && name.split_whitespace().count() <= 4 => rest,
        _ => trimmed,
    };
    Some(Addressed::Mention(question.trim().to_string()))
}

/// Drops the quoted fallback (`> <@user> ...` lines) that older clients put
/// at the top of a reply's body.
fn strip_reply_fallback(body: &str) -> String {
    if !body.starts_with("> ") {
        return body.to_string();
    }
    body.lines()
        .skip_while(|line| line.starts_with('>'))
        .skip_while(|line| line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> OwnedUserId {
        UserId::parse("@chipbot:example.org").expect("valid id")
    }

    #[test]
    fn prefix_commands_are_addressed() {
        assert_eq!(
            addressed_text("  !ask hbm", "!", &own(), false),
            Some(Addressed::Command("!ask hbm".into()))
        );
        assert_eq!(addressed_text("just chatting", "!", &own(), false), None);
    }

    #[test]
    fn mentions_by_name_or_pill() {
        let question = Some(Addressed::Mention("what is CoWoS?".into()));
        assert_eq!(addressed_text("chipbot: what is CoWoS?", "!", &own(), false), question);
        assert_eq!(addressed_text("@chipbot:example.org: what is CoWoS?", "!", &own(), false), question);
        assert_eq!(addressed_text("Chip Bot: what is CoWoS?", "!", &own(), true), question);
        assert_eq!(addressed_text("Chip Bot: what is CoWoS?", "!", &own(), false), None);
        assert_eq!(addressed_text("chipbotics rocks", "!", &own(), false), None);
    }

    #[test]
    fn reply_fallbacks_are_removed() {
        assert_eq!(strip_reply_fallback("> <@a:hs> earlier\n> more\n\n!ask hbm"), "!ask hbm");
        assert_eq!(strip_reply_fallback("!ask hbm"), "!ask hbm");
    }
}
