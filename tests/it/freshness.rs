//! Opening for a question (`Refresh::Overlapped`): reports added or removed
//! are indexed before the first answer; a report changed in place is found
//! by the check that runs while the engine already answers, and indexed.

use crate::support;

use chipbot::answer::{Engine, Refresh};

#[test]
fn reports_added_or_removed_are_indexed_before_the_first_answer() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    let dir = reports.path();
    let report = "+++\nid = \"brand-new\"\ntitle = \"Report brand-new\"\npublisher = \"Example\"\nurl = \"https://example.com/n\"\npublished = 2025-02-03\n+++\n\nGallium nitride power devices.\n";
    std::fs::write(dir.join("new.md"), report).expect("write");
    std::fs::remove_file(dir.join("export-rules.txt")).expect("remove");
    let engine = Engine::open_with(support::settings(dir, data.path()), Refresh::Overlapped).expect("open");
    let answer = engine.ask("gallium nitride", None).expect("answer");
    assert_eq!(answer.citations[0].report.report_id, "brand-new");
    assert!(answer.notices.iter().any(|n| n.contains("1 added, 0 updated, 1 removed")), "{:?}", answer.notices);
    assert!(engine.settle().is_empty(), "the update was done while opening");
}

#[test]
fn a_report_changed_in_place_is_found_while_answering_and_indexed() {
    let (engine, reports, data) = support::fixture_engine("mini");
    drop(engine);
    let path = reports.path().join("foundry-capacity.md");
    let edited = std::fs::read_to_string(&path).expect("read") + "\nA new closing paragraph about substrate shortages.\n";
    std::fs::write(&path, edited).expect("write");
    let engine = Engine::open_with(support::settings(reports.path(), data.path()), Refresh::Overlapped).expect("open");
    let notices = engine.settle();
    assert!(notices.iter().any(|n| n.contains("0 added, 1 updated, 0 removed")), "{notices:?}");
    let answer = engine.ask("substrate shortages", None).expect("answer");
    assert_eq!(answer.citations[0].report.report_id, "fixture-foundry-capacity");
    assert!(answer.notices.is_empty(), "said once, by settle: {:?}", answer.notices);
    // Nothing changed since: the next open finds nothing to do.
    drop(engine);
    let engine = Engine::open_with(support::settings(reports.path(), data.path()), Refresh::Overlapped).expect("reopen");
    assert!(engine.settle().is_empty());
}
