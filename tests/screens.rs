//! Screen snapshots of the demo organisation (fixed seed, fixed clock) at 80x24 and 160x48:
//! what a user sees, through the console's own update path.

use ratatui::{Terminal, backend::TestBackend};
use sagewatch::app::action::Action;
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::init;
use sagewatch::clock::{FixedClock, SharedClock};
use sagewatch::config::{Env, Overrides, load};
use sagewatch::source::demo::{DemoConfig, DemoSource};
use sagewatch::source::{FleetSource, SourceKind};
use std::sync::Arc;

const START: i64 = 1_795_687_200; // 2026-11-26T10:00:00Z
/// Five minutes in: the prod fraud-detector's accuracy alarm has just fired.
const NOW: i64 = START + 300;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn console(size: (u16, u16)) -> (DemoSource, State) {
    let clock: SharedClock = Arc::new(FixedClock::new(NOW));
    let source = DemoSource::new(
        DemoConfig {
            seed: 7,
            start: START,
            scale: None,
        },
        clock,
    );
    let settings = load(&Overrides::default(), &Env::default()).unwrap();
    let mut state = State::new(
        SourceKind::Demo,
        NOW,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.themes = Arc::new(settings.themes);
    state.size = size;
    state.views.studio.available = source.studio().is_some();
    let commands = init(&mut state);
    runtime().block_on(headless::settle(&source, &mut state, commands));
    (source, state)
}

fn act(source: &dyn FleetSource, state: &mut State, actions: &[Action]) {
    let rt = runtime();
    for a in actions {
        rt.block_on(headless::apply(source, state, a.clone()));
    }
}

fn render(state: &State) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| sagewatch::ui::draw(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
            line.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn screens(size: (u16, u16)) -> [(String, String); 5] {
    let (source, mut state) = console(size);
    let fleet = render(&state);
    act(
        &source,
        &mut state,
        &[Action::Run("endpoint fraud-detector".into())],
    );
    let endpoint = render(&state);
    act(&source, &mut state, &[Action::ShowAlarms, Action::Select]);
    let alarms = render(&state);
    // The Model Monitor pane: the run that revealed the drift, its violations beside the
    // baseline's thresholds, and the accuracy alert.
    act(
        &source,
        &mut state,
        &[Action::Run("monitor fraud-detector".into())],
    );
    let monitor = render(&state);
    // Studio across the organisation: the account without a role says so in its row.
    act(&source, &mut state, &[Action::Run("studio".into())]);
    let studio = render(&state);
    let tag = format!("{}x{}", size.0, size.1);
    [
        (format!("fleet_{tag}"), fleet),
        (format!("endpoint_{tag}"), endpoint),
        (format!("alarms_{tag}"), alarms),
        (format!("monitor_{tag}"), monitor),
        (format!("studio_{tag}"), studio),
    ]
}

#[test]
fn demo_screens_80x24() {
    for (name, screen) in screens((80, 24)) {
        insta::assert_snapshot!(name, screen);
    }
}

#[test]
fn demo_screens_160x48() {
    for (name, screen) in screens((160, 48)) {
        insta::assert_snapshot!(name, screen);
    }
}

#[test]
fn the_incident_is_on_screen_five_minutes_in() {
    let (source, mut state) = console((160, 48));
    act(&source, &mut state, &[Action::ShowAlarms]);
    let alarms = render(&state);
    let first_alarm = alarms
        .lines()
        .find(|l| l.trim_start_matches('│').trim_start().starts_with("ALARM "))
        .unwrap_or_default();
    assert!(
        first_alarm.contains("prod-fraud-detector"),
        "the newest ALARM is listed first:\n{alarms}"
    );
}
