//! Following a run started from the console: its one-time schedule's runs are polled,
//! quickly at first (a run is Pending for seconds), then more slowly (a real run takes
//! minutes); when it ends its outcome is said, its report read, the endpoint's quality
//! series asked for at once, and its one-time schedule deleted (`cleanup`). Following
//! survives leaving the pane (the status bar shows it) and simply stops on quit: it is only
//! reads until the run ends.

use super::calls::{MonitorCall, Poll};
use super::state::{Follow, MonitorState};
use crate::app::command::Command;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::sanitize::{Sanitize, clean};
use crate::source::SourceError;
use crate::source::model::{EndpointKey, Epoch, ExecutionStatus};
use crate::source::monitor::RunNow;

/// Seconds between polls, by how long the run has been followed.
pub fn poll_interval(elapsed: i64) -> i64 {
    match elapsed {
        ..30 => 2,
        30..300 => 10,
        _ => 30,
    }
}

/// A run-now request was accepted: follow its run. One run is followed at a time: `x`
/// refuses a second, but one confirmed while the first write was still on its way is
/// said, not silently swapped for the first.
pub fn start(state: &mut State, run: &RunNow) -> Vec<Command> {
    if let Some(f) = &state.views.monitor.follow {
        let text = format!(
            "{} started; still following {} (one run at a time): its runs are in the pane of {}",
            run.name, f.schedule, run.endpoint
        );
        flash(state, text, FlashLevel::Info);
        return Vec::new();
    }
    let endpoint = EndpointKey {
        account_id: run.account_id.clone(),
        name: run.endpoint.clone(),
        region: run.region.clone(),
    };
    state.views.monitor.follow = Some(Follow {
        endpoint: endpoint.clone(),
        schedule: run.name.clone(),
        from_schedule: run.from_schedule.clone(),
        started: state.now,
        status: None,
        next_poll: state.now + poll_interval(0),
        last_answer: state.now,
    });
    vec![
        MonitorCall::Poll {
            endpoint,
            schedule: run.name.clone(),
        }
        .into(),
    ]
}

/// On every tick: a poll when one is due.
pub fn due(state: &mut State) -> Vec<Command> {
    let now = state.now;
    let Some(f) = state.views.monitor.follow.as_mut() else {
        return Vec::new();
    };
    if now < f.next_poll {
        return Vec::new();
    }
    f.next_poll = now + poll_interval(now - f.started);
    vec![
        MonitorCall::Poll {
            endpoint: f.endpoint.clone(),
            schedule: f.schedule.clone(),
        }
        .into(),
    ]
}

/// `⟳ run fraud-detector InProgress 0:42`, for the status bar.
pub fn marker(m: &MonitorState, now: Epoch) -> Option<String> {
    let f = m.follow.as_ref()?;
    let elapsed = (now - f.started).max(0);
    Some(format!(
        "⟳ run {} {} {}:{:02}",
        f.endpoint.name,
        f.status.map_or("starting", ExecutionStatus::as_str),
        elapsed / 60,
        elapsed % 60
    ))
}

/// A run not listed this long after its schedule was made is not coming: SageMaker lists a
/// NOW schedule's run within seconds.
pub const NO_RUN_GIVE_UP_SECS: i64 = 15 * 60;
/// How long polls may keep failing before the follow stops: a blip (a VPN, an STS
/// refresh, throttling) must not end a healthy follow, a role without the permission must.
pub const ERRORS_GIVE_UP_SECS: i64 = 5 * 60;

/// Ends the follow with a message; the run (if any) goes on in AWS.
fn give_up(state: &mut State, why: String) -> Outcome {
    state.views.monitor.follow = None;
    flash(state, why, FlashLevel::Error);
    Outcome::redraw()
}

pub fn polled(state: &mut State, schedule: String, result: Result<Poll, SourceError>) -> Outcome {
    let now = state.now;
    let Some(f) = state.views.monitor.follow.as_mut() else {
        return Outcome::default();
    };
    if f.schedule != schedule {
        return Outcome::default();
    }
    let endpoint = f.endpoint.clone();
    let name = clean(&schedule).into_owned();
    let mut run = match result {
        // Said, and asked again at the next poll: a blip must not end the follow, but a
        // call that keeps failing (a role without ListMonitoringExecutions) must.
        Err(e) => {
            let e = clean(&e.to_string()).into_owned();
            if now - f.last_answer > ERRORS_GIVE_UP_SECS {
                return give_up(
                    state,
                    format!(
                        "stopped following {name}: polls failed for {} minutes: {e}",
                        ERRORS_GIVE_UP_SECS / 60
                    ),
                );
            }
            flash(state, format!("following {name}: {e}"), FlashLevel::Error);
            return Outcome::redraw();
        }
        Ok(Poll::ScheduleFailed(reason)) => {
            return give_up(
                state,
                format!("✗ the one-time schedule {name} failed: {}", clean(&reason)),
            );
        }
        // Only while no run was ever seen: an empty listing after one was is a blip.
        Ok(Poll::NotYet) if f.status.is_none() && now - f.started > NO_RUN_GIVE_UP_SECS => {
            return give_up(
                state,
                format!(
                    "stopped following {name}: no run listed after {} minutes",
                    NO_RUN_GIVE_UP_SECS / 60
                ),
            );
        }
        Ok(Poll::NotYet) => {
            f.last_answer = now;
            return Outcome::redraw();
        }
        Ok(Poll::Run(run)) => *run,
    };
    f.last_answer = now;
    run.sanitize();
    f.status = Some(run.status);
    if !run.status.is_finished() {
        return Outcome::redraw();
    }
    let took = now - f.started;
    let from_schedule = f.from_schedule.clone();
    state.views.monitor.follow = None;
    let took = format!("{}:{:02}", took / 60, took % 60);
    let (text, level) = match run.status {
        ExecutionStatus::Completed => (
            format!(
                "✓ run of {} Completed in {took}: no violations",
                endpoint.name
            ),
            FlashLevel::Info,
        ),
        ExecutionStatus::CompletedWithViolations => (
            format!(
                "⚠ run of {} CompletedWithViolations in {took}: its violations are in the monitor pane (m)",
                endpoint.name
            ),
            FlashLevel::Error,
        ),
        status => (
            format!(
                "✗ run of {} {} after {took}: {}",
                endpoint.name,
                status.as_str(),
                run.failure_reason.as_deref().unwrap_or("no reason given")
            ),
            FlashLevel::Error,
        ),
    };
    flash(state, text.clone(), level);
    let mut commands = crate::app::refresh::quality_now(state, &endpoint);
    commands.push(Command::LoadFleetRuns);
    let delete = super::cleanup::delete_of((&endpoint.account_id, &endpoint.region), &schedule);
    let mut report_read = None;
    if state.views.monitor.endpoint.as_ref() == Some(&endpoint) {
        // This very run's report, with the baseline of the schedule it copied (the pane
        // reads again to list the run, and selects it). A run that failed has no report:
        // the pane then shows why for the newest finished run, which is this one.
        state.views.monitor.focus = super::Pane::Runs;
        if run.status.is_completed() {
            report_read = Some(run.clone());
            commands.push(super::update::load_report_like(state, run, &from_schedule));
        } else {
            state.views.monitor.report = None;
        }
        commands.push(MonitorCall::Pane(endpoint).into());
    }
    // The run-now confirmation said so: its one-time schedule goes once the report is read.
    commands.extend(super::cleanup::run_ended(
        state,
        delete,
        report_read,
        (text, level),
    ));
    Outcome::with(commands)
}
