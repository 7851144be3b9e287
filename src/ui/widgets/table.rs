//! What the fleet and alarms tables share: which rows are on screen, and how the selected
//! one is marked.

use crate::config::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::ui::text::put;

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

/// Says why a table has no rows, on its first row, so an empty screen never looks broken.
pub fn empty_message(buf: &mut Buffer, inner: Rect, theme: &Theme, msg: &str) {
    if inner.height > 1 {
        put(
            buf,
            inner,
            inner.x + 1,
            inner.y + 1,
            msg,
            inner.width,
            theme.muted,
        );
    }
}
