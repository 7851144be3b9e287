//! The live AWS source against wire-level emulators, through the real binary:
//! - fan-out over three accounts reached by AssumeRole (LocalStack's STS and CloudWatch);
//! - SageMaker endpoint status from ListEndpoints (moto).
//!
//! Each test uses accounts of its own, so they share one LocalStack safely.

mod support;

use aws_config::SdkConfig;
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, MetricDatum, StateValue, Statistic,
};
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};
use support::emulators::{self, Emulators};
use support::tmux::BIN;

const REGION: &str = "us-east-1";

fn dims(pairs: &[(&str, &str)]) -> Vec<Dimension> {
    pairs
        .iter()
        .map(|(k, v)| Dimension::builder().name(*k).value(*v).build())
        .collect()
}

fn ago(secs: u64) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from(SystemTime::now() - Duration::from_secs(secs))
}

/// One endpoint's instance metrics (two recent minutes) and, when given, its Model Monitor
/// accuracy (this hour).
async fn seed_endpoint(
    cw: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    variant: &str,
    cpu: f64,
    mem: f64,
    disk: f64,
    accuracy: Option<f64>,
) {
    emulators::put_instance_metrics(
        cw,
        endpoint,
        variant,
        &[
            ("CPUUtilization", cpu),
            ("MemoryUtilization", mem),
            ("DiskUtilization", disk),
        ],
    )
    .await;
    if let Some(acc) = accuracy {
        cw.put_metric_data()
            .namespace("aws/sagemaker/Endpoints/model-metrics")
            .metric_data(
                MetricDatum::builder()
                    .metric_name("accuracy")
                    .set_dimensions(Some(dims(&[
                        ("Endpoint", endpoint),
                        ("MonitoringSchedule", &format!("{endpoint}-mq")),
                    ])))
                    .timestamp(ago(30))
                    .value(acc)
                    .build(),
            )
            .send()
            .await
            .expect("PutMetricData model quality");
    }
}

async fn alarm_on_memory(
    cw: &aws_sdk_cloudwatch::Client,
    name: &str,
    endpoint: &str,
    threshold: f64,
) {
    cw.put_metric_alarm()
        .alarm_name(name)
        .namespace("/aws/sagemaker/Endpoints")
        .metric_name("MemoryUtilization")
        .set_dimensions(Some(dims(&[
            ("EndpointName", endpoint),
            ("VariantName", "AllTraffic"),
        ])))
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(1)
        .threshold(threshold)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("PutMetricAlarm");
}

