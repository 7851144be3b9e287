//! Draws the `?` help: a scrollable box of headings and key/description columns.

use super::{Row, rows};
use crate::app::state::State;
use crate::ui::text::{self, put};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

/// The widths of the key column and the command column.
fn columns(rows: &[Row]) -> (u16, u16) {
    let col_w = |commands: bool| {
        rows.iter()
            .map(|r| match r {
                Row::Entry(k, _, c) | Row::Disabled(k, _, c) if *c == commands => text::width(k),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
            .min(24)
    };
    (col_w(false), col_w(true))
}

/// Where help goes in `body`.
pub fn area(state: &State, body: Rect) -> Rect {
    area_of(&rows(state), body)
}

fn area_of(rows: &[Row], body: Rect) -> Rect {
    let (key_w, cmd_w) = columns(rows);
    let want_w = 4 + key_w.max(cmd_w) + 2 + 30;
    let want_h = u16::try_from(rows.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    text::centered(body, want_w, want_h)
}

pub fn render(state: &State, buf: &mut Buffer, body: Rect, scroll: usize) {
    let theme = &state.theme;
    let rows = rows(state);
    let (key_w, cmd_w) = columns(&rows);
    let area = area_of(&rows, body);
    if area.width < 6 || area.height < 3 {
        return;
    }
    Clear.render(area, buf);
    let inner_h = usize::from(area.height - 2);
    let scroll = scroll.min(rows.len().saturating_sub(inner_h));
    let more = if scroll + inner_h < rows.len() {
        " ↓ more "
    } else {
        ""
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.focus)
        .title(Line::styled(" help ", theme.title))
        .title_bottom(Line::styled(more, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    for (row, y) in rows.iter().skip(scroll).zip(inner.top()..inner.bottom()) {
        let x = inner.x + 1;
        let w = inner.width.saturating_sub(2);
        match row {
            Row::Heading(h) => {
                put(buf, inner, x, y, h, w, theme.title);
            }
            Row::Entry(keys, desc, command) => {
                let w = if *command { cmd_w } else { key_w };
                text::put_trunc(buf, inner, x + 1, y, keys, w, theme.key_hint);
                let dx = x + 1 + w + 2;
                text::put_trunc(
                    buf,
                    inner,
                    dx,
                    y,
                    desc,
                    inner.right().saturating_sub(dx),
                    Style::default().patch(theme.text),
                );
            }
            Row::Disabled(keys, desc, command) => {
                let w = if *command { cmd_w } else { key_w };
                let off = theme
                    .muted
                    .add_modifier(ratatui::style::Modifier::CROSSED_OUT);
                text::put_trunc(buf, inner, x + 1, y, keys, w, off);
                let dx = x + 1 + w + 2;
                // First, so a long description cut at the edge still says it.
                let desc = format!("(read-only) {desc}");
                text::put_trunc(
                    buf,
                    inner,
                    dx,
                    y,
                    &desc,
                    inner.right().saturating_sub(dx),
                    theme.muted,
                );
            }
            Row::Blank => {}
        }
    }
}
