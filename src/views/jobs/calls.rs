//! The jobs view's calls: one account's recent processing jobs, and the processing-job
//! series ListMetrics finds there.

use crate::source::jobs::ProcessingJob;
use crate::source::model::{AccountId, Epoch, SeriesKey};
use crate::source::{FleetSource, SourceError};

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::update::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum JobsCall {
    /// One account's processing jobs created since `since` (the last day).
    List {
        account_id: AccountId,
        since: Epoch,
        /// The most jobs listed (ListProcessingJobs pages, a DescribeProcessingJob each).
        limit: usize,
    },
    /// The processing-job series ListMetrics finds in one account.
    Metrics(AccountId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobsLoaded {
    /// One account's recent processing jobs, which replace that account's only.
    List {
        account_id: AccountId,
        result: Result<Vec<ProcessingJob>, SourceError>,
    },
    /// The processing-job series ListMetrics found in one account.
    Metrics {
        account_id: AccountId,
        result: Result<Vec<SeriesKey>, SourceError>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobsKey {
    List(AccountId),
    Metrics(AccountId),
}

/// A source without processing jobs (`FleetSource::jobs` is `None`).
fn no_jobs(call: &str) -> SourceError {
    SourceError::Other {
        call: call.into(),
        detail: "this source does not list processing jobs".into(),
    }
}

impl crate::views::Call for JobsCall {}

impl JobsCall {
    pub fn key(&self) -> JobsKey {
        match self {
            Self::List { account_id, .. } => JobsKey::List(account_id.clone()),
            Self::Metrics(account_id) => JobsKey::Metrics(account_id.clone()),
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> JobsLoaded {
        match self {
            Self::List {
                account_id,
                since,
                limit,
            } => {
                let result = match source.jobs() {
                    Some(j) => j.processing_jobs(&account_id, since, limit).await,
                    None => Err(no_jobs("ListProcessingJobs")),
                };
                JobsLoaded::List { account_id, result }
            }
            Self::Metrics(account_id) => {
                let result = match source.jobs() {
                    Some(j) => j.job_metrics(&account_id).await,
                    None => Err(no_jobs("ListMetrics")),
                };
                JobsLoaded::Metrics { account_id, result }
            }
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> JobsLoaded {
        let err = |call: &str| SourceError::Other {
            call: call.into(),
            detail: detail.into(),
        };
        match self {
            Self::List { account_id, .. } => JobsLoaded::List {
                account_id,
                result: Err(err("ListProcessingJobs")),
            },
            Self::Metrics(account_id) => JobsLoaded::Metrics {
                account_id,
                result: Err(err("ListMetrics")),
            },
        }
    }
}
