//! The demo organisation's Model Monitor: model-quality and data-quality schedules, hourly
//! runs with two weeks of history, their reports and baselines (built as the S3 parser
//! reads them), alerts, and runs started from the console that go Pending -> InProgress ->
//! outcome within seconds and publish the hour's quality point.
//!
//! Like the series, every run is a pure function of (world, schedule, time); only what the
//! console changed (runs started, schedules paused) is held.

use super::rng::{hash_str, mix, range};
use super::signal;
use super::story::{DRIFTING_FEATURE, FEATURE_DRIFT_THRESHOLD, feature_drift};
use super::world::{ACCURACY_THRESHOLD, REGION, SeriesRef, World, sagemaker_arn};
use super::{DAY, DemoSource, HOUR, MINUTE, refused, utc};
use crate::source::SourceError;
use crate::source::metrics::{METRICS, MetricId, MetricSpec, NS_MODEL_QUALITY};
use crate::source::model::*;
use crate::source::monitor::report::{self, Baseline, Constraint, Violation, ViolationReport};
use crate::source::monitor::write::run_now_name;
use crate::source::monitor::{
    AlertStatus, Execution, ExecutionPage, LastRun, Leftover, MonitorSource, MonitorWrite,
    MonitoringAlert, ScheduleRun,
};
use crate::source::write::WriteReceipt;
use async_trait::async_trait;
use std::collections::{HashMap, HashSet};

/// How far back runs are listed: two weeks, as SageMaker keeps them.
const HISTORY: i64 = 14 * DAY;
const PAGE: usize = 25;
/// A run started from the console: Pending, then InProgress, then its outcome.
const RUN_PENDING_SECS: i64 = 2;
const RUN_SECS: i64 = 6;
/// Hourly runs start a minute past the hour.
const START_DELAY: i64 = 60;
/// The metrics a model-quality run checks: the catalogue's quality metrics.
fn mq_metrics() -> impl Iterator<Item = &'static MetricSpec> {
    METRICS.iter().filter(|m| m.namespace == NS_MODEL_QUALITY)
}
/// The `MonitoringType`s the demo schedules (AWS has bias and explainability too).
const MODEL_QUALITY: &str = "ModelQuality";

/// One hourly schedule: the world's, or a one-time run started from the console.
#[derive(Debug, Clone)]
struct Sched {
    endpoint: usize,
    name: String,
    /// Its `MonitoringType`.
    kind: &'static str,
    /// A one-time `NOW` schedule: when its one run was started from the console.
    once: Option<Epoch>,
    /// `None`: the older inline job definition, which cannot be run now.
    job_definition: Option<String>,
}

/// The data-quality schedule whose every seventh run fails (no captured data); a run now of
/// it does not.
const FAILING: &str = "recommender-v2-data-quality";

/// The world's schedules of endpoint `i`: model quality on every endpoint with data; data
/// quality on a few (one drifting, one paused, one failing now and then, one in the older
/// inline form).
fn world_schedules(world: &World, i: usize) -> Vec<Sched> {
    let e = &world.endpoints[i];
    // Quality from a custom source (`Endpoint::quality`): no Model Monitor schedule at all.
    if !e.profile.has_data || e.endpoint.quality.is_some() {
        return Vec::new();
    }
    let name = e.endpoint.name.as_str();
    let sched = |kind, suffix: &str| Sched {
        endpoint: i,
        name: format!("{name}-{suffix}"),
        kind,
        once: None,
        job_definition: Some(format!("{name}-{suffix}-job")),
    };
    let data_quality = sched("DataQuality", "data-quality");
    let mut out = vec![sched(MODEL_QUALITY, "model-quality")];
    match name {
        "fraud-detector" | "churn-predictor-stg" | "recommender-v2" => out.push(data_quality),
        "ltv-scorer" => out.push(Sched {
            job_definition: None,
            ..data_quality
        }),
        _ => {}
    }
    out
}

