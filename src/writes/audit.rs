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
    /// A record that could not be written whole is taken back out (see `append_line`).
    pub fn append(&self, record: &Value) -> io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        if let Some(dir) = self.path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        let mut file = crate::files::open_append(
            &self.path,
            crate::files::Append {
                read: true,
                hard_links: crate::files::HardLinks::Refuse,
            },
        )?;
        // Another console appending, or taking its failed record back, must not do it
        // between this one's length and its write.
        lock(&file)?;
        let mut line = inert_json(record);
        line.push('\n');
        append_line(&mut file, line.as_bytes())
    }
}

/// How long to wait for another sagewatch to finish its record: a write and a sync.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// An exclusive lock on the log, given up after `LOCK_WAIT`: a process holding it for ever
/// must not hang the write (it is refused, with this message, and not sent).
fn lock(file: &std::fs::File) -> io::Result<()> {
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "another process has held the log locked for 2 s",
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// What appending a record needs of the file; a `File`, or in tests a disk that fills up.
pub(crate) trait RecordFile {
    fn len(&mut self) -> io::Result<u64>;
    /// The byte at `offset`.
    fn byte_at(&mut self, offset: u64) -> io::Result<u8>;
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()>;
    fn truncate(&mut self, len: u64) -> io::Result<()>;
    fn sync(&mut self) -> io::Result<()>;
}

impl RecordFile for std::fs::File {
    fn len(&mut self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn byte_at(&mut self, offset: u64) -> io::Result<u8> {
        use std::os::unix::fs::FileExt;
        let mut byte = [0u8];
        self.read_exact_at(&mut byte, offset)?;
        Ok(byte[0])
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        Write::write_all(self, bytes)
    }

    fn truncate(&mut self, len: u64) -> io::Result<()> {
        self.set_len(len)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }
}

/// Appends `line` (one record and its newline) so that the log never holds part of a
/// record where a whole one is expected: a write that fails (a full disk) or a record that
/// cannot be synced is cut back off. If even that fails, the error says a damaged record
/// stayed, and the next append starts on a new line, so every record after it still parses.
pub(crate) fn append_line(file: &mut impl RecordFile, line: &[u8]) -> io::Result<()> {
    let before = file.len()?;
    let mut bytes = Vec::with_capacity(line.len() + 1);
    if before > 0 && file.byte_at(before - 1)? != b'\n' {
        tracing::warn!(
            "the audit log ends inside a damaged record (a write that failed and could not be \
             taken back); the next record starts on a new line"
        );
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(line);
    // One write call per line: appends from two consoles do not interleave mid-line.
    let written = file.write_all(&bytes).and_then(|()| file.sync());
    let Err(e) = written else {
        return Ok(());
    };
    match file.truncate(before) {
        Ok(()) => Err(e),
        Err(cut) => Err(io::Error::new(
            e.kind(),
            format!(
                "{e}; part of the record stayed in the log and could not be taken back \
                 ({cut}): that line is damaged, the next record starts on a new line"
            ),
        )),
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
            // JSON's `\u` takes four hex digits: a character beyond them (the tag characters,
            // U+E0001...) is written as its UTF-16 surrogate pair, as JSON spells it.
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_beyond_four_hex_digits_is_escaped_as_a_surrogate_pair_and_read_back_exactly() {
        // A tag character (invisible, U+E0041) and a zero-width space in an alarm's name.
        let name = "cpu\u{e0041}high\u{200b}";
        let line = inert_json(&serde_json::json!({ "AlarmName": name }));
        assert!(line.contains("\\udb40\\udc41"), "{line}");
        assert!(line.contains("\\u200b"), "{line}");
        assert!(
            !line.chars().any(crate::sanitize::needs_replacing),
            "{line:?}"
        );
        let back: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["AlarmName"], name);
    }
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

    /// A disk with room for `room` more bytes, whose truncation may fail too.
    struct FillingDisk {
        bytes: Vec<u8>,
        room: usize,
        truncate_fails: bool,
    }

    impl FillingDisk {
        fn new(room: usize) -> Self {
            Self {
                bytes: Vec::new(),
                room,
                truncate_fails: false,
            }
        }

        fn lines(&self) -> Vec<String> {
            String::from_utf8(self.bytes.clone())
                .unwrap()
                .lines()
                .map(String::from)
                .collect()
        }
    }

    impl RecordFile for FillingDisk {
        fn len(&mut self) -> io::Result<u64> {
            Ok(self.bytes.len() as u64)
        }

        fn byte_at(&mut self, offset: u64) -> io::Result<u8> {
            Ok(self.bytes[offset as usize])
        }

        fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
            let fits = bytes.len().min(self.room);
            self.bytes.extend_from_slice(&bytes[..fits]);
            self.room -= fits;
            if fits < bytes.len() {
                return Err(io::Error::from(io::ErrorKind::StorageFull));
            }
            Ok(())
        }

        fn truncate(&mut self, len: u64) -> io::Result<()> {
            if self.truncate_fails {
                return Err(io::Error::other("truncate refused"));
            }
            self.bytes.truncate(len as usize);
            Ok(())
        }

        fn sync(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn record(n: u32) -> Vec<u8> {
        let mut line = inert_json(&json!({"phase": "intent", "n": n, "name": "cpu-high"}));
        line.push('\n');
        line.into_bytes()
    }

    fn parses(line: &str) -> bool {
        serde_json::from_str::<Value>(line).is_ok()
    }

    #[test]
    fn a_record_cut_short_by_a_full_disk_is_taken_back_and_the_next_one_parses() {
        let whole = record(1).len();
        // Every place the disk can fill up in the second record, its newline included.
        for room in 0..record(2).len() {
            let mut disk = FillingDisk::new(whole + room);
            append_line(&mut disk, &record(1)).unwrap();
            let e = append_line(&mut disk, &record(2)).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::StorageFull);
            assert_eq!(
                disk.bytes,
                record(1),
                "room {room}: nothing of record 2 stays"
            );
            disk.room = 1000;
            append_line(&mut disk, &record(3)).unwrap();
            let lines = disk.lines();
            assert_eq!(lines.len(), 2, "room {room}: {lines:?}");
            assert!(lines.iter().all(|l| parses(l)), "room {room}: {lines:?}");
        }
    }

    #[test]
    fn a_damaged_record_that_stays_is_said_and_the_next_record_starts_on_a_new_line() {
        let mut disk = FillingDisk::new(record(1).len() + 10);
        disk.truncate_fails = true;
        append_line(&mut disk, &record(1)).unwrap();
        let e = append_line(&mut disk, &record(2)).unwrap_err().to_string();
        assert!(e.contains("could not be taken back"), "{e}");
        assert!(e.contains("next record starts on a new line"), "{e}");
        disk.room = 1000;
        append_line(&mut disk, &record(3)).unwrap();
        let lines = disk.lines();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(parses(&lines[0]) && !parses(&lines[1]) && parses(&lines[2]));
        let third: Value = serde_json::from_str(&lines[2]).unwrap();
        assert_eq!(third["n"], 3);
    }

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn an_existing_log_of_another_mode_is_appended_to_and_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let t = crate::files::tests::TempDir::new("audit-mode");
        let log = AuditLog::new(t.join("audit.jsonl"));
        std::fs::write(log.path(), "").unwrap();
        std::fs::set_permissions(log.path(), std::fs::Permissions::from_mode(0o640)).unwrap();
        log.append(&json!({"n": 1})).unwrap();
        assert_eq!(mode(log.path()), 0o640);
        assert_eq!(std::fs::read_to_string(log.path()).unwrap(), "{\"n\":1}\n");
    }

    #[test]
    fn a_fifo_log_is_refused_without_blocking() {
        let t = crate::files::tests::TempDir::new("audit-fifo");
        let path = t.join("audit.jsonl");
        crate::files::tests::mkfifo(&path);
        let log = AuditLog::new(path.clone());
        let e = crate::files::tests::within_two_seconds(move || log.append(&json!({})))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a FIFO"), "{e}");
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn a_device_node_log_is_refused_and_left_alone() {
        let t = crate::files::tests::TempDir::new("audit-dev");
        let node = crate::files::tests::null_node(&t);
        let before = mode(&node);
        let e = AuditLog::new(node.clone())
            .append(&json!({}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a character device"), "{e}");
        assert_eq!(mode(&node), before);
    }

    #[test]
    fn a_hard_linked_log_is_refused_and_its_other_name_untouched() {
        use std::os::unix::fs::PermissionsExt;
        let t = crate::files::tests::TempDir::new("audit-hard");
        let other = t.join("someone-elses.txt");
        std::fs::write(&other, "theirs\n").unwrap();
        std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).unwrap();
        let log = AuditLog::new(t.join("audit.jsonl"));
        std::fs::hard_link(&other, log.path()).unwrap();
        let e = log.append(&json!({})).unwrap_err().to_string();
        assert!(e.contains("has 1 other hard link"), "{e}");
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "theirs\n");
        assert_eq!(mode(&other), 0o644);
    }
}
