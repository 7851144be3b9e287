//! Pure rendering of `State`: `draw` lays out the screen's frame (header, status line,
//! prompt) and hands the body to the view on screen, then to the overlays above it.
//! No I/O, no clock reads (ages are measured from `state.now`), no mutation.

mod header;
mod prompt;
mod status;
pub mod text;
pub mod widgets;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixture;
#[cfg(test)]
pub(crate) mod tests;

use crate::app::state::State;
use crate::{layout, overlays, views};
use ratatui::Frame;

pub fn draw(state: &State, frame: &mut Frame) {
    let s = layout::screen(frame.area());
    let buf = frame.buffer_mut();
    header::render(state, buf, s.header);
    views::module(state.view).draw(state, buf, s.body);
    let cursor = overlays::draw(state, buf, s.body);
    if !prompt::render(state, frame, s.status, s.body) {
        status::render(state, frame.buffer_mut(), s.status);
        if let Some(position) = cursor {
            frame.set_cursor_position(position);
        }
    }
}
