//! Tests of the Discord renderer: every limit, splitting, mention safety.

use super::*;

use std::ops::Range;

use crate::figures::{Figure, FigureKind, Period};
use crate::reply::{Disagreement, Snippet};

/// Asserts every Discord limit on rendered messages.
fn assert_within_limits(messages: &[Outgoing]) {
    for m in messages {
        assert!(m.content.as_deref().map_or(0, chars) <= limits::CONTENT);
        assert!(m.embeds.len() <= limits::EMBEDS_PER_MESSAGE);
        assert!(m.embeds.iter().map(Embed::total_chars).sum::<usize>() <= limits::EMBED_TOTAL);
        for e in &m.embeds {
            assert!(e.title.as_deref().map_or(0, chars) <= limits::EMBED_TITLE);
            assert!(e.description.as_deref().map_or(0, chars) <= limits::EMBED_DESCRIPTION);
            assert!(e.footer.as_deref().map_or(0, chars) <= limits::FOOTER);
            assert!(e.fields.len() <= limits::EMBED_FIELDS);
            for f in &e.fields {
                assert!(chars(&f.name) <= limits::FIELD_NAME && chars(&f.value) <= limits::FIELD_VALUE);
                assert!(!f.value.is_empty());
            }
        }
    }
}

fn huge_answer() -> Answer {
    let citations: Vec<Citation> = (1..=20)
        .map(|n| Citation {
            n,
            report: crate::reply::ReportRef {
                report_id: format!("r{n}"),
                title: format!("Report {n} with a very long title {}", "about packaging ".repeat(25)),
                publisher: "Publisher @everyone".into(),
                published: None,
                url: Some(format!("https://example.com/{n}/{}", "deep/".repeat(60))),
            },
            snippet: Snippet { text: format!("Sentence {n} about HBM. ").repeat(60), highlights: vec![Range { start: 9, end: 12 }] },
            passage: String::new(),
        })
        .collect();
    let figures: Vec<CitedFigure> = (0..80)
        .map(|i| CitedFigure {
            figure: Figure {
                value: i as f64,
                unit: "%".into(),
                low: None,
                high: None,
                year: Some(2025),
                part: None,
                fiscal: false,
                forecast: i % 2 == 0,
                subject: Some(format!("Company {i}")),
                of: None,
                change: false,
                baseline: false,
                kind: FigureKind::Percent,
                text: format!("{i}%"),
                sentence: String::new(),
            },
            citation: i % 20 + 1,
            metric: Some("share".into()),
        })
        .collect();
    let disagreements = vec![Disagreement { subject: "Company 1".into(), metric: "share".into(), period: Some(Period::year(2025)), figures: vec![0, 1] }];
    Answer { query: "q ".repeat(300), citations, figures, disagreements, ..Answer::default() }
}

#[test]
fn huge_answers_stay_within_every_limit_and_keep_every_url() {
    let answer = huge_answer();
    for messages in [
        render(&Reply::Answer(answer.clone()), "!"),
        render(&Reply::Figures { answer: answer.clone(), chart_png: Some(vec![1, 2, 3]) }, "!"),
    ] {
        assert!(messages.len() > 1);
        assert_within_limits(&messages);
        let text: String = messages
            .iter()
            .flat_map(|m| &m.embeds)
            .flat_map(|e| e.fields.iter().map(|f| f.value.clone()).chain(e.description.clone()))
            .collect::<Vec<_>>()
            .join("\n");
        for c in &answer.citations {
            assert!(text.contains(c.report.url.as_deref().expect("url")), "citation {} lost its URL", c.n);
        }
        assert!(!text.contains("@everyone"));
    }
    let figures = render(&Reply::Figures { answer, chart_png: Some(vec![1]) }, "!");
    assert_eq!(figures[0].files.len(), 1);
    assert_eq!(figures[0].embeds[0].image.as_deref(), Some("attachment://figures.png"));
}

