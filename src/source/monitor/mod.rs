//! Model Monitor, at the domain level: an endpoint's schedules, their executions, the
//! violations and baseline constraints their processing jobs wrote to S3, the monitoring
//! alerts, and the writes that run a schedule now, pause it, resume it or delete what a
//! run now left. The AWS source reads SageMaker and S3; the demo computes the same from
//! its story.

pub mod report;
pub mod write;

use super::SourceError;
use super::model::{AccountId, EndpointKey, Epoch, ExecutionStatus, MonitoringSchedule};
use crate::sanitize::Sanitize;
use async_trait::async_trait;

pub use report::{Baseline, Constraint, REPORT_CAP, Violation, ViolationReport};
pub use write::{MonitorWrite, RunNow, RunWindow};

/// One execution of a schedule, as ListMonitoringExecutions gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    pub account_id: AccountId,
    pub schedule: String,
    pub scheduled_time: Epoch,
    /// When SageMaker created it and last changed it: the duration of a finished run, the
    /// elapsed time of one in progress.
    pub created: Option<Epoch>,
    pub modified: Option<Epoch>,
    pub status: ExecutionStatus,
    pub failure_reason: Option<String>,
    /// The processing job that ran it; its output holds the violations.
    pub processing_job_arn: Option<String>,
    pub monitoring_type: Option<String>,
    /// Its region (the endpoint's).
    pub region: crate::source::model::Region,
}

impl Execution {
    /// The same run: accounts often share schedule names and top-of-hour times.
    pub fn is_same_run(&self, other: &Execution) -> bool {
        self.account_id == other.account_id
            && self.schedule == other.schedule
            && self.scheduled_time == other.scheduled_time
    }

    /// Seconds it ran (finished) or has been running (`now`).
    pub fn duration(&self, now: Epoch) -> Option<i64> {
        let start = self.created?;
        let end = if self.status.is_finished() {
            self.modified?
        } else {
            now
        };
        Some((end - start).max(0))
    }
}

/// What to configure so that Model Monitor can be changed in `account_id` (OAM shares no
/// SageMaker): the console and the shell say it the same way.
pub fn no_role_message(account_id: &str) -> String {
    format!(
        "no role for account {account_id}: OAM shares no SageMaker; add role_arn = \
         \"arn:aws:iam::{account_id}:role/...\" under [[accounts]] id = \"{account_id}\" in \
         config.toml"
    )
}

/// One page of executions, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExecutionPage {
    pub executions: Vec<Execution>,
    /// Where the next (older) page starts; `None` when this was the last.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertStatus {
    InAlert,
    Ok,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InAlert => "InAlert",
            Self::Ok => "OK",
        }
    }
}

/// A Model Monitor alert (ListMonitoringAlerts) with its recent history.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringAlert {
    pub schedule: String,
    pub name: String,
    pub status: AlertStatus,
    /// The alert goes InAlert when this many of the last `evaluation_period` runs broke.
    pub datapoints_to_alert: i32,
    pub evaluation_period: i32,
    pub modified: Option<Epoch>,
    /// Newest first: (when, status).
    pub history: Vec<(Epoch, AlertStatus)>,
}

/// What the fleet shows of one schedule: its state and its last completed run.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRun {
    pub account_id: AccountId,
    pub endpoint: String,
    pub schedule: String,
    pub monitoring_type: String,
    pub status: super::model::ScheduleStatus,
    pub last_run: Option<LastRun>,
    /// Its region (the endpoint's).
    pub region: crate::source::model::Region,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LastRun {
    pub status: ExecutionStatus,
    pub scheduled_at: Epoch,
    /// Violations in its report; `None` when the report could not be read.
    pub violations: Option<usize>,
}

/// A one-time schedule a run now made (its name says so), as it stands: once its run has
/// ended it is only a leftover that counts against the account's schedule quota.
#[derive(Debug, Clone, PartialEq)]
pub struct Leftover {
    pub account_id: AccountId,
    pub endpoint: String,
    pub schedule: String,
    pub created: Option<Epoch>,
    /// Its run's status, when one was listed.
    pub run: Option<ExecutionStatus>,
    /// Its run has ended (any status), or the schedule failed without one: it can go.
    pub ended: bool,
    /// Its region (the endpoint's).
    pub region: crate::source::model::Region,
}

/// Model Monitor reads. Every call is made in the endpoint's own account, with the
/// credentials configured for it (OAM shares no SageMaker or S3).
#[async_trait]
pub trait MonitorSource: Send + Sync {
    /// Executions of the endpoint (or of one of its schedules), newest first, one page.
    async fn executions(
        &self,
        endpoint: &EndpointKey,
        schedule: Option<&str>,
        page: Option<&str>,
    ) -> Result<ExecutionPage, SourceError>;

    /// The violations its processing job wrote (`constraint_violations.json`).
    async fn violations(&self, execution: &Execution) -> Result<ViolationReport, SourceError>;

    /// The baseline constraints named by the schedule's job definition; `None` when it
    /// names none.
    async fn baseline(
        &self,
        schedule: &MonitoringSchedule,
    ) -> Result<Option<Baseline>, SourceError>;

    /// One schedule of an account by name, described; `None` when there is none.
    async fn schedule(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<MonitoringSchedule>, SourceError>;

    /// Monitoring alerts of a schedule, each with its recent history.
    async fn alerts(
        &self,
        account_id: &str,
        schedule: &str,
    ) -> Result<Vec<MonitoringAlert>, SourceError>;

    /// Every schedule of every account with credentials, with its last completed run and
    /// the number of violations it found: the fleet's indicator.
    async fn fleet_runs(&self) -> Result<Vec<ScheduleRun>, SourceError>;

    /// The one-time schedules runs now made (`write::is_run_now_name`), in every account
    /// with credentials, ended or not.
    async fn leftovers(&self) -> Result<Vec<Leftover>, SourceError>;
}

impl ExecutionStatus {
    /// SageMaker's own spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Completed => "Completed",
            Self::CompletedWithViolations => "CompletedWithViolations",
            Self::InProgress => "InProgress",
            Self::Failed => "Failed",
            Self::Stopping => "Stopping",
            Self::Stopped => "Stopped",
        }
    }

    /// Whether it will change no more.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::CompletedWithViolations | Self::Failed | Self::Stopped
        )
    }

    /// Whether it produced a report (with or without violations).
    pub fn is_completed(self) -> bool {
        matches!(self, Self::Completed | Self::CompletedWithViolations)
    }
}

impl Sanitize for Execution {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.schedule.sanitize();
        if let Some(r) = &mut self.failure_reason {
            r.sanitize();
        }
        if let Some(a) = &mut self.processing_job_arn {
            a.sanitize();
        }
        if let Some(t) = &mut self.monitoring_type {
            t.sanitize();
        }
    }
}

impl Sanitize for ExecutionPage {
    fn sanitize(&mut self) {
        self.executions.sanitize();
    }
}

impl Sanitize for MonitoringAlert {
    fn sanitize(&mut self) {
        self.schedule.sanitize();
        self.name.sanitize();
    }
}

impl Sanitize for Leftover {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.endpoint.sanitize();
        self.schedule.sanitize();
    }
}

impl Sanitize for ScheduleRun {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.endpoint.sanitize();
        self.schedule.sanitize();
        self.monitoring_type.sanitize();
    }
}
