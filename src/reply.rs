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

impl Digest {
    /// Whether there is nothing new to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
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
