//! The `:alarm` verbs, typed anywhere, and a new alarm from whatever is selected.

use super::{actions, editor, update};
use crate::app::action::Action;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::views::{Selected, View};

/// The `:alarm` verbs, and the key action each stands for.
pub const VERBS: [(&str, Action); 5] = [
    ("new", Action::NewAlarm),
    ("edit", Action::EditAlarm),
    ("mute", Action::MuteAlarm),
    ("unmute", Action::UnmuteAlarm),
    ("delete", Action::DeleteAlarm),
];

/// `:alarm VERB [ARG]`, wherever it is typed: the same as the verb's key on the screen it
/// makes sense on. `new` works from every screen (the endpoint named, the chart selected,
/// the fleet's selected endpoint, or like the selected alarm).
pub fn run_alarm(state: &mut State, arg: &str) -> Outcome {
    let mut words = arg.split_whitespace();
    let verb = words.next().unwrap_or_default();
    let rest: Vec<&str> = words.collect();
    let Some((_, action)) = VERBS.iter().find(|(v, _)| *v == verb) else {
        let msg = format!("expected :alarm new|edit|mute|unmute|delete, not {verb:?}");
        flash(state, msg, FlashLevel::Error);
        return Outcome::redraw();
    };
    if state.readonly {
        let msg = crate::app::write::READ_ONLY;
        flash(state, msg, FlashLevel::Error);
        return Outcome::redraw();
    }
    if *action == Action::NewAlarm {
        return new_anywhere(state, rest.first().copied());
    }
    if state.view != View::Alarms {
        let msg = format!(":alarm {verb} acts on the alarms screen's selection: press 2 first");
        flash(state, msg, FlashLevel::Error);
        return Outcome::redraw();
    }
    update::update(state, action.clone())
}

pub fn new_anywhere(state: &mut State, endpoint: Option<&str>) -> Outcome {
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
                flash(state, msg, FlashLevel::Error);
                Outcome::redraw()
            }
        };
    }
    match (state.view, crate::views::selected(state)) {
        (View::Alarms, _) => actions::new_like(state),
        // On the selected chart's metric, with its statistic and period.
        (View::Endpoint, Some(Selected::Chart { endpoint, series })) => {
            editor::open_new(state, &endpoint, series.as_ref(), None)
        }
        // On the endpoint selected or open, on its accuracy.
        (View::Fleet | View::Monitor | View::Logs, Some(selected)) => match selected.endpoint() {
            Some(key) => editor::open_new(state, &key, None, None),
            None => no_endpoint(state, "no endpoint here: :alarm new ENDPOINT"),
        },
        (View::Fleet, None) => {
            no_endpoint(state, "select an endpoint first, or :alarm new ENDPOINT")
        }
        // The monitor pane before any endpoint was opened in it.
        (View::Monitor, None) => Outcome::default(),
        _ => no_endpoint(state, "no endpoint here: :alarm new ENDPOINT"),
    }
}

fn no_endpoint(state: &mut State, msg: &str) -> Outcome {
    flash(state, msg, FlashLevel::Error);
    Outcome::redraw()
}
