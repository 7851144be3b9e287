//! The demo's scaling activity (Application Auto Scaling), on the story's clock: as load
//! rises during the incident, prod fraud-detector's blue variant scales out; overnight,
//! recommender-v2 scales in as it does every night. No other endpoint scales (the on-call
//! scale-out of churn-predictor-stg was refused by IAM, so Auto Scaling never saw it).

use super::story::{INCIDENT_ENDPOINT, UPDATE_BEFORE_START};
use crate::source::model::{Epoch, ScalingActivity, ScalingStatus};

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;

/// One scaling activity of the story.
struct Scaled {
    /// Seconds from `start` it began (negative: before it).
    at: i64,
    /// How long it ran: until then it reads as in progress, as AWS shows it.
    took: i64,
    /// (account label, endpoint name), as the episodes name endpoints.
    endpoint: (&'static str, &'static str),
    variant: &'static str,
    /// How it ended.
    outcome: ScalingStatus,
    description: &'static str,
    cause: &'static str,
    /// AWS's message once it ended.
    message: &'static str,
}

/// Why blue scales out: its target-tracking policy's high alarm (AWS's wording).
const BLUE_HIGH: &str = "monitor alarm TargetTracking-endpoint/fraud-detector/variant/blue-\
     AlarmHigh-5f2a8c3e-91d4-4e6b-b0a7-3c9e1d2f4a68 in state ALARM triggered policy \
     fraud-detector-blue-invocations-per-instance";

/// Oldest first. The texts are AWS's own wording for target-tracking activities.
const ACTIVITIES: [Scaled; 3] = [
    Scaled {
        at: -UPDATE_BEFORE_START - 9 * HOUR,
        took: 6 * MINUTE,
        endpoint: ("prod", "recommender-v2"),
        variant: "AllTraffic",
        outcome: ScalingStatus::Successful,
        description: "Setting desired instance count to 1.",
        cause: "monitor alarm TargetTracking-endpoint/recommender-v2/variant/AllTraffic-AlarmLow-\
                0c7d2e91-4b1a-4f3e-9a57-2d8c6b0e1f34 in state ALARM triggered policy \
                recommender-v2-invocations-per-instance",
        message: "Successfully set desired instance count to 1. Change successfully fulfilled \
                  by sagemaker.",
    },
    Scaled {
        at: -25 * MINUTE,
        took: 8 * MINUTE,
        endpoint: INCIDENT_ENDPOINT,
        variant: "blue",
        outcome: ScalingStatus::Successful,
        description: "Setting desired instance count to 3.",
        cause: BLUE_HIGH,
        message: "Successfully set desired instance count to 3. Change successfully fulfilled \
                  by sagemaker.",
    },
    // The load still rises: a second step, still running when the alarm fires.
    Scaled {
        at: MINUTE,
        took: 10 * MINUTE,
        endpoint: INCIDENT_ENDPOINT,
        variant: "blue",
        outcome: ScalingStatus::Successful,
        description: "Setting desired instance count to 4.",
        cause: BLUE_HIGH,
        message: "Successfully set desired instance count to 4. Change successfully fulfilled \
                  by sagemaker.",
    },
];

/// The scaling activities of `endpoint` (account label, name) that began in `[from, now]`,
/// newest first, as they stand at `now` (the story started at `start`).
pub fn activities(
    start: Epoch,
    now: Epoch,
    endpoint: (&str, &str),
    from: Epoch,
) -> Vec<ScalingActivity> {
    let mut out: Vec<ScalingActivity> = ACTIVITIES
        .iter()
        .filter(|s| s.endpoint == endpoint)
        .map(|s| (s, start + s.at))
        .filter(|&(_, at)| at >= from && at <= now)
        .map(|(s, at)| as_seen(s, at, now))
        .collect();
    out.sort_by_key(|a| std::cmp::Reverse(a.at));
    out
}

