//! Alarm history to lines: each state transition of an alarm watching the endpoint,
//! composites included, with the value that crossed when CloudWatch said it.

use super::entry::{Entry, Kind, Role, Target};
use crate::source::model::{Alarm, AlarmHistoryItem, AlarmKind, AlarmState, HistoryItemType};

/// One alarm and its history (DescribeAlarmHistory's items, in any order).
#[derive(Debug, Clone, Copy)]
pub struct AlarmInput<'a> {
    pub alarm: &'a Alarm,
    pub history: &'a [AlarmHistoryItem],
}

/// One line per state update; configuration updates and actions are not transitions.
///
/// History summaries say only `Alarm updated from OK to ALARM`; the value that crossed is
/// in the state reason, which the alarm carries for its newest transition only. So the
/// value is read from the summary when it holds one, else from the reason for the newest
/// transition into the alarm's present state.
pub fn entries(input: AlarmInput<'_>) -> Vec<Entry> {
    let AlarmInput { alarm, history } = input;
    let updates: Vec<&AlarmHistoryItem> = history
        .iter()
        .filter(|h| h.item_type == HistoryItemType::StateUpdate)
        .collect();
    let into_present =
        |h: &AlarmHistoryItem| transition(&h.summary).is_some_and(|(_, to)| to == alarm.state);
    let newest_into_present = updates
        .iter()
        .filter(|h| into_present(h))
        .map(|h| h.timestamp)
        .max();
    updates
        .into_iter()
        .map(|h| {
            let current = Some(h.timestamp) == newest_into_present && into_present(h);
            line(alarm, h, current.then_some(alarm.reason.as_str()))
        })
        .collect()
}

/// The line of one state update; `reason` is the alarm's state reason when this update is
/// the one that reason explains.
fn line(alarm: &Alarm, h: &AlarmHistoryItem, reason: Option<&str>) -> Entry {
    let composite = matches!(alarm.kind, AlarmKind::Composite { .. });
    let target = Target::Alarm {
        account_id: alarm.account_id.clone(),
        name: alarm.id.clone(),
    };
    let Some((from, to)) = transition(&h.summary) else {
        let text = format!("{}: {}", alarm.name, h.summary);
        return Entry::new(h.timestamp, Kind::Alarm, Role::Note, &text, target);
    };
    let value = crossing_value(&h.summary).or_else(|| reason.and_then(crossing_value));
    let mut text = format!("{} {from} → {to}", alarm.name);
    if let Some(v) = value {
        text.push_str(&format!(" ({v})"));
    }
    if composite {
        match reason.and_then(composite_child) {
            Some(child) => text.push_str(&format!(" (composite, after {child})")),
            None => text.push_str(" (composite)"),
        }
    }
    let role = match to {
        AlarmState::Alarm => Role::Symptom,
        AlarmState::Ok => Role::Recovery,
        AlarmState::InsufficientData => Role::Note,
    };
    Entry::new(h.timestamp, Kind::Alarm, role, &text, target).with_value(value)
}

/// `Alarm updated from OK to ALARM` -> (OK, ALARM).
fn transition(summary: &str) -> Option<(AlarmState, AlarmState)> {
    let rest = summary.trim().strip_prefix("Alarm updated from ")?;
    let (from, to) = rest.split_once(" to ")?;
    Some((state(from)?, state(to.trim_end_matches('.'))?))
}

fn state(s: &str) -> Option<AlarmState> {
    [
        AlarmState::Alarm,
        AlarmState::Ok,
        AlarmState::InsufficientData,
    ]
    .into_iter()
    .find(|a| a.as_str() == s.trim())
}

