//! What the fleet view does with keys, its commands and changes of shared data.

use super::{FleetColumn, FleetFocus, layout, rows, selected_endpoint};
use crate::app::action::Action;
use crate::app::commands::CommandSpec;
use crate::app::data;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::app::{navigate, refresh};
use crate::source::metrics::{FLEET_COLUMNS, spec};
use crate::source::model::{AccountId, Endpoint};
use crate::views::cursor::{self, keep_visible, step};
use crate::views::{Change, View};

/// Runs `f`; rows it brought onto the screen (scrolling, sorting, scoping) are brought up to
/// date at once.
pub fn catching_up(state: &mut State, f: impl FnOnce(&mut State) -> Outcome) -> Outcome {
    let offset = state.views.fleet.offset;
    let rows = state.views.fleet.rows.clone();
    let before = refresh::on_screen(state);
    let out = f(state);
    if state.views.fleet.offset != offset || state.views.fleet.rows != rows {
        return out.and(Outcome::with(refresh::scrolled_in(state, &before)));
    }
    out
}

pub fn update(state: &mut State, action: Action) -> Outcome {
    if let Some(delta) = cursor::delta(&action, layout::page_rows(state.size)) {
        move_cursor(state, delta);
        return Outcome::redraw();
    }
    match action {
        Action::Select => select(state),
        Action::Back => {
            back(state);
            Outcome::redraw()
        }
        Action::FocusNext => {
            state.views.fleet.focus = match state.views.fleet.focus {
                FleetFocus::Accounts => FleetFocus::Endpoints,
                FleetFocus::Endpoints => FleetFocus::Accounts,
            };
            Outcome::redraw()
        }
        Action::SortNext => {
            let cols = FleetColumn::all();
            let i = cols
                .iter()
                .position(|c| *c == state.views.fleet.sort)
                .unwrap_or(0);
            sort_by(state, cols[(i + 1) % cols.len()], false)
        }
        Action::SortReverse => {
            sort_by(state, state.views.fleet.sort, !state.views.fleet.descending)
        }
        _ => Outcome::default(),
    }
}

fn move_cursor(state: &mut State, delta: isize) {
    let f = &mut state.views.fleet;
    match f.focus {
        FleetFocus::Accounts => {
            f.account_cursor = step(f.account_cursor, delta, state.accounts.len() + 1);
        }
        FleetFocus::Endpoints => {
            f.selected = step(f.selected, delta, f.rows.len());
            fix_offset(state);
        }
    }
}

fn fix_offset(state: &mut State) {
    let page = layout::page_rows(state.size).max(1);
    keep_visible(
        state.views.fleet.selected,
        &mut state.views.fleet.offset,
        page,
    );
}

fn select(state: &mut State) -> Outcome {
    if state.views.fleet.focus == FleetFocus::Accounts {
        let scope = state
            .views
            .fleet
            .account_cursor
            .checked_sub(1)
            .and_then(|i| state.accounts.get(i))
            .map(|a| a.id.clone());
        state.views.fleet.focus = FleetFocus::Endpoints;
        scope_to(state, scope);
        return Outcome::redraw();
    }
    match selected_endpoint(state).map(Endpoint::key) {
        Some(key) => crate::views::module(View::Endpoint).open_on(state, key),
        None => Outcome::default(),
    }
}

/// Scopes to an account from the top of its list.
fn scope_to(state: &mut State, scope: Option<AccountId>) {
    state.views.fleet.selected = 0;
    state.views.fleet.offset = 0;
    data::set_scope(state, scope);
}

fn clear_scope(state: &mut State) {
    state.views.fleet.account_cursor = 0;
    data::set_scope(state, None);
}

/// Esc peels one layer: the filter, then the account scope, then the region scope, then the
/// accounts pane's focus.
fn back(state: &mut State) {
    if !state.views.fleet.filter.is_empty() {
        state.views.fleet.filter.clear();
        rows::rebuild(state);
    } else if state.scope.is_some() {
        clear_scope(state);
    } else if state.region_scope.is_some() {
        data::set_region_scope(state, None);
    } else {
        state.views.fleet.focus = FleetFocus::Endpoints;
    }
    fix_offset(state);
}

fn sort_by(state: &mut State, column: FleetColumn, descending: bool) -> Outcome {
    state.views.fleet.sort = column;
    state.views.fleet.descending = descending;
    rows::rebuild(state);
    fix_offset(state);
    // A large fleet ranks the new metric or order at once.
    Outcome::with(super::ranks::due(state))
}

pub fn set_filter(state: &mut State, text: &str) {
    state.views.fleet.filter = text.to_owned();
    state.views.fleet.selected = 0;
    state.views.fleet.offset = 0;
    rows::rebuild(state);
    fix_offset(state);
}

