//! Renders a platform-neutral [`Reply`] as a Matrix message: `formatted_body`
//! HTML (highlighted snippets, numbered citation links, a figures table) and
//! a readable plain-text `body`. All user and report text is escaped, and
//! `@room` is defused in both, so nothing a report says can inject markup or
//! ping a room. Long replies are cut between citations, with a note.
//!
//! Two limits hold for every message: `max_reply_chars` characters in each
//! part (readability), and [`CONTENT_BYTES`] bytes of the event content as
//! JSON (the protocol's). Chinese text is three bytes a character, so for it
//! the byte limit is the one that binds.

use std::fmt::Write;

use crate::render::digest::{lay_out, DigestLayout};
use crate::render::{change_line, disagreement_line, figure_label, mark_snippet, period_label, source_line, text};
use crate::reply::{date_label, Answer, Citation, CitedFigure, Digest, DigestItem, FigureChange, Reply};

/// A rendered message: the plain `body` and the HTML `formatted_body`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixMessage {
    pub body: String,
    pub html: String,
}

/// The most bytes a message's content may take as JSON. The spec caps a
/// whole event at 65,536 bytes (envelope, signatures and all); in an
/// encrypted room the content travels as base64 ciphertext, 4/3 of its
/// size, inside a larger envelope. 40,000 bytes of content stay under the
/// cap either way.
pub const CONTENT_BYTES: usize = 40_000;

/// Bytes of the event content that carries `body` and `html`, as sent.
pub fn content_bytes(body: &str, html: &str) -> usize {
    let content = serde_json::json!({
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html,
    });
    serde_json::to_vec(&content).map_or(usize::MAX, |bytes| bytes.len())
}

/// Renders `reply`, keeping both parts within `max_chars` characters and the
/// content within [`CONTENT_BYTES`] bytes.
pub fn render(reply: &Reply, max_chars: usize) -> MatrixMessage {
    match reply {
        Reply::Answer(answer) => fit_answer(answer, max_chars, |a| answer_message(a, false)),
        Reply::Figures { answer, .. } => fit_answer(answer, max_chars, |a| answer_message(a, true)),
        Reply::Help { text } => cut_text(text, max_chars, paragraphs_html),
        Reply::Error { message } => cut_text(message, max_chars, paragraphs_html),
        Reply::Digest(digest) => render_digest(digest, max_chars),
        other => cut_text(&text::render(other, text::Highlight::Stars), max_chars, preformatted_html),
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Puts a word joiner after the `@` of every `@room`, so that no client or
/// push rule treats report or user text as a room-wide mention.
pub fn defuse_mentions(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("@room") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut at = 0;
    while let Some(found) = lower[at..].find("@room") {
        let start = at + found;
        out.push_str(&text[at..=start]);
        out.push('\u{2060}');
        at = start + 1;
    }
    out.push_str(&text[at..]);
    out
}

/// Escaped and defused: the only way report or user text enters the HTML.
fn safe(text: &str) -> String {
    escape_html(&defuse_mentions(text))
}

/// A link target is kept only when it is plain http(s).
fn safe_url(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| escape_html(url.trim()))
}

fn answer_message(answer: &Answer, figures_first: bool) -> MatrixMessage {
    let style = text::Highlight::Stars;
    let body = if figures_first { text::figures_text(answer) } else { text::answer_text(answer, style) };
    let mut html = String::new();
    for notice in &answer.notices {
        let _ = write!(html, "<p><em>Note: {}</em></p>", safe(notice));
    }
    if let Some(headline) = answer.headline.as_ref().filter(|_| !figures_first) {
        let _ = write!(html, "<p><strong>{}</strong></p>", safe(&headline.text));
    }
    if answer.citations.is_empty() {
        html.push_str("<p>No matching reports.</p>");
        if !answer.suggestions.is_empty() {
            let _ = write!(html, "<p>Did you mean: {}?</p>", safe(&answer.suggestions.join(", ")));
        }
    } else if figures_first {
        html.push_str(&figures_html(answer));
        html.push_str(&sources_html(answer, false));
    } else {
        html.push_str(&sources_html(answer, true));
        html.push_str(&figures_html(answer));
    }
    MatrixMessage { body: defuse_mentions(&body), html }
}

/// Numbered citations, each with its snippet when `snippets` is set.
fn sources_html(answer: &Answer, snippets: bool) -> String {
    let mut html = String::new();
    if !snippets {
        html.push_str("<p><strong>Sources</strong></p>");
    }
    for c in &answer.citations {
        if !snippets && !answer.figures.iter().any(|f| f.citation == c.n) {
            continue;
        }
        let marker = match c.report.url.as_deref().and_then(safe_url) {
            Some(url) => format!("<a href=\"{url}\">[{}]</a>", c.n),
            None => format!("[{}]", c.n),
        };
        html.push_str("<p>");
        if snippets {
            let snippet = mark_snippet(&c.snippet, "<strong>", "</strong>", safe);
            let _ = write!(html, "{marker} {snippet}<br>");
        } else {
            let _ = write!(html, "{marker} ");
        }
        let _ = write!(html, "<em>{}</em> ({})</p>", safe(&c.report.title), safe(&source_line(c)));
    }
    html
}

fn figures_html(answer: &Answer) -> String {
    if answer.figures.is_empty() {
        return if answer.citations.is_empty() {
            String::new()
        } else {
            "<p>No figures in the matching passages.</p>".into()
        };
    }
    let mut html = String::from(
        "<p><strong>Figures</strong></p><table><thead><tr><th>Figure</th><th>Subject / metric</th>\
         <th>Period</th><th>Source</th></tr></thead><tbody>",
    );
    for cf in &answer.figures {
        let what = figure_label(cf).unwrap_or_else(|| "-".to_string());
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>[{}]</td></tr>",
            safe(&cf.figure.text),
            safe(&what),
            safe(&period_label(&cf.figure)),
            cf.citation
        );
    }
    html.push_str("</tbody></table>");
    for d in &answer.disagreements {
        let _ = write!(html, "<p><strong>Sources disagree</strong> on {}</p>", disagreement_line(answer, d, safe));
    }
    html
}

