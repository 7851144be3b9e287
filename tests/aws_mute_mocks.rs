//! Alarm mute rules through the AWS source on the SDK's own mock layer (aws-smithy-mocks):
//! no emulator here serves ListAlarmMuteRules, GetAlarmMuteRule, PutAlarmMuteRule or
//! DeleteAlarmMuteRule (LocalStack 4.13.1 answers them with an error: docs in
//! tests/emulators/README.md).
//! - reading: every account whose alarms are read, paged, each rule described once until it
//!   changes, a rule deleted between the listing and its description, another region's rule,
//!   a rule another tool made, hostile strings, one account failing beside another;
//! - writing: PutAlarmMuteRule exactly as `PutMuteRule::parameters()` shows it,
//!   DeleteAlarmMuteRule naming the rule, AccessDenied naming the IAM action, read-only
//!   refusing both at the transport.

mod support;

use aws_sdk_cloudwatch::operation::delete_alarm_mute_rule::{
    DeleteAlarmMuteRuleInput, DeleteAlarmMuteRuleOutput,
};
use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
use aws_sdk_cloudwatch::operation::get_alarm_mute_rule::{
    GetAlarmMuteRuleError, GetAlarmMuteRuleOutput,
};
use aws_sdk_cloudwatch::operation::list_alarm_mute_rules::{
    ListAlarmMuteRulesError, ListAlarmMuteRulesOutput,
};
use aws_sdk_cloudwatch::operation::put_alarm_mute_rule::{
    PutAlarmMuteRuleError, PutAlarmMuteRuleInput, PutAlarmMuteRuleOutput,
};
use aws_sdk_cloudwatch::types::error::ResourceNotFoundException;
use aws_sdk_cloudwatch::types::{
    AlarmMuteRuleStatus, AlarmMuteRuleSummary, MetricAlarm, MuteTargets, Rule as MuteRuleBody,
    Schedule,
};
use aws_smithy_mocks::{Rule, mock};
use aws_smithy_types::DateTime;
use sagewatch::config::AccountConfig;
use sagewatch::source::alarm_write::AlarmWrite;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::{Epoch, Identity};
use sagewatch::source::mute::{MuteRule, MuteState, MuteStatus, Muted, PutMuteRule, muted};
use sagewatch::source::{FleetSource, SourceError};
use sagewatch::writes::audit::AuditLog;
use sagewatch::writes::{Gate, Refusal, WriteOutcome};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use support::mocks::cloudwatch_clients as clients;

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";
const REGION: &str = "eu-west-1";

fn t(s: &str) -> Epoch {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

fn identity() -> Identity {
    Identity {
        account_id: MONITORING.into(),
        arn: format!("arn:aws:iam::{MONITORING}:role/OnCall"),
        region: REGION.into(),
    }
}

/// Fan-out over the monitoring account and, when given, prod (each read with its own
/// clients, as `alarms()` reads them).
fn source(home: AccountClients, prod: Option<AccountClients>) -> AwsSource {
    let mut accounts = HashMap::new();
    let mut settings = Vec::new();
    if let Some(p) = prod {
        accounts.insert(PROD.to_owned(), p);
        settings.push(AccountConfig {
            id: PROD.into(),
            label: Some("prod".into()),
            role_arn: Some(format!("arn:aws:iam::{PROD}:role/Sagewatch")),
            profile: None,
            exclude: false,
        });
    }
    AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        home,
        accounts,
        settings,
        Health::default(),
    )
}

fn arn(account: &str, name: &str) -> String {
    format!("arn:aws:cloudwatch:{REGION}:{account}:alarm-mute-rule:{name}")
}

fn summary(arn: &str, status: AlarmMuteRuleStatus, updated: Epoch) -> AlarmMuteRuleSummary {
    AlarmMuteRuleSummary::builder()
        .alarm_mute_rule_arn(arn)
        .status(status)
        .last_updated_timestamp(DateTime::from_secs(updated))
        .mute_type("ONE_TIME")
        .build()
}

