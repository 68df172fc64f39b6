//! Admin reindex through the core's one door: questions keep being
//! answered from a complete index during a full rebuild, a second request is
//! told one is running, non-admins and reindexes that would empty the index
//! are refused (the old index keeps answering), and every request lands in
//! the audit log.

use crate::support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use chipbot::answer::Engine;
use chipbot::config::Settings;
use chipbot::core::{Command, Core, Origin, Platform, Request, Sender};
use chipbot::reply::Reply;
use chipbot::store::AuditOutcome;

/// Reports in the generated corpus, and passages per report.
/// Enough reports to keep a full reindex busy for over a second, so that
/// questions overlap it: an optimised build indexes several times faster.
const REPORTS: usize = if cfg!(debug_assertions) { 200 } else { 1500 };
const PARAGRAPHS: usize = 4;

/// Writes the generated corpus; every paragraph names the `marker` generation.
fn write_corpus(dir: &Path, marker: &str) {
    for i in 0..REPORTS {
        let mut body = String::new();
        for p in 0..PARAGRAPHS {
            body.push_str(&format!(
                "Paragraph {p} of synthetic report {i} belongs to generation {marker}. Wafer starts at fab {i} \
                 reached {} wafers per month in 2025, and the yield of line {p} was {}%.\n\n",
                1000 + i,
                50 + (i + p) % 40
            ));
        }
        let text = format!(
            "+++\nid = \"synthetic-{i}\"\ntitle = \"Synthetic fab report {i}\"\npublisher = \"Generator\"\nurl = \"https://example.com/fab/{i}\"\n\
             published = 2025-0{}-1{}\ntopics = [\"fabs\"]\n+++\n\n{body}",
            1 + i % 9,
            i % 10
        );
        std::fs::write(dir.join(format!("report-{i:05}.md")), text).expect("write report");
    }
}

fn admin_settings(reports: &Path, data: &Path) -> Settings {
    let mut settings = support::settings(reports, data);
    settings.admins.discord_users = vec![7];
    settings.chat.rate_limit_count = 0;
    settings
}

fn admin() -> Sender {
    Sender::new(Platform::Discord, "7")
}

/// Which generation an answer came from; panics on a mix.
fn generation_of(reply: &Reply) -> &'static str {
    let Reply::Answer(answer) = reply else { panic!("expected an answer, got {reply:?}") };
    assert!(!answer.citations.is_empty(), "a question found nothing: {:?}", answer.notices);
    let alpha = answer.citations.iter().filter(|c| c.passage.contains("generation alpha")).count();
    let beta = answer.citations.iter().filter(|c| c.passage.contains("generation beta")).count();
    assert!(alpha == 0 || beta == 0, "an answer mixed two index generations");
    if alpha > 0 { "alpha" } else { "beta" }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn questions_are_answered_from_a_complete_index_during_a_full_reindex() {
    let reports = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    write_corpus(reports.path(), "alpha");
    let settings = admin_settings(reports.path(), data.path());
    let opened = std::time::Instant::now();
    let engine = tokio::task::spawn_blocking(move || Engine::open(settings)).await.expect("join").expect("engine");
    println!("first build of {REPORTS} reports: {} ms", opened.elapsed().as_millis());
    let service = Core::new(engine.clone());
    write_corpus(reports.path(), "beta");

    let done = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut loops = Vec::new();
    for worker in 0..8 {
        let (core, done, answered) = (service.clone(), done.clone(), answered.clone());
        loops.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            while !done.load(Ordering::Acquire) {
                let question = format!("wafer starts at fab {} generation", worker * 100 + seen.len() % 50);
                let reply = core.handle(Request::cli(Command::Ask { question, top: Some(5) })).await.expect("question failed");
                seen.push(generation_of(&reply));
                let sources = core.handle(Request::cli(Command::Sources)).await.expect("sources failed");
                let Reply::Sources(s) = sources else { panic!("expected sources") };
                assert_eq!((s.reports, s.passages), (REPORTS, (REPORTS * PARAGRAPHS) as u64), "incomplete index seen");
                answered.fetch_add(1, Ordering::Relaxed);
            }
            seen
        }));
    }
    let reindex = {
        let service = service.clone();
        tokio::spawn(async move { service.reply(Request::chat(&admin(), Command::Index { full: true })).await })
    };
    // A second request while the first runs is told so, not queued.
    while !service.reindex_running() && !reindex.is_finished() {
        tokio::task::yield_now().await;
    }
    let busy = match service.reply(Request::chat(&admin(), Command::Index { full: false })).await {
        Reply::Error { message } => Some(message),
        _ => None,
    };
    let before = answered.load(Ordering::Relaxed);
    let reply = reindex.await.expect("join");
    let during = answered.load(Ordering::Relaxed) - before;
    // Let the loops run on the new index for a moment.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    done.store(true, Ordering::Release);
    let mut generations = Vec::new();
    for handle in loops {
        generations.extend(handle.await.expect("a question loop failed"));
    }
    let Reply::Indexed(summary) = reply else { panic!("expected the reindex summary, got {reply:?}") };
    println!("full reindex of {REPORTS} reports: {} ms; {during} question rounds answered during it", summary.elapsed_ms);
    assert_eq!(summary.updated.len(), REPORTS);
    assert!(summary.elapsed_ms > 500, "the corpus must keep the reindex busy for over half a second");
    assert!(during > 0, "questions must have been answered while the reindex ran");
    assert_eq!(busy.as_deref(), Some("A reindex is already running; please wait for it to finish."));
    assert_eq!(generations.first(), Some(&"alpha"));
    assert_eq!(generations.last(), Some(&"beta"));
    let store = service.open_store().expect("store");
    let outcomes: Vec<AuditOutcome> = store.audit_log(10).expect("log").iter().map(|r| r.outcome).collect();
    assert!(outcomes.contains(&AuditOutcome::Ok) && outcomes.contains(&AuditOutcome::Busy), "{outcomes:?}");
}

