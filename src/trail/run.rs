//! One trail query driven to its end over a `TrailSource`: started, its state polled with
//! backoff, its result pages read in order and handed on as they arrive, or cancelled.
//! The shell's `sagewatch trail` runs it; it knows nothing of terminals.

use crate::source::SourceError;
use crate::source::trail::{
    QueryState, QueryStatus, ResultPage, TrailQuery, TrailSource, first_row_is_header, poll_delay,
    price_usd,
};
use std::future::Future;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio::time::Instant;

/// Transient failures (throttling, network) of one call tolerated in a row before the run
/// gives up: a poll that fails once must not lose a query that is still scanning.
pub const TRANSIENT_RETRIES: u32 = 5;

/// What a run is doing, as reported after each poll.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub state: QueryState,
    /// Since the run started (our clock: Athena's own time may lag or be missing).
    pub elapsed: Duration,
    pub scanned_bytes: u64,
    /// What the scan costs so far ($5 per TB, 10 MB minimum).
    pub price_usd: f64,
    /// An identical earlier query's results were reused: nothing scanned, nothing billed.
    pub reused: bool,
}

impl Progress {
    fn of(status: &QueryStatus, started: Instant) -> Self {
        Self {
            state: status.state,
            elapsed: started.elapsed(),
            scanned_bytes: status.scanned_bytes,
            price_usd: price_usd(status.scanned_bytes),
            reused: status.reused,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// SUCCEEDED; `rows` were delivered (at most the maximum asked for).
    Succeeded { rows: usize, status: QueryStatus },
    /// Athena FAILED it (or someone else cancelled it): its reason.
    Failed { reason: String },
    /// The caller's cancellation: StopQueryExecution was sent if the query was still going;
    /// `stop_failed` says why it was not stopped (it may still be running, and billing).
    Cancelled { stop_failed: Option<SourceError> },
    /// A call failed for good (or transiently too many times in a row).
    Error(SourceError),
}

/// Where a run reports: each polled state, then each result page as it arrives.
pub trait Report {
    /// The query started: its execution id (for Athena's console).
    fn started(&mut self, _id: &str) {}

    fn progress(&mut self, progress: &Progress);

    /// A page of rows (the header already taken off; `columns` set on the first).
    /// `Break` stops reading further pages (the reader has gone: stdout closed).
    fn page(&mut self, page: ResultPage) -> ControlFlow<()>;
}

/// A fresh ClientRequestToken (Athena wants 32 to 128 characters): unique per run, so a
/// start retried after a lost answer is the same execution, and two runs are two.
pub fn request_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("sagewatch-{nanos:032x}-{:x}-{n:x}", std::process::id())
}

fn is_transient(e: &SourceError) -> bool {
    matches!(
        e,
        SourceError::Throttled { .. } | SourceError::Network { .. }
    )
}

/// Runs `query` on `source` to its end. `max_rows` bounds the rows delivered (pages stop
/// being read once it is reached). `cancel` resolving (Ctrl-C) stops the query with
/// StopQueryExecution and ends the run as `Cancelled`.
pub async fn drive<R: Report + ?Sized>(
    source: &dyn TrailSource,
    query: &TrailQuery,
    max_rows: Option<usize>,
    cancel: impl Future<Output = ()>,
    report: &mut R,
) -> Outcome {
    drive_with(source, query, max_rows, cancel, report, tokio::time::sleep).await
}

/// `drive`, waiting with `sleep` between polls: tests wait for nothing (tokio's paused
/// clock would need its `test-util` feature, which rebuilds every crate using tokio).
async fn drive_with<R: Report + ?Sized, S, F>(
    source: &dyn TrailSource,
    query: &TrailQuery,
    max_rows: Option<usize>,
    cancel: impl Future<Output = ()>,
    report: &mut R,
    sleep: S,
) -> Outcome
where
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let started = Instant::now();
    let mut cancel = std::pin::pin!(cancel);
    let start = source.start(query);
    let mut start = std::pin::pin!(start);
    // A cancel during the start still waits for its id: the query may already be running,
    // and only the id can stop it.
    // Biased, the cancel first: once asked to stop, nothing more is begun.
    let (id, cancelled) = tokio::select! {
        biased;
        () = &mut cancel => (start.await, true),
        r = &mut start => (r, false),
    };
    let id = match id {
        Ok(id) => id,
        Err(e) if cancelled => {
            tracing::info!(error = %e, "trail query start failed after a cancel");
            return Outcome::Cancelled { stop_failed: None };
        }
        Err(e) => return Outcome::Error(e),
    };
    report.started(&id);
    if cancelled {
        return stop(source, &id).await;
    }

