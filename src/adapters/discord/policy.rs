//! Where the bot answers: the guild and channel allowlists and the DM switch
//! from `[discord]`. Threads count as their parent channel.

use crate::config::DiscordSettings;

/// Where a command came from, in plain IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// `None` for a direct message.
    pub guild: Option<u64>,
    pub channel: u64,
    /// The parent channel when `channel` is a thread, where known.
    pub parent: Option<u64>,
}

/// Whether the settings let the bot answer at `place`.
pub fn allowed(settings: &DiscordSettings, place: Place) -> bool {
    let Some(guild) = place.guild else {
        return settings.allow_dms;
    };
    let guild_ok = settings.allowed_guilds.is_empty() || settings.allowed_guilds.contains(&guild);
    let channels = &settings.allowed_channels;
    let channel_ok = channels.is_empty()
        || channels.contains(&place.channel)
        || place.parent.is_some_and(|p| channels.contains(&p));
    guild_ok && channel_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(guild: Option<u64>, channel: u64, parent: Option<u64>) -> Place {
        Place { guild, channel, parent }
    }

    #[test]
    fn dms_are_off_by_default() {
        let mut s = DiscordSettings::default();
        assert!(!allowed(&s, place(None, 1, None)));
        s.allow_dms = true;
        assert!(allowed(&s, place(None, 1, None)));
    }

    #[test]
    fn empty_lists_allow_every_guild_channel() {
        assert!(allowed(&DiscordSettings::default(), place(Some(5), 6, None)));
    }

    #[test]
    fn lists_restrict_and_threads_follow_their_parent() {
        let s = DiscordSettings { allowed_guilds: vec![5], allowed_channels: vec![6], ..DiscordSettings::default() };
        assert!(allowed(&s, place(Some(5), 6, None)));
        assert!(!allowed(&s, place(Some(5), 7, None)));
        assert!(!allowed(&s, place(Some(8), 6, None)));
        assert!(allowed(&s, place(Some(5), 99, Some(6))), "thread in an allowed channel");
        assert!(!allowed(&s, place(Some(5), 99, Some(7))));
    }
}
