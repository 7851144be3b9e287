//! Configuration: `config.toml`, themes and keymaps; embedded defaults plus user overrides.

pub mod keymap;
pub mod theme;
