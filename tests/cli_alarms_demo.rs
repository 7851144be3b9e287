//! `sagewatch alarm ...` on the demo: `--account` means the same in every subcommand (the
//! alarm's account or the account of the endpoint it watches, said when they differ),
//! `alarm list` prints a header over aligned columns (`--json` unchanged), and `alarm
//! delete` without `--yes` wants the alarm's name typed back, as the console does.

mod support;

use std::process::{Command, Output, Stdio};
use support::tmux::{BIN, Tmux};

fn run(args: &[&str]) -> Output {
    let state = std::env::temp_dir().join(format!("sagewatch-cli-demo-{}", std::process::id()));
    Command::new(BIN)
        .args(["--demo", "--seed", "7"])
        .args(args)
        .env_remove("SAGEWATCH_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("XDG_STATE_HOME", &state)
        .stdin(Stdio::null())
        .output()
        .expect("run sagewatch")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn alarm_list_has_a_header_over_aligned_columns_and_json_is_unchanged() {
    let out = run(&["alarm", "list", "--account", "prod"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let header = lines[0];
    for word in ["STATE", "ACTIONS", "LIVES IN", "WATCHES", "NAME", "METRIC"] {
        assert!(header.contains(word), "{header}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("prod-fraud-detector-accuracy")),
        "{stdout}"
    );
    // Every column starts where its header does.
    for column in ["ACTIONS", "LIVES IN", "WATCHES", "NAME", "METRIC"] {
        let at = header.find(column).unwrap();
        for l in &lines[1..] {
            assert!(
                l.len() > at && l.as_bytes()[at - 1] == b' ' && l.as_bytes()[at] != b' ',
                "{column} not aligned:\n{stdout}"
            );
        }
    }

    let json = run(&["alarm", "list", "--account", "prod", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), lines.len() - 1);
    assert_eq!(rows[0]["alarm_account_id"], "100000000000");
    assert_eq!(rows[0]["account_id"], "111111111111");
}

#[test]
fn account_means_the_same_in_list_and_mute_and_is_said() {
    // Listed under prod ...
    let list = text(&run(&["alarm", "list", "--account", "prod"]).stdout);
    assert!(list.contains("prod-fraud-detector-accuracy"), "{list}");
    // ... so muted under prod: sent to the account it lives in, and stderr says so.
    let out = run(&[
        "alarm",
        "mute",
        "prod-fraud-detector-accuracy",
        "--account",
        "prod",
        "--indefinitely",
        "--yes",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        text(&out.stdout).contains("prod-fraud-detector-accuracy in 100000000000: done"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        stderr.contains("lives in 100000000000 (monitoring)"),
        "{stderr}"
    );
    // Named by its own account, nothing needs saying (each run is a new demo: the canary's
    // alarm is the one muted, for good, two days before).
    let out = run(&[
        "alarm",
        "unmute",
        "test-fraud-detector-canary-accuracy",
        "--account",
        "monitoring",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    // The alarm's account listed it too.
    let list = text(&run(&["alarm", "list", "--account", "monitoring"]).stdout);
    assert!(list.contains("prod-fraud-detector-accuracy"), "{list}");
    // An account it has nothing to do with: refused, with where it is.
    let out = run(&[
        "alarm",
        "mute",
        "prod-fraud-detector-accuracy",
        "--account",
        "staging",
        "--indefinitely",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--account 100000000000"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn alarm_delete_without_yes_wants_the_name_typed_back() {
    let t = Tmux::start("cli-delete", 160, 48);
    let state = t.home.join("state");
    let cmd = format!(
        "XDG_STATE_HOME={} {BIN} --demo alarm delete prod-fraud-detector-5xx --account prod; echo EXITED:$?",
        state.display()
    );
    t.literal(&cmd);
    t.keys(&["Enter"]);
    t.wait_for("type the name (prod-fraud-detector-5xx)");
    // `y` is not the name: nothing is sent.
    t.literal("y");
    t.keys(&["Enter"]);
    let s = t.wait_for_line("EXITED:");
    assert!(s.contains("not confirmed: nothing was sent"), "{s}");
    assert!(s.contains("EXITED:2"), "{s}");
    t.keys(&["C-l"]);
    t.literal("clear");
    t.keys(&["Enter"]);
    t.literal(&cmd);
    t.keys(&["Enter"]);
    t.wait_for("type the name (prod-fraud-detector-5xx)");
    t.literal("prod-fraud-detector-5xx");
    t.keys(&["Enter"]);
    let s = t.wait_for_line("EXITED:");
    assert!(
        s.contains("DeleteAlarms prod-fraud-detector-5xx in 100000000000: done"),
        "{s}"
    );
    assert!(s.contains("EXITED:0"), "{s}");
}

#[test]
fn alarm_create_on_a_blue_green_endpoint_wants_the_variant_and_names_it() {
    let create = |extra: &[&str]| {
        let mut args = vec![
            "alarm",
            "create",
            "--account",
            "prod",
            "--endpoint",
            "fraud-detector",
            "--metric",
            "CPUUtilization",
            "--threshold",
            "80",
            "--yes",
            "--json",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    // Not blue by default: the alarm would silently miss the traffic on green.
    let out = create(&[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--variant blue|green"), "{stderr}");
    assert!(text(&out.stdout).is_empty(), "nothing sent");

    let out = create(&["--variant", "green"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("prod-fraud-detector-CPUUtilization-green-high"),
        "{stdout}"
    );
    assert!(stdout.contains("\"green\""), "{stdout}");
    assert!(!stdout.contains("\"blue\""), "{stdout}");

    // A model-quality metric has one series for the endpoint: no variant, none in the name.
    let out = run(&[
        "alarm",
        "create",
        "--account",
        "prod",
        "--endpoint",
        "fraud-detector",
        "--metric",
        "accuracy",
        "--threshold",
        "0.8",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("prod-fraud-detector-accuracy-low"),
        "{}",
        text(&out.stdout)
    );
}
