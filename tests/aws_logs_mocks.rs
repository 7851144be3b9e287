//! Logs through `AwsLogs` on the SDK's own mock layer (aws-smithy-mocks): real CloudWatch
//! Logs clients and serialisation, answers from rules.
//! - StartQuery from the monitoring account (OAM) names a source account's groups by ARN in
//!   logGroupIdentifiers and its own by name; in fan-out the account's own client sends names;
//!   an account without credentials says what to add;
//! - GetQueryResults Running then Complete, with statistics and rows; StopQuery;
//! - FilterLogEvents paged by NextToken (event ids kept, the stream prefix and pattern sent),
//!   and several groups read one call each, by ARN under OAM, merged by time;
//! - StartLiveTail refused (AccessDenied) is `Unsupported`, naming logs:StartLiveTail;
//! - hostile text anywhere in an answer comes out safe;
//! - the read-only guard lets the logs reads through and refuses Logs' writes;
//! - the console's Logs client against an endpoint override sends the live tail to the
//!   override's host, where the SDK alone would send it to `stream-HOST`.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::operation::filter_log_events::{
    FilterLogEventsError, FilterLogEventsOutput,
};
use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailError;
use aws_sdk_cloudwatchlogs::operation::start_query::{StartQueryError, StartQueryOutput};
use aws_sdk_cloudwatchlogs::operation::stop_query::StopQueryOutput;
use aws_sdk_cloudwatchlogs::types::error::AccessDeniedException;
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, QueryStatistics, QueryStatus, ResultField};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use sagewatch::logs::groups::{PROCESSING_JOBS_GROUP, endpoint_group, group_arn};
use sagewatch::sanitize::needs_replacing;
use sagewatch::source::SourceError;
use sagewatch::source::aws::logs::{AwsLogs, LogsTopology};
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::health::Health;
use sagewatch::source::logs::{InsightsQuery, InsightsState, LiveError, LogTarget, LogsSource};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const HOME: &str = "100000000000";
const PROD: &str = "111111111111";
const REGION: &str = "eu-west-1";
const QUERY_ID: &str = "5b9e1c2a-0000-4000-8000-000000000001";

fn client(rules: &[&Rule]) -> Client {
    mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, rules, |c| c
        .retry_config(RetryConfig::disabled()))
}

fn oam(home: Client) -> AwsLogs {
    AwsLogs::new(
        REGION,
        HOME,
        LogsTopology::Oam,
        home,
        HashMap::new(),
        Health::default(),
    )
}

fn fanout(home: Client, accounts: Vec<(&str, Client)>) -> AwsLogs {
    AwsLogs::new(
        REGION,
        HOME,
        LogsTopology::Fanout,
        home,
        accounts
            .into_iter()
            .map(|(a, c)| (a.to_owned(), c))
            .collect(),
        Health::default(),
    )
}

fn target(account: &str, groups: &[&str]) -> LogTarget {
    LogTarget {
        account_id: account.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        stream_prefix: None,
        region: Default::default(),
    }
}

fn query(target: LogTarget) -> InsightsQuery {
    InsightsQuery {
        target,
        query: "fields @timestamp, @message | limit 5".into(),
        start: 1_800_000_000,
        end: 1_800_003_600,
    }
}

/// What each StartQuery named: (logGroupIdentifiers, logGroupNames).
type Named = Arc<Mutex<Vec<(Vec<String>, Vec<String>)>>>;

/// StartQuery answering `QUERY_ID`, keeping what each request named.
fn start_rule(seen: Named) -> Rule {
    mock!(Client::start_query)
        .match_requests(move |r| {
            seen.lock().unwrap().push((
                r.log_group_identifiers().to_vec(),
                r.log_group_names().to_vec(),
            ));
            r.start_time() == Some(1_800_000_000) && r.end_time() == Some(1_800_003_600)
        })
        .then_output(|| StartQueryOutput::builder().query_id(QUERY_ID).build())
}

fn assert_safe(s: &str) {
    assert!(!s.chars().any(needs_replacing), "unsafe text: {s:?}");
}

