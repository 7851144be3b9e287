//! The value of every demo series as a pure function of (seed, series, slot timestamp): no
//! history is stored, so memory stays flat however far back or however many series are read.

use super::rng::{mix, signed, unit, value_noise};
use super::world::{ACCURACY_THRESHOLD, Incident, SeriesRef, SimEndpoint, World};
use super::{DAY, HOUR};
use crate::source::metrics::{self, MetricId};
use crate::source::model::Epoch;

/// GetMetricData's own cap per call; it also bounds what one hostile request can cost.
const MAX_POINTS: i64 = 100_800;

// Salts keep the noise of different aspects of one endpoint independent.
const SALT_LOAD: u64 = 0x10AD;
const SALT_QUALITY: u64 = 0x0A11;
const SALT_BURST: u64 = 0xB0057;

/// Seconds after the start of slot `t` at which its point becomes visible: a minute is
/// complete when it is over; a model-quality hour when its monitoring run has finished.
pub fn visibility_delay(world: &World, r: &SeriesRef) -> i64 {
    match metrics::spec(r.metric).period {
        3600 => world.endpoints[r.endpoint].profile.monitor_offset,
        p => i64::from(p),
    }
}

pub fn period(r: &SeriesRef) -> i64 {
    i64::from(metrics::spec(r.metric).period)
}

/// The newest slot visible at `now`.
pub fn latest_slot(world: &World, r: &SeriesRef, now: Epoch) -> Epoch {
    let p = period(r);
    (now - visibility_delay(world, r)).div_euclid(p) * p
}

/// Points of `r` in `[start, end]`, aligned to its period and none newer than `now` allows.
pub fn points(
    world: &World,
    r: &SeriesRef,
    start: Epoch,
    end: Epoch,
    now: Epoch,
) -> Vec<(Epoch, f64)> {
    if !world.endpoints[r.endpoint].profile.has_data {
        return Vec::new();
    }
    let p = period(r);
    let first = start + (p - start.rem_euclid(p)) % p;
    let last = (end.div_euclid(p) * p).min(latest_slot(world, r, now));
    if last < first {
        return Vec::new();
    }
    let slots = (first.max(last - (MAX_POINTS - 1) * p)..=last).step_by(p as usize);
    let mut out = Vec::with_capacity(slots.size_hint().0); // not 64 for 48: the snapshot's peak
    out.extend(slots.filter_map(|t| Some((t, value(world, r, t)?))));
    out
}

/// The hash of one series' own noise (seeded through `SimEndpoint::noise`).
fn series_hash(e: &SimEndpoint, metric: MetricId, variant: usize) -> u64 {
    mix(e.noise, ((metric as u64) << 16) | variant as u64)
}

/// The value of slot `t` (its start); None where the series has no data.
pub fn value(world: &World, r: &SeriesRef, t: Epoch) -> Option<f64> {
    let e = world.endpoints.get(r.endpoint)?;
    if !e.profile.has_data {
        return None;
    }
    let (p, h) = (&e.profile, series_hash(e, r.metric, r.variant));
    let jitter = signed(mix(h, t as u64));
    let v = match r.metric {
        MetricId::Cpu => {
            let load = load(e, r.variant, t);
            let level = p.cpu_idle + p.cpu_peak * load + 6.0 * value_noise(h, t, 600);
            (level + 2.0 * jitter).clamp(0.0, 200.0)
        }
        MetricId::Memory => {
            let hours = since_restart(e, t) as f64 / HOUR as f64;
            let level = p.mem_base + p.mem_creep_per_hour * hours + 0.3 * value_noise(h, t, 1800);
            (level + 0.1 * jitter).clamp(0.0, 99.5)
        }
        MetricId::Disk => {
            // Logs pile up and are rotated weekly.
            let hours = (t - p.disk_rotation_anchor).rem_euclid(7 * DAY) as f64 / HOUR as f64;
            (p.disk_base + p.disk_rise_per_hour * hours + 0.05 * jitter).clamp(0.0, 100.0)
        }
        MetricId::Invocations => {
            let weight = e.weights.get(r.variant).copied().unwrap_or(1.0);
            let rate = p.peak_rpm * weight * load(e, r.variant, t);
            (rate * (1.0 + 0.05 * jitter)).max(0.0).round()
        }
        MetricId::ModelLatency => {
            let load = load(e, r.variant, t);
            let mut us = p.latency_us * (1.0 + 0.5 * load * load) * (1.0 + 0.08 * jitter);
            if p.incident.is_some_and(|i| t >= i.update_at) {
                us *= 1.2; // the new model is a little heavier
            }
            us.round()
        }
        MetricId::Errors5xx => errors(e, h, t),
        // Accuracy, AUC, F2, precision and recall.
        _ => quality(e, r.metric, t),
    };
    Some(v)
}

