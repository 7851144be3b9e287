//! The alarms view: every alarm, ALARM first, and the state history of one. Owns `:alarms`.

pub mod actions;
mod draw;
pub mod editor;
pub mod layout;
pub mod preview;
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
use crate::overlays::form::{Form, FormValues};
use crate::source::model::Alarm;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub struct Alarms;

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "alarms",
        aliases: &["a"],
        args: "[muted]",
        desc: "every alarm, ALARM first (muted: only those with actions off)",
        needs: None,
        weight: 20,
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

/// The `:alarm` verbs, and the key action each stands for.
const VERBS: [(&str, Action); 5] = [
    ("new", Action::NewAlarm),
    ("edit", Action::EditAlarm),
    ("mute", Action::MuteAlarm),
    ("unmute", Action::UnmuteAlarm),
    ("delete", Action::DeleteAlarm),
];

impl ViewModule for Alarms {
    fn title(&self) -> &'static str {
        "alarms"
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
            return run_alarm(state, arg);
        }
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
        let mut out: Vec<String> = VERBS.iter().map(|(v, _)| (*v).to_owned()).collect();
        // `new ENDPOINT`: every listed endpoint's name.
        out.extend(state.endpoints.iter().map(|e| format!("new {}", e.name)));
        out
    }

    fn form_submitted(&self, state: &mut State, values: FormValues) -> Outcome {
        editor::submitted(state, values)
    }

    fn draw_preview(&self, state: &State, form: &Form, buf: &mut Buffer, area: Rect) {
        preview::render(state, form, buf, area);
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

    fn loaded(&self, state: &mut State, loaded: Loaded) -> Result<Outcome, Loaded> {
        update::loaded(state, loaded)
    }
}

/// The alarm under the table's cursor.
pub fn selected_alarm(state: &State) -> Option<&Alarm> {
    state
        .views.alarms
        .rows
        .get(state.views.alarms.selected)
        .and_then(|&i| state.alarms.get(i))
}

/// `:alarm VERB [ARG]`, wherever it is typed: the same as the verb's key on the screen it
/// makes sense on. `new` works from every screen (the endpoint named, the chart selected,
/// the fleet's selected endpoint, or like the selected alarm).
fn run_alarm(state: &mut State, arg: &str) -> Outcome {
    let mut words = arg.split_whitespace();
    let verb = words.next().unwrap_or_default();
    let rest: Vec<&str> = words.collect();
    let Some((_, action)) = VERBS.iter().find(|(v, _)| *v == verb) else {
        let msg = format!("expected :alarm new|edit|mute|unmute|delete, not {verb:?}");
        crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
        return Outcome::redraw();
    };
    if state.readonly {
        let msg = crate::app::write::READ_ONLY;
        crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
        return Outcome::redraw();
    }
    if *action == Action::NewAlarm {
        return new_anywhere(state, rest.first().copied());
    }
    if state.view != super::View::Alarms {
        let msg = format!(":alarm {verb} acts on the alarms screen's selection: press 2 first");
        crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
        return Outcome::redraw();
    }
    update::update(state, action.clone())
}

fn new_anywhere(state: &mut State, endpoint: Option<&str>) -> Outcome {
    use super::View;
    if let Some(name) = endpoint {
        let found = state
            .endpoints
            .iter()
            .filter(|e| e.name == name)
            .find(|e| state.scope.as_deref().is_none_or(|s| s == e.account_id))
            .map(|e| e.key());
        return match found {
            Some(key) => editor::open_new(state, &key, None, None),
            None => {
                let msg = format!("no endpoint named {name}");
                crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
                Outcome::redraw()
            }
        };
    }
    match state.view {
        View::Endpoint => super::endpoint::new_alarm(state),
        View::Alarms => actions::new_like(state),
        View::Fleet => match super::fleet::selected_endpoint(state).map(|e| e.key()) {
            Some(key) => editor::open_new(state, &key, None, None),
            None => {
                let msg = "select an endpoint first, or :alarm new ENDPOINT";
                crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
                Outcome::redraw()
            }
        },
        // A new alarm on the endpoint whose monitor is open, on its accuracy.
        View::Monitor => match state.views.monitor.endpoint.clone() {
            Some(key) => editor::open_new(state, &key, None, None),
            None => Outcome::default(),
        },
        View::Logs => match crate::views::logs::open::endpoint_open(state) {
            Some(key) => editor::open_new(state, &key, None, None),
            None => {
                let msg = "no endpoint here: :alarm new ENDPOINT";
                crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
                Outcome::redraw()
            }
        },
        View::Trail | View::Studio | View::Jobs => {
            let msg = "no endpoint here: :alarm new ENDPOINT";
            crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Error);
            Outcome::redraw()
        }
    }
}

#[cfg(test)]
mod tests;
