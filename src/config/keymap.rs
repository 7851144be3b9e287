//! Key bindings: TOML entries `{ keys = ["g","g"], action = "move_top", desc = "..." }` turned
//! into chords the event loop matches; the help overlay is generated from the same list.

use crate::vocabulary::Bindable;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// One key press with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        Self { code, modifiers }
    }

    /// The chord a terminal key event stands for. Shift is folded into the character so that
    /// `G` matches whether or not the terminal reports SHIFT.
    pub fn from_event(ev: &KeyEvent) -> Self {
        let mut modifiers = ev.modifiers;
        if matches!(ev.code, KeyCode::Char(_)) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        let code = match ev.code {
            KeyCode::BackTab => KeyCode::Tab,
            c => c,
        };
        if ev.code == KeyCode::BackTab {
            modifiers.insert(KeyModifiers::SHIFT);
        }
        Self { code, modifiers }
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// A sequence: `["g", "g"]` is two presses of g.
    pub keys: Vec<KeyChord>,
    pub action: Bindable,
    pub desc: String,
    /// Heading under which the help overlay lists the binding.
    pub section: String,
}

impl Binding {
    /// How the help overlay and the hint bar write the key sequence: `g g`, `Ctrl-c`.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `bindings` with the keys bound to the same action together, in the order each action is
/// first bound: the help's and docs/keys.md's lines (`j, Down  Next row`).
pub fn by_action<'a>(bindings: &[&'a Binding]) -> Vec<(&'a Binding, Vec<String>)> {
    bindings
        .iter()
        .enumerate()
        .filter(|(j, b)| !bindings[..*j].iter().any(|p| p.action == b.action))
        .map(|(j, b)| {
            let keys = bindings[j..]
                .iter()
                .filter(|o| o.action == b.action)
                .map(|o| o.keys_label())
                .collect();
            (*b, keys)
        })
        .collect()
}

/// What a sequence of pressed chords means so far.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Action(Bindable),
    /// A prefix of at least one binding: wait for the next key.
    Pending,
    Unbound,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Keymap {
    pub name: String,
    pub bindings: Vec<Binding>,
}

impl Keymap {
    pub fn resolve(&self, pressed: &[KeyChord]) -> Resolution {
        let mut prefix = false;
        for b in &self.bindings {
            if b.keys == pressed {
                return Resolution::Action(b.action);
            }
            if b.keys.len() > pressed.len() && b.keys.starts_with(pressed) {
                prefix = true;
            }
        }
        if prefix {
            Resolution::Pending
        } else {
            Resolution::Unbound
        }
    }

    /// The first binding of an action, for key hints (`?` help, `:` command).
    pub fn first_binding(&self, action: Bindable) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.action == action)
    }
}
