//! What the jobs view does with keys, its commands, its results and its refresh: each
//! account's list once a minute at most and only while the view is shown, the series at the
//! fleet's 1-minute cadence, a finished job's series not asked for again once held.

use super::calls::{JobsCall, JobsLoaded};
use super::layout;
use super::state::{AccountJobs, JobColumn, Row, ScheduleFilter};
use crate::app::action::{Action, SeriesPurpose};
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::{Outcome, flash};
use crate::app::query::matches_filter;
use crate::app::state::{FlashLevel, State};
use crate::app::{navigate, refresh};
use crate::sanitize::{Sanitize, clean};
use crate::source::jobs::{
    JOB_METRICS, JOB_PERIOD, NS_PROCESSING_JOBS, ProcessingJob, job_of_host,
};
use crate::source::model::{AccountId, Epoch, SeriesKey};
use crate::views::cursor::{self, keep_visible, step};
use crate::views::{Change, Selected, View};
use std::cmp::Ordering;

/// The list covers the jobs created in the last day...
pub const LIST_WINDOW: i64 = 86_400;
/// ... at most this many per account (ListProcessingJobs pages, DescribeProcessingJob each).
pub const LIST_LIMIT: usize = 200;
/// An account's list is read again at most this often while the view is shown.
pub const LIST_SECS: i64 = 60;
/// The sparklines and charts reach this far back (ListMetrics' RecentlyActive window).
pub const SERIES_WINDOW: i64 = 3 * 3600;
/// A finished job's series is not asked for again once held up to this close to its end:
/// a minute is published up to a few minutes late, never after.
const SETTLED_SECS: i64 = 5 * 60;

/// The accounts whose jobs are listed: the one in scope, else every account.
pub fn in_scope(state: &State) -> Vec<AccountId> {
    match &state.scope {
        Some(id) => vec![id.clone()],
        None => state.accounts.iter().map(|a| a.id.clone()).collect(),
    }
}

/// What is due while the view is shown: lists of accounts not read for a minute (or never),
/// and the series once a new minute can have closed. Nothing while another view is shown.
pub fn due(state: &mut State) -> Vec<Command> {
    if state.view != View::Jobs {
        return Vec::new();
    }
    let now = state.now;
    let mut out = Vec::new();
    let mut new_accounts = false;
    for id in in_scope(state) {
        let at = state.views.jobs.list_due.get(&id).copied().unwrap_or(0);
        if now >= at {
            state
                .views
                .jobs
                .list_due
                .insert(id.clone(), now + LIST_SECS);
            out.extend(loads(&id, now));
            // Listed as loading until it answers.
            if let std::collections::hash_map::Entry::Vacant(e) =
                state.views.jobs.accounts.entry(id)
            {
                e.insert(AccountJobs::default());
                new_accounts = true;
            }
        }
    }
    if new_accounts {
        rebuild(state);
    }
    if now >= state.views.jobs.series_at {
        state.views.jobs.series_at = refresh::next_minute_refresh(now, state.refresh_secs.max(1));
        for id in in_scope(state) {
            out.extend(series_of(state, &id, Ask::Unsettled));
        }
    }
    out
}

fn loads(id: &str, now: Epoch) -> [Command; 2] {
    [
        JobsCall::List {
            account_id: id.to_owned(),
            since: now - LIST_WINDOW,
            limit: LIST_LIMIT,
        }
        .into(),
        JobsCall::Metrics(id.to_owned()).into(),
    ]
}

/// `r`: every account's list and every series now.
pub fn refresh_now(state: &State, commands: &mut Vec<Command>) {
    for id in in_scope(state) {
        commands.extend(loads(&id, state.now));
        commands.extend(series_of(state, &id, Ask::Now));
    }
}

/// Whether the series of `key` can still change: its job runs, or ended so recently that
/// CloudWatch may still be filling its last minutes, or what is held stops short of its end.
fn unsettled(state: &State, job: &ProcessingJob, key: &SeriesKey) -> bool {
    let Some(ended) = job.ended.filter(|_| job.status.is_final()) else {
        return true;
    };
    let held = state.store.get(key).and_then(|s| s.last_slot());
    state.now < ended + SETTLED_SECS || held.is_none_or(|last| last < ended - SETTLED_SECS)
}

/// Which of an account's job series to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    /// Those that can still change: the minute's refresh.
    Unsettled,
    /// Those that can still change, replacing a request in flight: `r`.
    Now,
    /// Those not held at all: a list or metrics answer brought new jobs.
    Unheld,
}

