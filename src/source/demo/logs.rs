//! The demo organisation's CloudWatch Logs: every endpoint's group (`<variant>/<instance-id>`
//! streams) and each account's `/aws/sagemaker/ProcessingJobs` (one stream per monitoring
//! run), generated on demand from (seed, stream, minute) like the series, so any window of
//! any day costs the same and nothing is stored. The incident is in them: prod
//! fraud-detector warns about a missing feature and logs KeyError tracebacks after its
//! update, more as the drift grows; the staging leak warns about memory; each monitoring run
//! logs its checks and names its violations. FilterLogEvents pages through them, Insights
//! evaluates the queries the console starts with, and the live tail yields what the demo
//! clock has reached.
//!
//! Rates: per instance and minute, 2 to 4 sampled requests (about 3 lines, 4,300 a day, ~150
//! bytes each); after the update, 1 to 4 warnings and (in up to 6 minutes of 10) a 5-line
//! traceback more on each fraud-detector instance. Groups keep two weeks (`RETENTION_SECS`).

use super::monitor::{self, Runs};
use super::query::{Book, KEPT_QUERIES, Run};
use super::rng::{hash_str, mix};
use super::world::{REGION, SeriesRef, SimEndpoint, World};
use super::{DAY, HOUR, MINUTE};
use crate::clock::SharedClock;
use crate::logs::groups::{PROCESSING_JOBS_GROUP, group_arn};
use crate::logs::pattern::{self, Pattern};
use crate::sanitize::clean;
use crate::source::SourceError;
use crate::source::logs::*;
use crate::source::metrics::MetricId;
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use written::{Written, instance_minute, instances, job_lines};

mod insights;
mod written;

/// FilterLogEvents' page, as AWS's default.
pub const PAGE: usize = 1_000;
/// Hours of logs one FilterLogEvents call reads before answering (with a next token when
/// there is more, as AWS answers a long search with empty pages).
const HOURS_PER_CALL: i64 = 24;
/// How long the groups keep their logs: nothing is older than this before the clock's now,
/// so a search from long ago does not page through years of generated lines.
pub const RETENTION_SECS: i64 = 14 * DAY;
/// The most events one live tail update carries (AWS samples beyond).
pub const TAIL_MAX: usize = 500;
/// The furthest back one live tail update reaches when the clock jumps ahead.
const TAIL_CATCH_UP_MS: i64 = 30 * MINUTE * 1000;

/// How long a demo Insights query stays Scheduled and then Running, and how often the live
/// tail updates, in real time; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogsTiming {
    pub scheduled: Duration,
    pub running: Duration,
    pub tail_every: Duration,
}

const TIMING: LogsTiming = LogsTiming {
    scheduled: Duration::from_millis(300),
    running: Duration::from_millis(1500),
    tail_every: Duration::from_secs(1),
};

/// The demo's logs (`DemoSource::logs`).
#[derive(Debug)]
pub struct DemoLogs {
    generator: Gen,
    timing: LogsTiming,
    queries: Book<InsightsResults>,
}

fn not_found(call: &str, detail: String) -> SourceError {
    super::refused(call, format!("ResourceNotFoundException: {detail}"))
}

fn invalid(call: &str, detail: impl std::fmt::Display) -> SourceError {
    super::refused(call, format!("InvalidParameterException: {detail}"))
}

impl DemoLogs {
    pub(super) fn new(world: Arc<World>, runs: Arc<Mutex<Runs>>, clock: SharedClock) -> Self {
        Self {
            generator: Gen { world, runs, clock },
            timing: TIMING,
            queries: Book::default(),
        }
    }

    pub(super) fn set_timing(&mut self, timing: LogsTiming) {
        self.timing = timing;
    }

    /// `f` of the target account's query `id`; ResourceNotFound for `call` when there is
    /// none.
    fn query<R>(
        &self,
        call: &str,
        target: &LogTarget,
        id: &str,
        f: impl FnOnce(&mut Run<InsightsResults>) -> R,
    ) -> Result<R, SourceError> {
        let ours = |r: &Run<InsightsResults>| r.id == id && r.owner == target.account_id;
        self.queries.with(ours, f).ok_or_else(|| {
            let kept = format!("the demo keeps its last {KEPT_QUERIES} queries");
            not_found(call, format!("query {} not found ({kept})", clean(id)))
        })
    }
}

/// What generates lines: the world, the console's monitoring runs, the clock. Shared with
/// live tail sessions, which outlive the call that opened them.
#[derive(Debug, Clone)]
struct Gen {
    world: Arc<World>,
    runs: Arc<Mutex<Runs>>,
    clock: SharedClock,
}

/// A target resolved against the world: the endpoints whose groups it names, and whether it
/// names the processing jobs' group.
#[derive(Debug, Clone)]
struct Selection {
    target: LogTarget,
    endpoints: Vec<usize>,
    jobs: bool,
}

