//! Model Monitor reports read from S3 in LocalStack, through the console's own read
//! (`source::aws::monitor::read_*`) on the S3 client `connect` builds (path-style against an
//! endpoint override, the read-only guard installed): violations and constraints parsed; a
//! 1.5 MiB report read only up to the cap, its whole entries kept and its size told; a
//! malformed, an empty and a missing report each with a clear message; hostile text in a
//! metric name parsed and cleaned.
//!
//! The test has an account of its own (LocalStack takes the account from the access key id).

mod support;

use aws_sdk_s3::primitives::ByteStream;
use sagewatch::sanitize::Sanitize;
use sagewatch::source::SourceError;
use sagewatch::source::aws::connect;
use sagewatch::source::aws::monitor::{read_baseline, read_report, read_violations};
use sagewatch::source::health::Health;
use sagewatch::source::monitor::REPORT_CAP;
use support::emulators;

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "333333333301";
const BUCKET: &str = "sagemaker-us-east-1-333333333301";
const CALL: &str = "GetObject 333333333301";

fn entry(i: usize) -> String {
    format!(
        r#"{{"feature_name": "feature_{i:06}", "constraint_check_type": "baseline_drift_check", "description": "Baseline drift distance: 0.{i:06} exceeds threshold: 0.1"}}"#
    )
}

/// A violations report of `n` entries, and how many of them end within the cap.
fn big_report(n: usize) -> (String, usize) {
    let mut text = String::from("{\"violations\": [");
    let mut whole = 0;
    for i in 0..n {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&entry(i));
        if text.len() <= REPORT_CAP {
            whole += 1;
        }
    }
    text.push_str("]}");
    (text, whole)
}

#[tokio::test]
async fn reports_in_s3_are_read_capped_and_parsed_with_clear_failures() {
    let Some(localstack) = emulators::localstack() else {
        return;
    };
    let cfg = emulators::config(&localstack, ACCOUNT, REGION).await;
    // Seeding needs writes: a plain client (path-style, as LocalStack has no bucket hosts).
    let seed = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build(),
    );
    seed.create_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .expect("CreateBucket");
    let (big, whole) = big_report(12_000);
    assert!(big.len() > REPORT_CAP * 3 / 2, "{} bytes", big.len());
    let objects: [(&str, Vec<u8>); 5] = [
        (
            "fraud/run-1/constraint_violations.json",
            // ESC, BEL and a right-to-left override in a metric name, escaped in the JSON
            // as a report would carry them.
            br#"{"violations": [
              {"metric_name": "acc\u001b[31muracy\u0007\u202e", "constraint_check_type": "LessThanThreshold",
               "description": "Metric accuracy with 0.71 +/- 0.01 was LessThanThreshold '0.8'"},
              {"metric_name": "f1", "constraint_check_type": "LessThanThreshold",
               "description": "Metric f1 with 0.6 +/- 0.02 was LessThanThreshold '0.75'"}
            ]}"#
            .to_vec(),
        ),
        (
            "fraud/baseline/constraints.json",
            br#"{"version": 0.0, "binary_classification_constraints": {
              "accuracy": {"threshold": 0.8, "comparison_operator": "LessThanThreshold"},
              "auc": {"threshold": 0.9, "comparison_operator": "LessThanThreshold"}}}"#
                .to_vec(),
        ),
        (
            "fraud/run-2/constraint_violations.json",
            b"{\"violations\": [ {\"metric_name\": \"acc".to_vec(),
        ),
        ("fraud/run-3/constraint_violations.json", Vec::new()),
        (
            "fraud/run-4/constraint_violations.json",
            big.clone().into_bytes(),
        ),
    ];
    for (key, body) in objects {
        seed.put_object()
            .bucket(BUCKET)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await
            .expect("PutObject");
    }
    // The console's own S3 client, read-only as `--read-only` builds it: GetObject is a read.
    let s3 = connect::clients(&cfg, &Health::default(), ACCOUNT, true).s3;
    let uri = |key: &str| format!("s3://{BUCKET}/{key}");

    // A report: parsed, the hostile name cleaned, the rest exact.
    let report = read_violations(&s3, CALL, &uri("fraud/run-1/constraint_violations.json"))
        .await
        .expect("the report");
    assert_eq!(report.cut_at, None);
    assert_eq!(report.violations.len(), 2);
    let hostile = &report.violations[0].subject;
    assert!(
        !hostile.contains(['\u{1b}', '\u{7}', '\u{202e}']),
        "cleaned: {hostile:?}"
    );
    assert!(
        hostile.starts_with("acc") && hostile.contains("uracy"),
        "{hostile:?}"
    );
    let mut again = report.clone();
    again.sanitize();
    assert_eq!(again, report, "what the parser returns is already clean");
    assert_eq!(report.violations[0].observed, Some(0.71));
    assert_eq!(report.violations[0].threshold, Some(0.8));
    assert_eq!(report.violations[1].subject, "f1");

    // The baseline.
    let baseline = read_baseline(&s3, CALL, &uri("fraud/baseline/constraints.json"))
        .await
        .expect("the baseline");
    let mut thresholds: Vec<(String, Option<f64>)> = baseline
        .constraints
        .iter()
        .map(|c| (c.subject.clone(), c.threshold))
        .collect();
    thresholds.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        thresholds,
        [("accuracy".into(), Some(0.8)), ("auc".into(), Some(0.9))]
    );

    // 1.5 MiB: only the cap is read; the entries whole within it are kept, in order.
    let key = "fraud/run-4/constraint_violations.json";
    let object = read_report(&s3, CALL, &uri(key), "the run wrote none")
        .await
        .expect("the big one");
    assert_eq!(object.bytes.len(), REPORT_CAP, "never more than the cap");
    assert_eq!(
        object.total,
        big.len() as u64,
        "its full size, from Content-Range"
    );
    let cut = read_violations(&s3, CALL, &uri(key))
        .await
        .expect("salvaged");
    assert_eq!(cut.cut_at, Some(big.len() as u64));
    assert_eq!(cut.violations.len(), whole);
    for (i, v) in cut.violations.iter().enumerate() {
        assert_eq!(v.subject, format!("feature_{i:06}"));
        assert_eq!(v.threshold, Some(0.1));
    }

    // Malformed, empty, missing: each says what is wrong and where.
    let bad = uri("fraud/run-2/constraint_violations.json");
    let err = read_violations(&s3, CALL, &bad).await.unwrap_err();
    assert!(
        matches!(&err, SourceError::Other { detail, .. }
            if detail.starts_with(&bad) && detail.contains("constraint_violations.json is not JSON")),
        "{err:?}"
    );
    let empty = uri("fraud/run-3/constraint_violations.json");
    let err = read_violations(&s3, CALL, &empty).await.unwrap_err();
    assert!(
        matches!(&err, SourceError::Other { detail, .. } if detail.contains("is not JSON")),
        "an empty object is a bad report, not an S3 failure: {err:?}"
    );
    let missing = uri("fraud/run-5/constraint_violations.json");
    let err = read_violations(&s3, CALL, &missing).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{CALL}: no constraint_violations.json at {missing}: the run wrote none")
    );
    let err = read_violations(&s3, CALL, "https://example.com/x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not an s3:// URI"), "{err}");
}
