//! The trail's calls: the query's calls on the source's trail (start, poll, page, cancel)
//! and the history written to its file, each answered with a `TrailLoaded`.

use crate::app::command::Lane;
use crate::source::model::{EndpointKey, EndpointMakeup, Epoch};
use crate::source::trail::{QueryStatus, ResultPage, TrailQuery, TrailSource};
use crate::source::{FleetSource, SourceError};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::query::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum TrailCall {
    /// StartQueryExecution (or the demo's search).
    Start(Box<TrailQuery>),
    /// GetQueryExecution after `delay_ms` (the backoff).
    Poll {
        id: String,
        token: String,
        delay_ms: u64,
    },
    /// One page of GetQueryResults (after `delay_ms` when asked again after a failure).
    Page {
        id: String,
        token: String,
        next: Option<String>,
        header: bool,
        delay_ms: u64,
    },
    /// StopQueryExecution: sent with the writes, so that quitting waits for it.
    Cancel { id: String },
    /// The endpoint's config and models (DescribeEndpoint, DescribeEndpointConfig), for
    /// the changes to it since `from`.
    Makeup { endpoint: EndpointKey, from: Epoch },
    /// The query history, written to the state dir.
    SaveHistory {
        path: std::path::PathBuf,
        entries: Vec<crate::trail::history::Entry>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TrailLoaded {
    /// A query started: its execution id.
    Started {
        token: String,
        result: Result<String, SourceError>,
    },
    Status {
        token: String,
        result: Result<QueryStatus, SourceError>,
    },
    Page {
        token: String,
        result: Result<Box<ResultPage>, SourceError>,
    },
    Cancelled {
        result: Result<(), SourceError>,
    },
    /// The history written to its file, or why not.
    HistorySaved(Result<(), String>),
    Makeup(Box<MakeupRead>),
}

/// What the endpoint is made of, read for the changes to it since `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct MakeupRead {
    pub endpoint: EndpointKey,
    pub from: Epoch,
    pub result: Result<EndpointMakeup, SourceError>,
}

/// A query's own calls, by its token: each query has its one of each.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TrailKey {
    Start(String),
    Poll(String),
    Page(String),
    Cancel(String),
    History,
    Makeup,
}

fn none(call: &str) -> SourceError {
    SourceError::Other {
        call: call.into(),
        detail: "no CloudTrail search configured: add [trail] to config.toml".into(),
    }
}

fn trail<'a>(source: &'a dyn FleetSource, call: &str) -> Result<&'a dyn TrailSource, SourceError> {
    source.trail().ok_or_else(|| none(call))
}

impl crate::views::Call for TrailCall {
    fn lane(&self) -> Lane {
        match self {
            // A stop must reach Athena even when the console quits right after.
            Self::Cancel { .. } => Lane::InOrder,
            _ => Lane::Read,
        }
    }

    fn replaces_running(&self) -> bool {
        // The newest `c` is the one the user waits for.
        matches!(self, Self::SaveHistory { .. } | Self::Makeup { .. })
    }
}

