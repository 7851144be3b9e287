//! The logs screen: whose logs and over which window; for Insights the query, its progress
//! (state, elapsed, records matched and scanned, bytes) and its rows (only those on screen
//! drawn), a row whole on Enter; for the tail its lines with ERROR and WARN coloured, how
//! it runs (live, polling and why, paused), and what is not on screen (dropped, sampled,
//! new lines below).

use super::layout::{self, Panes};
use super::state::{Pane, Phase, Run};
use crate::app::state::State;
use crate::logs::follow::TailMode;
use crate::logs::line::{Level, level};
use crate::logs::tail::TailLine;
use crate::sanitize::clean;
use crate::ui::text::{self, put, put_trunc};
use crate::ui::widgets::table::{Column, Table};
use crate::ui::widgets::{self, pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let l = &state.views.logs;
    let p: Panes = layout::panes(area, l.pane);
    render_context(state, buf, p.context);
    if l.context.is_none() {
        let inner = pane::render(
            buf,
            p.main,
            &Line::styled(" logs ", state.theme.title),
            state.theme.border,
        );
        let msg = if l.available {
            "no logs open: L on an endpoint, an alarm or a monitoring run, or :logs NAME"
        } else {
            "this source has no logs"
        };
        put_trunc(
            buf,
            inner,
            inner.x + 1,
            inner.y,
            msg,
            inner.width.saturating_sub(2),
            state.theme.muted,
        );
        return;
    }
    match l.pane {
        Pane::Insights => {
            render_query(state, buf, p.query);
            render_progress(state, buf, p.progress);
            render_rows(state, buf, p.main);
        }
        Pane::Tail => render_tail(state, buf, p.main),
    }
}

/// `fraud-detector · prod (111111111111) · last 1h   [Insights] Tail`.
fn render_context(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let l = &state.views.logs;
    let tabs = match l.pane {
        Pane::Insights => [("Insights", theme.focus), ("tail", theme.muted)],
        Pane::Tail => [("insights", theme.muted), ("Tail", theme.focus)],
    };
    let tabs_w = 22u16.min(area.width);
    let mut x = area.right().saturating_sub(tabs_w);
    for (i, (name, style)) in tabs.iter().enumerate() {
        let label = if (i == 0) == (l.pane == Pane::Insights) {
            format!("[{name}]")
        } else {
            format!(" {name} ")
        };
        x = put(
            buf,
            area,
            x + 1,
            area.y,
            &label,
            area.right().saturating_sub(x + 1),
            *style,
        );
    }
    let Some(c) = &l.context else {
        return;
    };
    let account = state.account_label(&c.target.account_id);
    let window = match l.insights.until {
        Some(until) => format!(
            "{} until {}",
            span(l.insights.span_secs),
            text::day_hhmm(until)
        ),
        None => format!("last {}", span(l.insights.span_secs)),
    };
    let group = c
        .target
        .groups
        .first()
        .map(|g| clean(g))
        .unwrap_or_default();
    let line = format!("{} · {account} · {group} · {window}", clean(&c.label));
    put_trunc(
        buf,
        area,
        area.x,
        area.y,
        &line,
        area.width.saturating_sub(tabs_w + 1),
        theme.title,
    );
}

pub fn span(secs: i64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s => format!("{}m", s / 60),
    }
}

fn render_query(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let x = put(
        buf,
        area,
        area.x,
        area.y,
        "insights ▸ ",
        area.width,
        theme.focus,
    );
    let room = area.right().saturating_sub(x);
    put_trunc(
        buf,
        area,
        x,
        area.y,
        &clean(&state.views.logs.insights.text),
        room,
        theme.text,
    );
}

