//! Studio end to end in a real terminal (tmux), on the demo: `6` shows the accounts with
//! their domains and the apps with the failed and idle ones first, the account without a
//! role says so in its row, `/` narrows the apps, `:studio age-` sorts them newest first, and
//! the terminal is restored on quit.

mod support;

use support::tmux::Tmux;

#[test]
fn studio_across_the_organisation_then_filtered_and_sorted() {
    let t = Tmux::start("studio", 160, 48);
    t.run_console_with("--demo --demo-start 2026-11-26T10:00:00Z");
    t.wait_for("fraud-detector");
    t.keys(&["6"]);
    let first_app = |screen: &str| -> String {
        let mut rows = screen.lines().skip_while(|l| !l.contains("INSTANCE"));
        rows.nth(1).unwrap_or_default().to_owned()
    };
    // The whole frame: a capture can catch one half written (the accounts drawn, the apps
    // not yet), and the apps are what this reads.
    let screen = t.wait_until("the studio's apps", |s| {
        s.contains("ml-platform-prod") && first_app(s).contains("ml.")
    });
    assert!(screen.contains("no role"), "{screen}");
    assert!(screen.contains("2 failed"), "{screen}");
    assert!(first_app(&screen).contains("Failed"), "{screen}");
    t.keys(&["/"]);
    t.literal("ml.g5");
    t.keys(&["Enter"]);
    let filtered = t.wait_for("apps 2 ");
    assert!(!filtered.contains("ml.t3.medium"), "{filtered}");
    t.keys(&["Escape"]);
    t.wait_for("apps 12 ");
    t.literal(":studio age-");
    t.keys(&["Enter"]);
    let sorted = t.wait_for("by age ▼");
    assert!(sorted.contains("Pending"), "{sorted}");
    t.literal("q");
    t.wait_for_line("EXITED:0");
    t.assert_tty_restored();
}
