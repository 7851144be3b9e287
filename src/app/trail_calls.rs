//! The trail's commands carried out: the query's calls on the source's trail, the history
//! written to its file, an export written. Each answers with an action like any read.

use super::action::Loaded;
use super::command::{Command, Export, ExportFormat};
use crate::source::trail::TrailSource;
use crate::source::{FleetSource, SourceError};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

fn none(call: &str) -> SourceError {
    SourceError::Other {
        call: call.into(),
        detail: "no CloudTrail search configured: add [trail] to config.toml".into(),
    }
}

fn trail<'a>(source: &'a dyn FleetSource, call: &str) -> Result<&'a dyn TrailSource, SourceError> {
    source.trail().ok_or_else(|| none(call))
}

pub async fn execute(source: &dyn FleetSource, command: Command) -> Loaded {
    match command {
        Command::TrailStart(query) => {
            let result = match trail(source, "StartQueryExecution") {
                Ok(t) => t.start(&query).await,
                Err(e) => Err(e),
            };
            Loaded::TrailStarted {
                token: query.token,
                result,
            }
        }
        Command::TrailPoll {
            id,
            token,
            delay_ms,
        } => {
            pause(delay_ms).await;
            let result = match trail(source, "GetQueryExecution") {
                Ok(t) => t.status(&id).await,
                Err(e) => Err(e),
            };
            Loaded::TrailStatus { token, result }
        }
        Command::TrailPage {
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
            Loaded::TrailPage { token, result }
        }
        Command::TrailCancel { id } => {
            let result = match trail(source, "StopQueryExecution") {
                Ok(t) => t.cancel(&id).await,
                Err(e) => Err(e),
            };
            Loaded::TrailCancelled { result }
        }
        Command::SaveTrailHistory { path, entries } => {
            let generation = SAVES.fetch_add(1, Ordering::SeqCst) + 1;
            let saved = tokio::task::spawn_blocking(move || save(path, entries, generation)).await;
            Loaded::HistorySaved(match saved {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(format!("trail history not saved: {e}")),
                Err(_) => Err("trail history not saved".into()),
            })
        }
        Command::Export(job) => {
            let done = tokio::task::spawn_blocking(move || export(*job)).await;
            Loaded::Exported(done.unwrap_or_else(|_| Err("export failed".into())))
        }
        other => unreachable_command(other),
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

fn unreachable_command(command: Command) -> Loaded {
    tracing::error!(?command, "not a trail command");
    Loaded::Exported(Err("internal error: not a trail command".into()))
}

fn export(job: Export) -> Result<(String, usize), String> {
    use crate::trail::export::{self, Format};
    let format = match job.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::JsonLines => Format::JsonLines,
        ExportFormat::Text => Format::Text,
    };
    let path = match job.path {
        Some(typed) => crate::typed_path::expand_home_from_env(&typed)
            .map_err(|why| format!("export failed: {why}"))?
            .display()
            .to_string(),
        None => export::default_file_name(job.what, format, job.now),
    };
    let rows = job.rows.iter().map(|r| r.as_slice());
    export::export(
        std::path::Path::new(&path),
        format,
        false,
        &job.columns,
        rows,
    )
    .map(|n| (path.clone(), n))
    .map_err(|e| format!("export to {path} failed: {e}"))
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
        let done = execute(
            &source,
            Command::SaveTrailHistory {
                path: path.clone(),
                entries: newer,
            },
        )
        .await;
        assert_eq!(done, Loaded::HistorySaved(Ok(())));
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

    #[tokio::test]
    async fn an_export_writes_every_row_and_neutralises_formulas() {
        let d = dir("export");
        let path = d.join("out.csv");
        let source = demo();
        let done = execute(
            &source,
            Command::Export(Box::new(Export {
                what: "trail",
                format: ExportFormat::Csv,
                path: Some(path.display().to_string()),
                now: 0,
                columns: vec!["eventname".into(), "errorcode".into()],
                rows: vec![
                    vec![Some("=HYPERLINK(\"x\")".into()), None],
                    vec![Some("UpdateEndpoint".into()), Some("AccessDenied".into())],
                ],
            })),
        )
        .await;
        assert_eq!(done, Loaded::Exported(Ok((path.display().to_string(), 2))));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("'=HYPERLINK"), "{text}");
        // Never over an existing file.
        let again = execute(
            &source,
            Command::Export(Box::new(Export {
                what: "trail",
                format: ExportFormat::Csv,
                path: Some(path.display().to_string()),
                now: 0,
                columns: vec!["c".into()],
                rows: vec![],
            })),
        )
        .await;
        // Said as it is: there is no confirmation that would overwrite it.
        let Loaded::Exported(Err(why)) = &again else {
            panic!("{again:?}")
        };
        assert!(
            why.contains("never overwrites") && !why.contains("confirm"),
            "{why}"
        );
        let _ = std::fs::remove_dir_all(&d);
    }
}
