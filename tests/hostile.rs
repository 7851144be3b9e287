//! Every string from a source is hostile: a source that puts terminal control sequences in
//! every field it returns must not get a single control character onto the screen.

use async_trait::async_trait;
use proptest::prelude::*;
use ratatui::{Terminal, backend::TestBackend};
use sagewatch::app::action::Action;
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::init;
use sagewatch::sanitize::{Sanitize, needs_replacing};
use sagewatch::source::model::*;
use sagewatch::source::monitor::{
    AlertStatus, Baseline, Execution, ExecutionPage, LastRun, Leftover, MonitorSource,
    MonitoringAlert, ScheduleRun, ViolationReport, report,
};
use sagewatch::source::mute::{MuteRule, MuteSource, PutMuteRule, muted};
use sagewatch::source::trail::{
    QueryState, QueryStatus, ResultPage, Search, TrailQuery, TrailSettings, TrailSource,
};
use sagewatch::source::unruly::hostile_mute_rules;
use sagewatch::source::{FleetSource, SeriesRequest, SourceError, SourceKind};
use sagewatch::trail::sql::{COLUMNS, DETAIL_COLUMNS};

const NOW: Epoch = 1_795_687_200;

/// ESC sequences (clear screen, set title, OSC 52 clipboard), BEL, C1 CSI, DEL, NUL, bidi.
fn evil(s: &str) -> String {
    format!(
        "{s}\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}\u{0}\u{1b}]52;c;aGk=\u{1b}\\\u{202e}\r\n"
    )
}

struct HostileSource;

fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint {
        account_id: evil("111111111111"),
        name: evil("fraud"),
        status: EndpointStatus::Failed,
        variants: vec![evil("blue"), evil("green")],
        monitoring_schedules: vec![evil("schedule")],
        model_quality_namespace: None,
        quality: None,
        region: Default::default(),
    }]
}

fn alarm_on(metric: &str) -> Alarm {
    let e = &endpoints()[0];
    Alarm {
        account_id: evil("100000000000"),
        id: evil(metric),
        name: evil(metric),
        kind: AlarmKind::Metric {
            series: SeriesKey::new(
                &e.account_id,
                &evil("ns"),
                &evil(metric),
                &[(&evil("EndpointName"), &e.name)],
                Stat::Average,
                60,
            ),
            comparison: Comparison::GreaterThanThreshold,
            threshold: 1.0,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
        },
        state: AlarmState::Alarm,
        reason: evil("reason"),
        state_since: NOW - 60,
        endpoint: Some(e.key()),
        actions_enabled: false,
        settings: Default::default(),
        region: Default::default(),
    }
}

#[async_trait]
impl FleetSource for HostileSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Aws
    }

    async fn identity(&self) -> Result<Identity, SourceError> {
        Ok(Identity {
            account_id: evil("100000000000"),
            arn: evil("arn:aws:sts::100000000000:assumed-role/x/y"),
            region: evil("eu-west-1"),
        })
    }

    async fn accounts(&self) -> Result<Vec<Account>, SourceError> {
        Ok(vec![
            Account {
                id: evil("100000000000"),
                label: evil("monitoring"),
                monitoring: true,
            },
            Account {
                id: evil("111111111111"),
                label: evil("prod"),
                monitoring: false,
            },
        ])
    }

    async fn endpoints(&self) -> Result<Vec<Endpoint>, SourceError> {
        Ok(endpoints())
    }

    async fn series(&self, request: &SeriesRequest) -> Result<Vec<SeriesData>, SourceError> {
        // Whatever is asked for gets data, so every chart and sparkline draws.
        Ok(request
            .keys
            .iter()
            .map(|k| SeriesData {
                key: k.clone(),
                points: (request.start..=request.end)
                    .step_by(k.period as usize)
                    .map(|t| (t, (t % 7) as f64))
                    .collect(),
                status: SeriesStatus::PartialData,
            })
            .collect())
    }

    async fn alarms(&self) -> Result<Vec<Alarm>, SourceError> {
        let mut composite = alarm_on("composite");
        composite.kind = AlarmKind::Composite {
            rule: evil("ALARM(x)"),
        };
        Ok(vec![
            alarm_on("accuracy"),
            alarm_on("CPUUtilization"),
            composite,
        ])
    }

    async fn alarm_history(
        &self,
        _: &str,
        name: &str,
    ) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        if name.contains("CPU") {
            return Err(SourceError::Other {
                call: evil("DescribeAlarmHistory"),
                detail: evil("boom"),
            });
        }
        Ok(vec![AlarmHistoryItem {
            timestamp: NOW - 30,
            item_type: HistoryItemType::StateUpdate,
            summary: evil("summary"),
        }])
    }

    async fn monitoring_schedules(
        &self,
        e: &EndpointKey,
    ) -> Result<Vec<MonitoringSchedule>, SourceError> {
        Ok(vec![MonitoringSchedule {
            account_id: e.account_id.clone(),
            name: evil("schedule"),
            endpoint: e.name.clone(),
            monitoring_type: evil("ModelQuality"),
            status: ScheduleStatus::Failed,
            last_execution: Some(MonitoringExecution {
                scheduled_time: NOW - 600,
                status: ExecutionStatus::Failed,
                failure_reason: Some(evil("failure")),
            }),
            schedule_expression: Some(evil("cron")),
            job_definition: Some(evil("job")),
            failure_reason: Some(evil("schedule failure")),
            region: Default::default(),
        }])
    }

    fn monitor(&self) -> Option<&dyn MonitorSource> {
        Some(self)
    }

    fn trail(&self) -> Option<&dyn TrailSource> {
        Some(self)
    }

    fn mutes(&self) -> Option<&dyn MuteSource> {
        Some(self)
    }
}

