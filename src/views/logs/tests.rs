//! The logs view through the console's own update path: what `L` opens from each context,
//! an Insights query started, polled with backoff and stopped (cancelled, replaced, the
//! view left, the console quitting), the tail's sessions started and stopped with its pane,
//! its lines held still while reading back, and saved.

use super::calls::{LogsCall, LogsLoaded};
use super::state::{Pane, Phase};
use crate::app::action::{Action, Loaded};
use crate::app::command::{Command, ExportFormat};
use crate::app::state::State;
use crate::app::update::update;
use crate::logs::follow::{FollowEvent, TailMode};
use crate::source::SourceError;
use crate::source::logs::{InsightsResults, InsightsState, InsightsStats, LogEvent};
use crate::ui::fixture;
use crate::views::{View, ViewCall};

fn state() -> State {
    let mut s = fixture::state();
    s.size = (160, 48);
    s
}

fn act(s: &mut State, a: Action) -> Vec<Command> {
    update(s, a).commands
}

fn run(s: &mut State, line: &str) -> Vec<Command> {
    act(s, Action::Run(line.into()))
}

fn loaded(s: &mut State, l: impl Into<Loaded>) -> Vec<Command> {
    act(s, Action::Loaded(Box::new(l.into())))
}

fn token(s: &State) -> String {
    s.views.logs.insights.run.as_ref().unwrap().token.clone()
}

/// Opens prod fraud-detector's logs from the fleet (its first row).
fn opened() -> (State, Vec<Command>) {
    let mut s = state();
    s.view = View::Fleet;
    let cmds = act(&mut s, Action::ShowLogs);
    (s, cmds)
}

fn results(state: InsightsState, rows: usize) -> Box<InsightsResults> {
    let rows: Vec<Vec<(String, String)>> = (0..rows)
        .map(|i| {
            vec![
                ("@timestamp".into(), format!("2026-11-26 10:00:{i:02}.000")),
                ("@logStream".into(), "blue/i-0abc".into()),
                (
                    "@message".into(),
                    format!("ERROR KeyError: 'merchant_category' {i}"),
                ),
                ("@ptr".into(), "p".into()),
            ]
        })
        .collect();
    Box::new(InsightsResults::from_fields(
        Some(state),
        InsightsStats {
            records_matched: rows.len() as f64,
            records_scanned: 10_000.0,
            bytes_scanned: 2_500_000.0,
        },
        rows.iter()
            .map(|r| r.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()),
    ))
}

fn started_and_running(s: &mut State) -> Vec<Command> {
    let t = token(s);
    loaded(
        s,
        LogsLoaded::QueryStarted {
            token: t,
            result: Ok("q-1".into()),
        },
    )
}

#[test]
fn l_on_an_endpoint_opens_its_group_with_errors_first_over_the_last_hour() {
    let (s, cmds) = opened();
    assert_eq!(s.view, View::Logs);
    let Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { query, .. }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(query.target.account_id, fixture::PROD);
    assert_eq!(
        query.target.groups,
        ["/aws/sagemaker/Endpoints/fraud-detector"]
    );
    assert_eq!(query.target.stream_prefix, None);
    assert!(query.query.contains("error|exception"), "{}", query.query);
    assert_eq!(query.end - query.start, 3600);
    assert_eq!(query.end, s.now);
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::TailStart { .. })))),
        "no live tail (billed by the minute) until its pane is shown"
    );
}