/// `Running 0:07 · 1,204 matched · 88,310 scanned · 12.4 MB`.
pub fn progress_text(run: &Run, rows: usize, now: i64) -> String {
    let elapsed = run.elapsed(now);
    let clock = format!("{}:{:02}", elapsed / 60, elapsed % 60);
    let status = match &run.phase {
        Phase::Starting => "Starting".to_owned(),
        Phase::Running { .. } => "Running".to_owned(),
        Phase::Finished(s) => s.as_str().to_owned(),
        Phase::Failed(_) => "Failed".to_owned(),
        Phase::Cancelled => "Cancelled".to_owned(),
    };
    let s = &run.stats;
    let mut parts = vec![format!("{status} {clock}")];
    if !matches!(run.phase, Phase::Starting) {
        parts.push(format!("{} matched", thousands(s.records_matched)));
        parts.push(format!("{} scanned", thousands(s.records_scanned)));
        parts.push(crate::ui::text::bytes(s.bytes_scanned.max(0.0) as u64));
        parts.push(format!("{} rows", crate::ui::text::thousands(rows)));
    }
    if let Phase::Failed(why) = &run.phase {
        parts.push(clean(why).into_owned());
    }
    parts.join(" · ")
}

fn thousands(v: f64) -> String {
    crate::ui::text::thousands(v.max(0.0).round() as usize)
}

fn render_progress(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let i = &state.views.logs.insights;
    let Some(run) = &i.run else {
        put_trunc(
            buf,
            area,
            area.x,
            area.y,
            "no query yet: i edits, :insights QUERY runs one",
            area.width,
            theme.muted,
        );
        return;
    };
    let style = match &run.phase {
        Phase::Failed(_) | Phase::Finished(crate::source::logs::InsightsState::Failed) => theme.bad,
        Phase::Finished(crate::source::logs::InsightsState::Complete) => theme.ok,
        Phase::Finished(_) | Phase::Cancelled => theme.warn,
        _ => theme.insufficient,
    };
    let text = progress_text(run, i.rows.len(), state.now);
    put_trunc(buf, area, area.x, area.y, &text, area.width, style);
}

/// `10:00:01.123`.
fn clock_millis(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| ms.to_string())
}

fn level_style(state: &State, line: &str) -> Style {
    match level(line) {
        Level::Error => state.theme.bad,
        Level::Warn => state.theme.warn,
        Level::Other => state.theme.text,
    }
}

/// The Insights table's columns, headed by `titles` (the query's fields, cleaned): times and
/// streams their natural width, the message (or the last column) what is left. On a narrow
/// terminal the fields after the time drop from the right before the message gives way.
fn columns<'a>(fields: &[String], titles: &'a [String], width: u16) -> Vec<Column<'a>> {
    let narrow = width < 120;
    let has_message = fields.iter().any(|c| c == "@message");
    let last = fields.len().saturating_sub(1);
    fields
        .iter()
        .zip(titles)
        .enumerate()
        .map(|(i, (field, title))| {
            let column = Column::new(title);
            let w = match field.as_str() {
                // Without the year on a narrow screen: `11-25 13:55:00.000`.
                "@timestamp" if narrow => 18,
                "@timestamp" => 23,
                "@logStream" if narrow => 16,
                "@logStream" => 28,
                "@log" => 24,
                "@message" => return column.rest(10),
                other => text::width(other).clamp(8, 24),
            };
            let column = match field.as_str() {
                "@timestamp" => column.fixed(w),
                _ => column
                    .fixed(w)
                    .priority(u8::try_from(i + 1).unwrap_or(u8::MAX)),
            };
            if !has_message && i == last {
                column.fill()
            } else {
                column
            }
        })
        .collect()
}

