//! The layout every digest renderer shares. [`lay_out`] walks a [`Digest`]
//! in one order (header, notices, then either "nothing new" or the new
//! reports, how many were left out, the figures that changed and the
//! sources) and a renderer's [`DigestLayout`] writes each part in its own
//! markup. The text, Discord and Matrix digests differ only in markup, so the
//! order and the rules for what shows cannot drift apart between them.

use crate::reply::{Citation, Digest, DigestItem, FigureChange};

/// The parts of a digest, written by one renderer. [`lay_out`] calls them in
/// order and only for parts that have something to show.
pub trait DigestLayout {
    /// What the renderer produces.
    type Output;
    /// The digest's name, its window as shown to users, and its filter.
    fn header(&mut self, name: &str, since: &str, until: &str, filter: Option<&str>);
    fn notice(&mut self, notice: &str);
    /// Written instead of every part below when the digest has nothing to
    /// report ([`Digest::is_empty`]).
    fn nothing_new(&mut self);
    /// Before the first new report, when there is one.
    fn items_start(&mut self) {}
    /// One new report; `number` counts from 1.
    fn item(&mut self, number: usize, item: &DigestItem);
    /// After the last new report, when there was one.
    fn items_end(&mut self) {}
    /// How many new reports were left out.
    fn more(&mut self, count: usize);
    fn changes(&mut self, changes: &[FigureChange]);
    fn sources(&mut self, citations: &[Citation]);
    fn finish(self) -> Self::Output;
}

/// Renders `digest` through `layout`.
pub fn lay_out<L: DigestLayout>(digest: &Digest, mut layout: L) -> L::Output {
    let (since, until) = digest.window_labels();
    layout.header(&digest.name, &since, &until, digest.filter.as_deref());
    for notice in &digest.notices {
        layout.notice(notice);
    }
    if digest.is_empty() {
        layout.nothing_new();
        return layout.finish();
    }
    if !digest.items.is_empty() {
        layout.items_start();
        for (i, item) in digest.items.iter().enumerate() {
            layout.item(i + 1, item);
        }
        layout.items_end();
    }
    if digest.more > 0 {
        layout.more(digest.more);
    }
    if !digest.changes.is_empty() {
        layout.changes(&digest.changes);
    }
    if !digest.citations.is_empty() {
        layout.sources(&digest.citations);
    }
    layout.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    /// Records the order of the parts.
    #[derive(Default)]
    struct Parts(Vec<String>);

    impl DigestLayout for Parts {
        type Output = Vec<String>;
        fn header(&mut self, name: &str, since: &str, until: &str, filter: Option<&str>) {
            self.0.push(format!("header {name} {since} {until} {filter:?}"));
        }
        fn notice(&mut self, notice: &str) {
            self.0.push(format!("notice {notice}"));
        }
        fn nothing_new(&mut self) {
            self.0.push("nothing new".into());
        }
        fn items_start(&mut self) {
            self.0.push("items".into());
        }
        fn item(&mut self, number: usize, item: &DigestItem) {
            self.0.push(format!("item {number} {}", item.report.title));
        }
        fn items_end(&mut self) {
            self.0.push("end items".into());
        }
        fn more(&mut self, count: usize) {
            self.0.push(format!("more {count}"));
        }
        fn changes(&mut self, changes: &[FigureChange]) {
            self.0.push(format!("changes {}", changes.len()));
        }
        fn sources(&mut self, citations: &[Citation]) {
            self.0.push(format!("sources {}", citations.len()));
        }
        fn finish(self) -> Vec<String> {
            self.0
        }
    }

    fn digest() -> Digest {
        Digest {
            name: "weekly".into(),
            since: Utc.with_ymd_and_hms(2026, 11, 28, 7, 0, 0).unwrap(),
            until: Utc.with_ymd_and_hms(2026, 12, 5, 7, 0, 0).unwrap(),
            filter: Some("hbm".into()),
            items: Vec::new(),
            more: 0,
            changes: Vec::new(),
            citations: Vec::new(),
            notices: vec!["index rebuilt".into()],
        }
    }

    fn report(title: &str) -> crate::reply::ReportRef {
        crate::reply::ReportRef {
            report_id: title.to_lowercase(),
            title: title.into(),
            publisher: "TrendForce".into(),
            published: None,
            url: None,
        }
    }

    fn item(title: &str) -> DigestItem {
        DigestItem {
            report: report(title),
            indexed_at: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            summary: "A line.".into(),
            summary_citation: 1,
            figures: Vec::new(),
        }
    }

    #[test]
    fn an_empty_digest_says_nothing_new_after_its_header_and_notices() {
        assert_eq!(
            lay_out(&digest(), Parts::default()),
            [
                "header weekly 2026-11-28 07:00 UTC 2026-12-05 07:00 UTC Some(\"hbm\")",
                "notice index rebuilt",
                "nothing new"
            ]
        );
    }

    #[test]
    fn reports_are_numbered_and_sources_come_last() {
        let mut d = digest();
        d.items = vec![item("A"), item("B")];
        d.more = 3;
        let snippet = crate::reply::Snippet { text: "A line.".into(), highlights: Vec::new() };
        d.citations = vec![Citation { n: 1, report: report("A"), snippet, passage: "A line.".into() }];
        let parts = lay_out(&d, Parts::default());
        assert_eq!(parts[2..], ["items", "item 1 A", "item 2 B", "end items", "more 3", "sources 1"]);
    }

    #[test]
    fn a_digest_shrunk_to_no_reports_still_counts_them_and_is_not_nothing_new() {
        let mut d = digest();
        d.more = 4;
        let parts = lay_out(&d, Parts::default());
        assert_eq!(parts[2..], ["more 4"]);
    }
}
