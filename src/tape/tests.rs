//! The tape as a whole: assembly, the filter, the nearest line, and the post-mortem drafts,
//! from every source at once, hostile input included.

use super::*;
use crate::source::model::Epoch;

/// 16:00 UTC on 29 Nov 2026.
const T0: Epoch = 1_795_968_000;

fn at(minute: i64) -> Epoch {
    T0 + 60 * minute
}

fn line(minute: i64, kind: Kind, role: Role, text: &str) -> Entry {
    Entry::new(at(minute), kind, role, text, Target::Nothing)
}

fn texts(tape: &Tape) -> Vec<&str> {
    tape.entries().iter().map(|e| e.text.as_str()).collect()
}

#[test]
fn lines_are_merged_in_time_order_with_ties_in_kind_order_then_as_given() {
    let tape = Tape::assemble([
        line(5, Kind::Alarm, Role::Symptom, "alarm at 5"),
        line(1, Kind::Trail, Role::Change, "trail at 1"),
        line(5, Kind::Logs, Role::Symptom, "logs at 5, first given"),
        line(5, Kind::Console, Role::Change, "console at 5"),
        line(5, Kind::Logs, Role::Symptom, "logs at 5, second given"),
        line(0, Kind::Metric, Role::Symptom, "metric at 0"),
    ]);
    assert_eq!(
        texts(&tape),
        [
            "metric at 0",
            "trail at 1",
            "console at 5",
            "logs at 5, first given",
            "logs at 5, second given",
            "alarm at 5",
        ]
    );
    assert_eq!(tape.span(), Some((at(0), at(5))));
}

#[test]
fn exact_duplicates_are_dropped_and_near_ones_kept() {
    let a = line(3, Kind::Trail, Role::Change, "UpdateEndpoint");
    let other_who = a.clone().with_who(Some("bob"));
    let tape = Tape::assemble([
        a.clone(),
        line(3, Kind::Trail, Role::Change, "CreateModel"),
        a.clone(),
        other_who.clone(),
        other_who,
        a,
    ]);
    assert_eq!(
        texts(&tape),
        ["UpdateEndpoint", "CreateModel", "UpdateEndpoint"]
    );
    assert!(Tape::assemble([]).is_empty());
}

fn sample() -> Tape {
    Tape::assemble([
        line(0, Kind::Trail, Role::Change, "UpdateEndpoint")
            .with_who(Some("arn:aws:sts::1:assumed-role/Dev/Alice")),
        line(
            10,
            Kind::Logs,
            Role::Symptom,
            "errors rose from 0/min to 40/min at 16:10",
        ),
        line(
            10,
            Kind::Metric,
            Role::Symptom,
            "CPU rose from 31% to 87% at 16:10",
        ),
        line(
            20,
            Kind::Alarm,
            Role::Symptom,
            "fraud-acc OK → ALARM (0.781)",
        ),
        line(
            20,
            Kind::Monitor,
            Role::Symptom,
            "run of fraud-mq found 3 violations",
        ),
        line(
            30,
            Kind::Console,
            Role::Change,
            "DisableAlarmActions fraud-acc from this console: ok",
        ),
    ])
}

#[test]
fn the_filter_matches_text_who_and_kind_ignoring_case_and_hidden_kinds_go() {
    let tape = sample();
    let all: Vec<usize> = (0..tape.len()).collect();
    assert_eq!(tape.shown("", Kinds::NONE), all);
    assert_eq!(tape.shown("  ", Kinds::NONE), all, "blank is no filter");
    assert_eq!(tape.shown("ALICE", Kinds::NONE), [0], "who");
    assert_eq!(
        tape.shown("Alarm", Kinds::NONE).len(),
        2,
        "kind label and text"
    );
    assert_eq!(tape.shown("trail", Kinds::NONE), [0], "kind label");
    assert!(tape.shown("nowhere", Kinds::NONE).is_empty());
    let mut hidden = Kinds::NONE;
    hidden.toggle(Kind::Metric);
    hidden.toggle(Kind::Logs);
    assert_eq!(tape.shown("", hidden), [0, 3, 4, 5]);
    assert_eq!(tape.shown("rose", hidden), Vec::<usize>::new());
    hidden.toggle(Kind::Logs);
    assert_eq!(tape.shown("rose", hidden), [2]);
}

#[test]
fn the_nearest_line_is_the_closest_in_time_and_the_earliest_of_equals() {
    // Times 0, 10, 10, 20, 20, 30: indices 0..6 in the tape's order.
    let tape = sample();
    let rows: Vec<usize> = (0..tape.len()).collect();
    let nearest = |m: i64| tape.nearest(&rows, at(m));
    assert_eq!(nearest(-100), Some(0));
    assert_eq!(nearest(0), Some(0));
    assert_eq!(nearest(4), Some(0));
    assert_eq!(nearest(6), Some(1), "the first of the two lines at 10");
    assert_eq!(nearest(10), Some(1));
    assert_eq!(nearest(15), Some(1), "equally near: the earlier");
    assert_eq!(nearest(16), Some(3));
    assert_eq!(nearest(1000), Some(5));
    assert_eq!(tape.nearest(&[], at(0)), None);
    // Over a filtered list, positions are the list's own.
    let shown = tape.shown("console", Kinds::NONE);
    assert_eq!(tape.nearest(&shown, at(0)), Some(0));
}

