//! The trail's Athena calls against moto's Athena, on the client `connect` builds: a query
//! started, polled to SUCCEEDED and read, with moto serving a seeded result whose first row is
//! the header (as real Athena's first page of a SELECT). The header is taken off, NULL stays
//! NULL, and a cell holding an escape sequence arrives sanitised.
//!
//! moto is reached through `AWS_ENDPOINT_URL_ATHENA`, as a user would point the console at
//! it. moto's result queue is per account and region: this file queries in a region no other
//! test uses.

mod support;

use sagewatch::sanitize::needs_replacing;
use sagewatch::source::aws::athena::AthenaTrail;
use sagewatch::source::health::Health;
use sagewatch::source::trail::{
    QueryState, Search, TrailQuery, TrailSettings, TrailSource, first_row_is_header, poll_delay,
};
use support::emulators::{self, MOTO_ACCOUNT};

const REGION: &str = "eu-north-1";

#[tokio::test]
async fn a_seeded_result_reaches_the_page_without_its_header_and_sanitised() {
    let Some(moto) = emulators::moto() else {
        return;
    };
    emulators::seed_athena_result(
        &moto,
        MOTO_ACCOUNT,
        REGION,
        &["eventtime", "eventname", "errorcode"],
        &[
            vec![Some("eventtime"), Some("eventname"), Some("errorcode")],
            vec![Some("2024-05-01T10:00:03Z"), Some("UpdateEndpoint"), None],
            vec![
                Some("2024-05-01T10:00:02Z"),
                Some("CreateEndpointConfig\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J"),
                Some("AccessDenied"),
            ],
        ],
    );
    // Pointed at moto the way a user would, by the Athena-specific variable the SDK reads (no
    // endpoint in code): the override must reach the client `connect` builds.
    // SAFETY: the only test of this binary, on a current-thread runtime: no other thread
    // reads the environment meanwhile.
    unsafe { std::env::set_var("AWS_ENDPOINT_URL_ATHENA", &moto) };
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new(REGION))
        .credentials_provider(aws_credential_types::Credentials::new(
            "AKIDSAGEWATCHTEST",
            "test",
            None,
            None,
            "test",
        ))
        .load()
        .await;
    // The client the console builds (read-only, as a search must still work there).
    let client =
        sagewatch::source::aws::connect::athena(&config, &Health::default(), MOTO_ACCOUNT, true);
    let trail = AthenaTrail::new(client, TrailSettings::default());
    let sql = "SELECT eventtime, eventname, errorcode FROM cloudtrail_logs LIMIT 500";
    let id = trail
        .start(&TrailQuery {
            sql: sql.into(),
            search: Search::Raw,
            token: "sagewatch-moto-0123456789abcdef0123456789".into(),
        })
        .await
        .expect("StartQueryExecution");
    let mut n = 0;
    let status = loop {
        let status = trail.status(&id).await.expect("GetQueryExecution");
        if status.state.is_finished() {
            break status;
        }
        n += 1;
        assert!(n < 20, "still {:?}", status.state);
        // moto finishes at once; a short wait keeps a slow one from spinning.
        tokio::time::sleep(poll_delay(0).min(std::time::Duration::from_millis(50))).await;
    };
    assert_eq!(status.state, QueryState::Succeeded, "{status:?}");
    let header = first_row_is_header(&status, sql);
    assert!(header, "a SELECT's first row is its header: {status:?}");

    let page = trail
        .page(&id, None, header)
        .await
        .expect("GetQueryResults");
    assert_eq!(page.columns, ["eventtime", "eventname", "errorcode"]);
    assert_eq!(page.next, None);
    assert_eq!(page.rows.len(), 2, "{:?}", page.rows);
    assert_eq!(
        page.rows[0],
        [
            Some("2024-05-01T10:00:03Z".to_owned()),
            Some("UpdateEndpoint".to_owned()),
            None
        ]
    );
    let hostile = page.rows[1][1].as_deref().expect("a value");
    assert!(hostile.starts_with("CreateEndpointConfig"), "{hostile:?}");
    for cell in page.rows.iter().flatten().flatten() {
        assert!(!cell.chars().any(needs_replacing), "{cell:?}");
    }
}
