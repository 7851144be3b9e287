//! `sagewatch monitor run --wait` against the AWS source on aws-smithy-mocks (no emulator
//! serves Model Monitor): the schedule's job definition is copied into a NOW schedule, the
//! run is followed through ListMonitoringExecutions until it ends, and the exit code says
//! how (0 Completed, 1 Failed with its reason), and then its one-time schedule is deleted.
//! Also: pause of a schedule the account does not have is refused before anything is sent;
//! `monitor cleanup` deletes what earlier runs now left, and leaves running ones.

use aws_sdk_cloudwatch::operation::list_metrics::ListMetricsOutput;
use aws_sdk_cloudwatch::types::{Dimension, Metric};
use aws_sdk_sagemaker::operation::create_monitoring_schedule::CreateMonitoringScheduleOutput;
use aws_sdk_sagemaker::operation::describe_monitoring_schedule::DescribeMonitoringScheduleOutput;
use aws_sdk_sagemaker::operation::list_endpoints::ListEndpointsOutput;
use aws_sdk_sagemaker::operation::list_monitoring_executions::ListMonitoringExecutionsOutput;
use aws_sdk_sagemaker::operation::list_monitoring_schedules::ListMonitoringSchedulesOutput;
use aws_sdk_sagemaker::types::{
    EndpointStatus, EndpointSummary, ExecutionStatus, MonitoringExecutionSummary,
    MonitoringScheduleConfig, MonitoringScheduleSummary, MonitoringType, ScheduleConfig,
    ScheduleStatus,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use clap::Parser;
use sagewatch::cli::{Cli, Commands};
use sagewatch::config::AccountConfig;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::Identity;
use sagewatch::writes::Gate;
use sagewatch::writes::audit::AuditLog;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";

fn identity() -> Identity {
    Identity {
        account_id: MONITORING.into(),
        arn: format!("arn:aws:iam::{MONITORING}:role/OnCall"),
        region: "eu-west-1".into(),
    }
}

/// Prod lists endpoint `fraud` (its CPU metric and SageMaker's endpoint list).
fn listing() -> (Rule, Rule) {
    let metrics = mock!(aws_sdk_cloudwatch::Client::list_metrics).then_compute_output(|input| {
        let mut out = ListMetricsOutput::builder();
        if input.namespace() == Some("/aws/sagemaker/Endpoints") {
            out = out.metrics(
                Metric::builder()
                    .namespace("/aws/sagemaker/Endpoints")
                    .metric_name("CPUUtilization")
                    .dimensions(
                        Dimension::builder()
                            .name("EndpointName")
                            .value("fraud")
                            .build(),
                    )
                    .dimensions(
                        Dimension::builder()
                            .name("VariantName")
                            .value("AllTraffic")
                            .build(),
                    )
                    .build(),
            );
        }
        out.build()
    });
    let endpoints = mock!(aws_sdk_sagemaker::Client::list_endpoints).then_output(|| {
        ListEndpointsOutput::builder()
            .endpoints(
                EndpointSummary::builder()
                    .endpoint_name("fraud")
                    .endpoint_arn("arn:aws:sagemaker:eu-west-1:111111111111:endpoint/fraud")
                    .creation_time(DateTime::from_secs(0))
                    .last_modified_time(DateTime::from_secs(0))
                    .endpoint_status(EndpointStatus::InService)
                    .build(),
            )
            .build()
    });
    (metrics, endpoints)
}

/// One hourly model-quality schedule, `fraud-mq`, with a job definition.
fn schedule() -> (Rule, Rule) {
    let list = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules)
        .match_requests(|r| r.endpoint_name() == Some("fraud"))
        .then_output(|| {
            ListMonitoringSchedulesOutput::builder()
                .monitoring_schedule_summaries(
                    MonitoringScheduleSummary::builder()
                        .monitoring_schedule_name("fraud-mq")
                        .endpoint_name("fraud")
                        .creation_time(DateTime::from_secs(0))
                        .last_modified_time(DateTime::from_secs(0))
                        .monitoring_schedule_status(ScheduleStatus::Scheduled)
                        .build(),
                )
                .build()
        });
    let describe =
        mock!(aws_sdk_sagemaker::Client::describe_monitoring_schedule).then_output(|| {
            DescribeMonitoringScheduleOutput::builder()
                .monitoring_schedule_name("fraud-mq")
                .monitoring_type(MonitoringType::ModelQuality)
                .monitoring_schedule_status(ScheduleStatus::Scheduled)
                .monitoring_schedule_config(
                    MonitoringScheduleConfig::builder()
                        .schedule_config(
                            ScheduleConfig::builder()
                                .schedule_expression("cron(0 * ? * * *)")
                                .build(),
                        )
                        .monitoring_job_definition_name("fraud-mq-job")
                        .monitoring_type(MonitoringType::ModelQuality)
                        .build(),
                )
                .build()
        });
    (list, describe)
}

