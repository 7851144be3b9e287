//! Opening the files sagewatch writes (log, audit log, exports, saves, history) and the
//! configuration it reads: regular files only, never blocking on a FIFO, the files it writes
//! never through a symbolic link, and a mode set only on a file it has just created.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The mode of every file sagewatch creates: they may hold account ids, ARNs, principals.
const PRIVATE: u32 = 0o600;

/// What a path is when it is not a regular file, for messages: "is a FIFO".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRegular {
    Fifo,
    CharDevice,
    BlockDevice,
    Directory,
    Symlink,
    Socket,
    Other,
}

impl NotRegular {
    /// `None` for a regular file.
    pub fn of(meta: &Metadata) -> Option<Self> {
        let t = meta.file_type();
        let kind = match () {
            _ if t.is_file() => return None,
            _ if t.is_fifo() => Self::Fifo,
            _ if t.is_char_device() => Self::CharDevice,
            _ if t.is_block_device() => Self::BlockDevice,
            _ if t.is_dir() => Self::Directory,
            _ if t.is_symlink() => Self::Symlink,
            _ if t.is_socket() => Self::Socket,
            _ => Self::Other,
        };
        Some(kind)
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Fifo => "a FIFO",
            Self::CharDevice => "a character device",
            Self::BlockDevice => "a block device",
            Self::Directory => "a directory",
            Self::Symlink => "a symbolic link",
            Self::Socket => "a socket",
            Self::Other => "not a regular file",
        }
    }

    /// `is a FIFO, not a regular file`; a symbolic link also says what to give instead.
    pub fn error(self) -> io::Error {
        let message = match self {
            Self::Symlink => "is a symbolic link; give the file itself".to_string(),
            Self::Other => "is not a regular file".to_string(),
            other => format!("is {}, not a regular file", other.noun()),
        };
        io::Error::new(io::ErrorKind::InvalidInput, message)
    }
}

/// Whether a file with other names may be appended to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HardLinks {
    /// Refused: appending would write into every other name, and the file's owner may not
    /// know this name is one of them (an audit record landing in someone else's file).
    Refuse,
    Allow,
}

/// How to open a file for appending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Append {
    /// Also open it for reading (the audit log reads its own last byte).
    pub read: bool,
    pub hard_links: HardLinks,
}

/// Opens `path` for appending. A missing file is created with mode 0600; an existing one must
/// be a regular file with no other name (unless allowed), and keeps its mode and owner. A
/// symbolic link, a FIFO, a device or a directory is refused without being opened for
/// writing, and a FIFO put there after that check cannot block the open.
pub fn open_append(path: &Path, how: Append) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(how.read).append(true);
    // A file removed between "it exists" and opening it: try creating it once more.
    for _ in 0..3 {
        match create(path, &options) {
            Ok(file) => return Ok(file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        match open_existing(path, &options, how.hard_links) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            other => return other,
        }
    }
    Err(io::Error::other(
        "the file keeps appearing and disappearing; another program is changing it",
    ))
}

/// Creates `path` (it must not exist; a symbolic link there counts as existing), mode 0600.
/// Something there that is not a regular file is said for what it is.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    create(path, &options).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            explain_open_error(path, e)
        } else {
            e
        }
    })
}

/// Opens `path` for writing from its start: created 0600 when missing, else emptied if it is
/// a regular file (its mode kept), refused otherwise.
pub fn replace(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    match create(path, &options) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        other => return other,
    }
    let file = open_existing(path, &options, HardLinks::Allow)?;
    file.set_len(0)?;
    Ok(file)
}

/// `O_CREAT | O_EXCL` with mode 0600, then that exact mode whatever the umask kept: the
/// only chmod sagewatch makes, on the file it has just made.
fn create(path: &Path, options: &OpenOptions) -> io::Result<File> {
    let file = options
        .clone()
        .create_new(true)
        .mode(PRIVATE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(PRIVATE))?;
    Ok(file)
}

/// Opens what is already at `path`: checked before opening (so that opening a device has no
/// effect), opened without following a link and without blocking, then checked again on the
/// open file (something may have been swapped in between).
fn open_existing(path: &Path, options: &OpenOptions, hard_links: HardLinks) -> io::Result<File> {
    check(&std::fs::symlink_metadata(path)?, hard_links)?;
    let file = options
        .clone()
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| explain_open_error(path, e))?;
    check(&file.metadata()?, hard_links)?;
    Ok(file)
}

fn check(meta: &Metadata, hard_links: HardLinks) -> io::Result<()> {
    if let Some(kind) = NotRegular::of(meta) {
        return Err(kind.error());
    }
    let others = meta.nlink().saturating_sub(1);
    if hard_links == HardLinks::Refuse && others > 0 {
        let s = if others == 1 { "" } else { "s" };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("has {others} other hard link{s}; give a file of its own"),
        ));
    }
    Ok(())
}

