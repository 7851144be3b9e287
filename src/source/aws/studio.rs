//! SageMaker Studio in an account the console has credentials for: ListDomains,
//! ListUserProfiles, ListSpaces and ListApps at once (paged), then DescribeDomain only for
//! domains that are new or changed since they were last described, and DescribeApp only for
//! Failed apps not yet described (a Failed app never changes: its reason is read once).
//! OAM shares no SageMaker, so an account without a role of its own is said to be
//! unreadable without a call.

use super::error::classify;
use super::{AwsSource, Topology};
use crate::sanitize::{Sanitize, clean};
use crate::source::SourceError;
use crate::source::model::AccountId;
use crate::source::studio::{
    AccountStudio, AppOwner, AppStatus, LISTS, StudioApp, StudioDomain, StudioSource,
};
use async_trait::async_trait;
use aws_sdk_sagemaker::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::DateTime;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::error::Error as StdError;
use std::sync::Mutex;

/// The description cache is cleared past this many domains: a console pointed at a huge
/// organisation for months must not grow without bound (clearing costs one DescribeDomain
/// per domain on the next refresh, nothing more).
const DESCRIBED_MAX: usize = 1_000;
/// DescribeDomain calls in flight per account (only new or changed domains are described).
const DESCRIBES_AT_ONCE: usize = 4;
/// SageMaker's largest page for these lists: fewer pages, fewer calls per refresh.
const PAGE: i32 = 100;
/// An unreadable account's reason is one row of a table.
const ROW_MAX: usize = 160;

/// What DescribeDomain said of a domain, kept with ListDomains' LastModifiedTime of that
/// moment: while the listing shows the same time, the description still holds.
#[derive(Debug, Clone)]
struct Described {
    modified: DateTime,
    status: String,
    auth_mode: String,
    vpc_id: Option<String>,
}

/// Domain descriptions by (account, domain id). A steady refresh then costs the four list
/// calls of each account and no DescribeDomain: a domain's auth mode and VPC change rarely,
/// and when they do its LastModifiedTime says so.
#[derive(Debug, Default)]
pub struct DomainCache {
    described: Mutex<HashMap<(AccountId, String), Described>>,
}