/// The one-time schedule's runs: InProgress for the first `polls_before_end` asks, then
/// `end` (with a reason when Failed).
fn runs(polls_before_end: usize, end: ExecutionStatus) -> (Rule, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let rule = mock!(aws_sdk_sagemaker::Client::list_monitoring_executions)
        .match_requests(|r| {
            r.monitoring_schedule_name()
                .is_some_and(|n| n.starts_with("fraud-mq-now-"))
        })
        .then_compute_output(move |input| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let status = if n < polls_before_end {
                ExecutionStatus::InProgress
            } else {
                end.clone()
            };
            let mut run = MonitoringExecutionSummary::builder()
                .monitoring_schedule_name(input.monitoring_schedule_name().unwrap_or_default())
                .scheduled_time(DateTime::from_secs(1_795_687_200))
                .creation_time(DateTime::from_secs(1_795_687_200))
                .last_modified_time(DateTime::from_secs(1_795_687_260))
                .monitoring_execution_status(status.clone());
            if status == ExecutionStatus::Failed {
                run = run.failure_reason("ClientError: no ground truth for the window");
            }
            ListMonitoringExecutionsOutput::builder()
                .monitoring_execution_summaries(run.build())
                .build()
        });
    (rule, asked)
}

struct Setup {
    source: AwsSource,
    gate: Gate,
    log: std::path::PathBuf,
}

fn setup(tag: &str, sagemaker: &[&Rule], cloudwatch: &[&Rule]) -> Setup {
    let prod = AccountClients {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, cloudwatch),
        sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, sagemaker),
        s3: mock_client!(aws_sdk_s3, []),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    };
    // The monitoring account itself has no endpoints.
    let no_metrics = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .then_output(|| ListMetricsOutput::builder().build());
    let no_endpoints = mock!(aws_sdk_sagemaker::Client::list_endpoints)
        .then_output(|| ListEndpointsOutput::builder().build());
    let no_schedules = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules)
        .then_compute_output(|_| ListMonitoringSchedulesOutput::builder().build());
    let home = AccountClients {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&no_metrics]),
        sagemaker: mock_client!(
            aws_sdk_sagemaker,
            RuleMode::MatchAny,
            [&no_endpoints, &no_schedules]
        ),
        s3: mock_client!(aws_sdk_s3, []),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    };
    let mut accounts = HashMap::new();
    accounts.insert(PROD.to_owned(), prod);
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        home,
        accounts,
        vec![AccountConfig {
            id: PROD.into(),
            label: Some("prod".into()),
            role_arn: Some(format!("arn:aws:iam::{PROD}:role/Operator")),
            profile: None,
            exclude: false,
        }],
        Health::default(),
    );
    let dir = std::env::temp_dir().join(format!("sagewatch-shellmon-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log = dir.join("audit.jsonl");
    let gate = Gate::new(false, Some(AuditLog::new(log.clone())), identity());
    Setup { source, gate, log }
}

async fn shell(s: &Setup, args: &[&str]) -> sagewatch::shell::Exit {
    let cli = Cli::try_parse_from([&["sagewatch"][..], args].concat()).expect("parses");
    let Some(Commands::Monitor(command)) = cli.command else {
        panic!("not a monitor command");
    };
    sagewatch::shell::run_monitor(&s.source, &s.gate, command).await
}

const RUN: [&str; 8] = [
    "monitor",
    "run",
    "--account",
    "prod",
    "--endpoint",
    "fraud",
    "--wait",
    "--yes",
];

#[tokio::test]
async fn run_wait_copies_the_schedule_follows_the_run_and_exits_0_when_completed() {
    let (metrics, endpoints) = listing();
    let (list, describe) = schedule();
    let create = mock!(aws_sdk_sagemaker::Client::create_monitoring_schedule)
        .match_requests(|r| {
            let c = r.monitoring_schedule_config();
            r.monitoring_schedule_name()
                .is_some_and(|n| n.starts_with("fraud-mq-now-") && n.len() <= 63)
                && c.and_then(|c| c.monitoring_job_definition_name()) == Some("fraud-mq-job")
                && c.and_then(|c| c.monitoring_type()) == Some(&MonitoringType::ModelQuality)
                && c.and_then(|c| c.schedule_config()).is_some_and(|s| {
                    s.schedule_expression() == Some("NOW")
                        && s.data_analysis_start_time() == Some("-PT2H")
                        && s.data_analysis_end_time() == Some("-PT0H")
                })
        })
        .then_output(|| CreateMonitoringScheduleOutput::builder().build());
    let (runs, asked) = runs(1, ExecutionStatus::Completed);
    let (delete, deleted) = delete_rule();
    let s = setup(
        "completed",
        &[&endpoints, &list, &describe, &create, &runs, &delete],
        &[&metrics],
    );
    let exit = shell(&s, &[&RUN[..], &["--window", "2h"]].concat()).await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!(create.num_calls(), 1, "the NOW schedule, as checked above");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        2,
        "InProgress, then Completed"
    );
    let log = std::fs::read_to_string(&s.log).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "intent and outcome of each:\n{log}");
    // Once the run has ended, exactly the schedule it made is deleted, audited.
    let made = lines[0]["parameters"]["MonitoringScheduleName"]
        .as_str()
        .unwrap();
    assert_eq!(delete.num_calls(), 1);
    assert_eq!(deleted.lock().unwrap().as_slice(), [made]);
    assert_eq!(lines[2]["operation"], "DeleteMonitoringSchedule");
    assert_eq!(lines[2]["phase"], "intent");
    assert_eq!(lines[3]["result"], "ok");
}

