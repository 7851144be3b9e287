//! The demo organisation's Model Monitor: schedules of every type, hourly (or daily) runs
//! with two weeks of history, reports written as Model Monitor writes them (and read back
//! through the same parser as S3's), alerts, and runs started from the console that go
//! Pending -> InProgress -> outcome within seconds and publish the hour's quality point.
//!
//! Like the series, every run is a pure function of (world, schedule, time); only what the
//! console changed (runs started, schedules paused) is held.

use super::rng::hash_str;
use super::signal;
use super::story::{DRIFTING_FEATURE, FEATURE_DRIFT_THRESHOLD, MISSING_FEATURE, feature_drift};
use super::world::{ACCURACY_THRESHOLD, REGION, SeriesRef, World};
use super::{DemoSource, refused};
use crate::source::SourceError;
use crate::source::metrics::MetricId;
use crate::source::model::*;
use crate::source::monitor::report::{self, Baseline, ViolationReport};
use crate::source::monitor::{
    AlertStatus, Execution, ExecutionPage, LastRun, MonitorSource, MonitorWrite, MonitoringAlert,
    RunNow, ScheduleRun,
};
use crate::source::write::WriteReceipt;
use async_trait::async_trait;
use serde_json::json;
use std::collections::HashMap;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// How far back runs are listed: two weeks, as SageMaker keeps them.
const HISTORY: i64 = 14 * DAY;
const PAGE: usize = 25;
/// A run started from the console: Pending, then InProgress, then its outcome.
pub const RUN_PENDING_SECS: i64 = 2;
pub const RUN_SECS: i64 = 6;
/// Hourly runs start a minute past the hour.
const START_DELAY: i64 = 60;
const MQ_QUALITY: [MetricId; 5] = [
    MetricId::Accuracy,
    MetricId::Auc,
    MetricId::F2,
    MetricId::Precision,
    MetricId::Recall,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ModelQuality,
    DataQuality,
    ModelBias,
    ModelExplainability,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::ModelQuality => "ModelQuality",
            Self::DataQuality => "DataQuality",
            Self::ModelBias => "ModelBias",
            Self::ModelExplainability => "ModelExplainability",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::ModelQuality => "model-quality",
            Self::DataQuality => "data-quality",
            Self::ModelBias => "bias",
            Self::ModelExplainability => "explainability",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        use Kind::*;
        [ModelQuality, DataQuality, ModelBias, ModelExplainability]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One schedule of the world.
#[derive(Debug, Clone)]
struct Sched {
    endpoint: usize,
    name: String,
    kind: Kind,
    /// Hourly, else daily at 02:00.
    hourly: bool,
    /// `None`: the older inline job definition, which cannot be run now.
    job_definition: Option<String>,
    /// Every so many runs fail (with a reason); 0 never.
    fails_every: i64,
}

/// The world's schedules of endpoint `i`: model quality on every endpoint with data; data
/// quality on a few (one paused, one in the older inline form); bias and explainability
/// on prod's fraud-detector.
fn world_schedules(world: &World, i: usize) -> Vec<Sched> {
    let e = &world.endpoints[i];
    // Quality from a custom source (`Endpoint::quality`): no Model Monitor schedule at all.
    if !e.profile.has_data || e.endpoint.quality.is_some() {
        return Vec::new();
    }
    let name = e.endpoint.name.as_str();
    let sched = |kind: Kind, hourly: bool| Sched {
        endpoint: i,
        name: format!("{name}-{}", kind.suffix()),
        kind,
        hourly,
        job_definition: Some(format!("{name}-{}-job", kind.suffix())),
        fails_every: 0,
    };
    let mut out = vec![sched(Kind::ModelQuality, true)];
    let data_quality = matches!(
        name,
        "fraud-detector"
            | "recommender-v2"
            | "credit-risk-scorer"
            | "churn-predictor-stg"
            | "ltv-scorer"
    );
    if data_quality {
        let mut dq = sched(Kind::DataQuality, true);
        if name == "recommender-v2" {
            dq.fails_every = 7;
        }
        if name == "ltv-scorer" {
            dq.job_definition = None;
        }
        out.push(dq);
    }
    if e.profile.incident.is_some() {
        out.push(sched(Kind::ModelBias, false));
        out.push(sched(Kind::ModelExplainability, false));
    }
    out
}

/// The world's schedule `name` in `account`.
fn world_schedule(world: &World, account: &str, name: &str) -> Option<Sched> {
    (0..world.endpoints.len())
        .filter(|&i| world.endpoints[i].endpoint.account_id == account)
        .flat_map(|i| world_schedules(world, i))
        .find(|s| s.name == name)
}

/// Paused in the world itself (before the console started).
fn paused_in_world(s: &Sched) -> bool {
    s.name == "churn-predictor-stg-data-quality"
}

/// Runs started and schedules paused or resumed from the console.
#[derive(Debug, Default)]
pub struct Runs {
    started: Vec<Started>,
    /// Schedule name -> paused (true) or resumed (false).
    paused: HashMap<String, bool>,
    next_request: u64,
}

#[derive(Debug, Clone)]
struct Started {
    endpoint: usize,
    run: RunNow,
    created: Epoch,
}

impl Started {
    fn status(&self, world: &World, now: Epoch) -> ExecutionStatus {
        let age = now - self.created;
        if age < RUN_PENDING_SECS {
            ExecutionStatus::Pending
        } else if age < RUN_SECS {
            ExecutionStatus::InProgress
        } else if !violates(world, self.endpoint, kind_of(&self.run), self.hour()) {
            ExecutionStatus::Completed
        } else {
            ExecutionStatus::CompletedWithViolations
        }
    }

    /// The hour whose data it analysed (and whose quality point it publishes).
    fn hour(&self) -> Epoch {
        self.created.div_euclid(HOUR) * HOUR
    }

    fn execution(&self, world: &World, now: Epoch) -> Execution {
        let status = self.status(world, now);
        Execution {
            account_id: self.run.account_id.clone(),
            schedule: self.run.name.clone(),
            scheduled_time: self.created,
            created: Some(self.created),
            modified: Some(if status.is_finished() {
                self.created + RUN_SECS
            } else {
                now
            }),
            status,
            failure_reason: None,
            processing_job_arn: Some(job_arn(&self.run.account_id, &self.run.name, self.created)),
            monitoring_type: Some(self.run.monitoring_type.clone()),
        }
    }
}

fn kind_of(run: &RunNow) -> Kind {
    Kind::parse(&run.monitoring_type).unwrap_or(Kind::ModelQuality)
}

impl Runs {
    pub fn apply(
        &mut self,
        world: &World,
        request: &MonitorWrite,
        now: Epoch,
    ) -> Result<WriteReceipt, SourceError> {
        let call = format!("{} {}", request.operation(), request.account_id());
        let other = |detail: String| refused(call.clone(), detail);
        request.validate().map_err(&other)?;
        let account = request.account_id();
        let owner = |schedule: &str| {
            world_schedule(world, account, schedule).ok_or_else(|| {
                other(format!(
                    "ResourceNotFound: no monitoring schedule {schedule} in account {account}"
                ))
            })
        };
        match request {
            MonitorWrite::RunNow(run) => {
                let from = owner(&run.from_schedule)?;
                if from.job_definition.as_deref() != Some(run.job_definition.as_str()) {
                    return Err(other(format!(
                        "ResourceNotFound: no job definition {}",
                        run.job_definition
                    )));
                }
                if self.started.iter().any(|s| s.run.name == run.name) {
                    return Err(other(format!(
                        "ResourceInUse: monitoring schedule {} already exists",
                        run.name
                    )));
                }
                self.started.push(Started {
                    endpoint: from.endpoint,
                    run: (**run).clone(),
                    created: now,
                });
            }
            MonitorWrite::Pause { schedule, .. } | MonitorWrite::Resume { schedule, .. } => {
                owner(schedule)?;
                self.paused.insert(
                    schedule.clone(),
                    matches!(request, MonitorWrite::Pause { .. }),
                );
            }
        }
        self.next_request += 1;
        Ok(WriteReceipt {
            request_id: Some(format!("demo-sm-{:04}", self.next_request)),
        })
    }

    fn paused(&self, s: &Sched) -> bool {
        self.paused
            .get(&s.name)
            .copied()
            .unwrap_or_else(|| paused_in_world(s))
    }

    /// The newest hour of endpoint `i` whose quality point a finished console run has
    /// published ahead of the hourly run.
    pub fn published_hour(&self, world: &World, i: usize, now: Epoch) -> Option<Epoch> {
        self.started
            .iter()
            .filter(|s| s.endpoint == i && kind_of(&s.run) == Kind::ModelQuality)
            .filter(|s| s.status(world, now).is_completed())
            .map(Started::hour)
            .max()
    }
}

fn job_arn(account: &str, schedule: &str, at: Epoch) -> String {
    format!(
        "arn:aws:sagemaker:{REGION}:{account}:processing-job/model-monitoring-{}-{:08x}",
        // Formatted in place: this names every run listed, thousands at scale.
        chrono::DateTime::from_timestamp(at, 0)
            .unwrap_or_default()
            .format("%Y%m%d%H%M"),
        hash_str(schedule) as u32
    )
}

fn quality_ref(i: usize, metric: MetricId) -> SeriesRef {
    SeriesRef {
        endpoint: i,
        metric,
        variant: 0,
    }
}

/// The baseline threshold of each model-quality metric: accuracy's is the alarms' 0.85;
/// the others sit 0.10 under the value the endpoint had three days before the story.
fn mq_threshold(world: &World, i: usize, metric: MetricId) -> f64 {
    if metric == MetricId::Accuracy {
        return ACCURACY_THRESHOLD;
    }
    let t = (world.start - 3 * DAY).div_euclid(HOUR) * HOUR;
    let v = signal::value(world, &quality_ref(i, metric), t).unwrap_or(0.9);
    ((v - 0.10) * 100.0).round() / 100.0
}

fn metric_name(m: MetricId) -> &'static str {
    crate::source::metrics::spec(m).name
}

