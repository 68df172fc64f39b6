//! Curation: turning a proposed link or file into a draft report for the
//! queue, editing a draft's metadata, and writing an approved draft into the
//! reports folder. The queue itself is in [`crate::store`]; who may do what,
//! the audit and the reindex are the core's ([`crate::core`]).
//!
//! A draft is the report as it would be written: TOML front matter (the
//! same keys as a bundled report) and a body. Pages become Markdown reports;
//! a PDF is kept as the original file with a `.meta.toml` sidecar.

#[cfg(feature = "curation")]
pub mod fetch;
#[cfg(feature = "curation")]
pub mod page;
#[cfg(feature = "curation")]
pub mod feed;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::figures::{EntityKind, Gazetteer};
use crate::report::{parse_bytes, slug, Publishers, ReportMeta};
use crate::store::QueueKind;

/// A proposed report, ready to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub meta: ReportMeta,
    pub body: String,
    pub kind: QueueKind,
    /// The original bytes of a PDF.
    pub original: Option<Vec<u8>>,
}

/// The tables a draft's metadata is completed with.
pub struct Tables<'a> {
    pub gazetteer: &'a Gazetteer,
    pub publishers: &'a Publishers,
}

/// A draft from a file's bytes; `name` gives the format by its extension.
pub fn draft_from_file(name: &str, bytes: &[u8], tables: &Tables<'_>) -> Result<Draft> {
    let safe = file_name_only(name);
    let is_pdf = bytes.starts_with(b"%PDF-");
    let ext = Path::new(&safe).extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    if ext == "pdf" && !is_pdf {
        return Err(Error::Curation(format!("`{safe}` is named .pdf but is not a PDF")));
    }
    if !is_pdf && !matches!(ext.as_str(), "md" | "markdown" | "html" | "htm" | "txt" | "text" | "") {
        return Err(Error::Curation(format!("`{safe}` is not a report file: send a PDF, HTML, Markdown or text file")));
    }
    // The type is told by the content for PDFs, never by the name alone.
    let parse_name = if is_pdf { "upload.pdf".to_string() } else { format!("upload.{}", if ext.is_empty() { "txt" } else { &ext }) };
    let (meta, body) = parse_bytes(&parse_name, bytes).map_err(|(line, why)| Error::Curation(format!("`{safe}` could not be read (line {line}: {why})")))?;
    let kind = if is_pdf { QueueKind::Pdf } else { QueueKind::Markdown };
    let original = is_pdf.then(|| bytes.to_vec());
    Ok(complete(Draft { meta, body, kind, original }, tables))
}

/// A draft from a fetched page or file: HTML is read for its main text and
/// metadata, anything else like a file.
#[cfg(feature = "curation")]
pub fn draft_from_fetched(fetched: &fetch::Fetched, tables: &Tables<'_>) -> Result<Draft> {
    let is_html = fetched.content_type.contains("html") || (fetched.content_type.is_empty() && looks_like_html(&fetched.bytes));
    if !is_html {
        let name = match fetched.content_type.as_str() {
            "text/markdown" => "page.md",
            "application/pdf" => "page.pdf",
            _ if fetched.bytes.starts_with(b"%PDF-") => "page.pdf",
            "application/octet-stream" => return Err(Error::Curation("the link serves a file that is not a PDF, a page or text".into())),
            _ => "page.txt",
        };
        let mut draft = draft_from_file(name, &fetched.bytes, tables)?;
        if draft.meta.url.is_none() {
            draft.meta.url = Some(fetched.url.clone());
        }
        return Ok(draft);
    }
    let html = String::from_utf8_lossy(&fetched.bytes);
    let (meta, body) = page::read(&html, &fetched.url).map_err(|why| Error::Curation(format!("the page could not be read: {why}")))?;
    Ok(complete(Draft { meta, body, kind: QueueKind::Markdown, original: None }, tables))
}

