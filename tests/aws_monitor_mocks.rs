//! Model Monitor through the AWS source on the SDK's own mock layer (aws-smithy-mocks): no
//! emulator serves the monitoring operations. Real SageMaker and S3 clients, real
//! serialisation; answers from rules that also count what reached them.
//! - executions page by NextToken, newest first, every field carried;
//! - a run's report: DescribeProcessingJob, then a ranged GetObject of its output, parsed;
//! - a run with no report sends nothing; denied calls name the IAM action; a missing role
//!   says which config line to add and sends nothing;
//! - the baseline named by a job definition; alerts with their history;
//! - the fleet's last runs, with reports counted once (cached by processing job);
//! - run now (a NOW schedule) as sent, and read-only mode sending no write.

mod support;

use aws_sdk_s3::operation::get_object::{GetObjectError, GetObjectOutput};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_sagemaker::operation::create_monitoring_schedule::{
    CreateMonitoringScheduleInput, CreateMonitoringScheduleOutput,
};
use aws_sdk_sagemaker::operation::describe_model_quality_job_definition::DescribeModelQualityJobDefinitionOutput;
use aws_sdk_sagemaker::operation::describe_processing_job::DescribeProcessingJobOutput;
use aws_sdk_sagemaker::operation::list_monitoring_alert_history::{
    ListMonitoringAlertHistoryError, ListMonitoringAlertHistoryOutput,
};
use aws_sdk_sagemaker::operation::list_monitoring_alerts::{
    ListMonitoringAlertsError, ListMonitoringAlertsOutput,
};
use aws_sdk_sagemaker::operation::list_monitoring_executions::{
    ListMonitoringExecutionsError, ListMonitoringExecutionsOutput,
};
use aws_sdk_sagemaker::operation::list_monitoring_schedules::{
    ListMonitoringSchedulesError, ListMonitoringSchedulesOutput,
};
use aws_sdk_sagemaker::types::{
    ExecutionStatus as SmStatus, ModelQualityBaselineConfig, MonitoringAlertHistorySortKey,
    MonitoringAlertHistorySummary, MonitoringAlertStatus, MonitoringAlertSummary,
    MonitoringConstraintsResource, MonitoringExecutionSortKey, MonitoringExecutionSummary,
    MonitoringScheduleSummary, MonitoringType, ProcessingOutput, ProcessingOutputConfig,
    ProcessingS3Output, ScheduleStatus as SmScheduleStatus, SortOrder,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::{
    EndpointKey, ExecutionStatus, Identity, MonitoringSchedule, ScheduleStatus,
};
use sagewatch::source::monitor::{AlertStatus, Execution, MonitorWrite, RunNow, RunWindow};
use sagewatch::source::write::Write;
use sagewatch::source::{FleetSource, SourceError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";
const STAGING: &str = "222222222222";
const JOB_ARN: &str = "arn:aws:sagemaker:eu-west-1:111111111111:processing-job/fraud-mq-1700";
const OUTPUT: &str = "s3://sagemaker-eu-west-1-111111111111/fraud/monitoring/fraud-mq/1700";
const REPORT_KEY: &str = "fraud/monitoring/fraud-mq/1700/constraint_violations.json";
const VIOLATIONS: &str = r#"{"violations": [
  {"metric_name": "accuracy", "constraint_check_type": "LessThanThreshold",
   "description": "Metric accuracy with 0.71 +/- 0.01 was LessThanThreshold '0.8'"},
  {"metric_name": "f1", "constraint_check_type": "LessThanThreshold",
   "description": "Metric f1 with 0.6 +/- 0.02 was LessThanThreshold '0.75'"}
]}"#;
const CONSTRAINTS: &str = r#"{"version": 0.0, "multiclass_classification_constraints": {
  "accuracy": {"threshold": 0.8, "comparison_operator": "LessThanThreshold"},
  "f1": {"threshold": 0.75, "comparison_operator": "LessThanThreshold"}
}}"#;

fn identity() -> Identity {
    support::mocks::identity(MONITORING)
}

/// Clients of one account on rules (SageMaker's and S3's); `guard` installs the read-only
/// interceptor on every client, as `connect` does in read-only mode.
fn clients(sagemaker: &[&Rule], s3: &[&Rule], guard: bool) -> AccountClients {
    if guard {
        let none: &[&Rule] = &[];
        AccountClients {
            cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, none, |c| c
                .interceptor(ReadOnlyGuard)),
            sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, sagemaker, |c| c
                .interceptor(ReadOnlyGuard)),
            s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, s3, |c| c
                .interceptor(ReadOnlyGuard)),
            scaling: mock_client!(aws_sdk_applicationautoscaling, []),
        }
    } else {
        AccountClients {
            cloudwatch: mock_client!(aws_sdk_cloudwatch, []),
            sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, sagemaker),
            s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, s3),
            scaling: mock_client!(aws_sdk_applicationautoscaling, []),
        }
    }
}

