//! Processing jobs through the AWS SDK: ListProcessingJobs and DescribeProcessingJob in the
//! job's own account (OAM shares no SageMaker), and the jobs' instance metrics found with
//! ListMetrics in `/aws/sagemaker/ProcessingJobs` (under OAM from the monitoring account).

use super::error::classify;
use super::monitor::no_role;
use super::{AwsSource, Listing, Topology};
use crate::sanitize::Sanitize;
use crate::source::SourceError;
use crate::source::jobs::{
    HOST_DIMENSION, JOB_METRICS, JobStatus, JobsSource, NS_PROCESSING_JOBS, ProcessingJob,
    job_of_host, job_series_key,
};
use crate::source::model::{AccountId, Epoch, SeriesKey};
use async_trait::async_trait;
use aws_sdk_sagemaker::types::{self as sm, SortBy, SortOrder};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;

/// DescribeProcessingJob calls in flight at once per account: enough to hide latency, few
/// enough that a first refresh of 100 new jobs does not trip SageMaker's throttling.
const DESCRIBE_AT_ONCE: usize = 4;
/// The largest page ListProcessingJobs gives.
const PAGE: i32 = 100;
/// A guard only: the description cache holds what each account's list shows (`keep_only`,
/// at most 200 per account), so it stays far below this (1,000 accounts' lists) and is
/// never cleared whole in practice, which would describe every listed job again at once.
const CACHE_MAX: usize = 200_000;

/// What DescribeProcessingJob adds to a job's summary, exactly as AWS returned it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Described {
    instance_type: Option<String>,
    instance_count: Option<u32>,
    schedule: Option<String>,
    failure_reason: Option<String>,
}

/// The descriptions of finished jobs, by account and job name: a finished job never
/// changes, so a refresh describes only the jobs that are new or still running.
#[derive(Debug, Default)]
pub struct DescribedJobs(Mutex<HashMap<(AccountId, String), Described>>);

impl DescribedJobs {
    fn get(&self, account_id: &str, name: &str) -> Option<Described> {
        let held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        held.get(&(account_id.to_owned(), name.to_owned())).cloned()
    }

    fn keep(&self, account_id: &str, name: &str, described: Described) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if held.len() >= CACHE_MAX {
            held.clear();
        }
        held.insert((account_id.to_owned(), name.to_owned()), described);
    }

    /// Forgets the account's jobs no longer listed (older than the list's window): the cache
    /// holds what the list shows, not every job since the console started, and is never
    /// cleared whole (which would describe every listed job again at once).
    fn keep_only(&self, account_id: &str, listed: &[ProcessingJob]) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        held.retain(|(account, name), _| {
            account != account_id || listed.iter().any(|j| &j.name == name)
        });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// The schedule's name of a MonitoringScheduleArn
/// (`arn:aws:sagemaker:REGION:ACCOUNT:monitoring-schedule/NAME`).
fn schedule_name(arn: &str) -> Option<&str> {
    arn.split_once(":monitoring-schedule/")
        .map(|(_, name)| name)
        .filter(|name| !name.is_empty())
}

fn described(
    out: &aws_sdk_sagemaker::operation::describe_processing_job::DescribeProcessingJobOutput,
) -> Described {
    let cluster = out.processing_resources().and_then(|r| r.cluster_config());
    // A cluster given as instance preferences names the type it chose in `Selected*`.
    let instance_type = cluster
        .and_then(|c| c.instance_type().or(c.selected_instance_type()))
        .map(|t| t.as_str().to_owned());
    let instance_count = cluster
        .and_then(|c| c.instance_count().or(c.selected_instance_count()))
        .and_then(|n| u32::try_from(n).ok());
    Described {
        instance_type,
        instance_count,
        schedule: out
            .monitoring_schedule_arn()
            .and_then(schedule_name)
            .map(str::to_owned),
        failure_reason: out
            .failure_reason()
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
    }
}

/// A job as ListProcessingJobs lists it (not yet described); `None` without a name.
fn listed(account_id: &str, since: Epoch, s: &sm::ProcessingJobSummary) -> Option<ProcessingJob> {
    let name = s.processing_job_name().filter(|n| !n.is_empty())?;
    Some(ProcessingJob {
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        status: JobStatus::parse(
            s.processing_job_status()
                .map(sm::ProcessingJobStatus::as_str)
                .unwrap_or("Unknown"),
        ),
        // CreationTime is always there; were it not, the job was still created after `since`.
        created: s
            .creation_time()
            .or(s.last_modified_time())
            .map_or(since, |t| t.secs()),
        ended: s.processing_end_time().map(|t| t.secs()),
        failure_reason: s
            .failure_reason()
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
        instance_type: None,
        instance_count: None,
        schedule: None,
        region: Default::default(),
    })
}

