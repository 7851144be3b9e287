//! The incident tape's costs (issue 25; goal: assembly of 10,000 lines under 20 ms, median):
//! every source's answers turned into lines and merged into one tape (about 10,000 lines:
//! 4,000 trail rows, 20 alarms of 100 transitions, 500 monitor runs, 500 console writes, 500
//! status changes, 500 scaling activities, a day of six metrics with a step every 20
//! minutes, a day of error counts with a spike every half hour, and five quality series);
//! the merge alone from lines already made; and the `/` filter and the hidden kinds over
//! the whole tape, with the nearest line to a time.

use criterion::{Criterion, criterion_group, criterion_main};
use sagewatch::source::metrics::MetricId;
use sagewatch::source::model::{
    Alarm, AlarmHistoryItem, AlarmKind, AlarmSettings, AlarmState, Comparison, EndpointStatus,
    Epoch, ExecutionStatus, HistoryItemType,
};
use sagewatch::source::monitor::Execution;
use sagewatch::source::trail::ResultPage;
use sagewatch::tape::{
    self, AlarmInput, Entry, Kind, Kinds, QualityInput, RunInput, ScalingInput, StatusInput, Tape,
};
use std::hint::black_box;

/// 00:00 UTC on 29 Nov 2026; the tape covers the day after it.
const T0: Epoch = 1_795_910_400;
const DAY: Epoch = 86_400;

/// What the sources answered for one endpoint's busy day.
struct Inputs {
    trail_columns: Vec<String>,
    trail: ResultPage,
    alarms: Vec<(Alarm, Vec<AlarmHistoryItem>)>,
    runs: Vec<Execution>,
    audit: String,
    statuses: Vec<StatusInput>,
    scaling: Vec<ScalingInput>,
    metrics: Vec<(MetricId, Vec<(Epoch, f64)>)>,
    errors: Vec<(Epoch, u64)>,
    quality: Vec<(MetricId, Vec<(Epoch, f64)>)>,
}

fn inputs() -> Inputs {
    let spread = |i: usize, n: usize| T0 + (i as Epoch * DAY) / n as Epoch;
    let trail_columns: Vec<String> = [
        "eventtime",
        "arn",
        "eventname",
        "sourceipaddress",
        "eventid",
        "errorcode",
    ]
    .map(String::from)
    .to_vec();
    let trail = ResultPage {
        columns: trail_columns.clone(),
        rows: (0..4_000)
            .map(|i| {
                let t = sagewatch::snapshot::rfc3339(spread(i, 4_000));
                vec![
                    Some(t),
                    Some(format!(
                        "arn:aws:sts::111122223333:assumed-role/Dev/user{}",
                        i % 17
                    )),
                    Some(["UpdateEndpoint", "CreateModel", "PutMetricAlarm"][i % 3].into()),
                    Some(format!("203.0.113.{}", i % 250)),
                    Some(format!("ev-{i:08}")),
                    (i % 50 == 0).then(|| "AccessDenied".to_owned()),
                ]
            })
            .collect(),
        next: None,
    };
    let alarms = (0..20)
        .map(|a| {
            let alarm = Alarm {
                account_id: "111122223333".into(),
                id: format!("fraud-alarm-{a}"),
                name: format!("fraud-alarm-{a}"),
                kind: AlarmKind::Composite {
                    rule: String::new(),
                },
                state: AlarmState::Alarm,
                reason: "Threshold Crossed: 1 datapoint [0.781 (29/11/26 13:00:00)] was less"
                    .into(),
                state_since: T0,
                endpoint: None,
                actions_enabled: true,
                settings: AlarmSettings::default(),
                region: Default::default(),
            };
            let history = (0..100)
                .map(|i| AlarmHistoryItem {
                    timestamp: spread(i * 20 + a, 2_000),
                    item_type: HistoryItemType::StateUpdate,
                    summary: if i % 2 == 0 {
                        "Alarm updated from OK to ALARM".into()
                    } else {
                        "Alarm updated from ALARM to OK".into()
                    },
                })
                .collect();
            (alarm, history)
        })
        .collect();
    let runs = (0..500)
        .map(|i| Execution {
            account_id: "111122223333".into(),
            schedule: "fraud-mq".into(),
            scheduled_time: spread(i, 500),
            created: Some(spread(i, 500) + 60),
            modified: Some(spread(i, 500) + 900),
            status: ExecutionStatus::CompletedWithViolations,
            failure_reason: None,
            processing_job_arn: None,
            monitoring_type: Some("ModelQuality".into()),
            region: Default::default(),
        })
        .collect();
    let audit = (0..500)
        .map(|i| {
            let time = sagewatch::snapshot::rfc3339(spread(i, 500));
            format!(
                "{{\"time\":\"{time}\",\"id\":\"{i}\",\"phase\":\"intent\",\"caller\":\"arn:carol\",\
                 \"account\":\"111122223333\",\"operation\":\"DisableAlarmActions\",\
                 \"parameters\":{{\"AlarmNames\":[\"fraud-alarm-1\"]}}}}\n\
                 {{\"time\":\"{time}\",\"id\":\"{i}\",\"phase\":\"outcome\",\"result\":\"ok\"}}\n"
            )
        })
        .collect();
    let statuses = (0..500)
        .map(|i| StatusInput {
            at: spread(i, 500),
            status: if i % 2 == 0 {
                EndpointStatus::Updating
            } else {
                EndpointStatus::InService
            },
        })
        .collect();
    let scaling = (0..500)
        .map(|i| ScalingInput {
            at: spread(i, 500) + 30,
            description: format!("Setting desired instance count to {}.", i % 5 + 1),
            status: "Successful".into(),
            cause: "monitor alarm cpu-high in state ALARM triggered policy scale-out".into(),
        })
        .collect();
    let minutes = |f: &dyn Fn(usize) -> f64| -> Vec<(Epoch, f64)> {
        (0..1_440).map(|m| (T0 + 60 * m as Epoch, f(m))).collect()
    };
    let metrics = [
        MetricId::Cpu,
        MetricId::Memory,
        MetricId::Disk,
        MetricId::ModelLatency,
        MetricId::Errors5xx,
        MetricId::Invocations,
    ]
    .map(|id| {
        // A level that steps every 20 minutes, with a little jitter.
        let level = |m: usize| if (m / 20).is_multiple_of(2) { 1.0 } else { 4.0 };
        let base = match id {
            MetricId::ModelLatency => 50_000.0,
            MetricId::Invocations => 500.0,
            _ => 20.0,
        };
        (id, minutes(&|m| base * level(m) + (m % 3) as f64 * 0.1))
    })
    .to_vec();
    let errors = (0..1_440)
        .map(|m| (T0 + 60 * m as Epoch, if m % 30 < 5 { 40 } else { 1 }))
        .collect();
    let quality = [
        MetricId::Accuracy,
        MetricId::Auc,
        MetricId::F2,
        MetricId::Precision,
        MetricId::Recall,
    ]
    .map(|id| {
        let points = (0..200)
            .map(|i| (T0 + 400 * i as Epoch, if i % 2 == 0 { 0.91 } else { 0.80 }))
            .collect();
        (id, points)
    })
    .to_vec();
    Inputs {
        trail_columns,
        trail,
        alarms,
        runs,
        audit,
        statuses,
        scaling,
        metrics,
        errors,
        quality,
    }
}

