//! The `--json` output: a stable contract for scripts. Keys are only ever
//! added, never renamed or removed. Shapes are documented in docs/json.md.

use serde_json::{json, Map, Value};

use crate::figures::{Figure, Period};
use crate::reply::{Answer, Citation, CitedFigure, Digest, Reply};

/// Renders any reply as a JSON value.
pub fn render(reply: &Reply) -> Value {
    match reply {
        Reply::Answer(answer) | Reply::Figures { answer, .. } => answer_json(answer),
        Reply::Sources(summary) => json!({
            "reports": summary.reports,
            "passages": summary.passages,
            "by_publisher": summary.by_publisher.iter().map(|(p, n)| json!({"publisher": p, "reports": n})).collect::<Vec<_>>(),
            "by_year": summary.by_year.iter().map(|(y, n)| json!({"year": y, "reports": n})).collect::<Vec<_>>(),
            "newest": summary.newest,
        }),
        Reply::Help { text } => json!({ "help": text }),
        Reply::Indexed(s) => json!({
            "added": s.added,
            "updated": s.updated,
            "removed": s.removed,
            "unchanged": s.unchanged,
            "failed": s.failed.iter().map(|(file, reason)| json!({"file": file, "reason": reason})).collect::<Vec<_>>(),
            "rebuilt": s.rebuilt,
            "elapsed_ms": s.elapsed_ms,
        }),
        Reply::Digest(digest) => digest_json(digest),
        Reply::Extracted { figures } => json!({
            "figures": figures.iter().map(|f| {
                let mut obj = figure_fields(f);
                if let Some(of) = &f.of {
                    obj.insert("of".into(), json!(of));
                }
                obj.insert("change".into(), json!(f.change));
                obj.insert("baseline".into(), json!(f.baseline));
                obj.insert("sentence".into(), json!(f.sentence));
                Value::Object(obj)
            }).collect::<Vec<_>>()
        }),
        Reply::Audit(records) => Value::Array(
            records
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "at": r.at.to_rfc3339(),
                        "action": r.action,
                        "platform": r.platform,
                        "user": r.user_id,
                        "full": r.full,
                        "outcome": r.outcome.as_str(),
                        "summary": r.summary,
                    })
                })
                .collect(),
        ),
        Reply::Curation(curated) => super::curation::json(curated),
        Reply::ReportCheck(outcome) => json!({
            "files": outcome.files,
            "problems": outcome.problems.iter().map(|p| json!({"file": p.file, "line": p.line, "message": p.message})).collect::<Vec<_>>(),
        }),
        Reply::DigestPosts(rows) => Value::Array(rows.iter().map(digest_post_json).collect()),
        Reply::DigestPostQueued(row) => json!({ "queued": digest_post_json(row) }),
        Reply::Error { message } => json!({ "error": message }),
    }
}

/// One scheduled digest post as `chipbot digest --status --json` lists it.
fn digest_post_json(r: &crate::store::OutboxEntry) -> Value {
    json!({
        "id": r.id,
        "digest": r.key.digest,
        "target": r.key.target,
        "slot": r.key.slot.to_rfc3339(),
        "post_key": r.key.post_key(),
        "state": r.state.as_str(),
        "attempts": r.attempts,
        "last_error": r.last_error,
        "since": r.since.to_rfc3339(),
        "until": r.until.to_rfc3339(),
        "updated_at": r.updated_at.to_rfc3339(),
    })
}

/// A numbered citation: its source and the snippet's text.
fn citation_json(c: &Citation) -> Value {
    json!({
        "n": c.n,
        "report_id": c.report.report_id,
        "title": c.report.title,
        "publisher": c.report.publisher,
        "published": c.report.published.map(|d| d.to_string()),
        "url": c.report.url,
        "snippet": c.snippet.text,
    })
}

