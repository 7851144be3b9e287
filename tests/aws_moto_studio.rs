//! Studio's domains through the AWS source against moto, in a source account reached
//! through a role assumed with moto's STS (so the domains are not in moto's default account):
//! - ListDomains and DescribeDomain give both seeded domains with status, auth mode and VPC,
//!   and the descriptions are remembered for the next refresh;
//! - the whole account through a fan-out `AwsSource`: moto 5.2.5 serves CreateDomain,
//!   ListDomains and DescribeDomain but not ListUserProfiles, ListSpaces or ListApps (nor
//!   CreateUserProfile, CreateSpace, CreateApp): it answers them with an HTML 500. Those
//!   lists are covered by `aws_studio_mocks`; here the account must come back as a row that
//!   says which call failed, not as a panic or an error for the whole view.

mod support;

use aws_sdk_sagemaker::types::{AuthMode, UserSettings};
use sagewatch::sanitize::needs_replacing;
use sagewatch::source::FleetSource;
use sagewatch::source::aws::studio::{DomainCache, domains};
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::Identity;
use sagewatch::source::studio::StudioDomain;
use std::collections::HashMap;
use support::emulators::{self, MOTO_ACCOUNT};

/// A region and an account no other test seeds in this moto.
const REGION: &str = "eu-south-2";
const PROD: &str = "131313131313";

/// Names of this run's own: a developer's moto outlives a run, and moto refuses a second
/// domain of the same name.
fn tagged(name: &str) -> String {
    format!("{name}-{}", std::process::id())
}

fn clients(cfg: &aws_config::SdkConfig) -> AccountClients {
    AccountClients {
        cloudwatch: aws_sdk_cloudwatch::Client::new(cfg),
        sagemaker: aws_sdk_sagemaker::Client::new(cfg),
        s3: aws_sdk_s3::Client::new(cfg),
        scaling: aws_sdk_applicationautoscaling::Client::new(cfg),
    }
}

/// The monitoring account is moto's default; PROD is read through a role assumed with
/// moto's STS (moto files the role's calls under PROD).
async fn configs(moto: &str) -> (aws_config::SdkConfig, aws_config::SdkConfig) {
    let base = emulators::config(moto, "AKIDMONITORING", REGION).await;
    let prod = emulators::assume(&base, &format!("arn:aws:iam::{PROD}:role/studio-reader")).await;
    (base, prod)
}

/// Two domains in PROD, one IAM, one SSO, each in a VPC of its own; their names.
async fn seed(prod: &aws_config::SdkConfig, tag: &str) -> (String, String) {
    let sm = aws_sdk_sagemaker::Client::new(prod);
    let research = tagged(&format!("{tag}-research"));
    let fraud = tagged(&format!("{tag}-fraud"));
    for (name, auth, vpc) in [
        (&research, AuthMode::Iam, "vpc-0research"),
        (&fraud, AuthMode::Sso, "vpc-0fraud"),
    ] {
        sm.create_domain()
            .domain_name(name)
            .auth_mode(auth)
            .default_user_settings(
                UserSettings::builder()
                    .execution_role(format!("arn:aws:iam::{PROD}:role/studio-exec"))
                    .build(),
            )
            .subnet_ids("subnet-0a")
            .vpc_id(vpc)
            .send()
            .await
            .expect("CreateDomain on moto");
    }
    (research, fraud)
}

fn named<'a>(domains: &'a [StudioDomain], name: &str) -> &'a StudioDomain {
    domains
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("{name} not among {domains:?}"))
}

#[tokio::test]
async fn both_domains_come_with_status_auth_mode_and_vpc() {
    let Some(moto) = emulators::moto() else {
        return;
    };
    let (base, prod) = configs(&moto).await;
    let (research, fraud) = seed(&prod, "domains").await;
    let sm = aws_sdk_sagemaker::Client::new(&prod);
    let cache = DomainCache::default();

    let listed = domains(&sm, PROD, &cache).await.expect("ListDomains");
    let r = named(&listed, &research);
    assert!(r.id.starts_with("d-"), "{r:?}");
    assert_eq!(r.status, "InService");
    assert_eq!(r.auth_mode, "IAM");
    assert_eq!(r.vpc_id.as_deref(), Some("vpc-0research"));
    let f = named(&listed, &fraud);
    assert_eq!(f.status, "InService");
    assert_eq!(f.auth_mode, "SSO");
    assert_eq!(f.vpc_id.as_deref(), Some("vpc-0fraud"));
    // Every domain of the account was described and is remembered for the next refresh.
    assert_eq!(cache.len(), listed.len());
    let again = domains(&sm, PROD, &cache).await.expect("ListDomains");
    assert_eq!(named(&again, &fraud), f);

    // The domains are PROD's: the monitoring account's own credentials do not see them.
    let home = aws_sdk_sagemaker::Client::new(&base);
    let theirs = domains(&home, MOTO_ACCOUNT, &DomainCache::default())
        .await
        .expect("ListDomains");
    assert!(
        theirs.iter().all(|d| d.name != research && d.name != fraud),
        "{theirs:?}"
    );
}

#[tokio::test]
async fn an_account_moto_cannot_list_fully_is_a_row_that_says_why() {
    let Some(moto) = emulators::moto() else {
        return;
    };
    let (base, prod) = configs(&moto).await;
    seed(&prod, "account").await;
    let source = AwsSource::from_clients(
        Identity {
            account_id: MOTO_ACCOUNT.into(),
            arn: format!("arn:aws:iam::{MOTO_ACCOUNT}:user/on-call"),
            region: REGION.into(),
        },
        Topology::Fanout,
        clients(&base),
        HashMap::from([(PROD.to_owned(), clients(&prod))]),
        vec![sagewatch::config::AccountConfig {
            id: PROD.into(),
            label: None,
            role_arn: Some(format!("arn:aws:iam::{PROD}:role/studio-reader")),
            profile: None,
            exclude: false,
        }],
        Health::default(),
    );
    let studio = source.studio().expect("the AWS source reads Studio");
    let account = studio.account_studio(PROD).await;
    // moto 5.2.5 answers ListUserProfiles, ListSpaces and ListApps with an HTML 500: should
    // a later moto serve them, this account reads and the test should seed them instead.
    let why = account
        .unreadable
        .as_deref()
        .expect("moto 5.2.5 serves no ListUserProfiles/ListSpaces/ListApps");
    assert!(
        ["ListUserProfiles", "ListSpaces", "ListApps"]
            .iter()
            .any(|op| why.contains(op)),
        "{why}"
    );
    assert!(why.contains("more failing"), "all three fail: {why}");
    assert!(
        !why.chars().any(needs_replacing) && why.chars().count() <= 160,
        "{why}"
    );
    // ListDomains answered: what it listed is kept, the other counts unknown.
    assert_eq!(
        account.failed,
        ["ListUserProfiles", "ListSpaces", "ListApps"]
    );
    assert!(account.apps.is_empty());
    assert!(account.snapshot()["user_profiles"].is_null());
    // The row says it all; Studio's failures stay off the status bar (its calls run only
    // while its view is shown, so a failure there would outlive the view).
    assert!(
        source.health().problems.is_empty(),
        "{:?}",
        source.health().problems
    );
}
