//! The poise commands. Each one builds a single [`Command`] variant from its
//! typed arguments and hands it to [`handlers::respond`]; the rules (admin
//! check, rate limit, errors as messages) live in the core, not here. Slash
//! and prefix forms share one function per command.

use super::handlers::{respond, Request};
use super::{errors, send, Context, Data, HandlerError};
use poise::serenity_prelude as serenity;

use crate::core::{AddSource, Command};

/// The framework's settings: the commands, the prefix from `[chat]`, mentions
/// of the bot as a prefix, and an error handler that always answers.
pub fn framework_options(prefix: &str) -> poise::FrameworkOptions<Data, HandlerError> {
    poise::FrameworkOptions {
        commands: vec![ask(), figures(), sources(), help(), digest(), reindex(), add(), queue(), approve(), reject(), edit()],
        on_error: |error| Box::pin(errors::on_error(error)),
        allowed_mentions: Some(send::no_mentions()),
        initialize_owners: false,
        prefix_options: poise::PrefixFrameworkOptions {
            prefix: Some(prefix.to_string().into()),
            mention_as_prefix: true,
            case_insensitive_commands: true,
            ignore_bots: true,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Answer a question with cited snippets and figures
#[poise::command(slash_command, prefix_command, aliases("a"))]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. Who leads the HBM market?"]
    #[rest]
    question: String,
) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Ask { question, top: None })).await
}

/// Show the figures table for a query, with a chart when figures compare
#[poise::command(slash_command, prefix_command, aliases("figs"))]
pub async fn figures(
    ctx: Context<'_>,
    #[description = "What to chart, e.g. HBM market share 2025"]
    #[rest]
    query: String,
) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Figures { query, chart: true })).await
}

/// List what is indexed: reports by publisher and year, the newest ones
#[poise::command(slash_command, prefix_command)]
pub async fn sources(ctx: Context<'_>) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Sources)).await
}

/// Show the commands and the query syntax
#[poise::command(slash_command, prefix_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Help)).await
}

/// What is new in the reports: a digest, optionally since a date
#[poise::command(slash_command, prefix_command)]
pub async fn digest(
    ctx: Context<'_>,
    #[description = "Which configured digest (default: the only or first one)"] name: Option<String>,
    #[description = "Start date, YYYY-MM-DD (default: since the last digest)"] since: Option<String>,
) -> Result<(), HandlerError> {
    // The same reading as `!digest [name] [YYYY-MM-DD]`.
    let words = [&name, &since].into_iter().flatten().flat_map(|s| s.split_whitespace());
    respond(ctx, Request::Command(Command::digest_from_words(words))).await
}

/// Bring the index up to date (chipbot admins only)
#[poise::command(slash_command, prefix_command, default_member_permissions = "MANAGE_GUILD")]
pub async fn reindex(
    ctx: Context<'_>,
    #[description = "Re-read every report, not only changed ones"]
    #[flag]
    full: bool,
) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Index { full })).await
}

// The curation commands. Their prefix forms take the same arguments; when
// poise cannot read them ("!approve soon"), the shared chat parser answers
// with the command's usage.

/// Propose a report: a link, or a PDF, HTML, Markdown or text file
#[poise::command(slash_command, prefix_command)]
pub async fn add(
    ctx: Context<'_>,
    #[description = "Link to the report (http or https)"] url: Option<String>,
    #[description = "Or the report as a file"] file: Option<serenity::Attachment>,
    #[description = "A note for the admins"]
    #[rest]
    note: Option<String>,
) -> Result<(), HandlerError> {
    let command = match (url, file) {
        (Some(url), _) if url.contains("://") => Command::Add { source: AddSource::Url(url.trim_matches(['<', '>']).to_string()), note },
        (first, Some(file)) => {
            // "!add quarterly review" with a file: the words are the note.
            let note = match (first, note) {
                (Some(a), Some(b)) => Some(format!("{a} {b}")),
                (a, b) => a.or(b),
            };
            let most = ctx.data().core.settings().curation.max_bytes;
            if u64::from(file.size) > most {
                Command::Usage { word: "add", problem: format!("`{}` is larger than the {} MB limit", file.filename, most.div_ceil(1024 * 1024)) }
            } else {
                match file.download().await {
                    Ok(bytes) => Command::Add { source: AddSource::File { name: file.filename.clone(), bytes: std::sync::Arc::new(bytes) }, note },
                    Err(_) => Command::Usage { word: "add", problem: format!("`{}` could not be downloaded from Discord", file.filename) },
                }
            }
        }
        (Some(url), None) => Command::Add { source: AddSource::Url(url), note },
        (None, None) => Command::Usage { word: "add", problem: "Give a link or attach a file".into() },
    };
    respond(ctx, Request::Command(command)).await
}

/// Proposed reports waiting for a decision (chipbot admins only)
#[poise::command(slash_command, prefix_command, default_member_permissions = "MANAGE_GUILD")]
pub async fn queue(ctx: Context<'_>) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Queue)).await
}

/// Add a proposed report to the index (chipbot admins only)
#[poise::command(slash_command, prefix_command, default_member_permissions = "MANAGE_GUILD")]
pub async fn approve(ctx: Context<'_>, #[description = "Queue item number"] id: i64) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Approve { id })).await
}

/// Turn a proposed report down (chipbot admins only)
#[poise::command(slash_command, prefix_command, default_member_permissions = "MANAGE_GUILD")]
pub async fn reject(
    ctx: Context<'_>,
    #[description = "Queue item number"] id: i64,
    #[description = "Why, for the proposer"]
    #[rest]
    reason: Option<String>,
) -> Result<(), HandlerError> {
    respond(ctx, Request::Command(Command::Reject { id, reason })).await
}

/// Set fields of a proposed report (chipbot admins only)
#[poise::command(slash_command, prefix_command, default_member_permissions = "MANAGE_GUILD")]
pub async fn edit(
    ctx: Context<'_>,
    #[description = "Queue item number"] id: i64,
    #[description = "key=value pairs, e.g. published=2025-06-05 publisher=TrendForce"]
    #[rest]
    changes: String,
) -> Result<(), HandlerError> {
    let command = match crate::core::command::key_values(&changes) {
        Ok(changes) => Command::Edit { id, changes },
        Err(problem) => Command::Usage { word: "edit", problem },
    };
    respond(ctx, Request::Command(command)).await
}