/// Renders `answer`, dropping citations from the end (with the figures they
/// carry) until the message fits, and says how many were cut.
fn fit_answer(answer: &Answer, max_chars: usize, draw: impl Fn(&Answer) -> MatrixMessage) -> MatrixMessage {
    let mut kept = answer.clone();
    let mut message = draw(&kept);
    while too_long(&message, max_chars) && kept.citations.len() > 1 {
        kept = kept.without_last_citation();
        let cut = answer.citations.len() - kept.citations.len();
        let mut noted = kept.clone();
        noted.notices.push(format!(
            "{cut} more source(s) were left out to fit one message; ask a narrower question to see them."
        ));
        message = draw(&noted);
    }
    if too_long(&message, max_chars) {
        return cut_text(&message.body, max_chars, paragraphs_html);
    }
    message
}

fn too_long(message: &MatrixMessage, max_chars: usize) -> bool {
    !fits(&message.body, &message.html, max_chars)
}

fn fits(body: &str, html: &str, max_chars: usize) -> bool {
    body.chars().count() <= max_chars && html.chars().count() <= max_chars && content_bytes(body, html) <= CONTENT_BYTES
}

/// Plain text cut at a line boundary to fit, with a note, drawn by `draw`.
fn cut_text(text: &str, max_chars: usize, draw: fn(&str) -> String) -> MatrixMessage {
    const NOTE: &str = "\n(cut to fit one message)";
    let text = defuse_mentions(text.trim_end());
    let fits_one = |t: &str| fits(t, &draw(t), max_chars);
    if fits_one(&text) {
        return MatrixMessage { html: draw(&text), body: text };
    }
    let mut kept = String::new();
    for line in text.lines() {
        let candidate = format!("{kept}{line}\n");
        if !fits_one(&format!("{candidate}{NOTE}")) {
            break;
        }
        kept = candidate;
    }
    if kept.is_empty() {
        // One enormous line: cut at a character boundary, leaving room for
        // escaping (a character may become six in HTML) and the note.
        let chars = (max_chars / 6).min(CONTENT_BYTES / 16);
        kept = text.chars().take(chars).collect();
    }
    let body = format!("{}{NOTE}", kept.trim_end());
    MatrixMessage { html: draw(&body), body }
}

fn paragraphs_html(text: &str) -> String {
    text.split("\n\n")
        .map(|para| format!("<p>{}</p>", escape_html(para).replace('\n', "<br>")))
        .collect()
}

fn preformatted_html(text: &str) -> String {
    format!("<pre><code>{}</code></pre>", escape_html(text))
}

/// A digest as HTML and plain text, cut to `max_chars` with
/// [`Digest::shrink`] (left-out reports are counted in "and N more").
pub fn render_digest(digest: &Digest, max_chars: usize) -> MatrixMessage {
    digest.render_shrunk(
        |d| MatrixMessage { body: defuse_mentions(&text::digest_text(d)), html: digest_html(d) },
        |m| !too_long(m, max_chars),
    )
}

fn link(url: Option<&str>, label: &str) -> String {
    match url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        Some(url) => format!("<a href=\"{}\">{label}</a>", escape_html(url)),
        None => label.to_string(),
    }
}

fn digest_html(d: &Digest) -> String {
    lay_out(d, HtmlDigest(String::new()))
}

/// The digest layout as Matrix HTML: the new reports as a numbered list.
struct HtmlDigest(String);

impl DigestLayout for HtmlDigest {
    type Output = String;

