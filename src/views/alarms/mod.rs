//! The alarms view: every alarm, ALARM first, and the state history of one. Owns `:alarms`.

pub mod actions;
pub mod calls;
mod draw;
pub mod editor;
pub mod layout;
mod mute;
pub mod preview;
pub mod rows;
mod rules;
mod state;
mod update;
mod verbs;
mod who_muted;

pub use draw::{state_label, state_style};
pub use state::{AlarmsState, HistoryOf};

use super::{Change, Selected, ViewModule};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::navigate;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::overlays::form::{Form, FormValues};
use crate::source::model::Alarm;
use crate::source::write::Write;
use crate::writes::WriteOutcome;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Alarms;

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "alarms",
        aliases: &["a"],
        args: "[muted]",
        desc: "every alarm, ALARM first (muted: those silent now, muted indefinitely first)",
        needs: None,
        weight: 20,
    },
    CommandSpec {
        name: "mutes",
        aliases: &[],
        args: "",
        desc: "every alarm mute rule: Enter shows one whole, e changes its end, D deletes it",
        needs: None,
        weight: 21,
    },
    CommandSpec {
        name: "mute",
        aliases: &[],
        args: "window NAME cron(...) DURATION [TZ]",
        desc: "a recurring maintenance window over the marked alarms (or the endpoint's)",
        needs: Some("window NAME cron(MIN HOUR DAY MONTH WEEKDAY) DURATION [TZ]"),
        weight: 26,
    },
    CommandSpec {
        name: "alarm",
        aliases: &[],
        args: "new [ENDPOINT]|edit|mute|unmute|delete",
        desc: "create, edit, mute, unmute or delete alarms (after a confirmation)",
        needs: Some("new, edit, mute, unmute or delete"),
        weight: 25,
    },
];

impl ViewModule for Alarms {
    fn title(&self) -> &'static str {
        "alarms"
    }

    fn help_section(&self) -> Option<&'static str> {
        Some("Alarms")
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::ToggleHelp, "help"),
            (Action::Select, "history"),
            (Action::ToggleMark, "mark"),
            (Action::MuteAlarm, "mute"),
            (Action::UnmuteAlarm, "unmute"),
            (Action::EditAlarm, "edit"),
            (Action::DeleteAlarm, "delete"),
            (Action::OpenFilter, "filter"),
            (Action::Back, "back"),
            (Action::OpenCommand, "cmd"),
        ]
    }

    fn hints_now(&self, state: &State) -> &'static [(Action, &'static str)] {
        if state.views.alarms.rules.is_some() {
            return &[
                (Action::ToggleHelp, "help"),
                (Action::Select, "rule"),
                (Action::EditAlarm, "end"),
                (Action::DeleteAlarm, "delete"),
                (Action::Back, "back"),
                (Action::OpenCommand, "cmd"),
            ];
        }
        self.hints()
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
        if spec.name == "alarm" {
            return verbs::run_alarm(state, arg);
        }
        if spec.name == "mutes" {
            return rules::show(state);
        }
        if spec.name == "mute" {
            return mute::window(state, arg);
        }
        state.views.alarms.rules = None;
        match arg.trim() {
            "" => navigate::show(state, super::View::Alarms),
            "muted" => {
                update::set_filter(state, rows::MUTED);
                navigate::show(state, super::View::Alarms)
            }
            other => {
                let msg = format!("expected :alarms or :alarms muted, not {other:?}");
                crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
                Outcome::redraw()
            }
        }
    }

    fn complete(&self, state: &State, spec: &CommandSpec) -> Vec<String> {
        if spec.name == "alarms" {
            return vec!["muted".into()];
        }
        if spec.name == "mutes" {
            return Vec::new();
        }
        if spec.name == "mute" {
            return vec!["window ".into()];
        }
        let mut out: Vec<String> = verbs::VERBS.iter().map(|(v, _)| (*v).to_owned()).collect();
        // `new ENDPOINT`: every listed endpoint's name.
        out.extend(state.endpoints.iter().map(|e| format!("new {}", e.name)));
        out
    }

    fn due(&self, state: &mut State) -> Vec<Command> {
        mute::due(state)
    }

    fn left(&self, state: &mut State) -> Vec<Command> {
        update::drop_marks(state);
        Vec::new()
    }

    fn form_submitted(&self, state: &mut State, values: FormValues) -> Outcome {
        if values.get(mute::LENGTH).is_some() {
            return mute::submitted(state, values);
        }
        if values.get(rules::END).is_some() {
            return rules::end_submitted(state, values);
        }
        editor::submitted(state, values)
    }

    fn draw_preview(&self, state: &State, form: &Form, buf: &mut Buffer, area: Rect) {
        preview::render(state, form, buf, area);
    }

    fn series_capacity(
        &self,
        state: &State,
        key: &crate::source::model::SeriesKey,
    ) -> Option<usize> {
        preview::capacity(state, key)
    }

    fn series_due(&self, state: &mut State) -> Vec<Command> {
        preview::due(state)
    }

    fn form_note(&self, state: &State, form: &Form) -> Option<(String, bool)> {
        let draft = state.views.alarms.draft.as_ref()?;
        Some(preview::note(state, draft, form))
    }

    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        Some(&state.views.alarms.filter)
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
    fn opens(&self) -> &'static [Action] {
        &[Action::ShowAlarms]
    }

    fn open(&self, state: &mut State, _: Action) -> Outcome {
        navigate::show(state, super::View::Alarms)
    }

    fn open_target(
        &self,
        state: &mut State,
        _: &crate::source::model::EndpointKey,
        target: &crate::tape::Target,
    ) -> Option<Outcome> {
        let crate::tape::Target::Alarm { account_id, name } = target else {
            return None;
        };
        let out = navigate::show(state, super::View::Alarms);
        let v = &mut state.views.alarms;
        let row = v.rows.iter().position(|&i| {
            state.alarms[i].account_id == *account_id && state.alarms[i].id == *name
        });
        if let Some(row) = row {
            v.selected = row;
        }
        Some(out)
    }

    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        selected_alarm(state).map(Selected::Alarm)
    }

    fn written(&self, state: &mut State, request: &Write, outcome: &WriteOutcome) -> Vec<Command> {
        update::written(state, request, outcome)
    }
}

/// The alarm under the table's cursor.
pub fn selected_alarm(state: &State) -> Option<&Alarm> {
    state
        .views
        .alarms
        .rows
        .get(state.views.alarms.selected)
        .and_then(|&i| state.alarms.get(i))
}

#[cfg(test)]
mod mute_tests;
#[cfg(test)]
mod tests;