#[cfg(feature = "curation")]
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// Fills what the source did not say and the gazetteer can: the canonical
/// publisher, companies, topics (technologies) and region; and an id.
fn complete(mut draft: Draft, tables: &Tables<'_>) -> Draft {
    let meta = &mut draft.meta;
    meta.title = meta.title.trim().chars().take(200).collect();
    if meta.publisher.trim().is_empty() || meta.publisher == "unknown publisher" {
        meta.publisher.clear();
    } else {
        meta.publisher = tables.publishers.canonical(&meta.publisher);
    }
    let text = format!("{}\n{}", meta.title, draft.body);
    let mut counts: Vec<(String, usize)> = Vec::new();
    for name in tables.gazetteer.mentions(&text) {
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let of_kind = |kind: EntityKind| -> Vec<String> {
        counts.iter().filter(|(n, _)| tables.gazetteer.kind(n) == Some(kind)).map(|(n, _)| n.clone()).collect()
    };
    if meta.companies.is_empty() {
        meta.companies = of_kind(EntityKind::Company).into_iter().take(6).collect();
    }
    if meta.topics.is_empty() {
        meta.topics = of_kind(EntityKind::Technology).into_iter().take(4).map(|t| slug(&t)).collect();
    }
    if meta.region.is_none() {
        meta.region = of_kind(EntityKind::Region).into_iter().next();
    }
    meta.id = draft_id(meta);
    draft
}

/// `YYYY-MM-<publisher>-<title words>`, at most 80 characters.
fn draft_id(meta: &ReportMeta) -> String {
    let date = meta.published.map(|d| d.format("%Y-%m").to_string()).unwrap_or_else(|| "undated".into());
    let publisher = slug(meta.publisher.split(" (via").next().unwrap_or_default());
    let title = slug(&meta.title);
    let mut id = [date, publisher, title].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if id.len() > 80 {
        id.truncate(80);
        id = id.trim_end_matches('-').to_string();
    }
    id
}

/// A name with any folder part removed: never used as a path.
pub fn file_name_only(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.trim().is_empty() || clean == "." || clean == ".." { "file".into() } else { clean }
}

/// Hash of a text's words, to recognise the same text proposed again.
pub fn text_hash(body: &str) -> String {
    let words: Vec<String> = body.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    format!("{:x}", Sha256::digest(words.join(" ").as_bytes()))
}

/// What a draft lacks before it can be approved: keys of the front matter.
pub fn missing(meta: &ReportMeta) -> Vec<&'static str> {
    let mut out = Vec::new();
    if meta.title.trim().is_empty() {
        out.push("title");
    }
    if meta.publisher.trim().is_empty() {
        out.push("publisher");
    }
    if meta.published.is_none() {
        out.push("published");
    }
    if meta.url.is_none() {
        out.push("url");
    }
    out
}

/// The front matter of `meta`, as a bundled report writes it.
pub fn front_matter(meta: &ReportMeta) -> String {
    let mut table = toml::Table::new();
    table.insert("id".into(), meta.id.clone().into());
    table.insert("title".into(), meta.title.clone().into());
    if !meta.publisher.is_empty() {
        table.insert("publisher".into(), meta.publisher.clone().into());
    }
    if let Some(url) = &meta.url {
        table.insert("url".into(), url.clone().into());
    }
    if let Some(date) = meta.published {
        if let Ok(value) = date.to_string().parse::<toml::value::Datetime>() {
            table.insert("published".into(), toml::Value::Datetime(value));
        }
    }
    let list = |items: &[String]| toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect());
    table.insert("authors".into(), list(&meta.authors));
    table.insert("companies".into(), list(&meta.companies));
    table.insert("topics".into(), list(&meta.topics));
    if let Some(region) = &meta.region {
        table.insert("region".into(), region.clone().into());
    }
    if let Some(language) = &meta.language {
        table.insert("language".into(), language.clone().into());
    }
    toml::to_string(&table).unwrap_or_default()
}

/// The Markdown report for `front_matter` and `body`.
pub fn markdown(front_matter: &str, body: &str) -> String {
    format!("+++\n{}+++\n\n{}\n", front_matter.trim_end().to_string() + "\n", body.trim())
}

/// Reads a draft back from its front matter and body, as the loaders will
/// read the written report. Fields a draft may still lack (see [`missing`])
/// are read as absent, so that everything else is checked already.
pub fn read_draft(front_matter: &str, body: &str) -> Result<ReportMeta> {
    let invalid = |e: String| Error::Curation(format!("the draft's metadata is invalid ({e})"));
    let mut table: toml::Table = toml::from_str(front_matter).map_err(|e| invalid(e.message().to_string()))?;
    let mut placeholders = Vec::new();
    let placeholder_date = toml::Value::Datetime("2000-01-01".parse().map_err(|_| invalid("date".into()))?);
    if !table.contains_key("published") {
        table.insert("published".into(), placeholder_date);
        placeholders.push("published");
    }
    for (key, stand_in) in [("title", "untitled"), ("publisher", "unknown publisher"), ("url", "https://placeholder.invalid/")] {
        if !table.contains_key(key) {
            table.insert(key.into(), stand_in.into());
            placeholders.push(key);
        }
    }
    let text = toml::to_string(&table).map_err(|e| invalid(e.to_string()))?;
    let body = if body.trim().is_empty() { "(no text)" } else { body };
    let (mut meta, _) = parse_bytes("draft.md", markdown(&text, body).as_bytes()).map_err(|(_, why)| invalid(why))?;
    for key in placeholders {
        match key {
            "title" => meta.title.clear(),
            "publisher" => meta.publisher.clear(),
            "published" => meta.published = None,
            _ => meta.url = None,
        }
    }
    Ok(meta)
}

