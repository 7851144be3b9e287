//! Keymap files: `[[bindings]]` entries parsed into chords, layered over a base keymap, and
//! checked so that every binding can actually be typed, a way to quit is left, and no key
//! pressed out of habit starts a change.

use super::error::{ConfigError, Source, line_col};
use super::keymap::{Binding, KeyChord, Keymap};
use super::layers::{Catalog, LayerFile, Top};
use crate::vocabulary::Bindable;
use crossterm::event::{KeyCode, KeyModifiers};
use serde::de::{self, Deserializer, IntoDeserializer};
use serde::{Deserialize, de::value::StrDeserializer};
use std::path::PathBuf;
use toml::Spanned;

pub const SHIPPED: &[(&str, &str)] = &[("vim", include_str!("../../keymaps/vim.toml"))];

pub const DEFAULT_KEYMAP: &str = "vim";

/// What `action = "none"` is written as: remove the binding with these keys.
const UNBIND: &str = "none";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeymapFile {
    base: Option<Spanned<String>>,
    #[serde(default)]
    bindings: Vec<Entry>,
}

impl LayerFile for KeymapFile {
    fn base(&self) -> Option<&Spanned<String>> {
        self.base.as_ref()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// Parsed in `apply`, not by serde: toml gives array elements no position in errors, and a
    /// bad key should be reported at the key, not at the list.
    keys: Spanned<Vec<Spanned<String>>>,
    action: ActionSpec,
    desc: Option<String>,
    section: Option<String>,
}

#[derive(Debug)]
enum ActionSpec {
    Unbind,
    Bind(Bindable),
}

impl<'de> Deserialize<'de> for ActionSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == UNBIND {
            return Ok(ActionSpec::Unbind);
        }
        // The vocabulary's serde names are the words; an action no key can be bound to is
        // not among them, so `"tick"` is rejected here just like a typo.
        let inner: StrDeserializer<'_, D::Error> = s.as_str().into_deserializer();
        Bindable::deserialize(inner)
            .map(ActionSpec::Bind)
            .map_err(|e| de::Error::custom(format!("{e}, or \"{UNBIND}\" to unbind")))
    }
}

/// Parses one key of a sequence: `j`, `G`, `ctrl-c`, `alt-x`, `shift-tab`, `enter`, `f5`, ...
pub fn parse_chord(spec: &str) -> Result<KeyChord, String> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = spec;
    // Modifier prefixes; a lone `-` or `ctrl--` leaves the `-` as the key.
    loop {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl-") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt-") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        if rest.len() == len {
            break;
        }
        modifiers |= m;
        rest = &rest[len..];
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(format!("empty key in `{spec}`")),
        (Some(c), None) => KeyCode::Char(c),
        _ => named_key(rest).ok_or_else(|| {
            format!(
                "unknown key `{spec}`: expected a single character, ctrl-/alt- plus a key, or \
                 one of enter, esc, tab, shift-tab, backspace, delete, up, down, left, right, \
                 pgup, pgdn, home, end, space, f1..f12"
            )
        })?,
    };
    if let KeyCode::Char(c) = code {
        // Terminals report shifted characters as the character itself (see
        // `KeyChord::from_event`), so `shift-x` could never match.
        if modifiers.contains(KeyModifiers::SHIFT) {
            return Err(format!(
                "`{spec}`: write the shifted character itself (e.g. `{}`) instead of shift-",
                c.to_uppercase()
            ));
        }
        // Ctrl-C and Ctrl-c are the same control code in a terminal.
        if modifiers.contains(KeyModifiers::CONTROL) && c.is_ascii_uppercase() {
            return Ok(KeyChord::new(
                KeyCode::Char(c.to_ascii_lowercase()),
                modifiers,
            ));
        }
    }
    Ok(KeyChord::new(code, modifiers))
}

