//! Model Monitor to lines: each run's start and end (with its violations), and the
//! model-quality points worth a line (a new value, its baseline crossed).

use super::entry::{Entry, Kind, Role, Target};
use crate::source::metrics::{MetricId, spec};
use crate::source::model::{Comparison, Epoch, ExecutionStatus};
use crate::source::monitor::Execution;

/// One run, with the violations its report listed when the report was read.
#[derive(Debug, Clone, Copy)]
pub struct RunInput<'a> {
    pub execution: &'a Execution,
    pub violations: Option<usize>,
}

/// A run's start (when SageMaker created it, else its scheduled time) and, once finished,
/// its end (when SageMaker last changed it).
pub fn run_entries(run: RunInput<'_>) -> Vec<Entry> {
    let e = run.execution;
    let target = Target::MonitorRun {
        account_id: e.account_id.clone(),
        schedule: e.schedule.clone(),
        at: e.scheduled_time,
    };
    let what = match e.monitoring_type.as_deref() {
        Some(t) if !t.is_empty() => format!("{t} run of {}", e.schedule),
        _ => format!("run of {}", e.schedule),
    };
    let started = e.created.unwrap_or(e.scheduled_time);
    let mut lines = vec![Entry::new(
        started,
        Kind::Monitor,
        Role::Note,
        &format!("{what} started"),
        target.clone(),
    )];
    if let (true, Some(ended)) = (e.status.is_finished(), e.modified) {
        let (outcome, role) = outcome(e, run.violations);
        let value = run.violations.map(|n| n as f64);
        lines.push(
            Entry::new(
                ended,
                Kind::Monitor,
                role,
                &format!("{what} {outcome}"),
                target,
            )
            .with_value(value),
        );
    }
    lines
}

fn outcome(e: &Execution, violations: Option<usize>) -> (String, Role) {
    match (e.status, violations) {
        (ExecutionStatus::Failed, _) => {
            let why = e.failure_reason.as_deref().unwrap_or("no reason given");
            (format!("failed: {why}"), Role::Symptom)
        }
        (_, Some(n)) if n > 0 => (format!("found {n} violations"), Role::Symptom),
        (ExecutionStatus::CompletedWithViolations, _) => {
            ("completed with violations".to_owned(), Role::Symptom)
        }
        (ExecutionStatus::Completed, _) => ("completed: no violations".to_owned(), Role::Note),
        (status, _) => (status.as_str().to_lowercase(), Role::Note),
    }
}

/// A model-quality series and the baseline it is held to, when there is one:
/// `breaches(value, threshold)` says a value is on the wrong side (an alarm's comparison).
#[derive(Debug, Clone, Copy)]
pub struct QualityInput<'a> {
    pub metric: MetricId,
    /// `(time, value)`, in any order.
    pub points: &'a [(Epoch, f64)],
    pub baseline: Option<(Comparison, f64)>,
}

/// Quality values closer than this are the same value: a monitor run measures a sample of
/// the captured traffic, and differences in the third decimal are that sample's noise, not
/// a new model behaviour.
pub const QUALITY_EPSILON: f64 = 0.005;

/// The quality points worth a line: a point across the baseline from the one before it
/// (the first point counts as crossing when it is already across), and otherwise the first
/// point of a new value (further than `QUALITY_EPSILON` from the point before, however long
/// the gap between them).
pub fn quality_entries(input: QualityInput<'_>) -> Vec<Entry> {
    let mut points: Vec<(Epoch, f64)> = input
        .points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    points.sort_by_key(|&(t, _)| t);
    let name = spec(input.metric).name;
    let breaches = |v: f64| input.baseline.is_some_and(|(cmp, th)| cmp.breaches(v, th));
    let mut lines = Vec::new();
    let mut previous: Option<f64> = None;
    for &(at, v) in &points {
        let crossed = match previous {
            Some(p) => breaches(p) != breaches(v),
            None => breaches(v),
        };
        let moved = previous.is_some_and(|p| (v - p).abs() > QUALITY_EPSILON);
        let from = previous.map_or(String::new(), |p| format!(" from {p:.3}"));
        previous = Some(v);
        let (text, role) = match (crossed, input.baseline) {
            (true, Some((cmp, th))) if breaches(v) => (
                format!("{name}{from} to {v:.3}: {} baseline {th}", side(cmp)),
                Role::Symptom,
            ),
            (true, Some((_, th))) => (
                format!("{name}{from} to {v:.3}: back within baseline {th}"),
                Role::Recovery,
            ),
            _ if moved => (format!("{name}{from} to {v:.3}"), Role::Note),
            _ => continue,
        };
        let target = Target::Chart {
            at,
            metric: Some(input.metric),
        };
        lines.push(Entry::new(at, Kind::Quality, role, &text, target).with_value(Some(v)));
    }
    lines
}

