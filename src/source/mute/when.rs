//! When a mute rule mutes: its schedule expression (`at(...)` once, `cron(...)` recurring),
//! its ISO 8601 duration and its time zone, evaluated here rather than trusted from the
//! rule's status, so that "muted for 1h12m" counts down and a window ends on screen without
//! another read.

use crate::source::model::Epoch;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// CloudWatch's bounds on a mute's duration: PT1M to P15D.
pub const MIN_DURATION: i64 = MINUTE;
pub const MAX_DURATION: i64 = 15 * DAY;
/// How far ahead the next window is looked for: a cron that fires less than once in this
/// time (a 29 February) is said as "not within a year" rather than searched for.
const LOOKAHEAD_DAYS: i64 = 400;

/// A schedule expression, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expression {
    /// `at(yyyy-MM-ddThh:mm)`: once, at this local time.
    At(NaiveDateTime),
    /// `cron(Minutes Hours Day-of-month Month Day-of-week)`.
    Cron(Box<Cron>),
}

impl Expression {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("at(").and_then(|t| t.strip_suffix(')')) {
            return NaiveDateTime::parse_from_str(inner.trim(), "%Y-%m-%dT%H:%M")
                .map(Self::At)
                .map_err(|_| "at(yyyy-MM-ddThh:mm), for example at(2026-12-24T18:00)".into());
        }
        if let Some(inner) = text.strip_prefix("cron(").and_then(|t| t.strip_suffix(')')) {
            return Cron::parse(inner).map(|c| Self::Cron(Box::new(c)));
        }
        Err("at(yyyy-MM-ddThh:mm) for once, or cron(minute hour day-of-month month day-of-week) for a recurring window".into())
    }

    /// `at(...)` for an instant, minutes as CloudWatch takes them.
    pub fn at(time: Epoch) -> String {
        let t = utc(time);
        format!("at({})", t.format("%Y-%m-%dT%H:%M"))
    }

    pub fn is_recurring(&self) -> bool {
        matches!(self, Self::Cron(_))
    }
}

/// A 5-field cron expression, each field the set of values it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: Vec<u32>,
    hours: Vec<u32>,
    days: Vec<u32>,
    months: Vec<u32>,
    /// 0 = Sunday.
    weekdays: Vec<u32>,
    /// Unix cron: when both day fields are restricted, a day matching either one counts.
    days_any: bool,
    weekdays_any: bool,
    text: String,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Cron {
    pub fn parse(inner: &str) -> Result<Self, String> {
        let fields: Vec<&str> = inner.split_whitespace().collect();
        let [m, h, dom, mon, dow] = fields.as_slice() else {
            return Err(format!(
                "cron takes 5 fields (minute hour day-of-month month day-of-week), this has {}",
                fields.len()
            ));
        };
        let wild = |f: &str| f == "*" || f == "?";
        let mut weekdays = field(dow, "day of week", 0, 7, &WEEKDAYS)?;
        // 7 is Sunday too, as in Unix cron.
        for d in &mut weekdays {
            *d %= 7;
        }
        weekdays.sort_unstable();
        weekdays.dedup();
        Ok(Self {
            minutes: field(m, "minute", 0, 59, &[])?,
            hours: field(h, "hour", 0, 23, &[])?,
            days: field(dom, "day of month", 1, 31, &[])?,
            months: field(mon, "month", 1, 12, &MONTHS)?,
            weekdays,
            days_any: wild(dom),
            weekdays_any: wild(dow),
            text: fields.join(" "),
        })
    }

    fn day_matches(&self, d: NaiveDate) -> bool {
        if !self.months.contains(&d.month()) {
            return false;
        }
        let dom = self.days.contains(&d.day());
        let dow = self.weekdays.contains(&d.weekday().num_days_from_sunday());
        match (self.days_any, self.weekdays_any) {
            (true, true) => true,
            (true, false) => dow,
            (false, true) => dom,
            (false, false) => dom || dow,
        }
    }

    /// The activations on one local day, earliest first.
    fn times_on(&self, d: NaiveDate) -> impl Iterator<Item = NaiveDateTime> + '_ {
        let on = self.day_matches(d);
        self.hours.iter().filter(move |_| on).flat_map(move |&h| {
            self.minutes
                .iter()
                .filter_map(move |&m| d.and_hms_opt(h, m, 0))
        })
    }

    /// In words, for the list of rules: `daily at 02:00`, `SUN at 02:00`, or the expression.
    pub fn words(&self) -> String {
        let (&[h], &[m]) = (self.hours.as_slice(), self.minutes.as_slice()) else {
            return format!("cron({})", self.text);
        };
        let at = format!("{h:02}:{m:02}");
        if !self.days_any || self.months.len() != 12 {
            return format!("cron({})", self.text);
        }
        if self.weekdays_any {
            return format!("daily at {at}");
        }
        let days: Vec<&str> = self
            .weekdays
            .iter()
            .map(|&d| WEEKDAYS[d as usize])
            .collect();
        if days == ["MON", "TUE", "WED", "THU", "FRI"] {
            return format!("weekdays at {at}");
        }
        format!("{} at {at}", days.join(","))
    }
}

