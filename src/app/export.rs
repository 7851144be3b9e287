//! Rows exported to a file (`Command::Export`, asked by the trail and the logs views) and
//! the answer said on the status bar.

use super::action::Loaded;
use super::command::{Export, ExportFormat};
use super::outcome::{Outcome, flash};
use super::state::{FlashLevel, State};

/// Writes the rows on a blocking task.
pub async fn execute(job: Export) -> Loaded {
    let done = tokio::task::spawn_blocking(move || export(job)).await;
    Loaded::Exported(done.unwrap_or_else(|_| Err("export failed".into())))
}

/// Where the rows went, or why not.
pub fn exported(
    state: &mut State,
    result: Result<(String, usize, Option<usize>), String>,
) -> Outcome {
    match result {
        Ok((path, rows, of)) => {
            let path = crate::sanitize::clean(&path).into_owned();
            let text = match of {
                Some(of) => {
                    format!("exported {rows} of {of} rows (those the / filter shows) to {path}")
                }
                None => format!("exported {rows} rows to {path}"),
            };
            flash(state, text, FlashLevel::Info);
        }
        Err(why) => flash(state, why, FlashLevel::Error),
    }
    Outcome::redraw()
}

fn export(job: Export) -> Result<(String, usize, Option<usize>), String> {
    use crate::trail::export::{self, Format};
    let format = match job.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::JsonLines => Format::JsonLines,
        ExportFormat::Text => Format::Text,
        ExportFormat::Markdown => Format::Markdown,
    };
    let path = match job.path {
        Some(typed) => crate::typed_path::expand_home_from_env(&typed)
            .map_err(|why| format!("export failed: {why}"))?
            .display()
            .to_string(),
        None => export::default_file_name(job.what, format, job.now),
    };
    export::export(
        std::path::Path::new(&path),
        format,
        false,
        &job.columns,
        job.rows.rows(),
    )
    .map(|n| (path.clone(), n, job.of))
    .map_err(|e| format!("export to {path} failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("sagewatch-export-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[tokio::test]
    async fn an_export_writes_every_row_and_neutralises_formulas() {
        let d = dir("export");
        let path = d.join("out.csv");
        let done = execute(Export {
            what: "trail",
            format: ExportFormat::Csv,
            path: Some(path.display().to_string()),
            now: 0,
            columns: vec!["eventname".into(), "errorcode".into()],
            rows: [
                vec![Some("=HYPERLINK(\"x\")".into()), None],
                vec![Some("UpdateEndpoint".into()), Some("AccessDenied".into())],
            ]
            .into_iter()
            .collect(),
            of: None,
        })
        .await;
        assert_eq!(
            done,
            Loaded::Exported(Ok((path.display().to_string(), 2, None)))
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("'=HYPERLINK"), "{text}");
        // Never over an existing file.
        let again = execute(Export {
            what: "trail",
            format: ExportFormat::Csv,
            path: Some(path.display().to_string()),
            now: 0,
            columns: vec!["c".into()],
            rows: std::iter::empty().collect(),
            of: None,
        })
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
