//! A Discord stand-in for tests: a loopback server speaking Discord's v10 REST
//! and gateway wire format, enough to drive the real serenity/poise client.
//! It records every request, enforces Discord's message limits and the
//! 3-second first response to interactions, and lets a test dispatch
//! MESSAGE_CREATE and INTERACTION_CREATE or drop the gateway connection.

#![allow(dead_code)]

mod faults;
mod gateway;
mod limits;
mod rest;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc;

pub use faults::RateLimit;
pub use gateway::Outbound;

/// The bot token the stand-in accepts.
pub const TOKEN: &str = "stand-in-token";
pub const BOT_ID: u64 = 900_000_000_000_001;
pub const APP_ID: u64 = 900_000_000_000_002;
pub const GUILD: u64 = 700_000_000_000_001;
pub const CHANNEL: u64 = 710_000_000_000_001;
pub const SESSION_ID: &str = "stand-in-session";
/// Discord's limit for the first response to an interaction.
pub const INTERACTION_DEADLINE: Duration = Duration::from_secs(3);

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path below `/api/v10`, e.g. `/channels/1/messages`.
    pub path: String,
    pub body: Value,
    /// (file name, size) of multipart attachments.
    pub files: Vec<(String, usize)>,
    pub at: Instant,
    pub status: u16,
}

impl Recorded {
    /// Whether this request posts a message a user would see.
    pub fn is_message(&self) -> bool {
        let m = self.method.as_str();
        (m == "POST" && self.path.ends_with("/messages") && self.path.starts_with("/channels/"))
            || (m == "POST" && self.path.starts_with("/webhooks/"))
            || (m == "PATCH" && self.path.starts_with("/webhooks/"))
            || (m == "POST" && self.path.ends_with("/callback") && self.body["type"] == 4)
    }

    /// The message body: the callback's `data` or the request body.
    pub fn message(&self) -> &Value {
        if self.path.ends_with("/callback") {
            &self.body["data"]
        } else {
            &self.body
        }
    }

    /// Content plus every embed text, for searching.
    pub fn text(&self) -> String {
        let m = self.message();
        let mut out = m["content"].as_str().unwrap_or("").to_string();
        for e in m["embeds"].as_array().into_iter().flatten() {
            for key in ["title", "description"] {
                out.push('\n');
                out.push_str(e[key].as_str().unwrap_or(""));
            }
            for f in e["fields"].as_array().into_iter().flatten() {
                out.push('\n');
                out.push_str(f["name"].as_str().unwrap_or(""));
                out.push('\n');
                out.push_str(f["value"].as_str().unwrap_or(""));
            }
        }
        out
    }
}

pub(crate) struct Pending {
    pub(crate) dispatched: Instant,
    pub(crate) acknowledged: bool,
}

/// State shared by the REST handlers, the gateway and the test.
pub struct Shared {
    addr: SocketAddr,
    log: Mutex<Vec<Recorded>>,
    failures: Mutex<Vec<String>>,
    conn: Mutex<Option<(usize, mpsc::UnboundedSender<Outbound>)>>,
    connections: AtomicUsize,
    seq: AtomicU64,
    next_id: AtomicU64,
    identifies: AtomicUsize,
    resumes: AtomicUsize,
    interactions: Mutex<HashMap<String, Pending>>,
    /// Message posts still to answer with a 500, to test error handling.
    fail_next: AtomicUsize,
    /// Answer command registration with a 500 (poise's setup then fails).
    refuse_registration: std::sync::atomic::AtomicBool,
    /// Messages created in channels, in order: (channel, request body).
    created: Mutex<Vec<(String, Value)>>,
    /// Nonces sent with `enforce_nonce`: (channel, nonce) -> (message, when).
    nonces: Mutex<HashMap<(String, String), (Value, Instant)>>,
    /// Create the next channel message but never answer the request, as if
    /// the connection dropped after Discord got it.
    hold_next_answer: std::sync::atomic::AtomicBool,
    /// Rejected tokens, a refused gateway, hanging posts, 429s.
    faults: faults::Faults,
    /// Threads `GET /channels/{id}` knows: thread ID to parent channel ID.
    threads: Mutex<HashMap<u64, u64>>,
}

impl Shared {
    fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    fn fail(&self, what: String) {
        self.failures.lock().unwrap().push(what);
    }

    fn id(&self) -> u64 {
        1_000_000_000_000_000 + self.next_id.fetch_add(1, Ordering::SeqCst)
    }
}

