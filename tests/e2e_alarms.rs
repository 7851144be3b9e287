//! Alarm actions end to end in a real terminal (tmux), driven by keys:
//! - on the demo: a chart, `n`, the form, the breach count following the threshold as it is
//!   typed, the confirmation, and the new alarm in the alarms view;
//! - against LocalStack in read-only mode, through a proxy that counts what reaches the
//!   emulator: every changing key and command refused, and zero mutating requests sent.
//! - (ignored, run by hand) the time from `y` to the alarm shown, against LocalStack.

mod support;

use std::time::{Duration, Instant};
use support::emulators::{self, Emulators};
use support::proxy::Proxy;
use support::tmux::Tmux;

/// `N of M points breach` on the screen, as (N, M).
fn breach_count(screen: &str) -> Option<(usize, usize)> {
    let at = screen.find(" points breach")?;
    let words: Vec<&str> = screen[..at].split_whitespace().rev().take(3).collect();
    match words.as_slice() {
        [total, "of", breaching] => Some((breaching.parse().ok()?, total.parse().ok()?)),
        _ => None,
    }
}

/// From the focused field of the form down to `steps` fields further.
fn tab(t: &Tmux, steps: usize) {
    for _ in 0..steps {
        t.keys(&["Tab"]);
    }
}

#[test]
fn a_new_alarm_from_a_chart_shows_its_breaches_while_typed_and_lands_in_the_alarms_view() {
    let t = Tmux::start("alarm-new", 160, 48);
    t.tmux(&["set-environment", "-t", "e2e", "XDG_STATE_HOME", "/tmp"]);
    t.run_console("");
    t.wait_for("fraud-detector");
    // The prod fraud-detector row is third; its accuracy chart is the first.
    t.literal("/fraud-detector");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.wait_for("accuracy · ");
    t.literal("n");
    t.wait_for("new alarm");
    t.wait_for("lives in");
    // lives in, metric, name, statistic, period, comparison: the threshold is the seventh.
    tab(&t, 6);
    t.keys(&["C-u"]);
    t.literal("0.1");
    let low = t.wait_until("a breach count", |s| {
        breach_count(s).is_some_and(|(n, _)| n == 0)
    });
    let (_, total) = breach_count(&low).unwrap();
    assert!(total > 0, "the preview counts held points: {low}");
    assert!(low.contains("would not have gone to ALARM"), "{low}");
    t.keys(&["C-u"]);
    t.literal("0.99");
    let high = t.wait_until("more breaches", |s| {
        breach_count(s).is_some_and(|(n, _)| n > 0)
    });
    assert!(high.contains("ALARM"), "{high}");
    t.keys(&["Tab"]);
    t.keys(&["C-u"]);
    t.literal("1");
    t.keys(&["Tab"]);
    t.keys(&["C-u"]);
    t.literal("1");
    t.keys(&["Enter"]);
    let confirm = t.wait_for("create alarm: PutMetricAlarm");
    assert!(
        confirm.contains("\"AccountId\": \"111111111111\""),
        "{confirm}"
    );
    // The dialog takes keys a moment after it opens: it says so when it does.
    t.wait_for("y to confirm");
    t.literal("y");
    t.wait_for("✓ PutMetricAlarm prod-fraud-detector-accuracy-low");
    t.literal("2");
    // Its row in the alarms table (the flash names it too: wait for the row itself).
    t.wait_until("the new alarm's row", |s| {
        s.lines()
            .any(|l| l.contains("prod-fraud-detector-accuracy-low") && l.contains("< 0.990"))
    });
    t.literal("q");
    t.wait_for_line("EXITED:0");
}

/// The console against LocalStack through `proxy`, as `account`.
fn console_env(e: &Emulators, account: &str, proxy: &Proxy, state: &str) -> Vec<(String, String)> {
    let fake_home = std::env::temp_dir().join(format!("sagewatch-e2e-alarms-{account}"));
    let mut env: Vec<(String, String)> =
        emulators::sagewatch_env(e, account, "us-east-1", &fake_home)
            .into_iter()
            .filter(|(k, _)| k != "HOME" && k != "XDG_CONFIG_HOME")
            .collect();
    for (k, v) in &mut env {
        if k == "AWS_ENDPOINT_URL" {
            *v = proxy.url.clone();
        }
    }
    env.push(("XDG_STATE_HOME".into(), state.into()));
    env
}

