//! When a digest is due: a cron expression read as wall-clock time in an
//! IANA time zone.
//!
//! Slots are found on the local wall clock and then placed on the UTC time
//! line. Daylight-saving changes are handled so that every scheduled day has
//! exactly one post:
//! - a wall time that does not exist (spring forward, e.g. 02:30 on the
//!   night clocks jump from 02:00 to 03:00) runs at the first moment after
//!   the gap (03:00);
//! - a wall time that happens twice (fall back) runs at its first occurrence
//!   only.
//!
//! A slot is identified by its UTC instant, so two wall times that land on
//! the same instant (several times inside one gap) are one slot.

use std::str::FromStr;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds};
use croner::Cron;

/// Wall-clock search starts this far before the reference time, which covers
/// any daylight-saving shift.
const SHIFT_MARGIN: Duration = Duration::hours(3);
/// Candidate wall times examined before giving up (guards odd patterns).
const MAX_CANDIDATES: usize = 1000;
/// Longest daylight-saving gap looked across, in minutes.
const MAX_GAP_MINUTES: i64 = 180;

/// A parsed cron schedule in a time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    cron: Cron,
    tz: Tz,
    expression: String,
}

impl Schedule {
    /// Parses a five-field cron expression (minute hour day month weekday) and
    /// an IANA zone name. The error says which part is wrong.
    pub fn parse(expression: &str, timezone: &str) -> Result<Schedule, String> {
        let parser = CronParser::builder().seconds(Seconds::Disallowed).build();
        let cron = parser
            .parse(expression)
            .map_err(|e| format!("schedule {expression:?} is not a valid cron expression ({e})"))?;
        let tz = Tz::from_str(timezone)
            .map_err(|_| format!("timezone {timezone:?} is not a known IANA time zone (e.g. \"Europe/Berlin\")"))?;
        let schedule = Schedule { cron, tz, expression: expression.to_string() };
        if schedule.next_after(Utc::now()).is_none() {
            return Err(format!("schedule {expression:?} never fires"));
        }
        Ok(schedule)
    }

