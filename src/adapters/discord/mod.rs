//! The Discord adapter: serenity for the gateway and REST, poise for slash and
//! prefix commands. It turns Discord events into requests to the core's one
//! door and renders the platform-neutral replies as embeds ([`render`]).
//! With the Matrix adapter it shares one layout: entry (`run`), handlers,
//! render, digest poster, send.
//!
//! - `commands`: the poise commands (`ask`, `figures`, `sources`, `help`,
//!   `digest`, `reindex`), each building one [`crate::core::Command`].
//! - `handlers`: checks where a request came from and who sent it, asks the
//!   core, sends the rendered reply.
//! - `errors`: the framework's error handler, which always answers; mentions
//!   of the bot and unknown prefix words go to the handlers.
//! - `send`: turning rendered messages into serenity builders, every one with
//!   empty `allowed_mentions`, and sending replies through `post`, which
//!   waits out Discord's 429s.
//! - `digest`: the poster scheduled digests use to reach Discord channels.
//! - `connect`: the start-up check of the API and the token.
//! - `places`: where a request came from, a thread's parent looked up over
//!   REST when the cache does not know it.

mod commands;
mod connect;
mod describe;
mod digest;
mod errors;
mod handlers;
mod inflight;
pub mod markdown;
mod places;
mod post;
pub mod policy;
pub mod render;
mod send;

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio_util::sync::CancellationToken;

use crate::config::{DiscordSettings, Platform, Secret};
use crate::core::Core;
use crate::digest::PosterRegistry;
use crate::error::{Error, Result};
use inflight::InFlight;

/// The real Discord API; any other `discord.api_base` is a proxy or stand-in.
pub const DEFAULT_API_BASE: &str = "https://discord.com";
/// How long shutdown waits for replies in progress before closing the shards.
/// With [`SHARD_CLOSE`] it stays well inside the 25 s a service manager
/// gives a stopping process.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(12);
/// How long the shards get to close before the client task is aborted.
const SHARD_CLOSE: Duration = Duration::from_secs(4);

/// State shared by every handler.
pub struct Data {
    core: Core,
    settings: DiscordSettings,
    inflight: InFlight,
    places: places::Parents,
    poster: post::Poster,
}

/// Errors inside the adapter's handlers.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// Boxed: serenity's error is large, and this one travels through every handler.
    #[error("discord: {0}")]
    Discord(#[source] Box<serenity::Error>),
    #[error("discord: still rate limited (asked to wait {} ms more)", wait.as_millis())]
    RateLimited { wait: Duration },
    #[error("discord: the bot has no application ID yet (not ready)")]
    NotReady,
    #[error("discord: {0} files in one message; one is supported")]
    TooManyFiles(usize),
}

impl From<serenity::Error> for HandlerError {
    fn from(e: serenity::Error) -> Self {
        HandlerError::Discord(Box::new(e))
    }
}

type Context<'a> = poise::Context<'a, Data, HandlerError>;