/// The monitoring account's own clients (no rules), and the given source accounts.
fn source(accounts: Vec<(&str, AccountClients)>) -> AwsSource {
    source_with_home(clients(&[], &[], false), accounts)
}

fn source_with_home(home: AccountClients, accounts: Vec<(&str, AccountClients)>) -> AwsSource {
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

fn fraud() -> EndpointKey {
    EndpointKey {
        account_id: PROD.into(),
        name: "fraud".into(),
        region: Default::default(),
    }
}

fn summary(schedule: &str, at: i64, status: SmStatus) -> MonitoringExecutionSummary {
    let done = !matches!(status, SmStatus::InProgress | SmStatus::Pending);
    MonitoringExecutionSummary::builder()
        .monitoring_schedule_name(schedule)
        .endpoint_name("fraud")
        .scheduled_time(DateTime::from_secs(at))
        .creation_time(DateTime::from_secs(at + 60))
        .last_modified_time(DateTime::from_secs(at + if done { 900 } else { 120 }))
        .monitoring_execution_status(status)
        .processing_job_arn(format!(
            "arn:aws:sagemaker:eu-west-1:{PROD}:processing-job/{schedule}-{at}"
        ))
        .monitoring_type(MonitoringType::ModelQuality)
        .build()
}

fn run(status: ExecutionStatus, arn: Option<&str>) -> Execution {
    Execution {
        account_id: PROD.into(),
        schedule: "fraud-mq".into(),
        scheduled_time: 1700,
        created: Some(1760),
        modified: Some(2600),
        status,
        failure_reason: None,
        processing_job_arn: arn.map(str::to_owned),
        monitoring_type: Some("ModelQuality".into()),
        region: Default::default(),
    }
}

fn service_error(code: &str) -> ErrorMetadata {
    ErrorMetadata::builder()
        .code(code)
        .message("from the mock")
        .build()
}

fn describe_job(arn_name: &'static str, output: &'static str) -> Rule {
    mock!(aws_sdk_sagemaker::Client::describe_processing_job)
        .match_requests(move |r| r.processing_job_name() == Some(arn_name))
        .then_output(move || {
            DescribeProcessingJobOutput::builder()
                .processing_job_name(arn_name)
                .processing_output_config(
                    ProcessingOutputConfig::builder()
                        .outputs(
                            ProcessingOutput::builder()
                                .output_name("monitoring_output")
                                .s3_output(
                                    ProcessingS3Output::builder()
                                        .s3_uri(output)
                                        .local_path("/opt/ml/processing/resultdata")
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build()
        })
}

/// An S3 object as a ranged GetObject returns it: at most the range, with the full size in
/// Content-Range.
fn object(text: &'static str) -> GetObjectOutput {
    let len = text.len();
    GetObjectOutput::builder()
        .body(ByteStream::from_static(text.as_bytes()))
        .content_length(len as i64)
        .content_range(format!("bytes 0-{}/{len}", len.saturating_sub(1)))
        .build()
}

/// GetObject of `key` in the report bucket, asking for the first MiB only.
fn get_report(key: &'static str, text: &'static str) -> Rule {
    mock!(aws_sdk_s3::Client::get_object)
        .match_requests(move |r| {
            r.bucket() == Some("sagemaker-eu-west-1-111111111111")
                && r.key() == Some(key)
                && r.range() == Some("bytes=0-1048575")
        })
        .then_output(move || object(text))
}

#[tokio::test]
async fn executions_come_a_page_at_a_time_newest_first_with_every_field() {
    let first = mock!(aws_sdk_sagemaker::Client::list_monitoring_executions)
        .match_requests(|r| {
            r.next_token().is_none()
                && r.endpoint_name() == Some("fraud")
                && r.monitoring_schedule_name() == Some("fraud-mq")
                && r.sort_by() == Some(&MonitoringExecutionSortKey::ScheduledTime)
                && r.sort_order() == Some(&SortOrder::Descending)
                && r.max_results() == Some(25)
        })
        .then_output(|| {
            ListMonitoringExecutionsOutput::builder()
                .monitoring_execution_summaries(summary("fraud-mq", 7200, SmStatus::InProgress))
                .monitoring_execution_summaries(
                    MonitoringExecutionSummary::builder()
                        .monitoring_schedule_name("fraud-mq")
                        .scheduled_time(DateTime::from_secs(3600))
                        .monitoring_execution_status(SmStatus::Failed)
                        .failure_reason("Job inputs had no data")
                        .build(),
                )
                .next_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_sagemaker::Client::list_monitoring_executions)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| {
            ListMonitoringExecutionsOutput::builder()
                .monitoring_execution_summaries(summary(
                    "fraud-mq",
                    0,
                    SmStatus::CompletedWithViolations,
                ))
                .build()
        });
    let s = source(vec![(PROD, clients(&[&first, &second], &[], false))]);
    let monitor = s.monitor().expect("the AWS source reads Model Monitor");
    let page = monitor
        .executions(&fraud(), Some("fraud-mq"), None)
        .await
        .expect("page 1");
    assert_eq!(page.next.as_deref(), Some("page-2"));
    let times: Vec<i64> = page.executions.iter().map(|x| x.scheduled_time).collect();
    assert_eq!(times, [7200, 3600], "newest first");
    let running = &page.executions[0];
    assert_eq!(running.account_id, PROD);
    assert_eq!(running.status, ExecutionStatus::InProgress);
    assert_eq!(
        (running.created, running.modified),
        (Some(7260), Some(7320))
    );
    assert_eq!(
        running.processing_job_arn.as_deref(),
        Some("arn:aws:sagemaker:eu-west-1:111111111111:processing-job/fraud-mq-7200")
    );
    assert_eq!(running.monitoring_type.as_deref(), Some("ModelQuality"));
    let failed = &page.executions[1];
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(
        failed.failure_reason.as_deref(),
        Some("Job inputs had no data")
    );
    assert_eq!(failed.processing_job_arn, None);

    let older = monitor
        .executions(&fraud(), Some("fraud-mq"), page.next.as_deref())
        .await
        .expect("page 2");
    assert_eq!(older.next, None, "the last page");
    assert_eq!(
        older.executions[0].status,
        ExecutionStatus::CompletedWithViolations
    );
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_runs_violations_are_read_from_its_processing_jobs_output_in_s3() {
    let job = describe_job("fraud-mq-1700", OUTPUT);
    let get = get_report(REPORT_KEY, VIOLATIONS);
    let s = source(vec![(PROD, clients(&[&job], &[&get], false))]);
    let monitor = s.monitor().unwrap();
    for status in [
        ExecutionStatus::CompletedWithViolations,
        ExecutionStatus::Completed,
    ] {
        let report = monitor
            .violations(&run(status, Some(JOB_ARN)))
            .await
            .expect("the report");
        assert_eq!(report.uri, format!("{OUTPUT}/constraint_violations.json"));
        assert_eq!(report.cut_at, None);
        let subjects: Vec<&str> = report
            .violations
            .iter()
            .map(|v| v.subject.as_str())
            .collect();
        assert_eq!(subjects, ["accuracy", "f1"]);
        assert_eq!(report.violations[0].check, "LessThanThreshold");
        assert_eq!(report.violations[0].observed, Some(0.71));
        assert_eq!(report.violations[0].threshold, Some(0.8));
    }
    assert_eq!((job.num_calls(), get.num_calls()), (2, 2));
}

#[tokio::test]
async fn a_run_without_a_report_says_why_and_sends_nothing() {
    let job = describe_job("fraud-mq-1700", OUTPUT);
    let get = get_report(REPORT_KEY, VIOLATIONS);
    let s = source(vec![(PROD, clients(&[&job], &[&get], false))]);
    let monitor = s.monitor().unwrap();
    let mut failed = run(ExecutionStatus::Failed, Some(JOB_ARN));
    failed.failure_reason = Some("AlgorithmError: no ground truth".into());
    let err = monitor.violations(&failed).await.unwrap_err();
    assert!(err.to_string().contains("the run is Failed"), "{err}");
    let err = monitor
        .violations(&run(ExecutionStatus::InProgress, Some(JOB_ARN)))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the run is InProgress: it has no report yet"),
        "{err}"
    );
    let err = monitor
        .violations(&run(ExecutionStatus::Completed, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no processing job"), "{err}");
    assert_eq!((job.num_calls(), get.num_calls()), (0, 0));
}

#[tokio::test]
async fn report_failures_are_told_apart() {
    let job = describe_job("fraud-mq-1700", OUTPUT);
    let run = run(ExecutionStatus::CompletedWithViolations, Some(JOB_ARN));

    let denied = mock!(aws_sdk_s3::Client::get_object)
        .then_error(|| GetObjectError::generic(service_error("AccessDenied")));
    let s = source(vec![(PROD, clients(&[&job], &[&denied], false))]);
    let err = s.monitor().unwrap().violations(&run).await.unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. }
            if action == &format!("s3:GetObject on {OUTPUT}/constraint_violations.json")),
        "{err:?}"
    );

    let missing = mock!(aws_sdk_s3::Client::get_object).then_error(|| {
        GetObjectError::NoSuchKey(aws_sdk_s3::types::error::NoSuchKey::builder().build())
    });
    let s = source(vec![(PROD, clients(&[&job], &[&missing], false))]);
    let err = s.monitor().unwrap().violations(&run).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GetObject {PROD}: no constraint_violations.json at \
             {OUTPUT}/constraint_violations.json: the run wrote none"
        )
    );

    let malformed = get_report(REPORT_KEY, "{\"violations\": [ {\"metric_name\": ");
    let s = source(vec![(PROD, clients(&[&job], &[&malformed], false))]);
    let err = s.monitor().unwrap().violations(&run).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!("{OUTPUT}/constraint_violations.json"))
            && text.contains("constraint_violations.json is not JSON"),
        "{text}"
    );

    let listing = mock!(aws_sdk_sagemaker::Client::list_monitoring_executions).then_error(|| {
        ListMonitoringExecutionsError::generic(service_error("AccessDeniedException"))
    });
    let s = source(vec![(PROD, clients(&[&listing], &[], false))]);
    let err = s
        .monitor()
        .unwrap()
        .executions(&fraud(), None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. }
            if action == "sagemaker:ListMonitoringExecutions"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_account_without_a_role_is_told_to_add_one_and_nothing_is_sent() {
    let listing = mock!(aws_sdk_sagemaker::Client::list_monitoring_executions)
        .then_output(|| ListMonitoringExecutionsOutput::builder().build());
    let job = describe_job("fraud-mq-1700", OUTPUT);
    let get = get_report(REPORT_KEY, VIOLATIONS);
    // Only the monitoring account has clients; PROD is read through OAM alone.
    let s = source_with_home(clients(&[&listing, &job], &[&get], false), vec![]);
    let monitor = s.monitor().unwrap();
    let expected = format!(
        "OAM does not share SageMaker or S3: add role_arn for account {PROD} to the config's \
         [[accounts]]"
    );
    let errors = [
        monitor.executions(&fraud(), None, None).await.unwrap_err(),
        monitor
            .violations(&run(ExecutionStatus::Completed, Some(JOB_ARN)))
            .await
            .unwrap_err(),
        monitor.alerts(PROD, "fraud-mq").await.unwrap_err(),
    ];
    for err in errors {
        assert!(
            matches!(&err, SourceError::Other { detail, .. } if detail == &expected),
            "{err:?}"
        );
    }
    assert_eq!(
        (listing.num_calls(), job.num_calls(), get.num_calls()),
        (0, 0, 0)
    );
}

