//! Following a run started from the console: its one-time schedule's runs are polled,
//! quickly at first (a run is Pending for seconds), then more slowly (a real run takes
//! minutes); when it ends its outcome is said, its report read, and the endpoint's quality
//! series asked for at once. Following survives leaving the pane (the status bar shows
//! it) and simply stops on quit: it is only reads.

use super::state::{Follow, MonitorState};
use crate::app::command::Command;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::sanitize::{Sanitize, clean};
use crate::source::SourceError;
use crate::source::model::{EndpointKey, Epoch, ExecutionStatus};
use crate::source::monitor::{Execution, RunNow};

/// Seconds between polls, by how long the run has been followed.
pub fn poll_interval(elapsed: i64) -> i64 {
    match elapsed {
        ..30 => 2,
        30..300 => 10,
        _ => 30,
    }
}

/// A run-now request was accepted: follow its run.
pub fn start(state: &mut State, run: &RunNow) -> Vec<Command> {
    let endpoint = EndpointKey {
        account_id: run.account_id.clone(),
        name: run.endpoint.clone(),
    };
    state.monitor.follow = Some(Follow {
        endpoint: endpoint.clone(),
        schedule: run.name.clone(),
        started: state.now,
        status: None,
        next_poll: state.now + poll_interval(0),
        polls: 1,
    });
    vec![Command::PollRun {
        endpoint,
        schedule: run.name.clone(),
    }]
}

/// On every tick: a poll when one is due.
pub fn due(state: &mut State) -> Vec<Command> {
    let now = state.now;
    let Some(f) = state.monitor.follow.as_mut() else {
        return Vec::new();
    };
    if now < f.next_poll {
        return Vec::new();
    }
    f.next_poll = now + poll_interval(now - f.started);
    f.polls += 1;
    vec![Command::PollRun {
        endpoint: f.endpoint.clone(),
        schedule: f.schedule.clone(),
    }]
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

pub fn polled(
    state: &mut State,
    schedule: String,
    result: Result<Option<Box<Execution>>, SourceError>,
) -> Outcome {
    let now = state.now;
    let Some(f) = state.monitor.follow.as_mut() else {
        return Outcome::default();
    };
    if f.schedule != schedule {
        return Outcome::default();
    }
    let endpoint = f.endpoint.clone();
    let mut run = match result {
        // Said, and asked again at the next poll: a blip must not end the follow.
        Err(e) => {
            flash(
                state,
                format!("following {}: {}", clean(&schedule), clean(&e.to_string())),
                FlashLevel::Error,
            );
            return Outcome::redraw();
        }
        // Not listed yet: SageMaker creates the run a moment after the schedule.
        Ok(None) => return Outcome::redraw(),
        Ok(Some(run)) => *run,
    };
    run.sanitize();
    f.status = Some(run.status);
    if !run.status.is_finished() {
        return Outcome::redraw();
    }
    let took = now - f.started;
    state.monitor.follow = None;
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
    flash(state, text, level);
    let mut commands = crate::app::refresh::quality_now(state, &endpoint);
    commands.push(Command::LoadFleetRuns);
    if state.monitor.endpoint.as_ref() == Some(&endpoint) {
        // Read again with the new one-time schedule; the newest finished run (this one)
        // is then selected and its report read, with its schedule's baseline.
        let m = &mut state.monitor;
        m.report = None;
        m.run_row = 0;
        m.focus = super::Pane::Runs;
        commands.push(Command::LoadMonitor(endpoint));
    }
    Outcome::with(commands)
}
