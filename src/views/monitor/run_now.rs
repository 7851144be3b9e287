//! Run now, pause, resume: the pane builds the request, a confirmation shows it whole, and
//! `Action::Write` sends it through the gate. A schedule that cannot be acted on (the older
//! inline job definition, an account without a role) is refused here with what to do,
//! before anything is shown for confirmation.

use crate::app::action::Action;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::overlays::confirm::{self, Confirm};
use crate::overlays::form::{Form, FormValues};
use crate::overlays::{self, Overlay};
use crate::sanitize::clean;
use crate::source::model::{MonitoringSchedule, ScheduleStatus};
use crate::source::monitor::write::run_now_name;
use crate::source::monitor::{MonitorWrite, RunNow, RunWindow};
use crate::views::View;

/// The schedule run now copies: the selected one, else the endpoint's first recurring
/// schedule with a job definition (model quality comes first).
fn target(state: &State) -> Option<MonitoringSchedule> {
    let m = &state.views.monitor;
    let recurring = |s: &&MonitoringSchedule| s.schedule_expression.as_deref() != Some("NOW");
    if m.focus == super::Pane::Schedules {
        return m.selected_schedule().cloned();
    }
    m.schedules()
        .iter()
        .filter(recurring)
        .find(|s| s.job_definition.is_some())
        .or_else(|| m.schedules().iter().find(recurring))
        .cloned()
}

/// Why Model Monitor cannot be changed in this schedule's account, if it cannot.
fn no_role(state: &State, s: &MonitoringSchedule) -> Option<String> {
    (!state.placement.can_act_in(&s.account_id))
        .then(|| crate::source::monitor::no_role_message(&s.account_id))
}

pub fn open_form(state: &mut State) -> Outcome {
    open_form_with(state, "")
}

