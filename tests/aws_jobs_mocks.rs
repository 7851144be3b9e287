//! Processing jobs through the AWS source on the SDK's own mock layer (aws-smithy-mocks):
//! real SageMaker and CloudWatch clients, real paginators and serialisation (and the
//! read-only guard installed, as `connect` does in read-only mode); answers from rules that
//! also count what reached them.
//! - ListProcessingJobs pages are read newest first until the limit, no further;
//! - DescribeProcessingJob adds instances, schedule and failure reason; a finished job is
//!   described once, a running one at every refresh; a failed description keeps the job;
//! - an OAM account without a role says which config line to add and sends nothing;
//! - hostile names and reasons come out clean;
//! - the jobs' series: only the asked account's (OwningAccount), only `algo-N` hosts of the
//!   three metrics; GetMetricData asks for them as listed.

mod support;

use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataInput, GetMetricDataOutput};
use aws_sdk_cloudwatch::operation::list_metrics::{ListMetricsInput, ListMetricsOutput};
use aws_sdk_cloudwatch::types::{Dimension, Metric, RecentlyActive};
use aws_sdk_sagemaker::operation::describe_processing_job::{
    DescribeProcessingJobError, DescribeProcessingJobInput, DescribeProcessingJobOutput,
};
use aws_sdk_sagemaker::operation::list_processing_jobs::{
    ListProcessingJobsInput, ListProcessingJobsOutput,
};
use aws_sdk_sagemaker::types::{
    ProcessingClusterConfig, ProcessingInstanceType, ProcessingJobStatus, ProcessingJobSummary,
    ProcessingResources, SortBy, SortOrder,
};
use aws_smithy_mocks::{MockResponse, Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::jobs::{JobStatus, NS_PROCESSING_JOBS, job_series_key};
use sagewatch::source::model::{Identity, SeriesKey};
use sagewatch::source::{FleetSource, SeriesRequest, SourceError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";
const STAGING: &str = "222222222222";
/// The jobs are asked for from here on.
const SINCE: i64 = 1_795_600_000;

fn identity() -> Identity {
    support::mocks::identity(MONITORING)
}

/// Clients of one account on rules, each with the read-only guard: every call made here
/// must be a read.
fn clients(sagemaker: &[&Rule], cloudwatch: &[&Rule]) -> AccountClients {
    clients_running_since_before(sagemaker, cloudwatch, &older_running(Vec::new()))
}

/// Like `clients`, with `older` answering the listing of jobs InProgress created before the
/// window (matched first: the windowed pages' rules would match it too).
fn clients_running_since_before(
    sagemaker: &[&Rule],
    cloudwatch: &[&Rule],
    older: &Rule,
) -> AccountClients {
    let none: &[&Rule] = &[];
    let sagemaker: Vec<&Rule> = std::iter::once(older)
        .chain(sagemaker.iter().copied())
        .collect();
    let sagemaker = sagemaker.as_slice();
    AccountClients {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, cloudwatch, |c| c
            .interceptor(ReadOnlyGuard)),
        sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, sagemaker, |c| c
            .interceptor(ReadOnlyGuard)),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, none),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    }
}

/// The answer to "which jobs created before the window still run".
fn older_running(jobs: Vec<ProcessingJobSummary>) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_processing_jobs)
        .match_requests(|r| {
            r.status_equals() == Some(&ProcessingJobStatus::InProgress)
                && r.creation_time_after().is_none()
        })
        .then_output(move || {
            ListProcessingJobsOutput::builder()
                .set_processing_job_summaries(Some(jobs.clone()))
                .build()
        })
}

/// An OAM source: the monitoring account's clients, and the source accounts with a role.
fn oam_source(home: AccountClients, accounts: Vec<(&str, AccountClients)>) -> AwsSource {
    let configured = accounts
        .iter()
        .map(|(id, _)| support::mocks::role_account(id))
        .collect();
    AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        home,
        accounts
            .into_iter()
            .map(|(id, c)| (id.to_owned(), c))
            .collect(),
        configured,
        Health::default(),
    )
}

