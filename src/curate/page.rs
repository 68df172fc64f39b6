//! A fetched web page as a report: the main text without navigation,
//! cookie banners, footers and share buttons (readability-style extraction
//! with `dom_smoothie`), and the metadata the page states about itself:
//! `<meta>` and OpenGraph tags, JSON-LD `datePublished` and `publisher`,
//! and `<link rel="canonical">`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use dom_smoothie::{Config, Readability, TextMode};
use regex::Regex;

use crate::report::{normalize_body, parse_bytes, ReportMeta};

/// Metadata and main text of the page `html` fetched from `url`.
pub fn read(html: &str, url: &str) -> Result<(ReportMeta, String), String> {
    // Tags, the canonical link and a fallback text come from the plain HTML reader.
    let (mut meta, whole_text) = parse_bytes("page.html", html.as_bytes()).map_err(|(_, why)| why)?;
    let config = Config { text_mode: TextMode::Formatted, ..Config::default() };
    // Readability keeps a cookie or consent notice that sits beside the
    // article when the article is short; such notices are dropped first.
    let document = dom_query::Document::from(html);
    document.select(NOTICES).remove();
    let article = Readability::with_document(document, Some(url), Some(config)).ok().and_then(|mut r| r.parse().ok());
    let mut body = whole_text;
    if let Some(article) = article {
        let main = normalize_body(&paragraphs(&article.text_content));
        // A page readability cannot make sense of keeps its whole text.
        if main.split_whitespace().count() >= 30 {
            body = main;
        }
        let title = article.title.trim();
        if !title.is_empty() {
            meta.title = title.to_string();
        }
        if meta.publisher.trim().is_empty() {
            meta.publisher = article.site_name.unwrap_or_default().trim().to_string();
        }
        if meta.published.is_none() {
            meta.published = article.published_time.as_deref().and_then(date_of);
        }
        if meta.authors.is_empty() {
            meta.authors = article.byline.into_iter().map(|b| b.trim().to_string()).filter(|b| !b.is_empty()).collect();
        }
    }
    if meta.published.is_none() {
        meta.published = json_ld(html, &DATE_PUBLISHED).as_deref().and_then(date_of);
    }
    if meta.publisher.trim().is_empty() {
        meta.publisher = json_ld(html, &PUBLISHER_NAME).unwrap_or_default();
    }
    if meta.url.is_none() {
        meta.url = Some(url.to_string());
    }
    meta.title = without_site_name(&meta.title, &meta.publisher);
    Ok((meta, body))
}

/// A page title without the site's name before or after a separator
/// ("Example News: HBM prices rise", "HBM prices rise | Example News").
fn without_site_name(title: &str, site: &str) -> String {
    let (title, site) = (title.trim(), site.trim());
    if site.is_empty() {
        return title.to_string();
    }
    const SEPARATORS: [char; 5] = [':', '|', '-', '\u{2013}', '\u{2014}'];
    let same = |part: Option<&str>| part.is_some_and(|p| p.eq_ignore_ascii_case(site));
    if same(title.get(..site.len())) {
        let rest = title[site.len()..].trim_start();
        if rest.starts_with(SEPARATORS) {
            let kept = rest.trim_start_matches(SEPARATORS).trim();
            if !kept.is_empty() {
                return kept.to_string();
            }
        }
    }
    if title.len() >= site.len() && same(title.get(title.len() - site.len()..)) {
        let head = title[..title.len() - site.len()].trim_end();
        if head.ends_with(SEPARATORS) {
            let kept = head.trim_end_matches(SEPARATORS).trim();
            if !kept.is_empty() {
                return kept.to_string();
            }
        }
    }
    title.to_string()
}

static DATE_PUBLISHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""datePublished"\s*:\s*"([^"]{4,40})""#).expect("static datePublished pattern"));
static PUBLISHER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""publisher"\s*:\s*\{[^{}]{0,400}?"name"\s*:\s*"([^"]{1,120})""#).expect("static publisher pattern")
});

/// A value from the page's JSON-LD blocks, by `pattern`'s first group.
fn json_ld(html: &str, pattern: &Regex) -> Option<String> {
    html.split("application/ld+json").skip(1).find_map(|block| {
        let script = block.split("</script>").next().unwrap_or_default();
        pattern.captures(script).and_then(|c| c.get(1)).map(|m| crate::report::decode_html_entities(m.as_str()).trim().to_string())
    })
}

/// Elements that hold cookie and consent notices, by their id, class or label.
const NOTICES: &str = "[id*=cookie i], [class*=cookie i], [id*=consent i], [class*=consent i], [aria-label*=cookie i], [id*=gdpr i], [class*=gdpr i]";

/// The date at the start of an ISO date or timestamp ("2025-06-05T08:00:00Z").
pub fn date_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim().get(..10)?, "%Y-%m-%d").ok()
}

/// Readability's formatted text separates blocks by single line breaks;
/// reports separate paragraphs by blank lines.
fn paragraphs(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head><title>HBM prices rise | Example News</title>
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example.com/hbm-prices">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"HBM prices rise","datePublished":"2025-06-05T08:00:00Z","publisher":{"@type":"Organization","name":"Example News"}}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/tech">Tech</a> <a href="/markets">Markets</a></nav>
<div class="cookie-banner">We use cookies. Accept all cookies to continue reading.</div>
<article><h1>HBM prices rise</h1>
<p>Contract prices for HBM3E rose 15% in the second quarter of 2025 as AI accelerator makers booked supply for the rest of the year, according to the memory makers' customers.</p>
<p>SK hynix held about 50% of HBM shipments in the quarter, with Samsung and Micron sharing the rest, and all three said their 2026 output is largely sold out already.</p>
<p>Analysts expect prices to stay firm until new capacity arrives in 2027, when several fabs now under construction begin volume production of twelve-high stacks.</p>
<p>Buyers said the increases were smaller than those for conventional server DRAM, where contract prices rose faster in the same quarter, and that long-term agreements now cover most of next year's volume for the largest accelerator programmes.</p>
</article>
<footer>Share on X · Share on LinkedIn · © Example News 2025 · Privacy · Terms</footer>
</body></html>"#;

    #[test]
    fn site_names_are_cut_from_titles() {
        assert_eq!(without_site_name("Example News: HBM prices rise", "Example News"), "HBM prices rise");
        assert_eq!(without_site_name("HBM prices rise | Example News", "Example News"), "HBM prices rise");
        assert_eq!(without_site_name("HBM prices rise \u{2014} Example News", "Example News"), "HBM prices rise");
        assert_eq!(without_site_name("Example News", "Example News"), "Example News");
        assert_eq!(without_site_name("Micron: record quarter", "TrendForce"), "Micron: record quarter");
    }

    #[test]
    fn main_text_and_metadata_come_from_the_page() {
        let (meta, body) = read(PAGE, "https://news.example.com/hbm-prices?utm_source=x").expect("reads");
        assert_eq!(meta.publisher, "Example News");
        assert_eq!(meta.published.map(|d| d.to_string()).as_deref(), Some("2025-06-05"));
        assert_eq!(meta.url.as_deref(), Some("https://news.example.com/hbm-prices"));
        assert!(body.contains("rose 15% in the second quarter of 2025"), "{body}");
        assert!(body.contains("\n\n"), "paragraphs are kept: {body}");
        for chrome in ["Accept all cookies", "Share on LinkedIn", "Markets"] {
            assert!(!body.contains(chrome), "{chrome} is page furniture: {body}");
        }
    }
}
