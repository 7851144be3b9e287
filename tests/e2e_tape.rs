//! The incident tape in a real terminal, on the demo 8 minutes into its story: from the
//! accuracy alarm one key opens the tape at its transition; Enter on alice's UpdateEndpoint
//! opens that trail event; Enter on the first log error spike opens the endpoint's logs
//! around that minute.

mod support;

use std::time::Duration;
use support::tmux::Tmux;

const ALARM_LINE: &str = "prod-fraud-detector-accuracy OK → ALARM";

#[test]
fn from_the_alarm_one_key_opens_the_tape_and_enter_opens_its_lines() {
    let t = Tmux::start("tape", 160, 48);
    t.run_console_with("--demo --demo-start 2026-11-26T10:00:00Z --demo-at 8m");
    t.wait_for("fraud-detector");
    t.literal("a");
    t.wait_for("prod-fraud-detector-accuracy");

    // The accuracy alarm is the newest in ALARM: the first row, selected.
    t.literal("I");
    let tape = t.wait_until_for(
        "the tape, every source read",
        Duration::from_secs(30),
        |s| {
            s.contains("tape · fraud-detector (prod)")
                && !s.contains("reading ")
                && s.contains(ALARM_LINE)
        },
    );
    // Opened at the alarm's transition: its line is on screen, the deploy above it.
    assert!(tape.contains("UpdateEndpoint"), "{tape}");
    assert!(tape.contains("ml-deployer/alice"), "{tape}");

    // Enter on the UpdateEndpoint: its event, read from the trail.
    t.literal("/UpdateEndpoint");
    t.keys(&["Enter"]);
    t.wait_until("only the update", |s| s.contains("lines 1 of"));
    t.keys(&["Enter"]);
    let event = t.wait_until_for("the event's detail", Duration::from_secs(30), |s| {
        s.contains("requestparameters") && s.contains("endpointConfigName")
    });
    assert!(event.contains("ml-deployer/alice"), "{event}");

    // Back (the detail, then the trail), the filter cleared, then the first log line: the
    // error spike the deploy set off, opened in the logs around its minute.
    t.keys(&["Escape"]);
    t.keys(&["Escape"]);
    t.wait_until("the tape again", |s| s.contains("lines 1 of"));
    t.keys(&["Escape"]);
    t.wait_until("every line again", |s| !s.contains("lines 1 of"));
    t.literal("/logs");
    t.keys(&["Enter"]);
    t.wait_until("the log lines", |s| {
        s.contains("· /logs") && s.contains("errors rose from")
    });
    t.literal("gg");
    // The first line selected: the strip's cursor moves to its time, left of the middle.
    t.wait_until("the first log line selected", |s| {
        s.lines()
            .find(|l| l.contains('▲'))
            .and_then(|l| l.find('▲'))
            .is_some_and(|at| at < 80)
    });
    t.keys(&["Enter"]);
    let logs = t.wait_until_for("the endpoint's logs", Duration::from_secs(30), |s| {
        s.contains("/aws/sagemaker/Endpoints/fraud-detector") && s.contains("until")
    });
    // From five minutes before the spike's minute to ten after.
    assert!(logs.contains("15m until"), "{logs}");
    t.literal("q");
    t.wait_for("EXITED:0");
}