fn job(name: &str, created: i64, status: ProcessingJobStatus) -> ProcessingJobSummary {
    let ended = !matches!(
        status,
        ProcessingJobStatus::InProgress | ProcessingJobStatus::Stopping
    );
    let mut b = ProcessingJobSummary::builder()
        .processing_job_name(name)
        .processing_job_arn(format!(
            "arn:aws:sagemaker:eu-west-1:{PROD}:processing-job/{name}"
        ))
        .creation_time(DateTime::from_secs(created))
        .last_modified_time(DateTime::from_secs(created + 300))
        .processing_job_status(status);
    if ended {
        b = b.processing_end_time(DateTime::from_secs(created + 600));
    }
    b.build()
}

/// The summary with a failure reason, as ListProcessingJobs gives a failed job's.
fn with_reason(s: ProcessingJobSummary, reason: &str) -> ProcessingJobSummary {
    ProcessingJobSummary::builder()
        .set_processing_job_name(s.processing_job_name().map(str::to_owned))
        .set_processing_job_arn(s.processing_job_arn().map(str::to_owned))
        .set_creation_time(s.creation_time().cloned())
        .set_processing_end_time(s.processing_end_time().cloned())
        .set_last_modified_time(s.last_modified_time().cloned())
        .set_processing_job_status(s.processing_job_status().cloned())
        .failure_reason(reason)
        .build()
}

/// One ListProcessingJobs page: answers the request carrying `token`, names `next`.
fn page(
    token: Option<&'static str>,
    next: Option<&'static str>,
    jobs: Vec<ProcessingJobSummary>,
    seen: Arc<Mutex<Vec<ListProcessingJobsInput>>>,
) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_processing_jobs)
        .match_requests(move |r| {
            let hit = r.next_token() == token;
            if hit {
                seen.lock().unwrap().push(r.clone());
            }
            hit
        })
        .then_output(move || {
            ListProcessingJobsOutput::builder()
                .set_processing_job_summaries(Some(jobs.clone()))
                .set_next_token(next.map(str::to_owned))
                .build()
        })
}

/// DescribeProcessingJob of any job: `ml.m5.xlarge` x 2 run by the schedule `<name>-schedule`
/// for a name starting with `mq-`, nothing of the sort otherwise; denied for the names in
/// `denied`. Every name asked for is recorded.
fn describe(denied: &'static [&'static str], asked: Arc<Mutex<Vec<String>>>) -> Rule {
    mock!(aws_sdk_sagemaker::Client::describe_processing_job).then_compute_response(
        move |r: &DescribeProcessingJobInput| {
            let name = r.processing_job_name().unwrap_or_default().to_owned();
            asked.lock().unwrap().push(name.clone());
            if denied.contains(&name.as_str()) {
                return MockResponse::Error(DescribeProcessingJobError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDeniedException")
                        .message("not allowed")
                        .build(),
                ));
            }
            let mut out = DescribeProcessingJobOutput::builder().processing_job_name(&name);
            if name.starts_with("mq-") {
                out = out
                    .processing_resources(
                        ProcessingResources::builder()
                            .cluster_config(
                                ProcessingClusterConfig::builder()
                                    .instance_type(ProcessingInstanceType::MlM5Xlarge)
                                    .instance_count(2)
                                    .volume_size_in_gb(30)
                                    .build(),
                            )
                            .build(),
                    )
                    .monitoring_schedule_arn(format!(
                        "arn:aws:sagemaker:eu-west-1:{PROD}:monitoring-schedule/{name}-schedule"
                    ));
            }
            if name.starts_with("failed-") {
                out = out.failure_reason("ClientError: described reason");
            }
            MockResponse::Output(out.build())
        },
    )
}