/// Whether a listed metric is one of a processing job's drawn series on one of its hosts.
fn job_series(
    namespace: &str,
    metric: &str,
    dimensions: &[(String, String)],
) -> Option<(String, String)> {
    if namespace != NS_PROCESSING_JOBS || !JOB_METRICS.contains(&metric) {
        return None;
    }
    // GetMetricData matches the exact dimension set: a series with more than `Host` is
    // not the one the key would ask for.
    let [(name, host)] = dimensions else {
        return None;
    };
    (name == HOST_DIMENSION && job_of_host(host).is_some())
        .then(|| (metric.to_owned(), host.clone()))
}

impl AwsSource {
    /// The job's description: from the cache when it finished, else asked for.
    async fn describe_job(
        &self,
        sm: &aws_sdk_sagemaker::Client,
        job: &ProcessingJob,
        call: &str,
    ) -> Result<Described, SourceError> {
        if let Some(d) = self.job_descriptions.get(&job.account_id, &job.name) {
            return Ok(d);
        }
        let out = sm
            .describe_processing_job()
            .processing_job_name(&job.name)
            .send()
            .await
            .map_err(|e| classify(call, "sagemaker:DescribeProcessingJob", e))?;
        let d = described(&out);
        // The listing's status decides: a description is kept only once the job is over.
        if job.status.is_final() {
            self.job_descriptions
                .keep(&job.account_id, &job.name, d.clone());
        }
        Ok(d)
    }

    /// The account's jobs created since `since`, newest first, at most `limit` (not described).
    async fn list_jobs(
        &self,
        sm: &aws_sdk_sagemaker::Client,
        account_id: &str,
        since: Epoch,
        limit: usize,
    ) -> Result<Vec<ProcessingJob>, SourceError> {
        let call = format!("ListProcessingJobs {account_id}");
        let mut pages = sm
            .list_processing_jobs()
            .creation_time_after(aws_smithy_types::DateTime::from_secs(since))
            .sort_by(SortBy::CreationTime)
            .sort_order(SortOrder::Descending)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut jobs = Vec::new();
        while jobs.len() < limit
            && let Some(page) = pages.next().await
        {
            let page = page.map_err(|e| classify(&call, "sagemaker:ListProcessingJobs", e))?;
            jobs.extend(
                page.processing_job_summaries()
                    .iter()
                    .filter_map(|s| listed(account_id, since, s)),
            );
        }
        // Newest first whatever order the service used (a stable sort keeps its order
        // among jobs created in the same second).
        jobs.sort_by_key(|j| std::cmp::Reverse(j.created));
        // A job still running from before the window (a pipeline step stuck for a day) is
        // the one most worth a look: one more page, of the jobs InProgress created before
        // it, kept whatever the limit cuts of the newer ones.
        let older = sm
            .list_processing_jobs()
            .status_equals(sm::ProcessingJobStatus::InProgress)
            .creation_time_before(aws_smithy_types::DateTime::from_secs(since))
            .sort_by(SortBy::CreationTime)
            .sort_order(SortOrder::Descending)
            .max_results(PAGE)
            .send()
            .await
            .map_err(|e| classify(&call, "sagemaker:ListProcessingJobs", e))?;
        let mut running: Vec<ProcessingJob> = older
            .processing_job_summaries()
            .iter()
            .filter_map(|s| listed(account_id, since, s))
            .filter(|j| j.status == JobStatus::InProgress && j.created < since)
            .filter(|j| !jobs.iter().any(|k| k.name == j.name))
            .collect();
        running.truncate(limit);
        jobs.truncate(limit - running.len());
        running.sort_by_key(|j| std::cmp::Reverse(j.created));
        jobs.extend(running);
        Ok(jobs)
    }
}

#[async_trait]
impl JobsSource for AwsSource {
    async fn processing_jobs(
        &self,
        account_id: &str,
        since: Epoch,
        limit: usize,
    ) -> Result<Vec<ProcessingJob>, SourceError> {
        if limit == 0 || self.excluded(account_id) {
            return Ok(Vec::new());
        }
        let call = format!("ListProcessingJobs {account_id}");
        let Some(clients) = self.clients_for(account_id) else {
            return Err(no_role(call, account_id));
        };
        let listed = self
            .list_jobs(&clients.sagemaker, account_id, since, limit)
            .await;
        // Said in the account's line of the jobs view, not on the status bar: the call runs
        // only while that view is shown, and its failure would stay on the bar after.
        let jobs = listed.inspect_err(|e| tracing::warn!(%call, error = %e, "failed"))?;
        self.job_descriptions.keep_only(account_id, &jobs);

        let describe_call = format!("DescribeProcessingJob {account_id}");
        let describe_call = describe_call.as_str();
        let sm = &clients.sagemaker;
        let described: Vec<(ProcessingJob, Result<Described, SourceError>)> =
            futures::stream::iter(jobs)
                .map(|job| async move {
                    let d = self.describe_job(sm, &job, describe_call).await;
                    (job, d)
                })
                .buffered(DESCRIBE_AT_ONCE)
                .collect()
                .await;
        let mut first_error = None;
        let mut out = Vec::with_capacity(described.len());
        for (mut job, d) in described {
            match d {
                Ok(d) => {
                    job.instance_type = d.instance_type;
                    job.instance_count = d.instance_count;
                    job.schedule = d.schedule;
                    if job.failure_reason.is_none() {
                        job.failure_reason = d.failure_reason;
                    }
                }
                // The job is still listed, without what only the description says; the
                // status bar names the failing call.
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
            job.sanitize();
            out.push(job);
        }
        let outcome = match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        };
        // Nothing is lost to a failed description: the job's pane says it could not be
        // described. Not on the status bar: these calls run only while the jobs view is
        // shown, and a failure recorded there would outlive it.
        if let Err(e) = outcome {
            tracing::warn!(call = describe_call, error = %e, "failed");
        }
        Ok(out)
    }