async fn wait_for_state(cw: &aws_sdk_cloudwatch::Client, name: &str, want: StateValue) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = cw
            .describe_alarms()
            .alarm_names(name)
            .send()
            .await
            .expect("DescribeAlarms");
        let state = out
            .metric_alarms()
            .first()
            .and_then(|a| a.state_value().cloned());
        if state.as_ref() == Some(&want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "LocalStack never evaluated {name} into {want:?} (now {state:?})"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn in_account(e: &Emulators, account: &str) -> SdkConfig {
    let base = emulators::config(&e.localstack, "000000000000", REGION).await;
    emulators::assume(
        &base,
        &format!("arn:aws:iam::{account}:role/SagewatchOperator"),
    )
    .await
}

fn snapshot(e: &Emulators, access_key: &str, region: &str, config: &str) -> (Value, String, i32) {
    let home = tempdir("snapshot");
    let cfg = home.join("config.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = Command::new(BIN)
        .env_clear()
        .envs(emulators::sagewatch_env(e, access_key, region, &home))
        .args(["snapshot", "--json", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|err| panic!("snapshot JSON ({err}); stderr: {stderr}"));
    let _ = std::fs::remove_dir_all(&home);
    (json, stderr, out.status.code().unwrap_or(-1))
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sagewatch-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn latest(endpoint: &Value, metric: &str) -> Option<f64> {
    endpoint["latest"][metric].as_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_lists_exactly_the_seeded_accounts_endpoints_values_and_alarm_states() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let prod = aws_sdk_cloudwatch::Client::new(&in_account(&e, "111111111111").await);
    let staging = aws_sdk_cloudwatch::Client::new(&in_account(&e, "222222222222").await);
    let test = aws_sdk_cloudwatch::Client::new(&in_account(&e, "333333333333").await);

    seed_endpoint(
        &prod,
        "fraud-detector",
        "AllTraffic",
        35.0,
        97.0,
        40.0,
        Some(0.91),
    )
    .await;
    seed_endpoint(
        &staging,
        "churn-model",
        "AllTraffic",
        20.0,
        55.0,
        30.0,
        Some(0.88),
    )
    .await;
    seed_endpoint(&test, "recommender", "blue", 12.0, 41.0, 22.0, None).await;
    seed_endpoint(&test, "recommender", "green", 18.0, 44.0, 25.0, None).await;
    // Breaching data exists: LocalStack evaluates this one into ALARM, the other into OK.
    alarm_on_memory(&prod, "fraud-detector-memory", "fraud-detector", 90.0).await;
    alarm_on_memory(&staging, "churn-model-memory", "churn-model", 90.0).await;
    wait_for_state(&prod, "fraud-detector-memory", StateValue::Alarm).await;
    wait_for_state(&staging, "churn-model-memory", StateValue::Ok).await;

    let config = r#"
topology = "fanout"

[[accounts]]
id = "111111111111"
label = "prod"
role_arn = "arn:aws:iam::111111111111:role/SagewatchOperator"

[[accounts]]
id = "222222222222"
label = "staging"
role_arn = "arn:aws:iam::222222222222:role/SagewatchOperator"

[[accounts]]
id = "333333333333"
label = "test"
role_arn = "arn:aws:iam::333333333333:role/SagewatchOperator"
"#;
    // The console's own identity is 000000000000, which assumes each account's role.
    let (snap, stderr, code) = snapshot(&e, "000000000000", REGION, config);
    assert_monitor_unserved_only(&snap, code, &stderr);
    assert_eq!(snap["mode"], "aws");
    assert_eq!(snap["monitoring_account"]["id"], "000000000000");

    let accounts: Vec<(String, String, u64)> = snap["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["label"].as_str().unwrap().to_owned(),
                a["endpoints"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        accounts,
        [
            ("111111111111".into(), "prod".into(), 1),
            ("222222222222".into(), "staging".into(), 1),
            ("333333333333".into(), "test".into(), 1),
        ]
    );

    let endpoints = snap["endpoints"].as_array().unwrap();
    let mut names: Vec<(&str, &str)> = endpoints
        .iter()
        .map(|e| {
            (
                e["account_id"].as_str().unwrap(),
                e["name"].as_str().unwrap(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("111111111111", "fraud-detector"),
            ("222222222222", "churn-model"),
            ("333333333333", "recommender"),
        ]
    );
    let by_name = |n: &str| endpoints.iter().find(|e| e["name"] == n).unwrap();
    let fraud = by_name("fraud-detector");
    assert_eq!(latest(fraud, "CPUUtilization"), Some(35.0));
    assert_eq!(latest(fraud, "MemoryUtilization"), Some(97.0));
    assert_eq!(latest(fraud, "DiskUtilization"), Some(40.0));
    assert_eq!(latest(fraud, "accuracy"), Some(0.91));
    assert_eq!(fraud["account_label"], "prod");
    assert_eq!(fraud["stale"], false);
    let churn = by_name("churn-model");
    assert_eq!(latest(churn, "accuracy"), Some(0.88));
    assert_eq!(latest(churn, "MemoryUtilization"), Some(55.0));
    // Two variants: utilisation shows the worse one.
    let rec = by_name("recommender");
    assert_eq!(latest(rec, "CPUUtilization"), Some(18.0));
    assert_eq!(latest(rec, "MemoryUtilization"), Some(44.0));
    assert_eq!(latest(rec, "accuracy"), None, "no Model Monitor on it");

    let alarms = snap["alarms"].as_array().unwrap();
    let states: Vec<(&str, &str, &str, Option<&str>)> = alarms
        .iter()
        .map(|a| {
            (
                a["account_id"].as_str().unwrap(),
                a["name"].as_str().unwrap(),
                a["state"].as_str().unwrap(),
                a["endpoint"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            (
                "111111111111",
                "fraud-detector-memory",
                "ALARM",
                Some("fraud-detector")
            ),
            (
                "222222222222",
                "churn-model-memory",
                "OK",
                Some("churn-model")
            ),
        ]
    );
    assert_eq!(alarms[0]["threshold"], 90.0);
    assert!(
        alarms[0]["reason"]
            .as_str()
            .unwrap()
            .contains("Threshold Crossed"),
        "LocalStack's own reason: {}",
        alarms[0]["reason"]
    );
    // Every series went through GetMetricData in batches of at most 500.
    assert!(snap["usage"]["get_metric_data_calls"].as_u64().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sagemaker_endpoint_status_reaches_the_endpoint_rows() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    // One account everywhere: LocalStack takes it from the 12-digit key, moto uses it as its
    // default account. Its own region keeps moto's endpoints away from the other test.
    const ACCOUNT: &str = "123456789012";
    const MOTO_REGION: &str = "eu-west-1";
    let cw = aws_sdk_cloudwatch::Client::new(
        &emulators::config(&e.localstack, ACCOUNT, MOTO_REGION).await,
    );
    seed_endpoint(&cw, "scoring", "AllTraffic", 10.0, 20.0, 30.0, None).await;
    seed_endpoint(&cw, "retired", "AllTraffic", 1.0, 2.0, 3.0, None).await;

    let sm =
        aws_sdk_sagemaker::Client::new(&emulators::config(&e.moto, ACCOUNT, MOTO_REGION).await);
    use aws_sdk_sagemaker::types::{
        ContainerDefinition, ProductionVariant, ProductionVariantInstanceType,
    };
    for name in ["scoring", "warming-up"] {
        sm.create_model()
            .model_name(name)
            .execution_role_arn(format!("arn:aws:iam::{ACCOUNT}:role/sm"))
            .primary_container(
                ContainerDefinition::builder()
                    .image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1")
                    .build(),
            )
            .send()
            .await
            .expect("CreateModel");
        sm.create_endpoint_config()
            .endpoint_config_name(name)
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name(name)
                    .initial_instance_count(1)
                    .instance_type(ProductionVariantInstanceType::MlM5Large)
                    .build(),
            )
            .send()
            .await
            .expect("CreateEndpointConfig");
        sm.create_endpoint()
            .endpoint_name(name)
            .endpoint_config_name(name)
            .send()
            .await
            .expect("CreateEndpoint");
    }
    let mut moto_status = std::collections::HashMap::new();
    for name in ["scoring", "warming-up"] {
        let d = sm
            .describe_endpoint()
            .endpoint_name(name)
            .send()
            .await
            .unwrap();
        let status = d.endpoint_status().expect("moto gives a status");
        moto_status.insert(name, status.as_str().to_owned());
    }
    let scoring_status = moto_status["scoring"].clone();
    // What "what changed" searches by name: the endpoint's config and its model, as moto's
    // DescribeEndpoint and DescribeEndpointConfig answer.
    let makeup = sagewatch::source::aws::sagemaker::endpoint_makeup(&sm, "scoring", "moto")
        .await
        .expect("DescribeEndpoint, DescribeEndpointConfig");
    assert_eq!(makeup.config, "scoring");
    assert_eq!(makeup.models, ["scoring"]);

    let (snap, stderr, code) = snapshot(&e, ACCOUNT, MOTO_REGION, "topology = \"fanout\"\n");
    assert_monitor_unserved_only(&snap, code, &stderr);
    let endpoints = snap["endpoints"].as_array().unwrap();
    let status = |n: &str| {
        endpoints
            .iter()
            .find(|e| e["name"] == n)
            .unwrap_or_else(|| panic!("{n} missing: {snap:#}"))["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // SageMaker's status, not the "seen in metrics only" Unknown.
    assert_eq!(status("scoring"), scoring_status);
    assert_ne!(status("scoring"), "Unknown");
    // Metrics but no SageMaker endpoint (deleted): Unknown.
    assert_eq!(status("retired"), "Unknown");
    // A SageMaker endpoint with no metrics yet still gets its row.
    assert_eq!(status("warming-up"), moto_status["warming-up"]);
}

/// moto answers Model Monitor's operations with an HTML 500 (it has none): the snapshot then
/// says so, per account, and exits 1 as partial. Any other error fails the test.
fn assert_monitor_unserved_only(snap: &Value, code: i32, stderr: &str) {
    let errors = snap["errors"].as_array().cloned().unwrap_or_default();
    let other: Vec<&Value> = errors
        .iter()
        .filter(|e| !e.as_str().is_some_and(|e| e.starts_with("ListMonitoring")))
        .collect();
    assert!(other.is_empty(), "stderr: {stderr}\n{snap:#}");
    let expected = if errors.is_empty() { 0 } else { 1 };
    assert_eq!(code, expected, "a partial snapshot exits 1: {stderr}");
}

/// Issue 26: two regions, each read with its own clients. Metrics and alarms are seeded in
/// eu-west-1 and us-east-1 of one account; the snapshot lists both endpoints and both alarms,
/// each with its region, and each endpoint's values are its own region's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_regions_are_both_in_the_snapshot_each_with_its_region() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const ACCOUNT: &str = "444444444444";
    let in_region = |region: &'static str| {
        let localstack = e.localstack.clone();
        async move {
            let base = emulators::config(&localstack, "000000000000", region).await;
            let role = format!("arn:aws:iam::{ACCOUNT}:role/SagewatchOperator");
            aws_sdk_cloudwatch::Client::new(&emulators::assume(&base, &role).await)
        }
    };
    let (eu, us) = (in_region("eu-west-1").await, in_region("us-east-1").await);
    seed_endpoint(&eu, "eu-scorer", "AllTraffic", 31.0, 95.0, 20.0, None).await;
    seed_endpoint(&us, "us-scorer", "AllTraffic", 42.0, 50.0, 21.0, None).await;
    alarm_on_memory(&eu, "eu-scorer-memory", "eu-scorer", 90.0).await;
    alarm_on_memory(&us, "us-scorer-memory", "us-scorer", 90.0).await;
    wait_for_state(&eu, "eu-scorer-memory", StateValue::Alarm).await;
    wait_for_state(&us, "us-scorer-memory", StateValue::Ok).await;

    let config = format!(
        r#"
topology = "fanout"
regions = ["eu-west-1", "us-east-1"]

[[accounts]]
id = "{ACCOUNT}"
label = "global"
role_arn = "arn:aws:iam::{ACCOUNT}:role/SagewatchOperator"
"#
    );
    let (snap, stderr, code) = snapshot(&e, "000000000000", "eu-west-1", &config);
    // moto serves no ListMonitoringSchedules: that read fails in each region, named by it.
    let errors = snap["errors"].as_array().cloned().unwrap_or_default();
    let other: Vec<&Value> = (errors.iter())
        .filter(|e| !e.as_str().is_some_and(|e| e.contains("ListMonitoring")))
        .collect();
    assert!(other.is_empty(), "stderr: {stderr}\n{snap:#}");
    assert!(code <= 1, "{stderr}");

    let endpoints = snap["endpoints"].as_array().unwrap();
    // moto's SageMaker answers every account alike: other tests' endpoints are listed too.
    let mut seen: Vec<(&str, &str, Option<f64>)> = (endpoints.iter())
        .filter(|e| e["name"].as_str().unwrap().ends_with("-scorer"))
        .map(|e| {
            (
                e["name"].as_str().unwrap(),
                e["region"].as_str().unwrap(),
                latest(e, "CPUUtilization"),
            )
        })
        .collect();
    seen.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(
        seen,
        [
            ("eu-scorer", "eu-west-1", Some(31.0)),
            ("us-scorer", "us-east-1", Some(42.0)),
        ]
    );
    let alarms = snap["alarms"].as_array().unwrap();
    let mut states: Vec<(&str, &str, &str)> = (alarms.iter())
        .filter(|a| a["alarm_account_id"] == ACCOUNT)
        .map(|a| {
            (
                a["name"].as_str().unwrap(),
                a["region"].as_str().unwrap(),
                a["state"].as_str().unwrap(),
            )
        })
        .collect();
    states.sort();
    assert_eq!(
        states,
        [
            ("eu-scorer-memory", "eu-west-1", "ALARM"),
            ("us-scorer-memory", "us-east-1", "OK"),
        ]
    );
}
