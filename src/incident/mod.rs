//! What one endpoint's incident tape reads and how the answers become its lines: the
//! subject (the endpoint and the alarms on it), the window, each source's read (`read`),
//! and `Reads::tape`, which turns whatever has arrived into a `tape::Tape`. The view runs
//! the reads in its workers as they are needed; the shell's `sagewatch incident` runs them
//! all and prints the tape.

pub mod read;

use crate::source::SourceError;
use crate::source::metrics::{MetricId, series_keys, spec_for};
use crate::source::model::{
    Alarm, AlarmHistoryItem, AlarmKind, Endpoint, EndpointMakeup, Epoch, ScalingActivity,
    SeriesData, SeriesKey,
};
use crate::source::monitor::Execution;
use crate::tape::{
    AlarmInput, Entry, QualityInput, RunInput, ScalingInput, StatusInput, Tape, alarms, audit,
    endpoint, monitor, spikes, steps, trail,
};
pub use read::Changes;

/// The window is the changes' (`c`): from `LEAD_SECS` before the alarm, up to
/// `MAX_WINDOW_SECS` back (`-` widens up to it).
pub use crate::trail::changes::{LEAD_SECS, MAX_WINDOW_SECS, QUIET_WINDOW_SECS};

/// The endpoint whose tape it is, and the alarms on it (composites included).
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub endpoint: Endpoint,
    pub alarms: Vec<Alarm>,
    /// The region it is in (the console's), which prunes the trail's search; `None`: every
    /// region's partitions are read.
    pub region: Option<String>,
}

/// `[from, to]`, epoch seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Epoch,
    pub to: Epoch,
}

impl Window {
    pub fn holds(self, t: Epoch) -> bool {
        (self.from..=self.to).contains(&t)
    }

    /// The default window at `now`: from `LEAD_SECS` before the earliest transition into
    /// ALARM of the alarms in ALARM on it (else `QUIET_WINDOW_SECS`), never more than
    /// `MAX_WINDOW_SECS` back.
    pub fn around(subject: &Subject, now: Epoch) -> Self {
        let fired = subject
            .alarms
            .iter()
            .filter(|a| a.state == crate::source::model::AlarmState::Alarm && a.state_since > 0)
            .map(|a| a.state_since)
            .min();
        let from = fired.map_or(now - QUIET_WINDOW_SECS, |t| t - LEAD_SECS);
        Self {
            from: from.max(now - MAX_WINDOW_SECS),
            to: now,
        }
    }

    /// Twice as long, ending at the same time, up to `MAX_WINDOW_SECS`.
    pub fn widened(self) -> Self {
        let span = (self.to - self.from).max(3600);
        Self {
            from: (self.to - 2 * span).max(self.to - MAX_WINDOW_SECS),
            to: self.to,
        }
    }
}

/// The most of the audit log read for a tape: years of one console's writes.
const AUDIT_MAX_BYTES: u64 = 64 << 20;

/// The audit log's text (the writes this console made), a regular file read off the async
/// threads; `None` when there is none or it cannot be read (the tape is without it).
pub async fn audit_text(path: Option<std::path::PathBuf>) -> Option<String> {
    let path = path?;
    let limits = crate::files::ReadLimits {
        max_bytes: AUDIT_MAX_BYTES,
        follow_links: false,
    };
    // Run inline (the snapshot, the tests' consoles) there may be no runtime to block in.
    let read = match tokio::runtime::Handle::try_current() {
        Ok(_) => {
            tokio::task::spawn_blocking(move || crate::files::read_capped(&path, limits)).await
        }
        Err(_) => Ok(crate::files::read_capped(&path, limits)),
    };
    match read {
        Ok(Ok(Some(bytes))) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "the audit log could not be read for the tape");
            None
        }
        _ => None,
    }
}

/// The metrics whose steps are worth a line, and the quality whose new values are.
const STEPPED: [MetricId; 5] = [
    MetricId::Cpu,
    MetricId::Memory,
    MetricId::Disk,
    MetricId::ModelLatency,
    MetricId::Errors5xx,
];
const QUALITY: [MetricId; 5] = [
    MetricId::Accuracy,
    MetricId::Auc,
    MetricId::F2,
    MetricId::Precision,
    MetricId::Recall,
];

/// Every series the tape reads for `endpoint`.
pub fn watched_series(endpoint: &Endpoint) -> Vec<SeriesKey> {
    STEPPED
        .iter()
        .chain(&QUALITY)
        .flat_map(|&m| series_keys(endpoint, m))
        .collect()
}

/// One alarm and its history in the window (or why it could not be read).
pub type AlarmHistory = (Alarm, Result<Vec<AlarmHistoryItem>, SourceError>);
/// A Model Monitor run, with its violations when its report was read.
pub type CountedRun = (Execution, Option<usize>);

/// Errors per minute in the endpoint's logs, and what Insights scanned to count them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorCounts {
    pub per_minute: Vec<(Epoch, u64)>,
    pub scanned_bytes: f64,
}

