//! The jobs view through the console's own update path: what opening it loads, an account
//! that cannot be read beside those that can, sorting and filtering, the endpoint's link to
//! its schedules' jobs, `L` on a job, the refresh cadence, hostile strings, and an account's
//! newer answer replacing its older one.

use super::calls::{JobsCall, JobsLoaded};
use super::state::{JobColumn, Row};
use crate::app::action::{Action, Loaded, SeriesPurpose};
use crate::app::command::Command;
use crate::app::state::State;
use crate::app::update::update;
use crate::source::SourceError;
use crate::source::jobs::{JobStatus, ProcessingJob};
use crate::ui::fixture::{self, MONITORING, NOW, PROD, STAGING, TEST, processing_job};
use crate::views::{LogsCall, View, ViewCall};

fn state() -> State {
    let mut s = fixture::state();
    s.size = (160, 48);
    s
}

fn act(s: &mut State, a: Action) -> Vec<Command> {
    update(s, a).commands
}

fn loaded(s: &mut State, l: impl Into<Loaded>) -> Vec<Command> {
    act(s, Action::Loaded(Box::new(l.into())))
}

fn jobs_of(s: &mut State, account: &str, jobs: Vec<ProcessingJob>) -> Vec<Command> {
    loaded(
        s,
        JobsLoaded::List {
            account_id: account.into(),
            result: Ok(jobs),
        },
    )
}

fn lists(cmds: &[Command]) -> Vec<&str> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::View(ViewCall::Jobs(JobsCall::List { account_id, .. })) => {
                Some(account_id.as_str())
            }
            _ => None,
        })
        .collect()
}

/// The names of the jobs listed, in order.
fn names(s: &State) -> Vec<String> {
    s.views
        .jobs
        .rows
        .iter()
        .filter_map(|r| s.views.jobs.job(r))
        .map(|j| j.name.clone())
        .collect()
}

/// Puts the cursor on the job named `name`.
fn select(s: &mut State, name: &str) {
    s.views.jobs.selected = s
        .views
        .jobs
        .rows
        .iter()
        .position(|r| s.views.jobs.job(r).is_some_and(|j| j.name == name))
        .unwrap();
}

fn screen(s: &State) -> String {
    crate::ui::tests::plain(&crate::ui::tests::render(s, 160, 48))
}

/// The jobs view opened from the fleet, prod's and test's jobs loaded.
fn opened() -> State {
    let mut s = state();
    act(&mut s, Action::ShowJobs);
    jobs_of(
        &mut s,
        PROD,
        vec![
            processing_job(
                PROD,
                "mm-new",
                "InProgress",
                3,
                None,
                Some("fraud-detector-mq"),
            ),
            processing_job(
                PROD,
                "mm-failed",
                "Failed",
                63,
                Some(12),
                Some("fraud-detector-mq"),
            ),
            processing_job(PROD, "prep", "Completed", 200, Some(90), None),
        ],
    );
    jobs_of(
        &mut s,
        TEST,
        vec![processing_job(
            TEST,
            "canary",
            "Completed",
            30,
            Some(5),
            Some("canary-mq"),
        )],
    );
    s
}

#[test]
fn opening_loads_every_account_in_scope_once() {
    let mut s = state();
    let cmds = act(&mut s, Action::ShowJobs);
    assert_eq!(s.view, View::Jobs);
    assert_eq!(lists(&cmds), [MONITORING, PROD, STAGING, TEST]);
    for c in &cmds {
        if let Command::View(ViewCall::Jobs(JobsCall::List { since, .. })) = c {
            assert_eq!(*since, NOW - 86_400);
        }
    }
    let metrics = cmds
        .iter()
        .filter(|c| matches!(c, Command::View(ViewCall::Jobs(JobsCall::Metrics(_)))))
        .count();
    assert_eq!(metrics, 4);

    // Scoped to one account: only it.
    let mut s = state();
    s.scope = Some(STAGING.into());
    let cmds = act(&mut s, Action::Run("jobs".into()));
    assert_eq!(lists(&cmds), [STAGING]);
}

