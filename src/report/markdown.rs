//! Markdown reports with TOML front matter between `+++` lines.
//!
//! ```text
//! +++
//! id = "2025-12-bernstein-china-ai-chips"
//! title = "..."
//! publisher = "Bernstein"
//! url = "https://..."
//! published = 2025-12-04
//! companies = ["Huawei"]
//! +++
//! Body paragraphs...
//! ```

use serde::Deserialize;

use super::{is_valid_id, normalize_body, ReportMeta};

/// Front-matter fields; unknown keys are an error so typos are caught.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FrontMatter {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub published: toml::Value,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub companies: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    pub region: Option<String>,
    pub language: Option<String>,
}

/// A parse failure with the 1-based line it refers to.
#[derive(Debug, PartialEq)]
pub(super) struct ParseFailure {
    pub line: usize,
    pub reason: String,
}

fn fail(line: usize, reason: impl Into<String>) -> ParseFailure {
    ParseFailure {
        line,
        reason: reason.into(),
    }
}

/// Parses a Markdown report into metadata and normalised body text.
pub(super) fn parse(text: &str) -> Result<(ReportMeta, String), ParseFailure> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    match lines.next().map(str::trim_end) {
        Some("+++") => {}
        Some("---") => {
            return Err(fail(1, "YAML front matter (---) is not supported; use TOML between +++ lines"))
        }
        _ => return Err(fail(1, "missing front matter: the file must start with a `+++` line")),
    }
    let mut front = String::new();
    let mut closing_line = None;
    for (index, line) in lines.by_ref().enumerate() {
        if line.trim_end() == "+++" {
            closing_line = Some(index + 2);
            break;
        }
        front.push_str(line);
        front.push('\n');
    }
    let closing_line =
        closing_line.ok_or_else(|| fail(1, "front matter is not closed by a `+++` line"))?;
    if let Some(line) = super::toml_depth::too_deep(&front) {
        return Err(fail(line + 1, format!("front matter nests arrays or tables more than {} deep", super::toml_depth::MAX_DEPTH)));
    }
    let matter: FrontMatter = toml::from_str(&front).map_err(|e| {
        let line = e
            .span()
            .map(|span| 2 + front[..span.start.min(front.len())].matches('\n').count())
            .unwrap_or(1);
        fail(line, e.message().to_string())
    })?;
    let body = normalize_body(&lines.collect::<Vec<_>>().join("\n"));
    if body.trim().is_empty() {
        return Err(fail(closing_line, "the report body is empty"));
    }
    let meta = validate(matter).map_err(|reason| fail(2, reason))?;
    Ok((meta, body))
}

fn validate(m: FrontMatter) -> Result<ReportMeta, String> {
    if !is_valid_id(&m.id) {
        return Err(format!(
            "invalid id `{}`: use lowercase letters, digits, `-`, `_` or `.`",
            m.id
        ));
    }
    for (name, value) in [("title", &m.title), ("publisher", &m.publisher)] {
        if value.trim().is_empty() {
            return Err(format!("`{name}` must not be empty"));
        }
    }
    if !(m.url.starts_with("https://") || m.url.starts_with("http://")) {
        return Err(format!("`url` must start with http:// or https://, got `{}`", m.url));
    }
    let published = parse_date(&m.published)?;
    Ok(ReportMeta {
        id: m.id,
        title: m.title.trim().to_string(),
        publisher: m.publisher.trim().to_string(),
        url: Some(m.url),
        published: Some(published),
        authors: m.authors,
        companies: m.companies,
        topics: m.topics.into_iter().map(|t| t.to_lowercase()).collect(),
        region: m.region,
        language: m.language,
    })
}

/// Accepts a TOML date (`2025-12-04`) or a string holding one.
pub(super) fn parse_date(value: &toml::Value) -> Result<chrono::NaiveDate, String> {
    let text = match value {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s.clone(),
        other => return Err(format!("`published` must be a date like 2025-12-04, got {other}")),
    };
    let date_part = text.get(..10).unwrap_or(&text);
    chrono::NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .map_err(|_| format!("`published` must be a date like 2025-12-04, got `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"r1\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.test/a\"\npublished = 2025-12-04\ncompanies = [\"Huawei\"]\ntopics = [\"HBM\"]\n+++\n\nPara one\ncontinues.\n\nPara two.\n";

    #[test]
    fn deeply_nested_front_matter_is_refused_without_overflowing_the_stack() {
        let text = format!("+++\nid = \"r1\"\ntopics = {}\"x\"{}\n+++\n\nBody.\n", "[".repeat(100_000), "]".repeat(100_000));
        let outcome = std::thread::Builder::new().stack_size(256 * 1024).spawn(move || parse(&text)).expect("thread").join().expect("no overflow");
        let err = outcome.expect_err("refused");
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("more than 64 deep"), "{}", err.reason);
    }

    #[test]
    fn parses_front_matter_and_body() {
        let (meta, body) = parse(GOOD).expect("parse");
        assert_eq!(meta.id, "r1");
        assert_eq!(meta.published.map(|d| d.to_string()), Some("2025-12-04".into()));
        assert_eq!(meta.topics, vec!["hbm"]);
        assert_eq!(body, "Para one continues.\n\nPara two.");
    }

    #[test]
    fn string_dates_are_accepted() {
        let text = GOOD.replace("published = 2025-12-04", "published = \"2024-01-31\"");
        let (meta, _) = parse(&text).expect("parse");
        assert_eq!(meta.published.map(|d| d.to_string()), Some("2024-01-31".into()));
    }

    #[test]
    fn missing_front_matter_is_line_one() {
        assert_eq!(parse("Just text").unwrap_err().line, 1);
    }

    #[test]
    fn yaml_front_matter_is_explained() {
        let err = parse("---\nid: x\n---\nbody").unwrap_err();
        assert!(err.reason.contains("TOML"), "{}", err.reason);
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let err = parse("+++\nid = \"x\"\nbody").unwrap_err();
        assert!(err.reason.contains("not closed"));
    }

    #[test]
    fn toml_syntax_error_names_its_line() {
        let text = GOOD.replace("publisher = \"P\"", "publisher = P oops");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.line, 4, "{err:?}");
    }

    #[test]
    fn unknown_key_is_rejected() {
        let text = GOOD.replace("+++\n\n", "colour = \"red\"\n+++\n\n");
        let err = parse(&text).unwrap_err();
        assert!(err.reason.contains("colour"), "{}", err.reason);
    }

    #[test]
    fn missing_required_field_is_rejected() {
        let text = GOOD.replace("url = \"https://x.test/a\"\n", "");
        let err = parse(&text).unwrap_err();
        assert!(err.reason.contains("url"), "{}", err.reason);
    }

    #[test]
    fn bad_date_and_bad_url_are_rejected() {
        let bad_date = GOOD.replace("2025-12-04", "\"04/12/2025\"");
        assert!(parse(&bad_date).unwrap_err().reason.contains("published"));
        let bad_url = GOOD.replace("https://x.test/a", "ftp://x");
        assert!(parse(&bad_url).unwrap_err().reason.contains("url"));
    }

    #[test]
    fn empty_body_is_rejected() {
        let text = GOOD.split("+++\n\n").next().unwrap_or_default().to_string() + "+++\n\n   \n";
        assert!(parse(&text).unwrap_err().reason.contains("empty"));
    }
}
