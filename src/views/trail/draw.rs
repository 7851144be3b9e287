//! The trail screen: the query line (a mistake underlined with what was expected), the
//! progress line (state, elapsed, scanned, price, rows), the results table (only the rows
//! on screen are drawn), and the history or an event's detail.

use super::layout::{self, Panes};
use super::results::{Results, Shown};
use super::state::{Focus, Mode, Phase, Query, TrailState};
use crate::app::state::{Loadable, State};
use crate::sanitize::clean;
use crate::source::trail::price_usd;
use crate::ui::text::{self, bytes, put, put_trunc, thousands};
use crate::ui::widgets::table::{Column, Table};
use crate::ui::widgets::{self, pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let t = &state.views.trail;
    if let Some(Err(why)) = &t.available {
        return render_unconfigured(state, why, buf, area);
    }
    let p: Panes = layout::panes(area);
    render_query(state, buf, p.query);
    render_progress(state, buf, p.progress);
    let wide = !p.side.is_empty();
    match (&t.detail, wide, t.focus) {
        (Some(_), true, _) => {
            render_results(state, buf, p.results);
            render_detail(state, buf, p.side);
        }
        (Some(_), false, _) => render_detail(state, buf, p.results),
        (None, true, _) => {
            render_results(state, buf, p.results);
            render_history(state, buf, p.side);
        }
        (None, false, Focus::History) => render_history(state, buf, p.results),
        (None, false, Focus::Results) => render_results(state, buf, p.results),
    }
}

/// What to set when there is no `[trail]`; the rest of the console works without it.
fn render_unconfigured(state: &State, why: &str, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let inner = pane::render(
        buf,
        area,
        &Line::styled(" trail ", theme.title),
        theme.border,
    );
    let lines = [
        (clean(why).into_owned(), theme.warn),
        (String::new(), theme.text),
        ("Add to config.toml:".into(), theme.text),
        ("  [trail]".into(), theme.muted),
        ("  catalog = \"AwsDataCatalog\"".into(), theme.muted),
        ("  database = \"default\"".into(), theme.muted),
        ("  table = \"cloudtrail_logs\"".into(), theme.muted),
        ("  workgroup = \"primary\"".into(), theme.muted),
        (
            "  output_location = \"s3://my-athena-results/sagewatch/\"".into(),
            theme.muted,
        ),
        ("  partitions = \"timestamp\"".into(), theme.muted),
        ("  reuse_minutes = 15".into(), theme.muted),
        (String::new(), theme.text),
        (
            "docs/aws-setup.md (\"The CloudTrail table\") has its CREATE TABLE.".into(),
            theme.text,
        ),
    ];
    for (i, (line, style)) in lines.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        put_trunc(
            buf,
            inner,
            inner.x + 1,
            y,
            line,
            inner.width.saturating_sub(2),
            *style,
        );
    }
}

fn render_query(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let t = &state.views.trail;
    let label = match t.mode {
        Mode::Filter => "filter ▸ ",
        Mode::Sql => "sql ▸ ",
    };
    let x = put(buf, area, area.x, area.y, label, area.width, theme.focus);
    let room = area.right().saturating_sub(x);
    if t.text.is_empty() {
        let hint =
            "i edits · :trail event:UpdateEndpoint source:sagemaker since:2h · :sql SELECT …";
        put_trunc(buf, area, x, area.y, hint, room, theme.muted);
        return;
    }
    let shown = clean(&t.text);
    // A mistake far to the right scrolls the line so that its token is on screen.
    let skip = match &t.error {
        Some((start, _, _)) => {
            let before = text::width(shown.get(..*start).unwrap_or(""));
            before.saturating_sub(room.saturating_sub(20))
        }
        None => 0,
    };
    let visible: String = skip_cells(&shown, skip);
    put_trunc(buf, area, x, area.y, &visible, room, theme.text);
    if let Some((start, end, message)) = &t.error
        && area.height > 1
    {
        let col = text::width(shown.get(..*start).unwrap_or("")).saturating_sub(skip);
        let len = text::width(shown.get(*start..*end).unwrap_or(" ")).max(1);
        let y = area.y + 1;
        let cx = x.saturating_add(col).min(area.right().saturating_sub(1));
        let carets = "^".repeat(usize::from(len));
        let after = put(
            buf,
            area,
            cx,
            y,
            &carets,
            area.right().saturating_sub(cx),
            theme.bad,
        );
        let msg = format!(" {}", clean(message));
        put_trunc(
            buf,
            area,
            after,
            y,
            &msg,
            area.right().saturating_sub(after),
            theme.bad,
        );
    }
}

