//! Studio through the AWS source on the SDK's own mock layer (aws-smithy-mocks): moto serves
//! Studio's domains only. Real SageMaker clients, real paginators; answers from rules that
//! also count what reached them.
//! - user profiles, spaces and apps over two pages each, every field mapped, both owners;
//! - AccessDenied in one account is that account's row, the other still reads;
//! - an OAM account without a role is unreadable and nothing is sent;
//! - DescribeDomain again only when ListDomains' LastModifiedTime changed; a failing one
//!   keeps the domain with auth mode and VPC unknown;
//! - hostile names and statuses come out clean;
//! - the calls a Studio refresh costs for 10 accounts, first and steady;
//! - DescribeApp for Failed apps only, once per app across refreshes, its FailureReason
//!   clean; a denied DescribeApp keeps the app listed and says why its reason is missing.

mod support;

use aws_sdk_sagemaker::operation::describe_app::{DescribeAppError, DescribeAppOutput};
use aws_sdk_sagemaker::operation::describe_domain::{DescribeDomainError, DescribeDomainOutput};
use aws_sdk_sagemaker::operation::list_apps::{ListAppsError, ListAppsOutput};
use aws_sdk_sagemaker::operation::list_domains::ListDomainsOutput;
use aws_sdk_sagemaker::operation::list_spaces::ListSpacesOutput;
use aws_sdk_sagemaker::operation::list_user_profiles::ListUserProfilesOutput;
use aws_sdk_sagemaker::types::{
    AppDetails, AppInstanceType, AppStatus as SmAppStatus, AppType, AuthMode, DomainDetails,
    DomainStatus, ResourceSpec, SpaceDetails, UserProfileDetails,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use sagewatch::sanitize::needs_replacing;
use sagewatch::source::FleetSource;
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::Identity;
use sagewatch::source::studio::{AccountStudio, AppOwner, AppStatus, StudioSource};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";
const STAGING: &str = "222222222222";
const CREATED: i64 = 1_700_000_000;

fn identity() -> Identity {
    support::mocks::identity(MONITORING)
}

/// One account's clients, SageMaker on these rules, behind the read-only guard as
/// `connect` installs it in read-only mode (Studio only reads: nothing may be refused).
fn clients(rules: &[&Rule]) -> AccountClients {
    let none: &[&Rule] = &[];
    AccountClients {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, none),
        sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, rules, |c| c
            .interceptor(ReadOnlyGuard)),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, none),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    }
}

fn source(
    topology: Topology,
    home: AccountClients,
    accounts: Vec<(&str, AccountClients)>,
) -> AwsSource {
    let configured = accounts
        .iter()
        .map(|(id, _)| support::mocks::role_account(id))
        .collect();
    AwsSource::from_clients(
        identity(),
        topology,
        home,
        accounts
            .into_iter()
            .map(|(id, c)| (id.to_owned(), c))
            .collect(),
        configured,
        Health::default(),
    )
}

fn fanout(accounts: Vec<(&str, AccountClients)>) -> AwsSource {
    source(Topology::Fanout, clients(&[]), accounts)
}

fn domain(id: &str, name: &str, modified: i64) -> DomainDetails {
    DomainDetails::builder()
        .domain_id(id)
        .domain_name(name)
        .domain_arn(format!("arn:aws:sagemaker:eu-west-1:{PROD}:domain/{id}"))
        .status(DomainStatus::InService)
        .creation_time(DateTime::from_secs(CREATED))
        .last_modified_time(DateTime::from_secs(modified))
        .build()
}

/// ListDomains: these domains, each with its LastModifiedTime read at call time.
fn list_domains(domains: Vec<(&'static str, &'static str, Arc<AtomicI64>)>) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_domains).then_output(move || {
        ListDomainsOutput::builder()
            .set_domains(Some(
                domains
                    .iter()
                    .map(|(id, name, t)| domain(id, name, t.load(Ordering::SeqCst)))
                    .collect(),
            ))
            .build()
    })
}

