//! The alarms view: every alarm, ALARM first, and the state history of one. Owns `:alarms`.

mod draw;
pub mod layout;
pub mod rows;
mod state;
mod update;

pub use draw::{state_label, state_style};
pub use state::{AlarmsState, HistoryOf};

use super::{Change, ViewModule};
use crate::app::action::{Action, Loaded};
use crate::app::commands::CommandSpec;
use crate::app::navigate;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::source::model::Alarm;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Alarms;

const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "alarms",
    aliases: &["alarm", "a"],
    args: "",
    desc: "every alarm, ALARM first",
    needs: None,
    weight: 20,
}];

impl ViewModule for Alarms {
    fn title(&self) -> &'static str {
        "alarms"
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::Select, "history"),
            (Action::OpenFilter, "filter"),
            (Action::Back, "back"),
            (Action::ShowFleet, "fleet"),
            (Action::OpenCommand, "cmd"),
        ]
    }

    fn update(&self, state: &mut State, action: Action) -> Outcome {
        update::update(state, action)
    }

    fn draw(&self, state: &State, buf: &mut Buffer, area: Rect) {
        draw::render(state, buf, area);
    }

    fn table_rows(&self, size: (u16, u16)) -> usize {
        layout::table_rows(crate::layout::body(size))
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn run(&self, state: &mut State, _spec: &CommandSpec, _arg: &str) -> Outcome {
        navigate::show(state, super::View::Alarms)
    }

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        Some(&state.alarms_view.filter)
    }

    fn set_filter(&self, state: &mut State, text: &str) {
        update::set_filter(state, text);
    }

    fn data_changed(&self, state: &mut State, change: Change) {
        if change != Change::Series {
            if change != Change::Resize {
                rows::rebuild(state);
            }
            update::fix_offset(state);
        }
    }

    fn loaded(&self, state: &mut State, loaded: Loaded) -> Result<Outcome, Loaded> {
        update::loaded(state, loaded)
    }
}

/// The alarm under the table's cursor.
pub fn selected_alarm(state: &State) -> Option<&Alarm> {
    state
        .alarms_view
        .rows
        .get(state.alarms_view.selected)
        .and_then(|&i| state.alarms.get(i))
}
