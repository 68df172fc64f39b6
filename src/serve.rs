//! `chipbot serve`: opens the core once and runs every configured chat
//! adapter in front of it until SIGINT or SIGTERM, then shuts them down
//! gracefully through one cancellation token. Next to the adapters it runs
//! the digest service when `[[digest]]` entries exist (it builds the
//! [`PosterRegistry`] the adapters register their posters in), and the
//! reports watcher when `index.watch` is on, and tells proposers the
//! decisions on their proposals, again after a stop or an outage until
//! they are told. Each adapter is handed its own settings.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::core::{Core, Notifier, ProposerNotice, Refresh};
use crate::digest::PosterRegistry;
use crate::error::{Error, Result};
use crate::store::Store;

/// Runs the configured bots until a shutdown signal, or until one fails.
pub async fn serve(settings: Settings) -> Result<()> {
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    serve_until(settings, shutdown).await
}

/// Like [`serve`], stopping when `shutdown` is cancelled (tests cancel it).
pub async fn serve_until(settings: Settings, shutdown: CancellationToken) -> Result<()> {
    let wanted = wanted_adapters(&settings)?;
    tracing::info!("opening the index; new and changed reports are indexed first");
    // Opening brings the index up to date first, which can take a while on a
    // large reports folder; a stop asked for meanwhile ends it (the index
    // keeps its last commit).
    let core = tokio::select! {
        core = Core::start(settings, Refresh::OnOpen) => core?,
        () = shutdown.cancelled() => {
            tracing::info!("stopped while opening the index");
            return Ok(());
        }
    };
    let posters = PosterRegistry::default();
    let opener = core.clone();
    let store = crate::task::blocking(move || opener.open_store()).await;
    let mut tasks: JoinSet<Result<()>> = JoinSet::new();
    match &store {
        Ok(store) => {
            let notifier = Arc::new(PostingNotifier {
                posters: posters.clone(),
                store: store.clone(),
                runtime: tokio::runtime::Handle::current(),
                sending: Arc::default(),
            });
            core.set_notifier(notifier.clone());
            tasks.spawn(tell_proposers(core.clone(), notifier, posters.clone(), shutdown.clone()));
        }
        // Questions are still answered; digests need the store and stop here (below).
        Err(e) => tracing::error!(error = %e, "the state store cannot be opened: proposers are not told decisions"),
    }
    for adapter in wanted {
        tracing::info!(adapter, "starting");
        spawn_adapter(&mut tasks, adapter, &core, &posters, shutdown.clone());
    }
    if !core.settings().digests.is_empty() {
        let store = store?;
        tracing::info!(digests = core.settings().digests.len(), "starting the digest service");
        tasks.spawn(crate::digest::run_scheduler(core.clone(), store, posters.clone(), shutdown.clone()));
    }
    if !core.settings().feeds.is_empty() {
        tracing::info!(feeds = core.settings().feeds.len(), "starting the feed service");
        tasks.spawn(crate::digest::run_feeds(core.clone(), posters.clone(), crate::digest::Clock::System, shutdown.clone()));
    }
    if core.settings().index.watch {
        tracing::info!("watching the reports directory");
        tasks.spawn(crate::watch::run(core.clone(), shutdown.clone()));
    }
    let mut outcome = Ok(());
    while let Some(joined) = tasks.join_next().await {
        let result = joined.map_err(|e| Error::Task(e.to_string())).and_then(|r| r);
        if let Err(e) = result {
            tracing::error!(error = %e, "a service stopped with an error; shutting down the others");
            shutdown.cancel();
            if outcome.is_ok() {
                outcome = Err(e);
            }
        }
    }
    tracing::info!("all services stopped");
    outcome
}

/// Tells proposers the outcome through the connected adapters' posters, and
/// records each notice delivered.
struct PostingNotifier {
    posters: PosterRegistry,
    store: Store,
    runtime: tokio::runtime::Handle,
    /// Queue items whose notice is being sent, so that a retry pass and a new
    /// decision never send one twice at the same time.
    sending: Arc<Mutex<HashSet<i64>>>,
}