/// The one-time schedule an earlier session's run now left behind in staging a day before
/// the story (its run long ended): what `monitor cleanup` finds.
fn left_behind(world: &World) -> Option<Sched> {
    let at = world.start - 26 * HOUR;
    let staging = world.accounts.iter().find(|a| a.label == "staging")?;
    let i = world.endpoint_index(&staging.id, "churn-predictor-stg")?;
    let from = world_schedules(world, i).into_iter().next()?;
    Some(Sched {
        name: run_now_name(&from.name, at),
        once: Some(at),
        ..from
    })
}

impl Sched {
    /// The slot holding `t`: hourly on the hour, a one-time run's own.
    fn slot(&self, t: Epoch) -> Epoch {
        self.once.unwrap_or(t.div_euclid(HOUR) * HOUR)
    }

    /// When the run of slot `slot` ends, outcome known.
    fn ends(&self, world: &World, slot: Epoch) -> Epoch {
        // Seconds after its slot (the model-quality point lands then).
        let offset = world.endpoints[self.endpoint].profile.monitor_offset;
        match (self.once, self.kind) {
            (Some(at), _) => at + RUN_SECS,
            (None, MODEL_QUALITY) => slot + offset.max(START_DELAY + 30),
            (None, _) => slot + 15 * MINUTE,
        }
    }

    /// The run of slot `slot`, with its final outcome: a scheduled one analyses the hour
    /// before it (and checks the hour of its slot); one started from the console, its hour.
    fn run(&self, world: &World, slot: Epoch) -> JobRun {
        let (i, start) = (self.endpoint, slot + START_DELAY);
        let (created, began, window, checked) = match self.once {
            Some(at) => {
                let hour = at.div_euclid(HOUR) * HOUR;
                (at, at + RUN_PENDING_SECS, hour, hour)
            }
            None => (start, start + 30, slot - HOUR, slot),
        };
        let (outcome, failure_reason, checks) =
            if self.name == FAILING && (slot / HOUR).rem_euclid(7) == 0 {
                let reason = format!(
                    "ClientError: no captured data under {}/datacapture for this window: is \
                     data capture on?",
                    folder(world, i)
                );
                (ExecutionStatus::Failed, Some(reason), Vec::new())
            } else {
                let checks = checks_at(world, i, self.kind, checked);
                let outcome = match checks.iter().any(|c| c.violated) {
                    true => ExecutionStatus::CompletedWithViolations,
                    false => ExecutionStatus::Completed,
                };
                (outcome, None, checks)
            };
        JobRun {
            job: job_name(&self.name, slot),
            endpoint: i,
            schedule: self.name.clone(),
            monitoring_type: self.kind,
            job_definition: self.job_definition.clone(),
            scheduled: slot,
            created,
            began,
            ends: self.ends(world, slot),
            window,
            outcome,
            failure_reason,
            checks,
            baseline_uri: baseline_uri(world, i, self.job_definition.as_deref()),
            report_uri: report_uri(world, i, &self.name, slot),
        }
    }
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
    /// The execution's scheduled time (a run started from the console: its creation).
    pub scheduled: Epoch,
    /// The processing job's creation (its stream is `<job>/algo-1-<created>`).
    pub created: Epoch,
    /// When it starts analysing (InProgress) and when it ends, outcome known.
    pub began: Epoch,
    pub ends: Epoch,
    /// The hour of data it analyses: `[window, window + HOUR)`.
    pub window: Epoch,
    pub outcome: ExecutionStatus,
    pub failure_reason: Option<String>,
    pub checks: Vec<Check>,
    pub baseline_uri: String,
    pub report_uri: String,
}

impl JobRun {
    /// Its status at `now`: Pending, then InProgress, then its outcome.
    fn status(&self, now: Epoch) -> ExecutionStatus {
        match now {
            _ if now < self.began => ExecutionStatus::Pending,
            _ if now < self.ends => ExecutionStatus::InProgress,
            _ => self.outcome,
        }
    }

