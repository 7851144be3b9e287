//! Credentials AWS refused are not used again: after an ExpiredToken or UnrecognizedClient
//! answer the next call resolves its credentials anew (`r`, or the next refresh), so that
//! `aws sso login` or renewed keys are picked up without a restart; and the fix the status
//! bar shows names the profile in use.
//!
//! Why: the SDK's identity cache (aws-smithy-runtime `client/identity/cache/lazy.rs`) keeps
//! credentials until their own expiry (15 minutes for keys without one) and never drops them
//! because a service refused them; the profile files are parsed once per provider (aws-config
//! `provider_config.rs`, `parsed_profile`), so keys renewed in `~/.aws/credentials` are never
//! read. An SSO token is read from its cache file whenever the provider is called again
//! (aws-config `sso/token.rs`), so a fresh resolve is all `aws sso login` needs.

use aws_config::SdkConfig;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime_api::client::identity::{
    IdentityFuture, ResolveCachedIdentity, SharedIdentityCache, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

/// Credentials are resolved anew at most this often while AWS keeps refusing them: with many
/// accounts each renewal is an AssumeRole per account, and STS limits those too.
pub const MIN_RENEWAL_INTERVAL: Duration = Duration::from_secs(15);

/// When refusals ask for a renewal: each renewal is a new generation; one asked for within
/// `MIN_RENEWAL_INTERVAL` of the last waits (pending) until the interval has passed.
#[derive(Debug, Default)]
struct Refusals {
    generation: u64,
    last_renewal: Option<Instant>,
    pending: bool,
}

impl Refusals {
    fn refused(&mut self, now: Instant) {
        self.pending = true;
        self.settle(now);
    }

    /// The generation credentials should be of at `now`.
    fn settle(&mut self, now: Instant) -> u64 {
        let due = self
            .last_renewal
            .is_none_or(|t| now.duration_since(t) >= MIN_RENEWAL_INTERVAL);
        if self.pending && due {
            self.generation += 1;
            self.last_renewal = Some(now);
            self.pending = false;
        }
        self.generation
    }
}

/// Where the console's own credentials come from, for the fix the status bar shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// `--profile`, else `AWS_PROFILE`; cleaned for display.
    pub profile: Option<String>,
    /// `AWS_ACCESS_KEY_ID` is set: the chain takes keys from the environment first, and a
    /// running process cannot see new ones.
    pub environment_keys: bool,
}

impl Origin {
    /// The profile named on the command line, else in `AWS_PROFILE`; keys in the environment.
    pub fn of(profile_flag: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Self {
        let profile = profile_flag
            .map(str::to_owned)
            .or_else(|| env("AWS_PROFILE"))
            .filter(|p| !p.trim().is_empty())
            .map(|p| shell_word(&crate::sanitize::clean(p.trim())));
        Self {
            profile,
            environment_keys: env("AWS_ACCESS_KEY_ID").is_some_and(|k| !k.is_empty()),
        }
    }

    /// `aws sso login`, with `--profile` when one is in use.
    pub fn sso_login(&self) -> String {
        match &self.profile {
            Some(p) => format!("aws sso login --profile {p}"),
            None => "aws sso login".to_owned(),
        }
    }
}

/// A profile name as one shell word, so that the command shown can be pasted as it is.
fn shell_word(name: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.@+=,/:".contains(c);
    let short: String = name.chars().take(64).collect();
    if short.chars().all(plain) {
        short
    } else {
        format!("'{}'", short.replace('\'', r"'\''"))
    }
}

// Process-wide: `error::classify` sees every refusal but not the client it came from, and a
// console has one chain (every account's credentials derive from it, or from a profile).
static REFUSALS: Mutex<Refusals> = Mutex::new(Refusals {
    generation: 0,
    last_renewal: None,
    pending: false,
});
static ORIGIN: RwLock<Option<Origin>> = RwLock::new(None);

fn refusals() -> MutexGuard<'static, Refusals> {
    REFUSALS.lock().unwrap_or_else(|p| p.into_inner())
}