/// What a run of `kind` over hour `hour` found: its checks that failed.
fn violations_at(world: &World, i: usize, kind: Kind, hour: Epoch) -> Vec<Check> {
    let mut checks = checks_at(world, i, kind, hour);
    checks.retain(|c| c.violated);
    checks
}

/// The report as Model Monitor writes it.
fn violations_json(found: &[Check], kind: Kind) -> String {
    let list: Vec<serde_json::Value> = found
        .iter()
        .map(|c| (&c.subject, &c.check, c.observed, c.threshold))
        .map(|(subject, check, observed, threshold)| match kind {
            Kind::DataQuality => json!({
                "feature_name": subject,
                "constraint_check_type": check,
                "description": format!(
                    "Baseline drift distance: {observed:.4} exceeds threshold: {threshold}"
                ),
            }),
            _ => json!({
                "metric_name": subject,
                "constraint_check_type": check,
                "description": format!(
                    "Metric {subject} with {observed:.4} +/- 0.0031 was {check} '{threshold}'"
                ),
            }),
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "violations": list })).unwrap_or_default()
}

fn constraints_json(world: &World, i: usize, kind: Kind) -> String {
    let v = match kind {
        Kind::ModelQuality => {
            let metrics: serde_json::Map<String, serde_json::Value> = MQ_QUALITY
                .iter()
                .map(|&m| {
                    (
                        metric_name(m).to_owned(),
                        json!({
                            "threshold": mq_threshold(world, i, m),
                            "comparison_operator": "LessThanThreshold",
                        }),
                    )
                })
                .collect();
            json!({ "version": 0.0, "binary_classification_constraints": metrics })
        }
        Kind::DataQuality => json!({
            "version": 0.0,
            "features": [
                { "name": DRIFTING_FEATURE, "inferred_type": "Fractional", "completeness": 1.0 },
                { "name": MISSING_FEATURE, "inferred_type": "String", "completeness": 1.0 },
                { "name": "account_age_days", "inferred_type": "Integral", "completeness": 0.98 },
            ],
            "monitoring_config": {
                "distribution_constraints": { "comparison_threshold": FEATURE_DRIFT_THRESHOLD }
            },
        }),
        Kind::ModelBias | Kind::ModelExplainability => json!({ "version": 0.0 }),
    };
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// Where the run of `schedule` scheduled at `at` writes its violations report.
fn report_uri(world: &World, i: usize, schedule: &str, at: Epoch) -> String {
    let e = &world.endpoints[i].endpoint;
    let when = super::utc(at * 1000, "%Y/%m/%d/%H");
    format!(
        "s3://sagemaker-{REGION}-{}/{}/{schedule}/{when}/constraint_violations.json",
        e.account_id, e.name
    )
}

impl Sched {
    fn period(&self) -> i64 {
        if self.hourly { HOUR } else { DAY }
    }

    /// Seconds after its slot at which a run ends (the model-quality point lands then).
    fn duration(&self, world: &World) -> i64 {
        match self.kind {
            Kind::ModelQuality => world.endpoints[self.endpoint].profile.monitor_offset,
            Kind::DataQuality => 15 * 60,
            Kind::ModelBias | Kind::ModelExplainability => 25 * 60,
        }
    }

    /// The slot's start: hourly on the hour, daily at 02:00.
    fn slot(&self, t: Epoch) -> Epoch {
        if self.hourly {
            t.div_euclid(HOUR) * HOUR
        } else {
            (t - 2 * HOUR).div_euclid(DAY) * DAY + 2 * HOUR
        }
    }

    fn cron(&self) -> &'static str {
        if self.hourly {
            "cron(0 * ? * * *)"
        } else {
            "cron(0 2 ? * * *)"
        }
    }

    /// The run of slot `slot` as seen at `now`; `None` before it started.
    fn execution(&self, world: &World, slot: Epoch, now: Epoch) -> Option<Execution> {
        let created = slot + START_DELAY;
        if created > now {
            return None;
        }
        let ends = slot + self.duration(world).max(START_DELAY + 30);
        let e = &world.endpoints[self.endpoint].endpoint;
        let fails =
            self.fails_every > 0 && (slot / self.period()).rem_euclid(self.fails_every) == 0;
        let (status, failure_reason) = if now < created + 30 {
            (ExecutionStatus::Pending, None)
        } else if now < ends {
            (ExecutionStatus::InProgress, None)
        } else if fails {
            (
                ExecutionStatus::Failed,
                Some(format!(
                    "ClientError: no captured data under s3://sagemaker-{REGION}-{}/{}/datacapture \
                     for this window: is data capture on?",
                    e.account_id, e.name
                )),
            )
        } else if violates(world, self.endpoint, self.kind, slot) {
            (ExecutionStatus::CompletedWithViolations, None)
        } else {
            (ExecutionStatus::Completed, None)
        };
        Some(Execution {
            account_id: e.account_id.clone(),
            schedule: self.name.clone(),
            scheduled_time: slot,
            created: Some(created),
            modified: Some(if status.is_finished() { ends } else { now }),
            status,
            failure_reason,
            processing_job_arn: Some(job_arn(&e.account_id, &self.name, slot)),
            monitoring_type: Some(self.kind.as_str().to_owned()),
        })
    }

    /// Its runs from `now` back over the history, newest first.
    fn executions<'a>(
        &'a self,
        world: &'a World,
        now: Epoch,
        paused_since: Option<Epoch>,
    ) -> impl Iterator<Item = Execution> + 'a {
        let newest = self.slot(paused_since.unwrap_or(now));
        let oldest = now - HISTORY;
        let p = self.period();
        (0..)
            .map(move |k| newest - k * p)
            .take_while(move |&s| s >= oldest)
            .filter_map(move |s| self.execution(world, s, now))
    }
}

