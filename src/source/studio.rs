//! SageMaker Studio at the domain level (groundwork of issue 13): each account's domains,
//! user profiles, spaces and apps as ListDomains/DescribeDomain, ListUserProfiles,
//! ListSpaces and ListApps answer them; the apps that need attention (Failed, or InService
//! longer than the idle bound: spend nobody is using); and the snapshot's `studio` entry.

use super::model::{AccountId, Epoch};
use crate::sanitize::Sanitize;
use async_trait::async_trait;
use std::collections::BTreeMap;

/// Reads Studio one account at a time, so that a slow or failing account never holds up
/// the others' rows.
#[async_trait]
pub trait StudioSource: Send + Sync {
    /// One account's Studio. It never fails as a whole: an account that cannot be read (no
    /// role under OAM, AccessDenied, a call that failed) comes back with `unreadable` saying
    /// why, in words for its row.
    async fn account_studio(&self, account_id: &str) -> AccountStudio;
}

/// An app's status as ListApps says it; one added to the API later keeps its word.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum AppStatus {
    Pending,
    InService,
    Failed,
    Deleting,
    Deleted,
    Other(String),
}

impl AppStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "Pending" => Self::Pending,
            "InService" => Self::InService,
            "Failed" => Self::Failed,
            "Deleting" => Self::Deleting,
            "Deleted" => Self::Deleted,
            other => Self::Other(crate::sanitize::clean(other).into_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "Pending",
            Self::InService => "InService",
            Self::Failed => "Failed",
            Self::Deleting => "Deleting",
            Self::Deleted => "Deleted",
            Self::Other(s) => s,
        }
    }
}

/// Whose an app is: a user profile's (private) or a space's (shared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppOwner {
    UserProfile(String),
    Space(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudioDomain {
    pub id: String,
    pub name: String,
    /// DescribeDomain's Status (InService, Pending, Failed, ...).
    pub status: String,
    /// IAM or SSO.
    pub auth_mode: String,
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudioApp {
    pub domain_id: String,
    pub owner: AppOwner,
    /// JupyterLab, CodeEditor, JupyterServer, KernelGateway, ...
    pub app_type: String,
    pub name: String,
    pub status: AppStatus,
    pub instance_type: Option<String>,
    pub created: Option<Epoch>,
    /// Why a Failed app failed: DescribeApp's FailureReason (read for Failed apps only).
    /// `None` for any other app, or when DescribeApp gave none or could not be read.
    pub failure_reason: Option<String>,
    /// Why DescribeApp of a Failed app could not be read (AccessDenied, ...): the app is
    /// still listed, without its reason.
    pub describe_error: Option<String>,
    /// The region its domain is in.
    pub region: crate::source::model::Region,
}

impl StudioApp {
    /// What to say of a Failed app's reason: AWS's words, that they could not be read and
    /// why, or `None` (not Failed, or SageMaker gave none).
    pub fn why_failed(&self) -> Option<String> {
        if self.status != AppStatus::Failed {
            return None;
        }
        match (&self.failure_reason, &self.describe_error) {
            (Some(reason), _) => Some(reason.clone()),
            (None, Some(e)) => Some(format!("reason not read: {e}")),
            (None, None) => None,
        }
    }
}

/// One account's Studio, or why it could not be read (an account without a role under
/// OAM, which shares no SageMaker): said in its row, not as an error dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStudio {
    pub account_id: AccountId,
    pub domains: Vec<StudioDomain>,
    pub user_profiles: usize,
    pub spaces: usize,
    pub apps: Vec<StudioApp>,
    /// Why (part of) it could not be read; `None` when every list answered.
    pub unreadable: Option<String>,
    /// The lists that failed (`LISTS`): their counts are unknown, not 0. A policy without
    /// `sagemaker:ListSpaces` must not hide the Failed and idle apps ListApps did return.
    pub failed: Vec<&'static str>,
    /// The console holds no credentials for the account (under OAM: no `role_arn`): its
    /// configuration, not a failure of this read.
    pub without_credentials: bool,
}

/// The four lists an account's Studio is read with.
pub const LISTS: [&str; 4] = ["ListDomains", "ListUserProfiles", "ListSpaces", "ListApps"];

/// Why an app stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attention {
    Failed,
    /// InService for this many seconds, beyond the idle bound.
    LongRunning(i64),
}

impl AccountStudio {
    /// An account that could not be read, and why.
    pub fn unreadable(account_id: &str, why: impl Into<String>) -> Self {
        Self {
            account_id: account_id.to_owned(),
            domains: Vec::new(),
            user_profiles: 0,
            spaces: 0,
            apps: Vec::new(),
            unreadable: Some(why.into()),
            failed: LISTS.to_vec(),
            without_credentials: false,
        }
    }

