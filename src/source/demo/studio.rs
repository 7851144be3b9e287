//! The demo organisation's SageMaker Studio: two domains (prod's SSO platform, staging's IAM
//! research domain), a dozen user profiles, shared spaces, and apps in every status: a
//! Failed one, one Pending, one Deleting, and a GPU notebook left InService for days (the
//! idle spend the view is there to catch). The test account has no role, as under OAM, so
//! its row says why it cannot be read. Fixed relative to the story's start: ages grow with
//! the demo clock.

use super::world::{MONITORING_ACCOUNT, World};
use super::{DAY, HOUR, MINUTE};
use crate::source::model::Epoch;
use crate::source::studio::{
    AccountStudio, AppOwner, AppStatus, StudioApp, StudioDomain, StudioSource,
};
use async_trait::async_trait;

/// The account the demo has no role in (its Studio cannot be read, as under OAM).
pub const NO_ROLE_ACCOUNT: &str = "333333333333";

/// (account, domain id, name, auth mode, VPC, user profiles, shared spaces), InService.
#[rustfmt::skip]
const DOMAINS: [(&str, &str, &str, &str, &str, usize, usize); 2] = [
    ("111111111111", "d-prodml7x2k4q", "ml-platform-prod", "SSO", "vpc-0a1b2c3d4e5f60718", 7, 2),
    ("222222222222", "d-research9f3m1", "ml-research", "IAM", "vpc-0f9e8d7c6b5a49382", 5, 1),
];

/// (domain id, owner: a user profile or `space:NAME`, type, name, status, instance type,
/// created: seconds before start).
#[rustfmt::skip]
type AppRow = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, i64);

#[rustfmt::skip]
const APPS: [AppRow; 12] = [
    // prod: the platform team's notebooks.
    ("d-prodml7x2k4q", "alice", "JupyterServer", "default", "InService", "system", 40 * DAY),
    ("d-prodml7x2k4q", "alice", "KernelGateway", "datascience-1-0-ml-g5-2xlarge-3f2a", "InService", "ml.g5.2xlarge", 3 * DAY + 5 * HOUR),
    ("d-prodml7x2k4q", "bob", "JupyterLab", "default", "InService", "ml.t3.medium", 2 * HOUR),
    ("d-prodml7x2k4q", "chen", "CodeEditor", "default", "InService", "ml.m5.large", 26 * HOUR),
    ("d-prodml7x2k4q", "dana", "JupyterLab", "default", "Failed", "ml.p3.2xlarge", 5 * HOUR),
    ("d-prodml7x2k4q", "emeka", "JupyterLab", "default", "Pending", "ml.t3.large", 2 * MINUTE),
    ("d-prodml7x2k4q", "farah", "JupyterLab", "default", "Deleting", "ml.t3.medium", 9 * HOUR),
    ("d-prodml7x2k4q", "space:fraud-team", "JupyterLab", "fraud-investigation", "InService", "ml.m5.xlarge", 50 * MINUTE),
    ("d-prodml7x2k4q", "space:feature-store", "CodeEditor", "default", "Deleted", "ml.t3.medium", 6 * DAY),
    // staging: research.
    ("d-research9f3m1", "hana", "JupyterLab", "default", "InService", "ml.g4dn.xlarge", 11 * HOUR),
    ("d-research9f3m1", "ivan", "KernelGateway", "pytorch-2-1-gpu-ml-p3-2xlarge-9c1e", "Failed", "ml.p3.2xlarge", 3 * HOUR),
    ("d-research9f3m1", "space:llm-evals", "JupyterLab", "eval-harness", "InService", "ml.g5.12xlarge", 2 * DAY),
];

/// One account's Studio as the demo organisation has it at `start`.
pub fn account_studio(world: &World, account_id: &str) -> AccountStudio {
    if account_id != MONITORING_ACCOUNT && !world.accounts.iter().any(|a| a.id == account_id) {
        return AccountStudio::unreadable(account_id, "no such account in the demo organisation");
    }
    sample(account_id, world.start)
}

