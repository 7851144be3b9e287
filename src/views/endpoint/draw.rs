//! The endpoint detail: a summary line, then one braille chart per metric in `METRICS`
//! order, with alarm thresholds; the selected chart is focused or shown alone, maximised.

use crate::app::query;
use crate::app::state::{Loadable, State};
use crate::overlays::form::Form;
use crate::source::metrics::{self, METRICS, MetricSpec};
use crate::source::model::{Endpoint, Epoch, ExecutionStatus, ScheduleStatus};
use crate::ui::text::{self, put, put_trunc};
use crate::ui::widgets::chart::{self, MetricChart, Trace};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let Some(e) = super::shown(state) else {
        let msg = "no endpoint selected: open one from the fleet";
        let y = area.y + area.height / 2;
        let x = area.x + area.width.saturating_sub(text::width(msg)) / 2;
        put(buf, area, x, y, msg, area.width, theme.muted);
        return;
    };
    let (summary, grid) = super::layout::bands(area);
    render_summary(state, buf, summary, e);
    if grid.is_empty() {
        return;
    }
    let selected = state.views.endpoint.selected_chart.min(METRICS.len() - 1);
    if state.views.endpoint.maximized {
        render_chart(state, buf, grid, e, &METRICS[selected], true, None);
        return;
    }
    for (i, cell) in super::layout::chart_cells(grid, METRICS.len(), selected) {
        render_chart(state, buf, cell, e, &METRICS[i], i == selected, None);
    }
}

/// The chart window of a series of this period: `[now - pan - range, now - pan]`, widened
/// for hourly data exactly as `refresh` fetches it. The period is the series' own (a custom
/// quality source's may differ from the catalogue's).
pub fn window(state: &State, period: u32) -> (Epoch, Epoch) {
    let end = state.now - state.views.endpoint.pan.max(0);
    (end - super::series::window(state, period), end)
}

fn window_label(secs: i64) -> String {
    if secs % 86400 == 0 {
        format!("{}d", secs / 86400)
    } else {
        format!("{}h", secs / 3600)
    }
}

/// Beside a form opened on this screen: the selected chart, with the form's `threshold`
/// (while it holds a valid number) drawn where the alarm would put it.
pub fn render_preview(state: &State, form: &Form, buf: &mut Buffer, area: Rect) {
    let Some(e) = super::shown(state) else {
        return;
    };
    let spec = &METRICS[state.views.endpoint.selected_chart.min(METRICS.len() - 1)];
    let proposed = form.valid_number("threshold");
    render_chart(state, buf, area, e, spec, true, proposed);
}

fn render_chart(
    state: &State,
    buf: &mut Buffer,
    area: Rect,
    e: &Endpoint,
    spec: &MetricSpec,
    selected: bool,
    proposed_threshold: Option<f64>,
) {
    let theme = &state.theme;
    let palette = [
        theme.chart,
        theme.warn,
        theme.good,
        theme.insufficient,
        theme.focus,
    ];
    let keys = metrics::series_keys(e, spec.id);
    let period = keys.first().map_or(spec.period, |k| k.period);
    let (x0, x1) = window(state, period);
    // About two points per braille dot column (two dot columns per cell): min and max.
    let buckets = usize::from(area.width.saturating_sub(8)).max(1) * 2;
    let traces: Vec<Trace> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let mut points = Vec::new();
            if let Some(series) = state.store.get(key) {
                chart::downsample(series.points(x0, x1), (x0, x1), buckets, &mut points);
            }
            let name = (keys.len() > 1).then(|| {
                key.dimension("VariantName")
                    .or_else(|| key.dimension("MonitoringSchedule"))
                    .unwrap_or(&key.metric)
                    .to_owned()
            });
            Trace {
                name,
                points,
                style: palette[i % palette.len()],
                // Two missing periods (or downsampling buckets, when wider) make a gap.
                max_gap: 2.5 * (period as f64).max((x1 - x0) as f64 / buckets as f64),
            }
        })
        .filter(|t| !t.points.is_empty())
        .collect();
    let thresholds: Vec<(f64, Style)> = query::thresholds(state, e, spec.id)
        .into_iter()
        .map(|(t, s)| (t, chart::threshold_style(theme, s)))
        .chain(proposed_threshold.map(|t| (t, theme.focus)))
        .collect();
    // Changes the trail found on this endpoint (`c`), on the time axis.
    let marks: Vec<Epoch> = state
        .change_marks
        .for_endpoint(&e.key())
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| (x0..=x1).contains(t))
        .collect();
    let title_style = if selected { theme.focus } else { theme.title };
    let mut title = vec![Span::styled(format!(" {} ", spec.name), title_style)];
    if !spec.unit.is_empty() {
        title.push(Span::styled(format!("{} ", spec.unit), theme.muted));
    }
    if crate::app::refresh::is_hourly(period) {
        title.push(Span::styled(
            format!("· {} ", window_label(x1 - x0)),
            theme.muted,
        ));
    }
    if !marks.is_empty() {
        let s = if marks.len() == 1 { "" } else { "s" };
        title.push(Span::styled(
            format!("▲ {} change{s} ", marks.len()),
            theme.warn,
        ));
    }
    // GetMetricData's own verdict on these series (Forbidden, PartialData, InternalError).
    if let Some(status) = query::worst_status(&state.store, &keys) {
        title.push(Span::styled(
            format!("{} ", query::status_label(status)),
            theme.bad,
        ));
    }
    MetricChart {
        title: Line::from(title),
        traces: &traces,
        thresholds: &thresholds,
        window: (x0, x1),
        focused: selected,
        theme,
        marks: &marks,
    }
    .render(area, buf);
}