#[test]
fn an_unreadable_account_says_why_in_its_row_while_the_others_list() {
    let mut s = opened();
    let why = SourceError::Other {
        call: format!("ListProcessingJobs {STAGING}"),
        detail: "no role for this account under OAM: add role_arn".into(),
    };
    let cmds = loaded(
        &mut s,
        JobsLoaded::List {
            account_id: STAGING.into(),
            result: Err(why),
        },
    );
    assert!(lists(&cmds).is_empty());
    assert!(s.overlays.is_empty(), "no error dialog");
    assert!(
        s.flash.is_none(),
        "one account's failure is its row's, not the status bar's"
    );
    // The monitoring account has not answered yet: it says so.
    assert!(s.views.jobs.rows.contains(&Row::Note { account: 0 }));
    assert!(screen(&s).contains("loading…"));
    assert_eq!(names(&s), ["mm-new", "canary", "mm-failed", "prep"]);
    let staging = s
        .views
        .jobs
        .order
        .iter()
        .position(|a| a == STAGING)
        .unwrap();
    assert!(s.views.jobs.rows.contains(&Row::Note { account: staging }));
    let text = screen(&s);
    assert!(text.contains("jobs not read"), "{text}");
    assert!(text.contains("no role for this account"), "{text}");
    assert!(text.contains("mm-failed"), "{text}");
}

#[test]
fn newest_first_then_sorted_by_any_column_either_way() {
    let mut s = opened();
    assert_eq!(
        (s.views.jobs.sort, s.views.jobs.descending),
        (JobColumn::Started, true)
    );
    assert_eq!(names(&s), ["mm-new", "canary", "mm-failed", "prep"]);
    // Started -> Duration (longest first).
    act(&mut s, Action::SortNext);
    assert_eq!(s.views.jobs.sort, JobColumn::Duration);
    assert_eq!(names(&s), ["prep", "mm-failed", "canary", "mm-new"]);
    act(&mut s, Action::SortReverse);
    assert_eq!(names(&s), ["mm-new", "canary", "mm-failed", "prep"]);
    // Round to Status: Failed first, then what runs.
    while s.views.jobs.sort != JobColumn::Status {
        act(&mut s, Action::SortNext);
    }
    assert!(!s.views.jobs.descending);
    assert_eq!(names(&s), ["mm-failed", "mm-new", "canary", "prep"]);
}

#[test]
fn the_filter_matches_name_status_schedule_and_account() {
    let mut s = opened();
    for (text, want) in [
        ("failed", vec!["mm-failed"]),
        ("canary-mq", vec!["canary"]),
        ("test", vec!["canary"]),
        ("PREP", vec!["prep"]),
        ("fraud-detector", vec!["mm-new", "mm-failed"]),
    ] {
        act(&mut s, Action::Run(format!("filter {text}")));
        assert_eq!(names(&s), want, "/{text}");
    }
    // Esc clears it, then leaves for where the view was opened from.
    act(&mut s, Action::Back);
    assert_eq!(names(&s).len(), 4);
    act(&mut s, Action::Back);
    assert_eq!(s.view, View::Fleet);
}

#[test]
fn the_endpoint_links_to_the_jobs_of_its_own_schedules() {
    let mut s = state();
    // prod fraud-detector's charts; staging has an endpoint and schedule of the same names.
    s.view = View::Endpoint;
    act(&mut s, Action::ShowJobs);
    assert_eq!(s.view, View::Jobs);
    let filter = s.views.jobs.schedules.clone().unwrap();
    assert!(filter.label.contains("fraud-detector"), "{}", filter.label);
    jobs_of(
        &mut s,
        PROD,
        vec![
            processing_job(
                PROD,
                "mine",
                "Completed",
                3,
                Some(2),
                Some("fraud-detector-mq"),
            ),
            processing_job(
                PROD,
                "churn",
                "Completed",
                3,
                Some(2),
                Some("churn-predictor-mq"),
            ),
            processing_job(PROD, "pipeline", "Completed", 3, Some(2), None),
        ],
    );
    jobs_of(
        &mut s,
        STAGING,
        vec![processing_job(
            STAGING,
            "staging-same-name",
            "Completed",
            3,
            Some(2),
            Some("fraud-detector-mq"),
        )],
    );
    assert_eq!(names(&s), ["mine"]);
    assert!(screen(&s).contains("fraud-detector's schedules"));
    // Esc drops the link: every job again.
    act(&mut s, Action::Back);
    assert_eq!(names(&s).len(), 4);
    // `:jobs SCHEDULE` and `:jobs ENDPOINT` do the same from anywhere.
    act(&mut s, Action::Run("jobs churn-predictor-mq".into()));
    assert_eq!(names(&s), ["churn"]);
    act(&mut s, Action::Run("account prod".into()));
    act(&mut s, Action::Run("jobs fraud-detector".into()));
    assert_eq!(names(&s), ["mine"]);
}

