//! The framework's error handler. Whatever goes wrong, the user gets a short
//! answer and the log gets the full error chain. Two "errors" are really
//! requests: a mention of the bot followed by a question, and a prefix word
//! poise does not know; both go to the shared chat layer.

use poise::serenity_prelude as serenity;
use poise::FrameworkError;

use super::commands::{self, Request};
use super::{policy, render, send, Data, HandlerError};

/// Shown when a handler failed for a reason the user cannot fix.
const SORRY: &str = "Sorry, something went wrong while answering. Please try again in a moment.";

/// poise's `on_error`.
pub async fn on_error(error: FrameworkError<'_, Data, HandlerError>) {
    match error {
        FrameworkError::Setup { error, .. } => {
            // `run` stops the client: shutting the shards down from here would
            // wait on the shard that is running this very handler.
            tracing::error!(error = %chain(&error), "discord setup failed (command registration?); stopping the client");
        }
        FrameworkError::UnknownCommand { msg, content_start, framework, .. } => {
            message_request(framework.serenity_context, framework.user_data, msg, content_start.into()).await;
        }
        FrameworkError::ArgumentParse { ctx: poise::Context::Prefix(p), .. } => {
            // poise could not read the arguments: let the shared parser explain.
            let rest = p.msg.content.get(usize::from(p.content_start)..).unwrap_or("").trim_start();
            let text = format!("{}{rest}", p.data().service.prefix());
            if let Err(e) = commands::respond(poise::Context::Prefix(p), Request::Text(text)).await {
                tracing::warn!(error = %chain(&e), "discord: could not answer a prefix command");
            }
        }
        FrameworkError::EventHandler { error, .. } => {
            tracing::warn!(error = %chain(&error), "discord event handler failed");
        }
        FrameworkError::UnknownInteraction { interaction, framework, .. } => {
            tracing::warn!(command = %interaction.data.name, "discord: unknown slash command (stale registration?)");
            let message = serenity::CreateInteractionResponseMessage::new()
                .content("That command is not known any more. Try `/help`.")
                .allowed_mentions(send::no_mentions())
                .ephemeral(true);
            let response = serenity::CreateInteractionResponse::Message(message);
            if let Err(e) = interaction.create_response(&framework.serenity_context.http, response).await {
                tracing::warn!(error = %chain(&e), "discord: could not answer an unknown interaction");
            }
        }
        other => {
            let Some(ctx) = other.ctx() else {
                tracing::warn!(error = %other, "discord framework error");
                return;
            };
            tracing::warn!(command = %ctx.command().name, user = %ctx.author().id, error = %describe(&other), "discord command failed");
            let message = render::Outgoing { content: Some(SORRY.into()), ..Default::default() };
            if let Err(e) = ctx.send(send::reply(&message, true)).await {
                tracing::warn!(error = %chain(&e), "discord: could not send the error message");
            }
        }
    }
}

/// A message poise did not take as a command: a mention of the bot with a
/// question, or the prefix with an unknown word. Answered in the channel or
/// thread it came from.
async fn message_request(ctx: &serenity::Context, data: &Data, msg: &serenity::Message, content_start: usize) {
    let _working = data.inflight.start();
    if !policy::allowed(&data.settings, commands::place_of_message(ctx, msg)) {
        return;
    }
    let service = &data.service;
    let sender = commands::sender_of_message(msg);
    let by_prefix = msg.content.starts_with(service.prefix());
    let _typing = msg.channel_id.start_typing(&ctx.http);
    let reply = if by_prefix {
        service.handle_text(&sender, &msg.content).await
    } else {
        let question = msg.content.get(content_start..).unwrap_or("").trim();
        Some(service.handle_mention(&sender, question).await)
    };
    let Some(reply) = reply else { return };
    let messages = render::render(&reply, service.prefix());
    if let Err(e) = send::send_to_channel(&ctx.http, msg, &messages).await {
        tracing::warn!(error = %chain(&e), channel = %msg.channel_id, "discord: could not send a reply; sending a short note");
        let sorry = render::Outgoing { content: Some(SORRY.into()), ..Default::default() };
        if let Err(e) = send::send_to_channel(&ctx.http, msg, &[sorry]).await {
            tracing::warn!(error = %chain(&e), "discord: could not send the error message either");
        }
    }
}

/// A framework error with its source chain, for the log.
fn describe(error: &FrameworkError<'_, Data, HandlerError>) -> String {
    match error {
        FrameworkError::Command { error, .. } => chain(error),
        FrameworkError::ArgumentParse { error, input, .. } => format!("{} (input {input:?})", chain(error.as_ref())),
        FrameworkError::CommandPanic { payload, .. } => format!("panic: {}", payload.as_deref().unwrap_or("?")),
        other => other.to_string(),
    }
}

/// "outer: inner: innermost".
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}
