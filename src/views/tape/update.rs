//! What the tape view does: opening an endpoint's (or an alarm's) tape asks every source
//! at once; each answer rebuilds the tape; keys move, filter, hide a kind, widen the window,
//! read again, and open a line where it lives.

use super::calls::{Answer, TapeCall, TapeLoaded};
use super::state::{Part, TapeState};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::incident::{Subject, Window};
use crate::source::model::{EndpointKey, Epoch};
use crate::views::cursor::{self, keep_visible, step};
use crate::views::{Selected, View};

/// `I` from anywhere an endpoint or an alarm is selected: its tape (an alarm's at its
/// transition).
pub fn open_selected(state: &mut State) -> Outcome {
    if state.view == View::Tape {
        return Outcome::default();
    }
    let (key, at) = match crate::views::selected(state) {
        Some(Selected::Alarm(alarm)) => (
            alarm.endpoint.clone(),
            Some((alarm.state_since, Some(alarm.id.clone()))),
        ),
        Some(other) => (other.endpoint(), None),
        None => (None, None),
    };
    let Some(key) = key else {
        flash(
            state,
            "no endpoint selected: pick an endpoint or an alarm on one, then I",
            FlashLevel::Info,
        );
        return Outcome::redraw();
    };
    open(state, key, at, None)
}

