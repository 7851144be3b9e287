//! One Insights query driven to its end over a `LogsSource`: started, GetQueryResults
//! polled with backoff (transient failures retried), stopped when interrupted or given up
//! on. The shell's `sagewatch logs` and the incident tape run it; it knows nothing of
//! terminals.

use crate::source::SourceError;
use crate::source::logs::{
    InsightsQuery, InsightsResults, InsightsState, InsightsStats, LogsSource,
};
use crate::trail::run::TRANSIENT_RETRIES;
use std::future::Future;
use std::time::Duration;

/// How a run ended.
#[derive(Debug)]
pub enum Ended {
    /// Complete: its rows.
    Done(InsightsResults),
    /// Interrupted before it ended: whether the query was stopped (`None`: it had not
    /// started, nothing to stop).
    Interrupted(Option<Result<(), SourceError>>),
    /// Failed, said in words.
    Failed(String),
}

/// Between two GetQueryResults: 250 ms, doubling, at most 5 s.
pub fn poll_delay(polls: u32) -> Duration {
    Duration::from_millis(250u64 << polls.min(5)).min(Duration::from_secs(5))
}

fn is_transient(e: &SourceError) -> bool {
    matches!(
        e,
        SourceError::Throttled { .. } | SourceError::Network { .. }
    )
}

/// StartQuery, then GetQueryResults until it ends. `started` hears the query id, `progress`
/// each new (state, statistics); `interrupt` resolving stops the query.
pub async fn drive(
    source: &dyn LogsSource,
    q: &InsightsQuery,
    interrupt: impl Future<Output = ()>,
    started: &mut (dyn FnMut(&str) + Send),
    progress: &mut (dyn FnMut(InsightsState, &InsightsStats) + Send),
) -> Ended {
    let mut interrupt = std::pin::pin!(interrupt);
    let start = source.start_query(q);
    let mut start = std::pin::pin!(start);
    // An interrupt during the start still waits for its id: the query may already be
    // running, and only the id can stop it.
    let (id, cancelled) = tokio::select! {
        biased;
        () = &mut interrupt => (start.await, true),
        r = &mut start => (r, false),
    };
    let id = match id {
        Ok(id) => id,
        Err(_) if cancelled => return Ended::Interrupted(None),
        Err(e) => return Ended::Failed(e.to_string()),
    };
    started(&id);
    let stop = || async { Ended::Interrupted(Some(source.stop_query(&q.target, &id).await)) };
    if cancelled {
        return stop().await;
    }
    let mut polls = 0u32;
    let mut failures = 0u32;
    let mut last: Option<(InsightsState, InsightsStats)> = None;
    loop {
        tokio::select! {
            biased;
            () = &mut interrupt => return stop().await,
            () = tokio::time::sleep(poll_delay(polls)) => {}
        }
        polls = polls.saturating_add(1);
        let answer = tokio::select! {
            biased;
            () = &mut interrupt => return stop().await,
            r = source.query_results(&q.target, &id) => r,
        };
        let results = match answer {
            Ok(r) => {
                failures = 0;
                r
            }
            Err(e) if is_transient(&e) && failures < TRANSIENT_RETRIES => {
                failures += 1;
                tracing::info!(error = %e, failures, "GetQueryResults failed; retrying");
                continue;
            }
            Err(e) => {
                // Given up on here: stopped rather than left scanning unseen.
                if let Err(stop) = source.stop_query(&q.target, &id).await {
                    tracing::warn!(error = %stop, "stopping a query given up on failed");
                }
                return Ended::Failed(e.to_string());
            }
        };
        let state = results.state.unwrap_or(InsightsState::Unknown);
        if last != Some((state, results.stats)) {
            last = Some((state, results.stats));
            progress(state, &results.stats);
        }
        match state {
            InsightsState::Complete => return Ended::Done(results),
            InsightsState::Failed => {
                return Ended::Failed(
                    "Insights: the query failed (CloudWatch Logs gave no reason)".into(),
                );
            }
            InsightsState::Cancelled => {
                return Ended::Failed("Insights: the query was cancelled (not by this run)".into());
            }
            InsightsState::Timeout => {
                return Ended::Failed(
                    "Insights: the query timed out (CloudWatch Logs stops a query after 60 \
                     minutes): narrow --since or the query"
                        .into(),
                );
            }
            // Scheduled, Running, or a state this build does not know: still on its way.
            InsightsState::Scheduled | InsightsState::Running | InsightsState::Unknown => {}
        }
    }
}
