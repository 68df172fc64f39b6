//! The framework's error handler. Whatever goes wrong, the user gets a short
//! answer and the log gets the full error chain. Two "errors" are really
//! requests: a mention of the bot followed by a question, and a prefix word
//! poise does not know; both are handled like commands (`handlers`).

use poise::serenity_prelude as serenity;
use poise::FrameworkError;

use super::describe::chain;
use super::handlers::{message_request, respond, Request, SORRY};
use super::{render, send, Data, HandlerError};


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
            let text = format!("{}{rest}", p.data().core.prefix());
            if let Err(e) = respond(poise::Context::Prefix(p), Request::Text(text)).await {
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
            if let Err(e) = send::send_all(ctx, &[message], true).await {
                tracing::warn!(error = %chain(&e), "discord: could not send the error message");
            }
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
