//! Finding report files: which files under the reports folder are reports,
//! with their sizes and modification times, in path order.
//!
//! Every question a fresh process answers is followed by this check (in the
//! background, while the answer is composed), and the process waits for it
//! before it exits, so at 100,000 reports it is most of a CLI run. Only
//! report files and their sidecars are examined, and a large folder's files
//! are examined on several threads: the `stat` per file is the main cost.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::DirEntry;
use std::path::Path;
use std::time::SystemTime;

use super::sidecar;
use crate::error::{Error, Result};

/// Extensions the loaders understand.
const EXTENSIONS: [&str; 6] = ["md", "markdown", "txt", "html", "htm", "pdf"];

/// Files in one folder from which their sizes and times are read on several
/// threads; below it, starting threads costs more than it saves.
const PARALLEL_STAT_MIN: usize = 2_048;

/// At most this many threads read sizes and times.
const MAX_STAT_THREADS: usize = 4;

/// A candidate report file found on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Path relative to the reports directory, with `/` separators.
    pub rel: String,
    pub size: u64,
    pub modified: Option<SystemTime>,
}

/// Whether `path` looks like a report the loaders handle.
pub fn is_report_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(is_report_name)
}

/// Whether a file named `name` is a report the loaders handle.
fn is_report_name(name: &str) -> bool {
    if name.starts_with('.') || name.ends_with(sidecar::SUFFIX) || name.eq_ignore_ascii_case("readme.md") {
        return false;
    }
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Lists report files under `dir` recursively, sorted by relative path,
/// with their sizes and modification times (a report's time is the later
/// of its own and its sidecar's).
pub fn scan_dir(dir: &Path) -> Result<Vec<SourceFile>> {
    walk(dir, true)
}

/// The relative paths [`scan_dir`] would list, sorted, without reading each
/// file's size and time: a directory listing and no `stat` per file (30 ms
/// instead of 300 ms for 100,000 reports). It tells whether reports were
/// added or removed, not whether one changed in place.
pub fn list_report_paths(dir: &Path) -> Result<Vec<String>> {
    Ok(walk(dir, false)?.into_iter().map(|f| f.rel).collect())
}

fn walk(dir: &Path, stat: bool) -> Result<Vec<SourceFile>> {
    let mut found = Vec::new();
    // Folders still to list, each with its path relative to `dir` ("" for
    // `dir` itself, else ending in '/').
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((current, prefix)) = pending.pop() {
        let listed = list_dir(&current, stat)?;
        for folder in listed.folders {
            let name = folder.to_string_lossy();
            let rel = format!("{prefix}{name}/");
            pending.push((current.join(&folder), rel));
        }
        let stamps = if stat { stamps(&listed.reports)? } else { Vec::new() };
        let sidecars = if stat { sidecar_times(&listed.sidecars)? } else { HashMap::new() };
        for (i, report) in listed.reports.iter().enumerate() {
            let name = report.name.to_str().unwrap_or_default();
            let mut rel = String::with_capacity(prefix.len() + name.len());
            rel.push_str(&prefix);
            rel.push_str(name);
            let (size, own) = stamps.get(i).copied().unwrap_or((0, None));
            let modified = if sidecars.is_empty() { own } else { latest(own, sidecars.get(sidecar::path_for(Path::new(&report.name)).as_os_str()).copied()) };
            found.push(SourceFile { rel, size, modified });
        }
    }
    found.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    Ok(found)
}

/// One folder's entries that matter: its report files, the sidecars beside
/// them (only when times are wanted) and the folders to enter.
struct Listing {
    reports: Vec<FileEntry>,
    sidecars: Vec<FileEntry>,
    folders: Vec<OsString>,
}

/// A file to read the size and time of: the directory entry (which reads
/// them relative to its open folder) and its name.
struct FileEntry {
    entry: DirEntry,
    name: OsString,
    /// A link: its target's size and time are the report's.
    link: bool,
}

fn list_dir(dir: &Path, stat: bool) -> Result<Listing> {
    let mut listing = Listing { reports: Vec::new(), sidecars: Vec::new(), folders: Vec::new() };
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        // The entry's type comes with the listing on most file systems. A
        // link to a directory is not followed; any other link is taken as a
        // file (a broken one then fails to load, with its path).
        let file_type = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        let name = entry.file_name();
        if file_type.is_dir() {
            // A folder whose name is not UTF-8 is shown with replacement characters.
            if !name.as_encoded_bytes().starts_with(b".") {
                listing.folders.push(name);
            }
        } else if file_type.is_file() || file_type.is_symlink() {
            // A file whose name is not UTF-8 is no report.
            let Some(text) = name.to_str() else { continue };
            let is_report = is_report_name(text);
            if is_report || (stat && text.ends_with(sidecar::SUFFIX)) {
                let file = FileEntry { entry, name, link: file_type.is_symlink() };
                if is_report { listing.reports.push(file) } else { listing.sidecars.push(file) }
            }
        }
    }
    Ok(listing)
}

/// Each sidecar's modification time, by file name.
fn sidecar_times(sidecars: &[FileEntry]) -> Result<HashMap<OsString, SystemTime>> {
    let mut times = HashMap::new();
    for (file, (_, modified)) in sidecars.iter().zip(stamps(sidecars)?) {
        if let Some(modified) = modified {
            times.insert(file.name.clone(), modified);
        }
    }
    Ok(times)
}

