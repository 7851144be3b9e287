//! The AWS source on the SDK's own mock layer (aws-smithy-mocks): no emulator
//! serves OAM. Real SDK clients, real paginators and serialisation; answers from rules.

use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataInput, GetMetricDataOutput};
use aws_sdk_cloudwatch::operation::list_metrics::ListMetricsOutput;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataResult, StatusCode};
use aws_sdk_oam::operation::list_attached_links::ListAttachedLinksOutput;
use aws_sdk_oam::operation::list_sinks::ListSinksOutput;
use aws_sdk_oam::types::{ListAttachedLinksItem, ListSinksItem};
use aws_sdk_sagemaker::operation::list_endpoints::ListEndpointsOutput;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use sagewatch::app::action::Action;
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::init;
use sagewatch::config::AccountConfig;
use sagewatch::source::aws::{AccountClients, AwsSource, Topology};
use sagewatch::source::health::Health;
use sagewatch::source::model::{Endpoint, Identity, SeriesKey, SeriesStatus, Stat};
use sagewatch::source::{FleetSource, SeriesRequest, SourceError, SourceKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const INSTANCE: &str = "/aws/sagemaker/Endpoints";
const MODEL_QUALITY: &str = "aws/sagemaker/Endpoints/model-metrics";
const MONITORING: &str = "100000000000";
/// 2026-11-26T10:10:00Z: ten minutes into an hour.
const NOW: i64 = 1_795_687_800;

fn identity() -> Identity {
    Identity {
        account_id: MONITORING.into(),
        arn: format!("arn:aws:iam::{MONITORING}:role/OnCall"),
        region: "eu-west-1".into(),
    }
}

fn account(id: &str, label: Option<&str>, exclude: bool) -> AccountConfig {
    AccountConfig {
        id: id.into(),
        label: label.map(str::to_owned),
        role_arn: None,
        profile: None,
        exclude,
    }
}

fn clients(cloudwatch_rules: &[&Rule], sagemaker_rules: &[&Rule]) -> AccountClients {
    // The fleet's Model Monitor runs are read too (the violations column): none here, after
    // whatever the test itself answers.
    let no_schedules = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules).then_output(
        || aws_sdk_sagemaker::operation::list_monitoring_schedules::ListMonitoringSchedulesOutput::builder().build(),
    );
    let no_runs = mock!(aws_sdk_sagemaker::Client::list_monitoring_executions).then_output(
        || aws_sdk_sagemaker::operation::list_monitoring_executions::ListMonitoringExecutionsOutput::builder().build(),
    );
    let mut sagemaker: Vec<&Rule> = sagemaker_rules.to_vec();
    sagemaker.extend([&no_schedules, &no_runs]);
    // And the alarms' mute rules: none (tests/aws_mute_mocks.rs reads them).
    let no_mute_rules =
        mock!(aws_sdk_cloudwatch::Client::list_alarm_mute_rules).then_output(|| {
            aws_sdk_cloudwatch::operation::list_alarm_mute_rules::ListAlarmMuteRulesOutput::builder(
            )
            .build()
        });
    let mut cloudwatch: Vec<&Rule> = cloudwatch_rules.to_vec();
    cloudwatch.push(&no_mute_rules);
    AccountClients {
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, &cloudwatch),
        sagemaker: mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, &sagemaker),
        s3: mock_client!(aws_sdk_s3, []),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    }
}

fn no_endpoints_in_sagemaker() -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_endpoints)
        .then_output(|| ListEndpointsOutput::builder().build())
}

fn oam_rules() -> (Rule, Rule, Rule) {
    let sinks = mock!(aws_sdk_oam::Client::list_sinks).then_output(|| {
        ListSinksOutput::builder()
            .items(
                ListSinksItem::builder()
                    .arn(format!("arn:aws:oam:eu-west-1:{MONITORING}:sink/s1"))
                    .id("s1")
                    .name("org-sink")
                    .build(),
            )
            .build()
            .unwrap()
    });
    let link = |account: &str, label: &str| {
        ListAttachedLinksItem::builder()
            .link_arn(format!("arn:aws:oam:eu-west-1:{account}:link/{label}"))
            .label(label)
            .resource_types("AWS::CloudWatch::Metric")
            .build()
    };
    let page1 = mock!(aws_sdk_oam::Client::list_attached_links)
        .match_requests(|r| r.next_token().is_none())
        .then_output(move || {
            ListAttachedLinksOutput::builder()
                .items(link("111111111111", "Prod-Account"))
                .items(link("222222222222", "staging"))
                .next_token("page-2")
                .build()
                .unwrap()
        });
    let page2 = mock!(aws_sdk_oam::Client::list_attached_links)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || {
            ListAttachedLinksOutput::builder()
                .items(link("333333333333", "sandbox"))
                .build()
                .unwrap()
        });
    (sinks, page1, page2)
}

#[tokio::test]
async fn oam_accounts_come_from_paged_links_with_config_labels_and_exclusions() {
    let (sinks, page1, page2) = oam_rules();
    let oam = mock_client!(aws_sdk_oam, RuleMode::MatchAny, [&sinks, &page1, &page2]);
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(oam),
        clients(&[], &[]),
        HashMap::new(),
        vec![
            account("111111111111", Some("prod"), false),
            account("333333333333", None, true),
        ],
        Health::default(),
    );
    let accounts = source.accounts().await.unwrap();
    let seen: Vec<(&str, &str, bool)> = accounts
        .iter()
        .map(|a| (a.id.as_str(), a.label.as_str(), a.monitoring))
        .collect();
    assert_eq!(
        seen,
        [
            (MONITORING, "monitoring", true),
            // The config's label wins over the link's.
            ("111111111111", "prod", false),
            ("222222222222", "staging", false),
            // 333333333333 is excluded by the config.
        ]
    );
    assert_eq!(page1.num_calls(), 1);
    assert_eq!(page2.num_calls(), 1, "the paginator followed NextToken");
    // The sink is looked up once and remembered.
    source.accounts().await.unwrap();
    assert_eq!(sinks.num_calls(), 1);
}

/// One query's answer: `points` and the status code.
fn result(id: &str, points: &[(i64, f64)], status: StatusCode) -> MetricDataResult {
    let mut r = MetricDataResult::builder().id(id).status_code(status);
    for (t, v) in points {
        r = r.timestamps(DateTime::from_secs(*t)).values(*v);
    }
    r.build()
}

/// A GetMetricData rule answering every query with one point per period at the window's end
/// (value = query number), recording how many queries each call carried and their accounts.
fn answering_metric_data(calls: Arc<Mutex<Vec<GetMetricDataInput>>>) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
        calls.lock().unwrap().push(input.clone());
        let end = input.end_time().map(|t| t.secs()).unwrap_or(NOW);
        let mut out = GetMetricDataOutput::builder();
        for q in input.metric_data_queries() {
            let period = i64::from(q.metric_stat().and_then(|m| m.period()).unwrap_or(60));
            let id = q.id().unwrap_or_default();
            let n: f64 = id.trim_start_matches('q').parse().unwrap_or(0.0);
            // The newest complete period before `end`: hourly series get this hour's point.
            let ts = if period >= 3600 {
                end.div_euclid(3600) * 3600
            } else {
                end.div_euclid(period) * period - period
            };
            out = out.metric_data_results(result(id, &[(ts, n)], StatusCode::Complete));
        }
        out.build()
    })
}

