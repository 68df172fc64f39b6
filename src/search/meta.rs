//! The metadata file stored next to the index: the settings the index was
//! built with, a *stamp* (size, modification time) of each of the index's
//! own files, and one entry per source file (content hash, size,
//! modification time, report metadata). It lets a later run decide quickly
//! whether anything changed, and rebuild only what did.
//!
//! A fresh process must answer quickly, so the file is laid out for a cheap
//! open: a small JSON header, then the source files' stamps in a compact
//! binary table (about 40 bytes a report), then the full entries as JSON.
//! Opening reads the header and the stamps (enough to count reports and to
//! see what changed on disk); the entries (48 MB at 100k reports, 200 ms to
//! parse) are read from the same open file only when something needs them:
//! an update that changes the index, `sources`, a digest.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::ReportMeta;

/// File name of the metadata file inside the index directory.
pub const FILE_NAME: &str = "chipbot-meta.bin";
/// The JSON file earlier versions wrote instead.
const OLD_FILE_NAME: &str = "chipbot-meta.json";
/// First bytes of the file.
const MAGIC: &[u8; 12] = b"chipbot-meta";
/// Longest header accepted when reading.
const MAX_HEADER_BYTES: u32 = 16 << 20;

/// Size and modification time of a file, for change detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub modified_ns: Option<u128>,
}

impl Stamp {
    pub fn of(size: u64, modified: Option<SystemTime>) -> Stamp {
        Stamp { size, modified_ns: modified_ns(modified) }
    }
}

/// What the index was built with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format_version: u32,
    /// Hash of the tables that shape what is indexed: the gazetteer used for
    /// figure subjects and the publisher table.
    pub gazetteer_hash: String,
    pub passage_paragraphs: usize,
    /// The index's own files (relative to the index directory) as this
    /// program last committed them. When every one is unchanged, opening
    /// skips reading the whole index to verify its checksums.
    #[serde(default)]
    pub index_files: BTreeMap<String, Stamp>,
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

/// Source files by path relative to the reports directory.
pub type FileTable = BTreeMap<String, FileEntry>;

/// What the index was built from: the header, every source file's stamp,
/// and the full entries, read when first asked for.
pub struct IndexMeta {
    pub header: Header,
    /// Source files' stamps, sorted by path.
    stamps: Vec<(String, Stamp)>,
    entries: OnceLock<std::result::Result<FileTable, String>>,
    /// Where the entries are, until they are read.
    unread: Mutex<Option<(File, u64)>>,
}

