//! The trail view's own state: what was typed, the query running (or last run) and its
//! progress, its rows, the event open in detail, the history, and what the charts mark.

use super::results::Results;
use crate::app::state::Loadable;
use crate::source::model::Epoch;
use crate::source::trail::{QueryStatus, TrailSettings};

/// What the query line holds: a filter or SQL the user wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Filter,
    Sql,
}

/// Where a query is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// StartQueryExecution sent.
    Starting,
    /// Polled until it finishes; `polls` counts the polls for the backoff, `errors` the
    /// failed polls in a row.
    Running {
        polls: u32,
        errors: u32,
    },
    /// SUCCEEDED: pages being read; `errors` counts failed reads of the page in a row.
    Paging {
        errors: u32,
    },
    Done,
    Failed(String),
    Cancelled,
}

impl Phase {
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::Starting | Self::Running { .. } | Self::Paging { .. }
        )
    }
}

/// One query sent to the trail source.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Its ClientRequestToken: answers to the start are matched by it.
    pub token: String,
    /// The execution id, once started.
    pub id: Option<String>,
    pub sql: String,
    /// What was typed (the filter or the SQL), for the history.
    pub text: String,
    pub mode: Mode,
    pub started: Epoch,
    pub finished: Option<Epoch>,
    pub phase: Phase,
    pub status: Option<QueryStatus>,
    /// Pages read so far.
    pub pages: u32,
    /// Where the page being read starts (`None`: the first), to ask again after a failure.
    pub next_page: Option<String>,
    /// The statement's LIMIT, when known (a filter's is `[trail] limit`; raw SQL's, a
    /// trailing `LIMIT n`): a result that reaches it says so.
    pub limit: Option<u64>,
}

impl Query {
    pub fn elapsed(&self, now: Epoch) -> i64 {
        (self.finished.unwrap_or(now) - self.started).max(0)
    }
}

/// The event whose JSON is open.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub event_id: String,
    pub query: Option<Query>,
    /// Its fields (name, value) once read.
    pub fields: Loadable<Vec<(String, Option<String>)>>,
    pub scroll: usize,
}

/// The pane with the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Results,
    History,
}

#[derive(Debug, Clone, Default)]
pub struct TrailState {
    /// `None` until the console knows whether a trail is configured: `Err` says what to set.
    pub available: Option<Result<TrailSettings, String>>,
    /// The query line: what is shown and re-run.
    pub text: String,
    pub mode: Mode,
    /// A mistake in `text` (byte range and message).
    pub error: Option<(usize, usize, String)>,
    pub query: Option<Query>,
    pub results: Results,
    pub row: usize,
    pub offset: usize,
    /// The column whose cell `y` copies.
    pub column: usize,
    pub detail: Option<Detail>,
    pub focus: Focus,
    pub history: Vec<crate::trail::history::Entry>,
    /// Where the history is kept across restarts (the XDG state dir); `None`: not kept.
    pub history_path: Option<std::path::PathBuf>,
    /// Event names seen in results, for completion.
    pub seen_events: std::collections::BTreeSet<String>,
    pub history_row: usize,
    /// Starts numbered for their tokens.
    pub started: u64,
    /// Makes this console's tokens its own (set once at start from the process).
    pub salt: u64,
    /// Where `Back` returns to.
    pub came_from: crate::views::View,
    /// `c` asked for the endpoint's changes since the time given: its config and models are
    /// being read, and the search starts when they arrive.
    pub reading_makeup: Option<(crate::source::model::EndpointKey, Epoch)>,
}

impl TrailState {
    pub fn settings(&self) -> Option<&TrailSettings> {
        match &self.available {
            Some(Ok(s)) => Some(s),
            _ => None,
        }
    }

    pub fn running(&self) -> bool {
        self.query.as_ref().is_some_and(|q| q.phase.is_active())
    }
}
