//! The studio view's geometry, shared by `update` (paging) and `draw`: the accounts (and
//! their domains) on top, as tall as they need up to half the body, the apps below.

use super::state::Pane;
use crate::app::state::State;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub accounts: Rect,
    pub apps: Rect,
}

/// `summary_lines` is the number of account and domain lines, `note_lines` the lines of
/// the notes under them (`notes`).
pub fn panes(body: Rect, summary_lines: usize, note_lines: usize) -> Panes {
    let wanted = u16::try_from(summary_lines.max(1).saturating_add(note_lines))
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let top = wanted.min(body.height / 2).max(body.height.min(4));
    Panes {
        accounts: Rect::new(body.x, body.y, body.width, top),
        apps: Rect::new(body.x, body.y + top, body.width, body.height - top),
    }
}

/// Data rows of a pane (borders and header row off).
pub fn rows(pane: Rect) -> usize {
    usize::from(pane.height.saturating_sub(3))
}

/// Rows per page of each pane on the state's terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    pub accounts: usize,
    pub apps: usize,
}

impl Pages {
    pub fn for_focus(self, focus: Pane) -> usize {
        match focus {
            Pane::Accounts => self.accounts,
            Pane::Apps => self.apps,
        }
    }
}

pub fn pages(state: &State) -> Pages {
    let body = crate::layout::body(state.size);
    let notes = super::draw::notes(state, body.width).len();
    let p = panes(body, super::rows::summary(state).len(), notes);
    let why = super::draw::why_lines(state, body.width).len();
    Pages {
        accounts: accounts_rows(p.accounts, notes),
        apps: rows(p.apps).saturating_sub(why),
    }
}

/// Account and domain lines the accounts pane shows: what the notes under them leave.
pub fn accounts_rows(pane: Rect, notes: usize) -> usize {
    rows(pane).saturating_sub(notes)
}
