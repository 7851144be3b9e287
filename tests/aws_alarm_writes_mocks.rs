//! Alarm writes through the AWS source on the SDK's own mock layer (aws-smithy-mocks): real
//! clients and serialisation, answers from rules that also count what reached them.
//! - where a cross-account alarm is made and in which form;
//! - read-only mode: no mutating request reaches the transport, counted at the mock;
//! - a denied write names the IAM action.

mod support;

use aws_sdk_cloudwatch::operation::delete_alarms::DeleteAlarmsOutput;
use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
use aws_sdk_cloudwatch::operation::disable_alarm_actions::DisableAlarmActionsOutput;
use aws_sdk_cloudwatch::operation::enable_alarm_actions::EnableAlarmActionsOutput;
use aws_sdk_cloudwatch::operation::put_metric_alarm::{PutMetricAlarmError, PutMetricAlarmOutput};
use aws_smithy_mocks::{Rule, mock, mock_client};
use sagewatch::source::alarm_write::{AlarmWrite, MissingData, Operator, PutAlarm};
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::{Identity, SeriesKey, Stat};
use sagewatch::source::{FleetSource, SourceError};
use sagewatch::writes::audit::AuditLog;
use sagewatch::writes::{Gate, Refusal, WriteOutcome};
use std::collections::HashMap;
use support::mocks::cloudwatch_clients as clients;

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";

fn identity() -> Identity {
    Identity {
        account_id: MONITORING.into(),
        arn: format!("arn:aws:iam::{MONITORING}:role/OnCall"),
        region: "eu-west-1".into(),
    }
}

fn source(home: AccountClients, prod: Option<AccountClients>) -> AwsSource {
    let mut accounts = HashMap::new();
    if let Some(p) = prod {
        accounts.insert(PROD.to_owned(), p);
    }
    AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        home,
        accounts,
        Vec::new(),
        Health::default(),
    )
}

fn put(alarm_account: &str) -> AlarmWrite {
    AlarmWrite::Put(Box::new(PutAlarm {
        alarm_account: alarm_account.into(),
        name: "prod-fraud-CPUUtilization-high".into(),
        series: SeriesKey::new(
            PROD,
            "/aws/sagemaker/Endpoints",
            "CPUUtilization",
            &[("EndpointName", "fraud"), ("VariantName", "AllTraffic")],
            Stat::Maximum,
            60,
        ),
        operator: Operator::GreaterThanThreshold,
        threshold: 80.0,
        evaluation_periods: 3,
        datapoints_to_alarm: 2,
        missing: MissingData::NotBreaching,
        actions_enabled: true,
        alarm_actions: vec![format!("arn:aws:sns:eu-west-1:{MONITORING}:oncall")],
        ok_actions: vec![],
        insufficient_data_actions: vec![],
        unit: None,
        description: "cpu".into(),
        tags: vec![("team".into(), "ml".into())],
        edit: false,
    }))
}

fn put_rule() -> Rule {
    mock!(aws_sdk_cloudwatch::Client::put_metric_alarm)
        .then_output(|| PutMetricAlarmOutput::builder().build())
}

#[tokio::test]
async fn a_cross_account_alarm_is_made_in_the_monitoring_account_with_metrics_naming_the_source() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    let home_put = mock!(aws_sdk_cloudwatch::Client::put_metric_alarm)
        .match_requests(move |r| {
            *record.lock().unwrap() = Some(r.clone());
            true
        })
        .then_output(|| PutMetricAlarmOutput::builder().build());
    let prod_put = put_rule();
    let s = source(
        clients(&[&home_put], false),
        Some(clients(&[&prod_put], false)),
    );
    let writer = s.writer().expect("the AWS source writes");
    writer.write(&put(MONITORING).into()).await.expect("put");
    assert_eq!(home_put.num_calls(), 1);
    assert_eq!(prod_put.num_calls(), 0, "made in the monitoring account");
    let input = seen.lock().unwrap().clone().expect("the request");
    // The Metrics[] form: no single-metric fields, one query returning data, with the
    // source account.
    assert!(input.metric_name().is_none() && input.namespace().is_none());
    assert!(input.statistic().is_none() && input.period().is_none());
    let metrics = input.metrics();
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0].account_id(), Some(PROD));
    assert_eq!(metrics[0].return_data(), Some(true));
    let stat = metrics[0].metric_stat().expect("metric stat");
    assert_eq!(stat.stat(), Some("Maximum"));
    assert_eq!(stat.period(), Some(60));
    assert_eq!(input.threshold(), Some(80.0));
    assert_eq!(input.datapoints_to_alarm(), Some(2));
    assert_eq!(input.treat_missing_data(), Some("notBreaching"));
    assert_eq!(input.alarm_actions().len(), 1);
    assert_eq!(input.tags().len(), 1);
}

