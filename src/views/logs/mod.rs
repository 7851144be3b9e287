//! The logs view: an endpoint's or a monitoring run's logs, in any account. Insights (a
//! default query per context, editable, its progress and statistics live, only the rows on
//! screen drawn) and a live tail (restarted when AWS ends it, FilterLogEvents polled where
//! live tail cannot be used, a bounded buffer that counts what it drops). Opened with `L`
//! from an endpoint, an alarm or a monitoring run, or `:logs`. Owns `:logs`, `:insights`,
//! `:tail`, `:since`, `:save`.

pub mod calls;
mod draw;
pub mod insights;
mod layout;
pub mod open;
mod state;
pub mod tail;
mod update;

#[cfg(test)]
mod tests;

pub use draw::{progress_text, tail_title};
pub use open::{open_selected, show};
pub use state::{Context, Insights, LogsState, Pane, Phase, Run, Tail};
pub use update::{SPANS, left, on_quit, parse_span};

use super::Selected;
use super::ViewModule;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Logs;

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "logs",
        aliases: &["log"],
        args: "[ENDPOINT|/LOG/GROUP]",
        desc: "logs of the selected (or named) endpoint, alarm or monitoring run: Insights and live tail",
        needs: None,
        weight: 39,
    },
    CommandSpec {
        name: "insights",
        aliases: &[],
        args: "[QUERY...]",
        desc: "run a CloudWatch Logs Insights query over the open logs",
        needs: None,
        weight: 39,
    },
    CommandSpec {
        name: "tail",
        aliases: &[],
        args: "[PATTERN...]",
        desc: "live tail of the open logs, with a filter pattern (empty: every line)",
        needs: None,
        weight: 39,
    },
    CommandSpec {
        name: "since",
        aliases: &[],
        args: "DURATION",
        desc: "the Insights window: 15m, 1h, 3d (up to 7d)",
        needs: Some("a duration such as 1h"),
        weight: 39,
    },
    CommandSpec {
        name: "save",
        aliases: &[],
        args: "[PATH]",
        desc: "write the tail's lines (or the Insights rows) to a new file (quote a PATH with spaces)",
        needs: None,
        weight: 76,
    },
];

impl ViewModule for Logs {
    /// A tape line about the logs: the endpoint's, around that minute.
    fn open_target(
        &self,
        state: &mut State,
        endpoint: &crate::source::model::EndpointKey,
        target: &crate::tape::Target,
    ) -> Option<Outcome> {
        let crate::tape::Target::Logs { minute } = target else {
            return None;
        };
        Some(open::around(state, endpoint, *minute))
    }

    // Leaving the logs: nothing goes on scanning or streaming unseen.
    fn left(&self, state: &mut State) -> Vec<Command> {
        update::left(state)
    }

    fn on_quit(&self, state: &mut State) -> Vec<Command> {
        update::on_quit(state)
    }

    fn title(&self) -> &'static str {
        "logs"
    }

    fn help_section(&self) -> Option<&'static str> {
        Some("Logs")
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::FocusNext, "insights/tail"),
            (Action::EditQuery, "edit"),
            (Action::ToggleFollow, "follow"),
            (Action::PauseTail, "pause"),
            (Action::ToggleWrap, "wrap"),
            (Action::SaveLogs, "save"),
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
        layout::rows(size, Pane::Insights)
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn run(&self, state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
        update::run(state, spec, arg)
    }

    fn complete(&self, state: &State, spec: &CommandSpec) -> Vec<String> {
        match spec.name {
            "logs" => state.endpoints.iter().map(|e| e.name.clone()).collect(),
            "since" => ["15m", "1h", "3h", "12h", "1d", "3d", "7d"]
                .map(String::from)
                .to_vec(),
            "tail" => ["ERROR", "?ERROR ?WARN", "\"Traceback\""]
                .map(String::from)
                .to_vec(),
            _ => Vec::new(),
        }
    }

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        let l = &state.views.logs;
        l.context.as_ref()?;
        Some(match l.pane {
            Pane::Insights => &l.insights.filter,
            Pane::Tail => &l.tail.filter,
        })
    }

    fn set_filter(&self, state: &mut State, text: &str) {
        let l = &mut state.views.logs;
        match l.pane {
            Pane::Insights => {
                l.insights.filter = text.to_owned();
                insights::refilter(&mut l.insights);
            }
            Pane::Tail => l.tail.filter = text.to_owned(),
        }
    }
    fn opens(&self) -> &'static [Action] {
        &[Action::ShowLogs]
    }

    fn open(&self, state: &mut State, _: Action) -> Outcome {
        open_selected(state)
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        open::endpoint_open(state).map(Selected::Endpoint)
    }

    fn ticking(&self, state: &State) -> bool {
        state
            .views
            .logs
            .insights
            .run
            .as_ref()
            .is_some_and(|r| r.phase.is_active())
    }
}
