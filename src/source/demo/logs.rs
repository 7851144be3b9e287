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
//! Rates: per instance and minute, one health check, 2 to 4 sampled requests, now and then a
//! worker recycled (about 4.3 lines, 6,200 a day, ~130 bytes each); after the update, 1 to 5
//! warnings and (in up to 6 minutes of 10) a 7-line traceback more on each fraud-detector
//! instance. Groups keep two weeks (`RETENTION_SECS`).

use super::monitor::{self, Runs};
use super::query::{Book, KEPT_QUERIES, Run};
use super::rng::{hash_str, mix};
use super::world::World;
use crate::clock::SharedClock;
use crate::logs::groups::{PROCESSING_JOBS_GROUP, group_arn};
use crate::logs::pattern::{self, Pattern};
use crate::sanitize::clean;
use crate::source::SourceError;
use crate::source::logs::*;
use crate::source::model::Epoch;
use async_trait::async_trait;
use insights::Evaluated;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use written::{instance_minute, instances, job_lines};

mod insights;
mod written;

const MINUTE_MS: i64 = 60_000;
const HOUR: i64 = 3_600;
/// FilterLogEvents' page, as AWS's default.
pub const PAGE: usize = 1_000;
/// Hours of logs one FilterLogEvents call reads before answering (with a next token when
/// there is more, as AWS answers a long search with empty pages).
const HOURS_PER_CALL: i64 = 24;
/// How long the groups keep their logs: nothing is older than this before the clock's now,
/// so a search from long ago does not page through years of generated lines.
pub const RETENTION_SECS: i64 = 14 * 86_400;
/// The most events one live tail update carries (AWS samples beyond).
pub const TAIL_MAX: usize = 500;
/// The furthest back one live tail update reaches when the clock jumps ahead.
const TAIL_CATCH_UP_MS: i64 = 30 * MINUTE_MS;

/// How long a demo Insights query stays Scheduled and then Running, and how often the live
/// tail updates, in real time; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogsTiming {
    pub scheduled: Duration,
    pub running: Duration,
    pub tail_every: Duration,
}

impl Default for LogsTiming {
    fn default() -> Self {
        Self {
            scheduled: Duration::from_millis(300),
            running: Duration::from_millis(1500),
            tail_every: Duration::from_secs(1),
        }
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

/// The demo's logs (`DemoSource::logs`).
#[derive(Debug)]
pub struct DemoLogs {
    generator: Gen,
    timing: LogsTiming,
    queries: Book<Evaluated>,
}

/// A log group of the target, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Endpoint(usize),
    Jobs,
}

/// A target resolved against the world.
#[derive(Debug, Clone)]
struct Selection {
    account: String,
    /// Each group, and its name as asked for (for `@log`).
    groups: Vec<(Group, String)>,
    prefix: Option<String>,
}

/// One generated line.
#[derive(Debug, Clone)]
struct Line {
    ms: i64,
    /// Index of its group in the selection.
    group: usize,
    stream: Arc<str>,
    /// Its place among the lines written with it (a minute's, a run's).
    seq: u32,
    text: String,
}

impl Line {
    fn event(&self) -> LogEvent {
        let stream_hash = hash_str(&self.stream);
        let id = format!("{:013}{stream_hash:016x}{:05}", self.ms, self.seq);
        LogEvent::new(self.ms, &self.stream, self.text.as_bytes(), Some(&id))
    }
}

fn not_found(call: &str, detail: String) -> SourceError {
    super::refused(call, format!("ResourceNotFoundException: {detail}"))
}

fn invalid(call: &str, detail: impl std::fmt::Display) -> SourceError {
    super::refused(call, format!("InvalidParameterException: {detail}"))
}

impl Gen {
    fn now(&self) -> Epoch {
        self.clock.now()
    }

    /// The target's groups as the world has them; an unknown one is ResourceNotFound, as
    /// AWS answers.
    fn select(&self, call: &str, target: &LogTarget) -> Result<Selection, SourceError> {
        let account = target.account_id.as_str();
        if target.groups.is_empty() {
            return Err(invalid(call, "no log group"));
        }
        // An ARN of the account's group names the same group.
        let arn_prefix = group_arn(super::REGION, account, "");
        let group = |g: &String| {
            let name = g.strip_prefix(&arn_prefix).unwrap_or(g);
            let group = self.group(account, name).ok_or_else(|| {
                let (name, account) = (clean(name), clean(account));
                let detail =
                    format!("the specified log group does not exist: {name} in account {account}");
                not_found(call, detail)
            })?;
            Ok((group, name.to_owned()))
        };
        Ok(Selection {
            account: account.to_owned(),
            groups: target.groups.iter().map(group).collect::<Result<_, _>>()?,
            prefix: target.stream_prefix.clone(),
        })
    }

