//! The Discord adapter: serenity for the gateway and REST, poise for slash and
//! prefix commands. It turns Discord events into [`ChatService`] calls and
//! renders the platform-neutral replies as embeds ([`render`]). This module
//! tree is the only place that imports serenity or poise.
//!
//! - `commands`: the poise commands (`ask`, `figures`, `sources`, `help`,
//!   `reindex`), each building one [`crate::command::Command`].
//! - `errors`: the framework's error handler, which always answers, plus
//!   mentions of the bot and unknown prefix commands.
//! - `send`: turning rendered messages into serenity builders, every one with
//!   empty `allowed_mentions`.
//! - `digest`: the poster scheduled digests use to reach Discord channels.

mod commands;
mod digest;
mod errors;
mod inflight;
pub mod markdown;
pub mod policy;
pub mod render;
mod send;

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio_util::sync::CancellationToken;

use crate::chat::ChatService;
use crate::config::{DiscordSettings, Secret};
use crate::error::{Error, Result};
use inflight::InFlight;

/// The real Discord API; any other `discord.api_base` is a proxy or stand-in.
pub const DEFAULT_API_BASE: &str = "https://discord.com";
/// How long shutdown waits for replies in progress before closing the shards.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
/// How long a client whose setup failed may take to close its shards.
const SETUP_FAILURE_GRACE: Duration = Duration::from_secs(2);

/// State shared by every handler.
pub struct Data {
    service: Arc<ChatService>,
    settings: DiscordSettings,
    inflight: InFlight,
}

/// Errors inside the adapter's handlers.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("discord: {0}")]
    Discord(#[from] serenity::Error),
}

type Context<'a> = poise::Context<'a, Data, HandlerError>;

/// Runs the Discord bot until `shutdown` is cancelled. Replies already being
/// worked on are finished and sent before the shards close.
pub async fn run(service: Arc<ChatService>, shutdown: CancellationToken) -> Result<()> {
    let settings = service.engine().settings();
    let token = settings
        .secrets
        .discord_token
        .clone()
        .ok_or_else(|| Error::Config("CHIPBOT_DISCORD__TOKEN is not set".into()))?;
    let discord = settings.discord.clone();
    let inflight = InFlight::default();
    let data = Data { service: service.clone(), settings: discord.clone(), inflight: inflight.clone() };
    let posters = service.digest_posters().clone();
    let prefix = service.prefix().to_string();
    // A failed setup stops the bot through this channel: shutting the shards
    // down from the error handler alone can lose the race with a shard that
    // is still starting, and the client would then run on without commands.
    let (setup_failed, mut setup_failure) = tokio::sync::mpsc::channel::<String>(1);
    let framework = poise::Framework::builder()
        .options(commands::framework_options(service.prefix()))
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                if let Err(e) = poise::builtins::register_globally(ctx, &framework.options().commands).await {
                    let _ = setup_failed.send(format!("command registration failed: {e}")).await;
                    return Err(e.into());
                }
                posters.register(Arc::new(digest::DiscordPoster { http: ctx.http.clone(), prefix }));
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "discord bot ready; commands registered");
                Ok(data)
            })
        })
        .build();
    let intents = serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::DIRECT_MESSAGES
        | serenity::GatewayIntents::MESSAGE_CONTENT;
    let mut client = serenity::ClientBuilder::new_with_http(http_client(&token, &discord.api_base), intents)
        .framework(framework)
        .await
        .map_err(|e| chat_error(format!("cannot build the client: {e}")))?;
    let shards = client.shard_manager.clone();
    let mut running = tokio::spawn(async move { client.start().await });
    tracing::info!(api_base = %discord.api_base, "discord client starting");
    tokio::select! {
        () = shutdown.cancelled() => {
            tracing::info!(in_flight = inflight.count(), "discord shutdown: finishing replies in progress");
            if !inflight.wait_idle(SHUTDOWN_GRACE).await {
                tracing::warn!(in_flight = inflight.count(), "discord shutdown: gave up waiting for replies");
            }
            service.digest_posters().unregister(crate::chat::Platform::Discord);
            shards.shutdown_all().await;
            let _ = running.await;
            tracing::info!("discord shards closed");
            Ok(())
        }
        Some(why) = setup_failure.recv() => {
            service.digest_posters().unregister(crate::chat::Platform::Discord);
            shards.shutdown_all().await;
            // A shard that had not registered yet is not shut down by the
            // manager: the client is of no use without its commands, so stop it.
            if tokio::time::timeout(SETUP_FAILURE_GRACE, &mut running).await.is_err() {
                running.abort();
            }
            Err(chat_error(why))
        }
        outcome = &mut running => {
            service.digest_posters().unregister(crate::chat::Platform::Discord);
            let message = match outcome {
                Ok(Ok(())) => "the client stopped (see the log for why)".to_string(),
                Ok(Err(e)) => e.to_string(),
                Err(e) => e.to_string(),
            };
            Err(chat_error(message))
        }
    }
}

/// REST client. A non-default `api_base` gets the proxy setting, which
/// serenity applies only with its rate limiter off; the real Discord keeps
/// serenity's rate limiter. No message may mention anyone by default.
fn http_client(token: &Secret, api_base: &str) -> serenity::Http {
    let mut builder = serenity::HttpBuilder::new(token.expose()).default_allowed_mentions(send::no_mentions());
    let api_base = api_base.trim_end_matches('/');
    if api_base != DEFAULT_API_BASE {
        builder = builder.proxy(api_base).ratelimiter_disabled(true);
    }
    builder.build()
}

fn chat_error(message: String) -> Error {
    Error::Chat { platform: "discord", message }
}
