//! The demo's alarm mute rules (docs/demo.md): the story's, with the console's puts and
//! deletes over them, their windows computed on the demo clock (`MuteRule::state_at`), so
//! they open, end and recur as it runs.

use super::world::MONITORING_ACCOUNT;
use super::{DemoSource, HOUR, MINUTE};
use crate::source::SourceError;
use crate::source::model::Epoch;
use crate::source::mute::when::Expression;
use crate::source::mute::{MuteRule, MuteSource, MuteStatus, PutMuteRule, rule_name};
use async_trait::async_trait;

type S = &'static str;
/// (name, "" for one made with `M`; description; targets; `cron(...)`, "" for once at `at`;
/// duration; `at`; put at), times in seconds from `start`.
type Row = (S, S, &'static [S], S, S, i64, i64);

const STORY: [Row; 2] = [
    (
        "nightly-maintenance",
        // Staging's alarms only: test's live in us-east-1, and a rule mutes its own region's.
        "Nightly retraining and index rebuilds in staging",
        &[
            "staging-fraud-detector-stg-accuracy",
            "staging-churn-predictor-stg-accuracy",
        ],
        "cron(0 1 * * *)",
        "PT2H",
        0,
        -240 * HOUR,
    ),
    // bob's, with `M`, just before his first CreateEndpoint of image-tagger.
    (
        "",
        "image-tagger deploy (bob)",
        &[
            "staging-image-tagger-cpu-high",
            "staging-image-tagger-accuracy",
        ],
        "",
        "PT2H",
        -45 * MINUTE,
        -45 * MINUTE,
    ),
];

/// The story's rules as they were put, and when.
pub fn story(start: Epoch) -> Vec<(PutMuteRule, Epoch)> {
    let put = |&(name, description, targets, cron, duration, at, put): &Row| {
        let targets: Vec<String> = targets.iter().map(|t| (*t).to_owned()).collect();
        let rule = PutMuteRule {
            account_id: MONITORING_ACCOUNT.to_owned(),
            name: match name {
                "" => rule_name(start + put, &targets),
                n => n.to_owned(),
            },
            description: description.to_owned(),
            expression: match cron {
                "" => Expression::at(start + at),
                c => c.to_owned(),
            },
            duration: duration.to_owned(),
            timezone: None,
            targets,
            start: None,
            expire: None,
            region: super::world::REGION.into(),
        };
        (rule, start + put)
    };
    STORY.iter().map(put).collect()
}

/// A rule as ListAlarmMuteRules and GetAlarmMuteRule would answer at `now`.
fn read(put: &PutMuteRule, updated: Epoch, now: Epoch) -> MuteRule {
    let mut rule = MuteRule {
        account_id: put.account_id.clone(),
        id: put.name.clone(),
        name: crate::sanitize::clean(&put.name).into_owned(),
        description: crate::sanitize::clean(&put.description).into_owned(),
        targets: put.targets.clone(),
        expression: put.expression.clone(),
        duration: put.duration.clone(),
        timezone: put.timezone.clone(),
        start: put.start,
        expire: put.expire,
        status: MuteStatus::Scheduled,
        updated: Some(updated),
        region: put.region.clone(),
    };
    rule.status = rule.state_at(now).into();
    rule
}

#[async_trait]
impl MuteSource for DemoSource {
    async fn mute_rules(&self) -> Result<Vec<MuteRule>, SourceError> {
        let rules = self.edits().mute_rules(self.world.start);
        let now = self.clock.now();
        Ok(rules.iter().map(|(p, at)| read(p, *at, now)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::alarm_write::AlarmWrite;
    use crate::source::demo::DemoConfig;
    use crate::source::mute::{MuteState, muted};
    use crate::source::write::{Write, Writer};
    use crate::source::{FleetSource, SourceError};
    use futures::executor::block_on;
    use std::sync::Arc;

    /// 2026-11-26 10:17:00 UTC.
    const START: Epoch = 1_795_688_220;

    fn demo() -> (DemoSource, Arc<crate::clock::FixedClock>) {
        let clock = Arc::new(crate::clock::FixedClock::new(START));
        let config = DemoConfig {
            seed: 7,
            start: START,
            scale: None,
        };
        (DemoSource::new(config, clock.clone()), clock)
    }

    fn state(source: &DemoSource, name: &str, now: Epoch) -> Option<MuteState> {
        let rules = block_on(source.mute_rules()).unwrap();
        let rule = rules.iter().find(|r| r.name == name)?;
        Some(rule.state_at(now))
    }

    fn status(source: &DemoSource) -> Vec<(String, MuteStatus)> {
        let rules = block_on(source.mute_rules()).unwrap();
        rules.into_iter().map(|r| (r.name, r.status)).collect()
    }

    #[test]
    fn the_story_rules_activate_end_and_recur_on_the_demo_clock() {
        let (source, clock) = demo();
        let deploy = story(START)[1].0.name.clone();
        assert!(
            deploy.starts_with(crate::source::mute::NAME_PREFIX),
            "{deploy}"
        );
        // At start: bob's deploy mute is on for 75 more minutes, and the nightly window
        // opens at 01:00.
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().timestamp();
        assert_eq!(
            status(&source),
            [
                ("nightly-maintenance".into(), MuteStatus::Scheduled),
                (deploy.clone(), MuteStatus::Active),
            ]
        );
        assert_eq!(
            state(&source, &deploy, START),
            Some(MuteState::Active {
                until: at("2026-11-26T11:32:00Z")
            })
        );
        assert_eq!(
            state(&source, "nightly-maintenance", START),
            Some(MuteState::Scheduled {
                next: Some(at("2026-11-27T01:00:00Z"))
            })
        );
        // As the clock runs: the deploy's mute ends, the window opens at night, closes, and
        // opens again the next night.
        clock.set(at("2026-11-27T02:00:00Z"));
        assert_eq!(
            status(&source),
            [
                ("nightly-maintenance".into(), MuteStatus::Active),
                (deploy.clone(), MuteStatus::Expired),
            ]
        );
        clock.set(at("2026-11-27T03:00:00Z"));
        assert_eq!(status(&source)[0].1, MuteStatus::Scheduled);
        clock.set(at("2026-11-28T01:30:00Z"));
        assert_eq!(
            state(&source, "nightly-maintenance", at("2026-11-28T01:30:00Z")),
            Some(MuteState::Active {
                until: at("2026-11-28T03:00:00Z")
            })
        );
        assert_eq!(status(&source)[0].1, MuteStatus::Active);
    }

    #[test]
    fn the_canary_is_muted_for_good_and_bobs_alarms_by_his_rule() {
        let (source, _) = demo();
        let alarms = block_on(source.alarms()).unwrap();
        let rules = block_on(source.mute_rules()).unwrap();
        let how = |name: &str| {
            let a = alarms.iter().find(|a| a.id == name).unwrap();
            muted(a, &rules, START).map(|m| m.badge(START))
        };
        assert_eq!(
            how("test-fraud-detector-canary-accuracy").as_deref(),
            Some("⊘ ∞")
        );
        assert_eq!(
            how("staging-image-tagger-cpu-high").as_deref(),
            Some("⊘ 1h15m")
        );
        assert_eq!(
            how("staging-churn-predictor-stg-accuracy").as_deref(),
            Some("⊘ at 01:00")
        );
        // The maintenance rule is eu-west-1's: test's alarms, in us-east-1, are not its.
        assert_eq!(how("test-ltv-scorer-cpu-high"), None);
        assert_eq!(how("prod-credit-risk-scorer-cpu-high"), None);
        assert_eq!(how("prod-fraud-detector-5xx"), None);
        // Every target is an alarm of the demo's.
        for r in &rules {
            for t in &r.targets {
                assert!(alarms.iter().any(|a| a.id == *t), "{t}");
            }
        }
    }

    #[test]
    fn puts_and_deletes_in_the_console_change_the_rules() {
        let (source, clock) = demo();
        let write = |w: AlarmWrite| block_on(source.write(&Write::Alarm(w)));
        // A put of a story rule's name replaces it: the window moved to 03:00.
        let mut nightly = story(START)[0].0.clone();
        nightly.expression = "cron(0 3 * * *)".into();
        write(AlarmWrite::PutMuteRule(Box::new(nightly))).unwrap();
        let rules = block_on(source.mute_rules()).unwrap();
        let moved: Vec<&MuteRule> = rules
            .iter()
            .filter(|r| r.name == "nightly-maintenance")
            .collect();
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].expression, "cron(0 3 * * *)");
        assert_eq!(moved[0].updated, Some(START));
        // A new one-time rule, from now, for an hour: active, then expired.
        let put = PutMuteRule::from_now(
            MONITORING_ACCOUNT.into(),
            vec!["prod-fraud-detector-5xx".into()],
            START,
            START + HOUR,
            "test",
        );
        let name = put.name.clone();
        write(AlarmWrite::PutMuteRule(Box::new(put))).unwrap();
        assert!(matches!(
            state(&source, &name, START),
            Some(MuteState::Active { .. })
        ));
        clock.set(START + HOUR + 60);
        assert!(status(&source).contains(&(name.clone(), MuteStatus::Expired)));
        // Deleted: gone, the story's too; deleting again is refused as AWS does.
        let delete = |name: &str| {
            write(AlarmWrite::DeleteMuteRule {
                account_id: MONITORING_ACCOUNT.into(),
                name: name.into(),
                region: Default::default(),
            })
        };
        let deploy = story(START)[1].0.name.clone();
        delete(&name).unwrap();
        delete(&deploy).unwrap();
        let names: Vec<String> = status(&source).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["nightly-maintenance"]);
        for gone in [name.as_str(), deploy.as_str(), "no-such-rule"] {
            let Err(SourceError::Other { detail, .. }) = delete(gone) else {
                panic!("{gone}: deleted twice")
            };
            assert!(detail.starts_with("ResourceNotFound"), "{detail}");
        }
        // Read-only reads them still.
        let ro = demo().0.with_readonly(true);
        assert_eq!(block_on(ro.mute_rules()).unwrap().len(), 2);
        assert!(ro.mutes().is_some());
    }
}
