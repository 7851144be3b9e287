//! Read-only questions about `State` that several panes (and the snapshot command) ask:
//! an endpoint's metric across its variants, colour bands, staleness.

use super::state::State;
use crate::name::Name;
use crate::series::{Series, SeriesStore};
use crate::source::metrics::{self, DimensionStyle, MetricId};
use crate::source::model::*;

/// How the series of several variants of one endpoint combine into the endpoint's row.
fn combine(id: MetricId, a: f32, b: f32) -> f32 {
    if a.is_nan() {
        return b;
    }
    if b.is_nan() {
        return a;
    }
    match id {
        // Traffic adds up across variants.
        MetricId::Invocations | MetricId::Errors5xx => a + b,
        // Utilisation, latency, quality: the worst variant is what on-call needs to see.
        _ if metrics::spec(id).levels.is_some_and(|l| l.lower_is_worse) => a.min(b),
        _ => a.max(b),
    }
}

/// A metric's slot values ending at `end`, combined across the series of its variants: the fleet table draws hundreds of these
/// per frame, and looking each series up once per row is what keeps a frame cheap.
pub fn combine_window(series: &[&Series], id: MetricId, end: Epoch, out: &mut [f32]) {
    match series {
        [] => out.fill(f32::NAN),
        // Most endpoints have one variant: copy its slots, nothing to combine.
        [only] => only.window_into(end, out),
        [first, rest @ ..] => {
            first.window_into(end, out);
            let mut other = vec![f32::NAN; out.len()];
            for s in rest {
                s.window_into(end, &mut other);
                for (slot, v) in out.iter_mut().zip(&other) {
                    *slot = combine(id, *slot, *v);
                }
            }
        }
    }
}

/// `metric_latest` over series already looked up.
pub fn combine_latest(series: &[&Series], id: MetricId) -> Option<(Epoch, f32)> {
    let newest = series
        .iter()
        .filter_map(|s| s.latest())
        .map(|(ts, _)| ts)
        .max()?;
    let value = series
        .iter()
        .map(|s| s.at(newest))
        .fold(f32::NAN, |acc, v| combine(id, acc, v));
    Some((newest, value))
}

/// The newest value of a metric of an endpoint, combined across the variants that reported
/// in that newest slot.
pub fn metric_latest(
    store: &SeriesStore,
    endpoint: &Endpoint,
    id: MetricId,
) -> Option<(Epoch, f32)> {
    metric_latest_of(store, &metrics::series_keys(endpoint, id), id)
}

/// `metric_latest` for keys already built.
pub fn metric_latest_of(
    store: &SeriesStore,
    keys: &[SeriesKey],
    id: MetricId,
) -> Option<(Epoch, f32)> {
    let newest = keys
        .iter()
        .filter_map(|k| store.get(k)?.latest())
        .map(|(ts, _)| ts)
        .max()?;
    let value = keys
        .iter()
        .filter_map(|k| store.get(k))
        .map(|s| s.at(newest))
        .fold(f32::NAN, |acc, v| combine(id, acc, v));
    Some((newest, value))
}

/// Reusable storage for the series keys of one metric of one endpoint: the same keys as
/// `metrics::series_keys`, into one vector kept between cells (a key's text is interned: a
/// cell looks its names up and allocates only its dimension list).
///
/// Names are remembered by the address of their text (the catalogue's static strings, the
/// row's own), checked against it, so a cell hashes no text and takes no lock.
#[derive(Debug, Default)]
pub struct KeyScratch {
    keys: Vec<SeriesKey>,
    names: rustc_hash::FxHashMap<(usize, usize), Name>,
    dimensions: rustc_hash::FxHashMap<Vec<(Name, Name)>, crate::name::Dimensions>,
}

impl KeyScratch {
    fn name(&mut self, text: &str) -> Name {
        let at = (text.as_ptr() as usize, text.len());
        let held = self.names.entry(at).or_insert_with(|| Name::new(text));
        // Text freed and another made at the same address (a scratch kept past its frame).
        if held.as_str() != text {
            *held = Name::new(text);
        }
        held.clone()
    }

