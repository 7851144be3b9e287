//! The `?` help: every key of the active keymap (so it cannot drift from reality) and every
//! `:` command. Movement scrolls it; any other key closes it.

pub mod draw;

use super::{Overlay, Step};
use crate::app::action::Action;
use crate::app::commands;
use crate::app::state::State;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    /// First line shown.
    pub scroll: usize,
}

/// Opens help, unless it is already on top.
pub fn open(state: &mut State) {
    if !matches!(state.overlays.last(), Some(Overlay::Help(_))) {
        super::open(state, Overlay::Help(Help::default()));
    }
}

impl Help {
    pub fn update(&mut self, action: &Action, lines: usize) -> Step {
        let last = lines.saturating_sub(1);
        self.scroll = match action {
            Action::MoveDown => self.scroll + 1,
            Action::MoveUp => self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll + 10,
            Action::PageUp => self.scroll.saturating_sub(10),
            Action::MoveTop => 0,
            Action::MoveBottom => last,
            _ => return Step::Close,
        }
        .min(last);
        Step::Stay
    }
}

/// One line of the overlay: a heading, or a key column and its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    Heading(&'a str),
    /// Keys (or a command), its description, and whether it is a command (its own column
    /// width: `:range 1h|3h|12h|1d|3d` would push every key description far right).
    Entry(String, &'a str, bool),
    /// A key or command that would change AWS, in read-only mode: shown, marked disabled.
    Disabled(String, &'a str, bool),
    Blank,
}

/// `:name ARGS`, as typed.
fn usage(name: &str, args: &str) -> String {
    if args.is_empty() {
        format!(":{name}")
    } else {
        format!(":{name} {args}")
    }
}

pub fn rows(state: &State) -> Vec<Row<'_>> {
    let bindings = &state.keymap.bindings;
    let mut out = Vec::new();
    // Sections in the order the keymap first names them (the keymap author's order).
    for (i, b) in bindings.iter().enumerate() {
        if bindings[..i].iter().any(|p| p.section == b.section) {
            continue;
        }
        if !out.is_empty() {
            out.push(Row::Blank);
        }
        out.push(Row::Heading(b.section.as_str()));
        let section: Vec<_> = bindings[i..]
            .iter()
            .filter(|s| s.section == b.section)
            .collect();
        // Keys bound to the same action share a line: `j, Down  Next row`.
        for (j, s) in section.iter().enumerate() {
            if section[..j].iter().any(|p| p.action == s.action) {
                continue;
            }
            let keys: Vec<String> = section[j..]
                .iter()
                .filter(|o| o.action == s.action)
                .map(|o| o.keys_label())
                .collect();
            let keys = keys.join(", ");
            if state.readonly && s.action.mutates() {
                out.push(Row::Disabled(keys, s.desc.as_str(), false));
            } else {
                out.push(Row::Entry(keys, s.desc.as_str(), false));
            }
        }
    }
    if !out.is_empty() {
        out.push(Row::Blank);
    }
    out.push(Row::Heading("commands"));
    out.extend(commands::all().into_iter().map(|(_, c)| {
        // `:alarm` changes AWS: disabled in read-only mode.
        if state.readonly && c.name == "alarm" {
            Row::Disabled(usage(c.name, c.args), c.desc, true)
        } else {
            Row::Entry(usage(c.name, c.args), c.desc, true)
        }
    }));
    out
}

/// The number of lines the overlay holds, so `update` can bound the scroll.
pub fn line_count(state: &State) -> usize {
    rows(state).len()
}
