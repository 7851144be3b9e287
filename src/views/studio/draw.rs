//! The studio screen: the accounts in scope with their Studio counts (each followed by its
//! domains: status, auth mode, VPC) on top; the apps below, Failed and idle ones marked.

use super::layout;
use super::rows::{self, Counts, SummaryLine};
use super::state::{AppColumn, Pane};
use crate::app::query::coarse_duration;
use crate::app::state::State;
use crate::config::theme::Theme;
use crate::source::studio::{AppStatus, Attention, LISTS, StudioDomain, attention};
use crate::ui::text::{self, put, put_trunc};
use crate::ui::widgets::table::{Column, Cut, LEAD, Table};
use crate::ui::widgets::{self, pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let summary = rows::summary(state);
    let notes = notes(state, area.width);
    let panes = layout::panes(area, summary.len(), notes.len());
    render_accounts(state, buf, panes.accounts, &summary, &notes);
    render_apps(state, buf, panes.apps);
}

fn frame(state: &State, buf: &mut Buffer, area: Rect, title: String, pane_: Pane) -> Rect {
    let theme = &state.theme;
    let focused = state.views.studio.focus == pane_;
    pane::render(
        buf,
        area,
        &Line::styled(title, if focused { theme.focus } else { theme.title }),
        if focused { theme.focus } else { theme.border },
    )
}

pub fn status_style(theme: &Theme, s: &AppStatus) -> Style {
    match s {
        AppStatus::InService => theme.ok,
        AppStatus::Pending => theme.insufficient,
        AppStatus::Failed => theme.bad,
        AppStatus::Deleting => theme.warn,
        AppStatus::Deleted => theme.muted,
        AppStatus::Other(_) => theme.text,
    }
}

fn domain_style(theme: &Theme, status: &str) -> Style {
    match status {
        "InService" => theme.ok,
        "Failed" | "Update_Failed" | "Delete_Failed" => theme.bad,
        _ => theme.warn,
    }
}

/// Totals over the accounts in scope, for the title.
fn totals(state: &State) -> (usize, usize, usize, usize) {
    let mut t = (0, 0, 0, 0);
    for a in rows::accounts(state) {
        if let Some(s) = state.views.studio.held(&a.id) {
            t.0 += s.domains.len();
            t.1 += s.user_profiles;
            t.2 += s.spaces;
            t.3 += s.live_apps();
        }
    }
    t
}

/// The numeric columns of the accounts pane: (header, width).
const NUMBERS: [(&str, &str, u16); 8] = [
    ("DOMAINS", "DOM", 7),
    ("PROFILES", "PROF", 8),
    ("SPACES", "SPC", 6),
    ("APPS", "APPS", 4),
    ("IN SVC", "RUN", 6),
    ("PENDING", "PEND", 7),
    ("FAILED", "FAIL", 6),
    ("IDLE", "IDLE", 4),
];

/// The accounts pane's columns: the account, its figures (NUMBERS), then a note.
fn account_columns(wide: bool) -> Vec<Column<'static>> {
    let mut columns = vec![Column::new("ACCOUNT").fixed(if wide { 14 } else { 10 })];
    columns.extend(NUMBERS.iter().map(|&(long, short, w)| {
        let (name, w) = if wide { (long, w) } else { (short, 4) };
        Column::new(name).fixed(w).right()
    }));
    columns.push(Column::new("NOTE").rest(1).gap(2));
    columns
}

/// The notes the NOTE column would cut (a fix hint: `add role_arn to [[accounts]] id =
/// ...`), each whole under the accounts, wrapped to a pane `width` wide: `test: no role: ...`.
pub(super) fn notes(state: &State, width: u16) -> Vec<(String, Style)> {
    let inner_w = width.saturating_sub(2);
    if inner_w < 8 {
        return Vec::new();
    }
    let columns = account_columns(inner_w >= 110);
    let table = Table::new(&columns, Rect::new(0, 0, inner_w, 2));
    let note_w = table.width(columns.len() - 1);
    let mut out = Vec::new();
    for account in rows::accounts(state) {
        let (note, style) = account_note(state, &account.id);
        if text::width(&note) <= note_w {
            continue;
        }
        let whole = format!("{}: {note}", account.label);
        out.extend(
            text::wrap_words(&whole, inner_w.saturating_sub(2))
                .into_iter()
                .map(|l| (l, style)),
        );
    }
    out
}

