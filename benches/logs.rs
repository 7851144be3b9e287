//! The logs view's costs (issue 12): how many lines a second the live tail takes in and
//! shows while each frame stays under 1 ms at 200x60. One iteration is one tail update (1,
//! 100 or 500 lines: AWS sends at most 500 per update) going through the console's update
//! path into a full buffer (20,000 lines, so the oldest are dropped too) and one frame
//! drawn; the frame alone is the baseline. Lines a second = lines per update / median time.
//! Also: a line made safe (`LogEvent::new`, on the worker, not the UI thread), and (issue
//! 28) `w` over a buffer holding its 16 MiB of lines: the save command built in `update`
//! (under 1 ms: the lines are shared with the worker that writes them, not copied).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::app::action::Action;
use sagewatch::app::command::Command;
use sagewatch::app::state::State;
use sagewatch::app::update::update;
use sagewatch::logs::follow::FollowEvent;
use sagewatch::logs::tail::{DEFAULT_CAPACITY, DEFAULT_MAX_BYTES, TailBuffer, TailLine};
use sagewatch::source::logs::LogEvent;
use sagewatch::ui::{self, fixture};
use sagewatch::views::LogsLoaded;
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

/// The tail pane, its buffer full.
fn full_tail(wrap: bool) -> State {
    let mut s = fixture::with_logs(fixture::LogsStage::Tail);
    s.size = SIZE;
    s.views.logs.tail.wrap = wrap;
    let lines = (0..DEFAULT_CAPACITY)
        .map(fixture::log_line)
        .map(|(ms, stream, text)| TailLine {
            timestamp_ms: ms,
            stream,
            text,
        });
    s.views.logs.tail.buffer.push_update(lines, false);
    assert_eq!(s.views.logs.tail.buffer.len(), DEFAULT_CAPACITY);
    s
}

fn update_of(session: u64, from: usize, n: usize) -> Action {
    let events = (from..from + n)
        .map(fixture::log_line)
        .map(|(ms, stream, text)| LogEvent::new(ms, &stream, text.as_bytes(), None))
        .collect();
    Action::from(LogsLoaded::Tail {
        session,
        event: FollowEvent::Lines {
            events,
            sampled: false,
        },
    })
}

fn ingest(c: &mut Criterion) {
    let mut g = c.benchmark_group("tail 200x60");
    for wrap in [false, true] {
        let state = full_tail(wrap);
        let mut still = terminal();
        let label = if wrap { "wrapped" } else { "cut" };
        g.bench_function(format!("frame only ({label})"), |b| {
            b.iter(|| draw(&mut still, &state))
        });
        for n in [1usize, 100, 500] {
            let mut state = full_tail(wrap);
            let session = state.views.logs.tail.session.expect("a session");
            let mut terminal = terminal();
            let mut next = DEFAULT_CAPACITY;
            g.throughput(Throughput::Elements(n as u64));
            g.bench_function(format!("update of {n} lines + frame ({label})"), |b| {
                b.iter_batched(
                    || {
                        next += n;
                        update_of(session, next, n)
                    },
                    |action| {
                        black_box(update(&mut state, action));
                        draw(&mut terminal, &state);
                    },
                    BatchSize::SmallInput,
                )
            });
        }
    }
    g.finish();
}

fn safe_lines(c: &mut Criterion) {
    let mut g = c.benchmark_group("line made safe");
    let plain = fixture::log_line(5).2;
    let hostile = format!("\u{1b}[31m{}\u{9b}2J\u{202e}{}", plain, "\u{7}".repeat(40));
    for (name, text) in [("plain", plain), ("hostile", hostile)] {
        g.throughput(Throughput::Elements(1));
        g.bench_function(name, |b| {
            b.iter(|| {
                LogEvent::new(
                    1,
                    "blue/i-0a1b2c3d4e5f60718",
                    black_box(text.as_bytes()),
                    None,
                )
            })
        });
    }
    g.finish();
}

/// `w` over a tail holding as many bytes as it may (`DEFAULT_MAX_BYTES`, 16 MiB: lines of
/// 780 characters, about 12,800 of them as a line's allocations are counted): the time
/// `update` takes to build the save command.
fn save(c: &mut Criterion) {
    let mut s = fixture::with_logs(fixture::LogsStage::Tail);
    s.size = SIZE;
    let long = |i: usize| {
        let (ms, stream, text) = fixture::log_line(i);
        let mut long = text.clone();
        while long.len() < 780 {
            long.push(' ');
            long.push_str(&text);
        }
        long.truncate(780);
        TailLine {
            timestamp_ms: ms,
            stream,
            text: long,
        }
    };
    s.views.logs.tail.buffer = TailBuffer::new(DEFAULT_CAPACITY);
    s.views
        .logs
        .tail
        .buffer
        .push_update((0..DEFAULT_CAPACITY).map(long), false);
    let buffer = &s.views.logs.tail.buffer;
    // Full by bytes: the 16 MiB bound is what holds the lines back (a few went).
    assert!(
        buffer.bytes() > DEFAULT_MAX_BYTES - 1024 && buffer.dropped > 0,
        "{} bytes, {} dropped",
        buffer.bytes(),
        buffer.dropped
    );
    let held = buffer.len();
    let out = update(&mut s, Action::SaveLogs);
    let [Command::Export(job)] = out.commands.as_slice() else {
        panic!("{:?}", out.commands.len());
    };
    assert_eq!(job.rows.len(), held);
    let mut g = c.benchmark_group("logs save");
    g.bench_function(format!("w command, {held} lines, 16 MiB held"), |b| {
        b.iter_with_large_drop(|| update(&mut s, black_box(Action::SaveLogs)))
    });
    g.finish();
}

criterion_group!(benches, ingest, safe_lines, save);
criterion_main!(benches);
