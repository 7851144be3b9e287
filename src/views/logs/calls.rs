//! The logs view's calls on the source's logs: an Insights query started, its results read
//! after the backoff, stopped; and the live tail, a call that answers many times until it
//! is stopped (the workers run it on a task of its own).

use crate::app::command::Lane;
use crate::logs::follow::FollowEvent;
use crate::source::logs::{InsightsQuery, InsightsResults, LogTarget, LogsSource};
use crate::source::{FleetSource, SourceError};

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::insights::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum LogsCall {
    /// StartQuery (Insights); answered with the query id, matched by `token`.
    QueryStart {
        token: String,
        query: Box<InsightsQuery>,
    },
    /// GetQueryResults after `delay_ms` (the backoff).
    QueryPoll {
        token: String,
        target: LogTarget,
        id: String,
        delay_ms: u64,
    },
    /// StopQuery: sent with the writes, so that quitting waits for it.
    QueryStop {
        target: LogTarget,
        id: String,
    },
    /// StopQuery of the query started with `token` once its start has answered (quitting
    /// before it did): starts go through the same ordered queue, so its id is known then.
    QueryAbandon {
        token: String,
        target: LogTarget,
    },
    /// A live tail (or its polling fallback) running until `TailStop`: it answers many
    /// times, each `LogsLoaded::Tail` numbered by `session`.
    TailStart {
        session: u64,
        target: LogTarget,
        options: TailOptions,
    },
    TailStop {
        session: u64,
    },
}

/// How a tail runs (`crate::logs::follow::FollowOptions`, comparable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailOptions {
    pub pattern: Option<String>,
    /// Where polling starts (epoch ms), should live tail be refused; the lines since
    /// then are shown first (at most `backfill`).
    pub since_ms: i64,
    pub backfill: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LogsLoaded {
    /// An Insights query started: its query id.
    QueryStarted {
        token: String,
        result: Result<String, SourceError>,
    },
    /// GetQueryResults of the query started with `token`.
    QueryResults {
        token: String,
        result: Result<Box<InsightsResults>, SourceError>,
    },
    QueryStopped {
        result: Result<(), SourceError>,
    },
    /// What the live tail numbered `session` reported.
    Tail {
        session: u64,
        event: FollowEvent,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LogsKey {
    QueryStart(String),
    QueryPoll(String),
    QueryStop(String),
    /// Every message of one tail session.
    Tail(u64),
}

fn logs<'a>(source: &'a dyn FleetSource, call: &str) -> Result<&'a dyn LogsSource, SourceError> {
    source.logs().ok_or_else(|| SourceError::Other {
        call: call.into(),
        detail: "this source has no logs".into(),
    })
}

impl crate::views::Call for LogsCall {
    fn lane(&self) -> Lane {
        match self {
            // A stop must reach AWS even when the console quits right after (the ordered
            // queue is awaited then; reads are aborted); a start too, so that a query
            // started just before quitting has its id by then, and is stopped.
            Self::QueryStart { .. } | Self::QueryStop { .. } | Self::QueryAbandon { .. } => {
                Lane::InOrder
            }
            Self::QueryPoll { .. } => Lane::Read,
            Self::TailStart { .. } => Lane::StreamStart,
            Self::TailStop { .. } => Lane::StreamStop,
        }
    }

    fn start_token(&self) -> Option<&str> {
        match self {
            Self::QueryStart { token, .. } => Some(token),
            _ => None,
        }
    }
}

