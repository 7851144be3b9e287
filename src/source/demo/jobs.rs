//! The demo organisation's processing jobs: one for every monitoring run (the job its
//! execution names, with the run's times and outcome, a failed run's reason word for word),
//! and two pipeline steps nothing scheduled; their CPU, memory and disk per host, computed
//! like every demo series from (seed, job, minute) and only while the job runs.

use super::monitor::{self, Runs};
use super::rng::{hash_str, mix, signed, value_noise};
use super::world::{self, World};
use super::{DAY, DemoSource, HOUR, MINUTE};
use crate::source::SourceError;
use crate::source::jobs::{
    HOST_DIMENSION, JOB_METRICS, JobStatus, JobsSource, ProcessingJob, job_of_host, job_series_key,
};
use crate::source::model::*;
use async_trait::async_trait;

/// A pipeline step nothing scheduled, run daily: the endpoint whose model the pipeline
/// builds (its noise seeds the job's series), the step, its creation in seconds past
/// midnight UTC, how long it lasts from then, its outcome, its instance type and count, and
/// whether its disk fills as it runs (it stages the data it prepares).
type Step = (
    &'static str,
    &'static str,
    i64,
    i64,
    JobStatus,
    (&'static str, u32),
    bool,
);

/// Placed so that at the story's start (10:00 UTC in the docs' examples) the data
/// preparation has run for about two hours and has three to go.
#[rustfmt::skip]
const PIPELINE: [Step; 2] = [
    ("fraud-detector", "PrepareTrainingData", 7 * HOUR + 50 * MINUTE, 5 * HOUR + 10 * MINUTE, JobStatus::Completed, ("ml.m5.4xlarge", 2), true),
    ("churn-predictor-stg", "EvaluateModel", 3 * HOUR + 5 * MINUTE, 22 * MINUTE, JobStatus::Stopped, ("ml.m5.xlarge", 1), false),
];

/// One job with what its series need: as SageMaker describes it once it has ended, the
/// endpoint whose noise seeds its series, when it starts working (after provisioning) and
/// ends, and whether its disk fills.
#[derive(Debug, Clone)]
struct DemoJob {
    last: ProcessingJob,
    endpoint: usize,
    began: Epoch,
    ends: Epoch,
    fills_disk: bool,
}

impl DemoJob {
    /// The job as SageMaker describes it at `now`: running until it ends, then its outcome
    /// (a run's outcome is the execution's: a run with violations is a job that completed).
    fn described(&self, now: Epoch) -> ProcessingJob {
        let mut job = self.last.clone();
        if now < self.ends {
            (job.status, job.ended, job.failure_reason) = (JobStatus::InProgress, None, None);
        }
        job
    }
}

/// Every job of `account` that ran at some time in `[from, now]`, whatever its creation.
fn jobs_overlapping(
    world: &World,
    runs: &Runs,
    account: &str,
    from: Epoch,
    now: Epoch,
) -> Vec<DemoJob> {
    let job = |name, created, ends, status, (instance, count): (&str, u32)| ProcessingJob {
        account_id: account.to_owned(),
        name,
        status,
        created,
        ended: Some(ends),
        failure_reason: None,
        instance_type: Some(instance.to_owned()),
        instance_count: Some(count),
        schedule: None,
        region: world::region_of_account(account).into(),
    };
    let monitoring = monitor::job_runs(world, runs, account, from, now, now);
    let mut out: Vec<DemoJob> = (monitoring.into_iter())
        .map(|run| {
            let status = match run.outcome {
                ExecutionStatus::Failed => JobStatus::Failed,
                _ => JobStatus::Completed,
            };
            let last = job(run.job, run.created, run.ends, status, ("ml.m5.xlarge", 1));
            DemoJob {
                last: ProcessingJob {
                    failure_reason: run.failure_reason,
                    schedule: Some(run.schedule),
                    ..last
                },
                endpoint: run.endpoint,
                began: run.began,
                ends: run.ends,
                fills_disk: false,
            }
        })
        .collect();
    for (name, step, at, lasts, outcome, instance, fills_disk) in &PIPELINE {
        let Some(endpoint) = world.endpoint_index(account, name) else {
            continue;
        };
        // Daily runs from the last one created by `now` back to those still running at `from`.
        let mut created = (now - at).div_euclid(DAY) * DAY + at;
        while created + lasts >= from {
            let id = mix(hash_str(name), created as u64);
            let name = format!("pipelines-{:012x}-{step}", id >> 16);
            out.push(DemoJob {
                last: job(name, created, created + lasts, outcome.clone(), *instance),
                endpoint,
                began: created + 2 * MINUTE,
                ends: created + lasts,
                fills_disk: *fills_disk,
            });
            created -= DAY;
        }
    }
    out
}

/// The value of `metric` on host `host` (1-based) of `job` in the minute starting at `t`.
fn value(world: &World, job: &DemoJob, metric: &str, host: u32, t: Epoch) -> f64 {
    let noise = world.endpoints[job.endpoint].noise;
    let h = mix(
        mix(noise, hash_str(&job.last.name)),
        mix(hash_str(metric), u64::from(host)),
    );
    let span = (job.ends - job.began).max(MINUTE) as f64;
    let frac = ((t - job.began) as f64 / span).clamp(0.0, 1.0);
    let v = match metric {
        "CPUUtilization" => 78.0 + 12.0 * value_noise(h, t, 600) + 3.0 * signed(mix(h, t as u64)),
        "MemoryUtilization" => 12.0 + 58.0 * frac.sqrt() + 1.5 * signed(mix(h, t as u64)),
        _ if job.fills_disk => 6.0 + 78.0 * frac + 0.3 * signed(mix(h, t as u64)),
        _ => 4.0 + 2.0 * frac + 0.2 * signed(mix(h, t as u64)),
    };
    v.clamp(0.0, 100.0)
}

impl DemoSource {
    /// The points of a processing-job series (`/aws/sagemaker/ProcessingJobs`, `Host` =
    /// `JOB/algo-N`) in `[start, end]`: the minutes the job ran, none that have not closed
    /// by `now`, and none for a job, host or metric the demo does not have.
    pub(super) fn job_points(
        &self,
        key: &SeriesKey,
        start: Epoch,
        end: Epoch,
        now: Epoch,
    ) -> Vec<(Epoch, f64)> {
        let found = (|| {
            let host = key.dimension(HOST_DIMENSION)?;
            let (account, metric) = (key.account_id.as_str(), key.metric.as_str());
            let region = &world::region_of_account(account).into();
            let expected = job_series_key(account, metric, host).in_region(region);
            if *key != expected || !JOB_METRICS.contains(&metric) {
                return None;
            }
            let name = job_of_host(host)?;
            let n: u32 = host.rsplit_once("/algo-")?.1.parse().ok()?;
            // Back as far as the longest job the demo runs (the pipeline's data preparation).
            let from = start - 6 * HOUR;
            let all = jobs_overlapping(&self.world, &self.runs(), &key.account_id, from, now);
            let job = all.into_iter().find(|j| j.last.name == name)?;
            (1..=job.last.instance_count?).contains(&n).then_some(())?;
            // The first whole minute; a minute is published once it is over, the job's last
            // minute once it has ended.
            let from = start.max(job.began);
            let first = from + (MINUTE - from.rem_euclid(MINUTE)) % MINUTE;
            let last = end.min(job.ends - 1).min(now - MINUTE).div_euclid(MINUTE) * MINUTE;
            let minutes = (first..=last).step_by(MINUTE as usize);
            let at = |t| (t, value(&self.world, &job, &key.metric, n, t));
            Some(minutes.map(at).collect())
        })();
        found.unwrap_or_default()
    }
}

#[async_trait]
impl JobsSource for DemoSource {
    async fn processing_jobs(
        &self,
        account_id: &str,
        since: Epoch,
        limit: usize,
    ) -> Result<Vec<ProcessingJob>, SourceError> {
        let now = self.clock.now();
        // Those created in `[since, now]`, and those created before and still running (as
        // the AWS source lists them), newest first.
        let mut jobs = jobs_overlapping(&self.world, &self.runs(), account_id, since, now);
        jobs.retain(|j| j.last.created <= now && (j.last.created >= since || now < j.ends));
        jobs.sort_by_key(|j| (std::cmp::Reverse(j.last.created), j.last.name.clone()));
        Ok(jobs.iter().take(limit).map(|j| j.described(now)).collect())
    }

    async fn job_metrics(&self, account_id: &str) -> Result<Vec<SeriesKey>, SourceError> {
        let now = self.clock.now();
        // The series of jobs that ran within the last three hours, as ListMetrics with
        // `RecentlyActive=PT3H` lists them.
        let from = now - 3 * HOUR;
        let jobs = jobs_overlapping(&self.world, &self.runs(), account_id, from, now);
        // A job that has not published its first minute has no metric yet.
        let started = jobs.iter().filter(|j| j.began + MINUTE <= now);
        let hosts = started.flat_map(|j| {
            (1..=j.last.instance_count.unwrap_or(1)).map(move |n| (j, format!("algo-{n}")))
        });
        let keys = hosts.flat_map(|(j, host)| JOB_METRICS.map(|m| j.last.series_key(m, &host)));
        Ok(keys.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::source::FleetSource;
    use crate::source::demo::DemoConfig;
    use crate::source::monitor::MonitorSource;

    /// 26 Nov 2026 10:00 UTC, as the docs' examples start.
    const START: Epoch = 1_795_687_200;

    fn demo(now: Epoch) -> DemoSource {
        DemoSource::new(
            DemoConfig {
                seed: 7,
                start: START,
                scale: None,
            },
            std::sync::Arc::new(FixedClock::new(now)),
        )
    }

    use futures::executor::block_on as block;

    #[test]
    fn every_monitoring_run_has_its_job_with_its_name_times_and_outcome() {
        let now = START + 2 * HOUR;
        let d = demo(now);
        let mut checked = 0;
        let mut failed = 0;
        for account in block(d.accounts()).unwrap() {
            let jobs = block(d.processing_jobs(&account.id, now - DAY, 10_000)).unwrap();
            for e in block(d.endpoints()).unwrap() {
                if e.account_id != account.id {
                    continue;
                }
                let mut page = None;
                loop {
                    let p = block(d.executions(&e.key(), None, page.as_deref())).unwrap();
                    for x in &p.executions {
                        let Some(created) = x.created.filter(|c| *c >= now - DAY) else {
                            continue;
                        };
                        let arn = x.processing_job_arn.as_deref().unwrap();
                        let name = arn.rsplit('/').next().unwrap();
                        let job = jobs
                            .iter()
                            .find(|j| j.name == name)
                            .unwrap_or_else(|| panic!("no job {name} for run {x:?}"));
                        assert_eq!(job.schedule.as_deref(), Some(x.schedule.as_str()));
                        assert_eq!(job.created, created);
                        assert!(job.instance_type.as_deref().unwrap().starts_with("ml."));
                        match x.status {
                            ExecutionStatus::Failed => {
                                failed += 1;
                                assert_eq!(job.status, JobStatus::Failed);
                                assert_eq!(job.failure_reason, x.failure_reason);
                                assert!(job.failure_reason.is_some());
                                assert_eq!(job.ended, x.modified);
                            }
                            ExecutionStatus::Pending | ExecutionStatus::InProgress => {
                                assert_eq!(job.status, JobStatus::InProgress);
                                assert_eq!(job.ended, None);
                            }
                            _ => {
                                assert_eq!(job.status, JobStatus::Completed, "{x:?}");
                                assert_eq!(job.ended, x.modified);
                            }
                        }
                        checked += 1;
                    }
                    match p.next {
                        Some(n) if p.executions.iter().all(|x| x.scheduled_time >= now - DAY) => {
                            page = Some(n)
                        }
                        _ => break,
                    }
                }
            }
        }
        assert!(checked > 100, "{checked} runs checked");
        assert!(failed > 0, "the demo has a failing schedule");
    }

    #[test]
    fn pipeline_steps_run_long_and_stop_and_the_list_is_newest_first() {
        let now = START;
        let d = demo(now);
        let prod = block(d.processing_jobs("111111111111", now - DAY, 200)).unwrap();
        assert!(prod.windows(2).all(|w| w[0].created >= w[1].created));
        let unscheduled: Vec<&ProcessingJob> =
            prod.iter().filter(|j| j.schedule.is_none()).collect();
        let long = unscheduled
            .iter()
            .find(|j| j.status == JobStatus::InProgress)
            .expect("a long job runs at the start");
        assert!(long.duration(now) > HOUR);
        let staging = block(d.processing_jobs("222222222222", now - DAY, 200)).unwrap();
        assert!(
            staging
                .iter()
                .any(|j| j.schedule.is_none() && j.status == JobStatus::Stopped)
        );
        let few = block(d.processing_jobs("111111111111", now - DAY, 5)).unwrap();
        assert_eq!(few, prod[..5]);
    }

    #[test]
    fn series_exist_only_while_a_job_runs_and_metrics_list_recent_ones() {
        let now = START + 30 * MINUTE;
        let d = demo(now);
        let keys = block(d.job_metrics("111111111111")).unwrap();
        assert!(!keys.is_empty());
        let jobs = block(d.processing_jobs("111111111111", now - DAY, 200)).unwrap();
        let long = jobs
            .iter()
            .find(|j| j.name.ends_with("PrepareTrainingData") && j.status == JobStatus::InProgress)
            .unwrap();
        let disk = long.series_key("DiskUtilization", "algo-1");
        let cpu2 = long.series_key("CPUUtilization", "algo-2");
        assert!(keys.contains(&disk) && keys.contains(&cpu2));
        let data = block(d.series(&crate::source::SeriesRequest {
            keys: vec![disk.clone(), cpu2].into(),
            start: now - 3 * HOUR,
            end: now,
        }))
        .unwrap();
        let disk_points = &data[0].points;
        assert!(disk_points.len() > 100);
        assert!(
            disk_points
                .iter()
                .all(|(t, _)| *t >= long.created && *t < now)
        );
        // The big job's disk fills up as it runs.
        assert!(disk_points.last().unwrap().1 > disk_points[0].1 + 20.0);
        assert!(!data[1].points.is_empty());
        // A finished run: nothing after its end, nothing before its start.
        let done = jobs
            .iter()
            .find(|j| j.schedule.is_some() && j.ended.is_some_and(|e| e < now - HOUR))
            .unwrap();
        let cpu = block(d.series(&crate::source::SeriesRequest {
            keys: vec![done.series_key("CPUUtilization", "algo-1")].into(),
            start: now - 3 * HOUR,
            end: now,
        }))
        .unwrap();
        let pts = &cpu[0].points;
        assert!(!pts.is_empty());
        assert!(
            pts.iter()
                .all(|(t, _)| *t >= done.created && *t < done.ended.unwrap())
        );
        // Deterministic: the same answer twice.
        let again = block(d.series(&crate::source::SeriesRequest {
            keys: vec![disk].into(),
            start: now - 3 * HOUR,
            end: now,
        }))
        .unwrap();
        assert_eq!(&again[0].points, disk_points);
    }
}