    /// The time zone slots are read in.
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// The cron expression as configured.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The first slot strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut wall = self.wall(after) - SHIFT_MARGIN;
        for _ in 0..MAX_CANDIDATES {
            wall = self.cron.find_next_occurrence(&Utc.from_utc_datetime(&wall), false).ok()?.naive_utc();
            let at = self.place(wall)?;
            if at > after {
                return Some(at);
            }
        }
        None
    }

    /// The last slot at or before `at`.
    pub fn last_at_or_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut wall = self.wall(at) + SHIFT_MARGIN;
        for _ in 0..MAX_CANDIDATES {
            wall = self.cron.find_previous_occurrence(&Utc.from_utc_datetime(&wall), false).ok()?.naive_utc();
            let placed = self.place(wall)?;
            if placed <= at {
                return Some(placed);
            }
        }
        None
    }

    /// The slot before the last one at or before `at`: the start of the last
    /// full period, used when a digest has no watermark to start from.
    pub fn period_start_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let last = self.last_at_or_before(at)?;
        self.last_at_or_before(last - Duration::seconds(1))
    }

    /// The local wall time of `at`, in whole seconds: cron has no finer
    /// unit, and a slot must come out the same whenever it is computed (it
    /// is part of the outbox key).
    fn wall(&self, at: DateTime<Utc>) -> NaiveDateTime {
        let wall = at.with_timezone(&self.tz).naive_local();
        wall.with_nanosecond(0).unwrap_or(wall)
    }

    /// Places a wall time on the UTC line (see the module docs for gaps and overlaps).
    fn place(&self, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.tz.from_local_datetime(&wall) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, b) => Some(a.with_timezone(&Utc).min(b.with_timezone(&Utc))),
            LocalResult::None => (1..=MAX_GAP_MINUTES).find_map(|m| {
                self.tz.from_local_datetime(&(wall + Duration::minutes(m))).earliest().map(|t| t.with_timezone(&Utc))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
    }

    /// Every slot from `from` for `count` steps.
    fn slots(schedule: &Schedule, from: &str, count: usize) -> Vec<String> {
        let mut at = utc(from);
        let mut out = Vec::new();
        for _ in 0..count {
            at = schedule.next_after(at).expect("next slot");
            out.push(at.to_rfc3339());
        }
        out
    }

    #[test]
    fn slots_are_whole_seconds_whatever_the_clock_reads() {
        let schedule = Schedule::parse("0 7 * * *", "UTC").expect("schedule");
        let now = Utc.with_ymd_and_hms(2026, 4, 6, 7, 0, 0).unwrap() + Duration::microseconds(2_736);
        let slot = Utc.with_ymd_and_hms(2026, 4, 6, 7, 0, 0).unwrap();
        assert_eq!(schedule.last_at_or_before(now), Some(slot));
        assert_eq!(schedule.next_after(now - Duration::seconds(3)), Some(slot));
        assert_eq!(schedule.next_after(now), Some(slot + Duration::days(1)));
    }

    #[test]
    fn spring_forward_0230_runs_once_at_the_end_of_the_gap() {
        // Europe/Berlin jumps from 02:00 CET to 03:00 CEST on 2026-03-29.
        let s = Schedule::parse("30 2 * * *", "Europe/Berlin").expect("parse");
        assert_eq!(
            slots(&s, "2026-03-27T12:00:00Z", 3),
            ["2026-03-28T01:30:00+00:00", "2026-03-29T01:00:00+00:00", "2026-03-30T00:30:00+00:00"]
        );
    }

    #[test]
    fn fall_back_0230_runs_only_at_the_first_occurrence() {
        // Europe/Berlin goes from 03:00 CEST back to 02:00 CET on 2026-10-25.
        let s = Schedule::parse("30 2 * * *", "Europe/Berlin").expect("parse");
        assert_eq!(
            slots(&s, "2026-10-23T12:00:00Z", 3),
            ["2026-10-24T00:30:00+00:00", "2026-10-25T00:30:00+00:00", "2026-10-26T01:30:00+00:00"]
        );
        // Standing inside the repeated hour, the second 02:30 is not a slot.
        let inside = utc("2026-10-25T01:15:00Z"); // 02:15 CET, the second pass
        assert_eq!(s.next_after(inside), Some(utc("2026-10-26T01:30:00Z")));
        assert_eq!(s.last_at_or_before(inside), Some(utc("2026-10-25T00:30:00Z")));
    }

    #[test]
    fn nine_oclock_keeps_its_wall_time_across_both_changes() {
        let s = Schedule::parse("0 9 * * *", "Europe/Berlin").expect("parse");
        assert_eq!(
            slots(&s, "2026-03-28T00:00:00Z", 3),
            ["2026-03-28T08:00:00+00:00", "2026-03-29T07:00:00+00:00", "2026-03-30T07:00:00+00:00"]
        );
        assert_eq!(
            slots(&s, "2026-10-24T00:00:00Z", 3),
            ["2026-10-24T07:00:00+00:00", "2026-10-25T08:00:00+00:00", "2026-10-26T08:00:00+00:00"]
        );
    }

    #[test]
    fn slots_inside_a_gap_collapse_into_one() {
        let s = Schedule::parse("*/20 2 * * *", "Europe/Berlin").expect("parse");
        let got = slots(&s, "2026-03-28T23:00:00Z", 2);
        // 02:00, 02:20 and 02:40 do not exist: one slot at 03:00 CEST, then the next night.
        assert_eq!(got, ["2026-03-29T01:00:00+00:00", "2026-03-30T00:00:00+00:00"]);
    }

    #[test]
    fn last_and_period_start() {
        let s = Schedule::parse("0 9 * * MON", "Europe/Berlin").expect("parse");
        let now = utc("2026-04-08T12:00:00Z"); // a Wednesday
        assert_eq!(s.last_at_or_before(now), Some(utc("2026-04-06T07:00:00Z")));
        assert_eq!(s.period_start_before(now), Some(utc("2026-03-30T07:00:00Z")));
        assert_eq!(s.last_at_or_before(utc("2026-04-06T07:00:00Z")), Some(utc("2026-04-06T07:00:00Z")));
    }

    #[test]
    fn bad_input_is_named() {
        let err = Schedule::parse("61 9 * * *", "Europe/Berlin").expect_err("bad minute");
        assert!(err.contains("61 9 * * *"), "{err}");
        let err = Schedule::parse("0 9 * * *", "Europe/Berlinn").expect_err("bad zone");
        assert!(err.contains("Europe/Berlinn"), "{err}");
        assert!(Schedule::parse("0 0 9 * * *", "UTC").is_err(), "seconds are not allowed");
    }
}
