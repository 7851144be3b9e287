//! The tape screen: a title line (whose tape, its window, what is still being read and what
//! the scans cost), a strip of the endpoint's quality and CPU over the window with the
//! selected line's time marked, then the lines, newest at the bottom like a log.

use super::layout;
use super::state::TapeState;
use crate::app::state::State;
use crate::config::theme::Theme;
use crate::source::metrics::{MetricId, spec_for};
use crate::source::model::Epoch;
use crate::source::trail::price_usd;
use crate::tape::{Entry, Kind, Role};
use crate::ui::text::{self, put, put_trunc};
use crate::ui::widgets::{pane, sparkline};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

const TIME_W: u16 = 9;
const KIND_W: u16 = 8;
const WHO_MAX: u16 = 22;
const LABEL_W: u16 = 9;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    let t = &state.views.tape;
    let (title, strip, list) = layout::split(area);
    let Some(subject) = &t.subject else {
        let msg = "no tape yet: I on an endpoint or an alarm, or :tape ENDPOINT|ALARM";
        put_trunc(
            buf,
            area,
            area.x,
            area.y,
            msg,
            area.width,
            state.theme.muted,
        );
        return;
    };
    render_title(state, t, &subject.endpoint.name, buf, title);
    render_strip(state, t, buf, strip);
    render_list(state, t, buf, list);
}

fn render_title(state: &State, t: &TapeState, name: &str, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let Some(w) = t.window else { return };
    let mut s = format!(
        "tape · {} ({}) · {} → {} · - widens",
        crate::sanitize::clean(name),
        state.account_label(
            t.subject
                .as_ref()
                .map_or("", |s| s.endpoint.account_id.as_str())
        ),
        text::day_hhmm(w.from),
        text::hhmm(w.to),
    );
    if let Some(Ok(c)) = &t.reads.changes {
        s.push_str(&format!(
            " · trail {} ${:.4}",
            text::bytes(c.scanned_bytes),
            price_usd(c.scanned_bytes)
        ));
    }
    if let Some(Ok(e)) = &t.reads.errors {
        s.push_str(&format!(
            " · insights {}",
            text::bytes(e.scanned_bytes as u64)
        ));
    }
    let style = if t.waiting.is_empty() {
        theme.title
    } else {
        let waiting: Vec<&str> = t.waiting.iter().map(|p| p.label()).collect();
        s.push_str(&format!(" · reading {}…", waiting.join(", ")));
        theme.insufficient
    };
    put_trunc(buf, area, area.x, area.y, &s, area.width, style);
}

/// Accuracy (or the first quality series) and CPU over the window, one cell per slice of
/// time; the selected line's time marked in both.
fn render_strip(state: &State, t: &TapeState, buf: &mut Buffer, area: Rect) {
    let (Some(window), Some(subject)) = (t.window, &t.subject) else {
        return;
    };
    if area.height < 3 || area.width <= LABEL_W + 2 {
        return;
    }
    let theme = &state.theme;
    let strip = Strip {
        window,
        x: area.x + LABEL_W,
        width: area.width - LABEL_W,
    };
    let series = match &t.reads.series {
        Some(Ok(s)) => s.as_slice(),
        _ => &[],
    };
    let find = |ids: &[MetricId]| {
        ids.iter().find_map(|id| {
            series
                .iter()
                .find(|s| spec_for(&subject.endpoint, &s.key).is_some_and(|m| m.id == *id))
        })
    };
    let quality = find(&[MetricId::Accuracy, MetricId::Auc, MetricId::F2]);
    let rows = [
        ("quality", quality, true),
        ("CPU %", find(&[MetricId::Cpu]), false),
    ];
    for (y, (label, s, lower_is_worse)) in (area.y..).zip(rows) {
        put(buf, area, area.x, y, label, LABEL_W, theme.muted);
        if let Some(s) = s {
            let cells = strip.cells(&s.points, lower_is_worse);
            let row = Rect {
                x: strip.x,
                y,
                width: strip.width,
                height: 1,
            };
            sparkline::render(buf, row, &cells, |_| theme.chart);
        }
    }
    let axis_y = area.y + 2;
    let from = text::hhmm(window.from);
    put(buf, area, strip.x, axis_y, &from, strip.width, theme.muted);
    text::put_right(
        buf,
        area,
        area.right(),
        axis_y,
        &text::hhmm(window.to),
        theme.muted,
    );
    if let Some(line) = t.selected_line() {
        let x = strip.x + strip.column(line.at);
        for y in area.y..area.y + 2 {
            let cell = &mut buf[(x, y)];
            if cell.symbol() == " " {
                cell.set_symbol("│");
            }
            cell.set_style(theme.selection);
        }
        // Under the cursor, unless it would cover the window's ends' labels.
        if x >= strip.x + 6 && x + 6 < area.right() {
            put(buf, area, x, axis_y, "▲", 1, theme.focus);
        }
    }
}

