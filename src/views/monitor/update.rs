//! What the monitor view does with keys, its commands and its results.

use super::calls::{MonitorCall, MonitorLoaded, MonitorPane, RunReport};
use super::state::{MonitorState, Pane, Report};
use super::{follow, layout, run_now};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::navigate;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, Loadable, State};
use crate::sanitize::{Sanitize, clean};
use crate::source::model::{EndpointKey, MonitoringSchedule};
use crate::source::monitor::{Execution, MonitorWrite};
use crate::views::View;
use crate::views::cursor::{self, step};
use crate::writes::WriteOutcome;

pub fn update(state: &mut State, action: Action) -> Outcome {
    let panes = layout::panes(
        crate::layout::body(state.size),
        state.views.monitor.schedules().len(),
    );
    let page = match state.views.monitor.focus {
        Pane::Schedules => layout::rows(panes.schedules),
        Pane::Runs => layout::rows(panes.runs),
        Pane::Report => layout::rows(panes.report),
    };
    if let Some(delta) = cursor::delta(&action, page.max(1)) {
        return move_cursor(state, delta);
    }
    match action {
        Action::FocusNext => {
            let m = &mut state.views.monitor;
            m.focus = match m.focus {
                Pane::Schedules => Pane::Runs,
                Pane::Runs => Pane::Report,
                Pane::Report => Pane::Schedules,
            };
            Outcome::redraw()
        }
        Action::Select => select(state),
        Action::Back => back(state),
        Action::RunMonitor => run_now::open_form(state),
        Action::PauseSchedule => run_now::pause_or_resume(state, true),
        Action::ResumeSchedule => run_now::pause_or_resume(state, false),
        _ => Outcome::default(),
    }
}

fn move_cursor(state: &mut State, delta: isize) -> Outcome {
    let m = &mut state.views.monitor;
    match m.focus {
        Pane::Schedules => {
            m.schedule_row = step(m.schedule_row, delta, m.schedules().len());
            Outcome::redraw()
        }
        Pane::Runs => {
            m.run_row = step(m.run_row, delta, m.runs().len());
            Outcome::with(more_runs(state))
        }
        Pane::Report => {
            m.report_scroll = step(m.report_scroll, delta, report_len(m));
            Outcome::redraw()
        }
    }
}

fn report_len(m: &MonitorState) -> usize {
    let Some(r) = &m.report else { return 0 };
    let violations = match &r.violations {
        Loadable::Loaded(v) => v.violations.len(),
        _ => 1,
    };
    let baseline = match &r.baseline {
        Loadable::Loaded(Some(b)) => b.constraints.len(),
        _ => 1,
    };
    violations + baseline + 4
}

/// The next (older) page once the cursor reaches the last run read.
fn more_runs(state: &mut State) -> Vec<Command> {
    let m = &mut state.views.monitor;
    let at_end = m.run_row + 1 >= m.runs().len();
    match (&m.endpoint, &m.next_page) {
        (Some(endpoint), Some(page)) if at_end && !m.loading_more => {
            m.loading_more = true;
            vec![
                MonitorCall::Runs {
                    endpoint: endpoint.clone(),
                    page: page.clone(),
                }
                .into(),
            ]
        }
        _ => Vec::new(),
    }
}

/// Enter: on a schedule, its newest run; on a run, its report.
fn select(state: &mut State) -> Outcome {
    let m = &mut state.views.monitor;
    match m.focus {
        Pane::Schedules => {
            let Some(name) = m.selected_schedule().map(|s| s.name.clone()) else {
                return Outcome::default();
            };
            if let Some(i) = m.runs().iter().position(|r| r.schedule == name) {
                m.run_row = i;
            }
            m.focus = Pane::Runs;
            Outcome::redraw()
        }
        Pane::Runs => match m.selected_run().cloned() {
            Some(run) => Outcome::with(vec![load_report(state, run)]),
            None => Outcome::default(),
        },
        Pane::Report => Outcome::default(),
    }
}

