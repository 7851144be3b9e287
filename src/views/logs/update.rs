//! What the logs view does with keys and its `:` commands: Tab between Insights and the
//! tail, `i` edits the query (or the tail's filter pattern) on the `:` line, `+`/`-` widen
//! or narrow the window, Enter shows a row whole, `F` `Ctrl-p` `W` `T` drive the tail, `w`
//! saves what is shown to a file.

use super::calls::LogsCall;
use super::state::Pane;
use super::{insights, open, tail};
use crate::app::action::Action;
use crate::app::command::{Command, Export, ExportFormat, ExportRows, ExportSource};
use crate::app::commands::CommandSpec;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::views::cursor::{self, keep_visible, step};
use crate::views::{View, ViewModule};
use std::borrow::Cow;
use std::sync::Arc;

/// The windows `+` and `-` step through.
pub const SPANS: [i64; 9] = [
    300,
    900,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    3 * 86_400,
    7 * 86_400,
];

pub fn update(state: &mut State, action: Action) -> Outcome {
    let page = super::layout::rows(state.size, state.views.logs.pane).max(1);
    if let Some(delta) = cursor::delta(&action, page) {
        return move_cursor(state, delta, page);
    }
    match action {
        Action::FocusNext => switch_pane(state),
        Action::Select => {
            let i = &mut state.views.logs.insights;
            if state.views.logs.pane == Pane::Insights && !i.shown.is_empty() {
                i.detail = Some(i.shown[i.row.min(i.shown.len() - 1)]);
                i.detail_scroll = 0;
            }
            Outcome::redraw()
        }
        Action::Back => back(state),
        Action::EditQuery => edit(state),
        Action::CancelQuery => insights::cancel(state),
        Action::RangeWider | Action::RangeNarrower => {
            let wider = action == Action::RangeWider;
            range(state, wider)
        }
        Action::ToggleFollow => tail::toggle_follow(state),
        Action::PauseTail => tail::toggle_pause(state),
        Action::ToggleWrap => {
            state.views.logs.tail.wrap = !state.views.logs.tail.wrap;
            Outcome::redraw()
        }
        Action::ToggleTimestamps => {
            state.views.logs.tail.timestamps = !state.views.logs.tail.timestamps;
            Outcome::redraw()
        }
        Action::SaveLogs => save(state, None),
        Action::ColumnLeft | Action::ColumnRight => {
            let i = &mut state.views.logs.insights;
            let d = if action == Action::ColumnLeft { -1 } else { 1 };
            i.column = step(i.column, d, i.columns.len());
            Outcome::redraw()
        }
        Action::CopyCell => copy(state),
        _ => Outcome::default(),
    }
}

fn move_cursor(state: &mut State, delta: isize, page: usize) -> Outcome {
    let l = &mut state.views.logs;
    match l.pane {
        Pane::Insights => {
            let i = &mut l.insights;
            if i.detail.is_some() {
                i.detail_scroll = i.detail_scroll.saturating_add_signed(delta).min(10_000);
                return Outcome::redraw();
            }
            i.row = step(i.row, delta, i.shown.len());
            keep_visible(i.row, &mut i.offset, page);
            Outcome::redraw()
        }
        Pane::Tail => tail::scroll(state, delta),
    }
}

/// Tab: the other pane. The tail runs only while its pane is on screen (a live tail is
/// billed by the minute it is open); its lines are kept.
fn switch_pane(state: &mut State) -> Outcome {
    let l = &mut state.views.logs;
    l.pane = match l.pane {
        Pane::Insights => Pane::Tail,
        Pane::Tail => Pane::Insights,
    };
    let commands = match l.pane {
        Pane::Tail => tail::resume(state),
        Pane::Insights => tail::stop(state),
    };
    Outcome::with(commands)
}

/// `Esc` peels one layer, as in every view: a row shown whole, then the pane's filter,
/// then the view.
fn back(state: &mut State) -> Outcome {
    if state.views.logs.insights.detail.take().is_some() {
        return Outcome::redraw();
    }
    if super::Logs.filter(state).is_some_and(|f| !f.is_empty()) {
        super::Logs.set_filter(state, "");
        return Outcome::redraw();
    }
    let to = match state.views.logs.came_from {
        View::Logs => View::Fleet,
        v => v,
    };
    crate::app::navigate::back(state, to)
}

/// The view is being left: nothing goes on scanning or streaming unseen.
pub fn left(state: &mut State) -> Vec<Command> {
    let mut commands = insights::stop(state);
    commands.extend(tail::stop(state));
    commands
}

