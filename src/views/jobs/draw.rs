//! The jobs screen: the table (columns dropped right to left on a narrow terminal, the
//! failure reason first), and under it, when a job is opened, its whole story and charts of
//! its CPU, memory and disk per host. Only the rows on screen are drawn.

use super::layout;
use super::state::{JobColumn, Row};
use super::update::{SERIES_WINDOW, window};
use crate::app::query::coarse_duration;
use crate::app::state::State;
use crate::config::theme::Theme;
use crate::source::jobs::{JOB_METRICS, JobStatus, ProcessingJob};
use crate::source::model::Epoch;
use crate::ui::text::{self, put, put_trunc};
use crate::ui::widgets::chart::{self, MetricChart, Trace};
use crate::ui::widgets::{self, sparkline, table};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

const GAP: u16 = 1;
const NAME_MIN: u16 = 16;
const NAME_MAX: u16 = 48;
const STATUS_W: u16 = 10;
const STARTED_W: u16 = 10;
const DURATION_W: u16 = 6;
const SCHEDULE_MIN: u16 = 12;
const SCHEDULE_MAX: u16 = 36;
const INSTANCE_MAX: u16 = 18;
const REASON_MIN: u16 = 12;
/// The reason gets this much before the sparklines widen.
const REASON_FIRST: u16 = 40;
const MIN_CELLS: u16 = 6;
const MAX_CELLS: u16 = 16;
const METRIC_LABELS: [&str; 3] = ["CPU", "MEM", "DISK"];
/// Below this the three charts are not drawn (a braille chart this small is a smear).
const MIN_CHART_H: u16 = 5;

/// Widths of the table's columns; 0 is a column that did not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cols {
    account: u16,
    name: u16,
    schedule: u16,
    instance: u16,
    metrics: usize,
    cells: u16,
    reason: u16,
}

impl Cols {
    fn base(account: u16) -> u16 {
        1 + account + GAP + NAME_MIN + GAP + STATUS_W + GAP + STARTED_W + GAP + DURATION_W
    }

    /// The essential columns first (who, what, how it went, when, how long), then the
    /// sparklines, the schedule, the instance and the reason as they fit; spare width
    /// completes the names, the reason, then widens the sparklines.
    fn fit(width: u16, account: u16, want: (u16, u16, u16)) -> Self {
        let (name_want, schedule_want, instance_want) = want;
        let mut room = width.saturating_sub(Self::base(account));
        let mut take = |w: u16| {
            if room > w {
                room -= w + GAP;
                w
            } else {
                0
            }
        };
        let mut metrics = 0;
        while metrics < JOB_METRICS.len() && take(MIN_CELLS) > 0 {
            metrics += 1;
        }
        let schedule = take(SCHEDULE_MIN);
        let instance = take(instance_want);
        let reason = take(REASON_MIN);
        let grow = |col: u16, want: u16, room: &mut u16| {
            let add = want.saturating_sub(col).min(*room);
            *room -= add;
            col + add
        };
        let name = grow(NAME_MIN, name_want, &mut room);
        let schedule = if schedule > 0 {
            grow(schedule, schedule_want, &mut room)
        } else {
            0
        };
        let mut reason = if reason > 0 {
            grow(reason, REASON_FIRST, &mut room)
        } else {
            0
        };
        let mut cells = MIN_CELLS;
        if let Some(per) = room.checked_div(metrics as u16) {
            let add = per.min(MAX_CELLS - MIN_CELLS);
            cells += add;
            room -= add * metrics as u16;
        }
        if reason > 0 {
            reason += room;
        }
        Self {
            account,
            name: name.max(1),
            schedule,
            instance,
            metrics,
            cells,
            reason,
        }
    }
}

