//! The fleet table's rows: filtered by scope and `/`, sorted by the chosen column.
//! Recomputed when their inputs change, never while drawing.

use super::FleetColumn;
use crate::app::query::{self, matches_filter};
use crate::app::state::State;
use crate::source::metrics::FLEET_COLUMNS;
use crate::source::model::*;
use std::cmp::Ordering;

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
pub fn rebuild(state: &mut State) {
    let keep = super::selected_endpoint(state).map(Endpoint::key);
    let fleet = &state.views.fleet;
    // Each endpoint's account label, looked up once: a sort compares labels some 140,000
    // times over 10,000 rows, and `account_label` scans the accounts.
    let by_account: rustc_hash::FxHashMap<&str, &str> = (state.accounts.iter())
        .map(|a| (a.id.as_str(), a.label.as_str()))
        .collect();
    let labels: Vec<&str> = (state.endpoints.iter())
        .map(|e| {
            by_account
                .get(e.account_id.as_str())
                .copied()
                .unwrap_or(&e.account_id)
        })
        .collect();
    let mut rows: Vec<usize> = state
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| state.in_scope(&e.account_id, &e.region))
        .filter(|&(i, e)| {
            matches_filter(
                &fleet.filter,
                &[&e.name, labels[i], &e.account_id, &e.region],
            )
        })
        .map(|(i, _)| i)
        .collect();

    let descending = fleet.descending;
    let by_name = |a: usize, b: usize| {
        let name = |i: usize| &state.endpoints[i].name;
        labels[a].cmp(labels[b]).then_with(|| name(a).cmp(name(b)))
    };
    let directed = |o: Ordering| if descending { o.reverse() } else { o };
    match fleet.sort {
        FleetColumn::Account => rows.sort_by(|&a, &b| directed(by_name(a, b))),
        FleetColumn::Endpoint => rows.sort_by(|&a, &b| {
            let (ea, eb) = (&state.endpoints[a], &state.endpoints[b]);
            directed(ea.name.cmp(&eb.name)).then_with(|| by_name(a, b))
        }),
        FleetColumn::Status => {
            // Worst first: alarm state, then endpoint status.
            let rank = |e: &Endpoint| {
                let alarm = state.worst_alarm(e).unwrap_or(AlarmState::Ok);
                (alarm, e.status != EndpointStatus::InService)
            };
            rows.sort_by(|&a, &b| {
                let (ea, eb) = (&state.endpoints[a], &state.endpoints[b]);
                let (ra, rb) = (rank(ea), rank(eb));
                directed(ra.0.cmp(&rb.0).then(rb.1.cmp(&ra.1))).then_with(|| by_name(a, b))
            });
        }
        FleetColumn::Metric(i) => {
            let id = FLEET_COLUMNS[i.min(FLEET_COLUMNS.len() - 1)];
            // One scratch for the whole fleet: 10,000 rows look their names up once each.
            let mut scratch = query::KeyScratch::default();
            // A large fleet holds the series of the rows shown only: the others are placed
            // by their ranked values (`ranks`), the newer of the two where both are known.
            let ranked = super::ranks::values(state, id);
            let mut latest_of = |(i, e): (usize, &Endpoint)| {
                let keys = scratch.keys(e, id);
                let held = query::metric_latest_of(&state.store, keys, id);
                let newest = match (held, ranked.get(&i).copied()) {
                    (Some(h), Some(r)) if r.0 > h.0 => Some(r),
                    (None, r) => r,
                    (h, _) => h,
                };
                newest.map_or(f32::NAN, |(_, v)| v)
            };
            let latest: Vec<f32> = (state.endpoints.iter().enumerate())
                .map(&mut latest_of)
                .collect();
            rows.sort_by(|&a, &b| {
                cmp_values(latest[a], latest[b], descending).then_with(|| by_name(a, b))
            });
        }
    }

    state.views.fleet.rows = rows;
    state.views.fleet.selected = keep
        .and_then(|k| {
            state.views.fleet.rows.iter().position(|&i| {
                state.endpoints[i].account_id == k.account_id && state.endpoints[i].name == k.name
            })
        })
        .unwrap_or(0)
        .min(state.views.fleet.rows.len().saturating_sub(1));
}