/// Every source's lines, as the view and the shell will make them.
fn lines(i: &Inputs) -> Vec<Entry> {
    let mut out = tape::trail::entries(&i.trail_columns, &i.trail);
    for (alarm, history) in &i.alarms {
        out.extend(tape::alarms::entries(AlarmInput { alarm, history }));
    }
    for execution in &i.runs {
        out.extend(tape::monitor::run_entries(RunInput {
            execution,
            violations: Some(3),
        }));
    }
    out.extend(tape::audit::entries(&i.audit, &["fraud", "fraud-alarm-1"]));
    out.extend(tape::endpoint::status_entries(&i.statuses));
    out.extend(tape::endpoint::scaling_entries(&i.scaling));
    for (id, points) in &i.metrics {
        out.extend(tape::steps::entries(*id, points));
    }
    out.extend(tape::spikes::entries(&i.errors, (T0, T0 + DAY)));
    for (metric, points) in &i.quality {
        out.extend(tape::monitor::quality_entries(QualityInput {
            metric: *metric,
            points,
            baseline: Some((Comparison::LessThanThreshold, 0.85)),
        }));
    }
    out
}

fn assembly(c: &mut Criterion) {
    let inputs = inputs();
    let made = lines(&inputs);
    let tape = Tape::assemble(made.clone());
    let per_kind: Vec<String> = Kind::ALL
        .iter()
        .map(|k| {
            let n = tape.entries().iter().filter(|e| e.kind == *k).count();
            format!("{} {n}", k.label())
        })
        .collect();
    println!(
        "lines: {} made, {} on the tape ({})",
        made.len(),
        tape.len(),
        per_kind.join(", ")
    );
    assert!(tape.len() >= 10_000, "{} lines", tape.len());
    let mut g = c.benchmark_group("tape");
    g.bench_function("assembly of 10,000 lines from every source", |b| {
        b.iter(|| Tape::assemble(lines(black_box(&inputs))))
    });
    g.bench_function("merge alone of 10,000 lines already made", |b| {
        b.iter_batched(
            || made.clone(),
            |made| Tape::assemble(black_box(made)),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("filter `user3` (text and who) over 10,000 lines", |b| {
        b.iter(|| tape.shown(black_box("user3"), Kinds::NONE))
    });
    let mut hidden = Kinds::NONE;
    hidden.toggle(Kind::Trail);
    hidden.toggle(Kind::Metric);
    g.bench_function("two kinds hidden, no text, over 10,000 lines", |b| {
        b.iter(|| tape.shown(black_box(""), hidden))
    });
    let rows = tape.shown("", Kinds::NONE);
    g.bench_function("nearest line to a time among 10,000", |b| {
        b.iter(|| tape.nearest(&rows, black_box(T0 + 43_210)))
    });
    g.finish();
}

/// The tape view drawn at 200x60 over those 10,000 lines, the selection mid-way (goal under
/// 2 ms, median), against drawing nothing.
fn draw(c: &mut Criterion) {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use sagewatch::app::state::View;
    use sagewatch::incident::{Subject, Window};
    let mut state = sagewatch::ui::fixture::state();
    state.size = (200, 60);
    state.view = View::Tape;
    let tape = Tape::assemble(lines(&inputs()));
    let t = &mut state.views.tape;
    t.subject = Some(Subject {
        endpoint: state.endpoints[0].clone(),
        alarms: Vec::new(),
        region: None,
    });
    t.window = Some(Window {
        from: T0,
        to: T0 + DAY,
    });
    t.rows = tape.shown("", Kinds::default());
    t.selected = t.rows.len() / 2;
    t.tape = tape;
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let mut g = c.benchmark_group("tape view");
    g.bench_function("draw the tape 200x60, 10,000 lines", |b| {
        b.iter(|| {
            terminal
                .draw(|f| sagewatch::ui::draw(black_box(&state), f))
                .map(|_| ())
                .expect("draw")
        })
    });
    g.bench_function("draw nothing 200x60 (baseline)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(f.area());
                })
                .map(|_| ())
                .expect("draw")
        })
    });
    g.finish();
}

criterion_group!(benches, assembly, draw);
criterion_main!(benches);
