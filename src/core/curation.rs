//! The curation commands (`add`, `queue`, `approve`, `reject`, `edit`) as
//! the core runs them: who may do what was settled by [`super::Core::handle`];
//! here every step is audited, approval writes the report and reindexes
//! through the same audited path as `reindex`, and an approval interrupted
//! by a crash is finished or undone at the next start.

use std::path::{Path, PathBuf};

use chrono::Utc;

use super::command::AddSource;
use super::{Core, Origin, ProposerNotice};
use crate::curate::{self, Draft, Tables};
use crate::error::{Error, Result};
use crate::reply::{Curated, QueueView, Reply};
use crate::store::{AuditOutcome, AuditRecord, Decision, NewItem, QueueItem, QueueKind, QueueState};

/// Most figures a preview names.
const PREVIEW_FIGURES: usize = 5;

impl Core {
    /// `add`: drafts the report, refuses duplicates, queues it and (for an
    /// admin with `curation.auto_approve_admins`) approves it at once.
    pub(super) fn add(&self, origin: &Origin, source: AddSource, note: Option<String>) -> Result<Reply> {
        let settings = self.settings();
        let draft = match self.draft(&source) {
            Ok(draft) => draft,
            Err(e) => {
                self.audit_curation(origin, "add", AuditOutcome::Error, format!("{}: {e}", source_text(&source)));
                return Err(e);
            }
        };
        let proposal = Proposal {
            platform: origin.platform(),
            user_id: origin.user().to_string(),
            place: origin.sender().and_then(|s| s.place.clone()),
            source: source_text(&source),
            note,
        };
        let indexed = self.indexed_texts()?;
        let item = self.queue_draft(origin, proposal, &draft, &indexed)?;
        let figures = crate::figures::extract(&draft.body, self.inner.engine.gazetteer())
            .into_iter()
            .filter(|f| f.kind != crate::figures::FigureKind::Year)
            .take(PREVIEW_FIGURES)
            .map(|f| f.text)
            .collect();
        let words = draft.body.split_whitespace().count();
        if settings.curation.auto_approve_admins && origin.is_admin(&settings.admins) && curate::missing(&draft.meta).is_empty() {
            return self.approve(origin, item.id);
        }
        let view = self.view(item)?;
        Ok(Reply::Curation(Box::new(Curated::Proposed { view, words, figures, hint: self.edit_hint(origin) })))
    }

    /// Queues `draft` as `proposal` after refusing a duplicate of an indexed
    /// report or of a queued item; audited.
    fn queue_draft(&self, origin: &Origin, proposal: Proposal, draft: &Draft, indexed: &[IndexedText]) -> Result<QueueItem> {
        let store = self.open_store()?;
        let canonical = draft.meta.url.clone();
        let hash = curate::text_hash(&draft.body);
        if let Some(existing) = indexed_duplicate(draft, indexed) {
            return Err(Error::Curation(format!("this is already in the index as `{existing}`")));
        }
        if let Some(item) = store.queued_duplicate(canonical.as_deref(), &hash)? {
            return Err(Error::Curation(format!("this was already proposed as queue item {} ({})", item.id, item.state.as_str())));
        }
        let new = NewItem {
            platform: proposal.platform,
            user_id: proposal.user_id,
            place: proposal.place,
            source: proposal.source,
            canonical_url: canonical,
            note: proposal.note,
            kind: draft.kind,
            front_matter: curate::front_matter(&draft.meta),
            body: draft.body.clone(),
            original: draft.original.clone(),
            text_hash: hash,
        };
        let item = store.enqueue(&new, Utc::now())?;
        self.audit_curation(origin, "add", AuditOutcome::Ok, format!("item {}: {}", item.id, new.source));
        Ok(item)
    }

    /// `feeds`: reads each configured feed (or the one named) and proposes
    /// its new entries. An entry is remembered once handled, so it is never
    /// proposed twice, across restarts; one that failed for a reason that
    /// may pass (a timeout, a 5xx, a 429) is tried again on the next run.
    #[cfg(feature = "curation")]
    pub(super) fn run_feeds(&self, origin: &Origin, name: Option<&str>) -> Result<Reply> {
        let feeds: Vec<crate::config::FeedSettings> =
            self.settings().feeds.iter().filter(|f| name.is_none_or(|n| f.name == n)).cloned().collect();
        if feeds.is_empty() {
            return Err(Error::Curation(match name {
                Some(n) => format!("there is no feed named `{n}` in the [[feeds]] settings"),
                None => "no feeds are configured ([[feeds]] in the settings)".into(),
            }));
        }
        let outcomes = feeds.iter().map(|feed| self.run_feed(origin, feed)).collect::<Result<Vec<_>>>()?;
        Ok(Reply::Curation(Box::new(Curated::FeedRun(outcomes))))
    }

