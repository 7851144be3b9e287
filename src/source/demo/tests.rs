use super::*;
use crate::clock::FixedClock;
use crate::source::metrics::MetricId;
use crate::source::metrics::{self, METRICS};
use crate::source::monitor::MonitorSource;
use futures::executor::block_on;
use std::collections::HashSet;
use std::sync::Arc;

/// 2026-11-26 10:17:00 UTC.
const START: Epoch = 1_795_688_220;

fn demo_at(seed: u64, start: Epoch, now: Epoch) -> (DemoSource, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(now));
    let source = DemoSource::new(
        DemoConfig {
            seed,
            start,
            scale: None,
        },
        clock.clone(),
    );
    (source, clock)
}

fn all_keys(source: &DemoSource) -> Vec<SeriesKey> {
    let endpoints = block_on(source.endpoints()).unwrap();
    endpoints
        .iter()
        .flat_map(|e| {
            METRICS
                .iter()
                .flat_map(move |m| metrics::series_keys(e, m.id))
        })
        .collect()
}

fn window(source: &DemoSource, now: Epoch) -> Vec<SeriesData> {
    let request = SeriesRequest {
        keys: all_keys(source).into(),
        start: now - 2 * 86_400,
        end: now + 3_600,
    };
    block_on(source.series(&request)).unwrap()
}

fn alarm(source: &DemoSource, name: &str) -> Alarm {
    block_on(source.alarms())
        .unwrap()
        .into_iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no alarm {name}"))
}

fn key_of(source: &DemoSource, account: &str, endpoint: &str, metric: MetricId) -> SeriesKey {
    let e = block_on(source.endpoints())
        .unwrap()
        .into_iter()
        .find(|e| e.account_id == account && e.name == endpoint)
        .unwrap();
    metrics::series_keys(&e, metric).remove(0)
}

#[test]
fn same_seed_start_and_time_give_identical_results() {
    let (a, _) = demo_at(7, START, START + 300);
    let (b, _) = demo_at(7, START, START + 300);
    assert_eq!(window(&a, START + 300), window(&b, START + 300));
    assert_eq!(block_on(a.alarms()).unwrap(), block_on(b.alarms()).unwrap());
    for al in block_on(a.alarms()).unwrap() {
        assert_eq!(
            block_on(a.alarm_history(&al.account_id, &al.name)).unwrap(),
            block_on(b.alarm_history(&al.account_id, &al.name)).unwrap()
        );
    }
}

#[test]
fn different_seeds_give_different_noise() {
    let (a, _) = demo_at(1, START, START);
    let (b, _) = demo_at(2, START, START);
    let (wa, wb) = (window(&a, START), window(&b, START));
    assert_eq!(wa.len(), wb.len());
    let differing = wa
        .iter()
        .zip(&wb)
        .filter(|(x, y)| x.points != y.points)
        .count();
    assert!(differing > wa.len() / 2, "only {differing} series differ");
}

#[test]
fn accounts_monitoring_first_then_source_accounts() {
    let (s, _) = demo_at(0, START, START);
    let accounts = block_on(s.accounts()).unwrap();
    assert_eq!(accounts[0].id, "100000000000");
    assert!(accounts[0].monitoring);
    let labels: Vec<&str> = accounts[1..].iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["prod", "staging", "test"]);
    assert!(
        accounts
            .iter()
            .all(|a| a.id.len() == 12 && a.id.bytes().all(|b| b.is_ascii_digit()))
    );
    assert!(accounts[1..].iter().all(|a| !a.monitoring));
    let id = block_on(s.identity()).unwrap();
    assert_eq!(id.account_id, "100000000000");
    assert_eq!(id.region, "eu-west-1");
    assert_eq!(s.kind(), SourceKind::Demo);
    let endpoints = block_on(s.endpoints()).unwrap();
    assert!(endpoints.len() >= 9);
    for e in &endpoints {
        // An endpoint whose quality comes from a custom source has no Model Monitor.
        if e.quality.is_some() {
            assert!(e.monitoring_schedules.is_empty(), "{}", e.name);
        } else if e.status != EndpointStatus::Creating {
            assert_eq!(
                e.monitoring_schedules[0],
                format!("{}-model-quality", e.name)
            );
        }
    }
}