#[test]
fn the_monitor_panes_selected_schedule_links_to_its_jobs() {
    let mut s = state();
    s.view = View::Monitor;
    s.views.monitor.endpoint = Some(s.endpoints[0].key());
    s.views.monitor.schedules =
        crate::app::state::Loadable::Loaded(vec![crate::source::model::MonitoringSchedule {
            account_id: PROD.into(),
            name: "fraud-detector-dq".into(),
            endpoint: "fraud-detector".into(),
            monitoring_type: "DataQuality".into(),
            status: crate::source::model::ScheduleStatus::Scheduled,
            last_execution: None,
            schedule_expression: None,
            job_definition: None,
            failure_reason: None,
            region: Default::default(),
        }]);
    act(&mut s, Action::ShowJobs);
    assert_eq!(s.view, View::Jobs);
    assert_eq!(
        s.views.jobs.schedules.as_ref().unwrap().schedules,
        [(PROD.to_string(), "fraud-detector-dq".to_string())]
    );
}

#[test]
fn l_opens_the_logs_of_the_selected_job_over_its_run() {
    let mut s = opened();
    // mm-failed: created 63 minutes ago, ran 12.
    select(&mut s, "mm-failed");
    let cmds = act(&mut s, Action::ShowLogs);
    assert_eq!(s.view, View::Logs);
    let Some(Command::View(ViewCall::Logs(LogsCall::QueryStart { query, .. }))) = cmds.last()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(query.target.account_id, PROD);
    assert_eq!(query.target.groups, ["/aws/sagemaker/ProcessingJobs"]);
    assert_eq!(query.target.stream_prefix.as_deref(), Some("mm-failed/"));
    assert!(query.query.contains("mm-failed"), "{}", query.query);
    let created = NOW - 63 * 60;
    assert_eq!(query.start, created - 300);
    assert_eq!(query.end, created + 12 * 60 + 300);
    // Back returns to the jobs, whose series (let go when they were left) are asked for
    // at once, not a minute later.
    let metrics: Vec<_> = crate::source::jobs::JOB_METRICS
        .iter()
        .map(|m| s.views.jobs.accounts[PROD].jobs[0].series_key(m, "algo-1"))
        .collect();
    loaded(
        &mut s,
        JobsLoaded::Metrics {
            account_id: PROD.into(),
            result: Ok(metrics),
        },
    );
    let cmds = act(&mut s, Action::Back);
    assert_eq!(s.view, View::Jobs);
    assert!(
        cmds.iter().any(|c| matches!(
            c,
            Command::LoadSeries {
                purpose: SeriesPurpose::Jobs,
                ..
            }
        )),
        "{cmds:?}"
    );
}

#[test]
fn an_account_that_left_the_organisation_is_no_longer_listed() {
    let mut s = opened();
    assert!(names(&s).contains(&"canary".to_owned()));
    let accounts: Vec<_> = s
        .accounts
        .iter()
        .filter(|a| a.id != TEST)
        .cloned()
        .collect();
    let endpoints = s.endpoints.clone();
    loaded(&mut s, Loaded::Fleet(Ok((accounts, endpoints))));
    assert!(!s.views.jobs.accounts.contains_key(TEST));
    assert!(!names(&s).contains(&"canary".to_owned()), "{:?}", names(&s));
}

#[test]
fn esc_from_the_jobs_of_an_endpoint_returns_to_it_and_then_to_the_fleet() {
    let mut s = state();
    s.view = View::Fleet;
    act(&mut s, Action::Select);
    assert_eq!(s.view, View::Endpoint);
    act(&mut s, Action::ShowJobs);
    assert_eq!(s.view, View::Jobs);
    // The schedule filter first, then back to the endpoint, then to the fleet: never back
    // and forth between the endpoint and the jobs.
    act(&mut s, Action::Back);
    act(&mut s, Action::Back);
    assert_eq!(s.view, View::Endpoint);
    act(&mut s, Action::Back);
    assert_eq!(s.view, View::Fleet);
}