fn render_accounts(
    state: &State,
    buf: &mut Buffer,
    area: Rect,
    summary: &[SummaryLine<'_>],
    notes: &[(String, Style)],
) {
    let theme = &state.theme;
    let s = &state.views.studio;
    let (domains, profiles, spaces, apps) = totals(state);
    let mut title = format!(
        " studio · {domains} domains · {profiles} profiles · {spaces} spaces · {apps} apps "
    );
    // When the oldest figure shown was read, or that some are still being read.
    let in_scope: Vec<_> = rows::accounts(state)
        .filter_map(|a| s.reads.get(&a.id))
        .collect();
    if in_scope.iter().any(|r| r.loading) {
        title.push_str("· reading… ");
    } else if let Some(at) = in_scope.iter().filter_map(|r| r.read_at).min() {
        title.push_str(&format!("· read {} ", text::hhmm(at)));
    }
    let inner = frame(state, buf, area, title, Pane::Accounts);
    if inner.is_empty() {
        return;
    }
    // The notes the NOTE column cuts, whole, at the bottom of the pane.
    let notes_h = u16::try_from(notes.len())
        .unwrap_or(u16::MAX)
        .min(inner.height.saturating_sub(2));
    let notes_area = Rect::new(inner.x, inner.bottom() - notes_h, inner.width, notes_h);
    for ((line, style), y) in notes.iter().zip(notes_area.top()..notes_area.bottom()) {
        put(
            buf,
            notes_area,
            inner.x + 1,
            y,
            line,
            inner.width.saturating_sub(2),
            *style,
        );
    }
    let inner = Rect {
        height: inner.height - notes_h,
        ..inner
    };
    let wide = inner.width >= 110;
    let columns = account_columns(wide);
    let note = columns.len() - 1;
    let table = Table::new(&columns, inner);
    table.header(buf, theme.muted, None);
    if summary.is_empty() {
        widgets::table::empty_message(buf, inner, theme, "reading the accounts…");
        return;
    }
    let idle = rows::idle_after(state);
    for (pos, y) in table.rows(s.account_offset, summary.len()) {
        let Some(line) = summary.get(pos) else {
            continue;
        };
        let row = table.line(y);
        match *line {
            SummaryLine::Account(account) => {
                table.text(buf, 0, y, &account.label, theme.text);
                let read = s.reads.get(&account.id);
                let held = read.and_then(|r| r.studio.as_ref());
                let numbers = held.map(|studio| {
                    let c: Counts = rows::counts(studio, state.now, idle);
                    [
                        studio.domains.len(),
                        studio.user_profiles,
                        studio.spaces,
                        studio.live_apps(),
                        c.in_service,
                        c.pending,
                        c.failed,
                        c.idle,
                    ]
                });
                // Greyed: a newer read failed and these are an older one's. A partial read's
                // figures are current; the lists that failed show `?`.
                let stale = read.is_some_and(|r| r.problem.is_some())
                    && held.is_some_and(|h| h.failed.is_empty());
                for i in 0..NUMBERS.len() {
                    let list = LISTS[i.min(3)];
                    let (text_, style) = match numbers {
                        Some(_) if held.is_some_and(|h| !h.knows(list)) => {
                            ("?".to_owned(), theme.warn)
                        }
                        Some(n) => {
                            let style = match i {
                                _ if stale => theme.muted,
                                6 if n[i] > 0 => theme.bad,
                                7 if n[i] > 0 => theme.warn,
                                _ => theme.text,
                            };
                            (n[i].to_string(), style)
                        }
                        None => ("—".to_owned(), theme.muted),
                    };
                    table.text(buf, 1 + i, y, &text_, style);
                }
                let (text_, style) = account_note(state, &account.id);
                table.text(buf, note, y, &text_, style);
            }
            SummaryLine::Domain(account, i) => {
                let Some(d) = state
                    .views
                    .studio
                    .held(&account.id)
                    .and_then(|s| s.domains.get(i))
                else {
                    continue;
                };
                // Under its account, indented: `└ name status auth vpc id`.
                domain_line(theme, buf, row, row.x + LEAD + 1, d, wide);
            }
        }
    }
}

/// What the NOTE column says of an account: reading, why it cannot be read, or nothing
/// worth saying.
fn account_note(state: &State, account_id: &str) -> (String, Style) {
    let theme = &state.theme;
    let Some(read) = state.views.studio.reads.get(account_id) else {
        return (String::new(), theme.muted);
    };
    match (&read.problem, &read.studio, read.read_at) {
        (Some(why), Some(held), _) if !held.failed.is_empty() => (why.clone(), theme.warn),
        (Some(why), Some(_), Some(at)) => (
            format!("as read {}; now: {why}", text::hhmm(at)),
            theme.warn,
        ),
        (Some(why), _, _) => (why.clone(), theme.warn),
        (None, Some(s), _) if s.domains.is_empty() => ("no Studio domain".into(), theme.muted),
        _ if read.loading => ("reading…".into(), theme.muted),
        _ => (String::new(), theme.muted),
    }
}

fn domain_line(theme: &Theme, buf: &mut Buffer, row: Rect, x: u16, d: &StudioDomain, wide: bool) {
    let right = row.right();
    let mut x = put(buf, row, x, row.y, "└ ", 2, theme.muted);
    x = put_trunc(
        buf,
        row,
        x,
        row.y,
        &d.name,
        right.saturating_sub(x).min(24),
        theme.text,
    );
    x = put(
        buf,
        row,
        x + 1,
        row.y,
        &d.status,
        14,
        domain_style(theme, &d.status),
    );
    // Unknown when DescribeDomain failed (every domain has a VPC: CreateDomain needs one).
    let auth = if d.auth_mode.is_empty() {
        "?"
    } else {
        &d.auth_mode
    };
    x = put(buf, row, x + 1, row.y, auth, 4, theme.muted);
    let vpc = d
        .vpc_id
        .as_deref()
        .unwrap_or("VPC ? (DescribeDomain failed)");
    x = put_trunc(
        buf,
        row,
        x + 1,
        row.y,
        vpc,
        right.saturating_sub(x + 1),
        theme.muted,
    );
    if wide {
        put_trunc(
            buf,
            row,
            x + 1,
            row.y,
            &d.id,
            right.saturating_sub(x + 1),
            theme.muted,
        );
    }
}

/// The apps table's columns, in `AppColumn` order, then the note. The domain and the app's
/// name are left out on narrow screens (most apps are called `default`).
fn app_columns(wide: bool) -> [Column<'static>; 9] {
    let w = |col: Column<'static>, wide_w: u16, narrow_w: u16| {
        if !wide && narrow_w == 0 {
            col.hidden()
        } else {
            col.fixed(if wide { wide_w } else { narrow_w })
        }
    };
    [
        w(Column::new("ACCOUNT"), 10, 8),
        w(Column::new("DOMAIN"), 18, 0),
        w(Column::new("OWNER"), 20, 12),
        Column::new("TYPE").fixed(13),
        w(Column::new("APP").cut(Cut::Middle), 30, 0),
        Column::new("STATUS").fixed(9),
        Column::new("INSTANCE").fixed(14),
        Column::new("AGE").fixed(6),
        Column::new("NOTE").rest(1),
    ]
}

