//! Settings, layered with the `config` crate: built-in defaults, then
//! `config/default.toml`, then `config/local.toml` (git-ignored), then an
//! optional `--config FILE`, then `CHIPBOT_*` environment variables with
//! `__` for nesting (`CHIPBOT_INDEX__DATA_DIR=/srv/chipbot`).
//!
//! Raw sections deny unknown fields and are validated once into [`Settings`].
//! Secrets are the exception: they are read from the environment only.

mod chat;
mod curation;
mod feeds;
mod digest;
mod schedule;
mod secret;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use chat::{AdminSettings, ChatSettings, DiscordSettings, MatrixSettings, Platform};
pub use curation::CurationSettings;
pub use feeds::FeedSettings;
pub use digest::{DigestSettings, DigestTarget, MissedSlots};
pub use schedule::Schedule;
pub use secret::{Secret, Secrets, SECRET_KEYS};

use serde::Deserialize;

/// Why the settings could not be loaded: one message naming every problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

type Result<T> = std::result::Result<T, ConfigError>;

/// Directory holding `default.toml` and `local.toml`, relative to the working directory.
pub const CONFIG_DIR: &str = "config";

/// Environment variables `CHIPBOT_<SECTION>__<KEY>` override the files. Every
/// variable with this prefix must name a known key.
pub const ENV_PREFIX: &str = "CHIPBOT";

/// Validated settings for the whole process.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub index: IndexSettings,
    pub answer: AnswerSettings,
    pub figures: FigureSettings,
    pub chart: ChartSettings,
    pub chat: ChatSettings,
    pub matrix: MatrixSettings,
    pub discord: DiscordSettings,
    pub admins: AdminSettings,
    /// Proposing, fetching and approving reports (`add`, `approve`, ...).
    pub curation: CurationSettings,
    /// Scheduled digests (`[[digest]]` entries).
    pub digests: Vec<DigestSettings>,
    /// Feeds whose new entries are proposed for curation (`[[feeds]]` entries).
    pub feeds: Vec<FeedSettings>,
    /// Tokens and passwords, from the environment only.
    pub secrets: Secrets,
}

/// Where reports are read from and where generated state lives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IndexSettings {
    /// Folder of curated reports (`.md`, `.txt`, `.html`, `.pdf`).
    pub reports_dir: PathBuf,
    /// Folder for the built index and the bot's state (git-ignored).
    pub data_dir: PathBuf,
    /// Canonical publisher names and their other spellings.
    pub publishers: PathBuf,
    /// Paragraphs per passage window.
    pub passage_paragraphs: usize,
    /// `chipbot serve` reindexes by itself when report files change.
    pub watch: bool,
    /// Quiet time after the last change before a watch-mode reindex, in seconds.
    pub watch_debounce_secs: u64,
    /// Threads that build the index: 0 to leave it to the machine (one per
    /// core beyond the reading thread, at most 2). With 1, passages are
    /// stored in file order, so two builds of the same reports rank passages
    /// with equal scores alike (comparing builds).
    pub writer_threads: usize,
}

impl Default for IndexSettings {
    fn default() -> Self {
        IndexSettings {
            reports_dir: PathBuf::from("index/reports"),
            data_dir: PathBuf::from("index/data"),
            publishers: PathBuf::from("config/publishers.toml"),
            passage_paragraphs: 1,
            watch: false,
            watch_debounce_secs: 10,
            writer_threads: 0,
        }
    }
}

/// How answers are composed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnswerSettings {
    /// Number of cited passages in an answer.
    pub top: usize,
    /// Passages cited from one report at most.
    pub max_per_report: usize,
    /// Longest accepted question, in characters.
    pub max_query_chars: usize,
    /// How strongly newer reports are preferred when relevance is close (0 = not at all).
    pub recency_weight: f32,
    /// Longest snippet, in characters.
    pub snippet_chars: usize,
    /// Pseudo-relevance feedback: best passages read for expansion words (0 = off).
    pub feedback_passages: usize,
    /// Pseudo-relevance feedback: expansion words added to the second search.
    pub feedback_terms: usize,
    /// Pseudo-relevance feedback: weight of the strongest expansion word.
    pub feedback_weight: f32,
    /// Weight of words added from the measure lexicon, relative to the
    /// question's own words (0 = no expansion).
    pub expansion_weight: f32,
}

impl Default for AnswerSettings {
    fn default() -> Self {
        AnswerSettings {
            top: 5,
            max_per_report: 2,
            max_query_chars: 500,
            recency_weight: 0.15,
            snippet_chars: 320,
            feedback_passages: 5,
            feedback_terms: 10,
            feedback_weight: 0.5,
            expansion_weight: 0.3,
        }
    }
}

/// Figure extraction settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FigureSettings {
    /// Gazetteer of companies, products and aliases used to name figure subjects.
    pub gazetteer: PathBuf,
    /// Measure lexicon: what figures measure and the words for each measure.
    pub measures: PathBuf,
}