/// The window laid over the strip's columns.
struct Strip {
    window: crate::incident::Window,
    x: u16,
    width: u16,
}

impl Strip {
    fn column(&self, at: Epoch) -> u16 {
        let span = (self.window.to - self.window.from).max(1);
        let offset = (at - self.window.from).clamp(0, span);
        (offset * i64::from(self.width.saturating_sub(1)) / span) as u16
    }

    /// Each point in the cell of its time, the worst of a cell's points kept (a dip or a
    /// spike survives the squeeze); cells without a point stay blank.
    fn cells(&self, points: &[(Epoch, f64)], lower_is_worse: bool) -> Vec<f32> {
        let mut cells = vec![f32::NAN; usize::from(self.width)];
        for &(at, v) in points.iter().filter(|(at, _)| self.window.holds(*at)) {
            let c = &mut cells[usize::from(self.column(at))];
            *c = match () {
                _ if c.is_nan() => v as f32,
                _ if lower_is_worse => c.min(v as f32),
                _ => c.max(v as f32),
            };
        }
        cells
    }
}

fn render_list(state: &State, t: &TapeState, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let shown = t.rows.len();
    let mut title = format!("lines {shown}");
    if shown < t.tape.len() {
        title = format!("lines {shown} of {}", t.tape.len());
    }
    if !t.filter.is_empty() {
        title.push_str(&format!(" · /{}", crate::sanitize::clean(&t.filter)));
    }
    let inner = pane::render(buf, area, &Line::styled(title, theme.title), theme.border);
    if inner.is_empty() {
        return;
    }
    if t.rows.is_empty() {
        let msg = match () {
            _ if !t.tape.is_empty() => "no line matches the / filter or the shown kinds (Esc)",
            _ if t.waiting.is_empty() => "nothing happened to it in the window (- widens)",
            _ => "reading…",
        };
        put_trunc(buf, inner, inner.x, inner.y, msg, inner.width, theme.muted);
        return;
    }
    let page = usize::from(inner.height);
    // The selection visible; otherwise the newest lines, at the bottom.
    let mut offset = t.offset.min(shown.saturating_sub(page));
    if t.selected < offset || t.selected >= offset + page {
        offset = (t.selected + 1).saturating_sub(page);
    }
    let who_w = (inner.width / 5).min(WHO_MAX);
    for (n, &i) in t.rows.iter().enumerate().skip(offset).take(page) {
        let e = &t.tape.entries()[i];
        let y = inner.y + (n - offset) as u16;
        let selected = n == t.selected;
        draw_line(
            theme,
            e,
            selected,
            who_w,
            buf,
            Rect {
                y,
                height: 1,
                ..inner
            },
        );
    }
}

fn draw_line(theme: &Theme, e: &Entry, selected: bool, who_w: u16, buf: &mut Buffer, row: Rect) {
    let base = if selected {
        theme.selection
    } else {
        Style::default()
    };
    if selected {
        buf.set_style(row, theme.selection);
    }
    let mut x = put(
        buf,
        row,
        row.x,
        row.y,
        &text::hhmm_ss(e.at),
        TIME_W,
        base.patch(theme.muted),
    );
    x = x.max(row.x + TIME_W);
    put(
        buf,
        row,
        x,
        row.y,
        e.kind.label(),
        KIND_W,
        base.patch(kind_style(theme, e)),
    );
    x += KIND_W + 1;
    let who = e
        .who
        .as_deref()
        .map(crate::trail::principal_short)
        .or(e.from_where.as_deref())
        .unwrap_or("");
    if who_w > 0 {
        put(buf, row, x, row.y, who, who_w, base.patch(theme.muted));
        x += who_w + 1;
    }
    let room = row.right().saturating_sub(x);
    put_trunc(
        buf,
        row,
        x,
        row.y,
        &e.text,
        room,
        base.patch(text_style(theme, e)),
    );
}

fn kind_style(theme: &Theme, e: &Entry) -> Style {
    match e.kind {
        Kind::Alarm => text_style(theme, e),
        Kind::Console => theme.focus,
        Kind::Trail => theme.header,
        _ => theme.muted,
    }
}

fn text_style(theme: &Theme, e: &Entry) -> Style {
    match e.role {
        Role::Symptom => theme.alarm,
        Role::Recovery => theme.ok,
        Role::Change => theme.text.add_modifier(Modifier::BOLD),
        Role::Note => theme.text,
    }
}