fn two_domains() -> Rule {
    list_domains(vec![
        ("d-research", "research", Arc::new(AtomicI64::new(CREATED))),
        ("d-fraud", "fraud", Arc::new(AtomicI64::new(CREATED))),
    ])
}

fn describe_domain() -> Rule {
    mock!(aws_sdk_sagemaker::Client::describe_domain).then_compute_output(|r| {
        let id = r.domain_id().unwrap_or_default();
        DescribeDomainOutput::builder()
            .domain_id(id)
            .status(DomainStatus::InService)
            .auth_mode(if id == "d-fraud" {
                AuthMode::Sso
            } else {
                AuthMode::Iam
            })
            .vpc_id(format!("vpc-{id}"))
            .last_modified_time(DateTime::from_secs(CREATED))
            .build()
    })
}

fn profile(name: &str) -> UserProfileDetails {
    UserProfileDetails::builder()
        .domain_id("d-research")
        .user_profile_name(name)
        .build()
}

fn space(name: &str) -> SpaceDetails {
    SpaceDetails::builder()
        .domain_id("d-research")
        .space_name(name)
        .build()
}

fn profiles_page(names: &'static [&'static str], next: Option<&'static str>) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_user_profiles).then_output(move || {
        ListUserProfilesOutput::builder()
            .set_user_profiles(Some(names.iter().map(|n| profile(n)).collect()))
            .set_next_token(next.map(str::to_owned))
            .build()
    })
}

fn one_page_profiles(names: &'static [&'static str]) -> Rule {
    profiles_page(names, None)
}

fn one_page_spaces(names: &'static [&'static str]) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_spaces).then_output(move || {
        ListSpacesOutput::builder()
            .set_spaces(Some(names.iter().map(|n| space(n)).collect()))
            .build()
    })
}

fn user_app(name: &str, kind: &str, status: SmAppStatus) -> AppDetails {
    AppDetails::builder()
        .domain_id("d-research")
        .user_profile_name("alice")
        .app_type(AppType::from(kind))
        .app_name(name)
        .status(status)
        .creation_time(DateTime::from_secs(CREATED))
        .resource_spec(
            ResourceSpec::builder()
                .instance_type(AppInstanceType::from("ml.t3.medium"))
                .build(),
        )
        .build()
}

fn space_app(name: &str, kind: &str, status: SmAppStatus) -> AppDetails {
    AppDetails::builder()
        .domain_id("d-fraud")
        .space_name("team-space")
        .app_type(AppType::from(kind))
        .app_name(name)
        .status(status)
        .creation_time(DateTime::from_secs(CREATED + 60))
        .build()
}

fn one_page_apps(apps: fn() -> Vec<AppDetails>) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_apps)
        .then_output(move || ListAppsOutput::builder().set_apps(Some(apps())).build())
}

fn two_apps() -> Vec<AppDetails> {
    vec![
        user_app("default", "JupyterLab", SmAppStatus::InService),
        space_app("editor", "CodeEditor", SmAppStatus::Pending),
    ]
}

