//! Logs through `AwsLogs` against moto (which serves FilterLogEvents, StartQuery with
//! GetQueryResults, and StartLiveTail since 5.2.2), with log groups and events seeded by
//! boto3 in a source account, read in fan-out through a role assumed with moto's STS:
//! - FilterLogEvents gives every seeded event back with its id, oldest first, hostile lines
//!   (escape sequences, C1, a bidi override, a 10,000-character line) made safe and cut;
//!   a processing job's stream prefix keeps only that job's lines;
//! - an Insights query runs to Complete and its rows hold the seeded lines, made safe;
//! - the live tail, through the console's client against the endpoint override, yields the
//!   seeded events; the SDK's client alone cannot reach the override (`stream-127.0.0.1`).

mod support;

use sagewatch::logs::groups::{PROCESSING_JOBS_GROUP, endpoint_group, job_stream_prefix};
use sagewatch::sanitize::needs_replacing;
use sagewatch::source::aws::connect::logs_client;
use sagewatch::source::aws::logs::{AwsLogs, LogsTopology};
use sagewatch::source::health::Health;
use sagewatch::source::logs::{InsightsQuery, LiveError, LogTarget, LogsSource};
use std::collections::HashMap;
use support::emulators::{self, MOTO_ACCOUNT, SeedStream};

/// A region no other test seeds in this moto.
const REGION: &str = "ap-southeast-2";
/// The live tail's own region, with one log group in it: moto 5.2.5 tails the last group of
/// the region whatever ARN is asked for (its lookup loop never stops at the match).
const LIVE_REGION: &str = "ap-northeast-3";
const PROD: &str = "111111111111";
const ENDPOINT: &str = "fraud-detector";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn hostile() -> String {
    "ERROR \x1b[2J\x1b]0;owned\x07 C1:\u{9b}31m bidi:\u{202e}txt.exe end".to_string()
}

fn assert_safe(s: &str) {
    assert!(!s.chars().any(needs_replacing), "unsafe text: {s:?}");
}

/// Seeds the source account once per test (each test its own groups' names); `jobs`: a
/// processing jobs group too.
fn seed(moto: &str, region: &str, tag: &str, t0: i64, jobs: bool) -> (String, String) {
    // Names of this run's own: a developer's moto outlives a run.
    let tag = &format!("{tag}-{}", std::process::id());
    let group = endpoint_group(&format!("{ENDPOINT}-{tag}"));
    let job_a = format!("{tag}-mq-a");
    let job_b = format!("{tag}-mq-b");
    let jobs_group = format!("{PROCESSING_JOBS_GROUP}-{tag}");
    let long = format!("WARN {}", "y".repeat(10_000));
    let (stream_a, stream_b) = (format!("{job_a}/algo-1"), format!("{job_b}/algo-1"));
    let mut streams = vec![SeedStream {
        group: &group,
        stream: "AllTraffic/i-0aaa",
        events: vec![
            (t0, "INFO ready".into()),
            (t0 + 1_000, hostile()),
            (t0 + 2_000, long),
        ],
    }];
    if jobs {
        streams.push(SeedStream {
            group: &jobs_group,
            stream: &stream_a,
            events: vec![(t0, "job a line".into())],
        });
        streams.push(SeedStream {
            group: &jobs_group,
            stream: &stream_b,
            events: vec![(t0, "job b line".into())],
        });
    }
    emulators::seed_logs(moto, PROD, region, &streams);
    (group, jobs_group)
}

/// The console's logs in fan-out: the monitoring account is moto's default, PROD is read
/// through a role assumed with moto's STS (moto files the role's calls under PROD).
async fn console(moto: &str, region: &str) -> (AwsLogs, aws_config::SdkConfig) {
    let base = emulators::config(moto, "AKIDMONITORING", region).await;
    let prod = emulators::assume(&base, &format!("arn:aws:iam::{PROD}:role/logs-reader")).await;
    let health = Health::default();
    let accounts = HashMap::from([(PROD.to_string(), logs_client(&prod, &health, PROD, true))]);
    let logs = AwsLogs::new(
        region,
        MOTO_ACCOUNT,
        LogsTopology::Fanout,
        logs_client(&base, &health, MOTO_ACCOUNT, true),
        accounts,
        health,
    );
    (logs, prod)
}

fn target(group: &str) -> LogTarget {
    LogTarget {
        account_id: PROD.into(),
        groups: vec![group.to_owned()],
        stream_prefix: None,
        region: Default::default(),
    }
}