    /// Its execution as listed at `now`.
    fn execution(&self, world: &World, now: Epoch) -> Execution {
        let status = self.status(now);
        let account = &world.endpoints[self.endpoint].endpoint.account_id;
        Execution {
            account_id: account.clone(),
            schedule: self.schedule.clone(),
            scheduled_time: self.scheduled,
            created: Some(self.created),
            modified: Some(if status.is_finished() { self.ends } else { now }),
            status,
            failure_reason: self.failure_reason.clone().filter(|_| status.is_finished()),
            processing_job_arn: Some(sagemaker_arn(account, "processing-job", &self.job)),
            region: world.endpoints[self.endpoint].endpoint.region.clone(),
            monitoring_type: Some(self.monitoring_type.to_owned()),
        }
    }
}

/// Runs started and schedules paused, resumed or deleted from the console.
#[derive(Debug, Default)]
pub struct Runs {
    /// One-time schedules, one per run started.
    started: Vec<Sched>,
    /// Schedule name -> paused (true) or resumed (false).
    paused: HashMap<String, bool>,
    /// One-time schedules deleted: no longer listed, their runs still are (SageMaker keeps
    /// a deleted schedule's execution history).
    deleted: HashSet<String>,
    next_request: u64,
}

impl Runs {
    pub fn apply(
        &mut self,
        world: &World,
        request: &MonitorWrite,
        now: Epoch,
    ) -> Result<WriteReceipt, SourceError> {
        let account = request.account_id();
        let other = |detail: String| refused(format!("{} {account}", request.operation()), detail);
        request.validate().map_err(&other)?;
        let missing = |what: String| other(format!("ResourceNotFound: no {what}"));
        // A run now is made from a schedule of the world's, and only those are paused or
        // resumed; only one-time ones are deleted (`validate`), and only once.
        let name = match request {
            MonitorWrite::RunNow(run) => &run.from_schedule,
            _ => request.schedule(),
        };
        let delete = matches!(request, MonitorWrite::Delete { .. });
        let found = (self.find(world, account, name))
            .filter(|s| (s.once.is_none() || delete) && !self.deleted.contains(&s.name));
        let s = found
            .ok_or_else(|| missing(format!("monitoring schedule {name} in account {account}")))?;
        match request {
            MonitorWrite::RunNow(run) => {
                if s.job_definition.as_deref() != Some(run.job_definition.as_str()) {
                    return Err(missing(format!("job definition {}", run.job_definition)));
                }
                if self.started.iter().any(|s| s.name == run.name) {
                    let name = &run.name;
                    return Err(other(format!(
                        "ResourceInUse: monitoring schedule {name} already exists"
                    )));
                }
                self.started.push(Sched {
                    name: run.name.clone(),
                    once: Some(now),
                    ..s
                });
            }
            MonitorWrite::Delete { .. } => _ = self.deleted.insert(s.name),
            MonitorWrite::Pause { .. } | MonitorWrite::Resume { .. } => {
                self.paused
                    .insert(s.name, matches!(request, MonitorWrite::Pause { .. }));
            }
        }
        self.next_request += 1;
        Ok(WriteReceipt {
            request_id: Some(format!("demo-sm-{:04}", self.next_request)),
        })
    }

    /// Stopped when paused from the console, or in the world itself (before the console
    /// started).
    fn status(&self, s: &Sched) -> ScheduleStatus {
        let in_world = s.name == "churn-predictor-stg-data-quality";
        match s.once.is_none() && self.paused.get(&s.name).copied().unwrap_or(in_world) {
            true => ScheduleStatus::Stopped,
            false => ScheduleStatus::Scheduled,
        }
    }