/// The newest datapoint of a CloudWatch reason: `... datapoints [0.781 (25/11/26 13:00:00),
/// 0.802] was less than ...` lists the newest first.
pub fn crossing_value(text: &str) -> Option<f64> {
    let (_, list) = text.split_once('[')?;
    let first = list.split([' ', ',', ']', '(']).next()?;
    first.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The child a composite's reason names: `arn:aws:cloudwatch:eu-west-1:1:alarm:CHILD
/// transitioned to ALARM at ...`.
fn composite_child(reason: &str) -> Option<&str> {
    let (_, after) = reason.split_once(":alarm:")?;
    after.split_whitespace().next().filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::model::AlarmSettings;

    fn alarm(kind: AlarmKind, state: AlarmState, reason: &str) -> Alarm {
        Alarm {
            account_id: "111122223333".into(),
            id: "fraud-acc".into(),
            name: "fraud-acc".into(),
            kind,
            state,
            reason: reason.into(),
            state_since: 1_000,
            endpoint: None,
            actions_enabled: true,
            settings: AlarmSettings::default(),
            region: Default::default(),
        }
    }

    fn item(t: i64, item_type: HistoryItemType, summary: &str) -> AlarmHistoryItem {
        AlarmHistoryItem {
            timestamp: t,
            item_type,
            summary: summary.into(),
        }
    }

    fn composite() -> AlarmKind {
        AlarmKind::Composite {
            rule: "ALARM(a)".into(),
        }
    }

    fn metric() -> AlarmKind {
        AlarmKind::Metric {
            series: crate::source::model::SeriesKey::new(
                "111122223333",
                "aws/sagemaker/Endpoints/model-metrics",
                "accuracy",
                &[("Endpoint", "fraud")],
                crate::source::model::Stat::Average,
                3600,
            ),
            comparison: crate::source::model::Comparison::LessThanThreshold,
            threshold: 0.85,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
        }
    }

    #[test]
    fn only_state_updates_become_lines_and_the_newest_into_the_present_state_has_the_value() {
        let reason = "Threshold Crossed: 1 out of the last 1 datapoints [0.781 (25/11/26 \
                      13:00:00), 0.802] was less than the threshold (0.85).";
        let a = alarm(metric(), AlarmState::Alarm, reason);
        let history = [
            item(
                400,
                HistoryItemType::StateUpdate,
                "Alarm updated from OK to ALARM",
            ),
            item(
                400,
                HistoryItemType::Action,
                "Successfully executed action arn:sns",
            ),
            item(
                300,
                HistoryItemType::StateUpdate,
                "Alarm updated from ALARM to OK",
            ),
            item(
                200,
                HistoryItemType::StateUpdate,
                "Alarm updated from OK to ALARM",
            ),
            item(
                100,
                HistoryItemType::ConfigurationUpdate,
                "Alarm \"fraud-acc\" created",
            ),
        ];
        let lines = entries(AlarmInput {
            alarm: &a,
            history: &history,
        });
        let texts: Vec<&str> = lines.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "fraud-acc OK → ALARM (0.781)",
                "fraud-acc ALARM → OK",
                "fraud-acc OK → ALARM",
            ]
        );
        assert_eq!(lines[0].value, Some(0.781));
        assert_eq!(
            lines[2].value, None,
            "an older transition has no reason to read"
        );
        assert_eq!(
            lines.iter().map(|e| e.role).collect::<Vec<_>>(),
            [Role::Symptom, Role::Recovery, Role::Symptom]
        );
        assert_eq!(
            lines[0].target,
            Target::Alarm {
                account_id: "111122223333".into(),
                name: "fraud-acc".into()
            }
        );
    }

    #[test]
    fn of_two_transitions_in_one_second_only_the_one_into_the_present_state_has_the_value() {
        let a = alarm(
            metric(),
            AlarmState::Alarm,
            "Threshold Crossed: [93.1] was greater",
        );
        let history = [
            item(
                400,
                HistoryItemType::StateUpdate,
                "Alarm updated from ALARM to OK",
            ),
            item(
                400,
                HistoryItemType::StateUpdate,
                "Alarm updated from OK to ALARM",
            ),
        ];
        let lines = entries(AlarmInput {
            alarm: &a,
            history: &history,
        });
        assert_eq!(
            lines.iter().map(|e| e.value).collect::<Vec<_>>(),
            [None, Some(93.1)]
        );
    }

    #[test]
    fn a_composite_says_so_and_names_the_child_that_set_it_off() {
        let reason = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:fraud-acc transitioned \
                      to ALARM at Sunday 29 November, 2026 10:00:00 UTC";
        let a = alarm(composite(), AlarmState::Alarm, reason);
        let history = [
            item(
                500,
                HistoryItemType::StateUpdate,
                "Alarm updated from OK to ALARM",
            ),
            item(
                100,
                HistoryItemType::StateUpdate,
                "Alarm updated from INSUFFICIENT_DATA to OK",
            ),
        ];
        let lines = entries(AlarmInput {
            alarm: &a,
            history: &history,
        });
        assert_eq!(
            lines[0].text,
            "fraud-acc OK → ALARM (composite, after fraud-acc)"
        );
        assert_eq!(
            lines[1].text,
            "fraud-acc INSUFFICIENT_DATA → OK (composite)"
        );
    }

    #[test]
    fn a_summary_of_another_form_is_kept_as_a_note_and_made_safe() {
        let a = alarm(metric(), AlarmState::Ok, "");
        let history = [item(
            100,
            HistoryItemType::StateUpdate,
            "Alarm \u{1b}[2J moved\nsomewhere \u{202e}else",
        )];
        let lines = entries(AlarmInput {
            alarm: &a,
            history: &history,
        });
        assert_eq!(lines[0].role, Role::Note);
        assert!(!lines[0].text.chars().any(crate::sanitize::needs_replacing));
        assert!(
            lines[0].text.contains("moved somewhere"),
            "{}",
            lines[0].text
        );
    }

    #[test]
    fn the_crossing_value_is_the_first_of_the_list_or_nothing() {
        assert_eq!(crossing_value("x [93.1, 93.4] y"), Some(93.1));
        assert_eq!(
            crossing_value("x [0.781 (25/11/26 13:00:00)] y"),
            Some(0.781)
        );
        assert_eq!(crossing_value("no datapoints were greater"), None);
        assert_eq!(crossing_value("[NaN]"), None);
        assert_eq!(crossing_value("["), None);
    }
}