/// The series of one account's listed jobs that can still change, from what is held up to
/// now (the last three hours at most).
fn series_of(state: &State, id: &str, ask: Ask) -> Vec<Command> {
    let Some(a) = state.views.jobs.accounts.get(id) else {
        return Vec::new();
    };
    let keys: Vec<SeriesKey> = a
        .metrics
        .iter()
        .filter(|k| {
            let name = k
                .dimension(crate::source::jobs::HOST_DIMENSION)
                .and_then(job_of_host);
            a.jobs
                .iter()
                .find(|j| Some(j.name.as_str()) == name)
                .is_some_and(|j| unsettled(state, j, k))
                && (ask != Ask::Unheld || state.store.get(k).is_none())
        })
        .cloned()
        .collect();
    if keys.is_empty() {
        return Vec::new();
    }
    refresh::request_up_to_now(state, keys, SERIES_WINDOW)
        .into_iter()
        .map(|request| Command::LoadSeries {
            purpose: SeriesPurpose::Jobs,
            request,
            replace: ask == Ask::Now,
        })
        .collect()
}

/// Slots the store keeps for a processing-job series: the view's window while it is shown
/// and lists the job's account, none otherwise (memory follows the screen; CloudWatch bills
/// by metric, not by point, so reading the window again on return costs nothing more).
pub fn capacity(state: &State, key: &SeriesKey) -> usize {
    // Only a series of a job still listed: jobs that left the list (or its window) are let
    // go at the next shrink, so a view left open for days holds a day of jobs, not all.
    let listed = || {
        let Some(a) = state.views.jobs.accounts.get(key.account_id.as_str()) else {
            return false;
        };
        let job = key
            .dimension(crate::source::jobs::HOST_DIMENSION)
            .and_then(job_of_host);
        a.metrics.contains(key) && a.jobs.iter().any(|j| Some(j.name.as_str()) == job)
    };
    if state.view == View::Jobs && listed() {
        (SERIES_WINDOW / JOB_PERIOD as i64) as usize + 1
    } else {
        0
    }
}

/// Shows the view as it was left (`entered` then loads what is due).
pub fn show(state: &mut State) -> Outcome {
    if state.view != View::Jobs {
        state.views.jobs.came_from = state.view;
    }
    navigate::show(state, View::Jobs)
}

/// The view came on screen, by whatever way (a key, `:jobs`, Esc back from the logs or the
/// endpoint): what is due is loaded, and the series at once (they were let go when the
/// view was left, and would otherwise show `·` until the next minute).
pub fn entered(state: &mut State) -> Vec<Command> {
    state.views.jobs.series_at = 0;
    rebuild(state);
    due(state)
}

/// `J` (or `7`): from an endpoint's charts or its monitor pane, the jobs of its schedules
/// (the selected schedule's, on the monitor's schedules); elsewhere the list as it was left.
pub fn show_selected(state: &mut State) -> Outcome {
    // Only from the screens about one endpoint: from a list, the jobs as they were left.
    let selected = match state.view {
        View::Endpoint | View::Monitor => crate::views::selected(state),
        _ => None,
    };
    let filter = match selected {
        Some(Selected::Schedule { schedule: s, .. }) => Some(ScheduleFilter {
            label: clean(&s.name).into_owned(),
            schedules: vec![(s.account_id.clone(), s.name.clone())],
        }),
        Some(other) => other
            .endpoint()
            .map(|key| endpoint_schedules(state, &[key])),
        None => None,
    };
    if let Some(filter) = filter {
        set_schedules(state, Some(filter));
    }
    show(state)
}

/// The schedules of some endpoints: those the fleet names and those the detail screen or
/// the monitor pane read (a one-time schedule started from the console among them).
fn endpoint_schedules(state: &State, keys: &[crate::source::model::EndpointKey]) -> ScheduleFilter {
    let mut schedules: Vec<(AccountId, String)> = Vec::new();
    let mut add = |account: &str, name: &str| {
        let item = (account.to_owned(), name.to_owned());
        if !schedules.contains(&item) {
            schedules.push(item);
        }
    };
    for key in keys {
        if let Some(e) = state.endpoint(key) {
            e.monitoring_schedules
                .iter()
                .for_each(|s| add(&key.account_id, s));
        }
        // And those the charts or the monitor pane read of it, which the fleet may not list.
        for view in crate::views::all() {
            for s in view.schedules_read(state, key) {
                add(&s.account_id, &s.name);
            }
        }
    }
    let label = match keys {
        [one] => format!("{}'s schedules", clean(&one.name)),
        _ => format!(
            "{}'s schedules ({} accounts)",
            keys.first().map(|k| clean(&k.name)).unwrap_or_default(),
            keys.len()
        ),
    };
    ScheduleFilter { label, schedules }
}