/// AWS refused the credentials a call was signed with: the next calls resolve anew.
pub fn refused() {
    refusals().refused(Instant::now());
}

fn generation() -> u64 {
    refusals().settle(Instant::now())
}

/// Which generation credentials should be of: the process-wide one, or a test's own.
type Generation = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Remembers where the console's credentials come from (`connect`).
pub fn set_origin(origin: Origin) {
    *ORIGIN.write().unwrap_or_else(|p| p.into_inner()) = Some(origin);
}

pub fn origin() -> Origin {
    ORIGIN
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .unwrap_or_default()
}

/// The SDK's lazy identity cache, replaced by an empty one when credentials were refused.
#[derive(Debug)]
pub struct RenewingCache {
    current: Mutex<(u64, SharedIdentityCache)>,
}

impl RenewingCache {
    pub fn new() -> Self {
        Self {
            current: Mutex::new((generation(), IdentityCache::lazy().build())),
        }
    }

    fn cache(&self) -> SharedIdentityCache {
        let now = generation();
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current.0 != now {
            tracing::info!("credentials were refused: resolving them anew");
            *current = (now, IdentityCache::lazy().build());
        }
        current.1.clone()
    }
}

impl Default for RenewingCache {
    fn default() -> Self {
        Self::new()
    }
}

impl ResolveCachedIdentity for RenewingCache {
    fn resolve_cached_identity<'a>(
        &'a self,
        resolver: SharedIdentityResolver,
        runtime_components: &'a RuntimeComponents,
        config_bag: &'a ConfigBag,
    ) -> IdentityFuture<'a> {
        let cache = self.cache();
        IdentityFuture::new(async move {
            cache
                .resolve_cached_identity(resolver, runtime_components, config_bag)
                .await
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.cache()
            .validate_base_client_config(runtime_components, cfg)
    }

    fn validate_final_config(
        &self,
        runtime_components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.cache().validate_final_config(runtime_components, cfg)
    }
}

type Rebuild = Arc<
    dyn Fn() -> Pin<Box<dyn Future<Output = Option<SharedCredentialsProvider>> + Send>>
        + Send
        + Sync,
>;

/// The credential chain, built again after a refusal so that the profile files are read
/// again (renewed keys in `~/.aws/credentials`, a changed `~/.aws/config`).
pub struct RenewingProvider {
    current: tokio::sync::Mutex<(u64, SharedCredentialsProvider)>,
    rebuild: Rebuild,
    generation: Generation,
}

impl std::fmt::Debug for RenewingProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenewingProvider").finish_non_exhaustive()
    }
}

impl RenewingProvider {
    /// `provider` until credentials are refused, then whatever `rebuild` gives (`None`: keep
    /// `provider`).
    pub fn new<F, Fut>(provider: SharedCredentialsProvider, rebuild: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<SharedCredentialsProvider>> + Send + 'static,
    {
        Self::following(Arc::new(generation), provider, rebuild)
    }

    fn following<F, Fut>(
        generation: Generation,
        provider: SharedCredentialsProvider,
        rebuild: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<SharedCredentialsProvider>> + Send + 'static,
    {
        Self {
            current: tokio::sync::Mutex::new((generation(), provider)),
            rebuild: Arc::new(move || Box::pin(rebuild())),
            generation,
        }
    }

    async fn provider(&self) -> SharedCredentialsProvider {
        let now = (self.generation)();
        // Held across the rebuild: calls arriving meanwhile wait for it, not rebuild again.
        let mut current = self.current.lock().await;
        if current.0 != now {
            let fresh = (self.rebuild)().await.unwrap_or_else(|| current.1.clone());
            *current = (now, fresh);
        }
        current.1.clone()
    }
}

impl ProvideCredentials for RenewingProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            self.provider().await.provide_credentials().await
        })
    }
}

