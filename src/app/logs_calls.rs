//! The logs view's commands carried out on the source's logs: an Insights query started,
//! its results read after the backoff, stopped. (The live tail runs on a task of its own:
//! `worker::Workers` starts and stops it.)

use super::action::Loaded;
use super::command::Command;
use crate::source::logs::LogsSource;
use crate::source::{FleetSource, SourceError};

fn logs<'a>(source: &'a dyn FleetSource, call: &str) -> Result<&'a dyn LogsSource, SourceError> {
    source.logs().ok_or_else(|| SourceError::Other {
        call: call.into(),
        detail: "this source has no logs".into(),
    })
}

pub async fn execute(source: &dyn FleetSource, command: Command) -> Loaded {
    match command {
        Command::LogsQueryStart { token, query } => {
            let result = match logs(source, "StartQuery") {
                Ok(l) => l.start_query(&query).await,
                Err(e) => Err(e),
            };
            Loaded::LogsQueryStarted { token, result }
        }
        Command::LogsQueryPoll {
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
            Loaded::LogsQueryResults { token, result }
        }
        Command::LogsQueryStop { target, id } => {
            let result = match logs(source, "StopQuery") {
                Ok(l) => l.stop_query(&target, &id).await,
                Err(e) => Err(e),
            };
            Loaded::LogsQueryStopped { result }
        }
        // Resolved to a StopQuery by the write queue, which knows the ids its starts got;
        // run anywhere else, there is nothing to stop.
        Command::LogsQueryAbandon { .. } => Loaded::LogsQueryStopped { result: Ok(()) },
        // A tail is a task of its own, not one call; run inline (the snapshot, the screen
        // tests), it is said to be unavailable.
        Command::LogsTailStart { session, .. } | Command::LogsTailStop { session } => {
            Loaded::LogsTail {
                session,
                event: crate::logs::follow::FollowEvent::Notice(
                    "live tail runs only in the interactive console".into(),
                ),
            }
        }
        other => {
            tracing::error!(?other, "not a logs command");
            Loaded::Exported(Err("internal error: not a logs command".into()))
        }
    }
}

/// Follows `target` until the task is aborted or the console is gone, each report sent
/// through `send` (which says `false` when nobody listens any more).
pub async fn tail(
    source: &dyn FleetSource,
    session: u64,
    target: crate::source::logs::LogTarget,
    options: super::command::TailOptions,
    send: &(dyn Fn(Loaded) -> bool + Send + Sync),
) {
    use crate::logs::follow::{FollowEvent, FollowOptions, follow};
    let Some(logs) = source.logs() else {
        send(Loaded::LogsTail {
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
    let mut emit = |event: FollowEvent| send(Loaded::LogsTail { session, event });
    follow(logs, &target, &options, &now_ms, &mut emit).await;
}