#[test]
fn a_listmetrics_failure_is_said_in_the_accounts_line() {
    let mut s = opened();
    loaded(
        &mut s,
        JobsLoaded::Metrics {
            account_id: PROD.into(),
            result: Err(SourceError::AccessDenied {
                call: format!("ListMetrics ProcessingJobs {PROD}"),
                action: "cloudwatch:ListMetrics".into(),
            }),
        },
    );
    let text = screen(&s);
    assert!(
        text.lines()
            .any(|l| l.contains("CPU, memory, disk not read") && l.contains("ListMetrics")),
        "{text}"
    );
    // The jobs still list.
    assert!(text.contains("mm-failed"), "{text}");
}

#[test]
fn lists_are_read_once_a_minute_at_most_on_r_at_once_and_never_off_screen() {
    let mut s = state();
    let cmds = act(&mut s, Action::ShowJobs);
    assert_eq!(lists(&cmds).len(), 4);
    for account in [MONITORING, PROD, STAGING, TEST] {
        jobs_of(&mut s, account, Vec::new());
    }
    let cmds = act(&mut s, Action::Tick(NOW + 30));
    assert!(lists(&cmds).is_empty(), "{cmds:?}");
    // Leaving and coming back within the minute reads nothing again.
    act(&mut s, Action::ShowFleet);
    let cmds = act(&mut s, Action::ShowJobs);
    assert!(lists(&cmds).is_empty(), "{cmds:?}");
    let cmds = act(&mut s, Action::Tick(NOW + 61));
    assert_eq!(lists(&cmds).len(), 4);
    let cmds = act(&mut s, Action::Refresh);
    assert_eq!(lists(&cmds).len(), 4);
    // Off screen, nothing is polled however long it stays.
    act(&mut s, Action::ShowFleet);
    for t in [NOW + 200, NOW + 400, NOW + 4000] {
        let cmds = act(&mut s, Action::Tick(t));
        assert!(lists(&cmds).is_empty(), "{cmds:?}");
        assert!(!cmds.iter().any(|c| matches!(
            c,
            Command::View(ViewCall::Jobs(JobsCall::Metrics(_)))
                | Command::LoadSeries {
                    purpose: SeriesPurpose::Jobs,
                    ..
                }
        )));
    }
}

