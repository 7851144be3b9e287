//! One truth on every screen, in a real terminal: the demo started ten seconds before its
//! accuracy alarm fires. Within one refresh (10 s) of the fleet showing the alarm, the
//! fraud-detector row draws the value the alarm evaluated and the violations of the run
//! that fired it, and the alarms view's reason names that same value.

mod support;

use std::time::{Duration, Instant};
use support::tmux::Tmux;

/// One refresh of the alarms (`refresh_secs`, 10 s by default).
const ONE_REFRESH: Duration = Duration::from_secs(10);

/// The prod fraud-detector row of the fleet table.
fn fraud_row(screen: &str) -> Option<&str> {
    screen
        .lines()
        .find(|l| l.contains(" prod ") && l.contains(" fraud-detector "))
}

/// The row's ACC (its first number) and its violations badge (`⚠N`).
fn acc_and_badge(row: &str) -> (Option<String>, Option<String>) {
    let words: Vec<&str> = row
        .split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect();
    let acc = words
        .iter()
        .find(|w| w.parse::<f64>().is_ok_and(|v| v > 0.0 && v < 1.0))
        .map(|w| (*w).to_owned());
    let badge = row.find('⚠').map(|at| {
        row[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect()
    });
    (acc, badge)
}

/// The prod account's line in the accounts pane shows alarms in ALARM as `●N`.
fn prod_alarms(screen: &str) -> bool {
    screen
        .lines()
        .any(|l| l.starts_with("│ prod ") && l.split('│').nth(1).is_some_and(|a| a.contains('●')))
}

#[test]
fn within_one_refresh_of_the_alarm_the_fleet_row_and_the_alarm_agree() {
    let t = Tmux::start("truth", 160, 48);
    t.run_console_with("--demo --demo-at 230s");
    // The row and its series (the table may be drawn before the series arrive).
    let first = t.wait_until("fraud-detector's ACC", |s| {
        fraud_row(s).is_some_and(|r| acc_and_badge(r).0.is_some())
    });
    let (acc_before, badge_before) = acc_and_badge(fraud_row(&first).unwrap());
    assert!(!prod_alarms(&first), "started before the alarm:\n{first}");
    let before: f64 = acc_before.expect("an ACC").parse().unwrap();
    assert!(before > 0.85, "{first}");

    // The alarm fires 10 s in; the accounts pane shows it at the next read of the alarms.
    t.wait_until_for("the alarm", Duration::from_secs(40), prod_alarms);
    let seen = Instant::now();
    let agreed = t.wait_until_for("the fleet row to follow", ONE_REFRESH, |s| {
        let Some(row) = fraud_row(s) else {
            return false;
        };
        let (acc, badge) = acc_and_badge(row);
        acc.and_then(|a| a.parse::<f64>().ok())
            .is_some_and(|a| a < 0.85)
            && badge != badge_before
    });
    let took = seen.elapsed();
    let (acc, badge) = acc_and_badge(fraud_row(&agreed).unwrap());
    let acc = acc.unwrap();
    assert!(took <= ONE_REFRESH, "{took:?}");
    assert!(badge.is_some(), "{agreed}");

    // The alarm's reason names the value the fleet draws.
    t.literal("2");
    let alarms = t.wait_for("prod-fraud-detector-accuracy");
    let line = alarms
        .lines()
        .find(|l| l.contains("prod-fraud-detector-accuracy"))
        .unwrap();
    assert!(line.contains("ALARM"), "{alarms}");
    assert!(
        line.contains(&format!("[{acc} ")),
        "the fleet draws {acc}; the alarm says:\n{line}"
    );
    t.literal("q");
    t.wait_for("EXITED:0");
}
