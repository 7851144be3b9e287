//! From the command line and config to a working `AwsSource`, before the terminal is touched:
//! the standard aws-config chain (no credential code of ours), who we are, which topology,
//! and credentials for every configured account.

use super::athena::AthenaTrail;
use super::logs::{AwsLogs, LiveTailEndpoint, LogsTopology};
use super::readonly::ReadOnlyGuard;
use super::renew;
use super::throttle::ThrottleWatch;
use super::{AccountClients, AwsSource, Topology};
use crate::config::{AccountConfig, Config, Topology as ConfiguredTopology};
use crate::source::health::Health;
use crate::source::model::Identity;
use crate::source::regions::{RegionSource, Regions};
use crate::source::trail::TrailSettings;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::region::Region;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--profile` (also read from `AWS_PROFILE` by the chain itself).
    pub profile: Option<String>,
    /// `--region` (one or several); else the config's `regions`; else the chain's one.
    /// The first is home: the trail is read there.
    pub regions: Vec<String>,
    pub config: Config,
    /// Every client refuses mutating operations before they are sent.
    pub readonly: bool,
    /// CloudTrail search on Athena (the config's `[trail]`); `None`: no trail view.
    pub trail: Option<TrailSettings>,
}

/// Why the console cannot start against AWS; each says what was tried and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "no AWS region: pass --region, set AWS_REGION, put `region` in the profile, or list \
         `regions` in the config"
    )]
    NoRegion,
    #[error(
        "no AWS credentials found{profile}. Tried, in order: environment variables \
         (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), the shared config and credentials files \
         (~/.aws/config, ~/.aws/credentials: static keys, IAM Identity Center/SSO, \
         credential_process, role_arn), web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), ECS \
         container credentials and EC2 instance metadata (IMDSv2). Log in (e.g. `aws sso login \
         --profile NAME`) or pass --profile. Detail: {detail}"
    )]
    NoCredentials { profile: String, detail: String },
    #[error("cannot reach AWS STS to check who we are (GetCallerIdentity): {0}")]
    Identity(String),
    #[error(
        "account {0} is listed for fan-out but has neither role_arn nor profile: add one, or \
         set exclude = true"
    )]
    AccountWithoutCredentials(String),
}

/// Loads the SDK config with adaptive retry (client-side rate limiting when AWS throttles).
/// Every call is bounded: without a timeout one half-open connection freezes that kind of
/// update for good (and can hang `snapshot`).
fn timeouts(total_secs: u64) -> TimeoutConfig {
    let total = Duration::from_secs(total_secs.max(2));
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3).min(total))
        .operation_attempt_timeout(total / 3)
        .operation_timeout(total)
        .build()
}

async fn sdk_config(profile: Option<&str>, region: Option<&str>, timeout_secs: u64) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(4))
        .timeout_config(timeouts(timeout_secs));
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_owned()));
    }
    loader.load().await
}

/// Clients acting in `account`. Each account has its own retry partition, so its own retry
/// budget and adaptive rate limiter: one throttled account must not slow the others down.
/// In read-only mode every client also refuses mutating operations before they are sent.
/// Public so that emulator tests use the very clients the console builds.
pub fn clients(
    config: &SdkConfig,
    health: &Health,
    account: &str,
    readonly: bool,
) -> AccountClients {
    let partition = |service: &str| RetryPartition::new(format!("sagewatch-{service}-{account}"));
    let mut cloudwatch = aws_sdk_cloudwatch::config::Builder::from(config)
        .interceptor(ThrottleWatch(health.clone(), account.to_owned()))
        .retry_partition(partition("cloudwatch"));
    let mut sagemaker = aws_sdk_sagemaker::config::Builder::from(config)
        .interceptor(ThrottleWatch(health.clone(), account.to_owned()))
        .retry_partition(partition("sagemaker"));
    let mut s3 = aws_sdk_s3::config::Builder::from(config)
        .interceptor(ThrottleWatch(health.clone(), account.to_owned()))
        .retry_partition(partition("s3"))
        // Path-style (`ENDPOINT/bucket/key`) only against an endpoint override: a local
        // emulator has no per-bucket host names (`bucket.127.0.0.1` does not resolve), while
        // real S3 wants virtual-hosted style (path-style is deprecated there and not served
        // for every bucket name or Region).
        .force_path_style(endpoint_overridden(config, "S3"));
    let mut scaling = aws_sdk_applicationautoscaling::config::Builder::from(config)
        .interceptor(ThrottleWatch(health.clone(), account.to_owned()))
        .retry_partition(partition("application-autoscaling"));
    if readonly {
        cloudwatch = cloudwatch.interceptor(ReadOnlyGuard);
        sagemaker = sagemaker.interceptor(ReadOnlyGuard);
        s3 = s3.interceptor(ReadOnlyGuard);
        scaling = scaling.interceptor(ReadOnlyGuard);
    }
    let (cloudwatch, sagemaker, s3) = (cloudwatch.build(), sagemaker.build(), s3.build());
    AccountClients {
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(cloudwatch),
        sagemaker: aws_sdk_sagemaker::Client::from_conf(sagemaker),
        s3: aws_sdk_s3::Client::from_conf(s3),
        scaling: aws_sdk_applicationautoscaling::Client::from_conf(scaling.build()),
    }
}

/// The Athena client of the trail, in `account` (the monitoring account: the trail is
/// replicated there). Built like the others: its own retry partition, throttling counted, the
/// read-only guard (which lets a trail search through); `AWS_ENDPOINT_URL_ATHENA` or
/// `AWS_ENDPOINT_URL` point it elsewhere, read by the builder from `config`.
pub fn athena(
    config: &SdkConfig,
    health: &Health,
    account: &str,
    readonly: bool,
) -> aws_sdk_athena::Client {
    let mut athena = aws_sdk_athena::config::Builder::from(config)
        .interceptor(ThrottleWatch(health.clone(), account.to_owned()))
        .retry_partition(RetryPartition::new(format!("sagewatch-athena-{account}")));
    if readonly {
        athena = athena.interceptor(ReadOnlyGuard);
    }
    aws_sdk_athena::Client::from_conf(athena.build())
}

/// The CloudWatch Logs client of `account` (endpoint and monitoring-job logs). Built like the
/// others: its own retry partition, throttling counted, the read-only guard (which lets the
/// logs reads through: Insights queries and the live tail change nothing). Against an
/// endpoint override (`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, `AWS_ENDPOINT_URL`, the profile's
/// `endpoint_url`) it also takes the live tail's `stream-` host prefix off again, without
/// which the live tail cannot reach a local emulator or a VPC endpoint.
///
/// Its timeouts are the SDK config's (`timeouts`): they bound StartLiveTail until its answer
/// begins, and no further. The event stream is read after the operation has returned, so no
/// operation or attempt timeout cuts a session, and no read timeout is set (`timeouts` sets
/// none; the SDK has no stalled-stream protection on event streams).
pub fn logs_client(
    config: &SdkConfig,
    health: &Health,
    account: &str,
    readonly: bool,
) -> aws_sdk_cloudwatchlogs::Client {
    let mut logs = aws_sdk_cloudwatchlogs::config::Builder::from(config)
        .interceptor(ThrottleWatch(health.clone(), account.to_owned()))
        .retry_partition(RetryPartition::new(format!("sagewatch-logs-{account}")));
    if endpoint_overridden(config, "CloudWatch Logs") {
        logs = logs.interceptor(LiveTailEndpoint);
    }
    if readonly {
        logs = logs.interceptor(ReadOnlyGuard);
    }
    aws_sdk_cloudwatchlogs::Client::from_conf(logs.build())
}

