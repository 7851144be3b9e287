//! The studio view's `update`: moving through the panes, the apps' order, reading every
//! account in scope (on open, on `r`, and every `REFRESH_SECS` while on screen: Studio
//! changes when people open and close notebooks, minutes apart, so reading it more often
//! would only spend calls), and the answers as they arrive, one account at a time.

use super::layout;
use super::rows;
use super::state::{AccountRead, AppColumn, Pane};
use crate::app::action::{Action, Loaded};
use crate::app::command::Command;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::sanitize::Sanitize;
use crate::source::studio::AccountStudio;
use crate::views::View;
use crate::views::cursor::{self, step};

/// Seconds between reads of Studio while the view is on screen.
pub const REFRESH_SECS: i64 = 300;

pub fn update(state: &mut State, action: Action) -> Outcome {
    let pages = layout::pages(state);
    if let Some(delta) = cursor::delta(&action, pages.for_focus(state.views.studio.focus)) {
        return move_cursor(state, delta);
    }
    match action {
        Action::FocusNext => {
            let s = &mut state.views.studio;
            s.focus = match s.focus {
                Pane::Accounts => Pane::Apps,
                Pane::Apps => Pane::Accounts,
            };
            Outcome::redraw()
        }
        Action::SortNext => {
            let cols = AppColumn::ALL;
            let i = cols
                .iter()
                .position(|c| *c == state.views.studio.sort)
                .unwrap_or(0);
            sort_by(state, cols[(i + 1) % cols.len()], false)
        }
        Action::SortReverse => sort_by(state, state.views.studio.sort, !state.views.studio.descending),
        // Back clears the filter first, then returns to the view it came from.
        Action::Back if !state.views.studio.filter.is_empty() => {
            crate::views::module(View::Studio).set_filter(state, "");
            Outcome::redraw()
        }
        Action::Back => {
            let to = match state.previous_view {
                View::Studio => View::Fleet,
                other => other,
            };
            crate::app::navigate::back(state, to)
        }
        _ => Outcome::default(),
    }
}

fn move_cursor(state: &mut State, delta: isize) -> Outcome {
    let pages = layout::pages(state);
    let summary_len = rows::summary(state).len();
    let s = &mut state.views.studio;
    match s.focus {
        Pane::Apps => {
            s.app_row = step(s.app_row, delta, s.rows.len());
            cursor::keep_visible(s.app_row, &mut s.app_offset, pages.apps.max(1));
        }
        Pane::Accounts => {
            // The accounts pane scrolls; its lines are read, not acted on.
            let last = summary_len.saturating_sub(pages.accounts.max(1));
            s.account_offset = s.account_offset.saturating_add_signed(delta).min(last);
        }
    }
    Outcome::redraw()
}

pub fn sort_by(state: &mut State, column: AppColumn, descending: bool) -> Outcome {
    state.views.studio.sort = column;
    state.views.studio.descending = descending;
    rows::rebuild(state);
    Outcome::redraw()
}

/// Shows the view, reading what is older than the refresh interval.
pub fn show(state: &mut State) -> Outcome {
    let mut out = crate::app::navigate::show(state, View::Studio);
    if state.view == View::Studio {
        out.commands.extend(due(state));
    }
    out
}

/// Reads every account in scope when the view is on screen and the last read is older than
/// `REFRESH_SECS` (or never happened). Nothing is read while another view is shown.
pub fn due(state: &mut State) -> Vec<Command> {
    if state.view != View::Studio {
        return Vec::new();
    }
    let fresh = state
        .views.studio
        .requested_at
        .is_some_and(|at| state.now - at < REFRESH_SECS);
    if fresh {
        // Accounts that appeared since (the fleet loaded after the view opened).
        return read_unasked(state);
    }
    read_all(state)
}

/// `r`: every account in scope again, now.
pub fn refresh(state: &mut State) -> Vec<Command> {
    read_all(state)
}

fn read_all(state: &mut State) -> Vec<Command> {
    if state.accounts.is_empty() {
        return Vec::new();
    }
    state.views.studio.requested_at = Some(state.now);
    ask_in_scope(state, |_| true)
}

fn read_unasked(state: &mut State) -> Vec<Command> {
    ask_in_scope(state, |read| read.is_none())
}

/// A read of each account in scope whose read so far (`None`: never asked) `wanted` picks.
fn ask_in_scope(state: &mut State, wanted: impl Fn(Option<&AccountRead>) -> bool) -> Vec<Command> {
    let ids: Vec<String> = rows::accounts(state)
        .filter(|a| wanted(state.views.studio.reads.get(&a.id)))
        .map(|a| a.id.clone())
        .collect();
    ids.into_iter().filter_map(|id| ask(state, id)).collect()
}

/// One account's read, unless one is in flight.
fn ask(state: &mut State, account_id: String) -> Option<Command> {
    let read = state.views.studio.reads.entry(account_id.clone()).or_default();
    if read.loading {
        return None;
    }
    read.loading = true;
    Some(Command::LoadStudio(account_id))
}

/// One account's answer. An unreadable answer keeps the last readable one beside its reason.
pub fn loaded(state: &mut State, loaded: Loaded) -> Result<Outcome, Loaded> {
    let Loaded::Studio(mut studio) = loaded else {
        return Err(loaded);
    };
    studio.sanitize();
    let now = state.now;
    let read: &mut AccountRead = state
        .views.studio
        .reads
        .entry(studio.account_id.clone())
        .or_default();
    read.loading = false;
    read.answered_at = Some(now);
    read.without_credentials = studio.without_credentials;
    match studio.unreadable.clone() {
        // Nothing read: the last answer stays, beside why.
        Some(why) if !studio.read_anything() => read.problem = Some(why),
        // Read, in full or in part (the failed lists' counts unknown, the reason kept).
        why => {
            read.problem = why;
            read.read_at = Some(now);
            read.studio = Some(*studio);
        }
    }
    rows::rebuild(state);
    Ok(Outcome::redraw())
}

/// The account's answer, as the snapshot and the shell report it: the held data, or why
/// it could not be read when nothing was ever read.
pub fn reported(state: &State, account_id: &str) -> Option<AccountStudio> {
    let read = state.views.studio.reads.get(account_id)?;
    match (&read.studio, &read.problem) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(why)) if read.without_credentials => {
            Some(AccountStudio::without_credentials(account_id, why.clone()))
        }
        (None, Some(why)) => Some(AccountStudio::unreadable(account_id, why.clone())),
        (None, None) => None,
    }
}