#[test]
fn the_summary_finds_the_symptom_the_change_before_the_alarm_and_the_mitigation() {
    let tape = sample();
    let window = (at(-60), at(60));
    let s = summary(&tape, window);
    assert_eq!(
        s,
        Summary {
            first_symptom: Some(1),
            change_before: Some(0),
            alarm: Some(4),
            mitigation: Some(5),
        }
    );
    let text = postmortem::summary_line(&tape, &s);
    assert_eq!(
        text,
        "First symptom 16:10: CPU rose from 31% to 87% at 16:10; the change before \
         it 10m earlier, 16:00: UpdateEndpoint by arn:aws:sts::1:assumed-role/Dev/Alice; \
         time to alarm 10m (fraud-acc OK → ALARM (0.781)); time to mitigation 10m after the \
         alarm (DisableAlarmActions fraud-acc from this console: ok)."
    );
    // A window that starts after the change and ends before the mitigation.
    let s = summary(&tape, (at(5), at(25)));
    assert_eq!((s.change_before, s.mitigation), (None, None));
    assert_eq!(summary(&Tape::default(), window), Summary::default());
}

#[test]
fn the_markdown_draft_is_a_summary_and_one_escaped_row_per_line_in_the_window() {
    let tape = Tape::assemble([
        line(0, Kind::Trail, Role::Change, "Update|Endpoint\u{1b}[2J")
            .with_who(Some("arn|evil\nname"))
            .with_where(Some("203.0.113.9")),
        line(10, Kind::Alarm, Role::Symptom, "a OK → ALARM"),
        line(500, Kind::Alarm, Role::Recovery, "outside the window"),
    ]);
    let md = markdown(&tape, "fraud|\u{7}detector", (at(-60), at(60)));
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| 20")).collect();
    assert_eq!(
        rows,
        [
            "| 2026-11-29T16:00:00Z | trail | Update\\|Endpoint\u{FFFD}[2J | arn\\|evil name | 203.0.113.9 |",
            "| 2026-11-29T16:10:00Z | alarm | a OK → ALARM |  |  |",
        ]
    );
    assert!(
        md.starts_with("# Incident tape: fraud\\|\u{FFFD}detector\n"),
        "{md}"
    );
    assert!(md.contains("| time | kind | what | who | where |"));
    assert!(md.contains("First symptom 16:10"), "{md}");
    assert!(
        !md.chars()
            .any(|c| c != '\n' && crate::sanitize::needs_replacing(c))
    );
}

#[test]
fn the_json_draft_has_stable_names_rfc3339_times_and_nothing_a_terminal_acts_on() {
    let alarm = Entry::new(
        at(20),
        Kind::Alarm,
        Role::Symptom,
        "cpu OK → ALARM",
        Target::Alarm {
            account_id: "111122223333".into(),
            name: "cpu\u{1b}[2J".into(),
        },
    )
    .with_value(Some(93.1));
    let tape = Tape::assemble([
        line(0, Kind::Trail, Role::Change, "UpdateEndpoint").with_where(Some("10.0.0.1")),
        line(10, Kind::Metric, Role::Symptom, "CPU rose").with_value(Some(87.0)),
        alarm,
    ]);
    let text = json(&tape, "fraud", (at(-60), at(60)));
    assert!(
        !text
            .chars()
            .any(|c| c != '\n' && crate::sanitize::needs_replacing(c))
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["endpoint"], "fraud");
    assert_eq!(v["from"], "2026-11-29T15:00:00Z");
    assert_eq!(v["summary"]["seconds_to_alarm"], 600);
    assert_eq!(v["summary"]["mitigation"], serde_json::Value::Null);
    assert_eq!(v["summary"]["change_before"]["text"], "UpdateEndpoint");
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[0],
        serde_json::json!({
            "at": "2026-11-29T16:00:00Z", "kind": "trail", "role": "change",
            "text": "UpdateEndpoint", "who": null, "where": "10.0.0.1", "value": null,
            "target": { "open": "nothing" },
        })
    );
    assert_eq!(
        entries[2]["target"],
        serde_json::json!({ "open": "alarm", "account_id": "111122223333", "name": "cpu\u{1b}[2J" }),
        "the exact name survives, escaped"
    );
    assert_eq!(entries[2]["value"], 93.1);
}

#[test]
fn targets_serialise_their_times_and_metric_by_name() {
    let v = serde_json::to_value(Target::Chart {
        at: T0,
        metric: Some(crate::source::metrics::MetricId::Cpu),
    })
    .unwrap();
    assert_eq!(
        v,
        serde_json::json!({ "open": "chart", "at": "2026-11-29T16:00:00Z", "metric": "CPUUtilization" })
    );
    let v = serde_json::to_value(Target::Logs { minute: T0 }).unwrap();
    assert_eq!(
        v,
        serde_json::json!({ "open": "logs", "minute": "2026-11-29T16:00:00Z" })
    );
}

