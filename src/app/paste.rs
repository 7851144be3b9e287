//! Where a paste goes: into the line or field being edited, as one line of text (line
//! breaks become spaces); never to the keymap, and never into a confirmation.

use super::outcome::{Outcome, flash};
use super::prompt;
use super::state::{FlashLevel, Prompt, State};
use crate::overlays::Overlay;

/// Said when a paste finds nothing to go into: the text is dropped, nothing else happens.
pub const NOTHING_EDITED: &str = "paste dropped: nothing is being edited (open : or / first)";

pub fn paste(state: &mut State, text: &str) -> Outcome {
    let out = if state.prompt != Prompt::None {
        prompt::paste(state, text)
    } else {
        match state.overlays.last_mut() {
            Some(Overlay::Form(form)) => {
                if !form.paste(text) {
                    return dropped(state, "paste dropped: this field takes no text");
                }
                Outcome::redraw()
            }
            Some(Overlay::Confirm(confirm)) => {
                confirm.refuse_paste();
                return Outcome::redraw();
            }
            Some(Overlay::Help(_)) | None => return dropped(state, NOTHING_EDITED),
        }
    };
    // A line that held several is said to have been joined: what is on the line is not
    // what was on the clipboard.
    if text.trim_end_matches(['\n', '\r']).contains(['\n', '\r']) {
        flash(
            state,
            "pasted as one line: line breaks became spaces",
            FlashLevel::Info,
        );
    }
    out
}

fn dropped(state: &mut State, why: &str) -> Outcome {
    flash(state, why, FlashLevel::Info);
    Outcome::redraw()
}
