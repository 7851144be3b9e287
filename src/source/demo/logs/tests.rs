use super::*;
use crate::clock::FixedClock;
use crate::logs::groups::{
    PROCESSING_JOBS_GROUP, endpoint_group, endpoint_query, job_query, job_stream_prefix,
};
use crate::logs::line::{Level, level};
use crate::source::FleetSource;
use crate::source::demo::{DemoConfig, DemoSource, UPDATE_BEFORE_START};
use crate::source::model::{EndpointKey, Epoch, ExecutionStatus};
use crate::source::monitor::{Execution, MonitorSource};
use futures::executor::block_on;
use std::collections::HashSet;

/// 2026-11-26 10:17:00 UTC, as the demo's other tests.
const START: Epoch = 1_795_688_220;
const PROD: &str = "111111111111";
const STAGING: &str = "222222222222";
const INSTANT: LogsTiming = LogsTiming {
    scheduled: Duration::ZERO,
    running: Duration::ZERO,
    tail_every: Duration::ZERO,
};

fn demo(seed: u64, now: Epoch, timing: LogsTiming) -> (DemoSource, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(now));
    let source = DemoSource::new(
        DemoConfig {
            seed,
            start: START,
            scale: None,
        },
        clock.clone(),
    )
    .with_logs_timing(timing);
    (source, clock)
}

fn logs(source: &DemoSource) -> &dyn LogsSource {
    source.logs().expect("the demo has logs")
}

fn target(account: &str, group: &str, prefix: Option<&str>) -> LogTarget {
    LogTarget {
        account_id: account.into(),
        groups: vec![group.into()],
        stream_prefix: prefix.map(Into::into),
        region: Default::default(),
    }
}

/// Every event of `[start_ms, end_ms]`, page after page.
fn all_events(
    source: &DemoSource,
    t: &LogTarget,
    pattern: Option<&str>,
    start_ms: i64,
    end_ms: Option<i64>,
) -> (Vec<LogEvent>, usize) {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let page =
            block_on(logs(source).filter_events(t, pattern, start_ms, end_ms, next.as_deref()))
                .unwrap();
        pages += 1;
        assert!(page.events.len() <= PAGE);
        out.extend(page.events);
        match page.next {
            Some(n) => next = Some(n),
            None => return (out, pages),
        }
        assert!(pages < 10_000, "paging never ends");
    }
}

fn data_endpoints(source: &DemoSource) -> Vec<(String, String)> {
    block_on(source.endpoints())
        .unwrap()
        .into_iter()
        .filter(|e| e.status == crate::source::model::EndpointStatus::InService)
        .map(|e| (e.account_id, e.name))
        .collect()
}

#[test]
fn errors_are_only_on_prod_fraud_detector_and_only_after_its_update() {
    let now = START + 600;
    let (source, _) = demo(7, now, INSTANT);
    let update_ms = (START - UPDATE_BEFORE_START) * 1000;
    let from = update_ms - 2 * 3_600_000;
    let endpoints = data_endpoints(&source);
    assert!(endpoints.len() >= 8, "{endpoints:?}");
    for (account, name) in endpoints {
        let t = target(&account, &endpoint_group(&name), None);
        let (events, _) = all_events(&source, &t, None, from, None);
        assert!(events.len() > 500, "{name}: {} lines", events.len());
        let errors = |after: bool| {
            events
                .iter()
                .filter(|e| (e.timestamp_ms >= update_ms) == after)
                .filter(|e| level(&e.message) == Level::Error || e.message.contains("KeyError"))
                .count()
        };
        let warns = events
            .iter()
            .filter(|e| level(&e.message) == Level::Warn)
            .count();
        match (account.as_str(), name.as_str()) {
            (PROD, "fraud-detector") => {
                assert_eq!(errors(false), 0, "errors before the update");
                assert!(errors(true) > 20, "{} errors after", errors(true));
                let missing: Vec<&LogEvent> = events
                    .iter()
                    .filter(|e| {
                        e.message
                            .contains("'merchant_category' missing from request")
                    })
                    .collect();
                assert!(missing.len() > 100, "{}", missing.len());
                assert!(missing.iter().all(|e| e.timestamp_ms >= update_ms));
                assert!(
                    events
                        .iter()
                        .any(|e| e.message == "KeyError: 'merchant_category'")
                );
                // Growing with the drift: the last hour warns more than the first after it.
                let count = |a: i64, b: i64| {
                    missing
                        .iter()
                        .filter(|e| (a..b).contains(&e.timestamp_ms))
                        .count()
                };
                let first = count(update_ms, update_ms + 1_800_000);
                let last = count(now * 1000 - 1_800_000, now * 1000);
                assert!(last > first, "first half hour {first}, last {last}");
            }
            (STAGING, "churn-predictor-stg") => {
                assert!(warns > 10, "the leak warns: {warns}");
                assert!(events.iter().all(|e| !e.message.contains("KeyError")));
            }
            _ => {
                assert_eq!(errors(true) + errors(false), 0, "{name} has errors");
                assert_eq!(warns, 0, "{name} has warnings");
            }
        }
    }
}

