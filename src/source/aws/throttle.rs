//! Watches every attempt's response: counts throttled attempts for the status bar, and reads
//! AWS's clock from the `Date` header, so that a bastion host whose clock is off neither
//! marks every row stale nor stops asking for the newest minutes.

use crate::source::health::Health;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Sees every attempt's HTTP response and counts throttling answers, which the SDK's adaptive
/// retry otherwise absorbs silently: the on-call engineer should know why data is slow, and
/// which account's calls AWS is limiting (the second field: the client's account).
#[derive(Debug)]
pub struct ThrottleWatch(pub Health, pub String);

impl Intercept for ThrottleWatch {
    fn name(&self) -> &'static str {
        "sagewatch::ThrottleWatch"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response()
            && is_throttling_response(
                response.status().as_u16(),
                response.headers().get("x-amzn-errortype"),
                response.body().bytes(),
            )
        {
            self.0.record_throttled(&self.1);
        }
        if let Some(server) = context
            .response()
            .and_then(|r| r.headers().get("date"))
            .and_then(server_time)
        {
            self.0.record_server_time(server);
        }
        Ok(())
    }
}

/// An HTTP `Date` header (`Sun, 29 Nov 2026 09:03:00 GMT`) in epoch seconds.
pub fn server_time(header: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(header.trim())
        .ok()
        .map(|t| t.timestamp())
}

/// Throttling looks different in each protocol (HTTP 429, `x-amzn-ErrorType`, an XML or CBOR
/// body with the code): look for the code wherever the protocol puts it.
pub fn is_throttling_response(status: u16, error_type: Option<&str>, body: Option<&[u8]>) -> bool {
    if status == 429 {
        return true;
    }
    if status < 400 {
        return false;
    }
    let names_throttling = |text: &[u8]| {
        const NEEDLES: [&[u8]; 4] = [
            b"Throttl",
            b"RequestLimitExceeded",
            b"TooManyRequests",
            b"SlowDown",
        ];
        NEEDLES
            .iter()
            .any(|n| text.windows(n.len()).any(|w| w == *n))
    };
    error_type.is_some_and(|t| names_throttling(t.as_bytes()))
        || body.is_some_and(|b| names_throttling(&b[..b.len().min(4096)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_clock_is_read_from_the_date_header() {
        assert_eq!(
            server_time("Sun, 29 Nov 2026 09:03:00 GMT"),
            Some(1_795_942_980)
        );
        assert_eq!(server_time("yesterday"), None);
    }

    #[test]
    fn throttling_is_recognised_in_every_protocol() {
        assert!(is_throttling_response(429, None, None));
        assert!(is_throttling_response(
            400,
            Some("ThrottlingException:http://x"),
            None
        ));
        assert!(is_throttling_response(
            400,
            None,
            Some(b"<ErrorResponse><Error><Code>Throttling</Code>")
        ));
        assert!(!is_throttling_response(400, None, Some(b"ValidationError")));
        assert!(!is_throttling_response(
            200,
            None,
            Some(b"Throttling is fine")
        ));
    }
}
