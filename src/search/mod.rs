//! The search index: the only module that imports tantivy.
//!
//! [`SearchIndex::open`] opens the index under `data_dir/index`, rebuilding
//! it when it is missing, corrupt or from another format version, and then
//! brings it up to date with the reports directory. One [`IndexReader`] lives
//! for the whole process.
//!
//! Readers work on a *generation*: one tantivy searcher together with the
//! file table it was built from. An update (incremental or full) writes and
//! commits while every question keeps using the current generation; after the
//! commit the reader is reloaded and the new generation replaces the old one
//! in a single pointer swap. A question therefore sees either the old or the
//! new index, complete, never a mix, and a refused or failed update leaves the
//! old generation in place.

mod analyze;
mod cjk;
#[cfg(test)]
mod cjk_compare;
mod feedback;
mod maxscore;
mod meta;
mod pairs;
mod phrase;
mod plan;
mod prefilter;
mod rescore;
mod schema;
mod stem;
mod stored_doc;
mod stored_figures;
mod suggest;
#[cfg(test)]
mod testindex;
mod topk;
mod update;

use std::path::{Path, PathBuf};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery, TermSetQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher};

pub use analyze::{AnalyzedToken, Analyzer};
pub use feedback::Feedback;
pub use stem::Fnv;
pub use stored_figures::PassageFigures;
pub use meta::{FileEntry, IndexMeta};
use meta::{FileTable, Header};
pub use update::Source;
pub use topk::Reach;
use stored_doc::StoredValues;

use crate::error::{Error, Result};
use crate::query::ParsedQuery;
use crate::report::ReportMeta;
use schema::Fields;

/// Bytes of stored passages compressed together. A hit decompresses its
/// whole block; passages are 1-2 KB, so tantivy's 16 KB default unpacked
/// about eight passages to read one (5% of an answer at 100k reports).
const DOCSTORE_BLOCK_BYTES: usize = 4096;

/// Memory budget of the index writer, shared by its threads. Each thread
/// writes a segment when its share fills up; a larger budget means fewer
/// segments to merge during a large build and to visit per search (100k
/// reports: 4 segments, against 10 with 64 MB). Memory is
/// taken as documents arrive, so a small update uses little of it.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// One matching passage, with everything a citation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageHit {
    /// BM25 relevance (0 for filter-only queries).
    pub score: f32,
    pub report: ReportMeta,
    /// Position of the passage within its report.
    pub passage: usize,
    pub text: String,
    /// Figures extracted from this passage at index time (decoded when
    /// first read).
    pub figures: PassageFigures,
}

/// How many passages the index holds and how many contain each term, for
/// judging how much of a question the found passages cover.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermStats {
    pub passages: u64,
    pub containing: std::collections::HashMap<String, u64>,
}

impl TermStats {
    /// BM25's inverse document frequency of `term`; a term the index does
    /// not hold is as rare as can be.
    pub fn idf(&self, term: &str) -> f32 {
        let n = self.passages as f32;
        let df = self.containing.get(term).copied().unwrap_or(0) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }
}

/// Starts loading the Chinese segmenter's dictionary in the background,
/// for a process about to open the index (and its measure lexicon).
pub fn prepare_segmenter() {
    cjk::prepare();
}

/// The open index and its process-wide reader.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: Analyzer,
    dir: PathBuf,
    current: RwLock<Arc<Generation>>,
    writer_lock: Mutex<()>,
    feedback: Feedback,
    /// Threads that build the index; 0 for one per core beyond the reading
    /// thread, at most 2.
    writer_threads: usize,
}

/// A consistent view: a searcher and the file table of the same commit.
pub struct Generation {
    pub meta: Arc<IndexMeta>,
    searcher: Searcher,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens (or creates) the index in `data_dir/index` for the given
    /// gazetteer and passage settings. A corrupt or outdated index is
    /// discarded and recreated empty; the reason is returned.
    pub fn open(data_dir: &Path, gazetteer_hash: &str, window: usize) -> Result<(SearchIndex, Option<String>)> {
        Self::open_as(data_dir, gazetteer_hash, window, true)
    }