/// The incident must hold whatever the seed and wherever `start` falls in its hour.
#[test]
fn accuracy_alarm_fires_exactly_when_the_revealing_run_completes() {
    for seed in 0..8 {
        for start in [
            START,
            START - 17 * 60,
            START + 41 * 60 + 30,
            START - 17 * 60 - 240,
        ] {
            let (s, clock) = demo_at(seed, start, start + 239);
            let before = alarm(&s, "prod-fraud-detector-accuracy");
            assert_eq!(
                before.state,
                AlarmState::Ok,
                "seed {seed} start {start}: {}",
                before.reason
            );
            clock.set(start + INCIDENT_AFTER_START);
            let after = alarm(&s, "prod-fraud-detector-accuracy");
            assert_eq!(after.state, AlarmState::Alarm, "seed {seed} start {start}");
            assert_eq!(after.state_since, start + INCIDENT_AFTER_START);
            assert!(
                after.reason.starts_with("Threshold Crossed: 1 datapoint ["),
                "{}",
                after.reason
            );
            assert!(
                after
                    .reason
                    .ends_with("was less than the threshold (0.85)."),
                "{}",
                after.reason
            );
            assert_eq!(
                after.endpoint.as_ref().map(|e| e.account_id.as_str()),
                Some("111111111111")
            );
            assert_eq!(after.account_id, "100000000000");

            // Hourly points before the reveal drift but stay above the threshold.
            let key = key_of(&s, "111111111111", "fraud-detector", MetricId::Accuracy);
            let points = &block_on(s.series(&SeriesRequest {
                keys: vec![key].into(),
                start: start - 2 * 86_400,
                end: start + 3_600,
            }))
            .unwrap()[0]
                .points;
            let (last_t, last_v) = *points.last().unwrap();
            assert!(last_v < 0.80, "revealing point {last_v}");
            assert!(
                last_t <= start + INCIDENT_AFTER_START
                    && last_t + 3_600 > start + INCIDENT_AFTER_START
            );
            assert!(points.len() >= 48);
            assert!(
                points[..points.len() - 1].iter().all(|(_, v)| *v > 0.85),
                "{points:?}"
            );
            let before_update: f64 = points[points.len() - 10..points.len() - 4]
                .iter()
                .map(|p| p.1)
                .sum::<f64>()
                / 6.0;
            assert!(
                points[points.len() - 2].1 < before_update,
                "no drift before the reveal"
            );
        }
    }
}

#[test]
fn all_three_states_at_start_plus_300() {
    for seed in [0, 1, 42] {
        let (s, _) = demo_at(seed, START, START + 300);
        let alarms = block_on(s.alarms()).unwrap();
        assert!(alarms.len() >= 10);
        let states: HashSet<AlarmState> = alarms.iter().map(|a| a.state).collect();
        assert_eq!(states.len(), 3, "{states:?}");
        let state = |n: &str| alarms.iter().find(|a| a.name == n).unwrap().state;
        assert_eq!(state("prod-fraud-detector-accuracy"), AlarmState::Alarm);
        assert_eq!(state("prod-fraud-detector-health"), AlarmState::Alarm);
        assert_eq!(
            state("staging-churn-predictor-stg-memory-high"),
            AlarmState::Alarm
        );
        assert_eq!(
            state("staging-image-tagger-accuracy"),
            AlarmState::InsufficientData
        );
        assert_eq!(
            state("staging-image-tagger-cpu-high"),
            AlarmState::InsufficientData
        );
        assert_eq!(state("prod-churn-predictor-accuracy"), AlarmState::Ok);
        assert!(alarms.iter().any(|a| !a.actions_enabled));
        for a in &alarms {
            assert_eq!(a.account_id, "100000000000");
            assert!(a.state_since <= START + 300);
            assert!(!a.reason.is_empty());
        }
    }
}

