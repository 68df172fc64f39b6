//! Posting a reply (a channel message or an interaction follow-up) with
//! Discord's 429s waited out. With the real Discord, serenity's rate limiter
//! sends the request, waits out a 429 and sends it again itself. Behind a
//! proxy or stand-in (`discord.api_base`) that limiter is off, and serenity
//! hands a 429 back as an error without its `retry_after`; there the request
//! is built with serenity's own request builder and sent on a client of our
//! own, so the 429's body and headers can be read.
//!
//! A 429 means Discord did not take the message, so it is sent again after
//! `retry_after`, a few times within [`PATIENCE`]. Nothing else is sent again:
//! after a timeout or a 5xx the message may already be posted.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;
use serenity::http::{HttpError, LightMethod, Multipart, MultipartUpload, Request, Route};

use super::HandlerError;

/// How long one reply may wait on 429s in all before it is given up.
const PATIENCE: Duration = Duration::from_secs(30);
/// Attempts per reply, the first included.
const ATTEMPTS: usize = 5;
/// The wait after a 429 that names none.
const UNNAMED_WAIT: Duration = Duration::from_secs(1);
/// How long one post may take.
const POST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a reply goes.
pub enum Target<'a> {
    Channel(serenity::ChannelId),
    /// The follow-up of the interaction with this token.
    Followup(&'a str),
}

/// Posts replies; shared by the handlers.
#[derive(Debug)]
pub struct Poster {
    client: reqwest::Client,
    /// Until when a global 429 holds every post back.
    global: Mutex<Option<Instant>>,
}

impl Poster {
    /// A poster with its own HTTP client (used behind a proxy only).
    pub fn new() -> Result<Poster, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(POST_TIMEOUT).build()?;
        Ok(Poster { client, global: Mutex::new(None) })
    }
}

/// A 429: how long to wait, and whether it holds every route.
struct Limited {
    wait: Option<Duration>,
    global: bool,
}

impl Poster {
    /// Posts `payload` (a serialised serenity builder) with `files` to
    /// `target`, waiting out 429s. Returns the posted message.
    pub async fn post(
        &self,
        http: &serenity::Http,
        target: Target<'_>,
        payload: serde_json::Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<serenity::Message, HandlerError> {
        let route = match target {
            Target::Channel(channel_id) => Route::ChannelMessages { channel_id },
            Target::Followup(token) => {
                let application_id = http.application_id().ok_or(HandlerError::NotReady)?;
                Route::WebhookFollowupMessages { application_id, token }
            }
        };
        let request = build(route, &payload, files)?;
        let path = redact(&route.path());
        let start = Instant::now();
        for attempt in 1..=ATTEMPTS {
            if let Some(hold) = self.global_hold() {
                if hold > PATIENCE.saturating_sub(start.elapsed()) {
                    tracing::warn!(route = %path, wait_ms = hold.as_millis() as u64, "discord: globally rate limited; giving up on this message");
                    return Err(HandlerError::RateLimited { wait: hold });
                }
                tokio::time::sleep(hold).await;
            }
            let limited = match self.send(http, request.clone()).await? {
                Ok(message) => return Ok(message),
                Err(limited) => limited,
            };
            let wait = limited.wait.unwrap_or(UNNAMED_WAIT);
            if limited.global {
                self.hold_global(wait);
            }
            if attempt == ATTEMPTS || wait > PATIENCE.saturating_sub(start.elapsed()) {
                tracing::warn!(route = %path, wait_ms = wait.as_millis() as u64, attempt, "discord: still rate limited; giving up on this message");
                return Err(HandlerError::RateLimited { wait });
            }
            tracing::info!(route = %path, wait_ms = wait.as_millis() as u64, global = limited.global, attempt, "discord: rate limited (429); sending again after the wait");
            if !limited.global {
                tokio::time::sleep(wait).await;
            }
        }
        Err(HandlerError::RateLimited { wait: UNNAMED_WAIT })
    }

    /// One attempt: the message, or the 429 that refused it.
    async fn send(&self, http: &serenity::Http, request: Request<'_>) -> Result<Result<serenity::Message, Limited>, HandlerError> {
        let response = if http.ratelimiter.is_some() {
            match http.request(request).await {
                Ok(response) => response,
                // serenity's limiter waited out any 429 that named its wait.
                Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(e))) if e.status_code.as_u16() == 429 => {
                    return Ok(Err(Limited { wait: None, global: false }));
                }
                Err(e) => return Err(e.into()),
            }
        } else {
            let built = request.build(&self.client, http.token(), http.proxy.as_deref())?.build().map_err(transport)?;
            self.client.execute(built).await.map_err(transport)?
        };
        let status = response.status();
        if status.as_u16() == 429 {
            return Ok(Err(limited(response).await));
        }
        if !status.is_success() {
            let error = serenity::http::ErrorResponse::from_response(response, reqwest::Method::POST).await;
            return Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(error)).into());
        }
        let body = response.bytes().await.map_err(transport)?;
        Ok(Ok(serde_json::from_slice(&body).map_err(serenity::Error::Json)?))
    }

    /// How long a global 429 still holds every post back.
    fn global_hold(&self) -> Option<Duration> {
        let until = self.global.lock().ok().and_then(|g| *g)?;
        until.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
    }

    fn hold_global(&self, wait: Duration) {
        if let Ok(mut global) = self.global.lock() {
            let until = Instant::now() + wait;
            if global.is_none_or(|g| g < until) {
                *global = Some(until);
            }
        }
    }
}

