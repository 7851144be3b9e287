//! `update(state, action) -> Outcome`: the only place `State` changes. Synchronous and free of
//! I/O, so every behaviour is testable without a terminal or a network.

use super::action::{Action, InputKey, Loaded, SeriesPurpose};
use super::command::Command;
use super::commands::{self, Cmd};
use super::lineedit::{Edit, LineEdit};
use super::refresh;
use super::rows;
use super::state::*;
use crate::sanitize::Sanitize;
use crate::source::SourceError;
use crate::source::metrics::METRICS;
use crate::source::model::*;

/// What an action asks of the loop.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub commands: Vec<Command>,
    /// The screen may look different: draw it.
    pub redraw: bool,
}

impl Outcome {
    fn redraw() -> Self {
        Self {
            commands: Vec::new(),
            redraw: true,
        }
    }

    fn with(commands: Vec<Command>) -> Self {
        Self {
            commands,
            redraw: true,
        }
    }
}

const FLASH_SECS: i64 = 5;
/// How far back the charts can pan: CloudWatch's retention of 1-minute data.
pub const MAX_PAN_SECS: i64 = 15 * 86400;
/// `:` commands remembered for Up/Down; a long session must not grow without bound.
const MAX_COMMAND_HISTORY: usize = 100;

/// Commands to run once at start.
pub fn init(state: &mut State) -> Vec<Command> {
    let mut commands = vec![Command::LoadIdentity];
    commands.extend(refresh::due(state));
    commands
}

/// Rows of the main table of `view` on screen; the UI owns the layout, this asks it.
fn page_rows(state: &State, view: View) -> usize {
    crate::ui::page_rows(state, view).max(1)
}

fn keep_visible(selected: usize, offset: &mut usize, page: usize) {
    if selected < *offset {
        *offset = selected;
    } else if selected >= *offset + page {
        *offset = selected + 1 - page;
    }
}

/// Moves a cursor by `delta` within `len` rows, clamping at both ends.
fn step(cursor: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    cursor.saturating_add_signed(delta).min(len - 1)
}

fn flash(state: &mut State, text: impl Into<String>, level: FlashLevel) {
    let mut text = text.into();
    text.sanitize();
    state.flash = Some(Flash {
        text,
        level,
        until: state.now + FLASH_SECS,
    });
}

fn source_failed(state: &mut State, err: &SourceError) {
    // Error details quote AWS messages: as hostile as any other string from outside.
    let text = crate::sanitize::clean(&err.to_string()).into_owned();
    state.freshness.last_error = Some((state.now, text.clone()));
    flash(state, text, FlashLevel::Error);
}