fn executions(source: &DemoSource, account: &str, endpoint: &str) -> Vec<Execution> {
    let key = EndpointKey {
        account_id: account.into(),
        name: endpoint.into(),
        region: Default::default(),
    };
    let mut out = Vec::new();
    let mut page: Option<String> = None;
    loop {
        let p = block_on(source.executions(&key, None, page.as_deref())).unwrap();
        out.extend(p.executions);
        match p.next {
            Some(n) => page = Some(n),
            None => return out,
        }
    }
}

fn job_of(x: &Execution) -> String {
    x.processing_job_arn
        .as_deref()
        .and_then(|a| a.rsplit('/').next())
        .unwrap()
        .to_owned()
}

fn job_events(source: &DemoSource, account: &str, x: &Execution) -> Vec<LogEvent> {
    let job = job_of(x);
    let t = target(
        account,
        PROCESSING_JOBS_GROUP,
        Some(&job_stream_prefix(&job)),
    );
    let created = x.created.unwrap();
    let (events, _) = all_events(
        source,
        &t,
        None,
        created * 1000,
        Some(x.modified.unwrap() * 1000 + 999),
    );
    events
}

#[test]
fn a_monitoring_run_logs_its_checks_and_names_its_violations() {
    let now = START + 600;
    let (source, _) = demo(7, now, INSTANT);
    let runs = executions(&source, PROD, "fraud-detector");
    let reveal = runs
        .iter()
        .find(|x| {
            x.schedule == "fraud-detector-model-quality"
                && x.status == ExecutionStatus::CompletedWithViolations
        })
        .expect("the incident's run");
    assert_eq!(reveal.modified, Some(START + 240));
    let events = job_events(&source, PROD, reveal);
    let job = job_of(reveal);
    let stream = format!("{job}/algo-1-{}", reveal.created.unwrap());
    assert!(events.iter().all(|e| e.stream == stream), "{events:?}");
    let text: Vec<&str> = events.iter().map(|e| e.message.as_str()).collect();
    assert!(
        text[0].contains(&format!("processing job {job}")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|l| l.contains("Constraint violation: accuracy LessThanThreshold")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|l| l.contains("Violations found:") && l.contains("accuracy")),
        "{text:?}"
    );
    assert!(
        text.last()
            .unwrap()
            .contains("Completed: CompletedWithViolations"),
        "{text:?}"
    );
    // The report says the same.
    let report = block_on(source.violations(reveal)).unwrap();
    for v in &report.violations {
        assert!(
            text.iter()
                .any(|l| l.contains(&format!("violation: {}", v.subject))),
            "{v:?} not in {text:?}"
        );
    }

    // A clean run before the drift says so.
    let clean = runs
        .iter()
        .find(|x| {
            x.schedule == "fraud-detector-model-quality" && x.status == ExecutionStatus::Completed
        })
        .unwrap();
    let text: Vec<String> = job_events(&source, PROD, clean)
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert!(
        text.iter().any(|l| l.contains("No violations found")),
        "{text:?}"
    );
    assert!(!text.iter().any(|l| l.contains("Constraint violation")));

    // A failed run gives its reason.
    let failed = executions(&source, PROD, "recommender-v2")
        .into_iter()
        .find(|x| x.status == ExecutionStatus::Failed)
        .expect("recommender-v2's data quality fails now and then");
    let reason = failed.failure_reason.clone().unwrap();
    let text: Vec<String> = job_events(&source, PROD, &failed)
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert!(
        text.iter()
            .any(|l| l.contains("Job failed") && l.contains(&reason)),
        "{text:?}"
    );
}