    pub fn keys(&mut self, endpoint: &Endpoint, id: MetricId) -> &[SeriesKey] {
        let m = metrics::spec(id);
        // (dimension names, the values beside the endpoint's name, namespace, period); a
        // custom quality source's one key has the endpoint's name as its only dimension.
        let custom = match m.dimensions {
            DimensionStyle::EndpointSchedule => endpoint.quality.as_ref(),
            DimensionStyle::EndpointVariant => None,
        };
        let (first, second_name, seconds, namespace, period): (&str, &str, &[String], &str, u32) =
            match (m.dimensions, custom) {
                (_, Some(q)) => (
                    &q.endpoint_dimension,
                    "",
                    // One key, with no second dimension: any one-element slice will do.
                    std::slice::from_ref(&endpoint.name),
                    &q.namespace,
                    q.period,
                ),
                (DimensionStyle::EndpointVariant, None) => (
                    "EndpointName",
                    "VariantName",
                    &endpoint.variants,
                    m.namespace,
                    m.period,
                ),
                (DimensionStyle::EndpointSchedule, None) => (
                    "Endpoint",
                    "MonitoringSchedule",
                    // Only the first schedule carries the model-quality series.
                    &endpoint.monitoring_schedules[..endpoint.monitoring_schedules.len().min(1)],
                    metrics::namespace_for(endpoint, m),
                    m.period,
                ),
            };
        self.keys.clear();
        let (account, namespace, metric) = (
            self.name(&endpoint.account_id),
            self.name(namespace),
            self.name(m.name),
        );
        for second in seconds {
            let endpoint_name = (self.name(first), self.name(&endpoint.name));
            let mut dims = vec![endpoint_name];
            if custom.is_none() {
                dims.push((self.name(second_name), self.name(second)));
            }
            let dimensions = (self.dimensions.entry(dims))
                .or_insert_with_key(|d| crate::name::dimensions(d.clone()))
                .clone();
            self.keys.push(SeriesKey {
                account_id: account.clone(),
                namespace: namespace.clone(),
                metric: metric.clone(),
                dimensions,
                stat: m.stat,
                period,
                region: endpoint.region.clone(),
            });
        }
        &self.keys[..seconds.len()]
    }
}

/// The metrics whose 1-minute datapoints say whether an endpoint is live.
pub const SHOWS_LIVENESS: [MetricId; 3] = [MetricId::Cpu, MetricId::Memory, MetricId::Invocations];

/// The newest 1-minute datapoint of an endpoint, whichever metric it came from.
pub fn endpoint_newest_point(store: &SeriesStore, endpoint: &Endpoint) -> Option<Epoch> {
    SHOWS_LIVENESS
        .into_iter()
        .filter_map(|id| metric_latest(store, endpoint, id).map(|(ts, _)| ts))
        .max()
}

/// The worst GetMetricData status among `keys` (Forbidden first), `None` when all are
/// complete or not held.
pub fn worst_status(store: &SeriesStore, keys: &[SeriesKey]) -> Option<SeriesStatus> {
    let rank = |s: SeriesStatus| match s {
        SeriesStatus::Forbidden => 3,
        SeriesStatus::InternalError => 2,
        SeriesStatus::PartialData => 1,
        SeriesStatus::Complete => 0,
    };
    keys.iter()
        .filter_map(|k| store.get(k).map(|s| s.status))
        .filter(|s| *s != SeriesStatus::Complete)
        .max_by_key(|s| rank(*s))
}

/// Short words for a series status, for a table cell or a chart title.
pub fn status_label(s: SeriesStatus) -> &'static str {
    match s {
        SeriesStatus::Forbidden => "DENIED",
        SeriesStatus::InternalError => "AWS ERROR",
        SeriesStatus::PartialData => "PARTIAL",
        SeriesStatus::Complete => "",
    }
}

/// An endpoint's 1-minute data is stale when its newest point is older than this. CloudWatch
/// publishes SageMaker metrics with a delay of a minute or two, so a few minutes is normal.
pub const STALE_AFTER_SECS: i64 = 5 * 60;

