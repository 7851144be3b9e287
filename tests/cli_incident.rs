//! `sagewatch incident` on the demo: the prod fraud-detector's tape from its accuracy alarm,
//! with the story's start pinned so the tape is the same at any time of day.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");
const START: &str = "2026-11-26T10:00:00Z";

fn incident(args: &[&str]) -> Output {
    let state = std::env::temp_dir().join(format!("sagewatch-incident-{}", std::process::id()));
    Command::new(BIN)
        .args([
            "--demo",
            "--seed",
            "7",
            "--demo-start",
            START,
            "--demo-at",
            "8m",
        ])
        .arg("incident")
        .args(args)
        .env_remove("SAGEWATCH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        // No audit log of this machine's own demo sessions on the tape.
        .env("XDG_STATE_HOME", &state)
        .output()
        .expect("run sagewatch")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = incident(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn text(v: &serde_json::Value, field: &str) -> String {
    v[field].as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_accuracy_alarms_tape_tells_the_incident_in_order_and_nothing_else() {
    let tape = json(&["prod-fraud-detector-accuracy", "--json"]);
    let entries = tape["entries"].as_array().expect("entries");
    let times: Vec<String> = entries.iter().map(|e| text(e, "at")).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
    let find = |what: &dyn Fn(&serde_json::Value) -> bool| entries.iter().position(what);
    let update = find(&|e| {
        text(e, "kind") == "trail"
            && text(e, "text") == "UpdateEndpoint"
            && text(e, "who").ends_with("assumed-role/ml-deployer/alice")
    })
    .expect("alice's UpdateEndpoint");
    let deployed = ["CreateModel", "CreateEndpointConfig"]
        .map(|made| find(&|e| text(e, "kind") == "trail" && text(e, "text") == made));
    assert!(deployed.iter().all(Option::is_some), "{deployed:?}");
    let run = find(&|e| {
        text(e, "kind") == "monitor"
            && text(e, "text").contains("ModelQuality")
            && e["value"].as_f64().is_some_and(|v| v > 0.0)
    })
    .expect("the model-quality run with violations");
    let spike = find(&|e| text(e, "kind") == "logs" && text(e, "text").contains("errors rose"))
        .expect("a log error spike");
    let alarm = find(&|e| {
        text(e, "kind") == "alarm"
            && text(e, "text").starts_with("prod-fraud-detector-accuracy OK → ALARM")
    })
    .expect("the alarm's transition to ALARM");
    assert!(
        update < spike && update < run && run <= alarm,
        "{update} {spike} {run} {alarm}"
    );
    // Nothing of another endpoint: staging's twin, the canary, the other endpoints.
    let all = serde_json::to_string(entries).unwrap();
    for other in [
        "fraud-detector-stg",
        "canary",
        "churn",
        "recommender",
        "image-tagger",
    ] {
        assert!(!all.contains(other), "{other} on the tape");
    }
    // The summary names the deploy as the change before the first symptom.
    let summary = text(&tape["summary"], "text");
    assert!(summary.contains("UpdateEndpoint"), "{summary}");
}

#[test]
fn markdown_is_a_post_mortem_draft_and_the_table_the_default() {
    let out = incident(&["fraud-detector", "--account", "prod", "--markdown"]);
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Incident tape: fraud-detector"), "{md}");
    assert!(md.contains("First symptom"), "{md}");
    assert!(md.contains("| time | kind | what | who | where |"), "{md}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("trail:") && err.contains("scanned") && err.contains('$'),
        "{err}"
    );

    let out = incident(&["fraud-detector", "--account", "prod"]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let header = table.lines().next().unwrap();
    assert!(
        header.starts_with("TIME") && header.ends_with("WHAT"),
        "{header}"
    );
    assert!(
        table.contains("ml-deployer/alice"),
        "principals read short:\n{table}"
    );
}

#[test]
fn bad_targets_and_windows_exit_2_and_say_what_was_expected() {
    for (args, said) in [
        (&["nope"][..], "no endpoint or alarm named nope"),
        (
            &["fraud-detector", "--account", "prod", "--since", "9d"][..],
            "last 7 days",
        ),
        (
            &["fraud-detector", "--account", "nowhere"][..],
            "unknown account",
        ),
        (
            &["fraud-detector", "--json", "--markdown"][..],
            "cannot be used with",
        ),
    ] {
        let out = incident(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
