//! The cost guard on a search's time range: a search wider than `[trail] max_range_days`
//! asks first in the console and needs `--yes` in the shell, however its range was written
//! (a duration, `since:`/`until:` times, or the `"timestamp"` bounds of raw SQL), since
//! Athena bills for every partition it reads.

use super::raw::{self, RawCheck, Span};
use crate::source::model::Epoch;

/// `max_range_days` when the config does not set it: a month of the trail.
pub const DEFAULT_MAX_RANGE_DAYS: u32 = 31;

const DAY: i64 = 86_400;

/// What every excess says it would cost.
const BILL: &str = "Athena bills $5 per TB scanned";

/// Why a filter's range `[from, to]` needs a confirmation: it is wider than `max_days`.
pub fn filter_excess(from: Epoch, to: Epoch, max_days: u32) -> Option<String> {
    let width = to.saturating_sub(from);
    if width <= i64::from(max_days) * DAY {
        return None;
    }
    let days = (width + DAY - 1) / DAY;
    Some(format!(
        "the search covers {days} days ({} to {}), more than max_range_days = {max_days} \
         ([trail] in config.toml; {BILL})",
        crate::snapshot::rfc3339(from),
        crate::snapshot::rfc3339(to),
    ))
}

/// Why raw SQL that `raw::check` found pruned needs a confirmation for the days it reads:
/// they are more than `max_days` apart, or cannot be told from its literals.
pub fn sql_excess(sql: &str, max_days: u32) -> Option<String> {
    match raw::span(sql) {
        Span::NoTable => None,
        Span::Days(first, last) => {
            let days = (last - first).num_days();
            (days > i64::from(max_days)).then(|| {
                format!(
                    "the query reads the \"timestamp\" partitions from {} to {} ({days} days), \
                     more than max_range_days = {max_days} ([trail] in config.toml; {BILL})",
                    first.format("%Y/%m/%d"),
                    last.format("%Y/%m/%d"),
                )
            })
        }
        Span::Unknown => Some(format!(
            "the days the query reads cannot be told from its \"timestamp\" bounds (days \
             written 'yyyy/MM/dd'): it may read more than max_range_days = {max_days} \
             ([trail] in config.toml; {BILL})"
        )),
    }
}

/// Why raw SQL `check`ed as `check` must be confirmed before it runs: it may scan the
/// whole trail, or it reads more days than `max_days`. `None` for SQL that runs at once,
/// and for refused SQL (which never runs).
pub fn sql_confirmation(check: &RawCheck, sql: &str, max_days: u32) -> Option<String> {
    match check {
        RawCheck::Pruned => sql_excess(sql, max_days),
        c if c.needs_confirmation() => c.warning(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trail::filter::parse;
    use crate::trail::raw::{RawCheck, check};
    use crate::trail::sql::select;

    const NOW: Epoch = 1_795_946_400; // 2026-11-29T10:00:00Z

    fn filter_excess_of(text: &str) -> Option<String> {
        let (from, to) = parse(text).unwrap().range(NOW);
        filter_excess(from, to, DEFAULT_MAX_RANGE_DAYS)
    }

    #[test]
    fn a_filter_wider_than_the_bound_is_said_with_its_range_and_the_bound() {
        // Up to the bound: nothing to ask.
        for text in ["", "since:2h", "since:31d", "since:2026-10-29T10:00:00Z"] {
            assert_eq!(filter_excess_of(text), None, "{text}");
        }
        // A duration, an absolute time, both ends absolute.
        for text in [
            "since:32d",
            "since:400d",
            "since:2000-01-01T00:00:00Z",
            "since:2026-01-01T00:00:00Z until:2026-03-01T00:00:00Z",
            "until:2026-01-01T00:00:00Z since:2025-11-29T00:00:00Z",
        ] {
            let said = filter_excess_of(text).unwrap_or_else(|| panic!("{text}"));
            assert!(said.contains("max_range_days = 31"), "{said}");
        }
        let said = filter_excess_of("since:2000-01-01T00:00:00Z").unwrap();
        assert!(
            said.starts_with(
                "the search covers 9830 days (2000-01-01T00:00:00Z to 2026-11-29T10:00:00Z)"
            ),
            "{said}"
        );
        // The bound is the config's.
        let (from, to) = parse("since:32d").unwrap().range(NOW);
        assert_eq!(filter_excess(from, to, 40), None);
        assert!(filter_excess(from, to, 1).is_some());
    }

    fn sql_excess_of(sql: &str) -> Option<String> {
        assert_eq!(check(sql), RawCheck::Pruned, "{sql}");
        sql_excess(sql, DEFAULT_MAX_RANGE_DAYS)
    }

    #[test]
    fn raw_sql_reading_more_days_than_the_bound_is_said() {
        for sql in [
            "SELECT 1",
            "SELECT * FROM logs WHERE \"timestamp\" = '2026/11/29'",
            "SELECT * FROM logs WHERE \"timestamp\" BETWEEN '2026/10/29' AND '2026/11/29'",
            "SELECT * FROM logs WHERE \"timestamp\" IN ('2026/11/01', '2026/11/29')",
            // Bounds narrow each other.
            "SELECT * FROM logs WHERE \"timestamp\" >= '2020/01/01' AND \"timestamp\" <= '2026/11/29' AND \"timestamp\" > '2026/11/20'",
        ] {
            assert_eq!(sql_excess_of(sql), None, "{sql}");
        }
        let said = sql_excess_of(
            "SELECT * FROM logs WHERE '2000/01/01' <= \"timestamp\" AND \"timestamp\" < '2026/11/29'",
        )
        .unwrap();
        assert!(
            said.contains("from 2000/01/01 to 2026/11/29 (9829 days)"),
            "{said}"
        );
        assert!(said.contains("max_range_days = 31"), "{said}");
        // Every table counts: the union's arms, the join's sides.
        for sql in [
            "SELECT 1 FROM a WHERE \"timestamp\" = '2026/11/29' UNION ALL SELECT 1 FROM b WHERE \"timestamp\" = '2025/11/29'",
            "SELECT 1 FROM a JOIN b ON a.x = b.x WHERE a.\"timestamp\" = '2026/11/29' AND b.\"timestamp\" = '2026/01/01'",
        ] {
            assert!(sql_excess_of(sql).is_some(), "{sql}");
        }
    }

    #[test]
    fn raw_sql_whose_days_cannot_be_read_is_said_too() {
        for sql in [
            "SELECT * FROM logs WHERE \"timestamp\" >= '0000' AND \"timestamp\" <= '2026/11/29'",
            "SELECT * FROM logs WHERE \"timestamp\" BETWEEN '2026-11-01' AND '2026-11-02'",
            "SELECT * FROM logs WHERE \"timestamp\" BETWEEN '2026/11' AND '2026/12'",
        ] {
            let said = sql_excess_of(sql).unwrap_or_else(|| panic!("{sql}"));
            assert!(said.contains("cannot be told"), "{said}");
        }
    }

    #[test]
    fn the_sql_a_filter_becomes_reads_the_days_the_filter_covers() {
        let table = crate::source::trail::TrailSettings::default().table();
        for (text, wide) in [("since:31d", false), ("since:33d", true)] {
            let f = parse(text).unwrap();
            let (from, to) = f.range(NOW);
            let sql = select(&table, &f, &[], from, to);
            assert_eq!(sql_excess_of(&sql).is_some(), wide, "{sql}");
            assert_eq!(filter_excess(from, to, 31).is_some(), wide, "{text}");
        }
    }
}
