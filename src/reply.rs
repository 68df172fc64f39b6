//! Platform-neutral replies. The engine returns these; each front end (CLI
//! text, JSON, Discord, Matrix) renders them in its own format. The JSON
//! shapes are built in the JSON renderer (`render::json`), the one place that defines them.

use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::figures::{Figure, Period};

/// Text with the byte ranges of matched query words.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    pub text: String,
    /// Non-overlapping, sorted byte ranges into `text`.
    pub highlights: Vec<Range<usize>>,
}

/// One numbered source of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// 1-based citation number, as written `[n]`.
    pub n: usize,
    /// The report the passage is from.
    pub report: ReportRef,
    pub snippet: Snippet,
    /// The whole passage the snippet was taken from.
    pub passage: String,
}

/// A figure shown in a reply, with the citation it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CitedFigure {
    pub figure: Figure,
    /// Number of the citation whose passage states this figure.
    pub citation: usize,
    /// What the figure measures ("share", "revenue", ...), where it can be told.
    pub metric: Option<String>,
}

/// Sources that give different values for the same subject, metric and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub subject: String,
    pub metric: String,
    /// The period all the values are for.
    pub period: Option<Period>,
    /// Indexes into the reply's figure list, one per differing value.
    pub figures: Vec<usize>,
}

/// Whether a headline states the answer, several disagreeing answers, or
/// that the reports do not give one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadlineStatus {
    Answered,
    Disagreement,
    NotFound,
}

/// The one line that opens an answer: the figure that answers the question,
/// quoted from a cited passage, with its citation.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// The line as shown, with `[n]` citation marks.
    pub text: String,
    /// Indexes into the answer's figures that the line states.
    pub figures: Vec<usize>,
    /// Citation numbers the line refers to.
    pub citations: Vec<usize>,
    pub status: HeadlineStatus,
}

/// An answer to a question.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Answer {
    pub query: String,
    /// The answer in one line, when the question asks for a figure or the
    /// reports do not cover it.
    pub headline: Option<Headline>,
    pub citations: Vec<Citation>,
    pub figures: Vec<CitedFigure>,
    pub disagreements: Vec<Disagreement>,
    /// Close words from the index when nothing matched.
    pub suggestions: Vec<String>,
    /// Things the user should know: ignored query parts, index rebuilds.
    pub notices: Vec<String>,
}

impl Answer {
    /// The answer without its last citation that the headline does not
    /// cite, for fitting a message: the figures of that citation and the
    /// disagreements that lose a side go with it, and the remaining
    /// citations are numbered again (in the headline too).
    pub fn without_last_citation(&self) -> Answer {
        let in_headline = |n: usize| self.headline.as_ref().is_some_and(|h| h.citations.contains(&n));
        let Some(dropped) = self.citations.iter().rev().map(|c| c.n).find(|&n| !in_headline(n)) else {
            return self.clone();
        };
        let renumber = |n: usize| if n > dropped { n - 1 } else { n };
        let mut out = self.clone();
        out.citations.retain(|c| c.n != dropped);
        for c in &mut out.citations {
            c.n = renumber(c.n);
        }
        let mut remap = Vec::with_capacity(self.figures.len());
        out.figures.clear();
        for cf in &self.figures {
            if cf.citation == dropped {
                remap.push(None);
            } else {
                remap.push(Some(out.figures.len()));
                out.figures.push(CitedFigure { citation: renumber(cf.citation), ..cf.clone() });
            }
        }
        let moved = |indexes: &[usize]| -> Vec<usize> { indexes.iter().filter_map(|&i| remap.get(i).copied().flatten()).collect() };
        out.disagreements = self
            .disagreements
            .iter()
            .filter_map(|d| {
                let figures = moved(&d.figures);
                (figures.len() == d.figures.len() && figures.len() >= 2).then(|| Disagreement { figures, ..d.clone() })
            })
            .collect();
        if let Some(h) = &mut out.headline {
            h.figures = moved(&h.figures);
            h.citations = h.citations.iter().map(|&n| renumber(n)).collect();
            h.text = renumber_marks(&h.text, dropped);
        }
        out
    }
}