fn wanted(state: &State) -> (u16, u16, u16, u16) {
    let j = &state.views.jobs;
    let jobs = || j.rows.iter().filter_map(|r| j.job(r));
    let account = j
        .order
        .iter()
        .map(|id| text::width(state.account_label(id)))
        .max()
        .unwrap_or(0)
        .clamp(7, 12);
    let name = jobs()
        .map(|job| text::width(&job.name))
        .max()
        .unwrap_or(0)
        .clamp(NAME_MIN, NAME_MAX);
    let schedule = jobs()
        .filter_map(|job| job.schedule.as_deref())
        .map(text::width)
        .max()
        .unwrap_or(0)
        .clamp(SCHEDULE_MIN, SCHEDULE_MAX);
    let instance = jobs()
        .map(|job| text::width(&instance(job)))
        .max()
        .unwrap_or(0)
        .clamp(8, INSTANCE_MAX);
    (account, name, schedule, instance)
}

pub fn status_style(theme: &Theme, status: &JobStatus) -> Style {
    match status {
        JobStatus::Failed => theme.bad,
        JobStatus::InProgress => theme.insufficient,
        JobStatus::Stopping | JobStatus::Stopped => theme.warn,
        JobStatus::Completed | JobStatus::Other(_) => theme.text,
    }
}

fn instance(job: &ProcessingJob) -> String {
    match (&job.instance_type, job.instance_count) {
        (Some(t), Some(n)) => format!("{t}×{n}"),
        (Some(t), None) => t.clone(),
        (None, _) => "?".into(),
    }
}

fn ago(now: Epoch, at: Epoch) -> String {
    format!("{} ago", coarse_duration(now - at))
}

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let detail = state.views.jobs.detail && state.views.jobs.selected_job().is_some();
    let table = layout::table_area(area, detail);
    render_table(state, buf, table);
    if detail && let Some(job) = state.views.jobs.selected_job() {
        let rest = Rect {
            y: table.bottom(),
            height: area.bottom() - table.bottom(),
            ..area
        };
        render_detail(state, buf, rest, job);
    }
}

fn title(state: &State) -> String {
    let j = &state.views.jobs;
    let shown = j
        .rows
        .iter()
        .filter(|r| matches!(r, Row::Job { .. }))
        .count();
    let mut t = format!(" processing jobs {shown} · last 24 h ");
    if let Some(id) = &state.scope {
        t.push_str(&format!("· {} ", state.account_label(id)));
    }
    if let Some(f) = &j.schedules {
        t.push_str(&format!("· {} ", f.label));
    }
    if !j.filter.is_empty() {
        t.push_str(&format!("· /{} ", j.filter));
    }
    t
}

fn header_label(col: JobColumn) -> &'static str {
    match col {
        JobColumn::Account => "ACCOUNT",
        JobColumn::Job => "JOB",
        JobColumn::Status => "STATUS",
        JobColumn::Schedule => "SCHEDULE",
        JobColumn::Instance => "INSTANCE",
        JobColumn::Started => "STARTED",
        JobColumn::Duration => "TOOK",
        JobColumn::Metric(i) => METRIC_LABELS.get(i).copied().unwrap_or(""),
    }
}

