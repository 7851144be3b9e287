//! The series the endpoint screen asks for: every metric of the endpoint shown, over the
//! charts' window, and refreshed each minute while the screen is open.

use crate::app::action::SeriesPurpose;
use crate::app::command::Command;
use crate::app::refresh::{
    aligned, chart_window, fleet_window, has_current_hour, incremental_start, next_minute_refresh,
    slots,
};
use crate::app::state::State;
use crate::source::SeriesRequest;
use crate::source::metrics::{self, METRICS};
use crate::source::model::{EndpointKey, SeriesKey};
use crate::views::View;

/// How far back the charts reach for a series of this period.
pub fn window(state: &State, period: u32) -> i64 {
    chart_window(state.views.endpoint.range_secs(), period)
}

/// Every series of the endpoint on the detail screen over its window, grouped by period.
/// `full` asks for the whole window (range changed); otherwise only what is new.
pub fn requests(state: &State, full: bool) -> Vec<Command> {
    let Some(endpoint) = super::shown(state) else {
        return Vec::new();
    };
    let end = state.now - state.views.endpoint.pan;
    let mut by_period: Vec<(u32, Vec<SeriesKey>)> = Vec::new();
    for m in &METRICS {
        for key in metrics::series_keys(endpoint, m.id) {
            // A routine refresh skips hourly series that cannot have a new point yet.
            if !full && state.views.endpoint.pan == 0 && has_current_hour(state, &key) {
                continue;
            }
            match by_period.iter_mut().find(|(p, _)| *p == key.period) {
                Some((_, keys)) => keys.push(key),
                None => by_period.push((key.period, vec![key])),
            }
        }
    }
    by_period
        .into_iter()
        .map(|(period, keys)| {
            let window_start = end - window(state, period);
            let start = if full || state.views.endpoint.pan > 0 {
                window_start
            } else {
                incremental_start(state, &keys, window_start)
            };
            let (start, end) = aligned(start, end, period);
            Command::LoadSeries {
                purpose: SeriesPurpose::Detail,
                request: SeriesRequest {
                    keys: keys.into(),
                    start,
                    end,
                },
                replace: full,
            }
        })
        .collect()
}

/// While the screen is open, what is new each minute (nothing while panned into the past:
/// that window does not change).
pub fn due(state: &mut State) -> Vec<Command> {
    let now = state.now;
    if state.view != View::Endpoint || now < state.schedule.detail_at {
        return Vec::new();
    }
    state.schedule.detail_at = next_minute_refresh(now, state.refresh_secs.max(1));
    if state.views.endpoint.pan == 0 {
        requests(state, false)
    } else {
        Vec::new()
    }
}

/// Slots kept for a series of the endpoint on screen: its charts' window (panned back
/// included), never less than its fleet sparkline's.
pub fn capacity(state: &State, key: &SeriesKey) -> Option<usize> {
    if state.view != View::Endpoint {
        return None;
    }
    let shown = super::shown(state)?;
    let of_shown = state
        .endpoint_of_series(key)
        .is_some_and(|e| e.account_id == shown.account_id && e.name == shown.name);
    if !of_shown {
        return None;
    }
    let window = window(state, key.period) + state.views.endpoint.pan;
    Some(slots(window, key.period).max(slots(fleet_window(key.period), key.period)))
}

/// A run of `endpoint` ended: its charts, if they are open, read in full.
pub fn quality_landed(state: &State, endpoint: &EndpointKey) -> Vec<Command> {
    if state.views.endpoint.endpoint.as_ref() == Some(endpoint) {
        // The header's Model Monitor summary (each schedule's last run) too: the run that
        // just ended is the one it should name.
        let mut commands = requests(state, true);
        commands.push(super::calls::EndpointCall::Monitoring(endpoint.clone()).into());
        commands
    } else {
        Vec::new()
    }
}
