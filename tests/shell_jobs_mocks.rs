//! `sagewatch jobs` against the AWS source on aws-smithy-mocks: moto ends every job the
//! moment it is created, so the peaks of a job that ran are tested here. The jobs come from
//! ListProcessingJobs and DescribeProcessingJob, their series from ListMetrics, and the
//! peaks from GetMetricData answers, through the same calls and `update` as the jobs view;
//! a ListMetrics that fails leaves the jobs listed with no peak and is exit code 1.

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::operation::list_metrics::{ListMetricsError, ListMetricsOutput};
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataResult, StatusCode};
use aws_sdk_sagemaker::operation::describe_processing_job::DescribeProcessingJobOutput;
use aws_sdk_sagemaker::operation::list_endpoints::ListEndpointsOutput;
use aws_sdk_sagemaker::operation::list_processing_jobs::ListProcessingJobsOutput;
use aws_sdk_sagemaker::types::{
    ProcessingClusterConfig, ProcessingInstanceType, ProcessingJobStatus, ProcessingJobSummary,
    ProcessingResources,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use sagewatch::app::state::State;
use sagewatch::config::theme::Theme;
use sagewatch::shell::jobs::{Ask, collect, to_json};
use sagewatch::source::SourceKind;
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::jobs::NS_PROCESSING_JOBS;
use std::collections::HashMap;
use std::sync::Arc;

mod support;

const MONITORING: &str = "100000000000";
const NOW: i64 = 1_795_687_200;
/// Started 40 minutes ago, still running on two hosts.
const RUNNING: &str = "pipelines-abc-PrepareTrainingData";
/// Failed an hour ago after ten minutes.
const FAILED: &str = "model-monitoring-202611260900-fraud";

fn summary(name: &str, created: i64, status: ProcessingJobStatus) -> ProcessingJobSummary {
    let ended = status != ProcessingJobStatus::InProgress;
    let mut b = ProcessingJobSummary::builder()
        .processing_job_name(name)
        .processing_job_arn(format!(
            "arn:aws:sagemaker:eu-west-1:{MONITORING}:processing-job/{name}"
        ))
        .creation_time(DateTime::from_secs(created))
        .processing_job_status(status);
    if ended {
        b = b
            .processing_end_time(DateTime::from_secs(created + 600))
            .failure_reason("AlgorithmError: baseline constraints file not found");
    }
    b.build()
}

fn sagemaker_rules() -> Vec<Rule> {
    let jobs = mock!(aws_sdk_sagemaker::Client::list_processing_jobs).then_compute_output(|r| {
        // The jobs created in the window; none still running from before it.
        let summaries = if r.creation_time_after().is_some() {
            vec![
                summary(RUNNING, NOW - 40 * 60, ProcessingJobStatus::InProgress),
                summary(FAILED, NOW - 3600, ProcessingJobStatus::Failed),
            ]
        } else {
            Vec::new()
        };
        ListProcessingJobsOutput::builder()
            .set_processing_job_summaries(Some(summaries))
            .build()
    });
    let describe =
        mock!(aws_sdk_sagemaker::Client::describe_processing_job).then_compute_output(|r| {
            let two = r.processing_job_name() == Some(RUNNING);
            DescribeProcessingJobOutput::builder()
                .processing_resources(
                    ProcessingResources::builder()
                        .cluster_config(
                            ProcessingClusterConfig::builder()
                                .instance_count(if two { 2 } else { 1 })
                                .instance_type(ProcessingInstanceType::MlM54Xlarge)
                                .volume_size_in_gb(50)
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let endpoints = mock!(aws_sdk_sagemaker::Client::list_endpoints)
        .then_output(|| ListEndpointsOutput::builder().build());
    vec![jobs, describe, endpoints]
}

fn host_metric(metric: &str, host: &str) -> Metric {
    Metric::builder()
        .namespace(NS_PROCESSING_JOBS)
        .metric_name(metric)
        .dimensions(Dimension::builder().name("Host").value(host).build())
        .build()
}

/// ListMetrics: the running job's three series on its first host (the failed one published
/// none), nothing in the endpoints' namespaces.
fn listing() -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_metrics).then_compute_output(|r| {
        let mut out = ListMetricsOutput::builder();
        if r.namespace() == Some(NS_PROCESSING_JOBS) {
            for m in ["CPUUtilization", "MemoryUtilization", "DiskUtilization"] {
                out = out.metrics(host_metric(m, &format!("{RUNNING}/algo-1")));
            }
        }
        out.build()
    })
}

/// GetMetricData: each asked series' minutes of the job's run; CPU peaks at 187.5 (summed
/// over cores), memory at 71.25, disk at 12.5.
fn data() -> Rule {
    mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(|r| {
        let mut out = GetMetricDataOutput::builder();
        for q in r.metric_data_queries() {
            let metric = q
                .metric_stat()
                .and_then(|s| s.metric())
                .and_then(|m| m.metric_name())
                .unwrap_or_default();
            let values: [f64; 3] = match metric {
                "CPUUtilization" => [120.0, 187.5, 90.0],
                "MemoryUtilization" => [60.0, 71.25, 70.0],
                _ => [10.0, 11.0, 12.5],
            };
            let minute = (NOW - 30 * 60).div_euclid(60) * 60;
            let mut result = MetricDataResult::builder()
                .id(q.id().unwrap_or_default())
                .status_code(StatusCode::Complete);
            for (i, v) in values.iter().enumerate() {
                result = result
                    .timestamps(DateTime::from_secs(minute + 60 * i as i64))
                    .values(*v);
            }
            out = out.metric_data_results(result.build());
        }
        out.build()
    })
}

fn source(sagemaker: &[Rule], cloudwatch: &[Rule]) -> AwsSource {
    let sagemaker: Vec<&Rule> = sagemaker.iter().collect();
    let cloudwatch: Vec<&Rule> = cloudwatch.iter().collect();
    let none: &[&Rule] = &[];
    let home = AccountClients {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, &cloudwatch, |c| c
            .interceptor(ReadOnlyGuard)),
        sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, &sagemaker, |c| c
            .interceptor(ReadOnlyGuard)),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, none),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    };
    AwsSource::from_clients(
        support::mocks::identity(MONITORING),
        Topology::Fanout,
        home,
        HashMap::new(),
        Vec::new(),
        Health::default(),
    )
}

