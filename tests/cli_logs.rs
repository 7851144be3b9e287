//! `sagewatch logs`, the checks made before anything is sent: the real binary on the demo
//! organisation. A missing or second target, a bad --since, --follow with a query, a job
//! name outside SageMaker's alphabet and an unknown account exit 2 with nothing on stdout;
//! so does a source without logs (the demo, until its logs land: then that test changes).

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

#[test]
fn a_source_without_logs_says_so() {
    refused(
        &["--account", "prod", "--endpoint", "fraud-detector"],
        &["logs cannot be read from the demo source"],
    );
}
