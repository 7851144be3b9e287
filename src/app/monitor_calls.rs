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

/// The newest run of the schedule being followed.
pub async fn poll(source: &dyn FleetSource, endpoint: EndpointKey, schedule: String) -> Loaded {
    let result = match source.monitor() {
        Some(m) => m
            .executions(&endpoint, Some(&schedule), None)
            .await
            .map(|p| p.executions.into_iter().next().map(Box::new)),
        None => Err(unsupported("ListMonitoringExecutions")),
    };
    Loaded::Polled { schedule, result }
}
