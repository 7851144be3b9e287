//! Which logs a key opens, from where the engineer is: an endpoint (fleet, endpoint screen,
//! monitor pane) opens its group with errors and warnings first; a monitoring run (monitor
//! pane, runs focused) the processing job's own streams around the run; an alarm its
//! endpoint's group from an hour before it fired.

use super::state::{Context, Pane};
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::logs::groups;
use crate::source::logs::LogTarget;
use crate::source::model::{EndpointKey, Epoch, Region};
use crate::views::{Selected, View};

/// The Insights window of an endpoint opened without an alarm.
pub const DEFAULT_SPAN_SECS: i64 = 3600;
/// Before an alarm's transition, the window starts this much earlier.
pub const ALARM_LEAD_SECS: i64 = 3600;
/// The longest window a key opens (a query over more is typed on purpose).
pub const MAX_SPAN_SECS: i64 = 7 * 86_400;

/// A context and its window (span, end), from what is selected.
pub fn selected(state: &State) -> Option<(Context, i64, Option<Epoch>)> {
    if matches!(state.view, View::Logs | View::Studio) {
        return None;
    }
    match crate::views::selected(state)? {
        Selected::Alarm(alarm) => {
            let key = alarm.endpoint.clone()?;
            let from = if alarm.state_since > 0 {
                alarm.state_since - ALARM_LEAD_SECS
            } else {
                state.now - DEFAULT_SPAN_SECS
            };
            let span = (state.now - from).clamp(DEFAULT_SPAN_SECS, MAX_SPAN_SECS);
            Some((endpoint(&key), span, None))
        }
        Selected::Run { run, endpoint: key } => match run_context(run) {
            // The run's hour and a little after: its job starts minutes after the
            // scheduled time and logs until it completes.
            Some(context) => {
                let until = run
                    .modified
                    .unwrap_or(run.scheduled_time + 3600)
                    .max(run.scheduled_time)
                    + 300;
                let until = (until < state.now).then_some(until);
                let span = until.unwrap_or(state.now) - (run.scheduled_time - 300);
                Some((context, span.clamp(600, MAX_SPAN_SECS), until))
            }
            None => Some((endpoint(&key?), DEFAULT_SPAN_SECS, None)),
        },
        Selected::Job(job) => {
            let context = job_context(
                &job.account_id,
                &job.region,
                &job.name,
                format!("job {}", job.name),
            )?;
            // The job's whole run and a little either side.
            let until = job.ended.map(|e| e + 300).filter(|u| *u < state.now);
            let span = until.unwrap_or(state.now) - (job.created - 300);
            Some((context, span.clamp(600, MAX_SPAN_SECS), until))
        }
        other => Some((endpoint(&other.endpoint()?), DEFAULT_SPAN_SECS, None)),
    }
}

/// An endpoint's logs.
pub fn endpoint(key: &EndpointKey) -> Context {
    Context {
        target: LogTarget {
            account_id: key.account_id.clone(),
            groups: vec![groups::endpoint_group(&key.name)],
            stream_prefix: None,
            region: key.region.clone(),
        },
        label: crate::sanitize::clean(&key.name).into_owned(),
        default_query: groups::endpoint_query().to_owned(),
    }
}

/// A monitoring run's logs: its processing job's streams. `None` without a job (a run
/// still pending) or with a name the console would not put in a query.
pub fn run_context(run: &crate::source::monitor::Execution) -> Option<Context> {
    let arn = run.processing_job_arn.as_deref()?;
    let job = arn.rsplit('/').next()?;
    job_context(&run.account_id, &run.region, job, format!("run {job}"))
}

/// Any processing job's logs: its streams in `/aws/sagemaker/ProcessingJobs`. `None` for a
/// name the console would not put in a query.
pub fn job_context(account_id: &str, region: &Region, job: &str, label: String) -> Option<Context> {
    let query = groups::job_query(job)?;
    Some(Context {
        target: LogTarget {
            account_id: account_id.to_owned(),
            groups: vec![groups::PROCESSING_JOBS_GROUP.to_owned()],
            stream_prefix: Some(groups::job_stream_prefix(job)),
            region: region.clone(),
        },
        label: crate::sanitize::clean(&label).into_owned(),
        default_query: query,
    })
}