fn skip_cells(s: &str, cells: u16) -> String {
    let mut w = 0u16;
    s.chars()
        .skip_while(|c| {
            let cw = text::width(c.encode_utf8(&mut [0; 4]));
            if w + cw <= cells {
                w += cw;
                true
            } else {
                false
            }
        })
        .collect()
}

/// `RUNNING 0:07 · scanned 152.3 MB · $0.00076 · 1,000 rows`.
pub fn progress_text(q: &Query, rows: usize, now: i64) -> String {
    let elapsed = q.elapsed(now);
    let clock = format!("{}:{:02}", elapsed / 60, elapsed % 60);
    let state = match &q.phase {
        Phase::Starting => "STARTING".to_owned(),
        Phase::Running { .. } => q
            .status
            .as_ref()
            .map_or("QUEUED", |s| s.state.as_str())
            .to_owned(),
        Phase::Paging { .. } => "READING RESULTS".to_owned(),
        Phase::Done => "SUCCEEDED".to_owned(),
        Phase::Failed(_) => "FAILED".to_owned(),
        Phase::Cancelled => "CANCELLED".to_owned(),
    };
    let mut parts = vec![format!("{state} {clock}")];
    if let Some(s) = &q.status {
        if s.reused {
            parts.push("reused earlier results: nothing scanned".into());
        } else if matches!(q.phase, Phase::Failed(_)) {
            // Athena bills no failed query.
            parts.push(format!("scanned {} · not billed", bytes(s.scanned_bytes)));
        } else {
            parts.push(format!("scanned {}", bytes(s.scanned_bytes)));
            parts.push(format!("${:.5}", price_usd(s.scanned_bytes)));
        }
    }
    let reached = q.limit.is_some_and(|l| rows as u64 >= l);
    if reached && q.phase == Phase::Done {
        // More may match: what is shown is the newest up to the LIMIT, not everything.
        parts.push(match q.mode {
            Mode::Filter => format!(
                "{} rows: the limit; narrow the search or raise [trail] limit",
                thousands(rows)
            ),
            Mode::Sql => format!(
                "{} rows: the LIMIT; narrow the search or raise it",
                thousands(rows)
            ),
        });
    } else if rows > 0 || matches!(q.phase, Phase::Done | Phase::Paging { .. }) {
        parts.push(format!("{} rows", thousands(rows)));
    }
    if let Phase::Failed(reason) = &q.phase {
        parts.push(clean(reason).into_owned());
    }
    parts.join(" · ")
}

fn render_progress(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let t = &state.views.trail;
    if let Some((endpoint, _)) = &t.reading_makeup {
        let msg = format!(
            "reading {}'s config and models (DescribeEndpoint, DescribeEndpointConfig)…",
            clean(&endpoint.name)
        );
        put_trunc(
            buf,
            area,
            area.x,
            area.y,
            &msg,
            area.width,
            theme.insufficient,
        );
        return;
    }
    let Some(q) = &t.query else {
        let source = match state.source_kind {
            crate::source::SourceKind::Demo => "the demo organisation's synthetic CloudTrail",
            crate::source::SourceKind::Aws => "Athena",
        };
        let msg = format!("no query yet: searches {source}");
        put_trunc(buf, area, area.x, area.y, &msg, area.width, theme.muted);
        return;
    };
    let style = match q.phase {
        Phase::Failed(_) => theme.bad,
        Phase::Cancelled => theme.warn,
        Phase::Done => theme.ok,
        _ => theme.insufficient,
    };
    let text = progress_text(q, t.results.len(), state.now);
    put_trunc(buf, area, area.x, area.y, &text, area.width, style);
}

