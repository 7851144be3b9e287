//! The monitor screen: schedules on top, runs under them, and the report of one run (its
//! violations, the baseline's thresholds, the alerts) at the bottom or, on a wide
//! terminal, beside the runs.

use super::layout::{self, Panes};
use super::state::{MonitorState, Pane};
use crate::app::query::{coarse_duration, format_value};
use crate::app::state::{Loadable, State};
use crate::config::theme::Theme;
use crate::source::model::{ExecutionStatus, ScheduleStatus};
use crate::source::monitor::{AlertStatus, REPORT_CAP};
use crate::ui::text::{self, put, put_trunc};
use crate::ui::widgets::table::{Column, Cut, Table};
use crate::ui::widgets::{self, pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let m = &state.views.monitor;
    let Panes {
        schedules,
        runs,
        report,
    } = layout::panes(area, m.schedules().len());
    render_schedules(state, buf, schedules);
    render_runs(state, buf, runs);
    render_report(state, buf, report);
}

fn frame(state: &State, buf: &mut Buffer, area: Rect, title: String, pane_: Pane) -> Rect {
    let theme = &state.theme;
    let focused = state.views.monitor.focus == pane_;
    pane::render(
        buf,
        area,
        &Line::styled(title, if focused { theme.focus } else { theme.title }),
        if focused { theme.focus } else { theme.border },
    )
}

pub fn schedule_style(theme: &Theme, s: ScheduleStatus) -> Style {
    match s {
        ScheduleStatus::Scheduled => theme.ok,
        ScheduleStatus::Failed => theme.bad,
        ScheduleStatus::Stopped => theme.warn,
        ScheduleStatus::Pending => theme.insufficient,
    }
}

pub fn run_style(theme: &Theme, s: ExecutionStatus) -> Style {
    match s {
        ExecutionStatus::Completed => theme.ok,
        ExecutionStatus::CompletedWithViolations | ExecutionStatus::Failed => theme.bad,
        ExecutionStatus::Pending | ExecutionStatus::InProgress => theme.insufficient,
        ExecutionStatus::Stopping | ExecutionStatus::Stopped => theme.warn,
    }
}

/// `quality metrics are custom: MLTeam/ModelQuality (EndpointName, every 3600 s); no Model
/// Monitor schedule`, for an endpoint whose quality a config source publishes.
pub fn custom_note(state: &State) -> Option<String> {
    let key = state.views.monitor.endpoint.as_ref()?;
    let q = state.endpoint(key)?.quality.as_ref()?;
    Some(format!(
        "quality metrics are custom: {} ({}, every {} s); no Model Monitor schedule",
        crate::sanitize::clean(&q.namespace),
        crate::sanitize::clean(&q.endpoint_dimension),
        q.period
    ))
}

/// SageMaker's monitoring types in a word, for narrow screens.
fn short_type(t: &str) -> &str {
    match t {
        "ModelQuality" => "model",
        "DataQuality" => "data",
        "ModelBias" => "bias",
        "ModelExplainability" => "explain",
        other => other,
    }
}

/// `Loading`, `Failed` and the empty case say so on the pane's first row.
fn loadable_message<T>(l: &Loadable<Vec<T>>, what: &str) -> Option<String> {
    match l {
        Loadable::NotRequested | Loadable::Loading => Some(format!("reading {what}…")),
        Loadable::Failed(e) => Some(e.clone()),
        Loadable::Loaded(v) if v.is_empty() => Some(format!("no {what}")),
        Loadable::Loaded(_) => None,
    }
}