    /// Like [`SearchIndex::open`], but never changes the index on disk: a
    /// missing, corrupt or outdated index is left as it is and an empty one
    /// in memory stands in (for commands that do not search, such as the
    /// corpus check and the audit log).
    pub fn open_untouched(data_dir: &Path, gazetteer_hash: &str, window: usize) -> Result<(SearchIndex, Option<String>)> {
        Self::open_as(data_dir, gazetteer_hash, window, false)
    }

    fn open_as(data_dir: &Path, gazetteer_hash: &str, window: usize, rebuild: bool) -> Result<(SearchIndex, Option<String>)> {
        let dir = data_dir.join("index");
        let expected = Header {
            format_version: schema::FORMAT_VERSION,
            gazetteer_hash: gazetteer_hash.to_string(),
            passage_paragraphs: window,
            index_files: Default::default(),
        };
        let (schema, fields) = schema::build();
        let existing = IndexMeta::read(&dir, &expected).map_err(|s| s.to_string()).and_then(|meta| {
            let index = Index::open_in_dir(&dir).map_err(|e| format!("index files are unreadable ({e})"))?;
            if index.schema() != schema {
                return Err("index schema differs from this build".to_string());
            }
            // Verifying the checksums reads the whole index (70 ms at 100k
            // reports); files exactly as this program committed them are
            // trusted.
            let stamps = update::index_file_stamps(&index, &dir).map_err(|e| format!("index files are unreadable ({e})"))?;
            if stamps.is_empty() || stamps != meta.header.index_files {
                let damaged = index.validate_checksum().map_err(|e| format!("index files are unreadable ({e})"))?;
                if !damaged.is_empty() {
                    return Err(format!("{} index file(s) failed their checksum", damaged.len()));
                }
            }
            Ok((index, meta))
        });
        let (index, meta, rebuilt) = match existing {
            Ok((index, meta)) => (index, meta, None),
            Err(reason) if !rebuild => {
                let index = Index::builder().schema(schema).create_in_ram().map_err(index_err)?;
                (index, IndexMeta::new(expected, FileTable::new()), Some(reason))
            }
            Err(reason) => {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), %reason, "discarding the existing index");
                    std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                }
                std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                let settings = tantivy::IndexSettings { docstore_blocksize: DOCSTORE_BLOCK_BYTES, ..Default::default() };
                let index = Index::builder().schema(schema).settings(settings).create_in_dir(&dir).map_err(index_err)?;
                let meta = IndexMeta::new(expected, FileTable::new());
                meta.write(&dir)?;
                (index, meta, Some(reason))
            }
        };
        schema::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_err)?;
        let first = Generation { meta: Arc::new(meta), searcher: reader.searcher() };
        let search_index = SearchIndex {
            index,
            reader,
            fields,
            analyzer: Analyzer::default(),
            dir,
            current: RwLock::new(Arc::new(first)),
            writer_lock: Mutex::new(()),
            feedback: Feedback::OFF,
            writer_threads: 0,
        };
        Ok((search_index, rebuilt))
    }

    /// Sets how many threads build the index (0: automatic, see `update`).
    pub fn with_writer_threads(mut self, threads: usize) -> SearchIndex {
        self.writer_threads = threads;
        self
    }

    /// Sets how searches use pseudo-relevance feedback.
    pub fn with_feedback(mut self, feedback: Feedback) -> SearchIndex {
        self.feedback = feedback;
        self
    }

    /// The generation questions are answered from.
    pub fn current(&self) -> Arc<Generation> {
        match self.current.read() {
            Ok(generation) => generation.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Makes the reader's latest commit, with `meta`, the current generation.
    fn publish(&self, meta: Arc<IndexMeta>) -> Result<()> {
        let next = Arc::new(Generation { meta, searcher: self.reader.searcher() });
        *self.current.write().map_err(|_| Error::Index("generation lock poisoned".into()))? = next;
        Ok(())
    }

    /// The analyzer used for indexing, for highlighting.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Number of indexed reports.
    pub fn report_count(&self) -> usize {
        self.current().meta.report_count()
    }

    /// A snapshot of what is indexed.
    pub fn meta(&self) -> Arc<IndexMeta> {
        self.current().meta.clone()
    }

    /// Number of indexed passages.
    pub fn passage_count(&self) -> u64 {
        self.current().passage_count()
    }

    /// Runs `query`, returning up to `limit` passages, best first. Filter-only
    /// queries return the newest passages first.
    pub fn search(&self, query: &ParsedQuery, limit: usize) -> Result<Vec<PassageHit>> {
        self.search_in(&self.current(), query, limit, Reach::All)
    }

    /// [`SearchIndex::search`] for a caller that can use only the passages
    /// `reach` lets through: the others are never read from the store.
    pub fn search_reachable(&self, query: &ParsedQuery, limit: usize, reach: Reach) -> Result<Vec<PassageHit>> {
        self.search_in(&self.current(), query, limit, reach)
    }

    /// Like [`SearchIndex::search`], in the given generation.
    pub fn search_in(&self, generation: &Generation, query: &ParsedQuery, limit: usize, reach: Reach) -> Result<Vec<PassageHit>> {
        let searcher = &generation.searcher;
        let planned = plan::plan(query, &self.fields, &self.analyzer);
        let limit = limit.max(1);
        if !planned.has_text {
            let by_date = TopDocs::with_limit(limit).order_by_fast_field::<u64>("published", Order::Desc);
            let newest = searcher.search(&planned.query, &by_date).map_err(index_err)?;
            return newest.into_iter().map(|(_, address)| self.hit(searcher, 0.0, address)).collect();
        }
        let first = if let Some(words) = &planned.words {
            maxscore::top_k(searcher, words, limit)?
        } else if let Some(phrase) = &planned.phrase {
            phrase::top_k(searcher, phrase, limit)?
        } else if let Some(split) = &planned.split {
            let reach = rescore::pairs_reach(searcher, &split.pairs, split.pair_boost)?;
            rescore::top_k(searcher, split.base.as_ref(), &split.boosts, reach, limit)?
        } else {
            searcher.search(&planned.query, &TopDocs::with_limit(limit).order_by_score()).map_err(index_err)?
        };
        // Stored passages are read only when needed: the feedback passages
        // first, then whatever `reach` keeps of the final order.
        let mut slots: Vec<Option<PassageHit>> = (0..first.len()).map(|_| None).collect();
        let order: Vec<(f32, usize)> = if self.feedback.passages == 0 || first.is_empty() {
            first.iter().enumerate().map(|(i, &(score, _))| (score, i)).collect()
        } else {
            let n = self.feedback.passages.min(first.len());
            for (i, &(score, address)) in first.iter().enumerate().take(n) {
                slots[i] = Some(self.hit(searcher, score, address)?);
            }
            let own: HashSet<String> = query.text_terms().iter().flat_map(|t| self.analyzer.terms(t)).collect();
            let texts: Vec<(&str, &str)> =
                slots.iter().flatten().map(|h| (h.report.title.as_str(), h.text.as_str())).collect();
            feedback::rerank(searcher, &self.fields, &self.analyzer, &first, &texts, &own, self.feedback)?
        };
        let kept = reach.keeps(&order.iter().map(|(score, _)| *score).collect::<Vec<_>>());
        order
            .into_iter()
            .take(kept)
            .map(|(score, i)| match slots[i].take() {
                Some(hit) => Ok(PassageHit { score, ..hit }),
                None => self.hit(searcher, score, first[i].1),
            })
            .collect()
    }

    /// The raw-tantivy floor measured by `chipbot bench`: parses `query`
    /// with tantivy's own query parser (default fields title, boosted as in
    /// answers, and content) and fetches the stored documents of the best `k`
    /// passages. Returns each hit's score and report id.
    pub fn raw_top_docs(&self, query: &str, k: usize) -> Result<Vec<(f32, String)>> {
        let mut parser = QueryParser::for_index(&self.index, vec![self.fields.title, self.fields.content]);
        // The same title weight as answers use.
        parser.set_field_boost(self.fields.title, plan::TITLE_BOOST);
        let parsed = parser.parse_query(query).map_err(index_err)?;
        let generation = self.current();
        let searcher = &generation.searcher;
        let top = searcher.search(&parsed, &TopDocs::with_limit(k.max(1)).order_by_score()).map_err(index_err)?;
        top.into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).map_err(index_err)?;
                let id = doc.get_first(self.fields.report_id).and_then(|v| v.as_str()).unwrap_or_default();
                Ok((score, id.to_string()))
            })
            .collect()
    }

    /// How many passages of the current generation contain each of `terms`
    /// (index form) in their content.
    pub fn term_stats<'t>(&self, terms: impl IntoIterator<Item = &'t String>) -> Result<TermStats> {
        let generation = self.current();
        let searcher = &generation.searcher;
        let mut containing = std::collections::HashMap::new();
        for term in terms {
            let found = searcher.doc_freq(&Term::from_field_text(self.fields.content, term)).map_err(index_err)?;
            containing.insert(term.clone(), found);
        }
        Ok(TermStats { passages: searcher.num_docs(), containing })
    }

    /// Close index words for a query that found nothing ("did you mean").
    pub fn suggest(&self, words: &[String], max: usize) -> Vec<String> {
        suggest::suggest(&self.current().searcher, &self.fields, &self.analyzer, words, max)
    }

    /// Every passage of report `report_id` in `generation`, in report order.
    pub fn report_passages(&self, generation: &Generation, report_id: &str) -> Result<Vec<PassageHit>> {
        let term = Term::from_field_text(self.fields.report_id, report_id);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let found = generation.searcher.search(&query, &DocSetCollector).map_err(index_err)?;
        let mut hits: Vec<PassageHit> =
            found.into_iter().map(|a| self.hit(&generation.searcher, 0.0, a)).collect::<Result<_>>()?;
        hits.sort_by_key(|h| h.passage);
        Ok(hits)
    }

    /// Which of `report_ids` have a passage matching `query` (text and
    /// filters) in `generation`.
    pub fn reports_matching(
        &self,
        generation: &Generation,
        query: &ParsedQuery,
        report_ids: &[String],
    ) -> Result<HashSet<String>> {
        let planned = plan::plan(query, &self.fields, &self.analyzer);
        let ids = report_ids.iter().map(|id| Term::from_field_text(self.fields.report_id, id));
        let within: Box<dyn Query> = Box::new(TermSetQuery::new(ids));
        let both = BooleanQuery::new(vec![(Occur::Must, planned.query), (Occur::Must, within)]);
        let found = generation.searcher.search(&both, &DocSetCollector).map_err(index_err)?;
        let mut out = HashSet::new();
        for address in found {
            let doc: TantivyDocument = generation.searcher.doc(address).map_err(index_err)?;
            if let Some(id) = doc.get_first(self.fields.report_id).and_then(|v| v.as_str()) {
                out.insert(id.to_string());
            }
        }
        Ok(out)
    }

    fn hit(&self, searcher: &Searcher, score: f32, address: DocAddress) -> Result<PassageHit> {
        let stored = searcher.doc::<StoredValues>(address).map_err(index_err)?.into_passage(&self.fields);
        let figures = match stored.figures {
            Some(json) => PassageFigures::stored(json, stored.body.clone()),
            None => PassageFigures::default(),
        };
        Ok(PassageHit { score, report: stored.report, passage: stored.passage, text: stored.body, figures })
    }
}

impl Generation {
    /// Number of passages in this generation.
    pub fn passage_count(&self) -> u64 {
        self.searcher.num_docs()
    }
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generation").field("reports", &self.meta.report_count()).finish_non_exhaustive()
    }
}

/// A field's length norms in one segment, as tantivy's own scorers read
/// them: a constant when the field keeps none.
fn field_norms(reader: &tantivy::SegmentReader, field: tantivy::schema::Field) -> Result<tantivy::fieldnorm::FieldNormReader> {
    match reader.fieldnorms_readers().get_field(field).map_err(index_err)? {
        Some(norms) => Ok(norms),
        None => Ok(tantivy::fieldnorm::FieldNormReader::constant(reader.max_doc(), 1)),
    }
}

fn index_err(e: impl std::fmt::Display) -> Error {
    Error::Index(e.to_string())
}
