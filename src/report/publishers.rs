//! Canonical publisher names. Reports spell the same publisher several ways
//! ("DIGITIMES", "DigiTimes Asia"); the alias table in
//! `config/publishers.toml` maps every spelling a team has met to one name,
//! so that `publisher:` filters, `sources` and digests count one publisher
//! once. A source read through a republisher is written
//! `Original (via Republisher)`; both names are looked up.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    publisher: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// The alias table: every known spelling, folded, to its canonical name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Publishers {
    by_spelling: HashMap<String, String>,
}

/// How a report names a republished source: `Original (via Republisher)`.
const VIA: &str = " (via ";

fn fold(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Publishers {
    /// A table that knows no publisher: every name stays as written.
    pub fn empty() -> Publishers {
        Publishers::default()
    }

    /// Reads the table from `path`; errors name the file.
    pub fn load(path: &Path) -> Result<Publishers> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Publishers::from_file_text(&text, path)
    }

    /// Parses text already read from `path`; errors name that path.
    pub fn from_file_text(text: &str, path: &Path) -> Result<Publishers> {
        Publishers::parse(text).map_err(|reason| Error::Config(format!("{}: {reason}", path.display())))
    }

    /// Parses the table's TOML; a spelling given to two names is an error.
    pub fn parse(text: &str) -> std::result::Result<Publishers, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut by_spelling: HashMap<String, String> = HashMap::new();
        for entry in file.publisher {
            let name = entry.name.trim().to_string();
            if name.is_empty() {
                return Err("a [[publisher]] entry has an empty name".into());
            }
            for spelling in std::iter::once(&entry.name).chain(&entry.aliases) {
                if let Some(other) = by_spelling.insert(fold(spelling), name.clone()) {
                    if other != name {
                        return Err(format!("`{spelling}` is given both to `{other}` and to `{name}`"));
                    }
                }
            }
        }
        Ok(Publishers { by_spelling })
    }

    /// The canonical form of `name`: each part of `Original (via
    /// Republisher)` replaced by its canonical name where the table knows it.
    pub fn canonical(&self, name: &str) -> String {
        let name = name.trim();
        match split_via(name) {
            Some((original, republisher)) => format!("{}{VIA}{})", self.one(original), self.one(republisher)),
            None => self.one(name),
        }
    }

    /// Whether `name` is written exactly as the table's canonical names.
    pub fn is_canonical(&self, name: &str) -> bool {
        let known = |part: &str| self.by_spelling.get(&fold(part)).is_some_and(|c| c == part);
        match split_via(name) {
            Some((original, republisher)) => known(original) && known(republisher),
            None => known(name),
        }
    }

    /// The canonical names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.by_spelling.values().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    fn one(&self, name: &str) -> String {
        self.by_spelling.get(&fold(name)).cloned().unwrap_or_else(|| name.trim().to_string())
    }
}

/// `("Reuters", "Yahoo Finance")` from `Reuters (via Yahoo Finance)`.
fn split_via(name: &str) -> Option<(&str, &str)> {
    let inner = name.strip_suffix(')')?;
    let (original, republisher) = inner.split_once(VIA)?;
    Some((original.trim(), republisher.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"
[[publisher]]
name = "DIGITIMES Asia"
aliases = ["DIGITIMES", "DigiTimes", "DigiTimes Asia"]

[[publisher]]
name = "Reuters"

[[publisher]]
name = "Yahoo Finance"
"#;

    #[test]
    fn spellings_fold_to_one_name_and_unknown_names_stay() {
        let p = Publishers::parse(TABLE).expect("table");
        assert_eq!(p.canonical("DigiTimes"), "DIGITIMES Asia");
        assert_eq!(p.canonical("  digitimes   asia "), "DIGITIMES Asia");
        assert_eq!(p.canonical("Some Blog"), "Some Blog");
        assert!(p.is_canonical("DIGITIMES Asia"));
        assert!(!p.is_canonical("DigiTimes"));
        assert!(!p.is_canonical("Some Blog"));
    }

    #[test]
    fn both_sides_of_a_republished_source_are_looked_up() {
        let p = Publishers::parse(TABLE).expect("table");
        assert_eq!(p.canonical("reuters (via yahoo finance)"), "Reuters (via Yahoo Finance)");
        assert!(p.is_canonical("Reuters (via Yahoo Finance)"));
        assert!(!p.is_canonical("Reuters (via Some Blog)"));
    }

    #[test]
    fn a_spelling_claimed_by_two_names_is_refused() {
        let err = Publishers::parse("[[publisher]]\nname = \"A\"\naliases = [\"X\"]\n[[publisher]]\nname = \"B\"\naliases = [\"x\"]\n")
            .expect_err("clash");
        assert!(err.contains("`x`") && err.contains("`A`") && err.contains("`B`"), "{err}");
    }
}
