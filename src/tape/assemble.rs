//! The tape itself: every source's lines on one time axis, and the questions the view asks
//! of it (which lines a filter shows, which line is nearest a time).

use super::entry::{Entry, Kinds};
use crate::source::model::Epoch;

/// Lines in time order, oldest first (the view draws the newest at the bottom, like a log).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tape {
    entries: Vec<Entry>,
}

impl Tape {
    /// Merges lines from any number of sources: in time order, lines of one second in
    /// `Kind` order, lines of one second and kind in the order given (the sort is stable).
    /// A line exactly equal to one already kept (overlapping pages, a history read twice)
    /// is dropped.
    pub fn assemble(lines: impl IntoIterator<Item = Entry>) -> Self {
        let mut lines: Vec<Entry> = lines.into_iter().collect();
        lines.sort_by_key(|e| (e.at, e.kind));
        let mut entries: Vec<Entry> = Vec::with_capacity(lines.len());
        // Equal lines share their second and kind: only that run of kept lines is searched.
        let mut run_start = 0;
        for e in lines {
            if entries
                .get(run_start)
                .is_none_or(|first| (first.at, first.kind) != (e.at, e.kind))
            {
                run_start = entries.len();
            }
            if !entries[run_start..].contains(&e) {
                entries.push(e);
            }
        }
        Self { entries }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The indices of the lines shown: none of a `hidden` kind, and, for a non-empty
    /// `text`, only those holding it (case-insensitively) in their text, who or kind label.
    pub fn shown(&self, text: &str, hidden: Kinds) -> Vec<usize> {
        let text = text.trim();
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !hidden.contains(e.kind))
            .filter(|(_, e)| {
                let who = e.who.as_deref().unwrap_or_default();
                crate::app::query::matches_filter(text, &[&e.text, who, e.kind.label()])
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The position in `rows` (indices into the tape, in its order, as `shown` gives them)
    /// of the line nearest `at`: the chart's cursor, or the tape opened at an alarm's
    /// transition. Of lines equally near, the earliest; `None` when `rows` is empty.
    pub fn nearest(&self, rows: &[usize], at: Epoch) -> Option<usize> {
        let time = |pos: usize| self.entries.get(rows[pos]).map_or(Epoch::MAX, |e| e.at);
        let after = rows.partition_point(|&i| self.entries.get(i).is_some_and(|e| e.at < at));
        let before = after.checked_sub(1);
        match (before, (after < rows.len()).then_some(after)) {
            (Some(b), Some(a)) if time(a).abs_diff(at) < at.abs_diff(time(b)) => Some(a),
            (Some(b), _) => Some(first_at(b, time)),
            (None, a) => a,
        }
    }

    /// The first and last times on the tape.
    pub fn span(&self) -> Option<(Epoch, Epoch)> {
        Some((self.entries.first()?.at, self.entries.last()?.at))
    }
}

/// The first position of the run of lines at the same time as position `pos`.
fn first_at(pos: usize, time: impl Fn(usize) -> Epoch) -> usize {
    let t = time(pos);
    let mut p = pos;
    while p > 0 && time(p - 1) == t {
        p -= 1;
    }
    p
}
