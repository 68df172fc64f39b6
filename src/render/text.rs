//! Plain-text rendering for the terminal. Highlights are `**bold**` markers
//! (or ANSI bold on a terminal), and citations are numbered `[n]` lines.

use std::fmt::Write;

use super::digest::{lay_out, DigestLayout};
use super::{change_line, disagreement_line, figure_label, kind_label, mark_snippet, period_label, source_line};
use crate::reply::{date_label, Answer, Citation, CitedFigure, Digest, DigestItem, FigureChange, IndexSummary, Reply, SourcesSummary};

/// How highlighted words are marked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Highlight {
    /// `**word**`
    Stars,
    /// ANSI bold, for terminals.
    Ansi,
}

impl Highlight {
    fn marks(self) -> (&'static str, &'static str) {
        match self {
            Highlight::Stars => ("**", "**"),
            Highlight::Ansi => ("\x1b[1m", "\x1b[0m"),
        }
    }
}

/// Renders any reply as text.
pub fn render(reply: &Reply, style: Highlight) -> String {
    match reply {
        Reply::Answer(answer) => answer_text(answer, style),
        Reply::Figures { answer, .. } => figures_text(answer),
        Reply::Sources(summary) => sources_text(summary),
        Reply::Help { text } => format!("{text}\n"),
        Reply::Indexed(summary) => index_text(summary),
        Reply::Digest(digest) => digest_text(digest),
        Reply::Extracted { figures } => {
            let mut out = String::new();
            for f in figures {
                let _ = writeln!(out, "{:<18} {:<10} {:<16} {}", f.text, kind_label(f.kind), period_label(f), f.subject.as_deref().unwrap_or("-"));
            }
            out
        }
        Reply::Audit(records) => audit_text(records),
        Reply::DigestPosts(rows) => digest_posts_text(rows),
        Reply::Curation(curated) => super::curation::text(curated),
        Reply::ReportCheck(outcome) => {
            let mut out = String::new();
            for p in &outcome.problems {
                let _ = writeln!(out, "{}:{}: {}", p.file, p.line, p.message);
            }
            let _ = writeln!(out, "{} report files checked, {} problem(s).", outcome.files, outcome.problems.len());
            out
        }
        Reply::DigestPostQueued(row) => format!(
            "Digest post #{} ({} to {}, slot {}) is queued to be sent again under its key {}. \
             A running bot sends it within a minute; otherwise `chipbot serve` sends it when it starts.\n",
            row.id,
            row.key.digest,
            row.key.target,
            row.key.slot.format("%Y-%m-%d %H:%M UTC"),
            row.key.post_key()
        ),
        Reply::Error { message } => format!("{message}\n"),
    }
}

/// The digest posts not yet delivered, a line each, with what went wrong.
fn digest_posts_text(rows: &[crate::store::OutboxEntry]) -> String {
    if rows.is_empty() {
        return "Every scheduled digest post has been delivered.\n".into();
    }
    let mut out = format!("{:>5}  {:<8} {:<17} {:<12} {:<16} {:>8}  target\n", "id", "state", "slot", "digest", "updated", "attempts");
    for r in rows {
        let _ = writeln!(
            out,
            "{:>5}  {:<8} {:<17} {:<12} {:<16} {:>8}  {}",
            r.id,
            r.state.as_str(),
            r.key.slot.format("%Y-%m-%d %H:%M"),
            r.key.digest,
            r.updated_at.format("%m-%d %H:%M:%S"),
            r.attempts,
            r.key.target
        );
        if let Some(error) = &r.last_error {
            let _ = writeln!(out, "       last error: {error}");
        }
    }
    out.push_str("Resend a failed post with `chipbot digest --resend ID`.\n");
    out
}

/// The reindex audit log, a line per request.
fn audit_text(records: &[crate::store::AuditRecord]) -> String {
    if records.is_empty() {
        return "Nothing has been audited yet (reindexes and curation steps are).\n".into();
    }
    let mut out = String::new();
    for r in records {
        let kind = match r.action.as_str() {
            "reindex" if r.full => "reindex full".to_string(),
            "reindex" => "reindex".to_string(),
            other => other.to_string(),
        };
        let _ = writeln!(
            out,
            "{}  {:<8} {:<24} {:<12} {:<8} {}",
            r.at.format("%Y-%m-%d %H:%M:%S UTC"),
            r.platform,
            r.user_id,
            kind,
            r.outcome.as_str(),
            r.summary
        );
    }
    out
}

