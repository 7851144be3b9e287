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
    Complete,
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
            InputKey::Enter => return Edit::Submit(self.text.clone()),
            InputKey::Esc => return Edit::Cancel,
            _ => return Edit::Unchanged,
        }
        Edit::Changed
    }
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
