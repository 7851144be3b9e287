//! `Command`: side effects `update` asks for. Workers carry them out and answer with actions.

use super::action::SeriesPurpose;
use crate::source::SeriesRequest;
use crate::source::model::{AccountId, EndpointKey, MonitoringSchedule};
use crate::source::monitor::Execution;
use crate::source::write::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    LoadIdentity,
    /// Accounts and endpoints.
    LoadFleet,
    LoadAlarms,
    /// The alarms of one account: in fan-out each account's arrive on their own.
    LoadAlarmsIn(AccountId),
    LoadSeries {
        purpose: SeriesPurpose,
        request: SeriesRequest,
        /// The user asked for this (a new range, a pan, `r`): it replaces work of the same
        /// key in flight. Periodic refreshes never replace, or a source slower than the
        /// refresh interval would have every answer cancelled by the next tick.
        replace: bool,
    },
    /// One alarm's state history. There is one history pane: a newer request replaces the
    /// one in flight.
    LoadAlarmHistory {
        account_id: AccountId,
        /// The alarm's `id`, as AWS returned it.
        id: String,
        /// Asked while moving through alarms: wait a moment first, so that alarms passed
        /// on the way (their requests replaced before they leave) cost nothing.
        while_scrolling: bool,
    },
    LoadMonitoring(EndpointKey),
    /// The monitor pane's schedules, newest runs and alerts.
    LoadMonitor(EndpointKey),
    /// An older page of its runs.
    LoadRuns {
        endpoint: EndpointKey,
        page: String,
    },
    /// One run's violations and its schedule's baseline. One report pane: a newer request
    /// replaces the one in flight.
    LoadReport {
        run: Box<Execution>,
        schedule: Option<Box<MonitoringSchedule>>,
    },
    /// The newest run of a schedule being followed.
    PollRun {
        endpoint: EndpointKey,
        schedule: String,
    },
    LoadFleetRuns,
    /// One account's processing jobs created since `since` (the jobs view: the last day).
    LoadJobs {
        account_id: AccountId,
        since: crate::source::model::Epoch,
        /// The most jobs listed (ListProcessingJobs pages, a DescribeProcessingJob each).
        limit: usize,
    },
    /// The processing-job series ListMetrics finds in one account.
    LoadJobMetrics(AccountId),

    /// The alarms of one account again, right after a write changed them: replaces a
    /// refresh of that account in flight (which may have started before the write).
    RereadAlarms(AccountId),
    /// A confirmed mutating request, sent through the gate (read-only, audit log). `seq`
    /// numbers the confirmations: no write is ever taken for another and dropped.
    Write {
        seq: u64,
        request: Box<Write>,
    },

    /// StartQueryExecution (or the demo's search).
    TrailStart(Box<crate::source::trail::TrailQuery>),
    /// GetQueryExecution after `delay_ms` (the backoff).
    TrailPoll {
        id: String,
        token: String,
        delay_ms: u64,
    },
    /// One page of GetQueryResults (after `delay_ms` when asked again after a failure).
    TrailPage {
        id: String,
        token: String,
        next: Option<String>,
        header: bool,
        delay_ms: u64,
    },
    TrailCancel {
        id: String,
    },
    /// The trail's query history, written to the state dir.
    SaveTrailHistory {
        path: std::path::PathBuf,
        entries: Vec<crate::trail::history::Entry>,
    },
    /// Text for the terminal's clipboard (OSC 52), written by the loop.
    Clipboard(String),
    /// Rows written to a file.
    Export(Box<Export>),

    /// StartQuery (Insights); answered with the query id, matched by `token`.
    LogsQueryStart {
        token: String,
        query: Box<crate::source::logs::InsightsQuery>,
    },
    /// GetQueryResults after `delay_ms` (the backoff).
    LogsQueryPoll {
        token: String,
        target: crate::source::logs::LogTarget,
        id: String,
        delay_ms: u64,
    },
    /// StopQuery: sent with the writes, so that quitting waits for it.
    LogsQueryStop {
        target: crate::source::logs::LogTarget,
        id: String,
    },
    /// StopQuery of the query started with `token` once its start has answered (quitting
    /// before it did): starts go through the same ordered queue, so its id is known then.
    LogsQueryAbandon {
        token: String,
        target: crate::source::logs::LogTarget,
    },
    /// A live tail (or its polling fallback) running until `LogsTailStop`: it answers many
    /// times, each `Loaded::LogsTail` numbered by `session`.
    LogsTailStart {
        session: u64,
        target: crate::source::logs::LogTarget,
        options: TailOptions,
    },
    LogsTailStop {
        session: u64,
    },
    /// One account's SageMaker Studio.
    LoadStudio(AccountId),
    /// Answers `Action::ConfirmArmed(serial)` after `after_ms`: the confirmation's wait
    /// before it takes keys (`overlays::confirm::ARMING_MS`).
    ArmConfirm {
        serial: u64,
        after_ms: u64,
    },
}

/// How a tail runs (`crate::logs::follow::FollowOptions`, comparable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailOptions {
    pub pattern: Option<String>,
    /// Where polling starts (epoch ms), should live tail be refused; the lines since
    /// then are shown first (at most `backfill`).
    pub since_ms: i64,
    pub backfill: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
    Text,
}