/// Asks for a run's report (and its schedule's baseline); the report pane shows it loading.
pub fn load_report(state: &mut State, run: Execution) -> Command {
    let schedule = run.schedule.clone();
    load_report_like(state, run, &schedule)
}

/// `load_report`, the baseline taken from its own schedule or else from `like` (a run
/// started here is not listed yet; its schedule copied `like`'s job definition).
pub fn load_report_like(state: &mut State, run: Execution, like: &str) -> Command {
    let schedules = state.views.monitor.schedules();
    let schedule = schedules
        .iter()
        .find(|s| s.name == run.schedule)
        .or_else(|| schedules.iter().find(|s| s.name == like))
        .cloned()
        .map(Box::new);
    state.views.monitor.report = Some(Report {
        run: run.clone(),
        violations: Loadable::Loading,
        baseline: Loadable::Loading,
    });
    state.views.monitor.report_scroll = 0;
    MonitorCall::Report {
        run: Box::new(run),
        schedule,
    }
    .into()
}

/// `m`: the pane of the endpoint selected in the fleet or the alarms, or open in the
/// charts; else the pane already open.
pub fn show(state: &mut State) -> Outcome {
    // From the studio or the jobs, the pane as it was left.
    let chosen = match state.view {
        View::Studio | View::Jobs => None,
        _ => crate::views::selected_endpoint(state),
    };
    match chosen.or_else(|| state.views.monitor.endpoint.clone()) {
        Some(key) => open(state, key),
        None => {
            flash(
                state,
                "no endpoint selected: pick one in the fleet, then m",
                FlashLevel::Info,
            );
            Outcome::redraw()
        }
    }
}

/// What is selected: the run or the schedule under the cursor of the pane in focus, else
/// the endpoint whose pane this is.
pub fn selected(state: &State) -> Option<crate::views::Selected<'_>> {
    use crate::views::Selected;
    let m = &state.views.monitor;
    let endpoint = m.endpoint.clone();
    match m.focus {
        Pane::Runs => m.selected_run().map(|run| Selected::Run { run, endpoint }),
        Pane::Schedules => m
            .selected_schedule()
            .map(|schedule| Selected::Schedule { schedule, endpoint }),
        Pane::Report => None,
    }
    .or_else(|| m.endpoint.clone().map(Selected::Endpoint))
}

/// Opens an endpoint's pane and reads it (schedules, newest runs, alerts).
pub fn open(state: &mut State, key: EndpointKey) -> Outcome {
    let came_from = if state.view == View::Monitor {
        state.views.monitor.came_from
    } else {
        state.view
    };
    // The charts are a detail screen with a `Back` of their own: leaving them for the
    // pane must not make the pane what they go back to.
    if state.view != View::Endpoint {
        navigate::remember_previous(state);
    }
    state.view = View::Monitor;
    let m = &mut state.views.monitor;
    if m.endpoint.as_ref() != Some(&key) {
        let follow = m.follow.take();
        *m = MonitorState {
            endpoint: Some(key.clone()),
            follow,
            ..MonitorState::default()
        };
    }
    m.came_from = came_from;
    m.newest_report = true;
    Outcome::with(vec![reload(state, key)])
}

/// Back to where the pane was opened from: the charts, the fleet or the alarms.
fn back(state: &mut State) -> Outcome {
    match state.views.monitor.came_from {
        View::Endpoint if crate::views::module(View::Endpoint).can_show(state).is_ok() => {
            state.view = View::Endpoint;
            Outcome::redraw()
        }
        View::Monitor => navigate::show(state, View::Fleet),
        to => navigate::show(state, to),
    }
}

fn reload(state: &mut State, key: EndpointKey) -> Command {
    let m = &mut state.views.monitor;
    m.schedules = Loadable::Loading;
    m.runs = Loadable::Loading;
    m.alerts = Loadable::Loading;
    m.next_page = None;
    m.loading_more = false;
    MonitorCall::Pane(key).into()
}

