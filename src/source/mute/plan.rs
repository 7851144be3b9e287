//! The requests that mute or unmute alarms, built the same way by `M`/`u` in the console and
//! by `alarm mute`/`alarm unmute` in the shell.

use super::length::MuteLength;
use super::{MAX_TARGETS, MuteRule, MuteState, PutMuteRule};
use crate::source::alarm_write::AlarmWrite;
use crate::source::model::{AccountId, Epoch};
use std::collections::BTreeMap;

/// An alarm as a request names it: the account it lives in and its name as AWS returned it.
pub type AlarmRef = (AccountId, String);

/// Mute `alarms` for `length`: one rule per account and per 100 alarms, or
/// DisableAlarmActions per account for an indefinite mute.
pub fn mute(alarms: &[AlarmRef], length: MuteLength, reason: &str, now: Epoch) -> Vec<AlarmWrite> {
    let mut out = Vec::new();
    for (account_id, ids) in by_account(alarms) {
        match length.end(now) {
            None => out.push(AlarmWrite::SetActions {
                account_id,
                ids,
                enabled: false,
                region: Default::default(),
            }),
            Some(end) => {
                for chunk in ids.chunks(MAX_TARGETS) {
                    let put =
                        PutMuteRule::from_now(account_id.clone(), chunk.to_vec(), now, end, reason);
                    out.push(AlarmWrite::PutMuteRule(Box::new(put)));
                }
            }
        }
    }
    out
}

/// What ends the mutes of `alarms` at `now`, and what each request does to other alarms:
/// - EnableAlarmActions for those whose actions are off;
/// - DeleteAlarmMuteRule for a rule (active or scheduled) that mutes only alarms being
///   unmuted;
/// - PutAlarmMuteRule without them for a rule that also mutes other alarms, which stay
///   muted.
///
/// `actions_off` are the alarms whose actions are disabled.
pub fn unmute(
    alarms: &[AlarmRef],
    actions_off: &[AlarmRef],
    rules: &[MuteRule],
    now: Epoch,
) -> Vec<Unmute> {
    let mut out = Vec::new();
    let off: Vec<AlarmRef> = alarms
        .iter()
        .filter(|a| actions_off.contains(a))
        .cloned()
        .collect();
    for (account_id, ids) in by_account(&off) {
        out.push(Unmute {
            write: AlarmWrite::SetActions {
                account_id,
                ids,
                enabled: true,
                region: Default::default(),
            },
            keeps_muting: Vec::new(),
        });
    }
    let live = rules
        .iter()
        .filter(|r| !matches!(r.state_at(now), MuteState::Expired));
    for rule in live {
        let unmuted = |t: &String| alarms.contains(&(rule.account_id.clone(), t.clone()));
        if !rule.targets.iter().any(unmuted) {
            continue;
        }
        let keeps: Vec<String> = rule
            .targets
            .iter()
            .filter(|t| !unmuted(t))
            .cloned()
            .collect();
        let write = if keeps.is_empty() {
            AlarmWrite::DeleteMuteRule {
                account_id: rule.account_id.clone(),
                name: rule.id.clone(),
                region: Default::default(),
            }
        } else {
            let mut put = PutMuteRule::from_rule(rule);
            put.targets = keeps.clone();
            AlarmWrite::PutMuteRule(Box::new(put))
        };
        out.push(Unmute {
            write,
            keeps_muting: keeps,
        });
    }
    out
}

/// One request that unmutes, and the alarms its rule goes on muting (said in the
/// confirmation).
#[derive(Debug, Clone, PartialEq)]
pub struct Unmute {
    pub write: AlarmWrite,
    pub keeps_muting: Vec<String>,
}

impl crate::source::model::InRegion for Unmute {
    fn set_region(&mut self, region: &crate::source::model::Region) {
        self.write.set_region(region);
    }
}

