//! A one-line editor for the `:` command line and the `/` filter.

use super::action::InputKey;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineEdit {
    text: String,
    /// Cursor position in chars.
    cursor: usize,
    /// Position in the history while browsing it with Up/Down.
    history_pos: Option<usize>,
}

/// What a key did to the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Unchanged,
    Submit(String),
    Cancel,
    /// Tab: the next completion candidate.
    Complete,
    /// Shift-Tab: the previous one.
    CompleteBack,
}

impl LineEdit {
    pub fn with_text(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            cursor: text.chars().count(),
            history_pos: None,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn set_text(&mut self, text: &str) {
        *self = Self::with_text(text);
    }

    fn byte_at(&self, char_pos: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_pos)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    /// Inserts pasted text at the cursor as one line (`as_one_line`); it submits nothing,
    /// whatever line breaks it held.
    pub fn paste(&mut self, text: &str) -> Edit {
        let line = as_one_line(text);
        if line.is_empty() {
            return Edit::Unchanged;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &line);
        self.cursor += line.chars().count();
        self.history_pos = None;
        Edit::Changed
    }

    /// Applies a key; `history` (oldest first) feeds Up/Down.
    pub fn apply(&mut self, key: InputKey, history: &[String]) -> Edit {
        let len = self.text.chars().count();
        match key {
            // Typed control characters never enter the line (and so never the screen).
            InputKey::Char(c) if c.is_control() => return Edit::Unchanged,
            InputKey::Char(c) => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            InputKey::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            InputKey::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            InputKey::Left if self.cursor > 0 => self.cursor -= 1,
            InputKey::Right if self.cursor < len => self.cursor += 1,
            InputKey::Home => self.cursor = 0,
            InputKey::End => self.cursor = len,
            InputKey::ClearLine => self.set_text(""),
            InputKey::DeleteWord if self.cursor > 0 => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let rest: String = chars[self.cursor..].iter().collect();
                self.text = chars[..start].iter().collect::<String>() + &rest;
                self.cursor = start;
            }
            InputKey::Up if !history.is_empty() => {
                let pos = match self.history_pos {
                    None => history.len() - 1,
                    Some(p) => p.saturating_sub(1),
                };
                self.text = history[pos].clone();
                self.cursor = self.text.chars().count();
                self.history_pos = Some(pos);
            }
            InputKey::Down => match self.history_pos {
                Some(p) if p + 1 < history.len() => {
                    self.text = history[p + 1].clone();
                    self.cursor = self.text.chars().count();
                    self.history_pos = Some(p + 1);
                }
                Some(_) => self.set_text(""),
                None => return Edit::Unchanged,
            },
            InputKey::Tab => return Edit::Complete,
            InputKey::BackTab => return Edit::CompleteBack,
            InputKey::Enter => return Edit::Submit(self.text.clone()),
            InputKey::Esc => return Edit::Cancel,
            _ => return Edit::Unchanged,
        }
        Edit::Changed
    }
}

/// Pasted text as a line: line breaks and tabs become spaces (a CR LF is one), those at its
/// end are dropped (a copied line brings its own), and what a terminal could act on is
/// dropped, as it is when typed. A multi-line SQL from a runbook arrives whole, on one line.
pub fn as_one_line(text: &str) -> String {
    text.replace("\r\n", "\n")
        .trim_end_matches(['\n', '\r', '\t'])
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if crate::sanitize::needs_replacing(c) => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> LineEdit {
        let mut l = LineEdit::default();
        for c in s.chars() {
            l.apply(InputKey::Char(c), &[]);
        }
        l
    }

    #[test]
    fn edits_in_the_middle_with_multibyte_text() {
        let mut l = typed("prøde");
        l.apply(InputKey::Left, &[]);
        l.apply(InputKey::Backspace, &[]);
        assert_eq!(l.text(), "prøe");
        l.apply(InputKey::Home, &[]);
        l.apply(InputKey::Delete, &[]);
        assert_eq!(l.text(), "røe");
    }

    #[test]
    fn delete_word_and_control_chars() {
        let mut l = typed("range 3h");
        l.apply(InputKey::Char('\u{1b}'), &[]);
        assert_eq!(l.text(), "range 3h");
        l.apply(InputKey::DeleteWord, &[]);
        assert_eq!(l.text(), "range ");
    }

    #[test]
    fn a_paste_is_inserted_at_the_cursor_as_one_line_and_submits_nothing() {
        let mut l = typed("account:");
        l.apply(InputKey::Home, &[]);
        let edit = l.paste("SELECT *\r\nFROM t\n\tWHERE x = 'y'\n");
        assert_eq!(edit, Edit::Changed, "pasted, not submitted");
        assert_eq!(l.text(), "SELECT * FROM t  WHERE x = 'y'account:");
        assert_eq!(l.cursor(), "SELECT * FROM t  WHERE x = 'y'".chars().count());
        assert_eq!(l.paste("\n\n"), Edit::Unchanged);
    }

    #[test]
    fn a_paste_brings_no_control_character() {
        let line = as_one_line("a\u{1b}[2J\u{7}b\u{9b}c\u{202e}d\u{0}");
        assert_eq!(line, "a[2Jbcd");
    }

    #[test]
    fn history_browses_back_and_forth() {
        let h = vec!["alarms".to_string(), "range 1d".to_string()];
        let mut l = LineEdit::default();
        l.apply(InputKey::Up, &h);
        assert_eq!(l.text(), "range 1d");
        l.apply(InputKey::Up, &h);
        assert_eq!(l.text(), "alarms");
        l.apply(InputKey::Down, &h);
        assert_eq!(l.text(), "range 1d");
        l.apply(InputKey::Down, &h);
        assert_eq!(l.text(), "");
        assert_eq!(l.apply(InputKey::Enter, &h), Edit::Submit(String::new()));
    }
}
