//! The manual cannot drift: the generated pages are what the code generates, the config
//! reference names every key the loader takes and nothing it refuses, every relative link
//! resolves, and the README stays a map. `SAGEWATCH_BLESS=1 cargo test --test docs` rewrites
//! the generated pages.

use sagewatch::config::{Env, Overrides, load};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares a committed page with what the code makes; with `SAGEWATCH_BLESS=1` writes it.
fn generated(relative: &str, made: &str) {
    let path = root().join(relative);
    if std::env::var("SAGEWATCH_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, made).expect("write");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == made,
        "{relative} differs from what the code generates: run `SAGEWATCH_BLESS=1 cargo test --test docs` \
         and commit it.\n--- first differing line ---\n{:?}",
        committed
            .lines()
            .zip(made.lines())
            .find(|(a, b)| a != b)
            .map_or_else(
                || "(one is longer)".to_owned(),
                |(a, b)| format!("{a}\n{b}")
            )
    );
}

#[test]
fn keys_md_is_the_shipped_keymap() {
    let settings = load(&Overrides::default(), &Env::default()).expect("shipped config");
    generated(
        "docs/keys.md",
        &sagewatch::manual::keys_markdown(&settings.keymap),
    );
}

#[test]
fn commands_md_is_the_command_registry() {
    generated("docs/commands.md", &sagewatch::manual::commands_markdown());
}

/// Every Markdown file of the manual.
fn pages() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md")];
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("docs/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    let mut in_code = false;
    text.lines()
        .filter(|l| {
            if l.starts_with("```") {
                in_code = !in_code;
            }
            !in_code
        })
        .filter_map(|l| l.strip_prefix('#'))
        .map(|h| slug(h.trim_start_matches('#')))
        .collect()
}