/// The request for `payload`: JSON, or multipart with the files.
fn build<'a>(route: Route<'a>, payload: &serde_json::Value, files: &[(String, Vec<u8>)]) -> Result<Request<'a>, HandlerError> {
    let request = Request::new(route, LightMethod::Post);
    if files.is_empty() {
        let body = serde_json::to_vec(payload).map_err(serenity::Error::Json)?;
        return Ok(request.body(Some(body)));
    }
    // serenity names each file part `files[{id}]` from an ID only it can
    // set; they are all 0, so only one file can be matched to its metadata.
    if files.len() > 1 {
        return Err(HandlerError::TooManyFiles(files.len()));
    }
    let attachments = files.iter().map(|(name, bytes)| serenity::CreateAttachment::bytes(bytes.clone(), name.as_str())).collect();
    Ok(request.multipart(Some(Multipart {
        upload: MultipartUpload::Attachments(attachments),
        payload_json: Some(payload.to_string()),
        fields: vec![],
    })))
}

/// The wait and scope of a 429, from its body (`retry_after` in seconds,
/// `global`) or, failing that, its headers.
async fn limited(response: reqwest::Response) -> Limited {
    let headers = response.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let header_wait = header("retry-after").and_then(|v| v.parse::<f64>().ok());
    let header_global = header("x-ratelimit-global").is_some() || header("x-ratelimit-scope").as_deref() == Some("global");
    let body: serde_json::Value = response.bytes().await.ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let secs = body["retry_after"].as_f64().or(header_wait).filter(|s| s.is_finite() && *s >= 0.0);
    Limited { wait: secs.map(Duration::from_secs_f64), global: header_global || body["global"] == true }
}

/// A transport error without its URL: a follow-up URL holds the
/// interaction's token.
fn transport(error: reqwest::Error) -> HandlerError {
    serenity::Error::Http(HttpError::Request(error.without_url())).into()
}

/// A route for the log, with a follow-up's interaction token left out.
fn redact(path: &str) -> String {
    match path.split_once("/webhooks/") {
        Some((base, rest)) => format!("{base}/webhooks/{}/…", rest.split('/').next().unwrap_or("")),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)], body: &str) -> reqwest::Response {
        let mut out = axum::http::Response::builder().status(429);
        for (name, value) in headers {
            out = out.header(*name, *value);
        }
        reqwest::Response::from(out.body(body.to_string()).expect("response"))
    }

    #[tokio::test]
    async fn a_429_is_read_from_its_body_then_its_headers() {
        let body = r#"{"message":"You are being rate limited.","retry_after":0.25,"global":false}"#;
        let route = limited(response(&[("retry-after", "1"), ("x-ratelimit-scope", "user")], body)).await;
        assert_eq!((route.wait, route.global), (Some(Duration::from_millis(250)), false), "the body's seconds are exact");
        let global = limited(response(&[("retry-after", "2"), ("x-ratelimit-global", "true")], "not json")).await;
        assert_eq!((global.wait, global.global), (Some(Duration::from_secs(2)), true));
        let scoped = limited(response(&[("x-ratelimit-scope", "global")], r#"{"retry_after":-1}"#)).await;
        assert_eq!((scoped.wait, scoped.global), (None, true), "no usable wait");
    }

    #[test]
    fn interaction_tokens_stay_out_of_the_log() {
        let path = "http://127.0.0.1:9/api/v10/webhooks/42/secret-token";
        assert_eq!(redact(path), "http://127.0.0.1:9/api/v10/webhooks/42/…");
        assert_eq!(redact("https://discord.com/api/v10/channels/1/messages"), "https://discord.com/api/v10/channels/1/messages");
    }
}