#[test]
fn composite_follows_its_children() {
    let (s, clock) = demo_at(3, START, START + 200);
    let c = alarm(&s, "prod-fraud-detector-health");
    assert!(
        matches!(&c.kind, AlarmKind::Composite { rule } if rule.contains("ALARM(\"prod-fraud-detector-accuracy\")"))
    );
    let five = alarm(&s, "prod-fraud-detector-5xx");
    assert_eq!(
        c.state == AlarmState::Alarm,
        five.state == AlarmState::Alarm
    );
    clock.set(START + 240);
    let c = alarm(&s, "prod-fraud-detector-health");
    assert_eq!(c.state, AlarmState::Alarm);
    assert!(
        c.reason
            .contains("alarm:prod-fraud-detector-accuracy transitioned to ALARM"),
        "{}",
        c.reason
    );
}

#[test]
fn no_point_is_newer_than_now_allows() {
    let now = START + 300 + 17;
    let (s, _) = demo_at(5, START, now);
    for d in window(&s, now) {
        let period = i64::from(d.key.period);
        for (t, _) in &d.points {
            assert_eq!(t.rem_euclid(period), 0, "unaligned point");
            if period == 60 {
                assert!(t + 60 <= now, "{} at {t}", d.key.metric);
            } else {
                assert!(*t <= now);
            }
        }
    }
}

/// A series answer is allocated once, at its size: grown by doubling, 48 hourly points took
/// room for 64, and a snapshot's fleet answer is held at its peak.
#[test]
fn a_series_answer_holds_no_room_beyond_its_points() {
    let now = START + 2 * 86_400;
    let (s, _) = demo_at(5, START, now);
    let answers = window(&s, now);
    let full: Vec<_> = answers.iter().filter(|d| d.points.len() > 8).collect();
    assert!(full.len() > 50, "{} series with points", full.len());
    for d in full {
        assert_eq!(d.points.capacity(), d.points.len(), "{}", d.key.metric);
    }
}

#[test]
fn advancing_the_clock_brings_new_points() {
    let (s, clock) = demo_at(5, START, START);
    let key = key_of(&s, "111111111111", "churn-predictor", MetricId::Cpu);
    let req = SeriesRequest {
        keys: vec![key].into(),
        start: START - 600,
        end: START + 86_400,
    };
    let before = block_on(s.series(&req)).unwrap()[0].points.clone();
    assert_eq!(before.last().unwrap().0, START.div_euclid(60) * 60 - 60);
    clock.advance(60);
    let after = block_on(s.series(&req)).unwrap()[0].points.clone();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(
        &after[..before.len()],
        &before[..],
        "history changed as time passed"
    );
}

#[test]
fn range_is_respected_and_unknown_keys_are_empty() {
    let (s, _) = demo_at(5, START, START + 3_600);
    let mut key = key_of(&s, "111111111111", "fraud-detector", MetricId::Cpu);
    let req = SeriesRequest {
        keys: vec![key.clone()].into(),
        start: START + 1,
        end: START + 600,
    };
    let pts = &block_on(s.series(&req)).unwrap()[0].points;
    assert_eq!(pts.len(), 10);
    assert!(
        pts.iter()
            .all(|(t, _)| (START + 1..=START + 600).contains(t))
    );
    key.period = 300;
    let unknown = SeriesKey::new("111111111111", "AWS/SageMaker", "Nope", &[], Stat::Sum, 60);
    let other_account = SeriesKey {
        account_id: "333333333333".into(),
        ..key_of(&s, "111111111111", "fraud-detector", MetricId::Cpu)
    };
    let res = block_on(s.series(&SeriesRequest {
        keys: vec![key, unknown, other_account].into(),
        start: START - 3_600,
        end: START,
    }))
    .unwrap();
    assert_eq!(res.len(), 3);
    assert!(res.iter().all(|d| d.points.is_empty()));
}