#[test]
fn series_of_listed_jobs_are_asked_for_per_account_and_drawn_or_marked_missing() {
    let mut s = opened();
    let job = s.views.jobs.accounts[PROD].jobs[0].clone();
    let keys: Vec<_> = crate::source::jobs::JOB_METRICS
        .iter()
        .map(|m| job.series_key(m, "algo-1"))
        .collect();
    // A key of a job not listed (older than the list) is not asked for.
    let stray = crate::source::jobs::job_series_key(PROD, "CPUUtilization", "gone/algo-1");
    let cmds = loaded(
        &mut s,
        JobsLoaded::Metrics {
            account_id: PROD.into(),
            result: Ok(keys.iter().cloned().chain([stray.clone()]).collect()),
        },
    );
    let [
        Command::LoadSeries {
            purpose: SeriesPurpose::Jobs,
            request,
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(*request.keys, *keys);
    assert_eq!(
        request.end,
        NOW.div_euclid(60) * 60 + if NOW % 60 == 0 { 0 } else { 60 }
    );
    assert!(request.start <= NOW - 3 * 3600 + 60);
    // Its points land in the store and draw a sparkline; the other jobs say "·".
    loaded(
        &mut s,
        Loaded::Series(Ok(vec![crate::source::model::SeriesData {
            key: keys[0].clone(),
            points: vec![(NOW - 120, 80.0), (NOW - 60, 90.0)],
            status: crate::source::model::SeriesStatus::Complete,
        }])),
    );
    assert!(s.store.get(&keys[0]).is_some());
    // The list answering again asks only for what is not held, and replaces nothing in
    // flight: the held series are the minute's refresh's (each metric is billed per ask).
    let jobs = s.views.jobs.accounts[PROD].jobs.clone();
    let again = loaded(
        &mut s,
        JobsLoaded::List {
            account_id: PROD.into(),
            result: Ok(jobs),
        },
    );
    let asked: Vec<_> = again
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries {
                request, replace, ..
            } => Some((request.keys.to_vec(), *replace)),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [(keys[1..].to_vec(), false)], "{again:?}");
    // A series of a job no longer listed is let go at the next shrink.
    assert_eq!(super::update::capacity(&s, &stray), 0);
    assert!(super::update::capacity(&s, &keys[0]) > 0);
    let text = screen(&s);
    let row = text.lines().find(|l| l.contains("mm-new")).unwrap();
    assert!(row.contains('█') || row.contains('▁'), "{row}");
    let row = text.lines().find(|l| l.contains("mm-failed")).unwrap();
    assert!(row.contains('·'), "{row}");
    // Off screen, the job series are let go.
    act(&mut s, Action::ShowFleet);
    assert!(s.store.get(&keys[0]).is_none());
}

#[test]
fn hostile_names_and_reasons_arrive_clean() {
    let mut s = opened();
    let mut evil = processing_job(
        PROD,
        "evil\u{1b}[2J\u{7}job",
        "Failed\u{9b}",
        5,
        Some(1),
        Some("s\u{0}ched"),
    );
    evil.failure_reason = Some("boom\u{1b}]52;c;bad\u{7}\r\nmore".into());
    evil.instance_type = Some("ml.\u{1b}[31mx".into());
    jobs_of(&mut s, PROD, vec![evil]);
    let job = &s.views.jobs.accounts[PROD].jobs[0];
    let name = job.name.clone();
    for text in [
        job.name.as_str(),
        job.status.as_str(),
        job.schedule.as_deref().unwrap(),
        job.failure_reason.as_deref().unwrap(),
        job.instance_type.as_deref().unwrap(),
    ] {
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
    assert!(matches!(job.status, JobStatus::Other(_)));
    select(&mut s, &name);
    act(&mut s, Action::Select);
    assert!(s.views.jobs.detail);
    let buf = crate::ui::tests::render(&s, 160, 48);
    assert!(
        buf.content()
            .iter()
            .all(|c| !c.symbol().chars().any(char::is_control))
    );
}

#[test]
fn an_accounts_newer_answer_replaces_its_older_one_only() {
    let mut s = opened();
    jobs_of(
        &mut s,
        PROD,
        vec![processing_job(PROD, "newer", "Completed", 1, Some(1), None)],
    );
    assert_eq!(names(&s), ["newer", "canary"]);
    // A failed read keeps what was read before, and says why beside it.
    loaded(
        &mut s,
        JobsLoaded::List {
            account_id: PROD.into(),
            result: Err(SourceError::Throttled {
                call: "ListProcessingJobs".into(),
            }),
        },
    );
    assert_eq!(names(&s), ["newer", "canary"]);
    assert!(screen(&s).contains("throttled"));
    // The selection follows its job when the list moves under it.
    select(&mut s, "canary");
    jobs_of(
        &mut s,
        PROD,
        vec![
            processing_job(PROD, "a", "Completed", 1, Some(1), None),
            processing_job(PROD, "b", "Completed", 2, Some(1), None),
        ],
    );
    assert_eq!(s.views.jobs.selected_job().unwrap().name, "canary");
}

#[test]
fn enter_opens_the_job_whole_and_esc_closes_it_first() {
    let mut s = fixture::with_jobs(fixture::JobsStage::List);
    s.views.jobs.came_from = View::Fleet;
    let failed = s
        .views
        .jobs
        .rows
        .iter()
        .position(|r| {
            s.views
                .jobs
                .job(r)
                .is_some_and(|j| j.status == JobStatus::Failed)
        })
        .unwrap();
    s.views.jobs.selected = failed;
    act(&mut s, Action::Select);
    assert!(s.views.jobs.detail);
    let text = screen(&s);
    assert!(
        text.contains("is data capture on?"),
        "the whole reason: {text}"
    );
    assert!(text.contains("fraud-detector-mq"));
    act(&mut s, Action::Back);
    assert!(!s.views.jobs.detail);
    assert_eq!(s.view, View::Jobs);
}

/// `:jobs nope`: no schedule or endpoint has that name, and the console says so instead of
/// an empty list; the view and its link stay as they were.
#[test]
fn jobs_of_a_name_nothing_has_says_so() {
    let mut s = state();
    s.view = View::Fleet;
    act(&mut s, Action::Run("jobs nope".into()));
    let flashed = s.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(
        flashed.contains("no schedule or endpoint named nope"),
        "{flashed}"
    );
    assert_eq!(s.view, View::Fleet);
    assert!(s.views.jobs.schedules.is_none());
    // A schedule of the fleet's endpoints still links.
    act(&mut s, Action::Run("jobs churn-predictor-mq".into()));
    assert_eq!(s.view, View::Jobs);
}
