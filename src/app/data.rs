//! Shared data: results of the source's calls that every view draws from (identity,
//! accounts and endpoints, alarms, series, the source's health) go into `State` here, and
//! each view is told what changed so it can rebuild what it derives. A view's own answers
//! go straight to it (`views::loaded`).

use super::action::Loaded;
use super::outcome::{Outcome, source_failed};
use super::refresh;
use super::state::{AlarmIndex, State};
use crate::app::query::watched_account;
use crate::sanitize::Sanitize;
use crate::source::model::*;
use crate::views::{self, Change};

/// Takes a result in: shared data here, a view's own answers to that view.
pub fn loaded(state: &mut State, loaded: Loaded) -> Outcome {
    match loaded {
        Loaded::Identity(Ok(mut identity)) => {
            identity.sanitize();
            state.identity = Some(identity);
        }
        Loaded::Fleet(Ok((accounts, endpoints))) => {
            return fleet_loaded(state, accounts, endpoints);
        }
        Loaded::Alarms(Ok(mut alarms)) => {
            alarms.sanitize();
            // Most refreshes find nothing changed: nothing is rebuilt (12,000 alarms and
            // their index took 65 ms of the UI thread every 10 s). The first answer is
            // always taken in: the views wait for it.
            let read_before = state.freshness.alarms_ok_at.is_some();
            if read_before && alarms == state.alarms {
                state.freshness.alarms_ok_at = Some(state.now);
                return Outcome::redraw();
            }
            let moved = state_changes(state, &alarms);
            state.alarms = alarms;
            state.freshness.alarms_ok_at = Some(state.now);
            rebuild_alarm_index(state);
            changed(state, Change::Alarms);
            return Outcome::with(refresh::alarms_changed(state, &moved));
        }
        Loaded::AlarmsIn {
            account_id,
            result: Ok(mut alarms),
        } => {
            alarms.sanitize();
            let held = state.alarms.iter().filter(|a| a.account_id == account_id);
            if state.freshness.alarms_ok_at.is_some() && held.eq(alarms.iter()) {
                state.freshness.alarms_ok_at = Some(state.now);
                return Outcome::redraw();
            }
            let moved = state_changes(state, &alarms);
            state.alarms.retain(|a| a.account_id != account_id);
            state.alarms.extend(alarms);
            state.freshness.alarms_ok_at = Some(state.now);
            rebuild_alarm_index(state);
            changed(state, Change::Alarms);
            return Outcome::with(refresh::alarms_changed(state, &moved));
        }
        Loaded::Series(Ok(data)) => {
            let hour = state.now.div_euclid(3600) * 3600;
            let mut landed_now = Vec::new();
            // The newest point held only grows: an answer (a part of one) is looked at, not
            // the whole store.
            let mut newest = state.freshness.newest_point;
            let paged = refresh::paged(state);
            for mut series in data {
                series.key.sanitize();
                let cap = refresh::capacity_for(state, &paged, &series.key);
                if cap == 0 {
                    continue;
                }
                if refresh::is_hourly(series.key.period) {
                    hourly_news(state, &series, hour, &mut landed_now);
                } else {
                    let held = series.points.iter().filter(|(_, v)| v.is_finite());
                    newest = newest.max(held.map(|&(ts, _)| ts).max());
                }
                state.store.ingest(series, cap);
            }
            state.freshness.series_ok_at = Some(state.now);
            state.freshness.newest_point = newest;
            changed(state, Change::Series);
            // A probe landed: its schedule's other metrics have too. Ask for them now.
            let siblings = refresh::siblings_of(state, &landed_now);
            if !siblings.is_empty() {
                return Outcome::with(siblings);
            }
        }
        Loaded::Health(health) => return health_loaded(state, health),
        Loaded::FleetRuns(Ok(mut runs)) => {
            runs.sanitize();
            state.violations = super::state::ViolationIndex::of(&runs);
            state.fleet_runs = runs;
        }
        Loaded::MuteRules(Ok(mut rules)) => {
            rules.sanitize();
            let mutes = crate::source::mute::Mutes::new(rules).knowing(&state.mutes);
            if mutes != state.mutes {
                state.mutes = mutes;
                recount_muted(state);
                changed(state, Change::Alarms);
            }
        }
        // The rules held stay: the failing call is on the status bar (the source's health).
        Loaded::MuteRules(Err(e)) => {
            tracing::warn!(error = %e, "mute rules failed");
            return Outcome::default();
        }
        // The last counts stay: the failing call is on the status bar (the source's health).
        Loaded::FleetRuns(Err(e)) => {
            tracing::warn!(error = %e, "monitoring runs of the fleet failed");
            return Outcome::default();
        }
        Loaded::Written { request, outcome } => {
            return super::write::written(state, *request, outcome);
        }
        // Asked for one account at a time, a failure is that account's: it is on the status
        // bar (the source's health), and the other accounts' data is not stale because of it.
        Loaded::Series(Err(e)) if state.reads_accounts_apart => {
            tracing::warn!(error = %e, "series of one account failed");
            return Outcome::default();
        }
        Loaded::Identity(Err(e))
        | Loaded::Fleet(Err(e))
        | Loaded::Alarms(Err(e))
        | Loaded::Series(Err(e)) => source_failed(state, &e),
        // One account's failure is on the status bar (the source's health) and its alarms
        // stay; the other accounts' data is not stale because of it.
        Loaded::AlarmsIn {
            account_id,
            result: Err(e),
        } => {
            tracing::warn!(%account_id, error = %e, "alarms of one account failed");
            return Outcome::default();
        }
        Loaded::Exported(result) => return super::export::exported(state, result),
        Loaded::View(loaded) => return views::loaded(state, loaded),
    }
    Outcome::redraw()
}

