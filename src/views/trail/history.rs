//! The view's query history: every search that ended (its text, when, rows, bytes scanned,
//! how it ended), newest first, the same text once; re-run with Enter. The file in the XDG
//! state dir is written by a worker (`Command::SaveTrailHistory`), never by `update`.

use super::state::{Mode, Phase};
use crate::app::command::Command;
use crate::app::state::State;
use crate::source::model::Epoch;

/// Queries kept.
pub const MAX_ITEMS: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub text: String,
    pub mode: Mode,
    pub started: Epoch,
    pub rows: u64,
    pub scanned_bytes: u64,
    /// SUCCEEDED, FAILED or CANCELLED.
    pub outcome: String,
    pub reason: Option<String>,
}

/// Keeps the search that just ended; the command saves the history.
pub fn record(state: &mut State) -> Vec<Command> {
    let t = &mut state.trail;
    let Some(q) = t.query.as_ref() else {
        return Vec::new();
    };
    let (outcome, reason) = match &q.phase {
        Phase::Done => ("SUCCEEDED", None),
        Phase::Failed(r) => ("FAILED", Some(r.clone())),
        Phase::Cancelled => ("CANCELLED", None),
        _ => return Vec::new(),
    };
    let item = Item {
        text: q.text.clone(),
        mode: q.mode,
        started: q.started,
        rows: t.results.len() as u64,
        scanned_bytes: q.status.as_ref().map_or(0, |s| s.scanned_bytes),
        outcome: outcome.into(),
        reason,
    };
    t.history
        .retain(|h| !(h.text == item.text && h.mode == item.mode));
    t.history.insert(0, item);
    t.history.truncate(MAX_ITEMS);
    t.history_row = 0;
    match &t.history_path {
        Some(path) => vec![Command::SaveTrailHistory {
            path: path.clone(),
            items: t.history.clone(),
        }],
        None => Vec::new(),
    }
}
