//! The one door into chipbot. Every entry point (the CLI, the Matrix and
//! Discord adapters, watch mode, the digest scheduler) hands a [`Request`]
//! (who asks, what they ask) to [`Core::handle`]. The rules about *who* live
//! here and nowhere else: the admin check, the audit record of every
//! reindex outcome (done, busy, failed, refused), per-user rate limits for
//! chat, the digest watermark of the command line, and the hop onto the
//! blocking pool. What is asked is answered by the [`Engine`] below; the
//! reply is platform-neutral and each entry point only renders it.

pub mod command;
mod curation;
pub mod glob;
mod origin;
mod ratelimit;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

pub use command::{help_text, AddSource, Command, DigestWindow, UnknownCommand};
pub use origin::{Origin, Sender};
pub use ratelimit::RateLimiter;

pub use crate::answer::{Engine, Refresh};
pub use crate::config::Platform;
use crate::config::{DigestSettings, Settings};
use crate::error::{Error, Result};
use crate::reply::{IndexSummary, Reply};
use crate::store::{AuditOutcome, AuditRecord, OutboxState, Store};
use crate::task::blocking;

/// The watermark target of digests printed by the command line.
pub const CLI_TARGET: &str = "cli";

/// A command and who asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub origin: Origin,
    pub command: Command,
}

impl Request {
    /// A request from the command line's user.
    pub fn cli(command: Command) -> Request {
        Request { origin: Origin::cli(), command }
    }

    /// A request from a chat user.
    pub fn chat(sender: &Sender, command: Command) -> Request {
        Request { origin: Origin::Chat(sender.clone()), command }
    }
}

/// The core: cheap to clone and shared by every entry point of a process.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    limiter: RateLimiter,
    /// Set while a reindex runs; a second one is refused, not queued.
    reindexing: AtomicBool,
    /// The state store (audit log, watermarks), opened on first use.
    store: Mutex<Option<Store>>,
    /// Delivers notes outside replies (a proposer told the outcome); set by
    /// `serve` once the adapters are up.
    notifier: std::sync::RwLock<Option<Arc<dyn Notifier>>>,
}

/// Sends a reply to a place (a Discord channel, a Matrix room) outside the
/// conversation a command came from. The core only defines it; `serve`
/// connects it to the adapters, so the core never imports them.
pub trait Notifier: Send + Sync {
    /// Sends `notice` in the background and returns at once. Once it is
    /// delivered, the sender records it with [`Core::proposer_told`]; one
    /// that is not (the adapter is down, the bot stops) is sent again from
    /// [`Core::proposer_notices`].
    fn notify(&self, notice: ProposerNotice);
}

/// A decision on a chat proposal, to be told where it was proposed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposerNotice {
    /// The queue item decided.
    pub item: i64,
    pub platform: Platform,
    /// The channel or room of the proposal.
    pub place: String,
    pub reply: Reply,
    /// The same for every attempt at this notice (sending it twice posts it once where the platform allows).
    pub key: String,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core").field("engine", &self.inner.engine).finish_non_exhaustive()
    }
}

impl Core {
    /// Opens the engine (see [`Engine::open_with`]) behind a new core. Blocking.
    pub fn open(settings: Settings, refresh: Refresh) -> Result<Core> {
        let core = Core::new(Engine::open_with(settings, refresh)?);
        // An approval a stop interrupted is finished or undone before anything else.
        if core.settings().index.data_dir.join(crate::store::FILE_NAME).is_file() {
            if let Err(e) = core.repair_curation() {
                tracing::error!(error = %e, "could not check the curation queue for interrupted approvals");
            }
        }
        Ok(core)
    }

    /// [`Core::open`] on the blocking pool.
    pub async fn start(settings: Settings, refresh: Refresh) -> Result<Core> {
        blocking(move || Core::open(settings, refresh)).await
    }

    /// Waits for the engine's background check for changed reports (after
    /// opening with [`Refresh::Overlapped`]) and returns what no answer has
    /// said yet.
    pub async fn settle(&self) -> Vec<String> {
        let engine = self.inner.engine.clone();
        blocking(move || Ok(engine.settle())).await.unwrap_or_else(|e| vec![e.user_message()])
    }