    /// The slots of `s`'s runs listed at `now`, newest first, from `to`'s back two weeks; a
    /// paused schedule's stop at the console's start (the demo does not know when it was
    /// paused).
    fn slots(
        &self,
        world: &World,
        s: &Sched,
        to: Epoch,
        now: Epoch,
    ) -> impl Iterator<Item = Epoch> + use<> {
        let until = match self.status(s) {
            ScheduleStatus::Stopped => now.min(world.start),
            _ => now,
        };
        let newest = s.slot(to.min(until));
        let count = match s.once {
            Some(_) => 1,
            None => (newest - (now - HISTORY)).div_euclid(HOUR) + 1,
        };
        (0..count.max(0)).map(move |k| newest - k * HOUR)
    }

    /// The runs of `s` created by `now` in those slots.
    fn runs<'a>(
        &self,
        world: &'a World,
        s: &'a Sched,
        to: Epoch,
        now: Epoch,
    ) -> impl Iterator<Item = JobRun> + 'a {
        (self.slots(world, s, to, now))
            .map(move |slot| s.run(world, slot))
            .filter(move |r| r.created <= now)
    }

    /// The one-time schedules: the one left behind, then the runs started from the console;
    /// deleted ones too (their runs are still listed).
    fn one_time(&self, world: &World) -> impl Iterator<Item = Sched> {
        left_behind(world)
            .into_iter()
            .chain(self.started.iter().cloned())
    }

    /// The schedules of endpoint `i` whose runs are listed: the world's, then the one-time
    /// ones (deleted or not).
    fn schedules(&self, world: &World, i: usize) -> Vec<Sched> {
        let one_time = self.one_time(world).filter(|s| s.endpoint == i);
        world_schedules(world, i)
            .into_iter()
            .chain(one_time)
            .collect()
    }

    /// Schedule `name` of `account`: the world's, or a one-time one (deleted or not).
    fn find(&self, world: &World, account: &str, name: &str) -> Option<Sched> {
        (0..world.endpoints.len())
            .filter(|&i| world.endpoints[i].endpoint.account_id == account)
            .flat_map(|i| self.schedules(world, i))
            .find(|s| s.name == name)
    }

    /// Schedule `s` as SageMaker describes it at `now`, with its last run; `None` once deleted.
    fn described(&self, world: &World, s: Sched, now: Epoch) -> Option<MonitoringSchedule> {
        if self.deleted.contains(&s.name) {
            return None;
        }
        let last = self.runs(world, &s, now, now).next();
        let last = last.map(|r| r.execution(world, now));
        let e = &world.endpoints[s.endpoint].endpoint;
        Some(MonitoringSchedule {
            account_id: e.account_id.clone(),
            endpoint: e.name.clone(),
            monitoring_type: s.kind.to_owned(),
            status: self.status(&s),
            last_execution: last.map(|x| MonitoringExecution {
                scheduled_time: x.scheduled_time,
                status: x.status,
                failure_reason: x.failure_reason,
            }),
            schedule_expression: Some(s.once.map_or("cron(0 * ? * * *)", |_| "NOW").into()),
            failure_reason: None,
            job_definition: s.job_definition,
            name: s.name,
            region: e.region.clone(),
        })
    }

    /// The one-time schedules not deleted, with their runs' state at `now`.
    pub fn leftovers(&self, world: &World, now: Epoch) -> Vec<Leftover> {
        let live = (self.one_time(world)).filter(|s| !self.deleted.contains(&s.name));
        live.map(|s| {
            let run = self.runs(world, &s, now, now).next().map(|r| r.status(now));
            let e = &world.endpoints[s.endpoint].endpoint;
            Leftover {
                account_id: e.account_id.clone(),
                endpoint: e.name.clone(),
                created: Some(s.slot(now)),
                ended: run.is_some_and(ExecutionStatus::is_finished),
                run,
                schedule: s.name,
                region: e.region.clone(),
            }
        })
        .collect()
    }

    /// The newest hour of endpoint `i` whose quality point a finished console run has
    /// published ahead of the hourly run (the hour it analysed).
    pub fn published_hour(&self, world: &World, i: usize, now: Epoch) -> Option<Epoch> {
        let ours = (self.started.iter()).filter(|s| s.endpoint == i && s.kind == MODEL_QUALITY);
        let runs = ours.map(|s| s.run(world, s.slot(now)));
        let done = runs.filter(|r| r.status(now).is_completed());
        done.map(|r| r.window).max()
    }
}

