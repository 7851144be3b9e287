//! Read-only mode where requests are made: an interceptor on every AWS client that fails
//! any operation that is not a read before it is serialised, so no mutating request can
//! leave the process, whichever code path asks for it.

use aws_sdk_athena::operation::start_query_execution::StartQueryExecutionInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Refuses every operation but reads (an allow-list: an operation added later is refused
/// until it is known to read).
#[derive(Debug)]
pub struct ReadOnlyGuard;

/// Reads, by AWS's naming: `Describe*`, `List*`, `Get*` (S3's `GetObject` too), and S3's
/// `Head*`. Everything else may change state.
pub fn is_read(operation: &str) -> bool {
    ["Describe", "List", "Get", "Head"]
        .iter()
        .any(|p| operation.starts_with(p))
}

/// Operations that are reads in effect though not by name, by service (as the SDK names it
/// in the operation's metadata). Searching the trail starts an Athena query and may stop
/// it: that changes no AWS resource (it only writes the query's own result file), and a
/// read-only console must still answer "what changed?". Athena's other starts (sessions,
/// calculations) and its writes (workgroups, catalogs, named queries) stay refused. Reading
/// logs is the same: an Insights query started and stopped, events filtered, a live tail
/// session opened change no log group; Logs' writes (PutLogEvents, DeleteLogGroup, ...) stay
/// refused.
const READS_IN_EFFECT: &[(&str, &str)] = &[
    ("Athena", "StartQueryExecution"),
    ("Athena", "StopQueryExecution"),
    ("CloudWatch Logs", "StartQuery"),
    ("CloudWatch Logs", "StopQuery"),
    ("CloudWatch Logs", "FilterLogEvents"),
    ("CloudWatch Logs", "StartLiveTail"),
];

/// Whether read-only mode lets `operation` of `service` through.
pub fn is_allowed(service: &str, operation: &str) -> bool {
    is_read(operation) || READS_IN_EFFECT.contains(&(service, operation))
}

/// SQL that `raw::check` reads as one read statement, as Athena's engine reads it: no
/// comment, no write in any position (raw SQL that cannot be parsed is not known to be one).
pub fn is_read_sql(sql: &str) -> bool {
    use crate::trail::raw::{RawCheck, check};
    matches!(
        check(sql),
        RawCheck::Pruned | RawCheck::NoScan | RawCheck::Unpruned
    )
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "sagewatch::ReadOnlyGuard"
    }

    /// The first hook that sees the operation's name (client interceptors' earlier hooks run
    /// before the operation's configuration is applied), and still before the request is
    /// serialised, let alone sent.
    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let metadata = cfg.load::<Metadata>();
        let operation = metadata.map(Metadata::name).unwrap_or("");
        let service = metadata.map(Metadata::service).unwrap_or("");
        if !is_allowed(service, operation) {
            return Err(format!("read-only: {operation} refused before it was sent").into());
        }
        // A query is a read only if its SQL is: Athena would run an INSERT, a CTAS or an
        // EXPLAIN ANALYZE of one as readily as a SELECT.
        if let Some(input) = context.input().downcast_ref::<StartQueryExecutionInput>() {
            let sql = input.query_string().unwrap_or("");
            if !is_read_sql(sql) {
                return Err(
                    "read-only: StartQueryExecution refused before it was sent: only SQL that \
                     parses as one read (SELECT, SHOW, DESCRIBE, EXPLAIN; no comments) runs in \
                     read-only mode"
                        .into(),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{is_allowed, is_read};

    #[test]
    fn only_reads_pass() {
        for op in [
            "DescribeAlarms",
            "ListMetrics",
            "GetMetricData",
            "GetCallerIdentity",
            "GetObject",
            "HeadObject",
            "ListObjectsV2",
            "ListAlarmMuteRules",
            "GetAlarmMuteRule",
        ] {
            assert!(is_read(op), "{op}");
        }
        for op in [
            "PutMetricAlarm",
            "DeleteAlarms",
            "EnableAlarmActions",
            "DisableAlarmActions",
            "SetAlarmState",
            "PutMetricData",
            "CreateMonitoringSchedule",
            "StartMonitoringSchedule",
            "StopMonitoringSchedule",
            "PutObject",
            "DeleteObject",
            "PutAlarmMuteRule",
            "DeleteAlarmMuteRule",
            "",
        ] {
            assert!(!is_read(op), "{op}");
        }
    }

    #[test]
    fn only_sql_that_parses_as_one_read_is_a_read() {
        use super::is_read_sql;
        for sql in [
            "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2026/11/29'",
            "SELECT 1",
            "SHOW TABLES",
            "EXPLAIN SELECT * FROM t",
        ] {
            assert!(is_read_sql(sql), "{sql}");
        }
        for sql in [
            "INSERT INTO t SELECT * FROM cloudtrail_logs",
            "CREATE TABLE x AS SELECT 1",
            "EXPLAIN ANALYZE INSERT INTO t SELECT json_query(x, 'lax $.a' WITH ARRAY WRAPPER) FROM x",
            "DROP TABLE cloudtrail_logs",
            "SELECT 1; DROP TABLE x",
            "",
            // Trino ends a comment at its first `*/`: the CTAS runs.
            "/* /* */ CREATE TABLE evil AS SELECT * FROM cloudtrail_logs -- */ SELECT 1",
            "WITH a AS (SELECT 1) INSERT INTO x SELECT * FROM a",
            // A table function hands its text to the source it queries, which may write.
            "SELECT * FROM TABLE(system.query(query => 'DELETE FROM customers'))",
            "SELECT * FROM system.query('DELETE FROM customers')",
        ] {
            assert!(!is_read_sql(sql), "{sql}");
        }
    }

    #[test]
    fn searching_the_trail_is_a_read_but_athena_writes_are_not() {
        for op in [
            "StartQueryExecution",
            "StopQueryExecution",
            "GetQueryExecution",
            "GetQueryResults",
        ] {
            assert!(is_allowed("Athena", op), "{op}");
        }
        for op in [
            "CreateWorkGroup",
            "DeleteWorkGroup",
            "UpdateWorkGroup",
            "CreateNamedQuery",
            "StartSession",
            "StartCalculationExecution",
            "StopCalculationExecution",
        ] {
            assert!(!is_allowed("Athena", op), "{op}");
        }
        // The exception is Athena's, not a name any service may use.
        assert!(!is_allowed("SageMaker", "StartQueryExecution"));
        assert!(!is_allowed("", "StopQueryExecution"));
    }

    #[test]
    fn reading_logs_is_a_read_but_logs_writes_are_not() {
        for op in [
            "StartQuery",
            "StopQuery",
            "GetQueryResults",
            "FilterLogEvents",
            "StartLiveTail",
            "DescribeLogGroups",
        ] {
            assert!(is_allowed("CloudWatch Logs", op), "{op}");
        }
        for op in [
            "PutLogEvents",
            "CreateLogGroup",
            "CreateLogStream",
            "DeleteLogGroup",
            "PutRetentionPolicy",
            "PutSubscriptionFilter",
            "CreateExportTask",
            "PutQueryDefinition",
            "TagResource",
        ] {
            assert!(!is_allowed("CloudWatch Logs", op), "{op}");
        }
        assert!(!is_allowed("SageMaker", "StartLiveTail"));
    }
}
