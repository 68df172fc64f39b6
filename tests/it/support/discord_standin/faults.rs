//! Faults a test can switch on in the stand-in, answered the way Discord
//! answers them: a rejected token (401 on every REST call, or gateway close
//! 4004), a refused gateway, message posts that hang, and 429s with Discord's
//! body and headers. The REST side asks [`intercept`] before routing.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{Recorded, Shared};

/// A 429 the stand-in answers to the next message post.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// The global limit (all routes) rather than the route's bucket.
    pub global: bool,
    pub retry_after: Duration,
}

/// The switches, all off at start.
#[derive(Default)]
pub struct Faults {
    pub(super) reject_token: AtomicBool,
    pub(super) refuse_gateway: AtomicBool,
    pub(super) gateway_auth_fails: AtomicBool,
    /// Refused gateway connection attempts.
    pub(super) refused: AtomicUsize,
    /// Message posts wait this long before they are handled (`None`: never answered).
    hold: Mutex<Option<Option<Duration>>>,
    /// 429s still to answer, in order, to message posts.
    rate_limits: Mutex<VecDeque<RateLimit>>,
    /// Until when the last 429 holds, and whether it was global.
    limited: Mutex<Option<(Instant, bool)>>,
}

impl Faults {
    pub(super) fn hold_messages(&self, hold: Option<Duration>) {
        *self.hold.lock().unwrap() = Some(hold);
    }

    pub(super) fn rate_limit(&self, limit: RateLimit) {
        self.rate_limits.lock().unwrap().push_back(limit);
    }
}

/// Whether a request posts a message (channel message or interaction follow-up).
fn posts_message(method: &Method, path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    *method == Method::POST && matches!(parts.as_slice(), ["channels", _, "messages"] | ["webhooks", _, _])
}

/// Answers a request a switched-on fault applies to; `None` lets it through.
pub async fn intercept(shared: &Arc<Shared>, method: &Method, path: &str, body: &Value) -> Option<Response> {
    let faults = &shared.faults;
    if faults.reject_token.load(Ordering::SeqCst) {
        let answer = json!({"message": "401: Unauthorized", "code": 0});
        return Some(record(shared, method, path, body, StatusCode::UNAUTHORIZED, (StatusCode::UNAUTHORIZED, Json(answer)).into_response()));
    }
    if !posts_message(method, path) {
        return None;
    }
    if let Some(answer) = rate_limited(shared, method, path, body) {
        return Some(answer);
    }
    let hold = *faults.hold.lock().unwrap();
    match hold {
        Some(Some(wait)) => tokio::time::sleep(wait).await,
        Some(None) => {
            record(shared, method, path, body, StatusCode::REQUEST_TIMEOUT, StatusCode::REQUEST_TIMEOUT.into_response());
            std::future::pending::<()>().await;
        }
        None => {}
    }
    None
}

/// A 429 when one was asked for, or when the bot did not wait out the last one.
fn rate_limited(shared: &Shared, method: &Method, path: &str, body: &Value) -> Option<Response> {
    let faults = &shared.faults;
    let mut limited = faults.limited.lock().unwrap();
    let limit = if let Some((until, global)) = *limited {
        let now = Instant::now();
        if now < until {
            shared.fail(format!("{method} {path} sent {} ms before retry_after ran out", (until - now).as_millis()));
            Some(RateLimit { global, retry_after: until - now })
        } else {
            None
        }
    } else {
        None
    };
    let limit = limit.or_else(|| faults.rate_limits.lock().unwrap().pop_front())?;
    *limited = Some((Instant::now() + limit.retry_after, limit.global));
    drop(limited);
    Some(record(shared, method, path, body, StatusCode::TOO_MANY_REQUESTS, too_many_requests(limit)))
}

/// Discord's 429: the JSON body with `retry_after` in seconds, `Retry-After`
/// in whole seconds, and the scope and bucket headers.
fn too_many_requests(limit: RateLimit) -> Response {
    let secs = limit.retry_after.as_secs_f64();
    let body = json!({"message": "You are being rate limited.", "retry_after": secs, "global": limit.global});
    let reset = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64() + secs;
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        headers.insert(name, value.parse().expect("header value"));
    };
    set("retry-after", (secs.ceil() as u64).to_string());
    if limit.global {
        set("x-ratelimit-global", "true".into());
        set("x-ratelimit-scope", "global".into());
    } else {
        set("x-ratelimit-scope", "user".into());
        set("x-ratelimit-limit", "5".into());
        set("x-ratelimit-remaining", "0".into());
        set("x-ratelimit-reset", format!("{reset:.3}"));
        set("x-ratelimit-reset-after", format!("{secs:.3}"));
        set("x-ratelimit-bucket", "stand-in-messages".into());
    }
    response
}

fn record(shared: &Shared, method: &Method, path: &str, body: &Value, status: StatusCode, response: Response) -> Response {
    shared.log.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: path.to_string(),
        body: body.clone(),
        files: Vec::new(),
        at: Instant::now(),
        status: status.as_u16(),
    });
    response
}
