//! Turns terminal events into actions: the keymap in normal mode, text keys while the
//! command line, the filter, or a dialog that takes text is open; a paste is one action of
//! text, in every mode, never keys.

use super::action::{Action, InputKey};
use crate::config::keymap::{KeyChord, Keymap, Resolution};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Keys pressed so far of a multi-key binding (`g g`).
#[derive(Debug, Default)]
pub struct KeySequence {
    pressed: Vec<KeyChord>,
}

impl KeySequence {
    pub fn pending(&self) -> &[KeyChord] {
        &self.pressed
    }

    fn resolve(&mut self, keymap: &Keymap, chord: KeyChord) -> Option<Action> {
        self.pressed.push(chord);
        match keymap.resolve(&self.pressed) {
            Resolution::Action(a) => {
                self.pressed.clear();
                Some(a.into())
            }
            Resolution::Pending => None,
            Resolution::Unbound => {
                // A stray key ends a sequence; it may start a new one by itself.
                let retry = self.pressed.len() > 1;
                self.pressed.clear();
                if retry {
                    self.resolve(keymap, chord)
                } else {
                    None
                }
            }
        }
    }
}

fn line_key(ev: &KeyEvent) -> Option<InputKey> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    Some(match ev.code {
        KeyCode::Char('c') if ctrl => InputKey::Esc,
        KeyCode::Char('u') if ctrl => InputKey::ClearLine,
        KeyCode::Char('w') if ctrl => InputKey::DeleteWord,
        KeyCode::Char('a') if ctrl => InputKey::Home,
        KeyCode::Char('e') if ctrl => InputKey::End,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => InputKey::Char(c),
        KeyCode::Backspace => InputKey::Backspace,
        KeyCode::Delete => InputKey::Delete,
        KeyCode::Left => InputKey::Left,
        KeyCode::Right => InputKey::Right,
        KeyCode::Home => InputKey::Home,
        KeyCode::End => InputKey::End,
        KeyCode::Tab => InputKey::Tab,
        KeyCode::BackTab => InputKey::BackTab,
        KeyCode::PageUp => InputKey::PageUp,
        KeyCode::PageDown => InputKey::PageDown,
        KeyCode::Enter => InputKey::Enter,
        KeyCode::Esc => InputKey::Esc,
        KeyCode::Up => InputKey::Up,
        KeyCode::Down => InputKey::Down,
        _ => return None,
    })
}

/// The action a terminal event stands for, if any.
pub fn action_for(
    event: &Event,
    text_mode: bool,
    keymap: &Keymap,
    keys: &mut KeySequence,
) -> Option<Action> {
    match event {
        Event::Key(ev) if ev.kind != KeyEventKind::Release => {
            if text_mode {
                return line_key(ev).map(Action::Input);
            }
            keys.resolve(keymap, KeyChord::from_event(ev))
        }
        // A paste ends a pending sequence: `g`, a paste, `g` is not `g g`.
        Event::Paste(text) => {
            keys.pressed.clear();
            Some(Action::Paste(text.clone()))
        }
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keymap::Binding;
    use crate::vocabulary::Bindable;

    fn chord(c: char) -> KeyChord {
        KeyChord::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn keymap() -> Keymap {
        let b = |keys: Vec<KeyChord>, action| Binding {
            keys,
            action,
            desc: String::new(),
            section: String::new(),
        };
        Keymap {
            name: "t".into(),
            bindings: vec![
                b(vec![chord('g'), chord('g')], Bindable::MoveTop),
                b(vec![chord('j')], Bindable::MoveDown),
            ],
        }
    }

    #[test]
    fn sequences_wait_and_stray_keys_restart() {
        let km = keymap();
        let mut seq = KeySequence::default();
        assert_eq!(action_for(&key('g'), false, &km, &mut seq), None);
        assert_eq!(seq.pending().len(), 1);
        assert_eq!(
            action_for(&key('g'), false, &km, &mut seq),
            Some(Action::MoveTop)
        );
        assert_eq!(action_for(&key('g'), false, &km, &mut seq), None);
        // `g j`: j is not part of a sequence with g, but it is bound by itself.
        assert_eq!(
            action_for(&key('j'), false, &km, &mut seq),
            Some(Action::MoveDown)
        );
        assert!(seq.pending().is_empty());
    }

    #[test]
    fn a_paste_is_text_in_every_mode_and_never_a_binding() {
        let km = keymap();
        let mut seq = KeySequence::default();
        let paste = Event::Paste("j\ngg\ny\n".into());
        assert_eq!(action_for(&key('g'), false, &km, &mut seq), None);
        for text_mode in [false, true] {
            assert_eq!(
                action_for(&paste, text_mode, &km, &mut seq),
                Some(Action::Paste("j\ngg\ny\n".into()))
            );
        }
        assert!(seq.pending().is_empty(), "the pending g was let go");
        assert_eq!(action_for(&key('g'), false, &km, &mut seq), None);
    }

    #[test]
    fn the_prompt_takes_keys_before_the_keymap() {
        let km = keymap();
        let mut seq = KeySequence::default();
        assert_eq!(
            action_for(&key('j'), true, &km, &mut seq),
            Some(Action::Input(InputKey::Char('j')))
        );
    }
}
