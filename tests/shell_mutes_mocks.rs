//! `sagewatch alarm mute|unmute` against the AWS source on aws-smithy-mocks (no emulator
//! serves mute rules): `--for 2h` is one PutAlarmMuteRule naming the alarms from the
//! clock's minute, `--indefinitely` DisableAlarmActions, both through the gate and its audit
//! log; read-only refuses before the transport (nothing reaches the mock), and clients built
//! read-only refuse a mute rule too, whoever asks. Unmute reads the rules (ListAlarmMuteRules,
//! GetAlarmMuteRule): a rule of the alarm's own is deleted, a rule it shares is put back
//! whole without it.

use aws_sdk_cloudwatch::operation::delete_alarm_mute_rule::DeleteAlarmMuteRuleOutput;
use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
use aws_sdk_cloudwatch::operation::disable_alarm_actions::DisableAlarmActionsOutput;
use aws_sdk_cloudwatch::operation::enable_alarm_actions::EnableAlarmActionsOutput;
use aws_sdk_cloudwatch::operation::get_alarm_mute_rule::GetAlarmMuteRuleOutput;
use aws_sdk_cloudwatch::operation::list_alarm_mute_rules::ListAlarmMuteRulesOutput;
use aws_sdk_cloudwatch::operation::put_alarm_mute_rule::PutAlarmMuteRuleOutput;
use aws_sdk_cloudwatch::types::{
    AlarmMuteRuleStatus, AlarmMuteRuleSummary, CompositeAlarm, MuteTargets, Rule as MuteRuleBody,
    Schedule, StateValue,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use clap::Parser;
use sagewatch::cli::{Cli, Commands};
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::Identity;
use sagewatch::writes::Gate;
use sagewatch::writes::audit::AuditLog;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const MONITORING: &str = "100000000000";
/// 2026-11-26T10:30:20Z: a mute opens at the start of the minute.
const NOW: i64 = 1_795_689_020;

fn identity() -> Identity {
    Identity {
        account_id: MONITORING.into(),
        arn: format!("arn:aws:iam::{MONITORING}:role/OnCall"),
        region: "eu-west-1".into(),
    }
}

/// Two alarms in the monitoring account: `fraud-5xx` with its actions on, `canary` off.
fn describe() -> Rule {
    let alarm = |name: &str, on: bool| {
        CompositeAlarm::builder()
            .alarm_name(name)
            .alarm_rule("ALARM(\"x\")")
            .actions_enabled(on)
            .state_value(StateValue::Ok)
            .build()
    };
    mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_output(move || {
        DescribeAlarmsOutput::builder()
            .composite_alarms(alarm("fraud-5xx", true))
            .composite_alarms(alarm("canary", false))
            .build()
    })
}

struct Setup {
    source: AwsSource,
    gate: Gate,
    log: std::path::PathBuf,
}

fn setup(tag: &str, rules: &[&Rule], readonly_clients: bool, readonly_gate: bool) -> Setup {
    // Mute rules are read too (unmute, the alarm list): none, unless the test lists some
    // (rules match in order).
    let no_mute_rules = mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules)
        .then_output(|| ListAlarmMuteRulesOutput::builder().build());
    let mut rules = rules.to_vec();
    rules.push(&no_mute_rules);
    let rules = rules.as_slice();
    let cloudwatch = if readonly_clients {
        mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, rules, |c| c
            .interceptor(ReadOnlyGuard))
    } else {
        mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, rules)
    };
    let home = AccountClients {
        cloudwatch,
        sagemaker: mock_client!(aws_sdk_sagemaker, []),
        s3: mock_client!(aws_sdk_s3, []),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    };
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        home,
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    let dir =
        std::env::temp_dir().join(format!("sagewatch-shellmute-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log = dir.join("audit.jsonl");
    let gate = Gate::new(readonly_gate, Some(AuditLog::new(log.clone())), identity());
    Setup { source, gate, log }
}

async fn shell(s: &Setup, args: &[&str]) -> sagewatch::shell::Exit {
    let cli = Cli::try_parse_from([&["sagewatch", "alarm"][..], args].concat()).expect("parses");
    let Some(Commands::Alarm(command)) = cli.command else {
        panic!("not an alarm command");
    };
    sagewatch::shell::run(&s.source, &s.gate, command, NOW).await
}

fn audit(s: &Setup) -> Vec<String> {
    std::fs::read_to_string(&s.log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {}",
                v["phase"].as_str().unwrap(),
                v["operation"].as_str().unwrap()
            )
        })
        .collect()
}