/// One cron field: `*`, `?`, numbers or names, `a-b` ranges, `,` lists, `/n` steps.
fn field(text: &str, what: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Vec<u32>, String> {
    let bad = || {
        let named = if names.is_empty() {
            String::new()
        } else {
            format!(" or {}-{}", names[0], names[names.len() - 1])
        };
        format!(
            "the {what} field {text:?}: *, {lo}-{hi}{named}, ranges a-b, lists a,b and steps */n"
        )
    };
    let value = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            // Month names count from 1, day names from 0 (Sunday).
            let first = if names.len() == MONTHS.len() { 1 } else { 0 };
            return Ok(i as u32 + first);
        }
        s.parse::<u32>()
            .ok()
            .filter(|v| (lo..=hi).contains(v))
            .ok_or_else(bad)
    };
    let mut out = Vec::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|&s| s > 0).ok_or_else(bad)?),
            None => (part, 1),
        };
        let (from, to) = match range {
            "*" | "?" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if step > 1 => (value(r)?, hi),
                None => (value(r)?, value(r)?),
            },
        };
        if from > to {
            return Err(bad());
        }
        out.extend((from..=to).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// A rule's time zone: UTC, or an IANA zone from this host's tz database.
#[derive(Debug, Clone)]
pub enum Zone {
    Utc,
    Named(Arc<tz::TimeZone>),
}

impl Zone {
    /// Seconds east of UTC at the instant `t`.
    fn offset_at(&self, t: Epoch) -> i64 {
        match self {
            Self::Utc => 0,
            Self::Named(tz) => tz
                .find_local_time_type(t)
                .map_or(0, |l| i64::from(l.ut_offset())),
        }
    }
}

/// `Schedule.Timezone`: an IANA name, UTC when absent. Zones are read once from this host's
/// tz database and kept (a handful of names in a session).
pub fn zone(name: Option<&str>) -> Result<Zone, String> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty() && *n != "UTC") else {
        return Ok(Zone::Utc);
    };
    let expected = || {
        format!(
            "a time zone such as Europe/London or America/New_York, not {:?}",
            crate::sanitize::clean(name)
        )
    };
    // A zone name comes from AWS or a person: it names a file under the tz database, so it
    // may not climb out of it nor be read as a POSIX rule.
    let well_formed = name.split('/').all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c))
    });
    if !well_formed || name.len() > 64 {
        return Err(expected());
    }
    static LOADED: OnceLock<Mutex<HashMap<String, Option<Arc<tz::TimeZone>>>>> = OnceLock::new();
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let found = loaded
        .entry(name.to_owned())
        .or_insert_with(|| tz::TimeZone::from_posix_tz(name).ok().map(Arc::new));
    match found {
        Some(tz) => Ok(Zone::Named(Arc::clone(tz))),
        None => Err(format!(
            "{}: not in this host's time zone database (/usr/share/zoneinfo, Debian's tzdata)",
            expected()
        )),
    }
}

fn utc(t: Epoch) -> DateTime<Utc> {
    Utc.timestamp_opt(t, 0).single().unwrap_or_default()
}

/// A local time in `tz` as an instant: a time a clock change skips comes an hour later, a
/// time it repeats is its first occurrence. Clocks change at most once within a day of it.
fn instant(tz: &Zone, local: NaiveDateTime) -> Option<Epoch> {
    let at = |local: NaiveDateTime| {
        let wall = local.and_utc().timestamp();
        let offsets = [tz.offset_at(wall - DAY), tz.offset_at(wall + DAY)];
        offsets
            .into_iter()
            .map(|o| wall - o)
            .filter(|&t| tz.offset_at(t) == wall - t)
            .min()
    };
    at(local).or_else(|| at(local + chrono::Duration::hours(1)))
}