/// Alarm ids grouped by the account they live in, each once, in the order given.
pub fn by_account(alarms: &[AlarmRef]) -> BTreeMap<AccountId, Vec<String>> {
    let mut out: BTreeMap<AccountId, Vec<String>> = BTreeMap::new();
    for (account, id) in alarms {
        let ids = out.entry(account.clone()).or_default();
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::mute::MuteStatus;

    const NOW: Epoch = 1_796_551_660; // 2026-12-06T10:07:40Z

    fn a(account: &str, id: &str) -> AlarmRef {
        (account.into(), id.into())
    }

    fn rule(name: &str, targets: &[&str]) -> MuteRule {
        MuteRule {
            account_id: "111".into(),
            id: name.into(),
            name: name.into(),
            description: "maintenance".into(),
            targets: targets.iter().map(|s| s.to_string()).collect(),
            expression: "cron(0 2 * * *)".into(),
            duration: "PT4H".into(),
            timezone: Some("Europe/Paris".into()),
            start: None,
            expire: None,
            status: MuteStatus::Scheduled,
            updated: None,
            region: Default::default(),
        }
    }

    #[test]
    fn a_mute_is_one_rule_per_account_and_per_hundred_alarms() {
        let mut alarms: Vec<AlarmRef> = (0..150).map(|i| a("111", &format!("x{i}"))).collect();
        alarms.push(a("222", "y"));
        alarms.push(a("222", "y"));
        let writes = mute(&alarms, MuteLength::For(3600), "deploy", NOW);
        let sizes: Vec<(String, usize)> = writes
            .iter()
            .map(|w| match w {
                AlarmWrite::PutMuteRule(p) => {
                    assert_eq!(p.duration, "PT1H");
                    assert_eq!(p.description, "deploy");
                    (p.account_id.clone(), p.targets.len())
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            sizes,
            [("111".into(), 100), ("111".into(), 50), ("222".into(), 1)]
        );

        let forever = mute(&[a("111", "x")], MuteLength::Indefinitely, "", NOW);
        assert_eq!(
            forever,
            [AlarmWrite::SetActions {
                account_id: "111".into(),
                ids: vec!["x".into()],
                enabled: false,
                region: Default::default(),
            }]
        );
    }

    #[test]
    fn unmuting_deletes_a_rule_of_its_own_and_leaves_others_muted() {
        let own = rule("own", &["x"]);
        let shared = rule("shared", &["x", "y"]);
        let mut expired = rule("old", &["x"]);
        expired.expression = "at(2026-01-01T00:00)".into();
        let mut elsewhere = rule("elsewhere", &["x"]);
        elsewhere.account_id = "222".into();
        let rules = vec![own, shared, expired, elsewhere];

        let plan = unmute(&[a("111", "x")], &[a("111", "x")], &rules, NOW);
        let ops: Vec<&str> = plan.iter().map(|u| u.write.operation()).collect();
        assert_eq!(
            ops,
            [
                "EnableAlarmActions",
                "DeleteAlarmMuteRule",
                "PutAlarmMuteRule"
            ]
        );
        assert_eq!(
            plan[1].write,
            AlarmWrite::DeleteMuteRule {
                account_id: "111".into(),
                name: "own".into(),
                region: Default::default(),
            }
        );
        let AlarmWrite::PutMuteRule(put) = &plan[2].write else {
            panic!()
        };
        // The rule keeps everything but the unmuted alarm: schedule, zone, reason.
        assert_eq!(put.name, "shared");
        assert_eq!(put.targets, ["y"]);
        assert_eq!(put.timezone.as_deref(), Some("Europe/Paris"));
        assert_eq!(put.expression, "cron(0 2 * * *)");
        assert_eq!(plan[2].keeps_muting, ["y"]);

        // Unmuting every target of a shared rule deletes it.
        let both = unmute(&[a("111", "x"), a("111", "y")], &[], &rules, NOW);
        let ops: Vec<&str> = both.iter().map(|u| u.write.operation()).collect();
        assert_eq!(ops, ["DeleteAlarmMuteRule", "DeleteAlarmMuteRule"]);
        assert!(unmute(&[a("111", "z")], &[], &rules, NOW).is_empty());
    }
}
