//! The `:` command line and `/` filter: the status line becomes the editor, with the cursor
//! placed in the terminal and completion candidates in a small popup above.

use super::text::{self, put};
use crate::app::state::{Prompt, State};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

/// Most candidates shown at once; more would hide the table the user is filtering.
const MAX_COMPLETIONS: usize = 8;

/// Draws the prompt if one is open; returns false when there is none.
pub fn render(state: &State, frame: &mut Frame, line: Rect, body: Rect) -> bool {
    let (sigil, edit) = match &state.prompt {
        Prompt::None => return false,
        Prompt::Command(le) => (":", le),
        Prompt::Filter(le) => ("/", le),
    };
    if line.is_empty() {
        return true;
    }
    let theme = &state.theme;
    let buf = frame.buffer_mut();
    buf.set_style(line, theme.text);
    for x in line.left()..line.right() {
        buf[(x, line.y)].set_symbol(" ");
    }
    let x = put(buf, line, line.x, line.y, sigil, 1, theme.key_hint);
    // Scroll horizontally so the cursor stays on screen for lines wider than the terminal.
    let field = line.width.saturating_sub(2);
    let before: String = edit.text().chars().take(edit.cursor()).collect();
    let cursor_w = text::width(&before);
    let skip_w = cursor_w.saturating_sub(field);
    let mut skipped = 0u16;
    let visible: String = edit
        .text()
        .chars()
        .skip_while(|c| {
            let w = text::width(c.encode_utf8(&mut [0; 4]));
            if skipped < skip_w {
                skipped += w;
                true
            } else {
                false
            }
        })
        .collect();
    put(buf, line, x, line.y, &visible, field, theme.text);
    let cx = (x + cursor_w - skipped).min(line.right().saturating_sub(1));
    if matches!(state.prompt, Prompt::Command(_)) && !state.completions.is_empty() {
        render_completions(state, buf, body, x);
    }
    frame.set_cursor_position(Position::new(cx, line.y));
    true
}

fn render_completions(state: &State, buf: &mut ratatui::buffer::Buffer, body: Rect, x: u16) {
    let theme = &state.theme;
    // The window of candidates holding the one Tab put on the line (the first before any).
    let picked = state.completion_pick.as_ref().map_or(0, |p| p.index);
    let first = picked.saturating_sub(MAX_COMPLETIONS - 1);
    let shown = &state.completions[first..state.completions.len().min(first + MAX_COMPLETIONS)];
    let w = shown
        .iter()
        .map(|c| text::width(c))
        .max()
        .unwrap_or(0)
        .saturating_add(4);
    let h = u16::try_from(shown.len()).unwrap_or(0) + 2;
    let w = w.min(body.width);
    let h = h.min(body.height);
    if w < 5 || h < 3 {
        return;
    }
    let x = x.min(body.right() - w);
    let area = Rect::new(x, body.bottom() - h, w, h);
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border);
    let inner = block.inner(area);
    block.render(area, buf);
    for (i, (c, y)) in shown.iter().zip(inner.top()..inner.bottom()).enumerate() {
        // The candidate on the line, or the one Tab takes next.
        let style = if first + i == picked {
            theme.selection
        } else {
            theme.text
        };
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
        text::put_trunc(
            buf,
            inner,
            inner.x + 1,
            y,
            c,
            inner.width.saturating_sub(2),
            style,
        );
    }
}
