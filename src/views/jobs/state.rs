//! The jobs view's own state: each account's jobs (or why they could not be read), the
//! series ListMetrics found, what the list shows (filters, sort, rows), and when each kind
//! of data is next due.

use crate::source::jobs::ProcessingJob;
use crate::source::model::{AccountId, Epoch, SeriesKey};
use rustc_hash::FxHashMap as HashMap;

/// The columns of the jobs table, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JobColumn {
    Account,
    Job,
    Status,
    Schedule,
    Instance,
    #[default]
    Started,
    Duration,
    /// One of the three sparkline columns, by index into `jobs::JOB_METRICS`.
    Metric(usize),
}

impl JobColumn {
    pub const ALL: [JobColumn; 10] = [
        Self::Account,
        Self::Job,
        Self::Status,
        Self::Schedule,
        Self::Instance,
        Self::Started,
        Self::Duration,
        Self::Metric(0),
        Self::Metric(1),
        Self::Metric(2),
    ];

    /// Newest, longest and busiest first; names and words from A.
    pub fn descending_first(self) -> bool {
        matches!(self, Self::Started | Self::Duration | Self::Metric(_))
    }
}

/// One account's jobs as last read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountJobs {
    /// From the last read that succeeded, newest first.
    pub jobs: Vec<ProcessingJob>,
    /// Why the last read failed (cleaned); the jobs of an earlier read stay listed.
    pub error: Option<String>,
    /// Whether any answer has come.
    pub answered: bool,
    /// The series ListMetrics found for its jobs (the last answer that succeeded).
    pub metrics: Vec<SeriesKey>,
    /// Why the last ListMetrics failed (cleaned): said in the account's line, or every
    /// sparkline would show `·` with no reason anywhere.
    pub metrics_error: Option<String>,
}

/// A line of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// `accounts[account].jobs[job]`, by index into `JobsState::order`.
    Job { account: usize, job: usize },
    /// The account's jobs could not be read (or are still loading): one line saying so.
    Note { account: usize },
}

/// The jobs of some Model Monitor schedules only (from an endpoint or the `:jobs` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleFilter {
    /// What the title says: `fraud-detector`'s schedules, or the schedule's name.
    pub label: String,
    /// (account, schedule name); an empty account matches every account.
    pub schedules: Vec<(AccountId, String)>,
}

impl ScheduleFilter {
    pub fn matches(&self, job: &ProcessingJob) -> bool {
        job.schedule.as_deref().is_some_and(|s| {
            self.schedules
                .iter()
                .any(|(a, n)| n == s && (a.is_empty() || *a == job.account_id))
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct JobsState {
    /// By account id.
    pub accounts: HashMap<AccountId, AccountJobs>,
    /// The accounts held, in the order of `State::accounts` (what `Row` indexes).
    pub order: Vec<AccountId>,
    pub rows: Vec<Row>,
    pub selected: usize,
    pub offset: usize,
    pub sort: JobColumn,
    pub descending: bool,
    /// `/` filter: account label, job name, status or schedule.
    pub filter: String,
    pub schedules: Option<ScheduleFilter>,
    /// The selected job's detail pane is open.
    pub detail: bool,
    /// When each account's list is next due.
    pub list_due: HashMap<AccountId, Epoch>,
    /// When the series are next due.
    pub series_at: Epoch,
    /// Where `Back` returns to.
    pub came_from: crate::views::View,
}

impl JobsState {
    pub fn new() -> Self {
        Self {
            descending: true,
            ..Default::default()
        }
    }

    /// The job on a row.
    pub fn job(&self, row: &Row) -> Option<&ProcessingJob> {
        match *row {
            Row::Job { account, job } => self.accounts.get(self.order.get(account)?)?.jobs.get(job),
            Row::Note { .. } => None,
        }
    }

    pub fn selected_job(&self) -> Option<&ProcessingJob> {
        self.job(self.rows.get(self.selected)?)
    }
}