/// Rules over the hostile alarms, every string hostile (targets too).
#[async_trait]
impl MuteSource for HostileSource {
    async fn mute_rules(&self) -> Result<Vec<MuteRule>, SourceError> {
        Ok(hostile_mute_rules(&self.alarms().await?))
    }
}

/// A trail whose every answer is hostile: the query's id and reason, the cells, the detail's
/// JSON (escapes that decode to control characters, and raw ones).
#[async_trait]
impl TrailSource for HostileSource {
    async fn start(&self, query: &TrailQuery) -> Result<String, SourceError> {
        Ok(match query.search {
            Search::Event { .. } => evil("detail-id"),
            _ => evil("query-id"),
        })
    }

    async fn status(&self, _: &str) -> Result<QueryStatus, SourceError> {
        Ok(QueryStatus {
            state: QueryState::Succeeded,
            reason: Some(evil("reason")),
            scanned_bytes: 123_456_789,
            total_millis: Some(1),
            reused: false,
            statement_type: Some("DML".into()),
        })
    }

    async fn page(&self, id: &str, _: Option<&str>, _: bool) -> Result<ResultPage, SourceError> {
        if id.starts_with("detail-id") {
            let columns: Vec<String> = DETAIL_COLUMNS
                .iter()
                .map(|(_, a)| (*a).to_owned())
                .collect();
            let mut row: Vec<Option<String>> = columns.iter().map(|c| Some(evil(c))).collect();
            row[0] = Some("e-1".into());
            row[1] = Some("2026-11-26T09:00:00Z".into());
            let json = r#"{"endpointName":"fraud\u001b[2J\u009b31m\u202e","n":[1,{"x":"\u0007"}]}"#;
            let n = row.len();
            row[n - 2] = Some(json.into());
            row[n - 1] = Some(evil("not json"));
            return Ok(ResultPage {
                columns,
                rows: vec![row],
                next: None,
            });
        }
        let columns: Vec<String> = COLUMNS
            .iter()
            .map(|c| c.rsplit('.').next().unwrap_or(c).to_owned())
            .collect();
        let mut row: Vec<Option<String>> = columns.iter().map(|c| Some(evil(c))).collect();
        row[0] = Some("2026-11-26T09:00:00Z".into());
        row[8] = Some("e-1".into());
        Ok(ResultPage {
            columns,
            rows: vec![row.clone(), row],
            next: None,
        })
    }

    async fn cancel(&self, _: &str) -> Result<(), SourceError> {
        Err(SourceError::Other {
            call: evil("StopQueryExecution"),
            detail: evil("detail"),
        })
    }
}

fn run(status: ExecutionStatus) -> Execution {
    Execution {
        account_id: evil("111111111111"),
        schedule: evil("schedule"),
        scheduled_time: NOW - 3600,
        created: Some(NOW - 3500),
        modified: Some(NOW - 3000),
        status,
        failure_reason: Some(evil("failure")),
        processing_job_arn: Some(evil("arn:aws:sagemaker:job")),
        monitoring_type: Some(evil("ModelQuality")),
        region: Default::default(),
    }
}

/// Reports as a bucket could hold them: every string hostile, parsed by the real parser.
#[async_trait]
impl MonitorSource for HostileSource {
    async fn executions(
        &self,
        _: &EndpointKey,
        _: Option<&str>,
        _: Option<&str>,
    ) -> Result<ExecutionPage, SourceError> {
        Ok(ExecutionPage {
            executions: vec![
                run(ExecutionStatus::CompletedWithViolations),
                run(ExecutionStatus::Failed),
            ],
            next: Some(evil("token")),
        })
    }

