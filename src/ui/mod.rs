//! Pure rendering of `State`: `draw` lays out the screen and hands each region to its pane.
//! No I/O, no clock reads (ages are measured from `state.now`), no mutation.

mod alarms;
mod endpoint;
mod fleet;
mod header;
mod help;
mod prompt;
mod status;
pub mod text;
pub mod widgets;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixture;
#[cfg(test)]
mod tests;

use crate::app::state::{State, View};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The three bands of every screen: a header line, the view, the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Screen {
    header: Rect,
    body: Rect,
    status: Rect,
}

/// The status line is the last to go: it carries the prompt and the stale marker.
fn screen(area: Rect) -> Screen {
    let status_h = area.height.min(1);
    let header_h = u16::from(area.height >= 2);
    let body_h = area.height - status_h - header_h;
    Screen {
        header: Rect::new(area.x, area.y, area.width, header_h),
        body: Rect::new(area.x, area.y + header_h, area.width, body_h),
        status: Rect::new(area.x, area.y + header_h + body_h, area.width, status_h),
    }
}

pub fn draw(state: &State, frame: &mut Frame) {
    let s = screen(frame.area());
    let buf = frame.buffer_mut();
    header::render(state, buf, s.header);
    match state.view {
        View::Fleet => fleet::render(state, buf, s.body),
        View::Endpoint => endpoint::render(state, buf, s.body),
        View::Alarms => alarms::render(state, buf, s.body),
    }
    if let Some(scroll) = state.help {
        help::render(state, buf, s.body, scroll);
    }
    if !prompt::render(state, frame, s.status, s.body) {
        status::render(state, frame.buffer_mut(), s.status);
    }
}

/// How many data rows the main table of `view` shows on a terminal of `size` (width,
/// height): what `update` pages by and keeps the selection within. 0 for views without a
/// table (the endpoint detail).
pub fn table_rows(view: View, size: (u16, u16)) -> usize {
    let s = screen(Rect::new(0, 0, size.0, size.1));
    match view {
        View::Fleet => fleet::table_rows(s.body),
        View::Alarms => alarms::table_rows(s.body),
        View::Endpoint => 0,
    }
}

/// Rows of the main table of `view` as the screen is laid out now (an open history pane
/// takes part of the alarms view on narrower terminals): what `update` pages by.
pub fn page_rows(state: &State, view: View) -> usize {
    let s = screen(Rect::new(0, 0, state.size.0, state.size.1));
    match view {
        View::Alarms => alarms::visible_table_rows(state, s.body),
        other => table_rows(other, state.size),
    }
}

/// Lines in the help overlay, so `update` can bound `State::help`'s scroll.
pub fn help_lines(state: &State) -> usize {
    help::line_count(state)
}
