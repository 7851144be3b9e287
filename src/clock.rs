//! Where "now" comes from: the wall clock in production, a settable clock in tests.

use crate::source::model::Epoch;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Epoch;
}

pub type SharedClock = Arc<dyn Clock>;

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Epoch {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as Epoch)
            .unwrap_or(0)
    }
}

/// Starts at a chosen instant and then runs at wall-clock speed: the demo organisation is
/// replayed from `--demo-start` while staying live.
#[derive(Debug)]
pub struct OffsetClock {
    start: Epoch,
    began: Instant,
}

impl OffsetClock {
    pub fn new(start: Epoch) -> Self {
        Self {
            start,
            began: Instant::now(),
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Epoch {
        self.start + self.began.elapsed().as_secs() as Epoch
    }
}

/// Stands still until told to move: snapshot tests and the idle-output benchmark.
#[derive(Debug)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn new(now: Epoch) -> Self {
        Self(AtomicI64::new(now))
    }

    pub fn set(&self, now: Epoch) {
        self.0.store(now, Ordering::Relaxed);
    }

    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Epoch {
        self.0.load(Ordering::Relaxed)
    }
}

static PROCESS_START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Marks the start of the process; `main` calls it first thing.
pub fn mark_process_start() {
    PROCESS_START.get_or_init(Instant::now);
}

/// Microseconds since `mark_process_start`, for the start-up timing in the log.
pub fn micros_since_start() -> u64 {
    PROCESS_START
        .get()
        .map_or(0, |t| t.elapsed().as_micros() as u64)
}