/// A rule as GetAlarmMuteRule describes it.
struct Described {
    account: &'static str,
    name: &'static str,
    description: &'static str,
    expression: &'static str,
    duration: &'static str,
    timezone: Option<&'static str>,
    targets: &'static [&'static str],
    status: AlarmMuteRuleStatus,
    updated: Epoch,
}

impl Described {
    fn new(account: &'static str, name: &'static str, targets: &'static [&'static str]) -> Self {
        Self {
            account,
            name,
            description: "deploy",
            expression: "at(2026-12-06T11:00)",
            duration: "PT2H",
            timezone: None,
            targets,
            status: AlarmMuteRuleStatus::Active,
            updated: t("2026-12-06T11:00:00Z"),
        }
    }

    fn summary(&self) -> AlarmMuteRuleSummary {
        summary(
            &arn(self.account, self.name),
            self.status.clone(),
            self.updated,
        )
    }

    fn output(&self) -> GetAlarmMuteRuleOutput {
        let mut schedule = Schedule::builder()
            .expression(self.expression)
            .duration(self.duration);
        if let Some(tz) = self.timezone {
            schedule = schedule.timezone(tz);
        }
        let mut targets = MuteTargets::builder();
        for a in self.targets {
            targets = targets.alarm_names(*a);
        }
        GetAlarmMuteRuleOutput::builder()
            .name(self.name)
            .alarm_mute_rule_arn(arn(self.account, self.name))
            .description(self.description)
            .rule(MuteRuleBody::builder().schedule(schedule.build()).build())
            .mute_targets(targets.build())
            .status(self.status.clone())
            .last_updated_timestamp(DateTime::from_secs(self.updated))
            .build()
    }

    /// A GetAlarmMuteRule rule answering for this rule's name only.
    fn get_rule(self) -> Rule {
        let name = self.name;
        mock!(aws_sdk_cloudwatch::Client::get_alarm_mute_rule)
            .match_requests(move |r| r.alarm_mute_rule_name() == Some(name))
            .then_output(move || self.output())
    }
}

/// One page of ListAlarmMuteRules, answering the request with `token` (`None`: the first).
fn list_page(
    token: Option<&'static str>,
    summaries: Vec<AlarmMuteRuleSummary>,
    next: Option<&'static str>,
) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules)
        .match_requests(move |r| r.next_token() == token && r.statuses().is_empty())
        .then_output(move || {
            ListAlarmMuteRulesOutput::builder()
                .set_alarm_mute_rule_summaries(Some(summaries.clone()))
                .set_next_token(next.map(str::to_owned))
                .build()
        })
}