/// Which side of its baseline a breaching value is on.
fn side(cmp: Comparison) -> &'static str {
    match cmp {
        Comparison::LessThanThreshold | Comparison::LessThanOrEqualToThreshold => "below",
        Comparison::GreaterThanThreshold | Comparison::GreaterThanOrEqualToThreshold => "above",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(status: ExecutionStatus, reason: Option<&str>) -> Execution {
        Execution {
            account_id: "111122223333".into(),
            schedule: "fraud-mq".into(),
            scheduled_time: 3_600,
            created: Some(3_660),
            modified: Some(4_200),
            status,
            failure_reason: reason.map(Into::into),
            processing_job_arn: None,
            monitoring_type: Some("ModelQuality".into()),
            region: Default::default(),
        }
    }

    #[test]
    fn a_finished_run_has_a_start_and_an_end_with_its_violations() {
        let e = run(ExecutionStatus::CompletedWithViolations, None);
        let lines = run_entries(RunInput {
            execution: &e,
            violations: Some(12),
        });
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].at, lines[1].at), (3_660, 4_200));
        assert_eq!(lines[0].text, "ModelQuality run of fraud-mq started");
        assert_eq!(
            lines[1].text,
            "ModelQuality run of fraud-mq found 12 violations"
        );
        assert_eq!((lines[1].role, lines[1].value), (Role::Symptom, Some(12.0)));
        assert_eq!(
            lines[1].target,
            Target::MonitorRun {
                account_id: "111122223333".into(),
                schedule: "fraud-mq".into(),
                at: 3_600
            }
        );
    }

    #[test]
    fn a_run_in_progress_has_only_its_start_and_a_failed_one_says_why_safely() {
        let e = Execution {
            created: None,
            ..run(ExecutionStatus::InProgress, None)
        };
        let lines = run_entries(RunInput {
            execution: &e,
            violations: None,
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].at, 3_600, "no creation time: the scheduled one");
        let e = run(ExecutionStatus::Failed, Some("Job\u{1b}[2J failed:\nOOM"));
        let lines = run_entries(RunInput {
            execution: &e,
            violations: None,
        });
        assert_eq!(
            lines[1].text,
            "ModelQuality run of fraud-mq failed: Job\u{FFFD}[2J failed: OOM"
        );
        assert_eq!(lines[1].role, Role::Symptom);
        let e = run(ExecutionStatus::Completed, None);
        let lines = run_entries(RunInput {
            execution: &e,
            violations: Some(0),
        });
        assert_eq!(lines[1].role, Role::Note);
    }

    fn quality(points: &[(Epoch, f64)], baseline: Option<(Comparison, f64)>) -> Vec<Entry> {
        quality_entries(QualityInput {
            metric: MetricId::Accuracy,
            points,
            baseline,
        })
    }

    #[test]
    fn a_new_value_is_a_line_and_the_same_value_within_epsilon_is_not() {
        let lines = quality(
            &[
                (0, 0.912),
                (3_600, 0.914),
                (7_200, 0.9149),
                (36_000, 0.9201),
            ],
            None,
        );
        // 0.914 and 0.9149 are within 0.005 of the point before; after a gap, 0.9201 is not.
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].at, 36_000);
        assert_eq!(lines[0].text, "accuracy from 0.915 to 0.920");
        // Just past the edge.
        assert_eq!(quality(&[(0, 0.9), (1, 0.9051)], None).len(), 1);
        assert!(quality(&[(0, 0.9), (1, 0.9049)], None).is_empty());
    }

    #[test]
    fn crossing_the_baseline_either_way_is_a_line_even_within_epsilon() {
        let below = Some((Comparison::LessThanThreshold, 0.85));
        let lines = quality(
            &[(7_200, 0.852), (0, 0.91), (3_600, 0.849), (10_800, 0.851)],
            below,
        );
        let said: Vec<(Epoch, Role)> = lines.iter().map(|e| (e.at, e.role)).collect();
        assert_eq!(
            said,
            [(3_600, Role::Symptom), (7_200, Role::Recovery),],
            "{lines:?}"
        );
        assert_eq!(
            lines[0].text,
            "accuracy from 0.910 to 0.849: below baseline 0.85"
        );
        // A series already across at its first point says so.
        let lines = quality(&[(0, 0.70)], below);
        assert_eq!(lines[0].text, "accuracy to 0.700: below baseline 0.85");
    }

    #[test]
    fn an_empty_or_broken_series_says_nothing() {
        assert!(quality(&[], None).is_empty());
        assert!(quality(&[(0, f64::NAN), (1, f64::INFINITY)], None).is_empty());
    }
}
