//! Draws a form: a label column, each field's value, its message under it, and the keys;
//! with a preview, the form takes the left of the body and its owner draws on the right.

use super::{FieldKind, Form};
use crate::app::state::State;
use crate::ui::text::{self, put, put_trunc};
use crate::views;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

const MAX_W: u16 = 72;
/// Below this the preview would be a smear: the form alone.
const PREVIEW_MIN_W: u16 = 40;
const LABEL_MAX_W: u16 = 22;
const KEYS: &str = " Tab next · S-Tab prev · Enter submit · Esc cancel ";

/// Where the form and its preview go in the body.
fn split(form: &Form, body: Rect, height: u16) -> (Rect, Option<Rect>) {
    let w = MAX_W.min(body.width);
    let h = height.min(body.height);
    if form.preview && body.width >= w + PREVIEW_MIN_W {
        let form_area = Rect::new(body.x, body.y + (body.height - h) / 2, w, h);
        let preview = Rect::new(body.x + w, body.y, body.width - w, body.height);
        return (form_area, Some(preview));
    }
    (text::centered(body, w, h), None)
}

/// Draws `form` into `body`; returns the cursor position in the focused text field.
pub fn render(state: &State, form: &Form, buf: &mut Buffer, body: Rect) -> Option<Position> {
    let theme = &state.theme;
    let messages = form.messages();
    // Each field's line, and its message's line when it has one.
    let lines: Vec<(usize, bool)> = form
        .fields
        .iter()
        .enumerate()
        .flat_map(|(i, _)| {
            std::iter::once((i, false)).chain(messages[i].as_ref().map(|_| (i, true)))
        })
        .collect();
    let wanted_h = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4);
    let (area, preview) = split(form, body, wanted_h);
    if let Some(preview) = preview {
        Clear.render(preview, buf);
        views::module(form.owner).draw_preview(state, form, buf, preview);
    }
    if area.width < 8 || area.height < 3 {
        return None;
    }
    Clear.render(area, buf);
    let refused = form.submit_refused && messages.iter().any(Option::is_some);
    let footer = if refused {
        let n = messages.iter().filter(|m| m.is_some()).count();
        Line::styled(format!(" fix {n} field(s) to submit "), theme.bad)
    } else {
        Line::styled(KEYS, theme.muted)
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.focus)
        .title(Line::styled(
            format!(" {} ", form.title),
            theme.focus.add_modifier(Modifier::BOLD),
        ))
        .title_bottom(footer.right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let inner = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    );
    let label_w = form
        .fields
        .iter()
        .map(|f| text::width(&f.label))
        .max()
        .unwrap_or(0)
        .min(LABEL_MAX_W);
    let value_x = inner.x + 2 + label_w + 2;
    let value_w = inner.right().saturating_sub(value_x + 1);
    // Scroll by lines so the focused field is on screen.
    let rows = usize::from(inner.height);
    let focus_line = lines
        .iter()
        .position(|(i, _)| *i == form.focus)
        .unwrap_or(0);
    let first = (focus_line + 2).saturating_sub(rows);
    let mut cursor = None;
    for (&(i, is_message), y) in lines.iter().skip(first).zip(inner.top()..inner.bottom()) {
        let field = &form.fields[i];
        let focused = i == form.focus;
        if is_message {
            let msg = messages[i].as_deref().unwrap_or_default();
            put_trunc(
                buf,
                inner,
                value_x,
                y,
                &format!("✗ {msg}"),
                value_w,
                theme.bad,
            );
            continue;
        }
        let label_style = if focused { theme.focus } else { theme.text };
        put(
            buf,
            inner,
            inner.x,
            y,
            if focused { "▸" } else { " " },
            1,
            theme.focus,
        );
        put_trunc(
            buf,
            inner,
            inner.x + 2,
            y,
            &field.label,
            label_w,
            label_style,
        );
        let value_style = if focused { theme.selection } else { theme.text };
        match &field.kind {
            FieldKind::Text { edit, .. } | FieldKind::Number { edit, .. } => {
                buf.set_style(
                    Rect::new(value_x, y, value_w, 1).intersection(inner),
                    value_style,
                );
                // Long values scroll so the cursor stays in the field.
                let before: String = edit.text().chars().take(edit.cursor()).collect();
                let skip = text::width(&before).saturating_sub(value_w.saturating_sub(1));
                let shown: String = skip_cells(edit.text(), skip);
                put(buf, inner, value_x, y, &shown, value_w, value_style);
                if focused {
                    let cx = value_x + text::width(&before) - skip;
                    cursor = Some(Position::new(cx.min(inner.right().saturating_sub(1)), y));
                }
            }
            FieldKind::Choice { options, selected } => {
                let current = options.get(*selected).map(String::as_str).unwrap_or("");
                let shown = if focused {
                    format!("‹ {current} ›")
                } else {
                    current.to_owned()
                };
                put_trunc(buf, inner, value_x, y, &shown, value_w, value_style);
            }
            FieldKind::Checkbox { checked } => {
                let shown = if *checked { "[x]" } else { "[ ]" };
                put(buf, inner, value_x, y, shown, value_w, value_style);
            }
        }
    }
    cursor
}

/// `s` without its first `cells` display cells.
fn skip_cells(s: &str, cells: u16) -> String {
    let mut skipped = 0u16;
    s.chars()
        .skip_while(|c| {
            if skipped < cells {
                skipped += text::width(c.encode_utf8(&mut [0; 4]));
                true
            } else {
                false
            }
        })
        .collect()
}
