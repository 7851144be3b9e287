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

/// Error codes for credentials AWS does not accept: retrying will not help.
const BAD_CREDENTIALS: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "RequestExpired",
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
            if BAD_CREDENTIALS.contains(&code) {
                // The identity cache would hand these credentials out again until their own
                // expiry: the next call resolves them anew.
                super::renew::refused();
                SourceError::Credentials {
                    call,
                    detail: one_line(&format!("{code}: {message}")),
                    fix: credentials_fix(code, message),
                }
            } else if ACCESS_DENIED.contains(&code) {
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
        // The credential chain failed before anything was sent (an expired SSO token, a
        // failing credential_process, a role that cannot be assumed): the SDK reports that as
        // a dispatch failure, but it is not the network.
        SdkError::DispatchFailure(_) if credentials_cause(&err).is_some() => {
            let detail = credentials_cause(&err).unwrap_or_default();
            // The chain's own call was refused (an AssumeRole signed with expired keys):
            // the keys under it are resolved anew too.
            if refused_by_aws(&detail) {
                super::renew::refused();
            }
            let fix = credentials_fix("", &detail);
            SourceError::Credentials { call, detail, fix }
        }
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

/// Whether a credential chain's failure is AWS refusing the keys the chain signed with.
fn refused_by_aws(detail: &str) -> bool {
    BAD_CREDENTIALS.iter().any(|code| detail.contains(code))
}

/// What the credential chain said, when it is the cause of `err`.
fn credentials_cause<E, R>(err: &SdkError<E, R>) -> Option<String>
where
    E: StdError + 'static,
    R: std::fmt::Debug + 'static,
{
    use aws_credential_types::provider::error::CredentialsError;
    let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(c) = cause {
        if let Some(creds) = c.downcast_ref::<CredentialsError>() {
            return Some(one_line(&DisplayErrorContext(creds).to_string()));
        }
        cause = c.source();
    }
    None
}

/// What an on-call engineer should do about credentials AWS or the chain refused, naming
/// the profile in use; short, and the command first, so that it shows on the status bar at
/// 80 columns.
fn credentials_fix(code: &str, message: &str) -> String {
    fix_for(code, message, &super::renew::origin())
}

fn fix_for(code: &str, message: &str, origin: &super::renew::Origin) -> String {
    let m = message.to_ascii_lowercase();
    let login = origin.sso_login();
    if m.contains("sts:assumerole") || m.contains("assumerole") {
        "the role cannot be assumed by the console's identity: check the role's trust policy \
         and that this identity may call sts:AssumeRole on it"
            .into()
    } else if m.contains("sso") || m.contains("token has expired") {
        format!("SSO expired: `{login}`, then press r")
    } else if m.contains("credential_process") || m.contains("credential process") {
        "the profile's credential_process failed: run it by hand to see why".into()
    } else if code == "RequestExpired" || code == "SignatureDoesNotMatch" {
        "check this host's clock (signatures are valid for 5 minutes) and the secret key".into()
    } else if origin.environment_keys {
        // The environment is read once, at start: `r` cannot see new keys there.
        "keys from the environment refused: renew AWS_SESSION_TOKEN (and the keys), restart".into()
    } else if code.starts_with("Expired") || m.contains("expired") {
        format!("expired: `{login}` or new keys, then press r")
    } else {
        // UnrecognizedClient after a refresh is an expired session as often as a wrong one.
        format!("refused: `{login}` or check the profile/role_arn, then press r")
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

    use aws_credential_types::provider::error::CredentialsError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_types::error::ErrorMetadata;

    type Err =
        SdkError<aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError, HttpResponse>;

    fn service(code: &str, message: &str) -> Err {
        let meta = ErrorMetadata::builder().code(code).message(message).build();
        SdkError::service_error(
            aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError::generic(meta),
            HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(403).unwrap(),
                aws_smithy_types::body::SdkBody::empty(),
            ),
        )
    }

    fn chain_failure(creds: CredentialsError) -> Err {
        SdkError::dispatch_failure(ConnectorError::other(Box::new(creds), None))
    }

    #[test]
    fn credentials_are_their_own_kind_with_what_to_do() {
        let e = classify(
            "GetMetricData 1",
            "cloudwatch:GetMetricData",
            service(
                "ExpiredToken",
                "The security token included in the request is expired",
            ),
        );
        assert!(
            matches!(&e, SourceError::Credentials { fix, .. } if fix.contains("expired")),
            "{e}"
        );
        let e = classify(
            "x",
            "y",
            service(
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ),
        );
        assert!(matches!(e, SourceError::Credentials { .. }), "{e}");
        // A failing provider arrives as a dispatch failure: it is not the network.
        let e = classify(
            "x",
            "y",
            chain_failure(CredentialsError::provider_error(
                "the SSO session has expired or is invalid",
            )),
        );
        assert!(
            matches!(&e, SourceError::Credentials { fix, .. } if fix.contains("aws sso login")),
            "{e}"
        );
        let e = classify(
            "x",
            "y",
            chain_failure(CredentialsError::provider_error(
                "User: arn:aws:sts::100000000000:assumed-role/OnCall/me is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/Reader",
            )),
        );
        assert!(
            matches!(&e, SourceError::Credentials { detail, fix, .. }
                if fix.contains("trust policy") && detail.contains("role/Reader")),
            "{e}"
        );
        let e = classify(
            "x",
            "y",
            chain_failure(CredentialsError::provider_error(
                "credential_process exited with status 1",
            )),
        );
        assert!(
            matches!(&e, SourceError::Credentials { fix, .. } if fix.contains("credential_process")),
            "{e}"
        );
        // A refused connection stays a network failure.
        let refused = SdkError::<
            aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError,
            HttpResponse,
        >::dispatch_failure(ConnectorError::io(Box::new(
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused"),
        )));
        assert!(matches!(
            classify("x", "y", refused),
            SourceError::Network { .. }
        ));
    }

    #[test]
    fn the_fix_names_the_profile_in_use_and_fits_the_status_bar() {
        use crate::source::aws::renew::Origin;
        let profile = Origin {
            profile: Some("oncall-prod".into()),
            environment_keys: false,
        };
        let expired = "The security token included in the request is expired";
        let fix = fix_for("ExpiredToken", expired, &profile);
        assert!(
            fix.starts_with("expired: `aws sso login --profile oncall-prod`"),
            "{fix}"
        );
        assert!(fix.ends_with("press r"), "{fix}");
        let fix = fix_for(
            "",
            "the SSO token has expired and cannot be refreshed",
            &profile,
        );
        assert_eq!(
            fix,
            "SSO expired: `aws sso login --profile oncall-prod`, then press r"
        );
        let fix = fix_for(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            &profile,
        );
        assert!(
            fix.contains("`aws sso login --profile oncall-prod`"),
            "{fix}"
        );
        // No profile: the default one.
        let fix = fix_for("ExpiredToken", expired, &Origin::default());
        assert!(fix.starts_with("expired: `aws sso login` "), "{fix}");
        // Keys in the environment: `r` cannot see new ones, and the fix says so.
        let env = Origin {
            profile: None,
            environment_keys: true,
        };
        let fix = fix_for("ExpiredToken", expired, &env);
        assert!(
            fix.contains("AWS_SESSION_TOKEN") && fix.contains("restart"),
            "{fix}"
        );
        assert!(!fix.contains("press r"), "{fix}");
    }

    #[test]
    fn a_chain_refused_by_aws_is_told_apart_from_one_failing_here() {
        assert!(refused_by_aws(
            "failed to load credentials: ExpiredToken: The security token included in the \
             request is expired"
        ));
        assert!(refused_by_aws(
            "InvalidClientTokenId: The security token included in the request is invalid"
        ));
        assert!(!refused_by_aws(
            "the SSO token has expired and cannot be refreshed"
        ));
        assert!(!refused_by_aws("credential_process exited with status 1"));
        // As the chain reports an AssumeRole that STS refused.
        let e = classify(
            "x",
            "y",
            chain_failure(CredentialsError::provider_error(service(
                "ExpiredToken",
                "The security token included in the request is expired",
            ))),
        );
        assert!(
            matches!(&e, SourceError::Credentials { detail, .. } if refused_by_aws(detail)),
            "{e}"
        );
    }

    #[test]
    fn long_messages_are_flattened_and_bounded() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        assert_eq!(one_line(&"x".repeat(500)).chars().count(), 200);
    }
}
