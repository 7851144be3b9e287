//! Frame time of the fleet screen at 200x60 with 500 endpoints (10 accounts x 50), each with
//! six sparklines over full series: the target is under 1 ms per frame.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::app::state::View;
use sagewatch::ui::{self, fixture};
use std::hint::black_box;

fn fleet(c: &mut Criterion) {
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
    state.detail.endpoint = Some(state.endpoints[0].key());
    state.detail.range = 4;
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
