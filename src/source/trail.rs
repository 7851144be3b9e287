//! CloudTrail search, at the domain level: one query started, its state polled, its result
//! pages read, or cancelled. The AWS source runs it on Athena; the demo searches its own
//! synthetic trail in memory with the same filter, and reports progress the same way.

use super::SourceError;
use super::model::Epoch;
use crate::sanitize::Sanitize;
use crate::trail::filter::Filter;
use crate::trail::sql::Layout;
use async_trait::async_trait;

/// Where the trail lives and how queries run (the config's `[trail]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailSettings {
    pub catalog: String,
    pub database: String,
    pub table: String,
    pub workgroup: String,
    /// `None` when the workgroup sets one.
    pub output_location: Option<String>,
    pub layout: Layout,
    /// Athena's result reuse, in minutes; 0 turns it off.
    pub reuse_minutes: u32,
    /// The LIMIT of generated queries.
    pub limit: u32,
    /// A search over more days than this asks first (`--yes` in the shell).
    pub max_range_days: u32,
}

impl Default for TrailSettings {
    fn default() -> Self {
        Self {
            catalog: "AwsDataCatalog".into(),
            database: "default".into(),
            table: "cloudtrail_logs".into(),
            workgroup: "primary".into(),
            output_location: None,
            layout: Layout::Timestamp,
            reuse_minutes: 15,
            limit: 500,
            max_range_days: crate::trail::range::DEFAULT_MAX_RANGE_DAYS,
        }
    }
}

impl TrailSettings {
    /// The table the SQL builder writes against.
    pub fn table(&self) -> crate::trail::sql::Table {
        crate::trail::sql::Table {
            catalog: self.catalog.clone(),
            database: self.database.clone(),
            table: self.table.clone(),
            layout: self.layout,
            limit: self.limit,
        }
    }
}

/// What the statement searches for, in terms the demo can evaluate in memory (Athena runs
/// only `sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// A filter over `[from, to]`; `accounts` are the filter's accounts as ids.
    Filter {
        filter: Box<Filter>,
        accounts: Vec<String>,
        from: Epoch,
        to: Epoch,
        limit: u32,
    },
    /// One event's JSON fields (its detail), by id, on the day of its time.
    Event { event_id: String, time: Epoch },
    /// SQL the user wrote.
    Raw,
}

/// One query to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailQuery {
    /// The statement Athena runs.
    pub sql: String,
    pub search: Search,
    /// Athena's ClientRequestToken (32 to 128 characters): a start retried after a lost
    /// answer returns the same execution instead of scanning twice.
    pub token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl QueryState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "QUEUED",
            Self::Running => "RUNNING",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

/// GetQueryExecution's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryStatus {
    pub state: QueryState,
    /// Athena's StateChangeReason (why it failed).
    pub reason: Option<String>,
    pub scanned_bytes: u64,
    /// Athena's own elapsed time, when it says.
    pub total_millis: Option<u64>,
    /// The results of an identical earlier query were reused: nothing was scanned.
    pub reused: bool,
    /// `DML` for a SELECT (its first result row is the header), `DDL`, `UTILITY`.
    pub statement_type: Option<String>,
}

/// One page of GetQueryResults, the header row already taken off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultPage {
    /// Column names (from the result metadata), on the first page.
    pub columns: Vec<String>,
    /// `None` is SQL NULL.
    pub rows: Vec<Vec<Option<String>>>,
    pub next: Option<String>,
}

/// Athena's price: $5 per TB scanned, rounded up to the MB, at least 10 MB per query.
pub fn price_usd(scanned_bytes: u64) -> f64 {
    const MB: u64 = 1_000_000;
    let mb = scanned_bytes.div_ceil(MB).max(10);
    mb as f64 * 5.0 / 1_000_000.0
}

/// How long to wait before poll number `n` (0 the first) of a query's state: quick at first,
/// since most trail queries finish in seconds, then backing off to 5 s.
pub fn poll_delay(n: u32) -> std::time::Duration {
    let millis = 250u64.saturating_mul(1 << n.min(5)).min(5_000);
    std::time::Duration::from_millis(millis)
}

/// Whether the first row of the first page is the header: only a SELECT's is. Athena says
/// which statement it ran; when it does not (emulators), the statement's first word does.
pub fn first_row_is_header(status: &QueryStatus, sql: &str) -> bool {
    match status.statement_type.as_deref() {
        Some(kind) => kind == "DML",
        None => {
            let first = sql.split_whitespace().next().unwrap_or("");
            first.eq_ignore_ascii_case("select") || first.eq_ignore_ascii_case("with")
        }
    }
}

#[async_trait]
pub trait TrailSource: Send + Sync {
    /// Starts `query`; its execution id.
    async fn start(&self, query: &TrailQuery) -> Result<String, SourceError>;

    async fn status(&self, id: &str) -> Result<QueryStatus, SourceError>;

    /// One page of results (at most 1,000 rows); `header` says the first row of this page
    /// is the header (the first page of a SELECT) and must be taken off.
    async fn page(
        &self,
        id: &str,
        next: Option<&str>,
        header: bool,
    ) -> Result<ResultPage, SourceError>;

    /// StopQueryExecution.
    async fn cancel(&self, id: &str) -> Result<(), SourceError>;
}

impl Sanitize for QueryStatus {
    fn sanitize(&mut self) {
        self.reason.sanitize();
        self.statement_type.sanitize();
    }
}

impl Sanitize for ResultPage {
    fn sanitize(&mut self) {
        self.columns.sanitize();
        for row in &mut self.rows {
            for cell in row {
                cell.sanitize();
            }
        }
        self.next.sanitize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_has_a_ten_megabyte_floor_and_rounds_up_to_the_megabyte() {
        assert_eq!(price_usd(0), 10.0 * 5.0 / 1e6);
        assert_eq!(price_usd(10_000_001), 11.0 * 5.0 / 1e6);
        // One terabyte costs five dollars.
        assert!((price_usd(1_000_000_000_000) - 5.0).abs() < 1e-9);
    }
}
