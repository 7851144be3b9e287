//! The shipped themes and keymap, loaded through the public entry point with no user files.

use crossterm::event::{KeyCode, KeyModifiers};
use sagewatch::app::action::Action;
use sagewatch::config::keymap::{KeyChord, Resolution};
use sagewatch::config::theme::Theme;
use sagewatch::config::{Env, Overrides, load, theme_by_name};
use sagewatch::vocabulary::Bindable;

/// The bindable actions, by their keymap names. Kept next to the test that uses it: a new
/// bindable variant must be added here (and to vim.toml), or `every_name_here_is_an_action`
/// and the exhaustive match below fail to compile/pass.
const BINDABLE: &[&str] = &[
    "quit",
    "move_up",
    "move_down",
    "page_up",
    "page_down",
    "move_top",
    "move_bottom",
    "select",
    "back",
    "focus_next",
    "show_fleet",
    "show_alarms",
    "show_monitor",
    "open_command",
    "open_filter",
    "toggle_help",
    "sort_next",
    "sort_reverse",
    "range_wider",
    "range_narrower",
    "pan_back",
    "pan_forward",
    "toggle_maximize",
    "refresh",
    "new_alarm",
    "edit_alarm",
    "mute_alarm",
    "unmute_alarm",
    "delete_alarm",
    "toggle_mark",
    "run_monitor",
    "pause_schedule",
    "resume_schedule",
    "show_trail",
    "show_changes",
    "edit_query",
    "cancel_query",
    "column_left",
    "column_right",
    "copy_cell",
    "show_logs",
    "toggle_follow",
    "pause_tail",
    "toggle_wrap",
    "toggle_timestamps",
    "save_logs",
    "show_jobs",
    "show_studio",
    "show_tape",
];

fn action(name: &str) -> Action {
    let word: Bindable = toml::Value::String(name.into())
        .try_into()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    word.into()
}

/// Fails to compile when a variant is added to `Action`, pointing here.
fn is_bindable(a: &Action) -> bool {
    match a {
        Action::Quit
        | Action::MoveUp
        | Action::MoveDown
        | Action::PageUp
        | Action::PageDown
        | Action::MoveTop
        | Action::MoveBottom
        | Action::Select
        | Action::Back
        | Action::FocusNext
        | Action::ShowFleet
        | Action::ShowAlarms
        | Action::OpenCommand
        | Action::OpenFilter
        | Action::ToggleHelp
        | Action::SortNext
        | Action::SortReverse
        | Action::RangeWider
        | Action::RangeNarrower
        | Action::PanBack
        | Action::PanForward
        | Action::ToggleMaximize
        | Action::Refresh
        | Action::NewAlarm
        | Action::EditAlarm
        | Action::MuteAlarm
        | Action::UnmuteAlarm
        | Action::DeleteAlarm
        | Action::ToggleMark
        | Action::ShowMonitor
        | Action::RunMonitor
        | Action::PauseSchedule
        | Action::ResumeSchedule
        | Action::ShowTrail
        | Action::ShowChanges
        | Action::EditQuery
        | Action::CancelQuery
        | Action::ColumnLeft
        | Action::ColumnRight
        | Action::CopyCell
        | Action::ShowLogs
        | Action::ToggleFollow
        | Action::PauseTail
        | Action::ToggleWrap
        | Action::ToggleTimestamps
        | Action::SaveLogs
        | Action::ShowStudio => true,
        Action::ShowJobs | Action::ShowTape => true,
        Action::Tick(_)
        | Action::Resize(..)
        | Action::Input(_)
        | Action::Paste(_)
        | Action::ConfirmArmed(_)
        | Action::Run(_)
        | Action::Loaded(_)
        | Action::FormSubmitted { .. }
        | Action::Write(_)
        | Action::Confirmed { .. } => false,
    }
}

