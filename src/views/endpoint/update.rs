//! What the endpoint view does with keys, its commands and its results.

use super::state::{MAX_PAN_SECS, RANGES};
use crate::app::action::{Action, Loaded, SeriesPurpose};
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, Loadable, State};
use crate::app::{data, navigate, refresh};
use crate::sanitize::Sanitize;
use crate::source::metrics::METRICS;
use crate::source::model::EndpointKey;
use crate::views::View;
use crate::views::cursor::{self, step};

pub fn update(state: &mut State, action: Action) -> Outcome {
    // The charts are not a table: a page is one chart.
    if let Some(delta) = cursor::delta(&action, 1) {
        state.views.endpoint.selected_chart = step(state.views.endpoint.selected_chart, delta, METRICS.len());
        return Outcome::redraw();
    }
    let d = &mut state.views.endpoint;
    match action {
        Action::Select | Action::ToggleMaximize => {
            d.maximized = !d.maximized;
            Outcome::redraw()
        }
        Action::Back if d.maximized => {
            d.maximized = false;
            Outcome::redraw()
        }
        Action::Back => navigate::show(state, state.previous_view),
        Action::FocusNext => {
            d.selected_chart = (d.selected_chart + 1) % METRICS.len();
            Outcome::redraw()
        }
        Action::RangeWider => set_range(state, state.views.endpoint.range + 1),
        Action::RangeNarrower => set_range(state, state.views.endpoint.range.saturating_sub(1)),
        Action::PanBack => pan(state, state.views.endpoint.pan + state.views.endpoint.range_secs() / 2),
        Action::PanForward => pan(state, state.views.endpoint.pan - state.views.endpoint.range_secs() / 2),
        Action::NewAlarm => new_alarm(state),
        _ => Outcome::default(),
    }
}

/// `n`: the alarm form on the selected chart's metric (its first variant), with its
/// account, dimensions, statistic and period.
pub fn new_alarm(state: &mut State) -> Outcome {
    let Some(e) = super::shown(state) else {
        return Outcome::default();
    };
    let spec = &METRICS[state.views.endpoint.selected_chart.min(METRICS.len() - 1)];
    let key = e.key();
    let selected = crate::source::metrics::series_keys(e, spec.id)
        .into_iter()
        .next();
    crate::views::alarms::editor::open_new(state, &key, selected.as_ref(), None)
}

/// Opens an endpoint's charts (from the fleet, an alarm, or `:endpoint`).
pub fn open(state: &mut State, key: EndpointKey) -> Outcome {
    navigate::remember_previous(state);
    state.view = View::Endpoint;
    // The range is a preference that carries over; the window always starts at now.
    state.views.endpoint.pan = 0;
    if state.views.endpoint.endpoint.as_ref() != Some(&key) {
        state.views.endpoint.endpoint = Some(key.clone());
        state.views.endpoint.selected_chart = 0;
        state.views.endpoint.maximized = false;
    }
    state.views.endpoint.monitoring = Loadable::Loading;
    state.schedule.detail_at = refresh::next_minute_refresh(state.now, state.refresh_secs.max(1));
    let mut commands = refresh::detail_requests(state, true);
    commands.push(Command::LoadMonitoring(key));
    Outcome::with(commands)
}

fn set_range(state: &mut State, range: usize) -> Outcome {
    let range = range.min(RANGES.len() - 1);
    if range == state.views.endpoint.range {
        return Outcome::redraw();
    }
    state.views.endpoint.range = range;
    reload(state)
}

fn pan(state: &mut State, pan: i64) -> Outcome {
    // CloudWatch keeps 1-minute data for 15 days; the store holds the window plus the pan.
    let pan = pan.clamp(0, MAX_PAN_SECS - state.views.endpoint.range_secs());
    if pan == state.views.endpoint.pan {
        return Outcome::redraw();
    }
    state.views.endpoint.pan = pan;
    reload(state)
}

/// The whole window again, after the range or the pan changed (`:range` elsewhere only
/// sets the preference).
fn reload(state: &mut State) -> Outcome {
    if state.view != View::Endpoint {
        return Outcome::redraw();
    }
    data::shrink_store(state);
    Outcome::with(refresh::detail_requests(state, true))
}

pub fn refresh(state: &State, commands: &mut Vec<Command>) {
    // `r` asks for the whole window, not only what is new since the last refresh.
    commands.retain(|c| {
        !matches!(
            c,
            Command::LoadSeries {
                purpose: SeriesPurpose::Detail,
                ..
            }
        )
    });
    commands.extend(refresh::detail_requests(state, true));
}

pub fn loaded(state: &mut State, loaded: Loaded) -> Result<Outcome, Loaded> {
    let Loaded::Monitoring { endpoint, result } = loaded else {
        return Err(loaded);
    };
    // A late answer for an endpoint no longer open is dropped.
    if state.views.endpoint.endpoint.as_ref() == Some(&endpoint) {
        state.views.endpoint.monitoring = match result {
            Ok(mut schedules) => {
                schedules.sanitize();
                Loadable::Loaded(schedules)
            }
            Err(e) => Loadable::Failed(crate::sanitize::clean(&e.to_string()).into_owned()),
        };
    }
    Ok(Outcome::redraw())
}

pub fn run(state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
    match spec.name {
        "endpoint" => open_by_name(state, arg),
        "range" => match RANGES.iter().position(|(_, label)| *label == arg) {
            Some(i) => {
                let out = set_range(state, i);
                let label = state.views.endpoint.range_label();
                flash(state, format!("range {label}"), FlashLevel::Info);
                out
            }
            None => {
                let all: Vec<&str> = RANGES.iter().map(|r| r.1).collect();
                flash(
                    state,
                    format!("unknown range {arg:?}: one of {}", all.join(", ")),
                    FlashLevel::Error,
                );
                Outcome::redraw()
            }
        },
        _ => Outcome::default(),
    }
}

/// `:endpoint NAME`, within the account scope.
fn open_by_name(state: &mut State, wanted: &str) -> Outcome {
    match crate::views::endpoint_named(state, wanted) {
        Ok(key) => open(state, key),
        Err(why) => {
            flash(state, why, FlashLevel::Error);
            Outcome::redraw()
        }
    }
}

pub fn complete(state: &State, spec: &CommandSpec) -> Vec<String> {
    match spec.name {
        "endpoint" => {
            let mut names: Vec<String> = state.endpoints.iter().map(|e| e.name.clone()).collect();
            names.sort();
            names.dedup();
            names
        }
        "range" => RANGES.iter().map(|r| r.1.to_string()).collect(),
        _ => Vec::new(),
    }
}