/// DeleteMonitoringSchedule, answered; the names asked for.
fn delete_rule() -> (Rule, Arc<std::sync::Mutex<Vec<String>>>) {
    use aws_sdk_sagemaker::operation::delete_monitoring_schedule::DeleteMonitoringScheduleOutput;
    let names = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&names);
    let rule = mock!(aws_sdk_sagemaker::Client::delete_monitoring_schedule).then_compute_output(
        move |r| {
            let name = r.monitoring_schedule_name().unwrap_or_default().to_owned();
            seen.lock().unwrap().push(name);
            DeleteMonitoringScheduleOutput::builder().build()
        },
    );
    (rule, names)
}

#[tokio::test]
async fn a_failed_run_exits_1_with_its_reason() {
    let (metrics, endpoints) = listing();
    let (list, describe) = schedule();
    let create = mock!(aws_sdk_sagemaker::Client::create_monitoring_schedule)
        .then_output(|| CreateMonitoringScheduleOutput::builder().build());
    let (runs, _) = runs(0, ExecutionStatus::Failed);
    let (delete, deleted) = delete_rule();
    let s = setup(
        "failed",
        &[&endpoints, &list, &describe, &create, &runs, &delete],
        &[&metrics],
    );
    let exit = shell(&s, &RUN).await;
    assert_eq!(exit.code, 1);
    assert_eq!(
        exit.message.as_deref(),
        Some("ClientError: no ground truth for the window")
    );
    // A run that failed has ended too: its schedule goes.
    let gone = deleted.lock().unwrap().clone();
    assert!(
        matches!(&gone[..], [one] if one.starts_with("fraud-mq-now-")),
        "{gone:?}"
    );
}

/// `monitor cleanup --yes`: one-time schedules found by name (SageMaker's NameContains),
/// described; the one whose run ended is deleted, the running one and the endpoint's own
/// schedule are not. Read-only refuses the delete with exit 3.
#[tokio::test]
async fn cleanup_deletes_the_one_time_schedules_whose_runs_have_ended() {
    use aws_sdk_sagemaker::types::MonitoringExecutionSummary as Summary;
    let (metrics, endpoints) = listing();
    const ENDED: &str = "fraud-mq-now-20261201080000";
    const RUNNING: &str = "fraud-mq-now-20261206080000";
    let summary = |name: &str| {
        MonitoringScheduleSummary::builder()
            .monitoring_schedule_name(name)
            .endpoint_name("fraud")
            .creation_time(DateTime::from_secs(1_795_687_200))
            .last_modified_time(DateTime::from_secs(1_795_687_200))
            .monitoring_schedule_status(ScheduleStatus::Scheduled)
            .build()
    };
    let list = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules)
        .match_requests(|r| r.name_contains() == Some("-now-"))
        .then_compute_output(move |_| {
            ListMonitoringSchedulesOutput::builder()
                // SageMaker's NameContains is loose: a real schedule may match it too.
                .monitoring_schedule_summaries(summary("fraud-now-hourly"))
                .monitoring_schedule_summaries(summary(ENDED))
                .monitoring_schedule_summaries(summary(RUNNING))
                .build()
        });
    let describe = mock!(aws_sdk_sagemaker::Client::describe_monitoring_schedule)
        .then_compute_output(|r| {
            let name = r.monitoring_schedule_name().unwrap_or_default();
            let status = if name == ENDED {
                ExecutionStatus::CompletedWithViolations
            } else {
                ExecutionStatus::InProgress
            };
            DescribeMonitoringScheduleOutput::builder()
                .monitoring_schedule_name(name)
                .endpoint_name("fraud")
                .monitoring_schedule_status(ScheduleStatus::Scheduled)
                .last_monitoring_execution_summary(
                    Summary::builder()
                        .monitoring_schedule_name(name)
                        .scheduled_time(DateTime::from_secs(1_795_687_200))
                        .creation_time(DateTime::from_secs(1_795_687_200))
                        .last_modified_time(DateTime::from_secs(1_795_687_200))
                        .monitoring_execution_status(status)
                        .build(),
                )
                .build()
        });
    let (delete, deleted) = delete_rule();
    let s = setup(
        "cleanup",
        &[&endpoints, &list, &describe, &delete],
        &[&metrics],
    );
    let exit = shell(&s, &["monitor", "cleanup", "--yes", "--json"]).await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!(deleted.lock().unwrap().as_slice(), [ENDED]);
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(log.contains("DeleteMonitoringSchedule") && log.contains("\"result\":\"ok\""));
    // Read-only: nothing sent, exit 3.
    let ro = Gate::new(true, Some(AuditLog::new(s.log.clone())), identity());
    let cli = Cli::try_parse_from(["sagewatch", "monitor", "cleanup", "--yes"]).unwrap();
    let Some(Commands::Monitor(command)) = cli.command else {
        unreachable!()
    };
    let exit = sagewatch::shell::run_monitor(&s.source, &ro, command).await;
    assert_eq!(exit.code, 3, "{:?}", exit.message);
    assert_eq!(delete.num_calls(), 1, "nothing more was sent");
}

