//! The status line's editors: the `:` command line (with completion and history) and the
//! `/` filter of the current view.

use super::action::InputKey;
use super::commands;
use super::lineedit::{Edit, LineEdit};
use super::outcome::{Outcome, flash};
use super::state::{CompletionPick, FlashLevel, Prompt, State};
use crate::views;

/// `:` commands remembered for Up/Down; a long session must not grow without bound.
const MAX_COMMAND_HISTORY: usize = 100;

pub fn open_command(state: &mut State) -> Outcome {
    state.prompt = Prompt::Command(LineEdit::default());
    state.completions = commands::completions(state, "");
    state.completion_pick = None;
    Outcome::redraw()
}

/// Opens the `:` line holding `text` (a query to edit).
pub fn open_command_with(state: &mut State, text: &str) -> Outcome {
    state.prompt = Prompt::Command(LineEdit::with_text(text));
    state.completions = commands::completions(state, text);
    state.completion_pick = None;
    Outcome::redraw()
}

/// Opens the `/` filter of the current view, with its current text.
pub fn open_filter(state: &mut State) -> Outcome {
    match views::module(state.view).filter(state) {
        Some(current) => state.prompt = Prompt::Filter(LineEdit::with_text(current)),
        None => flash(state, "nothing to filter on this screen", FlashLevel::Info),
    }
    Outcome::redraw()
}

/// A key typed while the command line or the filter is open.
pub fn input(state: &mut State, key: InputKey) -> Outcome {
    edit(state, |line, history| line.apply(key, history))
}

/// Text pasted while the command line or the filter is open: into the line, as one line.
pub fn paste(state: &mut State, text: &str) -> Outcome {
    edit(state, |line, _| line.paste(text))
}

/// Applies `change` to the open line (the `:` line's history feeds Up/Down).
fn edit(state: &mut State, change: impl FnOnce(&mut LineEdit, &[String]) -> Edit) -> Outcome {
    let prompt = std::mem::replace(&mut state.prompt, Prompt::None);
    match prompt {
        Prompt::None => Outcome::default(),
        Prompt::Filter(mut line) => {
            let edit = change(&mut line, &[]);
            filter_edited(state, line, edit)
        }
        Prompt::Command(mut line) => {
            let edit = change(&mut line, &state.command_history);
            command_edited(state, line, edit)
        }
    }
}

fn filter_edited(state: &mut State, line: LineEdit, edit: Edit) -> Outcome {
    let view = views::module(state.view);
    let before = super::refresh::on_screen(state);
    match edit {
        Edit::Submit(_) => return Outcome::redraw(),
        // k9s: Esc drops the filter altogether.
        Edit::Cancel => view.set_filter(state, ""),
        Edit::Changed => {
            view.set_filter(state, line.text());
            state.prompt = Prompt::Filter(line);
        }
        Edit::Unchanged | Edit::Complete | Edit::CompleteBack => {
            state.prompt = Prompt::Filter(line);
            return Outcome::redraw();
        }
    }
    // A filter brings other rows onto the screen: up to date at once.
    Outcome::with(super::refresh::scrolled_in(state, &before))
}

fn command_edited(state: &mut State, mut line: LineEdit, edit: Edit) -> Outcome {
    if !matches!(edit, Edit::Complete | Edit::CompleteBack) {
        state.completion_pick = None;
    }
    match edit {
        Edit::Submit(text) => {
            state.completions.clear();
            let text = text.trim().to_owned();
            if text.is_empty() {
                return Outcome::redraw();
            }
            if state.command_history.last() != Some(&text) {
                state.command_history.push(text.clone());
                if state.command_history.len() > MAX_COMMAND_HISTORY {
                    state.command_history.remove(0);
                }
            }
            commands::run(state, &text)
        }
        Edit::Cancel => {
            state.completions.clear();
            Outcome::redraw()
        }
        Edit::Complete | Edit::CompleteBack => {
            pick(state, &mut line, edit == Edit::Complete);
            state.prompt = Prompt::Command(line);
            Outcome::redraw()
        }
        Edit::Changed | Edit::Unchanged => {
            state.completions = commands::completions(state, line.text());
            state.prompt = Prompt::Command(line);
            Outcome::redraw()
        }
    }
}

/// `Tab` (`forward`) or `Shift-Tab`: the next or previous candidate replaces the last word
/// of the line as it was before the first `Tab`, so pressing again walks the candidates
/// (`:theme ` Tab Tab: dark, then light) instead of completing the completion.
fn pick(state: &mut State, line: &mut LineEdit, forward: bool) {
    let n = state.completions.len();
    if n == 0 {
        return;
    }
    let (index, base) = match state.completion_pick.take() {
        Some(p) if forward => ((p.index + 1) % n, p.base),
        Some(p) => ((p.index + n - 1) % n, p.base),
        None if forward => (0, line.text().to_owned()),
        None => (n - 1, line.text().to_owned()),
    };
    line.set_text(&commands::apply_completion(
        &base,
        &state.completions[index],
    ));
    state.completion_pick = Some(CompletionPick { index, base });
}
