//! The trail view's costs (issue 11): the frame while scrolling a 100,000-row result at
//! 200x60 (target under 1 ms, and no growth with the rows: the same at 40 and 1,000 rows), the time
//! from a result page's arrival to its rows on screen (ingest + one frame, against the
//! frame alone), and the `/` filter over 100,000 rows: its first key (a key most rows hold,
//! one no row holds) and a word pasted at once (issue 28: under 5 ms). Also (issue 28):
//! `:export` over 100,000 loaded rows, the command built in `update` (under 1 ms: the rows
//! are shared with the worker that writes them, not copied into the command).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::app::action::Action;
use sagewatch::app::command::Command;
use sagewatch::app::state::State;
use sagewatch::app::update::update;
use sagewatch::source::trail::{QueryState, QueryStatus, ResultPage, TrailSettings};
use sagewatch::ui::{self, fixture};
use sagewatch::views::trail::Phase;
use sagewatch::views::{self, TrailLoaded, View};
use std::hint::black_box;

const SIZE: (u16, u16) = (200, 60);

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("test backend")
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &State) {
    terminal
        .draw(|f| ui::draw(black_box(state), f))
        .map(|_| ())
        .expect("draw");
}

/// `with_trail_rows(rows)` at 200x60.
fn results(rows: usize) -> State {
    let mut s = fixture::with_trail_rows(rows);
    s.size = SIZE;
    assert_eq!(s.views.trail.results.len(), rows);
    s
}

/// One scroll step through the console's update path: `j` and PageDown by turns, back to the
/// top from the last row (so that every iteration moves the cursor, however many run).
fn scroll(state: &mut State, step: &mut u64) {
    let action = if state.views.trail.row + 1 >= state.views.trail.results.visible_len() {
        Action::MoveTop
    } else if step.is_multiple_of(2) {
        Action::MoveDown
    } else {
        Action::PageDown
    };
    *step += 1;
    black_box(update(state, action));
}

fn scrolling(c: &mut Criterion) {
    let mut g = c.benchmark_group("trail scroll 200x60");
    // 40 rows leave the table partly empty; 1,000 fill it, as 100,000 do: the frame should
    // not grow between those two.
    for rows in [40, 1_000, 100_000] {
        let mut state = results(rows);
        // The steps do move the cursor (a bench that measured a still table would say nothing).
        let mut step = 0;
        scroll(&mut state, &mut step);
        scroll(&mut state, &mut step);
        assert!(state.views.trail.row > 1, "row {}", state.views.trail.row);
        let mut terminal = terminal();
        g.bench_function(format!("update + frame, {rows} rows"), |b| {
            b.iter(|| {
                scroll(&mut state, &mut step);
                draw(&mut terminal, &state);
            })
        });
    }
    g.finish();
}

/// The trail view with `trail event:UpdateEndpoint` run, started and SUCCEEDED: waiting for
/// its first page.
fn paging() -> State {
    let mut s = fixture::state();
    s.size = SIZE;
    s.views.trail.available = Some(Ok(TrailSettings::default()));
    update(&mut s, Action::Run("trail event:UpdateEndpoint".into()));
    assert_eq!(s.view, View::Trail);
    let token = s
        .views
        .trail
        .query
        .as_ref()
        .expect("query started")
        .token
        .clone();
    let loaded = |s: &mut State, l: TrailLoaded| {
        update(s, l.into());
    };
    loaded(
        &mut s,
        TrailLoaded::Started {
            token: token.clone(),
            result: Ok("3f1c2a9e-0d4b-4c35-8a55-1f0e2b7c9d10".into()),
        },
    );
    loaded(
        &mut s,
        TrailLoaded::Status {
            token,
            result: Ok(QueryStatus {
                state: QueryState::Succeeded,
                reason: None,
                scanned_bytes: 187_400_000,
                total_millis: Some(4_800),
                reused: false,
                statement_type: Some("DML".into()),
            }),
        },
    );
    assert_eq!(
        s.views.trail.query.as_ref().map(|q| &q.phase),
        Some(&Phase::Paging { errors: 0 })
    );
    s
}

