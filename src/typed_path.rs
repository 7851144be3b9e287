//! A path typed after a `:` command (`:export csv ~/out.csv`, `:save "/tmp/a b.txt"`): words
//! as a shell splits them, so a path with spaces is quoted instead of silently cut at its
//! first space, and `~` for the home folder, as every shell user expects.

use std::path::{Path, PathBuf};

/// Splits `text` into words at unquoted spaces: `'…'` keeps everything inside as it is,
/// `"…"` keeps everything but `\"` and `\\`, and `\` outside quotes keeps the next character
/// (`a\ b`). An unclosed quote is an error that says which.
pub fn words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    out.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("a ' is not closed".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("a \" is not closed".into()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("a \" is not closed".into()),
                    }
                }
            }
            '\\' => {
                let w = word.get_or_insert_with(String::new);
                w.push(chars.next().unwrap_or('\\'));
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    Ok(out)
}

/// At most one path in `text`: `None` when nothing was typed.
pub fn one(text: &str) -> Result<Option<String>, String> {
    let mut w = words(text)?;
    match w.len() {
        0 => Ok(None),
        1 => Ok(w.pop()),
        n => Err(format!(
            "expected one path, got {n} words: quote a path with spaces (\"/tmp/a b.csv\")"
        )),
    }
}

/// `~` and `~/…` in the home folder; any other path as it is. `~user` is refused rather than
/// written to a folder named `~user`.
pub fn expand_home(path: &str, home: Option<&Path>) -> Result<PathBuf, String> {
    let rest = match path.strip_prefix('~') {
        None => return Ok(PathBuf::from(path)),
        Some(rest) => rest,
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Err(format!(
            "{} names another user's home: give the full path",
            crate::sanitize::clean(path)
        ));
    }
    let Some(home) = home else {
        return Err("~ needs HOME, which is not set: give the full path".into());
    };
    Ok(home.join(rest.trim_start_matches('/')))
}

/// `expand_home` with this process's `HOME`.
pub fn expand_home_from_env(path: &str) -> Result<PathBuf, String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    expand_home(path, home.as_deref().filter(|h| !h.as_os_str().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_quoted_or_escaped_stay_in_the_path() {
        assert_eq!(
            words("csv \"/tmp/a b.csv\"").unwrap(),
            ["csv", "/tmp/a b.csv"]
        );
        assert_eq!(
            words("csv '/tmp/a b.csv'").unwrap(),
            ["csv", "/tmp/a b.csv"]
        );
        assert_eq!(
            words(r"csv /tmp/a\ b.csv").unwrap(),
            ["csv", "/tmp/a b.csv"]
        );
        assert_eq!(words(r#""say \"hi\"" x"#).unwrap(), [r#"say "hi""#, "x"]);
        assert_eq!(words("  ").unwrap(), Vec::<String>::new());
        assert_eq!(words("''").unwrap(), [""]);
        assert!(words("'/tmp/a b").unwrap_err().contains("not closed"));
        assert!(words("\"/tmp/a b").unwrap_err().contains("not closed"));
    }

    #[test]
    fn a_second_unquoted_word_is_refused_not_dropped() {
        let e = one("/tmp/a b.csv").unwrap_err();
        assert!(
            e.contains("expected one path") && e.contains("quote"),
            "{e}"
        );
        assert_eq!(one("").unwrap(), None);
        assert_eq!(
            one("'/tmp/a b.csv'").unwrap().as_deref(),
            Some("/tmp/a b.csv")
        );
    }

    #[test]
    fn the_tilde_is_the_home_folder() {
        let home = Some(Path::new("/home/oncall"));
        assert_eq!(
            expand_home("~", home).unwrap(),
            PathBuf::from("/home/oncall")
        );
        assert_eq!(
            expand_home("~/out/x.csv", home).unwrap(),
            PathBuf::from("/home/oncall/out/x.csv")
        );
        assert_eq!(
            expand_home("/tmp/~x", home).unwrap(),
            PathBuf::from("/tmp/~x")
        );
        assert_eq!(expand_home("rel/x", home).unwrap(), PathBuf::from("rel/x"));
        assert!(
            expand_home("~bob/x", home)
                .unwrap_err()
                .contains("another user")
        );
        assert!(expand_home("~/x", None).unwrap_err().contains("HOME"));
    }
}
