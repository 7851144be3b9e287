//! The files the binary is pointed at that are not what they seem: a FIFO, a device, a
//! symbolic link, a file too large to be a configuration. Each is refused (exit 2, saying what
//! it is) at once, with little memory, and left as it was.

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

/// Longer than any refusal takes even on a loaded machine; a run still going then is stuck.
const STUCK: Duration = Duration::from_secs(10);

/// A fresh directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("sagewatch-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Self(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn c_path(path: &Path) -> std::ffi::CString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(path.as_os_str().as_bytes()).expect("path")
}

fn mkfifo(path: &Path) {
    assert_eq!(
        unsafe { libc::mkfifo(c_path(path).as_ptr(), 0o644) },
        0,
        "mkfifo"
    );
}

/// A node in `dir` of the memory device `/dev/NAME` (minor `minor`), as root; else the device
/// itself, which is then only looked at: a non-root process cannot change it. Root never
/// touches the host's own node, even when a regression would chmod what it is given.
fn memory_device(dir: &Scratch, name: &str, minor: u32) -> PathBuf {
    if unsafe { libc::geteuid() } != 0 {
        return Path::new("/dev").join(name);
    }
    let node = dir.join(name);
    let made = unsafe {
        libc::mknod(
            c_path(&node).as_ptr(),
            libc::S_IFCHR | 0o666,
            libc::makedev(1, minor),
        )
    };
    assert_eq!(made, 0, "mknod");
    node
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .expect("stat")
        .permissions()
        .mode()
        & 0o777
}

/// How a run ended: its exit code, its stderr, how long it took and its peak memory.
struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    max_rss_kib: i64,
}

/// Runs the binary with `args`; killed (and the test failed) if it is still running after
/// `STUCK`. Its data is capped at 512 MiB so that a regression reading `/dev/zero` fails
/// fast instead of eating the machine; its own peak memory comes from `wait4`.
fn run(args: &[&OsStr]) -> Run {
    run_in(args, &[])
}

/// `run` with these environment variables set.
// The child is reaped by `wait4` (which also gives its peak memory), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run_in(args: &[&OsStr], env: &[(&str, &Path)]) -> Run {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(BIN);
    command
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe, as `pre_exec` requires.
    unsafe {
        command.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: 512 << 20,
                rlim_max: 512 << 20,
            };
            libc::setrlimit(libc::RLIMIT_DATA, &cap);
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("run sagewatch");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a plain C struct, filled in by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break;
        }
        if started.elapsed() > STUCK {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sagewatch {args:?} was still running after {STUCK:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = started.elapsed();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    Run {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stderr,
        elapsed,
        max_rss_kib: usage.ru_maxrss,
    }
}

fn refused(run: &Run, says: &str) {
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(says),
        "expected `{says}` in: {}",
        run.stderr
    );
}

fn with_config(config: &Path) -> Run {
    run(&[
        OsStr::new("--demo"),
        OsStr::new("--config"),
        config.as_os_str(),
        OsStr::new("snapshot"),
    ])
}

fn with_log_file(log: &Path) -> Run {
    run(&[
        OsStr::new("--demo"),
        OsStr::new("--log-file"),
        log.as_os_str(),
        OsStr::new("snapshot"),
        OsStr::new("--json"),
    ])
}

#[test]
fn config_dev_zero_is_refused_within_a_second_in_under_50_mb() {
    let r = with_config(Path::new("/dev/zero"));
    refused(&r, "/dev/zero: is a character device, not a regular file");
    assert!(r.elapsed < Duration::from_secs(1), "took {:?}", r.elapsed);
    assert!(r.max_rss_kib < 50 * 1024, "peak {} KiB", r.max_rss_kib);
}

#[test]
fn a_fifo_config_is_refused_without_blocking() {
    let dir = Scratch::new("config-fifo");
    let fifo = dir.join("config.toml");
    mkfifo(&fifo);
    refused(&with_config(&fifo), "is a FIFO, not a regular file");
}

#[test]
fn a_config_over_1_mib_is_refused() {
    let dir = Scratch::new("config-big");
    let config = dir.join("config.toml");
    let mut text = String::from("refresh_secs = 10\n");
    text.push_str(&"# padding\n".repeat(110_000));
    std::fs::write(&config, text).expect("write");
    refused(&with_config(&config), "is larger than 1 MiB");
}

#[test]
fn a_fifo_keymap_is_refused_without_blocking() {
    let dir = Scratch::new("keymap-fifo");
    let fifo = dir.join("mine.toml");
    mkfifo(&fifo);
    let r = run(&[
        OsStr::new("--demo"),
        OsStr::new("--keymap"),
        fifo.as_os_str(),
        OsStr::new("snapshot"),
    ]);
    refused(&r, "is a FIFO, not a regular file");
}

#[test]
fn a_fifo_log_file_is_refused_without_blocking() {
    let dir = Scratch::new("log-fifo");
    let fifo = dir.join("sagewatch.log");
    mkfifo(&fifo);
    refused(&with_log_file(&fifo), "is a FIFO, not a regular file");
    assert_eq!(mode(&fifo), 0o644);
}

