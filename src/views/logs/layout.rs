//! The logs view's geometry, shared by `update` (paging) and `draw`: the context line on
//! top; for Insights the query and progress lines, then the table (and a row's detail below
//! it); for the tail, the lines.

use super::state::Pane;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub context: Rect,
    pub query: Rect,
    pub progress: Rect,
    /// The table or the tail, with its border.
    pub main: Rect,
}

pub fn panes(body: Rect, pane: Pane) -> Panes {
    let context_h = body.height.min(1);
    let (query_h, progress_h) = match pane {
        Pane::Insights => {
            let q = body.height.saturating_sub(context_h).min(1);
            (q, body.height.saturating_sub(context_h + q).min(1))
        }
        Pane::Tail => (0, 0),
    };
    let top = context_h + query_h + progress_h;
    Panes {
        context: Rect::new(body.x, body.y, body.width, context_h),
        query: Rect::new(body.x, body.y + context_h, body.width, query_h),
        progress: Rect::new(body.x, body.y + context_h + query_h, body.width, progress_h),
        main: Rect::new(body.x, body.y + top, body.width, body.height - top),
    }
}

/// Lines of the table (borders and header off) or of the tail (borders off).
pub fn rows(size: (u16, u16), pane: Pane) -> usize {
    let main = panes(crate::layout::body(size), pane).main;
    let chrome = match pane {
        Pane::Insights => 3,
        Pane::Tail => 2,
    };
    usize::from(main.height.saturating_sub(chrome))
}