#[test]
fn every_source_at_once_makes_one_ordered_clean_tape() {
    use crate::source::metrics::MetricId;
    use crate::source::model::EndpointStatus;
    let statuses = [
        StatusInput {
            at: at(1),
            status: EndpointStatus::Updating,
        },
        StatusInput {
            at: at(8),
            status: EndpointStatus::InService,
        },
    ];
    let scaling = [ScalingInput {
        at: at(25),
        description: "Setting desired instance count to 4.".into(),
        status: "Successful".into(),
        cause: "monitor alarm \u{1b}]0;pwned\u{7} in state ALARM".into(),
    }];
    let mut cpu: Vec<(Epoch, f64)> = (0..40)
        .map(|m| (at(m), if m < 12 { 30.0 } else { 85.0 }))
        .collect();
    cpu.reverse();
    let errors: Vec<(Epoch, u64)> = vec![(at(14), 40), (at(15), 45), (at(16), 0)];
    let lines = endpoint::status_entries(&statuses)
        .into_iter()
        .chain(endpoint::scaling_entries(&scaling))
        .chain(steps::entries(MetricId::Cpu, &cpu))
        .chain(spikes::entries(&errors, (at(0), at(40))));
    let tape = Tape::assemble(lines);
    assert_eq!(
        texts(&tape),
        [
            "endpoint Updating",
            "endpoint InService (was Updating)",
            "CPU rose from 30% to 85% at 16:12",
            "errors rose from 0/min to 45/min at 16:14",
            "errors fell back to 0/min (peak 45/min)",
            "Setting desired instance count to 4: monitor alarm \u{FFFD}]0;pwned\u{FFFD} in \
             state ALARM",
        ]
    );
    let times: Vec<Epoch> = tape.entries().iter().map(|e| e.at).collect();
    assert!(times.is_sorted());
}

proptest::proptest! {
    /// Whatever the points (any order, repeated times, NaN, huge values), the rules answer
    /// without panicking, with lines inside the input's time range and finite values.
    #[test]
    fn the_rules_take_any_series(
        raw in proptest::collection::vec((0i64..600, proptest::num::f64::ANY), 0..80),
        counts in proptest::collection::vec((0i64..600, proptest::num::u64::ANY), 0..80),
    ) {
        use crate::source::metrics::MetricId;
        let points: Vec<(Epoch, f64)> = raw.iter().map(|&(m, v)| (at(m), v)).collect();
        let mut made = Vec::new();
        for id in [MetricId::Cpu, MetricId::ModelLatency, MetricId::Errors5xx, MetricId::Invocations] {
            made.extend(steps::entries(id, &points));
        }
        made.extend(monitor::quality_entries(QualityInput {
            metric: MetricId::Accuracy,
            points: &points,
            baseline: Some((crate::source::model::Comparison::LessThanThreshold, 0.85)),
        }));
        let counts: Vec<(Epoch, u64)> = counts.iter().map(|&(m, n)| (at(m) + 7, n)).collect();
        made.extend(spikes::entries(&counts, (at(0), at(600))));
        for e in &made {
            proptest::prop_assert!(e.at >= at(0) && e.at <= at(600), "{e:?}");
            proptest::prop_assert!(e.value.is_none_or(f64::is_finite));
        }
    }

    /// Assembly orders any lines by time then kind, keeps no two equal lines, and does
    /// nothing more to a tape assembled already; the nearest line is never farther than
    /// another.
    #[test]
    fn assembly_orders_dedups_and_is_stable(
        lines in proptest::collection::vec((0i64..20, 0usize..9, 0u8..3), 0..60),
        probe in -5i64..25,
    ) {
        let made: Vec<Entry> = lines
            .iter()
            .map(|&(m, k, t)| line(m, Kind::ALL[k], Role::Note, &format!("text {t}")))
            .collect();
        let tape = Tape::assemble(made);
        let keys: Vec<(Epoch, Kind)> = tape.entries().iter().map(|e| (e.at, e.kind)).collect();
        proptest::prop_assert!(keys.is_sorted());
        for (i, e) in tape.entries().iter().enumerate() {
            proptest::prop_assert!(!tape.entries()[..i].contains(e));
        }
        proptest::prop_assert_eq!(&Tape::assemble(tape.entries().to_vec()), &tape);
        let rows: Vec<usize> = (0..tape.len()).collect();
        match tape.nearest(&rows, at(probe)) {
            None => proptest::prop_assert!(tape.is_empty()),
            Some(p) => {
                let d = tape.entries()[p].at.abs_diff(at(probe));
                proptest::prop_assert!(tape.entries().iter().all(|e| e.at.abs_diff(at(probe)) >= d));
            }
        }
    }
}