fn keys(n: usize) -> Vec<SeriesKey> {
    (0..n)
        .map(|i| {
            let account = ["111111111111", "222222222222", "333333333333"][i % 3];
            SeriesKey::new(
                account,
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                &[
                    ("EndpointName", &format!("e{i}")),
                    ("VariantName", "AllTraffic"),
                ],
                Stat::Average,
                60,
            )
        })
        .collect()
}

#[tokio::test]
async fn twelve_hundred_series_cost_exactly_three_get_metric_data_calls() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let gmd = answering_metric_data(Arc::clone(&calls));
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        clients(&[&gmd], &[]),
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    let keys = keys(1200);
    let data = source
        .series(&SeriesRequest {
            keys: keys.clone().into(),
            start: NOW - 3600,
            end: NOW,
        })
        .await
        .unwrap();
    assert_eq!(gmd.num_calls(), 3);
    let calls = calls.lock().unwrap();
    let mut sizes: Vec<usize> = calls
        .iter()
        .map(|c| c.metric_data_queries().len())
        .collect();
    sizes.sort();
    assert_eq!(sizes, [200, 500, 500]);
    // Through OAM every query names the source account it reads.
    for c in calls.iter() {
        for q in c.metric_data_queries() {
            assert!(q.account_id().is_some_and(|a| a.len() == 12), "{q:?}");
        }
    }
    // Every series came back, in order, with its own points.
    assert_eq!(data.len(), 1200);
    assert!(data.iter().zip(&keys).all(|(d, k)| &d.key == k));
    assert_eq!(
        data[1199].points,
        vec![(NOW - 60, 199.0)],
        "q199 of the third call"
    );
    let health = source.health();
    assert_eq!(health.metric_data_calls_last_hour, 3);
    assert_eq!(health.metrics_requested_last_hour, 1200);
}

/// The endpoint the first query of a GetMetricData call reads.
fn first_endpoint(input: &GetMetricDataInput) -> Option<String> {
    let q = input.metric_data_queries().first()?;
    let metric = q.metric_stat()?.metric()?;
    metric
        .dimensions()
        .iter()
        .find(|d| d.name() == Some("EndpointName"))
        .and_then(|d| d.value())
        .map(str::to_owned)
}

#[tokio::test]
async fn one_failed_batch_keeps_the_others_answers_and_marks_only_its_series() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    // The second batch of 500 (e500..e999) fails, every time it is tried.
    let failing = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| first_endpoint(r).as_deref() == Some("e500"))
        .then_error(|| {
            aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code("ValidationError")
                    .message("the query is malformed")
                    .build(),
            )
        });
    let gmd = answering_metric_data(Arc::clone(&calls));
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        clients(&[&failing, &gmd], &[]),
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    let keys = keys(1200);
    let data = source
        .series(&SeriesRequest {
            keys: keys.clone().into(),
            start: NOW - 3600,
            end: NOW,
        })
        .await
        .expect("two of three batches answered");
    assert_eq!(data.len(), 1200);
    assert!(data.iter().zip(&keys).all(|(d, k)| &d.key == k), "in order");
    let status = |i: usize| data[i].status;
    assert_eq!(
        (status(0), status(499)),
        (SeriesStatus::Complete, SeriesStatus::Complete)
    );
    assert_eq!(status(500), SeriesStatus::InternalError);
    assert_eq!(status(999), SeriesStatus::InternalError);
    assert!(data[500..1000].iter().all(|d| d.points.is_empty()));
    assert_eq!(status(1000), SeriesStatus::Complete);
    assert_eq!(data[1199].points, vec![(NOW - 60, 199.0)]);
    // The failing call is on the status bar.
    let health = source.health();
    assert!(
        health
            .problems
            .iter()
            .any(|p| p.to_string().contains("malformed")),
        "{:?}",
        health.problems
    );
}

#[tokio::test]
async fn next_token_pages_are_merged_and_status_codes_kept_per_series() {
    let first = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("q0", &[(NOW - 120, 1.0)], StatusCode::PartialData))
                .metric_data_results(result("q1", &[], StatusCode::Forbidden))
                .next_token("more")
                .build()
        });
    let second = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.next_token() == Some("more"))
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("q0", &[(NOW - 60, 2.0)], StatusCode::Complete))
                .metric_data_results(result("q1", &[], StatusCode::Complete))
                .build()
        });
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        clients(&[&first, &second], &[]),
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    let data = source
        .series(&SeriesRequest {
            keys: keys(2).into(),
            start: NOW - 3600,
            end: NOW,
        })
        .await
        .unwrap();
    assert_eq!(data[0].points, vec![(NOW - 120, 1.0), (NOW - 60, 2.0)]);
    assert_eq!(data[0].status, SeriesStatus::Complete);
    // Forbidden on any page sticks: the series is not readable, whatever the last page says.
    assert_eq!(data[1].status, SeriesStatus::Forbidden);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}

/// ListMetrics through the monitoring account: `n` endpoints in three linked accounts, each
/// with two variants and a model-quality schedule.
fn fleet_listing(n: usize) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_metrics).then_compute_output(move |input| {
        assert_eq!(
            input.include_linked_accounts(),
            Some(true),
            "OAM lists linked accounts"
        );
        let mut out = ListMetricsOutput::builder();
        let dim = |k: &str, v: &str| Dimension::builder().name(k).value(v).build();
        for i in 0..n {
            let account = ["111111111111", "222222222222", "333333333333"][i % 3];
            let name = format!("endpoint-{i:03}");
            let metrics: Vec<Metric> = match input.namespace() {
                Some(INSTANCE) => ["blue", "green"]
                    .iter()
                    .map(|v| {
                        Metric::builder()
                            .namespace(INSTANCE)
                            .metric_name("CPUUtilization")
                            .dimensions(dim("EndpointName", &name))
                            .dimensions(dim("VariantName", v))
                            .build()
                    })
                    .collect(),
                Some(_) => Vec::new(),
                None => vec![
                    Metric::builder()
                        .namespace("aws/sagemaker/Endpoints/model-metrics")
                        .metric_name("accuracy")
                        .dimensions(dim("Endpoint", &name))
                        .dimensions(dim("MonitoringSchedule", &format!("{name}-mq")))
                        .build(),
                ],
            };
            for m in metrics {
                out = out.metrics(m).owning_accounts(account);
            }
        }
        out.build()
    })
}

fn console_state() -> State {
    sagewatch::ui::fixture::console_with_defaults(SourceKind::Aws, NOW, (160, 48))
}