fn local_date(tz: &Zone, t: Epoch) -> NaiveDate {
    utc(t + tz.offset_at(t)).date_naive()
}

impl Expression {
    /// The first activation at or after `from`.
    pub fn next(&self, tz: &Zone, from: Epoch) -> Option<Epoch> {
        match self {
            Self::At(local) => instant(tz, *local).filter(|&t| t >= from),
            Self::Cron(c) => {
                let first = local_date(tz, from);
                (0..LOOKAHEAD_DAYS)
                    .filter_map(|i| first.checked_add_days(chrono::Days::new(i as u64)))
                    .flat_map(|d| c.times_on(d).collect::<Vec<_>>())
                    .filter_map(|local| instant(tz, local))
                    .find(|&t| t >= from)
            }
        }
    }

    /// The last activation at or before `at`, looking back no further than `within` seconds.
    pub fn last(&self, tz: &Zone, at: Epoch, within: i64) -> Option<Epoch> {
        match self {
            Self::At(local) => instant(tz, *local).filter(|&t| t <= at && at - t <= within),
            Self::Cron(c) => {
                let last = local_date(tz, at);
                let days = within / DAY + 2;
                (0..days)
                    .filter_map(|i| last.checked_sub_days(chrono::Days::new(i as u64)))
                    .flat_map(|d| {
                        let mut times: Vec<_> = c.times_on(d).collect();
                        times.reverse();
                        times
                    })
                    .filter_map(|local| instant(tz, local))
                    .find(|&t| t <= at)
                    .filter(|&t| at - t <= within)
            }
        }
    }

    /// In words, for lists: `once at 2026-12-06 11:00` or the cron in words.
    pub fn words(&self) -> String {
        match self {
            Self::At(t) => format!("once at {}", t.format("%Y-%m-%d %H:%M")),
            Self::Cron(c) => c.words(),
        }
    }
}

/// An ISO 8601 duration as CloudWatch takes it (`PT4H`, `P2DT12H`), in seconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("an ISO 8601 duration such as PT30M, PT4H or P1DT12H, not {text:?}");
    let rest = text.trim().strip_prefix('P').ok_or_else(bad)?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, t),
        Some(_) => return Err(bad()),
        None => (rest, ""),
    };
    let units = |part: &str, table: &[(char, i64)]| -> Result<i64, String> {
        let mut total = 0i64;
        let mut digits = String::new();
        let mut allowed = table.iter();
        for c in part.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            // Units in order, each once.
            let (_, secs) = allowed.find(|(u, _)| *u == c).ok_or_else(bad)?;
            let n: i64 = digits.parse().map_err(|_| bad())?;
            total = n
                .checked_mul(*secs)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(bad)?;
            digits.clear();
        }
        if digits.is_empty() {
            Ok(total)
        } else {
            Err(bad())
        }
    };
    if date.is_empty() && time.is_empty() {
        return Err(bad());
    }
    let secs = units(date, &[('W', 7 * DAY), ('D', DAY)])?
        + units(time, &[('H', HOUR), ('M', MINUTE), ('S', 1)])?;
    Ok(secs)
}

/// Seconds as the ISO 8601 duration CloudWatch takes, whole minutes (rounded up).
pub fn format_duration(secs: i64) -> String {
    let mins = (secs.max(0) + MINUTE - 1) / MINUTE;
    let (d, h, m) = (mins / 1440, mins % 1440 / 60, mins % 60);
    let mut out = String::from("P");
    if d > 0 {
        out.push_str(&format!("{d}D"));
    }
    if h > 0 || m > 0 || d == 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 || h == 0 {
            out.push_str(&format!("{m}M"));
        }
    }
    out
}

/// Within CloudWatch's bounds, PT1M to P15D.
pub fn check_duration(secs: i64) -> Result<(), String> {
    if (MIN_DURATION..=MAX_DURATION).contains(&secs) {
        Ok(())
    } else {
        Err(
            "a mute lasts from 1 minute to 15 days (PT1M to P15D); mute indefinitely for longer"
                .into(),
        )
    }
}

/// A span for a column: `1h12m`, `3d4h`, `45s`.
pub fn span(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        // Shown on the minute: seconds would stand still between redraws.
        s if s < MINUTE => "<1m".to_owned(),
        s if s < HOUR => format!("{}m", s / MINUTE),
        s if s < DAY => match (s / HOUR, s % HOUR / MINUTE) {
            (h, 0) => format!("{h}h"),
            (h, m) => format!("{h}h{m:02}m"),
        },
        s => match (s / DAY, s % DAY / HOUR) {
            (d, 0) => format!("{d}d"),
            (d, h) => format!("{d}d{h}h"),
        },
    }
}

