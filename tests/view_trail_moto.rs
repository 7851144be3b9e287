//! The trail view on moto's Athena: `:trail FILTER` goes through the console's own update,
//! and the trail commands it returns are carried out here, as the loop would, on the
//! `AthenaTrail` the console builds (`connect::athena`, read-only) pointed at moto. The rows
//! moto serves, a seeded result whose first row is the header, reach the view's table with the
//! header off and no control characters, and the drawn screen shows them.
//!
//! moto does not read the SQL: the seeded result comes back whatever the statement says. Its
//! result queue is per account and region and shared by every test on the same moto: this
//! file queries in a region no other test uses, in moto's default account (123456789012),
//! where it files calls signed with keys it did not issue.

mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::app::action::Action;
use sagewatch::app::command::Command;
use sagewatch::app::state::State;
use sagewatch::app::update::update;
use sagewatch::sanitize::{clean, needs_replacing};
use sagewatch::source::aws::athena::AthenaTrail;
use sagewatch::source::health::Health;
use sagewatch::source::trail::{TrailSettings, TrailSource};
use sagewatch::views::trail::calls::{TrailCall, TrailLoaded};
use std::collections::VecDeque;
use std::time::Duration;
use support::emulators::{self, MOTO_ACCOUNT};

const REGION: &str = "ca-central-1";

/// The labels Athena gives the generated SELECT's columns (`useridentity.arn` is `arn`).
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

const PRINCIPAL: &str = "arn:aws:sts::210987654321:assumed-role/ml-deployer/alice";
/// OSC 52 (write the clipboard) and a screen clear, inside a principal.
const HOSTILE: &str = "arn:aws:iam::210987654321:user/bob\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J";

fn data_rows() -> Vec<Vec<Option<&'static str>>> {
    vec![
        vec![
            Some("2026-11-25T13:58:07Z"),
            Some("210987654321"),
            Some(PRINCIPAL),
            Some("UpdateEndpoint"),
            Some("sagemaker.amazonaws.com"),
            Some("eu-west-1"),
            None,
            Some("10.0.0.7"),
            Some("0b7c5e2a-0001"),
        ],
        vec![
            Some("2026-11-25T13:41:30Z"),
            Some("210987654321"),
            Some(HOSTILE),
            Some("UpdateEndpoint"),
            Some("sagemaker.amazonaws.com"),
            Some("eu-west-1"),
            Some("AccessDenied"),
            Some("10.0.0.8"),
            Some("0b7c5e2a-0002"),
        ],
    ]
}

/// Carries out the trail commands of `first` (and of every outcome they lead to) on
/// `trail`, feeding the answers back through `update`, until no trail command is left.
/// Other commands (history, redraws) are not the concern here. Returns how many calls ran.
async fn carry_out(state: &mut State, trail: &AthenaTrail, first: Vec<Command>) -> usize {
    let mut queue: VecDeque<Command> = first.into();
    let mut calls = 0;
    while let Some(command) = queue.pop_front() {
        let Some(call) = TrailCall::of(&command) else {
            continue;
        };
        let loaded = match call.clone() {
            TrailCall::Start(query) => TrailLoaded::Started {
                token: query.token.clone(),
                result: trail.start(&query).await,
            },
            TrailCall::Poll {
                id,
                token,
                delay_ms,
            } => {
                // moto finishes at once; a short wait keeps a slow one from spinning.
                tokio::time::sleep(Duration::from_millis(delay_ms.min(50))).await;
                TrailLoaded::Status {
                    token,
                    result: trail.status(&id).await,
                }
            }
            TrailCall::Page {
                id,
                token,
                next,
                header,
                ..
            } => TrailLoaded::Page {
                token,
                result: trail.page(&id, next.as_deref(), header).await.map(Box::new),
            },
            TrailCall::Cancel { id } => TrailLoaded::Cancelled {
                result: trail.cancel(&id).await,
            },
            // The endpoint's makeup is SageMaker's (`c`), not the trail source's.
            TrailCall::SaveHistory { .. } | TrailCall::Makeup { .. } => continue,
        };
        calls += 1;
        assert!(
            calls < 50,
            "the query never ended: {:?}",
            state.views.trail.query
        );
        queue.extend(update(state, loaded.into()).commands);
    }
    calls
}

