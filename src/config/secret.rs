//! Secrets (tokens, passwords, store passphrases). They are read from the
//! environment only, never from config files, and never printed: `Debug`
//! shows `[redacted]`.

use std::collections::HashMap;
use std::fmt;

/// A secret value that does not show itself in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value read from the environment.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for handing to a client library. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Every secret chipbot knows, as `(section, key)`: the environment variable
/// is `CHIPBOT_<SECTION>__<KEY>` in upper case.
pub const SECRET_KEYS: [(&str, &str); 4] = [
    ("matrix", "password"),
    ("matrix", "access_token"),
    ("matrix", "store_passphrase"),
    ("discord", "token"),
];

/// The secrets found in the environment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Secrets {
    pub matrix_password: Option<Secret>,
    pub matrix_access_token: Option<Secret>,
    pub matrix_store_passphrase: Option<Secret>,
    pub discord_token: Option<Secret>,
}

/// The environment variable name of a secret under `prefix` (`CHIPBOT`).
pub fn env_name(prefix: &str, section: &str, key: &str) -> String {
    format!("{prefix}_{}__{}", section.to_ascii_uppercase(), key.to_ascii_uppercase())
}

impl Secrets {
    /// Takes the secret variables out of `env` (so the config layer never sees
    /// them) and returns them. Empty values count as unset.
    pub fn take_from(env: &mut HashMap<String, String>, prefix: &str) -> Secrets {
        let mut take = |section: &str, key: &str| {
            env.remove(&env_name(prefix, section, key))
                .filter(|v| !v.trim().is_empty())
                .map(Secret::new)
        };
        Secrets {
            matrix_password: take("matrix", "password"),
            matrix_access_token: take("matrix", "access_token"),
            matrix_store_passphrase: take("matrix", "store_passphrase"),
            discord_token: take("discord", "token"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secrets = Secrets { discord_token: Some(Secret::new("hunter2-token")), ..Secrets::default() };
        let shown = format!("{secrets:?} {:?}", Secret::new("pw"));
        assert!(!shown.contains("hunter2") && !shown.contains("pw\""), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn secrets_are_removed_from_the_environment_map() {
        let mut env: HashMap<String, String> = [
            ("X_DISCORD__TOKEN", "t"),
            ("X_MATRIX__PASSWORD", " "),
            ("X_MATRIX__USER_ID", "@bot:hs"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let secrets = Secrets::take_from(&mut env, "X");
        assert_eq!(secrets.discord_token.as_ref().map(Secret::expose), Some("t"));
        assert!(secrets.matrix_password.is_none(), "blank counts as unset");
        assert_eq!(env.len(), 1);
        assert!(env.contains_key("X_MATRIX__USER_ID"));
    }
}
