//! The answer engine: owns the gazetteer, the measure lexicon and the search
//! index, and answers what the core asks of them (a question, the figures
//! for a query, what is indexed, a digest's content, a report's figures,
//! bringing the index up to date). It knows nothing of who asks: that is
//! the core's business. Everything here is blocking; the core runs it on
//! tokio's blocking pool.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::thread::ScopedJoinHandle;
use std::time::Instant;

use chrono::Datelike;
use sha2::{Digest as _, Sha256};

use super::{Composer, FigureScope, Measures, Question, CANDIDATES_PER_CITATION};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::figures::{self, Figure, Gazetteer, GazetteerError};
use crate::query::{self, ParsedQuery};
use crate::reply::{Answer, IndexSummary, ReportRef, SourcesSummary};
use crate::report::{Publishers, SourceFile};
use crate::search::{Feedback, SearchIndex, Source};

mod freshness;

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
    publishers: Publishers,
    measures: Measures,
    index: SearchIndex,
    /// What opening the engine did, reported once: notices go into the first
    /// answer, a rebuild reason into the first index update.
    startup: Mutex<Startup>,
    /// The check for reports changed in place, when opening left it to a
    /// thread of its own ([`Refresh::Overlapped`]).
    verifier: Mutex<Option<std::thread::JoinHandle<()>>>,
}

#[derive(Default)]
struct Startup {
    notices: Vec<String>,
    rebuilt: Option<String>,
    /// Report files the background check found changed, while they are
    /// being indexed.
    changing: usize,
}

/// Whether [`Engine::open_with`] brings the index up to date right away.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refresh {
    /// Update from the reports folder while opening (answering commands).
    OnOpen,
    /// Index reports added or removed while opening (the folder is listed
    /// by name, without reading each file's size and time), then look for
    /// reports changed in place on a thread of its own while the engine
    /// already answers. An answer given while such a change is being
    /// indexed says so; [`Engine::settle`] waits for the check. For
    /// one-shot questions, whose first answer should not wait for 100,000
    /// `stat` calls.
    Overlapped,
    /// Leave updating to an explicit [`Engine::update_index`] (the `index` command).
    Later,
    /// Leave the index on disk exactly as it is, even when it is outdated
    /// (commands that do not search: the corpus check, the audit log, the
    /// curation queue). An outdated index is not opened at all.
    Untouched,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("index", &self.inner.index).finish_non_exhaustive()
    }
}

/// The data files that shape what is indexed, loaded, and one hash of them
/// all: the index is rebuilt when it changes.
pub(crate) struct IndexTables {
    pub gazetteer: Gazetteer,
    pub publishers: Publishers,
    pub hash: String,
}

impl IndexTables {
    /// Reads the gazetteer and the publisher table named in `settings`.
    pub fn load(settings: &Settings) -> Result<IndexTables> {
        let gazetteer_path = &settings.figures.gazetteer;
        let gazetteer_text =
            std::fs::read_to_string(gazetteer_path).map_err(|source| GazetteerError::Io { path: gazetteer_path.clone(), source })?;
        let publishers_path = &settings.index.publishers;
        let publishers_text = std::fs::read_to_string(publishers_path).map_err(|e| Error::io(publishers_path, e))?;
        let publishers = Publishers::from_file_text(&publishers_text, publishers_path)?;
        let mut tables = Sha256::new();
        tables.update(gazetteer_text.as_bytes());
        tables.update(b"\0publishers\0");
        tables.update(publishers_text.as_bytes());
        let hash = format!("{:x}", tables.finalize());
        let gazetteer = Gazetteer::from_file_text(&gazetteer_text, gazetteer_path)?;
        Ok(IndexTables { gazetteer, publishers, hash })
    }
}

