//! Platform-neutral replies. The engine returns these; each front end (CLI
//! text, JSON, Discord, Matrix) renders them in its own format. The JSON
//! shapes are built in [`crate::render::json`], the one place that defines them.

use std::ops::Range;

use chrono::NaiveDate;
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
