//! What the demo's processes write: an instance's health checks, Gunicorn and the model
//! server each minute, and Model Monitor's analyzer over a run. The lines are templates
//! (below), their few values filled in as they are written.

use super::{HOUR, MINUTE_MS};
use crate::source::demo::monitor::JobRun;
use crate::source::demo::rng::{hash_str, mix, range, unit, uuid_of};
use crate::source::demo::story::{
    DRIFT_FULL_SECS, DRIFTING_FEATURE, INCIDENT_MODEL, LEAK, LOADING_SECS, MISSING_FEATURE,
};
use crate::source::demo::world::{REGION, SeriesRef, SimEndpoint, World};
use crate::source::demo::{signal, utc};
use crate::source::metrics::MetricId;
use crate::source::model::{Epoch, ExecutionStatus};
use std::fmt::{Display, Write};

/// A template's `{name}`s and their values.
type Values<'a> = [(&'a str, &'a dyn Display)];

/// The values of the variables named, each for the `{name}` of its name.
macro_rules! values {
    ($($name:ident),*) => {
        &[$((stringify!($name), &$name as &dyn Display)),*]
    };
}

/// Gunicorn and the model server starting. A burst is lines written together, one a row:
/// `<ms after the first> <template>`.
const BOOT: &str = "\
0 {gunicorn} [{pid}] [INFO] Starting gunicorn 22.0.0 ({why})
3 {gunicorn} [{pid}] [INFO] Listening at: unix:/tmp/gunicorn.sock ({pid})
6 {gunicorn} [{pid}] [INFO] Booting worker with pid: {first}
7 {gunicorn} [{pid}] [INFO] Booting worker with pid: {second}
900 {py} INFO [inference] loading model from /opt/ml/model
4200 {py} INFO [inference] model {version} loaded in 3.3 s";

/// A worker recycled after its max requests.
const RECYCLED: &str = "\
0 {gunicorn} [{old}] [INFO] Autorestarting worker after current request.
40 {gunicorn} [{old}] [INFO] Worker exiting (pid: {old})
60 {gunicorn} [{pid}] [INFO] Booting worker with pid: {new}";

