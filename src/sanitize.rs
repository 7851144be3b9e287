//! Every string that comes from AWS, a file or a demo is hostile until it passes here: no
//! control character (C0, DEL, C1: ESC, BEL, CSI, ...) may reach the terminal.

use std::borrow::Cow;

/// Replaces each control character with U+FFFD and each tab or newline with a space.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_replacing) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if needs_replacing(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Whether a terminal could act on `c`: C0, DEL, C1 and bidi controls.
pub fn needs_replacing(c: char) -> bool {
    // Bidi overrides can make a reason read backwards; treat them as control too.
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                // Directional marks and the line/paragraph separators reorder or break lines
                // as surely as the overrides do.
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Cleans a string in place, allocating only when it held something to replace.
pub fn clean_in_place(s: &mut String) {
    if let Cow::Owned(o) = clean(s) {
        *s = o;
    }
}

/// Implemented by every domain type that carries strings from outside.
pub trait Sanitize {
    fn sanitize(&mut self);
}

impl Sanitize for String {
    fn sanitize(&mut self) {
        clean_in_place(self);
    }
}

impl<T: Sanitize> Sanitize for Vec<T> {
    fn sanitize(&mut self) {
        self.iter_mut().for_each(Sanitize::sanitize);
    }
}

impl<T: Sanitize> Sanitize for Option<T> {
    fn sanitize(&mut self) {
        if let Some(v) = self {
            v.sanitize();
        }
    }
}

impl<A: Sanitize, B: Sanitize> Sanitize for (A, B) {
    fn sanitize(&mut self) {
        self.0.sanitize();
        self.1.sanitize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_every_control_character() {
        let hostile = "ok\u{1b}[2J\u{7}\u{9b}31m\u{0}\u{7f}\ttab\u{202E}";
        let c = clean(hostile);
        assert!(!c.chars().any(|c| c.is_control()), "{c:?}");
        assert!(c.contains("ok") && c.contains(" tab"));
    }

    #[test]
    fn directional_marks_and_line_separators_are_replaced_too() {
        for c in ['\u{200E}', '\u{200F}', '\u{061C}', '\u{2028}', '\u{2029}'] {
            let s = format!("a{c}b");
            assert_eq!(clean(&s), "a\u{FFFD}b", "{:X}", c as u32);
        }
    }

    #[test]
    fn clean_strings_are_not_copied() {
        assert!(matches!(clean("prod-fraud ✓"), Cow::Borrowed(_)));
    }
}
