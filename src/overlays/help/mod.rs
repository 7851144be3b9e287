//! The `?` help: every key of the active keymap (so it cannot drift from reality) and every
//! `:` command, the view on screen's own first. Movement scrolls it; any other key closes it.

pub mod draw;

use super::{Overlay, Step};
use crate::app::action::Action;
use crate::app::commands::{self, CommandSpec};
use crate::app::state::State;
use crate::config::keymap::Binding;
use crate::views;

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

/// One entry of the overlay: a heading, or a key column and its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    Heading(String),
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

/// The bindings of `section`, keys bound to the same action on one line: `j, Down  Next row`.
/// `own` says what a key does in the view on screen, where that differs from the keymap's
/// description.
fn entries<'a>(
    state: &State,
    section: &[&'a Binding],
    own: &dyn Fn(Action) -> Option<&'static str>,
    out: &mut Vec<Row<'a>>,
) {
    for (s, keys) in crate::config::keymap::by_action(section) {
        let keys = keys.join(", ");
        let desc = own(s.action.into()).unwrap_or(s.desc.as_str());
        if state.readonly && s.action.mutates() {
            out.push(Row::Disabled(keys, desc, false));
        } else {
            out.push(Row::Entry(keys, desc, false));
        }
    }
}

fn command(state: &State, c: &'static CommandSpec) -> Row<'static> {
    // `:alarm` changes AWS: disabled in read-only mode.
    if state.readonly && c.name == "alarm" {
        Row::Disabled(usage(c.name, c.args), c.desc, true)
    } else {
        Row::Entry(usage(c.name, c.args), c.desc, true)
    }
}

/// The view on screen first (the keys its hint bar names, its section of the keymap, its
/// `:` commands), then every other section in the order the keymap first names them (the
/// keymap author's order), then every other command. Each key and command once.
pub fn rows(state: &State) -> Vec<Row<'_>> {
    let bindings = &state.keymap.bindings;
    let view = views::module(state.view);
    let hinted: Vec<_> = view
        .hints()
        .iter()
        .filter_map(|(a, _)| a.bindable())
        .collect();
    let own_section = view.help_section();
    let own = |b: &Binding| {
        hinted.contains(&b.action)
            || own_section.is_some_and(|s| s.eq_ignore_ascii_case(&b.section))
    };
    let mut out = vec![Row::Heading(format!("{} (this view)", view.title()))];
    let mine: Vec<&Binding> = bindings.iter().filter(|b| own(b)).collect();
    entries(state, &mine, &|action| view.key_meaning(action), &mut out);
    let own_commands = view.commands();
    out.extend(own_commands.iter().map(|c| command(state, c)));
    for (i, b) in bindings.iter().enumerate() {
        if bindings[..i].iter().any(|p| p.section == b.section) {
            continue;
        }
        let section: Vec<&Binding> = bindings[i..]
            .iter()
            .filter(|s| s.section == b.section && !own(s))
            .collect();
        if section.is_empty() {
            continue;
        }
        out.push(Row::Blank);
        out.push(Row::Heading(b.section.clone()));
        entries(state, &section, &|_| None, &mut out);
    }
    out.push(Row::Blank);
    out.push(Row::Heading("commands".into()));
    out.extend(
        commands::all()
            .into_iter()
            .filter(|(_, c)| !own_commands.iter().any(|o| o.name == c.name))
            .map(|(_, c)| command(state, c)),
    );
    out
}

/// The number of lines the overlay holds on the screen it is on, so `update` can bound
/// the scroll.
pub fn line_count(state: &State) -> usize {
    draw::lines(state, crate::layout::body(state.size)).len()
}
