//! The local AWS emulators `scripts/test` starts (LocalStack for CloudWatch, Logs, STS and S3; moto
//! for SageMaker and Athena), and SDK configs that talk to them as a given account.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_types::region::Region;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub struct Emulators {
    pub localstack: String,
    pub moto: String,
}

/// The emulators of this test run. Without them a test is skipped with a note, except under
/// `scripts/test` (`SAGEWATCH_REQUIRE_EMULATORS=1`), where a missing emulator is a failure.
pub fn emulators() -> Option<Emulators> {
    let localstack = std::env::var("SAGEWATCH_TEST_LOCALSTACK").ok();
    let moto = std::env::var("SAGEWATCH_TEST_MOTO").ok();
    match (localstack, moto) {
        (Some(localstack), Some(moto)) => Some(Emulators { localstack, moto }),
        _ => {
            assert!(
                std::env::var("SAGEWATCH_REQUIRE_EMULATORS").as_deref() != Ok("1"),
                "SAGEWATCH_TEST_LOCALSTACK/SAGEWATCH_TEST_MOTO are not set: run scripts/test"
            );
            eprintln!("skipped: no emulators (run scripts/test to start them)");
            None
        }
    }
}

/// LocalStack alone, for tests that need nothing from moto; skipped (or failed under
/// `SAGEWATCH_REQUIRE_EMULATORS=1`) like `emulators()`.
pub fn localstack() -> Option<String> {
    match std::env::var("SAGEWATCH_TEST_LOCALSTACK") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("SAGEWATCH_REQUIRE_EMULATORS").as_deref() != Ok("1"),
                "SAGEWATCH_TEST_LOCALSTACK is not set: run scripts/test"
            );
            eprintln!("skipped: no LocalStack (run scripts/test to start it)");
            None
        }
    }
}

/// moto alone, for tests that need nothing from LocalStack; skipped (or failed under
/// `SAGEWATCH_REQUIRE_EMULATORS=1`) like `emulators()`.
pub fn moto() -> Option<String> {
    match std::env::var("SAGEWATCH_TEST_MOTO") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("SAGEWATCH_REQUIRE_EMULATORS").as_deref() != Ok("1"),
                "SAGEWATCH_TEST_MOTO is not set: run scripts/test"
            );
            eprintln!("skipped: no moto (run scripts/test to start it)");
            None
        }
    }
}

/// The account moto files everything under for credentials it did not issue itself.
pub const MOTO_ACCOUNT: &str = "123456789012";

/// Queues one Athena result in moto (`POST /moto-api/static/athena/query-results`): the
/// next query started in `account_id` and `region` gets it. moto adds no header row (real
/// Athena puts one first on page 1 of a SELECT): put it in `rows` yourself. `None` is NULL
/// (a datum without VarCharValue). The queue is per account and region and shared by every
/// test on the same moto, so a test seeds and queries in a region no other test uses.
pub fn seed_athena_result(
    moto: &str,
    account_id: &str,
    region: &str,
    columns: &[&str],
    rows: &[Vec<Option<&str>>],
) {
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let data: Vec<serde_json::Value> = r
                .iter()
                .map(|c| match c {
                    Some(v) => serde_json::json!({ "VarCharValue": v }),
                    None => serde_json::json!({}),
                })
                .collect();
            serde_json::json!({ "Data": data })
        })
        .collect();
    let column_info: Vec<serde_json::Value> = columns
        .iter()
        .map(|name| {
            serde_json::json!({
                "CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": name,
                "Label": name, "Type": "varchar", "Precision": 2147483647, "Scale": 0,
                "Nullable": "UNKNOWN", "CaseSensitive": true,
            })
        })
        .collect();
    let body = serde_json::json!({
        "account_id": account_id,
        "region": region,
        "results": [{ "rows": rows, "column_info": column_info }],
    });
    let out = Command::new("curl")
        .args(["-fsS", "-X", "POST", "-H", "Content-Type: application/json"])
        .arg("--data-binary")
        .arg(body.to_string())
        .arg(format!("{moto}/moto-api/static/athena/query-results"))
        .output()
        .expect("curl");
    assert!(
        out.status.success(),
        "seeding moto's Athena results failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Creates processing job `name` at moto (one ml.m5.large; moto keeps it Completed, its end
/// at its creation, and stores neither its resources nor a schedule).
pub async fn create_processing_job(sm: &aws_sdk_sagemaker::Client, name: &str) {
    use aws_sdk_sagemaker::types::{
        AppSpecification, ProcessingClusterConfig, ProcessingInstanceType, ProcessingResources,
    };
    sm.create_processing_job()
        .processing_job_name(name)
        .processing_resources(
            ProcessingResources::builder()
                .cluster_config(
                    ProcessingClusterConfig::builder()
                        .instance_count(1)
                        .instance_type(ProcessingInstanceType::MlM5Large)
                        .volume_size_in_gb(20)
                        .build(),
                )
                .build(),
        )
        .app_specification(
            AppSpecification::builder()
                .image_uri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/monitor:latest")
                .build(),
        )
        .role_arn("arn:aws:iam::123456789012:role/SageMakerRole")
        .send()
        .await
        .expect("CreateProcessingJob at moto");
}

/// SDK config for `endpoint` with static credentials. LocalStack takes the account from a
/// 12-digit access key id.
pub async fn config(endpoint: &str, access_key: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(access_key, "test", None, None, "test"))
        .load()
        .await
}

