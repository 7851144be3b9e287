//! Derived lists: the fleet table's filtered, sorted rows, the alarms table's rows, and the
//! alarm index. Recomputed when their inputs change, never while drawing.

use super::query;
use super::state::{AlarmIndex, FleetColumn, State};
use crate::source::metrics::FLEET_COLUMNS;
use crate::source::model::*;
use std::cmp::Ordering;

fn matches_filter(filter: &str, fields: &[&str]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let needle = filter.to_lowercase();
    fields.iter().any(|f| f.to_lowercase().contains(&needle))
}

/// NaN (no data) sorts after every number, whatever the direction.
fn cmp_values(a: f32, b: f32, descending: bool) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => {
            let o = a.total_cmp(&b);
            if descending { o.reverse() } else { o }
        }
    }
}

/// Rebuilds `fleet.rows`, keeping the same endpoint selected when it is still listed.
pub fn rebuild_fleet_rows(state: &mut State) {
    let keep = state.selected_endpoint().map(Endpoint::key);
    let fleet = &state.fleet;
    let mut rows: Vec<usize> = state
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            fleet
                .account_filter
                .as_ref()
                .is_none_or(|a| &e.account_id == a)
        })
        .filter(|(_, e)| {
            matches_filter(
                &fleet.filter,
                &[&e.name, state.account_label(&e.account_id), &e.account_id],
            )
        })
        .map(|(i, _)| i)
        .collect();

    let descending = fleet.descending;
    let by_name = |a: &Endpoint, b: &Endpoint| {
        state
            .account_label(&a.account_id)
            .cmp(state.account_label(&b.account_id))
            .then_with(|| a.name.cmp(&b.name))
    };
    let directed = |o: Ordering| if descending { o.reverse() } else { o };
    match fleet.sort {
        FleetColumn::Account => {
            rows.sort_by(|&a, &b| directed(by_name(&state.endpoints[a], &state.endpoints[b])))
        }
        FleetColumn::Endpoint => rows.sort_by(|&a, &b| {
            let (ea, eb) = (&state.endpoints[a], &state.endpoints[b]);
            directed(ea.name.cmp(&eb.name)).then_with(|| by_name(ea, eb))
        }),
        FleetColumn::Status => {
            // Worst first: alarm state, then endpoint status.
            let rank = |e: &Endpoint| {
                let alarm = state
                    .worst_alarm(&e.account_id, &e.name)
                    .unwrap_or(AlarmState::Ok);
                (alarm, e.status != EndpointStatus::InService)
            };
            rows.sort_by(|&a, &b| {
                let (ea, eb) = (&state.endpoints[a], &state.endpoints[b]);
                let (ra, rb) = (rank(ea), rank(eb));
                directed(ra.0.cmp(&rb.0).then(rb.1.cmp(&ra.1))).then_with(|| by_name(ea, eb))
            });
        }
        FleetColumn::Metric(i) => {
            let id = FLEET_COLUMNS[i.min(FLEET_COLUMNS.len() - 1)];
            let latest: Vec<f32> = state
                .endpoints
                .iter()
                .map(|e| query::metric_latest(&state.store, e, id).map_or(f32::NAN, |(_, v)| v))
                .collect();
            rows.sort_by(|&a, &b| {
                cmp_values(latest[a], latest[b], descending)
                    .then_with(|| by_name(&state.endpoints[a], &state.endpoints[b]))
            });
        }
    }

    state.fleet.rows = rows;
    state.fleet.selected = keep
        .and_then(|k| {
            state.fleet.rows.iter().position(|&i| {
                state.endpoints[i].account_id == k.account_id && state.endpoints[i].name == k.name
            })
        })
        .unwrap_or(0)
        .min(state.fleet.rows.len().saturating_sub(1));
}

/// The account an alarm is about: its endpoint's, else its metric's, else its own.
pub fn watched_account(alarm: &Alarm) -> &str {
    alarm
        .endpoint
        .as_ref()
        .map(|e| e.account_id.as_str())
        .or_else(|| alarm.series().map(|s| s.account_id.as_str()))
        .unwrap_or(&alarm.account_id)
}

pub fn rebuild_alarm_index(state: &mut State) {
    let mut index = AlarmIndex::default();
    for (i, alarm) in state.alarms.iter().enumerate() {
        if let Some(series) = alarm.series() {
            index.by_series.entry(series.clone()).or_default().push(i);
        }
        if let Some(e) = &alarm.endpoint {
            let worst = index
                .worst_by_endpoint
                .entry(e.account_id.clone())
                .or_default()
                .entry(e.name.clone())
                .or_insert(AlarmState::Ok);
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
}

/// Rebuilds `alarms_view.rows`: ALARM first (newest transition first), then
/// INSUFFICIENT_DATA, then OK; filtered by the `/` filter and the account scope.
pub fn rebuild_alarm_rows(state: &mut State) {
    let keep = state
        .selected_alarm()
        .map(|a| (a.account_id.clone(), a.name.clone()));
    let filter = &state.alarms_view.filter;
    let scope = state.fleet.account_filter.as_deref();
    let mut rows: Vec<usize> = state
        .alarms
        .iter()
        .enumerate()
        .filter(|(_, a)| scope.is_none_or(|s| watched_account(a) == s))
        .filter(|(_, a)| {
            matches_filter(
                filter,
                &[
                    &a.name,
                    a.metric_name().unwrap_or("composite"),
                    state.account_label(watched_account(a)),
                    a.state.as_str(),
                ],
            )
        })
        .map(|(i, _)| i)
        .collect();
    rows.sort_by(|&a, &b| {
        let (x, y) = (&state.alarms[a], &state.alarms[b]);
        x.state
            .cmp(&y.state)
            .then(y.state_since.cmp(&x.state_since))
            .then_with(|| x.name.cmp(&y.name))
    });
    state.alarms_view.rows = rows;
    state.alarms_view.selected = keep
        .and_then(|(acc, name)| {
            state
                .alarms_view
                .rows
                .iter()
                .position(|&i| state.alarms[i].account_id == acc && state.alarms[i].name == name)
        })
        .unwrap_or(0)
        .min(state.alarms_view.rows.len().saturating_sub(1));
}