/// Whether an endpoint's numbers are live: what the fleet row and the snapshot say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Live,
    /// The newest 1-minute point is this many seconds old.
    Stale(i64),
    /// In service, yet no data at all.
    NoData,
    /// No data, and not in service (being created, failed before serving): its status says
    /// why, so silence is not news.
    Explained,
}

impl Liveness {
    /// Numbers that should be moving and are not.
    pub fn is_stale(self) -> bool {
        matches!(self, Self::Stale(_) | Self::NoData)
    }
}

/// `newest` is the endpoint's newest 1-minute point (`endpoint_newest_point`).
pub fn liveness(endpoint: &Endpoint, newest: Option<Epoch>, now: Epoch) -> Liveness {
    match newest {
        Some(ts) if now - ts > STALE_AFTER_SECS => Liveness::Stale(now - ts),
        Some(_) => Liveness::Live,
        None if endpoint.status == EndpointStatus::InService => Liveness::NoData,
        None => Liveness::Explained,
    }
}

pub fn endpoint_liveness(store: &SeriesStore, endpoint: &Endpoint, now: Epoch) -> Liveness {
    liveness(endpoint, endpoint_newest_point(store, endpoint), now)
}

/// The band a value falls in, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Good,
    Warn,
    Bad,
    /// No opinion: no levels and no alarm for this metric.
    Neutral,
}

/// The comparison and threshold of the first metric alarm watching any of `keys`: what
/// `band` colours by. Split out so a caller colouring many values looks it up once.
pub fn alarm_threshold(state: &State, keys: &[SeriesKey]) -> Option<(Comparison, f64)> {
    keys.iter()
        .flat_map(|k| state.alarm_index.by_series.get(k).into_iter().flatten())
        .find_map(|&i| state.alarms.get(i).and_then(Alarm::threshold))
}

/// Whether a value of `keys` stamped `ts` is older than the newest datapoint an alarm
/// watching them evaluated when it last changed state (the datapoints its reason lists).
/// Drawn as current, it would contradict the alarm (an alarm fired on a newer point, the
/// fleet still drawing the one before in green): drawn with a mark until the newer point
/// is read. A reason that names no datapoint marks nothing.
pub fn behind_alarm(state: &State, keys: &[SeriesKey], ts: Epoch) -> bool {
    keys.iter()
        .flat_map(|k| state.alarm_index.by_series.get(k).into_iter().flatten())
        .filter_map(|&i| state.alarms.get(i))
        .filter(|a| a.state != AlarmState::InsufficientData)
        .any(|a| newest_reason_point(&a.reason).is_some_and(|p| p > ts))
}

/// The newest datapoint a CloudWatch state reason lists: `[0.781 (25/11/26 13:00:00), ...]`,
/// its timestamps UTC as day/month/year.
pub fn newest_reason_point(reason: &str) -> Option<Epoch> {
    let (_, list) = reason.split_once('[')?;
    let list = list.split(']').next().unwrap_or_default();
    list.split('(')
        .skip(1)
        .filter_map(|part| {
            let stamp = part.split(')').next()?;
            let t =
                chrono::NaiveDateTime::parse_from_str(stamp.trim(), "%d/%m/%y %H:%M:%S").ok()?;
            Some(t.and_utc().timestamp())
        })
        .max()
}

/// `band` given the alarm threshold already looked up.
pub fn band_with(alarm: Option<(Comparison, f64)>, id: MetricId, value: f32) -> Band {
    if value.is_nan() {
        return Band::Neutral;
    }
    let value = f64::from(value);
    if let Some((cmp, threshold)) = alarm {
        return if cmp.breaches(value, threshold) {
            Band::Bad
        } else {
            Band::Good
        };
    }
    match metrics::spec(id).levels {
        None => Band::Neutral,
        Some(l) => {
            let worse = |a: f64, b: f64| if l.lower_is_worse { a <= b } else { a >= b };
            if worse(value, l.bad) {
                Band::Bad
            } else if worse(value, l.warn) {
                Band::Warn
            } else {
                Band::Good
            }
        }
    }
}

/// True when lower values of the metric are the worse ones (model quality): which end of a
/// bucket of slots a sparkline cell shows.
pub fn lower_is_worse(id: MetricId) -> bool {
    metrics::spec(id).levels.is_some_and(|l| l.lower_is_worse)
}

