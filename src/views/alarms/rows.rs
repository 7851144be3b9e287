//! The alarms table's rows: ALARM first, filtered by scope and `/`. Recomputed when their
//! inputs change, never while drawing.

use crate::app::query::{matches_filter, watched_account};
use crate::app::state::State;

/// Rebuilds `alarms_view.rows`: ALARM first (newest transition first), then
/// INSUFFICIENT_DATA, then OK; filtered by the `/` filter and the account scope.
pub fn rebuild(state: &mut State) {
    let keep = super::selected_alarm(state).map(|a| (a.account_id.clone(), a.name.clone()));
    let filter = &state.alarms_view.filter;
    let scope = state.scope.as_deref();
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