fn by_name(rules: &[MuteRule]) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = rules
        .iter()
        .map(|r| (r.account_id.as_str(), r.id.as_str()))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn every_accounts_rules_are_read_over_pages_each_described_once_until_it_changes() {
    let deploy = Described::new(MONITORING, "sagewatch-mute-deploy", &["fraud-5xx"]);
    let old = Described {
        status: AlarmMuteRuleStatus::Expired,
        expression: "at(2026-11-01T10:00)",
        ..Described::new(MONITORING, "old", &["fraud-5xx"])
    };
    let nightly = Described {
        expression: "cron(0 2 * * *)",
        duration: "PT4H",
        timezone: Some("Europe/Paris"),
        status: AlarmMuteRuleStatus::Scheduled,
        ..Described::new(MONITORING, "nightly", &["fraud-latency", "churn-latency"])
    };
    let prod_rule = Described::new(PROD, "prod-window", &["prod-cpu"]);
    let page1 = list_page(None, vec![deploy.summary(), old.summary()], Some("p2"));
    let page2 = list_page(Some("p2"), vec![nightly.summary()], None);
    let prod_page = list_page(None, vec![prod_rule.summary()], None);
    let home_gets = [deploy.get_rule(), old.get_rule(), nightly.get_rule()];
    let prod_get = prod_rule.get_rule();
    let mut home_rules: Vec<&Rule> = vec![&page1, &page2];
    home_rules.extend(home_gets.iter());
    let s = source(
        clients(&home_rules, false),
        Some(clients(&[&prod_page, &prod_get], false)),
    );
    let mutes = s.mutes().expect("the AWS source reads mute rules");
    let rules = mutes.mute_rules().await.expect("read");
    assert_eq!(
        by_name(&rules),
        [
            (MONITORING, "nightly"),
            (MONITORING, "old"),
            (MONITORING, "sagewatch-mute-deploy"),
            (PROD, "prod-window"),
        ]
    );
    let nightly_read = rules.iter().find(|r| r.id == "nightly").unwrap();
    assert_eq!(nightly_read.targets, ["fraud-latency", "churn-latency"]);
    assert_eq!(nightly_read.timezone.as_deref(), Some("Europe/Paris"));
    assert_eq!(nightly_read.duration, "PT4H");
    assert_eq!(nightly_read.status, MuteStatus::Scheduled);
    assert_eq!(nightly_read.description, "deploy");
    assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1), "paged");
    assert_eq!(prod_page.num_calls(), 1, "prod read with its own clients");
    let gets = |rules: &[Rule]| rules.iter().map(Rule::num_calls).collect::<Vec<_>>();
    assert_eq!(gets(&home_gets), [1, 1, 1]);
    assert_eq!(prod_get.num_calls(), 1);

    // Read again: listed again, nothing described again (nothing changed).
    let again = mutes.mute_rules().await.expect("read");
    assert_eq!(by_name(&again), by_name(&rules));
    assert_eq!(page1.num_calls(), 2);
    assert_eq!(gets(&home_gets), [1, 1, 1], "described once");
    assert_eq!(prod_get.num_calls(), 1);
    assert!(s.health().problems.is_empty(), "{:?}", s.health().problems);
}

#[tokio::test]
async fn a_changed_rule_is_described_again_and_its_listed_status_is_the_newer() {
    // The listing's update time and status, changed by the test between reads.
    let updated = Arc::new(AtomicI64::new(t("2026-12-06T11:00:00Z")));
    let status = Arc::new(Mutex::new(AlarmMuteRuleStatus::Scheduled));
    let (u, st) = (updated.clone(), status.clone());
    let list =
        mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules).then_compute_output(move |_| {
            ListAlarmMuteRulesOutput::builder()
                .alarm_mute_rule_summaries(summary(
                    &arn(MONITORING, "window"),
                    st.lock().unwrap().clone(),
                    u.load(Ordering::SeqCst),
                ))
                .build()
        });
    let get = Described {
        status: AlarmMuteRuleStatus::Scheduled,
        ..Described::new(MONITORING, "window", &["a"])
    }
    .get_rule();
    let s = source(clients(&[&list, &get], false), None);
    let read = s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(read[0].status, MuteStatus::Scheduled);
    // The window opened: the listing says so, without a new description.
    *status.lock().unwrap() = AlarmMuteRuleStatus::Active;
    let read = s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(read[0].status, MuteStatus::Active);
    assert_eq!(get.num_calls(), 1);
    // Someone changed the rule: described again.
    updated.store(t("2026-12-06T12:00:00Z"), Ordering::SeqCst);
    s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(get.num_calls(), 2);
    s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(get.num_calls(), 2);
}

