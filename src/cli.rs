//! The command line: clap arguments mapped onto a [`Command`] (or `serve`, or
//! a measuring tool) in one match, asked through the same door of the
//! [`Core`] the chat adapters use, rendered as text or `--json`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::core::{AddSource, Command, Core, DigestWindow, Refresh, Request};
use crate::error::Error;
use crate::render::{json, text};
use crate::reply::{Reply, ToolOutput};

/// Answers chip-industry questions from curated reports, with citations.
#[derive(Debug, Parser)]
#[command(name = "chipbot", version, about)]
pub struct Cli {
    /// Extra config file, applied on top of config/default.toml and config/local.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Machine-readable JSON output (shapes in docs/json.md).
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
    /// Bring the index up to date and report what changed (or, with --check,
    /// check the reports folder and exit non-zero on any problem).
    Index {
        /// Re-read and re-index every report.
        #[arg(long, conflicts_with = "check")]
        full: bool,
        /// Check every report (metadata, canonical publisher, unique URL, no
        /// passage shared with another report) without indexing.
        #[arg(long)]
        check: bool,
        /// With --check: a folder of source texts (`<report id>.txt`, `.md`,
        /// `.html`, `.pdf`); no report may copy a long run of words from one.
        #[arg(long, requires = "check", value_name = "DIR")]
        sources: Option<PathBuf>,
    },
    /// List the figures found in one report file.
    Extract { file: PathBuf },
    /// Print a digest of the reports indexed since the last `chipbot digest`
    /// (or since --since). Without --dry-run, the next run starts where this
    /// one ended; chat targets are not affected. With --status or --resend,
    /// look after the scheduled posts instead.
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
        /// List the scheduled posts not yet delivered (pending, being sent, failed).
        #[arg(long, conflicts_with_all = ["name", "dry_run", "since", "resend"])]
        status: bool,
        /// Queue the failed scheduled post ID (from --status) to be sent again.
        #[arg(long, value_name = "ID", conflicts_with_all = ["name", "dry_run", "since"])]
        resend: Option<i64>,
    },
    /// Propose a report for the curation queue: a web link, or a local PDF,
    /// HTML, Markdown or text file. Prints a preview and the queue item id.
    Add {
        /// The link (http or https) or the file.
        source: String,
        /// A note for the admins who decide.
        #[arg(long)]
        note: Option<String>,
    },
    /// List the proposed reports waiting for a decision, oldest first.
    Queue,
    /// Read the `[[feeds]]` now (or the one named) and propose their new entries.
    Feeds {
        #[arg(long)]
        name: Option<String>,
    },
    /// Write a proposed report into the reports folder and index it.
    Approve { id: i64 },
    /// Turn a proposed report down.
    Reject {
        id: i64,
        /// Why (shown to the proposer and kept in the audit log).
        reason: Vec<String>,
    },
    /// Set fields of a proposed report: `edit 12 published=2025-06-05 publisher="TrendForce"`.
    Edit {
        id: i64,
        /// key=value pairs (title, publisher, url, published, authors, companies, topics, region, language, id).
        #[arg(required = true)]
        changes: Vec<String>,
    },
    /// List the audit log (reindexes and curation), newest first.
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
    let code = runtime.block_on(run(cli));
    // Work left on the blocking pool (an index update a stop interrupted, a
    // DNS lookup of an unreachable chat server) must not hold the process
    // after its answer; the index keeps its last commit.
    runtime.shutdown_timeout(SHUTDOWN_WAIT);
    code
}

/// How long the process waits for blocking work once a command is done.
const SHUTDOWN_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

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

/// A measuring tool (`eval`, `bench`), run with the settings once loaded.
type Tool = Box<dyn FnOnce(&Settings) -> crate::Result<ToolOutput> + Send>;

/// What a subcommand is: the bot itself, a measuring tool, or a command
/// for the core.
enum Run {
    Serve,
    Tool(Tool),
    Command { command: Command, repeat: u32, chart: Option<PathBuf> },
}

