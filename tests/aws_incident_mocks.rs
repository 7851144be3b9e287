//! One opening of an endpoint's incident tape against AWS, on the SDK's own mock layer
//! (LocalStack serves neither Model Monitor nor Application Auto Scaling, moto not every
//! call): every read of `incident::read` through the real clients, and what one opening
//! costs, counted call by call: one DescribeAlarmHistory per alarm, DescribeEndpoint and one
//! DescribeEndpointConfig, one Athena query (start, one poll, one page) pruned to the window
//! and the endpoint's accounts, one page of runs, one Insights query, one GetMetricData,
//! one page of scaling activity. Read-only mode lets every one of them through.

mod support;

use aws_sdk_athena::operation::get_query_execution::GetQueryExecutionOutput;
use aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_athena::operation::start_query_execution::{
    StartQueryExecutionInput, StartQueryExecutionOutput,
};
use aws_sdk_athena::types::{
    ColumnInfo, Datum, QueryExecution, QueryExecutionState, QueryExecutionStatistics,
    QueryExecutionStatus, ResultSet, ResultSetMetadata, Row,
};
use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::{AlarmHistoryItem, HistoryItemType, MetricDataResult};
use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput as LogsResults;
use aws_sdk_cloudwatchlogs::operation::start_query::StartQueryOutput;
use aws_sdk_cloudwatchlogs::types::{QueryStatistics, QueryStatus, ResultField};
use aws_sdk_sagemaker::operation::describe_endpoint::DescribeEndpointOutput;
use aws_sdk_sagemaker::operation::describe_endpoint_config::DescribeEndpointConfigOutput;
use aws_sdk_sagemaker::operation::list_monitoring_executions::ListMonitoringExecutionsOutput;
use aws_sdk_sagemaker::types::{
    EndpointStatus as SmEndpointStatus, ExecutionStatus as SmExecution, MonitoringExecutionSummary,
    MonitoringType, ProductionVariant,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use sagewatch::incident::{Reads, Subject, Window, read};
use sagewatch::source::aws::athena::AthenaTrail;
use sagewatch::source::aws::logs::{AwsLogs, LogsTopology};
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::{
    Alarm, AlarmKind, AlarmSettings, AlarmState, Comparison, Endpoint, EndpointStatus, SeriesKey,
    Stat,
};
use sagewatch::source::trail::TrailSettings;
use sagewatch::tape::Kind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const MONITORING: &str = "100000000000";
const PROD: &str = "111111111111";
const NOW: i64 = 1_795_700_000;
const FIRED: i64 = NOW - 1_800;
const SCANNED: i64 = 734_003_200;

fn endpoint() -> Endpoint {
    Endpoint {
        account_id: PROD.into(),
        name: "fraud".into(),
        status: EndpointStatus::InService,
        variants: vec!["AllTraffic".into()],
        monitoring_schedules: vec!["fraud-mq".into()],
        model_quality_namespace: None,
        quality: None,
        region: Default::default(),
    }
}

fn alarm() -> Alarm {
    let series = SeriesKey::new(
        PROD,
        "/aws/sagemaker/Endpoints",
        "CPUUtilization",
        &[("EndpointName", "fraud"), ("VariantName", "AllTraffic")],
        Stat::Average,
        60,
    );
    Alarm {
        account_id: PROD.into(),
        id: "fraud-cpu".into(),
        name: "fraud-cpu".into(),
        kind: AlarmKind::Metric {
            series,
            comparison: Comparison::GreaterThanThreshold,
            threshold: 80.0,
            evaluation_periods: 3,
            datapoints_to_alarm: 3,
        },
        state: AlarmState::Alarm,
        reason: "Threshold Crossed: 3 datapoints [91.0 (x)]".into(),
        state_since: FIRED,
        endpoint: Some(endpoint().key()),
        actions_enabled: true,
        settings: AlarmSettings::default(),
        region: Default::default(),
    }
}

/// Every read's rules, counted after the opening.
struct Rules {
    history: Rule,
    describe: Rule,
    config: Rule,
    executions: Rule,
    metric_data: Rule,
    scaling: Rule,
    start: Rule,
    status: Rule,
    results: Rule,
    insights_start: Rule,
    insights_results: Rule,
    sql: Arc<Mutex<Vec<String>>>,
}

fn rules() -> Rules {
    let history = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
        .match_requests(|r| r.alarm_name() == Some("fraud-cpu"))
        .then_output(|| {
            DescribeAlarmHistoryOutput::builder()
                .alarm_history_items(
                    AlarmHistoryItem::builder()
                        .timestamp(DateTime::from_secs(FIRED))
                        .history_item_type(HistoryItemType::StateUpdate)
                        .history_summary("Alarm updated from OK to ALARM")
                        .build(),
                )
                .build()
        });
    let describe = mock!(aws_sdk_sagemaker::Client::describe_endpoint).then_output(|| {
        DescribeEndpointOutput::builder()
            .endpoint_name("fraud")
            .endpoint_config_name("fraud-config-v7")
            .endpoint_status(SmEndpointStatus::InService)
            .last_modified_time(DateTime::from_secs(NOW - 5_000))
            .build()
    });
    let config = mock!(aws_sdk_sagemaker::Client::describe_endpoint_config).then_output(|| {
        DescribeEndpointConfigOutput::builder()
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name("fraud-v7")
                    .build(),
            )
            .build()
    });
    let executions =
        mock!(aws_sdk_sagemaker::Client::list_monitoring_executions).then_output(|| {
            ListMonitoringExecutionsOutput::builder()
                .monitoring_execution_summaries(
                    MonitoringExecutionSummary::builder()
                        .monitoring_schedule_name("fraud-mq")
                        .endpoint_name("fraud")
                        .scheduled_time(DateTime::from_secs(NOW - 3_600))
                        .creation_time(DateTime::from_secs(NOW - 3_540))
                        .last_modified_time(DateTime::from_secs(NOW - 2_700))
                        .monitoring_execution_status(SmExecution::Completed)
                        .monitoring_type(MonitoringType::ModelQuality)
                        .build(),
                )
                .build()
        });
    let metric_data = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(
        |input: &aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput| {
            let mut out = GetMetricDataOutput::builder();
            for q in input.metric_data_queries() {
                out = out.metric_data_results(
                    MetricDataResult::builder()
                        .id(q.id().unwrap_or_default())
                        .build(),
                );
            }
            out.build()
        },
    );
    let scaling = mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_activities)
        .then_output(|| {
            aws_sdk_applicationautoscaling::operation::describe_scaling_activities::DescribeScalingActivitiesOutput::builder().build()
        });
    let sql: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&sql);
    let start = mock!(aws_sdk_athena::Client::start_query_execution)
        .match_requests(move |r: &StartQueryExecutionInput| {
            seen.lock()
                .unwrap()
                .push(r.query_string().unwrap_or_default().to_owned());
            true
        })
        .then_output(|| {
            StartQueryExecutionOutput::builder()
                .query_execution_id("q-1")
                .build()
        });
    let status = mock!(aws_sdk_athena::Client::get_query_execution).then_output(|| {
        GetQueryExecutionOutput::builder()
            .query_execution(
                QueryExecution::builder()
                    .query_execution_id("q-1")
                    .status(
                        QueryExecutionStatus::builder()
                            .state(QueryExecutionState::Succeeded)
                            .build(),
                    )
                    .statistics(
                        QueryExecutionStatistics::builder()
                            .data_scanned_in_bytes(SCANNED)
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let results = mock!(aws_sdk_athena::Client::get_query_results).then_output(|| {
        let columns = [
            "eventtime",
            "eventname",
            "arn",
            "sourceipaddress",
            "eventid",
        ];
        let row = |cells: [&str; 5]| {
            Row::builder()
                .set_data(Some(
                    cells
                        .iter()
                        .map(|c| Datum::builder().var_char_value(*c).build())
                        .collect(),
                ))
                .build()
        };
        let metadata = ResultSetMetadata::builder()
            .set_column_info(Some(
                columns
                    .iter()
                    .map(|c| {
                        ColumnInfo::builder()
                            .name(*c)
                            .r#type("varchar")
                            .build()
                            .unwrap()
                    })
                    .collect(),
            ))
            .build();
        GetQueryResultsOutput::builder()
            .result_set(
                ResultSet::builder()
                    .result_set_metadata(metadata)
                    .rows(row(columns))
                    .rows(row([
                        "2026-11-26T12:43:20Z",
                        "UpdateEndpoint",
                        "arn:aws:sts::111111111111:assumed-role/deployer/alice",
                        "10.0.0.7",
                        "ev-1",
                    ]))
                    .build(),
            )
            .build()
    });
    let insights_start = mock!(aws_sdk_cloudwatchlogs::Client::start_query)
        .then_output(|| StartQueryOutput::builder().query_id("i-1").build());
    let insights_results =
        mock!(aws_sdk_cloudwatchlogs::Client::get_query_results).then_output(|| {
            let field = |f: &str, v: &str| ResultField::builder().field(f).value(v).build();
            LogsResults::builder()
                .status(QueryStatus::Complete)
                .statistics(
                    QueryStatistics::builder()
                        .bytes_scanned(2_000_000.0)
                        .build(),
                )
                .results(vec![
                    field("bin(1m)", "2026-11-26 12:45:00.000"),
                    field("count(*)", "40"),
                ])
                .build()
        });
    Rules {
        history,
        describe,
        config,
        executions,
        metric_data,
        scaling,
        start,
        status,
        results,
        insights_start,
        insights_results,
        sql,
    }
}

/// The source in read-only mode (every client guarded), PROD read through its role.
fn source(r: &Rules) -> AwsSource {
    let none: &[&Rule] = &[];
    let prod = AccountClients {
        cloudwatch: mock_client!(
            aws_sdk_cloudwatch,
            RuleMode::MatchAny,
            &[&r.history, &r.metric_data],
            |c| c.interceptor(ReadOnlyGuard)
        ),
        sagemaker: mock_client!(
            aws_sdk_sagemaker,
            RuleMode::MatchAny,
            &[&r.describe, &r.config, &r.executions],
            |c| c.interceptor(ReadOnlyGuard)
        ),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, none, |c| c
            .interceptor(ReadOnlyGuard)),
        scaling: mock_client!(
            aws_sdk_applicationautoscaling,
            RuleMode::MatchAny,
            &[&r.scaling],
            |c| c.interceptor(ReadOnlyGuard)
        ),
    };
    let home = AccountClients {
        cloudwatch: mock_client!(
            aws_sdk_cloudwatch,
            RuleMode::MatchAny,
            &[&r.metric_data],
            |c| c.interceptor(ReadOnlyGuard)
        ),
        sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, none),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, none),
        scaling: mock_client!(aws_sdk_applicationautoscaling, RuleMode::MatchAny, none),
    };
    let athena = mock_client!(
        aws_sdk_athena,
        RuleMode::MatchAny,
        &[&r.start, &r.status, &r.results],
        |c| c.interceptor(ReadOnlyGuard)
    );
    let logs = mock_client!(
        aws_sdk_cloudwatchlogs,
        RuleMode::MatchAny,
        &[&r.insights_start, &r.insights_results],
        |c| c.interceptor(ReadOnlyGuard)
    );
    AwsSource::from_clients(
        support::mocks::identity(MONITORING),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        home,
        HashMap::from([(PROD.to_owned(), prod)]),
        vec![support::mocks::role_account(PROD)],
        Health::default(),
    )
    .with_trail(Some(AthenaTrail::new(athena, TrailSettings::default())))
    .with_logs(Some(AwsLogs::new(
        "eu-west-1",
        MONITORING,
        LogsTopology::Oam,
        logs,
        HashMap::new(),
        Health::default(),
    )))
    .with_readonly(true)
}

