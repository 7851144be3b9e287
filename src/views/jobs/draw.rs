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
use crate::ui::widgets::table::{Column, Cut, Table};
use crate::ui::widgets::{self, sparkline};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

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

/// Column indices of the jobs table; the sparklines are `METRICS..METRICS + 3`.
const ACCOUNT: usize = 0;
const NAME: usize = 1;
const STATUS: usize = 2;
const SCHEDULE: usize = 3;
const INSTANCE: usize = 4;
const STARTED: usize = 5;
const DURATION: usize = 6;
const METRICS: usize = 7;
const REASON: usize = 10;

/// The jobs table's columns: the essential ones first (who, what, how it went, when, how
/// long), then the sparklines, the schedule, the instance and the failure reason as they
/// fit, dropped in the reverse order on a narrow terminal. Spare width completes the names,
/// widens the reason to `REASON_FIRST`, then the sparklines; the reason takes what is left.
fn columns(want: (u16, u16, u16, u16)) -> [Column<'static>; 11] {
    let (account, name, schedule, instance) = want;
    let metric = |i: usize| {
        Column::new(METRIC_LABELS[i])
            .width(MIN_CELLS, MAX_CELLS)
            .priority(1)
            .widen(5)
    };
    [
        Column::new("ACCOUNT").fixed(account),
        Column::new("JOB").width(NAME_MIN, name).cut(Cut::Middle),
        Column::new("STATUS").fixed(STATUS_W),
        Column::new("SCHEDULE")
            .width(SCHEDULE_MIN, schedule)
            .priority(2)
            .cut(Cut::Middle),
        Column::new("INSTANCE").fixed(instance).priority(3),
        Column::new("STARTED").fixed(STARTED_W),
        Column::new("TOOK").fixed(DURATION_W),
        metric(0),
        metric(1),
        metric(2),
        Column::new("FAILURE REASON")
            .width(REASON_MIN, REASON_FIRST)
            .priority(4)
            .widen(3)
            .fill(),
    ]
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

/// The table column a sort key is drawn in.
fn column_of(col: JobColumn) -> usize {
    match col {
        JobColumn::Account => ACCOUNT,
        JobColumn::Job => NAME,
        JobColumn::Status => STATUS,
        JobColumn::Schedule => SCHEDULE,
        JobColumn::Instance => INSTANCE,
        JobColumn::Started => STARTED,
        JobColumn::Duration => DURATION,
        JobColumn::Metric(i) => METRICS + i,
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
    let columns = columns(wanted(state));
    let mut table = Table::new(&columns, inner);
    let names = table.rows(j.offset, j.rows.len()).filter_map(|(i, _)| {
        let job = j.rows.get(i).and_then(|r| j.job(r))?;
        Some(job.name.as_str())
    });
    table.tell_apart(NAME, names);
    let schedules = table.rows(j.offset, j.rows.len()).filter_map(|(i, _)| {
        let job = j.rows.get(i).and_then(|r| j.job(r))?;
        job.schedule.as_deref()
    });
    table.tell_apart(SCHEDULE, schedules);
    let sort = (column_of(j.sort), j.descending, theme.focus);
    table.header(buf, theme.muted, Some(sort));

    if j.rows.is_empty() {
        let msg = if j.accounts.is_empty() {
            "loading processing jobs…"
        } else if j.schedules.is_some() || !j.filter.is_empty() {
            "no job matches (Esc clears the filter)"
        } else {
            "no processing jobs in the last 24 h"
        };
        widgets::table::empty_message(buf, inner, theme, msg);
        return;
    }
    for (i, line) in table.rows(j.offset, j.rows.len()) {
        let row = j.rows[i];
        let account = match row {
            Row::Job { account, .. } | Row::Note { account } => j.order.get(account),
        };
        let label = account.map_or("", |id| state.account_label(id));
        table.text(buf, ACCOUNT, line, label, theme.text);
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
                // The note spans the columns after the account.
                if let Some(note) = table.span_from(NAME, line) {
                    put_trunc(buf, note, note.x, line, &msg, note.width, style);
                }
            }
            (_, Some(job)) => render_job(state, buf, &table, line, job),
            (Row::Job { .. }, None) => {}
        }
        if i == j.selected {
            widgets::table::mark_selected(buf, table.line(line), theme, focused);
        }
    }
}

/// A job's cells on screen line `y`.
fn render_job(state: &State, buf: &mut Buffer, table: &Table<'_>, y: u16, job: &ProcessingJob) {
    let theme = &state.theme;
    table.text(buf, NAME, y, &job.name, theme.text);
    let status = status_style(theme, &job.status);
    table.text(buf, STATUS, y, job.status.as_str(), status);
    if table.shown(SCHEDULE) {
        match &job.schedule {
            Some(s) => table.text(buf, SCHEDULE, y, s, theme.text),
            None => table.text(buf, SCHEDULE, y, "—", theme.muted),
        }
    }
    if table.shown(INSTANCE) {
        table.text(buf, INSTANCE, y, &instance(job), theme.muted);
    }
    table.text(buf, STARTED, y, &ago(state.now, job.created), theme.muted);
    let took = coarse_duration(job.duration(state.now));
    table.text(buf, DURATION, y, &took, theme.text);
    for m in 0..JOB_METRICS.len() {
        if let Some(cell) = table.cell(METRICS + m, y) {
            sparkline_of(state, buf, cell, job, m);
        }
    }
    if let Some(reason) = &job.failure_reason {
        table.text(buf, REASON, y, reason, theme.bad);
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