/// Queries of `namespace` (exactly) over all `calls`.
fn count_queries(calls: &[GetMetricDataInput], namespace: &str) -> usize {
    calls
        .iter()
        .flat_map(|c| c.metric_data_queries())
        .filter(|q| {
            q.metric_stat()
                .and_then(|m| m.metric())
                .and_then(|m| m.namespace())
                .is_some_and(|ns| ns == namespace)
        })
        .count()
}

#[tokio::test]
async fn refreshes_ask_only_for_what_can_be_new_and_what_is_on_screen() {
    let (sinks, page1, page2) = oam_rules();
    let oam = mock_client!(aws_sdk_oam, RuleMode::MatchAny, [&sinks, &page1, &page2]);
    let calls = Arc::new(Mutex::new(Vec::new()));
    let gmd = answering_metric_data(Arc::clone(&calls));
    let listing = fleet_listing(200);
    let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_output(|| DescribeAlarmsOutput::builder().build());
    let sm = no_endpoints_in_sagemaker();
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(oam),
        clients(&[&gmd, &listing, &alarms], &[&sm]),
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    let mut state = console_state();

    // First load: 200 endpoints x 2 variants x CPU/MEM/DISK = 1,200 one-minute series in
    // three calls (500 + 500 + 200); 200 x ACC/AUC/F2 = 600 hourly series in two more.
    let commands = init(&mut state);
    headless::settle(&source, &mut state, commands).await;
    assert_eq!(state.endpoints.len(), 200);
    let first: Vec<GetMetricDataInput> = std::mem::take(&mut *calls.lock().unwrap());
    assert_eq!(count_queries(&first, INSTANCE), 1200);
    assert_eq!(count_queries(&first, MODEL_QUALITY), 600);
    let sizes: Vec<usize> = first
        .iter()
        .map(|c| c.metric_data_queries().len())
        .collect();
    assert_eq!(
        first.len(),
        5,
        "3 calls for 1,200 minute series + 2 for 600 hourly: {sizes:?}"
    );
    assert!(first.iter().all(|c| c.metric_data_queries().len() <= 500));

    // A refresh two minutes later, still within the hour: the hourly series have this hour's
    // point, so they are not asked for; of the 1-minute series only the rows on screen are.
    headless::apply(&source, &mut state, Action::Tick(NOW + 120)).await;
    let second: Vec<GetMetricDataInput> = std::mem::take(&mut *calls.lock().unwrap());
    assert_eq!(count_queries(&second, MODEL_QUALITY), 0);
    let on_screen = sagewatch::views::table_rows(sagewatch::app::state::View::Fleet, state.size);
    assert_eq!(
        count_queries(&second, INSTANCE),
        on_screen * 2 * 3,
        "{on_screen} rows on screen x 2 variants x CPU/MEM/DISK"
    );
    // Only what is newer than what is held (and the few periods CloudWatch may still have
    // been filling), not the whole hour again.
    let start = second[0].start_time().unwrap().secs();
    let tail = sagewatch::app::refresh::REREAD_PERIODS * 60;
    assert!(
        start >= NOW - 120 - tail,
        "incremental window starts at {start}"
    );

    // Once the cold interval has passed, the rows off screen are brought up to date too.
    let cold = sagewatch::app::refresh::COLD_SERIES_SECS;
    headless::apply(&source, &mut state, Action::Tick(NOW + cold + 60)).await;
    let third: Vec<GetMetricDataInput> = std::mem::take(&mut *calls.lock().unwrap());
    assert_eq!(count_queries(&third, INSTANCE), 1200);
    assert_eq!(count_queries(&third, MODEL_QUALITY), 0);
}

fn denied() -> aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError {
    aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError::generic(
        aws_smithy_types::error::ErrorMetadata::builder()
            .code("AccessDenied")
            .message("User: arn:aws:sts::222222222222:assumed-role/SagewatchOperator/x is not authorized to perform: cloudwatch:GetMetricData")
            .build(),
    )
}

#[tokio::test]
async fn fan_out_a_denied_account_reads_as_forbidden_and_the_others_stay_live() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let ok = answering_metric_data(Arc::clone(&calls));
    let refused = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_error(denied);
    let mut accounts = HashMap::new();
    accounts.insert("111111111111".to_owned(), clients(&[&ok], &[]));
    accounts.insert("222222222222".to_owned(), clients(&[&refused], &[]));
    accounts.insert("333333333333".to_owned(), clients(&[&ok], &[]));
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        clients(&[], &[]),
        accounts,
        vec![
            account("111111111111", None, false),
            account("222222222222", None, false),
            account("333333333333", None, false),
        ],
        Health::default(),
    );
    let data = source
        .series(&SeriesRequest {
            keys: keys(6).into(),
            start: NOW - 3600,
            end: NOW,
        })
        .await
        .expect("two accounts answered: not a failure of the whole request");
    let by_account = |a: &'static str| data.iter().filter(move |d| d.key.account_id == a);
    assert!(
        by_account("111111111111")
            .all(|d| d.status == SeriesStatus::Complete && !d.points.is_empty())
    );
    assert!(
        by_account("222222222222")
            .all(|d| d.status == SeriesStatus::Forbidden && d.points.is_empty())
    );
    assert!(
        by_account("333333333333")
            .all(|d| d.status == SeriesStatus::Complete && !d.points.is_empty())
    );
    // The status bar learns which call and which IAM action.
    assert_eq!(
        source.health().problems,
        vec![SourceError::AccessDenied {
            call: "GetMetricData 222222222222".into(),
            action: "cloudwatch:GetMetricData".into(),
        }]
    );
    assert_eq!(
        source.health().problems[0].to_string(),
        "GetMetricData 222222222222: access denied (needs cloudwatch:GetMetricData)"
    );
}

/// A CloudWatch (Smithy RPC v2 CBOR) throttling answer: `{"__type": "Throttling"}`.
fn throttled_response() -> aws_smithy_runtime_api::http::Response {
    let mut body = vec![0xA1, 0x66];
    body.extend_from_slice(b"__type");
    body.push(0x6A);
    body.extend_from_slice(b"Throttling");
    let mut r = aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
        aws_smithy_types::body::SdkBody::from(body),
    );
    r.headers_mut().insert("smithy-protocol", "rpc-v2-cbor");
    r.headers_mut().insert("content-type", "application/cbor");
    r
}