    /// A core in front of an open engine.
    pub fn new(engine: Engine) -> Core {
        let chat = &engine.settings().chat;
        let limiter = RateLimiter::new(chat.rate_limit_count, Duration::from_secs(chat.rate_limit_window_secs));
        let inner = Inner { engine, limiter, reindexing: AtomicBool::new(false), store: Mutex::new(None), notifier: std::sync::RwLock::new(None) };
        Core { inner: Arc::new(inner) }
    }

    /// Connects the notifier that tells proposers the outcome of their proposals.
    pub fn set_notifier(&self, notifier: Arc<dyn Notifier>) {
        if let Ok(mut slot) = self.inner.notifier.write() {
            *slot = Some(notifier);
        }
    }

    pub(crate) fn notifier(&self) -> Option<Arc<dyn Notifier>> {
        self.inner.notifier.read().ok().and_then(|n| n.clone())
    }

    /// The settings the core runs with.
    pub fn settings(&self) -> &Settings {
        self.inner.engine.settings()
    }

    /// The message-command prefix (`!`).
    pub fn prefix(&self) -> &str {
        &self.settings().chat.prefix
    }

    /// Whether a reindex is running right now.
    pub fn reindex_running(&self) -> bool {
        self.inner.reindexing.load(Ordering::Acquire)
    }

    /// Handles one request: who may ask, then the answer, on the blocking pool.
    pub async fn handle(&self, request: Request) -> Result<Reply> {
        let Request { origin, command } = request;
        let word = command.word();
        let settings = self.settings();
        if command.requires_admin() && !origin.is_admin(&settings.admins) {
            tracing::warn!(platform = %origin.platform(), user = %origin.user(), command = word, "refused admin command");
            let message = format!("Sorry, only chipbot admins can run `{}{word}`.", self.prefix());
            let audited = match &command {
                Command::Index { full } => Some(Some(*full)),
                Command::Queue | Command::Approve { .. } | Command::Reject { .. } | Command::Edit { .. } | Command::Feeds { .. } => Some(None),
                _ => None,
            };
            if let Some(full) = audited {
                let (core, origin, summary) = (self.clone(), origin.clone(), message.clone());
                let refused = blocking(move || {
                    match full {
                        Some(full) => core.audit(Utc::now(), &origin, full, AuditOutcome::Refused, summary),
                        None => core.audit_curation(&origin, word, AuditOutcome::Refused, summary),
                    }
                    Ok(())
                });
                if let Err(e) = refused.await {
                    tracing::error!(error = %e, "audit task failed");
                }
            }
            return Err(Error::Refused(message));
        }
        if command == Command::Help {
            let prefix = if origin.sender().is_some() { self.prefix() } else { "" };
            let (reports, newest) = self.inner.engine.reach();
            let reach = crate::reply::reach_line(reports, newest);
            return Ok(Reply::Help { text: format!("{}\n\nThe index holds {reach}.", help_text(prefix)) });
        }
        if let Some(sender) = origin.sender() {
            let key = format!("{}:{}", sender.platform, sender.user_id);
            if let Err(wait) = self.inner.limiter.check(&key) {
                tracing::info!(platform = %sender.platform, user = %sender.user_id, wait_s = wait.as_secs(), "rate limited");
                return Err(Error::RateLimited { wait });
            }
        }
        let core = self.clone();
        let started = Instant::now();
        let reply = blocking(move || core.execute(&origin, command)).await;
        let elapsed_us = started.elapsed().as_micros() as u64;
        match &reply {
            Ok(_) => tracing::info!(command = word, elapsed_us, "command answered"),
            Err(e) => tracing::warn!(command = word, elapsed_us, error = %e, "command failed"),
        }
        reply
    }

    /// [`Core::handle`] for chat: an error becomes its user-facing message.
    pub async fn reply(&self, request: Request) -> Reply {
        let origin = request.origin.clone();
        match self.handle(request).await {
            Ok(reply) => reply,
            Err(e) => {
                if !matches!(e, Error::Refused(_) | Error::RateLimited { .. }) {
                    tracing::warn!(platform = %origin.platform(), user = %origin.user(), error = ?e, "command failed");
                }
                Reply::Error { message: e.user_message() }
            }
        }
    }

    /// Handles a chat message: a command with the prefix, else `None`.
    pub async fn reply_to_text(&self, sender: &Sender, text: &str) -> Option<Reply> {
        match Command::from_chat(text, self.prefix())? {
            Ok(command) => Some(self.reply(Request::chat(sender, command)).await),
            Err(UnknownCommand(word)) => Some(Reply::Error {
                message: format!("Unknown command `{word}`. Try `{}help`.", self.prefix()),
            }),
        }
    }

