//! The closed set of commands every front end speaks. Chat adapters parse a
//! message with [`Command::from_chat`] (Discord's slash commands build the
//! variants from their typed options); the CLI builds the same variants from
//! its arguments.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

/// Something a user asked chipbot to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Answer a question with cited snippets and figures.
    Ask { question: String, top: Option<usize> },
    /// List the figures for a query, optionally with a chart.
    Figures { query: String, chart: bool },
    /// Summarise what is indexed.
    Sources,
    /// Show the commands and query syntax.
    Help,
    /// Bring the index up to date (`full` re-reads every file).
    Index { full: bool },
    /// What is new in the reports: the digest `name` (or the only/default
    /// one) over `window`. `dry_run` leaves the command line's watermark
    /// where it is.
    Digest { name: Option<String>, window: DigestWindow, dry_run: bool },
    /// List the reindex audit log, newest first (admins only).
    Audit { limit: usize },
    /// List the scheduled digest posts not yet delivered: pending, being
    /// sent, or failed (admins only).
    DigestPosts,
    /// Queue the failed digest post `id` to be sent again (admins only).
    ResendDigestPost { id: i64 },
    /// List the figures found in one report file (CLI only).
    Extract { path: PathBuf },
    /// Check the reports folder: metadata, canonical publishers, unique
    /// URLs, no shared passages, and none copied from the source texts in
    /// `sources` where given (CLI only).
    CheckReports { sources: Option<PathBuf> },
    /// Propose a report from a link or a file for the curation queue.
    Add { source: AddSource, note: Option<String> },
    /// The pending curation queue, oldest first (admins only).
    Queue,
    /// Write a queued report into the reports folder and index it (admins only).
    Approve { id: i64 },
    /// Turn a queued report down (admins only).
    Reject { id: i64, reason: Option<String> },
    /// Set front-matter fields of a queued report (admins only).
    Edit { id: i64, changes: Vec<(String, String)> },
    /// Read the configured feeds (or the one named) and propose their new
    /// entries (admins only; the feed service runs it on each feed's schedule).
    Feeds { name: Option<String> },
    /// A known command with arguments it cannot use: the problem and the
    /// command's usage are the reply.
    Usage { word: &'static str, problem: String },
}

/// What `add` proposes.
#[derive(Debug, Clone, PartialEq)]
pub enum AddSource {
    /// A web address to fetch.
    Url(String),
    /// A file's name (never used as a path) and contents: an attachment, or
    /// a file the CLI read.
    File { name: String, bytes: std::sync::Arc<Vec<u8>> },
}

/// The reports a digest covers, by when they were indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestWindow {
    /// Since midnight of a date in the digest's time zone; without one, the
    /// schedule's last full period (chat) or since the command line's last
    /// recorded digest (CLI).
    Since(Option<NaiveDate>),
    /// Exactly `(since, until]`: a scheduled post.
    Between { since: DateTime<Utc>, until: DateTime<Utc> },
}

impl Command {
    /// The command's word in chat (`reindex` for [`Command::Index`]), for
    /// messages and logs.
    pub fn word(&self) -> &'static str {
        match self {
            Command::Ask { .. } => "ask",
            Command::Figures { .. } => "figures",
            Command::Sources => "sources",
            Command::Help => "help",
            Command::Index { .. } => "reindex",
            Command::Digest { .. } => "digest",
            Command::Audit { .. } => "audit",
            Command::DigestPosts | Command::ResendDigestPost { .. } => "digest",
            Command::Extract { .. } => "extract",
            Command::CheckReports { .. } => "index --check",
            Command::Add { .. } => "add",
            Command::Queue => "queue",
            Command::Approve { .. } => "approve",
            Command::Reject { .. } => "reject",
            Command::Edit { .. } => "edit",
            Command::Feeds { .. } => "feeds",
            Command::Usage { word, .. } => word,
        }
    }

    /// Commands that only admins may run.
    pub fn requires_admin(&self) -> bool {
        matches!(
            self,
            Command::Index { .. }
                | Command::Audit { .. }
                | Command::DigestPosts
                | Command::ResendDigestPost { .. }
                | Command::Queue
                | Command::Approve { .. }
                | Command::Reject { .. }
                | Command::Edit { .. }
                | Command::Feeds { .. }
        )
    }
}

