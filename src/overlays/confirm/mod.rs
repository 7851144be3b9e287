//! A confirmation dialog: a title, the exact request in readable lines (scrollable: a
//! request can be long), and an explicit key to go ahead. `y` confirms, `n` or Esc cancels;
//! the `danger` variant asks for the resource's name to be typed instead, as consoles do
//! for deletes. Confirming hands the opener's action back to `update`.

pub mod draw;

use super::Step;
use crate::app::action::{Action, InputKey};
use crate::app::lineedit::{Edit, LineEdit};
use crate::app::state::State;
use crate::sanitize;
use crate::ui::text;
use ratatui::layout::Rect;

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    /// The request as it will be sent, one readable line each.
    pub lines: Vec<String>,
    /// The danger variant: this name must be typed to confirm.
    pub danger: Option<String>,
    /// What the user typed, in the danger variant.
    pub typed: LineEdit,
    /// First request line shown.
    pub scroll: usize,
    /// Says why a key did nothing (Enter in a plain dialog, a wrong name).
    pub notice: Option<String>,
    /// Sent to `update` when confirmed.
    on_confirm: Action,
}

impl Confirm {
    /// Strings in a request may come from AWS: they are cleaned here, once, so nothing a
    /// dialog draws can carry a control character to the terminal.
    pub fn new(title: &str, lines: Vec<String>, on_confirm: Action) -> Self {
        Self {
            title: sanitize::clean(title).into_owned(),
            lines: lines
                .iter()
                .map(|l| sanitize::clean(l).into_owned())
                .collect(),
            danger: None,
            typed: LineEdit::default(),
            scroll: 0,
            notice: None,
            on_confirm,
        }
    }

    /// Asks for `name` (as drawn, so it can be typed) instead of `y`.
    pub fn danger(mut self, name: &str) -> Self {
        self.danger = Some(sanitize::clean(name).into_owned());
        self
    }

    pub fn update(&mut self, action: Action, body: Rect) -> Step {
        let Action::Input(key) = action else {
            // Keymap actions cannot reach a dialog that takes text; anything else waits.
            return Step::Stay;
        };
        let page = geometry(self, body).request.height.max(1) as isize;
        let max_scroll = self.lines.len().saturating_sub(page as usize);
        let scroll_by = |d: isize, s: usize| s.saturating_add_signed(d).min(max_scroll);
        self.notice = None;
        match (key, &self.danger) {
            (InputKey::Esc, _) => return Step::Close,
            (InputKey::Up, _) => self.scroll = scroll_by(-1, self.scroll),
            (InputKey::Down, _) => self.scroll = scroll_by(1, self.scroll),
            (InputKey::PageUp, _) => self.scroll = scroll_by(-page, self.scroll),
            (InputKey::PageDown, _) => self.scroll = scroll_by(page, self.scroll),
            (InputKey::Char('y'), None) => return Step::CloseWith(self.on_confirm.clone()),
            (InputKey::Char('n'), None) => return Step::Close,
            (InputKey::Char('j'), None) => self.scroll = scroll_by(1, self.scroll),
            (InputKey::Char('k'), None) => self.scroll = scroll_by(-1, self.scroll),
            (InputKey::Home, None) => self.scroll = 0,
            (InputKey::End, None) => self.scroll = max_scroll,
            (InputKey::Enter, None) => self.notice = Some("press y to confirm".into()),
            (_, None) => {}
            (key, Some(name)) => match self.typed.apply(key, &[]) {
                Edit::Submit(typed) if typed_matches(&typed, name) => {
                    return Step::CloseWith(self.on_confirm.clone());
                }
                Edit::Submit(_) => self.notice = Some(format!("type {name} exactly")),
                Edit::Cancel => return Step::Close,
                Edit::Changed | Edit::Unchanged | Edit::Complete => {}
            },
        }
        Step::Stay
    }
}

/// Whether `typed` is the name as drawn. A character drawn as the marker (U+FFFD: a control
/// or invisible character in a name made elsewhere) cannot be typed: `?` stands for it there,
/// so such an alarm can still be deleted by typing what the screen shows.
fn typed_matches(typed: &str, drawn: &str) -> bool {
    typed.chars().count() == drawn.chars().count()
        && typed
            .chars()
            .zip(drawn.chars())
            .all(|(t, d)| t == d || (d == '\u{FFFD}' && t == '?'))
}

/// Where a dialog goes in the body, and its parts: `update` scrolls by the request's
/// height, `draw` draws into the same rectangles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub area: Rect,
    pub request: Rect,
    /// The line that says how to confirm, and, in the danger variant, the name being typed
    /// on the line below it.
    pub prompt: Rect,
}

const MIN_W: u16 = 44;
const MAX_W: u16 = 110;

pub fn geometry(c: &Confirm, body: Rect) -> Geometry {
    let longest = c
        .lines
        .iter()
        .map(|l| text::width(l))
        .chain([text::width(&c.title) + 4, prompt_text(c).len() as u16])
        .max()
        .unwrap_or(0);
    let w = (longest + 4).clamp(MIN_W, MAX_W);
    let prompt_h: u16 = if c.danger.is_some() { 2 } else { 1 };
    let lines = u16::try_from(c.lines.len()).unwrap_or(u16::MAX);
    // Borders, the request, a blank line, the prompt.
    let h = lines.saturating_add(3 + prompt_h);
    let area = text::centered(body, w, h);
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let prompt_h = prompt_h.min(inner.height);
    let request_h = inner.height.saturating_sub(prompt_h + 1);
    Geometry {
        area,
        request: Rect::new(inner.x, inner.y, inner.width, request_h),
        prompt: Rect::new(inner.x, inner.bottom() - prompt_h, inner.width, prompt_h),
    }
}