impl DomainCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(AccountId, String), Described>> {
        self.described.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The description of a domain, if it was described at this very LastModifiedTime (a
    /// listing without one cannot tell a change, so it is described again).
    fn fresh(&self, account_id: &str, listed: &ListedDomain) -> Option<Described> {
        let modified = listed.modified.as_ref()?;
        self.lock()
            .get(&(account_id.to_owned(), listed.id.clone()))
            .filter(|d| &d.modified == modified)
            .cloned()
    }

    fn remember(&self, account_id: &str, id: &str, described: Described) {
        let mut map = self.lock();
        if map.len() >= DESCRIBED_MAX {
            map.clear();
        }
        map.insert((account_id.to_owned(), id.to_owned()), described);
    }

    /// Forgets this account's domains that are no longer listed (deleted domains).
    fn keep_only(&self, account_id: &str, listed: &[ListedDomain]) {
        let ids: HashSet<&str> = listed.iter().map(|d| d.id.as_str()).collect();
        self.lock()
            .retain(|(account, id), _| account != account_id || ids.contains(id.as_str()));
    }

    /// Domains described and remembered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A Failed app, as ListApps names it: its creation time too, so that an app deleted and
/// created again under the same name, failing again, is described again.
type AppKey = (AccountId, String, String, String, String, Option<i64>);

fn app_key(account_id: &str, a: &StudioApp) -> AppKey {
    let owner = match &a.owner {
        AppOwner::UserProfile(p) => format!("user/{p}"),
        AppOwner::Space(s) => format!("space/{s}"),
    };
    (
        account_id.to_owned(),
        a.domain_id.clone(),
        owner,
        a.app_type.clone(),
        a.name.clone(),
        a.created,
    )
}

/// Failed apps' reasons (DescribeApp's FailureReason, `None` when it gave none), by app. A
/// Failed app does not change, so each is described once; a describe that failed is not
/// kept (the next refresh tries again). Bounded like the domains' cache, and an account's
/// apps no longer listed Failed are forgotten.
#[derive(Debug, Default)]
pub struct FailedApps {
    reasons: Mutex<HashMap<AppKey, Option<String>>>,
}

impl FailedApps {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<AppKey, Option<String>>> {
        self.reasons.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get(&self, key: &AppKey) -> Option<Option<String>> {
        self.lock().get(key).cloned()
    }

    fn remember(&self, key: AppKey, reason: Option<String>) {
        let mut map = self.lock();
        if map.len() >= DESCRIBED_MAX {
            map.clear();
        }
        map.insert(key, reason);
    }

    /// Forgets this account's apps that are no longer listed as Failed.
    fn keep_only(&self, account_id: &str, failed: &[AppKey]) {
        self.lock()
            .retain(|key, _| key.0 != account_id || failed.contains(key));
    }

    /// Failed apps described and remembered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A domain as ListDomains says it.
#[derive(Debug, Clone)]
struct ListedDomain {
    id: String,
    name: String,
    status: Option<String>,
    modified: Option<DateTime>,
}

/// A list call that failed: the error for the status bar, and the words for the account's
/// row (with AWS's own message, which says e.g. whether an SCP denied it).
#[derive(Debug, Clone)]
struct Failure {
    error: SourceError,
    row: String,
}

/// One line of at most `ROW_MAX` characters, every control character replaced; `suffix`
/// (ours, short) is kept whole at the end when `s` has to be cut.
fn row_text(s: &str, suffix: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = clean(&flat).into_owned();
    let room = ROW_MAX.saturating_sub(suffix.chars().count());
    if flat.chars().count() > room {
        flat.chars()
            .take(room.saturating_sub(1))
            .chain(['…'])
            .chain(suffix.chars())
            .collect()
    } else {
        flat + suffix
    }
}

fn failure<E, R>(op: &str, account_id: &str, err: SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let message = err
        .as_service_error()
        .and_then(|e| e.message())
        .filter(|m| !m.trim().is_empty())
        .map(str::to_owned);
    let error = classify(
        &format!("{op} {account_id}"),
        &format!("sagemaker:{op}"),
        err,
    );
    let row = match (&error, message) {
        (SourceError::AccessDenied { .. }, Some(m)) => format!("AccessDenied on {op}: {m}"),
        (SourceError::AccessDenied { action, .. }, None) => {
            format!("AccessDenied on {op} (needs {action})")
        }
        (SourceError::Throttled { .. }, _) => format!("throttled on {op} (after retries)"),
        (SourceError::Network { detail, .. }, _) => format!("network on {op}: {detail}"),
        (SourceError::Credentials { detail, fix, .. }, _) => {
            format!("credentials on {op}: {detail}: {fix}")
        }
        (SourceError::Other { detail, .. }, _) => format!("{op} failed: {detail}"),
    };
    Failure { error, row }
}

fn no_role_row(account_id: &str, oam: bool) -> String {
    if oam {
        format!(
            "no role: OAM does not share SageMaker; add role_arn to [[accounts]] id = \"{account_id}\""
        )
    } else {
        format!("no credentials: add [[accounts]] id = \"{account_id}\" with role_arn or profile")
    }
}

async fn list_domains(sm: &Client, account_id: &str) -> Result<Vec<ListedDomain>, Failure> {
    let mut pages = sm.list_domains().max_results(PAGE).into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| failure("ListDomains", account_id, e))?;
        out.extend(page.domains().iter().filter_map(|d| {
            Some(ListedDomain {
                id: d.domain_id()?.to_owned(),
                name: d.domain_name().unwrap_or_default().to_owned(),
                status: d.status().map(|s| s.as_str().to_owned()),
                modified: d.last_modified_time().copied(),
            })
        }));
    }
    Ok(out)
}

/// User profiles of every domain of the account (ListUserProfiles without a domain lists
/// them all): only their number is shown.
async fn count_user_profiles(sm: &Client, account_id: &str) -> Result<usize, Failure> {
    let mut pages = sm
        .list_user_profiles()
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        n += page
            .map_err(|e| failure("ListUserProfiles", account_id, e))?
            .user_profiles()
            .len();
    }
    Ok(n)
}

/// Spaces of every domain of the account, counted.
async fn count_spaces(sm: &Client, account_id: &str) -> Result<usize, Failure> {
    let mut pages = sm.list_spaces().max_results(PAGE).into_paginator().send();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        n += page
            .map_err(|e| failure("ListSpaces", account_id, e))?
            .spaces()
            .len();
    }
    Ok(n)
}

