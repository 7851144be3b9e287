//! How long a mute lasts, as a person types it in the `M` form or after `--for`/`--until`:
//! `30m`, `1h`, `1h30m`, `2d`, `until 18:00`, `until Monday 09:00`, `until 2026-12-24
//! 18:00`, or `indefinitely`. Times are UTC, as everywhere in the console.

use super::when::{MAX_DURATION, MIN_DURATION};
use crate::source::model::Epoch;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};

const DAY: i64 = 86_400;

/// What `M` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MuteLength {
    /// A one-time mute rule of this many seconds from now.
    For(i64),
    /// A one-time mute rule that ends at this instant.
    Until(Epoch),
    /// DisableAlarmActions: silent until someone unmutes it.
    Indefinitely,
}

/// What the form offers first: long enough for most incidents, short enough to be noticed.
pub const DEFAULT: &str = "4h";

pub const EXPECTED: &str = "30m, 1h, 4h, 2d, until 18:00, until Monday 09:00, until 2026-12-24 18:00 (UTC), or indefinitely";

impl MuteLength {
    pub fn parse(text: &str, now: Epoch) -> Result<Self, String> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if matches!(lower.as_str(), "indefinitely" | "forever") {
            return Ok(Self::Indefinitely);
        }
        let length = match lower.strip_prefix("until ") {
            Some(rest) => Self::Until(until(rest.trim(), now).ok_or_else(|| expected(text))?),
            None => Self::For(span(&lower).ok_or_else(|| expected(text))?),
        };
        length.check(now)?;
        Ok(length)
    }

    /// When a mute starting at `now` ends; `None` for an indefinite one.
    pub fn end(self, now: Epoch) -> Option<Epoch> {
        match self {
            Self::For(secs) => Some(now + secs),
            Self::Until(t) => Some(t),
            Self::Indefinitely => None,
        }
    }

    fn check(self, now: Epoch) -> Result<(), String> {
        let Some(end) = self.end(now) else {
            return Ok(());
        };
        let secs = end - now;
        if secs < MIN_DURATION {
            return Err(match self {
                Self::Until(_) => {
                    "that time has passed (times are UTC): a mute ends in the future".into()
                }
                _ => "at least 1 minute".into(),
            });
        }
        if secs > MAX_DURATION {
            return Err("at most 15 days (CloudWatch's limit on a mute rule); indefinitely mutes until someone unmutes".into());
        }
        Ok(())
    }
}

fn expected(text: &str) -> String {
    format!("{EXPECTED}; not {:?}", crate::sanitize::clean(text))
}

/// `1h30m`, `45m`, `2d`, `90min`: one or more number-unit pairs.
fn span(text: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: i64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let secs = match rest[..unit].trim() {
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => DAY,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(secs)?)?;
        rest = rest[unit..].trim_start();
    }
    Some(total)
}

/// `18:00` (the next one), `monday 09:00`, `tomorrow 09:00`, `2026-12-24 18:00`.
fn until(text: &str, now: Epoch) -> Option<Epoch> {
    let today = Utc.timestamp_opt(now, 0).single()?.date_naive();
    let (day, time) = match text.rsplit_once(' ') {
        Some((day, time)) => (Some(day.trim()), time),
        None => (None, text),
    };
    // The text comes lower-cased: `2026-12-24t18:00`.
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dt%H:%M") {
        return Some(utc(t));
    }
    let time = NaiveTime::parse_from_str(time, "%H:%M").ok()?;
    let at = |d: NaiveDate| utc(d.and_time(time));
    match day {
        None => {
            let t = at(today);
            Some(if t > now { t } else { t + DAY })
        }
        Some("today") => Some(at(today)),
        Some("tomorrow") => Some(at(today.succ_opt()?)),
        Some(d) => {
            if let Ok(date) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                return Some(at(date));
            }
            let weekday: Weekday = d.parse().ok()?;
            let ahead = (7 + weekday.num_days_from_monday() as i64
                - today.weekday().num_days_from_monday() as i64)
                % 7;
            let t = at(today) + ahead * DAY;
            Some(if t > now { t } else { t + 7 * DAY })
        }
    }
}

fn utc(t: NaiveDateTime) -> Epoch {
    DateTime::<Utc>::from_naive_utc_and_offset(t, Utc).timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Epoch {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    // A Sunday morning.
    const NOW: &str = "2026-12-06T10:07:40Z";

    fn parse(text: &str) -> Result<MuteLength, String> {
        MuteLength::parse(text, t(NOW))
    }

    #[test]
    fn spans_are_from_now() {
        assert_eq!(parse("30m"), Ok(MuteLength::For(1800)));
        assert_eq!(parse("1h"), Ok(MuteLength::For(3600)));
        assert_eq!(parse(" 1h30m "), Ok(MuteLength::For(5400)));
        assert_eq!(parse("2d"), Ok(MuteLength::For(2 * DAY)));
        assert_eq!(parse("90 min"), Ok(MuteLength::For(5400)));
        assert_eq!(parse("4 hours"), Ok(MuteLength::For(4 * 3600)));
        assert_eq!(parse(DEFAULT), Ok(MuteLength::For(4 * 3600)));
        assert_eq!(parse("Indefinitely"), Ok(MuteLength::Indefinitely));
        assert_eq!(MuteLength::For(60).end(100), Some(160));
        assert_eq!(MuteLength::Indefinitely.end(100), None);
    }

    #[test]
    fn until_is_the_next_such_time_in_utc() {
        assert_eq!(
            parse("until 18:00"),
            Ok(MuteLength::Until(t("2026-12-06T18:00:00Z")))
        );
        assert_eq!(
            parse("until 09:00"),
            Ok(MuteLength::Until(t("2026-12-07T09:00:00Z")))
        );
        assert_eq!(
            parse("until Monday 09:00"),
            Ok(MuteLength::Until(t("2026-12-07T09:00:00Z")))
        );
        assert_eq!(
            parse("until mon 09:00"),
            Ok(MuteLength::Until(t("2026-12-07T09:00:00Z")))
        );
        // Sunday later today, and Sunday a week on when today's has passed.
        assert_eq!(
            parse("until Sunday 12:00"),
            Ok(MuteLength::Until(t("2026-12-06T12:00:00Z")))
        );
        assert_eq!(
            parse("until tomorrow 06:00"),
            Ok(MuteLength::Until(t("2026-12-07T06:00:00Z")))
        );
        assert_eq!(
            parse("until 2026-12-08 18:00"),
            Ok(MuteLength::Until(t("2026-12-08T18:00:00Z")))
        );
        assert_eq!(
            parse("until 2026-12-08T18:00"),
            Ok(MuteLength::Until(t("2026-12-08T18:00:00Z")))
        );
    }

    #[test]
    fn bad_lengths_say_what_is_expected() {
        for bad in [
            "",
            "soon",
            "5",
            "5y",
            "until",
            "until noon",
            "until 25:00",
            "1h-3m",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("until Monday 09:00"), "{bad}: {e}");
        }
        assert!(parse("16d").unwrap_err().contains("15 days"));
        assert!(parse("0m").unwrap_err().contains("1 minute"));
        assert!(
            parse("until 2026-12-05 18:00")
                .unwrap_err()
                .contains("passed")
        );
        assert!(
            parse("until 2027-01-05 18:00")
                .unwrap_err()
                .contains("15 days")
        );
        // What the user typed is said back without its control characters.
        assert!(!parse("1\u{1b}[2Jh").unwrap_err().contains('\u{1b}'));
    }
}