    /// Handles text addressed to the bot by a mention: a command with the
    /// prefix, or else a question.
    pub async fn reply_to_mention(&self, sender: &Sender, text: &str) -> Reply {
        match self.reply_to_text(sender, text).await {
            Some(reply) => reply,
            None => {
                let question = text.trim().to_string();
                self.reply(Request::chat(sender, Command::Ask { question, top: None })).await
            }
        }
    }

    /// Runs `command` for `origin` on the current thread.
    fn execute(&self, origin: &Origin, command: Command) -> Result<Reply> {
        let engine = &self.inner.engine;
        match command {
            Command::Ask { question, top } => engine.ask(&question, top).map(Reply::Answer),
            Command::Figures { query, chart } => {
                let answer = engine.figures(&query)?;
                Ok(crate::render::chart::figures_reply(answer, chart, self.settings().chart.font.as_deref()))
            }
            Command::Sources => Ok(Reply::Sources(engine.sources()?)),
            Command::Help => Ok(Reply::Help { text: help_text("") }),
            Command::Index { full } => self.reindex(origin, full).map(Reply::Indexed),
            Command::Digest { name, window, dry_run } => self.digest(origin, name.as_deref(), window, dry_run),
            Command::Audit { limit } => self.open_store()?.audit_log(limit).map(Reply::Audit),
            Command::DigestPosts => self.open_store()?.open_posts().map(Reply::DigestPosts),
            Command::ResendDigestPost { id } => self.resend_digest_post(id),
            Command::Extract { path } => engine.extract(&path).map(|figures| Reply::Extracted { figures }),
            Command::Add { source, note } => self.add(origin, source, note),
            Command::Queue => self.queue(origin),
            Command::Approve { id } => self.approve(origin, id),
            Command::Reject { id, reason } => self.reject(origin, id, reason),
            Command::Edit { id, changes } => self.edit(origin, id, &changes),
            #[cfg(feature = "curation")]
            Command::Feeds { name } => self.run_feeds(origin, name.as_deref()),
            #[cfg(not(feature = "curation"))]
            Command::Feeds { .. } => Err(Error::Curation("this chipbot was built without feeds (the `curation` feature)".into())),
            Command::Usage { word, problem } => {
                let usage = crate::core::command::command_help(word).map(|h| format!(" Usage: {}{}{}", self.prefix(), h.word, h.arguments)).unwrap_or_default();
                Err(Error::Curation(format!("{problem}.{usage}")))
            }
            Command::CheckReports { sources } => {
                let settings = self.settings();
                let publishers = crate::report::Publishers::load(&settings.index.publishers)?;
                let today = Utc::now().date_naive();
                crate::report::check_dir(&settings.index.reports_dir, &publishers, today, sources.as_deref()).map(Reply::ReportCheck)
            }
        }
    }

    /// Queues a failed digest post to be sent again; the running digest
    /// service (or the next `serve`) sends it under its post key.
    fn resend_digest_post(&self, id: i64) -> Result<Reply> {
        let row = self.open_store()?.requeue(id, Utc::now())?;
        let row = row.ok_or_else(|| Error::Digest(format!("there is no digest post #{id}; `chipbot digest --status` lists them")))?;
        match row.state {
            OutboxState::Pending => Ok(Reply::DigestPostQueued(row)),
            OutboxState::Sent => Err(Error::Digest(format!(
                "post #{id} was delivered{}; there is nothing to send again",
                row.sent_at.map(|t| t.format(" at %Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
            ))),
            OutboxState::Sending | OutboxState::Failed => Err(Error::Digest(format!(
                "post #{id} is being sent by a running bot, or one that stopped mid-send; a bot sends it again under the same key when it starts"
            ))),
        }
    }

    /// One reindex at a time, audited whatever its outcome.
    fn reindex(&self, origin: &Origin, full: bool) -> Result<IndexSummary> {
        let requested = Utc::now();
        let flag = &self.inner.reindexing;
        let result = if flag.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_err() {
            Err(Error::ReindexRunning)
        } else {
            // Cleared on every exit, including a panic.
            struct Running<'a>(&'a AtomicBool);
            impl Drop for Running<'_> {
                fn drop(&mut self) {
                    self.0.store(false, Ordering::Release);
                }
            }
            let _running = Running(flag);
            self.inner.engine.update_index(full)
        };
        let (outcome, summary) = match &result {
            Ok(summary) => (AuditOutcome::Ok, summary_text(summary)),
            Err(Error::ReindexRunning) => (AuditOutcome::Busy, Error::ReindexRunning.to_string()),
            Err(e) => (AuditOutcome::Error, e.to_string()),
        };
        self.audit(requested, origin, full, outcome, summary);
        result
    }