/// A chat message that starts with the prefix but names no known command.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownCommand(pub String);

impl Command {
    /// Parses a chat message. Returns `None` when the message is not addressed
    /// to the bot (no prefix), and an error for an unknown command word.
    pub fn from_chat(message: &str, prefix: &str) -> Option<Result<Command, UnknownCommand>> {
        let rest = message.trim_start().strip_prefix(prefix)?;
        let (word, argument) = match rest.find(char::is_whitespace) {
            Some(at) => (&rest[..at], rest[at..].trim()),
            None => (rest, ""),
        };
        let command = match word.to_ascii_lowercase().as_str() {
            "ask" | "a" => Command::Ask { question: argument.to_string(), top: None },
            "figures" | "figs" => Command::Figures { query: argument.to_string(), chart: true },
            "sources" => Command::Sources,
            "help" => Command::Help,
            "reindex" => Command::Index { full: argument.trim_start_matches('-').eq_ignore_ascii_case("full") },
            "digest" => Command::digest_from_words(argument.split_whitespace()),
            "add" => Command::add_from_text(argument),
            "queue" => Command::Queue,
            "feeds" => Command::Feeds { name: argument.split_whitespace().next().map(|n| n.chars().take(64).collect()) },
            "approve" => Command::with_id("approve", argument, |id, _| Command::Approve { id }),
            "reject" => Command::with_id("reject", argument, |id, rest| Command::Reject { id, reason: (!rest.is_empty()).then(|| rest.chars().take(500).collect()) }),
            "edit" => Command::with_id("edit", argument, |id, rest| match key_values(rest) {
                Ok(changes) => Command::Edit { id, changes },
                Err(problem) => Command::Usage { word: "edit", problem },
            }),
            "" => return None,
            other => return Some(Err(UnknownCommand(other.chars().take(40).collect()))),
        };
        Some(Ok(command))
    }
}

impl Command {
    /// `digest [name] [YYYY-MM-DD]`: a word that is a date is the start, the
    /// first other word the name. Chat text and Discord's typed options are
    /// read the same way.
    pub fn digest_from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Command {
        let mut name = None;
        let mut since = None;
        for word in words {
            match NaiveDate::parse_from_str(word, "%Y-%m-%d") {
                Ok(date) => since = Some(date),
                Err(_) if name.is_none() => name = Some(word.chars().take(64).collect()),
                Err(_) => {}
            }
        }
        Command::Digest { name, window: DigestWindow::Since(since), dry_run: false }
    }
}

impl Command {
    /// `add <url> [note]`: the first word is the link, the rest a note.
    pub fn add_from_text(argument: &str) -> Command {
        let mut words = argument.splitn(2, char::is_whitespace);
        match words.next().filter(|w| !w.is_empty()) {
            Some(url) => Command::Add {
                source: AddSource::Url(url.trim_matches(['<', '>']).to_string()),
                note: words.next().map(|n| n.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty()),
            },
            None => Command::Usage { word: "add", problem: "Give a link (or attach a file)".into() },
        }
    }

    /// A command whose first word is a queue item number.
    fn with_id(word: &'static str, argument: &str, make: impl FnOnce(i64, &str) -> Command) -> Command {
        let mut words = argument.splitn(2, char::is_whitespace);
        let first = words.next().unwrap_or_default().trim_start_matches('#');
        match first.parse::<i64>() {
            Ok(id) if id > 0 => make(id, words.next().unwrap_or_default().trim()),
            _ => Command::Usage { word, problem: format!("`{}` is not a queue item number", first.chars().take(20).collect::<String>()) },
        }
    }
}

