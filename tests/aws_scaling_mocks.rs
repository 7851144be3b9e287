//! Endpoint variants' scaling activity (Application Auto Scaling) through the AWS source on
//! the SDK's own mock layer (aws-smithy-mocks): no emulator serves DescribeScalingActivities
//! (moto's application-autoscaling, which LocalStack's community edition also runs, has no
//! scaling activities). Real clients, paginators and serialisation, with the read-only guard
//! installed as `connect` does in read-only mode; answers from rules that count what reached
//! them.
//! - every variant of the endpoint, newest first; other endpoints (one whose name starts the
//!   same), inference components and other dimensions left out;
//! - pages followed by NextToken, no further than `from`, and no more than the bound;
//! - AccessDenied names the IAM action; an OAM account without a role sends nothing;
//! - the endpoint's own account is asked, not the monitoring account;
//! - control characters in the texts come out cleaned.

mod support;

use aws_sdk_applicationautoscaling::operation::describe_scaling_activities::{
    DescribeScalingActivitiesError, DescribeScalingActivitiesInput, DescribeScalingActivitiesOutput,
};
use aws_sdk_applicationautoscaling::types::{
    ScalableDimension, ScalingActivity as AwsActivity, ScalingActivityStatusCode as Code,
    ServiceNamespace,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::aws::scaling::MAX_PAGES;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::{EndpointKey, ScalingActivity, ScalingStatus};
use sagewatch::source::{FleetSource, SourceError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";
/// The window's start: the tape asks from here on.
const FROM: i64 = 1_795_600_000;

/// An account's clients, each with the read-only guard, Application Auto Scaling on `rules`.
fn clients(rules: &[&Rule]) -> AccountClients {
    let none: &[&Rule] = &[];
    AccountClients {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, none, |c| c
            .interceptor(ReadOnlyGuard)),
        sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, none, |c| c
            .interceptor(ReadOnlyGuard)),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, none),
        scaling: mock_client!(
            aws_sdk_applicationautoscaling,
            RuleMode::MatchAny,
            rules,
            |c| c.interceptor(ReadOnlyGuard)
        ),
    }
}

/// An OAM source: the monitoring account's clients, and PROD read through its role when
/// `prod` is given.
fn source(home: AccountClients, prod: Option<AccountClients>) -> AwsSource {
    let configured = prod
        .iter()
        .map(|_| support::mocks::role_account(PROD))
        .collect();
    AwsSource::from_clients(
        support::mocks::identity(MONITORING),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        home,
        prod.into_iter().map(|c| (PROD.to_owned(), c)).collect(),
        configured,
        Health::default(),
    )
}

fn fraud_detector() -> EndpointKey {
    EndpointKey {
        account_id: PROD.into(),
        name: "fraud-detector".into(),
        region: Default::default(),
    }
}

/// An activity of `resource` on a variant's instance count, begun at `at`.
fn activity(resource: &str, at: i64, status: Code) -> AwsActivity {
    activity_of(
        resource,
        ScalableDimension::SageMakerVariantDesiredInstanceCount,
        at,
    )
    .status_code(status.clone())
    .set_end_time((status != Code::InProgress).then(|| DateTime::from_secs(at + 300)))
    .build()
    .expect("every required field")
}

fn activity_of(
    resource: &str,
    dimension: ScalableDimension,
    at: i64,
) -> aws_sdk_applicationautoscaling::types::builders::ScalingActivityBuilder {
    AwsActivity::builder()
        .activity_id(format!("{resource}-{at}"))
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id(resource)
        .scalable_dimension(dimension)
        .description("Setting desired instance count to 3.")
        .cause("monitor alarm TargetTracking-AlarmHigh in state ALARM triggered policy p")
        .start_time(DateTime::from_secs(at))
        .status_code(Code::Successful)
}

const BLUE: &str = "endpoint/fraud-detector/variant/blue";
const GREEN: &str = "endpoint/fraud-detector/variant/green";

/// One page: answers the request carrying `token`, names `next`; records what was asked.
fn page(
    token: Option<&'static str>,
    next: Option<&'static str>,
    activities: Vec<AwsActivity>,
    seen: Arc<Mutex<Vec<DescribeScalingActivitiesInput>>>,
) -> Rule {
    mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_activities)
        .match_requests(move |r| {
            let hit = r.next_token() == token;
            if hit {
                seen.lock().unwrap().push(r.clone());
            }
            hit
        })
        .then_output(move || {
            DescribeScalingActivitiesOutput::builder()
                .set_scaling_activities(Some(activities.clone()))
                .set_next_token(next.map(str::to_owned))
                .build()
        })
}