/// What the dialog asks of the user.
pub fn prompt_text(c: &Confirm) -> String {
    match &c.danger {
        Some(name) if name.contains('\u{FFFD}') => {
            format!(" type {name} (? for each \u{FFFD}) and Enter to confirm, Esc to cancel")
        }
        Some(name) => format!(" type {name} and Enter to confirm, Esc to cancel"),
        None => " y to confirm, n or Esc to cancel".into(),
    }
}

/// Where a request goes: account (label and id), region, operation.
pub fn request_header(state: &State, account: &str, operation: &str) -> Vec<String> {
    let region = state
        .identity
        .as_ref()
        .map_or("?", |i| i.region.as_str())
        .to_owned();
    vec![
        format!("account    {} {account}", state.account_label(account)),
        format!("region     {region}"),
        format!("operation  {operation}"),
    ]
}

/// A request's parameters as they will be sent, one JSON line each (escaped: a hostile
/// name shows as its `\u` escapes, exactly what is sent).
pub fn request_lines(parameters: &serde_json::Value) -> Vec<String> {
    crate::writes::audit::inert_json_pretty(parameters)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Rect {
        Rect::new(0, 1, 80, 22)
    }

    fn key(c: &mut Confirm, k: InputKey) -> Step {
        c.update(Action::Input(k), body())
    }

    fn dialog(lines: usize) -> Confirm {
        Confirm::new(
            "Delete alarm",
            (0..lines).map(|i| format!("line {i}")).collect(),
            Action::Run("theme light".into()),
        )
    }

    #[test]
    fn y_confirms_with_the_openers_action_and_n_or_esc_cancel() {
        let mut c = dialog(3);
        assert_eq!(key(&mut c, InputKey::Char('x')), Step::Stay);
        assert_eq!(
            key(&mut c, InputKey::Enter),
            Step::Stay,
            "Enter is not a yes"
        );
        assert!(c.notice.is_some());
        assert_eq!(
            key(&mut c, InputKey::Char('y')),
            Step::CloseWith(Action::Run("theme light".into()))
        );
        assert_eq!(key(&mut dialog(3), InputKey::Char('n')), Step::Close);
        assert_eq!(key(&mut dialog(3), InputKey::Esc), Step::Close);
    }

    #[test]
    fn a_long_request_scrolls_and_stops_at_its_end() {
        let mut c = dialog(100);
        let visible = geometry(&c, body()).request.height as usize;
        assert!(visible > 5 && visible < 100);
        key(&mut c, InputKey::Down);
        key(&mut c, InputKey::Char('j'));
        assert_eq!(c.scroll, 2);
        key(&mut c, InputKey::PageDown);
        assert_eq!(c.scroll, 2 + visible);
        key(&mut c, InputKey::End);
        assert_eq!(c.scroll, 100 - visible);
        key(&mut c, InputKey::Down);
        assert_eq!(c.scroll, 100 - visible, "the last line stays the last");
        key(&mut c, InputKey::Home);
        assert_eq!(c.scroll, 0);
        key(&mut c, InputKey::Up);
        assert_eq!(c.scroll, 0);
    }

    #[test]
    fn danger_needs_the_name_typed_exactly() {
        let mut c = dialog(2).danger("fraud-acc");
        // y and n are letters of a name here, not answers.
        assert_eq!(key(&mut c, InputKey::Char('y')), Step::Stay);
        assert_eq!(key(&mut c, InputKey::Char('n')), Step::Stay);
        key(&mut c, InputKey::ClearLine);
        for ch in "fraud-ac".chars() {
            key(&mut c, InputKey::Char(ch));
        }
        assert_eq!(key(&mut c, InputKey::Enter), Step::Stay);
        assert!(c.notice.as_deref().is_some_and(|n| n.contains("fraud-acc")));
        key(&mut c, InputKey::Char('c'));
        assert_eq!(
            key(&mut c, InputKey::Enter),
            Step::CloseWith(Action::Run("theme light".into()))
        );
        assert_eq!(key(&mut dialog(2).danger("x"), InputKey::Esc), Step::Close);
    }

    #[test]
    fn hostile_request_text_is_cleaned() {
        let c = Confirm::new("t\u{1b}[2J", vec!["a\u{9b}b\u{202e}c".into()], Action::Quit)
            .danger("n\u{7}ame");
        assert!(!c.title.chars().any(char::is_control));
        assert!(
            !c.lines[0]
                .chars()
                .any(|ch| ch.is_control() || ch == '\u{202e}')
        );
        assert_eq!(c.danger.as_deref(), Some("n\u{fffd}ame"));
    }

    #[test]
    fn a_name_with_an_invisible_character_is_drawn_marked_and_typed_with_a_question_mark() {
        // Made elsewhere (the console refuses to create it): draws as `cpu?high`, not `cpuhigh`.
        let mut c = dialog(2).danger("cpu\u{200b}high");
        assert_eq!(c.danger.as_deref(), Some("cpu\u{fffd}high"));
        assert!(
            prompt_text(&c).contains("? for each"),
            "{}",
            prompt_text(&c)
        );
        // What it looks like without the marker is not the name.
        for ch in "cpuhigh".chars() {
            key(&mut c, InputKey::Char(ch));
        }
        assert_eq!(key(&mut c, InputKey::Enter), Step::Stay);
        key(&mut c, InputKey::ClearLine);
        for ch in "cpu?high".chars() {
            key(&mut c, InputKey::Char(ch));
        }
        assert_eq!(
            key(&mut c, InputKey::Enter),
            Step::CloseWith(Action::Run("theme light".into()))
        );
        // `?` stands only where the marker is drawn.
        assert!(!typed_matches("cpu?hig?", "cpu\u{fffd}high"));
        assert!(typed_matches("fraud", "fraud"));
    }
}