#[tokio::test]
async fn non_admins_are_refused_and_audited() {
    let (engine, _reports, _data) = support::fixture_engine("mini");
    let service = Core::new(engine.clone());
    let eve = Sender::new(Platform::Matrix, "@eve:example.org");
    let reply = service.reply_to_text(&eve, "!reindex full").await.expect("a command");
    let Reply::Error { message } = reply else { panic!("expected a refusal, got {reply:?}") };
    assert!(message.contains("only chipbot admins"), "{message}");
    let log = service.open_store().expect("store").audit_log(10).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].platform.as_str(), log[0].user_id.as_str()), ("matrix", "@eve:example.org"));
    assert_eq!((log[0].outcome, log[0].full), (AuditOutcome::Refused, true));
}

#[tokio::test]
async fn a_missing_or_empty_reports_directory_is_refused_and_the_old_index_answers() {
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let engine = Engine::open(admin_settings(reports.path(), data.path())).expect("engine");
    let service = Core::new(engine.clone());
    let moved = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(reports.path()).expect("list") {
        let entry = entry.expect("entry");
        std::fs::rename(entry.path(), moved.path().join(entry.file_name())).expect("move");
    }
    // Empty directory, then only a broken file, then no directory at all.
    for step in ["empty", "broken", "missing"] {
        match step {
            "broken" => std::fs::write(reports.path().join("broken.md"), "no front matter").expect("write"),
            "missing" => std::fs::remove_dir_all(reports.path()).expect("remove dir"),
            _ => {}
        }
        let reply = service.reply(Request::chat(&admin(), Command::Index { full: true })).await;
        let Reply::Error { message } = reply else { panic!("{step}: expected a refusal, got {reply:?}") };
        assert!(message.starts_with("Reindex refused"), "{step}: {message}");
        if step == "broken" {
            assert!(message.contains("broken.md: ") && message.contains("front matter"), "{message}");
        }
        let answer = engine.ask("HBM market share", None).expect("answer");
        assert!(!answer.citations.is_empty(), "{step}: the old index must keep answering");
        assert_eq!(engine.sources().expect("sources").reports, 4);
    }
    let log = service.open_store().expect("store").audit_log(10).expect("log");
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|r| r.outcome == AuditOutcome::Error && r.summary.contains("reindex refused")), "{log:?}");
}

#[tokio::test]
async fn the_reply_counts_changes_and_names_each_failure() {
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let engine = Engine::open(admin_settings(reports.path(), data.path())).expect("engine");
    let service = Core::new(engine.clone());
    std::fs::write(reports.path().join("broken.md"), "no front matter here").expect("write");
    std::fs::remove_file(reports.path().join("export-rules.txt")).expect("remove");
    let reply = service.reply_to_text(&admin(), "!reindex").await.expect("a command");
    let Reply::Indexed(summary) = &reply else { panic!("expected a summary, got {reply:?}") };
    assert_eq!(summary.removed, vec!["export-rules.txt"]);
    assert_eq!(summary.failed.len(), 1);
    assert_eq!(summary.failed[0].0, "broken.md");
    let text = chipbot::render::text::render(&reply, chipbot::render::text::Highlight::Stars);
    assert!(text.contains("removed 1") && text.contains("failed: broken.md: ") && text.contains(" ms)"), "{text}");
    let log = service.open_store().expect("store").audit_log(1).expect("log");
    assert_eq!(log[0].outcome, AuditOutcome::Ok);
    assert!(log[0].summary.contains("removed 1") && log[0].summary.contains("broken.md"), "{}", log[0].summary);
}

#[tokio::test]
async fn every_origin_s_reindex_goes_through_the_door_and_is_audited() {
    let reports = support::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let mut settings = admin_settings(reports.path(), data.path());
    settings.admins.matrix_users = vec!["@ops:example.org".into()];
    let core = Core::open(settings, chipbot::core::Refresh::OnOpen).expect("core");
    let origins = [
        Origin::Cli { user: "ann".into() },
        Origin::Chat(Sender::new(Platform::Matrix, "@ops:example.org")),
        Origin::Chat(admin()),
        Origin::Watch,
        Origin::Scheduler,
    ];
    for origin in origins {
        let reply = core.handle(Request { origin: origin.clone(), command: Command::Index { full: false } }).await;
        assert!(matches!(reply, Ok(Reply::Indexed(_))), "{origin:?}: {reply:?}");
    }
    let eve = Sender::new(Platform::Matrix, "@eve:example.org");
    let refused = core.handle(Request::chat(&eve, Command::Index { full: true })).await;
    assert!(matches!(refused, Err(chipbot::Error::Refused(_))), "{refused:?}");
    let log = core.open_store().expect("store").audit_log(10).expect("log");
    let seen: Vec<(&str, &str, AuditOutcome)> =
        log.iter().rev().map(|r| (r.platform.as_str(), r.user_id.as_str(), r.outcome)).collect();
    assert_eq!(
        seen,
        [
            ("cli", "ann", AuditOutcome::Ok),
            ("matrix", "@ops:example.org", AuditOutcome::Ok),
            ("discord", "7", AuditOutcome::Ok),
            ("watch", "watch", AuditOutcome::Ok),
            ("scheduler", "scheduler", AuditOutcome::Ok),
            ("matrix", "@eve:example.org", AuditOutcome::Refused),
        ]
    );
}