/// Applies `key=value` edits to a draft's front matter; every front-matter
/// key can be set, lists as comma-separated values, and the result must
/// still read as a report.
pub fn edit(front_matter: &str, body: &str, changes: &[(String, String)]) -> Result<String> {
    const LISTS: [&str; 3] = ["authors", "companies", "topics"];
    const SCALARS: [&str; 6] = ["id", "title", "publisher", "url", "region", "language"];
    let mut table: toml::Table = toml::from_str(front_matter).map_err(|e| Error::Curation(format!("the draft's metadata is unreadable ({e})")))?;
    for (key, value) in changes {
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        let new = if key == "published" {
            let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map_err(|_| Error::Curation(format!("`{value}` is not a date; write it as YYYY-MM-DD")))?;
            toml::Value::Datetime(date.to_string().parse().map_err(|_| Error::Curation(format!("`{value}` is not a date")))?)
        } else if LISTS.contains(&key.as_str()) {
            toml::Value::Array(value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(|v| toml::Value::String(v.into())).collect())
        } else if SCALARS.contains(&key.as_str()) {
            toml::Value::String(value.to_string())
        } else {
            return Err(Error::Curation(format!(
                "`{key}` is not a report field; fields are id, title, publisher, url, published, authors, companies, topics, region, language"
            )));
        };
        if value.is_empty() && key != "published" {
            table.remove(&key);
        } else {
            table.insert(key, new);
        }
    }
    let text = toml::to_string(&table).map_err(|e| Error::Curation(format!("the draft's metadata could not be written ({e})")))?;
    read_draft(&text, body)?;
    Ok(text)
}

/// The file an approved item is written to, relative to the reports folder:
/// `<id>.md`, or `<id>.pdf` with its `.meta.toml` sidecar.
pub fn report_file(id: &str, kind: QueueKind) -> PathBuf {
    match kind {
        QueueKind::Markdown => PathBuf::from(format!("{id}.md")),
        QueueKind::Pdf => PathBuf::from(format!("{id}.pdf")),
    }
}