impl DemoSource {
    pub(super) fn runs(&self) -> std::sync::MutexGuard<'_, Runs> {
        self.runs.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn endpoint_of(&self, key: &EndpointKey) -> Result<usize, SourceError> {
        self.world
            .endpoint_index(&key.account_id, &key.name)
            .ok_or_else(|| {
                refused(
                    format!("ListMonitoringSchedules {}", key.account_id),
                    format!("no endpoint {} in account {}", key.name, key.account_id),
                )
            })
    }

    /// Every run of endpoint `i` (or of one schedule), newest first.
    fn all_executions(&self, i: usize, schedule: Option<&str>, now: Epoch) -> Vec<Execution> {
        let runs = self.runs();
        let mut out: Vec<Execution> = Vec::new();
        for s in world_schedules(&self.world, i) {
            if schedule.is_some_and(|n| n != s.name) {
                continue;
            }
            // A paused schedule started no run since it was paused (the demo does not
            // know when; its runs stop at the console's start).
            let since = runs.paused(&s).then_some(self.world.start.min(now));
            out.extend(s.executions(&self.world, now, since));
        }
        out.extend(
            runs.started
                .iter()
                .filter(|r| r.endpoint == i && schedule.is_none_or(|n| n == r.run.name))
                .map(|r| r.execution(&self.world, now)),
        );
        out.sort_by_key(|e| std::cmp::Reverse(e.scheduled_time));
        out
    }