#[tokio::test]
async fn the_baseline_is_the_constraints_file_its_job_definition_names() {
    let definition = mock!(aws_sdk_sagemaker::Client::describe_model_quality_job_definition)
        .match_requests(|r| r.job_definition_name() == Some("fraud-mq-def"))
        .then_output(|| {
            DescribeModelQualityJobDefinitionOutput::builder()
                .job_definition_name("fraud-mq-def")
                .model_quality_baseline_config(
                    ModelQualityBaselineConfig::builder()
                        .constraints_resource(
                            MonitoringConstraintsResource::builder()
                                .s3_uri(
                                    "s3://sagemaker-eu-west-1-111111111111/fraud/baseline/constraints.json",
                                )
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let get = get_report("fraud/baseline/constraints.json", CONSTRAINTS);
    let s = source(vec![(PROD, clients(&[&definition], &[&get], false))]);
    let mut schedule = MonitoringSchedule {
        account_id: PROD.into(),
        name: "fraud-mq".into(),
        endpoint: "fraud".into(),
        monitoring_type: "ModelQuality".into(),
        status: ScheduleStatus::Scheduled,
        last_execution: None,
        schedule_expression: Some("cron(0 * ? * * *)".into()),
        job_definition: Some("fraud-mq-def".into()),
        failure_reason: None,
        region: Default::default(),
    };
    let baseline = s
        .monitor()
        .unwrap()
        .baseline(&schedule)
        .await
        .expect("read")
        .expect("a baseline");
    assert_eq!(
        baseline.uri,
        "s3://sagemaker-eu-west-1-111111111111/fraud/baseline/constraints.json"
    );
    let mut found: Vec<(String, Option<f64>)> = baseline
        .constraints
        .iter()
        .map(|c| (c.subject.clone(), c.threshold))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        found,
        [("accuracy".into(), Some(0.8)), ("f1".into(), Some(0.75))]
    );
    // The older inline form names no job definition: no baseline, nothing sent.
    schedule.job_definition = None;
    assert_eq!(s.monitor().unwrap().baseline(&schedule).await, Ok(None));
    assert_eq!((definition.num_calls(), get.num_calls()), (1, 1));
}

#[tokio::test]
async fn alerts_carry_their_history_newest_first_and_a_type_without_alerts_is_empty() {
    let alerts = mock!(aws_sdk_sagemaker::Client::list_monitoring_alerts)
        .match_requests(|r| r.monitoring_schedule_name() == Some("fraud-mq"))
        .then_output(|| {
            ListMonitoringAlertsOutput::builder()
                .monitoring_alert_summaries(
                    MonitoringAlertSummary::builder()
                        .monitoring_alert_name("accuracy")
                        .alert_status(MonitoringAlertStatus::InAlert)
                        .datapoints_to_alert(2)
                        .evaluation_period(3)
                        .last_modified_time(DateTime::from_secs(9000))
                        .build(),
                )
                .monitoring_alert_summaries(
                    MonitoringAlertSummary::builder()
                        .monitoring_alert_name("f1")
                        .alert_status(MonitoringAlertStatus::Ok)
                        .datapoints_to_alert(1)
                        .evaluation_period(1)
                        .build(),
                )
                .build()
        });
    let item = |name: &str, at: i64, status: MonitoringAlertStatus| {
        MonitoringAlertHistorySummary::builder()
            .monitoring_schedule_name("fraud-mq")
            .monitoring_alert_name(name)
            .creation_time(DateTime::from_secs(at))
            .alert_status(status)
            .build()
    };
    let history = mock!(aws_sdk_sagemaker::Client::list_monitoring_alert_history)
        .match_requests(|r| {
            r.monitoring_schedule_name() == Some("fraud-mq")
                && r.sort_by() == Some(&MonitoringAlertHistorySortKey::CreationTime)
                && r.sort_order() == Some(&SortOrder::Descending)
        })
        .then_output(move || {
            ListMonitoringAlertHistoryOutput::builder()
                .monitoring_alert_history(item("accuracy", 5000, MonitoringAlertStatus::Ok))
                .monitoring_alert_history(item("accuracy", 9000, MonitoringAlertStatus::InAlert))
                .monitoring_alert_history(item("f1", 7000, MonitoringAlertStatus::Ok))
                .build()
        });
    let s = source(vec![(PROD, clients(&[&alerts, &history], &[], false))]);
    let got = s
        .monitor()
        .unwrap()
        .alerts(PROD, "fraud-mq")
        .await
        .expect("alerts");
    assert_eq!(got.len(), 2);
    let accuracy = &got[0];
    assert_eq!(
        (accuracy.schedule.as_str(), accuracy.name.as_str()),
        ("fraud-mq", "accuracy")
    );
    assert_eq!(accuracy.status, AlertStatus::InAlert);
    assert_eq!(
        (accuracy.datapoints_to_alert, accuracy.evaluation_period),
        (2, 3)
    );
    assert_eq!(accuracy.modified, Some(9000));
    assert_eq!(
        accuracy.history,
        [(9000, AlertStatus::InAlert), (5000, AlertStatus::Ok)]
    );
    assert_eq!(got[1].history, [(7000, AlertStatus::Ok)]);

    // A data-quality schedule: SageMaker refuses the question; the pane shows no alerts.
    let refused = mock!(aws_sdk_sagemaker::Client::list_monitoring_alerts)
        .then_error(|| ListMonitoringAlertsError::generic(service_error("ValidationException")));
    let refused_history = mock!(aws_sdk_sagemaker::Client::list_monitoring_alert_history)
        .then_error(|| {
            ListMonitoringAlertHistoryError::generic(service_error("ValidationException"))
        });
    let s = source(vec![(
        PROD,
        clients(&[&refused, &refused_history], &[], false),
    )]);
    assert_eq!(
        s.monitor().unwrap().alerts(PROD, "fraud-dq").await,
        Ok(vec![])
    );
}

fn schedule_summary(name: &str, endpoint: &str, t: MonitoringType) -> MonitoringScheduleSummary {
    MonitoringScheduleSummary::builder()
        .monitoring_schedule_name(name)
        .endpoint_name(endpoint)
        .monitoring_type(t)
        .monitoring_schedule_status(SmScheduleStatus::Scheduled)
        .build()
}

/// The monitoring account itself runs no monitoring.
fn no_schedules() -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules)
        .then_output(|| ListMonitoringSchedulesOutput::builder().build())
}

#[tokio::test]
async fn the_fleet_counts_each_report_once_and_keeps_accounts_that_answer() {
    let schedules = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules).then_output(|| {
        ListMonitoringSchedulesOutput::builder()
            .monitoring_schedule_summaries(schedule_summary(
                "fraud-mq",
                "fraud",
                MonitoringType::ModelQuality,
            ))
            .monitoring_schedule_summaries(schedule_summary(
                "fraud-dq",
                "fraud",
                MonitoringType::DataQuality,
            ))
            .monitoring_schedule_summaries(schedule_summary(
                "churn-mq",
                "churn",
                MonitoringType::ModelQuality,
            ))
            .build()
    });
    let window = Arc::new(Mutex::new(None));
    let seen = window.clone();
    let executions = mock!(aws_sdk_sagemaker::Client::list_monitoring_executions)
        .match_requests(move |r| {
            *seen.lock().unwrap() = r.scheduled_time_after().map(|t| t.secs());
            r.endpoint_name().is_none()
                && r.sort_by() == Some(&MonitoringExecutionSortKey::ScheduledTime)
                && r.sort_order() == Some(&SortOrder::Descending)
        })
        .then_output(|| {
            ListMonitoringExecutionsOutput::builder()
                // Newest first: the running one is not a last run; the older completed is not.
                .monitoring_execution_summaries(summary("fraud-mq", 5400, SmStatus::InProgress))
                .monitoring_execution_summaries(summary(
                    "fraud-mq",
                    1700,
                    SmStatus::CompletedWithViolations,
                ))
                .monitoring_execution_summaries(summary("fraud-dq", 1500, SmStatus::Completed))
                .monitoring_execution_summaries(summary("fraud-mq", 100, SmStatus::Completed))
                .build()
        });
    let job = describe_job("fraud-mq-1700", OUTPUT);
    let get = get_report(REPORT_KEY, VIOLATIONS);
    let denied = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules).then_error(|| {
        ListMonitoringSchedulesError::generic(service_error("AccessDeniedException"))
    });
    let none = no_schedules();
    let s = source_with_home(
        clients(&[&none], &[], false),
        vec![
            (
                PROD,
                clients(&[&schedules, &executions, &job], &[&get], false),
            ),
            (STAGING, clients(&[&denied], &[], false)),
        ],
    );
    let before = chrono::Utc::now().timestamp();
    let runs = s.monitor().unwrap().fleet_runs().await.expect("fleet runs");

    // The monitoring account (home) has no schedules; staging is denied; prod answers.
    let by_name: HashMap<&str, _> = runs.iter().map(|r| (r.schedule.as_str(), r)).collect();
    assert_eq!(runs.len(), 3, "{runs:?}");
    let mq = by_name["fraud-mq"];
    assert_eq!(
        (mq.account_id.as_str(), mq.endpoint.as_str()),
        (PROD, "fraud")
    );
    assert_eq!(mq.monitoring_type, "ModelQuality");
    assert_eq!(mq.status, ScheduleStatus::Scheduled);
    let last = mq.last_run.as_ref().expect("a last run");
    assert_eq!(last.status, ExecutionStatus::CompletedWithViolations);
    assert_eq!((last.scheduled_at, last.violations), (1700, Some(2)));
    let dq = by_name["fraud-dq"].last_run.as_ref().expect("a last run");
    assert_eq!(
        (dq.status, dq.violations),
        (ExecutionStatus::Completed, Some(0))
    );
    assert_eq!(by_name["churn-mq"].last_run, None, "no run in the window");
    let after = window.lock().unwrap().expect("ScheduledTimeAfter");
    assert!((before - after - 26 * 3600).abs() < 60, "26 hours back");
    assert_eq!(
        (job.num_calls(), get.num_calls()),
        (1, 1),
        "a Completed run's report is not read"
    );
    let problems = s.health().problems;
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, SourceError::AccessDenied { action, call }
            if action == "sagemaker:ListMonitoringSchedules" && call.contains(STAGING))),
        "{problems:?}"
    );

    // A refresh reads the listing again but no report it already counted.
    let again = s.monitor().unwrap().fleet_runs().await.expect("again");
    assert_eq!(again, runs);
    assert_eq!(executions.num_calls(), 2);
    assert_eq!(
        (job.num_calls(), get.num_calls()),
        (1, 1),
        "the count is cached by processing job"
    );
}

