//! Overlays: dialogs above the views that take input first, the top one last in
//! `State::overlays`. Help, a confirmation, a form. None of them talks to AWS: a
//! confirmation or a form hands its result back as an `Action` that its opener chose, and
//! `update` routes that action like any other.

pub mod confirm;
pub mod form;
pub mod help;

use crate::app::action::Action;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::layout;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

#[derive(Debug, Clone)]
pub enum Overlay {
    Help(help::Help),
    Confirm(confirm::Confirm),
    Form(form::Form),
}

impl Overlay {
    /// Dialogs take keys as text (a name to type, a field to fill); help takes the keymap.
    pub fn takes_text(&self) -> bool {
        !matches!(self, Overlay::Help(_))
    }
}

/// What the overlay on top did with an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Still open.
    Stay,
    /// Closed with nothing to do (cancelled, or help dismissed).
    Close,
    /// Closed, and this action goes to `update` (confirmed, submitted).
    CloseWith(Action),
}

/// Puts an overlay on top of everything.
pub fn open(state: &mut State, overlay: Overlay) {
    state.overlays.push(overlay);
}

/// Gives the action to the overlay on top.
pub fn update(state: &mut State, action: Action) -> Outcome {
    let Some(mut top) = state.overlays.pop() else {
        return Outcome::default();
    };
    let body = layout::body(state.size);
    let step = match &mut top {
        Overlay::Help(h) => h.update(&action, help::line_count(state)),
        Overlay::Confirm(c) => c.update(action, body),
        Overlay::Form(f) => f.update(action, body),
    };
    match step {
        Step::Stay => {
            state.overlays.push(top);
            Outcome::redraw()
        }
        Step::Close => Outcome::redraw(),
        Step::CloseWith(action) => crate::app::update::update(state, action).and(Outcome::redraw()),
    }
}

/// The part of `body` an overlay draws on: nothing of it reaches outside.
pub fn area(state: &State, overlay: &Overlay, body: Rect) -> Rect {
    match overlay {
        Overlay::Help(_) => help::draw::area(state, body),
        Overlay::Confirm(c) => confirm::geometry(c, body).area,
        Overlay::Form(f) => form::draw::placement(state, f, body).area,
    }
}

/// Draws every overlay, the bottom one first, over the view's body. Returns where the
/// terminal cursor goes when the top one has a text field.
pub fn draw(state: &State, buf: &mut Buffer, body: Rect) -> Option<Position> {
    let mut cursor = None;
    for overlay in &state.overlays {
        cursor = match overlay {
            Overlay::Help(h) => {
                help::draw::render(state, buf, body, h.scroll);
                None
            }
            Overlay::Confirm(c) => confirm::draw::render(state, c, buf, body),
            Overlay::Form(f) => form::draw::render(state, f, buf, body),
        };
    }
    cursor
}
