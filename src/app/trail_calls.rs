//! The trail's commands carried out: the query's calls on the source's trail, the history
//! written to its file, an export written. Each answers with an action like any read.

use super::action::Loaded;
use super::command::{Command, Export, ExportFormat};
use crate::source::trail::TrailSource;
use crate::source::{FleetSource, SourceError};

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
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
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
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
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
            let saved = tokio::task::spawn_blocking(move || {
                let mut history = crate::trail::history::History::empty(path);
                // Oldest first: each push goes on top.
                for entry in entries.into_iter().rev() {
                    history.push(entry);
                }
                history.save()
            })
            .await;
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

fn unreachable_command(command: Command) -> Loaded {
    tracing::error!(?command, "not a trail command");
    Loaded::Exported(Err("internal error: not a trail command".into()))
}

fn export(job: Export) -> Result<(String, usize), String> {
    use crate::trail::export::{self, Format};
    let format = match job.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::JsonLines => Format::JsonLines,
    };
    let path = job
        .path
        .unwrap_or_else(|| export::default_file_name(format, job.now));
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
