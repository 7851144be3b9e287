//! What the trail view does with keys and its `:` commands: a filter or SQL becomes a query,
//! the cursor moves through rows or the history, Enter opens an event's detail or re-runs a
//! past query, `y` copies a cell, `:export` writes the rows to a file.

use super::layout;
use super::query;
use super::results::Shown;
use super::state::{Focus, Mode};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::overlays::{self, Overlay, confirm::Confirm};
use crate::source::trail::Search;
use crate::trail::raw::RawCheck;
use crate::trail::{filter, sql};
use crate::views::cursor::{self, keep_visible, step};
use crate::views::{View, ViewModule};

pub fn update(state: &mut State, action: Action) -> Outcome {
    let page = layout::table_rows(crate::layout::body(state.size));
    if let Some(delta) = cursor::delta(&action, page.max(1)) {
        return move_cursor(state, delta, page);
    }
    match action {
        Action::FocusNext => {
            let t = &mut state.views.trail;
            t.focus = match t.focus {
                Focus::Results => Focus::History,
                Focus::History => Focus::Results,
            };
            Outcome::redraw()
        }
        Action::Select => select(state),
        Action::Back => back(state),
        Action::EditQuery => edit(state),
        Action::CancelQuery => query::cancel(state),
        Action::ColumnLeft | Action::ColumnRight => {
            let n = visible_columns(state).len();
            let t = &mut state.views.trail;
            let d = if action == Action::ColumnLeft { -1 } else { 1 };
            t.column = step(t.column, d, n);
            Outcome::redraw()
        }
        Action::CopyCell => copy(state),
        _ => Outcome::default(),
    }
}

fn move_cursor(state: &mut State, delta: isize, page: usize) -> Outcome {
    // The detail scrolls no further than its last line (wrapped as drawn), so the way
    // back up starts at once.
    let max = super::draw::detail_max_scroll(state);
    let t = &mut state.views.trail;
    if let Some(d) = t.detail.as_mut() {
        d.scroll = d.scroll.min(max).saturating_add_signed(delta).min(max);
        return Outcome::redraw();
    }
    match t.focus {
        Focus::Results => {
            t.row = step(t.row, delta, t.results.visible_len());
            keep_visible(t.row, &mut t.offset, page.max(1));
        }
        Focus::History => t.history_row = step(t.history_row, delta, t.history.len()),
    }
    Outcome::redraw()
}

/// `4`, `t` and `:trail` without a filter: the view, with what it last showed.
pub fn show(state: &mut State) -> Outcome {
    if state.view != View::Trail {
        state.views.trail.came_from = state.view;
    }
    crate::app::navigate::show(state, View::Trail)
}

/// `Esc` peels one layer, as in every view: the event's detail, then the row filter, then
/// the view.
fn back(state: &mut State) -> Outcome {
    if state.views.trail.detail.is_some() {
        return Outcome::with(query::close_detail(state));
    }
    if !state.views.trail.results.filter().is_empty() {
        super::Trail.set_filter(state, "");
        return Outcome::redraw();
    }
    let to = match state.views.trail.came_from {
        View::Trail => View::Fleet,
        v => v,
    };
    crate::app::navigate::show(state, to)
}

/// `i`: the command line, holding the query to edit.
fn edit(state: &mut State) -> Outcome {
    let t = &state.views.trail;
    let word = match t.mode {
        Mode::Filter => "trail",
        Mode::Sql => "sql",
    };
    let text = format!("{word} {}", t.text);
    crate::app::prompt::open_command_with(state, &text)
}