fn console() -> State {
    State::new(
        SourceKind::Aws,
        NOW,
        Theme::default(),
        Arc::new(sagewatch::config::keymap::Keymap::default()),
    )
}

fn all() -> Ask<'static> {
    Ask {
        account: None,
        since: None,
    }
}

#[tokio::test]
async fn a_running_job_s_peaks_come_from_its_series_and_a_failed_one_says_why() {
    let sm = sagemaker_rules();
    let cw = vec![listing(), data()];
    let src = source(&sm, &cw);
    let (state, since, errors) = collect(&src, console(), &all())
        .await
        .expect("the jobs are read");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(since, NOW - 86_400);
    let json = to_json(&state, since);
    let jobs = json["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "{json}");
    // Newest first: the running one.
    let running = &jobs[0];
    assert_eq!(running["name"], RUNNING);
    assert_eq!(running["status"], "InProgress");
    assert!(running["ended"].is_null());
    assert_eq!(running["took_seconds"], 40 * 60);
    assert_eq!(running["instance_type"], "ml.m5.4xlarge");
    assert_eq!(running["instance_count"], 2);
    assert_eq!(running["peak"]["CPUUtilization"], 187.5);
    assert_eq!(running["peak"]["MemoryUtilization"], 71.25);
    assert_eq!(running["peak"]["DiskUtilization"], 12.5);
    let failed = &jobs[1];
    assert_eq!(failed["status"], "Failed");
    assert_eq!(
        failed["failure_reason"],
        "AlgorithmError: baseline constraints file not found"
    );
    assert_eq!(failed["took_seconds"], 600);
    assert!(failed["peak"]["CPUUtilization"].is_null(), "no series");
    // One GetMetricData for the running job's three series.
    assert_eq!(cw[1].num_calls(), 1);

    let text = sagewatch::shell::jobs::to_text(&state, since);
    let line = text.lines().find(|l| l.contains(RUNNING)).unwrap();
    assert!(line.contains("ml.m5.4xlarge×2"), "{line}");
    assert!(line.contains("188") || line.contains("187.5"), "{line}");
}

#[tokio::test]
async fn a_failed_list_metrics_keeps_the_jobs_and_is_exit_1() {
    let sm = sagemaker_rules();
    let denied = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .match_requests(|r| r.namespace() == Some(NS_PROCESSING_JOBS))
        .then_error(|| {
            ListMetricsError::generic(
                ErrorMetadata::builder()
                    .code("AccessDenied")
                    .message("not authorized to perform: cloudwatch:ListMetrics")
                    .build(),
            )
        });
    let cw = vec![denied, listing()];
    let src = source(&sm, &cw);
    let (state, since, _) = collect(&src, console(), &all()).await.unwrap();
    let json = to_json(&state, since);
    assert_eq!(json["jobs"].as_array().unwrap().len(), 2, "{json}");
    let why = json["accounts"][0]["unreadable"].as_str().unwrap();
    assert!(why.starts_with("CPU, memory, disk not read: "), "{why}");
    assert_eq!(json["accounts"][0]["jobs"], 2);

    let exit = sagewatch::shell::run_jobs(&src, console(), all(), true).await;
    assert_eq!(exit.code, 1);
    let msg = exit.message.unwrap();
    assert!(
        msg.contains("processing jobs could not be read in 1 account(s)"),
        "{msg}"
    );
}
