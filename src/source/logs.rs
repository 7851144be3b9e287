//! Endpoint and monitoring-job logs at the domain level: an Insights query started, its
//! results read while it runs, stopped; events read with a filter (FilterLogEvents); and a
//! live tail opened as a session that yields updates. The AWS source runs them on CloudWatch
//! Logs (in the monitoring account with ARNs under OAM, through the account's role in
//! fan-out); the demo generates its organisation's logs. The tail's restarts and its fallback
//! to polling are the same for both (`crate::logs::follow`).

use super::SourceError;
use super::model::{AccountId, Epoch};
use crate::logs::line::{MAX_CHARS, safe_line};
use crate::sanitize::Sanitize;
use async_trait::async_trait;

/// Which logs: one account's log groups, by name, maybe narrowed to a stream prefix. The
/// source names them as its topology needs (an ARN from the monitoring account, the name
/// through the account's own role).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogTarget {
    pub account_id: AccountId,
    /// Log group names (`/aws/sagemaker/Endpoints/<name>`), 1 to 10 (live tail's bound).
    pub groups: Vec<String>,
    /// Only streams starting with this (a processing job's `<job>/`).
    pub stream_prefix: Option<String>,
    /// Log groups are regional: the endpoint's or the job's region.
    pub region: crate::source::model::Region,
}

/// One Insights query to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightsQuery {
    pub target: LogTarget,
    /// Insights query language, as typed.
    pub query: String,
    /// Epoch seconds, inclusive.
    pub start: Epoch,
    pub end: Epoch,
}

/// GetQueryResults' status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightsState {
    Scheduled,
    Running,
    Complete,
    Failed,
    Cancelled,
    Timeout,
    Unknown,
}

impl InsightsState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "Scheduled",
            Self::Running => "Running",
            Self::Complete => "Complete",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
            Self::Timeout => "Timeout",
            Self::Unknown => "Unknown",
        }
    }

    /// Nothing more will come: stop polling.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Complete | Self::Failed | Self::Cancelled | Self::Timeout
        )
    }
}

/// GetQueryResults' statistics.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InsightsStats {
    pub records_matched: f64,
    pub records_scanned: f64,
    pub bytes_scanned: f64,
}

/// GetQueryResults' answer: the results so far (all of them once Complete).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InsightsResults {
    pub state: Option<InsightsState>,
    pub stats: InsightsStats,
    /// Field names in the order they first appear (`@ptr` left out).
    pub columns: Vec<String>,
    /// One cell per column, empty when the row has no such field; every cell made safe
    /// (`safe_line`).
    pub rows: Vec<Vec<String>>,
}

impl InsightsResults {
    /// Results from GetQueryResults' rows of `(field, value)` pairs: columns in the order
    /// fields first appear, `@ptr` (a pointer, not data) left out, every value made safe.
    pub fn from_fields<'a>(
        state: Option<InsightsState>,
        stats: InsightsStats,
        rows: impl IntoIterator<Item = Vec<(&'a str, &'a str)>>,
    ) -> Self {
        let mut columns: Vec<String> = Vec::new();
        let mut cells: Vec<Vec<(usize, String)>> = Vec::new();
        for row in rows {
            let mut out = Vec::with_capacity(row.len());
            for (field, value) in row {
                if field == "@ptr" {
                    continue;
                }
                let field = safe_line(field.as_bytes(), 200);
                let at = match columns.iter().position(|c| *c == field) {
                    Some(at) => at,
                    None => {
                        columns.push(field);
                        columns.len() - 1
                    }
                };
                out.push((at, safe_line(value.as_bytes(), MAX_CHARS)));
            }
            cells.push(out);
        }
        let width = columns.len();
        let rows = cells
            .into_iter()
            .map(|row| {
                let mut full = vec![String::new(); width];
                for (at, value) in row {
                    full[at] = value;
                }
                full
            })
            .collect();
        Self {
            state,
            stats,
            columns,
            rows,
        }
    }
}

/// One log event, its text made safe on the way in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// When it happened, epoch milliseconds.
    pub timestamp_ms: i64,
    /// The stream it is in, made safe.
    pub stream: String,
    /// The message, made safe and cut (`safe_line`).
    pub message: String,
    /// FilterLogEvents' event id (the live tail has none): polling deduplicates by it.
    pub event_id: Option<String>,
}

impl LogEvent {
    /// An event from what AWS (or a file) said, made safe: every constructor of a shown
    /// line goes through here.
    pub fn new(timestamp_ms: i64, stream: &str, message: &[u8], event_id: Option<&str>) -> Self {
        Self {
            timestamp_ms,
            stream: safe_line(stream.as_bytes(), 512),
            message: safe_line(message, MAX_CHARS),
            event_id: event_id.map(|id| safe_line(id.as_bytes(), 256)),
        }
    }
}

/// One page of FilterLogEvents, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventsPage {
    pub events: Vec<LogEvent>,
    pub next: Option<String>,
}

/// One update of a live tail session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveUpdate {
    pub events: Vec<LogEvent>,
    /// AWS left events out of this update (beyond 500 a second).
    pub sampled: bool,
}

