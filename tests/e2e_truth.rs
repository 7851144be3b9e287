//! One truth on every screen, in a real terminal: the demo started ten seconds before its
//! accuracy alarm fires. Within one refresh (10 s) of the fleet showing the alarm, the
//! fraud-detector row draws the value the alarm evaluated, in the alarm's colour, and the
//! violations of the run that fired it; the alarms view's reason names that same value; the
//! endpoint's header names the run that fired it; and `c` lists only that endpoint's changes.

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

/// The foreground colour of the SGR in force where `token` first starts on `line` (a line
/// captured with its escapes), as its parameters: `38;5;196`, `31`, `38;2;r;g;b`.
fn colour_of(line: &str, token: &str) -> Option<String> {
    let at = line.find(token)?;
    let mut colour = None;
    for sgr in line[..at].split("\x1b[").skip(1) {
        let Some(params) = sgr.split('m').next() else {
            continue;
        };
        let parts: Vec<&str> = params.split(';').collect();
        let mut i = 0;
        while i < parts.len() {
            match parts[i] {
                "0" | "" | "39" => colour = None,
                "38" if parts.get(i + 1) == Some(&"5") => {
                    colour = Some(parts[i..(i + 3).min(parts.len())].join(";"));
                    i += 2;
                }
                "38" if parts.get(i + 1) == Some(&"2") => {
                    colour = Some(parts[i..(i + 5).min(parts.len())].join(";"));
                    i += 4;
                }
                p if p.len() == 2 && (p.starts_with('3') || p.starts_with('9')) => {
                    colour = Some(p.to_owned())
                }
                _ => {}
            }
            i += 1;
        }
    }
    colour
}

/// The screen with its colours, one line per row.
fn coloured(t: &Tmux) -> String {
    t.tmux(&["capture-pane", "-p", "-e", "-t", "e2e"])
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
    // A fixed start: the story at 10:00, as the screen snapshots have it, whatever the hour.
    t.run_console_with("--demo --demo-start 2026-11-26T10:00:00Z --demo-at 230s");
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
    let painted = coloured(&t);
    let fleet_colour = painted
        .lines()
        .find(|l| l.contains(" fraud-detector ") && l.contains(&acc))
        .and_then(|l| colour_of(l, &acc));

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
    // In the same colour: the fleet paints the value as its alarm's state.
    let alarm_colour = coloured(&t)
        .lines()
        .find(|l| l.contains("prod-fraud-detector-accuracy"))
        .and_then(|l| colour_of(l, "ALARM"));
    assert!(alarm_colour.is_some(), "the state is coloured");
    assert_eq!(
        fleet_colour, alarm_colour,
        "the fleet's {acc} and the alarm's state"
    );

    // Its history, then its endpoint: the header names the run that fired it.
    t.keys(&["g", "g"]);
    t.keys(&["Enter"]);
    t.wait_for("Alarm updated from OK to ALARM");
    t.keys(&["Enter"]);
    let endpoint = t.wait_until("the endpoint's monitor summary", |s| {
        s.contains("prod 111111111111 fraud-detector") && !s.contains("monitor loading")
    });
    let header = endpoint
        .lines()
        .find(|l| l.contains("prod 111111111111 fraud-detector"))
        .unwrap();
    assert!(
        header.contains("fraud-detector-model-quality")
            && header.contains("CompletedWithViolations"),
        "the header names the run that fired the alarm:\n{header}"
    );

    // What changed: the update that caused it, and who made it. (That `c` lists nothing of
    // another endpoint is proven on the update path: trail's
    // `what_changed_on_the_demo_lists_only_the_endpoints_own_resources`.)
    t.literal("c");
    let changes = t.wait_until_for("the changes", Duration::from_secs(30), |s| {
        s.contains("SUCCEEDED") && s.contains("UpdateEndpoint")
    });
    let update = changes
        .lines()
        .find(|l| l.contains("UpdateEndpoint"))
        .unwrap();
    assert!(update.contains("ml-deployer/alice"), "who: {update}");
    // And what it deployed, matched by the config's and model's own names.
    for made in ["CreateEndpointConfig", "CreateModel"] {
        let line = changes.lines().find(|l| l.contains(made));
        let line = line.unwrap_or_else(|| panic!("{made} missing:\n{changes}"));
        assert!(line.contains("ml-deployer/alice"), "who: {line}");
    }
    t.literal("q");
    t.wait_for("EXITED:0");
}
