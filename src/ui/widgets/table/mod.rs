//! The console's one table: columns from specs, laid out for the width it gets.
//!
//! Each column has a header, a width range, a priority, an alignment and a cut rule (as
//! bottom's `DataTable` does); a view's draw is then its column list and its cells.

mod cut;
mod layout;

pub use cut::{Cut, Fit, fit};
pub use layout::{GAP, LEAD};

use cut::{fit_middle, head_telling_apart};
use layout::widths;

use crate::config::theme::Theme;
use crate::ui::text::put;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// How a cell sits in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    /// Numbers and durations, so their digits line up.
    Right,
}

/// One column: what it is called, how wide it may be, how soon it drops, how its cells sit
/// and where they lose text when they do not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column<'a> {
    pub header: &'a str,
    pub min: u16,
    pub max: u16,
    /// 0 is always shown; higher numbers drop first on a narrow table.
    pub priority: u8,
    /// When the column widens towards its maximum: lower first. The priority, unless set.
    pub widen: u8,
    pub align: Align,
    pub cut: Cut,
    /// Takes the width left once every column reached its maximum (the last shown one).
    pub fill: bool,
    /// Blank cells before the column when another is shown before it.
    pub gap: u16,
}

impl<'a> Column<'a> {
    /// A left-aligned column as wide as its header, always shown, cut at the end.
    pub fn new(header: &'a str) -> Self {
        let w = crate::ui::text::width(header).max(1);
        Self {
            header,
            min: w,
            max: w,
            priority: 0,
            widen: 0,
            align: Align::Left,
            cut: Cut::End,
            fill: false,
            gap: GAP,
        }
    }

    /// From `min` cells (shown only if that fits) up to `max` when there is room.
    pub fn width(self, min: u16, max: u16) -> Self {
        Self {
            min,
            max: max.max(min),
            ..self
        }
    }

    /// Never shown: a column this layout of the table leaves out, keeping the indices.
    pub fn hidden(self) -> Self {
        self.width(0, 0)
    }

    /// Exactly `w` cells.
    pub fn fixed(self, w: u16) -> Self {
        self.width(w, w)
    }

    /// As wide as there is room for, after every other column.
    pub fn rest(self, min: u16) -> Self {
        self.width(min, u16::MAX)
    }

    /// Takes the slack: what is left after every column reached its maximum.
    pub fn fill(self) -> Self {
        Self { fill: true, ..self }
    }

    /// How soon the column drops (0: never), and widens (later for higher numbers).
    pub fn priority(self, priority: u8) -> Self {
        Self {
            priority,
            widen: priority,
            ..self
        }
    }

    /// Widens in tier `widen` rather than its priority's: a column kept long on a narrow
    /// table (sparklines) may still widen after one that drops before it (a schedule).
    pub fn widen(self, widen: u8) -> Self {
        Self { widen, ..self }
    }

    /// `gap` blank cells before the column: prose after a run of numbers reads apart.
    pub fn gap(self, gap: u16) -> Self {
        Self { gap, ..self }
    }

    pub fn right(self) -> Self {
        Self {
            align: Align::Right,
            ..self
        }
    }

    pub fn cut(self, cut: Cut) -> Self {
        Self { cut, ..self }
    }
}

/// A table laid out in its pane's inner area: the header on the first line, one row per line
/// below. Cells are written by column index; a dropped column's cells are not drawn.
pub struct Table<'a> {
    columns: &'a [Column<'a>],
    area: Rect,
    /// Left edge and width of each column; width 0 when dropped.
    spans: Vec<(u16, u16)>,
    /// Cells kept at the start by a middle cut, where `tell_apart` chose them.
    heads: Vec<Option<u16>>,
    /// Whether the first line holds the headers (else rows start there).
    headed: bool,
}