pub fn update(state: &mut State, action: Action) -> Outcome {
    match action {
        Action::Tick(now) => tick(state, now),
        Action::Resize(w, h) => {
            state.size = (w, h);
            fix_offsets(state);
            Outcome::redraw()
        }
        Action::Input(key) => input(state, key),
        Action::Run(line) => run_command(state, &line),
        Action::Loaded(loaded) => loaded_data(state, *loaded),
        Action::ToggleHelp => {
            state.help = if state.help.is_some() { None } else { Some(0) };
            Outcome::redraw()
        }
        Action::Quit => {
            state.should_quit = true;
            Outcome::default()
        }
        // While help is open, movement scrolls it and everything else closes it.
        a if state.help.is_some() => {
            let scroll = state.help.unwrap_or(0);
            let last = crate::ui::help_lines(state).saturating_sub(1);
            state.help = match a {
                Action::MoveDown => Some(scroll + 1),
                Action::MoveUp => Some(scroll.saturating_sub(1)),
                Action::PageDown => Some(scroll + 10),
                Action::PageUp => Some(scroll.saturating_sub(10)),
                Action::MoveTop => Some(0),
                Action::MoveBottom => Some(last),
                _ => None,
            }
            .map(|s| s.min(last));
            Outcome::redraw()
        }
        // With an alarm's history open, paging scrolls the history; j/k still pick alarms.
        a @ (Action::PageDown | Action::PageUp)
            if state.view == View::Alarms && state.alarms_view.history_of.is_some() =>
        {
            let len = match &state.alarms_view.history {
                Loadable::Loaded(items) => items.len(),
                _ => 0,
            };
            let page = page_rows(state, View::Alarms).max(1) as isize;
            let delta = if a == Action::PageDown { page } else { -page };
            state.alarms_view.history_scroll = step(state.alarms_view.history_scroll, delta, len);
            Outcome::redraw()
        }
        Action::MoveUp => move_cursor(state, -1),
        Action::MoveDown => move_cursor(state, 1),
        Action::PageUp => {
            let page = page_rows(state, state.view) as isize;
            move_cursor(state, -page)
        }
        Action::PageDown => {
            let page = page_rows(state, state.view) as isize;
            move_cursor(state, page)
        }
        Action::MoveTop => move_cursor(state, isize::MIN / 2),
        Action::MoveBottom => move_cursor(state, isize::MAX / 2),
        Action::Select => select(state),
        Action::Back => back(state),
        Action::FocusNext => {
            match state.view {
                View::Fleet => {
                    state.fleet.focus = match state.fleet.focus {
                        FleetFocus::Accounts => FleetFocus::Endpoints,
                        FleetFocus::Endpoints => FleetFocus::Accounts,
                    }
                }
                View::Endpoint => {
                    state.detail.selected_chart = (state.detail.selected_chart + 1) % METRICS.len()
                }
                View::Alarms => return toggle_history(state),
            }
            Outcome::redraw()
        }
        Action::ShowFleet => show(state, View::Fleet),
        Action::ShowAlarms => show(state, View::Alarms),
        Action::OpenCommand => {
            state.prompt = Prompt::Command(LineEdit::default());
            state.completions = commands::completions(state, "");
            Outcome::redraw()
        }
        Action::OpenFilter => {
            let current = match state.view {
                View::Alarms => state.alarms_view.filter.clone(),
                _ => state.fleet.filter.clone(),
            };
            state.prompt = Prompt::Filter(LineEdit::with_text(&current));
            Outcome::redraw()
        }
        Action::SortNext => {
            let cols = FleetColumn::all();
            let i = cols
                .iter()
                .position(|c| *c == state.fleet.sort)
                .unwrap_or(0);
            state.fleet.sort = cols[(i + 1) % cols.len()];
            state.fleet.descending = false;
            rows::rebuild_fleet_rows(state);
            fix_offsets(state);
            Outcome::redraw()
        }
        Action::SortReverse => {
            state.fleet.descending = !state.fleet.descending;
            rows::rebuild_fleet_rows(state);
            fix_offsets(state);
            Outcome::redraw()
        }
        // Chart keys act on the endpoint screen only; elsewhere they would change what the
        // next opened endpoint shows, invisibly.
        Action::RangeWider
        | Action::RangeNarrower
        | Action::PanBack
        | Action::PanForward
        | Action::ToggleMaximize
            if state.view != View::Endpoint =>
        {
            Outcome::default()
        }
        Action::RangeWider => set_range(state, state.detail.range + 1),
        Action::RangeNarrower => set_range(state, state.detail.range.saturating_sub(1)),
        Action::PanBack => pan(state, state.detail.pan + state.detail.range_secs() / 2),
        Action::PanForward => pan(state, state.detail.pan - state.detail.range_secs() / 2),
        Action::ToggleMaximize => {
            state.detail.maximized = !state.detail.maximized;
            Outcome::redraw()
        }
        Action::Refresh => {
            refresh::make_all_due(state);
            let mut commands = refresh::due(state);
            if state.view == View::Endpoint {
                commands.retain(|c| {
                    !matches!(
                        c,
                        Command::LoadSeries {
                            purpose: SeriesPurpose::Detail,
                            ..
                        }
                    )
                });
                commands.extend(refresh::detail_requests(state, true));
            }
            flash(state, "refreshing…", FlashLevel::Info);
            Outcome::with(commands)
        }
    }
}

fn tick(state: &mut State, now: Epoch) -> Outcome {
    let before = screen_clock(state);
    state.now = now;
    let flash_expired = state.flash.as_ref().is_some_and(|f| f.until <= now);
    if flash_expired {
        state.flash = None;
    }
    let commands = refresh::due(state);
    Outcome {
        commands,
        // Everything time-dependent on screen has minute resolution or is a staleness flag.
        redraw: flash_expired || screen_clock(state) != before,
    }
}

