//! The UI fixture is usable from integration tests (through the `test-fixtures` feature),
//! and `table_rows` agrees with what `draw` shows.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::app::state::View;
use sagewatch::ui::{self, fixture};

#[test]
fn fleet_rows_fill_exactly_what_table_rows_promises() {
    let mut state = fixture::scaled(3, 20);
    let (w, h) = (120, 30);
    let rows = sagewatch::views::table_rows(View::Fleet, (w, h));
    // Start the table at the last page: the final row must be the last endpoint.
    state.views.fleet.offset = state.views.fleet.rows.len() - rows;
    state.views.fleet.selected = state.views.fleet.rows.len() - 1;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| ui::draw(&state, f)).expect("draw");
    let buf = terminal.backend().buffer();
    let line = |y: u16| -> String { (0..w).map(|x| buf[(x, y)].symbol()).collect() };
    let last_name = &state.endpoints[*state.views.fleet.rows.last().expect("rows")].name;
    // Header line, table border, table header, then `rows` data rows.
    let shown = line(2 + rows as u16);
    assert!(shown.contains(&last_name[..9]), "{shown}");
    assert!(!line(3 + rows as u16).contains("model-"));
}
