//! Switching views: what every view may ask for (show another view, go back).

use super::data;
use super::outcome::{Outcome, flash};
use super::state::{FlashLevel, State};
use crate::views::{self, View};

/// Shows `view`, or says why it cannot be shown.
pub fn show(state: &mut State, view: View) -> Outcome {
    if let Err(why) = views::module(view).can_show(state) {
        flash(state, why, FlashLevel::Info);
        return Outcome::redraw();
    }
    let before = super::refresh::on_screen(state);
    remember_previous(state);
    state.view = view;
    data::shrink_store(state);
    // Back on the fleet: rows refreshed only off screen meanwhile are brought up to date.
    Outcome::with(super::refresh::scrolled_in(state, &before))
}

/// Goes back to `to` from a view opened there. Unlike `show`, the view left is not
/// remembered as where `to` returns to: Esc from the jobs (or logs, or studio) opened on the
/// endpoint screen returns to it, and the endpoint's own Esc then goes back to the list it
/// came from instead of to the view just closed (which would loop between the two).
pub fn back(state: &mut State, to: View) -> Outcome {
    let previous = state.previous_view;
    let out = show(state, to);
    if state.view == to {
        state.previous_view = previous;
    }
    out
}

/// The endpoint screen is a detail opened from a list: `Back` there returns to the list it
/// came from, so it is never itself the view to return to.
pub fn remember_previous(state: &mut State) {
    if state.view != View::Endpoint {
        state.previous_view = state.view;
    }
}
