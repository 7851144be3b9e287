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

use super::monitor::{self, JobRun, Runs};
use super::query::{Book, KEPT_QUERIES, Run, Stage};
use super::rng::{hash_str, mix, range, unit, uuid_of};
use super::story::{
    DRIFT_FULL_SECS, DRIFTING_FEATURE, INCIDENT_MODEL, LEAK, LOADING_SECS, MISSING_FEATURE,
};
use super::world::{SeriesRef, SimEndpoint, World};
use super::{refused, signal, utc};
use crate::clock::SharedClock;
use crate::logs::groups::PROCESSING_JOBS_GROUP;
use crate::logs::pattern::{self, Pattern};
use crate::source::SourceError;
use crate::source::logs::*;
use crate::source::metrics::MetricId;
use crate::source::model::{Epoch, ExecutionStatus};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MINUTE_MS: i64 = 60_000;
const HOUR: i64 = 3_600;
/// FilterLogEvents' page, as AWS's default.
pub const PAGE: usize = 1_000;
/// Hours of logs one FilterLogEvents call reads before answering (with a next token when
/// there is more, as AWS answers a long search with empty pages).
const HOURS_PER_CALL: i64 = 24;
/// The longest window an Insights query scans (an older start is moved up to it): the
/// query is evaluated when it starts, and three days of a busy group are some 60,000 lines.
pub const MAX_QUERY_SECS: i64 = 3 * 86_400;
/// How long the groups keep their logs: nothing is older than this before the clock's now,
/// so a search from long ago does not page through years of generated lines.
pub const RETENTION_SECS: i64 = 14 * 86_400;
/// Insights' own bound on `limit`.
const MAX_LIMIT: usize = 10_000;
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
    groups: Vec<(Group, String)>,
    prefix: Option<String>,
}

/// One generated line.
#[derive(Debug, Clone)]
struct Line {
    ms: i64,
    /// Index of its group in the selection (for `@log`).
    group: usize,
    stream: Arc<str>,
    stream_hash: u64,
    seq: u32,
    text: String,
}

impl Line {
    fn event_id(&self) -> String {
        format!("{:013}{:016x}{:05}", self.ms, self.stream_hash, self.seq)
    }

    fn event(&self) -> LogEvent {
        LogEvent::new(
            self.ms,
            &self.stream,
            self.text.as_bytes(),
            Some(&self.event_id()),
        )
    }
}

fn not_found(call: &str, detail: String) -> SourceError {
    refused(
        call.to_owned(),
        format!("ResourceNotFoundException: {detail}"),
    )
}

impl Gen {
    fn now(&self) -> Epoch {
        self.clock.now()
    }

    /// The target's groups as the world has them; an unknown one is ResourceNotFound, as
    /// AWS answers.
    fn select(&self, call: &str, target: &LogTarget) -> Result<Selection, SourceError> {
        let account = target.account_id.as_str();
        let clean = |s: &str| crate::sanitize::clean(s).into_owned();
        if target.groups.is_empty() {
            return Err(refused(
                call.to_owned(),
                "InvalidParameterException: no log group",
            ));
        }
        let mut groups = Vec::new();
        for g in &target.groups {
            // An ARN of the account's group names the same group.
            let arn_prefix = format!("arn:aws:logs:{}:{account}:log-group:", super::REGION);
            let name = g.strip_prefix(&arn_prefix).unwrap_or(g);
            let group = if name == PROCESSING_JOBS_GROUP {
                let has_runs = self.world.endpoints.iter().any(|e| {
                    e.endpoint.account_id == account && !e.endpoint.monitoring_schedules.is_empty()
                });
                has_runs.then_some(Group::Jobs)
            } else {
                name.strip_prefix("/aws/sagemaker/Endpoints/")
                    .and_then(|n| self.world.endpoint_index(account, n))
                    .filter(|&i| self.world.endpoints[i].profile.has_data)
                    .map(Group::Endpoint)
            };
            let Some(group) = group else {
                let (name, account) = (clean(name), clean(account));
                let detail =
                    format!("the specified log group does not exist: {name} in account {account}");
                return Err(not_found(call, detail));
            };
            groups.push((group, name.to_owned()));
        }
        Ok(Selection {
            account: account.to_owned(),
            groups,
            prefix: target.stream_prefix.clone(),
        })
    }

