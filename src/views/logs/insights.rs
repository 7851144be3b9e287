//! An Insights query's life in the view: started with a token, its results read with a
//! backoff while it runs (they grow as it scans), stopped when cancelled, replaced, or when
//! the view is left; answers of a query since replaced are dropped by their token.

use super::calls::{LogsCall, LogsLoaded};
use super::state::{Phase, Run};
use crate::app::command::Command;
use crate::app::outcome::{Outcome, call_failed, flash};
use crate::app::state::{FlashLevel, State};
use crate::sanitize::Sanitize;
use crate::source::logs::{InsightsQuery, InsightsResults, InsightsState};

/// Failed polls in a row before the console stops asking (and stops the query).
const ERRORS_GIVE_UP: u32 = 5;
/// Insights refuses windows over this (and bills by the bytes scanned).
pub const MAX_QUERY_CHARS: usize = 10_000;

/// Starts `text` over the view's window, replacing (and stopping) the query running.
pub fn start(state: &mut State, text: String) -> Outcome {
    let Some(context) = state.views.logs.context.clone() else {
        flash(
            state,
            "no logs open: L on an endpoint, or :logs NAME",
            FlashLevel::Info,
        );
        return Outcome::redraw();
    };
    let mut text = text.trim().to_owned();
    // A run's logs are its job's streams of a group all jobs share: a query typed here
    // keeps to them (Insights has no stream parameter).
    if let Some(job) = context
        .target
        .stream_prefix
        .as_deref()
        .and_then(|p| p.strip_suffix('/'))
        && let Some(only) = crate::logs::groups::job_stream_filter(job)
        && !text.contains(&only)
    {
        text = format!("{only} | {text}");
    }
    if text.is_empty() || text.len() > MAX_QUERY_CHARS {
        flash(
            state,
            format!("an Insights query of 1 to {MAX_QUERY_CHARS} characters is expected"),
            FlashLevel::Error,
        );
        return Outcome::redraw();
    }
    let mut commands = stop(state);
    let number = state.views.logs.next_number();
    let token = format!("logs-{number}");
    let l = &mut state.views.logs;
    let end = l.insights.until.unwrap_or(state.now);
    let query = InsightsQuery {
        target: context.target,
        query: text.clone(),
        start: end - l.insights.span_secs.max(60),
        end,
    };
    let i = &mut l.insights;
    i.text = text;
    i.columns.clear();
    i.rows = Default::default();
    i.shown.clear();
    i.row = 0;
    i.offset = 0;
    i.detail = None;
    i.run = Some(Run {
        token: token.clone(),
        id: None,
        query: query.clone(),
        started: state.now,
        finished: None,
        phase: Phase::Starting,
        stats: Default::default(),
    });
    commands.push(
        LogsCall::QueryStart {
            token,
            query: Box::new(query),
        }
        .into(),
    );
    Outcome::with(commands)
}

/// Lets go of the query running: marked cancelled and, once CloudWatch has named it,
/// stopped there (one whose start has not answered is stopped when it answers).
pub fn stop(state: &mut State) -> Vec<crate::app::command::Command> {
    let now = state.now;
    let Some(run) = state.views.logs.insights.run.as_mut() else {
        return Vec::new();
    };
    if !run.phase.is_active() {
        return Vec::new();
    }
    run.phase = Phase::Cancelled;
    run.finished = Some(now);
    if run.id.is_none() {
        let orphan = (run.token.clone(), run.query.target.clone());
        state.views.logs.orphans.push(orphan);
        return Vec::new();
    }
    run.id
        .clone()
        .map(|id| {
            LogsCall::QueryStop {
                target: run.query.target.clone(),
                id,
            }
            .into()
        })
        .into_iter()
        .collect()
}

/// `Ctrl-k`.
pub fn cancel(state: &mut State) -> Outcome {
    let commands = stop(state);
    if state.views.logs.insights.run.as_ref().map(|r| &r.phase) == Some(&Phase::Cancelled) {
        flash(state, "Insights query stopped", FlashLevel::Info);
    } else {
        flash(state, "no Insights query running", FlashLevel::Info);
    }
    Outcome::with(commands)
}

fn poll(run: &Run, polls: u32) -> Command {
    LogsCall::QueryPoll {
        token: run.token.clone(),
        target: run.query.target.clone(),
        id: run.id.clone().unwrap_or_default(),
        delay_ms: crate::source::trail::poll_delay(polls).as_millis() as u64,
    }
    .into()
}