fn asked_count(asked: &Mutex<Vec<String>>, name: &str) -> usize {
    asked.lock().unwrap().iter().filter(|n| *n == name).count()
}

#[tokio::test]
async fn pages_are_read_newest_first_until_the_limit_and_no_further() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let first = page(
        None,
        Some("p2"),
        vec![
            job("mq-6", SINCE + 600, ProcessingJobStatus::InProgress),
            job("mq-5", SINCE + 500, ProcessingJobStatus::Completed),
            job("mq-4", SINCE + 400, ProcessingJobStatus::Completed),
        ],
        seen.clone(),
    );
    let second = page(
        Some("p2"),
        Some("p3"),
        vec![
            job("mq-3", SINCE + 300, ProcessingJobStatus::Completed),
            job("mq-2", SINCE + 200, ProcessingJobStatus::Completed),
            job("mq-1", SINCE + 100, ProcessingJobStatus::Completed),
        ],
        seen.clone(),
    );
    let third = page(
        Some("p3"),
        None,
        vec![job("mq-0", SINCE + 50, ProcessingJobStatus::Completed)],
        seen.clone(),
    );
    let describe = describe(&[], asked.clone());
    let source = oam_source(
        clients(&[], &[]),
        vec![(PROD, clients(&[&first, &second, &third, &describe], &[]))],
    );

    let jobs = source
        .jobs()
        .expect("the AWS source has processing jobs")
        .processing_jobs(PROD, SINCE, 5)
        .await
        .unwrap();
    let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["mq-6", "mq-5", "mq-4", "mq-3", "mq-2"]);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|r| r.status_equals().is_none()),
        "the window's pages ask for every status"
    );
    assert_eq!(third.num_calls(), 0, "the limit was reached on page 2");
    assert_eq!(
        describe.num_calls(),
        5,
        "only the jobs returned are described"
    );

    let seen = seen.lock().unwrap();
    let request = &seen[0];
    assert_eq!(
        request.creation_time_after(),
        Some(&DateTime::from_secs(SINCE))
    );
    assert_eq!(request.sort_by(), Some(&SortBy::CreationTime));
    assert_eq!(request.sort_order(), Some(&SortOrder::Descending));
    assert_eq!(request.max_results(), Some(100));
    assert_eq!(
        seen[1].creation_time_after(),
        Some(&DateTime::from_secs(SINCE))
    );
}

#[tokio::test]
async fn a_job_still_running_from_before_the_window_is_listed_whatever_the_limit() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let window = page(
        None,
        None,
        vec![
            job("mq-new", SINCE + 600, ProcessingJobStatus::Completed),
            job("mq-newer", SINCE + 700, ProcessingJobStatus::Completed),
        ],
        seen.clone(),
    );
    // A pipeline step stuck for a day and a half; the listing also names a job already
    // listed and one that is not running (neither is added twice or wrongly).
    let older = older_running(vec![
        job(
            "stuck-step",
            SINCE - 36 * 3600,
            ProcessingJobStatus::InProgress,
        ),
        job("mq-new", SINCE + 600, ProcessingJobStatus::InProgress),
        job("done", SINCE - 3600, ProcessingJobStatus::Completed),
    ]);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let describe = describe(&[], asked);
    let source = oam_source(
        clients(&[], &[]),
        vec![(
            PROD,
            clients_running_since_before(&[&window, &describe], &[], &older),
        )],
    );
    let jobs = source
        .jobs()
        .unwrap()
        .processing_jobs(PROD, SINCE, 2)
        .await
        .unwrap();
    let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    // The limit cuts the newer jobs, never the one still running.
    assert_eq!(names, ["mq-newer", "stuck-step"]);
    assert_eq!(jobs[1].status, JobStatus::InProgress);
    assert_eq!(older.num_calls(), 1);
}