/// Runs the Discord bot until `shutdown` is cancelled. Replies already being
/// worked on are finished and sent before the shards close, for at most
/// [`SHUTDOWN_GRACE`]; however the gateway is doing (never connected,
/// reconnecting), the client is stopped within [`SHARD_CLOSE`] after that.
/// A token Discord rejects is an error, not a retry.
pub async fn run(core: Core, discord: DiscordSettings, posters: PosterRegistry, shutdown: CancellationToken) -> Result<()> {
    let token = core
        .settings()
        .secrets
        .discord_token
        .clone()
        .ok_or_else(|| Error::Config("CHIPBOT_DISCORD__TOKEN is not set".into()))?;
    let api_base = discord.api_base.clone();
    let http = http_client(&token, &api_base);
    if let connect::Reached::Stopped = connect::reach(&http, &api_base, &shutdown).await? {
        tracing::info!("discord: stopped before the API could be reached");
        return Ok(());
    }
    let inflight = InFlight::default();
    let prefix = core.prefix().to_string();
    let poster = post::Poster::new().map_err(|e| chat_error(format!("cannot build the HTTP client: {e}")))?;
    let data = Data { core, settings: discord, inflight: inflight.clone(), places: Default::default(), poster };
    let registry = posters.clone();
    // A failed setup stops the bot through this channel: shutting the shards
    // down from the error handler alone can lose the race with a shard that
    // is still starting, and the client would then run on without commands.
    let (setup_failed, mut setup_failure) = tokio::sync::mpsc::channel::<String>(1);
    let framework = poise::Framework::builder()
        .options(commands::framework_options(&prefix))
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                if let Err(e) = poise::builtins::register_globally(ctx, &framework.options().commands).await {
                    let _ = setup_failed.send(format!("command registration failed: {e}")).await;
                    return Err(e.into());
                }
                registry.register(Arc::new(digest::DiscordPoster { http: ctx.http.clone(), prefix }));
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "discord bot ready; commands registered");
                Ok(data)
            })
        })
        .build();
    let intents = serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::DIRECT_MESSAGES
        | serenity::GatewayIntents::MESSAGE_CONTENT;
    // Building the client asks for the gateway URL, which can hang as long as
    // the API does: shutdown must not wait for it.
    let building = serenity::ClientBuilder::new_with_http(http_client(&token, &api_base), intents).framework(framework);
    let mut client = tokio::select! {
        () = shutdown.cancelled() => return Ok(()),
        built = building => built.map_err(|e| chat_error(format!("cannot build the client: {e}")))?,
    };
    let shards = client.shard_manager.clone();
    let mut running = tokio::spawn(async move { client.start().await });
    tracing::info!(%api_base, "discord client starting");
    let outcome = tokio::select! {
        () = shutdown.cancelled() => {
            tracing::info!(in_flight = inflight.count(), "discord shutdown: finishing replies in progress");
            if !inflight.wait_idle(SHUTDOWN_GRACE).await {
                tracing::warn!(in_flight = inflight.count(), "discord shutdown: gave up waiting for replies still in progress");
            }
            Ok(())
        }
        Some(why) = setup_failure.recv() => Err(chat_error(why)),
        outcome = &mut running => Err(chat_error(match outcome {
            Ok(Ok(())) => "the client stopped (see the log for why)".to_string(),
            Ok(Err(e)) => client_failure(&e),
            Err(e) => e.to_string(),
        })),
    };
    posters.unregister(Platform::Discord);
    stop_client(&shards, running).await;
    outcome
}

/// Closes the shards and ends the client task, within [`SHARD_CLOSE`].
/// serenity's `shutdown_all` does nothing while no shard runs (the gateway
/// never answered, or the shard waits to be started again) and the client
/// then never returns; a shard that does not answer holds `shutdown_all`
/// for 5 s. In those cases the client task is aborted.
async fn stop_client(shards: &serenity::ShardManager, mut running: tokio::task::JoinHandle<serenity::Result<()>>) {
    if running.is_finished() {
        // The client ended by itself (a rejected token, say): its shards are gone.
        return;
    }
    let closing = async {
        if shards.runners.lock().await.is_empty() {
            return false;
        }
        shards.shutdown_all().await;
        let _ = (&mut running).await;
        true
    };
    if tokio::time::timeout(SHARD_CLOSE, closing).await.unwrap_or(false) {
        tracing::info!("discord shards closed");
    } else {
        tracing::info!("discord: no gateway session closed in time; stopping the client");
        running.abort();
    }
}

/// Why the client stopped by itself, for the operator.
fn client_failure(error: &serenity::Error) -> String {
    match error {
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => {
            "Discord rejected the bot token (gateway close 4004, authentication failed); check CHIPBOT_DISCORD__TOKEN".into()
        }
        serenity::Error::Gateway(e @ (serenity::GatewayError::InvalidGatewayIntents | serenity::GatewayError::DisallowedGatewayIntents)) => {
            format!("the gateway refused the bot's intents ({e}); enable the Message Content intent in the developer portal")
        }
        other => describe::chain(other),
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