#[tokio::test]
async fn a_rule_another_tool_made_keeps_the_alarms_sagewatch_does_not_know() {
    let terraform = Described {
        description: "managed by terraform",
        ..Described::new(
            MONITORING,
            "tf-maintenance",
            &["fraud-5xx", "legacy-batch-alarm", "other-team-alarm"],
        )
    };
    let list = list_page(None, vec![terraform.summary()], None);
    let get = terraform.get_rule();
    let alarm = MetricAlarm::builder()
        .alarm_name("fraud-5xx")
        .namespace("AWS/SageMaker")
        .metric_name("Invocation5XXErrors")
        .actions_enabled(true)
        .build();
    let describe = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_output(move || {
        DescribeAlarmsOutput::builder()
            .metric_alarms(alarm.clone())
            .build()
    });
    let s = source(clients(&[&list, &get, &describe], false), None);
    let rules = s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(
        rules[0].targets,
        ["fraud-5xx", "legacy-batch-alarm", "other-team-alarm"],
        "kept whole: a rule put back without one alarm must still name the others"
    );
    let alarms = s.alarms().await.unwrap();
    assert_eq!(alarms.len(), 1);
    let now = t("2026-12-06T11:30:00Z");
    match muted(&alarms[0], &rules, now) {
        Some(Muted::Until { until, rule }) => {
            assert_eq!(until, t("2026-12-06T13:00:00Z"));
            assert_eq!(rule.id, "tf-maintenance");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_rule_of_another_region_or_an_arn_that_names_no_rule_is_not_described() {
    // The console watches eu-west-1: a us-east-1 rule mutes us-east-1's alarms, and
    // GetAlarmMuteRule for its name here would describe this region's rule of that name.
    let elsewhere = summary(
        "arn:aws:cloudwatch:us-east-1:100000000000:alarm-mute-rule:nightly",
        AlarmMuteRuleStatus::Active,
        0,
    );
    let garbage = summary(
        "arn:aws:cloudwatch:eu-west-1:100000000000:alarm:nightly",
        AlarmMuteRuleStatus::Active,
        0,
    );
    let here = Described::new(MONITORING, "nightly-eu", &["a"]);
    let list = list_page(None, vec![elsewhere, garbage, here.summary()], None);
    let get_any = mock!(aws_sdk_cloudwatch::Client::get_alarm_mute_rule)
        .match_requests(|r| r.alarm_mute_rule_name() != Some("nightly-eu"))
        .then_output(|| Described::new(MONITORING, "nightly", &["b"]).output());
    let get_here = here.get_rule();
    let s = source(clients(&[&list, &get_any, &get_here], false), None);
    let rules = s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(by_name(&rules), [(MONITORING, "nightly-eu")]);
    assert_eq!(get_any.num_calls(), 0, "no other rule was described");
    assert_eq!(get_here.num_calls(), 1);
}

#[tokio::test]
async fn a_recurring_rule_counts_in_its_time_zone_and_an_expired_one_is_over() {
    let nightly = Described {
        expression: "cron(0 2 * * *)",
        duration: "PT4H",
        timezone: Some("Europe/Paris"),
        status: AlarmMuteRuleStatus::Scheduled,
        ..Described::new(MONITORING, "nightly", &["a"])
    };
    let expired = Described {
        expression: "at(2026-12-01T10:00)",
        duration: "PT1H",
        status: AlarmMuteRuleStatus::Expired,
        ..Described::new(MONITORING, "over", &["a"])
    };
    let list = list_page(None, vec![nightly.summary(), expired.summary()], None);
    let gets = [nightly.get_rule(), expired.get_rule()];
    let s = source(clients(&[&list, &gets[0], &gets[1]], false), None);
    let rules = s.mutes().unwrap().mute_rules().await.unwrap();
    let rule = |id: &str| rules.iter().find(|r| r.id == id).unwrap();
    // 02:00 in Paris is 01:00 UTC in December.
    assert_eq!(
        rule("nightly").state_at(t("2026-12-06T00:30:00Z")),
        MuteState::Scheduled {
            next: Some(t("2026-12-06T01:00:00Z"))
        }
    );
    assert_eq!(
        rule("nightly").state_at(t("2026-12-06T01:30:00Z")),
        MuteState::Active {
            until: t("2026-12-06T05:00:00Z")
        }
    );
    assert!(rule("nightly").is_recurring());
    assert_eq!(
        rule("over").state_at(t("2026-12-06T11:00:00Z")),
        MuteState::Expired
    );
    assert_eq!(rule("over").status, MuteStatus::Expired);
}

#[tokio::test]
async fn a_rule_deleted_between_the_listing_and_its_description_is_skipped() {
    let gone = summary(
        &arn(MONITORING, "gone"),
        AlarmMuteRuleStatus::Active,
        t("2026-12-06T11:00:00Z"),
    );
    let kept = Described::new(MONITORING, "kept", &["a"]);
    let list = list_page(None, vec![gone, kept.summary()], None);
    let not_found = mock!(aws_sdk_cloudwatch::Client::get_alarm_mute_rule)
        .match_requests(|r| r.alarm_mute_rule_name() == Some("gone"))
        .then_error(|| {
            GetAlarmMuteRuleError::ResourceNotFoundException(
                ResourceNotFoundException::builder()
                    .message("no such rule")
                    .build(),
            )
        });
    let get = kept.get_rule();
    let s = source(clients(&[&list, &not_found, &get], false), None);
    let rules = s.mutes().unwrap().mute_rules().await.expect("not an error");
    assert_eq!(by_name(&rules), [(MONITORING, "kept")]);
    assert_eq!(not_found.num_calls(), 1);
    assert!(s.health().problems.is_empty());
}

fn denied_list() -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules).then_error(|| {
        ListAlarmMuteRulesError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("not authorized")
                .build(),
        )
    })
}

