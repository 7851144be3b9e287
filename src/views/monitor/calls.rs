//! The monitor view's calls: Model Monitor reads, several source calls composed into one
//! answer, each part failing alone (a denied ListMonitoringAlerts must not hide the runs).

use crate::source::model::{EndpointKey, MonitoringSchedule};
use crate::source::monitor::{
    Baseline, Execution, ExecutionPage, Leftover, MonitoringAlert, ViolationReport,
};
use crate::source::{FleetSource, SourceError};

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::update::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum MonitorCall {
    /// The pane's schedules, newest runs and alerts.
    Pane(EndpointKey),
    /// An older page of its runs.
    Runs { endpoint: EndpointKey, page: String },
    /// One run's violations and its schedule's baseline. One report pane: a newer request
    /// replaces the one in flight.
    Report {
        run: Box<Execution>,
        schedule: Option<Box<MonitoringSchedule>>,
    },
    /// The newest run of a schedule being followed.
    Poll {
        endpoint: EndpointKey,
        schedule: String,
    },
    /// The one-time schedules runs now left; `confirm`: for `:monitor cleanup`.
    Leftovers { confirm: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub enum MonitorLoaded {
    /// The pane of one endpoint (boxed: it is the largest answer).
    Pane(Box<MonitorPane>),
    /// An older page of an endpoint's runs.
    Runs {
        endpoint: EndpointKey,
        result: Result<Box<ExecutionPage>, SourceError>,
    },
    /// The violations of one run, and its schedule's baseline.
    Report(Box<RunReport>),
    /// The newest run of a followed schedule.
    Polled {
        /// The one-time schedule's name (it names the endpoint and the second it was made).
        schedule: String,
        result: Result<Poll, SourceError>,
    },
    Leftovers {
        confirm: bool,
        result: Result<Vec<Leftover>, SourceError>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MonitorKey {
    Pane(EndpointKey),
    Runs(EndpointKey),
    Report,
    Poll(EndpointKey, String),
    Leftovers,
}

/// An endpoint's schedules, the newest page of its runs and its schedules' alerts; each
/// part may fail alone.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorPane {
    pub endpoint: EndpointKey,
    pub schedules: Result<Vec<MonitoringSchedule>, SourceError>,
    pub runs: Result<ExecutionPage, SourceError>,
    pub alerts: Result<Vec<MonitoringAlert>, SourceError>,
}

/// One run's violations, and its schedule's baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub run: Execution,
    pub violations: Result<ViolationReport, SourceError>,
    pub baseline: Result<Option<Baseline>, SourceError>,
}

impl crate::views::Call for MonitorCall {
    fn replaces_running(&self) -> bool {
        // After a write or a followed run, the pane is read again (`rereads_after_change`).
        matches!(self, Self::Pane(_) | Self::Report { .. })
    }

    fn rereads_after_change(&self) -> bool {
        matches!(self, Self::Pane(_))
    }
}

impl MonitorCall {
    pub fn key(&self) -> MonitorKey {
        match self {
            Self::Pane(e) => MonitorKey::Pane(e.clone()),
            Self::Runs { endpoint, .. } => MonitorKey::Runs(endpoint.clone()),
            Self::Report { .. } => MonitorKey::Report,
            Self::Poll { endpoint, schedule } => {
                MonitorKey::Poll(endpoint.clone(), schedule.clone())
            }
            Self::Leftovers { .. } => MonitorKey::Leftovers,
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> MonitorLoaded {
        match self {
            Self::Pane(endpoint) => pane(source, endpoint).await,
            Self::Runs { endpoint, page } => {
                let result = match source.monitor() {
                    Some(m) => m
                        .executions(&endpoint, None, Some(&page))
                        .await
                        .map(Box::new),
                    None => Err(unsupported("ListMonitoringExecutions")),
                };
                MonitorLoaded::Runs { endpoint, result }
            }
            Self::Report { run, schedule } => report(source, run, schedule).await,
            Self::Poll { endpoint, schedule } => poll(source, endpoint, schedule).await,
            Self::Leftovers { confirm } => MonitorLoaded::Leftovers {
                confirm,
                result: match source.monitor() {
                    Some(m) => m.leftovers().await,
                    None => Err(unsupported("ListMonitoringSchedules")),
                },
            },
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> MonitorLoaded {
        let err = |call: &str| SourceError::Other {
            call: call.into(),
            detail: detail.into(),
        };
        match self {
            Self::Pane(endpoint) => MonitorLoaded::Pane(Box::new(MonitorPane {
                endpoint,
                schedules: Err(err("monitoring schedules")),
                runs: Err(err("monitoring executions")),
                alerts: Err(err("monitoring alerts")),
            })),
            Self::Runs { endpoint, .. } => MonitorLoaded::Runs {
                endpoint,
                result: Err(err("monitoring executions")),
            },
            Self::Report { run, .. } => MonitorLoaded::Report(Box::new(RunReport {
                run: *run,
                violations: Err(err("violations")),
                baseline: Err(err("baseline")),
            })),
            Self::Poll { schedule, .. } => MonitorLoaded::Polled {
                schedule,
                result: Err(err("monitoring executions")),
            },
            Self::Leftovers { confirm } => MonitorLoaded::Leftovers {
                confirm,
                result: Err(err("monitoring schedules")),
            },
        }
    }
}

fn unsupported(call: &str) -> SourceError {
    SourceError::Other {
        call: call.to_owned(),
        detail: "this source has no Model Monitor".into(),
    }
}

/// Schedules, the newest page of runs, and every schedule's alerts.
async fn pane(source: &dyn FleetSource, endpoint: EndpointKey) -> MonitorLoaded {
    let schedules = source.monitoring_schedules(&endpoint).await;
    let Some(monitor) = source.monitor() else {
        return MonitorLoaded::Pane(Box::new(MonitorPane {
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
    MonitorLoaded::Pane(Box::new(MonitorPane {
        endpoint,
        schedules,
        runs,
        alerts,
    }))
}

/// One run's violations, and the baseline of its schedule when known.
async fn report(
    source: &dyn FleetSource,
    run: Box<Execution>,
    schedule: Option<Box<MonitoringSchedule>>,
) -> MonitorLoaded {
    let Some(monitor) = source.monitor() else {
        return MonitorLoaded::Report(Box::new(RunReport {
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
    MonitorLoaded::Report(Box::new(RunReport {
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

async fn poll(source: &dyn FleetSource, endpoint: EndpointKey, schedule: String) -> MonitorLoaded {
    let result = poll_once(source, &endpoint, &schedule).await;
    MonitorLoaded::Polled { schedule, result }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::command::Command;
    use crate::app::worker::Workers;
    use crate::clock::FixedClock;
    use crate::source::demo::{DemoConfig, DemoSource};
    use std::sync::Arc;
    use tokio::sync::mpsc;

    #[tokio::test]
    async fn a_read_after_a_change_replaces_the_same_read_in_flight() {
        let start = 1_795_687_200;
        let source = DemoSource::new(
            DemoConfig {
                seed: 1,
                start,
                scale: None,
            },
            Arc::new(FixedClock::new(start)),
        );
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = Workers::new(Arc::new(source), tx);
        let pane = || -> Command {
            MonitorCall::Pane(EndpointKey {
                account_id: "111111111111".into(),
                name: "fraud-detector".into(),
                region: Default::default(),
            })
            .into()
        };
        w.dispatch(pane());
        // Asked again after a write: the first read may predate it, so it is replaced.
        w.dispatch(pane());
        let done = loop {
            let done = rx.recv().await.expect("a result");
            if done.generation == 2 {
                break done;
            }
            w.finished(&done);
        };
        w.finished(&done);
        assert_eq!(w.in_flight(), 0);
        // A periodic duplicate is still dropped.
        w.dispatch(Command::LoadAlarms);
        w.dispatch(Command::LoadAlarms);
        let done = rx.recv().await.expect("a result");
        w.finished(&done);
        assert_eq!(done.generation, 3, "the second LoadAlarms never ran");
    }
}