#[tokio::test]
async fn an_unreadable_report_leaves_the_count_unknown_and_is_tried_again() {
    let schedules = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules).then_output(|| {
        ListMonitoringSchedulesOutput::builder()
            .monitoring_schedule_summaries(schedule_summary(
                "fraud-mq",
                "fraud",
                MonitoringType::ModelQuality,
            ))
            .build()
    });
    let executions =
        mock!(aws_sdk_sagemaker::Client::list_monitoring_executions).then_output(|| {
            ListMonitoringExecutionsOutput::builder()
                .monitoring_execution_summaries(summary(
                    "fraud-mq",
                    1700,
                    SmStatus::CompletedWithViolations,
                ))
                .build()
        });
    let job = describe_job("fraud-mq-1700", OUTPUT);
    let denied = mock!(aws_sdk_s3::Client::get_object)
        .then_error(|| GetObjectError::generic(service_error("AccessDenied")));
    let none = no_schedules();
    let s = source_with_home(
        clients(&[&none], &[], false),
        vec![(
            PROD,
            clients(&[&schedules, &executions, &job], &[&denied], false),
        )],
    );
    for _ in 0..2 {
        let runs = s.monitor().unwrap().fleet_runs().await.expect("runs");
        let last = runs[0].last_run.as_ref().expect("a last run");
        assert_eq!(last.violations, None);
    }
    assert_eq!(denied.num_calls(), 2, "a failure is not cached");
}