fn render_table(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let j = &state.views.jobs;
    let focused = !j.detail;
    let border = if focused { theme.focus } else { theme.border };
    let title_style = if focused { theme.focus } else { theme.title };
    let inner = widgets::pane::render(buf, area, &Line::styled(title(state), title_style), border);
    if inner.is_empty() {
        return;
    }
    let (account_w, name_w, schedule_w, instance_w) = wanted(state);
    let cols = Cols::fit(inner.width, account_w, (name_w, schedule_w, instance_w));

    // Column positions, left to right; hidden columns take no room.
    let mut x = inner.x + 1;
    let mut at = |w: u16| {
        let here = x;
        if w > 0 {
            x += w + GAP;
        }
        here
    };
    let x_account = at(cols.account);
    let x_name = at(cols.name);
    let x_status = at(STATUS_W);
    let x_schedule = at(cols.schedule);
    let x_instance = at(cols.instance);
    let x_started = at(STARTED_W);
    let x_duration = at(DURATION_W);
    let x_metrics: Vec<u16> = (0..cols.metrics).map(|_| at(cols.cells)).collect();
    let x_reason = at(cols.reason);

    let y = inner.y;
    let arrow = if j.descending { "▼" } else { "▲" };
    let mut header = |col: JobColumn, x: u16, w: u16| {
        if w == 0 {
            return;
        }
        let label = header_label(col);
        let sorted = j.sort == col;
        let style = if sorted { theme.focus } else { theme.muted };
        let s = if sorted {
            format!("{label}{arrow}")
        } else {
            label.to_owned()
        };
        put_trunc(buf, inner, x, y, &s, w, style);
    };
    header(JobColumn::Account, x_account, cols.account);
    header(JobColumn::Job, x_name, cols.name);
    header(JobColumn::Status, x_status, STATUS_W);
    header(JobColumn::Schedule, x_schedule, cols.schedule);
    header(JobColumn::Instance, x_instance, cols.instance);
    header(JobColumn::Started, x_started, STARTED_W);
    header(JobColumn::Duration, x_duration, DURATION_W);
    for (i, &mx) in x_metrics.iter().enumerate() {
        header(JobColumn::Metric(i), mx, cols.cells);
    }
    if cols.reason > 0 {
        put(
            buf,
            inner,
            x_reason,
            y,
            "FAILURE REASON",
            cols.reason,
            theme.muted,
        );
    }

    if j.rows.is_empty() {
        let msg = if j.accounts.is_empty() {
            "loading processing jobs…"
        } else if j.schedules.is_some() || !j.filter.is_empty() {
            "no job matches (Esc clears the filter)"
        } else {
            "no processing jobs in the last 24 h"
        };
        table::empty_message(buf, inner, theme, msg);
        return;
    }
    for (i, line) in table::visible_rows(j.offset, j.rows.len(), inner) {
        let row = j.rows[i];
        let row_rect = Rect::new(inner.x, line, inner.width, 1);
        let account = match row {
            Row::Job { account, .. } | Row::Note { account } => j.order.get(account),
        };
        let label = account.map_or("", |id| state.account_label(id));
        put_trunc(buf, inner, x_account, line, label, cols.account, theme.text);
        match (row, j.job(&row)) {
            (Row::Note { .. }, _) => {
                let a = account.and_then(|id| j.accounts.get(id));
                let failed = a.and_then(|a| a.error.as_deref());
                let no_metrics = a.and_then(|a| a.metrics_error.as_deref());
                let (msg, style) = match (failed, no_metrics) {
                    (Some(e), _) => (format!("⚠ jobs not read: {e}"), theme.bad),
                    (None, Some(e)) => (format!("⚠ CPU, memory, disk not read: {e}"), theme.warn),
                    (None, None) => ("loading…".to_owned(), theme.muted),
                };
                let w = inner.right().saturating_sub(x_name);
                put_trunc(buf, inner, x_name, line, &msg, w, style);
            }
            (_, Some(job)) => {
                put_trunc(buf, inner, x_name, line, &job.name, cols.name, theme.text);
                let status = status_style(theme, &job.status);
                put_trunc(
                    buf,
                    inner,
                    x_status,
                    line,
                    job.status.as_str(),
                    STATUS_W,
                    status,
                );
                if cols.schedule > 0 {
                    match &job.schedule {
                        Some(s) => {
                            put_trunc(buf, inner, x_schedule, line, s, cols.schedule, theme.text)
                        }
                        None => put(buf, inner, x_schedule, line, "—", 1, theme.muted),
                    };
                }
                if cols.instance > 0 {
                    put_trunc(
                        buf,
                        inner,
                        x_instance,
                        line,
                        &instance(job),
                        cols.instance,
                        theme.muted,
                    );
                }
                put_trunc(
                    buf,
                    inner,
                    x_started,
                    line,
                    &ago(state.now, job.created),
                    STARTED_W,
                    theme.muted,
                );
                let took = coarse_duration(job.duration(state.now));
                put_trunc(buf, inner, x_duration, line, &took, DURATION_W, theme.text);
                for (m, &mx) in x_metrics.iter().enumerate() {
                    sparkline_of(
                        state,
                        buf,
                        Rect::new(mx, line, cols.cells, 1).intersection(inner),
                        job,
                        m,
                    );
                }
                if cols.reason > 0
                    && let Some(reason) = &job.failure_reason
                {
                    put_trunc(buf, inner, x_reason, line, reason, cols.reason, theme.bad);
                }
            }
            (Row::Job { .. }, None) => {}
        }
        if i == j.selected {
            table::mark_selected(buf, row_rect, theme, focused);
        }
    }
}

