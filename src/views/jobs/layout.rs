//! The jobs screen's geometry that `update` needs as much as `draw`: how many rows the table
//! shows, with and without the detail pane.

use ratatui::layout::Rect;

/// Height of the detail pane under the table: half the body, and on a small terminal enough
/// for its text and one row of charts while the table keeps a few rows.
pub fn detail_height(body: Rect) -> u16 {
    let h = body.height;
    if h < 10 {
        h / 2
    } else {
        (h / 2).max(14.min(h - 5))
    }
}

/// The table's area in the body.
pub fn table_area(body: Rect, detail: bool) -> Rect {
    if detail {
        Rect {
            height: body.height - detail_height(body),
            ..body
        }
    } else {
        body
    }
}

/// Data rows of the table: its area minus the borders and the header row.
pub fn rows(body: Rect, detail: bool) -> usize {
    usize::from(table_area(body, detail).height.saturating_sub(3))
}

pub fn page_rows(size: (u16, u16), detail: bool) -> usize {
    rows(crate::layout::body(size), detail)
}