/// What a terminal delivers when a chord is pressed, when that is not the chord itself.
#[derive(Debug, PartialEq)]
enum Arrival {
    /// The terminal sends the same bytes as for another key (Ctrl-M is Enter's `\r`).
    As(KeyChord),
    /// Ctrl-backspace: Backspace's byte or Ctrl-H's, depending on the terminal.
    AsEither(KeyChord, KeyChord),
    /// No bytes stand for it, for this reason.
    Never(&'static str),
}

/// How a chord reaches sagewatch, read as crossterm's Unix parser reads a terminal's bytes
/// (sagewatch does not ask for the kitty keyboard protocol, and most terminals over SSH lack
/// it): `None` if the chord arrives as itself. A binding on any other chord never fires.
fn arrival(chord: &KeyChord) -> Option<Arrival> {
    let ctrl = chord.modifiers.contains(KeyModifiers::CONTROL);
    let shift = chord.modifiers.contains(KeyModifiers::SHIFT);
    let alt = chord.modifiers & KeyModifiers::ALT;
    let key = |code| KeyChord::new(code, alt);
    let ctrl_key = |c| KeyChord::new(KeyCode::Char(c), alt | KeyModifiers::CONTROL);
    match chord.code {
        // Ctrl with a character sends a control code (xterm's table, which terminals copy),
        // read back as Ctrl plus a letter, space or 4..7, or as the key that shares its code.
        KeyCode::Char(c) if ctrl => Some(match c {
            'i' => Arrival::As(key(KeyCode::Tab)),
            'm' => Arrival::As(key(KeyCode::Enter)),
            '[' | '3' => Arrival::As(KeyChord::new(KeyCode::Esc, KeyModifiers::NONE)),
            'a'..='z' | ' ' | '4'..='7' => return None,
            '@' | '2' => Arrival::As(ctrl_key(' ')),
            '\\' => Arrival::As(ctrl_key('4')),
            ']' => Arrival::As(ctrl_key('5')),
            '^' => Arrival::As(ctrl_key('6')),
            '_' | '/' => Arrival::As(ctrl_key('7')),
            '8' | '?' => Arrival::As(key(KeyCode::Backspace)),
            _ => Arrival::Never(
                "a terminal sends Ctrl with a letter, space, 2..8 or one of @[\\]^_/? \
                 and with any other key sends the plain key or nothing",
            ),
        }),
        // ESC [ and ESC O begin escape sequences: crossterm waits for the rest.
        KeyCode::Char('[' | 'O') if !alt.is_empty() => Some(Arrival::Never(
            "Alt sends ESC before the key, and ESC [ or ESC O starts an escape sequence",
        )),
        // Enter, Tab, Esc and Backspace are one byte each, with no room for Ctrl or Shift
        // (Shift-Tab has a sequence of its own); Alt is an ESC before the byte, except before
        // ESC itself, where the pair reads as Esc.
        KeyCode::Tab if chord.modifiers == KeyModifiers::SHIFT => None,
        KeyCode::Tab if shift => Some(Arrival::Never(
            "a terminal's Shift-Tab carries no other modifier",
        )),
        KeyCode::Tab if ctrl => Some(Arrival::As(key(KeyCode::Tab))),
        KeyCode::Enter if ctrl || shift => Some(Arrival::As(key(KeyCode::Enter))),
        KeyCode::Backspace if ctrl => {
            Some(Arrival::AsEither(key(KeyCode::Backspace), ctrl_key('h')))
        }
        KeyCode::Backspace if shift => Some(Arrival::As(key(KeyCode::Backspace))),
        KeyCode::Esc if !chord.modifiers.is_empty() => {
            Some(Arrival::As(KeyChord::new(KeyCode::Esc, KeyModifiers::NONE)))
        }
        _ => None,
    }
}

/// A key a terminal cannot send is refused where it is written, naming what arrives instead:
/// counted as a way out, a `quit` on Ctrl-M would leave a console nothing can close.
fn refuse_untypable(spec: &str, chord: KeyChord) -> Result<KeyChord, String> {
    let never = "so a binding on it could never fire; choose another key";
    match arrival(&chord) {
        None => Ok(chord),
        Some(Arrival::As(other)) => Err(format!(
            "`{spec}` arrives as `{}`: a terminal sends both as the same bytes, {never}",
            spelled(&other)
        )),
        Some(Arrival::AsEither(a, b)) => Err(format!(
            "`{spec}` arrives as `{}` or `{}`, depending on the terminal, {never}",
            spelled(&a),
            spelled(&b)
        )),
        Some(Arrival::Never(why)) => Err(format!("`{spec}` never arrives: {why}, {never}")),
    }
}

/// A chord as a keymap file spells it (`ctrl-space`, `alt-enter`): the help's label in lower
/// case, which is right for every chord `arrival` names (none is an upper-case character).
fn spelled(chord: &KeyChord) -> String {
    chord.to_string().to_ascii_lowercase()
}

fn named_key(name: &str) -> Option<KeyCode> {
    let name = name.to_ascii_lowercase();
    Some(match name.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        f => {
            let n: u8 = f.strip_prefix('f')?.parse().ok()?;
            if (1..=12).contains(&n) {
                KeyCode::F(n)
            } else {
                return None;
            }
        }
    })
}