#[tokio::test]
async fn throttling_is_retried_with_back_off_and_shown() {
    use aws_config::retry::RetryConfig;
    use sagewatch::source::aws::throttle::ThrottleWatch;
    let health = Health::default();
    let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .sequence()
        .http_response(throttled_response)
        .times(2)
        .output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("q0", &[(NOW - 60, 7.0)], StatusCode::Complete))
                .build()
        })
        .build();
    let h = health.clone();
    let cloudwatch = mock_client!(aws_sdk_cloudwatch, RuleMode::Sequential, [&rule], |c| {
        // The console uses adaptive retry; its client-side rate limiter makes the retries of
        // this test wait tens of seconds, standard retry shows the same path quickly.
        c.retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(std::time::Duration::from_millis(1)),
        )
        .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
        .interceptor(ThrottleWatch(h.clone(), MONITORING.to_owned()))
    });
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        AccountClients {
            cloudwatch,
            sagemaker: mock_client!(aws_sdk_sagemaker, []),
            s3: mock_client!(aws_sdk_s3, []),
            scaling: mock_client!(aws_sdk_applicationautoscaling, []),
        },
        HashMap::new(),
        Vec::new(),
        health,
    );
    let data = source
        .series(&SeriesRequest {
            keys: keys(1).into(),
            start: NOW - 3600,
            end: NOW,
        })
        .await
        .expect("the SDK retried past the throttling");
    assert_eq!(data[0].points, vec![(NOW - 60, 7.0)]);
    assert_eq!(
        rule.num_calls(),
        3,
        "two throttled attempts, then the answer"
    );
    assert_eq!(
        source.health().throttled_recently,
        2,
        "and the status bar knows"
    );
    assert_eq!(
        source.health().throttled_by_account,
        vec![(MONITORING.to_owned(), 2)],
        "and which account AWS limited"
    );

    // The console shows it.
    let mut state = console_state();
    let screen = render_with_health(&source, &mut state).await;
    assert!(screen.contains("THROTTLED"), "{screen}");
}

/// The screen once the console has read the source's health, as the event loop does after
/// every command.
async fn render_with_health(source: &AwsSource, state: &mut State) -> String {
    let health = sagewatch::app::action::Loaded::Health(source.health());
    headless::apply(source, state, Action::Loaded(Box::new(health))).await;
    sagewatch::ui::fixture::screen_text(state)
}

/// ListMetrics inside one account (fan-out: no OwningAccounts): one endpoint.
/// The dimensions of an endpoint's single-variant instance metrics.
fn variant_dimensions(endpoint: &str) -> Vec<Dimension> {
    let dim = |k: &str, v: &str| Dimension::builder().name(k).value(v).build();
    vec![
        dim("EndpointName", endpoint),
        dim("VariantName", "AllTraffic"),
    ]
}

/// The CPU metric ListMetrics names for an endpoint.
fn cpu_metric(endpoint: &str) -> Metric {
    Metric::builder()
        .namespace(INSTANCE)
        .metric_name("CPUUtilization")
        .set_dimensions(Some(variant_dimensions(endpoint)))
        .build()
}

fn one_endpoint_listing(name: &'static str) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_metrics).then_compute_output(move |input| {
        let mut out = ListMetricsOutput::builder();
        if input.namespace() == Some(INSTANCE) {
            out = out.metrics(cpu_metric(name));
        }
        out.build()
    })
}

#[tokio::test]
async fn the_console_names_the_denied_account_call_and_action_and_shows_the_rest() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let ok = answering_metric_data(Arc::clone(&calls));
    let refused = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_error(denied);
    let no_alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_output(|| DescribeAlarmsOutput::builder().build());
    let sm = no_endpoints_in_sagemaker();
    let (prod_list, staging_list) = (one_endpoint_listing("fraud"), one_endpoint_listing("churn"));
    let mut accounts = HashMap::new();
    accounts.insert(
        "111111111111".to_owned(),
        clients(&[&ok, &prod_list, &no_alarms], &[&sm]),
    );
    accounts.insert(
        "222222222222".to_owned(),
        clients(&[&refused, &staging_list, &no_alarms], &[&sm]),
    );
    let home_list = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .then_output(|| ListMetricsOutput::builder().build());
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        // The monitoring account itself has no endpoints.
        clients(&[&no_alarms, &ok, &home_list], &[&sm]),
        accounts,
        vec![
            account("111111111111", Some("prod"), false),
            account("222222222222", Some("staging"), false),
        ],
        Health::default(),
    );
    let mut state = console_state();
    let commands = init(&mut state);
    headless::settle(&source, &mut state, commands).await;
    let screen = render_with_health(&source, &mut state).await;
    let row = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no {name} row:\n{screen}"))
            .to_owned()
    };
    assert!(row("churn").contains("DENIED"), "{screen}");
    assert!(
        !row("fraud").contains("DENIED") && !row("fraud").contains("NO DATA"),
        "{screen}"
    );
    assert!(
        screen
            .contains("GetMetricData 222222222222: access denied (needs cloudwatch:GetMetricData)"),
        "{screen}"
    );
}

#[tokio::test]
async fn model_monitor_schedules_and_alarm_history_are_read_in_the_endpoints_account() {
    use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
    use aws_sdk_cloudwatch::types::{AlarmHistoryItem, HistoryItemType};
    use aws_sdk_sagemaker::operation::describe_monitoring_schedule::DescribeMonitoringScheduleOutput;
    use aws_sdk_sagemaker::operation::list_monitoring_schedules::ListMonitoringSchedulesOutput;
    use aws_sdk_sagemaker::types::{
        ExecutionStatus, MonitoringExecutionSummary, MonitoringScheduleSummary, MonitoringType,
        ScheduleStatus,
    };
    use sagewatch::source::model::{EndpointKey, ExecutionStatus as Exec, ScheduleStatus as Sched};

    let list = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules)
        .match_requests(|r| r.endpoint_name() == Some("fraud"))
        .then_output(|| {
            ListMonitoringSchedulesOutput::builder()
                .monitoring_schedule_summaries(
                    MonitoringScheduleSummary::builder()
                        .monitoring_schedule_name("fraud-mq")
                        .endpoint_name("fraud")
                        .build(),
                )
                .build()
        });
    let describe = mock!(aws_sdk_sagemaker::Client::describe_monitoring_schedule)
        .match_requests(|r| r.monitoring_schedule_name() == Some("fraud-mq"))
        .then_output(|| {
            DescribeMonitoringScheduleOutput::builder()
                .monitoring_schedule_name("fraud-mq")
                .monitoring_type(MonitoringType::ModelQuality)
                .monitoring_schedule_status(ScheduleStatus::Scheduled)
                .last_monitoring_execution_summary(
                    MonitoringExecutionSummary::builder()
                        .monitoring_schedule_name("fraud-mq")
                        .scheduled_time(DateTime::from_secs(NOW - 600))
                        .monitoring_execution_status(ExecutionStatus::CompletedWithViolations)
                        .build(),
                )
                .build()
        });
    let history = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
        .match_requests(|r| r.alarm_name() == Some("fraud-accuracy"))
        .then_output(|| {
            let item = |t: i64, summary: &str| {
                AlarmHistoryItem::builder()
                    .timestamp(DateTime::from_secs(t))
                    .history_item_type(HistoryItemType::StateUpdate)
                    .history_summary(summary)
                    .build()
            };
            DescribeAlarmHistoryOutput::builder()
                .alarm_history_items(item(NOW - 3600, "Alarm updated from ALARM to OK"))
                .alarm_history_items(item(NOW - 60, "Alarm updated from OK to ALARM"))
                .build()
        });
    let mut accounts = HashMap::new();
    accounts.insert(
        "111111111111".to_owned(),
        clients(&[&history], &[&list, &describe]),
    );
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        clients(&[], &[]),
        accounts,
        vec![account("111111111111", Some("prod"), false)],
        Health::default(),
    );
    let key = EndpointKey {
        account_id: "111111111111".into(),
        name: "fraud".into(),
        region: Default::default(),
    };
    let schedules = source.monitoring_schedules(&key).await.unwrap();
    assert_eq!(schedules.len(), 1);
    assert_eq!(schedules[0].name, "fraud-mq");
    assert_eq!(schedules[0].monitoring_type, "ModelQuality");
    assert_eq!(schedules[0].status, Sched::Scheduled);
    let last = schedules[0].last_execution.as_ref().unwrap();
    assert_eq!(
        (last.scheduled_time, last.status),
        (NOW - 600, Exec::CompletedWithViolations)
    );

    let items = source
        .alarm_history("111111111111", "fraud-accuracy")
        .await
        .unwrap();
    assert_eq!(
        items[0].summary, "Alarm updated from OK to ALARM",
        "newest first"
    );
    assert_eq!(items.len(), 2);

    // An OAM source account without credentials of its own: SageMaker cannot be read, and
    // the error says what to configure.
    let other = EndpointKey {
        account_id: "222222222222".into(),
        name: "churn".into(),
        region: Default::default(),
    };
    let err = source.monitoring_schedules(&other).await.unwrap_err();
    assert!(err.to_string().contains("role_arn"), "{err}");
}