/// `key=value` pairs; a value runs to the next ` key=` ("title=HBM prices rise published=2025-06-05").
pub fn key_values(text: &str) -> Result<Vec<(String, String)>, String> {
    static PAIR: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?:^|\s)([A-Za-z_]+)=").expect("static key=value pattern"));
    let starts: Vec<(usize, usize, String)> =
        PAIR.captures_iter(text).filter_map(|c| Some((c.get(0)?.start(), c.get(0)?.end(), c.get(1)?.as_str().to_string()))).collect();
    if starts.is_empty() || !text[..starts[0].0].trim().is_empty() {
        return Err("Write the changes as key=value, for example published=2025-06-05".into());
    }
    Ok(starts
        .iter()
        .enumerate()
        .map(|(i, (_, end, key))| {
            let stop = starts.get(i + 1).map_or(text.len(), |next| next.0);
            (key.clone(), text[*end..stop].trim().trim_matches('"').to_string())
        })
        .collect())
}

/// One chat command as help shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandHelp {
    /// The command word (`ask`).
    pub word: &'static str,
    /// Its arguments as written after the word (` <question>`).
    pub arguments: &'static str,
    /// What it does.
    pub about: &'static str,
    /// The slash-command form with example options.
    pub slash: &'static str,
}

/// Every chat command, in the order help lists them: the one source of the
/// help text and of Discord's slash-command list.
pub const COMMAND_HELP: [CommandHelp; 11] = [
    CommandHelp {
        word: "ask",
        arguments: " <question>",
        about: "cited snippets and the figures they give",
        slash: "/ask question: What share of the HBM market did SK hynix hold?",
    },
    CommandHelp {
        word: "figures",
        arguments: " <query>",
        about: "a table of figures (with a chart when they compare)",
        slash: "/figures query: HBM market share 2025",
    },
    CommandHelp { word: "sources", arguments: "", about: "what is indexed", slash: "/sources" },
    CommandHelp { word: "help", arguments: "", about: "this text", slash: "/help" },
    CommandHelp {
        word: "digest",
        arguments: " [name] [YYYY-MM-DD]",
        about: "what is new in the reports (since a date)",
        slash: "/digest name: since: 2026-01-01",
    },
    CommandHelp {
        word: "add",
        arguments: " <link> [note]",
        about: "propose a report (or attach a PDF, HTML, Markdown or text file)",
        slash: "/add url: https://example.com/report note:",
    },
    CommandHelp {
        word: "reindex",
        arguments: " [full]",
        about: "bring the index up to date (admins only)",
        slash: "/reindex full: (admins only)",
    },
    CommandHelp { word: "queue", arguments: "", about: "proposed reports waiting for a decision (admins only)", slash: "/queue" },
    CommandHelp { word: "approve", arguments: " <id>", about: "add a proposed report to the index (admins only)", slash: "/approve id: 12" },
    CommandHelp { word: "reject", arguments: " <id> [reason]", about: "turn a proposed report down (admins only)", slash: "/reject id: 12 reason:" },
    CommandHelp {
        word: "edit",
        arguments: " <id> key=value ...",
        about: "set a proposed report's title, publisher, published, url, ... (admins only)",
        slash: "/edit id: 12 changes: published=2025-06-05",
    },
];

/// The help of the command `word`.
pub fn command_help(word: &str) -> Option<&'static CommandHelp> {
    COMMAND_HELP.iter().find(|c| c.word == word)
}

