//! Curation through the core's door against a loopback web server: a link is
//! fetched, previewed, approved and cited; duplicates, fetch failures,
//! private addresses, non-admins and interrupted approvals are handled with
//! a clear message and nothing lost or let in.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use chipbot::config::{Platform, Settings};
use chipbot::core::{AddSource, Command, Core, Refresh, Request, Sender};
use chipbot::reply::{Curated, Reply};
use chipbot::store::{QueueState, Store};

use crate::support;

const ARTICLE: &str = r#"<html><head><title>Loopback Memory Wire: HBM4 contract prices climb</title>
<meta property="og:site_name" content="Loopback Memory Wire">
<link rel="canonical" href="https://memory-wire.example/hbm4-prices">
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-05-14T09:00:00Z","publisher":{"@type":"Organization","name":"Loopback Memory Wire"}}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/dram">DRAM</a> <a href="/nand">NAND</a> <a href="/subscribe">Subscribe</a></nav>
<div id="consent">This site uses cookies. Accept all cookies to keep reading.</div>
<article><h1>HBM4 contract prices climb</h1>
<p>Contract prices for HBM4 stacks rose 18% in the second quarter of 2026 as accelerator makers locked in supply for the second half, according to buyers at three cloud providers.</p>
<p>Zephyr Memory, a fictional supplier used in this test, said its HBM4 output will triple in 2026 and that its share of HBM shipments reached 27% in the first quarter.</p>
<p>Buyers expect prices to stay firm until new capacity arrives in 2027, when several fabs now under construction start volume production of sixteen-high stacks for the next accelerator generation.</p>
<p>Analysts noted that the increases were larger than those for conventional server DRAM in the same quarter and that long-term agreements now cover most of next year's volume.</p>
</article>
<footer>Share on X | Share on LinkedIn | Privacy | Terms</footer>
</body></html>"#;

const BARE: &str = r#"<html><body><article>
<p>Zephyr Foundry, a fictional foundry used in this test, said its 3nm line ran at 91% utilisation in the first quarter, up from 84% a quarter earlier, as orders from AI chip designers filled the line.</p>
<p>The company plans to add 20,000 wafers a month of advanced capacity by the end of 2027 and expects its advanced-node revenue to grow about 40% next year.</p>
<p>It gave no date for a second fab, which depends on subsidies that are still being negotiated with two regional governments.</p>
</article></body></html>"#;

/// An RSS feed: the article, the page without metadata, and a refused page.
const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback wire</title>
<item><title>HBM4 contract prices climb</title><link>http://HOST/article</link><guid>wire-1</guid></item>
<item><title>Zephyr Foundry utilisation</title><link>http://HOST/bare</link><guid>wire-2</guid></item>
<item><title>Paywalled</title><link>http://HOST/forbidden</link><guid>wire-3</guid></item>
</channel></rss>"#;

/// An Atom feed whose one entry moved to the article of the RSS feed.
const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title><id>urn:atom</id><updated>2026-05-14T00:00:00Z</updated>
<entry><title>HBM4 prices (moved)</title><id>urn:atom:1</id><updated>2026-05-14T00:00:00Z</updated><link href="http://HOST/moved"/></entry>
</feed>"#;

/// A JSON Feed with the PDF.
const JSON_FEED: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JSON wire", "items": [{"id": "json-1", "url": "http://HOST/review.pdf", "title": "Zephyr review"}]}"#;

