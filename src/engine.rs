//! The core: owns the settings, the gazetteer and the search index, and turns
//! a [`Command`] into a platform-neutral [`Reply`]. Blocking work (tantivy
//! searches and commits, file reads) runs on tokio's blocking pool.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use sha2::{Digest as _, Sha256};

use crate::answer::{Composer, FigureScope, Measures, Question, CANDIDATES_PER_CITATION};
use crate::command::{help_text, Command};
use crate::config::{DigestSettings, Settings};
use crate::error::{Error, Result};
use crate::figures::{self, Gazetteer, GazetteerError};
use crate::query::{self, ParsedQuery};
use crate::reply::{Answer, Digest, IndexSummary, Reply, SourceLine, SourcesSummary};
use crate::store::{AuditOutcome, AuditRecord, Store};
use crate::search::{SearchIndex, Source, UpdateReport};

/// Citations shown by the `figures` command.
const FIGURE_PASSAGES: usize = 10;

/// The answer engine; cheap to clone and safe to share between tasks.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    gazetteer: Gazetteer,
    measures: Measures,
    index: SearchIndex,
    /// What opening the engine did, reported once: notices go into the first
    /// answer, a rebuild reason into the first `index` summary.
    startup: Mutex<Startup>,
    /// Set while a reindex runs; a second one is refused, not queued.
    reindexing: AtomicBool,
    /// The state store, opened on first use.
    store: Mutex<Option<Store>>,
}

#[derive(Default)]
struct Startup {
    notices: Vec<String>,
    rebuilt: Option<String>,
}

/// Whether [`Engine::open_with`] brings the index up to date right away.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refresh {
    /// Update from the reports folder while opening (answering commands).
    OnOpen,
    /// Leave updating to an explicit [`Engine::reindex`] (the `index` command).
    Later,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("index", &self.inner.index).finish_non_exhaustive()
    }
}

impl Engine {
    /// Loads the gazetteer, opens the index and brings it up to date. Blocking.
    pub fn open(settings: Settings) -> Result<Engine> {
        Self::open_with(settings, Refresh::OnOpen)
    }

    /// Like [`Engine::open`], choosing whether to update the index now.
    pub fn open_with(settings: Settings, refresh: Refresh) -> Result<Engine> {
        check_digest_queries(&settings)?;
        let gazetteer_path = &settings.figures.gazetteer;
        let gazetteer_text =
            std::fs::read_to_string(gazetteer_path).map_err(|source| GazetteerError::Io { path: gazetteer_path.clone(), source })?;
        let gazetteer_hash = format!("{:x}", Sha256::digest(gazetteer_text.as_bytes()));
        let gazetteer = Gazetteer::from_file_text(&gazetteer_text, gazetteer_path)?;
        let window = settings.index.passage_paragraphs;
        let (index, rebuilt) = SearchIndex::open(&settings.index.data_dir, &gazetteer_hash, window)?;
        let index = index.with_feedback(crate::search::Feedback::from_settings(&settings.answer));
        let measures = Measures::load(&settings.figures.measures, index.analyzer())?;
        let mut notices = Vec::new();
        let first_build = index.report_count() == 0;
        let rebuilt = rebuilt.filter(|r| r != "no index yet");
        if let Some(reason) = &rebuilt {
            notices.push(format!("Rebuilt the search index: {reason}."));
        }
        let source = Source { reports_dir: &settings.index.reports_dir, gazetteer: &gazetteer, window };
        let update = match refresh {
            Refresh::OnOpen => index.update(&source, false),
            Refresh::Later => Ok(UpdateReport::default()),
        };
        match update {
            Ok(report) => notices.extend(update_notices(&report, first_build)),
            Err(e) if index.report_count() > 0 => {
                tracing::warn!(error = %e, "could not refresh the index; serving the existing one");
                notices.push(format!("Could not refresh the index ({e}); answering from the existing index."));
            }
            Err(e) => return Err(e),
        }
        let startup = Mutex::new(Startup { notices, rebuilt });
        let inner = Inner {
            settings,
            gazetteer,
            measures,
            index,
            startup,
            reindexing: AtomicBool::new(false),
            store: Mutex::new(None),
        };
        Ok(Engine { inner: Arc::new(inner) })
    }

