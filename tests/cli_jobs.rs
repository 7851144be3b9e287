//! `sagewatch jobs` of the real binary on the demo: the demo's processing jobs as JSON and as
//! a table, one account by label, and bad input (an unknown account, a `--since` that is not
//! a duration or is still to come) refused with exit code 2 and what was expected.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");
/// The story's start in the docs' examples: the pipeline's data preparation runs.
const START: &str = "2026-11-26T10:00:00Z";

fn jobs(args: &[&str]) -> Output {
    Command::new(BIN)
        .args([
            "--demo",
            "--seed",
            "7",
            "--demo-start",
            START,
            "--demo-frozen",
        ])
        .arg("jobs")
        .args(args)
        // No user config: the shipped defaults.
        .env_remove("SAGEWATCH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .expect("run sagewatch")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = jobs(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn json_lists_the_demo_s_jobs_newest_first_with_their_fields() {
    let v = json(&["--json"]);
    assert_eq!(v["generated_at"], START);
    assert_eq!(v["since"], "2026-11-25T10:00:00Z", "the view's day");
    let jobs = v["jobs"].as_array().expect("jobs");
    assert!(jobs.len() > 50, "a day of hourly runs: {}", jobs.len());
    let labels: std::collections::BTreeSet<&str> = jobs
        .iter()
        .map(|j| j["account_label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains("prod") && labels.contains("staging"),
        "{labels:?}"
    );
    let started: Vec<&str> = jobs
        .iter()
        .map(|j| j["started"].as_str().unwrap())
        .collect();
    assert!(started.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for j in jobs {
        for field in [
            "account_id",
            "name",
            "status",
            "started",
            "ended",
            "took_seconds",
            "instance_type",
            "instance_count",
            "schedule",
            "failure_reason",
            "peak",
        ] {
            assert!(j.get(field).is_some(), "{field} missing in {j}");
        }
        // The demo's test account runs in us-east-1, the others in eu-west-1.
        let region = if j["account_id"] == "333333333333" {
            "us-east-1"
        } else {
            "eu-west-1"
        };
        assert_eq!(j["region"], region, "{j}");
    }
    let prep = jobs
        .iter()
        .find(|j| {
            j["name"]
                .as_str()
                .unwrap()
                .ends_with("-PrepareTrainingData")
        })
        .expect("the pipeline's data preparation");
    assert_eq!(prep["status"], "InProgress");
    assert!(
        prep["peak"]["MemoryUtilization"].as_f64().is_some(),
        "{prep}"
    );
    let accounts = v["accounts"].as_array().unwrap();
    assert!(
        accounts.iter().all(|a| a.get("unreadable").is_none()),
        "{v}"
    );
}

#[test]
fn text_is_a_table_and_one_account_by_label() {
    let out = jobs(&["--account", "staging", "--since", "6h"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    for word in [
        "ACCOUNT", "JOB", "STATUS", "STARTED", "TOOK", "INSTANCE", "SCHEDULE",
    ] {
        assert!(header.contains(word), "{header}");
    }
    let rows: Vec<&str> = lines.take_while(|l| !l.is_empty()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.starts_with("staging ")), "{rows:?}");
    assert!(
        text.contains("job(s) created since 26 Nov 04:00 UTC"),
        "{text}"
    );
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn bad_input_is_exit_2_saying_what_was_expected() {
    let out = jobs(&["--account", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown account nowhere: expected one of"),
        "{err}"
    );
    assert!(err.contains("(prod)"), "{err}");
    assert!(out.stdout.is_empty());

    let out = jobs(&["--since", "last tuesday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expected a duration like"), "{err}");

    let out = jobs(&["--since", "2026-11-27T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--since: expected a start in the past"),
        "{err}"
    );
}