/// `O_NOFOLLOW` on a link fails with ELOOP, and a FIFO with no reader opened `O_NONBLOCK` for
/// writing with ENXIO: say what the path is instead.
fn explain_open_error(path: &Path, e: io::Error) -> io::Error {
    match std::fs::symlink_metadata(path)
        .ok()
        .as_ref()
        .and_then(NotRegular::of)
    {
        Some(kind) => kind.error(),
        None => e,
    }
}

/// How a file given by the user is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// The most bytes read; a larger file is refused.
    pub max_bytes: u64,
    /// Follow a symbolic link (a config file kept in a dotfiles repository) or refuse it (a
    /// file sagewatch itself writes, where a link would be planted).
    pub follow_links: bool,
}

/// The bytes of a regular file of at most `max_bytes`; `None` when nothing is at `path`.
/// A FIFO or a device is refused before it is read from, so neither blocks nor never ends.
pub fn read_capped(path: &Path, limits: ReadLimits) -> io::Result<Option<Vec<u8>>> {
    let meta = if limits.follow_links {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    check_readable(&meta, limits.max_bytes)?;
    let mut flags = libc::O_NONBLOCK;
    if !limits.follow_links {
        flags |= libc::O_NOFOLLOW;
    }
    let file = match OpenOptions::new().read(true).custom_flags(flags).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if limits.follow_links => return Err(e),
        Err(e) => return Err(explain_open_error(path, e)),
    };
    check_readable(&file.metadata()?, limits.max_bytes)?;
    let mut bytes = Vec::new();
    // A file growing while it is read stops at the limit too.
    file.take(limits.max_bytes + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large(limits.max_bytes));
    }
    Ok(Some(bytes))
}

fn check_readable(meta: &Metadata, max_bytes: u64) -> io::Result<()> {
    if let Some(kind) = NotRegular::of(meta) {
        return Err(kind.error());
    }
    if meta.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    Ok(())
}

fn too_large(max_bytes: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "is larger than {}, the most sagewatch reads",
            size(max_bytes)
        ),
    )
}

