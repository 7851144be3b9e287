//! Model Monitor writes: run a schedule's job definition now (a one-time schedule with
//! `ScheduleExpression = "NOW"`), pause a schedule, resume it, and delete a one-time
//! schedule once its run has ended. Built by the monitor pane and the shell, shown whole
//! in a confirmation, sent through `writes::Gate`.

use crate::source::model::{AccountId, Epoch};
use serde_json::{Value, json};

/// SageMaker's longest schedule name.
pub const MAX_SCHEDULE_NAME: usize = 63;
/// The widest analysis window of a one-time run.
pub const MAX_WINDOW_HOURS: u32 = 24;

/// The data a run now analyses: the last `hours` before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunWindow {
    pub hours: u32,
}

impl Default for RunWindow {
    fn default() -> Self {
        Self { hours: 1 }
    }
}

impl RunWindow {
    /// `1h` .. `24h` (a bare number is hours).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let digits = t.strip_suffix('h').unwrap_or(t);
        match digits.parse::<u32>() {
            Ok(h) if (1..=MAX_WINDOW_HOURS).contains(&h) => Ok(Self { hours: h }),
            _ => Err(format!(
                "window {:?}: expected whole hours from 1h to {MAX_WINDOW_HOURS}h, like 1h or 6h",
                crate::sanitize::clean(t)
            )),
        }
    }

    /// `DataAnalysisStartTime`: an ISO 8601 offset before the run.
    pub fn start_offset(self) -> String {
        format!("-PT{}H", self.hours)
    }

    /// `DataAnalysisEndTime`: up to the run.
    pub fn end_offset(self) -> &'static str {
        "-PT0H"
    }

    pub fn label(self) -> String {
        format!("{}h", self.hours)
    }
}

/// A one-time run of an existing schedule's job definition.
#[derive(Debug, Clone, PartialEq)]
pub struct RunNow {
    pub account_id: AccountId,
    pub endpoint: String,
    /// The schedule whose job definition and type it copies.
    pub from_schedule: String,
    /// The new one-time schedule (`<schedule>-now-<yyyymmddHHMMSS>`).
    pub name: String,
    pub job_definition: String,
    pub monitoring_type: String,
    pub window: RunWindow,
    /// The endpoint's region: the schedule is made there.
    pub region: crate::source::model::Region,
}

/// One mutating Model Monitor request.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorWrite {
    RunNow(Box<RunNow>),
    /// StopMonitoringSchedule.
    Pause {
        account_id: AccountId,
        schedule: String,
        /// The region they live in: the request goes there.
        region: crate::source::model::Region,
    },
    /// StartMonitoringSchedule.
    Resume {
        account_id: AccountId,
        schedule: String,
        /// The region they live in: the request goes there.
        region: crate::source::model::Region,
    },
    /// DeleteMonitoringSchedule of a one-time schedule a run now made (`validate` refuses
    /// any other name: the console never deletes a schedule of the endpoint's own).
    Delete {
        account_id: AccountId,
        schedule: String,
        /// The region they live in: the request goes there.
        region: crate::source::model::Region,
    },
}

impl MonitorWrite {
    /// The API operation, as SageMaker names it.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::RunNow(_) => "CreateMonitoringSchedule",
            Self::Pause { .. } => "StopMonitoringSchedule",
            Self::Resume { .. } => "StartMonitoringSchedule",
            Self::Delete { .. } => "DeleteMonitoringSchedule",
        }
    }

    pub fn iam_action(&self) -> String {
        format!("sagemaker:{}", self.operation())
    }

    pub fn account_id(&self) -> &str {
        match self {
            Self::RunNow(r) => &r.account_id,
            Self::Pause { account_id, .. }
            | Self::Resume { account_id, .. }
            | Self::Delete { account_id, .. } => account_id,
        }
    }

    /// The schedule the request creates or changes.
    pub fn schedule(&self) -> &str {
        match self {
            Self::RunNow(r) => &r.name,
            Self::Pause { schedule, .. }
            | Self::Resume { schedule, .. }
            | Self::Delete { schedule, .. } => schedule,
        }
    }

    /// The request's parameters as they are sent, in SageMaker's field names.
    pub fn parameters(&self) -> Value {
        match self {
            Self::RunNow(r) => json!({
                "MonitoringScheduleName": r.name,
                "MonitoringScheduleConfig": {
                    "ScheduleConfig": {
                        "ScheduleExpression": "NOW",
                        "DataAnalysisStartTime": r.window.start_offset(),
                        "DataAnalysisEndTime": r.window.end_offset(),
                    },
                    "MonitoringJobDefinitionName": r.job_definition,
                    "MonitoringType": r.monitoring_type,
                },
            }),
            Self::Pause { schedule, .. }
            | Self::Resume { schedule, .. }
            | Self::Delete { schedule, .. } => {
                json!({ "MonitoringScheduleName": schedule })
            }
        }
    }

    /// Refuses names SageMaker would refuse (and names the console cleaned for display,
    /// which may be another schedule's).
    pub fn validate(&self) -> Result<(), String> {
        check_name(self.schedule())?;
        match self {
            Self::RunNow(r) => {
                check_name(&r.job_definition).map_err(|e| format!("job definition: {e}"))?;
            }
            Self::Delete { schedule, .. } if !is_run_now_name(schedule) => {
                return Err(format!(
                    "{:?} is not a one-time schedule of a run now \
                     (<schedule>-now-<yyyymmddHHMMSS>): sagewatch deletes only those",
                    crate::sanitize::clean(schedule)
                ));
            }
            _ => {}
        }
        Ok(())
    }
}

