//! The alarms view's geometry that `update` needs as much as `draw`: where the history pane
//! goes, and how many table rows that leaves.

use crate::app::state::State;
use crate::layout;
use ratatui::layout::Rect;

/// Below this the history pane replaces the table rather than squeezing both.
const SPLIT_MIN_W: u16 = 70;
/// From this width the history sits beside the table; below it, under it.
const SIDE_BY_SIDE_MIN_W: u16 = 160;
/// Below this height there is no room for both stacked: the history alone.
const STACKED_MIN_H: u16 = 14;

/// Data rows: the body minus borders and the header row, without the history pane.
pub fn table_rows(body: Rect) -> usize {
    usize::from(body.height.saturating_sub(3))
}

/// Where the table and the history pane go when the history is open: side by side on a
/// wide terminal, the history below the table on a narrower one (so names stay readable),
/// the history alone when there is no room for both.
pub fn split(area: Rect) -> (Option<Rect>, Rect) {
    if area.width >= SIDE_BY_SIDE_MIN_W {
        let hw = (u32::from(area.width) * 45 / 100).max(30) as u16;
        let tw = area.width - hw;
        return (
            Some(Rect::new(area.x, area.y, tw, area.height)),
            Rect::new(area.x + tw, area.y, hw, area.height),
        );
    }
    if area.width < SPLIT_MIN_W || area.height < STACKED_MIN_H {
        return (None, area);
    }
    let hh = (u32::from(area.height) * 2 / 5).max(6) as u16;
    let th = area.height - hh;
    (
        Some(Rect::new(area.x, area.y, area.width, th)),
        Rect::new(area.x, area.y + th, area.width, hh),
    )
}

/// Data rows of the table as drawn now (the history pane may take some of the body).
pub fn visible_table_rows(state: &State, body: Rect) -> usize {
    let pane_open = match &state.views.alarms.rules {
        Some(mode) => mode.open,
        None => state.views.alarms.history_of.is_some(),
    };
    if !pane_open {
        return table_rows(body);
    }
    split(body).0.map_or(0, table_rows)
}

/// Rows of the table as the screen is laid out now: what paging moves by.
pub fn page_rows(state: &State) -> usize {
    visible_table_rows(state, layout::body(state.size))
}