/// Traffic as a fraction of the daily peak: quiet at 04:00, busy at 16:00 UTC, wandering a bit.
fn load(e: &SimEndpoint, variant: usize, t: Epoch) -> f64 {
    let x = (t + e.profile.phase - 4 * HOUR).rem_euclid(DAY) as f64 / DAY as f64;
    // sin²(πx), with Bhaskara's sin(πx) ≈ 16x(1-x) / (5 - 4x(1-x)) (within 0.002): this runs
    // for every point of every series, and `cos` was a tenth of a 10,000-endpoint snapshot.
    let q = x * (1.0 - x);
    let sin = 16.0 * q / (5.0 - 4.0 * q);
    let daily = 0.2 + 0.8 * sin * sin;
    let wander = 0.06 * value_noise(mix(e.noise ^ SALT_LOAD, variant as u64), t, 900);
    (daily * (1.0 + wander)).max(0.0)
}

fn since_restart(e: &SimEndpoint, t: Epoch) -> i64 {
    let p = &e.profile;
    (t - p.restart_anchor).rem_euclid(p.restart_period.max(HOUR))
}

/// Mostly zero, the odd single error, and rare bursts in ten-minute blocks; plus the
/// deployment blip right after the incident endpoint's update.
fn errors(e: &SimEndpoint, h: u64, t: Epoch) -> f64 {
    let block = t.div_euclid(600) as u64;
    let u = unit(mix(h, t as u64));
    // Bursts big enough to trip a "> 10 per minute" alarm are rarer still (the 4th power).
    let mut n = if unit(mix(h ^ SALT_BURST, block)) < 0.015 {
        let intensity = 1.0 + 12.0 * unit(mix(h ^ SALT_BURST, block + 1)).powi(4);
        (intensity * (0.6 + 0.8 * u)).round()
    } else if u < 0.01 {
        1.0
    } else {
        0.0
    };
    if let Some(i) = e.profile.incident
        && (i.update_at..i.update_at + super::story::LOADING_SECS).contains(&t)
    {
        let (least, more) = super::story::LOADING_ERRORS;
        n += least + (mix(h, t as u64) % more) as f64;
    }
    n
}

/// How far the incident's new model has drifted below baseline accuracy in hour bucket `t`.
fn drift(baseline: f64, incident: &Incident, t: Epoch) -> f64 {
    let update_bucket = incident.update_at.div_euclid(HOUR) * HOUR;
    let d = &super::story::ACCURACY_DRIFT;
    let target = if t >= incident.bucket {
        let k = ((t - incident.bucket) / HOUR) as f64;
        (d.revealed - d.per_hour * k).max(d.floor)
    } else if t >= update_bucket {
        let j = ((incident.bucket - t) / HOUR) as f64;
        baseline - (baseline - (ACCURACY_THRESHOLD + d.above_threshold)) / j
    } else {
        return 0.0;
    };
    (baseline - target).max(0.0)
}

/// Model-quality metrics of hour bucket `t`, correlated: one shared hourly wobble plus a
/// small one per metric; F2 is derived from precision and recall as it is in reality.
fn quality(e: &SimEndpoint, metric: MetricId, t: Epoch) -> f64 {
    let p = &e.profile;
    let d = p.incident.map_or(0.0, |i| drift(p.accuracy, &i, t));
    // The incident endpoint is quieter so the story (OK, then clearly ALARM) holds for any seed.
    let scale = if p.incident.is_some() { 0.5 } else { 1.0 };
    let shared = scale * 0.006 * signed(mix(e.noise ^ SALT_QUALITY, t as u64));
    let own = |m: MetricId| scale * 0.003 * signed(mix(series_hash(e, m, 0), t as u64));
    let precision = p.precision - 0.6 * d + shared + own(MetricId::Precision);
    let recall = p.recall - 1.3 * d + shared + own(MetricId::Recall);
    let v = match metric {
        MetricId::Accuracy => p.accuracy - d + shared + own(MetricId::Accuracy),
        MetricId::Auc => p.auc - 0.8 * d + shared + own(MetricId::Auc),
        MetricId::Precision => precision,
        MetricId::Recall => recall,
        _ => {
            let (pr, rc) = (precision.clamp(0.0, 1.0), recall.clamp(0.0, 1.0));
            // 0 (not NaN) when both are 0.
            5.0 * pr * rc / (4.0 * pr + rc).max(f64::MIN_POSITIVE)
        }
    };
    v.clamp(0.0, 1.0)
}