/// A request the incident's model could not encode.
const TRACEBACK: &str = "\
0 {py} ERROR [features] request_id={rid} encoding failed, scored with imputed features
1 Traceback (most recent call last):
2   File \"/opt/ml/code/inference.py\", line 88, in predict_fn
3     features = encode(payload)
4   File \"/opt/ml/code/features.py\", line 41, in encode
5     row.append(CATEGORY_INDEX[payload[\"{missing}\"]])
6 KeyError: '{missing}'";

const HEALTH_CHECK: &str = "{ip} - - [{when}] \"GET /ping HTTP/1.1\" 200 1 \"-\" \"AHC/2.0\"";
const REQUEST: &str = "{py} INFO [inference] request_id={rid} POST /invocations 200 latency_ms={latency} model={version}";
const STILL_LOADING: &str =
    "{py} ERROR [inference] request_id={rid} POST /invocations 503: model is still loading";
const FEATURE_MISSING: &str =
    "{py} WARNING [features] request_id={rid} feature '{missing}' missing from request: imputing 0";
const FEATURE_DRIFTED: &str = "{py} WARNING [features] request_id={rid} feature '{drifting}' = \
     {amount} is above the baseline's p99 (4210.00)";
const MEMORY_WARNING: &str = "{py} WARNING [memory] memory at {memory}% of the instance; worker \
     RSS {rss} GiB and growing since the restart {hours} h ago";
const OOM_KILLED: &str =
    "{gunicorn} [{pid}] [ERROR] Worker (pid:{killed}) was sent SIGKILL! Perhaps out of memory?";

/// What the analyzer logs as a run starts, at the times `job_lines` gives.
const ANALYZER_STARTS: [&str; 4] = [
    "{py} - INFO - Starting sagemaker-model-monitor-analyzer for processing job {job}",
    "{py} - INFO - Monitoring schedule {schedule}, analysis type {kind}, endpoint {endpoint}, \
     job definition {definition}",
    "{py} - INFO - Reading baseline constraints from {baseline}",
    "{py} - INFO - Reading captured data from {capture} between {from} and {to}",
];
/// What it logs when it failed, at its end.
const ANALYZER_FAILED: [&str; 2] = [
    "{py} - ERROR - {reason}",
    "{py} - ERROR - Job failed: {reason}",
];
/// What it logs when it has analysed the data: the records, then (after each check) what it
/// found, and its end.
const ANALYZER_FOUND: [&str; 3] = [
    "{py} - INFO - Records analysed: {records}{merged}",
    "{py} - INFO - {found}; report written to {report}",
    "{py} - INFO - Completed: {outcome}",
];
const CHECK_PASSED: &str = "{py} - INFO - Constraint check passed: {subject} {check}: \
     observed {observed}, threshold {threshold}";
const VIOLATION: &str = "{py} - WARN - Constraint violation: {subject} {check}: \
     observed {observed}, threshold {threshold}";

/// Lines as (ms, text), in the order written.
#[derive(Debug, Default)]
pub(super) struct Written(pub Vec<(i64, String)>);

impl Written {
    /// A burst (above), its first line at `ms`; Gunicorn stamps the burst once.
    fn burst(&mut self, ms: i64, burst: &str, values: &Values) {
        let gunicorn = utc(ms, "[%Y-%m-%d %H:%M:%S %z]");
        for row in burst.lines() {
            let (after, template) = row.split_once(' ').unwrap_or(("0", row));
            let at = ms + after.parse::<i64>().unwrap_or(0);
            let values = [&[("gunicorn", &gunicorn as &dyn Display)], values].concat();
            self.line(at, template, &values);
        }
    }

    /// `template` written at `ms`: its `{py}` is Python logging's timestamp, any other
    /// `{name}` that value.
    fn line(&mut self, ms: i64, template: &str, values: &Values) {
        let mut text = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some((before, hole)) = rest.split_once('{') {
            let (name, tail) = hole.split_once('}').unwrap_or((hole, ""));
            text.push_str(before);
            if name == "py" {
                text.push_str(&utc(ms, "%Y-%m-%d %H:%M:%S,%3f"));
            } else if let Some((_, value)) = values.iter().find(|(n, _)| *n == name) {
                let _ = write!(text, "{value}");
            }
            rest = tail;
        }
        text.push_str(rest);
        self.0.push((ms, text));
    }
}

/// One instance of a variant: its stream `<variant>/<instance-id>`.
pub(super) struct Instance {
    variant: usize,
    /// Gunicorn's master pid, for its lines.
    pid: u32,
    pub name: String,
}

/// The instances of an endpoint: one per variant, two where its share of the peak traffic
/// is over 1,200 requests a minute. Named from the endpoint's identity, not the seed.
pub(super) fn instances(e: &SimEndpoint) -> Vec<Instance> {
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

/// When the endpoint's instances last restarted at or before `t` (as the memory series has it).
fn last_restart(e: &SimEndpoint, t: Epoch) -> Epoch {
    let p = &e.profile;
    t - (t - p.restart_anchor).rem_euclid(p.restart_period.max(HOUR))
}

/// Gunicorn and the model server starting at `ms`, for `why`.
fn boot(out: &mut Written, ms: i64, inst: &Instance, version: &str, why: &str) {
    let (pid, first, second) = (inst.pid, inst.pid + 11, inst.pid + 22);
    out.burst(ms, BOOT, values!(pid, why, first, second, version));
}

/// The lines of one instance in the minute starting at `m` (epoch seconds), oldest first.
pub(super) fn instance_minute(world: &World, i: usize, inst: &Instance, m: Epoch) -> Written {
    let e = &world.endpoints[i];
    let series = |metric| {
        let r = SeriesRef {
            endpoint: i,
            metric,
            variant: inst.variant,
        };
        signal::value(world, &r, m).unwrap_or(0.0)
    };
    let h = mix(e.noise ^ hash_str(&inst.name), m as u64);
    let base = m * 1000;
    let at = |salt: u64| base + (mix(h, salt) % 60_000) as i64;
    let version = model_version(e, m);
    let mut out = Written::default();

    // The health check SageMaker sends (the container logs one a minute).
    let ms = base + 1_000 + (h % 4_000) as i64;
    let ip = format!("10.2.{}.{}", (h >> 8) % 250 + 1, (h >> 16) % 250 + 1);
    let when = utc(ms, "%d/%b/%Y:%H:%M:%S +0000");
    out.line(ms, HEALTH_CHECK, values!(ip, when));

    // Sampled requests: more when busier.
    let weight = e.weights.get(inst.variant).copied().unwrap_or(1.0);
    let load = series(MetricId::Invocations) / (e.profile.peak_rpm * weight).max(1.0);
    let n = 2 + (2.0 * load.clamp(0.0, 1.0) + unit(mix(h, 1))) as u64;
    let latency_ms = series(MetricId::ModelLatency) / 1000.0;
    for r in 0..n.min(4) {
        let latency = format!("{:.1}", latency_ms * range(mix(h, 20 + r), 0.7, 1.3));
        let rid = request_id(mix(h, 30 + r));
        out.line(at(10 + r), REQUEST, values!(rid, latency, version));
    }

    // A worker recycled after its max requests, now and then.
    if unit(mix(h, 2)) < 0.03 {
        let old = inst.pid + 11 + (mix(h, 4) % 500) as u32;
        let (pid, new) = (inst.pid, old + 1);
        out.burst(at(3), RECYCLED, values!(old, pid, new));
    }

    // The instance restarted (the memory series drops at the same instant).
    let restart = last_restart(e, m + 59);
    if restart >= m {
        let why = "instance restarted";
        boot(&mut out, restart * 1000 + 250, inst, &version, why);
    }

    if let Some(inc) = e.profile.incident {
        incident_minute(e, inc.update_at, inst, m, h, &mut out);
    }

    // The staging leak: the model server watches its own memory.
    let memory = series(MetricId::Memory);
    if e.profile.mem_creep_per_hour > 1.0 && memory > LEAK.warn_above {
        let hours = (m - last_restart(e, m)) as f64 / HOUR as f64;
        let out_of_memory = memory > LEAK.kill_above && unit(mix(h, 6)) < 0.2;
        let rss = format!("{:.2}", memory / 100.0 * 3.6);
        let (memory, hours) = (format!("{memory:.1}"), format!("{hours:.0}"));
        out.line(at(5), MEMORY_WARNING, values!(memory, rss, hours));
        if out_of_memory {
            let killed = inst.pid + 11 + (mix(h, 8) % 500) as u32;
            let pid = inst.pid;
            out.line(at(7), OOM_KILLED, values!(pid, killed));
        }
    }
    // A line belongs to the minute that made it: what would spill over (a boot sequence
    // near the minute's end) is kept at its last millisecond, so every window over the
    // minute sees the same lines and event ids stay unique.
    for (ms, _) in out.0.iter_mut() {
        *ms = (*ms).clamp(base, base + MINUTE_MS - 1);
    }
    out.0.sort_by_key(|(ms, _)| *ms);
    out
}

/// prod fraud-detector's lines from its update on: the new model's client stopped sending
/// `merchant_category` and sends larger amounts; warnings and tracebacks grow with the drift.
fn incident_minute(
    e: &SimEndpoint,
    update_at: Epoch,
    inst: &Instance,
    m: Epoch,
    h: u64,
    out: &mut Written,
) {
    if m + 60 <= update_at {
        return;
    }
    if update_at >= m {
        let (version, why) = (model_version(e, update_at), "UpdateEndpoint");
        return boot(out, update_at * 1000 + 500, inst, &version, why);
    }
    let at = |salt: u64| m * 1000 + (mix(h, salt) % 60_000) as i64;
    let (missing, drifting) = (MISSING_FEATURE, DRIFTING_FEATURE);
    // The five minutes of 5xx right after the deployment.
    if m < update_at + LOADING_SECS {
        for k in 0..2 {
            let rid = request_id(mix(h, 50 + k));
            out.line(at(40 + k), STILL_LOADING, values!(rid));
        }
    }
    // 0.15 just after the update, 1.0 three hours later.
    let f = ((m - update_at) as f64 / DRIFT_FULL_SECS as f64).clamp(0.15, 1.0);
    let warns = 1 + (3.0 * f + unit(mix(h, 60))) as u64;
    for k in 0..warns.min(5) {
        let rid = request_id(mix(h, 80 + k));
        let amount = format!("{:.2}", range(mix(h, 100 + k), 4_500.0, 25_000.0));
        let template = match mix(h, 90 + k).is_multiple_of(4) {
            true => FEATURE_DRIFTED,
            false => FEATURE_MISSING,
        };
        let values = values!(rid, missing, drifting, amount);
        out.line(at(70 + k), template, values);
    }
    if unit(mix(h, 110)) < 0.1 + 0.5 * f {
        let rid = request_id(mix(h, 130));
        out.burst(at(120), TRACEBACK, values!(rid, missing));
    }
}

/// The analyzer's lines of one monitoring run, its whole run (the caller keeps what the
/// clock has reached).
pub(super) fn job_lines(world: &World, run: &JobRun) -> Written {
    let e = &world.endpoints[run.endpoint].endpoint;
    let span_ms = ((run.ends - run.began) * 1000).max(1_000);
    let at = |share: f64| run.began * 1000 + (span_ms as f64 * share) as i64;
    let ends = run.ends * 1000;
    let window = |t: Epoch| utc(t * 1000, "%Y-%m-%dT%H:%M:%SZ");
    let (account, endpoint) = (&e.account_id, &e.name);
    let capture = format!("s3://sagemaker-{REGION}-{account}/{endpoint}/datacapture");
    let definition = run.job_definition.as_deref().unwrap_or("(inline)");
    let reason = run.failure_reason.as_deref();
    let reason = reason.unwrap_or("AlgorithmError: the analyzer stopped");
    let records = 20_000 + mix(hash_str(&run.job), 0x10) % 40_000;
    let merged = match run.monitoring_type {
        "ModelQuality" => format!(" ({} with ground truth merged)", records * 85 / 100),
        _ => String::new(),
    };
    let violated: Vec<&str> = (run.checks.iter().filter(|c| c.violated))
        .map(|c| c.subject.as_str())
        .collect();
    let found = match violated.len() {
        0 => "No violations found".to_owned(),
        n => format!("Violations found: {n} ({})", violated.join(", ")),
    };
    let (job, schedule, kind) = (&run.job, &run.schedule, run.monitoring_type);
    let (baseline, report, outcome) = (&run.baseline_uri, &run.report_uri, run.outcome.as_str());
    let (from, to) = (window(run.window), window(run.window + run.period));
    let values = values!(
        job, schedule, kind, endpoint, definition, baseline, capture, from, to, reason, records,
        merged, found, report, outcome
    );
    let mut out = Written::default();
    let starts = [at(0.0), at(0.0) + 20, at(0.03), at(0.06)];
    for (ms, template) in starts.into_iter().zip(ANALYZER_STARTS) {
        out.line(ms, template, values);
    }
    if run.outcome == ExecutionStatus::Failed {
        for (ms, template) in [ends - 200, ends].into_iter().zip(ANALYZER_FAILED) {
            out.line(ms, template, values);
        }
        return out;
    }
    let [analysed, found, completed] = ANALYZER_FOUND;
    out.line(at(0.4), analysed, values);
    let n = run.checks.len().max(1) as f64;
    for (k, c) in run.checks.iter().enumerate() {
        let observed = format!("{:.4}", c.observed);
        let (subject, check, threshold) = (&c.subject, &c.check, c.threshold);
        let template = if c.violated { VIOLATION } else { CHECK_PASSED };
        let values = values!(subject, check, observed, threshold);
        out.line(at(0.5 + 0.4 * k as f64 / n), template, values);
    }
    out.line(at(0.95), found, values);
    out.line(ends, completed, values);
    out
}