pub fn data_changed(state: &mut State, change: Change) {
    match change {
        Change::Fleet => {
            state.views.fleet.account_cursor =
                state.views.fleet.account_cursor.min(state.accounts.len());
            rows::rebuild(state);
        }
        // Rows sort by alarm state or by latest value: only those orders can change.
        Change::Alarms if state.views.fleet.sort == FleetColumn::Status => rows::rebuild(state),
        Change::Series if matches!(state.views.fleet.sort, FleetColumn::Metric(_)) => {
            rows::rebuild(state);
            return;
        }
        Change::Scope => {
            // Rankings are per region and account: the new scope's are asked at once.
            state.views.fleet.ranks = Default::default();
            rows::rebuild(state);
        }
        Change::Alarms | Change::Resize => {}
        Change::Series => return,
    }
    fix_offset(state);
}

/// Column names `:sort` accepts, in table order.
pub fn sort_columns() -> Vec<(String, FleetColumn)> {
    let mut v = vec![
        ("account".to_string(), FleetColumn::Account),
        ("endpoint".to_string(), FleetColumn::Endpoint),
        ("status".to_string(), FleetColumn::Status),
    ];
    for (i, id) in FLEET_COLUMNS.iter().enumerate() {
        v.push((spec(*id).short.to_lowercase(), FleetColumn::Metric(i)));
    }
    v
}

pub fn run(state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
    match spec.name {
        "fleet" => navigate::show(state, View::Fleet),
        "account" if arg == "all" || arg == "*" => {
            clear_scope(state);
            Outcome::redraw()
        }
        "account" => {
            match find_account(state, arg) {
                Some(id) => {
                    state.views.fleet.account_cursor = state
                        .accounts
                        .iter()
                        .position(|a| a.id == id)
                        .map_or(0, |i| i + 1);
                    scope_to(state, Some(id));
                    // A scoped list is what the user asked to see.
                    if state.view == View::Endpoint {
                        state.view = View::Fleet;
                    }
                }
                None => flash(state, format!("no account {arg:?}"), FlashLevel::Error),
            }
            Outcome::redraw()
        }
        "region" => {
            let wanted = arg.trim();
            let region = state.regions.iter().find(|r| r.as_str() == wanted).cloned();
            match region {
                _ if wanted == "all" || wanted == "*" => data::set_region_scope(state, None),
                Some(r) => {
                    (state.views.fleet.selected, state.views.fleet.offset) = (0, 0);
                    data::set_region_scope(state, Some(r));
                }
                None => {
                    let known: Vec<&str> = state.regions.iter().map(|r| r.as_str()).collect();
                    let msg = format!(
                        "no endpoints in region {:?}: expected one of {} or all",
                        crate::sanitize::clean(wanted),
                        known.join(", ")
                    );
                    flash(state, msg, FlashLevel::Error);
                }
            }
            Outcome::redraw()
        }
        "sort" => {
            let mut words = arg.split_whitespace();
            let col = words.next().unwrap_or_default().to_lowercase();
            let desc = words.next() == Some("desc");
            match sort_columns().into_iter().find(|(n, _)| *n == col) {
                Some((_, column)) => sort_by(state, column, desc),
                None => {
                    let names: Vec<String> = sort_columns().into_iter().map(|c| c.0).collect();
                    flash(
                        state,
                        format!(":sort needs a column: {}", names.join(", ")),
                        FlashLevel::Error,
                    );
                    Outcome::redraw()
                }
            }
        }
        _ => Outcome::default(),
    }
}

/// An account by id, label, or a label prefix that only one account has.
fn find_account(state: &State, wanted: &str) -> Option<AccountId> {
    let lower = wanted.to_lowercase();
    state
        .accounts
        .iter()
        .find(|a| a.id == wanted || a.label.to_lowercase() == lower)
        .or_else(|| {
            let mut partial = state
                .accounts
                .iter()
                .filter(|a| a.label.to_lowercase().starts_with(&lower));
            match (partial.next(), partial.next()) {
                (Some(a), None) => Some(a),
                _ => None,
            }
        })
        .map(|a| a.id.clone())
}

pub fn complete(state: &State, spec: &CommandSpec) -> Vec<String> {
    match spec.name {
        "account" => std::iter::once("all".to_string())
            .chain(state.accounts.iter().map(|a| a.label.clone()))
            .chain(state.accounts.iter().map(|a| a.id.clone()))
            .collect(),
        "region" => std::iter::once("all".to_string())
            .chain(state.regions.iter().map(|r| r.to_string()))
            .collect(),
        "sort" => sort_columns().into_iter().map(|c| c.0).collect(),
        _ => Vec::new(),
    }
}