#[test]
fn creating_endpoint_has_no_data_and_no_schedule() {
    let (s, _) = demo_at(5, START, START + 300);
    let e = block_on(s.endpoints())
        .unwrap()
        .into_iter()
        .find(|e| e.name == "image-tagger")
        .unwrap();
    assert_eq!(e.status, EndpointStatus::Creating);
    let mut keys: Vec<SeriesKey> = METRICS
        .iter()
        .flat_map(|m| metrics::series_keys(&e, m.id))
        .collect();
    assert!(!keys.is_empty());
    keys.push(SeriesKey::new(
        &e.account_id,
        metrics::NS_MODEL_QUALITY,
        "accuracy",
        &[
            ("Endpoint", "image-tagger"),
            ("MonitoringSchedule", "image-tagger-model-quality"),
        ],
        Stat::Average,
        3600,
    ));
    let res = block_on(s.series(&SeriesRequest {
        keys: keys.into(),
        start: START - 86_400,
        end: START + 300,
    }))
    .unwrap();
    assert!(res.iter().all(|d| d.points.is_empty()));
    assert!(
        block_on(s.monitoring_schedules(&e.key()))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn every_metric_has_plausible_values() {
    let (s, _) = demo_at(9, START, START + 300);
    for d in window(&s, START + 300) {
        let Some(e) = metrics::endpoint_name_of(&d.key) else {
            panic!()
        };
        if e == "image-tagger" {
            continue;
        }
        assert!(!d.points.is_empty(), "{} {} empty", e, d.key.metric);
        let (lo, hi) = match d.key.metric.as_str() {
            "CPUUtilization" => (0.0, 200.0),
            "MemoryUtilization" | "DiskUtilization" => (0.0, 100.0),
            "Invocations" | "ModelLatency" | "Invocation5XXErrors" => (0.0, f64::MAX),
            _ => (0.5, 1.0),
        };
        assert!(
            d.points
                .iter()
                .all(|(_, v)| (lo..=hi).contains(v) && v.is_finite()),
            "{} {}",
            e,
            d.key.metric
        );
    }
}

#[test]
fn leaky_memory_drops_at_restart() {
    let (s, _) = demo_at(9, START, START + 300);
    let key = key_of(&s, "222222222222", "churn-predictor-stg", MetricId::Memory);
    let restart = START - 30 * 3_600;
    let pts = &block_on(s.series(&SeriesRequest {
        keys: vec![key].into(),
        start: restart - 120,
        end: restart + 120,
    }))
    .unwrap()[0]
        .points;
    assert_eq!(pts.len(), 5);
    assert!(pts[1].1 - pts[2].1 > 30.0, "{pts:?}");
    assert!(pts[2].1 < pts[3].1 + 1.0);
}

#[test]
fn history_is_newest_first_and_matches_current_state() {
    for seed in [0, 11] {
        let (s, _) = demo_at(seed, START, START + 300);
        for a in block_on(s.alarms()).unwrap() {
            let h = block_on(s.alarm_history(&a.account_id, &a.name)).unwrap();
            assert!(
                h.windows(2).all(|w| w[0].timestamp >= w[1].timestamp),
                "{}",
                a.name
            );
            let last = h.last().unwrap();
            assert_eq!(last.item_type, HistoryItemType::ConfigurationUpdate);
            assert_eq!(last.summary, format!("Alarm \"{}\" created", a.name));
            let newest = h
                .iter()
                .find(|i| i.item_type == HistoryItemType::StateUpdate);
            match newest {
                Some(i) => {
                    assert!(
                        i.summary.ends_with(&format!("to {}", a.state)),
                        "{}: {}",
                        a.name,
                        i.summary
                    );
                    assert_eq!(i.timestamp, a.state_since, "{}", a.name);
                }
                None => assert_eq!(a.state, AlarmState::InsufficientData, "{}", a.name),
            }
            // Consecutive transitions chain: each starts where the previous ended.
            let updates: Vec<&str> = h
                .iter()
                .filter(|i| i.item_type == HistoryItemType::StateUpdate)
                .map(|i| i.summary.as_str())
                .collect();
            for w in updates.windows(2) {
                let to_of_older = w[1].rsplit(' ').next().unwrap();
                assert!(
                    w[0].starts_with(&format!("Alarm updated from {to_of_older} to")),
                    "{w:?}"
                );
            }
        }
        let fd = block_on(s.alarm_history("100000000000", "prod-fraud-detector-accuracy")).unwrap();
        assert_eq!(fd[0].summary, "Alarm updated from OK to ALARM");
        assert_eq!(fd[0].timestamp, START + 240);
        let leak =
            block_on(s.alarm_history("100000000000", "staging-churn-predictor-stg-memory-high"))
                .unwrap();
        assert!(
            leak.iter()
                .filter(|i| i.summary.ends_with("to ALARM"))
                .count()
                >= 2,
            "{leak:?}"
        );
    }
    let (s, _) = demo_at(0, START, START);
    assert!(matches!(
        block_on(s.alarm_history("100000000000", "nope")),
        Err(SourceError::Other { .. })
    ));
    assert!(block_on(s.alarm_history("111111111111", "prod-fraud-detector-accuracy")).is_err());
}

#[test]
fn monitoring_run_reports_violations_after_the_reveal() {
    let (s, clock) = demo_at(4, START, START + 239);
    let key = EndpointKey {
        account_id: "111111111111".into(),
        name: "fraud-detector".into(),
        region: Default::default(),
    };
    let run = |s: &DemoSource| block_on(s.monitoring_schedules(&key)).unwrap()[0].clone();
    let before = run(&s);
    assert_eq!(before.name, "fraud-detector-model-quality");
    assert_eq!(before.monitoring_type, "ModelQuality");
    // The revealing run is still going a second before it ends; the one before it was clean.
    assert_eq!(
        before.last_execution.unwrap().status,
        ExecutionStatus::InProgress
    );
    let page = block_on(s.executions(&key, Some(&before.name), None)).unwrap();
    assert_eq!(page.executions[1].status, ExecutionStatus::Completed);
    clock.set(START + 240);
    let after = run(&s).last_execution.unwrap();
    assert_eq!(after.status, ExecutionStatus::CompletedWithViolations);
    assert!(after.scheduled_time <= START + 240 && after.scheduled_time > START + 240 - 3_600);
}

fn scaled(a: usize, e: usize) -> DemoSource {
    DemoSource::new(
        DemoConfig {
            seed: 1,
            start: START,
            scale: Some((a, e)),
        },
        Arc::new(FixedClock::new(START + 300)),
    )
}

#[test]
fn scale_ten_by_fifty_gives_five_hundred_endpoints() {
    let s = scaled(10, 50);
    let accounts = block_on(s.accounts()).unwrap();
    assert_eq!(accounts.len(), 11);
    assert_eq!(accounts[1].label, "prod");
    assert_eq!(accounts[4].label, "acct-04");
    let ids: HashSet<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 11);
    assert!(
        ids.iter()
            .all(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
    );
    let endpoints = block_on(s.endpoints()).unwrap();
    assert_eq!(endpoints.len(), 500);
    let keys: HashSet<(&str, &str)> = endpoints
        .iter()
        .map(|e| (e.account_id.as_str(), e.name.as_str()))
        .collect();
    assert_eq!(keys.len(), 500);
    for a in &accounts[1..] {
        assert_eq!(
            endpoints.iter().filter(|e| e.account_id == a.id).count(),
            50
        );
    }
    assert!(
        endpoints
            .iter()
            .any(|e| e.account_id == "111111111111" && e.name == "fraud-detector")
    );
    let alarms = block_on(s.alarms()).unwrap();
    let names: HashSet<&str> = alarms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names.len(), alarms.len());
    let accuracy = alarms
        .iter()
        .filter(|a| a.metric_name() == Some("accuracy"))
        .count();
    assert_eq!(accuracy, 500);
    assert_eq!(
        alarm_in(&alarms, "prod-fraud-detector-accuracy"),
        AlarmState::Alarm
    );

    let small = scaled(2, 1);
    assert_eq!(block_on(small.endpoints()).unwrap().len(), 2);
}

fn alarm_in(alarms: &[Alarm], name: &str) -> AlarmState {
    alarms.iter().find(|a| a.name == name).unwrap().state
}

/// Rough figures for the report (never asserted):
/// `cargo test --release --lib -- --ignored --nocapture timing_at_scale`.
#[test]
#[ignore]
fn timing_at_scale() {
    let t = std::time::Instant::now();
    let s = scaled(10, 50);
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    let now = START + 300;
    let (hourly, minute): (Vec<SeriesKey>, Vec<SeriesKey>) =
        all_keys(&s).into_iter().partition(|k| k.period == 3600);
    let t = std::time::Instant::now();
    let m = block_on(s.series(&SeriesRequest {
        keys: minute.clone().into(),
        start: now - 3_600,
        end: now,
    }));
    let h = block_on(s.series(&SeriesRequest {
        keys: hourly.clone().into(),
        start: now - 2 * 86_400,
        end: now,
    }));
    let series_ms = t.elapsed().as_secs_f64() * 1e3;
    let points: usize = m
        .unwrap()
        .iter()
        .chain(&h.unwrap())
        .map(|d| d.points.len())
        .sum();
    let t = std::time::Instant::now();
    let alarms = block_on(s.alarms()).unwrap();
    let alarms_ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "world {build_ms:.1} ms; {} keys, {points} points in {series_ms:.1} ms; {} alarms in {alarms_ms:.1} ms",
        minute.len() + hourly.len(),
        alarms.len()
    );
}

