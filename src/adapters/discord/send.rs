//! Sending rendered messages: [`render::Outgoing`] to serenity and poise
//! builders. Every message carries empty `allowed_mentions`, on top of the
//! client-wide default, so no text can ping anyone. Answers go out through
//! [`Poster`], which waits out Discord's 429s.

use std::sync::atomic::Ordering;

use poise::serenity_prelude as serenity;

use super::post::{Poster, Target};
use super::render::{Embed, Outgoing};
use super::HandlerError;

/// Allowed mentions that allow nothing (`"parse": []`), not even the author
/// of a replied-to message.
pub fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new().replied_user(false)
}

fn embed(e: &Embed) -> serenity::CreateEmbed {
    let mut out = serenity::CreateEmbed::new().colour(e.colour);
    if let Some(title) = &e.title {
        out = out.title(title);
    }
    if let Some(description) = &e.description {
        out = out.description(description);
    }
    for f in &e.fields {
        out = out.field(&f.name, &f.value, f.inline);
    }
    if let Some(image) = &e.image {
        out = out.image(image);
    }
    if let Some(footer) = &e.footer {
        out = out.footer(serenity::CreateEmbedFooter::new(footer));
    }
    out
}

/// A poise reply (slash follow-up or prefix message).
pub fn reply(message: &Outgoing, ephemeral: bool) -> poise::CreateReply {
    let mut out = poise::CreateReply::default().allowed_mentions(no_mentions()).ephemeral(ephemeral);
    if let Some(content) = &message.content {
        out = out.content(content);
    }
    for e in &message.embeds {
        out = out.embed(embed(e));
    }
    for (name, bytes) in &message.files {
        out = out.attachment(serenity::CreateAttachment::bytes(bytes.clone(), name));
    }
    out
}

/// A channel message, optionally a reply to `reference`.
pub fn channel_message(message: &Outgoing, reference: Option<&serenity::Message>) -> serenity::CreateMessage {
    let mut out = serenity::CreateMessage::new().allowed_mentions(no_mentions());
    if let Some(content) = &message.content {
        out = out.content(content);
    }
    out = out.embeds(message.embeds.iter().map(embed).collect());
    for (name, bytes) in &message.files {
        out = out.add_file(serenity::CreateAttachment::bytes(bytes.clone(), name));
    }
    if let Some(msg) = reference {
        out = out.reference_message(msg);
    }
    out
}

/// The follow-up of a slash command, sent after its deferral.
fn followup(message: &Outgoing, ephemeral: bool) -> serenity::CreateInteractionResponseFollowup {
    let mut out = serenity::CreateInteractionResponseFollowup::new().allowed_mentions(no_mentions()).ephemeral(ephemeral);
    if let Some(content) = &message.content {
        out = out.content(content);
    }
    out = out.embeds(message.embeds.iter().map(embed).collect());
    for (name, bytes) in &message.files {
        out = out.add_file(serenity::CreateAttachment::bytes(bytes.clone(), name));
    }
    out
}

fn json(builder: &impl serde::Serialize) -> Result<serde_json::Value, HandlerError> {
    serde_json::to_value(builder).map_err(|e| serenity::Error::Json(e).into())
}

/// Sends `messages` as the answer to a command, in order: follow-ups of a
/// deferred slash command, or channel messages for a prefix command (the
/// first one a reply to the question). Discord's 429s are waited out.
pub async fn send_all(ctx: super::Context<'_>, messages: &[Outgoing], ephemeral: bool) -> Result<(), HandlerError> {
    let (http, poster) = (&ctx.serenity_context().http, &ctx.data().poster);
    for (i, message) in messages.iter().enumerate() {
        match ctx {
            poise::Context::Application(a) if a.has_sent_initial_response.load(Ordering::SeqCst) => {
                let target = Target::Followup(&a.interaction.token);
                poster.post(http, target, json(&followup(message, ephemeral))?, &message.files).await?;
            }
            poise::Context::Prefix(p) => {
                let payload = json(&channel_message(message, (i == 0).then_some(p.msg)))?;
                poster.post(http, Target::Channel(p.msg.channel_id), payload, &message.files).await?;
            }
            poise::Context::Application(_) => {
                ctx.send(reply(message, ephemeral)).await?;
            }
        }
    }
    Ok(())
}

/// Sends `messages` to the channel of `msg`, the first as a reply to it;
/// Discord's 429s are waited out.
pub async fn send_to_channel(
    http: &serenity::Http,
    poster: &Poster,
    msg: &serenity::Message,
    messages: &[Outgoing],
) -> Result<(), HandlerError> {
    for (i, message) in messages.iter().enumerate() {
        let payload = json(&channel_message(message, (i == 0).then_some(msg)))?;
        poster.post(http, Target::Channel(msg.channel_id), payload, &message.files).await?;
    }
    Ok(())
}
