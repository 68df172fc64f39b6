//! What a digest says: the reports indexed in a time window (filtered by the
//! digest's query), newest first, each with a one-line summary, its key
//! figures and a link; then the figures that changed, where a newer report
//! gives a different value for the same subject and metric than an older
//! one. Both values are shown with their citations, never averaged. Every
//! summary and figure is taken from a passage that is cited.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{disagreements, metric_of, Engine};
use crate::config::DigestSettings;
use crate::error::Result;
use crate::figures::{Figure, FigureKind};
use crate::reply::{Citation, CitedFigure, Digest, DigestItem, FigureChange, ReportRef, Snippet};
use crate::search::{FileEntry, Generation, PassageHit};

/// Key figures listed per report.
const KEY_FIGURES: usize = 3;
/// Longest summary line, in characters.
const SUMMARY_CHARS: usize = 200;
/// Passages searched per figure when looking for older values.
const OLDER_CANDIDATES: usize = 20;

/// Citations under construction, one per cited passage.
#[derive(Default)]
struct Cited {
    list: Vec<Citation>,
    by_passage: HashMap<(String, usize), usize>,
}

impl Cited {
    /// The number of the citation for `hit`, adding it with `snippet` if new.
    fn cite(&mut self, hit: &PassageHit, snippet: &str) -> usize {
        let key = (hit.report.id.clone(), hit.passage);
        if let Some(&n) = self.by_passage.get(&key) {
            return n;
        }
        let n = self.list.len() + 1;
        self.list.push(Citation {
            n,
            report: ReportRef::from(&hit.report),
            snippet: Snippet { text: snippet.to_string(), highlights: Vec::new() },
            passage: hit.text.clone(),
        });
        self.by_passage.insert(key, n);
        n
    }
}

