//! The fleet view: the accounts pane and the endpoints table with sparklines. Owns `:fleet`,
//! `:account` and `:region` (the console's scope) and `:sort`.

pub mod calls;
mod draw;
pub mod layout;
pub mod ranks;
pub mod rows;
mod state;
mod update;

pub use state::{FleetColumn, FleetFocus, FleetState};
pub use update::sort_columns;

use super::Selected;
use super::{Change, ViewModule};
use crate::app::action::Action;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::source::model::Endpoint;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Fleet;

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "fleet",
        aliases: &["f", "endpoints"],
        args: "",
        desc: "the fleet of endpoints",
        needs: None,
        weight: 10,
    },
    CommandSpec {
        name: "account",
        aliases: &["acc"],
        args: "LABEL|ID|all",
        desc: "scope to one account",
        needs: Some("an account label, id or all"),
        weight: 40,
    },
    CommandSpec {
        name: "region",
        aliases: &[],
        args: "REGION|all",
        desc: "scope to one region",
        needs: Some("a region the endpoints run in, or all"),
        weight: 41,
    },
    CommandSpec {
        name: "sort",
        aliases: &[],
        args: "COLUMN [desc]",
        desc: "sort the fleet table",
        needs: None,
        weight: 60,
    },
];

impl ViewModule for Fleet {
    fn title(&self) -> &'static str {
        "fleet"
    }

    fn help_section(&self) -> Option<&'static str> {
        Some("Fleet")
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::OpenCommand, "cmd"),
            (Action::OpenFilter, "filter"),
            (Action::Select, "open"),
            (Action::SortNext, "sort"),
            (Action::FocusNext, "pane"),
            (Action::ShowAlarms, "alarms"),
            (Action::Quit, "quit"),
        ]
    }

    fn update(&self, state: &mut State, action: Action) -> Outcome {
        update::catching_up(state, |s| update::update(s, action))
    }

    fn draw(&self, state: &State, buf: &mut Buffer, area: Rect) {
        draw::render(state, buf, area);
    }

    fn table_rows(&self, size: (u16, u16)) -> usize {
        layout::page_rows(size)
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn run(&self, state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
        update::catching_up(state, |s| update::run(s, spec, arg))
    }

    fn complete(&self, state: &State, spec: &CommandSpec) -> Vec<String> {
        update::complete(state, spec)
    }

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        Some(&state.views.fleet.filter)
    }

    fn set_filter(&self, state: &mut State, text: &str) {
        update::set_filter(state, text);
    }

    fn data_changed(&self, state: &mut State, change: Change) {
        update::data_changed(state, change);
    }

    fn opens(&self) -> &'static [Action] {
        &[Action::ShowFleet]
    }

    fn open(&self, state: &mut State, _: Action) -> Outcome {
        crate::app::navigate::show(state, super::View::Fleet)
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        selected_endpoint(state).map(|e| Selected::Endpoint(e.key()))
    }

    fn series_due(&self, state: &mut State) -> Vec<crate::app::command::Command> {
        ranks::due(state)
    }

    fn endpoints_paged(&self, state: &State) -> Vec<usize> {
        page(state).collect()
    }

    fn endpoints_on_screen<'a>(
        &self,
        state: &'a State,
    ) -> rustc_hash::FxHashSet<(&'a str, &'a str)> {
        visible_endpoints(state)
    }
}

/// The endpoints of the table's page, by index, whichever view is shown.
fn page(state: &State) -> impl Iterator<Item = usize> + '_ {
    let fleet = &state.views.fleet;
    let rows = fleet.rows.iter().skip(fleet.offset);
    rows.take(layout::page_rows(state.size)).copied()
}

/// The endpoint under the table's cursor.
pub fn selected_endpoint(state: &State) -> Option<&Endpoint> {
    state
        .views
        .fleet
        .rows
        .get(state.views.fleet.selected)
        .and_then(|&i| state.endpoints.get(i))
}

/// Endpoints whose rows the table shows now, by account and name: what refreshes keep hot.
pub fn visible_endpoints(state: &State) -> rustc_hash::FxHashSet<(&str, &str)> {
    if state.view != super::View::Fleet {
        return Default::default();
    }
    page(state)
        .filter_map(|i| state.endpoints.get(i))
        .map(|e| (e.account_id.as_str(), e.name.as_str()))
        .collect()
}

#[cfg(test)]
mod tests;