impl Gen {
    /// The target's groups as the world has them; an unknown one is ResourceNotFound, as
    /// AWS answers.
    fn select(&self, call: &str, target: &LogTarget) -> Result<Selection, SourceError> {
        let (world, account) = (&self.world, target.account_id.as_str());
        if target.groups.is_empty() {
            return Err(invalid(call, "no log group"));
        }
        let mut sel = Selection {
            target: target.clone(),
            endpoints: Vec::new(),
            jobs: false,
        };
        // The processing jobs' group is there where monitoring runs are.
        let runs = |e: &SimEndpoint| {
            e.endpoint.account_id == account && !e.endpoint.monitoring_schedules.is_empty()
        };
        // An ARN of the account's group names the same group.
        let arn_prefix = group_arn(REGION, account, "");
        for g in &target.groups {
            let name = g.strip_prefix(&arn_prefix).unwrap_or(g);
            let endpoint = name.strip_prefix("/aws/sagemaker/Endpoints/");
            let i = endpoint.and_then(|e| world.endpoint_index(account, e));
            if let Some(i) = i.filter(|i| world.endpoints[*i].profile.has_data) {
                sel.endpoints.push(i);
            } else if name == PROCESSING_JOBS_GROUP && world.endpoints.iter().any(runs) {
                sel.jobs = true;
            } else {
                let (name, account) = (clean(name), clean(account));
                let detail =
                    format!("the specified log group does not exist: {name} in account {account}");
                return Err(not_found(call, detail));
            }
        }
        Ok(sel)
    }

    /// The selection's lines with `from_ms <= ms < to_ms`, written before `now`, that
    /// `keep` wants (given a line's time, stream and text), oldest first (ties by stream,
    /// then order in the stream); and how many lines were scanned, and their bytes. Only
    /// the lines kept become events: an Insights query scans days of lines.
    fn lines(
        &self,
        sel: &Selection,
        from_ms: i64,
        to_ms: i64,
        keep: &dyn Fn(i64, &str, &str) -> bool,
    ) -> (Vec<LogEvent>, u64, u64) {
        let now = self.clock.now();
        let to_ms = to_ms.min(now.saturating_mul(1000));
        let from_ms = from_ms.max((now - RETENTION_SECS).saturating_mul(1000));
        let (mut out, mut scanned, mut bytes) = (Vec::new(), 0, 0);
        let prefix = sel.target.stream_prefix.as_deref();
        let wanted = |stream: &str| prefix.is_none_or(|p| stream.starts_with(p));
        // Lines written together, in their order (their ids count it): those in the window
        // are scanned, those `keep` wants are kept.
        let mut gather = |stream: &str, written: Written| {
            let hash = hash_str(stream);
            for (seq, (ms, text)) in written.into_iter().enumerate() {
                if (from_ms..to_ms).contains(&ms) {
                    scanned += 1;
                    bytes += (text.len() + stream.len()) as u64;
                    if keep(ms, stream, &text) {
                        let id = format!("{ms:013}{hash:016x}{seq:05}");
                        out.push(LogEvent::new(ms, stream, text.as_bytes(), Some(&id)));
                    }
                }
            }
        };
        let first = from_ms.div_euclid(1000 * MINUTE) * MINUTE;
        for &i in &sel.endpoints {
            let streams = instances(&self.world.endpoints[i]).into_iter();
            for (variant, stream) in streams.filter(|(_, s)| wanted(s)) {
                let r = SeriesRef {
                    endpoint: i,
                    metric: MetricId::ModelLatency,
                    variant,
                };
                for m in (first..(to_ms + 999).div_euclid(1000)).step_by(60) {
                    gather(&stream, instance_minute(&self.world, &r, &stream, m));
                }
            }
        }
        if sel.jobs {
            let (from, to) = (from_ms.div_euclid(1000), (to_ms - 1).div_euclid(1000));
            let held = self.runs.lock().unwrap_or_else(|p| p.into_inner());
            let account = &sel.target.account_id;
            for run in monitor::job_runs(&self.world, &held, account, from, to, now) {
                let stream = format!("{}/algo-1-{}", run.job, run.created);
                if wanted(&stream) {
                    gather(&stream, job_lines(&run));
                }
            }
        }
        // An id is the time, the stream's hash, then the order in the stream.
        out.sort_by(|a, b| a.event_id.cmp(&b.event_id));
        (out, scanned, bytes)
    }
}

struct DemoTail {
    generator: Gen,
    sel: Selection,
    pattern: Pattern,
    /// Lines before this (epoch ms) were delivered.
    from_ms: i64,
    every: Duration,
}

