//! The fleet screen: accounts pane on the left, the endpoints table with sparklines on the
//! right. Only visible rows are built; nothing is sorted or filtered here (`update` did it).

use super::{FleetColumn, FleetFocus};
use crate::app::query::{self, Band};
use crate::app::state::State;
use crate::config::theme::Theme;
use crate::series::Series;
use crate::source::metrics::{self, FLEET_COLUMNS, MetricId};
use crate::source::model::{AlarmState, Endpoint, EndpointStatus, Epoch};
use crate::ui::text::{self, put, put_right, put_trunc};
use crate::ui::widgets::table::{Column, Cut, GAP, LEAD, Table};
use crate::ui::widgets::{self, sparkline};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

/// Slots a 1-minute sparkline covers (the last hour) and an hourly one (two days).
/// Slots of a 1-minute sparkline (an hour); hourly ones hold 48 (two days).
const MINUTE_SLOTS: usize = 60;

/// Slots a sparkline spans: the fleet window of the series' period (an hour of minutes, two
/// days of hours), so a custom quality source at 300 s or a day spans the same time as its
/// neighbours. At least one slot, never more than the row's buffer holds.
fn slots_of(period: u32) -> usize {
    let period = i64::from(period.max(1));
    let n = crate::app::refresh::fleet_window(period as u32) / period;
    (n.max(1) as usize).min(MINUTE_SLOTS)
}
const MIN_CELLS: u16 = 5;
const MAX_CELLS: u16 = 16;
/// Width of a latest value: `0.912`, `63.4`, `45k`.
const VALUE_W: u16 = 5;
/// Before a latest value older than the point an alarm watching it has evaluated.
const BEHIND_ALARM: &str = "~";
const STATUS_W: u16 = 9;
const NAME_MIN: u16 = 10;
/// Width the name gets before any metric column.
const NAME_FIRST: u16 = 15;
/// The worst alarm's marker, then violations in the last completed Model Monitor runs: `●⚠5`.
const MARKS_W: u16 = 4;

fn pane_width(total: u16) -> u16 {
    if total >= 180 { 32 } else { 26 }
}

/// Column indices of the endpoints table; the metric columns follow `METRICS`.
const ACCOUNT: usize = 0;
const REGION: usize = 1;
const NAME: usize = 2;
const STATUS: usize = 3;
const MARKS: usize = 4;
const METRICS: usize = 5;

/// The endpoints table's columns: the name first gets up to `NAME_FIRST` (names are what
/// on-call reads), then metric columns are added left to right (a sparkline and its latest
/// value), then the name completes, then the sparklines widen, and the name takes what is
/// left.
/// REGION (`region`: 0 with a single region, never shown) is the first to go when the
/// table is narrow: the account and the name still tell rows apart.
fn columns(account: u16, region: u16, name_want: u16) -> Vec<Column<'static>> {
    let mut cols = vec![
        Column::new("ACCOUNT").fixed(account),
        Column::new("REGION").width(region, region).priority(2),
        Column::new("ENDPOINT")
            .width(name_want.clamp(NAME_MIN, NAME_FIRST), name_want)
            .cut(Cut::Middle)
            .fill(),
        Column::new("STATUS").fixed(STATUS_W),
        Column::new("").fixed(MARKS_W),
    ];
    cols.extend(FLEET_COLUMNS.iter().map(|&id| {
        Column::new(metrics::spec(id).short)
            .width(MIN_CELLS + 1 + VALUE_W, MAX_CELLS + 1 + VALUE_W)
            .priority(1)
            .right()
    }));
    cols
}

/// Everything but the metric columns, with the name at its narrowest.
fn base_width(account: u16) -> u16 {
    LEAD + account + GAP + NAME_MIN + GAP + STATUS_W + GAP + MARKS_W
}

/// The longest endpoint name listed, bounded: past 32 columns the tail is rarely what tells
/// two endpoints apart.
fn name_col_width(state: &State) -> u16 {
    state
        .views
        .fleet
        .rows
        .iter()
        .filter_map(|&i| state.endpoints.get(i))
        .map(|e| text::width(&e.name))
        .max()
        .unwrap_or(NAME_MIN)
        .clamp(NAME_MIN, 32)
}

/// The longest region name when the endpoints run in several regions, else 0 (no column).
fn region_col_width(state: &State) -> u16 {
    if state.regions.len() < 2 {
        return 0;
    }
    let widest = state.regions.iter().map(|r| text::width(r)).max();
    widest.unwrap_or(0).min(14)
}