fn defaults() -> sagewatch::config::Settings {
    load(&Overrides::default(), &Env::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_name_here_is_an_action() {
    for name in BINDABLE {
        assert!(is_bindable(&action(name)), "{name}");
    }
    let count = [
        Action::Quit,
        Action::MoveUp,
        Action::MoveDown,
        Action::PageUp,
        Action::PageDown,
        Action::MoveTop,
        Action::MoveBottom,
        Action::Select,
        Action::Back,
        Action::FocusNext,
        Action::ShowFleet,
        Action::ShowAlarms,
        Action::OpenCommand,
        Action::OpenFilter,
        Action::ToggleHelp,
        Action::SortNext,
        Action::SortReverse,
        Action::RangeWider,
        Action::RangeNarrower,
        Action::PanBack,
        Action::PanForward,
        Action::ToggleMaximize,
        Action::Refresh,
        Action::NewAlarm,
        Action::EditAlarm,
        Action::MuteAlarm,
        Action::UnmuteAlarm,
        Action::DeleteAlarm,
        Action::ToggleMark,
        Action::ShowMonitor,
        Action::RunMonitor,
        Action::PauseSchedule,
        Action::ResumeSchedule,
        Action::ShowTrail,
        Action::ShowChanges,
        Action::EditQuery,
        Action::CancelQuery,
        Action::ColumnLeft,
        Action::ColumnRight,
        Action::CopyCell,
        Action::ShowLogs,
        Action::ToggleFollow,
        Action::PauseTail,
        Action::ShowStudio,
        Action::ToggleWrap,
        Action::ToggleTimestamps,
        Action::SaveLogs,
        Action::ShowJobs,
        Action::ShowTape,
    ]
    .iter()
    .filter(|a| is_bindable(a))
    .count();
    assert_eq!(count, BINDABLE.len());
}

#[test]
fn vim_binds_every_bindable_action() {
    let km = defaults().keymap;
    assert_eq!(km.name, "vim");
    for name in BINDABLE {
        let a = action(name).bindable().expect("a word of the vocabulary");
        assert!(
            km.first_binding(a).is_some(),
            "{name} has no key in vim.toml"
        );
    }
}

#[test]
fn vim_has_no_duplicate_or_shadowed_sequences() {
    let km = defaults().keymap;
    for (i, a) in km.bindings.iter().enumerate() {
        for b in &km.bindings[i + 1..] {
            assert_ne!(a.keys, b.keys, "`{}` bound twice", a.keys_label());
        }
        for b in &km.bindings {
            let prefix = a.keys.len() < b.keys.len() && b.keys.starts_with(&a.keys);
            assert!(!prefix, "`{}` shadows `{}`", a.keys_label(), b.keys_label());
        }
    }
}

#[test]
fn vim_bindings_have_help_text_in_known_sections() {
    let km = defaults().keymap;
    let sections = [
        "Navigation",
        "Views",
        "Fleet",
        "Charts",
        "Alarms",
        "Monitor",
        "Trail",
        "Logs",
        "General",
    ];
    for b in &km.bindings {
        assert!(
            !b.desc.trim().is_empty(),
            "`{}` has no desc",
            b.keys_label()
        );
        assert!(sections.contains(&b.section.as_str()), "{}", b.section);
    }
}

#[test]
fn vim_resolves_the_suggested_keys() {
    let km = defaults().keymap;
    let c = |ch| KeyChord::new(KeyCode::Char(ch), KeyModifiers::NONE);
    let ctrl = |ch| KeyChord::new(KeyCode::Char(ch), KeyModifiers::CONTROL);
    assert_eq!(km.resolve(&[c('g')]), Resolution::Pending);
    assert_eq!(
        km.resolve(&[c('g'), c('g')]),
        Resolution::Action(Bindable::MoveTop)
    );
    assert_eq!(
        km.resolve(&[c('G')]),
        Resolution::Action(Bindable::MoveBottom)
    );
    assert_eq!(km.resolve(&[ctrl('c')]), Resolution::Action(Bindable::Quit));
    assert_eq!(km.resolve(&[c('q')]), Resolution::Action(Bindable::Quit));
    assert_eq!(
        km.resolve(&[c('j')]),
        Resolution::Action(Bindable::MoveDown)
    );
    assert_eq!(
        km.resolve(&[c('+')]),
        Resolution::Action(Bindable::RangeNarrower)
    );
    assert_eq!(
        km.resolve(&[c('-')]),
        Resolution::Action(Bindable::RangeWider)
    );
    assert_eq!(
        km.resolve(&[c('x')]),
        Resolution::Action(Bindable::RunMonitor)
    );
    assert_eq!(
        km.resolve(&[c('m')]),
        Resolution::Action(Bindable::ShowMonitor)
    );
    assert_eq!(
        km.resolve(&[c('L')]),
        Resolution::Action(Bindable::ShowLogs)
    );
    assert_eq!(
        km.resolve(&[ctrl('p')]),
        Resolution::Action(Bindable::PauseTail)
    );
    assert_eq!(km.resolve(&[c('b')]), Resolution::Unbound);
}

#[test]
fn shipped_themes_are_all_listed_and_distinct() {
    let s = defaults();
    let names: Vec<&str> = s.themes.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["dark", "light", "high-contrast", "colorblind"]);
    assert_eq!(s.theme, Theme::default());
    assert_eq!(theme_by_name(&s.themes, "dark"), Some(&Theme::default()));
    assert!(theme_by_name(&s.themes, "nosuch").is_none());
    for (i, a) in s.themes.iter().enumerate() {
        for b in &s.themes[i + 1..] {
            let (mut a, mut b) = (a.clone(), b.clone());
            a.name.clear();
            b.name.clear();
            assert_ne!(a, b, "two shipped themes are identical");
        }
    }
}

#[test]
fn colorblind_theme_avoids_red_and_green_for_states() {
    use ratatui::style::Color;
    let s = defaults();
    let t = theme_by_name(&s.themes, "colorblind").expect("shipped");
    let red_green = [Color::Red, Color::Green, Color::LightRed, Color::LightGreen];
    for style in [t.ok, t.alarm, t.good, t.bad, t.warn, t.insufficient] {
        assert!(!red_green.contains(&style.fg.unwrap_or(Color::Reset)));
    }
    assert_ne!(t.good.fg, t.bad.fg);
    assert_ne!(t.ok.fg, t.alarm.fg);
}