#[async_trait]
impl LiveSession for DemoTail {
    async fn next(&mut self) -> Result<Option<LiveUpdate>, LiveError> {
        if !self.every.is_zero() {
            tokio::time::sleep(self.every).await;
        }
        let now_ms = self.generator.clock.now().saturating_mul(1000);
        // The clock jumped: what lies further back is left out, and said.
        let mut sampled = now_ms - self.from_ms > TAIL_CATCH_UP_MS;
        self.from_ms = self.from_ms.max(now_ms - TAIL_CATCH_UP_MS);
        let keep = |_, _: &str, text: &str| self.pattern.matches(text);
        let (lines, ..) = self.generator.lines(&self.sel, self.from_ms, now_ms, &keep);
        self.from_ms = self.from_ms.max(now_ms);
        // Beyond the most an update carries, a sample spread over the update.
        let (n, shown) = (lines.len(), lines.len().min(TAIL_MAX));
        sampled |= n > shown;
        let events = (0..shown).map(|k| lines[k * n / shown].clone()).collect();
        Ok(Some(LiveUpdate { events, sampled }))
    }
}

#[async_trait]
impl LogsSource for DemoLogs {
    async fn start_query(&self, query: &InsightsQuery) -> Result<String, SourceError> {
        let g = &self.generator;
        let sel = g.select("StartQuery", &query.target)?;
        if query.end < query.start {
            return Err(invalid("StartQuery", "endTime is before startTime"));
        }
        let end = query.end.min(g.clock.now());
        let answer = insights::parse(&query.query)
            .map(|plan| insights::evaluate(g, &sel, &plan, query.start, end));
        let n = self.queries.next_number() + 1;
        let id = format!("{:08x}-demo-4000-8000-{:012x}", mix(n, 0x1A) as u32, n);
        let (t, owner) = (self.timing, sel.target.account_id);
        let run = Run::new((id.clone(), owner), t.scheduled, t.running, answer);
        self.queries.push(run);
        Ok(id)
    }

    async fn query_results(
        &self,
        target: &LogTarget,
        query_id: &str,
    ) -> Result<InsightsResults, SourceError> {
        self.query("GetQueryResults", target, query_id, insights::results)
    }

    async fn stop_query(&self, target: &LogTarget, query_id: &str) -> Result<(), SourceError> {
        let stopped = self.query("StopQuery", target, query_id, Run::cancel)?;
        // As AWS: a finished query cannot be stopped.
        stopped.map_err(|stage| {
            let state = insights::insights_state(stage).as_str();
            invalid("StopQuery", format!("the query is already {state}"))
        })
    }

    async fn filter_events(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        next: Option<&str>,
    ) -> Result<EventsPage, SourceError> {
        let call = "FilterLogEvents";
        let g = &self.generator;
        let sel = g.select(call, target)?;
        let pattern = pattern::parse_optional(pattern).map_err(|e| invalid(call, e))?;
        // Inclusive end, never past the clock, nothing older than the groups keep.
        let end = (end_ms.map_or(i64::MAX, |e| e.saturating_add(1)))
            .min(g.clock.now().saturating_mul(1000));
        // The token: the last event id returned, or the time (epoch ms, 13 digits) to go on
        // from; an id starts with its time, and ids are in the order events are returned.
        let mut from = match next {
            None => start_ms,
            Some(t) => (t.get(..13).and_then(|ms| ms.parse().ok()))
                .ok_or_else(|| invalid(call, "invalid nextToken"))?,
        }
        .max((g.clock.now() - RETENTION_SECS).saturating_mul(1000));
        let keep = |_, _: &str, text: &str| pattern.matches(text);
        let mut events = Vec::new();
        // An hour at a time, up to a page, and to a day of logs read.
        for _ in 0..HOURS_PER_CALL {
            if from >= end {
                return Ok(EventsPage { events, next: None });
            }
            let to = ((from.div_euclid(HOUR * 1000) + 1) * HOUR * 1000).min(end);
            let (lines, ..) = g.lines(&sel, from, to, &keep);
            let new = lines.into_iter().filter(|e| e.event_id.as_deref() > next);
            events.extend(new.take(PAGE - events.len()));
            if events.len() == PAGE {
                let next = events.last().and_then(|e| e.event_id.clone());
                return Ok(EventsPage { events, next });
            }
            from = to;
        }
        let next = (from < end).then(|| format!("{from:013}"));
        Ok(EventsPage { events, next })
    }

    async fn live_tail(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
    ) -> Result<Box<dyn LiveSession>, LiveError> {
        let call = "StartLiveTail";
        if target.groups.len() > 10 {
            return Err(LiveError::Failed(invalid(call, "at most 10 log groups")));
        }
        let g = &self.generator;
        let sel = g.select(call, target).map_err(LiveError::Failed)?;
        let pattern = pattern::parse_optional(pattern);
        let pattern = pattern.map_err(|e| LiveError::Failed(invalid(call, e)))?;
        Ok(Box::new(DemoTail {
            generator: g.clone(),
            sel,
            pattern,
            from_ms: g.clock.now().saturating_mul(1000),
            every: self.timing.tail_every,
        }))
    }
}

#[cfg(test)]
mod tests;
