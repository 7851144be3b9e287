//! Small text helpers shared by the panes: bounded writes into a `Buffer`, time labels.

use crate::source::model::Epoch;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

/// Writes `s` at (x, y), at most `max` cells and never outside `clip` or the buffer (ratatui
/// indexes panic out of bounds, and every terminal size must render). Returns the x after it.
pub fn put(buf: &mut Buffer, clip: Rect, x: u16, y: u16, s: &str, max: u16, style: Style) -> u16 {
    let clip = clip.intersection(buf.area);
    if y < clip.top() || y >= clip.bottom() || x < clip.left() || x >= clip.right() {
        return x;
    }
    let max = max.min(clip.right() - x);
    if s.is_ascii() {
        // Most of a frame is ASCII (names, numbers, headers): one cell per byte, without
        // the grapheme segmentation and width lookups of `set_stringn`.
        let start = buf.index_of(x, y);
        let row = &mut buf.content[start..start + usize::from(max)];
        let mut written = 0;
        for (cell, b) in row
            .iter_mut()
            .zip(s.bytes().filter(|b| !b.is_ascii_control()))
        {
            let ch = [b];
            cell.set_symbol(std::str::from_utf8(&ch).unwrap_or(" "))
                .set_style(style);
            written += 1;
        }
        return x + written;
    }
    buf.set_stringn(x, y, s, usize::from(max), style).0
}

/// Like `put`, but a string wider than `max` ends in `…` so truncation is visible.
pub fn put_trunc(
    buf: &mut Buffer,
    clip: Rect,
    x: u16,
    y: u16,
    s: &str,
    max: u16,
    style: Style,
) -> u16 {
    if max == 0 {
        return x;
    }
    if cells(s) <= usize::from(max) {
        return put(buf, clip, x, y, s, max, style);
    }
    let end = put(buf, clip, x, y, s, max - 1, style);
    put(buf, clip, end, y, "…", 1, style)
}

/// `s` in lines of at most `w` cells, broken at spaces where it can be (a word wider than a
/// line is cut across lines): a note, a hint or a description read whole at any width.
pub fn wrap_words(s: &str, w: u16) -> Vec<String> {
    let w = usize::from(w.max(1));
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for word in s.split(' ').filter(|word| !word.is_empty()) {
        let mut word = word;
        loop {
            let word_w = cells(word);
            let gap = usize::from(line_w > 0);
            if line_w + gap + word_w <= w {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                line_w += gap + word_w;
                break;
            }
            if line_w > 0 {
                lines.push(std::mem::take(&mut line));
                line_w = 0;
                continue;
            }
            // Wider than a whole line: as much of it as fits, the rest on the next.
            let mut taken = 0;
            let mut end = 0;
            for (at, c) in word.char_indices() {
                let cw = cells(c.encode_utf8(&mut [0; 4]));
                if taken + cw > w {
                    break;
                }
                taken += cw;
                end = at + c.len_utf8();
            }
            let end = if end == 0 {
                word.chars().next().map_or(word.len(), char::len_utf8)
            } else {
                end
            };
            lines.push(word[..end].to_owned());
            word = &word[end..];
            if word.is_empty() {
                break;
            }
        }
    }
    if line_w > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Writes `s` right-aligned so that it ends at `right` (exclusive): numeric columns align.
pub fn put_right(buf: &mut Buffer, clip: Rect, right: u16, y: u16, s: &str, style: Style) {
    let w = width(s);
    let x = right.saturating_sub(w).max(clip.left());
    put(buf, clip, x, y, s, right.saturating_sub(x), style);
}

pub fn width(s: &str) -> u16 {
    u16::try_from(cells(s)).unwrap_or(u16::MAX)
}

/// Display width in cells. ASCII (almost every name and number) is one cell per byte; the
/// Unicode width tables cost a few hundred instructions per string, a thousand times a frame.
fn cells(s: &str) -> usize {
    if s.is_ascii() {
        s.bytes().filter(|b| !b.is_ascii_control()).count()
    } else {
        s.width()
    }
}

/// `14:05` in UTC.
pub fn hhmm(ts: Epoch) -> String {
    fmt_utc(ts, "%H:%M")
}

/// `14:05:09` in UTC.
pub fn hhmm_ss(ts: Epoch) -> String {
    fmt_utc(ts, "%H:%M:%S")
}

/// `26 Nov 14:05` in UTC, for windows of a day or more where the hour alone is ambiguous.
pub fn day_hhmm(ts: Epoch) -> String {
    fmt_utc(ts, "%d %b %H:%M")
}

fn fmt_utc(ts: Epoch, fmt: &str) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.format(fmt).to_string())
        .unwrap_or_else(|| "--:--".into())
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A size in decimal units as Athena and CloudWatch bill it: `734 B`, `4.3 TB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// A count with thousands separators: `1,234,567`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_easily() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(bytes(152_300_000), "152.3 MB");
        assert_eq!(bytes(12), "12 B");
    }

    #[test]
    fn writes_are_clipped_and_truncation_is_marked() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        let area = buf.area;
        put_trunc(&mut buf, area, 0, 0, "abcdefghij", 5, Style::default());
        // Out of bounds writes are ignored rather than panicking.
        put(&mut buf, area, 9, 0, "x", 3, Style::default());
        put(&mut buf, area, 0, 4, "x", 3, Style::default());
        assert_eq!(buf, Buffer::with_lines(["abcd… "]));
        // Control characters never reach a cell, on the ASCII path or the other.
        put(&mut buf, area, 0, 0, "\x1b[2J\x07", 6, Style::default());
        put(&mut buf, area, 0, 0, "é\u{9b}\x1b", 6, Style::default());
        assert_eq!(buf, Buffer::with_lines(["é2Jd… "]));
    }

    #[test]
    fn words_wrap_at_spaces_and_a_long_word_is_cut_across_lines() {
        assert_eq!(
            wrap_words("add role_arn to it", 8),
            ["add", "role_arn", "to it"]
        );
        assert_eq!(wrap_words("abcdefghij k", 4), ["abcd", "efgh", "ij k"]);
        assert_eq!(wrap_words("", 4), [""]);
        assert_eq!(wrap_words("né é", 2), ["né", "é"]);
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(hhmm(1_795_615_500), "14:05");
        assert_eq!(day_hhmm(1_795_615_500), "25 Nov 14:05");
    }
}
