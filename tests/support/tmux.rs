//! The real binary in a real pseudo-terminal (tmux): keys in, screen out.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

/// A private tmux server with one shell pane; killed on drop.
pub struct Tmux {
    socket: String,
    pub home: PathBuf,
}

impl Tmux {
    pub fn start(name: &str, width: u16, height: u16) -> Self {
        Self::start_with_env(name, width, height, &[])
    }

    /// A pane whose shell sees only HOME, PATH, TERM and `env`.
    pub fn start_with_env(name: &str, width: u16, height: u16, env: &[(&str, &str)]) -> Self {
        let socket = format!("sagewatch-e2e-{name}-{}", std::process::id());
        // A home with no user config, so the shipped defaults are what is tested.
        let home = std::env::temp_dir().join(&socket);
        std::fs::create_dir_all(&home).unwrap();
        let t = Self { socket, home };
        let status = Command::new("tmux")
            .args([
                "-L",
                &t.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "e2e",
            ])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .args(["env", "-i"])
            .arg(format!("HOME={}", t.home.display()))
            .arg(format!(
                "PATH={}",
                std::env::var("PATH").unwrap_or_default()
            ))
            .args(env.iter().map(|(k, v)| format!("{k}={v}")))
            .args(["TERM=xterm-256color", "bash", "--norc", "--noprofile"])
            .status()
            .expect("tmux must be installed (scripts/test installs it)");
        assert!(status.success(), "tmux new-session failed");
        t
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn literal(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-t", "e2e"])
    }

    pub fn alternate_screen_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// Waits until the screen shows `needle`; fails with the screen when it never does.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |screen| screen.contains(needle))
    }

    /// Waits for a line that starts with `prefix` (not the echo of the typed command).
    pub fn wait_for_line(&self, prefix: &str) -> String {
        self.wait_until(prefix, |screen| {
            screen.lines().any(|l| l.starts_with(prefix))
        })
    }

    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.wait_until_for(what, Duration::from_secs(20), done)
    }

    pub fn wait_until_for(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {what:?}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn run_console(&self, extra: &str) {
        self.run_console_with(&format!(
            "--demo --demo-start 2026-11-26T10:00:00Z --demo-frozen {extra}"
        ));
    }

    pub fn run_console_with(&self, flags: &str) {
        self.literal(&format!("{BIN} {flags}; echo EXITED:$?"));
        self.keys(&["Enter"]);
    }

    /// Raw mode off means the tty is back in canonical mode with echo.
    pub fn assert_tty_restored(&self) {
        self.literal("stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '; echo; echo ENDSTTY");
        self.keys(&["Enter"]);
        let screen = self.wait_for_line("ENDSTTY");
        let line = screen
            .lines()
            .rev()
            .find(|l| l.contains("icanon"))
            .unwrap_or_default();
        assert!(
            line.contains("icanon") && !line.contains("-icanon"),
            "{screen}"
        );
        assert!(line.contains("echo") && !line.contains("-echo"), "{screen}");
        assert!(!self.alternate_screen_on(), "still on the alternate screen");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}