fn render_summary(state: &State, buf: &mut Buffer, area: Rect, e: &Endpoint) {
    let theme = &state.theme;
    let d = &state.views.endpoint;
    let mut parts: Vec<(String, Style)> = vec![
        (
            format!(" {} ", state.account_label(&e.account_id)),
            theme.title,
        ),
        (format!("{} ", e.account_id), theme.muted),
        (format!("{} ", e.name), theme.title),
        (
            format!("{} ", e.status.as_str()),
            match e.status {
                crate::source::model::EndpointStatus::InService => theme.ok,
                crate::source::model::EndpointStatus::Failed => theme.bad,
                _ => theme.warn,
            },
        ),
        (format!("· {} ", e.variants.join(", ")), theme.text),
        (format!("· {}", d.range_label()), theme.key_hint),
    ];
    if d.pan > 0 {
        parts.push((
            format!(" ending {} ago", query::coarse_duration(d.pan)),
            theme.warn,
        ));
    }
    parts.push((" · monitor ".into(), theme.muted));
    match &d.monitoring {
        Loadable::NotRequested => parts.push(("-".into(), theme.muted)),
        Loadable::Loading => parts.push(("loading…".into(), theme.muted)),
        Loadable::Failed(msg) => parts.push((format!("failed: {msg}"), theme.bad)),
        Loadable::Loaded(list) if list.is_empty() => parts.push(("none".into(), theme.muted)),
        Loadable::Loaded(list) => {
            for (i, s) in list.iter().enumerate() {
                if i > 0 {
                    parts.push((", ".into(), theme.muted));
                }
                let status_style = match s.status {
                    ScheduleStatus::Scheduled => theme.ok,
                    ScheduleStatus::Failed => theme.bad,
                    _ => theme.warn,
                };
                parts.push((format!("{} ", s.name), theme.text));
                parts.push((format!("{:?}", s.status), status_style));
                if let Some(x) = &s.last_execution {
                    let style = match x.status {
                        ExecutionStatus::Completed => theme.ok,
                        ExecutionStatus::Failed => theme.bad,
                        ExecutionStatus::CompletedWithViolations => theme.warn,
                        _ => theme.muted,
                    };
                    parts.push((" last ".into(), theme.muted));
                    parts.push((format!("{:?}", x.status), style));
                    parts.push((format!(" {}", text::hhmm(x.scheduled_time)), theme.muted));
                }
            }
        }
    }
    let mut x = area.x;
    for (s, style) in &parts {
        if x >= area.right() {
            break;
        }
        x = put_trunc(buf, area, x, area.y, s, area.right() - x, *style);
    }
}