/// The help text, with chat commands written with `prefix`.
pub fn help_text(prefix: &str) -> String {
    let commands: String =
        COMMAND_HELP.iter().map(|c| format!("{prefix}{}{}: {}\n", c.word, c.arguments, c.about)).collect();
    format!(
        "chipbot answers questions from curated chip-industry reports, citing its sources.\n\n\
         Commands:\n\
         {commands}\n\
         Query syntax:\n\
         free words: Huawei AI chip market share\n\
         \"exact phrase\": \"CoWoS capacity\"\n\
         filters: company:huawei topic:hbm publisher:trendforce region:china\n\
         dates: after:2025-01-01 before:2026-06-30 year:2024\n\
         words like latest or recent favour newer reports"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chat_commands() {
        assert_eq!(
            Command::from_chat("!ask  What is HBM? ", "!"),
            Some(Ok(Command::Ask { question: "What is HBM?".into(), top: None }))
        );
        assert_eq!(
            Command::from_chat("!FIGURES cowos", "!"),
            Some(Ok(Command::Figures { query: "cowos".into(), chart: true }))
        );
        assert_eq!(Command::from_chat("!sources", "!"), Some(Ok(Command::Sources)));
        assert_eq!(Command::from_chat("!help", "!"), Some(Ok(Command::Help)));
        assert_eq!(Command::from_chat("!reindex", "!"), Some(Ok(Command::Index { full: false })));
        assert_eq!(Command::from_chat("!reindex --full", "!"), Some(Ok(Command::Index { full: true })));
        assert_eq!(
            Command::from_chat("!digest", "!"),
            Some(Ok(Command::Digest { name: None, window: DigestWindow::Since(None), dry_run: false }))
        );
        assert_eq!(
            Command::from_chat("!digest weekly 2026-03-01", "!"),
            Some(Ok(Command::Digest {
                name: Some("weekly".into()),
                window: DigestWindow::Since(NaiveDate::from_ymd_opt(2026, 3, 1)),
                dry_run: false,
            }))
        );
    }

    #[test]
    fn ignores_messages_without_prefix() {
        assert_eq!(Command::from_chat("ask something", "!"), None);
        assert_eq!(Command::from_chat("!", "!"), None);
    }

    #[test]
    fn unknown_words_are_errors() {
        assert_eq!(
            Command::from_chat("!explode now", "!"),
            Some(Err(UnknownCommand("explode".into())))
        );
    }

    #[test]
    fn empty_ask_still_parses_so_the_engine_can_explain_usage() {
        assert_eq!(
            Command::from_chat("!ask", "!"),
            Some(Ok(Command::Ask { question: String::new(), top: None }))
        );
    }

    #[test]
    fn help_lists_every_command() {
        let expected = "chipbot answers questions from curated chip-industry reports, citing its sources.\n\n\
             Commands:\n\
             !ask <question>: cited snippets and the figures they give\n\
             !figures <query>: a table of figures (with a chart when they compare)\n\
             !sources: what is indexed\n\
             !help: this text\n\
             !digest [name] [YYYY-MM-DD]: what is new in the reports (since a date)\n\
             !add <link> [note]: propose a report (or attach a PDF, HTML, Markdown or text file)\n\
             !reindex [full]: bring the index up to date (admins only)\n\
             !queue: proposed reports waiting for a decision (admins only)\n\
             !approve <id>: add a proposed report to the index (admins only)\n\
             !reject <id> [reason]: turn a proposed report down (admins only)\n\
             !edit <id> key=value ...: set a proposed report's title, publisher, published, url, ... (admins only)\n\n\
             Query syntax:\n";
        assert!(help_text("!").starts_with(expected), "{}", help_text("!"));
    }

    #[test]
    fn curation_commands_are_parsed_with_their_arguments() {
        let parse = |text: &str| Command::from_chat(text, "!").expect("prefixed").expect("known");
        assert_eq!(
            parse("!add <https://example.com/a> worth a look"),
            Command::Add { source: AddSource::Url("https://example.com/a".into()), note: Some("worth a look".into()) }
        );
        assert_eq!(parse("!approve #12"), Command::Approve { id: 12 });
        assert_eq!(parse("!reject 3 not a primary source"), Command::Reject { id: 3, reason: Some("not a primary source".into()) });
        assert_eq!(
            parse("!edit 4 title=HBM prices rise published=2025-06-05"),
            Command::Edit { id: 4, changes: vec![("title".into(), "HBM prices rise".into()), ("published".into(), "2025-06-05".into())] }
        );
        assert!(matches!(parse("!edit 4 soon"), Command::Usage { word: "edit", .. }));
        assert!(matches!(parse("!approve"), Command::Usage { word: "approve", .. }));
        assert!(matches!(parse("!add"), Command::Usage { word: "add", .. }));
        assert!(parse("!approve 1").requires_admin() && !parse("!add https://x.test").requires_admin());
    }

    #[test]
    fn help_mentions_every_filter() {
        let text = help_text("!");
        for word in ["company:", "topic:", "publisher:", "after:", "before:", "!ask", "!digest"] {
            assert!(text.contains(word), "{word}");
        }
    }
}
