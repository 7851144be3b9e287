//! What the alarm in the form would have done, recomputed as it is typed: beside the form,
//! the metric's chart with the proposed threshold; under its fields, how many of the held
//! points breach and when the alarm would last have gone to ALARM.

use super::editor::Draft;
use crate::app::action::SeriesPurpose;
use crate::app::command::Command;
use crate::app::state::State;
use crate::overlays::form::{Form, Value};
use crate::source::SeriesRequest;
use crate::source::alarm_write::Operator;
use crate::source::model::{AlarmState, Comparison, Epoch, SeriesKey};
use crate::ui::text;
use crate::ui::widgets::chart::{self, MetricChart, Trace};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// What a rule would have done over a run of points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breaches {
    pub breaching: usize,
    pub total: usize,
    /// When it would last have gone from OK to ALARM (the end of the period that tipped it).
    pub last_alarm: Option<Epoch>,
    /// In ALARM after the newest point.
    pub alarm_now: bool,
}

/// CloudWatch's M-out-of-N rule evaluated at the end of each point's period, over the points
/// of the last `n` periods (missing points are missing: neither breaching nor not).
pub fn analyse(
    points: &[(Epoch, f64)],
    comparison: Comparison,
    threshold: f64,
    period: i64,
    n: usize,
    m: usize,
) -> Breaches {
    let breaches = |v: f64| comparison.breaches(v, threshold);
    let span = period.max(1) * n.max(1) as i64;
    let mut state = AlarmState::Ok;
    let mut last_alarm = None;
    for (i, &(t, _)) in points.iter().enumerate() {
        let breaching = points[..=i]
            .iter()
            .rev()
            .take_while(|(u, _)| *u > t - span)
            .filter(|(_, v)| breaches(*v))
            .count();
        let next = if breaching >= m.max(1) {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        if next == AlarmState::Alarm && state != AlarmState::Alarm {
            last_alarm = Some(t + period);
        }
        state = next;
    }
    Breaches {
        breaching: points.iter().filter(|(_, v)| breaches(*v)).count(),
        total: points.len(),
        last_alarm,
        alarm_now: state == AlarmState::Alarm,
    }
}

/// How far back the preview reaches at least (hourly data: at least a day, as the endpoint
/// screen's charts).
const PREVIEW_SECS: i64 = 3 * 3600;

/// The window the preview looks at, ending now: its own span, and further back when the
/// console holds more of the series (another screen asked for a longer one). Never another
/// screen's range: the preview is about the alarm's metric, from wherever the form opened.
fn window(state: &State, key: &SeriesKey) -> (Epoch, Epoch) {
    let own = state.now - own_span(key);
    let held = state
        .store
        .get(key)
        .and_then(|s| s.points(Epoch::MIN / 2, state.now).next())
        .map(|(t, _)| t);
    (held.map_or(own, |t| t.min(own)), state.now)
}

fn own_span(key: &SeriesKey) -> i64 {
    crate::app::refresh::chart_window(PREVIEW_SECS, key.period)
}

/// Slots the store keeps for `key` while an alarm form shows it.
pub fn capacity(state: &State, key: &SeriesKey) -> Option<usize> {
    let draft = state.views.alarms.draft.as_ref()?;
    let form = open_form(state)?;
    // Never less than the fleet's sparkline keeps of it.
    let slots = |window| crate::app::refresh::slots(window, key.period);
    (draft.series(form) == Some(key))
        .then(|| slots(own_span(key)).max(slots(crate::app::refresh::fleet_window(key.period))))
}

/// The alarm form on the overlay stack, if one is open.
fn open_form(state: &State) -> Option<&Form> {
    state.overlays.iter().rev().find_map(|o| match o {
        crate::overlays::Overlay::Form(f) if f.owner == crate::views::View::Alarms => Some(f),
        _ => None,
    })
}

/// The preview's series, asked for when the form shows a metric not asked for yet (it
/// opened, or another metric was chosen), then what is new in it each minute. The series
/// may be one no screen holds (an endpoint's 5XX errors, from the alarms view).
pub fn due(state: &mut State) -> Vec<Command> {
    let Some(key) = state
        .views
        .alarms
        .draft
        .as_ref()
        .zip(open_form(state))
        .and_then(|(d, f)| d.series(f))
        .cloned()
    else {
        state.views.alarms.preview_asked = None;
        return Vec::new();
    };
    let now = state.now;
    if let Some((asked, next)) = &state.views.alarms.preview_asked
        && *asked == key
        && now < *next
    {
        return Vec::new();
    }
    let next = crate::app::refresh::next_minute_refresh(now, state.refresh_secs.max(1));
    state.views.alarms.preview_asked = Some((key.clone(), next));
    let window_start = now - own_span(&key);
    let start =
        crate::app::refresh::incremental_start(state, std::slice::from_ref(&key), window_start);
    let (start, end) = crate::app::refresh::aligned(start, now, key.period);
    vec![Command::LoadSeries {
        purpose: SeriesPurpose::Preview,
        request: SeriesRequest {
            keys: vec![key].into(),
            start,
            end,
        },
        replace: false,
    }]
}

fn held_points(state: &State, key: &SeriesKey) -> Vec<(Epoch, f64)> {
    let (x0, x1) = window(state, key);
    state
        .store
        .get(key)
        .map(|s| s.points(x0, x1).map(|(t, v)| (t, f64::from(v))).collect())
        .unwrap_or_default()
}

fn choice(form: &Form, key: &str) -> Option<String> {
    match form.value(key)? {
        Value::Choice(c) => Some(c),
        _ => None,
    }
}

/// `3 of 60 points breach; would have gone to ALARM at 02:14`, or why there is no count.
pub fn note(state: &State, draft: &Draft, form: &Form) -> (String, bool) {
    let Some(key) = draft.series(form) else {
        return ("no metric to preview".into(), false);
    };
    let operator = choice(form, "comparison").and_then(|c| Operator::parse(&c));
    let Some(comparison) = operator.and_then(Operator::comparison) else {
        return (
            "threshold = band width in standard deviations; CloudWatch models the band: no preview"
                .into(),
            false,
        );
    };
    let Some(threshold) = form.valid_number("threshold") else {
        return (
            "type a threshold to see what it would have done".into(),
            false,
        );
    };
    let points = held_points(state, key);
    if points.is_empty() {
        return (
            "no datapoints held for this metric yet: nothing to count".into(),
            false,
        );
    }
    let n = form
        .valid_number("evaluation_periods")
        .unwrap_or(1.0)
        .max(1.0) as usize;
    let m = form.valid_number("datapoints").unwrap_or(1.0).max(1.0) as usize;
    let b = analyse(&points, comparison, threshold, i64::from(key.period), n, m);
    let verdict = match (b.alarm_now, b.last_alarm) {
        (true, Some(t)) => format!("would be in ALARM now, since {}", text::hhmm(t)),
        (false, Some(t)) => format!("would have gone to ALARM at {}", text::hhmm(t)),
        (_, None) => "would not have gone to ALARM".into(),
    };
    let mut line = format!("{} of {} points breach; {verdict}", b.breaching, b.total);
    // The preview counts the series as held; say so when the form asks for another.
    let stat = choice(form, "statistic");
    let period = form.valid_number("period").map(|p| p as u32);
    if stat.as_deref().is_some_and(|s| s != key.stat.as_str())
        || period.is_some_and(|p| p != key.period)
    {
        line.push_str(&format!(
            " (counted on the held {} per {} s)",
            key.stat.as_str(),
            key.period
        ));
    }
    (line, b.last_alarm.is_some())
}

/// The form's metric as a chart, with its alarms' thresholds and the proposed one.
pub fn render(state: &State, form: &Form, buf: &mut Buffer, area: Rect) {
    let Some(draft) = &state.views.alarms.draft else {
        return;
    };
    let Some(key) = draft.series(form) else {
        return;
    };
    if area.height < 4 {
        return;
    }
    // What the rule would have done is the form's note, under its fields: the preview is
    // the chart alone, so nothing of it is drawn outside the overlay's rows.
    let theme = &state.theme;
    let chart_area = area;
    let (x0, x1) = window(state, key);
    let buckets = usize::from(chart_area.width.saturating_sub(8)).max(1) * 2;
    let mut points = Vec::new();
    if let Some(series) = state.store.get(key) {
        chart::downsample(series.points(x0, x1), (x0, x1), buckets, &mut points);
    }
    let traces = [Trace {
        name: None,
        points,
        style: theme.chart,
        max_gap: 2.5 * f64::from(key.period).max((x1 - x0) as f64 / buckets as f64),
    }];
    let existing = crate::app::query::thresholds_on(state, key)
        .map(|(t, s)| (t, chart::threshold_style(theme, s)));
    let proposed = form
        .valid_number("threshold")
        .filter(|_| {
            choice(form, "comparison")
                .and_then(|c| Operator::parse(&c))
                .is_some_and(|o| !o.is_band())
        })
        .map(|t| (t, theme.focus));
    let thresholds: Vec<(f64, Style)> = existing.chain(proposed).collect();
    let title = Line::from(vec![
        Span::styled(format!(" {} ", key.metric), theme.focus),
        Span::styled(
            format!(
                "{} · {} ",
                state.account_label(&key.account_id),
                key.stat.as_str()
            ),
            theme.muted,
        ),
    ]);
    MetricChart {
        title,
        traces: &traces,
        thresholds: &thresholds,
        window: (x0, x1),
        focused: true,
        theme,
        marks: &[],
    }
    .render(chart_area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(values: &[f64]) -> Vec<(Epoch, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as i64 * 60, *v))
            .collect()
    }

    #[test]
    fn every_breaching_point_is_counted_and_the_last_tip_into_alarm_is_found() {
        let p = pts(&[1.0, 9.0, 1.0, 9.0, 9.0, 1.0, 1.0, 1.0]);
        let b = analyse(&p, Comparison::GreaterThanThreshold, 5.0, 60, 1, 1);
        assert_eq!((b.breaching, b.total), (3, 8));
        // Tipped at the point of minute 3 (its period ends at 240 s).
        assert_eq!(b.last_alarm, Some(240));
        assert!(!b.alarm_now);
    }

    #[test]
    fn m_out_of_n_needs_m_breaches_within_the_last_n_periods() {
        let p = pts(&[9.0, 1.0, 9.0, 1.0, 1.0, 1.0]);
        // Two of three: minutes 0 and 2 are within three periods of minute 2.
        let b = analyse(&p, Comparison::GreaterThanThreshold, 5.0, 60, 3, 2);
        assert_eq!(b.last_alarm, Some(180));
        // Three of three never happens.
        let b = analyse(&p, Comparison::GreaterThanThreshold, 5.0, 60, 3, 3);
        assert_eq!(b.last_alarm, None);
    }

    #[test]
    fn a_rule_breaching_at_the_end_is_in_alarm_now() {
        let p = pts(&[0.9, 0.9, 0.7]);
        let b = analyse(&p, Comparison::LessThanThreshold, 0.8, 3600, 1, 1);
        assert!(b.alarm_now);
        assert_eq!(b.breaching, 1);
    }
}