fn app(a: &aws_sdk_sagemaker::types::AppDetails) -> StudioApp {
    // A shared space's app names its space; a private app its user profile. An app with
    // neither (none is documented) is shown as a profile with no name rather than dropped.
    let owner = match (a.space_name(), a.user_profile_name()) {
        (Some(space), _) if !space.is_empty() => AppOwner::Space(space.to_owned()),
        (_, profile) => AppOwner::UserProfile(profile.unwrap_or_default().to_owned()),
    };
    StudioApp {
        domain_id: a.domain_id().unwrap_or_default().to_owned(),
        owner,
        app_type: a
            .app_type()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        name: a.app_name().unwrap_or_default().to_owned(),
        status: AppStatus::parse(a.status().map(|s| s.as_str()).unwrap_or_default()),
        instance_type: a
            .resource_spec()
            .and_then(|r| r.instance_type())
            .map(|t| t.as_str().to_owned()),
        created: a.creation_time().map(DateTime::secs),
        failure_reason: None,
        describe_error: None,
        region: Default::default(),
    }
}

/// DescribeApp's FailureReason of one app (`None` when it gives none).
async fn describe_app(
    sm: &Client,
    account_id: &str,
    a: &StudioApp,
) -> Result<Option<String>, Failure> {
    let request = sm
        .describe_app()
        .domain_id(&a.domain_id)
        .app_type(aws_sdk_sagemaker::types::AppType::from(a.app_type.as_str()))
        .app_name(&a.name);
    let request = match &a.owner {
        AppOwner::UserProfile(p) => request.user_profile_name(p),
        AppOwner::Space(s) => request.space_name(s),
    };
    let out = request
        .send()
        .await
        .map_err(|e| failure("DescribeApp", account_id, e))?;
    Ok(out
        .failure_reason()
        .filter(|r| !r.trim().is_empty())
        .map(str::to_owned))
}

/// The Failed apps' reasons: from the cache when described before, else described now
/// (a few at once). A describe that fails leaves the app listed with `describe_error`.
async fn explain_failed(sm: &Client, account_id: &str, apps: &mut [StudioApp], cache: &FailedApps) {
    let failed: Vec<usize> = apps
        .iter()
        .enumerate()
        .filter(|(_, a)| a.status == AppStatus::Failed)
        .map(|(i, _)| i)
        .collect();
    let keys: Vec<AppKey> = failed
        .iter()
        .map(|&i| app_key(account_id, &apps[i]))
        .collect();
    cache.keep_only(account_id, &keys);
    let shared: &[StudioApp] = apps;
    let answers: Vec<(usize, Result<Option<String>, Failure>)> =
        futures::stream::iter(failed.into_iter().zip(keys))
            .map(|(i, key)| async move {
                if let Some(reason) = cache.get(&key) {
                    return (i, Ok(reason));
                }
                let described = describe_app(sm, account_id, &shared[i]).await;
                if let Ok(reason) = &described {
                    cache.remember(key, reason.clone());
                }
                (i, described)
            })
            .buffered(DESCRIBES_AT_ONCE)
            .collect()
            .await;
    for (i, answer) in answers {
        match answer {
            Ok(reason) => apps[i].failure_reason = reason,
            Err(f) => {
                tracing::warn!(account_id, error = %f.error, "DescribeApp failed: the app is listed without its reason");
                apps[i].describe_error = Some(row_text(&f.row, ""));
            }
        }
    }
}

/// Apps of every domain of the account, newest first as SageMaker sorts them.
async fn list_apps(sm: &Client, account_id: &str) -> Result<Vec<StudioApp>, Failure> {
    let mut pages = sm.list_apps().max_results(PAGE).into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| failure("ListApps", account_id, e))?;
        out.extend(page.apps().iter().map(app));
    }
    Ok(out)
}

async fn describe_domain(sm: &Client, account_id: &str, id: &str) -> Result<Described, Failure> {
    let d = sm
        .describe_domain()
        .domain_id(id)
        .send()
        .await
        .map_err(|e| failure("DescribeDomain", account_id, e))?;
    Ok(Described {
        modified: d
            .last_modified_time()
            .copied()
            .unwrap_or_else(|| DateTime::from_secs(0)),
        status: d
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        auth_mode: d
            .auth_mode()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default(),
        vpc_id: d.vpc_id().filter(|v| !v.is_empty()).map(str::to_owned),
    })
}