    /// Writes an audit record; a store failure is logged, not returned, so
    /// the request's own outcome still reaches the user.
    fn audit(&self, at: DateTime<Utc>, origin: &Origin, full: bool, outcome: AuditOutcome, summary: String) {
        let record = AuditRecord {
            id: 0,
            at,
            action: "reindex".into(),
            platform: origin.platform(),
            user_id: origin.user().to_string(),
            full,
            outcome,
            summary,
        };
        if let Err(e) = self.open_store().and_then(|store| store.record_audit(&record)) {
            tracing::error!(error = %e, platform = %record.platform, user = %record.user_id, "could not write the audit record");
        }
    }

    /// The state store in the data directory, opened on first use. Blocking.
    pub fn open_store(&self) -> Result<Store> {
        let mut slot = self.inner.store.lock().map_err(|_| Error::Task("store lock poisoned".into()))?;
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = Store::open(&self.settings().index.data_dir)?;
        *slot = Some(store.clone());
        Ok(store)
    }

    /// A digest for `origin`: the scheduler's exact window, a chat user's
    /// on-demand period, or the command line's since its last run (moved on
    /// unless `dry_run`).
    fn digest(&self, origin: &Origin, name: Option<&str>, window: DigestWindow, dry_run: bool) -> Result<Reply> {
        let spec = self.digest_spec(name)?;
        let now = Utc::now();
        let (since, until) = match (window, origin) {
            (DigestWindow::Between { since, until }, _) => (since, until),
            (DigestWindow::Since(None), Origin::Cli { .. }) => {
                let mark = self.open_store()?.watermark(&spec.name, CLI_TARGET)?;
                (mark.unwrap_or_else(|| digest_start(&spec, None, now)), now)
            }
            (DigestWindow::Since(date), _) => (digest_start(&spec, date, now), now),
        };
        let digest = self.inner.engine.digest(&spec, since, until)?;
        if matches!(origin, Origin::Cli { .. }) && !dry_run {
            self.open_store()?.advance_watermark(&spec.name, CLI_TARGET, now, now)?;
        }
        Ok(Reply::Digest(digest))
    }

    /// The configured digest called `name`; without a name, the only one
    /// configured, or an unfiltered default when none is.
    pub fn digest_spec(&self, name: Option<&str>) -> Result<DigestSettings> {
        let digests = &self.settings().digests;
        let names = || digests.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ");
        match name {
            Some(name) => digests.iter().find(|d| d.name.eq_ignore_ascii_case(name)).cloned().ok_or_else(|| {
                if digests.is_empty() {
                    Error::Digest(format!("No digest named `{name}`: none is configured."))
                } else {
                    Error::Digest(format!("No digest named `{name}`. Configured: {}.", names()))
                }
            }),
            None => match digests.as_slice() {
                [] => Ok(DigestSettings::fallback()),
                [only] => Ok(only.clone()),
                _ => Err(Error::Digest(format!("Several digests are configured; name one of: {}.", names()))),
            },
        }
    }
}

/// Where an on-demand digest starts: midnight of `since` in the digest's
/// time zone, else the start of the schedule's last full period.
pub fn digest_start(spec: &DigestSettings, since: Option<NaiveDate>, now: DateTime<Utc>) -> DateTime<Utc> {
    let tz = spec.schedule.timezone();
    let from_date = since.and_then(|d| tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN)).earliest());
    match from_date {
        Some(start) => start.with_timezone(&Utc),
        None => spec.schedule.period_start_before(now).unwrap_or(now - chrono::Duration::days(7)),
    }
}

/// The audit summary of a reindex: counts, failures and time.
fn summary_text(s: &IndexSummary) -> String {
    let mut text = s.counts_line();
    for (file, reason) in &s.failed {
        text.push_str(&format!("; {file}: {reason}"));
    }
    text
}