/// The answers of the view's own calls.
pub fn loaded(state: &mut State, loaded: LogsLoaded) -> Outcome {
    match loaded {
        LogsLoaded::QueryStarted { token, result } => started(state, token, result),
        LogsLoaded::QueryResults { token, result } => results(state, token, result),
        LogsLoaded::QueryStopped { result } => {
            match result {
                // Worth saying: the query may go on scanning (and billing).
                Err(e @ crate::source::SourceError::AccessDenied { .. }) => call_failed(state, &e),
                // Most often it had just finished on its own between two polls.
                Err(e) => tracing::debug!(error = %e, "StopQuery"),
                Ok(()) => {}
            }
            Outcome::redraw()
        }
        LogsLoaded::Tail { session, event } => super::tail::event(state, session, event),
    }
}

fn started(
    state: &mut State,
    token: String,
    result: Result<String, crate::source::SourceError>,
) -> Outcome {
    let now = state.now;
    let current = state
        .views
        .logs
        .insights
        .run
        .as_mut()
        .filter(|r| r.token == token);
    let Some(run) = current else {
        // Replaced before it answered: nothing may go on scanning unseen.
        return match result {
            Ok(id) => match take_orphan(state, &token) {
                Some(target) => Outcome {
                    commands: vec![LogsCall::QueryStop { target, id }.into()],
                    redraw: false,
                },
                None => Outcome::default(),
            },
            Err(_) => {
                take_orphan(state, &token);
                Outcome::default()
            }
        };
    };
    match result {
        Ok(mut id) if run.phase == Phase::Starting => {
            id.sanitize();
            run.id = Some(id);
            run.phase = Phase::Running {
                polls: 0,
                errors: 0,
            };
            let first = poll(run, 0);
            Outcome::with(vec![first])
        }
        Ok(mut id) => {
            // Cancelled while starting: stop it now that it has an id.
            id.sanitize();
            run.id = Some(id.clone());
            let target = run.query.target.clone();
            take_orphan(state, &token);
            Outcome::with(vec![LogsCall::QueryStop { target, id }.into()])
        }
        Err(e) => {
            run.phase = Phase::Failed(e.to_string());
            run.finished = Some(now);
            call_failed(state, &e);
            Outcome::redraw()
        }
    }
}

/// The target of a query let go of before its start answered.
fn take_orphan(state: &mut State, token: &str) -> Option<crate::source::logs::LogTarget> {
    let at = state
        .views
        .logs
        .orphans
        .iter()
        .position(|(t, _)| t == token)?;
    Some(state.views.logs.orphans.swap_remove(at).1)
}

fn results(
    state: &mut State,
    token: String,
    result: Result<Box<InsightsResults>, crate::source::SourceError>,
) -> Outcome {
    let now = state.now;
    let i = &mut state.views.logs.insights;
    let Some(run) = i.run.as_mut().filter(|r| r.token == token) else {
        return Outcome::default();
    };
    let Phase::Running { polls, errors } = run.phase else {
        return Outcome::default();
    };
    match result {
        Ok(mut r) => {
            r.sanitize();
            run.stats = r.stats;
            let status = r.state.unwrap_or(InsightsState::Running);
            let finished = status.is_finished();
            let next = if finished {
                run.phase = Phase::Finished(status);
                run.finished = Some(now);
                None
            } else {
                run.phase = Phase::Running {
                    polls: polls + 1,
                    errors: 0,
                };
                Some(poll(run, polls + 1))
            };
            let r = *r;
            i.columns = r.columns;
            i.rows = r.rows.into();
            refilter(i);
            Outcome::with(next.into_iter().collect())
        }
        Err(e) if errors + 1 >= ERRORS_GIVE_UP => {
            run.phase = Phase::Failed(format!("gave up after {ERRORS_GIVE_UP} failed polls: {e}"));
            run.finished = Some(now);
            let stop = LogsCall::QueryStop {
                target: run.query.target.clone(),
                id: run.id.clone().unwrap_or_default(),
            }
            .into();
            call_failed(state, &e);
            Outcome::with(vec![stop])
        }
        Err(e) => {
            run.phase = Phase::Running {
                polls: polls + 1,
                errors: errors + 1,
            };
            let again = poll(run, polls + 1);
            call_failed(state, &e);
            Outcome::with(vec![again])
        }
    }
}

/// Rows matching the `/` filter (case-insensitive, any cell), selection kept in range.
pub fn refilter(i: &mut super::state::Insights) {
    let needle = i.filter.to_lowercase();
    i.shown = if needle.is_empty() {
        (0..i.rows.len()).collect()
    } else {
        (0..i.rows.len())
            .filter(|&r| i.rows[r].iter().any(|c| c.to_lowercase().contains(&needle)))
            .collect()
    };
    i.row = i.row.min(i.shown.len().saturating_sub(1));
    i.offset = i.offset.min(i.row);
}
