//! The console's own writes to lines: the audit log's intents (`writes::audit`), each with
//! the outcome recorded after it, marked as the console's.

use super::entry::{Entry, Kind, Role, Target};
use crate::source::monitor::write::is_run_now_name;
use serde_json::Value;
use std::collections::HashMap;

/// Where a console write says it came from.
pub const CONSOLE: &str = "console";

/// The parameters that name what a write changed.
const NAMING: [&str; 3] = ["AlarmName", "AlarmNames", "MonitoringScheduleName"];

/// One line per recorded intent that is about one of `about` (the endpoint's name, its
/// alarms' exact names, its schedules' names): some string in its parameters is one of them,
/// or is a one-time run of one of those schedules. `log` is the audit log's text; a line
/// that is not a record (a damaged write) is skipped.
pub fn entries(log: &str, about: &[&str]) -> Vec<Entry> {
    let records: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let outcomes: HashMap<&str, &Value> = records
        .iter()
        .filter(|r| r["phase"] == "outcome")
        .filter_map(|r| Some((r["id"].as_str()?, r)))
        .collect();
    records
        .iter()
        .filter(|r| r["phase"] == "intent" && names_any(&r["parameters"], about))
        .filter_map(|r| line(r, r["id"].as_str().and_then(|id| outcomes.get(id))))
        .collect()
}

fn line(intent: &Value, outcome: Option<&&Value>) -> Option<Entry> {
    let at = epoch(intent["time"].as_str()?)?;
    let operation = intent["operation"].as_str()?;
    let account = intent["account"].as_str().unwrap_or_default();
    let named = named(&intent["parameters"]);
    let result = match outcome {
        None => "no outcome recorded".to_owned(),
        Some(o) => match (o["result"].as_str(), o["error"].as_str()) {
            (Some("ok"), _) => "ok".to_owned(),
            (Some(r), Some(e)) => format!("{r}: {e}"),
            (Some(r), None) => r.to_owned(),
            (None, _) => "outcome unreadable".to_owned(),
        },
    };
    let text = format!(
        "{operation} {} from this console: {result}",
        named.join(", ")
    );
    let target = match (
        intent["parameters"].get("MonitoringScheduleName"),
        named.first(),
    ) {
        (Some(_), Some(schedule)) => Target::MonitorRun {
            account_id: account.to_owned(),
            schedule: (*schedule).to_owned(),
            at,
        },
        (None, Some(alarm)) => Target::Alarm {
            account_id: account.to_owned(),
            name: (*alarm).to_owned(),
        },
        (_, None) => Target::Nothing,
    };
    Some(
        Entry::new(at, Kind::Console, Role::Change, &text, target)
            .with_who(intent["caller"].as_str())
            .with_where(Some(CONSOLE)),
    )
}

