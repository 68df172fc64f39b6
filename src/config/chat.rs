//! Settings for the chat front ends: the shared command layer (`[chat]`),
//! `[matrix]`, `[discord]` and `[admins]`. Secrets are not here: they come
//! from the environment only (see [`super::secret`]).

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

/// A place requests come from and digests go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Matrix,
    Discord,
    Cli,
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Platform::Matrix => "matrix",
            Platform::Discord => "discord",
            Platform::Cli => "cli",
        })
    }
}

impl std::str::FromStr for Platform {
    type Err = String;

    /// The word [`Platform`]'s `Display` writes.
    fn from_str(word: &str) -> Result<Platform, String> {
        match word {
            "matrix" => Ok(Platform::Matrix),
            "discord" => Ok(Platform::Discord),
            "cli" => Ok(Platform::Cli),
            other => Err(format!("`{other}` is not a platform")),
        }
    }
}

/// The command layer shared by every chat platform.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChatSettings {
    /// Prefix of message commands (`!ask ...`).
    pub prefix: String,
    /// Commands one user may send per window before being told to wait (0 = no limit).
    pub rate_limit_count: u32,
    /// Length of the rate-limit window, in seconds.
    pub rate_limit_window_secs: u64,
}

impl Default for ChatSettings {
    fn default() -> Self {
        ChatSettings { prefix: "!".into(), rate_limit_count: 6, rate_limit_window_secs: 60 }
    }
}

/// The Matrix bot. It runs when `homeserver_url` and `user_id` are set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatrixSettings {
    /// Base URL of the homeserver, e.g. `https://matrix.example.org`.
    pub homeserver_url: Option<String>,
    /// The bot's full user ID, e.g. `@chipbot:example.org`.
    pub user_id: Option<String>,
    /// Display name of the bot's device, shown to other users on verification.
    pub device_name: String,
    /// Folder of the encrypted state and crypto store, and the saved session
    /// (default: `<index.data_dir>/matrix`).
    pub store_dir: Option<PathBuf>,
    /// Glob patterns (`@*:example.org`) of users whose invites are accepted.
    /// Empty means users on the bot's own homeserver.
    pub allowed_inviters: Vec<String>,
    /// Messages sent while the bot was down are answered up to this age, in seconds.
    pub max_message_age_secs: u64,
    /// Longest reply body, in characters; longer answers are cut between citations.
    pub max_reply_chars: usize,
}

impl Default for MatrixSettings {
    fn default() -> Self {
        MatrixSettings {
            homeserver_url: None,
            user_id: None,
            device_name: "chipbot".into(),
            store_dir: None,
            allowed_inviters: Vec::new(),
            max_message_age_secs: 900,
            max_reply_chars: 16_000,
        }
    }
}

/// The Discord bot. It runs when `CHIPBOT_DISCORD__TOKEN` is set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordSettings {
    /// REST base URL; the gateway URL is asked from `GET /api/v10/gateway`.
    pub api_base: String,
    /// Guild (server) IDs the bot answers in; empty means every guild.
    #[serde(deserialize_with = "one_or_many_ids")]
    pub allowed_guilds: Vec<u64>,
    /// Channel IDs the bot answers in; empty means every channel of an allowed guild.
    #[serde(deserialize_with = "one_or_many_ids")]
    pub allowed_channels: Vec<u64>,
    /// Whether the bot answers direct messages.
    pub allow_dms: bool,
}

impl Default for DiscordSettings {
    fn default() -> Self {
        DiscordSettings {
            api_base: "https://discord.com".into(),
            allowed_guilds: Vec::new(),
            allowed_channels: Vec::new(),
            allow_dms: false,
        }
    }
}

/// Who may run admin commands such as `reindex`.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AdminSettings {
    /// Matrix user IDs, glob patterns allowed (`@*:example.org`).
    pub matrix_users: Vec<String>,
    /// Discord user IDs.
    #[serde(deserialize_with = "one_or_many_ids")]
    pub discord_users: Vec<u64>,
    /// Discord role IDs; a member with any of them is an admin.
    #[serde(deserialize_with = "one_or_many_ids")]
    pub discord_roles: Vec<u64>,
}

/// A list of Discord IDs, also from one bare ID: an environment variable
/// such as `CHIPBOT_ADMINS__DISCORD_ROLES=123` holds no separator and
/// arrives as a single number, and list items from the environment arrive
/// as text.
fn one_or_many_ids<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Id),
        Many(Vec<Id>),
    }
    let ids = match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(id) => vec![id],
        OneOrMany::Many(ids) => ids,
    };
    ids.into_iter()
        .map(|id| match id {
            Id::Number(n) => Ok(n),
            Id::Text(text) => text
                .trim()
                .parse()
                .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a Discord ID (a number)"))),
        })
        .collect()
}

impl ChatSettings {
    /// Problems with these settings, for the single validation pass.
    pub(super) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.prefix.trim().is_empty() || self.prefix.chars().any(char::is_whitespace) {
            out.push("chat.prefix must be non-empty and contain no spaces".into());
        }
        if self.rate_limit_count > 0 && self.rate_limit_window_secs == 0 {
            out.push("chat.rate_limit_window_secs must be at least 1".into());
        }
        out
    }
}

impl MatrixSettings {
    /// Whether enough is configured to run the Matrix bot.
    pub fn is_configured(&self) -> bool {
        self.homeserver_url.is_some() || self.user_id.is_some()
    }

    pub(super) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.is_configured() {
            return out;
        }
        match &self.homeserver_url {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {}
            Some(url) => out.push(format!("matrix.homeserver_url must start with http:// or https:// (got {url:?})")),
            None => out.push("matrix.homeserver_url is required when matrix.user_id is set".into()),
        }
        match &self.user_id {
            Some(id) if is_matrix_user_id(id) => {}
            Some(id) => out.push(format!("matrix.user_id must look like @name:server (got {id:?})")),
            None => out.push("matrix.user_id is required when matrix.homeserver_url is set".into()),
        }
        if self.max_reply_chars < 500 {
            out.push("matrix.max_reply_chars must be at least 500".into());
        }
        out
    }
}

impl DiscordSettings {
    pub(super) fn problems(&self) -> Vec<String> {
        if self.api_base.starts_with("http://") || self.api_base.starts_with("https://") {
            Vec::new()
        } else {
            vec![format!("discord.api_base must start with http:// or https:// (got {:?})", self.api_base)]
        }
    }
}

fn is_matrix_user_id(id: &str) -> bool {
    id.strip_prefix('@')
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_needs_both_url_and_user() {
        let half = MatrixSettings { user_id: Some("@bot:hs".into()), ..MatrixSettings::default() };
        assert!(half.problems().iter().any(|p| p.contains("homeserver_url")));
        let bad = MatrixSettings {
            homeserver_url: Some("localhost:8008".into()),
            user_id: Some("bot".into()),
            ..MatrixSettings::default()
        };
        assert_eq!(bad.problems().len(), 2);
        assert!(MatrixSettings::default().problems().is_empty(), "unconfigured is fine");
    }

    #[test]
    fn prefix_must_be_a_word() {
        let chat = ChatSettings { prefix: " ".into(), ..ChatSettings::default() };
        assert_eq!(chat.problems().len(), 1);
    }
}