#[tokio::test]
async fn an_alarm_in_the_source_account_is_plain_and_sent_with_that_accounts_credentials() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    let home_put = put_rule();
    let prod_put = mock!(aws_sdk_cloudwatch::Client::put_metric_alarm)
        .match_requests(move |r| {
            *record.lock().unwrap() = Some(r.clone());
            true
        })
        .then_output(|| PutMetricAlarmOutput::builder().build());
    let s = source(
        clients(&[&home_put], false),
        Some(clients(&[&prod_put], false)),
    );
    s.writer()
        .unwrap()
        .write(&put(PROD).into())
        .await
        .expect("put");
    assert_eq!((home_put.num_calls(), prod_put.num_calls()), (0, 1));
    let input = seen.lock().unwrap().clone().unwrap();
    assert_eq!(input.metric_name(), Some("CPUUtilization"));
    assert_eq!(input.dimensions().len(), 2);
    assert!(input.metrics().is_empty());
}

#[tokio::test]
async fn an_account_without_credentials_gets_a_message_naming_the_fix() {
    let s = source(clients(&[], false), None);
    let err = s
        .writer()
        .unwrap()
        .write(&put(PROD).into())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("role_arn"), "{err}");
}

#[tokio::test]
async fn a_denied_write_names_the_iam_action() {
    let denied = mock!(aws_sdk_cloudwatch::Client::put_metric_alarm).then_error(|| {
        PutMetricAlarmError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("not authorized")
                .build(),
        )
    });
    let s = source(clients(&[&denied], false), None);
    let err = s
        .writer()
        .unwrap()
        .write(&put(MONITORING).into())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "cloudwatch:PutMetricAlarm"),
        "{err:?}"
    );
}

/// Every mutating operation the console has, and a read, on clients built for read-only.
fn write_rules() -> [Rule; 5] {
    [
        put_rule(),
        mock!(aws_sdk_cloudwatch::Client::delete_alarms)
            .then_output(|| DeleteAlarmsOutput::builder().build()),
        mock!(aws_sdk_cloudwatch::Client::enable_alarm_actions)
            .then_output(|| EnableAlarmActionsOutput::builder().build()),
        mock!(aws_sdk_cloudwatch::Client::disable_alarm_actions)
            .then_output(|| DisableAlarmActionsOutput::builder().build()),
        mock!(aws_sdk_cloudwatch::Client::describe_alarms)
            .then_output(|| DescribeAlarmsOutput::builder().build()),
    ]
}

fn every_write() -> Vec<AlarmWrite> {
    let ids = vec!["a".to_owned()];
    vec![
        put(MONITORING),
        AlarmWrite::DeleteAlarms {
            account_id: MONITORING.into(),
            ids: ids.clone(),
            region: Default::default(),
        },
        AlarmWrite::SetActions {
            account_id: MONITORING.into(),
            ids: ids.clone(),
            enabled: true,
            region: Default::default(),
        },
        AlarmWrite::SetActions {
            account_id: MONITORING.into(),
            ids,
            enabled: false,
            region: Default::default(),
        },
    ]
}

#[tokio::test]
async fn read_only_clients_send_no_mutating_request_whoever_asks() {
    let rules = write_rules();
    let refs: Vec<&Rule> = rules.iter().collect();
    // The source itself is not told: the clients alone must refuse.
    let s = source(clients(&refs, true), None);
    for w in every_write() {
        let err = s
            .writer()
            .unwrap()
            .write(&w.clone().into())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
    }
    // Reads still go out.
    s.alarms_in(MONITORING)
        .await
        .expect("DescribeAlarms is a read");
    let sent: Vec<usize> = rules.iter().map(Rule::num_calls).collect();
    assert_eq!(sent, [0, 0, 0, 0, 1], "only the read reached the transport");
}

#[tokio::test]
async fn a_read_only_source_refuses_before_its_clients_and_the_gate_before_the_log() {
    let rules = write_rules();
    let refs: Vec<&Rule> = rules.iter().collect();
    let s = source(clients(&refs, false), None).with_readonly(true);
    for w in every_write() {
        assert!(s.writer().unwrap().write(&w.clone().into()).await.is_err());
    }
    // The gate refuses first, and writes nothing to the audit log.
    let dir = std::env::temp_dir().join(format!("sagewatch-ro-gate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let gate = Gate::new(
        true,
        Some(AuditLog::new(dir.join("audit.jsonl"))),
        identity(),
    );
    for w in every_write() {
        let out = gate.perform(s.writer(), &w.clone().into()).await;
        assert!(matches!(
            out,
            WriteOutcome::Refused(Refusal::ReadOnly { .. })
        ));
    }
    assert!(!dir.join("audit.jsonl").exists());
    let sent: usize = rules.iter().map(Rule::num_calls).sum();
    assert_eq!(sent, 0, "nothing reached the transport");
}
