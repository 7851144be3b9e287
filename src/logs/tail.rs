//! The live tail's buffer: the newest lines up to a bound, and honest counts of what is not
//! on screen: lines dropped because the buffer was full, and lines AWS sampled away (a live
//! tail sends at most 500 events a second and says when it sampled).

use std::collections::VecDeque;

/// Lines kept by default: a minute of a busy endpoint, a few megabytes.
pub const DEFAULT_CAPACITY: usize = 20_000;
/// Bytes of text kept at most, whatever the lines hold (a line may be 2,000 characters of
/// 3-byte replacement characters): the oldest lines go first past it.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;
/// What a line costs besides its text: its `TailLine` and its slot in the ring.
const LINE_OVERHEAD: usize = std::mem::size_of::<TailLine>();

/// One line of the tail, already made safe (`line::safe_line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailLine {
    /// When the event happened, epoch milliseconds.
    pub timestamp_ms: i64,
    /// The log stream it came from (`<variant>/<instance-id>`), cleaned.
    pub stream: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailBuffer {
    lines: VecDeque<TailLine>,
    capacity: usize,
    max_bytes: usize,
    /// Bytes the lines hold (text, stream, overhead).
    bytes: usize,
    /// Lines pushed out of a full buffer.
    pub dropped: u64,
    /// Updates AWS marked as sampled (beyond 500 events a second some were left out).
    pub sampled_updates: u64,
    /// Every line received.
    pub received: u64,
}

impl TailBuffer {
    pub fn new(capacity: usize) -> Self {
        Self::with_bounds(capacity, DEFAULT_MAX_BYTES)
    }

    /// At most `capacity` lines and `max_bytes` bytes of them.
    pub fn with_bounds(capacity: usize, max_bytes: usize) -> Self {
        Self {
            lines: VecDeque::with_capacity(capacity.min(4_096)),
            capacity: capacity.max(1),
            max_bytes,
            bytes: 0,
            dropped: 0,
            sampled_updates: 0,
            received: 0,
        }
    }

    /// One session update's lines; `sampled` is the update's own flag.
    pub fn push_update(&mut self, lines: impl IntoIterator<Item = TailLine>, sampled: bool) {
        if sampled {
            self.sampled_updates += 1;
        }
        for line in lines {
            self.received += 1;
            let size = Self::size(&line);
            while !self.lines.is_empty()
                && (self.lines.len() == self.capacity || self.bytes + size > self.max_bytes)
            {
                if let Some(old) = self.lines.pop_front() {
                    self.bytes -= Self::size(&old);
                }
                self.dropped += 1;
            }
            self.bytes += size;
            self.lines.push_back(line);
        }
    }

    fn size(line: &TailLine) -> usize {
        line.text.capacity() + line.stream.capacity() + LINE_OVERHEAD
    }

    /// Bytes the lines hold (their text, streams and records).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The `n` newest lines up to `from_end` lines before the newest (scrolled back), oldest
    /// first: what a pane of `n` rows shows.
    pub fn window(&self, n: usize, from_end: usize) -> impl DoubleEndedIterator<Item = &TailLine> {
        let end = self.lines.len().saturating_sub(from_end);
        let start = end.saturating_sub(n);
        self.lines.range(start..end)
    }

    /// `20,000 lines · 1,234 dropped · sampled 3×`, for the pane's title.
    pub fn summary(&self) -> String {
        let n = self.lines.len();
        let mut parts = vec![format!("{n} line{}", if n == 1 { "" } else { "s" })];
        if self.dropped > 0 {
            parts.push(format!("{} dropped", self.dropped));
        }
        if self.sampled_updates > 0 {
            parts.push(format!("sampled by AWS {}×", self.sampled_updates));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(i: i64) -> TailLine {
        TailLine {
            timestamp_ms: i,
            stream: "AllTraffic/i-0".into(),
            text: format!("line {i}"),
        }
    }

    #[test]
    fn a_full_buffer_drops_the_oldest_and_counts_them() {
        let mut b = TailBuffer::new(3);
        b.push_update((0..5).map(line), false);
        b.push_update([line(5)], true);
        assert_eq!(b.len(), 3);
        assert_eq!(b.dropped, 3);
        assert_eq!(b.received, 6);
        assert_eq!(b.sampled_updates, 1);
        let shown: Vec<i64> = b.window(10, 0).map(|l| l.timestamp_ms).collect();
        assert_eq!(shown, [3, 4, 5]);
        assert_eq!(b.summary(), "3 lines · 3 dropped · sampled by AWS 1×");
    }

    #[test]
    fn the_bytes_held_are_bounded_whatever_the_lines_hold() {
        let mut b = TailBuffer::with_bounds(1_000, 10_000);
        let big = |i: i64| TailLine {
            timestamp_ms: i,
            stream: "s".into(),
            text: "x".repeat(3_000),
        };
        b.push_update((0..10).map(big), false);
        assert!(b.bytes() <= 10_000, "{}", b.bytes());
        assert_eq!(b.len(), 3);
        assert_eq!(b.dropped, 7);
        assert_eq!(
            b.window(1, 0).next().unwrap().timestamp_ms,
            9,
            "the newest kept"
        );
    }

    #[test]
    fn the_window_scrolls_back_and_never_past_the_ends() {
        let mut b = TailBuffer::new(100);
        b.push_update((0..10).map(line), false);
        let shown: Vec<i64> = b.window(3, 2).map(|l| l.timestamp_ms).collect();
        assert_eq!(shown, [5, 6, 7]);
        assert_eq!(b.window(3, 50).count(), 0);
        assert_eq!(b.window(50, 0).count(), 10);
    }
}