#[tokio::test]
async fn an_aws_refusal_of_the_run_exits_1_and_is_audited() {
    let (metrics, endpoints) = listing();
    let (list, describe) = schedule();
    let create = mock!(aws_sdk_sagemaker::Client::create_monitoring_schedule).then_error(|| {
        aws_sdk_sagemaker::operation::create_monitoring_schedule::CreateMonitoringScheduleError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform sagemaker:CreateMonitoringSchedule")
                .build(),
        )
    });
    let (runs, asked) = runs(0, ExecutionStatus::Completed);
    let s = setup(
        "denied",
        &[&endpoints, &list, &describe, &create, &runs],
        &[&metrics],
    );
    let exit = shell(&s, &RUN).await;
    assert_eq!(exit.code, 1);
    let message = exit.message.unwrap_or_default();
    assert!(
        message.contains("sagemaker:CreateMonitoringSchedule"),
        "{message}"
    );
    assert_eq!(asked.load(Ordering::SeqCst), 0, "nothing to follow");
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(
        log.lines().last().unwrap().contains("\"result\":\"error\""),
        "{log}"
    );
}

/// `monitor pause` asks the schedule's account first: an unknown schedule is bad input (2)
/// and a refused describe an AWS failure (1), and neither sends the stop.
#[tokio::test]
async fn pause_checks_the_schedule_in_its_account_before_sending() {
    use aws_sdk_sagemaker::operation::describe_monitoring_schedule::DescribeMonitoringScheduleError;
    use aws_sdk_sagemaker::operation::stop_monitoring_schedule::StopMonitoringScheduleOutput;
    let (metrics, endpoints) = listing();
    let missing = mock!(aws_sdk_sagemaker::Client::describe_monitoring_schedule)
        .match_requests(|r| r.monitoring_schedule_name() == Some("nosuch"))
        .then_error(|| {
            DescribeMonitoringScheduleError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code("ResourceNotFound")
                    .message("Monitoring schedule nosuch does not exist")
                    .build(),
            )
        });
    let denied = mock!(aws_sdk_sagemaker::Client::describe_monitoring_schedule)
        .match_requests(|r| r.monitoring_schedule_name() == Some("locked"))
        .then_error(|| {
            DescribeMonitoringScheduleError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("not authorized")
                    .build(),
            )
        });
    let (_, describe) = schedule();
    let stop = mock!(aws_sdk_sagemaker::Client::stop_monitoring_schedule)
        .then_output(|| StopMonitoringScheduleOutput::builder().build());
    let s = setup(
        "pause",
        &[&endpoints, &missing, &denied, &describe, &stop],
        &[&metrics],
    );
    let pause = |name: &'static str| ["monitor", "pause", name, "--account", "prod", "--yes"];
    let exit = shell(&s, &pause("nosuch")).await;
    assert_eq!(exit.code, 2, "{:?}", exit.message);
    assert!(
        exit.message
            .unwrap_or_default()
            .contains("no monitoring schedule nosuch")
    );
    let exit = shell(&s, &pause("locked")).await;
    assert_eq!(exit.code, 1, "{:?}", exit.message);
    assert_eq!(stop.num_calls(), 0, "nothing was sent");
    let exit = shell(&s, &pause("fraud-mq")).await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!(stop.num_calls(), 1);
}