/// The demo's Studio of one of its accounts (by the demo's account ids), for a story that
/// starts at `start`; the UI's fixtures borrow it. An account it has nothing for has no
/// domain.
pub fn sample(account_id: &str, start: Epoch) -> AccountStudio {
    if account_id == NO_ROLE_ACCOUNT {
        return AccountStudio::without_credentials(
            account_id,
            format!(
                "no role: OAM does not share SageMaker; add role_arn to [[accounts]] id = \"{account_id}\""
            ),
        );
    }
    let domain = DOMAINS.iter().find(|d| d.0 == account_id);
    let app = |&(domain, owner, app_type, name, status, instance, age): &AppRow| StudioApp {
        domain_id: domain.into(),
        owner: match owner.strip_prefix("space:") {
            Some(space) => AppOwner::Space(space.into()),
            None => AppOwner::UserProfile(owner.into()),
        },
        app_type: app_type.into(),
        name: name.into(),
        status: AppStatus::parse(status),
        instance_type: Some(instance.into()),
        created: Some(start - age),
        // What DescribeApp says when the account's quota refuses the instance.
        failure_reason: (status == "Failed").then(|| {
            format!(
                "ResourceLimitExceeded: The account-level service limit 'Studio {app_type} Apps \
                 running on {instance} instance' is 0 Apps, with current utilization of 0 Apps \
                 and a request delta of 1 Apps. Please use AWS Service Quotas to request an \
                 increase for this quota."
            )
        }),
        describe_error: None,
        region: super::world::region_of_account(account_id).into(),
    };
    let apps = APPS.iter().filter(|a| domain.is_some_and(|d| d.1 == a.0));
    AccountStudio {
        account_id: account_id.to_owned(),
        user_profiles: domain.map_or(0, |d| d.5),
        spaces: domain.map_or(0, |d| d.6),
        apps: apps.map(app).collect(),
        domains: (domain.into_iter())
            .map(|&(_, id, name, auth, vpc, ..)| StudioDomain {
                id: id.into(),
                name: name.into(),
                status: "InService".into(),
                auth_mode: auth.into(),
                vpc_id: Some(vpc.into()),
            })
            .collect(),
        unreadable: None,
        failed: Vec::new(),
        without_credentials: false,
    }
}

#[async_trait]
impl StudioSource for super::DemoSource {
    async fn account_studio(&self, account_id: &str) -> AccountStudio {
        account_studio(&self.world, account_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::studio::{Attention, attention};

    fn world() -> World {
        World::new(7, 1_764_151_200, None)
    }

    #[test]
    fn the_organisation_has_two_domains_a_dozen_profiles_and_apps_in_every_status() {
        let world = world();
        let all: Vec<AccountStudio> = std::iter::once(MONITORING_ACCOUNT)
            .chain(world.accounts.iter().map(|a| a.id.as_str()))
            .map(|id| account_studio(&world, id))
            .collect();
        let readable: Vec<&AccountStudio> = all.iter().filter(|s| s.unreadable.is_none()).collect();
        assert_eq!(readable.iter().map(|s| s.domains.len()).sum::<usize>(), 2);
        assert_eq!(readable.iter().map(|s| s.user_profiles).sum::<usize>(), 12);
        let statuses: std::collections::BTreeSet<String> = readable
            .iter()
            .flat_map(|s| s.apps.iter().map(|a| a.status.as_str().to_owned()))
            .collect();
        for word in ["InService", "Pending", "Failed", "Deleting", "Deleted"] {
            assert!(statuses.contains(word), "{word} missing: {statuses:?}");
        }
        let no_role = all
            .iter()
            .find(|s| s.account_id == NO_ROLE_ACCOUNT)
            .expect("the test account is listed");
        assert!(
            no_role
                .unreadable
                .as_deref()
                .unwrap_or("")
                .contains("role_arn")
        );
    }

    #[test]
    fn a_gpu_notebook_left_running_for_days_stands_out() {
        let world = world();
        let prod = account_studio(&world, "111111111111");
        let idle: Vec<&StudioApp> = prod
            .apps
            .iter()
            .filter(|a| {
                matches!(
                    attention(a, world.start, 8 * HOUR),
                    Some(Attention::LongRunning(_))
                )
            })
            .collect();
        assert!(
            idle.iter()
                .any(|a| a.instance_type.as_deref() == Some("ml.g5.2xlarge")),
            "{idle:?}"
        );
        // A notebook started two hours ago is not idle spend yet.
        assert!(
            !idle
                .iter()
                .any(|a| a.created == Some(world.start - 2 * HOUR))
        );
    }

    #[test]
    fn every_failed_app_says_why_and_no_other_does() {
        let world = world();
        let apps: Vec<StudioApp> = world
            .accounts
            .iter()
            .flat_map(|a| account_studio(&world, &a.id).apps)
            .collect();
        let failed: Vec<&StudioApp> = apps
            .iter()
            .filter(|a| a.status == AppStatus::Failed)
            .collect();
        assert_eq!(failed.len(), 2);
        assert!(
            failed.iter().all(|a| a.failure_reason.is_some()),
            "{failed:?}"
        );
        let lab = failed.iter().find(|a| a.app_type == "JupyterLab").unwrap();
        assert!(
            lab.why_failed().unwrap().contains("ResourceLimitExceeded"),
            "a quota message"
        );
        assert!(
            apps.iter()
                .filter(|a| a.status != AppStatus::Failed)
                .all(|a| a.failure_reason.is_none() && a.why_failed().is_none())
        );
    }
}