impl std::fmt::Debug for IndexMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexMeta").field("header", &self.header).field("reports", &self.stamps.len()).finish_non_exhaustive()
    }
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
    /// Metadata with `header` and the given entries.
    pub fn new(header: Header, entries: FileTable) -> IndexMeta {
        let stamps = entries.iter().map(|(rel, e)| (rel.clone(), Stamp { size: e.size, modified_ns: e.modified_ns })).collect();
        IndexMeta { header, stamps, entries: OnceLock::from(Ok(entries)), unread: Mutex::new(None) }
    }

    /// Reads the header and the stamps in `dir`, checking that the header
    /// matches `expected`'s settings. The entries stay on disk until needed.
    pub fn read(dir: &Path, expected: &Header) -> std::result::Result<IndexMeta, Staleness> {
        let path = dir.join(FILE_NAME);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(if dir.join(OLD_FILE_NAME).exists() {
                    Staleness::Outdated("its metadata is in an older format".into())
                } else {
                    Staleness::Missing
                });
            }
            Err(e) => return Err(Staleness::Corrupt(e.to_string())),
        };
        let corrupt = |e: std::io::Error| Staleness::Corrupt(e.to_string());
        let mut reader = BufReader::with_capacity(1 << 18, file);
        let mut magic = [0u8; MAGIC.len()];
        reader.read_exact(&mut magic).map_err(corrupt)?;
        if &magic != MAGIC {
            return Err(Staleness::Corrupt("not a chipbot metadata file".into()));
        }
        let header_len = read_u32(&mut reader).map_err(corrupt)?;
        if header_len > MAX_HEADER_BYTES {
            return Err(Staleness::Corrupt("header too long".into()));
        }
        let header: Header = serde_json::from_slice(&read_bytes(&mut reader, header_len as usize).map_err(corrupt)?)
            .map_err(|e| Staleness::Corrupt(e.to_string()))?;
        check_header(&header, expected)?;
        let count = read_u32(&mut reader).map_err(corrupt)? as usize;
        let mut stamps = Vec::with_capacity(count.min(1 << 24));
        for _ in 0..count {
            stamps.push(read_stamp(&mut reader).map_err(corrupt)?);
        }
        if !stamps.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err(Staleness::Corrupt("file stamps out of order".into()));
        }
        let offset = reader.stream_position().map_err(corrupt)?;
        let file = reader.into_inner();
        Ok(IndexMeta { header, stamps, entries: OnceLock::new(), unread: Mutex::new(Some((file, offset))) })
    }

    /// Writes the metadata atomically (temporary file, then rename),
    /// streamed: the entries (480 MB at a million reports) are not held as
    /// text in memory.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let entries = self.entries()?;
        if let Some((rel, _)) = self.stamps.iter().find(|(rel, _)| rel.len() > usize::from(u16::MAX)) {
            return Err(Error::Index(format!("report path too long: {rel}")));
        }
        let header = serde_json::to_vec(&self.header).map_err(|e| Error::Index(e.to_string()))?;
        let path = dir.join(FILE_NAME);
        let tmp: PathBuf = dir.join(format!("{FILE_NAME}.tmp"));
        self.write_to(&tmp, &header, entries).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        let old = dir.join(OLD_FILE_NAME);
        if old.exists() {
            let _ = std::fs::remove_file(old);
        }
        Ok(())
    }

    fn write_to(&self, tmp: &Path, header: &[u8], entries: &FileTable) -> std::io::Result<()> {
        let mut out = BufWriter::with_capacity(1 << 18, File::create(tmp)?);
        out.write_all(MAGIC)?;
        out.write_all(&(header.len() as u32).to_le_bytes())?;
        out.write_all(header)?;
        out.write_all(&(self.stamps.len() as u32).to_le_bytes())?;
        for (rel, stamp) in &self.stamps {
            out.write_all(&(rel.len() as u16).to_le_bytes())?;
            out.write_all(rel.as_bytes())?;
            out.write_all(&stamp.size.to_le_bytes())?;
            match stamp.modified_ns {
                Some(ns) => {
                    out.write_all(&[1])?;
                    out.write_all(&ns.to_le_bytes())?;
                }
                None => out.write_all(&[0])?,
            }
        }
        // The entries' length goes before them: a placeholder, filled in once
        // they are written.
        let length_at = out.stream_position()?;
        out.write_all(&0u64.to_le_bytes())?;
        serde_json::to_writer(&mut out, entries).map_err(std::io::Error::other)?;
        let end = out.stream_position()?;
        out.seek(SeekFrom::Start(length_at))?;
        out.write_all(&(end - length_at - 8).to_le_bytes())?;
        out.flush()
    }

    /// Number of indexed reports.
    pub fn report_count(&self) -> usize {
        self.stamps.len()
    }

    /// Source files' stamps, sorted by path.
    pub fn stamps(&self) -> &[(String, Stamp)] {
        &self.stamps
    }

    /// The full entries, read from disk the first time (and by one caller
    /// while others wait).
    pub fn entries(&self) -> Result<&FileTable> {
        let loaded = self.entries.get_or_init(|| {
            let unread = self.unread.lock().map(|mut u| u.take()).unwrap_or(None);
            let (file, offset) = unread.ok_or_else(|| "the file table was not kept".to_string())?;
            let table = read_table(file, offset).map_err(|e| e.to_string())?;
            let same_files = table.len() == self.stamps.len() && table.keys().zip(&self.stamps).all(|(a, (b, _))| a == b);
            if same_files { Ok(table) } else { Err("its file table does not match its file stamps".into()) }
        });
        loaded.as_ref().map_err(|why| Error::Index(format!("index metadata is unreadable ({why}); run `chipbot index --full`")))
    }
}

fn check_header(header: &Header, expected: &Header) -> std::result::Result<(), Staleness> {
    if header.format_version != expected.format_version {
        return Err(Staleness::Outdated(format!(
            "format {} but this build uses {}",
            header.format_version, expected.format_version
        )));
    }
    if header.gazetteer_hash != expected.gazetteer_hash {
        return Err(Staleness::Outdated("the gazetteer changed".into()));
    }
    if header.passage_paragraphs != expected.passage_paragraphs {
        return Err(Staleness::Outdated("index.passage_paragraphs changed".into()));
    }
    Ok(())
}