/// `[n]` marks above `dropped` in `text` moved down by one.
fn renumber_marks(text: &str, dropped: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']').map(|close| (close, after[..close].parse::<usize>())) {
            Some((close, Ok(n))) => {
                let n = if n > dropped { n - 1 } else { n };
                out.push_str(&format!("[{n}]"));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Counts of what is indexed, for `sources`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourcesSummary {
    pub reports: usize,
    pub passages: u64,
    pub by_publisher: Vec<(String, usize)>,
    pub by_year: Vec<(i32, usize)>,
    /// Newest reports: (title, publisher, date, url).
    pub newest: Vec<ReportRef>,
}

impl SourcesSummary {
    /// The publication date of the newest report, if any report is dated.
    pub fn newest_date(&self) -> Option<NaiveDate> {
        self.newest.iter().filter_map(|r| r.published).max()
    }

    /// How far the reports reach; see [`reach_line`].
    pub fn reach_line(&self) -> String {
        reach_line(self.reports, self.newest_date())
    }
}

/// "55 reports, the newest from 2026-04-03": how far the reports reach.
pub fn reach_line(reports: usize, newest: Option<NaiveDate>) -> String {
    match newest {
        Some(date) => format!("{reports} reports, the newest from {date}"),
        None => format!("{reports} reports"),
    }
}

/// A report as replies name it: id, title, publisher, date and link,
/// built once from its metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRef {
    pub report_id: String,
    pub title: String,
    pub publisher: String,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
}

impl From<&crate::report::ReportMeta> for ReportRef {
    fn from(meta: &crate::report::ReportMeta) -> Self {
        ReportRef {
            report_id: meta.id.clone(),
            title: meta.title.clone(),
            publisher: meta.publisher.clone(),
            published: meta.published,
            url: meta.url.clone(),
        }
    }
}

/// What an index update did: the reply to a reindex, and what the index
/// reports of every update.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexSummary {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// (file, reason) for every file that could not be indexed.
    pub failed: Vec<(String, String)>,
    pub rebuilt: Option<String>,
    pub elapsed_ms: u128,
}

/// A digest: reports indexed in `(since, until]`, newest first, then the
/// figures that changed. Citation numbers are shared by the whole digest, and
/// every figure and summary is taken from a cited passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub name: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The digest's query filter, if any.
    pub filter: Option<String>,
    pub items: Vec<DigestItem>,
    /// New reports left out because of `max_items`.
    pub more: usize,
    pub changes: Vec<FigureChange>,
    pub citations: Vec<Citation>,
    pub notices: Vec<String>,
}

/// A publication date as every renderer shows it, or "undated".
pub fn date_label(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "undated".to_string(), |d| d.to_string())
}

impl Digest {
    /// The digest's window, `since` and `until`, as every renderer shows it
    /// (`2026-11-29 07:00 UTC`).
    pub fn window_labels(&self) -> (String, String) {
        let when = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
        (when(self.since), when(self.until))
    }