/// The default world at start + 300, for eyeballing: `cargo test -- --ignored --nocapture print_`.
#[test]
#[ignore]
fn print_default_world() {
    let (s, _) = demo_at(0, START, START + 300);
    for e in block_on(s.endpoints()).unwrap() {
        println!(
            "{} {} {} {:?} {:?}",
            e.account_id, e.name, e.status, e.variants, e.monitoring_schedules
        );
    }
    for a in block_on(s.alarms()).unwrap() {
        println!(
            "{:<45} {:<17} since {:>7}s muted={} {}",
            a.name,
            a.state.as_str(),
            a.state_since - START,
            !a.actions_enabled,
            a.reason
        );
        for h in block_on(s.alarm_history(&a.account_id, &a.name)).unwrap() {
            println!(
                "    {:>8} {:?} {}",
                h.timestamp - START,
                h.item_type,
                h.summary
            );
        }
    }
}

mod writes {
    use super::*;
    use crate::source::alarm_write::{AlarmWrite, MissingData, Operator, PutAlarm};

    fn cpu_alarm(source: &DemoSource, name: &str, threshold: f64) -> AlarmWrite {
        let endpoints = block_on(source.endpoints()).unwrap();
        let e = endpoints
            .iter()
            .find(|e| e.name == "fraud-detector")
            .unwrap();
        let series = metrics::series_keys(e, crate::source::metrics::MetricId::Cpu)
            .into_iter()
            .next()
            .unwrap();
        AlarmWrite::Put(Box::new(PutAlarm {
            alarm_account: MONITORING_ACCOUNT.into(),
            name: name.into(),
            series,
            operator: Operator::GreaterThanThreshold,
            threshold,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
            missing: MissingData::Missing,
            actions_enabled: true,
            alarm_actions: vec![],
            ok_actions: vec![],
            insufficient_data_actions: vec![],
            unit: None,
            description: String::new(),
            tags: vec![],
            edit: false,
        }))
    }

