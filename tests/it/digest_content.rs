//! Digest content over a fixture folder: what counts as new (by indexed
//! time), the query filter, the figures that changed, the citation contract,
//! and the rendered text and JSON shapes.

use crate::support;

use chipbot::config::DigestSettings;
use chipbot::answer::Engine;
use chipbot::reply::Digest;
use chrono::{DateTime, TimeZone, Utc};

/// An engine over the mini fixture where `hbm-supply-2025.md` was added in a
/// second, later update. Returns the time between the two updates.
fn engine_with_late_report() -> (Engine, DateTime<Utc>, tempfile::TempDir, tempfile::TempDir) {
    let reports = support::copy_fixture("mini");
    let late = reports.path().join("hbm-supply-2025.md");
    let text = std::fs::read_to_string(&late).expect("read");
    std::fs::remove_file(&late).expect("hold back");
    let data = tempfile::tempdir().expect("tempdir");
    let engine = Engine::open(support::settings(reports.path(), data.path())).expect("engine");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let between = Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&late, text).expect("add");
    let summary = engine.update_index(false).expect("reindex");
    assert_eq!(summary.added, vec!["hbm-supply-2025.md"]);
    (engine, between, reports, data)
}

fn spec(query: Option<&str>) -> DigestSettings {
    DigestSettings { name: "weekly".into(), query: query.map(str::to_string), ..DigestSettings::fallback() }
}

/// Every figure and summary is stated by the passage of the citation it names.
fn assert_cited(d: &Digest) {
    for (i, c) in d.citations.iter().enumerate() {
        assert_eq!(c.n, i + 1);
        assert!(c.passage.contains(c.snippet.text.trim_end_matches(" …")), "snippet not in passage [{}]", c.n);
    }
    let passage = |n: usize| &d.citations[n - 1].passage;
    for item in &d.items {
        assert!(passage(item.summary_citation).contains(item.summary.trim_end_matches(" …")));
        for f in &item.figures {
            assert!(passage(f.citation).contains(&f.figure.text), "{} not in [{}]", f.figure.text, f.citation);
        }
    }
    for c in &d.changes {
        assert!(passage(c.newer.citation).contains(&c.newer.figure.text));
        assert!(passage(c.older.citation).contains(&c.older.figure.text));
        assert_ne!(c.newer.figure.value, c.older.figure.value, "a change must differ");
    }
}

#[test]
fn only_reports_indexed_in_the_window_are_listed_with_the_changed_figures() {
    let (engine, between, _r, _d) = engine_with_late_report();
    let digest = engine.digest(&spec(None), between, Utc::now()).expect("digest");
    let ids: Vec<&str> = digest.items.iter().map(|i| i.report.report_id.as_str()).collect();
    assert_eq!(ids, ["fixture-hbm-supply-2025"]);
    let item = &digest.items[0];
    assert_eq!(item.report.url.as_deref(), Some("https://example.com/updates/hbm-2025"));
    assert!(!item.figures.is_empty(), "key figures are listed");
    let change = digest.changes.iter().find(|c| c.subject == "SK hynix").expect("SK hynix share changed");
    assert_eq!((change.newer.figure.text.as_str(), change.older.figure.text.as_str()), ("55%", "50%"));
    assert_eq!(digest.citations[change.older.citation - 1].report.report_id, "fixture-hbm-supply-2024");
    assert_cited(&digest);

    let everything = engine.digest(&spec(None), between - chrono::Duration::days(1), Utc::now()).expect("all");
    assert_eq!(everything.items.len(), 4);
    assert_eq!(everything.items[0].report.report_id, "fixture-hbm-supply-2025", "newest first");
    assert_cited(&everything);
    let none = engine.digest(&spec(None), Utc::now(), Utc::now()).expect("empty");
    assert!(none.is_empty());
}

#[test]
fn the_query_filter_and_max_items_apply() {
    let (engine, between, _r, _d) = engine_with_late_report();
    let since = between - chrono::Duration::days(1);
    let hbm = engine.digest(&spec(Some("topic:hbm")), since, Utc::now()).expect("hbm");
    let mut ids: Vec<&str> = hbm.items.iter().map(|i| i.report.report_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["fixture-hbm-supply-2024", "fixture-hbm-supply-2025"]);
    let micron = engine.digest(&spec(Some("company:micron")), since, Utc::now()).expect("micron");
    assert_eq!(micron.items.len(), 1);
    let capped = DigestSettings { max_items: 1, ..spec(None) };
    let one = engine.digest(&capped, since, Utc::now()).expect("capped");
    assert_eq!((one.items.len(), one.more), (1, 3));
}

