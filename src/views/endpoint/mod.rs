//! The endpoint view: braille charts of every series of one endpoint, its alarm thresholds,
//! time range and pan, and its Model Monitor schedules. Owns `:endpoint` and `:range`.

pub mod calls;
mod draw;
mod layout;
pub mod series;
mod state;
mod update;

pub use state::{EndpointState, MAX_PAN_SECS, RANGES};
pub use update::open;

use super::{Selected, ViewModule};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::Loadable;
use crate::app::state::State;
use crate::overlays::form::Form;
use crate::source::model::MonitoringSchedule;
use crate::source::model::{EndpointKey, SeriesKey};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Endpoint;

/// The endpoint the detail screen is about, while the fleet still lists it.
pub fn shown(state: &State) -> Option<&crate::source::model::Endpoint> {
    state
        .views
        .endpoint
        .endpoint
        .as_ref()
        .and_then(|k| state.endpoint(k))
}

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "endpoint",
        aliases: &["ep", "e"],
        args: "NAME",
        desc: "charts of one endpoint",
        needs: Some("an endpoint name"),
        weight: 30,
    },
    CommandSpec {
        name: "range",
        aliases: &["r"],
        args: "1h|3h|12h|1d|3d",
        desc: "time range of the charts",
        needs: Some("a range"),
        weight: 50,
    },
];

impl ViewModule for Endpoint {
    fn title(&self) -> &'static str {
        "endpoint"
    }

    fn help_section(&self) -> Option<&'static str> {
        Some("Charts")
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::Back, "back"),
            (Action::RangeWider, "wider"),
            (Action::RangeNarrower, "narrower"),
            (Action::PanBack, "earlier"),
            (Action::PanForward, "later"),
            (Action::ToggleMaximize, "zoom"),
            (Action::NewAlarm, "new alarm"),
            (Action::ShowJobs, "jobs"),
            (Action::OpenCommand, "cmd"),
        ]
    }

    fn update(&self, state: &mut State, action: Action) -> Outcome {
        update::update(state, action)
    }

    fn draw(&self, state: &State, buf: &mut Buffer, area: Rect) {
        draw::render(state, buf, area);
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn run(&self, state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
        update::run(state, spec, arg)
    }

    fn complete(&self, state: &State, spec: &CommandSpec) -> Vec<String> {
        update::complete(state, spec)
    }

    fn can_show(&self, state: &State) -> Result<(), &'static str> {
        match state.views.endpoint.endpoint {
            Some(_) => Ok(()),
            None => Err("no endpoint open: select one in the fleet"),
        }
    }

    fn refresh(&self, state: &mut State, commands: &mut Vec<Command>) {
        update::refresh(state, commands);
    }

    fn draw_preview(&self, state: &State, form: &Form, buf: &mut Buffer, area: Rect) {
        draw::render_preview(state, form, buf, area);
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        let endpoint = state.views.endpoint.endpoint.clone()?;
        Some(Selected::Chart {
            endpoint,
            series: update::chart_series(state),
        })
    }

    fn series_capacity(&self, state: &State, key: &SeriesKey) -> Option<usize> {
        series::capacity(state, key)
    }

    fn series_due(&self, state: &mut State) -> Vec<Command> {
        series::due(state)
    }

    fn quality_landed(&self, state: &State, endpoint: &EndpointKey) -> Vec<Command> {
        series::quality_landed(state, endpoint)
    }

    fn open_on(&self, state: &mut State, endpoint: EndpointKey) -> Outcome {
        open(state, endpoint)
    }

    /// A tape line about a chart or a run: its charts (the line's time is on them).
    fn open_target(
        &self,
        state: &mut State,
        endpoint: &crate::source::model::EndpointKey,
        target: &crate::tape::Target,
    ) -> Option<Outcome> {
        matches!(target, crate::tape::Target::Chart { .. }).then(|| open(state, endpoint.clone()))
    }

    fn schedules_read<'a>(
        &self,
        state: &'a State,
        endpoint: &EndpointKey,
    ) -> &'a [MonitoringSchedule] {
        match (
            &state.views.endpoint.endpoint,
            &state.views.endpoint.monitoring,
        ) {
            (Some(of), Loadable::Loaded(list)) if of == endpoint => list,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests;
