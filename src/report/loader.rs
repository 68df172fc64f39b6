//! Finding and loading report files. A file that cannot be read or parsed
//! becomes a per-file error naming its path, line and reason; the rest load.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::scan::scan_dir;
use super::{display_path, html, markdown, pdf, plain, sidecar, slug, Report, ReportMeta};
use crate::error::{Error, Result};

/// Largest report file accepted, to keep one bad file from exhausting memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reports that loaded, and the files that did not.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    pub reports: Vec<Report>,
    pub failures: Vec<Error>,
}

/// Loads every report under `dir`. Duplicate ids keep the first file (by path)
/// and report the second as an error naming both.
pub fn load_dir(dir: &Path) -> Result<LoadOutcome> {
    let mut outcome = LoadOutcome::default();
    let mut seen: std::collections::HashMap<String, PathBuf> = Default::default();
    for file in scan_dir(dir)? {
        match load_file(dir, &file.rel) {
            Ok(report) => {
                let path = display_path(dir, &report.source);
                if let Some(first) = seen.get(&report.meta.id) {
                    outcome.failures.push(Error::DuplicateId {
                        id: report.meta.id.clone(),
                        first: first.clone(),
                        second: path,
                    });
                } else {
                    seen.insert(report.meta.id.clone(), path);
                    outcome.reports.push(report);
                }
            }
            Err(e) => outcome.failures.push(e),
        }
    }
    Ok(outcome)
}

/// Loads one report given its path relative to `dir`.
/// Parses a report held in memory, by the extension of `name` (`.md`,
/// `.html`, `.pdf`, else text): metadata and body, or the line and reason it
/// could not be read. Used for files and pages proposed with `add`.
pub fn parse_bytes(name: &str, bytes: &[u8]) -> std::result::Result<(ReportMeta, String), (usize, String)> {
    let path = Path::new(name);
    let stem_id = slug(path.file_stem().and_then(|s| s.to_str()).unwrap_or_default());
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    if ext == "pdf" {
        return guarded(|| pdf::parse(bytes, &stem_id));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| (1, format!("the file is not UTF-8 text ({e})")))?;
    guarded(|| match ext.as_str() {
        "md" | "markdown" => markdown::parse(text).map_err(|f| (f.line, f.reason)),
        "html" | "htm" => html::parse(text, &stem_id),
        _ => plain::parse(text, &stem_id),
    })
}

pub fn load_file(dir: &Path, rel: &str) -> Result<Report> {
    let path = display_path(dir, rel);
    let size = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
    if size > MAX_FILE_BYTES {
        return Err(report_error(&path, 1, format!("file is {size} bytes; the limit is {MAX_FILE_BYTES}")));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let sidecar_path = sidecar::path_for(&path);
    let sidecar_bytes = std::fs::read(&sidecar_path).ok();
    let mut hasher = Sha256::new();
    hasher.update(&bytes);
    if let Some(extra) = &sidecar_bytes {
        hasher.update(b"\0sidecar\0");
        hasher.update(extra);
    }
    let hash = format!("{:x}", hasher.finalize());
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let stem_id = slug(stem);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let (text, bytes) = match ext.as_str() {
        "pdf" => (None, bytes),
        _ => (Some(utf8(&path, bytes)?), Vec::new()),
    };
    let parsed = guarded(|| match (ext.as_str(), &text) {
        ("md" | "markdown", Some(text)) => markdown::parse(text).map_err(|f| (f.line, f.reason)),
        ("html" | "htm", Some(text)) => html::parse(text, &stem_id),
        (_, Some(text)) => plain::parse(text, &stem_id),
        (_, None) => pdf::parse(&bytes, &stem_id),
    });
    let (mut meta, body) = parsed.map_err(|(line, reason)| report_error(&path, line, reason))?;
    if let Some(extra) = sidecar_bytes {
        let text = utf8(&sidecar_path, extra)?;
        let car = sidecar::parse(&text).map_err(|(line, r)| report_error(&sidecar_path, line, r))?;
        car.apply(&mut meta).map_err(|r| report_error(&sidecar_path, 1, r))?;
    }
    if !super::is_valid_id(&meta.id) {
        return Err(report_error(&path, 1, format!("invalid report id `{}`", meta.id)));
    }
    if meta.publisher.is_empty() {
        meta.publisher = "unknown publisher".into();
    }
    if meta.language.is_none() {
        meta.language = Some(super::detect_language_of([meta.title.as_str(), body.as_str()]).to_string());
    }
    Ok(Report { meta, body, source: rel.to_string(), hash })
}

/// Runs a parser so that a panic in it (a bug, or a crate tripping over a
/// hostile file) fails this one file with a reason instead of the whole
/// index update.
fn guarded<T>(parse: impl FnOnce() -> std::result::Result<T, (usize, String)>) -> std::result::Result<T, (usize, String)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse))
        .unwrap_or_else(|_| Err((1, "the loader failed on this file (a chipbot bug; the file is skipped)".into())))
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + upto.iter().filter(|&&b| b == b'\n').count();
        report_error(path, line, "the file is not valid UTF-8".into())
    })
}

