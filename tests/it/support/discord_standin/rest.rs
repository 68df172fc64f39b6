//! The stand-in's REST side: routes Discord v10 calls, records them, checks
//! message limits and the interaction deadline, and answers with the JSON
//! shapes serenity expects (multipart bodies included).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{command_id, limits, user_json, Recorded, Shared, APP_ID, BOT_ID, CHANNEL, GUILD, INTERACTION_DEADLINE, TOKEN};

/// Every REST call: recorded, checked, answered like Discord.
pub async fn rest(State(shared): State<Arc<Shared>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().strip_prefix("/api/v10").unwrap_or(uri.path()).to_string();
    let (body, files) = parse_body(&headers, &body);
    if let Some(answer) = super::faults::intercept(&shared, &method, &path, &body).await {
        return answer;
    }
    let authorised = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bot {TOKEN}"));
    let (status, answer) = if authorised {
        route(&shared, &method, &path, &body)
    } else {
        shared.fail(format!("{method} {path} without the bot token"));
        (StatusCode::UNAUTHORIZED, json!({"code": 0, "message": "401: Unauthorized"}))
    };
    shared.log.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path,
        body,
        files,
        at: Instant::now(),
        status: status.as_u16(),
    });
    let message_created = method == Method::POST && status == StatusCode::OK && uri.path().ends_with("/messages");
    if message_created && shared.hold_next_answer.swap(false, Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    if status == StatusCode::NO_CONTENT {
        status.into_response()
    } else {
        (status, Json(answer)).into_response()
    }
}

fn route(shared: &Shared, method: &Method, path: &str, body: &Value) -> (StatusCode, Value) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["gateway"]) => (StatusCode::OK, json!({"url": shared.ws_url()})),
        ("GET", ["gateway", "bot"]) => (
            StatusCode::OK,
            json!({"url": shared.ws_url(), "shards": 1,
                   "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}),
        ),
        ("GET", ["oauth2", "applications", "@me"]) => (StatusCode::OK, application()),
        ("PUT", ["applications", _, "commands"]) if shared.refuse_registration.load(Ordering::SeqCst) => {
            (StatusCode::INTERNAL_SERVER_ERROR, json!({"code": 0, "message": "stand-in: registration refused"}))
        }
        ("PUT", ["applications", _, "commands"]) => (StatusCode::OK, registered(body)),
        ("POST", ["channels", channel, "typing"]) => {
            let _ = channel;
            (StatusCode::NO_CONTENT, Value::Null)
        }
        ("POST", ["channels", channel, "messages"]) => post_message(shared, channel, body),
        ("POST", ["interactions", _, token, "callback"]) => callback(shared, token, body),
        ("POST", ["webhooks", _, token]) | ("PATCH", ["webhooks", _, token, "messages", _]) => followup(shared, token, body),
        ("GET", ["channels", channel]) => channel_object(shared, channel),
        _ => {
            shared.fail(format!("unexpected request {method} {path}"));
            (StatusCode::NOT_FOUND, json!({"code": 0, "message": "404: Not Found"}))
        }
    }
}

fn invalid(shared: &Shared, what: &str, problems: Vec<String>) -> (StatusCode, Value) {
    shared.fail(format!("{what} refused: {}", problems.join("; ")));
    (StatusCode::BAD_REQUEST, json!({"code": 50035, "message": "Invalid Form Body", "errors": problems}))
}

/// A 500 when the test asked for one.
fn injected_fault(shared: &Shared) -> Option<(StatusCode, Value)> {
    let take = shared.fail_next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    take.then(|| (StatusCode::INTERNAL_SERVER_ERROR, json!({"code": 0, "message": "stand-in: injected fault"})))
}

fn post_message(shared: &Shared, channel: &str, body: &Value) -> (StatusCode, Value) {
    if let Some(fault) = injected_fault(shared) {
        return fault;
    }
    let problems = limits::problems(body);
    if !problems.is_empty() {
        return invalid(shared, "message", problems);
    }
    // Discord: with `enforce_nonce`, a nonce the same author used in the
    // past few minutes returns that message instead of creating another.
    let nonce = body["nonce"].as_str().map(str::to_string).or_else(|| body["nonce"].as_u64().map(|n| n.to_string()));
    let enforced = body["enforce_nonce"] == json!(true);
    if nonce.as_ref().is_some_and(|n| n.chars().count() > 25) {
        return invalid(shared, "message", vec!["nonce: longer than 25 characters".into()]);
    }
    let key = nonce.filter(|_| enforced).map(|n| (channel.to_string(), n));
    if let Some(key) = &key {
        if let Some((message, at)) = shared.nonces.lock().unwrap().get(key) {
            if at.elapsed() < NONCE_WINDOW {
                return (StatusCode::OK, message.clone());
            }
        }
    }
    let message = message_object(shared, channel, body);
    shared.created.lock().unwrap().push((channel.to_string(), body.clone()));
    if let Some(key) = key {
        shared.nonces.lock().unwrap().insert(key, (message.clone(), Instant::now()));
    }
    (StatusCode::OK, message)
}

/// How long the stand-in remembers an enforced nonce ("a few minutes").
const NONCE_WINDOW: std::time::Duration = std::time::Duration::from_secs(5 * 60);

