//! Sending rendered messages: [`render::Outgoing`] to serenity and poise
//! builders. Every message carries empty `allowed_mentions`, on top of the
//! client-wide default, so no text can ping anyone.

use poise::serenity_prelude as serenity;

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

/// Sends `messages` as poise replies, in order.
pub async fn send_all(ctx: super::Context<'_>, messages: &[Outgoing], ephemeral: bool) -> Result<(), HandlerError> {
    for (i, message) in messages.iter().enumerate() {
        // A prefix answer replies to the question (slash answers ignore this).
        ctx.send(reply(message, ephemeral).reply(i == 0)).await?;
    }
    Ok(())
}

/// Sends `messages` to the channel of `msg`, the first as a reply to it.
pub async fn send_to_channel(
    http: &serenity::Http,
    msg: &serenity::Message,
    messages: &[Outgoing],
) -> Result<(), HandlerError> {
    for (i, message) in messages.iter().enumerate() {
        let reference = (i == 0).then_some(msg);
        msg.channel_id.send_message(http, channel_message(message, reference)).await?;
    }
    Ok(())
}