/// The run-now form (its analysis window), on the target schedule.
pub fn open_form_with(state: &mut State, window: &str) -> Outcome {
    // One run is followed at a time: a second would silently drop the first's outcome.
    if let Some(f) = &state.views.monitor.follow {
        let why = format!(
            "already following {} of {}: wait for it to end (the status bar shows it)",
            f.schedule, f.endpoint.name
        );
        flash(state, why, FlashLevel::Error);
        return Outcome::redraw();
    }
    let Some(schedule) = target(state) else {
        let why = match state
            .views
            .monitor
            .endpoint
            .as_ref()
            .and_then(|k| state.endpoint(k))
            .and_then(|e| e.quality.as_ref())
        {
            Some(q) => format!(
                "no schedule to run: this endpoint's quality metrics are custom ({}), published \
                 by its own job",
                q.namespace
            ),
            None => "no schedule to run: this endpoint has none".to_owned(),
        };
        flash(state, why, FlashLevel::Error);
        return Outcome::redraw();
    };
    let Some(job) = schedule.job_definition.clone() else {
        flash(
            state,
            format!(
                "{} uses the older inline job definition: SageMaker can run only a named job \
                 definition now (MonitoringJobDefinitionName)",
                schedule.name
            ),
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    if let Some(why) = no_role(state, &schedule) {
        flash(state, why, FlashLevel::Error);
        return Outcome::redraw();
    }
    let window = if window.is_empty() { "1h" } else { window };
    if let Err(e) = RunWindow::parse(window) {
        flash(state, e, FlashLevel::Error);
        return Outcome::redraw();
    }
    let title = format!("run now: {job}");
    let form = Form::new(&title, View::Monitor, to_this_view)
        .text("window", "analyse the last", window)
        .required()
        .validate(|t| RunWindow::parse(t).map(|_| ()));
    state.views.monitor.run_from = Some(schedule);
    overlays::open(state, Overlay::Form(form));
    Outcome::redraw()
}

/// The form was submitted: the request, to be confirmed with `y`.
/// The form's values, handed back to this view through the registry when submitted.
fn to_this_view(values: FormValues) -> Action {
    Action::FormSubmitted {
        view: View::Monitor,
        values,
    }
}

pub fn submitted(state: &mut State, values: FormValues) -> Outcome {
    let Some(from) = state.views.monitor.run_from.take() else {
        return Outcome::default();
    };
    let window = match RunWindow::parse(values.text("window").unwrap_or("")) {
        Ok(w) => w,
        Err(e) => {
            flash(state, e, FlashLevel::Error);
            return Outcome::redraw();
        }
    };
    let Some(job_definition) = from.job_definition.clone() else {
        return Outcome::default();
    };
    let write = MonitorWrite::RunNow(Box::new(RunNow {
        account_id: from.account_id.clone(),
        endpoint: from.endpoint.clone(),
        name: run_now_name(&from.name, state.now),
        from_schedule: from.name.clone(),
        job_definition,
        monitoring_type: from.monitoring_type.clone(),
        window,
        region: from.region.clone(),
    }));
    let note = vec![
        format!(
            "runs job definition {} ({}) once,",
            clean(write_job(&write)),
            clean(&from.monitoring_type)
        ),
        format!(
            "as schedule {} does, over the last {} of captured data;",
            clean(&from.name),
            window.label()
        ),
        "a one-time schedule: the console follows its run until it ends,".to_owned(),
        "then deletes the one-time schedule (DeleteMonitoringSchedule)".to_owned(),
    ];
    confirm_write(state, "run now: CreateMonitoringSchedule", write, note)
}

fn write_job(w: &MonitorWrite) -> &str {
    match w {
        MonitorWrite::RunNow(r) => &r.job_definition,
        _ => "",
    }
}

/// `p` (`pause`) and `P`: Stop/StartMonitoringSchedule on the selected schedule.
pub fn pause_or_resume(state: &mut State, pause: bool) -> Outcome {
    let Some(s) = state.views.monitor.selected_schedule().cloned() else {
        flash(state, "no schedule selected", FlashLevel::Error);
        return Outcome::redraw();
    };
    let already = match (pause, s.status) {
        (true, ScheduleStatus::Stopped) => Some("already paused (Stopped)"),
        (false, ScheduleStatus::Scheduled) => Some("already running (Scheduled)"),
        _ => None,
    };
    if let Some(already) = already {
        flash(state, format!("{} is {already}", s.name), FlashLevel::Info);
        return Outcome::redraw();
    }
    if let Some(why) = no_role(state, &s) {
        flash(state, why, FlashLevel::Error);
        return Outcome::redraw();
    }
    let (write, title, note) = if pause {
        (
            MonitorWrite::Pause {
                account_id: s.account_id.clone(),
                schedule: s.name.clone(),
                region: s.region.clone(),
            },
            "pause schedule: StopMonitoringSchedule",
            "no run starts until it is resumed; runs in progress finish",
        )
    } else {
        (
            MonitorWrite::Resume {
                account_id: s.account_id.clone(),
                schedule: s.name.clone(),
                region: s.region.clone(),
            },
            "resume schedule: StartMonitoringSchedule",
            "runs start again at its next scheduled time",
        )
    };
    confirm_write(state, title, write, vec![note.to_owned()])
}

fn confirm_write(
    state: &mut State,
    title: &str,
    write: MonitorWrite,
    note: Vec<String>,
) -> Outcome {
    // A name the console cleaned for display would name another schedule.
    if let Err(e) = write.validate() {
        flash(state, e, FlashLevel::Error);
        return Outcome::redraw();
    }
    let mut lines = confirm::request_header(state, write.account_id(), write.operation());
    lines.extend(note);
    lines.push(String::new());
    lines.extend(confirm::request_lines(&write.parameters()));
    let confirm = Confirm::new(title, lines, Action::Write(vec![write.into()]));
    overlays::open(state, Overlay::Confirm(confirm));
    Outcome::redraw()
}
