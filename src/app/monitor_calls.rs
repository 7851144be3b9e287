//! The Model Monitor reads a command makes: several source calls composed into one result,
//! each part failing alone (a denied ListMonitoringAlerts must not hide the runs).

use super::action::{Loaded, MonitorPane, RunReport};
use crate::source::model::{EndpointKey, MonitoringSchedule};
use crate::source::monitor::Execution;
use crate::source::{FleetSource, SourceError};

pub fn unsupported(call: &str) -> SourceError {
    SourceError::Other {
        call: call.to_owned(),
        detail: "this source has no Model Monitor".into(),
    }
}

/// Schedules, the newest page of runs, and every schedule's alerts.
pub async fn pane(source: &dyn FleetSource, endpoint: EndpointKey) -> Loaded {
    let schedules = source.monitoring_schedules(&endpoint).await;
    let Some(monitor) = source.monitor() else {
        return Loaded::Monitor(Box::new(MonitorPane {
            endpoint,
            schedules,
            runs: Err(unsupported("ListMonitoringExecutions")),
            alerts: Err(unsupported("ListMonitoringAlerts")),
        }));
    };
    let runs = monitor.executions(&endpoint, None, None).await;
    let alerts = match &schedules {
        Ok(list) => {
            let mut all = Vec::new();
            let mut failure = None;
            // One-time runs started from here have no alerts of their own.
            for s in list
                .iter()
                .filter(|s| s.schedule_expression.as_deref() != Some("NOW"))
            {
                match monitor.alerts(&endpoint.account_id, &s.name).await {
                    Ok(a) => all.extend(a),
                    Err(e) => failure = Some(e),
                }
            }
            match failure {
                Some(e) if all.is_empty() => Err(e),
                _ => Ok(all),
            }
        }
        Err(e) => Err(e.clone()),
    };
    Loaded::Monitor(Box::new(MonitorPane {
        endpoint,
        schedules,
        runs,
        alerts,
    }))
}

/// One run's violations, and the baseline of its schedule when known.
pub async fn report(
    source: &dyn FleetSource,
    run: Box<Execution>,
    schedule: Option<Box<MonitoringSchedule>>,
) -> Loaded {
    let Some(monitor) = source.monitor() else {
        return Loaded::Report(Box::new(RunReport {
            run: *run,
            violations: Err(unsupported("GetObject")),
            baseline: Err(unsupported("GetObject")),
        }));
    };
    let violations = monitor.violations(&run).await;
    let baseline = match schedule {
        Some(s) => monitor.baseline(&s).await,
        None => Ok(None),
    };
    Loaded::Report(Box::new(RunReport {
        run: *run,
        violations,
        baseline,
    }))
}

/// What one look at a followed run found.
#[derive(Debug, Clone, PartialEq)]
pub enum Poll {
    /// Its newest state.
    Run(Box<Execution>),
    /// No run listed yet: SageMaker creates it a moment after the schedule.
    NotYet,
    /// The one-time schedule itself failed (a bad job definition, no data capture, a
    /// quota): no run will ever be listed. Its failure reason.
    ScheduleFailed(String),
}

/// The newest run of one-time schedule `schedule`; when there is none, whether the schedule
/// itself failed (one DescribeMonitoringSchedule more).
pub async fn poll_once(
    source: &dyn FleetSource,
    endpoint: &EndpointKey,
    schedule: &str,
) -> Result<Poll, SourceError> {
    let monitor = source
        .monitor()
        .ok_or_else(|| unsupported("ListMonitoringExecutions"))?;
    let page = monitor.executions(endpoint, Some(schedule), None).await?;
    if let Some(run) = page.executions.into_iter().next() {
        return Ok(Poll::Run(Box::new(run)));
    }
    match monitor.schedule(&endpoint.account_id, schedule).await? {
        Some(s) if s.status == crate::source::model::ScheduleStatus::Failed => Ok(
            Poll::ScheduleFailed(s.failure_reason.unwrap_or_else(|| "no reason given".into())),
        ),
        _ => Ok(Poll::NotYet),
    }
}

pub async fn poll(source: &dyn FleetSource, endpoint: EndpointKey, schedule: String) -> Loaded {
    let result = poll_once(source, &endpoint, &schedule).await;
    Loaded::Polled { schedule, result }
}