fn service_error(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

/// Every rule of a readable account: two domains, three profiles, one space, two apps,
/// one page each.
fn readable() -> Vec<Rule> {
    vec![
        two_domains(),
        describe_domain(),
        one_page_profiles(&["alice", "bob", "carol"]),
        one_page_spaces(&["team-space"]),
        one_page_apps(two_apps),
    ]
}

fn refs(rules: &[Rule]) -> Vec<&Rule> {
    rules.iter().collect()
}

fn calls(rules: &[Rule]) -> usize {
    rules.iter().map(Rule::num_calls).sum()
}

fn assert_clean(s: &AccountStudio) {
    let mut texts: Vec<&str> = vec![&s.account_id];
    texts.extend(s.unreadable.as_deref());
    for d in &s.domains {
        texts.extend([d.id.as_str(), &d.name, &d.status, &d.auth_mode]);
        texts.extend(d.vpc_id.as_deref());
    }
    for a in &s.apps {
        texts.extend([
            a.domain_id.as_str(),
            &a.app_type,
            &a.name,
            a.status.as_str(),
        ]);
        texts.extend(a.instance_type.as_deref());
        match &a.owner {
            AppOwner::UserProfile(o) | AppOwner::Space(o) => texts.push(o),
        }
    }
    for t in texts {
        assert!(!t.chars().any(needs_replacing), "unsafe text: {t:?}");
    }
}

#[tokio::test]
async fn profiles_spaces_and_apps_are_read_over_every_page_with_their_fields() {
    let profiles_1 = mock!(aws_sdk_sagemaker::Client::list_user_profiles)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(100))
        .then_output(|| {
            ListUserProfilesOutput::builder()
                .user_profiles(profile("alice"))
                .user_profiles(profile("bob"))
                .next_token("profiles-2")
                .build()
        });
    let profiles_2 = mock!(aws_sdk_sagemaker::Client::list_user_profiles)
        .match_requests(|r| r.next_token() == Some("profiles-2"))
        .then_output(|| {
            ListUserProfilesOutput::builder()
                .user_profiles(profile("carol"))
                .build()
        });
    let spaces_1 = mock!(aws_sdk_sagemaker::Client::list_spaces)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            ListSpacesOutput::builder()
                .spaces(space("team-space"))
                .next_token("spaces-2")
                .build()
        });
    let spaces_2 = mock!(aws_sdk_sagemaker::Client::list_spaces)
        .match_requests(|r| r.next_token() == Some("spaces-2"))
        .then_output(|| {
            ListSpacesOutput::builder()
                .spaces(space("shared"))
                .spaces(space("scratch"))
                .build()
        });
    // Every app of every domain: no domain filter, SageMaker's largest page.
    let apps_1 = mock!(aws_sdk_sagemaker::Client::list_apps)
        .match_requests(|r| {
            r.next_token().is_none()
                && r.max_results() == Some(100)
                && r.domain_id_equals().is_none()
        })
        .then_output(|| {
            ListAppsOutput::builder()
                .apps(user_app("default", "JupyterLab", SmAppStatus::InService))
                .apps(space_app("editor", "CodeEditor", SmAppStatus::Pending))
                .next_token("apps-2")
                .build()
        });
    let apps_2 = mock!(aws_sdk_sagemaker::Client::list_apps)
        .match_requests(|r| r.next_token() == Some("apps-2") && r.max_results() == Some(100))
        .then_output(|| {
            ListAppsOutput::builder()
                .apps(user_app(
                    "datascience-1",
                    "KernelGateway",
                    SmAppStatus::Failed,
                ))
                .apps(
                    AppDetails::builder()
                        .domain_id("d-research")
                        .user_profile_name("bob")
                        .app_type(AppType::from("JupyterServer"))
                        .app_name("default")
                        .status(SmAppStatus::from("Restarting"))
                        .build(),
                )
                .build()
        });
    // Only the Failed app is described.
    let describe_app = mock!(aws_sdk_sagemaker::Client::describe_app)
        .match_requests(|r| r.app_name() == Some("datascience-1"))
        .then_output(|| {
            DescribeAppOutput::builder()
                .failure_reason("InsufficientCapacityError: no ml.t3.medium capacity")
                .build()
        });
    let rules = vec![
        two_domains(),
        describe_domain(),
        profiles_1,
        profiles_2,
        spaces_1,
        spaces_2,
        apps_1,
        apps_2,
        describe_app,
    ];
    let studio = fanout(vec![(PROD, clients(&refs(&rules)))]);
    let s = studio.studio().expect("the AWS source reads Studio");
    let prod = s.account_studio(PROD).await;

    assert_eq!(prod.unreadable, None);
    assert_eq!(prod.account_id, PROD);
    assert_eq!(prod.user_profiles, 3, "both pages counted");
    assert_eq!(prod.spaces, 3, "both pages counted");
    for r in &rules[2..] {
        assert_eq!(r.num_calls(), 1, "each page read once");
    }

    assert_eq!(prod.domains.len(), 2);
    let research = &prod.domains[0];
    assert_eq!(
        (
            research.id.as_str(),
            research.name.as_str(),
            research.status.as_str()
        ),
        ("d-research", "research", "InService")
    );
    assert_eq!(research.auth_mode, "IAM");
    assert_eq!(research.vpc_id.as_deref(), Some("vpc-d-research"));
    assert_eq!(prod.domains[1].auth_mode, "SSO");

    assert_eq!(prod.apps.len(), 4, "both pages of apps: {:?}", prod.apps);
    let lab = &prod.apps[0];
    assert_eq!(lab.domain_id, "d-research");
    assert_eq!(lab.owner, AppOwner::UserProfile("alice".into()));
    assert_eq!(lab.app_type, "JupyterLab");
    assert_eq!(lab.name, "default");
    assert_eq!(lab.status, AppStatus::InService);
    assert_eq!(lab.instance_type.as_deref(), Some("ml.t3.medium"));
    assert_eq!(lab.created, Some(CREATED));

    let editor = &prod.apps[1];
    assert_eq!(editor.owner, AppOwner::Space("team-space".into()));
    assert_eq!(editor.app_type, "CodeEditor");
    assert_eq!(editor.status, AppStatus::Pending);
    assert_eq!(editor.instance_type, None);
    assert_eq!(editor.created, Some(CREATED + 60));

    assert_eq!(prod.apps[2].status, AppStatus::Failed);
    assert_eq!(prod.apps[2].app_type, "KernelGateway");
    assert_eq!(
        prod.apps[2].failure_reason.as_deref(),
        Some("InsufficientCapacityError: no ml.t3.medium capacity")
    );
    assert_eq!(prod.apps[0].failure_reason, None);
    // A status this version does not know keeps its word; no creation time stays unknown.
    assert_eq!(prod.apps[3].status, AppStatus::Other("Restarting".into()));
    assert_eq!(prod.apps[3].owner, AppOwner::UserProfile("bob".into()));
    assert_eq!(prod.apps[3].created, None);

    assert!(
        studio.health().problems.is_empty(),
        "{:?}",
        studio.health().problems
    );
}