/// The listed domains with their descriptions: from the cache while LastModifiedTime is
/// unchanged, else described now. A domain whose DescribeDomain fails keeps ListDomains'
/// status with auth mode and VPC unknown; the first such failure is returned for the
/// status bar.
async fn describe(
    sm: &Client,
    account_id: &str,
    listed: Vec<ListedDomain>,
    cache: &DomainCache,
) -> (Vec<StudioDomain>, Option<SourceError>) {
    cache.keep_only(account_id, &listed);
    let answers: Vec<(ListedDomain, Result<Described, Failure>)> = futures::stream::iter(listed)
        .map(|l| async move {
            if let Some(d) = cache.fresh(account_id, &l) {
                return (l, Ok(d));
            }
            let mut described = describe_domain(sm, account_id, &l.id).await;
            if let Ok(d) = &mut described {
                // Keyed by the listing's time, the one the next refresh compares with.
                if let Some(m) = &l.modified {
                    d.modified = *m;
                    cache.remember(account_id, &l.id, d.clone());
                }
            }
            (l, described)
        })
        .buffered(DESCRIBES_AT_ONCE)
        .collect()
        .await;
    let mut first_error = None;
    let domains = answers
        .into_iter()
        .map(|(l, described)| {
            let d = described.unwrap_or_else(|f| {
                first_error.get_or_insert(f.error);
                Described {
                    modified: DateTime::from_secs(0),
                    status: String::new(),
                    auth_mode: String::new(),
                    vpc_id: None,
                }
            });
            // ListDomains' status is as fresh as this refresh; a cached description's is not.
            let status = l.status.filter(|s| !s.is_empty()).unwrap_or(d.status);
            StudioDomain {
                id: l.id,
                name: l.name,
                status,
                auth_mode: d.auth_mode,
                vpc_id: d.vpc_id,
            }
        })
        .collect();
    (domains, first_error)
}

/// ListDomains and the domains' descriptions (cached like `account_studio`'s), sanitized:
/// the domain half of an account's Studio, for an emulator that serves no other Studio
/// list (moto serves ListDomains and DescribeDomain only).
pub async fn domains(
    sm: &Client,
    account_id: &str,
    cache: &DomainCache,
) -> Result<Vec<StudioDomain>, SourceError> {
    let listed = list_domains(sm, account_id).await.map_err(|f| f.error)?;
    let (mut domains, _) = describe(sm, account_id, listed, cache).await;
    domains.sanitize();
    Ok(domains)
}

/// A list's answer, or `None` with its failure noted beside its name.
fn answered<T>(
    list: &'static str,
    result: Result<T, Failure>,
    failures: &mut Vec<(&'static str, Failure)>,
) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(f) => {
            failures.push((list, f));
            None
        }
    }
}

impl AwsSource {
    /// Logs a failing list call. Studio's failures are said in the account's row, not on
    /// the status bar: these calls run only while the studio view is on screen, so a
    /// failure recorded there would stay on the bar, unrefreshed, long after the view was
    /// left, and could hide a failing fleet call.
    fn logged<T>(&self, call: &str, result: Result<T, Failure>) -> Result<T, Failure> {
        if let Err(f) = &result {
            tracing::warn!(call, error = %f.error, "a Studio call failed");
        }
        result
    }

