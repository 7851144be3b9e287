//! The trail view's query history: the last 50 queries (filter or raw SQL), newest first,
//! kept across restarts in `$XDG_STATE_HOME/sagewatch/trail-history.json` (next to the audit
//! log), written atomically and never through a symlink. The file is read as hostile: a
//! broken one costs the history, never the console.

use crate::sanitize::Sanitize;
use crate::source::model::Epoch;
use crate::source::trail::{QueryState, price_usd};
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many queries are kept.
pub const MAX_ENTRIES: usize = 50;

/// The file's name, in the same directory as the audit log.
pub const FILE_NAME: &str = "trail-history.json";

/// A larger file is not ours (50 entries are a few tens of KB): it is not read at all.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A longer query text is cut on load: the prompt never produces one, and a hostile file
/// must not make every draw of the history list expensive.
const MAX_TEXT_CHARS: usize = 10_000;

const VERSION: u32 = 1;

/// One query that ran to an end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The filter as typed, or the raw SQL; one line (see `History::push`).
    pub text: String,
    /// `text` is raw SQL (`:sql`), not a filter.
    pub raw: bool,
    /// When it started, in epoch seconds.
    pub started: Epoch,
    pub rows: u64,
    pub scanned_bytes: u64,
    /// Athena reused an earlier identical query's results: nothing was scanned or billed.
    pub reused: bool,
    /// SUCCEEDED, FAILED or CANCELLED.
    pub state: QueryState,
    /// Athena's reason, for a failure.
    pub reason: Option<String>,
}

impl Entry {
    /// What the query cost, derived (never stored) so it follows `price_usd`. Athena bills
    /// neither failed queries nor reused results; a cancelled one pays for what it scanned.
    pub fn cost_usd(&self) -> f64 {
        if self.reused || self.state == QueryState::Failed {
            0.0
        } else {
            price_usd(self.scanned_bytes)
        }
    }
}

impl Sanitize for Entry {
    fn sanitize(&mut self) {
        self.text.sanitize();
        self.reason.sanitize();
    }
}

/// The entries as the file holds them.
#[derive(Serialize, Deserialize)]
struct FileEntry {
    text: String,
    #[serde(default)]
    raw: bool,
    started: Epoch,
    #[serde(default)]
    rows: u64,
    #[serde(default)]
    scanned_bytes: u64,
    #[serde(default)]
    reused: bool,
    state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct HistoryFile {
    version: u32,
    /// Each entry is read on its own, so one bad entry does not cost the others.
    entries: Vec<serde_json::Value>,
}

fn final_state(s: &str) -> Option<QueryState> {
    match s {
        "SUCCEEDED" => Some(QueryState::Succeeded),
        "FAILED" => Some(QueryState::Failed),
        "CANCELLED" => Some(QueryState::Cancelled),
        _ => None,
    }
}

impl FileEntry {
    fn into_entry(self) -> Option<Entry> {
        let mut e = Entry {
            text: self.text.chars().take(MAX_TEXT_CHARS).collect(),
            raw: self.raw,
            started: self.started,
            rows: self.rows,
            scanned_bytes: self.scanned_bytes,
            reused: self.reused,
            state: final_state(&self.state)?,
            reason: self.reason,
        };
        e.sanitize();
        (!e.text.trim().is_empty()).then_some(e)
    }

    fn from_entry(e: &Entry) -> Self {
        Self {
            text: e.text.clone(),
            raw: e.raw,
            started: e.started,
            rows: e.rows,
            scanned_bytes: e.scanned_bytes,
            reused: e.reused,
            state: e.state.as_str().to_string(),
            reason: e.reason.clone(),
        }
    }
}

/// `$XDG_STATE_HOME/sagewatch/trail-history.json`, else
/// `~/.local/state/sagewatch/trail-history.json`: the audit log's directory. `None`
/// without either variable (the history then lives in memory only).
pub fn default_path(xdg_state_home: Option<&Path>, home: Option<&Path>) -> Option<PathBuf> {
    crate::writes::audit::default_path(xdg_state_home, home).map(|p| p.with_file_name(FILE_NAME))
}

/// `default_path` from the process's environment.
pub fn path_from_env() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    default_path(xdg.as_deref(), home.as_deref())
}