#[tokio::test]
async fn a_job_carries_its_instances_schedule_and_failure_reason() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let failed = with_reason(
        job("failed-step", SINCE + 200, ProcessingJobStatus::Failed),
        "AlgorithmError: exit code 1",
    );
    let listing = page(
        None,
        None,
        vec![
            job("mq-1", SINCE + 300, ProcessingJobStatus::Completed),
            failed,
            job("failed-quiet", SINCE + 100, ProcessingJobStatus::Failed),
        ],
        seen,
    );
    let describe = describe(&[], asked);
    let source = oam_source(
        clients(&[], &[]),
        vec![(PROD, clients(&[&listing, &describe], &[]))],
    );
    let jobs = source
        .jobs()
        .unwrap()
        .processing_jobs(PROD, SINCE, 50)
        .await
        .unwrap();

    let mq = &jobs[0];
    assert_eq!(mq.account_id, PROD);
    assert_eq!(mq.status, JobStatus::Completed);
    assert_eq!((mq.created, mq.ended), (SINCE + 300, Some(SINCE + 900)));
    assert_eq!(mq.instance_type.as_deref(), Some("ml.m5.xlarge"));
    assert_eq!(mq.instance_count, Some(2));
    assert_eq!(mq.schedule.as_deref(), Some("mq-1-schedule"));
    assert_eq!(mq.failure_reason, None);

    // ListProcessingJobs' reason is the job's; the description's stands in when it has none.
    let step = &jobs[1];
    assert_eq!(step.status, JobStatus::Failed);
    assert_eq!(
        step.failure_reason.as_deref(),
        Some("AlgorithmError: exit code 1")
    );
    assert_eq!(
        (step.instance_type.as_deref(), step.schedule.as_deref()),
        (None, None)
    );
    assert_eq!(
        jobs[2].failure_reason.as_deref(),
        Some("ClientError: described reason")
    );
}

#[tokio::test]
async fn a_finished_job_is_described_once_and_a_running_one_at_every_refresh() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let listing = page(
        None,
        None,
        vec![
            job("mq-running", SINCE + 300, ProcessingJobStatus::InProgress),
            job("mq-stopping", SINCE + 250, ProcessingJobStatus::Stopping),
            job("mq-done", SINCE + 200, ProcessingJobStatus::Completed),
            job("mq-failed", SINCE + 150, ProcessingJobStatus::Failed),
            job("mq-stopped", SINCE + 100, ProcessingJobStatus::Stopped),
        ],
        seen,
    );
    let describe = describe(&[], asked.clone());
    let source = oam_source(
        clients(&[], &[]),
        vec![(PROD, clients(&[&listing, &describe], &[]))],
    );
    let jobs = source.jobs().unwrap();
    let first = jobs.processing_jobs(PROD, SINCE, 50).await.unwrap();
    let second = jobs.processing_jobs(PROD, SINCE, 50).await.unwrap();
    assert_eq!(
        first, second,
        "the cached descriptions say what the first ones did"
    );
    assert!(second.iter().all(|j| j.schedule.is_some()));
    assert_eq!(
        listing.num_calls(),
        2,
        "the listing itself is read every time"
    );
    for finished in ["mq-done", "mq-failed", "mq-stopped"] {
        assert_eq!(asked_count(&asked, finished), 1, "{finished}");
    }
    for running in ["mq-running", "mq-stopping"] {
        assert_eq!(asked_count(&asked, running), 2, "{running}");
    }
}