/// What of the clock the screen can show: the minute, and whether data counts as stale.
fn screen_clock(state: &State) -> (Epoch, bool) {
    let stale = matches!(
        super::query::freshness(state),
        super::query::DataFreshness::Stale(_)
    );
    (state.now.div_euclid(60), stale)
}

fn fix_offsets(state: &mut State) {
    let page = page_rows(state, View::Fleet);
    keep_visible(state.fleet.selected, &mut state.fleet.offset, page);
    let page = page_rows(state, View::Alarms);
    keep_visible(
        state.alarms_view.selected,
        &mut state.alarms_view.offset,
        page,
    );
}

fn move_cursor(state: &mut State, delta: isize) -> Outcome {
    match state.view {
        View::Fleet if state.fleet.focus == FleetFocus::Accounts => {
            state.fleet.account_cursor =
                step(state.fleet.account_cursor, delta, state.accounts.len() + 1);
        }
        View::Fleet => {
            state.fleet.selected = step(state.fleet.selected, delta, state.fleet.rows.len());
            fix_offsets(state);
        }
        View::Endpoint => {
            state.detail.selected_chart = step(state.detail.selected_chart, delta, METRICS.len());
        }
        View::Alarms => {
            let before = state.alarms_view.selected;
            state.alarms_view.selected = step(before, delta, state.alarms_view.rows.len());
            fix_offsets(state);
            // An open history pane follows the selection.
            if state.alarms_view.history_of.is_some() && before != state.alarms_view.selected {
                return open_history(state);
            }
        }
    }
    Outcome::redraw()
}

fn show(state: &mut State, view: View) -> Outcome {
    if view == View::Endpoint && state.detail.endpoint.is_none() {
        flash(
            state,
            "no endpoint open: select one in the fleet",
            FlashLevel::Info,
        );
        return Outcome::redraw();
    }
    if state.view != View::Endpoint {
        state.previous_view = state.view;
    }
    state.view = view;
    shrink_store(state);
    Outcome::redraw()
}

/// Drops what no view shows any more, so memory follows the screen.
fn shrink_store(state: &mut State) {
    let mut store = std::mem::take(&mut state.store);
    store.retain(|k| refresh::capacity_for(state, k));
    state.store = store;
}

fn open_endpoint(state: &mut State, key: EndpointKey) -> Outcome {
    if state.view != View::Endpoint {
        state.previous_view = state.view;
    }
    state.view = View::Endpoint;
    // The range is a preference that carries over; the window always starts at now.
    state.detail.pan = 0;
    if state.detail.endpoint.as_ref() != Some(&key) {
        state.detail.endpoint = Some(key.clone());
        state.detail.selected_chart = 0;
        state.detail.maximized = false;
    }
    state.detail.monitoring = Loadable::Loading;
    state.schedule.detail_at = state.now + state.refresh_secs.max(1);
    let mut commands = refresh::detail_requests(state, true);
    commands.push(Command::LoadMonitoring(key));
    Outcome::with(commands)
}

fn select(state: &mut State) -> Outcome {
    match state.view {
        View::Fleet if state.fleet.focus == FleetFocus::Accounts => {
            let cursor = state.fleet.account_cursor;
            state.fleet.account_filter = cursor
                .checked_sub(1)
                .and_then(|i| state.accounts.get(i))
                .map(|a| a.id.clone());
            state.fleet.focus = FleetFocus::Endpoints;
            state.fleet.selected = 0;
            state.fleet.offset = 0;
            rows::rebuild_fleet_rows(state);
            rows::rebuild_alarm_rows(state);
            Outcome::redraw()
        }
        View::Fleet => match state.selected_endpoint().map(Endpoint::key) {
            Some(key) => open_endpoint(state, key),
            None => Outcome::default(),
        },
        View::Endpoint => {
            state.detail.maximized = !state.detail.maximized;
            Outcome::redraw()
        }
        View::Alarms => {
            let Some(alarm) = state.selected_alarm() else {
                return Outcome::default();
            };
            let open = state.alarms_view.history_of.as_ref()
                == Some(&(alarm.account_id.clone(), alarm.name.clone()));
            // First Enter shows the history; a second one jumps to the alarm's endpoint.
            match (open, alarm.endpoint.clone()) {
                (true, Some(endpoint)) if state.endpoint(&endpoint).is_some() => {
                    open_endpoint(state, endpoint)
                }
                (true, _) => Outcome::default(),
                (false, _) => open_history(state),
            }
        }
    }
}

