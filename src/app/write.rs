//! Confirmed writes leave here, and their outcomes come back here: read-only refuses them
//! before any command exists, a done write re-reads the alarms it changed at once (not at
//! the next refresh), a failed one says what AWS said and which IAM action is missing.

use super::command::Command;
use super::outcome::{Outcome, flash};
use super::state::{FlashLevel, State};
use crate::source::alarm_write::AlarmWrite;
use crate::writes::WriteOutcome;

/// The message for a key or command that would change AWS in read-only mode.
pub const READ_ONLY: &str =
    "read-only: changing alarms is disabled (started with --readonly or readonly = true)";

/// Sends confirmed writes, unless the console is read-only.
pub fn send(state: &mut State, requests: Vec<AlarmWrite>) -> Outcome {
    if state.readonly {
        flash(state, READ_ONLY, FlashLevel::Error);
        return Outcome::redraw();
    }
    if requests.is_empty() {
        return Outcome::default();
    }
    let what = describe(&requests);
    flash(state, format!("sending {what}…"), FlashLevel::Info);
    tracing::info!(%what, "write confirmed");
    Outcome::with(
        requests
            .into_iter()
            .map(|r| {
                state.writes_confirmed += 1;
                Command::Write {
                    seq: state.writes_confirmed,
                    request: Box::new(r),
                }
            })
            .collect(),
    )
}

/// `PutMetricAlarm prod-fraud-accuracy-low`, `DisableAlarmActions on 3 alarms`.
fn describe(requests: &[AlarmWrite]) -> String {
    let ids: Vec<&str> = requests.iter().flat_map(AlarmWrite::alarm_ids).collect();
    let operation = requests.first().map_or("", AlarmWrite::operation);
    match ids.as_slice() {
        [one] => format!("{operation} {}", crate::sanitize::clean(one)),
        many => format!("{operation} on {} alarms", many.len()),
    }
}

/// A write's outcome: said in the status bar; when done, the account's alarms are read again.
pub fn written(state: &mut State, request: AlarmWrite, outcome: WriteOutcome) -> Outcome {
    let what = describe(std::slice::from_ref(&request));
    match outcome {
        WriteOutcome::Done(receipt) => {
            let id = receipt
                .request_id
                .map(|r| format!(" (request {r})"))
                .unwrap_or_default();
            flash(state, format!("✓ {what}{id}"), FlashLevel::Info);
            tracing::info!(%what, "write done; re-reading the account's alarms");
            // The marks were for this request; they are spent.
            if !matches!(request, AlarmWrite::Put(_)) {
                state.alarms_view.marks.clear();
            }
            Outcome::with(vec![Command::RereadAlarms(request.account_id().to_owned())])
        }
        WriteOutcome::Failed(e) => {
            flash(state, format!("✗ {what}: {e}"), FlashLevel::Error);
            Outcome::redraw()
        }
        WriteOutcome::Refused(r) => {
            flash(state, format!("✗ {r}"), FlashLevel::Error);
            Outcome::redraw()
        }
    }
}
