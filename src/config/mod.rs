//! Configuration: `config.toml`, themes and keymaps; embedded defaults plus user overrides.
//! `load` is the one entry point: main calls it before touching the terminal.

pub mod error;
pub mod file;
pub mod keymap;
pub mod keymap_file;
mod layers;
pub mod paths;
pub mod theme;
pub mod theme_file;

pub use error::ConfigError;
pub use file::{AccountConfig, Config, QualityMetricsConfig, Topology};
pub use paths::Env;

use error::Source;
use keymap::Keymap;
use std::path::{Path, PathBuf};
use theme::Theme;

/// Everything configuration decides, resolved and checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    /// The config file that was read; `None` when defaults were used.
    pub config_path: Option<PathBuf>,
    /// The active theme; `Theme::monochrome()` when `NO_COLOR` is set.
    pub theme: Theme,
    /// Every theme `:theme NAME` can switch to: shipped, then user themes, fully resolved.
    pub themes: Vec<Theme>,
    pub keymap: Keymap,
}

/// Command-line values that take precedence over the environment and `config.toml`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides<'a> {
    /// `--config PATH`.
    pub config_path: Option<&'a Path>,
    /// `--theme NAME|PATH` (a path contains `/` or ends in `.toml`).
    pub theme: Option<&'a str>,
    /// `--keymap NAME|PATH`.
    pub keymap: Option<&'a str>,
}

pub fn theme_by_name<'t>(themes: &'t [Theme], name: &str) -> Option<&'t Theme> {
    themes.iter().find(|t| t.name == name)
}

pub fn load(overrides: &Overrides, env: &Env) -> Result<Settings, ConfigError> {
    let location = paths::config_location(overrides.config_path, env);
    let mut config = Config::default();
    let mut spans = file::ConfigSpans::default();
    let mut config_source: Option<Source> = None;
    if let Some(loc) = &location {
        match layers::read_source(&loc.path)? {
            Some(src) => {
                (config, spans) = Config::parse(&src)?;
                config_source = Some(src);
            }
            None if loc.explicit => {
                return Err(ConfigError::File {
                    file: loc.path.display().to_string(),
                    message: "config file does not exist".into(),
                });
            }
            // No file at the default place: a first run, all defaults.
            None => {}
        }
    }
    let config_dir = location.as_ref().and_then(|l| l.dir());

    // A name from config.toml that is unknown is reported at its value in that file.
    let unknown_in_config =
        |value: &Option<toml::Spanned<String>>, message: String| match (&config_source, value) {
            (Some(src), Some(v)) => src.error_at(v.span(), message),
            (Some(src), None) => src.error(message),
            (None, _) => ConfigError::File {
                file: "<defaults>".into(),
                message,
            },
        };

    let theme_catalog = theme_file::catalog(config_dir.map(|d| d.join("themes")));
    let mut themes = theme_file::load_all(&theme_catalog)?;
    let theme = match overrides.theme {
        Some(flag) => {
            let t = theme_file::resolve(&theme_catalog, theme_catalog.by_flag("--theme", flag)?)?;
            // A theme given by path joins the list so `:theme` can come back to it.
            match themes.iter_mut().find(|x| x.name == t.name) {
                Some(slot) => *slot = t.clone(),
                None => themes.push(t.clone()),
            }
            t
        }
        None => theme_by_name(&themes, &config.theme)
            .cloned()
            .ok_or_else(|| unknown_in_config(&spans.theme, theme_catalog.unknown(&config.theme)))?,
    };
    // The chosen theme was still resolved above, so a broken one is reported either way.
    let theme = if env.no_color() {
        Theme::monochrome()
    } else {
        theme
    };

    let keymap_catalog = keymap_file::catalog(config_dir.map(|d| d.join("keymaps")));
    let top = match overrides.keymap {
        Some(flag) => keymap_catalog.by_flag("--keymap", flag)?,
        None => keymap_catalog.by_name(&config.keymap)?.ok_or_else(|| {
            unknown_in_config(&spans.keymap, keymap_catalog.unknown(&config.keymap))
        })?,
    };
    let keymap = keymap_file::resolve(&keymap_catalog, top)?;

    Ok(Settings {
        config,
        config_path: config_source.and(location.map(|l| l.path)),
        theme,
        themes,
        keymap,
    })
}
