//! `sagewatch alarm ...` end to end: the real binary against LocalStack, through a proxy that
//! counts every CloudWatch operation reaching the emulator (and refuses some as AWS would).
//! Exit codes 0/1/2/3, bad input refused before any request, read-only refused before any
//! request, and the audit log holding intent and outcome of every call, a failed one too.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use support::emulators::{self, Emulators};
use support::proxy::Proxy;
use support::tmux::BIN;

const REGION: &str = "us-east-1";

struct Cli {
    home: PathBuf,
    env: Vec<(String, String)>,
}

impl Cli {
    fn new(e: &Emulators, account: &str, via: &Proxy) -> Self {
        let home =
            std::env::temp_dir().join(format!("sagewatch-cli-{account}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).unwrap();
        let mut env = emulators::sagewatch_env(e, account, REGION, &home);
        for (k, v) in &mut env {
            if k == "AWS_ENDPOINT_URL" {
                *v = via.url.clone();
            }
        }
        env.push((
            "XDG_STATE_HOME".into(),
            home.join("state").display().to_string(),
        ));
        Self { home, env }
    }

    fn with_endpoint(&self, via: &Proxy) -> Self {
        let mut env = self.env.clone();
        for (k, v) in &mut env {
            if k == "AWS_ENDPOINT_URL" {
                *v = via.url.clone();
            }
        }
        Self {
            home: self.home.clone(),
            env,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            // No terminal: a confirmation cannot be asked for.
            .stdin(Stdio::null())
            .output()
            .expect("run sagewatch")
    }

    fn audit(&self) -> Vec<Value> {
        audit_lines(&self.home.join("state/sagewatch/audit.jsonl"))
    }
}

fn audit_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarm_subcommands_end_to_end_with_exit_codes_and_the_audit_log() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const ACCOUNT: &str = "777700000010";
    let cfg = emulators::config(&e.localstack, ACCOUNT, REGION).await;
    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    emulators::put_instance_metrics(&cw, "fraud", "AllTraffic", &[("CPUUtilization", 40.0)]).await;
    let proxy = Proxy::start(&e.localstack, &[]);
    let cli = Cli::new(&e, ACCOUNT, &proxy);
    let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:oncall");
    // The create command; `extra` replaces a flag's value or adds flags.
    let create = |extra: &[&str]| {
        let mut flags: Vec<(String, Option<String>)> = [
            ("--account", ACCOUNT),
            ("--endpoint", "fraud"),
            ("--metric", "CPUUtilization"),
            ("--threshold", "80"),
            ("--evaluation-periods", "3"),
            ("--datapoints", "2"),
            ("--missing", "notBreaching"),
            ("--action", topic.as_str()),
            ("--name", "e2e-cpu"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Some((*v).to_owned())))
        .collect();
        let mut it = extra.iter().peekable();
        while let Some(flag) = it.next() {
            let value = match it.peek() {
                Some(v) if !v.starts_with("--") => it.next().map(|v| (*v).to_owned()),
                _ => None,
            };
            match flags.iter_mut().find(|(k, _)| k == flag) {
                Some(slot) => slot.1 = value,
                None => flags.push(((*flag).to_owned(), value)),
            }
        }
        let mut args = vec!["alarm".to_owned(), "create".to_owned()];
        for (k, v) in flags {
            args.push(k);
            args.extend(v);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli.run(&args)
    };

    // Bad input: exit 2, a message that says what was expected, and nothing sent.
    let long = "x".repeat(256);
    let other_region = format!("arn:aws:sns:eu-west-1:{ACCOUNT}:oncall");
    let bad: [(&[&str], &str); 9] = [
        (&["--threshold", "abc"], "expected a number"),
        (&["--datapoints", "4"], "from 1 to the evaluation periods"),
        (&["--period", "45"], "10, 30, or a multiple of 60"),
        (&["--action", &other_region], "eu-west-1"),
        (&["--name", &long], "at most 255"),
        (&["--name", "bell\u{7}name"], "U+0007 (a control character)"),
        // Draws as `cpuhigh`: a name no one could type back.
        (
            &["--name", "cpu\u{200b}high"],
            "U+200B (an invisible character)",
        ),
        (&["--account", "999900000000"], "unknown account"),
        (&["--endpoint", "nope"], "no endpoint nope"),
    ];
    for (extra, says) in bad {
        let out = create(&[extra, &["--yes"]].concat());
        assert_eq!(code(&out), 2, "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{extra:?}: {}", stderr(&out));
    }
    assert_eq!(proxy.mutating(), 0, "bad input sent nothing");
    assert!(cli.audit().is_empty(), "nor recorded anything");

    // No terminal and no --yes: refused, nothing sent.
    let out = create(&[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(proxy.mutating(), 0);

    // Create.
    let out = create(&["--yes", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(printed["request"]["operation"], "PutMetricAlarm");
    assert_eq!(printed["request"]["parameters"]["AlarmName"], "e2e-cpu");
    assert_eq!(printed["outcome"]["result"], "ok");
    let a = emulators::metric_alarm(&cw, "e2e-cpu")
        .await
        .expect("created");
    assert_eq!(
        (a.threshold(), a.datapoints_to_alarm()),
        (Some(80.0), Some(2))
    );
    assert_eq!(proxy.count("PutMetricAlarm"), 1);

    // Read-only: exit 3, the alarm untouched, nothing sent, nothing recorded.
    let before = proxy.mutating();
    // (Unmute has nothing to send yet: it is refused once the alarm is muted, below.)
    for verb in [
        &["mute", "--indefinitely"][..],
        &["mute", "--for", "2h"],
        &["delete"],
    ] {
        let out = cli.run(
            &[
                &[
                    "--readonly",
                    "alarm",
                    verb[0],
                    "e2e-cpu",
                    "--account",
                    ACCOUNT,
                    "--yes",
                ][..],
                &verb[1..],
            ]
            .concat(),
        );
        assert_eq!(code(&out), 3, "{verb:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("read-only"));
    }
    let out = create(&["--yes", "--readonly", "--threshold", "1"]);
    assert_eq!(code(&out), 3);
    assert_eq!(
        proxy.mutating(),
        before,
        "read-only sent no mutating request"
    );
    let a = emulators::metric_alarm(&cw, "e2e-cpu")
        .await
        .expect("still there");
    assert_eq!(
        (a.actions_enabled(), a.threshold()),
        (Some(true), Some(80.0))
    );

    // Mute, unmute, list.
    let out = cli.run(&[
        "alarm",
        "mute",
        "e2e-cpu",
        "--account",
        ACCOUNT,
        "--indefinitely",
        "--yes",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        emulators::metric_alarm(&cw, "e2e-cpu")
            .await
            .unwrap()
            .actions_enabled(),
        Some(false)
    );
    let out = cli.run(&["alarm", "list", "--account", ACCOUNT, "--json"]);
    let listed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "e2e-cpu")
        .expect("listed");
    assert_eq!(row["actions_enabled"], false);
    assert_eq!(row["muted_indefinitely"], true);
    let before = proxy.mutating();
    let out = cli.run(&[
        "--readonly",
        "alarm",
        "unmute",
        "e2e-cpu",
        "--account",
        ACCOUNT,
        "--yes",
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(proxy.mutating(), before, "read-only sent no unmute");
    let out = cli.run(&["alarm", "unmute", "e2e-cpu", "--account", ACCOUNT, "--yes"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        emulators::metric_alarm(&cw, "e2e-cpu")
            .await
            .unwrap()
            .actions_enabled(),
        Some(true)
    );
    let out = cli.run(&[
        "alarm",
        "mute",
        "no-such-alarm",
        "--account",
        ACCOUNT,
        "--indefinitely",
        "--yes",
    ]);
    assert_eq!(code(&out), 2, "an unknown alarm is bad usage");
    let out = cli.run(&["alarm", "list", "--state", "RED"]);
    assert_eq!(code(&out), 2);

    // AWS refuses the delete: exit 1, the IAM action named, the alarm still there.
    let refusing = Proxy::start(&e.localstack, &["DeleteAlarms"]);
    let out = cli.with_endpoint(&refusing).run(&[
        "alarm",
        "delete",
        "e2e-cpu",
        "--account",
        ACCOUNT,
        "--yes",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cloudwatch:DeleteAlarms"),
        "{}",
        stderr(&out)
    );
    assert!(emulators::metric_alarm(&cw, "e2e-cpu").await.is_some());

    // Delete.
    let out = cli.run(&["alarm", "delete", "e2e-cpu", "--account", ACCOUNT, "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(emulators::metric_alarm(&cw, "e2e-cpu").await.is_none());

    // The audit log: an intent and an outcome for each of the five calls sent, the refused
    // one included, and nothing for what was never sent.
    let log = cli.audit();
    let ops: Vec<(String, String)> = log
        .iter()
        .map(|l| {
            (
                l["phase"].as_str().unwrap().to_owned(),
                l["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        "PutMetricAlarm",
        "DisableAlarmActions",
        "EnableAlarmActions",
        "DeleteAlarms",
        "DeleteAlarms",
    ]
    .iter()
    .flat_map(|op| {
        [
            ("intent".to_owned(), op.to_string()),
            ("outcome".to_owned(), op.to_string()),
        ]
    })
    .collect();
    assert_eq!(ops, expected);
    for pair in log.chunks(2) {
        assert_eq!(pair[0]["id"], pair[1]["id"]);
        assert_eq!(pair[0]["account"], ACCOUNT);
        assert_eq!(pair[0]["region"], REGION);
        assert!(pair[0]["caller"].as_str().unwrap().contains(ACCOUNT));
    }
    assert_eq!(log[7]["result"], "error");
    assert!(
        log[7]["error"]
            .as_str()
            .unwrap()
            .contains("cloudwatch:DeleteAlarms")
    );
    assert_eq!(log[9]["result"], "ok");
    assert!(log[9]["request_id"].is_string());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(cli.home.join("state/sagewatch/audit.jsonl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_audit_log_refuses_the_write_and_names_the_path() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const ACCOUNT: &str = "777700000011";
    let cfg = emulators::config(&e.localstack, ACCOUNT, REGION).await;
    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    emulators::put_instance_metrics(&cw, "fraud", "AllTraffic", &[("CPUUtilization", 40.0)]).await;
    let proxy = Proxy::start(&e.localstack, &[]);
    let mut cli = Cli::new(&e, ACCOUNT, &proxy);
    // A file where the state directory should be.
    let blocker = cli.home.join("blocked");
    std::fs::write(&blocker, "x").unwrap();
    for (k, v) in &mut cli.env {
        if k == "XDG_STATE_HOME" {
            *v = blocker.display().to_string();
        }
    }
    let out = cli.run(&[
        "alarm",
        "create",
        "--account",
        ACCOUNT,
        "--endpoint",
        "fraud",
        "--metric",
        "CPUUtilization",
        "--threshold",
        "80",
        "--yes",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&blocker.display().to_string()),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        proxy.mutating(),
        0,
        "nothing sent without its intent on record"
    );
}
