//! A confirmation dialog: a title, the exact request in readable lines (scrollable: a
//! request can be long), and an explicit key to go ahead. `y` confirms, `n` or Esc cancels;
//! the `danger` variant asks for the resource's name to be typed instead, as consoles do
//! for deletes. Confirming hands the opener's action back to `update`.
//!
//! A dialog takes keys only once it is armed: after `ARMING_MS` without a key. Keys that
//! were already on their way when it opened (a burst typed ahead, a paste the terminal
//! sent as keys: `prod⏎My team…⏎y⏎`) are dropped, and each one restarts the wait; only Esc
//! is taken at once, since cancelling is always safe. A paste never fills it.

pub mod draw;

use super::{Overlay, Step};
use crate::app::action::{Action, InputKey};
use crate::app::command::Command;
use crate::app::lineedit::{Edit, LineEdit};
use crate::app::outcome::Outcome;
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
    /// Says why a key did nothing (Enter in a plain dialog, a wrong name, a paste).
    pub notice: Option<String>,
    /// Sent to `update` when confirmed.
    on_confirm: Action,
    /// Whether keys are taken yet (see the module's note).
    armed: bool,
    /// Names the wait under way (`Command::ArmConfirm`); 0 while none is asked for.
    serial: u64,
}

/// How long a dialog waits, without a key, before it takes keys: longer than the gaps in a
/// burst of keys a terminal or an SSH link delivers, short enough not to slow anyone down.
pub const ARMING_MS: u64 = 450;

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
            armed: false,
            serial: 0,
        }
    }

    /// Whether the dialog takes keys yet.
    pub fn is_armed(&self) -> bool {
        self.armed
    }

    /// Takes keys from now on (its wait is over, or a test or screen fixture says so).
    pub fn arm(&mut self) {
        self.armed = true;
    }

    /// Starts the wait again: a wait is asked for by `arm_waiting` after this update.
    fn disarm(&mut self) {
        self.armed = false;
        self.serial = 0;
    }

    /// A paste never answers a dialog, nor types a name into it.
    pub fn refuse_paste(&mut self) {
        self.disarm();
        self.notice = Some(match &self.danger {
            Some(_) => "a paste is not taken here: type the name".into(),
            None => "a paste does not confirm".into(),
        });
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
        if !self.armed {
            if key == InputKey::Esc {
                return Step::Close;
            }
            // Part of a burst that began before the dialog was seen: dropped, and the
            // dialog waits for the burst to end.
            self.disarm();
            return Step::Stay;
        }
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
                Edit::Changed | Edit::Unchanged | Edit::Complete | Edit::CompleteBack => {}
            },
        }
        Step::Stay
    }
}