/// `base` with credentials of `role_arn`, assumed through the emulator's STS.
pub async fn assume(base: &SdkConfig, role_arn: &str) -> SdkConfig {
    let sts = aws_sdk_sts::Client::new(base);
    let out = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("seed")
        .send()
        .await
        .expect("AssumeRole on the emulator");
    let c = out.credentials().expect("credentials");
    base.to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                Some(c.session_token().to_owned()),
                None,
                "assumed",
            )),
        )
        .build()
}

/// Environment for running the binary against the emulators as `access_key`, with no user
/// AWS files and no instance metadata lookups.
pub fn sagewatch_env(
    e: &Emulators,
    access_key: &str,
    region: &str,
    home: &Path,
) -> Vec<(String, String)> {
    [
        ("HOME", home.display().to_string()),
        (
            "XDG_CONFIG_HOME",
            home.join(".config").display().to_string(),
        ),
        ("AWS_ACCESS_KEY_ID", access_key.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
        ("AWS_REGION", region.to_owned()),
        ("AWS_ENDPOINT_URL", e.localstack.clone()),
        ("AWS_ENDPOINT_URL_SAGEMAKER", e.moto.clone()),
        (
            "AWS_CONFIG_FILE",
            home.join("no-aws-config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials").display().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A LocalStack of a test's own (the fault test stops and restarts it), on a fixed port.
pub struct OwnLocalStack {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl OwnLocalStack {
    pub fn start(name: &str) -> Self {
        let script = repo_root().join("tests/emulators/emulators");
        let port: u16 = String::from_utf8(
            Command::new(&script)
                .arg("free-port")
                .output()
                .expect("free-port")
                .stdout,
        )
        .unwrap()
        .trim()
        .parse()
        .unwrap();
        let dir = std::env::temp_dir().join(format!("sagewatch-{name}-{}", std::process::id()));
        let mut s = Self {
            port,
            dir,
            child: None,
        };
        s.resume();
        s
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port with fresh state, and waits until it answers.
    pub fn resume(&mut self) {
        use std::os::unix::process::CommandExt;
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::create_dir_all(&self.dir).unwrap();
        let log = std::fs::File::create(self.dir.with_extension("log")).unwrap();
        let child = Command::new(repo_root().join("tests/emulators/emulators"))
            .args(["localstack", &self.port.to_string()])
            .arg(&self.dir)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            // Its own process group, so that stopping it stops its workers too.
            .process_group(0)
            .spawn()
            .expect("start LocalStack");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(120);
        let health = format!("{}/_localstack/health", self.url());
        while !Command::new("curl")
            .args(["-fsS", "-o", "/dev/null", &health])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            assert!(Instant::now() < deadline, "LocalStack did not start");
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// Kills the whole process group, as a crash or a lost host would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnLocalStack {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Instance metrics of one endpoint variant, as SageMaker publishes them: `value - 1` two and a
/// half minutes ago, `value` a minute ago (the newest point).
pub async fn put_instance_metrics(
    cw: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    variant: &str,
    values: &[(&str, f64)],
) {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
    let dims: Vec<Dimension> = [("EndpointName", endpoint), ("VariantName", variant)]
        .iter()
        .map(|(k, v)| Dimension::builder().name(*k).value(*v).build())
        .collect();
    let mut data = Vec::new();
    for (metric, value) in values {
        for (age, v) in [(150, value - 1.0), (60, *value)] {
            data.push(
                MetricDatum::builder()
                    .metric_name(*metric)
                    .set_dimensions(Some(dims.clone()))
                    .timestamp(aws_smithy_types::DateTime::from(
                        std::time::SystemTime::now() - Duration::from_secs(age),
                    ))
                    .value(v)
                    .unit(StandardUnit::Percent)
                    .build(),
            );
        }
    }
    cw.put_metric_data()
        .namespace("/aws/sagemaker/Endpoints")
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("PutMetricData");
}

/// The metric alarm named exactly `name`, as DescribeAlarms returns it (`None` when absent).
pub async fn metric_alarm(
    cw: &aws_sdk_cloudwatch::Client,
    name: &str,
) -> Option<aws_sdk_cloudwatch::types::MetricAlarm> {
    cw.describe_alarms()
        .alarm_names(name)
        .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
        .send()
        .await
        .expect("DescribeAlarms")
        .metric_alarms()
        .first()
        .cloned()
}

/// The Python of the moto venv `tests/emulators/emulators install` made (boto3 is in it):
/// under `SAGEWATCH_EMULATORS_DIR`, else the script's default `target/emulators`.
pub fn moto_python() -> PathBuf {
    let root = std::env::var_os("SAGEWATCH_EMULATORS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/emulators"));
    let python = root.join("moto/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run tests/emulators/emulators install (scripts/test does)",
        python.display()
    );
    python
}

/// One log stream to seed: its group, its name, and its events (epoch ms, message).
pub struct SeedStream<'a> {
    pub group: &'a str,
    pub stream: &'a str,
    pub events: Vec<(i64, String)>,
}

/// Creates log groups and streams and puts their events with boto3, as a user's own tooling
/// would, in `account_id` of `endpoint`: moto takes the account from the `x-moto-account-id`
/// header, LocalStack from a 12-digit access key id (both are sent). Groups that exist already
/// are kept.
pub fn seed_logs(endpoint: &str, account_id: &str, region: &str, streams: &[SeedStream<'_>]) {
    use std::io::Write;
    const SCRIPT: &str = r#"
import json, sys, boto3
spec = json.load(sys.stdin)
logs = boto3.client(
    "logs", endpoint_url=spec["endpoint"], region_name=spec["region"],
    aws_access_key_id=spec["account"], aws_secret_access_key="test")
def account_header(request, **kwargs):
    request.headers["x-moto-account-id"] = spec["account"]
logs.meta.events.register("before-sign.logs.*", account_header)
for s in spec["streams"]:
    try:
        logs.create_log_group(logGroupName=s["group"])
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.create_log_stream(logGroupName=s["group"], logStreamName=s["stream"])
    events = [{"timestamp": t, "message": m} for t, m in s["events"]]
    if events:
        logs.put_log_events(logGroupName=s["group"], logStreamName=s["stream"], logEvents=events)
"#;
    let spec = serde_json::json!({
        "endpoint": endpoint,
        "account": account_id,
        "region": region,
        "streams": streams.iter().map(|s| serde_json::json!({
            "group": s.group, "stream": s.stream, "events": s.events,
        })).collect::<Vec<_>>(),
    });
    let mut child = Command::new(moto_python())
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python for boto3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(spec.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "seeding logs with boto3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