fn frame(state: &State, buf: &mut Buffer, area: Rect, title: String, focused: bool) -> Rect {
    let theme = &state.theme;
    pane::render(
        buf,
        area,
        &Line::styled(title, if focused { theme.focus } else { theme.title }),
        if focused { theme.focus } else { theme.border },
    )
}

/// How an event cell reads in the table: times without the date's year, principals by
/// their last two path parts (`ml-deployer/alice`: the role and the session that names who),
/// sources without `.amazonaws.com`, accounts by label.
fn shown_cell<'a>(
    state: &'a State,
    what: Option<Shown>,
    cell: &'a str,
) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    match what {
        Some(Shown::Time) => Cow::Owned(cell.get(5..19).unwrap_or(cell).replacen('T', " ", 1)),
        Some(Shown::Account) => Cow::Borrowed(state.account_label(cell)),
        Some(Shown::Principal) => Cow::Borrowed(crate::trail::principal_short(cell)),
        Some(Shown::Source) => Cow::Borrowed(cell.strip_suffix(".amazonaws.com").unwrap_or(cell)),
        _ => Cow::Borrowed(cell),
    }
}

/// The table's columns: for each, the result column it shows and what it is. `needed` is
/// the width a column's cells on screen take (its header's at least).
///
/// Events show in a fixed order: first the columns that identify a row (time, principal,
/// event, account, error) as wide as their cells need, then source, region and address
/// only where the rest leaves room for them whole; on a narrow terminal the principal keeps
/// its end (the session: who) and the least useful columns drop first. Other results show
/// every column as wide as its cells (from its header), dropped from the right, the last
/// taking what is left: a lone column takes the width.
fn columns<'a>(
    res: &Results,
    titles: &'a [String],
    needed: &dyn Fn(usize, Option<Shown>) -> u16,
    width: u16,
) -> Vec<(usize, Option<Shown>, Column<'a>)> {
    use crate::ui::widgets::table::{Cut, GAP, LEAD};
    if res.is_events() {
        let spec = |what: Shown, n: u16| -> Column<'static> {
            let c = Column::new(what.title());
            match what {
                Shown::Time => c.fixed(14).priority(1),
                // Always shown; widens after the event.
                Shown::Principal => c
                    .width(16, n.clamp(16, 48))
                    .priority(0)
                    .widen(3)
                    .cut(Cut::KeepSuffix),
                Shown::Event => c.width(n.clamp(5, 20), n.clamp(5, 40)).priority(2).widen(1),
                Shown::Account => c.width(n.clamp(7, 10), n.clamp(7, 14)).priority(3),
                Shown::Error => c.width(n.clamp(5, 14), n.clamp(5, 24)).priority(4),
                Shown::Source => c.fixed(n.clamp(6, 16)).priority(5),
                Shown::Region => c.fixed(n.clamp(6, 14)).priority(6),
                Shown::SourceIp => c.fixed(n.clamp(9, 39)).priority(7),
            }
        };
        let shown: Vec<(usize, Shown, Column<'static>)> = Shown::ALL
            .iter()
            .filter_map(|&what| {
                let col = res.column_of(what)?;
                Some((col, what, spec(what, needed(col, Some(what)))))
            })
            .collect();
        // What the identifying columns want whole (the principal its role and session, up
        // to 24 cells): source, region and address come only after, each if it fits whole.
        let optional = |w: Shown| matches!(w, Shown::Source | Shown::Region | Shown::SourceIp);
        let mut used = LEAD;
        for (_, what, c) in &shown {
            if !optional(*what) {
                let want = if *what == Shown::Principal {
                    c.max.min(24)
                } else {
                    c.max
                };
                used = used.saturating_add(want + GAP);
            }
        }
        return shown
            .into_iter()
            .map(|(col, what, c)| {
                let c = if optional(what) {
                    if used.saturating_add(c.max + GAP) <= width {
                        used += c.max + GAP;
                        c
                    } else {
                        c.hidden()
                    }
                } else {
                    c
                };
                (col, Some(what), c)
            })
            .collect();
    }
    let last = res.columns.len().saturating_sub(1);
    res.columns
        .iter()
        .zip(titles)
        .enumerate()
        .map(|(i, (_, title))| {
            let head = text::width(title).max(1);
            let n = needed(i, None).max(head);
            let rank = u8::try_from(i).unwrap_or(u8::MAX);
            let c = Column::new(title)
                .width(n.min(head.max(8)), n.min(80))
                .priority(rank);
            (i, None, if i == last { c.fill() } else { c })
        })
        .collect()
}

