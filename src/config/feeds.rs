//! `[[feeds]]` entries: RSS, Atom or JSON feeds whose new entries are fetched
//! and proposed to the curation queue on a schedule, with a short list of
//! what was queued posted to the admins' channels or rooms.

use serde::Deserialize;

use super::{DigestTarget, Schedule};

/// One `[[feeds]]` entry as written in the config.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFeed {
    name: String,
    url: String,
    schedule: String,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default)]
    filter: Option<String>,
    #[serde(default)]
    discord_channels: Vec<u64>,
    #[serde(default)]
    matrix_rooms: Vec<String>,
    #[serde(default = "default_max_entries")]
    max_entries: usize,
}

fn default_timezone() -> String {
    "UTC".into()
}

fn default_max_entries() -> usize {
    20
}

/// A feed to watch.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSettings {
    pub name: String,
    pub url: String,
    pub schedule: Schedule,
    /// Only entries whose report matches this filter (`topic:hbm OR company:smic`).
    pub filter: Option<String>,
    /// Where each run's list of queued entries is posted.
    pub targets: Vec<DigestTarget>,
    /// Entries proposed at most per run; the rest wait for the next one.
    pub max_entries: usize,
}

/// Validates every entry; returns the settings or the problems, each naming its feed.
pub(super) fn validate(raw: Vec<RawFeed>) -> Result<Vec<FeedSettings>, Vec<String>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (i, entry) in raw.into_iter().enumerate() {
        let label = if entry.name.trim().is_empty() { format!("feed #{}", i + 1) } else { format!("feed {:?}", entry.name) };
        let mut bad = |msg: String| problems.push(format!("{label}: {msg}"));
        super::digest::check_name(&entry.name, "feed", &mut names, &mut bad);
        if !(entry.url.starts_with("http://") || entry.url.starts_with("https://")) {
            bad(format!("url {:?} must start with http:// or https://", entry.url));
        }
        if entry.max_entries == 0 || entry.max_entries > 200 {
            bad("max_entries must be between 1 and 200".into());
        }
        let schedule = Schedule::parse(&entry.schedule, &entry.timezone).map_err(&mut bad).ok();
        let targets = super::digest::targets(&entry.discord_channels, &entry.matrix_rooms, &mut bad);
        if let Some(schedule) = schedule {
            out.push(FeedSettings {
                name: entry.name,
                url: entry.url,
                schedule,
                filter: entry.filter.filter(|f| !f.trim().is_empty()),
                targets,
                max_entries: entry.max_entries,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(name: &str, url: &str, schedule: &str) -> RawFeed {
        RawFeed {
            name: name.into(),
            url: url.into(),
            schedule: schedule.into(),
            timezone: "UTC".into(),
            filter: Some("topic:hbm OR company:smic".into()),
            discord_channels: vec![42],
            matrix_rooms: Vec::new(),
            max_entries: 20,
        }
    }

    #[test]
    fn entries_are_validated_with_their_names() {
        let ok = validate(vec![raw("trendforce", "https://example.com/feed.xml", "0 * * * *")]).expect("valid");
        assert_eq!((ok[0].targets[0].key(), ok[0].filter.as_deref()), ("discord:42".into(), Some("topic:hbm OR company:smic")));
        let problems = validate(vec![raw("a", "ftp://x", "0 * * * *"), raw("a", "https://x.test/f", "nope")]).expect_err("bad").join("\n");
        assert!(problems.contains("feed \"a\": url \"ftp://x\"") && problems.contains("name is used by another feed") && problems.contains("schedule"), "{problems}");
    }
}