impl Engine {
    /// The digest `spec` for reports indexed in `(since, until]`. Blocking.
    pub fn digest(&self, spec: &DigestSettings, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Digest> {
        let generation = self.index().current();
        let mut new = new_entries(&generation, since, until)?;
        let mut notices = Vec::new();
        if let Some(filter) = &spec.query {
            let parsed = self.parse(filter)?;
            notices.extend(parsed.notices.iter().cloned());
            let ids: Vec<String> = new.iter().map(|e| e.report.id.clone()).collect();
            if !ids.is_empty() {
                let matching = self.index().reports_matching(&generation, &parsed, &ids)?;
                new.retain(|e| matching.contains(&e.report.id));
            }
        }
        let more = new.len().saturating_sub(spec.max_items);
        new.truncate(spec.max_items);
        let mut cited = Cited::default();
        let mut items = Vec::new();
        for entry in new {
            let passages = self.index().report_passages(&generation, &entry.report.id)?;
            if let Some(item) = item_for(entry, &passages, &mut cited) {
                items.push(item);
            }
        }
        let changes = self.changes(&generation, &items, &mut cited)?;
        Ok(Digest {
            name: spec.name.clone(),
            since,
            until,
            filter: spec.query.clone(),
            items,
            more,
            changes,
            citations: cited.list,
            notices,
        })
    }

    /// Figures of the new reports that an older report gives differently.
    fn changes(&self, generation: &Generation, items: &[DigestItem], cited: &mut Cited) -> Result<Vec<FigureChange>> {
        let mut out: Vec<FigureChange> = Vec::new();
        for item in items {
            for newer in &item.figures {
                let (Some(subject), Some(metric)) = (&newer.figure.subject, &newer.metric) else { continue };
                if out.iter().any(|c| &c.subject == subject && &c.metric == metric && c.period == newer.figure.period()) {
                    continue;
                }
                let Ok(query) = self.parse(&format!("{subject} {metric}")) else { continue };
                let hits = self.index().search_in(generation, &query, OLDER_CANDIDATES, crate::search::Reach::All)?;
                let mut older: Vec<&PassageHit> = hits
                    .iter()
                    .filter(|h| h.report.id != item.report.report_id && is_older(h.report.published, item.report.published))
                    .collect();
                older.sort_by_key(|h| std::cmp::Reverse(h.report.published));
                if let Some(change) = first_change(item, newer, &older, cited) {
                    out.push(change);
                }
            }
        }
        Ok(out)
    }
}

/// Entries indexed in `(since, until]`, newest first.
fn new_entries(generation: &Generation, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<&FileEntry>> {
    let mut new: Vec<&FileEntry> = generation
        .meta
        .entries()?
        .values()
        .filter(|e| e.indexed_at.is_some_and(|t| t > since && t <= until))
        .collect();
    new.sort_by(|a, b| {
        b.indexed_at
            .cmp(&a.indexed_at)
            .then(b.report.published.cmp(&a.report.published))
            .then(a.report.id.cmp(&b.report.id))
    });
    Ok(new)
}

/// A digest line for one report: summary from its first passage, key figures.
fn item_for(entry: &FileEntry, passages: &[PassageHit], cited: &mut Cited) -> Option<DigestItem> {
    let first = passages.first()?;
    let summary = summary_line(&first.text);
    let summary_citation = cited.cite(first, &summary);
    let mut figures: Vec<CitedFigure> = Vec::new();
    for pass in [true, false] {
        for hit in passages {
            for figure in hit.figures.iter().filter(|f| f.kind != FigureKind::Year && f.subject.is_some() == pass) {
                if figures.len() == KEY_FIGURES || figures.iter().any(|f| f.figure.text == figure.text) {
                    continue;
                }
                let citation = cited.cite(hit, &sentence_in(figure, &hit.text));
                figures.push(CitedFigure { metric: metric_of(figure), figure: figure.clone(), citation });
            }
        }
    }
    Some(DigestItem {
        report: ReportRef::from(&entry.report),
        indexed_at: entry.indexed_at?,
        summary,
        summary_citation,
        figures,
    })
}

/// The newest older value that differs from `newer` (same subject, metric,
/// period and unit, as the disagreement rules define them).
fn first_change(item: &DigestItem, newer: &CitedFigure, older: &[&PassageHit], cited: &mut Cited) -> Option<FigureChange> {
    // Candidate list: the new figure first (citation 1 = the new report),
    // then older figures, newest report first, each with its own number.
    let mut candidates = vec![CitedFigure { citation: 1, ..newer.clone() }];
    let mut sources: Vec<&PassageHit> = Vec::new();
    for hit in older {
        for figure in hit.figures.iter() {
            if figure.subject == newer.figure.subject {
                sources.push(hit);
                candidates.push(CitedFigure { metric: metric_of(figure), figure: figure.clone(), citation: sources.len() + 1 });
            }
        }
    }
    let report_of = |n: usize| if n == 1 { item.report.report_id.clone() } else { sources[n - 2].report.id.clone() };
    let found = disagreements(&candidates, report_of);
    let group = found.into_iter().find(|d| d.figures.first() == Some(&0))?;
    let other = &candidates[*group.figures.get(1)?];
    let hit = sources[other.citation - 2];
    let citation = cited.cite(hit, &sentence_in(&other.figure, &hit.text));
    Some(FigureChange {
        subject: group.subject,
        metric: group.metric,
        period: group.period,
        newer: newer.clone(),
        older: CitedFigure { citation, ..other.clone() },
    })
}

fn is_older(candidate: Option<chrono::NaiveDate>, new: Option<chrono::NaiveDate>) -> bool {
    matches!((candidate, new), (Some(c), Some(n)) if c < n)
}

/// The first sentence of `passage`, cut at a word boundary.
fn summary_line(passage: &str) -> String {
    let first = crate::segment::sentence_spans(passage)
        .into_iter()
        .next()
        .map_or(passage, |span| &passage[span]);
    let first = first.trim();
    if first.chars().count() <= SUMMARY_CHARS {
        return first.to_string();
    }
    let cut: String = first.chars().take(SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut} …")
}

/// The figure's sentence when the passage holds it verbatim, else the passage start.
fn sentence_in(figure: &Figure, passage: &str) -> String {
    if passage.contains(&figure.sentence) {
        figure.sentence.clone()
    } else {
        summary_line(passage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_first_sentence_cut_at_a_word() {
        assert_eq!(summary_line("HBM is tight. More later."), "HBM is tight.");
        let long = format!("{} end.", "word ".repeat(60));
        let line = summary_line(&long);
        assert!(line.ends_with(" …") && line.chars().count() <= SUMMARY_CHARS + 2, "{line}");
        assert!(long.starts_with(line.trim_end_matches(" …")));
    }

    #[test]
    fn only_dated_earlier_reports_are_older() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(is_older(d("2024-03-10"), d("2025-06-01")));
        assert!(!is_older(d("2025-06-01"), d("2025-06-01")));
        assert!(!is_older(None, d("2025-06-01")));
    }
}