    async fn read_studio(&self, account_id: &str, sm: &Client) -> AccountStudio {
        let (domains, profiles, spaces, apps) = tokio::join!(
            list_domains(sm, account_id),
            count_user_profiles(sm, account_id),
            count_spaces(sm, account_id),
            list_apps(sm, account_id),
        );
        let domains = self.logged(&format!("ListDomains {account_id}"), domains);
        let profiles = self.logged(&format!("ListUserProfiles {account_id}"), profiles);
        let spaces = self.logged(&format!("ListSpaces {account_id}"), spaces);
        let apps = self.logged(&format!("ListApps {account_id}"), apps);
        // What answered is kept: a policy without one list (ListSpaces, say) must not hide
        // the Failed and idle apps ListApps returned. The failed lists' counts are unknown.
        let mut failures: Vec<(&'static str, Failure)> = Vec::new();
        let domains = answered(LISTS[0], domains, &mut failures);
        let user_profiles = answered(LISTS[1], profiles, &mut failures).unwrap_or(0);
        let spaces = answered(LISTS[2], spaces, &mut failures).unwrap_or(0);
        let mut apps = answered(LISTS[3], apps, &mut failures).unwrap_or_default();
        explain_failed(sm, account_id, &mut apps, &self.studio_apps).await;
        let failed: Vec<&'static str> = failures.iter().map(|(list, _)| *list).collect();
        let failures: Vec<Failure> = failures.into_iter().map(|(_, f)| f).collect();
        let unreadable = match failures.as_slice() {
            [] => None,
            [one] => Some(row_text(&one.row, "")),
            [first, rest @ ..] => Some(row_text(
                &first.row,
                &format!(" (+{} more failing)", rest.len()),
            )),
        };
        let domains = match domains {
            Some(listed) => {
                let (domains, describe_error) =
                    describe(sm, account_id, listed, &self.studio_domains).await;
                if let Some(e) = describe_error {
                    tracing::warn!(account_id, error = %e, "DescribeDomain failed: auth mode and VPC unknown");
                }
                domains
            }
            None => Vec::new(),
        };
        AccountStudio {
            account_id: account_id.to_owned(),
            domains,
            user_profiles,
            spaces,
            apps,
            unreadable,
            failed,
            without_credentials: false,
        }
    }
}

#[async_trait]
impl StudioSource for AwsSource {
    async fn account_studio(&self, account_id: &str) -> AccountStudio {
        let mut studio = match self.clients_for(account_id) {
            Some(clients) => self.read_studio(account_id, &clients.sagemaker).await,
            None => AccountStudio::without_credentials(
                account_id,
                no_role_row(account_id, matches!(self.topology, Topology::Oam { .. })),
            ),
        };
        studio.sanitize();
        studio
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_reason_is_one_clean_bounded_line() {
        let s = row_text(
            "AccessDenied on ListApps:\n\tUser \u{1b}[2J is not\u{9b} authorized",
            "",
        );
        assert_eq!(
            s,
            "AccessDenied on ListApps: User \u{FFFD}[2J is not\u{FFFD} authorized"
        );
        let long = row_text(&"x".repeat(500), "");
        assert_eq!(long.chars().count(), ROW_MAX);
        assert!(long.ends_with('…'));
        let long = row_text(&"x".repeat(500), " (+2 more failing)");
        assert_eq!(long.chars().count(), ROW_MAX);
        assert!(long.ends_with("x… (+2 more failing)"), "{long}");
        assert_eq!(
            row_text("short", " (+1 more failing)"),
            "short (+1 more failing)"
        );
    }

    #[test]
    fn the_cache_is_bounded_and_forgets_deleted_domains() {
        let cache = DomainCache::default();
        let d = |secs| Described {
            modified: DateTime::from_secs(secs),
            status: "InService".into(),
            auth_mode: "IAM".into(),
            vpc_id: None,
        };
        let listed = |id: &str, secs: Option<i64>| ListedDomain {
            id: id.into(),
            name: id.into(),
            status: None,
            modified: secs.map(DateTime::from_secs),
        };
        cache.remember("1", "d-a", d(10));
        assert!(cache.fresh("1", &listed("d-a", Some(10))).is_some());
        assert!(
            cache.fresh("1", &listed("d-a", Some(11))).is_none(),
            "changed"
        );
        assert!(
            cache.fresh("1", &listed("d-a", None)).is_none(),
            "cannot tell"
        );
        assert!(
            cache.fresh("2", &listed("d-a", Some(10))).is_none(),
            "other account"
        );
        cache.remember("2", "d-a", d(10));
        cache.keep_only("1", &[listed("d-b", Some(1))]);
        assert!(
            cache.fresh("1", &listed("d-a", Some(10))).is_none(),
            "deleted"
        );
        assert!(cache.fresh("2", &listed("d-a", Some(10))).is_some(), "kept");
        for i in 0..DESCRIBED_MAX + 5 {
            cache.remember("3", &format!("d-{i}"), d(1));
        }
        assert!(cache.len() <= DESCRIBED_MAX);
    }
}