#[tokio::test]
async fn oam_names_source_groups_by_arn_and_its_own_by_name() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let rule = start_rule(seen.clone());
    let logs = oam(client(&[&rule]));
    let group = endpoint_group("fraud-detector");

    let id = logs
        .start_query(&query(target(PROD, &[&group])))
        .await
        .unwrap();
    assert_eq!(id, QUERY_ID);
    logs.start_query(&query(target(HOME, &[&group])))
        .await
        .unwrap();

    let seen = seen.lock().unwrap();
    let arn =
        format!("arn:aws:logs:{REGION}:{PROD}:log-group:/aws/sagemaker/Endpoints/fraud-detector");
    assert_eq!(arn, group_arn(REGION, PROD, &group));
    assert_eq!(
        seen[0],
        (vec![arn], vec![]),
        "a source account's group by ARN"
    );
    assert_eq!(
        seen[1],
        (vec![], vec![group.clone()]),
        "the monitoring account's by name"
    );
}

#[tokio::test]
async fn fan_out_uses_the_accounts_own_client_with_names() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let prod = start_rule(seen.clone());
    // The monitoring account's client would answer a different id: it must not be asked.
    let home = mock!(Client::start_query)
        .then_output(|| StartQueryOutput::builder().query_id("home").build());
    let logs = fanout(client(&[&home]), vec![(PROD, client(&[&prod]))]);

    let id = logs
        .start_query(&query(target(PROD, &[PROCESSING_JOBS_GROUP])))
        .await
        .unwrap();
    assert_eq!(id, QUERY_ID);
    assert_eq!(home.num_calls(), 0);
    assert_eq!(
        seen.lock().unwrap()[0],
        (vec![], vec![PROCESSING_JOBS_GROUP.to_string()])
    );

    // An account the console has no credentials in says what to add, and sends nothing.
    let err = logs
        .start_query(&query(target("222222222222", &[PROCESSING_JOBS_GROUP])))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SourceError::Other { detail, .. } if detail.contains("role_arn")),
        "{err}"
    );
    assert_eq!(home.num_calls(), 0);
    assert!(matches!(
        logs.live_tail(&target("222222222222", &[PROCESSING_JOBS_GROUP]), None)
            .await,
        Err(LiveError::Failed(SourceError::Other { .. }))
    ));
}

fn field(f: &str, v: &str) -> ResultField {
    ResultField::builder().field(f).value(v).build()
}

#[tokio::test]
async fn query_results_run_then_complete_with_statistics_and_rows() {
    let results = mock!(Client::get_query_results)
        .match_requests(|r| r.query_id() == Some(QUERY_ID))
        .sequence()
        .output(|| {
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Running)
                .statistics(
                    QueryStatistics::builder()
                        .records_matched(1.0)
                        .records_scanned(10.0)
                        .bytes_scanned(100.0)
                        .build(),
                )
                .results(vec![field("@timestamp", "t1"), field("@ptr", "p")])
                .build()
        })
        .output(|| {
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Complete)
                .statistics(
                    QueryStatistics::builder()
                        .records_matched(2.0)
                        .records_scanned(2000.0)
                        .bytes_scanned(65536.0)
                        .build(),
                )
                .results(vec![
                    field("@timestamp", "2026-11-29 03:00:01.000"),
                    field("@message", "ERROR missing feature\x1b[31m amount"),
                    field("@ptr", "CmAK"),
                ])
                .results(vec![
                    field("@timestamp", "2026-11-29 03:00:02.000"),
                    field("@logStream", "AllTraffic/i-0abc"),
                ])
                .build()
        })
        .build();
    let logs = oam(client(&[&results]));
    let t = target(PROD, &[&endpoint_group("fraud-detector")]);

    let first = logs.query_results(&t, QUERY_ID).await.unwrap();
    assert_eq!(first.state, Some(InsightsState::Running));
    assert!(!first.state.unwrap().is_finished());
    assert_eq!(first.stats.records_scanned, 10.0);

    let done = logs.query_results(&t, QUERY_ID).await.unwrap();
    assert_eq!(done.state, Some(InsightsState::Complete));
    assert_eq!(done.stats.records_matched, 2.0);
    assert_eq!(done.stats.records_scanned, 2000.0);
    assert_eq!(done.stats.bytes_scanned, 65536.0);
    assert_eq!(done.columns, ["@timestamp", "@message", "@logStream"]);
    assert_eq!(done.rows.len(), 2);
    assert_eq!(
        done.rows[1],
        ["2026-11-29 03:00:02.000", "", "AllTraffic/i-0abc"]
    );
    for cell in done.rows.iter().flatten() {
        assert_safe(cell);
    }
    assert!(done.rows[0][1].starts_with("ERROR missing feature"));
}