    /// Whether there is nothing to report: no new report (shown or left
    /// out to fit) and no figure that changed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.more == 0 && self.changes.is_empty()
    }

    /// Renders the digest with `render`, leaving out its last parts
    /// ([`Digest::shrink`]) until `fits` accepts the rendering or nothing
    /// more can go (that last rendering is returned as it is).
    pub fn render_shrunk<T>(&self, render: impl Fn(&Digest) -> T, fits: impl Fn(&T) -> bool) -> T {
        let mut kept = self.clone();
        loop {
            let rendered = render(&kept);
            if fits(&rendered) || !kept.shrink() {
                return rendered;
            }
        }
    }

    /// Makes the digest shorter so it fits one message: leaves out the last
    /// new report (counted in `more`), or, when no report is left, the
    /// figures that changed (with a notice). Citations nobody refers to any
    /// more go too. `false` when nothing more can be left out.
    pub fn shrink(&mut self) -> bool {
        if self.items.pop().is_some() {
            self.more += 1;
        } else if !self.changes.is_empty() {
            self.changes.clear();
            self.notices.push("The figures that changed were left out to fit one message.".into());
        } else {
            return false;
        }
        let mut cited: Vec<usize> = self
            .items
            .iter()
            .flat_map(|item| std::iter::once(item.summary_citation).chain(item.figures.iter().map(|f| f.citation)))
            .collect();
        cited.extend(self.changes.iter().flat_map(|c| [c.newer.citation, c.older.citation]));
        self.citations.retain(|c| cited.contains(&c.n));
        true
    }
}

/// One new report in a digest.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestItem {
    /// The new report.
    pub report: ReportRef,
    pub indexed_at: DateTime<Utc>,
    /// One line from the report's opening passage.
    pub summary: String,
    /// The citation holding the passage the summary comes from.
    pub summary_citation: usize,
    /// Key figures, each citing the passage that states it.
    pub figures: Vec<CitedFigure>,
}

/// A figure a newer report gives differently from an older one.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureChange {
    pub subject: String,
    pub metric: String,
    /// The period both values are for.
    pub period: Option<Period>,
    pub newer: CitedFigure,
    pub older: CitedFigure,
}

impl IndexSummary {
    /// Whether the index content changed.
    pub fn changed(&self) -> bool {
        !(self.added.is_empty() && self.updated.is_empty() && self.removed.is_empty())
    }

    /// "added 1, updated 0, removed 2, unchanged 40, failed 1 (35 ms)".
    pub fn counts_line(&self) -> String {
        format!(
            "added {}, updated {}, removed {}, unchanged {}, failed {} ({} ms)",
            self.added.len(),
            self.updated.len(),
            self.removed.len(),
            self.unchanged,
            self.failed.len(),
            self.elapsed_ms
        )
    }
}

/// Everything a command can answer with.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Answer(Answer),
    /// The figures table; `chart_png` holds a chart when one could be drawn.
    Figures {
        answer: Answer,
        chart_png: Option<Vec<u8>>,
    },
    Sources(SourcesSummary),
    Help { text: String },
    Indexed(IndexSummary),
    Digest(Digest),
    Extracted { figures: Vec<Figure> },
    /// The reindex audit log, newest first.
    Audit(Vec<crate::store::AuditRecord>),
    /// Scheduled digest posts not yet delivered, oldest slot first.
    DigestPosts(Vec<crate::store::OutboxEntry>),
    /// A failed digest post, queued to be sent again.
    DigestPostQueued(crate::store::OutboxEntry),
    /// What the corpus check found.
    ReportCheck(crate::report::CheckOutcome),
    /// A curation step: a proposal's preview, the queue, a decision.
    Curation(Box<Curated>),
    /// A user-facing error message (the details went to the log).
    Error { message: String },
}

/// A queue item with the metadata its draft gives and what it still lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueView {
    pub item: crate::store::QueueItem,
    pub meta: crate::report::ReportMeta,
    /// Front-matter keys to set before it can be approved.
    pub missing: Vec<&'static str>,
}

/// The reply to a curation command.
#[derive(Debug, Clone, PartialEq)]
pub enum Curated {
    /// `add`: the preview. `hint` is how to write `edit` where it was asked
    /// (`!edit `, `chipbot edit `).
    Proposed { view: QueueView, words: usize, figures: Vec<String>, hint: String },
    /// `queue`: pending items, oldest first.
    Queue { views: Vec<QueueView>, hint: String },
    /// `approve`: the report is indexed under `report_id`.
    Approved { view: QueueView, report_id: String },
    Rejected { view: QueueView },
    Edited { view: QueueView, hint: String },
    /// A feed run: per feed, what was queued and what was not.
    FeedRun(Vec<FeedOutcome>),
    /// Told to the proposer where they proposed: the item was approved (as
    /// `report_id`) or rejected, by `decided_by` (platform, user).
    Decided { view: QueueView, report_id: Option<String>, decided_by: (String, String) },
}

