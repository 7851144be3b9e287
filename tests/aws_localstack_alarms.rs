//! Alarm writes against LocalStack through the console's own code (the AWS source and the
//! gate), each checked with DescribeAlarms: create in both forms, edit, mute, unmute, delete;
//! a hostile-named alarm muted and deleted under its exact name (never a cleaned one that may
//! be another alarm's); a created alarm that LocalStack evaluates reaches ALARM on screen.
//!
//! Each test has accounts of its own (LocalStack takes the account from the access key id).

mod support;

use aws_sdk_cloudwatch::types::{AlarmType, ComparisonOperator, StateValue};
use sagewatch::app::action::{Action, Loaded};
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::update;
use sagewatch::config::{Env, Overrides, load};
use sagewatch::source::alarm_write::{AlarmWrite, MissingData, Operator, PutAlarm};
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::{AlarmState, Identity, SeriesKey, Stat};
use sagewatch::source::{FleetSource, SourceKind};
use sagewatch::writes::audit::AuditLog;
use sagewatch::writes::{Gate, WriteOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use support::emulators;

const REGION: &str = "us-east-1";

struct Setup {
    source: AwsSource,
    gate: Gate,
    cw: aws_sdk_cloudwatch::Client,
    audit: std::path::PathBuf,
}

/// The console's source and gate in `account` (its own credentials), and a raw client there.
async fn setup(e: &emulators::Emulators, account: &str) -> Setup {
    let cfg = emulators::config(&e.localstack, account, REGION).await;
    let clients = AccountClients {
        cloudwatch: aws_sdk_cloudwatch::Client::new(&cfg),
        sagemaker: aws_sdk_sagemaker::Client::new(&cfg),
        s3: aws_sdk_s3::Client::new(&cfg),
        scaling: aws_sdk_applicationautoscaling::Client::new(&cfg),
    };
    let identity = Identity {
        account_id: account.into(),
        arn: format!("arn:aws:iam::{account}:user/oncall"),
        region: REGION.into(),
    };
    let source = AwsSource::from_clients(
        identity.clone(),
        Topology::Fanout,
        clients,
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    let dir = std::env::temp_dir().join(format!(
        "sagewatch-ls-alarms-{account}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let audit = dir.join("audit.jsonl");
    let gate = Gate::new(false, Some(AuditLog::new(audit.clone())), identity);
    Setup {
        source,
        gate,
        cw: aws_sdk_cloudwatch::Client::new(&cfg),
        audit,
    }
}

fn cpu(account: &str, endpoint: &str) -> SeriesKey {
    SeriesKey::new(
        account,
        "/aws/sagemaker/Endpoints",
        "CPUUtilization",
        &[("EndpointName", endpoint), ("VariantName", "AllTraffic")],
        Stat::Average,
        60,
    )
}

fn put(alarm_account: &str, name: &str, series: SeriesKey, threshold: f64) -> PutAlarm {
    PutAlarm {
        alarm_account: alarm_account.into(),
        name: name.into(),
        series,
        operator: Operator::GreaterThanThreshold,
        threshold,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        missing: MissingData::NotBreaching,
        actions_enabled: true,
        alarm_actions: vec![format!("arn:aws:sns:{REGION}:{alarm_account}:oncall")],
        ok_actions: vec![],
        insufficient_data_actions: vec![],
        unit: None,
        description: "made by the test".into(),
        // LocalStack 4.13 stores tags but then fails to serialise DescribeAlarms (a 500):
        // tags are proven on the mock layer (aws_alarm_writes_mocks).
        tags: vec![],
        edit: false,
    }
}

async fn send(s: &Setup, w: AlarmWrite) {
    let out = s.gate.perform(s.source.writer(), &w.clone().into()).await;
    assert!(
        matches!(out, WriteOutcome::Done(_)),
        "{} failed: {out:?}",
        w.operation()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_edit_mute_unmute_delete_through_the_source_as_describe_alarms_sees_them() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const HOME: &str = "777700000001";
    let s = setup(&e, HOME).await;

    // The plain form: the alarm in the metric's own account.
    send(
        &s,
        AlarmWrite::Put(Box::new(put(HOME, "plain-cpu", cpu(HOME, "fraud"), 80.0))),
    )
    .await;
    let a = emulators::metric_alarm(&s.cw, "plain-cpu")
        .await
        .expect("created");
    assert_eq!(a.metric_name(), Some("CPUUtilization"));
    assert_eq!(a.namespace(), Some("/aws/sagemaker/Endpoints"));
    assert_eq!(a.dimensions().len(), 2);
    assert_eq!(a.threshold(), Some(80.0));
    assert_eq!(
        a.comparison_operator(),
        Some(&ComparisonOperator::GreaterThanThreshold)
    );
    assert_eq!(a.treat_missing_data(), Some("notBreaching"));
    assert_eq!(a.alarm_actions().len(), 1);
    assert_eq!(a.alarm_description(), Some("made by the test"));

    // The Metrics[] form: a metric of another account (LocalStack keeps the query; it has no
    // OAM, so it does not evaluate across accounts).
    const SOURCE: &str = "777700000002";
    send(
        &s,
        AlarmWrite::Put(Box::new(put(HOME, "cross-cpu", cpu(SOURCE, "churn"), 90.0))),
    )
    .await;
    let a = emulators::metric_alarm(&s.cw, "cross-cpu")
        .await
        .expect("created");
    assert!(a.metric_name().is_none(), "no single-metric fields");
    let q = a.metrics();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].return_data(), Some(true));
    let ms = q[0].metric_stat().expect("MetricStat");
    assert_eq!(
        ms.metric().and_then(|m| m.metric_name()),
        Some("CPUUtilization")
    );
    assert_eq!(ms.period(), Some(60));

    // Edit: the same name, a new threshold; the console reads it back for the next edit.
    let mut edited = put(HOME, "plain-cpu", cpu(HOME, "fraud"), 70.0);
    edited.edit = true;
    send(&s, AlarmWrite::Put(Box::new(edited))).await;
    assert_eq!(
        emulators::metric_alarm(&s.cw, "plain-cpu")
            .await
            .unwrap()
            .threshold(),
        Some(70.0)
    );
    let read = s.source.alarms_in(HOME).await.unwrap();
    let plain = read.iter().find(|a| a.id == "plain-cpu").unwrap();
    assert_eq!(plain.settings.treat_missing, "notBreaching");
    assert_eq!(plain.settings.alarm_actions.len(), 1);

    // Mute, unmute.
    let set = |enabled| AlarmWrite::SetActions {
        account_id: HOME.into(),
        ids: vec!["plain-cpu".into(), "cross-cpu".into()],
        enabled,
        region: Default::default(),
    };
    send(&s, set(false)).await;
    assert_eq!(
        emulators::metric_alarm(&s.cw, "plain-cpu")
            .await
            .unwrap()
            .actions_enabled(),
        Some(false)
    );
    assert_eq!(
        emulators::metric_alarm(&s.cw, "cross-cpu")
            .await
            .unwrap()
            .actions_enabled(),
        Some(false)
    );
    send(&s, set(true)).await;
    assert_eq!(
        emulators::metric_alarm(&s.cw, "plain-cpu")
            .await
            .unwrap()
            .actions_enabled(),
        Some(true)
    );

    // Delete.
    send(
        &s,
        AlarmWrite::DeleteAlarms {
            account_id: HOME.into(),
            ids: vec!["plain-cpu".into(), "cross-cpu".into()],
            region: Default::default(),
        },
    )
    .await;
    assert!(emulators::metric_alarm(&s.cw, "plain-cpu").await.is_none());
    assert!(emulators::metric_alarm(&s.cw, "cross-cpu").await.is_none());

    // Every call left an intent and an outcome.
    let log = std::fs::read_to_string(&s.audit).unwrap();
    let phases: Vec<String> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["phase"].to_string())
        .collect();
    assert_eq!(phases.len(), 2 * 6);
    assert!(
        phases
            .chunks(2)
            .all(|p| p[0] == "\"intent\"" && p[1] == "\"outcome\"")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_named_alarm_is_muted_and_deleted_under_its_exact_name_not_its_cleaned_twin() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const HOME: &str = "777700000003";
    let s = setup(&e, HOME).await;
    let hostile = "cpu-\u{202e}hgih";
    let cleaned = sagewatch::sanitize::clean(hostile).into_owned();
    assert_ne!(hostile, cleaned);
    // The hostile alarm, and another alarm whose name is exactly the cleaned text.
    for name in [hostile, cleaned.as_str()] {
        send(
            &s,
            AlarmWrite::Put(Box::new(put(HOME, name, cpu(HOME, "fraud"), 80.0))),
        )
        .await;
    }
    // The console's view of them: both drawn alike, told apart by `id`.
    let alarms = s.source.alarms_in(HOME).await.unwrap();
    let mut state = console();
    update(
        &mut state,
        Action::Loaded(Box::new(Loaded::AlarmsIn {
            account_id: HOME.into(),
            result: Ok(alarms),
        })),
    );
    let target = state
        .alarms
        .iter()
        .find(|a| a.id == hostile)
        .expect("listed");
    assert_eq!(target.name, cleaned, "drawn cleaned");

    send(
        &s,
        AlarmWrite::SetActions {
            account_id: HOME.into(),
            ids: vec![target.id.clone()],
            enabled: false,
            region: Default::default(),
        },
    )
    .await;
    assert_eq!(
        emulators::metric_alarm(&s.cw, hostile)
            .await
            .unwrap()
            .actions_enabled(),
        Some(false)
    );
    assert_eq!(
        emulators::metric_alarm(&s.cw, &cleaned)
            .await
            .unwrap()
            .actions_enabled(),
        Some(true),
        "the twin is untouched"
    );
    send(
        &s,
        AlarmWrite::DeleteAlarms {
            account_id: HOME.into(),
            ids: vec![target.id.clone()],
            region: Default::default(),
        },
    )
    .await;
    assert!(emulators::metric_alarm(&s.cw, hostile).await.is_none());
    assert!(
        emulators::metric_alarm(&s.cw, &cleaned).await.is_some(),
        "the twin is still there"
    );
    // The audit log holds the exact name, escaped so that `cat` shows no control character.
    let log = std::fs::read_to_string(&s.audit).unwrap();
    assert!(!log.contains('\u{202e}') && log.contains("\\u202e"));
}

fn console() -> State {
    let settings = load(&Overrides::default(), &Env::default()).expect("default settings");
    let mut state = State::new(
        SourceKind::Aws,
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.size = (160, 48);
    state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_alarm_that_localstack_evaluates_reaches_alarm_in_the_console() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const HOME: &str = "777700000004";
    let s = setup(&e, HOME).await;
    send(
        &s,
        AlarmWrite::Put(Box::new(put(HOME, "hot-cpu", cpu(HOME, "hot"), 50.0))),
    )
    .await;
    emulators::put_instance_metrics(&s.cw, "hot", "AllTraffic", &[("CPUUtilization", 95.0)]).await;

    let mut state = console();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        headless::settle(
            &s.source,
            &mut state,
            vec![sagewatch::app::command::Command::RereadAlarms(HOME.into())],
        )
        .await;
        let shown = state
            .alarms
            .iter()
            .find(|a| a.id == "hot-cpu")
            .map(|a| a.state);
        if shown == Some(AlarmState::Alarm) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never went to ALARM: {shown:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let raw = emulators::metric_alarm(&s.cw, "hot-cpu").await.unwrap();
    assert_eq!(raw.state_value(), Some(&StateValue::Alarm));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_composite_alarm_is_muted_unmuted_and_deleted_like_a_metric_alarm() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const HOME: &str = "777700000005";
    let s = setup(&e, HOME).await;
    send(
        &s,
        AlarmWrite::Put(Box::new(put(HOME, "child-cpu", cpu(HOME, "fraud"), 80.0))),
    )
    .await;
    s.cw.put_composite_alarm()
        .alarm_name("parent-health")
        .alarm_rule("ALARM(child-cpu)")
        .send()
        .await
        .expect("PutCompositeAlarm");
    let composite = |cw: aws_sdk_cloudwatch::Client| async move {
        cw.describe_alarms()
            .alarm_names("parent-health")
            .alarm_types(AlarmType::CompositeAlarm)
            .send()
            .await
            .expect("DescribeAlarms")
            .composite_alarms()
            .first()
            .cloned()
    };
    // The console lists it (through the source) and acts on it by its id.
    let listed = s.source.alarms_in(HOME).await.unwrap();
    let parent = listed
        .iter()
        .find(|a| a.id == "parent-health")
        .expect("listed");
    assert!(parent.series().is_none(), "a composite");
    let set = |enabled| AlarmWrite::SetActions {
        account_id: HOME.into(),
        ids: vec!["parent-health".into()],
        enabled,
        region: Default::default(),
    };
    send(&s, set(false)).await;
    assert_eq!(
        composite(s.cw.clone()).await.unwrap().actions_enabled(),
        Some(false)
    );
    send(&s, set(true)).await;
    assert_eq!(
        composite(s.cw.clone()).await.unwrap().actions_enabled(),
        Some(true)
    );
    send(
        &s,
        AlarmWrite::DeleteAlarms {
            account_id: HOME.into(),
            ids: vec!["parent-health".into()],
            region: Default::default(),
        },
    )
    .await;
    assert!(composite(s.cw.clone()).await.is_none());
    assert!(
        emulators::metric_alarm(&s.cw, "child-cpu").await.is_some(),
        "its child stays"
    );
}