/// Writes an approved item into `reports_dir` (a temporary file renamed into
/// place, the sidecar first for a PDF), refusing to overwrite another report.
pub fn write_report(reports_dir: &Path, rel: &Path, kind: QueueKind, front_matter: &str, body: &str, original: Option<&[u8]>) -> Result<()> {
    let path = reports_dir.join(rel);
    if path.exists() {
        return Err(Error::Curation(format!("a report file `{}` already exists; change the id with `edit`", rel.display())));
    }
    std::fs::create_dir_all(reports_dir).map_err(|e| Error::io(reports_dir, e))?;
    match kind {
        QueueKind::Markdown => write_atomically(&path, markdown(front_matter, body).as_bytes()),
        QueueKind::Pdf => {
            let bytes = original.ok_or_else(|| Error::Curation("the PDF of this item is missing".into()))?;
            // The sidecar may not set the id: the file name gives it.
            let mut table: toml::Table = toml::from_str(front_matter).unwrap_or_default();
            table.remove("id");
            let sidecar = toml::to_string(&table).unwrap_or_default();
            let mut sidecar_path = path.clone().into_os_string();
            sidecar_path.push(".meta.toml");
            write_atomically(Path::new(&sidecar_path), sidecar.as_bytes())?;
            write_atomically(&path, bytes).inspect_err(|_| {
                let _ = std::fs::remove_file(&sidecar_path);
            })
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".partial");
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, bytes).map_err(|e| Error::io(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> (Gazetteer, Publishers) {
        let gazetteer = Gazetteer::from_toml_str(
            "[[entity]]\nname = \"SK hynix\"\n[[entity]]\nname = \"HBM\"\nkind = \"technology\"\n[[entity]]\nname = \"South Korea\"\nkind = \"region\"\naliases = [\"Korea\"]\n",
        )
        .expect("gazetteer");
        let publishers = Publishers::parse("[[publisher]]\nname = \"DIGITIMES Asia\"\naliases = [\"DigiTimes\"]\n").expect("table");
        (gazetteer, publishers)
    }

    #[test]
    fn a_text_file_becomes_a_draft_with_what_the_gazetteer_knows() {
        let (gazetteer, publishers) = tables();
        let t = Tables { gazetteer: &gazetteer, publishers: &publishers };
        let text = "Title: SK hynix HBM share\nPublisher: DigiTimes\nPublished: 2025-06-05\n\nSK hynix held 50% of the HBM market in Korea and beyond.";
        let draft = draft_from_file("../../etc/notes.txt", text.as_bytes(), &t).expect("draft");
        assert_eq!(draft.meta.publisher, "DIGITIMES Asia");
        assert_eq!(draft.meta.companies, vec!["SK hynix"]);
        assert_eq!(draft.meta.topics, vec!["hbm"]);
        assert_eq!(draft.meta.region.as_deref(), Some("South Korea"));
        assert_eq!(draft.meta.id, "2025-06-digitimes-asia-sk-hynix-hbm-share");
        assert_eq!(missing(&draft.meta), vec!["url"]);
        let fm = front_matter(&draft.meta);
        assert_eq!(read_draft(&fm, &draft.body).expect("reads back").id, draft.meta.id);
    }

    #[test]
    fn files_are_typed_by_content_and_names_never_become_paths() {
        let (gazetteer, publishers) = tables();
        let t = Tables { gazetteer: &gazetteer, publishers: &publishers };
        assert_eq!(file_name_only("../../etc/passwd"), "passwd");
        assert_eq!(file_name_only("C:\\x\\..\\report.pdf"), "report.pdf");
        assert_eq!(file_name_only(".."), "file");
        let err = draft_from_file("fake.pdf", b"<html>not a pdf</html>", &t).expect_err("not a pdf");
        assert!(err.to_string().contains("is not a PDF"), "{err}");
        assert!(draft_from_file("tool.exe", b"MZ\x90\x00", &t).is_err());
    }

    #[test]
    fn edits_set_any_field_and_must_still_read_as_a_report() {
        let fm = "id = \"r1\"\ntitle = \"T\"\n";
        let edited = edit(fm, "Body.", &[("published".into(), "2025-06-05".into()), ("companies".into(), "SK hynix, Micron".into())]).expect("edit");
        let meta = read_draft(&edited, "Body.").expect("reads");
        assert_eq!(meta.published.map(|d| d.to_string()).as_deref(), Some("2025-06-05"));
        assert_eq!(meta.companies, vec!["SK hynix", "Micron"]);
        assert!(edit(fm, "Body.", &[("published".into(), "June 5".into())]).expect_err("bad date").to_string().contains("YYYY-MM-DD"));
        assert!(edit(fm, "Body.", &[("colour".into(), "red".into())]).expect_err("unknown").to_string().contains("not a report field"));
        assert!(edit(fm, "Body.", &[("url".into(), "not a url".into())]).is_err(), "the loader's own checks apply");
    }

    #[test]
    fn approved_items_are_written_without_overwriting() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fm = "id = \"r1\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://example.com/r1\"\npublished = 2025-06-05\n";
        write_report(dir.path(), Path::new("r1.md"), QueueKind::Markdown, fm, "Body.", None).expect("write");
        let loaded = crate::report::load_file(dir.path(), "r1.md").expect("loads");
        assert_eq!(loaded.meta.id, "r1");
        assert!(write_report(dir.path(), Path::new("r1.md"), QueueKind::Markdown, fm, "Other.", None).is_err());
        let pdf = crate::report::tiny_pdf_for_tests(&["A PDF report about HBM."]);
        write_report(dir.path(), Path::new("p1.pdf"), QueueKind::Pdf, "id = \"p1\"\ntitle = \"PDF\"\npublisher = \"P\"\n", "", Some(&pdf)).expect("write pdf");
        let loaded = crate::report::load_file(dir.path(), "p1.pdf").expect("pdf loads");
        assert_eq!((loaded.meta.id.as_str(), loaded.meta.title.as_str(), loaded.meta.publisher.as_str()), ("p1", "PDF", "P"));
    }
}