    pub(super) fn schedules(&self, key: &EndpointKey, now: Epoch) -> Vec<MonitoringSchedule> {
        let Ok(i) = self.endpoint_of(key) else {
            return Vec::new();
        };
        // A schedule as listed; a run started in the console is a one-time one (`NOW`).
        let schedule = |name: &str, kind: &str, last: Option<Execution>| MonitoringSchedule {
            account_id: key.account_id.clone(),
            name: name.to_owned(),
            endpoint: key.name.clone(),
            monitoring_type: kind.to_owned(),
            status: ScheduleStatus::Scheduled,
            last_execution: last.map(|x| MonitoringExecution {
                scheduled_time: x.scheduled_time,
                status: x.status,
                failure_reason: x.failure_reason,
            }),
            schedule_expression: Some("NOW".into()),
            job_definition: None,
            failure_reason: None,
        };
        let runs = self.runs();
        let mut out: Vec<MonitoringSchedule> = world_schedules(&self.world, i)
            .into_iter()
            .map(|s| {
                let paused = runs.paused(&s);
                let since = paused.then_some(self.world.start.min(now));
                let last = s.executions(&self.world, now, since).next();
                MonitoringSchedule {
                    status: if paused {
                        ScheduleStatus::Stopped
                    } else {
                        ScheduleStatus::Scheduled
                    },
                    schedule_expression: Some(s.cron().to_owned()),
                    job_definition: s.job_definition.clone(),
                    ..schedule(&s.name, s.kind.as_str(), last)
                }
            })
            .collect();
        out.extend(runs.started.iter().filter(|r| r.endpoint == i).map(|r| {
            let last = r.execution(&self.world, now);
            MonitoringSchedule {
                job_definition: Some(r.run.job_definition.clone()),
                ..schedule(&r.run.name, &r.run.monitoring_type, Some(last))
            }
        }));
        out
    }