    fn header(&mut self, name: &str, since: &str, until: &str, filter: Option<&str>) {
        let _ = write!(self.0, "<p><strong>Digest “{}”</strong>: reports indexed {since} to {until}", safe(name));
        if let Some(filter) = filter {
            let _ = write!(self.0, " matching <code>{}</code>", safe(filter));
        }
        self.0.push_str("</p>");
    }

    fn notice(&mut self, notice: &str) {
        let _ = write!(self.0, "<p><em>Note: {}</em></p>", safe(notice));
    }

    fn nothing_new(&mut self) {
        self.0.push_str("<p>Nothing new.</p>");
    }

    fn items_start(&mut self) {
        self.0.push_str("<ol>");
    }

    fn item(&mut self, _number: usize, item: &DigestItem) {
        let html = &mut self.0;
        let title = link(item.report.url.as_deref(), &format!("<strong>{}</strong>", safe(&item.report.title)));
        let date = date_label(item.report.published);
        let _ = write!(html, "<li>{title} ({}, {date})<br>{} [{}]", safe(&item.report.publisher), safe(&item.summary), item.summary_citation);
        if !item.figures.is_empty() {
            html.push_str("<ul>");
            for f in &item.figures {
                let _ = write!(html, "<li>{}</li>", figure_html(f));
            }
            html.push_str("</ul>");
        }
        html.push_str("</li>");
    }

    fn items_end(&mut self) {
        self.0.push_str("</ol>");
    }

    fn more(&mut self, count: usize) {
        let _ = write!(self.0, "<p>(and {count} more new report(s))</p>");
    }

    fn changes(&mut self, changes: &[FigureChange]) {
        self.0.push_str("<p><strong>Figures that changed</strong></p><ul>");
        for c in changes {
            let _ = write!(self.0, "<li>{}</li>", change_line(c, safe));
        }
        self.0.push_str("</ul>");
    }

    fn sources(&mut self, citations: &[Citation]) {
        self.0.push_str("<p><strong>Sources</strong></p><p>");
        for c in citations {
            let label = format!("[{}]", c.n);
            let _ = write!(self.0, "{} {} ({})<br>", link(c.report.url.as_deref(), &label), safe(&c.report.title), safe(&source_line(c)));
        }
        self.0.push_str("</p>");
    }

    fn finish(self) -> String {
        self.0
    }
}

fn figure_html(cf: &CitedFigure) -> String {
    let what = figure_label(cf).map_or(String::new(), |what| format!("{}: ", safe(&what)));
    format!("{what}{} ({}) [{}]", safe(&cf.figure.text), safe(&period_label(&cf.figure)), cf.citation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape_html(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    }

    #[test]
    fn room_mentions_are_defused_in_any_case() {
        let out = defuse_mentions("Hey @room and @Room, mail a@roomy.org");
        assert!(!out.to_ascii_lowercase().contains("@room"), "{out}");
        assert_eq!(out.replace('\u{2060}', ""), "Hey @room and @Room, mail a@roomy.org");
        assert_eq!(defuse_mentions("no mention"), "no mention");
    }

    #[test]
    fn only_http_links_survive() {
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("https://x.org/?a=1&b=\"2\"").as_deref(), Some("https://x.org/?a=1&amp;b=&quot;2&quot;"));
    }

    #[test]
    fn long_text_is_cut_at_a_line_with_a_note() {
        let text: String = (0..200).map(|i| format!("line {i}\n")).collect();
        let message = render(&Reply::Help { text }, 600);
        assert!(message.body.chars().count() <= 600 && message.html.chars().count() <= 600);
        assert!(message.body.ends_with("(cut to fit one message)"));
        assert!(message.body.contains("line 0\nline 1\n"));
    }

    #[test]
    fn chinese_text_is_cut_by_the_bytes_of_the_event() {
        // 20,000 characters fit the character limit but take 60,000 bytes a part.
        let text: String = (0..380).map(|i| format!("第{i}行：寒武纪2025年上半年营业收入为28.81亿元，同比增长4347.82%，归母净利润扭亏。\n")).collect();
        assert!(text.chars().count() < 20_000 && text.len() > CONTENT_BYTES);
        let message = render(&Reply::Help { text: text.clone() }, 20_000);
        assert!(content_bytes(&message.body, &message.html) <= CONTENT_BYTES);
        assert!(message.body.ends_with("(cut to fit one message)"), "cut with a note");
        assert!(message.body.starts_with("第0行") && message.body.chars().count() > 3_000, "cut late, at a line");
        // A single line with no place to cut is cut by characters, still within bytes.
        let one_line = "寒武纪".repeat(20_000);
        let message = render(&Reply::Error { message: one_line }, 100_000);
        assert!(content_bytes(&message.body, &message.html) <= CONTENT_BYTES);
    }

    #[test]
    fn errors_are_escaped_paragraphs() {
        let message = render(&Reply::Error { message: "bad <b>query</b> @room".into() }, 1000);
        assert_eq!(message.html, "<p>bad &lt;b&gt;query&lt;/b&gt; @\u{2060}room</p>");
    }
}
