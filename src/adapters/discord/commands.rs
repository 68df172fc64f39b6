//! The poise commands. Each one builds a single [`Command`] variant and hands
//! it to [`respond`]; the rules (admin check, rate limit, errors as messages)
//! live in [`crate::chat::ChatService`], not here. Slash and prefix forms
//! share one function per command.

use poise::serenity_prelude as serenity;

use super::policy::{self, Place};
use super::{errors, render, send, Context, Data, HandlerError};
use crate::chat::{Platform, Sender};
use crate::command::Command;

/// What a handler was asked: a parsed command, or raw prefix text for the
/// shared parser (when poise could not read the arguments).
pub(super) enum Request {
    Command(Command),
    Text(String),
}

/// The framework's settings: the commands, the prefix from `[chat]`, mentions
/// of the bot as a prefix, and an error handler that always answers.
pub fn framework_options(prefix: &str) -> poise::FrameworkOptions<Data, HandlerError> {
    poise::FrameworkOptions {
        commands: vec![ask(), figures(), sources(), help(), digest(), reindex()],
        on_error: |error| Box::pin(errors::on_error(error)),
        allowed_mentions: Some(send::no_mentions()),
        initialize_owners: false,
        prefix_options: poise::PrefixFrameworkOptions {
            prefix: Some(prefix.to_string().into()),
            mention_as_prefix: true,
            case_insensitive_commands: true,
            ignore_bots: true,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Answer a question with cited snippets and figures
#[poise::command(slash_command, prefix_command, aliases("a"))]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. Who leads the HBM market?"]
    #[rest]
    question: String,
) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Ask { question, top: None })).await
}

/// Show the figures table for a query, with a chart when figures compare
#[poise::command(slash_command, prefix_command, aliases("figs"))]
pub async fn figures(
    ctx: Context<'_>,
    #[description = "What to chart, e.g. HBM market share 2025"]
    #[rest]
    query: String,
) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Figures { query, chart: true })).await
}

/// List what is indexed: reports by publisher and year, the newest ones
#[poise::command(slash_command, prefix_command)]
pub async fn sources(ctx: Context<'_>) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Sources)).await
}

/// Show the commands and the query syntax
#[poise::command(slash_command, prefix_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Help)).await
}

/// What is new in the reports: a digest, optionally since a date
#[poise::command(slash_command, prefix_command)]
pub async fn digest(
    ctx: Context<'_>,
    #[description = "Which configured digest (default: the only or first one)"] name: Option<String>,
    #[description = "Start date, YYYY-MM-DD (default: since the last digest)"] since: Option<String>,
) -> Result<(), HandlerError> {
    // The shared parser reads `digest [name] [YYYY-MM-DD]`, for both forms.
    let text = format!("{}digest {} {}", ctx.data().service.prefix(), name.unwrap_or_default(), since.unwrap_or_default());
    respond(ctx, Request::Text(text)).await
}

/// Bring the index up to date (chipbot admins only)
#[poise::command(slash_command, prefix_command, default_member_permissions = "MANAGE_GUILD")]
pub async fn reindex(
    ctx: Context<'_>,
    #[description = "Re-read every report, not only changed ones"]
    #[flag]
    full: bool,
) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Index { full })).await
}

/// Runs a request through the chat layer and sends the rendered reply where
/// it came from. Slash commands are deferred first (answers can take longer
/// than Discord's 3 seconds); prefix commands show typing meanwhile.
pub(super) async fn respond(ctx: Context<'_>, request: Request) -> Result<(), HandlerError> {
    let data = ctx.data();
    let _working = data.inflight.start();
    let place = place_of(ctx);
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
    let service = &data.service;
    let reply = match request {
        Request::Command(command) => service.handle(&sender, command).await,
        Request::Text(text) => match service.handle_text(&sender, &text).await {
            Some(reply) => reply,
            None => return Ok(()),
        },
    };
    send::send_all(ctx, &render::render(&reply, service.prefix()), false).await
}

/// The sender of a command, with the member's role IDs for admin roles.
fn sender_of(ctx: Context<'_>) -> Sender {
    let roles = match ctx {
        Context::Application(a) => a.interaction.member.as_ref().map(|m| role_ids(&m.roles)),
        Context::Prefix(p) => p.msg.member.as_ref().map(|m| role_ids(&m.roles)),
    };
    Sender { roles: roles.unwrap_or_default(), ..Sender::new(Platform::Discord, ctx.author().id.get().to_string()) }
}

/// The sender of a plain message.
pub(super) fn sender_of_message(msg: &serenity::Message) -> Sender {
    let roles = msg.member.as_ref().map(|m| role_ids(&m.roles)).unwrap_or_default();
    Sender { roles, ..Sender::new(Platform::Discord, msg.author.id.get().to_string()) }
}

fn role_ids(roles: &[serenity::RoleId]) -> Vec<u64> {
    roles.iter().map(|r| r.get()).collect()
}

pub(super) fn place_of(ctx: Context<'_>) -> Place {
    let guild = ctx.guild_id();
    let channel = ctx.channel_id();
    let parent = match ctx {
        Context::Application(a) => a.interaction.channel.as_ref().and_then(|c| c.parent_id).map(|p| p.get()),
        Context::Prefix(_) => None,
    }
    .or_else(|| thread_parent(ctx.serenity_context(), guild, channel));
    Place { guild: guild.map(|g| g.get()), channel: channel.get(), parent }
}

/// The place of a plain message.
pub(super) fn place_of_message(ctx: &serenity::Context, msg: &serenity::Message) -> Place {
    Place {
        guild: msg.guild_id.map(|g| g.get()),
        channel: msg.channel_id.get(),
        parent: thread_parent(ctx, msg.guild_id, msg.channel_id),
    }
}

/// The parent channel of a thread, from the cache.
fn thread_parent(ctx: &serenity::Context, guild: Option<serenity::GuildId>, channel: serenity::ChannelId) -> Option<u64> {
    let guild = ctx.cache.guild(guild?)?;
    let thread = guild.threads.iter().find(|t| t.id == channel)?;
    thread.parent_id.map(|p| p.get())
}
