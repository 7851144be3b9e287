//! `update(state, action) -> Outcome`: the only place `State` changes, and here it only
//! routes. The clock, terminal size, results and `:` lines are the console's; a key goes to
//! the prompt if one is open, else to the overlay on top, else to a global action, else to
//! the view in focus; a paste only ever to the line or field being edited. Synchronous and
//! free of I/O, so every behaviour is testable without a terminal or a network.

use super::action::Action;
use super::command::Command;
use super::state::State;
use super::{commands, data, paste, prompt, query, refresh, write};
use crate::overlays;
use crate::views::{self, Change};

pub use super::outcome::Outcome;

/// Commands to run once at start.
pub fn init(state: &mut State) -> Vec<Command> {
    let mut commands = vec![Command::LoadIdentity];
    commands.extend(refresh::due(state));
    commands
}

pub fn update(state: &mut State, action: Action) -> Outcome {
    let was = state.view;
    let mut out = route(state, action);
    // A confirmation opened (or took a key too soon): its wait before it takes keys.
    out.commands.extend(overlays::confirm::arm_waiting(state));
    if was != state.view {
        out.commands.extend(views::module(was).left(state));
        out.commands
            .extend(views::module(state.view).entered(state));
    }
    out
}

fn route(state: &mut State, action: Action) -> Outcome {
    match action {
        Action::Tick(now) => tick(state, now),
        Action::Resize(w, h) => {
            let before = refresh::on_screen(state);
            state.size = (w, h);
            data::changed(state, Change::Resize);
            Outcome::with(refresh::scrolled_in(state, &before))
        }
        Action::Loaded(loaded) => data::loaded(state, *loaded),
        // Handed back by the alarm form and the confirmation, wherever they were opened.
        Action::FormSubmitted { view, values } => views::module(view).form_submitted(state, values),
        Action::Write(requests) => write::send(state, requests),
        Action::Confirmed { view, what, text } => views::module(view).confirmed(state, what, text),
        Action::Run(line) => commands::run(state, &line),
        Action::Quit => {
            state.should_quit = true;
            // Nothing goes on scanning in Athena or CloudWatch after the console is gone.
            let mut commands = Vec::new();
            for view in views::all() {
                commands.extend(view.on_quit(state));
            }
            Outcome::with(commands)
        }
        Action::Paste(text) => paste::paste(state, &text),
        Action::ConfirmArmed(serial) => overlays::confirm::armed(state, serial),
        Action::Input(key) if state.prompt != super::state::Prompt::None => {
            prompt::input(state, key)
        }
        action if !state.overlays.is_empty() => overlays::update(state, action),
        // Text keys with nothing to type into.
        Action::Input(_) => Outcome::default(),
        Action::ToggleHelp => {
            overlays::help::open(state);
            Outcome::redraw()
        }
        Action::OpenCommand => prompt::open_command(state),
        Action::OpenFilter => prompt::open_filter(state),
        // `ShowTrail`, `ShowLogs`...: to the view they open, from wherever they are pressed.
        action if views::opener(&action).is_some() => match views::opener(&action) {
            Some(view) => view.open(state, action),
            None => Outcome::default(),
        },
        Action::Refresh => refresh_now(state),
        // Refused here for every view, whatever it would have done with the key.
        action if state.readonly && action.mutates() => {
            super::outcome::flash(state, write::READ_ONLY, super::state::FlashLevel::Error);
            Outcome::redraw()
        }
        action => views::module(state.view).update(state, action),
    }
}

/// The clock moved. `local` is this host's clock; the console runs on AWS's (the skew the
/// source measured), so that a host whose clock is off neither marks every row stale nor
/// stops asking for the newest minutes; and a clock that went back moves the schedule with
/// it, so refreshes do not wait for it to catch up.
fn tick(state: &mut State, local: crate::source::model::Epoch) -> Outcome {
    let before = screen_clock(state);
    let now = local - state.clock_correction;
    if now < state.now {
        data::rebase_clock(state, now - state.now);
    }
    state.now = now;
    let flash_expired = state.flash.as_ref().is_some_and(|f| f.until <= now);
    if flash_expired {
        state.flash = None;
    }
    // Mute windows open and close on the minute: the counts follow, and the views with them.
    if screen_clock(state).0 != before.0 && !state.mutes.rules().is_empty() {
        data::recount_muted(state);
        data::changed(state, views::Change::Alarms);
    }
    let mut commands = refresh::due(state);
    for view in views::all() {
        commands.extend(view.due(state));
    }
    Outcome {
        commands,
        // Everything time-dependent on screen has minute resolution or is a staleness
        // flag, but for what a view counts in seconds (a run followed, a query running).
        redraw: flash_expired
            || screen_clock(state) != before
            || views::all().any(|view| view.ticking(state)),
    }
}

/// What of the clock the screen can show: the minute, and whether data counts as stale.
fn screen_clock(state: &State) -> (i64, bool) {
    let stale = matches!(query::freshness(state), query::DataFreshness::Stale(_));
    (state.now.div_euclid(60), stale)
}

/// `r`: everything periodic is due now; the view on screen may widen what it asks for.
fn refresh_now(state: &mut State) -> Outcome {
    refresh::make_all_due(state);
    let mut commands = refresh::due(state);
    views::module(state.view).refresh(state, &mut commands);
    super::outcome::flash(state, "refreshing…", super::state::FlashLevel::Info);
    Outcome::with(commands)
}