    async fn violations(&self, _: &Execution) -> Result<ViolationReport, SourceError> {
        let text = serde_json::json!({"violations": [{
            "metric_name": evil("accuracy"),
            "constraint_check_type": evil("LessThanThreshold"),
            "description": evil("Metric accuracy with 0.7 was LessThanThreshold '0.85'"),
        }]})
        .to_string();
        report::violations_from_bytes(&evil("s3://b/k"), text.as_bytes(), text.len() as u64)
            .map_err(|e| SourceError::Other {
                call: evil("GetObject"),
                detail: evil(&e.to_string()),
            })
    }

    async fn baseline(&self, _: &MonitoringSchedule) -> Result<Option<Baseline>, SourceError> {
        Err(SourceError::Other {
            call: evil("GetObject"),
            detail: evil("AccessDenied"),
        })
    }

    async fn schedule(&self, _: &str, _: &str) -> Result<Option<MonitoringSchedule>, SourceError> {
        Ok(None)
    }

    async fn alerts(&self, _: &str, _: &str) -> Result<Vec<MonitoringAlert>, SourceError> {
        Ok(vec![MonitoringAlert {
            schedule: evil("schedule"),
            name: evil("alert"),
            status: AlertStatus::InAlert,
            datapoints_to_alert: 1,
            evaluation_period: 1,
            modified: Some(NOW - 60),
            history: vec![(NOW - 60, AlertStatus::InAlert)],
        }])
    }

    async fn leftovers(&self) -> Result<Vec<Leftover>, SourceError> {
        Ok(vec![Leftover {
            account_id: evil("111111111111"),
            endpoint: evil("fraud"),
            schedule: evil("fraud-mq-now-20261126100500"),
            created: Some(NOW - 86_400),
            run: Some(ExecutionStatus::Completed),
            ended: true,
            region: Default::default(),
        }])
    }