/// Why a live tail session ended or could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveError {
    /// AWS ended the session at its 3-hour limit (SessionTimeoutException): start another.
    SessionTimeout,
    /// Live tail cannot be used here (no `logs:StartLiveTail` permission, an endpoint or
    /// emulator that does not serve it): poll FilterLogEvents instead. Says why.
    Unsupported(String),
    /// Anything else (the network, throttling): start again after a pause.
    Failed(SourceError),
    /// The request cannot succeed as made (no such log group, a filter pattern AWS
    /// refuses): stop, and say why.
    Fatal(SourceError),
}

/// Whether a failed call cannot succeed by asking again: denied, no such log group, a
/// parameter (a filter pattern) AWS refuses.
pub fn is_permanent(e: &SourceError) -> bool {
    match e {
        SourceError::AccessDenied { .. } | SourceError::Credentials { .. } => true,
        SourceError::Other { detail, .. } => {
            detail.contains("ResourceNotFoundException")
                || detail.contains("InvalidParameterException")
                || detail.contains("does not exist")
        }
        SourceError::Throttled { .. } | SourceError::Network { .. } => false,
    }
}

/// An open live tail.
#[async_trait]
pub trait LiveSession: Send {
    /// The next update; `Ok(None)` when the session was closed.
    async fn next(&mut self) -> Result<Option<LiveUpdate>, LiveError>;
}

#[async_trait]
pub trait LogsSource: Send + Sync {
    /// StartQuery; its query id.
    async fn start_query(&self, query: &InsightsQuery) -> Result<String, SourceError>;

    /// GetQueryResults of a query started in `account_id`'s logs.
    async fn query_results(
        &self,
        target: &LogTarget,
        query_id: &str,
    ) -> Result<InsightsResults, SourceError>;

    /// StopQuery.
    async fn stop_query(&self, target: &LogTarget, query_id: &str) -> Result<(), SourceError>;

    /// One page of FilterLogEvents over `[start_ms, end_ms]` (no end: up to now), with a
    /// filter pattern, oldest first.
    async fn filter_events(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        next: Option<&str>,
    ) -> Result<EventsPage, SourceError>;

    /// StartLiveTail on the target's groups (and stream prefix), with a filter pattern.
    async fn live_tail(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
    ) -> Result<Box<dyn LiveSession>, LiveError>;
}

/// Whether `s` can be shown as it is: no control character, and not far over the bound a
/// line is cut at (a line `safe_line` cut holds its marker beyond it, and is not cut again).
fn already_safe(s: &str, max_chars: usize) -> bool {
    s.len() <= max_chars * 4 + 32 && !s.chars().any(crate::sanitize::needs_replacing)
}

impl Sanitize for LogEvent {
    fn sanitize(&mut self) {
        // Already safe when built with `new` (then this is a scan, not a copy: it runs on
        // the UI thread for every line of the tail); a source that filled the fields itself
        // is cleaned here too.
        if !already_safe(&self.stream, 512) {
            self.stream = safe_line(self.stream.as_bytes(), 512);
        }
        if !already_safe(&self.message, MAX_CHARS) {
            self.message = safe_line(self.message.as_bytes(), MAX_CHARS);
        }
        if let Some(id) = &mut self.event_id
            && !already_safe(id, 256)
        {
            *id = safe_line(id.as_bytes(), 256);
        }
    }
}

impl Sanitize for InsightsResults {
    fn sanitize(&mut self) {
        // A scan, not a copy, for what is already safe: every poll brings the whole result.
        for c in &mut self.columns {
            if !already_safe(c, 200) {
                *c = safe_line(c.as_bytes(), 200);
            }
        }
        for row in &mut self.rows {
            for cell in row {
                if !already_safe(cell, MAX_CHARS) {
                    *cell = safe_line(cell.as_bytes(), MAX_CHARS);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_take_columns_in_order_of_first_appearance_without_the_pointer() {
        let r = InsightsResults::from_fields(
            Some(InsightsState::Complete),
            InsightsStats::default(),
            vec![
                vec![
                    ("@timestamp", "t1"),
                    ("@message", "m\x1b[31m1"),
                    ("@ptr", "x"),
                ],
                vec![("@logStream", "s2"), ("@timestamp", "t2")],
            ],
        );
        assert_eq!(r.columns, ["@timestamp", "@message", "@logStream"]);
        assert_eq!(r.rows[0], ["t1", "m\u{fffd}[31m1", ""]);
        assert_eq!(r.rows[1], ["t2", "", "s2"]);
    }

    #[test]
    fn an_event_is_made_safe_when_built() {
        let e = LogEvent::new(1, "a\u{202e}b", b"x\x1b]52;c;Zm9v\x07\xff", Some("id\n"));
        assert!(!e.message.chars().any(crate::sanitize::needs_replacing));
        assert!(!e.stream.chars().any(crate::sanitize::needs_replacing));
        assert_eq!(e.event_id.as_deref(), Some("id "));
        // Cleaning it again changes nothing (a cut line keeps its marker).
        let long = LogEvent::new(1, "s", "é".repeat(MAX_CHARS + 10).as_bytes(), None);
        let mut again = long.clone();
        again.sanitize();
        assert_eq!(again, long);
        // A field filled by hand is cleaned.
        let mut raw = LogEvent {
            timestamp_ms: 1,
            stream: "a\u{1b}[2J".into(),
            message: "b\u{9b}31m".into(),
            event_id: None,
        };
        raw.sanitize();
        assert!(
            !raw.message
                .chars()
                .chain(raw.stream.chars())
                .any(crate::sanitize::needs_replacing)
        );
    }
}
