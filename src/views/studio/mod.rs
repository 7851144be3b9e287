//! The studio view: SageMaker Studio across the accounts in scope. A summary per account
//! (domains with their status, auth mode and VPC; user profiles, spaces, apps by status)
//! and every app in a sortable, filterable list where Failed apps and apps left InService
//! beyond `studio_idle_hours` (idle spend) stand out. An account that cannot be read (no
//! role under OAM, AccessDenied) says why in its row. Owns `:studio`.

pub mod calls;
mod draw;
mod layout;
pub mod rows;
mod state;
mod update;

#[cfg(test)]
mod tests;

pub use state::{AccountRead, AppColumn, AppRef, Pane, StudioState};
pub use update::{REFRESH_SECS, due, loaded as update_loaded, reported, show};

use super::{Change, ViewModule};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Studio;

const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "studio",
    aliases: &["sm"],
    args: "[SORT]",
    desc: "SageMaker Studio across accounts: domains, profiles, spaces, apps (failed and idle first); sort by account, domain, owner, type, app, status, instance, age",
    needs: None,
    weight: 39,
}];

impl ViewModule for Studio {
    fn due(&self, state: &mut State) -> Vec<Command> {
        update::due(state)
    }

    fn title(&self) -> &'static str {
        "studio"
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::FocusNext, "pane"),
            (Action::SortNext, "sort"),
            (Action::SortReverse, "reverse"),
            (Action::OpenFilter, "filter"),
            (Action::Refresh, "refresh"),
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
        // The apps pane when the accounts pane takes its largest share (half the body).
        let body = crate::layout::body(size);
        layout::rows(layout::panes(body, usize::MAX, 0).apps)
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn run(&self, state: &mut State, _spec: &CommandSpec, arg: &str) -> Outcome {
        let arg = arg.trim();
        if !arg.is_empty() {
            let (name, descending) = match arg.strip_suffix('-') {
                Some(name) => (name, true),
                None => (arg, false),
            };
            let Some(column) = AppColumn::ALL.into_iter().find(|c| c.name() == name) else {
                let names: Vec<&str> = AppColumn::ALL.iter().map(|c| c.name()).collect();
                crate::app::outcome::flash(
                    state,
                    format!(
                        ":studio sorts by one of {} (a trailing - reverses)",
                        names.join(", ")
                    ),
                    crate::app::state::FlashLevel::Error,
                );
                return Outcome::redraw();
            };
            update::sort_by(state, column, descending);
        }
        show(state)
    }

    fn complete(&self, _state: &State, _spec: &CommandSpec) -> Vec<String> {
        AppColumn::ALL.iter().map(|c| c.name().to_owned()).collect()
    }

    fn can_show(&self, state: &State) -> Result<(), &'static str> {
        if state.views.studio.available {
            Ok(())
        } else {
            Err("this source does not read SageMaker Studio")
        }
    }

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        Some(&state.views.studio.filter)
    }

    fn set_filter(&self, state: &mut State, text: &str) {
        state.views.studio.filter = text.to_owned();
        state.views.studio.app_row = 0;
        state.views.studio.app_offset = 0;
        rows::rebuild(state);
    }

    fn data_changed(&self, state: &mut State, change: Change) {
        match change {
            Change::Fleet | Change::Scope => {
                // An account that left the organisation is no longer read or counted.
                if change == Change::Fleet && !state.accounts.is_empty() {
                    let known: Vec<String> = state.accounts.iter().map(|a| a.id.clone()).collect();
                    state.views.studio.reads.retain(|id, _| known.contains(id));
                }
                state.views.studio.account_offset = 0;
                rows::rebuild(state);
            }
            Change::Resize => {
                let page = layout::pages(state).apps.max(1);
                let s = &mut state.views.studio;
                super::cursor::keep_visible(s.app_row, &mut s.app_offset, page);
            }
            Change::Alarms | Change::Series => {}
        }
    }

    fn refresh(&self, state: &mut State, commands: &mut Vec<Command>) {
        commands.extend(update::refresh(state));
    }

    fn opens(&self) -> &'static [Action] {
        &[Action::ShowStudio]
    }

    fn open(&self, state: &mut State, _: Action) -> Outcome {
        show(state)
    }
}