fn run_now() -> MonitorWrite {
    MonitorWrite::RunNow(Box::new(RunNow {
        account_id: PROD.into(),
        endpoint: "fraud".into(),
        from_schedule: "fraud-mq".into(),
        name: "fraud-mq-now-20261126101000".into(),
        job_definition: "fraud-mq-def".into(),
        monitoring_type: "ModelQuality".into(),
        window: RunWindow::default(),
        region: Default::default(),
    }))
}

fn create_rule(seen: Arc<Mutex<Option<CreateMonitoringScheduleInput>>>) -> Rule {
    mock!(aws_sdk_sagemaker::Client::create_monitoring_schedule)
        .match_requests(move |r| {
            *seen.lock().unwrap() = Some(r.clone());
            true
        })
        .then_output(|| {
            CreateMonitoringScheduleOutput::builder()
                .monitoring_schedule_arn(
                    "arn:aws:sagemaker:eu-west-1:111111111111:monitoring-schedule/x",
                )
                .build()
        })
}

#[tokio::test]
async fn run_now_creates_a_one_time_schedule_copying_the_job_definition() {
    let seen = Arc::new(Mutex::new(None));
    let create = create_rule(seen.clone());
    let s = source(vec![(PROD, clients(&[&create], &[], false))]);
    s.writer()
        .expect("the AWS source writes")
        .write(&Write::Monitor(run_now()))
        .await
        .expect("created");
    assert_eq!(create.num_calls(), 1);
    let input = seen.lock().unwrap().clone().expect("the request");
    assert_eq!(
        input.monitoring_schedule_name(),
        Some("fraud-mq-now-20261126101000")
    );
    let config = input.monitoring_schedule_config().expect("config");
    assert_eq!(
        config.monitoring_job_definition_name(),
        Some("fraud-mq-def")
    );
    assert_eq!(
        config.monitoring_type(),
        Some(&MonitoringType::ModelQuality)
    );
    let schedule = config.schedule_config().expect("schedule config");
    assert_eq!(schedule.schedule_expression(), Some("NOW"));
    assert_eq!(schedule.data_analysis_start_time(), Some("-PT1H"));
    assert_eq!(schedule.data_analysis_end_time(), Some("-PT0H"));
}