fn set_schedules(state: &mut State, filter: Option<ScheduleFilter>) {
    let j = &mut state.views.jobs;
    j.schedules = filter;
    j.filter.clear();
    j.detail = false;
    j.selected = 0;
    j.offset = 0;
    rebuild(state);
}

pub fn update(state: &mut State, action: Action) -> Outcome {
    let page = layout::page_rows(state.size, state.views.jobs.detail);
    if let Some(delta) = cursor::delta(&action, page) {
        let j = &mut state.views.jobs;
        j.selected = step(j.selected, delta, j.rows.len());
        fix_offset(state);
        return Outcome::redraw();
    }
    match action {
        Action::Select => {
            let open = !state.views.jobs.detail && state.views.jobs.selected_job().is_some();
            state.views.jobs.detail = open;
            fix_offset(state);
            Outcome::redraw()
        }
        Action::Back => back(state),
        Action::SortNext => {
            let cols = JobColumn::ALL;
            let i = cols
                .iter()
                .position(|c| *c == state.views.jobs.sort)
                .unwrap_or(0);
            let next = cols[(i + 1) % cols.len()];
            sort_by(state, next, next.descending_first())
        }
        Action::SortReverse => sort_by(state, state.views.jobs.sort, !state.views.jobs.descending),
        _ => Outcome::default(),
    }
}

/// Esc peels one layer: the detail pane, the `/` filter, the schedules' filter, then the
/// view itself.
fn back(state: &mut State) -> Outcome {
    let j = &mut state.views.jobs;
    if j.detail {
        j.detail = false;
    } else if !j.filter.is_empty() {
        j.filter.clear();
        rebuild(state);
    } else if j.schedules.is_some() {
        j.schedules = None;
        rebuild(state);
    } else {
        let to = match j.came_from {
            View::Jobs => View::Fleet,
            v => v,
        };
        return navigate::back(state, to);
    }
    fix_offset(state);
    Outcome::redraw()
}

fn sort_by(state: &mut State, column: JobColumn, descending: bool) -> Outcome {
    state.views.jobs.sort = column;
    state.views.jobs.descending = descending;
    rebuild(state);
    Outcome::redraw()
}

fn fix_offset(state: &mut State) {
    let page = layout::page_rows(state.size, state.views.jobs.detail).max(1);
    let j = &mut state.views.jobs;
    j.selected = j.selected.min(j.rows.len().saturating_sub(1));
    keep_visible(j.selected, &mut j.offset, page);
}

pub fn set_filter(state: &mut State, text: &str) {
    state.views.jobs.filter = text.to_owned();
    state.views.jobs.selected = 0;
    state.views.jobs.offset = 0;
    rebuild(state);
}

pub fn data_changed(state: &mut State, change: Change) {
    match change {
        Change::Fleet => {
            // An account that left the organisation (its OAM link removed) is no longer
            // listed, read or held: its last answer would otherwise stay on screen as if
            // current. Before the accounts are first known, nothing is dropped.
            if !state.accounts.is_empty() {
                let known: Vec<String> = state.accounts.iter().map(|a| a.id.clone()).collect();
                let j = &mut state.views.jobs;
                j.accounts.retain(|id, _| known.contains(id));
                j.list_due.retain(|id, _| known.contains(id));
            }
            rebuild(state);
        }
        Change::Scope => rebuild(state),
        Change::Series if matches!(state.views.jobs.sort, JobColumn::Metric(_)) => rebuild(state),
        Change::Resize => fix_offset(state),
        Change::Alarms | Change::Series => {}
    }
}

/// The peak of a job's first host's metric within the window held: what its metric column
/// sorts by.
pub fn peak(state: &State, job: &ProcessingJob, metric: &str) -> Option<f32> {
    let key = job.series_key(metric, "algo-1");
    let (start, end) = window(state, job)?;
    state
        .store
        .get(&key)?
        .points(start, end)
        .map(|(_, v)| v)
        .reduce(f32::max)
}

/// The part of a job's run within the series window: `None` when it ran before it.
pub fn window(state: &State, job: &ProcessingJob) -> Option<(Epoch, Epoch)> {
    let start = job.created.max(state.now - SERIES_WINDOW);
    let end = job.ended.unwrap_or(state.now).min(state.now);
    (end > start).then_some((start, end))
}

