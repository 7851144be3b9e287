//! Peak memory of the trail view holding N result rows (issue 11): builds the fixture's
//! N-row result (argv[1], default 100000), draws one frame at 200x60, prints the store's own
//! figure and exits; run it under `/usr/bin/time -v` for the peak RSS (and at N=0 for the
//! baseline the rows are measured against).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::ui::{self, fixture};

fn main() {
    let rows = match std::env::args().nth(1) {
        None => 100_000,
        Some(a) => match a.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("usage: trail_rss [ROWS]   (a count of rows, default 100000)");
                std::process::exit(2);
            }
        },
    };
    let mut state = fixture::with_trail_rows(rows);
    state.size = (200, 60);
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
    println!(
        "rows={} heap_bytes={}",
        state.views.trail.results.len(),
        state.views.trail.results.heap_bytes()
    );
}
