//! `[[digest]]` entries: scheduled "what's new" posts. Each raw entry is
//! validated once into a [`DigestSettings`] with a parsed schedule; a bad
//! cron expression, time zone or filter stops startup with a message that
//! names the entry.

use serde::Deserialize;

use super::{Platform, Schedule};

/// One `[[digest]]` entry as written in the config.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDigest {
    name: String,
    schedule: String,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default)]
    discord_channels: Vec<u64>,
    #[serde(default)]
    matrix_rooms: Vec<String>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default = "default_max_items")]
    max_items: usize,
    #[serde(default)]
    post_empty: bool,
    #[serde(default)]
    missed: MissedSlots,
}

fn default_timezone() -> String {
    "UTC".into()
}

fn default_max_items() -> usize {
    10
}

/// What to do with slots that passed while the bot was down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedSlots {
    /// Post one digest for all of them (the latest missed slot).
    #[default]
    CatchUpOnce,
    /// Post nothing for them; wait for the next slot.
    Skip,
}

/// Where a digest is posted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DigestTarget {
    pub platform: Platform,
    /// Discord channel ID (decimal) or Matrix room ID.
    pub id: String,
}

impl DigestTarget {
    /// The stable key used in the outbox: `discord:123`, `matrix:!room:server`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.platform, self.id)
    }
}

/// A validated digest.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestSettings {
    pub name: String,
    pub schedule: Schedule,
    pub targets: Vec<DigestTarget>,
    /// Only reports matching this query (`topic:hbm company:huawei`).
    pub query: Option<String>,
    pub max_items: usize,
    /// Post "nothing new" (true) or skip empty digests (false).
    pub post_empty: bool,
    pub missed: MissedSlots,
}

impl DigestSettings {
    /// The digest used when none is configured: everything new, Mondays 09:00 UTC.
    pub fn fallback() -> DigestSettings {
        DigestSettings {
            name: "digest".into(),
            schedule: Schedule::parse("0 9 * * MON", "UTC").expect("built-in schedule is valid"),
            targets: Vec::new(),
            query: None,
            max_items: default_max_items(),
            post_empty: true,
            missed: MissedSlots::CatchUpOnce,
        }
    }
}

/// Checks a `[[digest]]` or `[[feeds]]` name: present, without spaces, and
/// not used by another entry of the same `kind`.
pub(super) fn check_name(name: &str, kind: &str, names: &mut std::collections::HashSet<String>, bad: &mut impl FnMut(String)) {
    if name.trim().is_empty() || name.chars().any(char::is_whitespace) {
        bad("name must be non-empty and contain no spaces".into());
    } else if !names.insert(name.to_string()) {
        bad(format!("name is used by another {kind}"));
    }
}

/// The channels and rooms an entry posts to; a room that is not a room ID is a problem.
pub(super) fn targets(discord_channels: &[u64], matrix_rooms: &[String], bad: &mut impl FnMut(String)) -> Vec<DigestTarget> {
    for room in matrix_rooms {
        if !(room.starts_with('!') && room.contains(':')) {
            bad(format!("matrix room {room:?} must be a room ID like !abc:example.org"));
        }
    }
    discord_channels
        .iter()
        .map(|id| DigestTarget { platform: Platform::Discord, id: id.to_string() })
        .chain(matrix_rooms.iter().map(|id| DigestTarget { platform: Platform::Matrix, id: id.clone() }))
        .collect()
}

/// Validates every entry; returns the settings or the problems, each naming its entry.
pub(super) fn validate(raw: Vec<RawDigest>) -> Result<Vec<DigestSettings>, Vec<String>> {
    let mut problems = Vec::new();
    let mut out: Vec<DigestSettings> = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (i, entry) in raw.into_iter().enumerate() {
        let label = if entry.name.trim().is_empty() { format!("digest #{}", i + 1) } else { format!("digest {:?}", entry.name) };
        let mut bad = |msg: String| problems.push(format!("{label}: {msg}"));
        check_name(&entry.name, "digest", &mut names, &mut bad);
        let schedule = Schedule::parse(&entry.schedule, &entry.timezone).map_err(&mut bad).ok();
        if entry.max_items == 0 || entry.max_items > 50 {
            bad("max_items must be between 1 and 50".into());
        }
        let targets = targets(&entry.discord_channels, &entry.matrix_rooms, &mut bad);
        if targets.is_empty() {
            bad("needs at least one target in discord_channels or matrix_rooms".into());
        }
        if let Some(schedule) = schedule {
            out.push(DigestSettings {
                name: entry.name,
                schedule,
                targets,
                query: entry.query.filter(|q| !q.trim().is_empty()),
                max_items: entry.max_items,
                post_empty: entry.post_empty,
                missed: entry.missed,
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

    fn raw(name: &str, schedule: &str, timezone: &str) -> RawDigest {
        RawDigest {
            name: name.into(),
            schedule: schedule.into(),
            timezone: timezone.into(),
            discord_channels: vec![42],
            matrix_rooms: vec!["!room:example.org".into()],
            query: Some("topic:hbm".into()),
            max_items: 5,
            post_empty: false,
            missed: MissedSlots::Skip,
        }
    }

    #[test]
    fn valid_entries_become_settings() {
        let got = validate(vec![raw("weekly", "0 9 * * MON", "Europe/Berlin")]).expect("valid");
        assert_eq!(got[0].targets.len(), 2);
        assert_eq!(got[0].targets[0].key(), "discord:42");
        assert_eq!(got[0].targets[1].key(), "matrix:!room:example.org");
        assert_eq!(got[0].missed, MissedSlots::Skip);
    }

    #[test]
    fn problems_name_the_entry() {
        let entries = vec![
            raw("weekly", "0 25 * * *", "Europe/Berlin"),
            raw("daily", "0 9 * * *", "Mars/Olympus"),
            raw("daily", "0 9 * * *", "UTC"),
        ];
        let problems = validate(entries).expect_err("invalid").join("\n");
        assert!(problems.contains("digest \"weekly\": schedule \"0 25 * * *\""), "{problems}");
        assert!(problems.contains("digest \"daily\": timezone \"Mars/Olympus\""), "{problems}");
        assert!(problems.contains("name is used by another digest"), "{problems}");
    }
}