/// `s`, begun at `at`, as AWS shows it at `now`: in progress until it has run its time.
fn as_seen(s: &Scaled, at: Epoch, now: Epoch) -> ScalingActivity {
    let end = at + s.took;
    let ended = end <= now;
    ScalingActivity {
        at,
        ended: ended.then_some(end),
        status: if ended {
            s.outcome
        } else {
            ScalingStatus::InProgress
        },
        description: s.description.to_owned(),
        cause: s.cause.to_owned(),
        status_message: ended.then(|| s.message.to_owned()),
        variant: s.variant.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::source::FleetSource;
    use crate::source::demo::{DemoConfig, DemoSource};
    use crate::source::model::EndpointKey;
    use futures::executor::block_on;
    use std::sync::Arc;

    /// 2026-11-26 10:17:00 UTC.
    const START: Epoch = 1_795_688_220;
    const PROD: &str = "111111111111";

    fn demo(now: Epoch, scale: Option<(usize, usize)>) -> DemoSource {
        let config = DemoConfig {
            seed: 7,
            start: START,
            scale,
        };
        DemoSource::new(config, Arc::new(FixedClock::new(now)))
    }

    fn read(source: &DemoSource, account: &str, name: &str, from: Epoch) -> Vec<ScalingActivity> {
        let key = EndpointKey {
            account_id: account.into(),
            name: name.into(),
        };
        block_on(source.scaling_activities(&key, from)).expect("the demo reads scaling")
    }

    #[test]
    fn the_incident_scales_blue_out_after_the_update_and_while_the_alarm_fires() {
        // 8 minutes in: the first step is done, the second still running.
        let source = demo(START + 8 * MINUTE, None);
        let got = read(&source, PROD, "fraud-detector", START - 3 * HOUR);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|a| a.variant == "blue"), "{got:?}");
        let (second, first) = (&got[0], &got[1]);
        assert!(first.at > START - UPDATE_BEFORE_START, "{first:?}");
        assert!(first.description.contains("to 3"), "{first:?}");
        assert_eq!(first.status, ScalingStatus::Successful);
        assert!(
            first
                .ended
                .is_some_and(|end| end > first.at && end < second.at)
        );
        assert!(second.description.contains("to 4"), "{second:?}");
        assert_eq!(second.status, ScalingStatus::InProgress);
        assert_eq!((second.ended, &second.status_message), (None, &None));
        // Once it has run its time, it reads as AWS ends it.
        let later = read(&demo(START + HOUR, None), PROD, "fraud-detector", 0);
        assert_eq!(later[0].status, ScalingStatus::Successful);
        assert!(later[0].ended.is_some() && later[0].status_message.is_some());
    }

    #[test]
    fn answers_are_newest_first_begun_by_now_and_from_from_on() {
        let source = demo(START + HOUR, None);
        let got = read(&source, PROD, "fraud-detector", 0);
        let starts: Vec<Epoch> = got.iter().map(|a| a.at).collect();
        assert_eq!(starts, [START + MINUTE, START - 25 * MINUTE]);
        // `from` one second after the first step began: only the second is left.
        let from = START - 25 * MINUTE + 1;
        let got = read(&source, PROD, "fraud-detector", from);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].at >= from);
        // `from` exactly when it began: it is in.
        assert_eq!(read(&source, PROD, "fraud-detector", from - 1).len(), 2);
        // Before the second step has begun, only the first is there.
        let before = demo(START + MINUTE - 1, None);
        assert_eq!(read(&before, PROD, "fraud-detector", 0).len(), 1);
    }

    #[test]
    fn recommender_scales_in_overnight() {
        let source = demo(START, None);
        let got = read(&source, PROD, "recommender-v2", START - 12 * HOUR);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].variant, "AllTraffic");
        assert!(got[0].description.contains("to 1"), "{got:?}");
        assert!(
            got[0].at < START - UPDATE_BEFORE_START,
            "before the incident"
        );
        assert!(read(&source, PROD, "recommender-v2", START - 6 * HOUR).is_empty());
    }

    #[test]
    fn most_endpoints_never_scale_at_any_scale() {
        let now = START + HOUR;
        let source = demo(now, Some((100, 100)));
        for (account, name) in [
            ("222222222222", "churn-predictor-stg"),
            ("222222222222", "fraud-detector-stg"),
            (PROD, "fraud-detector-canary"),
            ("100000000050", "fraud-detector-011"),
            ("999999999999", "nowhere"),
        ] {
            assert!(read(&source, account, name, 0).is_empty(), "{name}");
        }
        assert_eq!(read(&source, PROD, "fraud-detector", 0).len(), 2);
    }
}