/// The tape of `key` from `since` (default: around its alarms), selecting the line `at`
/// names once it arrives (the alarm's transition, else the line nearest its time; without
/// one, the newest).
pub fn open(
    state: &mut State,
    key: EndpointKey,
    at: Option<(Epoch, Option<String>)>,
    since: Option<Epoch>,
) -> Outcome {
    let Some(endpoint) = state.endpoint(&key).cloned() else {
        flash(
            state,
            format!(
                "{} is not among the endpoints read",
                crate::sanitize::clean(&key.name)
            ),
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    let alarms = state
        .alarms
        .iter()
        .filter(|a| a.endpoint.as_ref() == Some(&key))
        .cloned()
        .collect();
    let region = state.identity.as_ref().map(|i| i.region.clone());
    let subject = Subject {
        endpoint,
        alarms,
        region,
    };
    let now = state.now;
    let window = match since {
        Some(from) => Window { from, to: now },
        None => Window::around(&subject, now),
    };
    if state.view != View::Tape {
        state.views.tape.came_from = state.view;
    }
    let t = &mut state.views.tape;
    let same = t.subject.as_ref().map(|s| s.endpoint.key()) == Some(key);
    t.subject = Some(subject);
    t.anchor = at.filter(|(t, _)| *t > 0);
    if !same {
        t.filter.clear();
        t.hidden = Default::default();
    }
    let read = read_again(state, window);
    crate::app::navigate::show(state, View::Tape).and(read)
}

/// Asks every source again over `window`; what they said before goes.
fn read_again(state: &mut State, window: Window) -> Outcome {
    let trail = state.views.trail.settings().cloned();
    let Some(subject) = state.views.tape.subject.clone() else {
        return Outcome::default();
    };
    let seen = seen_changes(state, &subject);
    let t = &mut state.views.tape;
    t.generation += 1;
    t.window = Some(window);
    t.reads = crate::incident::Reads {
        seen,
        ..Default::default()
    };
    t.waiting = Part::ALL.to_vec();
    rebuild(t);
    let commands: Vec<Command> = Part::ALL
        .into_iter()
        .map(|part| {
            TapeCall {
                generation: t.generation,
                part,
                subject: Box::new(subject.clone()),
                window,
                trail: trail.clone(),
            }
            .into()
        })
        .collect();
    Outcome::with(commands)
}

/// The status changes the console saw of the subject's endpoint.
fn seen_changes(state: &State, subject: &Subject) -> Vec<crate::tape::StatusInput> {
    let seen = state.status_seen.get(&subject.endpoint.key());
    let changes = seen.map_or(&[][..], Vec::as_slice);
    changes
        .iter()
        .map(|&(at, status)| crate::tape::StatusInput { at, status })
        .collect()
}

/// One source answered.
pub fn loaded(state: &mut State, loaded: TapeLoaded) -> Outcome {
    let t = &mut state.views.tape;
    if loaded.generation != t.generation {
        return Outcome::default();
    }
    t.waiting.retain(|p| *p != loaded.part);
    let r = &mut t.reads;
    match *loaded.answer {
        Answer::Alarms(a) => r.alarms = Some(a),
        Answer::Changes { makeup, changes } => {
            r.makeup = Some(makeup);
            r.changes = changes;
        }
        Answer::Runs(a) => r.runs = Some(a),
        Answer::Errors(a) => r.errors = Some(a),
        Answer::Series(a) => r.series = Some(a),
        Answer::Scaling(a) => r.scaling = Some(a),
        Answer::Audit(a) => r.audit = a,
    }
    rebuild(t);
    Outcome::redraw()
}

/// The tape again from what has arrived, the filter and hidden kinds applied; the
/// selection stays on its line (or near the anchor, or at the newest).
pub fn rebuild(t: &mut TapeState) {
    let held = t.selected_line().map(|l| (l.at, None));
    let (Some(subject), Some(window)) = (&t.subject, t.window) else {
        return;
    };
    t.tape = t.reads.tape(subject, window);
    t.rows = t.tape.shown(&t.filter, t.hidden);
    t.selected = match t.anchor.clone().or(held) {
        Some((at, alarm)) => own_line(t, at, alarm.as_deref())
            .or_else(|| t.tape.nearest(&t.rows, at))
            .unwrap_or(0),
        None => t.rows.len().saturating_sub(1),
    };
}

/// The row of `alarm`'s own transition at `at`, when it is shown.
fn own_line(t: &TapeState, at: Epoch, alarm: Option<&str>) -> Option<usize> {
    let alarm = alarm?;
    t.rows.iter().position(|&i| {
        let e = &t.tape.entries()[i];
        e.at == at && matches!(&e.target, crate::tape::Target::Alarm { name, .. } if name == alarm)
    })
}

pub fn update(state: &mut State, action: Action) -> Outcome {
    let page = super::layout::list_rows(crate::layout::body(state.size));
    if let Some(delta) = cursor::delta(&action, page.max(1)) {
        let t = &mut state.views.tape;
        t.anchor = None;
        t.selected = step(t.selected, delta, t.rows.len());
        keep_visible(t.selected, &mut t.offset, page.max(1));
        return Outcome::redraw();
    }
    match action {
        Action::Select => super::target::open(state),
        Action::ToggleMark => hide_kind(state),
        Action::RangeWider => widen(state),
        Action::Refresh => match state.views.tape.window {
            Some(w) => read_again(state, Window { to: state.now, ..w }),
            None => Outcome::default(),
        },
        Action::Back => back(state),
        Action::SaveLogs => save(state),
        _ => Outcome::default(),
    }
}

/// `w`: the post-mortem draft (`sagewatch incident --markdown`'s) of the lines shown, to a
/// new file in the current directory, never over one.
fn save(state: &mut State) -> Outcome {
    let t = &state.views.tape;
    let (Some(subject), Some(window)) = (&t.subject, t.window) else {
        return Outcome::default();
    };
    let shown = crate::tape::Tape::assemble(t.rows.iter().map(|&i| t.tape.entries()[i].clone()));
    let name = format!(
        "{} ({})",
        subject.endpoint.name, subject.endpoint.account_id
    );
    let draft = crate::tape::markdown(&shown, &name, (window.from, window.to));
    let rows = draft.lines().map(|l| vec![Some(l.to_owned())]).collect();
    Outcome::with(vec![Command::Export(Box::new(
        crate::app::command::Export {
            what: "incident",
            format: crate::app::command::ExportFormat::Markdown,
            path: None,
            now: state.now,
            columns: vec!["markdown".into()],
            rows,
            of: None,
        },
    ))])
}

/// Space: the selected line's kind is hidden (`Esc` shows every kind again).
fn hide_kind(state: &mut State) -> Outcome {
    let t = &mut state.views.tape;
    let Some(kind) = t.selected_line().map(|l| l.kind) else {
        return Outcome::default();
    };
    t.hidden.toggle(kind);
    rebuild(t);
    flash(
        state,
        format!("{} lines hidden (Esc shows them again)", kind.label()),
        FlashLevel::Info,
    );
    Outcome::redraw()
}

/// `-`: twice as far back, read again.
fn widen(state: &mut State) -> Outcome {
    let Some(w) = state.views.tape.window else {
        return Outcome::default();
    };
    let wider = Window { to: state.now, ..w }.widened();
    if wider.from == w.from {
        flash(
            state,
            "the tape reaches back 7 days at most",
            FlashLevel::Info,
        );
        return Outcome::redraw();
    }
    read_again(state, wider)
}

/// `Esc` peels one layer: the filter, the hidden kinds, then the view.
fn back(state: &mut State) -> Outcome {
    let t = &mut state.views.tape;
    if !t.filter.is_empty() {
        t.filter.clear();
        rebuild(t);
        return Outcome::redraw();
    }
    if t.hidden != Default::default() {
        t.hidden = Default::default();
        rebuild(t);
        return Outcome::redraw();
    }
    let to = match t.came_from {
        View::Tape => View::Fleet,
        v => v,
    };
    crate::app::navigate::show(state, to)
}

pub fn set_filter(state: &mut State, text: &str) {
    let t = &mut state.views.tape;
    t.filter = text.to_owned();
    t.anchor = None;
    rebuild(t);
}

/// `:tape [ENDPOINT|ALARM] [since]`.
pub fn run(state: &mut State, _: &CommandSpec, arg: &str) -> Outcome {
    let mut words = arg.split_whitespace();
    let (target, since) = (words.next(), words.next());
    if words.next().is_some() {
        return said(
            state,
            "expected :tape [ENDPOINT|ALARM] [since, like 6h or 2d]",
        );
    }
    let since = match since.map(crate::trail::filter::when) {
        None => None,
        Some(Some(crate::trail::filter::When::Ago(s))) if s <= crate::incident::MAX_WINDOW_SECS => {
            Some(state.now - s)
        }
        Some(Some(crate::trail::filter::When::At(t)))
            if t < state.now && state.now - t <= crate::incident::MAX_WINDOW_SECS =>
        {
            Some(t)
        }
        Some(_) => {
            return said(
                state,
                "since: expected 15m, 6h, 2d or a time, within 7 days",
            );
        }
    };
    let Some(target) = target else {
        return match since {
            None => open_selected(state),
            Some(_) => said(state, "expected :tape ENDPOINT|ALARM since"),
        };
    };
    let alarm = state
        .alarms
        .iter()
        .find(|a| a.name == target && state.scope.as_ref().is_none_or(|s| &a.account_id == s));
    if let Some(alarm) = alarm {
        let (key, at) = (
            alarm.endpoint.clone(),
            (alarm.state_since, Some(alarm.id.clone())),
        );
        return match key {
            Some(key) => open(state, key, Some(at), since),
            None => said(state, "that alarm watches no endpoint: name an endpoint"),
        };
    }
    match crate::views::endpoint_named(state, target) {
        Ok(key) => open(state, key, None, since),
        Err(why) => said(state, &format!("{why} (nor an alarm of that name)")),
    }
}

fn said(state: &mut State, text: &str) -> Outcome {
    flash(state, text.to_owned(), FlashLevel::Error);
    Outcome::redraw()
}

/// Endpoint and alarm names for `:tape `.
pub fn complete(state: &State) -> Vec<String> {
    let mut names: Vec<String> = state.endpoints.iter().map(|e| e.name.clone()).collect();
    names.extend(
        state
            .alarms
            .iter()
            .filter(|a| a.endpoint.is_some())
            .map(|a| a.name.clone()),
    );
    names.sort();
    names.dedup();
    names
}