#[test]
fn a_query_is_polled_with_backoff_and_its_rows_and_statistics_land() {
    let (mut s, _) = opened();
    let cmds = started_and_running(&mut s);
    let [Command::View(ViewCall::Logs(LogsCall::QueryPoll { id, delay_ms, .. }))] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!((id.as_str(), *delay_ms), ("q-1", 250));
    let t = token(&s);
    let cmds = loaded(
        &mut s,
        LogsLoaded::QueryResults {
            token: t.clone(),
            result: Ok(results(InsightsState::Running, 3)),
        },
    );
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::View(ViewCall::Logs(LogsCall::QueryPoll {
                delay_ms: 500,
                ..
            }))]
        ),
        "{cmds:?}"
    );
    assert_eq!(
        s.views.logs.insights.rows.len(),
        3,
        "partial results shown while it runs"
    );
    let cmds = loaded(
        &mut s,
        LogsLoaded::QueryResults {
            token: t,
            result: Ok(results(InsightsState::Complete, 40)),
        },
    );
    assert!(cmds.is_empty(), "finished: no more polls: {cmds:?}");
    let run = s.views.logs.insights.run.as_ref().unwrap();
    assert_eq!(run.phase, Phase::Finished(InsightsState::Complete));
    assert_eq!(
        s.views.logs.insights.columns,
        ["@timestamp", "@logStream", "@message"]
    );
    let text = super::progress_text(run, 40, s.now);
    assert!(
        text.contains("Complete") && text.contains("40 matched") && text.contains("10,000 scanned"),
        "{text}"
    );
}

#[test]
fn cancelling_replacing_and_leaving_stop_the_query_in_cloudwatch() {
    let (mut s, _) = opened();
    started_and_running(&mut s);
    let cmds = act(&mut s, Action::CancelQuery);
    assert!(
        matches!(cmds.as_slice(), [Command::View(ViewCall::Logs(LogsCall::QueryStop { id, .. }))] if id == "q-1"),
        "{cmds:?}"
    );
    // A query replaced before its start answered is stopped when it answers.
    let cmds = run(&mut s, "insights fields @message | limit 5");
    let first = token(&s);
    assert!(matches!(
        cmds.last(),
        Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { .. })))
    ));
    run(&mut s, "insights fields @message | limit 6");
    let cmds = loaded(
        &mut s,
        LogsLoaded::QueryStarted {
            token: first,
            result: Ok("q-late".into()),
        },
    );
    assert!(
        matches!(cmds.as_slice(), [Command::View(ViewCall::Logs(LogsCall::QueryStop { id, .. }))] if id == "q-late"),
        "{cmds:?}"
    );
    // Leaving the view stops the running one.
    started_and_running(&mut s);
    let cmds = act(&mut s, Action::ShowFleet);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::QueryStop { .. })))),
        "{cmds:?}"
    );
    assert_eq!(s.view, View::Fleet);
}

#[test]
fn quitting_stops_the_query_and_the_tail() {
    let (mut s, _) = opened();
    started_and_running(&mut s);
    act(&mut s, Action::FocusNext);
    let cmds = act(&mut s, Action::Quit);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::QueryStop { .. })))),
        "{cmds:?}"
    );
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::TailStop { .. })))),
        "{cmds:?}"
    );
    // A query whose start has not answered is stopped by its token once it does.
    let (mut s, _) = opened();
    let t = token(&s);
    let cmds = act(&mut s, Action::Quit);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::QueryAbandon { token, .. })) if *token == t)),
        "{cmds:?}"
    );
}

#[test]
fn polls_failing_five_times_in_a_row_give_up_and_stop_the_query() {
    let (mut s, _) = opened();
    started_and_running(&mut s);
    let t = token(&s);
    let mut last = Vec::new();
    for _ in 0..5 {
        last = loaded(
            &mut s,
            LogsLoaded::QueryResults {
                token: t.clone(),
                result: Err(SourceError::Throttled {
                    call: "GetQueryResults".into(),
                }),
            },
        );
    }
    assert!(
        matches!(
            last.as_slice(),
            [Command::View(ViewCall::Logs(LogsCall::QueryStop { .. }))]
        ),
        "{last:?}"
    );
    assert!(matches!(
        s.views.logs.insights.run.as_ref().unwrap().phase,
        Phase::Failed(_)
    ));
}

