//! `sagewatch logs`, the checks made before anything is sent: the real binary on the demo
//! organisation. A missing or second target, a bad --since, --follow with a query, a job
//! name outside SageMaker's alphabet and an unknown account exit 2 with nothing on stdout.
//! Then what the demo's logs print: a window oldest first, Insights as JSON lines, a
//! monitoring job's own streams.

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

fn run(args: &[&str]) -> Output {
    let home = std::env::temp_dir().join(format!("sagewatch-cli-logs-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    Command::new(BIN)
        .args(["--demo", "--demo-start", "2026-11-26T10:00:00Z", "logs"])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .output()
        .expect("run sagewatch")
}

/// Exit 2, nothing on stdout, and stderr saying `says`.
fn refused(args: &[&str], says: &[&str]) {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    for s in says {
        assert!(err.contains(s), "{args:?}: expected {s:?} in {err}");
    }
}

#[test]
fn a_missing_or_second_target_is_refused() {
    refused(
        &["--account", "prod"],
        &["--endpoint <NAME>|--monitoring-job <NAME>|--group <NAME>"],
    );
    refused(
        &[
            "--account",
            "prod",
            "--endpoint",
            "fraud-detector",
            "--group",
            "g",
        ],
        &["cannot be used with"],
    );
    refused(
        &[
            "--account",
            "prod",
            "--monitoring-job",
            "j",
            "--endpoint",
            "e",
        ],
        &["cannot be used with"],
    );
}

#[test]
fn a_bad_since_says_what_is_expected() {
    refused(
        &[
            "--account",
            "prod",
            "--endpoint",
            "fraud-detector",
            "--since",
            "soon",
        ],
        &["--since", "expected a duration like 15m, 1h, 2d"],
    );
    refused(
        &[
            "--account",
            "prod",
            "--endpoint",
            "fraud-detector",
            "--since",
            "2099-01-01T00:00:00Z",
        ],
        &["--since: expected a time in the past"],
    );
}

#[test]
fn follow_with_a_query_is_refused() {
    refused(
        &[
            "--account",
            "prod",
            "--endpoint",
            "e",
            "--follow",
            "--query",
            "fields @message",
        ],
        &["'--follow' cannot be used with '--query"],
    );
    refused(
        &[
            "--account",
            "prod",
            "--endpoint",
            "e",
            "--follow",
            "--insights",
        ],
        &["cannot be used with"],
    );
}

#[test]
fn a_job_name_outside_sagemakers_alphabet_is_refused_not_escaped() {
    refused(
        &["--account", "prod", "--monitoring-job", "x/ | filter 1=1"],
        &["--monitoring-job: expected a processing job name"],
    );
    // Whatever the name holds, stderr gets it cleaned.
    let out = run(&["--account", "prod", "--group", "g\u{1b}]0;pwned\u{7}"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.contains(&0x1b), "{:?}", out.stderr);
}

#[test]
fn an_unknown_account_lists_the_known_ones() {
    refused(
        &["--account", "nope", "--endpoint", "fraud-detector"],
        &["unknown account nope: expected one of", "111111111111"],
    );
}

/// Exit 0, and stdout's lines (none holding a control character).
fn lines_of(args: &[&str]) -> Vec<String> {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    let text = String::from_utf8(out.stdout).expect("UTF-8 on stdout");
    assert!(
        !text.chars().any(|c| c != '\n' && c.is_control()),
        "{args:?}: {text:?}"
    );
    text.lines().map(str::to_owned).collect()
}

#[test]
fn the_window_of_prod_fraud_detector_shows_the_missing_feature_after_its_update() {
    let lines = lines_of(&[
        "--account",
        "prod",
        "--endpoint",
        "fraud-detector",
        "--since",
        "30m",
    ]);
    assert!(lines.len() > 20, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("2026-11-26T09:") || l.starts_with("2026-11-26T10:")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("merchant_category")),
        "{lines:?}"
    );
    // Oldest first.
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(sorted.first(), lines.first());
    // A healthy endpoint's logs hold no error.
    let calm = lines_of(&[
        "--account",
        "prod",
        "--endpoint",
        "churn-predictor",
        "--since",
        "30m",
    ]);
    assert!(!calm.is_empty());
    assert!(!calm.iter().any(|l| l.contains("ERROR")), "{calm:?}");
}

#[test]
fn insights_as_json_lines_are_keyed_by_column() {
    let lines = lines_of(&[
        "--account",
        "prod",
        "--endpoint",
        "fraud-detector",
        "--insights",
        "--json",
        "--max-lines",
        "50",
    ]);
    assert!(!lines.is_empty() && lines.len() <= 50, "{}", lines.len());
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).expect(l);
        assert!(
            v.get("@timestamp").is_some() && v.get("@message").is_some(),
            "{l}"
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("merchant_category")),
        "{lines:?}"
    );
}

#[test]
fn a_monitoring_jobs_lines_are_its_own() {
    // Its streams are prefixed with the job's name: take one from the endpoint's runs.
    let out = run(&[
        "--account",
        "prod",
        "--group",
        "/aws/sagemaker/ProcessingJobs",
        "--since",
        "2h",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a job line")).unwrap();
    let stream = first["stream"].as_str().unwrap().to_owned();
    let job = stream.split('/').next().unwrap().to_owned();
    let lines = lines_of(&[
        "--account",
        "prod",
        "--monitoring-job",
        &job,
        "--since",
        "2h",
    ]);
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| l.contains(&format!("{job}/"))),
        "{lines:?}"
    );
}
