//! `[curation]`: how reports proposed from chat or the CLI (`add`) are
//! fetched and admitted.

use serde::Deserialize;

/// Settings of the curation queue and of page fetching.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CurationSettings {
    /// An admin's own `add` is approved at once.
    pub auto_approve_admins: bool,
    /// Fetch from loopback, private, link-local and unique-local addresses
    /// (tests with a loopback server; never on a bot that strangers can reach).
    pub allow_private_addresses: bool,
    /// Largest page or file accepted, in bytes (checked while downloading).
    pub max_bytes: u64,
    /// Seconds to wait for a connection.
    pub connect_timeout_secs: u64,
    /// Seconds a whole fetch may take, redirects included.
    pub timeout_secs: u64,
    /// Redirects followed at most.
    pub max_redirects: usize,
}

impl Default for CurationSettings {
    fn default() -> Self {
        CurationSettings {
            auto_approve_admins: false,
            allow_private_addresses: false,
            max_bytes: 25 * 1024 * 1024,
            connect_timeout_secs: 10,
            timeout_secs: 30,
            max_redirects: 5,
        }
    }
}

impl CurationSettings {
    /// What is wrong with the settings, one message per problem.
    pub(super) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.max_bytes < 1024 {
            out.push("curation.max_bytes must be at least 1024".to_string());
        }
        if self.connect_timeout_secs == 0 || self.timeout_secs == 0 {
            out.push("curation.connect_timeout_secs and curation.timeout_secs must be at least 1".to_string());
        }
        if self.max_redirects > 20 {
            out.push("curation.max_redirects must be at most 20".to_string());
        }
        out
    }
}
