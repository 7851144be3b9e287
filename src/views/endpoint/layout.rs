//! The endpoint screen's geometry: the summary line, and the grid of charts scrolled by
//! whole rows so the selected chart is always on screen.

use ratatui::layout::Rect;

/// Below this a braille chart is a smear; the grid scrolls instead of squeezing.
const MIN_CHART_H: u16 = 8;
const MIN_CHART_W: u16 = 40;

/// The summary line and the charts' grid under it.
pub fn bands(area: Rect) -> (Rect, Rect) {
    let summary = Rect::new(area.x, area.y, area.width, area.height.min(1));
    let grid = Rect::new(
        area.x,
        area.y + summary.height,
        area.width,
        area.height - summary.height,
    );
    (summary, grid)
}

/// Which of `count` charts are on screen, each with its cell: up to four columns of at
/// least `MIN_CHART_W`, rows of at least `MIN_CHART_H`, scrolled so that `selected` shows.
/// The last row and column take the remainder, so the grid fills the screen.
pub fn chart_cells(grid: Rect, count: usize, selected: usize) -> Vec<(usize, Rect)> {
    if grid.is_empty() || count == 0 {
        return Vec::new();
    }
    let cols = (grid.width / MIN_CHART_W).clamp(1, 4);
    let total_rows = count.div_ceil(usize::from(cols));
    let visible_rows = usize::from((grid.height / MIN_CHART_H).max(1)).min(total_rows);
    let first_row = (selected / usize::from(cols)).saturating_sub(visible_rows - 1);
    let vis = u16::try_from(visible_rows).unwrap_or(1);
    let (cell_h, cell_w) = (grid.height / vis, grid.width / cols);
    let mut cells = Vec::new();
    for r in 0..vis {
        for c in 0..cols {
            let i = (first_row + usize::from(r)) * usize::from(cols) + usize::from(c);
            if i >= count {
                break;
            }
            let w = if c + 1 == cols {
                grid.width - c * cell_w
            } else {
                cell_w
            };
            let h = if r + 1 == vis {
                grid.height - r * cell_h
            } else {
                cell_h
            };
            cells.push((i, Rect::new(grid.x + c * cell_w, grid.y + r * cell_h, w, h)));
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_fills_the_screen_and_scrolls_to_the_selected_chart() {
        let grid = Rect::new(0, 1, 120, 23);
        let cells = chart_cells(grid, 10, 0);
        // Three columns of 40, two rows (23 / 8) of 11 and 12.
        assert_eq!(cells.len(), 6);
        assert_eq!(cells[0], (0, Rect::new(0, 1, 40, 11)));
        assert_eq!(cells[5], (5, Rect::new(80, 12, 40, 12)));
        // The last chart selected: the grid scrolls so its row is the last on screen.
        let cells = chart_cells(grid, 10, 9);
        assert_eq!(cells.first().map(|c| c.0), Some(6));
        assert!(cells.iter().any(|c| c.0 == 9));
        assert!(chart_cells(Rect::new(0, 0, 0, 0), 10, 0).is_empty());
    }
}
