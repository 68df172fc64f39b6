//! Feeds: the entries of an RSS, Atom or JSON feed (parsed with `feed-rs`),
//! each with the key it is remembered by (its GUID, else its link), and the
//! filter in chipbot's query words that decides which entries' reports are
//! proposed (`topic:hbm OR company:smic`).

use crate::error::{Error, Result};
use crate::figures::Gazetteer;
use crate::report::{slug, ReportMeta};

/// One feed entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What the entry is remembered by: its GUID, else its link.
    pub key: String,
    pub link: String,
    pub title: String,
}

/// The entries of a feed document, newest first as the feed lists them;
/// entries without a link are skipped.
pub fn entries(bytes: &[u8]) -> Result<Vec<Entry>> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| Error::Curation(format!("the feed could not be read ({e})")))?;
    Ok(feed
        .entries
        .into_iter()
        .filter_map(|entry| {
            let link = entry.links.iter().find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate")).or(entry.links.first())?.href.clone();
            let key = if entry.id.trim().is_empty() { link.clone() } else { entry.id.clone() };
            let title = entry.title.map(|t| t.content).unwrap_or_default();
            Some(Entry { key, link, title })
        })
        .collect())
}

/// Whether a draft report matches `filter`: clauses joined by `OR`, each a
/// list of words that must all match: `company:X` (a company of the report,
/// by the gazetteer's name), `topic:X`, `publisher:X`, `region:X`, or a
/// plain word of its title or text.
pub fn matches(filter: &str, meta: &ReportMeta, body: &str, gazetteer: &Gazetteer) -> bool {
    let text = format!("{} {}", meta.title, body).to_lowercase();
    filter.split(" OR ").any(|clause| {
        let words = words(clause);
        !words.is_empty() && words.iter().all(|word| matches_word(word, meta, &text, gazetteer))
    })
}

/// The words of a clause; a quoted part ("SK hynix") stays one word.
fn words(clause: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in clause.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn matches_word(word: &str, meta: &ReportMeta, text: &str, gazetteer: &Gazetteer) -> bool {
    let same = |a: &str, b: &str| slug(a) == slug(b);
    let Some((key, value)) = word.split_once(':') else {
        return text.contains(&word.trim_matches('"').to_lowercase());
    };
    let value = value.trim_matches('"');
    match key.to_ascii_lowercase().as_str() {
        "company" => {
            let canonical = gazetteer.mentions(value).into_iter().next().unwrap_or_else(|| value.to_string());
            meta.companies.iter().any(|c| same(c, &canonical) || same(c, value))
        }
        "topic" => meta.topics.iter().any(|t| same(t, value)) || text.contains(&value.to_lowercase()),
        "publisher" => slug(&meta.publisher).contains(&slug(value)),
        "region" => meta.region.as_deref().is_some_and(|r| same(r, value)),
        _ => text.contains(&word.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>HBM prices rise</title><link>https://example.com/a</link><guid>urn:a</guid></item>
<item><title>No guid</title><link>https://example.com/b</link></item>
<item><title>No link</title></item>
</channel></rss>"#;

    #[test]
    fn entries_are_keyed_by_guid_else_link() {
        let got = entries(RSS.as_bytes()).expect("parses");
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].key.as_str(), got[0].link.as_str()), ("urn:a", "https://example.com/a"));
        assert_eq!(got[1].link, "https://example.com/b");
        assert!(entries(b"<rss><channel><item>").is_err(), "a broken feed is an error, not an empty list");
    }

    #[test]
    fn filters_take_clauses_joined_by_or() {
        let gazetteer = Gazetteer::from_toml_str("[[entity]]\nname = \"SMIC\"\naliases = [\"Semiconductor Manufacturing International\"]\n").expect("gazetteer");
        let meta = ReportMeta { title: "Foundry note".into(), companies: vec!["SMIC".into()], topics: vec!["foundry".into()], ..ReportMeta::default() };
        assert!(matches("topic:hbm OR company:smic", &meta, "text", &gazetteer));
        assert!(matches("company:\"Semiconductor Manufacturing International\" utilisation", &meta, "utilisation rose", &gazetteer));
        assert!(!matches("topic:hbm", &meta, "about foundries", &gazetteer));
        assert!(!matches("company:smic capex", &meta, "utilisation rose", &gazetteer));
    }
}
