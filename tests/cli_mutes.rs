//! `sagewatch alarm mute|unmute|mutes` and the snapshot's mutes, from the real binary on the
//! demo with its clock pinned (story start 2026-11-26T10:00:00Z, 30 minutes in, frozen):
//! a mute for 2 hours is one PutAlarmMuteRule from the clock's minute, a length is required,
//! unmuting ends what mutes the alarm (and says what goes on muting others), read-only
//! refuses every write, and the demo's rules are listed with their states.

use serde_json::Value;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

struct Run {
    out: Output,
    state: std::path::PathBuf,
}

/// The demo, `at` after its start, with `args`; the audit log under its own directory.
fn run_at(at: &str, args: &[&str]) -> Run {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let state = std::env::temp_dir().join(format!("sagewatch-mutes-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    let out = Command::new(BIN)
        .args([
            "--demo",
            "--seed",
            "7",
            "--demo-start",
            "2026-11-26T10:00:00Z",
        ])
        .args(["--demo-at", at, "--demo-frozen"])
        .args(args)
        .env_remove("SAGEWATCH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("XDG_STATE_HOME", &state)
        .stdin(Stdio::null())
        .output()
        .expect("run sagewatch");
    Run { out, state }
}

fn run(args: &[&str]) -> Run {
    run_at("30m", args)
}

impl Run {
    fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout(), self.stderr()))
    }
    fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.state.join("sagewatch/audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }
}

#[test]
fn a_mute_for_two_hours_is_one_rule_from_the_clocks_minute() {
    let r = run(&[
        "alarm",
        "mute",
        "prod-fraud-detector-5xx",
        "--account",
        "prod",
        "--for",
        "2h",
        "--reason",
        "test",
        "--yes",
        "--json",
    ]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let v = r.json();
    let request = &v["request"];
    assert_eq!(request["operation"], "PutAlarmMuteRule");
    assert_eq!(request["account"], "100000000000");
    let p = &request["parameters"];
    assert_eq!(
        p["MuteTargets"]["AlarmNames"],
        serde_json::json!(["prod-fraud-detector-5xx"])
    );
    assert_eq!(p["Rule"]["Schedule"]["Duration"], "PT2H");
    assert_eq!(p["Rule"]["Schedule"]["Expression"], "at(2026-11-26T10:30)");
    assert_eq!(p["Description"], "test");
    assert!(
        p["Name"]
            .as_str()
            .unwrap()
            .starts_with("sagewatch-mute-20261126T1030")
    );
    assert_eq!(v["outcome"]["result"], "ok", "{v}");
    // Its intent and outcome are on record.
    let ops: Vec<(String, String)> = r
        .audit()
        .iter()
        .map(|l| (l["phase"].to_string(), l["operation"].to_string()))
        .collect();
    assert_eq!(
        ops,
        [
            ("\"intent\"".into(), "\"PutAlarmMuteRule\"".into()),
            ("\"outcome\"".into(), "\"PutAlarmMuteRule\"".into())
        ]
    );

    // Several alarms of an account are one rule; text says until when.
    let r = run(&[
        "alarm",
        "mute",
        "prod-fraud-detector-5xx",
        "prod-fraud-detector-accuracy",
        "--account",
        "prod",
        "--until",
        "18:00",
        "--yes",
    ]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let out = r.stdout();
    assert_eq!(out.matches("PutAlarmMuteRule").count(), 1, "{out}");
    assert!(
        out.contains(
            "mutes prod-fraud-detector-5xx, prod-fraud-detector-accuracy until 2026-11-26T18:00:00Z"
        ),
        "{out}"
    );

    // Indefinitely is what muting was: actions off.
    let r = run(&[
        "alarm",
        "mute",
        "prod-fraud-detector-5xx",
        "--account",
        "prod",
        "--indefinitely",
        "--yes",
        "--json",
    ]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert_eq!(r.json()["request"]["operation"], "DisableAlarmActions");
}

#[test]
fn a_mute_says_how_long_or_is_refused_with_what_is_expected() {
    let mute = |extra: &[&str]| {
        let mut args = vec![
            "alarm",
            "mute",
            "prod-fraud-detector-5xx",
            "--account",
            "prod",
            "--yes",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    for (extra, says) in [
        (&[][..], "--for 2h"),
        (&["--for", "20d"][..], "15 days"),
        (&["--for", "soon"][..], "until Monday 09:00"),
        (&["--for", "indefinitely"][..], "a span such as"),
        (&["--until", "25:00"][..], "--until"),
        (&["--for", "2h", "--reason", "bell\u{7}"][..], "U+0007"),
    ] {
        let r = mute(extra);
        assert_eq!(r.code(), 2, "{extra:?}: {}", r.stderr());
        assert!(r.stderr().contains(says), "{extra:?}: {}", r.stderr());
        assert!(r.audit().is_empty(), "{extra:?}: nothing sent");
    }
    // Two lengths: clap refuses, exit 2 too.
    let r = mute(&["--for", "2h", "--indefinitely"]);
    assert_eq!(r.code(), 2);
    // No terminal and no --yes: refused, nothing sent.
    let r = run(&[
        "alarm",
        "mute",
        "prod-fraud-detector-5xx",
        "--account",
        "prod",
        "--for",
        "2h",
    ]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("--yes"), "{}", r.stderr());
    assert!(r.audit().is_empty());
}

#[test]
fn read_only_refuses_every_new_write() {
    for args in [
        &[
            "alarm",
            "mute",
            "prod-fraud-detector-5xx",
            "--account",
            "prod",
            "--for",
            "2h",
        ][..],
        &[
            "alarm",
            "mute",
            "prod-fraud-detector-5xx",
            "--account",
            "prod",
            "--indefinitely",
        ][..],
        &[
            "alarm",
            "unmute",
            "staging-image-tagger-cpu-high",
            "--account",
            "staging",
        ][..],
        &[
            "alarm",
            "unmute",
            "test-fraud-detector-canary-accuracy",
            "--account",
            "test",
        ][..],
    ] {
        let r = run(&[&["--readonly"], args, &["--yes"]].concat());
        assert_eq!(r.code(), 3, "{args:?}: {}", r.stderr());
        assert!(r.stderr().contains("read-only"), "{}", r.stderr());
        assert!(r.audit().is_empty(), "{args:?}");
    }
}

#[test]
fn unmuting_ends_what_mutes_the_alarm_and_says_what_stays_muted() {
    // bob's rule mutes two alarms: unmuting one puts the rule back without it.
    let r = run(&[
        "alarm",
        "unmute",
        "staging-image-tagger-cpu-high",
        "--account",
        "staging",
        "--yes",
    ]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert!(
        r.stderr()
            .contains("goes on muting 1 other alarm: staging-image-tagger-accuracy"),
        "{}",
        r.stderr()
    );
    assert!(
        r.stdout().contains("PutAlarmMuteRule sagewatch-mute-"),
        "{}",
        r.stdout()
    );
    // Both: the rule is deleted.
    let r = run(&[
        "alarm",
        "unmute",
        "staging-image-tagger-cpu-high",
        "staging-image-tagger-accuracy",
        "--account",
        "staging",
        "--yes",
        "--json",
    ]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert_eq!(r.json()["request"]["operation"], "DeleteAlarmMuteRule");
    // Muted for good: actions back on.
    let r = run(&[
        "alarm",
        "unmute",
        "test-fraud-detector-canary-accuracy",
        "--account",
        "test",
        "--yes",
        "--json",
    ]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert_eq!(r.json()["request"]["operation"], "EnableAlarmActions");
    // Not muted: said, nothing sent.
    let r = run(&[
        "alarm",
        "unmute",
        "prod-credit-risk-scorer-cpu-high",
        "--account",
        "prod",
        "--yes",
    ]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert!(r.stderr().contains("is not muted"), "{}", r.stderr());
    assert_eq!(r.stdout(), "");
    assert!(r.audit().is_empty());
}

#[test]
fn the_demos_rules_are_listed_with_their_states_as_the_clock_runs() {
    let states = |at: &str| -> Vec<(String, String)> {
        let r = run_at(at, &["alarm", "mutes", "--json"]);
        assert_eq!(r.code(), 0, "{}", r.stderr());
        r.json()
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().unwrap().to_owned(),
                    v["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let now = states("30m");
    assert_eq!(now.len(), 2, "{now:?}");
    assert_eq!(now[0].1, "ACTIVE");
    assert!(now[0].0.starts_with("sagewatch-mute-"));
    assert_eq!(now[1], ("nightly-maintenance".into(), "SCHEDULED".into()));
    // 01:30 the next night: bob's mute has ended, the maintenance window is open.
    let night = states("930m");
    assert_eq!(night[0], ("nightly-maintenance".into(), "ACTIVE".into()));
    assert!(night[1..].iter().all(|(_, s)| s == "EXPIRED"), "{night:?}");

    let r = run(&["alarm", "mutes", "--json"]);
    let bob = &r.json()[0];
    assert_eq!(bob["active_until"], "2026-11-26T11:15:00Z");
    assert_eq!(bob["next_activation"], Value::Null);
    assert_eq!(bob["expression"], "at(2026-11-26T09:15)");
    assert_eq!(bob["duration"], "PT2H");
    assert_eq!(bob["account_id"], "100000000000");
    for key in ["description", "targets", "timezone", "start", "expire"] {
        assert!(bob.get(key).is_some(), "{key}");
    }
    // A table; --account as in `alarm list`: no rule mutes a prod alarm.
    let r = run(&["alarm", "mutes", "--account", "staging"]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let text = r.stdout();
    assert!(text.starts_with("STATE"), "{text}");
    assert!(text.contains("daily at 01:00 for 2h"), "{text}");
    assert!(text.contains("nightly-maintenance"), "{text}");
    let r = run(&["alarm", "mutes", "--account", "prod"]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let text = r.stdout();
    assert!(!text.contains("nightly-maintenance"), "{text}");
}

#[test]
fn the_snapshot_says_how_each_alarm_is_muted_and_lists_the_rules() {
    let r = run(&["snapshot", "--json"]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let v = r.json();
    assert_eq!(v["mute_rules"].as_array().unwrap().len(), 2);
    let alarm = |name: &str| {
        v["alarms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let tagger = alarm("staging-image-tagger-cpu-high");
    assert_eq!(tagger["muted_until"], "2026-11-26T11:15:00Z");
    assert!(
        tagger["muted_by_rule"]
            .as_str()
            .unwrap()
            .starts_with("sagewatch-mute-")
    );
    assert_eq!(tagger["muted_indefinitely"], false);
    let canary = alarm("test-fraud-detector-canary-accuracy");
    assert_eq!(canary["muted_indefinitely"], true);
    assert_eq!(canary["muted_until"], Value::Null);
    let scheduled = alarm("test-ltv-scorer-cpu-high");
    assert_eq!(scheduled["muted_until"], Value::Null);
    assert_eq!(scheduled["muted_by_rule"], Value::Null);
    // `alarm list` says the same.
    let r = run(&["alarm", "list", "--account", "staging", "--json"]);
    let rows = r.json();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "staging-image-tagger-cpu-high")
        .unwrap()
        .clone();
    assert_eq!(row["muted_until"], "2026-11-26T11:15:00Z");
    let text = run(&["alarm", "list", "--account", "staging"]).stdout();
    assert!(
        text.lines()
            .any(|l| l.contains("muted 45m") && l.contains("staging-image-tagger-cpu-high")),
        "{text}"
    );
}
