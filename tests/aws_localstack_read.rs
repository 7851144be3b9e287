//! The read path's correctness against LocalStack, through the console's own update loop and
//! the real SDK clients: late datapoints are read again and corrected, and an alarm whose
//! name holds characters the sanitiser replaces still has its history found.

mod support;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit, StateValue};
use sagewatch::app::action::Action;
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::init;
use sagewatch::config::{Env, Overrides, load};
use sagewatch::source::SourceKind;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::Identity;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use support::emulators;

const REGION: &str = "us-east-1";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// The console's source, reading `account` with that account's own credentials.
async fn source_in(
    e: &emulators::Emulators,
    account: &str,
) -> (AwsSource, aws_sdk_cloudwatch::Client) {
    let base = emulators::config(&e.localstack, "000000000000", REGION).await;
    let cfg = emulators::assume(
        &base,
        &format!("arn:aws:iam::{account}:role/SagewatchOperator"),
    )
    .await;
    let clients = AccountClients {
        cloudwatch: aws_sdk_cloudwatch::Client::new(&cfg),
        sagemaker: aws_sdk_sagemaker::Client::new(&cfg),
        s3: aws_sdk_s3::Client::new(&cfg),
        scaling: aws_sdk_applicationautoscaling::Client::new(&cfg),
    };
    let identity = Identity {
        account_id: account.into(),
        arn: format!("arn:aws:iam::{account}:role/SagewatchOperator"),
        region: REGION.into(),
    };
    let source = AwsSource::from_clients(
        identity,
        Topology::Fanout,
        clients,
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    (source, aws_sdk_cloudwatch::Client::new(&cfg))
}

fn console(now: i64) -> State {
    let settings = load(&Overrides::default(), &Env::default()).expect("default settings");
    let mut state = State::new(
        SourceKind::Aws,
        now,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.size = (160, 48);
    state
}

async fn put(cw: &aws_sdk_cloudwatch::Client, metric: &str, at: i64, value: f64) {
    let dims = [
        ("EndpointName", "late-model"),
        ("VariantName", "AllTraffic"),
    ]
    .map(|(k, v)| Dimension::builder().name(k).value(v).build());
    cw.put_metric_data()
        .namespace("/aws/sagemaker/Endpoints")
        .metric_data(
            MetricDatum::builder()
                .metric_name(metric)
                .set_dimensions(Some(dims.to_vec()))
                .timestamp(aws_smithy_types::DateTime::from_secs(at))
                .value(value)
                .unit(StandardUnit::Percent)
                .build(),
        )
        .send()
        .await
        .expect("PutMetricData");
}

/// The CPU value the console holds for the minute starting at `slot`.
fn cpu_at(state: &State, slot: i64) -> Option<f32> {
    state
        .store
        .iter()
        .find(|(k, _)| k.metric == "CPUUtilization")
        .map(|(_, s)| s.at(slot))
        .filter(|v| !v.is_nan())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_minute_completed_late_is_corrected_on_screen() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let (source, cw) = source_in(&e, "555555555555").await;
    let t = now();
    let last = t.div_euclid(60) * 60 - 60;
    let earlier = last - 60;
    // The earlier minute has one instance's report so far; the last minute is complete.
    for metric in ["CPUUtilization", "MemoryUtilization", "DiskUtilization"] {
        put(&cw, metric, earlier + 5, 10.0).await;
        put(&cw, metric, last + 5, 50.0).await;
    }
    let mut state = console(t);
    let commands = init(&mut state);
    headless::settle(&source, &mut state, commands).await;
    assert_eq!(cpu_at(&state, last), Some(50.0));
    assert_eq!(
        cpu_at(&state, earlier),
        Some(10.0),
        "the partial minute, as it was then"
    );

    // The second instance's report of the earlier minute arrives late.
    put(&cw, "CPUUtilization", earlier + 20, 30.0).await;
    headless::apply(&source, &mut state, Action::Tick(t + 61)).await;
    assert_eq!(
        cpu_at(&state, earlier),
        Some(20.0),
        "the average of both reports, read again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_of_a_hostile_named_alarm_is_found_by_its_real_name() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let (source, cw) = source_in(&e, "666666666666").await;
    // A bidi override and a C1 control: legal in an alarm name, replaced when drawn.
    let hostile = "cpu\u{202e}high\u{85}-alarm";
    cw.put_metric_alarm()
        .alarm_name(hostile)
        .namespace("/aws/sagemaker/Endpoints")
        .metric_name("CPUUtilization")
        .dimensions(Dimension::builder().name("EndpointName").value("x").build())
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(90.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("PutMetricAlarm");
    cw.set_alarm_state()
        .alarm_name(hostile)
        .state_value(StateValue::Alarm)
        .state_reason("forced by the test")
        .send()
        .await
        .expect("SetAlarmState");
    let mut state = console(now());
    let commands = init(&mut state);
    headless::settle(&source, &mut state, commands).await;
    let alarm = state
        .alarms
        .iter()
        .find(|a| a.id == hostile)
        .expect("the alarm, under its real name");
    assert!(
        !alarm.name.contains('\u{202e}') && !alarm.name.chars().any(char::is_control),
        "drawn cleaned: {:?}",
        alarm.name
    );
    headless::apply(&source, &mut state, Action::ShowAlarms).await;
    let row = state
        .views
        .alarms
        .rows
        .iter()
        .position(|&i| state.alarms[i].id == hostile)
        .expect("listed");
    for _ in 0..row {
        headless::apply(&source, &mut state, Action::MoveDown).await;
    }
    // Headless, the history request runs inline: it has answered when `apply` returns.
    headless::apply(&source, &mut state, Action::Select).await;
    match &state.views.alarms.history {
        sagewatch::app::state::Loadable::Loaded(items) => assert!(
            items.iter().any(|i| i.summary.contains("ALARM")),
            "{items:?}"
        ),
        other => panic!("no history: {other:?}"),
    }
}

/// A team's own job publishes accuracy and AUC every 5 minutes under its own namespace and
/// dimension; the endpoint has no instance metrics. Configured as a quality source, it is
/// listed and its quality read at that period, as CloudWatch stored it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_quality_source_is_found_and_read_at_its_period() {
    let Some(localstack) = emulators::localstack() else {
        return;
    };
    let account = "666666666666";
    let base = emulators::config(&localstack, "000000000000", REGION).await;
    let cfg = emulators::assume(
        &base,
        &format!("arn:aws:iam::{account}:role/SagewatchOperator"),
    )
    .await;
    let clients = AccountClients {
        cloudwatch: aws_sdk_cloudwatch::Client::new(&cfg),
        sagemaker: aws_sdk_sagemaker::Client::new(&cfg),
        s3: aws_sdk_s3::Client::new(&cfg),
        scaling: aws_sdk_applicationautoscaling::Client::new(&cfg),
    };
    let source = AwsSource::from_clients(
        Identity {
            account_id: account.into(),
            arn: format!("arn:aws:iam::{account}:role/SagewatchOperator"),
            region: REGION.into(),
        },
        Topology::Fanout,
        clients,
        HashMap::new(),
        Vec::new(),
        Health::default(),
    )
    .with_quality_sources(&[sagewatch::config::QualityMetricsConfig {
        namespace: "MLTeam/ModelQuality".into(),
        endpoint_dimension: "model_endpoint".into(),
        period: 300,
    }]);
    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    let t = now();
    let slot = t.div_euclid(300) * 300 - 300;
    for (metric, value) in [("accuracy", 0.87), ("auc", 0.93)] {
        cw.put_metric_data()
            .namespace("MLTeam/ModelQuality")
            .metric_data(
                MetricDatum::builder()
                    .metric_name(metric)
                    .dimensions(
                        Dimension::builder()
                            .name("model_endpoint")
                            .value("team-model")
                            .build(),
                    )
                    .timestamp(aws_smithy_types::DateTime::from_secs(slot + 10))
                    .value(value)
                    .build(),
            )
            .send()
            .await
            .expect("PutMetricData custom quality");
    }

    let mut state = console(t);
    let commands = init(&mut state);
    headless::settle(&source, &mut state, commands).await;
    let e = state
        .endpoints
        .iter()
        .find(|e| e.account_id == account && e.name == "team-model")
        .unwrap_or_else(|| panic!("not listed: {:?}", state.endpoints));
    let q = e.quality.as_ref().expect("marked as a custom source");
    assert_eq!(
        (q.namespace.as_str(), q.period),
        ("MLTeam/ModelQuality", 300)
    );
    let latest = |id| sagewatch::app::query::metric_latest(&state.store, e, id);
    use sagewatch::source::metrics::MetricId;
    assert_eq!(latest(MetricId::Accuracy), Some((slot, 0.87)));
    assert_eq!(latest(MetricId::Auc), Some((slot, 0.93)));
}