/// Whether calls of the service `service_id` (`"S3"`, `"CloudWatch Logs"`) go to an
/// endpoint of the user's choosing: `AWS_ENDPOINT_URL_<SERVICE>`, the profile's `services`
/// section, `AWS_ENDPOINT_URL` or `endpoint_url`, looked up as the service's client itself
/// does when it is built from `config`.
pub fn endpoint_overridden(config: &SdkConfig, service_id: &str) -> bool {
    let key = aws_types::service_config::ServiceConfigKey::builder()
        .service_id(service_id)
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build();
    let service_specific = key
        .ok()
        .and_then(|key| config.service_config().and_then(|c| c.load_config(key)));
    service_specific.is_some() || config.endpoint_url().is_some()
}

fn looks_like_missing_credentials(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    d.contains("no providers in chain")
        || d.contains("credentials")
            && (d.contains("not loaded")
                || d.contains("failed to load")
                || d.contains("no credentials"))
        || d.contains("the credential provider was not enabled")
}

/// Who the credentials belong to; also the first proof that they work.
async fn whoami(config: &SdkConfig, profile: Option<&str>) -> Result<Identity, ConnectError> {
    if config.credentials_provider().is_none() {
        return Err(ConnectError::NoCredentials {
            profile: profile_note(profile),
            detail: "no credentials provider".into(),
        });
    }
    let sts = aws_sdk_sts::Client::new(config);
    let me = sts.get_caller_identity().send().await.map_err(|e| {
        let detail = DisplayErrorContext(&e).to_string();
        if looks_like_missing_credentials(&detail) {
            ConnectError::NoCredentials {
                profile: profile_note(profile),
                detail: chain_report(&detail),
            }
        } else {
            ConnectError::Identity(detail)
        }
    })?;
    Ok(Identity {
        account_id: me.account().unwrap_or_default().to_owned(),
        arn: me.arn().unwrap_or_default().to_owned(),
        region: config.region().map(|r| r.to_string()).unwrap_or_default(),
    })
}