/// `1 MiB`, `4 KiB`, `100 bytes`.
fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = KIB * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Whether `path` is the null device itself (not a file named like it): writing there
/// keeps nothing, so a log pointed at it is simply not kept.
pub fn is_dev_null(path: &Path) -> bool {
    let (Ok(given), Ok(null)) = (
        std::fs::metadata(path),
        std::fs::symlink_metadata("/dev/null"),
    ) else {
        return false;
    };
    given.file_type().is_char_device()
        && null.file_type().is_char_device()
        && given.rdev() == null.rdev()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fresh directory for one test, removed when dropped.
    pub(crate) struct TempDir(pub PathBuf);

    impl TempDir {
        pub(crate) fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("sagewatch-files-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        pub(crate) fn join(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    pub(crate) fn mkfifo(path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    }

    /// A node of the null device in `dir` as root; else `/dev/null` itself, which a
    /// non-root test cannot change. Root tests never touch the host's own node, even when a
    /// regression would chmod what it is given.
    pub(crate) fn null_node(dir: &TempDir) -> PathBuf {
        use std::os::unix::ffi::OsStrExt;
        if unsafe { libc::geteuid() } != 0 {
            return PathBuf::from("/dev/null");
        }
        let node = dir.join("null");
        let c = std::ffi::CString::new(node.as_os_str().as_bytes()).unwrap();
        let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
        assert_eq!(made, 0, "mknod");
        node
    }

    /// Runs `f` on another thread and fails the test if it has not returned within two
    /// seconds: a FIFO that blocked would otherwise hang the whole run.
    pub(crate) fn within_two_seconds<T: Send + 'static>(
        f: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(2))
            .expect("blocked: still not returned after two seconds")
    }

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    const APPEND: Append = Append {
        read: false,
        hard_links: HardLinks::Refuse,
    };

    fn message(r: io::Result<File>) -> String {
        r.expect_err("refused").to_string()
    }

    #[test]
    fn a_new_file_is_created_0600() {
        let t = TempDir::new("new");
        open_append(&t.join("a.log"), APPEND).unwrap();
        assert_eq!(mode(&t.join("a.log")), 0o600);
        create_new(&t.join("b.csv")).unwrap();
        assert_eq!(mode(&t.join("b.csv")), 0o600);
        replace(&t.join("c.csv")).unwrap();
        assert_eq!(mode(&t.join("c.csv")), 0o600);
    }

    #[test]
    fn an_existing_file_keeps_its_mode_and_is_appended_to() {
        use std::io::Write;
        let t = TempDir::new("mode");
        let script = t.join("script.sh");
        std::fs::write(&script, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        open_append(&script, APPEND)
            .unwrap()
            .write_all(b"x\n")
            .unwrap();
        assert_eq!(mode(&script), 0o755);
        assert_eq!(std::fs::read_to_string(&script).unwrap(), "#!/bin/sh\nx\n");
        replace(&script).unwrap();
        assert_eq!(mode(&script), 0o755, "replacing keeps the mode too");
        assert_eq!(std::fs::read_to_string(&script).unwrap(), "");
    }

    #[test]
    fn a_symlink_is_refused_and_its_target_untouched() {
        let t = TempDir::new("link");
        let target = t.join("target");
        std::fs::write(&target, "keep").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = t.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(message(open_append(&link, APPEND)).contains("is a symbolic link"));
        assert!(message(create_new(&link)).contains("is a symbolic link"));
        assert!(message(replace(&link)).contains("is a symbolic link"));
        let dangling = t.join("dangling");
        std::os::unix::fs::symlink(t.join("nowhere"), &dangling).unwrap();
        assert!(message(open_append(&dangling, APPEND)).contains("is a symbolic link"));
        assert!(!t.join("nowhere").exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert_eq!(mode(&target), 0o644);
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let t = TempDir::new("fifo");
        let fifo = t.join("fifo");
        mkfifo(&fifo);
        let (a, r) = (fifo.clone(), fifo.clone());
        let appended = within_two_seconds(move || message(open_append(&a, APPEND)));
        assert!(appended.contains("is a FIFO"), "{appended}");
        let read = within_two_seconds(move || {
            read_capped(
                &r,
                ReadLimits {
                    max_bytes: 10,
                    follow_links: true,
                },
            )
            .err()
            .map(|e| e.to_string())
        });
        assert!(read.is_some_and(|m| m.contains("is a FIFO")));
        assert_eq!(mode(&fifo), 0o600);
    }

    #[test]
    fn a_device_and_a_directory_are_refused_and_untouched() {
        let t = TempDir::new("device");
        let null = null_node(&t);
        let before = mode(&null);
        let e = message(open_append(&null, APPEND));
        assert!(e.contains("is a character device"), "{e}");
        assert!(message(replace(&null)).contains("is a character device"));
        assert!(message(create_new(&null)).contains("is a character device"));
        assert_eq!(mode(&null), before);
        assert!(message(open_append(&t.0, APPEND)).contains("is a directory"));
    }

    #[test]
    fn a_hard_linked_file_is_refused_unless_allowed() {
        let t = TempDir::new("hard");
        let file = t.join("audit.jsonl");
        std::fs::write(&file, "").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::hard_link(&file, t.join("other")).unwrap();
        let e = message(open_append(&file, APPEND));
        assert!(e.contains("has 1 other hard link;"), "{e}");
        assert_eq!(mode(&t.join("other")), 0o644);
        let allowed = Append {
            read: false,
            hard_links: HardLinks::Allow,
        };
        assert!(open_append(&file, allowed).is_ok());
    }

    #[test]
    fn reading_is_capped() {
        let t = TempDir::new("cap");
        let path = t.join("big.toml");
        std::fs::write(&path, vec![b'#'; 11]).unwrap();
        let limits = ReadLimits {
            max_bytes: 10,
            follow_links: true,
        };
        let e = read_capped(&path, limits).unwrap_err().to_string();
        assert!(e.contains("larger than 10 bytes"), "{e}");
        std::fs::write(&path, vec![b'#'; 10]).unwrap();
        assert_eq!(read_capped(&path, limits).unwrap().unwrap().len(), 10);
        assert_eq!(read_capped(&t.join("none"), limits).unwrap(), None);
        let e = read_capped(Path::new("/dev/zero"), limits)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a character device"), "{e}");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(1024 * 1024), "1 MiB");
        assert_eq!(size(4096), "4 KiB");
        assert_eq!(size(100), "100 bytes");
    }

    #[test]
    fn only_the_null_device_is_the_null_device() {
        let t = TempDir::new("null");
        assert!(is_dev_null(Path::new("/dev/null")));
        assert!(
            is_dev_null(&null_node(&t)),
            "a node of the same device is the same device"
        );
        assert!(!is_dev_null(Path::new("/dev/zero")));
        std::fs::write(t.join("dev-null"), "").unwrap();
        assert!(
            !is_dev_null(&t.join("dev-null")),
            "a file is not the device"
        );
        assert!(!is_dev_null(&t.join("missing")));
    }
}
