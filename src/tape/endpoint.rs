//! The endpoint's own life to lines: its status changes and its scaling activities.

use super::entry::{Entry, Kind, Role, Target};
use crate::source::model::{EndpointStatus, Epoch};

/// The endpoint was seen in `status` at `at` (DescribeEndpoint's LastModifiedTime and
/// status, or a status the console watched change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusInput {
    pub at: Epoch,
    pub status: EndpointStatus,
}

/// One Application Auto Scaling activity of the endpoint's variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalingInput {
    /// Its StartTime.
    pub at: Epoch,
    /// `Setting desired instance count to 4.`
    pub description: String,
    /// `Successful`, `InProgress`, `Failed`, ...
    pub status: String,
    /// `monitor alarm ... in state ALARM triggered policy ...`
    pub cause: String,
}

/// One line per change of status: the same status seen again says nothing new.
pub fn status_entries(seen: &[StatusInput]) -> Vec<Entry> {
    let mut seen = seen.to_vec();
    seen.sort_by_key(|s| s.at);
    let mut lines = Vec::new();
    let mut previous: Option<EndpointStatus> = None;
    for s in seen {
        if previous == Some(s.status) {
            continue;
        }
        let text = match previous {
            Some(p) => format!("endpoint {} (was {p})", s.status),
            None => format!("endpoint {}", s.status),
        };
        previous = Some(s.status);
        let role = match s.status {
            EndpointStatus::Failed | EndpointStatus::RollingBack => Role::Symptom,
            _ => Role::Note,
        };
        let target = Target::Chart {
            at: s.at,
            metric: None,
        };
        lines.push(Entry::new(s.at, Kind::Status, role, &text, target));
    }
    lines
}

/// One line per activity: what it did, how it ended when not plainly, and why.
pub fn scaling_entries(activities: &[ScalingInput]) -> Vec<Entry> {
    activities
        .iter()
        .map(|a| {
            let mut text = a.description.trim().trim_end_matches('.').to_owned();
            let status = a.status.trim();
            if !status.eq_ignore_ascii_case("Successful") && !status.is_empty() {
                text.push_str(&format!(" ({status})"));
            }
            if !a.cause.trim().is_empty() {
                text.push_str(&format!(": {}", a.cause.trim()));
            }
            let role = if status.eq_ignore_ascii_case("Failed") {
                Role::Symptom
            } else {
                Role::Change
            };
            let target = Target::Chart {
                at: a.at,
                metric: None,
            };
            Entry::new(a.at, Kind::Scaling, role, &text, target)
                .with_where(Some("application-autoscaling"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use EndpointStatus::*;

    #[test]
    fn only_changes_of_status_are_lines_in_time_order() {
        let seen = [
            StatusInput {
                at: 300,
                status: InService,
            },
            StatusInput {
                at: 100,
                status: InService,
            },
            StatusInput {
                at: 200,
                status: Updating,
            },
            StatusInput {
                at: 250,
                status: Updating,
            },
            StatusInput {
                at: 400,
                status: Failed,
            },
        ];
        let lines = status_entries(&seen);
        let texts: Vec<&str> = lines.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "endpoint InService",
                "endpoint Updating (was InService)",
                "endpoint InService (was Updating)",
                "endpoint Failed (was InService)",
            ]
        );
        assert_eq!(lines[3].role, Role::Symptom);
        assert!(status_entries(&[]).is_empty());
    }

    #[test]
    fn a_scaling_activity_says_what_how_it_ended_and_why() {
        let a = |status: &str, cause: &str| ScalingInput {
            at: 60,
            description: "Setting desired instance count to 4.".into(),
            status: status.into(),
            cause: cause.into(),
        };
        let lines = scaling_entries(&[
            a(
                "Successful",
                "monitor alarm cpu-high in state ALARM triggered policy p",
            ),
            a("Failed", ""),
            a("InProgress", "x\u{1b}]52;c;evil\u{7}"),
        ]);
        assert_eq!(
            lines[0].text,
            "Setting desired instance count to 4: monitor alarm cpu-high in state ALARM \
             triggered policy p"
        );
        assert_eq!(
            lines[1].text,
            "Setting desired instance count to 4 (Failed)"
        );
        assert_eq!(lines[1].role, Role::Symptom);
        assert!(!lines[2].text.chars().any(crate::sanitize::needs_replacing));
    }
}
