//! The command line: clap arguments mapped onto [`Command`], run through the
//! same [`Engine`] the chat adapters use, rendered as text or `--json`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::command::Command;
use crate::config::Settings;
use crate::engine::{Engine, Refresh};
use crate::error::Error;
use crate::render::{json, text};
use crate::reply::{Reply, ToolOutput};
use crate::store::AuditRecord;

/// Answers chip-industry questions from curated reports, with citations.
#[derive(Debug, Parser)]
#[command(name = "chipbot", version, about)]
pub struct Cli {
    /// Extra config file, applied on top of config/default.toml and config/local.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Machine-readable JSON output (see README for the shapes).
    #[arg(long, global = true)]
    pub json: bool,
    /// More logging (-v: timings, -vv: debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: CliCommand,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Answer a question with cited snippets and figures.
    Ask {
        /// The question (quote it, or pass it as several words).
        #[arg(required = true, num_args = 1..)]
        question: Vec<String>,
        /// Number of cited passages.
        #[arg(long)]
        top: Option<usize>,
        /// Answer this many times and log each timing (for measuring; use with -v).
        #[arg(long, default_value_t = 1)]
        repeat: u32,
    },
    /// List the figures for a query as a table.
    Figures {
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Also draw a PNG chart of comparable figures into FILE.
        #[arg(long, value_name = "FILE")]
        chart: Option<PathBuf>,
    },
    /// Summarise what is indexed.
    Sources,
    /// Bring the index up to date and report what changed.
    Index {
        /// Re-read and re-index every report.
        #[arg(long)]
        full: bool,
    },
    /// List the figures found in one report file.
    Extract { file: PathBuf },
    /// Print a digest of the reports indexed since the last `chipbot digest`
    /// (or since --since). Without --dry-run, the next run starts where this
    /// one ended; chat targets are not affected.
    Digest {
        /// Which `[[digest]]` entry (default: the only one configured).
        #[arg(long)]
        name: Option<String>,
        /// Print without recording that the terminal has seen this digest.
        #[arg(long)]
        dry_run: bool,
        /// Cover reports indexed since this date (YYYY-MM-DD, in the digest's time zone).
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
    },
    /// List the reindex audit log, newest first.
    Audit {
        /// Most records to list.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Run the chat bots configured in [matrix] and [discord] until SIGINT/SIGTERM.
    Serve,
    /// Measure ranking quality on a BEIR-format data set (nDCG@10, Recall@100, MRR@10).
    Eval(crate::eval::EvalArgs),
    /// Measure answer latency, build throughput and memory against raw tantivy and SQLite FTS5.
    #[cfg(feature = "bench")]
    Bench(crate::bench::BenchArgs),
}

/// Parses arguments, runs the command and prints the reply.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli))
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "chipbot=info,warn",
        _ => "chipbot=debug,info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

async fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(&cli, &e.into()),
    };
    if matches!(cli.command, CliCommand::Serve) {
        return match crate::serve::serve(settings).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&cli, &e),
        };
    }
    if let Some(outcome) = run_tool(&cli.command, &settings).await {
        return match outcome {
            Ok(output) => {
                let text = if cli.json { format!("{:#}\n", output.json) } else { output.text };
                let _ = std::io::stdout().write_all(text.as_bytes());
                ExitCode::SUCCESS
            }
            Err(e) => fail(&cli, &e),
        };
    }
    let started = std::time::Instant::now();
    // `index` reports the update itself, so opening must not do it first.
    let refresh = if matches!(cli.command, CliCommand::Index { .. } | CliCommand::Audit { .. }) { Refresh::Later } else { Refresh::OnOpen };
    let opened = tokio::task::spawn_blocking(move || Engine::open_with(settings, refresh)).await;
    let engine = match opened.map_err(|e| Error::Task(e.to_string())).and_then(|r| r) {
        Ok(engine) => engine,
        Err(e) => return fail(&cli, &e),
    };
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "index ready");
    if let Some(job) = store_job(&cli.command) {
        let outcome = tokio::task::spawn_blocking(move || job(&engine)).await;
        return match outcome.map_err(|e| Error::Task(e.to_string())).and_then(|r| r) {
            Ok(Output::Reply(reply)) => {
                print(&cli, &reply);
                ExitCode::SUCCESS
            }
            Ok(Output::Audit(records)) => {
                let _ = std::io::stdout().write_all(audit_text(&records, cli.json).as_bytes());
                ExitCode::SUCCESS
            }
            Err(e) => fail(&cli, &e),
        };
    }
    let (command, repeat, chart_path) = to_command(&cli.command);
    for _ in 1..repeat {
        let _ = engine.execute(command.clone()).await;
    }
    let reply = match engine.execute(command).await {
        Ok(reply) => reply,
        Err(e) => return fail(&cli, &e),
    };
    if let (Some(path), Reply::Figures { chart_png, .. }) = (chart_path, &reply) {
        match chart_png {
            Some(png) => {
                if let Err(e) = std::fs::write(&path, png) {
                    return fail(&cli, &Error::io(&path, e));
                }
                eprintln!("chart written to {}", path.display());
            }
            None => {
                print(&cli, &reply);
                eprintln!("error: no chart was drawn (see the notes above)");
                return ExitCode::FAILURE;
            }
        }
    }
    print(&cli, &reply);
    ExitCode::SUCCESS
}