/// A running stand-in.
pub struct StandIn {
    pub shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl StandIn {
    /// Starts the server on 127.0.0.1 with a free port.
    pub async fn start() -> StandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        let shared = Arc::new(Shared {
            addr,
            log: Mutex::default(),
            failures: Mutex::default(),
            conn: Mutex::default(),
            connections: AtomicUsize::new(0),
            seq: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
            identifies: AtomicUsize::new(0),
            resumes: AtomicUsize::new(0),
            interactions: Mutex::default(),
            fail_next: AtomicUsize::new(0),
            refuse_registration: std::sync::atomic::AtomicBool::new(false),
            created: Mutex::default(),
            nonces: Mutex::default(),
            hold_next_answer: std::sync::atomic::AtomicBool::new(false),
            faults: faults::Faults::default(),
            threads: Mutex::default(),
        });
        let app = Router::new()
            .route("/ws", get(ws))
            .fallback(rest::rest)
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        StandIn { shared, server }
    }

    /// The value for `discord.api_base`.
    pub fn api_base(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// The request bodies of the messages created in `channel` (a request
    /// de-duplicated by its nonce creates none).
    pub fn channel_messages(&self, channel: u64) -> Vec<Value> {
        let channel = channel.to_string();
        self.shared.created.lock().unwrap().iter().filter(|(c, _)| *c == channel).map(|(_, m)| m.clone()).collect()
    }

    /// The next channel message is created, but its request is never answered.
    pub fn hold_next_answer(&self) {
        self.shared.hold_next_answer.store(true, Ordering::SeqCst);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// Limit violations, late or repeated interaction responses, bad tokens.
    pub fn failures(&self) -> Vec<String> {
        self.shared.failures.lock().unwrap().clone()
    }

    pub fn identifies(&self) -> usize {
        self.shared.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> usize {
        self.shared.resumes.load(Ordering::SeqCst)
    }

    /// Polls the request log until `done` holds; panics after `limit`.
    pub async fn wait_for(&self, limit: Duration, what: &str, done: impl Fn(&[Recorded]) -> bool) -> Vec<Recorded> {
        let start = Instant::now();
        loop {
            let log = self.requests();
            if done(&log) {
                return log;
            }
            if start.elapsed() > limit {
                let seen: Vec<String> = log.iter().map(|r| format!("{} {} {}", r.method, r.path, r.status)).collect();
                panic!("timed out waiting for {what}; requests: {seen:#?}; failures: {:?}", self.failures());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Polls `done` (not the log) until it holds; panics after `limit`.
    pub async fn wait_until(&self, limit: Duration, what: &str, done: impl Fn(&StandIn) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(start.elapsed() < limit, "timed out waiting for {what}; failures: {:?}", self.failures());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until the bot identified and registered its commands (poise's setup ran).
    pub async fn wait_ready(&self) {
        self.wait_for(Duration::from_secs(20), "command registration", |log| {
            log.iter().any(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        })
        .await;
    }

    /// Messages the bot posted after the first `since` requests.
    pub fn messages_since(&self, since: usize) -> Vec<Recorded> {
        self.requests().into_iter().skip(since).filter(Recorded::is_message).collect()
    }

    /// Sends a dispatch event down the live gateway connection.
    pub fn dispatch(&self, event: &str, data: Value) {
        let seq = self.shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let frame = json!({"op": 0, "t": event, "s": seq, "d": data}).to_string();
        let conn = self.shared.conn.lock().unwrap();
        let (_, tx) = conn.as_ref().expect("the bot is connected to the gateway");
        tx.send(Outbound::Frame(frame)).expect("gateway connection alive");
    }

    /// Closes the gateway connection with `code` (4000 lets the client resume).
    pub fn drop_connection(&self, code: u16) {
        if let Some((_, tx)) = self.shared.conn.lock().unwrap().take() {
            let _ = tx.send(Outbound::Close(code));
        }
    }

    /// Answers the next `n` message posts (channel or webhook) with a 500.
    pub fn fail_next_messages(&self, n: usize) {
        self.shared.fail_next.store(n, Ordering::SeqCst);
    }

    /// Makes command registration fail from now on.
    pub fn refuse_command_registration(&self) {
        self.shared.refuse_registration.store(true, Ordering::SeqCst);
    }

    /// Answers every REST call with 401, as Discord does for a revoked token.
    pub fn reject_token(&self) {
        self.shared.faults.reject_token.store(true, Ordering::SeqCst);
    }

    /// Closes the gateway with 4004 (authentication failed) on IDENTIFY.
    pub fn fail_gateway_auth(&self) {
        self.shared.faults.gateway_auth_fails.store(true, Ordering::SeqCst);
    }

    /// Refuses gateway connections (503 instead of the websocket upgrade).
    pub fn refuse_gateway(&self) {
        self.shared.faults.refuse_gateway.store(true, Ordering::SeqCst);
    }

    /// Gateway connections refused so far.
    pub fn refused_connections(&self) -> usize {
        self.shared.faults.refused.load(Ordering::SeqCst)
    }

    /// Message posts (channel or follow-up) wait `hold` before they are
    /// handled; `None`: they are recorded (status 408) and never answered.
    pub fn hold_messages(&self, hold: Option<Duration>) {
        self.shared.faults.hold_messages(hold);
    }

    /// Answers the next message post with a 429 like Discord's; a post sent
    /// before its `retry_after` ran out gets another 429 and is a failure.
    pub fn rate_limit_next_message(&self, limit: RateLimit) {
        self.shared.faults.rate_limit(limit);
    }

    /// Makes `thread` a thread of channel `parent` for `GET /channels/{id}`
    /// (the gateway never tells the bot about it).
    pub fn add_thread(&self, thread: u64, parent: u64) {
        self.shared.threads.lock().unwrap().insert(thread, parent);
    }

    /// Whether a gateway connection is open.
    pub fn connected(&self) -> bool {
        self.shared.conn.lock().unwrap().is_some()
    }

    /// Dispatches MESSAGE_CREATE from `user` (with `roles`) in `channel` of
    /// `guild` (`None`: a DM). Returns the message ID.
    pub fn message(&self, guild: Option<u64>, channel: u64, user: u64, roles: &[u64], content: &str) -> u64 {
        self.message_with_files(guild, channel, user, roles, content, &[])
    }

    /// [`StandIn::message`] with attachments: (file name, size, URL where
    /// the client downloads it), as Discord's CDN would serve them.
    pub fn message_with_files(&self, guild: Option<u64>, channel: u64, user: u64, roles: &[u64], content: &str, files: &[(&str, u64, &str)]) -> u64 {
        let id = self.shared.id();
        let attachments: Vec<Value> = files
            .iter()
            .map(|(name, size, url)| {
                json!({"id": self.shared.id().to_string(), "filename": name, "size": size, "url": url, "proxy_url": url})
            })
            .collect();
        let mut d = json!({
            "id": id.to_string(), "channel_id": channel.to_string(),
            "author": user_json(user), "content": content,
            "timestamp": "2026-01-01T00:00:00.000000+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": attachments, "embeds": [], "pinned": false, "type": 0,
        });
        if let Some(guild) = guild {
            d["guild_id"] = json!(guild.to_string());
            d["member"] = json!({
                "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
                "joined_at": "2025-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
            });
        }
        self.dispatch("MESSAGE_CREATE", d);
        id
    }

    /// Dispatches INTERACTION_CREATE for slash command `name` with
    /// `options` (`[{"name","type","value"}]`). Returns the interaction token.
    pub fn slash(&self, channel: u64, user: u64, roles: &[u64], name: &str, options: Value) -> String {
        self.slash_in(channel, None, user, roles, name, options)
    }

    /// Like [`StandIn::slash`], in a thread of channel `parent` when given.
    pub fn slash_in(&self, channel: u64, parent: Option<u64>, user: u64, roles: &[u64], name: &str, options: Value) -> String {
        let id = self.shared.id();
        let token = format!("interaction-token-{id}");
        self.shared
            .interactions
            .lock()
            .unwrap()
            .insert(token.clone(), Pending { dispatched: Instant::now(), acknowledged: false });
        let d = json!({
            "id": id.to_string(), "application_id": APP_ID.to_string(), "type": 2,
            "token": token, "version": 1, "locale": "en-US", "guild_locale": "en-US",
            "guild_id": GUILD.to_string(), "channel_id": channel.to_string(),
            "channel": match parent {
                Some(p) => json!({"id": channel.to_string(), "type": 11, "parent_id": p.to_string()}),
                None => json!({"id": channel.to_string(), "type": 0}),
            },
            "member": {
                "user": user_json(user),
                "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
                "joined_at": "2025-01-01T00:00:00.000000+00:00",
                "deaf": false, "mute": false, "flags": 0, "permissions": "0",
            },
            "app_permissions": "0", "entitlements": [], "attachment_size_limit": 8_388_608,
            "data": {"id": command_id(name).to_string(), "name": name, "type": 1, "options": options},
        });
        self.dispatch("INTERACTION_CREATE", d);
        token
    }
}

fn user_json(id: u64) -> Value {
    json!({"id": id.to_string(), "username": format!("user{id}"), "discriminator": "0", "avatar": null, "global_name": null})
}

/// A stable command ID per name.
fn command_id(name: &str) -> u64 {
    800_000_000_000_000 + name.bytes().map(u64::from).sum::<u64>()
}

async fn ws(State(shared): State<Arc<Shared>>, upgrade: WebSocketUpgrade) -> Response {
    if shared.faults.refuse_gateway.load(Ordering::SeqCst) {
        shared.faults.refused.fetch_add(1, Ordering::SeqCst);
        return axum::response::IntoResponse::into_response(axum::http::StatusCode::SERVICE_UNAVAILABLE);
    }
    upgrade.on_upgrade(move |socket| gateway::session(shared, socket))
}