const NOTE: usize = 8;
/// The most lines a Failed app's reason takes under the apps table.
const WHY_LINES: usize = 2;

/// Why the selected app failed (DescribeApp's FailureReason, or that it could not be read),
/// wrapped to the apps pane `width` wide, at most `WHY_LINES`: empty unless a Failed app is
/// selected. The table gives up these lines at its bottom.
pub(super) fn why_lines(state: &State, width: u16) -> Vec<String> {
    let inner_w = width.saturating_sub(4);
    if inner_w < 8 {
        return Vec::new();
    }
    let s = &state.views.studio;
    let Some((_, app)) = s.selected().and_then(|r| rows::app(state, r)) else {
        return Vec::new();
    };
    let Some(why) = app.why_failed() else {
        return Vec::new();
    };
    let whole = format!(
        "⚠ {} {} failed: {why}",
        rows::owner_label(&app.owner),
        app.app_type
    );
    let mut lines = text::wrap_words(&whole, inner_w);
    if lines.len() > WHY_LINES {
        lines.truncate(WHY_LINES);
        if let Some(last) = lines.last_mut() {
            // The cut is marked; the whole reason is in `studio --json`.
            while text::width(last).saturating_add(1) > inner_w && last.pop().is_some() {}
            last.push('…');
        }
    }
    lines
}