/// The chain's own report ("Attempted: Environment: ..., Profile: ...") without the SDK's
/// debug dump of the same error that follows it.
fn chain_report(detail: &str) -> String {
    let cut = detail.find(" (DispatchFailure(").unwrap_or(detail.len());
    let report = &detail[..cut];
    report
        .strip_prefix("dispatch failure: other: ")
        .unwrap_or(report)
        .to_owned()
}

fn profile_note(profile: Option<&str>) -> String {
    profile
        .map(|p| format!(" for profile `{p}`"))
        .unwrap_or_default()
}

/// Credentials in one configured account: its role assumed from the console's own
/// credentials (the SDK caches them and refreshes before expiry), or its profile.
async fn account_config(
    base: &SdkConfig,
    account: &AccountConfig,
    region: &str,
    timeout_secs: u64,
) -> Option<SdkConfig> {
    if let Some(role) = &account.role_arn {
        let provider = AssumeRoleProvider::builder(role)
            .session_name("sagewatch")
            .region(Region::new(region.to_owned()))
            .configure(base)
            .build()
            .await;
        return Some(
            base.to_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build(),
        );
    }
    let profile = account.profile.as_deref()?;
    Some(renewing_config(Some(profile), Some(region), timeout_secs).await)
}

/// The SDK config of `profile` whose credentials are resolved anew, the profile files read
/// again, after AWS refused them (`renew`): `r` then picks up `aws sso login` or renewed
/// keys without a restart.
async fn renewing_config(
    profile: Option<&str>,
    region: Option<&str>,
    timeout_secs: u64,
) -> SdkConfig {
    let config = sdk_config(profile, region, timeout_secs).await;
    let (profile, region) = (profile.map(str::to_owned), region.map(str::to_owned));
    renew::renewing(config, move || {
        let (profile, region) = (profile.clone(), region.clone());
        async move {
            sdk_config(profile.as_deref(), region.as_deref(), timeout_secs)
                .await
                .credentials_provider()
        }
    })
}

/// A source for every region asked (`ConnectOptions::regions`), each with its own clients,
/// sink and failure state, connected at once.
pub async fn connect(options: ConnectOptions) -> Result<Regions, ConnectError> {
    renew::set_origin(renew::Origin::of(options.profile.as_deref(), |k| {
        std::env::var(k).ok()
    }));
    let wanted: Vec<Option<&str>> = match (&options.regions, &options.config.regions) {
        (asked, _) if !asked.is_empty() => asked.iter().map(|r| Some(r.as_str())).collect(),
        (_, listed) if !listed.is_empty() => listed.iter().map(|r| Some(r.as_str())).collect(),
        _ => vec![None],
    };
    let connected = futures::future::join_all(
        (wanted.iter().enumerate()).map(|(i, r)| connect_region(&options, *r, i == 0)),
    )
    .await;
    let several = connected.len() > 1;
    let mut regions = Vec::with_capacity(connected.len());
    for source in connected {
        let source = source?.one_of_several_regions(several);
        regions.push(RegionSource {
            region: source.region().into(),
            source: Box::new(source),
        });
    }
    Ok(Regions::new(regions))
}