/// The names a write's parameters give what it changes.
fn named(parameters: &Value) -> Vec<&str> {
    NAMING
        .iter()
        .flat_map(|k| match &parameters[k] {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Whether any string in `v` (at any depth: a PutMetricAlarm's dimensions name the
/// endpoint) is one of `about`, or a one-time run of one.
fn names_any(v: &Value, about: &[&str]) -> bool {
    match v {
        Value::String(s) => about.iter().any(|a| a == s || is_run_of(s, a)),
        Value::Array(a) => a.iter().any(|v| names_any(v, about)),
        Value::Object(o) => o.values().any(|v| names_any(v, about)),
        _ => false,
    }
}

/// `fraud-mq-now-20261129164107` is a run of `fraud-mq`.
fn is_run_of(name: &str, schedule: &str) -> bool {
    is_run_now_name(name) && name[..name.len() - 19] == *schedule
}

/// The alarms whose actions this console turned off (DisableAlarmActions done, not turned
/// back on by a later EnableAlarmActions that was done), with when and by whom.
pub fn actions_turned_off(log: &str) -> Vec<crate::source::mute::TurnedOff> {
    let records: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let done: std::collections::HashSet<&str> = records
        .iter()
        .filter(|r| r["phase"] == "outcome" && r["result"] == "ok")
        .filter_map(|r| r["id"].as_str())
        .collect();
    // In the log's order (the order they were sent): the last word on each alarm stands.
    let mut off: HashMap<(String, String), crate::source::mute::TurnedOff> = HashMap::new();
    for r in &records {
        let on = match r["operation"].as_str() {
            Some("DisableAlarmActions") => false,
            Some("EnableAlarmActions") => true,
            _ => continue,
        };
        let sent = r["phase"] == "intent" && r["id"].as_str().is_some_and(|id| done.contains(id));
        let (Some(at), Some(account), true) = (
            r["time"].as_str().and_then(epoch),
            r["account"].as_str(),
            sent,
        ) else {
            continue;
        };
        for alarm in named(&r["parameters"]) {
            let key = (account.to_owned(), alarm.to_owned());
            if on {
                off.remove(&key);
            } else {
                let record = crate::source::mute::TurnedOff {
                    account_id: key.0.clone(),
                    alarm: key.1.clone(),
                    at,
                    by: r["caller"].as_str().map(str::to_owned),
                    known: crate::source::mute::Known::AuditLog,
                };
                off.insert(key, record);
            }
        }
    }
    off.into_values().collect()
}

fn epoch(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writes::audit::inert_json;
    use serde_json::json;

    fn log(records: &[Value]) -> String {
        records.iter().map(|r| inert_json(r) + "\n").collect()
    }

    fn intent(id: &str, time: &str, operation: &str, parameters: Value) -> Value {
        json!({
            "time": time, "id": id, "phase": "intent",
            "caller": "arn:aws:sts::1:assumed-role/OnCall/carol",
            "account": "111122223333", "region": "eu-west-1",
            "operation": operation, "parameters": parameters,
        })
    }

    fn outcome(id: &str, result: &str, error: Option<&str>) -> Value {
        let mut o = json!({ "time": "2026-11-29T17:10:01.000Z", "id": id, "phase": "outcome",
                            "result": result });
        if let Some(e) = error {
            o["error"] = json!(e);
        }
        o
    }

    #[test]
    fn actions_turned_off_are_the_last_done_word_on_each_alarm() {
        let off = |id: &str, time: &str, names: &[&str]| {
            intent(
                id,
                time,
                "DisableAlarmActions",
                json!({ "AlarmNames": names }),
            )
        };
        let on = |id: &str, time: &str, names: &[&str]| {
            intent(
                id,
                time,
                "EnableAlarmActions",
                json!({ "AlarmNames": names }),
            )
        };
        let text = log(&[
            off("1", "2026-11-27T09:00:00.000Z", &["kept", "turned-back-on"]),
            outcome("1", "ok", None),
            on("2", "2026-11-28T09:00:00.000Z", &["turned-back-on"]),
            outcome("2", "ok", None),
            // Refused or failed: nothing changed.
            off("3", "2026-11-28T10:00:00.000Z", &["refused"]),
            outcome("3", "refused", Some("read-only")),
            off("4", "2026-11-28T11:00:00.000Z", &["no-outcome"]),
            // A failed unmute leaves the mute standing.
            off("5", "2026-11-28T12:00:00.000Z", &["still-off"]),
            outcome("5", "ok", None),
            on("6", "2026-11-28T13:00:00.000Z", &["still-off"]),
            outcome("6", "error", Some("AccessDenied")),
            "not a record".into(),
        ]);
        let mut got: Vec<(String, i64, String)> = actions_turned_off(&text)
            .into_iter()
            .map(|t| (t.alarm, t.at, t.by.unwrap_or_default()))
            .collect();
        got.sort();
        let carol = "arn:aws:sts::1:assumed-role/OnCall/carol".to_owned();
        assert_eq!(
            got,
            [
                (
                    "kept".into(),
                    epoch("2026-11-27T09:00:00Z").unwrap(),
                    carol.clone()
                ),
                (
                    "still-off".into(),
                    epoch("2026-11-28T12:00:00Z").unwrap(),
                    carol
                ),
            ]
        );
    }

    #[test]
    fn the_endpoints_writes_are_lines_with_their_outcome_and_others_are_not() {
        let text = log(&[
            intent(
                "1",
                "2026-11-29T17:10:00.000Z",
                "DisableAlarmActions",
                json!({ "AlarmNames": ["fraud-acc"] }),
            ),
            outcome("1", "ok", None),
            intent(
                "2",
                "2026-11-29T17:11:00.000Z",
                "PutMetricAlarm",
                json!({
                    "AlarmName": "new-cpu",
                    "Dimensions": [{ "Name": "EndpointName", "Value": "fraud" }],
                }),
            ),
            outcome("2", "error", Some("AccessDenied")),
            intent(
                "3",
                "2026-11-29T17:12:00.000Z",
                "CreateMonitoringSchedule",
                json!({ "MonitoringScheduleName": "fraud-mq-now-20261129171200" }),
            ),
            intent(
                "4",
                "2026-11-29T17:13:00.000Z",
                "DeleteAlarms",
                json!({ "AlarmNames": ["other-endpoint-alarm"] }),
            ),
            outcome("4", "ok", None),
        ]);
        let lines = entries(&text, &["fraud", "fraud-acc", "fraud-mq"]);
        let texts: Vec<&str> = lines.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "DisableAlarmActions fraud-acc from this console: ok",
                "PutMetricAlarm new-cpu from this console: error: AccessDenied",
                "CreateMonitoringSchedule fraud-mq-now-20261129171200 from this console: no \
                 outcome recorded",
            ]
        );
        assert!(lines.iter().all(|e| e.kind == Kind::Console));
        assert!(
            lines
                .iter()
                .all(|e| e.from_where.as_deref() == Some(CONSOLE))
        );
        assert_eq!(
            lines[0].who.as_deref(),
            Some("arn:aws:sts::1:assumed-role/OnCall/carol")
        );
        assert_eq!(
            lines[0].target,
            Target::Alarm {
                account_id: "111122223333".into(),
                name: "fraud-acc".into()
            }
        );
        assert!(matches!(lines[2].target, Target::MonitorRun { .. }));
    }

    #[test]
    fn a_damaged_or_hostile_log_is_read_safely() {
        let mut text = log(&[intent(
            "1",
            "2026-11-29T17:10:00.000Z",
            "DeleteAlarms",
            json!({ "AlarmNames": ["fraud-acc\u{1b}[2J\u{202e}"] }),
        )]);
        text.push_str("{\"phase\":\"intent\", cut sho\n\n not json\n");
        let lines = entries(&text, &["fraud-acc\u{1b}[2J\u{202e}"]);
        assert_eq!(lines.len(), 1);
        assert!(!lines[0].text.chars().any(crate::sanitize::needs_replacing));
        // The target keeps the exact name: requests about the alarm must use it.
        assert_eq!(
            lines[0].target,
            Target::Alarm {
                account_id: "111122223333".into(),
                name: "fraud-acc\u{1b}[2J\u{202e}".into()
            }
        );
        assert!(entries("", &["fraud"]).is_empty());
    }
}
