//! Who turned an alarm's actions off, when this console's audit log does not say: one search
//! of the trail for the DisableAlarmActions naming it, over the last
//! `muted_indefinitely_hours`, asked when its pane is opened (a person asking; the search is
//! priced by the account-days it reads: one account, one day by default).

use crate::incident::Window;
use crate::incident::read::Changes;
use crate::source::mute::{Known, TurnedOff};
use crate::source::trail::TrailSettings;
use crate::source::{FleetSource, SourceError};
use crate::trail::changes::quote;

pub async fn search(
    source: &dyn FleetSource,
    settings: &TrailSettings,
    account_id: &str,
    alarm: &str,
    window: Window,
) -> Result<TurnedOff, SourceError> {
    let text = format!(
        "readonly:false event:DisableAlarmActions account:{} resource:{} since:{}",
        quote(account_id),
        quote(alarm),
        crate::snapshot::rfc3339(window.from)
    );
    let never = std::future::pending::<()>();
    let found = crate::incident::read::search(source, settings, text, window, never).await?;
    Ok(newest(&found, account_id, alarm, window.from))
}

/// The newest DisableAlarmActions found, or, with none, that it was muted before `from`.
fn newest(found: &Changes, account_id: &str, alarm: &str, from: i64) -> TurnedOff {
    // Athena labels a column by its last part (`useridentity.arn` is `arn`).
    let column = |name: &str| {
        found
            .columns
            .iter()
            .position(|c| c == name || c.rsplit('.').next() == Some(name))
    };
    let (time, arn) = (column("eventtime"), column("arn"));
    let cell = |row: &Vec<Option<String>>, at: Option<usize>| row.get(at?)?.clone();
    let newest = found
        .pages
        .iter()
        .flat_map(|p| p.rows.iter())
        .filter_map(|row| {
            let at = chrono::DateTime::parse_from_rfc3339(&cell(row, time)?).ok()?;
            Some((at.timestamp(), cell(row, arn)))
        })
        .max_by_key(|(at, _)| *at);
    let (at, by, known) = match newest {
        Some((at, by)) => (at, by, Known::Trail),
        None => (from, None, Known::Before),
    };
    TurnedOff {
        account_id: account_id.to_owned(),
        alarm: alarm.to_owned(),
        at,
        by,
        known,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::trail::ResultPage;

    fn found(rows: &[(&str, &str)]) -> Changes {
        let columns: Vec<String> = ["eventtime", "arn", "eventname"].map(String::from).to_vec();
        let rows = rows
            .iter()
            .map(|(t, by)| {
                vec![
                    Some(t.to_string()),
                    Some(by.to_string()),
                    Some("DisableAlarmActions".into()),
                ]
            })
            .collect();
        Changes {
            pages: vec![ResultPage {
                columns: columns.clone(),
                rows,
                next: None,
            }],
            columns,
            ..Default::default()
        }
    }

    #[test]
    fn the_newest_mute_found_says_when_and_who_and_none_says_before_the_search() {
        let f = found(&[
            (
                "2026-12-05T09:00:00Z",
                "arn:aws:sts::1:assumed-role/OnCall/alice",
            ),
            (
                "2026-12-05T10:00:00Z",
                "arn:aws:sts::1:assumed-role/OnCall/bob",
            ),
        ]);
        let t = newest(&f, "1", "a", 0);
        assert_eq!(t.known, Known::Trail);
        assert_eq!(
            t.by.as_deref(),
            Some("arn:aws:sts::1:assumed-role/OnCall/bob")
        );
        let ten = chrono::DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z").unwrap();
        assert_eq!(t.at, ten.timestamp());
        let none = newest(&found(&[]), "1", "a", 42);
        assert_eq!((none.known, none.at, none.by), (Known::Before, 42, None));
    }
}