/// An answer: notices, numbered snippets with their sources, then figures.
pub fn answer_text(answer: &Answer, style: Highlight) -> String {
    let (open, close) = style.marks();
    let mut out = String::new();
    for notice in &answer.notices {
        let _ = writeln!(out, "note: {notice}");
    }
    if !answer.notices.is_empty() {
        out.push('\n');
    }
    if answer.citations.is_empty() {
        if !answer.suggestions.is_empty() {
            let _ = writeln!(out, "Did you mean: {}?", answer.suggestions.join(", "));
        }
        return out;
    }
    if let Some(headline) = &answer.headline {
        let _ = writeln!(out, "{open}{}{close}\n", headline.text);
    }
    for c in &answer.citations {
        let _ = writeln!(out, "[{}] {}", c.n, mark_snippet(&c.snippet, open, close, str::to_string));
        let _ = writeln!(out, "    {} ({})", c.report.title, source_line(c));
        if let Some(url) = &c.report.url {
            let _ = writeln!(out, "    {url}");
        }
        out.push('\n');
    }
    if !answer.figures.is_empty() {
        out.push_str("Figures\n");
        out.push_str(&figure_rows(answer));
    }
    out.push_str(&disagreement_text(answer));
    out
}

fn figure_rows(answer: &Answer) -> String {
    let (text_width, what_width) = figure_columns(answer);
    let mut out = String::new();
    for cf in &answer.figures {
        let f = &cf.figure;
        let what = subject_and_metric(cf);
        let _ = writeln!(out, "  {:<text_width$} {:<what_width$} {:<16} [{}]", f.text, what, period_label(f), cf.citation);
    }
    out
}

fn subject_and_metric(cf: &CitedFigure) -> String {
    figure_label(cf).unwrap_or_else(|| "-".into())
}

/// Widths of the figure and subject columns: wide enough for the longest
/// entry (a figure such as "8 million 8-inch-equivalent wafers"), within limits.
fn figure_columns(answer: &Answer) -> (usize, usize) {
    let widest = |len: &dyn Fn(&CitedFigure) -> usize| answer.figures.iter().map(len).max().unwrap_or(0);
    let text = widest(&|cf| cf.figure.text.chars().count()).clamp(22, 40);
    let what = widest(&|cf| subject_and_metric(cf).chars().count()).clamp(26, 40);
    (text, what)
}

fn disagreement_text(answer: &Answer) -> String {
    let mut out = String::new();
    for d in &answer.disagreements {
        let _ = writeln!(out, "Sources disagree on {}", disagreement_line(answer, d, str::to_string));
    }
    out
}

/// The figures command: a table of figures, then the sources.
pub fn figures_text(answer: &Answer) -> String {
    let mut out = String::new();
    for notice in &answer.notices {
        let _ = writeln!(out, "note: {notice}");
    }
    if answer.figures.is_empty() {
        out.push_str(if answer.citations.is_empty() { "No matching reports.\n" } else { "No figures in the matching passages.\n" });
        if !answer.suggestions.is_empty() {
            let _ = writeln!(out, "Did you mean: {}?", answer.suggestions.join(", "));
        }
        return out;
    }
    let (text_width, what_width) = figure_columns(answer);
    let _ = writeln!(out, "  {:<text_width$} {:<what_width$} {:<16} src", "figure", "subject / metric", "period");
    out.push_str(&figure_rows(answer));
    out.push_str(&disagreement_text(answer));
    out.push_str("\nSources\n");
    for c in answer.citations.iter().filter(|c| answer.figures.iter().any(|f| f.citation == c.n)) {
        let _ = writeln!(out, "  [{}] {} ({}) {}", c.n, c.report.title, source_line(c), c.report.url.as_deref().unwrap_or(""));
    }
    out
}

