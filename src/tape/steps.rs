//! Steps in an endpoint metric: a simple change-point rule, not a model.
//!
//! At each point, the median of the `n` points before it is compared with the median of
//! the `n` points from it on. A step is where they differ by more than `k` times the
//! before-window's spread (its median absolute deviation, MAD) *and* by at least the
//! metric's minimum amount (absolute, and relative to the level before where that matters).
//! Medians make one wild point unable to fake a step; the MAD makes a noisy metric need a
//! bigger jump than a flat one; the minimum amount stops a perfectly flat series (MAD 0)
//! from calling any wiggle a step. Of neighbouring points that all pass, the one with the
//! biggest difference is the step, and the next search starts `n` points after it, so one
//! step is one line.

use super::entry::{Entry, Kind, Role, Target};
use crate::source::metrics::MetricId;
use crate::source::model::Epoch;

/// The rule's constants for one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepRule {
    /// Points in each window.
    pub n: usize,
    /// How many MADs of the level before the medians must differ by.
    pub k: f64,
    /// The least difference worth a line, in the metric's unit.
    pub min_abs: f64,
    /// The least difference relative to the level before (0.5 = 50%); 0 for none.
    pub min_ratio: f64,
}

/// The rule for a metric; `None` for model quality, whose hourly points are judged by the
/// quality rule (`monitor::quality_entries`) instead.
pub fn rule(metric: MetricId) -> Option<StepRule> {
    let rule = |n, k, min_abs, min_ratio| {
        Some(StepRule {
            n,
            k,
            min_abs,
            min_ratio,
        })
    };
    match metric {
        MetricId::Accuracy
        | MetricId::Auc
        | MetricId::F2
        | MetricId::Precision
        | MetricId::Recall => None,
        // One-minute points: five on each side means the new level held for five minutes,
        // past a garbage collection or a batch of big requests. 20 points of CPU (summed
        // over cores) is a visible change on any instance type; a CPU series is noisy, so 4
        // MADs keeps its ordinary jitter quiet.
        MetricId::Cpu => rule(5, 4.0, 20.0, 0.0),
        // Memory moves slowly and smoothly: 10 points in five minutes is a new model loaded
        // or a leak starting, never noise.
        MetricId::Memory => rule(5, 4.0, 10.0, 0.0),
        // Disk barely moves at all: 5 points in five minutes is a lot (logs or a model
        // artefact filling it).
        MetricId::Disk => rule(5, 4.0, 5.0, 0.0),
        // Latency (µs) varies with the request mix: only a change by half of its level and
        // by at least 10 ms is something a caller feels.
        MetricId::ModelLatency => rule(5, 4.0, 10_000.0, 0.5),
        // Errors matter sooner: three minutes each side, and 5 more a minute. Their level is
        // usually 0 with no spread, where the minimum alone decides.
        MetricId::Errors5xx => rule(3, 3.0, 5.0, 0.0),
        // Traffic halving or doubling explains most of the rest; below 50 a minute it is
        // too thin to say.
        MetricId::Invocations => rule(5, 4.0, 50.0, 0.5),
    }
}

/// One line per step of `metric` in `points` (any order; NaN points ignored).
pub fn entries(metric: MetricId, points: &[(Epoch, f64)]) -> Vec<Entry> {
    let Some(rule) = rule(metric) else {
        return Vec::new();
    };
    let mut points: Vec<(Epoch, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    points.sort_by_key(|&(t, _)| t);
    steps(&points, rule)
        .into_iter()
        .map(|s| line(metric, points[s.at].0, s.before, s.after))
        .collect()
}

/// A step found at the point of index `at`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    at: usize,
    before: f64,
    after: f64,
}