fn render_apps(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let s = &state.views.studio;
    let idle = rows::idle_after(state);
    let (mut failed, mut idle_n) = (0, 0);
    for r in &s.rows {
        match rows::app(state, r).and_then(|(_, a)| attention(a, state.now, idle)) {
            Some(Attention::Failed) => failed += 1,
            Some(Attention::LongRunning(_)) => idle_n += 1,
            None => {}
        }
    }
    let arrow = if s.descending { "▼" } else { "▲" };
    let mut title = format!(
        " apps {} · {failed} failed · {idle_n} idle > {}h · by {} {arrow} ",
        s.rows.len(),
        state.studio_idle_hours,
        s.sort.name()
    );
    if !s.filter.is_empty() {
        title.push_str(&format!("· /{} ", s.filter));
    }
    let inner = frame(state, buf, area, title, Pane::Apps);
    if inner.is_empty() {
        return;
    }
    // The selected Failed app's reason, whole (up to two lines), under the table.
    let why = why_lines(state, area.width);
    let why_h = u16::try_from(why.len())
        .unwrap_or(0)
        .min(inner.height.saturating_sub(2));
    for (line, y) in why.iter().zip(inner.bottom() - why_h..inner.bottom()) {
        put(
            buf,
            inner,
            inner.x + 1,
            y,
            line,
            inner.width.saturating_sub(2),
            theme.bad,
        );
    }
    let inner = Rect {
        height: inner.height - why_h,
        ..inner
    };
    let columns = app_columns(inner.width >= 140);
    let table = Table::new(&columns, inner);
    table.header(buf, theme.muted, None);
    // The sorted column's header stands out (the title says which way).
    // The sort keys are the columns in order, after the attention mark (not a sort key).
    if let Some(i) = AppColumn::ALL[1..].iter().position(|&c| c == s.sort) {
        table.text(buf, i, inner.y, columns[i].header, theme.title);
    }
    if s.rows.is_empty() {
        let msg = if s.reads.values().any(|r| r.loading) {
            "reading Studio…"
        } else if !s.filter.is_empty() {
            "no app matches the filter"
        } else {
            "no Studio apps in the accounts in scope"
        };
        widgets::table::empty_message(buf, inner, theme, msg);
        return;
    }
    let page = layout::rows(area).saturating_sub(usize::from(why_h)).max(1);
    let offset = s
        .app_offset
        .min(s.app_row)
        .max(s.app_row.saturating_sub(page - 1));
    for (pos, y) in table.rows(offset, s.rows.len()) {
        let Some((studio, app)) = s.rows.get(pos).and_then(|r| rows::app(state, r)) else {
            continue;
        };
        let row = table.line(y);
        if pos == s.app_row {
            widgets::table::mark_selected(buf, row, theme, s.focus == Pane::Apps);
        }
        let gone = app.status == AppStatus::Deleted;
        let plain = if gone { theme.muted } else { theme.text };
        let owner = rows::owner_label(&app.owner);
        let age = app
            .created
            .map_or_else(|| "?".to_owned(), |c| coarse_duration(state.now - c));
        let cells: [(&str, Style); 8] = [
            (state.account_label(&studio.account_id), plain),
            (rows::domain_name(studio, &app.domain_id), theme.muted),
            (&owner, plain),
            (&app.app_type, theme.muted),
            (&app.name, plain),
            (app.status.as_str(), status_style(theme, &app.status)),
            (app.instance_type.as_deref().unwrap_or("—"), plain),
            (&age, theme.muted),
        ];
        for (i, (value, style)) in cells.iter().enumerate() {
            table.text(buf, i, y, value, *style);
        }
        match attention(app, state.now, idle) {
            // The reason where it fits; the selected one's whole under the table.
            Some(Attention::Failed) => match app.why_failed() {
                Some(why) if table.width(NOTE) >= 24 => {
                    table.text(buf, NOTE, y, &format!("⚠ {why}"), theme.bad);
                }
                _ => table.text(buf, NOTE, y, "⚠ failed", theme.bad),
            },
            Some(Attention::LongRunning(_)) => {
                let note = if table.width(NOTE) >= 12 {
                    "⚠ idle spend"
                } else {
                    "⚠ idle"
                };
                table.text(buf, NOTE, y, note, theme.warn);
            }
            None => {}
        }
    }
}
