//! Handling a request: the place it came from is checked against the
//! channel policy, the sender is read (with role IDs for admin roles), the
//! request goes through the core's one door, and the rendered reply is sent
//! back where it came from. The poise commands and the error handler (for
//! mentions and unknown prefix words) both end here.

use poise::serenity_prelude as serenity;

use super::describe::chain;
use super::{places, policy, render, send, Context, Data, HandlerError};
use crate::core::{Command, Platform, Request as CoreRequest, Sender};

/// Shown when a handler failed for a reason the user cannot fix.
pub(super) const SORRY: &str = "Sorry, something went wrong while answering. Please try again in a moment.";

/// What a handler was asked: a parsed command, or raw prefix text for the
/// shared parser (when poise could not read the arguments).
pub(super) enum Request {
    Command(Command),
    Text(String),
}

/// Runs a request through the core's door and sends the rendered reply where
/// it came from. Slash commands are deferred first (answers can take longer
/// than Discord's 3 seconds); prefix commands show typing meanwhile.
pub(super) async fn respond(ctx: Context<'_>, request: Request) -> Result<(), HandlerError> {
    let data = ctx.data();
    let _working = data.inflight.start();
    let place = places::of_command(ctx).await;
    if !policy::allowed(&data.settings, place) {
        tracing::debug!(?place, "discord: command in a place that is not allowed");
        if let Context::Application(_) = ctx {
            let text = "chipbot does not answer in this channel.";
            let message = render::Outgoing { content: Some(text.into()), ..Default::default() };
            ctx.send(send::reply(&message, true)).await?;
        }
        return Ok(());
    }
    let sender = sender_of(ctx);
    let _typing = ctx.defer_or_broadcast().await?;
    let core = &data.core;
    let reply = match request {
        Request::Command(command) => core.reply(CoreRequest::chat(&sender, command)).await,
        Request::Text(text) => match core.reply_to_text(&sender, &text).await {
            Some(reply) => reply,
            None => return Ok(()),
        },
    };
    send::send_all(ctx, &render::render(&reply, core.prefix()), false).await
}

/// The sender of a command, with the member's role IDs for admin roles.
fn sender_of(ctx: Context<'_>) -> Sender {
    let roles = match ctx {
        Context::Application(a) => a.interaction.member.as_ref().map(|m| role_ids(&m.roles)),
        Context::Prefix(p) => p.msg.member.as_ref().map(|m| role_ids(&m.roles)),
    };
    Sender { roles: roles.unwrap_or_default(), ..Sender::new(Platform::Discord, ctx.author().id.get().to_string()) }
        .in_place(ctx.channel_id().get().to_string())
}

/// The sender of a plain message.
fn sender_of_message(msg: &serenity::Message) -> Sender {
    let roles = msg.member.as_ref().map(|m| role_ids(&m.roles)).unwrap_or_default();
    Sender { roles, ..Sender::new(Platform::Discord, msg.author.id.get().to_string()) }.in_place(msg.channel_id.get().to_string())
}

fn role_ids(roles: &[serenity::RoleId]) -> Vec<u64> {
    roles.iter().map(|r| r.get()).collect()
}

/// A message poise did not take as a command: a mention of the bot with a
/// question, or the prefix with an unknown word. Answered in the channel or
/// thread it came from.
pub(super) async fn message_request(ctx: &serenity::Context, data: &Data, msg: &serenity::Message, content_start: usize) {
    let _working = data.inflight.start();
    if !policy::allowed(&data.settings, places::of_message(ctx, data, msg).await) {
        return;
    }
    let core = &data.core;
    let sender = sender_of_message(msg);
    let by_prefix = msg.content.starts_with(core.prefix());
    let _typing = msg.channel_id.start_typing(&ctx.http);
    let reply = if by_prefix {
        core.reply_to_text(&sender, &msg.content).await
    } else {
        let question = msg.content.get(content_start..).unwrap_or("").trim();
        Some(core.reply_to_mention(&sender, question).await)
    };
    let Some(reply) = reply else { return };
    let messages = render::render(&reply, core.prefix());
    if let Err(e) = send::send_to_channel(&ctx.http, &data.poster, msg, &messages).await {
        tracing::warn!(error = %chain(&e), channel = %msg.channel_id, "discord: could not send a reply; sending a short note");
        let sorry = render::Outgoing { content: Some(SORRY.into()), ..Default::default() };
        if let Err(e) = send::send_to_channel(&ctx.http, &data.poster, msg, &[sorry]).await {
            tracing::warn!(error = %chain(&e), "discord: could not send the error message either");
        }
    }
}