fn render_results(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let t = &state.views.trail;
    let res = &t.results;
    let filtered = if res.filter().is_empty() {
        String::new()
    } else {
        format!(" /{} {}", clean(res.filter()), thousands(res.visible_len()))
    };
    let dropped = if res.dropped > 0 {
        format!(" ({} more not kept)", thousands(res.dropped))
    } else {
        String::new()
    };
    let what = if res.is_events() || res.is_empty() {
        "events"
    } else {
        "rows"
    };
    let title = format!(" {what} {}{filtered}{dropped} ", thousands(res.len()));
    let focused = t.focus == Focus::Results && t.detail.is_none();
    let inner = frame(state, buf, area, title, focused);
    if inner.is_empty() {
        return;
    }
    // Headers of a query's own columns, as Athena named them.
    let titles: Vec<String> = if res.is_events() {
        Vec::new()
    } else {
        res.columns.iter().map(|c| c.to_uppercase()).collect()
    };
    let page = usize::from(inner.height.saturating_sub(1)).max(1);
    // The offset `update` keeps, corrected if the terminal changed since.
    let offset = if t.row < t.offset || t.row >= t.offset + page {
        t.row.saturating_sub(page - 1)
    } else {
        t.offset
    };
    // The width each column's cells on screen take, as they are drawn.
    let on_screen = offset..(offset + page).min(res.visible_len());
    let needed = |col: usize, what: Option<Shown>| -> u16 {
        let head = what.map_or_else(
            || titles.get(col).map_or(1, |t| text::width(t)),
            |w| text::width(w.title()),
        );
        on_screen
            .clone()
            .filter_map(|pos| res.visible(pos)?.cell(col))
            .map(|c| text::width(&clean(&shown_cell(state, what, c))))
            .fold(head, u16::max)
    };
    let cols = columns(res, &titles, &needed, inner.width);
    let specs: Vec<Column<'_>> = cols.iter().map(|(_, _, c)| *c).collect();
    let table = Table::new(&specs, inner);
    table.header(buf, theme.muted, None);
    // The column `y` copies, as a column of the result.
    let cursor = super::update::visible_columns(state).get(t.column).copied();
    if let Some(i) = cols.iter().position(|(col, _, _)| Some(*col) == cursor) {
        let style = theme.header.add_modifier(Modifier::UNDERLINED);
        table.text(buf, i, inner.y, specs[i].header, style);
    }
    if res.visible_len() == 0 {
        let msg = empty_message(t);
        widgets::table::empty_message(buf, inner, theme, &msg);
        return;
    }
    for (pos, y) in table.rows(offset, res.visible_len()) {
        let Some(row) = res.visible(pos) else {
            continue;
        };
        let line = table.line(y);
        let selected = pos == t.row;
        if selected {
            widgets::table::mark_selected(buf, line, theme, focused);
        }
        // A failed call shows in its event's colour when the error column does not fit.
        let failed = !cols
            .iter()
            .enumerate()
            .any(|(i, (_, w, _))| *w == Some(Shown::Error) && table.shown(i))
            && res
                .column_of(Shown::Error)
                .and_then(|c| row.cell(c))
                .is_some();
        for (i, (col, what, _)) in cols.iter().enumerate() {
            if !table.shown(i) {
                continue;
            }
            let cell = row.cell(*col);
            let style = match (failed, what) {
                (true, Some(Shown::Event)) if !selected => state.theme.bad,
                _ => cell_style(state, *what, cell, selected),
            };
            let text = match cell {
                Some(c) => shown_cell(state, *what, c),
                None => std::borrow::Cow::Borrowed("-"),
            };
            let style = if selected && Some(*col) == cursor && focused {
                style.add_modifier(Modifier::UNDERLINED)
            } else {
                style
            };
            table.text(buf, i, y, &text, style);
        }
    }
}

