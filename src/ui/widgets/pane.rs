//! A rounded frame with a title, drawn on its border cells only. ratatui's `Block` also
//! restyles every cell inside it, which for two full-screen panes is a tenth of a fleet
//! frame; the panes here never set a block style, so that work buys nothing.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

/// Draws the frame and title; returns the inner area.
pub fn render(buf: &mut Buffer, area: Rect, title: &Line<'_>, border: Style) -> Rect {
    let area = area.intersection(buf.area);
    if area.width < 2 || area.height < 2 {
        return Rect::new(area.x, area.y, 0, 0);
    }
    let (l, r, t, b) = (area.left(), area.right() - 1, area.top(), area.bottom() - 1);
    let mut set = |x: u16, y: u16, s: &str| {
        buf[(x, y)].set_symbol(s).set_style(border);
    };
    for x in l + 1..r {
        set(x, t, "─");
        set(x, b, "─");
    }
    for y in t + 1..b {
        set(l, y, "│");
        set(r, y, "│");
    }
    set(l, t, "╭");
    set(r, t, "╮");
    set(l, b, "╰");
    set(r, b, "╯");
    if area.width > 2 {
        buf.set_line(l + 1, t, title, area.width - 2);
    }
    Rect::new(l + 1, t + 1, area.width - 2, area.height - 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::{Block, BorderType, Widget};

    #[test]
    fn looks_like_a_rounded_block() {
        let area = Rect::new(0, 0, 12, 4);
        let title = Line::raw(" fleet ");
        let mut ours = Buffer::empty(area);
        let inner = render(&mut ours, area, &title, Style::default());
        let mut theirs = Buffer::empty(area);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .title(title.clone());
        assert_eq!(inner, block.inner(area));
        block.render(area, &mut theirs);
        assert_eq!(ours, theirs);
    }

    #[test]
    fn degenerate_areas_are_safe() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 3));
        for (w, h) in [(0, 0), (1, 1), (1, 3), (3, 1), (2, 2), (9, 9)] {
            let inner = render(
                &mut buf,
                Rect::new(1, 1, w, h),
                &Line::raw("t"),
                Style::default(),
            );
            assert!(inner.width <= 1 && inner.height <= 1);
        }
    }
}