#[tokio::test]
async fn a_failed_description_keeps_the_job_and_is_asked_again() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let listing = page(
        None,
        None,
        vec![
            job("mq-denied", SINCE + 200, ProcessingJobStatus::Completed),
            job("mq-fine", SINCE + 100, ProcessingJobStatus::Completed),
        ],
        seen,
    );
    let describe = describe(&["mq-denied"], asked.clone());
    let source = oam_source(
        clients(&[], &[]),
        vec![(PROD, clients(&[&listing, &describe], &[]))],
    );
    let jobs = source
        .jobs()
        .unwrap()
        .processing_jobs(PROD, SINCE, 50)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 2, "the job is listed all the same");
    assert_eq!(jobs[0].name, "mq-denied");
    assert_eq!(jobs[0].status, JobStatus::Completed);
    assert_eq!(
        (
            jobs[0].instance_type.as_deref(),
            jobs[0].schedule.as_deref()
        ),
        (None, None)
    );
    assert_eq!(jobs[1].instance_type.as_deref(), Some("ml.m5.xlarge"));
    // The job's pane says it could not be described; the status bar is left to the calls
    // that run whatever is on screen.
    assert!(
        source.health().problems.is_empty(),
        "{:?}",
        source.health().problems
    );

    // Not cached: asked again at the next refresh (and, succeeding, the problem clears).
    source
        .jobs()
        .unwrap()
        .processing_jobs(PROD, SINCE, 50)
        .await
        .unwrap();
    assert_eq!(asked_count(&asked, "mq-denied"), 2);
    assert_eq!(asked_count(&asked, "mq-fine"), 1);
}

#[tokio::test]
async fn an_oam_account_without_a_role_says_which_config_line_to_add_and_sends_nothing() {
    let any_listing = mock!(aws_sdk_sagemaker::Client::list_processing_jobs)
        .then_output(|| ListProcessingJobsOutput::builder().build());
    let any_metrics = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .then_output(|| ListMetricsOutput::builder().build());
    // The monitoring account's clients would answer anything: they must not be asked.
    let source = oam_source(clients(&[&any_listing], &[&any_metrics]), vec![]);
    let err = source
        .jobs()
        .unwrap()
        .processing_jobs(STAGING, SINCE, 50)
        .await
        .unwrap_err();
    let SourceError::Other { call, detail } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(call, &format!("ListProcessingJobs {STAGING}"));
    assert!(detail.contains("role_arn"), "{detail}");
    assert!(detail.contains(STAGING), "{detail}");
    assert!(detail.contains("[[accounts]]"), "{detail}");
    assert_eq!(any_listing.num_calls(), 0);
    assert_eq!(any_metrics.num_calls(), 0);
}

#[tokio::test]
async fn hostile_names_and_reasons_come_out_clean() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    const EVIL: &str = "mq-\u{1b}]0;pwned\u{7}";
    let listing = page(
        None,
        None,
        vec![
            with_reason(
                job(EVIL, SINCE + 100, ProcessingJobStatus::Completed),
                "bad\u{1b}[2J\r\nreason\u{202e}",
            ),
            job("odd", SINCE + 50, ProcessingJobStatus::from("Paused\u{9b}")),
        ],
        seen,
    );
    let describe = mock!(aws_sdk_sagemaker::Client::describe_processing_job).then_output(|| {
        DescribeProcessingJobOutput::builder()
            .processing_resources(
                ProcessingResources::builder()
                    .cluster_config(
                        ProcessingClusterConfig::builder()
                            .instance_type(ProcessingInstanceType::from("ml.\u{1b}[31mred"))
                            .instance_count(1)
                            .volume_size_in_gb(30)
                            .build(),
                    )
                    .build(),
            )
            .monitoring_schedule_arn(format!(
                "arn:aws:sagemaker:eu-west-1:{PROD}:monitoring-schedule/s\u{7}\u{1b}c"
            ))
            .build()
    });
    let source = oam_source(
        clients(&[], &[]),
        vec![(PROD, clients(&[&listing, &describe], &[]))],
    );
    let jobs = source
        .jobs()
        .unwrap()
        .processing_jobs(PROD, SINCE, 50)
        .await
        .unwrap();
    let clean = |s: &str| !s.chars().any(sagewatch::sanitize::needs_replacing);
    assert_eq!(jobs.len(), 2);
    for j in &jobs {
        for s in [
            Some(j.name.as_str()),
            Some(j.status.as_str()),
            j.failure_reason.as_deref(),
            j.instance_type.as_deref(),
            j.schedule.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            assert!(clean(s), "{s:?}");
        }
    }
    assert_eq!(jobs[0].name, "mq-\u{fffd}]0;pwned\u{fffd}");
    assert_eq!(
        jobs[0].failure_reason.as_deref(),
        Some("bad\u{fffd}[2J  reason\u{fffd}")
    );
    assert_eq!(jobs[0].instance_type.as_deref(), Some("ml.\u{fffd}[31mred"));
    assert_eq!(jobs[0].schedule.as_deref(), Some("s\u{fffd}\u{fffd}c"));
    assert_eq!(jobs[1].status.as_str(), "Paused\u{fffd}");
}

