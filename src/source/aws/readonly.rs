//! Read-only mode where requests are made: an interceptor on every AWS client that fails
//! any operation that is not a read before it is serialised, so no mutating request can
//! leave the process, whichever code path asks for it.

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

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "sagewatch::ReadOnlyGuard"
    }

    /// The first hook that sees the operation's name (client interceptors' earlier hooks run
    /// before the operation's configuration is applied), and still before the request is
    /// serialised, let alone sent.
    fn modify_before_serialization(
        &self,
        _context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map(Metadata::name).unwrap_or("");
        if is_read(operation) {
            Ok(())
        } else {
            Err(format!("read-only: {operation} refused before it was sent").into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_read;

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
            "",
        ] {
            assert!(!is_read(op), "{op}");
        }
    }
}