/// The console is quitting: as `left`, and every query whose start has not answered yet is
/// stopped by its token once it has (the write queue, which quitting waits for, knows).
pub fn on_quit(state: &mut State) -> Vec<Command> {
    let mut commands = left(state);
    commands.extend(
        state
            .views
            .logs
            .orphans
            .drain(..)
            .map(|(token, target)| LogsCall::QueryAbandon { token, target }.into()),
    );
    commands
}

/// `i`: the `:` line, holding the query (Insights) or the filter pattern (tail).
fn edit(state: &mut State) -> Outcome {
    let l = &state.views.logs;
    let text = match l.pane {
        Pane::Insights => format!("insights {}", l.insights.text),
        Pane::Tail => format!("tail {}", l.tail.pattern.as_deref().unwrap_or("")),
    };
    crate::app::prompt::open_command_with(state, &text)
}

fn range(state: &mut State, wider: bool) -> Outcome {
    let i = &mut state.views.logs.insights;
    let at = SPANS
        .iter()
        .position(|s| *s >= i.span_secs)
        .unwrap_or(SPANS.len() - 1);
    let next = if wider {
        SPANS[(at + usize::from(SPANS[at] <= i.span_secs)).min(SPANS.len() - 1)]
    } else {
        SPANS[at.saturating_sub(1)]
    };
    if next == i.span_secs {
        return Outcome::default();
    }
    i.span_secs = next;
    let text = i.text.clone();
    insights::start(state, text)
}

/// `w` or `:save [PATH]`: the tail's lines (tail) or the rows (Insights), as a plain log.
fn save(state: &mut State, path: Option<String>) -> Outcome {
    let l = &state.views.logs;
    let (columns, rows): (Vec<String>, ExportRows) = match l.pane {
        // Shared with the worker, not copied: 16 MiB of lines cost `update` what one does.
        Pane::Tail => (
            vec!["timestamp".into(), "stream".into(), "message".into()],
            ExportRows::new(SavedTail(l.tail.buffer.held())),
        ),
        Pane::Insights => (
            l.insights.columns.clone(),
            ExportRows::new(SavedRows {
                rows: Arc::clone(&l.insights.rows),
                shown: l.insights.shown.clone(),
            }),
        ),
    };
    if rows.is_empty() {
        flash(state, "nothing to save yet", FlashLevel::Info);
        return Outcome::redraw();
    }
    Outcome::with(vec![Command::Export(Box::new(Export {
        what: "logs",
        format: ExportFormat::Text,
        path,
        now: state.now,
        columns,
        rows,
        of: None,
    }))])
}

/// The tail's lines as a save writes them (time, stream, message), read on the worker.
#[derive(Debug)]
pub struct SavedTail(pub crate::logs::tail::HeldLines);

impl ExportSource for SavedTail {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn rows(&self) -> Box<dyn Iterator<Item = Vec<Option<Cow<'_, str>>>> + '_> {
        Box::new(self.0.iter().map(|line| {
            vec![
                Some(Cow::Owned(crate::logs::line::iso_millis(line.timestamp_ms))),
                Some(Cow::Borrowed(line.stream.as_str())),
                Some(Cow::Borrowed(line.text.as_str())),
            ]
        }))
    }
}

/// The Insights rows the `/` filter shows, as a save writes them, read on the worker.
#[derive(Debug)]
pub struct SavedRows {
    pub rows: Arc<Vec<Vec<String>>>,
    shown: Vec<usize>,
}

impl ExportSource for SavedRows {
    fn len(&self) -> usize {
        self.shown.len()
    }

    fn rows(&self) -> Box<dyn Iterator<Item = Vec<Option<Cow<'_, str>>>> + '_> {
        Box::new(self.shown.iter().filter_map(|&r| {
            let row = self.rows.get(r)?;
            Some(
                row.iter()
                    .map(|c| Some(Cow::Borrowed(c.as_str())))
                    .collect(),
            )
        }))
    }
}

