//! Renders a platform-neutral [`Reply`] as Discord messages: embeds with a
//! short answer text, one line per citation with a markdown link, figures and
//! disagreements as fields, the chart as a PNG attachment. Output is plain
//! data ([`Outgoing`]) checked against every Discord size limit, so it can be
//! snapshot-tested without a client; `mod.rs` turns it into serenity builders.

use std::fmt::Write;

use super::markdown::{code_block_safe, escape, link, neutralise_mentions};
use crate::render::split::{chars, split_text, truncate_chars};
use crate::core::command::command_help;
use crate::render::digest::{lay_out, DigestLayout};
use crate::render::{change_line, disagreement_line, figure_label, period_label, source_line};
use crate::reply::{date_label, Answer, Citation, CitedFigure, Digest, DigestItem, FigureChange, Reply, SourcesSummary};

/// Discord's limits, in characters.
pub mod limits {
    pub const CONTENT: usize = 2_000;
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4_096;
    pub const EMBED_FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1_024;
    pub const FOOTER: usize = 2_048;
    /// Title, description, field names and values, and footer of every embed in a message.
    pub const EMBED_TOTAL: usize = 6_000;
    pub const EMBEDS_PER_MESSAGE: usize = 10;
}

/// Accent colour of chipbot's embeds.
const COLOUR: u32 = 0x2f6f9f;
/// File name of the chart attachment.
pub const CHART_FILE: &str = "figures.png";

/// One message to send.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outgoing {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    /// (file name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

/// An embed, as plain data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Embed {
    pub title: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// `attachment://figures.png` for the chart.
    pub image: Option<String>,
    pub footer: Option<String>,
    pub colour: u32,
}

/// An embed field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

impl Embed {
    fn new() -> Self {
        Embed { colour: COLOUR, ..Embed::default() }
    }

    /// Characters that count towards the 6,000 total.
    pub fn total_chars(&self) -> usize {
        let opt = |s: &Option<String>| s.as_deref().map_or(0, chars);
        opt(&self.title)
            + opt(&self.description)
            + opt(&self.footer)
            + self.fields.iter().map(|f| chars(&f.name) + chars(&f.value)).sum::<usize>()
    }
}

/// Renders `reply` for Discord; `prefix` is the message-command prefix.
pub fn render(reply: &Reply, prefix: &str) -> Vec<Outgoing> {
    match reply {
        Reply::Answer(answer) => answer_messages(answer),
        Reply::Figures { answer, chart_png } => figures_messages(answer, chart_png.as_deref()),
        Reply::Sources(summary) => pack(vec![sources_embed(summary)], Vec::new()),
        Reply::Help { text } => pack(vec![help_embed(text, prefix)], Vec::new()),
        Reply::Digest(digest) => digest_messages(digest),
        Reply::Error { message } => text_messages(&neutralise_mentions(message)),
        other => {
            let text = crate::render::text::render(other, crate::render::text::Highlight::Stars);
            text_messages(&escape(&text))
        }
    }
}

/// Plain text split into messages of at most 2,000 characters.
pub fn text_messages(text: &str) -> Vec<Outgoing> {
    split_text(text, limits::CONTENT)
        .into_iter()
        .map(|content| Outgoing { content: Some(content), ..Outgoing::default() })
        .collect()
}