impl LogsCall {
    pub fn key(&self) -> LogsKey {
        match self {
            Self::QueryStart { token, .. } => LogsKey::QueryStart(token.clone()),
            Self::QueryPoll { token, .. } => LogsKey::QueryPoll(token.clone()),
            Self::QueryStop { id, .. } => LogsKey::QueryStop(id.clone()),
            Self::QueryAbandon { token, .. } => LogsKey::QueryStop(token.clone()),
            Self::TailStart { session, .. } | Self::TailStop { session } => LogsKey::Tail(*session),
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> LogsLoaded {
        match self {
            Self::QueryStart { token, query } => {
                let result = match logs(source, "StartQuery") {
                    Ok(l) => l.start_query(&query).await,
                    Err(e) => Err(e),
                };
                LogsLoaded::QueryStarted { token, result }
            }
            Self::QueryPoll {
                token,
                target,
                id,
                delay_ms,
            } => {
                if delay_ms > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
                }
                let result = match logs(source, "GetQueryResults") {
                    Ok(l) => l.query_results(&target, &id).await.map(Box::new),
                    Err(e) => Err(e),
                };
                LogsLoaded::QueryResults { token, result }
            }
            Self::QueryStop { target, id } => {
                let result = match logs(source, "StopQuery") {
                    Ok(l) => l.stop_query(&target, &id).await,
                    Err(e) => Err(e),
                };
                LogsLoaded::QueryStopped { result }
            }
            // Resolved to a StopQuery by the ordered queue, which knows the ids its starts
            // got; run anywhere else, there is nothing to stop.
            Self::QueryAbandon { .. } => LogsLoaded::QueryStopped { result: Ok(()) },
            // A tail is a task of its own, not one call; run inline (the snapshot, the
            // screen tests), it is said to be unavailable.
            Self::TailStart { session, .. } | Self::TailStop { session } => LogsLoaded::Tail {
                session,
                event: FollowEvent::Notice("live tail runs only in the interactive console".into()),
            },
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> LogsLoaded {
        let err = |call: &str| SourceError::Other {
            call: call.into(),
            detail: detail.into(),
        };
        match self {
            Self::QueryStart { token, .. } => LogsLoaded::QueryStarted {
                token,
                result: Err(err("StartQuery")),
            },
            Self::QueryPoll { token, .. } => LogsLoaded::QueryResults {
                token,
                result: Err(err("GetQueryResults")),
            },
            Self::QueryStop { .. } | Self::QueryAbandon { .. } => LogsLoaded::QueryStopped {
                result: Err(err("StopQuery")),
            },
            Self::TailStart { session, .. } | Self::TailStop { session } => LogsLoaded::Tail {
                session,
                event: FollowEvent::Notice(format!("live tail: {detail}")),
            },
        }
    }

    /// `QueryAbandon` becomes the StopQuery of its query, given the id its start got; with
    /// none (its start failed, or was answered so long ago that the view has stopped it
    /// itself), it is answered at once.
    pub fn resolve(
        self,
        id_of: &mut dyn FnMut(&str) -> Option<String>,
    ) -> Result<LogsCall, LogsLoaded> {
        match self {
            Self::QueryAbandon { token, target } => match id_of(&token) {
                Some(id) => Ok(Self::QueryStop { target, id }),
                None => Err(LogsLoaded::QueryStopped { result: Ok(()) }),
            },
            other => Ok(other),
        }
    }

    /// Runs a tail until the task is aborted or the console is gone, each report sent
    /// through `send` (which says `false` when nobody listens any more).
    pub async fn stream(
        self,
        source: &dyn FleetSource,
        send: &(dyn Fn(LogsLoaded) -> bool + Send + Sync),
    ) {
        match self {
            Self::TailStart {
                session,
                target,
                options,
            } => tail(source, session, target, options, send).await,
            other => {
                send(other.execute(source).await);
            }
        }
    }
}

impl LogsLoaded {
    /// The id a start got, which a later `QueryAbandon` of its token stops.
    pub fn started_id(&self) -> Option<&str> {
        match self {
            Self::QueryStarted { result: Ok(id), .. } => Some(id),
            _ => None,
        }
    }
}

/// Follows `target` until the task is aborted or the console is gone.
async fn tail(
    source: &dyn FleetSource,
    session: u64,
    target: LogTarget,
    options: TailOptions,
    send: &(dyn Fn(LogsLoaded) -> bool + Send + Sync),
) {
    use crate::logs::follow::{FollowOptions, follow};
    let Some(logs) = source.logs() else {
        send(LogsLoaded::Tail {
            session,
            event: FollowEvent::Notice("this source has no logs".into()),
        });
        return;
    };
    let options = FollowOptions {
        pattern: options.pattern,
        since_ms: options.since_ms,
        backfill: options.backfill,
        ..FollowOptions::default()
    };
    let now_ms = || chrono::Utc::now().timestamp_millis();
    let mut emit = |event: FollowEvent| send(LogsLoaded::Tail { session, event });
    follow(logs, &target, &options, &now_ms, &mut emit).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::{Action, Loaded};
    use crate::app::worker::{Done, Workers};
    use crate::clock::FixedClock;
    use crate::source::demo::{DemoConfig, DemoSource};
    use crate::views::ViewLoaded;
    use std::sync::Arc;
    use tokio::sync::mpsc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_insights_query_let_go_of_before_its_start_answered_is_stopped_on_quit() {
        use crate::source::logs::InsightsState;
        let start = 1_795_687_200;
        let source = Arc::new(DemoSource::new(
            DemoConfig {
                seed: 1,
                start,
                scale: None,
            },
            Arc::new(FixedClock::new(start)),
        ));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = Workers::new(Arc::clone(&source) as Arc<dyn FleetSource>, tx);
        let target = LogTarget {
            account_id: "111111111111".into(),
            groups: vec!["/aws/sagemaker/Endpoints/fraud-detector".into()],
            stream_prefix: None,
            region: Default::default(),
        };
        // Started, then the console quits before the answer is read.
        w.dispatch(
            LogsCall::QueryStart {
                token: "logs-1".into(),
                query: Box::new(InsightsQuery {
                    target: target.clone(),
                    query: crate::logs::groups::endpoint_query().into(),
                    start: start - 600,
                    end: start,
                }),
            }
            .into(),
        );
        w.dispatch(
            LogsCall::QueryAbandon {
                token: "logs-1".into(),
                target: target.clone(),
            }
            .into(),
        );
        w.shutdown(std::time::Duration::from_secs(10)).await;
        let done: Vec<Done> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        let id = done
            .iter()
            .find_map(|d| match &d.action {
                Action::Loaded(l) => match l.as_ref() {
                    Loaded::View(ViewLoaded::Logs(LogsLoaded::QueryStarted {
                        result: Ok(id),
                        ..
                    })) => Some(id.clone()),
                    _ => None,
                },
                _ => None,
            })
            .expect("the start answered");
        let logs = source.logs().unwrap();
        let state = logs.query_results(&target, &id).await.unwrap().state;
        assert_eq!(
            state,
            Some(InsightsState::Cancelled),
            "stopped by its token"
        );
        assert_eq!(
            w.writes_in_flight(),
            2,
            "counted like writes until their answers are read"
        );
    }
}