    /// The account's group `name`, if it has it.
    fn group(&self, account: &str, name: &str) -> Option<Group> {
        let world = &self.world;
        if name == PROCESSING_JOBS_GROUP {
            let has_runs = world.endpoints.iter().any(|e| {
                e.endpoint.account_id == account && !e.endpoint.monitoring_schedules.is_empty()
            });
            return has_runs.then_some(Group::Jobs);
        }
        let endpoint = name.strip_prefix("/aws/sagemaker/Endpoints/")?;
        let i = world.endpoint_index(account, endpoint)?;
        let has_data = world.endpoints[i].profile.has_data;
        has_data.then_some(Group::Endpoint(i))
    }

    /// The selection's lines with `from_ms <= ms < to_ms`, written before `now`, matching
    /// `keep`, oldest first (ties by stream, then order in the stream); and how many were
    /// scanned.
    fn lines(
        &self,
        sel: &Selection,
        from_ms: i64,
        to_ms: i64,
        keep: &dyn Fn(&str) -> bool,
    ) -> (Vec<Line>, u64) {
        let now = self.now();
        let to_ms = to_ms.min(now.saturating_mul(1000));
        let from_ms = from_ms.max((now - RETENTION_SECS).saturating_mul(1000));
        let (mut out, mut scanned) = (Vec::new(), 0);
        if to_ms <= from_ms {
            return (out, scanned);
        }
        let wanted = |stream: &str| sel.prefix.as_deref().is_none_or(|p| stream.starts_with(p));
        // Lines written together, in their order: those in the window are scanned, those
        // `keep` wants are kept.
        let mut gather = |group: usize, stream: &Arc<str>, written: written::Written| {
            let inside = written.0.into_iter().enumerate();
            for (seq, (ms, text)) in inside.filter(|(_, (ms, _))| (from_ms..to_ms).contains(ms)) {
                scanned += 1;
                if keep(&text) {
                    let (stream, seq) = (stream.clone(), seq as u32);
                    out.push(Line {
                        ms,
                        group,
                        stream,
                        seq,
                        text,
                    });
                }
            }
        };
        for (gi, (group, _)) in sel.groups.iter().enumerate() {
            match *group {
                Group::Endpoint(i) => {
                    let first = from_ms.div_euclid(MINUTE_MS) * 60;
                    for inst in instances(&self.world.endpoints[i]) {
                        if !wanted(&inst.name) {
                            continue;
                        }
                        let stream: Arc<str> = inst.name.as_str().into();
                        for m in (first..).step_by(60).take_while(|m| m * 1000 < to_ms) {
                            gather(gi, &stream, instance_minute(&self.world, i, &inst, m));
                        }
                    }
                }
                Group::Jobs => {
                    let (from, to) = (from_ms.div_euclid(1000), (to_ms - 1).div_euclid(1000));
                    let runs = {
                        let held = self.runs.lock().unwrap_or_else(|p| p.into_inner());
                        monitor::job_runs(&self.world, &held, &sel.account, from, to, now)
                    };
                    for run in runs {
                        let stream: Arc<str> = format!("{}/algo-1-{}", run.job, run.created).into();
                        if wanted(&stream) {
                            gather(gi, &stream, job_lines(&self.world, &run));
                        }
                    }
                }
            }
        }
        out.sort_by(|a, b| {
            (a.ms, &a.stream, a.seq, a.group).cmp(&(b.ms, &b.stream, b.seq, b.group))
        });
        (out, scanned)
    }
}

impl DemoLogs {
    pub(super) fn new(world: Arc<World>, runs: Arc<Mutex<Runs>>, clock: SharedClock) -> Self {
        Self {
            generator: Gen { world, runs, clock },
            timing: LogsTiming::default(),
            queries: Book::default(),
        }
    }

    pub(super) fn set_timing(&mut self, timing: LogsTiming) {
        self.timing = timing;
    }