fn lines(session: u64, from: i64, n: usize) -> LogsLoaded {
    LogsLoaded::Tail {
        session,
        event: FollowEvent::Lines {
            events: (0..n)
                .map(|i| {
                    LogEvent::new(
                        from + i as i64,
                        "blue/i-0abc",
                        format!("line {i}").as_bytes(),
                        None,
                    )
                })
                .collect(),
            sampled: false,
        },
    }
}

fn session(cmds: &[Command]) -> u64 {
    cmds.iter()
        .find_map(|c| match c {
            Command::View(ViewCall::Logs(LogsCall::TailStart { session, .. })) => Some(*session),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no tail started: {cmds:?}"))
}

#[test]
fn the_tail_runs_while_its_pane_is_shown_and_drops_reports_of_old_sessions() {
    let (mut s, _) = opened();
    let cmds = act(&mut s, Action::FocusNext);
    assert_eq!(s.views.logs.pane, Pane::Tail);
    let first = session(&cmds);
    // An empty pane starts with the last minutes' newest lines.
    let Some(Command::View(ViewCall::Logs(LogsCall::TailStart { options, .. }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(options.backfill, 200);
    assert_eq!(options.since_ms, (s.now - 300) * 1000);
    loaded(
        &mut s,
        LogsLoaded::Tail {
            session: first,
            event: FollowEvent::Mode(TailMode::Live),
        },
    );
    loaded(&mut s, lines(first, 1_000, 3));
    assert_eq!(s.views.logs.tail.buffer.len(), 3);
    // Paused: the session is closed; its late reports change nothing.
    let cmds = act(&mut s, Action::PauseTail);
    assert!(
        matches!(cmds.as_slice(), [Command::View(ViewCall::Logs(LogsCall::TailStop { session }))] if *session == first)
    );
    loaded(&mut s, lines(first, 2_000, 5));
    assert_eq!(s.views.logs.tail.buffer.len(), 3);
    let resumed = act(&mut s, Action::PauseTail);
    let second = session(&resumed);
    assert_ne!(second, first);
    // Resumed, it goes on from the lines held: nothing read twice.
    assert!(
        matches!(resumed.last(), Some(Command::View(ViewCall::Logs(LogsCall::TailStart { options, .. }))) if options.backfill == 0),
        "{resumed:?}"
    );
    // A filter pattern starts a session with it.
    let cmds = run(&mut s, "tail ?ERROR ?WARN");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::TailStop { session })) if *session == second))
    );
    let Some(Command::View(ViewCall::Logs(LogsCall::TailStart {
        options, target, ..
    }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(options.pattern.as_deref(), Some("?ERROR ?WARN"));
    assert_eq!(target.groups, ["/aws/sagemaker/Endpoints/fraud-detector"]);
    // Leaving stops it; coming back starts another.
    let cmds = act(&mut s, Action::ShowFleet);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::TailStop { .. }))))
    );
    let cmds = act(&mut s, Action::ShowLogs);
    session(&cmds);
}

#[test]
fn reading_back_holds_the_window_and_counts_what_arrives_below() {
    let (mut s, _) = opened();
    let id = session(&act(&mut s, Action::FocusNext));
    loaded(&mut s, lines(id, 0, 100));
    act(&mut s, Action::MoveUp);
    act(&mut s, Action::MoveUp);
    assert!(!s.views.logs.tail.follow);
    let before: Vec<i64> = s
        .views
        .logs
        .tail
        .buffer
        .window(5, s.views.logs.tail.from_end)
        .map(|l| l.timestamp_ms)
        .collect();
    loaded(&mut s, lines(id, 100, 10));
    let after: Vec<i64> = s
        .views
        .logs
        .tail
        .buffer
        .window(5, s.views.logs.tail.from_end)
        .map(|l| l.timestamp_ms)
        .collect();
    assert_eq!(before, after, "the lines being read do not move");
    assert_eq!(s.views.logs.tail.unseen, 10);
    act(&mut s, Action::ToggleFollow);
    assert!(s.views.logs.tail.follow);
    assert_eq!(s.views.logs.tail.from_end, 0);
    assert_eq!(s.views.logs.tail.unseen, 0);
}