/// What PutAlarmMuteRule received: (name, targets, expression, duration, description).
type Seen = Arc<Mutex<Vec<(String, Vec<String>, String, String, String)>>>;

fn put_rule(seen: &Seen) -> Rule {
    let record = Arc::clone(seen);
    mock!(aws_sdk_cloudwatch::Client::put_alarm_mute_rule)
        .match_requests(move |r| {
            let schedule = r.rule().and_then(|r| r.schedule());
            record.lock().unwrap().push((
                r.name().unwrap_or_default().to_owned(),
                r.mute_targets()
                    .map(|t| t.alarm_names().to_vec())
                    .unwrap_or_default(),
                schedule
                    .and_then(|s| s.expression())
                    .unwrap_or_default()
                    .to_owned(),
                schedule
                    .and_then(|s| s.duration())
                    .unwrap_or_default()
                    .to_owned(),
                r.description().unwrap_or_default().to_owned(),
            ));
            true
        })
        .then_output(|| PutAlarmMuteRuleOutput::builder().build())
}

const MUTE: [&str; 9] = [
    "mute",
    "fraud-5xx",
    "--account",
    MONITORING,
    "--for",
    "2h",
    "--reason",
    "deploy",
    "--yes",
];

#[tokio::test]
async fn a_mute_for_two_hours_is_a_put_alarm_mute_rule_through_the_gate() {
    let seen: Seen = Default::default();
    let (describe, put) = (describe(), put_rule(&seen));
    let disable = mock!(aws_sdk_cloudwatch::Client::disable_alarm_actions)
        .then_output(|| DisableAlarmActionsOutput::builder().build());
    let s = setup("put", &[&describe, &put, &disable], false, false);
    let exit = shell(&s, &MUTE).await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!(put.num_calls(), 1);
    let (name, targets, expression, duration, description) = seen.lock().unwrap()[0].clone();
    assert!(name.starts_with("sagewatch-mute-20261126T103020"), "{name}");
    assert_eq!(targets, ["fraud-5xx"]);
    // From the start of the minute, two hours as asked.
    assert_eq!(expression, "at(2026-11-26T10:30)");
    assert_eq!(duration, "PT2H");
    assert_eq!(description, "deploy");
    assert_eq!(
        audit(&s),
        ["intent PutAlarmMuteRule", "outcome PutAlarmMuteRule"]
    );

    let exit = shell(
        &s,
        &[
            "mute",
            "fraud-5xx",
            "--account",
            MONITORING,
            "--indefinitely",
            "--yes",
        ],
    )
    .await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!((put.num_calls(), disable.num_calls()), (1, 1));
}

#[tokio::test]
async fn unmuting_an_alarm_whose_actions_are_off_turns_them_on() {
    let describe = describe();
    let enable = mock!(aws_sdk_cloudwatch::Client::enable_alarm_actions)
        .match_requests(|r| r.alarm_names() == ["canary"])
        .then_output(|| EnableAlarmActionsOutput::builder().build());
    let s = setup("unmute", &[&describe, &enable], false, false);
    let exit = shell(&s, &["unmute", "canary", "--account", MONITORING, "--yes"]).await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!(enable.num_calls(), 1);
    // Not muted: nothing sent.
    let exit = shell(
        &s,
        &["unmute", "fraud-5xx", "--account", MONITORING, "--yes"],
    )
    .await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!(enable.num_calls(), 1);
}

#[tokio::test]
async fn read_only_refuses_a_mute_rule_at_the_gate_and_at_the_transport() {
    let seen: Seen = Default::default();
    let (describe, put) = (describe(), put_rule(&seen));
    // The gate refuses first: exit 3, nothing on record, nothing sent.
    let s = setup("ro-gate", &[&describe, &put], false, true);
    let exit = shell(&s, &MUTE).await;
    assert_eq!(exit.code, 3, "{:?}", exit.message);
    assert!(audit(&s).is_empty());
    assert_eq!(put.num_calls(), 0);
    // Clients built read-only refuse it themselves, whoever asks: the write fails (exit 1),
    // on record, and nothing reaches the transport.
    let s = setup("ro-clients", &[&describe, &put], true, false);
    let exit = shell(&s, &MUTE).await;
    assert_eq!(exit.code, 1, "{:?}", exit.message);
    assert!(
        exit.message
            .as_deref()
            .unwrap_or_default()
            .contains("read-only"),
        "{:?}",
        exit.message
    );
    assert_eq!(
        put.num_calls(),
        0,
        "no PutAlarmMuteRule reached the transport"
    );
    assert_eq!(describe.num_calls(), 2, "reads still went out");
}

