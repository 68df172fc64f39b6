//! Optional metadata for reports that cannot carry front matter (`.txt`,
//! `.html`, `.pdf`): a TOML file next to the report named `<file>.meta.toml`,
//! for example `smic-annual-2024.pdf.meta.toml`. Every key is optional and
//! overrides what the loader derived from the file itself.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{markdown::parse_date, ReportMeta};

/// Suffix that marks a sidecar metadata file.
pub(super) const SUFFIX: &str = ".meta.toml";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Sidecar {
    id: Option<String>,
    title: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    published: Option<toml::Value>,
    authors: Option<Vec<String>>,
    companies: Option<Vec<String>>,
    topics: Option<Vec<String>>,
    region: Option<String>,
    language: Option<String>,
}

/// Path of the sidecar that belongs to `report`.
pub(super) fn path_for(report: &Path) -> PathBuf {
    let mut name = report.as_os_str().to_owned();
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// Parses sidecar text; errors carry a 1-based line.
pub(super) fn parse(text: &str) -> Result<Sidecar, (usize, String)> {
    if let Some(line) = super::toml_depth::too_deep(text) {
        return Err((line, format!("nests arrays or tables more than {} deep", super::toml_depth::MAX_DEPTH)));
    }
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count())
            .unwrap_or(1);
        (line, e.message().to_string())
    })
}

impl Sidecar {
    /// Applies every field that is set on top of `meta`.
    pub(super) fn apply(self, meta: &mut ReportMeta) -> Result<(), String> {
        if let Some(published) = &self.published {
            meta.published = Some(parse_date(published)?);
        }
        let set = |target: &mut String, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
                *target = v;
            }
        };
        set(&mut meta.id, self.id);
        set(&mut meta.title, self.title);
        set(&mut meta.publisher, self.publisher);
        meta.url = self.url.or(meta.url.take());
        meta.authors = self.authors.unwrap_or(std::mem::take(&mut meta.authors));
        meta.companies = self.companies.unwrap_or(std::mem::take(&mut meta.companies));
        if let Some(topics) = self.topics {
            meta.topics = topics.into_iter().map(|t| t.to_lowercase()).collect();
        }
        meta.region = self.region.or(meta.region.take());
        meta.language = self.language.or(meta.language.take());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_overrides_derived_fields() {
        let mut meta = ReportMeta {
            id: "derived".into(),
            title: "Derived".into(),
            ..ReportMeta::default()
        };
        let car = parse("title = \"Real title\"\npublished = 2024-03-01\ntopics = [\"HBM\"]\n")
            .expect("parse");
        car.apply(&mut meta).expect("apply");
        assert_eq!(meta.id, "derived");
        assert_eq!(meta.title, "Real title");
        assert_eq!(meta.topics, vec!["hbm"]);
        assert!(meta.published.is_some());
    }

    #[test]
    fn sidecar_errors_carry_lines() {
        let (line, reason) = parse("title = \"x\"\nbogus = 1\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(reason.contains("bogus"));
    }

    #[test]
    fn sidecar_path_appends_suffix() {
        assert_eq!(path_for(Path::new("a/b.pdf")), PathBuf::from("a/b.pdf.meta.toml"));
    }
}
