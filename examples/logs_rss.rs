//! Peak memory of the logs view with its tail buffer full (issue 12): fills the buffer with
//! N lines (argv[1], default 20000, the default bound) of LEN characters each (argv[2],
//! default 160; 2000 is the longest a line is kept), draws one frame at 200x60, prints the
//! buffer's own count of bytes and exits. Run it under `/usr/bin/time -v` for the peak RSS,
//! and at N=0 for the baseline.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::logs::tail::TailLine;
use sagewatch::ui::{self, fixture};

fn arg(n: usize, default: usize) -> usize {
    match std::env::args().nth(n) {
        None => default,
        Some(a) => a.parse().unwrap_or_else(|_| {
            eprintln!("usage: logs_rss [LINES] [CHARS_PER_LINE]   (counts)");
            std::process::exit(2);
        }),
    }
}

fn main() {
    let (lines, len) = (arg(1, 20_000), arg(2, 160));
    let mut state = fixture::with_logs(fixture::LogsStage::Tail);
    state.size = (200, 60);
    state.views.logs.tail.buffer =
        sagewatch::logs::tail::TailBuffer::new(sagewatch::logs::tail::DEFAULT_CAPACITY);
    let made = (0..lines).map(|i| {
        let (ms, stream, mut text) = fixture::log_line(i);
        while text.len() < len {
            text.push_str(" padding");
        }
        text.truncate(len);
        TailLine {
            timestamp_ms: ms,
            stream,
            text,
        }
    });
    state.views.logs.tail.buffer.push_update(made, false);
    let mut terminal = match Terminal::new(TestBackend::new(200, 60)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("test backend: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = terminal.draw(|f| ui::draw(&state, f)) {
        eprintln!("draw: {e}");
        std::process::exit(1);
    }
    let b = &state.views.logs.tail.buffer;
    println!(
        "lines={} dropped={} bytes={}",
        b.len(),
        b.dropped,
        b.bytes()
    );
}
