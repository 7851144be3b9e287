//! A paste end to end in a real terminal (tmux), on the demo: text with `y` lines pasted
//! into the alarms filter, the new-alarm form's name and the `:sql` line stays text in that
//! line or field (tmux `paste-buffer -p` sends it bracketed, as the console asked), and a
//! paste the terminal sends as plain keys opens a confirmation that none of its keys answer.
//! Either way the audit log records no write.

mod support;

use std::path::{Path, PathBuf};
use support::tmux::Tmux;

/// A console whose audit log goes to a directory of its own.
fn start(name: &str) -> (Tmux, PathBuf) {
    let state =
        std::env::temp_dir().join(format!("sagewatch-e2e-paste-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    let t = Tmux::start_with_env(
        name,
        160,
        48,
        &[("XDG_STATE_HOME", state.to_str().unwrap())],
    );
    t.run_console("");
    t.wait_for("fraud-detector");
    (t, state)
}

/// Pastes `text` as a terminal does: bracketed when `bracketed` and the console asked for
/// it, else as if its characters were typed (a line break is Enter).
fn paste(t: &Tmux, text: &str, bracketed: bool) {
    let file = t.home.join("clipboard");
    std::fs::write(&file, text).unwrap();
    t.tmux(&["load-buffer", "-b", "clip", file.to_str().unwrap()]);
    let mut args = vec!["paste-buffer", "-d", "-b", "clip", "-t", "e2e"];
    if bracketed {
        args.push("-p");
    }
    t.tmux(&args);
}

/// What the audit log holds: every record of an attempted write, one per line.
fn audit_records(state: &Path) -> String {
    std::fs::read_to_string(state.join("sagewatch/audit.jsonl")).unwrap_or_default()
}

/// No dialog waiting for an answer on the screen.
fn assert_no_confirmation(screen: &str) {
    for word in [
        "y to confirm",
        "wait… keys are ignored",
        "DisableAlarmActions",
    ] {
        assert!(!screen.contains(word), "{word:?} on screen:\n{screen}");
    }
}

#[test]
fn pasted_lines_with_y_stay_text_in_the_filter_a_form_and_the_sql_line() {
    let (t, state) = start("paste-text");
    // The review's reproduction: the alarms, `/`, then a paste whose second line starts
    // with M (mute) and whose third is y.
    t.literal("2");
    t.wait_for("in ALARM");
    t.literal("/");
    paste(&t, "prod\nMy team owns this\ny\n", true);
    let filtered = t.wait_for("/prod My team owns this y");
    assert_no_confirmation(&filtered);
    // (Each Escape is seen before the next key: an Escape followed at once by a key reads
    // as Alt and that key.)
    t.keys(&["Escape"]);
    t.wait_for("alarms 17/17");

    // The new-alarm form (on the selected alarm's metric: valid as it opens): its name.
    t.literal(":alarm new");
    t.keys(&["Enter"]);
    t.wait_for("new alarm");
    t.keys(&["Tab", "Tab", "C-u"]);
    paste(&t, "paste-test\ny\n\ny\n", true);
    let form = t.wait_for("paste-test y  y");
    assert!(form.contains("new alarm"), "the form is still open: {form}");
    assert_no_confirmation(&form);
    assert!(!form.contains("PutMetricAlarm"), "{form}");
    t.keys(&["Escape"]);
    t.wait_until("the form closed", |s| !s.contains("new alarm"));

    // A runbook's SQL on the trail's `:sql` line: whole, on one line, not run.
    t.literal("4");
    t.wait_for("filter ▸ ");
    t.literal(":sql ");
    paste(
        &t,
        "SELECT eventname\nFROM cloudtrail_logs\nWHERE eventname = 'x'\ny\n",
        true,
    );
    let line = t.wait_for("sql SELECT eventname FROM cloudtrail_logs WHERE eventname = 'x' y");
    assert!(!line.contains("may scan"), "nothing asked to run: {line}");
    assert_no_confirmation(&line);
    t.keys(&["Escape"]);
    t.wait_until("the line closed", |s| !s.contains("cloudtrail_logs"));

    t.literal("q");
    t.wait_for_line("EXITED:0");
    assert_eq!(audit_records(&state), "", "no write was attempted");
    let _ = std::fs::remove_dir_all(&state);
}

#[test]
fn a_paste_sent_as_keys_opens_the_mute_but_its_y_does_not_confirm_it() {
    let (t, state) = start("paste-keys");
    t.literal("2");
    t.wait_for("in ALARM");
    t.literal("/");
    // Not bracketed: the keys of the paste reach the console one by one, `M` among them.
    paste(&t, "prod\nMy team owns this\ny\n", false);
    // `M` asks how long first: the rest of the burst went into that field, which is not a
    // length, so the form refuses to submit and no confirmation opened.
    let form = t.wait_for("mute 1 alarm");
    let refused = t.wait_for("fix 1 field(s) to submit");
    assert!(!refused.contains("y to confirm"), "{form}\n{refused}");
    t.keys(&["Escape"]);
    t.wait_until("the form closed", |s| !s.contains("mute 1 alarm"));
    t.literal("q");
    t.wait_for_line("EXITED:0");
    assert_eq!(audit_records(&state), "", "the paste's y confirmed nothing");
    let _ = std::fs::remove_dir_all(&state);
}