#[test]
fn a_symlinked_log_file_is_refused_and_its_target_untouched() {
    let dir = Scratch::new("log-link");
    let target = dir.join("target.sh");
    std::fs::write(&target, "keep").expect("write");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let link = dir.join("sagewatch.log");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    refused(&with_log_file(&link), "is a symbolic link");
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "keep");
    assert_eq!(mode(&target), 0o755);
}

#[test]
fn a_hard_linked_log_file_is_refused_and_its_other_name_untouched() {
    let dir = Scratch::new("log-hard");
    let other = dir.join("notes.txt");
    std::fs::write(&other, "mine\n").expect("write");
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let log = dir.join("sagewatch.log");
    std::fs::hard_link(&other, &log).expect("hard link");
    refused(&with_log_file(&log), "has 1 other hard link");
    assert_eq!(std::fs::read_to_string(&other).expect("other"), "mine\n");
    assert_eq!(mode(&other), 0o644);
}

#[test]
fn a_device_log_file_is_refused_and_left_alone() {
    let dir = Scratch::new("log-device");
    let zero = memory_device(&dir, "zero", 5);
    let before = mode(&zero);
    refused(
        &with_log_file(&zero),
        "is a character device, not a regular file",
    );
    assert_eq!(mode(&zero), before);
}

#[test]
fn the_null_device_as_log_file_keeps_no_log_and_is_left_alone() {
    let dir = Scratch::new("log-null");
    let null = memory_device(&dir, "null", 3);
    let before = mode(&null);
    let r = with_log_file(&null);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(mode(&null), before);
}

/// A confirmed mute in the demo, whose audit log is `dir/sagewatch/audit.jsonl`.
fn mute_with_state_home(dir: &Scratch) -> Run {
    let args = [
        "--demo",
        "alarm",
        "mute",
        "prod-fraud-detector-5xx",
        "--account",
        "100000000000",
        "--indefinitely",
        "--yes",
    ];
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let config = dir.join("config");
    run_in(
        &args,
        &[
            ("XDG_STATE_HOME", &dir.0),
            ("HOME", &dir.0),
            ("XDG_CONFIG_HOME", &config),
        ],
    )
}

/// The audit log's place under `dir`, its directory made.
fn audit_path(dir: &Scratch) -> PathBuf {
    let state = dir.join("sagewatch");
    std::fs::create_dir_all(&state).expect("state dir");
    state.join("audit.jsonl")
}

fn refused_write(run: &Run, says: &str) {
    assert_ne!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains(says),
        "expected `{says}` in: {}",
        run.stderr
    );
    assert!(run.stderr.contains("was not sent"), "{}", run.stderr);
}

#[test]
fn an_existing_audit_log_keeps_its_mode() {
    let dir = Scratch::new("audit-mode");
    let audit = audit_path(&dir);
    std::fs::write(&audit, "").expect("write");
    std::fs::set_permissions(&audit, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let r = mute_with_state_home(&dir);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(mode(&audit), 0o640);
    let text = std::fs::read_to_string(&audit).expect("audit");
    assert_eq!(text.lines().count(), 2, "{text}");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("a whole record");
    }
}

#[test]
fn a_fifo_audit_log_refuses_the_write_without_blocking() {
    let dir = Scratch::new("audit-fifo");
    let audit = audit_path(&dir);
    mkfifo(&audit);
    refused_write(&mute_with_state_home(&dir), "is a FIFO, not a regular file");
    assert_eq!(mode(&audit), 0o644);
}

#[test]
fn a_symlinked_audit_log_refuses_the_write() {
    let dir = Scratch::new("audit-link");
    let target = dir.join("target.sh");
    std::fs::write(&target, "keep").expect("write");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::os::unix::fs::symlink(&target, audit_path(&dir)).expect("symlink");
    refused_write(&mute_with_state_home(&dir), "is a symbolic link");
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "keep");
    assert_eq!(mode(&target), 0o755);
}

#[test]
fn a_hard_linked_audit_log_refuses_the_write_and_its_other_name_is_untouched() {
    let dir = Scratch::new("audit-hard");
    let other = dir.join("notes.txt");
    std::fs::write(&other, "mine\n").expect("write");
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::hard_link(&other, audit_path(&dir)).expect("hard link");
    refused_write(&mute_with_state_home(&dir), "has 1 other hard link");
    assert_eq!(std::fs::read_to_string(&other).expect("other"), "mine\n");
    assert_eq!(mode(&other), 0o644);
}

#[test]
fn a_device_audit_log_refuses_the_write_and_is_left_alone() {
    let dir = Scratch::new("audit-device");
    let audit = audit_path(&dir);
    if unsafe { libc::geteuid() } != 0 {
        // Only root can make a device node where the audit log goes.
        return;
    }
    let made = unsafe {
        libc::mknod(
            c_path(&audit).as_ptr(),
            libc::S_IFCHR | 0o666,
            libc::makedev(1, 3),
        )
    };
    assert_eq!(made, 0, "mknod");
    let before = mode(&audit);
    refused_write(&mute_with_state_home(&dir), "is a character device");
    assert_eq!(mode(&audit), before);
}