/// The source of one region (`None`: the chain's); the home region's also reads the trail.
async fn connect_region(
    options: &ConnectOptions,
    region: Option<&str>,
    home_region: bool,
) -> Result<AwsSource, ConnectError> {
    let timeout_secs = options.config.timeout_secs;
    let base = renewing_config(options.profile.as_deref(), region, timeout_secs).await;
    let region = base
        .region()
        .map(|r| r.to_string())
        .ok_or(ConnectError::NoRegion)?;
    let identity = whoami(&base, options.profile.as_deref()).await?;
    let health = Health::default();

    let topology = match options.config.topology {
        Some(ConfiguredTopology::Oam) => oam_topology(&base, None),
        Some(ConfiguredTopology::Fanout) => Topology::Fanout,
        None => detect_topology(aws_sdk_oam::Client::new(&base), &base, &health).await,
    };
    let fanout = matches!(topology, Topology::Fanout);

    let mut accounts = HashMap::new();
    let mut logs_accounts = HashMap::new();
    for a in options.config.accounts.iter().filter(|a| !a.exclude) {
        if a.id == identity.account_id {
            continue;
        }
        match account_config(&base, a, &region, timeout_secs).await {
            Some(cfg) => {
                logs_accounts.insert(
                    a.id.clone(),
                    logs_client(&cfg, &health, &a.id, options.readonly),
                );
                accounts.insert(
                    a.id.clone(),
                    clients(&cfg, &health, &a.id, options.readonly),
                );
            }
            None if fanout => return Err(ConnectError::AccountWithoutCredentials(a.id.clone())),
            // Through OAM the account is read by the monitoring account; without
            // credentials of its own only its SageMaker details and alarms are missing.
            None => {}
        }
    }
    tracing::info!(
        account = %identity.account_id,
        arn = %identity.arn,
        %region,
        topology = if fanout { "fanout" } else { "oam" },
        credentialed_accounts = accounts.len(),
        "connected to AWS"
    );
    let home = clients(&base, &health, &identity.account_id, options.readonly);
    let trail = options
        .trail
        .clone()
        .filter(|_| home_region)
        .map(|settings| {
            AthenaTrail::new(
                athena(&base, &health, &identity.account_id, options.readonly),
                settings,
            )
        });
    let logs = AwsLogs::new(
        region.clone(),
        identity.account_id.clone(),
        if fanout {
            LogsTopology::Fanout
        } else {
            LogsTopology::Oam
        },
        logs_client(&base, &health, &identity.account_id, options.readonly),
        logs_accounts,
        health.clone(),
    );
    Ok(AwsSource::from_clients(
        identity,
        topology,
        home,
        accounts,
        options.config.accounts.clone(),
        // The throttle interceptors of every client count into this one.
        health,
    )
    .with_quality_sources(&options.config.quality_metrics)
    .with_readonly(options.readonly)
    .with_trail(trail)
    .with_logs(Some(logs)))
}

fn oam_topology(base: &SdkConfig, sink_arn: Option<String>) -> Topology {
    Topology::Oam {
        oam: aws_sdk_oam::Client::new(base),
        sink_arn: Mutex::new(sink_arn),
    }
}