fn cell_style(state: &State, what: Option<Shown>, cell: Option<&str>, selected: bool) -> Style {
    let theme = &state.theme;
    if selected {
        return theme.selection;
    }
    match (what, cell) {
        (_, None) => theme.muted,
        (Some(Shown::Error), Some(_)) => theme.bad,
        (Some(Shown::Event), Some(e)) if !is_read(e) => theme.warn,
        _ => theme.text,
    }
}

/// Reads by name: the table shows writes (what changed) in another colour.
fn is_read(event: &str) -> bool {
    [
        "Describe", "List", "Get", "Head", "Lookup", "Search", "BatchGet",
    ]
    .iter()
    .any(|p| event.starts_with(p))
}

fn empty_message(t: &TrailState) -> String {
    match &t.query {
        None => "type i to write a filter, or :trail FILTER".into(),
        Some(q) => match &q.phase {
            Phase::Failed(r) => format!("failed: {}", clean(r)),
            Phase::Cancelled => "cancelled".into(),
            Phase::Done if !t.results.is_empty() => "no row matches the / filter".into(),
            Phase::Done => "no event matches".into(),
            _ => "searching…".into(),
        },
    }
}

fn render_history(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let t = &state.views.trail;
    let focused = t.focus == Focus::History;
    let title = format!(" history {} ", t.history.len());
    let inner = frame(state, buf, area, title, focused);
    if inner.is_empty() {
        return;
    }
    let columns = [
        Column::new("WHEN").fixed(11),
        Column::new("").fixed(1),
        Column::new("ROWS").fixed(7).right(),
        Column::new("COST").fixed(8).right(),
        Column::new("QUERY").rest(1).gap(2),
    ];
    const WHEN: usize = 0;
    const MARK: usize = 1;
    const ROWS: usize = 2;
    const COST: usize = 3;
    const QUERY: usize = 4;
    let table = Table::new(&columns, inner);
    table.header(buf, theme.muted, None);
    if t.history.is_empty() {
        widgets::table::empty_message(
            buf,
            inner,
            theme,
            "queries run are kept here (Tab, Enter runs again)",
        );
        return;
    }
    let page = usize::from(inner.height.saturating_sub(1)).max(1);
    let offset = t.history_row.saturating_sub(page - 1);
    for (pos, y) in table.rows(offset, t.history.len()) {
        let Some(h) = t.history.get(pos) else {
            continue;
        };
        if pos == t.history_row {
            widgets::table::mark_selected(buf, table.line(y), theme, focused);
        }
        let mark = match h.state {
            crate::source::trail::QueryState::Succeeded => " ",
            crate::source::trail::QueryState::Cancelled => "⊘",
            _ => "✗",
        };
        let style = if pos == t.history_row {
            theme.selection
        } else {
            theme.text
        };
        let when = chrono::DateTime::from_timestamp(h.started, 0)
            .map(|t| t.format("%m-%d %H:%M").to_string())
            .unwrap_or_default();
        table.text(buf, WHEN, y, &when, style);
        table.text(buf, MARK, y, mark, style);
        table.text(buf, ROWS, y, &thousands(h.rows as usize), style);
        table.text(buf, COST, y, &format!("${:.4}", h.cost_usd()), style);
        let prefix = if h.raw { "sql " } else { "" };
        table.text(buf, QUERY, y, &format!("{prefix}{}", clean(&h.text)), style);
    }
}

