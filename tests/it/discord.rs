//! End-to-end tests of the Discord bot: the real serenity/poise client, run by
//! `chipbot::adapters::discord::run`, against the stand-in in
//! `tests/it/support/discord_standin` over loopback, answering from fixture reports.

#![cfg(feature = "discord")]

use std::time::Duration;

use chipbot::config::{Secret, Settings};
use chipbot::core::{Core, Refresh};
use chipbot::digest::PosterRegistry;
use crate::support::discord_standin::{Recorded, StandIn, BOT_ID, CHANNEL, GUILD, TOKEN};
use serde_json::{json, Value};

use crate::support;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(20);
const USER: u64 = 500_000_000_000_001;
const ADMIN_ROLE: u64 = 600_000_000_000_001;

/// A bot running against a stand-in; stops when dropped.
pub(crate) struct Bot {
    pub(crate) discord: StandIn,
    core: Core,
    posters: PosterRegistry,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<chipbot::Result<()>>,
    _reports: tempfile::TempDir,
    _data: tempfile::TempDir,
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl Bot {
    /// Starts the bot over fixture `fixture`, with `configure` applied to its settings.
    pub(crate) async fn start(fixture: &str, configure: impl FnOnce(&mut Settings)) -> Bot {
        let bot = Bot::launch(StandIn::start().await, fixture, configure).await;
        bot.discord.wait_ready().await;
        bot
    }

    /// Starts the bot against `discord` without waiting for it to be ready.
    async fn launch(discord: StandIn, fixture: &str, configure: impl FnOnce(&mut Settings)) -> Bot {
        let reports = support::copy_fixture(fixture);
        let data = tempfile::tempdir().expect("tempdir");
        let mut settings = support::settings(reports.path(), data.path());
        settings.discord.api_base = discord.api_base();
        settings.secrets.discord_token = Some(Secret::new(TOKEN));
        settings.admins.discord_roles = vec![ADMIN_ROLE];
        configure(&mut settings);
        let discord_settings = settings.discord.clone();
        let core = Core::start(settings, Refresh::OnOpen).await.expect("core");
        let posters = PosterRegistry::default();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(chipbot::adapters::discord::run(core.clone(), discord_settings, posters.clone(), shutdown.clone()));
        Bot { discord, core, posters, shutdown, task, _reports: reports, _data: data }
    }

    /// Sends `content` from USER in the test channel and waits for `n` replies.
    pub(crate) async fn say(&self, content: &str, n: usize) -> Vec<Recorded> {
        let since = self.discord.requests().len();
        self.discord.message(Some(GUILD), CHANNEL, USER, &[], content);
        self.replies(since, n, content).await
    }

    /// Runs slash command `name` from a user with `roles` and waits for `n` replies.
    pub(crate) async fn slash(&self, name: &str, roles: &[u64], options: Value, n: usize) -> Vec<Recorded> {
        let since = self.discord.requests().len();
        self.discord.slash(CHANNEL, USER, roles, name, options);
        self.replies(since, n, name).await
    }

    async fn replies(&self, since: usize, n: usize, what: &str) -> Vec<Recorded> {
        self.discord
            .wait_for(WAIT, what, |log| log.iter().skip(since).filter(|r| r.is_message()).count() >= n)
            .await;
        self.discord.messages_since(since)
    }

    /// Nothing was refused by the stand-in, and every message the bot sent
    /// during the test carried empty allowed mentions.
    pub(crate) fn assert_no_failures(&self) {
        assert_eq!(self.discord.failures(), Vec::<String>::new(), "the stand-in refused something");
        assert_mention_safe(&self.discord.requests());
    }
}

pub(crate) fn question(text: &str) -> Value {
    json!([{"name": "question", "type": 3, "value": text}])
}

/// Every message-creating request must carry empty allowed mentions.
fn assert_mention_safe(requests: &[Recorded]) {
    let mention = regex::Regex::new(r"<(@[!&]?|#)\d+>").expect("regex");
    for r in requests.iter().filter(|r| r.is_message()) {
        let allowed = &r.message()["allowed_mentions"];
        assert_eq!(allowed["parse"], json!([]), "{} {}: {allowed}", r.method, r.path);
        assert_eq!(allowed["users"], json!([]));
        assert_eq!(allowed["roles"], json!([]));
        let text = r.text();
        assert!(!text.contains("@everyone") && !text.contains("@here"), "{text}");
        assert!(!mention.is_match(&text), "{text}");
    }
}

/// The embeds of a message, pretty-printed, for snapshots.
fn embeds_json(r: &Recorded) -> String {
    serde_json::to_string_pretty(&r.message()["embeds"]).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_ask_is_deferred_then_answered_with_citations() {
    let bot = Bot::start("mini", |_| {}).await;
    let since = bot.discord.requests().len();
    let replies = bot.slash("ask", &[], question("SK hynix HBM market share"), 1).await;
    let log: Vec<Recorded> = bot.discord.requests().into_iter().skip(since).collect();
    let callback = log.iter().position(|r| r.path.ends_with("/callback")).expect("interaction answered");
    assert_eq!(log[callback].body["type"], 5, "deferred first");
    let followup = log.iter().position(|r| r.method == "POST" && r.path.starts_with("/webhooks/")).expect("follow-up");
    assert!(callback < followup);
    assert!(log[followup].at >= log[callback].at);
    let answer = &replies[0];
    let embed = &answer.message()["embeds"][0];
    assert!(embed["title"].as_str().unwrap_or("").contains("SK hynix HBM market share"));
    let description = embed["description"].as_str().expect("answer text");
    assert!(description.contains("[1] ") && description.contains("**"), "{description}");
    let sources = embed["fields"].as_array().expect("fields").iter().find(|f| f["name"] == "Sources").expect("sources field");
    assert!(
        sources["value"].as_str().unwrap_or("").contains("(https://example.com/updates/hbm-2025)"),
        "{sources}"
    );
    assert_mention_safe(&replies);
    insta::assert_snapshot!("slash_ask_embeds", embeds_json(answer));
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_ask_and_mention_answer_in_the_same_channel() {
    let bot = Bot::start("mini", |_| {}).await;
    let replies = bot.say("!ask SK hynix HBM market share", 1).await;
    let reply = &replies[0];
    assert_eq!(reply.path, format!("/channels/{CHANNEL}/messages"));
    assert!(reply.body["message_reference"]["message_id"].is_string(), "answers the question as a reply");
    assert!(reply.text().contains("[Fictional update: HBM market shares shift](https://example.com/updates/hbm-2025)"));
    insta::assert_snapshot!("prefix_ask_embeds", embeds_json(reply));

    let thread = CHANNEL + 77;
    let since = bot.discord.requests().len();
    bot.discord.message(Some(GUILD), thread, USER, &[], &format!("<@{BOT_ID}> what did TSMC expect for CoWoS capacity?"));
    let replies = bot.replies(since, 1, "mention").await;
    assert_eq!(replies[0].path, format!("/channels/{thread}/messages"), "answered where it was asked");
    assert!(replies[0].text().contains("75,000"), "{}", replies[0].text());
    assert_mention_safe(&bot.discord.requests());
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_answers_are_split_and_keep_every_citation_url() {
    let bot = Bot::start("discord", |s| {
        s.answer.top = 14;
        s.answer.max_per_report = 14;
        s.answer.snippet_chars = 700;
    })
    .await;
    let replies = bot.say("!ask interposer plant packaging capacity wafers per month", 2).await;
    assert!(replies.len() >= 2, "one message cannot hold this answer");
    let embeds: Vec<&Value> = replies.iter().flat_map(|r| r.body["embeds"].as_array().into_iter().flatten()).collect();
    assert!(embeds.len() >= 2);
    let all: String = replies.iter().map(Recorded::text).collect::<Vec<_>>().join("\n");
    let markers = regex::Regex::new(r"\[(\d+)\] ").expect("regex");
    let cited: std::collections::BTreeSet<u32> = markers.captures_iter(&all).map(|c| c[1].parse().expect("n")).collect();
    assert!(cited.len() >= 8, "{cited:?}");
    for n in &cited {
        let line = regex::Regex::new(&format!(r"(?m)^\[{n}\] \[[^\n]+\]\(https://example\.com/[^)\s]+\) · ")).expect("regex");
        assert!(line.is_match(&all), "citation {n} lost its URL");
    }
    for r in &replies {
        let d = r.body["embeds"][0]["description"].as_str().unwrap_or("");
        assert_eq!(d.matches("**").count() % 2, 0, "bold marks split across embeds: {d}");
    }
    assert_mention_safe(&replies);
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_text_cannot_ping_or_inject_markup() {
    let bot = Bot::start("discord", |_| {}).await;
    let replies = bot.slash("ask", &[], question("glass substrates warpage memo"), 1).await;
    assert_mention_safe(&replies);
    let text = replies[0].text();
    assert!(text.contains("\\<script\\>"), "{text}");
    assert!(text.contains("\\*hostile\\*") && text.contains("\\[report\\]"), "{text}");
    assert!(text.contains("(https://example.com/memos/pranks_%282025%29)"), "{text}");
    insta::assert_snapshot!("hostile_report_embeds", embeds_json(&replies[0]));
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_outside_the_allowlist_get_no_answer() {
    let other = CHANNEL + 1;
    let bot = Bot::start("mini", |s| s.discord.allowed_channels = vec![CHANNEL]).await;
    let since = bot.discord.requests().len();
    bot.discord.message(Some(GUILD), other, USER, &[], "!ask HBM market share");
    bot.discord.message(None, 42, USER, &[], "!ask HBM market share");
    let replies = bot.say("!ask HBM market share", 1).await;
    assert_eq!(replies.len(), 1);
    let log = bot.discord.requests();
    // Looking the channel up (is it a thread?) is fine; posting or typing there is not.
    let posts = log.iter().skip(since).filter(|r| r.method != "GET");
    assert!(
        posts.clone().all(|r| !r.path.contains(&other.to_string()) && !r.path.contains("/channels/42/")),
        "answered outside the allowlist"
    );
    let since = bot.discord.requests().len();
    bot.discord.slash(other, USER, &[], "ask", question("HBM"));
    let notes = bot.replies(since, 1, "slash refusal").await;
    assert_eq!(notes[0].body["type"], 4);
    assert_eq!(notes[0].body["data"]["flags"], 64, "only the asker sees the refusal");
    assert!(notes[0].text().contains("does not answer in this channel"));
    // A thread counts as its parent channel.
    let thread = CHANNEL + 5;
    let since = bot.discord.requests().len();
    bot.discord.slash_in(thread, Some(CHANNEL), USER, &[], "ask", question("HBM market share"));
    let answers = bot.replies(since, 1, "slash in a thread").await;
    assert!(answers[0].path.starts_with("/webhooks/"), "answered in the thread");
    assert!(answers[0].text().contains("[1] "));
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_commands_in_unseen_threads_follow_the_parent_channel() {
    let other = CHANNEL + 1;
    let bot = Bot::start("mini", |s| s.discord.allowed_channels = vec![CHANNEL]).await;
    let (allowed_thread, other_thread) = (CHANNEL + 500, CHANNEL + 501);
    bot.discord.add_thread(allowed_thread, CHANNEL);
    bot.discord.add_thread(other_thread, other);
    let since = bot.discord.requests().len();
    bot.discord.message(Some(GUILD), other_thread, USER, &[], "!ask HBM market share");
    bot.discord.message(Some(GUILD), allowed_thread, USER, &[], "!ask HBM market share");
    let replies = bot.replies(since, 1, "answer in the thread").await;
    assert_eq!(replies[0].path, format!("/channels/{allowed_thread}/messages"), "answered in the thread");
    assert!(replies[0].text().contains("[1] "), "{}", replies[0].text());
    // A mention in the same thread: its parent is remembered, not fetched again.
    let again = bot.discord.requests().len();
    bot.discord.message(Some(GUILD), allowed_thread, USER, &[], &format!("<@{BOT_ID}> HBM market share"));
    bot.replies(again, 1, "mention in the thread").await;
    let other_path = format!("/channels/{other_thread}");
    let log = bot.discord.wait_for(WAIT, "lookup of the other thread", |log| log.iter().any(|r| r.path == other_path)).await;
    let lookups = |id: u64| log.iter().skip(since).filter(|r| r.method == "GET" && r.path == format!("/channels/{id}")).count();
    assert_eq!((lookups(allowed_thread), lookups(other_thread)), (1, 1), "each thread looked up once");
    let posts = log.iter().skip(since).filter(|r| r.method == "POST");
    assert!(posts.clone().all(|r| !r.path.contains(&other_thread.to_string())), "answered in a thread of a channel not allowed");
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_users_are_told_how_long_to_wait() {
    let bot = Bot::start("mini", |s| {
        s.chat.rate_limit_count = 2;
        s.chat.rate_limit_window_secs = 60;
    })
    .await;
    bot.say("!ask HBM", 1).await;
    bot.say("!ask CoWoS", 1).await;
    let replies = bot.say("!ask export rules", 1).await;
    let text = replies[0].body["content"].as_str().expect("plain message");
    let wait = regex::Regex::new(r"try again in (\d+) s").expect("regex");
    let secs: u64 = wait.captures(text).unwrap_or_else(|| panic!("no wait time in {text:?}"))[1].parse().expect("n");
    assert!((1..=60).contains(&secs), "{secs}");
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_questions_get_usage_text() {
    let bot = Bot::start("mini", |_| {}).await;
    for ask in ["!ask", "!ask   "] {
        let replies = bot.say(ask, 1).await;
        let text = replies[0].body["content"].as_str().expect("plain message");
        assert!(text.contains("Please ask a question, for example"), "{text}");
    }
    let replies = bot.say(&format!("<@{BOT_ID}>"), 1).await;
    assert!(replies[0].text().contains("Please ask a question"));
    let replies = bot.slash("ask", &[], question(""), 1).await;
    assert!(replies[0].text().contains("Please ask a question"));
    let long = format!("!ask {}", "wafer ".repeat(120));
    let replies = bot.say(&long, 1).await;
    assert!(replies[0].text().contains("the limit is 500"), "{}", replies[0].text());
    let replies = bot.say("!explode now", 1).await;
    assert!(replies[0].text().contains("Unknown command `explode`. Try `!help`."));
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_gateway_is_resumed_and_the_bot_still_answers() {
    let bot = Bot::start("mini", |_| {}).await;
    assert_eq!(bot.discord.identifies(), 1);
    bot.discord.drop_connection(4000);
    bot.discord.wait_until(WAIT, "resume", |d| d.resumes() == 1 && d.connected()).await;
    assert_eq!(bot.discord.identifies(), 1, "resumed, not identified again");
    let replies = bot.say("!ask CoWoS capacity", 1).await;
    assert!(replies[0].text().contains("CoWoS"));
    let replies = bot.slash("sources", &[], json!([]), 1).await;
    assert!(replies[0].text().contains("4** reports"), "{}", replies[0].text());
    insta::assert_snapshot!("sources_embeds", embeds_json(&replies[0]));
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_errors_reach_the_user_as_a_short_message() {
    let bot = Bot::start("mini", |_| {}).await;
    // The data folder is replaced by a file under the running bot: an admin
    // reindex can no longer write the index or its audit record.
    let data = bot._data.path().to_path_buf();
    std::fs::remove_dir_all(&data).expect("remove data dir");
    std::fs::write(&data, "not a folder").expect("file in its place");
    let replies = bot.slash("reindex", &[ADMIN_ROLE], json!([{"name": "full", "type": 5, "value": true}]), 1).await;
    let text = replies[0].message()["content"].as_str().expect("plain message").to_string();
    assert!(!text.is_empty() && text.len() < 300, "{text}");
    assert!(!text.contains(&data.display().to_string()), "no internal paths: {text}");
    assert!(replies[0].message()["embeds"].as_array().is_none_or(Vec::is_empty));
    insta::assert_snapshot!("engine_error_message", text);
    // Questions are still answered from the open index.
    let replies = bot.say("!ask HBM", 1).await;
    assert!(replies[0].text().contains("[1] "));
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_is_for_admins_and_hidden_from_other_members() {
    let bot = Bot::start("mini", |_| {}).await;
    let registration = bot.discord.requests().into_iter().find(|r| r.method == "PUT").expect("registered");
    let commands = registration.body.as_array().expect("array");
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["ask", "figures", "sources", "help", "digest", "reindex", "add", "queue", "approve", "reject", "edit"]);
    for admin_only in ["queue", "approve", "reject", "edit"] {
        let command = commands.iter().find(|c| c["name"] == admin_only).expect("registered");
        assert_eq!(command["default_member_permissions"], "32", "{admin_only} is hidden from members");
    }
    let reindex = commands.iter().find(|c| c["name"] == "reindex").expect("reindex");
    assert_eq!(reindex["default_member_permissions"], "32", "MANAGE_GUILD only");
    assert_eq!(reindex["options"][0]["name"], "full");
    let ask = commands.iter().find(|c| c["name"] == "ask").expect("ask");
    assert_eq!(ask["options"][0]["required"], true);

    let replies = bot.slash("reindex", &[], json!([{"name": "full", "type": 5, "value": true}]), 1).await;
    assert!(replies[0].text().contains("Sorry, only chipbot admins can run `!reindex`."), "{}", replies[0].text());
    let replies = bot.say("!reindex full", 1).await;
    assert!(replies[0].text().contains("only chipbot admins"));
    let replies = bot.slash("reindex", &[ADMIN_ROLE], json!([]), 1).await;
    assert!(replies[0].text().contains("unchanged 4"), "{}", replies[0].text());
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_come_as_a_table_with_the_chart_attached() {
    let bot = Bot::start("mini", |_| {}).await;
    let replies = bot.slash("figures", &[], json!([{"name": "query", "type": 3, "value": "HBM market share"}]), 1).await;
    let reply = &replies[0];
    assert_eq!(reply.files.len(), 1, "chart attached");
    assert_eq!(reply.files[0].0, "figures.png");
    assert!(reply.files[0].1 > 100);
    let embed = &reply.body["embeds"][0];
    assert_eq!(embed["image"]["url"], "attachment://figures.png");
    assert!(embed["description"].as_str().unwrap_or("").contains("```"), "table in a code block");
    insta::assert_snapshot!("figures_embeds", embeds_json(reply));
    let replies = bot.say("!help", 1).await;
    insta::assert_snapshot!("help_embeds", embeds_json(&replies[0]));
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_replies_in_progress_then_closes_the_gateway() {
    let mut bot = Bot::start("mini", |_| {}).await;
    let since = bot.discord.requests().len();
    bot.discord.message(Some(GUILD), CHANNEL, USER, &[], "!ask HBM market share");
    bot.discord.wait_for(WAIT, "typing", |log| log.iter().skip(since).any(|r| r.path.ends_with("/typing"))).await;
    bot.shutdown.cancel();
    let outcome = tokio::time::timeout(WAIT, &mut bot.task).await.expect("stops in time").expect("join");
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(bot.discord.messages_since(since).len(), 1, "the reply in progress was sent");
    bot.discord.wait_until(WAIT, "gateway closed", |d| !d.connected()).await;
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_sending_fails_the_error_handler_still_answers() {
    let bot = Bot::start("mini", |_| {}).await;
    bot.discord.fail_next_messages(1);
    let replies = bot.slash("ask", &[], question("HBM market share"), 2).await;
    assert_eq!(replies[0].status, 500, "the answer itself was refused");
    assert_eq!(replies[1].status, 200);
    assert!(replies[1].text().starts_with("Sorry, something went wrong"), "{}", replies[1].text());
    assert_eq!(replies[1].body["flags"], 64, "ephemeral");
    bot.discord.fail_next_messages(1);
    let replies = bot.say(&format!("<@{BOT_ID}> HBM market share"), 2).await;
    assert_eq!(replies[0].status, 500);
    assert!(replies[1].text().starts_with("Sorry, something went wrong"), "{}", replies[1].text());
    assert_mention_safe(&bot.discord.requests());
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_command_registration_stops_the_bot_with_an_error() {
    let discord = StandIn::start().await;
    discord.refuse_command_registration();
    let mut bot = Bot::launch(discord, "mini", |_| {}).await;
    let outcome = tokio::time::timeout(WAIT, &mut bot.task).await.expect("stops by itself").expect("join");
    let err = outcome.expect_err("setup failed");
    assert!(err.to_string().starts_with("discord:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digests_answer_on_demand_and_post_to_channels() {
    let bot = Bot::start("mini", |_| {}).await;
    let replies = bot.slash("digest", &[], json!([{"name": "since", "type": 3, "value": "2020-01-01"}]), 1).await;
    let embed = &replies[0].message()["embeds"][0];
    assert!(embed["title"].as_str().unwrap_or("").starts_with("Digest: "), "{embed}");
    let text = replies[0].text();
    assert!(text.contains("Reports indexed 2020-01-01 00:00 UTC to "), "{text}");
    assert!(text.contains("[Fictional update: HBM market shares shift](https://example.com/updates/hbm-2025)"), "{text}");
    assert!(text.contains("· [1]"), "figures cite their passage: {text}");
    let poster = bot.posters.get(chipbot::core::Platform::Discord).expect("registered once ready");
    let since_date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    let window = chipbot::core::DigestWindow::Since(since_date);
    let command = chipbot::core::Command::Digest { name: None, window, dry_run: true };
    let reply = bot.core.handle(chipbot::core::Request::cli(command)).await.expect("digest");
    let since = bot.discord.requests().len();
    poster.post(&CHANNEL.to_string(), &reply, "0123456789abcdef01234567").await.expect("posted");
    let posted = bot.discord.messages_since(since);
    assert_eq!(posted.len(), 1, "a scheduled digest is one message");
    assert_eq!(posted[0].path, format!("/channels/{CHANNEL}/messages"));
    let title = posted[0].body["embeds"][0]["title"].as_str().unwrap_or_default().to_string();
    assert!(title.starts_with("Digest: "), "{title}");
    let err = poster.post("not-a-channel", &reply, "0123456789abcdef01234568").await.expect_err("bad target");
    assert!(err.permanent, "{err}");
    bot.assert_no_failures();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_link_is_queued_approved_by_an_admin_and_then_cited() {
    let site = crate::curation::Site::start().await;
    let bot = Bot::start("mini", |s| s.curation.allow_private_addresses = true).await;
    let replies = bot.say(&format!("!add {} from the memory desk", site.url("/article")), 1).await;
    let preview = replies[0].text();
    assert!(preview.contains("Queued as item 1") && preview.contains("HBM4 contract prices climb") && preview.contains("Loopback Memory Wire"), "{preview}");
    let replies = bot.say("!approve 1", 1).await;
    assert!(replies[0].text().contains("only chipbot admins"), "{}", replies[0].text());

    let since = bot.discord.requests().len();
    bot.discord.message(Some(GUILD), CHANNEL, USER, &[ADMIN_ROLE], "!approve 1");
    let replies = bot.replies(since, 1, "approve").await;
    assert!(replies[0].text().contains("can be cited now"), "{}", replies[0].text());
    let replies = bot.say("!ask how much did HBM4 contract prices rise in Q2 2026?", 1).await;
    let answer = replies[0].text();
    assert!(answer.contains("18%") && answer.contains("Loopback Memory Wire"), "{answer}");

    // A file attached to `!add`: downloaded from the (loopback) CDN URL, typed by its content.
    let since = bot.discord.requests().len();
    let url = site.url("/review.pdf");
    bot.discord.message_with_files(Some(GUILD), CHANNEL, USER, &[], "!add", &[("annual-review.pdf", 900, &url)]);
    let replies = bot.replies(since, 1, "attachment").await;
    assert!(replies[0].text().contains("Queued as item 2") && replies[0].text().contains("Zephyr Packaging annual review"), "{}", replies[0].text());
    bot.assert_no_failures();
}