/// `y`: the selected cell (Insights) or the newest line shown (tail) to the clipboard.
fn copy(state: &mut State) -> Outcome {
    let l = &state.views.logs;
    let text = match l.pane {
        Pane::Insights => l
            .insights
            .shown
            .get(l.insights.row)
            .and_then(|&r| l.insights.rows[r].get(l.insights.column))
            .cloned(),
        Pane::Tail => l
            .tail
            .buffer
            .window(1, l.tail.from_end)
            .next()
            .map(|line| line.text.clone()),
    };
    match text {
        Some(text) if !text.is_empty() => {
            let shown: String = text.chars().take(40).collect();
            flash(state, format!("copied {shown}"), FlashLevel::Info);
            Outcome::with(vec![Command::Clipboard(text)])
        }
        _ => {
            flash(state, "nothing to copy here", FlashLevel::Info);
            Outcome::redraw()
        }
    }
}

/// `15m`, `1h`, `3d`: seconds, within what a key may open.
pub fn parse_span(text: &str) -> Result<i64, String> {
    let text = text.trim();
    // The trail filter's durations (`since:2h`), within what a window may be here.
    match crate::trail::filter::when(text) {
        Some(crate::trail::filter::When::Ago(secs))
            if (60..=open::MAX_SPAN_SECS).contains(&secs) =>
        {
            Ok(secs)
        }
        _ => Err(format!(
            "expected a duration from 1m to 7d such as 15m, 1h, 3d, got {:?}",
            crate::sanitize::clean(text)
        )),
    }
}

pub fn run(state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
    let arg = arg.trim();
    match spec.name {
        "logs" if arg.is_empty() => open::open_selected(state),
        "logs" if arg.starts_with('/') => match open::group(state, arg) {
            Ok(context) => open::open(state, context, open::DEFAULT_SPAN_SECS, None),
            Err(why) => {
                flash(state, format!(":logs {why}"), FlashLevel::Error);
                Outcome::redraw()
            }
        },
        "logs" => match crate::views::endpoint_named(state, arg) {
            Ok(key) => open::open(state, open::endpoint(&key), open::DEFAULT_SPAN_SECS, None),
            Err(why) => {
                flash(
                    state,
                    format!(":logs expected an endpoint name or a /log/group: {why}"),
                    FlashLevel::Error,
                );
                Outcome::redraw()
            }
        },
        _ if state.views.logs.context.is_none() => {
            flash(
                state,
                format!(
                    ":{} needs logs open: L on an endpoint, or :logs NAME",
                    spec.name
                ),
                FlashLevel::Error,
            );
            Outcome::redraw()
        }
        "insights" => {
            let mut commands = tail::stop(state);
            state.views.logs.pane = Pane::Insights;
            let mut out = open::show(state);
            out.commands.append(&mut commands);
            let text = if arg.is_empty() {
                state.views.logs.insights.text.clone()
            } else {
                arg.to_owned()
            };
            out = out.and(insights::start(state, text));
            out
        }
        "tail" => {
            let pattern = (!arg.is_empty()).then(|| arg.to_owned());
            if pattern.as_deref().is_some_and(|p| p.len() > 1024) {
                flash(
                    state,
                    ":tail expected a filter pattern of at most 1,024 characters",
                    FlashLevel::Error,
                );
                return Outcome::redraw();
            }
            // A new pattern needs a new session; showing the pane starts it.
            let mut commands = Vec::new();
            if state.views.logs.tail.pattern != pattern {
                state.views.logs.tail.pattern = pattern;
                commands.extend(tail::stop(state));
            }
            state.views.logs.pane = Pane::Tail;
            Outcome::with(commands).and(open::show(state))
        }
        "since" => match parse_span(arg) {
            Ok(secs) => {
                state.views.logs.insights.span_secs = secs;
                state.views.logs.insights.until = None;
                let text = state.views.logs.insights.text.clone();
                insights::start(state, text)
            }
            Err(why) => {
                flash(state, format!(":since {why}"), FlashLevel::Error);
                Outcome::redraw()
            }
        },
        "save" => match crate::typed_path::one(arg) {
            Ok(path) => save(state, path),
            Err(why) => {
                flash(state, format!(":save {why}"), FlashLevel::Error);
                Outcome::redraw()
            }
        },
        _ => Outcome::default(),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn spans_parse_within_bounds_and_say_what_was_expected() {
        assert_eq!(parse_span("15m"), Ok(900));
        assert_eq!(parse_span("2h"), Ok(7200));
        assert_eq!(parse_span("7d"), Ok(7 * 86_400));
        for bad in [
            "",
            "h",
            "0m",
            "8d",
            "1w",
            "1.5h",
            "99999999999999999999d",
            "-1h",
            "1ч",
        ] {
            let err = parse_span(bad).unwrap_err();
            assert!(err.contains("expected a duration"), "{bad}: {err}");
        }
    }
}
