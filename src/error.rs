//! The library's error type. Every variant carries enough context for a log
//! line, and [`Error::user_message`] gives the short text a chat user sees.

use std::path::PathBuf;

impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Self {
        Error::Config(e.0)
    }
}

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside chipbot.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration could not be loaded or failed validation.
    #[error("configuration error: {0}")]
    Config(String),

    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A report file exists but could not be understood.
    #[error("{}:{line}: {reason}", path.display())]
    Report {
        path: PathBuf,
        line: usize,
        reason: String,
    },

    /// Two report files declare the same `id`.
    #[error("duplicate report id `{id}` in {} (already used by {})", second.display(), first.display())]
    DuplicateId {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },

    /// The reports directory yielded nothing that could be indexed.
    #[error("no reports could be loaded from {}{}", dir.display(), failure_list(failed))]
    NoReports {
        dir: PathBuf,
        /// (file, reason) for files that were found but could not be loaded.
        failed: Vec<(String, String)>,
    },

    /// The search index failed in a way a rebuild could not fix.
    #[error("search index error: {0}")]
    Index(String),

    /// The user sent an empty question.
    #[error("empty query")]
    EmptyQuery,

    /// The user sent a question longer than the configured maximum.
    #[error("query of {len} characters exceeds the limit of {max}")]
    QueryTooLong { len: usize, max: usize },

    /// The gazetteer of companies and products could not be loaded.
    #[error("gazetteer: {0}")]
    Gazetteer(#[from] crate::figures::GazetteerError),

    /// The measure lexicon could not be loaded.
    #[error("measures: {0}")]
    Measures(#[from] MeasuresError),

    /// A chart could not be drawn.
    #[error("chart: {0}")]
    Chart(String),

    /// A measured quality figure fell below its required floor.
    #[error("{metric} is {value:.4}, below the floor of {floor:.4}")]
    BelowFloor { metric: &'static str, value: f64, floor: f64 },

    /// A chat platform could not be reached or refused the bot.
    #[error("{platform}: {message}")]
    Chat { platform: &'static str, message: String },

    /// The state database could not be opened or used.
    #[error("state store {}: {message}", path.display())]
    Store { path: PathBuf, message: String },

    /// A reindex was requested while another one runs.
    #[error("a reindex is already running")]
    ReindexRunning,

    /// A reindex was refused; the current index stays in use.
    #[error("reindex refused: {0}; the current index stays in use")]
    ReindexRefused(String),

    /// A digest request that cannot be served as asked (unknown name, ...).
    #[error("digest: {0}")]
    Digest(String),

    /// The request was refused for who sent it (not an admin); the text is
    /// the reply.
    #[error("{0}")]
    Refused(String),

    /// A chat user sent too many commands; they may try again after `wait`.
    #[error("rate limited for {} s", wait.as_secs())]
    RateLimited { wait: std::time::Duration },

    /// A blocking task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),

    /// A proposed report could not be fetched, read or admitted; the text
    /// says why in words for the proposer ("the site refused the request (HTTP 403)").
    #[error("{0}")]
    Curation(String),
}

/// " (a.md: reason; b.md: reason)" for the first few failures.
fn failure_list(failed: &[(String, String)]) -> String {
    if failed.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = failed.iter().take(3).map(|(file, reason)| format!("{file}: {reason}")).collect();
    let more = if failed.len() > 3 { format!("; and {} more", failed.len() - 3) } else { String::new() };
    format!(" ({}{more})", shown.join("; "))
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A short, friendly message suitable for a chat reply. Internal details
    /// (paths, error chains) stay in the logs.
    pub fn user_message(&self) -> String {
        match self {
            Error::Config(_) => "The bot is misconfigured; an operator has to fix its settings.".into(),
            Error::Io { .. } | Error::Index(_) | Error::Task(_) => {
                "Something went wrong while searching the reports. Please try again shortly.".into()
            }
            Error::Report { path, line, reason } => format!(
                "The report {} could not be read (line {line}: {reason}).",
                path.display()
            ),
            Error::DuplicateId { id, .. } => format!("Two reports use the same id `{id}`."),
            Error::NoReports { .. } => "No reports are available to search yet.".into(),
            Error::EmptyQuery => {
                "Please ask a question, for example: `ask What share of China's AI chip market will Huawei hold?`"
                    .into()
            }
            Error::QueryTooLong { len, max } => format!(
                "That question is {len} characters long; the limit is {max}. Please shorten it."
            ),
            Error::Gazetteer(_) => "The list of known companies could not be loaded.".into(),
            Error::Measures(_) => "The list of measure words could not be loaded.".into(),
            Error::Chart(reason) => format!("The chart could not be drawn: {reason}."),
            Error::BelowFloor { .. } => self.to_string(),
            Error::Store { .. } => "The bot's state database could not be used; an operator has to check it.".into(),
            Error::ReindexRunning => "A reindex is already running; please wait for it to finish.".into(),
            Error::Digest(message) => message.clone(),
            Error::ReindexRefused(reason) => {
                format!("Reindex refused: {reason}. Questions are still answered from the current index.")
            }
            Error::Chat { .. } => "The chat service could not be reached. Please try again shortly.".into(),
            Error::Refused(message) | Error::Curation(message) => message.clone(),
            Error::RateLimited { wait } => {
                let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
                format!("You're sending commands too fast. Please try again in {secs} s.")
            }
        }
    }
}

/// A measure lexicon that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum MeasuresError {
    #[error("cannot read the measure lexicon {}: {source} (a relative path is looked up from the working directory; set figures.measures to point elsewhere)", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("measure lexicon {}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_wait_is_rounded_up_to_whole_seconds() {
        let message = |ms| Error::RateLimited { wait: std::time::Duration::from_millis(ms) }.user_message();
        assert!(message(200).contains("in 1 s"));
        assert!(message(12_100).contains("in 13 s"));
    }

    #[test]
    fn user_messages_hide_internal_paths_for_io_errors() {
        let err = Error::io("/secret/place", std::io::Error::other("boom"));
        assert!(!err.user_message().contains("/secret"));
        assert!(err.to_string().contains("/secret/place"));
    }

    #[test]
    fn too_long_message_names_both_numbers() {
        let msg = Error::QueryTooLong { len: 612, max: 500 }.user_message();
        assert!(msg.contains("612") && msg.contains("500"));
    }
}
