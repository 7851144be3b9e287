//! AWS going away mid-session: the emulator is killed under a running console (the data stays,
//! marked STALE with its age, nothing crashes) and started again (fresh data comes back by
//! itself, without a key press).

mod support;

use std::time::Duration;
use support::emulators::{self, OwnLocalStack};
use support::tmux::{BIN, Tmux};

const ACCOUNT: &str = "444444444444";
const REGION: &str = "us-west-2";

async fn seed(endpoint_url: &str, memory: f64) {
    let cw =
        aws_sdk_cloudwatch::Client::new(&emulators::config(endpoint_url, ACCOUNT, REGION).await);
    emulators::put_instance_metrics(
        &cw,
        "pricing",
        "AllTraffic",
        &[
            ("CPUUtilization", 12.0),
            ("MemoryUtilization", memory),
            ("DiskUtilization", 33.0),
        ],
    )
    .await;
}

#[test]
fn a_dead_emulator_marks_data_stale_and_its_return_brings_fresh_data_without_a_key() {
    let Some(shared) = emulators::emulators() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut localstack = OwnLocalStack::start("fault");
    rt.block_on(seed(&localstack.url(), 41.0));

    let home = std::env::temp_dir().join(format!("sagewatch-fault-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let cfg = home.join("config.toml");
    std::fs::write(&cfg, "topology = \"fanout\"\n").unwrap();
    let mut env = emulators::sagewatch_env(&shared, ACCOUNT, REGION, &home);
    for (k, v) in env.iter_mut() {
        if k == "AWS_ENDPOINT_URL" {
            *v = localstack.url();
        }
    }
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start_with_env("fault", 150, 30, &env_refs);
    t.literal(&format!(
        "{BIN} --refresh 1 --config {} --log-file {}; echo EXITED:$?",
        cfg.display(),
        home.join("log").display()
    ));
    t.keys(&["Enter"]);
    let live = t.wait_until_for("pricing with data", Duration::from_secs(60), |s| {
        s.contains("pricing") && s.contains("41")
    });
    assert!(!live.contains("STALE"), "{live}");

    localstack.stop();
    let stale = t.wait_until_for("STALE", Duration::from_secs(90), |s| s.contains("STALE"));
    assert!(
        !stale.contains("EXITED"),
        "the console is still running:\n{stale}"
    );
    assert!(
        stale.contains("pricing") && stale.contains("41"),
        "last data kept:\n{stale}"
    );

    localstack.resume();
    rt.block_on(seed(&localstack.url(), 87.0));
    // 1-minute series are asked for once a minute: a restart plus up to a minute's wait.
    let fresh = t.wait_until_for("fresh data", Duration::from_secs(180), |s| {
        s.contains("87") && !s.contains("STALE")
    });
    assert!(fresh.contains("pricing"), "{fresh}");

    t.literal("q");
    t.wait_for_line("EXITED:0");
    t.assert_tty_restored();
    let _ = std::fs::remove_dir_all(&home);
}