impl Default for FigureSettings {
    fn default() -> Self {
        FigureSettings {
            gazetteer: PathBuf::from("config/gazetteer.toml"),
            measures: PathBuf::from("config/measures.toml"),
        }
    }
}

/// Chart rendering settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ChartSettings {
    /// A TrueType font for chart labels. When unset, common system fonts are tried.
    pub font: Option<PathBuf>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawSettings {
    index: IndexSettings,
    answer: AnswerSettings,
    figures: FigureSettings,
    chart: ChartSettings,
    chat: ChatSettings,
    matrix: MatrixSettings,
    discord: DiscordSettings,
    admins: AdminSettings,
    curation: CurationSettings,
    digest: Vec<digest::RawDigest>,
    feeds: Vec<feeds::RawFeed>,
}

impl Settings {
    /// Loads the layered configuration from the working directory, plus `extra` on top.
    pub fn load(extra: Option<&Path>) -> Result<Settings> {
        Self::load_from(Path::new(CONFIG_DIR), extra)
    }

    /// Like [`Settings::load`], with an explicit config directory.
    pub fn load_from(config_dir: &Path, extra: Option<&Path>) -> Result<Settings> {
        Self::load_layers(config_dir, extra, ENV_PREFIX)
    }

    /// Loads the layers, reading environment variables that start with
    /// `<env_prefix>_` (tests use a prefix nobody sets).
    fn load_layers(config_dir: &Path, extra: Option<&Path>, env_prefix: &str) -> Result<Settings> {
        use config::{Config, Environment, File};
        let mut builder = Config::builder()
            .add_source(File::from(config_dir.join("default.toml")).required(false))
            .add_source(File::from(config_dir.join("local.toml")).required(false));
        if let Some(path) = extra {
            if !path.is_file() {
                return Err(ConfigError(format!("config file {} not found", path.display())));
            }
            builder = builder.add_source(File::from(path).required(true));
        }
        let mut env: HashMap<String, String> = std::env::vars()
            .filter(|(key, _)| key.starts_with(&format!("{env_prefix}_")))
            .collect();
        let secrets = Secrets::take_from(&mut env, env_prefix);
        let raw: RawSettings = builder
            .add_source(
                Environment::with_prefix(env_prefix)
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("matrix.allowed_inviters")
                    .with_list_parse_key("discord.allowed_guilds")
                    .with_list_parse_key("discord.allowed_channels")
                    .with_list_parse_key("admins.matrix_users")
                    .with_list_parse_key("admins.discord_users")
                    .with_list_parse_key("admins.discord_roles")
                    .source(Some(env.into_iter().collect())),
            )
            .build()
            .and_then(Config::try_deserialize)
            .map_err(|e| ConfigError(explain_config_error(&e.to_string(), env_prefix)))?;
        raw.validate(secrets)
    }
}

/// Adds a hint when a secret was written into a config file, where it is an
/// unknown field on purpose.
fn explain_config_error(message: &str, env_prefix: &str) -> String {
    for (section, key) in SECRET_KEYS {
        if message.contains(&format!("unknown field `{key}`")) {
            return format!(
                "{message}: {section}.{key} is a secret and is read only from the environment \
                 variable {}",
                secret::env_name(env_prefix, section, key)
            );
        }
    }
    message.to_string()
}