#[test]
fn a_run_in_progress_has_logged_only_what_it_reached() {
    // The incident's run is in progress a minute before it completes.
    let (source, clock) = demo(7, START + 180, INSTANT);
    let x = executions(&source, PROD, "fraud-detector")
        .into_iter()
        .find(|x| {
            x.schedule == "fraud-detector-model-quality" && x.status == ExecutionStatus::InProgress
        })
        .expect("in progress");
    let t = target(
        PROD,
        PROCESSING_JOBS_GROUP,
        Some(&job_stream_prefix(&job_of(&x))),
    );
    let start = x.created.unwrap() * 1000;
    let (before, _) = all_events(&source, &t, None, start, None);
    assert!(!before.is_empty());
    assert!(!before.iter().any(|e| e.message.contains("Completed")));
    clock.set(START + 600);
    let (after, _) = all_events(&source, &t, None, start, None);
    assert!(after.len() > before.len());
    assert_eq!(&after[..before.len()], &before[..], "what was logged stays");
    assert!(after.last().unwrap().message.contains("Completed"));
}

#[test]
fn logs_are_deterministic_and_seeded() {
    let now = START + 600;
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    let read = |seed| {
        let (source, _) = demo(seed, now, INSTANT);
        all_events(&source, &t, None, (now - 1800) * 1000, None).0
    };
    let a = read(7);
    assert_eq!(a, read(7));
    let b = read(8);
    assert_ne!(a, b, "the seed changes the noise");
    let streams = |v: &[LogEvent]| v.iter().map(|e| e.stream.clone()).collect::<HashSet<_>>();
    assert_eq!(streams(&a), streams(&b), "not the instances");
    // Streams are <variant>/<instance-id>, both variants present.
    for s in streams(&a) {
        let (variant, id) = s.split_once('/').unwrap();
        assert!(["blue", "green"].contains(&variant), "{s}");
        assert!(id.starts_with("i-0") && id.len() == 19, "{s}");
    }
    // A window read in two halves is the same as read whole.
    let (source, _) = demo(7, now, INSTANT);
    let mid = (now - 900) * 1000 + 123;
    let (first, _) = all_events(&source, &t, None, (now - 1800) * 1000, Some(mid - 1));
    let (second, _) = all_events(&source, &t, None, mid, None);
    assert_eq!([first, second].concat(), a);
}

#[test]
fn pages_are_oldest_first_with_unique_ids() {
    let now = START + 600;
    let (source, _) = demo(7, now, INSTANT);
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    let (events, pages) = all_events(&source, &t, None, (now - 86_400) * 1000, None);
    assert!(pages >= 3, "{pages} pages of {}", events.len());
    assert!(
        events
            .windows(2)
            .all(|w| w[0].timestamp_ms <= w[1].timestamp_ms),
        "oldest first"
    );
    let ids: HashSet<&str> = events
        .iter()
        .filter_map(|e| e.event_id.as_deref())
        .collect();
    assert_eq!(ids.len(), events.len(), "unique ids");
    assert!(
        events.iter().all(|e| e.timestamp_ms < now * 1000),
        "nothing from the future"
    );
    let first =
        block_on(logs(&source).filter_events(&t, None, (now - 86_400) * 1000, None, None)).unwrap();
    assert_eq!(first.events.len(), PAGE);
    assert!(first.next.is_some());
    // Nothing older than the groups keep, however far back a search starts.
    let oldest = block_on(logs(&source).filter_events(&t, None, 0, None, None)).unwrap();
    assert!(oldest.events[0].timestamp_ms >= (now - RETENTION_SECS) * 1000);
    assert!(oldest.events[0].timestamp_ms < (now - RETENTION_SECS + 60) * 1000);
    let bad = block_on(logs(&source).filter_events(&t, None, 0, None, Some("x"))).unwrap_err();
    assert!(bad.to_string().contains("nextToken"), "{bad}");
}