#[tokio::test]
async fn a_denied_read_names_the_iam_action_and_one_account_failing_hides_no_other() {
    // Both denied: the read fails, naming the action.
    let s = source(
        clients(&[&denied_list()], false),
        Some(clients(&[&denied_list()], false)),
    );
    let err = s.mutes().unwrap().mute_rules().await.unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "cloudwatch:ListAlarmMuteRules"),
        "{err:?}"
    );

    // Listing allowed, describing denied.
    let listed = Described::new(MONITORING, "r", &["a"]);
    let list = list_page(None, vec![listed.summary()], None);
    let get_denied = mock!(aws_sdk_cloudwatch::Client::get_alarm_mute_rule).then_error(|| {
        GetAlarmMuteRuleError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDeniedException")
                .build(),
        )
    });
    let s = source(clients(&[&list, &get_denied], false), None);
    let err = s.mutes().unwrap().mute_rules().await.unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "cloudwatch:GetAlarmMuteRule"),
        "{err:?}"
    );

    // Prod denied beside a monitoring account that reads: its rules stand, the status bar
    // names prod's call.
    let home_rule = Described::new(MONITORING, "home", &["a"]);
    let home_list = list_page(None, vec![home_rule.summary()], None);
    let home_get = home_rule.get_rule();
    let s = source(
        clients(&[&home_list, &home_get], false),
        Some(clients(&[&denied_list()], false)),
    );
    let rules = s.mutes().unwrap().mute_rules().await.expect("partial");
    assert_eq!(by_name(&rules), [(MONITORING, "home")]);
    let problems = s.health().problems;
    assert!(
        problems.iter().any(|p| p
            .to_string()
            .contains(&format!("ListAlarmMuteRules {PROD}"))
            && p.to_string().contains("cloudwatch:ListAlarmMuteRules")),
        "{problems:?}"
    );
}

#[tokio::test]
async fn a_failing_account_keeps_its_last_rules() {
    let prod_rule = Described::new(PROD, "prod-window", &["prod-cpu"]);
    // Prod's listing answers once, then is denied.
    let prod_list = mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules)
        .sequence()
        .output({
            let s = prod_rule.summary();
            move || {
                ListAlarmMuteRulesOutput::builder()
                    .alarm_mute_rule_summaries(s.clone())
                    .build()
            }
        })
        .error(|| {
            ListAlarmMuteRulesError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code("AccessDenied")
                    .build(),
            )
        })
        .repeatedly()
        .build();
    let prod_get = prod_rule.get_rule();
    let home_list = list_page(None, vec![], None);
    let s = source(
        clients(&[&home_list], false),
        Some(clients(&[&prod_list, &prod_get], false)),
    );
    let first = s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(by_name(&first), [(PROD, "prod-window")]);
    let second = s.mutes().unwrap().mute_rules().await.unwrap();
    assert_eq!(
        by_name(&second),
        [(PROD, "prod-window")],
        "the last answer stands"
    );
    assert!(prod_list.num_calls() >= 2);
    assert!(!s.health().problems.is_empty(), "and the failure is said");
}

