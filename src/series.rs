//! Bounded time-series storage: one ring of f32 per series, timestamps implicit from the period.
//!
//! Memory grows with what is shown (each series keeps only the slots its widest view needs),
//! never with how long the console runs.

use crate::source::model::{Epoch, SeriesData, SeriesKey, SeriesStatus};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;

/// One series: `values[i]` is the slot starting at `first + i * period`; NaN marks a gap.
#[derive(Debug, Clone)]
pub struct Series {
    period: i64,
    first: Epoch,
    values: VecDeque<f32>,
    capacity: usize,
    pub status: SeriesStatus,
}

impl Series {
    pub fn new(period: u32, capacity: usize) -> Self {
        Self {
            period: i64::from(period.max(1)),
            first: 0,
            values: VecDeque::new(),
            capacity: capacity.max(1),
            status: SeriesStatus::Complete,
        }
    }

    pub fn period(&self) -> i64 {
        self.period
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn slot(&self, ts: Epoch) -> Epoch {
        ts.div_euclid(self.period) * self.period
    }

    /// Timestamp just past the last slot held.
    fn end(&self) -> Epoch {
        self.first + self.values.len() as i64 * self.period
    }

    /// Stores `value` in the slot holding `ts`, filling any gap with NaN and dropping the
    /// oldest slots beyond capacity. Points older than what the ring can hold are ignored.
    pub fn insert(&mut self, ts: Epoch, value: f32) {
        let ts = self.slot(ts);
        if self.values.is_empty() {
            self.first = ts;
            self.values.push_back(value);
            return;
        }
        if ts >= self.end() {
            let gap = ((ts - self.end()) / self.period) as usize;
            if gap >= self.capacity {
                // Nothing held is within the window any more: start afresh.
                self.values.clear();
                self.first = ts;
                self.values.push_back(value);
                return;
            }
            self.values.extend(std::iter::repeat_n(f32::NAN, gap));
            self.values.push_back(value);
            while self.values.len() > self.capacity {
                self.values.pop_front();
                self.first += self.period;
            }
        } else if ts >= self.first {
            let i = ((ts - self.first) / self.period) as usize;
            self.values[i] = value;
        } else {
            let missing = ((self.first - ts) / self.period) as usize;
            if self.values.len() + missing > self.capacity {
                return;
            }
            for _ in 1..missing {
                self.values.push_front(f32::NAN);
            }
            self.values.push_front(value);
            self.first = ts;
        }
    }

    /// Keeps at most `capacity` slots, dropping the oldest.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        while self.values.len() > self.capacity {
            self.values.pop_front();
            self.first += self.period;
        }
        // Give the memory back: a 3-day chart left behind must not stay allocated.
        self.values.shrink_to(self.capacity);
    }

    /// The newest slot holding a value.
    pub fn latest(&self) -> Option<(Epoch, f32)> {
        self.values
            .iter()
            .enumerate()
            .rev()
            .find(|(_, v)| !v.is_nan())
            .map(|(i, v)| (self.first + i as i64 * self.period, *v))
    }

    /// Timestamp of the newest slot, whether it holds a value or not.
    pub fn last_slot(&self) -> Option<Epoch> {
        (!self.values.is_empty()).then(|| self.end() - self.period)
    }

    /// The value of the slot holding `ts` (NaN when missing).
    pub fn at(&self, ts: Epoch) -> f32 {
        let ts = self.slot(ts);
        if ts < self.first || ts >= self.end() {
            return f32::NAN;
        }
        self.values[((ts - self.first) / self.period) as usize]
    }

    /// `n` consecutive slot values ending with the slot holding `end` (NaN where missing):
    /// what a sparkline of `n` cells draws.
    pub fn window(&self, end: Epoch, n: usize) -> impl Iterator<Item = f32> + '_ {
        let last = self.slot(end);
        let start = last - (n as i64 - 1) * self.period;
        (0..n as i64).map(move |i| self.at(start + i * self.period))
    }

    /// Writes the `out.len()` slot values ending with the slot holding `end` into `out`, NaN
    /// where missing: `window` without a division per slot, for the fleet's hot path.
    pub fn window_into(&self, end: Epoch, out: &mut [f32]) {
        out.fill(f32::NAN);
        if self.values.is_empty() || out.is_empty() {
            return;
        }
        let last = self.slot(end);
        let start = last - (out.len() as i64 - 1) * self.period;
        let lo = start.max(self.first);
        let hi = last.min(self.end() - self.period);
        if lo > hi {
            return;
        }
        let from = ((lo - self.first) / self.period) as usize;
        let to = ((hi - self.first) / self.period) as usize;
        let at = ((lo - start) / self.period) as usize;
        for (slot, v) in out[at..].iter_mut().zip(self.values.range(from..=to)) {
            *slot = *v;
        }
    }

    /// Points with a value in `[start, end]`, oldest first.
    pub fn points(&self, start: Epoch, end: Epoch) -> impl Iterator<Item = (Epoch, f32)> + '_ {
        let (first, period, len) = (self.first, self.period, self.values.len() as i64);
        // Only the slots inside the window are visited, however long the ring.
        let from = (start - first).div_euclid(period) + i64::from((start - first) % period != 0);
        let from = from.clamp(0, len) as usize;
        let to = ((end - first).div_euclid(period) + 1).clamp(0, len) as usize;
        self.values
            .range(from..to.max(from))
            .enumerate()
            .map(move |(i, v)| (first + (from + i) as i64 * period, *v))
            .filter(|(_, v)| !v.is_nan())
    }

    /// Heap bytes held by the ring (for the memory benchmark and the debug log).
    pub fn heap_bytes(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<f32>()
    }
}

