//! Alarm mute rules against LocalStack 4.13.1, which does not serve them (it answers an
//! unknown operation): the console's source reads no rule there and says so once, with no
//! failing call on the status bar, and a mute rule written there fails with LocalStack's
//! words rather than seeming done. The operations themselves are tested on aws-smithy-mocks
//! (`tests/aws_mute_mocks.rs`). When LocalStack starts serving them, this test fails: move
//! the mocks' cases here.

mod support;

use sagewatch::source::FleetSource;
use sagewatch::source::alarm_write::AlarmWrite;
use sagewatch::source::aws::{AwsSource, Topology, connect};
use sagewatch::source::health::Health;
use sagewatch::source::model::Identity;
use sagewatch::source::mute::PutMuteRule;
use std::collections::HashMap;
use support::emulators;

const REGION: &str = "us-east-1";
/// An account of its own on the shared LocalStack.
const ACCOUNT: &str = "270000000027";

#[tokio::test]
async fn localstack_serves_no_mute_rules_and_the_source_says_so_once() {
    let Some(localstack) = emulators::localstack() else {
        return;
    };
    let cfg = emulators::config(&localstack, ACCOUNT, REGION).await;
    // The very clients the console builds, so the SDK's retries are the console's.
    let health = Health::default();
    let clients = connect::clients(&cfg, &health, ACCOUNT, false);
    let source = AwsSource::from_clients(
        Identity {
            account_id: ACCOUNT.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/oncall"),
            region: REGION.into(),
        },
        Topology::Fanout,
        clients,
        HashMap::new(),
        Vec::new(),
        health,
    );

    // What LocalStack answers, through the SDK as the source sends it.
    let raw = aws_sdk_cloudwatch::Client::new(&cfg);
    let err = raw.list_alarm_mute_rules().send().await.unwrap_err();
    let said = format!("{:?}", err.into_service_error());
    assert!(said.contains("unknown operation"), "{said}");

    let mutes = source.mutes().expect("the AWS source reads mute rules");
    for _ in 0..2 {
        let rules = mutes.mute_rules().await.expect("none, not a failure");
        assert!(rules.is_empty());
    }
    let health = source.health();
    assert!(health.problems.is_empty(), "{:?}", health.problems);
    assert_eq!(
        health
            .notices
            .iter()
            .filter(|n| n.contains("mute rules"))
            .count(),
        1,
        "{:?}",
        health.notices
    );

    // A write fails, in LocalStack's words.
    let now = 1_795_689_020;
    let put = PutMuteRule::from_now(ACCOUNT.into(), vec!["cpu".into()], now, now + 3600, "");
    let err = source
        .writer()
        .unwrap()
        .write(&AlarmWrite::PutMuteRule(Box::new(put)).into())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("PutAlarmMuteRule {ACCOUNT}")),
        "{text}"
    );
    assert!(text.contains("unknown operation"), "{text}");
}