fn open_history(state: &mut State) -> Outcome {
    let Some(alarm) = state.selected_alarm() else {
        return Outcome::redraw();
    };
    let (account_id, name) = (alarm.account_id.clone(), alarm.name.clone());
    state.alarms_view.history_of = Some((account_id.clone(), name.clone()));
    state.alarms_view.history = Loadable::Loading;
    state.alarms_view.history_scroll = 0;
    // The history pane may take rows from the table: keep the selected alarm in view.
    fix_offsets(state);
    Outcome::with(vec![Command::LoadAlarmHistory { account_id, name }])
}

fn toggle_history(state: &mut State) -> Outcome {
    if state.alarms_view.history_of.take().is_some() {
        state.alarms_view.history = Loadable::NotRequested;
        Outcome::redraw()
    } else {
        open_history(state)
    }
}

fn back(state: &mut State) -> Outcome {
    match state.view {
        View::Alarms if state.alarms_view.history_of.is_some() => {
            state.alarms_view.history_of = None;
            state.alarms_view.history = Loadable::NotRequested;
        }
        View::Alarms if !state.alarms_view.filter.is_empty() => {
            state.alarms_view.filter.clear();
            rows::rebuild_alarm_rows(state);
        }
        View::Alarms => return show(state, View::Fleet),
        View::Endpoint if state.detail.maximized => state.detail.maximized = false,
        View::Endpoint => return show(state, state.previous_view),
        View::Fleet if !state.fleet.filter.is_empty() => {
            state.fleet.filter.clear();
            rows::rebuild_fleet_rows(state);
        }
        View::Fleet if state.fleet.account_filter.is_some() => {
            state.fleet.account_filter = None;
            state.fleet.account_cursor = 0;
            rows::rebuild_fleet_rows(state);
            rows::rebuild_alarm_rows(state);
        }
        View::Fleet => state.fleet.focus = FleetFocus::Endpoints,
    }
    fix_offsets(state);
    Outcome::redraw()
}

fn set_range(state: &mut State, range: usize) -> Outcome {
    let range = range.min(RANGES.len() - 1);
    if range == state.detail.range {
        return Outcome::redraw();
    }
    state.detail.range = range;
    reload_detail(state)
}

fn pan(state: &mut State, pan: i64) -> Outcome {
    // CloudWatch keeps 1-minute data for 15 days; the store holds the window plus the pan.
    let pan = pan.clamp(0, MAX_PAN_SECS - state.detail.range_secs());
    if pan == state.detail.pan {
        return Outcome::redraw();
    }
    state.detail.pan = pan;
    reload_detail(state)
}

fn reload_detail(state: &mut State) -> Outcome {
    if state.view != View::Endpoint {
        return Outcome::redraw();
    }
    shrink_store(state);
    Outcome::with(refresh::detail_requests(state, true))
}

fn set_filter(state: &mut State, text: &str) {
    match state.view {
        View::Alarms => {
            state.alarms_view.filter = text.to_owned();
            state.alarms_view.selected = 0;
            state.alarms_view.offset = 0;
            rows::rebuild_alarm_rows(state);
        }
        _ => {
            state.fleet.filter = text.to_owned();
            state.fleet.selected = 0;
            state.fleet.offset = 0;
            rows::rebuild_fleet_rows(state);
        }
    }
    fix_offsets(state);
}

fn input(state: &mut State, key: InputKey) -> Outcome {
    let prompt = std::mem::replace(&mut state.prompt, Prompt::None);
    match prompt {
        Prompt::None => Outcome::default(),
        Prompt::Filter(mut line) => {
            match line.apply(key, &[]) {
                Edit::Submit(_) => {}
                // k9s: Esc drops the filter altogether.
                Edit::Cancel => set_filter(state, ""),
                Edit::Changed => {
                    set_filter(state, line.text());
                    state.prompt = Prompt::Filter(line);
                }
                Edit::Unchanged | Edit::Complete => state.prompt = Prompt::Filter(line),
            }
            Outcome::redraw()
        }
        Prompt::Command(mut line) => match line.apply(key, &state.command_history) {
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
                run_command(state, &text)
            }
            Edit::Cancel => {
                state.completions.clear();
                Outcome::redraw()
            }
            Edit::Complete => {
                if let Some(first) = state.completions.first() {
                    line.set_text(&commands::apply_completion(line.text(), first));
                }
                state.completions = commands::completions(state, line.text());
                state.prompt = Prompt::Command(line);
                Outcome::redraw()
            }
            Edit::Changed | Edit::Unchanged => {
                state.completions = commands::completions(state, line.text());
                state.prompt = Prompt::Command(line);
                Outcome::redraw()
            }
        },
    }
}

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