/// `HH:MM` in UTC when `t` is within a day of `now`, else `MM-DD HH:MM`.
pub fn clock_time(t: Epoch, now: Epoch) -> String {
    let u = utc(t);
    if (t - now).abs() < DAY {
        format!("{:02}:{:02}", u.hour(), u.minute())
    } else {
        u.format("%m-%d %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Epoch {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn durations_read_and_write_as_cloudwatch_takes_them() {
        assert_eq!(parse_duration("PT4H"), Ok(4 * HOUR));
        assert_eq!(parse_duration("P2DT12H"), Ok(2 * DAY + 12 * HOUR));
        assert_eq!(parse_duration("PT1M"), Ok(60));
        assert_eq!(parse_duration("P15D"), Ok(15 * DAY));
        assert_eq!(parse_duration("P1W"), Ok(7 * DAY));
        for bad in [
            "", "P", "PT", "4h", "PT4", "PTH", "PT4H4H", "PT4M4H", "P1DT",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(format_duration(2 * HOUR), "PT2H");
        assert_eq!(format_duration(90 * MINUTE), "PT1H30M");
        assert_eq!(format_duration(DAY + 30 * MINUTE), "P1DT30M");
        assert_eq!(format_duration(3 * DAY), "P3D");
        assert_eq!(format_duration(61), "PT2M");
        for secs in [60, 3600, 5400, DAY, 15 * DAY, DAY + 60] {
            assert_eq!(parse_duration(&format_duration(secs)), Ok(secs));
        }
        assert!(check_duration(59).is_err());
        assert!(check_duration(15 * DAY + 60).is_err());
        assert!(check_duration(15 * DAY).is_ok());
    }

    #[test]
    fn a_one_time_window_is_its_local_time() {
        let e = Expression::parse("at(2026-12-06T11:00)").unwrap();
        assert!(!e.is_recurring());
        assert_eq!(
            e.next(&Zone::Utc, t("2026-12-06T10:00:00Z")),
            Some(t("2026-12-06T11:00:00Z"))
        );
        assert_eq!(e.next(&Zone::Utc, t("2026-12-06T11:00:01Z")), None);
        let paris = zone(Some("Europe/Paris")).unwrap();
        assert_eq!(
            e.next(&paris, t("2026-12-06T09:00:00Z")),
            Some(t("2026-12-06T10:00:00Z"))
        );
        assert_eq!(
            e.last(&Zone::Utc, t("2026-12-06T12:00:00Z"), 2 * HOUR),
            Some(t("2026-12-06T11:00:00Z"))
        );
        assert_eq!(
            e.last(&Zone::Utc, t("2026-12-06T14:00:00Z"), 2 * HOUR),
            None
        );
        assert_eq!(
            Expression::at(t("2026-12-06T10:59:40Z")),
            "at(2026-12-06T10:59)"
        );
    }

    #[test]
    fn cron_windows_follow_unix_cron_in_their_time_zone() {
        let e = Expression::parse("cron(0 2 * * *)").unwrap();
        assert!(e.is_recurring());
        assert_eq!(e.words(), "daily at 02:00");
        assert_eq!(
            e.next(&Zone::Utc, t("2026-12-06T10:00:00Z")),
            Some(t("2026-12-07T02:00:00Z"))
        );
        assert_eq!(
            e.last(&Zone::Utc, t("2026-12-06T10:00:00Z"), DAY),
            Some(t("2026-12-06T02:00:00Z"))
        );
        assert_eq!(e.last(&Zone::Utc, t("2026-12-06T10:00:00Z"), HOUR), None);

        let sunday = Expression::parse("cron(0 2 * * SUN)").unwrap();
        assert_eq!(sunday.words(), "SUN at 02:00");
        // 2026-12-06 is a Sunday.
        assert_eq!(
            sunday.next(&Zone::Utc, t("2026-12-06T03:00:00Z")),
            Some(t("2026-12-13T02:00:00Z"))
        );
        assert_eq!(
            Expression::parse("cron(0 2 * * 0)")
                .unwrap()
                .next(&Zone::Utc, t("2026-12-06T03:00:00Z")),
            Some(t("2026-12-13T02:00:00Z"))
        );
        assert_eq!(
            Expression::parse("cron(0 2 * * 7)")
                .unwrap()
                .next(&Zone::Utc, t("2026-12-06T03:00:00Z")),
            Some(t("2026-12-13T02:00:00Z"))
        );
        let weekdays = Expression::parse("cron(30 18 ? * MON-FRI)").unwrap();
        assert_eq!(weekdays.words(), "weekdays at 18:30");
        assert_eq!(
            weekdays.next(&Zone::Utc, t("2026-12-05T19:00:00Z")),
            Some(t("2026-12-07T18:30:00Z"))
        );
        let monthly = Expression::parse("cron(0 1 1 * *)").unwrap();
        assert_eq!(
            monthly.next(&Zone::Utc, t("2026-12-06T00:00:00Z")),
            Some(t("2027-01-01T01:00:00Z"))
        );
        let every = Expression::parse("cron(*/15 * * * *)").unwrap();
        assert_eq!(
            every.next(&Zone::Utc, t("2026-12-06T10:01:00Z")),
            Some(t("2026-12-06T10:15:00Z"))
        );

        // 02:00 in New York is 07:00 UTC in winter and 06:00 in summer.
        let ny = zone(Some("America/New_York")).unwrap();
        assert_eq!(
            e.next(&ny, t("2026-12-06T10:00:00Z")),
            Some(t("2026-12-07T07:00:00Z"))
        );
        assert_eq!(
            e.next(&ny, t("2026-07-06T10:00:00Z")),
            Some(t("2026-07-07T06:00:00Z"))
        );
        // 02:30 does not exist on the spring-forward day: it comes an hour later.
        let skipped = Expression::parse("cron(30 2 8 3 *)").unwrap();
        assert_eq!(
            skipped.next(&ny, t("2026-03-01T00:00:00Z")),
            Some(t("2026-03-08T07:30:00Z"))
        );

        let leap = Expression::parse("cron(0 0 29 FEB *)").unwrap();
        assert_eq!(leap.next(&Zone::Utc, t("2026-03-01T00:00:00Z")), None);
    }

    #[test]
    fn bad_expressions_say_what_was_expected() {
        for (bad, said) in [
            ("cron(0 2 * *)", "5 fields"),
            ("cron(61 2 * * *)", "minute field"),
            ("cron(0 2 * * FUNDAY)", "SUN-SAT"),
            ("cron(0 2 * 13 *)", "JAN-DEC"),
            ("cron(0 5-2 * * *)", "hour field"),
            ("at(2026-12-06 11:00)", "at(yyyy-MM-ddThh:mm)"),
            ("rate(1 hour)", "cron("),
        ] {
            let e = Expression::parse(bad).unwrap_err();
            assert!(e.contains(said), "{bad}: {e}");
        }
        assert!(
            zone(Some("Mars/Olympus"))
                .unwrap_err()
                .contains("Europe/London")
        );
        assert!(matches!(zone(None), Ok(Zone::Utc)));
        assert!(matches!(zone(Some("UTC")), Ok(Zone::Utc)));
        // A name from AWS names a file of the tz database: it may not climb out of it, be a
        // path, or be read as a POSIX rule.
        for hostile in [
            "../../etc/passwd",
            "/etc/passwd",
            "Europe/../../../etc/shadow",
            "EST5EDT,M3.2.0,M11.1.0",
            "Europe/Paris\u{1b}[2J",
            "",
        ] {
            let e = zone(Some(hostile));
            assert!(hostile.is_empty() || e.is_err(), "{hostile:?}");
            if let Err(e) = e {
                assert!(!e.contains('\u{1b}'), "{e}");
            }
        }
        assert!(
            zone(Some("Mars/Olympus"))
                .unwrap_err()
                .contains("not in this host's time zone database")
        );
        let months = Expression::parse("cron(0 0 1 JAN,JUL *)").unwrap();
        assert_eq!(
            months.next(&Zone::Utc, t("2026-12-06T00:00:00Z")),
            Some(t("2027-01-01T00:00:00Z"))
        );
    }

    #[test]
    fn spans_and_times_read_at_a_glance() {
        assert_eq!(span(45), "<1m");
        assert_eq!(span(72 * MINUTE), "1h12m");
        assert_eq!(span(2 * HOUR), "2h");
        assert_eq!(span(3 * DAY + 4 * HOUR + 5), "3d4h");
        let now = t("2026-12-06T10:00:00Z");
        assert_eq!(clock_time(t("2026-12-07T02:00:00Z"), now), "02:00");
        assert_eq!(clock_time(t("2026-12-09T02:00:00Z"), now), "12-09 02:00");
    }
}
