//! Watch mode: a change in the reports folder is indexed by itself once
//! the folder has been quiet for the debounce time, and audited as `watch`.

use crate::support;

use std::time::Duration;

use chipbot::store::AuditOutcome;
use tokio_util::sync::CancellationToken;

async fn reports_indexed(core: &chipbot::core::Core) -> usize {
    match support::cli(core, chipbot::core::Command::Sources).await {
        Ok(chipbot::reply::Reply::Sources(s)) => s.reports,
        other => panic!("expected sources, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_report_is_indexed_after_changes_settle() {
    let (core, reports, _data) = support::fixture_core("mini");
    let shutdown = CancellationToken::new();
    let watcher = tokio::spawn(chipbot::watch::watch(
        core.clone(),
        Duration::from_millis(50),
        Duration::from_millis(400),
        shutdown.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = "+++\nid = \"watched\"\ntitle = \"Watched report\"\npublisher = \"Example\"\n\
                url = \"https://example.com/watched\"\npublished = 2025-05-05\n+++\n\nGallium oxide wafers.\n";
    std::fs::write(reports.path().join("watched.md"), text).expect("write");
    let mut waited = Duration::ZERO;
    while reports_indexed(&core).await < 5 && waited < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += Duration::from_millis(50);
    }
    assert_eq!(reports_indexed(&core).await, 5, "the new report was not indexed");
    let ask = chipbot::core::Command::Ask { question: "gallium oxide".into(), top: None };
    let Ok(chipbot::reply::Reply::Answer(answer)) = support::cli(&core, ask).await else { panic!("an answer") };
    assert_eq!(answer.citations[0].report.report_id, "watched");
    shutdown.cancel();
    watcher.await.expect("join").expect("watcher ran");
    let log = core.open_store().expect("store").audit_log(5).expect("log");
    assert_eq!(log.len(), 1, "one reindex for one settled change: {log:?}");
    assert_eq!((log[0].platform.as_str(), log[0].outcome), ("watch", AuditOutcome::Ok));
}