/// `config` with its credentials resolved anew after a refusal: its identity cache emptied,
/// and its chain rebuilt by `rebuild`.
pub fn renewing<F, Fut>(config: SdkConfig, rebuild: F) -> SdkConfig
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<SharedCredentialsProvider>> + Send + 'static,
{
    let mut builder = config.to_builder().identity_cache(RenewingCache::new());
    if let Some(provider) = config.credentials_provider() {
        builder = builder.credentials_provider(SharedCredentialsProvider::new(
            RenewingProvider::new(provider, rebuild),
        ));
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_renews_at_once_then_at_most_once_per_interval() {
        let t0 = Instant::now();
        let mut r = Refusals::default();
        assert_eq!(r.settle(t0), 0);
        r.refused(t0);
        assert_eq!(r.settle(t0), 1, "the first refusal renews at once");
        // The renewed credentials are refused too (the user has not logged in yet).
        r.refused(t0 + Duration::from_secs(1));
        assert_eq!(r.settle(t0 + Duration::from_secs(5)), 1);
        // After the interval, the waiting refusal renews on the next call (`r`).
        assert_eq!(r.settle(t0 + MIN_RENEWAL_INTERVAL), 2);
        assert_eq!(
            r.settle(t0 + MIN_RENEWAL_INTERVAL * 3),
            2,
            "nothing refused"
        );
    }

    #[tokio::test]
    async fn a_renewal_rebuilds_the_chain_once_and_uses_what_it_gives() {
        use aws_credential_types::Credentials;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let keys = |id: &str| {
            SharedCredentialsProvider::new(Credentials::new(id, "secret", None, None, "test"))
        };
        let rebuilt = Arc::new(AtomicUsize::new(0));
        let counter = rebuilt.clone();
        let generation = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let renew_now = || generation.fetch_add(1, Ordering::SeqCst);
        let follows = {
            let g = generation.clone();
            Arc::new(move || g.load(Ordering::SeqCst)) as Generation
        };
        let provider = RenewingProvider::following(follows.clone(), keys("OLD"), move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let fresh = keys("NEW");
            async move {
                // A rebuild reads files: other calls get their turn meanwhile.
                tokio::task::yield_now().await;
                Some(fresh)
            }
        });
        let id = |c: provider::Result| c.unwrap().access_key_id().to_owned();
        assert_eq!(id(provider.provide_credentials().await), "OLD");
        renew_now();
        assert_eq!(id(provider.provide_credentials().await), "NEW");
        assert_eq!(id(provider.provide_credentials().await), "NEW");
        assert_eq!(
            rebuilt.load(Ordering::SeqCst),
            1,
            "rebuilt once per renewal"
        );
        // Calls arriving together after a renewal share one rebuild.
        renew_now();
        let (a, b) = tokio::join!(
            provider.provide_credentials(),
            provider.provide_credentials()
        );
        assert_eq!((id(a), id(b)), ("NEW".to_owned(), "NEW".to_owned()));
        assert_eq!(rebuilt.load(Ordering::SeqCst), 2);

        // A chain that cannot be built again keeps the one it had.
        let provider = RenewingProvider::following(follows, keys("KEPT"), || async { None });
        renew_now();
        assert_eq!(id(provider.provide_credentials().await), "KEPT");
    }

    #[test]
    fn the_origin_names_the_flag_else_aws_profile_as_one_clean_word() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let o = Origin::of(Some("oncall"), env(&[("AWS_PROFILE", "other")]));
        assert_eq!(o.sso_login(), "aws sso login --profile oncall");
        let o = Origin::of(None, env(&[("AWS_PROFILE", "prod-admin")]));
        assert_eq!(o.sso_login(), "aws sso login --profile prod-admin");
        assert!(!o.environment_keys);
        let o = Origin::of(None, env(&[("AWS_ACCESS_KEY_ID", "AKID")]));
        assert_eq!(o.sso_login(), "aws sso login");
        assert!(o.environment_keys);
        let o = Origin::of(Some("x\u{1b}[2J; rm -rf ~"), env(&[]));
        let login = o.sso_login();
        assert!(!login.contains('\u{1b}'), "{login:?}");
        assert!(
            login.ends_with("--profile 'x\u{fffd}[2J; rm -rf ~'"),
            "{login}"
        );
        let o = Origin::of(Some("it's"), env(&[]));
        assert_eq!(o.sso_login(), r"aws sso login --profile 'it'\''s'");
    }
}