    async fn fleet_runs(&self) -> Result<Vec<ScheduleRun>, SourceError> {
        Ok(vec![ScheduleRun {
            account_id: evil("111111111111"),
            endpoint: evil("fraud"),
            schedule: evil("schedule"),
            monitoring_type: evil("ModelQuality"),
            status: ScheduleStatus::Scheduled,
            last_run: Some(LastRun {
                status: ExecutionStatus::CompletedWithViolations,
                scheduled_at: NOW - 3600,
                violations: Some(3),
            }),
            region: Default::default(),
        }])
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        // The trail's polls wait their backoff.
        .enable_time()
        .build()
        .unwrap()
}

fn assert_clean(state: &State, what: &str) {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| sagewatch::ui::draw(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    for y in 0..h {
        for x in 0..w {
            let symbol = buffer[(x, y)].symbol();
            assert!(
                !symbol
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "{what} at {w}x{h}: control character at ({x},{y}): {symbol:?}"
            );
        }
    }
}

fn screen_text(state: &State) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| sagewatch::ui::draw(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

/// Every screen, with every hostile string loaded, including the error paths.
fn every_screen(size: (u16, u16), trail: bool) {
    let source = HostileSource;
    let mut state = sagewatch::ui::fixture::console_with_defaults(SourceKind::Aws, NOW, size);
    state.views.trail.available = Some(Ok(TrailSettings::default()));
    let rt = rt();
    let commands = init(&mut state);
    rt.block_on(headless::settle(&source, &mut state, commands));
    assert!(!state.endpoints.is_empty() && !state.alarms.is_empty());
    assert_clean(&state, "fleet");
    let mut step = |a: Action, what: &str| {
        rt.block_on(headless::apply(&source, &mut state, a));
        if what.starts_with("monitor") {
            assert_eq!(state.view, sagewatch::views::View::Monitor, "{what}");
        }
        // The hostile rows and detail really are on screen, not an empty table.
        if what == "cleanup confirmation" {
            assert!(
                matches!(
                    state.overlays.last(),
                    Some(sagewatch::overlays::Overlay::Confirm(_))
                ),
                "the hostile leftover is offered for deletion"
            );
        }
        if what == "mute rules" {
            assert_eq!(state.mutes.rules().len(), 3, "the hostile rules are held");
            if state.size.0 >= 80 && state.size.1 >= 24 {
                let text = screen_text(&state);
                assert!(text.contains("hourly"), "the rules are on screen:\n{text}");
            }
        }
        if what == "trail results" {
            assert_eq!(state.views.trail.results.len(), 2, "{what}");
        }
        if what == "trail detail" {
            let fields = state.views.trail.detail.as_ref().map(|d| &d.fields);
            assert!(
                matches!(fields, Some(sagewatch::app::state::Loadable::Loaded(f)) if !f.is_empty()),
                "{what}: {fields:?}"
            );
        }
        assert_clean(&state, what);
    };
    step(Action::Select, "endpoint");
    step(Action::ToggleMaximize, "maximized chart");
    step(Action::ShowAlarms, "alarms");
    step(Action::Select, "alarm history");
    step(Action::MoveDown, "alarm history error");
    step(Action::ToggleHelp, "help");
    step(Action::ToggleHelp, "help closed");
    step(Action::Run("mutes".into()), "mute rules");
    step(Action::Select, "a mute rule whole");
    step(Action::MoveDown, "another mute rule whole");
    step(Action::Back, "mute rules closed");
    step(Action::ShowMonitor, "monitor pane");
    step(Action::FocusNext, "monitor runs");
    step(Action::MoveDown, "monitor failed run");
    step(Action::Select, "monitor report of a failed run");
    step(Action::ShowFleet, "fleet with violations");
    step(
        Action::Run("monitor cleanup".into()),
        "cleanup confirmation",
    );
    step(
        Action::Input(sagewatch::app::action::InputKey::Esc),
        "cleanup declined",
    );
    step(Action::OpenCommand, "command line");
    step(Action::Run(evil("endpoint x")), "error flash");
    step(
        Action::Input(sagewatch::app::action::InputKey::Esc),
        "command line closed",
    );
    if !trail {
        return;
    }
    step(
        Action::Run("trail event:CreateEndpoint".into()),
        "trail results",
    );
    step(Action::OpenFilter, "trail / filter");
    step(
        Action::Input(sagewatch::app::action::InputKey::Esc),
        "trail / filter closed",
    );
    step(Action::Select, "trail detail");
    step(Action::Back, "trail detail closed");
    step(Action::FocusNext, "trail history");
    step(
        Action::Run(format!("trail user:\"{}\"", evil("x"))),
        "trail filter error",
    );
    step(
        Action::Run(format!("sql {}", evil("SELECT"))),
        "trail raw SQL refused",
    );
    step(Action::CancelQuery, "trail nothing to cancel");
}

#[test]
fn a_cleaned_mute_rule_draws_nothing_hidden_and_keeps_what_requests_send_back() {
    let rt = rt();
    let raw = rt.block_on(HostileSource.mute_rules()).unwrap();
    let hidden = |s: &str| s.chars().any(needs_replacing);
    assert!(
        raw.iter()
            .all(|r| hidden(&r.name) && hidden(&r.description))
    );
    assert!(
        raw.iter()
            .any(|r| hidden(&r.expression) && hidden(&r.duration))
    );
    assert!(raw.iter().all(|r| r.targets.iter().any(|t| hidden(t))));
    let mut rules = raw.clone();
    rules.sanitize();
    for (r, raw) in rules.iter().zip(&raw) {
        // What is drawn as it is held.
        for drawn in [&r.account_id, &r.name, &r.schedule_words()] {
            assert!(!hidden(drawn), "{drawn:?}");
        }
        // What requests send back stays as AWS returned it: the rule's name for
        // DeleteAlarmMuteRule, and the whole rule for a PutAlarmMuteRule that changes it.
        assert_eq!(r.id, raw.id);
        // (The account is cleaned, as an alarm's is: requests find its clients by it.)
        let put = PutMuteRule::from_rule(r);
        assert_eq!(put.name, raw.id);
        assert_eq!(put.targets, raw.targets);
        assert_eq!(put.description, raw.description);
        assert_eq!(
            (&put.expression, &put.duration, &put.timezone),
            (&raw.expression, &raw.duration, &raw.timezone)
        );
    }
    // Cleaned on both sides, an alarm is still found in its rules by its name as AWS has it.
    let mut alarms = rt.block_on(HostileSource.alarms()).unwrap();
    alarms.sanitize();
    alarms[0].actions_enabled = true;
    // Of the two active rules the unreadable one ends last: its ACTIVE status stands, with
    // no end known.
    let how = muted(&alarms[0], &rules, NOW).expect("muted by the active rules");
    assert!(matches!(how, sagewatch::source::mute::Muted::Until { .. }));
    assert_eq!(how.rule().map(|r| r.id.as_str()), Some(raw[2].id.as_str()));
    assert!(!hidden(&how.badge(NOW)));
}

#[test]
fn no_control_character_reaches_the_screen() {
    for size in [(80, 24), (160, 48), (40, 10), (400, 120)] {
        every_screen(size, true);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_size_renders_without_panicking(w in 1u16..=400, h in 1u16..=120) {
        every_screen((w, h), w % 4 == 0);
    }
}