    fn find(source: &DemoSource, name: &str) -> Option<Alarm> {
        block_on(source.alarms())
            .unwrap()
            .into_iter()
            .find(|a| a.id == name)
    }

    #[test]
    fn a_created_alarm_is_evaluated_against_the_demo_series_and_goes_to_alarm() {
        let (source, clock) = demo_at(7, START, START);
        let w = source.writer().unwrap();
        block_on(w.write(&cpu_alarm(&source, "always", 0.0).into())).unwrap();
        block_on(w.write(&cpu_alarm(&source, "never", 1e9).into())).unwrap();
        let a = find(&source, "always").expect("listed at once");
        assert_eq!(a.state, AlarmState::InsufficientData, "not evaluated yet");
        clock.advance(5 * 60);
        assert_eq!(find(&source, "always").unwrap().state, AlarmState::Alarm);
        assert_eq!(find(&source, "never").unwrap().state, AlarmState::Ok);
        let history = block_on(source.alarm_history(MONITORING_ACCOUNT, "always")).unwrap();
        assert!(!history.is_empty());
    }

    #[test]
    fn mute_unmute_and_delete_change_what_is_listed() {
        let (source, _) = demo_at(7, START, START);
        let w = source.writer().unwrap();
        let name = block_on(source.alarms()).unwrap()[0].id.clone();
        let set = |enabled| AlarmWrite::SetActions {
            account_id: MONITORING_ACCOUNT.into(),
            ids: vec![name.clone()],
            enabled,
            region: Default::default(),
        };
        block_on(w.write(&set(false).into())).unwrap();
        assert!(!find(&source, &name).unwrap().actions_enabled);
        block_on(w.write(&set(true).into())).unwrap();
        assert!(find(&source, &name).unwrap().actions_enabled);
        let delete = AlarmWrite::DeleteAlarms {
            account_id: MONITORING_ACCOUNT.into(),
            ids: vec![name.clone()],
            region: Default::default(),
        };
        block_on(w.write(&delete.clone().into())).unwrap();
        assert!(find(&source, &name).is_none());
        // Like CloudWatch: deleting what does not exist is an error.
        assert!(block_on(w.write(&delete.clone().into())).is_err());
    }

