//! `ConfigError`: every configuration problem, located as `file:line:column` where possible.

use std::ops::Range;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// A problem at a known place in a file: `config.toml:3:9: unknown field ...`.
    #[error("{file}:{line}:{column}: {message}")]
    At {
        file: String,
        /// 1-based.
        line: usize,
        /// 1-based, in characters (not bytes) so it matches what an editor shows.
        column: usize,
        message: String,
    },
    /// A problem with a file as a whole: it cannot be read, or was named but does not exist.
    #[error("{file}: {message}")]
    File { file: String, message: String },
    /// A bad command-line value, e.g. `--theme nosuch`.
    #[error("{flag}: {message}")]
    Flag { flag: String, message: String },
}

impl ConfigError {
    /// `(line, column)` of the problem, when it has one.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self {
            ConfigError::At { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// The text of one configuration file and the name errors use for it: a path, or
/// `<embedded>/themes/dark.toml` for the files compiled into the binary.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    /// An error at the start of a byte span of this file.
    pub fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_col(&self.text, span.start);
        ConfigError::At {
            file: self.name.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::File {
            file: self.name.clone(),
            message: message.into(),
        }
    }

    /// Deserializes the whole file, turning toml's byte span into `line:column`.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigError> {
        toml::from_str(&self.text).map_err(|e| {
            // toml messages may end with a newline; the one-line form reads better.
            let message = e.message().trim_end().to_string();
            match e.span() {
                Some(span) => self.error_at(span, message),
                None => self.error(message),
            }
        })
    }
}

/// 1-based line and column (in characters) of a byte offset. Offsets past the end or inside
/// a multi-byte character are clamped rather than trusted, since they come from a parser.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (1, 5));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 11), (2, 6));
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "é = \"x\"";
        // 'é' is two bytes; the `=` is the third character.
        assert_eq!(line_col(text, 3), (1, 3));
        // Inside the multi-byte character: clamped to its start.
        assert_eq!(line_col(text, 1), (1, 1));
        assert_eq!(line_col(text, 999), (1, 8));
    }

    #[test]
    fn display_names_file_line_and_column() {
        let src = Source::new("/x/config.toml", "a = 1\nrefesh_secs = 3\n");
        let e = src.error_at(6..17, "unknown field `refesh_secs`");
        assert_eq!(
            e.to_string(),
            "/x/config.toml:2:1: unknown field `refesh_secs`"
        );
        assert_eq!(e.line_col(), Some((2, 1)));
    }
}