#[tokio::test]
async fn stop_query_sends_the_id_to_the_client_that_started_it() {
    let stop = mock!(Client::stop_query)
        .match_requests(|r| r.query_id() == Some(QUERY_ID))
        .then_output(|| StopQueryOutput::builder().success(true).build());
    let home = mock!(Client::stop_query).then_output(|| StopQueryOutput::builder().build());
    let logs = fanout(client(&[&home]), vec![(PROD, client(&[&stop]))]);
    logs.stop_query(&target(PROD, &[PROCESSING_JOBS_GROUP]), QUERY_ID)
        .await
        .unwrap();
    assert_eq!(stop.num_calls(), 1);
    assert_eq!(home.num_calls(), 0);
}

fn event(id: &str, t: i64, stream: &str, message: &str) -> FilteredLogEvent {
    FilteredLogEvent::builder()
        .event_id(id)
        .timestamp(t)
        .log_stream_name(stream)
        .message(message)
        .build()
}

#[tokio::test]
async fn filter_log_events_pages_by_next_token_with_prefix_and_pattern() {
    let job = "fraud-detector-mq-202611290300";
    let first = mock!(Client::filter_log_events)
        .match_requests(move |r| {
            r.next_token().is_none()
                && r.log_group_name() == Some(PROCESSING_JOBS_GROUP)
                && r.log_group_identifier().is_none()
                && r.log_stream_name_prefix() == Some("fraud-detector-mq-202611290300/")
                && r.filter_pattern() == Some("?ERROR ?WARN")
                && r.start_time() == Some(1_000)
                && r.end_time().is_none()
        })
        .then_output(move || {
            FilterLogEventsOutput::builder()
                .events(event("e1", 1_100, &format!("{job}/algo-1"), "WARN drift"))
                .next_token("page-2")
                .build()
        });
    let second = mock!(Client::filter_log_events)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || {
            FilterLogEventsOutput::builder()
                .events(event(
                    "e2",
                    1_200,
                    &format!("{job}/algo-1"),
                    "ERROR violation",
                ))
                .build()
        });
    // In fan-out: the account's own client, the group by name.
    let logs = fanout(client(&[]), vec![(PROD, client(&[&first, &second]))]);
    let mut t = target(PROD, &[PROCESSING_JOBS_GROUP]);
    t.stream_prefix = Some(format!("{job}/"));

    let page = logs
        .filter_events(&t, Some("?ERROR ?WARN"), 1_000, None, None)
        .await
        .unwrap();
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].event_id.as_deref(), Some("e1"));
    assert_eq!(page.next.as_deref(), Some("page-2"));
    let page = logs
        .filter_events(&t, Some("?ERROR ?WARN"), 1_000, None, page.next.as_deref())
        .await
        .unwrap();
    assert_eq!(page.events[0].event_id.as_deref(), Some("e2"));
    assert_eq!(page.events[0].message, "ERROR violation");
    assert_eq!(page.next, None);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}

#[tokio::test]
async fn several_groups_are_read_one_call_each_by_arn_and_merged_by_time() {
    let a = endpoint_group("fraud-detector");
    let b = endpoint_group("churn");
    let (arn_a, arn_b) = (group_arn(REGION, PROD, &a), group_arn(REGION, PROD, &b));
    let (aa, bb, bb2) = (arn_a.clone(), arn_b.clone(), arn_b.clone());
    let group_a = mock!(Client::filter_log_events)
        .match_requests(move |r| {
            r.log_group_identifier() == Some(aa.as_str()) && r.log_group_name().is_none()
        })
        .then_output(|| {
            FilterLogEventsOutput::builder()
                .events(event("a1", 10, "AllTraffic/i-1", "a first"))
                .events(event("a2", 30, "AllTraffic/i-1", "a third"))
                .build()
        });
    let group_b = mock!(Client::filter_log_events)
        .match_requests(move |r| {
            r.log_group_identifier() == Some(bb.as_str()) && r.next_token().is_none()
        })
        .then_output(|| {
            FilterLogEventsOutput::builder()
                .events(event("b1", 20, "AllTraffic/i-2", "b second"))
                .next_token("b-more")
                .build()
        });
    let group_b_more = mock!(Client::filter_log_events)
        .match_requests(move |r| {
            r.log_group_identifier() == Some(bb2.as_str()) && r.next_token() == Some("b-more")
        })
        .then_output(|| {
            FilterLogEventsOutput::builder()
                .events(event("b2", 40, "AllTraffic/i-2", "b fourth"))
                .build()
        });
    let logs = oam(client(&[&group_a, &group_b, &group_b_more]));
    let t = target(PROD, &[&a, &b]);

    let page = logs
        .filter_events(&t, None, 0, Some(100), None)
        .await
        .unwrap();
    let ids: Vec<_> = page
        .events
        .iter()
        .map(|e| e.event_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["a1", "b1", "a2"], "merged by time");
    let next = page.next.expect("group b has more");
    let page = logs
        .filter_events(&t, None, 0, Some(100), Some(&next))
        .await
        .unwrap();
    let ids: Vec<_> = page
        .events
        .iter()
        .map(|e| e.event_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["b2"], "only the group with more is read again");
    assert_eq!(page.next, None);
    assert_eq!(group_a.num_calls(), 1);
    let _ = (arn_a, arn_b);
}

