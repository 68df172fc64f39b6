//! The gazetteer: curated companies, products, technologies and regions that
//! figures can be about, loaded from `config/gazetteer.toml`:
//!
//! ```toml
//! [[entity]]
//! name = "Huawei"
//! aliases = ["Ascend", "HiSilicon", "Ascend 910C"]
//! kind = "company"            # company | product | technology | region (default company)
//! case_sensitive = ["Ascend"] # optional: terms matched with exact case only
//! ```
//!
//! Names and aliases match case-insensitively as whole words (a term is not
//! found inside a longer word: "Intel" is not in "Intelligence"), except the
//! terms listed in `case_sensitive`, which exist for aliases that are also
//! ordinary words ("US" versus "us", "Micron" versus "micron"). Where terms
//! overlap, the leftmost, then longest, wins ("SK hynix" over "hynix").

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

/// What sort of thing an entity is; drives subject preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    #[default]
    Company,
    Product,
    Technology,
    Region,
}

impl EntityKind {
    /// Subject preference, lower first: company/product, technology, region.
    fn rank(self) -> u8 {
        match self {
            EntityKind::Company | EntityKind::Product => 0,
            EntityKind::Technology => 1,
            EntityKind::Region => 2,
        }
    }
}

/// Why a gazetteer could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("cannot read gazetteer {}: {source}{}", .path.display(), relative_path_hint(.path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `path` is the file, or `"<string>"` for [`Gazetteer::from_toml_str`];
    /// `message` starts with "line N: " when the line is known.
    #[error("invalid gazetteer {path}: {message}")]
    Parse {
        path: String,
        line: Option<usize>,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    entity: Vec<EntityDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityDef {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    kind: EntityKind,
    #[serde(default)]
    case_sensitive: Vec<String>,
}

#[derive(Debug, Clone)]
struct Entity {
    name: String,
    kind: EntityKind,
}

/// A searchable term as written, and whether its case must match.
#[derive(Debug, Clone)]
struct Term {
    text: String,
    exact: bool,
}

/// A gazetteer term found in a text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Mention<'g> {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) name: &'g str,
    pub(super) rank: u8,
}

/// For a relative path, where it was looked for and how to point elsewhere.
fn relative_path_hint(path: &Path) -> String {
    if path.is_absolute() {
        return String::new();
    }
    let cwd = std::env::current_dir().map_or_else(|_| "the working directory".to_string(), |d| d.display().to_string());
    format!(" (looked for relative to {cwd}: run chipbot from the project folder, or set `figures.gazetteer`)")
}

/// Entities and the terms that refer to them.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    entities: Vec<Entity>,
    terms: Vec<Term>,
    lookup: HashMap<String, usize>,
    /// All terms as one whole-word alternation, longest first.
    matcher: Option<Regex>,
}

impl Gazetteer {
    /// Parse a gazetteer from TOML text (errors name the path `"<string>"`).
    pub fn from_toml_str(s: &str) -> Result<Self, GazetteerError> {
        Self::parse(s, "<string>")
    }

    /// Load a gazetteer file; errors name the path and the reason.
    pub fn load(path: &Path) -> Result<Self, GazetteerError> {
        let source = std::fs::read_to_string(path).map_err(|source| GazetteerError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_file_text(&source, path)
    }

    /// Parse text already read from `path`; errors name that path.
    pub fn from_file_text(text: &str, path: &Path) -> Result<Self, GazetteerError> {
        Self::parse(text, &path.display().to_string())
    }

    /// A gazetteer that knows no entity.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The names of entity `name` (its canonical name and aliases) written
    /// with Han characters, in the gazetteer's order: how a Chinese report
    /// names it.
    pub fn han_names(&self, name: &str) -> Vec<&str> {
        self.names(name).into_iter().filter(|n| n.chars().any(crate::segment::is_han)).collect()
    }

    /// Every name of the entity `name` names (canonical name and aliases), in table order.
    pub fn names(&self, name: &str) -> Vec<&str> {
        let Some(&id) = self.lookup.get(&name.trim().to_ascii_lowercase()) else { return Vec::new() };
        self.terms.iter().filter(|t| self.lookup.get(&t.text.to_ascii_lowercase()) == Some(&id)).map(|t| t.text.as_str()).collect()
    }

    /// Canonical names of every entity mentioned in `text` (case-insensitive,
    /// whole words, aliases resolved), in order of first appearance, deduplicated.
    pub fn mentions(&self, text: &str) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for m in self.locate(text) {
            if !names.iter().any(|n| n == m.name) {
                names.push(m.name.to_string());
            }
        }
        names
    }

    /// Every mention in `text` with its byte range and canonical name, in order.
    pub fn mentions_at(&self, text: &str) -> Vec<(std::ops::Range<usize>, String)> {
        self.locate(text).into_iter().map(|m| (m.start..m.end, m.name.to_string())).collect()
    }

    /// Canonical name for one term or alias, if known ("Ascend" -> "Huawei").
    pub fn canonical(&self, term: &str) -> Option<&str> {
        let id = *self.lookup.get(&term.trim().to_ascii_lowercase())?;
        self.entities.get(id).map(|e| e.name.as_str())
    }

    /// The kind of the entity called `name` (canonical name or alias).
    pub fn kind(&self, name: &str) -> Option<EntityKind> {
        let id = *self.lookup.get(&name.trim().to_ascii_lowercase())?;
        self.entities.get(id).map(|e| e.kind)
    }