fn render_schedules(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let m = &state.views.monitor;
    let key = m.endpoint.as_ref();
    let mut title = format!(
        " monitor · {}/{} ",
        key.map_or("", |k| state.account_label(&k.account_id)),
        key.map_or("", |k| k.name.as_str())
    );
    if let Some(at) = m.read_at {
        title.push_str(&format!("· read {} ", text::hhmm(at)));
    }
    let inner = frame(state, buf, area, title, Pane::Schedules);
    if inner.is_empty() {
        return;
    }
    let wide = inner.width >= 110;
    let name_w = m
        .schedules()
        .iter()
        .map(|s| text::width(&s.name))
        .max()
        .unwrap_or(8)
        .clamp(8, if wide { 44 } else { 30 });
    let cron = Column::new("SCHEDULE EXPR").fixed(18);
    let columns = [
        Column::new("SCHEDULE").fixed(name_w).cut(Cut::Middle),
        Column::new("TYPE").fixed(if wide { 19 } else { 7 }),
        Column::new("STATUS").fixed(9),
        if wide { cron } else { cron.hidden() },
        Column::new("LAST RUN").rest(1),
    ];
    const NAME: usize = 0;
    const TYPE: usize = 1;
    const STATUS: usize = 2;
    const CRON: usize = 3;
    const LAST: usize = 4;
    let mut table = Table::new(&columns, inner);
    table.tell_apart(NAME, m.schedules().iter().map(|s| s.name.as_str()));
    table.header(buf, theme.muted, None);
    if let Some(msg) = loadable_message(&m.schedules, "Model Monitor schedules") {
        // An endpoint whose quality comes from the team's own job: say where from.
        let custom = custom_note(state).filter(|_| matches!(m.schedules, Loadable::Loaded(_)));
        widgets::table::empty_message(buf, inner, theme, custom.as_deref().unwrap_or(&msg));
        return;
    }
    let page = layout::rows(area).max(1);
    let offset = m.schedule_row.saturating_sub(page - 1);
    for (pos, y) in table.rows(offset, m.schedules().len()) {
        let Some(s) = m.schedules().get(pos) else {
            continue;
        };
        let row = table.line(y);
        if pos == m.schedule_row {
            widgets::table::mark_selected(buf, row, theme, m.focus == Pane::Schedules);
        }
        table.text(buf, NAME, y, &s.name, theme.text);
        let kind = if wide {
            s.monitoring_type.as_str()
        } else {
            short_type(&s.monitoring_type)
        };
        table.text(buf, TYPE, y, kind, theme.muted);
        let status = schedule_style(theme, s.status);
        table.text(buf, STATUS, y, s.status.as_str(), status);
        let expr = s.schedule_expression.as_deref().unwrap_or("-");
        table.text(buf, CRON, y, expr, theme.muted);
        let Some(last) = table.cell(LAST, y) else {
            continue;
        };
        // The last run, then why the schedule needs a look: one cell of prose.
        let row = last;
        let mut x = last.x;
        let right = last.right();
        if let Some(r) = &s.last_execution {
            x = put(
                buf,
                row,
                x,
                y,
                r.status.as_str(),
                right.saturating_sub(x),
                run_style(theme, r.status),
            );
            let when = if wide {
                text::day_hhmm(r.scheduled_time)
            } else {
                text::hhmm(r.scheduled_time)
            };
            x = put(
                buf,
                row,
                x + 1,
                y,
                &when,
                right.saturating_sub(x + 1),
                theme.muted,
            );
            if let Some(reason) = &r.failure_reason {
                x = put_trunc(
                    buf,
                    row,
                    x + 1,
                    y,
                    reason,
                    right.saturating_sub(x + 1),
                    theme.bad,
                );
            }
        } else {
            x = put(
                buf,
                row,
                x,
                y,
                "no run yet",
                right.saturating_sub(x),
                theme.muted,
            );
        }
        let note = match (&s.failure_reason, &s.job_definition) {
            (Some(reason), _) => Some((reason.clone(), theme.bad)),
            (None, None) => Some((
                "inline job definition: cannot run now".to_owned(),
                theme.warn,
            )),
            _ => None,
        };
        if let Some((note, style)) = note {
            put_trunc(
                buf,
                row,
                x + 2,
                y,
                &note,
                right.saturating_sub(x + 2),
                style,
            );
        }
    }
}

