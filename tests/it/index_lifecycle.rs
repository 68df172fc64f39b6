//! The index across runs: first build, reopen without work, incremental
//! updates, broken files, and recovery from corrupt or outdated indexes.

use crate::support;

use chipbot::answer::Engine;
use chipbot::error::Error;

fn good_report(id: &str, body: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"Report {id}\"\npublisher = \"Example\"\nurl = \"https://example.com/{id}\"\npublished = 2025-02-03\n+++\n\n{body}\n"
    )
}

#[test]
fn reopening_an_unchanged_index_does_no_work() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    let engine = Engine::open(support::settings(reports.path(), data.path())).expect("reopen");
    let summary = engine.update_index(false).expect("reindex");
    assert_eq!((summary.added.len(), summary.updated.len(), summary.removed.len()), (0, 0, 0));
    assert_eq!(summary.unchanged, 4);
    let answer = engine.ask("HBM market share", None).expect("answer");
    assert!(answer.notices.is_empty(), "{:?}", answer.notices);
}

#[test]
fn incremental_update_counts_added_updated_removed() {
    let (engine, reports, _data) = support::fixture_engine("mini");
    let dir = reports.path();
    std::fs::write(dir.join("new.md"), good_report("brand-new", "Gallium nitride power devices.")).expect("write");
    std::fs::remove_file(dir.join("export-rules.txt")).expect("remove");
    let edited = std::fs::read_to_string(dir.join("foundry-capacity.md")).expect("read")
        + "\nA new closing paragraph about substrate shortages.\n";
    std::fs::write(dir.join("foundry-capacity.md"), edited).expect("write");
    let summary = engine.update_index(false).expect("reindex");
    assert_eq!(summary.added, vec!["new.md"]);
    assert_eq!(summary.updated, vec!["foundry-capacity.md"]);
    assert_eq!(summary.removed, vec!["export-rules.txt"]);
    assert_eq!(summary.unchanged, 2);
    let answer = engine.ask("gallium nitride", None).expect("answer");
    assert_eq!(answer.citations[0].report.report_id, "brand-new");
    let answer = engine.ask("substrate shortages", None).expect("answer");
    assert_eq!(answer.citations[0].report.report_id, "fixture-foundry-capacity");
    let gone = engine.ask("export rules licence threshold", None).expect("answer");
    assert!(gone.citations.iter().all(|c| c.report.report_id != "export-rules"));
}

#[test]
fn broken_files_are_reported_and_the_rest_indexed() {
    let reports = support::copy_fixture("mini");
    let dir = reports.path();
    std::fs::write(dir.join("no-front-matter.md"), "Just some text").expect("write");
    std::fs::write(dir.join("bad-toml.md"), "+++\nid = \"x\"\ntitle = oops\n+++\nbody").expect("write");
    std::fs::write(dir.join("dup.md"), good_report("fixture-foundry-capacity", "Duplicate id.")).expect("write");
    std::fs::write(dir.join("latin1.txt"), b"Caf\xe9 report").expect("write");
    std::fs::write(dir.join("broken.pdf"), b"%PDF-1.7\nthis is not really a pdf").expect("write");
    let data = tempfile::tempdir().expect("tempdir");
    let engine = Engine::open(support::settings(dir, data.path())).expect("opens despite bad files");
    let answer = engine.ask("HBM", None).expect("answer");
    assert!(answer.notices.iter().any(|n| n.contains("5 report file(s) could not be indexed")), "{:?}", answer.notices);
    let summary = engine.update_index(false).expect("reindex");
    let reasons: Vec<String> = summary.failed.iter().map(|(f, r)| format!("{f}: {r}")).collect();
    assert_eq!(summary.failed.len(), 5, "{reasons:?}");
    let find = |file: &str| reasons.iter().find(|r| r.starts_with(file)).cloned().unwrap_or_default();
    assert!(find("no-front-matter.md").contains("no-front-matter.md:1: missing front matter"), "{reasons:?}");
    assert!(find("bad-toml.md").contains("bad-toml.md:3:"), "{reasons:?}");
    let duplicate = reasons.iter().find(|r| r.contains("duplicate report id")).cloned().unwrap_or_default();
    assert!(duplicate.contains("foundry-capacity.md") && duplicate.contains("dup.md"), "{reasons:?}");
    assert!(find("latin1.txt").contains("UTF-8"), "{reasons:?}");
    assert!(find("broken.pdf").contains("PDF"), "{reasons:?}");
    assert_eq!(summary.unchanged, 4);
}