/// `r`: the pane again (it is never polled).
pub fn refresh(state: &State, commands: &mut Vec<Command>) {
    if let Some(key) = &state.views.monitor.endpoint {
        commands.push(MonitorCall::Pane(key.clone()).into());
    }
}

/// The answers of the pane's own calls.
pub fn loaded(state: &mut State, loaded: MonitorLoaded) -> Outcome {
    match loaded {
        MonitorLoaded::Pane(pane) => {
            let MonitorPane {
                endpoint,
                schedules,
                runs,
                alerts,
            } = *pane;
            pane_loaded(state, endpoint, schedules, runs, alerts)
        }
        MonitorLoaded::Runs {
            endpoint, result, ..
        } => {
            let m = &mut state.views.monitor;
            if m.endpoint.as_ref() != Some(&endpoint) {
                return Outcome::default();
            }
            m.loading_more = false;
            match result {
                Ok(mut page) => {
                    page.sanitize();
                    if let Loadable::Loaded(runs) = &mut m.runs {
                        runs.extend(page.executions);
                    }
                    m.next_page = page.next;
                }
                Err(e) => {
                    m.next_page = None;
                    flash(
                        state,
                        format!("older runs: {}", clean(&e.to_string())),
                        FlashLevel::Error,
                    );
                }
            }
            Outcome::redraw()
        }
        MonitorLoaded::Report(report) => {
            let RunReport {
                run,
                violations,
                baseline,
            } = *report;
            // Read (or not): a run-now's one-time schedule may go now.
            let deletes = super::cleanup::report_read(state, &run);
            let Some(r) = state.views.monitor.report.as_mut() else {
                return Outcome::with(deletes);
            };
            // A late answer for a run no longer looked at is dropped.
            if !r.run.is_same_run(&run) {
                return Outcome::with(deletes);
            }
            r.violations = loadable(violations);
            r.baseline = loadable(baseline);
            if let (Loadable::Loaded(v), Loadable::Loaded(Some(b))) =
                (&mut r.violations, &r.baseline)
            {
                crate::source::monitor::report::with_baseline(&mut v.violations, b);
            }
            let mut outcome = Outcome::redraw();
            outcome.commands = deletes;
            outcome
        }
        MonitorLoaded::Polled { schedule, result } => follow::polled(state, schedule, result),
        MonitorLoaded::Leftovers { confirm, result } => {
            super::cleanup::loaded(state, confirm, result)
        }
    }
}

fn loadable<T: Sanitize>(result: Result<T, crate::source::SourceError>) -> Loadable<T> {
    match result {
        Ok(mut v) => {
            v.sanitize();
            Loadable::Loaded(v)
        }
        Err(e) => Loadable::Failed(clean(&e.to_string()).into_owned()),
    }
}

fn pane_loaded(
    state: &mut State,
    endpoint: EndpointKey,
    schedules: Result<Vec<MonitoringSchedule>, crate::source::SourceError>,
    runs: Result<crate::source::monitor::ExecutionPage, crate::source::SourceError>,
    alerts: Result<Vec<crate::source::monitor::MonitoringAlert>, crate::source::SourceError>,
) -> Outcome {
    let now = state.now;
    let m = &mut state.views.monitor;
    if m.endpoint.as_ref() != Some(&endpoint) {
        return Outcome::default();
    }
    m.read_at = Some(now);
    m.schedules = loadable(schedules);
    m.alerts = loadable(alerts);
    match runs {
        Ok(mut page) => {
            page.sanitize();
            m.next_page = page.next;
            m.runs = Loadable::Loaded(page.executions);
        }
        Err(e) => m.runs = Loadable::Failed(clean(&e.to_string()).into_owned()),
    }
    m.loading_more = false;
    m.schedule_row = m.schedule_row.min(m.schedules().len().saturating_sub(1));
    m.run_row = m.run_row.min(m.runs().len().saturating_sub(1));
    // The run whose report is shown stays the selected one (a run just followed included).
    if let Some(r) = &m.report
        && let Some(i) = m.runs().iter().position(|x| x.is_same_run(&r.run))
    {
        m.run_row = i;
    }
    // The newest finished run's report comes with the pane: what broke, and by how much,
    // is what the pane is opened for.
    // So does a pane opened again: the report left on screen may be older than a run that
    // has ended since.
    let wants_newest = std::mem::take(&mut m.newest_report);
    if m.report.is_none() || wants_newest {
        let newest = m
            .runs()
            .iter()
            .position(|r| r.status.is_finished())
            .map(|i| (i, m.runs()[i].clone()));
        if let Some((i, run)) = newest {
            m.run_row = i;
            let shown = m.report.as_ref().is_some_and(|r| {
                r.run.is_same_run(&run) && !matches!(r.violations, Loadable::Failed(_))
            });
            if !shown {
                return Outcome::with(vec![load_report(state, run)]);
            }
        }
    }
    Outcome::redraw()
}