/// The last queries, newest first, and the file they are kept in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl History {
    /// An empty history that `save` will write to `path`.
    pub fn empty(path: PathBuf) -> Self {
        Self {
            path,
            entries: Vec::new(),
        }
    }

    /// Reads the history at `path`. A missing file is an empty history; an unreadable or
    /// corrupt one too, with a warning (one line, naming the file) to show the user. Bad
    /// entries are left out, the others kept. Every string is sanitised.
    pub fn load(path: &Path) -> (History, Option<String>) {
        let mut history = History::empty(path.to_path_buf());
        let warn = |what: &str| {
            Some(crate::sanitize::clean(&format!("{}: {what}", path.display())).into_owned())
        };
        let text = match read_private(path) {
            Ok(Some(text)) => text,
            Ok(None) => return (history, None),
            Err(e) => {
                return (
                    history,
                    warn(&format!("query history not read ({e}); starting empty")),
                );
            }
        };
        let file: HistoryFile = match serde_json::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                return (
                    history,
                    warn(&format!(
                        "query history is corrupt ({e}); starting empty, the file is \
                         replaced at the next query"
                    )),
                );
            }
        };
        if file.version != VERSION {
            return (
                history,
                warn(&format!(
                    "query history has version {}, expected {VERSION}; starting empty",
                    file.version
                )),
            );
        }
        let mut skipped = 0usize;
        for value in file.entries {
            let entry = serde_json::from_value::<FileEntry>(value)
                .ok()
                .and_then(FileEntry::into_entry);
            match entry {
                Some(e) if history.entries.len() < MAX_ENTRIES => {
                    // A hand-edited file may repeat a query: the first (newest) wins.
                    if !history.entries.iter().any(|h| same_query(h, &e)) {
                        history.entries.push(e);
                    }
                }
                Some(_) => {}
                None => skipped += 1,
            }
        }
        let warning =
            (skipped > 0).then(|| format!("{skipped} unreadable query history entries left out"));
        (history, warning.and_then(|w| warn(&w)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Newest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Puts `entry` on top. The same query run again replaces its earlier entry (it moves to
    /// the top with the new figures); beyond `MAX_ENTRIES` the oldest goes. The text is
    /// sanitised (one line: the prompt it came from is one line) so that what is in memory
    /// is what the next start reads back.
    pub fn push(&mut self, entry: Entry) {
        push_entry(&mut self.entries, entry);
    }

    /// A history of `entries` (newest first, as `push` keeps them) that `save` writes to
    /// `path`.
    pub fn with_entries(path: PathBuf, entries: Vec<Entry>) -> Self {
        Self { path, entries }
    }

    /// Writes the history: a private temporary file in the same directory, synced, then
    /// renamed over the old one, so a crash leaves the old file or the new one, never half
    /// of one. The directory is created 0700; a symlink where the file goes is refused.
    pub fn save(&self) -> io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        // Whatever is there is replaced by the rename, which is harmless for a regular file
        // only; a symlink is refused rather than replaced, so the user sees the trap.
        if let Some(kind) = std::fs::symlink_metadata(&self.path)
            .ok()
            .as_ref()
            .and_then(crate::files::NotRegular::of)
        {
            return Err(kind.error());
        }
        let file = HistoryFile {
            version: VERSION,
            entries: self
                .entries
                .iter()
                .map(|e| serde_json::to_value(FileEntry::from_entry(e)))
                .collect::<Result<_, _>>()?,
        };
        let mut text = crate::writes::audit::inert_json_pretty(&serde_json::to_value(&file)?);
        text.push('\n');
        let tmp = dir.join(format!(
            ".{FILE_NAME}.{}.{}.tmp",
            std::process::id(),
            unique()
        ));
        let written = (|| {
            let mut f = crate::files::create_new(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_data()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }
}

/// The same query: the same text in the same mode.
/// `History::push` on a plain list (the view keeps its own, and saves it through a worker).
pub fn push_entry(entries: &mut Vec<Entry>, mut entry: Entry) {
    entry.sanitize();
    entries.retain(|e| !same_query(e, &entry));
    entries.insert(0, entry);
    entries.truncate(MAX_ENTRIES);
}

fn same_query(a: &Entry, b: &Entry) -> bool {
    a.raw == b.raw && a.text == b.text
}

/// A number no other save of this process has used, for the temporary file's name.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The file's text; `None` when it does not exist. Only a regular file, never through a
/// symlink, never more than `MAX_FILE_BYTES`, never blocking on a FIFO.
fn read_private(path: &Path) -> io::Result<Option<String>> {
    let limits = crate::files::ReadLimits {
        max_bytes: MAX_FILE_BYTES,
        follow_links: false,
    };
    let Some(bytes) = crate::files::read_capped(path, limits)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory for one test, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir()
                .join(format!("sagewatch-history-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn entry(text: &str, started: Epoch) -> Entry {
        Entry {
            text: text.into(),
            raw: false,
            started,
            rows: 12,
            scanned_bytes: 3_000_000,
            reused: false,
            state: QueryState::Succeeded,
            reason: None,
        }
    }

    #[test]
    fn the_history_lives_next_to_the_audit_log() {
        assert_eq!(
            default_path(Some(Path::new("/s")), Some(Path::new("/h"))),
            Some(PathBuf::from("/s/sagewatch/trail-history.json"))
        );
        assert_eq!(
            default_path(None, Some(Path::new("/h"))),
            Some(PathBuf::from(
                "/h/.local/state/sagewatch/trail-history.json"
            ))
        );
        assert_eq!(default_path(None, None), None);
    }

    #[test]
    fn a_missing_file_is_an_empty_history_without_warning() {
        let dir = TempDir::new("missing");
        let (h, warning) = History::load(&dir.0.join("nothing.json"));
        assert!(h.is_empty());
        assert_eq!(warning, None);
    }

    #[test]
    fn saved_entries_come_back_newest_first_with_every_field() {
        let dir = TempDir::new("roundtrip");
        let path = dir.0.join("state/sagewatch").join(FILE_NAME);
        let mut h = History::empty(path.clone());
        h.push(entry("event:CreateEndpoint", 100));
        h.push(Entry {
            text: "SELECT 1".into(),
            raw: true,
            state: QueryState::Failed,
            reason: Some("SYNTAX_ERROR: line 1:8".into()),
            ..entry("", 200)
        });
        h.save().unwrap();
        let (back, warning) = History::load(&path);
        assert_eq!(warning, None);
        assert_eq!(back, h);
        assert_eq!(back.entries()[0].text, "SELECT 1");
        assert!(back.entries()[0].raw);
        assert_eq!(back.entries()[1].started, 100);
        assert_eq!(back.entries()[1].rows, 12);
        assert_eq!(back.entries()[1].scanned_bytes, 3_000_000);
    }

    #[test]
    fn the_file_and_its_new_directory_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new("modes");
        let path = dir.0.join("new/sagewatch").join(FILE_NAME);
        let mut h = History::empty(path.clone());
        h.push(entry("user:alice", 1));
        h.save().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        // Saved again: replaced, and no temporary file is left behind.
        h.save().unwrap();
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
    }

    #[test]
    fn the_same_query_again_moves_to_the_top_with_its_new_figures() {
        let mut h = History::empty(PathBuf::from("unused"));
        h.push(entry("a", 1));
        h.push(entry("b", 2));
        h.push(Entry {
            rows: 99,
            ..entry("a", 3)
        });
        let texts: Vec<&str> = h.entries().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"]);
        assert_eq!(h.entries()[0].rows, 99);
        // The same words as raw SQL are another query.
        h.push(Entry {
            raw: true,
            ..entry("b", 4)
        });
        assert_eq!(h.entries().len(), 3);
    }

    #[test]
    fn the_history_keeps_the_fifty_newest() {
        let mut h = History::empty(PathBuf::from("unused"));
        for i in 0..60 {
            h.push(entry(&format!("event:E{i}"), i));
        }
        assert_eq!(h.entries().len(), MAX_ENTRIES);
        assert_eq!(h.entries()[0].text, "event:E59");
        assert_eq!(h.entries()[MAX_ENTRIES - 1].text, "event:E10");
    }

    #[test]
    fn a_corrupt_file_is_an_empty_history_and_a_warning_naming_it() {
        let dir = TempDir::new("corrupt");
        let path = dir.0.join(FILE_NAME);
        for bad in [
            &b"{not json"[..],
            b"[]",
            b"{\"version\": 7, \"entries\": []}",
            b"\xff\xfe\x00garbage",
            b"",
        ] {
            std::fs::write(&path, bad).unwrap();
            let (h, warning) = History::load(&path);
            assert!(h.is_empty());
            let w = warning.unwrap_or_else(|| panic!("no warning for {bad:?}"));
            assert!(w.contains(&path.display().to_string()), "{w}");
            assert!(!w.chars().any(crate::sanitize::needs_replacing), "{w:?}");
        }
    }

    #[test]
    fn a_huge_file_is_not_read() {
        let dir = TempDir::new("huge");
        let path = dir.0.join(FILE_NAME);
        std::fs::write(&path, vec![b' '; (MAX_FILE_BYTES + 10) as usize]).unwrap();
        let (h, warning) = History::load(&path);
        assert!(h.is_empty());
        assert!(warning.unwrap().contains("larger than"));
    }

    #[test]
    fn bad_entries_are_left_out_and_the_good_ones_kept() {
        let dir = TempDir::new("entries");
        let path = dir.0.join(FILE_NAME);
        let text = r#"{"version": 1, "entries": [
            {"text": "event:A", "started": 1, "state": "SUCCEEDED"},
            {"text": "event:B", "started": 2, "state": "RUNNING"},
            {"text": 5, "started": 3, "state": "FAILED"},
            {"text": "   ", "started": 4, "state": "FAILED"},
            {"text": "event:C", "started": -5, "rows": 2, "state": "CANCELLED"}
        ]}"#;
        std::fs::write(&path, text).unwrap();
        let (h, warning) = History::load(&path);
        let texts: Vec<&str> = h.entries().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["event:A", "event:C"]);
        assert_eq!(h.entries()[1].state, QueryState::Cancelled);
        assert!(warning.unwrap().contains("3 unreadable"));
    }

    #[test]
    fn hostile_strings_are_sanitised_on_load() {
        let dir = TempDir::new("hostile");
        let path = dir.0.join(FILE_NAME);
        let text = format!(
            r#"{{"version": 1, "entries": [{{"text": "user:a\u001b]52;c;AAAA\u0007\u202e", "started": 1, "state": "FAILED", "reason": "x\u009b31m\ny"}}, {{"text": "{}", "started": 2, "state": "SUCCEEDED"}}]}}"#,
            "x".repeat(MAX_TEXT_CHARS + 50)
        );
        std::fs::write(&path, text).unwrap();
        let (h, warning) = History::load(&path);
        assert_eq!(warning, None);
        let e = &h.entries()[0];
        assert!(
            !e.text.chars().any(crate::sanitize::needs_replacing),
            "{e:?}"
        );
        assert!(e.text.starts_with("user:a"));
        let reason = e.reason.as_deref().unwrap();
        assert!(!reason.chars().any(crate::sanitize::needs_replacing));
        assert_eq!(h.entries()[1].text.chars().count(), MAX_TEXT_CHARS);
    }

    #[test]
    fn pushed_text_is_sanitised_too() {
        let mut h = History::empty(PathBuf::from("unused"));
        h.push(entry("a\u{1b}[2Jb\nc", 1));
        assert_eq!(h.entries()[0].text, "a\u{FFFD}[2Jb c");
    }

    #[test]
    fn symlinks_are_refused_both_ways() {
        let dir = TempDir::new("symlink");
        let target = dir.0.join("elsewhere.json");
        let path = dir.0.join(FILE_NAME);
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let mut h = History::empty(path.clone());
        h.push(entry("a", 1));
        assert!(h.save().is_err());
        assert!(!target.exists());
        // Reading through a link to a real history is refused as well.
        History::empty(target.clone()).save().unwrap();
        let (loaded, warning) = History::load(&path);
        assert!(loaded.is_empty());
        assert!(warning.unwrap().contains("symbolic link"));
    }

    #[test]
    fn a_fifo_history_is_not_read_and_does_not_block() {
        let dir = TempDir::new("fifo");
        let path = dir.0.join(FILE_NAME);
        crate::files::tests::mkfifo(&path);
        let p = path.clone();
        let (h, warning) = crate::files::tests::within_two_seconds(move || History::load(&p));
        assert!(h.is_empty());
        assert!(warning.unwrap().contains("is a FIFO"));
        let mut h = History::empty(path.clone());
        h.push(entry("a", 1));
        let e = h.save().unwrap_err().to_string();
        assert!(e.contains("is a FIFO"), "{e}");
    }

    #[test]
    fn cost_follows_the_price_and_is_zero_when_athena_bills_nothing() {
        let e = entry("a", 1);
        assert_eq!(e.cost_usd(), price_usd(3_000_000));
        assert!(e.cost_usd() > 0.0);
        let failed = Entry {
            state: QueryState::Failed,
            ..entry("a", 1)
        };
        assert_eq!(failed.cost_usd(), 0.0);
        let reused = Entry {
            reused: true,
            ..entry("a", 1)
        };
        assert_eq!(reused.cost_usd(), 0.0);
        let cancelled = Entry {
            state: QueryState::Cancelled,
            scanned_bytes: 50_000_000,
            ..entry("a", 1)
        };
        assert_eq!(cancelled.cost_usd(), price_usd(50_000_000));
    }
}
