//! Processing jobs (issue 13): the jobs Model Monitor schedules and pipelines run, as
//! ListProcessingJobs and DescribeProcessingJob answer them, and their CPU, memory and disk
//! as CloudWatch names them in `/aws/sagemaker/ProcessingJobs` (one series per host,
//! dimension `Host` = `JOB/algo-N`, found with ListMetrics like the endpoints' metrics).

use super::SourceError;
use super::model::{AccountId, Epoch, SeriesKey, Stat};
use crate::sanitize::Sanitize;
use async_trait::async_trait;

/// Where SageMaker publishes processing jobs' instance metrics.
pub const NS_PROCESSING_JOBS: &str = "/aws/sagemaker/ProcessingJobs";
/// The metrics the jobs list draws, in its column order.
pub const JOB_METRICS: [&str; 3] = ["CPUUtilization", "MemoryUtilization", "DiskUtilization"];
/// The dimension naming a job's host.
pub const HOST_DIMENSION: &str = "Host";
/// Processing-job metrics are published every minute.
pub const JOB_PERIOD: u32 = 60;

/// A job's status as SageMaker says it; one added to the API later keeps its word.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobStatus {
    InProgress,
    Completed,
    Failed,
    Stopping,
    Stopped,
    Other(String),
}

impl JobStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "InProgress" => Self::InProgress,
            "Completed" => Self::Completed,
            "Failed" => Self::Failed,
            "Stopping" => Self::Stopping,
            "Stopped" => Self::Stopped,
            other => Self::Other(crate::sanitize::clean(other).into_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::InProgress => "InProgress",
            Self::Completed => "Completed",
            Self::Failed => "Failed",
            Self::Stopping => "Stopping",
            Self::Stopped => "Stopped",
            Self::Other(s) => s,
        }
    }

    /// Whether the job will not change any more (its description can be kept).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Stopped)
    }
}

/// One processing job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingJob {
    pub account_id: AccountId,
    pub name: String,
    pub status: JobStatus,
    pub created: Epoch,
    /// ProcessingEndTime; `None` while it runs.
    pub ended: Option<Epoch>,
    pub failure_reason: Option<String>,
    /// From DescribeProcessingJob (ListProcessingJobs does not say); `None` when it could
    /// not be described.
    pub instance_type: Option<String>,
    pub instance_count: Option<u32>,
    /// The name of the Model Monitor schedule that ran it (DescribeProcessingJob's
    /// MonitoringScheduleArn); `None` for a job nothing scheduled (a pipeline's step).
    pub schedule: Option<String>,
    /// The region it ran in.
    pub region: crate::source::model::Region,
}

impl ProcessingJob {
    /// How long it ran, or has run so far at `now`.
    pub fn duration(&self, now: Epoch) -> i64 {
        (self.ended.unwrap_or(now) - self.created).max(0)
    }

    /// The series of one of its metrics on one host (`algo-1` is the first).
    pub fn series_key(&self, metric: &str, host: &str) -> SeriesKey {
        job_series_key(&self.account_id, metric, &format!("{}/{host}", self.name))
            .in_region(&self.region)
    }
}

/// The series of a processing-job metric on the host named `host` (`JOB/algo-N`).
pub fn job_series_key(account_id: &str, metric: &str, host: &str) -> SeriesKey {
    SeriesKey::new(
        account_id,
        NS_PROCESSING_JOBS,
        metric,
        &[(HOST_DIMENSION, host)],
        Stat::Average,
        JOB_PERIOD,
    )
}

/// The job a `Host` dimension value belongs to: `JOB/algo-N` → `JOB`.
pub fn job_of_host(host: &str) -> Option<&str> {
    let (job, instance) = host.rsplit_once('/')?;
    (!job.is_empty() && instance.starts_with("algo-")).then_some(job)
}

/// Processing jobs and where their metrics are.
#[async_trait]
pub trait JobsSource: Send + Sync {
    /// The account's processing jobs created since `since`, newest first, at most `limit`,
    /// each described (instance type, schedule). Under OAM an account without a role
    /// fails with a message saying which config line to add.
    async fn processing_jobs(
        &self,
        account_id: &str,
        since: Epoch,
        limit: usize,
    ) -> Result<Vec<ProcessingJob>, SourceError>;

    /// The processing-job series (`JOB_METRICS`, per host) ListMetrics finds in the account
    /// with data in the last 3 hours: under OAM read from the monitoring account.
    async fn job_metrics(&self, account_id: &str) -> Result<Vec<SeriesKey>, SourceError>;
}

impl Sanitize for ProcessingJob {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.name.sanitize();
        if let JobStatus::Other(s) = &mut self.status {
            s.sanitize();
        }
        self.failure_reason.sanitize();
        self.instance_type.sanitize();
        self.schedule.sanitize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_names_its_job() {
        assert_eq!(
            job_of_host("mq-fraud-1732615200/algo-1"),
            Some("mq-fraud-1732615200")
        );
        assert_eq!(job_of_host("a/b/algo-12"), Some("a/b"));
        assert_eq!(job_of_host("algo-1"), None);
        assert_eq!(job_of_host("/algo-1"), None);
        assert_eq!(job_of_host("job/host-1"), None);
    }

    #[test]
    fn a_running_job_lasts_until_now() {
        let mut job = ProcessingJob {
            account_id: "1".into(),
            name: "j".into(),
            status: JobStatus::parse("InProgress"),
            created: 100,
            ended: None,
            failure_reason: None,
            instance_type: None,
            instance_count: None,
            schedule: None,
            region: Default::default(),
        };
        assert_eq!(job.duration(160), 60);
        job.ended = Some(130);
        job.status = JobStatus::parse("Completed");
        assert_eq!(job.duration(160), 30);
        assert!(job.status.is_final());
        assert_eq!(JobStatus::parse("Paused\u{7}").as_str(), "Paused\u{fffd}");
    }
}