    #[cfg(feature = "curation")]
    fn run_feed(&self, origin: &Origin, feed: &crate::config::FeedSettings) -> Result<crate::reply::FeedOutcome> {
        let mut outcome = crate::reply::FeedOutcome { feed: feed.name.clone(), ..Default::default() };
        let curation = &self.settings().curation;
        let entries = match curate::fetch::fetch_as(&feed.url, curation, curate::fetch::FEED_TYPES).and_then(|f| curate::feed::entries(&f.bytes)) {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(feed = %feed.name, error = %e, "feed could not be read");
                outcome.failed.push((feed.url.clone(), e.user_message()));
                return Ok(outcome);
            }
        };
        let store = self.open_store()?;
        let engine = &self.inner.engine;
        let tables = Tables { gazetteer: engine.gazetteer(), publishers: engine.publishers() };
        // Read once per run: queueing does not change what is indexed.
        let indexed = self.indexed_texts()?;
        let mut tried = 0;
        for entry in entries {
            if store.feed_entry_seen(&feed.name, &entry.key)? {
                outcome.known += 1;
                continue;
            }
            if tried == feed.max_entries {
                outcome.deferred += 1;
                continue;
            }
            tried += 1;
            let drafted = curate::fetch::fetch(&entry.link, curation).and_then(|fetched| curate::draft_from_fetched(&fetched, &tables));
            let handled = match drafted {
                Ok(draft) if feed.filter.as_deref().is_some_and(|f| !curate::feed::matches(f, &draft.meta, &draft.body, tables.gazetteer)) => {
                    outcome.filtered += 1;
                    true
                }
                Ok(draft) => match self.queue_draft(origin, feed_proposal(feed, &entry.link), &draft, &indexed) {
                    Ok(item) => {
                        outcome.queued.push(self.view(item)?);
                        true
                    }
                    Err(Error::Curation(why)) if why.starts_with("this ") => {
                        outcome.known += 1;
                        true
                    }
                    Err(e) => return Err(e),
                },
                Err(e) => {
                    let why = e.user_message();
                    let passing = ["did not answer", "did not finish", "could not connect", "try again", "connection broke"].iter().any(|w| why.contains(w));
                    if passing {
                        outcome.deferred += 1;
                    } else {
                        outcome.failed.push((entry.link.clone(), why));
                    }
                    !passing
                }
            };
            if handled {
                store.mark_feed_entry(&feed.name, &entry.key, Utc::now())?;
            }
        }
        Ok(outcome)
    }

    /// `queue`: pending items, oldest first.
    pub(super) fn queue(&self, origin: &Origin) -> Result<Reply> {
        let items = self.open_store()?.queue_in(QueueState::Pending)?;
        let views = items.into_iter().map(|item| self.view(item)).collect::<Result<Vec<_>>>()?;
        Ok(Reply::Curation(Box::new(Curated::Queue { views, hint: self.edit_hint(origin) })))
    }

    /// `approve`: writes the report, reindexes (audited), and only then
    /// marks the item approved; on any failure the file is removed again and
    /// the item stays pending.
    pub(super) fn approve(&self, origin: &Origin, id: i64) -> Result<Reply> {
        let store = self.open_store()?;
        let item = pending(store.queue_item(id)?, id)?;
        let meta = curate::read_draft(&item.proposal.front_matter, &item.proposal.body)?;
        let missing = curate::missing(&meta);
        if !missing.is_empty() {
            let fields = missing.join(", ");
            return Err(Error::Curation(format!("item {id} has no {fields} yet; set it with `{}{id} {}=…` first", self.edit_hint(origin), missing[0])));
        }
        let rel = curate::report_file(&meta.id, item.proposal.kind);
        let who = (origin.platform(), origin.user().to_string());
        let rel_text = rel.to_string_lossy().into_owned();
        if !store.move_item(id, QueueState::Pending, QueueState::Approving, &Decision { file: Some(&rel_text), ..Decision::by(&who.0, &who.1, Utc::now()) })? {
            return Err(Error::Curation(format!("item {id} was decided by someone else just now")));
        }
        let reports_dir = self.settings().index.reports_dir.clone();
        // Only a file this approval wrote is removed again on failure.
        let written = curate::write_report(&reports_dir, &rel, item.proposal.kind, &item.proposal.front_matter, &item.proposal.body, item.proposal.original.as_deref());
        let indexed = written.and_then(|()| {
            self.reindex(origin, false).map(|_| ()).inspect_err(|_| remove_report(&reports_dir, &rel, item.proposal.kind))
        });
        if let Err(e) = indexed {
            store.move_item(id, QueueState::Approving, QueueState::Pending, &Decision::by(&who.0, &who.1, Utc::now()))?;
            self.audit_curation(origin, "approve", AuditOutcome::Error, format!("item {id}: {e}"));
            return Err(e);
        }
        store.move_item(id, QueueState::Approving, QueueState::Approved, &Decision::by(&who.0, &who.1, Utc::now()))?;
        self.audit_curation(origin, "approve", AuditOutcome::Ok, format!("item {id} as {}", meta.id));
        let item = store.queue_item(id)?.unwrap_or(item);
        let view = self.view(item)?;
        self.tell_proposer(origin, &view, Some(&meta.id));
        Ok(Reply::Curation(Box::new(Curated::Approved { view, report_id: meta.id })))
    }

    /// `reject`: the item leaves the queue; nothing is written.
    pub(super) fn reject(&self, origin: &Origin, id: i64, reason: Option<String>) -> Result<Reply> {
        let store = self.open_store()?;
        pending(store.queue_item(id)?, id)?;
        let who = (origin.platform(), origin.user().to_string());
        if !store.move_item(id, QueueState::Pending, QueueState::Rejected, &Decision { reason: reason.as_deref(), ..Decision::by(&who.0, &who.1, Utc::now()) })? {
            return Err(Error::Curation(format!("item {id} was decided by someone else just now")));
        }
        self.audit_curation(origin, "reject", AuditOutcome::Ok, format!("item {id}{}", reason.map(|r| format!(": {r}")).unwrap_or_default()));
        let item = store.queue_item(id)?.ok_or_else(|| Error::Curation(format!("there is no queue item {id}")))?;
        let view = self.view(item)?;
        self.tell_proposer(origin, &view, None);
        Ok(Reply::Curation(Box::new(Curated::Rejected { view })))
    }

    /// `edit`: sets front-matter fields of a pending item.
    pub(super) fn edit(&self, origin: &Origin, id: i64, changes: &[(String, String)]) -> Result<Reply> {
        let store = self.open_store()?;
        let item = pending(store.queue_item(id)?, id)?;
        let mut changes = changes.to_vec();
        for (key, value) in &mut changes {
            if key.eq_ignore_ascii_case("publisher") {
                *value = self.inner.engine.publishers().canonical(value);
            }
        }
        let edited = curate::edit(&item.proposal.front_matter, &item.proposal.body, &changes)?;
        if !store.update_front_matter(id, &edited, Utc::now())? {
            return Err(Error::Curation(format!("item {id} was decided by someone else just now")));
        }
        let fields: Vec<&str> = changes.iter().map(|(k, _)| k.as_str()).collect();
        self.audit_curation(origin, "edit", AuditOutcome::Ok, format!("item {id}: {}", fields.join(", ")));
        let item = store.queue_item(id)?.ok_or_else(|| Error::Curation(format!("there is no queue item {id}")))?;
        Ok(Reply::Curation(Box::new(Curated::Edited { view: self.view(item)?, hint: self.edit_hint(origin) })))
    }

    /// Finishes approvals a crash interrupted: an item whose report file was
    /// written is approved (the index picks the file up), one whose file is
    /// missing goes back to pending. Blocking; run at start.
    pub fn repair_curation(&self) -> Result<usize> {
        let store = self.open_store()?;
        let reports_dir = self.settings().index.reports_dir.clone();
        let mut repaired = 0;
        for item in store.queue_in(QueueState::Approving)? {
            let (platform, user) = item.decided_by.clone().unwrap_or_else(|| ("cli".into(), "repair".into()));
            let written = item.file.as_deref().is_some_and(|f| reports_dir.join(f).is_file());
            let to = if written { QueueState::Approved } else { QueueState::Pending };
            store.move_item(item.id, QueueState::Approving, to, &Decision::by(&platform, &user, Utc::now()))?;
            tracing::warn!(item = item.id, state = to.as_str(), "finished an approval interrupted by a stop");
            repaired += 1;
        }
        Ok(repaired)
    }

    /// Tells a chat proposer the outcome where they proposed, unless the
    /// decision was taken right there (the reply says it then) or the
    /// proposal came from no chat place. Until the notice is delivered, it
    /// stays in the store for [`Core::proposer_notices`].
    fn tell_proposer(&self, origin: &Origin, view: &QueueView, report_id: Option<&str>) {
        let item = &view.item;
        let place = item.proposal.place.as_deref().zip(item.proposal.platform.parse::<crate::config::Platform>().ok());
        let here = place.is_some_and(|(place, platform)| origin.sender().is_some_and(|s| s.platform == platform && s.place.as_deref() == Some(place)));
        let decided_by = (origin.platform(), origin.user().to_string());
        let notice = place
            .filter(|_| !here)
            .map(|(place, platform)| decided_notice(platform, place.to_string(), view.clone(), report_id.map(str::to_string), decided_by));
        match notice {
            Some(notice) => {
                if let Some(notifier) = self.notifier() {
                    notifier.notify(notice);
                }
            }
            None => {
                if let Err(e) = self.proposer_told(item.id) {
                    tracing::warn!(item = item.id, error = %e, "could not record that the proposer needs no note");
                }
            }
        }
    }

    /// The decisions whose proposers on `platform` have not been told yet,
    /// oldest first. Blocking.
    pub fn proposer_notices(&self, platform: crate::config::Platform) -> Result<Vec<ProposerNotice>> {
        let store = self.open_store()?;
        let mut notices = Vec::new();
        for item in store.untold(&platform.to_string())? {
            let Some(place) = item.proposal.place.clone() else { continue };
            let (id, approved) = (item.id, item.state == QueueState::Approved);
            let decided_by = item.decided_by.clone().unwrap_or_else(|| ("cli".into(), "unknown".into()));
            let view = match self.view(item) {
                Ok(view) => view,
                Err(e) => {
                    tracing::warn!(item = id, error = %e, "a decided proposal cannot be shown to its proposer");
                    continue;
                }
            };
            let report_id = approved.then(|| view.meta.id.clone());
            notices.push(decided_notice(platform, place, view, report_id, decided_by));
        }
        Ok(notices)
    }

    /// Records that the proposer of decided item `id` was told. Blocking.
    pub fn proposer_told(&self, id: i64) -> Result<()> {
        self.open_store()?.mark_told(id, Utc::now()).map(|_| ())
    }

    /// The draft for what `add` was given.
    fn draft(&self, source: &AddSource) -> Result<Draft> {
        let engine = &self.inner.engine;
        let tables = Tables { gazetteer: engine.gazetteer(), publishers: engine.publishers() };
        let curation = &self.settings().curation;
        match source {
            AddSource::File { name, bytes } => {
                if bytes.len() as u64 > curation.max_bytes {
                    return Err(Error::Curation(format!("the file is larger than the {} MB limit", curation.max_bytes.div_ceil(1024 * 1024))));
                }
                curate::draft_from_file(name, bytes, &tables)
            }
            #[cfg(feature = "curation")]
            AddSource::Url(url) => {
                let fetched = curate::fetch::fetch(url, curation)?;
                curate::draft_from_fetched(&fetched, &tables)
            }
            #[cfg(not(feature = "curation"))]
            AddSource::Url(_) => Err(Error::Curation(
                "this chipbot was built without fetching links (the `curation` feature); add a file instead, or rebuild with --features curation".into(),
            )),
        }
    }

    /// What a proposal is compared with: each report in the reports folder,
    /// read once per `add` or feed run.
    fn indexed_texts(&self) -> Result<Vec<IndexedText>> {
        let reports_dir = &self.settings().index.reports_dir;
        if !reports_dir.is_dir() {
            return Ok(Vec::new());
        }
        let loaded = crate::report::load_dir(reports_dir)?;
        Ok(loaded.reports.into_iter().map(|r| IndexedText { shingles: shingles(&r.body), id: r.meta.id, url: r.meta.url }).collect())
    }

    fn view(&self, item: QueueItem) -> Result<QueueView> {
        let meta = curate::read_draft(&item.proposal.front_matter, &item.proposal.body)?;
        let missing = curate::missing(&meta);
        Ok(QueueView { item, meta, missing })
    }

    /// How to write `edit` for this origin: `!edit ` in chat, `chipbot edit ` on the CLI.
    fn edit_hint(&self, origin: &Origin) -> String {
        match origin.sender() {
            Some(_) => format!("{}edit ", self.prefix()),
            None => "chipbot edit ".to_string(),
        }
    }

    pub(super) fn audit_curation(&self, origin: &Origin, action: &str, outcome: AuditOutcome, summary: String) {
        let record = AuditRecord {
            id: 0,
            at: Utc::now(),
            action: action.into(),
            platform: origin.platform(),
            user_id: origin.user().to_string(),
            full: false,
            outcome,
            summary,
        };
        if let Err(e) = self.open_store().and_then(|store| store.record_audit(&record)) {
            tracing::error!(error = %e, action, "could not write the audit record");
        }
    }
}