/// A digest with one item per citation of [`huge_answer`]: several
/// Discord messages long.
pub(in crate::adapters::discord) fn huge_digest() -> Digest {
    let answer = huge_answer();
    let now = chrono::Utc::now();
    let items = answer
        .citations
        .iter()
        .map(|c| crate::reply::DigestItem {
            report: c.report.clone(),
            indexed_at: now,
            summary: c.snippet.text.clone(),
            summary_citation: c.n,
            figures: answer.figures.iter().filter(|f| f.citation == c.n).cloned().collect(),
        })
        .collect();
    Digest {
        name: "weekly @here".into(),
        since: now,
        until: now,
        filter: Some("topic:hbm".into()),
        items,
        more: 3,
        changes: Vec::new(),
        citations: answer.citations.clone(),
        notices: Vec::new(),
    }
}

#[test]
fn big_digests_stay_within_every_limit() {
    let digest = huge_digest();
    let messages = render(&Reply::Digest(digest), "!");
    assert!(messages.len() > 1);
    assert_within_limits(&messages);
    let all: String = messages.iter().flat_map(|m| &m.embeds).filter_map(|e| e.description.clone()).collect();
    assert!(all.contains("…and 3 more new report(s)."));
    assert!(!messages[0].embeds[0].title.as_deref().unwrap_or("").contains("@here"));
}

#[test]
fn errors_are_short_plain_messages_without_mentions() {
    let out = render(&Reply::Error { message: "Nope @everyone <@12>".into() }, "!");
    assert_eq!(out.len(), 1);
    let content = out[0].content.as_deref().expect("content");
    assert!(!content.contains("@everyone") && !content.contains("<@12>"));
    assert!(out[0].embeds.is_empty());
}

#[test]
fn long_plain_text_splits_under_the_content_limit() {
    let text = "A sentence that goes on. ".repeat(300);
    let out = text_messages(&text);
    assert!(out.len() >= 4);
    assert!(out.iter().all(|m| chars(m.content.as_deref().unwrap_or("")) <= limits::CONTENT));
}

/// Discord counts characters (code points), not bytes: Chinese text fills a
/// message to the character limit, three times as many bytes, and no
/// character is split.
#[test]
fn chinese_text_is_counted_in_characters() {
    let text = "寒武纪2025年上半年营业收入为28.81亿元，同比增长4347.82%。".repeat(200);
    let out = text_messages(&text);
    assert_within_limits(&out);
    let contents: Vec<&str> = out.iter().filter_map(|m| m.content.as_deref()).collect();
    assert!(contents.len() >= 3);
    assert!(contents.iter().any(|c| chars(c) > limits::CONTENT * 3 / 4 && c.len() > limits::CONTENT * 2), "filled by characters");
    assert_eq!(contents.concat().replace(char::is_whitespace, ""), text.replace(char::is_whitespace, ""), "nothing lost");
    let mut answer = huge_answer();
    for c in &mut answer.citations {
        c.snippet = Snippet { text: "中芯国际2025年第三季度营业收入为人民币171.62亿元。".repeat(40), highlights: vec![Range { start: 0, end: 12 }] };
    }
    assert_within_limits(&render(&Reply::Answer(answer), "!"));
}

#[test]
fn fields_pack_whole_lines() {
    let lines: Vec<String> = (0..40).map(|i| format!("line {i} {}", "x".repeat(60))).collect();
    let fields = line_fields("Sources", lines);
    assert!(fields.len() > 1);
    assert_eq!(fields[1].name, "Sources (cont.)");
    assert!(fields.iter().all(|f| chars(&f.value) <= limits::FIELD_VALUE));
    assert_eq!(fields.iter().map(|f| f.value.lines().count()).sum::<usize>(), 40);
}

#[test]
fn capped_lines_say_how_many_are_left_out() {
    let lines: Vec<String> = (0..100).map(|i| format!("report {i:03} {}", "y".repeat(30))).collect();
    let value = capped_lines(lines, 300).expect("some");
    assert!(chars(&value) <= 300);
    assert!(value.contains("more"), "{value}");
}