/// The series watched by alarms of `fresh` whose state differs from the one held (an alarm
/// not held before is no change: the first read of the alarms comes with the fleet's own).
fn state_changes(state: &State, fresh: &[Alarm]) -> Vec<SeriesKey> {
    // Held states by alarm, once: every answer is compared whole, and an organisation holds
    // thousands of alarms (a scan per alarm was quadratic, on the UI thread).
    let held: rustc_hash::FxHashMap<(&str, &str), AlarmState> = state
        .alarms
        .iter()
        .map(|old| ((old.account_id.as_str(), old.id.as_str()), old.state))
        .collect();
    fresh
        .iter()
        .filter(|a| {
            held.get(&(a.account_id.as_str(), a.id.as_str()))
                .is_some_and(|&old| old != a.state)
        })
        .filter_map(|a| a.series().cloned())
        .collect()
}

fn fleet_loaded(
    state: &mut State,
    mut accounts: Vec<Account>,
    mut endpoints: Vec<Endpoint>,
) -> Outcome {
    accounts.sanitize();
    endpoints.sanitize();
    // The monitoring account first, then source accounts by label.
    accounts.sort_by(|a, b| b.monitoring.cmp(&a.monitoring).then(a.label.cmp(&b.label)));
    let new_endpoints = endpoints
        .iter()
        .any(|e| state.endpoint_by_name(&e.account_id, &e.name).is_none());
    state.accounts = accounts;
    remember_status_changes(state, &endpoints);
    state.set_endpoints(endpoints);
    state.freshness.fleet_ok_at = Some(state.now);
    rebuild_alarm_index(state);
    changed(state, Change::Fleet);
    shrink_store(state);
    if new_endpoints {
        // Their series are wanted now, not at the next refresh.
        state.schedule.minute_series_at = 0;
        state.schedule.hourly_series_at = 0;
        return Outcome::with(refresh::due(state));
    }
    Outcome::redraw()
}

/// The status changes held at most per endpoint: an endpoint flapping for days keeps its
/// newest.
pub const STATUS_SEEN_MAX: usize = 16;

/// Each endpoint whose status differs from the one held: the change and when it was seen.
fn remember_status_changes(state: &mut State, fresh: &[Endpoint]) {
    for e in fresh {
        let Some(old) = state
            .endpoint_by_name(&e.account_id, &e.name)
            .map(|o| o.status)
        else {
            continue;
        };
        if old == e.status {
            continue;
        }
        let seen = state.status_seen.entry(e.key()).or_default();
        if seen.is_empty() {
            // What it was before, as far as this console knows: since it started reading.
            seen.push((state.freshness.fleet_ok_at.unwrap_or(state.now), old));
        }
        seen.push((state.now, e.status));
        let over = seen.len().saturating_sub(STATUS_SEEN_MAX);
        seen.drain(..over);
    }
}