/// The loopback site and how many requests it answered.
pub(crate) struct Site {
    pub(crate) addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Site {
    pub(crate) async fn start() -> Site {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let rss = RSS.replace("HOST", &addr.to_string());
        let atom = ATOM.replace("HOST", &addr.to_string());
        let json_feed = JSON_FEED.replace("HOST", &addr.to_string());
        let pdf = support::fuzz::targets::pdf(&["Zephyr Packaging annual review".into(), "Zephyr Packaging raised CoWoS-class capacity 60% in 2026.".into()]);
        let app = Router::new()
            .route("/article", get(|| async { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], ARTICLE) }))
            .route("/moved", get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/article")]) }))
            .route("/bare", get(|| async { ([(header::CONTENT_TYPE, "text/html")], BARE) }))
            .route("/review.pdf", get(move || async move { ([(header::CONTENT_TYPE, "application/pdf")], pdf) }))
            .route("/forbidden", get(|| async { StatusCode::FORBIDDEN }))
            .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
            .route("/limited", get(|| async { StatusCode::TOO_MANY_REQUESTS }))
            .route("/slow", get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "late"
            }))
            .route("/image", get(|| async { ([(header::CONTENT_TYPE, "image/png")], vec![0x89u8, b'P', b'N', b'G']) }))
            .route("/loop", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }))
            .route("/feed.xml", get(move || async move { ([(header::CONTENT_TYPE, "application/rss+xml")], rss) }))
            .route("/atom.xml", get(move || async move { ([(header::CONTENT_TYPE, "application/atom+xml")], atom) }))
            .route("/feed.json", get(move || async move { ([(header::CONTENT_TYPE, "application/feed+json")], json_feed) }))
            .route("/broken.xml", get(|| async { ([(header::CONTENT_TYPE, "application/rss+xml")], "<rss><channel><item><title>cut off") }))
            .route("/to-file", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "file:///etc/passwd")]) }))
            .layer(axum::middleware::from_fn(move |req, next: axum::middleware::Next| {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    next.run(req).await.into_response()
                }
            }));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Site { addr, hits }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A raw server whose page never ends: headers, then 64 KB chunks for ever.
async fn endless_server() -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 2048];
                let _ = socket.read(&mut request).await;
                let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n";
                if socket.write_all(head).await.is_err() {
                    return;
                }
                let chunk = vec![b'a'; 64 * 1024];
                while socket.write_all(&chunk).await.is_ok() {}
            });
        }
    });
    addr
}

fn settings(reports: &Path, data: &Path) -> Settings {
    let mut s = support::settings(reports, data);
    s.curation.allow_private_addresses = true;
    s.curation.timeout_secs = 2;
    s.curation.connect_timeout_secs = 2;
    s.curation.max_bytes = 256 * 1024;
    s.admins.discord_users = vec![7];
    s.chat.rate_limit_count = 0;
    s
}

fn core(settings: Settings) -> Core {
    Core::open(settings, Refresh::OnOpen).expect("core opens")
}

async fn run(core: &Core, command: Command) -> chipbot::error::Result<Reply> {
    core.handle(Request::cli(command)).await
}

fn add(url: &str) -> Command {
    Command::Add { source: AddSource::Url(url.into()), note: None }
}