/// Who proposed what, and where: the queue row's fields that do not come from the draft.
struct Proposal {
    platform: String,
    user_id: String,
    place: Option<String>,
    source: String,
    note: Option<String>,
}

/// A feed entry's proposal: by `feed <name>`, with no place to report back to.
#[cfg(feature = "curation")]
fn feed_proposal(feed: &crate::config::FeedSettings, link: &str) -> Proposal {
    Proposal { platform: "feed".into(), user_id: feed.name.clone(), place: None, source: link.to_string(), note: Some(format!("from feed {}", feed.name)) }
}

/// An indexed report as a proposal is compared with it.
struct IndexedText {
    id: String,
    url: Option<String>,
    shingles: std::collections::HashSet<u64>,
}

/// The id of an indexed report with the draft's URL or nearly the same text.
fn indexed_duplicate(draft: &Draft, indexed: &[IndexedText]) -> Option<String> {
    let mine = shingles(&draft.body);
    indexed
        .iter()
        .find(|r| (draft.meta.url.is_some() && r.url == draft.meta.url) || similarity(&mine, &r.shingles) >= NEAR_IDENTICAL)
        .map(|r| r.id.clone())
}

/// Share of 8-word shingles two texts must have in common to be "nearly identical".
const NEAR_IDENTICAL: f64 = 0.8;