    /// Whether `list` (one of `LISTS`) answered.
    pub fn knows(&self, list: &str) -> bool {
        !self.failed.contains(&list)
    }

    /// Whether any list answered: an answer with nothing read leaves an earlier one shown.
    pub fn read_anything(&self) -> bool {
        self.failed.len() < LISTS.len()
    }

    /// An account the console holds no credentials for, and what to configure.
    pub fn without_credentials(account_id: &str, what_to_add: impl Into<String>) -> Self {
        Self {
            without_credentials: true,
            ..Self::unreadable(account_id, what_to_add)
        }
    }

    /// Apps that still exist: ListApps also lists Deleted ones for a while.
    pub fn live_apps(&self) -> usize {
        self.apps
            .iter()
            .filter(|a| a.status != AppStatus::Deleted)
            .count()
    }

    /// Apps by status word, in a stable order (the snapshot's `apps`).
    pub fn app_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for app in &self.apps {
            *counts.entry(app.status.as_str().to_owned()).or_insert(0) += 1;
        }
        counts
    }

    /// The snapshot's `studio` entry of this account. A count whose list failed is `null`
    /// (not a misleading 0), and `unreadable` says why.
    pub fn snapshot(&self) -> serde_json::Value {
        let known = |list: &str, v: serde_json::Value| {
            if self.knows(list) {
                v
            } else {
                serde_json::Value::Null
            }
        };
        let mut entry = serde_json::json!({
            "account_id": self.account_id,
            "domains": known("ListDomains", self.domains.len().into()),
            "user_profiles": known("ListUserProfiles", self.user_profiles.into()),
            "spaces": known("ListSpaces", self.spaces.into()),
            "apps": known("ListApps", serde_json::json!(self.app_counts())),
        });
        // The Failed apps with why: what a script needs to open a ticket.
        let failed: Vec<serde_json::Value> = self
            .apps
            .iter()
            .filter(|a| a.status == AppStatus::Failed)
            .map(|a| {
                let (kind, owner) = match &a.owner {
                    AppOwner::UserProfile(p) => ("user_profile", p),
                    AppOwner::Space(s) => ("space", s),
                };
                let mut app = serde_json::json!({
                    "domain_id": a.domain_id,
                    kind: owner,
                    "app_type": a.app_type,
                    "name": a.name,
                    "region": a.region,
                    "failure_reason": a.failure_reason,
                });
                if let Some(e) = &a.describe_error {
                    app["describe_error"] = e.as_str().into();
                }
                app
            })
            .collect();
        entry["failed_apps"] = known("ListApps", failed.into());
        if let Some(why) = &self.unreadable {
            entry["unreadable"] = why.as_str().into();
        }
        entry
    }
}

/// The instance type of apps SageMaker runs at no charge (a JupyterServer's).
pub const FREE_INSTANCE: &str = "system";

/// Whether `app` needs attention at `now`: Failed, or InService longer than `idle_after`
/// seconds on an instance that is billed (an app whose creation time is unknown is not
/// called long-running; one on the free `system` instance costs nothing however long).
pub fn attention(app: &StudioApp, now: Epoch, idle_after: i64) -> Option<Attention> {
    match app.status {
        AppStatus::Failed => Some(Attention::Failed),
        AppStatus::InService if app.instance_type.as_deref() == Some(FREE_INSTANCE) => None,
        AppStatus::InService => {
            let age = now - app.created?;
            (age > idle_after).then_some(Attention::LongRunning(age))
        }
        _ => None,
    }
}

impl Sanitize for StudioDomain {
    fn sanitize(&mut self) {
        self.id.sanitize();
        self.name.sanitize();
        self.status.sanitize();
        self.auth_mode.sanitize();
        self.vpc_id.sanitize();
    }
}

impl Sanitize for StudioApp {
    fn sanitize(&mut self) {
        self.domain_id.sanitize();
        match &mut self.owner {
            AppOwner::UserProfile(s) | AppOwner::Space(s) => s.sanitize(),
        }
        self.app_type.sanitize();
        self.name.sanitize();
        if let AppStatus::Other(s) = &mut self.status {
            s.sanitize();
        }
        self.instance_type.sanitize();
        self.failure_reason.sanitize();
        self.describe_error.sanitize();
    }
}

