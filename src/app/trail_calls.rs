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
        } => {
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
        Command::SaveTrailHistory { path, items } => {
            let saved = tokio::task::spawn_blocking(move || {
                crate::trail::history::save_items(&path, &items)
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
    let ext = match job.format {
        ExportFormat::Csv => "csv",
        ExportFormat::JsonLines => "jsonl",
    };
    let path = job
        .path
        .unwrap_or_else(|| crate::trail::export::default_name(job.now, ext));
    let rows = job.rows.iter().map(|r| r.as_slice());
    let written = match job.format {
        ExportFormat::Csv => {
            crate::trail::export::write_csv(std::path::Path::new(&path), &job.columns, rows)
        }
        ExportFormat::JsonLines => {
            crate::trail::export::write_jsonl(std::path::Path::new(&path), &job.columns, rows)
        }
    };
    written
        .map(|n| (path.clone(), n))
        .map_err(|e| format!("export to {path} failed: {e}"))
}