/// Whether `typed` is the name as drawn. A character drawn as the marker (U+FFFD: a control
/// or invisible character in a name made elsewhere) cannot be typed: `?` stands for it there,
/// so such an alarm can still be deleted by typing what the screen shows.
pub(crate) fn typed_matches(typed: &str, drawn: &str) -> bool {
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
        .chain([
            text::width(&c.title) + 4,
            armed_prompt(c).len() as u16,
            text::width(WAITING),
        ])
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

/// What a dialog not yet armed says instead of how to confirm.
const WAITING: &str = " wait… keys are ignored; Esc cancels";

/// What the dialog asks of the user now.
pub fn prompt_text(c: &Confirm) -> String {
    if c.armed {
        armed_prompt(c)
    } else {
        WAITING.into()
    }
}

fn armed_prompt(c: &Confirm) -> String {
    match &c.danger {
        Some(name) if name.contains('\u{FFFD}') => {
            format!(" type {name} (? for each \u{FFFD}) and Enter to confirm, Esc to cancel")
        }
        Some(name) => format!(" type {name} and Enter to confirm, Esc to cancel"),
        None => " y to confirm, n or Esc to cancel".into(),
    }
}

/// The waits to start after an update: one for each dialog that opened, or took a key too
/// soon, since the last. Called by the router after every action, so no opener can forget.
pub fn arm_waiting(state: &mut State) -> Vec<Command> {
    let mut commands = Vec::new();
    for overlay in &mut state.overlays {
        if let Overlay::Confirm(c) = overlay
            && !c.armed
            && c.serial == 0
        {
            state.confirm_serial += 1;
            c.serial = state.confirm_serial;
            commands.push(Command::ArmConfirm {
                serial: c.serial,
                after_ms: ARMING_MS,
            });
        }
    }
    commands
}

/// The wait numbered `serial` is over: its dialog, if still open and still waiting for it,
/// takes keys now. A wait restarted since is a newer serial, and this one does nothing.
pub fn armed(state: &mut State, serial: u64) -> Outcome {
    let waiting = state.overlays.iter_mut().find_map(|o| match o {
        Overlay::Confirm(c) if !c.armed && c.serial == serial => Some(c),
        _ => None,
    });
    match waiting {
        Some(c) => {
            c.arm();
            Outcome::redraw()
        }
        None => Outcome::default(),
    }
}

/// The moment passes without a key: every dialog waiting takes keys, as the answers to
/// their `Command::ArmConfirm` make them (one not yet given a wait gets one first, as the
/// router would after any action).
#[cfg(any(test, feature = "test-fixtures"))]
pub fn moment_passes(state: &mut State) {
    arm_waiting(state);
    let serials: Vec<u64> = state
        .overlays
        .iter()
        .filter_map(|o| match o {
            Overlay::Confirm(c) if !c.armed => Some(c.serial),
            _ => None,
        })
        .collect();
    for serial in serials {
        crate::app::update::update(state, Action::ConfirmArmed(serial));
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

    /// A dialog whose wait is over.
    fn dialog(lines: usize) -> Confirm {
        let mut c = waiting(lines);
        c.arm();
        c
    }

    /// A dialog just opened.
    fn waiting(lines: usize) -> Confirm {
        Confirm::new(
            "Delete alarm",
            (0..lines).map(|i| format!("line {i}")).collect(),
            Action::Run("theme light".into()),
        )
    }

    #[test]
    fn keys_before_the_wait_is_over_are_dropped_and_restart_it_but_esc_cancels() {
        let mut c = waiting(3);
        c.serial = 7;
        for k in [InputKey::Char('y'), InputKey::Enter, InputKey::Char('n')] {
            assert_eq!(key(&mut c, k), Step::Stay, "{k:?} too soon");
        }
        assert!(!c.is_armed());
        assert_eq!(c.serial, 0, "a new wait is to be asked for");
        assert!(prompt_text(&c).contains("wait"), "{}", prompt_text(&c));
        assert!(!prompt_text(&c).contains("y to confirm"));
        assert_eq!(key(&mut waiting(3), InputKey::Esc), Step::Close);
        c.arm();
        assert!(prompt_text(&c).contains("y to confirm"));
        assert_eq!(
            key(&mut c, InputKey::Char('y')),
            Step::CloseWith(Action::Run("theme light".into()))
        );
    }

    #[test]
    fn a_danger_dialog_takes_no_letter_of_the_name_too_soon() {
        let mut c = waiting(2).danger("ltv");
        for ch in "ltv".chars() {
            key(&mut c, InputKey::Char(ch));
        }
        assert_eq!(key(&mut c, InputKey::Enter), Step::Stay);
        assert_eq!(c.typed.text(), "", "nothing typed before the wait was over");
        c.arm();
        c.refuse_paste();
        assert!(!c.is_armed(), "a paste starts the wait again");
        assert_eq!(c.typed.text(), "");
        assert!(
            c.notice
                .as_deref()
                .is_some_and(|n| n.contains("type the name"))
        );
    }

    #[test]
    fn the_dialog_keeps_its_size_when_it_arms() {
        let mut c = waiting(3).danger("prod-fraud-detector-accuracy-low");
        let before = geometry(&c, body());
        c.arm();
        assert_eq!(geometry(&c, body()), before);
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
        assert_eq!(key(&mut waiting(2).danger("x"), InputKey::Esc), Step::Close);
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