impl TrailCall {
    pub fn key(&self) -> TrailKey {
        match self {
            Self::Start(q) => TrailKey::Start(q.token.clone()),
            Self::Poll { token, .. } => TrailKey::Poll(token.clone()),
            Self::Page { token, .. } => TrailKey::Page(token.clone()),
            Self::Cancel { id } => TrailKey::Cancel(id.clone()),
            // The newest history replaces an older one not yet written.
            Self::SaveHistory { .. } => TrailKey::History,
            Self::Makeup { .. } => TrailKey::Makeup,
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> TrailLoaded {
        match self {
            Self::Start(query) => {
                let result = match trail(source, "StartQueryExecution") {
                    Ok(t) => t.start(&query).await,
                    Err(e) => Err(e),
                };
                TrailLoaded::Started {
                    token: query.token,
                    result,
                }
            }
            Self::Poll {
                id,
                token,
                delay_ms,
            } => {
                pause(delay_ms).await;
                let result = match trail(source, "GetQueryExecution") {
                    Ok(t) => t.status(&id).await,
                    Err(e) => Err(e),
                };
                TrailLoaded::Status { token, result }
            }
            Self::Page {
                id,
                token,
                next,
                header,
                delay_ms,
            } => {
                pause(delay_ms).await;
                let result = match trail(source, "GetQueryResults") {
                    Ok(t) => t.page(&id, next.as_deref(), header).await.map(Box::new),
                    Err(e) => Err(e),
                };
                TrailLoaded::Page { token, result }
            }
            Self::Cancel { id } => {
                let result = match trail(source, "StopQueryExecution") {
                    Ok(t) => t.cancel(&id).await,
                    Err(e) => Err(e),
                };
                TrailLoaded::Cancelled { result }
            }
            Self::Makeup { endpoint, from } => {
                let result = source.endpoint_makeup(&endpoint).await;
                TrailLoaded::Makeup(Box::new(MakeupRead {
                    endpoint,
                    from,
                    result,
                }))
            }
            Self::SaveHistory { path, entries } => {
                let generation = SAVES.fetch_add(1, Ordering::SeqCst) + 1;
                let saved =
                    tokio::task::spawn_blocking(move || save(path, entries, generation)).await;
                TrailLoaded::HistorySaved(match saved {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(format!("trail history not saved: {e}")),
                    Err(_) => Err("trail history not saved".into()),
                })
            }
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> TrailLoaded {
        let err = |call: &str| SourceError::Other {
            call: call.into(),
            detail: detail.into(),
        };
        match self {
            Self::Start(q) => TrailLoaded::Started {
                token: q.token,
                result: Err(err("StartQueryExecution")),
            },
            Self::Poll { token, .. } => TrailLoaded::Status {
                token,
                result: Err(err("GetQueryExecution")),
            },
            Self::Page { token, .. } => TrailLoaded::Page {
                token,
                result: Err(err("GetQueryResults")),
            },
            Self::Cancel { .. } => TrailLoaded::Cancelled {
                result: Err(err("StopQueryExecution")),
            },
            Self::SaveHistory { .. } => TrailLoaded::HistorySaved(Err(detail.into())),
            Self::Makeup { endpoint, from } => TrailLoaded::Makeup(Box::new(MakeupRead {
                result: Err(err(&format!("DescribeEndpoint {}", endpoint.account_id))),
                endpoint,
                from,
            })),
        }
    }
}

/// Saves asked for, numbered: a save replaced by a newer one is not aborted once its
/// blocking write has begun, so the writes are taken one at a time and an older one that
/// comes second is skipped (the newer history is on disk already).
static SAVES: AtomicU64 = AtomicU64::new(0);
static WRITTEN: Mutex<u64> = Mutex::new(0);

fn save(
    path: std::path::PathBuf,
    entries: Vec<crate::trail::history::Entry>,
    generation: u64,
) -> std::io::Result<()> {
    let mut written = WRITTEN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *written > generation {
        return Ok(());
    }
    crate::trail::history::History::with_entries(path, entries).save()?;
    *written = generation;
    Ok(())
}

/// The backoff before a call; none at all when there is none to wait.
async fn pause(delay_ms: u64) {
    if delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::source::demo::{DemoConfig, DemoSource};
    use crate::source::trail::QueryState;
    use crate::trail::history::{Entry, History};
    use std::sync::Arc;

    fn demo() -> DemoSource {
        let start = 1_795_687_200;
        DemoSource::new(
            DemoConfig {
                seed: 1,
                start,
                scale: None,
            },
            Arc::new(FixedClock::new(start)),
        )
    }

    fn dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!(
            "sagewatch-trail-calls-{tag}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn entry(text: &str) -> Entry {
        Entry {
            text: text.into(),
            raw: false,
            started: 1,
            rows: 2,
            scanned_bytes: 3,
            reused: false,
            state: QueryState::Succeeded,
            reason: None,
        }
    }

    #[tokio::test]
    async fn the_history_is_written_newest_first_and_an_older_save_never_wins() {
        let d = dir("history");
        let path = d.join("trail-history.json");
        let source = demo();
        let newer = vec![entry("b"), entry("a")];
        let done = TrailCall::SaveHistory {
            path: path.clone(),
            entries: newer,
        }
        .execute(&source)
        .await;
        assert_eq!(done, TrailLoaded::HistorySaved(Ok(())));
        let (h, warning) = History::load(&path);
        assert!(warning.is_none(), "{warning:?}");
        let texts: Vec<&str> = h.entries().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["b", "a"]);
        // A save numbered before the last one written is skipped.
        save(path.clone(), vec![entry("stale")], 0).unwrap();
        let (h, _) = History::load(&path);
        assert_eq!(h.entries()[0].text, "b");
        let _ = std::fs::remove_dir_all(&d);
    }
}