pub(crate) fn catalog(user_dir: Option<PathBuf>) -> Catalog {
    Catalog {
        kind: "keymap",
        subdir: "keymaps",
        shipped: SHIPPED,
        default: DEFAULT_KEYMAP,
        user_dir,
    }
}

/// A binding and where it was written, so later conflicts can point at it.
struct Placed {
    binding: Binding,
    file: String,
    line: usize,
    column: usize,
    /// Index of the file in the chain, bottom = 0: a conflict is blamed on the newer file.
    layer: usize,
}

/// A place in a keymap file.
#[derive(Debug, Clone)]
struct Place {
    file: String,
    line: usize,
    column: usize,
}

impl Place {
    fn of(p: &Placed) -> Self {
        Self {
            file: p.file.clone(),
            line: p.line,
            column: p.column,
        }
    }

    fn error(&self, message: String) -> ConfigError {
        ConfigError::At {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            message,
        }
    }
}

/// The bindings of a chain applied so far, and what the safety checks need to know of the
/// ones that did not last.
#[derive(Default)]
struct Applied {
    placed: Vec<Placed>,
    /// Where the last binding that could quit was unbound or replaced.
    way_out_removed: Option<Place>,
    /// Single keys any file of the chain binds to moving or to leaving (`navigates`, `quit`):
    /// a changing action on one of them is a slip of habit away (the base's `j` rebound to
    /// `delete_alarm`, or a key that used to quit).
    habit_keys: Vec<(KeyChord, Bindable, Place)>,
}

/// The keymap a file describes, with its `base` chain applied bottom up.
pub(crate) fn resolve(catalog: &Catalog, top: Top) -> Result<Keymap, ConfigError> {
    let name = top.name.clone();
    let layers = catalog.chain::<KeymapFile>(top)?;
    let mut applied = Applied::default();
    for (layer, l) in layers.iter().rev().enumerate() {
        apply(&l.source, &l.file, layer, &mut applied)?;
    }
    check_prefixes(&applied.placed)?;
    check_way_out(&applied, &layers[0].source, &layers[0].file)?;
    check_changing_keys(&applied)?;
    Ok(Keymap {
        name,
        bindings: applied.placed.into_iter().map(|p| p.binding).collect(),
    })
}

fn apply(
    src: &Source,
    file: &KeymapFile,
    layer: usize,
    applied: &mut Applied,
) -> Result<(), ConfigError> {
    let mut in_this_file: Vec<Vec<KeyChord>> = Vec::new();
    for entry in &file.bindings {
        let span = entry.keys.span();
        let specs = entry.keys.get_ref();
        if specs.is_empty() {
            return Err(src.error_at(span, "`keys` is empty: give at least one key"));
        }
        let mut keys = Vec::with_capacity(specs.len());
        for spec in specs {
            let chord = parse_chord(spec.get_ref())
                .and_then(|chord| refuse_untypable(spec.get_ref(), chord))
                .map_err(|m| src.error_at(spec.span(), m))?;
            keys.push(chord);
        }
        // Two entries for one sequence in the same file: the first would be silently lost.
        if in_this_file.contains(&keys) {
            return Err(src.error_at(
                span,
                format!("keys `{}` are bound twice in this file", label(&keys)),
            ));
        }
        in_this_file.push(keys.clone());
        let (line, column) = line_col(&src.text, span.start);
        let here = Place {
            file: src.name.clone(),
            line,
            column,
        };
        let placed = &mut applied.placed;
        let existing = placed.iter().position(|p| p.binding.keys == keys);
        if let Some(i) = existing
            && is_way_out(&placed[i].binding.action)
        {
            applied.way_out_removed = Some(here.clone());
        }
        let action = match &entry.action {
            ActionSpec::Unbind => {
                // Unbinding what is not bound is harmless; keeping it lets a user file outlive
                // changes to the shipped keymap.
                if let Some(i) = existing {
                    placed.remove(i);
                }
                continue;
            }
            ActionSpec::Bind(a) => *a,
        };
        if let [chord] = keys.as_slice()
            && (action.navigates() || action == Bindable::Quit)
        {
            applied.habit_keys.push((*chord, action, here.clone()));
        }
        let binding = Binding {
            desc: entry.desc.clone().unwrap_or_else(|| default_desc(action)),
            section: entry.section.clone().unwrap_or_else(|| "General".into()),
            keys,
            action,
        };
        let p = Placed {
            binding,
            file: here.file,
            line,
            column,
            layer,
        };
        match existing {
            // Replacing in place keeps the help overlay in the base file's order.
            Some(i) => placed[i] = p,
            None => placed.push(p),
        }
    }
    Ok(())
}