/// A rule as ListAlarmMuteRules and GetAlarmMuteRule give it: one-time from 10:00 for 2 h,
/// so active at `NOW`.
fn listed_rule(name: &'static str, targets: &'static [&'static str]) -> (Rule, Rule) {
    let arn = format!("arn:aws:cloudwatch:eu-west-1:{MONITORING}:alarm-mute-rule:{name}");
    let list = mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules).then_output(move || {
        ListAlarmMuteRulesOutput::builder()
            .alarm_mute_rule_summaries(
                AlarmMuteRuleSummary::builder()
                    .alarm_mute_rule_arn(&arn)
                    .status(AlarmMuteRuleStatus::Active)
                    .build(),
            )
            .build()
    });
    let get = mock!(aws_sdk_cloudwatch::Client::get_alarm_mute_rule)
        .match_requests(move |r| r.alarm_mute_rule_name() == Some(name))
        .then_output(move || {
            let mut t = MuteTargets::builder();
            for a in targets {
                t = t.alarm_names(*a);
            }
            GetAlarmMuteRuleOutput::builder()
                .name(name)
                .description("deploy\nof v42")
                .rule(
                    MuteRuleBody::builder()
                        .schedule(
                            Schedule::builder()
                                .expression("at(2026-11-26T10:00)")
                                .duration("PT2H")
                                .build(),
                        )
                        .build(),
                )
                .mute_targets(t.build())
                .status(AlarmMuteRuleStatus::Active)
                .build()
        });
    (list, get)
}

#[tokio::test]
async fn unmuting_an_alarm_muted_by_a_rule_of_its_own_deletes_that_rule() {
    let describe = describe();
    let (list, get) = listed_rule("sagewatch-mute-20261126T100000-1a2b", &["fraud-5xx"]);
    let delete = mock!(aws_sdk_cloudwatch::Client::delete_alarm_mute_rule)
        .match_requests(|r| r.alarm_mute_rule_name() == Some("sagewatch-mute-20261126T100000-1a2b"))
        .then_output(|| DeleteAlarmMuteRuleOutput::builder().build());
    let s = setup(
        "unmute-rule",
        &[&describe, &list, &get, &delete],
        false,
        false,
    );
    let exit = shell(
        &s,
        &[
            "unmute",
            "fraud-5xx",
            "--account",
            MONITORING,
            "--yes",
            "--json",
        ],
    )
    .await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!((list.num_calls(), get.num_calls()), (1, 1));
    assert_eq!(delete.num_calls(), 1, "the rule, by its name as AWS has it");
    assert_eq!(
        audit(&s),
        ["intent DeleteAlarmMuteRule", "outcome DeleteAlarmMuteRule"]
    );
}

#[tokio::test]
async fn unmuting_an_alarm_a_rule_shares_puts_the_rule_back_whole_without_it() {
    let describe = describe();
    let (list, get) = listed_rule("tf-window", &["fraud-5xx", "made-by-terraform"]);
    let seen: Seen = Default::default();
    let put = put_rule(&seen);
    let delete = mock!(aws_sdk_cloudwatch::Client::delete_alarm_mute_rule)
        .then_output(|| DeleteAlarmMuteRuleOutput::builder().build());
    let s = setup(
        "unmute-shared",
        &[&describe, &list, &get, &put, &delete],
        false,
        false,
    );
    let exit = shell(
        &s,
        &["unmute", "fraud-5xx", "--account", MONITORING, "--yes"],
    )
    .await;
    assert_eq!(exit.code, 0, "{:?}", exit.message);
    assert_eq!((put.num_calls(), delete.num_calls()), (1, 0));
    let (name, targets, expression, duration, description) = seen.lock().unwrap()[0].clone();
    assert_eq!(name, "tf-window");
    assert_eq!(
        targets,
        ["made-by-terraform"],
        "the other tool's alarm stays muted"
    );
    assert_eq!(
        (expression.as_str(), duration.as_str()),
        ("at(2026-11-26T10:00)", "PT2H")
    );
    assert_eq!(
        description, "deploy\nof v42",
        "sent back as AWS returned it"
    );
}
