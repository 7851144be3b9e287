//! What a run now leaves behind, deleted. Every run now creates a one-time schedule, and
//! schedules count against the account's SageMaker quota: the schedule of a run followed
//! here is deleted once its run has ended and its report was read (the confirmation of the
//! run said so); the ones earlier runs left are found at start, said on the status bar, and
//! deleted by `:monitor cleanup` after one confirmation for all.

use super::calls::MonitorCall;
use super::state::Cleanup;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::overlays::confirm::Confirm;
use crate::overlays::{self, Overlay};
use crate::sanitize::clean;
use crate::source::SourceError;
use crate::source::model::{ExecutionStatus, Region};
use crate::source::monitor::{Execution, Leftover, MonitorWrite};
use crate::writes::WriteOutcome;

/// How long a delete waits for its run's report to be read: a report read that never
/// answers (replaced by another) must not keep the schedule.
pub const REPORT_WAIT_SECS: i64 = 60;

/// The delete of a run's one-time schedule, as the run-now confirmation announces it.
pub fn delete_of((account_id, region): (&str, &Region), schedule: &str) -> MonitorWrite {
    MonitorWrite::Delete {
        account_id: account_id.to_owned(),
        schedule: schedule.to_owned(),
        region: region.clone(),
    }
}

/// A followed run ended: its schedule is deleted once `report` (if any) has been read.
pub fn run_ended(
    state: &mut State,
    delete: MonitorWrite,
    report: Option<Execution>,
    said: (String, FlashLevel),
) -> Vec<Command> {
    let ended = state.now;
    state.views.monitor.cleanups.push(Cleanup {
        delete,
        after_report: report,
        said,
        ended,
        sent: false,
    });
    due(state)
}

/// The report of `run` was read (or failed to be): its schedule may go.
pub fn report_read(state: &mut State, run: &Execution) -> Vec<Command> {
    for c in &mut state.views.monitor.cleanups {
        if c.after_report.as_ref().is_some_and(|r| r.is_same_run(run)) {
            c.after_report = None;
        }
    }
    due(state)
}

/// The deletes that may go now: their report was read, or waited for long enough.
pub fn due(state: &mut State) -> Vec<Command> {
    let now = state.now;
    let mut ready = Vec::new();
    for c in &mut state.views.monitor.cleanups {
        let waited = now - c.ended >= REPORT_WAIT_SECS;
        if !c.sent && (c.after_report.is_none() || waited) {
            c.sent = true;
            ready.push(c.delete.clone());
        }
    }
    ready
        .into_iter()
        .filter_map(|w| crate::app::write::follow_up(state, w.into()))
        .collect()
}

/// Whether a delete is still to be sent (the clock must tick for it).
pub fn pending(state: &State) -> bool {
    state.views.monitor.cleanups.iter().any(|c| !c.sent)
}

/// A delete's outcome. The one of a followed run says the run's outcome again with it (the
/// generic "done" would hide how the run ended); a failed one names the schedule so that it
/// can be deleted later. The pane, when it shows that account, reads its schedules again.
pub fn deleted(
    state: &mut State,
    account_id: &str,
    schedule: &str,
    outcome: &WriteOutcome,
) -> Vec<Command> {
    let m = &mut state.views.monitor;
    let reread: Vec<Command> = (m.endpoint.as_ref())
        .filter(|e| outcome.is_done() && e.account_id == account_id)
        .map(|e| MonitorCall::Pane(e.clone()).into())
        .into_iter()
        .collect();
    if outcome.is_done()
        && let Some(left) = m.leftovers.as_mut()
    {
        left.retain(|l| !(l.account_id == account_id && l.schedule == schedule));
    }
    let ours = m
        .cleanups
        .iter()
        .position(|c| c.delete.schedule() == schedule);
    let Some(c) = ours.map(|i| m.cleanups.remove(i)) else {
        return reread;
    };
    let (said, level) = c.said;
    let name = clean(schedule);
    match outcome {
        WriteOutcome::Done(_) => flash(
            state,
            format!("{said} · its one-time schedule was deleted"),
            level,
        ),
        WriteOutcome::Failed(e) => flash(
            state,
            format!(
                "{said} · ✗ its one-time schedule {name} was not deleted ({e}): :monitor cleanup \
                 deletes it later"
            ),
            FlashLevel::Error,
        ),
        WriteOutcome::Refused(r) => flash(
            state,
            format!("{said} · ✗ its one-time schedule {name} was left: {r}"),
            FlashLevel::Error,
        ),
    }
    reread
}