/// The screen as plain text, one line per row.
fn screen(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test backend");
    terminal
        .draw(|f| sagewatch::ui::draw(state, f))
        .expect("draw");
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn a_trail_search_in_the_view_fills_the_table_with_moto_rows_header_off() {
    let Some(moto) = emulators::moto() else {
        return;
    };
    let mut rows: Vec<Vec<Option<&str>>> = vec![COLUMNS.iter().map(|c| Some(*c)).collect()];
    rows.extend(data_rows());
    emulators::seed_athena_result(&moto, MOTO_ACCOUNT, REGION, &COLUMNS, &rows);

    // The endpoint is given to this config, not through the environment: no other test's
    // client can be pointed elsewhere by it.
    let config = emulators::config(&moto, "AKIDSAGEWATCHTEST", REGION).await;
    let settings = TrailSettings {
        database: "cloudtrail".into(),
        output_location: Some("s3://athena-results/sagewatch/".into()),
        ..TrailSettings::default()
    };
    let client =
        sagewatch::source::aws::connect::athena(&config, &Health::default(), MOTO_ACCOUNT, true);
    let trail = AthenaTrail::new(client, settings.clone());

    let mut state = sagewatch::ui::fixture::state();
    state.size = (160, 48);
    state.views.trail.available = Some(Ok(settings));
    let first = update(
        &mut state,
        Action::Run("trail event:UpdateEndpoint since:2h".into()),
    )
    .commands;
    assert!(
        first
            .iter()
            .any(|c| matches!(TrailCall::of(c), Some(TrailCall::Start(_)))),
        "{first:?}"
    );
    let calls = carry_out(&mut state, &trail, first).await;
    // Start, at least one poll, one page.
    assert!(calls >= 3, "{calls} calls");

    let query = state.views.trail.query.as_ref().expect("a query");
    assert!(!state.views.trail.running(), "{:?}", query.phase);
    assert_eq!(query.pages, 1, "{:?}", query.phase);
    assert!(
        query.sql.contains("eventname IN ('UpdateEndpoint')"),
        "{}",
        query.sql
    );

    let results = &state.views.trail.results;
    assert_eq!(results.columns, COLUMNS);
    let got: Vec<Vec<Option<String>>> = results
        .rows()
        .map(|r| r.cells().map(|c| c.map(str::to_owned)).collect())
        .collect();
    let want: Vec<Vec<Option<String>>> = data_rows()
        .iter()
        .map(|r| r.iter().map(|c| c.map(|v| clean(v).into_owned())).collect())
        .collect();
    // Exactly the data rows: moto's header row is not among them.
    assert_eq!(got, want);
    for cell in got.iter().flatten().flatten() {
        assert!(!cell.chars().any(needs_replacing), "{cell:?}");
    }

    let text = screen(&state);
    assert!(text.contains("SUCCEEDED"), "{text}");
    assert!(text.contains("events 2"), "{text}");
    // The two rows: the event name, the principal (its role session), the account by its
    // label (210987654321 is the fixture's prod).
    let table: Vec<&str> = text.lines().filter(|l| l.contains("│ 11-25 ")).collect();
    assert_eq!(table.len(), 2, "{text}");
    assert!(table[0].contains("11-25 13:58:07"), "{text}");
    assert!(table[0].contains(" UpdateEndpoint "), "{text}");
    assert!(table[1].contains(" UpdateEndpoint "), "{text}");
    // The principal as role/session: who it was stays readable.
    assert!(table[0].contains("ml-deployer/alice"), "{text}");
    assert!(table[0].contains(" prod "), "{text}");
    assert!(table[1].contains("user/bob"), "{text}");
    // moto's header row is nowhere, as a row or otherwise.
    assert!(!text.contains("recipientaccountid"), "{text}");
    assert!(!text.contains("eventname"), "{text}");
    assert!(
        !text.chars().any(|c| c != '\n' && needs_replacing(c)),
        "{text}"
    );
}