/// A log group named on the `:` line, in the account in scope (or the monitoring account).
pub fn group(state: &State, name: &str) -> Result<Context, String> {
    let valid = !name.is_empty()
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.#".contains(c));
    if !valid {
        return Err(format!(
            "{:?} is not a log group name: letters, digits and _ - / . # only",
            crate::sanitize::clean(name)
        ));
    }
    let account = state
        .scope
        .clone()
        .or_else(|| state.identity.as_ref().map(|i| i.account_id.clone()))
        .or_else(|| state.accounts.first().map(|a| a.id.clone()))
        .ok_or("no account known yet: try again in a moment")?;
    Ok(Context {
        target: LogTarget {
            account_id: account,
            groups: vec![name.to_owned()],
            stream_prefix: None,
            region: state.region_scope.clone().unwrap_or_default(),
        },
        label: name.to_owned(),
        default_query: "fields @timestamp, @logStream, @message | sort @timestamp desc | limit 500"
            .into(),
    })
}

/// `L`: the logs of what is selected; in the logs view, the view itself.
pub fn open_selected(state: &mut State) -> Outcome {
    if state.view == View::Logs {
        return Outcome::default();
    }
    match selected(state) {
        Some((context, span, until)) => open(state, context, span, until),
        None if state.views.logs.context.is_some() => show(state),
        None => {
            flash(
                state,
                "select an endpoint, an alarm on one, a monitoring run or a job first",
                FlashLevel::Info,
            );
            Outcome::redraw()
        }
    }
}

/// The view as it was left.
pub fn show(state: &mut State) -> Outcome {
    if !state.views.logs.available {
        flash(state, "this source has no logs", FlashLevel::Error);
        return Outcome::redraw();
    }
    if state.view != View::Logs {
        state.views.logs.came_from = state.view;
    }
    let out = crate::app::navigate::show(state, View::Logs);
    out.and(Outcome::with(super::tail::resume(state)))
}

/// Opens `context`: its default query runs over the window; a tail of another context is
/// stopped and its lines let go.
pub fn open(state: &mut State, context: Context, span: i64, until: Option<Epoch>) -> Outcome {
    if !state.views.logs.available {
        flash(state, "this source has no logs", FlashLevel::Error);
        return Outcome::redraw();
    }
    let mut commands = Vec::new();
    let same = state.views.logs.context.as_ref() == Some(&context);
    if !same {
        commands.extend(super::tail::stop(state));
        state.views.logs.tail = super::state::Tail {
            wrap: state.views.logs.tail.wrap,
            timestamps: state.views.logs.tail.timestamps,
            ..Default::default()
        };
        state.views.logs.pane = Pane::Insights;
    }
    let text = context.default_query.clone();
    state.views.logs.context = Some(context);
    state.views.logs.insights.span_secs = span;
    state.views.logs.insights.until = until;
    let out = show(state);
    let out = Outcome::with(commands).and(out);
    out.and(super::insights::start(state, text))
}

/// Before and after a minute the logs are opened around (a tape's error spike).
const AROUND_BEFORE_SECS: i64 = 5 * 60;
const AROUND_AFTER_SECS: i64 = 10 * 60;

/// An endpoint's logs around `minute`: five minutes before it to ten after (or now).
pub fn around(state: &mut State, key: &EndpointKey, minute: Epoch) -> Outcome {
    let until = minute + AROUND_AFTER_SECS;
    let until = (until < state.now).then_some(until);
    let span = until.unwrap_or(state.now) - (minute - AROUND_BEFORE_SECS);
    open(state, endpoint(key), span.clamp(60, MAX_SPAN_SECS), until)
}

/// The endpoint whose logs are open, if they are an endpoint's (the other views' keys act
/// on it from here).
pub fn endpoint_open(state: &State) -> Option<EndpointKey> {
    let c = state.views.logs.context.as_ref()?;
    let name = c
        .target
        .groups
        .first()?
        .strip_prefix("/aws/sagemaker/Endpoints/")?;
    Some(EndpointKey {
        account_id: c.target.account_id.clone(),
        name: name.to_owned(),
        region: c.target.region.clone(),
    })
}