    let mut polls: u32 = 0;
    let mut failures: u32 = 0;
    let status = loop {
        tokio::select! {
            biased;
            () = &mut cancel => return stop(source, &id).await,
            () = sleep(poll_delay(polls)) => {}
        }
        polls = polls.saturating_add(1);
        let answer = tokio::select! {
            biased;
            () = &mut cancel => return stop(source, &id).await,
            r = source.status(&id) => r,
        };
        let status = match answer {
            Ok(s) => {
                failures = 0;
                s
            }
            Err(e) if is_transient(&e) && failures < TRANSIENT_RETRIES => {
                failures += 1;
                tracing::info!(error = %e, failures, "trail status poll failed; retrying");
                continue;
            }
            Err(e) => {
                // Given up on here: stopped in Athena rather than left scanning unseen.
                if let Err(stop) = source.cancel(&id).await {
                    tracing::warn!(error = %stop, %id, "stopping a query given up on failed");
                }
                return Outcome::Error(e);
            }
        };
        report.progress(&Progress::of(&status, started));
        match status.state {
            // A query may go back from RUNNING to QUEUED on Athena's transient errors: it
            // is still on its way, so keep polling.
            QueryState::Queued | QueryState::Running => {}
            QueryState::Succeeded => break status,
            QueryState::Failed => {
                return Outcome::Failed {
                    reason: status
                        .reason
                        .unwrap_or_else(|| "Athena gave no reason".into()),
                };
            }
            QueryState::Cancelled => {
                return Outcome::Failed {
                    reason: match status.reason {
                        Some(r) => format!("the query was cancelled: {r}"),
                        None => "the query was cancelled (not by this run)".into(),
                    },
                };
            }
        }
    };

    let header = first_row_is_header(&status, &query.sql);
    let mut rows = 0usize;
    let mut next: Option<String> = None;
    let mut first = true;
    let mut failures: u32 = 0;
    loop {
        if max_rows.is_some_and(|m| rows >= m) {
            break;
        }
        // The query is over: a cancel now only stops the reading (nothing left to stop).
        let answer = tokio::select! {
            biased;
            () = &mut cancel => return Outcome::Cancelled { stop_failed: None },
            r = source.page(&id, next.as_deref(), first && header) => r,
        };
        let mut page = match answer {
            Ok(p) => {
                failures = 0;
                p
            }
            Err(e) if is_transient(&e) && failures < TRANSIENT_RETRIES => {
                let delay = poll_delay(failures);
                failures += 1;
                tracing::info!(error = %e, failures, "trail result page failed; retrying");
                tokio::select! {
                    biased;
                    () = &mut cancel => return Outcome::Cancelled { stop_failed: None },
                    () = sleep(delay) => {}
                }
                continue;
            }
            Err(e) => return Outcome::Error(e),
        };
        first = false;
        if let Some(m) = max_rows {
            page.rows.truncate(m - rows);
        }
        rows += page.rows.len();
        next = page.next.take();
        if report.page(page).is_break() || next.is_none() {
            break;
        }
    }
    Outcome::Succeeded { rows, status }
}