/// OAM when this account owns a sink, fan-out otherwise (no sink, no OAM permission, or an
/// endpoint that does not serve OAM, such as a local emulator). A fall-back is said on the
/// status bar, not only in the log: the user may have expected the monitoring account's view.
async fn detect_topology(oam: aws_sdk_oam::Client, base: &SdkConfig, health: &Health) -> Topology {
    let why = match oam.list_sinks().send().await {
        Ok(out) => match out.items().first() {
            Some(sink) => return oam_topology(base, sink.arn().map(str::to_owned)),
            None => "this account has no OAM sink in this region".to_owned(),
        },
        Err(e) => {
            let err = super::error::classify("ListSinks", "oam:ListSinks", e);
            tracing::info!(error = %err, "ListSinks failed: using fan-out");
            format!("ListSinks failed ({err})")
        }
    };
    health.notice(format!(
        "fan-out: {why}; each configured account is read with its own credentials (set \
         topology in the config to choose)"
    ));
    Topology::Fanout
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline_config() -> SdkConfig {
        SdkConfig::builder()
            .region(Region::new("eu-west-1"))
            .behavior_version(BehaviorVersion::latest())
            .timeout_config(timeouts(30))
            .build()
    }

    #[test]
    fn every_account_has_its_own_retry_partition() {
        let health = Health::default();
        let config = offline_config();
        let a = clients(&config, &health, "111111111111", false);
        let b = clients(&config, &health, "222222222222", false);
        let partition = |c: &AccountClients| c.cloudwatch.config().retry_partition().cloned();
        assert!(partition(&a).is_some());
        assert_ne!(
            partition(&a),
            partition(&b),
            "one throttled account must not slow another"
        );
        assert_ne!(
            a.sagemaker.config().retry_partition().cloned(),
            b.sagemaker.config().retry_partition().cloned()
        );
        assert!(a.scaling.config().retry_partition().is_some());
        assert_ne!(
            a.scaling.config().retry_partition().cloned(),
            b.scaling.config().retry_partition().cloned()
        );
    }

    #[tokio::test]
    async fn a_fall_back_to_fan_out_is_said_on_screen() {
        use aws_smithy_mocks::{mock, mock_client};
        let empty = mock!(aws_sdk_oam::Client::list_sinks).then_output(|| {
            aws_sdk_oam::operation::list_sinks::ListSinksOutput::builder()
                .set_items(Some(Vec::new()))
                .build()
                .expect("output")
        });
        let health = Health::default();
        let topology = detect_topology(
            mock_client!(aws_sdk_oam, [&empty]),
            &offline_config(),
            &health,
        )
        .await;
        assert!(matches!(topology, Topology::Fanout));
        let notices = health.snapshot().notices;
        assert!(notices[0].contains("no OAM sink"), "{notices:?}");
        assert!(health.snapshot().problems.is_empty(), "not a failure");

        let denied = mock!(aws_sdk_oam::Client::list_sinks).then_error(|| {
            aws_sdk_oam::operation::list_sinks::ListSinksError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("not authorized")
                    .build(),
            )
        });
        let health = Health::default();
        detect_topology(
            mock_client!(aws_sdk_oam, [&denied]),
            &offline_config(),
            &health,
        )
        .await;
        let notices = health.snapshot().notices;
        assert!(notices[0].contains("oam:ListSinks"), "{notices:?}");
    }

    #[test]
    fn s3_is_path_style_only_against_an_endpoint_override() {
        assert!(!endpoint_overridden(&offline_config(), "S3"));
        let local = offline_config()
            .to_builder()
            .endpoint_url("http://127.0.0.1:4566")
            .build();
        assert!(endpoint_overridden(&local, "S3"));
    }

    #[test]
    fn the_athena_client_has_a_retry_partition_of_its_own() {
        let health = Health::default();
        let config = offline_config();
        let a = athena(&config, &health, "111111111111", true);
        let b = athena(&config, &health, "222222222222", true);
        assert!(a.config().retry_partition().is_some());
        assert_ne!(
            a.config().retry_partition().cloned(),
            b.config().retry_partition().cloned()
        );
    }

    #[test]
    fn the_live_tail_is_fixed_only_against_an_endpoint_override() {
        assert!(!endpoint_overridden(&offline_config(), "CloudWatch Logs"));
        let local = offline_config()
            .to_builder()
            .endpoint_url("http://127.0.0.1:4566")
            .build();
        assert!(endpoint_overridden(&local, "CloudWatch Logs"));
        // The host each client sends the live tail to: tests/aws_logs_mocks.rs.
    }

    #[test]
    fn calls_are_bounded_in_time() {
        let t = timeouts(30);
        // A read timeout would end a quiet live tail session: none is set.
        assert_eq!(t.read_timeout(), None);
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(30)));
        assert_eq!(t.operation_attempt_timeout(), Some(Duration::from_secs(10)));
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(3)));
    }
}
