//! Platform-neutral replies. The engine returns these; each front end (CLI
//! text, JSON, Discord, Matrix) renders them in its own format. The JSON
//! shapes are built in [`crate::render::json`], the one place that defines them.

use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::figures::Figure;

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
    pub report_id: String,
    pub title: String,
    pub publisher: String,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
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
    pub year: Option<i32>,
    /// Indexes into the reply's figure list, one per differing value.
    pub figures: Vec<usize>,
}

/// An answer to a question.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Answer {
    pub query: String,
    pub citations: Vec<Citation>,
    pub figures: Vec<CitedFigure>,
    pub disagreements: Vec<Disagreement>,
    /// Close words from the index when nothing matched.
    pub suggestions: Vec<String>,
    /// Things the user should know: ignored query parts, index rebuilds.
    pub notices: Vec<String>,
}

/// Counts of what is indexed, for `sources`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourcesSummary {
    pub reports: usize,
    pub passages: u64,
    pub by_publisher: Vec<(String, usize)>,
    pub by_year: Vec<(i32, usize)>,
    /// Newest reports: (title, publisher, date, url).
    pub newest: Vec<SourceLine>,
}

/// A report listed by `sources`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceLine {
    pub report_id: String,
    pub title: String,
    pub publisher: String,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
}

/// The outcome of an index update.
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

    /// Whether there is nothing new to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
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
    pub report_id: String,
    pub title: String,
    pub publisher: String,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
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
    pub year: Option<i32>,
    pub newer: CitedFigure,
    pub older: CitedFigure,
}

impl IndexSummary {
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
    /// A user-facing error message (the details went to the log).
    Error { message: String },
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
        let figure = crate::figures::Figure {
            value: 1.0,
            unit: "%".into(),
            low: None,
            high: None,
            year: None,
            forecast: false,
            subject: None,
            of: None,
            change: false,
            baseline: false,
            kind: crate::figures::FigureKind::Percent,
            text: "1%".into(),
            sentence: "1%".into(),
        };
        CitedFigure { figure, citation: n, metric: None }
    }

    fn citation(n: usize) -> Citation {
        Citation {
            n,
            report_id: format!("r{n}"),
            title: String::new(),
            publisher: String::new(),
            published: None,
            url: None,
            snippet: Snippet { text: String::new(), highlights: Vec::new() },
            passage: String::new(),
        }
    }

    #[test]
    fn shrinking_leaves_out_reports_then_changes_and_their_citations() {
        let now = chrono::Utc::now();
        let item = |n: usize| DigestItem {
            report_id: format!("r{n}"),
            title: String::new(),
            publisher: String::new(),
            published: None,
            url: None,
            indexed_at: now,
            summary: String::new(),
            summary_citation: n,
            figures: vec![cited(n)],
        };
        let change = FigureChange { subject: "X".into(), metric: "share".into(), year: None, newer: cited(1), older: cited(3) };
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