fn render_detail(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let Some(d) = &state.views.trail.detail else {
        return;
    };
    let title = format!(" event {} ", clean(&d.event_id));
    let inner = frame(state, buf, area, title, true);
    if inner.is_empty() {
        return;
    }
    let room = inner.width.saturating_sub(2).max(1);
    let lines = detail_wrapped(state, d, room);
    let height = usize::from(inner.height);
    let skip = d.scroll.min(lines.len().saturating_sub(height));
    for (i, (line, style)) in lines.iter().skip(skip).take(height).enumerate() {
        let y = inner.y + i as u16;
        put_trunc(buf, inner, inner.x + 1, y, line, room, *style);
    }
    // More above or below: said on the frame, where it takes no line.
    let below = lines.len().saturating_sub(skip + height);
    let mark = match (skip > 0, below > 0) {
        (true, true) => format!(" ↑{skip} ↓{below} "),
        (true, false) => format!(" ↑{skip} "),
        (false, true) => format!(" ↓{below} "),
        (false, false) => String::new(),
    };
    if !mark.is_empty() && area.height > 1 {
        let w = text::width(&mark);
        let x = area.right().saturating_sub(w + 2).max(area.x);
        put(buf, area, x, area.bottom() - 1, &mark, w, theme.muted);
    }
}

/// The detail's lines as drawn in `room` cells: long values (an error message, an ARN, a
/// policy) wrap, nothing is cut; `j`/`k` scroll.
fn detail_wrapped(state: &State, d: &super::state::Detail, room: u16) -> Vec<(String, Style)> {
    let theme = &state.theme;
    let lines: Vec<(String, Style)> = match &d.fields {
        Loadable::Loaded(fields) if fields.is_empty() => {
            vec![(
                "Athena found no event with this id on its day".into(),
                theme.warn,
            )]
        }
        Loadable::Loaded(fields) => detail_lines(fields)
            .into_iter()
            .map(|(l, heading)| (l, if heading { theme.header } else { theme.text }))
            .collect(),
        Loadable::Failed(why) => vec![(format!("failed: {}", clean(why)), theme.bad)],
        _ => {
            let progress = d
                .query
                .as_ref()
                .map_or(String::new(), |q| progress_text(q, 0, state.now));
            vec![(format!("reading the event… {progress}"), theme.insufficient)]
        }
    };
    lines
        .iter()
        .flat_map(|(line, style)| wrap(line, room).into_iter().map(|l| (l, *style)))
        .collect()
}

/// The furthest the detail scrolls at the terminal's size: its last line at the bottom.
pub fn detail_max_scroll(state: &State) -> usize {
    let Some(d) = &state.views.trail.detail else {
        return 0;
    };
    let p = layout::panes(crate::layout::body(state.size));
    let area = if p.side.is_empty() { p.results } else { p.side };
    // Inside its frame, a cell of margin each side.
    let (w, h) = (area.width.saturating_sub(2), area.height.saturating_sub(2));
    let room = w.saturating_sub(2).max(1);
    detail_wrapped(state, d, room)
        .len()
        .saturating_sub(usize::from(h))
}

