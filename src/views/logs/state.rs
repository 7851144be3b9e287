//! The logs view's own state: whose logs (the context), the Insights query and its rows,
//! and the live tail with its buffer and how it is shown.

use crate::logs::follow::TailMode;
use crate::logs::tail::{DEFAULT_CAPACITY, TailBuffer};
use crate::source::logs::{InsightsQuery, InsightsState, InsightsStats, LogTarget};
use crate::source::model::Epoch;

/// The pane on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Insights,
    Tail,
}

/// Whose logs are open, and the query they start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub target: LogTarget,
    /// `fraud-detector`, `run fraud-detector-mq-…`, or the group's name (cleaned).
    pub label: String,
    pub default_query: String,
}

/// Where an Insights query is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// StartQuery sent.
    Starting,
    /// Polled until it finishes; `errors` counts failed polls in a row.
    Running { polls: u32, errors: u32 },
    /// Finished as CloudWatch says (Complete, Failed, Timeout, Cancelled by someone else).
    Finished(InsightsState),
    /// The call failed (the start, or polls given up on).
    Failed(String),
    /// Stopped from here.
    Cancelled,
}

impl Phase {
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Starting | Self::Running { .. })
    }
}

/// One Insights query sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Answers are matched to their query by it.
    pub token: String,
    pub id: Option<String>,
    pub query: InsightsQuery,
    pub started: Epoch,
    pub finished: Option<Epoch>,
    pub phase: Phase,
    pub stats: InsightsStats,
}

impl Run {
    pub fn elapsed(&self, now: Epoch) -> i64 {
        (self.finished.unwrap_or(now) - self.started).max(0)
    }
}

/// The Insights pane: the query typed, its run, its rows.
#[derive(Debug, Clone, Default)]
pub struct Insights {
    /// The query line.
    pub text: String,
    /// Seconds before `until` the query reads.
    pub span_secs: i64,
    /// The end of the window; `None`: now.
    pub until: Option<Epoch>,
    pub run: Option<Run>,
    pub columns: Vec<String>,
    /// Shared with the worker that saves them (`w`), not copied.
    pub rows: std::sync::Arc<Vec<Vec<String>>>,
    /// Rows matching the `/` filter (indices into `rows`); all when it is empty.
    pub shown: Vec<usize>,
    pub filter: String,
    pub row: usize,
    pub offset: usize,
    pub column: usize,
    /// The selected row, whole (Enter), and how far it is scrolled.
    pub detail: Option<usize>,
    pub detail_scroll: usize,
}

/// The live tail pane.
#[derive(Debug, Clone)]
pub struct Tail {
    /// The session running (`None`: none, or paused).
    pub session: Option<u64>,
    pub buffer: TailBuffer,
    pub mode: Option<TailMode>,
    /// The last thing the tail said (a restart, a failing call).
    pub notice: Option<String>,
    /// Stopped by the user: no session, nothing billed, until resumed.
    pub paused: bool,
    /// Kept on the newest line; off, the window holds still while lines arrive.
    pub follow: bool,
    /// Lines between the window's last line and the newest (scrolled back).
    pub from_end: usize,
    /// Lines that arrived below the window since it stopped following.
    pub unseen: u64,
    pub wrap: bool,
    pub timestamps: bool,
    /// The filter pattern the session runs with (CloudWatch syntax, applied by AWS).
    pub pattern: Option<String>,
    /// The `/` filter over the lines held (applied here).
    pub filter: String,
}

impl Default for Tail {
    fn default() -> Self {
        Self {
            session: None,
            buffer: TailBuffer::new(DEFAULT_CAPACITY),
            mode: None,
            notice: None,
            paused: false,
            follow: true,
            from_end: 0,
            unseen: 0,
            wrap: false,
            timestamps: true,
            pattern: None,
            filter: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LogsState {
    /// Whether the source has logs at all (set at start).
    pub available: bool,
    pub context: Option<Context>,
    pub pane: Pane,
    pub insights: Insights,
    pub tail: Tail,
    /// Queries let go of before their start answered, by token: stopped when it does.
    pub orphans: Vec<(String, LogTarget)>,
    /// Numbers queries (their tokens) and tail sessions.
    pub started: u64,
    /// Where `Back` returns to.
    pub came_from: crate::views::View,
}

impl LogsState {
    pub fn next_number(&mut self) -> u64 {
        self.started += 1;
        self.started
    }
}
