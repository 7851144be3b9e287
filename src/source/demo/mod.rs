//! The embedded, deterministic demo organisation: a monitoring account, linked source accounts
//! and their endpoints, whose series and alarms are computed on demand from (seed, start, now).
//! Its story (`story`) is data every simulated service reads.

mod alarms;
mod jobs;
mod logs;
mod monitor;
mod mutes;
mod query;
mod raw;
mod rng;
mod scaling;
mod signal;
mod story;
mod studio;
mod trail;
mod world;
mod writes;

use crate::clock::SharedClock;
use crate::source::alarm_write::Placement;
use crate::source::aws::metric_data::MAX_QUERIES_PER_CALL;
use crate::source::health::Health;
use crate::source::model::*;
use crate::source::ranks::{self, RankQuery, Ranking};
use crate::source::write::{Write, WriteReceipt, Writer};
use crate::source::{FleetSource, SeriesRequest, SourceError, SourceHealth, SourceKind};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use world::{IDENTITY_ARN, MONITORING_ACCOUNT, REGION, World};

pub use logs::{DemoLogs, LogsTiming};
pub use story::{
    DEPLOYER_ROLE, INCIDENT_AFTER_START, INCIDENT_CONFIG, INCIDENT_MODEL, INCIDENT_USER,
    UPDATE_BEFORE_START,
};
pub use studio::sample as studio_sample;
pub use trail::{HISTORY as TRAIL_HISTORY, TrailTiming};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    /// When the story starts; the incident unfolds a few minutes after it.
    pub start: Epoch,
    /// (source accounts, endpoints per account) for benchmarks; None is the hand-written world.
    pub scale: Option<(usize, usize)>,
}

#[derive(Debug)]
pub struct DemoSource {
    world: Arc<World>,
    clock: SharedClock,
    /// Counts what the demo is asked for as CloudWatch would bill it, so the status bar's
    /// cost estimate means the same in the demo as against AWS.
    health: Health,
    /// Alarms made, muted and deleted, and mute rules put and deleted, in the console.
    edits: Mutex<writes::Edits>,
    /// The world's alarms' evaluations so far, carried forward by each read.
    replays: Mutex<alarms::Replays>,
    /// Model Monitor runs started and schedules paused in the console.
    runs: Arc<Mutex<monitor::Runs>>,
    /// The synthetic CloudTrail and the queries run on it.
    trail: trail::Trail,
    /// Its logs, generated from the same world (and the runs started in the console).
    logs: logs::DemoLogs,
    readonly: bool,
}

impl DemoSource {
    pub fn new(config: DemoConfig, clock: SharedClock) -> Self {
        let world = Arc::new(World::new(config.seed, config.start, config.scale));
        let runs: Arc<Mutex<monitor::Runs>> = Default::default();
        Self {
            logs: logs::DemoLogs::new(world.clone(), runs.clone(), clock.clone()),
            world,
            clock,
            health: Health::default(),
            edits: Default::default(),
            replays: Default::default(),
            runs,
            trail: trail::Trail::new(config.seed),
            readonly: false,
        }
    }

    /// How long Insights queries stay scheduled and run, and how often the live tail
    /// updates (real time); tests shorten them.
    pub fn with_logs_timing(mut self, timing: LogsTiming) -> Self {
        self.logs.set_timing(timing);
        self
    }

    /// How long trail queries stay queued and run (real time); tests shorten them.
    pub fn with_trail_timing(mut self, timing: TrailTiming) -> Self {
        self.trail = self.trail.with_timing(timing);
        self
    }

    /// Refuses every write, as the AWS source does.
    pub fn with_readonly(mut self, readonly: bool) -> Self {
        self.readonly = readonly;
        self
    }

    fn edits(&self) -> std::sync::MutexGuard<'_, writes::Edits> {
        self.edits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The time at which series `r` is read: now, or, for the quality metrics of an
    /// endpoint whose run started in the console has finished, late enough in the hour for
    /// that run's point to be published.
    fn seen_at(&self, r: &world::SeriesRef, now: Epoch) -> Epoch {
        let hourly = signal::period(r) == HOUR;
        let run = hourly.then(|| self.runs().published_hour(&self.world, r.endpoint, now));
        run.flatten().map_or(now, |hour| {
            now.max(hour + signal::visibility_delay(&self.world, r))
        })
    }
}