impl Sanitize for AccountStudio {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.domains.sanitize();
        self.apps.sanitize();
        self.unreadable.sanitize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(status: &str, created: Option<Epoch>) -> StudioApp {
        StudioApp {
            domain_id: "d-1".into(),
            owner: AppOwner::UserProfile("alice".into()),
            app_type: "JupyterLab".into(),
            name: "default".into(),
            status: AppStatus::parse(status),
            instance_type: Some("ml.t3.medium".into()),
            created,
            failure_reason: None,
            describe_error: None,
            region: Default::default(),
        }
    }

    #[test]
    fn failed_and_long_running_apps_stand_out() {
        let now = 1_000_000;
        let day = 86_400;
        assert_eq!(
            attention(&app("Failed", None), now, day),
            Some(Attention::Failed)
        );
        assert_eq!(
            attention(&app("InService", Some(now - 2 * day)), now, day),
            Some(Attention::LongRunning(2 * day))
        );
        assert_eq!(attention(&app("InService", Some(now - 60)), now, day), None);
        assert_eq!(attention(&app("InService", None), now, day), None);
        assert_eq!(attention(&app("Pending", Some(0)), now, day), None);
        let mut server = app("InService", Some(now - 40 * day));
        server.instance_type = Some(FREE_INSTANCE.into());
        assert_eq!(
            attention(&server, now, day),
            None,
            "a system instance is free"
        );
    }

    #[test]
    fn the_snapshot_lists_failed_apps_with_their_reason_clean() {
        let mut failed = app("Failed", None);
        failed.failure_reason = Some("ResourceLimitExceeded\u{1b}[2J: quota 0".into());
        let mut unread = app("Failed", None);
        unread.owner = AppOwner::Space("team".into());
        unread.describe_error = Some("AccessDenied on DescribeApp".into());
        let mut s = AccountStudio {
            account_id: "111111111111".into(),
            domains: Vec::new(),
            user_profiles: 1,
            spaces: 1,
            apps: vec![app("InService", None), failed, unread],
            unreadable: None,
            failed: Vec::new(),
            without_credentials: false,
        };
        s.sanitize();
        let json = s.snapshot();
        let apps = json["failed_apps"].as_array().unwrap();
        assert_eq!(apps.len(), 2, "{json}");
        assert_eq!(apps[0]["user_profile"], "alice");
        assert_eq!(
            apps[0]["failure_reason"],
            "ResourceLimitExceeded\u{fffd}[2J: quota 0"
        );
        assert!(apps[0].get("describe_error").is_none());
        assert_eq!(apps[1]["space"], "team");
        assert!(apps[1]["failure_reason"].is_null());
        assert_eq!(apps[1]["describe_error"], "AccessDenied on DescribeApp");
        assert_eq!(
            s.apps[2].why_failed().as_deref(),
            Some("reason not read: AccessDenied on DescribeApp")
        );
        assert_eq!(s.apps[0].why_failed(), None);
        s.failed = vec!["ListApps"];
        assert!(s.snapshot()["failed_apps"].is_null(), "unknown, not none");
    }

    #[test]
    fn the_snapshot_counts_apps_by_status_word() {
        let mut s = AccountStudio {
            account_id: "111111111111".into(),
            domains: vec![StudioDomain {
                id: "d-1".into(),
                name: "research".into(),
                status: "InService".into(),
                auth_mode: "IAM".into(),
                vpc_id: None,
            }],
            user_profiles: 12,
            spaces: 3,
            apps: vec![
                app("InService", None),
                app("InService", None),
                app("Failed", None),
                app("Restarting\u{1b}[2J", None),
            ],
            unreadable: None,
            failed: Vec::new(),
            without_credentials: false,
        };
        s.sanitize();
        let json = s.snapshot();
        assert_eq!(json["domains"], 1);
        assert_eq!(json["user_profiles"], 12);
        assert_eq!(json["apps"]["InService"], 2);
        assert_eq!(json["apps"]["Failed"], 1);
        assert!(json.get("unreadable").is_none());
        let words: Vec<&String> = json["apps"].as_object().unwrap().keys().collect();
        assert!(
            words
                .iter()
                .all(|w| !w.chars().any(crate::sanitize::needs_replacing)),
            "{words:?}"
        );
        let no_role = AccountStudio::unreadable("222222222222", "no role").snapshot();
        assert!(no_role["domains"].is_null());
        assert_eq!(no_role["unreadable"], "no role");
        // Spaces unknown, the rest as read.
        s.failed = vec!["ListSpaces"];
        s.unreadable = Some("AccessDenied on ListSpaces".into());
        let partial = s.snapshot();
        assert!(partial["spaces"].is_null());
        assert_eq!(partial["user_profiles"], 12);
        assert_eq!(partial["apps"]["Failed"], 1);
        assert_eq!(partial["unreadable"], "AccessDenied on ListSpaces");
    }
}
