//! Where the tape view's parts go: a title line, the chart strip (when there is room), the
//! lines.

use ratatui::layout::Rect;

/// The strip's height: two sparklines and the time axis, on terminals with room for them.
pub fn strip_height(body: Rect) -> u16 {
    if body.height >= 20 { 4 } else { 0 }
}

/// (title, strip, list) of the body.
pub fn split(body: Rect) -> (Rect, Rect, Rect) {
    let title = Rect {
        height: body.height.min(1),
        ..body
    };
    let strip_h = strip_height(body);
    let strip = Rect {
        y: body.y + title.height,
        height: strip_h.min(body.height.saturating_sub(title.height)),
        ..body
    };
    let list_y = strip.y + strip.height;
    let list = Rect {
        y: list_y,
        height: body.bottom().saturating_sub(list_y),
        ..body
    };
    (title, strip, list)
}

/// Lines the list shows at once (inside its border).
pub fn list_rows(body: Rect) -> usize {
    usize::from(split(body).2.height.saturating_sub(2))
}
