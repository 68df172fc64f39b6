//! The poise commands. Each one builds a single [`Command`] variant from its
//! typed arguments and hands it to [`handlers::respond`]; the rules (admin
//! check, rate limit, errors as messages) live in the core, not here. Slash
//! and prefix forms share one function per command.

use super::handlers::{respond, Request};
use super::{errors, send, Context, Data, HandlerError};
use crate::core::Command;

/// The framework's settings: the commands, the prefix from `[chat]`, mentions
/// of the bot as a prefix, and an error handler that always answers.
pub fn framework_options(prefix: &str) -> poise::FrameworkOptions<Data, HandlerError> {
    poise::FrameworkOptions {
        commands: vec![ask(), figures(), sources(), help(), digest(), reindex()],
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
