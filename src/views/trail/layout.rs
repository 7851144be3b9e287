//! The trail view's geometry, shared by `update` (paging) and `draw`: the query line and
//! the progress line on top, the results below; the history (or an event's detail) beside
//! them on a wide terminal, in their place on a narrow one.

use ratatui::layout::Rect;

/// From this width the history or the detail sits beside the results.
const SIDE_BY_SIDE_MIN_W: u16 = 150;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The query line, and under it the caret line of a mistake.
    pub query: Rect,
    pub progress: Rect,
    pub results: Rect,
    /// The history or the detail; empty on a narrow terminal (they then take `results`).
    pub side: Rect,
}

pub fn panes(body: Rect) -> Panes {
    let query_h = body.height.min(2);
    let progress_h = body.height.saturating_sub(query_h).min(1);
    let top = query_h + progress_h;
    let rest = Rect::new(body.x, body.y + top, body.width, body.height - top);
    let (results, side) = if body.width >= SIDE_BY_SIDE_MIN_W {
        // A third: the results are what identifies an event; the detail wraps.
        let side_w = body.width / 3;
        (
            Rect::new(rest.x, rest.y, rest.width - side_w, rest.height),
            Rect::new(rest.x + rest.width - side_w, rest.y, side_w, rest.height),
        )
    } else {
        (rest, Rect::new(rest.x, rest.y, 0, 0))
    };
    Panes {
        query: Rect::new(body.x, body.y, body.width, query_h),
        progress: Rect::new(body.x, body.y + query_h, body.width, progress_h),
        results,
        side,
    }
}

/// Data rows of the results table (borders and header row off).
pub fn table_rows(body: Rect) -> usize {
    usize::from(panes(body).results.height.saturating_sub(3))
}