#[tokio::test]
async fn a_hostile_rule_is_cleaned_where_drawn_as_held_and_kept_whole_for_requests() {
    let evil = "\u{1b}]0;pwned\u{7}rule\u{202e}\u{200b}";
    let list = list_page(
        None,
        vec![summary(
            &arn(MONITORING, evil),
            AlarmMuteRuleStatus::Active,
            1,
        )],
        None,
    );
    let target = "fraud\u{1b}[2J-5xx";
    let get = mock!(aws_sdk_cloudwatch::Client::get_alarm_mute_rule)
        .match_requests(move |r| r.alarm_mute_rule_name() == Some(evil))
        .then_output(move || {
            GetAlarmMuteRuleOutput::builder()
                .name(evil)
                .description("line one\nline two\u{1b}[31m")
                .rule(
                    MuteRuleBody::builder()
                        .schedule(
                            Schedule::builder()
                                .expression("cron(0 2 * * *)\u{9b}")
                                .duration("PT4H\u{7}")
                                .timezone("Europe/Paris\u{202e}")
                                .build(),
                        )
                        .build(),
                )
                .mute_targets(MuteTargets::builder().alarm_names(target).build())
                .status(AlarmMuteRuleStatus::Active)
                .build()
        });
    let s = source(clients(&[&list, &get], false), None);
    let rules = s.mutes().unwrap().mute_rules().await.unwrap();
    let r = &rules[0];
    assert_eq!(r.id, evil, "the name requests use");
    assert_eq!(r.targets, [target], "the alarms requests name");
    // Drawn as held: cleaned.
    for drawn in [&r.name, &r.schedule_words()] {
        assert!(
            !drawn.chars().any(sagewatch::sanitize::needs_replacing),
            "{drawn:?}"
        );
    }
    assert!(r.name.ends_with("rule\u{FFFD}\u{FFFD}"), "{:?}", r.name);
    // Sent back whole by an edit: as AWS returned them, cleaned where drawn.
    assert_eq!(r.description, "line one\nline two\u{1b}[31m");
    assert_eq!(r.expression, "cron(0 2 * * *)\u{9b}");
    assert_eq!(r.duration, "PT4H\u{7}");
    assert_eq!(r.timezone.as_deref(), Some("Europe/Paris\u{202e}"));
}

fn put_request() -> PutMuteRule {
    let now = t("2026-12-06T11:07:30Z");
    let mut p = PutMuteRule::from_now(
        PROD.into(),
        vec!["prod-fraud-5xx".into(), "prod-fraud-latency".into()],
        now,
        now + 2 * 3600,
        "deploy of fraud v42",
    );
    // Every optional field, so that each is checked on the wire.
    p.timezone = Some("UTC".into());
    p.start = Some(t("2026-12-06T11:00:00Z"));
    p.expire = Some(t("2026-12-07T11:00:00Z"));
    p
}

/// The SDK request, in CloudWatch's field names, as `PutMuteRule::parameters()` writes them.
fn as_parameters(input: &PutAlarmMuteRuleInput) -> Value {
    let schedule = input.rule().and_then(|r| r.schedule()).expect("a schedule");
    let mut s = json!({
        "Expression": schedule.expression(),
        "Duration": schedule.duration(),
    });
    if let Some(tz) = schedule.timezone() {
        s["Timezone"] = json!(tz);
    }
    let mut v = json!({
        "Name": input.name(),
        "Rule": { "Schedule": s },
        "MuteTargets": { "AlarmNames": input.mute_targets().map(|m| m.alarm_names()) },
    });
    if let Some(d) = input.description() {
        v["Description"] = json!(d);
    }
    if let Some(d) = input.start_date() {
        v["StartDate"] = json!(sagewatch::source::mute::iso(d.secs()));
    }
    if let Some(d) = input.expire_date() {
        v["ExpireDate"] = json!(sagewatch::source::mute::iso(d.secs()));
    }
    v
}