/// Rows to write to a file: the path, or a name made from `now` in the current directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// What is exported, in the default file name: `trail`, `logs`.
    pub what: &'static str,
    pub format: ExportFormat,
    pub path: Option<String>,
    pub now: crate::source::model::Epoch,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// Two commands with the same key are the same work: the second is dropped while the first
/// is in flight.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CommandKey {
    Identity,
    Fleet,
    Alarms,
    AlarmsIn(AccountId),
    /// Requests are grouped by period, so the period tells two fleet requests apart; a
    /// request of one account's series (fan-out) is apart from other accounts'.
    Series(SeriesPurpose, u32, Option<AccountId>),
    AlarmHistory,
    Monitoring(EndpointKey),
    Monitor(EndpointKey),
    Runs(EndpointKey),
    Report,
    Poll(EndpointKey, String),
    FleetRuns,
    Jobs(AccountId),
    JobMetrics(AccountId),
    /// One confirmed write, by its sequence number.
    Write(u64),
    /// A trail query's own calls, by its token: each query has its one of each.
    TrailStart(String),
    TrailPoll(String),
    TrailPage(String),
    TrailCancel(String),
    TrailHistory,
    Clipboard,
    Export,
    LogsQueryStart(String),
    LogsQueryPoll(String),
    LogsQueryStop(String),
    /// Every message of one tail session.
    LogsTail(u64),
    Studio(AccountId),
    /// One confirmation's wait, by its serial.
    ArmConfirm(u64),
}

impl Command {
    /// Whether this command should cancel and replace different work of the same key.
    pub fn replaces_running(&self) -> bool {
        matches!(
            self,
            Self::LoadSeries { replace: true, .. }
                | Self::LoadAlarmHistory { .. }
                | Self::RereadAlarms(_)
                | Self::LoadReport { .. }
                // After a write or a followed run, the pane is read again: an older read
                // in flight may predate what changed.
                | Self::LoadMonitor(_)
                | Self::SaveTrailHistory { .. }
        )
    }

    /// A read asked for because something just changed (a write, a run that ended): the
    /// same read already in flight may have started before the change, so it is replaced,
    /// not trusted.
    pub fn rereads_after_change(&self) -> bool {
        matches!(self, Self::LoadMonitor(_) | Self::RereadAlarms(_))
    }

    pub fn key(&self) -> CommandKey {
        match self {
            Self::LoadIdentity => CommandKey::Identity,
            Self::LoadFleet => CommandKey::Fleet,
            Self::LoadAlarms => CommandKey::Alarms,
            Self::LoadAlarmsIn(account) => CommandKey::AlarmsIn(account.clone()),
            Self::LoadSeries {
                purpose, request, ..
            } => {
                let first = request.keys.first();
                let account = first
                    .map(|k| &k.account_id)
                    .filter(|a| request.keys.iter().all(|k| &k.account_id == *a));
                CommandKey::Series(*purpose, first.map_or(0, |k| k.period), account.cloned())
            }
            Self::LoadAlarmHistory { .. } => CommandKey::AlarmHistory,
            Self::LoadMonitoring(e) => CommandKey::Monitoring(e.clone()),
            Self::LoadMonitor(e) => CommandKey::Monitor(e.clone()),
            Self::LoadRuns { endpoint, .. } => CommandKey::Runs(endpoint.clone()),
            Self::LoadReport { .. } => CommandKey::Report,
            Self::PollRun { endpoint, schedule } => {
                CommandKey::Poll(endpoint.clone(), schedule.clone())
            }
            Self::LoadFleetRuns => CommandKey::FleetRuns,
            Self::LoadJobs { account_id, .. } => CommandKey::Jobs(account_id.clone()),
            Self::LoadJobMetrics(account) => CommandKey::JobMetrics(account.clone()),
            Self::RereadAlarms(account) => CommandKey::AlarmsIn(account.clone()),
            Self::Write { seq, .. } => CommandKey::Write(*seq),
            Self::TrailStart(q) => CommandKey::TrailStart(q.token.clone()),
            Self::TrailPoll { token, .. } => CommandKey::TrailPoll(token.clone()),
            Self::TrailPage { token, .. } => CommandKey::TrailPage(token.clone()),
            Self::TrailCancel { id } => CommandKey::TrailCancel(id.clone()),
            // The newest history replaces an older one not yet written.
            Self::SaveTrailHistory { .. } => CommandKey::TrailHistory,
            Self::Clipboard(_) => CommandKey::Clipboard,
            Self::Export(_) => CommandKey::Export,
            Self::LogsQueryStart { token, .. } => CommandKey::LogsQueryStart(token.clone()),
            Self::LogsQueryPoll { token, .. } => CommandKey::LogsQueryPoll(token.clone()),
            Self::LogsQueryStop { id, .. } => CommandKey::LogsQueryStop(id.clone()),
            Self::LogsQueryAbandon { token, .. } => CommandKey::LogsQueryStop(token.clone()),
            Self::LogsTailStart { session, .. } | Self::LogsTailStop { session } => {
                CommandKey::LogsTail(*session)
            }
            Self::LoadStudio(account) => CommandKey::Studio(account.clone()),
            Self::ArmConfirm { serial, .. } => CommandKey::ArmConfirm(*serial),
        }
    }
}