/// All series held, keyed exactly as a source would be asked for them.
///
/// Fx hashing: the fleet draws hundreds of lookups per frame and SipHash was the largest
/// cost of a frame; keys come from our own catalogue and the source, not from a network peer
/// choosing collisions.
#[derive(Debug, Default, Clone)]
pub struct SeriesStore {
    map: FxHashMap<SeriesKey, Series>,
}

impl SeriesStore {
    pub fn get(&self, key: &SeriesKey) -> Option<&Series> {
        self.map.get(key)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&SeriesKey, &Series)> {
        self.map.iter()
    }

    /// Room for `additional` more series, made before their answers are in hand: a table
    /// that doubles while a part of answers is held holds its old and new tables beside it.
    pub fn reserve(&mut self, additional: usize) {
        self.map.reserve(additional);
    }

    /// Merges points from a source. `capacity` is the number of slots the widest current
    /// view of this series needs; a series never shrinks here (see `retain`).
    pub fn ingest(&mut self, data: SeriesData, capacity: usize) {
        let series = self
            .map
            .entry(data.key)
            .or_insert_with_key(|k| Series::new(k.period, capacity));
        if series.capacity() < capacity {
            series.capacity = capacity;
        }
        series.status = data.status;
        for (ts, v) in data.points {
            if v.is_finite() {
                series.insert(ts, v as f32);
            }
        }
    }

    /// Shrinks every series to what `capacity_for` says is still shown; drops series for
    /// which it returns 0 (their endpoint is gone).
    pub fn retain(&mut self, mut capacity_for: impl FnMut(&SeriesKey) -> usize) {
        self.map.retain(|key, series| {
            let cap = capacity_for(key);
            if cap == 0 {
                return false;
            }
            if cap < series.capacity() {
                series.set_capacity(cap);
            }
            true
        });
    }

