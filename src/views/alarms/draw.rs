//! The alarms screen: every alarm (ALARM first, as `update` ordered them) and, when one is
//! opened, its history in a pane on the right.

use super::layout::split;
use crate::app::query::{coarse_duration, watched_account};
use crate::app::state::{Loadable, State};
use crate::config::theme::Theme;
use crate::source::model::{AlarmState, HistoryItemType};
use crate::ui::text::{self, put, put_right, put_trunc};
use crate::ui::widgets::{self, pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

const STATE_W: u16 = 6;
const THRESHOLD_W: u16 = 9;
const FOR_W: u16 = 6;
/// The reason keeps at least this much before the name and metric take the rest.
const REASON_MIN_W: u16 = 12;

pub fn state_label(s: AlarmState) -> &'static str {
    match s {
        AlarmState::Alarm => "ALARM",
        AlarmState::Ok => "OK",
        AlarmState::InsufficientData => "INSUFF",
    }
}

pub fn state_style(theme: &Theme, s: AlarmState) -> Style {
    match s {
        AlarmState::Alarm => theme.alarm,
        AlarmState::Ok => theme.ok,
        AlarmState::InsufficientData => theme.insufficient,
    }
}

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    if state.views.alarms.history_of.is_none() {
        render_table(state, buf, area);
        return;
    }
    let (table, history) = split(area);
    if let Some(table) = table {
        render_table(state, buf, table);
    }
    render_history(state, buf, history);
}

fn render_table(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let v = &state.views.alarms;
    let focused = v.history_of.is_none();
    let in_alarm = state
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .count();
    let mut title = format!(" alarms {}/{} ", v.rows.len(), state.alarms.len());
    if in_alarm > 0 {
        title.push_str(&format!("· {in_alarm} in ALARM "));
    }
    if !v.marks.is_empty() {
        title.push_str(&format!("· {} marked ", v.marks.len()));
    }
    if !v.filter.is_empty() {
        title.push_str(&format!("· /{} ", v.filter));
    }
    let inner = pane::render(
        buf,
        area,
        &Line::styled(title, if focused { theme.focus } else { theme.title }),
        if focused { theme.focus } else { theme.border },
    );
    if inner.is_empty() {
        return;
    }
    let acct_w = state
        .accounts
        .iter()
        .map(|a| text::width(&a.label))
        .max()
        .unwrap_or(0)
        .clamp(4, 10);
    // What the fixed columns leave goes first to the alarm name (what on-call reads and
    // types into `/`), then to the metric, keeping a little for the reason, which takes
    // whatever is left.
    let fixed = 1 + STATE_W + 1 + 2 + acct_w + 1 + 1 + THRESHOLD_W + 1 + FOR_W + 1;
    let flex = inner.width.saturating_sub(fixed);
    let listed = || v.rows.iter().filter_map(|&i| state.alarms.get(i));
    let longest = |w: Option<u16>, lo: u16, hi: u16| w.unwrap_or(lo).clamp(lo, hi);
    let name_want = longest(listed().map(|a| text::width(&a.name)).max(), 8, 44);
    let metric_want = longest(
        listed()
            .map(|a| text::width(a.metric_name().unwrap_or("composite")))
            .max(),
        6,
        19,
    );
    let name_w = name_want
        .min(flex.saturating_sub(6 + 1 + REASON_MIN_W))
        .max(8.min(flex));
    let metric_w = metric_want.min(flex.saturating_sub(name_w + 1 + REASON_MIN_W));
    let x_state = inner.x + 1;
    let x_muted = x_state + STATE_W + 1;
    let x_acct = x_muted + 2;
    let x_name = x_acct + acct_w + 1;
    let x_metric = x_name + name_w + 1;
    let x_thr = x_metric + metric_w + 1;
    let x_for = x_thr + THRESHOLD_W + 1;
    let x_reason = x_for + FOR_W + 1;

    let y = inner.y;
    let h = theme.muted;
    put(buf, inner, x_state, y, "STATE", STATE_W, h);
    put(buf, inner, x_acct, y, "ACCOUNT", acct_w, h);
    put(buf, inner, x_name, y, "ALARM", name_w, h);
    put(buf, inner, x_metric, y, "METRIC", metric_w, h);
    put_right(buf, inner, x_thr + THRESHOLD_W, y, "THRESHOLD", h);
    put_right(buf, inner, x_for + FOR_W, y, "FOR", h);
    put(
        buf,
        inner,
        x_reason,
        y,
        "REASON",
        inner.right().saturating_sub(x_reason),
        h,
    );

    if v.rows.is_empty() {
        let msg = if state.alarms.is_empty() {
            "no alarms"
        } else {
            "no alarm matches the filter"
        };
        widgets::table::empty_message(buf, inner, theme, msg);
    }
    for (pos, y) in widgets::table::visible_rows(v.offset, v.rows.len(), inner) {
        let Some(a) = v.rows.get(pos).and_then(|&i| state.alarms.get(i)) else {
            continue;
        };
        let row = Rect::new(inner.x, y, inner.width, 1);
        if pos == v.selected {
            widgets::table::mark_selected(buf, row, theme, focused);
        }
        if v.marks.contains(&(a.account_id.clone(), a.id.clone())) {
            // Marked with space for mute, unmute or delete.
            put(buf, row, inner.x, y, "*", 1, theme.focus);
        }
        put(
            buf,
            row,
            x_state,
            y,
            state_label(a.state),
            STATE_W,
            state_style(theme, a.state),
        );
        if !a.actions_enabled {
            // Actions off: it will not page anyone, whatever its state.
            put(buf, row, x_muted, y, "⊘", 1, theme.muted);
        }
        put_trunc(
            buf,
            row,
            x_acct,
            y,
            state.account_label(watched_account(a)),
            acct_w,
            theme.muted,
        );
        put_trunc(buf, row, x_name, y, &a.name, name_w, theme.text);
        put_trunc(
            buf,
            row,
            x_metric,
            y,
            a.metric_name().unwrap_or("composite"),
            metric_w,
            theme.muted,
        );
        let thr = match a.threshold() {
            Some((cmp, t)) => format!(
                "{} {}",
                cmp.symbol(),
                crate::app::query::format_value(t as f32)
            ),
            None => "-".to_owned(),
        };
        put_right(buf, row, x_thr + THRESHOLD_W, y, &thr, theme.text);
        put_right(
            buf,
            row,
            x_for + FOR_W,
            y,
            &coarse_duration(state.now - a.state_since),
            theme.text,
        );
        put_trunc(
            buf,
            row,
            x_reason,
            y,
            &a.reason,
            inner.right().saturating_sub(x_reason),
            theme.muted,
        );
    }
}

