//! What the alarms view does with keys and with the history it asked for.

use super::calls::{AlarmsCall, AlarmsLoaded};
use super::{HistoryOf, actions, layout, rows, selected_alarm};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::navigate;
use crate::app::outcome::Outcome;
use crate::app::state::{Loadable, State};
use crate::sanitize::Sanitize;
use crate::source::alarm_write::AlarmWrite;
use crate::source::write::Write;
use crate::views::View;
use crate::views::cursor::{self, keep_visible, step};
use crate::writes::WriteOutcome;

pub fn update(state: &mut State, action: Action) -> Outcome {
    if state.views.alarms.rules.is_some() {
        return super::rules::update(state, action);
    }
    let page = layout::page_rows(state).max(1);
    // With an alarm's history open, paging scrolls the history; j/k still pick alarms.
    if let (Action::PageDown | Action::PageUp, Some(_)) = (&action, &state.views.alarms.history_of)
    {
        let len = match &state.views.alarms.history {
            Loadable::Loaded(items) => items.len(),
            _ => 0,
        };
        let delta = if action == Action::PageDown {
            page as isize
        } else {
            -(page as isize)
        };
        state.views.alarms.history_scroll = step(state.views.alarms.history_scroll, delta, len);
        return Outcome::redraw();
    }
    if let Some(delta) = cursor::delta(&action, page) {
        return move_cursor(state, delta);
    }
    match action {
        Action::Select => select(state),
        Action::Back => back(state),
        Action::FocusNext => toggle_history(state),
        Action::ToggleMark => actions::toggle_mark(state),
        Action::MuteAlarm => super::mute::open(state),
        Action::UnmuteAlarm => super::mute::unmute(state),
        Action::DeleteAlarm => actions::delete(state),
        Action::EditAlarm => actions::edit(state),
        // From here, or handed over by the endpoint screen for its selected chart.
        Action::NewAlarm => super::verbs::new_anywhere(state, None),
        _ => Outcome::default(),
    }
}

pub fn fix_offset(state: &mut State) {
    let page = layout::page_rows(state).max(1);
    let v = &mut state.views.alarms;
    keep_visible(v.selected, &mut v.offset, page);
}

fn move_cursor(state: &mut State, delta: isize) -> Outcome {
    let before = state.views.alarms.selected;
    state.views.alarms.selected = step(before, delta, state.views.alarms.rows.len());
    fix_offset(state);
    // An open history pane follows the selection.
    if state.views.alarms.history_of.is_some() && before != state.views.alarms.selected {
        return open_history(state, true);
    }
    Outcome::redraw()
}

fn select(state: &mut State) -> Outcome {
    let Some(alarm) = selected_alarm(state) else {
        return Outcome::default();
    };
    let open = state
        .views
        .alarms
        .history_of
        .as_ref()
        .is_some_and(|h| h.is(&alarm.account_id, &alarm.id));
    // First Enter shows the history; a second one jumps to the alarm's endpoint.
    match (open, alarm.endpoint.clone()) {
        (true, Some(key)) if state.endpoint(&key).is_some() => {
            crate::views::module(View::Endpoint).open_on(state, key)
        }
        (true, _) => Outcome::default(),
        (false, _) => open_history(state, false),
    }
}

/// Opens the selected alarm's history. While scrolling through alarms with the pane open,
/// the request waits a moment and replaces the one before it, so passing alarms costs no
/// request each.
fn open_history(state: &mut State, while_scrolling: bool) -> Outcome {
    let Some(alarm) = selected_alarm(state) else {
        return Outcome::redraw();
    };
    let of = HistoryOf::of(alarm);
    let command = AlarmsCall::History {
        account_id: of.account_id.clone(),
        id: of.id.clone(),
        while_scrolling,
    };
    let who = super::mute::ask_who_muted(state, &of, while_scrolling);
    let v = &mut state.views.alarms;
    v.history_of = Some(of);
    v.history = Loadable::Loading;
    v.history_scroll = 0;
    // The history pane may take rows from the table: keep the selected alarm in view.
    fix_offset(state);
    let mut commands = vec![command.into()];
    commands.extend(who);
    Outcome::with(commands)
}

