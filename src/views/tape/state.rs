//! The tape view's own state: whose tape it is, over which window, what each source has
//! answered, the tape assembled from it, and what the user filtered, hid and selected.

use crate::incident::{Reads, Subject, Window};
use crate::source::model::Epoch;
use crate::tape::{Kinds, Tape};

/// The sources a tape reads, one call each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Alarms,
    /// The endpoint's config and models, then the trail's search of its changes.
    Changes,
    Runs,
    Errors,
    Series,
    Scaling,
    Audit,
}

impl Part {
    pub const ALL: [Part; 7] = [
        Part::Alarms,
        Part::Changes,
        Part::Runs,
        Part::Errors,
        Part::Series,
        Part::Scaling,
        Part::Audit,
    ];

    /// Its word on the progress line.
    pub fn label(self) -> &'static str {
        match self {
            Part::Alarms => "alarms",
            Part::Changes => "trail",
            Part::Runs => "monitor",
            Part::Errors => "logs",
            Part::Series => "metrics",
            Part::Scaling => "scaling",
            Part::Audit => "audit log",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TapeState {
    pub subject: Option<Subject>,
    pub window: Option<Window>,
    /// Numbers each opening: answers to an older one are dropped.
    pub generation: u64,
    pub reads: Reads,
    /// The sources asked and not yet answered.
    pub waiting: Vec<Part>,
    pub tape: Tape,
    /// Indices into the tape of the lines the filter and the hidden kinds leave.
    pub rows: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub filter: String,
    pub hidden: Kinds,
    /// Where the selection stays as lines arrive, until the user moves it: the alarm's
    /// transition it was opened at (its time, and the alarm's name to pick its own line).
    pub anchor: Option<(Epoch, Option<String>)>,
    /// Where `Back` returns to.
    pub came_from: crate::views::View,
}

impl TapeState {
    /// The tape's line under the cursor.
    pub fn selected_line(&self) -> Option<&crate::tape::Entry> {
        let i = *self.rows.get(self.selected)?;
        self.tape.entries().get(i)
    }
}