fn page_arrival(c: &mut Criterion) {
    let state = paging();
    let token = state
        .views
        .trail
        .query
        .as_ref()
        .expect("query")
        .token
        .clone();
    let page = ResultPage {
        columns: fixture::trail_columns(),
        rows: (0..1000).map(fixture::trail_row).collect(),
        next: None,
    };
    // The page does land (and the query finishes): checked once, outside the timing.
    {
        let mut s = state.clone();
        update(
            &mut s,
            Action::from(TrailLoaded::Page {
                token: token.clone(),
                result: Ok(Box::new(page.clone())),
            }),
        );
        assert_eq!(s.views.trail.results.len(), 1000);
        assert_eq!(
            s.views.trail.query.as_ref().map(|q| &q.phase),
            Some(&Phase::Done)
        );
    }
    let mut g = c.benchmark_group("trail first page 200x60");
    let mut terminal = terminal();
    g.bench_function("1000-row page arrives -> on screen", |b| {
        b.iter_batched(
            || {
                let action = Action::from(TrailLoaded::Page {
                    token: token.clone(),
                    result: Ok(Box::new(page.clone())),
                });
                (state.clone(), action)
            },
            |(mut s, action)| {
                black_box(update(&mut s, action));
                draw(&mut terminal, &s);
                s
            },
            BatchSize::LargeInput,
        )
    });
    // The same state drawn without the page: what the frame alone costs.
    g.bench_function("frame only (no page)", |b| {
        b.iter_batched(
            || state.clone(),
            |s| {
                draw(&mut terminal, &s);
                s
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn filter(c: &mut Criterion) {
    let state = results(100_000);
    let mut g = c.benchmark_group("trail slash filter");
    g.sample_size(20);
    for text in ["a", "q", "alice", ""] {
        let what = if text.is_empty() { "cleared" } else { text };
        g.bench_function(format!("set_filter {what}, 100000 rows"), |b| {
            b.iter_batched(
                || state.clone(),
                |mut s| {
                    views::module(View::Trail).set_filter(&mut s, black_box(text));
                    s
                },
                BatchSize::LargeInput,
            )
        });
    }
    // The next key typed: the filter narrows from the rows the last one kept.
    let mut typed = state.clone();
    views::module(View::Trail).set_filter(&mut typed, "alic");
    g.bench_function(
        "set_filter alic -> alice (the next key), 100000 rows",
        |b| {
            b.iter_batched(
                || typed.clone(),
                |mut s| {
                    views::module(View::Trail).set_filter(&mut s, black_box("alice"));
                    s
                },
                BatchSize::LargeInput,
            )
        },
    );
    g.finish();
}

/// `:export csv` over every row, and over the third a `/` filter keeps: the time `update`
/// takes to build the command (what the worker then writes is not timed).
fn export(c: &mut Criterion) {
    let line = || Action::Run("export csv /tmp/sagewatch-bench-export.csv".into());
    let mut all = results(100_000);
    let mut some = results(100_000);
    views::module(View::Trail).set_filter(&mut some, "alice");
    // The command is built, and carries the rows shown: checked once, outside the timing.
    for (s, rows) in [(&mut all, 100_000), (&mut some, 33_334)] {
        let out = update(s, line());
        let [Command::Export(job)] = out.commands.as_slice() else {
            panic!("{:?}", out.commands.len());
        };
        assert_eq!(job.rows.len(), rows);
    }
    let mut g = c.benchmark_group("trail export");
    for (what, s) in [("every row", &mut all), ("/ alice", &mut some)] {
        g.bench_function(format!(":export csv command, 100000 rows, {what}"), |b| {
            b.iter_with_large_drop(|| update(s, black_box(line())))
        });
    }
    g.finish();
}

criterion_group!(benches, scrolling, page_arrival, filter, export);
criterion_main!(benches);
