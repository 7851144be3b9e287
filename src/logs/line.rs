//! A log line is hostile: it may hold escape sequences, C1 controls, bidi overrides, invalid
//! UTF-8 and megabytes of text. What is shown is valid UTF-8 (invalid bytes replaced), has no
//! control character, and is cut at a bound with a marker that says how much was cut.

use crate::sanitize::needs_replacing;

/// Characters of a line kept; the rest is cut with a marker.
pub const MAX_CHARS: usize = 2_000;

/// An event's time as the shell prints it and the tail saves it:
/// `2026-11-26T10:00:01.123Z` (UTC, milliseconds; the number itself when out of range).
pub fn iso_millis(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || ms.to_string(),
        |t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    )
}

/// Whether the line reads as a warning or an error, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warn,
    Other,
}

/// `bytes` as one safe line: invalid UTF-8 replaced, tabs as spaces, every other control
/// character (C0, DEL, C1, bidi) replaced, cut at `max` characters with `… [N more]`.
pub fn safe_line(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut kept = 0usize;
    let mut cut = 0usize;
    for c in text.chars() {
        if kept == max {
            cut += 1;
            continue;
        }
        let c = match c {
            '\t' | '\n' | '\r' => ' ',
            c if needs_replacing(c) => '\u{FFFD}',
            c => c,
        };
        out.push(c);
        kept += 1;
    }
    if cut > 0 {
        out.push_str(&format!("… [{cut} more]"));
    }
    out
}

/// ERROR or WARN as a word of the line (`ERROR`, `[error]`, `level=warn`, `Traceback`),
/// case-insensitive; not inside a longer word (`terror` is not an error).
pub fn level(line: &str) -> Level {
    let mut warn = false;
    for word in line.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.eq_ignore_ascii_case("error")
            || word.eq_ignore_ascii_case("fatal")
            || word.eq_ignore_ascii_case("critical")
            || word.eq_ignore_ascii_case("exception")
            || word == "Traceback"
        {
            return Level::Error;
        }
        if word.eq_ignore_ascii_case("warn") || word.eq_ignore_ascii_case("warning") {
            warn = true;
        }
    }
    if warn { Level::Warn } else { Level::Other }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_c1_bidi_and_invalid_utf8_are_replaced() {
        let line = b"ok \x1b[2J\x1b]52;c;aGk=\x07 \xc2\x9b31m \xe2\x80\xae evil \xff\xfe end\r\n";
        let s = safe_line(line, MAX_CHARS);
        assert!(
            !s.chars().any(|c| c.is_control() || needs_replacing(c)),
            "{s:?}"
        );
        assert!(
            s.starts_with("ok ") && s.contains("evil") && s.contains("end"),
            "{s:?}"
        );
    }

    #[test]
    fn long_lines_are_cut_with_a_marker_that_counts() {
        let s = safe_line("x".repeat(2_500).as_bytes(), 2_000);
        assert!(s.ends_with("… [500 more]"), "{}", &s[s.len() - 20..]);
        assert_eq!(s.chars().filter(|c| *c == 'x').count(), 2_000);
        assert_eq!(safe_line(b"short", 10), "short");
    }

    #[test]
    fn levels_are_words_not_substrings() {
        assert_eq!(level("2026-11-26 ERROR missing feature"), Level::Error);
        assert_eq!(level("[error] boom"), Level::Error);
        assert_eq!(level("level=warn msg=slow"), Level::Warn);
        assert_eq!(level("Traceback (most recent call last):"), Level::Error);
        assert_eq!(level("no terror here, forewarned"), Level::Other);
    }

    proptest! {
        /// Whatever the bytes, the line is safe to draw and never longer than the bound
        /// plus its marker.
        #[test]
        fn any_bytes_become_a_safe_bounded_line(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let s = safe_line(&bytes, 100);
            prop_assert!(!s.chars().any(|c| c.is_control() || needs_replacing(c)));
            prop_assert!(s.chars().count() <= 100 + "… [0000 more]".len());
        }
    }
}
