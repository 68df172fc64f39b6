//! Where a request came from, as a [`Place`] for the channel policy. A
//! thread counts as its parent channel; the parent comes from the
//! interaction itself, from serenity's cache, or, for a thread the cache has
//! not seen (prefix commands carry no channel object), from
//! `GET /channels/{id}`. Parents read over REST are remembered, so a thread
//! costs one request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::describe::{chain, status};
use super::policy::{self, Place};
use super::Context;
use crate::config::DiscordSettings;

/// How long a channel lookup may take before the place counts as unknown.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);
/// Remembered channels before the memory starts over.
const REMEMBERED: usize = 10_000;

/// Thread parents read over REST: channel ID to its parent (`None` for a
/// channel that is not a thread).
#[derive(Debug, Default)]
pub struct Parents {
    known: Mutex<HashMap<u64, Option<u64>>>,
}

impl Parents {
    /// The parent of `channel` when it is a thread, asked of Discord once.
    async fn of(&self, http: &serenity::Http, channel: u64) -> Option<u64> {
        if let Some(known) = self.known.lock().ok().and_then(|k| k.get(&channel).copied()) {
            return known;
        }
        let looked_up = tokio::time::timeout(LOOKUP_TIMEOUT, http.get_channel(serenity::ChannelId::new(channel))).await;
        let parent = match looked_up {
            Ok(Ok(serenity::Channel::Guild(c))) if is_thread(c.kind) => c.parent_id.map(|p| p.get()),
            Ok(Ok(_)) => None,
            Ok(Err(e)) => {
                tracing::warn!(channel, status = ?status(&e), error = %chain(&e), "discord: cannot look up a channel; treating it as not a thread");
                return None;
            }
            Err(_) => {
                tracing::warn!(channel, "discord: channel lookup timed out; treating it as not a thread");
                return None;
            }
        };
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= REMEMBERED {
                known.clear();
            }
            known.insert(channel, parent);
        }
        parent
    }
}

fn is_thread(kind: serenity::ChannelType) -> bool {
    matches!(kind, serenity::ChannelType::PublicThread | serenity::ChannelType::PrivateThread | serenity::ChannelType::NewsThread)
}

/// The place of a command.
pub(super) async fn of_command(ctx: Context<'_>) -> Place {
    let guild = ctx.guild_id();
    let channel = ctx.channel_id();
    let parent = match ctx {
        Context::Application(a) => a.interaction.channel.as_ref().and_then(|c| c.parent_id).map(|p| p.get()),
        Context::Prefix(_) => None,
    }
    .or_else(|| cached_parent(ctx.serenity_context(), guild, channel));
    let place = Place { guild: guild.map(|g| g.get()), channel: channel.get(), parent };
    let data = ctx.data();
    complete(&ctx.serenity_context().http, &data.places, &data.settings, place).await
}

/// The place of a plain message.
pub(super) async fn of_message(ctx: &serenity::Context, data: &super::Data, msg: &serenity::Message) -> Place {
    let place = Place {
        guild: msg.guild_id.map(|g| g.get()),
        channel: msg.channel_id.get(),
        parent: cached_parent(ctx, msg.guild_id, msg.channel_id),
    };
    complete(&ctx.http, &data.places, &data.settings, place).await
}

/// Adds the parent over REST when only it could let the place in: a channel
/// of an allowed guild, outside the channel allowlist, parent unknown.
async fn complete(http: &serenity::Http, parents: &Parents, settings: &DiscordSettings, mut place: Place) -> Place {
    let guild_ok = place.guild.is_some_and(|g| settings.allowed_guilds.is_empty() || settings.allowed_guilds.contains(&g));
    if guild_ok && place.parent.is_none() && !policy::allowed(settings, place) {
        place.parent = parents.of(http, place.channel).await;
    }
    place
}

/// The parent channel of a thread, from the cache.
fn cached_parent(ctx: &serenity::Context, guild: Option<serenity::GuildId>, channel: serenity::ChannelId) -> Option<u64> {
    let guild = ctx.cache.guild(guild?)?;
    let thread = guild.threads.iter().find(|t| t.id == channel)?;
    thread.parent_id.map(|p| p.get())
}