/// The `ask --json` shape.
pub fn answer_json(answer: &Answer) -> Value {
    let citations: Vec<Value> = answer
        .citations
        .iter()
        .map(|c| {
            let mut value = citation_json(c);
            value["highlights"] = json!(c.snippet.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>());
            value
        })
        .collect();
    let figures: Vec<Value> = answer
        .figures
        .iter()
        .map(|cf| {
            let mut obj = figure_fields(&cf.figure);
            obj.insert("citation".into(), json!(cf.citation));
            if let Some(metric) = &cf.metric {
                obj.insert("metric".into(), json!(metric));
            }
            Value::Object(obj)
        })
        .collect();
    let disagreements: Vec<Value> = answer
        .disagreements
        .iter()
        .map(|d| {
            let mut obj = Map::new();
            obj.insert("subject".into(), json!(d.subject));
            obj.insert("metric".into(), json!(d.metric));
            obj.insert("year".into(), json!(d.period.map(|p| p.year)));
            period_parts(d.period, &mut obj);
            obj.insert("figures".into(), json!(d.figures));
            Value::Object(obj)
        })
        .collect();
    let headline = answer.headline.as_ref().map(|h| {
        json!({"text": h.text, "figures": h.figures, "citations": h.citations, "status": h.status})
    });
    json!({
        "query": answer.query,
        "headline": headline,
        "citations": citations,
        "figures": figures,
        "disagreements": disagreements,
        "suggestions": answer.suggestions,
        "notices": answer.notices,
    })
}

/// The `digest --json` shape.
pub fn digest_json(d: &Digest) -> Value {
    let items: Vec<Value> = d
        .items
        .iter()
        .map(|item| {
            json!({
                "report_id": item.report.report_id,
                "title": item.report.title,
                "publisher": item.report.publisher,
                "published": item.report.published.map(|p| p.to_string()),
                "url": item.report.url,
                "indexed_at": item.indexed_at.to_rfc3339(),
                "summary": item.summary,
                "summary_citation": item.summary_citation,
                "figures": item.figures.iter().map(cited_figure).collect::<Vec<_>>(),
            })
        })
        .collect();
    let changes: Vec<Value> = d
        .changes
        .iter()
        .map(|c| {
            let mut obj = Map::new();
            obj.insert("subject".into(), json!(c.subject));
            obj.insert("metric".into(), json!(c.metric));
            obj.insert("year".into(), json!(c.period.map(|p| p.year)));
            period_parts(c.period, &mut obj);
            obj.insert("newer".into(), cited_figure(&c.newer));
            obj.insert("older".into(), cited_figure(&c.older));
            Value::Object(obj)
        })
        .collect();
    let citations: Vec<Value> = d
        .citations
        .iter()
        .map(citation_json)
        .collect();
    json!({
        "digest": d.name,
        "since": d.since.to_rfc3339(),
        "until": d.until.to_rfc3339(),
        "filter": d.filter,
        "items": items,
        "more": d.more,
        "changes": changes,
        "citations": citations,
        "notices": d.notices,
    })
}

fn cited_figure(cf: &CitedFigure) -> Value {
    let mut obj = figure_fields(&cf.figure);
    obj.insert("citation".into(), json!(cf.citation));
    if let Some(metric) = &cf.metric {
        obj.insert("metric".into(), json!(metric));
    }
    Value::Object(obj)
}

/// "part" ("Q3", "H1") and "fiscal": true, where the period has them.
fn period_parts(period: Option<Period>, obj: &mut Map<String, Value>) {
    let Some(period) = period else { return };
    if let Some(part) = period.part {
        obj.insert("part".into(), json!(part.to_string()));
    }
    if period.fiscal {
        obj.insert("fiscal".into(), json!(true));
    }
}

fn figure_fields(f: &Figure) -> Map<String, Value> {
    let mut obj = Map::new();
    obj.insert("value".into(), json!(f.value));
    obj.insert("unit".into(), json!(f.unit));
    if let Some(low) = f.low {
        obj.insert("low".into(), json!(low));
    }
    if let Some(high) = f.high {
        obj.insert("high".into(), json!(high));
    }
    if let Some(year) = f.year {
        obj.insert("year".into(), json!(year));
    }
    period_parts(f.period(), &mut obj);
    obj.insert("forecast".into(), json!(f.forecast));
    if let Some(subject) = &f.subject {
        obj.insert("subject".into(), json!(subject));
    }
    obj.insert("kind".into(), serde_json::to_value(f.kind).unwrap_or(Value::Null));
    obj.insert("text".into(), json!(f.text));
    obj
}