    /// The selection's lines with `from_ms <= ms < to_ms`, written before `now`, matching
    /// `keep`, oldest first (ties by stream, then order in the stream).
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
        let mut out = Vec::new();
        let mut scanned = 0u64;
        if to_ms <= from_ms {
            return (out, scanned);
        }
        let wanted = |stream: &str| sel.prefix.as_deref().is_none_or(|p| stream.starts_with(p));
        // One stream's lines, in its order: those in the window are scanned, those `keep`
        // wants are kept.
        let mut gather = |group: usize,
                          stream: &Arc<str>,
                          stream_hash: u64,
                          lines: &mut dyn Iterator<Item = (i64, String)>| {
            for (seq, (ms, text)) in lines.enumerate() {
                if ms < from_ms || ms >= to_ms {
                    continue;
                }
                scanned += 1;
                if keep(&text) {
                    out.push(Line {
                        ms,
                        group,
                        stream: stream.clone(),
                        stream_hash,
                        seq: seq as u32,
                        text,
                    });
                }
            }
        };
        let mut buf = Vec::new();
        for (gi, (group, _)) in sel.groups.iter().enumerate() {
            match *group {
                Group::Endpoint(i) => {
                    let e = &self.world.endpoints[i];
                    for inst in instances(e).into_iter().filter(|s| wanted(&s.name)) {
                        let stream: Arc<str> = inst.name.as_str().into();
                        let stream_hash = hash_str(&inst.name);
                        let mut m = from_ms.div_euclid(MINUTE_MS) * 60;
                        while m * 1000 < to_ms {
                            buf.clear();
                            instance_minute(&self.world, i, &inst, m, &mut buf);
                            gather(gi, &stream, stream_hash, &mut buf.drain(..));
                            m += 60;
                        }
                    }
                }
                Group::Jobs => {
                    let runs = {
                        let held = self.runs.lock().unwrap_or_else(|p| p.into_inner());
                        monitor::job_runs(
                            &self.world,
                            &held,
                            &sel.account,
                            from_ms.div_euclid(1000),
                            (to_ms - 1).div_euclid(1000),
                            now,
                        )
                    };
                    for run in runs {
                        let name = format!("{}/algo-1-{}", run.job, run.created);
                        if !wanted(&name) {
                            continue;
                        }
                        let stream: Arc<str> = name.as_str().into();
                        let stream_hash = hash_str(&name);
                        let lines = job_lines(&self.world, &run);
                        gather(gi, &stream, stream_hash, &mut lines.into_iter());
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

/// One instance of a variant: its stream `<variant>/<instance-id>`.
struct Instance {
    variant: usize,
    /// Gunicorn's master pid, for its lines.
    pid: u32,
    name: String,
}

/// The instances of an endpoint: one per variant, two where its share of the peak traffic
/// is over 1,200 requests a minute. Named from the endpoint's identity, not the seed.
fn instances(e: &SimEndpoint) -> Vec<Instance> {
    let base = mix(hash_str(&e.endpoint.account_id), hash_str(&e.endpoint.name));
    let mut out = Vec::new();
    for (v, (variant, weight)) in e.weighted_variants().into_iter().enumerate() {
        let count = 1 + usize::from(e.profile.peak_rpm * weight > 1200.0);
        for k in 0..count {
            let h = mix(base, (v * 16 + k) as u64);
            out.push(Instance {
                variant: v,
                pid: 7 + (h % 90) as u32,
                name: format!("{variant}/i-0{:016x}", mix(h, 1)),
            });
        }
    }
    out
}

/// Python logging's timestamp format.
fn stamp(ms: i64) -> String {
    utc(ms, "%Y-%m-%d %H:%M:%S,%3f")
}

/// Gunicorn's own timestamp format.
fn gunicorn_stamp(ms: i64) -> String {
    utc(ms, "[%Y-%m-%d %H:%M:%S %z]")
}

fn request_id(h: u64) -> String {
    uuid_of(mix(h, 0xA), mix(h, 0xB))
}

/// The model the endpoint serves at `t`: the incident's update brings a new one.
fn model_version(e: &SimEndpoint, t: Epoch) -> String {
    let n = 3 + mix(hash_str(&e.endpoint.name), 0x5E) % 40;
    match e.profile.incident {
        Some(inc) if t >= inc.update_at => INCIDENT_MODEL.to_owned(),
        _ => format!("{}-v{n}", e.endpoint.name),
    }
}

fn series_value(world: &World, i: usize, metric: MetricId, variant: usize, t: Epoch) -> f64 {
    signal::value(
        world,
        &SeriesRef {
            endpoint: i,
            metric,
            variant,
        },
        t,
    )
    .unwrap_or(0.0)
}

/// When the endpoint's instances last restarted at or before `t` (as the memory series has it).
fn last_restart(e: &SimEndpoint, t: Epoch) -> Epoch {
    let p = &e.profile;
    t - (t - p.restart_anchor).rem_euclid(p.restart_period.max(HOUR))
}

/// A model server line: Python logging's timestamp, then `text`.
fn py(ms: i64, text: impl std::fmt::Display) -> (i64, String) {
    (ms, format!("{} {text}", stamp(ms)))
}

/// Gunicorn and the model server starting, from `ms` on.
fn boot(out: &mut Vec<(i64, String)>, ms: i64, pid: u32, version: &str, why: &str) {
    let g = format!("{} [{pid}] [INFO]", gunicorn_stamp(ms));
    out.extend([
        (ms, format!("{g} Starting gunicorn 22.0.0 ({why})")),
        (
            ms + 3,
            format!("{g} Listening at: unix:/tmp/gunicorn.sock ({pid})"),
        ),
        (ms + 6, format!("{g} Booting worker with pid: {}", pid + 11)),
        (ms + 7, format!("{g} Booting worker with pid: {}", pid + 22)),
        py(
            ms + 900,
            "INFO [inference] loading model from /opt/ml/model",
        ),
        py(
            ms + 4_200,
            format!("INFO [inference] model {version} loaded in 3.3 s"),
        ),
    ]);
}

/// The lines of one instance in the minute starting at `m` (epoch seconds): (ms, text).
fn instance_minute(
    world: &World,
    i: usize,
    inst: &Instance,
    m: Epoch,
    out: &mut Vec<(i64, String)>,
) {
    let e = &world.endpoints[i];
    let v = inst.variant;
    let h = mix(e.noise ^ hash_str(&inst.name), m as u64);
    let base = m * 1000;
    let at = |salt: u64| base + (mix(h, salt) % 60_000) as i64;
    let version = model_version(e, m);

    // The health check SageMaker sends (the container logs one a minute).
    let ms = base + 1_000 + (h % 4_000) as i64;
    let ip = format!("10.2.{}.{}", (h >> 8) % 250 + 1, (h >> 16) % 250 + 1);
    let when = utc(ms, "%d/%b/%Y:%H:%M:%S +0000");
    out.push((
        ms,
        format!("{ip} - - [{when}] \"GET /ping HTTP/1.1\" 200 1 \"-\" \"AHC/2.0\""),
    ));

    // Sampled requests: more when busier.
    let rpm = series_value(world, i, MetricId::Invocations, v, m);
    let peak = (e.profile.peak_rpm * e.weights.get(v).copied().unwrap_or(1.0)).max(1.0);
    let load = (rpm / peak).clamp(0.0, 1.0);
    let n = 2 + (2.0 * load + unit(mix(h, 1))) as u64;
    let latency_ms = series_value(world, i, MetricId::ModelLatency, v, m) / 1000.0;
    for r in 0..n.min(4) {
        let lat = latency_ms * range(mix(h, 20 + r), 0.7, 1.3);
        let rid = request_id(mix(h, 30 + r));
        out.push(py(
            at(10 + r),
            format!("INFO [inference] request_id={rid} POST /invocations 200 latency_ms={lat:.1} model={version}"),
        ));
    }

    // A worker recycled after its max requests, now and then.
    if unit(mix(h, 2)) < 0.03 {
        let ms = at(3);
        let g = gunicorn_stamp(ms);
        let old = inst.pid + 11 + (mix(h, 4) % 500) as u32;
        out.extend([
            (
                ms,
                format!("{g} [{old}] [INFO] Autorestarting worker after current request."),
            ),
            (
                ms + 40,
                format!("{g} [{old}] [INFO] Worker exiting (pid: {old})"),
            ),
            (
                ms + 60,
                format!(
                    "{g} [{}] [INFO] Booting worker with pid: {}",
                    inst.pid,
                    old + 1
                ),
            ),
        ]);
    }

    // The instance restarted (the memory series drops at the same instant).
    let restart = last_restart(e, m + 59);
    if restart >= m {
        let why = "instance restarted";
        boot(out, restart * 1000 + 250, inst.pid, &version, why);
    }

    if let Some(inc) = e.profile.incident {
        incident_minute(e, inc.update_at, inst, m, h, out);
    }

    // The staging leak: the model server watches its own memory.
    let mem = series_value(world, i, MetricId::Memory, v, m);
    if e.profile.mem_creep_per_hour > 1.0 && mem > LEAK.warn_above {
        let hours = (m - last_restart(e, m)) as f64 / HOUR as f64;
        let rss = mem / 100.0 * 3.6;
        out.push(py(
            at(5),
            format!("WARNING [memory] memory at {mem:.1}% of the instance; worker RSS {rss:.2} GiB and growing since the restart {hours:.0} h ago"),
        ));
        if mem > LEAK.kill_above && unit(mix(h, 6)) < 0.2 {
            let ms = at(7);
            let pid = inst.pid + 11 + (mix(h, 8) % 500) as u32;
            let g = gunicorn_stamp(ms);
            out.push((
                ms,
                format!(
                    "{g} [{}] [ERROR] Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?",
                    inst.pid
                ),
            ));
        }
    }
    // A line belongs to the minute that made it: what would spill over (a boot sequence
    // near the minute's end) is kept at its last millisecond, so every window over the
    // minute sees the same lines and event ids stay unique.
    for (ms, _) in out.iter_mut() {
        *ms = (*ms).clamp(base, base + MINUTE_MS - 1);
    }
    out.sort_by_key(|(ms, _)| *ms);
}

/// prod fraud-detector's lines from its update on: the new model's client stopped sending
/// `merchant_category` and sends larger amounts; warnings and tracebacks grow with the drift.
fn incident_minute(
    e: &SimEndpoint,
    update_at: Epoch,
    inst: &Instance,
    m: Epoch,
    h: u64,
    out: &mut Vec<(i64, String)>,
) {
    if m + 60 <= update_at {
        return;
    }
    let at = |salt: u64| m * 1000 + (mix(h, salt) % 60_000) as i64;
    if update_at >= m {
        let version = model_version(e, update_at);
        boot(
            out,
            update_at * 1000 + 500,
            inst.pid,
            &version,
            "UpdateEndpoint",
        );
        return;
    }
    // The five minutes of 5xx right after the deployment.
    if m < update_at + LOADING_SECS {
        for k in 0..2 {
            let rid = request_id(mix(h, 50 + k));
            out.push(py(
                at(40 + k),
                format!("ERROR [inference] request_id={rid} POST /invocations 503: model is still loading"),
            ));
        }
    }
    // 0.15 just after the update, 1.0 three hours later.
    let f = ((m - update_at) as f64 / DRIFT_FULL_SECS as f64).clamp(0.15, 1.0);
    let warns = 1 + (3.0 * f + unit(mix(h, 60))) as u64;
    for k in 0..warns.min(5) {
        let rid = request_id(mix(h, 80 + k));
        let what = if mix(h, 90 + k).is_multiple_of(4) {
            let amount = range(mix(h, 100 + k), 4_500.0, 25_000.0);
            format!("'{DRIFTING_FEATURE}' = {amount:.2} is above the baseline's p99 (4210.00)")
        } else {
            format!("'{MISSING_FEATURE}' missing from request: imputing 0")
        };
        out.push(py(
            at(70 + k),
            format!("WARNING [features] request_id={rid} feature {what}"),
        ));
    }
    if unit(mix(h, 110)) < 0.1 + 0.5 * f {
        let ms = at(120);
        let rid = request_id(mix(h, 130));
        let lines = [
            py(ms, format!("ERROR [features] request_id={rid} encoding failed, scored with imputed features")).1,
            "Traceback (most recent call last):".to_owned(),
            "  File \"/opt/ml/code/inference.py\", line 88, in predict_fn".to_owned(),
            "    features = encode(payload)".to_owned(),
            "  File \"/opt/ml/code/features.py\", line 41, in encode".to_owned(),
            format!("    row.append(CATEGORY_INDEX[payload[\"{MISSING_FEATURE}\"]])"),
            format!("KeyError: '{MISSING_FEATURE}'"),
        ];
        for (k, text) in lines.into_iter().enumerate() {
            out.push((ms + k as i64, text));
        }
    }
}

/// The analyzer's lines of one monitoring run: (ms, text), its whole run (the caller keeps
/// what the clock has reached).
fn job_lines(world: &World, run: &JobRun) -> Vec<(i64, String)> {
    let e = &world.endpoints[run.endpoint].endpoint;
    let span_ms = ((run.ends - run.began) * 1000).max(1_000);
    let at = |frac: f64| run.began * 1000 + (span_ms as f64 * frac) as i64;
    let window = |t: Epoch| utc(t * 1000, "%Y-%m-%dT%H:%M:%SZ");
    let (from, to) = (window(run.window), window(run.window + run.period));
    let capture = format!(
        "s3://sagemaker-{}-{}/{}/datacapture",
        super::REGION,
        e.account_id,
        e.name
    );
    let definition = run.job_definition.as_deref().unwrap_or("(inline)");
    let (schedule, kind) = (&run.schedule, run.monitoring_type);
    let mut lines: Vec<(i64, &str, String)> = vec![
        (
            at(0.0),
            "INFO",
            format!(
                "Starting sagemaker-model-monitor-analyzer for processing job {}",
                run.job
            ),
        ),
        (
            at(0.0) + 20,
            "INFO",
            format!(
                "Monitoring schedule {schedule}, analysis type {kind}, endpoint {}, job definition {definition}",
                e.name
            ),
        ),
        (
            at(0.03),
            "INFO",
            format!("Reading baseline constraints from {}", run.baseline_uri),
        ),
        (
            at(0.06),
            "INFO",
            format!("Reading captured data from {capture} between {from} and {to}"),
        ),
    ];
    let ends = run.ends * 1000;
    if run.outcome == ExecutionStatus::Failed {
        let reason = run.failure_reason.as_deref();
        let reason = reason.unwrap_or("AlgorithmError: the analyzer stopped");
        lines.push((ends - 200, "ERROR", reason.to_owned()));
        lines.push((ends, "ERROR", format!("Job failed: {reason}")));
    } else {
        let records = 20_000 + mix(hash_str(&run.job), 0x10) % 40_000;
        let detail = if run.monitoring_type == "ModelQuality" {
            format!(" ({} with ground truth merged)", records * 85 / 100)
        } else {
            String::new()
        };
        lines.push((
            at(0.4),
            "INFO",
            format!("Records analysed: {records}{detail}"),
        ));
        let n = run.checks.len().max(1) as f64;
        for (k, c) in run.checks.iter().enumerate() {
            let (level, verdict) = match c.violated {
                true => ("WARN", "Constraint violation"),
                false => ("INFO", "Constraint check passed"),
            };
            let (subject, check, observed, threshold) =
                (&c.subject, &c.check, c.observed, c.threshold);
            let text = format!(
                "{verdict}: {subject} {check}: observed {observed:.4}, threshold {threshold}"
            );
            lines.push((at(0.5 + 0.4 * k as f64 / n), level, text));
        }
        let violated: Vec<&str> = run
            .checks
            .iter()
            .filter(|c| c.violated)
            .map(|c| c.subject.as_str())
            .collect();
        let found = match violated.len() {
            0 => "No violations found".to_owned(),
            n => format!("Violations found: {n} ({})", violated.join(", ")),
        };
        let report = &run.report_uri;
        lines.push((
            at(0.95),
            "INFO",
            format!("{found}; report written to {report}"),
        ));
        lines.push((ends, "INFO", format!("Completed: {}", run.outcome.as_str())));
    }
    lines
        .into_iter()
        .map(|(ms, level, text)| (ms, format!("{} - {level} - {text}", stamp(ms))))
        .collect()
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
}

/// `<chunk start, epoch s>:<events of that chunk already returned>`.
fn parse_token(token: &str) -> Option<(i64, usize)> {
    let (chunk, skip) = token.split_once(':')?;
    Some((chunk.parse().ok()?, skip.parse().ok()?))
}

// ---------------------------------------------------------------------------------------
// Insights

/// The fields a demo line has.
const FIELDS: [&str; 4] = ["@timestamp", "@message", "@logStream", "@log"];

/// What the demo evaluates, said when a query asks for more.
const EVALUATED: &str = "the demo evaluates: fields @timestamp, @message, @logStream, @log; \
     filter <field> like /regex/ (or \"text\"); sort @timestamp asc|desc; limit N; \
     stats count(*) [by bin(5m)]";

#[derive(Debug)]
enum Filter {
    Regex(regex_lite::Regex),
    Contains(String),
}

#[derive(Debug)]
struct Plan {
    fields: Vec<&'static str>,
    filters: Vec<(&'static str, Filter)>,
    descending: bool,
    limit: usize,
    /// `stats count(*)`, by bins of so many seconds (None: one row).
    stats: Option<Option<i64>>,
}

/// Splits on `|` outside regex literals and quotes.
fn commands(query: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut in_regex, mut in_quote, mut escaped) = (false, false, false);
    for c in query.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_regex || in_quote => {
                escaped = true;
                cur.push(c);
            }
            '/' if !in_quote => {
                in_regex = !in_regex;
                cur.push(c);
            }
            '"' if !in_regex => {
                in_quote = !in_quote;
                cur.push(c);
            }
            '|' if !in_regex && !in_quote => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if in_regex || in_quote {
        return Err(format!("an unclosed regex or quote; {EVALUATED}"));
    }
    out.push(cur);
    Ok(out
        .into_iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect())
}

fn field(name: &str) -> Result<&'static str, String> {
    FIELDS.iter().find(|f| **f == name).copied().ok_or_else(|| {
        format!(
            "unknown field {}; {EVALUATED}",
            crate::logs::line::safe_line(name.as_bytes(), 80)
        )
    })
}

fn parse_plan(query: &str) -> Result<Plan, String> {
    let mut plan = Plan {
        fields: Vec::new(),
        filters: Vec::new(),
        descending: true,
        limit: MAX_LIMIT,
        stats: None,
    };
    let shown = |s: &str| crate::logs::line::safe_line(s.as_bytes(), 80);
    for cmd in commands(query)? {
        let (word, rest) = cmd.split_once(char::is_whitespace).unwrap_or((&cmd, ""));
        let rest = rest.trim();
        match word {
            "fields" => {
                for f in rest.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                    let f = field(f)?;
                    if !plan.fields.contains(&f) {
                        plan.fields.push(f);
                    }
                }
            }
            "filter" => {
                let mut parts = rest.splitn(3, char::is_whitespace);
                let (Some(name), Some(op), Some(value)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(format!("filter {}: {EVALUATED}", shown(rest)));
                };
                let name = field(name)?;
                let value = value.trim();
                if op != "like" && op != "=~" {
                    return Err(format!("filter operator {}: {EVALUATED}", shown(op)));
                }
                let filter = if let Some(re) =
                    value.strip_prefix('/').and_then(|v| v.strip_suffix('/'))
                {
                    // `\/` is the delimiter escaped, not part of the pattern.
                    let re = re.replace("\\/", "/");
                    Filter::Regex(
                        regex_lite::RegexBuilder::new(&re)
                            .size_limit(1 << 20)
                            .build()
                            .map_err(|e| format!("regex /{}/: {e}", shown(&re)))?,
                    )
                } else if let Some(text) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'))
                {
                    Filter::Contains(text.to_owned())
                } else {
                    return Err(format!("filter value {}: {EVALUATED}", shown(value)));
                };
                plan.filters.push((name, filter));
            }
            "sort" => {
                let mut parts = rest.split_whitespace();
                if parts.next() != Some("@timestamp") {
                    return Err(format!("sort {}: {EVALUATED}", shown(rest)));
                }
                plan.descending = match parts.next() {
                    None | Some("desc") => true,
                    Some("asc") => false,
                    Some(other) => return Err(format!("sort order {}: {EVALUATED}", shown(other))),
                };
            }
            "limit" => {
                plan.limit = rest
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| format!("limit {}: 1 to {MAX_LIMIT}", shown(rest)))?;
            }
            "stats" => {
                let compact: String = rest.split_whitespace().collect::<Vec<_>>().join(" ");
                let bin = if compact == "count(*)" {
                    None
                } else {
                    let spec = compact
                        .strip_prefix("count(*) by bin(")
                        .and_then(|s| s.strip_suffix(')'))
                        .ok_or_else(|| format!("stats {}: {EVALUATED}", shown(rest)))?;
                    let (n, unit) = spec.split_at(spec.len().saturating_sub(1));
                    let n: i64 = n
                        .parse()
                        .map_err(|_| format!("bin({}): {EVALUATED}", shown(spec)))?;
                    let secs = match unit {
                        "s" => n,
                        "m" => n * 60,
                        "h" => n * 3600,
                        _ => return Err(format!("bin({}): s, m or h", shown(spec))),
                    };
                    if !(1..=86_400).contains(&secs) {
                        return Err(format!("bin({}): 1 s to 1 day", shown(spec)));
                    }
                    Some(secs)
                };
                plan.stats = Some(bin);
            }
            other => {
                return Err(format!("the command {}: {EVALUATED}", shown(other)));
            }
        }
    }
    if plan.fields.is_empty() {
        plan.fields = vec!["@timestamp", "@message"];
    }
    Ok(plan)
}

fn insights_time(ms: i64) -> String {
    utc(ms, "%Y-%m-%d %H:%M:%S%.3f")
}

/// A query's answer, computed when it starts (the window is then fixed).
#[derive(Debug)]
struct Evaluated {
    rows: Vec<Vec<(String, String)>>,
    matched: u64,
    scanned: u64,
    bytes: u64,
}

/// `stats count(*)`, in one row or by bins of `bin` seconds.
fn counted(matched: &[&Line], bin: Option<i64>, plan: &Plan) -> Vec<Vec<(String, String)>> {
    let mut counts: std::collections::BTreeMap<i64, u64> = Default::default();
    for l in matched {
        let key = bin.map_or(0, |b| (l.ms / 1000).div_euclid(b) * b);
        *counts.entry(key).or_default() += 1;
    }
    let label = bin.map(|b| match b {
        b if b % 3600 == 0 => format!("bin({}h)", b / 3600),
        b if b % 60 == 0 => format!("bin({}m)", b / 60),
        b => format!("bin({b}s)"),
    });
    let mut rows: Vec<Vec<(String, String)>> = counts
        .into_iter()
        .map(|(t, n)| {
            let mut row = Vec::new();
            if let Some(label) = &label {
                row.push((label.clone(), insights_time(t * 1000)));
            }
            row.push(("count(*)".to_owned(), n.to_string()));
            row
        })
        .collect();
    if plan.descending && label.is_some() {
        rows.reverse();
    }
    rows.truncate(plan.limit);
    rows
}

fn evaluate(generator: &Gen, sel: &Selection, plan: &Plan, start: Epoch, end: Epoch) -> Evaluated {
    let start = start.max(end - MAX_QUERY_SECS);
    let keep = |_: &str| true;
    let (lines, scanned) = generator.lines(sel, start * 1000, (end + 1) * 1000, &keep);
    let bytes: u64 = lines
        .iter()
        .map(|l| (l.text.len() + l.stream.len()) as u64)
        .sum();
    let value = |l: &Line, f: &str| -> String {
        match f {
            "@timestamp" => insights_time(l.ms),
            "@message" => l.text.clone(),
            "@logStream" => l.stream.to_string(),
            _ => format!("{}:{}", sel.account, sel.groups[l.group].1),
        }
    };
    let mut matched: Vec<&Line> = lines
        .iter()
        .filter(|l| {
            plan.filters.iter().all(|(f, filter)| {
                let v = match *f {
                    "@message" => std::borrow::Cow::Borrowed(l.text.as_str()),
                    "@logStream" => std::borrow::Cow::Borrowed(&*l.stream),
                    other => std::borrow::Cow::Owned(value(l, other)),
                };
                match filter {
                    Filter::Regex(re) => re.is_match(&v),
                    Filter::Contains(t) => v.contains(t.as_str()),
                }
            })
        })
        .collect();
    let n_matched = matched.len() as u64;
    let rows: Vec<Vec<(String, String)>> = match plan.stats {
        Some(bin) => counted(&matched, bin, plan),
        None => {
            if plan.descending {
                matched.reverse();
            }
            matched.truncate(plan.limit);
            matched
                .iter()
                .map(|l| {
                    plan.fields
                        .iter()
                        .map(|f| ((*f).to_owned(), value(l, f)))
                        .collect()
                })
                .collect()
        }
    };
    Evaluated {
        rows,
        matched: n_matched,
        scanned,
        bytes,
    }
}

fn insights_state(stage: Stage) -> InsightsState {
    match stage {
        Stage::Queued => InsightsState::Scheduled,
        Stage::Running => InsightsState::Running,
        Stage::Done => InsightsState::Complete,
        Stage::Failed => InsightsState::Failed,
        Stage::Cancelled => InsightsState::Cancelled,
    }
}

/// Insights' answer of a run, as far as it has come.
fn results(run: &Run<Evaluated>) -> InsightsResults {
    let (stage, done) = run.stage();
    let state = insights_state(stage);
    match &run.answer {
        Err(reason) if state == InsightsState::Failed => InsightsResults::from_fields(
            Some(state),
            InsightsStats::default(),
            vec![vec![("reason", reason.as_str())]],
        ),
        Err(_) => InsightsResults {
            state: Some(state),
            ..Default::default()
        },
        Ok(ev) => {
            let shown = (ev.rows.len() as f64 * done).ceil() as usize;
            let stats = InsightsStats {
                records_matched: (ev.matched as f64 * done).round(),
                records_scanned: (ev.scanned as f64 * done).round(),
                bytes_scanned: (ev.bytes as f64 * done).round(),
            };
            InsightsResults::from_fields(
                Some(state),
                stats,
                ev.rows
                    .iter()
                    .take(shown)
                    .map(|r| r.iter().map(|(f, v)| (f.as_str(), v.as_str())).collect()),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------
// Live tail

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
        let mut sampled = false;
        if now_ms - self.from_ms > TAIL_CATCH_UP_MS {
            // The clock jumped: what lies further back is left out, and said.
            self.from_ms = now_ms - TAIL_CATCH_UP_MS;
            sampled = true;
        }
        let pattern = &self.pattern;
        let keep = |text: &str| pattern.matches(text);
        let (lines, _) = self.generator.lines(&self.sel, self.from_ms, now_ms, &keep);
        self.from_ms = self.from_ms.max(now_ms);
        let events: Vec<LogEvent> = if lines.len() > TAIL_MAX {
            sampled = true;
            // Spread over the update, as a sample is.
            let n = lines.len();
            (0..TAIL_MAX)
                .map(|k| lines[k * n / TAIL_MAX].event())
                .collect()
        } else {
            lines.iter().map(Line::event).collect()
        };
        Ok(Some(LiveUpdate { events, sampled }))
    }
}

#[async_trait]
impl LogsSource for DemoLogs {
    async fn start_query(&self, query: &InsightsQuery) -> Result<String, SourceError> {
        let g = &self.generator;
        let sel = g.select("StartQuery", &query.target)?;
        if query.end < query.start {
            return Err(refused(
                "StartQuery",
                "InvalidParameterException: endTime is before startTime",
            ));
        }
        let end = query.end.min(g.now());
        let answer =
            parse_plan(&query.query).map(|plan| evaluate(g, &sel, &plan, query.start, end));
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
        let ours = |r: &Run<Evaluated>| r.id == query_id && r.owner == target.account_id;
        self.queries.with(ours, |r| results(r)).ok_or_else(|| {
            not_found(
                "GetQueryResults",
                format!(
                    "query {} not found (the demo keeps its last {KEPT_QUERIES} queries)",
                    crate::sanitize::clean(query_id)
                ),
            )
        })
    }

    async fn stop_query(&self, target: &LogTarget, query_id: &str) -> Result<(), SourceError> {
        let ours = |r: &Run<Evaluated>| r.id == query_id && r.owner == target.account_id;
        let stopped = self.queries.with(ours, Run::cancel).ok_or_else(|| {
            not_found(
                "StopQuery",
                format!("query {} not found", crate::sanitize::clean(query_id)),
            )
        })?;
        // As AWS: a finished query cannot be stopped.
        stopped.map_err(|stage| {
            refused(
                "StopQuery",
                format!(
                    "InvalidParameterException: the query is already {}",
                    insights_state(stage).as_str()
                ),
            )
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
        let invalid = |detail: String| {
            refused(
                call.to_owned(),
                format!("InvalidParameterException: {detail}"),
            )
        };
        let g = &self.generator;
        let sel = g.select(call, target)?;
        let pattern = pattern::parse_optional(pattern).map_err(&invalid)?;
        let start_ms = start_ms.max((g.now() - RETENTION_SECS).saturating_mul(1000));
        // Inclusive end, never past the clock.
        let end_excl = end_ms
            .map_or(i64::MAX, |e| e.saturating_add(1))
            .min(g.now().saturating_mul(1000));
        let (mut chunk, mut skip) = match next {
            None => (start_ms.div_euclid(HOUR * 1000) * HOUR, 0),
            Some(t) => parse_token(t).ok_or_else(|| {
                invalid(format!(
                    "invalid nextToken {}",
                    crate::sanitize::clean(&t.chars().take(80).collect::<String>())
                ))
            })?,
        };
        let keep = |text: &str| pattern.matches(text);
        let mut events = Vec::new();
        for _ in 0..HOURS_PER_CALL {
            let from = (chunk * 1000).max(start_ms);
            let to = ((chunk + HOUR) * 1000).min(end_excl);
            if from >= end_excl {
                return Ok(EventsPage { events, next: None });
            }
            let (lines, _) = g.lines(&sel, from, to, &keep);
            let room = PAGE - events.len();
            let rest = lines.get(skip..).unwrap_or_default();
            events.extend(rest.iter().take(room).map(Line::event));
            if rest.len() > room {
                return Ok(EventsPage {
                    events,
                    next: Some(format!("{chunk}:{}", skip + room)),
                });
            }
            chunk += HOUR;
            skip = 0;
            if events.len() == PAGE {
                break;
            }
        }
        let more = chunk * 1000 < end_excl;
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
        let g = &self.generator;
        if target.groups.len() > 10 {
            return Err(LiveError::Failed(refused(
                "StartLiveTail",
                "InvalidParameterException: at most 10 log groups",
            )));
        }
        let sel = g
            .select("StartLiveTail", target)
            .map_err(LiveError::Failed)?;
        let pattern = pattern::parse_optional(pattern).map_err(|e| {
            LiveError::Failed(refused(
                "StartLiveTail",
                format!("InvalidParameterException: {e}"),
            ))
        })?;
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
