//! The trail view: CloudTrail searched through Athena (or the demo's own trail). A filter
//! (or raw SQL) becomes one partition-pruned query; its progress and price show live, its
//! rows stream into the table, Enter reads an event's JSON, `c` anywhere searches what
//! changed on the selected endpoint before its alarm. Owns `:trail`, `:sql`, `:changes`,
//! `:export`.

pub mod calls;
pub mod changes;
mod draw;
pub mod history;
mod layout;
pub mod query;
pub mod results;
mod state;
mod update;

#[cfg(test)]
mod tests;

pub use draw::{detail_lines, progress_text};
pub use state::{Detail, Focus, Mode, Phase, Query, TrailState};
pub use update::{raw, search, show, visible_columns};

use super::Selected;
use super::ViewModule;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Trail;

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "trail",
        aliases: &["ct", "cloudtrail"],
        args: "[FILTER...]",
        desc: "CloudTrail: event:… source:… user:… account:… region:… error:* ip:… resource:NAME|~PART readonly:… since:2h until:…",
        needs: None,
        weight: 36,
    },
    CommandSpec {
        name: "sql",
        aliases: &[],
        args: "[SELECT...]",
        desc: "CloudTrail in raw SQL (Athena); without a \"timestamp\" predicate it asks first",
        needs: None,
        weight: 37,
    },
    CommandSpec {
        name: "changes",
        aliases: &[],
        args: "",
        desc: "what changed on the selected alarm's or endpoint's resources before it fired",
        needs: None,
        weight: 38,
    },
    CommandSpec {
        name: "export",
        aliases: &[],
        args: "csv|jsonl [PATH]",
        desc: "write the trail's rows shown (the / filter's) to a new file (quote a PATH with spaces; ~/ is home)",
        needs: Some("csv or jsonl"),
        weight: 75,
    },
];

impl ViewModule for Trail {
    /// A tape line from the trail: the event's detail (its account unknown to the line, so
    /// its day is read in every account).
    fn open_target(
        &self,
        state: &mut State,
        _: &crate::source::model::EndpointKey,
        target: &crate::tape::Target,
    ) -> Option<Outcome> {
        let crate::tape::Target::TrailEvent { event_id, at } = target else {
            return None;
        };
        Some(update::open_event(state, event_id, *at))
    }

    fn on_quit(&self, state: &mut State) -> Vec<Command> {
        query::on_quit(state)
    }

    fn title(&self) -> &'static str {
        "trail"
    }

    fn help_section(&self) -> Option<&'static str> {
        Some("Trail")
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::EditQuery, "edit"),
            (Action::Select, "detail"),
            (Action::CancelQuery, "cancel"),
            (Action::OpenFilter, "filter rows"),
            (Action::CopyCell, "copy"),
            (Action::FocusNext, "history"),
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
        layout::table_rows(crate::layout::body(size))
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

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        Some(state.views.trail.results.filter())
    }

    fn set_filter(&self, state: &mut State, text: &str) {
        let t = &mut state.views.trail;
        t.results.set_filter(text);
        t.row = 0;
        t.offset = 0;
    }

    fn confirmed(&self, state: &mut State, what: &'static str, text: String) -> Outcome {
        update::confirmed(state, what, text)
    }
    fn opens(&self) -> &'static [Action] {
        &[Action::ShowTrail, Action::ShowChanges]
    }

    fn open(&self, state: &mut State, action: Action) -> Outcome {
        match action {
            Action::ShowChanges => changes::open(state),
            _ => show(state),
        }
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        state.change_marks.endpoint.clone().map(Selected::Endpoint)
    }

    fn ticking(&self, state: &State) -> bool {
        state.views.trail.running()
    }
}