    async fn job_metrics(&self, account_id: &str) -> Result<Vec<SeriesKey>, SourceError> {
        if self.excluded(account_id) {
            return Ok(Vec::new());
        }
        let call = format!("ListMetrics ProcessingJobs {account_id}");
        let home = self.identity.account_id.as_str();
        let (client, linked, owner) = match &self.topology {
            // The monitoring account's own metrics are listed without the linked ones; a
            // source account's are asked for by owner, so the answer is that account's alone.
            Topology::Oam { .. } if account_id == home => (&self.home.cloudwatch, false, None),
            Topology::Oam { .. } => (&self.home.cloudwatch, true, Some(account_id)),
            Topology::Fanout => match self.clients_for(account_id) {
                Some(c) => (&c.cloudwatch, false, None),
                None => {
                    return Err(SourceError::Other {
                        call,
                        detail: "no credentials configured for this account".into(),
                    });
                }
            },
        };
        let listing = Listing {
            namespace: Some(NS_PROCESSING_JOBS),
            metric: None,
            dimension_names: &[HOST_DIMENSION],
            recent: true,
            owner,
        };
        let listed = self.list_metrics(client, account_id, listing, linked).await;
        // Like the list: only while the view is shown, so off the status bar.
        let listed = listed.inspect_err(|e| tracing::warn!(%call, error = %e, "failed"))?;
        let mut keys: Vec<SeriesKey> = listed
            .iter()
            // Linked accounts' metrics come back only when asked by owner, but the answer is
            // checked all the same: another account's series must not show as this one's.
            .filter(|m| m.account_id == account_id)
            .filter_map(|m| job_series(&m.namespace, &m.metric, &m.dimensions))
            .map(|(metric, host)| job_series_key(account_id, &metric, &host))
            .collect();
        keys.sort();
        keys.dedup();
        keys.sanitize();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_of_jobs_that_left_the_list_are_forgotten_in_that_account_only() {
        let cache = DescribedJobs::default();
        let described = Described::default();
        cache.keep("111111111111", "old", described.clone());
        cache.keep("111111111111", "kept", described.clone());
        cache.keep("222222222222", "old", described);
        let listed = |name: &str| ProcessingJob {
            account_id: "111111111111".into(),
            name: name.into(),
            status: crate::source::jobs::JobStatus::Completed,
            created: 0,
            ended: None,
            failure_reason: None,
            instance_type: None,
            instance_count: None,
            schedule: None,
            region: Default::default(),
        };
        cache.keep_only("111111111111", &[listed("kept")]);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("111111111111", "kept").is_some());
        assert!(cache.get("111111111111", "old").is_none());
        assert!(
            cache.get("222222222222", "old").is_some(),
            "another account's"
        );
    }

    #[test]
    fn a_schedule_is_named_by_the_end_of_its_arn() {
        assert_eq!(
            schedule_name("arn:aws:sagemaker:eu-west-1:111111111111:monitoring-schedule/fraud-mq"),
            Some("fraud-mq")
        );
        assert_eq!(
            schedule_name("arn:aws:sagemaker:eu-west-1:111111111111:monitoring-schedule/"),
            None
        );
        assert_eq!(schedule_name("fraud-mq"), None);
    }

    #[test]
    fn only_the_three_metrics_on_algo_hosts_are_job_series() {
        let host = |h: &str| vec![(HOST_DIMENSION.to_owned(), h.to_owned())];
        assert_eq!(
            job_series(NS_PROCESSING_JOBS, "CPUUtilization", &host("j/algo-1")),
            Some(("CPUUtilization".into(), "j/algo-1".into()))
        );
        assert_eq!(
            job_series(NS_PROCESSING_JOBS, "GPUUtilization", &host("j/algo-1")),
            None
        );
        assert_eq!(
            job_series(NS_PROCESSING_JOBS, "CPUUtilization", &host("j-1")),
            None
        );
        assert_eq!(
            job_series(
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                &host("j/algo-1")
            ),
            None
        );
        let mut two = host("j/algo-1");
        two.push(("Other".into(), "x".into()));
        assert_eq!(job_series(NS_PROCESSING_JOBS, "CPUUtilization", &two), None);
    }
}