/// A rule that answers only its first `n` requests (later ones fall through to the next rule).
fn first_calls(n: usize) -> impl Fn() -> bool + Send + Sync {
    let seen = std::sync::atomic::AtomicUsize::new(0);
    move || seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < n
}

fn denied_alarms() -> aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsError {
    aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsError::generic(
        aws_smithy_types::error::ErrorMetadata::builder()
            .code("AccessDenied")
            .message("not authorized to perform: cloudwatch:DescribeAlarms")
            .build(),
    )
}

fn denied_listing() -> aws_sdk_cloudwatch::operation::list_metrics::ListMetricsError {
    aws_sdk_cloudwatch::operation::list_metrics::ListMetricsError::generic(
        aws_smithy_types::error::ErrorMetadata::builder()
            .code("AccessDenied")
            .message("not authorized to perform: cloudwatch:ListMetrics")
            .build(),
    )
}

/// One CPU alarm in ALARM on `endpoint`, as DescribeAlarms gives it.
fn cpu_alarm_output(name: &'static str, endpoint: &'static str) -> DescribeAlarmsOutput {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, MetricAlarm, StateValue, Statistic};
    DescribeAlarmsOutput::builder()
        .metric_alarms(
            MetricAlarm::builder()
                .alarm_name(name)
                .namespace(INSTANCE)
                .metric_name("CPUUtilization")
                .set_dimensions(Some(variant_dimensions(endpoint)))
                .statistic(Statistic::Average)
                .period(60)
                .threshold(80.0)
                .comparison_operator(ComparisonOperator::GreaterThanThreshold)
                .state_value(StateValue::Alarm)
                .build(),
        )
        .build()
}

/// An account (or region) that answers once, then is denied: DescribeAlarms gives
/// `alarm` on `endpoint` once, and discovery's three ListMetrics listings list `endpoint`
/// once. The rules, in the order a client matches them.
fn answers_once_then_denied(alarm: &'static str, endpoint: &'static str) -> [Rule; 4] {
    let once = first_calls(1);
    let alarms_then = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .match_requests(move |_| once())
        .then_output(move || cpu_alarm_output(alarm, endpoint));
    let alarms_denied =
        mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_error(denied_alarms);
    let once = first_calls(3);
    let listing_first = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .match_requests(move |_| once())
        .then_compute_output(move |input| {
            let mut out = ListMetricsOutput::builder();
            if input.namespace() == Some(INSTANCE) {
                out = out.metrics(cpu_metric(endpoint));
            }
            out.build()
        });
    let listing_denied = mock!(aws_sdk_cloudwatch::Client::list_metrics).then_error(denied_listing);
    [alarms_then, alarms_denied, listing_first, listing_denied]
}

#[tokio::test]
async fn an_account_that_starts_failing_keeps_its_last_alarms_and_endpoints() {
    let staging = answers_once_then_denied("staging-churn-cpu", "churn");
    let no_alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_output(|| DescribeAlarmsOutput::builder().build());
    let home_list = mock!(aws_sdk_cloudwatch::Client::list_metrics)
        .then_output(|| ListMetricsOutput::builder().build());
    let sm = no_endpoints_in_sagemaker();
    let mut accounts = HashMap::new();
    accounts.insert(
        "222222222222".to_owned(),
        clients(&staging.iter().collect::<Vec<_>>(), &[&sm]),
    );
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        clients(&[&no_alarms, &home_list], &[&sm]),
        accounts,
        vec![account("222222222222", Some("staging"), false)],
        Health::default(),
    );
    let names = |alarms: &[sagewatch::source::model::Alarm]| -> Vec<String> {
        alarms.iter().map(|a| a.name.clone()).collect()
    };
    let first = source.alarms().await.unwrap();
    assert_eq!(names(&first), ["staging-churn-cpu"]);
    let endpoints = source.endpoints().await.unwrap();
    assert_eq!(endpoints.len(), 1);
    assert!(source.health().problems.is_empty());

    // From now on account 222222222222 is denied: its last answers stay, and the failing
    // calls are on the status bar.
    let second = source.alarms().await.unwrap();
    assert_eq!(
        names(&second),
        ["staging-churn-cpu"],
        "the alarm and its colour stay"
    );
    let endpoints = source.endpoints().await.unwrap();
    assert_eq!(endpoints.len(), 1, "its endpoint (and so its series) stays");
    let problems: Vec<String> = source
        .health()
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("DescribeAlarms 222222222222")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("ListMetrics 222222222222")),
        "{problems:?}"
    );
}

#[tokio::test]
async fn alarm_history_asks_for_composite_alarms_too() {
    use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
    use aws_sdk_cloudwatch::types::{AlarmHistoryItem, AlarmType, HistoryItemType};
    let history = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
        .match_requests(|r| {
            r.alarm_types().contains(&AlarmType::CompositeAlarm)
                && r.alarm_types().contains(&AlarmType::MetricAlarm)
        })
        .then_output(|| {
            DescribeAlarmHistoryOutput::builder()
                .alarm_history_items(
                    AlarmHistoryItem::builder()
                        .alarm_name("prod-health")
                        .alarm_type(AlarmType::CompositeAlarm)
                        .history_item_type(HistoryItemType::StateUpdate)
                        .history_summary("Alarm updated from OK to ALARM")
                        .timestamp(DateTime::from_secs(NOW - 60))
                        .build(),
                )
                .build()
        });
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        clients(&[&history], &[]),
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    let items = source
        .alarm_history(MONITORING, "prod-health")
        .await
        .unwrap();
    assert_eq!(items.len(), 1, "a composite alarm's history is not empty");
    assert_eq!(history.num_calls(), 1);
}

