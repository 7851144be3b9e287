use super::*;
use crate::source::model::{AlarmKind, AlarmState};

fn t(s: &str) -> Epoch {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

fn rule(expression: &str, duration: &str, targets: &[&str]) -> MuteRule {
    MuteRule {
        account_id: "111111111111".into(),
        id: "r".into(),
        name: "r".into(),
        description: String::new(),
        targets: targets.iter().map(|s| s.to_string()).collect(),
        expression: expression.into(),
        duration: duration.into(),
        timezone: None,
        start: None,
        expire: None,
        status: MuteStatus::Scheduled,
        updated: None,
        region: Default::default(),
    }
}

fn alarm(id: &str, actions_enabled: bool) -> Alarm {
    Alarm {
        account_id: "111111111111".into(),
        id: id.into(),
        name: id.into(),
        kind: AlarmKind::Composite {
            rule: String::new(),
        },
        state: AlarmState::Ok,
        reason: String::new(),
        state_since: 0,
        endpoint: None,
        actions_enabled,
        settings: Default::default(),
        region: Default::default(),
    }
}

#[test]
fn a_one_time_rule_is_scheduled_then_active_then_expired() {
    let r = rule("at(2026-12-06T11:00)", "PT2H", &["a"]);
    assert_eq!(
        r.state_at(t("2026-12-06T10:00:00Z")),
        MuteState::Scheduled {
            next: Some(t("2026-12-06T11:00:00Z"))
        }
    );
    assert_eq!(
        r.state_at(t("2026-12-06T11:30:00Z")),
        MuteState::Active {
            until: t("2026-12-06T13:00:00Z")
        }
    );
    assert_eq!(r.state_at(t("2026-12-06T13:00:00Z")), MuteState::Expired);
}

#[test]
fn a_recurring_rule_opens_every_window_until_it_expires() {
    let mut r = rule("cron(0 2 * * *)", "PT4H", &["a"]);
    assert_eq!(
        r.state_at(t("2026-12-06T03:00:00Z")),
        MuteState::Active {
            until: t("2026-12-06T06:00:00Z")
        }
    );
    assert_eq!(
        r.state_at(t("2026-12-06T07:00:00Z")),
        MuteState::Scheduled {
            next: Some(t("2026-12-07T02:00:00Z"))
        }
    );
    // An expire date cuts the window short, and ends the rule.
    r.expire = Some(t("2026-12-06T04:00:00Z"));
    assert_eq!(
        r.state_at(t("2026-12-06T03:00:00Z")),
        MuteState::Active {
            until: t("2026-12-06T04:00:00Z")
        }
    );
    assert_eq!(r.state_at(t("2026-12-06T05:00:00Z")), MuteState::Expired);
    // A start date holds it back.
    r.expire = None;
    r.start = Some(t("2026-12-10T00:00:00Z"));
    assert_eq!(
        r.state_at(t("2026-12-06T03:00:00Z")),
        MuteState::Scheduled {
            next: Some(t("2026-12-10T02:00:00Z"))
        }
    );
}

#[test]
fn a_schedule_this_console_cannot_read_falls_back_on_cloudwatchs_status() {
    let mut r = rule("rate(1 day)", "PT4H", &["a"]);
    r.status = MuteStatus::Active;
    assert!(matches!(r.state_at(0), MuteState::Active { .. }));
    // Its end is not known: said so, not as a span of centuries.
    let rules = vec![r.clone()];
    let muted = muted(&alarm("a", true), &rules, 0).unwrap();
    assert_eq!(muted.badge(0), "⊘ ?");
    r.status = MuteStatus::Expired;
    assert_eq!(r.state_at(0), MuteState::Expired);
    assert_eq!(r.schedule_words(), "rate(1 day) for 4h");
}

#[test]
fn an_alarm_is_muted_off_for_good_first_then_by_its_longest_window() {
    let now = t("2026-12-06T11:30:00Z");
    let short = rule("at(2026-12-06T11:00)", "PT1H", &["a", "b"]);
    let long = rule("at(2026-12-06T11:00)", "PT3H", &["a"]);
    let nightly = rule("cron(0 2 * * *)", "PT4H", &["c"]);
    let mut other_account = rule("at(2026-12-06T11:00)", "PT3H", &["c"]);
    other_account.account_id = "222222222222".into();
    let rules = vec![short, long, nightly, other_account];

    let a = muted(&alarm("a", true), &rules, now).unwrap();
    assert_eq!(a.badge(now), "⊘ 2h30m");
    assert!(a.is_silent());
    assert_eq!(
        muted(&alarm("b", true), &rules, now).unwrap().badge(now),
        "⊘ 30m"
    );
    let c = muted(&alarm("c", true), &rules, now).unwrap();
    assert_eq!(c.badge(now), "⊘ at 02:00");
    assert!(!c.is_silent());
    assert_eq!(muted(&alarm("d", true), &rules, now), None);
    assert_eq!(
        muted(&alarm("a", false), &rules, now),
        Some(Muted::Indefinitely)
    );
    assert_eq!(Muted::Indefinitely.badge(now), "⊘ ∞");
}

#[test]
fn a_mute_from_now_opens_this_minute_and_lasts_what_was_asked() {
    let now = t("2026-12-06T10:07:40Z");
    let end = now + 2 * 3600;
    let put = PutMuteRule::from_now("111".into(), vec!["a".into()], now, end, "deploy");
    assert_eq!(put.expression, "at(2026-12-06T10:07)");
    // 2 h as asked, from the minute's start.
    assert_eq!(put.duration, "PT2H");
    // A time asked is kept: from 10:07 to 12:30 exactly.
    let until = PutMuteRule::from_now(
        "111".into(),
        vec!["a".into()],
        now,
        t("2026-12-06T12:30:00Z"),
        "",
    );
    assert_eq!(until.duration, "PT2H23M");
    assert!(put.name.starts_with("sagewatch-mute-20261206T100740-"));
    assert_eq!(put.validate(), Ok(()));
    let p = put.parameters();
    assert_eq!(p["Rule"]["Schedule"]["Expression"], "at(2026-12-06T10:07)");
    assert_eq!(p["MuteTargets"]["AlarmNames"][0], "a");
    assert_eq!(p["Description"], "deploy");
    assert!(p.get("ExpireDate").is_none());

    // The same alarms muted in the same second by someone else get another name only when
    // the targets differ; one tool muting the same alarms twice in a second overwrites.
    let other = PutMuteRule::from_now("111".into(), vec!["b".into()], now, end, "");
    assert_ne!(other.name, put.name);
}

#[test]
fn a_rule_cloudwatch_would_refuse_is_refused_before_it_is_sent() {
    let now = t("2026-12-06T10:00:00Z");
    let ok = PutMuteRule::from_now("111".into(), vec!["a".into()], now, now + 3600, "");
    let with = |f: &dyn Fn(&mut PutMuteRule)| {
        let mut p = ok.clone();
        f(&mut p);
        p.validate().unwrap_err()
    };
    assert!(with(&|p| p.targets.clear()).contains("at least one alarm"));
    assert!(
        with(&|p| p.targets = (0..101).map(|i| i.to_string()).collect()).contains("at most 100")
    );
    assert!(with(&|p| p.duration = "P16D".into()).contains("15 days"));
    assert!(with(&|p| p.expression = "cron(0 2 * *)".into()).contains("5 fields"));
    assert!(with(&|p| p.timezone = Some("Nowhere/Else".into())).contains("time zone"));
    assert!(with(&|p| p.name = "a\u{1b}b".into()).contains("visible"));
    assert!(with(&|p| p.description = "x\u{202e}y".into()).contains("reason"));
    assert!(
        with(&|p| {
            p.start = Some(10);
            p.expire = Some(5)
        })
        .contains("expire")
    );
}
