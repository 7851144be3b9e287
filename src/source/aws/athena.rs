//! CloudTrail search on Athena, in the monitoring account: StartQueryExecution with the
//! caller's token and result reuse, GetQueryExecution as a `QueryStatus`, GetQueryResults as
//! result pages with the header row taken off, StopQueryExecution. Every string that comes
//! back is sanitised here.

use super::error::classify;
use crate::sanitize::{Sanitize, clean};
use crate::source::SourceError;
use crate::source::trail::{
    QueryState, QueryStatus, ResultPage, TrailQuery, TrailSettings, TrailSource,
};
use async_trait::async_trait;
use aws_sdk_athena::operation::start_query_execution::StartQueryExecutionError;
use aws_sdk_athena::types::{
    QueryExecutionContext, QueryExecutionState, ResultConfiguration, ResultReuseByAgeConfiguration,
    ResultReuseConfiguration,
};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Rows per GetQueryResults page: Athena's maximum.
const PAGE_ROWS: i32 = 1000;

/// The longest message of a refused statement kept for the user: Athena's SQL errors say
/// where the mistake is first, then add boilerplate.
const MESSAGE_CAP: usize = 1000;

/// Athena in the monitoring account, with the config's `[trail]` settings.
#[derive(Debug, Clone)]
pub struct AthenaTrail {
    client: aws_sdk_athena::Client,
    settings: TrailSettings,
}

impl AthenaTrail {
    /// A trail source on a client built elsewhere (`connect::athena` builds the console's;
    /// tests build one on aws-smithy-mocks or against moto).
    pub fn new(client: aws_sdk_athena::Client, settings: TrailSettings) -> Self {
        Self { client, settings }
    }

    pub fn settings(&self) -> &TrailSettings {
        &self.settings
    }
}

/// An SDK error as a `SourceError`, sanitised: its message comes from the wire.
fn failed<E, R>(call: &str, action: &str, err: SdkError<E, R>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let mut e = classify(call, action, err);
    e.sanitize();
    e
}

/// Athena's domain state. A state added to the API later is shown as running: the poll
/// goes on until a state this code knows, rather than failing a query that may well succeed.
fn state(state: Option<&QueryExecutionState>) -> QueryState {
    match state {
        Some(QueryExecutionState::Queued) => QueryState::Queued,
        Some(QueryExecutionState::Succeeded) => QueryState::Succeeded,
        Some(QueryExecutionState::Failed) => QueryState::Failed,
        Some(QueryExecutionState::Cancelled) => QueryState::Cancelled,
        _ => QueryState::Running,
    }
}

/// One line, sanitised and bounded.
fn message(s: &str) -> String {
    let flat = clean(s).split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > MESSAGE_CAP {
        flat.chars().take(MESSAGE_CAP - 1).chain(['…']).collect()
    } else {
        flat
    }
}

#[async_trait]
impl TrailSource for AthenaTrail {
    async fn start(&self, query: &TrailQuery) -> Result<String, SourceError> {
        const CALL: &str = "StartQueryExecution";
        let s = &self.settings;
        let context = QueryExecutionContext::builder()
            .database(&s.database)
            .catalog(&s.catalog)
            .build();
        let output = s
            .output_location
            .as_ref()
            .map(|o| ResultConfiguration::builder().output_location(o).build());
        let reuse = (s.reuse_minutes > 0).then(|| {
            ResultReuseConfiguration::builder()
                .result_reuse_by_age_configuration(
                    ResultReuseByAgeConfiguration::builder()
                        .enabled(true)
                        .max_age_in_minutes(i32::try_from(s.reuse_minutes).unwrap_or(i32::MAX))
                        .build(),
                )
                .build()
        });
        let sent = self
            .client
            .start_query_execution()
            .query_string(&query.sql)
            .query_execution_context(context)
            .work_group(&s.workgroup)
            .set_result_configuration(output)
            .client_request_token(&query.token)
            .set_result_reuse_configuration(reuse)
            .send()
            .await;
        let out = match sent {
            Ok(out) => out,
            // A statement Athena refuses (bad SQL, unknown table): its message is what the
            // user needs to fix it, whole, without the error code in front.
            Err(e) => {
                if let Some(StartQueryExecutionError::InvalidRequestException(refused)) =
                    e.as_service_error()
                    && let Some(text) = refused.message().filter(|m| !m.trim().is_empty())
                {
                    return Err(SourceError::Other {
                        call: CALL.into(),
                        detail: message(text),
                    });
                }
                return Err(failed(CALL, "athena:StartQueryExecution", e));
            }
        };
        out.query_execution_id()
            .filter(|id| !id.is_empty())
            .map(|id| clean(id).into_owned())
            .ok_or_else(|| SourceError::Other {
                call: CALL.into(),
                detail: "Athena answered without a QueryExecutionId".into(),
            })
    }