/// The widest account label, bounded: labels are short words (prod, staging).
fn account_col_width(state: &State) -> u16 {
    // The monitoring account holds alarms, not endpoints: its label is never in the table.
    state
        .accounts
        .iter()
        .filter(|a| !a.monitoring)
        .map(|a| text::width(&a.label))
        .max()
        .unwrap_or(0)
        .clamp(8, 12)
}

/// Whether the accounts pane fits beside a table with at least its base columns.
fn show_pane(state: &State, width: u16) -> bool {
    let need = base_width(account_col_width(state)) + 2;
    width >= pane_width(width) + need
}

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let table_area = if show_pane(state, area.width) {
        let w = pane_width(area.width);
        render_accounts(state, buf, Rect::new(area.x, area.y, w, area.height));
        Rect::new(area.x + w, area.y, area.width - w, area.height)
    } else {
        area
    };
    render_table(state, buf, table_area);
}

/// A pane frame, in the focus style when focused; returns the inner area.
fn pane(buf: &mut Buffer, area: Rect, theme: &Theme, title: Line<'_>, focused: bool) -> Rect {
    let border = if focused { theme.focus } else { theme.border };
    widgets::pane::render(buf, area, &title, border)
}

fn render_accounts(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let focused = state.views.fleet.focus == FleetFocus::Accounts;
    let title_style = if focused { theme.focus } else { theme.title };
    // Alarms silent now, in every account: said even where the rows have no room for them.
    let silent: usize = state.alarm_index.muted_by_account.values().sum();
    let title = match silent {
        0 => " accounts ".to_owned(),
        n => format!(" accounts ⊘{n} "),
    };
    let inner = pane(buf, area, theme, Line::styled(title, title_style), focused);
    if inner.is_empty() {
        return;
    }
    // Counted in one pass: endpoints come grouped by account, so remembering the last match
    // makes this one comparison per endpoint rather than one per endpoint and account.
    let mut counts = vec![0usize; state.accounts.len()];
    let mut last = 0;
    for e in &state.endpoints {
        if state
            .accounts
            .get(last)
            .is_none_or(|a| a.id != e.account_id)
        {
            match state.accounts.iter().position(|a| a.id == e.account_id) {
                Some(i) => last = i,
                None => continue,
            }
        }
        counts[last] += 1;
    }
    let alarms = |id: &str| {
        state
            .alarm_index
            .in_alarm_by_account
            .get(id)
            .copied()
            .unwrap_or(0)
    };
    let total_alarms: usize = state.alarm_index.in_alarm_by_account.values().sum();
    let muted = |id: &str| {
        let by = &state.alarm_index.muted_by_account;
        by.get(id).copied().unwrap_or(0)
    };
    let muted_total: usize = state.alarm_index.muted_by_account.values().sum();
    // Label and (if room) id on the left; endpoint count, violations (⚠5) and alarms (●12)
    // against the right edge, the blank between taken by the id or, without it, the label.
    let label_w = state
        .accounts
        .iter()
        .map(|a| text::width(&a.label))
        .max()
        .unwrap_or(0)
        .max(1);
    let counts_w = 1 + 4 + 3 + 4;
    let room_for_muted = inner.width >= label_w.max(text::width("all accounts")) + 1 + counts_w + 4;
    let mut columns = vec![
        Column::new("").width(label_w, label_w).fill(),
        Column::new("").fixed(12).priority(1).fill(),
        Column::new("").fixed(4).right().gap(0),
        Column::new("").fixed(3).right().gap(0),
        Column::new("").fixed(4).right().gap(0),
        // Alarms silent now (⊘3): only when some are, and only where the labels (and "all
        // accounts") keep their room and a blank before the counts.
        Column::new("")
            .fixed(if muted_total > 0 && room_for_muted {
                4
            } else {
                0
            })
            .right()
            .gap(0),
    ];
    // Only while AWS throttles an account: then it matters more than the ids.
    let throttling = !state.source_health.throttled_by_account.is_empty();
    if throttling {
        columns.push(Column::new("").fixed(4).right().gap(0));
    }
    const LABEL: usize = 0;
    const ID: usize = 1;
    const COUNT: usize = 2;
    const VIOLATIONS: usize = 3;
    const ALARMS: usize = 4;
    const MUTED: usize = 5;
    const THROTTLED: usize = 6;
    let table = Table::headless(&columns, inner);
    let rows = std::iter::once(None).chain(state.accounts.iter().map(Some));
    let len = state.accounts.len() + 1;
    let height = usize::from(inner.height);
    // Keep the cursor visible without state for an offset: the pane scrolls by pages.
    let first = state.views.fleet.account_cursor / height.max(1) * height;
    for ((i, y), account) in table.rows(first, len).zip(rows.skip(first)) {
        let row = table.line(y);
        let selected = i == state.views.fleet.account_cursor;
        let active = match account {
            None => state.scope.is_none(),
            Some(a) => state.scope.as_deref() == Some(a.id.as_str()),
        };
        let base = if selected && focused {
            theme.selection
        } else {
            Style::default()
        };
        buf.set_style(row, base);
        // The account whose endpoints are listed is marked even when the cursor moved away.
        let mark = if active { "▸" } else { " " };
        put(buf, row, inner.x, y, mark, 1, theme.focus);
        let (endpoints, in_alarm) = match account {
            None => {
                let id = if table.shown(ID) { ID } else { LABEL };
                if let Some(cell) = table.span(LABEL, id, y) {
                    put_trunc(buf, cell, cell.x, y, "all accounts", cell.width, theme.text);
                }
                (state.endpoints.len(), total_alarms)
            }
            Some(a) => {
                table.text(buf, LABEL, y, &a.label, theme.text);
                table.text(buf, ID, y, &a.id, theme.muted);
                if a.monitoring {
                    // The console's own account (the OAM sink, or where fan-out starts from).
                    table.text(buf, COUNT, y, "home", theme.muted);
                }
                (counts.get(i - 1).copied().unwrap_or(0), alarms(&a.id))
            }
        };
        if account.is_none_or(|a| !a.monitoring) {
            table.text(buf, COUNT, y, &endpoints.to_string(), theme.text);
        }
        // The home account too: in fan-out, or when it holds endpoints of its own.
        let violations = query::violations_of(state, account.map_or("", |a| &a.id), None);
        if let Some(n) = violations.filter(|&n| n > 0) {
            let n = format!("⚠{}", n.min(99));
            table.text(buf, VIOLATIONS, y, &n, theme.bad);
        }
        if in_alarm > 0 {
            table.text(buf, ALARMS, y, &format!("●{in_alarm}"), theme.alarm);
        }
        let silent = account.map_or(muted_total, |a| muted(&a.id));
        if silent > 0 {
            table.text(buf, MUTED, y, &format!("⊘{}", silent.min(999)), theme.muted);
        }
        // AWS throttled this account's calls in the last five minutes (↯N): data is slow there.
        let throttled = account.and_then(|a| {
            let by = &state.source_health.throttled_by_account;
            by.iter().find(|(id, _)| *id == a.id).map(|(_, n)| *n)
        });
        if let Some(n) = throttled.filter(|_| throttling) {
            table.text(buf, THROTTLED, y, &format!("↯{}", n.min(999)), theme.warn);
        }
    }
}