/// The processing job of the run of `schedule` scheduled at `at`.
fn job_name(schedule: &str, at: Epoch) -> String {
    // Formatted in place: this names every run listed, thousands at scale.
    let when = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
    let (minute, digest) = (when.format("%Y%m%d%H%M"), hash_str(schedule) as u32);
    format!("model-monitoring-{minute}-{digest:08x}")
}

/// Endpoint `i`'s folder in its account's SageMaker bucket.
fn folder(world: &World, i: usize) -> String {
    let e = &world.endpoints[i].endpoint;
    format!("s3://sagemaker-{REGION}-{}/{}", e.account_id, e.name)
}

/// Where the run of `schedule` scheduled at `at` writes its violations report.
fn report_uri(world: &World, i: usize, schedule: &str, at: Epoch) -> String {
    let hour = utc(at * 1000, "%Y/%m/%d/%H");
    format!(
        "{}/{schedule}/{hour}/constraint_violations.json",
        folder(world, i)
    )
}

fn baseline_uri(world: &World, i: usize, job: Option<&str>) -> String {
    let job = job.unwrap_or("inline");
    format!("{}/baselines/{job}/constraints.json", folder(world, i))
}

impl DemoSource {
    pub(super) fn runs(&self) -> std::sync::MutexGuard<'_, Runs> {
        self.runs.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn schedules(&self, key: &EndpointKey, now: Epoch) -> Vec<MonitoringSchedule> {
        let (runs, world) = (self.runs(), &self.world);
        let i = world.endpoint_index(&key.account_id, &key.name);
        let listed = i.into_iter().flat_map(|i| runs.schedules(world, i));
        listed
            .filter_map(|s| runs.described(world, s, now))
            .collect()
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
        let (world, now) = (&self.world, self.clock.now());
        let (account, name) = (&endpoint.account_id, &endpoint.name);
        let i = world.endpoint_index(account, name).ok_or_else(|| {
            let call = format!("ListMonitoringSchedules {account}");
            refused(call, format!("no endpoint {name} in account {account}"))
        })?;
        let token = page.unwrap_or("0");
        let from: usize = token.parse().map_err(|_| {
            let detail = format!("ValidationException: invalid NextToken {token:?}");
            refused(format!("ListMonitoringExecutions {account}"), detail)
        })?;
        let runs = self.runs();
        let mut all: Vec<JobRun> = (runs.schedules(world, i).iter())
            .filter(|s| schedule.is_none_or(|n| n == s.name))
            .flat_map(|s| runs.runs(world, s, now, now))
            .collect();
        all.sort_by_key(|r| std::cmp::Reverse(r.scheduled));
        let page = all.iter().skip(from).take(PAGE);
        let executions = page.map(|r| r.execution(world, now)).collect();
        let next = (from + PAGE < all.len()).then(|| (from + PAGE).to_string());
        Ok(ExecutionPage { executions, next })
    }

