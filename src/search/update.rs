//! Bringing the index up to date with the reports directory: decide which
//! files were added, changed or removed (size and mtime first, then content
//! hash), load only those, and apply the change in one commit. Readers keep
//! seeing the previous commit until this one lands.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tantivy::schema::TantivyDocument;
use tantivy::{Index, IndexWriter, Term};

use super::meta::{modified_ns, FileEntry, FileTable, IndexMeta, Stamp};
use super::schema::{date_key, Fields};
use super::{index_err, SearchIndex, WRITER_MEMORY};
use crate::error::{Error, Result};
use crate::figures::{self, Gazetteer};
use crate::reply::IndexSummary;
use crate::report::{self, Report};
use crate::segment;

/// The work an update has to do.
pub(super) struct Plan {
    pub load: Vec<report::SourceFile>,
    pub removed: Vec<String>,
    /// Unchanged files (same size and mtime) whose entries are carried over.
    pub keep: Vec<report::SourceFile>,
    /// Re-index loaded files even when their content hash is unchanged.
    pub force: bool,
}

/// Compares the files on disk (`files`, from [`report::scan_dir`]) with the
/// stamps of the current index; with `full`, every file is loaded.
pub(super) fn plan(files: &[report::SourceFile], meta: &IndexMeta, full: bool) -> Plan {
    let mut plan = Plan { load: Vec::new(), removed: Vec::new(), keep: Vec::new(), force: full };
    compare(files, meta.stamps(), |change| match change {
        Change::Same(file) if !full => plan.keep.push(file.clone()),
        Change::Same(file) | Change::New(file) => plan.load.push(file.clone()),
        Change::Gone(rel) => plan.removed.push(rel.to_string()),
    });
    plan
}

/// How a file on disk compares with the index's stamps.
enum Change<'a> {
    /// Same size and modification time as indexed.
    Same(&'a report::SourceFile),
    /// Not indexed, or changed since.
    New(&'a report::SourceFile),
    /// Indexed, and no longer on disk.
    Gone(&'a str),
}

/// Walks `files` and `stamps` side by side, both in path order (a folder
/// scan's order; `files` is sorted first if it is not), and reports each
/// file's [`Change`]: one pass, where looking each file up among 100,000
/// stamps took most of the check after an answer.
fn compare<'a>(files: &'a [report::SourceFile], stamps: &'a [(String, Stamp)], mut report: impl FnMut(Change<'a>)) {
    if !files.is_sorted_by(|a, b| a.rel < b.rel) {
        let mut sorted: Vec<&report::SourceFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.rel.cmp(&b.rel));
        sorted.dedup_by(|a, b| a.rel == b.rel);
        return compare_sorted(sorted.into_iter(), stamps, report);
    }
    compare_sorted(files.iter(), stamps, &mut report)
}

fn compare_sorted<'a>(
    files: impl Iterator<Item = &'a report::SourceFile>,
    stamps: &'a [(String, Stamp)],
    mut report: impl FnMut(Change<'a>),
) {
    let mut indexed = stamps.iter().peekable();
    for file in files {
        while let Some((rel, _)) = indexed.next_if(|(rel, _)| rel.as_str() < file.rel.as_str()) {
            report(Change::Gone(rel));
        }
        match indexed.next_if(|(rel, _)| *rel == file.rel) {
            Some((_, stamp)) if *stamp == Stamp::of(file.size, file.modified) => report(Change::Same(file)),
            _ => report(Change::New(file)),
        }
    }
    indexed.for_each(|(rel, _)| report(Change::Gone(rel)));
}

impl Plan {
    /// The same files, all of them loaded and re-indexed from scratch.
    pub fn into_full(self) -> Plan {
        let mut load = self.load;
        load.extend(self.keep);
        load.sort_by(|a, b| a.rel.cmp(&b.rel));
        Plan { load, removed: Vec::new(), keep: Vec::new(), force: true }
    }
}

impl SearchIndex {
    /// Brings the index up to date with `source`. With `full`, every file is
    /// re-read and re-indexed. The change lands in one atomic commit; an
    /// update that would leave the index with no reports is refused.
    pub fn update(&self, source: &Source<'_>, full: bool) -> Result<IndexSummary> {
        let started = Instant::now();
        let files = crate::report::scan_dir(source.reports_dir)?;
        self.update_scanned(source, full, files, started)
    }

