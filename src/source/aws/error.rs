//! SDK errors turned into `SourceError`s that tell an on-call engineer what to fix: which call
//! failed, which IAM action is missing, whether AWS is throttling or unreachable.

use crate::source::SourceError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error as StdError;

/// Error codes AWS services use for a missing permission.
const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "NotAuthorized",
];

/// Error codes for "slow down"; the SDK has already retried these with adaptive back-off.
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
];

pub fn is_throttling_code(code: &str) -> bool {
    THROTTLED.contains(&code)
}

/// A failed AWS call. `call` names the API operation (and account), `action` the IAM action
/// it needs, e.g. `cloudwatch:GetMetricData`.
pub fn classify<E, R>(call: &str, action: &str, err: SdkError<E, R>) -> SourceError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let call = call.to_owned();
    match &err {
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or_default();
            let message = service.err().message().unwrap_or_default();
            if ACCESS_DENIED.contains(&code) {
                SourceError::AccessDenied {
                    call,
                    action: action.to_owned(),
                }
            } else if is_throttling_code(code) {
                SourceError::Throttled { call }
            } else {
                let detail = match (code.is_empty(), message.is_empty()) {
                    (false, false) => format!("{code}: {message}"),
                    (false, true) => code.to_owned(),
                    _ => one_line(&DisplayErrorContext(&err).to_string()),
                };
                SourceError::Other { call, detail }
            }
        }
        // A reply that is not a valid AWS answer (an emulator dying mid-response, a proxy
        // page) is treated like a network failure: it is transient and retried by refresh.
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            SourceError::Network {
                call,
                detail: network_detail(&err),
            }
        }
        _ => SourceError::Other {
            call,
            detail: one_line(&DisplayErrorContext(&err).to_string()),
        },
    }
}

/// The innermost cause is the useful part ("Connection refused"), not the SDK's wrapping.
fn network_detail<E, R>(err: &SdkError<E, R>) -> String
where
    E: StdError + 'static,
    R: std::fmt::Debug,
{
    let mut cause: &dyn StdError = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    if text.is_empty() {
        one_line(&DisplayErrorContext(err).to_string())
    } else {
        one_line(&text)
    }
}

/// Status-bar messages are one line, and bounded.
fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 200 {
        flat.chars().take(199).chain(['…']).collect()
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_flattened_and_bounded() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        assert_eq!(one_line(&"x".repeat(500)).chars().count(), 200);
    }
}
