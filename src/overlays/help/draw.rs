//! Draws the `?` help: a scrollable box of headings and key/description columns, as wide as
//! the screen allows; a description that does not fit wraps under itself, and a key or
//! command wider than its column takes a line of its own.

use super::{Row, rows};
use crate::app::state::State;
use crate::ui::text::{self, put};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line as TextLine;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

/// The key (or command) column at most: a wider one takes a line of its own.
const KEYS_MAX_W: u16 = 24;
/// Wider than this, lines are long to read: the box stops growing.
const MAX_W: u16 = 100;
/// Room for the box and its margins: a border and a blank each side.
const CHROME_W: u16 = 4;
/// The columns left around the box, so it reads as a box over the view.
const MARGIN_W: u16 = 2;

/// One drawn line of the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Heading(String),
    /// The keys (when this line starts an entry), a piece of the description, whether the
    /// keys are a command's and whether the entry is disabled (read-only).
    Entry {
        keys: Option<String>,
        desc: String,
        command: bool,
        disabled: bool,
    },
    Blank,
}

/// The widths of the key and command columns for a box `inner_w` wide inside.
fn columns(rows: &[Row], inner_w: u16) -> (u16, u16) {
    let cap = KEYS_MAX_W.min(inner_w / 3).max(1);
    let col_w = |commands: bool| {
        rows.iter()
            .map(|r| match r {
                Row::Entry(k, _, c) | Row::Disabled(k, _, c) if *c == commands => text::width(k),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
            .min(cap)
    };
    (col_w(false), col_w(true))
}

/// The box's width in `body`: what the widest entry wants, as far as the body allows.
fn width(rows: &[Row], body: Rect) -> u16 {
    let room = body
        .width
        .saturating_sub(2 * MARGIN_W)
        .max(body.width.min(20))
        .min(MAX_W);
    let (key_w, cmd_w) = columns(rows, room.saturating_sub(CHROME_W));
    let want = rows
        .iter()
        .map(|r| match r {
            Row::Heading(h) => text::width(h),
            Row::Entry(_, d, c) | Row::Disabled(_, d, c) => {
                let col = if *c { cmd_w } else { key_w };
                let disabled = if matches!(r, Row::Disabled(..)) {
                    text::width("(read-only) ")
                } else {
                    0
                };
                1 + col + 2 + text::width(d) + disabled
            }
            Row::Blank => 0,
        })
        .max()
        .unwrap_or(0)
        .saturating_add(CHROME_W);
    want.min(room)
}

/// The lines the overlay holds when drawn in `body`.
pub fn lines(state: &State, body: Rect) -> Vec<Line> {
    let rows = rows(state);
    let inner_w = width(&rows, body).saturating_sub(CHROME_W);
    layout(&rows, inner_w)
}

fn layout(rows: &[Row], inner_w: u16) -> Vec<Line> {
    let (key_w, cmd_w) = columns(rows, inner_w);
    let mut out = Vec::new();
    for row in rows {
        let (keys, desc, command, disabled) = match row {
            Row::Heading(h) => {
                out.push(Line::Heading(h.clone()));
                continue;
            }
            Row::Blank => {
                out.push(Line::Blank);
                continue;
            }
            Row::Entry(k, d, c) => (k, d.to_string(), *c, false),
            // First, so a description on several lines says it at once.
            Row::Disabled(k, d, c) => (k, format!("(read-only) {d}"), *c, true),
        };
        let col = if command { cmd_w } else { key_w };
        let desc_w = inner_w.saturating_sub(1 + col + 2).max(1);
        let mut pieces = text::wrap_words(&desc, desc_w).into_iter();
        // A key wider than its column: on a line of its own, the description under it.
        let first = if text::width(keys) > col {
            out.push(Line::Entry {
                keys: Some(keys.clone()),
                desc: String::new(),
                command,
                disabled,
            });
            None
        } else {
            Some(keys.clone())
        };
        let mut keys = first;
        for piece in pieces.by_ref() {
            out.push(Line::Entry {
                keys: keys.take(),
                desc: piece,
                command,
                disabled,
            });
        }
    }
    out
}

/// Where help goes in `body`.
pub fn area(state: &State, body: Rect) -> Rect {
    let rows = rows(state);
    let w = width(&rows, body);
    let h = u16::try_from(layout(&rows, w.saturating_sub(CHROME_W)).len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    text::centered(body, w, h)
}

pub fn render(state: &State, buf: &mut Buffer, body: Rect, scroll: usize) {
    let theme = &state.theme;
    let rows = rows(state);
    let area = area(state, body);
    if area.width < 6 || area.height < 3 {
        return;
    }
    let inner_w = area.width.saturating_sub(CHROME_W);
    let (key_w, cmd_w) = columns(&rows, inner_w);
    let lines = layout(&rows, inner_w);
    Clear.render(area, buf);
    let inner_h = usize::from(area.height - 2);
    let scroll = scroll.min(lines.len().saturating_sub(inner_h));
    let more = if scroll + inner_h < lines.len() {
        " ↓ more "
    } else {
        ""
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.focus)
        .title(TextLine::styled(" help ", theme.title))
        .title_bottom(TextLine::styled(more, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let x = inner.x + 1;
    for (line, y) in lines.iter().skip(scroll).zip(inner.top()..inner.bottom()) {
        match line {
            Line::Heading(h) => {
                text::put_trunc(
                    buf,
                    inner,
                    x,
                    y,
                    h,
                    inner.width.saturating_sub(2),
                    theme.title,
                );
            }
            Line::Entry {
                keys,
                desc,
                command,
                disabled,
            } => {
                let (key_style, desc_style) = if *disabled {
                    let off = theme.muted.add_modifier(Modifier::CROSSED_OUT);
                    (off, theme.muted)
                } else {
                    (theme.key_hint, theme.text)
                };
                if let Some(keys) = keys {
                    let w = inner.right().saturating_sub(x + 2);
                    text::put_trunc(buf, inner, x + 1, y, keys, w, key_style);
                }
                let col = if *command { cmd_w } else { key_w };
                let dx = x + 1 + col + 2;
                put(
                    buf,
                    inner,
                    dx,
                    y,
                    desc,
                    inner.right().saturating_sub(dx + 1),
                    desc_style,
                );
            }
            Line::Blank => {}
        }
    }
}