    /// [`SearchIndex::update`] with the reports folder already scanned
    /// (`files`, from [`crate::report::scan_dir`], begun at `started`): a
    /// caller can scan while the index opens.
    pub fn update_scanned(&self, source: &Source<'_>, full: bool, files: Vec<crate::report::SourceFile>, started: Instant) -> Result<IndexSummary> {
        let _guard = self.writer_lock.lock().map_err(|_| Error::Index("writer lock poisoned".into()))?;
        let now = chrono::Utc::now();
        // Only this method replaces the generation, under `writer_lock`, so the
        // current file table can be used in place (100k entries at scale).
        let previous = self.current().meta.clone();
        let mut plan = plan(&files, &previous, full);
        let mut report = IndexSummary::default();
        if plan.load.is_empty() && plan.keep.is_empty() {
            return Err(Error::NoReports { dir: source.reports_dir.to_path_buf(), failed: Vec::new() });
        }
        if plan.load.is_empty() && plan.removed.is_empty() {
            report.unchanged = plan.keep.len();
            report.elapsed_ms = started.elapsed().as_millis();
            return Ok(report);
        }
        // Something changed: the entries of the files kept are needed now.
        let empty = FileTable::new();
        let mut rebuilt = plan.force.then(|| "full rebuild requested".to_string());
        let previous_entries = match previous.entries() {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(error = %e, "rebuilding the whole index");
                plan = plan.into_full();
                rebuilt = Some("the index's file table could not be read, so every report was indexed again".into());
                &empty
            }
        };
        let full = plan.force;
        let mut writer = self.writer()?;
        if full {
            writer.delete_all_documents().map_err(index_err)?;
        }
        let files = apply(&mut writer, &self.fields, source, plan, previous_entries, &mut report, now)?;
        if files.is_empty() {
            writer.rollback().map_err(index_err)?;
            return Err(Error::NoReports { dir: source.reports_dir.to_path_buf(), failed: report.failed });
        }
        report.rebuilt = rebuilt;
        let mut header = previous.header.clone();
        if report.changed() {
            writer.commit().map_err(index_err)?;
            writer.wait_merging_threads().map_err(index_err)?;
            header.index_files = index_file_stamps(&self.index, &self.dir).map_err(index_err)?;
        } else {
            writer.rollback().map_err(index_err)?;
        }
        if Some(&files) != previous.entries().ok() || report.changed() {
            let new_meta = IndexMeta::new(header, files);
            new_meta.write(&self.dir)?;
            if report.changed() {
                self.reader.reload().map_err(index_err)?;
            }
            self.publish(Arc::new(new_meta))?;
        }
        report.elapsed_ms = started.elapsed().as_millis();
        Ok(report)
    }

    /// Whether `paths` (relative, sorted, as [`crate::report::list_report_paths`]
    /// gives them) are exactly the reports the index holds.
    pub fn holds_exactly(&self, paths: &[String]) -> bool {
        let meta = self.current().meta.clone();
        let stamps = meta.stamps();
        stamps.len() == paths.len() && stamps.iter().zip(paths).all(|((rel, _), path)| rel == path)
    }

    /// How many report files an update from `files` (a folder scan) would
    /// add, re-read or remove.
    pub fn changes_in(&self, files: &[crate::report::SourceFile]) -> usize {
        let mut changes = 0;
        compare(files, self.current().meta.stamps(), |change| {
            if !matches!(change, Change::Same(_)) {
                changes += 1;
            }
        });
        changes
    }

    fn writer(&self) -> Result<tantivy::IndexWriter> {
        let threads = match self.writer_threads {
            0 => automatic_writer_threads(),
            threads => threads,
        };
        self.index.writer_with_num_threads(threads, WRITER_MEMORY).map_err(index_err)
    }

    /// Replaces the whole index with `reports` held in memory, in one commit.
    /// For measuring tools (`eval`, `bench`) that index data sets which do not
    /// live in a reports folder; the file table stays empty.
    pub fn replace_all<'r>(
        &self,
        reports: impl IntoIterator<Item = &'r crate::report::Report>,
        gazetteer: &crate::figures::Gazetteer,
        window: usize,
    ) -> Result<usize> {
        let _guard = self.writer_lock.lock().map_err(|_| Error::Index("writer lock poisoned".into()))?;
        let mut writer = self.writer()?;
        writer.delete_all_documents().map_err(index_err)?;
        let mut passages = 0;
        for report in reports {
            passages += add_report(&writer, &self.fields, report, gazetteer, window)?;
        }
        writer.commit().map_err(index_err)?;
        writer.wait_merging_threads().map_err(index_err)?;
        self.reader.reload().map_err(index_err)?;
        let meta = self.current().meta.clone();
        self.publish(meta)?;
        Ok(passages)
    }
}

