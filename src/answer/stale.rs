//! The notice an answer carries when its first source has been overtaken:
//! more than a year older than the newest source cited for the question.

use crate::reply::Citation;

/// How much older than the newest source on a question the first source may
/// be before the answer says so.
const STALE_AFTER_DAYS: i64 = 365;

/// A notice when the first source is more than a year older than the newest
/// source cited for the same question: its figures may have been overtaken.
pub(super) fn notice(citations: &[Citation]) -> Option<String> {
    let first = citations.first()?.report.published?;
    let newest = citations.iter().filter(|c| c.report.published.is_some()).max_by_key(|c| (c.report.published, std::cmp::Reverse(c.n)))?;
    let newest_date = newest.report.published?;
    ((newest_date - first).num_days() > STALE_AFTER_DAYS).then(|| {
        format!(
            "Source [1] is from {first}, more than a year older than the newest source on this question, [{}] ({newest_date}); its figures may be out of date.",
            newest.n
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::ReportRef;
    use crate::report::ReportMeta;

    fn citation(n: usize, date: &str) -> Citation {
        let meta = ReportMeta {
            id: format!("r{n}"),
            title: format!("Title r{n}"),
            publisher: "P".into(),
            published: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            ..ReportMeta::default()
        };
        Citation {
            n,
            report: ReportRef::from(&meta),
            snippet: crate::reply::Snippet { text: "text".into(), highlights: Vec::new() },
            passage: "text".into(),
        }
    }

    #[test]
    fn a_first_source_a_year_older_than_the_newest_is_flagged() {
        let stale = [citation(1, "2024-02-21"), citation(2, "2025-01-10"), citation(3, "2026-05-23")];
        let text = notice(&stale).expect("stale");
        assert!(text.contains("Source [1] is from 2024-02-21") && text.contains("[3] (2026-05-23)"), "{text}");
        let recent = [citation(1, "2025-08-01"), citation(2, "2026-05-23")];
        assert_eq!(notice(&recent), None, "within a year");
        let undated = [citation(1, "not a date"), citation(2, "2026-05-23")];
        assert_eq!(notice(&undated), None);
        let newest_first = [citation(1, "2026-05-23"), citation(2, "2020-01-01")];
        assert_eq!(notice(&newest_first), None);
    }
}