/// Runs the measuring tools, which build their own indexes; `None` for the
/// commands that go through the engine.
async fn run_tool(command: &CliCommand, settings: &Settings) -> Option<crate::Result<ToolOutput>> {
    let settings = settings.clone();
    let job: Box<dyn FnOnce() -> crate::Result<ToolOutput> + Send> = match command {
        CliCommand::Eval(args) => {
            let args = args.clone();
            Box::new(move || crate::eval::run(&args, &settings))
        }
        #[cfg(feature = "bench")]
        CliCommand::Bench(args) => {
            let args = args.clone();
            Box::new(move || crate::bench::run(&args, &settings))
        }
        _ => return None,
    };
    Some(tokio::task::spawn_blocking(job).await.map_err(|e| Error::Task(e.to_string())).and_then(|r| r))
}

/// The watermark target of digests printed by the CLI.
pub const CLI_TARGET: &str = "cli";

/// What a store-backed command prints.
enum Output {
    Reply(Reply),
    Audit(Vec<AuditRecord>),
}

type StoreJob = Box<dyn FnOnce(&Engine) -> crate::Result<Output> + Send>;

/// The commands that use the state store (`index` writes an audit record).
fn store_job(command: &CliCommand) -> Option<StoreJob> {
    match command {
        CliCommand::Index { full } => {
            let full = *full;
            let user = std::env::var("USER").unwrap_or_else(|_| "cli".into());
            Some(Box::new(move |engine| engine.reindex_audited("cli", &user, full).map(|s| Output::Reply(Reply::Indexed(s)))))
        }
        CliCommand::Digest { name, dry_run, since } => {
            let (name, dry_run, since) = (name.clone(), *dry_run, *since);
            Some(Box::new(move |engine| cli_digest(engine, name.as_deref(), dry_run, since).map(Output::Reply)))
        }
        CliCommand::Audit { limit } => {
            let limit = *limit;
            Some(Box::new(move |engine| engine.store()?.audit_log(limit).map(Output::Audit)))
        }
        _ => None,
    }
}

/// `chipbot digest`: since --since, else since the last non-dry run, else the
/// schedule's last full period. A non-dry run records its end as the CLI's
/// watermark.
fn cli_digest(engine: &Engine, name: Option<&str>, dry_run: bool, since: Option<chrono::NaiveDate>) -> crate::Result<Reply> {
    let spec = engine.digest_spec(name)?;
    let store = engine.store()?;
    let now = chrono::Utc::now();
    let start = match since {
        Some(_) => Engine::digest_start(&spec, since, now),
        None => match store.watermark(&spec.name, CLI_TARGET)? {
            Some(mark) => mark,
            None => Engine::digest_start(&spec, None, now),
        },
    };
    let digest = engine.digest_blocking(&spec, start, now)?;
    if !dry_run {
        store.advance_watermark(&spec.name, CLI_TARGET, now, now)?;
    }
    Ok(Reply::Digest(digest))
}

/// The audit log as text lines, or as a JSON array.
fn audit_text(records: &[AuditRecord], as_json: bool) -> String {
    if as_json {
        let rows: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "at": r.at.to_rfc3339(),
                    "platform": r.platform,
                    "user": r.user_id,
                    "full": r.full,
                    "outcome": r.outcome.as_str(),
                    "summary": r.summary,
                })
            })
            .collect();
        return format!("{:#}\n", serde_json::Value::Array(rows));
    }
    if records.is_empty() {
        return "No reindex has been requested yet.\n".into();
    }
    let mut out = String::new();
    for r in records {
        let kind = if r.full { "full" } else { "incremental" };
        out.push_str(&format!(
            "{}  {:<8} {:<24} {:<11} {:<8} {}\n",
            r.at.format("%Y-%m-%d %H:%M:%S UTC"),
            r.platform,
            r.user_id,
            kind,
            r.outcome.as_str(),
            r.summary
        ));
    }
    out
}

fn to_command(command: &CliCommand) -> (Command, u32, Option<PathBuf>) {
    match command {
        CliCommand::Ask { question, top, repeat } => {
            (Command::Ask { question: question.join(" "), top: *top }, (*repeat).max(1), None)
        }
        CliCommand::Figures { query, chart } => {
            (Command::Figures { query: query.join(" "), chart: chart.is_some() }, 1, chart.clone())
        }
        CliCommand::Sources => (Command::Sources, 1, None),
        CliCommand::Index { full } => (Command::Index { full: *full }, 1, None),
        CliCommand::Extract { file } => (Command::Extract { path: file.clone() }, 1, None),
        // Tools never reach here: `run_tool` handles them first.
        CliCommand::Eval(_) | CliCommand::Serve | CliCommand::Digest { .. } | CliCommand::Audit { .. } => {
            (Command::Help, 1, None)
        }
        #[cfg(feature = "bench")]
        CliCommand::Bench(_) => (Command::Help, 1, None),
    }
}

fn print(cli: &Cli, reply: &Reply) {
    let out = if cli.json {
        format!("{:#}\n", json::render(reply))
    } else {
        let style = if std::io::stdout().is_terminal() { text::Highlight::Ansi } else { text::Highlight::Stars };
        text::render(reply, style)
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
}

fn fail(cli: &Cli, error: &Error) -> ExitCode {
    tracing::error!(error = %error, "command failed");
    let message = match error {
        Error::Config(_)
        | Error::Io { .. }
        | Error::Report { .. }
        | Error::NoReports { .. }
        | Error::Store { .. }
        | Error::ReindexRefused(_)
        | Error::Gazetteer(_)
        | Error::BelowFloor { .. } => {
            error.to_string()
        }
        _ => error.user_message(),
    };
    if cli.json {
        println!("{:#}", json::render(&Reply::Error { message }));
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::FAILURE
}