    /// The kind and slot of a run, from its schedule (a console run analyses its hour).
    fn run_of(&self, x: &Execution) -> Option<(usize, Kind, Epoch)> {
        if let Some(s) = world_schedule(&self.world, &x.account_id, &x.schedule) {
            return Some((s.endpoint, s.kind, x.scheduled_time));
        }
        let runs = self.runs();
        let r = runs
            .started
            .iter()
            .find(|r| r.run.name == x.schedule && r.run.account_id == x.account_id)?;
        Some((r.endpoint, kind_of(&r.run), r.hour()))
    }
}

#[async_trait]
impl MonitorSource for DemoSource {
    async fn executions(
        &self,
        endpoint: &EndpointKey,
        schedule: Option<&str>,
        page: Option<&str>,
    ) -> Result<ExecutionPage, SourceError> {
        let i = self.endpoint_of(endpoint)?;
        let from: usize = match page {
            None => 0,
            Some(t) => t.parse().map_err(|_| {
                refused(
                    format!("ListMonitoringExecutions {}", endpoint.account_id),
                    format!("ValidationException: invalid NextToken {t:?}"),
                )
            })?,
        };
        let all = self.all_executions(i, schedule, self.clock.now());
        let executions: Vec<Execution> = all.iter().skip(from).take(PAGE).cloned().collect();
        let next = (from + PAGE < all.len()).then(|| (from + PAGE).to_string());
        Ok(ExecutionPage { executions, next })
    }