#[tokio::test]
async fn alarms_in_one_account_are_read_with_that_accounts_credentials_only() {
    use aws_sdk_cloudwatch::types::{CompositeAlarm, StateValue};
    let staging = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_output(|| {
        DescribeAlarmsOutput::builder()
            .composite_alarms(
                CompositeAlarm::builder()
                    .alarm_name("staging-health")
                    .alarm_rule("ALARM(x)")
                    .state_value(StateValue::Ok)
                    .build(),
            )
            .build()
    });
    let home = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_output(|| DescribeAlarmsOutput::builder().build());
    let mut accounts = HashMap::new();
    accounts.insert("222222222222".to_owned(), clients(&[&staging], &[]));
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        clients(&[&home], &[]),
        accounts,
        vec![account("222222222222", Some("staging"), false)],
        Health::default(),
    );
    let found = source.alarms_in("222222222222").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].account_id, "222222222222");
    assert_eq!((staging.num_calls(), home.num_calls()), (1, 0));
    assert!(source.alarms_in("999999999999").await.unwrap().is_empty());
    assert!(source.reads_accounts_apart());
}

#[tokio::test]
async fn when_every_account_fails_the_failure_is_the_answer_not_the_last_one() {
    let once = first_calls(1);
    let ok = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .match_requests(move |_| once())
        .then_output(|| DescribeAlarmsOutput::builder().build());
    let denied = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_error(denied_alarms);
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(aws_sdk_oam, [])),
        clients(&[&ok, &denied], &[]),
        HashMap::new(),
        Vec::new(),
        Health::default(),
    );
    assert!(source.alarms().await.is_ok());
    // The only account fails: the console must see a failure (and mark its alarms stale),
    // not the last answer passed off as fresh.
    assert!(matches!(
        source.alarms().await,
        Err(SourceError::AccessDenied { .. })
    ));
}

const CUSTOM: &str = "MLTeam/ModelQuality";

/// ListMetrics through the monitoring account with a custom quality source: `scorer` (prod)
/// has instance metrics and publishes accuracy and AUC to `CUSTOM` by `model_endpoint`;
/// `quiet` (staging) is only there; `lossy` publishes a metric the catalogue does not know.
fn custom_listing() -> Rule {
    mock!(aws_sdk_cloudwatch::Client::list_metrics).then_compute_output(|input| {
        assert_eq!(input.include_linked_accounts(), Some(true));
        let dim = |k: &str, v: &str| Dimension::builder().name(k).value(v).build();
        let metric = |ns: &str, name: &str, dims: Vec<Dimension>| {
            Metric::builder()
                .namespace(ns)
                .metric_name(name)
                .set_dimensions(Some(dims))
                .build()
        };
        let mut out = ListMetricsOutput::builder();
        let listed: Vec<(Metric, &str)> = match input.namespace() {
            Some(INSTANCE) => vec![(
                metric(
                    INSTANCE,
                    "CPUUtilization",
                    vec![
                        dim("EndpointName", "scorer"),
                        dim("VariantName", "AllTraffic"),
                    ],
                ),
                "111111111111",
            )],
            Some(CUSTOM) => {
                // Found by its dimension over CloudWatch's full two weeks (quality lands
                // hourly or daily), whatever metric names the team uses.
                let filters: Vec<_> = input.dimensions().iter().map(|d| d.name()).collect();
                assert_eq!(filters, [Some("model_endpoint")]);
                assert_eq!(input.recently_active(), None);
                assert_eq!(input.metric_name(), None);
                vec![
                    (
                        metric(CUSTOM, "accuracy", vec![dim("model_endpoint", "scorer")]),
                        "111111111111",
                    ),
                    (
                        metric(CUSTOM, "auc", vec![dim("model_endpoint", "scorer")]),
                        "111111111111",
                    ),
                    (
                        metric(CUSTOM, "recall", vec![dim("model_endpoint", "quiet")]),
                        "222222222222",
                    ),
                    (
                        metric(CUSTOM, "loss", vec![dim("model_endpoint", "lossy")]),
                        "222222222222",
                    ),
                ]
            }
            _ => Vec::new(),
        };
        for (m, account) in listed {
            out = out.metrics(m).owning_accounts(account);
        }
        out.build()
    })
}

#[tokio::test]
async fn a_custom_quality_source_is_listed_fetched_and_shown_like_model_monitors() {
    let (sinks, page1, page2) = oam_rules();
    let oam = mock_client!(aws_sdk_oam, RuleMode::MatchAny, [&sinks, &page1, &page2]);
    let calls = Arc::new(Mutex::new(Vec::new()));
    let gmd = answering_metric_data(Arc::clone(&calls));
    let listing = custom_listing();
    let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_output(|| DescribeAlarmsOutput::builder().build());
    let sm = no_endpoints_in_sagemaker();
    // The fleet's last monitoring runs: none (quality is custom here).
    let schedules = mock!(aws_sdk_sagemaker::Client::list_monitoring_schedules).then_output(|| {
        aws_sdk_sagemaker::operation::list_monitoring_schedules::ListMonitoringSchedulesOutput::builder()
            .build()
    });
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(oam),
        clients(&[&gmd, &listing, &alarms], &[&sm, &schedules]),
        HashMap::new(),
        Vec::new(),
        Health::default(),
    )
    .with_quality_sources(&[sagewatch::config::QualityMetricsConfig {
        namespace: CUSTOM.into(),
        endpoint_dimension: "model_endpoint".into(),
        period: 300,
    }]);

    let endpoints = source.endpoints().await.unwrap();
    let seen: Vec<(&str, &str, Option<&str>)> = endpoints
        .iter()
        .map(|e| {
            (
                e.account_id.as_str(),
                e.name.as_str(),
                e.quality.as_ref().map(|q| q.namespace.as_str()),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("111111111111", "scorer", Some(CUSTOM)),
            // Only in the custom namespace: listed all the same, as a Model Monitor-only
            // endpoint is.
            ("222222222222", "quiet", Some(CUSTOM)),
        ]
    );
    assert_eq!(
        listing.num_calls(),
        4,
        "the three listings and the source's"
    );

    // The console asks GetMetricData for the custom series as configured.
    let mut state = console_state();
    let commands = init(&mut state);
    headless::settle(&source, &mut state, commands).await;
    let calls: Vec<GetMetricDataInput> = std::mem::take(&mut *calls.lock().unwrap());
    assert_eq!(count_queries(&calls, MODEL_QUALITY), 0);
    let custom: Vec<(&GetMetricDataInput, _)> = calls
        .iter()
        .flat_map(|c| c.metric_data_queries().iter().map(move |q| (c, q)))
        .filter(|(_, q)| {
            q.metric_stat()
                .and_then(|m| m.metric())
                .and_then(|m| m.namespace())
                == Some(CUSTOM)
        })
        .collect();
    // ACC, AUC, F2 (the fleet's quality columns) of two endpoints.
    assert_eq!(custom.len(), 6, "{custom:?}");
    for (call, q) in &custom {
        let stat = q.metric_stat().unwrap();
        let metric = stat.metric().unwrap();
        let dims: Vec<(Option<&str>, Option<&str>)> = metric
            .dimensions()
            .iter()
            .map(|d| (d.name(), d.value()))
            .collect();
        let name = if q.account_id() == Some("111111111111") {
            "scorer"
        } else {
            "quiet"
        };
        assert_eq!(dims, [(Some("model_endpoint"), Some(name))]);
        assert_eq!(stat.period(), Some(300));
        assert_eq!(stat.stat(), Some("Average"));
        assert!(["accuracy", "auc", "f2"].contains(&metric.metric_name().unwrap()));
        // A request of 300 s series starts and ends on their boundaries.
        assert_eq!(call.start_time().unwrap().secs() % 300, 0);
        assert_eq!(call.end_time().unwrap().secs() % 300, 0);
        assert!(
            call.metric_data_queries()
                .iter()
                .all(|q| q.metric_stat().and_then(|m| m.period()) == Some(300)),
            "periods are not mixed in one request"
        );
    }
    // The answers are held and shown as the endpoint's quality.
    let scorer = state.endpoints.iter().find(|e| e.name == "scorer").unwrap();
    let latest = sagewatch::app::query::metric_latest(
        &state.store,
        scorer,
        sagewatch::source::metrics::MetricId::Accuracy,
    );
    assert!(latest.is_some(), "no accuracy held for scorer");
}

