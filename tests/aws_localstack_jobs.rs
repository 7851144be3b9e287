//! Processing jobs against the emulators, through the AWS source and the real SDK clients:
//! their series in `/aws/sagemaker/ProcessingJobs` found with ListMetrics and read with
//! GetMetricData at LocalStack (in an account of the test's own), and the jobs themselves
//! listed and described at moto, joined to their series by job name.
//!
//! moto stores neither a job's ProcessingResources nor a MonitoringScheduleArn, keeps
//! every job Completed (Stopped once stopped) and ignores SortOrder: instance types,
//! schedules and the newest-first order are tested on mocks (`aws_jobs_mocks`).

mod support;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::jobs::{JobStatus, NS_PROCESSING_JOBS, job_of_host, job_series_key};
use sagewatch::source::model::{Identity, SeriesKey};
use sagewatch::source::{FleetSource, SeriesRequest};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};
use support::emulators;

const REGION: &str = "us-east-1";
/// A region no other test uses at moto: its jobs there are this test's alone.
const MOTO_REGION: &str = "eu-south-2";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// The console's source in fan-out, as `account` (LocalStack takes the account from the
/// 12-digit access key id); SageMaker at `sagemaker` when given, else LocalStack.
async fn source_as(
    localstack: &str,
    sagemaker: Option<&str>,
    account: &str,
) -> (
    AwsSource,
    aws_sdk_cloudwatch::Client,
    aws_sdk_sagemaker::Client,
) {
    let cfg = emulators::config(localstack, account, REGION).await;
    let sm_cfg = match sagemaker {
        Some(moto) => emulators::config(moto, "moto-test", MOTO_REGION).await,
        None => cfg.clone(),
    };
    let clients = AccountClients {
        cloudwatch: aws_sdk_cloudwatch::Client::new(&cfg),
        sagemaker: aws_sdk_sagemaker::Client::new(&sm_cfg),
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
    (
        source,
        aws_sdk_cloudwatch::Client::new(&cfg),
        aws_sdk_sagemaker::Client::new(&sm_cfg),
    )
}

/// Puts `metric` of `host` in the processing-jobs namespace: `value` at `at` (a minute's
/// only datapoint, so the minute's average is the value).
async fn put(cw: &aws_sdk_cloudwatch::Client, metric: &str, host: &str, points: &[(i64, f64)]) {
    let data = points
        .iter()
        .map(|(at, value)| {
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(Dimension::builder().name("Host").value(host).build())
                .timestamp(aws_smithy_types::DateTime::from_secs(*at))
                .value(*value)
                .unit(StandardUnit::Percent)
                .build()
        })
        .collect();
    cw.put_metric_data()
        .namespace(NS_PROCESSING_JOBS)
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("PutMetricData");
}

/// A LocalStack account of this run's own (a rerun against the same LocalStack must not
/// find the last run's series): `prefix` and ten digits of the clock.
fn run_account(prefix: &str, t: i64) -> String {
    format!("{prefix}{:010}", t.rem_euclid(10_000_000_000))
}

const METRICS: [&str; 3] = ["CPUUtilization", "MemoryUtilization", "DiskUtilization"];

/// Two minutes of each drawn metric on `host`: distinct values per metric and host.
async fn put_job_metrics(
    cw: &aws_sdk_cloudwatch::Client,
    host: &str,
    base: f64,
    minutes: [i64; 2],
) {
    for (i, metric) in METRICS.iter().enumerate() {
        let v = base + 10.0 * i as f64;
        put(
            cw,
            metric,
            host,
            &[(minutes[0] + 5, v), (minutes[1] + 5, v + 1.0)],
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_series_are_discovered_and_read_back_from_localstack() {
    let Some(localstack) = emulators::localstack() else {
        return;
    };
    let t = now();
    let account = run_account("13", t);
    let (source, cw, _) = source_as(&localstack, None, &account).await;
    let minutes = [t.div_euclid(60) * 60 - 180, t.div_euclid(60) * 60 - 120];
    put_job_metrics(&cw, "ls-job-a/algo-1", 10.0, minutes).await;
    put_job_metrics(&cw, "ls-job-b/algo-1", 50.0, minutes).await;
    // Not a job's drawn series: a host of another form, a metric the list does not draw.
    put(&cw, "CPUUtilization", "ls-job-a", &[(minutes[1] + 5, 99.0)]).await;
    put(
        &cw,
        "GPUUtilization",
        "ls-job-a/algo-1",
        &[(minutes[1] + 5, 99.0)],
    )
    .await;

    let keys = source
        .jobs()
        .expect("the AWS source has processing jobs")
        .job_metrics(&account)
        .await
        .expect("job_metrics");
    let mut expected: Vec<SeriesKey> = ["ls-job-a/algo-1", "ls-job-b/algo-1"]
        .iter()
        .flat_map(|host| METRICS.map(|m| job_series_key(&account, m, host)))
        .collect();
    expected.sort();
    assert_eq!(keys, expected, "exactly the six series");

    let series = source
        .series(&SeriesRequest {
            keys: keys.clone().into(),
            start: t.div_euclid(60) * 60 - 3600,
            end: t,
        })
        .await
        .expect("GetMetricData");
    let got: BTreeMap<(String, String), Vec<(i64, f64)>> = series
        .into_iter()
        .map(|s| {
            let host = s.key.dimension("Host").unwrap_or_default().to_owned();
            ((host, s.key.metric.to_string()), s.points)
        })
        .collect();
    for (host, base) in [("ls-job-a/algo-1", 10.0), ("ls-job-b/algo-1", 50.0)] {
        for (i, metric) in METRICS.iter().enumerate() {
            let v = base + 10.0 * i as f64;
            assert_eq!(
                got.get(&(host.to_owned(), (*metric).to_owned())),
                Some(&vec![(minutes[0], v), (minutes[1], v + 1.0)]),
                "{host} {metric}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_listed_at_moto_meet_their_series_at_localstack() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let t = now();
    let account = run_account("14", t);
    let (source, cw, sm) = source_as(&e.localstack, Some(&e.moto), &account).await;
    // Names of this run's own: a moto kept between runs still holds the last run's jobs.
    let names: Vec<String> = (0..3).map(|i| format!("mj-{t}-{i}")).collect();
    for name in &names {
        emulators::create_processing_job(&sm, name).await;
    }
    sm.stop_processing_job()
        .processing_job_name(&names[2])
        .send()
        .await
        .expect("StopProcessingJob at moto");
    let minutes = [t.div_euclid(60) * 60 - 180, t.div_euclid(60) * 60 - 120];
    put_job_metrics(&cw, &format!("{}/algo-1", names[0]), 20.0, minutes).await;

    let jobs_source = source.jobs().expect("the AWS source has processing jobs");
    let jobs = jobs_source
        .processing_jobs(&account, t - 600, 50)
        .await
        .expect("ListProcessingJobs and DescribeProcessingJob at moto");
    let ours: BTreeMap<&str, &JobStatus> = jobs
        .iter()
        .filter(|j| j.name.starts_with(&format!("mj-{t}-")))
        .map(|j| (j.name.as_str(), &j.status))
        .collect();
    assert_eq!(
        ours,
        BTreeMap::from([
            (names[0].as_str(), &JobStatus::Completed),
            (names[1].as_str(), &JobStatus::Completed),
            (names[2].as_str(), &JobStatus::Stopped),
        ])
    );
    for j in &jobs {
        assert_eq!(j.account_id, account);
        assert!(j.created >= t - 600, "{j:?}");
        assert_eq!(j.schedule, None, "nothing scheduled these");
    }
    // No call failed (DescribeProcessingJob included).
    assert_eq!(source.health().problems, []);

    // The limit, and CreationTimeAfter as moto applies it.
    let two = jobs_source
        .processing_jobs(&account, t - 600, 2)
        .await
        .unwrap();
    assert_eq!(two.len(), 2);
    let none = jobs_source
        .processing_jobs(&account, t + 3600, 50)
        .await
        .unwrap();
    assert_eq!(none, []);

    // The job's series name it by its host.
    let keys = jobs_source.job_metrics(&account).await.unwrap();
    let with_series: BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| k.dimension("Host").and_then(job_of_host))
        .collect();
    assert_eq!(with_series, BTreeSet::from([names[0].as_str()]));
    assert_eq!(keys.len(), 3);
}
