//! The alarms table's rows: ALARM first, filtered by scope and `/`. Recomputed when their
//! inputs change, never while drawing.

use crate::app::query::{matches_filter, watched_account};
use crate::app::state::State;

/// Rebuilds `alarms_view.rows`: ALARM first (newest transition first), then
/// INSUFFICIENT_DATA, then OK; filtered by the `/` filter and the account scope.
pub fn rebuild(state: &mut State) {
    let keep = super::selected_alarm(state).map(|a| (a.account_id.clone(), a.id.clone()));
    // `is:muted` keeps alarms that are silent now (actions off, or an active mute rule);
    // the rest of the filter matches text.
    let (muted_only, text) = split_filter(&state.views.alarms.filter);
    let filter = &text;
    let scope = state.scope.as_deref();
    let now = state.now;
    let silent =
        |a: &crate::source::model::Alarm| state.mutes.of(a, now).is_some_and(|m| m.is_silent());
    let mut rows: Vec<usize> = state
        .alarms
        .iter()
        .enumerate()
        .filter(|(_, a)| scope.is_none_or(|s| watched_account(a) == s))
        .filter(|(_, a)| (state.region_scope.as_ref()).is_none_or(|r| *r == a.region))
        .filter(|(_, a)| !muted_only || silent(a))
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
    // Muted alarms: those off for good first (a forgotten mute is how an incident goes
    // unseen), then the rest as everywhere.
    let forgotten = |a: &crate::source::model::Alarm| muted_only && a.actions_enabled;
    rows.sort_by(|&a, &b| {
        let (x, y) = (&state.alarms[a], &state.alarms[b]);
        forgotten(x)
            .cmp(&forgotten(y))
            .then(x.state.cmp(&y.state))
            .then(y.state_since.cmp(&x.state_since))
            .then_with(|| x.name.cmp(&y.name))
    });
    state.views.alarms.rows = rows;
    state.views.alarms.selected = keep
        .and_then(|(acc, id)| {
            state
                .views
                .alarms
                .rows
                .iter()
                .position(|&i| state.alarms[i].account_id == acc && state.alarms[i].id == id)
        })
        .unwrap_or(0)
        .min(state.views.alarms.rows.len().saturating_sub(1));
}

/// The filter's keyword for muted alarms.
pub const MUTED: &str = "is:muted";

/// Whether the filter asks for muted alarms only, and the rest of its text.
pub fn split_filter(filter: &str) -> (bool, String) {
    let muted = filter.split_whitespace().any(|w| w == MUTED);
    if !muted {
        return (false, filter.to_owned());
    }
    let rest: Vec<&str> = filter.split_whitespace().filter(|w| *w != MUTED).collect();
    (muted, rest.join(" "))
}