#[tokio::test]
async fn put_sends_exactly_what_the_confirmation_shows_in_the_alarms_account() {
    let seen = Arc::new(Mutex::new(None));
    let record = seen.clone();
    let home_put = mock!(aws_sdk_cloudwatch::Client::put_alarm_mute_rule)
        .then_output(|| PutAlarmMuteRuleOutput::builder().build());
    let prod_put = mock!(aws_sdk_cloudwatch::Client::put_alarm_mute_rule)
        .match_requests(move |r| {
            *record.lock().unwrap() = Some(r.clone());
            true
        })
        .then_output(|| PutAlarmMuteRuleOutput::builder().build());
    let s = source(
        clients(&[&home_put], false),
        Some(clients(&[&prod_put], false)),
    );
    let p = put_request();
    p.validate().expect("a valid rule");
    let shown = AlarmWrite::PutMuteRule(Box::new(p.clone()));
    s.writer()
        .unwrap()
        .write(&shown.clone().into())
        .await
        .expect("put");
    assert_eq!((home_put.num_calls(), prod_put.num_calls()), (0, 1));
    let input = seen.lock().unwrap().clone().expect("the request");
    assert_eq!(as_parameters(&input), shown.parameters());
    // What that is, spelled out: one-time from the start of the current minute, for the 2
    // hours asked.
    let schedule = input.rule().unwrap().schedule().unwrap();
    assert_eq!(schedule.expression(), Some("at(2026-12-06T11:07)"));
    assert_eq!(schedule.duration(), Some("PT2H"));
    assert_eq!(schedule.timezone(), Some("UTC"));
    assert_eq!(input.description(), Some("deploy of fraud v42"));

    // Without the optional fields, none is sent.
    let mut bare = put_request();
    (bare.timezone, bare.start, bare.expire, bare.description) = (None, None, None, String::new());
    let bare = AlarmWrite::PutMuteRule(Box::new(bare));
    s.writer()
        .unwrap()
        .write(&bare.clone().into())
        .await
        .unwrap();
    let input = seen.lock().unwrap().clone().unwrap();
    assert_eq!(as_parameters(&input), bare.parameters());
    assert!(input.start_date().is_none() && input.description().is_none());
}

#[tokio::test]
async fn delete_names_the_rule_as_aws_returned_it() {
    let seen: Arc<Mutex<Option<DeleteAlarmMuteRuleInput>>> = Arc::default();
    let record = seen.clone();
    let delete = mock!(aws_sdk_cloudwatch::Client::delete_alarm_mute_rule)
        .match_requests(move |r| {
            *record.lock().unwrap() = Some(r.clone());
            true
        })
        .then_output(|| DeleteAlarmMuteRuleOutput::builder().build());
    let s = source(clients(&[&delete], false), None);
    let name = "sagewatch-mute-20261206T110730-3f2a";
    let w = AlarmWrite::DeleteMuteRule {
        account_id: MONITORING.into(),
        name: name.into(),
        region: Default::default(),
    };
    s.writer().unwrap().write(&w.clone().into()).await.unwrap();
    assert_eq!(delete.num_calls(), 1);
    let input = seen.lock().unwrap().clone().unwrap();
    assert_eq!(input.alarm_mute_rule_name(), Some(name));
    assert_eq!(w.parameters(), json!({ "AlarmMuteRuleName": name }));
}

#[tokio::test]
async fn a_denied_put_names_the_iam_action() {
    let denied = mock!(aws_sdk_cloudwatch::Client::put_alarm_mute_rule).then_error(|| {
        PutAlarmMuteRuleError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("User is not authorized to perform: cloudwatch:PutAlarmMuteRule")
                .build(),
        )
    });
    let s = source(clients(&[], false), Some(clients(&[&denied], false)));
    let w = AlarmWrite::PutMuteRule(Box::new(put_request()));
    let err = s.writer().unwrap().write(&w.into()).await.unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "cloudwatch:PutAlarmMuteRule"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("needs cloudwatch:PutAlarmMuteRule"),
        "{err}"
    );
    assert!(
        err.to_string().contains(PROD),
        "the account is named: {err}"
    );
}

fn mute_writes() -> Vec<AlarmWrite> {
    vec![
        AlarmWrite::PutMuteRule(Box::new(PutMuteRule {
            account_id: MONITORING.into(),
            ..put_request()
        })),
        AlarmWrite::DeleteMuteRule {
            account_id: MONITORING.into(),
            name: "r".into(),
            region: Default::default(),
        },
    ]
}