    /// Every mention in `text`, in order, without overlaps: at each position
    /// the longest term wins.
    pub(super) fn locate(&self, text: &str) -> Vec<Mention<'_>> {
        let mut mentions = Vec::new();
        let Some(matcher) = &self.matcher else {
            return mentions;
        };
        let mut pos = 0;
        while let Some(m) = matcher.find_at(text, pos) {
            let step = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            // "US$" is a currency, not the United States.
            if text[m.end()..].starts_with('$') {
                pos = step;
                continue;
            }
            let entity = self.lookup.get(&m.as_str().to_ascii_lowercase());
            if let Some(entity) = entity.and_then(|&id| self.entities.get(id)) {
                let (start, end) = (m.start(), m.end());
                mentions.push(Mention {
                    start,
                    end,
                    name: &entity.name,
                    rank: entity.kind.rank(),
                });
            }
            pos = m.end().max(step);
        }
        mentions
    }

    fn parse(source: &str, origin: &str) -> Result<Self, GazetteerError> {
        let file: FileDef = toml::from_str(source).map_err(|e| {
            let line = e.span().map(|span| line_at(source, span.start));
            parse_error(origin, line, e.message())
        })?;
        let mut gazetteer = Self::default();
        for def in file.entity {
            gazetteer.add(def, source, origin)?;
        }
        gazetteer.matcher = build_matcher(&gazetteer.terms)
            .map_err(|e| parse_error(origin, None, &format!("cannot index terms: {e}")))?;
        Ok(gazetteer)
    }

    fn add(&mut self, def: EntityDef, source: &str, origin: &str) -> Result<(), GazetteerError> {
        let name = def.name.trim().to_string();
        let terms: Vec<&str> = std::iter::once(name.as_str())
            .chain(def.aliases.iter().map(|a| a.trim()))
            .collect();
        if let Some(bad) = terms.iter().find(|t| t.is_empty()) {
            let line = line_of(source, &format!("\"{bad}\""));
            return Err(parse_error(origin, line, "empty entity name or alias"));
        }
        if let Some(odd) = def
            .case_sensitive
            .iter()
            .find(|t| !terms.contains(&t.trim()))
        {
            let line = line_of(source, &format!("\"{odd}\""));
            let message = format!("case_sensitive term \"{odd}\" is not a name or alias of {name}");
            return Err(parse_error(origin, line, &message));
        }
        let id = self.entities.len();
        for term in &terms {
            let exact = def.case_sensitive.iter().any(|t| t.trim() == *term);
            self.register(term, exact, id, source, origin)?;
        }
        self.entities.push(Entity {
            name,
            kind: def.kind,
        });
        Ok(())
    }

    fn register(
        &mut self,
        term: &str,
        exact: bool,
        id: usize,
        source: &str,
        origin: &str,
    ) -> Result<(), GazetteerError> {
        let key = term.to_ascii_lowercase();
        if let Some(&other) = self.lookup.get(&key).filter(|&&other| other != id) {
            let owner = self
                .entities
                .get(other)
                .map_or("another entity", |e| e.name.as_str());
            let line = line_of(source, &format!("\"{term}\""));
            let message = format!("term \"{term}\" already belongs to {owner}");
            return Err(parse_error(origin, line, &message));
        }
        self.lookup.insert(key, id);
        let duplicate = !exact
            && self
                .terms
                .iter()
                .any(|t| !t.exact && t.text.eq_ignore_ascii_case(term));
        if !duplicate {
            self.terms.push(Term {
                text: term.to_string(),
                exact,
            });
        }
        Ok(())
    }
}

/// One case-insensitive regex matching every term as a whole word
/// ([`term_pattern`]), longest alternatives first so that the longest term
/// wins at a position.
fn build_matcher(terms: &[Term]) -> Result<Option<Regex>, regex::Error> {
    if terms.is_empty() {
        return Ok(None);
    }
    let mut sorted: Vec<&Term> = terms.iter().collect();
    sorted.sort_by_key(|t| std::cmp::Reverse(t.text.len()));
    let alternatives: Vec<String> = sorted.iter().map(|t| term_pattern(t)).collect();
    Regex::new(&format!("(?i){}", alternatives.join("|"))).map(Some)
}

/// A term's word boundaries are ASCII ones (`(?-u:\b)`) where it starts or
/// ends with an ASCII letter or digit: Unicode boundaries keep the regex
/// engine off its fast automata for any text with a non-ASCII character (a
/// dash, a curly quote), which made this matcher a sixth of an answer's
/// time. A term that starts or ends with another letter (Chinese names
/// have no spaces around them) gets no boundary there.
fn term_pattern(term: &Term) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let open = if word(term.text.chars().next()) {
        r"(?-u:\b)"
    } else {
        ""
    };
    let close = if word(term.text.chars().next_back()) {
        r"(?-u:\b)"
    } else {
        ""
    };
    let escaped = regex::escape(&term.text);
    let body = if term.exact {
        format!("(?-i:{escaped})")
    } else {
        escaped
    };
    format!("{open}{body}{close}")
}

fn parse_error(origin: &str, line: Option<usize>, reason: &str) -> GazetteerError {
    let reason = reason.trim();
    let message = match line {
        Some(n) => format!("line {n}: {reason}"),
        None => reason.to_string(),
    };
    GazetteerError::Parse {
        path: origin.to_string(),
        line,
        message,
    }
}

/// 1-based line of byte `offset`.
fn line_at(source: &str, offset: usize) -> usize {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// 1-based line of the last occurrence of `needle` (the later definition).
fn line_of(source: &str, needle: &str) -> Option<usize> {
    source.rfind(needle).map(|offset| line_at(source, offset))
}

#[cfg(test)]
mod tests;