/// Issue 26: an OAM sink in one region only. eu-west-1 has the sink and its links; us-east-1
/// has none, so its ListSinks answers nothing and that is said, named by its region, while
/// both regions' endpoints are listed with their regions and each series is asked of its
/// own region's CloudWatch.
#[tokio::test]
async fn an_oam_sink_in_one_region_only_lists_both_regions_and_says_which_has_none() {
    use sagewatch::source::metrics::{MetricId, series_keys};
    use sagewatch::source::regions::{RegionSource, Regions};
    let (sinks, page1, page2) = oam_rules();
    let (eu_calls, us_calls) = (Arc::default(), Arc::default());
    let (eu_gmd, us_gmd) = (
        answering_metric_data(Arc::clone(&eu_calls)),
        answering_metric_data(Arc::clone(&us_calls)),
    );
    let (eu_listing, us_listing) = (one_endpoint_listing("fraud"), one_endpoint_listing("ltv"));
    let none = no_endpoints_in_sagemaker();
    let source = |region: &str, oam, cloudwatch: &[&Rule]| RegionSource {
        region: region.into(),
        source: Box::new(AwsSource::from_clients(
            Identity {
                region: region.into(),
                ..identity()
            },
            Topology::oam(oam),
            clients(cloudwatch, &[&none]),
            HashMap::new(),
            Vec::new(),
            Health::default(),
        )),
    };
    let no_sink = mock!(aws_sdk_oam::Client::list_sinks).then_output(|| {
        ListSinksOutput::builder()
            .set_items(Some(Vec::new()))
            .build()
            .unwrap()
    });
    let regions = Regions::new(vec![
        source(
            "eu-west-1",
            mock_client!(aws_sdk_oam, RuleMode::MatchAny, [&sinks, &page1, &page2]),
            &[&eu_listing, &eu_gmd],
        ),
        source(
            "us-east-1",
            mock_client!(aws_sdk_oam, [&no_sink]),
            &[&us_listing, &us_gmd],
        ),
    ]);

    // The linked accounts are eu-west-1's; the monitoring account is listed once.
    let accounts = regions.accounts().await.unwrap();
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [MONITORING, "111111111111", "222222222222", "333333333333"]
    );
    let health = regions.health();
    let said: Vec<String> = health.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        said.iter()
            .any(|p| p.starts_with("us-east-1 ListSinks") && p.contains("no OAM sink")),
        "{said:?}"
    );
    assert!(!said.iter().any(|p| p.starts_with("eu-west-1")), "{said:?}");

    let mut endpoints = regions.endpoints().await.unwrap();
    endpoints.sort_by(|a, b| a.name.cmp(&b.name));
    let seen: Vec<(&str, &str)> = endpoints
        .iter()
        .map(|e| (e.name.as_str(), e.region.as_str()))
        .collect();
    assert_eq!(seen, [("fraud", "eu-west-1"), ("ltv", "us-east-1")]);

    let keys: Vec<SeriesKey> = (endpoints.iter())
        .flat_map(|e| series_keys(e, MetricId::Cpu))
        .collect();
    let data = regions
        .series(&SeriesRequest {
            keys: keys.clone().into(),
            start: NOW - 3600,
            end: NOW,
        })
        .await
        .unwrap();
    assert_eq!(data.len(), 2);
    assert!(data.iter().all(|d| !d.points.is_empty()), "{data:?}");
    let asked = |calls: &Arc<Mutex<Vec<GetMetricDataInput>>>| -> Vec<String> {
        calls
            .lock()
            .unwrap()
            .iter()
            .filter_map(first_endpoint)
            .collect()
    };
    assert_eq!(asked(&eu_calls), ["fraud"]);
    assert_eq!(asked(&us_calls), ["ltv"]);
}

/// A region whose every call starts failing keeps its endpoints and alarms on screen (its
/// last answers stand in, as a failing account's do within a region), and the status bar
/// names its failing calls; the other region goes on.
#[tokio::test]
async fn a_region_that_starts_failing_keeps_its_last_endpoints_and_alarms() {
    use sagewatch::source::regions::{RegionSource, Regions};
    let us = answers_once_then_denied("ltv-cpu", "ltv");
    let eu_listing = one_endpoint_listing("fraud");
    let eu_alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_output(|| DescribeAlarmsOutput::builder().build());
    let none = no_endpoints_in_sagemaker();
    let (sinks, page1, page2) = oam_rules();
    let source = |region: &str, cloudwatch: &[&Rule]| RegionSource {
        region: region.into(),
        source: Box::new(
            AwsSource::from_clients(
                Identity {
                    region: region.into(),
                    ..identity()
                },
                Topology::oam(mock_client!(
                    aws_sdk_oam,
                    RuleMode::MatchAny,
                    [&sinks, &page1, &page2]
                )),
                clients(cloudwatch, &[&none]),
                HashMap::new(),
                Vec::new(),
                Health::default(),
            )
            .one_of_several_regions(true),
        ),
    };
    let regions = Regions::new(vec![
        source("eu-west-1", &[&eu_listing, &eu_alarms]),
        source("us-east-1", &us.iter().collect::<Vec<_>>()),
    ]);
    let names = |endpoints: &[Endpoint]| -> Vec<(String, String)> {
        let mut v: Vec<_> = (endpoints.iter())
            .map(|e| (e.name.to_string(), e.region.to_string()))
            .collect();
        v.sort();
        v
    };
    let both = [
        ("fraud".to_owned(), "eu-west-1".to_owned()),
        ("ltv".to_owned(), "us-east-1".to_owned()),
    ];
    assert_eq!(names(&regions.endpoints().await.unwrap()), both);
    let alarms = regions.alarms().await.unwrap();
    assert_eq!(alarms.len(), 1);
    assert!(regions.health().problems.is_empty());

    // From now on every us-east-1 call is denied.
    assert_eq!(
        names(&regions.endpoints().await.unwrap()),
        both,
        "us-east-1's endpoint (and so its series) stays"
    );
    let alarms = regions.alarms().await.unwrap();
    let kept: Vec<(&str, &str)> = (alarms.iter())
        .map(|a| (a.name.as_str(), a.region.as_str()))
        .collect();
    assert_eq!(
        kept,
        [("ltv-cpu", "us-east-1")],
        "its alarm and colour stay"
    );
    let said: Vec<String> = (regions.health().problems.iter())
        .map(ToString::to_string)
        .collect();
    for call in ["us-east-1 DescribeAlarms", "us-east-1 ListMetrics"] {
        assert!(said.iter().any(|p| p.starts_with(call)), "{call}: {said:?}");
    }
}