fn run_command(state: &mut State, line: &str) -> Outcome {
    let cmd = match commands::parse(line.trim_start_matches(':')) {
        Ok(cmd) => cmd,
        Err(e) => {
            flash(state, e, FlashLevel::Error);
            return Outcome::redraw();
        }
    };
    match cmd {
        Cmd::Quit => {
            state.should_quit = true;
            Outcome::default()
        }
        Cmd::Fleet => show(state, View::Fleet),
        Cmd::Alarms => show(state, View::Alarms),
        Cmd::Help => {
            state.help = Some(0);
            Outcome::redraw()
        }
        Cmd::Refresh => update(state, Action::Refresh),
        Cmd::Filter(text) => {
            set_filter(state, &text);
            Outcome::redraw()
        }
        Cmd::Range(i) => {
            let out = set_range(state, i);
            flash(
                state,
                format!("range {}", state.detail.range_label()),
                FlashLevel::Info,
            );
            out
        }
        Cmd::Theme(name) => {
            match state.themes.iter().find(|t| t.name == name) {
                Some(t) => {
                    state.theme = t.clone();
                    flash(state, format!("theme {name}"), FlashLevel::Info);
                }
                None => {
                    let names: Vec<&str> = state.themes.iter().map(|t| t.name.as_str()).collect();
                    flash(
                        state,
                        format!("unknown theme {name:?}: {}", names.join(", ")),
                        FlashLevel::Error,
                    );
                }
            }
            Outcome::redraw()
        }
        Cmd::Sort(column, descending) => {
            state.fleet.sort = column;
            state.fleet.descending = descending;
            rows::rebuild_fleet_rows(state);
            fix_offsets(state);
            Outcome::redraw()
        }
        Cmd::Account(None) => {
            state.fleet.account_filter = None;
            state.fleet.account_cursor = 0;
            rows::rebuild_fleet_rows(state);
            rows::rebuild_alarm_rows(state);
            fix_offsets(state);
            Outcome::redraw()
        }
        Cmd::Account(Some(wanted)) => {
            match find_account(state, &wanted) {
                Some(id) => {
                    state.fleet.account_cursor = state
                        .accounts
                        .iter()
                        .position(|a| a.id == id)
                        .map_or(0, |i| i + 1);
                    state.fleet.account_filter = Some(id);
                    state.fleet.selected = 0;
                    state.fleet.offset = 0;
                    rows::rebuild_fleet_rows(state);
                    rows::rebuild_alarm_rows(state);
                    if state.view == View::Endpoint {
                        state.view = View::Fleet;
                    }
                }
                None => flash(state, format!("no account {wanted:?}"), FlashLevel::Error),
            }
            Outcome::redraw()
        }
        Cmd::Endpoint(wanted) => {
            let scope = state.fleet.account_filter.clone();
            let mut found = state
                .endpoints
                .iter()
                .filter(|e| e.name == wanted)
                .filter(|e| scope.as_ref().is_none_or(|a| &e.account_id == a));
            match (found.next().map(Endpoint::key), found.next()) {
                (Some(key), None) => open_endpoint(state, key),
                (Some(_), Some(_)) => {
                    flash(
                        state,
                        format!("{wanted} exists in several accounts: :account first"),
                        FlashLevel::Error,
                    );
                    Outcome::redraw()
                }
                (None, _) => {
                    flash(state, format!("no endpoint {wanted:?}"), FlashLevel::Error);
                    Outcome::redraw()
                }
            }
        }
    }
}