/// `quit`, or the `:` line where `:quit` is typed.
fn is_way_out(action: &Bindable) -> bool {
    matches!(action, Bindable::Quit | Bindable::OpenCommand)
}

/// A keymap must leave a way to quit: in raw mode Ctrl-C is only a key, so without one the
/// console could only be left by killing it from another terminal. Every binding counted can
/// be pressed: `refuse_untypable` turned away the others (a `quit` on Ctrl-M) where they were
/// written. Blamed where the last way out was unbound or replaced, else at the top file's
/// `base` (a keymap from nothing).
fn check_way_out(applied: &Applied, top: &Source, file: &KeymapFile) -> Result<(), ConfigError> {
    if applied.placed.iter().any(|p| is_way_out(&p.binding.action)) {
        return Ok(());
    }
    let message = "this keymap leaves no way to quit: bind `quit` (or `open_command`, to type \
                   :quit) to a key"
        .to_string();
    Err(match (&applied.way_out_removed, &file.base) {
        (Some(place), _) => place.error(message),
        (None, Some(base)) => top.error_at(base.span(), message),
        (None, None) => top.error(message),
    })
}

/// Keys that move in every list and dialog whatever the keymap says.
fn moves_everywhere(chord: &KeyChord) -> bool {
    chord.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        && matches!(
            chord.code,
            KeyCode::Up
                | KeyCode::Down
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::PageUp
                | KeyCode::PageDown
                | KeyCode::Home
                | KeyCode::End
                | KeyCode::Tab
        )
}

/// Why a key is pressed without a thought whatever the keymap says, if it is: to leave (Esc,
/// `q`, Ctrl-C) or to accept (Enter).
fn pressed_out_of_habit(chord: &KeyChord) -> Option<&'static str> {
    let plain = |code| KeyChord::new(code, KeyModifiers::NONE);
    Some(if *chord == plain(KeyCode::Esc) {
        "pressed out of habit to leave"
    } else if *chord == plain(KeyCode::Char('q')) {
        "pressed out of habit to leave (it quits most terminal programs)"
    } else if *chord == KeyChord::new(KeyCode::Char('c'), KeyModifiers::CONTROL) {
        "pressed out of habit to leave (it interrupts any terminal program)"
    } else if *chord == plain(KeyCode::Enter) {
        "pressed out of habit to accept"
    } else {
        return None;
    })
}

/// A changing action (`Bindable::mutates`: create, edit, mute, unmute, delete, run now, pause,
/// resume) on a single key that is pressed out of habit: `Esc`, `q` and `Ctrl-C` (to leave),
/// `Enter` (to accept), a key that moves in lists and dialogs, or a key some file of the chain
/// binds to moving or quitting. Confirmations stand behind every write, but a habit must not
/// even open one: pressing `q` to leave must not ask "delete this alarm?".
fn check_changing_keys(applied: &Applied) -> Result<(), ConfigError> {
    for p in &applied.placed {
        let [chord] = p.binding.keys.as_slice() else {
            continue;
        };
        if !p.binding.action.mutates() {
            continue;
        }
        let action = p.binding.action.name();
        let why = if let Some(habit) = pressed_out_of_habit(chord) {
            format!("`{chord}`, {habit}")
        } else if moves_everywhere(chord) {
            format!("`{chord}`, a key that moves in lists and dialogs")
        } else if let Some((_, habit, place)) = applied.habit_keys.iter().find(|(c, ..)| c == chord)
        {
            let kind = if matches!(habit, Bindable::Quit | Bindable::Back) {
                "a key pressed to leave"
            } else {
                "a navigation key"
            };
            format!(
                "`{chord}`, {kind} (`{}` at {}:{}:{})",
                habit.name(),
                place.file,
                place.line,
                place.column
            )
        } else {
            continue;
        };
        return Err(Place::of(p).error(format!(
            "`{action}` leads to a change in AWS and must not be bound to {why}; give it a key of its own"
        )));
    }
    Ok(())
}