/// Resolves the filter's account labels to ids; an unknown one is an error at its token.
fn account_ids(
    state: &State,
    text: &str,
    f: &filter::Filter,
) -> Result<Vec<String>, (usize, usize, String)> {
    let mut ids = Vec::new();
    for typed in &f.accounts {
        let found = state
            .accounts
            .iter()
            .find(|a| a.id == *typed || a.label.eq_ignore_ascii_case(typed));
        match found {
            Some(a) => ids.push(a.id.clone()),
            None if typed.len() == 12 && typed.bytes().all(|b| b.is_ascii_digit()) => {
                ids.push(typed.clone())
            }
            None => {
                let (start, end) = value_span(text, "account", typed);
                let labels: Vec<&str> = state.accounts.iter().map(|a| a.label.as_str()).collect();
                return Err((
                    start,
                    end,
                    format!(
                        "account {}: expected an account id or one of the labels {}",
                        crate::sanitize::clean(typed),
                        labels.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(ids)
}

/// Where `value` of `key:` is in `text`: inside the `key:` word that holds it (not in
/// another key's word: `user:prod account:prod`), else that key's first word, else all.
fn value_span(text: &str, key: &str, value: &str) -> (usize, usize) {
    let prefix = format!("{key}:");
    let mut words = Vec::new();
    let mut from = 0;
    while let Some(k) = text[from..].find(&prefix) {
        let at = from + k;
        let start = at + prefix.len();
        let end = text[start..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| start + e);
        // A word starts here only at the beginning or after a space.
        if text[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace)
        {
            words.push((start, end));
        }
        from = end.max(at + 1);
    }
    for &(start, end) in &words {
        if let Some(v) = text[start..end].find(value) {
            return (start + v, start + v + value.len());
        }
    }
    words.first().copied().unwrap_or((0, text.len()))
}

/// Runs a filter: parsed, its accounts resolved, made into one pruned SELECT; a range wider
/// than `max_range_days` asks first.
pub fn search(state: &mut State, text: &str) -> Outcome {
    search_with(state, text, Range::AsksWhenWide)
}

/// A filter whose wide range was confirmed: run as it is.
/// What `Action::Confirmed` hands back to the trail: raw SQL run despite its warning, or a
/// search wider than `max_range_days`.
pub const CONFIRMED_SQL: &str = "sql";
pub const CONFIRMED_SEARCH: &str = "search";

/// A request the trail asked to confirm, confirmed.
pub fn confirmed(state: &mut State, what: &str, text: String) -> Outcome {
    match what {
        CONFIRMED_SQL => run_raw(state, text),
        CONFIRMED_SEARCH => search_confirmed(state, &text),
        other => {
            tracing::error!(what = other, "not a confirmation the trail asked for");
            Outcome::default()
        }
    }
}

fn search_confirmed(state: &mut State, text: &str) -> Outcome {
    search_with(state, text, Range::Confirmed)
}

/// Whether a search over more than `max_range_days` still needs to be confirmed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Range {
    AsksWhenWide,
    Confirmed,
}

fn search_with(state: &mut State, text: &str, range: Range) -> Outcome {
    let Some(settings) = state.views.trail.settings().cloned() else {
        return not_configured(state);
    };
    let text = text.trim();
    let parsed = filter::parse(text).map_err(|e| (e.start, e.end, e.message));
    let resolved = parsed.and_then(|f| account_ids(state, text, &f).map(|ids| (f, ids)));
    let (f, accounts) = match resolved {
        Ok(ok) => ok,
        Err((start, end, message)) => {
            let t = &mut state.views.trail;
            t.text = text.to_owned();
            t.mode = Mode::Filter;
            t.error = Some((start, end, crate::sanitize::clean(&message).into_owned()));
            flash(state, format!("filter: {message}"), FlashLevel::Error);
            return Outcome::redraw();
        }
    };
    let now = state.now;
    let (from, to) = f.range(now);
    if from > to {
        state.views.trail.error = Some((0, text.len(), "since is after until".into()));
        flash(state, "filter: since: is after until:", FlashLevel::Error);
        return Outcome::redraw();
    }
    if range == Range::AsksWhenWide
        && let Some(why) = crate::trail::range::filter_excess(from, to, settings.max_range_days)
    {
        let c = Confirm::new(
            &wide_title(settings.max_range_days),
            dialog_lines(&why, text),
            Action::Confirmed {
                view: View::Trail,
                what: CONFIRMED_SEARCH,
                text: text.to_owned(),
            },
        );
        overlays::open(state, Overlay::Confirm(c));
        return Outcome::redraw();
    }
    let table = settings.table();
    let statement = sql::select(&table, &f, &accounts, from, to);
    let search = Search::Filter {
        filter: Box::new(f),
        accounts,
        from,
        to,
        limit: table.limit,
    };
    query::start_search(state, text.to_owned(), Mode::Filter, statement, search)
}

/// A confirmation's lines: why it asks, cut into lines that fit an 80-column terminal
/// (a dialog does not wrap), then what would run.
fn dialog_lines(why: &str, query: &str) -> Vec<String> {
    const WIDTH: usize = 72;
    let mut lines: Vec<String> = vec![String::new()];
    for word in why.split_whitespace() {
        let last = lines
            .last_mut()
            .filter(|l| l.is_empty() || l.chars().count() + 1 + word.chars().count() <= WIDTH);
        match last {
            Some(l) => {
                if !l.is_empty() {
                    l.push(' ');
                }
                l.push_str(word);
            }
            None => lines.push(word.to_owned()),
        }
    }
    lines.push(String::new());
    lines.extend(query.lines().map(str::to_owned));
    lines
}

/// What a confirmation of a search over more than `max_days` is titled.
fn wide_title(max_days: u32) -> String {
    format!("Search more than {max_days} days of the trail?")
}

/// `:sql`: raw SQL, checked for a partition predicate at both ends and for the days it
/// reads; without one, or over more than `max_range_days`, a confirmation first.
pub fn raw(state: &mut State, text: &str) -> Outcome {
    let Some(settings) = state.views.trail.settings().cloned() else {
        return not_configured(state);
    };
    let text = text.trim().to_owned();
    let check = crate::trail::raw::check(&text);
    if let RawCheck::Refused { reason } = &check {
        let t = &mut state.views.trail;
        t.text = text;
        t.mode = Mode::Sql;
        t.error = Some((0, t.text.len(), reason.clone()));
        flash(state, format!("sql: {reason}"), FlashLevel::Error);
        return Outcome::redraw();
    }
    let Some(why) = crate::trail::range::sql_confirmation(&check, &text, settings.max_range_days)
    else {
        return run_raw(state, text);
    };
    if state.readonly && matches!(check, RawCheck::Unchecked { .. }) {
        // Read-only runs only SQL proven to be a read (the AWS client refuses the rest too).
        let reason = "read-only: this SQL cannot be checked to be a read, so it is not sent";
        state.views.trail.error = Some((0, text.len(), reason.into()));
        state.views.trail.text = text;
        state.views.trail.mode = Mode::Sql;
        flash(state, reason, FlashLevel::Error);
        return Outcome::redraw();
    }
    let title = if check.needs_confirmation() {
        "Run this SQL? It may scan the whole trail".to_owned()
    } else {
        wide_title(settings.max_range_days)
    };
    let lines = dialog_lines(&why, &text);
    let confirmed = Action::Confirmed {
        view: View::Trail,
        what: CONFIRMED_SQL,
        text,
    };
    let c = Confirm::new(&title, lines, confirmed);
    overlays::open(state, Overlay::Confirm(c));
    Outcome::redraw()
}

/// Raw SQL, checked (or confirmed): sent as written.
fn run_raw(state: &mut State, text: String) -> Outcome {
    if state.views.trail.settings().is_none() {
        return not_configured(state);
    }
    if state.view != View::Trail {
        state.views.trail.came_from = state.view;
        state.view = View::Trail;
    }
    query::start_search(state, text.clone(), Mode::Sql, text, Search::Raw)
}

fn not_configured(state: &mut State) -> Outcome {
    let why = match &state.views.trail.available {
        Some(Err(why)) => why.clone(),
        _ => "CloudTrail search is not available".into(),
    };
    flash(state, why, FlashLevel::Error);
    Outcome::redraw()
}

/// Enter: an event's detail, or a past query run again.
fn select(state: &mut State) -> Outcome {
    let t = &state.views.trail;
    match t.focus {
        Focus::History => {
            let Some(item) = t.history.get(t.history_row).cloned() else {
                return Outcome::default();
            };
            state.views.trail.focus = Focus::Results;
            if item.raw {
                raw(state, &item.text)
            } else {
                search(state, &item.text)
            }
        }
        Focus::Results => open_detail(state),
    }
}

fn open_detail(state: &mut State) -> Outcome {
    let t = &state.views.trail;
    let res = &t.results;
    let (Some(id_col), Some(time_col)) =
        (res.column_named(&["eventid"]), res.column_of(Shown::Time))
    else {
        flash(
            state,
            "these rows have no eventid and eventtime: no detail",
            FlashLevel::Info,
        );
        return Outcome::redraw();
    };
    let Some(row) = res.visible(t.row) else {
        return Outcome::default();
    };
    let (Some(id), Some(time)) = (row.cell(id_col), row.cell(time_col)) else {
        return Outcome::default();
    };
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(time) else {
        flash(
            state,
            format!("eventtime {time:?} is not a time"),
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    let Some(settings) = t.settings() else {
        return not_configured(state);
    };
    let recorded = sql::Recorded {
        account: res.column_of(Shown::Account).and_then(|c| row.cell(c)),
        region: res.column_of(Shown::Region).and_then(|c| row.cell(c)),
    };
    let statement = sql::event_detail(&settings.table(), id, at.timestamp(), recorded);
    let id = id.to_owned();
    query::start_detail(state, id, statement, at.timestamp())
}

/// The columns on screen, in order: the event table's, or the result's own.
/// The detail of one event, by id, from elsewhere (a tape line): the trail view, reading it.
pub fn open_event(state: &mut State, event_id: &str, at: i64) -> Outcome {
    let Some(settings) = state.views.trail.settings() else {
        return not_configured(state);
    };
    let recorded = sql::Recorded {
        account: None,
        region: None,
    };
    let statement = sql::event_detail(&settings.table(), event_id, at, recorded);
    let out = show(state);
    out.and(query::start_detail(
        state,
        event_id.to_owned(),
        statement,
        at,
    ))
}

pub fn visible_columns(state: &State) -> Vec<usize> {
    let res = &state.views.trail.results;
    if res.is_events() {
        Shown::ALL
            .iter()
            .filter_map(|s| res.column_of(*s))
            .collect()
    } else {
        (0..res.columns.len()).collect()
    }
}

/// `y`: the selected cell to the local clipboard (OSC 52: works over SSH).
fn copy(state: &mut State) -> Outcome {
    let cols = visible_columns(state);
    let t = &state.views.trail;
    let cell = cols
        .get(t.column)
        .and_then(|c| t.results.visible(t.row)?.cell(*c).map(str::to_owned));
    match cell {
        Some(text) => {
            let shown: String = text.chars().take(40).collect();
            flash(state, format!("copied {shown}"), FlashLevel::Info);
            Outcome::with(vec![Command::Clipboard(text)])
        }
        None => {
            flash(state, "nothing to copy here", FlashLevel::Info);
            Outcome::redraw()
        }
    }
}

/// `:export csv|jsonl [PATH]`.
fn export(state: &mut State, arg: &str) -> Outcome {
    let words = match crate::typed_path::words(arg) {
        Ok(w) => w,
        Err(why) => return export_refused(state, why),
    };
    let format = match words.first().map(String::as_str) {
        Some("csv") => crate::app::command::ExportFormat::Csv,
        Some("jsonl") | Some("json") => crate::app::command::ExportFormat::JsonLines,
        other => {
            let got = other.map_or(String::from("nothing"), |w| format!("{w:?}"));
            flash(
                state,
                format!(":export expected csv or jsonl, got {got}"),
                FlashLevel::Error,
            );
            return Outcome::redraw();
        }
    };
    if state.views.trail.results.is_empty() {
        flash(state, "no rows to export", FlashLevel::Info);
        return Outcome::redraw();
    }
    let path = match &words[1..] {
        [] => None,
        [path] => Some(path.clone()),
        more => {
            return export_refused(
                state,
                format!(
                    "expected one path, got {} words: quote a path with spaces (\"/tmp/a b.csv\")",
                    more.len()
                ),
            );
        }
    };
    // What is shown: the rows the `/` filter keeps, said as so many of so many.
    let t = &state.views.trail;
    let shown = t.results.visible_len();
    if shown == 0 {
        flash(
            state,
            format!(
                "no rows to export: the / filter shows none of {}",
                t.results.len()
            ),
            FlashLevel::Info,
        );
        return Outcome::redraw();
    }
    // Shared with the worker, not copied: 100,000 rows cost `update` what one does.
    let rows = t.results.shown();
    let of = (shown < t.results.len()).then_some(t.results.len());
    Outcome::with(vec![Command::Export(Box::new(
        crate::app::command::Export {
            what: "trail",
            format,
            path,
            now: state.now,
            columns: t.results.columns.clone(),
            rows,
            of,
        },
    ))])
}

fn export_refused(state: &mut State, why: String) -> Outcome {
    flash(state, format!(":export {why}"), FlashLevel::Error);
    Outcome::redraw()
}

pub fn run(state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
    match spec.name {
        "trail" if arg.trim().is_empty() => show(state),
        "trail" => {
            let out = show(state);
            if state.view != View::Trail {
                return out;
            }
            out.and(search(state, arg))
        }
        "sql" if arg.trim().is_empty() => {
            let out = show(state);
            state.views.trail.mode = Mode::Sql;
            out
        }
        "sql" => {
            let out = show(state);
            if state.view != View::Trail {
                return out;
            }
            out.and(raw(state, arg))
        }
        "changes" => super::changes::open(state),
        "export" => export(state, arg),
        _ => Outcome::default(),
    }
}

/// Completion for `:trail`: keys, then event names seen and account labels.
pub fn complete(state: &State, spec: &CommandSpec) -> Vec<String> {
    if spec.name == "export" {
        return vec!["csv".into(), "jsonl".into()];
    }
    if spec.name != "trail" {
        return Vec::new();
    }
    let mut out: Vec<String> = filter::KEYS.iter().map(|k| format!("{k}:")).collect();
    out.extend(
        state
            .accounts
            .iter()
            .map(|a| format!("account:{}", a.label)),
    );
    out.push("source:sagemaker".into());
    out.push("error:*".into());
    out.push("readonly:false".into());
    out.extend(
        state
            .views
            .trail
            .seen_events
            .iter()
            .map(|n| format!("event:{n}")),
    );
    out
}