fn close_history(state: &mut State) {
    state.views.alarms.history_of = None;
    state.views.alarms.history = Loadable::NotRequested;
}

fn toggle_history(state: &mut State) -> Outcome {
    if state.views.alarms.history_of.is_some() {
        close_history(state);
        Outcome::redraw()
    } else {
        open_history(state, false)
    }
}

/// Esc peels one layer: the history pane, then the filter, then the view itself.
fn back(state: &mut State) -> Outcome {
    if state.views.alarms.history_of.is_some() {
        close_history(state);
    } else if !state.views.alarms.filter.is_empty() {
        state.views.alarms.filter.clear();
        rows::rebuild(state);
    } else if !state.views.alarms.marks.is_empty() {
        // The marks are the selection: Esc drops them before it leaves the view.
        drop_marks(state);
    } else {
        return navigate::show(state, View::Fleet);
    }
    fix_offset(state);
    Outcome::redraw()
}

/// Unmarks every marked alarm, saying how many: marks belong to the alarms view as it is
/// shown, so neither Esc nor leaving the view keeps them for a later `M` or `D`.
pub fn drop_marks(state: &mut State) {
    let n = state.views.alarms.marks.len();
    if n == 0 {
        return;
    }
    state.views.alarms.marks.clear();
    let msg = if n == 1 {
        "1 marked alarm unmarked".to_owned()
    } else {
        format!("{n} marked alarms unmarked")
    };
    crate::app::outcome::flash(state, msg, crate::app::state::FlashLevel::Info);
}

pub fn set_filter(state: &mut State, text: &str) {
    let v = &mut state.views.alarms;
    v.filter = text.to_owned();
    v.selected = 0;
    v.offset = 0;
    rows::rebuild(state);
    fix_offset(state);
}

pub fn loaded(state: &mut State, loaded: AlarmsLoaded) -> Outcome {
    let (account_id, id, result) = match loaded {
        AlarmsLoaded::History {
            account_id,
            id,
            result,
        } => (account_id, id, result),
        AlarmsLoaded::TurnedOff(records) => return super::mute::turned_off_loaded(state, records),
        AlarmsLoaded::WhoMuted(Ok(record)) => {
            return super::mute::turned_off_loaded(state, vec![record]);
        }
        // Said on the status bar (the source's health); the pane still says "since unknown".
        AlarmsLoaded::WhoMuted(Err(e)) => {
            tracing::warn!(error = %e, "who muted the alarm: the trail could not say");
            return Outcome::default();
        }
    };
    // A late answer for an alarm no longer shown is dropped.
    let shown = state.views.alarms.history_of.as_ref();
    if shown.is_some_and(|h| h.is(&account_id, &id)) {
        state.views.alarms.history = match result {
            Ok(mut items) => {
                items.sanitize();
                Loadable::Loaded(items)
            }
            Err(e) => Loadable::Failed(crate::sanitize::clean(&e.to_string()).into_owned()),
        };
    }
    Outcome::redraw()
}

/// An alarm write went through: the marks it was for are spent (all but a put, which
/// leaves them for the next verb), and its account's alarms are read again.
pub fn written(state: &mut State, request: &Write, outcome: &WriteOutcome) -> Vec<Command> {
    let Write::Alarm(w) = request else {
        return Vec::new();
    };
    if !outcome.is_done() {
        return Vec::new();
    }
    if !matches!(w, AlarmWrite::Put(_)) {
        state.views.alarms.marks.clear();
    }
    let mut out = vec![Command::RereadAlarms(w.account_id().to_owned())];
    if matches!(w, AlarmWrite::SetActions { .. }) {
        out.push(AlarmsCall::TurnedOff.into());
    }
    if matches!(
        w,
        AlarmWrite::PutMuteRule(_) | AlarmWrite::DeleteMuteRule { .. }
    ) {
        out.push(Command::LoadMuteRules { reread: true });
    }
    out
}