fn render_runs(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let m = &state.views.monitor;
    let more = if m.next_page.is_some() { "+" } else { "" };
    let title = format!(" runs {}{more} ", m.runs().len());
    let inner = frame(state, buf, area, title, Pane::Runs);
    if inner.is_empty() {
        return;
    }
    // The name gives way first (its schedule is on the selected row's report too), then the
    // reason is dropped.
    let name_want = m
        .runs()
        .iter()
        .map(|r| text::width(&r.schedule))
        .max()
        .unwrap_or(8)
        .clamp(8, 44);
    let columns = [
        Column::new("SCHEDULED").fixed(12),
        Column::new("SCHEDULE").fixed(name_want).cut(Cut::Middle),
        Column::new("STATUS").fixed(23),
        Column::new("TOOK").fixed(5),
        Column::new("REASON").rest(1).priority(1),
    ];
    const WHEN: usize = 0;
    const NAME: usize = 1;
    const STATUS: usize = 2;
    const TOOK: usize = 3;
    const REASON: usize = 4;
    let mut table = Table::new(&columns, inner);
    table.tell_apart(NAME, m.runs().iter().map(|r| r.schedule.as_str()));
    table.header(buf, theme.muted, None);
    if let Some(msg) = loadable_message(&m.runs, "runs") {
        widgets::table::empty_message(buf, inner, theme, &msg);
        return;
    }
    let page = layout::rows(area).max(1);
    let offset = m.run_row.saturating_sub(page - 1);
    for (pos, y) in table.rows(offset, m.runs().len()) {
        let Some(r) = m.runs().get(pos) else {
            continue;
        };
        let row = table.line(y);
        if pos == m.run_row {
            widgets::table::mark_selected(buf, row, theme, m.focus == Pane::Runs);
        }
        let reported = m.report.as_ref().is_some_and(|rep| rep.run.is_same_run(r));
        if reported {
            // The run whose report is shown.
            put(buf, row, inner.x, y, "▸", 1, theme.focus);
        }
        let when = text::day_hhmm(r.scheduled_time);
        table.text(buf, WHEN, y, &when, theme.muted);
        table.text(buf, NAME, y, &r.schedule, theme.text);
        table.text(
            buf,
            STATUS,
            y,
            r.status.as_str(),
            run_style(theme, r.status),
        );
        if let Some(d) = r.duration(state.now) {
            table.text(buf, TOOK, y, &coarse_duration(d), theme.muted);
        }
        if let Some(reason) = &r.failure_reason {
            table.text(buf, REASON, y, reason, theme.bad);
        }
    }
    if m.loading_more {
        put(
            buf,
            inner,
            inner.x + 1,
            inner.bottom().saturating_sub(1),
            "reading older runs…",
            inner.width,
            theme.muted,
        );
    }
}

/// Fixed-width cell: cut with `…` when wider.
fn cell(s: &str, w: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > w {
            out.pop();
            out.push('…');
            used = w;
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push_str(&" ".repeat(w.saturating_sub(used)));
    out
}

fn value(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format_value(v as f32))
}

/// Every line of the report pane: the violations, the baseline, the alerts.
fn report_lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let m: &MonitorState = &state.views.monitor;
    let mut lines = Vec::new();
    let Some(r) = &m.report else {
        lines.push(Line::styled(
            "Enter on a run reads its violations",
            theme.muted,
        ));
        return alerts_lines(state, lines);
    };
    // A failed run's reason, which the runs table cuts, reads whole here.
    if let Some(reason) = &r.run.failure_reason {
        let w = u16::try_from(width.saturating_sub(2)).unwrap_or(u16::MAX);
        for part in text::wrap_words(&format!("failed: {reason}"), w) {
            lines.push(Line::styled(part, theme.bad));
        }
    }
    let subject_w = 22.min(width / 4).max(8);
    let check_w = 20.min(width / 4).max(8);
    match &r.violations {
        Loadable::NotRequested | Loadable::Loading => lines.push(Line::styled(
            "reading constraint_violations.json…",
            theme.muted,
        )),
        Loadable::Failed(e) => lines.push(Line::styled(e.clone(), theme.bad)),
        Loadable::Loaded(report) => {
            lines.push(Line::styled(report.uri.clone(), theme.muted));
            if let Some(total) = report.cut_at {
                lines.push(Line::styled(
                    format!(
                        "the report is {} bytes: only the first {} were read ({} whole entries shown)",
                        total,
                        REPORT_CAP,
                        report.violations.len()
                    ),
                    theme.warn,
                ));
            }
            if report.violations.is_empty() {
                lines.push(Line::styled(
                    "no violations: every constraint held",
                    theme.ok,
                ));
            } else {
                lines.push(Line::styled(
                    format!(
                        "{}{} {:>9} {:>9}  DESCRIPTION",
                        cell("METRIC/FEATURE", subject_w + 1),
                        cell("CHECK", check_w),
                        "OBSERVED",
                        "THRESHOLD"
                    ),
                    theme.muted,
                ));
                for v in &report.violations {
                    lines.push(Line::from(vec![
                        Span::styled(cell(&v.subject, subject_w + 1), theme.bad),
                        Span::styled(cell(&v.check, check_w), theme.text),
                        Span::styled(format!(" {:>9}", value(v.observed)), theme.bad),
                        Span::styled(format!(" {:>9}  ", value(v.threshold)), theme.text),
                        Span::styled(v.description.clone(), theme.muted),
                    ]));
                }
            }
        }
    }
    lines.push(Line::default());
    match &r.baseline {
        Loadable::NotRequested | Loadable::Loading => {
            lines.push(Line::styled("reading the baseline…", theme.muted))
        }
        Loadable::Failed(e) => lines.push(Line::styled(format!("baseline: {e}"), theme.bad)),
        Loadable::Loaded(None) => lines.push(Line::styled(
            "baseline: none named by this run's job definition",
            theme.muted,
        )),
        Loadable::Loaded(Some(b)) => {
            lines.push(Line::styled(
                format!("baseline {} constraints · {}", b.constraints.len(), b.uri),
                theme.muted,
            ));
            let broke = |c: &crate::source::monitor::Constraint| match &r.violations {
                Loadable::Loaded(v) => v.violations.iter().any(|x| c.broken_by(x)),
                _ => false,
            };
            for c in &b.constraints {
                let (mark, style) = if broke(c) {
                    ("✗ broke", theme.bad)
                } else {
                    ("held", theme.ok)
                };
                lines.push(Line::from(vec![
                    Span::styled(cell(&c.subject, subject_w + 1), theme.text),
                    Span::styled(cell(&c.check, check_w), theme.muted),
                    Span::styled(format!(" {:>9} ", ""), theme.text),
                    Span::styled(format!("{:>9}  ", value(c.threshold)), theme.text),
                    Span::styled(mark, style),
                ]));
            }
        }
    }
    alerts_lines(state, lines)
}

