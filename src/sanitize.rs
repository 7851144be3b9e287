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

/// Whether `c` is drawn as U+FFFD: a character a terminal could act on (C0, DEL, C1, bidi
/// controls), or one that draws as nothing at all (zero-width spaces and joiners, the BOM,
/// soft hyphen, invisible operators: Unicode's format characters). An invisible character
/// makes two names look alike (`cpu\u{200B}high` draws as `cpuhigh`), so it is shown, never
/// hidden.
pub fn needs_replacing(c: char) -> bool {
    // Most text is ASCII or Latin-1 letters: one comparison decides it.
    if c < '\u{AD}' {
        return c.is_control();
    }
    c.is_control() || is_invisible_format(c) || is_line_or_paragraph_separator(c)
}

/// Characters that draw as nothing, or change how their neighbours draw: Unicode's format
/// characters (general category Cf: zero-width spaces and joiners, bidi controls, the BOM,
/// soft hyphen) and its default-ignorable code points (the combining grapheme joiner,
/// variation selectors, Mongolian and Khmer invisible signs, Hangul fillers, tag
/// characters), as of Unicode 15. Look-alike letters (a Cyrillic `с`) are visible and stay.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{600}'..='\u{605}'
            | '\u{61C}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The line and paragraph separators break a line as surely as a newline does.
fn is_line_or_paragraph_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// The first character of `s` that would be drawn as U+FFFD, said so a user can find it:
/// `U+200B (an invisible character) at character 4`.
pub fn first_hidden(s: &str) -> Option<String> {
    let (at, c) = s.chars().enumerate().find(|&(_, c)| needs_replacing(c))?;
    let what = match c {
        '\t' => "a tab",
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => "a line break",
        c if c.is_control() => "a control character",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{61C}' => {
            "a bidi control"
        }
        _ => "an invisible character",
    };
    Some(format!(
        "U+{:04X} ({what}) at character {}",
        c as u32,
        at + 1
    ))
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
    fn invisible_format_characters_are_drawn_as_a_marker() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{2064}',
            '\u{FEFF}',
            '\u{180E}',
            '\u{AD}',
            '\u{E0041}',
            '\u{3164}',
            '\u{1D173}',
            // Default-ignorable, not Cf: `cpu\u{34F}high` draws as `cpuhigh` too.
            '\u{34F}',
            '\u{FE0F}',
            '\u{180B}',
            '\u{17B4}',
            '\u{E0100}',
            '\u{2065}',
        ] {
            let s = format!("cpu{c}high");
            assert_eq!(clean(&s), "cpu\u{FFFD}high", "U+{:04X}", c as u32);
        }
        // Every format character (Unicode's Cf) up to the astral planes is covered.
        for c in ('\u{0}'..='\u{FFFF}').filter(|&c| is_cf(c)) {
            assert!(needs_replacing(c), "U+{:04X}", c as u32);
        }
        // Every default-ignorable code point (Unicode 15's DerivedCoreProperties) too.
        for c in ('\u{0}'..='\u{10FFFF}').filter(|&c| is_default_ignorable(c)) {
            assert!(needs_replacing(c), "U+{:04X}", c as u32);
        }
        // Ordinary letters, marks and symbols stay.
        assert_eq!(clean("café ✓ 日本 ⠿"), "café ✓ 日本 ⠿");
    }

    /// Cf as listed by Unicode 15 below U+10000, written independently of the sanitizer's
    /// table (from the UCD's DerivedGeneralCategory).
    fn is_cf(c: char) -> bool {
        let cp = c as u32;
        [
            (0xAD, 0xAD),
            (0x600, 0x605),
            (0x61C, 0x61C),
            (0x6DD, 0x6DD),
            (0x70F, 0x70F),
            (0x890, 0x891),
            (0x8E2, 0x8E2),
            (0x180E, 0x180E),
            (0x200B, 0x200F),
            (0x202A, 0x202E),
            (0x2060, 0x2064),
            (0x2066, 0x206F),
            (0xFEFF, 0xFEFF),
            (0xFFF9, 0xFFFB),
        ]
        .iter()
        .any(|&(a, b)| (a..=b).contains(&cp))
    }

    /// Default_Ignorable_Code_Point, Unicode 15, from the UCD's DerivedCoreProperties.txt.
    fn is_default_ignorable(c: char) -> bool {
        let cp = c as u32;
        [
            (0xAD, 0xAD),
            (0x34F, 0x34F),
            (0x61C, 0x61C),
            (0x115F, 0x1160),
            (0x17B4, 0x17B5),
            (0x180B, 0x180F),
            (0x200B, 0x200F),
            (0x202A, 0x202E),
            (0x2060, 0x206F),
            (0x3164, 0x3164),
            (0xFE00, 0xFE0F),
            (0xFEFF, 0xFEFF),
            (0xFFA0, 0xFFA0),
            (0xFFF0, 0xFFF8),
            (0x1BCA0, 0x1BCA3),
            (0x1D173, 0x1D17A),
            (0xE0000, 0xE0FFF),
        ]
        .iter()
        .any(|&(a, b)| (a..=b).contains(&cp))
    }

    #[test]
    fn the_first_hidden_character_is_named_with_its_place() {
        assert_eq!(
            first_hidden("cpu\u{200B}high").as_deref(),
            Some("U+200B (an invisible character) at character 4")
        );
        assert_eq!(
            first_hidden("a\u{202E}b").as_deref(),
            Some("U+202E (a bidi control) at character 2")
        );
        assert_eq!(
            first_hidden("tab\tx").as_deref(),
            Some("U+0009 (a tab) at character 4")
        );
        assert_eq!(first_hidden("fine-name"), None);
    }

    #[test]
    fn clean_strings_are_not_copied() {
        assert!(matches!(clean("prod-fraud ✓"), Cow::Borrowed(_)));
    }
}
