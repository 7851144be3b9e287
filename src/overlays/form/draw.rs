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

/// Where a form goes in the body: the whole of what it owns, its box, and its preview's
/// place beside the box (same rows: a preview never reaches the view's borders or header
/// above or below the form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub area: Rect,
    pub form: Rect,
    pub preview: Option<Rect>,
}

/// The rows a form wants: its fields, their messages, its owner's note, the frame.
fn wanted_height(state: &State, form: &Form) -> u16 {
    let lines = form_lines(form, &form.messages()).len();
    let note_h: u16 = if has_note(state, form) { NOTE_H } else { 0 };
    u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .saturating_add(4 + note_h)
}

/// A blank line, then the owner's note.
const NOTE_H: u16 = 2;

fn has_note(state: &State, form: &Form) -> bool {
    views::module(form.owner).form_note(state, form).is_some()
}

/// Each field's line, and its message's line when it has one.
fn form_lines(form: &Form, messages: &[Option<String>]) -> Vec<FormLine> {
    form.fields
        .iter()
        .enumerate()
        .flat_map(|(i, _)| {
            std::iter::once(FormLine::Field(i))
                .chain(messages[i].as_ref().map(|_| FormLine::Message(i)))
        })
        .collect()
}

/// Where `form` goes in `body`: centred alone, or, with a preview and the width for it, a
/// band of the body's width with the form on the left and the preview on the right.
pub fn placement(state: &State, form: &Form, body: Rect) -> Placement {
    let w = MAX_W.min(body.width);
    let h = wanted_height(state, form).min(body.height);
    if form.preview && body.width >= w + PREVIEW_MIN_W {
        let area = Rect::new(body.x, body.y + (body.height - h) / 2, body.width, h);
        let form_area = Rect { width: w, ..area };
        let preview = Rect {
            x: area.x + w,
            width: area.width - w,
            ..area
        };
        return Placement {
            area,
            form: form_area,
            preview: Some(preview),
        };
    }
    let area = text::centered(body, w, h);
    Placement {
        area,
        form: area,
        preview: None,
    }
}

/// Draws `form` into `body`; returns the cursor position in the focused text field.
pub fn render(state: &State, form: &Form, buf: &mut Buffer, body: Rect) -> Option<Position> {
    let messages = form.messages();
    let lines = form_lines(form, &messages);
    // A line the owner adds under the fields (what the alarm would have done).
    let note = views::module(form.owner).form_note(state, form);
    let note_h: u16 = if note.is_some() { NOTE_H } else { 0 };
    let Placement {
        form: area,
        preview,
        ..
    } = placement(state, form, body);
    if let Some(preview) = preview {
        Clear.render(preview, buf);
        views::module(form.owner).draw_preview(state, form, buf, preview);
    }
    if area.width < 8 || area.height < 3 {
        return None;
    }
    let mut inner = frame(state, form, &messages, buf, area);
    if let Some((text, warn)) = &note
        && inner.height > note_h
    {
        inner.height -= note_h;
        let style = if *warn {
            state.theme.warn
        } else {
            state.theme.text
        };
        let y = inner.bottom() + 1;
        put_trunc(
            buf,
            area,
            inner.x + 2,
            y,
            text,
            inner.width.saturating_sub(3),
            style,
        );
    }
    let label_w = form
        .fields
        .iter()
        .map(|f| text::width(&f.label))
        .max()
        .unwrap_or(0)
        .min(LABEL_MAX_W);
    let value = Rect::new(inner.x + 2 + label_w + 2, 0, 0, 1);
    let value = Rect {
        width: inner.right().saturating_sub(value.x + 1),
        ..value
    };
    // Scroll by lines so the focused field is on screen.
    let focus_line = lines
        .iter()
        .position(|l| *l == FormLine::Field(form.focus))
        .unwrap_or(0);
    let first = (focus_line + 2).saturating_sub(usize::from(inner.height));
    let mut cursor = None;
    for (line, y) in lines.iter().skip(first).zip(inner.top()..inner.bottom()) {
        let value = Rect { y, ..value };
        match *line {
            FormLine::Message(i) => {
                let msg = format!("✗ {}", messages[i].as_deref().unwrap_or_default());
                put_trunc(buf, inner, value.x, y, &msg, value.width, state.theme.bad);
            }
            FormLine::Field(i) => {
                let field = &form.fields[i];
                let focused = i == form.focus;
                let label_style = if focused {
                    state.theme.focus
                } else {
                    state.theme.text
                };
                put(
                    buf,
                    inner,
                    inner.x,
                    y,
                    if focused { "▸" } else { " " },
                    1,
                    state.theme.focus,
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
                let at = render_value(state, field, focused, buf, inner, value);
                if focused {
                    cursor = at;
                }
            }
        }
    }
    cursor
}

/// A line of the form: a field, or the message under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormLine {
    Field(usize),
    Message(usize),
}

/// The box, its title, and what the bottom border says: the keys, or why Enter was refused.
/// Returns where the fields go.
fn frame(
    state: &State,
    form: &Form,
    messages: &[Option<String>],
    buf: &mut Buffer,
    area: Rect,
) -> Rect {
    let theme = &state.theme;
    Clear.render(area, buf);
    let wrong = messages.iter().filter(|m| m.is_some()).count();
    let footer = if form.submit_refused && wrong > 0 {
        Line::styled(format!(" fix {wrong} field(s) to submit "), theme.bad)
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
    // A blank line under the title.
    Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    )
}

/// One field's value in `value` (one line); returns the cursor position for a text field.
fn render_value(
    state: &State,
    field: &super::Field,
    focused: bool,
    buf: &mut Buffer,
    clip: Rect,
    value: Rect,
) -> Option<Position> {
    let style = if focused {
        state.theme.selection
    } else {
        state.theme.text
    };
    let (x, y, w) = (value.x, value.y, value.width);
    match &field.kind {
        FieldKind::Text { edit, .. } | FieldKind::Number { edit, .. } => {
            buf.set_style(value.intersection(clip), style);
            // Long values scroll so the cursor stays in the field.
            let before: String = edit.text().chars().take(edit.cursor()).collect();
            let skip = text::width(&before).saturating_sub(w.saturating_sub(1));
            put(buf, clip, x, y, &skip_cells(edit.text(), skip), w, style);
            let cx = x + text::width(&before) - skip;
            Some(Position::new(cx.min(clip.right().saturating_sub(1)), y))
        }
        FieldKind::Choice { options, selected } => {
            let current = options.get(*selected).map(String::as_str).unwrap_or("");
            // One option is a fixed value: no arrows promising another.
            let shown = if focused && options.len() > 1 {
                format!("‹ {current} ›")
            } else {
                current.to_owned()
            };
            put_trunc(buf, clip, x, y, &shown, w, style);
            None
        }
        FieldKind::Checkbox { checked } => {
            put(
                buf,
                clip,
                x,
                y,
                if *checked { "[x]" } else { "[ ]" },
                w,
                style,
            );
            None
        }
    }
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
