//! `sagewatch --generate`: the man page renders with man(1) and holds every subcommand, and
//! the completions complete, in the shell itself.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

fn generate(what: &str) -> String {
    let out = Command::new(BIN)
        .args(["--generate", what])
        // No configuration is read: packaging runs this where there is none, or a bad one.
        .env("SAGEWATCH_CONFIG", "/nonexistent/config.toml")
        .output()
        .expect("run sagewatch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Whether `tool` can run here; under `scripts/test` (which installs it) it must.
fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("SAGEWATCH_REQUIRE_EMULATORS").as_deref() != Ok("1"),
            "{tool} is missing: scripts/test installs it"
        );
        eprintln!("skipped: no {tool}");
    }
    found
}

#[test]
fn the_man_page_renders_with_every_subcommand_and_the_exit_codes() {
    let page = generate("man");
    assert!(
        page.starts_with(".ie") || page.contains(".TH sagewatch 1"),
        "{page}"
    );
    if !have("man") {
        return;
    }
    let mut man = Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run man");
    man.stdin
        .take()
        .expect("stdin")
        .write_all(page.as_bytes())
        .expect("write the page");
    let out = man.wait_with_output().expect("man");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "roff warnings: {stderr}");
    // man renders bold by overstriking; read the letters.
    let text: String = String::from_utf8_lossy(&out.stdout)
        .split('\u{8}')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.get(1..).unwrap_or("")
            }
        })
        .collect();
    for expected in [
        "SYNOPSIS",
        "--readonly",
        "sagewatch alarm create",
        "sagewatch monitor run",
        "sagewatch trail",
        "sagewatch logs",
        "--threshold",
        "EXIT STATUS",
        "CompletedWithViolations",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
}

/// What bash offers after `words` (the cursor at the end of the last word).
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("sagewatch-complete-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join("sagewatch.bash");
    std::fs::write(&path, script).expect("write the script");
    let cword = words.len() - 1;
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _sagewatch sagewatch '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        quoted.join(" "),
        words.join(" "),
        words[cword],
        words[cword - 1],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("run bash");
    std::fs::remove_dir_all(dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_their_own_words() {
    if !have("bash") {
        return;
    }
    let script = generate("complete-bash");
    assert_eq!(bash_completes(&script, &["sagewatch", "al"]), ["alarm"]);
    assert_eq!(
        bash_completes(&script, &["sagewatch", "alarm", "m"]),
        ["mute", "mutes"]
    );
    let flags = bash_completes(&script, &["sagewatch", "--read"]);
    assert_eq!(flags, ["--readonly"]);
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    for (what, marker) in [
        ("complete-zsh", "#compdef sagewatch"),
        ("complete-fish", "complete -c sagewatch"),
        ("complete-powershell", "Register-ArgumentCompleter"),
    ] {
        let script = generate(what);
        assert!(script.contains(marker), "{what}: no {marker:?}");
        assert!(
            script.contains("alarm") && script.contains("trail"),
            "{what}"
        );
    }
}