fn seen() -> Arc<Mutex<Vec<DescribeScalingActivitiesInput>>> {
    Arc::new(Mutex::new(Vec::new()))
}

#[tokio::test]
async fn every_variant_of_the_endpoint_and_nothing_else_newest_first() {
    let asked = seen();
    let only = page(
        None,
        None,
        vec![
            activity(GREEN, FROM + 900, Code::InProgress),
            // A name that starts the same is another endpoint.
            activity(
                "endpoint/fraud-detector-stg/variant/AllTraffic",
                FROM + 800,
                Code::Successful,
            ),
            activity(
                "inference-component/fraud-detector-ic",
                FROM + 700,
                Code::Successful,
            ),
            activity_of(
                BLUE,
                ScalableDimension::SageMakerVariantDesiredProvisionedConcurrency,
                FROM + 650,
            )
            .build()
            .unwrap(),
            activity(BLUE, FROM + 600, Code::Successful),
            activity(BLUE, FROM + 100, Code::Unfulfilled),
        ],
        asked.clone(),
    );
    let source = source(clients(&[]), Some(clients(&[&only])));

    let got = source
        .scaling_activities(&fraud_detector(), FROM)
        .await
        .unwrap();
    let summary: Vec<(&str, i64, ScalingStatus, Option<i64>)> = got
        .iter()
        .map(|a| (a.variant.as_str(), a.at, a.status, a.ended))
        .collect();
    assert_eq!(
        summary,
        [
            ("green", FROM + 900, ScalingStatus::InProgress, None),
            (
                "blue",
                FROM + 600,
                ScalingStatus::Successful,
                Some(FROM + 900)
            ),
            (
                "blue",
                FROM + 100,
                ScalingStatus::Unfulfilled,
                Some(FROM + 400)
            ),
        ]
    );
    assert_eq!(got[1].description, "Setting desired instance count to 3.");
    assert!(got[1].cause.starts_with("monitor alarm"), "{:?}", got[1]);
    // The account's SageMaker namespace, asked as a whole: a variant removed during the
    // window is still found.
    let asked = asked.lock().unwrap();
    assert_eq!(asked.len(), 1);
    assert_eq!(
        asked[0].service_namespace(),
        Some(&ServiceNamespace::Sagemaker)
    );
    assert_eq!(asked[0].resource_id(), None);
    assert!(source.health().problems.is_empty());
}

#[tokio::test]
async fn pages_are_followed_until_from_and_no_further() {
    let asked = seen();
    let first = page(
        None,
        Some("p2"),
        vec![
            activity(BLUE, FROM + 900, Code::Successful),
            activity(GREEN, FROM + 800, Code::Successful),
        ],
        asked.clone(),
    );
    // Ends before `from`: the pages after it hold only older activities.
    let second = page(
        Some("p2"),
        Some("p3"),
        vec![
            activity(BLUE, FROM + 10, Code::Failed),
            activity(BLUE, FROM - 10, Code::Successful),
        ],
        asked.clone(),
    );
    let third = page(
        Some("p3"),
        None,
        vec![activity(BLUE, FROM - 500, Code::Successful)],
        asked.clone(),
    );
    let source = source(clients(&[]), Some(clients(&[&first, &second, &third])));

    let got = source
        .scaling_activities(&fraud_detector(), FROM)
        .await
        .unwrap();
    let starts: Vec<i64> = got.iter().map(|a| a.at).collect();
    assert_eq!(starts, [FROM + 900, FROM + 800, FROM + 10]);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    assert_eq!(third.num_calls(), 0, "page 2 ended before `from`");
    assert!(
        asked
            .lock()
            .unwrap()
            .iter()
            .all(|r| r.max_results() == Some(50))
    );
}