    #[test]
    fn a_read_only_demo_refuses_writes() {
        let (source, _) = demo_at(7, START, START);
        let source = source.with_readonly(true);
        let w = source.writer().unwrap();
        assert!(block_on(w.write(&cpu_alarm(&source, "x", 1.0).into())).is_err());
        assert!(find(&source, "x").is_none());
    }
}

/// Staging's fraud-detector-stg publishes its own quality metrics (a custom source): its
/// quality series are in that namespace, keyed by the endpoint's name alone, with data and
/// an accuracy alarm on them, and it has no Model Monitor schedule.
#[test]
fn a_custom_quality_source_feeds_one_staging_endpoint() {
    let (s, _) = demo_at(3, START, START + 300);
    let e = block_on(s.endpoints())
        .unwrap()
        .into_iter()
        .find(|e| e.account_id == "222222222222" && e.name == "fraud-detector-stg")
        .unwrap();
    let q = e.quality.clone().expect("a custom source");
    assert_eq!(
        (
            q.namespace.as_str(),
            q.endpoint_dimension.as_str(),
            q.period
        ),
        (world::CUSTOM_QUALITY_NAMESPACE, "EndpointName", 3600)
    );
    assert!(e.monitoring_schedules.is_empty());
    assert!(
        block_on(s.monitoring_schedules(&e.key()))
            .unwrap()
            .is_empty()
    );
    let key = key_of(&s, "222222222222", "fraud-detector-stg", MetricId::Accuracy);
    assert_eq!(key.namespace, world::CUSTOM_QUALITY_NAMESPACE);
    assert_eq!(key.dimension("EndpointName"), Some("fraud-detector-stg"));
    assert_eq!(key.dimensions.len(), 1);
    let data = block_on(s.series(&SeriesRequest {
        keys: vec![key.clone()].into(),
        start: START - 86_400,
        end: START + 300,
    }))
    .unwrap();
    assert!(data[0].points.len() >= 20, "{:?}", data[0].points);
    assert!(data[0].points.iter().all(|(_, v)| (0.5..=1.0).contains(v)));
    // Its accuracy alarm watches the custom series.
    let a = alarm(&s, "staging-fraud-detector-stg-accuracy");
    assert_eq!(a.series(), Some(&key));
    assert_eq!(a.endpoint, Some(e.key()));
    // Every other endpoint still reads Model Monitor.
    let others = block_on(s.endpoints()).unwrap();
    assert_eq!(others.iter().filter(|e| e.quality.is_some()).count(), 1);
}