#[test]
fn a_monitoring_run_opens_its_job_streams_around_the_run() {
    let mut s = state();
    let run = crate::source::monitor::Execution {
        account_id: fixture::PROD.into(),
        schedule: "fraud-detector-mq".into(),
        scheduled_time: s.now - 7200,
        created: Some(s.now - 7100),
        modified: Some(s.now - 6800),
        status: crate::source::model::ExecutionStatus::CompletedWithViolations,
        failure_reason: None,
        processing_job_arn: Some(format!(
            "arn:aws:sagemaker:eu-west-1:{}:processing-job/model-quality-monitoring-202611261000-abc",
            fixture::PROD
        )),
        monitoring_type: None,
        region: Default::default(),
    };
    s.views.monitor.endpoint = Some(crate::source::model::EndpointKey {
        account_id: fixture::PROD.into(),
        name: "fraud-detector".into(),
        region: Default::default(),
    });
    s.views.monitor.runs = crate::app::state::Loadable::Loaded(vec![run]);
    s.view = View::Monitor;
    // The runs pane has the focus (Tab from the schedules).
    act(&mut s, Action::FocusNext);
    assert!(matches!(
        crate::views::selected(&s),
        Some(crate::views::Selected::Run { .. })
    ));
    let cmds = act(&mut s, Action::ShowLogs);
    let Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { query, .. }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(query.target.groups, ["/aws/sagemaker/ProcessingJobs"]);
    assert_eq!(
        query.target.stream_prefix.as_deref(),
        Some("model-quality-monitoring-202611261000-abc/")
    );
    assert!(
        query
            .query
            .contains("@logStream like /^model-quality-monitoring-202611261000-abc\\//")
    );
    assert!(
        query.start <= s.now - 7200 && query.end >= s.now - 6800 && query.end < s.now,
        "{query:?}"
    );
}

#[test]
fn an_alarm_opens_its_endpoint_from_an_hour_before_it_fired() {
    let mut s = state();
    s.view = View::Alarms;
    let Some(crate::views::Selected::Alarm(alarm)) = crate::views::selected(&s) else {
        panic!("an alarm is selected");
    };
    let alarm = alarm.clone();
    let cmds = act(&mut s, Action::ShowLogs);
    let Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { query, .. }))) = cmds.last()
    else {
        // The first alarm may not be on an endpoint.
        assert!(alarm.endpoint.is_none(), "{cmds:?}");
        return;
    };
    let key = alarm.endpoint.unwrap();
    assert_eq!(query.target.account_id, key.account_id);
    assert_eq!(
        query.target.groups,
        [format!("/aws/sagemaker/Endpoints/{}", key.name)]
    );
    assert_eq!(query.start, (alarm.state_since - 3600).min(s.now - 3600));
}

#[test]
fn a_bad_window_or_group_is_refused_with_what_was_expected_and_changes_nothing() {
    let (mut s, _) = opened();
    let span = s.views.logs.insights.span_secs;
    for line in ["since 8d", "since 1w", "since"] {
        let cmds = run(&mut s, line);
        assert!(cmds.is_empty(), "{line}: {cmds:?}");
        let flash = s.flash.as_ref().unwrap().text.clone();
        assert!(
            flash.contains("expected a duration") || flash.contains("needs a duration"),
            "{line}: {flash}"
        );
    }
    assert_eq!(s.views.logs.insights.span_secs, span);
    let cmds = run(&mut s, "logs /aws/x\u{1b}[31m");
    assert!(cmds.is_empty());
    assert!(
        s.flash
            .as_ref()
            .unwrap()
            .text
            .contains("not a log group name")
    );
    let cmds = run(&mut s, "since 3h");
    let Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { query, .. }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(query.end - query.start, 3 * 3600);
    // `-` widens to the next step.
    let cmds = act(&mut s, Action::RangeWider);
    let Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { query, .. }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(query.end - query.start, 6 * 3600);
}

