//! `sagewatch monitor ...` end to end: the real binary on the demo organisation. Exit codes
//! (0, 4 with violations after `run --wait`, 2 for bad input, 3 read-only), nothing sent
//! when refused, and the audit log holding intent and outcome of every call.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use support::tmux::BIN;

struct Cli {
    home: PathBuf,
}

impl Cli {
    fn new(tag: &str) -> Self {
        let home =
            std::env::temp_dir().join(format!("sagewatch-cli-mon-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).unwrap();
        Self { home }
    }

    /// On the demo, as it starts (at 10:00, so that the hour a run now analyses is the
    /// drifted one whatever the time of day): prod fraud-detector's new model has been live
    /// for 90 minutes; its data-quality runs see the inputs drift, and a model-quality run
    /// over this hour finds the accuracy below its threshold.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(["--demo", "--demo-start", "2026-11-26T10:00:00Z"])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_STATE_HOME", self.home.join("state"))
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .stdin(Stdio::null())
            .output()
            .expect("run sagewatch")
    }

    fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.home.join("state/sagewatch/audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const FRAUD: [&str; 4] = ["--account", "prod", "--endpoint", "fraud-detector"];

#[test]
fn list_prints_every_schedule_and_the_newest_runs() {
    let cli = Cli::new("list");
    let out = cli.run(&[&["monitor", "list", "--json"][..], &FRAUD].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let types: Vec<&str> = v["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ModelQuality", "DataQuality"]);
    assert_eq!(v["runs"].as_array().unwrap().len(), 25);
    let text = cli.run(&[&["monitor", "list"][..], &FRAUD].concat());
    assert!(stdout(&text).contains("fraud-detector-model-quality"));
}

#[test]
fn violations_print_what_broke_by_how_much_with_the_baselines_threshold() {
    let cli = Cli::new("violations");
    let out = cli.run(
        &[
            &[
                "monitor",
                "violations",
                "--run",
                "fraud-detector-data-quality",
                "--json",
            ][..],
            &FRAUD,
        ]
        .concat(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["run"]["status"], "CompletedWithViolations");
    let drift = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subject"] == "transaction_amount")
        .expect("the feature drifted");
    assert_eq!(drift["check"], "baseline_drift_check");
    assert_eq!(drift["threshold"], 0.1);
    assert!(drift["observed"].as_f64().unwrap() > 0.1);
    assert!(v["report"].as_str().unwrap().starts_with("s3://"));
    // A run that does not exist is bad input.
    let out = cli.run(&[&["monitor", "violations", "--run", "nosuch"][..], &FRAUD].concat());
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("expected latest, a schedule name or a processing job"));
}

#[test]
fn run_wait_follows_the_run_and_exits_4_on_violations_with_the_audit_trail() {
    let cli = Cli::new("run");
    let out = cli.run(&[&["monitor", "run", "--wait", "--yes"][..], &FRAUD].concat());
    assert_eq!(code(&out), 4, "{}\n{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("CompletedWithViolations"), "{text}");
    assert!(text.contains("accuracy LessThanThreshold"), "{text}");
    // Progress went to stderr: Pending/InProgress, then the outcome.
    assert!(stderr(&out).contains("InProgress"), "{}", stderr(&out));
    let audit = cli.audit();
    assert_eq!(audit.len(), 4, "{audit:?}");
    assert_eq!(audit[0]["phase"], "intent");
    assert_eq!(audit[0]["operation"], "CreateMonitoringSchedule");
    let config = &audit[0]["parameters"]["MonitoringScheduleConfig"];
    assert_eq!(config["ScheduleConfig"]["ScheduleExpression"], "NOW");
    assert_eq!(
        config["MonitoringJobDefinitionName"],
        "fraud-detector-model-quality-job"
    );
    assert_eq!(audit[1]["phase"], "outcome");
    assert_eq!(audit[1]["result"], "ok");
    // Then the one-time schedule it made is deleted, and said.
    let made = &audit[0]["parameters"]["MonitoringScheduleName"];
    assert_eq!(audit[2]["operation"], "DeleteMonitoringSchedule");
    assert_eq!(&audit[2]["parameters"]["MonitoringScheduleName"], made);
    assert_eq!(audit[3]["result"], "ok");
    assert!(text.contains("DeleteMonitoringSchedule"), "{text}");
}

#[test]
fn run_without_wait_says_the_schedule_is_left_and_cleanup_deletes_what_was_left() {
    let cli = Cli::new("left");
    let out = cli.run(&[&["monitor", "run", "--yes"][..], &FRAUD].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("monitor cleanup --account 111111111111"),
        "{}",
        stderr(&out)
    );
    // The demo's own leftover (staging, a day old) is deleted; nothing is asked without a
    // terminal unless --yes.
    let out = cli.run(&["monitor", "cleanup"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    let out = cli.run(&[
        "monitor",
        "cleanup",
        "--account",
        "staging",
        "--yes",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("one JSON object");
    let deleted = v["deleted"].as_array().unwrap();
    assert_eq!(deleted.len(), 1, "{v}");
    assert_eq!(
        deleted[0]["request"]["operation"],
        "DeleteMonitoringSchedule"
    );
    assert!(
        deleted[0]["request"]["parameters"]["MonitoringScheduleName"]
            .as_str()
            .unwrap()
            .starts_with("churn-predictor-stg-model-quality-now-")
    );
    assert_eq!(deleted[0]["outcome"]["result"], "ok");
    let out = cli.run(&["monitor", "cleanup", "--account", "nosuch", "--yes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown account nosuch"));
}

#[test]
fn run_wait_json_prints_one_object_for_scripts() {
    let cli = Cli::new("runjson");
    let out = cli.run(&[&["monitor", "run", "--wait", "--yes", "--json"][..], &FRAUD].concat());
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("one JSON object on stdout ({e}):\n{}", stdout(&out)));
    assert_eq!(v["request"]["operation"], "CreateMonitoringSchedule");
    assert_eq!(v["outcome"]["result"], "ok");
    assert_eq!(v["run"]["status"], "CompletedWithViolations");
    assert!(!v["violations"].as_array().unwrap().is_empty());
    // The delete of its one-time schedule, request and outcome.
    let cleanup = &v["cleanup"];
    assert_eq!(cleanup["request"]["operation"], "DeleteMonitoringSchedule");
    assert_eq!(
        cleanup["request"]["parameters"]["MonitoringScheduleName"],
        v["request"]["parameters"]["MonitoringScheduleName"]
    );
    assert_eq!(cleanup["outcome"]["result"], "ok");
}

#[test]
fn read_only_refuses_with_3_and_sends_nothing() {
    let cli = Cli::new("ro");
    let out = cli.run(&[&["--readonly", "monitor", "run", "--yes"][..], &FRAUD].concat());
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"));
    let out = cli.run(&[
        "--readonly",
        "monitor",
        "pause",
        "fraud-detector-model-quality",
        "--account",
        "prod",
        "--yes",
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let out = cli.run(&["--readonly", "monitor", "cleanup", "--yes"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"));
    assert!(
        cli.audit().is_empty(),
        "nothing was recorded: nothing was sent"
    );
}

#[test]
fn bad_input_exits_2_with_what_was_expected_and_sends_nothing() {
    let cli = Cli::new("bad");
    let cases: [(&[&str], &str); 5] = [
        (
            &["monitor", "run", "--window", "36h", "--yes"],
            "expected whole hours from 1h to 24h",
        ),
        (
            &["monitor", "run", "--schedule", "nosuch", "--yes"],
            "expected one of",
        ),
        (&["monitor", "run", "--yes"], ""),
        (
            &[
                "monitor",
                "pause",
                "nosuch-schedule",
                "--account",
                "prod",
                "--yes",
            ],
            "no monitoring schedule nosuch-schedule",
        ),
        (
            &[
                "monitor",
                "list",
                "--account",
                "prod",
                "--endpoint",
                "nosuch",
            ],
            "no endpoint nosuch",
        ),
    ];
    for (args, says) in cases {
        // The third case is the good one, without a terminal to confirm on: refused too.
        let full: Vec<&str> = if args.contains(&"--endpoint") || args.contains(&"pause") {
            args.to_vec()
        } else {
            [args, &FRAUD[..]].concat()
        };
        let full: Vec<&str> = full
            .into_iter()
            .filter(|a| !(says.is_empty() && *a == "--yes"))
            .collect();
        let out = cli.run(&full);
        assert_eq!(code(&out), 2, "{full:?}: {}", stderr(&out));
        if !says.is_empty() {
            assert!(stderr(&out).contains(says), "{full:?}: {}", stderr(&out));
        }
    }
    // An inline schedule cannot be run now.
    let out = cli.run(&[
        "monitor",
        "run",
        "--account",
        "test",
        "--endpoint",
        "ltv-scorer",
        "--schedule",
        "ltv-scorer-data-quality",
        "--yes",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("inline job definition"),
        "{}",
        stderr(&out)
    );
    assert!(cli.audit().is_empty(), "nothing was sent");
}

#[test]
fn pause_and_resume_are_sent_through_the_gate() {
    let cli = Cli::new("pause");
    for verb in ["pause", "resume"] {
        let out = cli.run(&[
            "monitor",
            verb,
            "fraud-detector-data-quality",
            "--account",
            "prod",
            "--yes",
            "--json",
        ]);
        assert_eq!(code(&out), 0, "{verb}: {}", stderr(&out));
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["outcome"]["result"], "ok");
    }
    let ops: Vec<String> = cli
        .audit()
        .iter()
        .filter(|l| l["phase"] == "intent")
        .map(|l| l["operation"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ops, ["StopMonitoringSchedule", "StartMonitoringSchedule"]);
}