fn health_loaded(state: &mut State, mut health: crate::source::SourceHealth) -> Outcome {
    health.sanitize();
    // Usage counters change with every refresh, and an idle console must write nothing:
    // they are shown once a minute, on the frame the clock redraws anyway.
    let held = &mut state.source_health;
    let news = health.problems != held.problems
        || health.failing_minutes != held.failing_minutes
        || health.notices != held.notices
        || (health.throttled_recently > 0) != (held.throttled_recently > 0)
        || health.throttled_by_account.is_empty() != held.throttled_by_account.is_empty();
    let usage_due = state.now.div_euclid(60) != state.usage_shown_at.div_euclid(60);
    if usage_due || held.metrics_requested_last_hour == 0 {
        state.usage_shown_at = state.now;
        held.metric_data_calls_last_hour = health.metric_data_calls_last_hour;
        held.metrics_requested_last_hour = health.metrics_requested_last_hour;
        held.throttled_by_account = health.throttled_by_account;
        held.throttled_by_region = health.throttled_by_region;
    } else if health.throttled_by_account.is_empty() != held.throttled_by_account.is_empty() {
        // Throttling that starts or ends is news at once; its counts, once a minute.
        held.throttled_by_account = health.throttled_by_account;
        held.throttled_by_region = health.throttled_by_region;
    }
    let correction = clock_correction(state.clock_correction, health.clock_skew_secs);
    let news = news || correction != state.clock_correction;
    state.clock_correction = correction;
    held.problems = health.problems;
    held.failing_minutes = health.failing_minutes;
    held.notices = health.notices;
    held.clock_skew_secs = health.clock_skew_secs;
    held.throttled_recently = health.throttled_recently;
    if news {
        Outcome::redraw()
    } else {
        Outcome::default()
    }
}

/// What an hourly answer says before it is stored: a point newer than any held (a monitoring
/// run finished: its schedule's other metrics are asked for at once), and, when this hour's
/// point was looked for earlier this hour and missed, about when in the hour it lands.
fn hourly_news(state: &mut State, series: &SeriesData, hour: Epoch, landed: &mut Vec<SeriesKey>) {
    let key = &series.key;
    let held = state
        .store
        .get(key)
        .and_then(|s| s.latest())
        .map(|(ts, _)| ts);
    let got = series.points.iter().map(|(ts, _)| *ts).max();
    match (held, got) {
        (Some(held), Some(got)) if got > held => {
            landed.push(key.clone());
            let looked_before = state.hourly_missed.get(key) == Some(&hour);
            // The minute of arrival is a Model Monitor habit (hourly runs); a custom source
            // with a longer period is simply polled until its point is in.
            if got >= hour && looked_before && key.period == 3600 {
                // Seen within a poll of landing. A run that is late once moves the minute
                // later by one poll at most; an earlier one moves it at once.
                let seen = state.now - hour;
                let minute = match state.hourly_arrival.get(key) {
                    Some(&before) => seen.min(before + refresh::HOURLY_POLL_SECS),
                    None => seen,
                };
                state.hourly_arrival.insert(key.clone(), minute);
            }
        }
        _ if got.is_none_or(|g| g < hour) => {
            state.hourly_missed.insert(key.clone(), hour);
        }
        _ => {}
    }
}

/// A skew smaller than this is the `Date` header's resolution and the network's latency.
const CLOCK_TOLERANCE_SECS: i64 = 10;
/// A skew larger than this is a broken header, not a clock.
const CLOCK_SKEW_MAX_SECS: i64 = 86400;

/// What to subtract from this host's clock to get AWS's: the measured skew when it matters.
/// Switched on beyond `CLOCK_TOLERANCE_SECS` and off only under half of it, so that a host
/// about 10 s off does not flip between corrected and not on every response.
pub fn clock_correction(current: i64, skew: Option<i64>) -> i64 {
    let on_from = if current == 0 {
        CLOCK_TOLERANCE_SECS
    } else {
        CLOCK_TOLERANCE_SECS / 2
    };
    match skew {
        Some(s) if (on_from..=CLOCK_SKEW_MAX_SECS).contains(&s.abs()) => s,
        _ => 0,
    }
}

/// Moves every time the console scheduled or stamped by `delta` seconds, when its clock went
/// back (an NTP step, a corrected skew): otherwise every refresh would wait for the clock to
/// catch up with a schedule set before the step, and ages would be negative.
pub fn rebase_clock(state: &mut State, delta: Epoch) {
    let s = &mut state.schedule;
    for at in [
        &mut s.fleet_at,
        &mut s.alarms_at,
        &mut s.minute_series_at,
        &mut s.cold_series_at,
        &mut s.hourly_series_at,
        &mut s.backfill_at,
        &mut s.detail_at,
    ] {
        *at += delta;
    }
    let f = &mut state.freshness;
    for at in [&mut f.fleet_ok_at, &mut f.alarms_ok_at, &mut f.series_ok_at]
        .into_iter()
        .flatten()
    {
        *at += delta;
    }
    if let Some((at, _)) = &mut f.last_error {
        *at += delta;
    }
    if let Some(flash) = &mut state.flash {
        flash.until += delta;
    }
    state.usage_shown_at += delta;
    // The views' own schedules: the studio's reads and the jobs' lists and series.
    let studio = &mut state.views.studio;
    if let Some(at) = &mut studio.requested_at {
        *at += delta;
    }
    for read in studio.reads.values_mut() {
        for at in [&mut read.answered_at, &mut read.read_at]
            .into_iter()
            .flatten()
        {
            *at += delta;
        }
    }
    for at in state.views.jobs.list_due.values_mut() {
        *at += delta;
    }
    state.views.jobs.series_at += delta;
}

