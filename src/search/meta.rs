//! The metadata file stored next to the index: format version, the settings
//! the index was built with, and one entry per source file (content hash,
//! size, modification time, report metadata). It lets a later run decide
//! quickly whether anything changed, and rebuild only what did.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::ReportMeta;

/// File name of the metadata file inside the index directory.
pub const FILE_NAME: &str = "chipbot-meta.json";

/// What the index was built from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexMeta {
    pub format_version: u32,
    /// Hash of the tables that shape what is indexed: the gazetteer used for
    /// figure subjects and the publisher table (the field keeps its stored name).
    pub gazetteer_hash: String,
    pub passage_paragraphs: usize,
    /// Indexed files by path relative to the reports directory.
    pub files: BTreeMap<String, FileEntry>,
}

/// One indexed source file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub hash: String,
    pub size: u64,
    pub modified_ns: Option<u128>,
    pub passages: usize,
    pub report: ReportMeta,
    /// When this content was first indexed (unset for entries written before
    /// this was recorded). Digests list reports by this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Why an existing metadata file cannot be used as is.
#[derive(Debug, PartialEq)]
pub enum Staleness {
    Missing,
    Corrupt(String),
    Outdated(String),
}

impl std::fmt::Display for Staleness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Staleness::Missing => f.write_str("no index yet"),
            Staleness::Corrupt(why) => write!(f, "index metadata is unreadable ({why})"),
            Staleness::Outdated(why) => write!(f, "index is outdated ({why})"),
        }
    }
}

/// Nanoseconds since the epoch, for change detection.
pub fn modified_ns(time: Option<SystemTime>) -> Option<u128> {
    time.and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos())
}

impl IndexMeta {
    /// Reads the metadata in `dir`, checking that it matches `expected`'s settings.
    pub fn read(dir: &Path, expected: &IndexMeta) -> std::result::Result<IndexMeta, Staleness> {
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Staleness::Missing),
            Err(e) => return Err(Staleness::Corrupt(e.to_string())),
        };
        let meta: IndexMeta =
            serde_json::from_str(&text).map_err(|e| Staleness::Corrupt(e.to_string()))?;
        if meta.format_version != expected.format_version {
            return Err(Staleness::Outdated(format!(
                "format {} but this build uses {}",
                meta.format_version, expected.format_version
            )));
        }
        if meta.gazetteer_hash != expected.gazetteer_hash {
            return Err(Staleness::Outdated("the gazetteer changed".into()));
        }
        if meta.passage_paragraphs != expected.passage_paragraphs {
            return Err(Staleness::Outdated("index.passage_paragraphs changed".into()));
        }
        Ok(meta)
    }

    /// Writes the metadata atomically (temporary file, then rename).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(FILE_NAME);
        let tmp: PathBuf = dir.join(format!("{FILE_NAME}.tmp"));
        let text = serde_json::to_string(self).map_err(|e| Error::Index(e.to_string()))?;
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    /// Number of indexed reports.
    pub fn report_count(&self) -> usize {
        self.files.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> IndexMeta {
        IndexMeta { format_version: 3, gazetteer_hash: "g".into(), passage_paragraphs: 1, ..Default::default() }
    }

    #[test]
    fn round_trips_and_detects_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(IndexMeta::read(dir.path(), &expected()), Err(Staleness::Missing));
        expected().write(dir.path()).expect("write");
        assert_eq!(IndexMeta::read(dir.path(), &expected()), Ok(expected()));
        let newer = IndexMeta { format_version: 4, ..expected() };
        assert!(matches!(IndexMeta::read(dir.path(), &newer), Err(Staleness::Outdated(_))));
        std::fs::write(dir.path().join(FILE_NAME), "{not json").expect("write");
        assert!(matches!(IndexMeta::read(dir.path(), &expected()), Err(Staleness::Corrupt(_))));
    }
}