fn report_error(path: &Path, line: usize, reason: String) -> Error {
    Error::Report { path: path.to_path_buf(), line, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(id: &str) -> String {
        format!("+++\nid = \"{id}\"\ntitle = \"T {id}\"\npublisher = \"P\"\nurl = \"https://x.test/{id}\"\npublished = 2024-01-02\n+++\n\nBody of {id}.\n")
    }

    #[test]
    fn a_parser_that_panics_fails_only_its_file() {
        let failed: std::result::Result<(), (usize, String)> = guarded(|| panic!("a loader bug"));
        let (line, reason) = failed.expect_err("a panic is an error");
        assert_eq!(line, 1);
        assert!(reason.contains("the file is skipped"), "{reason}");
        assert_eq!(guarded(|| Ok::<_, (usize, String)>(7)), Ok(7));
    }

    #[test]
    fn loads_all_formats_and_reports_bad_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("a.md"), md("a")).expect("write");
        std::fs::create_dir(d.join("sub")).expect("mkdir");
        std::fs::write(d.join("sub/b.txt"), "Title: B\n\nText of b.").expect("write");
        std::fs::write(d.join("c.html"), "<title>C</title><p>Text of c.</p>").expect("write");
        std::fs::write(d.join("d.pdf"), pdf::tiny_pdf(&["Text of d."])).expect("write");
        std::fs::write(d.join("d.pdf.meta.toml"), "title = \"D\"\npublisher = \"Q\"\n").expect("write");
        std::fs::write(d.join("broken.md"), "+++\nid = \n+++\nx").expect("write");
        std::fs::write(d.join("binary.txt"), [0xff, 0xfe, 0x00]).expect("write");
        std::fs::write(d.join("ignored.json"), "{}").expect("write");
        let out = load_dir(d).expect("load");
        let ids: Vec<_> = out.reports.iter().map(|r| r.meta.id.as_str()).collect();
        assert_eq!(ids, vec!["a", "c", "d", "b"]);
        assert_eq!(out.reports[2].meta.title, "D");
        assert_eq!(out.failures.len(), 2, "{:?}", out.failures);
        let messages: Vec<String> = out.failures.iter().map(|e| e.to_string()).collect();
        assert!(messages.iter().any(|m| m.contains("binary.txt:1") && m.contains("UTF-8")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("broken.md:2")), "{messages:?}");
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("one.md"), md("same")).expect("write");
        std::fs::write(dir.path().join("two.md"), md("same")).expect("write");
        let out = load_dir(dir.path()).expect("load");
        assert_eq!(out.reports.len(), 1);
        let msg = out.failures[0].to_string();
        assert!(msg.contains("one.md") && msg.contains("two.md") && msg.contains("same"), "{msg}");
    }

    #[test]
    fn missing_directory_is_an_io_error() {
        let err = load_dir(Path::new("/definitely/not/here")).expect_err("missing");
        assert!(err.to_string().contains("/definitely/not/here"));
    }

    #[test]
    fn sidecar_changes_the_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), "Text.").expect("write");
        let before = load_file(dir.path(), "a.txt").expect("load").hash;
        std::fs::write(dir.path().join("a.txt.meta.toml"), "title = \"A\"\n").expect("write");
        let after = load_file(dir.path(), "a.txt").expect("load").hash;
        assert_ne!(before, after);
    }
}
