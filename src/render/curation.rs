//! Text and JSON for curation replies (`add`, `queue`, `approve`, `reject`,
//! `edit`). Chat adapters send the same text.

use serde_json::{json, Value};

use crate::reply::{Curated, QueueView};

/// The reply as text, ending in a newline.
pub fn text(curated: &Curated) -> String {
    let mut out = lines(curated);
    out.push('\n');
    out
}

fn lines(curated: &Curated) -> String {
    match curated {
        Curated::Proposed { view, words, figures, hint } => {
            let mut out = format!("Queued as item {}: {} ({words} words).\n", view.item.id, describe(view));
            if let Some(url) = &view.meta.url {
                out.push_str(&format!("Link: {url}\n"));
            }
            if !figures.is_empty() {
                out.push_str(&format!("Figures: {}\n", figures.join(", ")));
            }
            out.push_str(&missing_lines(view, hint));
            let approve = hint.trim_end().trim_end_matches("edit");
            out.push_str(&format!("An admin can approve it with `{approve}approve {}` or reject it with `{approve}reject {}`.", view.item.id, view.item.id));
            out
        }
        Curated::Queue { views, .. } if views.is_empty() => "No proposed reports are waiting.".to_string(),
        Curated::Queue { views, .. } => {
            let mut out = format!("{} proposed report{} waiting, oldest first:\n", views.len(), if views.len() == 1 { "" } else { "s" });
            for view in views {
                let lacks = if view.missing.is_empty() { String::new() } else { format!("; needs {}", view.missing.join(", ")) };
                out.push_str(&format!(
                    "#{} {} (proposed by {} {} on {}{lacks})\n",
                    view.item.id,
                    describe(view),
                    view.item.proposal.platform,
                    view.item.proposal.user_id,
                    view.item.created_at.format("%Y-%m-%d")
                ));
            }
            out.trim_end().to_string()
        }
        Curated::Approved { view, report_id } => format!(
            "Approved item {}: {} is indexed as report `{report_id}` and can be cited now (proposed by {} {}).",
            view.item.id,
            describe(view),
            view.item.proposal.platform,
            view.item.proposal.user_id
        ),
        Curated::Rejected { view } => format!(
            "Rejected item {}: {}{} (proposed by {} {}).",
            view.item.id,
            describe(view),
            view.item.reason.as_ref().map(|r| format!(", because: {r}")).unwrap_or_default(),
            view.item.proposal.platform,
            view.item.proposal.user_id
        ),
        Curated::FeedRun(outcomes) => outcomes.iter().map(feed_lines).collect::<Vec<_>>().join("\n"),
        Curated::Decided { view, report_id: Some(report_id), decided_by } => format!(
            "{} {}: the report you proposed, {}, was approved by {} {} and is indexed as `{report_id}`; it can be cited now.",
            view.item.proposal.platform,
            view.item.proposal.user_id,
            describe(view),
            decided_by.0,
            decided_by.1
        ),
        Curated::Decided { view, report_id: None, decided_by } => format!(
            "{} {}: the report you proposed, {}, was not added (rejected by {} {}{}).",
            view.item.proposal.platform,
            view.item.proposal.user_id,
            describe(view),
            decided_by.0,
            decided_by.1,
            view.item.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
        ),
        Curated::Edited { view, hint } => {
            let mut out = format!("Item {} now reads: {}.\n", view.item.id, describe(view));
            out.push_str(&missing_lines(view, hint));
            out.trim_end().to_string()
        }
    }
}

/// A feed run's curation list for the admins.
fn feed_lines(outcome: &crate::reply::FeedOutcome) -> String {
    let mut out = format!(
        "Feed {}: {} new report{} queued",
        outcome.feed,
        outcome.queued.len(),
        if outcome.queued.len() == 1 { "" } else { "s" }
    );
    let mut rest = Vec::new();
    if outcome.filtered > 0 {
        rest.push(format!("{} left out by the filter", outcome.filtered));
    }
    if outcome.known > 0 {
        rest.push(format!("{} already seen", outcome.known));
    }
    if outcome.deferred > 0 {
        rest.push(format!("{} left for the next run", outcome.deferred));
    }
    if !rest.is_empty() {
        out.push_str(&format!(" ({})", rest.join(", ")));
    }
    out.push_str(if outcome.queued.is_empty() { "." } else { ":" });
    for view in &outcome.queued {
        let lacks = if view.missing.is_empty() { String::new() } else { format!("; needs {}", view.missing.join(", ")) };
        out.push_str(&format!("\n#{} {}{lacks}", view.item.id, describe(view)));
    }
    for (link, why) in &outcome.failed {
        out.push_str(&format!("\nCould not read {link}: {why}"));
    }
    out
}

/// `"Title" (Publisher, 2025-06-05)` with what is known.
fn describe(view: &QueueView) -> String {
    let meta = &view.meta;
    let title = if meta.title.is_empty() { "untitled".to_string() } else { format!("\u{201c}{}\u{201d}", meta.title) };
    let publisher = if meta.publisher.is_empty() { "publisher unknown" } else { meta.publisher.as_str() };
    let date = meta.published.map_or_else(|| "undated".to_string(), |d| d.to_string());
    format!("{title} ({publisher}, {date})")
}

/// One line per missing field, saying how to set it.
fn missing_lines(view: &QueueView, hint: &str) -> String {
    view.missing
        .iter()
        .map(|key| {
            let (what, example) = match *key {
                "published" => ("publication date", "published=2025-06-05"),
                "publisher" => ("publisher", "publisher=\"TrendForce\""),
                "title" => ("title", "title=\"...\""),
                _ => ("canonical link", "url=https://..."),
            };
            format!("No {what} found: set one with `{hint}{} {example}`.\n", view.item.id)
        })
        .collect()
}

/// The reply as JSON.
pub fn json(curated: &Curated) -> Value {
    match curated {
        Curated::Proposed { view, words, figures, .. } => {
            let mut value = item_json(view);
            value["words"] = json!(words);
            value["figures"] = json!(figures);
            value
        }
        Curated::Queue { views, .. } => json!({ "queue": views.iter().map(item_json).collect::<Vec<_>>() }),
        Curated::Approved { view, report_id } => {
            let mut value = item_json(view);
            value["report_id"] = json!(report_id);
            value
        }
        Curated::Rejected { view } | Curated::Edited { view, .. } | Curated::Decided { view, .. } => item_json(view),
        Curated::FeedRun(outcomes) => json!({
            "feeds": outcomes.iter().map(|o| json!({
                "feed": o.feed,
                "queued": o.queued.iter().map(item_json).collect::<Vec<_>>(),
                "known": o.known,
                "filtered": o.filtered,
                "deferred": o.deferred,
                "failed": o.failed.iter().map(|(link, why)| json!({"link": link, "reason": why})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()
        }),
    }
}

fn item_json(view: &QueueView) -> Value {
    let (item, meta) = (&view.item, &view.meta);
    json!({
        "id": item.id,
        "state": item.state.as_str(),
        "title": meta.title,
        "publisher": meta.publisher,
        "published": meta.published.map(|d| d.to_string()),
        "url": meta.url,
        "report_id": meta.id,
        "companies": meta.companies,
        "topics": meta.topics,
        "missing": view.missing,
        "source": item.proposal.source,
        "proposed_by": { "platform": item.proposal.platform, "user": item.proposal.user_id },
        "proposed_at": item.created_at.to_rfc3339(),
        "decided_by": item.decided_by.as_ref().map(|(p, u)| json!({ "platform": p, "user": u })),
        "reason": item.reason,
    })
}
