//! Logs end to end in a real terminal (tmux), on the demo: `:logs fraud-detector` runs its
//! errors-first Insights query (the missing feature after the update), Tab opens the live
//! tail which takes in new lines as the demo clock runs, `Ctrl-p` closes the session, `w`
//! saves the lines to a file with no control character, and the terminal is restored on
//! quit.

mod support;

use std::time::Duration;
use support::tmux::Tmux;

#[test]
fn an_endpoints_errors_then_its_live_tail_then_a_saved_file() {
    let t = Tmux::start("logs", 160, 48);
    let dir = std::env::temp_dir().join(format!("sagewatch-e2e-logs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A running clock: the tail takes in lines as it moves.
    t.run_console_with("--demo --demo-start 2026-11-26T10:00:00Z");
    t.wait_for("fraud-detector");
    t.literal(":logs fraud-detector");
    t.keys(&["Enter"]);
    let done = t.wait_until_for("the query", Duration::from_secs(30), |s| {
        s.contains("Complete") && s.contains("matched")
    });
    assert!(
        done.contains("/aws/sagemaker/Endpoints/fraud-detector"),
        "{done}"
    );
    assert!(done.contains("merchant_category"), "{done}");
    // The live tail: lines arrive while the pane is on screen.
    t.keys(&["Tab"]);
    let tail = t.wait_until_for("tail lines", Duration::from_secs(40), |s| {
        s.contains("tail · live") && s.lines().filter(|l| l.contains("/i-")).count() >= 2
    });
    assert!(tail.contains("following"), "{tail}");
    t.keys(&["C-p"]);
    t.wait_for("paused (Ctrl-p resumes)");
    let path = dir.join("tail.log");
    t.literal(&format!(":save {}", path.display()));
    t.keys(&["Enter"]);
    // Written whole, not only created: the file can exist a moment before its lines do.
    t.wait_until_for("the file", Duration::from_secs(10), |_| {
        std::fs::read_to_string(&path).is_ok_and(|s| s.lines().count() >= 2)
    });
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.lines().count() >= 2, "{saved}");
    assert!(saved.lines().all(|l| l.contains("Z  ")), "{saved}");
    assert!(
        !saved.chars().any(|c| c != '\n' && c.is_control()),
        "{saved:?}"
    );
    t.literal("q");
    t.wait_for_line("EXITED:0");
    t.assert_tty_restored();
    let _ = std::fs::remove_dir_all(&dir);
}