#[cfg(any(test, feature = "test-fixtures"))]
impl DemoSource {
    /// The demo story begun at `start` with its clock stopped at `now`, its queries answered
    /// without waiting: what tests drive the console's own update path with.
    pub fn pinned(seed: u64, start: Epoch, now: Epoch) -> Self {
        let clock = Arc::new(crate::clock::FixedClock::new(now));
        let config = DemoConfig {
            seed,
            start,
            scale: None,
        };
        let none = std::time::Duration::ZERO;
        Self::new(config, clock)
            .with_trail_timing(TrailTiming {
                queued: none,
                running: none,
            })
            .with_logs_timing(LogsTiming {
                scheduled: none,
                running: none,
                tail_every: std::time::Duration::from_secs(1),
            })
    }
}

/// The demo's units of time, in seconds (each file once had its own).
const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// `ms` (epoch milliseconds) in UTC, in chrono's `format`: the demo's timestamps in logs,
/// names and events.
fn utc(ms: i64, format: &str) -> String {
    let time = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    time.format(format).to_string()
}

/// A call the demo refuses, saying why (in AWS's words where AWS has some).
fn refused(call: impl Into<String>, detail: impl Into<String>) -> SourceError {
    SourceError::Other {
        call: call.into(),
        detail: detail.into(),
    }
}