#[tokio::test]
async fn on_demand_digest_command_names_unknown_digests() {
    let (engine, _between, _r, _d) = engine_with_late_report();
    let core = chipbot::core::Core::new(engine);
    let digest = |name: Option<&str>| chipbot::core::Command::Digest {
        name: name.map(str::to_string),
        window: chipbot::core::DigestWindow::Since(None),
        dry_run: true,
    };
    let reply = support::cli(&core, digest(None)).await;
    assert!(matches!(reply, Ok(chipbot::reply::Reply::Digest(_))));
    let err = support::cli(&core, digest(Some("nope"))).await.expect_err("unknown");
    assert!(err.user_message().contains("nope"), "{}", err.user_message());
}

#[test]
fn rendered_digest_snapshots() {
    let (engine, between, _r, _d) = engine_with_late_report();
    let mut digest = engine.digest(&spec(None), between, Utc::now()).expect("digest");
    // Fixed times so the snapshot does not depend on when the test runs.
    digest.since = Utc.with_ymd_and_hms(2026, 3, 23, 8, 0, 0).unwrap();
    digest.until = Utc.with_ymd_and_hms(2026, 3, 30, 7, 0, 0).unwrap();
    for item in &mut digest.items {
        item.indexed_at = Utc.with_ymd_and_hms(2026, 3, 25, 12, 0, 0).unwrap();
    }
    let reply = chipbot::reply::Reply::Digest(digest);
    insta::assert_snapshot!("digest_text", chipbot::render::text::render(&reply, chipbot::render::text::Highlight::Stars));
    let json = chipbot::render::json::render(&reply);
    insta::assert_snapshot!("digest_json", serde_json::to_string_pretty(&json).expect("json"));
    #[cfg(feature = "discord")]
    insta::assert_debug_snapshot!("digest_discord", chipbot::adapters::discord::render::render(&reply, "!"));
    #[cfg(feature = "matrix")]
    {
        let message = chipbot::adapters::matrix::render::render(&reply, 60_000);
        insta::assert_snapshot!("digest_matrix", format!("{}\n\n--- html ---\n{}", message.body, message.html));
    }
}

#[tokio::test]
async fn chat_digest_command_replies_with_the_digest() {
    let (engine, _between, _r, _d) = engine_with_late_report();
    let service = chipbot::core::Core::new(engine);
    let sender = chipbot::core::Sender::new(chipbot::core::Platform::Matrix, "@ann:example.org");
    let reply = service.reply_to_text(&sender, "!digest 2000-01-01").await.expect("a command");
    let chipbot::reply::Reply::Digest(digest) = reply else { panic!("expected a digest, got {reply:?}") };
    assert_eq!(digest.items.len(), 4, "everything indexed since 2000");
    assert_cited(&digest);
    let reply = service.reply_to_text(&sender, "!digest nope").await.expect("a command");
    assert!(matches!(reply, chipbot::reply::Reply::Error { ref message } if message.contains("nope")), "{reply:?}");
}

/// A digest shrunk until no report is shown still counts the left-out reports
/// and keeps the figures that changed, on every renderer; it is not "nothing new".
#[test]
fn a_digest_shrunk_to_no_reports_is_not_nothing_new() {
    let (engine, between, _r, _d) = engine_with_late_report();
    let mut digest = engine.digest(&spec(None), between, Utc::now()).expect("digest");
    assert_eq!(digest.items.len(), 1);
    assert!(digest.shrink(), "the one report can be left out");
    assert!(digest.items.is_empty() && digest.more == 1 && !digest.changes.is_empty(), "{digest:?}");
    assert!(!digest.is_empty());
    let reply = chipbot::reply::Reply::Digest(digest);
    let text = chipbot::render::text::render(&reply, chipbot::render::text::Highlight::Stars);
    assert!(!text.contains("Nothing new") && text.contains("(and 1 more new report(s))"), "{text}");
    assert!(text.contains("Figures that changed\n  SK hynix share (2023): now 55% [1], earlier 50% [3]"), "{text}");
    #[cfg(feature = "discord")]
    {
        let messages = format!("{:?}", chipbot::adapters::discord::render::render(&reply, "!"));
        assert!(!messages.contains("Nothing new") && messages.contains("and 1 more new report(s)"), "{messages}");
    }
    #[cfg(feature = "matrix")]
    {
        let html = chipbot::adapters::matrix::render::render(&reply, 60_000).html;
        assert!(!html.contains("Nothing new") && !html.contains("<ol>"), "{html}");
        assert!(html.contains("<p>(and 1 more new report(s))</p><p><strong>Figures that changed"), "{html}");
    }
}