#[test]
fn filter_patterns_select_and_refuse() {
    let now = START + 600;
    let (source, _) = demo(7, now, INSTANT);
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    let from = (now - 3600) * 1000;
    let (all, _) = all_events(&source, &t, None, from, None);
    let count = |p: &str| all_events(&source, &t, Some(p), from, None).0;
    let either = count("?ERROR ?WARNING");
    assert_eq!(
        either.len(),
        all.iter()
            .filter(|e| e.message.contains("ERROR") || e.message.contains("WARNING"))
            .count()
    );
    assert!(!either.is_empty());
    // The traceback's lines name the feature; its warnings are left out.
    let phrase = count("\"merchant_category\" -\"missing from request\"");
    assert!(!phrase.is_empty());
    assert!(phrase.iter().all(|e| {
        e.message.contains("merchant_category") && !e.message.contains("missing from request")
    }));
    let named = all
        .iter()
        .filter(|e| e.message.contains("merchant_category"));
    assert!(phrase.len() < named.count(), "the warnings were left out");
    assert!(count("keyerror").is_empty(), "case-sensitive");
    let err = block_on(logs(&source).filter_events(&t, Some("{ $.level = 1 }"), from, None, None))
        .unwrap_err();
    assert!(
        err.to_string().contains("supported filter patterns"),
        "{err}"
    );
    // A stream prefix narrows to its streams.
    let green = target(PROD, &endpoint_group("fraud-detector"), Some("green/"));
    let (g, _) = all_events(&source, &green, None, from, None);
    assert!(!g.is_empty() && g.iter().all(|e| e.stream.starts_with("green/")));
}

#[test]
fn unknown_groups_do_not_exist() {
    let (source, _) = demo(7, START, INSTANT);
    for (account, group) in [
        (PROD, "/aws/sagemaker/Endpoints/nope"),
        (STAGING, "/aws/sagemaker/Endpoints/fraud-detector"),
        // Still being created: nothing has logged yet.
        (STAGING, "/aws/sagemaker/Endpoints/image-tagger"),
        ("100000000000", PROCESSING_JOBS_GROUP),
        (PROD, "/aws/lambda/x\u{1b}[31m"),
    ] {
        let t = target(account, group, None);
        let e = block_on(logs(&source).filter_events(&t, None, 0, None, None)).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("ResourceNotFoundException") && text.contains("does not exist"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "{text:?}");
        let q = InsightsQuery {
            target: t.clone(),
            query: endpoint_query().into(),
            start: START - 3600,
            end: START,
        };
        assert!(block_on(logs(&source).start_query(&q)).is_err());
        assert!(block_on(logs(&source).live_tail(&t, None)).is_err());
    }
    // A group by ARN is the same group.
    let arn = crate::logs::groups::group_arn("eu-west-1", PROD, &endpoint_group("fraud-detector"));
    let t = target(PROD, &arn, None);
    assert!(
        block_on(logs(&source).filter_events(&t, None, (START - 60) * 1000, None, None)).is_ok()
    );
}

fn run_query(
    source: &DemoSource,
    t: &LogTarget,
    query: &str,
    start: Epoch,
    end: Epoch,
) -> InsightsResults {
    let q = InsightsQuery {
        target: t.clone(),
        query: query.into(),
        start,
        end,
    };
    let id = block_on(logs(source).start_query(&q)).unwrap();
    block_on(logs(source).query_results(t, &id)).unwrap()
}

#[test]
fn insights_default_queries_find_the_incident() {
    let now = START + 600;
    let (source, _) = demo(7, now, INSTANT);
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    let r = run_query(&source, &t, endpoint_query(), now - 3600, now);
    assert_eq!(r.state, Some(InsightsState::Complete));
    assert_eq!(r.columns, ["@timestamp", "@logStream", "@message"]);
    assert!(r.rows.len() > 50, "{}", r.rows.len());
    assert!(r.rows.len() <= 500, "its limit");
    let re = regex_lite::Regex::new("(?i)(error|exception|traceback|warn)").unwrap();
    assert!(
        r.rows.iter().all(|row| re.is_match(&row[2])),
        "only errors and warnings"
    );
    assert!(
        r.rows.windows(2).all(|w| w[0][0] >= w[1][0]),
        "newest first"
    );
    assert!(r.stats.records_scanned > r.stats.records_matched);
    assert!(r.stats.records_matched >= r.rows.len() as f64);
    assert!(r.stats.bytes_scanned > 0.0);

    // A healthy endpoint's: nothing.
    let healthy = target(PROD, &endpoint_group("churn-predictor"), None);
    let r = run_query(&source, &healthy, endpoint_query(), now - 3600, now);
    assert_eq!(r.state, Some(InsightsState::Complete));
    assert!(r.rows.is_empty());
    assert!(r.stats.records_scanned > 0.0);

    // A monitoring run's: its own stream, in order.
    let x = executions(&source, PROD, "fraud-detector")
        .into_iter()
        .find(|x| x.status == ExecutionStatus::CompletedWithViolations)
        .unwrap();
    let job = job_of(&x);
    let jobs = target(PROD, PROCESSING_JOBS_GROUP, None);
    let r = run_query(
        &source,
        &jobs,
        &job_query(&job).unwrap(),
        x.created.unwrap() - 60,
        now,
    );
    assert_eq!(r.state, Some(InsightsState::Complete));
    assert!(r.rows.len() >= 8, "{:?}", r.rows);
    assert!(
        r.rows
            .iter()
            .all(|row| row[1].starts_with(&format!("{job}/")))
    );
    assert!(
        r.rows.windows(2).all(|w| w[0][0] <= w[1][0]),
        "oldest first"
    );
    assert!(r.rows.iter().any(|row| row[2].contains("Violations found")));

    // Errors per five minutes.
    let r = run_query(
        &source,
        &t,
        "filter @message like /KeyError/ | stats count(*) by bin(5m)",
        now - 3600,
        now,
    );
    assert_eq!(r.columns, ["bin(5m)", "count(*)"]);
    assert!(r.rows.len() >= 10, "{:?}", r.rows);
}