#[tokio::test]
async fn read_only_clients_refuse_put_and_delete_at_the_transport_and_still_read() {
    let put = mock!(aws_sdk_cloudwatch::Client::put_alarm_mute_rule)
        .then_output(|| PutAlarmMuteRuleOutput::builder().build());
    let delete = mock!(aws_sdk_cloudwatch::Client::delete_alarm_mute_rule)
        .then_output(|| DeleteAlarmMuteRuleOutput::builder().build());
    let readable = Described::new(MONITORING, "r", &["a"]);
    let list = list_page(None, vec![readable.summary()], None);
    let get = readable.get_rule();
    // The source itself is not told: the clients alone must refuse.
    let s = source(clients(&[&put, &delete, &list, &get], true), None);
    for w in mute_writes() {
        let err = s.writer().unwrap().write(&w.into()).await.unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
        assert!(
            err.to_string().contains("refused before it was sent"),
            "{err}"
        );
    }
    assert_eq!(
        (put.num_calls(), delete.num_calls()),
        (0, 0),
        "nothing reached the transport"
    );
    // Reads still go out.
    let rules = s.mutes().unwrap().mute_rules().await.expect("reads pass");
    assert_eq!(rules.len(), 1);
    assert_eq!((list.num_calls(), get.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_read_only_console_refuses_both_at_the_gate_before_the_log() {
    let put = mock!(aws_sdk_cloudwatch::Client::put_alarm_mute_rule)
        .then_output(|| PutAlarmMuteRuleOutput::builder().build());
    let delete = mock!(aws_sdk_cloudwatch::Client::delete_alarm_mute_rule)
        .then_output(|| DeleteAlarmMuteRuleOutput::builder().build());
    let s = source(clients(&[&put, &delete], true), None).with_readonly(true);
    let dir = std::env::temp_dir().join(format!("sagewatch-mute-ro-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let gate = Gate::new(
        true,
        Some(AuditLog::new(dir.join("audit.jsonl"))),
        identity(),
    );
    for w in mute_writes() {
        let out = gate.perform(s.writer(), &w.into()).await;
        assert!(matches!(
            out,
            WriteOutcome::Refused(Refusal::ReadOnly { .. })
        ));
    }
    assert!(!dir.join("audit.jsonl").exists());
    assert_eq!(put.num_calls() + delete.num_calls(), 0);
}

fn list_failing(code: &'static str, message: &'static str) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules).then_error(move || {
        ListAlarmMuteRulesError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code(code)
                .message(message)
                .build(),
        )
    })
}

#[tokio::test]
async fn an_endpoint_that_does_not_know_mute_rules_has_none_said_once_and_is_not_asked_again() {
    for (code, message) in [
        ("UnknownOperationException", ""),
        // LocalStack 4.13.1, as it answered.
        (
            "CommonServiceException",
            "exception while calling cloudwatch with unknown operation: An unknown error \
             occurred when trying to parse the request.",
        ),
    ] {
        let list = list_failing(code, message);
        let s = source(clients(&[&list], false), None);
        for _ in 0..2 {
            let rules = s
                .mutes()
                .unwrap()
                .mute_rules()
                .await
                .expect("none, not a failure");
            assert!(rules.is_empty());
        }
        assert_eq!(list.num_calls(), 1, "{code}: asked once");
        let health = s.health();
        assert!(health.problems.is_empty(), "{code}: {:?}", health.problems);
        assert!(
            health
                .notices
                .iter()
                .any(|n| n.contains("mute rules") && n.contains("does not serve")),
            "{code}: {:?}",
            health.notices
        );
    }
    // Any other failure is one, and is asked again.
    let list = list_failing("InternalFailure", "try again");
    let s = source(clients(&[&list], false), None);
    assert!(s.mutes().unwrap().mute_rules().await.is_err());
    assert!(s.mutes().unwrap().mute_rules().await.is_err());
    assert!(list.num_calls() >= 2);
    assert!(s.health().notices.is_empty());
}