    async fn violations(&self, execution: &Execution) -> Result<ViolationReport, SourceError> {
        let call = format!("GetObject {}", execution.account_id);
        let Some((i, kind, slot)) = self.run_of(execution) else {
            return Err(refused(
                call,
                format!("no monitoring schedule {}", execution.schedule),
            ));
        };
        // Read the run as it is now, not as the caller last saw it.
        let now = self.clock.now();
        let current = self
            .all_executions(i, Some(&execution.schedule), now)
            .into_iter()
            .find(|x| x.scheduled_time == execution.scheduled_time);
        let status = current.map(|x| x.status);
        if !status.is_some_and(ExecutionStatus::is_completed) {
            return Err(refused(
                call,
                format!(
                    "no report: the run is {} (a report exists once it completes)",
                    status.map_or("unknown", ExecutionStatus::as_str)
                ),
            ));
        }
        let uri = report_uri(
            &self.world,
            i,
            &execution.schedule,
            execution.scheduled_time,
        );
        let text = violations_json(&violations_at(&self.world, i, kind, slot), kind);
        report::violations_from_bytes(&uri, text.as_bytes(), text.len() as u64)
            .map_err(|e| refused(call, e.to_string()))
    }

    async fn baseline(
        &self,
        schedule: &MonitoringSchedule,
    ) -> Result<Option<Baseline>, SourceError> {
        let Some(job) = &schedule.job_definition else {
            return Ok(None);
        };
        let Some(i) = self
            .world
            .endpoint_index(&schedule.account_id, &schedule.endpoint)
        else {
            return Ok(None);
        };
        let Some(kind) = Kind::parse(&schedule.monitoring_type) else {
            return Ok(None);
        };
        let uri = baseline_uri(&self.world, i, Some(job));
        let text = constraints_json(&self.world, i, kind);
        report::baseline_from_bytes(&uri, text.as_bytes(), text.len() as u64)
            .map(Some)
            .map_err(|e| refused(format!("GetObject {}", schedule.account_id), e.to_string()))
    }

    async fn schedule(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<MonitoringSchedule>, SourceError> {
        let endpoint = {
            let runs = self.runs();
            let started = runs
                .started
                .iter()
                .find(|r| r.run.account_id == account_id && r.run.name == name)
                .map(|r| r.endpoint);
            started.or_else(|| world_schedule(&self.world, account_id, name).map(|s| s.endpoint))
        };
        let Some(i) = endpoint else {
            return Ok(None);
        };
        let key = self.world.endpoints[i].endpoint.key();
        Ok(self
            .schedules(&key, self.clock.now())
            .into_iter()
            .find(|s| s.name == name))
    }

    async fn alerts(
        &self,
        account_id: &str,
        schedule: &str,
    ) -> Result<Vec<MonitoringAlert>, SourceError> {
        let Some(s) = world_schedule(&self.world, account_id, schedule) else {
            return Ok(Vec::new());
        };
        if s.kind != Kind::ModelQuality {
            return Ok(Vec::new());
        }
        let now = self.clock.now();
        // One alert on accuracy: InAlert while the last completed run broke it.
        let broke = |slot: Epoch| {
            violations_at(&self.world, s.endpoint, s.kind, slot)
                .iter()
                .any(|v| v.subject == "accuracy")
        };
        let completed: Vec<Epoch> = s
            .executions(&self.world, now, None)
            .filter(|x| x.status.is_completed())
            .take(48)
            .map(|x| x.scheduled_time)
            .collect();
        let mut history = Vec::new();
        for pair in completed.windows(2) {
            if broke(pair[0]) != broke(pair[1]) {
                let status = if broke(pair[0]) {
                    AlertStatus::InAlert
                } else {
                    AlertStatus::Ok
                };
                history.push((pair[0] + s.duration(&self.world), status));
            }
        }
        let status = match completed.first() {
            Some(&t) if broke(t) => AlertStatus::InAlert,
            _ => AlertStatus::Ok,
        };
        Ok(vec![MonitoringAlert {
            schedule: s.name.clone(),
            name: "accuracy".into(),
            status,
            datapoints_to_alert: 1,
            evaluation_period: 1,
            modified: history.first().map(|h| h.0),
            history,
        }])
    }

    async fn fleet_runs(&self) -> Result<Vec<ScheduleRun>, SourceError> {
        let now = self.clock.now();
        let mut out = Vec::new();
        for i in 0..self.world.endpoints.len() {
            let key = self.world.endpoints[i].endpoint.key();
            // One-time runs are not schedules of the endpoint's own.
            for s in self
                .schedules(&key, now)
                .into_iter()
                .filter(|s| s.schedule_expression.as_deref() != Some("NOW"))
            {
                let last = self
                    .all_executions(i, Some(&s.name), now)
                    .into_iter()
                    .find(|x| x.status.is_completed());
                let mut last_run = None;
                if let Some(x) = last {
                    let violations = self.violations(&x).await.ok().map(|r| r.violations.len());
                    last_run = Some(LastRun {
                        status: x.status,
                        scheduled_at: x.scheduled_time,
                        violations,
                    });
                }
                out.push(ScheduleRun {
                    account_id: key.account_id.clone(),
                    endpoint: key.name.clone(),
                    schedule: s.name,
                    monitoring_type: s.monitoring_type,
                    status: s.status,
                    last_run,
                });
            }
        }
        Ok(out)
    }
}

/// One check a run made, as its log tells it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Check {
    pub subject: String,
    pub check: String,
    pub observed: f64,
    pub threshold: f64,
    pub violated: bool,
}

