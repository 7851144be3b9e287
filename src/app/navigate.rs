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

/// The endpoint screen is a detail opened from a list: `Back` there returns to the list it
/// came from, so it is never itself the view to return to.
pub fn remember_previous(state: &mut State) {
    if state.view != View::Endpoint {
        state.previous_view = state.view;
    }
}
