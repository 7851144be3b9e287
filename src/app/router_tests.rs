//! The router: overlays take input before the view, global keys work from every view, and
//! dialogs hand their result back as the action their opener chose.

use super::action::*;
use super::command::Command;
use super::state::*;
use super::update::update;
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::overlays::confirm::Confirm;
use crate::overlays::form::{Form, FormValues};
use crate::overlays::{Overlay, help::Help};
use crate::source::SourceKind;
use crate::source::model::*;
use std::sync::Arc;

const T0: Epoch = 1_795_687_200;

fn state() -> State {
    let mut s = State::new(
        SourceKind::Demo,
        T0,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    s.size = (120, 40);
    let accounts = vec![
        Account {
            id: "100000000000".into(),
            label: "monitoring".into(),
            monitoring: true,
        },
        Account {
            id: "111111111111".into(),
            label: "prod".into(),
            monitoring: false,
        },
    ];
    let endpoints = ["churn", "fraud-detector", "ltv"]
        .map(|name| Endpoint {
            account_id: "111111111111".into(),
            name: name.into(),
            status: EndpointStatus::InService,
            variants: vec!["AllTraffic".into()],
            monitoring_schedules: vec![],
            model_quality_namespace: None,
            quality: None,
            region: Default::default(),
        })
        .to_vec();
    update(
        &mut s,
        Action::Loaded(Box::new(Loaded::Fleet(Ok((accounts, endpoints))))),
    );
    s
}

fn key(s: &mut State, c: char) {
    update(s, Action::Input(InputKey::Char(c)));
}

fn long_confirm(on_confirm: Action) -> Overlay {
    let lines = (0..50).map(|i| format!("line {i}")).collect();
    Overlay::Confirm(Confirm::new("Delete", lines, on_confirm))
}

fn top(s: &State) -> Option<&Overlay> {
    s.overlays.last()
}

/// Puts a dialog on top as it is a moment after it opened: taking keys.
fn open_armed(s: &mut State, overlay: Overlay) {
    s.overlays.push(overlay);
    crate::overlays::confirm::moment_passes(s);
}

/// The serials of the confirmation waits `commands` start.
fn waits(commands: &[Command]) -> Vec<u64> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::ArmConfirm { serial, after_ms } => {
                assert_eq!(*after_ms, crate::overlays::confirm::ARMING_MS);
                Some(*serial)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn an_open_dialog_takes_every_key_before_the_view() {
    let mut s = state();
    open_armed(&mut s, long_confirm(Action::ShowAlarms));
    assert!(
        s.takes_text(),
        "keys reach a dialog as text, not through the keymap"
    );
    key(&mut s, 'j');
    assert_eq!(
        s.views.fleet.selected, 0,
        "j scrolled the dialog, not the table"
    );
    assert!(matches!(top(&s), Some(Overlay::Confirm(c)) if c.scroll == 1));
    for action in [Action::MoveDown, Action::ShowAlarms, Action::Select] {
        update(&mut s, action);
    }
    assert_eq!((s.view, s.views.fleet.selected), (View::Fleet, 0));
    assert_eq!(s.overlays.len(), 1, "still open");
}

#[test]
fn help_scrolls_with_movement_and_any_other_key_closes_it_without_acting() {
    let mut s = state();
    update(&mut s, Action::ToggleHelp);
    assert!(!s.takes_text(), "help takes the keymap");
    update(&mut s, Action::MoveDown);
    assert!(matches!(top(&s), Some(Overlay::Help(Help { scroll: 1 }))));
    assert_eq!(s.views.fleet.selected, 0);
    update(&mut s, Action::Select);
    assert!(s.overlays.is_empty());
    assert_eq!(
        s.view,
        View::Fleet,
        "the Enter that closed help opened nothing"
    );
}

#[test]
fn a_confirmation_sends_its_action_only_on_y() {
    let mut s = state();
    open_armed(&mut s, long_confirm(Action::ShowAlarms));
    key(&mut s, 'n');
    assert!(s.overlays.is_empty());
    assert_eq!(s.view, View::Fleet);

    open_armed(&mut s, long_confirm(Action::ShowAlarms));
    update(&mut s, Action::Input(InputKey::Enter));
    assert_eq!(s.view, View::Fleet, "Enter is not a yes");
    key(&mut s, 'y');
    assert!(s.overlays.is_empty());
    assert_eq!(s.view, View::Alarms);
}

#[test]
fn a_danger_confirmation_needs_the_name() {
    let mut s = state();
    let dialog = Confirm::new("Delete", vec!["x".into()], Action::ShowAlarms).danger("ltv");
    open_armed(&mut s, Overlay::Confirm(dialog));
    key(&mut s, 'y');
    update(&mut s, Action::Input(InputKey::Enter));
    assert_eq!(s.view, View::Fleet);
    update(&mut s, Action::Input(InputKey::ClearLine));
    "ltv".chars().for_each(|c| key(&mut s, c));
    update(&mut s, Action::Input(InputKey::Enter));
    assert_eq!(s.view, View::Alarms);
}

#[test]
fn y_right_after_a_confirmation_opens_does_nothing_and_y_after_the_moment_confirms() {
    let mut s = state();
    s.overlays.push(long_confirm(Action::ShowAlarms));
    // The action that opened it (here: any) starts its wait.
    let first = waits(&update(&mut s, Action::Tick(T0)).commands);
    assert_eq!(first.len(), 1, "one wait for the dialog");
    // `y` comes before the wait is over: dropped, and the wait starts again.
    let out = update(&mut s, Action::Input(InputKey::Char('y')));
    assert_eq!(s.view, View::Fleet, "y too soon confirmed nothing");
    assert!(matches!(top(&s), Some(Overlay::Confirm(c)) if !c.is_armed()));
    let second = waits(&out.commands);
    assert!(second.len() == 1 && second != first, "{first:?} {second:?}");
    // The first wait ends: it no longer counts.
    update(&mut s, Action::ConfirmArmed(first[0]));
    let out = update(&mut s, Action::Input(InputKey::Char('y')));
    assert_eq!(s.view, View::Fleet, "a wait restarted is waited for");
    let third = waits(&out.commands);
    assert_eq!(third.len(), 1);
    let out = update(&mut s, Action::ConfirmArmed(third[0]));
    assert!(out.redraw, "the hint changes: y now confirms");
    assert!(waits(&out.commands).is_empty());
    key(&mut s, 'y');
    assert!(s.overlays.is_empty());
    assert_eq!(s.view, View::Alarms, "y after the moment confirms");
}

#[test]
fn esc_closes_a_confirmation_at_once() {
    let mut s = state();
    s.overlays.push(long_confirm(Action::ShowAlarms));
    update(&mut s, Action::Input(InputKey::Esc));
    assert!(s.overlays.is_empty());
    assert_eq!(s.view, View::Fleet);
}

#[test]
fn a_paste_goes_into_the_filter_as_text_and_no_key_of_it_acts() {
    let mut s = state();
    update(&mut s, Action::OpenFilter);
    let out = update(&mut s, Action::Paste("fraud\nj\nq\n".into()));
    assert_eq!(s.views.fleet.filter, "fraud j q");
    assert!(matches!(&s.prompt, Prompt::Filter(l) if l.text() == "fraud j q"));
    assert!(!s.should_quit && s.views.fleet.selected == 0);
    assert!(
        out.commands
            .iter()
            .all(|c| !matches!(c, Command::Write { .. }))
    );
    assert!(
        s.flash
            .as_ref()
            .is_some_and(|f| f.text.contains("one line")),
        "the joined lines are said"
    );
}

#[test]
fn a_multi_line_sql_pasted_on_the_command_line_arrives_whole_and_is_not_run() {
    let mut s = state();
    update(&mut s, Action::OpenCommand);
    "sql ".chars().for_each(|c| key(&mut s, c));
    let runbook =
        "SELECT eventname\r\nFROM cloudtrail_logs\n\tWHERE \"timestamp\" > '2026/11/29'\ny\n";
    let out = update(&mut s, Action::Paste(runbook.into()));
    let Prompt::Command(line) = &s.prompt else {
        panic!("the line is still open: {:?}", s.prompt);
    };
    assert_eq!(
        line.text(),
        "sql SELECT eventname FROM cloudtrail_logs  WHERE \"timestamp\" > '2026/11/29' y"
    );
    assert!(out.commands.is_empty(), "nothing ran: {:?}", out.commands);
    assert_eq!(s.view, View::Fleet);
    assert!(s.command_history.is_empty(), "nothing was submitted");
}

#[test]
fn a_paste_fills_the_forms_focused_field_and_submits_nothing() {
    let mut s = state();
    let form = Form::new("Scope", View::Fleet, scope_to).text("account", "Account", "");
    s.overlays.push(Overlay::Form(form));
    update(&mut s, Action::Paste("pr\u{1b}[2Jod\n".into()));
    let Some(Overlay::Form(f)) = top(&s) else {
        panic!("the form is still open");
    };
    assert_eq!(
        f.value("account"),
        Some(crate::overlays::form::Value::Text("pr[2Jod".into()))
    );
    assert_eq!(s.scope, None, "the line break submitted nothing");
}

#[test]
fn a_paste_with_nothing_edited_changes_nothing_and_sends_nothing() {
    for view in View::ALL {
        let mut s = in_view(view);
        // What a key reaching the keymap would change: the view, a dialog, a prompt, a row.
        let seen = |s: &State| {
            format!(
                "{:?}",
                (
                    &s.view,
                    &s.overlays,
                    &s.prompt,
                    s.views.fleet.selected,
                    &s.views.alarms.selected
                )
            )
        };
        let before = seen(&s);
        let out = update(&mut s, Action::Paste("2\nM\ny\nq\n".into()));
        assert!(out.commands.is_empty(), "{view:?}: {:?}", out.commands);
        assert!(!s.should_quit, "{view:?}");
        assert_eq!(before, seen(&s), "{view:?}");
        assert_eq!(
            s.flash.as_ref().map(|f| f.text.as_str()),
            Some(crate::app::paste::NOTHING_EDITED),
            "{view:?}"
        );
    }
    // Help open is nothing edited either.
    let mut s = state();
    update(&mut s, Action::ToggleHelp);
    assert!(
        update(&mut s, Action::Paste("q".into()))
            .commands
            .is_empty()
    );
    assert!(matches!(top(&s), Some(Overlay::Help(_))) && !s.should_quit);
}

#[test]
fn a_paste_never_answers_a_confirmation() {
    let mut s = state();
    open_armed(&mut s, long_confirm(Action::ShowAlarms));
    let out = update(&mut s, Action::Paste("y".into()));
    assert_eq!(s.view, View::Fleet);
    let Some(Overlay::Confirm(c)) = top(&s) else {
        panic!("still open");
    };
    assert!(c.notice.as_deref().is_some_and(|n| n.contains("paste")));
    assert!(!c.is_armed(), "and the wait starts again");
    assert_eq!(waits(&out.commands).len(), 1);
}

fn scope_to(values: FormValues) -> Action {
    Action::Run(format!(
        "account {}",
        values.text("account").unwrap_or_default()
    ))
}

#[test]
fn a_form_refuses_to_submit_while_invalid_then_hands_back_its_values() {
    let mut s = state();
    let form = Form::new("Scope", View::Fleet, scope_to)
        .text("account", "Account", "")
        .required();
    s.overlays.push(Overlay::Form(form));
    update(&mut s, Action::Input(InputKey::Enter));
    assert!(
        matches!(top(&s), Some(Overlay::Form(f)) if f.submit_refused),
        "an empty required field keeps the form open"
    );
    assert_eq!(s.scope, None);
    "prod".chars().for_each(|c| key(&mut s, c));
    update(&mut s, Action::Input(InputKey::Enter));
    assert!(s.overlays.is_empty());
    assert_eq!(s.scope.as_deref(), Some("111111111111"));
    // Esc closes a form and changes nothing.
    s.overlays.push(Overlay::Form(
        Form::new("Scope", View::Fleet, scope_to).text("account", "Account", "all"),
    ));
    update(&mut s, Action::Input(InputKey::Esc));
    assert!(s.overlays.is_empty());
    assert_eq!(s.scope.as_deref(), Some("111111111111"));
}

/// A state showing `view`, with an endpoint open so every view can be shown.
fn in_view(view: View) -> State {
    let mut s = state();
    update(&mut s, Action::Select);
    s.view = view;
    s
}

#[test]
fn global_keys_work_from_every_view() {
    for view in View::ALL {
        let mut s = in_view(view);
        update(&mut s, Action::OpenCommand);
        assert!(matches!(s.prompt, Prompt::Command(_)), "{view:?}");
        update(&mut s, Action::Input(InputKey::Esc));
        assert_eq!(s.prompt, Prompt::None);

        update(&mut s, Action::ToggleHelp);
        assert!(matches!(top(&s), Some(Overlay::Help(_))), "{view:?}");
        update(&mut s, Action::ToggleHelp);
        assert!(s.overlays.is_empty(), "{view:?}");

        let out = update(&mut s, Action::Refresh);
        assert!(out.commands.contains(&Command::LoadFleet), "{view:?}");
        assert!(out.commands.contains(&Command::LoadAlarms), "{view:?}");

        update(&mut s, Action::ShowAlarms);
        assert_eq!(s.view, View::Alarms, "from {view:?}");
        s.view = view;
        update(&mut s, Action::ShowFleet);
        assert_eq!(s.view, View::Fleet, "from {view:?}");

        s.view = view;
        update(&mut s, Action::Quit);
        assert!(s.should_quit, "{view:?}");
    }
}

#[test]
fn quit_and_results_reach_the_console_even_under_a_dialog() {
    let mut s = state();
    s.overlays.push(long_confirm(Action::ShowAlarms));
    let alarms = Loaded::Alarms(Ok(vec![]));
    update(&mut s, Action::Loaded(Box::new(alarms)));
    assert!(s.freshness.alarms_ok_at.is_some());
    update(&mut s, Action::Quit);
    assert!(s.should_quit);
}

/// `:sort nope` then `:sort cpu desc`: the sort works, and the bar no longer shows the
/// first command's error; a failing command still says its own.
#[test]
fn a_command_that_works_clears_the_error_it_replaces() {
    let mut s = state();
    let flash = |s: &State| s.flash.as_ref().map(|f| (f.text.clone(), f.level));
    update(&mut s, Action::Run("sort nope".into()));
    assert!(
        matches!(flash(&s), Some((_, FlashLevel::Error))),
        "{:?}",
        flash(&s)
    );
    update(&mut s, Action::Run("sort cpu desc".into()));
    assert!(
        !matches!(flash(&s), Some((_, FlashLevel::Error))),
        "{:?}",
        flash(&s)
    );
    update(&mut s, Action::Run("sort nope".into()));
    assert!(
        matches!(flash(&s), Some((_, FlashLevel::Error))),
        "{:?}",
        flash(&s)
    );
}

#[test]
fn commands_check_their_arguments() {
    let mut s = state();
    let flash = |s: &State| s.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    update(&mut s, Action::Run("range 2h".into()));
    assert!(flash(&s).contains("1h"), "{}", flash(&s));
    update(&mut s, Action::Run("endpoint".into()));
    assert_eq!(flash(&s), ":endpoint needs an endpoint name");
    update(&mut s, Action::Run("sort".into()));
    assert!(flash(&s).starts_with(":sort needs a column"));
    update(&mut s, Action::Run(":ep ltv".into()));
    assert_eq!(s.view, View::Endpoint, "aliases and a leading : work");
    update(&mut s, Action::Run("frobnicate".into()));
    assert!(flash(&s).contains("unknown command :frobnicate"));
}

#[test]
fn sort_and_filter_keys_act_only_where_they_are_seen() {
    let mut s = in_view(View::Endpoint);
    let sort = s.views.fleet.sort;
    update(&mut s, Action::SortNext);
    assert_eq!(s.views.fleet.sort, sort, "no invisible re-sort");
    update(&mut s, Action::OpenFilter);
    assert_eq!(s.prompt, Prompt::None);
    assert!(
        s.flash
            .as_ref()
            .is_some_and(|f| f.text.contains("nothing to filter"))
    );
}

#[test]
fn esc_clears_a_typed_filter_in_every_view_before_leaving_it() {
    let mut filtered = Vec::new();
    for view in View::ALL {
        let mut s = in_view(view);
        if view == View::Logs {
            // The logs have a filter once they show something.
            s.views.logs.available = true;
            s.view = View::Fleet;
            update(&mut s, Action::ShowLogs);
        }
        let module = crate::views::module(view);
        if module.filter(&s).is_none() {
            continue;
        }
        filtered.push(view);
        update(&mut s, Action::OpenFilter);
        key(&mut s, 'x');
        update(&mut s, Action::Input(InputKey::Enter));
        assert_eq!(module.filter(&s), Some("x"), "{view:?}");
        update(&mut s, Action::Back);
        assert_eq!(
            module.filter(&s),
            Some(""),
            "{view:?}: Esc clears the filter"
        );
        assert_eq!(s.view, view, "{view:?}: and stays");
    }
    for view in [
        View::Fleet,
        View::Alarms,
        View::Trail,
        View::Logs,
        View::Studio,
        View::Jobs,
    ] {
        assert!(
            filtered.contains(&view),
            "{view:?} has a filter: {filtered:?}"
        );
    }
}

fn line(s: &State) -> String {
    match &s.prompt {
        Prompt::Command(l) => l.text().to_owned(),
        other => panic!("no command line: {other:?}"),
    }
}

fn typed(s: &mut State, text: &str) {
    update(s, Action::OpenCommand);
    for c in text.chars() {
        key(s, c);
    }
}

#[test]
fn tab_walks_the_candidates_and_shift_tab_walks_back() {
    let mut s = state();
    let shipped = crate::config::load(&Default::default(), &Default::default()).unwrap();
    s.themes = Arc::new(shipped.themes);
    let themes: Vec<String> = s.themes.iter().map(|t| t.name.clone()).collect();
    assert!(themes.len() >= 2, "{themes:?}");
    typed(&mut s, "theme ");
    update(&mut s, Action::Input(InputKey::Tab));
    assert_eq!(line(&s), format!("theme {}", themes[0]));
    update(&mut s, Action::Input(InputKey::Tab));
    assert_eq!(
        line(&s),
        format!("theme {}", themes[1]),
        "the next, not the same"
    );
    update(&mut s, Action::Input(InputKey::BackTab));
    assert_eq!(line(&s), format!("theme {}", themes[0]));
    update(&mut s, Action::Input(InputKey::BackTab));
    assert_eq!(
        line(&s),
        format!("theme {}", themes[themes.len() - 1]),
        "and round"
    );
    // Typing ends the walk: the candidates are those of the new word.
    key(&mut s, ' ');
    assert_eq!(s.completion_pick, None);
}

#[test]
fn tab_reaches_every_command_a_prefix_names() {
    let mut s = state();
    typed(&mut s, "al");
    let mut seen = Vec::new();
    for _ in 0..s.completions.len() {
        update(&mut s, Action::Input(InputKey::Tab));
        seen.push(line(&s));
    }
    assert!(seen.contains(&"alarms ".to_owned()), "{seen:?}");
    assert!(seen.contains(&"alarm ".to_owned()), "{seen:?}");
}

#[test]
fn tab_on_an_empty_line_keeps_every_command_listed_while_it_walks_them() {
    let mut s = state();
    update(&mut s, Action::OpenCommand);
    let all = s.completions.clone();
    assert!(all.len() > 10, "every command is listed: {all:?}");
    update(&mut s, Action::Input(InputKey::Tab));
    assert_eq!(line(&s), format!("{} ", all[0]));
    assert_eq!(s.completions, all, "the list stays while Tab walks it");
    update(&mut s, Action::Input(InputKey::Tab));
    assert_eq!(line(&s), format!("{} ", all[1]));
}
