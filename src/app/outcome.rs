//! What an `update` returns to the loop, and the status-bar flash every module may raise.

use super::command::Command;
use super::state::{Flash, FlashLevel, State};
use crate::sanitize::Sanitize;
use crate::source::SourceError;

/// How long a flash message stays in the status bar.
const FLASH_SECS: i64 = 5;

/// What an action asks of the loop.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub commands: Vec<Command>,
    /// The screen may look different: draw it.
    pub redraw: bool,
}

impl Outcome {
    pub fn redraw() -> Self {
        Self {
            commands: Vec::new(),
            redraw: true,
        }
    }

    pub fn with(commands: Vec<Command>) -> Self {
        Self {
            commands,
            redraw: true,
        }
    }

    /// Both outcomes: every command, and a redraw if either wants one.
    pub fn and(mut self, other: Outcome) -> Self {
        self.commands.extend(other.commands);
        self.redraw |= other.redraw;
        self
    }
}

/// A one-line message in the status bar for a few seconds.
pub fn flash(state: &mut State, text: impl Into<String>, level: FlashLevel) {
    let mut text = text.into();
    text.sanitize();
    state.flash = Some(Flash {
        text,
        level,
        until: state.now + FLASH_SECS,
    });
}

/// A failed call that is one view's own (a logs query on a group that does not exist):
/// flashed, but not the console's freshness, which is about the fleet's series and alarms.
pub fn call_failed(state: &mut State, err: &SourceError) {
    let text = crate::sanitize::clean(&err.to_string()).into_owned();
    flash(state, text, FlashLevel::Error);
}

/// A failed source call: flashed, and remembered for the stale marker.
pub fn source_failed(state: &mut State, err: &SourceError) {
    // Error details quote AWS messages: as hostile as any other string from outside.
    let text = crate::sanitize::clean(&err.to_string()).into_owned();
    state.freshness.last_error = Some((state.now, text.clone()));
    flash(state, text, FlashLevel::Error);
}