#[tokio::test]
async fn a_busy_account_is_read_no_further_than_the_bound() {
    // Every page is full of another endpoint's recent activity and names a next one (a new
    // token each time: the SDK's paginator stops at a repeated one).
    let pages = AtomicUsize::new(0);
    let endless = mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_activities)
        .then_output(move || {
            let n = pages.fetch_add(1, Ordering::Relaxed);
            DescribeScalingActivitiesOutput::builder()
                .scaling_activities(activity(
                    "endpoint/recommender/variant/AllTraffic",
                    FROM + 60,
                    Code::Successful,
                ))
                .next_token(format!("page-{}", n + 2))
                .build()
        });
    let source = source(clients(&[]), Some(clients(&[&endless])));

    let got = source
        .scaling_activities(&fraud_detector(), FROM)
        .await
        .unwrap();
    assert!(got.is_empty());
    assert_eq!(endless.num_calls(), MAX_PAGES);
}

#[tokio::test]
async fn denied_names_the_iam_action() {
    let denied = mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_activities)
        .then_error(|| {
            DescribeScalingActivitiesError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message(
                        "User: arn:aws:sts::111111111111:assumed-role/Reader/s is not authorized",
                    )
                    .build(),
            )
        });
    let source = source(clients(&[]), Some(clients(&[&denied])));

    let err = source
        .scaling_activities(&fraud_detector(), FROM)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        SourceError::AccessDenied {
            call: format!("DescribeScalingActivities {PROD}"),
            action: "application-autoscaling:DescribeScalingActivities".into(),
        }
    );
    assert!(
        err.to_string()
            .contains("application-autoscaling:DescribeScalingActivities")
    );
    // On the status bar too, as every call of the source.
    assert_eq!(source.health().problems, [err]);
}

#[tokio::test]
async fn an_oam_account_without_a_role_says_so_and_sends_nothing() {
    let home_rule = page(
        None,
        None,
        vec![activity(BLUE, FROM + 60, Code::Successful)],
        seen(),
    );
    let source = source(clients(&[&home_rule]), None);

    let err = source
        .scaling_activities(&fraud_detector(), FROM)
        .await
        .unwrap_err();
    let SourceError::Other { call, detail } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(call, &format!("DescribeScalingActivities {PROD}"));
    assert!(detail.contains("add role_arn"), "{detail}");
    assert!(detail.contains("Application Auto Scaling"), "{detail}");
    assert_eq!(
        home_rule.num_calls(),
        0,
        "the monitoring account was not asked"
    );
}

#[tokio::test]
async fn the_endpoints_own_account_is_asked() {
    let home_rule = page(
        None,
        None,
        vec![activity(BLUE, FROM + 60, Code::Failed)],
        seen(),
    );
    let prod_rule = page(
        None,
        None,
        vec![activity(BLUE, FROM + 30, Code::Successful)],
        seen(),
    );
    let source = source(clients(&[&home_rule]), Some(clients(&[&prod_rule])));

    let got = source
        .scaling_activities(&fraud_detector(), FROM)
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].status, ScalingStatus::Successful);
    assert_eq!((home_rule.num_calls(), prod_rule.num_calls()), (0, 1));
}

#[tokio::test]
async fn hostile_texts_come_out_clean() {
    let hostile = AwsActivity::builder()
        .activity_id("a-1")
        .service_namespace(ServiceNamespace::Sagemaker)
        .resource_id("endpoint/fraud-detector/variant/bl\u{1b}[2Jue")
        .scalable_dimension(ScalableDimension::SageMakerVariantDesiredInstanceCount)
        .description("Setting\u{1b}[31m desired\u{7} count\r\nto 3.")
        .cause("monitor alarm \u{1b}]0;pwned\u{7}X\u{9b}31m in state ALARM")
        .start_time(DateTime::from_secs(FROM + 60))
        .end_time(DateTime::from_secs(FROM + 120))
        .status_code(Code::Failed)
        .status_message("Failed to set desired instance count\u{1b}[8m\u{200B}: quota")
        .build()
        .unwrap();
    let only = page(None, None, vec![hostile], seen());
    let source = source(clients(&[]), Some(clients(&[&only])));

    let got = source
        .scaling_activities(&fraud_detector(), FROM)
        .await
        .unwrap();
    let a: &ScalingActivity = &got[0];
    let texts = [
        a.variant.as_str(),
        a.description.as_str(),
        a.cause.as_str(),
        a.status_message.as_deref().unwrap_or_default(),
    ];
    for text in texts {
        assert!(
            !text.chars().any(sagewatch::sanitize::needs_replacing),
            "{text:?}"
        );
    }
    assert!(a.description.contains("desired"), "the text itself stays");
    assert!(
        a.status_message
            .as_deref()
            .is_some_and(|m| m.ends_with(": quota"))
    );
}
