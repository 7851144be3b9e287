//! The view's query history: every search that ended (its text, when, rows, bytes scanned,
//! how it ended), newest first, the same query once; re-run with Enter. The file in the XDG
//! state dir (`trail::history`) is written by a worker (`Command::SaveTrailHistory`), never
//! by `update`.

use super::state::{Mode, Phase};
use crate::app::command::Command;
use crate::app::state::State;
use crate::source::trail::QueryState;
use crate::trail::history::{Entry, push_entry};

/// Keeps the search that just ended; the command saves the history.
pub fn record(state: &mut State) -> Vec<Command> {
    let t = &mut state.views.trail;
    let Some(q) = t.query.as_ref() else {
        return Vec::new();
    };
    let (outcome, reason) = match &q.phase {
        Phase::Done => (QueryState::Succeeded, None),
        Phase::Failed(r) => (QueryState::Failed, Some(r.clone())),
        Phase::Cancelled => (QueryState::Cancelled, None),
        _ => return Vec::new(),
    };
    let entry = Entry {
        text: q.text.clone(),
        raw: q.mode == Mode::Sql,
        started: q.started,
        rows: t.results.len() as u64,
        scanned_bytes: q.status.as_ref().map_or(0, |s| s.scanned_bytes),
        reused: q.status.as_ref().is_some_and(|s| s.reused),
        state: outcome,
        reason,
    };
    push_entry(&mut t.history, entry);
    t.history_row = 0;
    match &t.history_path {
        Some(path) => vec![Command::SaveTrailHistory {
            path: path.clone(),
            entries: t.history.clone(),
        }],
        None => Vec::new(),
    }
}