fn shingles(text: &str) -> std::collections::HashSet<u64> {
    use std::hash::{Hash, Hasher};
    let words: Vec<String> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words
        .windows(8)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Of the smaller set, the share found in the other.
fn similarity(a: &std::collections::HashSet<u64>, b: &std::collections::HashSet<u64>) -> f64 {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / smaller as f64
}

fn pending(item: Option<QueueItem>, id: i64) -> Result<QueueItem> {
    match item {
        None => Err(Error::Curation(format!("there is no queue item {id}"))),
        Some(item) if item.state != QueueState::Pending => Err(Error::Curation(format!("item {id} is already {}", item.state.as_str()))),
        Some(item) => Ok(item),
    }
}

fn source_text(source: &AddSource) -> String {
    match source {
        AddSource::Url(url) => url.chars().take(2000).collect(),
        AddSource::File { name, .. } => curate::file_name_only(name),
    }
}

/// Removes a report written by a failed approval (and a PDF's sidecar).
fn remove_report(reports_dir: &Path, rel: &Path, kind: QueueKind) {
    let path = reports_dir.join(rel);
    let _ = std::fs::remove_file(&path);
    if kind == QueueKind::Pdf {
        let mut sidecar = path.into_os_string();
        sidecar.push(".meta.toml");
        let _ = std::fs::remove_file(PathBuf::from(sidecar));
    }
}

/// The notice telling the proposer of `view`'s item, at `place` on
/// `platform`, that it was decided by `decided_by` (and indexed as
/// `report_id` when approved). Its key is the same at every attempt.
fn decided_notice(
    platform: crate::config::Platform,
    place: String,
    view: QueueView,
    report_id: Option<String>,
    decided_by: (String, String),
) -> ProposerNotice {
    let (item, key) = (view.item.id, format!("curation:{}:{}", view.item.id, view.item.state.as_str()));
    ProposerNotice { item, platform, place, reply: Reply::Curation(Box::new(Curated::Decided { view, report_id, decided_by })), key }
}
