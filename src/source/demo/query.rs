//! One simulated query lifecycle, for the demo's Athena and its Insights alike: queued, then
//! running (its progress the share of its running time gone), then done, or failed once
//! out of the queue; cancelled when stopped before it finished. Measured in real time
//! (`Instant`), never on the demo clock, which may be frozen.

use crate::source::trail::QueryState;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Queries whose state is kept; older ones are forgotten (as if expired).
pub const KEPT_QUERIES: usize = 32;

/// One query: its answer is computed when it starts (the window is then fixed); the
/// lifecycle only decides how much of it shows.
#[derive(Debug)]
pub struct Run<T> {
    pub id: String,
    /// Whose it is: Athena's request token, Insights' account.
    pub owner: String,
    began: Instant,
    queued: Duration,
    running: Duration,
    /// When (since `began`) it was cancelled.
    cancelled: Option<Duration>,
    /// `Err` fails the query once it leaves the queue, with this reason.
    pub answer: Result<T, String>,
}

impl<T> Run<T> {
    pub fn new(
        (id, owner): (String, String),
        queued: Duration,
        running: Duration,
        answer: Result<T, String>,
    ) -> Self {
        Self {
            id,
            owner,
            began: Instant::now(),
            queued,
            running,
            cancelled: None,
            answer,
        }
    }

    /// Its stage now, and the share of the work done (0 queued, 1 done).
    pub fn stage(&self) -> (QueryState, f64) {
        self.stage_at(self.began.elapsed())
    }

    fn stage_at(&self, elapsed: Duration) -> (QueryState, f64) {
        let at = self.cancelled.map_or(elapsed, |c| c.min(elapsed));
        let (stage, done) = if at < self.queued {
            (QueryState::Queued, 0.0)
        } else if self.answer.is_err() {
            (QueryState::Failed, 0.0)
        } else if at < self.queued + self.running {
            let share = (at - self.queued).as_secs_f64() / self.running.as_secs_f64();
            (QueryState::Running, share.clamp(0.0, 1.0))
        } else {
            (QueryState::Succeeded, 1.0)
        };
        match self.cancelled {
            Some(_) if !stage.is_finished() => (QueryState::Cancelled, done),
            _ => (stage, done),
        }
    }

    /// How long it has queued and run so far (to its cancellation, at most its whole span).
    pub fn busy(&self) -> Duration {
        let elapsed = self.began.elapsed();
        self.cancelled
            .map_or(elapsed, |c| c.min(elapsed))
            .min(self.queued + self.running)
    }

    /// Stops it, unless it has finished: then its final stage is the error.
    pub fn cancel(&mut self) -> Result<(), QueryState> {
        let elapsed = self.began.elapsed();
        match self.stage_at(elapsed).0 {
            s if s.is_finished() => Err(s),
            _ => {
                self.cancelled = Some(elapsed);
                Ok(())
            }
        }
    }
}

/// The last `KEPT_QUERIES` queries of one service, and how many it has started.
#[derive(Debug, Default)]
pub struct Book<T> {
    runs: Mutex<VecDeque<Run<T>>>,
    started: AtomicU64,
}

impl<T> Book<T> {
    /// 0 for the first query started, then 1, 2, ...
    pub fn next_number(&self) -> u64 {
        self.started.fetch_add(1, Ordering::Relaxed)
    }

    pub fn push(&self, run: Run<T>) {
        let mut runs = self.runs();
        runs.push_back(run);
        while runs.len() > KEPT_QUERIES {
            runs.pop_front();
        }
    }

    /// `f` of the newest run that `wanted`, if one is kept.
    pub fn with<R>(
        &self,
        wanted: impl Fn(&Run<T>) -> bool,
        f: impl FnOnce(&mut Run<T>) -> R,
    ) -> Option<R> {
        self.runs().iter_mut().rev().find(|r| wanted(r)).map(f)
    }

    fn runs(&self) -> MutexGuard<'_, VecDeque<Run<T>>> {
        self.runs.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cancelled: Option<u64>, answer: Result<(), String>) -> Run<()> {
        let times = (Duration::from_millis(300), Duration::from_millis(1000));
        let mut r = Run::new(("q".into(), "t".into()), times.0, times.1, answer);
        r.cancelled = cancelled.map(Duration::from_millis);
        r
    }

    #[test]
    fn a_query_goes_queued_running_done_and_stops_where_cancelled() {
        let r = run(None, Ok(()));
        let at = |ms| r.stage_at(Duration::from_millis(ms));
        assert_eq!(at(0), (QueryState::Queued, 0.0));
        assert_eq!(at(299), (QueryState::Queued, 0.0));
        assert_eq!(at(300), (QueryState::Running, 0.0));
        assert_eq!(at(800), (QueryState::Running, 0.5));
        assert_eq!(at(1300), (QueryState::Succeeded, 1.0));
        assert_eq!(at(99_000), (QueryState::Succeeded, 1.0));
        let c = run(Some(800), Ok(()));
        assert_eq!(
            c.stage_at(Duration::from_millis(5000)),
            (QueryState::Cancelled, 0.5)
        );
        // A failure shows once out of the queue, and is final.
        let f = run(None, Err("no".into()));
        assert_eq!(f.stage_at(Duration::from_millis(100)).0, QueryState::Queued);
        let f = run(Some(800), Err("no".into()));
        assert_eq!(
            f.stage_at(Duration::from_millis(5000)).0,
            QueryState::Failed
        );
        let q = run(Some(100), Err("no".into()));
        assert_eq!(
            q.stage_at(Duration::from_millis(5000)).0,
            QueryState::Cancelled
        );
    }

    #[test]
    fn the_book_keeps_the_newest() {
        let book = Book::default();
        for n in 0..(KEPT_QUERIES + 1) {
            assert_eq!(book.next_number(), n as u64);
            book.push(run(None, Ok(())).with_id(n));
        }
        assert!(book.with(|r| r.id == "0", |_| ()).is_none());
        assert!(book.with(|r| r.id == "1", |_| ()).is_some());
    }

    impl Run<()> {
        fn with_id(mut self, n: usize) -> Self {
            self.id = n.to_string();
            self
        }
    }
}