fn title(state: &State, shown: usize) -> String {
    let f = &state.views.fleet;
    let mut t = format!(" endpoints {}/{} ", shown, state.endpoints.len());
    if let Some(id) = &state.scope {
        t.push_str(&format!("· {} ", state.account_label(id)));
    }
    if let Some(region) = &state.region_scope {
        t.push_str(&format!("· {region} "));
    }
    if !f.filter.is_empty() {
        t.push_str(&format!("· /{} ", f.filter));
    }
    if let Some(note) = super::ranks::note(state) {
        t.push_str(&note);
    }
    t
}

/// The table column a sort key is drawn in.
fn column_of(col: FleetColumn) -> usize {
    match col {
        FleetColumn::Account => ACCOUNT,
        FleetColumn::Endpoint => NAME,
        FleetColumn::Status => STATUS,
        FleetColumn::Metric(i) => METRICS + i,
    }
}

fn render_table(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let f = &state.views.fleet;
    let focused = f.focus == FleetFocus::Endpoints;
    let title_style = if focused { theme.focus } else { theme.title };
    let title = Line::styled(title(state, f.rows.len()), title_style);
    let inner = pane(buf, area, theme, title, focused);
    if inner.is_empty() {
        return;
    }
    let columns = columns(
        account_col_width(state),
        region_col_width(state),
        name_col_width(state),
    );
    let mut table = Table::new(&columns, inner);
    let names = table.rows(f.offset, f.rows.len()).filter_map(|(pos, _)| {
        let e = f.rows.get(pos).and_then(|&i| state.endpoints.get(i))?;
        Some(e.name.as_str())
    });
    table.tell_apart(NAME, names);
    let sort = (column_of(f.sort), f.descending, theme.focus);
    table.header(buf, theme.muted, Some(sort));
    let shown_metrics = FLEET_COLUMNS
        .iter()
        .enumerate()
        .take_while(|&(i, _)| table.shown(METRICS + i))
        .count();

    if f.rows.is_empty() {
        let msg = if state.endpoints.is_empty() {
            "no endpoints yet"
        } else {
            "no endpoint matches the filter"
        };
        widgets::table::empty_message(buf, inner, theme, msg);
    }
    // Reused across rows and columns: no allocation per cell.
    let mut window = [f32::NAN; MINUTE_SLOTS];
    let mut cells = [f32::NAN; MAX_CELLS as usize];
    let mut series: Vec<&Series> = Vec::new();
    let mut scratch = query::KeyScratch::default();
    let mut value = String::new();
    for (pos, y) in table.rows(f.offset, f.rows.len()) {
        let Some(e) = f.rows.get(pos).and_then(|&i| state.endpoints.get(i)) else {
            continue;
        };
        let row = table.line(y);
        if pos == f.selected {
            widgets::table::mark_selected(buf, row, theme, focused);
        }
        let label = state.account_label(&e.account_id);
        table.text(buf, ACCOUNT, y, label, theme.muted);
        table.text(buf, REGION, y, &e.region, theme.muted);
        table.text(buf, NAME, y, &e.name, theme.text);
        let worst = state.worst_alarm(e);
        let marker = match worst {
            Some(AlarmState::Alarm) => ("●", theme.alarm),
            Some(AlarmState::InsufficientData) => ("●", theme.insufficient),
            Some(AlarmState::Ok) => ("●", theme.ok),
            None => ("·", theme.muted),
        };
        if let Some(marks) = table.cell(MARKS, y) {
            render_marks(state, buf, marks, e, marker);
        }
        // Newest 1-minute point, as `query::endpoint_newest_point` computes it, gathered from
        // the columns drawn so each series is looked up once per row.
        let mut newest: Option<Epoch> = None;
        let mut newest_seen = [false; 2];
        for (i, &id) in FLEET_COLUMNS.iter().enumerate().take(shown_metrics) {
            let Some(cell) = table.cell(METRICS + i, y) else {
                continue;
            };
            let keys = scratch.keys(e, id);
            series.clear();
            series.extend(keys.iter().filter_map(|k| state.store.get(k)));
            let n = slots_of(keys.first().map_or(metrics::spec(id).period, |k| k.period));
            let window = &mut window[..n];
            query::combine_window(&series, id, state.now, window);
            // A sparkline, a blank, then the latest value at the right of the cell.
            let spark_w = cell.width.saturating_sub(1 + VALUE_W).min(MAX_CELLS);
            let cells = &mut cells[..usize::from(spark_w)];
            sparkline::bucket(window, cells, query::lower_is_worse(id));
            // An endpoint no alarm watches (most of a fleet) skips the per-series lookup.
            let alarm = worst.and_then(|_| query::alarm_threshold(state, keys));
            let style = |v: f32| band_style(theme, query::band_with(alarm, id, v));
            let spark = Rect {
                width: spark_w,
                ..cell
            };
            sparkline::render(buf, spark, cells, style);
            let latest = query::combine_latest(&series, id);
            if let Some(slot) = NEWEST_FROM.iter().position(|&m| m == id) {
                newest_seen[slot] = true;
                newest = newest.max(latest.map(|(ts, _)| ts));
            }
            if let Some((ts, v)) = latest {
                query::write_value(&mut value, v);
                // Older than the point an alarm on it has evaluated: not coloured as if it
                // were the current one, and marked `~` until the newer point is read.
                let behind = alarm.is_some() && query::behind_alarm(state, keys, ts);
                let vstyle = match query::band_with(alarm, id, v) {
                    _ if behind => theme.muted,
                    Band::Neutral => theme.text,
                    b => band_style(theme, b),
                };
                put_right(buf, cell, cell.right(), y, &value, vstyle);
                if behind {
                    let x = cell.right().saturating_sub(text::width(&value) + 1);
                    put_right(buf, cell, x + 1, y, BEHIND_ALARM, theme.muted);
                }
            }
        }
        // Invocations only matters when the columns drawn do not already say "fresh": the
        // exact newest point is needed for the age of a stale row, not for a live one.
        let fresh =
            |n: Option<Epoch>| n.is_some_and(|ts| state.now - ts <= query::STALE_AFTER_SECS);
        for (id, seen) in NEWEST_FROM.into_iter().zip(newest_seen) {
            if !seen && !fresh(newest) {
                newest = newest.max(query::metric_latest(&state.store, e, id).map(|(ts, _)| ts));
            }
        }
        if !fresh(newest) {
            newest = newest.max(
                query::metric_latest(&state.store, e, MetricId::Invocations).map(|(ts, _)| ts),
            );
        }
        if let Some(cell) = table.cell(STATUS, y) {
            render_status(state, buf, cell, e, newest);
        }
    }
}