#[test]
fn corrupt_index_is_rebuilt_with_a_notice() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    let index_dir = data.path().join("index");
    for entry in std::fs::read_dir(&index_dir).expect("index dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "idx" || e == "store") {
            std::fs::write(&path, b"garbage").expect("corrupt");
        }
    }
    std::fs::write(index_dir.join("meta.json"), b"{ not json").expect("corrupt");
    let engine = Engine::open(support::settings(reports.path(), data.path())).expect("recovers");
    let answer = engine.ask("HBM market share", None).expect("answer");
    assert!(answer.notices.iter().any(|n| n.starts_with("Rebuilt the search index")), "{:?}", answer.notices);
    assert!(!answer.citations.is_empty());
}

#[test]
fn damaged_segment_files_are_detected_and_rebuilt() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    let index_dir = data.path().join("index");
    let mut damaged = 0;
    for entry in std::fs::read_dir(&index_dir).expect("index dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "store") {
            let mut bytes = std::fs::read(&path).expect("read");
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
            std::fs::write(&path, bytes).expect("write");
            damaged += 1;
        }
    }
    assert!(damaged > 0, "the fixture index has stored fields");
    let engine = Engine::open(support::settings(reports.path(), data.path())).expect("recovers");
    let answer = engine.ask("HBM market share", None).expect("answer");
    assert!(answer.notices.iter().any(|n| n.contains("checksum")), "{:?}", answer.notices);
    assert!(!answer.citations.is_empty());
}

#[test]
fn outdated_metadata_triggers_a_rebuild() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    support::set_index_format(data.path(), 0);
    let engine = Engine::open(support::settings(reports.path(), data.path())).expect("recovers");
    let answer = engine.ask("HBM", None).expect("answer");
    assert!(answer.notices.iter().any(|n| n.contains("outdated")), "{:?}", answer.notices);
    assert!(!answer.citations.is_empty());
}

#[test]
fn missing_reports_dir_keeps_serving_the_existing_index() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    let gone = reports.path().join("moved-away");
    let settings = support::settings(&gone, data.path());
    let engine = Engine::open(settings).expect("serves old index");
    let answer = engine.ask("HBM market share", None).expect("answer");
    assert!(answer.notices.iter().any(|n| n.contains("existing index")), "{:?}", answer.notices);
    assert!(!answer.citations.is_empty());
    assert!(engine.update_index(false).is_err(), "a reindex from a missing folder must be refused");
    assert!(!engine.ask("HBM", None).expect("answer").citations.is_empty(), "old index still serves");
}

#[test]
fn no_reports_at_all_is_a_clear_error() {
    let empty = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    let err = Engine::open(support::settings(empty.path(), data.path())).expect_err("nothing to index");
    assert!(matches!(err, Error::NoReports { .. }), "{err}");
    assert!(err.user_message().contains("No reports"));
}

#[test]
fn an_unreadable_file_table_rebuilds_and_says_why() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    // The file table's entries are the JSON at the end of the metadata:
    // damage its last byte, which only an update that needs them reads.
    let meta = data.path().join("index/chipbot-meta.bin");
    let mut bytes = std::fs::read(&meta).expect("meta");
    let last = bytes.len() - 1;
    bytes[last] = b'x';
    std::fs::write(&meta, bytes).expect("write");
    let engine = Engine::open(support::settings(reports.path(), data.path())).expect("opens on the header");
    let new = "Title: Fictional note: wafer starts\nPublisher: Policy Desk\nPublished: 2025-02-01\n\nThis fictional note says wafer starts rose in 2025.\n";
    std::fs::write(reports.path().join("wafer-starts.txt"), new).expect("write");
    let summary = engine.update_index(false).expect("rebuilds");
    let reason = summary.rebuilt.clone().unwrap_or_default();
    assert!(reason.contains("file table could not be read"), "{reason}");
    assert!(!reason.contains("requested"), "nobody asked for it: {reason}");
    assert_eq!(summary.added.len(), 5, "{summary:?}");
    assert!(!engine.ask("wafer starts", None).expect("answer").citations.is_empty());
    assert_eq!(engine.update_index(false).expect("again").rebuilt, None, "the table is whole again");
}

#[test]
fn full_rebuild_reindexes_everything() {
    let (engine, _reports, _data) = support::fixture_engine("mini");
    let summary = engine.update_index(true).expect("full");
    assert_eq!(summary.updated.len(), 4);
    assert_eq!(summary.rebuilt.as_deref(), Some("full rebuild requested"));
    assert!(!engine.ask("HBM", None).expect("answer").citations.is_empty());
}
