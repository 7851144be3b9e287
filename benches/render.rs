//! Frame time of the fleet screen at 200x60 with 500 endpoints (10 accounts x 50), each with
//! six sparklines over full series: the target is under 1 ms per frame.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::app::headless;
use sagewatch::app::state::{State, View};
use sagewatch::app::update::init;
use sagewatch::clock::FixedClock;
use sagewatch::config::{Env, Overrides, load};
use sagewatch::source::SourceKind;
use sagewatch::source::demo::{DemoConfig, DemoSource};
use sagewatch::ui::{self, fixture};
use std::hint::black_box;
use std::sync::Arc;

/// The console's state on `--demo-scale 10,50` after start-up, through its own update path.
fn demo_state() -> State {
    let start = 1_795_687_200 + 300;
    let clock = Arc::new(FixedClock::new(start));
    let source = DemoSource::new(
        DemoConfig {
            seed: 42,
            start: start - 300,
            scale: Some((10, 50)),
        },
        clock,
    );
    let settings = load(&Overrides::default(), &Env::default()).expect("shipped config");
    let mut state = State::new(
        SourceKind::Demo,
        start,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.size = (200, 60);
    let commands = init(&mut state);
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(headless::settle(&source, &mut state, commands));
    state
}

fn fleet(c: &mut Criterion) {
    let demo = demo_state();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    c.bench_function("draw fleet 200x60, demo --demo-scale 10,50", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(black_box(&demo), f))
                .map(|_| ())
                .expect("draw");
        })
    });
    let state = fixture::scaled(10, 50);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    c.bench_function("draw fleet 200x60, 500 endpoints", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(black_box(&state), f))
                .map(|_| ())
                .expect("draw");
        })
    });
    // What the terminal itself costs per frame (buffer diff, TestBackend copy), for scale.
    c.bench_function("draw nothing 200x60 (baseline)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(f.area());
                })
                .map(|_| ())
                .expect("draw")
        })
    });
    let mut state = state;
    state.view = View::Alarms;
    c.bench_function("draw alarms 200x60", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(black_box(&state), f))
                .map(|_| ())
                .expect("draw")
        })
    });
    state.view = View::Endpoint;
    state.views.endpoint.endpoint = Some(state.endpoints[0].key());
    state.views.endpoint.range = 4;
    c.bench_function("draw endpoint detail 200x60, 3d", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(black_box(&state), f))
                .map(|_| ())
                .expect("draw")
        })
    });
}

criterion_group!(benches, fleet);
criterion_main!(benches);