/// The targets of `[text](target)` links outside code blocks and spans.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn every_relative_link_resolves_to_a_file_and_its_heading() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = read(&page);
        for link in links(&text) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (file, anchor) = link.split_once('#').unwrap_or((link.as_str(), ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().expect("parent").join(file)
            };
            if !target.exists() {
                broken.push(format!("{}: {link} (no such file)", page.display()));
                continue;
            }
            if !anchor.is_empty()
                && target.extension().is_some_and(|e| e == "md")
                && !anchors(&read(&target)).contains(anchor)
            {
                broken.push(format!("{}: {link} (no such heading)", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_is_a_map_of_at_most_200_lines_linking_every_page() {
    let readme = read(&root().join("README.md"));
    let lines = readme.lines().count();
    assert!(
        lines <= 200,
        "README.md has {lines} lines: move detail into docs/"
    );
    let linked: BTreeSet<PathBuf> = links(&readme)
        .iter()
        .filter(|l| !l.starts_with("http"))
        .map(|l| root().join(l.split('#').next().unwrap_or("")))
        .collect();
    // Every page is reachable from the README, directly or through docs/README's list of views.
    for page in pages()
        .iter()
        .filter(|p| !p.starts_with(root().join("docs/views")))
    {
        if page.ends_with("README.md") && page.parent() == Some(&root()) {
            continue;
        }
        assert!(
            linked.contains(page),
            "README.md does not link {}",
            page.display()
        );
    }
}

/// `text` loaded as a `config.toml` through the real loader (from a scratch file named
/// after `what`, so tests running at once do not share one).
fn load_text(
    text: &str,
    what: &str,
) -> Result<sagewatch::config::Settings, sagewatch::config::ConfigError> {
    let dir = std::env::temp_dir().join(format!("sagewatch-docs-{}-{what}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let path = dir.join("config.toml");
    std::fs::write(&path, text).expect("write");
    let loaded = load(
        &Overrides {
            config_path: Some(&path),
            ..Overrides::default()
        },
        &Env::default(),
    );
    std::fs::remove_dir_all(dir).ok();
    loaded
}

/// The keys a table of the config takes, read from the loader's own refusal of an unknown
/// one (serde lists every field it expects), so a new setting cannot be left out of the docs.
fn keys_taken(table: &str) -> BTreeSet<String> {
    let probe = match table {
        "" => "sagewatch_probe = 1\n".to_owned(),
        "accounts" => "[[accounts]]\nid = \"111111111111\"\nsagewatch_probe = 1\n".to_owned(),
        "quality_metrics" => "[[quality_metrics]]\nsagewatch_probe = 1\n".to_owned(),
        other => format!("[{other}]\nsagewatch_probe = 1\n"),
    };
    let error = load_text(&probe, table)
        .expect_err("an unknown key is refused")
        .to_string();
    let expected = error
        .split_once("expected")
        .unwrap_or_else(|| panic!("no list of keys in: {error}"))
        .1;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The TOML blocks of docs/configuration.md.
fn documented_config() -> String {
    let page = read(&root().join("docs/configuration.md"));
    let mut out = String::new();
    let mut in_toml = false;
    for line in page.lines() {
        if line.starts_with("```toml") {
            in_toml = true;
        } else if line.starts_with("```") {
            in_toml = false;
        } else if in_toml {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_config_reference_loads_and_names_every_key() {
    let toml = documented_config();
    if let Err(e) = load_text(&toml, "reference") {
        panic!("docs/configuration.md's example does not load: {e}");
    }
    let value: toml::Table = toml.parse().expect("TOML");
    let documented = |table: &str| -> BTreeSet<String> {
        // An array of tables documents its keys over all its entries (`role_arn` in one
        // account, `profile` in another).
        let tables: Vec<&toml::Table> = match table {
            "" => vec![&value],
            other => match value.get(other) {
                Some(toml::Value::Array(entries)) => {
                    entries.iter().filter_map(|v| v.as_table()).collect()
                }
                Some(toml::Value::Table(t)) => vec![t],
                _ => Vec::new(),
            },
        };
        tables.iter().flat_map(|t| t.keys().cloned()).collect()
    };
    for table in ["", "accounts", "quality_metrics", "trail"] {
        assert!(
            keys_taken(table).len() >= 3,
            "[{table}]: {:?}",
            keys_taken(table)
        );
        let missing: Vec<String> = keys_taken(table)
            .difference(&documented(table))
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "docs/configuration.md's example leaves out {missing:?} of [{table}]"
        );
    }
}

/// Every flag of every subcommand, as clap defines it.
fn flags(command: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
    for arg in command.get_arguments() {
        if let Some(long) = arg.get_long()
            && !matches!(long, "help" | "version")
        {
            out.push((path.to_owned(), format!("--{long}")));
        }
    }
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        flags(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn the_shell_page_names_every_flag_and_subcommand() {
    use clap::CommandFactory;
    let page = read(&root().join("docs/shell.md"));
    let command = sagewatch::cli::Cli::command();
    let mut all = Vec::new();
    flags(&command, "sagewatch", &mut all);
    let missing: Vec<String> = all
        .iter()
        .filter(|(_, flag)| !page.contains(flag.as_str()))
        .map(|(path, flag)| format!("{path} {flag}"))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/shell.md does not mention {missing:?}"
    );
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let heading = format!("## `sagewatch {}`", sub.get_name());
        assert!(page.contains(&heading), "docs/shell.md has no {heading:?}");
    }
}

/// `.rs` files under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Messages send users to a page of the manual that exists, and to a heading it has:
/// `docs/aws-setup.md ("The CloudTrail table")`, never "the README".
#[test]
fn every_page_a_message_names_exists_with_its_heading() {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let mut wrong = Vec::new();
    for file in files {
        // Rust's string continuations (`\` at a line's end) joined, as the message reads.
        let text = read(&file)
            .split("\\\n")
            .map(str::trim_start)
            .collect::<String>();
        if text.contains("see the README") || text.contains("The README has") {
            wrong.push(format!(
                "{}: points at the README, not a page",
                file.display()
            ));
        }
        let mut rest = text.as_str();
        while let Some(i) = rest.find("docs/") {
            let after = &rest[i..];
            let Some(end) = after.find(".md") else { break };
            let page = &after[..end + 3];
            rest = &after[end + 3..];
            if page.contains(char::is_whitespace) {
                continue;
            }
            let target = root().join(page);
            if !target.exists() {
                wrong.push(format!("{}: {page} does not exist", file.display()));
                continue;
            }
            // A heading named right after it, in Rust's escaped quotes: `, \"Heading\"`.
            let tail = rest.trim_start_matches([',', ' ', '(', '\\']);
            if let Some(quoted) = tail.strip_prefix('"') {
                let heading: String = quoted
                    .split(['"', '\\'])
                    .next()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !anchors(&read(&target)).contains(&slug(&heading)) {
                    wrong.push(format!(
                        "{}: {page} has no heading {heading:?}",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The keys and commands a view's page lists are ones the shipped keymap binds and the
/// registry runs: a page cannot keep a key that was rebound or a command that was renamed.
#[test]
fn every_key_and_command_a_view_page_lists_exists() {
    let settings = load(&Overrides::default(), &Env::default()).expect("shipped config");
    let bound: BTreeSet<String> = settings
        .keymap
        .bindings
        .iter()
        .map(|b| b.keys_label())
        .collect();
    let commands: BTreeSet<&str> = sagewatch::app::commands::all()
        .into_iter()
        .flat_map(|(_, c)| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .collect();
    let mut unknown = Vec::new();
    for entry in std::fs::read_dir(root().join("docs/views")).expect("docs/views") {
        let path = entry.expect("entry").path();
        let page = read(&path);
        let Some(section) = page.split("## Keys and commands").nth(1) else {
            unknown.push(format!("{}: no \"Keys and commands\"", path.display()));
            continue;
        };
        let section = section.split("\n## ").next().unwrap_or("");
        for row in section.lines().filter(|l| l.starts_with("| `")) {
            let first = row.split(" | ").next().unwrap_or("");
            for (i, span) in first.split('`').enumerate() {
                if i % 2 == 0 || span.is_empty() {
                    continue;
                }
                let known = match span.strip_prefix(':') {
                    Some(command) => {
                        commands.contains(command.split_whitespace().next().unwrap_or(""))
                    }
                    None => bound.contains(span),
                };
                if !known {
                    unknown.push(format!("{}: {span:?}", path.display()));
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "not in the keymap or the registry:\n{}",
        unknown.join("\n")
    );
}
