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

/// Opens (or creates) a private file for appending, with mode 0600, also when it already
/// existed with a wider mode: the log and the audit log may hold account ids, ARNs and
/// request details.
pub fn open(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // A symlink planted where the log goes (a shared /tmp) must not redirect it, nor have
    // its target made ours.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path is a symbolic link; give the file itself",
        ));
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        // Also refused at open: a link planted between the check above and here.
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

/// Sends sagewatch's events to `path` from now on.
pub fn init(path: &Path) -> io::Result<()> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
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
    fn the_file_is_private_even_when_it_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("sagewatch-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sagewatch.log");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::remove_file(&path).unwrap();
        let _ = open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a new file too");
        let link = dir.join("link.log");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(open(&link).is_err(), "a symlink is refused");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
