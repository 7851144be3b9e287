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
fn the_log_file_is_created_private_and_an_existing_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("log");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("log").permissions().mode() & 0o777;
    let new = dir.join("new.log");
    // An existing script, as a mistyped --log-file finds it: appended to, never chmodded.
    let script = dir.join("script.sh");
    std::fs::write(&script, "#!/bin/sh\n").expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for log in [&new, &script] {
        let out = Command::new(BIN)
            .args(["--demo", "--log-file"])
            .arg(log)
            .args(["snapshot", "--json"])
            .output()
            .expect("run sagewatch");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(log).expect("log");
        assert!(text.contains("configuration loaded"), "{text}");
    }
    assert_eq!(mode(&new), 0o600);
    assert_eq!(mode(&script), 0o755);
    assert!(
        std::fs::read_to_string(&script)
            .expect("script")
            .starts_with("#!/bin/sh\n")
    );
    std::fs::remove_dir_all(dir).ok();
}