/// A monitoring run as its processing job's log tells it (`demo/logs.rs`): the same job
/// name and outcome as its execution, and the checks behind its violations report.
#[derive(Debug, Clone)]
pub(super) struct JobRun {
    /// The processing job's name, as in the execution's `processing_job_arn`.
    pub job: String,
    pub endpoint: usize,
    pub schedule: String,
    pub monitoring_type: &'static str,
    pub job_definition: Option<String>,
    /// The processing job's creation (its stream is `<job>/algo-1-<created>`).
    pub created: Epoch,
    /// When it starts analysing (InProgress) and when it ends, outcome known.
    pub began: Epoch,
    pub ends: Epoch,
    /// The data it analyses: `[window, window + period)`.
    pub window: Epoch,
    pub period: i64,
    pub outcome: ExecutionStatus,
    pub failure_reason: Option<String>,
    pub checks: Vec<Check>,
    pub baseline_uri: String,
    pub report_uri: String,
}

/// Whether a run of `kind` over hour `hour` finds a violation: its status, decided for every
/// run listed (thousands at scale) without building the checks' report.
fn violates(world: &World, i: usize, kind: Kind, hour: Epoch) -> bool {
    match kind {
        Kind::ModelQuality => MQ_QUALITY.iter().any(|&m| {
            signal::value(world, &quality_ref(i, m), hour)
                .is_some_and(|observed| observed < mq_threshold(world, i, m))
        }),
        Kind::DataQuality => drift_observed(world, i, hour) > FEATURE_DRIFT_THRESHOLD,
        Kind::ModelBias | Kind::ModelExplainability => false,
    }
}

/// The drift distance a data-quality run over `hour` observes on the drifting feature.
fn drift_observed(world: &World, i: usize, hour: Epoch) -> f64 {
    match world.endpoints[i].profile.incident {
        // The new model came with a new client: its inputs drift from the baseline; before
        // it, a small distance drawn from the hour.
        Some(inc) if hour >= inc.update_at.div_euclid(HOUR) * HOUR => {
            feature_drift(inc.update_at, hour)
        }
        _ => {
            let h = super::rng::mix(hash_str(&world.endpoints[i].endpoint.name), hour as u64);
            super::rng::range(h, 0.02, 0.06)
        }
    }
}

/// Every check a run of `kind` over hour `hour` makes: those that fail are its report's
/// violations, and its log names them all, so the log and the report agree.
fn checks_at(world: &World, i: usize, kind: Kind, hour: Epoch) -> Vec<Check> {
    let drift = |observed: f64| Check {
        subject: DRIFTING_FEATURE.into(),
        check: "baseline_drift_check".into(),
        observed,
        threshold: FEATURE_DRIFT_THRESHOLD,
        violated: observed > FEATURE_DRIFT_THRESHOLD,
    };
    match kind {
        Kind::ModelQuality => MQ_QUALITY
            .iter()
            .filter_map(|&m| {
                let observed = signal::value(world, &quality_ref(i, m), hour)?;
                let threshold = mq_threshold(world, i, m);
                Some(Check {
                    subject: metric_name(m).to_owned(),
                    check: "LessThanThreshold".into(),
                    observed,
                    threshold,
                    violated: observed < threshold,
                })
            })
            .collect(),
        Kind::DataQuality => vec![drift(drift_observed(world, i, hour))],
        Kind::ModelBias | Kind::ModelExplainability => Vec::new(),
    }
}