/// The one match over the subcommands.
fn plan(command: &CliCommand) -> Run {
    let run = |command| Run::Command { command, repeat: 1, chart: None };
    match command {
        CliCommand::Serve => Run::Serve,
        CliCommand::Eval(args) => {
            let args = args.clone();
            Run::Tool(Box::new(move |settings| crate::eval::run(&args, settings)))
        }
        #[cfg(feature = "bench")]
        CliCommand::Bench(args) => {
            let args = args.clone();
            Run::Tool(Box::new(move |settings| crate::bench::run(&args, settings)))
        }
        CliCommand::Ask { question, top, repeat } => {
            Run::Command { command: Command::Ask { question: question.join(" "), top: *top }, repeat: (*repeat).max(1), chart: None }
        }
        CliCommand::Figures { query, chart } => Run::Command {
            command: Command::Figures { query: query.join(" "), chart: chart.is_some() },
            repeat: 1,
            chart: chart.clone(),
        },
        CliCommand::Sources => run(Command::Sources),
        CliCommand::Index { check: true, sources, .. } => run(Command::CheckReports { sources: sources.clone() }),
        CliCommand::Index { full, .. } => run(Command::Index { full: *full }),
        CliCommand::Extract { file } => run(Command::Extract { path: file.clone() }),
        CliCommand::Digest { status: true, .. } => run(Command::DigestPosts),
        CliCommand::Digest { resend: Some(id), .. } => run(Command::ResendDigestPost { id: *id }),
        CliCommand::Digest { name, dry_run, since, .. } => {
            run(Command::Digest { name: name.clone(), window: DigestWindow::Since(*since), dry_run: *dry_run })
        }
        CliCommand::Audit { limit } => run(Command::Audit { limit: *limit }),
        CliCommand::Add { source, note } => run(add_command(source, note.clone())),
        CliCommand::Queue => run(Command::Queue),
        CliCommand::Feeds { name } => run(Command::Feeds { name: name.clone() }),
        CliCommand::Approve { id } => run(Command::Approve { id: *id }),
        CliCommand::Reject { id, reason } => {
            let reason = reason.join(" ");
            run(Command::Reject { id: *id, reason: (!reason.trim().is_empty()).then_some(reason) })
        }
        CliCommand::Edit { id, changes } => run(match crate::core::command::key_values(&changes.join(" ")) {
            Ok(changes) => Command::Edit { id: *id, changes },
            Err(problem) => Command::Usage { word: "edit", problem },
        }),
    }
}

/// `add <link|file>`: a link is fetched by the core; a file is read here
/// (the core checks its size and type like an attachment's).
fn add_command(source: &str, note: Option<String>) -> Command {
    let trimmed = source.trim();
    let path = std::path::Path::new(trimmed);
    if trimmed.contains("://") {
        return Command::Add { source: AddSource::Url(trimmed.to_string()), note };
    }
    // Larger files are refused by the core's own limit; this only keeps a
    // huge file from being read into memory first.
    const MOST_READ: u64 = 256 * 1024 * 1024;
    match std::fs::metadata(path) {
        Err(_) => return Command::Usage { word: "add", problem: format!("there is no file {} (a link must start with http:// or https://)", path.display()) },
        Ok(meta) if meta.len() > MOST_READ => return Command::Usage { word: "add", problem: format!("{} is too large to propose", path.display()) },
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => Command::Add {
            source: AddSource::File { name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), bytes: std::sync::Arc::new(bytes) },
            note,
        },
        Err(e) => Command::Usage { word: "add", problem: format!("{} could not be read ({e})", path.display()) },
    }
}

async fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(&cli, &e.into()),
    };
    let (command, repeat, chart_path) = match plan(&cli.command) {
        Run::Serve => {
            return match crate::serve::serve(settings).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&cli, &e),
            };
        }
        Run::Tool(tool) => {
            return match crate::task::blocking(move || tool(&settings)).await {
                Ok(output) => {
                    let text = if cli.json { format!("{:#}\n", output.json) } else { output.text };
                    let _ = std::io::stdout().write_all(text.as_bytes());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&cli, &e),
            };
        }
        Run::Command { command, repeat, chart } => (command, repeat, chart),
    };
    let started = std::time::Instant::now();
    // `index` reports the update itself, so opening must not do it first.
    let refresh = match command {
        // `index` and `approve` report or make the update themselves.
        Command::Index { .. } | Command::Approve { .. } => Refresh::Later,
        // These never search: the index on disk is left exactly as it is.
        Command::Audit { .. }
        | Command::DigestPosts
        | Command::ResendDigestPost { .. }
        | Command::CheckReports { .. }
        | Command::Add { .. }
        | Command::Queue
        | Command::Reject { .. }
        | Command::Edit { .. }
        | Command::Feeds { .. }
        | Command::Usage { .. } => Refresh::Untouched,
        // A question is answered while reports changed in place are looked
        // for; what that finds is printed after the answer.
        Command::Ask { .. } | Command::Figures { .. } => Refresh::Overlapped,
        _ => Refresh::OnOpen,
    };
    let core = match Core::start(settings, refresh).await {
        Ok(core) => core,
        Err(e) => return fail(&cli, &e),
    };
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "index ready");
    let request = Request::cli(command);
    for _ in 1..repeat {
        let _ = core.handle(request.clone()).await;
    }
    let reply = match core.handle(request).await {
        Ok(reply) => reply,
        Err(e) => {
            // The background check still finishes, so that what it found is
            // indexed now rather than found again by the next question.
            if refresh == Refresh::Overlapped {
                core.settle().await;
            }
            return fail(&cli, &e);
        }
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
    if refresh == Refresh::Overlapped {
        for notice in core.settle().await {
            eprintln!("note: {notice}");
        }
    }
    match &reply {
        Reply::ReportCheck(outcome) if !outcome.problems.is_empty() => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
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
        | Error::Curation(_)
        | Error::Gazetteer(_)
        | Error::Chat { .. }
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