/// The answer embed(s): the headline in bold, snippets with bold highlights
/// and `[n]` markers, then a line per citation, the figures and any
/// disagreements.
fn answer_messages(answer: &Answer) -> Vec<Outgoing> {
    let mut text = String::new();
    if let Some(headline) = &answer.headline {
        let _ = write!(text, "**{}**\n\n", escape(&headline.text));
    }
    text.push_str(&notices(answer));
    if answer.citations.is_empty() {
        text.push_str("No matching reports.");
        text.push_str(&suggestions(answer));
    }
    for c in &answer.citations {
        // Adjacent highlights read better as one: "**SK hynix**", not "**SK** **hynix**".
        let snippet = crate::render::mark_snippet(&c.snippet, "**", "**", escape).replace("** **", " ");
        let _ = write!(text, "[{}] {}\n\n", c.n, snippet.replace('\n', " "));
    }
    let mut fields = line_fields("Sources", answer.citations.iter().map(citation_line).collect());
    fields.extend(line_fields("Figures", answer.figures.iter().map(figure_line).collect()));
    fields.extend(line_fields("Sources disagree", disagreement_lines(answer)));
    let title = format!("Q: {}", answer.query);
    pack(embeds_for(&title, &text, fields, None), Vec::new())
}

/// A digest: one entry per new report (linked title, summary with its
/// citation, key figures), then the figures that changed and the sources.
fn digest_messages(d: &Digest) -> Vec<Outgoing> {
    lay_out(d, DiscordDigest::default())
}

/// The digest layout as one embed: the reports in the description, the
/// figures that changed and the sources as fields.
#[derive(Default)]
struct DiscordDigest {
    title: String,
    text: String,
    fields: Vec<Field>,
}

impl DigestLayout for DiscordDigest {
    type Output = Vec<Outgoing>;

    fn header(&mut self, name: &str, since: &str, until: &str, filter: Option<&str>) {
        self.title = format!("Digest: {name}");
        let _ = write!(self.text, "Reports indexed {since} to {until}");
        if let Some(filter) = filter {
            let _ = write!(self.text, " matching {}", escape(filter));
        }
        self.text.push_str(".\n\n");
    }

    fn notice(&mut self, notice: &str) {
        let _ = write!(self.text, "_{}_\n\n", escape(notice));
    }

    fn nothing_new(&mut self) {
        self.text.push_str("Nothing new.");
    }

    fn item(&mut self, number: usize, item: &DigestItem) {
        let text = &mut self.text;
        let date = date_label(item.report.published);
        let title = link(&item.report.title, item.report.url.as_deref());
        let _ = writeln!(text, "**{number}.** {title} ({}, {date})", escape(&item.report.publisher));
        let _ = writeln!(text, "{} [{}]", escape(&item.summary), item.summary_citation);
        for f in &item.figures {
            let _ = writeln!(text, "• {}", figure_line(f));
        }
        text.push('\n');
    }

    fn more(&mut self, count: usize) {
        let _ = write!(self.text, "…and {count} more new report(s).");
    }

    fn changes(&mut self, changes: &[FigureChange]) {
        let lines = changes.iter().map(|c| change_line(c, escape)).collect();
        self.fields.extend(line_fields("Figures that changed", lines));
    }

    fn sources(&mut self, citations: &[Citation]) {
        self.fields.extend(line_fields("Sources", citations.iter().map(citation_line).collect()));
    }

    fn finish(self) -> Vec<Outgoing> {
        pack(embeds_for(&self.title, &self.text, self.fields, None), Vec::new())
    }
}

/// The figures table in a code block, sources and the chart attachment.
fn figures_messages(answer: &Answer, chart: Option<&[u8]>) -> Vec<Outgoing> {
    let mut text = notices(answer);
    if answer.figures.is_empty() {
        text.push_str(if answer.citations.is_empty() { "No matching reports." } else { "No figures in the matching passages." });
        text.push_str(&suggestions(answer));
    } else {
        text.push_str(&figure_table(&answer.figures));
    }
    let cited: Vec<String> = answer
        .citations
        .iter()
        .filter(|c| answer.figures.iter().any(|f| f.citation == c.n))
        .map(citation_line)
        .collect();
    let mut fields = line_fields("Sources disagree", disagreement_lines(answer));
    fields.extend(line_fields("Sources", cited));
    let image = chart.map(|_| format!("attachment://{CHART_FILE}"));
    let files = chart.map(|png| vec![(CHART_FILE.to_string(), png.to_vec())]).unwrap_or_default();
    let title = format!("Figures: {}", answer.query);
    pack(embeds_for(&title, &text, fields, image), files)
}

