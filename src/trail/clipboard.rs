//! Copying a cell to the clipboard of the user's own terminal with OSC 52, which travels
//! through SSH to the terminal emulator on their laptop (no X11, no clipboard daemon on the
//! bastion). Pure: builds the escape sequence; the terminal layer writes it.
//!
//! Inside tmux the sequence is handled by tmux itself, not wrapped in a DCS passthrough
//! here: tmux needs `set -g set-clipboard on` (its default, `external`, ignores OSC 52 from
//! applications), and the outer terminal must accept OSC 52 (tmux then forwards it when the
//! terminal's entry has the `clipboard` feature, e.g.
//! `set -as terminal-features ',xterm*:clipboard'`). GNU screen is not supported.

/// The most text copied: some terminals refuse longer OSC 52 payloads (xterm and others cap
/// the sequence near 100 KB), so longer text is cut, at a character boundary, to its first
/// 100,000 bytes (UTF-8) before encoding; the base64 payload is then at most ~133 KB.
pub const MAX_COPY_BYTES: usize = 100_000;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648, section 4) with `=` padding.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The text `osc52` copies: sanitised (no control characters: the clipboard is pasted into
/// shells), and cut to `MAX_COPY_BYTES`.
pub fn copied_text(text: &str) -> String {
    let clean = crate::sanitize::clean(text);
    let mut end = clean.len().min(MAX_COPY_BYTES);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    clean[..end].to_string()
}

/// Whether `osc52` cuts `text` (so the view can say the copy is partial).
pub fn is_cut(text: &str) -> bool {
    crate::sanitize::clean(text).len() > MAX_COPY_BYTES
}

/// `ESC ] 52 ; c ; BASE64 ESC \`: sets the clipboard (`c`) of the terminal that displays
/// it to `copied_text(text)`.
pub fn osc52(text: &str) -> String {
    format!(
        "\u{1b}]52;c;{}\u{1b}\\",
        base64(copied_text(text).as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "{input:?}");
        }
        // Every bit pattern, through the whole alphabet, `+` and `/` included.
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
        assert_eq!(base64(&[0, 0x10, 0x83]), "ABCD");
        assert_eq!(base64("é✓".as_bytes()), "w6ninJM=");
    }

    #[test]
    fn the_sequence_is_osc_52_with_the_clipboard_target_and_st() {
        assert_eq!(osc52("foobar"), "\u{1b}]52;c;Zm9vYmFy\u{1b}\\");
        assert_eq!(
            osc52("arn:aws:iam::111111111111:role/Deployer"),
            "\u{1b}]52;c;YXJuOmF3czppYW06OjExMTExMTExMTExMTpyb2xlL0RlcGxveWVy\u{1b}\\"
        );
        assert_eq!(osc52(""), "\u{1b}]52;c;\u{1b}\\");
    }

    #[test]
    fn control_characters_are_sanitised_before_encoding() {
        // ESC and BEL would end the sequence early or reach the paste target.
        assert_eq!(
            copied_text("a\u{1b}]0;x\u{7}b\nc"),
            "a\u{FFFD}]0;x\u{FFFD}b c"
        );
        let seq = osc52("a\u{1b}\\b\u{7}");
        // Only the sequence's own two ESCs.
        assert_eq!(seq.matches('\u{1b}').count(), 2);
        assert!(!seq.contains('\u{7}'));
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let short = "x".repeat(MAX_COPY_BYTES);
        assert!(!is_cut(&short));
        assert_eq!(copied_text(&short).len(), MAX_COPY_BYTES);
        // A two-byte character straddling the limit is left out whole.
        let long = format!("{}é", "x".repeat(MAX_COPY_BYTES - 1));
        assert!(is_cut(&long));
        assert_eq!(copied_text(&long), "x".repeat(MAX_COPY_BYTES - 1));
        let seq = osc52(&"y".repeat(MAX_COPY_BYTES * 2));
        assert_eq!(
            seq.len(),
            "\u{1b}]52;c;".len() + MAX_COPY_BYTES.div_ceil(3) * 4 + 2
        );
    }
}
