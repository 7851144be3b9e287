//! The monitor view: one endpoint's Model Monitor schedules, its runs (newest first,
//! paged), the violations of a run beside its baseline's thresholds, and its monitoring
//! alerts; and the acts: run now (followed until it ends, then its one-time schedule
//! deleted), pause, resume, and cleaning up what earlier runs now left. Owns `:monitor`.

pub mod calls;
pub mod cleanup;
mod draw;
pub mod follow;
mod layout;
pub mod run_now;
mod state;
mod update;

#[cfg(test)]
mod tests;

pub use state::{Follow, MonitorState, Pane, Report};
pub use update::{open, show};

use super::Selected;
use super::ViewModule;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::source::write::Write;
use crate::writes::WriteOutcome;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Monitor;

const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "monitor",
    aliases: &["mon"],
    args: "[ENDPOINT]|run [WINDOW]|pause|resume|cleanup",
    desc: "Model Monitor: schedules, runs, violations; run now, pause, resume, delete what runs now left (after a confirmation)",
    needs: None,
    weight: 35,
}];

impl ViewModule for Monitor {
    // A run being followed is polled wherever the user is; what runs now left is read once.
    fn due(&self, state: &mut State) -> Vec<Command> {
        let mut commands = follow::due(state);
        commands.extend(cleanup::due(state));
        commands.extend(cleanup::ask_at_start(state));
        commands
    }

    fn title(&self) -> &'static str {
        "monitor"
    }

    fn help_section(&self) -> Option<&'static str> {
        Some("Monitor")
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::Back, "back"),
            (Action::FocusNext, "pane"),
            (Action::Select, "report"),
            (Action::RunMonitor, "run now"),
            (Action::PauseSchedule, "pause"),
            (Action::ResumeSchedule, "resume"),
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
        match state.views.monitor.endpoint {
            Some(_) => Ok(()),
            None => Err("no endpoint's monitor open: select one in the fleet, then m"),
        }
    }

    fn form_submitted(
        &self,
        state: &mut State,
        values: crate::overlays::form::FormValues,
    ) -> Outcome {
        run_now::submitted(state, values)
    }

    fn refresh(&self, state: &mut State, commands: &mut Vec<Command>) {
        update::refresh(state, commands);
    }

    fn opens(&self) -> &'static [Action] {
        &[Action::ShowMonitor]
    }

    fn open(&self, state: &mut State, _: Action) -> Outcome {
        show(state)
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        update::selected(state)
    }

    fn ticking(&self, state: &State) -> bool {
        state.views.monitor.follow.is_some() || cleanup::pending(state)
    }

    fn written(&self, state: &mut State, request: &Write, outcome: &WriteOutcome) -> Vec<Command> {
        match request {
            Write::Monitor(w) => update::written(state, w, outcome),
            Write::Alarm(_) => Vec::new(),
        }
    }

    fn open_on(&self, state: &mut State, endpoint: crate::source::model::EndpointKey) -> Outcome {
        open(state, endpoint)
    }

    /// A tape line about a chart or a run: its monitor pane, where the run is listed.
    fn open_target(
        &self,
        state: &mut State,
        endpoint: &crate::source::model::EndpointKey,
        target: &crate::tape::Target,
    ) -> Option<Outcome> {
        matches!(target, crate::tape::Target::MonitorRun { .. })
            .then(|| open(state, endpoint.clone()))
    }

    fn schedules_read<'a>(
        &self,
        state: &'a State,
        endpoint: &crate::source::model::EndpointKey,
    ) -> &'a [crate::source::model::MonitoringSchedule] {
        match (
            &state.views.monitor.endpoint,
            &state.views.monitor.schedules,
        ) {
            (Some(of), crate::app::state::Loadable::Loaded(list)) if of == endpoint => list,
            _ => &[],
        }
    }
}