#[tokio::test]
async fn a_denied_live_tail_is_unsupported_and_names_the_permission() {
    let denied = mock!(Client::start_live_tail)
        .match_requests(|r| {
            r.log_group_identifiers()
                == [group_arn(REGION, PROD, &endpoint_group("fraud-detector"))]
                && r.log_stream_name_prefixes().is_empty()
        })
        .then_error(|| {
            StartLiveTailError::AccessDeniedException(
                AccessDeniedException::builder()
                    .message("not authorized to perform logs:StartLiveTail\x1b]0;pwned\x07")
                    .meta(
                        ErrorMetadata::builder()
                            .code("AccessDeniedException")
                            .message("not authorized to perform logs:StartLiveTail\x1b]0;pwned\x07")
                            .build(),
                    )
                    .build(),
            )
        });
    let logs = oam(client(&[&denied]));
    let t = target(PROD, &[&endpoint_group("fraud-detector")]);
    match logs.live_tail(&t, None).await {
        Err(LiveError::Unsupported(why)) => {
            assert!(why.contains("logs:StartLiveTail"), "{why}");
            assert_safe(&why);
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a session from a denied call"),
    }
    assert_eq!(denied.num_calls(), 1);

    // A stream prefix with several groups, or more than 10 groups: AWS would refuse; polling
    // FilterLogEvents serves them.
    let mut two = target(PROD, &["/a", "/b"]);
    two.stream_prefix = Some("job/".into());
    assert!(matches!(
        logs.live_tail(&two, None).await,
        Err(LiveError::Unsupported(_))
    ));
    let many: Vec<String> = (0..11).map(|i| format!("/g{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert!(matches!(
        logs.live_tail(&target(PROD, &many), None).await,
        Err(LiveError::Unsupported(_))
    ));
    assert_eq!(denied.num_calls(), 1, "neither was sent");
}

#[tokio::test]
async fn hostile_text_comes_out_safe_and_failures_name_the_action() {
    let long = "x".repeat(10_000);
    let hostile =
        format!("\x1b[2J\x1b]52;c;cGF5bG9hZA==\x07 C1:\u{9b}31m bidi:\u{202e}gnp.exe {long}");
    let h = hostile.clone();
    let page = mock!(Client::filter_log_events).then_output(move || {
        FilterLogEventsOutput::builder()
            .events(event("id\x1b[1m", 1, "stream\u{202e}x", &h))
            .build()
    });
    let logs = oam(client(&[&page]));
    let t = target(HOME, &["/g"]);
    let got = logs.filter_events(&t, None, 0, None, None).await.unwrap();
    let e = &got.events[0];
    assert_safe(&e.message);
    assert_safe(&e.stream);
    assert_safe(e.event_id.as_deref().unwrap());
    assert!(e.message.chars().count() < 10_000, "a long line is cut");

    let denied = mock!(Client::filter_log_events).then_error(|| {
        FilterLogEventsError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("no")
                .build(),
        )
    });
    let odd = mock!(Client::start_query).then_error(|| {
        StartQueryError::generic(
            ErrorMetadata::builder()
                .code("MalformedQueryException")
                .message("bad query \x1b[31mhere\u{202e}")
                .build(),
        )
    });
    let health = Health::default();
    let logs = AwsLogs::new(
        REGION,
        HOME,
        LogsTopology::Oam,
        client(&[&denied, &odd]),
        HashMap::new(),
        health.clone(),
    );
    let err = logs
        .filter_events(&t, None, 0, None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "logs:FilterLogEvents"),
        "{err}"
    );
    let err = logs.start_query(&query(t.clone())).await.unwrap_err();
    assert_safe(&err.to_string());
    assert!(err.to_string().contains("MalformedQueryException"), "{err}");
    // Failing calls are on the status bar like every other source's.
    let problems = health.snapshot().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("FilterLogEvents")),
        "{problems:?}"
    );
}

