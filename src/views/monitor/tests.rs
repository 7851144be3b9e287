//! The monitor pane on the demo organisation, through the console's own update path: what
//! it reads, how a run started here is confirmed, sent through the gate, followed and
//! reported, and what read-only and unrunnable schedules refuse.

use crate::app::action::{Action, InputKey};
use crate::app::command::Command;
use crate::app::state::{Loadable, State};
use crate::app::update::{init, update};
use crate::app::worker::execute;
use crate::clock::FixedClock;
use crate::config::{Env, Overrides, load};
use crate::overlays::Overlay;
use crate::source::demo::{DemoConfig, DemoSource};
use crate::source::model::{Epoch, ExecutionStatus, ScheduleStatus};
use crate::source::monitor::MonitorWrite;
use crate::source::{FleetSource, SourceKind};
use crate::views::monitor::Pane;
use crate::views::{EndpointCall, MonitorCall, MonitorLoaded, View, ViewCall};
use crate::writes::Gate;
use crate::writes::audit::AuditLog;
use futures::executor::block_on;
use std::sync::Arc;

const START: Epoch = 1_795_687_200; // 2026-11-26T10:00:00Z
/// The run that reveals the drift (and fires the accuracy alarm) ends this long after START.
const INCIDENT_AFTER_START: Epoch = 240;
/// Five minutes in: the run that revealed the drift has ended.
const NOW: Epoch = START + 300;

struct Console {
    source: DemoSource,
    clock: Arc<FixedClock>,
    gate: Gate,
    state: State,
    log: std::path::PathBuf,
}

fn console(tag: &str, readonly: bool) -> Console {
    console_at(tag, readonly, NOW)
}

