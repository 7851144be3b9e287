//! Bytes written to the terminal: while nothing changes (target 0) and per new datapoint on
//! screen. Exact counts through the console's own backend stack (QuietBackend over crossterm)
//! into a counting sink, on the demo organisation with a clock moved by hand.
//!
//! Run: cargo bench --bench terminal_bytes

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use sagewatch::app::action::Action;
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::{init, update};
use sagewatch::clock::FixedClock;
use sagewatch::config::{Env, Overrides, load};
use sagewatch::quiet_backend::QuietBackend;
use sagewatch::source::SourceKind;
use sagewatch::source::demo::{DemoConfig, DemoSource};
use std::io::Write;
use std::sync::{Arc, Mutex};

const START: i64 = 1_795_687_200; // 2026-11-26T10:00:00Z

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<usize>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn take(&self) -> usize {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn measure(label: &str, scale: Option<(usize, usize)>, (w, h): (u16, u16)) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // Start one second into a minute so that ticks within it change nothing but the refresh.
    let t0 = START + 301;
    let clock = Arc::new(FixedClock::new(t0));
    let source = DemoSource::new(
        DemoConfig {
            seed: 42,
            start: START,
            scale,
        },
        clock.clone(),
    );
    let settings = load(&Overrides::default(), &Env::default()).unwrap();
    let mut state = State::new(
        SourceKind::Demo,
        t0,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.size = (w, h);
    state.refresh_secs = 10;
    let commands = init(&mut state);
    rt.block_on(headless::settle(&source, &mut state, commands));

    let sink = Sink::default();
    let mut terminal = Terminal::with_options(
        QuietBackend::new(CrosstermBackend::new(sink.clone())),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .unwrap();
    terminal.draw(|f| sagewatch::ui::draw(&state, f)).unwrap();
    let first_frame = sink.take();

    // One tick per second for the rest of the minute: refreshes run, data is the same.
    let mut tick = |state: &mut State, now: i64| {
        clock.set(now);
        let out = update(state, Action::Tick(now));
        rt.block_on(headless::settle(&source, state, out.commands));
        // Worker results always ask for a redraw in the real loop: draw every tick, and let
        // the backend prove that an unchanged frame costs nothing.
        terminal.draw(|f| sagewatch::ui::draw(state, f)).unwrap();
    };
    for s in 1..58 {
        tick(&mut state, t0 + s);
    }
    let idle = sink.take();

    // The next minute: one new point per 1-minute series, and the clock in the header.
    let mut minutes = 0;
    for m in 1..=5 {
        tick(&mut state, t0 + 60 * m - 1);
        minutes += 1;
    }
    let per_minute = sink.take() / minutes;
    let visible = state
        .views.fleet
        .rows
        .len()
        .min(sagewatch::views::table_rows(state.view, state.size));
    // Three 1-minute sparklines (CPU, memory, disk) per visible row get one new point each.
    let new_points = visible * 3;
    println!(
        "{label:<28} first frame {first_frame:>7} B | idle 57 s (5 refresh cycles) {idle:>3} B | \
         per new minute {per_minute:>6} B = {:.0} B per new datapoint on screen ({new_points} points)",
        per_minute as f64 / new_points.max(1) as f64
    );
}

fn main() {
    // `cargo test --all-targets` runs benches once as tests; the measurement is quick enough.
    measure("demo, 160x48", None, (160, 48));
    measure("demo 10x50, 200x60", Some((10, 50)), (200, 60));
}
