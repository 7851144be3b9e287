//! What the demo's processes write: an instance's sampled requests, the incident's
//! warnings and tracebacks, the leak's memory warnings (the model server's Python logging),
//! and Model Monitor's analyzer over a run.

use crate::source::demo::monitor::JobRun;
use crate::source::demo::rng::{hash_str, mix, range, unit, uuid_of};
use crate::source::demo::story::{DRIFT_FULL_SECS, LEAK, LOADING_SECS, MISSING_FEATURE};
use crate::source::demo::world::{SeriesRef, SimEndpoint, World};
use crate::source::demo::{HOUR, signal, utc};
use crate::source::metrics::MetricId;
use crate::source::model::{Epoch, ExecutionStatus};
use std::fmt::Display;

/// What a request without the missing feature raises, after its ERROR line; `{missing}` is
/// the feature.
const TRACEBACK: &str = "\
Traceback (most recent call last):
  File \"/opt/ml/code/inference.py\", line 88, in predict_fn
    row.append(CATEGORY_INDEX[payload[\"{missing}\"]])
KeyError: '{missing}'";

/// Where in its minute a line may fall (ms): a traceback's lines follow its ERROR line by a
/// millisecond each and still belong to the minute that made them, so every window over
/// the minute sees the same lines and event ids stay unique.
const SPREAD_MS: u64 = 59_000;

/// Lines as (ms, text), in the order written.
pub(super) type Written = Vec<(i64, String)>;

/// A line of Python's logging at `ms`: its timestamp, then `text`.
fn py(ms: i64, text: impl Display) -> (i64, String) {
    (ms, format!("{} {text}", utc(ms, "%Y-%m-%d %H:%M:%S,%3f")))
}

/// The instances of an endpoint, as (variant's index, stream `<variant>/<instance-id>`):
/// one per variant, two where its share of the peak traffic is over 1,200 requests a
/// minute. Named from the endpoint's identity, not the seed.
pub(super) fn instances(e: &SimEndpoint) -> Vec<(usize, String)> {
    let base = mix(hash_str(&e.endpoint.account_id), hash_str(&e.endpoint.name));
    let mut out = Vec::new();
    let variants = e.endpoint.variants.iter().zip(&e.weights);
    for (v, (variant, weight)) in variants.enumerate() {
        for k in 0..1 + usize::from(e.profile.peak_rpm * weight > 1200.0) {
            let h = mix(mix(base, (v * 16 + k) as u64), 1);
            out.push((v, format!("{variant}/i-0{h:016x}")));
        }
    }
    out
}

/// The lines of instance `stream` of the endpoint and variant of `r` in the minute starting
/// at `m` (epoch seconds), oldest first.
pub(super) fn instance_minute(world: &World, r: &SeriesRef, stream: &str, m: Epoch) -> Written {
    let e = &world.endpoints[r.endpoint];
    let series = |metric| signal::value(world, &SeriesRef { metric, ..*r }, m).unwrap_or(0.0);
    let h = mix(e.noise ^ hash_str(stream), m as u64);
    let at = |salt: u64| m * 1000 + (mix(h, salt) % SPREAD_MS) as i64;
    let mut out = Written::new();
    // A line about one request, `<head> request_id=<id> <what>`, at a time of its own.
    let mut request = |salt: u64, head: &str, what: &dyn Display| {
        let rid = uuid_of(mix(mix(h, salt), 0xA), mix(mix(h, salt), 0xB));
        out.push(py(at(salt), format!("{head} request_id={rid} {what}")));
    };

    // 2 to 4 sampled requests.
    let latency_ms = series(MetricId::ModelLatency) / 1000.0;
    for r in 0..2 + mix(h, 1) % 3 {
        let latency = latency_ms * range(mix(h, 20 + r), 0.7, 1.3);
        let served = format!("POST /invocations 200 latency_ms={latency:.1}");
        request(10 + r, "INFO [inference]", &served);
    }

    // prod fraud-detector after its update: the new model's client stopped sending
    // `merchant_category`; warnings and tracebacks grow with the drift.
    if let Some(inc) = e.profile.incident
        && m > inc.update_at
    {
        // The five minutes of 5xx right after the deployment: two a minute.
        for k in 0..2 * u64::from(m < inc.update_at + LOADING_SECS) {
            let refused = "POST /invocations 503: model is still loading";
            request(40 + k, "ERROR [inference]", &refused);
        }
        // 0.15 just after the update, 1.0 three hours later.
        let f = ((m - inc.update_at) as f64 / DRIFT_FULL_SECS as f64).clamp(0.15, 1.0);
        for k in 0..1 + (3.0 * f + unit(mix(h, 60))) as u64 {
            let missing = format!("feature '{MISSING_FEATURE}' missing from request: imputing 0");
            request(70 + k, "WARNING [features]", &missing);
        }
        if unit(mix(h, 110)) < 0.1 + 0.5 * f {
            let failed = "encoding failed, scored with imputed features";
            request(120, "ERROR [features]", &failed);
            for (k, line) in (1..).zip(TRACEBACK.lines()) {
                out.push((at(120) + k, line.replace("{missing}", MISSING_FEATURE)));
            }
        }
    }

    // The staging leak: the model server watches its own memory.
    let memory = series(MetricId::Memory);
    if e.profile.mem_creep_per_hour > 1.0 && memory > LEAK.warn_above {
        let warning =
            format!("WARNING [memory] memory at {memory:.1}% of the instance and growing");
        out.push(py(at(5), warning));
    }
    out.sort_by_key(|(ms, _)| *ms);
    out
}

/// The analyzer's lines of one monitoring run, its whole run (the caller keeps what the
/// clock has reached).
pub(super) fn job_lines(run: &JobRun) -> Written {
    let window = |t: Epoch| utc(t * 1000, "%Y-%m-%dT%H:%M:%SZ");
    let (job, schedule, kind) = (&run.job, &run.schedule, run.monitoring_type);
    let definition = run.job_definition.as_deref().unwrap_or("(inline)");
    let (from, to) = (window(run.window), window(run.window + HOUR));
    let mut lines = vec![format!(
        "INFO - Starting sagemaker-model-monitor-analyzer for processing job {job} ({schedule}, \
         {kind}, job definition {definition}): baseline constraints {}, data captured {from} to \
         {to}",
        run.baseline_uri
    )];
    if run.outcome == ExecutionStatus::Failed {
        let reason = run.failure_reason.as_deref().unwrap_or_default();
        lines.push(format!("ERROR - Job failed: {reason}"));
    } else {
        let records = 20_000 + mix(hash_str(job), 0x10) % 40_000;
        lines.push(format!("INFO - Records analysed: {records}"));
        for c in &run.checks {
            let (level, found) = match c.violated {
                true => ("WARN", "Constraint violation"),
                false => ("INFO", "Constraint check passed"),
            };
            let (subject, check, observed, bound) =
                (&c.subject, &c.check, c.observed, &c.threshold);
            let checked = format!("{subject} {check}: observed {observed:.4}, threshold {bound}");
            lines.push(format!("{level} - {found}: {checked}"));
        }
        let violated: Vec<&str> = (run.checks.iter().filter(|c| c.violated))
            .map(|c| c.subject.as_str())
            .collect();
        let found = match violated.len() {
            0 => "No violations found".to_owned(),
            n => format!("Violations found: {n} ({})", violated.join(", ")),
        };
        let report = &run.report_uri;
        lines.push(format!("INFO - {found}; report written to {report}"));
        lines.push(format!("INFO - Completed: {}", run.outcome.as_str()));
    }
    // Evenly over the run, the last line as it ends.
    let span_ms = ((run.ends - run.began) * 1000).max(1_000);
    let last = lines.len() as i64 - 1;
    let at = |k: i64| run.began * 1000 + span_ms * k / last;
    (0..)
        .zip(lines)
        .map(|(k, text)| py(at(k), format!("- {text}")))
        .collect()
}