fn callback(shared: &Shared, token: &str, body: &Value) -> (StatusCode, Value) {
    let mut interactions = shared.interactions.lock().unwrap();
    let Some(pending) = interactions.get_mut(token) else {
        shared.fail(format!("callback for unknown interaction {token}"));
        return (StatusCode::NOT_FOUND, json!({"code": 10062, "message": "Unknown interaction"}));
    };
    let waited = pending.dispatched.elapsed();
    if waited > INTERACTION_DEADLINE {
        shared.fail(format!("first response after {} ms (limit 3000)", waited.as_millis()));
        return (StatusCode::NOT_FOUND, json!({"code": 10062, "message": "Unknown interaction"}));
    }
    if pending.acknowledged {
        shared.fail(format!("interaction {token} acknowledged twice"));
        return (StatusCode::BAD_REQUEST, json!({"code": 40060, "message": "Interaction has already been acknowledged."}));
    }
    if body["type"] == 4 {
        let problems = limits::problems(&body["data"]);
        if !problems.is_empty() {
            return invalid(shared, "interaction response", problems);
        }
    }
    pending.acknowledged = true;
    (StatusCode::NO_CONTENT, Value::Null)
}

fn followup(shared: &Shared, token: &str, body: &Value) -> (StatusCode, Value) {
    let acknowledged = shared.interactions.lock().unwrap().get(token).is_some_and(|p| p.acknowledged);
    if !acknowledged {
        shared.fail(format!("follow-up for interaction {token} before any response"));
        return (StatusCode::NOT_FOUND, json!({"code": 10015, "message": "Unknown Webhook"}));
    }
    if let Some(fault) = injected_fault(shared) {
        return fault;
    }
    let problems = limits::problems(body);
    if !problems.is_empty() {
        return invalid(shared, "follow-up", problems);
    }
    let mut message = message_object(shared, &CHANNEL.to_string(), body);
    message["webhook_id"] = json!(APP_ID.to_string());
    message["application_id"] = json!(APP_ID.to_string());
    (StatusCode::OK, message)
}

/// A Message object as Discord returns it for a posted message.
fn message_object(shared: &Shared, channel: &str, body: &Value) -> Value {
    json!({
        "id": shared.id().to_string(), "channel_id": channel,
        "author": {"id": BOT_ID.to_string(), "username": "chipbot", "discriminator": "0", "bot": true, "avatar": null, "global_name": null},
        "content": body["content"].as_str().unwrap_or(""), "nonce": body["nonce"].clone(),
        "timestamp": "2026-01-01T00:00:01.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0, "flags": body["flags"].as_u64().unwrap_or(0),
    })
}

/// A thread the test added, as Discord returns a channel; otherwise 404.
fn channel_object(shared: &Shared, channel: &str) -> (StatusCode, Value) {
    let parent = channel.parse().ok().and_then(|id: u64| shared.threads.lock().unwrap().get(&id).copied());
    match parent {
        Some(parent) => (
            StatusCode::OK,
            json!({"id": channel, "type": 11, "guild_id": GUILD.to_string(), "parent_id": parent.to_string(),
                   "name": "a thread", "owner_id": "1", "message_count": 1, "member_count": 1}),
        ),
        None => (StatusCode::NOT_FOUND, json!({"code": 10003, "message": "Unknown Channel"})),
    }
}

fn application() -> Value {
    json!({
        "id": APP_ID.to_string(), "name": "chipbot", "icon": null, "description": "",
        "bot_public": true, "bot_require_code_grant": false, "verify_key": "00", "flags": 0,
        "owner": user_json(1),
    })
}

/// The registered commands, as Discord echoes them back with IDs.
fn registered(body: &Value) -> Value {
    let commands = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        commands
            .into_iter()
            .map(|mut c| {
                let name = c["name"].as_str().unwrap_or("").to_string();
                c["id"] = json!(command_id(&name).to_string());
                c["application_id"] = json!(APP_ID.to_string());
                c["version"] = json!("1");
                if c.get("type").is_none() {
                    c["type"] = json!(1);
                }
                c
            })
            .collect(),
    )
}

/// JSON bodies as they are; multipart bodies as their `payload_json` with the
/// files listed.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> (Value, Vec<(String, usize)>) {
    let kind = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if let Some(boundary) = kind.split("boundary=").nth(1) {
        return parse_multipart(body, boundary.trim_matches('"'));
    }
    (serde_json::from_slice(body).unwrap_or(Value::Null), Vec::new())
}

fn parse_multipart(body: &[u8], boundary: &str) -> (Value, Vec<(String, usize)>) {
    let marker = format!("--{boundary}");
    let mut payload = Value::Null;
    let mut files = Vec::new();
    for part in split_bytes(body, marker.as_bytes()) {
        let Some(split) = find(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..split]);
        let mut content = &part[split + 4..];
        if content.ends_with(b"\r\n") {
            content = &content[..content.len() - 2];
        }
        let field = |key: &str| {
            head.split(&format!("{key}=\"")).nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string)
        };
        match (field("name").as_deref(), field("filename")) {
            (Some("payload_json"), _) => payload = serde_json::from_slice(content).unwrap_or(Value::Null),
            (Some(_), Some(filename)) => files.push((filename, content.len())),
            _ => {}
        }
    }
    (payload, files)
}

fn split_bytes<'a>(body: &'a [u8], marker: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, marker) {
        parts.push(&rest[..at]);
        rest = &rest[at + marker.len()..];
    }
    parts.push(rest);
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
