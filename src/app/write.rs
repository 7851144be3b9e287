//! Confirmed writes leave here, and their outcomes come back here: read-only refuses them
//! before any command exists; a done alarm write re-reads the alarms it changed at once
//! (not at the next refresh), a done Model Monitor write goes to the monitor pane (which
//! follows a run it started); a failed one says what AWS said and which IAM action is
//! missing.

use super::command::Command;
use super::outcome::{Outcome, flash};
use super::state::{FlashLevel, State};
use crate::source::write::Write;
use crate::writes::WriteOutcome;

/// The message for a key or command that would change AWS in read-only mode.
pub const READ_ONLY: &str =
    "read-only: changes to AWS are disabled (started with --readonly or readonly = true)";

/// Sends confirmed writes, unless the console is read-only.
pub fn send(state: &mut State, requests: Vec<Write>) -> Outcome {
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

/// A write the user confirmed as part of another: the delete of a run now's one-time
/// schedule, announced by the run's confirmation, sent when the run ends without asking
/// again. Never in read-only (the gate and the clients refuse it too).
pub fn follow_up(state: &mut State, request: Write) -> Option<Command> {
    if state.readonly {
        return None;
    }
    state.writes_confirmed += 1;
    Some(Command::Write {
        seq: state.writes_confirmed,
        request: Box::new(request),
    })
}

/// `PutMetricAlarm prod-fraud-accuracy-low`, `DisableAlarmActions on 3 alarms`,
/// `CreateMonitoringSchedule fraud-detector-model-quality-now-20261129080400`.
fn describe(requests: &[Write]) -> String {
    let names: Vec<&str> = requests.iter().flat_map(Write::names).collect();
    let operation = requests.first().map_or("", Write::operation);
    match names.as_slice() {
        [one] => format!("{operation} {}", crate::sanitize::clean(one)),
        many => {
            let what = match requests.first() {
                Some(Write::Monitor(_)) => "schedules",
                _ => "alarms",
            };
            format!("{operation} on {} {what}", many.len())
        }
    }
}

/// A write's outcome: said in the status bar; when done, what it changed is read again.
pub fn written(state: &mut State, request: Write, outcome: WriteOutcome) -> Outcome {
    let what = describe(std::slice::from_ref(&request));
    let mut commands = Vec::new();
    match &outcome {
        WriteOutcome::Done(receipt) => {
            let id = receipt
                .request_id
                .as_deref()
                .map(|r| format!(" (request {})", crate::sanitize::clean(r)))
                .unwrap_or_default();
            flash(state, format!("✓ {what}{id}"), FlashLevel::Info);
            tracing::info!(%what, "write done; re-reading what it changed");
        }
        WriteOutcome::Failed(e) => flash(state, format!("✗ {what}: {e}"), FlashLevel::Error),
        WriteOutcome::Refused(r) => flash(state, format!("✗ {r}"), FlashLevel::Error),
    }
    for view in crate::views::all() {
        commands.extend(view.written(state, &request, &outcome));
    }
    Outcome::with(commands)
}