fn loaded_data(state: &mut State, loaded: Loaded) -> Outcome {
    match loaded {
        Loaded::Identity(Ok(mut identity)) => {
            identity.sanitize();
            state.identity = Some(identity);
        }
        Loaded::Fleet(Ok((mut accounts, mut endpoints))) => {
            accounts.sanitize();
            endpoints.sanitize();
            // The monitoring account first, then source accounts by label.
            accounts.sort_by(|a, b| b.monitoring.cmp(&a.monitoring).then(a.label.cmp(&b.label)));
            let new_endpoints = endpoints
                .iter()
                .any(|e| state.endpoint_by_name(&e.account_id, &e.name).is_none());
            state.accounts = accounts;
            state.set_endpoints(endpoints);
            state.fleet.account_cursor = state.fleet.account_cursor.min(state.accounts.len());
            state.freshness.fleet_ok_at = Some(state.now);
            rows::rebuild_fleet_rows(state);
            rows::rebuild_alarm_index(state);
            rows::rebuild_alarm_rows(state);
            shrink_store(state);
            fix_offsets(state);
            if new_endpoints {
                // Their series are wanted now, not at the next refresh.
                state.schedule.minute_series_at = 0;
                state.schedule.hourly_series_at = 0;
                return Outcome::with(refresh::due(state));
            }
        }
        Loaded::Alarms(Ok(mut alarms)) => {
            alarms.sanitize();
            state.alarms = alarms;
            state.freshness.alarms_ok_at = Some(state.now);
            rows::rebuild_alarm_index(state);
            rows::rebuild_alarm_rows(state);
            if state.fleet.sort == FleetColumn::Status {
                rows::rebuild_fleet_rows(state);
            }
            fix_offsets(state);
        }
        Loaded::Series(Ok(data)) => {
            for mut series in data {
                series.key.sanitize();
                let cap = refresh::capacity_for(state, &series.key);
                if cap > 0 {
                    state.store.ingest(series, cap);
                }
            }
            state.freshness.series_ok_at = Some(state.now);
            state.freshness.newest_point = state
                .store
                .iter()
                .filter(|(k, _)| k.period < 3600)
                .filter_map(|(_, s)| s.latest().map(|(ts, _)| ts))
                .max();
            if matches!(state.fleet.sort, FleetColumn::Metric(_)) {
                rows::rebuild_fleet_rows(state);
            }
        }
        Loaded::AlarmHistory {
            account_id,
            name,
            result,
        } => {
            // A late answer for an alarm no longer shown is dropped.
            if state.alarms_view.history_of.as_ref() == Some(&(account_id, name)) {
                state.alarms_view.history = match result {
                    Ok(mut items) => {
                        items.sanitize();
                        Loadable::Loaded(items)
                    }
                    Err(e) => Loadable::Failed(crate::sanitize::clean(&e.to_string()).into_owned()),
                };
            }
        }
        Loaded::Monitoring { endpoint, result } => {
            if state.detail.endpoint.as_ref() == Some(&endpoint) {
                state.detail.monitoring = match result {
                    Ok(mut schedules) => {
                        schedules.sanitize();
                        Loadable::Loaded(schedules)
                    }
                    Err(e) => Loadable::Failed(crate::sanitize::clean(&e.to_string()).into_owned()),
                };
            }
        }
        Loaded::Health(mut health) => {
            health.sanitize();
            // Usage counters change with every refresh, and an idle console must write
            // nothing: they are shown once a minute, on the frame the clock redraws anyway.
            let held = &mut state.source_health;
            let news = health.problems != held.problems
                || (health.throttled_recently > 0) != (held.throttled_recently > 0);
            let usage_due = state.now.div_euclid(60) != state.usage_shown_at.div_euclid(60);
            if usage_due || held.metrics_requested_last_hour == 0 {
                state.usage_shown_at = state.now;
                held.metric_data_calls_last_hour = health.metric_data_calls_last_hour;
                held.metrics_requested_last_hour = health.metrics_requested_last_hour;
            }
            held.problems = health.problems;
            held.throttled_recently = health.throttled_recently;
            if !news {
                return Outcome::default();
            }
        }
        Loaded::Identity(Err(e))
        | Loaded::Fleet(Err(e))
        | Loaded::Alarms(Err(e))
        | Loaded::Series(Err(e)) => source_failed(state, &e),
    }
    Outcome::redraw()
}