#[tokio::test]
async fn access_denied_in_one_account_is_its_row_and_the_other_account_reads() {
    let denied = mock!(aws_sdk_sagemaker::Client::list_apps).then_error(|| {
        ListAppsError::generic(service_error(
            "AccessDeniedException",
            "User: arn:aws:sts::111111111111:assumed-role/Reader/x is not authorized to \
             perform: sagemaker:ListApps because no identity-based policy allows it",
        ))
    });
    let prod_rules = vec![
        two_domains(),
        describe_domain(),
        one_page_profiles(&["alice"]),
        one_page_spaces(&[]),
        denied,
    ];
    let staging_rules = readable();
    let studio = fanout(vec![
        (PROD, clients(&refs(&prod_rules))),
        (STAGING, clients(&refs(&staging_rules))),
    ]);
    let (prod, staging) = tokio::join!(studio.account_studio(PROD), studio.account_studio(STAGING));

    let why = prod.unreadable.as_deref().expect("PROD is unreadable");
    assert!(why.starts_with("AccessDenied on ListApps: User: "), "{why}");
    assert!(why.contains("sagemaker:ListApps"), "{why}");
    assert!(
        !why.contains('\n') && why.chars().count() <= 160,
        "one row: {why}"
    );
    // What answered is kept; the apps' count is unknown, not 0.
    assert_eq!(prod.failed, ["ListApps"]);
    assert_eq!((prod.domains.len(), prod.user_profiles), (2, 1));
    assert!(prod.apps.is_empty());
    let entry = prod.snapshot();
    assert!(entry["apps"].is_null(), "no count, not 0: {entry}");
    assert_eq!(entry["user_profiles"], 1);
    assert_eq!(entry["domains"], 2);

    assert_eq!(staging.unreadable, None);
    assert_eq!(staging.domains.len(), 2);
    assert_eq!(staging.user_profiles, 3);
    assert_eq!(staging.spaces, 1);
    assert_eq!(staging.apps.len(), 2);

    // The row says it; the status bar is left to the calls that run whatever is on screen.
    assert!(studio.health().problems.is_empty());
}