impl<'a> Table<'a> {
    pub fn new(columns: &'a [Column<'a>], area: Rect) -> Self {
        let mut x = area.x.saturating_add(LEAD);
        let mut first = true;
        let spans = widths(columns, area.width)
            .into_iter()
            .zip(columns)
            .map(|(w, c)| {
                if w > 0 {
                    if !first {
                        x = x.saturating_add(c.gap);
                    }
                    first = false;
                }
                let here = x;
                x = x.saturating_add(w);
                (here, w)
            })
            .collect();
        Self {
            columns,
            area,
            spans,
            heads: vec![None; columns.len()],
            headed: true,
        }
    }

    /// A table without a header line: a list whose columns say what they are (the fleet's
    /// accounts pane).
    pub fn headless(columns: &'a [Column<'a>], area: Rect) -> Self {
        Self {
            headed: false,
            ..Self::new(columns, area)
        }
    }

    /// Chooses where column `col` (cut in the middle) cuts so that `names`, its cells on
    /// screen, read apart: `mod…1400-5f1e2d3c` and `mod…1300-5f1e2d3c` rather than
    /// `model-monitoring-2…` twice.
    pub fn tell_apart<'n>(&mut self, col: usize, names: impl IntoIterator<Item = &'n str>) {
        let width = self.width(col);
        if width == 0 || self.columns.get(col).is_none_or(|c| c.cut != Cut::Middle) {
            return;
        }
        let names: Vec<&str> = names.into_iter().collect();
        self.heads[col] = Some(head_telling_apart(&names, width));
    }

    /// Whether column `col` is on screen.
    pub fn shown(&self, col: usize) -> bool {
        self.spans.get(col).is_some_and(|&(_, w)| w > 0)
    }

    /// Width of column `col`; 0 when dropped.
    pub fn width(&self, col: usize) -> u16 {
        self.spans.get(col).map_or(0, |&(_, w)| w)
    }

    /// The cell of column `col` on line `y`, for a cell the view draws itself (a
    /// sparkline); `None` when the column is dropped.
    pub fn cell(&self, col: usize, y: u16) -> Option<Rect> {
        let &(x, w) = self.spans.get(col).filter(|(_, w)| *w > 0)?;
        Some(Rect::new(x, y, w, 1).intersection(self.area))
    }

    /// From column `col` to the table's right edge: a note that spans the columns after it.
    pub fn span_from(&self, col: usize, y: u16) -> Option<Rect> {
        let cell = self.cell(col, y)?;
        Some(Rect::new(
            cell.x,
            y,
            self.area.right().saturating_sub(cell.x),
            1,
        ))
    }

    /// From column `from` to the end of column `to` (both shown): one cell over several.
    pub fn span(&self, from: usize, to: usize, y: u16) -> Option<Rect> {
        let (first, last) = (self.cell(from, y)?, self.cell(to, y)?);
        Some(Rect::new(
            first.x,
            y,
            last.right().saturating_sub(first.x),
            1,
        ))
    }

    /// The whole line `y`, for the selection mark.
    pub fn line(&self, y: u16) -> Rect {
        Rect::new(self.area.x, y, self.area.width, 1)
    }

    /// The header line, if the table has one: every shown column's header in `style`; the
    /// sorted column (if any) in `sorted_style` with `▼` (descending) or `▲`.
    pub fn header(&self, buf: &mut Buffer, style: Style, sort: Option<(usize, bool, Style)>) {
        if !self.headed {
            return;
        }
        let y = self.area.y;
        for (i, c) in self.columns.iter().enumerate() {
            match sort {
                Some((col, descending, sorted_style)) if col == i => {
                    let arrow = if descending { "▼" } else { "▲" };
                    let label = format!("{}{arrow}", c.header);
                    self.text(buf, i, y, &label, sorted_style);
                }
                _ => self.text(buf, i, y, c.header, style),
            }
        }
    }

    /// Positions (into the rows) and screen lines of the rows drawn: from `offset`, one per
    /// line below the header.
    pub fn rows(&self, offset: usize, len: usize) -> impl Iterator<Item = (usize, u16)> + use<> {
        let top = self.area.y + u16::from(self.headed);
        (offset..len).zip(top..self.area.bottom())
    }

    /// Writes `s` in column `col` of line `y`: aligned, and cut by the column's rule when it
    /// is too wide.
    pub fn text(&self, buf: &mut Buffer, col: usize, y: u16, s: &str, style: Style) {
        let (Some(area), Some(c)) = (self.cell(col, y), self.columns.get(col)) else {
            return;
        };
        let fitted = match self.heads.get(col).copied().flatten() {
            Some(head) => fit_middle(s, area.width, head),
            None => fit(s, area.width, c.cut),
        };
        write_fit(buf, area, fitted, c.align, style);
    }
}

/// Draws a fitted text in `area` (one line), aligned.
fn write_fit(buf: &mut Buffer, area: Rect, f: Fit<'_>, align: Align, style: Style) {
    let w = f.width().min(area.width);
    let x = match align {
        Align::Left => area.x,
        Align::Right => area.right() - w,
    };
    let end = area.right();
    let x = put(buf, area, x, area.y, f.head, end - x, style);
    if f.cut {
        let x = put(buf, area, x, area.y, "…", end.saturating_sub(x), style);
        put(buf, area, x, area.y, f.tail, end.saturating_sub(x), style);
    }
}