fn alerts_lines(state: &State, mut lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let m = &state.views.monitor;
    lines.push(Line::default());
    match &m.alerts {
        Loadable::NotRequested | Loadable::Loading => {
            lines.push(Line::styled("reading alerts…", theme.muted))
        }
        Loadable::Failed(e) => lines.push(Line::styled(format!("alerts: {e}"), theme.bad)),
        Loadable::Loaded(alerts) if alerts.is_empty() => {
            lines.push(Line::styled("no monitoring alerts", theme.muted))
        }
        Loadable::Loaded(alerts) => {
            for a in alerts {
                let style = match a.status {
                    AlertStatus::InAlert => theme.alarm,
                    AlertStatus::Ok => theme.ok,
                };
                let mut spans = vec![
                    Span::styled("alert ", theme.muted),
                    Span::styled(format!("{} ", a.name), theme.text),
                    Span::styled(a.status.as_str(), style),
                    Span::styled(
                        format!(
                            "  {} of {} runs · {}",
                            a.datapoints_to_alert, a.evaluation_period, a.schedule
                        ),
                        theme.muted,
                    ),
                ];
                if let Some((at, s)) = a.history.first() {
                    spans.push(Span::styled(
                        format!(" · {} since {}", s.as_str(), text::day_hhmm(*at)),
                        theme.muted,
                    ));
                }
                lines.push(Line::from(spans));
                for (at, s) in a.history.iter().skip(1).take(3) {
                    lines.push(Line::styled(
                        format!("      {} {}", text::day_hhmm(*at), s.as_str()),
                        theme.muted,
                    ));
                }
            }
        }
    }
    lines
}

fn render_report(state: &State, buf: &mut Buffer, area: Rect) {
    let m = &state.views.monitor;
    let title = match &m.report {
        Some(r) => format!(
            " violations · {} {} ",
            r.run.schedule,
            text::day_hhmm(r.run.scheduled_time)
        ),
        None => " violations ".to_owned(),
    };
    let inner = frame(state, buf, area, title, Pane::Report);
    if inner.is_empty() {
        return;
    }
    let lines = report_lines(state, usize::from(inner.width));
    let first = m.report_scroll.min(lines.len().saturating_sub(1));
    for (line, y) in lines.iter().skip(first).zip(inner.y..inner.bottom()) {
        buf.set_line(inner.x + 1, y, line, inner.width.saturating_sub(1));
    }
}
