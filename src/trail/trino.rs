//! SQL split into tokens as Athena's engine (Trino) splits it, for the raw-SQL check:
//! strings (`'it''s'`), quoted identifiers (`"a""b"`, and `` `a` ``), comments (`--` to the
//! end of the line; `/* */` ending at the FIRST `*/`: Trino's comments do not nest), words,
//! numbers and punctuation. sqlparser's generic dialect nests comments, so it may read as
//! comment what Trino runs: what the check decides is decided on these tokens.

/// One token. Words keep their text as written; strings and quoted identifiers hold their
/// value (escapes undone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// An unquoted identifier or keyword: ASCII letters, digits and `_`, not starting with
    /// a digit (anything else Trino refuses, so it only ever splits words here).
    Word(&'a str),
    /// A string literal `'...'` (also the string of `X'..'`, `U&'..'`: the prefix is a word).
    Str(String),
    /// A quoted identifier: `"..."` or `` `...` ``.
    Quoted(String),
    Number(&'a str),
    /// Any other character, one at a time (`>=` is two).
    Punct(char),
    /// `-- ...` up to the end of its line.
    LineComment,
    /// `/* ... */`, up to the first `*/`.
    BlockComment,
}

impl Token<'_> {
    /// Whether this is the word `word`, in any case.
    pub fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }
}

/// Text Trino's lexer would refuse: an unclosed string, identifier or comment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LexError(pub &'static str);

/// The tokens of `sql`, whitespace left out.
pub fn tokens(sql: &str) -> Result<Vec<Token<'_>>, LexError> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        let (token, len) = match c {
            c if c.is_whitespace() => {
                rest = &rest[c.len_utf8()..];
                continue;
            }
            '\'' => quoted(rest, '\'', "a string is not closed: expected '")
                .map(|(v, n)| (Token::Str(v), n))?,
            '"' => quoted(rest, '"', "a quoted name is not closed: expected \"")
                .map(|(v, n)| (Token::Quoted(v), n))?,
            '`' => quoted(rest, '`', "a quoted name is not closed: expected `")
                .map(|(v, n)| (Token::Quoted(v), n))?,
            '-' if rest.starts_with("--") => {
                let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
                (Token::LineComment, end)
            }
            '/' if rest.starts_with("/*") => {
                let end = rest[2..]
                    .find("*/")
                    .ok_or(LexError("a comment is not closed: expected */"))?;
                (Token::BlockComment, 2 + end + 2)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let n = run_of(rest, |c| c.is_ascii_alphanumeric() || c == '_');
                (Token::Word(&rest[..n]), n)
            }
            c if c.is_ascii_digit() => {
                let n = run_of(rest, |c| c.is_ascii_digit() || c == '.');
                (Token::Number(&rest[..n]), n)
            }
            c => (Token::Punct(c), c.len_utf8()),
        };
        out.push(token);
        rest = &rest[len..];
    }
    Ok(out)
}

/// The length of the run of characters at the start of `s` that `keep` accepts.
fn run_of(s: &str, keep: impl Fn(char) -> bool) -> usize {
    s.find(|c: char| !keep(c)).unwrap_or(s.len())
}

/// The value of the quoted token at the start of `s` (opened by `quote`, a doubled `quote`
/// standing for one) and its length.
fn quoted(s: &str, quote: char, unclosed: &'static str) -> Result<(String, usize), LexError> {
    let mut value = String::new();
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c != quote {
            value.push(c);
            continue;
        }
        match chars.peek() {
            Some((_, next)) if *next == quote => {
                value.push(quote);
                chars.next();
            }
            _ => return Ok((value, i + quote.len_utf8())),
        }
    }
    Err(LexError(unclosed))
}

#[cfg(test)]
mod tests {
    use super::Token::*;
    use super::*;

    #[test]
    fn a_block_comment_ends_at_its_first_close() {
        let t = tokens("/* /* */ DROP TABLE x -- */").unwrap();
        assert_eq!(
            t,
            [
                BlockComment,
                Word("DROP"),
                Word("TABLE"),
                Word("x"),
                LineComment
            ]
        );
    }

    #[test]
    fn quotes_are_escaped_by_doubling_and_hide_what_they_hold() {
        let t = tokens("SELECT 'it''s -- /*', \"a\"\"b\" FROM `t`").unwrap();
        assert_eq!(
            t,
            [
                Word("SELECT"),
                Str("it's -- /*".into()),
                Punct(','),
                Quoted("a\"b".into()),
                Word("FROM"),
                Quoted("t".into())
            ]
        );
        // A backslash escapes nothing.
        let t = tokens(r"'a\' ; DROP").unwrap();
        assert_eq!(t, [Str("a\\".into()), Punct(';'), Word("DROP")]);
    }

    #[test]
    fn a_line_comment_ends_at_cr_or_lf() {
        let t = tokens("-- x\rDROP\n--y\nSELECT").unwrap();
        assert_eq!(t, [LineComment, Word("DROP"), LineComment, Word("SELECT")]);
    }

    #[test]
    fn words_are_ascii_so_anything_else_splits_them() {
        let t = tokens("éDROP 1DELETE x>=2.5").unwrap();
        assert_eq!(
            t,
            [
                Punct('é'),
                Word("DROP"),
                Number("1"),
                Word("DELETE"),
                Word("x"),
                Punct('>'),
                Punct('='),
                Number("2.5")
            ]
        );
    }

    #[test]
    fn what_is_not_closed_is_an_error() {
        for sql in ["'open", "\"open", "`open", "/* open", "/* */ /*", "'a''"] {
            assert!(tokens(sql).is_err(), "{sql}");
        }
    }
}
