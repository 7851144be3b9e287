//! Credentials that expire under a running console: AWS refuses the cached ones, the status
//! bar says the command that fixes it with the profile in use, and the next call (`r`) is
//! signed with the credentials the provider gives now, without a restart. The clients are the
//! console's own (`connect::clients`) on an SDK config wrapped as `connect` wraps it
//! (`renew::renewing`); the service is a function of the request's Authorization header.

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use aws_types::region::Region;
use sagewatch::app::action::{Action, Loaded};
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::source::aws::renew::{self, Origin};
use sagewatch::source::aws::{AwsSource, Topology, connect};
use sagewatch::source::health::Health;
use sagewatch::source::model::Identity;
use sagewatch::source::{FleetSource, SourceError, SourceKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

const MONITORING: &str = "100000000000";
const OLD_KEY: &str = "ASIAOLDOLDOLDOLDOLD1";
const NEW_KEY: &str = "ASIANEWNEWNEWNEWNEW2";
/// 2026-11-26T10:10:00Z.
const NOW: i64 = 1_795_687_800;

/// A credentials provider whose keys the test replaces, as `aws sso login` or a tool writing
/// `~/.aws/credentials` does. The first keys are valid for another hour as far as the SDK can
/// tell: only AWS knows they were revoked.
#[derive(Debug, Clone)]
struct Rotating(Arc<Mutex<Credentials>>);

impl Rotating {
    fn keys(id: &str) -> Credentials {
        Credentials::new(
            id,
            "secret",
            Some("session-token".into()),
            Some(SystemTime::now() + Duration::from_secs(3600)),
            "test",
        )
    }
}

impl ProvideCredentials for Rotating {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::ready(Ok(self.0.lock().unwrap().clone()))
    }
}

/// A CBOR text string (major type 3), short enough for a one-byte length.
fn cbor_text(out: &mut Vec<u8>, s: &str) {
    assert!(s.len() < 256);
    if s.len() < 24 {
        out.push(0x60 + s.len() as u8);
    } else {
        out.extend([0x78, s.len() as u8]);
    }
    out.extend(s.as_bytes());
}

/// CloudWatch (rpc-v2-cbor, query-compatible): ExpiredToken for the old key, an empty
/// DescribeAlarms answer for any other.
fn cloudwatch(
    seen: Arc<Mutex<Vec<String>>>,
) -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    infallible_client_fn(move |req| {
        let auth = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        seen.lock().unwrap().push(auth.clone());
        let builder = http::Response::builder()
            .header("smithy-protocol", "rpc-v2-cbor")
            .header("content-type", "application/cbor");
        if auth.contains(OLD_KEY) {
            let mut body = vec![0xA1];
            cbor_text(&mut body, "message");
            cbor_text(
                &mut body,
                "The security token included in the request is expired",
            );
            builder
                .status(400)
                .header("x-amzn-query-error", "ExpiredToken;Sender")
                .body(SdkBody::from(body))
                .unwrap()
        } else {
            builder.status(200).body(SdkBody::from(vec![0xA0])).unwrap()
        }
    })
}

fn console_state() -> State {
    sagewatch::ui::fixture::console_with_defaults(SourceKind::Aws, NOW, (80, 24))
}

#[tokio::test]
async fn refused_credentials_say_the_fix_and_the_next_call_resolves_new_ones() {
    renew::set_origin(Origin::of(None, |k| {
        (k == "AWS_PROFILE").then(|| "oncall-prod".to_owned())
    }));
    let keys = Rotating(Arc::new(Mutex::new(Rotating::keys(OLD_KEY))));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let config = aws_config::SdkConfig::builder()
        .region(Region::new("eu-west-1"))
        .behavior_version(aws_config::BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(keys.clone()))
        .http_client(cloudwatch(seen.clone()))
        .build();
    // As `connect` builds it; this provider needs no rebuilding.
    let config = renew::renewing(config, || async { None });
    let health = Health::default();
    let home = connect::clients(&config, &health, MONITORING, false);
    let source = AwsSource::from_clients(
        Identity {
            account_id: MONITORING.into(),
            arn: format!("arn:aws:sts::{MONITORING}:assumed-role/OnCall/me"),
            region: "eu-west-1".into(),
        },
        Topology::Fanout,
        home,
        HashMap::new(),
        Vec::new(),
        health,
    );

    // The old keys are refused: a credentials error whose fix names the profile.
    let err = source.alarms_in(MONITORING).await.unwrap_err();
    assert!(
        matches!(&err, SourceError::Credentials { fix, .. }
            if fix.contains("`aws sso login --profile oncall-prod`")),
        "{err}"
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "refused credentials are not retried"
    );

    // The status bar at 80 columns shows the whole command.
    // The worst case at 80 columns: data shown, and stale.
    let mut state = console_state();
    state.freshness.newest_point = Some(NOW - 900);
    state.freshness.series_ok_at = Some(NOW - 900);
    state.freshness.alarms_ok_at = Some(NOW - 900);
    headless::apply(
        &source,
        &mut state,
        Action::Loaded(Box::new(Loaded::Health(source.health()))),
    )
    .await;
    let screen = sagewatch::ui::fixture::screen_text(&state);
    let bar = screen.lines().last().unwrap_or_default();
    assert!(bar.contains("STALE"), "{bar}");
    assert!(
        bar.contains("aws sso login --profile oncall-prod"),
        "{bar}\n{screen}"
    );

    // The user logs in; the provider now gives new keys, and the SDK still holds the old
    // ones as valid for an hour. The next call (`r`) is signed with the new keys.
    *keys.0.lock().unwrap() = Rotating::keys(NEW_KEY);
    let alarms = source.alarms_in(MONITORING).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen[1].contains(&format!("Credential={NEW_KEY}/")),
        "{}",
        seen[1]
    );
    assert_eq!(alarms.unwrap(), Vec::new());
    assert!(
        source.health().problems.is_empty(),
        "{:?}",
        source.health().problems
    );
}