fn render_rows(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let i = &state.views.logs.insights;
    let detail_h = if i.detail.is_some() {
        area.height / 2
    } else {
        0
    };
    let table_area = Rect::new(area.x, area.y, area.width, area.height - detail_h);
    let filtered = if i.filter.is_empty() {
        String::new()
    } else {
        format!(
            " /{} {}",
            clean(&i.filter),
            crate::ui::text::thousands(i.shown.len())
        )
    };
    let title = format!(
        " rows {}{filtered} ",
        crate::ui::text::thousands(i.rows.len())
    );
    let inner = pane::render(
        buf,
        table_area,
        &Line::styled(title, theme.focus),
        theme.focus,
    );
    if inner.is_empty() {
        return;
    }
    if i.rows.is_empty() {
        let msg = match i.run.as_ref().map(|r| &r.phase) {
            Some(Phase::Starting | Phase::Running { .. }) => "running…",
            Some(_) => "no rows: widen the window with - or change the query with i",
            None => "",
        };
        widgets::table::empty_message(buf, inner, theme, msg);
        return;
    }
    let titles: Vec<String> = i.columns.iter().map(|c| clean(c).into_owned()).collect();
    let columns = columns(&i.columns, &titles, inner.width);
    let table = Table::new(&columns, inner);
    table.header(buf, theme.header, None);
    if let Some(c) = columns.get(i.column) {
        table.text(buf, i.column, inner.y, c.header, theme.focus);
    }
    let message_col = i.columns.iter().position(|c| c == "@message");
    let time_col = i.columns.iter().position(|c| c == "@timestamp");
    for (pos, y) in table.rows(i.offset, i.shown.len()) {
        let row = &i.rows[i.shown[pos]];
        let style = match message_col {
            Some(m) => level_style(state, row.get(m).map_or("", String::as_str)),
            None => theme.text,
        };
        for (c, cell) in row.iter().enumerate() {
            let cell = match cell.get(5..) {
                Some(rest) if Some(c) == time_col && table.width(c) < 23 => rest,
                _ => cell.as_str(),
            };
            // Cleaned when they arrived; a scan of the cells on screen is cheap insurance.
            table.text(buf, c, y, &clean(cell), style);
        }
        if pos == i.row {
            widgets::table::mark_selected(buf, table.line(y), theme, true);
        }
    }
    if let Some(r) = i.detail {
        let area = Rect::new(area.x, area.y + table_area.height, area.width, detail_h);
        render_detail(state, buf, area, r);
    }
}

/// A row whole: each field on its own lines, wrapped.
fn render_detail(state: &State, buf: &mut Buffer, area: Rect, r: usize) {
    let theme = &state.theme;
    let i = &state.views.logs.insights;
    let inner = pane::render(
        buf,
        area,
        &Line::styled(" row (j/k scroll, Esc closes) ", theme.title),
        theme.border,
    );
    let Some(row) = i.rows.get(r) else {
        return;
    };
    let w = usize::from(inner.width.saturating_sub(2)).max(1);
    // Each field's name, then its value wrapped; from the scrolled line on.
    let mut lines: Vec<(String, Style)> = Vec::new();
    for (c, cell) in i.columns.iter().zip(row) {
        lines.push((clean(c).into_owned(), theme.header));
        let cell = clean(cell);
        let style = level_style(state, &cell);
        lines.extend(wrap(&cell, w).map(|chunk| (chunk.to_owned(), style)));
    }
    let skip = i.detail_scroll.min(lines.len().saturating_sub(1));
    for ((text, style), y) in lines.iter().skip(skip).zip(inner.y..inner.bottom()) {
        put(
            buf,
            inner,
            inner.x + 1,
            y,
            text,
            inner.width.saturating_sub(1),
            *style,
        );
    }
}

/// `s` cut into pieces of at most `w` cells.
fn wrap(s: &str, w: usize) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut cells = 0;
        let mut end = rest.len();
        for (at, c) in rest.char_indices() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(1);
            if cells + cw > w {
                end = at;
                break;
            }
            cells += cw;
        }
        let end = if end == 0 {
            rest.chars().next().map_or(rest.len(), char::len_utf8)
        } else {
            end
        };
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// `tail · live · following · 1,234 lines · 12 dropped · pattern "ERROR"`.
pub fn tail_title(state: &State) -> String {
    let t = &state.views.logs.tail;
    let how = match (&t.mode, t.paused, t.session) {
        (_, true, _) => "paused (Ctrl-p resumes)".to_owned(),
        (Some(TailMode::Live), _, _) => "live".to_owned(),
        (Some(TailMode::Polling { .. }), _, _) => "polling FilterLogEvents".to_owned(),
        (None, _, Some(_)) => "starting".to_owned(),
        (None, _, None) => "stopped".to_owned(),
    };
    let mut parts = vec![format!("tail · {how}")];
    if !t.paused {
        parts.push(if t.follow {
            "following".into()
        } else {
            "held".into()
        });
    }
    parts.push(t.buffer.summary());
    if let Some(p) = &t.pattern {
        parts.push(format!("pattern {:?}", clean(p)));
    }
    if !t.filter.is_empty() {
        parts.push(format!("/{}", clean(&t.filter)));
    }
    format!(" {} ", parts.join(" · "))
}

