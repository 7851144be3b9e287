//! The processing jobs view: the jobs of the last day in every account in scope (Model
//! Monitor's runs and pipelines' steps), newest first, with sparklines of their CPU, memory
//! and disk; an account that cannot be read says why in one line. Sorted with `s`/`S`,
//! filtered with `/`, a job opened whole with Enter, its logs with `L`. Opened with `7`,
//! `J` (from an endpoint or its monitor pane: the jobs of its schedules) or `:jobs`.

pub mod calls;
mod draw;
pub mod layout;
mod state;
mod update;

#[cfg(test)]
mod tests;

pub use state::{AccountJobs, JobColumn, JobsState, Row, ScheduleFilter};
pub use update::{
    LIST_LIMIT, LIST_SECS, LIST_WINDOW, SERIES_WINDOW, capacity, due, entered, in_scope, peak,
    rebuild, show, show_selected,
};

use super::Selected;
use super::{Change, ViewModule};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::source::jobs::ProcessingJob;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Jobs;

const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "jobs",
    aliases: &["pj"],
    args: "[SCHEDULE|ENDPOINT]",
    desc: "processing jobs of the last day (of one endpoint's or schedule's runs)",
    needs: None,
    weight: 39,
}];

impl ViewModule for Jobs {
    // Coming to the jobs, by any way: their series were let go when they were left.
    fn entered(&self, state: &mut State) -> Vec<Command> {
        entered(state)
    }

    fn due(&self, state: &mut State) -> Vec<Command> {
        due(state)
    }

    fn title(&self) -> &'static str {
        "jobs"
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::Select, "open"),
            (Action::OpenFilter, "filter"),
            (Action::SortNext, "sort"),
            (Action::ShowLogs, "logs"),
            (Action::Refresh, "refresh"),
            (Action::Back, "back"),
        ]
    }

    fn update(&self, state: &mut State, action: Action) -> Outcome {
        update::update(state, action)
    }

    fn draw(&self, state: &State, buf: &mut Buffer, area: Rect) {
        draw::render(state, buf, area);
    }

    fn table_rows(&self, size: (u16, u16)) -> usize {
        layout::page_rows(size, false)
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn run(&self, state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
        update::run(state, spec, arg)
    }

    fn complete(&self, state: &State, spec: &CommandSpec) -> Vec<String> {
        match spec.name {
            "jobs" => update::complete(state),
            _ => Vec::new(),
        }
    }

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        Some(&state.views.jobs.filter)
    }

    fn set_filter(&self, state: &mut State, text: &str) {
        update::set_filter(state, text);
    }

    fn data_changed(&self, state: &mut State, change: Change) {
        update::data_changed(state, change);
    }

    fn refresh(&self, state: &mut State, commands: &mut Vec<Command>) {
        update::refresh_now(state, commands);
    }

    fn opens(&self) -> &'static [Action] {
        &[Action::ShowJobs]
    }

    fn open(&self, state: &mut State, _: Action) -> Outcome {
        show_selected(state)
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        state.views.jobs.selected_job().map(Selected::Job)
    }

    fn series_capacity(
        &self,
        state: &State,
        key: &crate::source::model::SeriesKey,
    ) -> Option<usize> {
        (key.namespace == crate::source::jobs::NS_PROCESSING_JOBS).then(|| capacity(state, key))
    }
}

/// The job under the cursor.
pub fn selected_job(state: &State) -> Option<&ProcessingJob> {
    state.views.jobs.selected_job()
}