/// StopQueryExecution for a cancelled run. A failed stop is still the caller's
/// cancellation, and says why the query may go on.
async fn stop(source: &dyn TrailSource, id: &str) -> Outcome {
    let stop_failed = source.cancel(id).await.err();
    if let Some(e) = &stop_failed {
        tracing::warn!(error = %e, id, "StopQueryExecution failed");
    }
    Outcome::Cancelled { stop_failed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::trail::Search;
    use async_trait::async_trait;
    use std::collections::VecDeque;
    use std::sync::Mutex;
    use tokio::sync::Notify;

    /// A trail source playing a script: the answers of `status` in order (the last one
    /// repeats), pages keyed by their token. `polled` is told of each status call.
    #[derive(Default)]
    struct Fake {
        statuses: Mutex<VecDeque<Result<QueryStatus, SourceError>>>,
        pages: Vec<ResultPage>,
        calls: Mutex<Vec<String>>,
        polled: Notify,
    }

    fn status(state: QueryState) -> QueryStatus {
        QueryStatus {
            state,
            reason: None,
            scanned_bytes: 0,
            total_millis: None,
            reused: false,
            statement_type: Some("DML".into()),
        }
    }

    fn throttled() -> SourceError {
        SourceError::Throttled {
            call: "GetQueryExecution".into(),
        }
    }

    impl Fake {
        fn new(statuses: Vec<Result<QueryStatus, SourceError>>, pages: usize) -> Self {
            let pages = (0..pages)
                .map(|i| ResultPage {
                    columns: if i == 0 {
                        vec!["eventname".into()]
                    } else {
                        Vec::new()
                    },
                    rows: (0..3).map(|r| vec![Some(format!("p{i}r{r}"))]).collect(),
                    next: (i + 1 < pages).then(|| format!("t{}", i + 1)),
                })
                .collect();
            Self {
                statuses: Mutex::new(statuses.into()),
                pages,
                ..Self::default()
            }
        }

        fn calls(&self) -> Vec<String> {
            self.calls.lock().unwrap().clone()
        }

        fn count(&self, prefix: &str) -> usize {
            self.calls()
                .iter()
                .filter(|c| c.starts_with(prefix))
                .count()
        }
    }

    #[async_trait]
    impl TrailSource for Fake {
        async fn start(&self, _query: &TrailQuery) -> Result<String, SourceError> {
            self.calls.lock().unwrap().push("start".into());
            Ok("q-1".into())
        }

        async fn status(&self, id: &str) -> Result<QueryStatus, SourceError> {
            assert_eq!(id, "q-1");
            self.calls.lock().unwrap().push("status".into());
            self.polled.notify_one();
            let mut s = self.statuses.lock().unwrap();
            if s.len() > 1 {
                s.pop_front().unwrap()
            } else {
                s.front().cloned().unwrap()
            }
        }

        async fn page(
            &self,
            id: &str,
            next: Option<&str>,
            header: bool,
        ) -> Result<ResultPage, SourceError> {
            assert_eq!(id, "q-1");
            self.calls
                .lock()
                .unwrap()
                .push(format!("page {} {header}", next.unwrap_or("-")));
            let i = next.map_or(0, |t| t[1..].parse::<usize>().unwrap());
            Ok(self.pages[i].clone())
        }

        async fn cancel(&self, id: &str) -> Result<(), SourceError> {
            assert_eq!(id, "q-1");
            self.calls.lock().unwrap().push("cancel".into());
            Ok(())
        }
    }

    #[derive(Default)]
    struct Seen {
        states: Vec<QueryState>,
        pages: Vec<ResultPage>,
    }

    impl Report for Seen {
        fn progress(&mut self, p: &Progress) {
            self.states.push(p.state);
        }

        fn page(&mut self, page: ResultPage) -> ControlFlow<()> {
            self.pages.push(page);
            ControlFlow::Continue(())
        }
    }

    fn query() -> TrailQuery {
        TrailQuery {
            sql: "SELECT eventname FROM t".into(),
            search: Search::Raw,
            token: "sagewatch-test-token-0000000000000000".into(),
        }
    }

    fn never() -> impl Future<Output = ()> {
        std::future::pending()
    }

    /// Runs with a sleep that returns at once and remembers each wait asked for.
    async fn run(
        fake: &Fake,
        max_rows: Option<usize>,
        cancel: impl Future<Output = ()>,
        seen: &mut Seen,
    ) -> (Outcome, Vec<Duration>) {
        let waits = Mutex::new(Vec::new());
        let out = drive_with(fake, &query(), max_rows, cancel, seen, |d| {
            waits.lock().unwrap().push(d);
            std::future::ready(())
        })
        .await;
        (out, waits.into_inner().unwrap())
    }

    #[tokio::test]
    async fn queued_again_after_running_is_polled_through_to_three_pages() {
        use QueryState::*;
        let fake = Fake::new(
            [Queued, Running, Queued, Running, Succeeded]
                .into_iter()
                .map(|s| Ok(status(s)))
                .collect(),
            3,
        );
        let mut seen = Seen::default();
        let (out, waits) = run(&fake, None, never(), &mut seen).await;
        assert!(matches!(out, Outcome::Succeeded { rows: 9, .. }), "{out:?}");
        assert_eq!(seen.states, [Queued, Running, Queued, Running, Succeeded]);
        // Each poll after a backoff that grows.
        let backoff: Vec<Duration> = (0..5).map(poll_delay).collect();
        assert_eq!(waits, backoff);
        let rows: Vec<_> = seen
            .pages
            .iter()
            .flat_map(|p| p.rows.iter().map(|r| r[0].clone().unwrap()))
            .collect();
        assert_eq!(rows.len(), 9);
        assert_eq!(rows[0], "p0r0");
        assert_eq!(rows[8], "p2r2");
        assert_eq!(seen.pages[0].columns, ["eventname"]);
        // In order, the header taken off the first page only.
        let calls = fake.calls();
        assert_eq!(
            calls[calls.len() - 3..],
            ["page - true", "page t1 false", "page t2 false"]
        );
    }

    #[tokio::test]
    async fn failed_gives_athenas_reason() {
        let mut failed = status(QueryState::Failed);
        failed.reason = Some("SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved".into());
        let fake = Fake::new(vec![Ok(status(QueryState::Running)), Ok(failed)], 1);
        let (out, _) = run(&fake, None, never(), &mut Seen::default()).await;
        assert_eq!(
            out,
            Outcome::Failed {
                reason: "SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved".into()
            }
        );
        assert_eq!(fake.count("page"), 0);
    }

    #[tokio::test]
    async fn a_query_cancelled_elsewhere_is_a_failure_not_ours() {
        let fake = Fake::new(vec![Ok(status(QueryState::Cancelled))], 1);
        let (out, _) = run(&fake, None, never(), &mut Seen::default()).await;
        assert!(matches!(out, Outcome::Failed { .. }), "{out:?}");
        assert_eq!(fake.count("cancel"), 0);
    }

    #[tokio::test]
    async fn a_cancel_while_running_stops_the_query() {
        let fake = Fake::new(vec![Ok(status(QueryState::Running))], 1);
        let mut seen = Seen::default();
        // Ctrl-C once the query has been seen running twice.
        let cancel = async {
            fake.polled.notified().await;
            fake.polled.notified().await;
        };
        let (out, _) = run(&fake, None, cancel, &mut seen).await;
        assert_eq!(out, Outcome::Cancelled { stop_failed: None });
        let calls = fake.calls();
        assert_eq!(
            calls.last().map(String::as_str),
            Some("cancel"),
            "{calls:?}"
        );
        assert_eq!(fake.count("cancel"), 1);
        assert!(!seen.states.is_empty(), "polled while running");
        assert!(seen.pages.is_empty());
    }

    #[tokio::test]
    async fn a_cancel_before_the_start_answered_still_stops_the_query() {
        let fake = Fake::new(vec![Ok(status(QueryState::Running))], 1);
        let (out, _) = run(&fake, None, async {}, &mut Seen::default()).await;
        assert_eq!(out, Outcome::Cancelled { stop_failed: None });
        assert_eq!(fake.calls(), ["start", "cancel"]);
    }

    #[tokio::test]
    async fn throttled_polls_are_retried_up_to_a_bound() {
        let fake = Fake::new(
            vec![
                Ok(status(QueryState::Running)),
                Err(throttled()),
                Err(SourceError::Network {
                    call: "GetQueryExecution".into(),
                    detail: "reset".into(),
                }),
                Err(throttled()),
                Ok(status(QueryState::Succeeded)),
            ],
            1,
        );
        let (out, waits) = run(&fake, None, never(), &mut Seen::default()).await;
        assert!(matches!(out, Outcome::Succeeded { rows: 3, .. }), "{out:?}");
        // The failed polls waited their backoff like any other.
        assert_eq!(waits.len(), 5);

        // Throttled for good: the run gives up after the bound, not forever.
        let fake = Fake::new(vec![Err(throttled())], 1);
        let (out, _) = run(&fake, None, never(), &mut Seen::default()).await;
        assert_eq!(out, Outcome::Error(throttled()));
        assert_eq!(fake.count("status") as u32, TRANSIENT_RETRIES + 1);
        assert_eq!(fake.count("cancel"), 1, "stopped once given up on");

        // Other errors are not retried.
        let denied = SourceError::AccessDenied {
            call: "GetQueryExecution".into(),
            action: "athena:GetQueryExecution".into(),
        };
        let fake = Fake::new(vec![Err(denied.clone())], 1);
        let (out, _) = run(&fake, None, never(), &mut Seen::default()).await;
        assert_eq!(out, Outcome::Error(denied));
        // Not retried; and the query given up on is stopped, not left running.
        assert_eq!(fake.calls(), ["start", "status", "cancel"]);
    }

    #[tokio::test]
    async fn max_rows_stops_the_paging() {
        let fake = Fake::new(vec![Ok(status(QueryState::Succeeded))], 3);
        let mut seen = Seen::default();
        let (out, _) = run(&fake, Some(4), never(), &mut seen).await;
        assert!(matches!(out, Outcome::Succeeded { rows: 4, .. }), "{out:?}");
        let delivered: usize = seen.pages.iter().map(|p| p.rows.len()).sum();
        assert_eq!(delivered, 4);
        assert_eq!(fake.count("page"), 2, "the third page is never read");
    }

    #[tokio::test]
    async fn a_reader_that_has_gone_stops_the_paging() {
        struct Gone;
        impl Report for Gone {
            fn progress(&mut self, _: &Progress) {}
            fn page(&mut self, _: ResultPage) -> ControlFlow<()> {
                ControlFlow::Break(())
            }
        }
        let fake = Fake::new(vec![Ok(status(QueryState::Succeeded))], 3);
        let out = drive_with(&fake, &query(), None, never(), &mut Gone, |_| {
            std::future::ready(())
        })
        .await;
        assert!(matches!(out, Outcome::Succeeded { .. }), "{out:?}");
        assert_eq!(fake.count("page"), 1);
    }

    #[test]
    fn request_tokens_are_long_enough_and_never_repeat() {
        let a = request_token();
        let b = request_token();
        assert_ne!(a, b);
        for t in [a, b] {
            assert!((32..=128).contains(&t.len()), "{t}");
            assert!(
                t.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'),
                "{t}"
            );
        }
    }

    #[tokio::test]
    async fn a_statement_without_a_header_keeps_its_first_row() {
        let mut done = status(QueryState::Succeeded);
        done.statement_type = Some("UTILITY".into());
        let fake = Fake::new(vec![Ok(done)], 1);
        run(&fake, None, never(), &mut Seen::default()).await;
        assert!(fake.calls().contains(&"page - false".to_owned()));
    }
}