    /// `f` of the target account's query `id`; ResourceNotFound for `call` when there is
    /// none, saying `why`.
    fn query<R>(
        &self,
        (call, why): (&str, &str),
        target: &LogTarget,
        id: &str,
        f: impl FnOnce(&mut Run<Evaluated>) -> R,
    ) -> Result<R, SourceError> {
        let ours = |r: &Run<Evaluated>| r.id == id && r.owner == target.account_id;
        let detail = || format!("query {} not found{why}", clean(id));
        let found = self.queries.with(ours, f);
        found.ok_or_else(|| not_found(call, detail()))
    }
}

/// `<chunk start, epoch s>:<events of that chunk already returned>`.
fn parse_token(token: &str) -> Option<(i64, usize)> {
    let (chunk, skip) = token.split_once(':')?;
    Some((chunk.parse().ok()?, skip.parse().ok()?))
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
        let now_ms = self.generator.now().saturating_mul(1000);
        // The clock jumped: what lies further back is left out, and said.
        let mut sampled = now_ms - self.from_ms > TAIL_CATCH_UP_MS;
        self.from_ms = self.from_ms.max(now_ms - TAIL_CATCH_UP_MS);
        let keep = |text: &str| self.pattern.matches(text);
        let (lines, _) = self.generator.lines(&self.sel, self.from_ms, now_ms, &keep);
        self.from_ms = self.from_ms.max(now_ms);
        // Beyond the most an update carries, a sample spread over the update.
        let (n, shown) = (lines.len(), lines.len().min(TAIL_MAX));
        sampled |= n > shown;
        let events = (0..shown).map(|k| lines[k * n / shown].event()).collect();
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
        let end = query.end.min(g.now());
        let answer = insights::parse(&query.query)
            .map(|plan| insights::evaluate(g, &sel, &plan, query.start, end));
        let n = self.queries.next_number() + 1;
        let id = format!("{:08x}-demo-4000-8000-{:012x}", mix(n, 0x1A) as u32, n);
        let t = self.timing;
        let run = Run::new((id.clone(), sel.account), t.scheduled, t.running, answer);
        self.queries.push(run);
        Ok(id)
    }

    async fn query_results(
        &self,
        target: &LogTarget,
        query_id: &str,
    ) -> Result<InsightsResults, SourceError> {
        let kept = format!(" (the demo keeps its last {KEPT_QUERIES} queries)");
        let call = ("GetQueryResults", kept.as_str());
        self.query(call, target, query_id, |r| insights::results(r))
    }

    async fn stop_query(&self, target: &LogTarget, query_id: &str) -> Result<(), SourceError> {
        let stopped = self.query(("StopQuery", ""), target, query_id, Run::cancel)?;
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
        let start_ms = start_ms.max((g.now() - RETENTION_SECS).saturating_mul(1000));
        // Inclusive end, never past the clock.
        let end_excl = end_ms
            .map_or(i64::MAX, |e| e.saturating_add(1))
            .min(g.now().saturating_mul(1000));
        let (mut chunk, mut skip) = match next {
            None => (start_ms.div_euclid(HOUR * 1000) * HOUR, 0),
            Some(t) => parse_token(t).ok_or_else(|| {
                let shown = clean(&t.chars().take(80).collect::<String>()).into_owned();
                invalid(call, format!("invalid nextToken {shown}"))
            })?,
        };
        let keep = |text: &str| pattern.matches(text);
        let mut events = Vec::new();
        // An hour at a time, up to a page, and to a day of logs read.
        for _ in 0..HOURS_PER_CALL {
            let from = (chunk * 1000).max(start_ms);
            if from >= end_excl {
                break;
            }
            let to = ((chunk + HOUR) * 1000).min(end_excl);
            let (lines, _) = g.lines(&sel, from, to, &keep);
            let room = PAGE - events.len();
            let rest = lines.get(skip..).unwrap_or_default();
            events.extend(rest.iter().take(room).map(Line::event));
            if rest.len() > room {
                let next = Some(format!("{chunk}:{}", skip + room));
                return Ok(EventsPage { events, next });
            }
            (chunk, skip) = (chunk + HOUR, 0);
            if events.len() == PAGE {
                break;
            }
        }
        let more = (chunk * 1000).max(start_ms) < end_excl;
        Ok(EventsPage {
            events,
            next: more.then(|| format!("{chunk}:0")),
        })
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
            from_ms: g.now().saturating_mul(1000),
            every: self.timing.tail_every,
        }))
    }
}

#[cfg(test)]
mod tests;
