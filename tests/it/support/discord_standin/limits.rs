//! The message limits Discord enforces, checked the way Discord checks them:
//! a message over any limit is refused with 400 and nothing is posted.

use serde_json::Value;

fn len(v: &Value, key: &str) -> usize {
    v.get(key).and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

/// Problems with a message body (`content`, `embeds`), empty when it is valid.
pub fn problems(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let content = len(body, "content");
    if content > 2_000 {
        out.push(format!("content has {content} characters (max 2000)"));
    }
    let embeds = body.get("embeds").and_then(Value::as_array).cloned().unwrap_or_default();
    if embeds.len() > 10 {
        out.push(format!("{} embeds (max 10)", embeds.len()));
    }
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let check = |out: &mut Vec<String>, what: &str, n: usize, max: usize| {
            if n > max {
                out.push(format!("embed {i} {what} has {n} characters (max {max})"));
            }
        };
        let title = len(e, "title");
        let description = len(e, "description");
        let footer = e.get("footer").map_or(0, |f| len(f, "text"));
        let author = e.get("author").map_or(0, |a| len(a, "name"));
        check(&mut out, "title", title, 256);
        check(&mut out, "description", description, 4_096);
        check(&mut out, "footer", footer, 2_048);
        check(&mut out, "author name", author, 256);
        total += title + description + footer + author;
        let fields = e.get("fields").and_then(Value::as_array).cloned().unwrap_or_default();
        if fields.len() > 25 {
            out.push(format!("embed {i} has {} fields (max 25)", fields.len()));
        }
        for f in &fields {
            let (name, value) = (len(f, "name"), len(f, "value"));
            check(&mut out, "field name", name, 256);
            check(&mut out, "field value", value, 1_024);
            if name == 0 || value == 0 {
                out.push(format!("embed {i} has an empty field name or value"));
            }
            total += name + value;
        }
    }
    if total > 6_000 {
        out.push(format!("embeds total {total} characters (max 6000)"));
    }
    if content == 0 && embeds.is_empty() && body.get("attachments").is_none() {
        out.push("empty message (no content, embeds or files)".into());
    }
    out
}