/// Thresholds of the alarms watching a metric of an endpoint, for drawing on its chart.
pub fn thresholds(state: &State, endpoint: &Endpoint, id: MetricId) -> Vec<(f64, AlarmState)> {
    metrics::series_keys(endpoint, id)
        .iter()
        .flat_map(|k| thresholds_on(state, k))
        .collect()
}

/// The threshold and state of every alarm watching exactly `key`.
pub fn thresholds_on<'a>(
    state: &'a State,
    key: &SeriesKey,
) -> impl Iterator<Item = (f64, AlarmState)> + 'a {
    state
        .alarm_index
        .by_series
        .get(key)
        .into_iter()
        .flatten()
        .filter_map(|&i| {
            let a = state.alarms.get(i)?;
            Some((a.threshold()?.1, a.state))
        })
}

/// How fresh the data on screen is: the status line shows it, and `update` redraws when it
/// changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFreshness {
    /// Nothing has loaded yet and nothing has failed.
    Loading,
    Fresh,
    /// The oldest successful refresh is this many seconds old (or none ever succeeded).
    Stale(Option<i64>),
}

/// Stale when a kind of data has not been refreshed for three of its refresh intervals (1-minute
/// series are asked for once a minute, alarms every refresh), or when the newest error came
/// after the newest success (the data on screen is what failed to update).
pub fn freshness(state: &State) -> DataFreshness {
    let f = &state.freshness;
    // 1-minute series are refreshed each minute while the fleet or an endpoint's live charts
    // are shown; elsewhere only the off-screen refresh runs.
    let live_charts = match state.view {
        crate::views::View::Fleet => true,
        crate::views::View::Endpoint => state.views.endpoint.pan == 0,
        _ => false,
    };
    let series_every = if live_charts {
        state.refresh_secs.max(60)
    } else {
        crate::app::refresh::COLD_SERIES_SECS
    };
    let limits = [
        (f.series_ok_at, 3 * series_every),
        (f.alarms_ok_at, 3 * state.refresh_secs.max(1)),
    ];
    let oks = [f.series_ok_at, f.alarms_ok_at];
    let oldest_ok = oks.iter().flatten().min().copied();
    let newest_ok = oks.iter().flatten().max().copied();
    let error_at = f.last_error.as_ref().map(|(t, _)| *t);
    match (oldest_ok, newest_ok) {
        (Some(oldest), Some(newest)) => {
            let age = state.now - oldest;
            let overdue = limits
                .iter()
                .any(|(ok, limit)| ok.is_some_and(|t| state.now - t > *limit));
            if overdue || error_at.is_some_and(|e| e > newest) {
                DataFreshness::Stale(Some(age))
            } else {
                DataFreshness::Fresh
            }
        }
        _ if error_at.is_some() => DataFreshness::Stale(None),
        _ => DataFreshness::Loading,
    }
}

/// Formats a duration coarsely (minutes at best) so that the screen changes at most once a
/// minute while nothing else happens.
pub fn coarse_duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        s if s < 60 => "<1m".into(),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d{:02}h", s / 86400, (s % 86400) / 3600),
    }
}

/// Formats a metric value for a narrow cell: 0.912, 63.4, 1.2k, 45.0k.
pub fn format_value(v: f32) -> String {
    let mut s = String::new();
    write_value(&mut s, v);
    s
}

/// `format_value` into a reused buffer: the fleet formats hundreds of values per frame.
pub fn write_value(out: &mut String, v: f32) {
    use std::fmt::Write;
    out.clear();
    let a = v.abs();
    let _ = if v.is_nan() {
        out.write_str("-")
    } else if a >= 1_000_000.0 {
        write!(out, "{:.1}M", v / 1_000_000.0)
    } else if a >= 10_000.0 {
        write!(out, "{:.0}k", v / 1000.0)
    } else if a >= 1000.0 {
        write!(out, "{:.1}k", v / 1000.0)
    } else if a >= 100.0 {
        write!(out, "{v:.0}")
    } else if a >= 1.0 || a == 0.0 {
        write!(out, "{v:.1}")
    } else {
        write!(out, "{v:.3}")
    };
}