fn steps(points: &[(Epoch, f64)], rule: StepRule) -> Vec<Step> {
    let n = rule.n.max(1);
    let mut found = Vec::new();
    let mut i = n;
    while i + n <= points.len() {
        let Some(first) = step_at(points, i, rule) else {
            i += 1;
            continue;
        };
        // Medians see a step from up to n/2 points either side of it: the neighbours that
        // pass too are the same step seen off-centre. The biggest difference gives the two
        // levels; the step is the first point nearer the new level than the old.
        let mut best = first;
        let mut end = i;
        while end + 1 + n <= points.len() {
            let Some(s) = step_at(points, end + 1, rule) else {
                break;
            };
            if (s.after - s.before).abs() > (best.after - best.before).abs() {
                best = s;
            }
            end += 1;
        }
        let nearer_after = |k: &usize| {
            let v = points[*k].1;
            (v - best.after).abs() < (v - best.before).abs()
        };
        best.at = (i..=end).find(nearer_after).unwrap_or(best.at);
        found.push(best);
        i = (end + 1).max(best.at + n);
    }
    found
}

fn step_at(points: &[(Epoch, f64)], i: usize, rule: StepRule) -> Option<Step> {
    let values = |range: std::ops::Range<usize>| -> Vec<f64> {
        points[range].iter().map(|&(_, v)| v).collect()
    };
    let mut before = values(i - rule.n..i);
    let mut after = values(i..i + rule.n);
    let (b, a) = (median(&mut before), median(&mut after));
    let mut deviations: Vec<f64> = before.iter().map(|v| (v - b).abs()).collect();
    let mad = median(&mut deviations);
    let diff = (a - b).abs();
    let passes = diff > rule.k * mad && diff >= rule.min_abs && diff >= rule.min_ratio * b.abs();
    passes.then_some(Step {
        at: i,
        before: b,
        after: a,
    })
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn line(metric: MetricId, at: Epoch, before: f64, after: f64) -> Entry {
    let verb = if after > before { "rose" } else { "fell" };
    let text = format!(
        "{} {verb} from {} to {} at {}",
        title(metric),
        amount(metric, before),
        amount(metric, after),
        crate::ui::text::hhmm(at)
    );
    let role = if worse(metric, after > before) {
        Role::Symptom
    } else {
        Role::Recovery
    };
    let target = Target::Chart {
        at,
        metric: Some(metric),
    };
    Entry::new(at, Kind::Metric, role, &text, target).with_value(Some(after))
}

/// Traffic falling is the symptom; for every other metric here, rising is.
fn worse(metric: MetricId, rose: bool) -> bool {
    match metric {
        MetricId::Invocations => !rose,
        _ => rose,
    }
}

fn title(metric: MetricId) -> &'static str {
    match metric {
        MetricId::Cpu => "CPU",
        MetricId::Memory => "memory",
        MetricId::Disk => "disk",
        MetricId::ModelLatency => "latency",
        MetricId::Errors5xx => "5xx errors",
        MetricId::Invocations => "invocations",
        _ => crate::source::metrics::spec(metric).name,
    }
}