#[tokio::test]
async fn read_only_lets_the_logs_reads_through_and_refuses_logs_writes() {
    use aws_sdk_cloudwatchlogs::operation::put_log_events::PutLogEventsOutput;
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let start = start_rule(seen);
    let stop = mock!(Client::stop_query).then_output(|| StopQueryOutput::builder().build());
    let filter =
        mock!(Client::filter_log_events).then_output(|| FilterLogEventsOutput::builder().build());
    let put = mock!(Client::put_log_events).then_output(|| PutLogEventsOutput::builder().build());
    let guarded = mock_client!(
        aws_sdk_cloudwatchlogs,
        RuleMode::MatchAny,
        [&start, &stop, &filter, &put],
        |c| c
            .retry_config(RetryConfig::disabled())
            .interceptor(ReadOnlyGuard)
    );
    let logs = oam(guarded.clone());
    let t = target(PROD, &["/g"]);
    logs.start_query(&query(t.clone())).await.unwrap();
    logs.stop_query(&t, QUERY_ID).await.unwrap();
    logs.filter_events(&t, None, 0, None, None).await.unwrap();

    let refused = guarded
        .put_log_events()
        .log_group_name("/g")
        .log_stream_name("s")
        .log_events(
            InputLogEvent::builder()
                .timestamp(1)
                .message("m")
                .build()
                .unwrap(),
        )
        .send()
        .await;
    let text = format!("{:?}", refused.expect_err("a write in read-only mode"));
    assert!(text.contains("read-only"), "{text}");
    assert_eq!(put.num_calls(), 0, "never sent");
    let deleted = guarded.delete_log_group().log_group_name("/g").send().await;
    assert!(format!("{:?}", deleted.unwrap_err()).contains("read-only"));
}

/// The host the console's Logs client sends StartLiveTail to, for this SDK config.
async fn live_tail_host(config: &aws_config::SdkConfig, console_client: bool) -> String {
    use aws_smithy_http_client::test_util::capture_request;
    let (http, request) = capture_request(None);
    let config = config.to_builder().http_client(http).build();
    let client = if console_client {
        sagewatch::source::aws::connect::logs_client(&config, &Health::default(), HOME, true)
    } else {
        Client::new(&config)
    };
    // The empty answer is no event stream: only the request matters here.
    let _ = client
        .start_live_tail()
        .log_group_identifiers(group_arn(REGION, HOME, "/g"))
        .send()
        .await;
    let sent = request.expect_request();
    let after_scheme = sent.uri().split_once("://").unwrap().1;
    after_scheme.split(['/', ':']).next().unwrap().to_owned()
}

#[tokio::test]
async fn the_live_tail_goes_to_the_endpoint_override_itself() {
    use aws_config::{BehaviorVersion, SdkConfig};
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_types::region::Region;
    let base = || {
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
    };
    let local = base().endpoint_url("http://127.0.0.1:4566").build();
    // What the SDK does alone, and the obstacle this fixes.
    assert_eq!(live_tail_host(&local, false).await, "stream-127.0.0.1");
    assert_eq!(live_tail_host(&local, true).await, "127.0.0.1");
    // AWS's own endpoint keeps its prefix: that is where AWS serves the live tail.
    let aws = base().build();
    assert_eq!(
        live_tail_host(&aws, true).await,
        format!("stream-logs.{REGION}.amazonaws.com")
    );
}

/// One event stream frame of a live tail.
fn frame(event_type: &str, payload: &str) -> Vec<u8> {
    stream_message(
        &[(":message-type", "event"), (":event-type", event_type)],
        payload,
    )
}

/// A JSON event stream message with these headers.
fn stream_message(headers: &[(&str, &str)], payload: &str) -> Vec<u8> {
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
    let mut message = Message::new(payload.as_bytes().to_vec());
    for (name, value) in headers
        .iter()
        .chain(&[(":content-type", "application/json")])
    {
        message = message.add_header(Header::new(
            name.to_string(),
            HeaderValue::String(value.to_string().into()),
        ));
    }
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&message, &mut out).unwrap();
    out
}

