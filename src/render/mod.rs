//! Renderers turn a platform-neutral [`crate::reply::Reply`] into text for a
//! front end. The CLI uses [`text`] and [`json`]; chat adapters add their own
//! renderers next to their platform code, reusing the helpers here.

pub mod chart;
pub mod curation;
pub mod digest;
pub mod json;
pub mod split;
pub mod text;

use crate::figures::{Figure, FigureKind};
use crate::reply::{Answer, Citation, CitedFigure, Disagreement, FigureChange, Snippet};

/// "SK hynix share (2024): now 55% [1], earlier 50% [3]": a figure a newer
/// report gives differently; report text goes through `escape`.
pub fn change_line(c: &FigureChange, escape: impl Fn(&str) -> String) -> String {
    let period = c.period.map(|p| format!(" ({p})")).unwrap_or_default();
    format!(
        "{} {}{}: now {} [{}], earlier {} [{}]",
        escape(&c.subject),
        escape(&c.metric),
        period,
        escape(&c.newer.figure.text),
        c.newer.citation,
        escape(&c.older.figure.text),
        c.older.citation
    )
}

/// "SK hynix share (2023): 55% [1] vs 50% [2]": what the sources disagree on
/// and every value with its citation; report text goes through `escape`.
pub fn disagreement_line(answer: &Answer, d: &Disagreement, escape: impl Fn(&str) -> String) -> String {
    let values: Vec<String> = d
        .figures
        .iter()
        .filter_map(|&i| answer.figures.get(i))
        .map(|cf| format!("{} [{}]", escape(&cf.figure.text), cf.citation))
        .collect();
    let period = d.period.map(|p| format!(" ({p})")).unwrap_or_default();
    format!("{} {}{}: {}", escape(&d.subject), escape(&d.metric), period, values.join(" vs "))
}

/// "SK hynix share": what a figure is about, subject then metric, where known.
pub fn figure_label(cf: &CitedFigure) -> Option<String> {
    match (&cf.figure.subject, &cf.metric) {
        (Some(s), Some(m)) => Some(format!("{s} {m}")),
        (Some(s), None) => Some(s.clone()),
        (None, Some(m)) => Some(m.clone()),
        (None, None) => None,
    }
}

/// Wraps every highlighted range of `snippet` with `open`/`close`, passing
/// all text (including the marks' surroundings) through `escape`.
pub fn mark_snippet(snippet: &Snippet, open: &str, close: &str, escape: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(snippet.text.len() + 16);
    let mut at = 0;
    for range in &snippet.highlights {
        if range.start < at || range.end > snippet.text.len() {
            continue;
        }
        out.push_str(&escape(&snippet.text[at..range.start]));
        out.push_str(open);
        out.push_str(&escape(&snippet.text[range.clone()]));
        out.push_str(close);
        at = range.end;
    }
    out.push_str(&escape(&snippet.text[at..]));
    out
}

/// "Publisher, 2025-12-04" (or "Publisher, undated").
pub fn source_line(citation: &Citation) -> String {
    match citation.report.published {
        Some(date) => format!("{}, {}", citation.report.publisher, date),
        None => format!("{}, undated", citation.report.publisher),
    }
}

/// The period and status of a figure: "2026, forecast" / "actual".
pub fn period_label(figure: &Figure) -> String {
    let status = if figure.forecast { "forecast" } else { "actual" };
    match figure.period() {
        Some(period) if figure.kind != FigureKind::Year => format!("{period}, {status}"),
        _ => status.to_string(),
    }
}

/// A short name for a figure's kind.
pub fn kind_label(kind: FigureKind) -> &'static str {
    match kind {
        FigureKind::Percent => "percent",
        FigureKind::Money => "money",
        FigureKind::Count => "count",
        FigureKind::Node => "node",
        FigureKind::Memory => "memory",
        FigureKind::Bandwidth => "bandwidth",
        FigureKind::Compute => "compute",
        FigureKind::Power => "power",
        FigureKind::Multiple => "multiple",
        FigureKind::Rank => "rank",
        FigureKind::Duration => "duration",
        FigureKind::Year => "year",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    #[test]
    fn marks_and_escapes() {
        let snippet = Snippet { text: "a <b> HBM c".into(), highlights: vec![Range { start: 6, end: 9 }] };
        let out = mark_snippet(&snippet, "[", "]", |s| s.replace('<', "&lt;").replace('>', "&gt;"));
        assert_eq!(out, "a &lt;b&gt; [HBM] c");
    }

    #[test]
    fn bad_ranges_are_skipped() {
        let snippet = Snippet { text: "abc".into(), highlights: vec![1..2, 0..1, 2..9] };
        assert_eq!(mark_snippet(&snippet, "*", "*", str::to_string), "a*b*c");
    }
}