/// Read once, on the first tick: what earlier runs now left.
pub fn ask_at_start(state: &mut State) -> Vec<Command> {
    let m = &mut state.views.monitor;
    if m.leftovers_asked {
        return Vec::new();
    }
    m.leftovers_asked = true;
    vec![MonitorCall::Leftovers { confirm: false }.into()]
}

/// `:monitor cleanup`: read them again, then confirm deleting the ended ones.
pub fn command(state: &mut State) -> Outcome {
    if state.readonly {
        flash(state, crate::app::write::READ_ONLY, FlashLevel::Error);
        return Outcome::redraw();
    }
    flash(
        state,
        "looking for one-time schedules that runs now left…",
        FlashLevel::Info,
    );
    Outcome::with(vec![MonitorCall::Leftovers { confirm: true }.into()])
}

/// Their list came back: said at start, offered for deletion on `:monitor cleanup`.
pub fn loaded(
    state: &mut State,
    confirm: bool,
    result: Result<Vec<Leftover>, SourceError>,
) -> Outcome {
    let mut left = match result {
        Ok(left) => left,
        Err(e) if confirm => {
            flash(state, format!("✗ {e}"), FlashLevel::Error);
            return Outcome::redraw();
        }
        // Only a notice at start: the failing call is on the status bar already.
        Err(e) => {
            tracing::info!(error = %e, "one-time schedules could not be listed");
            return Outcome::default();
        }
    };
    crate::sanitize::Sanitize::sanitize(&mut left);
    // Those this console deletes itself are not left behind.
    let own = &state.views.monitor.cleanups;
    left.retain(|l| !own.iter().any(|c| c.delete.schedule() == l.schedule));
    let ended = left.iter().filter(|l| l.ended).count();
    state.views.monitor.leftovers = Some(left);
    match (confirm, ended) {
        (true, 0) => flash(
            state,
            "no one-time schedule left by a run now has ended: nothing to delete",
            FlashLevel::Info,
        ),
        (true, _) => return open_confirm(state),
        // Read-only cannot delete them: nothing to offer.
        (false, 0) => return Outcome::default(),
        (false, _) if state.readonly => return Outcome::default(),
        // The command first: at 80 columns the status bar keeps about 60 characters.
        (false, 1) => flash(
            state,
            ":monitor cleanup deletes 1 one-time schedule a run now left",
            FlashLevel::Info,
        ),
        (false, n) => flash(
            state,
            format!(":monitor cleanup deletes {n} one-time schedules runs now left"),
            FlashLevel::Info,
        ),
    }
    Outcome::redraw()
}

/// One confirmation for every ended one; those still running are named and left.
fn open_confirm(state: &mut State) -> Outcome {
    let left = state.views.monitor.leftovers.as_deref().unwrap_or_default();
    let (ended, running): (Vec<&Leftover>, Vec<&Leftover>) = left.iter().partition(|l| l.ended);
    let mut lines = vec![
        format!(
            "DeleteMonitoringSchedule on {} one-time schedule{} that runs now left:",
            ended.len(),
            if ended.len() == 1 { "" } else { "s" }
        ),
        "their runs have ended; SageMaker keeps the runs and their reports".to_owned(),
        String::new(),
    ];
    // The account by its label: at 80 columns the schedule's name (up to 63) must fit.
    lines.extend(ended.iter().map(|l| {
        let run = l.run.map_or("no run", ExecutionStatus::as_str);
        let account = clean(state.account_label(&l.account_id));
        format!("{account}  {}  {run}", l.schedule)
    }));
    if !running.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "left for now ({} still running): {}",
            running.len(),
            running
                .iter()
                .map(|l| l.schedule.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let writes = ended
        .iter()
        .map(|l| delete_of((&l.account_id, &l.region), &l.schedule).into())
        .collect();
    let confirm = Confirm::new(
        "clean up: DeleteMonitoringSchedule",
        lines,
        Action::Write(writes),
    );
    overlays::open(state, Overlay::Confirm(confirm));
    Outcome::redraw()
}