fn host_metric(metric: &str, dims: &[(&str, &str)]) -> Metric {
    Metric::builder()
        .namespace(NS_PROCESSING_JOBS)
        .metric_name(metric)
        .set_dimensions(Some(
            dims.iter()
                .map(|(k, v)| Dimension::builder().name(*k).value(*v).build())
                .collect(),
        ))
        .build()
}

/// A ListMetrics answer spanning the fleet, as a monitoring account gets it: the asked
/// account's series, another account's, and metrics that are not a job's drawn series.
fn fleet_listing(seen: Arc<Mutex<Vec<ListMetricsInput>>>) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .match_requests(move |r| {
            seen.lock().unwrap().push(r.clone());
            true
        })
        .then_output(|| {
            let mut out = ListMetricsOutput::builder();
            let rows: Vec<(Metric, &str)> = vec![
                (
                    host_metric("CPUUtilization", &[("Host", "mq-1/algo-1")]),
                    PROD,
                ),
                (
                    host_metric("MemoryUtilization", &[("Host", "mq-1/algo-1")]),
                    PROD,
                ),
                (
                    host_metric("DiskUtilization", &[("Host", "mq-1/algo-1")]),
                    PROD,
                ),
                (
                    host_metric("CPUUtilization", &[("Host", "mq-1/algo-2")]),
                    PROD,
                ),
                // Not drawn: another metric, a host of another form, more dimensions.
                (
                    host_metric("GPUUtilization", &[("Host", "mq-1/algo-1")]),
                    PROD,
                ),
                (
                    host_metric("CPUUtilization", &[("Host", "mq-1-host")]),
                    PROD,
                ),
                (
                    host_metric(
                        "CPUUtilization",
                        &[("Host", "mq-1/algo-1"), ("Container", "c")],
                    ),
                    PROD,
                ),
                // Another account's job.
                (
                    host_metric("CPUUtilization", &[("Host", "st-1/algo-1")]),
                    STAGING,
                ),
            ];
            for (m, owner) in rows {
                out = out.metrics(m).owning_accounts(owner);
            }
            out.build()
        })
}

fn keys_of(account: &str, rows: &[(&str, &str)]) -> Vec<SeriesKey> {
    let mut keys: Vec<SeriesKey> = rows
        .iter()
        .map(|(metric, host)| job_series_key(account, metric, host))
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn under_oam_job_series_are_the_asked_accounts_algo_hosts_of_the_three_metrics() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let listing = fleet_listing(seen.clone());
    // PROD has a role: its series are still read through the monitoring account.
    let source = oam_source(clients(&[], &[&listing]), vec![(PROD, clients(&[], &[]))]);
    let keys = source.jobs().unwrap().job_metrics(PROD).await.unwrap();
    assert_eq!(
        keys,
        keys_of(
            PROD,
            &[
                ("CPUUtilization", "mq-1/algo-1"),
                ("MemoryUtilization", "mq-1/algo-1"),
                ("DiskUtilization", "mq-1/algo-1"),
                ("CPUUtilization", "mq-1/algo-2"),
            ]
        )
    );
    assert!(keys.iter().all(|k| k.period == 60));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one listing for the namespace");
    let r = &seen[0];
    assert_eq!(r.namespace(), Some(NS_PROCESSING_JOBS));
    assert_eq!(r.metric_name(), None);
    assert_eq!(r.recently_active(), Some(&RecentlyActive::Pt3H));
    assert_eq!(r.include_linked_accounts(), Some(true));
    assert_eq!(r.owning_account(), Some(PROD), "asked by owner");
    assert_eq!(r.dimensions().len(), 1);
    assert_eq!(r.dimensions()[0].name(), Some("Host"));
}