impl Notifier for PostingNotifier {
    fn notify(&self, notice: ProposerNotice) {
        let Some(poster) = self.posters.get(notice.platform) else {
            tracing::info!(platform = %notice.platform, item = notice.item, "the proposer is told once the adapter connects");
            return;
        };
        if !self.sending.lock().is_ok_and(|mut sending| sending.insert(notice.item)) {
            return;
        }
        let (store, sending) = (self.store.clone(), self.sending.clone());
        self.runtime.spawn(async move {
            let post_key = crate::store::OutboxKey { digest: notice.key.clone(), target: notice.place.clone(), slot: chrono::DateTime::UNIX_EPOCH }.post_key();
            match poster.post(&notice.place, &notice.reply, &post_key).await {
                Ok(()) => {
                    let item = notice.item;
                    match store.call(move |s| s.mark_told(item, chrono::Utc::now())).await {
                        Ok(_) => tracing::info!(item, place = %notice.place, "told the proposer"),
                        Err(e) => tracing::warn!(item, error = %e, "told the proposer, but could not record it; they may be told again"),
                    }
                }
                Err(e) => tracing::warn!(item = notice.item, place = %notice.place, error = %e.message, "could not tell the proposer; trying again later"),
            }
            if let Ok(mut sending) = sending.lock() {
                sending.remove(&notice.item);
            }
        });
    }
}

/// How often decisions whose proposers were not told are tried again while
/// their adapter stays connected (they are also tried whenever one connects).
const TELL_AGAIN_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Sends the notices of decisions whose proposers were not told (the
/// adapter was down, the bot was stopped, or the decision came from the
/// CLI): whenever an adapter connects, and every [`TELL_AGAIN_EVERY`].
async fn tell_proposers(core: Core, notifier: Arc<PostingNotifier>, posters: PosterRegistry, shutdown: CancellationToken) -> Result<()> {
    loop {
        for platform in posters.platforms() {
            let reader = core.clone();
            match crate::task::blocking(move || reader.proposer_notices(platform)).await {
                Ok(notices) => {
                    for notice in notices {
                        notifier.notify(notice);
                    }
                }
                Err(e) => tracing::warn!(%platform, error = %e, "could not read which proposers to tell"),
            }
        }
        tokio::select! {
            () = posters.connected() => {}
            () = tokio::time::sleep(TELL_AGAIN_EVERY) => {}
            () = shutdown.cancelled() => return Ok(()),
        }
    }
}

/// Starts one compiled-in adapter.
// Without chat features no arm uses the arguments.
#[allow(unused_variables)]
fn spawn_adapter(tasks: &mut JoinSet<Result<()>>, adapter: &str, core: &Core, posters: &PosterRegistry, token: CancellationToken) {
    match adapter {
        #[cfg(feature = "matrix")]
        "matrix" => {
            let settings = core.settings().matrix.clone();
            tasks.spawn(crate::adapters::matrix::run(core.clone(), settings, posters.clone(), token));
        }
        #[cfg(feature = "discord")]
        "discord" => {
            let settings = core.settings().discord.clone();
            tasks.spawn(crate::adapters::discord::run(core.clone(), settings, posters.clone(), token));
        }
        _ => unreachable!("wanted_adapters only names compiled adapters"),
    }
}

/// The adapters the settings ask for; an error when none is configured or one
/// is configured but not compiled in.
fn wanted_adapters(settings: &Settings) -> Result<Vec<&'static str>> {
    let mut wanted = Vec::new();
    let mut missing = Vec::new();
    if settings.matrix.is_configured() {
        if cfg!(feature = "matrix") { wanted.push("matrix") } else { missing.push("matrix") }
    }
    if settings.secrets.discord_token.is_some() {
        if cfg!(feature = "discord") { wanted.push("discord") } else { missing.push("discord") }
    }
    if !missing.is_empty() {
        return Err(Error::Config(format!(
            "{} configured, but this binary was built without it; rebuild with `--features {}`",
            missing.join(" and "),
            missing.join(",")
        )));
    }
    if wanted.is_empty() {
        return Err(Error::Config(
            "nothing to serve: set matrix.homeserver_url and matrix.user_id, or CHIPBOT_DISCORD__TOKEN".into(),
        ));
    }
    Ok(wanted)
}

/// Cancels `token` on the first SIGINT or SIGTERM; a second one ends the
/// process at once (status 1), for an operator who will not wait for the
/// replies still being sent.
async fn cancel_on_signal(token: CancellationToken) {
    let mut signals = StopSignals::new();
    signals.next().await;
    tracing::info!("shutdown signal received");
    token.cancel();
    signals.next().await;
    tracing::warn!("second shutdown signal: exiting now, without waiting for the replies still being sent");
    std::process::exit(1);
}

/// SIGINT and, on Unix, SIGTERM.
struct StopSignals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn new() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let term = signal(SignalKind::terminate())
                .map_err(|e| tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the bot"))
                .ok();
            StopSignals { term }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    /// Waits for the next stop signal.
    async fn next(&mut self) {
        #[cfg(unix)]
        if let Some(term) = self.term.as_mut() {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_configured_is_a_clear_error() {
        let err = wanted_adapters(&Settings::default()).expect_err("nothing to serve");
        assert!(err.to_string().contains("CHIPBOT_DISCORD__TOKEN"), "{err}");
    }
}
