//! Every AWS call is bounded: an endpoint that accepts a connection and never answers (a
//! half-open connection, a dead proxy) costs at most `timeout_secs`, and `snapshot` exits.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

/// Accepts every connection and reads forever, answering nothing.
fn black_hole() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    port
}

#[test]
fn a_call_that_never_answers_times_out_and_snapshot_exits() {
    let port = black_hole();
    let dir = std::env::temp_dir().join(format!("sagewatch-timeout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("config.toml");
    std::fs::write(&config, "timeout_secs = 2\ntopology = \"fanout\"\n").expect("config");
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["--region", "eu-west-1", "--config"])
        .arg(&config)
        .args(["snapshot", "--json"])
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sagewatch");
    // Without timeouts the process waits forever: give it far more than it needs.
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(40) {
            child.kill().ok();
            panic!("sagewatch still waiting on a silent endpoint after 40 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .ok();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GetCallerIdentity"), "{stderr}");
    assert!(
        stderr.to_lowercase().contains("timeout") || stderr.contains("timed out"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}