/// A level in the words an engineer uses: `87%`, `120 ms`, `14/min`.
fn amount(metric: MetricId, v: f64) -> String {
    match metric {
        MetricId::Cpu | MetricId::Memory | MetricId::Disk => format!("{v:.0}%"),
        // SageMaker reports latency in microseconds.
        MetricId::ModelLatency => format!("{:.0} ms", v / 1000.0),
        MetricId::Errors5xx | MetricId::Invocations => format!("{v:.0}/min"),
        _ => format!("{v:.3}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One point a minute from 16:40 UTC on 29 Nov 2026.
    fn series(values: &[f64]) -> Vec<(Epoch, f64)> {
        const T0: Epoch = 1_795_970_400;
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| (T0 + 60 * i as Epoch, v))
            .collect()
    }

    fn noisy(level: f64, amplitude: f64, n: usize) -> Vec<f64> {
        // A fixed pseudo-random jitter: no two runs differ.
        (0..n)
            .map(|i| level + amplitude * (((i * 7919) % 13) as f64 / 6.0 - 1.0))
            .collect()
    }

    #[test]
    fn a_step_is_one_line_at_its_first_point_with_both_levels() {
        let mut v = noisy(31.0, 3.0, 17);
        v.extend(noisy(87.0, 3.0, 20));
        let lines = entries(MetricId::Cpu, &series(&v));
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].at, series(&v)[17].0);
        assert!(
            lines[0].text.starts_with("CPU rose from 3") && lines[0].text.contains("to 8"),
            "{}",
            lines[0].text
        );
        assert!(lines[0].text.ends_with("at 16:57"), "{}", lines[0].text);
        assert_eq!(lines[0].role, Role::Symptom);
    }

    #[test]
    fn noise_and_single_spikes_say_nothing() {
        assert!(entries(MetricId::Cpu, &series(&noisy(50.0, 15.0, 120))).is_empty());
        let mut v = noisy(40.0, 2.0, 60);
        v[30] = 390.0;
        assert!(
            entries(MetricId::Cpu, &series(&v)).is_empty(),
            "one wild point"
        );
    }

    #[test]
    fn the_minimum_amount_decides_on_a_flat_series_at_its_edge() {
        // A perfectly flat series has no spread: only the minimum stands between a wiggle
        // and a line. 5xx: 5 more a minute is a step, 4 is not.
        let step = |to: f64| {
            let mut v = vec![0.0; 10];
            v.extend(vec![to; 10]);
            entries(MetricId::Errors5xx, &series(&v)).len()
        };
        assert_eq!(step(5.0), 1);
        assert_eq!(step(4.0), 0);
    }

    #[test]
    fn the_spread_before_decides_on_a_noisy_series_at_its_edge() {
        // Levels 40 then 40 + d, with a MAD of 5 in every window before (each holds 30, 35,
        // 40, 45 and 50): CPU needs d > 4 x 5 = 20 and d >= 20.
        let before: Vec<f64> = (0..10).map(|i| 30.0 + 5.0 * f64::from(i % 5)).collect();
        let with = |d: f64| {
            let mut v = before.clone();
            v.extend(vec![40.0 + d; 10]);
            entries(MetricId::Cpu, &series(&v)).len()
        };
        assert_eq!(with(21.0), 1);
        assert_eq!(with(20.0), 0);
    }

    #[test]
    fn latency_needs_half_its_level_too() {
        let step = |from: f64, to: f64| {
            let mut v = vec![from; 10];
            v.extend(vec![to; 10]);
            entries(MetricId::ModelLatency, &series(&v))
        };
        // 100 ms to 140 ms: 40 ms, but under half of 100 ms.
        assert!(step(100_000.0, 140_000.0).is_empty());
        let lines = step(100_000.0, 160_000.0);
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0]
                .text
                .starts_with("latency rose from 100 ms to 160 ms")
        );
    }

    #[test]
    fn two_steps_are_two_lines_and_a_fall_is_said() {
        let mut v = vec![30.0; 10];
        v.extend(vec![80.0; 10]);
        v.extend(vec![30.0; 10]);
        let lines = entries(MetricId::Memory, &series(&v));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].text.starts_with("memory fell from 80% to 30%"));
        assert_eq!(lines[1].role, Role::Recovery);
    }

    #[test]
    fn unsorted_short_empty_and_quality_series_are_handled() {
        let mut v = series(&[[10.0; 8], [60.0; 8]].concat());
        v.reverse();
        assert_eq!(
            entries(MetricId::Cpu, &v).len(),
            1,
            "unsorted input is sorted"
        );
        assert!(entries(MetricId::Cpu, &series(&[10.0, 90.0])).is_empty());
        assert!(entries(MetricId::Cpu, &[]).is_empty());
        assert!(entries(MetricId::Cpu, &series(&[f64::NAN; 20])).is_empty());
        assert!(entries(MetricId::Accuracy, &series(&[[0.9; 8], [0.5; 8]].concat())).is_empty());
    }
}