/// The values of one metric of a job's first host over its run within the window, one per
/// minute (NaN where none); `None` when nothing is held.
fn run_values(state: &State, job: &ProcessingJob, metric: &str) -> Option<Vec<f32>> {
    let (start, end) = window(state, job)?;
    let series = state.store.get(&job.series_key(metric, "algo-1"))?;
    let n = ((end - start) / 60 + 1).clamp(1, SERIES_WINDOW / 60 + 1) as usize;
    let mut values = vec![f32::NAN; n];
    series.window_into(end, &mut values);
    values.iter().any(|v| !v.is_nan()).then_some(values)
}

/// A job's sparkline: its own run (within the last three hours), squeezed into the cells
/// with each cell's peak; "·" when no point is held: never a line without data.
fn sparkline_of(state: &State, buf: &mut Buffer, area: Rect, job: &ProcessingJob, m: usize) {
    let theme = &state.theme;
    if area.is_empty() {
        return;
    }
    let Some(values) = run_values(state, job, JOB_METRICS[m.min(JOB_METRICS.len() - 1)]) else {
        put(buf, area, area.x, area.y, "·", 1, theme.muted);
        return;
    };
    // A run shorter than the column is drawn a cell per minute, not stretched.
    let cells = usize::from(area.width).min(values.len()).max(1);
    let mut out = vec![f32::NAN; cells];
    sparkline::bucket(&values, &mut out, false);
    // CPUUtilization is summed over the cores (0-400 % on 4 vCPUs): no threshold means
    // the same on every instance type, so CPU is drawn in one colour.
    let summed = JOB_METRICS[m.min(JOB_METRICS.len() - 1)] == "CPUUtilization";
    sparkline::render(buf, area, &out, |v| {
        if summed {
            theme.chart
        } else if v >= 90.0 {
            theme.bad
        } else if v >= 75.0 {
            theme.warn
        } else {
            theme.good
        }
    });
}

