//! The part of CloudWatch Logs' filter pattern syntax for unstructured lines that the demo
//! (and any local filtering) evaluates: terms that must all be present, `"quoted phrases"`,
//! `?a ?b` (any of them) and `-term` (none of them), all case-sensitive. Anything else (JSON
//! `{ $.x = ... }`, space-delimited `[a, b]`, `%regex%`) is refused with what is supported,
//! rather than matched in a way AWS would not.

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pattern {
    /// Every one must be in the line.
    all: Vec<String>,
    /// At least one must be in the line (when there are any).
    any: Vec<String>,
    /// None may be in the line.
    none: Vec<String>,
}

/// What the error says is supported.
pub const SUPPORTED: &str = "supported filter patterns: terms that must all appear (ERROR \
     timeout), \"a quoted phrase\", ?any ?of ?these, -excluded; terms other than letters, \
     digits, '_', '-' and '.' go in double quotes";

/// The longest pattern taken (CloudWatch's own bound is 1,024 characters).
pub const MAX_LEN: usize = 1024;

impl Pattern {
    /// Parses `text`; an empty or blank pattern matches every line.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.chars().count() > MAX_LEN {
            return Err(format!(
                "filter pattern longer than {MAX_LEN} characters; {SUPPORTED}"
            ));
        }
        let mut p = Self::default();
        let mut chars = text.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let Some(&first) = chars.peek() else { break };
            let list = match first {
                '?' => {
                    chars.next();
                    &mut p.any
                }
                '-' => {
                    chars.next();
                    &mut p.none
                }
                _ => &mut p.all,
            };
            let term = if chars.peek() == Some(&'"') {
                chars.next();
                let mut term = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some(e @ ('"' | '\\')) => term.push(e),
                            Some(e) => {
                                term.push('\\');
                                term.push(e);
                            }
                            None => break,
                        },
                        c => term.push(c),
                    }
                }
                if !closed {
                    return Err(format!("unclosed quote in filter pattern; {SUPPORTED}"));
                }
                if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                    return Err(format!(
                        "a quoted phrase must be followed by a space; {SUPPORTED}"
                    ));
                }
                term
            } else {
                let mut term = String::new();
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    term.push(c);
                }
                check_bare(&term)?;
                term
            };
            if term.is_empty() {
                return Err(format!("an empty term in the filter pattern; {SUPPORTED}"));
            }
            list.push(term);
        }
        Ok(p)
    }

    /// Whether the line matches.
    pub fn matches(&self, line: &str) -> bool {
        self.all.iter().all(|t| line.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| line.contains(t.as_str())))
            && !self.none.iter().any(|t| line.contains(t.as_str()))
    }

    /// Matches every line.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty() && self.any.is_empty() && self.none.is_empty()
    }
}

/// An unquoted term: letters, digits, `_`, `.` and inner `-`. What else CloudWatch gives a
/// meaning to (`{`, `[`, `%`, `=`, `*`, ...) is another syntax the demo does not evaluate.
fn check_bare(term: &str) -> Result<(), String> {
    let Some(first) = term.chars().next() else {
        return Err(format!("a '?' or '-' with no term after it; {SUPPORTED}"));
    };
    let what = match first {
        '{' => Some("JSON patterns ({ $.field = ... })"),
        '[' => Some("space-delimited patterns ([a, b, ...])"),
        '%' => Some("regular-expression patterns (%...%)"),
        '?' | '-' => Some("a doubled '?' or '-'"),
        _ => None,
    };
    if let Some(what) = what {
        return Err(format!("{what} are not evaluated here; {SUPPORTED}"));
    }
    if let Some(bad) = term
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(format!(
            "{bad:?} in the unquoted term {term:?}; {SUPPORTED}",
            term = crate::logs::line::safe_line(term.as_bytes(), 80)
        ));
    }
    Ok(())
}

/// `Pattern::parse` of an optional pattern: `None` matches everything.
pub fn parse_optional(pattern: Option<&str>) -> Result<Pattern, String> {
    pattern.map_or(Ok(Pattern::default()), Pattern::parse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(p: &str, line: &str) -> bool {
        Pattern::parse(p).unwrap().matches(line)
    }

    #[test]
    fn terms_must_all_appear_case_sensitively() {
        assert!(m("ERROR KeyError", "ERROR [features] KeyError: 'x'"));
        assert!(!m("ERROR KeyError", "ERROR [features] ValueError"));
        assert!(!m("error", "ERROR boom"));
        assert!(m("", "anything"));
        assert!(m("   ", "anything"));
        assert!(Pattern::parse("").unwrap().is_empty());
    }

    #[test]
    fn quoted_phrases_any_and_none() {
        assert!(m(
            "\"missing from request\"",
            "feature 'x' missing from request"
        ));
        assert!(!m("\"missing from request\"", "missing the request"));
        assert!(m("?ERROR ?WARNING", "WARNING slow"));
        assert!(m("?ERROR ?WARNING", "ERROR boom"));
        assert!(!m("?ERROR ?WARNING", "INFO ok"));
        assert!(m("ERROR -KeyError", "ERROR ValueError"));
        assert!(!m("ERROR -KeyError", "ERROR KeyError"));
        assert!(!m("-\"GET /ping\"", "\"GET /ping HTTP/1.1\" 200"));
        assert!(m(
            "request_id fraud-detector v1.2",
            "request_id=1 fraud-detector v1.2"
        ));
        assert!(m(r#""say \"hi\"""#, r#"they say "hi" here"#));
    }

    #[test]
    fn other_syntax_is_refused_saying_what_is_supported() {
        for bad in [
            "{ $.level = \"ERROR\" }",
            "[ip, user, ...]",
            "%ERR.*%",
            "\"unclosed",
            "status=500",
            "a*",
            "?",
            "-",
            "??x",
            "\"a\"b",
        ] {
            let e = Pattern::parse(bad).unwrap_err();
            assert!(e.contains("supported filter patterns"), "{bad}: {e}");
        }
        assert!(Pattern::parse(&"a".repeat(MAX_LEN + 1)).is_err());
    }

    proptest! {
        /// Whatever is typed, parsing answers (no panic) and a parsed pattern of plain terms
        /// taken from a line matches that line.
        #[test]
        fn any_text_parses_or_is_refused(text in ".{0,200}") {
            let _ = Pattern::parse(&text);
        }

        #[test]
        fn words_of_a_line_match_it(words in proptest::collection::vec("[A-Za-z0-9_]{1,8}", 1..6)) {
            let line = words.join(" ");
            let pattern = words.iter().rev().cloned().collect::<Vec<_>>().join(" ");
            prop_assert!(m(&pattern, &line));
            let quoted = format!("\"{line}\"");
            prop_assert!(m(&quoted, &line));
            let excluded = format!("-{}", words[0]);
            prop_assert!(!m(&excluded, &line));
        }
    }
}