/// What one feed's run did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedOutcome {
    pub feed: String,
    /// Entries proposed in this run.
    pub queued: Vec<QueueView>,
    /// Entries handled in an earlier run, or already queued or indexed.
    pub known: usize,
    /// Entries whose report the feed's filter left out.
    pub filtered: usize,
    /// Entries left for the next run (over `max_entries`, or a failure to try again).
    pub deferred: usize,
    /// Entries that failed, with why: (link, reason). The feed itself
    /// failing is one entry with the feed's URL.
    pub failed: Vec<(String, String)>,
}

/// The output of a measuring tool (`bench`, `eval`): a text table for people
/// and the same figures as JSON for scripts.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub text: String,
    pub json: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cited(n: usize) -> CitedFigure {
        let figure = crate::figures::Figure::percent("1%", 1.0, "1%");
        CitedFigure { figure, citation: n, metric: None }
    }

    fn report(n: usize) -> ReportRef {
        ReportRef { report_id: format!("r{n}"), title: String::new(), publisher: String::new(), published: None, url: None }
    }

    fn citation(n: usize) -> Citation {
        Citation {
            n,
            report: report(n),
            snippet: Snippet { text: String::new(), highlights: Vec::new() },
            passage: String::new(),
        }
    }

    #[test]
    fn dropping_a_citation_keeps_the_headline_and_renumbers_it() {
        let mut answer = Answer { citations: (1..=3).map(citation).collect(), figures: vec![cited(1), cited(3)], ..Answer::default() };
        answer.headline = Some(Headline { text: "X: 1% [3]".into(), figures: vec![1], citations: vec![3], status: HeadlineStatus::Answered });
        let smaller = answer.without_last_citation();
        let numbers: Vec<usize> = smaller.citations.iter().map(|c| c.n).collect();
        assert_eq!(numbers, vec![1, 2], "[2] went, not [3] that the headline cites");
        let headline = smaller.headline.expect("headline kept");
        assert_eq!((headline.text.as_str(), headline.citations.clone(), headline.figures.clone()), ("X: 1% [2]", vec![2], vec![1]));
        assert_eq!(smaller.figures[1].citation, 2);
        assert_eq!(renumber_marks("a [1] b [4] [x] [", 2), "a [1] b [3] [x] [");
    }

    #[test]
    fn shrinking_leaves_out_reports_then_changes_and_their_citations() {
        let now = chrono::Utc::now();
        let item = |n: usize| DigestItem {
            report: report(n),
            indexed_at: now,
            summary: String::new(),
            summary_citation: n,
            figures: vec![cited(n)],
        };
        let change = FigureChange { subject: "X".into(), metric: "share".into(), period: None, newer: cited(1), older: cited(3) };
        let mut d = Digest {
            name: "d".into(),
            since: now,
            until: now,
            filter: None,
            items: vec![item(1), item(2)],
            more: 0,
            changes: vec![change],
            citations: (1..=3).map(citation).collect(),
            notices: Vec::new(),
        };
        assert!(d.shrink());
        assert_eq!((d.items.len(), d.more), (1, 1));
        let kept: Vec<usize> = d.citations.iter().map(|c| c.n).collect();
        assert_eq!(kept, vec![1, 3], "[2] went with its report; [3] is still cited by a change");
        assert!(d.shrink() && d.shrink());
        assert!(d.items.is_empty() && d.changes.is_empty() && d.citations.is_empty());
        assert_eq!(d.notices.len(), 1);
        assert!(!d.shrink(), "nothing left to leave out");
    }
}