#[test]
fn unsupported_queries_fail_saying_what_the_demo_evaluates() {
    let (source, _) = demo(7, START, INSTANT);
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    for q in [
        "fields @timestamp | parse @message \"* *\" as a, b",
        "stats avg(latency) by bin(5m)",
        "filter @message like /(unclosed/",
        "filter @message like /a|b",
        "fields @nope",
        "limit 0",
        "sort @message asc",
        "stats count(*) by bin(5é)",
    ] {
        let r = run_query(&source, &t, q, START - 600, START);
        assert_eq!(r.state, Some(InsightsState::Failed), "{q}");
        assert_eq!(r.columns, ["reason"], "{q}");
        assert!(!r.rows[0][0].is_empty(), "{q}");
    }
    let r = run_query(&source, &t, "display @message", START - 600, START);
    assert!(r.rows[0][0].contains("the demo evaluates"), "{:?}", r.rows);
}

#[test]
fn a_query_is_scheduled_runs_with_partial_results_and_can_be_stopped() {
    let long = Duration::from_secs(3600);
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    let start = |source: &DemoSource| {
        let q = InsightsQuery {
            target: t.clone(),
            query: endpoint_query().into(),
            start: START - 3600,
            end: START,
        };
        block_on(logs(source).start_query(&q)).unwrap()
    };
    let timing = LogsTiming {
        scheduled: long,
        ..INSTANT
    };
    let (source, _) = demo(7, START, timing);
    let id = start(&source);
    let r = block_on(logs(&source).query_results(&t, &id)).unwrap();
    assert_eq!(r.state, Some(InsightsState::Scheduled));
    assert!(r.rows.is_empty());

    let timing = LogsTiming {
        running: long,
        ..INSTANT
    };
    let (source, _) = demo(7, START, timing);
    let id = start(&source);
    let r = block_on(logs(&source).query_results(&t, &id)).unwrap();
    assert_eq!(r.state, Some(InsightsState::Running));
    block_on(logs(&source).stop_query(&t, &id)).unwrap();
    let r = block_on(logs(&source).query_results(&t, &id)).unwrap();
    assert_eq!(r.state, Some(InsightsState::Cancelled));
    // Another account's query of the same id is not found.
    let other = target(STAGING, &endpoint_group("churn-predictor-stg"), None);
    assert!(block_on(logs(&source).query_results(&other, &id)).is_err());
    assert!(block_on(logs(&source).query_results(&t, "nope")).is_err());

    // Finished: cannot be stopped.
    let (source, _) = demo(7, START, INSTANT);
    let id = start(&source);
    assert!(block_on(logs(&source).stop_query(&t, &id)).is_err());
}

#[test]
fn partial_results_grow_to_the_full_answer() {
    // The fraction is computed from elapsed real time; with a run of an hour it is ~0 now,
    // and the Complete answer (instant timing) has all the rows.
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    let q = InsightsQuery {
        target: t.clone(),
        query: endpoint_query().into(),
        start: START - 3600,
        end: START,
    };
    let (source, _) = demo(
        7,
        START,
        LogsTiming {
            running: Duration::from_secs(3600),
            ..INSTANT
        },
    );
    let id = block_on(logs(&source).start_query(&q)).unwrap();
    let partial = block_on(logs(&source).query_results(&t, &id)).unwrap();
    let (source, _) = demo(7, START, INSTANT);
    let id = block_on(logs(&source).start_query(&q)).unwrap();
    let full = block_on(logs(&source).query_results(&t, &id)).unwrap();
    assert!(partial.rows.len() < full.rows.len());
    assert!(partial.stats.records_scanned < full.stats.records_scanned);
    assert_eq!(&full.rows[..partial.rows.len()], &partial.rows[..]);
}

