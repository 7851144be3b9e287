//! Draws a confirmation dialog: the request, then what to press (or type) to go ahead, or,
//! in its first moment, that keys are not taken yet.

use super::{Confirm, geometry, prompt_text};
use crate::app::state::State;
use crate::ui::text::{self, put, put_trunc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

/// Draws `c` centred in `body`; returns the cursor position while a name is being typed.
pub fn render(state: &State, c: &Confirm, buf: &mut Buffer, body: Rect) -> Option<Position> {
    let theme = &state.theme;
    let g = geometry(c, body);
    if g.area.width < 6 || g.area.height < 3 {
        return None;
    }
    Clear.render(g.area, buf);
    let border = if c.danger.is_some() {
        theme.bad
    } else {
        theme.focus
    };
    let hidden = c
        .lines
        .len()
        .saturating_sub(c.scroll + usize::from(g.request.height));
    let more = if hidden > 0 {
        format!(" ↓ {hidden} more ")
    } else {
        String::new()
    };
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(Line::styled(
            format!(" {} ", c.title),
            border.add_modifier(Modifier::BOLD),
        ))
        .title_bottom(Line::styled(more, theme.muted).right_aligned())
        .render(g.area, buf);
    let r = g.request;
    for (line, y) in c.lines.iter().skip(c.scroll).zip(r.top()..r.bottom()) {
        put_trunc(
            buf,
            r,
            r.x + 1,
            y,
            line,
            r.width.saturating_sub(2),
            theme.text,
        );
    }
    let p = g.prompt;
    let (ask, ask_style) = match &c.notice {
        Some(notice) => (format!(" {notice}"), theme.warn),
        None if c.is_armed() => (prompt_text(c), theme.key_hint),
        None => (prompt_text(c), theme.muted),
    };
    put_trunc(buf, p, p.x, p.y, &ask, p.width, ask_style);
    if c.danger.is_none() || p.height < 2 {
        return None;
    }
    let y = p.y + 1;
    let x = put(buf, p, p.x + 1, y, "> ", 2, theme.muted);
    let typed = c.typed.text();
    put(buf, p, x, y, typed, p.right().saturating_sub(x), theme.text);
    let before: String = typed.chars().take(c.typed.cursor()).collect();
    let cx = (x + text::width(&before)).min(p.right().saturating_sub(1));
    Some(Position::new(cx, y))
}
