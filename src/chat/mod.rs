//! The command layer every chat platform shares. An adapter turns a platform
//! message or slash interaction into a [`Sender`] plus text or a
//! [`Command`]; [`ChatService`] applies the rules that do not depend on the
//! platform (prefix parsing, admin checks, per-user rate limits, turning
//! errors into user-facing messages, writing the reindex audit log) and
//! returns a platform-neutral [`Reply`] for the adapter to render. No
//! platform type crosses this line.
//!
//! Adapters that can post digests register a
//! [`crate::digest::DigestPoster`] in [`ChatService::digest_posters`].

pub mod glob;
pub mod ratelimit;
pub mod split;

use std::time::Duration;

use crate::command::{help_text, Command, UnknownCommand};
pub use crate::config::Platform;
use crate::config::AdminSettings;
use crate::digest::PosterRegistry;
use crate::engine::Engine;
use crate::error::Error;
use crate::reply::Reply;
use crate::store::{AuditOutcome, AuditRecord};

pub use ratelimit::RateLimiter;

/// Who sent a command, in platform-neutral terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub platform: Platform,
    /// `@alice:example.org` on Matrix, the numeric user ID on Discord.
    pub user_id: String,
    /// Discord role IDs of the member (empty elsewhere).
    pub roles: Vec<u64>,
}

impl Sender {
    /// A sender with no roles.
    pub fn new(platform: Platform, user_id: impl Into<String>) -> Self {
        Sender { platform, user_id: user_id.into(), roles: Vec::new() }
    }

    /// Whether the admin settings name this sender.
    pub fn is_admin(&self, admins: &AdminSettings) -> bool {
        match self.platform {
            Platform::Cli => true,
            Platform::Matrix => glob::any_match(&admins.matrix_users, &self.user_id),
            Platform::Discord => {
                let by_user = self
                    .user_id
                    .parse::<u64>()
                    .is_ok_and(|id| admins.discord_users.contains(&id));
                by_user || self.roles.iter().any(|r| admins.discord_roles.contains(r))
            }
        }
    }
}

/// Commands that only admins may run.
pub fn requires_admin(command: &Command) -> bool {
    matches!(command, Command::Index { .. })
}

/// The shared command layer: one per process, shared by every adapter.
#[derive(Debug)]
pub struct ChatService {
    engine: Engine,
    prefix: String,
    admins: AdminSettings,
    limiter: RateLimiter,
    posters: PosterRegistry,
}

impl ChatService {
    /// Builds the layer from the engine's settings.
    pub fn new(engine: Engine) -> Self {
        let settings = engine.settings();
        let chat = &settings.chat;
        let limiter = RateLimiter::new(chat.rate_limit_count, Duration::from_secs(chat.rate_limit_window_secs));
        ChatService {
            prefix: chat.prefix.clone(),
            admins: settings.admins.clone(),
            engine,
            limiter,
            posters: PosterRegistry::default(),
        }
    }

    /// Where adapters register their digest posters; the digest service
    /// started by `serve` reads the same registry.
    pub fn digest_posters(&self) -> &PosterRegistry {
        &self.posters
    }

    /// The engine behind this layer.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The message-command prefix (`!`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Handles a message. `None` when it is not a command for the bot.
    pub async fn handle_text(&self, sender: &Sender, text: &str) -> Option<Reply> {
        match Command::from_chat(text, &self.prefix)? {
            Ok(command) => Some(self.handle(sender, command).await),
            Err(UnknownCommand(word)) => Some(Reply::Error {
                message: format!("Unknown command `{word}`. Try `{}help`.", self.prefix),
            }),
        }
    }

    /// Handles text addressed to the bot by a mention: a command with the
    /// prefix, or else a question.
    pub async fn handle_mention(&self, sender: &Sender, text: &str) -> Reply {
        match self.handle_text(sender, text).await {
            Some(reply) => reply,
            None => {
                let question = text.trim().to_string();
                self.handle(sender, Command::Ask { question, top: None }).await
            }
        }
    }

    /// Runs a parsed command for `sender`: admin check, rate limit, engine.
    pub async fn handle(&self, sender: &Sender, command: Command) -> Reply {
        let name = command.word();
        if requires_admin(&command) && !sender.is_admin(&self.admins) {
            tracing::warn!(platform = %sender.platform, user = %sender.user_id, command = name, "refused admin command");
            let message = format!("Sorry, only chipbot admins can run `{}{name}`.", self.prefix);
            if let Command::Index { full } = command {
                self.audit_refusal(sender, full, &message).await;
            }
            return Reply::Error { message };
        }
        if command == Command::Help {
            return Reply::Help { text: help_text(&self.prefix) };
        }
        let key = format!("{}:{}", sender.platform, sender.user_id);
        if let Err(wait) = self.limiter.check(&key) {
            tracing::info!(platform = %sender.platform, user = %sender.user_id, wait_s = wait.as_secs(), "rate limited");
            return Reply::Error { message: rate_limit_message(wait) };
        }
        let result = match command {
            Command::Index { full } => self.reindex(sender, full).await,
            other => self.engine.execute(other).await,
        };
        match result {
            Ok(reply) => reply,
            Err(e) => {
                tracing::warn!(platform = %sender.platform, user = %sender.user_id, command = name, error = ?e, "command failed");
                Reply::Error { message: e.user_message() }
            }
        }
    }
}

impl ChatService {
    /// Runs an admin's reindex on the blocking pool, writing its audit record.
    async fn reindex(&self, sender: &Sender, full: bool) -> crate::Result<Reply> {
        let (engine, platform, user) = (self.engine.clone(), sender.platform.to_string(), sender.user_id.clone());
        tokio::task::spawn_blocking(move || engine.reindex_audited(&platform, &user, full).map(Reply::Indexed))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    }

    /// Writes the audit record of a refused (non-admin) reindex.
    async fn audit_refusal(&self, sender: &Sender, full: bool, message: &str) {
        let record = AuditRecord {
            id: 0,
            at: chrono::Utc::now(),
            platform: sender.platform.to_string(),
            user_id: sender.user_id.clone(),
            full,
            outcome: AuditOutcome::Refused,
            summary: message.to_string(),
        };
        let engine = self.engine.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || engine.audit(record)).await {
            tracing::error!(error = %e, "audit task failed");
        }
    }
}

/// "You're sending commands too fast; try again in 12 s."
pub fn rate_limit_message(wait: Duration) -> String {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    format!("You're sending commands too fast. Please try again in {secs} s.")
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_by_glob_user_and_role() {
        let admins = AdminSettings {
            matrix_users: vec!["@*:ops.example".into()],
            discord_users: vec![7],
            discord_roles: vec![99],
        };
        assert!(Sender::new(Platform::Matrix, "@ann:ops.example").is_admin(&admins));
        assert!(!Sender::new(Platform::Matrix, "@ann:example").is_admin(&admins));
        assert!(Sender::new(Platform::Discord, "7").is_admin(&admins));
        assert!(!Sender::new(Platform::Discord, "8").is_admin(&admins));
        let member = Sender { roles: vec![1, 99], ..Sender::new(Platform::Discord, "8") };
        assert!(member.is_admin(&admins));
        assert!(Sender::new(Platform::Cli, "me").is_admin(&AdminSettings::default()));
    }

    #[test]
    fn wait_is_rounded_up_to_whole_seconds() {
        assert!(rate_limit_message(Duration::from_millis(200)).contains("in 1 s"));
        assert!(rate_limit_message(Duration::from_millis(12_100)).contains("in 13 s"));
    }
}