fn read_table(mut file: File, offset: u64) -> std::io::Result<FileTable> {
    file.seek(SeekFrom::Start(offset))?;
    let mut reader = BufReader::new(file);
    let len = read_u64(&mut reader)?;
    let available = reader.get_ref().metadata()?.len().saturating_sub(offset + 8);
    if len != available {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "truncated file table"));
    }
    let bytes = read_bytes(&mut reader, len as usize)?;
    serde_json::from_slice(&bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

fn read_stamp(reader: &mut impl Read) -> std::io::Result<(String, Stamp)> {
    let mut len = [0u8; 2];
    reader.read_exact(&mut len)?;
    let rel = String::from_utf8(read_bytes(reader, u16::from_le_bytes(len) as usize)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let size = read_u64(reader)?;
    let mut flag = [0u8; 1];
    reader.read_exact(&mut flag)?;
    let modified_ns = match flag[0] {
        0 => None,
        1 => {
            let mut ns = [0u8; 16];
            reader.read_exact(&mut ns)?;
            Some(u128::from_le_bytes(ns))
        }
        _ => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "bad stamp")),
    };
    Ok((rel, Stamp { size, modified_ns }))
}

fn read_u32(reader: &mut impl Read) -> std::io::Result<u32> {
    let mut bytes = [0u8; 4];
    reader.read_exact(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

fn read_u64(reader: &mut impl Read) -> std::io::Result<u64> {
    let mut bytes = [0u8; 8];
    reader.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

fn read_bytes(reader: &mut impl Read, len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() == len {
        Ok(bytes)
    } else {
        Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "file ends early"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> Header {
        Header { format_version: 3, gazetteer_hash: "g".into(), passage_paragraphs: 1, ..Default::default() }
    }

    fn entry(size: u64, modified_ns: Option<u128>) -> FileEntry {
        FileEntry {
            hash: format!("h{size}"),
            size,
            modified_ns,
            passages: 2,
            report: ReportMeta { id: format!("r{size}"), title: "T".into(), publisher: "P".into(), ..Default::default() },
            indexed_at: None,
        }
    }

    fn two_files() -> IndexMeta {
        let mut table = FileTable::new();
        table.insert("a.md".into(), entry(10, Some(1_700_000_000_123_456_789)));
        table.insert("sub/b.txt".into(), entry(20, None));
        let header = Header { index_files: BTreeMap::from([("meta.json".into(), Stamp { size: 5, modified_ns: Some(7) })]), ..expected() };
        IndexMeta::new(header, table)
    }

    #[test]
    fn round_trips_and_detects_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(IndexMeta::read(dir.path(), &expected()), Err(Staleness::Missing)));
        let written = two_files();
        written.write(dir.path()).expect("write");
        let read = IndexMeta::read(dir.path(), &expected()).expect("read");
        assert_eq!(read.header, written.header);
        assert_eq!(read.stamps(), written.stamps());
        assert_eq!(read.report_count(), 2);
        let stamp = |rel: &str| read.stamps().iter().find(|(r, _)| r == rel).map(|(_, stamp)| *stamp);
        assert_eq!(stamp("sub/b.txt"), Some(Stamp { size: 20, modified_ns: None }));
        assert_eq!(stamp("c.md"), None);
        // The entries are read only when asked for, and then match.
        assert!(read.entries.get().is_none());
        assert_eq!(read.entries().expect("entries"), written.entries().expect("entries"));
        let newer = Header { format_version: 4, ..expected() };
        assert!(matches!(IndexMeta::read(dir.path(), &newer), Err(Staleness::Outdated(_))));
    }

    #[test]
    fn damaged_files_are_reported_not_trusted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "{not ours").expect("write");
        assert!(matches!(IndexMeta::read(dir.path(), &expected()), Err(Staleness::Corrupt(_))));
        two_files().write(dir.path()).expect("write");
        let bytes = std::fs::read(&path).expect("read");
        // Cut inside the stamps: the open fails.
        std::fs::write(&path, &bytes[..60]).expect("write");
        assert!(matches!(IndexMeta::read(dir.path(), &expected()), Err(Staleness::Corrupt(_))));
        // Cut inside the entries: the open succeeds (the stamps are whole),
        // and reading the entries says what is wrong.
        std::fs::write(&path, &bytes[..bytes.len() - 10]).expect("write");
        let read = IndexMeta::read(dir.path(), &expected()).expect("stamps are readable");
        let err = read.entries().expect_err("entries are cut").to_string();
        assert!(err.contains("index --full"), "{err}");
    }

    #[test]
    fn an_index_from_the_json_format_is_outdated() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(OLD_FILE_NAME), "{}").expect("write");
        assert!(matches!(IndexMeta::read(dir.path(), &expected()), Err(Staleness::Outdated(_))));
        two_files().write(dir.path()).expect("write");
        assert!(!dir.path().join(OLD_FILE_NAME).exists());
    }
}