    async fn violations(&self, execution: &Execution) -> Result<ViolationReport, SourceError> {
        let (world, now) = (&self.world, self.clock.now());
        let runs = self.runs();
        let found = runs.find(world, &execution.account_id, &execution.schedule);
        // Read the run as it is now, not as the caller last saw it.
        let run = found.and_then(|s| {
            let mut listed = runs.runs(world, &s, now, now);
            listed.find(|r| r.scheduled == execution.scheduled_time)
        });
        let status = run.as_ref().map_or("unknown", |r| r.status(now).as_str());
        match run.filter(|r| r.status(now).is_completed()) {
            // The checks that failed, in Model Monitor's words.
            Some(run) => Ok(ViolationReport {
                uri: run.report_uri,
                violations: (run.checks.iter().filter(|c| c.violated))
                    .map(Check::violation)
                    .collect(),
                cut_at: None,
            }),
            None => Err(refused(
                format!("GetObject {}", execution.account_id),
                format!("no report: the run is {status} (a report exists once it completes)"),
            )),
        }
    }

    async fn baseline(
        &self,
        schedule: &MonitoringSchedule,
    ) -> Result<Option<Baseline>, SourceError> {
        let (account, world) = (&schedule.account_id, &self.world);
        let found = self.runs().find(world, account, &schedule.name);
        let found = found.zip(schedule.job_definition.as_deref());
        Ok(found.map(|(s, job)| Baseline {
            uri: baseline_uri(world, s.endpoint, Some(job)),
            constraints: constraints(world, s.endpoint, s.kind),
            cut_at: None,
        }))
    }

