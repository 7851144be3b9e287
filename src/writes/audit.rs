//! The audit log: one JSON line per mutating request before it is sent (its intent), and one
//! after (its outcome), in `$XDG_STATE_HOME/sagewatch/audit.jsonl`, mode 0600. The intent is
//! flushed to disk before the call: a crash mid-call still leaves the attempt on record.
//!
//! Lines are safe to `cat`: every character the terminal would act on (C0, C1, bidi
//! overrides) is written as a `\uXXXX` escape, so identifiers stay exact and the file stays
//! inert.

use serde_json::Value;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLog {
    path: PathBuf,
}

/// Where the audit log goes: `$XDG_STATE_HOME/sagewatch/audit.jsonl`, else
/// `~/.local/state/sagewatch/audit.jsonl`; `None` without either variable.
pub fn default_path(xdg_state_home: Option<&Path>, home: Option<&Path>) -> Option<PathBuf> {
    let state = match (xdg_state_home, home) {
        (Some(x), _) if x.is_absolute() => x.to_path_buf(),
        (_, Some(h)) => h.join(".local/state"),
        _ => return None,
    };
    Some(state.join("sagewatch").join("audit.jsonl"))
}

impl AuditLog {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    /// The log at the process's default place.
    pub fn from_env() -> Option<Self> {
        let xdg = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from);
        let home = std::env::var_os("HOME").map(PathBuf::from);
        default_path(xdg.as_deref(), home.as_deref()).map(Self::new)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and waits until it is on disk. The file is opened for each record,
    /// so a rotated or removed log is recreated, and an unwritable one is noticed every time.
    pub fn append(&self, record: &Value) -> io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        if let Some(dir) = self.path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        // Private, appended to, and never through a symlink planted where the log goes.
        let mut file = crate::logging::open(&self.path)?;
        let mut line = inert_json(record);
        line.push('\n');
        // One write call per line: appends from two consoles do not interleave mid-line.
        file.write_all(line.as_bytes())?;
        file.sync_data()
    }
}

/// JSON with every character a terminal could act on escaped as `\uXXXX`. Outside strings
/// JSON is plain ASCII, so escaping character by character cannot change the structure.
pub fn inert_json(value: &Value) -> String {
    escape(&value.to_string(), false)
}

/// `inert_json`, pretty-printed, for `--json` output. Pretty printing puts newlines only
/// between tokens (inside strings they are already `\n`): those stay.
pub fn inert_json_pretty(value: &Value) -> String {
    escape(
        &serde_json::to_string_pretty(value).unwrap_or_default(),
        true,
    )
}

fn escape(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if crate::sanitize::needs_replacing(c) && !(keep_newlines && c == '\n') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_log_lives_under_the_xdg_state_home_or_the_home() {
        assert_eq!(
            default_path(Some(Path::new("/s")), Some(Path::new("/h"))),
            Some(PathBuf::from("/s/sagewatch/audit.jsonl"))
        );
        assert_eq!(
            default_path(None, Some(Path::new("/h"))),
            Some(PathBuf::from("/h/.local/state/sagewatch/audit.jsonl"))
        );
        // A relative XDG path is invalid per the spec: ignored.
        assert_eq!(
            default_path(Some(Path::new("rel")), Some(Path::new("/h"))),
            Some(PathBuf::from("/h/.local/state/sagewatch/audit.jsonl"))
        );
        assert_eq!(default_path(None, None), None);
    }

    #[test]
    fn records_are_appended_as_lines_with_mode_0600_and_hostile_characters_escaped() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("sagewatch-audit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = AuditLog::new(dir.join("sub/audit.jsonl"));
        log.append(&json!({"name": "evil\u{1b}[2J\u{202e}x"}))
            .unwrap();
        log.append(&json!({"n": 2})).unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
        // The exact identifier survives the escaping.
        let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["name"], "evil\u{1b}[2J\u{202e}x");
        let mode = std::fs::metadata(log.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_symlinked_log_is_refused() {
        let dir = std::env::temp_dir().join(format!("sagewatch-audit-l-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join("audit.jsonl")).unwrap();
        let log = AuditLog::new(dir.join("audit.jsonl"));
        assert!(log.append(&json!({})).is_err());
        assert!(!dir.join("elsewhere").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
