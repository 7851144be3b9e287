//! Trail rows to lines: each CloudTrail event the tape's search found, with who made it and
//! from where.

use super::entry::{Entry, Kind, Role, Target};
use crate::source::trail::ResultPage;

/// The labels Athena gives the columns the tape reads (`useridentity.arn` comes back as
/// `arn`), in the order of the fields of `Columns`.
const TIME: &[&str] = &["eventtime"];
const NAME: &[&str] = &["eventname"];
const PRINCIPAL: &[&str] = &["arn", "useridentity.arn", "principal_arn"];
const SOURCE_IP: &[&str] = &["sourceipaddress"];
const EVENT_ID: &[&str] = &["eventid"];
const ERROR: &[&str] = &["errorcode"];

/// One line per row of `page` (the trail search's result: the columns come with the first
/// page, so `columns` names them for every page). A row without a readable time or name is
/// left out: it cannot be placed on the tape or said.
pub fn entries(columns: &[String], page: &ResultPage) -> Vec<Entry> {
    let columns = if page.columns.is_empty() {
        columns
    } else {
        &page.columns
    };
    let at = |labels: &[&str]| {
        columns
            .iter()
            .position(|c| labels.iter().any(|l| c.eq_ignore_ascii_case(l)))
    };
    let (Some(time), Some(name)) = (at(TIME), at(NAME)) else {
        return Vec::new();
    };
    let (principal, ip, id, error) = (at(PRINCIPAL), at(SOURCE_IP), at(EVENT_ID), at(ERROR));
    page.rows
        .iter()
        .filter_map(|row| {
            let cell = |i: Option<usize>| i.and_then(|i| row.get(i)?.as_deref());
            let at = epoch(cell(Some(time))?)?;
            let name = cell(Some(name)).filter(|n| !n.trim().is_empty())?;
            let (text, role) = match cell(error).filter(|e| !e.trim().is_empty()) {
                // A refused call changed nothing, but someone tried: worth its line.
                Some(e) => (format!("{name} failed: {e}"), Role::Note),
                None => (name.to_owned(), Role::Change),
            };
            let target = match cell(id) {
                Some(event_id) if !event_id.is_empty() => Target::TrailEvent {
                    event_id: event_id.to_owned(),
                    at,
                },
                _ => Target::Nothing,
            };
            Some(
                Entry::new(at, Kind::Trail, role, &text, target)
                    .with_who(cell(principal))
                    .with_where(cell(ip)),
            )
        })
        .collect()
}

/// CloudTrail's `eventtime` (`2026-11-29T16:41:07Z`).
fn epoch(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<String> {
        crate::trail::sql::COLUMNS
            .iter()
            .map(|c| c.trim_start_matches("useridentity.").to_owned())
            .collect()
    }

    fn row(
        time: &str,
        name: &str,
        arn: &str,
        ip: &str,
        id: &str,
        err: Option<&str>,
    ) -> Vec<Option<String>> {
        // eventtime, recipientaccountid, arn, eventname, eventsource, awsregion, errorcode,
        // sourceipaddress, eventid
        vec![
            Some(time.into()),
            Some("111122223333".into()),
            Some(arn.into()),
            Some(name.into()),
            Some("sagemaker.amazonaws.com".into()),
            Some("eu-west-1".into()),
            err.map(Into::into),
            Some(ip.into()),
            Some(id.into()),
        ]
    }

    #[test]
    fn a_row_says_its_event_who_from_where_and_opens_the_event() {
        let page = ResultPage {
            columns: columns(),
            rows: vec![
                row(
                    "2026-11-29T16:41:07Z",
                    "UpdateEndpoint",
                    "arn:aws:sts::1:assumed-role/Dev/alice",
                    "203.0.113.9",
                    "ev-1",
                    None,
                ),
                row(
                    "2026-11-29T16:50:00Z",
                    "DeleteEndpoint",
                    "arn:aws:iam::1:user/bob",
                    "198.51.100.2",
                    "ev-2",
                    Some("AccessDenied"),
                ),
            ],
            next: None,
        };
        let lines = entries(&[], &page);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "UpdateEndpoint");
        assert_eq!(lines[0].role, Role::Change);
        assert_eq!(
            lines[0].who.as_deref(),
            Some("arn:aws:sts::1:assumed-role/Dev/alice")
        );
        assert_eq!(lines[0].from_where.as_deref(), Some("203.0.113.9"));
        assert_eq!(
            lines[0].target,
            Target::TrailEvent {
                event_id: "ev-1".into(),
                at: 1_795_970_467
            }
        );
        assert_eq!(lines[1].text, "DeleteEndpoint failed: AccessDenied");
        assert_eq!(lines[1].role, Role::Note);
    }

    #[test]
    fn a_later_page_is_read_with_the_first_pages_columns() {
        let page = ResultPage {
            columns: Vec::new(),
            rows: vec![row(
                "2026-11-29T16:41:07Z",
                "CreateModel",
                "a",
                "b",
                "ev",
                None,
            )],
            next: None,
        };
        assert_eq!(entries(&columns(), &page).len(), 1);
        assert!(
            entries(&[], &page).is_empty(),
            "no columns, nothing to read"
        );
    }

    #[test]
    fn hostile_and_broken_rows_are_cleaned_or_left_out() {
        let page = ResultPage {
            columns: columns(),
            rows: vec![
                row(
                    "2026-11-29T16:41:07Z",
                    "Update\u{1b}[31mEndpoint",
                    "arn:\u{202e}evil\nname",
                    "1.2.3.4",
                    "ev",
                    None,
                ),
                row("yesterday", "UpdateEndpoint", "a", "b", "ev", None),
                row("2026-11-29T16:41:07Z", "  ", "a", "b", "ev", None),
                vec![Some("2026-11-29T16:41:07Z".into())],
            ],
            next: None,
        };
        let lines = entries(&[], &page);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let who = lines[0].who.as_deref().unwrap_or_default();
        for s in [lines[0].text.as_str(), who] {
            assert!(!s.chars().any(crate::sanitize::needs_replacing), "{s:?}");
        }
        assert_eq!(who, "arn:\u{FFFD}evil name");
    }
}