/// A binding that is a prefix of another makes the longer one untypeable: `resolve` fires on
/// the first full match. Reported at whichever of the two was written last.
fn check_prefixes(placed: &[Placed]) -> Result<(), ConfigError> {
    for short in placed {
        for long in placed {
            let (s, l) = (&short.binding.keys, &long.binding.keys);
            if s.len() < l.len() && l.starts_with(s) {
                let (blame, other) = if short.layer >= long.layer {
                    (short, long)
                } else {
                    (long, short)
                };
                return Err(ConfigError::At {
                    file: blame.file.clone(),
                    line: blame.line,
                    column: blame.column,
                    message: format!(
                        "`{}` is a prefix of `{}`, so `{}` could never be typed; it conflicts \
                         with `{}` ({}:{}:{}); unbind one with action = \"{UNBIND}\"",
                        short.binding.keys_label(),
                        long.binding.keys_label(),
                        long.binding.keys_label(),
                        other.binding.keys_label(),
                        other.file,
                        other.line,
                        other.column,
                    ),
                });
            }
        }
    }
    Ok(())
}

fn label(keys: &[KeyChord]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `move_top` -> `move top`: better than an empty line in the help overlay.
fn default_desc(action: Bindable) -> String {
    action.name().replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chord(code: KeyCode, m: KeyModifiers) -> KeyChord {
        KeyChord::new(code, m)
    }

    #[test]
    fn single_characters_are_keys() {
        let none = KeyModifiers::NONE;
        assert_eq!(parse_chord("j"), Ok(chord(KeyCode::Char('j'), none)));
        assert_eq!(parse_chord("G"), Ok(chord(KeyCode::Char('G'), none)));
        assert_eq!(parse_chord("-"), Ok(chord(KeyCode::Char('-'), none)));
        assert_eq!(parse_chord(":"), Ok(chord(KeyCode::Char(':'), none)));
        assert_eq!(parse_chord("é"), Ok(chord(KeyCode::Char('é'), none)));
    }

    #[test]
    fn modifiers_and_names() {
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(parse_chord("ctrl-c"), Ok(chord(KeyCode::Char('c'), ctrl)));
        assert_eq!(parse_chord("Ctrl-C"), Ok(chord(KeyCode::Char('c'), ctrl)));
        assert_eq!(parse_chord("ctrl--"), Ok(chord(KeyCode::Char('-'), ctrl)));
        assert_eq!(
            parse_chord("ctrl-alt-x"),
            Ok(chord(KeyCode::Char('x'), ctrl | KeyModifiers::ALT))
        );
        assert_eq!(
            parse_chord("alt-x"),
            Ok(chord(KeyCode::Char('x'), KeyModifiers::ALT))
        );
        assert_eq!(
            parse_chord("shift-tab"),
            Ok(chord(KeyCode::Tab, KeyModifiers::SHIFT))
        );
        let none = KeyModifiers::NONE;
        for (s, code) in [
            ("enter", KeyCode::Enter),
            ("esc", KeyCode::Esc),
            ("tab", KeyCode::Tab),
            ("backspace", KeyCode::Backspace),
            ("up", KeyCode::Up),
            ("down", KeyCode::Down),
            ("left", KeyCode::Left),
            ("right", KeyCode::Right),
            ("pgup", KeyCode::PageUp),
            ("pgdn", KeyCode::PageDown),
            ("home", KeyCode::Home),
            ("end", KeyCode::End),
            ("space", KeyCode::Char(' ')),
            ("f1", KeyCode::F(1)),
            ("F12", KeyCode::F(12)),
        ] {
            assert_eq!(parse_chord(s), Ok(chord(code, none)), "{s}");
        }
    }

    #[test]
    fn bad_keys_are_rejected() {
        for bad in [
            "", "ctrl-", "jj", "f0", "f13", "ctrl-foo", "hyper-x", "shift-x",
        ] {
            assert!(parse_chord(bad).is_err(), "{bad:?} accepted");
        }
        assert!(parse_chord("shift-g").unwrap_err().contains("`G`"));
    }

    #[test]
    fn parsed_chords_match_terminal_events() {
        use crossterm::event::KeyEvent;
        let ev = |code, m| KeyChord::from_event(&KeyEvent::new(code, m));
        assert_eq!(
            parse_chord("G"),
            Ok(ev(KeyCode::Char('G'), KeyModifiers::SHIFT))
        );
        assert_eq!(
            parse_chord("shift-tab"),
            Ok(ev(KeyCode::BackTab, KeyModifiers::SHIFT))
        );
        assert_eq!(
            parse_chord("ctrl-d"),
            Ok(ev(KeyCode::Char('d'), KeyModifiers::CONTROL))
        );
    }

    /// The chord a spelling stands for, and whether a terminal can send it as such.
    fn arrives(spec: &str) -> Option<Arrival> {
        arrival(&parse_chord(spec).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn keys_a_terminal_sends_arrive_as_themselves() {
        for spec in [
            "q",
            "G",
            ":",
            "esc",
            "enter",
            "tab",
            "shift-tab",
            "backspace",
            "space",
            "ctrl-a",
            "ctrl-c",
            "ctrl-h",
            "ctrl-j",
            "ctrl-z",
            "ctrl-space",
            "ctrl-4",
            "ctrl-7",
            "alt-x",
            "alt-enter",
            "alt-tab",
            "ctrl-alt-x",
            "ctrl-up",
            "shift-down",
            "ctrl-alt-f5",
            "ctrl-delete",
            "f1",
        ] {
            assert_eq!(arrives(spec), None, "{spec}");
        }
    }

    #[test]
    fn keys_that_share_a_code_arrive_as_the_other_key() {
        let plain = |code| chord(code, KeyModifiers::NONE);
        let ctrl = |c| chord(KeyCode::Char(c), KeyModifiers::CONTROL);
        for (spec, other) in [
            ("ctrl-m", plain(KeyCode::Enter)),
            ("ctrl-i", plain(KeyCode::Tab)),
            ("ctrl-[", plain(KeyCode::Esc)),
            ("ctrl-3", plain(KeyCode::Esc)),
            ("ctrl-alt-[", plain(KeyCode::Esc)),
            ("ctrl-alt-m", chord(KeyCode::Enter, KeyModifiers::ALT)),
            ("ctrl-2", ctrl(' ')),
            ("ctrl-\\", ctrl('4')),
            ("ctrl-_", ctrl('7')),
            ("ctrl-8", plain(KeyCode::Backspace)),
            ("ctrl-enter", plain(KeyCode::Enter)),
            ("shift-enter", plain(KeyCode::Enter)),
            ("ctrl-tab", plain(KeyCode::Tab)),
            ("alt-esc", plain(KeyCode::Esc)),
            ("ctrl-esc", plain(KeyCode::Esc)),
        ] {
            assert_eq!(arrives(spec), Some(Arrival::As(other)), "{spec}");
        }
        assert_eq!(
            arrives("ctrl-backspace"),
            Some(Arrival::AsEither(plain(KeyCode::Backspace), ctrl('h')))
        );
    }

    #[test]
    fn keys_no_terminal_sends_never_arrive() {
        for spec in [
            "ctrl-1",
            "ctrl-0",
            "ctrl-9",
            "ctrl-;",
            "ctrl-.",
            "ctrl-é",
            "alt-[",
            "alt-O",
            "ctrl-shift-tab",
        ] {
            assert!(
                matches!(arrives(spec), Some(Arrival::Never(_))),
                "{spec}: {:?}",
                arrives(spec)
            );
        }
    }

    #[test]
    fn an_untypable_key_is_refused_naming_what_arrives() {
        let refused = |spec| refuse_untypable(spec, parse_chord(spec).unwrap()).unwrap_err();
        assert!(refused("ctrl-m").starts_with("`ctrl-m` arrives as `enter`"));
        assert!(refused("ctrl-2").starts_with("`ctrl-2` arrives as `ctrl-space`"));
        assert!(refused("ctrl-backspace").contains("`backspace` or `ctrl-h`"));
        assert!(refused("ctrl-1").starts_with("`ctrl-1` never arrives"));
    }

    #[test]
    fn default_desc_uses_the_action_name() {
        assert_eq!(default_desc(Bindable::MoveTop), "move top");
    }
}
