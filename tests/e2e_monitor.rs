//! The monitor pane end to end in a real terminal (tmux), on the demo with a live clock:
//! `m` on an endpoint, its report, `x` run now, the window form, the confirmation, the run
//! followed in the status bar (also from another view) and its outcome, then the quit.
//! (ignored, run by hand) the time from `y` to the outcome on the screen, five times.

mod support;

use std::time::{Duration, Instant};
use support::tmux::Tmux;

/// The demo with a running clock, started at 10:00: the hour a run now analyses is the
/// drifted one, whatever the time of day the test runs.
const LIVE_DEMO: &str = "--demo --demo-start 2026-11-26T10:00:00Z";

fn open_fraud_detector(t: &Tmux) {
    t.wait_for("fraud-detector");
    t.literal("/fraud-detector");
    t.keys(&["Enter"]);
    t.literal("m");
    t.wait_for("monitor · prod/fraud-detector");
    // The newest finished run's report, whichever schedule ran last.
    t.wait_for("baseline ");
}

/// `x`, Enter on the window form, `y`: returns when `y` was sent.
fn run_now(t: &Tmux) -> Instant {
    t.literal("x");
    t.wait_for("analyse the last");
    t.keys(&["Enter"]);
    t.wait_for("y to confirm");
    let sent = Instant::now();
    t.literal("y");
    sent
}

#[test]
fn a_run_started_from_the_pane_is_followed_to_its_outcome_wherever_the_user_goes() {
    let t = Tmux::start("monitor-run", 160, 48);
    t.tmux(&["set-environment", "-t", "e2e", "XDG_STATE_HOME", "/tmp"]);
    t.run_console_with(LIVE_DEMO);
    open_fraud_detector(&t);
    run_now(&t);
    let following = t.wait_for("⟳ run fraud-detector");
    assert!(
        following.contains("CreateMonitoringSchedule"),
        "{following}"
    );
    // Leave the pane: the marker stays on the status bar.
    t.literal("1");
    t.wait_until("the marker on the fleet", |s| {
        s.contains("endpoints ") && s.contains("⟳ run fraud-detector InProgress")
    });
    let done = t.wait_until_for("the outcome", Duration::from_secs(30), |s| {
        s.contains("run of fraud-detector CompletedWithViolations in")
    });
    assert!(!done.contains("⟳ run"), "the marker is gone: {done}");
    // Back on the pane, the new run is listed and its report shown.
    t.literal("m");
    t.wait_until("the new run's report", |s| {
        s.contains("violations · fraud-detector-model-quality-now-") && s.contains("accuracy")
    });
    t.literal("q");
    t.wait_for_line("EXITED:0");
    t.assert_tty_restored();
}

/// Time from `y` to the outcome on the screen, on the demo (whose runs take 6 s: Pending 2 s,
/// InProgress 4 s), five times; prints each and the median. Run by hand:
/// `cargo test --release --test e2e_monitor -- --ignored --nocapture confirm_to_outcome`
#[test]
#[ignore = "a measurement, run by hand (see the closing note of the Model Monitor issue)"]
fn confirm_to_outcome_on_the_demo() {
    let t = Tmux::start("monitor-time", 160, 48);
    t.tmux(&["set-environment", "-t", "e2e", "XDG_STATE_HOME", "/tmp"]);
    t.run_console_with(LIVE_DEMO);
    open_fraud_detector(&t);
    let mut times = Vec::new();
    for run in 0..5 {
        // The last run's outcome must be gone from the status bar before timing the next.
        t.wait_until("the previous outcome to go", |s| {
            !s.contains("run of fraud-detector")
        });
        // The schedules pane has the focus and model quality is its first row.
        let began = run_now(&t);
        loop {
            let screen = t.screen();
            if screen.contains("run of fraud-detector CompletedWithViolations in") {
                break;
            }
            assert!(began.elapsed() < Duration::from_secs(30), "{screen}");
            std::thread::sleep(Duration::from_millis(5));
        }
        let ms = began.elapsed().as_millis();
        println!("run {run}: {ms} ms from y to the outcome on screen");
        times.push(ms);
        // Back to the schedules pane for the next run.
        t.wait_for("violations · fraud-detector-model-quality-now-");
        t.keys(&["Tab"]);
        t.keys(&["Tab"]);
    }
    times.sort_unstable();
    println!("median: {} ms", times[times.len() / 2]);
    t.literal("q");
    t.wait_for_line("EXITED:0");
}
