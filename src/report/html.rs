//! HTML reports: visible text is extracted with paragraph breaks at block
//! elements; `<script>`, `<style>` and friends are dropped. Metadata comes
//! from `<title>`, `<meta>` tags (author, publisher, date, keywords) and
//! `<link rel="canonical">`.

use std::collections::HashMap;

use super::{markdown::parse_date, normalize_body, plain::first_line_title, ReportMeta};

const BLOCK_TAGS: [&str; 17] = [
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote",
];
const HIDDEN_TAGS: [&str; 5] = ["script", "style", "noscript", "template", "head"];

/// Parses an HTML report into metadata and paragraph text.
pub(super) fn parse(html: &str, stem_id: &str) -> Result<(ReportMeta, String), (usize, String)> {
    let doc = scan(html);
    let body = normalize_body(&doc.text);
    if body.is_empty() {
        return Err((1, "the HTML page has no visible text".into()));
    }
    let mut meta = ReportMeta {
        id: stem_id.to_string(),
        title: doc.title.trim().to_string(),
        ..ReportMeta::default()
    };
    if meta.title.is_empty() {
        meta.title = first_line_title(&body);
    }
    let get = |keys: &[&str]| keys.iter().find_map(|k| doc.meta.get(*k).cloned());
    meta.publisher = get(&["publisher", "og:site_name", "citation_publisher"]).unwrap_or_default();
    meta.authors = get(&["author", "citation_author"]).into_iter().collect();
    meta.url = doc.canonical.clone().or_else(|| get(&["og:url"]));
    if let Some(date) = get(&["date", "article:published_time", "citation_publication_date"]) {
        meta.published = parse_date(&toml::Value::String(date)).ok();
    }
    if let Some(keywords) = get(&["keywords"]) {
        meta.topics = keywords.split(',').map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()).collect();
    }
    Ok((meta, body))
}

#[derive(Default)]
struct Scanned {
    title: String,
    text: String,
    meta: HashMap<String, String>,
    canonical: Option<String>,
}

fn scan(html: &str) -> Scanned {
    let mut out = Scanned::default();
    let mut rest = html;
    let mut hidden: Option<String> = None;
    let mut in_title = false;
    while let Some(lt) = rest.find('<') {
        let chunk = decode_entities(&rest[..lt]);
        if in_title {
            out.title.push_str(&chunk);
        } else if hidden.is_none() {
            out.text.push_str(&chunk);
        }
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(h) = &hidden {
            if closing && *h == name {
                hidden = None;
            }
            if name != "title" && name != "meta" && name != "link" {
                continue;
            }
        }
        match (name.as_str(), closing) {
            ("title", false) => in_title = true,
            ("title", true) => in_title = false,
            ("meta", _) => record_meta(tag, &mut out.meta),
            ("link", _) if attr(tag, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                out.canonical = attr(tag, "href");
            }
            (n, false) if HIDDEN_TAGS.contains(&n) => hidden = Some(n.to_string()),
            (n, _) if BLOCK_TAGS.contains(&n) => out.text.push_str("\n\n"),
            _ => {}
        }
    }
    if hidden.is_none() {
        out.text.push_str(&decode_entities(rest));
    }
    out
}

fn record_meta(tag: &str, meta: &mut HashMap<String, String>) {
    let key = attr(tag, "name").or_else(|| attr(tag, "property"));
    if let (Some(key), Some(content)) = (key, attr(tag, "content")) {
        meta.entry(key.to_ascii_lowercase()).or_insert(content);
    }
}

/// Value of attribute `name` in a tag's inner text, quoted or not.
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let start = from + pos;
        from = start + name.len();
        let before_ok = start == 0 || lower.as_bytes()[start - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        let text = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default(),
            _ => value.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or_default(),
        };
        return Some(decode_entities(text));
    }
    None
}

/// Decodes the common named entities and numeric character references.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Bytes, not a string slice: the 12th byte may fall inside a character.
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "ndash" => Some('–'),
            "mdash" => Some('—'),
            "rsquo" | "lsquo" => Some('\''),
            "ldquo" | "rdquo" => Some('"'),
            "euro" => Some('€'),
            "yen" => Some('¥'),
            _ => numeric_entity(entity),
        };
        match decoded {
            Some(ch) => {
                out.push(ch);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn numeric_entity(entity: &str) -> Option<char> {
    let digits = entity.strip_prefix('#')?;
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head><title>HBM &amp; CoWoS</title>
<meta name="author" content="A. Writer"><meta property="og:site_name" content="TrendForce">
<meta name="date" content="2024-07-02"><link rel="canonical" href="https://example.test/hbm">
<style>p { color: red }</style><script>var x = "<p>hidden</p>";</script></head>
<body><h1>Headline</h1><p>SK hynix led with 50%&nbsp;share.</p><!-- note --><p>Samsung &lt;followed&gt;.</p></body></html>"#;

    #[test]
    fn extracts_text_and_metadata() {
        let (meta, body) = parse(PAGE, "stem").expect("parse");
        assert_eq!(meta.title, "HBM & CoWoS");
        assert_eq!(meta.publisher, "TrendForce");
        assert_eq!(meta.url.as_deref(), Some("https://example.test/hbm"));
        assert_eq!(meta.published.map(|d| d.to_string()), Some("2024-07-02".into()));
        assert_eq!(body, "Headline\n\nSK hynix led with 50% share.\n\nSamsung <followed>.");
        assert!(!body.contains("hidden") && !body.contains("color"));
    }

    #[test]
    fn numeric_entities_decode() {
        assert_eq!(decode_entities("&#36;5 &#x20AC;3 &bogus; & x"), "$5 €3 &bogus; & x");
    }

    #[test]
    fn an_ampersand_before_multibyte_text_is_kept() {
        // The entity search cut the text at byte 12, inside "é", and panicked.
        assert_eq!(decode_entities("&ééééééé;"), "&ééééééé;");
        assert_eq!(decode_entities("a & 中国人工智能芯片"), "a & 中国人工智能芯片");
        let (_, body) = parse("<p>R&ééééééé D</p>", "s").expect("parse");
        assert_eq!(body, "R&ééééééé D");
    }

    #[test]
    fn empty_page_is_an_error() {
        assert!(parse("<html><script>x</script></html>", "s").is_err());
    }
}
