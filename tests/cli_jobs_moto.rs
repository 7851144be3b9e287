//! `sagewatch jobs` end to end on the emulators: the real binary connects as it would to AWS
//! (STS and CloudWatch on LocalStack, `topology = "fanout"`), lists and describes the
//! processing jobs seeded at moto (reached by `AWS_ENDPOINT_URL_SAGEMAKER`), and prints them
//! as JSON and as a table; one account by id; an unknown one refused before any job is read.
//!
//! moto files every SageMaker call under its default account whatever access key signs it,
//! keeps its jobs Completed (Stopped once stopped) with their end at their creation, and
//! stores neither their ProcessingResources nor a MonitoringScheduleArn: instance, schedule
//! and peaks are `null` here (tested on the demo and on mocks). The jobs are seeded in a
//! region no other test uses, with names of this run's own.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};
use support::emulators::{self, Emulators};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");
/// A region no other test seeds jobs in.
const REGION: &str = "sa-east-1";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sagewatch-cli-jobs-moto-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `sagewatch jobs ARGS` as `account` (LocalStack takes it from the 12-digit key).
fn jobs(e: &Emulators, name: &str, account: &str, args: &[&str]) -> Output {
    let home = tempdir(name);
    let cfg = home.join("config.toml");
    std::fs::write(&cfg, "topology = \"fanout\"\n").unwrap();
    let out = Command::new(BIN)
        .env_clear()
        .envs(emulators::sagewatch_env(e, account, REGION, &home))
        .env("XDG_STATE_HOME", home.join("state"))
        .arg("jobs")
        .args(args)
        .arg("--config")
        .arg(&cfg)
        .stdin(Stdio::null())
        .output()
        .expect("run sagewatch");
    let _ = std::fs::remove_dir_all(&home);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_seeded_at_moto_are_printed_by_the_binary() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let t = now();
    // An account of this run's own at LocalStack (its STS answers with the key's account).
    let account = format!("16{:010}", t.rem_euclid(10_000_000_000));
    let sm = aws_sdk_sagemaker::Client::new(&emulators::config(&e.moto, "seed", REGION).await);
    let names: Vec<String> = (0..3).map(|i| format!("cj-{t}-{i}")).collect();
    for name in &names {
        emulators::create_processing_job(&sm, name).await;
    }
    sm.stop_processing_job()
        .processing_job_name(&names[2])
        .send()
        .await
        .expect("StopProcessingJob at moto");

    let out = jobs(&e, "json", &account, &["--json", "--since", "1h"]);
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(out.status.code(), Some(0), "stdout: {text}\nstderr: {err}");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let ours: Vec<&Value> = v["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["name"].as_str().unwrap().starts_with(&format!("cj-{t}-")))
        .collect();
    let mut got: Vec<(&str, &str)> = ours
        .iter()
        .map(|j| (j["name"].as_str().unwrap(), j["status"].as_str().unwrap()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (names[0].as_str(), "Completed"),
            (names[1].as_str(), "Completed"),
            (names[2].as_str(), "Stopped"),
        ]
    );
    for j in &ours {
        assert_eq!(j["account_id"], account.as_str());
        let started = chrono::DateTime::parse_from_rfc3339(j["started"].as_str().unwrap())
            .unwrap()
            .timestamp();
        assert!((started - t).abs() < 120, "{j}");
        assert!(j["ended"].is_string(), "{j}");
        assert!(
            j["failure_reason"].is_null() && j["schedule"].is_null(),
            "{j}"
        );
        assert!(
            j["peak"]["CPUUtilization"].is_null(),
            "no run, no peak: {j}"
        );
    }
    let accounts = v["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{v}");
    assert_eq!(accounts[0]["account_id"], account.as_str());
    assert!(accounts[0].get("unreadable").is_none(), "{v}");

    let label = accounts[0]["label"].as_str().unwrap().to_owned();

    // The table, one account by id: the same jobs, under the account's label.
    let out = jobs(
        &e,
        "text",
        &account,
        &["--account", &account, "--since", "1h"],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("ACCOUNT"), "{text}");
    for name in &names {
        let line = text
            .lines()
            .find(|l| l.contains(name.as_str()))
            .unwrap_or_else(|| panic!("{name} in {text}"));
        assert!(line.starts_with(&format!("{label} ")), "{line}");
    }

    // An account the console does not see: exit 2, nothing printed.
    let out = jobs(&e, "unknown", &account, &["--account", "999999999999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown account 999999999999"), "{err}");
}