/// A live tail server on 127.0.0.1 for one request: the session starts at once, its one
/// update comes `pause` later, then the stream ends.
fn live_tail_server(pause: std::time::Duration) -> u16 {
    let update = frame(
        "sessionUpdate",
        r#"{"sessionMetadata":{"sampled":true},"sessionResults":[
            {"logStreamName":"AllTraffic/i-1","message":"late \u001b[31mline","timestamp":5}]}"#,
    );
    live_tail_server_sending(pause, vec![update])
}

/// One event stream exception frame, as AWS ends a session: its payload need not name it.
fn exception_frame(exception_type: &str, payload: &str) -> Vec<u8> {
    stream_message(
        &[
            (":message-type", "exception"),
            (":exception-type", exception_type),
        ],
        payload,
    )
}

/// As `live_tail_server`, sending `frames` after the pause.
fn live_tail_server_sending(pause: std::time::Duration, frames: Vec<Vec<u8>>) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // The request's headers, then its body (Content-Length).
        let (head_end, length) = loop {
            let n = socket.read(&mut buf).unwrap();
            assert!(n > 0, "the client hung up");
            request.extend_from_slice(&buf[..n]);
            if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                break (end + 4, length);
            }
        };
        while request.len() < head_end + length {
            let n = socket.read(&mut buf).unwrap();
            request.extend_from_slice(&buf[..n]);
        }
        let chunk = |socket: &mut std::net::TcpStream, bytes: &[u8]| {
            write!(socket, "{:x}\r\n", bytes.len()).unwrap();
            socket.write_all(bytes).unwrap();
            socket.write_all(b"\r\n").unwrap();
            socket.flush().unwrap();
        };
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\n\
                  transfer-encoding: chunked\r\n\r\n",
            )
            .unwrap();
        chunk(
            &mut socket,
            &frame(
                "sessionStart",
                r#"{"sessionId":"s1","logGroupIdentifiers":[]}"#,
            ),
        );
        std::thread::sleep(pause);
        for f in &frames {
            chunk(&mut socket, f);
        }
        socket.write_all(b"0\r\n\r\n").unwrap();
    });
    port
}

/// A live tail session lives longer than the clients' operation timeout: the console's Logs
/// client, with a 1-second operation (and attempt) timeout, still reads an update sent 3
/// seconds into the session.
#[tokio::test]
async fn a_live_tail_session_outlives_the_operation_timeout() {
    use aws_config::timeout::TimeoutConfig;
    use aws_config::{BehaviorVersion, SdkConfig};
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_types::region::Region;
    use std::time::Duration;
    let port = live_tail_server(Duration::from_secs(3));
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_attempt_timeout(Duration::from_secs(1))
                .operation_timeout(Duration::from_secs(1))
                .build(),
        )
        .build();
    let client =
        sagewatch::source::aws::connect::logs_client(&config, &Health::default(), HOME, true);
    let logs = oam(client);
    let mut session = match logs.live_tail(&target(HOME, &["/g"]), None).await {
        Ok(s) => s,
        Err(e) => panic!("{e:?}"),
    };
    let update = session
        .next()
        .await
        .expect("not cut by a timeout")
        .expect("an update");
    assert!(update.sampled);
    assert_eq!(update.events.len(), 1);
    assert_eq!(update.events[0].stream, "AllTraffic/i-1");
    assert_safe(&update.events[0].message);
    assert!(update.events[0].message.starts_with("late "));
    assert_eq!(
        session.next().await,
        Ok(None),
        "the end of the stream closes the session"
    );
}

/// AWS ends a session at its 3-hour limit with a SessionTimeoutException frame whose payload
/// holds a message only: the console knows it by its type, and starts again (not a failure).
#[tokio::test]
async fn the_three_hour_end_of_a_session_is_known_by_its_type() {
    use aws_config::{BehaviorVersion, SdkConfig};
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_types::region::Region;
    use sagewatch::source::logs::LiveError;
    let port = live_tail_server_sending(
        std::time::Duration::ZERO,
        vec![exception_frame(
            "SessionTimeoutException",
            r#"{"message":"Session timed out after 3 hours"}"#,
        )],
    );
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .build();
    let client =
        sagewatch::source::aws::connect::logs_client(&config, &Health::default(), HOME, true);
    let logs = oam(client);
    let mut session = match logs.live_tail(&target(HOME, &["/g"]), None).await {
        Ok(s) => s,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(session.next().await, Err(LiveError::SessionTimeout));
}
