//! The alarms screen: every alarm (ALARM first, as `update` ordered them) and, when one is
//! opened, its history in a pane on the right.

use super::layout::split;
use crate::app::query::{coarse_duration, watched_account};
use crate::app::state::{Loadable, State};
use crate::config::theme::Theme;
use crate::source::model::{AlarmState, HistoryItemType};
use crate::ui::text::{self, put, put_trunc};
use crate::ui::widgets::table::{Column, Cut, Table};
use crate::ui::widgets::{self, pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

const STATE_W: u16 = 6;
const THRESHOLD_W: u16 = 9;
const FOR_W: u16 = 6;
/// The reason keeps at least this much, or is not shown.
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
    if state.views.alarms.rules.is_some() {
        super::rules::render(state, buf, area);
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
    // Scoped to an account: the count is of that account's alarms, and the title says so.
    let scope = state.scope.as_deref();
    let in_alarm = state
        .alarms
        .iter()
        .filter(|a| scope.is_none_or(|s| crate::app::query::watched_account(a) == s))
        .filter(|a| (state.region_scope.as_ref()).is_none_or(|r| *r == a.region))
        .filter(|a| a.state == AlarmState::Alarm)
        .count();
    let mut title = format!(" alarms {}/{} ", v.rows.len(), state.alarms.len());
    if let Some(id) = scope {
        title.push_str(&format!("· {} ", state.account_label(id)));
    }
    if let Some(region) = &state.region_scope {
        title.push_str(&format!("· {region} "));
    }
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
    let listed = || v.rows.iter().filter_map(|&i| state.alarms.get(i));
    // Mute badges of the rows on screen only: the column is as wide as the widest of them.
    let page = usize::from(inner.height.saturating_sub(1));
    let on_screen = v.rows.iter().skip(v.offset).take(page);
    let badge = |a: &crate::source::model::Alarm| state.mutes.badge(a, state.now);
    let badges: Vec<String> = on_screen
        .filter_map(|&i| state.alarms.get(i))
        .filter_map(badge)
        .collect();
    // At least the sign; the time once the names are whole (names tell rows apart: at 80
    // columns the time left is in the alarm's pane, `Enter`).
    let badge_w = badges.iter().map(|b| text::width(b)).max().unwrap_or(1);
    let longest = |w: Option<u16>, lo: u16, hi: u16| w.unwrap_or(lo).clamp(lo, hi);
    let columns = columns(
        state
            .accounts
            .iter()
            .map(|a| text::width(&a.label))
            .max()
            .unwrap_or(0)
            .clamp(4, 10),
        longest(listed().map(|a| text::width(&a.name)).max(), 8, 44),
        longest(
            listed()
                .map(|a| text::width(a.metric_name().unwrap_or("composite")))
                .max(),
            6,
            19,
        ),
        badge_w,
    );
    let mut table = Table::new(&columns, inner);
    let names = table.rows(v.offset, v.rows.len()).filter_map(|(pos, _)| {
        let a = v.rows.get(pos).and_then(|&i| state.alarms.get(i))?;
        Some(a.name.as_str())
    });
    table.tell_apart(NAME, names);
    table.header(buf, theme.muted, None);

    if v.rows.is_empty() {
        let msg = if state.alarms.is_empty() {
            "no alarms"
        } else {
            "no alarm matches the filter"
        };
        widgets::table::empty_message(buf, inner, theme, msg);
    }
    for (pos, y) in table.rows(v.offset, v.rows.len()) {
        let Some(a) = v.rows.get(pos).and_then(|&i| state.alarms.get(i)) else {
            continue;
        };
        if pos == v.selected {
            widgets::table::mark_selected(buf, table.line(y), theme, focused);
        }
        if v.marks.contains(&(a.account_id.clone(), a.id.clone())) {
            // Marked with space for mute, unmute or delete.
            put(buf, inner, inner.x, y, "*", 1, theme.focus);
        }
        let style = state_style(theme, a.state);
        table.text(buf, STATE, y, state_label(a.state), style);
        if let Some(b) = badge(a) {
            // Muted: it will not page anyone, whatever its state (for how long, or from
            // when). Narrow, without its spaces (`⊘1h12m`, `⊘@02:00`); narrower still, the
            // sign alone says it.
            let w = table.width(MUTED);
            let short = compact(&b);
            let shown = [b.as_str(), short.as_str(), "⊘"]
                .into_iter()
                .find(|s| text::width(s) <= w)
                .unwrap_or("⊘");
            table.text(buf, MUTED, y, shown, theme.muted);
        }
        let account = state.account_label(watched_account(a));
        table.text(buf, ACCOUNT, y, account, theme.muted);
        table.text(buf, NAME, y, &a.name, theme.text);
        let metric = a.metric_name().unwrap_or("composite");
        table.text(buf, METRIC, y, metric, theme.muted);
        let thr = match a.threshold() {
            Some((cmp, t)) => format!(
                "{} {}",
                cmp.symbol(),
                crate::app::query::format_value(t as f32)
            ),
            None => "-".to_owned(),
        };
        table.text(buf, THRESHOLD, y, &thr, theme.text);
        let since = coarse_duration(state.now - a.state_since);
        table.text(buf, FOR, y, &since, theme.text);
        table.text(buf, REASON, y, &a.reason, theme.muted);
    }
}

/// Column indices of the alarms table.
const STATE: usize = 0;
const MUTED: usize = 1;
const ACCOUNT: usize = 2;
const NAME: usize = 3;
const METRIC: usize = 4;
const THRESHOLD: usize = 5;
const FOR: usize = 6;
const REASON: usize = 7;

/// The alarms table's columns: what the fixed columns leave goes first to the alarm name
/// (what on-call reads and types into `/`), then to the metric, keeping a little for the
/// reason, which takes whatever is left.
/// `⊘ 1h12m` as `⊘1h12m`, `⊘ at 02:00` as `⊘@02:00`.
fn compact(badge: &str) -> String {
    badge.replacen("⊘ at ", "⊘@", 1).replace(' ', "")
}

fn columns(
    account: u16,
    name_want: u16,
    metric_want: u16,
    muted_want: u16,
) -> [Column<'static>; 8] {
    [
        Column::new("STATE").fixed(STATE_W),
        // The sign always; how long once the name and metric are whole.
        Column::new("").width(1, muted_want).widen(1),
        Column::new("ACCOUNT").fixed(account),
        Column::new("ALARM").width(8, name_want).cut(Cut::Middle),
        Column::new("METRIC").width(6, metric_want).priority(1),
        Column::new("THRESHOLD").fixed(THRESHOLD_W).right(),
        Column::new("FOR").fixed(FOR_W).right(),
        Column::new("REASON").rest(REASON_MIN_W).priority(2),
    ]
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
    let inner = render_reason(state, buf, inner);
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
    let columns = [
        Column::new("WHEN").fixed(12),
        Column::new("TYPE").fixed(6),
        Column::new("SUMMARY").rest(1),
    ];
    let table = Table::headless(&columns, inner);
    let scroll = v.history_scroll.min(items.len().saturating_sub(1));
    for (i, y) in table.rows(scroll, items.len()) {
        let item = &items[i];
        table.text(buf, 0, y, &text::day_hhmm(item.timestamp), theme.muted);
        table.text(buf, 1, y, type_label(item.item_type), theme.key_hint);
        table.text(buf, 2, y, &item.summary, theme.text);
    }
}

/// The alarm's reason, whole: the table cuts it, and its value and time are what an on-call
/// engineer reads first. Wrapped at the top of the history pane (at most half of it);
/// what is left below is the history's.
fn render_reason(state: &State, buf: &mut Buffer, inner: Rect) -> Rect {
    let theme = &state.theme;
    let Some(of) = &state.views.alarms.history_of else {
        return inner;
    };
    let Some(alarm) = state
        .alarms
        .iter()
        .find(|a| a.account_id == of.account_id && a.id == of.id)
    else {
        return inner;
    };
    let muted = state.mutes.words(alarm, state.now);
    if (alarm.reason.is_empty() && muted.is_none()) || inner.height < 6 {
        return inner;
    }
    let width = inner.width.saturating_sub(2);
    // How it is muted first: whether anyone gets paged is the first thing to know.
    let mut lines: Vec<String> = muted
        .iter()
        .flat_map(|m| text::wrap_words(m, width))
        .collect();
    lines.extend(text::wrap_words(&alarm.reason, width));
    let room = usize::from(inner.height / 2).max(1);
    for (i, line) in lines.iter().take(room).enumerate() {
        let y = inner.y + i as u16;
        put_trunc(buf, inner, inner.x + 1, y, line, width, theme.text);
    }
    let used = lines.len().min(room) as u16 + 1;
    Rect {
        y: inner.y + used,
        height: inner.height - used,
        ..inner
    }
}