    /// Shrinks one series to `capacity` slots (0: drops it); never grows it.
    pub fn shrink(&mut self, key: &SeriesKey, capacity: usize) {
        if capacity == 0 {
            self.map.remove(key);
        } else if let Some(series) = self.map.get_mut(key)
            && capacity < series.capacity()
        {
            series.set_capacity(capacity);
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.map.values().map(Series::heap_bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(s: &Series) -> Vec<Option<f32>> {
        s.window(s.last_slot().unwrap(), s.len())
            .map(|v| (!v.is_nan()).then_some(v))
            .collect()
    }

    #[test]
    fn appends_fills_gaps_and_bounds_capacity() {
        let mut s = Series::new(60, 4);
        s.insert(600, 1.0);
        s.insert(660, 2.0);
        s.insert(840, 5.0); // two missing slots between
        assert_eq!(vals(&s), vec![Some(2.0), None, None, Some(5.0)]);
        s.insert(900, 6.0);
        assert_eq!(s.len(), 4);
        assert_eq!(s.latest(), Some((900, 6.0)));
    }

    #[test]
    fn unaligned_timestamps_land_in_their_slot_and_overwrite() {
        let mut s = Series::new(60, 10);
        s.insert(61, 1.0);
        s.insert(119, 2.0);
        assert_eq!(s.len(), 1);
        assert_eq!(s.at(60), 2.0);
    }

    #[test]
    fn older_points_prepend_while_they_fit() {
        let mut s = Series::new(60, 3);
        s.insert(600, 3.0);
        s.insert(480, 1.0);
        assert_eq!(vals(&s), vec![Some(1.0), None, Some(3.0)]);
        s.insert(300, 9.0); // would exceed capacity
        assert_eq!(s.len(), 3);
        assert!(s.at(300).is_nan());
    }

    #[test]
    fn a_huge_gap_restarts_instead_of_allocating() {
        let mut s = Series::new(60, 5);
        s.insert(0, 1.0);
        s.insert(60 * 1_000_000, 2.0);
        assert_eq!(s.len(), 1);
        assert_eq!(s.latest(), Some((60_000_000, 2.0)));
    }

    #[test]
    fn window_pads_with_nan_before_the_first_point() {
        let mut s = Series::new(60, 10);
        s.insert(120, 1.0);
        let w: Vec<f32> = s.window(120, 3).collect();
        assert!(w[0].is_nan() && w[1].is_nan());
        assert_eq!(w[2], 1.0);
    }

    proptest::proptest! {
        #[test]
        fn window_into_equals_window(
            points in proptest::collection::vec((0i64..400, 0f32..100.0), 0..60),
            end in -100i64..600,
            n in 0usize..80,
            cap in 1usize..50,
        ) {
            let mut s = Series::new(7, cap);
            for (ts, v) in points {
                s.insert(ts, v);
            }
            let expected: Vec<u32> = s.window(end, n).map(f32::to_bits).collect();
            let mut out = vec![0.0; n];
            s.window_into(end, &mut out);
            let got: Vec<u32> = out.iter().map(|v| v.to_bits()).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn points_are_exactly_the_slots_in_the_window(
            points in proptest::collection::vec((0i64..400, 0f32..100.0), 0..60),
            start in -100i64..500,
            len in 0i64..500,
            cap in 1usize..50,
        ) {
            let mut s = Series::new(7, cap);
            for (ts, v) in points {
                s.insert(ts, v);
            }
            let end = start + len;
            let expected: Vec<(Epoch, f32)> = (0..s.len() as i64)
                .map(|i| s.first + i * 7)
                .filter(|ts| *ts >= start && *ts <= end)
                .map(|ts| (ts, s.at(ts)))
                .filter(|(_, v)| !v.is_nan())
                .collect();
            let got: Vec<(Epoch, f32)> = s.points(start, end).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn shrinking_gives_memory_back() {
        let mut s = Series::new(60, 5000);
        for i in 0..5000 {
            s.insert(i * 60, 1.0);
        }
        let before = s.heap_bytes();
        s.set_capacity(61);
        assert!(
            s.heap_bytes() * 10 < before,
            "{} of {before} bytes kept",
            s.heap_bytes()
        );
    }

    #[test]
    fn store_retain_shrinks_and_drops() {
        let key =
            |m: &str| SeriesKey::new("1", "ns", m, &[], crate::source::model::Stat::Average, 60);
        let mut store = SeriesStore::default();
        for m in ["a", "b"] {
            store.ingest(
                SeriesData {
                    key: key(m),
                    points: (0..100).map(|i| (i * 60, i as f64)).collect(),
                    status: SeriesStatus::Complete,
                },
                100,
            );
        }
        store.retain(|k| if k.metric == "a" { 10 } else { 0 });
        assert_eq!(store.len(), 1);
        let a = store.get(&key("a")).unwrap();
        assert_eq!(a.len(), 10);
        assert_eq!(a.latest(), Some((99 * 60, 99.0)));
    }
}