/// The size and modification time of each file, in order; a large folder's
/// are read on several threads.
fn stamps(files: &[FileEntry]) -> Result<Vec<(u64, Option<SystemTime>)>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_STAT_THREADS);
    if threads <= 1 || files.len() < PARALLEL_STAT_MIN {
        return files.iter().map(stamp).collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let mut parts = Vec::with_capacity(threads);
        for part in files.chunks(chunk) {
            let worker = std::thread::Builder::new().name("chipbot-scan".into()).spawn_scoped(scope, move || {
                part.iter().map(stamp).collect::<Result<Vec<_>>>()
            });
            // A thread that cannot be started leaves its share to this one.
            parts.push(worker.map_err(|_| part));
        }
        let mut out = Vec::with_capacity(files.len());
        for part in parts {
            let stamped = match part {
                Ok(worker) => worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
                Err(part) => part.iter().map(stamp).collect::<Result<Vec<_>>>()?,
            };
            out.extend(stamped);
        }
        Ok(out)
    })
}

/// A file's size and modification time; a link's are its target's (a
/// broken link's are its own).
fn stamp(file: &FileEntry) -> Result<(u64, Option<SystemTime>)> {
    let target = if file.link { std::fs::metadata(file.entry.path()).ok() } else { None };
    let meta = match target {
        Some(target) => target,
        None => file.entry.metadata().map_err(|e| Error::io(file.entry.path(), e))?,
    };
    Ok((meta.len(), meta.modified().ok()))
}

fn latest(a: Option<SystemTime>, b: Option<SystemTime>) -> Option<SystemTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_takes_the_newer_of_report_and_sidecar_and_follows_file_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "Text.").expect("write");
        std::fs::write(d.join("b.txt"), "Other text.").expect("write");
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let new = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(2_000_000);
        let set = |path: &Path, time| {
            std::fs::File::options().write(true).open(path).expect("open").set_modified(time).expect("mtime");
        };
        set(&d.join("a.txt"), old);
        set(&d.join("b.txt"), old);
        std::fs::write(d.join("a.txt.meta.toml"), "title = \"A\"\n").expect("write");
        set(&d.join("a.txt.meta.toml"), new);
        std::os::unix::fs::symlink(d.join("b.txt"), d.join("c.txt")).expect("symlink");
        std::os::unix::fs::symlink(d, d.join("loop")).expect("symlink");
        let files = scan_dir(d).expect("scan");
        let by_name = |rel: &str| files.iter().find(|f| f.rel == rel).cloned().expect(rel);
        assert_eq!(by_name("a.txt").modified, Some(new), "a sidecar edit counts as a change");
        assert_eq!(by_name("b.txt").modified, Some(old));
        // A link to a file is that file; a link to a directory is not entered.
        assert_eq!(by_name("c.txt").size, "Other text.".len() as u64);
        assert_eq!(files.len(), 3, "{files:?}");
        assert_eq!(list_report_paths(d).expect("list"), ["a.txt", "b.txt", "c.txt"]);
    }

    #[test]
    fn listing_by_name_finds_what_the_scan_finds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        for folder in ["sub/deeper", ".hidden", "other.md"] {
            std::fs::create_dir_all(d.join(folder)).expect("mkdir");
        }
        let files = [
            "top.md", "README.md", "notes.TXT", "page.html", "x.pdf", "image.png", ".draft.md", "top.md.meta.toml",
            "sub/a.md", "sub/deeper/b.htm", "sub/deeper/README.md", ".hidden/c.md", "other.md/d.txt",
        ];
        for file in files {
            std::fs::write(d.join(file), "Text.").expect("write");
        }
        let scanned: Vec<String> = scan_dir(d).expect("scan").into_iter().map(|f| f.rel).collect();
        assert_eq!(scanned, ["notes.TXT", "other.md/d.txt", "page.html", "sub/a.md", "sub/deeper/b.htm", "top.md", "x.pdf"]);
        assert_eq!(list_report_paths(d).expect("list"), scanned);
    }

    #[test]
    fn a_large_folder_is_read_on_several_threads_with_the_same_result() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let count = PARALLEL_STAT_MIN + 37;
        for n in 0..count {
            std::fs::write(d.join(format!("r{n:05}.md")), "x".repeat(n % 50)).expect("write");
        }
        // A sidecar beside one of them, newer than every report.
        std::fs::write(d.join("r01234.md.meta.toml"), "title = \"T\"\n").expect("write");
        let newer = SystemTime::now() + std::time::Duration::from_secs(3_600);
        std::fs::File::options().write(true).open(d.join("r01234.md.meta.toml")).expect("open").set_modified(newer).expect("mtime");
        let files = scan_dir(d).expect("scan");
        assert_eq!(files.len(), count);
        for (n, file) in files.iter().enumerate() {
            assert_eq!(file.rel, format!("r{n:05}.md"));
            assert_eq!(file.size, (n % 50) as u64, "{}", file.rel);
            let expected = std::fs::metadata(d.join(&file.rel)).expect("stat").modified().ok();
            if n == 1234 {
                assert_eq!(file.modified, Some(newer));
            } else {
                assert_eq!(file.modified, expected, "{}", file.rel);
            }
        }
    }
}
