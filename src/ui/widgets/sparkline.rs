//! A one-row sparkline: one cell per value in eight levels, gaps left blank, each cell styled
//! by the caller (the fleet colours cells by their threshold band).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

const LEVELS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/// Reduces `values` into `out.len()` buckets, each the worst of its slots (the minimum when
/// `lower_is_worse`, else the maximum) so that a dip or a spike survives the squeeze. A
/// bucket of gaps stays NaN.
pub fn bucket(values: &[f32], out: &mut [f32], lower_is_worse: bool) {
    let (n, len) = (out.len(), values.len());
    for (i, o) in out.iter_mut().enumerate() {
        let start = i * len / n;
        let end = ((i + 1) * len / n).max(start + 1).min(len);
        *o = values
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .fold(f32::NAN, |acc, v| match () {
                _ if acc.is_nan() => v,
                _ if lower_is_worse => acc.min(v),
                _ => acc.max(v),
            });
    }
}

/// The range the levels span. A nearly flat series is given a minimum span (a tenth of its
/// magnitude) so that noise in the third decimal does not look like a cliff.
pub fn scale(values: &[f32]) -> Option<(f32, f32)> {
    let (lo, hi) = values.iter().filter(|v| v.is_finite()).fold(
        None,
        |acc: Option<(f32, f32)>, &v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        },
    )?;
    let min_span = (0.1 * lo.abs().max(hi.abs())).max(1e-6);
    if hi - lo < min_span {
        let mid = (hi + lo) / 2.0;
        return Some((mid - min_span / 2.0, mid + min_span / 2.0));
    }
    Some((lo, hi))
}

/// The level (0..8) of a value within `[lo, hi]`.
pub fn level(v: f32, lo: f32, hi: f32) -> usize {
    let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
    ((t * 7.0).round().clamp(0.0, 7.0)) as usize
}

/// Draws `values` from the left of the first row of `area`, one cell each, clipped to it.
pub fn render(buf: &mut Buffer, area: Rect, values: &[f32], style: impl Fn(f32) -> Style) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let Some((lo, hi)) = scale(values) else {
        return;
    };
    // One slice of the row instead of a bounds-checked index per cell: the fleet draws a few
    // thousand of these cells per frame.
    let start = buf.index_of(area.x, area.y);
    let row = &mut buf.content[start..start + usize::from(area.width)];
    for (cell, &v) in row.iter_mut().zip(values) {
        if v.is_nan() {
            continue;
        }
        cell.set_symbol(LEVELS[level(v, lo, hi)])
            .set_style(style(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    #[test]
    fn buckets_keep_the_worst_slot_and_gaps() {
        let v = [1.0, 5.0, f32::NAN, f32::NAN, 2.0, 3.0];
        let mut out = [0.0; 3];
        bucket(&v, &mut out, false);
        assert_eq!(out[0], 5.0);
        assert!(out[1].is_nan());
        assert_eq!(out[2], 3.0);
        bucket(&v, &mut out, true);
        assert_eq!(out[0], 1.0);
        assert_eq!(out[2], 2.0);
    }

    #[test]
    fn levels_gaps_and_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
        let values = [0.0, 7.0, f32::NAN, 3.5, 1.0];
        let red = Style::default().fg(Color::Red);
        let green = Style::default().fg(Color::Green);
        render(&mut buf, Rect::new(0, 0, 5, 1), &values, |v| {
            if v > 5.0 { red } else { green }
        });
        assert_eq!(buf, {
            let mut want = Buffer::with_lines(["▁█ ▅▂"]);
            want.set_style(Rect::new(0, 0, 1, 1), green);
            want.set_style(Rect::new(1, 0, 1, 1), red);
            want.set_style(Rect::new(3, 0, 2, 1), green);
            want
        });
    }

    #[test]
    fn flat_series_sits_mid_height_and_tiny_areas_are_safe() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        render(&mut buf, Rect::new(0, 0, 5, 1), &[0.9, 0.9, 0.9], |_| {
            Style::default()
        });
        assert_eq!(buf, Buffer::with_lines(["▅▅▅"]));
        render(&mut buf, Rect::new(5, 5, 0, 0), &[1.0], |_| {
            Style::default()
        });
        render(&mut buf, Rect::new(0, 0, 5, 1), &[f32::NAN; 3], |_| {
            Style::default()
        });
    }
}
