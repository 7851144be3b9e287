//! The demo's scaling activity (Application Auto Scaling), on the story's clock: as load
//! rises during the incident, prod fraud-detector's blue variant scales out. No other
//! endpoint scales (the on-call scale-out of churn-predictor-stg was refused by IAM, so Auto
//! Scaling never saw it).

use super::MINUTE;
use super::story::INCIDENT_ENDPOINT;
use crate::source::model::{Epoch, ScalingActivity, ScalingStatus};

/// Why blue scales out: its target-tracking policy's high alarm (AWS's wording).
const CAUSE: &str = "monitor alarm TargetTracking-endpoint/fraud-detector/variant/blue-\
     AlarmHigh-5f2a8c3e-91d4-4e6b-b0a7-3c9e1d2f4a68 in state ALARM triggered policy \
     fraud-detector-blue-invocations-per-instance";

/// Blue's scale-outs, oldest first: (seconds from `start` it began, how long it ran (until
/// then it reads as in progress, as AWS shows it), the instance count it set). The load
/// still rises: the second step is still running when the alarm fires.
const STEPS: [(i64, i64, u32); 2] = [(-25 * MINUTE, 8 * MINUTE, 3), (MINUTE, 10 * MINUTE, 4)];

/// The scaling activities of `endpoint` (account label, name) that began in `[from, now]`,
/// newest first, as they stand at `now` (the story started at `start`).
pub fn activities(
    start: Epoch,
    now: Epoch,
    endpoint: (&str, &str),
    from: Epoch,
) -> Vec<ScalingActivity> {
    if endpoint != INCIDENT_ENDPOINT {
        return Vec::new();
    }
    let begun = STEPS
        .iter()
        .rev()
        .map(|&(at, took, count)| (start + at, took, count));
    (begun.filter(|&(at, ..)| at >= from && at <= now))
        .map(|(at, took, count)| {
            // In progress until it has run its time, in words AWS uses for target-tracking
            // activities.
            let ended = (at + took <= now).then_some(at + took);
            ScalingActivity {
                at,
                ended,
                status: ended.map_or(ScalingStatus::InProgress, |_| ScalingStatus::Successful),
                description: format!("Setting desired instance count to {count}."),
                cause: CAUSE.to_owned(),
                status_message: ended.map(|_| {
                    format!(
                        "Successfully set desired instance count to {count}. Change successfully \
                         fulfilled by sagemaker."
                    )
                }),
                variant: "blue".to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::source::FleetSource;
    use crate::source::demo::UPDATE_BEFORE_START;
    use crate::source::demo::{DemoConfig, DemoSource};
    use crate::source::model::EndpointKey;
    use futures::executor::block_on;
    use std::sync::Arc;

    /// 2026-11-26 10:17:00 UTC.
    const START: Epoch = 1_795_688_220;
    use crate::source::demo::HOUR;
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
            region: Default::default(),
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
    fn most_endpoints_never_scale_at_any_scale() {
        let now = START + HOUR;
        let source = demo(now, Some((100, 100)));
        for (account, name) in [
            ("222222222222", "churn-predictor-stg"),
            ("222222222222", "fraud-detector-stg"),
            (PROD, "fraud-detector-canary"),
            (PROD, "recommender-v2"),
            ("100000000050", "fraud-detector-011"),
            ("999999999999", "nowhere"),
        ] {
            assert!(read(&source, account, name, 0).is_empty(), "{name}");
        }
        assert_eq!(read(&source, PROD, "fraud-detector", 0).len(), 2);
    }
}