/// SageMaker's name rule: `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_SCHEDULE_NAME
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a SageMaker name (letters, digits and inner hyphens, at most {MAX_SCHEDULE_NAME})",
            crate::sanitize::clean(name)
        ))
    }
}

/// Whether a schedule name is one `run_now_name` made: a one-time run, not a schedule of
/// the endpoint's own (its metrics and runs are not the endpoint's recurring ones).
pub fn is_run_now_name(name: &str) -> bool {
    name.len() > 19
        && name.is_char_boundary(name.len() - 19)
        && name[name.len() - 19..].starts_with("-now-")
        && name[name.len() - 14..].bytes().all(|b| b.is_ascii_digit())
}

/// `<schedule>-now-<yyyymmddHHMMSS>`, the schedule cut so the whole fits in 63 characters.
pub fn run_now_name(schedule: &str, at: Epoch) -> String {
    let stamp = chrono::DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .format("%Y%m%d%H%M%S")
        .to_string();
    let suffix = format!("-now-{stamp}");
    let room = MAX_SCHEDULE_NAME - suffix.len();
    let base: String = schedule.chars().take(room).collect();
    format!("{}{suffix}", base.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_whole_hours_up_to_a_day() {
        assert_eq!(RunWindow::parse("1h").unwrap().hours, 1);
        assert_eq!(RunWindow::parse("24").unwrap().hours, 24);
        for bad in ["0h", "25h", "90m", "", "-1h", "1.5h"] {
            let e = RunWindow::parse(bad).unwrap_err();
            assert!(
                e.contains("expected whole hours from 1h to 24h"),
                "{bad}: {e}"
            );
        }
        assert_eq!(RunWindow { hours: 6 }.start_offset(), "-PT6H");
    }

    #[test]
    fn a_run_now_name_fits_sagemakers_limit() {
        let at = 1_764_400_000; // 2025-11-29T07:06:40Z
        assert_eq!(run_now_name("fraud-mq", at), "fraud-mq-now-20251129070640");
        let long = "a".repeat(40) + "-" + &"b".repeat(30);
        let name = run_now_name(&long, at);
        assert_eq!(name.len(), MAX_SCHEDULE_NAME);
        check_name(&name).unwrap();
        // A cut that ends on a hyphen does not leave two in a row before `now`.
        let name = run_now_name(&("a".repeat(44) + "-bbbb"), at);
        check_name(&name).unwrap();
        assert!(!name.contains("--"), "{name}");
        assert!(is_run_now_name(&name));
        assert!(!is_run_now_name("fraud-mq"));
        assert!(!is_run_now_name("fraud-mq-now-2025112907064x"));
    }

    #[test]
    fn a_run_now_request_is_what_sagemaker_expects() {
        let w = MonitorWrite::RunNow(Box::new(RunNow {
            account_id: "111111111111".into(),
            endpoint: "fraud".into(),
            from_schedule: "fraud-mq".into(),
            name: "fraud-mq-now-20251129070640".into(),
            job_definition: "fraud-mq-def".into(),
            monitoring_type: "ModelQuality".into(),
            window: RunWindow { hours: 2 },
            region: Default::default(),
        }));
        let p = w.parameters();
        let c = &p["MonitoringScheduleConfig"];
        assert_eq!(c["ScheduleConfig"]["ScheduleExpression"], "NOW");
        assert_eq!(c["ScheduleConfig"]["DataAnalysisStartTime"], "-PT2H");
        assert_eq!(c["ScheduleConfig"]["DataAnalysisEndTime"], "-PT0H");
        assert_eq!(c["MonitoringJobDefinitionName"], "fraud-mq-def");
        assert_eq!(c["MonitoringType"], "ModelQuality");
        assert_eq!(w.operation(), "CreateMonitoringSchedule");
        w.validate().unwrap();
    }

    #[test]
    fn a_cleaned_name_is_refused() {
        let w = MonitorWrite::Pause {
            account_id: "1".into(),
            schedule: "mq\u{FFFD}x".into(),
            region: Default::default(),
        };
        assert!(w.validate().is_err());
    }

    #[test]
    fn only_a_run_nows_one_time_schedule_can_be_deleted() {
        let delete = |name: &str| MonitorWrite::Delete {
            account_id: "111111111111".into(),
            schedule: name.into(),
            region: Default::default(),
        };
        let w = delete("fraud-mq-now-20251129070640");
        w.validate().unwrap();
        assert_eq!(w.operation(), "DeleteMonitoringSchedule");
        assert_eq!(w.iam_action(), "sagemaker:DeleteMonitoringSchedule");
        assert_eq!(
            w.parameters(),
            json!({"MonitoringScheduleName": "fraud-mq-now-20251129070640"})
        );
        // The endpoint's own schedule is never deleted, whoever asks.
        let e = delete("fraud-mq").validate().unwrap_err();
        assert!(e.contains("sagewatch deletes only those"), "{e}");
    }
}