#[test]
fn the_tail_yields_new_lines_as_the_clock_advances() {
    let now = START + 600;
    let (source, clock) = demo(7, now, INSTANT);
    let t = target(PROD, &endpoint_group("fraud-detector"), None);
    let mut tail = block_on(logs(&source).live_tail(&t, None)).unwrap();
    let next = |tail: &mut Box<dyn LiveSession>| block_on(tail.next()).unwrap().unwrap();
    let u = next(&mut tail);
    assert!(u.events.is_empty(), "a frozen clock: nothing new");
    clock.advance(120);
    let u = next(&mut tail);
    assert!(!u.sampled);
    assert!(u.events.len() > 10, "{}", u.events.len());
    assert!(
        u.events
            .iter()
            .all(|e| (now * 1000..(now + 120) * 1000).contains(&e.timestamp_ms))
    );
    // The same lines FilterLogEvents has for that window.
    let (same, _) = all_events(&source, &t, None, now * 1000, Some((now + 120) * 1000 - 1));
    assert_eq!(u.events, same);
    assert!(next(&mut tail).events.is_empty(), "delivered once");

    // The pattern and the stream prefix.
    let green = target(PROD, &endpoint_group("fraud-detector"), Some("green/"));
    let mut tail = block_on(logs(&source).live_tail(&green, Some("KeyError"))).unwrap();
    clock.advance(1800);
    let u = next(&mut tail);
    assert!(!u.events.is_empty());
    assert!(
        u.events
            .iter()
            .all(|e| e.stream.starts_with("green/") && e.message.contains("KeyError"))
    );

    // More than 500 in one update: cut to 500 and marked sampled, as AWS does.
    let mut tail = block_on(logs(&source).live_tail(&t, None)).unwrap();
    clock.advance(25 * 60);
    let u = next(&mut tail);
    assert!(u.sampled);
    assert_eq!(u.events.len(), TAIL_MAX);
    // A clock that jumps hours ahead: the update reaches back a bounded time, sampled.
    clock.advance(3 * 3600);
    let u = next(&mut tail);
    assert!(u.sampled);
    let now_ms = (now + 120 + 1800 + 25 * 60 + 3 * 3600) * 1000;
    assert!(
        u.events
            .iter()
            .all(|e| e.timestamp_ms >= now_ms - TAIL_CATCH_UP_MS)
    );

    // A job's tail shows the runs as they log.
    let jobs = target(PROD, PROCESSING_JOBS_GROUP, None);
    let mut tail = block_on(logs(&source).live_tail(&jobs, None)).unwrap();
    clock.advance(3600);
    let u = next(&mut tail);
    assert!(u.events.iter().any(|e| {
        e.message
            .contains("Starting sagemaker-model-monitor-analyzer")
    }));
    assert!(
        block_on(logs(&source).live_tail(&jobs, Some("%bad%"))).is_err(),
        "an unsupported pattern is refused"
    );
}

#[test]
fn every_line_is_safe_to_show() {
    let now = START + 600;
    let (source, _) = demo(7, now, INSTANT);
    let mut n = 0;
    let mut groups: Vec<(String, String)> = data_endpoints(&source)
        .into_iter()
        .map(|(a, e)| (a, endpoint_group(&e)))
        .collect();
    groups.push((PROD.into(), PROCESSING_JOBS_GROUP.into()));
    groups.push((STAGING.into(), PROCESSING_JOBS_GROUP.into()));
    for (account, group) in groups {
        let t = target(&account, &group, None);
        let (events, _) = all_events(&source, &t, None, (now - 7200) * 1000, None);
        for e in &events {
            for s in [&e.message, &e.stream] {
                assert!(
                    !s.chars()
                        .any(|c| c.is_control() || crate::sanitize::needs_replacing(c)),
                    "{s:?}"
                );
            }
            assert!(
                !e.message.contains("… ["),
                "no line is long enough to be cut"
            );
            // Every `{name}` of every template was filled.
            assert!(!e.message.contains(['{', '}']), "{:?}", e.message);
        }
        n += events.len();
    }
    assert!(n > 5_000, "{n}");
}
