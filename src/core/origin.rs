//! Who asks: the origin every [`super::Request`] carries, so that the rules
//! about *who* (admin checks, rate limits, the audit log, digest watermarks)
//! are applied in one place, the core.

use crate::config::{AdminSettings, Platform};

use super::glob;

/// Who sent a chat command, in platform-neutral terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub platform: Platform,
    /// `@alice:example.org` on Matrix, the numeric user ID on Discord.
    pub user_id: String,
    /// Discord role IDs of the member (empty elsewhere).
    pub roles: Vec<u64>,
    /// Where the message was sent: the Discord channel ID or the Matrix room
    /// ID, for telling a proposer the outcome later.
    pub place: Option<String>,
}

impl Sender {
    /// A sender with no roles.
    pub fn new(platform: Platform, user_id: impl Into<String>) -> Self {
        Sender { platform, user_id: user_id.into(), roles: Vec::new(), place: None }
    }

    /// The same sender, writing in `place` (a channel or room ID).
    pub fn in_place(self, place: impl Into<String>) -> Self {
        Sender { place: Some(place.into()), ..self }
    }

    /// Whether the admin settings name this sender.
    pub fn is_admin(&self, admins: &AdminSettings) -> bool {
        match self.platform {
            Platform::Cli => true,
            Platform::Matrix => glob::any_match(&admins.matrix_users, &self.user_id),
            Platform::Discord => {
                let by_user = self.user_id.parse::<u64>().is_ok_and(|id| admins.discord_users.contains(&id));
                by_user || self.roles.iter().any(|r| admins.discord_roles.contains(r))
            }
        }
    }
}

/// Where a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The command line, run by the local user `user` (an operator).
    Cli { user: String },
    /// A chat user on Matrix or Discord.
    Chat(Sender),
    /// Watch mode, after the reports folder changed.
    Watch,
    /// The digest scheduler, posting a scheduled digest.
    Scheduler,
}

impl Origin {
    /// The command line, run by `$USER` (or "cli").
    pub fn cli() -> Origin {
        Origin::Cli { user: std::env::var("USER").unwrap_or_else(|_| "cli".into()) }
    }

    /// The platform named in the audit log: `cli`, `matrix`, `discord`, `watch`, `scheduler`.
    pub fn platform(&self) -> String {
        match self {
            Origin::Cli { .. } => Platform::Cli.to_string(),
            Origin::Chat(sender) => sender.platform.to_string(),
            Origin::Watch => "watch".into(),
            Origin::Scheduler => "scheduler".into(),
        }
    }

    /// The user named in the audit log.
    pub fn user(&self) -> &str {
        match self {
            Origin::Cli { user } => user,
            Origin::Chat(sender) => &sender.user_id,
            Origin::Watch => "watch",
            Origin::Scheduler => "scheduler",
        }
    }

    /// Operators and the bot's own services may run anything; chat users
    /// only what the admin settings allow them.
    pub fn is_admin(&self, admins: &AdminSettings) -> bool {
        match self {
            Origin::Chat(sender) => sender.is_admin(admins),
            Origin::Cli { .. } | Origin::Watch | Origin::Scheduler => true,
        }
    }

    /// The chat sender, for requests from chat.
    pub fn sender(&self) -> Option<&Sender> {
        match self {
            Origin::Chat(sender) => Some(sender),
            _ => None,
        }
    }
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
    fn services_and_operators_are_trusted_and_named_in_the_audit_log() {
        let none = AdminSettings::default();
        assert!(Origin::Watch.is_admin(&none) && Origin::Scheduler.is_admin(&none));
        assert!(Origin::Cli { user: "ann".into() }.is_admin(&none));
        assert!(!Origin::Chat(Sender::new(Platform::Matrix, "@bob:example.org")).is_admin(&none));
        assert_eq!((Origin::Watch.platform(), Origin::Watch.user()), ("watch".to_string(), "watch"));
        let chat = Origin::Chat(Sender::new(Platform::Discord, "42"));
        assert_eq!((chat.platform(), chat.user()), ("discord".to_string(), "42"));
    }
}
