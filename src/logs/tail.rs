//! The live tail's buffer: the newest lines up to a bound, and honest counts of what is not
//! on screen: lines dropped because the buffer was full, and lines AWS sampled away (a live
//! tail sends at most 500 events a second and says when it sampled).

use std::collections::VecDeque;
use std::sync::Arc;

/// Lines kept by default: a minute of a busy endpoint, a few megabytes.
pub const DEFAULT_CAPACITY: usize = 20_000;
/// Bytes of text kept at most, whatever the lines hold (a line may be 2,000 characters of
/// 3-byte replacement characters): the oldest lines go first past it.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;
/// What a line costs besides its text: its `TailLine` and its slot in the ring.
const LINE_OVERHEAD: usize = std::mem::size_of::<TailLine>();

/// Lines a block holds at most.
const BLOCK: usize = 256;

/// One line of the tail, already made safe (`line::safe_line`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TailLine {
    /// When the event happened, epoch milliseconds.
    pub timestamp_ms: i64,
    /// The log stream it came from (`<variant>/<instance-id>`), cleaned.
    pub stream: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct TailBuffer {
    /// The lines, oldest first, in blocks of up to `BLOCK`. A save shares the blocks with the
    /// worker that writes them (`held`: nothing copied); while it does, lines arriving start
    /// a block of their own, and lines dropped stay until the worker lets them go.
    blocks: VecDeque<Arc<Vec<TailLine>>>,
    /// Lines of the first block already dropped (emptied, unless a save still reads them).
    head: usize,
    len: usize,
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

/// The same lines and counts, however they are laid out in blocks.
impl PartialEq for TailBuffer {
    fn eq(&self, other: &Self) -> bool {
        (
            self.len,
            self.capacity,
            self.max_bytes,
            self.bytes,
            self.dropped,
            self.sampled_updates,
            self.received,
        ) == (
            other.len,
            other.capacity,
            other.max_bytes,
            other.bytes,
            other.dropped,
            other.sampled_updates,
            other.received,
        ) && self.held().iter().eq(other.held().iter())
    }
}

impl Eq for TailBuffer {}

impl TailBuffer {
    pub fn new(capacity: usize) -> Self {
        Self::with_bounds(capacity, DEFAULT_MAX_BYTES)
    }

    /// At most `capacity` lines and `max_bytes` bytes of them.
    pub fn with_bounds(capacity: usize, max_bytes: usize) -> Self {
        Self {
            blocks: VecDeque::new(),
            head: 0,
            len: 0,
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
            while self.len > 0 && (self.len == self.capacity || self.bytes + size > self.max_bytes)
            {
                self.drop_oldest();
                self.dropped += 1;
            }
            self.bytes += size;
            self.push(line);
        }
    }

    fn push(&mut self, line: TailLine) {
        // A block a save still reads is never written to: the line starts a new one.
        let last = self
            .blocks
            .back_mut()
            .filter(|b| b.len() < BLOCK)
            .and_then(Arc::get_mut);
        match last {
            Some(block) => block.push(line),
            None => {
                let mut block = Vec::with_capacity(BLOCK.min(self.capacity));
                block.push(line);
                self.blocks.push_back(Arc::new(block));
            }
        }
        self.len += 1;
    }

    fn drop_oldest(&mut self) {
        let Some(first) = self.blocks.front_mut() else {
            return;
        };
        let size = match Arc::get_mut(first) {
            // Its memory goes now, not when the whole block does.
            Some(block) => Self::size(&std::mem::take(&mut block[self.head])),
            None => Self::size(&first[self.head]),
        };
        self.bytes -= size;
        self.head += 1;
        self.len -= 1;
        if self.head == first.len() {
            self.blocks.pop_front();
            self.head = 0;
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
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `n` newest lines up to `from_end` lines before the newest (scrolled back), oldest
    /// first: what a pane of `n` rows shows.
    pub fn window(&self, n: usize, from_end: usize) -> impl DoubleEndedIterator<Item = &TailLine> {
        let end = self.len.saturating_sub(from_end);
        let start = end.saturating_sub(n);
        let mut parts = Vec::new();
        let mut at = 0;
        for lines in self.slices() {
            let (from, to) = (at, at + lines.len());
            at = to;
            if to <= start {
                continue;
            }
            if from >= end {
                break;
            }
            parts.push(&lines[start.saturating_sub(from)..end.min(to) - from]);
        }
        parts.into_iter().flatten()
    }

    /// Each block's lines still held, oldest first.
    fn slices(&self) -> impl Iterator<Item = &[TailLine]> {
        self.blocks.iter().enumerate().map(|(i, block)| match i {
            0 => &block[self.head..],
            _ => &block[..],
        })
    }

    /// Every line held, shared: what a save writes while the tail goes on.
    pub fn held(&self) -> HeldLines {
        HeldLines {
            blocks: self.blocks.iter().cloned().collect(),
            head: self.head,
            len: self.len,
        }
    }

    /// `20,000 lines · 1,234 dropped · sampled 3×`, for the pane's title.
    pub fn summary(&self) -> String {
        let n = self.len;
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

/// The lines a buffer held when asked (`TailBuffer::held`): its own blocks, not a copy.
#[derive(Debug, Clone)]
pub struct HeldLines {
    blocks: Vec<Arc<Vec<TailLine>>>,
    head: usize,
    len: usize,
}

impl HeldLines {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &TailLine> {
        self.blocks
            .iter()
            .enumerate()
            .flat_map(|(i, block)| match i {
                0 => &block[self.head..],
                _ => &block[..],
            })
    }

    /// Whether these are `buffer`'s own blocks (the same allocations), not a copy.
    pub fn shares(&self, buffer: &TailBuffer) -> bool {
        self.blocks.len() == buffer.blocks.len()
            && self
                .blocks
                .iter()
                .zip(&buffer.blocks)
                .all(|(a, b)| Arc::ptr_eq(a, b))
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

    #[test]
    fn the_window_reads_across_blocks_and_after_the_oldest_went() {
        let mut b = TailBuffer::new(BLOCK * 2 + 7);
        b.push_update((0..BLOCK as i64 * 3).map(line), false);
        assert_eq!(b.len(), BLOCK * 2 + 7);
        let first = BLOCK as i64 - 7;
        let all: Vec<i64> = b.window(b.len(), 0).map(|l| l.timestamp_ms).collect();
        assert_eq!(all, (first..BLOCK as i64 * 3).collect::<Vec<_>>());
        let back: Vec<i64> = b.window(3, BLOCK).rev().map(|l| l.timestamp_ms).collect();
        let last = BLOCK as i64 * 3 - 1 - BLOCK as i64;
        assert_eq!(back, [last, last - 1, last - 2]);
        // Across the boundary of two blocks.
        let across: Vec<i64> = b.window(4, BLOCK + 2).map(|l| l.timestamp_ms).collect();
        let to = BLOCK as i64 * 2 - 2;
        assert_eq!(across, (to - 4..to).collect::<Vec<_>>());
        assert_eq!(b.held().iter().count(), b.len());
    }

    /// A save holds the buffer's own blocks (not a copy); lines arriving and going while it
    /// writes change neither what it writes nor the buffer's counts and bounds.
    #[test]
    fn held_lines_are_shared_and_stay_as_they_were() {
        let mut b = TailBuffer::with_bounds(BLOCK + 10, 1 << 20);
        b.push_update((0..BLOCK as i64 + 10).map(line), false);
        let held = b.held();
        assert!(held.shares(&b));
        let before: Vec<TailLine> = held.iter().cloned().collect();
        b.push_update((1_000..1_000 + BLOCK as i64).map(line), false);
        assert!(!held.shares(&b));
        assert_eq!(held.iter().cloned().collect::<Vec<_>>(), before);
        assert_eq!(b.len(), BLOCK + 10);
        assert_eq!(b.dropped, BLOCK as u64);
        let counted: usize = b.window(b.len(), 0).map(TailBuffer::size).sum();
        assert_eq!(b.bytes(), counted, "the lines gone are no longer counted");
        let newest: Vec<i64> = b.window(2, 0).map(|l| l.timestamp_ms).collect();
        assert_eq!(newest, [998 + BLOCK as i64, 999 + BLOCK as i64]);
        drop(held);
        // Let go, the blocks are written to and emptied again.
        b.push_update((5_000..5_000 + BLOCK as i64 * 2).map(line), false);
        assert_eq!(b.len(), BLOCK + 10);
        assert!(b.blocks.len() <= 3, "{} blocks", b.blocks.len());
    }
}