/// `:monitor [ENDPOINT|run [WINDOW]|pause|resume]`.
pub fn run(state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
    if spec.name != "monitor" {
        return Outcome::default();
    }
    let (word, rest) = arg.split_once(' ').unwrap_or((arg, ""));
    match word {
        "" => show(state),
        "run" | "pause" | "resume" if state.view != View::Monitor => {
            flash(
                state,
                format!(
                    ":monitor {word} acts on the schedule selected in the monitor pane: open it with m first"
                ),
                FlashLevel::Error,
            );
            Outcome::redraw()
        }
        "run" if state.readonly => refused(state),
        "run" => run_now::open_form_with(state, rest.trim()),
        "pause" | "resume" if state.readonly => refused(state),
        "cleanup" => super::cleanup::command(state),
        "pause" => run_now::pause_or_resume(state, true),
        "resume" => run_now::pause_or_resume(state, false),
        name => open_by_name(state, name),
    }
}

fn refused(state: &mut State) -> Outcome {
    flash(state, crate::app::write::READ_ONLY, FlashLevel::Error);
    Outcome::redraw()
}

fn open_by_name(state: &mut State, wanted: &str) -> Outcome {
    match crate::views::endpoint_named(state, wanted) {
        Ok(key) => open(state, key),
        Err(why) => {
            let hint = if why.starts_with("no endpoint") {
                ": expected an endpoint name, run, pause, resume or cleanup"
            } else {
                ""
            };
            flash(state, format!("{why}{hint}"), FlashLevel::Error);
            Outcome::redraw()
        }
    }
}

pub fn complete(state: &State, spec: &CommandSpec) -> Vec<String> {
    if spec.name != "monitor" {
        return Vec::new();
    }
    let mut words: Vec<String> = state.endpoints.iter().map(|e| e.name.clone()).collect();
    words.sort();
    words.dedup();
    words.extend(["run", "pause", "resume", "cleanup"].map(String::from));
    words
}

/// A Model Monitor write's outcome: a run started is followed; a schedule paused or
/// resumed is read again; a one-time schedule's delete is said.
pub fn written(state: &mut State, request: &MonitorWrite, outcome: &WriteOutcome) -> Vec<Command> {
    if let MonitorWrite::Delete {
        account_id,
        schedule,
        ..
    } = request
    {
        return super::cleanup::deleted(state, account_id, schedule, outcome);
    }
    if !outcome.is_done() {
        return Vec::new();
    }
    match request {
        MonitorWrite::Delete { .. } => Vec::new(),
        MonitorWrite::RunNow(run) => follow::start(state, run),
        MonitorWrite::Pause { .. } | MonitorWrite::Resume { .. } => state
            .views
            .monitor
            .endpoint
            .clone()
            .map(|endpoint| super::calls::MonitorCall::Pane(endpoint).into())
            .into_iter()
            .collect(),
    }
}