fn status_rank(job: &ProcessingJob) -> u8 {
    use crate::source::jobs::JobStatus::*;
    match job.status {
        Failed => 0,
        InProgress => 1,
        Stopping => 2,
        Stopped => 3,
        Other(_) => 4,
        Completed => 5,
    }
}

/// Rebuilds the rows from the accounts held: their order, the scope, both filters, the sort.
/// The job selected stays selected wherever it moves.
pub fn rebuild(state: &mut State) {
    let kept = state
        .views
        .jobs
        .selected_job()
        .map(|j| (j.account_id.clone(), j.name.clone()));
    let mut order: Vec<AccountId> = state
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .filter(|id| state.views.jobs.accounts.contains_key(id))
        .collect();
    let mut others: Vec<AccountId> = state
        .views
        .jobs
        .accounts
        .keys()
        .filter(|id| !order.contains(id))
        .cloned()
        .collect();
    others.sort();
    order.extend(others);

    let j = &state.views.jobs;
    let mut notes = Vec::new();
    let mut jobs: Vec<(Row, &ProcessingJob)> = Vec::new();
    for (ai, id) in order.iter().enumerate() {
        if state.scope.as_ref().is_some_and(|s| s != id) {
            continue;
        }
        let Some(a) = j.accounts.get(id) else {
            continue;
        };
        if a.error.is_some() || !a.answered || a.metrics_error.is_some() {
            notes.push(Row::Note { account: ai });
        }
        let label = state.account_label(id);
        for (ji, job) in a.jobs.iter().enumerate() {
            let shown = j.schedules.as_ref().is_none_or(|f| f.matches(job))
                && matches_filter(
                    &j.filter,
                    &[
                        label,
                        &job.name,
                        job.status.as_str(),
                        job.schedule.as_deref().unwrap_or(""),
                        job.instance_type.as_deref().unwrap_or(""),
                    ],
                );
            if shown {
                jobs.push((
                    Row::Job {
                        account: ai,
                        job: ji,
                    },
                    job,
                ));
            }
        }
    }
    let (sort, descending) = (j.sort, j.descending);
    let peaks: Vec<Option<f32>> = match sort {
        JobColumn::Metric(m) => jobs
            .iter()
            .map(|(_, job)| peak(state, job, JOB_METRICS[m.min(JOB_METRICS.len() - 1)]))
            .collect(),
        _ => Vec::new(),
    };
    let now = state.now;
    let mut idx: Vec<usize> = (0..jobs.len()).collect();
    idx.sort_by(|&x, &y| {
        let (a, b) = (jobs[x].1, jobs[y].1);
        let ord = match sort {
            JobColumn::Account => state
                .account_label(&a.account_id)
                .cmp(state.account_label(&b.account_id)),
            JobColumn::Job => a.name.cmp(&b.name),
            JobColumn::Status => status_rank(a).cmp(&status_rank(b)),
            JobColumn::Schedule => a.schedule.cmp(&b.schedule),
            JobColumn::Instance => {
                (&a.instance_type, a.instance_count).cmp(&(&b.instance_type, b.instance_count))
            }
            JobColumn::Started => a.created.cmp(&b.created),
            JobColumn::Duration => a.duration(now).cmp(&b.duration(now)),
            JobColumn::Metric(_) => match (peaks[x], peaks[y]) {
                (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        let ord = if descending { ord.reverse() } else { ord };
        // Newest first among equals, then by name: the order never depends on the answer's.
        ord.then_with(|| b.created.cmp(&a.created))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.account_id.cmp(&b.account_id))
    });
    let rows: Vec<Row> = notes
        .into_iter()
        .chain(idx.into_iter().map(|i| jobs[i].0))
        .collect();
    let j = &mut state.views.jobs;
    j.order = order;
    j.rows = rows;
    if let Some((account, name)) = kept
        && let Some(i) = j.rows.iter().position(|r| {
            j.job(r)
                .is_some_and(|x| x.account_id == account && x.name == name)
        })
    {
        j.selected = i;
    }
    if j.detail && j.selected_job().is_none() {
        j.detail = false;
    }
    fix_offset(state);
}

/// A result of the view's own commands.
pub fn loaded(state: &mut State, loaded: JobsLoaded) -> Outcome {
    match loaded {
        JobsLoaded::List { account_id, result } => {
            let mut account_id = account_id;
            account_id.sanitize();
            // The cadence counts from the answer: a refresh (`r`) answered just now is not
            // read again at the next tick.
            let due = state.now + LIST_SECS;
            let view = &mut state.views.jobs;
            let at = view.list_due.entry(account_id.clone()).or_insert(due);
            *at = (*at).max(due);
            let entry = view.accounts.entry(account_id.clone()).or_default();
            entry.answered = true;
            match result {
                Ok(mut jobs) => {
                    jobs.sanitize();
                    // Another account's job is not this account's: a source that mixed
                    // them up must not list a job twice.
                    jobs.retain(|j| j.account_id == account_id);
                    jobs.truncate(LIST_LIMIT);
                    entry.jobs = jobs;
                    entry.error = None;
                }
                Err(e) => {
                    tracing::warn!(%account_id, error = %e, "processing jobs of one account failed");
                    entry.error = Some(clean(&e.to_string()).into_owned());
                }
            }
            rebuild(state);
            Outcome::with(after_answer(state, &account_id))
        }
        JobsLoaded::Metrics { account_id, result } => {
            let mut account_id = account_id;
            account_id.sanitize();
            let entry = state
                .views
                .jobs
                .accounts
                .entry(account_id.clone())
                .or_default();
            match result {
                Ok(mut keys) => {
                    keys.sanitize();
                    keys.retain(|k| {
                        k.account_id == account_id
                            && k.namespace == NS_PROCESSING_JOBS
                            && JOB_METRICS.contains(&k.metric.as_str())
                    });
                    entry.metrics = keys;
                    entry.metrics_error = None;
                }
                // The jobs still list; their sparklines say "·" (no data) until it answers.
                Err(e) => {
                    tracing::warn!(%account_id, error = %e, "processing-job metrics of one account failed");
                    entry.metrics_error = Some(clean(&e.to_string()).into_owned());
                }
            }
            // The account's line says (or no longer says) why its series are missing.
            rebuild(state);
            Outcome::with(after_answer(state, &account_id))
        }
    }
}

/// An account's list or metrics just arrived: the series of jobs not held at all (new
/// jobs), now. The ones held are the minute's periodic request's: asking for them again
/// here would bill them twice (or three times: list and metrics answer apart).
fn after_answer(state: &State, account_id: &str) -> Vec<Command> {
    if state.view != View::Jobs {
        return Vec::new();
    }
    series_of(state, account_id, Ask::Unheld)
}

/// `:jobs [SCHEDULE|ENDPOINT]`.
pub fn run(state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
    if spec.name != "jobs" {
        return Outcome::default();
    }
    let arg = arg.trim();
    if arg.is_empty() {
        set_schedules(state, None);
        return show(state);
    }
    let endpoints: Vec<crate::source::model::EndpointKey> = state
        .endpoints
        .iter()
        .filter(|e| e.name == arg)
        .filter(|e| state.scope.as_ref().is_none_or(|a| &e.account_id == a))
        .map(|e| e.key())
        .collect();
    // Neither an endpoint nor a schedule the console knows (the fleet's, or a listed job's):
    // an empty list would look like no runs, so say so and change nothing.
    if endpoints.is_empty() && !complete(state).iter().any(|n| n == arg) {
        let msg = format!(
            "no schedule or endpoint named {}: :jobs SCHEDULE|ENDPOINT (Tab lists them)",
            clean(arg)
        );
        flash(state, msg, FlashLevel::Error);
        return Outcome::redraw();
    }
    let filter = if endpoints.is_empty() {
        ScheduleFilter {
            label: clean(arg).into_owned(),
            schedules: vec![(String::new(), arg.to_owned())],
        }
    } else {
        endpoint_schedules(state, &endpoints)
    };
    if !endpoints.is_empty() && filter.schedules.is_empty() {
        flash(
            state,
            format!("{arg} has no Model Monitor schedule: no job of its runs to list"),
            FlashLevel::Info,
        );
    }
    set_schedules(state, Some(filter));
    show(state)
}

/// Endpoint names and schedule names, for `:jobs`.
pub fn complete(state: &State) -> Vec<String> {
    let mut out: Vec<String> = state.endpoints.iter().map(|e| e.name.clone()).collect();
    out.extend(
        state
            .endpoints
            .iter()
            .flat_map(|e| e.monitoring_schedules.iter().cloned()),
    );
    out.extend(
        state
            .views
            .jobs
            .accounts
            .values()
            .flat_map(|a: &AccountJobs| a.jobs.iter().filter_map(|j| j.schedule.clone())),
    );
    out.sort();
    out.dedup();
    out
}