/// `line` in pieces of at most `width` cells, broken after a space where one is near the
/// end, else anywhere; the pieces after the first are indented under the value (two cells
/// past the line's own indent), so wrapped JSON still reads as its nesting.
fn wrap(line: &str, width: u16) -> Vec<String> {
    if text::width(line) <= width {
        return vec![line.to_owned()];
    }
    let indent = line.len() - line.trim_start_matches(' ').len() + 2;
    let indent = indent.min(usize::from(width / 3));
    let mut out = Vec::new();
    let mut rest: &str = line;
    let mut first = true;
    while !rest.is_empty() {
        let lead = if first { 0 } else { indent };
        let room = width.saturating_sub(lead as u16).max(1);
        // The longest prefix of `rest` within `room` cells.
        let mut cells = 0u16;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            let cw = text::width(c.encode_utf8(&mut [0; 4]));
            if cells + cw > room {
                end = i;
                break;
            }
            cells += cw;
        }
        if end == 0 {
            // A character wider than the room: taken alone.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        // Prefer a break after a space in the last third of the piece.
        if end < rest.len()
            && let Some(space) = rest[..end]
                .rfind(' ')
                .filter(|&i| i + 1 >= end * 2 / 3 && i > 0)
        {
            end = space + 1;
        }
        let piece = rest[..end].trim_end_matches(' ');
        out.push(format!("{}{piece}", " ".repeat(lead)));
        rest = rest[end..].trim_start_matches(' ');
        first = false;
    }
    out
}

/// The detail's lines: who, then `useridentity`, `requestparameters` and
/// `responseelements` as indented JSON. Every line is cleaned: JSON escapes decoded by the
/// pretty-printer are re-escaped by it, and what is left (bidi marks) is replaced.
pub fn detail_lines(fields: &[(String, Option<String>)]) -> Vec<(String, bool)> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    };
    let mut out: Vec<(String, bool)> = Vec::new();
    for (label, name) in [
        ("time", "eventtime"),
        ("principal", "principal_arn"),
        ("source identity", "source_identity"),
        ("user agent", "useragent"),
        ("read-only", "readonly"),
        ("error", "errormessage"),
    ] {
        if let Some(v) = get(name) {
            out.push((format!("{label}: {}", clean(v)), false));
        }
    }
    let identity: serde_json::Map<String, serde_json::Value> = [
        ("type", "identity_type"),
        ("principalId", "principal_id"),
        ("arn", "principal_arn"),
        ("accountId", "identity_account"),
        ("invokedBy", "invoked_by"),
        ("userName", "user_name"),
        ("sourceIdentity", "source_identity"),
    ]
    .iter()
    .filter_map(|(key, name)| Some(((*key).to_owned(), serde_json::Value::from(get(name)?))))
    .collect();
    out.push((String::new(), false));
    out.push(("useridentity".into(), true));
    push_json(&mut out, &serde_json::Value::Object(identity).to_string());
    for name in ["requestparameters", "responseelements"] {
        out.push((String::new(), false));
        out.push((name.into(), true));
        match get(name) {
            Some(v) => push_json(&mut out, v),
            None => out.push(("  null".into(), false)),
        }
    }
    out
}

fn push_json(out: &mut Vec<(String, bool)>, raw: &str) {
    let pretty = serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        // Not JSON: shown as it came.
        .unwrap_or_else(|| raw.to_owned());
    for line in pretty.lines() {
        out.push((format!("  {}", clean(line)), false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_json_is_pretty_and_clean() {
        let fields = vec![
            (
                "principal_arn".to_owned(),
                Some("arn:aws:sts::1:assumed-role/r/alice".to_owned()),
            ),
            (
                "requestparameters".to_owned(),
                Some(r#"{"endpointName":"fraud\u001b[2J-detector\u202e"}"#.to_owned()),
            ),
            ("responseelements".to_owned(), None),
        ];
        let lines = detail_lines(&fields);
        let all: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
        assert!(
            all.iter().any(|l| l.contains("\"endpointName\"")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|l| l.contains("\"arn\": \"arn:aws:sts::1:assumed-role/r/alice\"")),
            "{all:?}"
        );
        for l in &all {
            assert!(!l.chars().any(crate::sanitize::needs_replacing), "{l:?}");
        }
    }
}
