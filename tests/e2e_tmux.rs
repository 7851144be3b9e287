//! End-to-end: the real binary in a real pseudo-terminal (tmux), driven by keys as a user
//! would, read back from the screen. `scripts/test` installs tmux on a fresh machine.

mod support;

use std::process::Command;
use std::time::Duration;
use support::tmux::Tmux;

#[test]
fn start_navigate_to_an_alarm_open_help_and_quit_cleanly() {
    let t = Tmux::start("nav", 120, 36);
    t.run_console("");
    let fleet = t.wait_for("InService");
    assert!(
        t.alternate_screen_on(),
        "the console runs on the alternate screen"
    );
    assert!(
        fleet.contains("prod") && fleet.contains("staging"),
        "{fleet}"
    );

    // To the alarms, open the first alarm's history.
    t.literal(":alarms");
    t.keys(&["Enter"]);
    let alarms = t.wait_for("ALARM");
    assert!(alarms.contains("INSUFF"), "{alarms}");
    t.keys(&["Enter"]);
    t.wait_for("Alarm updated from");

    // Help is generated from the keymap.
    t.literal("?");
    let help = t.wait_for("Navigation");
    assert!(help.contains("Next row") && help.contains("g g"), "{help}");
    t.keys(&["Escape"]);
    // An Escape followed at once by a key reads as Alt and the key: the help is seen closed.
    t.wait_until("the help closed", |s| !s.contains("Next row"));

    t.literal("q");
    t.wait_for_line("EXITED:0");
    t.assert_tty_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let t = Tmux::start("term", 100, 30);
    t.run_console("--seed 4242");
    t.wait_for("InService");
    let pid = Command::new("pgrep")
        .args(["-f", "--", "--seed 4242"])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&pid.stdout);
    let pid = pid
        .lines()
        .next()
        .expect("the console is running")
        .trim()
        .to_owned();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    t.wait_for_line("EXITED:0");
    t.assert_tty_restored();
}

#[test]
fn a_bad_config_is_reported_before_the_terminal_is_touched() {
    let t = Tmux::start("badcfg", 100, 30);
    let cfg = t.home.join("bad.toml");
    std::fs::write(&cfg, "theme = \"dark\"\nrefresh_secs = \"soon\"\n").unwrap();
    t.run_console(&format!("--config {}", cfg.display()));
    let screen = t.wait_for_line("EXITED:");
    assert!(screen.lines().any(|l| l == "EXITED:2"), "{screen}");
    assert!(
        screen.contains("bad.toml:2:"),
        "names file and line: {screen}"
    );
    assert!(!t.alternate_screen_on());
}

#[test]
fn an_idle_console_writes_nothing_to_the_terminal() {
    let t = Tmux::start("idle", 160, 48);
    // A live clock refreshing every second, started 5 s past a minute: the window below
    // sees several refresh cycles, all answered with the same data (no minute ends in it, so
    // no new datapoint and no clock change), so nothing on screen changes.
    t.run_console_with("--demo --demo-start 2026-11-26T10:00:05Z --refresh 1");
    t.wait_for("InService");
    std::thread::sleep(Duration::from_millis(1500));
    let capture = t.home.join("pane.bytes");
    t.tmux(&[
        "pipe-pane",
        "-o",
        "-t",
        "e2e",
        &format!("cat > {}", capture.display()),
    ]);
    std::thread::sleep(Duration::from_secs(3));
    t.tmux(&["pipe-pane", "-t", "e2e"]);
    let idle = std::fs::metadata(&capture).map(|m| m.len()).unwrap_or(0);
    assert_eq!(idle, 0, "an idle console wrote {idle} bytes");
    // Refreshes kept succeeding all along (a stuck refresh shows STALE after 3 cycles).
    let screen = t.screen();
    assert!(!screen.contains("STALE"), "refreshes stopped:\n{screen}");

    // The capture does record output: a key press that changes the screen writes bytes.
    t.tmux(&[
        "pipe-pane",
        "-o",
        "-t",
        "e2e",
        &format!("cat > {}", capture.display()),
    ]);
    t.literal("j");
    t.wait_for("▸");
    std::thread::sleep(Duration::from_millis(500));
    t.tmux(&["pipe-pane", "-t", "e2e"]);
    let moved = std::fs::metadata(&capture).map(|m| m.len()).unwrap_or(0);
    assert!(
        moved > 0,
        "moving the selection wrote nothing: the capture is broken"
    );
    t.literal("q");
    t.wait_for_line("EXITED:0");
}

#[test]
fn the_screen_follows_a_resize() {
    let t = Tmux::start("resize", 160, 40);
    t.run_console("");
    let wide = t.wait_for("InService");
    assert!(
        wide.contains("DISK"),
        "all six sparklines at 160 columns:\n{wide}"
    );
    t.tmux(&["resize-window", "-t", "e2e", "-x", "60", "-y", "16"]);
    let narrow = t.wait_until("the narrow layout", |s| {
        !s.contains("DISK") && s.lines().all(|l| l.chars().count() <= 60) && s.contains("InService")
    });
    assert!(narrow.lines().count() <= 16, "{narrow}");
    t.tmux(&["resize-window", "-t", "e2e", "-x", "1", "-y", "1"]);
    std::thread::sleep(Duration::from_millis(300));
    t.tmux(&["resize-window", "-t", "e2e", "-x", "120", "-y", "30"]);
    t.wait_for("InService");
    t.literal("q");
    t.wait_for_line("EXITED:0");
}

#[test]
fn without_credentials_the_console_says_what_it_tried_before_touching_the_terminal() {
    // No keys, no AWS files, no instance metadata: the SDK chain finds nothing.
    let t = Tmux::start_with_env(
        "nocreds",
        120,
        40,
        &[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ],
    );
    t.run_console_with("");
    let screen = t.wait_for_line("EXITED:");
    assert!(screen.lines().any(|l| l == "EXITED:2"), "{screen}");
    assert!(screen.contains("no AWS credentials found"), "{screen}");
    assert!(
        screen.contains("environment variables") && screen.contains("IMDSv2"),
        "says what was tried: {screen}"
    );
    assert!(!t.alternate_screen_on());
    t.assert_tty_restored();
}