fn start(name: &str, env: &[(String, String)]) -> Tmux {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Tmux::start_with_env(name, 160, 48, &env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_console_refuses_every_change_and_sends_no_mutating_request() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const ACCOUNT: &str = "777700000020";
    let cfg = emulators::config(&e.localstack, ACCOUNT, "us-east-1").await;
    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    emulators::put_instance_metrics(&cw, "ro-model", "AllTraffic", &[("CPUUtilization", 40.0)])
        .await;
    cw.put_metric_alarm()
        .alarm_name("ro-cpu")
        .namespace("/aws/sagemaker/Endpoints")
        .metric_name("CPUUtilization")
        .dimensions(
            aws_sdk_cloudwatch::types::Dimension::builder()
                .name("EndpointName")
                .value("ro-model")
                .build(),
        )
        .dimensions(
            aws_sdk_cloudwatch::types::Dimension::builder()
                .name("VariantName")
                .value("AllTraffic")
                .build(),
        )
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(90.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("seed an alarm");
    let proxy = Proxy::start(&e.localstack, &[]);
    let state = std::env::temp_dir().join(format!("sagewatch-e2e-ro-{}", std::process::id()));
    let t = start(
        "alarm-ro",
        &console_env(&e, ACCOUNT, &proxy, &state.display().to_string()),
    );
    t.run_console_with("--readonly");
    t.wait_for("ro-model");
    t.wait_for("READ-ONLY");
    // A chart: n.
    t.keys(&["Enter"]);
    t.wait_for("accuracy · ");
    t.literal("n");
    t.wait_for("read-only: changes to AWS are disabled");
    // The alarms: every changing key, then the commands.
    t.literal("2");
    t.wait_for("ro-cpu");
    for key in ["M", "U", "e", "D", " "] {
        t.literal(key);
    }
    t.literal(":alarm delete");
    t.keys(&["Enter"]);
    t.literal(":alarm new ro-model");
    t.keys(&["Enter"]);
    let screen = t.wait_for("read-only");
    assert!(
        !screen.contains("y to confirm"),
        "no dialog opened: {screen}"
    );
    // Help says which keys are disabled; the key bar strikes them through (not visible as text).
    t.literal("?");
    t.wait_for("(read-only)");
    t.keys(&["Escape"]);
    // An Escape followed at once by a key reads as Alt and the key: the help is seen closed.
    t.wait_until("the help closed", |s| !s.contains("(read-only)"));
    t.literal("q");
    t.wait_for_line("EXITED:0");
    println!(
        "read-only console: {} CloudWatch requests reached the emulator, {} DescribeAlarms, {} mutating",
        proxy.total(),
        proxy.count("DescribeAlarms"),
        proxy.mutating()
    );
    assert_eq!(
        proxy.mutating(),
        0,
        "no mutating request reached the emulator"
    );
    assert!(
        proxy.count("DescribeAlarms") > 0,
        "the console did read through the proxy"
    );
    assert!(
        !state.join("sagewatch/audit.jsonl").exists(),
        "nothing was attempted"
    );
}

/// Time from `y` in the confirmation to the new alarm in the alarms view, against LocalStack,
/// five times; prints each and the median. Run with the emulators up:
/// `cargo test --release --test e2e_alarms -- --ignored --nocapture confirm_to_shown`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand (see the closing note of the alarm actions issue)"]
async fn confirm_to_shown_against_localstack() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    const ACCOUNT: &str = "777700000030";
    let cfg = emulators::config(&e.localstack, ACCOUNT, "us-east-1").await;
    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    emulators::put_instance_metrics(&cw, "timed", "AllTraffic", &[("CPUUtilization", 40.0)]).await;
    let proxy = Proxy::start(&e.localstack, &[]);
    let state = std::env::temp_dir().join(format!("sagewatch-e2e-time-{}", std::process::id()));
    let t = start(
        "alarm-time",
        &console_env(&e, ACCOUNT, &proxy, &state.display().to_string()),
    );
    t.run_console_with("");
    t.wait_for("timed");
    // The alarms view, where the new alarm is to appear; the form opens over it.
    t.literal("2");
    t.wait_for("STATE");
    let mut times = Vec::new();
    let mut acks = Vec::new();
    for run in 0..5 {
        let name = format!("timed-cpu-{run}-{}", std::process::id());
        t.literal(":alarm new timed");
        t.keys(&["Enter"]);
        t.wait_for("new alarm");
        tab(&t, 2);
        t.keys(&["C-u"]);
        t.literal(&name);
        tab(&t, 4);
        t.keys(&["C-u"]);
        t.literal("95");
        t.keys(&["Enter"]);
        t.wait_for("y to confirm");
        let began = Instant::now();
        t.literal("y");
        // Polled every 5 ms (a capture takes about 2 ms): the helper's 100 ms step is too
        // coarse to measure with. Two moments: the write acknowledged (its flash), and the
        // alarm's row in the table (after the account's alarms were read again).
        let mut acknowledged = None;
        loop {
            let screen = t.screen();
            if acknowledged.is_none() && screen.contains("✓ PutMetricAlarm") {
                acknowledged = Some(began.elapsed().as_millis());
            }
            if screen
                .lines()
                .any(|l| l.contains(&name) && l.contains("CPUUtilization"))
            {
                break;
            }
            assert!(
                began.elapsed() < Duration::from_secs(30),
                "never shown: {screen}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let ms = began.elapsed().as_millis();
        let ack = acknowledged.unwrap_or(ms);
        println!(
            "run {run}: {ack} ms from y to the write acknowledged, {ms} ms to {name} in the alarms view"
        );
        acks.push(ack);
        times.push(ms);
    }
    times.sort();
    acks.sort();
    println!(
        "median of {}: {} ms to the write acknowledged ({acks:?})",
        acks.len(),
        acks[acks.len() / 2]
    );
    println!(
        "median of {}: {} ms ({times:?})",
        times.len(),
        times[times.len() / 2]
    );
    t.literal("q");
    t.wait_for_line("EXITED:0");
}

/// The alarm form owns its rows: opened with `:alarm new` over the fleet, its note and its
/// preview leave the fleet's top border (and every row above and below the form) as they
/// were; `e` on the 5XX alarm from the alarms list previews the alarm's own series.
#[test]
fn the_alarm_form_stays_in_its_rows_and_the_5xx_preview_reads_its_series() {
    let t = Tmux::start("alarm-form-rows", 160, 48);
    t.run_console("");
    t.wait_for("fraud-detector");
    let fleet = t.screen();
    t.literal(":alarm new fraud-detector");
    t.keys(&["Enter"]);
    let form = t.wait_until("the form's breach count", |s| breach_count(s).is_some());
    let (before, after): (Vec<&str>, Vec<&str>) = (fleet.lines().collect(), form.lines().collect());
    assert_eq!(before[1], after[1], "the fleet's top border:\n{form}");
    assert_eq!(
        form.matches(" points breach").count(),
        1,
        "the note once, in the form:\n{form}"
    );
    let top = after
        .iter()
        .position(|l| l.contains("╭ new alarm"))
        .expect("the form's box");
    let bottom = after
        .iter()
        .position(|l| l.contains("Esc cancel ╯"))
        .expect("the form's bottom border");
    for y in (1..top).chain(bottom + 1..after.len() - 1) {
        assert_eq!(before[y], after[y], "row {y} is the fleet's:\n{form}");
    }
    t.keys(&["Escape"]);
    t.wait_until("the form closed", |s| !s.contains("lives in"));
    t.literal(":alarms");
    t.keys(&["Enter"]);
    t.wait_for("prod-fraud-detector-5xx");
    t.literal("/5xx");
    t.keys(&["Enter"]);
    t.literal("e");
    let edit = t.wait_until("the 5XX preview's count", |s| {
        s.contains("edit alarm") && breach_count(s).is_some()
    });
    assert!(!edit.contains("no datapoints held"), "{edit}");
    assert!(edit.contains("Invocation5XXErrors prod"), "{edit}");
}