#[tokio::test]
async fn an_oam_account_without_a_role_is_unreadable_and_nothing_is_sent() {
    let home_rules = readable();
    let studio = source(
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        clients(&refs(&home_rules)),
        Vec::new(),
    );
    let staging = studio.account_studio(STAGING).await;
    let why = staging.unreadable.as_deref().expect("no role: unreadable");
    assert!(
        why.starts_with("no role: OAM does not share SageMaker"),
        "{why}"
    );
    assert!(why.contains("role_arn") && why.contains(STAGING), "{why}");
    assert_eq!(
        calls(&home_rules),
        0,
        "no call for an account without a role"
    );
    assert!(studio.health().problems.is_empty());

    // The monitoring account itself is read with the console's own credentials.
    let home = studio.account_studio(MONITORING).await;
    assert_eq!(home.unreadable, None);
    assert_eq!(home.domains.len(), 2);
}

#[tokio::test]
async fn describe_domain_is_repeated_only_when_the_domain_changed() {
    let research = Arc::new(AtomicI64::new(CREATED));
    let fraud = Arc::new(AtomicI64::new(CREATED));
    let describe = describe_domain();
    let rules = vec![
        list_domains(vec![
            ("d-research", "research", Arc::clone(&research)),
            ("d-fraud", "fraud", Arc::clone(&fraud)),
        ]),
        one_page_profiles(&["alice"]),
        one_page_spaces(&[]),
        one_page_apps(two_apps),
    ];
    let mut all = refs(&rules);
    all.push(&describe);
    let studio = fanout(vec![(PROD, clients(&all))]);

    let first = studio.account_studio(PROD).await;
    assert_eq!(describe.num_calls(), 2, "every new domain is described");
    let second = studio.account_studio(PROD).await;
    assert_eq!(describe.num_calls(), 2, "unchanged: not described again");
    assert_eq!(first, second, "the cached description reads the same");
    assert_eq!(second.domains[1].auth_mode, "SSO");

    fraud.store(CREATED + 300, Ordering::SeqCst);
    studio.account_studio(PROD).await;
    assert_eq!(describe.num_calls(), 3, "the changed domain only, once");
    studio.account_studio(PROD).await;
    assert_eq!(describe.num_calls(), 3);
    assert_eq!(rules[0].num_calls(), 4, "ListDomains on every refresh");
}

#[tokio::test]
async fn a_failing_describe_domain_keeps_the_domain_with_auth_and_vpc_unknown() {
    let failing = mock!(aws_sdk_sagemaker::Client::describe_domain)
        .match_requests(|r| r.domain_id() == Some("d-fraud"))
        .then_error(|| DescribeDomainError::generic(service_error("ValidationException", "boom")));
    let rules = vec![
        failing,
        two_domains(),
        describe_domain(),
        one_page_profiles(&["alice"]),
        one_page_spaces(&[]),
        one_page_apps(two_apps),
    ];
    let studio = fanout(vec![(PROD, clients(&refs(&rules)))]);
    let prod = studio.account_studio(PROD).await;
    assert_eq!(prod.unreadable, None, "the account still reads");
    let fraud = &prod.domains[1];
    assert_eq!(fraud.id, "d-fraud");
    assert_eq!(fraud.status, "InService", "from ListDomains");
    assert_eq!(fraud.auth_mode, "");
    assert_eq!(fraud.vpc_id, None);
    assert_eq!(prod.domains[0].auth_mode, "IAM");
    assert!(studio.health().problems.is_empty(), "the row is enough");
    // Not remembered: tried again on the next refresh (and the research domain is not).
    studio.account_studio(PROD).await;
    assert_eq!(rules[0].num_calls(), 2);
    assert_eq!(rules[2].num_calls(), 1);
}