fn type_label(t: HistoryItemType) -> &'static str {
    match t {
        HistoryItemType::StateUpdate => "state",
        HistoryItemType::ConfigurationUpdate => "config",
        HistoryItemType::Action => "action",
    }
}

fn render_history(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let v = &state.views.alarms;
    let name = v
        .history_of
        .as_ref()
        .map(|h| h.name.as_str())
        .unwrap_or_default();
    let title = Line::styled(format!(" history · {name} "), theme.focus);
    let inner = pane::render(buf, area, &title, theme.focus);
    if inner.is_empty() {
        return;
    }
    let items = match &v.history {
        Loadable::NotRequested | Loadable::Loading => {
            put(
                buf,
                inner,
                inner.x + 1,
                inner.y,
                "loading…",
                inner.width,
                theme.muted,
            );
            return;
        }
        Loadable::Failed(msg) => {
            put_trunc(
                buf,
                inner,
                inner.x + 1,
                inner.y,
                &format!("failed: {msg}"),
                inner.width.saturating_sub(1),
                theme.bad,
            );
            return;
        }
        Loadable::Loaded(items) if items.is_empty() => {
            put(
                buf,
                inner,
                inner.x + 1,
                inner.y,
                "no history",
                inner.width,
                theme.muted,
            );
            return;
        }
        Loadable::Loaded(items) => items,
    };
    // Newest first, as the source returns it; a day and time, because history spans days.
    let scroll = v.history_scroll.min(items.len().saturating_sub(1));
    for (item, y) in items.iter().skip(scroll).zip(inner.top()..inner.bottom()) {
        let x = put(
            buf,
            inner,
            inner.x + 1,
            y,
            &text::day_hhmm(item.timestamp),
            12,
            theme.muted,
        );
        let x = put(
            buf,
            inner,
            x + 1,
            y,
            &format!("{:<6}", type_label(item.item_type)),
            6,
            theme.key_hint,
        );
        put_trunc(
            buf,
            inner,
            x + 1,
            y,
            &item.summary,
            inner.right().saturating_sub(x + 1),
            theme.text,
        );
    }
}