impl RawSettings {
    fn validate(self, secrets: Secrets) -> Result<Settings> {
        let a = &self.answer;
        let mut problems: Vec<String> = [
            (a.top == 0 || a.top > 20, "answer.top must be between 1 and 20"),
            (a.max_per_report == 0, "answer.max_per_report must be at least 1"),
            (a.max_query_chars < 10, "answer.max_query_chars must be at least 10"),
            (
                !(0.0..=1.0).contains(&a.recency_weight),
                "answer.recency_weight must be between 0 and 1",
            ),
            (a.snippet_chars < 80, "answer.snippet_chars must be at least 80"),
            (a.feedback_passages > 50, "answer.feedback_passages must be at most 50"),
            (a.feedback_terms > 50, "answer.feedback_terms must be at most 50"),
            (
                !(0.0..=2.0).contains(&a.feedback_weight),
                "answer.feedback_weight must be between 0 and 2",
            ),
            (
                !(0.0..=1.0).contains(&a.expansion_weight),
                "answer.expansion_weight must be between 0 and 1",
            ),
            (
                self.index.passage_paragraphs == 0 || self.index.passage_paragraphs > 10,
                "index.passage_paragraphs must be between 1 and 10",
            ),
            (
                self.index.writer_threads > 8,
                "index.writer_threads must be between 0 (automatic) and 8",
            ),
            (
                self.index.reports_dir.as_os_str().is_empty(),
                "index.reports_dir must not be empty",
            ),
            (self.index.data_dir.as_os_str().is_empty(), "index.data_dir must not be empty"),
        ]
        .into_iter()
        .filter(|(bad, _)| *bad)
        .map(|(_, msg)| msg.to_string())
        .collect();
        problems.extend(self.chat.problems());
        problems.extend(self.matrix.problems());
        problems.extend(self.discord.problems());
        problems.extend(self.curation.problems());
        if self.index.watch && self.index.watch_debounce_secs == 0 {
            problems.push("index.watch_debounce_secs must be at least 1".into());
        }
        let digests = digest::validate(self.digest).unwrap_or_else(|found| {
            problems.extend(found);
            Vec::new()
        });
        let feeds = feeds::validate(self.feeds).unwrap_or_else(|found| {
            problems.extend(found);
            Vec::new()
        });
        if !problems.is_empty() {
            return Err(ConfigError(problems.join("; ")));
        }
        Ok(Settings {
            index: self.index,
            answer: self.answer,
            figures: self.figures,
            chart: self.chart,
            chat: self.chat,
            matrix: self.matrix,
            discord: self.discord,
            admins: self.admins,
            curation: self.curation,
            digests,
            feeds,
            secrets,
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        RawSettings::default()
            .validate(Secrets::default())
            .expect("built-in defaults are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prefix no environment sets, so these tests ignore `CHIPBOT_*` variables.
    const TEST_ENV: &str = "CHIPBOT_UNIT_TEST_UNSET";

    fn write(dir: &Path, name: &str, body: &str) {
        std::fs::write(dir.join(name), body).expect("write config");
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "default.toml", "[answer]\ntop = 3\nmax_per_report = 1\n");
        write(dir.path(), "local.toml", "[answer]\ntop = 4\n");
        let extra = dir.path().join("extra.toml");
        std::fs::write(&extra, "[index]\nreports_dir = \"elsewhere\"\n").expect("write");
        let s = Settings::load_layers(dir.path(), Some(&extra), TEST_ENV).expect("load");
        assert_eq!(s.answer.top, 4);
        assert_eq!(s.answer.max_per_report, 1);
        assert_eq!(s.index.reports_dir, PathBuf::from("elsewhere"));
        assert_eq!(s.index.data_dir, PathBuf::from("index/data"));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "default.toml", "[answer]\ntopp = 3\n");
        let err = Settings::load_layers(dir.path(), None, TEST_ENV).expect_err("typo must fail");
        assert!(err.to_string().contains("topp"), "{err}");
    }

    #[test]
    fn invalid_values_are_reported_together() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "default.toml", "[answer]\ntop = 0\nrecency_weight = 3.0\n");
        let err = Settings::load_layers(dir.path(), None, TEST_ENV).expect_err("invalid");
        let text = err.to_string();
        assert!(text.contains("answer.top") && text.contains("recency_weight"), "{text}");
    }

    #[test]
    fn secrets_in_files_are_refused_with_the_variable_to_use() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "default.toml", "[discord]\ntoken = \"abc\"\n");
        let err = Settings::load_layers(dir.path(), None, TEST_ENV).expect_err("secret in file");
        let text = err.to_string();
        assert!(text.contains("CHIPBOT_UNIT_TEST_UNSET_DISCORD__TOKEN"), "{text}");
        assert!(!text.contains("abc"), "{text}");
    }

    #[test]
    fn chat_sections_load_and_validate() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "default.toml",
            "[matrix]\nhomeserver_url = \"http://127.0.0.1:8008\"\nuser_id = \"@bot:localhost\"\n\
             allowed_inviters = [\"@*:localhost\"]\n[admins]\ndiscord_roles = [42]\n",
        );
        let s = Settings::load_layers(dir.path(), None, TEST_ENV).expect("load");
        assert!(s.matrix.is_configured());
        assert_eq!(s.admins.discord_roles, vec![42]);
        assert_eq!(s.chat.prefix, "!");
    }

    #[test]
    fn digests_load_and_bad_ones_stop_startup_naming_the_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "default.toml",
            "[[digest]]\nname = \"weekly\"\nschedule = \"0 9 * * MON\"\ntimezone = \"Europe/Berlin\"\n\
             discord_channels = [123]\nquery = \"topic:hbm\"\n",
        );
        let s = Settings::load_layers(dir.path(), None, TEST_ENV).expect("load");
        assert_eq!(s.digests.len(), 1);
        assert_eq!(s.digests[0].schedule.expression(), "0 9 * * MON");
        write(
            dir.path(),
            "local.toml",
            "[[digest]]\nname = \"weekly\"\nschedule = \"0 9 * * MON\"\ntimezone = \"Europe/Nowhere\"\nmatrix_rooms = [\"!r:hs\"]\n",
        );
        let err = Settings::load_layers(dir.path(), None, TEST_ENV).expect_err("bad zone");
        assert!(err.to_string().contains("digest \"weekly\": timezone \"Europe/Nowhere\""), "{err}");
    }

    #[test]
    fn missing_extra_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = Settings::load_layers(dir.path(), Some(&dir.path().join("nope.toml")), TEST_ENV)
            .expect_err("missing");
        assert!(err.to_string().contains("nope.toml"));
    }
}