/// How opening checks the reports folder, begun on a thread of its own
/// while the index opens, and when it began.
enum Check<'s> {
    None,
    /// Every file's size and time ([`Refresh::OnOpen`]).
    Scan(ScopedJoinHandle<'s, Result<Vec<SourceFile>>>, Instant),
    /// The reports' paths only ([`Refresh::Overlapped`]).
    List(ScopedJoinHandle<'s, Result<Vec<String>>>),
}

impl Engine {
    /// Loads the gazetteer, opens the index and brings it up to date. Blocking.
    pub fn open(settings: Settings) -> Result<Engine> {
        Self::open_with(settings, Refresh::OnOpen)
    }

    /// Like [`Engine::open`], choosing whether to update the index now.
    pub fn open_with(settings: Settings, refresh: Refresh) -> Result<Engine> {
        check_digest_queries(&settings)?;
        // The Chinese dictionary takes 85 ms to load; the measure lexicon
        // needs it, the rest of opening does not.
        crate::search::prepare_segmenter();
        // The reports folder is checked (a stat per file is a third of a
        // cold start at 100k reports) on a second thread while the tables
        // and the index open on this one.
        let started = Instant::now();
        let dir = settings.index.reports_dir.clone();
        std::thread::scope(|scope| {
            let check = match refresh {
                Refresh::OnOpen => Check::Scan(scope.spawn(move || crate::report::scan_dir(&dir)), started),
                Refresh::Overlapped => Check::List(scope.spawn(move || crate::report::list_report_paths(&dir))),
                Refresh::Later | Refresh::Untouched => Check::None,
            };
            Self::open_checked(settings, refresh, check)
        })
    }

    /// Opens the engine and brings the index up to date as `check` says.
    fn open_checked(settings: Settings, refresh: Refresh, check: Check<'_>) -> Result<Engine> {
        let IndexTables { gazetteer, publishers, hash: gazetteer_hash } = IndexTables::load(&settings)?;
        let window = settings.index.passage_paragraphs;
        let (index, rebuilt) = match refresh {
            Refresh::Untouched => SearchIndex::open_untouched(&settings.index.data_dir, &gazetteer_hash, window)?,
            _ => SearchIndex::open(&settings.index.data_dir, &gazetteer_hash, window)?,
        };
        let index = index.with_feedback(Feedback::from_settings(&settings.answer)).with_writer_threads(settings.index.writer_threads);
        let measures = Measures::load(&settings.figures.measures, index.analyzer())?;
        let mut notices = Vec::new();
        let first_build = index.report_count() == 0;
        let rebuilt = rebuilt.filter(|r| r != "no index yet" && refresh != Refresh::Untouched);
        if let Some(reason) = &rebuilt {
            notices.push(format!("Rebuilt the search index: {reason}."));
        }
        let source = Source { reports_dir: &settings.index.reports_dir, gazetteer: &gazetteer, publishers: &publishers, window };
        let mut verify_later = false;
        let update = match check {
            Check::Scan(handle, started) => joined(handle).and_then(|files| index.update_scanned(&source, false, files, started)),
            // The same reports as indexed: only a change in place is
            // possible, and that is looked for once the engine answers.
            Check::List(handle) => match joined(handle) {
                Ok(paths) if !first_build && index.holds_exactly(&paths) => {
                    verify_later = true;
                    Ok(IndexSummary::default())
                }
                _ => index.update(&source, false),
            },
            Check::None => Ok(IndexSummary::default()),
        };
        match update {
            Ok(report) => notices.extend(update_notices(&report, first_build)),
            Err(e) if index.report_count() > 0 => {
                tracing::warn!(error = %e, "could not refresh the index; serving the existing one");
                notices.push(format!("Could not refresh the index ({e}); answering from the existing index."));
            }
            Err(e) => return Err(e),
        }
        let startup = Mutex::new(Startup { notices, rebuilt, changing: 0 });
        let inner = Inner { settings, gazetteer, publishers, measures, index, startup, verifier: Mutex::new(None) };
        let engine = Engine { inner: Arc::new(inner) };
        if verify_later {
            engine.verify_in_background();
        }
        Ok(engine)
    }

    /// The settings the engine runs with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The gazetteer the index was built with.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.inner.gazetteer
    }

    /// The publisher table the index was built with.
    pub fn publishers(&self) -> &Publishers {
        &self.inner.publishers
    }

    pub(crate) fn index(&self) -> &SearchIndex {
        &self.inner.index
    }

    /// Answers a question with up to `top` citations.
    pub fn ask(&self, question: &str, top: Option<usize>) -> Result<Answer> {
        let top = top.unwrap_or(self.settings().answer.top).clamp(1, 20);
        self.answer(question, top, FigureScope::Matching)
    }

    /// The figures of the passages a query finds, every kind but bare years.
    pub fn figures(&self, query: &str) -> Result<Answer> {
        self.answer(query, FIGURE_PASSAGES, FigureScope::All)
    }

    fn answer(&self, question: &str, top: usize, scope: FigureScope) -> Result<Answer> {
        let mut parsed = self.parse(question)?;
        let index = &self.inner.index;
        let inner = &self.inner;
        let read = Question::read(&parsed, &inner.measures, &inner.gazetteer, index.analyzer());
        tracing::debug!(ask = ?read.ask, measures = ?read.measures.iter().map(|m| &m.name).collect::<Vec<_>>(), kinds = ?read.kinds, subjects = ?read.subjects, years = ?read.years, topic = ?read.topic_terms, "question read");
        // One lookup for the rarity of every term the answer weighs: the
        // translations' (search weights) and the topic's (coverage).
        let mut weighed = read.translation_terms(index.analyzer());
        weighed.extend(read.topic_terms.iter().cloned());
        let stats = index.term_stats(&weighed)?;
        super::prepare_search(&mut parsed, &read, inner.settings.answer.expansion_weight, index.analyzer(), &stats);
        let composer = Composer {
            settings: &inner.settings.answer,
            analyzer: index.analyzer(),
            gazetteer: &inner.gazetteer,
            measures: &inner.measures,
        };
        let pending = self.pending_notice();
        let hits = index.search_reachable(&parsed, top * CANDIDATES_PER_CITATION, composer.reach(&parsed, top))?;
        let mut answer = if hits.is_empty() {
            self.no_hits(&parsed)
        } else {
            composer.compose(&parsed, &read, hits, top, scope, &stats)
        };
        answer.notices.splice(0..0, self.take_startup_notices().into_iter().chain(pending));
        Ok(answer)
    }

    /// Parses a query as answers read it: company filters made canonical
    /// through the gazetteer.
    pub(crate) fn parse(&self, question: &str) -> Result<ParsedQuery> {
        let mut parsed = query::parse(question, self.settings().answer.max_query_chars)?;
        let gazetteer = &self.inner.gazetteer;
        for company in &mut parsed.filters.companies {
            if let Some(canonical) = gazetteer.canonical(company) {
                *company = canonical.to_string();
            }
        }
        for publisher in &mut parsed.filters.publishers {
            *publisher = self.inner.publishers.canonical(publisher);
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

    /// How many reports are indexed and the newest publication date, without
    /// building the whole [`SourcesSummary`] (one pass, no sorting).
    pub fn reach(&self) -> (usize, Option<chrono::NaiveDate>) {
        let generation = self.inner.index.current();
        let meta = &generation.meta;
        let newest = meta.entries().ok().and_then(|files| files.values().filter_map(|e| e.report.published).max());
        (meta.report_count(), newest)
    }

    /// What is indexed: counts by publisher and year, the newest reports.
    pub fn sources(&self) -> Result<SourcesSummary> {
        // One generation, so the counts below describe the same index.
        let generation = self.inner.index.current();
        let meta = &generation.meta;
        let mut by_publisher: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_year: BTreeMap<i32, usize> = BTreeMap::new();
        let files = meta.entries()?;
        for entry in files.values() {
            *by_publisher.entry(entry.report.publisher.clone()).or_default() += 1;
            if let Some(date) = entry.report.published {
                *by_year.entry(date.year()).or_default() += 1;
            }
        }
        let mut by_publisher: Vec<(String, usize)> = by_publisher.into_iter().collect();
        by_publisher.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut newest: Vec<ReportRef> = files.values().map(|e| ReportRef::from(&e.report)).collect();
        newest.sort_by(|a, b| b.published.cmp(&a.published).then(a.report_id.cmp(&b.report_id)));
        newest.truncate(5);
        Ok(SourcesSummary {
            reports: meta.report_count(),
            passages: generation.passage_count(),
            by_publisher,
            by_year: by_year.into_iter().rev().collect(),
            newest,
        })
    }

    /// Brings the index up to date with the reports directory (`full`
    /// re-reads every file). Questions keep being answered from the current
    /// index until the new one is committed. Blocking; the core makes sure
    /// only one runs at a time.
    pub fn update_index(&self, full: bool) -> Result<IndexSummary> {
        let settings = &self.inner.settings;
        let dir = &settings.index.reports_dir;
        if !dir.is_dir() {
            return Err(Error::ReindexRefused(format!("the reports directory {} is missing", dir.display())));
        }
        let mut report = self.inner.index.update(&self.source(), full).map_err(|e| match e {
            e @ Error::NoReports { .. } => Error::ReindexRefused(format!("{e}, so the index would be empty")),
            other => other,
        })?;
        if let Ok(mut startup) = self.inner.startup.lock() {
            report.rebuilt = report.rebuilt.or(startup.rebuilt.take());
        }
        Ok(report)
    }

    /// The figures found in one report file.
    pub fn extract(&self, path: &std::path::Path) -> Result<Vec<Figure>> {
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            Error::io(path, std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))
        })?;
        let report = crate::report::load_file(dir, name)?;
        Ok(figures::extract(&report.body, &self.inner.gazetteer))
    }

    /// The reports folder and the tables its reports are indexed with.
    fn source(&self) -> Source<'_> {
        let inner = &self.inner;
        Source {
            reports_dir: &inner.settings.index.reports_dir,
            gazetteer: &inner.gazetteer,
            publishers: &inner.publishers,
            window: inner.settings.index.passage_paragraphs,
        }
    }

    fn take_startup_notices(&self) -> Vec<String> {
        self.inner.startup.lock().map(|mut s| std::mem::take(&mut s.notices)).unwrap_or_default()
    }
}

/// The result of the reports folder check begun on another thread.
fn joined<T>(handle: ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    handle.join().unwrap_or_else(|_| Err(Error::Index("the reports folder check failed unexpectedly".into())))
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

fn update_notices(report: &IndexSummary, first_build: bool) -> Vec<String> {
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
