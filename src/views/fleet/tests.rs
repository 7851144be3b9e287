//! The fleet's flows, driven through `update`: rows by account, movement, the filter.

use crate::app::action::*;
use crate::app::state::*;
use crate::app::testkit::*;
use crate::app::update::update;
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::source::SourceKind;
use std::sync::Arc;

#[test]
fn a_loaded_fleet_lists_rows_by_account_and_asks_for_their_series() {
    let mut s = State::new(
        SourceKind::Demo,
        T0,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    let out = update(&mut s, loaded(Loaded::Fleet(Ok(fleet()))));
    assert_eq!(
        s.accounts[0].label, "monitoring",
        "monitoring account first"
    );
    let names: Vec<String> = s
        .views
        .fleet
        .rows
        .iter()
        .map(|&i| {
            format!(
                "{}/{}",
                s.account_label(&s.endpoints[i].account_id),
                s.endpoints[i].name
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "prod/churn",
            "prod/fraud-detector",
            "staging/fraud-detector",
            "staging/image-tagger"
        ]
    );
    let requests = series_commands(&out);
    assert_eq!(requests.len(), 2, "one 1-minute and one hourly request");
    let minute = requests.iter().find(|r| r.keys[0].period == 60).unwrap();
    // CPU, memory, disk of 4 endpoints with one variant each.
    assert_eq!(minute.keys.len(), 12);
    assert_eq!(minute.start, T0 - 3600);
}

#[test]
fn movement_is_clamped_and_keeps_the_selection_visible() {
    let mut s = state();
    // The smallest height whose table shows fewer rows than there are endpoints.
    two_rows_on_screen(&mut s);
    update(&mut s, Action::MoveUp);
    assert_eq!(s.views.fleet.selected, 0);
    update(&mut s, Action::MoveBottom);
    assert_eq!(s.views.fleet.selected, 3);
    assert_eq!(s.views.fleet.offset, 2, "the last two rows are on screen");
    update(&mut s, Action::PageUp);
    assert_eq!((s.views.fleet.selected, s.views.fleet.offset), (1, 1));
    update(&mut s, Action::MoveTop);
    assert_eq!((s.views.fleet.selected, s.views.fleet.offset), (0, 0));
}

#[test]
fn the_filter_narrows_live_and_escape_drops_it() {
    let mut s = state();
    update(&mut s, Action::OpenFilter);
    for c in "fraud".chars() {
        update(&mut s, Action::Input(InputKey::Char(c)));
    }
    assert_eq!(s.views.fleet.rows.len(), 2);
    // The label matches too.
    update(&mut s, Action::Input(InputKey::ClearLine));
    for c in "stag".chars() {
        update(&mut s, Action::Input(InputKey::Char(c)));
    }
    assert_eq!(s.views.fleet.rows.len(), 2);
    update(&mut s, Action::Input(InputKey::Enter));
    assert_eq!(s.prompt, Prompt::None);
    assert_eq!(s.views.fleet.filter, "stag");
    update(&mut s, Action::Back);
    assert_eq!(s.views.fleet.rows.len(), 4);
}

#[test]
fn a_sort_command_sorts_by_the_metric_column_named() {
    let mut s = state();
    update(&mut s, Action::Run("sort cpu desc".into()));
    assert_eq!(s.views.fleet.sort, super::FleetColumn::Metric(3));
    assert!(s.views.fleet.descending);
}