fn job_name_of(account: &str, schedule: &str, at: Epoch) -> String {
    let arn = job_arn(account, schedule, at);
    arn.rsplit('/').next().unwrap_or_default().to_owned()
}

/// What a run's job analyses: its kind and definition, how long after its creation it
/// begins, the data window, and the hour whose checks it makes.
struct Analysis {
    kind: Kind,
    job_definition: Option<String>,
    provisioning: i64,
    window: Epoch,
    period: i64,
    checked: Epoch,
}

/// The job of run `x` (seen finished) of endpoint `i`.
fn job_run(world: &World, i: usize, x: Execution, a: Analysis) -> JobRun {
    let created = x.created.unwrap_or(x.scheduled_time);
    JobRun {
        job: job_name_of(&x.account_id, &x.schedule, x.scheduled_time),
        endpoint: i,
        monitoring_type: a.kind.as_str(),
        baseline_uri: baseline_uri(world, i, a.job_definition.as_deref()),
        job_definition: a.job_definition,
        created,
        began: created + a.provisioning,
        ends: x.modified.unwrap_or(x.scheduled_time),
        window: a.window,
        period: a.period,
        checks: if x.status.is_completed() {
            checks_at(world, i, a.kind, a.checked)
        } else {
            Vec::new()
        },
        report_uri: report_uri(world, i, &x.schedule, x.scheduled_time),
        outcome: x.status,
        failure_reason: x.failure_reason,
        schedule: x.schedule,
    }
}

/// The runs of `account`'s endpoints whose job logged something in `[from, to]` and that
/// had started by `now` (scheduled over the listed history, and those started in the
/// console), with their final outcome (a log line is shown only once its time has come).
pub(super) fn job_runs(
    world: &World,
    runs: &Runs,
    account: &str,
    from: Epoch,
    to: Epoch,
    now: Epoch,
) -> Vec<JobRun> {
    let mut out = Vec::new();
    let oldest = now - HISTORY;
    let ours = |i: &usize| world.endpoints[*i].endpoint.account_id == account;
    for i in (0..world.endpoints.len()).filter(ours) {
        for s in world_schedules(world, i) {
            let since = runs.paused(&s).then_some(world.start.min(now));
            let p = s.period();
            let mut slot = s.slot(to.min(since.unwrap_or(now)));
            while slot >= oldest {
                let Some(x) = s.execution(world, slot, Epoch::MAX / 4) else {
                    break;
                };
                if x.modified.unwrap_or(slot) < from {
                    break;
                }
                if x.created.unwrap_or(slot) <= now.min(to) {
                    let a = Analysis {
                        kind: s.kind,
                        job_definition: s.job_definition.clone(),
                        provisioning: 30,
                        window: slot - p,
                        period: p,
                        checked: slot,
                    };
                    out.push(job_run(world, i, x, a));
                }
                slot -= p;
            }
        }
        for r in runs.started.iter().filter(|r| r.endpoint == i) {
            if r.created > now.min(to) || r.created + RUN_SECS < from {
                continue;
            }
            let a = Analysis {
                kind: kind_of(&r.run),
                job_definition: Some(r.run.job_definition.clone()),
                provisioning: RUN_PENDING_SECS,
                window: r.hour(),
                period: HOUR,
                checked: r.hour(),
            };
            out.push(job_run(world, i, r.execution(world, Epoch::MAX / 4), a));
        }
    }
    out
}

fn baseline_uri(world: &World, i: usize, job: Option<&str>) -> String {
    let e = &world.endpoints[i].endpoint;
    format!(
        "s3://sagemaker-{REGION}-{}/{}/baselines/{}/constraints.json",
        e.account_id,
        e.name,
        job.unwrap_or("inline")
    )
}
