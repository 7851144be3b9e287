//! What the manual can take from the code instead of repeating it: the man page and shell
//! completions (from the clap definitions), and docs/keys.md and docs/commands.md (from the
//! shipped keymap and the `:` registry). Tests compare the committed files with these.

use crate::app::commands::{self, Owner};
use crate::cli::{Cli, Generate};
use crate::config::keymap::Keymap;
use clap::CommandFactory;
use std::fmt::Write as _;

/// What `sagewatch --generate WHAT` prints.
pub fn generate(what: Generate) -> Vec<u8> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    let shell = match what {
        Generate::Man => return man_page(command),
        Generate::CompleteBash => clap_complete::Shell::Bash,
        Generate::CompleteZsh => clap_complete::Shell::Zsh,
        Generate::CompleteFish => clap_complete::Shell::Fish,
        Generate::CompletePowershell => clap_complete::Shell::PowerShell,
    };
    clap_complete::generate(shell, &mut command, "sagewatch", &mut out);
    out
}

/// One page for the console and every subcommand: clap_mangen's sections for the top level,
/// then each subcommand's own help (one page rather than a `sagewatch-alarm-create(1)` that
/// a `--generate man` user would not have installed), then what clap does not know.
fn man_page(mut command: clap::Command) -> Vec<u8> {
    command.build();
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    let globals: Vec<clap::Id> = command
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().clone())
        .collect();
    let mut text = String::from(
        ".SH COMMANDS\nEach takes the global options above too, before or after its name.\n",
    );
    for (path, mut sub) in leaves(&command, "sagewatch") {
        // The global options, repeated under every subcommand, would bury its own.
        for id in &globals {
            sub = sub.mut_arg(id, |a| a.hide(true));
        }
        let _ = write!(
            text,
            ".SS \"{path}\"\n.nf\n{}\n.fi\n",
            roff_text(&sub.render_long_help().to_string())
        );
    }
    text.push_str(MAN_TAIL);
    out.extend_from_slice(text.as_bytes());
    out
}

/// Every subcommand that runs something (`sagewatch alarm create`, not `sagewatch alarm`),
/// with its path, in declaration order.
fn leaves(command: &clap::Command, path: &str) -> Vec<(String, clap::Command)> {
    command
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .flat_map(|s| {
            let here = format!("{path} {}", s.get_name());
            if s.has_subcommands() {
                leaves(s, &here)
            } else {
                vec![(here, s.clone())]
            }
        })
        .collect()
}

/// Text made literal for roff: backslashes escaped, no line read as a request.
fn roff_text(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|line| {
            let line = line.replace('\\', "\\e");
            if line.starts_with('.') || line.starts_with('\'') {
                format!("\\&{line}")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the flags cannot say: exit codes, files, environment, where the rest is.
const MAN_TAIL: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Done (a run followed with \fBmonitor run \-\-wait\fR: Completed).
.TP
\fB1\fR
AWS refused or failed (the message says the call and why), or the run failed or stopped.
.TP
\fB2\fR
Bad usage or configuration: a flag, a config key, a filter; nothing was sent.
.TP
\fB3\fR
Refused by read-only mode.
.TP
\fB4\fR
\fBmonitor run \-\-wait\fR: CompletedWithViolations.
.TP
\fB130\fR
Interrupted (a running query is stopped first).
.SH FILES
.TP
\fI$XDG_CONFIG_HOME/sagewatch/config.toml\fR
The configuration (default \fI~/.config/sagewatch/config.toml\fR), with \fIthemes/\fR and
\fIkeymaps/\fR beside it.
.TP
\fI$XDG_STATE_HOME/sagewatch/audit.jsonl\fR
Every change sent to AWS, before and after (default \fI~/.local/state/sagewatch/\fR).
.TP
\fI$XDG_STATE_HOME/sagewatch/trail-history.json\fR
The last 50 CloudTrail searches.
.SH ENVIRONMENT
.TP
\fBSAGEWATCH_CONFIG\fR
The configuration file, unless \fB\-\-config\fR is given.
.TP
\fBAWS_PROFILE\fR, \fBAWS_REGION\fR, \fBAWS_ENDPOINT_URL\fR, \fBAWS_ENDPOINT_URL_<SERVICE>\fR
The AWS SDK's own settings: credentials, region, endpoint overrides.
.TP
\fBSAGEWATCH_LOG\fR
With \fB\-\-log\-file\fR: \fBdebug\fR or \fBtrace\fR for more of sagewatch's own events.
.TP
\fBNO_COLOR\fR
No colours.
.SH "SEE ALSO"
The manual, docs/ in the source: docs/aws-setup.md (IAM policies, the CloudTrail table),
one page per view under docs/views/, docs/keys.md, docs/commands.md,
docs/configuration.md, docs/runbook.md.
"#;

/// A Markdown table cell: pipes escaped, backticks kept.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A key sequence as a code span; a backtick key needs a wider fence.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// docs/keys.md: every binding of `keymap`, by section in the keymap's order, keys bound to
/// the same action on one row, as the `?` help lists them.
pub fn keys_markdown(keymap: &Keymap) -> String {
    let mut out = format!(
        "# Keys\n\n<!-- Generated from keymaps/{0}.toml by `SAGEWATCH_BLESS=1 cargo test --test docs`: \
         do not edit. -->\n\nThe shipped keymap, `{0}`. `?` in the console lists the keymap in use \
         (yours, if you changed it: see [configuration](configuration.md#keymaps)). \
         Keys marked *changes AWS* ask for a confirmation first and are refused in read-only mode.\n",
        keymap.name
    );
    let bindings = &keymap.bindings;
    for (i, b) in bindings.iter().enumerate() {
        if bindings[..i].iter().any(|p| p.section == b.section) {
            continue;
        }
        let _ = write!(
            out,
            "\n## {}\n\n| keys | action | what it does |\n|---|---|---|\n",
            b.section
        );
        let section: Vec<_> = bindings[i..]
            .iter()
            .filter(|s| s.section == b.section)
            .collect();
        for (s, keys) in crate::config::keymap::by_action(&section) {
            let keys: Vec<String> = keys.iter().map(|k| cell(&code(k))).collect();
            let changes = if s.action.mutates() {
                " *changes AWS*"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| {} | `{}` | {}{changes} |",
                keys.join(", "),
                s.action.name(),
                cell(&s.desc)
            );
        }
    }
    out
}

/// docs/commands.md: every `:` command with its aliases, arguments and owner, in the order
/// help and completion list them.
pub fn commands_markdown() -> String {
    let mut out = String::from(
        "# Commands\n\n<!-- Generated from the command registry by `SAGEWATCH_BLESS=1 cargo test --test docs`: \
         do not edit. -->\n\n`:` opens the command line; `Tab` completes, `Up`/`Down` recall earlier \
         lines. A command belongs to a view (it opens that view, or acts on it) or to the console \
         (valid everywhere).\n\n| command | also | what it does | view |\n|---|---|---|---|\n",
    );
    for (owner, c) in commands::all() {
        let usage = if c.args.is_empty() {
            format!(":{}", c.name)
        } else {
            format!(":{} {}", c.name, c.args)
        };
        let aliases: Vec<String> = c.aliases.iter().map(|a| code(&format!(":{a}"))).collect();
        let view = match owner {
            Owner::Console => "console".to_owned(),
            Owner::View(v) => format!("[{0}](views/{0}.md)", v.title()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {view} |",
            cell(&code(&usage)),
            cell(&aliases.join(" ")),
            cell(c.desc)
        );
    }
    out
}