fn render_detail(state: &State, buf: &mut Buffer, area: Rect, job: &ProcessingJob) {
    let theme = &state.theme;
    let title = Line::from(vec![
        Span::styled(" job ", theme.focus),
        Span::styled(format!("{} ", job.name), theme.focus),
    ]);
    let inner = widgets::pane::render(buf, area, &title, theme.focus);
    if inner.is_empty() {
        return;
    }
    let now = state.now;
    let field = |name: &'static str, value: String, style: Style| {
        Line::from(vec![
            Span::styled(format!("{name:<9}"), theme.muted),
            Span::styled(value, style),
        ])
    };
    let account = &job.account_id;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<9}", "status"), theme.muted),
            Span::styled(
                job.status.as_str().to_owned(),
                status_style(theme, &job.status),
            ),
            Span::styled(
                format!("   account {} ({account})", state.account_label(account)),
                theme.muted,
            ),
        ]),
        match &job.schedule {
            Some(s) => field("schedule", s.clone(), theme.text),
            None => field(
                "schedule",
                "— (nothing scheduled it: a pipeline step or a job started by hand)".into(),
                theme.muted,
            ),
        },
        field(
            "instance",
            match (&job.instance_type, job.instance_count) {
                (Some(t), Some(n)) => format!("{t} × {n}"),
                (Some(t), None) => t.clone(),
                (None, _) => "? (the job could not be described)".into(),
            },
            theme.text,
        ),
        field(
            "times",
            match job.ended {
                Some(end) => format!(
                    "{} → {} UTC ({}), took {}",
                    text::day_hhmm(job.created),
                    if end - job.created < 86_400 {
                        text::hhmm(end)
                    } else {
                        text::day_hhmm(end)
                    },
                    ago(now, job.created),
                    coarse_duration(job.duration(now))
                ),
                None => format!(
                    "{} UTC ({}), running for {}",
                    text::day_hhmm(job.created),
                    ago(now, job.created),
                    coarse_duration(job.duration(now))
                ),
            },
            theme.text,
        ),
    ];
    if let Some(reason) = &job.failure_reason {
        // The whole reason, wrapped at the pane's width.
        let w = usize::from(inner.width.saturating_sub(9)).max(10);
        let chars: Vec<char> = reason.chars().collect();
        let chunks: Vec<&[char]> = chars.chunks(w).collect();
        let shown = chunks.len().min(6);
        for (i, chunk) in chunks.iter().take(shown).enumerate() {
            let label = if i == 0 { "reason" } else { "" };
            let mut text: String = chunk.iter().collect();
            // Cut after six lines: the mark says the reason goes on.
            if i + 1 == shown && chunks.len() > shown {
                text.pop();
                text.push('…');
            }
            lines.push(field(label, text, theme.bad));
        }
    }
    let text_h = (lines.len() as u16).min(inner.height);
    for (i, l) in lines.iter().take(usize::from(text_h)).enumerate() {
        buf.set_line(inner.x, inner.y + i as u16, l, inner.width);
    }
    let charts = Rect {
        y: inner.y + text_h + 1,
        height: inner.height.saturating_sub(text_h + 1),
        ..inner
    };
    if charts.height < MIN_CHART_H {
        return;
    }
    let Some((start, end)) = window(state, job) else {
        put(
            buf,
            charts,
            charts.x,
            charts.y,
            "no metrics: it ran before the last 3 h that CloudWatch is read for",
            charts.width,
            theme.muted,
        );
        return;
    };
    // A minute either side, so that the first and last points are not on the frame.
    let (x0, x1) = (start - 60, (end + 60).min(now));
    let three_across = charts.width >= 3 * 20;
    for (m, metric) in JOB_METRICS.iter().enumerate() {
        let m16 = m as u16;
        let area = if three_across {
            let w = charts.width / 3;
            Rect::new(charts.x + m16 * w, charts.y, w, charts.height)
        } else {
            let h = charts.height / 3;
            Rect::new(charts.x, charts.y + m16 * h, charts.width, h)
        };
        if area.height < 3 {
            continue;
        }
        render_chart(state, buf, area, job, metric, METRIC_LABELS[m], (x0, x1));
    }
}

fn render_chart(
    state: &State,
    buf: &mut Buffer,
    area: Rect,
    job: &ProcessingJob,
    metric: &str,
    label: &str,
    (x0, x1): (Epoch, Epoch),
) {
    let theme = &state.theme;
    let palette = [
        theme.chart,
        theme.warn,
        theme.good,
        theme.insufficient,
        theme.focus,
    ];
    let hosts = job.instance_count.unwrap_or(1).clamp(1, 16);
    let buckets = usize::from(area.width.saturating_sub(8)).max(1) * 2;
    let traces: Vec<Trace> = (1..=hosts)
        .map(|n| {
            let key = job.series_key(metric, &format!("algo-{n}"));
            let mut points = Vec::new();
            if let Some(series) = state.store.get(&key) {
                chart::downsample(series.points(x0, x1), (x0, x1), buckets, &mut points);
            }
            Trace {
                name: (hosts > 1).then(|| format!("algo-{n}")),
                points,
                style: palette[(n as usize - 1) % palette.len()],
                max_gap: 2.5 * 60f64.max((x1 - x0) as f64 / buckets as f64),
            }
        })
        .filter(|t| !t.points.is_empty())
        .collect();
    MetricChart {
        title: Line::from(vec![
            Span::styled(format!(" {label} "), theme.title),
            // CPUUtilization adds up the cores, like the endpoints' (`% Σcores`).
            Span::styled(
                if metric == "CPUUtilization" {
                    "% Σcores "
                } else {
                    "% "
                },
                theme.muted,
            ),
        ]),
        traces: &traces,
        thresholds: &[],
        window: (x0, x1),
        focused: false,
        theme,
        marks: &[],
    }
    .render(area, buf);
}