    /// The settings the engine runs with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Runs `command` on the blocking pool.
    pub async fn execute(&self, command: Command) -> Result<Reply> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.execute_blocking(command))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    }

    /// Runs `command` on the current thread.
    pub fn execute_blocking(&self, command: Command) -> Result<Reply> {
        let started = Instant::now();
        let kind = command.word();
        let reply = match command {
            Command::Ask { question, top } => self.ask(&question, top).map(Reply::Answer),
            Command::Figures { query, chart } => self.figures(&query, chart),
            Command::Sources => Ok(Reply::Sources(self.sources())),
            Command::Help => Ok(Reply::Help { text: help_text("") }),
            Command::Index { full } => self.reindex(full).map(Reply::Indexed),
            Command::Digest { name, since } => self.on_demand_digest(name.as_deref(), since).map(Reply::Digest),
            Command::Extract { path } => self.extract(&path),
        };
        let elapsed_us = started.elapsed().as_micros() as u64;
        match &reply {
            Ok(_) => tracing::info!(command = kind, elapsed_us, "command answered"),
            Err(e) => tracing::warn!(command = kind, elapsed_us, error = %e, "command failed"),
        }
        reply
    }

    /// Answers a question with up to `top` citations.
    pub fn ask(&self, question: &str, top: Option<usize>) -> Result<Answer> {
        let top = top.unwrap_or(self.settings().answer.top).clamp(1, 20);
        self.answer(question, top, FigureScope::Matching)
    }

    fn answer(&self, question: &str, top: usize, scope: FigureScope) -> Result<Answer> {
        let mut parsed = self.parse(question)?;
        let index = &self.inner.index;
        let inner = &self.inner;
        let read = Question::read(&parsed, &inner.measures, &inner.gazetteer, index.analyzer());
        tracing::debug!(ask = ?read.ask, measures = ?read.measures.iter().map(|m| &m.name).collect::<Vec<_>>(), kinds = ?read.kinds, subjects = ?read.subjects, years = ?read.years, topic = ?read.topic_terms, "question read");
        crate::answer::prepare_search(&mut parsed, &read, inner.settings.answer.expansion_weight, index.analyzer());
        let composer = Composer {
            settings: &inner.settings.answer,
            analyzer: index.analyzer(),
            gazetteer: &inner.gazetteer,
            measures: &inner.measures,
        };
        let hits = index.search_reachable(&parsed, top * CANDIDATES_PER_CITATION, composer.reach(&parsed, top))?;
        let mut answer = if hits.is_empty() {
            self.no_hits(&parsed)
        } else {
            let stats = index.term_stats(&read.topic_terms)?;
            composer.compose(&parsed, &read, hits, top, scope, &stats)
        };
        answer.notices.splice(0..0, self.take_startup_notices());
        Ok(answer)
    }

    fn parse(&self, question: &str) -> Result<ParsedQuery> {
        let mut parsed = query::parse(question, self.settings().answer.max_query_chars)?;
        let gazetteer = &self.inner.gazetteer;
        for company in &mut parsed.filters.companies {
            if let Some(canonical) = gazetteer.canonical(company) {
                *company = canonical.to_string();
            }
        }
        Ok(parsed)
    }

    fn no_hits(&self, parsed: &ParsedQuery) -> Answer {
        let suggestions = self.inner.index.suggest(&parsed.text_terms(), 5);
        let mut notices = parsed.notices.clone();
        let mut message = format!("No report matches \"{}\".", parsed.raw);
        if !parsed.filters.is_empty() {
            message.push_str(" Try removing a filter.");
        }
        notices.push(message);
        Answer { query: parsed.raw.clone(), suggestions, notices, ..Answer::default() }
    }

    fn figures(&self, query: &str, chart: bool) -> Result<Reply> {
        let mut answer = self.answer(query, FIGURE_PASSAGES, FigureScope::All)?;
        let chart_png = if chart && !answer.figures.is_empty() {
            match crate::chart::render_png(&answer, self.settings().chart.font.as_deref()) {
                Ok(chart) => {
                    answer.notices.extend(chart.notes);
                    if !chart.labelled {
                        answer.notices.push(
                            "No usable font was found, so the chart has no labels; set chart.font to a .ttf file."
                                .into(),
                        );
                    }
                    Some(chart.png)
                }
                Err(e) => {
                    answer.notices.push(e.user_message());
                    None
                }
            }
        } else {
            None
        };
        Ok(Reply::Figures { answer, chart_png })
    }

    fn sources(&self) -> SourcesSummary {
        // One generation, so the counts below describe the same index.
        let generation = self.inner.index.current();
        let meta = &generation.meta;
        let mut by_publisher: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_year: BTreeMap<i32, usize> = BTreeMap::new();
        for entry in meta.files.values() {
            *by_publisher.entry(entry.report.publisher.clone()).or_default() += 1;
            if let Some(date) = entry.report.published {
                *by_year.entry(date.year()).or_default() += 1;
            }
        }
        let mut by_publisher: Vec<(String, usize)> = by_publisher.into_iter().collect();
        by_publisher.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut newest: Vec<SourceLine> = meta
            .files
            .values()
            .map(|e| SourceLine {
                report_id: e.report.id.clone(),
                title: e.report.title.clone(),
                publisher: e.report.publisher.clone(),
                published: e.report.published,
                url: e.report.url.clone(),
            })
            .collect();
        newest.sort_by(|a, b| b.published.cmp(&a.published).then(a.report_id.cmp(&b.report_id)));
        newest.truncate(5);
        SourcesSummary {
            reports: meta.report_count(),
            passages: generation.passage_count(),
            by_publisher,
            by_year: by_year.into_iter().rev().collect(),
            newest,
        }
    }

    /// Brings the index up to date with the reports directory. Questions
    /// keep being answered from the current index until the new one is
    /// committed. Only one reindex runs at a time: a second request gets
    /// [`Error::ReindexRunning`].
    pub fn reindex(&self, full: bool) -> Result<IndexSummary> {
        let flag = &self.inner.reindexing;
        if flag.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_err() {
            return Err(Error::ReindexRunning);
        }
        // Cleared on every exit, including a panic.
        struct Running<'a>(&'a AtomicBool);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _running = Running(flag);
        self.reindex_now(full)
    }

    /// Whether a reindex is running right now.
    pub fn reindex_running(&self) -> bool {
        self.inner.reindexing.load(Ordering::Acquire)
    }

    /// Runs [`Engine::reindex`] and writes its audit record for `user` on
    /// `platform` (`cli`, `watch`, `matrix`, `discord`). Blocking.
    pub fn reindex_audited(&self, platform: &str, user: &str, full: bool) -> Result<IndexSummary> {
        let requested = Utc::now();
        let result = self.reindex(full);
        let (outcome, summary) = match &result {
            Ok(summary) => (AuditOutcome::Ok, summary_text(summary)),
            Err(Error::ReindexRunning) => (AuditOutcome::Busy, Error::ReindexRunning.to_string()),
            Err(e) => (AuditOutcome::Error, e.to_string()),
        };
        self.audit(AuditRecord {
            id: 0,
            at: requested,
            platform: platform.to_string(),
            user_id: user.to_string(),
            full,
            outcome,
            summary,
        });
        result
    }

    /// Writes an audit record; a store failure is logged, not returned, so the
    /// request's own outcome still reaches the user.
    pub fn audit(&self, record: AuditRecord) {
        let written = self.store().and_then(|store| store.record_audit(&record));
        if let Err(e) = written {
            tracing::error!(error = %e, platform = %record.platform, user = %record.user_id, "could not write the audit record");
        }
    }

    /// The state store in the data directory, opened on first use. Blocking.
    pub fn store(&self) -> Result<Store> {
        let mut slot = self.inner.store.lock().map_err(|_| Error::Task("store lock poisoned".into()))?;
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = Store::open(&self.inner.settings.index.data_dir)?;
        *slot = Some(store.clone());
        Ok(store)
    }

    /// The configured digest called `name`; without a name, the only one
    /// configured, or an unfiltered default when none is.
    pub fn digest_spec(&self, name: Option<&str>) -> Result<DigestSettings> {
        let digests = &self.inner.settings.digests;
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

    /// The digest `spec` for reports indexed in `(since, until]`, on the blocking pool.
    pub async fn digest(&self, spec: DigestSettings, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Digest> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.digest_blocking(&spec, since, until))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    }

    /// Like [`Engine::digest`], on the current thread.
    pub fn digest_blocking(&self, spec: &DigestSettings, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Digest> {
        let parse = |q: &str| self.parse(q);
        let composer = crate::digest::content::Composer { index: &self.inner.index, parse: &parse };
        composer.compose(spec, since, until)
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

    fn on_demand_digest(&self, name: Option<&str>, since: Option<NaiveDate>) -> Result<Digest> {
        let spec = self.digest_spec(name)?;
        let now = Utc::now();
        self.digest_blocking(&spec, Self::digest_start(&spec, since, now), now)
    }

    fn reindex_now(&self, full: bool) -> Result<IndexSummary> {
        let settings = &self.inner.settings;
        let dir = &settings.index.reports_dir;
        if !dir.is_dir() {
            return Err(Error::ReindexRefused(format!("the reports directory {} is missing", dir.display())));
        }
        let source = Source {
            reports_dir: &settings.index.reports_dir,
            gazetteer: &self.inner.gazetteer,
            window: settings.index.passage_paragraphs,
        };
        let mut report = self.inner.index.update(&source, full).map_err(|e| match e {
            e @ Error::NoReports { .. } => Error::ReindexRefused(format!("{e}, so the index would be empty")),
            other => other,
        })?;
        if let Ok(mut startup) = self.inner.startup.lock() {
            report.rebuilt = report.rebuilt.or(startup.rebuilt.take());
        }
        Ok(IndexSummary {
            added: report.added,
            updated: report.updated,
            removed: report.removed,
            unchanged: report.unchanged,
            failed: report.failed,
            rebuilt: report.rebuilt,
            elapsed_ms: report.elapsed_ms,
        })
    }

    fn extract(&self, path: &std::path::Path) -> Result<Reply> {
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            Error::io(path, std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))
        })?;
        let report = crate::report::load_file(dir, name)?;
        let figures = figures::extract(&report.body, &self.inner.gazetteer);
        Ok(Reply::Extracted { figures })
    }

    fn take_startup_notices(&self) -> Vec<String> {
        self.inner.startup.lock().map(|mut s| std::mem::take(&mut s.notices)).unwrap_or_default()
    }
}

