//! The trail end to end in a real terminal (tmux), on the demo: from the alarm in ALARM, `c`
//! opens the trail searching what changed on its endpoint, the rows stream onto the screen,
//! Enter reads one event's JSON, `:trail` with a mistake points at it, and the terminal is
//! restored on quit.

mod support;

use std::time::Duration;
use support::tmux::Tmux;

#[test]
fn c_on_an_alarm_in_alarm_shows_what_changed_on_its_endpoint() {
    let t = Tmux::start("trail-changes", 160, 48);
    t.run_console("");
    t.wait_for("fraud-detector");
    t.literal("2");
    // ALARM sorts first: the selected row is the alarm in ALARM.
    let alarms = t.wait_for("1 in ALARM");
    assert!(
        alarms.contains("churn-predictor-stg-memory-high"),
        "{alarms}"
    );
    t.literal("c");
    let opened = t.wait_for("filter ▸ readonly:false account:");
    assert!(opened.contains("resource:churn-predictor-stg"), "{opened}");
    let done = t.wait_until_for("the rows", Duration::from_secs(30), |s| {
        s.contains("SUCCEEDED") && s.contains("rows")
    });
    assert!(done.contains("scanned") && done.contains('$'), "{done}");
    // The on-call engineer's mute (in the monitoring account, where the alarm lives) and
    // the refused scale-out (in the endpoint's account).
    assert!(done.contains("DisableAlarmActions"), "{done}");
    assert!(done.contains("UpdateEndpointWeights"), "{done}");
    assert!(done.contains("AccessDenied"), "{done}");
    // The newest change's detail: its request as indented JSON.
    t.keys(&["Enter"]);
    let detail = t.wait_until_for("the detail", Duration::from_secs(30), |s| {
        s.contains("requestparameters") && s.contains("useridentity")
    });
    assert!(detail.contains("principal:"), "{detail}");
    t.keys(&["Escape"]);
    // An Escape followed at once by `:` reads as Alt-`:`: the detail is seen closed first.
    t.wait_until("the detail closed", |s| !s.contains("requestparameters"));
    // A mistake in a filter is pointed at, and nothing runs.
    t.literal(":trail event:CreateEndpoint since:yesterday");
    t.keys(&["Enter"]);
    let error = t.wait_for("^^^^^^^^^");
    assert!(error.contains("since"), "{error}");
    t.literal("q");
    t.wait_for_line("EXITED:0");
    t.assert_tty_restored();
}
