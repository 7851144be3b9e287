//! What the demo's processes write: an instance's sampled requests and restarts, the
//! incident's warnings and tracebacks, the leak's memory warnings (the model server's
//! Python logging and Gunicorn), and Model Monitor's analyzer over a run.

use super::{HOUR, MINUTE_MS};
use crate::source::demo::monitor::JobRun;
use crate::source::demo::rng::{hash_str, mix, range, unit, uuid_of};
use crate::source::demo::story::{
    DRIFT_FULL_SECS, INCIDENT_MODEL, LEAK, LOADING_SECS, MISSING_FEATURE,
};
use crate::source::demo::world::{SeriesRef, SimEndpoint, World};
use crate::source::demo::{signal, utc};
use crate::source::metrics::MetricId;
use crate::source::model::{Epoch, ExecutionStatus};
use std::fmt::Display;

/// What a request without the missing feature raises, after its ERROR line; `{missing}` is
/// the feature.
const TRACEBACK: &str = "\
Traceback (most recent call last):
  File \"/opt/ml/code/inference.py\", line 88, in predict_fn
    features = encode(payload)
  File \"/opt/ml/code/features.py\", line 41, in encode
    row.append(CATEGORY_INDEX[payload[\"{missing}\"]])
KeyError: '{missing}'";

/// Lines as (ms, text), in the order written.
#[derive(Debug, Default)]
pub(super) struct Written(pub Vec<(i64, String)>);

impl Written {
    /// A line of Python's logging at `ms`: its timestamp, then `text`.
    fn py(&mut self, ms: i64, text: impl Display) {
        let at = utc(ms, "%Y-%m-%d %H:%M:%S,%3f");
        self.0.push((ms, format!("{at} {text}")));
    }

    /// A line of Model Monitor's analyzer at `ms`.
    fn analyzer(&mut self, ms: i64, level: &str, text: impl Display) {
        self.py(ms, format_args!("- {level} - {text}"));
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

/// The model server loaded `version` at `ms`, for `why`.
fn loaded(out: &mut Written, ms: i64, version: &str, why: &str) {
    let loaded = format!("INFO [inference] model {version} loaded ({why})");
    out.py(ms, loaded);
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

    // Sampled requests: more when busier.
    let weight = e.weights.get(inst.variant).copied().unwrap_or(1.0);
    let load = series(MetricId::Invocations) / (e.profile.peak_rpm * weight).max(1.0);
    let n = 2 + (2.0 * load.clamp(0.0, 1.0) + unit(mix(h, 1))) as u64;
    let latency_ms = series(MetricId::ModelLatency) / 1000.0;
    for r in 0..n.min(4) {
        let latency = latency_ms * range(mix(h, 20 + r), 0.7, 1.3);
        let rid = request_id(mix(h, 30 + r));
        let served = format!(
            "INFO [inference] request_id={rid} POST /invocations 200 \
             latency_ms={latency:.1} model={version}"
        );
        out.py(at(10 + r), served);
    }

    // The instance restarted (the memory series drops at the same instant).
    let restart = last_restart(e, m + 59);
    if restart >= m {
        loaded(
            &mut out,
            restart * 1000 + 3_500,
            &version,
            "instance restarted",
        );
    }

    if let Some(inc) = e.profile.incident {
        incident_minute(e, inc.update_at, m, h, &mut out);
    }

    // The staging leak: the model server watches its own memory.
    let memory = series(MetricId::Memory);
    if e.profile.mem_creep_per_hour > 1.0 && memory > LEAK.warn_above {
        let hours = (m - last_restart(e, m)) as f64 / HOUR as f64;
        let rss = memory / 100.0 * 3.6;
        let warning = format!(
            "WARNING [memory] memory at {memory:.1}% of the instance; worker RSS {rss:.2} GiB \
             and growing since the restart {hours:.0} h ago"
        );
        out.py(at(5), warning);
        if memory > LEAK.kill_above && unit(mix(h, 6)) < 0.2 {
            let killed = inst.pid + 11 + (mix(h, 8) % 500) as u32;
            let (ms, gunicorn) = (at(7), inst.pid);
            let sigkill = format!(
                "{} [{gunicorn}] [ERROR] Worker (pid:{killed}) was sent SIGKILL! Perhaps out of \
                 memory?",
                utc(ms, "[%Y-%m-%d %H:%M:%S %z]")
            );
            out.0.push((ms, sigkill));
        }
    }
    // A line belongs to the minute that made it: what would spill over (a model loaded
    // near the minute's end) is kept at its last millisecond, so every window over the
    // minute sees the same lines and event ids stay unique.
    for (ms, _) in out.0.iter_mut() {
        *ms = (*ms).clamp(base, base + MINUTE_MS - 1);
    }
    out.0.sort_by_key(|(ms, _)| *ms);
    out
}

/// prod fraud-detector's lines from its update on: the new model's client stopped sending
/// `merchant_category`; warnings and tracebacks grow with the drift.
fn incident_minute(e: &SimEndpoint, update_at: Epoch, m: Epoch, h: u64, out: &mut Written) {
    if m + 60 <= update_at {
        return;
    }
    if update_at >= m {
        let (version, why) = (model_version(e, update_at), "UpdateEndpoint");
        return loaded(out, update_at * 1000 + 3_500, &version, why);
    }
    let at = |salt: u64| m * 1000 + (mix(h, salt) % 60_000) as i64;
    // The five minutes of 5xx right after the deployment.
    if m < update_at + LOADING_SECS {
        for k in 0..2 {
            let rid = request_id(mix(h, 50 + k));
            let refused = format!(
                "ERROR [inference] request_id={rid} POST /invocations 503: model is still loading"
            );
            out.py(at(40 + k), refused);
        }
    }
    // 0.15 just after the update, 1.0 three hours later.
    let f = ((m - update_at) as f64 / DRIFT_FULL_SECS as f64).clamp(0.15, 1.0);
    let warns = 1 + (3.0 * f + unit(mix(h, 60))) as u64;
    for k in 0..warns.min(5) {
        let rid = request_id(mix(h, 80 + k));
        let warning = format!(
            "WARNING [features] request_id={rid} feature '{MISSING_FEATURE}' missing from \
             request: imputing 0"
        );
        out.py(at(70 + k), warning);
    }
    if unit(mix(h, 110)) < 0.1 + 0.5 * f {
        let (ms, rid) = (at(120), request_id(mix(h, 130)));
        let failed = format!(
            "ERROR [features] request_id={rid} encoding failed, scored with imputed features"
        );
        out.py(ms, failed);
        for (k, line) in (1..).zip(TRACEBACK.lines()) {
            let line = line.replace("{missing}", MISSING_FEATURE);
            out.0.push((ms + k, line));
        }
    }
}

/// The analyzer's lines of one monitoring run, its whole run (the caller keeps what the
/// clock has reached).
pub(super) fn job_lines(run: &JobRun) -> Written {
    let span_ms = ((run.ends - run.began) * 1000).max(1_000);
    let at = |share: f64| run.began * 1000 + (span_ms as f64 * share) as i64;
    let ends = run.ends * 1000;
    let window = |t: Epoch| utc(t * 1000, "%Y-%m-%dT%H:%M:%SZ");
    let mut out = Written::default();

    let (job, schedule, kind) = (&run.job, &run.schedule, run.monitoring_type);
    let definition = run.job_definition.as_deref().unwrap_or("(inline)");
    let starting = format!(
        "Starting sagemaker-model-monitor-analyzer for processing job {job}: schedule \
         {schedule}, {kind}, job definition {definition}"
    );
    out.analyzer(at(0.0), "INFO", starting);
    let (from, to) = (window(run.window), window(run.window + run.period));
    let reading = format!(
        "Reading baseline constraints from {}, and the data captured between {from} and {to}",
        run.baseline_uri
    );
    out.analyzer(at(0.03), "INFO", reading);
    if run.outcome == ExecutionStatus::Failed {
        let reason = run.failure_reason.as_deref();
        let reason = reason.unwrap_or("AlgorithmError: the analyzer stopped");
        out.analyzer(ends, "ERROR", format!("Job failed: {reason}"));
        return out;
    }
    let records = 20_000 + mix(hash_str(job), 0x10) % 40_000;
    out.analyzer(at(0.4), "INFO", format!("Records analysed: {records}"));
    let n = run.checks.len().max(1) as f64;
    for (k, c) in run.checks.iter().enumerate() {
        let (level, found) = match c.violated {
            true => ("WARN", "Constraint violation"),
            false => ("INFO", "Constraint check passed"),
        };
        let (subject, check, threshold) = (&c.subject, &c.check, c.threshold);
        let checked = format!(
            "{found}: {subject} {check}: observed {:.4}, threshold {threshold}",
            c.observed
        );
        out.analyzer(at(0.5 + 0.4 * k as f64 / n), level, checked);
    }
    let violated: Vec<&str> = (run.checks.iter().filter(|c| c.violated))
        .map(|c| c.subject.as_str())
        .collect();
    let found = match violated.len() {
        0 => "No violations found".to_owned(),
        n => format!("Violations found: {n} ({})", violated.join(", ")),
    };
    let report = format!("{found}; report written to {}", run.report_uri);
    out.analyzer(at(0.95), "INFO", report);
    let completed = format!("Completed: {}", run.outcome.as_str());
    out.analyzer(ends, "INFO", completed);
    out
}
