//! The monitor view's geometry, shared by `update` (paging) and `draw`: schedules on top,
//! runs under them, and the report (violations, baseline, alerts) at the bottom, or beside
//! the runs on a wide terminal.

use ratatui::layout::Rect;

/// From this width the report sits beside the runs.
const SIDE_BY_SIDE_MIN_W: u16 = 150;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub schedules: Rect,
    pub runs: Rect,
    pub report: Rect,
}

/// Schedules get their rows (an endpoint has a few), up to a third of the body.
pub fn panes(body: Rect, schedules: usize) -> Panes {
    let wanted = (schedules.max(1) as u16).saturating_add(3);
    let sh = wanted.min(body.height / 3).max(body.height.min(4));
    let rest = Rect::new(body.x, body.y + sh, body.width, body.height - sh);
    if body.width >= SIDE_BY_SIDE_MIN_W {
        let rw = body.width * 55 / 100;
        let lw = body.width - rw;
        return Panes {
            schedules: Rect::new(body.x, body.y, body.width, sh),
            runs: Rect::new(rest.x, rest.y, lw, rest.height),
            report: Rect::new(rest.x + lw, rest.y, rw, rest.height),
        };
    }
    let runs_h = (rest.height * 2 / 5).max(rest.height.min(4));
    Panes {
        schedules: Rect::new(body.x, body.y, body.width, sh),
        runs: Rect::new(rest.x, rest.y, rest.width, runs_h),
        report: Rect::new(rest.x, rest.y + runs_h, rest.width, rest.height - runs_h),
    }
}

/// Data rows of a pane (borders and header row off).
pub fn rows(pane: Rect) -> usize {
    usize::from(pane.height.saturating_sub(3))
}