/// The worst alarm's marker (`●` in its state's colour, `·` for none), then the
/// violations in the endpoint's last Model Monitor runs (`⚠5`, `·` for none).
fn render_marks(
    state: &State,
    buf: &mut Buffer,
    cell: Rect,
    e: &Endpoint,
    (marker, style): (&str, Style),
) {
    let theme = &state.theme;
    let y = cell.y;
    put(buf, cell, cell.x, y, marker, 1, style);
    match query::violations_of(state, &e.account_id, Some(&e.name)) {
        Some(0) => {
            put(buf, cell, cell.x + 2, y, "·", 1, theme.ok);
        }
        Some(n) => {
            let n = format!("⚠{}", n.min(99));
            put(buf, cell, cell.x + 1, y, &n, MARKS_W - 1, theme.bad);
        }
        None => {}
    }
}

/// The 1-minute metrics of the fleet columns that `endpoint_newest_point` also looks at
/// (with Invocations, which is not a column).
const NEWEST_FROM: [MetricId; 2] = [MetricId::Cpu, MetricId::Memory];

/// `newest` is `query::endpoint_newest_point` of `e` (or a point recent enough to say the
/// endpoint is not stale), judged by `query::liveness`.
fn render_status(state: &State, buf: &mut Buffer, cell: Rect, e: &Endpoint, newest: Option<Epoch>) {
    let theme = &state.theme;
    // No data because AWS refused it is not "no data": say which (only rows without data pay
    // for the lookup).
    if newest.is_none() {
        let keys: Vec<_> = [MetricId::Cpu, MetricId::Accuracy]
            .into_iter()
            .flat_map(|id| crate::source::metrics::series_keys(e, id))
            .collect();
        if let Some(status) = query::worst_status(&state.store, &keys) {
            put_trunc(
                buf,
                cell,
                cell.x,
                cell.y,
                query::status_label(status),
                cell.width,
                theme.bad,
            );
            return;
        }
    }
    // A row whose numbers stopped moving must not look live.
    let label = match query::liveness(e, newest, state.now) {
        query::Liveness::Stale(age) => Some(format!("STALE {}", query::coarse_duration(age))),
        query::Liveness::NoData => Some("NO DATA".to_owned()),
        query::Liveness::Live | query::Liveness::Explained => None,
    };
    if let Some(label) = label {
        put_trunc(buf, cell, cell.x, cell.y, &label, cell.width, theme.stale);
        return;
    }
    let style = match e.status {
        EndpointStatus::InService => theme.text,
        EndpointStatus::Failed => theme.bad,
        _ => theme.warn,
    };
    put_trunc(
        buf,
        cell,
        cell.x,
        cell.y,
        e.status.as_str(),
        cell.width,
        style,
    );
}

pub fn band_style(theme: &Theme, band: Band) -> Style {
    match band {
        Band::Good => theme.good,
        Band::Warn => theme.warn,
        Band::Bad => theme.bad,
        Band::Neutral => theme.chart,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_span_the_fleet_window_of_their_period() {
        assert_eq!(slots_of(60), MINUTE_SLOTS);
        assert_eq!(slots_of(3600), 48);
        assert_eq!(slots_of(300), 12);
        assert_eq!(slots_of(86_400), 2);
    }
}
