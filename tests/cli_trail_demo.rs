//! `sagewatch trail` on the demo organisation's synthetic CloudTrail: rows reach stdout
//! (a table, or JSON lines), progress and cost reach stderr. Needs the demo trail.

use serde_json::Value;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

/// At the demo's incident: prod fraud-detector's endpoint was updated before its drift.
fn run(args: &[&str]) -> Output {
    let home =
        std::env::temp_dir().join(format!("sagewatch-cli-trail-demo-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    Command::new(BIN)
        .args(["--demo", "--demo-start", "2026-11-26T10:00:00Z", "trail"])
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const FILTER: &str = "event:UpdateEndpoint resource:fraud-detector since:3d";

#[test]
fn the_demo_finds_the_update_of_prod_fraud_detector_as_json_lines() {
    let out = run(&[FILTER, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(!rows.is_empty(), "{}", stderr(&out));
    // The one event asked for: alice's update of prod's endpoint (the staging rehearsal
    // updated fraud-detector-stg, another endpoint: `resource:` names a resource exactly).
    assert_eq!(rows.len(), 1, "{rows:?}");
    for r in &rows {
        assert_eq!(r["eventname"], "UpdateEndpoint", "{r}");
    }
    assert!(
        rows.iter()
            .any(|r| r["recipientaccountid"] == "111111111111"
                && r["arn"]
                    .as_str()
                    .is_some_and(|a| a.ends_with("assumed-role/ml-deployer/alice"))),
        "{rows:?}"
    );
    let err = stderr(&out);
    assert!(err.contains("SUCCEEDED"), "{err}");
    assert!(err.contains("scanned"), "{err}");
}

#[test]
fn a_tilde_searches_resources_by_part() {
    let out = run(&[
        "event:UpdateEndpoint resource:~fraud-detector since:3d",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let accounts: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .map(|r| r["recipientaccountid"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        accounts,
        ["111111111111", "222222222222"],
        "prod, then staging's"
    );
}

#[test]
fn the_demo_prints_a_table_with_a_header() {
    let out = run(&[FILTER, "--max-rows", "5"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 2 && lines.len() <= 6, "{text}");
    assert!(
        lines[1..].iter().all(|l| l.contains("UpdateEndpoint")),
        "{text}"
    );
    assert!(text.contains("111111111111"), "{text}");
}