/// Marks the selected row: the selection colour while the table has focus, a dim reverse
/// otherwise, so the cursor stays visible when another pane has focus.
pub fn mark_selected(buf: &mut Buffer, row: Rect, theme: &Theme, focused: bool) {
    let style = if focused {
        theme.selection
    } else {
        theme.muted.add_modifier(Modifier::REVERSED)
    };
    buf.set_style(row, style);
}

/// Says why a table has no rows, on its first row, so an empty screen never looks broken.
pub fn empty_message(buf: &mut Buffer, inner: Rect, theme: &Theme, msg: &str) {
    if inner.height > 1 {
        put(
            buf,
            inner,
            inner.x + 1,
            inner.y + 1,
            msg,
            inner.width,
            theme.muted,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    #[test]
    fn cells_are_aligned_and_cut_by_their_column() {
        let columns = [
            Column::new("NAME").width(4, 12).cut(Cut::Middle),
            Column::new("N").fixed(4).right(),
            Column::new("REASON").rest(6).priority(1),
        ];
        let mut buf = Buffer::empty(Rect::new(0, 0, 24, 3));
        let table = Table::new(&columns, buf.area);
        table.header(
            &mut buf,
            Style::default(),
            Some((1, true, Style::default())),
        );
        table.text(&mut buf, 0, 1, "prod-fraud-detector-auc", Style::default());
        table.text(&mut buf, 1, 1, "42", Style::default());
        table.text(&mut buf, 2, 1, "a long reason", Style::default());
        table.text(&mut buf, 0, 2, "日本語テキスト", Style::default());
        assert_eq!(line(&buf, 0), " NAME          N▼ REASON");
        assert_eq!(line(&buf, 1), " prod-…r-auc   42 a lon…");
        // Wide characters take two cells each (the second drawn blank): 日本…キスト.
        assert_eq!(line(&buf, 2), " 日 本 …キ ス ト             ");
        assert_eq!(table.cell(2, 1), Some(Rect::new(18, 1, 6, 1)));
    }

    #[test]
    fn a_headless_table_lists_from_its_first_line() {
        let columns = [
            Column::new("NAME").width(4, 4).fill(),
            Column::new("N").fixed(2).right().gap(0),
        ];
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        let table = Table::headless(&columns, buf.area);
        table.header(&mut buf, Style::default(), None);
        let lines: Vec<(usize, u16)> = table.rows(3, 10).collect();
        assert_eq!(lines, [(3, 0), (4, 1)]);
        table.text(&mut buf, 0, 0, "prod", Style::default());
        table.text(&mut buf, 1, 0, "7", Style::default());
        assert_eq!(line(&buf, 0), " prod    7");
        assert_eq!(table.span(0, 1, 1), Some(Rect::new(1, 1, 9, 1)));
    }

    #[test]
    fn a_dropped_column_draws_nothing() {
        let columns = [
            Column::new("NAME").width(8, 8),
            Column::new("EXTRA").fixed(8).priority(3),
        ];
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 2));
        let table = Table::new(&columns, buf.area);
        table.header(&mut buf, Style::default(), None);
        table.text(&mut buf, 1, 1, "hidden", Style::default());
        assert!(!table.shown(1));
        assert_eq!(table.cell(1, 1), None);
        assert_eq!(line(&buf, 0), " NAME       ");
        assert_eq!(line(&buf, 1), "            ");
    }

    #[test]
    fn any_width_renders() {
        let columns = [
            Column::new("ACCOUNT").width(4, 10),
            Column::new("NAME").width(8, 40).cut(Cut::Middle),
            Column::new("N").fixed(5).right().priority(1),
        ];
        for w in 0..40 {
            let mut buf = Buffer::empty(Rect::new(0, 0, 40, 2));
            let table = Table::new(&columns, Rect::new(0, 0, w, 2));
            table.header(
                &mut buf,
                Style::default(),
                Some((2, false, Style::default())),
            );
            table.text(&mut buf, 1, 1, "日本語テキスト-and-more", Style::default());
            table.text(&mut buf, 2, 1, "12345678", Style::default());
            let drawn = line(&buf, 1);
            assert!(
                drawn[..].trim_end().chars().count() <= usize::from(w),
                "{w}: {drawn:?}"
            );
        }
    }
}
