//! The fleet's geometry that `update` needs as much as `draw`: how many rows the table shows.

use crate::layout;
use ratatui::layout::Rect;

/// Data rows of the table: the body minus its borders and its header row.
pub fn table_rows(body: Rect) -> usize {
    usize::from(body.height.saturating_sub(3))
}

/// Data rows of the table on a terminal of `size` (width, height).
pub fn page_rows(size: (u16, u16)) -> usize {
    table_rows(layout::body(size))
}
