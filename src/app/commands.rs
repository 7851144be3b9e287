//! The `:` command line: every command of every view (and the console's own), how a typed
//! line finds its command, and completion. Each view runs and completes its own commands.

use super::action::Action;
use super::outcome::{Outcome, flash};
use super::state::{FlashLevel, State};
use crate::views::{self, View};

/// One `:` command, as its owner declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    /// Other words that run it (`:q`, `:ep`).
    pub aliases: &'static [&'static str],
    /// Its arguments as the help shows them (`NAME`, `1h|3h`).
    pub args: &'static str,
    pub desc: &'static str,
    /// What it needs when typed without an argument (`an endpoint name`); `None` when the
    /// argument is optional or checked by the command itself.
    pub needs: Option<&'static str>,
    /// Where help and completion list it, lowest first: switching views, then opening and
    /// scoping, then the console's own commands.
    pub weight: u16,
}

impl CommandSpec {
    fn is_called(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

/// Who runs a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Console,
    View(View),
}

/// The console's own commands, valid on every screen.
const CONSOLE: &[CommandSpec] = &[
    CommandSpec {
        name: "filter",
        aliases: &[],
        args: "TEXT",
        desc: "filter the current table",
        needs: None,
        weight: 70,
    },
    CommandSpec {
        name: "theme",
        aliases: &[],
        args: "NAME",
        desc: "switch colours",
        needs: Some("a theme name"),
        weight: 80,
    },
    CommandSpec {
        name: "refresh",
        aliases: &[],
        args: "",
        desc: "fetch everything now",
        needs: None,
        weight: 90,
    },
    CommandSpec {
        name: "help",
        aliases: &["h", "?"],
        args: "",
        desc: "this overlay",
        needs: None,
        weight: 100,
    },
    CommandSpec {
        name: "quit",
        aliases: &["q", "q!", "exit"],
        args: "",
        desc: "leave sagewatch (also :q)",
        needs: None,
        weight: 110,
    },
];

/// Every command with its owner, in the order help and completion list them.
pub fn all() -> Vec<(Owner, &'static CommandSpec)> {
    let mut out: Vec<(Owner, &'static CommandSpec)> =
        CONSOLE.iter().map(|c| (Owner::Console, c)).collect();
    for view in View::ALL {
        out.extend(
            views::module(view)
                .commands()
                .iter()
                .map(|c| (Owner::View(view), c)),
        );
    }
    out.sort_by_key(|(_, c)| c.weight);
    out
}

fn find(word: &str) -> Option<(Owner, &'static CommandSpec)> {
    all().into_iter().find(|(_, c)| c.is_called(word))
}

/// Runs a command line (with or without its leading `:`). Mistakes are flashed.
pub fn run(state: &mut State, line: &str) -> Outcome {
    // A command replaces the error of the one before: a failing one says its own, and one
    // that works leaves no stale error on the bar.
    if state
        .flash
        .as_ref()
        .is_some_and(|f| f.level == FlashLevel::Error)
    {
        state.flash = None;
    }
    let line = line.trim_start_matches(':');
    let Some((word, arg)) = command_and_argument(line) else {
        flash(state, "empty command", FlashLevel::Error);
        return Outcome::redraw();
    };
    let arg = arg.to_owned();
    let Some((owner, spec)) = find(word) else {
        flash(
            state,
            format!("unknown command :{word} (Tab completes, :help lists)"),
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    if let (Some(what), true) = (spec.needs, arg.is_empty()) {
        flash(state, format!(":{word} needs {what}"), FlashLevel::Error);
        return Outcome::redraw();
    }
    match owner {
        Owner::Console => run_console(state, spec, &arg),
        Owner::View(view) => views::module(view).run(state, spec, &arg),
    }
}

/// The command's word and the rest of the line as typed, only trimmed at its ends: spaces
/// inside it are the user's (two spaces in a quoted path, a SQL string literal).
fn command_and_argument(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    Some((word, rest.trim()))
}

fn run_console(state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
    match spec.name {
        "quit" => super::update::update(state, Action::Quit),
        "help" => {
            crate::overlays::help::open(state);
            Outcome::redraw()
        }
        "refresh" => super::update::update(state, Action::Refresh),
        "filter" => {
            let before = super::refresh::on_screen(state);
            views::module(state.view).set_filter(state, arg);
            // Other rows are on the screen now: up to date at once.
            Outcome::with(super::refresh::scrolled_in(state, &before))
        }
        "theme" => {
            match state.themes.iter().find(|t| t.name == arg) {
                Some(t) => {
                    state.theme = t.clone();
                    flash(state, format!("theme {arg}"), FlashLevel::Info);
                }
                None => {
                    let names: Vec<&str> = state.themes.iter().map(|t| t.name.as_str()).collect();
                    flash(
                        state,
                        format!("unknown theme {arg:?}: {}", names.join(", ")),
                        FlashLevel::Error,
                    );
                }
            }
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}

/// Candidates for the last word of `line`, best first.
pub fn completions(state: &State, line: &str) -> Vec<String> {
    let ends_with_space = line.ends_with(' ');
    let words: Vec<&str> = line.split_whitespace().collect();
    let (done, partial): (&[&str], &str) = match words.split_last() {
        Some((last, before)) if !ends_with_space => (before, last),
        _ => (&words, ""),
    };
    let options: Vec<String> = match done {
        [] => all().iter().map(|(_, c)| c.name.to_string()).collect(),
        [word] => match find(word) {
            Some((Owner::Console, c)) if c.name == "theme" => {
                state.themes.iter().map(|t| t.name.clone()).collect()
            }
            Some((Owner::View(view), c)) => views::module(view).complete(state, c),
            _ => Vec::new(),
        },
        // A command of many words (`:trail event:… user:…`) completes each of them.
        [word, ..] => match find(word) {
            Some((Owner::View(view), c)) if c.args.ends_with("...]") => {
                views::module(view).complete(state, c)
            }
            _ => Vec::new(),
        },
    };
    let lower = partial.to_lowercase();
    let mut out: Vec<String> = options
        .iter()
        .filter(|o| o.to_lowercase().starts_with(&lower))
        .cloned()
        .collect();
    // Substring matches after prefix matches: `:endpoint fraud` finds prod-fraud-detector.
    if !lower.is_empty() {
        out.extend(options.into_iter().filter(|o| {
            let l = o.to_lowercase();
            !l.starts_with(&lower) && l.contains(&lower)
        }));
    }
    out.dedup();
    out
}

/// Replaces the last word of `line` with `candidate`, as Tab does.
pub fn apply_completion(line: &str, candidate: &str) -> String {
    let keep = if line.ends_with(' ') || line.is_empty() {
        line
    } else {
        match line.rfind(' ') {
            Some(i) => &line[..=i],
            None => "",
        }
    };
    let is_command = !keep.contains(|c: char| !c.is_whitespace());
    let sep = if is_command { " " } else { "" };
    format!("{keep}{candidate}{sep}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_keeps_the_spaces_typed_inside_it() {
        assert_eq!(
            command_and_argument("export  csv  \"/tmp/a  b.csv\" "),
            Some(("export", "csv  \"/tmp/a  b.csv\""))
        );
        assert_eq!(command_and_argument("quit"), Some(("quit", "")));
        assert_eq!(command_and_argument("  "), None);
        assert_eq!(
            command_and_argument("sql\tSELECT 1"),
            Some(("sql", "SELECT 1"))
        );
    }

    #[test]
    fn every_command_is_found_by_its_name_and_aliases_and_names_are_unique() {
        let all = all();
        for (_, c) in &all {
            assert_eq!(find(c.name).map(|(_, f)| f.name), Some(c.name));
            for a in c.aliases {
                assert_eq!(find(a).map(|(_, f)| f.name), Some(c.name), "alias {a}");
            }
        }
        let mut words: Vec<&str> = all
            .iter()
            .flat_map(|(_, c)| std::iter::once(c.name).chain(c.aliases.iter().copied()))
            .collect();
        let n = words.len();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), n, "a word runs two commands");
    }

    #[test]
    fn help_order_is_views_then_scoping_then_the_console() {
        let names: Vec<&str> = all().iter().map(|(_, c)| c.name).collect();
        assert_eq!(
            names,
            [
                "fleet", "alarms", "mutes", "alarm", "mute", "endpoint", "monitor", "trail", "sql",
                "changes", "tape", "logs", "insights", "tail", "since", "studio", "jobs",
                "account", "region", "range", "sort", "filter", "export", "save", "theme",
                "refresh", "help", "quit"
            ]
        );
    }

    #[test]
    fn completion_replaces_the_last_word() {
        assert_eq!(apply_completion("ra", "range"), "range ");
        assert_eq!(apply_completion("range 1", "1d"), "range 1d");
        assert_eq!(apply_completion("account ", "prod"), "account prod");
    }
}
