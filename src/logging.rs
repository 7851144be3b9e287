//! The log file: never the screen, private to its owner, and only sagewatch's own events
//! unless every crate's are asked for (other crates' traces can print secrets, such as the
//! command line of a `credential_process`).

use std::io;
use std::path::Path;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;

/// What `SAGEWATCH_LOG` asks for: `debug` or `trace` for sagewatch's own events, with `,all`
/// for every crate's (`trace,all`). Anything else, or nothing, is `info`.
pub fn filter(spec: Option<&str>) -> Targets {
    let mut words = spec.unwrap_or_default().split(',').map(str::trim);
    let level = match words.next() {
        Some("debug") => LevelFilter::DEBUG,
        Some("trace") => LevelFilter::TRACE,
        _ => LevelFilter::INFO,
    };
    let everyone = words.any(|w| w == "all");
    let others = if everyone { level } else { LevelFilter::WARN };
    Targets::new()
        .with_default(others)
        .with_target(env!("CARGO_CRATE_NAME"), level)
}

/// Opens the log file for appending: created mode 0600 (it may hold account ids, ARNs and
/// request details), or an existing regular file of its own, left with the mode it has.
pub fn open(path: &Path) -> io::Result<std::fs::File> {
    crate::files::open_append(
        path,
        crate::files::Append {
            read: false,
            hard_links: crate::files::HardLinks::Refuse,
        },
    )
}

/// Sends sagewatch's events to `path` from now on. `/dev/null` keeps no log, as it says: it
/// is accepted and left alone, where any other device is refused.
pub fn init(path: &Path) -> io::Result<()> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    if crate::files::is_dev_null(path) {
        return Ok(());
    }
    let file = open(path)?;
    let spec = std::env::var("SAGEWATCH_LOG").ok();
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::sync::Mutex::new(file))
                .with_ansi(false),
        )
        .with(filter(spec.as_deref()))
        .init();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn other_crates_stay_quiet_unless_asked_for() {
        let trace = filter(Some("trace"));
        assert!(trace.would_enable("sagewatch::source::aws", &Level::TRACE));
        assert!(!trace.would_enable("aws_config::credential_process", &Level::DEBUG));
        assert!(trace.would_enable("aws_config::credential_process", &Level::WARN));
        let all = filter(Some("trace,all"));
        assert!(all.would_enable("aws_config::credential_process", &Level::TRACE));
        let default = filter(None);
        assert!(default.would_enable("sagewatch", &Level::INFO));
        assert!(!default.would_enable("sagewatch", &Level::DEBUG));
    }

    #[test]
    fn a_new_file_is_private_and_an_existing_one_keeps_its_mode() {
        use crate::files::tests::TempDir;
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let t = TempDir::new("log");
        let path = t.join("sagewatch.log");
        open(&path).unwrap();
        assert_eq!(mode(&path), 0o600, "a new file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        open(&path).unwrap();
        assert_eq!(mode(&path), 0o755, "an existing file is not chmodded");
        let link = t.join("link.log");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(open(&link).is_err(), "a symlink is refused");
    }

    #[test]
    fn the_null_device_keeps_no_log_and_is_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let t = crate::files::tests::TempDir::new("log-null");
        let null = crate::files::tests::null_node(&t);
        let mode = || std::fs::metadata(&null).unwrap().permissions().mode();
        let before = mode();
        // Only the check, not `init`: a test must not install the process's subscriber.
        assert!(crate::files::is_dev_null(&null));
        assert!(open(&null).is_err(), "opened as a log, it is refused");
        assert_eq!(mode(), before);
    }
}
