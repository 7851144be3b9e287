//! Logs in fan-out against LocalStack: a source account's log groups seeded with boto3
//! (LocalStack files them under the 12-digit access key id), read through a role assumed with
//! LocalStack's STS into that account, as `connect` builds it for a configured `role_arn`:
//! - FilterLogEvents and an Insights query give the seeded lines back, made safe;
//! - LocalStack does not serve StartLiveTail: the live tail says so (`Unsupported`, naming
//!   logs:StartLiveTail), so following falls back to polling FilterLogEvents.

mod support;

use sagewatch::logs::groups::endpoint_group;
use sagewatch::sanitize::needs_replacing;
use sagewatch::source::aws::connect::logs_client;
use sagewatch::source::aws::logs::{AwsLogs, LogsTopology};
use sagewatch::source::health::Health;
use sagewatch::source::logs::{InsightsQuery, LiveError, LogTarget, LogsSource};
use std::collections::HashMap;
use support::emulators::{self, SeedStream};

const REGION: &str = "eu-west-1";
const MONITORING: &str = "100000000012";
const PROD: &str = "222222222212";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn fan_out_reads_a_source_accounts_logs_through_its_role() {
    let Some(localstack) = emulators::localstack() else {
        return;
    };
    let t0 = now_ms() - 60_000;
    let group = endpoint_group(&format!("fraud-detector-{}", std::process::id()));
    emulators::seed_logs(
        &localstack,
        PROD,
        REGION,
        &[SeedStream {
            group: &group,
            stream: "AllTraffic/i-0bbb",
            events: vec![
                (t0, "INFO ready".into()),
                (
                    t0 + 1_000,
                    "ERROR \x1b]52;c;cGF5bG9hZA==\x07 missing feature \u{202e}x".into(),
                ),
            ],
        }],
    );
    let base = emulators::config(&localstack, MONITORING, REGION).await;
    let prod = emulators::assume(&base, &format!("arn:aws:iam::{PROD}:role/logs-reader")).await;
    let health = Health::default();
    let logs = AwsLogs::new(
        REGION,
        MONITORING,
        LogsTopology::Fanout,
        logs_client(&base, &health, MONITORING, true),
        HashMap::from([(PROD.to_string(), logs_client(&prod, &health, PROD, true))]),
        health,
    );
    let target = LogTarget {
        account_id: PROD.into(),
        groups: vec![group.clone()],
        stream_prefix: None,
        region: Default::default(),
    };

    let page = logs
        .filter_events(&target, None, t0 - 1_000, None, None)
        .await
        .unwrap();
    let messages: Vec<&str> = page.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0], "INFO ready");
    assert!(messages[1].starts_with("ERROR ") && messages[1].ends_with("x"));
    assert!(
        !messages[1].chars().any(needs_replacing),
        "{:?}",
        messages[1]
    );

    // The monitoring account's own credentials do not see the source account's group.
    let mut home = target.clone();
    home.account_id = MONITORING.into();
    let home_page = logs
        .filter_events(&home, None, t0 - 1_000, None, None)
        .await;
    assert!(
        home_page.is_err() || home_page.unwrap().events.is_empty(),
        "accounts are apart"
    );

    let query = InsightsQuery {
        target: target.clone(),
        query: "fields @timestamp, @message | sort @timestamp asc | limit 20".into(),
        start: t0 / 1000 - 60,
        end: now_ms() / 1000 + 60,
    };
    let id = logs.start_query(&query).await.unwrap();
    let mut finished = None;
    for _ in 0..50 {
        let r = logs.query_results(&target, &id).await.unwrap();
        if r.state.is_some_and(|s| s.is_finished()) {
            finished = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let results = finished.expect("the query finished");
    let all: Vec<&String> = results.rows.iter().flatten().collect();
    assert!(
        all.iter().any(|c| c.as_str() == "INFO ready"),
        "{results:?}"
    );
    assert!(all.iter().all(|c| !c.chars().any(needs_replacing)));

    match logs.live_tail(&target, None).await {
        Err(LiveError::Unsupported(why)) => assert!(why.contains("logs:StartLiveTail"), "{why}"),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("LocalStack now serves live tail: make this test read it"),
    }
}