#[async_trait]
impl FleetSource for DemoSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Demo
    }

    async fn identity(&self) -> Result<Identity, SourceError> {
        Ok(Identity {
            account_id: MONITORING_ACCOUNT.to_owned(),
            arn: IDENTITY_ARN.to_owned(),
            region: REGION.to_owned(),
        })
    }

    async fn accounts(&self) -> Result<Vec<Account>, SourceError> {
        Ok(self.world.accounts.clone())
    }

    async fn endpoints(&self) -> Result<Vec<Endpoint>, SourceError> {
        let all = self.world.endpoints.iter();
        Ok(all.map(|e| e.endpoint.clone()).collect())
    }

    async fn series(&self, request: &SeriesRequest) -> Result<Vec<SeriesData>, SourceError> {
        for chunk in request.keys.chunks(MAX_QUERIES_PER_CALL) {
            self.health.record_metric_data_call(chunk.len());
        }
        let (now, start, end) = (self.clock.now(), request.start, request.end);
        let points = |key: &SeriesKey| match self.world.resolve(key) {
            _ if key.namespace == crate::source::jobs::NS_PROCESSING_JOBS => {
                self.job_points(key, start, end, now)
            }
            Some(r) => signal::points(&self.world, &r, start, end, self.seen_at(&r, now)),
            None => Vec::new(),
        };
        let data = |key: &SeriesKey| SeriesData {
            key: key.clone(),
            points: points(key),
            status: SeriesStatus::Complete,
        };
        Ok(request.keys.iter().map(data).collect())
    }

    async fn alarms(&self) -> Result<Vec<Alarm>, SourceError> {
        let now = self.clock.now();
        let timelines = {
            let mut replays = self.replays.lock().unwrap_or_else(|p| p.into_inner());
            alarms::timelines(&self.world, &mut replays, now)
        };
        let edits = self.edits();
        let originals = (self.world.alarms.iter().zip(timelines))
            .filter(|(def, _)| edits.shows_original(&def.name));
        let made =
            (edits.put.iter()).map(|def| (def, Arc::new(alarms::timeline(&self.world, def, now))));
        Ok(originals
            .chain(made)
            .map(|(def, tl)| alarms::to_alarm(def, &tl, edits.actions.get(&def.name).copied()))
            .collect())
    }

    async fn alarm_history(
        &self,
        account_id: &str,
        alarm_name: &str,
    ) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        let edits = self.edits();
        let shown =
            (account_id == MONITORING_ACCOUNT).then(|| edits.shown(&self.world, alarm_name));
        let Some(def) = shown.flatten() else {
            return Err(refused(
                "DescribeAlarmHistory",
                format!("alarm {alarm_name} not found in account {account_id}"),
            ));
        };
        let tl = alarms::timeline(&self.world, def, self.clock.now());
        Ok(alarms::history(def, &tl))
    }

    async fn monitoring_schedules(
        &self,
        endpoint: &EndpointKey,
    ) -> Result<Vec<MonitoringSchedule>, SourceError> {
        Ok(self.schedules(endpoint, self.clock.now()))
    }

    async fn endpoint_makeup(&self, endpoint: &EndpointKey) -> Result<EndpointMakeup, SourceError> {
        let Some(label) = self.world.account_label(endpoint) else {
            return Err(refused(
                format!("DescribeEndpoint {}", endpoint.account_id),
                format!("Could not find endpoint \"{}\".", endpoint.name),
            ));
        };
        let now = self.clock.now();
        Ok(story::makeup(self.world.start, label, &endpoint.name, now))
    }

    fn health(&self) -> SourceHealth {
        self.health.snapshot()
    }

    fn writer(&self) -> Option<&dyn Writer> {
        Some(self)
    }

    fn monitor(&self) -> Option<&dyn crate::source::monitor::MonitorSource> {
        Some(self)
    }

    fn trail(&self) -> Option<&dyn crate::source::trail::TrailSource> {
        Some(self)
    }

    fn logs(&self) -> Option<&dyn crate::source::logs::LogsSource> {
        Some(&self.logs)
    }

    fn studio(&self) -> Option<&dyn crate::source::studio::StudioSource> {
        Some(self)
    }

    fn jobs(&self) -> Option<&dyn crate::source::jobs::JobsSource> {
        Some(self)
    }

    fn mutes(&self) -> Option<&dyn crate::source::mute::MuteSource> {
        Some(self)
    }

    fn ranks(&self) -> bool {
        true
    }

    /// Ranked from the demo's own series, as Metrics Insights would rank them.
    async fn rank(&self, q: &RankQuery) -> Result<Ranking, SourceError> {
        self.health.record_metric_data_call(q.analysed as usize);
        let (world, now) = (&self.world, self.clock.now());
        let endpoints = world.endpoints.iter().map(|e| &e.endpoint);
        Ok(ranks::rank_by_series(endpoints, q, |key| {
            match world.resolve(key) {
                Some(r) => signal::points(world, &r, q.start, q.end, self.seen_at(&r, now)),
                None => Vec::new(),
            }
        }))
    }

    fn placement(&self) -> Placement {
        // Every demo alarm lives in the monitoring account, as cross-account alarms do.
        Placement {
            monitoring: MONITORING_ACCOUNT.to_owned(),
            oam: true,
            credentialed: Vec::new(),
            // Its Model Monitor runs in every account, as if each had a role.
            acts_everywhere: true,
        }
    }

    async fn scaling_activities(
        &self,
        endpoint: &EndpointKey,
        from: Epoch,
    ) -> Result<Vec<ScalingActivity>, SourceError> {
        // An endpoint the demo does not have has no activity, as AWS would answer.
        let Some(label) = self.world.account_label(endpoint) else {
            return Ok(Vec::new());
        };
        let now = self.clock.now();
        let endpoint = (label, endpoint.name.as_str());
        Ok(scaling::activities(self.world.start, now, endpoint, from))
    }
}

#[async_trait]
impl Writer for DemoSource {
    async fn write(&self, request: &Write) -> Result<WriteReceipt, SourceError> {
        if self.readonly {
            return Err(refused(
                request.operation().to_owned(),
                "read-only: refused before it was sent",
            ));
        }
        let now = self.clock.now();
        match request {
            Write::Alarm(w) => self.edits().apply(&self.world, w, now),
            Write::Monitor(w) => self.runs().apply(&self.world, w, now),
        }
    }
}

#[cfg(test)]
mod tests;