/// Each source's answer, once it has arrived (`None`: still being read, or not asked).
#[derive(Debug, Clone, Default)]
pub struct Reads {
    pub alarms: Option<Vec<AlarmHistory>>,
    pub makeup: Option<Result<EndpointMakeup, SourceError>>,
    pub changes: Option<Result<Changes, SourceError>>,
    pub runs: Option<Result<Vec<CountedRun>, SourceError>>,
    pub errors: Option<Result<ErrorCounts, SourceError>>,
    pub series: Option<Result<Vec<SeriesData>, SourceError>>,
    pub scaling: Option<Result<Vec<ScalingActivity>, SourceError>>,
    /// The audit log's text (the console's own writes); `None` when there is none.
    pub audit: Option<String>,
    /// Status changes the console saw itself while it ran.
    pub seen: Vec<StatusInput>,
}

impl Reads {
    /// The tape of what has arrived so far, within `window`.
    pub fn tape(&self, subject: &Subject, window: Window) -> Tape {
        let mut lines: Vec<Entry> = Vec::new();
        if let Some(histories) = &self.alarms {
            for (alarm, history) in histories {
                if let Ok(history) = history {
                    lines.extend(alarms::entries(AlarmInput { alarm, history }));
                }
            }
        }
        // Its status since its last change (DescribeEndpoint), and the changes seen.
        let mut seen = self.seen.clone();
        if let Some(Ok(makeup)) = &self.makeup
            && let Some(at) = makeup.last_modified
        {
            seen.push(StatusInput {
                at,
                status: subject.endpoint.status,
            });
        }
        lines.extend(endpoint::status_entries(&seen));
        if let Some(Ok(changes)) = &self.changes {
            for page in &changes.pages {
                let found = trail::entries(&changes.columns, page);
                lines.extend(found.into_iter().filter(|l| !is_runs_twin(l)));
            }
        }
        if let Some(Ok(runs)) = &self.runs {
            for (execution, violations) in runs {
                lines.extend(monitor::run_entries(RunInput {
                    execution,
                    violations: *violations,
                }));
            }
        }
        if let Some(Ok(errors)) = &self.errors {
            let counts = &errors.per_minute;
            lines.extend(spikes::entries(counts, (window.from, window.to + 1)));
        }
        if let Some(Ok(series)) = &self.series {
            lines.extend(self.series_lines(subject, series));
        }
        if let Some(Ok(activities)) = &self.scaling {
            let inputs: Vec<ScalingInput> = activities.iter().map(scaling_input).collect();
            lines.extend(endpoint::scaling_entries(&inputs));
        }
        if let Some(log) = &self.audit {
            let about = about(subject);
            lines.extend(audit::entries(log, &about));
        }
        lines.retain(|l| window.holds(l.at));
        Tape::assemble(lines)
    }

    fn series_lines(&self, subject: &Subject, series: &[SeriesData]) -> Vec<Entry> {
        let mut lines = Vec::new();
        for s in series {
            let Some(metric) = spec_for(&subject.endpoint, &s.key).map(|m| m.id) else {
                continue;
            };
            if QUALITY.contains(&metric) {
                lines.extend(monitor::quality_entries(QualityInput {
                    metric,
                    points: &s.points,
                    baseline: baseline(subject, &s.key),
                }));
            } else {
                let variant = s.key.dimension("VariantName");
                lines.extend(steps::entries(metric, &s.points).into_iter().map(|mut l| {
                    if let Some(v) = variant {
                        l.text = format!("{v}: {}", l.text);
                    }
                    l
                }));
            }
        }
        lines
    }
}

/// A monitoring run's CreateProcessingJob, made by SageMaker itself: the run's own line
/// says it, with its outcome.
fn is_runs_twin(line: &Entry) -> bool {
    line.text == "CreateProcessingJob"
        && line.who.is_none()
        && line.from_where.as_deref() == Some("sagemaker.amazonaws.com")
}

/// The names the console's own writes about this endpoint carry.
fn about(subject: &Subject) -> Vec<&str> {
    std::iter::once(subject.endpoint.name.as_str())
        .chain(
            subject
                .endpoint
                .monitoring_schedules
                .iter()
                .map(String::as_str),
        )
        .chain(subject.alarms.iter().map(|a| a.id.as_str()))
        .collect()
}

/// The threshold an alarm on this series holds it to: the quality's baseline as the
/// organisation set it.
fn baseline(subject: &Subject, key: &SeriesKey) -> Option<(crate::source::model::Comparison, f64)> {
    subject.alarms.iter().find_map(|a| match &a.kind {
        AlarmKind::Metric {
            series,
            comparison,
            threshold,
            ..
        } if series.namespace == key.namespace
            && series.metric == key.metric
            && series.dimensions == key.dimensions =>
        {
            Some((*comparison, *threshold))
        }
        _ => None,
    })
}

fn scaling_input(a: &ScalingActivity) -> ScalingInput {
    ScalingInput {
        at: a.at,
        description: format!("{}: {}", a.variant, a.description),
        status: a.status.as_str().to_owned(),
        cause: a.cause.clone(),
    }
}