/// Indexing threads when the settings leave it to the machine: one per core
/// beyond the one that reads reports and builds their documents, at most
/// two. That thread does about as much work as one indexing thread, so
/// more could not be fed; on 2 cores one indexing thread, not two beside
/// the reader, takes 14% less CPU and 7% less time for a 10k build (farm-bench,
/// 5 runs), writes one segment instead of two, and stores passages in file
/// order, so equal scores rank alike from build to build.
fn automatic_writer_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get().saturating_sub(1).clamp(1, 2))
}

/// Where reports come from and how they are cut and annotated.
pub struct Source<'a> {
    pub reports_dir: &'a Path,
    pub gazetteer: &'a Gazetteer,
    /// Publisher spellings to their canonical names.
    pub publishers: &'a crate::report::Publishers,
    /// Paragraphs per passage.
    pub window: usize,
}

/// Loads the planned files, writes their passages, and returns the new file
/// table. Nothing is committed here.
pub(super) fn apply(
    writer: &mut IndexWriter,
    fields: &Fields,
    source: &Source<'_>,
    plan: Plan,
    previous: &FileTable,
    report_out: &mut IndexSummary,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<FileTable> {
    let reports_dir = source.reports_dir;
    let mut table: FileTable = plan
        .keep
        .into_iter()
        .filter_map(|file| previous.get(&file.rel).map(|entry| (file.rel, entry.clone())))
        .collect();
    report_out.unchanged += table.len();
    let mut ids: HashMap<String, String> =
        table.iter().map(|(rel, e)| (e.report.id.clone(), rel.clone())).collect();
    for rel in &plan.removed {
        writer.delete_term(Term::from_field_text(fields.source, rel));
        report_out.removed.push(rel.clone());
    }
    let force = plan.force;
    for file in plan.load {
        let previous_entry = previous.get(&file.rel);
        let loaded = report::load_file(reports_dir, &file.rel);
        let report = match loaded {
            Ok(mut r) => {
                r.meta.publisher = source.publishers.canonical(&r.meta.publisher);
                r
            }
            Err(e) => {
                if previous_entry.is_some() {
                    writer.delete_term(Term::from_field_text(fields.source, &file.rel));
                    report_out.removed.push(file.rel.clone());
                }
                report_out.failed.push((file.rel.clone(), e.to_string()));
                continue;
            }
        };
        if let Some(other) = ids.get(&report.meta.id).filter(|other| **other != file.rel) {
            let err = Error::DuplicateId {
                id: report.meta.id.clone(),
                first: reports_dir.join(other),
                second: reports_dir.join(&file.rel),
            };
            report_out.failed.push((file.rel.clone(), err.to_string()));
            continue;
        }
        let same_hash = previous_entry.filter(|e| e.hash == report.hash);
        let unchanged_content = !force && same_hash.is_some();
        let mut entry = FileEntry {
            // Re-indexing the same content (a full rebuild) keeps its time.
            indexed_at: same_hash.map_or(Some(now), |e| e.indexed_at),
            hash: report.hash.clone(),
            size: file.size,
            modified_ns: modified_ns(file.modified),
            passages: previous_entry.map_or(0, |e| e.passages),
            report: report.meta.clone(),
        };
        if unchanged_content {
            report_out.unchanged += 1;
        } else {
            writer.delete_term(Term::from_field_text(fields.source, &file.rel));
            entry.passages = add_report(writer, fields, &report, source.gazetteer, source.window)?;
            if previous_entry.is_some() {
                report_out.updated.push(file.rel.clone());
            } else {
                report_out.added.push(file.rel.clone());
            }
        }
        ids.insert(report.meta.id.clone(), file.rel.clone());
        table.insert(file.rel, entry);
    }
    Ok(table)
}

/// Adds one document per passage of `report`; returns the passage count.
pub(super) fn add_report(
    writer: &IndexWriter,
    fields: &Fields,
    report: &Report,
    gazetteer: &Gazetteer,
    window: usize,
) -> Result<usize> {
    let passages = segment::passages(&report.body, window);
    for (number, passage) in passages.iter().enumerate() {
        let doc = passage_document(fields, report, number, passage, gazetteer)?;
        writer.add_document(doc).map_err(|e| Error::Index(e.to_string()))?;
    }
    Ok(passages.len())
}

fn passage_document(
    fields: &Fields,
    report: &Report,
    number: usize,
    passage: &str,
    gazetteer: &Gazetteer,
) -> Result<TantivyDocument> {
    let meta = &report.meta;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.report_id, &meta.id);
    doc.add_text(fields.source, &report.source);
    doc.add_u64(fields.passage, number as u64);
    doc.add_text(fields.title, &meta.title);
    doc.add_text(fields.body, passage);
    let searched = format!("{}\n{}", meta.title, passage);
    doc.add_text(fields.content, &searched);
    doc.add_text(fields.pairs, searched);
    doc.add_text(fields.publisher, &meta.publisher);
    for company in &meta.companies {
        doc.add_text(fields.companies, company);
    }
    for topic in &meta.topics {
        doc.add_text(fields.topics, topic);
    }
    if let Some(region) = &meta.region {
        doc.add_text(fields.region, region);
    }
    if let Some(language) = &meta.language {
        doc.add_text(fields.language, language);
    }
    if let Some(date) = meta.published {
        doc.add_u64(fields.published, date_key(date));
    }
    if let Some(url) = &meta.url {
        doc.add_text(fields.url, url);
    }
    for author in &meta.authors {
        doc.add_text(fields.authors, author);
    }
    let found = figures::extract(passage, gazetteer);
    let json = super::stored_figures::encode(&found, passage)?;
    doc.add_text(fields.figures, json);
    Ok(doc)
}

