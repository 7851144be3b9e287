//! What the binary prints before it has a terminal (or instead of one) is as hostile as any
//! string drawn on screen, and its log file is private.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sagewatch-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn a_name_holding_an_invisible_character_is_refused_before_anything_is_sent() {
    let dir = scratch("zwsp");
    // Drawn, it would read `cpuhigh`: no one could type it back to delete it.
    let out = Command::new(BIN)
        .args(["--demo", "alarm", "create", "--account", "prod"])
        .args(["--endpoint", "fraud-detector", "--metric", "CPUUtilization"])
        .args(["--threshold", "80", "--name", "cpu\u{200b}high", "--yes"])
        .env("XDG_STATE_HOME", &dir)
        .output()
        .expect("run sagewatch");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("U+200B (an invisible character) at character 4"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{200b}'), "{stderr:?}");
    assert!(
        !dir.join("sagewatch/audit.jsonl").exists(),
        "nothing recorded"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn an_error_quoting_a_hostile_file_prints_no_control_character() {
    let dir = scratch("evil");
    let config = dir.join("config.toml");
    // A theme name holding an OSC title sequence, as TOML escapes allow.
    std::fs::write(&config, "theme = \"\\u001b]0;pwned\\u0007x\\u009b2J\"\n").expect("write");
    let out = Command::new(BIN)
        .args(["--demo", "--config"])
        .arg(&config)
        .arg("snapshot")
        .output()
        .expect("run sagewatch");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown theme"), "{stderr}");
    assert!(
        !stderr.trim_end().chars().any(char::is_control),
        "control character on stderr: {stderr:?}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_log_file_is_created_private_and_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("log");
    let log = dir.join("sagewatch.log");
    std::fs::write(&log, "").expect("write");
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = Command::new(BIN)
        .args(["--demo", "--log-file"])
        .arg(&log)
        .args(["snapshot", "--json"])
        .output()
        .expect("run sagewatch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = std::fs::metadata(&log).expect("log").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("configuration loaded"), "{text}");
    std::fs::remove_dir_all(dir).ok();
}
