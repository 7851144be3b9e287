//! Finding theme and keymap files by name and following their `base = "..."` chains, shared by
//! themes and keymaps so both resolve names the same way.

use super::error::{ConfigError, Source};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A file kind that can start from another file of the same kind.
pub(crate) trait LayerFile {
    fn base(&self) -> Option<&Spanned<String>>;

    /// Checks serde could not locate precisely (values inside arrays), run after parsing.
    fn check(&self, _src: &Source) -> Result<(), ConfigError> {
        Ok(())
    }
}

/// `base = "none"`: start from nothing instead of from another file.
pub const NO_BASE: &str = "none";

/// Where files of one kind live: compiled in, and in a user directory.
pub(crate) struct Catalog {
    /// "theme" or "keymap", for messages.
    pub kind: &'static str,
    /// "themes" or "keymaps": the directory name, both shipped and under the config dir.
    pub subdir: &'static str,
    pub shipped: &'static [(&'static str, &'static str)],
    /// What a user file without `base` (and without a shipped namesake) starts from.
    pub default: &'static str,
    pub user_dir: Option<PathBuf>,
}

/// One file of a chain, with the name it is known by.
pub(crate) struct Layer<T> {
    pub source: Source,
    pub file: T,
}

/// A file to resolve: found by name or given as a path.
pub(crate) struct Top {
    pub name: String,
    pub source: Source,
    /// Shipped files without `base` are complete; user files without `base` extend one.
    pub user: bool,
}

/// `NAME|PATH` as given to `--theme`/`--keymap`: a path contains `/` or ends in `.toml`.
pub fn is_path(s: &str) -> bool {
    s.contains('/') || s.ends_with(".toml")
}

/// The most sagewatch reads of a config, theme or keymap file: far more than any real one,
/// and little enough that `--config /dev/zero`'s like cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A configuration file's text; `None` when it does not exist. Only a regular file of at
/// most `MAX_FILE_BYTES` is read (a FIFO would block, a device never end); a symbolic link
/// is followed, as dotfiles are often kept elsewhere.
pub(crate) fn read_source(path: &Path) -> Result<Option<Source>, ConfigError> {
    let name = path.display().to_string();
    let limits = crate::files::ReadLimits {
        max_bytes: MAX_FILE_BYTES,
        follow_links: true,
    };
    let error = |message: String| ConfigError::File {
        file: name.clone(),
        message,
    };
    let bytes = match crate::files::read_capped(path, limits) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(None),
        // What the file is, or its size: said as is.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData
            ) =>
        {
            return Err(error(e.to_string()));
        }
        Err(e) => return Err(error(format!("cannot read: {e}"))),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        error(format!(
            "not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Some(Source::new(name, text)))
}

impl Catalog {
    pub fn shipped_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.shipped.iter().map(|(n, _)| *n)
    }

    pub fn shipped_top(&self, name: &str) -> Option<Top> {
        self.shipped
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Top {
                name: n.to_string(),
                source: Source::new(format!("<embedded>/{}/{n}.toml", self.subdir), *text),
                user: false,
            })
    }

    pub fn user_top(&self, name: &str) -> Result<Option<Top>, ConfigError> {
        let Some(dir) = &self.user_dir else {
            return Ok(None);
        };
        // A name with a separator would escape the directory; such a name is not a user file.
        if name.contains(['/', '\\']) || name.is_empty() {
            return Ok(None);
        }
        Ok(
            read_source(&dir.join(format!("{name}.toml")))?.map(|source| Top {
                name: name.to_string(),
                source,
                user: true,
            }),
        )
    }

    /// A user file shadows a shipped file of the same name (and extends it, see `chain`).
    pub fn by_name(&self, name: &str) -> Result<Option<Top>, ConfigError> {
        Ok(self.user_top(name)?.or_else(|| self.shipped_top(name)))
    }

    /// The file at a path given on the command line; its name is the file stem.
    pub fn by_path(&self, flag: &str, path: &Path) -> Result<Top, ConfigError> {
        let source = read_source(path)?.ok_or_else(|| ConfigError::Flag {
            flag: flag.to_string(),
            message: format!("{} file {} does not exist", self.kind, path.display()),
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.kind.to_string());
        Ok(Top {
            name,
            source,
            user: true,
        })
    }

    /// `NAME|PATH` from the command line.
    pub fn by_flag(&self, flag: &str, value: &str) -> Result<Top, ConfigError> {
        if is_path(value) {
            return self.by_path(flag, Path::new(value));
        }
        self.by_name(value)?.ok_or_else(|| ConfigError::Flag {
            flag: flag.to_string(),
            message: self.unknown(value),
        })
    }

    pub fn unknown(&self, name: &str) -> String {
        let mut names: Vec<String> = self.shipped_names().map(String::from).collect();
        names.extend(self.user_names().unwrap_or_default());
        names.sort();
        names.dedup();
        format!(
            "unknown {} `{name}`; available: {}",
            self.kind,
            names.join(", ")
        )
    }

    /// Names of the `*.toml` files in the user directory, sorted; none if it does not exist.
    pub fn user_names(&self) -> Result<Vec<String>, ConfigError> {
        let Some(dir) = &self.user_dir else {
            return Ok(Vec::new());
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(ConfigError::File {
                    file: dir.display().to_string(),
                    message: format!("cannot list: {e}"),
                });
            }
        };
        let mut names = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                names.push(stem.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Parses `top` and the files its `base` chain names, top first. The chain ends at a
    /// shipped file without `base`, or at `base = "none"`.
    pub fn chain<T: DeserializeOwned + LayerFile>(
        &self,
        top: Top,
    ) -> Result<Vec<Layer<T>>, ConfigError> {
        let mut layers: Vec<Layer<T>> = Vec::new();
        let mut seen: Vec<(bool, String)> = Vec::new();
        let mut current = top;
        loop {
            let file: T = current.source.parse()?;
            file.check(&current.source)?;
            seen.push((current.user, current.name.clone()));
            let next = match file.base() {
                Some(base) if base.get_ref() == NO_BASE => None,
                Some(base) => {
                    let wanted = base.get_ref().as_str();
                    // A user file naming its own name means the shipped one it shadows.
                    let found = if current.user && wanted == current.name {
                        self.shipped_top(wanted)
                    } else {
                        self.by_name(wanted)?
                    };
                    let err = |msg: String| current.source.error_at(base.span(), msg);
                    let Some(next) = found else {
                        return Err(err(self.unknown(wanted)));
                    };
                    if seen.contains(&(next.user, next.name.clone())) {
                        return Err(err(format!(
                            "`base = \"{wanted}\"` loops back to a {} already in the chain",
                            self.kind
                        )));
                    }
                    Some(next)
                }
                None if current.user => self
                    .shipped_top(&current.name)
                    .or_else(|| self.shipped_top(self.default)),
                None => None,
            };
            layers.push(Layer {
                source: current.source,
                file,
            });
            match next {
                Some(n) => current = n,
                None => return Ok(layers),
            }
        }
    }
}
