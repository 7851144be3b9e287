//! The `:` command line: parsing and completion. Executing lives in `update`.

use super::state::{FleetColumn, RANGES, State};
use crate::source::metrics::{FLEET_COLUMNS, spec};

/// A parsed `:` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    Quit,
    Fleet,
    Alarms,
    Endpoint(String),
    /// `None` clears the account scope (`:account all`).
    Account(Option<String>),
    Range(usize),
    Theme(String),
    Sort(FleetColumn, bool),
    Filter(String),
    Refresh,
    Help,
}

/// Every command: name, arguments and one-line help, in the order completion and the help
/// overlay list them.
pub const COMMANDS: [(&str, &str, &str); 11] = [
    ("fleet", "", "the fleet of endpoints"),
    ("alarms", "", "every alarm, ALARM first"),
    ("endpoint", "NAME", "charts of one endpoint"),
    ("account", "LABEL|ID|all", "scope to one account"),
    ("range", "1h|3h|12h|1d|3d", "time range of the charts"),
    ("sort", "COLUMN [desc]", "sort the fleet table"),
    ("filter", "TEXT", "filter the current table"),
    ("theme", "NAME", "switch colours"),
    ("refresh", "", "fetch everything now"),
    ("help", "", "this overlay"),
    ("quit", "", "leave sagewatch (also :q)"),
];

/// Column names `:sort` accepts, in table order.
pub fn sort_columns() -> Vec<(String, FleetColumn)> {
    let mut v = vec![
        ("account".to_string(), FleetColumn::Account),
        ("endpoint".to_string(), FleetColumn::Endpoint),
        ("status".to_string(), FleetColumn::Status),
    ];
    for (i, id) in FLEET_COLUMNS.iter().enumerate() {
        v.push((spec(*id).short.to_lowercase(), FleetColumn::Metric(i)));
    }
    v
}

/// Parses a command line (without the leading `:`). Errors are shown to the user as is.
pub fn parse(line: &str) -> Result<Cmd, String> {
    let mut words = line.split_whitespace();
    let Some(name) = words.next() else {
        return Err("empty command".into());
    };
    let rest: Vec<&str> = words.collect();
    let arg = rest.join(" ");
    let need_arg = |what: &str| -> Result<String, String> {
        if arg.is_empty() {
            Err(format!(":{name} needs {what}"))
        } else {
            Ok(arg.clone())
        }
    };
    match name {
        "q" | "q!" | "quit" | "exit" => Ok(Cmd::Quit),
        "fleet" | "f" | "endpoints" => Ok(Cmd::Fleet),
        "alarms" | "alarm" | "a" => Ok(Cmd::Alarms),
        "endpoint" | "ep" | "e" => need_arg("an endpoint name").map(Cmd::Endpoint),
        "account" | "acc" => {
            let a = need_arg("an account label, id or all")?;
            Ok(Cmd::Account((a != "all" && a != "*").then_some(a)))
        }
        "range" | "r" => {
            let a = need_arg("a range")?;
            RANGES
                .iter()
                .position(|(_, label)| *label == a)
                .map(Cmd::Range)
                .ok_or_else(|| {
                    let all: Vec<&str> = RANGES.iter().map(|r| r.1).collect();
                    format!("unknown range {a:?}: one of {}", all.join(", "))
                })
        }
        "theme" => need_arg("a theme name").map(Cmd::Theme),
        "sort" => {
            let col = rest.first().copied().unwrap_or_default().to_lowercase();
            let desc = rest.get(1).is_some_and(|d| *d == "desc");
            sort_columns()
                .into_iter()
                .find(|(n, _)| *n == col)
                .map(|(_, c)| Cmd::Sort(c, desc))
                .ok_or_else(|| {
                    let names: Vec<String> = sort_columns().into_iter().map(|c| c.0).collect();
                    format!(":sort needs a column: {}", names.join(", "))
                })
        }
        "filter" => Ok(Cmd::Filter(arg)),
        "refresh" => Ok(Cmd::Refresh),
        "help" | "h" | "?" => Ok(Cmd::Help),
        other => Err(format!(
            "unknown command :{other} (Tab completes, :help lists)"
        )),
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
    let options: Vec<String> = match done.first().copied() {
        None => COMMANDS.iter().map(|(n, _, _)| n.to_string()).collect(),
        Some(_) if done.len() > 1 => Vec::new(),
        Some("account" | "acc") => std::iter::once("all".to_string())
            .chain(state.accounts.iter().map(|a| a.label.clone()))
            .chain(state.accounts.iter().map(|a| a.id.clone()))
            .collect(),
        Some("range" | "r") => RANGES.iter().map(|r| r.1.to_string()).collect(),
        Some("theme") => state.themes.iter().map(|t| t.name.clone()).collect(),
        Some("sort") => sort_columns().into_iter().map(|c| c.0).collect(),
        Some("endpoint" | "ep" | "e") => {
            let mut names: Vec<String> = state.endpoints.iter().map(|e| e.name.clone()).collect();
            names.sort();
            names.dedup();
            names
        }
        Some(_) => Vec::new(),
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
    fn parses_the_commands_the_issue_names() {
        assert_eq!(parse("fleet"), Ok(Cmd::Fleet));
        assert_eq!(parse("alarms"), Ok(Cmd::Alarms));
        assert_eq!(parse("account prod"), Ok(Cmd::Account(Some("prod".into()))));
        assert_eq!(parse("account all"), Ok(Cmd::Account(None)));
        assert_eq!(parse("range 3h"), Ok(Cmd::Range(1)));
        assert_eq!(parse("theme light"), Ok(Cmd::Theme("light".into())));
        assert_eq!(parse("q"), Ok(Cmd::Quit));
        assert_eq!(
            parse("sort cpu desc"),
            Ok(Cmd::Sort(FleetColumn::Metric(3), true))
        );
        assert!(parse("range 2h").unwrap_err().contains("1h"));
        assert!(parse("frobnicate").is_err());
        assert!(parse("endpoint").is_err());
    }

    #[test]
    fn completion_replaces_the_last_word() {
        assert_eq!(apply_completion("ra", "range"), "range ");
        assert_eq!(apply_completion("range 1", "1d"), "range 1d");
        assert_eq!(apply_completion("account ", "prod"), "account prod");
    }
}
