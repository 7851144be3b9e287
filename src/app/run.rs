//! The interactive event loop: terminal events, ticks, worker results and signals become
//! actions; `update` turns them into state and commands; the screen is drawn only when
//! something on it changed (an idle console writes nothing to the terminal).

use super::action::{Action, Loaded};
use super::input::{self, KeySequence};
use super::state::State;
use super::update::{self, Outcome};
use super::worker::{Done, Workers};
use crate::clock::SharedClock;
use crate::source::FleetSource;
use crossterm::event::EventStream;
use futures::StreamExt;
use ratatui::{Frame, Terminal, backend::Backend};
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

const TICK: Duration = Duration::from_secs(1);

pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    mut state: State,
    source: Arc<dyn FleetSource>,
    gate: Arc<crate::writes::Gate>,
    clock: SharedClock,
    draw: impl Fn(&State, &mut Frame),
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let (tx, mut results) = mpsc::unbounded_channel::<Done>();
    let mut workers = Workers::new(source, tx).with_gate(gate);
    let mut events = EventStream::new();
    let mut keys = KeySequence::default();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    // An SSH session that drops sends SIGHUP: leave cleanly rather than be killed mid-draw.
    let mut sighup = signal(SignalKind::hangup())?;
    // Raw mode turns Ctrl-C into a key, but `kill -INT`/`-QUIT` still arrive as signals.
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigquit = signal(SignalKind::quit())?;

    let size = terminal.size()?;
    state.size = (size.width, size.height);
    state.now = clock.now();
    for command in update::init(&mut state) {
        workers.dispatch(command);
    }
    terminal.draw(|f| draw(&state, f))?;
    tracing::info!(
        since_exec_us = crate::clock::micros_since_start(),
        "first frame drawn"
    );
    let mut data_frame_logged = false;

    while !state.should_quit {
        let mut pending: Vec<Action> = Vec::new();
        // A key's time from being read to its frame written (`SAGEWATCH_LOG=debug`): what
        // `scripts/bench` reports as key to screen.
        let mut key_read: Option<std::time::Instant> = None;
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    key_read = Some(std::time::Instant::now());
                    let text_mode = state.takes_text();
                    pending.extend(input::action_for(&event, text_mode, &state.keymap, &mut keys));
                }
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(done) = results.recv() => {
                workers.finished(&done);
                pending.push(done.action);
            }
            _ = ticker.tick() => pending.push(Action::Tick(clock.now())),
            _ = sigterm.recv() => pending.push(Action::Quit),
            _ = sighup.recv() => pending.push(Action::Quit),
            _ = sigint.recv() => pending.push(Action::Quit),
            _ = sigquit.recv() => pending.push(Action::Quit),
        }
        // Coalesce a burst (many results at once) into one frame.
        while let Ok(done) = results.try_recv() {
            workers.finished(&done);
            pending.push(done.action);
        }
        if pending.iter().any(|a| matches!(a, Action::Loaded(_))) {
            let health = workers.source_health();
            pending.push(Action::Loaded(Box::new(Loaded::Health(health))));
        }

        let mut redraw = false;
        for action in pending {
            let Outcome {
                commands,
                redraw: r,
            } = update::update(&mut state, action);
            redraw |= r;
            for command in commands {
                match command {
                    // The terminal's own clipboard: this loop owns the terminal.
                    super::command::Command::Clipboard(text) => copy_to_clipboard(&text),
                    command => workers.dispatch(command),
                }
            }
        }
        if redraw && !state.should_quit {
            terminal.draw(|f| draw(&state, f))?;
            if let Some(read) = key_read {
                tracing::debug!(micros = read.elapsed().as_micros() as u64, "key answered");
            }
            if !data_frame_logged && state.freshness.series_ok_at.is_some() {
                data_frame_logged = true;
                tracing::info!(
                    since_exec_us = crate::clock::micros_since_start(),
                    "first frame with fleet data drawn"
                );
            }
        }
    }
    // A change already confirmed finishes (and is recorded) before the console goes.
    let writes = workers.writes_in_flight();
    if writes > 0 {
        let text = format!("waiting for {writes} change(s) in flight to finish…");
        super::outcome::flash(&mut state, text, super::state::FlashLevel::Info);
        terminal.draw(|f| draw(&state, f))?;
    }
    workers.shutdown(WRITE_GRACE).await;
    Ok(())
}

/// OSC 52: the terminal the user sits at (over SSH too) puts `text` on its clipboard.
fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = out.write_all(crate::trail::clipboard::osc52(text).as_bytes());
    let _ = out.flush();
}

/// How long quitting waits for writes in flight.
const WRITE_GRACE: Duration = Duration::from_secs(15);
