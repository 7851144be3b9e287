//! The incident tape: everything that happened to one endpoint on one time axis, newest at
//! the bottom (alarm transitions, its changes in CloudTrail, status and scaling, Model
//! Monitor runs, log error spikes, metric steps, this console's writes), over a chart strip
//! of its quality and CPU with the selected line's time marked. Opened with `I` from
//! anything on an endpoint (an alarm opens it at its transition), `8` or `:tape`; `Enter`
//! opens a line where it lives, `/` filters, Space hides a kind, `-` reaches further back,
//! `r` reads again. What it reads is `incident`; how answers become lines is `tape`.

pub mod calls;
mod draw;
pub mod layout;
mod state;
mod target;
mod update;

#[cfg(test)]
mod tests;

pub use state::{Part, TapeState};

use super::{Selected, ViewModule};
use crate::app::action::Action;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Tape;

const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "tape",
    aliases: &["incident"],
    args: "[ENDPOINT|ALARM] [since]",
    desc: "everything that happened to an endpoint, on one time axis",
    needs: None,
    weight: 38,
}];

impl ViewModule for Tape {
    // "incident", not "tape": at 80 columns the header shows each view by its first letter,
    // and the trail has the t.
    fn title(&self) -> &'static str {
        "incident"
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::Select, "open"),
            (Action::OpenFilter, "filter"),
            (Action::ToggleMark, "hide kind"),
            (Action::RangeWider, "wider"),
            (Action::SaveLogs, "save draft"),
            (Action::Refresh, "read again"),
            (Action::Back, "back"),
        ]
    }

    fn key_meaning(&self, action: Action) -> Option<&'static str> {
        Some(match action {
            Action::Select => "Open the line where it lives: event, run, logs, chart, alarm",
            Action::ToggleMark => "Hide the selected line's kind (Esc shows every kind)",
            Action::RangeWider => "Reach twice as far back (up to 7 days) and read again",
            Action::Refresh => "Read every source again, up to now",
            Action::SaveLogs => "Save the post-mortem draft (Markdown) of the lines shown",
            Action::OpenFilter => "Filter the lines on their text, who and kind",
            Action::Back => "Clear the filter, then show every kind, then go back",
            _ => return None,
        })
    }

    fn update(&self, state: &mut State, action: Action) -> Outcome {
        update::update(state, action)
    }

    fn draw(&self, state: &State, buf: &mut Buffer, area: Rect) {
        draw::render(state, buf, area);
    }

    fn table_rows(&self, size: (u16, u16)) -> usize {
        layout::list_rows(crate::layout::body(size))
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn run(&self, state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
        update::run(state, spec, arg)
    }

    fn complete(&self, state: &State, _: &CommandSpec) -> Vec<String> {
        update::complete(state)
    }

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        Some(&state.views.tape.filter)
    }

    fn set_filter(&self, state: &mut State, text: &str) {
        update::set_filter(state, text);
    }

    fn opens(&self) -> &'static [Action] {
        &[Action::ShowTape]
    }

    fn open(&self, state: &mut State, _: Action) -> Outcome {
        update::open_selected(state)
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        let subject = state.views.tape.subject.as_ref()?;
        Some(Selected::Endpoint(subject.endpoint.key()))
    }
}

/// One source of a tape answered.
pub fn loaded(state: &mut State, loaded: calls::TapeLoaded) -> Outcome {
    update::loaded(state, loaded)
}