    async fn status(&self, id: &str) -> Result<QueryStatus, SourceError> {
        const CALL: &str = "GetQueryExecution";
        let out = self
            .client
            .get_query_execution()
            .query_execution_id(id)
            .send()
            .await
            .map_err(|e| failed(CALL, "athena:GetQueryExecution", e))?;
        let Some(execution) = out.query_execution() else {
            return Err(SourceError::Other {
                call: CALL.into(),
                detail: "Athena answered without the query execution".into(),
            });
        };
        let status = execution.status();
        let statistics = execution.statistics();
        let mut answer = QueryStatus {
            state: state(status.and_then(|s| s.state())),
            reason: status
                .and_then(|s| s.state_change_reason())
                .map(str::to_owned),
            scanned_bytes: statistics
                .and_then(|s| s.data_scanned_in_bytes())
                .and_then(|b| u64::try_from(b).ok())
                .unwrap_or(0),
            total_millis: statistics
                .and_then(|s| s.total_execution_time_in_millis())
                .and_then(|m| u64::try_from(m).ok()),
            reused: statistics
                .and_then(|s| s.result_reuse_information())
                .is_some_and(|r| r.reused_previous_result()),
            statement_type: execution.statement_type().map(|t| t.as_str().to_owned()),
        };
        answer.sanitize();
        Ok(answer)
    }

    async fn page(
        &self,
        id: &str,
        next: Option<&str>,
        header: bool,
    ) -> Result<ResultPage, SourceError> {
        let out = self
            .client
            .get_query_results()
            .query_execution_id(id)
            .max_results(PAGE_ROWS)
            .set_next_token(next.map(str::to_owned))
            .send()
            .await
            .map_err(|e| failed("GetQueryResults", "athena:GetQueryResults", e))?;
        let set = out.result_set();
        // The column names come with every page; the view needs them once.
        let columns = if next.is_none() {
            set.and_then(|s| s.result_set_metadata())
                .map(|m| {
                    m.column_info()
                        .iter()
                        .map(|c| {
                            c.label()
                                .filter(|l| !l.is_empty())
                                .unwrap_or(c.name())
                                .to_owned()
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let rows = set.map(|s| s.rows()).unwrap_or_default();
        let rows = rows
            .iter()
            .skip(usize::from(header))
            .map(|row| {
                row.data()
                    .iter()
                    .map(|d| d.var_char_value().map(str::to_owned))
                    .collect()
            })
            .collect();
        let mut page = ResultPage {
            columns,
            rows,
            next: out.next_token().map(str::to_owned),
        };
        page.sanitize();
        Ok(page)
    }

    async fn cancel(&self, id: &str) -> Result<(), SourceError> {
        self.client
            .stop_query_execution()
            .query_execution_id(id)
            .send()
            .await
            .map_err(|e| failed("StopQueryExecution", "athena:StopQueryExecution", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_unknown_to_this_build_keep_the_poll_going() {
        assert_eq!(
            state(Some(&QueryExecutionState::from("PAUSED"))),
            QueryState::Running
        );
        assert_eq!(state(None), QueryState::Running);
        assert_eq!(
            state(Some(&QueryExecutionState::Failed)),
            QueryState::Failed
        );
        assert_eq!(
            state(Some(&QueryExecutionState::from("CANCELLED"))),
            QueryState::Cancelled
        );
    }

    #[test]
    fn refusal_messages_are_one_clean_bounded_line() {
        assert_eq!(
            message("line 1:8:\n\u{1b}[31mbad"),
            "line 1:8: \u{FFFD}[31mbad"
        );
        assert_eq!(message(&"x".repeat(5000)).chars().count(), MESSAGE_CAP);
    }
}