fn render_tail(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let t = &state.views.logs.tail;
    let inner = pane::render(
        buf,
        area,
        &Line::styled(tail_title(state), theme.focus),
        theme.focus,
    );
    if inner.is_empty() {
        return;
    }
    // The bottom line says what is not on screen, when something is.
    let below = if t.unseen > 0 && !t.follow {
        Some(format!(
            "▼ {} new lines below (G or F follows)",
            crate::ui::text::thousands(t.unseen as usize)
        ))
    } else {
        t.notice.clone()
    };
    let lines_h = inner.height - u16::from(below.is_some() && inner.height > 1);
    if let Some(msg) = &below
        && inner.height > 1
    {
        put_trunc(
            buf,
            inner,
            inner.x + 1,
            inner.bottom() - 1,
            msg,
            inner.width.saturating_sub(2),
            theme.muted,
        );
    }
    if t.buffer.is_empty() {
        let msg = if t.paused {
            "paused: Ctrl-p starts the live tail again"
        } else {
            "waiting for lines…"
        };
        put_trunc(
            buf,
            inner,
            inner.x + 1,
            inner.y,
            msg,
            inner.width.saturating_sub(2),
            theme.muted,
        );
        return;
    }
    let filter = t.filter.to_lowercase();
    let width = inner.width.saturating_sub(1);
    // From the window's last line back, the lines (and their wrapped rows) that fit.
    let mut rows: Vec<(&TailLine, usize, usize)> = Vec::new();
    let mut used = 0usize;
    let room = usize::from(lines_h);
    let prefix_w = if t.timestamps {
        usize::from(13 + STREAM_W + 1)
    } else {
        0
    };
    let msg_w = usize::from(width).saturating_sub(prefix_w).max(8);
    for line in t.buffer.window(t.buffer.len(), t.from_end).rev() {
        if used >= room {
            break;
        }
        if !super::tail::matches(&filter, line) {
            continue;
        }
        let n = if t.wrap {
            wrap(&line.text, msg_w).count().max(1)
        } else {
            1
        };
        let take = n.min(room - used);
        rows.push((line, n - take, n));
        used += take;
    }
    let mut y = inner.y;
    for (line, skip, _) in rows.iter().rev() {
        // Made safe when they arrived; cleaning the lines on screen again is cheap.
        let text = clean(&line.text);
        let style = level_style(state, &text);
        let mut x = inner.x + 1;
        if t.timestamps {
            // A line whose start is above the window shows no time on its continuation.
            if *skip == 0 {
                let time = clock_millis(line.timestamp_ms);
                put(buf, inner, x, y, &time, 12, theme.muted);
                let stream = clean(&line.stream);
                put_trunc(buf, inner, x + 13, y, &stream, STREAM_W, theme.muted);
            }
            x += 13 + STREAM_W + 1;
        }
        let room_w = inner.right().saturating_sub(x);
        if t.wrap {
            for piece in wrap(&text, usize::from(room_w).max(1)).skip(*skip) {
                if y >= inner.y + lines_h {
                    break;
                }
                put(buf, inner, x, y, piece, room_w, style);
                y += 1;
            }
            if text.is_empty() {
                y += 1;
            }
        } else {
            put_trunc(buf, inner, x, y, &text, room_w, style);
            y += 1;
        }
    }
}

/// The tail's stream column: `blue/i-0a1b2c3d4e5…` (the variant first, it tells more).
const STREAM_W: u16 = 20;
