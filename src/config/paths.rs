//! Where `config.toml` is: `--config` > `SAGEWATCH_CONFIG` > XDG > `~/.config`. The process
//! environment is read only by `Env::from_process`, so tests pass their own.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variables configuration depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    pub sagewatch_config: Option<OsString>,
    pub xdg_config_home: Option<OsString>,
    pub home: Option<OsString>,
    pub no_color: Option<OsString>,
}

impl Env {
    pub fn from_process() -> Self {
        Self {
            sagewatch_config: std::env::var_os("SAGEWATCH_CONFIG"),
            xdg_config_home: std::env::var_os("XDG_CONFIG_HOME"),
            home: std::env::var_os("HOME"),
            no_color: std::env::var_os("NO_COLOR"),
        }
    }

    /// <https://no-color.org>: set and non-empty.
    pub fn no_color(&self) -> bool {
        self.no_color.as_ref().is_some_and(|v| !v.is_empty())
    }
}

/// Where the config file is looked for, and whether it was asked for by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    pub path: PathBuf,
    /// Named by `--config` or `SAGEWATCH_CONFIG`: a missing file is then an error, since the
    /// user clearly meant a file to be there.
    pub explicit: bool,
}

impl ConfigLocation {
    /// The directory user themes and keymaps live in: the config file's own.
    pub fn dir(&self) -> Option<&Path> {
        self.path.parent()
    }
}

/// `None` when there is nowhere to look (no HOME, no XDG_CONFIG_HOME): defaults apply.
pub fn config_location(flag: Option<&Path>, env: &Env) -> Option<ConfigLocation> {
    let explicit = |path: PathBuf| ConfigLocation {
        path,
        explicit: true,
    };
    if let Some(p) = flag {
        return Some(explicit(p.to_path_buf()));
    }
    if let Some(p) = non_empty(&env.sagewatch_config) {
        return Some(explicit(PathBuf::from(p)));
    }
    // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    let base = non_empty(&env.xdg_config_home)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| non_empty(&env.home).map(|h| PathBuf::from(h).join(".config")))?;
    Some(ConfigLocation {
        path: base.join("sagewatch").join("config.toml"),
        explicit: false,
    })
}

fn non_empty(v: &Option<OsString>) -> Option<&OsString> {
    v.as_ref().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(sc: Option<&str>, xdg: Option<&str>, home: Option<&str>) -> Env {
        Env {
            sagewatch_config: sc.map(OsString::from),
            xdg_config_home: xdg.map(OsString::from),
            home: home.map(OsString::from),
            no_color: None,
        }
    }

    fn path(flag: Option<&str>, e: &Env) -> Option<(String, bool)> {
        config_location(flag.map(Path::new), e).map(|l| (l.path.display().to_string(), l.explicit))
    }

    #[test]
    fn precedence_flag_env_xdg_home() {
        let all = env(Some("/e/c.toml"), Some("/xdg"), Some("/home/u"));
        assert_eq!(path(Some("/f.toml"), &all), Some(("/f.toml".into(), true)));
        assert_eq!(path(None, &all), Some(("/e/c.toml".into(), true)));
        let no_sc = env(None, Some("/xdg"), Some("/home/u"));
        assert_eq!(
            path(None, &no_sc),
            Some(("/xdg/sagewatch/config.toml".into(), false))
        );
        let home_only = env(None, None, Some("/home/u"));
        assert_eq!(
            path(None, &home_only),
            Some(("/home/u/.config/sagewatch/config.toml".into(), false))
        );
        assert_eq!(path(None, &env(None, None, None)), None);
    }

    #[test]
    fn empty_and_relative_values_are_ignored() {
        let e = env(Some(""), Some("relative/xdg"), Some("/home/u"));
        assert_eq!(
            path(None, &e),
            Some(("/home/u/.config/sagewatch/config.toml".into(), false))
        );
    }

    #[test]
    fn no_color_needs_a_non_empty_value() {
        let mut e = Env::default();
        assert!(!e.no_color());
        e.no_color = Some(OsString::new());
        assert!(!e.no_color());
        e.no_color = Some("1".into());
        assert!(e.no_color());
    }
}