/// Tells every view that shared data changed.
pub fn changed(state: &mut State, change: Change) {
    for view in views::all() {
        view.data_changed(state, change);
    }
}

/// Scopes the console to one account (or none); every view follows.
pub fn set_scope(state: &mut State, scope: Option<AccountId>) {
    state.scope = scope;
    changed(state, Change::Scope);
}

/// Scopes the console to one region (or none), beside the account scope; every view follows.
pub fn set_region_scope(state: &mut State, region: Option<Region>) {
    state.region_scope = region;
    changed(state, Change::Scope);
}

/// Drops what no view shows any more, so memory follows the screen.
pub fn shrink_store(state: &mut State) {
    let mut store = std::mem::take(&mut state.store);
    let paged = refresh::paged(state);
    store.retain(|k| refresh::capacity_for(state, &paged, k));
    state.store = store;
    let store = &state.store;
    state.hourly_arrival.retain(|k, _| store.get(k).is_some());
    state.hourly_missed.retain(|k, _| store.get(k).is_some());
}

/// Which alarm watches which series and endpoint, and how many are in ALARM per account.
pub fn rebuild_alarm_index(state: &mut State) {
    // A source names an alarm's endpoint from SageMaker's own dimensions; an alarm on a custom
    // quality source's series names it by a dimension only the endpoints know.
    let found: Vec<(usize, EndpointKey)> = state
        .alarms
        .iter()
        .enumerate()
        .filter(|(_, a)| a.endpoint.is_none())
        .filter_map(|(i, a)| Some((i, state.endpoint_of_series(a.series()?)?.key())))
        .collect();
    for (i, key) in found {
        state.alarms[i].endpoint = Some(key);
    }
    let mut index = AlarmIndex::default();
    for (i, alarm) in state.alarms.iter().enumerate() {
        if let Some(series) = alarm.series() {
            index.by_series.entry(series.clone()).or_default().push(i);
        }
        if let Some(e) = &alarm.endpoint {
            let by_name = index
                .worst_by_endpoint
                .entry(e.account_id.clone())
                .or_default();
            let (region, worst) =
                (by_name.entry(e.name.clone())).or_insert((e.region.clone(), AlarmState::Ok));
            let worst = if *region == e.region {
                worst
            } else {
                index
                    .worst_of_twins
                    .entry(e.clone())
                    .or_insert(AlarmState::Ok)
            };
            *worst = (*worst).min(alarm.state);
        }
        if alarm.state == AlarmState::Alarm {
            *index
                .in_alarm_by_account
                .entry(watched_account(alarm).to_owned())
                .or_default() += 1;
        }
    }
    state.alarm_index = index;
    recount_muted(state);
}

/// Alarms silent now (actions off, or an active mute rule), by the account they watch: the
/// fleet's account counts. Counted when alarms or rules change and each minute, as windows
/// open and close, never while drawing.
pub fn recount_muted(state: &mut State) {
    let mut by_account: rustc_hash::FxHashMap<AccountId, usize> = Default::default();
    let mut forgotten = 0;
    let too_long = i64::from(state.muted_indefinitely_hours) * 3600;
    for alarm in &state.alarms {
        if state
            .mutes
            .of(alarm, state.now)
            .is_some_and(|m| m.is_silent())
        {
            *by_account
                .entry(watched_account(alarm).to_owned())
                .or_default() += 1;
        }
        // Off for good, for too long or since before any record: how incidents go unseen.
        // Counted once the audit log has been read (before, nothing is known either way).
        if !alarm.actions_enabled && state.mutes.turned_off_read() {
            let since = state.mutes.turned_off(&alarm.account_id, &alarm.id);
            let recent = since.is_some_and(|t| {
                t.known != crate::source::mute::Known::Before && state.now - t.at <= too_long
            });
            if !recent {
                forgotten += 1;
            }
        }
    }
    state.alarm_index.muted_by_account = by_account;
    state.alarm_index.muted_forgotten = forgotten;
}