#[tokio::test]
async fn filter_log_events_reads_the_seeded_lines_safely() {
    let Some(moto) = emulators::moto() else {
        return;
    };
    let t0 = now_ms() - 60_000;
    let (group, jobs_group) = seed(&moto, REGION, "filter", t0, true);
    let (logs, _) = console(&moto, REGION).await;

    let page = logs
        .filter_events(&target(&group), None, t0 - 1_000, None, None)
        .await
        .unwrap();
    assert_eq!(page.events.len(), 3, "{:?}", page.events);
    assert_eq!(page.events[0].message, "INFO ready");
    assert_eq!(page.events[0].stream, "AllTraffic/i-0aaa");
    assert!(page.events.iter().all(|e| e.event_id.is_some()), "ids kept");
    for e in &page.events {
        assert_safe(&e.message);
    }
    assert!(page.events[1].message.starts_with("ERROR "));
    assert!(page.events[1].message.ends_with("txt.exe end"));
    let long = &page.events[2].message;
    assert!(long.starts_with("WARN yyy"));
    assert!(long.chars().count() < 10_000, "a long line is cut");

    // A monitoring job's lines only, by its stream prefix.
    let mut job = target(&jobs_group);
    job.stream_prefix = Some(job_stream_prefix(&format!(
        "filter-{}-mq-a",
        std::process::id()
    )));
    let page = logs
        .filter_events(&job, None, t0 - 1_000, None, None)
        .await
        .unwrap();
    let messages: Vec<_> = page.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["job a line"]);
}

#[tokio::test]
async fn an_insights_query_completes_with_the_seeded_lines() {
    let Some(moto) = emulators::moto() else {
        return;
    };
    let t0 = now_ms() - 60_000;
    let (group, _) = seed(&moto, REGION, "insights", t0, true);
    let (logs, _) = console(&moto, REGION).await;
    let query = InsightsQuery {
        target: target(&group),
        query: "fields @timestamp, @message | sort @timestamp asc | limit 50".into(),
        start: t0 / 1000 - 60,
        end: now_ms() / 1000 + 60,
    };
    let id = logs.start_query(&query).await.unwrap();
    let mut results = None;
    // moto completes a query at once; a real one would take a few polls.
    for _ in 0..20 {
        let r = logs.query_results(&query.target, &id).await.unwrap();
        if r.state.is_some_and(|s| s.is_finished()) {
            results = Some(r);
            break;
        }
    }
    let results = results.expect("the query finished");
    let message = results
        .columns
        .iter()
        .position(|c| c == "@message")
        .expect("a @message column");
    let messages: Vec<&str> = results.rows.iter().map(|r| r[message].as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[0], "INFO ready");
    for row in &results.rows {
        for cell in row {
            assert_safe(cell);
        }
    }
    assert!(messages[1].starts_with("ERROR ") && messages[1].ends_with("txt.exe end"));
    // moto has no StopQuery: nothing more to check there (the mocks test sends it).
}

#[tokio::test]
async fn the_live_tail_reaches_the_endpoint_override() {
    let Some(moto) = emulators::moto() else {
        return;
    };
    let t0 = now_ms() - 60_000;
    let (group, _) = seed(&moto, LIVE_REGION, "live", t0, false);
    let (logs, prod) = console(&moto, LIVE_REGION).await;

    let mut session = match logs.live_tail(&target(&group), None).await {
        Ok(s) => s,
        Err(e) => panic!("live tail through the endpoint override: {e:?}"),
    };
    let mut events = Vec::new();
    while let Some(update) = session.next().await.expect("the session's updates") {
        assert!(!update.sampled);
        events.extend(update.events);
    }
    let messages: Vec<&str> = events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[0], "INFO ready");
    for e in &events {
        assert_safe(&e.message);
        assert_eq!(e.stream, "AllTraffic/i-0aaa");
    }
    assert!(messages[1].ends_with("txt.exe end"));

    // The SDK's own client, without the console's fix, sends the call to `stream-127.0.0.1`.
    let plain = aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::config::Builder::from(&prod)
            .retry_config(aws_smithy_types::retry::RetryConfig::disabled())
            .build(),
    );
    let unfixed = AwsLogs::new(
        LIVE_REGION,
        MOTO_ACCOUNT,
        LogsTopology::Fanout,
        plain.clone(),
        HashMap::from([(PROD.to_string(), plain)]),
        Health::default(),
    );
    match unfixed.live_tail(&target(&group), None).await {
        Err(LiveError::Failed(e)) => {
            let text = e.to_string();
            assert!(text.contains("StartLiveTail"), "{text}");
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("the SDK alone reached the override: the fix may no longer be needed"),
    }
}