/// Stamps of the files of the index's current commit that exist (a
/// segment without deletes has no delete file), and of its `meta.json`.
pub(super) fn index_file_stamps(index: &Index, dir: &Path) -> tantivy::Result<std::collections::BTreeMap<String, Stamp>> {
    let mut files: Vec<PathBuf> = index.load_metas()?.list_segment_files().into_iter().collect();
    files.push(PathBuf::from("meta.json"));
    let mut stamps = std::collections::BTreeMap::new();
    for file in files {
        match std::fs::metadata(dir.join(&file)) {
            Ok(m) => {
                stamps.insert(file.to_string_lossy().into_owned(), Stamp::of(m.len(), m.modified().ok()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(stamps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn file(rel: &str, size: u64) -> report::SourceFile {
        report::SourceFile { rel: rel.into(), size, modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(size)) }
    }

    fn stamp(rel: &str, size: u64) -> (String, Stamp) {
        let f = file(rel, size);
        (f.rel, Stamp::of(f.size, f.modified))
    }

    /// The changes as text, in the order `compare` reports them.
    fn changes(files: &[report::SourceFile], stamps: &[(String, Stamp)]) -> Vec<String> {
        let mut out = Vec::new();
        compare(files, stamps, |change| {
            out.push(match change {
                Change::Same(f) => format!("same {}", f.rel),
                Change::New(f) => format!("new {}", f.rel),
                Change::Gone(rel) => format!("gone {rel}"),
            })
        });
        out
    }

    #[test]
    fn files_and_stamps_are_compared_in_one_pass_in_path_order() {
        let stamps = [stamp("a.md", 1), stamp("b.md", 2), stamp("c/d.md", 3), stamp("e.md", 4), stamp("z.md", 5)];
        let files = [file("0.md", 9), file("b.md", 2), file("c/d.md", 7), file("c/e.md", 1), file("e.md", 4)];
        let expected = ["new 0.md", "gone a.md", "same b.md", "new c/d.md", "new c/e.md", "same e.md", "gone z.md"];
        assert_eq!(changes(&files, &stamps), expected);
        // Files out of order (and one twice) are compared as if sorted.
        let shuffled = [file("e.md", 4), file("c/e.md", 1), file("0.md", 9), file("c/d.md", 7), file("b.md", 2), file("e.md", 4)];
        assert_eq!(changes(&shuffled, &stamps), expected);
        assert_eq!(changes(&[], &stamps), ["gone a.md", "gone b.md", "gone c/d.md", "gone e.md", "gone z.md"]);
        assert_eq!(changes(&files[..1], &[]), ["new 0.md"]);
    }
}