#[tokio::test]
async fn one_opening_reads_each_source_once_and_costs_what_it_says() {
    let r = rules();
    let source = source(&r);
    let subject = Subject {
        endpoint: endpoint(),
        alarms: vec![alarm()],
        region: Some("eu-west-1".into()),
    };
    let window = Window::around(&subject, NOW);
    assert_eq!(window.from, FIRED - 3 * 3600);
    let never = std::future::pending::<()>;
    let trail = TrailSettings::default();
    let (makeup, changes) =
        read::makeup_and_changes(&source, Some(&trail), &subject, window, never()).await;
    let reads = Reads {
        alarms: Some(read::alarm_histories(&source, &subject, window).await),
        makeup: Some(makeup),
        changes,
        runs: Some(read::runs(&source, &subject, window).await),
        errors: Some(read::errors(&source, &subject, window, never()).await),
        series: Some(read::series(&source, &subject, window).await),
        scaling: Some(read::scaling(&source, &subject, window).await),
        audit: None,
        seen: Vec::new(),
    };
    // Every read answered (read-only lets them all through).
    let changes = reads
        .changes
        .as_ref()
        .expect("searched")
        .as_ref()
        .expect("the trail");
    assert_eq!(
        changes.scanned_bytes, SCANNED as u64,
        "Athena's bytes, as billed"
    );
    assert!(reads.errors.as_ref().unwrap().is_ok());
    assert!(reads.runs.as_ref().unwrap().is_ok());
    assert!(reads.series.as_ref().unwrap().is_ok());
    assert!(reads.scaling.as_ref().unwrap().is_ok());
    // The calls of one opening, one by one.
    let counts = [
        ("DescribeAlarmHistory", r.history.num_calls()),
        ("DescribeEndpoint", r.describe.num_calls()),
        ("DescribeEndpointConfig", r.config.num_calls()),
        ("StartQueryExecution", r.start.num_calls()),
        ("GetQueryExecution", r.status.num_calls()),
        ("GetQueryResults", r.results.num_calls()),
        ("ListMonitoringExecutions", r.executions.num_calls()),
        ("StartQuery", r.insights_start.num_calls()),
        ("GetQueryResults (Insights)", r.insights_results.num_calls()),
        ("GetMetricData", r.metric_data.num_calls()),
        ("DescribeScalingActivities", r.scaling.num_calls()),
    ];
    for (call, n) in counts {
        assert_eq!(n, 1, "{call}: {counts:?}");
    }
    // The search is pruned to the window's days and the endpoint's account, and names its
    // config and model exactly.
    let sql = r.sql.lock().unwrap()[0].clone();
    for part in [
        "'111111111111'",
        "fraud-config-v7",
        "fraud-v7",
        "\"timestamp\"",
    ] {
        assert!(sql.contains(part), "{part}: {sql}");
    }
    // The tape: the alarm's transition, the update by alice, the run, the error count.
    let tape = reads.tape(&subject, window);
    let kinds: Vec<Kind> = tape.entries().iter().map(|e| e.kind).collect();
    for kind in [Kind::Alarm, Kind::Trail, Kind::Monitor, Kind::Status] {
        assert!(kinds.contains(&kind), "{kind:?}: {:?}", tape.entries());
    }
}