#[test]
fn alarm_replays_carried_forward_are_replays_made_anew() {
    let source = scaled(3, 4);
    let world = &source.world;
    let mut kept = alarms::Replays::default();
    // Through the incident and a day on, and once with the clock gone back.
    for now in [
        START - 600,
        START,
        START + 250,
        START + 301,
        START + 3_700,
        START + 86_400,
        START + 300,
    ] {
        let carried = alarms::timelines(world, &mut kept, now);
        let anew = alarms::timelines(world, &mut alarms::Replays::default(), now);
        assert_eq!(carried.len(), world.alarms.len());
        for ((c, a), def) in carried.iter().zip(&anew).zip(&world.alarms) {
            assert_eq!(c, a, "{} at {now}", def.name);
        }
    }
}

#[test]
fn a_read_carries_the_replays_forward_instead_of_replaying_three_days_again() {
    let source = scaled(3, 4);
    let world = &source.world;
    let mut kept = alarms::Replays::default();
    // A reader that reads once (the snapshot) is left holding none.
    alarms::timelines(world, &mut kept, START + 300);
    assert!(kept.is_empty());
    alarms::timelines(world, &mut kept, START + 300);
    let made = kept.started();
    assert!(made > 0);
    for later in [START + 310, START + 400, START + 4_000] {
        alarms::timelines(world, &mut kept, later);
    }
    assert_eq!(kept.started(), made, "no replay was made again");
    // A clock gone back cannot be carried forward: those are made again.
    alarms::timelines(world, &mut kept, START);
    assert!(kept.started() > made);
}

/// A run now makes a one-time schedule; SageMaker refuses a second of the same name (the
/// console names them to the second, so two in one second collide), and so does the demo.
#[test]
fn a_run_now_of_a_name_in_use_is_refused() {
    use crate::source::monitor::MonitorWrite;
    use crate::source::monitor::write::{RunNow, RunWindow, run_now_name};
    use crate::source::write::{Write, Writer};
    let (source, _) = demo_at(7, START, START + 600);
    let schedule = "fraud-detector-model-quality";
    let run = RunNow {
        account_id: "111111111111".into(),
        endpoint: "fraud-detector".into(),
        from_schedule: schedule.into(),
        name: run_now_name(schedule, START + 600),
        job_definition: format!("{schedule}-job"),
        monitoring_type: "ModelQuality".into(),
        window: RunWindow::default(),
        region: Default::default(),
    };
    let write = Write::Monitor(MonitorWrite::RunNow(Box::new(run)));
    assert!(block_on(source.write(&write)).is_ok());
    let again = block_on(source.write(&write)).unwrap_err().to_string();
    assert!(again.contains("ResourceInUse"), "{again}");
}