/// Whether any of `fields` contains the `/` filter, ignoring case; an empty filter matches.
pub fn matches_filter(filter: &str, fields: &[&str]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let needle = filter.to_lowercase();
    fields.iter().any(|f| f.to_lowercase().contains(&needle))
}

/// The account an alarm is about: its endpoint's, else its metric's, else its own.
pub fn watched_account(alarm: &Alarm) -> &str {
    alarm
        .endpoint
        .as_ref()
        .map(|e| e.account_id.as_str())
        .or_else(|| alarm.series().map(|s| s.account_id.as_str()))
        .unwrap_or(&alarm.account_id)
}

/// Violations found by the last completed run of each Model Monitor schedule of an
/// endpoint (`endpoint` None: of every endpoint of `account`; `account` "": of every
/// account), summed; `None` while no such run's report has been counted.
pub fn violations_of(state: &State, account: &str, endpoint: Option<&str>) -> Option<usize> {
    let index = &state.violations;
    match (account, endpoint) {
        ("", None) => index.total,
        ("", Some(e)) => index
            .by_endpoint
            .values()
            .filter_map(|by_name| by_name.get(e))
            .copied()
            .reduce(|a, b| a + b),
        (a, None) => index.by_account.get(a).copied(),
        (a, Some(e)) => index.by_endpoint.get(a)?.get(e).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_are_summed_per_endpoint_account_and_fleet_from_the_last_runs() {
        use crate::source::model::ExecutionStatus;
        use crate::source::monitor::{LastRun, ScheduleRun};
        let run = |account: &str, endpoint: &str, violations: Option<usize>| ScheduleRun {
            account_id: account.into(),
            endpoint: endpoint.into(),
            schedule: format!("{endpoint}-mq"),
            monitoring_type: "ModelQuality".into(),
            status: crate::source::model::ScheduleStatus::Scheduled,
            last_run: Some(LastRun {
                status: ExecutionStatus::Completed,
                scheduled_at: 0,
                violations,
            }),
            region: Default::default(),
        };
        let mut s = State::new(
            crate::source::SourceKind::Demo,
            0,
            crate::config::theme::Theme::default(),
            std::sync::Arc::new(crate::config::keymap::Keymap::default()),
        );
        assert_eq!(violations_of(&s, "", None), None, "nothing counted yet");
        let runs = vec![
            run("1", "a", Some(2)),
            run("1", "a", Some(1)),
            run("1", "b", Some(0)),
            run("2", "a", Some(4)),
            run("2", "c", None),
        ];
        crate::app::update::update(
            &mut s,
            crate::app::action::Action::Loaded(Box::new(crate::app::action::Loaded::FleetRuns(
                Ok(runs),
            ))),
        );
        assert_eq!(violations_of(&s, "1", Some("a")), Some(3));
        assert_eq!(
            violations_of(&s, "1", Some("b")),
            Some(0),
            "a clean report counts"
        );
        assert_eq!(violations_of(&s, "2", Some("c")), None, "no report read");
        assert_eq!(violations_of(&s, "1", None), Some(3));
        assert_eq!(violations_of(&s, "", Some("a")), Some(7));
        assert_eq!(violations_of(&s, "", None), Some(7));
        assert_eq!(violations_of(&s, "3", None), None);
    }

    #[test]
    fn a_reasons_newest_datapoint_is_read_from_its_list() {
        let r = "Threshold Crossed: 2 out of the last 3 datapoints [0.781 (25/11/26 13:00:00), \
                 0.802 (25/11/26 12:00:00)] were less than the threshold (0.85).";
        assert_eq!(newest_reason_point(r), Some(1_795_611_600));
        assert_eq!(
            newest_reason_point("Insufficient Data: 1 datapoint was unknown."),
            None
        );
        assert_eq!(newest_reason_point("[93.1, 93.4] were greater"), None);
    }

    #[test]
    fn liveness_says_why_numbers_are_not_moving() {
        let mut e = Endpoint {
            account_id: "1".into(),
            name: "e".into(),
            status: EndpointStatus::InService,
            variants: vec![],
            monitoring_schedules: vec![],
            model_quality_namespace: None,
            quality: None,
            region: Default::default(),
        };
        assert_eq!(
            liveness(&e, Some(1000), 1000 + STALE_AFTER_SECS),
            Liveness::Live
        );
        assert_eq!(
            liveness(&e, Some(1000), 1001 + STALE_AFTER_SECS),
            Liveness::Stale(301)
        );
        assert_eq!(liveness(&e, None, 1000), Liveness::NoData);
        e.status = EndpointStatus::Creating;
        assert_eq!(liveness(&e, None, 1000), Liveness::Explained);
        assert!(!Liveness::Explained.is_stale());
        // Old numbers are stale whatever the status.
        assert!(liveness(&e, Some(0), 1000).is_stale());
    }

    #[test]
    fn coarse_durations() {
        assert_eq!(coarse_duration(5), "<1m");
        assert_eq!(coarse_duration(125), "2m");
        assert_eq!(coarse_duration(3 * 3600 + 5 * 60), "3h05m");
        assert_eq!(coarse_duration(2 * 86400 + 3600), "2d01h");
    }

    #[test]
    fn values_fit_narrow_cells() {
        assert_eq!(format_value(0.9123), "0.912");
        assert_eq!(format_value(63.44), "63.4");
        assert_eq!(format_value(1234.0), "1.2k");
        assert_eq!(format_value(45_000.0), "45k");
        assert_eq!(format_value(f32::NAN), "-");
    }

    #[test]
    fn combined_window_matches_series_window() {
        let mut s = Series::new(60, 100);
        for i in 0..90 {
            if i % 7 != 3 {
                s.insert(6000 + i * 60, i as f32);
            }
        }
        for end in [
            6000 - 60,
            6000,
            6000 + 45 * 60 + 59,
            6000 + 89 * 60,
            6000 + 200 * 60,
        ] {
            let mut out = [0.0; 30];
            combine_window(&[&s], MetricId::Cpu, end, &mut out);
            let want: Vec<f32> = s.window(end, 30).collect();
            for (a, b) in out.iter().zip(&want) {
                assert!(
                    a == b || (a.is_nan() && b.is_nan()),
                    "end {end}: {out:?} != {want:?}"
                );
            }
        }
    }

    #[test]
    fn scratch_keys_equal_series_keys() {
        let mut scratch = KeyScratch::default();
        let endpoints = [
            (vec!["blue", "green", "canary"], vec!["mq", "dq"]),
            (vec!["AllTraffic"], vec![]),
            (vec![], vec!["mq"]),
        ];
        for (n, (variants, schedules)) in endpoints.into_iter().enumerate() {
            let e = Endpoint {
                account_id: format!("{n:012}"),
                name: format!("endpoint-{n}"),
                status: EndpointStatus::InService,
                variants: variants.into_iter().map(String::from).collect(),
                monitoring_schedules: schedules.into_iter().map(String::from).collect(),
                model_quality_namespace: None,
                quality: None,
                region: Default::default(),
            };
            // The same endpoint with a custom quality source, so that the scratch is reused
            // across both shapes (two dimensions, then one, then two again).
            let custom = Endpoint {
                quality: Some(CustomQuality {
                    namespace: "MLTeam/ModelQuality".into(),
                    endpoint_dimension: "model_endpoint".into(),
                    period: 300,
                }),
                ..e.clone()
            };
            for e in [&e, &custom, &e] {
                for m in &metrics::METRICS {
                    assert_eq!(
                        scratch.keys(e, m.id),
                        metrics::series_keys(e, m.id),
                        "{}",
                        m.name
                    );
                }
            }
        }
    }

    #[test]
    fn variants_combine_worst_first() {
        assert_eq!(combine(MetricId::Cpu, 10.0, 30.0), 30.0);
        assert_eq!(combine(MetricId::Accuracy, 0.9, 0.7), 0.7);
        assert_eq!(combine(MetricId::Invocations, 10.0, 30.0), 40.0);
        assert_eq!(combine(MetricId::Cpu, f32::NAN, 3.0), 3.0);
    }
}