/// Rows of the figures table, in fenced code blocks that each fit a description.
fn figure_table(figures: &[CitedFigure]) -> String {
    let mut rows = vec![format!("{:<16} {:<26} {:<16} src", "figure", "subject / metric", "period")];
    for cf in figures {
        let what = figure_label(cf).unwrap_or_else(|| "-".into());
        let row = format!("{:<16} {:<26} {:<16} [{}]", cf.figure.text, what, period_label(&cf.figure), cf.citation);
        rows.push(code_block_safe(&row));
    }
    let mut out = String::new();
    let mut block = String::new();
    for row in rows {
        if chars(&block) + chars(&row) + 10 > limits::EMBED_DESCRIPTION - 100 {
            let _ = write!(out, "```\n{block}```\n\n");
            block.clear();
        }
        let _ = writeln!(block, "{row}");
    }
    let _ = write!(out, "```\n{block}```");
    out
}

/// "[2] [Title](url) · Publisher, 2025-06-01"; the title is shortened, never the URL.
fn citation_line(c: &Citation) -> String {
    let mut title = c.report.title.clone();
    loop {
        let line = format!("[{}] {} · {}", c.n, link(&title, c.report.url.as_deref()), escape(&source_line(c)));
        if chars(&line) <= limits::FIELD_VALUE || chars(&title) <= 8 {
            return line;
        }
        title = truncate_chars(&title, chars(&title) / 2);
    }
}

/// "**55%** · SK hynix share · 2023, actual · [2]".
fn figure_line(cf: &CitedFigure) -> String {
    let what = figure_label(cf).map(|w| format!("{} · ", escape(&w))).unwrap_or_default();
    format!("**{}** · {what}{} · [{}]", escape(&cf.figure.text), period_label(&cf.figure), cf.citation)
}

/// One line per disagreement, listing every value with its source.
fn disagreement_lines(answer: &Answer) -> Vec<String> {
    answer.disagreements.iter().map(|d| disagreement_line(answer, d, escape)).collect()
}

fn notices(answer: &Answer) -> String {
    answer.notices.iter().map(|n| format!("_{}_\n\n", escape(n))).collect()
}

fn suggestions(answer: &Answer) -> String {
    if answer.suggestions.is_empty() {
        return String::new();
    }
    let words: Vec<String> = answer.suggestions.iter().map(|s| escape(s)).collect();
    format!(" Did you mean: {}?", words.join(", "))
}

/// Packs lines into fields named `name`, `name (cont.)`, each within the
/// field value limit; a line is never cut between fields.
fn line_fields(name: &str, lines: Vec<String>) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    let mut value = String::new();
    let flush = |value: &mut String, fields: &mut Vec<Field>| {
        if !value.is_empty() {
            let name = if fields.is_empty() { name.to_string() } else { format!("{name} (cont.)") };
            fields.push(Field { name, value: std::mem::take(value), inline: false });
        }
    };
    for line in lines {
        let line = truncate_chars(&line, limits::FIELD_VALUE);
        if !value.is_empty() && chars(&value) + 1 + chars(&line) > limits::FIELD_VALUE {
            flush(&mut value, &mut fields);
        }
        if !value.is_empty() {
            value.push('\n');
        }
        value.push_str(&line);
    }
    flush(&mut value, &mut fields);
    fields
}