#[test]
fn save_writes_the_tail_as_a_plain_log_and_hostile_lines_arrive_clean() {
    let (mut s, _) = opened();
    let id = session(&act(&mut s, Action::FocusNext));
    // A source that built its event by hand, without `LogEvent::new`.
    let hostile = LogEvent {
        timestamp_ms: 5,
        stream: "s\u{1b}]0;pwned\u{7}".into(),
        message: "\u{1b}[2J\u{9b}31m\u{202e}evil".into(),
        event_id: None,
    };
    loaded(
        &mut s,
        LogsLoaded::Tail {
            session: id,
            event: FollowEvent::Lines {
                events: vec![hostile],
                sampled: true,
            },
        },
    );
    let line = s
        .views
        .logs
        .tail
        .buffer
        .window(1, 0)
        .next()
        .unwrap()
        .clone();
    assert!(
        !line
            .text
            .chars()
            .chain(line.stream.chars())
            .any(crate::sanitize::needs_replacing),
        "{line:?}"
    );
    assert_eq!(s.views.logs.tail.buffer.sampled_updates, 1);
    let cmds = act(&mut s, Action::SaveLogs);
    let [Command::Export(job)] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(job.format, ExportFormat::Text);
    assert_eq!(job.what, "logs");
    assert_eq!(job.rows.len(), 1);
    // The lines are the buffer's own, shared with the worker that writes them: not a copy.
    let saved = job.rows.source().downcast_ref::<super::update::SavedTail>();
    assert!(
        saved.is_some_and(|tail| tail.0.shares(&s.views.logs.tail.buffer)),
        "{:?}",
        job.rows
    );
    assert_eq!(
        job.rows.to_vecs()[0][0].as_deref(),
        Some("1970-01-01T00:00:00.005Z")
    );
    // `:save` takes a quoted path whole, and refuses two words rather than keep the first.
    let cmds = run(&mut s, "save '/tmp/on call.log'");
    let [Command::Export(job)] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(job.path.as_deref(), Some("/tmp/on call.log"));
    assert!(run(&mut s, "save /tmp/on call.log").is_empty());
    assert!(s.flash.as_ref().unwrap().text.contains("expected one path"));
}

#[test]
fn the_tail_stops_when_its_pane_is_left_and_a_stopped_tail_says_why() {
    let (mut s, _) = opened();
    let id = session(&act(&mut s, Action::FocusNext));
    // Back to Insights: the session is closed (billed by the minute), its lines kept.
    loaded(&mut s, lines(id, 0, 3));
    let cmds = act(&mut s, Action::FocusNext);
    assert!(
        matches!(cmds.as_slice(), [Command::View(ViewCall::Logs(LogsCall::TailStop { session }))] if *session == id),
        "{cmds:?}"
    );
    assert_eq!(s.views.logs.tail.buffer.len(), 3);
    // Paused and resumed while Insights is shown: nothing opens off screen.
    act(&mut s, Action::PauseTail);
    let cmds = act(&mut s, Action::PauseTail);
    assert!(cmds.is_empty(), "{cmds:?}");
    // `:insights` from the tail closes it too.
    let id = session(&act(&mut s, Action::FocusNext));
    let cmds = run(&mut s, "insights fields @message");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Logs(LogsCall::TailStop { session })) if *session == id)),
        "{cmds:?}"
    );
    assert_eq!(s.views.logs.pane, Pane::Insights);
    // A tail AWS cannot follow ends, and says why.
    let id = session(&act(&mut s, Action::FocusNext));
    loaded(
        &mut s,
        LogsLoaded::Tail {
            session: id,
            event: FollowEvent::Stopped("ResourceNotFoundException: no such group".into()),
        },
    );
    assert_eq!(s.views.logs.tail.session, None);
    assert!(
        s.views
            .logs
            .tail
            .notice
            .as_deref()
            .unwrap()
            .contains("no such group")
    );
    // Polling says why live tail is not used.
    let id = session(
        &act(&mut s, Action::PauseTail)
            .into_iter()
            .chain(act(&mut s, Action::PauseTail))
            .collect::<Vec<_>>(),
    );
    loaded(
        &mut s,
        LogsLoaded::Tail {
            session: id,
            event: FollowEvent::Mode(TailMode::Polling {
                why: "needs logs:StartLiveTail".into(),
            }),
        },
    );
    assert!(
        s.views
            .logs
            .tail
            .notice
            .as_deref()
            .unwrap()
            .contains("needs logs:StartLiveTail")
    );
}

