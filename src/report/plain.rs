//! Plain-text reports. An optional header of `Key: value` lines (Title,
//! Publisher, URL, Published, Authors, Companies, Topics, Region, Language,
//! Id), ended by a blank line, supplies metadata; otherwise the first
//! non-empty line is the title.

use super::{markdown::parse_date, normalize_body, ReportMeta};

/// Parses a text report. `stem_id` is used when no `Id:` header is given.
pub(super) fn parse(text: &str, stem_id: &str) -> Result<(ReportMeta, String), (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut meta = ReportMeta {
        id: stem_id.to_string(),
        ..ReportMeta::default()
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut body_start = 0;
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            body_start = if index == 0 { 0 } else { index + 1 };
            break;
        }
        match header(line) {
            Some((key, value)) => apply(&mut meta, &key, value).map_err(|r| (index + 1, r))?,
            None => {
                body_start = 0;
                meta = ReportMeta {
                    id: stem_id.to_string(),
                    ..ReportMeta::default()
                };
                break;
            }
        }
        body_start = index + 1;
    }
    let body = normalize_body(&lines[body_start.min(lines.len())..].join("\n"));
    if body.is_empty() {
        return Err((body_start + 1, "the report has no text".into()));
    }
    if meta.title.is_empty() {
        meta.title = first_line_title(&body);
    }
    Ok((meta, body))
}

/// The first line of the body, shortened, as a fallback title.
pub(super) fn first_line_title(body: &str) -> String {
    let first = body.lines().next().unwrap_or_default();
    let mut title: String = first.chars().take(100).collect();
    if first.chars().count() > 100 {
        title.push('…');
    }
    title
}

fn header(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    const KEYS: [&str; 10] = [
        "id", "title", "publisher", "url", "published", "authors", "companies", "topics", "region",
        "language",
    ];
    KEYS.contains(&key.as_str()).then_some((key, value.trim()))
}

fn list(value: &str) -> Vec<String> {
    value
        .split([',', ';'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
        .collect()
}

fn apply(meta: &mut ReportMeta, key: &str, value: &str) -> Result<(), String> {
    match key {
        "id" => meta.id = value.to_string(),
        "title" => meta.title = value.to_string(),
        "publisher" => meta.publisher = value.to_string(),
        "url" => meta.url = Some(value.to_string()),
        "published" => meta.published = Some(parse_date(&toml::Value::String(value.into()))?),
        "authors" => meta.authors = list(value),
        "companies" => meta.companies = list(value),
        "topics" => meta.topics = list(value).iter().map(|t| t.to_lowercase()).collect(),
        "region" => meta.region = Some(value.to_string()),
        _ => meta.language = Some(value.to_string()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_block_sets_metadata() {
        let text = "Title: SMIC capacity\nPublisher: Example\nPublished: 2024-05-01\nCompanies: SMIC, Huawei\n\nSMIC added capacity.\n";
        let (meta, body) = parse(text, "stem").expect("parse");
        assert_eq!(meta.title, "SMIC capacity");
        assert_eq!(meta.companies, vec!["SMIC", "Huawei"]);
        assert_eq!(meta.id, "stem");
        assert_eq!(body, "SMIC added capacity.");
    }

    #[test]
    fn without_header_the_first_line_is_the_title() {
        let (meta, body) = parse("HBM outlook\n\nNote: supply is tight.", "s").expect("parse");
        assert_eq!(meta.title, "HBM outlook");
        assert!(body.contains("Note: supply"));
    }

    #[test]
    fn bad_header_date_names_the_line() {
        let (line, reason) = parse("Title: x\nPublished: soon\n\nbody", "s").unwrap_err();
        assert_eq!(line, 2);
        assert!(reason.contains("published"));
    }

    #[test]
    fn empty_text_is_an_error() {
        assert!(parse("  \n\n", "s").is_err());
    }
}
