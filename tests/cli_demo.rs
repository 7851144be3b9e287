//! The demo's flags: `--demo-at` starts the story already under way, on today's clock.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

fn snapshot(args: &[&str]) -> serde_json::Value {
    let out = Command::new(BIN)
        .args(["--demo", "--seed", "7"])
        .args(args)
        .args(["snapshot", "--json"])
        // No user config: the shipped defaults.
        .env_remove("SAGEWATCH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .expect("run sagewatch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn in_alarm(snapshot: &serde_json::Value) -> Vec<String> {
    snapshot["alarms"]
        .as_array()
        .expect("alarms")
        .iter()
        .filter(|a| a["state"] == "ALARM")
        .map(|a| a["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn generated_at(snapshot: &serde_json::Value) -> i64 {
    let text = snapshot["generated_at"].as_str().expect("generated_at");
    chrono::DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .timestamp()
}

#[test]
fn demo_at_starts_with_the_incident_under_way_on_todays_clock() {
    let now = chrono::Utc::now().timestamp();
    let fresh = snapshot(&[]);
    assert!(!in_alarm(&fresh).contains(&"prod-fraud-detector-accuracy".to_owned()));
    let under_way = snapshot(&["--demo-at", "6m"]);
    assert!(
        in_alarm(&under_way).contains(&"prod-fraud-detector-accuracy".to_owned()),
        "{:?}",
        in_alarm(&under_way)
    );
    // The story started six minutes ago; the clock still reads the time of day.
    assert!((generated_at(&under_way) - now).abs() < 120);
}

#[test]
fn demo_at_with_a_start_is_that_long_after_it() {
    let s = snapshot(&["--demo-start", "2026-11-26T10:00:00Z", "--demo-at", "2h"]);
    assert_eq!(generated_at(&s), 1_795_687_200 + 2 * 3600);
}

#[test]
fn demo_at_refuses_what_is_not_a_duration() {
    let out = Command::new(BIN)
        .args(["--demo", "--demo-at", "soon", "snapshot"])
        .output()
        .expect("run sagewatch");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("expected a duration like 90s, 6m"),
        "{stderr}"
    );
}

/// Issue 26: the demo runs in two regions, and the text snapshot says which is which (as
/// the fleet's REGION column does).
#[test]
fn the_text_snapshot_names_each_endpoints_region() {
    let out = Command::new(BIN)
        .args(["--demo", "--demo-frozen", "snapshot"])
        .env_remove("SAGEWATCH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .expect("run sagewatch");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let row = |name: &str| {
        let found = text
            .lines()
            .find(|l| l.split_whitespace().nth(2) == Some(name));
        found
            .unwrap_or_else(|| panic!("no row of {name}: {text}"))
            .to_owned()
    };
    assert!(text.contains("ACCOUNT      REGION"), "{text}");
    assert!(
        row("ltv-scorer").contains("test         us-east-1"),
        "{text}"
    );
    assert!(
        row("fraud-detector").contains("prod         eu-west-1"),
        "{text}"
    );
}