#[tokio::test]
async fn hostile_names_and_statuses_come_out_clean() {
    let domains = mock!(aws_sdk_sagemaker::Client::list_domains).then_output(|| {
        ListDomainsOutput::builder()
            .domains(
                DomainDetails::builder()
                    .domain_id("d-\u{1b}[2Jevil")
                    .domain_name("research\u{202e}gnp.exe")
                    .status(DomainStatus::from("Updating\u{7}"))
                    .last_modified_time(DateTime::from_secs(CREATED))
                    .build(),
            )
            .build()
    });
    let describe = mock!(aws_sdk_sagemaker::Client::describe_domain).then_output(|| {
        DescribeDomainOutput::builder()
            .auth_mode(AuthMode::from("IAM\u{9b}31m"))
            .vpc_id("vpc-\u{1b}]0;owned\u{7}")
            .build()
    });
    let apps = mock!(aws_sdk_sagemaker::Client::list_apps).then_output(|| {
        ListAppsOutput::builder()
            .apps(
                AppDetails::builder()
                    .domain_id("d-\u{1b}[2Jevil")
                    .space_name("space\u{1b}[31m")
                    .app_type(AppType::from("Jupyter\u{1b}[1mLab"))
                    .app_name("evil\u{1b}[2J\u{9b}31mname\nline")
                    .status(SmAppStatus::from("Restarting\u{1b}]0;owned\u{7}"))
                    .resource_spec(
                        ResourceSpec::builder()
                            .instance_type(AppInstanceType::from("ml.\u{1b}[5mt3"))
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let rules = vec![
        domains,
        describe,
        one_page_profiles(&["alice"]),
        one_page_spaces(&[]),
        apps,
    ];
    let studio = fanout(vec![(PROD, clients(&refs(&rules)))]);
    let prod = studio.account_studio(PROD).await;
    assert_eq!(prod.unreadable, None);
    assert_eq!(prod.apps.len(), 1);
    assert_clean(&prod);
    assert!(matches!(&prod.apps[0].status, AppStatus::Other(s) if s.starts_with("Restarting")));
    assert!(prod.apps[0].name.starts_with("evil") && prod.apps[0].name.ends_with("name line"));
    for word in prod.app_counts().keys() {
        assert!(!word.chars().any(needs_replacing), "{word:?}");
    }

    // An AWS message with control characters in it is a clean row too.
    let denied = mock!(aws_sdk_sagemaker::Client::list_apps).then_error(|| {
        ListAppsError::generic(service_error(
            "AccessDeniedException",
            "denied \u{1b}[2J\u{1b}]0;owned\u{7}\nsecond line",
        ))
    });
    let rules = vec![
        two_domains(),
        describe_domain(),
        one_page_profiles(&[]),
        one_page_spaces(&[]),
        denied,
    ];
    let studio = fanout(vec![(PROD, clients(&refs(&rules)))]);
    let prod = studio.account_studio(PROD).await;
    let why = prod.unreadable.as_deref().expect("denied");
    assert!(
        why.starts_with("AccessDenied on ListApps: denied "),
        "{why}"
    );
    assert_clean(&prod);
}

/// The closing note quotes these: one Studio refresh of 10 accounts in fan-out, 2
/// domains each, every list one page.
#[tokio::test]
async fn calls_per_refresh_for_ten_accounts() {
    let rules = readable();
    let ids: Vec<String> = (1..=10)
        .map(|i| format!("{:012}", 300_000_000_000u64 + i))
        .collect();
    let studio = fanout(
        ids.iter()
            .map(|id| (id.as_str(), clients(&refs(&rules))))
            .collect(),
    );
    let refresh = || futures::future::join_all(ids.iter().map(|id| studio.account_studio(id)));

    let first = refresh().await;
    assert!(
        first
            .iter()
            .all(|s| s.unreadable.is_none() && s.domains.len() == 2)
    );
    let first_calls = calls(&rules);
    let first_describes = rules[1].num_calls();

    let steady = refresh().await;
    assert_eq!(first, steady);
    let steady_calls = calls(&rules) - first_calls;
    let steady_describes = rules[1].num_calls() - first_describes;

    println!(
        "Studio refresh, 10 accounts x 2 domains, one page per list: first {first_calls} calls \
         ({first_describes} DescribeDomain), steady {steady_calls} calls ({steady_describes} \
         DescribeDomain)"
    );
    assert_eq!(first_calls, 10 * (4 + 2));
    assert_eq!(first_describes, 20);
    assert_eq!(steady_calls, 10 * 4);
    assert_eq!(steady_describes, 0);
}

#[tokio::test]
async fn a_failed_app_is_described_once_an_in_service_one_never_and_a_denied_one_stays() {
    fn apps() -> Vec<AppDetails> {
        vec![
            user_app("default", "JupyterLab", SmAppStatus::Failed),
            user_app("busy", "CodeEditor", SmAppStatus::InService),
            space_app("editor", "CodeEditor", SmAppStatus::Failed),
        ]
    }
    let failed = mock!(aws_sdk_sagemaker::Client::describe_app)
        .match_requests(|r| {
            r.domain_id() == Some("d-research")
                && r.user_profile_name() == Some("alice")
                && r.app_type().map(|t| t.as_str()) == Some("JupyterLab")
                && r.app_name() == Some("default")
                && r.space_name().is_none()
        })
        .then_output(|| {
            DescribeAppOutput::builder()
                .status(SmAppStatus::Failed)
                .failure_reason(
                    "ResourceLimitExceeded: The account-level service limit 'Studio \
                     JupyterLab Apps running on ml.p3.2xlarge instance' is 0 Apps\u{1b}[2J",
                )
                .build()
        });
    let in_service = mock!(aws_sdk_sagemaker::Client::describe_app)
        .match_requests(|r| r.app_name() == Some("busy"))
        .then_output(|| DescribeAppOutput::builder().build());
    let denied = mock!(aws_sdk_sagemaker::Client::describe_app)
        .match_requests(|r| r.space_name() == Some("team-space") && r.app_name() == Some("editor"))
        .then_error(|| {
            DescribeAppError::generic(service_error(
                "AccessDeniedException",
                "User: arn:aws:sts::111111111111:assumed-role/Reader/x is not authorized to \
                 perform: sagemaker:DescribeApp",
            ))
        });
    let rules = vec![
        two_domains(),
        describe_domain(),
        one_page_profiles(&["alice"]),
        one_page_spaces(&["team-space"]),
        one_page_apps(apps),
        failed,
        in_service,
        denied,
    ];
    let studio = fanout(vec![(PROD, clients(&refs(&rules)))]);
    let first = studio.account_studio(PROD).await;
    let second = studio.account_studio(PROD).await;
    assert_eq!(rules[4].num_calls(), 2, "two refreshes");
    assert_eq!(rules[5].num_calls(), 1, "a Failed app is described once");
    assert_eq!(rules[6].num_calls(), 0, "an InService app never");
    assert_eq!(rules[7].num_calls(), 2, "a denied describe is tried again");

    for s in [&first, &second] {
        assert_eq!(s.unreadable, None, "the account reads: {:?}", s.unreadable);
        assert_eq!(s.apps.len(), 3, "every app stays listed");
        let lab = &s.apps[0];
        let reason = lab.failure_reason.as_deref().expect("its reason");
        assert!(reason.starts_with("ResourceLimitExceeded: "), "{reason}");
        assert!(!reason.chars().any(needs_replacing), "{reason:?}");
        assert_eq!(lab.describe_error, None);
        assert_eq!(
            (
                s.apps[1].failure_reason.as_ref(),
                s.apps[1].describe_error.as_ref()
            ),
            (None, None)
        );
        let space = &s.apps[2];
        assert_eq!(space.status, AppStatus::Failed);
        assert_eq!(space.failure_reason, None);
        let why = space
            .describe_error
            .as_deref()
            .expect("why the reason is missing");
        assert!(why.starts_with("AccessDenied on DescribeApp: "), "{why}");
        assert_eq!(
            space.why_failed().as_deref(),
            Some(format!("reason not read: {why}").as_str())
        );
        let entry = s.snapshot();
        let listed = entry["failed_apps"].as_array().unwrap();
        assert_eq!(listed.len(), 2, "{entry}");
        assert_eq!(listed[0]["failure_reason"], reason);
        assert!(listed[1]["failure_reason"].is_null());
        assert_eq!(listed[1]["space"], "team-space");
        assert_clean(s);
    }
    // Said on the app, not on the status bar.
    assert!(studio.health().problems.is_empty());
}