#[tokio::test]
async fn the_monitoring_accounts_own_job_series_are_listed_without_the_linked_ones() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let listing = fleet_listing(seen.clone());
    let source = oam_source(clients(&[], &[&listing]), vec![]);
    // Every row of the answer is another account's: none is the monitoring account's.
    let keys = source
        .jobs()
        .unwrap()
        .job_metrics(MONITORING)
        .await
        .unwrap();
    assert_eq!(keys, []);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].include_linked_accounts(), None);
    assert_eq!(seen[0].owning_account(), None);
}

#[tokio::test]
async fn fan_out_job_series_are_listed_with_the_accounts_own_credentials() {
    let home_seen = Arc::new(Mutex::new(Vec::new()));
    let prod_seen = Arc::new(Mutex::new(Vec::new()));
    let home_listing = fleet_listing(home_seen.clone());
    let prod_listing = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .match_requests(move |r| {
            prod_seen.lock().unwrap().push(r.clone());
            true
        })
        .then_output(|| {
            // Without OAM, no OwningAccounts: everything is the account's own.
            ListMetricsOutput::builder()
                .metrics(host_metric("DiskUtilization", &[("Host", "p-9/algo-3")]))
                .build()
        });
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        clients(&[], &[&home_listing]),
        HashMap::from([(PROD.to_owned(), clients(&[], &[&prod_listing]))]),
        vec![support::mocks::role_account(PROD)],
        Health::default(),
    );
    let keys = source.jobs().unwrap().job_metrics(PROD).await.unwrap();
    assert_eq!(keys, keys_of(PROD, &[("DiskUtilization", "p-9/algo-3")]));
    assert_eq!(home_listing.num_calls(), 0);
    assert_eq!(prod_listing.num_calls(), 1);
    let err = source
        .jobs()
        .unwrap()
        .job_metrics(STAGING)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no credentials"), "{err}");
}

#[tokio::test]
async fn job_series_are_fetched_as_listed_with_their_account_under_oam() {
    let seen: Arc<Mutex<Vec<GetMetricDataInput>>> = Arc::new(Mutex::new(Vec::new()));
    let recorded = seen.clone();
    let data = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(move |r| {
            recorded.lock().unwrap().push(r.clone());
            true
        })
        .then_output(|| GetMetricDataOutput::builder().build());
    let source = oam_source(clients(&[], &[&data]), vec![]);
    let key = job_series_key(PROD, "CPUUtilization", "mq-1/algo-1");
    let series = source
        .series(&SeriesRequest {
            keys: vec![key.clone()].into(),
            start: SINCE,
            end: SINCE + 3600,
        })
        .await
        .unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].key, key);
    let seen = seen.lock().unwrap();
    let q = &seen[0].metric_data_queries()[0];
    assert_eq!(q.account_id(), Some(PROD));
    let stat = q.metric_stat().unwrap();
    assert_eq!(stat.period(), Some(60));
    assert_eq!(stat.stat(), Some("Average"));
    let metric = stat.metric().unwrap();
    assert_eq!(metric.namespace(), Some("/aws/sagemaker/ProcessingJobs"));
    assert_eq!(metric.metric_name(), Some("CPUUtilization"));
    let dims: Vec<(Option<&str>, Option<&str>)> = metric
        .dimensions()
        .iter()
        .map(|d| (d.name(), d.value()))
        .collect();
    assert_eq!(dims, [(Some("Host"), Some("mq-1/algo-1"))]);
}