#[tokio::test]
async fn read_only_sends_no_write_but_still_reads_reports() {
    let seen = Arc::new(Mutex::new(None));
    // The source told: it refuses before any client is asked.
    let create = create_rule(seen.clone());
    let s = source(vec![(PROD, clients(&[&create], &[], false))]).with_readonly(true);
    let err = s
        .writer()
        .unwrap()
        .write(&Write::Monitor(run_now()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    assert_eq!(create.num_calls(), 0);

    // The source not told, the clients built as `connect` builds them read-only: the guard
    // refuses the write, and lets DescribeProcessingJob and S3's GetObject through.
    let create = create_rule(seen.clone());
    let delete = mock!(aws_sdk_sagemaker::Client::delete_monitoring_schedule).then_output(|| {
        aws_sdk_sagemaker::operation::delete_monitoring_schedule::DeleteMonitoringScheduleOutput::builder().build()
    });
    let job = describe_job("fraud-mq-1700", OUTPUT);
    let get = get_report(REPORT_KEY, VIOLATIONS);
    let s = source(vec![(
        PROD,
        clients(&[&create, &delete, &job], &[&get], true),
    )]);
    for write in [
        run_now(),
        MonitorWrite::Delete {
            account_id: PROD.into(),
            schedule: "fraud-mq-now-20251129070640".into(),
            region: Default::default(),
        },
        MonitorWrite::Pause {
            account_id: PROD.into(),
            schedule: "fraud-mq".into(),
            region: Default::default(),
        },
        MonitorWrite::Resume {
            account_id: PROD.into(),
            schedule: "fraud-mq".into(),
            region: Default::default(),
        },
    ] {
        let err = s
            .writer()
            .unwrap()
            .write(&Write::Monitor(write))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
    }
    assert_eq!(
        (create.num_calls(), delete.num_calls()),
        (0, 0),
        "no write reached the transport"
    );
    assert!(seen.lock().unwrap().is_none());
    let report = s
        .monitor()
        .unwrap()
        .violations(&run(
            ExecutionStatus::CompletedWithViolations,
            Some(JOB_ARN),
        ))
        .await
        .expect("reads pass the guard");
    assert_eq!(report.violations.len(), 2);
    assert_eq!((job.num_calls(), get.num_calls()), (1, 1));
}

/// The clients `connect` builds in read-only mode refuse S3 writes before anything is
/// serialised (so before any network): the endpoint here does not exist.
#[tokio::test]
async fn connects_read_only_s3_client_refuses_writes_before_sending() {
    let config = aws_config::SdkConfig::builder()
        .region(aws_types::region::Region::new("eu-west-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::for_tests(),
            ),
        )
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    let clients = sagewatch::source::aws::connect::clients(&config, &Health::default(), PROD, true);
    let err = clients
        .s3
        .put_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .expect_err("refused");
    let text = format!("{:?}", err);
    assert!(text.contains("read-only: PutObject refused"), "{text}");
    let err = clients
        .sagemaker
        .create_monitoring_schedule()
        .monitoring_schedule_name("x")
        .send()
        .await
        .expect_err("refused");
    assert!(format!("{err:?}").contains("read-only: CreateMonitoringSchedule refused"));
}

/// "What changed" reads what the endpoint is made of: DescribeEndpoint names its config and
/// the one an update is deploying; DescribeEndpointConfig of each names their variants'
/// models (shadow variants too), each model once. Hostile names arrive without control
/// characters once the view sanitises them; denied calls name the IAM action.
#[tokio::test]
async fn the_endpoints_makeup_is_its_configs_and_their_models() {
    use aws_sdk_sagemaker::operation::describe_endpoint::DescribeEndpointOutput;
    use aws_sdk_sagemaker::operation::describe_endpoint_config::{
        DescribeEndpointConfigInput, DescribeEndpointConfigOutput,
    };
    use aws_sdk_sagemaker::types::{EndpointStatus, PendingDeploymentSummary, ProductionVariant};
    use sagewatch::sanitize::Sanitize;
    let describe = mock!(aws_sdk_sagemaker::Client::describe_endpoint)
        .match_requests(|r| r.endpoint_name() == Some("fraud"))
        .then_output(|| {
            DescribeEndpointOutput::builder()
                .endpoint_name("fraud")
                .endpoint_config_name("fraud-config-v42")
                .endpoint_status(EndpointStatus::Updating)
                .last_modified_time(DateTime::from_secs(1_700))
                .pending_deployment_summary(
                    PendingDeploymentSummary::builder()
                        .endpoint_config_name("fraud-config-v43")
                        .build(),
                )
                .build()
        });
    let variant = |name: &str, model: &str| {
        ProductionVariant::builder()
            .variant_name(name)
            .model_name(model)
            .build()
    };
    let config = mock!(aws_sdk_sagemaker::Client::describe_endpoint_config).then_compute_output(
        move |r: &DescribeEndpointConfigInput| {
            let name = r.endpoint_config_name().unwrap_or_default();
            let b = DescribeEndpointConfigOutput::builder().endpoint_config_name(name);
            if name == "fraud-config-v42" {
                b.production_variants(variant("blue", "fraud-v42"))
                    .production_variants(variant("green", "fraud-v42"))
                    .build()
            } else {
                b.production_variants(variant("blue", "fraud-v43\u{1b}[2J"))
                    .shadow_production_variants(variant("shadow", "fraud-v44"))
                    .build()
            }
        },
    );
    let s = source(vec![(PROD, clients(&[&describe, &config], &[], true))]);
    let mut makeup = s.endpoint_makeup(&fraud()).await.unwrap();
    makeup.sanitize();
    assert_eq!(makeup.config, "fraud-config-v42");
    assert_eq!(makeup.pending_config.as_deref(), Some("fraud-config-v43"));
    assert_eq!(makeup.models.len(), 3, "{:?}", makeup.models);
    assert!(!makeup.models[1].contains('\u{1b}'), "{:?}", makeup.models);
    assert_eq!(makeup.last_modified, Some(1_700));
    assert_eq!((describe.num_calls(), config.num_calls()), (1, 2));
    let names: Vec<&str> = makeup.names().collect();
    assert_eq!(
        names,
        [
            "fraud-config-v42",
            "fraud-config-v43",
            "fraud-v42",
            &makeup.models[1],
            "fraud-v44"
        ]
    );

    // Denied: the action to grant; no config read without the endpoint's.
    let denied = mock!(aws_sdk_sagemaker::Client::describe_endpoint).then_error(|| {
        aws_sdk_sagemaker::operation::describe_endpoint::DescribeEndpointError::generic(
            service_error("AccessDeniedException"),
        )
    });
    let config = mock!(aws_sdk_sagemaker::Client::describe_endpoint_config)
        .then_output(|| DescribeEndpointConfigOutput::builder().build());
    let s = source(vec![(PROD, clients(&[&denied, &config], &[], false))]);
    let err = s.endpoint_makeup(&fraud()).await.unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "sagemaker:DescribeEndpoint"),
        "{err:?}"
    );
    assert_eq!(config.num_calls(), 0);

    // No role in the endpoint's account (OAM alone): said, and nothing sent.
    let describe = mock!(aws_sdk_sagemaker::Client::describe_endpoint)
        .then_output(|| DescribeEndpointOutput::builder().build());
    let s = source_with_home(clients(&[&describe], &[], false), vec![]);
    let err = s.endpoint_makeup(&fraud()).await.unwrap_err();
    assert!(
        err.to_string().contains("add role_arn for account"),
        "{err}"
    );
    assert_eq!(describe.num_calls(), 0);
}
