//! Digests on Matrix: the HTML rendering of [`Digest`] replies, and the
//! [`DigestPoster`] the scheduler uses to post into configured rooms. A post
//! counts as delivered only once the homeserver has returned an event ID.

use std::fmt::Write;
use std::time::{Duration, SystemTime};

use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::RoomId;
use matrix_sdk::{Client, RoomState};

use super::render::{defuse_mentions, escape_html, render, MatrixMessage};
use crate::chat::Platform;
use crate::digest::{DigestPoster, PostError, PostFuture};
use crate::render::{period_label, source_line, text};
use crate::reply::{date_label, CitedFigure, Digest, Reply};

/// Posts digests into Matrix rooms the bot has joined.
#[derive(Debug, Clone)]
pub struct MatrixPoster {
    pub client: Client,
    pub max_reply_chars: usize,
}

impl DigestPoster for MatrixPoster {
    fn platform(&self) -> Platform {
        Platform::Matrix
    }

    fn post<'a>(&'a self, target: &'a str, reply: &'a Reply) -> PostFuture<'a> {
        Box::pin(async move {
            let room_id = RoomId::parse(target)
                .map_err(|e| PostError::permanent(format!("`{target}` is not a Matrix room ID: {e}")))?;
            let room = self
                .client
                .get_room(&room_id)
                .filter(|room| room.state() == RoomState::Joined)
                .ok_or_else(|| PostError::permanent(format!("the bot has not joined {target}; invite it first")))?;
            let MatrixMessage { body, html } = render(reply, self.max_reply_chars);
            let content = RoomMessageEventContent::notice_html(body, html).add_mentions(Mentions::new());
            room.send(content).await.map(|_| ()).map_err(|e| classify(&e))
        })
    }
}

/// Turns a send failure into a retry decision.
fn classify(error: &matrix_sdk::Error) -> PostError {
    let message = error.to_string();
    match error.client_api_error_kind() {
        Some(ErrorKind::LimitExceeded(data)) => {
            let wait = match data.retry_after {
                Some(RetryAfter::Delay(delay)) => delay,
                Some(RetryAfter::DateTime(at)) => at.duration_since(SystemTime::now()).unwrap_or_default(),
                None => Duration::from_secs(5),
            };
            PostError::rate_limited(wait, message)
        }
        Some(ErrorKind::Forbidden | ErrorKind::NotFound | ErrorKind::TooLarge) => PostError::permanent(message),
        _ => PostError::transient(message),
    }
}

/// A digest as HTML and plain text, cut to `max_chars` with
/// [`Digest::shrink`] (left-out reports are counted in "and N more").
pub fn render_digest(digest: &Digest, max_chars: usize) -> MatrixMessage {
    let mut kept = digest.clone();
    loop {
        let message = MatrixMessage { body: defuse_mentions(&text::digest_text(&kept)), html: digest_html(&kept) };
        let fits = message.body.chars().count() <= max_chars && message.html.chars().count() <= max_chars;
        if fits || !kept.shrink() {
            return message;
        }
    }
}

fn safe(text: &str) -> String {
    escape_html(&defuse_mentions(text))
}

fn link(url: Option<&str>, label: &str) -> String {
    match url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        Some(url) => format!("<a href=\"{}\">{label}</a>", escape_html(url)),
        None => label.to_string(),
    }
}

fn digest_html(d: &Digest) -> String {
    let (since, until) = d.window_labels();
    let mut html = format!("<p><strong>Digest “{}”</strong>: reports indexed {since} to {until}", safe(&d.name));
    if let Some(filter) = &d.filter {
        let _ = write!(html, " matching <code>{}</code>", safe(filter));
    }
    html.push_str("</p>");
    for notice in &d.notices {
        let _ = write!(html, "<p><em>Note: {}</em></p>", safe(notice));
    }
    if d.is_empty() {
        html.push_str("<p>Nothing new.</p>");
        return html;
    }
    html.push_str("<ol>");
    for item in &d.items {
        let date = date_label(item.published);
        let _ = write!(
            html,
            "<li>{} ({}, {})<br>{} [{}]",
            link(item.url.as_deref(), &format!("<strong>{}</strong>", safe(&item.title))),
            safe(&item.publisher),
            date,
            safe(&item.summary),
            item.summary_citation
        );
        if !item.figures.is_empty() {
            html.push_str("<ul>");
            for f in &item.figures {
                let _ = write!(html, "<li>{}</li>", figure_html(f));
            }
            html.push_str("</ul>");
        }
        html.push_str("</li>");
    }
    html.push_str("</ol>");
    if d.more > 0 {
        let _ = write!(html, "<p>(and {} more new report(s))</p>", d.more);
    }
    if !d.changes.is_empty() {
        html.push_str("<p><strong>Figures that changed</strong></p><ul>");
        for c in &d.changes {
            let period = c.year.map(|y| format!(" ({y})")).unwrap_or_default();
            let _ = write!(
                html,
                "<li>{} {}{}: now {} [{}], earlier {} [{}]</li>",
                safe(&c.subject),
                safe(&c.metric),
                period,
                safe(&c.newer.figure.text),
                c.newer.citation,
                safe(&c.older.figure.text),
                c.older.citation
            );
        }
        html.push_str("</ul>");
    }
    html.push_str("<p><strong>Sources</strong></p><p>");
    for c in &d.citations {
        let label = format!("[{}]", c.n);
        let _ = write!(html, "{} {} ({})<br>", link(c.url.as_deref(), &label), safe(&c.title), safe(&source_line(c)));
    }
    html.push_str("</p>");
    html
}

fn figure_html(cf: &CitedFigure) -> String {
    let what = [cf.figure.subject.as_deref(), cf.metric.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let what = if what.is_empty() { String::new() } else { format!("{}: ", safe(&what)) };
    format!("{what}{} ({}) [{}]", safe(&cf.figure.text), safe(&period_label(&cf.figure)), cf.citation)
}