fn sources_text(s: &SourcesSummary) -> String {
    let mut out = format!("{}; {} passages indexed.\n\nBy publisher:\n", s.reach_line(), s.passages);
    for (publisher, count) in &s.by_publisher {
        let _ = writeln!(out, "  {count:>3}  {publisher}");
    }
    out.push_str("\nBy year:\n");
    for (year, count) in &s.by_year {
        let _ = writeln!(out, "  {count:>3}  {year}");
    }
    out.push_str("\nNewest:\n");
    for r in &s.newest {
        let date = date_label(r.published);
        let _ = writeln!(out, "  {date}  {} ({})", r.title, r.publisher);
    }
    out
}

fn index_text(s: &IndexSummary) -> String {
    let mut out = String::new();
    if let Some(reason) = &s.rebuilt {
        let _ = writeln!(out, "Rebuilt: {reason}");
    }
    let _ = writeln!(out, "{}", s.counts_line());
    for (file, reason) in &s.failed {
        let _ = writeln!(out, "  failed: {file}: {reason}");
    }
    out
}

/// A digest: the window, the new reports with their figures, the figures
/// that changed, then the numbered sources.
pub fn digest_text(d: &Digest) -> String {
    lay_out(d, TextDigest(String::new()))
}

/// The digest layout as plain text.
struct TextDigest(String);

impl DigestLayout for TextDigest {
    type Output = String;

    fn header(&mut self, name: &str, since: &str, until: &str, filter: Option<&str>) {
        let _ = write!(self.0, "Digest \"{name}\": reports indexed {since} to {until}");
        if let Some(filter) = filter {
            let _ = write!(self.0, " matching `{filter}`");
        }
        self.0.push('\n');
    }

    fn notice(&mut self, notice: &str) {
        let _ = writeln!(self.0, "note: {notice}");
    }

    fn nothing_new(&mut self) {
        self.0.push_str("\nNothing new.\n");
    }

    fn item(&mut self, number: usize, item: &DigestItem) {
        let out = &mut self.0;
        let date = date_label(item.report.published);
        let _ = writeln!(out, "\n{number}. {} ({}, {})", item.report.title, item.report.publisher, date);
        let _ = writeln!(out, "   {} [{}]", item.summary, item.summary_citation);
        for f in &item.figures {
            let _ = writeln!(out, "   - {}", figure_line(f));
        }
        if let Some(url) = &item.report.url {
            let _ = writeln!(out, "   {url}");
        }
    }

    fn more(&mut self, count: usize) {
        let _ = writeln!(self.0, "\n(and {count} more new report(s))");
    }

    fn changes(&mut self, changes: &[FigureChange]) {
        self.0.push_str("\nFigures that changed\n");
        for c in changes {
            let _ = writeln!(self.0, "  {}", change_line(c, str::to_string));
        }
    }

    fn sources(&mut self, citations: &[Citation]) {
        self.0.push_str("\nSources\n");
        for c in citations {
            let _ = writeln!(self.0, "  [{}] {} ({}) {}", c.n, c.report.title, source_line(c), c.report.url.as_deref().unwrap_or(""));
        }
    }

    fn finish(self) -> String {
        self.0
    }
}

fn figure_line(cf: &CitedFigure) -> String {
    let f = &cf.figure;
    let what = figure_label(cf).unwrap_or_else(|| kind_label(f.kind).to_string());
    format!("{}: {} ({}) [{}]", what, f.text, period_label(f), cf.citation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{extract, Gazetteer};

    #[test]
    fn long_figures_keep_the_columns_aligned() {
        let sentence = "SMIC shipped more than 8 million 8-inch-equivalent wafers and earned US$8.03 billion in 2024.";
        let figures = extract(sentence, &Gazetteer::empty())
            .into_iter()
            .filter(|f| f.text != "2024")
            .map(|figure| CitedFigure { figure, citation: 1, metric: None })
            .collect();
        let answer = Answer { figures, ..Answer::default() };
        let rows = figure_rows(&answer);
        let columns: Vec<usize> = rows.lines().map(|line| line.find(" - ").expect("subject column")).collect();
        assert_eq!(columns.len(), 2, "{rows}");
        assert!(columns.windows(2).all(|w| w[0] == w[1]), "misaligned:\n{rows}");
    }
}
