//! The screen's bands (header, body, status line): pure geometry that `update` (paging,
//! keeping the selection in view) and `draw` agree on without either importing the other.

use ratatui::layout::Rect;

/// The three bands of every screen: a header line, the view, the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
}

/// The status line is the last to go: it carries the prompt and the stale marker.
pub fn screen(area: Rect) -> Screen {
    let status_h = area.height.min(1);
    let header_h = u16::from(area.height >= 2);
    let body_h = area.height - status_h - header_h;
    Screen {
        header: Rect::new(area.x, area.y, area.width, header_h),
        body: Rect::new(area.x, area.y + header_h, area.width, body_h),
        status: Rect::new(area.x, area.y + header_h + body_h, area.width, status_h),
    }
}

/// The body of a terminal of `size` (width, height).
pub fn body(size: (u16, u16)) -> Rect {
    screen(Rect::new(0, 0, size.0, size.1)).body
}