/// A Metrics Insights answer as CloudWatch gives a ranking cut at 500 series out of more
/// than 10,000 metrics: one series per (account, endpoint) group, labelled with the group's
/// values, newest point first, and the messages that say what was left out.
fn ranking_answer(
    calls: Arc<Mutex<Vec<GetMetricDataInput>>>,
    accounts: &'static [&'static str],
    per_account: usize,
    cut: bool,
) -> Rule {
    use aws_sdk_cloudwatch::types::MessageData;
    mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
        calls.lock().unwrap().push(input.clone());
        let mut out = GetMetricDataOutput::builder();
        let mut n = 0;
        for account in accounts {
            for i in 0..per_account {
                n += 1;
                let value = 1000.0 - n as f64;
                let r = MetricDataResult::builder()
                    .id("rank")
                    .label(format!("{account} endpoint-{i:03}"))
                    .status_code(StatusCode::Complete)
                    .timestamps(DateTime::from_secs(NOW - 60))
                    .values(value)
                    .timestamps(DateTime::from_secs(NOW - 120))
                    .values(value + 7.0);
                out = out.metric_data_results(r.build());
            }
        }
        if cut {
            for (code, text) in [
                (
                    "MaxQueryResultsExceeded",
                    "Only the first 500 time series can be returned by a query.",
                ),
                (
                    "MaxMatchingResultsExceeded",
                    "The query matched more than 10.000 metrics, results might not be accurate.",
                ),
            ] {
                out = out.messages(MessageData::builder().code(code).value(text).build());
            }
        }
        out.build()
    })
}

#[tokio::test]
async fn a_metrics_insights_ranking_cut_at_500_series_says_what_was_left_out() {
    use sagewatch::source::metrics::MetricId;
    use sagewatch::source::ranks::{RankCut, RankQuery};
    let calls = Arc::new(Mutex::new(Vec::new()));
    let answer = ranking_answer(Arc::clone(&calls), &["111111111111"], 500, true);
    let (sinks, page1, page2) = oam_rules();
    let health = Health::default();
    let source = AwsSource::from_clients(
        identity(),
        Topology::oam(mock_client!(
            aws_sdk_oam,
            RuleMode::MatchAny,
            [&sinks, &page1, &page2]
        )),
        clients(&[&answer], &[]),
        HashMap::new(),
        Vec::new(),
        health.clone(),
    );
    assert!(source.ranks());
    let query = RankQuery {
        region: "eu-west-1".into(),
        account: None,
        metric: MetricId::Cpu,
        lowest_first: false,
        start: NOW - 300,
        end: NOW,
        analysed: 10_000,
    };
    let ranking = source.rank(&query).await.unwrap();
    assert_eq!(ranking.ranked.len(), 500);
    assert_eq!(
        ranking.cut,
        RankCut {
            series: true,
            metrics: true
        }
    );
    let first = &ranking.ranked[0];
    assert_eq!(
        (first.account_id.as_str(), first.endpoint.as_str()),
        ("111111111111", "endpoint-000")
    );
    assert_eq!(
        (first.at, first.value),
        (NOW - 60, 999.0),
        "the newest point"
    );

    // One query, as an expression, in the monitoring account, newest points first.
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    let queries = calls[0].metric_data_queries();
    assert_eq!(queries.len(), 1);
    assert_eq!(
        queries[0].expression(),
        Some(
            "SELECT MAX(\"CPUUtilization\") FROM SCHEMA(\"/aws/sagemaker/Endpoints\", \
             EndpointName, VariantName) GROUP BY AWS.AccountId, EndpointName \
             ORDER BY MAX() DESC LIMIT 500"
        )
    );
    assert_eq!(queries[0].period(), Some(60));
    assert!(queries[0].metric_stat().is_none() && queries[0].account_id().is_none());
    assert_eq!(
        (
            calls[0].start_time().map(|t| t.secs()),
            calls[0].end_time().map(|t| t.secs())
        ),
        (Some(NOW - 300), Some(NOW))
    );
    // Billed as the metrics it analyses.
    assert_eq!(health.snapshot().metrics_requested_last_hour, 10_000);
}

#[tokio::test]
async fn fan_out_ranks_in_each_account_and_joins_the_rankings() {
    use sagewatch::source::metrics::MetricId;
    use sagewatch::source::ranks::RankQuery;
    let (home_calls, staging_calls) = (Arc::default(), Arc::default());
    let home = ranking_answer(Arc::clone(&home_calls), &[MONITORING], 300, false);
    let staging = ranking_answer(Arc::clone(&staging_calls), &["222222222222"], 300, false);
    let mut accounts = HashMap::new();
    accounts.insert("222222222222".to_owned(), clients(&[&staging], &[]));
    let source = AwsSource::from_clients(
        identity(),
        Topology::Fanout,
        clients(&[&home], &[]),
        accounts,
        vec![account("222222222222", Some("staging"), false)],
        Health::default(),
    );
    let query = RankQuery {
        region: "eu-west-1".into(),
        account: None,
        metric: MetricId::Memory,
        lowest_first: false,
        start: NOW - 300,
        end: NOW,
        analysed: 600,
    };
    let ranking = source.rank(&query).await.unwrap();
    assert_eq!(home_calls.lock().unwrap().len(), 1);
    assert_eq!(staging_calls.lock().unwrap().len(), 1);
    // 600 ranked between them: the highest 500 are kept, and the cut is said.
    assert_eq!(ranking.ranked.len(), 500);
    assert!(ranking.cut.series && !ranking.cut.metrics);
    let values: Vec<f32> = ranking.ranked.iter().map(|r| r.value).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "highest first");
    assert_eq!(values[0], 999.0);
}