/// Embeds for a titled text plus fields: the text is split at paragraph or
/// sentence boundaries over as many embeds as needed, the fields follow.
fn embeds_for(title: &str, text: &str, fields: Vec<Field>, image: Option<String>) -> Vec<Embed> {
    let mut embeds = Vec::new();
    let mut first = Embed::new();
    first.title = Some(truncate_chars(&escape(title), limits::EMBED_TITLE));
    first.image = image;
    let mut pieces = split_text(text, limits::EMBED_DESCRIPTION).into_iter();
    first.description = pieces.next();
    embeds.push(first);
    for piece in pieces {
        embeds.push(Embed { description: Some(piece), ..Embed::new() });
    }
    for field in fields {
        let last = embeds.last_mut().expect("at least one embed");
        let fits = last.fields.len() < limits::EMBED_FIELDS
            && last.total_chars() + chars(&field.name) + chars(&field.value) <= limits::EMBED_TOTAL;
        if fits {
            last.fields.push(field);
        } else {
            embeds.push(Embed { fields: vec![field], ..Embed::new() });
        }
    }
    embeds
}

/// Groups embeds into messages within the per-message embed count and the
/// 6,000-character total; attachments go with the first message.
fn pack(embeds: Vec<Embed>, files: Vec<(String, Vec<u8>)>) -> Vec<Outgoing> {
    let mut messages: Vec<Outgoing> = Vec::new();
    let mut total = 0;
    for embed in embeds {
        let size = embed.total_chars();
        let start_new = match messages.last() {
            None => true,
            Some(m) => m.embeds.len() >= limits::EMBEDS_PER_MESSAGE || total + size > limits::EMBED_TOTAL,
        };
        if start_new {
            messages.push(Outgoing::default());
            total = 0;
        }
        total += size;
        messages.last_mut().expect("just pushed").embeds.push(embed);
    }
    if let Some(first) = messages.first_mut() {
        first.files = files;
    }
    messages
}

fn sources_embed(s: &SourcesSummary) -> Embed {
    let mut embed = Embed::new();
    embed.title = Some("What chipbot has indexed".into());
    let reach = s.newest_date().map(|d| format!(", the newest from **{d}**")).unwrap_or_default();
    embed.description = Some(format!("**{}** reports{reach}, **{}** passages.", s.reports, s.passages));
    let publishers = s.by_publisher.iter().map(|(p, n)| format!("{n} · {}", escape(p))).collect();
    let years = s.by_year.iter().map(|(y, n)| format!("{y}: {n}")).collect();
    let newest = s
        .newest
        .iter()
        .map(|r| {
            let date = date_label(r.published);
            format!("{date} · {} ({})", link(&r.title, r.url.as_deref()), escape(&r.publisher))
        })
        .collect();
    for (name, lines, inline) in [("By publisher", publishers, true), ("By year", years, true), ("Newest", newest, false)] {
        if let Some(value) = capped_lines(lines, limits::FIELD_VALUE) {
            embed.fields.push(Field { name: name.into(), value, inline });
        }
    }
    embed
}

/// Whole lines up to `max` characters, then "… and N more".
fn capped_lines(lines: Vec<String>, max: usize) -> Option<String> {
    let total = lines.len();
    let mut out = String::new();
    for (i, line) in lines.into_iter().enumerate() {
        let more = format!("\n… and {} more", total - i);
        if chars(&out) + chars(&line) + 1 + chars(&more) > max {
            let more = if out.is_empty() { more.trim_start().to_string() } else { more };
            out.push_str(&more);
            return Some(out);
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    (!out.is_empty()).then_some(out)
}

fn help_embed(text: &str, prefix: &str) -> Embed {
    let mut embed = Embed::new();
    embed.title = Some("chipbot help".into());
    embed.description = Some(truncate_chars(&escape(text), limits::EMBED_DESCRIPTION));
    // Discord lists `digest` before `help`.
    let order = ["ask", "figures", "sources", "digest", "help", "reindex", "add", "queue", "approve", "reject", "edit"];
    let slash = order.iter().filter_map(|w| command_help(w)).map(|c| c.slash).collect::<Vec<_>>().join("\n");
    embed.fields.push(Field { name: "Slash commands".into(), value: escape(&slash), inline: false });
    embed.footer = Some(format!("Mention the bot with a question, or use {prefix}ask, /ask and the rest."));
    embed
}

#[cfg(test)]
pub(super) mod tests;