/// Every digest's filter must parse as a query; the error names the digest.
fn check_digest_queries(settings: &Settings) -> Result<()> {
    let problems: Vec<String> = settings
        .digests
        .iter()
        .filter_map(|d| {
            let q = d.query.as_ref()?;
            let e = query::parse(q, settings.answer.max_query_chars).err()?;
            Some(format!("digest {:?}: query {q:?} is not valid ({e})", d.name))
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Config(problems.join("; ")))
    }
}

fn update_notices(report: &UpdateReport, first_build: bool) -> Vec<String> {
    let mut notices = Vec::new();
    if first_build && report.changed() {
        notices.push(format!("Built the search index from {} reports.", report.added.len()));
    } else if report.changed() {
        notices.push(format!(
            "Updated the index: {} added, {} updated, {} removed.",
            report.added.len(),
            report.updated.len(),
            report.removed.len()
        ));
    }
    if !report.failed.is_empty() {
        let names: Vec<&str> = report.failed.iter().map(|(f, _)| f.as_str()).take(3).collect();
        notices.push(format!(
            "{} report file(s) could not be indexed ({}); run `chipbot index` for the reasons.",
            report.failed.len(),
            names.join(", ")
        ));
        for (file, reason) in &report.failed {
            tracing::warn!(file = %file, %reason, "report skipped");
        }
    }
    notices
}

/// The audit summary of a reindex: counts, failures and time.
fn summary_text(s: &IndexSummary) -> String {
    let mut text = s.counts_line();
    for (file, reason) in &s.failed {
        text.push_str(&format!("; {file}: {reason}"));
    }
    text
}