fn console_at(tag: &str, readonly: bool, now: Epoch) -> Console {
    let clock = Arc::new(FixedClock::new(now));
    let source = DemoSource::new(
        DemoConfig {
            seed: 7,
            start: START,
            scale: None,
        },
        clock.clone(),
    )
    .with_readonly(readonly);
    let settings = load(&Overrides::default(), &Env::default()).unwrap();
    let mut state = State::new(
        SourceKind::Demo,
        now,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.size = (160, 48);
    state.readonly = readonly;
    state.placement = source.placement();
    let dir = std::env::temp_dir().join(format!("sagewatch-monitor-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log = dir.join("audit.jsonl");
    let identity = block_on(source.identity()).unwrap();
    let gate = Gate::new(readonly, Some(AuditLog::new(log.clone())), identity);
    let mut c = Console {
        source,
        clock,
        gate,
        state,
        log,
    };
    let commands = init(&mut c.state);
    c.settle(commands);
    c
}

impl Console {
    /// Runs commands (and those they cause) until none is left, writes through the gate.
    fn settle(&mut self, mut commands: Vec<Command>) -> Vec<Command> {
        let mut ran = Vec::new();
        while let Some(command) = commands.pop() {
            assert!(ran.len() < 10_000, "update keeps asking for more");
            ran.push(command.clone());
            let action = block_on(execute(&self.source, Some(&self.gate), command));
            commands.extend(update(&mut self.state, action).commands);
        }
        ran
    }

    /// Applies an action and settles; returns every command it caused.
    fn act(&mut self, action: Action) -> Vec<Command> {
        let out = update(&mut self.state, action);
        self.settle(out.commands)
    }

    fn key(&mut self, k: InputKey) -> Vec<Command> {
        self.act(Action::Input(k))
    }

    /// The clock moves `secs` and the console ticks.
    fn wait(&mut self, secs: i64) -> Vec<Command> {
        let now = crate::clock::Clock::now(self.clock.as_ref()) + secs;
        self.clock.set(now);
        self.act(Action::Tick(now))
    }

    fn flashed(&self) -> &str {
        self.state.flash.as_ref().map_or("", |f| f.text.as_str())
    }

    fn open_fraud_detector(&mut self) {
        self.act(Action::Run("monitor fraud-detector".into()));
        assert_eq!(self.state.view, View::Monitor, "{}", self.flashed());
    }
}

#[test]
fn m_again_after_a_run_has_ended_shows_that_runs_report_not_the_one_left_on_screen() {
    // Before the run that reveals the drift ends: the newest finished run is another one.
    let mut c = console_at("reopen", false, START + INCIDENT_AFTER_START - 60);
    c.open_fraud_detector();
    let quality = |c: &Console| {
        c.state
            .views
            .monitor
            .schedules()
            .iter()
            .find(|s| s.monitoring_type == "ModelQuality")
            .map(|s| s.name.clone())
            .unwrap()
    };
    let mq = quality(&c);
    let before = c.state.views.monitor.report.as_ref().unwrap().run.clone();
    let revealing_is_finished = |c: &Console| {
        c.state
            .views
            .monitor
            .runs()
            .iter()
            .find(|r| r.schedule == mq)
            .is_some_and(|r| r.status.is_finished())
    };
    assert!(
        !revealing_is_finished(&c),
        "the model-quality run is still going"
    );
    c.act(Action::Back);
    // It ends, the alarm fires; `m` again.
    c.wait(120);
    c.open_fraud_detector();
    assert!(revealing_is_finished(&c));
    let m = &c.state.views.monitor;
    let report = m.report.as_ref().unwrap();
    assert!(
        !report.run.is_same_run(&before),
        "not the report left on screen"
    );
    assert_eq!(report.run.schedule, mq, "the run that fired the alarm");
    assert!(report.run.status.is_finished());
    assert!(report.run.scheduled_time > before.scheduled_time);
    assert!(
        matches!(&report.violations, Loadable::Loaded(v) if !v.violations.is_empty()),
        "{:?}",
        report.violations
    );
    assert!(m.selected_run().is_some_and(|r| r.is_same_run(&report.run)));
}

#[test]
fn m_on_the_fleet_opens_the_selected_endpoints_pane_with_its_newest_report() {
    let mut c = console("open", false);
    let row = c
        .state
        .views
        .fleet
        .rows
        .iter()
        .position(|&i| c.state.endpoints[i].name == "fraud-detector")
        .unwrap();
    c.state.views.fleet.selected = row;
    c.act(Action::ShowMonitor);
    let m = &c.state.views.monitor;
    assert_eq!(c.state.view, View::Monitor);
    assert_eq!(m.endpoint.as_ref().unwrap().name, "fraud-detector");
    let types: Vec<&str> = m
        .schedules()
        .iter()
        .map(|s| s.monitoring_type.as_str())
        .collect();
    assert_eq!(types, ["ModelQuality", "DataQuality"]);
    let runs = m.runs();
    assert!(
        runs.windows(2)
            .all(|w| w[0].scheduled_time >= w[1].scheduled_time),
        "newest first"
    );
    // The run that revealed the drift, with its violations and the baseline's thresholds.
    let report = m
        .report
        .as_ref()
        .expect("the newest finished run's report is read");
    assert_eq!(report.run.status, ExecutionStatus::CompletedWithViolations);
    let Loadable::Loaded(v) = &report.violations else {
        panic!("{:?}", report.violations);
    };
    let accuracy = v
        .violations
        .iter()
        .find(|x| x.subject == "accuracy")
        .unwrap();
    assert_eq!(accuracy.check, "LessThanThreshold");
    assert_eq!(accuracy.threshold, Some(0.85));
    let observed = accuracy.observed.unwrap();
    assert!((0.75..0.80).contains(&observed), "{observed}");
    assert!(matches!(&report.baseline, Loadable::Loaded(Some(b)) if b.constraints.len() == 5));
    let Loadable::Loaded(alerts) = &m.alerts else {
        panic!("{:?}", m.alerts);
    };
    assert!(
        alerts
            .iter()
            .any(|a| a.name == "accuracy"
                && a.status == crate::source::monitor::AlertStatus::InAlert)
    );
    // The fleet counts the violations of every schedule's last completed run.
    assert!(
        crate::app::query::violations_of(&c.state, "111111111111", Some("fraud-detector")).unwrap()
            >= 5
    );
}

#[test]
fn older_runs_are_read_a_page_at_a_time_when_the_cursor_reaches_the_end() {
    let mut c = console("paging", false);
    c.open_fraud_detector();
    let first = c.state.views.monitor.runs().len();
    assert!(c.state.views.monitor.next_page.is_some());
    c.state.views.monitor.focus = Pane::Runs;
    let sent = c.act(Action::MoveBottom);
    assert!(
        sent.iter()
            .any(|s| matches!(s, Command::View(ViewCall::Monitor(MonitorCall::Runs { page, .. })) if page == "25")),
        "{sent:?}"
    );
    assert_eq!(c.state.views.monitor.runs().len(), first + 25);
    // Enter on an older run reads its report.
    let sent = c.act(Action::Select);
    assert!(sent.iter().any(|s| matches!(
        s,
        Command::View(ViewCall::Monitor(MonitorCall::Report { .. }))
    )));
    let selected = c.state.views.monitor.selected_run().unwrap().clone();
    let report = c.state.views.monitor.report.as_ref().unwrap();
    assert_eq!(report.run.scheduled_time, selected.scheduled_time);
}

#[test]
fn run_now_is_confirmed_sent_through_the_gate_followed_and_reported() {
    let mut c = console("run", false);
    c.open_fraud_detector();
    // The form opens on the selected schedule (model quality), window 1h.
    c.act(Action::RunMonitor);
    assert!(matches!(c.state.overlays.last(), Some(Overlay::Form(_))));
    c.key(InputKey::Enter);
    let Some(Overlay::Confirm(confirm)) = c.state.overlays.last() else {
        panic!("no confirmation: {}", c.flashed());
    };
    let shown = confirm.lines.join("\n");
    assert!(shown.contains("\"ScheduleExpression\": \"NOW\""), "{shown}");
    assert!(
        shown.contains("\"DataAnalysisStartTime\": \"-PT1H\""),
        "{shown}"
    );
    assert!(
        shown.contains("\"MonitoringJobDefinitionName\": \"fraud-detector-model-quality-job\"")
    );
    assert!(
        shown.contains("fraud-detector-model-quality-now-20261126100500"),
        "{shown}"
    );
    let sent = c.key(InputKey::Char('y'));
    let write = sent
        .iter()
        .find_map(|s| match s {
            Command::Write { request, .. } => request.as_monitor().cloned(),
            _ => None,
        })
        .expect("sent");
    assert!(matches!(write, MonitorWrite::RunNow(_)));
    // Followed: the status bar says so, wherever the user goes.
    assert!(c.state.views.monitor.follow.is_some());
    assert_eq!(
        c.state.views.monitor.follow.as_ref().unwrap().status,
        Some(ExecutionStatus::Pending)
    );
    c.act(Action::ShowFleet);
    c.wait(3);
    assert_eq!(
        c.state.views.monitor.follow.as_ref().unwrap().status,
        Some(ExecutionStatus::InProgress)
    );
    let marker = super::follow::marker(&c.state.views.monitor, c.state.now).unwrap();
    assert!(marker.contains("InProgress 0:03"), "{marker}");
    // Nothing is polled between polls.
    let idle = c.act(Action::Tick(c.state.now));
    assert!(!idle.iter().any(|s| matches!(
        s,
        Command::View(ViewCall::Monitor(MonitorCall::Poll { .. }))
    )));
    let ended = c.wait(4);
    assert!(
        c.state.views.monitor.follow.is_none(),
        "the follow ends with the run"
    );
    assert!(
        c.flashed().contains("CompletedWithViolations"),
        "{}",
        c.flashed()
    );
    // Its end asks for the endpoint's quality series and the fleet's counts at once.
    assert!(ended.iter().any(|s| matches!(
        s,
        Command::LoadSeries { purpose: crate::app::action::SeriesPurpose::Siblings, request, .. }
            if request.keys.iter().all(|k| k.dimension("Endpoint") == Some("fraud-detector"))
    )), "{ended:?}");
    assert!(ended.iter().any(|s| matches!(s, Command::LoadFleetRuns)));
    // The new hour's accuracy point is in the store: the charts show the run's result.
    let hour = c.state.now.div_euclid(3600) * 3600;
    let e = c
        .state
        .endpoints
        .iter()
        .find(|e| e.name == "fraud-detector")
        .unwrap()
        .clone();
    let key = crate::source::metrics::series_keys(&e, crate::source::metrics::MetricId::Accuracy)
        .remove(0);
    let newest = c.state.store.get(&key).and_then(|s| s.latest()).unwrap();
    assert_eq!(newest.0, hour, "the run's point landed in the current hour");
    // The audit log has the intent before the call and the outcome after.
    let log = std::fs::read_to_string(&c.log).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{log}");
    assert_eq!(lines[0]["phase"], "intent");
    assert_eq!(lines[0]["operation"], "CreateMonitoringSchedule");
    assert_eq!(lines[1]["result"], "ok");
    // Its one-time schedule is deleted once the run has ended (the confirmation said so),
    // and exactly that one; the status bar still says how the run ended.
    let made = &lines[0]["parameters"]["MonitoringScheduleName"];
    assert_eq!(lines[2]["phase"], "intent");
    assert_eq!(lines[2]["operation"], "DeleteMonitoringSchedule");
    assert_eq!(&lines[2]["parameters"]["MonitoringScheduleName"], made);
    assert_eq!(lines[3]["result"], "ok");
    assert!(
        c.flashed().contains("CompletedWithViolations")
            && c.flashed().contains("its one-time schedule was deleted"),
        "{}",
        c.flashed()
    );
    assert!(
        shown.contains("then deletes the one-time schedule"),
        "{shown}"
    );
    // Back on the pane, the run is listed with its report; its schedule is gone.
    c.open_fraud_detector();
    let m = &c.state.views.monitor;
    assert!(m.runs()[0].schedule.contains("-now-"), "{:?}", m.runs()[0]);
    assert!(
        !m.schedules().iter().any(|s| s.name.contains("-now-")),
        "{:?}",
        m.schedules()
    );
    let report = m.report.as_ref().unwrap();
    assert!(report.run.schedule.contains("-now-"));
    assert!(matches!(&report.violations, Loadable::Loaded(v) if !v.violations.is_empty()));
}

#[test]
fn pause_and_resume_confirm_then_read_the_schedule_again() {
    let mut c = console("pause", false);
    c.open_fraud_detector();
    c.act(Action::PauseSchedule);
    let Some(Overlay::Confirm(confirm)) = c.state.overlays.last() else {
        panic!("{}", c.flashed());
    };
    assert!(confirm.lines.join("\n").contains("StopMonitoringSchedule"));
    let sent = c.key(InputKey::Char('y'));
    assert!(
        sent.iter()
            .any(|s| matches!(s, Command::View(ViewCall::Monitor(MonitorCall::Pane(_))))),
        "re-read"
    );
    assert_eq!(
        c.state.views.monitor.schedules()[0].status,
        ScheduleStatus::Stopped
    );
    // Pausing what is paused says so and sends nothing.
    let sent = c.act(Action::PauseSchedule);
    assert!(sent.is_empty() && c.state.overlays.is_empty());
    assert!(c.flashed().contains("already paused"));
    c.act(Action::ResumeSchedule);
    c.key(InputKey::Char('y'));
    assert_eq!(
        c.state.views.monitor.schedules()[0].status,
        ScheduleStatus::Scheduled
    );
}

#[test]
fn read_only_refuses_every_act_before_any_dialog() {
    let mut c = console("ro", true);
    c.open_fraud_detector();
    for action in [
        Action::RunMonitor,
        Action::PauseSchedule,
        Action::ResumeSchedule,
        Action::Run("monitor run 2h".into()),
        Action::Run("monitor pause".into()),
    ] {
        let sent = c.act(action.clone());
        assert!(c.state.overlays.is_empty(), "{action:?} opened a dialog");
        assert!(sent.is_empty(), "{action:?} sent {sent:?}");
        assert!(
            c.flashed().starts_with("read-only"),
            "{action:?}: {}",
            c.flashed()
        );
    }
}

#[test]
fn a_schedule_that_cannot_be_run_says_why_and_opens_nothing() {
    let mut c = console("inline", false);
    c.act(Action::Run("monitor ltv-scorer".into()));
    let inline = c
        .state
        .views
        .monitor
        .schedules()
        .iter()
        .position(|s| s.job_definition.is_none())
        .expect("ltv-scorer's data-quality schedule uses the inline form");
    c.state.views.monitor.schedule_row = inline;
    c.act(Action::RunMonitor);
    assert!(c.state.overlays.is_empty());
    assert!(
        c.flashed().contains("older inline job definition"),
        "{}",
        c.flashed()
    );
    // An account the console has no role for: the config line to add.
    c.state.views.monitor.schedule_row = 0;
    c.state.placement.acts_everywhere = false;
    c.act(Action::RunMonitor);
    assert!(c.state.overlays.is_empty());
    assert!(
        c.flashed()
            .contains("role_arn = \"arn:aws:iam::333333333333:role/"),
        "{}",
        c.flashed()
    );
}

#[test]
fn a_bad_window_is_refused_with_what_was_expected() {
    let mut c = console("window", false);
    c.open_fraud_detector();
    let sent = c.act(Action::Run("monitor run 36h".into()));
    assert!(sent.is_empty() && c.state.overlays.is_empty());
    assert!(
        c.flashed().contains("expected whole hours from 1h to 24h"),
        "{}",
        c.flashed()
    );
    // In the form too: submit is refused while the window is wrong.
    c.act(Action::RunMonitor);
    c.key(InputKey::ClearLine);
    for ch in "0h".chars() {
        c.key(InputKey::Char(ch));
    }
    c.key(InputKey::Enter);
    assert!(matches!(c.state.overlays.last(), Some(Overlay::Form(_))));
}

/// The calls one pane costs: none while it is open and idle (it is read on open and on `r`
/// only), and a ListMonitoringExecutions per poll while a run is followed: every 2 s for 30
/// s, every 10 s to 5 minutes, every 30 s after. A run that never ends is answered here.
#[test]
fn an_idle_pane_polls_nothing_and_a_followed_run_costs_a_poll_per_interval() {
    let mut c = console("cost", false);
    c.open_fraud_detector();
    let monitor_calls = |commands: &[Command]| {
        commands
            .iter()
            .filter(|c| {
                matches!(
                    c,
                    Command::View(ViewCall::Monitor(MonitorCall::Pane(_)))
                        | Command::View(ViewCall::Monitor(MonitorCall::Runs { .. }))
                        | Command::View(ViewCall::Monitor(MonitorCall::Report { .. }))
                        | Command::View(ViewCall::Monitor(MonitorCall::Poll { .. }))
                        | Command::View(ViewCall::Endpoint(EndpointCall::Monitoring(_)))
                )
            })
            .count()
    };
    // Ten idle minutes with the pane on screen, a tick a second (updates only: nothing runs).
    let mut idle = 0;
    for _ in 0..600 {
        c.state.now += 1;
        let now = c.state.now;
        idle += monitor_calls(&update(&mut c.state, Action::Tick(now)).commands);
    }
    assert_eq!(idle, 0, "an open pane is never polled");
    // A run being followed that stays InProgress: polls per minute, by minute.
    let started = c.state.now;
    c.state.views.monitor.follow = Some(super::Follow {
        endpoint: c.state.views.monitor.endpoint.clone().unwrap(),
        schedule: "fraud-detector-model-quality-now-20261126101500".into(),
        from_schedule: "fraud-detector-model-quality".into(),
        started,
        status: None,
        next_poll: started + 2,
        last_answer: started,
    });
    let mut per_minute = vec![0usize; 8];
    for s in 1..=(8 * 60) {
        c.state.now = started + s;
        let now = c.state.now;
        let out = update(&mut c.state, Action::Tick(now)).commands;
        for command in &out {
            if let Command::View(ViewCall::Monitor(MonitorCall::Poll { schedule, .. })) = command {
                per_minute[((s - 1) / 60) as usize] += 1;
                let run = crate::source::monitor::Execution {
                    account_id: "111111111111".into(),
                    schedule: schedule.clone(),
                    scheduled_time: started,
                    created: Some(started),
                    modified: Some(now),
                    status: ExecutionStatus::InProgress,
                    failure_reason: None,
                    processing_job_arn: None,
                    monitoring_type: None,
                    region: Default::default(),
                };
                let answer = MonitorLoaded::Polled {
                    schedule: schedule.clone(),
                    result: Ok(super::calls::Poll::Run(Box::new(run))),
                };
                update(&mut c.state, Action::from(answer));
            }
        }
        assert_eq!(
            monitor_calls(&out),
            out.iter()
                .filter(|c| matches!(
                    c,
                    Command::View(ViewCall::Monitor(MonitorCall::Poll { .. }))
                ))
                .count()
        );
    }
    // 15 polls in the first 30 s and 3 in the next 30; then 6 a minute; 2 after 5 minutes.
    assert_eq!(per_minute, [18, 6, 6, 6, 6, 2, 2, 2], "{per_minute:?}");
    assert!(c.state.views.monitor.follow.is_some(), "still following");
}

#[test]
fn an_endpoint_with_custom_quality_metrics_says_so_and_has_nothing_to_run() {
    let mut c = console("custom", false);
    c.act(Action::Run("monitor fraud-detector-stg".into()));
    assert_eq!(c.state.view, View::Monitor);
    assert!(c.state.views.monitor.schedules().is_empty());
    let note = super::draw::custom_note(&c.state).expect("a custom source");
    assert!(note.contains("MLTeam/ModelQuality"), "{note}");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).unwrap();
    terminal.draw(|f| crate::ui::draw(&c.state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let screen: String = buffer.content().iter().map(|cell| cell.symbol()).collect();
    assert!(screen.contains("quality metrics are custom"), "{screen}");
    let sent = c.act(Action::RunMonitor);
    assert!(sent.is_empty() && c.state.overlays.is_empty());
    assert!(
        c.flashed().contains("custom (MLTeam/ModelQuality)"),
        "{}",
        c.flashed()
    );
}

/// A follow with a hand-made poll answer, at `now`.
fn answer(c: &mut Console, poll: Result<super::calls::Poll, crate::source::SourceError>) {
    let schedule = c
        .state
        .views
        .monitor
        .follow
        .as_ref()
        .unwrap()
        .schedule
        .clone();
    let loaded = MonitorLoaded::Polled {
        schedule,
        result: poll,
    };
    update(&mut c.state, Action::from(loaded));
}

fn following(c: &mut Console) {
    let now = c.state.now;
    c.state.views.monitor.follow = Some(super::Follow {
        endpoint: c.state.views.monitor.endpoint.clone().unwrap(),
        schedule: "fraud-detector-model-quality-now-20261126101500".into(),
        from_schedule: "fraud-detector-model-quality".into(),
        started: now,
        status: None,
        next_poll: now + 2,
        last_answer: now,
    });
}

#[test]
fn a_follow_ends_when_its_schedule_fails_no_run_comes_or_polls_keep_failing() {
    use super::calls::Poll;
    let mut c = console("giveup", false);
    c.open_fraud_detector();
    // The one-time schedule failed: no run will ever be listed.
    following(&mut c);
    answer(&mut c, Ok(Poll::ScheduleFailed("quota exceeded".into())));
    assert!(c.state.views.monitor.follow.is_none());
    assert!(
        c.flashed().contains("failed: quota exceeded"),
        "{}",
        c.flashed()
    );
    // No run listed: waited for, then given up after 15 minutes.
    following(&mut c);
    answer(&mut c, Ok(Poll::NotYet));
    assert!(
        c.state.views.monitor.follow.is_some(),
        "a run appears within seconds, usually"
    );
    c.state.now += super::follow::NO_RUN_GIVE_UP_SECS + 1;
    answer(&mut c, Ok(Poll::NotYet));
    assert!(c.state.views.monitor.follow.is_none());
    assert!(
        c.flashed().contains("no run listed after 15 minutes"),
        "{}",
        c.flashed()
    );
    // A run seen, then an empty listing long after: a blip, not "no run".
    following(&mut c);
    let run = crate::source::monitor::Execution {
        account_id: "111111111111".into(),
        schedule: "fraud-detector-model-quality-now-20261126101500".into(),
        scheduled_time: c.state.now,
        created: Some(c.state.now),
        modified: Some(c.state.now),
        status: ExecutionStatus::InProgress,
        failure_reason: None,
        processing_job_arn: None,
        monitoring_type: None,
        region: Default::default(),
    };
    answer(&mut c, Ok(Poll::Run(Box::new(run))));
    c.state.now += super::follow::NO_RUN_GIVE_UP_SECS + 1;
    answer(&mut c, Ok(Poll::NotYet));
    assert!(
        c.state.views.monitor.follow.is_some(),
        "a run was seen: still following"
    );
    // Polls failing for minutes end it; failing for less (a blip) does not.
    following(&mut c);
    let denied = || crate::source::SourceError::AccessDenied {
        call: "ListMonitoringExecutions 111111111111".into(),
        action: "sagemaker:ListMonitoringExecutions".into(),
    };
    for _ in 0..30 {
        c.state.now += 2;
        answer(&mut c, Err(denied()));
    }
    assert!(
        c.state.views.monitor.follow.is_some(),
        "a minute of failures is a blip"
    );
    c.state.now += super::follow::ERRORS_GIVE_UP_SECS;
    answer(&mut c, Err(denied()));
    assert!(c.state.views.monitor.follow.is_none());
    assert!(
        c.flashed().contains("polls failed for 5 minutes"),
        "{}",
        c.flashed()
    );
}

#[test]
fn a_second_run_is_refused_while_one_is_followed() {
    let mut c = console("second", false);
    c.open_fraud_detector();
    following(&mut c);
    let sent = c.act(Action::RunMonitor);
    assert!(sent.is_empty() && c.state.overlays.is_empty());
    assert!(
        c.flashed().starts_with("already following"),
        "{}",
        c.flashed()
    );
}

#[test]
fn a_run_now_counts_once_in_the_fleet_and_its_report_has_the_copied_schedules_baseline() {
    let mut c = console("once", false);
    c.open_fraud_detector();
    let before = crate::app::query::violations_of(&c.state, "111111111111", Some("fraud-detector"));
    c.act(Action::RunMonitor);
    c.key(InputKey::Enter);
    c.key(InputKey::Char('y'));
    c.wait(3);
    let ended = c.wait(4);
    assert!(c.state.views.monitor.follow.is_none());
    let after = crate::app::query::violations_of(&c.state, "111111111111", Some("fraud-detector"));
    assert_eq!(
        before, after,
        "the one-time schedule is not another schedule of the endpoint"
    );
    // Its report is read with the baseline of the schedule it copied.
    assert!(ended.iter().any(|s| matches!(
        s,
        Command::View(ViewCall::Monitor(MonitorCall::Report {
            schedule: Some(_),
            ..
        }))
    )));
    let report = c
        .state
        .views
        .monitor
        .report
        .as_ref()
        .expect("the run's report");
    assert!(report.run.schedule.contains("-now-"));
    assert!(matches!(&report.baseline, Loadable::Loaded(Some(b)) if b.constraints.len() == 5));
}

#[test]
fn a_run_followed_on_its_pane_has_its_schedule_deleted_after_its_report_was_read() {
    let mut c = console("cleanup-order", false);
    c.open_fraud_detector();
    c.act(Action::RunMonitor);
    c.key(InputKey::Enter);
    c.key(InputKey::Char('y'));
    c.wait(3);
    let ran = c.wait(4);
    assert!(c.state.views.monitor.follow.is_none(), "the run ended");
    let at = |wanted: fn(&Command) -> bool| ran.iter().position(wanted);
    let report = at(|c| {
        matches!(
            c,
            Command::View(ViewCall::Monitor(MonitorCall::Report { .. }))
        )
    })
    .expect("its report is read");
    let delete = at(|c| {
        matches!(c, Command::Write { request, .. }
            if matches!(request.as_monitor(), Some(MonitorWrite::Delete { .. })))
    })
    .expect("its schedule is deleted");
    assert!(report < delete, "read first, then deleted: {ran:?}");
    assert!(c.state.views.monitor.cleanups.is_empty());
}

#[test]
fn a_delete_waiting_for_a_report_that_never_answers_goes_after_a_minute() {
    use super::cleanup;
    let mut c = console("cleanup-wait", false);
    let run = block_on(
        c.source
            .monitor()
            .unwrap()
            .executions(&fraud_detector(&c), None, None),
    )
    .unwrap()
    .executions
    .remove(0);
    let delete = cleanup::delete_of(
        ("111111111111", &"eu-west-1".into()),
        "fraud-detector-model-quality-now-20261126100500",
    );
    let said = ("run ended".to_owned(), crate::app::state::FlashLevel::Info);
    assert!(cleanup::run_ended(&mut c.state, delete, Some(run), said).is_empty());
    c.state.now += cleanup::REPORT_WAIT_SECS - 1;
    assert!(cleanup::due(&mut c.state).is_empty(), "still waiting");
    assert!(cleanup::pending(&c.state), "the clock keeps ticking for it");
    c.state.now += 1;
    let sent = cleanup::due(&mut c.state);
    assert!(matches!(&sent[..], [Command::Write { .. }]), "{sent:?}");
    assert!(cleanup::due(&mut c.state).is_empty(), "sent once");
}

fn fraud_detector(c: &Console) -> crate::source::model::EndpointKey {
    c.state
        .endpoints
        .iter()
        .find(|e| e.name == "fraud-detector")
        .unwrap()
        .key()
}

#[test]
fn what_earlier_runs_now_left_is_said_at_start_and_deleted_after_one_confirmation() {
    let mut c = console("leftovers", false);
    c.wait(1);
    assert!(
        c.flashed()
            .contains(":monitor cleanup deletes 1 one-time schedule a run now left"),
        "{}",
        c.flashed()
    );
    c.act(Action::Run("monitor cleanup".into()));
    let Some(Overlay::Confirm(confirm)) = c.state.overlays.last() else {
        panic!("no confirmation: {}", c.flashed());
    };
    let shown = confirm.lines.join("\n");
    assert!(
        shown.contains("churn-predictor-stg-model-quality-now-"),
        "{shown}"
    );
    c.key(InputKey::Char('y'));
    let log = std::fs::read_to_string(&c.log).unwrap();
    let deletes: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["phase"] == "intent")
        .collect();
    assert_eq!(deletes.len(), 1, "{log}");
    assert_eq!(deletes[0]["operation"], "DeleteMonitoringSchedule");
    assert!(
        deletes[0]["parameters"]["MonitoringScheduleName"]
            .as_str()
            .unwrap()
            .starts_with("churn-predictor-stg-model-quality-now-")
    );
    assert!(log.contains("\"result\":\"ok\""), "{log}");
    // Nothing is left: a second cleanup says so and sends nothing.
    let sent = c.act(Action::Run("monitor cleanup".into()));
    assert!(c.state.overlays.is_empty());
    assert!(!sent.iter().any(|s| matches!(s, Command::Write { .. })));
    assert!(c.flashed().contains("nothing to delete"), "{}", c.flashed());
}

#[test]
fn read_only_does_not_offer_to_clean_up() {
    let mut c = console("leftovers-ro", true);
    c.wait(1);
    assert!(!c.flashed().contains("cleanup"), "{}", c.flashed());
    let sent = c.act(Action::Run("monitor cleanup".into()));
    assert!(c.state.overlays.is_empty());
    assert!(sent.is_empty(), "{sent:?}");
    assert!(c.flashed().starts_with("read-only"), "{}", c.flashed());
}