    async fn schedule(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<MonitoringSchedule>, SourceError> {
        let (runs, world) = (self.runs(), &self.world);
        let found = runs.find(world, account_id, name);
        Ok(found.and_then(|s| runs.described(world, s, self.clock.now())))
    }

    async fn alerts(
        &self,
        account_id: &str,
        schedule: &str,
    ) -> Result<Vec<MonitoringAlert>, SourceError> {
        let (world, now) = (&self.world, self.clock.now());
        let runs = self.runs();
        let found = runs.find(world, account_id, schedule);
        let Some(s) = found.filter(|s| s.once.is_none() && s.kind == MODEL_QUALITY) else {
            return Ok(Vec::new());
        };
        // One alert on accuracy: InAlert while the last completed run broke it, since the
        // point of the run that changed it (when the last two days of runs hold one).
        let broke = |r: &JobRun| (r.checks.iter()).any(|c| c.violated && c.subject == "accuracy");
        let completed: Vec<(Epoch, bool)> = (runs.runs(world, &s, now, now))
            .filter(|r| r.status(now).is_completed())
            .take(48)
            .map(|r| (r.scheduled, broke(&r)))
            .collect();
        let in_alert = completed.first().is_some_and(|c| c.1);
        let offset = world.endpoints[s.endpoint].profile.monitor_offset;
        let changed = completed.windows(2).find(|w| w[1].1 != in_alert);
        let since = changed.map(|w| w[0].0 + offset);
        let current = match in_alert {
            true => AlertStatus::InAlert,
            false => AlertStatus::Ok,
        };
        Ok(vec![MonitoringAlert {
            schedule: s.name.clone(),
            name: "accuracy".into(),
            status: current,
            datapoints_to_alert: 1,
            evaluation_period: 1,
            modified: since,
            history: since.map(|t| (t, current)).into_iter().collect(),
        }])
    }

    async fn leftovers(&self) -> Result<Vec<Leftover>, SourceError> {
        Ok(self.runs().leftovers(&self.world, self.clock.now()))
    }

    async fn fleet_runs(&self) -> Result<Vec<ScheduleRun>, SourceError> {
        let (world, now) = (&self.world, self.clock.now());
        let runs = self.runs();
        // One-time runs are not schedules of the endpoint's own.
        let all = (0..world.endpoints.len()).flat_map(|i| world_schedules(world, i));
        let run = |s: Sched| {
            // Only the run it shows is built: thousands of schedules at scale.
            let ended = |slot: &Epoch| s.ends(world, *slot) <= now;
            let last = (runs.slots(world, &s, now, now).filter(ended))
                .map(|slot| s.run(world, slot))
                .find(|r| r.outcome.is_completed());
            let e = &world.endpoints[s.endpoint].endpoint;
            ScheduleRun {
                account_id: e.account_id.clone(),
                endpoint: e.name.clone(),
                monitoring_type: s.kind.to_owned(),
                status: runs.status(&s),
                last_run: last.map(|r| LastRun {
                    status: r.outcome,
                    scheduled_at: r.scheduled,
                    violations: Some(r.checks.iter().filter(|c| c.violated).count()),
                }),
                schedule: s.name,
                region: e.region.clone(),
            }
        };
        Ok(all.map(run).collect())
    }
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

/// A baseline's constraints as its `constraints.json` is read: model quality's thresholds;
/// data quality's drift threshold over every feature.
fn constraints(world: &World, i: usize, kind: &str) -> Vec<Constraint> {
    let constraint = |subject: &str, check: &str, threshold| Constraint {
        subject: subject.to_owned(),
        check: check.to_owned(),
        threshold: Some(threshold),
    };
    if kind == MODEL_QUALITY {
        let threshold = |m| mq_threshold(world, i, m);
        let each = mq_metrics().map(|m| constraint(m.name, "LessThanThreshold", threshold(m.id)));
        return each.collect();
    }
    let every = report::EVERY_FEATURE;
    let drift = constraint(every, "baseline_drift_check", FEATURE_DRIFT_THRESHOLD);
    vec![drift]
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

impl Check {
    /// The violation Model Monitor reports when it fails, as its report is read: what the
    /// description states.
    fn violation(&self) -> Violation {
        let (subject, check, observed, threshold) =
            (&self.subject, &self.check, self.observed, self.threshold);
        let description = match check.as_str() {
            "baseline_drift_check" => {
                format!("Baseline drift distance: {observed:.4} exceeds threshold: {threshold}")
            }
            _ => {
                format!("Metric {subject} with {observed:.4} +/- 0.0031 was {check} '{threshold}'")
            }
        };
        Violation {
            subject: subject.clone(),
            check: check.clone(),
            observed: report::observed_in(&description),
            threshold: Some(threshold),
            description,
        }
    }
}

/// Every check a run of `kind` over hour `hour` makes: those that fail are its report's
/// violations, and its log names them all, so the log and the report agree.
fn checks_at(world: &World, i: usize, kind: &str, hour: Epoch) -> Vec<Check> {
    match kind {
        MODEL_QUALITY => mq_metrics()
            .filter_map(|m| {
                let observed = signal::value(world, &quality_ref(i, m.id), hour)?;
                let threshold = mq_threshold(world, i, m.id);
                Some(Check {
                    subject: m.name.to_owned(),
                    check: "LessThanThreshold".into(),
                    observed,
                    threshold,
                    violated: observed < threshold,
                })
            })
            .collect(),
        _ => {
            // The drift distance on the drifting feature. The new model came with a new
            // client: its inputs drift from the baseline from the first run whose window
            // holds the update (the one checking the hour after it); before it, a small
            // distance drawn from the hour.
            let e = &world.endpoints[i];
            let observed = match e.profile.incident {
                Some(inc) if hour > inc.update_at => feature_drift(inc.update_at, hour),
                _ => range(mix(hash_str(&e.endpoint.name), hour as u64), 0.02, 0.06),
            };
            vec![Check {
                subject: DRIFTING_FEATURE.into(),
                check: "baseline_drift_check".into(),
                observed,
                threshold: FEATURE_DRIFT_THRESHOLD,
                violated: observed > FEATURE_DRIFT_THRESHOLD,
            }]
        }
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
    let ours = |i: &usize| world.endpoints[*i].endpoint.account_id == account;
    let all = (0..world.endpoints.len()).filter(ours);
    let each = all.flat_map(|i| runs.schedules(world, i)).flat_map(|s| {
        let listed = runs.runs(world, &s, to, now).take_while(|r| r.ends >= from);
        listed.filter(|r| r.created <= to).collect::<Vec<_>>()
    });
    each.collect()
}