#[test]
fn a_query_typed_on_a_run_keeps_to_its_jobs_streams() {
    let mut s = state();
    let execution = crate::source::monitor::Execution {
        account_id: fixture::PROD.into(),
        schedule: "fraud-detector-mq".into(),
        scheduled_time: s.now - 7200,
        created: None,
        modified: None,
        status: crate::source::model::ExecutionStatus::Completed,
        failure_reason: None,
        processing_job_arn: Some("arn:aws:sagemaker:eu-west-1:1:processing-job/mq-job-1".into()),
        monitoring_type: None,
        region: Default::default(),
    };
    let context = super::open::run_context(&execution).unwrap();
    super::open::open(&mut s, context, 3600, None);
    let cmds = run(
        &mut s,
        "insights fields @message | filter @message like /ERROR/",
    );
    let Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { query, .. }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert!(
        query
            .query
            .starts_with("filter @logStream like /^mq-job-1\\// | fields @message"),
        "{}",
        query.query
    );
}

/// `:logs /aws/nope`: the query's failure is the logs view's (flashed, its phase failed),
/// not the console's freshness: the fleet's data is not marked STALE for it.
#[test]
fn a_failed_logs_query_is_the_views_not_the_consoles_freshness() {
    use crate::app::query::{DataFreshness, freshness};
    let mut s = state();
    assert!(matches!(freshness(&s), DataFreshness::Fresh));
    run(&mut s, "logs /aws/nope");
    assert_eq!(s.view, View::Logs);
    let t = token(&s);
    loaded(
        &mut s,
        LogsLoaded::QueryStarted {
            token: t,
            result: Err(SourceError::Other {
                call: "StartQuery".into(),
                detail: "ResourceNotFoundException: Log group '/aws/nope' does not exist".into(),
            }),
        },
    );
    assert!(matches!(
        s.views.logs.insights.run.as_ref().unwrap().phase,
        Phase::Failed(_)
    ));
    let flashed = s.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flashed.contains("/aws/nope"), "{flashed}");
    assert!(
        matches!(freshness(&s), DataFreshness::Fresh),
        "{:?}",
        freshness(&s)
    );
}

/// `w` over Insights rows writes the rows the `/` filter shows, from the view's own rows
/// (shared with the worker, not copied).
#[test]
fn save_of_insights_rows_shares_them_and_writes_those_shown() {
    use crate::views::ViewModule;
    let mut s = fixture::with_logs(fixture::LogsStage::Insights);
    let all = s.views.logs.insights.rows.len();
    super::Logs.set_filter(&mut s, "traceback");
    let shown = s.views.logs.insights.shown.clone();
    assert!(!shown.is_empty() && shown.len() < all, "{shown:?} of {all}");
    let cmds = act(&mut s, Action::SaveLogs);
    let [Command::Export(job)] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    let saved = job.rows.source().downcast_ref::<super::update::SavedRows>();
    assert!(
        saved.is_some_and(|r| std::sync::Arc::ptr_eq(&r.rows, &s.views.logs.insights.rows)),
        "{:?}",
        job.rows
    );
    let expected: Vec<Vec<Option<String>>> = shown
        .iter()
        .map(|&r| {
            s.views.logs.insights.rows[r]
                .iter()
                .cloned()
                .map(Some)
                .collect()
        })
        .collect();
    assert_eq!(job.rows.to_vecs(), expected);
}