fn proposed(reply: Reply) -> chipbot::reply::QueueView {
    match reply {
        Reply::Curation(curated) => match *curated {
            Curated::Proposed { view, .. } => view,
            other => panic!("expected a preview, got {other:?}"),
        },
        other => panic!("expected a preview, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_is_proposed_previewed_approved_and_cited() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let core = core(settings(reports.path(), data.path()));
    let view = proposed(run(&core, add(&site.url("/moved"))).await.expect("proposed"));
    assert_eq!(view.meta.title, "HBM4 contract prices climb");
    assert_eq!(view.meta.publisher, "Loopback Memory Wire");
    assert_eq!(view.meta.published.map(|d| d.to_string()).as_deref(), Some("2026-05-14"));
    assert_eq!(view.meta.url.as_deref(), Some("https://memory-wire.example/hbm4-prices"), "the canonical link");
    assert!(view.missing.is_empty(), "{:?}", view.missing);
    assert!(!view.item.proposal.body.contains("Accept all cookies") && !view.item.proposal.body.contains("Share on LinkedIn"), "{}", view.item.proposal.body);
    let text = chipbot::render::text::render(&run(&core, Command::Queue).await.expect("queue"), chipbot::render::text::Highlight::Stars);
    assert!(text.contains(&format!("#{} \u{201c}HBM4 contract prices climb\u{201d}", view.item.id)), "{text}");

    let before = std::fs::read_dir(reports.path()).expect("dir").count();
    let reply = run(&core, Command::Approve { id: view.item.id }).await.expect("approved");
    let Reply::Curation(curated) = reply else { panic!("{reply:?}") };
    let Curated::Approved { report_id, .. } = *curated else { panic!("{curated:?}") };
    assert_eq!(std::fs::read_dir(reports.path()).expect("dir").count(), before + 1);
    let Reply::Answer(answer) = run(&core, Command::Ask { question: "How much did HBM4 contract prices rise in Q2 2026?".into(), top: None }).await.expect("answer") else {
        panic!("an answer")
    };
    let cited = answer.citations.iter().find(|c| c.report.report_id == report_id).expect("the new report is cited");
    assert_eq!((cited.report.title.as_str(), cited.report.publisher.as_str()), ("HBM4 contract prices climb", "Loopback Memory Wire"));
    assert!(answer.figures.iter().any(|f| f.figure.text == "18%"), "{:?}", answer.figures);

    // The same page again: refused with a pointer, from the queue and from the index.
    let again = run(&core, add(&site.url("/article"))).await.expect_err("duplicate");
    assert!(again.user_message().contains(&report_id), "{}", again.user_message());
    let log = Store::open(data.path()).expect("store").audit_log(10).expect("audit");
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).collect();
    assert!(actions.contains(&"add") && actions.contains(&"approve") && actions.contains(&"reindex"), "{actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_metadata_is_named_and_blocks_approval_until_edited_and_rejection_writes_nothing() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let core = core(settings(reports.path(), data.path()));
    let reply = run(&core, add(&site.url("/bare"))).await.expect("proposed");
    let text = chipbot::render::text::render(&reply, chipbot::render::text::Highlight::Stars);
    let view = proposed(reply);
    assert_eq!(view.missing, vec!["publisher", "published"]);
    assert!(text.contains(&format!("No publication date found: set one with `chipbot edit {} published=2025-06-05`", view.item.id)), "{text}");
    let refused = run(&core, Command::Approve { id: view.item.id }).await.expect_err("incomplete");
    assert!(refused.user_message().contains("has no publisher, published yet"), "{}", refused.user_message());
    let changes = vec![("publisher".to_string(), "Zephyr Foundry".to_string()), ("published".to_string(), "2026-04-30".to_string())];
    run(&core, Command::Edit { id: view.item.id, changes }).await.expect("edited");
    let bad = run(&core, Command::Edit { id: view.item.id, changes: vec![("published".into(), "last Tuesday".into())] }).await.expect_err("bad date");
    assert!(bad.user_message().contains("YYYY-MM-DD"), "{}", bad.user_message());
    let files = || std::fs::read_dir(reports.path()).expect("dir").count();
    let before = files();
    run(&core, Command::Reject { id: view.item.id, reason: Some("fictional".into()) }).await.expect("rejected");
    assert_eq!(files(), before, "a rejected item changes nothing in reports_dir");
    let late = run(&core, Command::Approve { id: view.item.id }).await.expect_err("decided");
    assert!(late.user_message().contains("already rejected"), "{}", late.user_message());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_link_is_kept_as_the_original_with_a_sidecar() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let core = core(settings(reports.path(), data.path()));
    let view = proposed(run(&core, add(&site.url("/review.pdf"))).await.expect("proposed"));
    // A PDF's title is its first line of text, joined to what follows when the PDF breaks no paragraph.
    assert!(view.meta.title.starts_with("Zephyr Packaging annual review"), "{}", view.meta.title);
    let changes = vec![("publisher".to_string(), "Zephyr Packaging".to_string()), ("published".to_string(), "2026-02-01".to_string())];
    run(&core, Command::Edit { id: view.item.id, changes }).await.expect("edited");
    let Reply::Curation(curated) = run(&core, Command::Approve { id: view.item.id }).await.expect("approved") else { panic!() };
    let Curated::Approved { report_id, .. } = *curated else { panic!() };
    assert!(reports.path().join(format!("{report_id}.pdf")).is_file());
    assert!(reports.path().join(format!("{report_id}.pdf.meta.toml")).is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_failures_are_clear_messages() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let core = core(settings(reports.path(), data.path()));
    let cases = [
        ("/forbidden", "the site refused the request (HTTP 403)"),
        ("/missing", "the page was not found (HTTP 404)"),
        ("/limited", "the site is limiting requests (HTTP 429); try again later"),
        ("/slow", "did not answer within 2 s"),
        ("/image", "serves `image/png`"),
        ("/loop", "redirected more than 5 times"),
        ("/to-file", "only http and https"),
    ];
    for (path, expected) in cases {
        let err = run(&core, add(&site.url(path))).await.expect_err(path);
        assert!(err.user_message().contains(expected), "{path}: {}", err.user_message());
    }
    let endless = format!("http://{}/endless", endless_server().await);
    let err = run(&core, add(&endless)).await.expect_err("endless");
    assert!(err.user_message().contains("larger than the 1 MB limit"), "{}", err.user_message());
    let store = Store::open(data.path()).expect("store");
    assert!(store.queue_in(QueueState::Pending).expect("queue").is_empty(), "nothing was queued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_before_any_request() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let mut s = settings(reports.path(), data.path());
    s.curation.allow_private_addresses = false;
    let core = core(s);
    let port = site.addr.port();
    for url in [format!("http://127.0.0.1:{port}/article"), format!("http://localhost:{port}/article"), format!("http://[::1]:{port}/article")] {
        let err = run(&core, add(&url)).await.expect_err(&url);
        assert!(err.user_message().contains("private or local network addresses"), "{url}: {}", err.user_message());
    }
    assert_eq!(site.hits.load(Ordering::SeqCst), 0, "no request reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_propose_admins_decide_and_refusals_are_audited() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let core = core(settings(reports.path(), data.path()));
    let member = Sender::new(Platform::Discord, "99");
    let admin = Sender::new(Platform::Discord, "7");
    let from_chat = Command::from_chat(&format!("!add {} worth a look", site.url("/article")), "!").expect("command").expect("known");
    let view = proposed(core.handle(Request::chat(&member, from_chat)).await.expect("members may propose"));
    assert_eq!(view.item.proposal.note.as_deref(), Some("worth a look"));
    let approve = Command::from_chat(&format!("!approve {}", view.item.id), "!").expect("command").expect("known");
    let refused = core.handle(Request::chat(&member, approve.clone())).await.expect_err("members may not approve");
    assert!(refused.user_message().contains("only chipbot admins"), "{}", refused.user_message());
    let log = Store::open(data.path()).expect("store").audit_log(10).expect("audit");
    assert!(log.iter().any(|r| r.action == "approve" && r.user_id == "99" && r.outcome == chipbot::store::AuditOutcome::Refused), "{log:?}");
    let reply = core.handle(Request::chat(&admin, approve)).await.expect("admins may");
    let text = chipbot::render::text::render(&reply, chipbot::render::text::Highlight::Stars);
    assert!(text.contains("proposed by discord 99"), "the proposer is named: {text}");
    let usage = Command::from_chat("!approve soon", "!").expect("command").expect("known");
    let err = core.handle(Request::chat(&admin, usage)).await.expect_err("usage");
    assert!(err.user_message().contains("not a queue item number") && err.user_message().contains("Usage: !approve <id>"), "{}", err.user_message());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_interrupted_by_a_stop_is_finished_or_undone_at_the_next_start() {
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let s = settings(reports.path(), data.path());
    let core_before = core(s.clone());
    let file = |name: &str| AddSource::File { name: name.into(), bytes: Arc::new(format!("Title: {name}\nPublisher: Zephyr Wire\nPublished: 2026-03-01\nURL: https://zephyr.example/{name}\n\nZephyr Memory shipped 1.2 million HBM4 stacks in {name}, up 35% from the quarter before, its chief executive said.").into_bytes()) };
    let written = proposed(run(&core_before, Command::Add { source: file("q1"), note: None }).await.expect("proposed"));
    let lost = proposed(run(&core_before, Command::Add { source: file("q2"), note: None }).await.expect("proposed"));
    drop(core_before);
    // A stop between the claim and the end of the approval: one file made it to disk, one did not.
    let store = Store::open(data.path()).expect("store");
    let now = chrono::Utc::now();
    for (view, rel) in [(&written, "q1-report.md"), (&lost, "q2-report.md")] {
        let claim = chipbot::store::Decision { file: Some(rel), ..chipbot::store::Decision::by("discord", "7", now) };
        assert!(store.move_item(view.item.id, QueueState::Pending, QueueState::Approving, &claim).expect("claim"));
    }
    let markdown = format!("+++\n{}+++\n\n{}\n", written.item.proposal.front_matter, written.item.proposal.body);
    std::fs::write(reports.path().join("q1-report.md"), markdown).expect("write");
    drop(store);
    let _core_after = core(s);
    let store = Store::open(data.path()).expect("store");
    assert_eq!(store.queue_item(written.item.id).expect("get").expect("row").state, QueueState::Approved);
    assert_eq!(store.queue_item(lost.item.id).expect("get").expect("row").state, QueueState::Pending, "not lost, not applied");
}

fn feed(name: &str, path: &str, filter: Option<&str>, site: &Site) -> chipbot::config::FeedSettings {
    chipbot::config::FeedSettings {
        name: name.into(),
        url: site.url(path),
        schedule: chipbot::digest::Schedule::parse("0 * * * *", "UTC").expect("schedule"),
        filter: filter.map(str::to_string),
        targets: vec![chipbot::config::DigestTarget { platform: Platform::Discord, id: "42".into() }],
        max_entries: 20,
    }
}

fn feed_run(reply: Reply) -> Vec<chipbot::reply::FeedOutcome> {
    match reply {
        Reply::Curation(curated) => match *curated {
            Curated::FeedRun(outcomes) => outcomes,
            other => panic!("expected a feed run, got {other:?}"),
        },
        other => panic!("expected a feed run, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_fill_the_queue_once_per_entry_across_restarts() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let mut s = settings(reports.path(), data.path());
    s.feeds = vec![feed("wire", "/feed.xml", None, &site), feed("atom", "/atom.xml", None, &site), feed("json", "/feed.json", None, &site), feed("broken", "/broken.xml", None, &site)];
    let first = core(s.clone());
    let outcomes = feed_run(run(&first, Command::Feeds { name: None }).await.expect("feeds run"));
    let by = |name: &str| outcomes.iter().find(|o| o.feed == name).expect("outcome").clone();
    let wire = by("wire");
    assert_eq!(wire.queued.len(), 2, "{wire:?}");
    assert_eq!(wire.failed.len(), 1, "the refused page: {wire:?}");
    assert!(wire.failed[0].1.contains("HTTP 403"), "{wire:?}");
    assert_eq!((by("atom").queued.len(), by("atom").known), (0, 1), "the same article through a redirect is not proposed twice");
    assert_eq!(by("json").queued.len(), 1, "the PDF of the JSON feed");
    assert!(by("broken").failed[0].1.contains("the feed could not be read"), "{:?}", by("broken"));
    let text = chipbot::render::text::render(&Reply::Curation(Box::new(Curated::FeedRun(outcomes.clone()))), chipbot::render::text::Highlight::Stars);
    assert!(text.contains("Feed wire: 2 new reports queued") && text.contains("Could not read http://"), "{text}");
    drop(first);

    // A restart: every entry is remembered, none is proposed again.
    let again = core(s);
    let outcomes = feed_run(run(&again, Command::Feeds { name: None }).await.expect("feeds run"));
    assert!(outcomes.iter().all(|o| o.queued.is_empty()), "{outcomes:?}");
    assert_eq!(outcomes.iter().find(|o| o.feed == "wire").expect("wire").known, 3);
    let pending = Store::open(data.path()).expect("store").queue_in(QueueState::Pending).expect("queue");
    assert_eq!(pending.len(), 3);
    assert!(pending.iter().all(|i| i.proposal.platform == "feed"), "proposed by the feed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_filter_in_query_words_keeps_only_matching_reports() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let mut s = settings(reports.path(), data.path());
    s.feeds = vec![feed("hbm-only", "/feed.xml", Some("topic:hbm OR company:smic"), &site)];
    let core = core(s);
    let outcome = feed_run(run(&core, Command::Feeds { name: Some("hbm-only".into()) }).await.expect("run")).remove(0);
    assert_eq!(outcome.queued.len(), 1, "{outcome:?}");
    assert_eq!(outcome.queued[0].meta.title, "HBM4 contract prices climb");
    assert_eq!(outcome.filtered, 1, "the foundry page is left out");
    let unknown = run(&core, Command::Feeds { name: Some("nope".into()) }).await.expect_err("unknown feed");
    assert!(unknown.user_message().contains("no feed named `nope`"), "{}", unknown.user_message());
}

/// Records the feed lists posted.
struct ListPoster(std::sync::Mutex<Vec<(String, String)>>);

impl chipbot::digest::DigestPoster for ListPoster {
    fn platform(&self) -> Platform {
        Platform::Discord
    }
    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply, _key: &'a str) -> chipbot::digest::PostFuture<'a> {
        Box::pin(async move {
            let text = chipbot::render::text::render(reply, chipbot::render::text::Highlight::Stars);
            self.0.lock().expect("lock").push((target.to_string(), text));
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_service_reads_feeds_on_schedule_and_posts_the_list_to_the_admins() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let mut s = settings(reports.path(), data.path());
    s.feeds = vec![feed("wire", "/feed.xml", None, &site)];
    let core = core(s);
    let poster = Arc::new(ListPoster(std::sync::Mutex::new(Vec::new())));
    let posters = chipbot::digest::PosterRegistry::default();
    posters.register(poster.clone());
    // Two seconds before the top of an hour.
    let slot = chrono::DateTime::parse_from_rfc3339("2026-12-05T11:00:00Z").expect("time").with_timezone(&chrono::Utc);
    let clock = chipbot::digest::Clock::Anchored { utc: slot - chrono::Duration::seconds(2), at: tokio::time::Instant::now() };
    let stop = tokio_util::sync::CancellationToken::new();
    let service = tokio::spawn(chipbot::digest::run_feeds(core.clone(), posters, clock, stop.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while poster.0.lock().expect("lock").is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no list was posted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.cancel();
    service.await.expect("joins").expect("stops");
    let posts = poster.0.lock().expect("lock").clone();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].0, "42");
    assert!(posts[0].1.contains("Feed wire: 2 new reports queued"), "{}", posts[0].1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_file_and_a_failed_approval_leave_nothing_behind() {
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let s = settings(reports.path(), data.path());
    let core = core(s);
    let huge = AddSource::File { name: "huge.txt".into(), bytes: Arc::new(vec![b'a'; 300 * 1024]) };
    let err = run(&core, Command::Add { source: huge, note: None }).await.expect_err("too large");
    assert!(err.user_message().contains("larger than the 1 MB limit"), "{}", err.user_message());

    // An approval whose file name is taken fails, keeps the other file, and leaves the item pending.
    let text = "Title: Zephyr note\nPublisher: Zephyr Wire\nPublished: 2026-03-01\nURL: https://zephyr.example/note\n\nZephyr Memory raised HBM4 output 40% in 2026, its chief executive said on a call with analysts.";
    let view = proposed(run(&core, Command::Add { source: AddSource::File { name: "note.txt".into(), bytes: Arc::new(text.as_bytes().to_vec()) }, note: None }).await.expect("queued"));
    let taken = reports.path().join(format!("{}.md", view.meta.id));
    std::fs::write(&taken, "someone else's file").expect("write");
    let err = run(&core, Command::Approve { id: view.item.id }).await.expect_err("name taken");
    assert!(err.user_message().contains("already exists"), "{}", err.user_message());
    assert_eq!(std::fs::read_to_string(&taken).expect("read"), "someone else's file", "never overwritten");
    let store = Store::open(data.path()).expect("store");
    assert_eq!(store.queue_item(view.item.id).expect("get").expect("row").state, QueueState::Pending);
    // A new id through edit, then the approval goes through.
    run(&core, Command::Edit { id: view.item.id, changes: vec![("id".into(), "zephyr-note-2".into())] }).await.expect("edit id");
    run(&core, Command::Approve { id: view.item.id }).await.expect("approved");
    assert!(reports.path().join("zephyr-note-2.md").is_file());
}

/// Records the notes the core asks to deliver.
#[derive(Default)]
struct RecordingNotifier(std::sync::Mutex<Vec<(Platform, String, String, String)>>);

impl chipbot::core::Notifier for RecordingNotifier {
    fn notify(&self, notice: chipbot::core::ProposerNotice) {
        let text = chipbot::render::text::render(&notice.reply, chipbot::render::text::Highlight::Stars);
        self.0.lock().expect("lock").push((notice.platform, notice.place, text, notice.key));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proposer_is_told_the_outcome_where_they_proposed() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let core = core(settings(reports.path(), data.path()));
    let notes = Arc::new(RecordingNotifier::default());
    core.set_notifier(notes.clone());
    let member = Sender::new(Platform::Discord, "99").in_place("111");
    let admin_elsewhere = Sender::new(Platform::Discord, "7").in_place("222");
    let first = proposed(core.handle(Request::chat(&member, add(&site.url("/article")))).await.expect("proposed"));
    let second = proposed(core.handle(Request::chat(&member, add(&site.url("/bare")))).await.expect("proposed"));
    core.handle(Request::chat(&admin_elsewhere, Command::Approve { id: first.item.id })).await.expect("approved");
    core.handle(Request::chat(&admin_elsewhere, Command::Reject { id: second.item.id, reason: Some("no date".into()) })).await.expect("rejected");
    let got = notes.0.lock().expect("lock").clone();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].0, got[0].1.as_str()), (Platform::Discord, "111"), "told where they proposed");
    assert!(got[0].2.contains("discord 99: the report you proposed") && got[0].2.contains("was approved by discord 7"), "{}", got[0].2);
    assert!(got[1].2.contains("was not added (rejected by discord 7: no date)"), "{}", got[1].2);
    assert_ne!(got[0].3, got[1].3, "each decision has its own key");

    // Decided in the room it was proposed in: the reply there says it; no second note.
    let third = proposed(core.handle(Request::chat(&member, add(&site.url("/review.pdf")))).await.expect("proposed"));
    let admin_here = Sender::new(Platform::Discord, "7").in_place("111");
    core.handle(Request::chat(&admin_here, Command::Reject { id: third.item.id, reason: None })).await.expect("rejected");
    assert_eq!(notes.0.lock().expect("lock").len(), 2);
}

/// Whoever delivers a notice records it; until then it waits in the store,
/// also when the decision came from the CLI, where no adapter runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_waits_in_the_store_until_the_proposer_is_told() {
    let site = Site::start().await;
    let (reports, data) = (support::copy_fixture("mini"), tempfile::tempdir().expect("tempdir"));
    let core = core(settings(reports.path(), data.path()));
    let member = Sender::new(Platform::Discord, "99").in_place("111");
    let first = proposed(core.handle(Request::chat(&member, add(&site.url("/article")))).await.expect("proposed"));
    let second = proposed(core.handle(Request::chat(&member, add(&site.url("/bare")))).await.expect("proposed"));
    let third = proposed(core.handle(Request::chat(&member, add(&site.url("/review.pdf")))).await.expect("proposed"));
    core.handle(Request::cli(Command::Approve { id: first.item.id })).await.expect("approved");
    core.handle(Request::cli(Command::Reject { id: second.item.id, reason: Some("no date".into()) })).await.expect("rejected");
    // Decided where it was proposed: the reply told them.
    let admin_here = Sender::new(Platform::Discord, "7").in_place("111");
    core.handle(Request::chat(&admin_here, Command::Reject { id: third.item.id, reason: None })).await.expect("rejected");

    let notices = |core: &Core| core.proposer_notices(Platform::Discord).expect("notices");
    let waiting = notices(&core);
    assert_eq!(waiting.iter().map(|n| n.item).collect::<Vec<_>>(), vec![first.item.id, second.item.id], "{waiting:?}");
    assert!(waiting.iter().all(|n| n.platform == Platform::Discord && n.place == "111"));
    let text = chipbot::render::text::render(&waiting[0].reply, chipbot::render::text::Highlight::Stars);
    assert!(text.contains("was approved by cli"), "{text}");
    assert!(core.proposer_notices(Platform::Matrix).expect("notices").is_empty());

    // A later process finds the same notices, until each is recorded as told.
    drop(core);
    let again = self::core(settings(reports.path(), data.path()));
    assert_eq!(notices(&again), waiting);
    again.proposer_told(first.item.id).expect("told");
    assert_eq!(notices(&again).iter().map(|n| n.item).collect::<Vec<_>>(), vec![second.item.id]);
}
