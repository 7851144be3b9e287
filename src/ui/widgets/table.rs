//! What the fleet and alarms tables share: which rows are on screen, and how the selected
//! one is marked.

use crate::config::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

/// Positions (into the table's rows) and screen lines of the rows drawn: from `offset`, one
/// per line below the header line of `inner`.
pub fn visible_rows(offset: usize, len: usize, inner: Rect) -> impl Iterator<Item = (usize, u16)> {
    let lines = inner.height.saturating_sub(1);
    (offset..len).zip(inner.y + 1..inner.y + 1 + lines)
}

/// Marks the selected row: the selection colour while the table has focus, a dim reverse
/// otherwise, so the cursor stays visible when another pane has focus.
pub fn mark_selected(buf: &mut Buffer, row: Rect, theme: &Theme, focused: bool) {
    let style = if focused {
        theme.selection
    } else {
        theme.muted.add_modifier(Modifier::REVERSED)
    };
    buf.set_style(row, style);
}
